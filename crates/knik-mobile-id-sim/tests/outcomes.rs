//! Every test phone number of test-vectors/mobile-id/README.md, through a real TLS client
//! (ureq trusting only sim-tls.pem), with the answers read by knik-mobile-id's strict
//! parsers: `/certificate` results, each session result, the "one RUNNING answer" before OK,
//! and that the OK signatures verify — with knik-mobile-id's checks and knik-pki — against
//! the test PKI's mobile holder certificates for SHA-256, SHA-384 and SHA-512 hashes, while the
//! `+37400000010` signature does not.

mod common;

use common::*;
use knik_mobile_id::check::{verify_authentication, verify_signature, verify_signing};
use knik_mobile_id::outcome::{certificate_from_response, poll_result_from_status};
use knik_mobile_id::rest::parse_certificate_response;
use knik_mobile_id::{
    AuthenticationChallenge, CertificateResult, Error, FinishedSession, HashType, Person,
    PollResult, RandomSource, SessionKind, SessionResult, SessionState, SignableHash,
    SignatureAlgorithm,
};
use knik_mobile_id_sim::{NATIONAL_IDENTITY_NUMBER, Scenario, default_pki_dir};
use knik_pki::{Certificate, PolicyMap};
use sha2::{Digest, Sha256, Sha384, Sha512};
use time::OffsetDateTime;

fn holder_cert(file: &str) -> Certificate {
    let path = default_pki_dir().join("holders/mobile").join(file);
    Certificate::from_pem(&std::fs::read_to_string(&path).expect("holder certificate"))
        .expect("a PEM certificate")
}

fn finished(status: &knik_mobile_id::rest::SessionStatusResponse) -> FinishedSession {
    match poll_result_from_status(status).expect("an OK result") {
        PollResult::Finished(f) => *f,
        PollResult::Running => panic!("still running"),
    }
}

struct OsRandom;

impl RandomSource for OsRandom {
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), String> {
        getrandom::getrandom(buf).map_err(|e| e.to_string())
    }
}

#[test]
fn certificate_answers_ok_with_the_signing_certificate_except_for_unknown_people() {
    let sim = start();
    let client = Client::new(&sim);
    let sign_cert = holder_cert("sign.pem");
    for scenario in Scenario::ALL {
        let answer = client.post(
            "/certificate",
            &certificate_body(scenario.phone_number(), NATIONAL_IDENTITY_NUMBER),
        );
        assert_eq!(answer.status, 200, "{scenario:?}: {}", answer.body);
        let response =
            parse_certificate_response(answer.body.as_bytes()).expect("a valid certificate answer");
        assert!(response.time.is_some() && response.trace_id.is_some());
        if scenario == Scenario::NotMidClient {
            assert_eq!(response.result, CertificateResult::NotFound);
            assert_eq!(
                certificate_from_response(&response),
                Err(Error::CertificateNotFound)
            );
        } else {
            assert_eq!(response.result, CertificateResult::Ok, "{scenario:?}");
            let cert = certificate_from_response(&response).expect("a DER certificate");
            assert_eq!(cert.as_der(), sign_cert.as_der(), "{scenario:?}");
        }
    }
    // Another identity number, or a number not in the table: NOT_FOUND.
    for (phone, identity) in [
        (Scenario::Ok.phone_number(), "2810770124"),
        ("+37400000012", NATIONAL_IDENTITY_NUMBER),
        ("+37491234567", NATIONAL_IDENTITY_NUMBER),
    ] {
        let answer = client.post("/certificate", &certificate_body(phone, identity));
        let response = parse_certificate_response(answer.body.as_bytes()).expect("valid");
        assert_eq!(
            response.result,
            CertificateResult::NotFound,
            "{phone} {identity}"
        );
    }
}

