//! The two-phase signing API for servers (`knik::two_phase`): the signer is elsewhere (a
//! browser extension), the state between the phases travels as JSON.
//!
//! What it proves:
//! - prepare → state serialized to JSON and read back ("another process") → the digest signed
//!   by a software key → finish writes a container that `knik::verify` judges `valid` at B-LT
//!   against the test root, naming the citizen (2810770123), with both data files signed; the
//!   hash handed out follows the key (P-384 → SHA-384, P-256 → SHA-256);
//! - finish refuses a value made by another key (`SIGNATURE_VALUE_MISMATCH`) and a state whose
//!   data file was changed (`INVALID_REQUEST`), before any service is asked, writing nothing;
//! - prepare makes the facade's preflight checks: an expired certificate
//!   (`SIGNER_CERT_NOT_VALID`), an authentication certificate (`SIGNER_KEY_USAGE`), B-LT
//!   without services (`SERVICE_NOT_CONFIGURED`) or without the issuer (`ISSUER_NOT_FOUND`),
//!   and a name the container writer refuses.
//!
//! The B-LT round trip needs the loopback TSA and citizen OCSP responder; without them it
//! prints "SKIPPED" (KNIK_REQUIRE_SERVICES=1 makes that a failure). The refusals need none.
#![cfg(feature = "online")]

mod support;

use knik::Level;
use knik::report::Verdict;
use knik::services::Offline;
use knik::sign::SignOptions;
use knik::signer::Signer;
use knik::two_phase::{DataFile, Prepared, State, finish, prepare};
use knik_pki::HashAlgorithm;
use knik_xades::c14n::Algorithm;
use support::*;

fn files() -> Vec<DataFile> {
    vec![
        DataFile {
            name: "contract.txt".into(),
            media_type: "text/plain".into(),
            content: b"Agreement between the parties.\n".to_vec(),
        },
        DataFile {
            name: "Պայմանագիր 2.pdf".into(),
            media_type: "application/pdf".into(),
            content: b"%PDF-1.4\n% not really a PDF\n".repeat(50),
        },
    ]
}

fn der(relative: &str) -> Vec<u8> {
    std::fs::read(pki_dir().join(relative)).expect("a DER certificate of the test PKI")
}

fn prepare_for(holder: &str, options: &SignOptions) -> Result<Prepared, knik::Error> {
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    prepare(
        &files(),
        &der(&format!("holders/{holder}/sign.der")),
        &*tsa,
        &*ocsp,
        options,
    )
}

/// The state as it comes back from a session store.
fn through_json(state: &State) -> State {
    let json = serde_json::to_string(state).expect("the state serializes");
    serde_json::from_str(&json).expect("the state deserializes")
}

#[test]
fn prepared_in_one_process_finished_in_another_verifies_at_b_lt() {
    if !services_up(&[8889, 8881]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let prepared =
        prepare_for("citizen", &sign_options(Level::Lt, Algorithm::Inclusive11)).expect("prepare");
    assert_eq!(prepared.hash_algorithm, HashAlgorithm::Sha384);
    assert_eq!(prepared.digest_to_sign.len(), 48);
    let state = through_json(&prepared.state);
    let value = holder_key("citizen")
        .sign_digest(prepared.hash_algorithm, &prepared.digest_to_sign)
        .expect("the key signs");
    let out = dir.path().join("signed.asice");
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    let signed = finish(state, &value, tsa, ocsp, &out).expect("finish");
    assert_eq!(signed.level, Level::Lt);
    assert_eq!(signed.signature_file, SIGNATURE);
    assert_eq!(signed.signature_id, "S0");
    let report = verify(&out);
    assert_verdict(&report, Verdict::Valid);
    let sig = only_signature(&report);
    assert_eq!(sig.level, "B-LT");
    let signer = sig.signer.as_ref().expect("the report names the signer");
    assert_eq!(signer.personal_number.as_deref(), Some("2810770123"));
    assert_eq!(
        sig.signed_files,
        vec!["contract.txt".to_owned(), "Պայմանագիր 2.pdf".to_owned()]
    );
    assert_eq!(
        entry_bytes(&out, "contract.txt"),
        b"Agreement between the parties.\n"
    );
}

#[test]
fn the_hash_follows_the_key() {
    let options = SignOptions {
        level: Level::B,
        ..SignOptions::default()
    };
    let mobile = prepare_for("mobile", &options).expect("prepare for P-256");
    assert_eq!(mobile.hash_algorithm, HashAlgorithm::Sha256);
    assert_eq!(mobile.digest_to_sign.len(), 32);
    let legacy = prepare_for("legacy", &options).expect("prepare for RSA");
    assert_eq!(legacy.hash_algorithm, HashAlgorithm::Sha256);
}

#[test]
fn finish_refuses_a_value_from_another_key_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prepared =
        prepare_for("citizen", &sign_options(Level::Lt, Algorithm::Inclusive11)).expect("prepare");
    // The resident's key is P-384 too: a well-formed value over the right digest.
    let value = holder_key("resident")
        .sign_digest(prepared.hash_algorithm, &prepared.digest_to_sign)
        .expect("the key signs");
    let out = dir.path().join("signed.asice");
    // Offline: the refusal comes before any service would be asked.
    let err = finish(
        through_json(&prepared.state),
        &value,
        &mut Offline,
        &mut Offline,
        &out,
    )
    .expect_err("another key's value");
    assert_eq!(err.code(), "SIGNATURE_VALUE_MISMATCH", "{err}");
    assert_eq!(dir_names(dir.path()).len(), 0, "nothing written");
}

