//! RFC 3161 against the real test TSA (`scripts/services.sh up`, port 8889), cross-checked
//! with `openssl ts -verify` on the same bytes.

mod ocsp_tsp_support;

use knik_pki::tsp::{
    MessageImprint, PkiStatus, TimeStampRequest, TimeStampResponse, TimeStampToken,
};
use knik_pki::{Error, HashAlgorithm};
use ocsp_tsp_support::{cert, http_post, openssl, random, service_available, write_file};
use time::{Duration, OffsetDateTime};

const TSA: u16 = 8889;

/// Sends a request for `data` hashed with `hash` and returns (request, raw response).
fn stamp(data: &[u8], hash: HashAlgorithm, cert_req: bool) -> (TimeStampRequest, Vec<u8>) {
    let mut nonce = random::<20>();
    nonce[0] |= 0x01; // non-zero first byte, as libdigidocpp does
    let request = TimeStampRequest::new(hash, &hash.digest(data))
        .expect("request")
        .with_nonce(&nonce)
        .with_cert_req(cert_req);
    let body = http_post(TSA, TimeStampRequest::CONTENT_TYPE, &request.to_der());
    (request, body)
}

/// `openssl ts -verify` on a stored response: true when it prints "Verification: OK".
fn openssl_verifies(query_or_data: (&str, &[u8]), response: &[u8]) -> bool {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_file(dir.path(), "input", query_or_data.1);
    let resp = write_file(dir.path(), "resp.tsr", response);
    let (ok, text) = openssl(&[
        "ts",
        "-verify",
        query_or_data.0,
        &input,
        "-in",
        &resp,
        "-CAfile",
        "root.pem",
    ]);
    ok && text.contains("Verification: OK")
}

/// The genTime text inside a DER TSTInfo, found by shape (tag 0x18, then digits, an
/// optional fraction and `Z`), since the serial number or digest before it may hold 0x18 too.
fn gen_time_text(tst_info: &[u8]) -> String {
    (0..tst_info.len().saturating_sub(2))
        .find_map(|at| {
            let len = usize::from(tst_info[at + 1]);
            let text = tst_info.get(at + 2..at + 2 + len)?;
            let shaped = tst_info[at] == 0x18
                && (15..=24).contains(&len)
                && text[..14].iter().all(u8::is_ascii_digit)
                && text.ends_with(b"Z");
            shaped.then(|| String::from_utf8_lossy(text).into_owned())
        })
        .expect("genTime")
}

#[test]
fn granted_tokens_for_sha256_384_512_verify_like_openssl() {
    if !service_available(TSA, "RFC 3161 TSA") {
        return;
    }
    let tsa = cert("tsa.pem");
    let data = b"knik: the canonical ds:SignatureValue element would go here";
    for hash in [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ] {
        let before = OffsetDateTime::now_utc();
        let (request, body) = stamp(data, hash, true);
        let response = TimeStampResponse::from_der(&body).expect("parse");
        assert_eq!(response.status(), PkiStatus::Granted);
        let token = response.into_token(&request, &[]).expect("verified token");

        assert_eq!(token.tsa_certificate(), &tsa, "{hash}");
        assert_eq!(token.imprint().algorithm(), hash);
        assert_eq!(token.imprint().digest(), hash.digest(data).as_slice());
        assert_eq!(token.policy(), "2.999.2.1");
        assert_eq!(token.accuracy().map(|a| a.seconds), Some(1));
        assert!(!token.ordering());
        assert_eq!(token.nonce(), request.nonce());
        assert_eq!(
            token.tsa_name(),
            Some("CN=Test AM TSA,O=knik test PKI,C=AM")
        );
        // tsa.pem and root.pem, stored DER-sorted: the signer is found by its identifier.
        assert_eq!(token.certificates().len(), 2);
        assert!(token.gen_time() >= before - Duration::seconds(2));
        assert!(token.gen_time() <= OffsetDateTime::now_utc() + Duration::seconds(2));
        token.check_data(data).expect("data matches");

        // clock_precision_digits = 3: the fraction (trailing zeros dropped, per DER) survives.
        let text = gen_time_text(token.tst_info_der());
        let millis: u32 = match text.trim_end_matches('Z').split_once('.') {
            Some((_, f)) => format!("{f:0<3}").parse().expect("digits"),
            None => 0,
        };
        assert_eq!(token.gen_time().millisecond() as u32, millis, "{text}");
        assert_eq!(token.gen_time().nanosecond() % 1_000_000, 0);

        assert!(
            openssl_verifies(("-queryfile", &request.to_der()), &body),
            "{hash}"
        );
        assert!(openssl_verifies(("-data", data), &body), "{hash}");
    }
}

