//! The server-side token validator (reference/web-eid.md §2.5–§2.8) on real tokens, signed
//! with the test PKI holders' authentication keys, and the real OCSP responders on
//! 127.0.0.1:8881–8884 (`scripts/services.sh up`).
//!
//! What it proves: good citizen, resident, mobile-ID and RSA tokens (`web-eid:1.0` and `1.1`)
//! come out as their holders' identities; every check of the reference's procedure refuses
//! with its own stable code — nonce single use and expiry (memory and Redis stores), token
//! size and strict fields, purpose, disallowed policies, validity, trust, OCSP (revoked,
//! unknown, replayed, stale, forged, foreign responder, designated responder, transport
//! failures) and the signature over the configured origin and the server's nonce.
//!
//! Tests needing the responders print "SKIPPED" when their ports are not listening, unless
//! `KNIK_REQUIRE_SERVICES=1` (then they fail); `KNIK_SKIP_SERVICES=1` skips them.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use knik_pki::ocsp::{OcspRequest, OcspResponse, RevocationReason};
use knik_pki::{Certificate, DocumentKind, PolicyMap, TrustStore};
use knik_webeid::Error;
use knik_webeid::algorithm::{CryptoAlgorithm, HashFunction, PaddingScheme, SignatureAlgorithm};
use knik_webeid::challenge::{
    ChallengeNonce, DEFAULT_NONCE_TTL, MemoryNonceStore, NonceStore, OsNonceGenerator,
};
use knik_webeid::token::{
    AuthToken, MAX_TOKEN_LEN, SigningCertificate, TokenAlgorithm, TokenFormat, signed_value_digest,
};
use knik_webeid::validator::{
    AuthTokenValidator, AuthTokenValidatorBuilder, DEFAULT_DISALLOWED_POLICIES,
    DesignatedOcspService, OcspTransport, OcspTransportError, ValidatedUser,
};
use time::OffsetDateTime;

const ORIGIN: &str = "https://login.example.am";
const APP: &str = "https://knik.example/releases/0.1.0";
const CITIZEN_OCSP: &str = "http://127.0.0.1:8881/";
const RESIDENT_OCSP: &str = "http://127.0.0.1:8882/";
const MOBILE_OCSP: &str = "http://127.0.0.1:8883/";
const CITIZEN_RSA_OCSP: &str = "http://127.0.0.1:8884/";

// ----- the test PKI -----

fn pki(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/pki")
        .join(relative)
}

fn read(relative: &str) -> Vec<u8> {
    let path = pki(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cert(relative: &str) -> Certificate {
    Certificate::from_der(&read(relative)).expect("a test PKI certificate")
}

/// The root and the three issuing CAs.
fn trust() -> TrustStore {
    let mut store = TrustStore::new();
    for ca in ["root", "citizen-ca", "resident-ca", "mobile-id-ca"] {
        store.add_certificate(cert(&format!("{ca}.der")), ca);
    }
    store
}

// ----- tokens -----

/// Signs `digest` with the PKCS#8 key at `key` (relative to the PKI), as a card would.
fn sign_digest(key: &str, algorithm: TokenAlgorithm, digest: &[u8]) -> Vec<u8> {
    use p256::pkcs8::DecodePrivateKey;
    let pem = String::from_utf8(read(key)).expect("PEM key");
    match algorithm {
        TokenAlgorithm::Es384 => {
            use p384::ecdsa::signature::hazmat::PrehashSigner;
            let key = p384::ecdsa::SigningKey::from_pkcs8_pem(&pem).expect("P-384 key");
            let signature: p384::ecdsa::Signature = key.sign_prehash(digest).expect("sign");
            signature.to_bytes().to_vec()
        }
        TokenAlgorithm::Es256 => {
            use p256::ecdsa::signature::hazmat::PrehashSigner;
            let key = p256::ecdsa::SigningKey::from_pkcs8_pem(&pem).expect("P-256 key");
            let signature: p256::ecdsa::Signature = key.sign_prehash(digest).expect("sign");
            signature.to_bytes().to_vec()
        }
        TokenAlgorithm::Rs256 => {
            let key = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).expect("RSA key");
            key.sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest)
                .expect("sign")
        }
        other => panic!("no test signer for {other}"),
    }
}

/// A `web-eid:1.0` token by `holder`'s authentication key for `origin` and `nonce`.
fn token(holder: &str, algorithm: TokenAlgorithm, origin: &str, nonce: &str) -> AuthToken {
    token_with_key(holder, "auth", algorithm, origin, nonce)
}

/// A token with `holder`'s `<which>.der` certificate, signed by `<which>.key`.
fn token_with_key(
    holder: &str,
    which: &str,
    algorithm: TokenAlgorithm,
    origin: &str,
    nonce: &str,
) -> AuthToken {
    let digest = signed_value_digest(origin, nonce, algorithm);
    let signature = sign_digest(&format!("holders/{holder}/{which}.key"), algorithm, &digest);
    AuthToken::create(
        &read(&format!("holders/{holder}/{which}.der")),
        algorithm,
        &signature,
        APP,
    )
}

fn citizen_json(nonce: &str) -> String {
    token("citizen", TokenAlgorithm::Es384, ORIGIN, nonce).to_json()
}

/// A fresh 44-character challenge nonce.
fn fresh_nonce() -> String {
    ChallengeNonce::generate(
        &OsNonceGenerator,
        OffsetDateTime::now_utc(),
        DEFAULT_NONCE_TTL,
    )
    .expect("random nonce")
    .value
}

fn es384() -> Vec<SignatureAlgorithm> {
    vec![SignatureAlgorithm {
        crypto_algorithm: CryptoAlgorithm::Ecc,
        hash_function: HashFunction::Sha384,
        padding_scheme: PaddingScheme::None,
    }]
}

/// The token as `web-eid:1.1` with `holder`'s signing certificate.
fn with_signing_certificate(token: AuthToken, holder: &str, intermediates: &[&str]) -> AuthToken {
    token.with_signing_certificates(
        vec![SigningCertificate {
            certificate: read(&format!("holders/{holder}/sign.der")),
            intermediate_certificates: Vec::new(),
            supported_signature_algorithms: es384(),
        }],
        intermediates.iter().map(|c| read(c)).collect(),
    )
}

// ----- OCSP over loopback -----

/// HTTP/1.0 POST over a std `TcpStream`: the transport an e-service would write, minus TLS.
struct HttpTransport;

impl OcspTransport for HttpTransport {
    fn post(
        &self,
        url: &str,
        request_der: &[u8],
        timeout: Duration,
    ) -> Result<Vec<u8>, OcspTransportError> {
        let bad = |reason: String| OcspTransportError::BadAnswer { reason };
        let unreachable = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                OcspTransportError::Timeout
            }
            _ => OcspTransportError::Unreachable {
                reason: e.to_string(),
            },
        };
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| bad(format!("{url}: only http:// here")))?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let address = authority
            .to_socket_addrs()
            .map_err(unreachable)?
            .next()
            .ok_or_else(|| bad(format!("{authority}: no address")))?;
        let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(unreachable)?;
        stream
            .set_read_timeout(Some(timeout))
            .map_err(unreachable)?;
        stream
            .set_write_timeout(Some(timeout))
            .map_err(unreachable)?;
        let head = format!(
            "POST {} HTTP/1.0\r\nHost: {authority}\r\nContent-Type: {}\r\n\
             Content-Length: {}\r\n\r\n",
            if path.is_empty() { "/" } else { path },
            OcspRequest::CONTENT_TYPE,
            request_der.len()
        );
        stream.write_all(head.as_bytes()).map_err(unreachable)?;
        stream.write_all(request_der).map_err(unreachable)?;
        let mut answer = Vec::new();
        stream
            .take(1 << 20)
            .read_to_end(&mut answer)
            .map_err(unreachable)?;
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| bad("no end of HTTP headers".to_owned()))?;
        let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
        if !head.starts_with("http/1.0 200") && !head.starts_with("http/1.1 200") {
            return Err(bad(head.lines().next().unwrap_or("").to_owned()));
        }
        if !head.contains(&format!("content-type: {}", OcspResponse::CONTENT_TYPE)) {
            return Err(bad("not application/ocsp-response".to_owned()));
        }
        Ok(answer[split + 4..].to_vec())
    }
}

