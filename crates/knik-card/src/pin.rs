//! PINs: which one, and the secret itself.
//!
//! A [`Pin`] lives in a zeroizing buffer, implements neither `Debug` nor `Display` in clear,
//! and is checked against the profile's rules (length, characters) before anything is sent.

use zeroize::{Zeroize, Zeroizing};

/// Which secret of the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PinKind {
    /// PIN1: authentication (logging in).
    Pin1,
    /// PIN2: qualified signatures.
    Pin2,
    /// PUK: unblocks PIN1 and PIN2.
    Puk,
}

impl PinKind {
    /// The name a citizen knows it by.
    pub fn label(self) -> &'static str {
        match self {
            PinKind::Pin1 => "PIN1",
            PinKind::Pin2 => "PIN2",
            PinKind::Puk => "PUK",
        }
    }

    /// A stable lower-case identifier for JSON and the command line.
    pub fn id(self) -> &'static str {
        match self {
            PinKind::Pin1 => "pin1",
            PinKind::Pin2 => "pin2",
            PinKind::Puk => "puk",
        }
    }
}

impl std::fmt::Display for PinKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A PIN in memory that is wiped when dropped. Never printed.
#[derive(Clone)]
pub struct Pin(Zeroizing<Vec<u8>>);

impl Pin {
    /// Takes the PIN's characters; the caller's `String` is wiped.
    pub fn new(mut s: String) -> Pin {
        let pin = Pin(Zeroizing::new(s.as_bytes().to_vec()));
        s.zeroize();
        pin
    }

    /// Copies the PIN from bytes (the caller wipes its own buffer).
    pub fn from_bytes(b: &[u8]) -> Pin {
        Pin(Zeroizing::new(b.to_vec()))
    }

    /// The PIN's bytes, for building a VERIFY command or a PKCS#11 login.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of characters (bytes; PINs are ASCII).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for an empty PIN (which means "use the reader's PIN pad" where one exists).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(***)")
    }
}

impl PartialEq for Pin {
    fn eq(&self, other: &Self) -> bool {
        // Constant-time enough for a local comparison; used by tests and the virtual card.
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(other.0.iter())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_pin() {
        let p = Pin::new("1234".to_string());
        assert_eq!(format!("{p:?}"), "Pin(***)");
        assert_eq!(p.expose(), b"1234");
    }
}
