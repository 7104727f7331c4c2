//! Authentication tokens: made with the test PKI's keys (the `p384` crate and `openssl pkeyutl`
//! as independent signers), checked with `verify_token_signature`, and the signed value checked
//! against `openssl dgst` (reference/web-eid.md §2.2–§2.4).

use std::path::{Path, PathBuf};
use std::process::Command;

use knik_webeid::Error;
use knik_webeid::algorithm::{CryptoAlgorithm, HashFunction, PaddingScheme, SignatureAlgorithm};
use knik_webeid::token::{
    AuthToken, MAX_TOKEN_LEN, SigningCertificate, TokenAlgorithm, TokenFormat, signed_value,
    signed_value_digest, verify_token_signature,
};
use p384::ecdsa::signature::hazmat::PrehashSigner;
use p384::pkcs8::DecodePrivateKey;

const ORIGIN: &str = "https://login.example.am";
const NONCE: &str = "qQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y=";
const APP: &str = "https://knik.example/releases/0.1.0";

fn holder(name: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/pki/holders")
        .join(name)
        .join(file)
}

fn read(name: &str, file: &str) -> Vec<u8> {
    std::fs::read(holder(name, file)).unwrap()
}

/// Signs the digest with the citizen's P-384 authentication key through the `p384` crate.
fn citizen_token(origin: &str, nonce: &str) -> AuthToken {
    let pem = String::from_utf8(read("citizen", "auth.key")).unwrap();
    let key = p384::ecdsa::SigningKey::from_pkcs8_pem(&pem).unwrap();
    let digest = signed_value_digest(origin, nonce, TokenAlgorithm::Es384);
    let signature: p384::ecdsa::Signature = key.sign_prehash(&digest).unwrap();
    AuthToken::create(
        &read("citizen", "auth.der"),
        TokenAlgorithm::Es384,
        &signature.to_bytes(),
        APP,
    )
}

/// `openssl pkeyutl -sign` over a digest, with extra `-pkeyopt`s.
fn openssl_sign(key: &Path, digest: &[u8], options: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("digest.bin");
    let output = dir.path().join("sig.bin");
    std::fs::write(&input, digest).unwrap();
    let mut cmd = Command::new("openssl");
    cmd.args(["pkeyutl", "-sign", "-inkey"])
        .arg(key)
        .arg("-in")
        .arg(&input)
        .arg("-out")
        .arg(&output);
    for option in options {
        cmd.args(["-pkeyopt", option]);
    }
    let status = cmd.status().expect("openssl is installed");
    assert!(status.success(), "openssl pkeyutl failed");
    std::fs::read(output).unwrap()
}

#[test]
fn p384_token_verifies_for_its_origin_and_nonce_only() {
    let token = citizen_token(ORIGIN, NONCE);
    assert_eq!(token.signature.len(), 96, "raw r||s");
    assert_eq!(verify_token_signature(&token, ORIGIN, NONCE), Ok(()));

    let invalid = Err(Error::TokenSignatureInvalid {
        algorithm: "ES384",
        origin: "https://evil.example.am".into(),
    });
    assert_eq!(
        verify_token_signature(&token, "https://evil.example.am", NONCE),
        invalid
    );
    let other_nonce = "rQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y=";
    assert!(matches!(
        verify_token_signature(&token, ORIGIN, other_nonce),
        Err(Error::TokenSignatureInvalid { .. })
    ));
    for bit in [0usize, 8 * 47 + 3, 8 * 95 + 7] {
        let mut flipped = token.clone();
        flipped.signature[bit / 8] ^= 1 << (bit % 8);
        assert!(
            matches!(
                verify_token_signature(&flipped, ORIGIN, NONCE),
                Err(Error::TokenSignatureInvalid { .. })
            ),
            "bit {bit}"
        );
    }
}

