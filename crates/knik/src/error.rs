//! The facade's one error type. Every variant has a stable [`Error::code`]; errors from the
//! layers below keep their own codes.

use thiserror::Error;

/// What went wrong in a signing, verifying or extending flow.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file.
    #[error("{context} ({path}): {source}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The file.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The container layer refused (hostile ZIP, bad name, …).
    #[error(transparent)]
    Container(#[from] knik_asic::Error),
    /// The signature layer refused (XML that cannot be read, bad XAdES input, …).
    #[error(transparent)]
    Signature(#[from] knik_xades::Error),
    /// The PKI layer refused (certificate, OCSP, time-stamp).
    #[error(transparent)]
    Pki(#[from] knik_pki::Error),
    /// An OCSP responder or a time-stamp authority could not be used.
    #[cfg(feature = "online")]
    #[error(transparent)]
    Online(#[from] crate::online::Error),
    /// A software key cannot be used (never contains a password).
    #[error("the signing key cannot be used: {reason}")]
    Key {
        /// Why.
        reason: String,
    },
    /// The signer (card, PKCS#11 token, mobile ID) failed; `code` is its own stable code.
    #[error("{message}")]
    Signer {
        /// The signer's stable code, e.g. `PIN_BLOCKED` or `CARD_REMOVED`.
        code: &'static str,
        /// A sentence for people (never a PIN).
        message: String,
    },
    /// The request cannot be carried out as asked.
    #[error("{reason}")]
    InvalidRequest {
        /// Why.
        reason: String,
    },
    /// A level needs a service that is not configured (e.g. B-T without a TSA URL).
    #[error("{level} needs {service}: configure one or pass it on the command line")]
    ServiceMissing {
        /// The level asked for.
        level: &'static str,
        /// `a time-stamp authority (--tsa)` or `an OCSP responder (--ocsp)`.
        service: &'static str,
    },
    /// The signer's issuing CA certificate is needed (for OCSP) and was not found.
    #[error(
        "the issuer of {subject} was not found: add the CA certificate to the trust store or \
         the chain (--chain)"
    )]
    IssuerNotFound {
        /// The signer certificate's subject.
        subject: String,
    },
    /// The signing certificate is outside its validity period: a signature made with it
    /// would never be valid.
    #[error(
        "the signing certificate of {subject} is not valid now (valid {not_before} to {not_after})"
    )]
    CertificateNotValid {
        /// The certificate's subject.
        subject: String,
        /// Its notBefore (RFC 3339).
        not_before: String,
        /// Its notAfter (RFC 3339).
        not_after: String,
    },
    /// The signing certificate is not meant for signatures: it has a keyUsage extension
    /// without nonRepudiation (e.g. an ID card's authentication certificate). Refused before
    /// the signer is asked.
    #[error(
        "the certificate of {subject} is not a signing certificate (its key usage lacks \
         nonRepudiation): sign with the signing certificate, not the authentication one"
    )]
    SignerKeyUsage {
        /// The certificate's subject.
        subject: String,
    },
    /// The OCSP responder says the signing certificate is revoked: nothing is written.
    #[error("the OCSP responder says the certificate of {subject} is {status}")]
    CertificateRevoked {
        /// The certificate's subject.
        subject: String,
        /// `revoked on <time>`.
        status: String,
    },
    /// The OCSP responder does not know the signing certificate (status `unknown`): nothing is
    /// written.
    #[error(
        "the OCSP responder says the certificate of {subject} is unknown to the responder: \
         is the OCSP URL (--ocsp) the one of the certificate's CA?"
    )]
    OcspStatusUnknown {
        /// The certificate's subject.
        subject: String,
    },
    /// The OCSP response does not name the signing certificate (it is about another one):
    /// nothing is written.
    #[error(
        "the OCSP responder's answer is not about the certificate of {subject} (not named in \
         its answer: {detail})"
    )]
    OcspCertMismatch {
        /// The certificate's subject.
        subject: String,
        /// Which CertID field differs, as knik-pki reports it.
        detail: String,
    },
    /// Even after one retry, the OCSP response was produced before the signature time-stamp:
    /// it would not prove the certificate's status after the signature was made, and
    /// verifiers refuse it (`OCSP_BEFORE_TIMESTAMP` in a report). Nothing is written.
    #[error(
        "the OCSP response was produced at {produced_at}, before the signature time-stamp \
         ({timestamp}): the responder's clock is behind the time-stamp authority's"
    )]
    OcspBeforeTimestamp {
        /// producedAt of the response (RFC 3339).
        produced_at: String,
        /// genTime of the signature time-stamp, to the second (RFC 3339).
        timestamp: String,
    },
    /// A signature to extend does not verify (a data file changed, the signature was edited):
    /// new time-stamps and OCSP responses would only seal a broken signature, so nothing is
    /// asked of any service and the container is left as it was.
    #[error("{file} does not verify ({findings}): it is not extended, the container is unchanged")]
    ExtendBrokenSignature {
        /// The signature entry, e.g. `META-INF/signatures0.xml`.
        file: String,
        /// The codes of the errors found, comma-separated (see docs/verification.md).
        findings: String,
    },
    /// The signature made by the signer does not verify with its certificate (a card that
    /// signed with another key, a corrupted answer): nothing is written.
    #[error("the signature value does not match the signing certificate: {reason}")]
    SignatureValueMismatch {
        /// What the check said.
        reason: String,
    },
}

impl Error {
    /// A stable code, for programs and the CLI's JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "IO",
            Error::Container(e) => e.code(),
            Error::Signature(e) => e.code(),
            Error::Pki(e) => e.code(),
            #[cfg(feature = "online")]
            Error::Online(e) => e.code(),
            Error::Key { .. } => "KEY_INVALID",
            Error::Signer { code, .. } => code,
            Error::InvalidRequest { .. } => "INVALID_REQUEST",
            Error::ServiceMissing { .. } => "SERVICE_NOT_CONFIGURED",
            Error::IssuerNotFound { .. } => "ISSUER_NOT_FOUND",
            Error::SignatureValueMismatch { .. } => "SIGNATURE_VALUE_MISMATCH",
            Error::CertificateNotValid { .. } => "SIGNER_CERT_NOT_VALID",
            Error::SignerKeyUsage { .. } => "SIGNER_KEY_USAGE",
            Error::CertificateRevoked { .. } => "SIGNER_REVOKED",
            Error::OcspStatusUnknown { .. } => "OCSP_STATUS_UNKNOWN",
            Error::OcspCertMismatch { .. } => "OCSP_CERT_MISMATCH",
            Error::OcspBeforeTimestamp { .. } => "OCSP_BEFORE_TIMESTAMP",
            Error::ExtendBrokenSignature { .. } => "EXTEND_BROKEN_SIGNATURE",
        }
    }

    pub(crate) fn io(
        context: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.display().to_string();
        move |source| Error::Io {
            context,
            path,
            source,
        }
    }
}