/// A transport made of a closure, for recording, replaying, redirecting and failing.
struct FnTransport<F>(F);

impl<F> OcspTransport for FnTransport<F>
where
    F: Fn(&str, &[u8], Duration) -> Result<Vec<u8>, OcspTransportError> + Send + Sync,
{
    fn post(
        &self,
        url: &str,
        request_der: &[u8],
        timeout: Duration,
    ) -> Result<Vec<u8>, OcspTransportError> {
        (self.0)(url, request_der, timeout)
    }
}

/// True when the responders listen (asked of `ss`, never by connecting: `openssl ocsp`
/// exits on anything but an OCSP request). See the file's doc for the skip rules.
fn services_up() -> bool {
    if std::env::var("KNIK_SKIP_SERVICES").as_deref() == Ok("1") {
        eprintln!("SKIPPED: KNIK_SKIP_SERVICES=1");
        return false;
    }
    let listening = Command::new("ss")
        .arg("-ltn")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let missing: Vec<u16> = [8881u16, 8882, 8883, 8884]
        .into_iter()
        .filter(|p| !listening.contains(&format!(":{p} ")))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("KNIK_REQUIRE_SERVICES").as_deref() != Ok("1"),
        "OCSP ports {missing:?} are not listening: start them with `scripts/services.sh up`"
    );
    eprintln!("SKIPPED: OCSP ports {missing:?} are not listening (scripts/services.sh up)");
    false
}

// ----- validators -----

/// Origin and trust set; OCSP over loopback with a generous timeout (shared responders).
fn builder() -> AuthTokenValidatorBuilder {
    AuthTokenValidator::builder()
        .site_origin(ORIGIN)
        .trusted_certificate_authorities(trust())
        .ocsp_transport(HttpTransport)
        .ocsp_request_timeout(Duration::from_secs(20))
}

/// The full validator, OCSP on.
fn online() -> AuthTokenValidator {
    builder().build().expect("validator")
}

/// The validator with OCSP off: for checks that come before or do not involve OCSP.
fn offline() -> AuthTokenValidator {
    builder().without_ocsp().build().expect("validator")
}

/// A validator on the system clock shifted by `offset`.
fn shifted(offset: time::Duration) -> AuthTokenValidator {
    builder()
        .clock(Arc::new(move || OffsetDateTime::now_utc() + offset))
        .build()
        .expect("validator")
}

/// Validates a citizen token through `transport`.
fn citizen_through(transport: impl OcspTransport + 'static) -> Result<ValidatedUser, Error> {
    let nonce = fresh_nonce();
    builder()
        .ocsp_transport(transport)
        .build()
        .expect("validator")
        .validate(&citizen_json(&nonce), &nonce)
}

fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> &'static str {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(e) => e.code(),
    }
}

// ----- good tokens -----

#[test]
fn citizen_token_validates_to_its_identity_with_ocsp() {
    if !services_up() {
        return;
    }
    let nonce = fresh_nonce();
    let user = online()
        .validate(&citizen_json(&nonce), &nonce)
        .expect("a good citizen token");
    assert_eq!(user.certificate, cert("holders/citizen/auth.der"));
    assert_eq!(user.identity.given_name.as_deref(), Some("ANI"));
    assert_eq!(user.identity.surname.as_deref(), Some("PETROSYAN"));
    assert_eq!(user.identity.personal_number, "2810770123");
    assert_eq!(user.identity.country.as_deref(), Some("AM"));
    assert_eq!(user.identity.document_kind, DocumentKind::CitizenIdCard);
    assert_eq!(user.format, TokenFormat::V1_0);
    assert!(user.signing_certificates.is_empty());
    assert_eq!(user.ocsp_responder.as_deref(), Some(CITIZEN_OCSP));
}

#[test]
fn resident_mobile_and_rsa_tokens_validate_to_their_identities() {
    if !services_up() {
        return;
    }
    let validator = online();
    let cases = [
        (
            "resident",
            TokenAlgorithm::Es384,
            "MÜLLER",
            "5210880456",
            DocumentKind::ResidenceCard,
            RESIDENT_OCSP,
        ),
        (
            "mobile",
            TokenAlgorithm::Es256,
            "PETROSYAN",
            "2810770123",
            DocumentKind::MobileId,
            MOBILE_OCSP,
        ),
        (
            "legacy",
            TokenAlgorithm::Rs256,
            "KARAPETYAN",
            "6011750987",
            DocumentKind::CitizenIdCard,
            CITIZEN_OCSP,
        ),
    ];
    for (holder, algorithm, surname, number, kind, responder) in cases {
        let nonce = fresh_nonce();
        let json = token(holder, algorithm, ORIGIN, &nonce).to_json();
        let user = validator
            .validate(&json, &nonce)
            .unwrap_or_else(|e| panic!("{holder}: {e}"));
        assert_eq!(user.identity.surname.as_deref(), Some(surname), "{holder}");
        assert_eq!(user.identity.personal_number, number, "{holder}");
        assert_eq!(user.identity.document_kind, kind, "{holder}");
        assert_eq!(user.ocsp_responder.as_deref(), Some(responder), "{holder}");
    }
}

#[test]
fn identity_document_kind_follows_the_configured_policy_map() {
    let nonce = fresh_nonce();
    let user = builder()
        .without_ocsp()
        .policy_map(PolicyMap::empty())
        .build()
        .expect("validator")
        .validate(&citizen_json(&nonce), &nonce)
        .expect("valid");
    assert_eq!(user.identity.document_kind, DocumentKind::Unknown);
    assert_eq!(user.ocsp_responder, None);
}

#[test]
fn web_eid_1_1_token_gives_the_checked_signing_certificate() {
    if !services_up() {
        return;
    }
    let nonce = fresh_nonce();
    let token = with_signing_certificate(
        token("citizen", TokenAlgorithm::Es384, ORIGIN, &nonce),
        "citizen",
        &[],
    );
    let user = online()
        .validate(&token.to_json(), &nonce)
        .expect("a good 1.1 token");
    assert_eq!(user.format, TokenFormat::V1_1);
    assert_eq!(
        user.signing_certificates,
        vec![cert("holders/citizen/sign.der")]
    );
}

