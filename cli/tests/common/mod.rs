//! Shared by the CLI's end-to-end tests: the pcscd lock, virtual cards put into the vpcd
//! readers, and running the `knik` binary with a clean environment.

#![allow(dead_code)]

use knik_card_sim::{SimHandle, VirtualCard};
use serde_json::Value;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub const READER0: &str = "Virtual PCD 00 00";
pub const READER1: &str = "Virtual PCD 00 01";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The pcscd lock, held for the whole test, or None when the test must skip.
pub fn pcscd() -> Option<File> {
    let lock = File::create("/tmp/knik-pcsc.lock").expect("lock file");
    lock.lock().expect("lock");
    let up = Path::new("/run/pcscd/pcscd.comm").exists();
    if !up {
        if std::env::var("KNIK_SKIP_PCSCD").is_ok_and(|v| v == "1") {
            eprintln!("skipped: pcscd is not running (KNIK_SKIP_PCSCD=1)");
            return None;
        }
        panic!(
            "pcscd is not running: start it with scripts/services.sh up (or set KNIK_SKIP_PCSCD=1)"
        );
    }
    Some(lock)
}

/// A virtual card in a vpcd reader; pulled out (and pcscd seen to notice) when dropped, so
/// that the next test never meets the previous card's ghost.
pub struct Inserted {
    sim: Option<SimHandle>,
    reader: &'static str,
}

impl Drop for Inserted {
    fn drop(&mut self) {
        if let Some(mut sim) = self.sim.take() {
            sim.remove();
        }
        wait_reader(self.reader, false);
    }
}

/// Waits until PC/SC reports the reader with (or without) a card.
pub fn wait_reader(reader: &str, present: bool) {
    let ctx = knik_card::pcsc::PcscContext::establish().expect("pcscd");
    for _ in 0..500 {
        let readers = ctx.list_readers().expect("readers");
        if readers
            .iter()
            .any(|r| r.name == reader && r.card_present == present)
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{reader}: card_present never became {present}");
}

pub fn insert(card: &str, port: u16) -> Inserted {
    let reader = if port == 35963 { READER0 } else { READER1 };
    wait_reader(reader, false);
    let vcard = VirtualCard::load(repo().join(format!("test-vectors/cards/{card}.toml"))).unwrap();
    let sim = SimHandle::spawn(vcard, port).expect("vpcd reachable");
    assert!(
        sim.wait_detected(Duration::from_secs(5)),
        "pcscd did not see the card"
    );
    wait_reader(reader, true);
    Inserted {
        sim: Some(sim),
        reader,
    }
}

pub fn knik(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_knik"));
    c.args(args)
        .env_remove("KNIK_PIN1")
        .env_remove("KNIK_PIN2")
        .env_remove("KNIK_PUK");
    c.env("XDG_CONFIG_HOME", repo().join("target/knik-test-no-config"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("knik runs")
}

pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
