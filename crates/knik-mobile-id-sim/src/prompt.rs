//! What the simulated phone shows when a session starts (reference/mobile-id.md §1.3: the
//! relying party's name, the display text and the verification code, then "Enter?" or
//! "Sign?"), recorded so tests can check that the code on the phone is the one on screen.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use knik_mobile_id::{Language, SessionKind, VerificationCode};

/// Prompts kept; older ones are dropped.
const MAX_PROMPTS: usize = 256;

/// One prompt on the simulated phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonePrompt {
    /// The session it belongs to.
    pub session_id: String,
    /// Authentication ("Enter?") or signing ("Sign?").
    pub kind: SessionKind,
    /// The phone number the request named.
    pub phone_number: String,
    /// `relyingPartyName` as the request sent it.
    pub relying_party_name: String,
    /// `displayText` as shown: in GSM-7, characters outside the alphabet become spaces, as the
    /// real service does.
    pub display_text: Option<String>,
    /// The code computed from the hash that was sent.
    pub verification_code: VerificationCode,
    /// The prompt's language.
    pub language: Language,
}

impl PhonePrompt {
    /// The question the phone ends with.
    pub fn question(&self) -> &'static str {
        match self.kind {
            SessionKind::Authentication => "Enter?",
            SessionKind::Signature => "Sign?",
        }
    }
}

impl fmt::Display for PhonePrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} shows [{}] {}",
            self.phone_number, self.language, self.relying_party_name
        )?;
        if let Some(text) = &self.display_text {
            write!(f, " | {text}")?;
        }
        write!(
            f,
            " | code {} | {}",
            self.verification_code,
            self.question()
        )
    }
}

/// The most recent prompts, oldest first.
#[derive(Default)]
pub(crate) struct PromptLog(Mutex<VecDeque<PhonePrompt>>);

impl PromptLog {
    pub(crate) fn push(&self, prompt: PhonePrompt) {
        let mut log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if log.len() == MAX_PROMPTS {
            log.pop_front();
        }
        log.push_back(prompt);
    }

    pub(crate) fn all(&self) -> Vec<PhonePrompt> {
        let log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        log.iter().cloned().collect()
    }
}
