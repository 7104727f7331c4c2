//! The seed corpora of the `xades_verify` and `trust_list` fuzz targets (`fuzz/corpus/…`, made
//! by `fuzz/make_signature_corpora.sh`) replay on the stable toolchain through the targets' own
//! bodies (`fuzz/fuzz_targets/bodies/`, included below), and every seed still gives the outcome
//! it was made for: the real signatures verify completely, each hostile document is refused
//! with its own code, and the trusted list loads both as it is and re-signed — so the corpora
//! keep steering the fuzzer where they were meant to, and CI covers them without a fuzzer.

#[path = "../../../fuzz/fuzz_targets/bodies/trust_list.rs"]
mod trust_list;
#[path = "../../../fuzz/fuzz_targets/bodies/xades_verify.rs"]
mod xades_verify;

use std::path::{Path, PathBuf};

use knik_xades::xades::{Level, codes};

fn corpus(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

fn seed(target: &str, name: &str) -> Vec<u8> {
    let path = corpus(target).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let name = path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into();
            (name, std::fs::read(&path).expect("corpus file"))
        })
        .collect();
    out.sort();
    out
}

/// Byte flips, boundary values and truncations of `data`, deterministic (xorshift).
fn mutations(data: &[u8], count: usize, mut state: u64) -> Vec<Vec<u8>> {
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let mut d = data.to_vec();
            for _ in 0..1 + next() % 3 {
                if d.is_empty() {
                    break;
                }
                let at = (next() % d.len() as u64) as usize;
                match next() % 4 {
                    0 => d[at] ^= 1 << (next() % 8),
                    1 => d[at] = [b'<', b'>', b'"', b'&', b'=', 0][(next() % 6) as usize],
                    2 => {
                        d.remove(at);
                    }
                    _ => d.truncate(at),
                }
            }
            d
        })
        .collect()
}

// --- xades_verify -------------------------------------------------------------------------

#[test]
fn every_signature_seed_replays_through_the_target() {
    let all = seeds("xades_verify");
    assert!(all.len() >= 18, "only {} seeds", all.len());
    for (name, data) in &all {
        eprintln!("{name}");
        xades_verify::run(data);
    }
}

