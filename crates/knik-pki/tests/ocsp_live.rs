//! OCSP against the real test responders (`scripts/services.sh up`), cross-checked with the
//! openssl CLI on the same bytes.

mod ocsp_tsp_support;

use knik_pki::ocsp::{CertStatus, OcspCheck, OcspRequest, OcspResponse, RevocationReason};
use knik_pki::{Certificate, Error, HashAlgorithm};
use ocsp_tsp_support::{cert, http_post, openssl, random, service_available, write_file};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const CITIZEN_OCSP: u16 = 8881;
const RESIDENT_OCSP: u16 = 8882;
const MOBILE_OCSP: u16 = 8883;

/// Asks the responder on `port` about `holder`'s signing certificate.
fn fetch(
    port: u16,
    holder: &str,
    ca: &str,
    hash: HashAlgorithm,
    nonce: Option<[u8; 32]>,
) -> (Certificate, Certificate, OcspRequest, Vec<u8>) {
    let certificate = cert(&format!("holders/{holder}/sign.pem"));
    let issuer = cert(&format!("{ca}.pem"));
    let request = OcspRequest::new(&certificate, &issuer, hash, nonce).expect("request");
    let body = http_post(port, OcspRequest::CONTENT_TYPE, request.as_der());
    (certificate, issuer, request, body)
}

/// What `openssl ocsp` says about a stored response: (signature verified, status word).
fn openssl_verdict(response: &[u8], holder: &str, ca: &str) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_file(dir.path(), "resp.der", response);
    let cert_path = format!("holders/{holder}/sign.pem");
    let issuer_path = format!("{ca}.pem");
    let chain = format!("chain-{ca}.pem");
    let (_, text) = openssl(&[
        "ocsp",
        "-respin",
        &path,
        "-no_nonce",
        "-issuer",
        &issuer_path,
        "-cert",
        &cert_path,
        "-CAfile",
        &chain,
    ]);
    let verified = text.contains("Response verify OK");
    let status = ["good", "revoked", "unknown"]
        .into_iter()
        .find(|s| text.contains(&format!("sign.pem: {s}")))
        .unwrap_or("none")
        .to_owned();
    (verified, status)
}

#[test]
fn good_status_for_citizen_with_nonce_echoed() {
    if !service_available(CITIZEN_OCSP, "OCSP citizen-ca") {
        return;
    }
    let nonce = random::<32>();
    let (certificate, issuer, request, body) = fetch(
        CITIZEN_OCSP,
        "citizen",
        "citizen-ca",
        HashAlgorithm::Sha1,
        Some(nonce),
    );
    let response = OcspResponse::from_der(&body).expect("parse");
    assert_eq!(response.as_der(), body.as_slice());
    assert_eq!(response.nonce(), Some(&nonce[..]));
    assert_eq!(response.signature_algorithm_oid(), "1.2.840.10045.4.3.3");
    let now = OffsetDateTime::now_utc();
    let verified = response
        .verify(&OcspCheck::new(&certificate, &issuer, now).nonce(request.nonce().expect("nonce")))
        .expect("verify");
    assert_eq!(verified.status(), CertStatus::Good);
    assert!(verified.nonce_checked());
    assert!(!verified.responder_is_issuer());
    assert!(verified.responder_nocheck());
    assert_eq!(
        verified.responder().subject().common_name(),
        Some("Test Citizen CA OCSP Responder")
    );
    assert!((now - verified.produced_at()).abs() < Duration::minutes(1));
    assert!(verified.next_update().expect("nextUpdate") > now);

    assert_eq!(
        openssl_verdict(&body, "citizen", "citizen-ca"),
        (true, "good".to_owned())
    );
}

#[test]
fn sha256_cert_id_is_answered_and_checked() {
    if !service_available(CITIZEN_OCSP, "OCSP citizen-ca") {
        return;
    }
    let (certificate, issuer, request, body) = fetch(
        CITIZEN_OCSP,
        "citizen",
        "citizen-ca",
        HashAlgorithm::Sha256,
        None,
    );
    let response = OcspResponse::from_der(&body).expect("parse");
    assert_eq!(response.responses()[0].cert_id(), request.cert_id());
    assert_eq!(
        response.responses()[0].cert_id().hash_algorithm(),
        HashAlgorithm::Sha256
    );
    let verified = response
        .verify(&OcspCheck::new(
            &certificate,
            &issuer,
            OffsetDateTime::now_utc(),
        ))
        .expect("verify");
    assert_eq!(verified.status(), CertStatus::Good);
    assert!(!verified.nonce_checked());
}

