//! Failures on their way into JavaScript: a `KnikError` with the same stable code as in Rust.
//!
//! wasm-bindgen cannot subclass `Error`, so Rust throws a plain JS `Error` whose `name` is
//! `"KnikError"` and which carries a `code` property; the ESM wrapper (`js/common.js`) turns it
//! into an instance of its exported `KnikError` class, so `instanceof KnikError` works.

use wasm_bindgen::JsValue;

/// The codes of this binding's own failures. Every other code a `KnikError` carries is the
/// Rust crates' own (`WEBEID_…` from `knik_webeid::Error::code`, `CERT_PEM_INVALID`,
/// `DER_MALFORMED`, … from `knik_pki::Error::code`).
pub mod codes {
    /// An option passed from JavaScript has the wrong type or an unreadable value (a
    /// validation time that is not RFC 3339, a certificate list that is not an array).
    pub const OPTIONS_INVALID: &str = "OPTIONS_INVALID";
    /// The token validation needed more OCSP round trips through the callback than a
    /// certification path can need: the requests did not repeat, which is a bug.
    pub const OCSP_PASSES_EXCEEDED: &str = "OCSP_PASSES_EXCEEDED";
    /// The browser entry was used before `await init()` loaded the module (thrown by the
    /// JavaScript wrapper).
    pub const NOT_INITIALIZED: &str = "NOT_INITIALIZED";
    /// Something that cannot happen did (a report that does not serialise): a bug.
    pub const INTERNAL: &str = "INTERNAL";
    /// Every code above.
    pub const ALL: &[&str] = &[
        OPTIONS_INVALID,
        OCSP_PASSES_EXCEEDED,
        NOT_INITIALIZED,
        INTERNAL,
    ];
}

/// A failure with its stable machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The stable code (`WEBEID_CERT_REVOKED`, `CERT_PEM_INVALID`, `OPTIONS_INVALID`, …).
    pub code: String,
    /// What went wrong.
    pub message: String,
}

impl Failure {
    /// A failure from its parts.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            code: code.into(),
            message: message.into(),
        }
    }

    /// A bad option: `option` names it as the JavaScript caller wrote it.
    pub fn option(option: &str, reason: impl core::fmt::Display) -> Self {
        Failure::new(
            codes::OPTIONS_INVALID,
            format!("option `{option}`: {reason}"),
        )
    }

    /// The JS `Error` (name `KnikError`, property `code`) to throw.
    pub fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        error.set_name("KnikError");
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &self.code.into());
        error.into()
    }
}

impl From<knik_webeid::Error> for Failure {
    fn from(error: knik_webeid::Error) -> Self {
        Failure::new(error.code(), error.to_string())
    }
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}
