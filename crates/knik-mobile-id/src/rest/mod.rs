//! MID-REST on the wire, exactly as the reference describes it (reference/mobile-id.md §1.3–1.4):
//! endpoint paths, request and response bodies with their field names and codes, and strict
//! size-limited parsing. No I/O: the HTTP client and the simulator move these bodies.

mod json;
mod request;
mod response;

pub use json::MAX_BODY_LEN;
pub use request::{
    CertificateRequest, RelyingParty, SessionStartRequest, parse_certificate_request,
    parse_session_start_request,
};
pub use response::{
    CertificateResponse, ErrorResponse, SessionStartResponse, SessionStatusResponse,
    SignatureValue, parse_certificate_response, parse_error_response, parse_session_start_response,
    parse_session_status_response,
};

use crate::codes::SessionKind;
use crate::provider::SessionId;

/// `POST {BASE}/certificate`.
pub const CERTIFICATE_PATH: &str = "/certificate";

/// `GET {BASE}/version` (plain text).
pub const VERSION_PATH: &str = "/version";

/// `POST {BASE}/authentication` or `POST {BASE}/signature`.
pub fn start_path(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Authentication => "/authentication",
        SessionKind::Signature => "/signature",
    }
}

/// `GET {BASE}/{authentication|signature}/session/{id}?timeoutMs=N` (long poll, §1.4).
pub fn session_status_path(session: &SessionId, timeout_ms: u32) -> String {
    format!(
        "/{}/session/{}?timeoutMs={timeout_ms}",
        session.kind().as_wire(),
        session.id()
    )
}
