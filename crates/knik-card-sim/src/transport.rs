//! The virtual card as an in-process [`CardTransport`]: no pcscd, no sockets, byte-exact.

use std::sync::{Arc, Mutex};

use knik_card::transport::{Capabilities, CardTransport, TransportError};

use crate::card::VirtualCard;
use crate::faults::Faults;
use crate::serve::{Served, SharedCard, lock, serve};

/// A reader with the virtual card in it, in process.
///
/// `end_transaction(true)` resets the card (the security state is lost, as with PC/SC's
/// `SCARD_RESET_CARD`). A fault that removes the card makes every further exchange fail with
/// [`TransportError::CardRemoved`] until [`SimTransport::insert`].
#[derive(Debug)]
pub struct SimTransport {
    card: SharedCard,
    atr: Vec<u8>,
    faults: Faults,
    removed: bool,
    extended_length: bool,
}

impl SimTransport {
    /// A reader holding `card`.
    pub fn new(card: VirtualCard) -> SimTransport {
        SimTransport::shared(Arc::new(Mutex::new(card)))
    }

    /// A reader holding a card the caller keeps a handle on (to look at its counters).
    pub fn shared(card: SharedCard) -> SimTransport {
        let atr = lock(&card).atr().to_vec();
        SimTransport {
            card,
            atr,
            faults: Faults::new(),
            removed: false,
            extended_length: true,
        }
    }

    /// The same reader with these fault switches.
    pub fn with_faults(mut self, faults: Faults) -> SimTransport {
        self.faults = faults;
        self
    }

    /// The same reader, announcing (or not) extended-length APDUs; without them the host reads
    /// in short chunks, as through a reader that cannot pass extended APDUs.
    pub fn with_extended_length(mut self, extended_length: bool) -> SimTransport {
        self.extended_length = extended_length;
        self
    }

    /// The card.
    pub fn card(&self) -> &SharedCard {
        &self.card
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Puts the card back after a simulated removal (powered up, nothing verified).
    pub fn insert(&mut self) {
        lock(&self.card).reset();
        self.removed = false;
    }

    /// Whether a fault pulled the card out.
    pub fn is_removed(&self) -> bool {
        self.removed
    }
}

impl CardTransport for SimTransport {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.removed {
            return Err(TransportError::CardRemoved);
        }
        match serve(&self.card, &self.faults, command) {
            Served::Answer(r, _) => Ok(r),
            Served::Removed => {
                self.removed = true;
                Err(TransportError::CardRemoved)
            }
        }
    }

    fn begin_transaction(&mut self) -> Result<(), TransportError> {
        if self.removed {
            Err(TransportError::CardRemoved)
        } else {
            Ok(())
        }
    }

    fn end_transaction(&mut self, reset: bool) -> Result<(), TransportError> {
        if reset {
            lock(&self.card).reset();
        }
        Ok(())
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }

    fn capabilities(&self) -> Capabilities {
        // Extended length both ways: Le up to 65536 plus SW; short: 256 plus SW.
        Capabilities {
            extended_length: self.extended_length,
            pin_pad: false,
            max_response_len: if self.extended_length { 65538 } else { 258 },
        }
    }

    fn reader_name(&self) -> Option<&str> {
        Some("knik virtual card (in process)")
    }
}
