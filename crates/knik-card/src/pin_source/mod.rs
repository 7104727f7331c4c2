//! Where PINs come from: a terminal prompt, a pinentry dialog, standard input or the
//! environment (for automation), a binding callback on mobile.
//!
//! The card layer never asks the user itself: it describes what it needs in a [`PinRequest`]
//! (which secret, for what, how many tries are left, the length rules, whose card) and a
//! [`PinSource`] answers with a [`Pin`]. The request also builds the sentence the user reads, so
//! every source words it alike (`spec/cards.md` "PINs", `reference/web-eid.md` §1.8).

mod assuan;
mod env;
mod pinentry;
mod stdin;
mod terminal;

pub use env::EnvPinSource;
pub use pinentry::{Confirmation, PinentrySource};
pub use stdin::StdinPinSource;
pub use terminal::TerminalPinSource;

use crate::error::Result;
use crate::pin::{Pin, PinKind};

/// Why a secret is asked for; decides the wording and whether the entry is a new PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PinPurpose {
    /// PIN1 to sign in (authentication key).
    Authenticate,
    /// PIN2 to make a qualified signature.
    Sign,
    /// Check a PIN without using a key.
    Verify,
    /// The current PIN (or PUK) before changing it.
    ChangeCurrent,
    /// The new PIN (or PUK) of a change; sources that can ask twice do.
    ChangeNew,
    /// The PUK, to unblock [`PinRequest::kind`].
    Unblock,
    /// The new PIN set by an unblock; sources that can ask twice do.
    UnblockNew,
}

impl PinPurpose {
    /// True when the user chooses a new secret (then interactive sources ask twice).
    pub fn is_new(self) -> bool {
        matches!(self, PinPurpose::ChangeNew | PinPurpose::UnblockNew)
    }
}

/// What the card layer needs from the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinRequest<'a> {
    /// The PIN the operation is about. For [`PinPurpose::Unblock`] this is the PIN being
    /// unblocked, and the secret asked for is the PUK (see [`PinRequest::secret_kind`]).
    pub kind: PinKind,
    /// Why it is asked for.
    pub purpose: PinPurpose,
    /// Tries left of the secret asked for, when the card told us.
    pub retries_left: Option<u8>,
    /// The card's maximum number of tries for that secret, when known.
    pub max_tries: Option<u8>,
    /// Shortest allowed length (0 when unknown).
    pub min_len: u8,
    /// Longest allowed length (0 when unknown).
    pub max_len: u8,
    /// Whose card, as the user recognises it, e.g. "PETROSYAN ANI, citizen ID card".
    pub card_label: &'a str,
}

