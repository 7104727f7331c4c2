//! The card side of docs/cards.md, byte by byte, in process.

mod common;

use common::*;
use knik_card::pin::PinKind;
use knik_card_sim::VirtualCard;
use p384::ecdsa::signature::hazmat::PrehashVerifier;
use p384::pkcs8::DecodePublicKey;
use sha2::Digest;

fn certificate_der(holder: &str, file: &str) -> (Vec<u8>, Vec<u8>) {
    let path = holder_file(holder, file);
    let pem = std::fs::read(&path).unwrap();
    knik_card_sim::key::read_certificate(&pem, &path.display().to_string()).unwrap()
}

/// Reads the selected EF with short READ BINARY of `chunk` bytes until 6282.
fn read_short(card: &mut VirtualCard, chunk: u8) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let offset = out.len() as u16;
        let [hi, lo] = offset.to_be_bytes();
        let (data, sw) = tx_bytes(card, &[0x00, 0xB0, hi, lo, chunk]);
        out.extend(data);
        match sw {
            0x9000 => continue,
            0x6282 => return out,
            other => panic!("READ BINARY at {offset}: {other:04X}"),
        }
    }
}

fn assert_p384_signature(holder: &str, cert: &str, digest: &[u8], sig: &[u8]) {
    let (_, spki) = certificate_der(holder, cert);
    let key = p384::ecdsa::VerifyingKey::from_public_key_der(&spki).unwrap();
    let sig = p384::ecdsa::Signature::from_slice(sig).expect("raw r‖s of 96 bytes");
    key.verify_prehash(digest, &sig)
        .expect("signature verifies with the certificate's key");
}

#[test]
fn applications_and_files_are_selected_as_the_profile_says() {
    let mut c = card("citizen");
    assert_eq!(tx(&mut c, MAIN), (vec![], 0x9000));
    assert_eq!(tx(&mut c, AUTH), (vec![], 0x9000));
    assert_eq!(tx(&mut c, SIGN), (vec![], 0x9000));
    assert_eq!(sw(&mut c, "00 A4 04 0C 05 A0 00 00 00 01"), 0x6A82);
    // EF with FCP: 62 L 80 02 <size> 82 01 01 83 02 <FID>.
    let (cert, _) = certificate_der("citizen", "auth.pem");
    assert_eq!(sw(&mut c, AUTH), 0x9000);
    let (fcp, status) = tx(&mut c, "00 A4 02 04 02 34 01 00");
    assert_eq!(status, 0x9000);
    let size = (cert.len() as u16).to_be_bytes();
    assert_eq!(
        fcp,
        [
            &[0x62, 0x0B, 0x80, 0x02][..],
            &size,
            &[0x82, 0x01, 0x01, 0x83, 0x02, 0x34, 0x01]
        ]
        .concat()
    );
    assert_eq!(tx(&mut c, "00 A4 02 0C 02 34 01"), (vec![], 0x9000));
    // The signing certificate is not in the auth ADF.
    assert_eq!(sw(&mut c, "00 A4 02 0C 02 34 1F"), 0x6A82);
    assert_eq!(sw(&mut c, "00 A4 02 0C 02 34"), 0x6700);
    assert_eq!(sw(&mut c, "00 A4 02 7F 02 34 01"), 0x6A86);
}

#[test]
fn certificates_read_back_exactly_with_short_and_extended_reads() {
    let mut c = card("citizen");
    let (auth, _) = certificate_der("citizen", "auth.pem");
    let (sign, _) = certificate_der("citizen", "sign.pem");
    tx(&mut c, AUTH);
    tx(&mut c, "00 A4 02 0C 02 34 01");
    assert_eq!(read_short(&mut c, 0xC0), auth);
    // Extended Le 0000 = 65536: the whole file and 6282 (end reached before Le).
    assert_eq!(tx(&mut c, "00 B0 00 00 00 00 00"), (auth.clone(), 0x6282));
    // Short Le 00 = 256 bytes, all there: 9000.
    assert_eq!(tx(&mut c, "00 B0 00 00 00"), (auth[..256].to_vec(), 0x9000));
    // At the end: nothing and 6282; beyond: 6B00.
    let [hi, lo] = (auth.len() as u16).to_be_bytes();
    assert_eq!(tx_bytes(&mut c, &[0, 0xB0, hi, lo, 0x10]), (vec![], 0x6282));
    let [hi, lo] = (auth.len() as u16 + 1).to_be_bytes();
    assert_eq!(tx_bytes(&mut c, &[0, 0xB0, hi, lo, 0x10]), (vec![], 0x6B00));
    tx(&mut c, SIGN);
    assert_eq!(
        sw(&mut c, "00 B0 00 00 10"),
        0x6986,
        "no current EF after selecting an ADF"
    );
    tx(&mut c, "00 A4 02 04 02 34 1F 00");
    assert_eq!(read_short(&mut c, 0x80), sign);
}

