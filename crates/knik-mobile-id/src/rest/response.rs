//! MID-REST response bodies (reference/mobile-id.md §1.3–1.4), read strictly by the client and
//! serialised by the simulator.
//!
//! Every `parse_*` refuses a body above [`MAX_BODY_LEN`](super::MAX_BODY_LEN) before reading
//! it, then checks field by field: a missing required field, a wrong type, bad base64 and a
//! code the reference does not list are each their own [`Error`].

use serde::Serialize;

use super::json::{Fields, base64_bytes, parse_object};
use crate::codes::{CertificateResult, SessionResult, SessionState, SignatureAlgorithm};
use crate::error::Error;
use crate::provider::SessionId;

/// Longest `time` / `traceId` / `error` text kept.
const MAX_META: usize = 256;

/// Body of a `POST /certificate` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateResponse {
    /// `result`.
    pub result: CertificateResult,
    /// `cert`: DER, sent as base64; present exactly when `result` is `OK`.
    #[serde(
        serialize_with = "base64_bytes::serialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cert: Option<Vec<u8>>,
    /// `time`, as the provider wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// `traceId`, for support tickets.
    #[serde(rename = "traceId", skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// Body of a `POST /authentication` or `POST /signature` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionStartResponse {
    /// `sessionID`.
    #[serde(rename = "sessionID")]
    pub session_id: String,
}

/// `signature` in a completed session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureValue {
    /// `algorithm`.
    pub algorithm: SignatureAlgorithm,
    /// `value`: raw signature (ECDSA `r ‖ s`; RSA PKCS#1 v1.5), sent as base64.
    #[serde(serialize_with = "base64_bytes::serialize")]
    pub value: Vec<u8>,
}

/// Body of a `GET /{authentication|signature}/session/{id}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionStatusResponse {
    /// `state`.
    pub state: SessionState,
    /// `result`, present exactly when `state` is `COMPLETE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<SessionResult>,
    /// `signature`, present when `result` is `OK`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureValue>,
    /// `cert`: DER, base64; only authentication sessions return it.
    #[serde(
        serialize_with = "base64_bytes::serialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cert: Option<Vec<u8>>,
    /// `time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// `traceId`.
    #[serde(rename = "traceId", skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// An error body, `{ "error": …, "time": …, "traceId": … }` (reference §1.3). For developers
/// only: never shown to users; only `traceId` is worth keeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorResponse {
    /// `error`, the developer message.
    pub error: String,
    /// `time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// `traceId`.
    #[serde(rename = "traceId", skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

macro_rules! to_json {
    ($($t:ty),+) => {$(
        impl $t {
            /// The JSON body.
            pub fn to_json(&self) -> String {
                serde_json::to_string(self).expect("plain values always serialise")
            }
        }
    )+};
}
to_json!(
    CertificateResponse,
    SessionStartResponse,
    SessionStatusResponse,
    ErrorResponse
);

/// Reads a `POST /certificate` answer.
pub fn parse_certificate_response(body: &[u8]) -> Result<CertificateResponse, Error> {
    const WHAT: &str = "certificate response";
    let map = parse_object(WHAT, body)?;
    let f = Fields::new(WHAT, &map);
    let result = f.required_code("result", CertificateResult::from_wire)?;
    let cert = f.optional_base64("cert")?;
    match (result, &cert) {
        (CertificateResult::Ok, None) => {
            return Err(Error::MissingField {
                what: WHAT,
                field: "cert".to_owned(),
            });
        }
        (CertificateResult::NotFound, Some(_)) => {
            return Err(Error::InconsistentResponse {
                what: WHAT,
                reason: "result NOT_FOUND with a certificate".to_owned(),
            });
        }
        _ => {}
    }
    Ok(CertificateResponse {
        result,
        cert,
        time: f.optional_text("time", MAX_META)?,
        trace_id: f.optional_text("traceId", MAX_META)?,
    })
}

/// Reads a `POST /authentication` or `POST /signature` answer; the session ID must be usable
/// in a URL path (see [`SessionId`]).
pub fn parse_session_start_response(body: &[u8]) -> Result<SessionStartResponse, Error> {
    const WHAT: &str = "session start response";
    let map = parse_object(WHAT, body)?;
    let f = Fields::new(WHAT, &map);
    let session_id = f.required_str("sessionID")?;
    SessionId::check(session_id).map_err(|reason| Error::InvalidField {
        what: WHAT,
        field: "sessionID".to_owned(),
        reason: reason.to_owned(),
    })?;
    Ok(SessionStartResponse {
        session_id: session_id.to_owned(),
    })
}

/// Reads a session status answer, checking that the fields agree with `state` and `result`.
pub fn parse_session_status_response(body: &[u8]) -> Result<SessionStatusResponse, Error> {
    const WHAT: &str = "session status response";
    let map = parse_object(WHAT, body)?;
    let f = Fields::new(WHAT, &map);
    let state = f.required_code("state", SessionState::from_wire)?;
    let result = f.optional_code("result", SessionResult::from_wire_or_legacy)?;
    let signature = match f.optional_object("signature", "signature.")? {
        None => None,
        Some(s) => Some(SignatureValue {
            algorithm: s.required_code("algorithm", SignatureAlgorithm::from_wire)?,
            value: s.required_base64("value")?,
        }),
    };
    let cert = f.optional_base64("cert")?;
    let inconsistent = |reason: &str| {
        Err(Error::InconsistentResponse {
            what: WHAT,
            reason: reason.to_owned(),
        })
    };
    match (state, result) {
        (SessionState::Running, Some(_)) => return inconsistent("RUNNING with a result"),
        (SessionState::Running, None) if signature.is_some() || cert.is_some() => {
            return inconsistent("RUNNING with a signature or certificate");
        }
        (SessionState::Complete, None) => {
            return Err(Error::MissingField {
                what: WHAT,
                field: "result".to_owned(),
            });
        }
        (SessionState::Complete, Some(SessionResult::Ok)) if signature.is_none() => {
            return Err(Error::MissingField {
                what: WHAT,
                field: "signature".to_owned(),
            });
        }
        _ => {}
    }
    Ok(SessionStatusResponse {
        state,
        result,
        signature,
        cert,
        time: f.optional_text("time", MAX_META)?,
        trace_id: f.optional_text("traceId", MAX_META)?,
    })
}

/// Reads an error body.
pub fn parse_error_response(body: &[u8]) -> Result<ErrorResponse, Error> {
    const WHAT: &str = "error response";
    let map = parse_object(WHAT, body)?;
    let f = Fields::new(WHAT, &map);
    Ok(ErrorResponse {
        error: f.required_text("error", super::json::MAX_BODY_LEN)?,
        time: f.optional_text("time", MAX_META)?,
        trace_id: f.optional_text("traceId", MAX_META)?,
    })
}