#[test]
fn finish_refuses_a_state_whose_data_file_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prepared =
        prepare_for("citizen", &sign_options(Level::Lt, Algorithm::Inclusive11)).expect("prepare");
    let value = holder_key("citizen")
        .sign_digest(prepared.hash_algorithm, &prepared.digest_to_sign)
        .expect("the key signs");
    let mut json: serde_json::Value =
        serde_json::to_value(&prepared.state).expect("the state serializes");
    json["files"][0]["content"] = "QW5vdGhlciBhZ3JlZW1lbnQuCg==".into();
    let state: State = serde_json::from_value(json).expect("the state deserializes");
    let out = dir.path().join("signed.asice");
    let err =
        finish(state, &value, &mut Offline, &mut Offline, &out).expect_err("a changed data file");
    assert_eq!(err.code(), "INVALID_REQUEST", "{err}");
    assert!(err.to_string().contains("contract.txt"), "{err}");
    assert_eq!(dir_names(dir.path()).len(), 0, "nothing written");
}

#[test]
fn prepare_makes_the_preflight_checks() {
    let lt = sign_options(Level::Lt, Algorithm::Inclusive11);
    let code = |r: Result<Prepared, knik::Error>| r.expect_err("refused").code();
    assert_eq!(code(prepare_for("expired", &lt)), "SIGNER_CERT_NOT_VALID");
    let mut services = citizen_services();
    let (tsa, ocsp) = services.split();
    let auth = prepare(
        &files(),
        &der("holders/citizen/auth.der"),
        &*tsa,
        &*ocsp,
        &lt,
    );
    assert_eq!(code(auth), "SIGNER_KEY_USAGE");
    let offline = prepare(
        &files(),
        &der("holders/citizen/sign.der"),
        &Offline,
        &Offline,
        &lt,
    );
    assert_eq!(code(offline), "SERVICE_NOT_CONFIGURED");
    let no_issuer = SignOptions {
        known_certificates: Vec::new(),
        ..lt.clone()
    };
    assert_eq!(code(prepare_for("citizen", &no_issuer)), "ISSUER_NOT_FOUND");
    let reserved = vec![DataFile {
        name: "META-INF/manifest.xml".into(),
        media_type: "text/xml".into(),
        content: b"<x/>".to_vec(),
    }];
    let err = prepare(
        &reserved,
        &der("holders/citizen/sign.der"),
        &*tsa,
        &*ocsp,
        &lt,
    )
    .expect_err("a reserved name");
    assert!(
        err.to_string().contains("META-INF/manifest.xml"),
        "{}: {err}",
        err.code()
    );
    let none = prepare(&[], &der("holders/citizen/sign.der"), &*tsa, &*ocsp, &lt);
    assert_eq!(code(none), "INVALID_REQUEST");
}
