//! The OCSP and time-stamp clients against the loopback services of `scripts/services.sh up`
//! (OpenSSL OCSP responders on 8881–8883, the RFC 3161 TSA on 8889). With
//! `KNIK_SKIP_SERVICES=1` the tests print "skipped" and pass; otherwise a service that is down
//! fails them with the command that starts it.
#![cfg(feature = "online")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use knik::online::{Error, HttpOptions, OcspClient, TsaClient};
use knik_pki::ocsp::{CertStatus, RevocationReason};
use knik_pki::tsp::TimeStampToken;
use knik_pki::{Certificate, HashAlgorithm};
use sha2::{Digest, Sha256, Sha384};
use time::OffsetDateTime;

const CITIZEN_OCSP: &str = "http://127.0.0.1:8881/";
const RESIDENT_OCSP: &str = "http://127.0.0.1:8882/";
const TSA: &str = "http://127.0.0.1:8889/";

fn skip(what: &str) -> bool {
    if std::env::var("KNIK_SKIP_SERVICES").as_deref() == Ok("1") {
        eprintln!("skipped: {what} (KNIK_SKIP_SERVICES=1)");
        return true;
    }
    false
}

/// Runs `f`, turning an unreachable service into a failure that says how to start it.
fn live<T>(result: Result<T, Error>) -> Result<T, Error> {
    if let Err(e @ Error::Unreachable { .. }) = &result {
        panic!(
            "{e}: start the services with `scripts/services.sh up`, or set KNIK_SKIP_SERVICES=1 \
             to skip this test"
        );
    }
    result
}

/// A certificate of test-vectors/pki (`KNIK_PKI_DIR` overrides the folder, as for
/// services.sh).
fn cert(relative: &str) -> Certificate {
    let dir = match std::env::var_os("KNIK_PKI_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/pki"),
    };
    let path = dir.join(relative);
    Certificate::from_pem(&std::fs::read_to_string(&path).expect("read")).expect("certificate")
}

#[test]
fn ocsp_good_for_the_citizen_signing_certificate_via_aia() {
    if skip("OCSP citizen") {
        return;
    }
    let signer = cert("holders/citizen/sign.pem");
    let issuer = cert("citizen-ca.pem");
    let fetch = live(OcspClient::new().fetch(None, &signer, &issuer)).expect("fetch");
    assert_eq!(fetch.url, CITIZEN_OCSP, "the AIA URL of the certificate");
    assert_eq!(fetch.response.status(), CertStatus::Good);
    assert!(fetch.response.nonce_checked());
    let now = OffsetDateTime::now_utc();
    assert!((now - fetch.response.produced_at()).abs() < time::Duration::minutes(5));
    assert_eq!(
        fetch.response.responder().subject().common_name(),
        Some("Test Citizen CA OCSP Responder")
    );
    // The DER handed back is the response itself, nonce included.
    let again = knik_pki::ocsp::OcspResponse::from_der(&fetch.der).expect("parse");
    assert_eq!(again.nonce(), Some(&fetch.nonce[..]));
    // A second request carries another nonce.
    let second = live(OcspClient::new().fetch(Some(CITIZEN_OCSP), &signer, &issuer)).unwrap();
    assert_ne!(second.nonce, fetch.nonce);
}