impl<'a> PinRequest<'a> {
    /// A request with no retry or length information; add them with [`PinRequest::retries`]
    /// and [`PinRequest::lengths`].
    pub fn new(kind: PinKind, purpose: PinPurpose, card_label: &'a str) -> PinRequest<'a> {
        PinRequest {
            kind,
            purpose,
            retries_left: None,
            max_tries: None,
            min_len: 0,
            max_len: 0,
            card_label,
        }
    }

    /// Sets the retry counter of the secret asked for.
    pub fn retries(mut self, left: u8, max: u8) -> Self {
        self.retries_left = Some(left);
        self.max_tries = Some(max);
        self
    }

    /// Sets the allowed length.
    pub fn lengths(mut self, min: u8, max: u8) -> Self {
        self.min_len = min;
        self.max_len = max;
        self
    }

    /// The secret the user types: the PUK for [`PinPurpose::Unblock`], else [`PinRequest::kind`].
    pub fn secret_kind(&self) -> PinKind {
        match self.purpose {
            PinPurpose::Unblock => PinKind::Puk,
            _ => self.kind,
        }
    }

    /// True when the user chooses a new secret.
    pub fn is_new(&self) -> bool {
        self.purpose.is_new()
    }

    /// The sentence the user reads, e.g. "Enter PIN2 to sign as PETROSYAN ANI (2 tries left)".
    pub fn sentence(&self) -> String {
        let k = self.kind.label();
        let who = self.card_label;
        let mut s = match self.purpose {
            PinPurpose::Authenticate => format!("Enter {k} to authenticate as {who}"),
            PinPurpose::Sign => format!("Enter {k} to sign as {who}"),
            PinPurpose::Verify => format!("Enter {k} of {who} to check it"),
            PinPurpose::ChangeCurrent => format!("Enter the current {k} of {who}"),
            PinPurpose::ChangeNew | PinPurpose::UnblockNew => {
                format!("Choose a new {k} for {who}")
            }
            PinPurpose::Unblock => format!("Enter the PUK of {who} to unblock {k}"),
        };
        if self.is_new() {
            if let Some(rule) = self.length_rule() {
                s.push_str(&format!(" ({rule})"));
            }
        } else if let Some(n) = self.retries_to_show() {
            s.push_str(&format!(" ({})", tries_left(n)));
        }
        s
    }

    /// The sentence for the second entry of a new PIN.
    pub fn confirm_sentence(&self) -> String {
        format!("Enter the new {} again", self.secret_kind().label())
    }

    /// A short window title for dialogs.
    pub fn title(&self) -> String {
        let k = self.kind.label();
        match self.purpose {
            PinPurpose::Authenticate => "Authentication".to_string(),
            PinPurpose::Sign => "Signing".to_string(),
            PinPurpose::Verify => format!("Check {k}"),
            PinPurpose::ChangeCurrent | PinPurpose::ChangeNew => format!("Change {k}"),
            PinPurpose::Unblock | PinPurpose::UnblockNew => format!("Unblock {k}"),
        }
    }

    /// The label beside the entry field, e.g. "PIN2:" or "New PIN1:".
    pub fn field_label(&self) -> String {
        if self.is_new() {
            format!("New {}:", self.secret_kind().label())
        } else {
            format!("{}:", self.secret_kind().label())
        }
    }

    /// "N tries left" when the secret was entered wrongly before (retries below the maximum, or
    /// the maximum unknown); `None` when nothing needs saying.
    pub fn retry_notice(&self) -> Option<String> {
        if self.is_new() {
            return None;
        }
        self.retries_to_show().map(tries_left)
    }

    fn retries_to_show(&self) -> Option<u8> {
        let left = self.retries_left?;
        match self.max_tries {
            Some(max) if left >= max => None,
            _ => Some(left),
        }
    }

    fn length_rule(&self) -> Option<String> {
        match (self.min_len, self.max_len) {
            (0, 0) => None,
            (min, max) if min == max => Some(format!("{min} digits")),
            (0, max) => Some(format!("at most {max} digits")),
            (min, 0) => Some(format!("at least {min} digits")),
            (min, max) => Some(format!("{min} to {max} digits")),
        }
    }
}

fn tries_left(n: u8) -> String {
    if n == 1 {
        "1 try left".to_string()
    } else {
        format!("{n} tries left")
    }
}

/// Something that can give a PIN when the card layer needs one.
///
/// Implementations return [`crate::Error::PinEntryCancelled`] when the user gives up,
/// [`crate::Error::PinSourceUnavailable`] when they cannot ask at all, and
/// [`crate::Error::PinNotAccepted`] when the two entries of a new PIN differ. They never put
/// the PIN in an error, a log line or a `Debug` output. Length and charset are checked by the
/// card layer against the profile, not here.
pub trait PinSource {
    /// Asks for one secret.
    fn pin(&mut self, request: &PinRequest<'_>) -> Result<Pin>;
}

impl<S: PinSource + ?Sized> PinSource for Box<S> {
    fn pin(&mut self, request: &PinRequest<'_>) -> Result<Pin> {
        (**self).pin(request)
    }
}

impl<S: PinSource + ?Sized> PinSource for &mut S {
    fn pin(&mut self, request: &PinRequest<'_>) -> Result<Pin> {
        (**self).pin(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_sentence_names_the_holder_and_the_tries_left() {
        let r = PinRequest::new(PinKind::Pin2, PinPurpose::Sign, "PETROSYAN ANI").retries(2, 3);
        assert_eq!(
            r.sentence(),
            "Enter PIN2 to sign as PETROSYAN ANI (2 tries left)"
        );
        assert_eq!(r.retry_notice().as_deref(), Some("2 tries left"));
        assert_eq!(r.title(), "Signing");
        assert_eq!(r.field_label(), "PIN2:");
    }

    #[test]
    fn full_counter_is_not_mentioned_and_one_try_is_singular() {
        let full = PinRequest::new(
            PinKind::Pin1,
            PinPurpose::Authenticate,
            "PETROSYAN ANI, citizen ID card",
        )
        .retries(3, 3);
        assert_eq!(
            full.sentence(),
            "Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card"
        );
        assert_eq!(full.retry_notice(), None);
        let last = full.clone().retries(1, 3);
        assert!(last.sentence().ends_with("(1 try left)"));
        let unknown_max = PinRequest {
            max_tries: None,
            ..last
        };
        assert_eq!(unknown_max.retry_notice().as_deref(), Some("1 try left"));
    }

    #[test]
    fn unblock_asks_for_the_puk_and_new_pins_state_the_length() {
        let puk = PinRequest::new(PinKind::Pin2, PinPurpose::Unblock, "MÜLLER JONAS").retries(2, 3);
        assert_eq!(puk.secret_kind(), PinKind::Puk);
        assert_eq!(
            puk.sentence(),
            "Enter the PUK of MÜLLER JONAS to unblock PIN2 (2 tries left)"
        );
        assert_eq!(puk.field_label(), "PUK:");

        let new = PinRequest::new(PinKind::Pin2, PinPurpose::UnblockNew, "MÜLLER JONAS")
            .retries(0, 3)
            .lengths(5, 12);
        assert!(new.is_new());
        assert_eq!(
            new.sentence(),
            "Choose a new PIN2 for MÜLLER JONAS (5 to 12 digits)"
        );
        assert_eq!(
            new.retry_notice(),
            None,
            "a blocked counter is irrelevant for the new PIN"
        );
        assert_eq!(new.field_label(), "New PIN2:");
        assert_eq!(new.confirm_sentence(), "Enter the new PIN2 again");
        assert_eq!(new.title(), "Unblock PIN2");

        let change = PinRequest::new(PinKind::Puk, PinPurpose::ChangeNew, "X").lengths(8, 8);
        assert_eq!(change.sentence(), "Choose a new PUK for X (8 digits)");
    }
}
