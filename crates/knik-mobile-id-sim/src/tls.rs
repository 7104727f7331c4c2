//! The TLS server identity: rustls 0.23 with the ring provider, TLS 1.2 and 1.3, no client
//! certificates, ALPN `http/1.1`.

use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use knik_pki::Certificate;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::error::SimError;

/// A loaded TLS identity.
pub(crate) struct TlsIdentity {
    pub(crate) config: Arc<ServerConfig>,
    /// The end-entity certificate, PEM.
    pub(crate) certificate_pem: String,
    /// base64(SHA-256(SubjectPublicKeyInfo DER)) of the end-entity certificate.
    pub(crate) pin: String,
}

pub(crate) fn load(cert_path: &Path, key_path: &Path) -> Result<TlsIdentity, SimError> {
    let parse = |path: &Path, what: &'static str, reason: String| SimError::Parse {
        path: path.to_path_buf(),
        what,
        reason,
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_path)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| parse(cert_path, "PEM certificate chain", e.to_string()))?;
    let leaf = chain.first().ok_or_else(|| {
        parse(
            cert_path,
            "PEM certificate chain",
            "no certificate".to_owned(),
        )
    })?;
    let certificate = Certificate::from_der(leaf)
        .map_err(|e| parse(cert_path, "PEM certificate chain", e.to_string()))?;
    let key = PrivateKeyDer::from_pem_file(key_path)
        .map_err(|e| parse(key_path, "PEM private key", e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| SimError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsIdentity {
        config: Arc::new(config),
        certificate_pem: certificate.to_pem(),
        pin: STANDARD.encode(Sha256::digest(certificate.subject_public_key_info_der())),
    })
}
