//! The one error type of knik-card.
//!
//! Card status words become typed variants (`WrongPin { retries_left }`, `PinBlocked`, …), not
//! raw numbers; each variant has a stable machine code ([`Error::code`]) and a sentence a citizen
//! can act on (`Display`). No variant ever carries a PIN.

use crate::pin::PinKind;
use crate::status::StatusWord;
use crate::transport::TransportError;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong between the host and a card or token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The PC/SC service (pcscd) is not running or not reachable.
    #[error("the smart-card service is not running (start pcscd)")]
    ServiceUnavailable,
    /// No card reader is connected.
    #[error("no card reader is connected")]
    NoReaders,
    /// No card is in the reader(s).
    #[error("no card is inserted in {0}")]
    NoCard(String),
    /// The named reader does not exist.
    #[error("there is no card reader named {0:?}")]
    ReaderNotFound(String),
    /// The card in the reader is not one knik supports.
    #[error("the card is not supported (ATR {atr})")]
    UnsupportedCard {
        /// The card's ATR in hex.
        atr: String,
    },
    /// The card did not come back from a transport-level failure.
    #[error("{0}")]
    Transport(TransportError),
    /// A PIN was wrong; the card counts down.
    #[error("wrong {kind}: {retries_left} tries left")]
    WrongPin {
        /// Which PIN.
        kind: PinKind,
        /// Tries left before the PIN is blocked.
        retries_left: u8,
    },
    /// A PIN was wrong, and the token does not say how many tries are left (PKCS#11 modules
    /// report only coarse flags, and none of them was set). Kept apart from [`Error::WrongPin`]
    /// so that no caller is shown an invented count.
    #[error("wrong {kind}; the card does not tell how many tries are left")]
    WrongPinRetriesUnknown {
        /// Which PIN.
        kind: PinKind,
    },
    /// A PIN is blocked (no tries left); PIN1/PIN2 are unblocked with the PUK, the PUK only by
    /// the issuer.
    #[error("{kind} is blocked")]
    PinBlocked {
        /// Which PIN.
        kind: PinKind,
    },
    /// The PIN does not follow the card's rules (length or characters). Nothing was sent.
    #[error("{kind} must be {min} to {max} digits")]
    PinFormat {
        /// Which PIN.
        kind: PinKind,
        /// Shortest allowed.
        min: u8,
        /// Longest allowed.
        max: u8,
    },
    /// The new PIN equals the old one, or the two entries of the new PIN differ.
    #[error("the new {kind} was not accepted: {reason}")]
    PinNotAccepted {
        /// Which PIN.
        kind: PinKind,
        /// Why, in plain words.
        reason: String,
    },
    /// The user cancelled the PIN entry.
    #[error("PIN entry was cancelled")]
    PinEntryCancelled,
    /// No PIN source could provide a PIN (no terminal, no pinentry, nothing in the environment).
    #[error("no way to ask for the {kind}: {reason}")]
    PinSourceUnavailable {
        /// Which PIN.
        kind: PinKind,
        /// What was tried.
        reason: String,
    },
    /// No confirmation dialog could be shown (no pinentry, or it broke down).
    #[error("no way to ask for a confirmation: {reason}")]
    DialogUnavailable {
        /// What was tried.
        reason: String,
    },
    /// The card answered an unexpected status word.
    #[error("the card refused {operation} (status {sw})")]
    Status {
        /// What we asked for, e.g. "SELECT auth application".
        operation: String,
        /// The status word.
        sw: StatusWord,
    },
    /// The card refused an operation that needs a verified PIN (`6982`): the PIN was not
    /// verified, or its verification was consumed or lost (another application selected).
    #[error("the card requires a verified PIN for {operation}")]
    SecurityStatusNotSatisfied {
        /// What we asked for.
        operation: String,
    },
    /// A file, key or certificate the profile names is not on the card.
    #[error("{0} is not on the card")]
    NotFound(String),
    /// The card sent something that does not parse.
    #[error("the card sent malformed {what}: {detail}")]
    Malformed {
        /// Which structure.
        what: String,
        /// What was wrong.
        detail: String,
    },
    /// A caller error: wrong digest length, unsupported algorithm and the like.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The profile file does not parse or is inconsistent.
    #[error("card profile {profile}: {detail}")]
    Profile {
        /// Profile id or file.
        profile: String,
        /// What is wrong.
        detail: String,
    },
    /// A PC/SC call failed in a way not covered above.
    #[error("smart-card service error: {0}")]
    Pcsc(String),
    /// A PKCS#11 module could not be found or loaded.
    #[error("PKCS#11 module not available: {0}")]
    Pkcs11Module(String),
    /// A PKCS#11 call failed.
    #[error("PKCS#11 error in {function}: {rv}")]
    Pkcs11 {
        /// The PKCS#11 function.
        function: String,
        /// The return value name, e.g. CKR_DEVICE_REMOVED.
        rv: String,
    },
}