#[test]
fn web_eid_1_1_signing_certificates_must_match_the_authentication_certificate() {
    let validator = offline();
    let nonce = fresh_nonce();
    let citizen = token("citizen", TokenAlgorithm::Es384, ORIGIN, &nonce);

    // Another person's signing certificate.
    let json = with_signing_certificate(citizen.clone(), "revoked", &[]).to_json();
    let error = validator
        .validate(&json, &nonce)
        .expect_err("another person");
    assert_eq!(error.code(), "WEBEID_SIGNING_CERT_SUBJECT");
    assert!(matches!(
        error,
        Error::SigningCertificateSubject { index: 0, .. }
    ));

    // The same person's certificate from another CA (mobile ID): same name, other issuer.
    let json = with_signing_certificate(citizen.clone(), "mobile", &[]).to_json();
    assert_eq!(
        code(validator.validate(&json, &nonce)),
        "WEBEID_SIGNING_CERT_ISSUER"
    );

    // An authentication certificate announced as the signing certificate.
    let mut wrong = with_signing_certificate(citizen.clone(), "citizen", &[]);
    wrong.unverified_signing_certificates[0].certificate = read("holders/citizen/auth.der");
    let error = validator
        .validate(&wrong.to_json(), &nonce)
        .expect_err("no nonRepudiation");
    assert_eq!(
        error,
        Error::SigningCertificatePurpose {
            index: 0,
            key_usage: vec!["digitalSignature"]
        }
    );
    assert_eq!(error.code(), "WEBEID_SIGNING_CERT_PURPOSE");

    // Garbage in place of the certificate.
    let mut garbage = with_signing_certificate(citizen, "citizen", &[]);
    garbage.unverified_signing_certificates[0].certificate = b"not a certificate".to_vec();
    assert_eq!(
        code(validator.validate(&garbage.to_json(), &nonce)),
        "WEBEID_SIGNING_CERT_PARSE"
    );
}

#[test]
fn web_eid_1_1_intermediates_complete_a_path_to_the_root_and_are_revocation_checked() {
    let root_only = || {
        let mut store = TrustStore::new();
        store.add_certificate(cert("root.der"), "root");
        AuthTokenValidator::builder()
            .site_origin(ORIGIN)
            .trusted_certificate_authorities(store)
            .ocsp_transport(HttpTransport)
            .ocsp_request_timeout(Duration::from_secs(20))
    };
    let nonce = fresh_nonce();
    let plain = citizen_json(&nonce);
    let with_ca = with_signing_certificate(
        token("citizen", TokenAlgorithm::Es384, ORIGIN, &nonce),
        "citizen",
        &["citizen-ca.der"],
    )
    .to_json();
    let offline = root_only().without_ocsp().build().expect("validator");

    // 1.0 carries no intermediates: the root alone does not reach the holder.
    let error = offline.validate(&plain, &nonce).expect_err("no path");
    assert_eq!(error.code(), "WEBEID_CERT_NOT_TRUSTED");
    assert!(matches!(
        error,
        Error::CertificateNotTrusted {
            cause: knik_pki::Error::ChainNoAnchor { .. },
            ..
        }
    ));
    // 1.1 brings the issuing CA; the signing certificate's own path (no intermediates of its
    // own) does not reach the root, so it is refused.
    assert_eq!(
        code(offline.validate(&with_ca, &nonce)),
        "WEBEID_SIGNING_CERT_NOT_TRUSTED"
    );
    let mut both = AuthToken::parse(&with_ca).expect("parses");
    both.unverified_signing_certificates[0].intermediate_certificates =
        vec![read("citizen-ca.der")];
    let user = offline
        .validate(&both.to_json(), &nonce)
        .expect("the token's CA completes both paths");
    assert_eq!(user.identity.personal_number, "2810770123");

    // With OCSP on, the intermediate taken from the token must be checked too, and the test
    // CA names no responder: no soft-fail.
    if !services_up() {
        return;
    }
    let error = root_only()
        .build()
        .expect("validator")
        .validate(&both.to_json(), &nonce)
        .expect_err("unchecked intermediate");
    assert_eq!(error.code(), "WEBEID_OCSP_NO_RESPONDER");
    assert!(
        matches!(&error, Error::OcspNoResponder { subject } if subject.contains("Test Citizen CA"))
    );
}

// ----- the nonce -----

#[test]
fn nonce_is_single_use_through_the_memory_store() {
    let validator = offline();
    let store = MemoryNonceStore::new();
    let issued = validator
        .issue_challenge(&store, "session-1")
        .expect("issued");
    assert_eq!(issued.value.len(), 44);
    let json = citizen_json(&issued.value);
    let user = validator
        .validate_with_store(&json, &store, "session-1")
        .expect("first use");
    assert_eq!(user.identity.personal_number, "2810770123");
    assert_eq!(
        validator.validate_with_store(&json, &store, "session-1"),
        Err(Error::NonceNotFound)
    );
    // Another session never had this nonce.
    let error = validator
        .validate_with_store(&json, &store, "session-2")
        .expect_err("other session");
    assert_eq!(error.code(), "WEBEID_NONCE_NOT_FOUND");
}

#[test]
fn a_failed_attempt_uses_up_the_nonce() {
    let validator = offline();
    let store = MemoryNonceStore::new();
    let nonce = validator
        .issue_challenge(&store, "s")
        .expect("issued")
        .value;
    let wrong_origin = token(
        "citizen",
        TokenAlgorithm::Es384,
        "https://evil.example.am",
        &nonce,
    );
    assert_eq!(
        code(validator.validate_with_store(&wrong_origin.to_json(), &store, "s")),
        "WEBEID_SIGNATURE_INVALID"
    );
    // The right token afterwards finds no nonce: no second guess with one challenge.
    assert_eq!(
        validator.validate_with_store(&citizen_json(&nonce), &store, "s"),
        Err(Error::NonceNotFound)
    );
}

#[test]
fn expired_nonce_is_refused() {
    // The store's clock: the nonce lives the validator's 5 minutes.
    let now = Arc::new(Mutex::new(OffsetDateTime::now_utc()));
    let reader = now.clone();
    let store = MemoryNonceStore::with_clock(Arc::new(move || *reader.lock().expect("clock")));
    let validator = offline();
    let issued = validator.issue_challenge(&store, "s").expect("issued");
    let start = *now.lock().expect("clock");
    assert_eq!(issued.expires_at, start + time::Duration::minutes(5));
    *now.lock().expect("clock") = start + time::Duration::minutes(5) + time::Duration::seconds(1);
    let error = validator
        .validate_with_store(&citizen_json(&issued.value), &store, "s")
        .expect_err("expired");
    assert_eq!(error.code(), "WEBEID_NONCE_EXPIRED");

    // A shorter configured lifetime.
    let short = builder()
        .without_ocsp()
        .nonce_ttl(Duration::from_secs(30))
        .build()
        .expect("validator");
    let issued = short.issue_challenge(&store, "t").expect("issued");
    assert_eq!(
        issued.expires_at,
        start + time::Duration::minutes(5) + time::Duration::seconds(31)
    );
}

/// A store that hands out whatever it holds, expired or not (a careless implementation).
struct CarelessStore(ChallengeNonce);

impl NonceStore for CarelessStore {
    fn put(&self, _: &str, _: &str, _: Duration) -> Result<ChallengeNonce, Error> {
        unreachable!("not used")
    }
    fn take(&self, _: &str) -> Result<ChallengeNonce, Error> {
        Ok(self.0.clone())
    }
}

#[test]
fn validator_refuses_an_expired_nonce_even_from_a_careless_store() {
    let nonce = fresh_nonce();
    let store = CarelessStore(ChallengeNonce {
        value: nonce.clone(),
        expires_at: OffsetDateTime::now_utc() - time::Duration::seconds(1),
    });
    let error = offline()
        .validate_with_store(&citizen_json(&nonce), &store, "s")
        .expect_err("expired");
    assert!(matches!(error, Error::NonceExpired { .. }));
}