#[test]
fn each_error_number_ends_with_its_result_code_on_the_first_poll() {
    let sim = start();
    let client = Client::new(&sim);
    let cases = [
        (Scenario::NotMidClient, SessionResult::NotMidClient),
        (Scenario::UserCancelled, SessionResult::UserCancelled),
        (Scenario::Timeout, SessionResult::Timeout),
        (Scenario::PhoneAbsent, SessionResult::PhoneAbsent),
        (Scenario::DeliveryError, SessionResult::DeliveryError),
        (Scenario::SimError, SessionResult::SimError),
        (
            Scenario::SignatureHashMismatch,
            SessionResult::SignatureHashMismatch,
        ),
    ];
    for kind in [SessionKind::Authentication, SessionKind::Signature] {
        for (scenario, expected) in cases {
            let id = client.start_session(kind, &start_body(scenario.phone_number(), &[0x11; 32]));
            let status = client.poll(kind, &id, "5000");
            assert_eq!(status.state, SessionState::Complete, "{kind} {scenario:?}");
            assert_eq!(status.result, Some(expected), "{kind} {scenario:?}");
            assert_eq!(status.signature, None);
            assert_eq!(status.cert, None);
            // knik-mobile-id maps each to its own error.
            let error = poll_result_from_status(&status).expect_err("not OK");
            assert_eq!(
                Some(error),
                knik_mobile_id::outcome::error_for_result(expected)
            );
            // The result stays until the session expires.
            assert_eq!(client.poll(kind, &id, "1000").result, Some(expected));
        }
    }
    // Unknown identity number with a table phone number: NOT_MID_CLIENT.
    let mut body = start_body(Scenario::Ok.phone_number(), &[0x11; 32]);
    body["nationalIdentityNumber"] = "2810770124".into();
    let id = client.start_session(SessionKind::Signature, &body);
    let status = client.poll(SessionKind::Signature, &id, "1000");
    assert_eq!(status.result, Some(SessionResult::NotMidClient));
}

#[test]
fn signing_is_ok_after_one_running_answer_and_verifies_with_the_certificate() {
    let sim = start();
    let client = Client::new(&sim);
    let response = parse_certificate_response(
        client
            .post(
                "/certificate",
                &certificate_body(Scenario::Ok.phone_number(), NATIONAL_IDENTITY_NUMBER),
            )
            .body
            .as_bytes(),
    )
    .expect("valid");
    let signing_cert = certificate_from_response(&response).expect("a certificate");
    let document = b"ASiC-E SignedInfo stand-in";
    let hashes = [
        SignableHash::new(HashType::Sha256, &Sha256::digest(document)).unwrap(),
        SignableHash::new(HashType::Sha384, &Sha384::digest(document)).unwrap(),
        SignableHash::new(HashType::Sha512, &Sha512::digest(document)).unwrap(),
    ];
    let algorithms = [
        SignatureAlgorithm::Sha256WithEc,
        SignatureAlgorithm::Sha384WithEc,
        SignatureAlgorithm::Sha512WithEc,
    ];
    for (hash, algorithm) in hashes.iter().zip(algorithms) {
        let id = client.start_session(
            SessionKind::Signature,
            &start_body(Scenario::Ok.phone_number(), hash.digest()),
        );
        let (running, status) = client.poll_to_end(SessionKind::Signature, &id, 5);
        assert_eq!(running, 1, "exactly one RUNNING answer before OK");
        assert_eq!(status.result, Some(SessionResult::Ok));
        assert_eq!(status.cert, None, "signing sessions return no certificate");
        let done = finished(&status);
        assert_eq!(done.algorithm, algorithm);
        assert_eq!(done.signature.len(), 64, "raw r||s of P-256");
        // knik-mobile-id's check (raw r||s, algorithm vs hash type, keyUsage, validity) ...
        let value = verify_signing(&signing_cert, hash, &done, OffsetDateTime::now_utc())
            .unwrap_or_else(|e| panic!("{algorithm}: {e}"));
        assert_eq!(value, done.signature);
        // ... and knik-pki directly, with the certificate from the test PKI.
        holder_cert("sign.pem")
            .public_key()
            .verify_digest_signature(hash.hash_type().to_pki(), hash.digest(), &done.signature)
            .unwrap_or_else(|e| panic!("{algorithm}: {e}"));
        // Not made with the authentication key.
        assert!(
            verify_signature(&holder_cert("auth.pem"), hash, algorithm, &done.signature).is_err()
        );
        // The phone showed the code of the hash that was sent.
        let prompt = sim.prompt_for(&id).expect("a prompt for the session");
        assert_eq!(prompt.verification_code, hash.verification_code());
        assert_eq!(prompt.question(), "Sign?");
        assert_eq!(prompt.phone_number, Scenario::Ok.phone_number());
    }
}

