//! The PC/SC backend against the real pcscd with vsmartcard's vpcd driver and a bare echo card
//! that lives in this test (reference/test-infra.md §1.5: 2-byte big-endian length framing;
//! control bytes 0x00/0x01/0x02 get no reply, 0x04 gets the ATR, anything longer is an APDU).
//!
//! Every test holds an exclusive lock on /tmp/knik-pcsc.lock for its whole run (the daemon and
//! the vpcd ports are shared by every test binary on the machine). When pcscd is not running
//! the tests start it; when that fails they fail, unless KNIK_SKIP_PCSCD=1 (then they print
//! "skipped: …" and pass).

#![cfg(feature = "pcsc")]

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use knik_card::Error;
use knik_card::pcsc::{PcscContext, ReaderEvent};
use knik_card::transport::{CardTransport, TransportError};

const LOCK: &str = "/tmp/knik-pcsc.lock";
/// vpcd's two slots: reader name and the TCP port its card connects to.
const SLOTS: [(&str, u16); 2] = [("Virtual PCD 00 00", 35963), ("Virtual PCD 00 01", 35964)];
/// INS that makes the echo card drop its connection instead of answering.
const INS_VANISH: u8 = 0xDD;

/// The lock, the service, and a vpcd slot with no card in it.
struct Bench {
    _lock: File,
    ctx: PcscContext,
    reader: &'static str,
    port: u16,
}

/// Takes the lock, makes sure pcscd runs, picks a free vpcd slot. `None` (after printing
/// "skipped: …") when pcscd is unavailable and KNIK_SKIP_PCSCD=1.
fn bench() -> Option<Bench> {
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(LOCK)
        .expect("open lock");
    lock.lock().expect("lock /tmp/knik-pcsc.lock");
    match ready_service() {
        Ok(ctx) => {
            let readers = ctx.list_readers().expect("list readers");
            let (reader, port) = SLOTS
                .into_iter()
                .find(|(name, _)| readers.iter().any(|r| r.name == *name && !r.card_present))
                .unwrap_or_else(|| panic!("no free vpcd slot; readers: {readers:?}"));
            Some(Bench {
                _lock: lock,
                ctx,
                reader,
                port,
            })
        }
        Err(why) if std::env::var("KNIK_SKIP_PCSCD").is_ok_and(|v| v == "1") => {
            println!("skipped: {why}");
            None
        }
        Err(why) => panic!("{why} (set KNIK_SKIP_PCSCD=1 to skip the PC/SC tests)"),
    }
}