#[test]
fn empty_or_malformed_nonce_is_refused_before_anything_else() {
    let validator = offline();
    let json = citizen_json(&fresh_nonce());
    assert_eq!(code(validator.validate(&json, "")), "WEBEID_NONCE_INVALID");
    assert_eq!(
        code(validator.validate(&json, "not base64 at all, and long enough for the check")),
        "WEBEID_NONCE_INVALID"
    );
}

// ----- the token text -----

#[test]
fn oversized_malformed_and_unknown_tokens_are_refused() {
    let validator = offline();
    let nonce = fresh_nonce();
    let good = citizen_json(&nonce);

    let padded = format!("{}{}", good, " ".repeat(MAX_TOKEN_LEN));
    assert!(matches!(
        validator.validate(&padded, &nonce),
        Err(Error::TokenSize { max: 65_536, .. })
    ));
    assert_eq!(code(validator.validate("{}", &nonce)), "WEBEID_TOKEN_SIZE");
    assert_eq!(
        code(validator.validate(&good[..good.len() - 1], &nonce)),
        "WEBEID_TOKEN_PARSE"
    );
    assert_eq!(
        code(validator.validate(&format!("[{good}]"), &nonce)),
        "WEBEID_TOKEN_PARSE"
    );

    let edit = |from: &str, to: &str| {
        assert!(good.contains(from), "{from}");
        good.replacen(from, to, 1)
    };
    assert_eq!(
        validator.validate(&edit("web-eid:1.0", "web-eid:2.0"), &nonce),
        Err(Error::UnsupportedTokenFormat {
            format: "web-eid:2.0".into()
        })
    );
    assert_eq!(
        code(validator.validate(&edit("\"ES384\"", "\"HS256\""), &nonce)),
        "WEBEID_TOKEN_ALGORITHM"
    );
    assert_eq!(
        code(validator.validate(
            &edit(
                "\"format\"",
                "\"unverifiedIntermediateCertificates\":[\"AA==\"],\"format\""
            ),
            &nonce
        )),
        "WEBEID_TOKEN_FIELD_NOT_ALLOWED"
    );

    // An unknown field: refused by default, ignored when the e-service allows it.
    let extra = edit("\"format\"", "\"nonce\":\"attacker's\",\"format\"");
    assert_eq!(
        validator.validate(&extra, &nonce),
        Err(Error::TokenFieldUnknown {
            field: "nonce".into()
        })
    );
    let lenient = builder()
        .without_ocsp()
        .allow_unknown_token_fields()
        .build()
        .expect("validator");
    assert!(lenient.validate(&extra, &nonce).is_ok());

    // Unknown fields inside a 1.1 signing-certificate entry too.
    let v11 = with_signing_certificate(
        token("citizen", TokenAlgorithm::Es384, ORIGIN, &nonce),
        "citizen",
        &[],
    )
    .to_json()
    .replacen("\"certificate\"", "\"trusted\":true,\"certificate\"", 1);
    assert_eq!(
        validator.validate(&v11, &nonce),
        Err(Error::TokenFieldUnknown {
            field: "unverifiedSigningCertificates[0].trusted".into()
        })
    );

    // A certificate field that is base64 but not a certificate.
    let mut broken = AuthToken::parse(&good).expect("parses");
    broken.unverified_certificate = vec![0x30, 0x03, 0x02, 0x01, 0x01];
    assert_eq!(
        code(validator.validate(&broken.to_json(), &nonce)),
        "WEBEID_CERT_PARSE"
    );
}

// ----- the certificate -----

#[test]
fn signing_certificate_instead_of_authentication_certificate_is_the_wrong_purpose() {
    let nonce = fresh_nonce();
    let json = token_with_key("citizen", "sign", TokenAlgorithm::Es384, ORIGIN, &nonce).to_json();
    let error = offline()
        .validate(&json, &nonce)
        .expect_err("signing certificate");
    assert_eq!(error.code(), "WEBEID_CERT_PURPOSE");
    assert!(
        error.to_string().contains("lacks digitalSignature"),
        "{error}"
    );
}

#[test]
fn certificate_without_client_auth_is_refused() {
    // The OCSP responder's certificate: digitalSignature, but EKU OCSPSigning only.
    let nonce = fresh_nonce();
    let digest = signed_value_digest(ORIGIN, &nonce, TokenAlgorithm::Es384);
    let signature = sign_digest("citizen-ca-ocsp.key", TokenAlgorithm::Es384, &digest);
    let json = AuthToken::create(
        &read("citizen-ca-ocsp.der"),
        TokenAlgorithm::Es384,
        &signature,
        APP,
    )
    .to_json();
    let error = offline()
        .validate(&json, &nonce)
        .expect_err("no clientAuth");
    assert_eq!(
        error,
        Error::CertificateNotClientAuth {
            subject: cert("citizen-ca-ocsp.der").subject().to_rfc4514(),
            found: vec!["1.3.6.1.5.5.7.3.9".into()]
        }
    );
    assert_eq!(error.code(), "WEBEID_CERT_NOT_CLIENT_AUTH");
}

#[test]
fn disallowed_policy_is_refused() {
    assert!(DEFAULT_DISALLOWED_POLICIES.contains(&"1.3.6.1.4.1.10015.1.3"));
    let validator = builder()
        .without_ocsp()
        .disallowed_certificate_policies(["2.999.1.3"])
        .build()
        .expect("validator");
    let nonce = fresh_nonce();
    let mobile = token("mobile", TokenAlgorithm::Es256, ORIGIN, &nonce).to_json();
    let error = validator.validate(&mobile, &nonce).expect_err("mobile ID");
    assert_eq!(error.code(), "WEBEID_CERT_DISALLOWED_POLICY");
    assert!(
        matches!(error, Error::CertificateDisallowedPolicy { ref policy, .. } if policy == "2.999.1.3")
    );
    // The citizen card's policy is still accepted by the same validator.
    assert!(validator.validate(&citizen_json(&nonce), &nonce).is_ok());
    // And the mobile token by a validator with the defaults.
    assert!(offline().validate(&mobile, &nonce).is_ok());
}

#[test]
fn expired_holder_is_refused_before_any_ocsp_traffic() {
    let nonce = fresh_nonce();
    let json = token("expired", TokenAlgorithm::Es384, ORIGIN, &nonce).to_json();
    // A transport that fails the test if asked: expiry is decided first.
    let validator = builder()
        .ocsp_transport(FnTransport(
            |url: &str, _: &[u8], _| -> Result<Vec<u8>, OcspTransportError> {
                panic!("OCSP asked ({url}) for an expired certificate")
            },
        ))
        .build()
        .expect("validator");
    let error = validator.validate(&json, &nonce).expect_err("expired");
    assert!(
        matches!(&error, Error::CertificateExpired { not_after, .. } if not_after == "2021-01-01T00:00:00Z"),
        "{error:?}"
    );
    assert_eq!(error.code(), "WEBEID_CERT_EXPIRED");

    // Seen from 2020-06 it is valid; from 2019 not yet.
    let at = |when: OffsetDateTime| {
        builder()
            .without_ocsp()
            .clock(Arc::new(move || when))
            .build()
            .expect("validator")
            .validate(&json, &nonce)
    };
    assert!(at(time::macros::datetime!(2020-06-01 00:00 UTC)).is_ok());
    assert_eq!(
        code(at(time::macros::datetime!(2019-12-01 00:00 UTC))),
        "WEBEID_CERT_NOT_YET_VALID"
    );
}

