//! Every operation of [`Card`] against a scripted card, byte for byte as docs/cards.md gives
//! the protocol. (The same operations against the virtual card are tested in knik-card-sim.)

use std::sync::{Arc, Mutex};

use super::*;
use crate::testing::{Script, ScriptedTransport};
use crate::transport::TransportError;

const SIM_ATR: &str = "3B DB 96 00 80 B1 FE 45 1F 83 00 12 05 1A 41 4D 65 49 44 0F 90 00 AD";
const MAIN: &str = "00 A4 04 0C 10 A0 00 00 00 77 01 08 00 07 00 00 FE 00 00 01 00";
const AUTH: &str = "00 A4 04 0C 0D E8 28 BD 08 0F F2 50 4F 54 20 41 57 50";
const SIGN: &str = "00 A4 04 0C 10 51 53 43 44 20 41 70 70 6C 69 63 61 74 69 6F 6E";
const SERIAL: &str = "00 CA 01 01 00";
const SERIAL_ANSWER: &str = "41 4D 30 30 30 31 90 00"; // "AM0001"
const MSE_AUTH: &str = "00 22 41 A4 06 80 01 04 84 01 81";
const MSE_SIGN: &str = "00 22 41 B6 06 80 01 54 84 01 9F";
const OK: &str = "90 00";

fn retries(reference: u8) -> String {
    format!(
        "00 CB 3F FF 0A 4D 08 70 06 BF 81 {:02X} 02 A0 80 00",
        reference & 0x0F
    )
}

fn retries_answer(reference: u8, left: u8) -> String {
    format!(
        "70 0C BF 81 {:02X} 08 A0 06 9A 01 03 9B 01 {left:02X} 90 00",
        reference & 0x0F
    )
}

fn block(pin: &str) -> String {
    let mut b = pin.as_bytes().to_vec();
    b.resize(12, 0xFF);
    hex::encode_upper(b)
}

fn verify(reference: u8, pin: &str) -> String {
    format!("00 20 00 {reference:02X} 0C {}", block(pin))
}

fn signature_answer() -> String {
    format!("{}9000", "AB".repeat(96))
}

/// A 300-byte certificate stand-in (a DER SEQUENCE), padded in a 310-byte file.
fn cert() -> Vec<u8> {
    let mut c = vec![0x30, 0x82, 0x01, 0x28];
    c.extend_from_slice(&[0x5A; 296]);
    c
}

/// SELECT application, SELECT EF 3401/341F with FCP (310 bytes), READ BINARY 192 + 118.
fn read_cert(script: Script, select_app: &str, fid: u16) -> Script {
    let mut file = cert();
    file.extend_from_slice(&[0xFF; 10]);
    let fcp = format!("62 0B 80 02 01 36 82 01 01 83 02 {fid:04X} 90 00");
    script
        .expect(select_app, OK)
        .expect(&format!("00 A4 02 04 02 {fid:04X} 00"), &fcp)
        .expect(
            "00 B0 00 00 C0",
            &format!("{}9000", hex::encode(&file[..192])),
        )
        .expect(
            "00 B0 00 C0 76",
            &format!("{}9000", hex::encode(&file[192..])),
        )
}

fn card_with(profile: &str, script: Script) -> Card<ScriptedTransport> {
    let profile = Profile::builtin_by_id(profile).unwrap().clone();
    Card::new(ScriptedTransport::new(script).with_atr(SIM_ATR), profile)
        .unwrap()
        .with_cache(CertificateCache::new())
}

fn card(script: Script) -> Card<ScriptedTransport> {
    card_with("am-eid", script)
}

fn warm(card: &Card<ScriptedTransport>) {
    card.cache()
        .insert("am-eid", "AM0001", KeyRole::Authentication, cert());
}

fn pin(s: &str) -> Pin {
    Pin::from_bytes(s.as_bytes())
}

fn sent_verify(card: &Card<ScriptedTransport>) -> bool {
    card.transport()
        .sent()
        .iter()
        .any(|c| c.get(1) == Some(&0x20))
}

