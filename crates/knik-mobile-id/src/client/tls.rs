//! TLS to the mobile ID service with pinned keys (reference/mobile-id.md §1.7: "pin the
//! endpoint certificate or key … check that certificate's validity").
//!
//! The server is accepted when, and only when:
//! 1. the SHA-256 of its leaf certificate's SubjectPublicKeyInfo is one of the configured
//!    [`Pins`] (several may be configured: the current key and the next);
//! 2. the leaf certificate is within its validity period at the time of the handshake;
//! 3. the handshake signatures verify with the leaf's key (rustls' ring provider).
//!
//! No CA is consulted and the host name is not compared: the pin names the exact key of the
//! service, which is stronger than any CA-issued name, and a MID-REST relying party is told
//! to pin rather than to trust the web PKI. Intermediates the server sends are ignored.

use std::io;
use std::sync::Arc;

use knik_pki::Certificate;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};
use time::OffsetDateTime;

use super::pins::{Pins, pin_of_spki};
use crate::error::Error;

/// The verifier's refusal of an unpinned key, carried through rustls to
/// [`classify_io_error`] so it becomes [`Error::ServerNotPinned`].
#[derive(Debug)]
struct NotPinned {
    found: String,
}

impl core::fmt::Display for NotPinned {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "server key {} is not pinned", self.found)
    }
}

impl std::error::Error for NotPinned {}

/// Accepts exactly the pinned keys (see the module documentation).
#[derive(Debug)]
pub(crate) struct PinnedServerVerifier {
    pins: Pins,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedServerVerifier {
    pub(crate) fn new(pins: Pins, provider: &CryptoProvider) -> Self {
        PinnedServerVerifier {
            pins,
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for PinnedServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let leaf = Certificate::from_der(end_entity.as_ref())
            .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
        // The pin first: an impostor learns nothing from which other check it would fail.
        let spki = leaf.subject_public_key_info_der();
        if !self.pins.contains_spki(spki) {
            return Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                OtherError(Arc::new(NotPinned {
                    found: pin_of_spki(spki),
                })),
            )));
        }
        let now = i64::try_from(now.as_secs())
            .ok()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .ok_or(rustls::Error::FailedToGetCurrentTime)?;
        if now < leaf.not_before() {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidYet,
            ));
        }
        if now > leaf.not_after() {
            return Err(rustls::Error::InvalidCertificate(CertificateError::Expired));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A rustls client configuration (ring, TLS 1.2 and 1.3, safe defaults) that trusts only the
/// pinned keys.
pub(crate) fn client_config(pins: Pins) -> Result<Arc<rustls::ClientConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinnedServerVerifier::new(pins, &provider));
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls {
            reason: e.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The error for a failed read or write on the TLS stream: the pin refusal, another TLS
/// failure, a timeout or a network failure.
pub(crate) fn classify_io_error(e: io::Error, timeout_ms: u128) -> Error {
    if let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        if let rustls::Error::InvalidCertificate(CertificateError::Other(other)) = tls
            && let Some(not_pinned) = other.0.downcast_ref::<NotPinned>()
        {
            return Error::ServerNotPinned {
                found: not_pinned.found.clone(),
            };
        }
        return Error::Tls {
            reason: tls.to_string(),
        };
    }
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::Network {
            reason: format!("no answer within {timeout_ms} ms"),
        },
        _ => Error::Network {
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(name: &str) -> CertificateDer<'static> {
        let pem = std::fs::read_to_string(format!(
            "{}/../../test-vectors/mobile-id/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("test vector");
        CertificateDer::from(Certificate::from_pem(&pem).unwrap().as_der().to_vec())
    }

    fn verifier() -> PinnedServerVerifier {
        let pin = std::fs::read_to_string(format!(
            "{}/../../test-vectors/mobile-id/sim-tls.pin",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        PinnedServerVerifier::new(
            Pins::parse(&pin).unwrap(),
            &rustls::crypto::ring::default_provider(),
        )
    }

    fn at(unix: u64) -> UnixTime {
        UnixTime::since_unix_epoch(core::time::Duration::from_secs(unix))
    }

    fn check(
        cert: &CertificateDer<'_>,
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let name = ServerName::try_from("127.0.0.1").unwrap();
        verifier().verify_server_cert(cert, &[], &name, &[], now)
    }

    #[test]
    fn the_pinned_key_is_accepted_within_its_validity_only() {
        let sim = der("sim-tls.pem");
        let leaf = Certificate::from_der(sim.as_ref()).unwrap();
        let inside = leaf.not_before().unix_timestamp() as u64 + 60;
        assert!(check(&sim, at(inside)).is_ok());
        let before = leaf.not_before().unix_timestamp() as u64 - 1;
        assert_eq!(
            check(&sim, at(before)).unwrap_err(),
            rustls::Error::InvalidCertificate(CertificateError::NotValidYet)
        );
        let after = leaf.not_after().unix_timestamp() as u64 + 1;
        assert_eq!(
            check(&sim, at(after)).unwrap_err(),
            rustls::Error::InvalidCertificate(CertificateError::Expired)
        );
    }

    #[test]
    fn another_key_is_refused_as_not_pinned_and_classified_so() {
        let impostor = der("impostor-tls.pem");
        let leaf = Certificate::from_der(impostor.as_ref()).unwrap();
        let err = check(
            &impostor,
            at(leaf.not_before().unix_timestamp() as u64 + 60),
        )
        .unwrap_err();
        let io = io::Error::new(io::ErrorKind::InvalidData, err);
        let Error::ServerNotPinned { found } = classify_io_error(io, 0) else {
            panic!("ServerNotPinned expected")
        };
        let published = std::fs::read_to_string(format!(
            "{}/../../test-vectors/mobile-id/impostor-tls.pin",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert_eq!(found, published.trim());
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        let err = check(&CertificateDer::from(vec![0x30, 0x03, 1, 2, 3]), at(0)).unwrap_err();
        assert_eq!(
            err,
            rustls::Error::InvalidCertificate(CertificateError::BadEncoding)
        );
    }

    #[test]
    fn other_failures_keep_their_kind() {
        let expired = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::Expired),
        );
        assert_eq!(classify_io_error(expired, 0).code(), "MID_TLS");
        let timeout = io::Error::new(io::ErrorKind::WouldBlock, "timed out");
        assert_eq!(
            classify_io_error(timeout, 31_500),
            Error::Network {
                reason: "no answer within 31500 ms".into()
            }
        );
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(classify_io_error(refused, 0).code(), "MID_NETWORK");
    }
}
