//! The hostile OCSP and time-stamp corpora (`fuzz/corpus/ocsp_response`, `tsp_response`)
//! replay through the fuzz targets' own entry points without panicking, and the crafted inputs
//! are still refused for the reason they were made for (so the corpus keeps steering the
//! fuzzer at those paths).

use std::path::{Path, PathBuf};

use knik_pki::Error;
use knik_pki::ocsp::{OcspResponse, OcspResponseStatus};
use knik_pki::tsp::{PkiStatus, TimeStampResponse, TimeStampToken};

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(name)
}

fn read(dir: &str, file: &str) -> Vec<u8> {
    let path = corpus(dir).join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn replay(dir: &str, target: fn(&[u8])) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(corpus(dir)).expect("corpus directory") {
        let path = entry.expect("entry").path();
        target(&std::fs::read(&path).expect("corpus file"));
        count += 1;
    }
    count
}

#[test]
fn ocsp_corpus_replays_without_panics() {
    let count = replay("ocsp_response", knik_pki::fuzzing::ocsp_response);
    assert!(count >= 30, "ocsp corpus has only {count} files");
}

#[test]
fn tsp_corpus_replays_without_panics() {
    let count = replay("tsp_response", knik_pki::fuzzing::tsp_response);
    assert!(count >= 30, "tsp corpus has only {count} files");
}

fn ocsp(file: &str) -> Result<OcspResponse, Error> {
    OcspResponse::from_der(&read("ocsp_response", file))
}

fn der_reason(result: Result<OcspResponse, Error>) -> String {
    match result {
        Err(Error::Der { reason, .. }) => reason,
        other => panic!("expected a DER error, got {other:?}"),
    }
}

#[test]
fn crafted_ocsp_responses_fail_for_their_reason() {
    for valid in [
        "valid-good-nonce",
        "valid-revoked-nonce",
        "valid-two-responses",
        "valid-keyid-no-certs",
        "valid-ca-signed",
        "valid-mobile-p256",
    ] {
        ocsp(valid).unwrap_or_else(|e| panic!("{valid}: {e}"));
    }
    assert_eq!(
        ocsp("valid-two-responses")
            .expect("parse")
            .responses()
            .len(),
        2
    );
    assert_eq!(
        ocsp("status-trylater").expect_err("status"),
        Error::OcspUnsuccessful {
            status: OcspResponseStatus::TryLater
        }
    );
    assert!(matches!(
        ocsp("type-unknown-oid"),
        Err(Error::OcspResponseType { .. })
    ));
    assert!(matches!(
        ocsp("nonce-duplicated"),
        Err(Error::DuplicateExtension { .. })
    ));
    assert!(der_reason(ocsp("indefinite-outer")).contains("indefinite length"));
    assert!(der_reason(ocsp("non-minimal-length")).contains("non-minimal"));
    assert!(der_reason(ocsp("certstatus-bad-tag")).contains("certStatus"));
    assert!(der_reason(ocsp("revoked-reason-99")).contains("revocationReason 99"));
    assert!(der_reason(ocsp("producedat-month-13")).contains("not a valid date"));
    assert!(der_reason(ocsp("version-v2")).contains("version"));
    assert!(der_reason(ocsp("signature-unused-bits")).contains("unused bits"));
    assert!(der_reason(ocsp("trailing-zero")).contains("unexpected byte"));
    assert!(der_reason(ocsp("length-overflow")).contains("needs"));
}

fn token(file: &str) -> Result<TimeStampToken, Error> {
    let data = read("tsp_response", file);
    let response = TimeStampResponse::from_der(&data).expect("TimeStampResp parses");
    TimeStampToken::from_der(response.token_der().expect("token present"), &[])
}

#[test]
fn crafted_time_stamps_fail_for_their_reason() {
    token("valid-sha256").expect("valid token");
    // Signed attributes stored unsorted still verify: the signature is over the DER SET.
    token("signed-attributes-unsorted").expect("re-sorted SET verifies");
    let bare = read("tsp_response", "token-only");
    TimeStampToken::from_der(&bare, &[]).expect("bare token");

    assert!(matches!(
        token("contenttype-data"),
        Err(Error::TspContentType {
            field: "contentType",
            ..
        })
    ));
    assert!(matches!(
        token("econtenttype-other"),
        Err(Error::TspContentType {
            field: "eContentType",
            ..
        })
    ));
    assert_eq!(
        token("two-signerinfos").expect_err("two signers"),
        Error::TspSignerInfoCount { found: 2 }
    );
    assert_eq!(
        token("no-signed-attributes").expect_err("no attributes"),
        Error::TspMissingAttribute {
            attribute: "signedAttrs"
        }
    );
    for unsigned in ["signature-flipped", "no-ess-signing-certificate"] {
        assert!(
            matches!(token(unsigned), Err(Error::TspSignatureInvalid { .. })),
            "{unsigned}"
        );
    }
    for unknown_signer in [
        "sid-serial-changed",
        "sid-key-identifier-unknown",
        "valid-no-certs",
    ] {
        assert!(
            matches!(token(unknown_signer), Err(Error::TspSignerNotFound { .. })),
            "{unknown_signer}"
        );
    }
    assert!(matches!(
        token("imprint-sha224"),
        Err(Error::UnsupportedAlgorithm { .. })
    ));
    for (file, reason) in [
        ("gentime-fraction-trailing-zero", "trailing zero"),
        ("gentime-bad-hour", "not a valid date"),
        ("tstinfo-version-2", "version 2"),
        ("accuracy-millis-0", "outside 1..999"),
    ] {
        match token(file) {
            Err(Error::Der { reason: r, .. }) => assert!(r.contains(reason), "{file}: {r}"),
            other => panic!("{file}: {other:?}"),
        }
    }
    let rejected = TimeStampResponse::from_der(&read("tsp_response", "rejection-text-badrequest"))
        .expect("parse");
    assert_eq!(rejected.status(), PkiStatus::Rejection);
    assert_eq!(rejected.status_text(), Some("rejected"));
    assert_eq!(rejected.failure_info(), &["badRequest"]);
}