#[test]
fn info_names_the_card_with_its_serial() {
    let mut c = card(Script::new().expect(SERIAL, SERIAL_ANSWER));
    let info = c.info().unwrap();
    assert_eq!(info.profile, "am-eid");
    assert_eq!(info.serial.as_deref(), Some("AM0001"));
    assert!(info.assumed_profile);
    assert_eq!(info.atr.unwrap()[0], 0x3B);
    assert_eq!(c.apdu_count(), 1);
    c.transport().assert_done();
}

#[test]
fn identify_finds_the_profile_from_the_atr() {
    let t = ScriptedTransport::new(Script::new()).with_atr(SIM_ATR);
    assert_eq!(
        Card::identify(t, &AtrTable::builtin())
            .unwrap()
            .profile()
            .id,
        "am-eid"
    );
    let t = ScriptedTransport::new(Script::new()).with_atr("3B 95 13 81 01 80 73 FF 01 00 0B");
    assert_eq!(
        Card::identify(t, &AtrTable::builtin()).unwrap_err(),
        Error::UnsupportedCard {
            atr: "3B951381018073FF01000B".into()
        }
    );
    let legacy = Profile::builtin_by_id("am-legacy").unwrap().clone();
    assert!(matches!(
        Card::new(ScriptedTransport::new(Script::new()), legacy),
        Err(Error::Profile { .. })
    ));
}

#[test]
fn certificate_is_read_once_then_served_from_the_cache() {
    let script = read_cert(Script::new().expect(SERIAL, SERIAL_ANSWER), SIGN, 0x341F);
    let mut c = card(script);
    assert_eq!(c.certificate(KeyRole::Signing).unwrap(), cert());
    assert_eq!(c.last_operation_apdus(), 5);
    c.transport_mut()
        .push(Script::new().expect(SERIAL, SERIAL_ANSWER));
    assert_eq!(c.certificate(KeyRole::Signing).unwrap(), cert());
    assert_eq!(c.last_operation_apdus(), 1);
    let cached = c.cache().get("am-eid", "AM0001", KeyRole::Signing).unwrap();
    assert_eq!(cached, crate::cache::CachedCertificate::new(cert()));
    c.transport().assert_done();
    assert_eq!(c.transport().transactions(), (2, 2));
}

#[test]
fn another_card_in_the_reader_drops_the_old_cards_certificates() {
    let mut c = card(Script::new().expect(SERIAL, "42 42 90 00"));
    warm(&c);
    c.last_serial = Some("AM0001".into());
    c.transport_mut()
        .push(read_cert(Script::new(), AUTH, 0x3401));
    assert_eq!(c.certificate(KeyRole::Authentication).unwrap(), cert());
    assert!(
        c.cache()
            .get("am-eid", "AM0001", KeyRole::Authentication)
            .is_none()
    );
    assert!(
        c.cache()
            .get("am-eid", "BB", KeyRole::Authentication)
            .is_some()
    );
    c.transport().assert_done();
}

fn warm_authenticate_script(verify_answer: &str, ia_answer: &str) -> Script {
    let mut input = vec![0u8; 16];
    input.extend_from_slice(&[0x11; 32]);
    Script::new()
        .expect(SERIAL, SERIAL_ANSWER)
        .expect(AUTH, OK)
        .expect(&retries(0x01), &retries_answer(0x01, 3))
        .expect(MSE_AUTH, OK)
        .expect(&verify(0x01, "1234"), verify_answer)
        .expect(
            &format!("00 88 00 00 30 {} 00", hex::encode(input)),
            ia_answer,
        )
}

#[test]
fn authenticate_with_a_warm_cache_takes_exactly_six_apdus() {
    let mut c = card(warm_authenticate_script(OK, &signature_answer()));
    warm(&c);
    let (sig, certificate) = c
        .authenticate_with_certificate(&pin("1234"), HashAlgorithm::Sha256, &[0x11; 32])
        .unwrap();
    assert_eq!(c.apdu_count(), 6);
    assert_eq!(sig.value, vec![0xAB; 96]);
    assert_eq!(sig.algorithm, SignatureAlgorithm::Ecdsa);
    assert_eq!(sig.hash, HashAlgorithm::Sha256);
    assert_eq!(certificate, cert());
    c.transport().assert_done();
    assert_eq!(c.transport().transactions(), (1, 1));
}

