//! Asking for a PIN until the card takes it, the citizen cancels, or the PIN blocks
//! (reference/web-eid.md §1.8: a wrong PIN keeps the dialog open with "N attempts left").
//!
//! The retry counter is read before the first prompt, so a blocked PIN is reported without
//! asking and the first prompt already says how many tries are left when an earlier session
//! used some. After a wrong PIN the prompt comes back with the card's new count. A PIN of the
//! wrong form (too short, letters) is never sent; the prompt comes back unchanged, at most
//! [`MAX_FORM_ERRORS`] times in a row.

use std::time::Instant;

use knik_card::Error as CardError;
use knik_card::pin::{Pin, PinKind};
use knik_card::pin_source::{PinPurpose, PinRequest, PinSource};
use knik_card::token::Token;

use crate::error::HostError;
use crate::log::Log;
use crate::timing::Timing;

/// PINs of the wrong form accepted in a row before the command fails.
pub const MAX_FORM_ERRORS: u32 = 3;

/// One PIN-protected operation: which PIN, why, on whose card.
#[derive(Clone, Copy, Debug)]
pub struct PinPrompt<'a> {
    /// The PIN the operation needs.
    pub kind: PinKind,
    /// Authenticate or sign.
    pub purpose: PinPurpose,
    /// How the dialog names the card and the site, e.g.
    /// "PETROSYAN ANI, citizen ID card, at login.example.am".
    pub label: &'a str,
    /// The profile's length rule (min, max), when known.
    pub lengths: Option<(u8, u8)>,
}

