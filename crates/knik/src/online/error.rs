//! The error type of the online clients.

use thiserror::Error;

/// Which service a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// An OCSP responder.
    Ocsp,
    /// An RFC 3161 time-stamp authority.
    Tsa,
}

impl core::fmt::Display for Service {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Service::Ocsp => "OCSP responder",
            Service::Tsa => "time-stamp authority",
        })
    }
}

/// Why an OCSP responder or a time-stamp authority could not be used. Every variant names the
/// URL, always without its userinfo (`user:password@`), which may be a credential and would
/// otherwise reach logs and screens; [`Error::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL is not an `http://` or `https://` URL.
    #[error("{service} URL \"{url}\" is not usable: {reason}")]
    BadUrl {
        /// Which service.
        service: Service,
        /// The URL given.
        url: String,
        /// Why.
        reason: &'static str,
    },

    /// No URL was given and the certificate names no OCSP responder (authorityInfoAccess).
    #[error(
        "no OCSP responder known for \"{subject}\": the certificate has no OCSP URL; \
         configure one (--ocsp)"
    )]
    NoOcspUrl {
        /// The certificate's subject.
        subject: String,
    },

    /// The connection failed, timed out, or the transfer broke off.
    #[error("the {service} at {url} could not be reached: {reason}")]
    Unreachable {
        /// Which service.
        service: Service,
        /// The URL.
        url: String,
        /// What happened (DNS, refused, TLS, timeout after N s, …).
        reason: String,
    },

    /// The server answered with an HTTP status other than 200.
    #[error("the {service} at {url} answered HTTP {status}")]
    HttpStatus {
        /// Which service.
        service: Service,
        /// The URL.
        url: String,
        /// The HTTP status code.
        status: u16,
    },

    /// The answer has another media type than the protocol's.
    #[error(
        "the {service} at {url} answered with Content-Type {}, expected {expected}",
        .found.as_deref().unwrap_or("(none)")
    )]
    ContentType {
        /// Which service.
        service: Service,
        /// The URL.
        url: String,
        /// The Content-Type received, if any.
        found: Option<String>,
        /// The media type required.
        expected: &'static str,
    },

    /// The answer is larger than the configured limit.
    #[error("the {service} at {url} sent more than {limit} bytes")]
    TooLarge {
        /// Which service.
        service: Service,
        /// The URL.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },

    /// The request could not be built (e.g. a digest of the wrong length).
    #[error("the {service} request could not be built: {source}")]
    Request {
        /// Which service.
        service: Service,
        /// What knik-pki reported.
        source: knik_pki::Error,
    },

    /// The OCSP responder answered with an error status (malformedRequest, tryLater, …).
    #[error("the OCSP responder at {url} refused: {status}")]
    OcspRefused {
        /// The URL.
        url: String,
        /// The responseStatus.
        status: knik_pki::ocsp::OcspResponseStatus,
    },

    /// The OCSP response cannot be read or fails verification (signature, responder, CertID,
    /// nonce, freshness).
    #[error("the OCSP response from {url} is not acceptable: {source}")]
    OcspBadResponse {
        /// The URL.
        url: String,
        /// What knik-pki reported; its own code is [`knik_pki::Error::code`].
        source: knik_pki::Error,
    },

    /// The time-stamp authority did not grant the time-stamp.
    #[error("the time-stamp authority at {url} refused: {source}")]
    TsaRefused {
        /// The URL.
        url: String,
        /// The refusal ([`knik_pki::Error::TspRefused`], with status, text and failInfo).
        source: knik_pki::Error,
    },

    /// The time-stamp response cannot be read or fails verification (signature, imprint,
    /// nonce, TSA certificate).
    #[error("the time-stamp from {url} is not acceptable: {source}")]
    TsaBadResponse {
        /// The URL.
        url: String,
        /// What knik-pki reported; its own code is [`knik_pki::Error::code`].
        source: knik_pki::Error,
    },

    /// The operating system's random number generator failed (no nonce can be made).
    #[error("no random numbers for the request nonce: {reason}")]
    Random {
        /// What the generator reported.
        reason: String,
    },
}

impl Error {
    /// A stable machine code for this error (documented; never renamed).
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadUrl { .. } => "SERVICE_URL_INVALID",
            Error::NoOcspUrl { .. } => "OCSP_NO_URL",
            Error::Unreachable {
                service: Service::Ocsp,
                ..
            } => "OCSP_UNREACHABLE",
            Error::Unreachable {
                service: Service::Tsa,
                ..
            } => "TSA_UNREACHABLE",
            Error::HttpStatus { .. } => "HTTP_STATUS",
            Error::ContentType { .. } => "HTTP_CONTENT_TYPE",
            Error::TooLarge { .. } => "HTTP_TOO_LARGE",
            Error::Request { .. } => "REQUEST_INVALID",
            Error::OcspRefused { .. } => "OCSP_REFUSED",
            Error::OcspBadResponse { .. } => "OCSP_BAD_RESPONSE",
            Error::TsaRefused { .. } => "TSA_REFUSED",
            Error::TsaBadResponse { .. } => "TSA_BAD_RESPONSE",
            Error::Random { .. } => "RANDOM_UNAVAILABLE",
        }
    }

    /// The knik-pki error underneath, when the answer failed a protocol check (for its more
    /// specific code, e.g. `OCSP_NONCE_MISMATCH`).
    pub fn pki_error(&self) -> Option<&knik_pki::Error> {
        match self {
            Error::Request { source, .. }
            | Error::OcspBadResponse { source, .. }
            | Error::TsaRefused { source, .. }
            | Error::TsaBadResponse { source, .. } => Some(source),
            _ => None,
        }
    }
}