#[test]
fn personal_data_is_utf8_in_the_profiles_files() {
    let mut c = card("citizen");
    tx(&mut c, MAIN);
    assert_eq!(sw(&mut c, "00 A4 01 0C 02 50 00"), 0x9000);
    let mut field = |fid: &str| -> String {
        assert_eq!(sw(&mut c, &format!("00 A4 02 0C 02 {fid}")), 0x9000);
        let (data, sw) = tx(&mut c, "00 B0 00 00 00");
        assert_eq!(sw, 0x6282);
        String::from_utf8(data).unwrap()
    };
    assert_eq!(field("5001"), "PETROSYAN");
    assert_eq!(field("5002"), "ANI");
    assert_eq!(field("5006"), "2810770123");
    assert_eq!(field("5007"), "AM0000001");
    assert_eq!(field("500A"), "ID card");
    assert_eq!(field("500D"), "ՊԵՏՐՈՍՅԱՆ");
    assert_eq!(field("500E"), "ԱՆԻ");
    // A field the card does not carry is an empty file.
    assert_eq!(field("500B"), "");

    let mut r = card("resident");
    tx(&mut r, MAIN);
    tx(&mut r, "00 A4 01 0C 02 50 00");
    tx(&mut r, "00 A4 02 0C 02 50 0A");
    assert_eq!(tx(&mut r, "00 B0 00 00 00").0, b"residence card");
    tx(&mut r, "00 A4 02 0C 02 50 0B");
    assert_eq!(
        tx(&mut r, "00 B0 00 00 00").0,
        b"temporary residence permit"
    );
    // The DF is under the main application only.
    tx(&mut r, AUTH);
    assert_eq!(sw(&mut r, "00 A4 01 0C 02 50 00"), 0x6A82);
}

#[test]
fn serial_by_get_data_and_retry_counters_in_the_exact_tlv() {
    let mut c = card("citizen");
    assert_eq!(
        tx(&mut c, "00 CA 01 01 00"),
        (b"AMEID00000001".to_vec(), 0x9000)
    );
    assert_eq!(sw(&mut c, "00 CA 01 02 00"), 0x6A88);
    tx(&mut c, AUTH);
    assert_eq!(
        tx(&mut c, "00 CB 3F FF 0A 4D 08 70 06 BF 81 01 02 A0 80 00"),
        (h("70 0C BF 81 01 08 A0 06 9A 01 03 9B 01 03"), 0x9000)
    );
    // PIN2 (85) is local to the signing ADF.
    assert_eq!(
        sw(&mut c, "00 CB 3F FF 0A 4D 08 70 06 BF 81 05 02 A0 80 00"),
        0x6A88
    );
    tx(&mut c, SIGN);
    assert_eq!(
        tx(&mut c, "00 CB 3F FF 0A 4D 08 70 06 BF 81 05 02 A0 80 00"),
        (h("70 0C BF 81 05 08 A0 06 9A 01 03 9B 01 03"), 0x9000)
    );
    // The PUK (02) is global.
    assert_eq!(
        tx(&mut c, "00 CB 3F FF 0A 4D 08 70 06 BF 81 02 02 A0 80 00").1,
        0x9000
    );
    assert_eq!(
        sw(&mut c, "00 CB 3F FF 0A 4D 08 70 06 BF 81 07 02 A0 80 00"),
        0x6A88
    );
    assert_eq!(
        sw(&mut c, "00 CB 3F FE 0A 4D 08 70 06 BF 81 01 02 A0 80 00"),
        0x6A86
    );
}

