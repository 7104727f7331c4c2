//! The in-process nonce store: the default for an e-service that runs as one instance.

use core::time::Duration;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use time::OffsetDateTime;

use crate::Error;
use crate::challenge::{ChallengeNonce, NonceStore, expiry, rfc3339};
use crate::nonce::check_nonce;

/// The current time. Tests and browser (wasm) builds pass their own; the default reads the
/// system clock, which `wasm32-unknown-unknown` does not have.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// Most nonces held at once by default: an unauthenticated endpoint makes them, so the store
/// must not grow without bound.
const DEFAULT_CAPACITY: usize = 100_000;

/// Nonces in a `Mutex<HashMap>`, with expiry. Expired entries are dropped whenever a nonce is
/// stored.
pub struct MemoryNonceStore {
    entries: Mutex<HashMap<String, ChallengeNonce>>,
    clock: Clock,
    capacity: usize,
}

impl core::fmt::Debug for MemoryNonceStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryNonceStore")
            .field("entries", &self.lock().len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl Default for MemoryNonceStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryNonceStore {
    /// A store on the system clock, holding at most 100 000 nonces.
    ///
    /// `wasm32-unknown-unknown` has no system clock (reading it panics): there, use
    /// [`with_clock`](Self::with_clock) with `Date.now()` from the JavaScript side.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(OffsetDateTime::now_utc))
    }

    /// A store on the given clock.
    pub fn with_clock(clock: Clock) -> Self {
        MemoryNonceStore {
            entries: Mutex::new(HashMap::new()),
            clock,
            capacity: DEFAULT_CAPACITY,
        }
    }

    /// Changes the most nonces held at once; beyond it `put` fails with
    /// [`Error::NonceStore`].
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    /// How many nonces are held (expired ones included until the next `put`).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, ChallengeNonce>> {
        // A panic while holding the lock cannot leave the map half-updated (each operation is
        // one insert or remove), so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl NonceStore for MemoryNonceStore {
    fn put(&self, session_id: &str, nonce: &str, ttl: Duration) -> Result<ChallengeNonce, Error> {
        check_nonce(nonce)?;
        let now = (self.clock)();
        let stored = ChallengeNonce {
            value: nonce.to_owned(),
            expires_at: expiry(now, ttl)?,
        };
        let mut entries = self.lock();
        entries.retain(|_, n| !n.is_expired_at(now));
        if entries.len() >= self.capacity && !entries.contains_key(session_id) {
            return Err(Error::NonceStore {
                reason: format!("the store is full ({} nonces)", self.capacity),
            });
        }
        entries.insert(session_id.to_owned(), stored.clone());
        Ok(stored)
    }

    fn take(&self, session_id: &str) -> Result<ChallengeNonce, Error> {
        let nonce = self.lock().remove(session_id).ok_or(Error::NonceNotFound)?;
        if nonce.is_expired_at((self.clock)()) {
            return Err(Error::NonceExpired {
                expired_at: rfc3339(nonce.expires_at),
            });
        }
        Ok(nonce)
    }
}
