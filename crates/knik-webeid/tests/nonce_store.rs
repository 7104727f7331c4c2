//! Challenge nonces: generation, single use and expiry, in memory and in a real Redis
//! (reference/web-eid.md §2.5 step 0, §2.6).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use knik_webeid::Error;
use knik_webeid::challenge::{
    ChallengeNonce, DEFAULT_NONCE_TTL, MemoryNonceStore, NonceGenerator, NonceStore,
    OsNonceGenerator, issue_challenge,
};
use knik_webeid::nonce::check_nonce;
use time::OffsetDateTime;
use time::macros::datetime;

#[test]
fn generated_nonces_are_44_characters_of_base64_and_differ() {
    let now = datetime!(2026-11-22 06:00 UTC);
    let a = ChallengeNonce::generate(&OsNonceGenerator, now, DEFAULT_NONCE_TTL).unwrap();
    let b = ChallengeNonce::generate(&OsNonceGenerator, now, DEFAULT_NONCE_TTL).unwrap();
    assert_eq!(a.value.len(), 44);
    assert_eq!(check_nonce(&a.value), Ok(()));
    assert_ne!(a.value, b.value);
    assert_eq!(a.expires_at, datetime!(2026-11-22 06:05 UTC));
    assert!(!a.is_expired_at(datetime!(2026-11-22 06:05 UTC)));
    assert!(a.is_expired_at(datetime!(2026-11-22 06:05:00.001 UTC)));
}

struct FailingGenerator;
impl NonceGenerator for FailingGenerator {
    fn fill(&self, _buf: &mut [u8]) -> Result<(), Error> {
        Err(Error::Randomness {
            reason: "no entropy".into(),
        })
    }
}

/// A clock the test moves by hand.
fn manual_clock() -> (Arc<Mutex<OffsetDateTime>>, MemoryNonceStore) {
    let now = Arc::new(Mutex::new(datetime!(2026-11-22 06:00 UTC)));
    let reader = now.clone();
    let store = MemoryNonceStore::with_clock(Arc::new(move || *reader.lock().unwrap()));
    (now, store)
}

#[test]
fn memory_store_gives_a_nonce_once() {
    let (_, store) = manual_clock();
    let issued =
        issue_challenge(&store, &OsNonceGenerator, "session-1", DEFAULT_NONCE_TTL).unwrap();
    assert_eq!(store.take("session-1"), Ok(issued));
    assert_eq!(store.take("session-1"), Err(Error::NonceNotFound));
    assert_eq!(store.take("session-2"), Err(Error::NonceNotFound));
    assert_eq!(
        issue_challenge(&store, &FailingGenerator, "s", DEFAULT_NONCE_TTL),
        Err(Error::Randomness {
            reason: "no entropy".into()
        })
    );
}

#[test]
fn memory_store_refuses_an_expired_nonce_and_forgets_it() {
    let (now, store) = manual_clock();
    let issued = issue_challenge(&store, &OsNonceGenerator, "s", DEFAULT_NONCE_TTL).unwrap();
    *now.lock().unwrap() += time::Duration::minutes(5) + time::Duration::milliseconds(1);
    assert_eq!(
        store.take("s"),
        Err(Error::NonceExpired {
            expired_at: "2026-11-22T06:05:00Z".into()
        })
    );
    assert_eq!(store.take("s"), Err(Error::NonceNotFound));
    assert_ne!(issued.value, "");
    // A later put drops expired entries of other sessions.
    store
        .put("old", &"A".repeat(44), Duration::from_secs(1))
        .unwrap();
    *now.lock().unwrap() += time::Duration::seconds(2);
    store
        .put("new", &"B".repeat(44), DEFAULT_NONCE_TTL)
        .unwrap();
    assert_eq!(store.len(), 1);
}

#[test]
fn memory_store_replaces_per_session_checks_form_and_is_bounded() {
    let (_, store) = manual_clock();
    let store = store.with_capacity(2);
    store.put("s", &"A".repeat(44), DEFAULT_NONCE_TTL).unwrap();
    store.put("s", &"B".repeat(44), DEFAULT_NONCE_TTL).unwrap();
    assert_eq!(store.take("s").unwrap().value, "B".repeat(44));
    assert!(matches!(
        store.put("s", "short", DEFAULT_NONCE_TTL),
        Err(Error::InvalidNonce { .. })
    ));
    store.put("a", &"A".repeat(44), DEFAULT_NONCE_TTL).unwrap();
    store.put("b", &"A".repeat(44), DEFAULT_NONCE_TTL).unwrap();
    assert!(matches!(
        store.put("c", &"A".repeat(44), DEFAULT_NONCE_TTL),
        Err(Error::NonceStore { .. })
    ));
}

#[test]
fn memory_store_gives_a_nonce_to_only_one_of_many_concurrent_takers() {
    let store = Arc::new(MemoryNonceStore::new());
    store.put("s", &"A".repeat(44), DEFAULT_NONCE_TTL).unwrap();
    let winners: usize = (0..8)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || store.take("s").is_ok() as usize)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .sum();
    assert_eq!(winners, 1);
}

#[cfg(feature = "redis")]
#[path = "common/redis_server.rs"]
mod redis_server;

#[cfg(feature = "redis")]
mod redis {
    use super::redis_server::{self, RedisServer};
    use std::time::Duration;

    use knik_webeid::Error;
    use knik_webeid::challenge::{
        DEFAULT_NONCE_TTL, NonceStore, OsNonceGenerator, RedisNonceStore, issue_challenge,
    };

    const PORT: u16 = 6390;

    fn start() -> Option<RedisServer> {
        redis_server::start(PORT)
    }

    /// One test function, so one server: tests in this binary run in parallel.
    #[test]
    fn redis_store_single_use_expiry_and_atomic_take() {
        let Some(_server) = start() else { return };
        let store = RedisNonceStore::open(&format!("redis://127.0.0.1:{PORT}/0")).unwrap();

        // Single use.
        let issued =
            issue_challenge(&store, &OsNonceGenerator, "session-1", DEFAULT_NONCE_TTL).unwrap();
        let taken = store.take("session-1").unwrap();
        assert_eq!(taken.value, issued.value);
        // Stored to the millisecond.
        assert!((taken.expires_at - issued.expires_at).abs() < time::Duration::milliseconds(1));
        assert_eq!(store.take("session-1"), Err(Error::NonceNotFound));

        // Expiry: Redis evicts it after the ttl.
        store
            .put("session-2", &"A".repeat(44), Duration::from_millis(200))
            .unwrap();
        std::thread::sleep(Duration::from_millis(400));
        assert_eq!(store.take("session-2"), Err(Error::NonceNotFound));

        // Prefixes keep e-services apart.
        let other = RedisNonceStore::open(&format!("redis://127.0.0.1:{PORT}/0"))
            .unwrap()
            .with_prefix("other:");
        store.put("s", &"B".repeat(44), DEFAULT_NONCE_TTL).unwrap();
        assert_eq!(other.take("s"), Err(Error::NonceNotFound));

        // Eight concurrent takers, one winner.
        let winners: usize = (0..8)
            .map(|_| {
                let store = store.clone();
                std::thread::spawn(move || store.take("s").is_ok() as usize)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .sum();
        assert_eq!(winners, 1);
    }

    #[test]
    fn unreachable_redis_is_a_store_error() {
        // Port 1 on loopback: nothing listens there.
        let store = RedisNonceStore::open("redis://127.0.0.1:1/0").unwrap();
        assert!(matches!(store.take("s"), Err(Error::NonceStore { .. })));
    }
}