#[test]
fn certificate_from_an_untrusted_ca_is_refused() {
    let nonce = fresh_nonce();
    // Only the resident CA trusted: the citizen card is not.
    let mut store = TrustStore::new();
    store.add_certificate(cert("resident-ca.der"), "resident-ca");
    let validator = builder()
        .without_ocsp()
        .trusted_certificate_authorities(store)
        .build()
        .expect("validator");
    assert_eq!(
        code(validator.validate(&citizen_json(&nonce), &nonce)),
        "WEBEID_CERT_NOT_TRUSTED"
    );
    // The Estonian holder chains to a root that is not configured.
    let ee = token("ee", TokenAlgorithm::Es384, ORIGIN, &nonce).to_json();
    assert_eq!(
        code(offline().validate(&ee, &nonce)),
        "WEBEID_CERT_NOT_TRUSTED"
    );
}

// ----- OCSP -----

#[test]
fn revoked_holder_is_refused_by_the_real_responder() {
    if !services_up() {
        return;
    }
    let nonce = fresh_nonce();
    let json = token("revoked", TokenAlgorithm::Es384, ORIGIN, &nonce).to_json();
    let error = online().validate(&json, &nonce).expect_err("revoked");
    assert_eq!(
        error,
        Error::CertificateRevoked {
            subject: cert("holders/revoked/auth.der").subject().to_rfc4514(),
            revoked_at: "2026-01-01T00:00:00Z".into(),
            reason: Some(RevocationReason::KeyCompromise),
        }
    );
    assert_eq!(error.code(), "WEBEID_CERT_REVOKED");
}

#[test]
fn revoked_holder_passes_with_ocsp_off() {
    let nonce = fresh_nonce();
    let json = token("revoked", TokenAlgorithm::Es384, ORIGIN, &nonce).to_json();
    let user = offline().validate(&json, &nonce).expect("OCSP off");
    assert_eq!(user.identity.personal_number, "3105850789");
    assert_eq!(user.ocsp_responder, None);
}

#[test]
fn designated_responder_is_used_for_its_issuers_and_must_be_the_pinned_one() {
    if !services_up() {
        return;
    }
    let nonce = fresh_nonce();
    let citizen = citizen_json(&nonce);
    // :8884 answers for the citizen CA with an RSA responder certificate.
    let rsa_service = DesignatedOcspService::new(
        CITIZEN_RSA_OCSP,
        cert("citizen-ca-ocsp-rsa.der"),
        vec![cert("citizen-ca.der")],
    )
    .expect("designated service");
    let validator = builder()
        .designated_ocsp_service(rsa_service)
        .build()
        .expect("validator");
    let user = validator.validate(&citizen, &nonce).expect("designated");
    assert_eq!(user.ocsp_responder.as_deref(), Some(CITIZEN_RSA_OCSP));
    // Other CAs' certificates still go to their AIA responder.
    let resident = token("resident", TokenAlgorithm::Es384, ORIGIN, &nonce).to_json();
    let user = validator.validate(&resident, &nonce).expect("AIA");
    assert_eq!(user.ocsp_responder.as_deref(), Some(RESIDENT_OCSP));
    // The revoked holder is revoked there too.
    let revoked = token("revoked", TokenAlgorithm::Es384, ORIGIN, &nonce).to_json();
    assert_eq!(
        code(validator.validate(&revoked, &nonce)),
        "WEBEID_CERT_REVOKED"
    );

    // Pinned to another certificate (the CA's EC responder): the RSA-signed answer, though
    // from a responder the CA delegated, is refused.
    let wrong_pin = DesignatedOcspService::new(
        CITIZEN_RSA_OCSP,
        cert("citizen-ca-ocsp.der"),
        vec![cert("citizen-ca.der")],
    )
    .expect("designated service");
    let error = builder()
        .designated_ocsp_service(wrong_pin)
        .build()
        .expect("validator")
        .validate(&citizen, &nonce)
        .expect_err("not the pinned responder");
    assert_eq!(error.code(), "WEBEID_OCSP_RESPONDER_NOT_AUTHORISED");

    // A pinned responder need not be delegated by the CA: the resident CA's responder, pinned
    // for the citizen CA, is believed — and it does not know the citizen's certificate.
    let foreign = DesignatedOcspService::new(
        RESIDENT_OCSP,
        cert("resident-ca-ocsp.der"),
        vec![cert("citizen-ca.der")],
    )
    .expect("designated service");
    let error = builder()
        .designated_ocsp_service(foreign)
        .build()
        .expect("validator")
        .validate(&citizen, &nonce)
        .expect_err("unknown to that responder");
    assert_eq!(
        error,
        Error::CertificateStatusUnknown {
            subject: cert("holders/citizen/auth.der").subject().to_rfc4514(),
            url: RESIDENT_OCSP.into()
        }
    );
    assert_eq!(error.code(), "WEBEID_CERT_STATUS_UNKNOWN");
}

#[test]
fn designated_service_configuration_is_checked() {
    let error = DesignatedOcspService::new(
        CITIZEN_OCSP,
        cert("citizen-ca.der"),
        vec![cert("citizen-ca.der")],
    )
    .expect_err("a CA certificate is no OCSP responder");
    assert!(matches!(
        error,
        Error::ValidatorConfig {
            option: "designated_ocsp_service",
            ..
        }
    ));
    assert!(DesignatedOcspService::new(CITIZEN_OCSP, cert("citizen-ca-ocsp.der"), vec![]).is_err());
    assert!(
        DesignatedOcspService::new(
            "ldap://x",
            cert("citizen-ca-ocsp.der"),
            vec![cert("citizen-ca.der")]
        )
        .is_err()
    );
}

#[test]
fn aia_responder_of_another_ca_is_not_authorised() {
    if !services_up() {
        return;
    }
    // The citizen CA's AIA URL, answered by the resident CA's responder.
    let redirect = FnTransport(|url: &str, der: &[u8], timeout| {
        assert_eq!(url, CITIZEN_OCSP);
        HttpTransport.post(RESIDENT_OCSP, der, timeout)
    });
    assert_eq!(
        code(citizen_through(redirect)),
        "WEBEID_OCSP_RESPONDER_NOT_AUTHORISED"
    );
}

