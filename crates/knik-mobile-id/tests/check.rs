//! Checking finished sessions against the test PKI, with `openssl pkeyutl` as the independent
//! signer (it returns DER; MID-REST sends raw r‖s, so the test converts).

use std::path::PathBuf;
use std::process::Command;

use knik_mobile_id::check::{verify_authentication, verify_signature, verify_signing};
use knik_mobile_id::outcome::poll_result_from_status;
use knik_mobile_id::rest::parse_session_status_response;
use knik_mobile_id::{
    AuthenticationChallenge, Error, FinishedSession, HashType, Person, PollResult, RandomSource,
    SignableHash, SignatureAlgorithm,
};
use knik_pki::{Certificate, DocumentKind, PolicyMap};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-22 06:00 UTC);

fn holder(name: &str, file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/pki/holders")
        .join(name)
        .join(file)
}

fn cert(name: &str, file: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read_to_string(holder(name, file)).unwrap()).unwrap()
}

/// Signs `digest` with a holder's key through the openssl CLI; DER for EC keys, PKCS#1 v1.5
/// with DigestInfo for RSA keys.
fn openssl_sign(name: &str, key: &str, digest: &[u8], rsa_hash: Option<&str>) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("digest.bin");
    std::fs::write(&input, digest).unwrap();
    let mut cmd = Command::new("openssl");
    cmd.args(["pkeyutl", "-sign", "-inkey"])
        .arg(holder(name, key))
        .arg("-in")
        .arg(&input);
    if let Some(h) = rsa_hash {
        cmd.args(["-pkeyopt", &format!("digest:{h}")]);
    }
    let out = cmd.output().expect("openssl CLI is the test oracle");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// DER `ECDSA-Sig-Value` → raw `r ‖ s`, each left-padded to `width` bytes.
fn der_to_raw(der: &[u8], width: usize) -> Vec<u8> {
    fn read_len(b: &[u8], i: &mut usize) -> usize {
        let first = b[*i];
        *i += 1;
        if first < 0x80 {
            return usize::from(first);
        }
        let n = usize::from(first & 0x7f);
        let mut len = 0;
        for _ in 0..n {
            len = (len << 8) | usize::from(b[*i]);
            *i += 1;
        }
        len
    }
    assert_eq!(der[0], 0x30);
    let mut i = 1;
    read_len(der, &mut i);
    let mut raw = Vec::new();
    for _ in 0..2 {
        assert_eq!(der[i], 0x02);
        i += 1;
        let len = read_len(der, &mut i);
        let mut int = &der[i..i + len];
        i += len;
        while int.len() > 1 && int[0] == 0 {
            int = &int[1..];
        }
        raw.extend(std::iter::repeat_n(0, width - int.len()));
        raw.extend_from_slice(int);
    }
    raw
}

/// Deterministic bytes for tests (never for production).
struct Counter(u8);
impl RandomSource for Counter {
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), String> {
        for b in buf {
            self.0 = self.0.wrapping_mul(31).wrapping_add(7);
            *b = self.0;
        }
        Ok(())
    }
}

fn sha256_hash(seed: u8) -> SignableHash {
    SignableHash::new(HashType::Sha256, &[seed; 32]).unwrap()
}

fn session(
    algorithm: SignatureAlgorithm,
    signature: Vec<u8>,
    certificate: Option<Certificate>,
) -> FinishedSession {
    FinishedSession {
        algorithm,
        signature,
        certificate,
    }
}

#[test]
fn a_mobile_id_signature_verifies_against_the_signing_certificate() {
    let hash = sha256_hash(0x42);
    let der = openssl_sign("mobile", "sign.key", hash.digest(), None);
    let raw = der_to_raw(&der, 32);
    assert_eq!(raw.len(), 64);
    let signing_cert = cert("mobile", "sign.pem");
    let finished = session(SignatureAlgorithm::Sha256WithEc, raw.clone(), None);
    assert_eq!(
        verify_signing(&signing_cert, &hash, &finished, NOW),
        Ok(raw)
    );

    // The same signature over another hash does not verify.
    assert!(matches!(
        verify_signing(&signing_cert, &sha256_hash(0x43), &finished, NOW),
        Err(Error::SignatureInvalid { key }) if key == "EC P-256"
    ));
    // MID-REST sends raw r||s; DER is refused rather than silently accepted.
    assert!(matches!(
        verify_signature(&signing_cert, &hash, SignatureAlgorithm::Sha256WithEc, &der),
        Err(Error::SignatureEncoding { .. })
    ));
}

