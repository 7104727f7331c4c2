//! Certification path validation (RFC 5280 §6, the parts eID signatures need).
//!
//! The procedure [`validate_path`] follows:
//!
//! 1. The end-entity certificate must be valid at the validation time and carry no critical
//!    extension this crate does not process. If it *is* a trust anchor (a TSA certificate
//!    listed in a trusted list, say) the path is that one certificate.
//! 2. Issuers are looked for by name (the issuer's subject equals the certificate's issuer,
//!    byte for byte) and, when both sides carry them, by key identifier (authorityKeyIdentifier
//!    = subjectKeyIdentifier). Trust anchors are tried before the other candidates, so a
//!    chain ends at the first anchor reached: a root, or an intermediate CA put in the store.
//! 3. Every link is checked: the signature with the issuer's key; the issuer is a CA
//!    (basicConstraints cA), may sign certificates (keyUsage keyCertSign when keyUsage is
//!    present) and its pathLenConstraint is respected; every certificate (the anchor's too,
//!    unless [`PathOptions::check_anchor_validity`] is off) is valid at the validation time; no
//!    unprocessed critical extension on the certificates below the anchor.
//! 4. A trusted-list anchor must have been granted at the validation time.
//! 5. When a candidate fails, the others are tried (depth first); the search stops at
//!    [`PathOptions::max_depth`] certificates and never visits a certificate twice.
//!
//! Revocation is not checked here (OCSP is [`crate::ocsp`]); neither are certificate
//! policies, name constraints or the extended key usage an application requires.

mod builder;

use time::OffsetDateTime;

use crate::trust::{TrustAnchor, TrustStore};
use crate::{Certificate, Error};

/// Knobs of [`validate_path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathOptions {
    /// The most certificates a path may have, end entity and anchor included (default 8).
    pub max_depth: usize,
    /// Whether the anchor certificate's own validity period is checked (default on). Some
    /// validators treat an anchor as a bare name and key; turn this off to do the same.
    pub check_anchor_validity: bool,
}

impl Default for PathOptions {
    fn default() -> Self {
        PathOptions {
            max_depth: 8,
            check_anchor_validity: true,
        }
    }
}

/// A certification path that validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedPath {
    chain: Vec<Certificate>,
    anchor: TrustAnchor,
}

impl ValidatedPath {
    /// The certificates from the end entity (first) to the anchor's certificate (last). When
    /// the end entity is itself an anchor, the chain has that one certificate.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// The end-entity certificate.
    pub fn end_entity(&self) -> &Certificate {
        &self.chain[0]
    }

    /// The certificates between the end entity and the anchor.
    pub fn intermediates(&self) -> &[Certificate] {
        let n = self.chain.len();
        if n <= 2 { &[] } else { &self.chain[1..n - 1] }
    }

    /// The trust anchor reached, with its source.
    pub fn anchor(&self) -> &TrustAnchor {
        &self.anchor
    }
}

/// Builds and checks a certification path from `end_entity` to an anchor of `store`, using
/// `candidates` (certificates from KeyInfo, CertificateValues, a time-stamp token, …) as
/// possible intermediates, at the time `at`. See the [module documentation](self) for the
/// checks.
///
/// Errors: [`Error::CertificateExpired`], [`Error::CertificateNotYetValid`],
/// [`Error::ChainCriticalExtension`] for the end entity; otherwise the most specific failure
/// met while searching ([`Error::ChainSignatureInvalid`], [`Error::ChainNotACa`],
/// [`Error::ChainKeyCertSign`], [`Error::ChainPathLength`], [`Error::AnchorNotGranted`],
/// [`Error::ChainTooLong`], [`Error::ChainLoop`], the validity errors for a CA), and
/// [`Error::ChainNoAnchor`] when no issuer leads anywhere.
pub fn validate_path(
    end_entity: &Certificate,
    candidates: &[Certificate],
    store: &TrustStore,
    at: OffsetDateTime,
    options: PathOptions,
) -> Result<ValidatedPath, Error> {
    builder::Builder {
        candidates,
        store,
        at,
        options,
    }
    .build(end_entity)
}