#[test]
fn authentication_returns_the_auth_certificate_and_passes_the_full_check() {
    let sim = start();
    let client = Client::new(&sim);
    let challenge =
        AuthenticationChallenge::random(HashType::Sha512, &mut OsRandom).expect("randomness");
    let id = client.start_session(
        SessionKind::Authentication,
        &start_body(Scenario::Ok.phone_number(), challenge.hash().digest()),
    );
    let (running, status) = client.poll_to_end(SessionKind::Authentication, &id, 5);
    assert_eq!(running, 1);
    let done = finished(&status);
    assert_eq!(done.algorithm, SignatureAlgorithm::Sha512WithEc);
    let cert = done
        .certificate
        .as_ref()
        .expect("authentication returns cert");
    assert_eq!(cert.as_der(), holder_cert("auth.pem").as_der());
    let policies = PolicyMap::from_toml(
        &std::fs::read_to_string(default_pki_dir().join("policies.toml")).expect("policies"),
    )
    .expect("the test PKI's policy map");
    let person = Person::parse(Scenario::Ok.phone_number(), NATIONAL_IDENTITY_NUMBER).unwrap();
    let identity = verify_authentication(
        &challenge,
        &person,
        &done,
        &policies,
        OffsetDateTime::now_utc(),
    )
    .expect("the authentication checks pass");
    assert_eq!(identity.personal_number, NATIONAL_IDENTITY_NUMBER);
    let prompt = sim.prompt_for(&id).expect("a prompt");
    assert_eq!(prompt.question(), "Enter?");
    assert_eq!(prompt.verification_code, challenge.verification_code());
}

#[test]
fn the_wrong_key_number_returns_a_well_formed_signature_that_does_not_verify() {
    let sim = start();
    let client = Client::new(&sim);
    let hash = SignableHash::new(HashType::Sha256, &Sha256::digest(b"doc")).unwrap();
    // Signing: fails against the signing certificate (and the authentication one).
    let id = client.start_session(
        SessionKind::Signature,
        &start_body(Scenario::WrongKey.phone_number(), hash.digest()),
    );
    let (running, status) = client.poll_to_end(SessionKind::Signature, &id, 5);
    assert_eq!(running, 1);
    let done = finished(&status);
    assert_eq!(done.signature.len(), 64);
    for cert in ["sign.pem", "auth.pem"] {
        assert!(
            matches!(
                verify_signing(&holder_cert(cert), &hash, &done, OffsetDateTime::now_utc()),
                Err(Error::SignatureInvalid { .. }) | Err(Error::KeyUsage { .. })
            ),
            "{cert}"
        );
        assert!(
            matches!(
                verify_signature(&holder_cert(cert), &hash, done.algorithm, &done.signature),
                Err(Error::SignatureInvalid { .. })
            ),
            "{cert}"
        );
    }
    // Authentication: the returned certificate does not verify the signature either.
    let id = client.start_session(
        SessionKind::Authentication,
        &start_body(Scenario::WrongKey.phone_number(), hash.digest()),
    );
    let (_, status) = client.poll_to_end(SessionKind::Authentication, &id, 5);
    let done = finished(&status);
    let cert = done.certificate.as_ref().expect("a certificate");
    assert!(matches!(
        verify_signature(cert, &hash, done.algorithm, &done.signature),
        Err(Error::SignatureInvalid { .. })
    ));
}

#[test]
fn the_slow_user_and_the_silent_user_keep_running() {
    let sim = start();
    let client = Client::new(&sim);
    let hash = [0x5a; 32];
    // +37400000009: several RUNNING answers, then OK after about 3 s.
    let slow = client.start_session(
        SessionKind::Signature,
        &start_body(Scenario::SlowUser.phone_number(), &hash),
    );
    let silent = client.start_session(
        SessionKind::Signature,
        &start_body(Scenario::NeverAnswers.phone_number(), &hash),
    );
    let ((running, status), took) = timed(|| client.poll_to_end(SessionKind::Signature, &slow, 10));
    assert!((2..=4).contains(&running), "{running} RUNNING answers");
    assert_eq!(status.result, Some(SessionResult::Ok));
    assert!(
        took.as_millis() >= 2_500 && took.as_millis() < 5_000,
        "{took:?}"
    );
    // +37400000011: still RUNNING afterwards.
    assert_eq!(
        client.poll(SessionKind::Signature, &silent, "1000").state,
        SessionState::Running
    );
}

#[test]
fn display_text_reaches_the_phone_with_non_gsm7_characters_as_spaces() {
    let sim = start();
    let client = Client::new(&sim);
    let mut body = start_body(Scenario::Ok.phone_number(), &[0x42; 32]);
    body["displayText"] = "Sign Երևան contract".into();
    let id = client.start_session(SessionKind::Signature, &body);
    assert_eq!(
        sim.prompt_for(&id).unwrap().display_text.as_deref(),
        Some("Sign       contract")
    );
    body["displayText"] = "Ստորագրել պայմանագիրը".into();
    body["displayTextFormat"] = "UCS-2".into();
    body["language"] = "HYE".into();
    let id = client.start_session(SessionKind::Signature, &body);
    let prompt = sim.prompt_for(&id).unwrap();
    assert_eq!(
        prompt.display_text.as_deref(),
        Some("Ստորագրել պայմանագիրը")
    );
    assert_eq!(prompt.language, knik_mobile_id::Language::Hye);
    assert_eq!(prompt.relying_party_name, "knik demo");
}
