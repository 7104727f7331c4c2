//! The card commands of `knik-native-host` end to end: the binary → libpcsclite → pcscd → vpcd
//! → the virtual card (knik-card-sim, served from this test process), with the scripted
//! pinentry (tests/pinentry-script.sh) as the citizen.
//!
//! What a user would notice: the token verifies for the origin and nonce with knik-webeid's
//! own check (citizen and resident cards); a wrong PIN brings the dialog back with the tries
//! left, then the right PIN works; Cancel is ERR_WEBEID_USER_CANCELLED and costs no try; no card
//! and no reader have their own codes; the signing certificate is released only after consent,
//! and a SHA-384 signature made with it verifies; a certificate that is not the card's is
//! refused before any PIN is asked; with two cards the rule of `selection` picks the card;
//! PIN blocked and card removed have knik's finer codes.
//!
//! Needs pcscd with the vpcd readers (`scripts/services.sh up`); fails with a message when it
//! is not running, unless KNIK_SKIP_PCSCD=1.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use knik_card::pin::PinKind;
use knik_card_sim::serve::lock;
use knik_pki::{Certificate, HashAlgorithm};
use knik_webeid::token::{AuthToken, verify_token_signature};
use serde_json::{Value, json};

/// A wrong PIN1 of 12 digits: long enough never to appear by chance in a log line.
const WRONG_PIN1: &str = "975318642097";

fn token_of(answer: &Value) -> AuthToken {
    AuthToken::parse(&answer.to_string()).expect("the answer is a Web eID token")
}

fn get_signing_certificate() -> Value {
    json!({"command": "get-signing-certificate", "arguments": {"origin": ORIGIN, "lang": "hy"}})
}

fn sign(hash: &[u8], function: &str, certificate: &[u8]) -> Value {
    json!({"command": "sign", "arguments": {
        "hash": STANDARD.encode(hash),
        "hashFunction": function,
        "certificate": STANDARD.encode(certificate),
        "origin": ORIGIN,
    }})
}

fn retries(card: &Inserted, kind: PinKind) -> u8 {
    lock(card.sim().card()).retries_left(kind)
}

#[test]
fn citizen_authenticates_and_the_token_verifies_for_origin_and_nonce() {
    let Some(_lock) = pcscd() else { return };
    let _card = insert("citizen", PORT0);
    let mut env = Env::new();
    env.answers("1234");
    let run = env.run(&authenticate(ORIGIN, NONCE));
    let answer = run.answer();
    assert_eq!(answer["format"], "web-eid:1.0", "{answer}");
    assert_eq!(answer["algorithm"], "ES384");
    assert_eq!(
        answer["appVersion"],
        format!(
            "https://example.invalid/knik/releases/{}",
            env!("CARGO_PKG_VERSION")
        )
    );
    let token = token_of(answer);
    assert_eq!(token.unverified_certificate, holder_cert("citizen", "auth"));
    assert_eq!(token.signature.len(), 96, "raw r‖s on P-384");
    verify_token_signature(&token, ORIGIN, NONCE).expect("the signature covers origin and nonce");
    assert!(
        verify_token_signature(&token, "https://evil.example.am", NONCE).is_err(),
        "bound to the origin"
    );
    let other_nonce = "AAAAK0Tm5uJx0a3B8nQ2y5v6w7x8y9z0A1B2C3D4E5F4=";
    assert!(
        verify_token_signature(&token, ORIGIN, other_nonce).is_err(),
        "bound to the nonce"
    );
    assert_eq!(
        env.pinentry_commands(),
        [
            "SETTITLE Authentication",
            "SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at \
             login.example.am",
            "SETPROMPT PIN1:",
            "SETTIMEOUT 120",
            "GETPIN",
            "BYE",
        ]
    );
    let log = env.log();
    assert!(log.contains(&format!("{READER0:?}: card am-eid")), "{log}");
    assert!(log.contains("timing command=authenticate"), "{log}");
}

#[test]
fn resident_card_authenticates_too() {
    let Some(_lock) = pcscd() else { return };
    let _card = insert("resident", PORT0);
    let mut env = Env::new();
    env.answers("1234");
    let run = env.run(&authenticate("https://e-gov.example.am:8443", NONCE));
    let token = token_of(run.answer());
    assert_eq!(
        token.unverified_certificate,
        holder_cert("resident", "auth")
    );
    verify_token_signature(&token, "https://e-gov.example.am:8443", NONCE).expect("verifies");
    assert!(
        env.pinentry_commands().contains(
            &"SETDESC Enter PIN1 to authenticate as MÜLLER JONAS, residence card, at \
              e-gov.example.am:8443"
                .to_owned()
        ),
        "{:?}",
        env.pinentry_commands()
    );
}

