//! Through the real stack: knik-card's PC/SC backend → pcscd → vsmartcard-vpcd → the virtual
//! card's vpcd client. Needs a running pcscd with the vpcd readers "Virtual PCD 00 00" (35963)
//! and "Virtual PCD 00 01" (35964); `KNIK_SKIP_PCSCD=1` skips these tests when there is none.
//!
//! Every test holds the machine-wide lock /tmp/knik-pcsc.lock for its whole duration, because
//! test binaries of several crates share the one pcscd.

mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::*;
use knik_card::Error;
use knik_card::atr::AtrTable;
use knik_card::cache::CertificateCache;
use knik_card::card::Card;
use knik_card::pcsc::{PcscContext, PcscTransport};
use knik_card::pin::{Pin, PinKind};
use knik_card::token::{HashAlgorithm, KeyRole, Token};
use knik_card::transport::TransportError;
use knik_card_sim::{SimHandle, VirtualCard};
use p384::ecdsa::signature::hazmat::PrehashVerifier;
use p384::pkcs8::DecodePublicKey;
use sha2::Digest;

const READER0: &str = "Virtual PCD 00 00";
const READER1: &str = "Virtual PCD 00 01";

/// The lock and a PC/SC context; `None` when the tests are to be skipped.
struct Pcscd {
    _lock: std::fs::File,
    ctx: PcscContext,
}

fn pcscd() -> Option<Pcscd> {
    let skip = std::env::var("KNIK_SKIP_PCSCD").is_ok_and(|v| v == "1");
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open("/tmp/knik-pcsc.lock")
        .expect("open /tmp/knik-pcsc.lock");
    lock.lock().expect("lock /tmp/knik-pcsc.lock");
    let ctx = match PcscContext::establish() {
        Ok(ctx) => ctx,
        Err(e) if skip => {
            eprintln!("skipped: pcscd is not available ({e})");
            return None;
        }
        Err(e) => panic!(
            "pcscd is not available ({e}). Start it (scripts/services.sh up) or set KNIK_SKIP_PCSCD=1"
        ),
    };
    let names: Vec<String> = ctx
        .list_readers()
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    if !names.iter().any(|n| n == READER0) || !names.iter().any(|n| n == READER1) {
        assert!(
            skip,
            "pcscd runs but without the vpcd readers (found {names:?}); install vsmartcard-vpcd"
        );
        eprintln!("skipped: no vpcd readers");
        return None;
    }
    let p = Pcscd { _lock: lock, ctx };
    for reader in [READER0, READER1] {
        assert!(
            p.wait_card(reader, None, Duration::from_secs(5)),
            "{reader} holds a card that is not ours (someone runs a virtual card without the lock?)"
        );
    }
    Some(p)
}

