//! What the host writes: the version handshake, one answer per command, or an error
//! (reference/web-eid.md §1.3–§1.5).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Error;
use crate::algorithm::SignatureAlgorithm;
use crate::native_messaging::ErrorCode;
use crate::token::AuthToken;

/// The first frame the host writes: `{"version": "<semver>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handshake {
    /// The host's SemVer version (`2.9.0+927`); the extension strips a leading `v`.
    pub version: String,
}

impl Handshake {
    /// A handshake announcing `version`.
    pub fn new(version: impl Into<String>) -> Self {
        Handshake {
            version: version.into(),
        }
    }

    /// Reads a handshake frame, as the extension does.
    pub fn from_json(text: &str) -> Result<Handshake, Error> {
        serde_json::from_str(text).map_err(|e| Error::MalformedMessage {
            reason: format!("not a version handshake: {e}"),
        })
    }
}

/// The answer to `get-signing-certificate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningCertificateResponse {
    /// The signing certificate (DER).
    pub certificate: Vec<u8>,
    /// What the card can sign with.
    pub supported_signature_algorithms: Vec<SignatureAlgorithm>,
}

/// The answer to `sign`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignResponse {
    /// The signature: raw `r‖s` for ECDSA, the RSA block for RSA.
    pub signature: Vec<u8>,
    /// How it was made.
    pub signature_algorithm: SignatureAlgorithm,
}

/// An error answer: `{"error": {"code": "ERR_WEBEID_…", "message": "…"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    /// The stable machine code.
    pub code: ErrorCode,
    /// A sentence for the user (never a PIN, never a stack trace).
    pub message: String,
}

impl ErrorResponse {
    /// An error answer with the code's default message.
    pub fn new(code: ErrorCode) -> Self {
        ErrorResponse {
            code,
            message: code.default_message().to_owned(),
        }
    }

    /// The answer for a knik-webeid error: its wire code and its message.
    pub fn from_error(error: &Error) -> Self {
        ErrorResponse {
            code: error.wire_code(),
            message: error.to_string(),
        }
    }
}

/// One answer frame.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Response {
    /// `authenticate`: the authentication token itself.
    Authenticate(AuthToken),
    /// `get-signing-certificate`.
    SigningCertificate(SigningCertificateResponse),
    /// `sign`.
    Sign(SignResponse),
    /// `status`: `{version}`.
    Status(Handshake),
    /// `quit`: `{}`.
    Quit,
    /// Any command failed.
    Error(ErrorResponse),
}

impl Response {
    /// The answer as compact JSON (binary values in standard padded base64).
    pub fn to_json(&self) -> String {
        match self {
            Response::Authenticate(token) => token.to_json(),
            Response::SigningCertificate(r) => json!({
                "certificate": STANDARD.encode(&r.certificate),
                "supportedSignatureAlgorithms": r.supported_signature_algorithms,
            })
            .to_string(),
            Response::Sign(r) => json!({
                "signature": STANDARD.encode(&r.signature),
                "signatureAlgorithm": r.signature_algorithm,
            })
            .to_string(),
            Response::Status(h) => json!({"version": h.version}).to_string(),
            Response::Quit => "{}".to_owned(),
            Response::Error(e) => {
                json!({"error": {"code": e.code, "message": e.message}}).to_string()
            }
        }
    }
}