#[test]
fn imprint_of_other_data_is_refused() {
    if !service_available(TSA, "RFC 3161 TSA") {
        return;
    }
    let (request, body) = stamp(b"signed value", HashAlgorithm::Sha384, true);
    let token = TimeStampResponse::from_der(&body)
        .expect("parse")
        .into_token(&request, &[])
        .expect("token");
    let err = token.check_data(b"another value").expect_err("other data");
    assert_eq!(
        err,
        Error::TspImprintMismatch {
            expected_algorithm: HashAlgorithm::Sha384,
            expected: hex::encode_upper(HashAlgorithm::Sha384.digest(b"another value")),
            found_algorithm: HashAlgorithm::Sha384,
            found: hex::encode_upper(HashAlgorithm::Sha384.digest(b"signed value")),
        }
    );
    // Same digest under another algorithm name is still a mismatch.
    let other = MessageImprint::of_data(HashAlgorithm::Sha256, b"signed value").expect("imprint");
    assert!(matches!(
        token.check_imprint(&other),
        Err(Error::TspImprintMismatch { .. })
    ));
    assert!(!openssl_verifies(("-data", b"another value"), &body));

    // A response checked against a request it does not answer.
    let unrelated =
        TimeStampRequest::new(HashAlgorithm::Sha384, &HashAlgorithm::Sha384.digest(b"x"))
            .expect("request");
    let err = TimeStampResponse::from_der(&body)
        .expect("parse")
        .into_token(&unrelated, &[])
        .expect_err("unrelated request");
    assert!(matches!(err, Error::TspImprintMismatch { .. }), "{err:?}");
}

#[test]
fn nonce_must_be_echoed() {
    if !service_available(TSA, "RFC 3161 TSA") {
        return;
    }
    let (request, body) = stamp(b"nonce", HashAlgorithm::Sha256, true);
    let token = TimeStampToken::from_der(
        TimeStampResponse::from_der(&body)
            .expect("parse")
            .token_der()
            .expect("token"),
        &[],
    )
    .expect("token");
    token
        .check_nonce(request.nonce().expect("nonce"))
        .expect("echoed");
    let err = token.check_nonce(&[0x42; 20]).expect_err("other nonce");
    assert_eq!(
        err,
        Error::TspNonceMismatch {
            sent: "42".repeat(20),
            received: request.nonce().map(hex::encode_upper),
        }
    );
}

#[test]
fn tampered_tokens_are_refused_like_openssl() {
    if !service_available(TSA, "RFC 3161 TSA") {
        return;
    }
    let (request, body) = stamp(b"tamper", HashAlgorithm::Sha256, true);
    let token_der = TimeStampResponse::from_der(&body)
        .expect("parse")
        .token_der()
        .expect("token")
        .to_vec();
    let token = TimeStampToken::from_der(&token_der, &[]).expect("token");

    // A changed genTime digit: the TSTInfo no longer has the signed messageDigest.
    let text = gen_time_text(token.tst_info_der());
    let at = body
        .windows(text.len())
        .position(|w| w == text.as_bytes())
        .expect("genTime in response")
        + 11; // a minutes digit
    let mut tampered = body.clone();
    tampered[at] = b'0' + (tampered[at] - b'0' + 1) % 6;
    let err = TimeStampResponse::from_der(&tampered)
        .expect("parse")
        .into_token(&request, &[])
        .expect_err("tampered TSTInfo");
    assert!(
        matches!(err, Error::TspMessageDigestMismatch { .. }),
        "{err:?}"
    );
    assert!(!openssl_verifies(
        ("-queryfile", &request.to_der()),
        &tampered
    ));

    // A changed byte in the signature value.
    let sig_at = body.len() - 10;
    let mut bad_sig = body.clone();
    bad_sig[sig_at] ^= 0x01;
    let err = TimeStampResponse::from_der(&bad_sig)
        .expect("parse")
        .into_token(&request, &[])
        .expect_err("tampered signature");
    assert_eq!(
        err,
        Error::TspSignatureInvalid {
            tsa: "CN=Test AM TSA,O=knik test PKI,C=AM".to_owned()
        }
    );
    assert!(!openssl_verifies(
        ("-queryfile", &request.to_der()),
        &bad_sig
    ));
}

