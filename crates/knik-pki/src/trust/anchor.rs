//! One trust anchor and where it came from.

use core::fmt;

use time::OffsetDateTime;

use super::service::TrustedService;
use crate::Certificate;

/// Where a trust anchor came from, for the validation report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnchorSource {
    /// Bytes handed in by the caller, under the caller's label.
    Supplied {
        /// The caller's label (e.g. "built-in", "--trust argument").
        label: String,
    },
    /// A file (also when found by scanning a directory).
    File {
        /// The file's path as given.
        path: String,
    },
    /// A service of an ETSI TS 119 612 trusted list.
    TrustList {
        /// SchemeTerritory (e.g. "AM").
        territory: String,
        /// TSLSequenceNumber.
        sequence_number: u64,
        /// The trust service provider's name.
        provider: String,
        /// The service, with its type and status history.
        service: TrustedService,
    },
}

impl fmt::Display for AnchorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnchorSource::Supplied { label } => write!(f, "{label}"),
            AnchorSource::File { path } => write!(f, "file {path}"),
            AnchorSource::TrustList {
                territory,
                sequence_number,
                provider,
                service,
            } => write!(
                f,
                "trusted list {territory} #{sequence_number}, {provider} / {}",
                service.name
            ),
        }
    }
}

/// A certificate trusted as the end of a certification path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAnchor {
    certificate: Certificate,
    source: AnchorSource,
}

impl TrustAnchor {
    /// An anchor from a certificate and its source.
    pub fn new(certificate: Certificate, source: AnchorSource) -> Self {
        TrustAnchor {
            certificate,
            source,
        }
    }

    /// The anchor's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// Where it came from.
    pub fn source(&self) -> &AnchorSource {
        &self.source
    }

    /// The trusted-list service, when the anchor came from a trusted list.
    pub fn service(&self) -> Option<&TrustedService> {
        match &self.source {
            AnchorSource::TrustList { service, .. } => Some(service),
            _ => None,
        }
    }

    /// Whether the anchor may be relied on at `at`: always for supplied and file anchors; for
    /// a trusted-list anchor, when its service was granted at `at` (TS 119 612 §5.5.4 with the
    /// history of §5.6).
    pub fn is_trusted_at(&self, at: OffsetDateTime) -> bool {
        self.service().is_none_or(|s| s.is_granted_at(at))
    }

    /// Whether `certificate` is this anchor: same subject name and same public key (a
    /// re-issued anchor certificate with the same key counts, RFC 5280 §6.1.1 (d)).
    pub fn matches(&self, certificate: &Certificate) -> bool {
        self.certificate.subject().as_der() == certificate.subject().as_der()
            && self.certificate.subject_public_key_info_der()
                == certificate.subject_public_key_info_der()
    }
}
