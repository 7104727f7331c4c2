//! How the validator reaches OCSP responders: through a trait the e-service implements, so
//! this crate does no I/O and builds for the browser and Node (wasm).

use core::fmt;
use core::time::Duration;

/// Sends one OCSP request over HTTP (RFC 6960 Appendix A.1).
///
/// The validator calls it from whatever thread validates, hence `Send + Sync`; one transport
/// serves every validation, so keep connection pools and proxies inside it.
pub trait OcspTransport: Send + Sync {
    /// POSTs `request_der` to `url` with `Content-Type: application/ocsp-request` and returns
    /// the body of a `200` answer, which should be `application/ocsp-response`.
    ///
    /// Give up after `timeout` (connecting and answering together) with
    /// [`OcspTransportError::Timeout`], and cap the body: OCSP responses are a few KiB, so
    /// 1 MiB is generous. Do not follow redirects to other schemes.
    fn post(
        &self,
        url: &str,
        request_der: &[u8],
        timeout: Duration,
    ) -> Result<Vec<u8>, OcspTransportError>;
}

/// Why an OCSP exchange failed below the OCSP layer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcspTransportError {
    /// No complete answer within the timeout.
    Timeout,
    /// The responder could not be reached (name resolution, connection refused, reset).
    Unreachable {
        /// What the network layer reported.
        reason: String,
    },
    /// The responder answered, but not with an OCSP response (HTTP status other than 200,
    /// wrong content type, body too large, broken HTTP).
    BadAnswer {
        /// What was wrong with the answer.
        reason: String,
    },
}

impl fmt::Display for OcspTransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OcspTransportError::Timeout => f.write_str("timed out"),
            OcspTransportError::Unreachable { reason } => write!(f, "unreachable: {reason}"),
            OcspTransportError::BadAnswer { reason } => write!(f, "bad answer: {reason}"),
        }
    }
}

impl<T: OcspTransport + ?Sized> OcspTransport for std::sync::Arc<T> {
    fn post(
        &self,
        url: &str,
        request_der: &[u8],
        timeout: Duration,
    ) -> Result<Vec<u8>, OcspTransportError> {
        (**self).post(url, request_der, timeout)
    }
}
