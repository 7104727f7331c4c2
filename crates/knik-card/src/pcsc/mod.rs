//! The PC/SC backend (feature `pcsc`): readers, cards and hot-plug through pcsc-lite on Linux
//! and macOS, WinSCard on Windows, via the `pcsc` crate.
//!
//! - [`PcscContext`] lists readers (`SCardListReaders` and one `SCardGetStatusChange` with
//!   timeout 0, as Web eID does: `reference/web-eid.md` §4.2) and connects to a card;
//! - [`PcscTransport`] is a [`crate::transport::CardTransport`] over one card connection;
//! - [`ReaderMonitor`] reports readers and cards coming and going.
//!
//! Only our own types cross this module's border: a `pcsc` upgrade touches these files alone.

mod errors;
mod features;
mod monitor;
mod transport;

pub use monitor::{MonitorCancel, ReaderEvent, ReaderMonitor};
pub use transport::PcscTransport;

use std::ffi::CString;
use std::time::Duration;

use pcsc::{Context, ReaderState, Scope, State};

use crate::error::{Error, Result};

/// What one reader reports, without connecting to its card.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReaderInfo {
    /// The PC/SC reader name, e.g. "Virtual PCD 00 00".
    pub name: String,
    /// A card is in the reader.
    pub card_present: bool,
    /// The card's answer to reset, when a card is present and powered.
    pub atr: Option<Vec<u8>>,
    /// Another application holds the card exclusively.
    pub exclusive: bool,
    /// Another application is connected to the card (shared).
    pub in_use: bool,
    /// A card is present but does not answer (inserted the wrong way, broken contacts).
    pub mute: bool,
}

impl ReaderInfo {
    fn from_state(state: &ReaderState) -> ReaderInfo {
        let s = state.event_state();
        let card_present = s.contains(State::PRESENT);
        ReaderInfo {
            name: state.name().to_string_lossy().into_owned(),
            card_present,
            atr: (card_present && !state.atr().is_empty()).then(|| state.atr().to_vec()),
            exclusive: s.contains(State::EXCLUSIVE),
            in_use: s.contains(State::INUSE),
            mute: s.contains(State::MUTE),
        }
    }
}

/// A connection to the PC/SC service.
pub struct PcscContext {
    ctx: Context,
}

impl std::fmt::Debug for PcscContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PcscContext")
    }
}

impl PcscContext {
    /// Connects to the service; [`Error::ServiceUnavailable`] when pcscd is not running.
    pub fn establish() -> Result<PcscContext> {
        let ctx = Context::establish(Scope::User).map_err(errors::service)?;
        Ok(PcscContext { ctx })
    }

    /// Every reader with its card state and ATR. An empty list when no reader is connected.
    pub fn list_readers(&self) -> Result<Vec<ReaderInfo>> {
        // A reader may vanish between the listing and the status query; list again then.
        for _ in 0..3 {
            let names = self.ctx.list_readers_owned().map_err(errors::service)?;
            if names.is_empty() {
                return Ok(Vec::new());
            }
            let mut states = reader_states(names);
            match self.ctx.get_status_change(Duration::ZERO, &mut states) {
                Ok(()) => {
                    if states
                        .iter()
                        .any(|s| s.event_state().contains(State::UNKNOWN))
                    {
                        continue;
                    }
                    return Ok(states.iter().map(ReaderInfo::from_state).collect());
                }
                Err(pcsc::Error::UnknownReader) => continue,
                Err(e) => return Err(errors::service(e)),
            }
        }
        Err(Error::Pcsc("the reader list kept changing".to_string()))
    }

    /// Connects to the card in `reader` (shared mode, T=0 or T=1).
    pub fn connect(&self, reader: &str) -> Result<PcscTransport> {
        PcscTransport::connect(&self.ctx, reader)
    }

    /// Starts watching readers and cards (with a context of its own, so that waiting for
    /// events never blocks card operations on this one).
    pub fn monitor(&self) -> Result<ReaderMonitor> {
        ReaderMonitor::new()
    }
}

/// States for `SCardGetStatusChange`, all "unaware" so the first call reports the present state.
fn reader_states(names: Vec<CString>) -> Vec<ReaderState> {
    names
        .into_iter()
        .map(|n| ReaderState::new(n, State::UNAWARE))
        .collect()
}

/// True when `KNIK_SHORT_APDU=1` asks for short APDUs only.
fn short_apdus_forced() -> bool {
    std::env::var("KNIK_SHORT_APDU").is_ok_and(|v| v == "1")
}
