//! Hot-plug: readers and cards coming and going, for `knik card list --watch` and for flows
//! that restart when the card changes (Web eID re-polls every second: `reference/web-eid.md`
//! §1.8; we block in `SCardGetStatusChange` instead).
//!
//! The monitor watches every reader plus the `\\?PnP?\Notification` pseudo-reader, which
//! changes when a reader is plugged in or out. It has a PC/SC context of its own: pcsc-lite
//! holds a context's lock while it waits, and card operations must not queue behind that.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pcsc::{Context, ReaderState, Scope, State};

use super::{ReaderInfo, errors, reader_states};
use crate::error::Result;

/// Something that changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReaderEvent {
    /// A reader was connected.
    ReaderAdded(String),
    /// A reader was disconnected (a [`ReaderEvent::CardRemoved`] comes first if it held a card).
    ReaderRemoved(String),
    /// A card was inserted.
    CardInserted {
        /// The reader.
        reader: String,
        /// The card's answer to reset (empty for a mute card).
        atr: Vec<u8>,
    },
    /// A card was removed.
    CardRemoved(String),
}

/// Stops a [`ReaderMonitor`] from another thread (a Ctrl-C handler, a UI).
#[derive(Clone)]
pub struct MonitorCancel {
    ctx: Context,
    cancelled: Arc<AtomicBool>,
}

impl MonitorCancel {
    /// Wakes a waiting [`ReaderMonitor::next_event`], which returns `Ok(None)` now and on every
    /// later call.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        // SCardCancel only wakes a call already waiting; the flag covers one about to start.
        let _ = self.ctx.cancel();
    }
}

impl std::fmt::Debug for MonitorCancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorCancel")
            .field("cancelled", &self.cancelled)
            .finish()
    }
}

/// Watches readers and cards.
pub struct ReaderMonitor {
    ctx: Context,
    /// Index 0 is the PnP pseudo-reader; then one per known reader.
    states: Vec<ReaderState>,
    /// Whether each reader of `states[1..]` held a card at the last look.
    present: Vec<bool>,
    pending: VecDeque<ReaderEvent>,
    cancelled: Arc<AtomicBool>,
}

impl std::fmt::Debug for ReaderMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReaderMonitor")
            .field("readers", &self.readers())
            .finish()
    }
}