#[test]
fn wrong_pin_then_right_pin_shows_the_tries_left_and_then_works() {
    let Some(_lock) = pcscd() else { return };
    let card = insert("citizen", PORT0);
    let mut env = Env::new();
    env.answers(&format!("{WRONG_PIN1} 1234"));
    let run = env.run(&authenticate(ORIGIN, NONCE));
    let token = token_of(run.answer());
    verify_token_signature(&token, ORIGIN, NONCE).expect("the second PIN signed");
    let descriptions: Vec<String> = env
        .pinentry_commands()
        .into_iter()
        .filter(|c| c.starts_with("SETDESC") || c.starts_with("SETERROR"))
        .collect();
    assert_eq!(
        descriptions,
        [
            "SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at \
             login.example.am",
            "SETDESC Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at \
             login.example.am (2 tries left)",
            "SETERROR 2 tries left",
        ]
    );
    assert_eq!(env.dialogs_answered(), 2);
    assert_eq!(
        retries(&card, PinKind::Pin1),
        3,
        "the right PIN resets the counter"
    );
    let log = env.log();
    assert!(log.contains("wrong PIN1: 2 tries left"), "{log}");
    assert!(!log.contains(WRONG_PIN1), "no PIN in the log: {log}");
    assert!(
        !std::fs::read_to_string(env.path("pinentry.log"))
            .unwrap_or_default()
            .contains(WRONG_PIN1),
        "no PIN is ever sent to the dialog"
    );
}

#[test]
fn cancel_is_user_cancelled_and_costs_no_try() {
    let Some(_lock) = pcscd() else { return };
    let card = insert("citizen", PORT0);
    let mut env = Env::new();
    env.answers("cancel");
    let run = env.run(&authenticate(ORIGIN, NONCE));
    assert_eq!(run.error_code(), "ERR_WEBEID_USER_CANCELLED");
    assert_eq!(run.error_message(), "User cancelled");
    assert_eq!(retries(&card, PinKind::Pin1), 3);
}

#[test]
fn no_card_and_an_absent_configured_reader_have_their_own_codes() {
    let Some(_lock) = pcscd() else { return };
    wait_reader(READER0, false);
    wait_reader(READER1, false);
    let mut env = Env::new();
    env.answers("1234");
    let run = env.run(&authenticate(ORIGIN, NONCE));
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD");
    assert_eq!(
        run.error_message(),
        "No supported ID card was found. Please insert your ID card."
    );
    env.set("KNIK_HOST_READER", "Reader That Is Not There");
    let run = env.run(&get_signing_certificate());
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_NO_READER");
    // The reader's name is a detail of this computer: in the log, not in the answer.
    assert!(
        !run.error_message().contains("Reader That Is Not There"),
        "{}",
        run.error_message()
    );
    assert!(
        env.log().contains("Reader That Is Not There"),
        "{}",
        env.log()
    );
    assert_eq!(env.dialogs_answered(), 0, "no dialog without a card");
}

#[test]
fn signing_certificate_after_consent_then_a_sha384_signature_that_verifies() {
    let Some(_lock) = pcscd() else { return };
    let card = insert("citizen", PORT0);
    let mut env = Env::new();
    env.answers("ok 12345");
    let run = env.run(&get_signing_certificate());
    let answer = run.answer().clone();
    let certificate = STANDARD
        .decode(answer["certificate"].as_str().expect("certificate"))
        .expect("base64");
    assert_eq!(certificate, holder_cert("citizen", "sign"));
    assert_eq!(
        answer["supportedSignatureAlgorithms"],
        json!([
            {"cryptoAlgorithm": "ECC", "hashFunction": "SHA-256", "paddingScheme": "NONE"},
            {"cryptoAlgorithm": "ECC", "hashFunction": "SHA-384", "paddingScheme": "NONE"},
            {"cryptoAlgorithm": "ECC", "hashFunction": "SHA-512", "paddingScheme": "NONE"},
        ])
    );
    let consent = env.pinentry_commands();
    assert!(consent.contains(&"CONFIRM".to_owned()), "{consent:?}");
    assert!(
        consent.contains(
            &"SETDESC login.example.am asks for the signing certificate of PETROSYAN ANI, \
              citizen ID card. It contains your name and personal number. Allow the site to \
              read it?"
                .to_owned()
        ),
        "{consent:?}"
    );

    let digest = HashAlgorithm::Sha384.digest(b"SignedInfo of a container");
    let run = env.run(&sign(&digest, "SHA-384", &certificate));
    let answer = run.answer();
    assert_eq!(
        answer["signatureAlgorithm"],
        json!({"cryptoAlgorithm": "ECC", "hashFunction": "SHA-384", "paddingScheme": "NONE"})
    );
    let signature = STANDARD
        .decode(answer["signature"].as_str().expect("signature"))
        .expect("base64");
    assert_eq!(signature.len(), 96);
    Certificate::from_der(&certificate)
        .expect("certificate")
        .public_key()
        .verify_digest_signature(HashAlgorithm::Sha384, &digest, &signature)
        .expect("the signature verifies with the signing certificate");
    assert!(
        env.pinentry_commands().contains(
            &"SETDESC Enter PIN2 to sign as PETROSYAN ANI, citizen ID card, at login.example.am"
                .to_owned()
        )
    );
    assert_eq!(retries(&card, PinKind::Pin2), 3);
}

