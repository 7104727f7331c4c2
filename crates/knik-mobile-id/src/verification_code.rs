//! The MID-REST verification code (reference/mobile-id.md §1.5).
//!
//! The top 6 bits of the first byte of the hash that is sent, followed by the low 7 bits of
//! its last byte, form a 13-bit number (0000–8191), shown as 4 zero-padded decimal digits. The
//! phone shows the same code, so the person can check the request is the one on the screen.
//! It is computed over the hash itself (not over the document, and not re-hashed).

use core::fmt;

/// Shortest hash the code is defined for; the official Java client refuses shorter ones too.
const MIN_HASH_LEN: usize = 20;

/// A 4-digit MID-REST verification code, `0000`–`8191`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerificationCode(u16);

impl VerificationCode {
    /// The code for `hash` (the raw digest bytes); `None` when it is shorter than 20 bytes.
    pub fn from_hash_bytes(hash: &[u8]) -> Option<Self> {
        if hash.len() < MIN_HASH_LEN {
            return None;
        }
        let first = u16::from(hash[0] >> 2); // top 6 bits
        let last = u16::from(hash[hash.len() - 1] & 0x7f); // low 7 bits
        Some(VerificationCode((first << 7) | last))
    }

    /// The number, 0–8191.
    pub fn value(self) -> u16 {
        self.0
    }
}

impl fmt::Display for VerificationCode {
    /// Four digits with leading zeros, as on the phone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_and_padding() {
        let mut h = [0u8; 32];
        assert_eq!(
            VerificationCode::from_hash_bytes(&h).unwrap().to_string(),
            "0000"
        );
        h[31] = 0x05;
        assert_eq!(
            VerificationCode::from_hash_bytes(&h).unwrap().to_string(),
            "0005"
        );
        let h = [0xffu8; 64];
        assert_eq!(VerificationCode::from_hash_bytes(&h).unwrap().value(), 8191);
        assert_eq!(VerificationCode::from_hash_bytes(&[1, 2, 3, 4]), None);
    }
}
