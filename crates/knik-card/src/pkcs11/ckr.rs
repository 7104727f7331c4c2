//! PKCS#11 return values and token flags → [`crate::Error`] and PIN state.
//!
//! Mapping (reference/web-eid.md §4.5): `CKR_PIN_INCORRECT` → a wrong PIN, with the tries left
//! read from the token flags afterwards; `CKR_PIN_LOCKED` → blocked; `CKR_PIN_LEN_RANGE` → PIN
//! format; `CKR_FUNCTION_CANCELED` → PIN entry cancelled (PIN pad / the module's own dialog);
//! `CKR_DEVICE_REMOVED`, `CKR_TOKEN_NOT_PRESENT` → the card was removed; anything else →
//! [`Error::Pkcs11`] with the function and the return value's `CKR_…` name.

use cryptoki::error::{Error as CkError, RvError};

use super::provider::TokenFlags;
use crate::error::Error;
use crate::pin::PinKind;
use crate::transport::TransportError;

/// What the token flags say about the tries left of one PIN.
///
/// PKCS#11 has no retry counter, only flags (PKCS#11 v2.40 §3.2, CK_TOKEN_INFO):
/// `…_PIN_LOCKED` ⇒ none left, `…_PIN_FINAL_TRY` ⇒ one, `…_PIN_COUNT_LOW` ⇒ two (the
/// interpretation Web eID uses for cards with three tries; the standard itself only says "an
/// incorrect PIN was entered since the last success"), none of them ⇒ unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tries {
    Blocked,
    Left(u8),
    Unknown,
}

impl Tries {
    /// PIN1/PIN2 are the token's user PIN; the PUK is its security-officer PIN.
    pub(crate) fn from_flags(kind: PinKind, f: &TokenFlags) -> Tries {
        let (locked, final_try, low) = match kind {
            PinKind::Puk => (f.so_pin_locked, f.so_pin_final_try, f.so_pin_count_low),
            PinKind::Pin1 | PinKind::Pin2 => (
                f.user_pin_locked,
                f.user_pin_final_try,
                f.user_pin_count_low,
            ),
        };
        if locked {
            Tries::Blocked
        } else if final_try {
            Tries::Left(1)
        } else if low {
            Tries::Left(2)
        } else {
            Tries::Unknown
        }
    }

    /// The error for a PIN the token just refused.
    pub(crate) fn wrong_pin(self, kind: PinKind) -> Error {
        match self {
            Tries::Blocked => Error::PinBlocked { kind },
            Tries::Left(retries_left) => Error::WrongPin { kind, retries_left },
            Tries::Unknown => Error::WrongPinRetriesUnknown { kind },
        }
    }
}

/// `CKR_PIN_INCORRECT` and friends, for a call that carried `kind`. `flags_after` reads the
/// token flags once the call failed (only used for `CKR_PIN_INCORRECT`); `len` is the token's
/// PIN length range.
pub(crate) fn pin_error(
    e: CkError,
    kind: PinKind,
    len: (u8, u8),
    flags_after: impl FnOnce() -> Option<TokenFlags>,
) -> Error {
    match &e {
        CkError::Pkcs11(RvError::PinIncorrect, _) => match flags_after() {
            Some(f) => Tries::from_flags(kind, &f).wrong_pin(kind),
            None => Error::WrongPinRetriesUnknown { kind },
        },
        CkError::Pkcs11(RvError::PinLocked, _) => Error::PinBlocked { kind },
        CkError::Pkcs11(RvError::PinLenRange, _) => Error::PinFormat {
            kind,
            min: len.0,
            max: len.1,
        },
        CkError::Pkcs11(RvError::PinInvalid, _) => Error::PinNotAccepted {
            kind,
            reason: "the card does not accept these characters".to_string(),
        },
        _ => error(e),
    }
}