#[test]
fn replayed_stale_and_future_ocsp_responses_are_refused() {
    if !services_up() {
        return;
    }
    // Record a genuine response, then replay it to the next validation: its nonce is not the
    // new request's.
    let recorded: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
    let sink = recorded.clone();
    let recorder = FnTransport(move |url: &str, der: &[u8], timeout| {
        let body = HttpTransport.post(url, der, timeout)?;
        *sink.lock().expect("lock") = Some(body.clone());
        Ok(body)
    });
    citizen_through(recorder).expect("a genuine exchange");
    let body = recorded.lock().expect("lock").clone().expect("recorded");
    let replay = body.clone();
    let error = citizen_through(FnTransport(move |_: &str, _: &[u8], _| Ok(replay.clone())))
        .expect_err("replayed");
    assert_eq!(error.code(), "WEBEID_OCSP_NONCE_MISMATCH");

    // The same response about another certificate: the revoked holder's answer for the
    // citizen's request.
    let nonce = fresh_nonce();
    let revoked = token("revoked", TokenAlgorithm::Es384, ORIGIN, &nonce).to_json();
    let revoked_answer: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
    let sink = revoked_answer.clone();
    let _ = builder()
        .ocsp_transport(FnTransport(move |url: &str, der: &[u8], timeout| {
            let body = HttpTransport.post(url, der, timeout)?;
            *sink.lock().expect("lock") = Some(body.clone());
            Ok(body)
        }))
        .build()
        .expect("validator")
        .validate(&revoked, &nonce);
    let other = revoked_answer
        .lock()
        .expect("lock")
        .clone()
        .expect("recorded");
    // Without a nonce requirement (nonce-disabled URL) the CertID is what is left to differ.
    let error = builder()
        .nonce_disabled_ocsp_urls([CITIZEN_OCSP])
        .ocsp_transport(FnTransport(move |_: &str, _: &[u8], _| Ok(other.clone())))
        .build()
        .expect("validator")
        .validate(&citizen_json(&nonce), &nonce)
        .expect_err("another certificate's answer");
    assert_eq!(error.code(), "WEBEID_OCSP_CERT_MISMATCH");

    // Seen 5 minutes later, a fresh answer's thisUpdate is older than the 2-minute maximum;
    // seen 20 minutes earlier, it lies beyond the 15-minute skew.
    let nonce = fresh_nonce();
    let json = citizen_json(&nonce);
    let error = shifted(time::Duration::minutes(5))
        .validate(&json, &nonce)
        .expect_err("stale");
    assert_eq!(error.code(), "WEBEID_OCSP_NOT_FRESH");
    assert!(error.to_string().contains("more than 120 s"), "{error}");
    let error = shifted(-time::Duration::minutes(20))
        .validate(&json, &nonce)
        .expect_err("from the future");
    assert_eq!(error.code(), "WEBEID_OCSP_NOT_FRESH");
    assert!(error.to_string().contains("allowed skew 900 s"), "{error}");
    // A longer configured age accepts the late view.
    let patient = builder()
        .max_ocsp_response_this_update_age(Duration::from_secs(10 * 60))
        .clock(Arc::new(|| {
            OffsetDateTime::now_utc() + time::Duration::minutes(5)
        }))
        .build()
        .expect("validator");
    assert!(patient.validate(&json, &nonce).is_ok());
}

#[test]
fn forged_ocsp_signature_is_refused() {
    if !services_up() {
        return;
    }
    let tamper = FnTransport(|url: &str, der: &[u8], timeout| {
        let mut body = HttpTransport.post(url, der, timeout)?;
        let signature = OcspResponse::from_der(&body)
            .expect("a response")
            .signature()
            .to_vec();
        let at = body
            .windows(signature.len())
            .position(|w| w == signature.as_slice())
            .expect("signature bytes in the body");
        // Inside r of the DER ECDSA signature.
        body[at + signature.len() / 4] ^= 0x01;
        Ok(body)
    });
    assert_eq!(
        code(citizen_through(tamper)),
        "WEBEID_OCSP_SIGNATURE_INVALID"
    );
}

#[test]
fn ocsp_transport_failures_have_their_own_codes() {
    let fails = |error: OcspTransportError| {
        citizen_through(FnTransport(move |_: &str, _: &[u8], _| Err(error.clone())))
    };
    assert_eq!(
        fails(OcspTransportError::Timeout),
        Err(Error::OcspTimeout {
            url: CITIZEN_OCSP.into(),
            timeout_ms: 20_000
        })
    );
    assert_eq!(
        code(fails(OcspTransportError::Unreachable {
            reason: "connection refused".into()
        })),
        "WEBEID_OCSP_UNAVAILABLE"
    );
    // Junk, and a well-formed "tryLater" (OCSPResponse ::= SEQUENCE { ENUMERATED 3 }).
    assert_eq!(
        code(citizen_through(FnTransport(|_: &str, _: &[u8], _| Ok(
            b"<html>".to_vec()
        )))),
        "WEBEID_OCSP_RESPONSE_MALFORMED"
    );
    assert_eq!(
        code(citizen_through(FnTransport(|_: &str, _: &[u8], _| {
            Ok(vec![0x30, 0x03, 0x0A, 0x01, 0x03])
        }))),
        "WEBEID_OCSP_UNSUCCESSFUL"
    );
    // The request the transport is handed is a DER OCSPRequest for the citizen's certificate,
    // with a 32-byte nonce, and the configured timeout.
    let seen: Arc<Mutex<Vec<(String, usize, Duration)>>> = Arc::default();
    let sink = seen.clone();
    let _ = citizen_through(FnTransport(move |url: &str, der: &[u8], timeout| {
        sink.lock()
            .expect("lock")
            .push((url.to_owned(), der.len(), timeout));
        Err(OcspTransportError::Timeout)
    }));
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.len(), 1);
    let issuer = cert("citizen-ca.der");
    let holder = cert("holders/citizen/auth.der");
    let expected = OcspRequest::new(
        &holder,
        &issuer,
        knik_pki::HashAlgorithm::Sha1,
        Some([0; 32]),
    )
    .expect("request")
    .as_der()
    .len();
    assert_eq!(
        seen[0],
        (CITIZEN_OCSP.to_owned(), expected, Duration::from_secs(20))
    );
}

// ----- the signature -----

#[test]
fn token_for_another_origin_or_nonce_fails_the_signature_check() {
    let validator = offline();
    let nonce = fresh_nonce();
    // Made for another site (a relayed token): refused here.
    let relayed = token(
        "citizen",
        TokenAlgorithm::Es384,
        "https://evil.example.am",
        &nonce,
    );
    assert_eq!(
        validator.validate(&relayed.to_json(), &nonce),
        Err(Error::TokenSignatureInvalid {
            algorithm: "ES384",
            origin: ORIGIN.into()
        })
    );
    // A good token for this site, checked by a validator configured for another origin.
    let elsewhere = builder()
        .without_ocsp()
        .site_origin("https://other.example.am:8443")
        .build()
        .expect("validator");
    assert_eq!(
        code(elsewhere.validate(&citizen_json(&nonce), &nonce)),
        "WEBEID_SIGNATURE_INVALID"
    );
    // Signed over another nonce.
    let other_nonce = fresh_nonce();
    assert_eq!(
        code(validator.validate(&citizen_json(&other_nonce), &nonce)),
        "WEBEID_SIGNATURE_INVALID"
    );
}

#[test]
fn tampered_signature_is_refused() {
    let validator = offline();
    let nonce = fresh_nonce();
    let good = token("citizen", TokenAlgorithm::Es384, ORIGIN, &nonce);
    assert!(validator.validate(&good.to_json(), &nonce).is_ok());
    let mut flipped = good.clone();
    flipped.signature[20] ^= 0x80;
    assert_eq!(
        code(validator.validate(&flipped.to_json(), &nonce)),
        "WEBEID_SIGNATURE_INVALID"
    );
    let mut short = good.clone();
    short.signature.truncate(95);
    assert_eq!(
        code(validator.validate(&short.to_json(), &nonce)),
        "WEBEID_SIGNATURE_MALFORMED"
    );
    // The algorithm must fit the key: ES256 over a P-384 key.
    let mut mislabelled = good;
    mislabelled.algorithm = TokenAlgorithm::Es256;
    assert_eq!(
        code(validator.validate(&mislabelled.to_json(), &nonce)),
        "WEBEID_TOKEN_ALGORITHM_KEY_MISMATCH"
    );
}

