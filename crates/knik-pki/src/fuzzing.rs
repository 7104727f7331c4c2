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
/// Reads `data` as an OCSPResponse and, when it parses, reads every field and runs the whole
/// verification with each embedded certificate standing in as certificate and issuer (so a
/// hostile response drives the responder lookup, signature, authorisation, CertID, nonce and
/// time checks). Must never panic.
pub fn ocsp_response(data: &[u8]) {
    use crate::ocsp::{OcspCheck, OcspResponse};

    let Ok(response) = OcspResponse::from_der(data) else {
        return;
    };
    let _ = response.responder_id().to_string();
    let _ = (
        response.produced_at(),
        response.nonce(),
        response.signature(),
    );
    let _ = response.signature_algorithm_oid();
    for single in response.responses() {
        let _ = (single.status(), single.this_update(), single.next_update());
        let _ = single.cert_id().serial_number_hex();
    }
    let at = response.produced_at();
    // At most a few certificates: the pairs grow quadratically and each costs a signature check.
    for issuer in response.certificates().iter().take(4) {
        for certificate in response.certificates().iter().take(4) {
            let check = OcspCheck::new(certificate, issuer, at).nonce(&[0x5A; 32]);
            let _ = response.verify(&check);
            let _ = response.verify(&OcspCheck::new(certificate, issuer, at).max_age(None));
        }
    }
}

/// Reads `data` as a TimeStampResp and as a bare time-stamp token, verifying whatever parses
/// (signature, signed attributes, ESS binding, TSA certificate) and the imprint and nonce
/// checks. Must never panic.
pub fn tsp_response(data: &[u8]) {
    use crate::tsp::{TimeStampRequest, TimeStampResponse, TimeStampToken};

    let token = |der: &[u8]| {
        if let Ok(token) = TimeStampToken::from_der(der, &[]) {
            let _ = (
                token.gen_time(),
                token.imprint(),
                token.policy(),
                token.accuracy(),
            );
            let _ = (
                token.serial_number_hex(),
                token.ordering(),
                token.tsa_name(),
            );
            let _ = token.tsa_certificate().subject().to_rfc4514();
            let _ = token.check_data(der);
            let _ = token.check_nonce(&[0x01, 0x02]);
        }
    };
    if let Ok(response) = TimeStampResponse::from_der(data) {
        let _ = (
            response.status(),
            response.status_text(),
            response.failure_info(),
        );
        if let Some(der) = response.token_der() {
            token(der);
        }
        if let Ok(request) = TimeStampRequest::new(HashAlgorithm::Sha256, &[0; 32]) {
            let _ = response.into_token(&request.with_nonce(&[7; 8]), &[]);
        }
    }
    token(data);
}
