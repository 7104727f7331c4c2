//! Where a command's time goes: the card (every APDU exchange and transaction, through pcscd),
//! the PC/SC setup (service, reader list, connecting), the citizen (PIN and consent dialogs),
//! and the rest, which is the host's own. Logged after each command, read by the latency
//! benchmark (`benches/latency.rs`).

use std::time::{Duration, Instant};

use knik_card::transport::{Capabilities, CardTransport, TransportError};

/// Time spent per part of one command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timing {
    /// Inside the card transport: transmit, begin and end transaction.
    pub card: Duration,
    /// APDU exchanges (each transmit, GET RESPONSE included).
    pub exchanges: usize,
    /// Establishing the PC/SC context, listing readers, connecting to cards.
    pub pcsc_setup: Duration,
    /// Waiting for the citizen: PIN and consent dialogs.
    pub dialogs: Duration,
}

impl Timing {
    /// The log line for a command that took `total` from its frame to its answer:
    /// `timing command=authenticate total_ms=… card_ms=… apdus=… pcsc_setup_ms=… dialogs_ms=…
    /// host_ms=…`, where the host's own time is what the other parts leave.
    pub fn log_line(&self, command: &str, total: Duration) -> String {
        let host = total
            .saturating_sub(self.card)
            .saturating_sub(self.pcsc_setup)
            .saturating_sub(self.dialogs);
        format!(
            "timing command={command} total_ms={:.3} card_ms={:.3} apdus={} pcsc_setup_ms={:.3} \
             dialogs_ms={:.3} host_ms={:.3}",
            ms(total),
            ms(self.card),
            self.exchanges,
            ms(self.pcsc_setup),
            ms(self.dialogs),
            ms(host)
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A transport that adds up the time spent inside another one.
#[derive(Debug)]
pub struct TimedTransport<T> {
    inner: T,
    card: Duration,
    exchanges: usize,
}

impl<T> TimedTransport<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        TimedTransport {
            inner,
            card: Duration::ZERO,
            exchanges: 0,
        }
    }

    /// Time spent inside the transport so far.
    pub fn card_time(&self) -> Duration {
        self.card
    }

    /// Exchanges so far.
    pub fn exchanges(&self) -> usize {
        self.exchanges
    }

    fn timed<R>(&mut self, f: impl FnOnce(&mut T) -> R) -> R {
        let start = Instant::now();
        let r = f(&mut self.inner);
        self.card += start.elapsed();
        r
    }
}

impl<T: CardTransport> CardTransport for TimedTransport<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.exchanges += 1;
        self.timed(|t| t.transmit(command))
    }

    fn begin_transaction(&mut self) -> Result<(), TransportError> {
        self.timed(|t| t.begin_transaction())
    }

    fn end_transaction(&mut self, reset: bool) -> Result<(), TransportError> {
        self.timed(|t| t.end_transaction(reset))
    }

    fn atr(&self) -> &[u8] {
        self.inner.atr()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn reader_name(&self) -> Option<&str> {
        self.inner.reader_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_time_is_what_the_other_parts_leave() {
        let t = Timing {
            card: Duration::from_millis(30),
            exchanges: 9,
            pcsc_setup: Duration::from_millis(2),
            dialogs: Duration::from_millis(100),
        };
        assert_eq!(
            t.log_line("authenticate", Duration::from_millis(140)),
            "timing command=authenticate total_ms=140.000 card_ms=30.000 apdus=9 \
             pcsc_setup_ms=2.000 dialogs_ms=100.000 host_ms=8.000"
        );
    }
}
