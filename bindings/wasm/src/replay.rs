//! Running the synchronous token validator over an asynchronous JavaScript OCSP callback.
//!
//! `knik_webeid`'s [`OcspTransport`] is synchronous, but JavaScript can only answer an HTTP
//! request later (a `Promise`). So one validation runs in *passes*:
//!
//! 1. The validator runs. Its transport, [`AnsweredExchanges`], answers from the exchanges
//!    JavaScript has completed so far, keyed by (URL, request bytes). On a miss it records the
//!    request as pending and fails the exchange.
//! 2. If a request is pending, the pass's outcome — whatever it is — is discarded, never shown
//!    to the caller: the wrapper awaits the JavaScript `fetch`, stores the answer (or the
//!    failure) and runs the next pass.
//! 3. A pass without a pending request is the real verdict.
//!
//! For a pass to send byte-identical requests (so the stored answer is found, and the
//! response's nonce matches the request's), everything that goes into a request must repeat:
//! the validation time is fixed for the whole validation (a constant clock), and the OCSP
//! nonces come from [`ReplayedNonces`], which draws fresh random bytes the first time each
//! nonce is asked for and replays the same bytes, in the same order, in every later pass.
//! Each pass gets one more answer, so a path with n certificates below its anchor ends after
//! at most n + 1 passes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use knik_webeid::Error;
use knik_webeid::challenge::NonceGenerator;
use knik_webeid::validator::{OcspTransport, OcspTransportError};

/// One OCSP exchange the validator asked for: where, and the DER request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exchange {
    /// The responder URL.
    pub url: String,
    /// The DER `OCSPRequest`.
    pub request: Vec<u8>,
}

/// What happened to an exchange JavaScript carried out.
pub type Answer = Result<Vec<u8>, OcspTransportError>;

#[derive(Debug, Default)]
struct Exchanges {
    answered: HashMap<Exchange, Answer>,
    pending: Option<Exchange>,
}

/// The validator's OCSP transport within one validation: answers from completed exchanges,
/// records the first unanswered one. Clones share their state.
#[derive(Debug, Clone, Default)]
pub struct AnsweredExchanges {
    state: Arc<Mutex<Exchanges>>,
}

impl AnsweredExchanges {
    fn lock(&self) -> MutexGuard<'_, Exchanges> {
        // A poisoned lock only means a panic elsewhere; the map itself stays consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the exchange the last pass could not complete, if any: then that pass's outcome
    /// must be discarded.
    pub fn take_pending(&self) -> Option<Exchange> {
        self.lock().pending.take()
    }

    /// Stores what JavaScript got for `exchange`, for the next pass.
    pub fn answer(&self, exchange: Exchange, answer: Answer) {
        self.lock().answered.insert(exchange, answer);
    }

    /// How many exchanges have been answered.
    pub fn answered(&self) -> usize {
        self.lock().answered.len()
    }
}

impl OcspTransport for AnsweredExchanges {
    fn post(
        &self,
        url: &str,
        request_der: &[u8],
        _timeout: Duration,
    ) -> Result<Vec<u8>, OcspTransportError> {
        let exchange = Exchange {
            url: url.to_owned(),
            request: request_der.to_vec(),
        };
        let mut state = self.lock();
        if let Some(answer) = state.answered.get(&exchange) {
            return answer.clone();
        }
        // The validator stops at the first failed exchange, so there is at most one; keep the
        // first in any case. This failure never reaches the caller: the pass is discarded.
        state.pending.get_or_insert(exchange);
        Err(OcspTransportError::Unreachable {
            reason: "waiting for the JavaScript OCSP callback".to_owned(),
        })
    }
}

/// Where fresh nonce bytes come from.
type RandomSource = Arc<dyn Fn(&mut [u8]) -> Result<(), Error> + Send + Sync>;

#[derive(Debug, Default)]
struct Draws {
    drawn: Vec<Vec<u8>>,
    next: usize,
}

/// The validator's nonce generator within one validation: the k-th request of every pass
/// gets the same random bytes. Call [`start_pass`](Self::start_pass) before each pass.
/// Clones share their state.
#[derive(Clone)]
pub struct ReplayedNonces {
    state: Arc<Mutex<Draws>>,
    fresh: RandomSource,
}