// ----- configuration -----

#[test]
fn builder_refuses_incomplete_configurations() {
    let option_of = |result: Result<AuthTokenValidator, Error>| match result {
        Err(Error::ValidatorConfig { option, .. }) => option,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    assert_eq!(
        option_of(
            AuthTokenValidator::builder()
                .trusted_certificate_authorities(trust())
                .without_ocsp()
                .build()
        ),
        "site_origin"
    );
    for origin in [
        "http://login.example.am",
        "https://login.example.am/",
        "https://x.am/login",
    ] {
        assert_eq!(
            option_of(builder().site_origin(origin).build()),
            "site_origin",
            "{origin}"
        );
    }
    assert_eq!(
        option_of(
            builder()
                .trusted_certificate_authorities(TrustStore::new())
                .build()
        ),
        "trusted_certificate_authorities"
    );
    assert_eq!(
        option_of(
            AuthTokenValidator::builder()
                .site_origin(ORIGIN)
                .trusted_certificate_authority(cert("citizen-ca.der"))
                .build()
        ),
        "ocsp_transport"
    );
    assert_eq!(
        option_of(builder().ocsp_request_timeout(Duration::ZERO).build()),
        "ocsp_request_timeout"
    );
    let error = option_of(builder().nonce_ttl(Duration::ZERO).build());
    assert_eq!(error, "nonce_ttl");
    assert_eq!(
        online().site_origin(),
        ORIGIN,
        "the configured origin is kept as given"
    );
}

#[test]
fn http_localhost_site_origin_only_in_developer_mode() {
    const LOCAL: &str = "http://localhost:8080";
    let refused = builder().without_ocsp().site_origin(LOCAL).build();
    assert!(
        matches!(
            refused,
            Err(Error::ValidatorConfig {
                option: "site_origin",
                ..
            })
        ),
        "{refused:?}"
    );
    let developer = builder()
        .without_ocsp()
        .site_origin(LOCAL)
        .allow_http_localhost_origin()
        .build()
        .expect("developer mode accepts http://localhost");
    assert_eq!(developer.site_origin(), LOCAL);
    let nonce = fresh_nonce();
    let local_token = token("citizen", TokenAlgorithm::Es384, LOCAL, &nonce).to_json();
    let user = developer
        .validate(&local_token, &nonce)
        .expect("a token signed for http://localhost:8080");
    assert_eq!(user.identity.personal_number, "2810770123");
    assert_eq!(
        code(developer.validate(&citizen_json(&nonce), &nonce)),
        "WEBEID_SIGNATURE_INVALID",
        "a token for the https site is not one for the local one"
    );
    // Developer mode widens nothing else.
    assert!(
        builder()
            .without_ocsp()
            .site_origin("http://login.example.am")
            .allow_http_localhost_origin()
            .build()
            .is_err()
    );
}

#[test]
fn validator_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<AuthTokenValidator>();
    let validator = Arc::new(offline());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let validator = validator.clone();
            std::thread::spawn(move || {
                let nonce = fresh_nonce();
                validator.validate(&citizen_json(&nonce), &nonce).is_ok()
            })
        })
        .collect();
    for handle in handles {
        assert!(handle.join().expect("thread"));
    }
}

#[test]
fn every_validator_error_code_is_distinct_and_prefixed() {
    let pki_error = || knik_pki::Error::OcspNonceMissing;
    let s = String::new;
    let errors = [
        Error::ValidatorConfig {
            option: "x",
            reason: s(),
        },
        Error::TokenFieldUnknown { field: s() },
        Error::CertificatePurpose {
            subject: s(),
            reason: s(),
        },
        Error::CertificateNotClientAuth {
            subject: s(),
            found: vec![],
        },
        Error::CertificateDisallowedPolicy {
            subject: s(),
            policy: s(),
        },
        Error::CertificateExpired {
            subject: s(),
            not_after: s(),
            at: s(),
        },
        Error::CertificateNotYetValid {
            subject: s(),
            not_before: s(),
            at: s(),
        },
        Error::CertificateNotTrusted {
            subject: s(),
            cause: pki_error(),
        },
        Error::CertificateRevoked {
            subject: s(),
            revoked_at: s(),
            reason: None,
        },
        Error::CertificateStatusUnknown {
            subject: s(),
            url: s(),
        },
        Error::CertificateIdentity(pki_error()),
        Error::OcspNoResponder { subject: s() },
        Error::OcspUnavailable {
            url: s(),
            reason: s(),
        },
        Error::OcspTimeout {
            url: s(),
            timeout_ms: 1,
        },
        Error::OcspUnsuccessful {
            url: s(),
            status: knik_pki::ocsp::OcspResponseStatus::TryLater,
        },
        Error::OcspResponseMalformed {
            url: s(),
            reason: s(),
        },
        Error::OcspSignatureInvalid {
            url: s(),
            reason: s(),
        },
        Error::OcspResponderNotAuthorised {
            url: s(),
            reason: s(),
        },
        Error::OcspCertificateMismatch {
            url: s(),
            reason: s(),
        },
        Error::OcspNonceMismatch {
            url: s(),
            reason: s(),
        },
        Error::OcspNotFresh {
            url: s(),
            reason: s(),
        },
        Error::SigningCertificateParse {
            index: 0,
            cause: pki_error(),
        },
        Error::SigningCertificateSubject {
            index: 0,
            expected: s(),
            found: s(),
        },
        Error::SigningCertificateIssuer {
            index: 0,
            reason: s(),
        },
        Error::SigningCertificatePurpose {
            index: 0,
            key_usage: vec![],
        },
        Error::SigningCertificateNotTrusted {
            index: 0,
            cause: pki_error(),
        },
        Error::NonceNotFound,
        Error::NonceExpired { expired_at: s() },
        Error::TokenSignatureInvalid {
            algorithm: "ES384",
            origin: s(),
        },
        Error::MalformedToken { reason: s() },
    ];
    let mut codes: Vec<&str> = errors.iter().map(Error::code).collect();
    assert!(codes.iter().all(|c| c.starts_with("WEBEID_")));
    codes.sort_unstable();
    let before = codes.len();
    codes.dedup();
    assert_eq!(codes.len(), before, "a code is shared");
}

// ----- the fuzz corpus -----

