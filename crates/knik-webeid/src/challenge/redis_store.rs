//! The Redis nonce store: for an e-service that runs several instances behind a load balancer
//! (spec/browser.md "The nonce store is a trait ... Redis for e-services that run several
//! instances").
//!
//! One key per session, `<prefix><session id>`, holding `<expiry unix ms>:<nonce>` (base64 has
//! no `:`). `SET … PX ttl` lets Redis evict it; `take` is one MULTI/EXEC of GET and DEL, so
//! two instances racing for one nonce cannot both get it, on any Redis version (GETDEL needs
//! 6.2). The expiry is checked again on take, since Redis evicts lazily only to the millisecond.

use core::time::Duration;

use time::OffsetDateTime;

use crate::Error;
use crate::challenge::{ChallengeNonce, NonceStore, expiry, rfc3339};
use crate::nonce::check_nonce;

/// Key prefix unless the caller chooses one.
const DEFAULT_PREFIX: &str = "knik:webeid:nonce:";

/// Nonces in Redis, through a synchronous connection per operation.
#[derive(Debug, Clone)]
pub struct RedisNonceStore {
    client: redis::Client,
    prefix: String,
}

impl RedisNonceStore {
    /// A store on the Redis at `url` (`redis://127.0.0.1:6379/0`). Does not connect yet.
    pub fn open(url: &str) -> Result<Self, Error> {
        let client = redis::Client::open(url).map_err(store_error)?;
        Ok(RedisNonceStore {
            client,
            prefix: DEFAULT_PREFIX.to_owned(),
        })
    }

    /// Changes the key prefix (to share one Redis between e-services).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, session_id: &str) -> String {
        format!("{}{}", self.prefix, session_id)
    }

    fn connection(&self) -> Result<redis::Connection, Error> {
        self.client.get_connection().map_err(store_error)
    }
}

impl NonceStore for RedisNonceStore {
    fn put(&self, session_id: &str, nonce: &str, ttl: Duration) -> Result<ChallengeNonce, Error> {
        check_nonce(nonce)?;
        let expires_at = expiry(OffsetDateTime::now_utc(), ttl)?;
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let expires_ms = expires_at.unix_timestamp_nanos() / 1_000_000;
        let mut con = self.connection()?;
        redis::cmd("SET")
            .arg(self.key(session_id))
            .arg(format!("{expires_ms}:{nonce}"))
            .arg("PX")
            .arg(ttl_ms)
            .query::<()>(&mut con)
            .map_err(store_error)?;
        Ok(ChallengeNonce {
            value: nonce.to_owned(),
            expires_at,
        })
    }

    fn take(&self, session_id: &str) -> Result<ChallengeNonce, Error> {
        let key = self.key(session_id);
        let mut con = self.connection()?;
        let (stored, _deleted): (Option<String>, i64) = redis::pipe()
            .atomic()
            .get(&key)
            .del(&key)
            .query(&mut con)
            .map_err(store_error)?;
        let stored = stored.ok_or(Error::NonceNotFound)?;
        let corrupt = || Error::NonceStore {
            reason: format!("corrupt entry under {key}"),
        };
        let (expires_ms, value) = stored.split_once(':').ok_or_else(corrupt)?;
        let expires_ms: i128 = expires_ms.parse().map_err(|_| corrupt())?;
        let expires_at = OffsetDateTime::from_unix_timestamp_nanos(expires_ms * 1_000_000)
            .map_err(|_| corrupt())?;
        let nonce = ChallengeNonce {
            value: value.to_owned(),
            expires_at,
        };
        if nonce.is_expired_at(OffsetDateTime::now_utc()) {
            return Err(Error::NonceExpired {
                expired_at: rfc3339(expires_at),
            });
        }
        Ok(nonce)
    }
}

fn store_error(e: redis::RedisError) -> Error {
    Error::NonceStore {
        reason: format!("Redis: {e}"),
    }
}