#[test]
fn ocsp_revoked_holder_is_revoked() {
    if skip("OCSP revoked") {
        return;
    }
    let fetch = live(OcspClient::new().cert_id_hash(HashAlgorithm::Sha256).fetch(
        None,
        &cert("holders/revoked/sign.pem"),
        &cert("citizen-ca.pem"),
    ))
    .expect("fetch");
    match fetch.response.status() {
        CertStatus::Revoked { reason, .. } => {
            assert_eq!(reason, Some(RevocationReason::KeyCompromise))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn ocsp_from_the_wrong_responder_is_refused() {
    if skip("OCSP wrong responder") {
        return;
    }
    let err = live(OcspClient::new().fetch(
        Some(RESIDENT_OCSP),
        &cert("holders/citizen/sign.pem"),
        &cert("citizen-ca.pem"),
    ))
    .unwrap_err();
    assert!(
        matches!(err.code(), "OCSP_BAD_RESPONSE" | "OCSP_REFUSED"),
        "{}: {err}",
        err.code()
    );
}

#[test]
fn ocsp_without_url_or_server() {
    // The ee holder's certificate names no OCSP responder.
    let err = OcspClient::new()
        .fetch(None, &cert("holders/ee/sign.pem"), &cert("ee-root.pem"))
        .unwrap_err();
    assert_eq!(err.code(), "OCSP_NO_URL");
    // Port 9 (discard) has no listener here: connection refused, reported with the URL.
    let err = OcspClient::new()
        .fetch(
            Some("http://127.0.0.1:9/"),
            &cert("holders/citizen/sign.pem"),
            &cert("citizen-ca.pem"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "OCSP_UNREACHABLE", "{err}");
    assert!(err.to_string().contains("127.0.0.1:9"), "{err}");
    let err = OcspClient::new()
        .fetch(
            Some("ldap://ca.example/"),
            &cert("holders/citizen/sign.pem"),
            &cert("citizen-ca.pem"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "SERVICE_URL_INVALID");
}

#[test]
fn ocsp_request_to_the_tsa_gets_an_http_error() {
    if skip("TSA as OCSP") {
        return;
    }
    // The TSA answers 415 to anything but application/timestamp-query.
    let err = live(OcspClient::new().fetch(
        Some(TSA),
        &cert("holders/citizen/sign.pem"),
        &cert("citizen-ca.pem"),
    ))
    .unwrap_err();
    assert_eq!(
        err,
        Error::HttpStatus {
            service: knik::online::Service::Ocsp,
            url: TSA.into(),
            status: 415
        }
    );
}

#[test]
fn tsa_token_over_a_sha256_digest() {
    if skip("TSA") {
        return;
    }
    let digest = Sha256::digest(b"<ds:SignatureValue>...</ds:SignatureValue>");
    let before = OffsetDateTime::now_utc() - time::Duration::seconds(2);
    let fetch =
        live(TsaClient::new().timestamp(TSA, HashAlgorithm::Sha256, &digest)).expect("token");
    let token = &fetch.token;
    assert_eq!(token.imprint().algorithm(), HashAlgorithm::Sha256);
    assert_eq!(token.imprint().digest(), &digest[..]);
    assert!(token.nonce().is_some_and(|n| n.len() == 20));
    assert!(token.gen_time() >= before.replace_nanosecond(0).unwrap());
    assert_eq!(
        token.tsa_certificate().subject().common_name(),
        Some("Test AM TSA")
    );
    assert_eq!(fetch.der, token.as_der());
    let reread = TimeStampToken::from_der(&fetch.der, &[]).expect("stored token verifies");
    reread
        .check_data(b"<ds:SignatureValue>...</ds:SignatureValue>")
        .expect("imprint");
    assert!(reread.check_data(b"other").is_err());
}

#[test]
fn tsa_token_over_a_sha384_digest() {
    if skip("TSA SHA-384") {
        return;
    }
    let digest = Sha384::digest(b"data");
    let fetch = live(TsaClient::new().timestamp(TSA, HashAlgorithm::Sha384, &digest)).unwrap();
    assert_eq!(fetch.token.imprint().algorithm(), HashAlgorithm::Sha384);
}

#[test]
fn tsa_refusals_and_limits() {
    if skip("TSA refusals") {
        return;
    }
    // A digest of the wrong length never leaves the machine.
    let err = TsaClient::new()
        .timestamp(TSA, HashAlgorithm::Sha256, &[0; 20])
        .unwrap_err();
    assert_eq!(err.code(), "REQUEST_INVALID");
    // A policy the TSA does not offer is refused by it.
    let err = live(TsaClient::new().policy("1.2.3.4.5.6.7").timestamp(
        TSA,
        HashAlgorithm::Sha256,
        &[7; 32],
    ))
    .unwrap_err();
    assert!(
        matches!(err.code(), "TSA_REFUSED" | "TSA_BAD_RESPONSE"),
        "{}: {err}",
        err.code()
    );
    // An answer larger than the limit is cut off.
    let tiny = HttpOptions {
        max_response_bytes: 64,
        timeout: Duration::from_secs(10),
        ..HttpOptions::default()
    };
    let err = live(TsaClient::with_options(tiny).timestamp(TSA, HashAlgorithm::Sha256, &[7; 32]))
        .unwrap_err();
    assert_eq!(err.code(), "HTTP_TOO_LARGE", "{err}");
}

/// A one-shot HTTP server on a free loopback port that reads a request and answers `reply`.
/// (Never pointed at the shared OCSP responders: `openssl ocsp` exits on a malformed request.)
fn fake_server(reply: &'static [u8]) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(reply);
        }
    });
    url
}

#[test]
fn wrong_media_type_is_refused() {
    let url = fake_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    let err = TsaClient::new()
        .timestamp(&url, HashAlgorithm::Sha256, &[1; 32])
        .unwrap_err();
    assert_eq!(err.code(), "HTTP_CONTENT_TYPE", "{err}");
    assert!(err.to_string().contains("text/html"), "{err}");
}

#[test]
fn garbage_with_the_right_media_type_is_a_bad_response() {
    let url = fake_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 4\r\nConnection: close\r\n\r\n\x30\x02\x0a\x00",
    );
    let err = OcspClient::new()
        .fetch(
            Some(&url),
            &cert("holders/citizen/sign.pem"),
            &cert("citizen-ca.pem"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "OCSP_BAD_RESPONSE", "{err}");
    assert!(err.pki_error().is_some());
}

#[test]
fn a_silent_server_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let options = HttpOptions {
        timeout: Duration::from_secs(1),
        ..HttpOptions::default()
    };
    let started = std::time::Instant::now();
    let err = TsaClient::with_options(options)
        .timestamp(&url, HashAlgorithm::Sha256, &[1; 32])
        .unwrap_err();
    assert_eq!(err.code(), "TSA_UNREACHABLE", "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(listener);
}
