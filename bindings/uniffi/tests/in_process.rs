//! The binding's Rust side without a foreign language: a `CardChannel` implemented in Rust over
//! the virtual card in process (the same trait a Kotlin or Swift app implements over NFC), PINs
//! from a `PinEntry`, and the exported functions called as the generated code calls them.
//! The Python and Kotlin tests (bindings/uniffi/test.sh) go through the generated code; these
//! run in `cargo test` and need no service.

use std::sync::{Arc, Mutex};

use knik_card::transport::CardTransport;
use knik_card_sim::{SimTransport, VirtualCard};
use knik_uniffi::KnikError;
use knik_uniffi::card::{CardSession, HashAlgorithm, KeyRole};
use knik_uniffi::channel::{CardChannel, ChannelError};
use knik_uniffi::container::{TrustSettings, open_container, verify_container};
use knik_uniffi::error::CallbackError;
use knik_uniffi::pins::{PinEntry, PinKind, PinPurpose, PinRequest};
use knik_uniffi::report::Verdict;
use knik_uniffi::signing::{SignatureLevel, SigningOptions, sign_with_card};
use knik_webeid::token::{AuthToken, verify_token_signature};

const ROOT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn vector(path: &str) -> Vec<u8> {
    std::fs::read(format!("{ROOT_DIR}/test-vectors/{path}")).expect("test vector")
}

/// The virtual card behind the channel trait.
struct InProcess {
    transport: Mutex<SimTransport>,
    atr: Vec<u8>,
    sent: Mutex<usize>,
}

impl InProcess {
    fn card(file: &str) -> Arc<InProcess> {
        let card =
            VirtualCard::load(format!("{ROOT_DIR}/test-vectors/cards/{file}")).expect("card");
        let transport = SimTransport::new(card);
        let atr = transport.atr().to_vec();
        Arc::new(InProcess {
            transport: Mutex::new(transport),
            atr,
            sent: Mutex::new(0),
        })
    }
}

impl CardChannel for InProcess {
    fn transmit(&self, command: Vec<u8>) -> Result<Vec<u8>, ChannelError> {
        *self.sent.lock().expect("counter") += 1;
        self.transport
            .lock()
            .expect("transport")
            .transmit(&command)
            .map_err(|e| ChannelError::Failed {
                reason: e.to_string(),
            })
    }
    fn atr(&self) -> Result<Vec<u8>, ChannelError> {
        Ok(self.atr.clone())
    }
    fn extended_length(&self) -> Result<bool, ChannelError> {
        Ok(false)
    }
}

/// Answers from a list; `None` cancels.
struct Pins {
    answers: Mutex<Vec<Option<&'static str>>>,
    asked: Mutex<Vec<PinRequest>>,
}

impl Pins {
    fn new(answers: &[Option<&'static str>]) -> Arc<Pins> {
        Arc::new(Pins {
            answers: Mutex::new(answers.iter().rev().copied().collect()),
            asked: Mutex::new(Vec::new()),
        })
    }
}

impl PinEntry for Pins {
    fn pin(&self, request: PinRequest) -> Result<Option<String>, CallbackError> {
        self.asked.lock().expect("asked").push(request);
        Ok(self
            .answers
            .lock()
            .expect("answers")
            .pop()
            .expect("an unexpected PIN request")
            .map(str::to_owned))
    }
}

#[test]
fn holder_and_certificates_over_the_channel() {
    let channel = InProcess::card("citizen.toml");
    let card = CardSession::open(channel.clone(), None).expect("open");
    let holder = card.holder().expect("holder");
    assert_eq!(holder.personal_number, "2810770123");
    assert_eq!(holder.document_kind, "citizen-id-card");
    assert_eq!(
        card.certificate(KeyRole::Signing).expect("certificate"),
        vector("pki/holders/citizen/sign.der")
    );
    assert!(*channel.sent.lock().expect("counter") > 0);
}

#[test]
fn web_eid_token_verifies_with_the_validator_signature_check() {
    let card = CardSession::open(InProcess::card("resident.toml"), None).expect("open");
    let pins = Pins::new(&[Some("1234")]);
    let nonce = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    let origin = "https://e-service.example.am";
    let json = card
        .web_eid_authenticate(origin.into(), nonce.into(), false, pins.clone())
        .expect("token");
    let token = AuthToken::parse(&json).expect("token parses");
    verify_token_signature(&token, origin, nonce).expect("signature verifies");
    assert!(verify_token_signature(&token, "https://evil.example", nonce).is_err());
    let asked = pins.asked.lock().expect("asked");
    assert_eq!(asked[0].kind, PinKind::Pin1);
    assert_eq!(asked[0].purpose, PinPurpose::Authenticate);
    assert!(
        asked[0].holder.contains("residence card"),
        "{}",
        asked[0].holder
    );
}

#[test]
fn wrong_pin_keeps_the_tries_left_and_cancel_is_its_own_code() {
    let card = CardSession::open(InProcess::card("citizen.toml"), None).expect("open");
    let err = card
        .sign_digest(
            HashAlgorithm::Sha384,
            vec![0; 48],
            Pins::new(&[Some("99999")]),
        )
        .expect_err("wrong PIN2");
    match &err {
        KnikError::WrongPin {
            code, retries_left, ..
        } => {
            assert_eq!(code, "CARD_WRONG_PIN");
            assert_eq!(*retries_left, Some(2));
        }
        other => panic!("not WrongPin: {other:?}"),
    }
    let err = card
        .sign_digest(HashAlgorithm::Sha384, vec![0; 48], Pins::new(&[None]))
        .expect_err("cancelled");
    assert_eq!(err.code(), "CARD_PIN_CANCELLED");
}

#[test]
fn b_b_container_signed_with_the_card_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("a.txt");
    std::fs::write(&doc, b"in process\n").expect("write");
    let out = dir.path().join("a.asice");
    let card = CardSession::open(InProcess::card("citizen.toml"), None).expect("open");
    let options = SigningOptions {
        level: SignatureLevel::B,
        tsa_url: None,
        ocsp_url: None,
        chain: vec![vector("pki/chain-citizen-ca.pem")],
    };
    let signed = sign_with_card(
        card,
        vec![doc.display().to_string()],
        out.display().to_string(),
        options,
        Pins::new(&[Some("12345")]),
    )
    .expect("signed");
    assert_eq!(signed.level, SignatureLevel::B);
    let contents = open_container(out.display().to_string()).expect("open");
    assert_eq!(contents.data_files[0].name, "a.txt");
    let report = verify_container(
        out.display().to_string(),
        TrustSettings {
            anchors: vec![vector("pki/root.pem")],
            intermediates: vec![vector("pki/citizen-ca.pem")],
            validation_time: None,
        },
    )
    .expect("verify");
    assert_eq!(report.signatures[0].level, "B-B");
    assert_eq!(
        report.signatures[0]
            .signer
            .as_ref()
            .and_then(|s| s.personal_number.as_deref()),
        Some("2810770123")
    );
    // B-B proves no time and carries no revocation data: never "valid", never "invalid".
    assert_eq!(report.verdict, Verdict::Indeterminate, "{}", report.json);
    assert!(
        report.codes.iter().any(|c| c == "REVOCATION_UNKNOWN"),
        "{:?}",
        report.codes
    );
}
