//! The nonce store: one nonce per browser session, taken exactly once.

use core::time::Duration;

use crate::Error;
use crate::challenge::{ChallengeNonce, NonceGenerator, random_value};

/// Keeps challenge nonces between the challenge request and the login request.
///
/// Bind the session id to the browser's session (a cookie the page cannot read), so a nonce
/// issued to one browser is useless in another. Implementations must make [`take`](Self::take)
/// atomic: two concurrent takes of one nonce give it to at most one of them.
pub trait NonceStore {
    /// Stores `nonce` for `session_id`, replacing any earlier one, good for `ttl`.
    /// Refuses a nonce that is not 44–128 characters of base64. Returns what was stored.
    fn put(&self, session_id: &str, nonce: &str, ttl: Duration) -> Result<ChallengeNonce, Error>;

    /// Removes and returns the session's nonce.
    ///
    /// [`Error::NonceNotFound`] if there is none (never issued, already taken, evicted);
    /// [`Error::NonceExpired`] if it was past its lifetime (it is removed all the same).
    fn take(&self, session_id: &str) -> Result<ChallengeNonce, Error>;
}

/// Makes a fresh nonce for `session_id` and stores it: what a `/auth/challenge` endpoint does.
pub fn issue_challenge(
    store: &dyn NonceStore,
    generator: &dyn NonceGenerator,
    session_id: &str,
    ttl: Duration,
) -> Result<ChallengeNonce, Error> {
    store.put(session_id, &random_value(generator)?, ttl)
}