#[test]
fn token_survives_json_and_still_verifies() {
    let token = citizen_token(ORIGIN, NONCE);
    let json = token.to_json();
    assert!(json.contains(r#""format":"web-eid:1.0""#));
    assert!(json.contains(r#""algorithm":"ES384""#));
    assert!(json.contains(r#""appVersion":"https://knik.example/releases/0.1.0""#));
    let parsed = AuthToken::parse(&json).unwrap();
    assert_eq!(parsed, token);
    assert_eq!(verify_token_signature(&parsed, ORIGIN, NONCE), Ok(()));
}

#[test]
fn openssl_made_ecdsa_and_rsa_tokens_verify() {
    // ECDSA by openssl (DER) converted to the raw r||s a card returns.
    let digest = signed_value_digest(ORIGIN, NONCE, TokenAlgorithm::Es384);
    let der = openssl_sign(&holder("citizen", "auth.key"), &digest, &[]);
    let raw = p384::ecdsa::Signature::from_der(&der).unwrap().to_bytes();
    let token = AuthToken::create(
        &read("citizen", "auth.der"),
        TokenAlgorithm::Es384,
        &raw,
        APP,
    );
    assert_eq!(verify_token_signature(&token, ORIGIN, NONCE), Ok(()));
    // The same signature left in DER is refused: Web eID sends raw r||s.
    let der_token = AuthToken::create(
        &read("citizen", "auth.der"),
        TokenAlgorithm::Es384,
        &der,
        APP,
    );
    assert!(matches!(
        verify_token_signature(&der_token, ORIGIN, NONCE),
        Err(Error::TokenSignatureMalformed { .. })
    ));

    // RS256 and PS256 with the legacy holder's RSA-2048 key.
    let rsa_key = holder("legacy", "auth.key");
    let rsa_cert = read("legacy", "auth.der");
    let digest = signed_value_digest(ORIGIN, NONCE, TokenAlgorithm::Rs256);
    let rs = openssl_sign(&rsa_key, &digest, &["digest:sha256"]);
    let token = AuthToken::create(&rsa_cert, TokenAlgorithm::Rs256, &rs, APP);
    assert_eq!(verify_token_signature(&token, ORIGIN, NONCE), Ok(()));
    assert!(matches!(
        verify_token_signature(&token, "https://other.am", NONCE),
        Err(Error::TokenSignatureInvalid { .. })
    ));
    let ps = openssl_sign(
        &rsa_key,
        &digest,
        &[
            "digest:sha256",
            "rsa_padding_mode:pss",
            "rsa_pss_saltlen:digest",
        ],
    );
    let token = AuthToken::create(&rsa_cert, TokenAlgorithm::Ps256, &ps, APP);
    assert_eq!(verify_token_signature(&token, ORIGIN, NONCE), Ok(()));
    // A PKCS#1 signature presented as PSS does not verify.
    let wrong = AuthToken::create(&rsa_cert, TokenAlgorithm::Ps256, &rs, APP);
    assert!(matches!(
        verify_token_signature(&wrong, ORIGIN, NONCE),
        Err(Error::TokenSignatureInvalid { .. })
    ));
}

#[test]
fn algorithm_must_fit_the_key() {
    let mut token = citizen_token(ORIGIN, NONCE);
    token.algorithm = TokenAlgorithm::Es256;
    assert_eq!(
        verify_token_signature(&token, ORIGIN, NONCE),
        Err(Error::TokenAlgorithmKeyMismatch {
            algorithm: "ES256",
            key: "EC P-384".into()
        })
    );
    token.algorithm = TokenAlgorithm::Rs384;
    assert!(matches!(
        verify_token_signature(&token, ORIGIN, NONCE),
        Err(Error::TokenAlgorithmKeyMismatch { .. })
    ));
    let mut garbage = citizen_token(ORIGIN, NONCE);
    garbage.unverified_certificate = vec![0x30, 0x03, 0x02, 0x01, 0x00];
    assert!(matches!(
        verify_token_signature(&garbage, ORIGIN, NONCE),
        Err(Error::TokenCertificate(_))
    ));
}

fn openssl_dgst(algorithm: &str, data: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.bin");
    std::fs::write(&input, data).unwrap();
    let out = Command::new("openssl")
        .args(["dgst", &format!("-{algorithm}"), "-binary"])
        .arg(&input)
        .output()
        .expect("openssl is installed");
    assert!(out.status.success());
    out.stdout
}

#[test]
fn signed_value_matches_openssl_dgst() {
    // IDN origin in punycode, signed exactly as received (web-eid-app#408).
    let origin = "https://xn--pike-loa.ee:8443";
    for (algorithm, name) in [
        (TokenAlgorithm::Es384, "sha384"),
        (TokenAlgorithm::Es256, "sha256"),
        (TokenAlgorithm::Rs512, "sha512"),
    ] {
        let mut concatenation = openssl_dgst(name, origin.as_bytes());
        concatenation.extend(openssl_dgst(name, NONCE.as_bytes()));
        assert_eq!(signed_value(origin, NONCE, algorithm), concatenation);
        assert_eq!(
            signed_value_digest(origin, NONCE, algorithm),
            openssl_dgst(name, &concatenation),
            "{algorithm}"
        );
    }
}

fn es384_algorithms() -> Vec<SignatureAlgorithm> {
    vec![SignatureAlgorithm {
        crypto_algorithm: CryptoAlgorithm::Ecc,
        hash_function: HashFunction::Sha384,
        padding_scheme: PaddingScheme::None,
    }]
}

#[test]
fn web_eid_1_1_token_with_signing_certificate() {
    let token = citizen_token(ORIGIN, NONCE).with_signing_certificates(
        vec![SigningCertificate {
            certificate: read("citizen", "sign.der"),
            intermediate_certificates: Vec::new(),
            supported_signature_algorithms: es384_algorithms(),
        }],
        Vec::new(),
    );
    let json = token.to_json();
    assert!(json.contains(r#""format":"web-eid:1.1""#));
    assert!(json.contains(r#""unverifiedSigningCertificates":[{"certificate":"#));
    assert!(!json.contains("unverifiedIntermediateCertificates"));
    let parsed = AuthToken::parse(&json).unwrap();
    assert_eq!(parsed.format, TokenFormat::V1_1);
    assert_eq!(parsed, token);
    // The signature part is the same as for 1.0.
    assert_eq!(verify_token_signature(&parsed, ORIGIN, NONCE), Ok(()));
}

/// Edits the JSON of a valid 1.0 token.
fn edited(edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
    let mut value: serde_json::Value =
        serde_json::from_str(&citizen_token(ORIGIN, NONCE).to_json()).unwrap();
    edit(value.as_object_mut().unwrap());
    value.to_string()
}

#[test]
fn malformed_tokens_get_their_specific_error() {
    use serde_json::json;
    assert!(matches!(
        AuthToken::parse("{}"),
        Err(Error::TokenSize { length: 2, .. })
    ));
    let huge = format!(r#"{{"x":"{}"}}"#, "a".repeat(MAX_TOKEN_LEN));
    assert!(matches!(
        AuthToken::parse(&huge),
        Err(Error::TokenSize { .. })
    ));
    assert!(matches!(
        AuthToken::parse(&format!("[{}]", "1,".repeat(60) + "1")),
        Err(Error::MalformedToken { .. })
    ));
    let json = edited(|m| {
        m.insert("format".into(), json!("web-eid:2.0"));
    });
    assert_eq!(
        AuthToken::parse(&json),
        Err(Error::UnsupportedTokenFormat {
            format: "web-eid:2.0".into()
        })
    );
    let json = edited(|m| {
        m.insert("algorithm".into(), json!("HS256"));
    });
    assert_eq!(
        AuthToken::parse(&json),
        Err(Error::UnsupportedTokenAlgorithm {
            algorithm: "HS256".into()
        })
    );
    let json = edited(|m| {
        m.remove("signature");
    });
    assert_eq!(
        AuthToken::parse(&json),
        Err(Error::TokenFieldMissing { field: "signature" })
    );
    let json = edited(|m| {
        m.insert("unverifiedCertificate".into(), json!("MIIB-_"));
    });
    assert!(matches!(
        AuthToken::parse(&json),
        Err(Error::InvalidBase64 { .. })
    ));
    // 1.1 fields in a 1.0 token are refused.
    let json = edited(|m| {
        m.insert("unverifiedIntermediateCertificates".into(), json!(["MIIB"]));
    });
    assert_eq!(
        AuthToken::parse(&json),
        Err(Error::TokenFieldNotAllowed {
            field: "unverifiedIntermediateCertificates",
            format: "web-eid:1.0".into()
        })
    );
    // A 1.1 token needs its signing certificates, each with algorithms.
    let json = edited(|m| {
        m.insert("format".into(), json!("web-eid:1.1"));
    });
    assert_eq!(
        AuthToken::parse(&json),
        Err(Error::TokenFieldMissing {
            field: "unverifiedSigningCertificates"
        })
    );
    let json = edited(|m| {
        m.insert("format".into(), json!("web-eid:1.1"));
        m.insert(
            "unverifiedSigningCertificates".into(),
            json!([{"certificate": "MIIB", "supportedSignatureAlgorithms": []}]),
        );
    });
    assert_eq!(
        AuthToken::parse(&json),
        Err(Error::TokenFieldMissing {
            field: "unverifiedSigningCertificates.supportedSignatureAlgorithms"
        })
    );
    // Unknown fields are ignored, as the reference validators do.
    let json = edited(|m| {
        m.insert("futureField".into(), json!(1));
    });
    assert!(AuthToken::parse(&json).is_ok());
}

#[test]
fn authenticate_over_native_messaging_frames_end_to_end() {
    use knik_webeid::native_messaging::{
        Command as NativeCommand, FrameReader, FrameWriter, Handshake, Response,
    };
    use knik_webeid::origin::OriginPolicy;
    use std::io::Cursor;

    // Extension → host: the command frame.
    let mut to_host = FrameWriter::for_host_input(Vec::new());
    to_host
        .write_frame(&format!(
            r#"{{"command":"authenticate","arguments":{{"challengeNonce":"{NONCE}","origin":"{ORIGIN}"}}}}"#
        ))
        .unwrap();
    // Host: handshake, read the command, sign with the card (here: the p384 crate), answer.
    let mut host_in = FrameReader::new(Cursor::new(to_host.into_inner()));
    let mut host_out = FrameWriter::new(Vec::new());
    host_out.write_message(&Handshake::new("0.1.0")).unwrap();
    let NativeCommand::Authenticate(args) =
        NativeCommand::from_json(&host_in.read_frame().unwrap(), OriginPolicy::STRICT).unwrap()
    else {
        panic!("not authenticate")
    };
    let token = citizen_token(args.origin.as_str(), &args.challenge_nonce);
    host_out
        .write_frame(&Response::Authenticate(token).to_json())
        .unwrap();
    // Extension side: handshake, then the token; the server verifies it.
    let mut ext_in = FrameReader::for_host_output(Cursor::new(host_out.into_inner()));
    assert_eq!(
        Handshake::from_json(&ext_in.read_frame().unwrap()).unwrap(),
        Handshake::new("0.1.0")
    );
    let token = AuthToken::parse(&ext_in.read_frame().unwrap()).unwrap();
    assert_eq!(verify_token_signature(&token, ORIGIN, NONCE), Ok(()));
}