#[test]
fn authenticate_with_a_cold_cache_reads_and_caches_the_certificate() {
    let mut input = vec![0u8; 16];
    input.extend_from_slice(&[0x11; 32]);
    let script = read_cert(Script::new().expect(SERIAL, SERIAL_ANSWER), AUTH, 0x3401)
        .expect(AUTH, OK)
        .expect(&retries(0x01), &retries_answer(0x01, 3))
        .expect(MSE_AUTH, OK)
        .expect(&verify(0x01, "1234"), OK)
        .expect(
            &format!("00 88 00 00 30 {} 00", hex::encode(input)),
            &signature_answer(),
        );
    let mut c = card(script);
    let sig = c
        .authenticate(&pin("1234"), HashAlgorithm::Sha256, &[0x11; 32])
        .unwrap();
    assert_eq!(sig.value.len(), 96);
    assert!(
        c.cache()
            .get("am-eid", "AM0001", KeyRole::Authentication)
            .is_some()
    );
    c.transport().assert_done();
}

#[test]
fn wrong_pin_reports_the_tries_left() {
    let mut c = card(warm_authenticate_script("63 C2", ""));
    warm(&c);
    let script_len = c.transport().sent().len();
    assert_eq!(script_len, 0);
    let e = c
        .authenticate(&pin("1234"), HashAlgorithm::Sha256, &[0x11; 32])
        .unwrap_err();
    assert_eq!(
        e,
        Error::WrongPin {
            kind: PinKind::Pin1,
            retries_left: 2
        }
    );
    assert_eq!(e.code(), "CARD_WRONG_PIN");
    assert_eq!(
        c.apdu_count(),
        5,
        "no INTERNAL AUTHENTICATE after a wrong PIN"
    );
    assert_eq!(c.transport().transactions(), (1, 1));
}

#[test]
fn last_wrong_pin_and_blocked_answers_are_pin_blocked() {
    for answer in ["63 C0", "69 83", "69 84"] {
        let mut c = card(warm_authenticate_script(answer, ""));
        warm(&c);
        let e = c
            .authenticate(&pin("1234"), HashAlgorithm::Sha256, &[0x11; 32])
            .unwrap_err();
        assert_eq!(
            e,
            Error::PinBlocked {
                kind: PinKind::Pin1
            },
            "{answer}"
        );
    }
}

#[test]
fn a_blocked_pin_is_never_sent() {
    let mut c = card(
        Script::new()
            .expect(SIGN, OK)
            .expect(&retries(0x85), &retries_answer(0x85, 0)),
    );
    let e = c
        .sign(&pin("12345"), HashAlgorithm::Sha384, &[0x22; 48])
        .unwrap_err();
    assert_eq!(
        e,
        Error::PinBlocked {
            kind: PinKind::Pin2
        }
    );
    assert!(!sent_verify(&c));
    assert_eq!(c.apdu_count(), 2);
    c.transport().assert_done();
}

#[test]
fn a_pin_of_bad_length_or_characters_sends_nothing() {
    let mut c = card(Script::new());
    let e = c
        .authenticate(&pin("123"), HashAlgorithm::Sha256, &[0; 32])
        .unwrap_err();
    assert_eq!(
        e,
        Error::PinFormat {
            kind: PinKind::Pin1,
            min: 4,
            max: 12
        }
    );
    let e = c
        .sign(&pin("1234"), HashAlgorithm::Sha256, &[0; 32])
        .unwrap_err();
    assert_eq!(
        e,
        Error::PinFormat {
            kind: PinKind::Pin2,
            min: 5,
            max: 12
        }
    );
    let e = c.verify_pin(PinKind::Puk, &pin("1234567a")).unwrap_err();
    assert_eq!(
        e,
        Error::PinFormat {
            kind: PinKind::Puk,
            min: 8,
            max: 12
        }
    );
    let e = c
        .change_pin(PinKind::Pin1, &pin("1234"), &pin("1234567890123"))
        .unwrap_err();
    assert!(matches!(e, Error::PinFormat { .. }));
    let e = c
        .unblock_pin(PinKind::Pin1, &pin("1234"), &pin("4321"))
        .unwrap_err();
    assert_eq!(
        e,
        Error::PinFormat {
            kind: PinKind::Puk,
            min: 8,
            max: 12
        }
    );
    assert_eq!(c.apdu_count(), 0);
    assert!(c.transport().sent().is_empty());
    assert_eq!(c.transport().transactions(), (0, 0));
}