#[test]
fn revoked_holder_reports_time_and_reason() {
    if !service_available(CITIZEN_OCSP, "OCSP citizen-ca") {
        return;
    }
    let nonce = random::<32>();
    let (certificate, issuer, _, body) = fetch(
        CITIZEN_OCSP,
        "revoked",
        "citizen-ca",
        HashAlgorithm::Sha1,
        Some(nonce),
    );
    let response = OcspResponse::from_der(&body).expect("parse");
    let verified = response
        .verify(&OcspCheck::new(&certificate, &issuer, OffsetDateTime::now_utc()).nonce(&nonce))
        .expect("verify");
    assert_eq!(
        verified.status(),
        CertStatus::Revoked {
            time: datetime!(2026-01-01 00:00:00 UTC),
            reason: Some(RevocationReason::KeyCompromise),
        }
    );
    assert_eq!(
        openssl_verdict(&body, "revoked", "citizen-ca"),
        (true, "revoked".to_owned())
    );
}

#[test]
fn every_responder_answers_for_its_holders() {
    if !service_available(RESIDENT_OCSP, "OCSP resident-ca / mobile-id-ca") {
        return;
    }
    for (port, holder, ca) in [
        (CITIZEN_OCSP, "legacy", "citizen-ca"),
        (CITIZEN_OCSP, "blocked", "citizen-ca"),
        (CITIZEN_OCSP, "expired", "citizen-ca"),
        (RESIDENT_OCSP, "resident", "resident-ca"),
        (MOBILE_OCSP, "mobile", "mobile-id-ca"),
    ] {
        let nonce = random::<32>();
        let (certificate, issuer, _, body) =
            fetch(port, holder, ca, HashAlgorithm::Sha1, Some(nonce));
        let now = OffsetDateTime::now_utc();
        let verified = OcspResponse::from_der(&body)
            .expect("parse")
            .verify(&OcspCheck::new(&certificate, &issuer, now).nonce(&nonce))
            .unwrap_or_else(|e| panic!("{holder}: {e}"));
        // `expired` is past notAfter, but its CA still answers "good" (revocation and
        // validity period are separate questions).
        assert_eq!(verified.status(), CertStatus::Good, "{holder}");
        assert_eq!(
            openssl_verdict(&body, holder, ca),
            (true, "good".to_owned()),
            "{holder}"
        );
    }

    // The citizen CA is not the resident certificate's issuer at all.
    let (certificate, _, _, body) = fetch(
        RESIDENT_OCSP,
        "resident",
        "resident-ca",
        HashAlgorithm::Sha1,
        None,
    );
    let citizen_ca = cert("citizen-ca.pem");
    let err = OcspResponse::from_der(&body)
        .expect("parse")
        .verify(&OcspCheck::new(
            &certificate,
            &citizen_ca,
            OffsetDateTime::now_utc(),
        ))
        .expect_err("wrong CA");
    assert!(
        matches!(err, Error::OcspResponderNotAuthorised { .. }),
        "{err:?}"
    );
}

#[test]
fn nonce_must_be_echoed_and_equal() {
    if !service_available(CITIZEN_OCSP, "OCSP citizen-ca") {
        return;
    }
    let nonce = random::<32>();
    let (certificate, issuer, _, body) = fetch(
        CITIZEN_OCSP,
        "citizen",
        "citizen-ca",
        HashAlgorithm::Sha1,
        Some(nonce),
    );
    let response = OcspResponse::from_der(&body).expect("parse");
    let other = random::<32>();
    let err = response
        .verify(&OcspCheck::new(&certificate, &issuer, OffsetDateTime::now_utc()).nonce(&other))
        .expect_err("foreign nonce");
    assert_eq!(
        err,
        Error::OcspNonceMismatch {
            sent: hex::encode_upper(other),
            received: hex::encode_upper(nonce),
        }
    );

    // A response to a request without nonce cannot satisfy a check that wants one.
    let (_, _, _, body) = fetch(
        CITIZEN_OCSP,
        "citizen",
        "citizen-ca",
        HashAlgorithm::Sha1,
        None,
    );
    let response = OcspResponse::from_der(&body).expect("parse");
    assert_eq!(response.nonce(), None);
    let err = response
        .verify(&OcspCheck::new(&certificate, &issuer, OffsetDateTime::now_utc()).nonce(&nonce))
        .expect_err("no nonce");
    assert_eq!(err, Error::OcspNonceMissing);
}