#[test]
fn a_signature_from_another_key_is_rejected() {
    let hash = sha256_hash(0x42);
    let signing_cert = cert("mobile", "sign.pem");
    // The citizen's card key (P-384): wrong key, and the wrong size for P-256.
    let citizen = der_to_raw(
        &openssl_sign("citizen", "sign.key", hash.digest(), None),
        48,
    );
    assert!(matches!(
        verify_signing(
            &signing_cert,
            &hash,
            &session(SignatureAlgorithm::Sha256WithEc, citizen, None),
            NOW
        ),
        Err(Error::SignatureEncoding { .. })
    ));
    // The same person's mobile authentication key (P-256, right size, wrong key): the case of
    // SK-EID/MID#21 the other way round.
    let auth = der_to_raw(&openssl_sign("mobile", "auth.key", hash.digest(), None), 32);
    assert_eq!(
        verify_signing(
            &signing_cert,
            &hash,
            &session(SignatureAlgorithm::Sha256WithEc, auth, None),
            NOW
        ),
        Err(Error::SignatureInvalid {
            key: "EC P-256".into()
        })
    );
}

#[test]
fn the_reported_algorithm_must_fit_the_hash_and_the_key() {
    let hash = sha256_hash(1);
    let raw = der_to_raw(&openssl_sign("mobile", "sign.key", hash.digest(), None), 32);
    let signing_cert = cert("mobile", "sign.pem");
    for alg in [
        SignatureAlgorithm::Sha384WithEc,
        SignatureAlgorithm::Sha256WithRsa,
    ] {
        assert_eq!(
            verify_signature(&signing_cert, &hash, alg, &raw),
            Err(Error::SignatureAlgorithmMismatch {
                algorithm: alg,
                hash_type: HashType::Sha256,
                key: "EC P-256".into()
            })
        );
    }
}

#[test]
fn rsa_pkcs1_signatures_verify_too() {
    let hash = SignableHash::new(HashType::Sha512, &[9; 64]).unwrap();
    let sig = openssl_sign("legacy", "sign.key", hash.digest(), Some("sha512"));
    let legacy = cert("legacy", "sign.pem");
    assert_eq!(
        verify_signature(&legacy, &hash, SignatureAlgorithm::Sha512WithRsa, &sig),
        Ok(())
    );
    let mut bad = sig.clone();
    bad[10] ^= 1;
    assert!(matches!(
        verify_signature(&legacy, &hash, SignatureAlgorithm::Sha512WithRsa, &bad),
        Err(Error::SignatureInvalid { .. })
    ));
}

#[test]
fn authentication_returns_the_mobile_id_identity() {
    let challenge = AuthenticationChallenge::random(HashType::Sha256, &mut Counter(1)).unwrap();
    assert_eq!(challenge.hash().digest().len(), 32);
    assert_eq!(
        challenge.verification_code(),
        challenge.hash().verification_code()
    );
    let raw = der_to_raw(
        &openssl_sign("mobile", "auth.key", challenge.hash().digest(), None),
        32,
    );

    // Through the wire format, as the HTTP client will receive it.
    let auth_pem = cert("mobile", "auth.pem");
    let body = serde_json::json!({
        "state": "COMPLETE",
        "result": "OK",
        "signature": {"value": b64(&raw), "algorithm": "SHA256WithECEncryption"},
        "cert": b64(auth_pem.as_der()),
        "time": "2026-11-22T06:00:00",
        "traceId": "abc"
    })
    .to_string();
    let status = parse_session_status_response(body.as_bytes()).unwrap();
    let PollResult::Finished(finished) = poll_result_from_status(&status).unwrap() else {
        panic!("OK finishes the session");
    };

    let person = Person::parse("+37491234567", "2810770123").unwrap();
    let policies = PolicyMap::default();
    let identity = verify_authentication(&challenge, &person, &finished, &policies, NOW).unwrap();
    assert_eq!(identity.document_kind, DocumentKind::MobileId);
    assert_eq!(identity.personal_number, "2810770123");
    assert_eq!(identity.surname.as_deref(), Some("PETROSYAN"));
    assert_eq!(identity.given_name.as_deref(), Some("ANI"));

    // Someone else was asked: the certificate does not name them.
    let other = Person::parse("+37491234567", "5210880456").unwrap();
    assert_eq!(
        verify_authentication(&challenge, &other, &finished, &policies, NOW),
        Err(Error::IdentityMismatch {
            expected: "5210880456".into(),
            found: "2810770123".into()
        })
    );
    // Another challenge: the signature does not cover it.
    let replayed = AuthenticationChallenge::random(HashType::Sha256, &mut Counter(2)).unwrap();
    assert!(matches!(
        verify_authentication(&replayed, &person, &finished, &policies, NOW),
        Err(Error::SignatureInvalid { .. })
    ));
    // After the certificate's notAfter.
    assert!(matches!(
        verify_authentication(
            &challenge,
            &person,
            &finished,
            &policies,
            datetime!(2080-01-01 0:00 UTC)
        ),
        Err(Error::CertificateNotValid { .. })
    ));
    // No certificate at all.
    let mut bare = (*finished).clone();
    bare.certificate = None;
    assert_eq!(
        verify_authentication(&challenge, &person, &bare, &policies, NOW),
        Err(Error::CertificateMissing)
    );
}

