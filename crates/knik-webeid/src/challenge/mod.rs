//! Challenge nonces: made by the e-service, kept per browser session, taken exactly once
//! (reference/web-eid.md §2.5 step 0, §2.6; spec/browser.md "The validator").

mod generator;
mod memory;
#[cfg(feature = "redis")]
mod redis_store;
mod store;

use core::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use generator::NonceGenerator;
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use generator::OsNonceGenerator;
pub use memory::{Clock, MemoryNonceStore};
#[cfg(feature = "redis")]
pub use redis_store::RedisNonceStore;
pub use store::{NonceStore, issue_challenge};

use crate::Error;

/// Random bytes in a nonce: 32, base64 → 44 characters (§2.6).
pub const NONCE_BYTES: usize = 32;

/// How long a nonce is good for unless the e-service says otherwise: 5 minutes.
pub const DEFAULT_NONCE_TTL: Duration = Duration::from_secs(5 * 60);

/// A nonce and the moment it stops being acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeNonce {
    /// The nonce as text (standard padded base64): sent to the page, signed as text.
    pub value: String,
    /// After this instant the nonce is refused.
    pub expires_at: OffsetDateTime,
}

impl ChallengeNonce {
    /// Draws [`NONCE_BYTES`] random bytes from `generator`; the nonce expires `ttl` after `now`.
    pub fn generate(
        generator: &dyn NonceGenerator,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<ChallengeNonce, Error> {
        Ok(ChallengeNonce {
            value: random_value(generator)?,
            expires_at: expiry(now, ttl)?,
        })
    }

    /// True once `now` is past `expires_at`.
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        now > self.expires_at
    }
}

/// [`NONCE_BYTES`] random bytes as standard padded base64.
pub(crate) fn random_value(generator: &dyn NonceGenerator) -> Result<String, Error> {
    let mut bytes = [0u8; NONCE_BYTES];
    generator.fill(&mut bytes)?;
    Ok(STANDARD.encode(bytes))
}

/// `now + ttl`, refusing a ttl that overflows the calendar.
pub(crate) fn expiry(now: OffsetDateTime, ttl: Duration) -> Result<OffsetDateTime, Error> {
    time::Duration::try_from(ttl)
        .ok()
        .and_then(|ttl| now.checked_add(ttl))
        .ok_or_else(|| Error::NonceStore {
            reason: format!("nonce lifetime of {} s is out of range", ttl.as_secs()),
        })
}

/// RFC 3339 text for error messages.
pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}