#[test]
fn wrong_pins_count_down_block_at_zero_and_the_puk_unblocks() {
    let mut c = card("citizen");
    tx(&mut c, AUTH);
    assert_eq!(tx_bytes(&mut c, &verify(0x01, "9999")).1, 0x63C2);
    assert_eq!(tx_bytes(&mut c, &verify(0x01, "9999")).1, 0x63C1);
    // A right PIN resets the counter.
    assert_eq!(tx_bytes(&mut c, &verify(0x01, "1234")).1, 0x9000);
    assert_eq!(c.retries_left(PinKind::Pin1), 3);
    for left in [0x63C2, 0x63C1, 0x63C0] {
        assert_eq!(tx_bytes(&mut c, &verify(0x01, "0000")).1, left);
    }
    assert!(
        !c.is_verified(PinKind::Pin1),
        "a wrong try clears the verification"
    );
    // Blocked: even the right PIN is refused, and no try is spent.
    assert_eq!(tx_bytes(&mut c, &verify(0x01, "1234")).1, 0x6983);
    assert_eq!(sw(&mut c, "00 20 00 01"), 0x6983);
    assert_eq!(
        tx(&mut c, "00 CB 3F FF 0A 4D 08 70 06 BF 81 01 02 A0 80 00").0,
        h("70 0C BF 81 01 08 A0 06 9A 01 03 9B 01 00")
    );
    // RESET RETRY COUNTER needs a verified PUK.
    let mut reset = vec![0x00, 0x2C, 0x02, 0x01, 0x0C];
    reset.extend(block("4321"));
    assert_eq!(tx_bytes(&mut c, &reset).1, 0x6982);
    assert_eq!(tx_bytes(&mut c, &verify(0x02, "12345678")).1, 0x9000);
    assert_eq!(tx_bytes(&mut c, &reset).1, 0x9000);
    assert_eq!(c.retries_left(PinKind::Pin1), 3);
    assert_eq!(
        tx_bytes(&mut c, &verify(0x01, "1234")).1,
        0x63C2,
        "the old PIN is gone"
    );
    assert_eq!(tx_bytes(&mut c, &verify(0x01, "4321")).1, 0x9000);
    // A new PIN outside the profile's rules is refused without change.
    let mut short = vec![0x00, 0x2C, 0x02, 0x01, 0x0C];
    short.extend(block("12"));
    assert_eq!(tx_bytes(&mut c, &short).1, 0x6A80);
    // Verify without data reports the state.
    assert_eq!(sw(&mut c, "00 20 00 01"), 0x9000);
}

#[test]
fn a_wrong_puk_blocks_the_puk() {
    let mut c = card("citizen");
    for left in [0x63C2, 0x63C1, 0x63C0] {
        assert_eq!(tx_bytes(&mut c, &verify(0x02, "00000000")).1, left);
    }
    assert_eq!(tx_bytes(&mut c, &verify(0x02, "12345678")).1, 0x6983);
    let mut reset = vec![0x00, 0x2C, 0x02, 0x01, 0x0C];
    reset.extend(block("4321"));
    assert_eq!(tx_bytes(&mut c, &reset).1, 0x6982);
    assert_eq!(c.retries_left(PinKind::Puk), 0);
}

