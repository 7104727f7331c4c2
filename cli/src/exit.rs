//! Exit codes of `knik`, documented in docs/cli.md. They never change meaning.

use knik_card::error::ErrorClass;

/// Success.
pub const OK: u8 = 0;
/// Something unexpected: a bug, or an I/O error outside the card.
pub const FAILURE: u8 = 1;
/// The command line or the configuration was wrong (clap uses 2 as well).
pub const USAGE: u8 = 2;
/// The environment is not ready: no PC/SC service, no reader, no card, no PKCS#11 module.
pub const NOT_READY: u8 = 3;
/// The card is not one knik supports.
pub const UNSUPPORTED_CARD: u8 = 4;
/// A PIN was wrong, malformed or not accepted.
pub const WRONG_PIN: u8 = 5;
/// A PIN is blocked.
pub const PIN_BLOCKED: u8 = 6;
/// The user cancelled.
pub const CANCELLED: u8 = 7;
/// The card was removed, did not answer, or answered something unexpected.
pub const CARD_ERROR: u8 = 8;
/// `knik verify`: the container or a signature is invalid.
pub const INVALID: u8 = 9;
/// `knik verify`: nothing is wrong, but validity cannot be established (no trust anchor,
/// revocation unknown, no signatures).
pub const INDETERMINATE: u8 = 10;
/// A network service (time-stamp authority, OCSP responder) failed.
pub const SERVICE: u8 = 11;

/// The exit code for a card-layer error class (exhaustive: a new class must be placed here).
pub fn for_card_error(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::NotReady => NOT_READY,
        ErrorClass::UnsupportedCard => UNSUPPORTED_CARD,
        ErrorClass::WrongPin => WRONG_PIN,
        ErrorClass::PinBlocked => PIN_BLOCKED,
        ErrorClass::Cancelled => CANCELLED,
        ErrorClass::Card => CARD_ERROR,
        ErrorClass::Caller | ErrorClass::Configuration => USAGE,
    }
}

/// A remote signer's (mobile ID's) stable code → exit code: the person cancelled (7), the
/// service could not be reached, trusted or understood (11), a phone or personal number the
/// service does not know (2), anything else on the person's or provider's side (1).
pub fn for_signer_code(code: &str) -> u8 {
    match code {
        "MID_USER_CANCELLED" => CANCELLED,
        "MID_NETWORK"
        | "MID_TLS"
        | "MID_TLS_NOT_PINNED"
        | "MID_MALFORMED_HTTP"
        | "MID_SERVICE_UNAVAILABLE"
        | "MID_PROVIDER_INTERNAL"
        | "MID_UNEXPECTED_STATUS"
        | "MID_BODY_TOO_LARGE"
        | "MID_MALFORMED_JSON"
        | "MID_MISSING_FIELD"
        | "MID_INVALID_FIELD"
        | "MID_UNKNOWN_CODE"
        | "MID_INCONSISTENT_RESPONSE"
        | "MID_UNAUTHORIZED" => SERVICE,
        "MID_INVALID_PHONE_NUMBER" | "MID_INVALID_NATIONAL_ID" => USAGE,
        _ => FAILURE,
    }
}
