//! Misbehaviour on demand, for the reliability tests: slow answers, a card pulled out before it
//! answers, wrong status words, truncated responses.
//!
//! A [`Faults`] is shared (cloning it shares the switches) between the test and the transport
//! that serves the card, in process or through vpcd; switches can be flipped while the card is
//! in use. "The Nth APDU" counts from the moment the switch is set: 1 is the next one.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::status::Sw;

/// The fault switches of one card.
#[derive(Clone, Debug, Default)]
pub struct Faults(Arc<Mutex<FaultState>>);

#[derive(Debug, Default)]
struct FaultState {
    delay: Duration,
    seen: u64,
    remove_at: Option<u64>,
    remove_before_signature: bool,
    status_at: Option<(u64, Sw)>,
    status_for_ins: Option<(u8, Sw)>,
    truncate_at: Option<(u64, usize)>,
}

/// What the transport does with one command APDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// Let the card answer normally.
    Answer,
    /// The card is pulled out: no answer, the connection closes, the security state is lost.
    Remove,
    /// Answer this status word without executing the command.
    Status(Sw),
    /// Execute the command, then send only the first `n` bytes of the response.
    Truncate(usize),
}

impl Faults {
    /// No faults.
    pub fn new() -> Faults {
        Faults::default()
    }

    fn state(&self) -> MutexGuard<'_, FaultState> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep using it.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits this long before answering every APDU (zero: no delay).
    pub fn set_delay(&self, delay: Duration) {
        self.state().delay = delay;
    }

    /// Pulls the card out before it answers the `n`th APDU from now (1 = the next one).
    pub fn remove_before_apdu(&self, n: u64) {
        let mut s = self.state();
        s.remove_at = Some(s.seen + n.max(1));
    }

    /// Pulls the card out before it answers the next PSO: COMPUTE DIGITAL SIGNATURE.
    pub fn remove_before_next_signature(&self) {
        self.state().remove_before_signature = true;
    }

    /// Answers `sw` to the `n`th APDU from now, without executing it.
    pub fn status_for_apdu(&self, n: u64, sw: Sw) {
        let mut s = self.state();
        s.status_at = Some((s.seen + n.max(1), sw));
    }

    /// Answers `sw` to every APDU with this instruction byte (e.g. `0x2A`, PSO) until cleared.
    pub fn status_for_ins(&self, ins: u8, sw: Sw) {
        self.state().status_for_ins = Some((ins, sw));
    }

    /// Sends only the first `keep` bytes of the response to the `n`th APDU from now.
    pub fn truncate_apdu(&self, n: u64, keep: usize) {
        let mut s = self.state();
        s.truncate_at = Some((s.seen + n.max(1), keep));
    }

    /// Switches every fault off (the APDU count goes on).
    pub fn clear(&self) {
        let mut s = self.state();
        *s = FaultState {
            seen: s.seen,
            ..FaultState::default()
        };
    }

    /// Command APDUs served so far.
    pub fn apdus_seen(&self) -> u64 {
        self.state().seen
    }

    /// Counts one command APDU and decides its fate; one-shot switches fire once. Returns the
    /// delay to apply first.
    pub fn on_command(&self, command: &[u8]) -> (Duration, FaultAction) {
        let mut s = self.state();
        s.seen += 1;
        let n = s.seen;
        let ins = command.get(1).copied();
        let is_signature = command.get(1..4) == Some(&[0x2A, 0x9E, 0x9A][..]);
        let action = if s.remove_at == Some(n) {
            s.remove_at = None;
            FaultAction::Remove
        } else if s.remove_before_signature && is_signature {
            s.remove_before_signature = false;
            FaultAction::Remove
        } else if let Some((_, sw)) = s.status_at.filter(|(at, _)| *at == n) {
            s.status_at = None;
            FaultAction::Status(sw)
        } else if let Some((_, sw)) = s.status_for_ins.filter(|(i, _)| Some(*i) == ins) {
            FaultAction::Status(sw)
        } else if let Some((_, keep)) = s.truncate_at.filter(|(at, _)| *at == n) {
            s.truncate_at = None;
            FaultAction::Truncate(keep)
        } else {
            FaultAction::Answer
        };
        (s.delay, action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_switches_fire_once_and_count_from_now() {
        let f = Faults::new();
        f.on_command(&[0, 0xA4, 4, 0x0C]);
        f.status_for_apdu(2, 0x6F00);
        assert_eq!(f.on_command(&[0, 0xA4, 4, 0x0C]).1, FaultAction::Answer);
        assert_eq!(
            f.on_command(&[0, 0xA4, 4, 0x0C]).1,
            FaultAction::Status(0x6F00)
        );
        assert_eq!(f.on_command(&[0, 0xA4, 4, 0x0C]).1, FaultAction::Answer);
        f.remove_before_next_signature();
        assert_eq!(f.on_command(&[0, 0x88, 0, 0]).1, FaultAction::Answer);
        assert_eq!(f.on_command(&[0, 0x2A, 0x9E, 0x9A]).1, FaultAction::Remove);
        assert_eq!(f.on_command(&[0, 0x2A, 0x9E, 0x9A]).1, FaultAction::Answer);
        f.status_for_ins(0x2A, 0x6F00);
        f.set_delay(Duration::from_millis(5));
        for _ in 0..2 {
            let (d, a) = f.on_command(&[0, 0x2A, 0x9E, 0x9A]);
            assert_eq!(
                (d, a),
                (Duration::from_millis(5), FaultAction::Status(0x6F00))
            );
        }
        f.clear();
        assert_eq!(
            f.on_command(&[0, 0x2A, 0x9E, 0x9A]),
            (Duration::ZERO, FaultAction::Answer)
        );
        assert_eq!(f.apdus_seen(), 10);
    }
}