impl Pcscd {
    /// Waits until `reader` shows the card with `atr` (or no card, for `None`).
    fn wait_card(&self, reader: &str, atr: Option<&[u8]>, timeout: Duration) -> bool {
        let start = Instant::now();
        loop {
            let info = self
                .ctx
                .list_readers()
                .unwrap()
                .into_iter()
                .find(|r| r.name == reader);
            let state = info
                .map(|r| if r.card_present { r.atr } else { None })
                .unwrap_or(None);
            if state.as_deref() == atr {
                return true;
            }
            if start.elapsed() > timeout {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Inserts a card into a reader and connects knik-card to it.
    fn insert(&self, name: &str, reader: &str) -> (SimHandle, Card<PcscTransport>) {
        let card = common::card(name);
        let atr = card.atr().to_vec();
        let port = if reader == READER0 { 35963 } else { 35964 };
        let handle = SimHandle::spawn(card, port).expect("vpcd accepts the card");
        assert!(
            self.wait_card(reader, Some(&atr), Duration::from_secs(5)),
            "{reader}: card not seen"
        );
        let transport = self.ctx.connect(reader).expect("connect");
        let card = Card::identify(transport, &AtrTable::builtin())
            .expect("the ATR is recognised")
            .with_cache(CertificateCache::new());
        (handle, card)
    }

    /// Pulls the card out and waits until pcscd has seen it go.
    fn eject(&self, handle: SimHandle, reader: &str) {
        drop(handle);
        assert!(
            self.wait_card(reader, None, Duration::from_secs(5)),
            "{reader}: card still present"
        );
    }
}

fn pin(s: &str) -> Pin {
    Pin::new(s.to_string())
}

fn assert_signed_by(cert_der: &[u8], digest: &[u8], value: &[u8]) {
    let (_, spki) = knik_card_sim::key::read_certificate(cert_der, "card certificate").unwrap();
    let key = p384::ecdsa::VerifyingKey::from_public_key_der(&spki).unwrap();
    let sig = p384::ecdsa::Signature::from_slice(value).unwrap();
    key.verify_prehash(digest, &sig)
        .expect("signature verifies with the card's certificate");
}

#[test]
fn every_operation_through_pcscd() {
    let Some(p) = pcscd() else { return };
    let (handle, mut c) = p.insert("citizen", READER0);
    let info = c.info().unwrap();
    assert_eq!(info.profile, "am-eid");
    assert_eq!(info.serial.as_deref(), Some("AMEID00000001"));
    assert_eq!(info.reader.as_deref(), Some(READER0));
    let pd = c.personal_data().unwrap().unwrap();
    assert_eq!(pd.surname(), Some("PETROSYAN"));
    assert_eq!(pd.get("given_names_native"), Some("ԱՆԻ"));
    let auth = c.certificate(KeyRole::Authentication).unwrap();
    let sign = c.certificate(KeyRole::Signing).unwrap();
    assert_ne!(auth, sign);
    for kind in [PinKind::Pin1, PinKind::Pin2, PinKind::Puk] {
        let s = c.pin_status(kind).unwrap();
        assert_eq!(
            (s.retries_left, s.max_tries, s.blocked),
            (Some(3), Some(3), false),
            "{kind}"
        );
    }
    c.verify_pin(PinKind::Pin1, &pin("1234")).unwrap();
    c.verify_pin(PinKind::Pin2, &pin("12345")).unwrap();
    c.verify_pin(PinKind::Puk, &pin("12345678")).unwrap();

    let digest = sha2::Sha384::digest(b"web eid challenge").to_vec();
    let s = c
        .authenticate(&pin("1234"), HashAlgorithm::Sha384, &digest)
        .unwrap();
    assert_signed_by(&auth, &digest, &s.value);
    let digest = sha2::Sha256::digest(b"SignedInfo").to_vec();
    let s = c
        .sign(&pin("12345"), HashAlgorithm::Sha256, &digest)
        .unwrap();
    assert_signed_by(&sign, &digest, &s.value);

    c.change_pin(PinKind::Pin1, &pin("1234"), &pin("2468"))
        .unwrap();
    c.change_pin(PinKind::Pin2, &pin("12345"), &pin("13579"))
        .unwrap();
    c.change_pin(PinKind::Puk, &pin("12345678"), &pin("87654321"))
        .unwrap();
    let s = c
        .sign(&pin("13579"), HashAlgorithm::Sha256, &digest)
        .unwrap();
    assert_signed_by(&sign, &digest, &s.value);
    c.unblock_pin(PinKind::Pin1, &pin("87654321"), &pin("1357"))
        .unwrap();
    c.authenticate(&pin("1357"), HashAlgorithm::Sha384, &[5u8; 48])
        .unwrap();
    drop(c);
    p.eject(handle, READER0);
}

#[test]
fn wrong_pins_block_and_the_puk_unblocks_through_pcscd() {
    let Some(p) = pcscd() else { return };
    let (handle, mut c) = p.insert("resident", READER0);
    let digest = [6u8; 48];
    assert_eq!(
        c.sign(&pin("00000"), HashAlgorithm::Sha384, &digest),
        Err(Error::WrongPin {
            kind: PinKind::Pin2,
            retries_left: 2
        })
    );
    assert_eq!(c.pin_status(PinKind::Pin2).unwrap().retries_left, Some(2));
    assert_eq!(
        c.verify_pin(PinKind::Pin2, &pin("00000")),
        Err(Error::WrongPin {
            kind: PinKind::Pin2,
            retries_left: 1
        })
    );
    let last = c.verify_pin(PinKind::Pin2, &pin("00000")).unwrap_err();
    assert!(
        matches!(
            last,
            Error::PinBlocked {
                kind: PinKind::Pin2
            } | Error::WrongPin {
                retries_left: 0,
                ..
            }
        ),
        "{last:?}"
    );
    assert!(c.pin_status(PinKind::Pin2).unwrap().blocked);
    assert_eq!(handle.card().lock().unwrap().retries_left(PinKind::Pin2), 0);
    assert_eq!(
        c.sign(&pin("12345"), HashAlgorithm::Sha384, &digest),
        Err(Error::PinBlocked {
            kind: PinKind::Pin2
        })
    );
    c.unblock_pin(PinKind::Pin2, &pin("12345678"), &pin("12345"))
        .unwrap();
    assert_eq!(c.pin_status(PinKind::Pin2).unwrap().retries_left, Some(3));
    c.sign(&pin("12345"), HashAlgorithm::Sha384, &digest)
        .unwrap();
    drop(c);
    p.eject(handle, READER0);
}

#[test]
fn the_blocked_card_refuses_to_sign_without_a_pin_being_sent() {
    let Some(p) = pcscd() else { return };
    let (handle, mut c) = p.insert("blocked", READER1);
    assert!(c.pin_status(PinKind::Pin2).unwrap().blocked);
    assert_eq!(
        c.sign(&pin("12345"), HashAlgorithm::Sha384, &[7u8; 48]),
        Err(Error::PinBlocked {
            kind: PinKind::Pin2
        })
    );
    // No VERIFY reached the card: a VERIFY of a blocked PIN would still answer 6983, so the
    // proof is that signing left the counter and state untouched and PIN1 still works.
    assert_eq!(handle.card().lock().unwrap().retries_left(PinKind::Pin2), 0);
    c.authenticate(&pin("1234"), HashAlgorithm::Sha384, &[7u8; 48])
        .unwrap();
    drop(c);
    p.eject(handle, READER1);
}

#[test]
fn a_card_removed_while_signing_is_reported_within_seconds() {
    let Some(p) = pcscd() else { return };
    let (handle, mut c) = p.insert("citizen", READER0);
    c.certificate(KeyRole::Signing).unwrap();
    handle.faults().remove_before_next_signature();
    let start = Instant::now();
    let err = c
        .sign(&pin("12345"), HashAlgorithm::Sha384, &[8u8; 48])
        .unwrap_err();
    let took = start.elapsed();
    eprintln!("card removed while signing: {err:?} after {took:?}");
    assert_eq!(err, Error::Transport(TransportError::CardRemoved), "{err}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(!handle.is_inserted());
    drop(c);

    // Put back: a new connection signs; PIN2 was verified before the removal but the card lost
    // that state, and the counter is intact.
    let mut handle = handle;
    assert!(p.wait_card(READER0, None, Duration::from_secs(5)));
    handle.insert().unwrap();
    let atr = handle.card().lock().unwrap().atr().to_vec();
    assert!(p.wait_card(READER0, Some(&atr), Duration::from_secs(5)));
    let mut c = Card::identify(p.ctx.connect(READER0).unwrap(), &AtrTable::builtin()).unwrap();
    assert_eq!(c.pin_status(PinKind::Pin2).unwrap().retries_left, Some(3));
    let s = c
        .sign(&pin("12345"), HashAlgorithm::Sha384, &[8u8; 48])
        .unwrap();
    assert_signed_by(
        &c.certificate(KeyRole::Signing).unwrap(),
        &[8u8; 48],
        &s.value,
    );

    // Removal in the middle of an authentication (the 3rd APDU of the operation).
    handle.faults().remove_before_apdu(3);
    let start = Instant::now();
    let err = c
        .authenticate(&pin("1234"), HashAlgorithm::Sha384, &[9u8; 48])
        .unwrap_err();
    assert_eq!(err, Error::Transport(TransportError::CardRemoved), "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
    drop(c);
    p.eject(handle, READER0);
}

#[test]
fn two_readers_two_cards_at_once() {
    let Some(p) = pcscd() else { return };
    let (h0, c0) = p.insert("citizen", READER0);
    let (h1, c1) = p.insert("resident", READER1);
    let run = |mut c: Card<PcscTransport>, surname: &'static str| {
        std::thread::spawn(move || {
            for i in 0..3u8 {
                let pd = c.personal_data().unwrap().unwrap();
                assert_eq!(pd.surname(), Some(surname));
                let digest = [i; 48];
                let s = c
                    .sign(&pin("12345"), HashAlgorithm::Sha384, &digest)
                    .unwrap();
                assert_signed_by(&c.certificate(KeyRole::Signing).unwrap(), &digest, &s.value);
            }
        })
    };
    let t0 = run(c0, "PETROSYAN");
    let t1 = run(c1, "MÜLLER");
    t0.join().unwrap();
    t1.join().unwrap();
    p.eject(h0, READER0);
    p.eject(h1, READER1);
}

#[test]
fn the_binary_serves_a_card_and_masks_pins_in_its_log() {
    let Some(p) = pcscd() else { return };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_knik-card-sim"))
        .arg("--card")
        .arg(card_path("expired"))
        .args(["--reader-slot", "1", "--slow-ms", "20"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let atr = VirtualCard::load(card_path("expired"))
        .unwrap()
        .atr()
        .to_vec();
    assert!(
        p.wait_card(READER1, Some(&atr), Duration::from_secs(10)),
        "the binary's card is not seen"
    );
    let transport = p.ctx.connect(READER1).unwrap();
    let mut c = Card::identify(transport, &AtrTable::builtin()).unwrap();
    let start = Instant::now();
    c.verify_pin(PinKind::Pin1, &pin("1234")).unwrap();
    // 20 ms per APDU: SELECT, GET DATA, VERIFY at least.
    assert!(start.elapsed() >= Duration::from_millis(60));
    assert_eq!(
        c.personal_data().unwrap().unwrap().surname(),
        Some("SARGSYAN")
    );
    drop(c);
    // We started it; stop it by its pid. pcscd then sees the card go.
    child.kill().unwrap();
    child.wait().unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.contains("> 00 20 00 01 0C <12 bytes masked>  < 90 00"),
        "{log}"
    );
    assert!(!log.contains("31 32 33 34"), "the PIN leaked into the log");
    assert!(p.wait_card(READER1, None, Duration::from_secs(5)));
}
