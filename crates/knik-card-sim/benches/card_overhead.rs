//! How many APDUs knik sends, and how much time knik adds around the card, per operation.
//!
//! `cargo bench -p knik-card-sim --bench card_overhead` (release build). For each operation it
//! runs many iterations and splits the wall time into the time spent inside the transport
//! (the card's own time: the virtual card's processing, and through pcscd also the PC/SC and
//! vpcd round trips) and the rest, which is knik's: building and parsing APDUs, TLV, PIN
//! padding, the certificate cache. Goals (issue 2): `authenticate` on `am-eid` with a warm
//! certificate cache in at most 6 APDUs (Web eID's card library sends about 14), and under
//! 5 ms of knik's own time per operation.
//!
//! The pcscd rows need pcscd with the vpcd readers (`scripts/services.sh up`); without it they
//! are skipped with a message. Environment: `KNIK_BENCH_ITERATIONS` (default 200).

use knik_card::card::Card;
use knik_card::pin::Pin;
use knik_card::token::{HashAlgorithm, KeyRole, Token};
use knik_card::transport::{Capabilities, CardTransport, TransportError};
use knik_card_sim::{SimHandle, SimTransport, VirtualCard};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Wraps a transport and adds up the time spent inside it.
struct Timed<T> {
    inner: T,
    in_card: Duration,
}

impl<T: CardTransport> CardTransport for Timed<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let t = Instant::now();
        let r = self.inner.transmit(command);
        self.in_card += t.elapsed();
        r
    }
    fn begin_transaction(&mut self) -> Result<(), TransportError> {
        let t = Instant::now();
        let r = self.inner.begin_transaction();
        self.in_card += t.elapsed();
        r
    }
    fn end_transaction(&mut self, reset: bool) -> Result<(), TransportError> {
        let t = Instant::now();
        let r = self.inner.end_transaction(reset);
        self.in_card += t.elapsed();
        r
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

fn card_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../test-vectors/cards/{name}.toml"))
}

struct Row {
    what: String,
    apdus: usize,
    total: Vec<Duration>,
    knik: Vec<Duration>,
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn print(rows: &mut [Row]) {
    println!(
        "{:<46} {:>6} {:>12} {:>12} {:>12} {:>12}",
        "operation", "APDUs", "total µs", "card µs", "knik µs p50", "knik µs p95"
    );
    for r in rows.iter_mut() {
        let n = r.total.len() as u32;
        let total: Duration = r.total.iter().sum::<Duration>() / n;
        let knik: Duration = r.knik.iter().sum::<Duration>() / n;
        let card = total.saturating_sub(knik);
        let p50 = percentile(&mut r.knik, 0.5);
        let p95 = percentile(&mut r.knik, 0.95);
        println!(
            "{:<46} {:>6} {:>12.1} {:>12.1} {:>12.1} {:>12.1}",
            r.what,
            r.apdus,
            micros(total),
            micros(card),
            micros(p50),
            micros(p95)
        );
    }
}

/// Runs `op` `n` times on a warm card and records the split.
fn measure<T: CardTransport>(
    what: &str,
    card: &mut Card<Timed<T>>,
    n: usize,
    mut op: impl FnMut(&mut Card<Timed<T>>),
) -> Row {
    let mut row = Row {
        what: what.to_string(),
        apdus: 0,
        total: Vec::new(),
        knik: Vec::new(),
    };
    for _ in 0..n {
        card.transport_mut().in_card = Duration::ZERO;
        let t = Instant::now();
        op(card);
        let total = t.elapsed();
        let in_card = card.transport().in_card;
        row.total.push(total);
        row.knik.push(total.saturating_sub(in_card));
        row.apdus = card.last_operation_apdus();
    }
    row
}

fn operations<T: CardTransport>(label: &str, card: &mut Card<Timed<T>>, n: usize) -> Vec<Row> {
    let pin1 = Pin::new("1234".to_string());
    let pin2 = Pin::new("12345".to_string());
    let digest = [0x5Au8; 48];
    // Warm the certificate cache the way a login does: the certificate is read first.
    card.certificate(KeyRole::Authentication)
        .expect("auth certificate");
    card.certificate(KeyRole::Signing)
        .expect("sign certificate");
    vec![
        measure(
            &format!("{label}: authenticate (warm cache)"),
            card,
            n,
            |c| {
                c.authenticate(&pin1, HashAlgorithm::Sha384, &digest)
                    .expect("authenticate");
            },
        ),
        measure(&format!("{label}: sign (warm cache)"), card, n, |c| {
            c.sign(&pin2, HashAlgorithm::Sha384, &digest).expect("sign");
        }),
        measure(&format!("{label}: PIN1 retry counter"), card, n, |c| {
            c.pin_status(knik_card::pin::PinKind::Pin1)
                .expect("pin status");
        }),
        measure(
            &format!("{label}: auth certificate (cached)"),
            card,
            n,
            |c| {
                c.certificate(KeyRole::Authentication).expect("certificate");
            },
        ),
    ]
}

fn in_process(n: usize) -> Vec<Row> {
    let vcard = VirtualCard::load(card_file("citizen")).expect("virtual card");
    let transport = Timed {
        inner: SimTransport::new(vcard),
        in_card: Duration::ZERO,
    };
    let mut card = Card::identify(transport, &knik_card::atr::AtrTable::builtin()).expect("card");
    let mut rows = operations("in process", &mut card, n);
    // A cold read for comparison: a fresh cache makes every certificate read go to the card.
    let cold = measure(
        "in process: auth certificate (cold)",
        &mut card,
        n.min(50),
        |c| {
            c.cache().clear();
            c.certificate(KeyRole::Authentication).expect("certificate");
        },
    );
    rows.push(cold);
    rows
}

fn through_pcscd(n: usize) -> Option<Vec<Row>> {
    use knik_card::pcsc::PcscContext;
    let lock = std::fs::File::create("/tmp/knik-pcsc.lock").ok()?;
    lock.lock().ok()?;
    let ctx = match PcscContext::establish() {
        Ok(c) => c,
        Err(e) => {
            println!("skipped the pcscd rows: {e} (start it with scripts/services.sh up)");
            return None;
        }
    };
    let vcard = VirtualCard::load(card_file("citizen")).expect("virtual card");
    let sim = match SimHandle::spawn(vcard, 35963) {
        Ok(s) => s,
        Err(e) => {
            println!("skipped the pcscd rows: the virtual card could not reach vpcd: {e}");
            return None;
        }
    };
    if !sim.wait_detected(Duration::from_secs(5)) {
        println!("skipped the pcscd rows: pcscd did not see the virtual card");
        return None;
    }
    let transport = ctx.connect("Virtual PCD 00 00").expect("connect");
    let transport = Timed {
        inner: transport,
        in_card: Duration::ZERO,
    };
    let mut card = Card::identify(transport, &knik_card::atr::AtrTable::builtin()).expect("card");
    let rows = operations("pcscd + vpcd", &mut card, n);
    drop(card);
    drop(sim);
    Some(rows)
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--bench` absent; keep that fast.
    let benching = std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::var("KNIK_BENCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 200 } else { 3 });
    let mut rows = in_process(n);
    if let Some(more) = through_pcscd(n) {
        rows.extend(more);
    }
    print(&mut rows);
    let auth = &rows[0];
    println!(
        "\nauthenticate on am-eid with a warm cache: {} APDUs (goal ≤ 6; Web eID's card library \
         sends about 14)",
        auth.apdus
    );
}
