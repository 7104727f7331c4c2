//! knik-card's `Card` (the host side) against the virtual card (the card side), in process:
//! every operation of the `Token` interface, and the PIN rules a citizen notices.

mod common;

use common::*;
use knik_card::Error;
use knik_card::atr::AtrTable;
use knik_card::cache::CertificateCache;
use knik_card::card::Card;
use knik_card::pin::{Pin, PinKind};
use knik_card::token::{HashAlgorithm, KeyRole, Token};
use knik_card::transport::TransportError;
use knik_card_sim::{Faults, SharedCard, SimTransport};
use p384::ecdsa::signature::hazmat::PrehashVerifier;
use p384::pkcs8::DecodePublicKey;
use sha2::Digest;

fn pin(s: &str) -> Pin {
    Pin::new(s.to_string())
}

fn host(name: &str) -> (Card<SimTransport>, SharedCard) {
    let transport = SimTransport::new(card(name));
    let shared = transport.card().clone();
    let card = Card::identify(transport, &AtrTable::builtin())
        .unwrap()
        .with_cache(CertificateCache::new());
    (card, shared)
}

fn assert_signed_by(cert_der: &[u8], digest: &[u8], value: &[u8]) {
    let (_, spki) = knik_card_sim::key::read_certificate(cert_der, "card certificate").unwrap();
    let key = p384::ecdsa::VerifyingKey::from_public_key_der(&spki).unwrap();
    let sig = p384::ecdsa::Signature::from_slice(value).unwrap();
    key.verify_prehash(digest, &sig)
        .expect("signature verifies with the card's certificate");
}

fn file_der(holder: &str, file: &str) -> Vec<u8> {
    let path = holder_file(holder, file);
    knik_card_sim::key::read_certificate(&std::fs::read(&path).unwrap(), "x")
        .unwrap()
        .0
}

#[test]
fn info_personal_data_and_both_certificates() {
    let (mut c, _) = host("citizen");
    let info = c.info().unwrap();
    assert_eq!(info.profile, "am-eid");
    assert_eq!(info.serial.as_deref(), Some("AMEID00000001"));
    assert!(info.assumed_profile);
    let pd = c.personal_data().unwrap().unwrap();
    assert_eq!(pd.surname(), Some("PETROSYAN"));
    assert_eq!(pd.get("surname_native"), Some("ՊԵՏՐՈՍՅԱՆ"));
    assert_eq!(pd.get("document_kind"), Some("ID card"));
    assert_eq!(pd.document_number(), Some("AM0000001"));
    assert_eq!(pd.get("residence_permit_type"), None);
    assert_eq!(
        c.certificate(KeyRole::Authentication).unwrap(),
        file_der("citizen", "auth.pem")
    );
    assert_eq!(
        c.certificate(KeyRole::Signing).unwrap(),
        file_der("citizen", "sign.pem")
    );

    let (mut r, _) = host("resident");
    let pd = r.personal_data().unwrap().unwrap();
    assert_eq!(pd.get("document_kind"), Some("residence card"));
    assert_eq!(pd.get("residence_permit_validity"), Some("2030-01-01"));
    assert_eq!(pd.surname(), Some("MÜLLER"));

    let (mut e, _) = host("ee");
    assert_eq!(e.info().unwrap().serial.as_deref(), Some("AC0000001"));
    assert_eq!(
        e.certificate(KeyRole::Signing).unwrap(),
        file_der("ee", "sign.pem")
    );
}

#[test]
fn authenticate_and_sign_verify_against_the_certificates() {
    let (mut c, shared) = host("citizen");
    let digest = sha2::Sha384::digest(b"challenge").to_vec();
    let s = c
        .authenticate(&pin("1234"), HashAlgorithm::Sha384, &digest)
        .unwrap();
    assert_signed_by(
        &c.certificate(KeyRole::Authentication).unwrap(),
        &digest,
        &s.value,
    );
    let digest = sha2::Sha256::digest(b"document").to_vec();
    let s = c
        .sign(&pin("12345"), HashAlgorithm::Sha256, &digest)
        .unwrap();
    assert_signed_by(&c.certificate(KeyRole::Signing).unwrap(), &digest, &s.value);
    // A second signature needs PIN2 again (the card consumed it) and works.
    let s = c
        .sign(&pin("12345"), HashAlgorithm::Sha256, &digest)
        .unwrap();
    assert_signed_by(&file_der("citizen", "sign.pem"), &digest, &s.value);
    assert!(!shared.lock().unwrap().is_verified(PinKind::Pin2));
}