#[test]
fn key_usages_keep_authentication_and_signing_apart() {
    let hash = sha256_hash(5);
    let raw = der_to_raw(&openssl_sign("mobile", "auth.key", hash.digest(), None), 32);
    let finished = session(SignatureAlgorithm::Sha256WithEc, raw, None);
    assert_eq!(
        verify_signing(&cert("mobile", "auth.pem"), &hash, &finished, NOW),
        Err(Error::KeyUsage {
            required: "nonRepudiation"
        })
    );
    let challenge = AuthenticationChallenge::random(HashType::Sha256, &mut Counter(3)).unwrap();
    let with_sign_cert = session(
        SignatureAlgorithm::Sha256WithEc,
        vec![1; 64],
        Some(cert("mobile", "sign.pem")),
    );
    let person = Person::parse("+37491234567", "2810770123").unwrap();
    assert_eq!(
        verify_authentication(
            &challenge,
            &person,
            &with_sign_cert,
            &PolicyMap::default(),
            NOW
        ),
        Err(Error::KeyUsage {
            required: "digitalSignature"
        })
    );
}

#[test]
fn broken_random_sources_are_refused() {
    struct Zeros;
    impl RandomSource for Zeros {
        fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), String> {
            buf.fill(0);
            Ok(())
        }
    }
    struct Failing;
    impl RandomSource for Failing {
        fn fill_random(&mut self, _: &mut [u8]) -> Result<(), String> {
            Err("no entropy".into())
        }
    }
    assert!(matches!(
        AuthenticationChallenge::random(HashType::Sha512, &mut Zeros),
        Err(Error::RandomUnavailable { .. })
    ));
    assert_eq!(
        AuthenticationChallenge::random(HashType::Sha384, &mut Failing),
        Err(Error::RandomUnavailable {
            reason: "no entropy".into()
        })
    );
    let c = AuthenticationChallenge::random(HashType::Sha384, &mut Counter(9)).unwrap();
    assert_eq!(c.hash().digest().len(), 48);
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn the_signing_certificate_is_checked_against_the_person_before_any_session() {
    use knik_mobile_id::check::check_signing_certificate;
    let ani = Person::parse("+37400000001", "2810770123").unwrap();
    let other = Person::parse("+37400000001", "6011750987").unwrap();
    let sign = cert("mobile", "sign.pem");
    assert!(check_signing_certificate(&sign, &ani, NOW).is_ok());
    // A provider's mix-up: the certificate of someone else.
    assert_eq!(
        check_signing_certificate(&sign, &other, NOW)
            .unwrap_err()
            .code(),
        "MID_IDENTITY_MISMATCH"
    );
    // An authentication certificate makes no signature.
    assert_eq!(
        check_signing_certificate(&cert("mobile", "auth.pem"), &ani, NOW)
            .unwrap_err()
            .code(),
        "MID_KEY_USAGE"
    );
    // Expired (the test PKI's `expired` holder, valid 2020 only).
    let expired = cert("expired", "sign.pem");
    let owner = Person::parse("+37400000001", "1402600321").unwrap();
    assert_eq!(
        check_signing_certificate(&expired, &owner, NOW)
            .unwrap_err()
            .code(),
        "MID_CERTIFICATE_NOT_VALID"
    );
}