/// Runs `operation` with PINs from `source` until it succeeds or fails for a reason other than
/// a wrong PIN. Time spent in `source` is added to `timing.dialogs`.
pub fn with_pin<R>(
    token: &mut dyn Token,
    source: &mut dyn PinSource,
    prompt: &PinPrompt<'_>,
    timing: &mut Timing,
    log: &Log,
    mut operation: impl FnMut(&mut dyn Token, &Pin) -> Result<R, CardError>,
) -> Result<R, HostError> {
    let status = token.pin_status(prompt.kind)?;
    if status.blocked {
        return Err(CardError::PinBlocked { kind: prompt.kind }.into());
    }
    let mut retries = status.retries_left.zip(status.max_tries);
    let mut form_errors = 0;
    loop {
        let mut request = PinRequest::new(prompt.kind, prompt.purpose, prompt.label);
        if let Some((left, max)) = retries {
            request = request.retries(left, max);
        }
        if let Some((min, max)) = prompt.lengths {
            request = request.lengths(min, max);
        }
        let started = Instant::now();
        let pin = source.pin(&request);
        timing.dialogs += started.elapsed();
        let pin = pin?;
        match operation(token, &pin) {
            Ok(r) => return Ok(r),
            Err(CardError::WrongPin { retries_left, .. }) => {
                log.line(format!(
                    "wrong {}: {retries_left} tries left",
                    prompt.kind.label()
                ));
                form_errors = 0;
                let max = retries.map_or(retries_left, |(_, max)| max);
                retries = Some((retries_left, max));
            }
            Err(CardError::WrongPinRetriesUnknown { .. }) => {
                log.line(format!("wrong {}", prompt.kind.label()));
                form_errors = 0;
                retries = None;
            }
            Err(CardError::PinFormat { kind, min, max }) => {
                form_errors += 1;
                log.line(format!(
                    "{} of the wrong form ({form_errors} in a row); nothing was sent",
                    kind.label()
                ));
                if form_errors >= MAX_FORM_ERRORS {
                    return Err(HostError::PinFormatRepeated {
                        kind,
                        times: form_errors,
                        rule: format!("{min} to {max} digits"),
                    });
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use knik_card::card::Card;
    use knik_card::pin_source::PinRequest;
    use knik_card::profile::Profile;
    use knik_card::token::HashAlgorithm;
    use knik_card_sim::{SimTransport, VirtualCard};
    use std::path::PathBuf;

    /// Answers with the PINs given, in order, and remembers every request's sentence.
    struct Scripted {
        pins: Vec<Option<&'static str>>,
        sentences: Vec<String>,
    }

    impl PinSource for Scripted {
        fn pin(&mut self, request: &PinRequest<'_>) -> knik_card::Result<Pin> {
            self.sentences.push(request.sentence());
            match self.pins.remove(0) {
                Some(p) => Ok(Pin::from_bytes(p.as_bytes())),
                None => Err(CardError::PinEntryCancelled),
            }
        }
    }

    fn citizen() -> Card<SimTransport> {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/cards/citizen.toml");
        let card = VirtualCard::load(path).expect("citizen card image");
        let profile = Profile::builtin_by_id("am-eid").expect("am-eid").clone();
        Card::new(SimTransport::new(card), profile).expect("APDU profile")
    }

    const PROMPT: PinPrompt<'static> = PinPrompt {
        kind: PinKind::Pin1,
        purpose: PinPurpose::Authenticate,
        label: "PETROSYAN ANI, citizen ID card, at example.am",
        lengths: Some((4, 12)),
    };

    fn authenticate(
        card: &mut Card<SimTransport>,
        source: &mut Scripted,
    ) -> Result<Vec<u8>, HostError> {
        let digest = [7u8; 48];
        with_pin(
            card,
            source,
            &PROMPT,
            &mut Timing::default(),
            &Log::discard(),
            |t, pin| {
                t.authenticate(pin, HashAlgorithm::Sha384, &digest)
                    .map(|s| s.value)
            },
        )
    }

    #[test]
    fn wrong_pin_then_right_pin_shows_the_decreasing_count() {
        let mut card = citizen();
        let mut source = Scripted {
            pins: vec![Some("9999"), Some("1234")],
            sentences: Vec::new(),
        };
        let signature = authenticate(&mut card, &mut source).expect("second PIN works");
        assert_eq!(signature.len(), 96);
        assert_eq!(
            source.sentences,
            [
                "Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at example.am",
                "Enter PIN1 to authenticate as PETROSYAN ANI, citizen ID card, at example.am \
                 (2 tries left)",
            ]
        );
    }

    #[test]
    fn three_wrong_pins_block_and_a_blocked_pin_is_not_asked_for() {
        let mut card = citizen();
        let mut source = Scripted {
            pins: vec![Some("9999"), Some("9998"), Some("9997")],
            sentences: Vec::new(),
        };
        assert_eq!(
            authenticate(&mut card, &mut source),
            Err(HostError::Card(CardError::PinBlocked {
                kind: PinKind::Pin1
            }))
        );
        assert!(source.sentences[2].ends_with("(1 try left)"));
        let mut again = Scripted {
            pins: vec![Some("1234")],
            sentences: Vec::new(),
        };
        assert_eq!(
            authenticate(&mut card, &mut again),
            Err(HostError::Card(CardError::PinBlocked {
                kind: PinKind::Pin1
            }))
        );
        assert!(again.sentences.is_empty(), "no dialog for a blocked PIN");
    }

    #[test]
    fn malformed_pins_are_not_sent_and_stop_after_three() {
        let mut card = citizen();
        let mut source = Scripted {
            pins: vec![Some("12"), Some("12a4"), Some("1")],
            sentences: Vec::new(),
        };
        assert_eq!(
            authenticate(&mut card, &mut source),
            Err(HostError::PinFormatRepeated {
                kind: PinKind::Pin1,
                times: 3,
                rule: "4 to 12 digits".into()
            })
        );
        assert!(
            source.sentences.iter().all(|s| !s.contains("tries left")),
            "the card's counter never moved: {:?}",
            source.sentences
        );
        let mut ok = Scripted {
            pins: vec![Some("1234")],
            sentences: Vec::new(),
        };
        authenticate(&mut card, &mut ok).expect("counter still full");
    }

    #[test]
    fn cancel_ends_the_operation() {
        let mut card = citizen();
        let mut source = Scripted {
            pins: vec![None],
            sentences: Vec::new(),
        };
        assert_eq!(
            authenticate(&mut card, &mut source),
            Err(HostError::Card(CardError::PinEntryCancelled))
        );
    }
}