#[test]
fn a_warm_authentication_takes_six_apdus() {
    let (mut c, _) = host("citizen");
    c.certificate(KeyRole::Authentication).unwrap();
    let digest = sha2::Sha384::digest(b"x").to_vec();
    c.authenticate_with_certificate(&pin("1234"), HashAlgorithm::Sha384, &digest)
        .unwrap();
    assert_eq!(c.last_operation_apdus(), 6);
}

#[test]
fn wrong_pins_count_down_block_and_the_puk_unblocks() {
    let (mut c, shared) = host("citizen");
    let digest = [1u8; 48];
    assert_eq!(
        c.authenticate(&pin("9999"), HashAlgorithm::Sha384, &digest),
        Err(Error::WrongPin {
            kind: PinKind::Pin1,
            retries_left: 2
        })
    );
    assert_eq!(c.pin_status(PinKind::Pin1).unwrap().retries_left, Some(2));
    assert_eq!(
        c.verify_pin(PinKind::Pin1, &pin("9999")),
        Err(Error::WrongPin {
            kind: PinKind::Pin1,
            retries_left: 1
        })
    );
    // The last wrong try blocks.
    assert!(matches!(
        c.verify_pin(PinKind::Pin1, &pin("9999")),
        Err(Error::PinBlocked {
            kind: PinKind::Pin1
        } | Error::WrongPin {
            retries_left: 0,
            ..
        })
    ));
    let status = c.pin_status(PinKind::Pin1).unwrap();
    assert!(status.blocked);
    assert_eq!(status.retries_left, Some(0));
    // Blocked: the right PIN is not even sent.
    let before = shared.lock().unwrap().retries_left(PinKind::Pin1);
    assert_eq!(
        c.authenticate(&pin("1234"), HashAlgorithm::Sha384, &digest),
        Err(Error::PinBlocked {
            kind: PinKind::Pin1
        })
    );
    assert_eq!(shared.lock().unwrap().retries_left(PinKind::Pin1), before);
    c.unblock_pin(PinKind::Pin1, &pin("12345678"), &pin("4321"))
        .unwrap();
    assert_eq!(c.pin_status(PinKind::Pin1).unwrap().retries_left, Some(3));
    c.authenticate(&pin("4321"), HashAlgorithm::Sha384, &digest)
        .unwrap();
}

#[test]
fn pins_and_the_puk_can_be_changed() {
    let (mut c, _) = host("citizen");
    c.change_pin(PinKind::Pin1, &pin("1234"), &pin("5678"))
        .unwrap();
    c.verify_pin(PinKind::Pin1, &pin("5678")).unwrap();
    c.change_pin(PinKind::Pin2, &pin("12345"), &pin("54321"))
        .unwrap();
    let digest = [2u8; 48];
    c.sign(&pin("54321"), HashAlgorithm::Sha384, &digest)
        .unwrap();
    assert_eq!(
        c.change_pin(PinKind::Puk, &pin("00000000"), &pin("11112222")),
        Err(Error::WrongPin {
            kind: PinKind::Puk,
            retries_left: 2
        })
    );
    c.change_pin(PinKind::Puk, &pin("12345678"), &pin("11112222"))
        .unwrap();
    c.verify_pin(PinKind::Puk, &pin("11112222")).unwrap();
}