/// What a caller can do about an [`Error`]: the coarse classes that exit codes, HTTP statuses
/// and UI flows are built on. Deliberately exhaustive: a new class must be placed by every
/// program that maps them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The environment is not ready: no service, reader, card, module or PIN source.
    NotReady,
    /// The card is not one knik supports.
    UnsupportedCard,
    /// A PIN was wrong, malformed or refused as a new PIN: the user may try again.
    WrongPin,
    /// A PIN is blocked.
    PinBlocked,
    /// The user cancelled.
    Cancelled,
    /// The card was removed, did not answer, or refused: try again or check the card.
    Card,
    /// The caller asked for something impossible (wrong digest length and the like).
    Caller,
    /// A profile or configuration file is wrong.
    Configuration,
}

impl Error {
    /// The class of this error (see [`ErrorClass`]).
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::ServiceUnavailable
            | Error::NoReaders
            | Error::NoCard(_)
            | Error::ReaderNotFound(_)
            | Error::Pkcs11Module(_)
            | Error::PinSourceUnavailable { .. }
            | Error::DialogUnavailable { .. } => ErrorClass::NotReady,
            Error::UnsupportedCard { .. } => ErrorClass::UnsupportedCard,
            Error::WrongPin { .. }
            | Error::WrongPinRetriesUnknown { .. }
            | Error::PinFormat { .. }
            | Error::PinNotAccepted { .. } => ErrorClass::WrongPin,
            Error::PinBlocked { .. } => ErrorClass::PinBlocked,
            Error::PinEntryCancelled => ErrorClass::Cancelled,
            Error::InvalidArgument(_) => ErrorClass::Caller,
            Error::Profile { .. } => ErrorClass::Configuration,
            Error::Transport(_)
            | Error::Status { .. }
            | Error::SecurityStatusNotSatisfied { .. }
            | Error::NotFound(_)
            | Error::Malformed { .. }
            | Error::Pcsc(_)
            | Error::Pkcs11 { .. } => ErrorClass::Card,
        }
    }

    /// A stable machine code, documented in docs/cli.md; never changes meaning once released.
    pub fn code(&self) -> &'static str {
        match self {
            Error::ServiceUnavailable => "CARD_SERVICE_UNAVAILABLE",
            Error::NoReaders => "CARD_NO_READERS",
            Error::NoCard(_) => "CARD_NO_CARD",
            Error::ReaderNotFound(_) => "CARD_READER_NOT_FOUND",
            Error::UnsupportedCard { .. } => "CARD_UNSUPPORTED",
            Error::Transport(TransportError::CardRemoved) => "CARD_REMOVED",
            Error::Transport(TransportError::Timeout) => "CARD_TIMEOUT",
            Error::Transport(_) => "CARD_TRANSPORT",
            Error::WrongPin { .. } => "CARD_WRONG_PIN",
            Error::WrongPinRetriesUnknown { .. } => "CARD_WRONG_PIN_RETRIES_UNKNOWN",
            Error::PinBlocked { .. } => "CARD_PIN_BLOCKED",
            Error::PinFormat { .. } => "CARD_PIN_FORMAT",
            Error::PinNotAccepted { .. } => "CARD_PIN_NOT_ACCEPTED",
            Error::PinEntryCancelled => "CARD_PIN_CANCELLED",
            Error::PinSourceUnavailable { .. } => "CARD_PIN_SOURCE_UNAVAILABLE",
            Error::DialogUnavailable { .. } => "CARD_DIALOG_UNAVAILABLE",
            Error::Status { .. } => "CARD_STATUS",
            Error::SecurityStatusNotSatisfied { .. } => "CARD_SECURITY_STATUS_NOT_SATISFIED",
            Error::NotFound(_) => "CARD_NOT_FOUND",
            Error::Malformed { .. } => "CARD_MALFORMED_RESPONSE",
            Error::InvalidArgument(_) => "CARD_INVALID_ARGUMENT",
            Error::Profile { .. } => "CARD_PROFILE",
            Error::Pcsc(_) => "CARD_PCSC",
            Error::Pkcs11Module(_) => "CARD_PKCS11_MODULE",
            Error::Pkcs11 { .. } => "CARD_PKCS11",
        }
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(e)
    }
}
