//! The error type of trusted-list loading.

use time::OffsetDateTime;

fn rfc3339(t: &OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Why a trusted list was not accepted. [`TrustListError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustListError {
    /// The document is not well-formed or is hostile XML (DTD, entities, duplicate Ids, …).
    #[error("trusted list is not acceptable XML: {0}")]
    Xml(crate::Error),

    /// The root element is not a TS 119 612 `TrustServiceStatusList`.
    #[error("not a trusted list: the root element is {found}")]
    NotATrustList {
        /// The root element's name as written (with its namespace).
        found: String,
    },

    /// A required element is missing or has an unusable value.
    #[error("trusted list {element}: {reason}")]
    Malformed {
        /// The element concerned.
        element: &'static str,
        /// What is wrong.
        reason: String,
    },

    /// No list-signer certificate was configured, so no list can be trusted.
    #[error("no trusted-list signer certificate is configured")]
    NoSignerConfigured,

    /// The list carries no (or more than one) enveloped `ds:Signature`.
    #[error("trusted list signature: {reason}")]
    NotSigned {
        /// What was found.
        reason: String,
    },

    /// The list is signed by a certificate that is not among the configured signers.
    #[error("trusted list is signed by \"{subject}\", which is not a configured list signer")]
    UnknownSigner {
        /// The signer certificate's subject (from KeyInfo).
        subject: String,
    },

    /// The signature value does not verify with the configured signer('s) key.
    #[error("trusted list signature does not verify: {reason}")]
    SignatureInvalid {
        /// What failed.
        reason: String,
    },

    /// The signature does not cover the whole list (an enveloped reference to `""` or to the
    /// root's Id is required, TS 119 612 §5.7.1).
    #[error("trusted list signature does not cover the whole list: {reason}")]
    SignatureScope {
        /// What was found.
        reason: String,
    },

    /// A reference's digest differs: the list was changed after signing.
    #[error("trusted list was modified after signing: the digest of reference \"{uri}\" differs")]
    DigestMismatch {
        /// The reference URI.
        uri: String,
    },

    /// The signer certificate was not valid when the list was issued.
    #[error(
        "trusted list signer \"{subject}\" was not valid at the list's issue time {}",
        rfc3339(.issued)
    )]
    SignerNotValid {
        /// The signer's subject.
        subject: String,
        /// ListIssueDateTime.
        issued: OffsetDateTime,
    },

    /// NextUpdate has passed (and expired lists are refused).
    #[error(
        "trusted list expired: its next update was due at {}, it is now {}",
        rfc3339(.next_update),
        rfc3339(.at)
    )]
    Expired {
        /// NextUpdate.
        next_update: OffsetDateTime,
        /// The time of loading.
        at: OffsetDateTime,
    },

    /// The list is for another territory than the one configured.
    #[error("trusted list is for territory {found}, expected {expected}")]
    TerritoryMismatch {
        /// The territory configured.
        expected: String,
        /// SchemeTerritory of the list.
        found: String,
    },

    /// A service certificate could not be read.
    #[error("trusted list service \"{service}\": {source}")]
    Certificate {
        /// The service's name.
        service: String,
        /// What knik-pki reported.
        source: knik_pki::Error,
    },
}

impl TrustListError {
    /// A stable machine code for this error (documented; never renamed).
    pub fn code(&self) -> &'static str {
        match self {
            TrustListError::Xml(_) => "TSL_XML_INVALID",
            TrustListError::NotATrustList { .. } => "TSL_NOT_A_TRUST_LIST",
            TrustListError::Malformed { .. } => "TSL_MALFORMED",
            TrustListError::NoSignerConfigured => "TSL_NO_SIGNER_CONFIGURED",
            TrustListError::NotSigned { .. } => "TSL_NOT_SIGNED",
            TrustListError::UnknownSigner { .. } => "TSL_UNKNOWN_SIGNER",
            TrustListError::SignatureInvalid { .. } => "TSL_SIGNATURE_INVALID",
            TrustListError::SignatureScope { .. } => "TSL_SIGNATURE_SCOPE",
            TrustListError::DigestMismatch { .. } => "TSL_DIGEST_MISMATCH",
            TrustListError::SignerNotValid { .. } => "TSL_SIGNER_NOT_VALID",
            TrustListError::Expired { .. } => "TSL_EXPIRED",
            TrustListError::TerritoryMismatch { .. } => "TSL_TERRITORY_MISMATCH",
            TrustListError::Certificate { .. } => "TSL_CERTIFICATE_INVALID",
        }
    }
}

impl From<crate::Error> for TrustListError {
    fn from(e: crate::Error) -> Self {
        TrustListError::Xml(e)
    }
}
