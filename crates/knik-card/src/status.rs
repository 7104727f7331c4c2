//! ISO/IEC 7816-4 status words (SW1 SW2) and what they mean for knik.
//!
//! A [`StatusWord`] round-trips to `u16` and `(sw1, sw2)`. The classification helpers cover the
//! three words the channel acts on itself (`61xx`, `6Cxx`, `63Cx`); [`StatusWord::check`] and
//! [`StatusWord::check_pin`] turn everything else into a typed [`Error`] (ISO 7816-4 §5.6,
//! docs/cards.md "Card rules").

use std::fmt;

use crate::error::{Error, Result};
use crate::pin::PinKind;

/// The two status bytes that end every response APDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusWord(pub u16);

impl StatusWord {
    /// `9000`: normal processing.
    pub const SUCCESS: StatusWord = StatusWord(0x9000);
    /// `6282`: end of file reached before Le bytes were read.
    pub const END_OF_FILE: StatusWord = StatusWord(0x6282);
    /// `6700`: wrong length.
    pub const WRONG_LENGTH: StatusWord = StatusWord(0x6700);
    /// `6982`: security status not satisfied (no verified PIN).
    pub const SECURITY_STATUS_NOT_SATISFIED: StatusWord = StatusWord(0x6982);
    /// `6983`: authentication method blocked.
    pub const AUTH_METHOD_BLOCKED: StatusWord = StatusWord(0x6983);
    /// `6984`: reference data not usable (also reported for a blocked PIN).
    pub const REFERENCE_DATA_NOT_USABLE: StatusWord = StatusWord(0x6984);
    /// `6985`: conditions of use not satisfied (e.g. no MSE:SET before a PSO).
    pub const CONDITIONS_NOT_SATISFIED: StatusWord = StatusWord(0x6985);
    /// `6A80`: incorrect data in the command.
    pub const INCORRECT_DATA: StatusWord = StatusWord(0x6A80);
    /// `6A82`: file or application not found.
    pub const FILE_NOT_FOUND: StatusWord = StatusWord(0x6A82);
    /// `6A88`: referenced data (key, PIN) not found.
    pub const REFERENCED_DATA_NOT_FOUND: StatusWord = StatusWord(0x6A88);
    /// `6B00`: wrong P1-P2 (for READ BINARY: offset beyond the file).
    pub const WRONG_P1P2: StatusWord = StatusWord(0x6B00);
    /// `6D00`: instruction not supported.
    pub const INS_NOT_SUPPORTED: StatusWord = StatusWord(0x6D00);
    /// `6E00`: class not supported.
    pub const CLA_NOT_SUPPORTED: StatusWord = StatusWord(0x6E00);

    /// Builds a status word from SW1 and SW2.
    pub const fn from_bytes(sw1: u8, sw2: u8) -> StatusWord {
        StatusWord(((sw1 as u16) << 8) | sw2 as u16)
    }

    /// The status word as a number, e.g. `0x9000`.
    pub const fn to_u16(self) -> u16 {
        self.0
    }

    /// SW1.
    pub const fn sw1(self) -> u8 {
        (self.0 >> 8) as u8
    }

    /// SW2.
    pub const fn sw2(self) -> u8 {
        (self.0 & 0xFF) as u8
    }

    /// `(SW1, SW2)`.
    pub const fn to_bytes(self) -> (u8, u8) {
        (self.sw1(), self.sw2())
    }

    /// `9000`.
    pub const fn is_success(self) -> bool {
        self.0 == 0x9000
    }

    /// `61xx`: this many more response bytes wait for a GET RESPONSE (`6100` means 256).
    pub const fn bytes_available(self) -> Option<usize> {
        if self.sw1() == 0x61 {
            Some(self.sw2_as_length())
        } else {
            None
        }
    }

    /// `6Cxx`: wrong Le; resend the same command with Le = xx (`6C00` means 256).
    pub const fn correct_le(self) -> Option<usize> {
        if self.sw1() == 0x6C {
            Some(self.sw2_as_length())
        } else {
            None
        }
    }

    /// SW2 as a length byte, where `00` stands for 256 (ISO/IEC 7816-4 §5.1.3).
    const fn sw2_as_length(self) -> usize {
        if self.sw2() == 0 {
            256
        } else {
            self.sw2() as usize
        }
    }

    /// `63Cx`: a verification failed and `x` tries are left.
    pub const fn retries_left(self) -> Option<u8> {
        if self.sw1() == 0x63 && self.sw2() & 0xF0 == 0xC0 {
            Some(self.sw2() & 0x0F)
        } else {
            None
        }
    }

    /// `9000` → `Ok`; anything else → the typed error for `operation` (see [`StatusWord::to_error`]).
    pub fn check(self, operation: &str) -> Result<()> {
        if self.is_success() {
            Ok(())
        } else {
            Err(self.to_error(operation))
        }
    }