#[test]
fn response_about_another_certificate_is_refused() {
    if !service_available(CITIZEN_OCSP, "OCSP citizen-ca") {
        return;
    }
    let (_, issuer, _, body) = fetch(
        CITIZEN_OCSP,
        "revoked",
        "citizen-ca",
        HashAlgorithm::Sha1,
        None,
    );
    let citizen = cert("holders/citizen/sign.pem");
    let err = OcspResponse::from_der(&body)
        .expect("parse")
        .verify(&OcspCheck::new(
            &citizen,
            &issuer,
            OffsetDateTime::now_utc(),
        ))
        .expect_err("other certificate");
    assert_eq!(
        err,
        Error::OcspCertIdMismatch {
            field: "serialNumber",
            expected: citizen.serial_number_hex(),
            found: cert("holders/revoked/sign.pem").serial_number_hex(),
        }
    );
}

#[test]
fn tampered_response_fails_signature_check_like_openssl() {
    if !service_available(CITIZEN_OCSP, "OCSP citizen-ca") {
        return;
    }
    let (certificate, issuer, _, body) = fetch(
        CITIZEN_OCSP,
        "citizen",
        "citizen-ca",
        HashAlgorithm::Sha1,
        None,
    );
    // Change the last seconds digit of producedAt (the first GeneralizedTime): still a valid
    // time, no longer what the responder signed.
    let pos = body
        .windows(17)
        .position(|w| {
            w[..2] == [0x18, 0x0F] && w[2..16].iter().all(u8::is_ascii_digit) && w[16] == b'Z'
        })
        .expect("producedAt")
        + 2
        + 13;
    let mut tampered = body.clone();
    tampered[pos] = b'0' + (tampered[pos] - b'0' + 1) % 10;
    let response = OcspResponse::from_der(&tampered).expect("still parses");
    let err = response
        .verify(
            &OcspCheck::new(&certificate, &issuer, OffsetDateTime::now_utc())
                .max_clock_skew(Duration::minutes(2)),
        )
        .expect_err("tampered");
    assert_eq!(
        err,
        Error::OcspSignatureInvalid {
            responder: "CN=Test Citizen CA OCSP Responder,O=knik test PKI,C=AM".to_owned()
        }
    );
    assert!(!openssl_verdict(&tampered, "citizen", "citizen-ca").0);

    // A flipped byte inside the signature value itself.
    let mut bad_sig = body.clone();
    let original = OcspResponse::from_der(&body).expect("parse");
    let at = body
        .windows(original.signature().len())
        .position(|w| w == original.signature())
        .expect("signature bytes")
        + 20;
    bad_sig[at] ^= 0x01;
    let err = OcspResponse::from_der(&bad_sig)
        .expect("parse")
        .verify(&OcspCheck::new(
            &certificate,
            &issuer,
            OffsetDateTime::now_utc(),
        ))
        .expect_err("bad signature");
    assert!(matches!(err, Error::OcspSignatureInvalid { .. }), "{err:?}");
    assert!(!openssl_verdict(&bad_sig, "citizen", "citizen-ca").0);
}

#[test]
fn freshness_window_is_enforced() {
    if !service_available(CITIZEN_OCSP, "OCSP citizen-ca") {
        return;
    }
    let (certificate, issuer, _, body) = fetch(
        CITIZEN_OCSP,
        "citizen",
        "citizen-ca",
        HashAlgorithm::Sha1,
        None,
    );
    let response = OcspResponse::from_der(&body).expect("parse");
    let produced = response.produced_at();
    let check = |at: OffsetDateTime| OcspCheck::new(&certificate, &issuer, at);

    let err = response
        .verify(&check(produced - Duration::hours(1)))
        .expect_err("future");
    assert!(
        matches!(
            err,
            Error::OcspFromFuture {
                field: "producedAt",
                ..
            }
        ),
        "{err:?}"
    );
    let err = response
        .verify(&check(produced + Duration::hours(1)))
        .expect_err("old");
    assert!(
        matches!(
            err,
            Error::OcspTooOld {
                field: "producedAt",
                max_age_seconds: 900,
                ..
            }
        ),
        "{err:?}"
    );
    response
        .verify(&check(produced + Duration::hours(1)).max_age(Some(Duration::hours(2))))
        .expect("allowed age");
    let next_update = response.responses()[0].next_update().expect("nextUpdate");
    let late = next_update + Duration::hours(1);
    let err = response
        .verify(&check(late).max_age(None))
        .expect_err("expired");
    assert_eq!(
        err,
        Error::OcspExpired {
            next_update,
            at: late
        }
    );
}