#[test]
fn token_without_certificates_needs_the_tsa_certificate_supplied() {
    if !service_available(TSA, "RFC 3161 TSA") {
        return;
    }
    let (request, body) = stamp(b"no certs", HashAlgorithm::Sha512, false);
    let err = TimeStampResponse::from_der(&body)
        .expect("parse")
        .into_token(&request, &[])
        .expect_err("no TSA certificate");
    assert!(matches!(err, Error::TspSignerNotFound { .. }), "{err:?}");
    // The wrong certificate does not stand in for it.
    let wrong = [cert("citizen-ca-ocsp.pem")];
    let err = TimeStampResponse::from_der(&body)
        .expect("parse")
        .into_token(&request, &wrong)
        .expect_err("wrong certificate");
    assert!(matches!(err, Error::TspSignerNotFound { .. }), "{err:?}");
    let tsa = [cert("tsa.pem")];
    let token = TimeStampResponse::from_der(&body)
        .expect("parse")
        .into_token(&request, &tsa)
        .expect("supplied TSA certificate");
    assert!(token.certificates().is_empty());
    assert_eq!(token.tsa_certificate(), &tsa[0]);
}

#[test]
fn sha1_query_is_rejected_by_the_tsa() {
    if !service_available(TSA, "RFC 3161 TSA") {
        return;
    }
    // Our request builder refuses SHA-1, so the query comes from openssl.
    let dir = tempfile::tempdir().expect("tempdir");
    let data = write_file(dir.path(), "data", b"sha1");
    let query = dir.path().join("q.tsq");
    let (ok, text) = openssl(&[
        "ts",
        "-query",
        "-data",
        &data,
        "-sha1",
        "-out",
        query.to_str().expect("path"),
    ]);
    assert!(ok, "{text}");
    let body = http_post(
        TSA,
        TimeStampRequest::CONTENT_TYPE,
        &std::fs::read(&query).expect("query"),
    );
    let response = TimeStampResponse::from_der(&body).expect("parse");
    assert_eq!(response.status(), PkiStatus::Rejection);
    assert!(response.token_der().is_none());
    assert_eq!(response.failure_info(), &["badAlg"]);
    let request = TimeStampRequest::new(HashAlgorithm::Sha256, &[0; 32]).expect("request");
    let err = response.into_token(&request, &[]).expect_err("rejected");
    assert!(
        matches!(
            err,
            Error::TspRefused {
                status: PkiStatus::Rejection,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("time-stamp not granted: rejection"),
        "{err}"
    );
}

#[test]
fn sha1_imprints_and_bad_lengths_are_refused_when_building() {
    assert!(matches!(
        TimeStampRequest::new(HashAlgorithm::Sha1, &[0; 20]),
        Err(Error::UnsupportedAlgorithm { .. })
    ));
    assert_eq!(
        TimeStampRequest::new(HashAlgorithm::Sha256, &[0; 31]),
        Err(Error::DigestLength {
            algorithm: "SHA-256",
            expected: 32,
            found: 31
        })
    );
}

#[test]
fn request_is_byte_identical_to_openssl_ts_query() {
    let data = b"same bytes, same request";
    for (hash, flag) in [
        (HashAlgorithm::Sha256, "-sha256"),
        (HashAlgorithm::Sha384, "-sha384"),
        (HashAlgorithm::Sha512, "-sha512"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = write_file(dir.path(), "data", data);
        let out = dir.path().join("q.tsq");
        let (ok, text) = openssl(&[
            "ts",
            "-query",
            "-data",
            &input,
            flag,
            "-cert",
            "-no_nonce",
            "-out",
            out.to_str().expect("path"),
        ]);
        assert!(ok, "{text}");
        let ours = TimeStampRequest::new(hash, &hash.digest(data)).expect("request");
        assert_eq!(ours.to_der(), std::fs::read(&out).expect("query"), "{hash}");
    }
}

#[test]
fn requested_policy_is_honoured() {
    if !service_available(TSA, "RFC 3161 TSA") {
        return;
    }
    let digest = HashAlgorithm::Sha256.digest(b"policy");
    let request = TimeStampRequest::new(HashAlgorithm::Sha256, &digest)
        .expect("request")
        .with_policy("2.999.2.1")
        .expect("policy");
    let body = http_post(TSA, TimeStampRequest::CONTENT_TYPE, &request.to_der());
    let token = TimeStampResponse::from_der(&body)
        .expect("parse")
        .into_token(&request, &[])
        .expect("token under the requested policy");
    assert_eq!(token.policy(), "2.999.2.1");

    // The same token does not answer a request for another policy.
    let other = TimeStampRequest::new(HashAlgorithm::Sha256, &digest)
        .expect("request")
        .with_policy("2.999.2.2")
        .expect("policy");
    let err = TimeStampResponse::from_der(&body)
        .expect("parse")
        .into_token(&other, &[])
        .expect_err("other policy");
    assert_eq!(
        err,
        Error::TspPolicyMismatch {
            expected: "2.999.2.2".to_owned(),
            found: "2.999.2.1".to_owned(),
        }
    );
    assert!(
        TimeStampRequest::new(HashAlgorithm::Sha256, &digest)
            .expect("request")
            .with_policy("not an oid")
            .is_err()
    );
}