impl core::fmt::Debug for ReplayedNonces {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The nonces themselves stay out of logs.
        f.debug_struct("ReplayedNonces").finish_non_exhaustive()
    }
}

impl ReplayedNonces {
    /// Fresh bytes from the platform's secure generator (`crypto.getRandomValues` in wasm).
    pub fn new() -> Self {
        Self::with_source(|buf| {
            getrandom::getrandom(buf).map_err(|e| Error::Randomness {
                reason: e.to_string(),
            })
        })
    }

    /// Fresh bytes from `source` (tests).
    pub fn with_source(
        source: impl Fn(&mut [u8]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        ReplayedNonces {
            state: Arc::default(),
            fresh: Arc::new(source),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Draws> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Rewinds to the first draw: the coming pass replays the earlier passes' bytes.
    pub fn start_pass(&self) {
        self.lock().next = 0;
    }
}

impl Default for ReplayedNonces {
    fn default() -> Self {
        Self::new()
    }
}

impl NonceGenerator for ReplayedNonces {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        let mut state = self.lock();
        let index = state.next;
        match state.drawn.get(index) {
            Some(earlier) if earlier.len() == buf.len() => buf.copy_from_slice(earlier),
            Some(earlier) => {
                return Err(Error::Randomness {
                    reason: format!(
                        "replayed nonce {index} has {} bytes, {} were asked for",
                        earlier.len(),
                        buf.len()
                    ),
                });
            }
            None => {
                (self.fresh)(buf)?;
                state.drawn.push(buf.to_vec());
            }
        }
        state.next += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU8, Ordering};

    fn counting() -> ReplayedNonces {
        let counter = AtomicU8::new(0);
        ReplayedNonces::with_source(move |buf| {
            buf.fill(counter.fetch_add(1, Ordering::SeqCst) + 1);
            Ok(())
        })
    }

    #[test]
    fn every_pass_replays_the_first_passes_bytes_then_draws_fresh_ones() {
        let nonces = counting();
        let mut first = [0u8; 4];
        nonces.fill(&mut first).expect("draw");
        assert_eq!(first, [1; 4]);

        nonces.start_pass();
        let (mut again, mut second) = ([0u8; 4], [0u8; 4]);
        nonces.fill(&mut again).expect("replay");
        nonces.fill(&mut second).expect("draw");
        assert_eq!(
            again, first,
            "the first request of pass 2 repeats pass 1's nonce"
        );
        assert_eq!(
            second, [2; 4],
            "a request pass 1 never reached gets fresh bytes"
        );

        nonces.start_pass();
        let (mut a, mut b) = ([0u8; 4], [0u8; 4]);
        nonces.fill(&mut a).expect("replay");
        nonces.fill(&mut b).expect("replay");
        assert_eq!((a, b), ([1; 4], [2; 4]));
    }

    #[test]
    fn a_replay_of_another_length_is_refused() {
        let nonces = counting();
        nonces.fill(&mut [0u8; 4]).expect("draw");
        nonces.start_pass();
        assert!(matches!(
            nonces.fill(&mut [0u8; 8]),
            Err(Error::Randomness { .. })
        ));
    }

    #[test]
    fn unanswered_exchanges_are_pending_answered_ones_are_replayed() {
        let exchanges = AnsweredExchanges::default();
        let timeout = Duration::from_secs(5);
        assert!(exchanges.post("http://r/", b"req", timeout).is_err());
        let pending = exchanges.take_pending().expect("the miss is recorded");
        assert_eq!(pending.url, "http://r/");
        assert_eq!(exchanges.take_pending(), None, "taken once");

        exchanges.answer(pending, Ok(b"resp".to_vec()));
        assert_eq!(
            exchanges.post("http://r/", b"req", timeout),
            Ok(b"resp".to_vec())
        );
        assert_eq!(exchanges.take_pending(), None);
        // Another request body is another exchange.
        assert!(exchanges.post("http://r/", b"other", timeout).is_err());
        assert!(exchanges.take_pending().is_some());

        let failed = Exchange {
            url: "http://down/".into(),
            request: b"req".to_vec(),
        };
        exchanges.answer(failed, Err(OcspTransportError::Timeout));
        assert_eq!(
            exchanges.post("http://down/", b"req", timeout),
            Err(OcspTransportError::Timeout)
        );
        assert_eq!(exchanges.answered(), 2);
    }
}
