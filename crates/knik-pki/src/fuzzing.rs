//! Entry points shared by the fuzz targets (`fuzz/fuzz_targets/`) and the corpus replay test,
//! so that what the fuzzer exercises is exactly what `cargo test` replays.

use std::sync::OnceLock;

use crate::{Certificate, HashAlgorithm, Identity, PolicyMap};

/// Reads `data` as one or more certificates (DER or PEM) and pulls everything a relying party
/// would pull from them: names, extensions, key, identity, signature checks. Must never panic;
/// errors are the expected outcome for most inputs.
pub fn cert_identity(data: &[u8]) {
    static POLICIES: OnceLock<PolicyMap> = OnceLock::new();
    let policies = POLICIES.get_or_init(PolicyMap::default);

    let Ok(certs) = Certificate::from_der_or_pem(data) else {
        return;
    };
    for cert in &certs {
        let _ = cert.subject().to_rfc4514();
        let _ = cert.issuer().to_rfc4514();
        let _ = cert.serial_number_hex();
        let _ = (cert.not_before(), cert.not_after());
        let _ = cert.key_description();
        let _ = cert.key_usage().map(|k| k.names());
        let _ = cert.extended_key_usage().map(|e| e.is_client_auth());
        let _ = cert.qc_statements().map(|q| q.qc_types().len());
        let _ = cert.unhandled_critical_extensions();
        let _ = cert.fingerprint_sha256();
        let _ = cert.to_pem();
        let _ = Identity::from_certificate(cert, policies);
        // A self-signed hostile certificate drives the signature-algorithm and key paths.
        let _ = cert.verify_issued_by(cert);
        let digest = [0u8; 48];
        let _ = cert
            .public_key()
            .verify_digest_signature(HashAlgorithm::Sha384, &digest, data);
    }
}
