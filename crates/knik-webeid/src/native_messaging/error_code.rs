//! The `ERR_WEBEID_…` codes: Web eID's catalogue (reference/web-eid.md §1.5, §3.3) and knik's
//! finer codes for cases Web eID folds into `ERR_WEBEID_NATIVE_FATAL` (spec/browser.md
//! "Errors").

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    // ----- Web eID -----
    /// The extension acked but never answered in time (library timer).
    ActionTimeout,
    /// The extension gave up waiting for the native reply (user idle).
    UserTimeout,
    /// Major-version incompatibility between library, extension and host.
    VersionMismatch,
    /// The host's version is not SemVer.
    VersionInvalid,
    /// No ack from the extension within 1 s.
    ExtensionUnavailable,
    /// Native host missing, crashed or no handshake.
    NativeUnavailable,
    /// Anything unclassified; malformed native response.
    UnknownError,
    /// The page is not a secure context.
    ContextInsecure,
    /// The user cancelled in the native dialog.
    UserCancelled,
    /// The host refused the command's arguments.
    NativeInvalidArgument,
    /// A native error with no finer code.
    NativeFatal,
    /// The same action is already running.
    ActionPending,
    /// A required parameter was not given to the library.
    MissingParameter,
    // ----- knik's finer native codes (each is NATIVE_FATAL to Web eID) -----
    /// No smart-card reader is connected (or the PC/SC service is not running).
    NativeNoReader,
    /// Readers are present but none holds a card knik supports.
    NativeNoSupportedCard,
    /// The PIN needed for the operation is blocked.
    NativePinBlocked,
    /// The card's signing certificate is not the one the `sign` command named.
    NativeWrongCertificate,
    /// The card was removed during the operation.
    NativeCardRemoved,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 18] = [
        ErrorCode::ActionTimeout,
        ErrorCode::UserTimeout,
        ErrorCode::VersionMismatch,
        ErrorCode::VersionInvalid,
        ErrorCode::ExtensionUnavailable,
        ErrorCode::NativeUnavailable,
        ErrorCode::UnknownError,
        ErrorCode::ContextInsecure,
        ErrorCode::UserCancelled,
        ErrorCode::NativeInvalidArgument,
        ErrorCode::NativeFatal,
        ErrorCode::ActionPending,
        ErrorCode::MissingParameter,
        ErrorCode::NativeNoReader,
        ErrorCode::NativeNoSupportedCard,
        ErrorCode::NativePinBlocked,
        ErrorCode::NativeWrongCertificate,
        ErrorCode::NativeCardRemoved,
    ];

    /// The wire code (`ERR_WEBEID_…`).
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::ActionTimeout => "ERR_WEBEID_ACTION_TIMEOUT",
            ErrorCode::UserTimeout => "ERR_WEBEID_USER_TIMEOUT",
            ErrorCode::VersionMismatch => "ERR_WEBEID_VERSION_MISMATCH",
            ErrorCode::VersionInvalid => "ERR_WEBEID_VERSION_INVALID",
            ErrorCode::ExtensionUnavailable => "ERR_WEBEID_EXTENSION_UNAVAILABLE",
            ErrorCode::NativeUnavailable => "ERR_WEBEID_NATIVE_UNAVAILABLE",
            ErrorCode::UnknownError => "ERR_WEBEID_UNKNOWN_ERROR",
            ErrorCode::ContextInsecure => "ERR_WEBEID_CONTEXT_INSECURE",
            ErrorCode::UserCancelled => "ERR_WEBEID_USER_CANCELLED",
            ErrorCode::NativeInvalidArgument => "ERR_WEBEID_NATIVE_INVALID_ARGUMENT",
            ErrorCode::NativeFatal => "ERR_WEBEID_NATIVE_FATAL",
            ErrorCode::ActionPending => "ERR_WEBEID_ACTION_PENDING",
            ErrorCode::MissingParameter => "ERR_WEBEID_MISSING_PARAMETER",
            ErrorCode::NativeNoReader => "ERR_WEBEID_NATIVE_NO_READER",
            ErrorCode::NativeNoSupportedCard => "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD",
            ErrorCode::NativePinBlocked => "ERR_WEBEID_NATIVE_PIN_BLOCKED",
            ErrorCode::NativeWrongCertificate => "ERR_WEBEID_NATIVE_WRONG_CERTIFICATE",
            ErrorCode::NativeCardRemoved => "ERR_WEBEID_NATIVE_CARD_REMOVED",
        }
    }

    /// Looks a wire code up.
    pub fn from_code(code: &str) -> Option<ErrorCode> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// True for knik's own codes, which Web eID's libraries do not know.
    pub fn is_knik_specific(self) -> bool {
        matches!(
            self,
            ErrorCode::NativeNoReader
                | ErrorCode::NativeNoSupportedCard
                | ErrorCode::NativePinBlocked
                | ErrorCode::NativeWrongCertificate
                | ErrorCode::NativeCardRemoved
        )
    }

    /// The code as Web eID's own software would name it: knik's finer codes become
    /// `ERR_WEBEID_NATIVE_FATAL`, the others stay.
    pub fn web_eid_equivalent(self) -> ErrorCode {
        if self.is_knik_specific() {
            ErrorCode::NativeFatal
        } else {
            self
        }
    }

    /// A sentence a citizen can act on, for when the host has nothing more precise to say.
    pub fn default_message(self) -> &'static str {
        match self {
            ErrorCode::ActionTimeout => "The operation took too long. Please try again.",
            ErrorCode::UserTimeout => "No answer was given in time. Please try again.",
            ErrorCode::VersionMismatch => {
                "The browser extension or the eID software needs an update."
            }
            ErrorCode::VersionInvalid => "The eID software reported an invalid version.",
            ErrorCode::ExtensionUnavailable => {
                "The eID browser extension is not installed or not enabled."
            }
            ErrorCode::NativeUnavailable => "The eID software is not installed or did not start.",
            ErrorCode::UnknownError => "An unexpected error occurred.",
            ErrorCode::ContextInsecure => "This page is not secure (https is required).",
            ErrorCode::UserCancelled => "User cancelled",
            ErrorCode::NativeInvalidArgument => "The request from the web page was invalid.",
            ErrorCode::NativeFatal => "Technical error, see application logs",
            ErrorCode::ActionPending => "The same operation is already in progress.",
            ErrorCode::MissingParameter => "A required parameter is missing.",
            ErrorCode::NativeNoReader => "No card reader is connected. Please connect a reader.",
            ErrorCode::NativeNoSupportedCard => {
                "No supported ID card was found. Please insert your ID card."
            }
            ErrorCode::NativePinBlocked => {
                "The PIN is blocked. Unblock it with the PUK and try again."
            }
            ErrorCode::NativeWrongCertificate => {
                "The card in the reader is not the one the signing started with. Please insert the original ID card."
            }
            ErrorCode::NativeCardRemoved => {
                "The ID card was removed during the operation. Please insert it and try again."
            }
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        ErrorCode::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code `{code}`")))
    }
}