#[test]
fn a_digest_of_the_wrong_length_sends_nothing() {
    let mut c = card(Script::new());
    let e = c
        .sign(&pin("12345"), HashAlgorithm::Sha384, &[0; 32])
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)));
    assert!(c.transport().sent().is_empty());
}

#[test]
fn sign_selects_the_qscd_and_reads_the_local_pin2_counter_there() {
    let digest: Vec<u8> = (0..64).collect();
    let script = Script::new()
        .expect(SIGN, OK)
        .expect(&retries(0x85), &retries_answer(0x85, 3))
        .expect(MSE_SIGN, OK)
        .expect(&verify(0x85, "12345"), OK)
        .expect(
            &format!("00 2A 9E 9A 30 {} 00", hex::encode(&digest[..48])),
            &signature_answer(),
        );
    let mut c = card(script);
    let sig = c
        .sign(&pin("12345"), HashAlgorithm::Sha512, &digest)
        .unwrap();
    assert_eq!(sig.value.len(), 96);
    assert_eq!(sig.hash, HashAlgorithm::Sha512);
    assert_eq!(c.apdu_count(), 5);
    c.transport().assert_done();
}

#[test]
fn chained_and_wrong_le_answers_are_handled_in_the_channel() {
    let script = Script::new()
        .expect(SERIAL, "6C 06")
        .expect("00 CA 01 01 06", SERIAL_ANSWER)
        .expect(AUTH, OK)
        .expect(&retries(0x01), "61 0E")
        .expect("00 C0 00 00 0E", &retries_answer(0x01, 3))
        .expect(MSE_AUTH, OK)
        .expect(&verify(0x01, "1234"), OK)
        .expect(
            &format!("00 88 00 00 30 {}{} 00", "00".repeat(16), "11".repeat(32)),
            &format!("{}6130", "AB".repeat(66)),
        )
        .expect("00 C0 00 00 30", &format!("{}9000", "AB".repeat(30)));
    let mut c = card(script);
    warm(&c);
    let sig = c
        .authenticate(&pin("1234"), HashAlgorithm::Sha256, &[0x11; 32])
        .unwrap();
    assert_eq!(sig.value, vec![0xAB; 96]);
    assert_eq!(c.apdu_count(), 9);
    c.transport().assert_done();
}

#[test]
fn card_removed_mid_operation_is_an_error_not_a_hang() {
    let script = Script::new()
        .expect(SIGN, OK)
        .expect(&retries(0x85), &retries_answer(0x85, 3))
        .removed();
    let mut c = card(script);
    let e = c
        .sign(&pin("12345"), HashAlgorithm::Sha384, &[0x22; 48])
        .unwrap_err();
    assert_eq!(e, Error::Transport(TransportError::CardRemoved));
    assert_eq!(e.code(), "CARD_REMOVED");
    assert_eq!(c.transport().transactions(), (1, 1));
    // and the next operation fails the same way
    assert_eq!(
        c.info().unwrap_err(),
        Error::Transport(TransportError::CardRemoved)
    );
}

#[test]
fn trace_masks_pin_bytes() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let mut c = card(warm_authenticate_script(OK, &signature_answer()))
        .with_tracer(move |e| sink.lock().unwrap().push(e.to_string()));
    warm(&c);
    c.authenticate(&pin("1234"), HashAlgorithm::Sha256, &[0x11; 32])
        .unwrap();
    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 12);
    assert_eq!(lines[0], "> 00 CA 01 01 00");
    assert_eq!(lines[8], format!("> 00 20 00 01 0C{}", " **".repeat(12)));
    assert!(lines.iter().all(|l| !l.contains("31 32 33 34")));
}

#[test]
fn pin_status_reads_global_and_local_counters_where_they_live() {
    let script = Script::new()
        .expect(MAIN, OK)
        .expect(&retries(0x01), &retries_answer(0x01, 2))
        .expect(SIGN, OK)
        .expect(&retries(0x85), &retries_answer(0x85, 0))
        .expect(MAIN, OK)
        .expect(&retries(0x02), "70 03 BF 81 02 90 00");
    let mut c = card(script);
    assert_eq!(
        c.pin_status(PinKind::Pin1).unwrap(),
        PinStatus {
            kind: PinKind::Pin1,
            retries_left: Some(2),
            max_tries: Some(3),
            blocked: false
        }
    );
    assert!(c.pin_status(PinKind::Pin2).unwrap().blocked);
    assert!(matches!(
        c.pin_status(PinKind::Puk),
        Err(Error::Malformed { .. })
    ));
    c.transport().assert_done();
}