    /// Like [`StatusWord::check`] for a command that presents `kind` (VERIFY, CHANGE REFERENCE
    /// DATA, RESET RETRY COUNTER): `63Cx` becomes [`Error::WrongPin`] (or [`Error::PinBlocked`]
    /// when `x` is 0), `6983` / `6984` become [`Error::PinBlocked`] (web-eid.md §4.5).
    pub fn check_pin(self, kind: PinKind, operation: &str) -> Result<()> {
        if self.is_success() {
            return Ok(());
        }
        if let Some(retries_left) = self.retries_left() {
            return Err(if retries_left == 0 {
                Error::PinBlocked { kind }
            } else {
                Error::WrongPin { kind, retries_left }
            });
        }
        match self {
            StatusWord::AUTH_METHOD_BLOCKED | StatusWord::REFERENCE_DATA_NOT_USABLE => {
                Err(Error::PinBlocked { kind })
            }
            _ => Err(self.to_error(operation)),
        }
    }

    /// The typed error for a status word that is not success, for `operation` (e.g.
    /// "SELECT auth application"):
    /// `6982` → [`Error::SecurityStatusNotSatisfied`], `6A82` / `6A88` → [`Error::NotFound`],
    /// everything else (`6985`, `6700`, `6D00`, …) → [`Error::Status`] with the word.
    pub fn to_error(self, operation: &str) -> Error {
        match self {
            StatusWord::SECURITY_STATUS_NOT_SATISFIED => Error::SecurityStatusNotSatisfied {
                operation: operation.to_string(),
            },
            StatusWord::FILE_NOT_FOUND => {
                Error::NotFound(format!("the file or application of {operation}"))
            }
            StatusWord::REFERENCED_DATA_NOT_FOUND => {
                Error::NotFound(format!("the key or PIN reference of {operation}"))
            }
            sw => Error::Status {
                operation: operation.to_string(),
                sw,
            },
        }
    }
}

impl From<u16> for StatusWord {
    fn from(v: u16) -> Self {
        StatusWord(v)
    }
}

impl From<StatusWord> for u16 {
    fn from(sw: StatusWord) -> Self {
        sw.0
    }
}

impl From<(u8, u8)> for StatusWord {
    fn from((sw1, sw2): (u8, u8)) -> Self {
        StatusWord::from_bytes(sw1, sw2)
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_displays_as_four_hex_digits() {
        let sw = StatusWord::from_bytes(0x6A, 0x82);
        assert_eq!(u16::from(sw), 0x6A82);
        assert_eq!(sw.to_bytes(), (0x6A, 0x82));
        assert_eq!(StatusWord::from(0x6A82u16), sw);
        assert_eq!(StatusWord::from((0x90, 0x00)), StatusWord::SUCCESS);
        assert_eq!(sw.to_string(), "6A82");
        assert_eq!(StatusWord(0x0001).to_string(), "0001");
    }

    #[test]
    fn classifies_61xx_6cxx_63cx() {
        assert_eq!(StatusWord(0x6110).bytes_available(), Some(0x10));
        assert_eq!(StatusWord(0x6100).bytes_available(), Some(256));
        assert_eq!(StatusWord(0x9000).bytes_available(), None);
        assert_eq!(StatusWord(0x6C20).correct_le(), Some(0x20));
        assert_eq!(StatusWord(0x6C00).correct_le(), Some(256));
        assert_eq!(StatusWord(0x63C2).retries_left(), Some(2));
        assert_eq!(StatusWord(0x63C0).retries_left(), Some(0));
        assert_eq!(StatusWord(0x6300).retries_left(), None);
        assert!(StatusWord::SUCCESS.is_success());
        assert!(!StatusWord::END_OF_FILE.is_success());
    }

    #[test]
    fn pin_status_words_become_typed_errors() {
        let k = PinKind::Pin1;
        assert_eq!(StatusWord(0x9000).check_pin(k, "VERIFY"), Ok(()));
        assert_eq!(
            StatusWord(0x63C2).check_pin(k, "VERIFY"),
            Err(Error::WrongPin {
                kind: k,
                retries_left: 2
            })
        );
        assert_eq!(
            StatusWord(0x63C0).check_pin(k, "VERIFY"),
            Err(Error::PinBlocked { kind: k })
        );
        assert_eq!(
            StatusWord(0x6983).check_pin(k, "VERIFY"),
            Err(Error::PinBlocked { kind: k })
        );
        assert_eq!(
            StatusWord(0x6984).check_pin(k, "VERIFY"),
            Err(Error::PinBlocked { kind: k })
        );
        assert_eq!(
            StatusWord(0x6700).check_pin(k, "VERIFY"),
            Err(Error::Status {
                operation: "VERIFY".into(),
                sw: StatusWord(0x6700)
            })
        );
    }

    #[test]
    fn other_status_words_become_typed_errors() {
        assert!(matches!(
            StatusWord(0x6A82).check("SELECT"),
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            StatusWord(0x6A88).check("MSE:SET"),
            Err(Error::NotFound(_))
        ));
        assert_eq!(
            StatusWord(0x6982).check("INTERNAL AUTHENTICATE"),
            Err(Error::SecurityStatusNotSatisfied {
                operation: "INTERNAL AUTHENTICATE".into()
            })
        );
        assert_eq!(
            StatusWord(0x6985).check("PSO"),
            Err(Error::Status {
                operation: "PSO".into(),
                sw: StatusWord(0x6985)
            })
        );
        assert_eq!(StatusWord(0x9000).check("x"), Ok(()));
    }
}
