//! How long the browser waits for the native host, and how much of it is the host's own.
//!
//! `cargo bench -p knik-native-host --bench latency` (release build). Needs pcscd with the vpcd
//! readers (`scripts/services.sh up`); without it the benchmark says so and stops. Takes the
//! pcscd lock (/tmp/knik-pcsc.lock) while it runs. Environment: `KNIK_BENCH_ITERATIONS`
//! (default 30).
//!
//! Per iteration, with the citizen card in "Virtual PCD 00 00" and the scripted pinentry
//! (tests/pinentry-script.sh) answering at once:
//! - start: spawning the binary until its `{"version"}` frame arrives;
//! - status: the `status` command, frame written to answer read;
//! - authenticate: the `authenticate` command, frame written to answer read, split with the
//!   host's own `timing` log line into the card's time (every APDU exchange and transaction
//!   through pcscd and vpcd, measured around the transport), the dialog's (the pinentry
//!   process), PC/SC setup (context, reader list, connect) and the rest, the host's own work.
//!
//! Goal: the host adds under 20 ms to an authentication beyond the card's own time
//! (wall − card − dialog, PC/SC setup counted as the host's).

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufReader, Write};
use std::process::{ChildStdout, Stdio};
use std::time::{Duration, Instant};

use common::*;
use knik_webeid::native_messaging::FrameReader;

/// Iterations, from `KNIK_BENCH_ITERATIONS`.
fn iterations() -> usize {
    std::env::var("KNIK_BENCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(30)
}

/// One command against a fresh host: (spawn → handshake, frame written → answer read).
fn session(env: &Env, command: &str) -> (Duration, Duration, String) {
    let spawned = Instant::now();
    let mut child = env
        .command(&["chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the host starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout: ChildStdout = child.stdout.take().expect("stdout");
    let mut frames = FrameReader::for_host_output(BufReader::new(stdout));
    frames.read_frame().expect("handshake");
    let start = spawned.elapsed();
    let sent = Instant::now();
    stdin.write_all(&frame(command)).expect("command written");
    stdin.flush().expect("flushed");
    let answer = frames.read_frame().expect("answer");
    let round_trip = sent.elapsed();
    drop(stdin);
    let _ = child.wait();
    (start, round_trip, answer)
}

/// The host's last `timing` line, as name → milliseconds.
fn host_timing(log: &str) -> Vec<(String, f64)> {
    let line = log
        .lines()
        .rev()
        .find(|l| l.contains("timing command=authenticate"))
        .expect("the host logged its timing");
    line.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .filter_map(|(k, v)| v.parse::<f64>().ok().map(|v| (k.to_owned(), v)))
        .collect()
}

fn get(t: &[(String, f64)], key: &str) -> f64 {
    t.iter().find(|(k, _)| k == key).map_or(0.0, |(_, v)| *v)
}

struct Series(Vec<f64>);

impl Series {
    fn stats(&mut self) -> (f64, f64, f64) {
        self.0.sort_by(|a, b| a.total_cmp(b));
        let n = self.0.len();
        let p = |q: f64| self.0[((n as f64 - 1.0) * q).round() as usize];
        (p(0.5), p(0.9), self.0[n - 1])
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: run only for bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    if !std::path::Path::new("/run/pcscd/pcscd.comm").exists() {
        eprintln!("SKIPPED: pcscd is not running (scripts/services.sh up)");
        return;
    }
    let _lock = pcscd();
    let _card = insert("citizen", PORT0);
    let n = iterations();
    let mut env = Env::new();
    // Enough PIN1 answers for every iteration and the warm-up.
    env.answers(&vec!["1234"; n + 1].join(" "));
    let status = r#"{"command":"status","arguments":{}}"#;
    let auth = authenticate(ORIGIN, NONCE).to_string();

    // Warm-up: page cache, pcscd's first connection.
    session(&env, &auth);

    let names = [
        "start (spawn → version)",
        "status round trip",
        "authenticate wall",
        "  card (APDUs via pcscd)",
        "  PIN dialog (pinentry)",
        "  PC/SC setup",
        "  host's own work",
        "host added (wall − card − dialog)",
    ];
    let mut series: Vec<Series> = names.iter().map(|_| Series(Vec::new())).collect();
    let mut apdus = 0.0;
    for _ in 0..n {
        let (start, status_rt, _) = session(&env, status);
        let (_, wall, answer) = session(&env, &auth);
        assert!(answer.contains("\"signature\""), "authenticated: {answer}");
        let t = host_timing(&env.log());
        let wall = ms(wall);
        let card = get(&t, "card_ms");
        let dialogs = get(&t, "dialogs_ms");
        apdus = get(&t, "apdus");
        for (i, v) in [
            ms(start),
            ms(status_rt),
            wall,
            card,
            dialogs,
            get(&t, "pcsc_setup_ms"),
            get(&t, "host_ms"),
            wall - card - dialogs,
        ]
        .into_iter()
        .enumerate()
        {
            series[i].0.push(v);
        }
    }
    println!("knik-native-host latency, {n} iterations, citizen card through pcscd + vpcd");
    println!(
        "{:<36} {:>9} {:>9} {:>9}",
        "", "median ms", "p90 ms", "max ms"
    );
    let mut added_median = 0.0;
    for (i, name) in names.iter().enumerate() {
        let (median, p90, max) = series[i].stats();
        if i == names.len() - 1 {
            added_median = median;
        }
        println!("{name:<36} {median:>9.2} {p90:>9.2} {max:>9.2}");
    }
    println!("APDU exchanges per authenticate: {apdus}");
    println!(
        "goal: host adds < 20 ms beyond the card: {} (median {added_median:.2} ms)",
        if added_median < 20.0 {
            "met"
        } else {
            "NOT met"
        }
    );
}
