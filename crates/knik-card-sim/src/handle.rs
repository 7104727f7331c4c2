//! The vpcd client in a background thread, for tests: insert the card into a pcscd reader, pull
//! it out, put it back, flip fault switches while the host talks to it.

use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::card::VirtualCard;
use crate::error::Result;
use crate::faults::Faults;
use crate::serve::SharedCard;
use crate::trace::ApduLog;
use crate::vpcd::{VpcdEnd, connect, serve_connection};

/// A virtual card in a vpcd reader, served by a background thread. Dropping the handle pulls
/// the card out.
#[derive(Debug)]
pub struct SimHandle {
    card: SharedCard,
    faults: Faults,
    addr: String,
    log: ApduLog,
    atr_requests: Arc<AtomicU64>,
    running: Option<Running>,
}

#[derive(Debug)]
struct Running {
    stream: TcpStream,
    thread: JoinHandle<Result<VpcdEnd>>,
}

impl SimHandle {
    /// Inserts `card` into the vpcd reader listening on `127.0.0.1:port` (35963 is
    /// "Virtual PCD 00 00", 35964 "Virtual PCD 00 01").
    pub fn spawn(card: VirtualCard, port: u16) -> Result<SimHandle> {
        SimHandle::spawn_with(
            Arc::new(std::sync::Mutex::new(card)),
            &format!("127.0.0.1:{port}"),
            Faults::new(),
            ApduLog::Quiet,
        )
    }

    /// Inserts a shared card into the vpcd reader at `addr`, with these fault switches and
    /// logging.
    pub fn spawn_with(
        card: SharedCard,
        addr: &str,
        faults: Faults,
        log: ApduLog,
    ) -> Result<SimHandle> {
        let mut handle = SimHandle {
            card,
            faults,
            addr: addr.to_string(),
            log,
            atr_requests: Arc::new(AtomicU64::new(0)),
            running: None,
        };
        handle.insert()?;
        Ok(handle)
    }

    /// Puts the card (back) into the reader. Does nothing if it is in.
    pub fn insert(&mut self) -> Result<()> {
        if self.is_inserted() {
            return Ok(());
        }
        self.reap();
        let stream = connect(&self.addr)?;
        let theirs = stream
            .try_clone()
            .map_err(|e| crate::SimError::Vpcd(e.to_string()))?;
        self.atr_requests.store(0, Ordering::Relaxed);
        let (card, faults, log, atr) = (
            self.card.clone(),
            self.faults.clone(),
            self.log,
            self.atr_requests.clone(),
        );
        let thread = std::thread::Builder::new()
            .name("knik-card-sim vpcd".into())
            .spawn(move || serve_connection(theirs, &card, &faults, log, &atr))
            .map_err(|e| crate::SimError::Vpcd(e.to_string()))?;
        self.running = Some(Running { stream, thread });
        Ok(())
    }

    /// Pulls the card out (closes the connection) and waits for the thread to finish.
    pub fn remove(&mut self) {
        if let Some(r) = &self.running {
            // Already closed if a fault removed the card; nothing to do then.
            let _ = r.stream.shutdown(std::net::Shutdown::Both);
        }
        self.reap();
    }

    fn reap(&mut self) {
        if let Some(r) = self.running.take() {
            // The thread's own result is only about how the connection ended.
            let _ = r.thread.join();
        }
    }

    /// Whether the card is in the reader (not removed by a fault or by [`SimHandle::remove`],
    /// and vpcd still connected).
    pub fn is_inserted(&self) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| !r.thread.is_finished())
    }

    /// Waits until pcscd has seen the card (asked for its ATR) since the last insertion.
    pub fn wait_detected(&self, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.atr_requests.load(Ordering::Relaxed) > 0 {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The card (PIN counters survive removal and reinsertion).
    pub fn card(&self) -> &SharedCard {
        &self.card
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.remove();
    }
}