/// Responses made with `openssl ocsp` in one-shot mode (citizen-ca index, signer given on
/// the command line), for responder set-ups the running services do not have.
fn one_shot_response(holder: &str, signer: &str, extra: &[&str]) -> (OcspRequest, Vec<u8>) {
    let certificate = cert(&format!("holders/{holder}/sign.pem"));
    let issuer = cert("citizen-ca.pem");
    let request =
        OcspRequest::new(&certificate, &issuer, HashAlgorithm::Sha1, None).expect("request");
    let response = one_shot_answer(request.as_der(), signer, extra);
    (request, response)
}

fn one_shot_answer(request: &[u8], signer: &str, extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let req = write_file(dir.path(), "req.der", request);
    let resp = dir.path().join("resp.der");
    let resp_path = resp.to_str().expect("path").to_owned();
    let signer_pem = format!("{signer}.pem");
    let signer_key = format!("{signer}.key");
    let mut args = vec![
        "ocsp",
        "-index",
        "db/citizen-ca/index.txt",
        "-CA",
        "citizen-ca.pem",
        "-rsigner",
        &signer_pem,
        "-rkey",
        &signer_key,
        "-reqin",
        &req,
        "-respout",
        &resp_path,
        "-ndays",
        "1",
    ];
    args.extend_from_slice(extra);
    let (ok, text) = openssl(&args);
    assert!(ok, "openssl ocsp one-shot: {text}");
    std::fs::read(resp).expect("response")
}

#[test]
fn same_serial_under_another_issuer_is_refused() {
    // A request naming the resident CA's hashes with the citizen holder's serial number: the
    // citizen responder answers "unknown" for exactly that CertID, correctly signed.
    let resident = cert("holders/resident/sign.pem");
    let resident_ca = cert("resident-ca.pem");
    let citizen = cert("holders/citizen/sign.pem");
    let citizen_ca = cert("citizen-ca.pem");
    let request = OcspRequest::new(&resident, &resident_ca, HashAlgorithm::Sha1, None)
        .expect("request")
        .as_der()
        .to_vec();
    let serial_tlv = |c: &Certificate| {
        [
            &[0x02, c.serial_number_bytes().len() as u8][..],
            c.serial_number_bytes(),
        ]
        .concat()
    };
    let from = serial_tlv(&resident);
    let to = serial_tlv(&citizen);
    assert_eq!(from.len(), to.len());
    let at = request
        .windows(from.len())
        .position(|w| w == from)
        .expect("serial");
    let mut patched = request.clone();
    patched[at..at + to.len()].copy_from_slice(&to);

    let body = one_shot_answer(&patched, "citizen-ca-ocsp", &[]);
    let response = OcspResponse::from_der(&body).expect("parse");
    assert_eq!(response.responses()[0].status(), CertStatus::Unknown);
    let err = response
        .verify(&OcspCheck::new(
            &citizen,
            &citizen_ca,
            OffsetDateTime::now_utc(),
        ))
        .expect_err("other issuer");
    let Error::OcspCertIdMismatch { field, .. } = err else {
        panic!("{err:?}");
    };
    assert_eq!(field, "issuerNameHash");
}

#[test]
fn responder_of_another_ca_is_not_authorised() {
    let (_, body) = one_shot_response("citizen", "resident-ca-ocsp", &[]);
    let certificate = cert("holders/citizen/sign.pem");
    let issuer = cert("citizen-ca.pem");
    let err = OcspResponse::from_der(&body)
        .expect("parse")
        .verify(&OcspCheck::new(
            &certificate,
            &issuer,
            OffsetDateTime::now_utc(),
        ))
        .expect_err("foreign responder");
    let Error::OcspResponderNotAuthorised {
        responder,
        issuer,
        reason,
    } = err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        responder,
        "CN=Test Resident CA OCSP Responder,O=knik test PKI,C=AM"
    );
    assert_eq!(issuer, "CN=Test Citizen CA,O=knik test PKI,C=AM");
    assert!(reason.starts_with("not issued by the CA"), "{reason}");
    assert!(!openssl_verdict(&body, "citizen", "citizen-ca").0);
}

