//! The form of a challenge nonce: 44–128 characters of standard padded base64
//! (spec/browser.md "Nonce", reference/web-eid.md §1.4).
//!
//! The nonce is signed as *text* (its base64 characters), never decoded for use; the base64
//! check only keeps junk out of the signed value and the logs.

use core::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::Error;

/// Shortest nonce: base64 of 32 bytes.
pub const MIN_NONCE_LEN: usize = 44;
/// Longest nonce: base64 of 96 bytes.
pub const MAX_NONCE_LEN: usize = 128;

/// Why a nonce was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NonceProblem {
    /// Fewer than [`MIN_NONCE_LEN`] characters.
    TooShort {
        /// Its length.
        length: usize,
    },
    /// More than [`MAX_NONCE_LEN`] characters.
    TooLong {
        /// Its length.
        length: usize,
    },
    /// A character outside the base64 alphabet (`A–Z a–z 0–9 + / =`).
    InvalidCharacter {
        /// Byte offset of the first such character.
        position: usize,
    },
    /// The characters are base64's, but padding or length is wrong.
    NotBase64 {
        /// What the decoder reported.
        reason: String,
    },
}

impl fmt::Display for NonceProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NonceProblem::TooShort { length } => {
                write!(
                    f,
                    "{length} characters, at least {MIN_NONCE_LEN} are required"
                )
            }
            NonceProblem::TooLong { length } => {
                write!(
                    f,
                    "{length} characters, at most {MAX_NONCE_LEN} are allowed"
                )
            }
            NonceProblem::InvalidCharacter { position } => {
                write!(f, "character at offset {position} is not base64")
            }
            NonceProblem::NotBase64 { reason } => write!(f, "not standard base64: {reason}"),
        }
    }
}

/// Checks that `nonce` is 44–128 characters of standard padded base64.
pub fn check_nonce(nonce: &str) -> Result<(), Error> {
    let fail = |problem| Err(Error::InvalidNonce { problem });
    let length = nonce.len();
    if length < MIN_NONCE_LEN {
        return fail(NonceProblem::TooShort { length });
    }
    if length > MAX_NONCE_LEN {
        return fail(NonceProblem::TooLong { length });
    }
    if let Some(position) = nonce
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='))
    {
        return fail(NonceProblem::InvalidCharacter { position });
    }
    if let Err(e) = STANDARD.decode(nonce) {
        return fail(NonceProblem::NotBase64 {
            reason: e.to_string(),
        });
    }
    Ok(())
}