#[test]
fn verify_pin_checks_without_using_a_key() {
    let mut c = card(
        Script::new()
            .expect(MAIN, OK)
            .expect(&retries(0x01), &retries_answer(0x01, 3))
            .expect(&verify(0x01, "1234"), OK),
    );
    c.verify_pin(PinKind::Pin1, &pin("1234")).unwrap();
    c.transport().assert_done();
}

#[test]
fn change_pin_sends_old_and_new_blocks() {
    let mut c = card(
        Script::new()
            .expect(SIGN, OK)
            .expect(&retries(0x85), &retries_answer(0x85, 3))
            .expect(
                &format!("00 24 00 85 18 {}{}", block("12345"), block("54321")),
                "63 C1",
            ),
    );
    let e = c
        .change_pin(PinKind::Pin2, &pin("12345"), &pin("54321"))
        .unwrap_err();
    assert_eq!(
        e,
        Error::WrongPin {
            kind: PinKind::Pin2,
            retries_left: 1
        }
    );
    c.transport_mut().push(
        Script::new()
            .expect(SIGN, OK)
            .expect(&retries(0x85), &retries_answer(0x85, 1))
            .expect(
                &format!("00 24 00 85 18 {}{}", block("12345"), block("54321")),
                OK,
            ),
    );
    c.change_pin(PinKind::Pin2, &pin("12345"), &pin("54321"))
        .unwrap();
    let e = c
        .change_pin(PinKind::Pin2, &pin("12345"), &pin("12345"))
        .unwrap_err();
    assert!(matches!(
        e,
        Error::PinNotAccepted {
            kind: PinKind::Pin2,
            ..
        }
    ));
    c.transport().assert_done();
}

