//! What a reader does with one command APDU, whatever carries it: apply the fault switches,
//! then let the card answer.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::card::VirtualCard;
use crate::faults::{FaultAction, Faults};

/// A card that a test and a transport (or a vpcd thread) hold together.
pub type SharedCard = Arc<Mutex<VirtualCard>>;

/// Locks a shared card; a panic elsewhere leaves a usable card behind.
pub fn lock(card: &SharedCard) -> MutexGuard<'_, VirtualCard> {
    card.lock().unwrap_or_else(|e| e.into_inner())
}

/// The outcome of one command APDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Served {
    /// The response APDU (possibly a faulty one).
    Answer(Vec<u8>, &'static str),
    /// The card was pulled out before answering; its security state is gone.
    Removed,
}

/// Applies the faults (delay first), then lets the card process the command.
pub fn serve(card: &SharedCard, faults: &Faults, command: &[u8]) -> Served {
    let (delay, action) = faults.on_command(command);
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    let mut card = lock(card);
    match action {
        FaultAction::Answer => Served::Answer(card.process(command), ""),
        FaultAction::Remove => {
            card.reset();
            Served::Removed
        }
        FaultAction::Status(sw) => {
            Served::Answer(sw.to_be_bytes().to_vec(), "(fault: status word)")
        }
        FaultAction::Truncate(keep) => {
            let mut r = card.process(command);
            r.truncate(keep);
            Served::Answer(r, "(fault: truncated)")
        }
    }
}