/// Replays `fuzz/corpus/webeid_token/` through the fuzz target's own body (whose invariants
/// are asserted inside) and checks every seed still ends as it was written to: good tokens
/// as their holders, hostile ones with their own code. Regenerate the corpus with
/// `tests/data/make_webeid_token_corpus.py` after regenerating the test PKI.
#[test]
fn fuzz_corpus_replays_and_every_seed_keeps_its_outcome() {
    let trusted: Vec<u8> = [
        "chain-citizen-ca.pem",
        "chain-resident-ca.pem",
        "chain-mobile-id-ca.pem",
    ]
    .iter()
    .flat_map(|file| read(file))
    .collect();
    let validators =
        knik_webeid::fuzzing::token_validators(&trusted).expect("the test PKI validators");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/webeid_token");
    let mut outcomes = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("the corpus directory") {
        let path = entry.expect("entry").path();
        let data = std::fs::read(&path).expect("seed");
        let outcome = knik_webeid::fuzzing::webeid_token(&validators, &data)
            .map(|user| user.identity.personal_number)
            .map_err(|e| e.code());
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        outcomes.insert(name, outcome);
    }
    let ok = |number: &str| Ok(number.to_owned());
    let expected: &[(&str, Result<String, &str>)] = &[
        ("ok-citizen-es384", ok("2810770123")),
        ("ok-resident-es384", ok("5210880456")),
        ("ok-mobile-es256", ok("2810770123")),
        ("ok-legacy-rs256", ok("6011750987")),
        ("ok-revoked-holder-ocsp-off", ok("3105850789")),
        ("ok-1.1", ok("2810770123")),
        ("ok-1.1-intermediates", ok("2810770123")),
        ("ok-pretty-printed", ok("2810770123")),
        ("long-app-version", ok("2810770123")),
        ("size-65536", ok("2810770123")),
        ("expired-holder", Err("WEBEID_CERT_EXPIRED")),
        ("signing-cert-as-auth", Err("WEBEID_CERT_PURPOSE")),
        ("untrusted-ee-holder", Err("WEBEID_CERT_NOT_TRUSTED")),
        ("ocsp-cert-as-auth", Err("WEBEID_CERT_NOT_CLIENT_AUTH")),
        ("cert-indefinite-length", Err("WEBEID_CERT_PARSE")),
        ("cert-trailing-byte", Err("WEBEID_CERT_PARSE")),
        ("signature-other-origin", Err("WEBEID_SIGNATURE_INVALID")),
        ("signature-other-nonce", Err("WEBEID_SIGNATURE_INVALID")),
        ("signature-flipped", Err("WEBEID_SIGNATURE_INVALID")),
        ("signature-truncated", Err("WEBEID_SIGNATURE_MALFORMED")),
        ("signature-zero", Err("WEBEID_SIGNATURE_MALFORMED")),
        ("signature-ff", Err("WEBEID_SIGNATURE_MALFORMED")),
        (
            "alg-key-mismatch",
            Err("WEBEID_TOKEN_ALGORITHM_KEY_MISMATCH"),
        ),
        ("alg-rsa-on-ec", Err("WEBEID_TOKEN_ALGORITHM_KEY_MISMATCH")),
        ("alg-none", Err("WEBEID_TOKEN_ALGORITHM")),
        ("alg-lowercase", Err("WEBEID_TOKEN_ALGORITHM")),
        ("format-1", Err("WEBEID_TOKEN_FORMAT")),
        ("format-1.2", Err("WEBEID_TOKEN_FORMAT")),
        ("format-2.0", Err("WEBEID_TOKEN_FORMAT")),
        ("format-upper", Err("WEBEID_TOKEN_FORMAT")),
        ("format-space", Err("WEBEID_TOKEN_FORMAT")),
        ("format-number", Err("WEBEID_TOKEN_PARSE")),
        ("format-missing", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("unknown-field-nonce", Err("WEBEID_TOKEN_UNKNOWN_FIELD")),
        ("unknown-field-origin", Err("WEBEID_TOKEN_UNKNOWN_FIELD")),
        ("unknown-nested-field", Err("WEBEID_TOKEN_UNKNOWN_FIELD")),
        ("1.0-with-1.1-field", Err("WEBEID_TOKEN_FIELD_NOT_ALLOWED")),
        ("1.1-without-signing", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("1.1-empty-signing", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("1.1-no-algorithms", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("1.1-empty-intermediate", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("1.1-md5", Err("WEBEID_TOKEN_PARSE")),
        ("1.1-other-person", Err("WEBEID_SIGNING_CERT_SUBJECT")),
        ("1.1-other-ca", Err("WEBEID_SIGNING_CERT_ISSUER")),
        ("1.1-signing-junk", Err("WEBEID_SIGNING_CERT_PARSE")),
        ("duplicate-format", Err("WEBEID_TOKEN_PARSE")),
        ("duplicate-signature", Err("WEBEID_TOKEN_PARSE")),
        ("null-signature", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("empty-signature", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("number-signature", Err("WEBEID_TOKEN_PARSE")),
        ("array-certificate", Err("WEBEID_TOKEN_PARSE")),
        ("base64-url-unpadded", Err("WEBEID_TOKEN_BASE64")),
        ("base64-newline", Err("WEBEID_TOKEN_BASE64")),
        ("lone-surrogate", Err("WEBEID_TOKEN_PARSE")),
        ("unknown-field-lone-surrogate", Err("WEBEID_TOKEN_PARSE")),
        ("app-version-number", Err("WEBEID_TOKEN_PARSE")),
        ("bom", Err("WEBEID_TOKEN_PARSE")),
        ("trailing-garbage", Err("WEBEID_TOKEN_PARSE")),
        ("trailing-object", Err("WEBEID_TOKEN_PARSE")),
        ("not-utf8", Err("WEBEID_TOKEN_PARSE")),
        ("nul-byte", Err("WEBEID_TOKEN_PARSE")),
        ("array", Err("WEBEID_TOKEN_PARSE")),
        ("string", Err("WEBEID_TOKEN_PARSE")),
        ("deep-nesting", Err("WEBEID_TOKEN_PARSE")),
        ("deep-nesting-field", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("size-99", Err("WEBEID_TOKEN_SIZE")),
        ("size-100", Err("WEBEID_TOKEN_FIELD_MISSING")),
        ("size-65537", Err("WEBEID_TOKEN_SIZE")),
        ("huge", Err("WEBEID_TOKEN_SIZE")),
    ];
    let mismatches: Vec<String> = expected
        .iter()
        .filter(|(name, outcome)| outcomes.get(*name) != Some(outcome))
        .map(|(name, outcome)| {
            format!(
                "{name}: expected {outcome:?}, got {:?}",
                outcomes.get(*name)
            )
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert_eq!(
        outcomes.len(),
        expected.len(),
        "seeds without an expected outcome: add them to the table"
    );
}

// ----- Redis: one nonce, two e-service instances -----

#[cfg(feature = "redis")]
#[path = "common/redis_server.rs"]
mod redis_server;

#[cfg(feature = "redis")]
mod redis {
    use super::redis_server::{self, RedisServer};

    use knik_webeid::Error;
    use knik_webeid::challenge::RedisNonceStore;

    use super::{citizen_json, offline};

    /// Not nonce_store.rs's 6390: both test binaries may run at once.
    const PORT: u16 = 6391;

    fn start() -> Option<RedisServer> {
        redis_server::start(PORT)
    }

    #[test]
    fn nonce_is_single_use_across_two_validator_instances_sharing_redis() {
        let Some(_server) = start() else { return };
        let url = format!("redis://127.0.0.1:{PORT}/0");
        // Two e-service instances: each its own validator and its own store client.
        let (first, first_store) = (offline(), RedisNonceStore::open(&url).expect("store"));
        let (second, second_store) = (offline(), RedisNonceStore::open(&url).expect("store"));

        let nonce = first
            .issue_challenge(&first_store, "session-r")
            .expect("issued")
            .value;
        let json = citizen_json(&nonce);
        // The login lands on the other instance: it finds the nonce and uses it up.
        let user = second
            .validate_with_store(&json, &second_store, "session-r")
            .expect("validated on the second instance");
        assert_eq!(user.identity.personal_number, "2810770123");
        // Replayed to the first instance: gone.
        assert_eq!(
            first.validate_with_store(&json, &first_store, "session-r"),
            Err(Error::NonceNotFound)
        );
    }
}