/// A context on a pcscd that has the vpcd readers, starting pcscd if none runs.
fn ready_service() -> Result<PcscContext, String> {
    if let Some(ctx) = vpcd_context() {
        return Ok(ctx);
    }
    if live_pcscd() {
        return Err(
            "pcscd runs but offers no vpcd reader \"Virtual PCD 00 00\" (is vsmartcard-vpcd installed?)"
                .into(),
        );
    }
    // No daemon: stale files from a killed one would stop a new one (test-infra.md §1.10).
    let _ = std::fs::remove_file("/run/pcscd/pcscd.comm");
    let _ = std::fs::remove_file("/run/pcscd/pcscd.pid");
    let log = File::create("/tmp/knik-pcscd.log").map_err(|e| e.to_string())?;
    Command::new("pcscd")
        .arg("-f")
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("pcscd is not running and cannot be started: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Some(ctx) = vpcd_context() {
            return Ok(ctx);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("pcscd was started but did not offer the vpcd readers within 10 s (see /tmp/knik-pcscd.log)".into())
}

/// A pcscd process that is not a zombie (a killed one lingers as a zombie with its pid file).
fn live_pcscd() -> bool {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return false;
    };
    procs.flatten().any(|p| {
        let comm = std::fs::read_to_string(p.path().join("comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(p.path().join("stat")).unwrap_or_default();
        // stat: "pid (comm) state …"
        let state = stat
            .rsplit_once(") ")
            .map(|(_, rest)| rest.starts_with('Z'));
        comm.trim() == "pcscd" && state == Some(false)
    })
}

fn vpcd_context() -> Option<PcscContext> {
    let ctx = PcscContext::establish().ok()?;
    let readers = ctx.list_readers().ok()?;
    readers.iter().any(|r| r.name == SLOTS[0].0).then_some(ctx)
}

/// The ATR of the echo card: T=0 and T=1 offered, historical bytes "KNIKECHO", TCK.
fn echo_atr() -> Vec<u8> {
    let hist = b"KNIKECHO";
    let mut atr = vec![0x3B, 0x80 | hist.len() as u8, 0x80, 0x01];
    atr.extend_from_slice(hist);
    let tck = atr[1..].iter().fold(0u8, |x, b| x ^ b);
    atr.push(tck);
    atr
}

/// The data field of a command APDU (short or extended).
fn data_field(apdu: &[u8]) -> &[u8] {
    match apdu {
        [_, _, _, _, 0, hi, lo, rest @ ..] if apdu.len() > 7 => {
            let lc = usize::from(u16::from_be_bytes([*hi, *lo]));
            &rest[..lc.min(rest.len())]
        }
        [_, _, _, _, lc, rest @ ..] if *lc != 0 && !rest.is_empty() => {
            &rest[..usize::from(*lc).min(rest.len())]
        }
        _ => &[],
    }
}

/// A card in a vpcd slot that answers every APDU with its data field and 9000.
struct EchoCard {
    socket: TcpStream,
    thread: Option<JoinHandle<()>>,
}

impl EchoCard {
    fn insert(port: u16) -> EchoCard {
        let socket = TcpStream::connect(("127.0.0.1", port)).expect("connect to vpcd");
        socket.set_nodelay(true).unwrap();
        let mut stream = socket.try_clone().unwrap();
        let thread = std::thread::spawn(move || {
            let mut len = [0u8; 2];
            // vpcd writes the length and the payload in two send() calls; with Nagle on its side
            // and delayed ACKs on ours every APDU would wait ~40 ms for the second half. Quick
            // ACKs (re-armed before each read: Linux clears the flag) make it ~0.5 ms.
            let quick = |s: &TcpStream| {
                #[cfg(target_os = "linux")]
                {
                    use std::os::linux::net::TcpStreamExt;
                    let _ = s.set_quickack(true);
                }
                let _ = s;
            };
            quick(&stream);
            while stream.read_exact(&mut len).is_ok() {
                quick(&stream);
                let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
                if stream.read_exact(&mut msg).is_err() {
                    return;
                }
                let reply = match msg.as_slice() {
                    [0x00] | [0x01] | [0x02] => continue,
                    [0x04] => echo_atr(),
                    [_, INS_VANISH, ..] => {
                        let _ = stream.shutdown(Shutdown::Both);
                        return;
                    }
                    apdu => [data_field(apdu), &[0x90, 0x00]].concat(),
                };
                let mut out = (reply.len() as u16).to_be_bytes().to_vec();
                out.extend(reply);
                if stream.write_all(&out).is_err() {
                    return;
                }
                quick(&stream);
            }
        });
        EchoCard {
            socket,
            thread: Some(thread),
        }
    }

    /// Pulls the card out: vpcd sees the connection close.
    fn eject(mut self) {
        let _ = self.socket.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for EchoCard {
    fn drop(&mut self) {
        let _ = self.socket.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Polls until the reader shows (or no longer shows) a card.
fn wait_for_card(ctx: &PcscContext, reader: &str, present: bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let readers = ctx.list_readers().unwrap();
        if readers
            .iter()
            .any(|r| r.name == reader && r.card_present == present)
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "card present={present} not seen in {reader}: {readers:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn reader_list_shows_the_card_with_its_atr() {
    let Some(b) = bench() else { return };
    let card = EchoCard::insert(b.port);
    wait_for_card(&b.ctx, b.reader, true);
    let readers = b.ctx.list_readers().unwrap();
    let info = readers.iter().find(|r| r.name == b.reader).unwrap();
    assert_eq!(info.atr.as_deref(), Some(echo_atr().as_slice()));
    assert!(!info.exclusive && !info.mute);

    let t = b.ctx.connect(b.reader).unwrap();
    assert_eq!(t.atr(), echo_atr().as_slice());
    assert_eq!(t.reader_name(), Some(b.reader));
    let caps = t.capabilities();
    let short_forced = std::env::var("KNIK_SHORT_APDU").is_ok_and(|v| v == "1");
    assert_eq!(caps.extended_length, !short_forced);
    assert!(!caps.pin_pad, "vpcd has no PIN pad");
    drop(t);
    card.eject();
    wait_for_card(&b.ctx, b.reader, false);
}

#[test]
fn transmit_short_and_1000_byte_extended_apdus() {
    let Some(b) = bench() else { return };
    let _card = EchoCard::insert(b.port);
    wait_for_card(&b.ctx, b.reader, true);
    let mut t = b.ctx.connect(b.reader).unwrap();

    t.begin_transaction().unwrap();
    assert_eq!(
        t.transmit(&[0x00, 0xEE, 0x00, 0x00, 0x03, 1, 2, 3, 0x00])
            .unwrap(),
        [1, 2, 3, 0x90, 0x00]
    );
    let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    let mut ext = vec![0x00, 0xEE, 0x00, 0x00, 0x00, 0x03, 0xE8];
    ext.extend(&data);
    ext.extend([0x00, 0x00]);
    let started = Instant::now();
    let answer = t.transmit(&ext).unwrap();
    println!(
        "1000-byte extended APDU round trip: {:?}",
        started.elapsed()
    );
    assert_eq!(answer.len(), 1002);
    assert_eq!(&answer[..1000], data.as_slice());
    assert_eq!(&answer[1000..], [0x90, 0x00]);
    t.end_transaction(false).unwrap();

    // An operation that ends with a reset, then the next one still works.
    t.begin_transaction().unwrap();
    t.end_transaction(true).unwrap();
    t.begin_transaction().unwrap();
    assert_eq!(
        t.transmit(&[0x00, 0xEE, 0x00, 0x00, 0x01, 7]).unwrap(),
        [7, 0x90, 0x00]
    );
    t.end_transaction(false).unwrap();

    // 20 short round trips, to measure the per-APDU cost through pcscd and the worker thread.
    let started = Instant::now();
    for _ in 0..20 {
        t.transmit(&[0x00, 0xEE, 0x00, 0x00, 0x01, 7]).unwrap();
    }
    println!("short APDU round trip: {:?}", started.elapsed() / 20);
}

#[test]
fn a_transaction_keeps_other_connections_out_until_it_ends() {
    let Some(b) = bench() else { return };
    let _card = EchoCard::insert(b.port);
    wait_for_card(&b.ctx, b.reader, true);
    let mut first = b.ctx.connect(b.reader).unwrap();
    let mut second = b.ctx.connect(b.reader).unwrap();

    first.begin_transaction().unwrap();
    let started = Instant::now();
    let other = std::thread::spawn(move || {
        second.begin_transaction().unwrap();
        let waited = started.elapsed();
        let answer = second.transmit(&[0x00, 0xEE, 0x00, 0x00, 0x01, 2]).unwrap();
        second.end_transaction(false).unwrap();
        (waited, answer)
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        first.transmit(&[0x00, 0xEE, 0x00, 0x00, 0x01, 1]).unwrap(),
        [1, 0x90, 0x00]
    );
    first.end_transaction(false).unwrap();
    let (waited, answer) = other.join().unwrap();
    assert!(
        waited >= Duration::from_millis(250),
        "second transaction began after {waited:?}"
    );
    assert_eq!(answer, [2, 0x90, 0x00]);
}

#[test]
fn card_vanishing_mid_command_is_card_removed_without_hanging() {
    let Some(b) = bench() else { return };
    let card = EchoCard::insert(b.port);
    wait_for_card(&b.ctx, b.reader, true);
    let mut t = b.ctx.connect(b.reader).unwrap();
    t.begin_transaction().unwrap();

    let started = Instant::now();
    let result = t.transmit(&[0x00, INS_VANISH, 0x00, 0x00]);
    let took = started.elapsed();
    println!("card removal noticed after {took:?}");
    assert_eq!(result, Err(TransportError::CardRemoved));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(
        t.transmit(&[0x00, 0xEE, 0x00, 0x00]),
        Err(TransportError::CardRemoved)
    );
    let _ = t.end_transaction(false);
    drop(t);
    drop(card);

    wait_for_card(&b.ctx, b.reader, false);
    assert_eq!(
        b.ctx.connect(b.reader).unwrap_err(),
        Error::NoCard(b.reader.to_string())
    );
    assert_eq!(
        b.ctx.connect("No Such Reader 00 00").unwrap_err(),
        Error::ReaderNotFound("No Such Reader 00 00".to_string())
    );
}

#[test]
fn monitor_reports_card_insertion_and_removal_and_stops_on_cancel() {
    let Some(b) = bench() else { return };
    let mut monitor = b.ctx.monitor().unwrap();
    assert!(
        monitor
            .readers()
            .iter()
            .any(|r| r.name == b.reader && !r.card_present)
    );
    assert_eq!(
        monitor.next_event(Some(Duration::from_millis(50))).unwrap(),
        None
    );

    let card = EchoCard::insert(b.port);
    let event = next_for(&mut monitor, b.reader);
    assert_eq!(
        event,
        ReaderEvent::CardInserted {
            reader: b.reader.to_string(),
            atr: echo_atr()
        }
    );

    card.eject();
    assert_eq!(
        next_for(&mut monitor, b.reader),
        ReaderEvent::CardRemoved(b.reader.to_string())
    );

    // A watcher blocked without timeout stops when cancelled from another thread.
    let cancel = monitor.cancel_handle();
    let waiter = std::thread::spawn(move || {
        let started = Instant::now();
        let r = monitor.next_event(None);
        (r, started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(200));
    cancel.cancel();
    let (r, took) = waiter.join().unwrap();
    assert_eq!(r.unwrap(), None);
    assert!(took < Duration::from_secs(5), "cancel took {took:?}");
}

/// The next event about `reader` within 5 s (events of the other slot are skipped).
fn next_for(monitor: &mut knik_card::pcsc::ReaderMonitor, reader: &str) -> ReaderEvent {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match monitor.next_event(Some(left)).unwrap() {
            Some(ReaderEvent::CardInserted { reader: r, atr }) if r == reader => {
                return ReaderEvent::CardInserted { reader: r, atr };
            }
            Some(ReaderEvent::CardRemoved(r)) if r == reader => return ReaderEvent::CardRemoved(r),
            Some(_) => {}
            None => panic!("no event for {reader} within 5 s"),
        }
    }
}