#[test]
fn refused_consent_releases_no_certificate() {
    let Some(_lock) = pcscd() else { return };
    let _card = insert("citizen", PORT0);
    let mut env = Env::new();
    env.answers("cancel");
    let run = env.run(&get_signing_certificate());
    assert_eq!(run.error_code(), "ERR_WEBEID_USER_CANCELLED");
    assert!(run.answer().get("certificate").is_none());
}

#[test]
fn a_certificate_that_is_not_the_cards_is_refused_before_any_pin() {
    let Some(_lock) = pcscd() else { return };
    let card = insert("citizen", PORT0);
    let mut env = Env::new();
    env.answers("12345");
    let digest = HashAlgorithm::Sha384.digest(b"data");
    let run = env.run(&sign(&digest, "SHA-384", &holder_cert("resident", "sign")));
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_WRONG_CERTIFICATE");
    assert_eq!(
        run.error_message(),
        "The card in the reader is not the one the signing started with. Please insert the \
         original ID card."
    );
    assert_eq!(env.dialogs_answered(), 0, "no PIN asked for the wrong card");
    assert_eq!(retries(&card, PinKind::Pin2), 3);
}

#[test]
fn with_two_cards_the_first_reader_authenticates_and_sign_finds_its_certificate() {
    let Some(_lock) = pcscd() else { return };
    let _citizen = insert("citizen", PORT0);
    let _resident = insert("resident", PORT1);
    let mut env = Env::new();
    env.answers("1234 1234 12345");

    let run = env.run(&authenticate(ORIGIN, NONCE));
    assert_eq!(
        token_of(run.answer()).unverified_certificate,
        holder_cert("citizen", "auth"),
        "the first reader in PC/SC order"
    );

    env.set("KNIK_HOST_READER", READER1);
    let run = env.run(&authenticate(ORIGIN, NONCE));
    assert_eq!(
        token_of(run.answer()).unverified_certificate,
        holder_cert("resident", "auth"),
        "the configured reader"
    );

    let mut env2 = Env::new();
    env2.answers("12345");
    let resident_sign = holder_cert("resident", "sign");
    let digest = HashAlgorithm::Sha256.digest(b"data");
    let run = env2.run(&sign(&digest, "SHA-256", &resident_sign));
    let signature = STANDARD
        .decode(run.answer()["signature"].as_str().expect("signature"))
        .expect("base64");
    Certificate::from_der(&resident_sign)
        .expect("certificate")
        .public_key()
        .verify_digest_signature(HashAlgorithm::Sha256, &digest, &signature)
        .expect("signed by the resident's card in the second reader");
    let log = env2.log();
    assert!(
        log.contains("its signing certificate is not the one to sign with"),
        "the citizen's card was looked at and passed over: {log}"
    );
}

#[test]
fn blocked_pin2_is_reported_without_asking() {
    let Some(_lock) = pcscd() else { return };
    let _card = insert("blocked", PORT0);
    let mut env = Env::new();
    env.answers("12345");
    let digest = HashAlgorithm::Sha384.digest(b"data");
    let run = env.run(&sign(&digest, "SHA-384", &holder_cert("blocked", "sign")));
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_PIN_BLOCKED");
    assert!(run.error_message().starts_with("PIN2 is blocked."));
    assert_eq!(env.dialogs_answered(), 0);
}

#[test]
fn card_pulled_out_before_it_signs_is_card_removed() {
    let Some(_lock) = pcscd() else { return };
    let card = insert("citizen", PORT0);
    card.sim().faults().remove_before_next_signature();
    let mut env = Env::new();
    env.answers("12345");
    let digest = HashAlgorithm::Sha384.digest(b"data");
    let run = env.run(&sign(&digest, "SHA-384", &holder_cert("citizen", "sign")));
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_CARD_REMOVED");
    assert_eq!(
        run.error_message(),
        "The ID card was removed during the operation. Please insert it and try again."
    );
}

#[test]
fn no_pinentry_program_is_a_fatal_error_that_says_what_to_install() {
    let Some(_lock) = pcscd() else { return };
    let _card = insert("citizen", PORT0);
    let mut env = Env::new();
    env.set("KNIK_PINENTRY", "/nonexistent/pinentry");
    let run = env.run(&authenticate(ORIGIN, NONCE));
    assert_eq!(run.error_code(), "ERR_WEBEID_NATIVE_FATAL");
    assert!(
        run.error_message().contains("Install a pinentry program"),
        "{}",
        run.error_message()
    );
    assert!(
        !run.error_message().contains("/nonexistent"),
        "{}",
        run.error_message()
    );
    assert!(env.log().contains("pinentry"), "{}", env.log());
}