#[test]
fn change_reference_data_counts_the_old_pin_as_a_try() {
    let mut c = card("citizen");
    tx(&mut c, SIGN);
    let change = |old: &str, new: &str| {
        let mut a = vec![0x00, 0x24, 0x00, 0x85, 0x18];
        a.extend(block(old));
        a.extend(block(new));
        a
    };
    assert_eq!(tx_bytes(&mut c, &change("11111", "54321")).1, 0x63C2);
    assert_eq!(tx_bytes(&mut c, &change("12345", "54321")).1, 0x9000);
    assert_eq!(c.retries_left(PinKind::Pin2), 3);
    assert_eq!(tx_bytes(&mut c, &verify(0x85, "12345")).1, 0x63C2);
    assert_eq!(tx_bytes(&mut c, &verify(0x85, "54321")).1, 0x9000);
    // Both blocks are needed.
    assert_eq!(
        tx_bytes(&mut c, &case4("00 24 00 85", &block("54321"))[..17]).1,
        0x6700
    );
    // PIN2 is local to the signing ADF.
    tx(&mut c, AUTH);
    assert_eq!(tx_bytes(&mut c, &verify(0x85, "54321")).1, 0x6A88);
    // Changing the PUK.
    let mut puk = vec![0x00, 0x24, 0x00, 0x02, 0x18];
    puk.extend(block("12345678"));
    puk.extend(block("87654321"));
    assert_eq!(tx_bytes(&mut c, &puk).1, 0x9000);
    assert_eq!(tx_bytes(&mut c, &verify(0x02, "87654321")).1, 0x9000);
}

#[test]
fn internal_authenticate_needs_mse_and_pin1_and_signs_with_the_auth_key() {
    let mut c = card("citizen");
    let digest = sha2::Sha384::digest(b"hash(origin) || hash(nonce)").to_vec();
    let ia = case4("00 88 00 00", &digest);
    tx(&mut c, AUTH);
    assert_eq!(tx_bytes(&mut c, &ia).1, 0x6985, "no security environment");
    assert_eq!(sw(&mut c, MSE_AUTH), 0x9000);
    assert_eq!(tx_bytes(&mut c, &ia).1, 0x6982, "PIN1 not verified");
    assert_eq!(tx_bytes(&mut c, &verify(0x01, "1234")).1, 0x9000);
    let (sig, status) = tx_bytes(&mut c, &ia);
    assert_eq!((sig.len(), status), (96, 0x9000));
    assert_p384_signature("citizen", "auth.pem", &digest, &sig);
    // PIN1 stays verified: a second authentication works.
    let (sig2, status) = tx_bytes(&mut c, &ia);
    assert_eq!(status, 0x9000);
    assert_p384_signature("citizen", "auth.pem", &digest, &sig2);
    // SHA-256 and SHA-512 digests are padded / truncated to 48 bytes.
    for d in [
        sha2::Sha256::digest(b"x").to_vec(),
        sha2::Sha512::digest(b"x").to_vec(),
    ] {
        let (sig, status) = tx_bytes(&mut c, &case4("00 88 00 00", &d));
        assert_eq!(status, 0x9000);
        assert_p384_signature("citizen", "auth.pem", &d, &sig);
    }
    assert_eq!(
        sw(&mut c, "00 88 00 00 00"),
        0x6700,
        "Lc 0 with a case-2 reading"
    );
}

#[test]
fn a_verified_pin2_is_consumed_by_one_signature() {
    let mut c = card("citizen");
    let digest = sha2::Sha384::digest(b"SignedInfo").to_vec();
    let pso = case4("00 2A 9E 9A", &digest);
    tx(&mut c, SIGN);
    assert_eq!(sw(&mut c, MSE_SIGN), 0x9000);
    assert_eq!(tx_bytes(&mut c, &pso).1, 0x6982);
    assert_eq!(tx_bytes(&mut c, &verify(0x85, "12345")).1, 0x9000);
    let (sig, status) = tx_bytes(&mut c, &pso);
    assert_eq!(status, 0x9000);
    assert_p384_signature("citizen", "sign.pem", &digest, &sig);
    assert_ne!(
        certificate_der("citizen", "auth.pem").1,
        certificate_der("citizen", "sign.pem").1,
        "two different keys"
    );
    assert_eq!(tx_bytes(&mut c, &pso).1, 0x6982, "PIN2 was consumed");
    assert!(!c.is_verified(PinKind::Pin2));
    // INTERNAL AUTHENTICATE needs the auth environment.
    assert_eq!(tx_bytes(&mut c, &case4("00 88 00 00", &digest)).1, 0x6985);
}