#[test]
fn unblock_verifies_the_puk_then_resets_the_counter() {
    let mut c = card(
        Script::new()
            .expect(SIGN, OK)
            .expect(&retries(0x02), &retries_answer(0x02, 3))
            .expect(&verify(0x02, "12345678"), OK)
            .expect(&format!("00 2C 02 85 0C {}", block("11111")), OK),
    );
    c.unblock_pin(PinKind::Pin2, &pin("12345678"), &pin("11111"))
        .unwrap();
    c.transport().assert_done();

    let mut c = card(
        Script::new()
            .expect(MAIN, OK)
            .expect(&retries(0x02), &retries_answer(0x02, 0)),
    );
    let e = c
        .unblock_pin(PinKind::Pin1, &pin("12345678"), &pin("1111"))
        .unwrap_err();
    assert_eq!(e, Error::PinBlocked { kind: PinKind::Puk });
    assert!(!sent_verify(&c));

    let mut c = card(
        Script::new()
            .expect(MAIN, OK)
            .expect(&retries(0x02), &retries_answer(0x02, 3))
            .expect(&verify(0x02, "12345678"), "63 C2"),
    );
    let e = c
        .unblock_pin(PinKind::Pin1, &pin("12345678"), &pin("1111"))
        .unwrap_err();
    assert_eq!(
        e,
        Error::WrongPin {
            kind: PinKind::Puk,
            retries_left: 2
        }
    );
    assert!(matches!(
        c.unblock_pin(PinKind::Puk, &pin("12345678"), &pin("12345678")),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn a_key_operation_without_verified_pin_is_a_typed_error() {
    let mut c = card(warm_authenticate_script(OK, "69 82"));
    warm(&c);
    let e = c
        .authenticate(&pin("1234"), HashAlgorithm::Sha256, &[0x11; 32])
        .unwrap_err();
    assert!(
        matches!(e, Error::SecurityStatusNotSatisfied { .. }),
        "{e:?}"
    );
}

#[test]
fn a_short_signature_is_malformed() {
    let mut c = card(warm_authenticate_script(OK, "AB AB 90 00"));
    warm(&c);
    let e = c
        .authenticate(&pin("1234"), HashAlgorithm::Sha256, &[0x11; 32])
        .unwrap_err();
    assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
}

fn text_field(script: Script, fid: u16, value: Option<&str>) -> Script {
    let select = format!("00 A4 02 04 02 {fid:04X} 00");
    match value {
        None => script.expect(&select, "6A 82"),
        Some("") => script.expect(&select, &format!("62 04 80 02 00 00 {OK}")),
        Some(v) => script
            .expect(&select, &format!("62 04 80 02 00 {:02X} {OK}", v.len()))
            .expect(
                &format!("00 B0 00 00 {:02X}", v.len()),
                &format!("{}9000", hex::encode(v)),
            ),
    }
}

#[test]
fn personal_data_reads_every_field_file() {
    let values: [(u16, Option<&str>); 14] = [
        (0x5001, Some("PETROSYAN")),
        (0x5002, Some("ANI")),
        (0x5003, Some("F")),
        (0x5004, Some("ARM")),
        (0x5005, Some("1977-07-28")),
        (0x5006, Some("2810770123")),
        (0x5007, Some("AM0001")),
        (0x5008, Some("2036-01-01")),
        (0x5009, Some("2026-01-01")),
        (0x500A, Some("citizen ID card")),
        (0x500B, Some("")),
        (0x500C, None),
        (0x500D, Some("ՊԵՏՐՈՍՅԱՆ")),
        (0x500E, Some("ԱՆԻ")),
    ];
    let mut script = Script::new()
        .expect(MAIN, OK)
        .expect("00 A4 01 0C 02 50 00", OK);
    for (fid, v) in values {
        script = text_field(script, fid, v);
    }
    let mut c = card(script);
    let pd = c.personal_data().unwrap().unwrap();
    assert_eq!(pd.surname(), Some("PETROSYAN"));
    assert_eq!(pd.personal_number(), Some("2810770123"));
    assert_eq!(pd.get("surname_native"), Some("ՊԵՏՐՈՍՅԱՆ"));
    assert_eq!(pd.get("residence_permit_type"), None);
    assert_eq!(pd.get("residence_permit_validity"), None);
    c.transport().assert_done();
}

#[test]
fn ee_idemia_takes_its_serial_from_the_document_number() {
    let script = text_field(
        Script::new()
            .expect(MAIN, OK)
            .expect("00 A4 01 0C 02 50 00", OK),
        0x5007,
        Some("AB1234567"),
    );
    let mut c = card_with("ee-idemia", script);
    assert_eq!(c.info().unwrap().serial.as_deref(), Some("AB1234567"));
    c.transport().assert_done();
}

#[test]
fn a_missing_application_or_serial_is_reported_as_such() {
    let mut c = card(Script::new().expect(SERIAL, "6A 88").expect(SIGN, "6A 82"));
    let e = c.certificate(KeyRole::Signing).unwrap_err();
    assert_eq!(e, Error::NotFound("the sign application".into()));
    // without a serial nothing is cached
    assert!(c.cache().is_empty());
    c.transport_mut()
        .push(Script::new().expect(SERIAL, "6A 88"));
    assert_eq!(c.info().unwrap().serial, None);
    c.transport().assert_done();
}

#[test]
fn certificate_in_one_extended_read_when_the_reader_allows() {
    let mut file = cert();
    file.extend_from_slice(&[0xFF; 10]);
    let script = Script::new()
        .expect(SERIAL, SERIAL_ANSWER)
        .expect(AUTH, OK)
        .expect("00 A4 02 04 02 34 01 00", "62 04 80 02 01 36 90 00")
        .expect(
            "00 B0 00 00 00 01 36",
            &format!("{}9000", hex::encode(&file)),
        );
    let profile = Profile::builtin_by_id("am-eid").unwrap().clone();
    let transport =
        ScriptedTransport::new(script).with_capabilities(crate::transport::Capabilities {
            extended_length: true,
            pin_pad: false,
            max_response_len: 65_538,
        });
    let mut c = Card::new(transport, profile)
        .unwrap()
        .with_cache(CertificateCache::new());
    assert_eq!(c.certificate(KeyRole::Authentication).unwrap(), cert());
    assert_eq!(c.apdu_count(), 4);
    c.transport().assert_done();
}
