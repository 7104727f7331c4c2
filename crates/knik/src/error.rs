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
    /// The OCSP responder says the signing certificate is revoked (or does not know it):
    /// nothing is written.
    #[error("the OCSP responder says the certificate of {subject} is {status}")]
    CertificateRevoked {
        /// The certificate's subject.
        subject: String,
        /// `revoked on <time>` or `unknown to the responder`.
        status: String,
    },
    /// The signature made by the signer does not verify with its certificate.
    #[error("the signature value does not match the signing certificate")]
    SignatureValueMismatch,
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
            Error::SignatureValueMismatch => "SIGNATURE_VALUE_MISMATCH",
            Error::CertificateNotValid { .. } => "SIGNER_CERT_NOT_VALID",
            Error::CertificateRevoked { .. } => "SIGNER_REVOKED",
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