#[test]
fn selecting_another_application_or_resetting_loses_the_security_state() {
    let mut c = card("citizen");
    let ia = case4("00 88 00 00", &[7u8; 48]);
    tx(&mut c, AUTH);
    tx(&mut c, MSE_AUTH);
    tx_bytes(&mut c, &verify(0x01, "1234"));
    // Re-selecting the same application keeps PIN1 and the environment.
    tx(&mut c, AUTH);
    assert_eq!(tx_bytes(&mut c, &ia).1, 0x9000);
    tx(&mut c, SIGN);
    tx(&mut c, AUTH);
    assert_eq!(
        tx_bytes(&mut c, &ia).1,
        0x6985,
        "the environment is lost with the other application"
    );
    tx(&mut c, MSE_AUTH);
    assert_eq!(
        tx_bytes(&mut c, &ia).1,
        0x6982,
        "PIN1 lost with the other application"
    );
    tx_bytes(&mut c, &verify(0x01, "1234"));
    c.reset();
    tx(&mut c, AUTH);
    tx(&mut c, MSE_AUTH);
    assert_eq!(tx_bytes(&mut c, &ia).1, 0x6982, "PIN1 lost with the reset");
}

#[test]
fn status_words_for_what_the_card_does_not_know() {
    let mut c = card("citizen");
    assert_eq!(sw(&mut c, "00 FE 00 00"), 0x6D00);
    assert_eq!(sw(&mut c, "80 A4 04 0C 02 3F 00"), 0x6E00);
    assert_eq!(sw(&mut c, "10 A4 04 0C 02 3F 00"), 0x6884);
    assert_eq!(sw(&mut c, "00 A4"), 0x6700);
    assert_eq!(sw(&mut c, "00 A4 04 0C 05 01 02"), 0x6700);
    tx(&mut c, AUTH);
    // Unknown key reference, wrong algorithm, key of the other application.
    assert_eq!(sw(&mut c, "00 22 41 A4 06 80 01 04 84 01 82"), 0x6A88);
    assert_eq!(sw(&mut c, "00 22 41 A4 06 80 01 54 84 01 81"), 0x6A80);
    assert_eq!(sw(&mut c, "00 22 41 B6 06 80 01 54 84 01 9F"), 0x6A88);
    // Unknown PIN reference.
    assert_eq!(tx_bytes(&mut c, &verify(0x03, "1234")).1, 0x6A88);
    // A PIN block of the wrong length is not a try.
    assert_eq!(sw(&mut c, "00 20 00 01 04 31 32 33 34"), 0x6700);
    assert_eq!(c.retries_left(PinKind::Pin1), 3);
    assert_eq!(sw(&mut c, "00 2A 9E 9B 02 01 02 00"), 0x6A86);
}

#[test]
fn the_blocked_card_refuses_pin2_until_the_puk_unblocks_it() {
    let mut c = card("blocked");
    assert_eq!(c.retries_left(PinKind::Pin2), 0);
    tx(&mut c, SIGN);
    assert_eq!(
        tx(&mut c, "00 CB 3F FF 0A 4D 08 70 06 BF 81 05 02 A0 80 00").0,
        h("70 0C BF 81 05 08 A0 06 9A 01 03 9B 01 00")
    );
    assert_eq!(tx_bytes(&mut c, &verify(0x85, "12345")).1, 0x6983);
    // PIN1 works.
    tx(&mut c, AUTH);
    assert_eq!(tx_bytes(&mut c, &verify(0x01, "1234")).1, 0x9000);
    // PUK in the signing ADF (PUK global, PIN2 local), then a new PIN2.
    tx(&mut c, SIGN);
    assert_eq!(tx_bytes(&mut c, &verify(0x02, "12345678")).1, 0x9000);
    let mut reset = vec![0x00, 0x2C, 0x02, 0x85, 0x0C];
    reset.extend(block("54321"));
    assert_eq!(tx_bytes(&mut c, &reset).1, 0x9000);
    tx(&mut c, MSE_SIGN);
    assert_eq!(tx_bytes(&mut c, &verify(0x85, "54321")).1, 0x9000);
    let digest = sha2::Sha384::digest(b"now he can sign").to_vec();
    let (sig, status) = tx_bytes(&mut c, &case4("00 2A 9E 9A", &digest));
    assert_eq!(status, 0x9000);
    assert_p384_signature("blocked", "sign.pem", &digest, &sig);
}