#[test]
fn ca_signing_its_own_responses_is_authorised() {
    let (_, body) = one_shot_response("citizen", "citizen-ca", &[]);
    let certificate = cert("holders/citizen/sign.pem");
    let issuer = cert("citizen-ca.pem");
    let verified = OcspResponse::from_der(&body)
        .expect("parse")
        .verify(&OcspCheck::new(
            &certificate,
            &issuer,
            OffsetDateTime::now_utc(),
        ))
        .expect("CA-signed");
    assert!(verified.responder_is_issuer());
    assert!(!verified.responder_nocheck());
}

#[test]
fn key_hash_responder_without_embedded_certificate() {
    let (_, body) = one_shot_response(
        "citizen",
        "citizen-ca-ocsp",
        &["-resp_key_id", "-resp_no_certs"],
    );
    let response = OcspResponse::from_der(&body).expect("parse");
    assert!(response.certificates().is_empty());
    assert!(response.responder_id().to_string().starts_with("keyHash:"));
    let certificate = cert("holders/citizen/sign.pem");
    let issuer = cert("citizen-ca.pem");
    let now = OffsetDateTime::now_utc();

    // Not in the response and not supplied: the wrong responder certificate does not help.
    let wrong = [cert("resident-ca-ocsp.pem")];
    let err = response
        .verify(&OcspCheck::new(&certificate, &issuer, now).extra_certificates(&wrong))
        .expect_err("no responder certificate");
    assert!(
        matches!(err, Error::OcspResponderNotFound { .. }),
        "{err:?}"
    );

    let right = [cert("citizen-ca-ocsp.pem")];
    let verified = response
        .verify(&OcspCheck::new(&certificate, &issuer, now).extra_certificates(&right))
        .expect("supplied responder");
    assert_eq!(verified.responder(), &right[0]);
}

#[test]
fn unsuccessful_status_is_an_error() {
    // OCSPResponse { responseStatus tryLater }
    let err = OcspResponse::from_der(&[0x30, 0x03, 0x0A, 0x01, 0x03]).expect_err("tryLater");
    assert_eq!(
        err,
        Error::OcspUnsuccessful {
            status: knik_pki::ocsp::OcspResponseStatus::TryLater
        }
    );
    assert_eq!(
        err.to_string(),
        "OCSP responder returned status tryLater (3)"
    );
}

#[test]
fn request_without_nonce_is_byte_identical_to_openssl() {
    for (holder, ca) in [
        ("citizen", "citizen-ca"),
        ("legacy", "citizen-ca"),
        ("mobile", "mobile-id-ca"),
    ] {
        let certificate = cert(&format!("holders/{holder}/sign.pem"));
        let issuer = cert(&format!("{ca}.pem"));
        for (hash, flag) in [
            (HashAlgorithm::Sha1, "-sha1"),
            (HashAlgorithm::Sha256, "-sha256"),
        ] {
            let ours = OcspRequest::new(&certificate, &issuer, hash, None).expect("request");
            let dir = tempfile::tempdir().expect("tempdir");
            let out = dir.path().join("req.der");
            let issuer_path = format!("{ca}.pem");
            let cert_path = format!("holders/{holder}/sign.pem");
            let (ok, text) = openssl(&[
                "ocsp",
                "-issuer",
                &issuer_path,
                flag,
                "-cert",
                &cert_path,
                "-no_nonce",
                "-reqout",
                out.to_str().expect("path"),
            ]);
            assert!(ok, "{text}");
            assert_eq!(
                ours.as_der(),
                std::fs::read(&out).expect("request").as_slice(),
                "{holder} {hash}"
            );
        }
    }
}

#[test]
fn a_validation_time_at_the_end_of_time_is_an_answer_not_a_panic() {
    if !service_available(CITIZEN_OCSP, "OCSP citizen-ca") {
        return;
    }
    let (certificate, issuer, _, body) = fetch(
        CITIZEN_OCSP,
        "citizen",
        "citizen-ca",
        HashAlgorithm::Sha1,
        None,
    );
    let response = OcspResponse::from_der(&body).expect("parse");
    // 9999-12-31T23:59:59Z plus the clock skew is past what time can hold: the limits must
    // saturate instead of overflowing (a panic is an abort in the WebAssembly package).
    let end = datetime!(9999-12-31 23:59:59 UTC);
    let result = response.verify(&OcspCheck::new(&certificate, &issuer, end));
    assert!(result.is_err(), "a response from 2026 is stale in 9999");
}