impl ReaderMonitor {
    /// Starts watching; the readers and cards present now are the starting point
    /// ([`ReaderMonitor::readers`]) and produce no events.
    pub fn new() -> Result<ReaderMonitor> {
        let ctx = Context::establish(Scope::User).map_err(errors::service)?;
        let mut monitor = ReaderMonitor {
            ctx,
            states: vec![ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE)],
            present: Vec::new(),
            pending: VecDeque::new(),
            cancelled: Arc::new(AtomicBool::new(false)),
        };
        monitor.refresh_readers()?;
        match monitor
            .ctx
            .get_status_change(Duration::ZERO, &mut monitor.states)
        {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(errors::service(e)),
        }
        for (i, state) in monitor.states.iter_mut().enumerate() {
            if i > 0 {
                monitor.present[i - 1] = state.event_state().contains(State::PRESENT);
            }
            state.sync_current_state();
        }
        monitor.pending.clear();
        Ok(monitor)
    }

    /// A handle that stops this monitor from another thread.
    pub fn cancel_handle(&self) -> MonitorCancel {
        MonitorCancel {
            ctx: self.ctx.clone(),
            cancelled: self.cancelled.clone(),
        }
    }

    /// The readers as the monitor last saw them.
    pub fn readers(&self) -> Vec<ReaderInfo> {
        self.states[1..]
            .iter()
            .map(ReaderInfo::from_state)
            .collect()
    }

    /// Waits up to `timeout` (`None`: until something happens or the monitor is cancelled)
    /// for the next change. `Ok(None)` on timeout or after [`MonitorCancel::cancel`].
    pub fn next_event(&mut self, timeout: Option<Duration>) -> Result<Option<ReaderEvent>> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Ok(Some(event));
            }
            if self.cancelled.load(Ordering::SeqCst) {
                return Ok(None);
            }
            let wait = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match self.ctx.get_status_change(wait, &mut self.states) {
                Ok(()) => self.collect_changes()?,
                Err(pcsc::Error::Timeout) => return Ok(None),
                Err(pcsc::Error::Cancelled) => {
                    if self.cancelled.load(Ordering::SeqCst) {
                        return Ok(None);
                    }
                }
                // A reader we watch went away between two calls.
                Err(pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable) => {
                    self.refresh_readers()?
                }
                Err(e) => return Err(errors::service(e)),
            }
            // A change that produced no event (a reader's in-use flag) does not end the wait,
            // unless the time is up.
            if self.pending.is_empty() && deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(None);
            }
        }
    }

    /// Turns the states `SCardGetStatusChange` reported into events.
    fn collect_changes(&mut self) -> Result<()> {
        let mut readers_changed = self.states[0].event_state().contains(State::CHANGED);
        self.states[0].sync_current_state();
        for i in 1..self.states.len() {
            let state = &mut self.states[i];
            let now = state.event_state();
            if !now.contains(State::CHANGED) {
                continue;
            }
            if now.intersects(State::UNKNOWN | State::IGNORE) {
                // The reader is gone; the PnP refresh below reports it.
                readers_changed = true;
                continue;
            }
            let name = state.name().to_string_lossy().into_owned();
            let present = now.contains(State::PRESENT);
            match (self.present[i - 1], present) {
                (false, true) => self.pending.push_back(ReaderEvent::CardInserted {
                    reader: name,
                    atr: state.atr().to_vec(),
                }),
                (true, false) => self.pending.push_back(ReaderEvent::CardRemoved(name)),
                _ => {}
            }
            self.present[i - 1] = present;
            state.sync_current_state();
        }
        if readers_changed {
            self.refresh_readers()?;
        }
        Ok(())
    }

    /// Lists readers again: drops the ones gone (with their card), adds new ones unaware, so
    /// the next wait returns at once with their state (and a card in one is reported).
    fn refresh_readers(&mut self) -> Result<()> {
        let names = self.ctx.list_readers_owned().map_err(errors::service)?;
        let mut i = 1;
        while i < self.states.len() {
            if names.iter().any(|n| n.as_c_str() == self.states[i].name()) {
                i += 1;
                continue;
            }
            let name = self.states[i].name().to_string_lossy().into_owned();
            if self.present[i - 1] {
                self.pending
                    .push_back(ReaderEvent::CardRemoved(name.clone()));
            }
            self.pending.push_back(ReaderEvent::ReaderRemoved(name));
            self.states.remove(i);
            self.present.remove(i - 1);
        }
        let new: Vec<_> = names
            .into_iter()
            .filter(|n| !self.states[1..].iter().any(|s| s.name() == n.as_c_str()))
            .collect();
        for state in reader_states(new) {
            self.pending.push_back(ReaderEvent::ReaderAdded(
                state.name().to_string_lossy().into_owned(),
            ));
            self.states.push(state);
            self.present.push(false);
        }
        Ok(())
    }
}

impl std::fmt::Display for ReaderEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReaderEvent::ReaderAdded(r) => write!(f, "reader connected: {r}"),
            ReaderEvent::ReaderRemoved(r) => write!(f, "reader disconnected: {r}"),
            ReaderEvent::CardInserted { reader, atr } => {
                write!(
                    f,
                    "card inserted in {reader} (ATR {})",
                    hex::encode_upper(atr)
                )
            }
            ReaderEvent::CardRemoved(r) => write!(f, "card removed from {r}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_as_sentences_and_the_monitor_can_move_to_a_thread() {
        fn is_send<T: Send>() {}
        is_send::<ReaderMonitor>();
        is_send::<MonitorCancel>();
        let e = ReaderEvent::CardInserted {
            reader: "Virtual PCD 00 00".into(),
            atr: vec![0x3B, 0x80],
        };
        assert_eq!(
            e.to_string(),
            "card inserted in Virtual PCD 00 00 (ATR 3B80)"
        );
        assert_eq!(
            ReaderEvent::CardRemoved("R".into()).to_string(),
            "card removed from R"
        );
    }
}