#[test]
fn the_real_signatures_verify_completely_against_the_fixed_data() {
    for (name, level) in [
        ("sig-b-p384.xml", Level::B),
        ("sig-b-p256-exc.xml", Level::B),
        ("sig-b-rsa-v1.xml", Level::B),
        ("sig-b-rsa-pss.xml", Level::B),
        ("sig-t-p384.xml", Level::T),
        ("sig-lt-p384.xml", Level::Lt),
        ("sig-lta-p384.xml", Level::Lta),
    ] {
        let checks = xades_verify::verify(&seed("xades_verify", name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(checks.len(), 1, "{name}");
        let check = &checks[0];
        let errors: Vec<_> = check
            .findings
            .iter()
            .filter(|f| f.severity == knik_xades::xades::Severity::Error)
            .map(|f| f.code)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert_eq!(check.level, Some(level), "{name}");
        assert!(
            check.data_references().count() >= 1,
            "{name} signs no data object"
        );
        xades_verify::check_invariants(check);
    }
    // The fixed data is what those signatures cover: other bytes break every one of them.
    let mut other = std::collections::BTreeMap::new();
    other.insert("data.txt".to_owned(), b"other bytes\n".to_vec());
    let checks = knik_xades::xades::verify(
        &seed("xades_verify", "sig-b-p384.xml"),
        &mut other,
        &knik_xades::xades::VerifyOptions::default(),
    )
    .expect("reads");
    assert!(checks[0].has(codes::DATA_DIGEST_MISMATCH));
    assert_eq!(xades_verify::FIXED_DATA, b"knik fuzz data object\n");
}

#[test]
fn broken_signatures_are_reported_for_their_reason() {
    let checks = xades_verify::verify(&seed("xades_verify", "sig-b-other-data.xml")).unwrap();
    assert!(checks[0].signature_value_ok, "the value itself is fine");
    assert!(checks[0].has(codes::DATA_DIGEST_MISMATCH));
    assert!(!checks[0].is_intact());

    let checks =
        xades_verify::verify(&seed("xades_verify", "signature-value-flipped.xml")).unwrap();
    assert!(!checks[0].signature_value_ok);
    assert!(checks[0].has(codes::SIGNATURE_VALUE_INVALID));
}

#[test]
fn hostile_signature_files_are_refused_with_their_code() {
    for (name, code) in [
        ("dtd.xml", "XML_DTD_NOT_ALLOWED"),
        ("internal-entity.xml", "XML_ENTITY_NOT_ALLOWED"),
        ("external-entity.xml", "XML_ENTITY_NOT_ALLOWED"),
        ("billion-laughs.xml", "XML_ENTITY_NOT_ALLOWED"),
        ("undefined-entity.xml", "XML_UNDEFINED_ENTITY"),
        ("duplicate-id.xml", "XML_DUPLICATE_ID"),
        ("deep-nesting.xml", "XML_TOO_DEEP"),
        ("truncated.xml", "XML_MALFORMED"),
        ("empty.xml", "XML_MALFORMED"),
    ] {
        match xades_verify::verify(&seed("xades_verify", name)) {
            Err(e) => assert_eq!(e.code(), code, "{name}: {e}"),
            Ok(checks) => panic!("{name} was read: {checks:?}"),
        }
    }
}

/// A stand-in for a fuzzing run that needs no nightly toolchain.
#[test]
fn mutated_signature_seeds_keep_the_invariants() {
    let mut runs = 0;
    for (i, (_, data)) in seeds("xades_verify").iter().enumerate() {
        if data.len() > 16 * 1024 {
            continue;
        }
        for m in mutations(data, 60, 0x9e37_79b9_7f4a_7c15 ^ i as u64) {
            xades_verify::run(&m);
            runs += 1;
        }
    }
    assert!(runs >= 600, "{runs} runs");
}

// --- trust_list ---------------------------------------------------------------------------

#[test]
fn every_trust_list_seed_replays_through_the_target() {
    let all = seeds("trust_list");
    assert!(all.len() >= 11, "only {} seeds", all.len());
    for (name, data) in &all {
        eprintln!("{name}");
        trust_list::run(data);
    }
}

#[test]
fn the_test_list_loads_as_it_is_and_re_signed() {
    let original = seed("trust_list", "am-tl.xml");
    let list = trust_list::load(&original).expect("the signed test list loads");
    assert_eq!(list.territory(), "AM");
    let resigned = trust_list::resign(&original).expect("the test list can be re-signed");
    assert_ne!(resigned, original, "a new SignatureValue");
    let again = trust_list::load(&resigned).expect("the re-signed list loads");
    assert_eq!(again.providers(), list.providers());
    trust_list::check(Ok(again));
}

#[test]
fn re_signing_lets_changed_content_through_to_the_parser() {
    let tampered = seed("trust_list", "tampered.xml");
    assert_eq!(
        trust_list::load(&tampered).map(|_| ()).unwrap_err().code(),
        "TSL_DIGEST_MISMATCH"
    );
    let list = trust_list::load(&trust_list::resign(&tampered).expect("re-signable"))
        .expect("the re-signed tampered list loads");
    assert!(
        list.providers()
            .iter()
            .flat_map(|p| &p.services)
            .any(|s| s.name == "Test Evil CA"),
        "the changed name was read"
    );
}

#[test]
fn hostile_trust_lists_are_refused_with_their_code() {
    for (name, code) in [
        ("am-tl-impostor.xml", "TSL_UNKNOWN_SIGNER"),
        ("unsigned.xml", "TSL_NOT_SIGNED"),
        ("two-signatures.xml", "TSL_NOT_SIGNED"),
        ("dtd.xml", "TSL_XML_INVALID"),
        ("billion-laughs.xml", "TSL_XML_INVALID"),
        ("deep-nesting.xml", "TSL_XML_INVALID"),
        ("duplicate-id.xml", "TSL_XML_INVALID"),
        ("truncated.xml", "TSL_XML_INVALID"),
        ("not-a-trust-list.xml", "TSL_NOT_A_TRUST_LIST"),
    ] {
        let data = seed("trust_list", name);
        match trust_list::load(&data) {
            Err(e) => assert_eq!(e.code(), code, "{name}: {e}"),
            Ok(_) => panic!("{name} was accepted"),
        }
    }
    // Without exactly one signature there is nothing to re-sign.
    for name in ["unsigned.xml", "two-signatures.xml", "truncated.xml"] {
        assert!(
            trust_list::resign(&seed("trust_list", name)).is_none(),
            "{name}"
        );
    }
    assert_eq!(
        trust_list::signer().subject().common_name(),
        Some("Test AM Trusted List Signer")
    );
}

#[test]
fn mutated_trust_lists_keep_the_invariants() {
    let data = seed("trust_list", "am-tl.xml");
    let resigned = trust_list::resign(&data).expect("re-signable");
    let mut runs = 0;
    for m in mutations(&resigned, 80, 0x2545_f491_4f6c_dd1d) {
        trust_list::run(&m);
        runs += 1;
    }
    assert_eq!(runs, 80);
}
