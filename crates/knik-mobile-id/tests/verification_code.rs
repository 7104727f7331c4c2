//! The MID-REST verification code on published vectors and against an independent
//! implementation.
//!
//! reference/mobile-id.md §1.5 gives the algorithm but no vectors. The vectors below are the
//! worked example of SK's MID-REST documentation (hash `2f665f…8cb6` → 1462) and the SHA-256/
//! 384/512 cases of SK's mid-rest-java-client tests; a Python one-liner recomputes random cases
//! independently.

use knik_mobile_id::{HashType, SignableHash, VerificationCode};
use sha2::Digest;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn the_worked_example_of_the_mid_rest_documentation() {
    // 0x2f = 001011|11, 0xb6 = 1|0110110 → 001011 0110110 = 1462.
    let hash = hex("2f665f6a6999e0ef0752e00ec9f453adf59d8cb6");
    let code = VerificationCode::from_hash_bytes(&hash).unwrap();
    assert_eq!(code.to_string(), "1462");
    assert_eq!(code.value(), 1462);
}

#[test]
fn the_java_client_vectors_for_each_hash_type() {
    let sha256 = sha2::Sha256::digest(b"HACKERMAN_SHA256");
    let sha384 = sha2::Sha384::digest(b"HACKERMAN_SHA384");
    let sha512 = sha2::Sha512::digest(b"HACKERMAN_SHA512");
    let code = |t, d: &[u8]| {
        SignableHash::new(t, d)
            .unwrap()
            .verification_code()
            .to_string()
    };
    assert_eq!(code(HashType::Sha256, &sha256), "6008");
    assert_eq!(code(HashType::Sha384, &sha384), "7230");
    assert_eq!(code(HashType::Sha512, &sha512), "3843");
    // Shorter than 20 bytes: no code (the Java client shows "0000").
    assert_eq!(VerificationCode::from_hash_bytes(&[1, 2, 3, 4]), None);
}

#[test]
fn agrees_with_an_independent_python_implementation() {
    let hashes: Vec<Vec<u8>> = (0u8..40)
        .map(|i| {
            let len = [32, 48, 64][usize::from(i) % 3];
            sha2::Sha512::digest([i, i.wrapping_mul(37)])[..]
                .iter()
                .cycle()
                .skip(usize::from(i))
                .take(len)
                .copied()
                .collect()
        })
        .collect();
    let arg: Vec<String> = hashes
        .iter()
        .map(|h| h.iter().map(|b| format!("{b:02x}")).collect())
        .collect();
    let script = "import sys; print(' '.join('%04d' % (((bytes.fromhex(h)[0] >> 2) << 7) | (bytes.fromhex(h)[-1] & 0x7f)) for h in sys.argv[1:]))";
    let output = match std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(&arg)
        .output()
    {
        Ok(o) if o.status.success() => o,
        other => {
            // Marked, not silently passed: this machine has no Python oracle.
            eprintln!("SKIPPED: python3 not available ({other:?})");
            return;
        }
    };
    let expected = String::from_utf8(output.stdout).unwrap();
    let ours: Vec<String> = hashes
        .iter()
        .map(|h| VerificationCode::from_hash_bytes(h).unwrap().to_string())
        .collect();
    assert_eq!(ours.join(" "), expected.trim());
}