#[test]
fn the_blocked_card_refuses_to_sign_without_sending_the_pin() {
    let (mut c, shared) = host("blocked");
    let status = c.pin_status(PinKind::Pin2).unwrap();
    assert!(status.blocked);
    assert_eq!(
        c.sign(&pin("12345"), HashAlgorithm::Sha384, &[3u8; 48]),
        Err(Error::PinBlocked {
            kind: PinKind::Pin2
        })
    );
    assert_eq!(shared.lock().unwrap().retries_left(PinKind::Pin2), 0);
    // Authentication still works; the PUK brings signing back.
    c.authenticate(&pin("1234"), HashAlgorithm::Sha384, &[3u8; 48])
        .unwrap();
    c.unblock_pin(PinKind::Pin2, &pin("12345678"), &pin("24680"))
        .unwrap();
    let s = c
        .sign(&pin("24680"), HashAlgorithm::Sha384, &[3u8; 48])
        .unwrap();
    assert_signed_by(&file_der("blocked", "sign.pem"), &[3u8; 48], &s.value);
}

#[test]
fn a_card_removed_before_the_signature_is_card_removed() {
    let faults = Faults::new();
    let transport = SimTransport::new(card("citizen")).with_faults(faults.clone());
    let mut c = Card::identify(transport, &AtrTable::builtin()).unwrap();
    faults.remove_before_next_signature();
    let err = c
        .sign(&pin("12345"), HashAlgorithm::Sha384, &[4u8; 48])
        .unwrap_err();
    assert_eq!(err, Error::Transport(TransportError::CardRemoved));
    assert_eq!(err.code(), "CARD_REMOVED");
}

#[test]
fn a_wrong_status_word_to_the_signature_is_reported_as_such() {
    let faults = Faults::new();
    let transport = SimTransport::new(card("citizen")).with_faults(faults.clone());
    let mut c = Card::identify(transport, &AtrTable::builtin()).unwrap();
    faults.status_for_ins(0x2A, 0x6F00);
    let err = c
        .sign(&pin("12345"), HashAlgorithm::Sha384, &[4u8; 48])
        .unwrap_err();
    assert!(
        matches!(&err, Error::Status { sw, .. } if sw.to_u16() == 0x6F00),
        "{err:?}"
    );
    // A truncated signature is not passed on as a signature.
    faults.clear();
    faults.truncate_apdu(5, 40);
    let err = c
        .sign(&pin("12345"), HashAlgorithm::Sha384, &[4u8; 48])
        .unwrap_err();
    assert!(
        matches!(err, Error::Malformed { .. } | Error::Status { .. }),
        "{err:?}"
    );
}

#[test]
fn certificates_read_in_short_chunks_without_extended_length() {
    let transport = SimTransport::new(card("resident")).with_extended_length(false);
    let mut c = Card::identify(transport, &AtrTable::builtin())
        .unwrap()
        .with_cache(CertificateCache::new());
    let der = c.certificate(KeyRole::Signing).unwrap();
    assert_eq!(der, file_der("resident", "sign.pem"));
    // More than one READ BINARY of at most 192 bytes.
    assert!(
        c.last_operation_apdus() >= 3 + der.len().div_ceil(192),
        "{}",
        c.last_operation_apdus()
    );
}

#[test]
fn no_verified_pin_outlives_an_operation() {
    let (mut c, shared) = host("citizen");
    let digest = [7u8; 48];
    c.verify_pin(PinKind::Pin1, &pin("1234")).unwrap();
    assert!(
        !shared.lock().unwrap().is_verified(PinKind::Pin1),
        "PIN1 must not stay verified after `verify` (another program could use the auth key)"
    );
    c.authenticate(&pin("1234"), HashAlgorithm::Sha384, &digest)
        .unwrap();
    assert!(!shared.lock().unwrap().is_verified(PinKind::Pin1));
    // An operation without a PIN does not reset the card (no needless ATR round trip), and
    // a key operation right after it still needs the PIN.
    c.pin_status(PinKind::Pin1).unwrap();
    let raw_internal_authenticate = [&[0x00, 0x88, 0x00, 0x00, 48][..], &digest, &[0x00]].concat();
    let answer = shared.lock().unwrap().process(&raw_internal_authenticate);
    assert_ne!(&answer[answer.len() - 2..], &[0x90, 0x00]);
}