#[test]
fn the_estonian_card_runs_the_ee_idemia_profile() {
    let mut c = card("ee");
    assert_eq!(c.profile_id(), "ee-idemia");
    assert_eq!(
        c.atr(),
        h("3B DB 96 00 80 B1 FE 45 1F 83 00 12 23 3F 53 65 49 44 0F 90 00 F1")
    );
    // No GET DATA serial: the document number is the serial.
    assert_eq!(sw(&mut c, "00 CA 01 01 00"), 0x6A88);
    tx(&mut c, MAIN);
    tx(&mut c, "00 A4 01 0C 02 50 00");
    tx(&mut c, "00 A4 02 0C 02 50 07");
    assert_eq!(
        tx(&mut c, "00 B0 00 00 00"),
        (b"AC0000001".to_vec(), 0x6282)
    );
    tx(&mut c, "00 A4 02 0C 02 50 01");
    assert_eq!(tx(&mut c, "00 B0 00 00 00").0, "MÄNNIK".as_bytes());
    tx(&mut c, AUTH);
    tx(&mut c, MSE_AUTH);
    tx_bytes(&mut c, &verify(0x01, "1234"));
    let digest = sha2::Sha384::digest(b"ee").to_vec();
    let (sig, status) = tx_bytes(&mut c, &case4("00 88 00 00", &digest));
    assert_eq!(status, 0x9000);
    assert_p384_signature("ee", "auth.pem", &digest, &sig);
}

#[test]
fn every_card_image_loads_and_its_atr_is_recognised_by_its_profile() {
    for name in ["citizen", "resident", "revoked", "expired", "blocked", "ee"] {
        let c = card(name);
        let profile = knik_card::profile::Profile::builtin_by_id(c.profile_id()).unwrap();
        assert!(profile.atr.iter().any(|r| r.matches(c.atr())), "{name}");
    }
}

/// OpenSSL as an independent oracle: the card's raw r‖s, DER-encoded, verifies with
/// `openssl pkeyutl -verify` against the certificate's public key, for SHA-256 and SHA-384.
#[test]
fn openssl_verifies_the_cards_signatures() {
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no openssl CLI");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pubkey = dir.path().join("pub.pem");
    let out = std::process::Command::new("openssl")
        .args(["x509", "-pubkey", "-noout", "-in"])
        .arg(holder_file("resident", "sign.pem"))
        .output()
        .unwrap();
    std::fs::write(&pubkey, out.stdout).unwrap();
    let mut c = card("resident");
    tx(&mut c, SIGN);
    tx(&mut c, MSE_SIGN);
    for digest in [
        sha2::Sha256::digest(b"doc").to_vec(),
        sha2::Sha384::digest(b"doc").to_vec(),
    ] {
        tx_bytes(&mut c, &verify(0x85, "12345"));
        let (sig, status) = tx_bytes(&mut c, &case4("00 2A 9E 9A", &digest));
        assert_eq!(status, 0x9000);
        std::fs::write(dir.path().join("digest"), &digest).unwrap();
        std::fs::write(dir.path().join("sig.der"), der_signature(&sig)).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
            .arg(&pubkey)
            .arg("-in")
            .arg(dir.path().join("digest"))
            .arg("-sigfile")
            .arg(dir.path().join("sig.der"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Signature Verified Successfully"),
            "{text} {:?}",
            out.stderr
        );
    }
}

/// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } from raw r‖s.
fn der_signature(raw: &[u8]) -> Vec<u8> {
    let int = |x: &[u8]| {
        let x: Vec<u8> = x.iter().copied().skip_while(|b| *b == 0).collect();
        let mut v = if x.first().is_some_and(|b| b & 0x80 != 0) {
            vec![0]
        } else {
            vec![]
        };
        v.extend(x);
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    };
    let (r, s) = raw.split_at(raw.len() / 2);
    let body = [int(r), int(s)].concat();
    let mut out = vec![0x30];
    if body.len() > 0x7F {
        out.extend([0x81, body.len() as u8]);
    } else {
        out.push(body.len() as u8);
    }
    out.extend(body);
    out
}
