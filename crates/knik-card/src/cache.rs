//! Certificates already read, so a second operation does not read them again (spec/cards.md
//! "Operations every profile offers").
//!
//! Entries are keyed by profile, card serial and key role and hold the DER with its SHA-256.
//! A different card (another serial) never finds the first card's entries; when a reader's
//! card changes, [`Card`](crate::card::Card) drops the previous card's entries. The handle is
//! cheap to clone and shared across [`Card`](crate::card::Card) instances of a process
//! ([`CertificateCache::global`]); tests pass their own.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use sha2::{Digest, Sha256};

use crate::token::KeyRole;

/// Entries kept at most; the oldest goes first (a process seldom sees more than a few cards).
const CAPACITY: usize = 32;

/// A cached certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedCertificate {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// SHA-256 of `der`.
    pub sha256: [u8; 32],
}

impl CachedCertificate {
    /// Wraps a certificate and computes its digest.
    pub fn new(der: Vec<u8>) -> CachedCertificate {
        let sha256 = Sha256::digest(&der).into();
        CachedCertificate { der, sha256 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    profile: String,
    serial: String,
    role: &'static str,
}

#[derive(Default)]
struct Inner {
    entries: BTreeMap<Key, (u64, CachedCertificate)>,
    clock: u64,
}

/// A shared certificate cache.
#[derive(Clone, Default)]
pub struct CertificateCache {
    inner: Arc<Mutex<Inner>>,
}

impl std::fmt::Debug for CertificateCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CertificateCache({} entries)", self.len())
    }
}

impl CertificateCache {
    /// An empty cache of its own.
    pub fn new() -> CertificateCache {
        CertificateCache::default()
    }

    /// The process-wide cache (what [`Card`](crate::card::Card) uses unless told otherwise).
    pub fn global() -> CertificateCache {
        static GLOBAL: OnceLock<CertificateCache> = OnceLock::new();
        GLOBAL.get_or_init(CertificateCache::new).clone()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves consistent data (every update is a
        // single map operation), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn key(profile: &str, serial: &str, role: KeyRole) -> Key {
        Key {
            profile: profile.to_string(),
            serial: serial.to_string(),
            role: role.id(),
        }
    }

    /// The certificate of `role` on the card `serial` of profile `profile`, if cached.
    pub fn get(&self, profile: &str, serial: &str, role: KeyRole) -> Option<CachedCertificate> {
        let mut inner = self.lock();
        inner.clock += 1;
        let now = inner.clock;
        let entry = inner.entries.get_mut(&Self::key(profile, serial, role))?;
        entry.0 = now;
        let cert = entry.1.clone();
        // An entry whose digest no longer matches is not trusted (defensive; cannot happen
        // through this API).
        if <[u8; 32]>::from(Sha256::digest(&cert.der)) != cert.sha256 {
            inner.entries.remove(&Self::key(profile, serial, role));
            return None;
        }
        Some(cert)
    }

    /// Stores a certificate, evicting the least recently used entry when full.
    pub fn insert(
        &self,
        profile: &str,
        serial: &str,
        role: KeyRole,
        der: Vec<u8>,
    ) -> CachedCertificate {
        let cert = CachedCertificate::new(der);
        let mut inner = self.lock();
        inner.clock += 1;
        let now = inner.clock;
        inner
            .entries
            .insert(Self::key(profile, serial, role), (now, cert.clone()));
        while inner.entries.len() > CAPACITY {
            let oldest = inner
                .entries
                .iter()
                .min_by_key(|(_, (t, _))| *t)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => inner.entries.remove(&k),
                None => break,
            };
        }
        cert
    }

    /// Forgets every certificate of one card.
    pub fn invalidate(&self, profile: &str, serial: &str) {
        self.lock()
            .entries
            .retain(|k, _| !(k.profile == profile && k.serial == serial));
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    /// Number of certificates held.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_per_card_and_role() {
        let c = CertificateCache::new();
        let stored = c.insert("am-eid", "A1", KeyRole::Authentication, vec![1, 2, 3]);
        assert_eq!(stored.sha256, <[u8; 32]>::from(Sha256::digest([1, 2, 3])));
        assert_eq!(
            c.get("am-eid", "A1", KeyRole::Authentication).unwrap().der,
            vec![1, 2, 3]
        );
        assert!(c.get("am-eid", "A1", KeyRole::Signing).is_none());
        assert!(c.get("am-eid", "B2", KeyRole::Authentication).is_none());
        assert!(c.get("ee-idemia", "A1", KeyRole::Authentication).is_none());
        // clones share the store
        let d = c.clone();
        d.invalidate("am-eid", "A1");
        assert!(c.is_empty());
    }

    #[test]
    fn capacity_is_bounded_and_evicts_the_oldest() {
        let c = CertificateCache::new();
        for i in 0..CAPACITY + 5 {
            c.insert("p", &i.to_string(), KeyRole::Signing, vec![i as u8]);
            // keep "0" in use
            let _ = c.get("p", "0", KeyRole::Signing);
        }
        assert_eq!(c.len(), CAPACITY);
        assert!(c.get("p", "0", KeyRole::Signing).is_some());
        assert!(c.get("p", "1", KeyRole::Signing).is_none());
    }
}
