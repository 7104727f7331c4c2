//! How many authentication tokens one core validates per second, OCSP off (the OCSP round
//! trip is the responder's time, not knik's).
//!
//! `cargo bench -p knik-webeid --bench token_validation` (release build). Each row runs the
//! complete `AuthTokenValidator::validate` — size and strict fields, certificate, purpose,
//! policies, path to the test CAs, signature, identity — on a real token signed with a test
//! PKI holder's key; the `with store` row adds taking the nonce from a `MemoryNonceStore`
//! after issuing it. Environment: `KNIK_BENCH_ITERATIONS` (default 2000).

use std::path::Path;
use std::time::{Duration, Instant};

use knik_pki::{Certificate, TrustStore};
use knik_webeid::challenge::MemoryNonceStore;
use knik_webeid::token::{AuthToken, TokenAlgorithm, signed_value_digest};
use knik_webeid::validator::AuthTokenValidator;

const ORIGIN: &str = "https://login.example.am";
const NONCE: &str = "qQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y=";

fn read(relative: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/pki")
        .join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn token(holder: &str, algorithm: TokenAlgorithm, nonce: &str) -> String {
    use p256::pkcs8::DecodePrivateKey;
    let pem = String::from_utf8(read(&format!("holders/{holder}/auth.key"))).expect("PEM");
    let digest = signed_value_digest(ORIGIN, nonce, algorithm);
    let signature = match algorithm {
        TokenAlgorithm::Es384 => {
            use p384::ecdsa::signature::hazmat::PrehashSigner;
            let key = p384::ecdsa::SigningKey::from_pkcs8_pem(&pem).expect("P-384 key");
            let s: p384::ecdsa::Signature = key.sign_prehash(&digest).expect("sign");
            s.to_bytes().to_vec()
        }
        TokenAlgorithm::Es256 => {
            use p256::ecdsa::signature::hazmat::PrehashSigner;
            let key = p256::ecdsa::SigningKey::from_pkcs8_pem(&pem).expect("P-256 key");
            let s: p256::ecdsa::Signature = key.sign_prehash(&digest).expect("sign");
            s.to_bytes().to_vec()
        }
        TokenAlgorithm::Rs256 => rsa::RsaPrivateKey::from_pkcs8_pem(&pem)
            .expect("RSA key")
            .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest)
            .expect("sign"),
        other => panic!("no signer for {other}"),
    };
    AuthToken::create(
        &read(&format!("holders/{holder}/auth.der")),
        algorithm,
        &signature,
        "bench",
    )
    .to_json()
}

fn validator() -> AuthTokenValidator {
    let mut trust = TrustStore::new();
    for ca in ["root", "citizen-ca", "resident-ca", "mobile-id-ca"] {
        trust.add_certificate(
            Certificate::from_der(&read(&format!("{ca}.der"))).expect("CA"),
            ca,
        );
    }
    AuthTokenValidator::builder()
        .site_origin(ORIGIN)
        .trusted_certificate_authorities(trust)
        .without_ocsp()
        .build()
        .expect("validator")
}

/// Runs `f` `iterations` times after a short warm-up; returns the time per call.
fn measure(iterations: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..iterations.div_ceil(20) {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn row(name: &str, per_call: Duration, unit: &str) {
    println!(
        "{name:<44} {:>9.1} µs   {:>9.0} {unit}/s",
        per_call.as_secs_f64() * 1e6,
        1.0 / per_call.as_secs_f64()
    );
}

fn main() {
    let iterations: u32 = std::env::var("KNIK_BENCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let validator = validator();
    println!("token validation, OCSP off, one thread, {iterations} iterations per row");
    for (label, holder, algorithm) in [
        (
            "validate, citizen ES384 (P-384)",
            "citizen",
            TokenAlgorithm::Es384,
        ),
        (
            "validate, mobile ES256 (P-256)",
            "mobile",
            TokenAlgorithm::Es256,
        ),
        (
            "validate, legacy RS256 (RSA-2048)",
            "legacy",
            TokenAlgorithm::Rs256,
        ),
    ] {
        let json = token(holder, algorithm, NONCE);
        validator.validate(&json, NONCE).expect("a valid token");
        let per_call = measure(iterations, || {
            validator.validate(&json, NONCE).expect("valid");
        });
        row(label, per_call, "validations");
    }

    // The login as an e-service runs it: issue, then take from the store and validate.
    // Every login needs its own nonce and token; signing them is not timed.
    let measured = iterations.min(500);
    let warm_up = measured.div_ceil(20);
    let store = MemoryNonceStore::new();
    let prepared: Vec<String> = (0..measured + warm_up)
        .map(|i| {
            let session = format!("s{i}");
            let nonce = validator
                .issue_challenge(&store, &session)
                .expect("issued")
                .value;
            token("citizen", TokenAlgorithm::Es384, &nonce)
        })
        .collect();
    let mut i = 0usize;
    let per_call = measure(measured, || {
        validator
            .validate_with_store(&prepared[i], &store, &format!("s{i}"))
            .expect("valid");
        i += 1;
    });
    row(
        "validate_with_store (memory), citizen ES384",
        per_call,
        "validations",
    );

    let json = token("citizen", TokenAlgorithm::Es384, NONCE);
    let per_call = measure(iterations, || {
        AuthToken::parse(&json).expect("parses");
    });
    row("  of which AuthToken::parse", per_call, "parses");
}