/// Any cryptoki error that is not about a PIN.
pub(crate) fn error(e: CkError) -> Error {
    match e {
        CkError::Pkcs11(rv, function) => match rv {
            RvError::DeviceRemoved | RvError::TokenNotPresent => {
                Error::Transport(TransportError::CardRemoved)
            }
            RvError::FunctionCanceled => Error::PinEntryCancelled,
            rv => Error::Pkcs11 {
                function: format!("C_{function:?}"),
                rv: rv_name(&rv),
            },
        },
        CkError::LibraryLoading(e) => Error::Pkcs11Module(e.to_string()),
        other => Error::Pkcs11 {
            function: "cryptoki".to_string(),
            rv: other.to_string(),
        },
    }
}

/// `RvError::PinIncorrect` → `CKR_PIN_INCORRECT` (cryptoki's variants are the CKR names in
/// camel case; its `Display` is the standard's long description instead).
pub(crate) fn rv_name(rv: &RvError) -> String {
    let camel = format!("{rv:?}");
    let mut out = String::from("CKR");
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cryptoki::context::Function;

    fn flags() -> TokenFlags {
        TokenFlags::default()
    }

    #[test]
    fn return_values_keep_their_standard_names() {
        assert_eq!(rv_name(&RvError::PinIncorrect), "CKR_PIN_INCORRECT");
        assert_eq!(
            rv_name(&RvError::KeyHandleInvalid),
            "CKR_KEY_HANDLE_INVALID"
        );
        let e = error(CkError::Pkcs11(
            RvError::MechanismInvalid,
            Function::SignInit,
        ));
        assert_eq!(
            e,
            Error::Pkcs11 {
                function: "C_SignInit".into(),
                rv: "CKR_MECHANISM_INVALID".into()
            }
        );
    }

    #[test]
    fn a_wrong_pin_reports_what_the_flags_say() {
        let wrong = || CkError::Pkcs11(RvError::PinIncorrect, Function::Login);
        let k = PinKind::Pin2;
        let e = pin_error(wrong(), k, (4, 8), || Some(flags()));
        assert_eq!(e, Error::WrongPinRetriesUnknown { kind: k });
        assert_eq!(e.code(), "CARD_WRONG_PIN_RETRIES_UNKNOWN");
        let low = TokenFlags {
            user_pin_count_low: true,
            ..flags()
        };
        assert_eq!(
            pin_error(wrong(), k, (4, 8), || Some(low)),
            Error::WrongPin {
                kind: k,
                retries_left: 2
            }
        );
        let last = TokenFlags {
            user_pin_count_low: true,
            user_pin_final_try: true,
            ..flags()
        };
        assert_eq!(
            pin_error(wrong(), k, (4, 8), || Some(last)),
            Error::WrongPin {
                kind: k,
                retries_left: 1
            }
        );
        let locked = TokenFlags {
            user_pin_locked: true,
            ..flags()
        };
        assert_eq!(
            pin_error(wrong(), k, (4, 8), || Some(locked)),
            Error::PinBlocked { kind: k }
        );
        // The PUK is the security officer's PIN: the user flags do not count for it.
        assert_eq!(
            pin_error(wrong(), PinKind::Puk, (4, 8), || Some(locked)),
            Error::WrongPinRetriesUnknown { kind: PinKind::Puk }
        );
    }

    #[test]
    fn removal_cancel_and_length_have_their_own_errors() {
        let e = |rv| {
            pin_error(
                CkError::Pkcs11(rv, Function::Login),
                PinKind::Pin1,
                (4, 12),
                || None,
            )
        };
        assert_eq!(
            e(RvError::DeviceRemoved),
            Error::Transport(TransportError::CardRemoved)
        );
        assert_eq!(
            e(RvError::TokenNotPresent),
            Error::Transport(TransportError::CardRemoved)
        );
        assert_eq!(e(RvError::FunctionCanceled), Error::PinEntryCancelled);
        assert_eq!(
            e(RvError::PinLocked),
            Error::PinBlocked {
                kind: PinKind::Pin1
            }
        );
        assert_eq!(
            e(RvError::PinLenRange),
            Error::PinFormat {
                kind: PinKind::Pin1,
                min: 4,
                max: 12
            }
        );
    }
}
