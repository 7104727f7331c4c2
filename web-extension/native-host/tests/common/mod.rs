//! Shared by the native host's tests: running the `knik-native-host` binary as a browser does
//! (frames on stdin, frames back on stdout) in a private environment, the scripted pinentry,
//! and — for the card tests — the pcscd lock and virtual cards in the vpcd readers (the pattern
//! of cli/tests/common/mod.rs).

#![allow(dead_code)]

use std::fs::File;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use knik_card_sim::{SimHandle, VirtualCard};
use knik_webeid::native_messaging::{FrameReader, FrameWriter};
use serde_json::{Value, json};
use tempfile::TempDir;

pub const READER0: &str = "Virtual PCD 00 00";
pub const READER1: &str = "Virtual PCD 00 01";
pub const PORT0: u16 = 35963;
pub const PORT1: u16 = 35964;

/// A nonce as an e-service issues it: base64 of 32 random bytes (44 characters).
pub const NONCE: &str = "pZ1K0Tm5uJx0a3B8nQ2y5v6w7x8y9z0A1B2C3D4E5F4=";
pub const ORIGIN: &str = "https://login.example.am";

/// How long a host run may take before the test fails (it is killed then).
const RUN_LIMIT: Duration = Duration::from_secs(60);

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A private environment for host runs: log, configuration, HOME and the scripted pinentry
/// all in one temporary directory.
pub struct Env {
    pub dir: TempDir,
    vars: Vec<(String, String)>,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        // A copy that is certainly executable, whatever the checkout did with file modes.
        let script = root.join("pinentry");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pinentry-script.sh"),
            &script,
        )
        .expect("copy the scripted pinentry");
        set_executable(&script);
        std::fs::create_dir_all(root.join("home")).expect("home");
        let p = |name: &str| root.join(name).display().to_string();
        let vars = vec![
            ("HOME".into(), p("home")),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("XDG_STATE_HOME".into(), p("state")),
            ("KNIK_HOST_LOG".into(), p("host.log")),
            ("KNIK_HOST_CONFIG".into(), p("native-host.toml")),
            ("KNIK_PINENTRY".into(), p("pinentry")),
            ("KNIK_TEST_PINENTRY_STATE".into(), p("pinentry.state")),
            ("KNIK_TEST_PINENTRY_LOG".into(), p("pinentry.log")),
            ("KNIK_TEST_PINENTRY_ANSWERS".into(), String::new()),
        ];
        Env { dir, vars }
    }

    /// Sets (or replaces) a variable for the host.
    pub fn set(&mut self, key: &str, value: &str) -> &mut Env {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The answers the scripted pinentry gives, one per dialog.
    pub fn answers(&mut self, answers: &str) -> &mut Env {
        self.set("KNIK_TEST_PINENTRY_ANSWERS", answers)
    }

    /// Writes the host's configuration file.
    pub fn config(&self, toml: &str) {
        std::fs::write(self.path("native-host.toml"), toml).expect("config");
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The host's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("host.log")).unwrap_or_default()
    }

    /// The commands the scripted pinentry received, without OPTION lines.
    pub fn pinentry_commands(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("pinentry.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.starts_with("OPTION "))
            .map(str::to_owned)
            .collect()
    }

    /// How many dialogs the scripted pinentry answered.
    pub fn dialogs_answered(&self) -> usize {
        std::fs::read_to_string(self.path("pinentry.state"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
    }

    /// A command for the host binary with this environment (and nothing of the caller's that
    /// could change its behaviour).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_knik-native-host"));
        c.args(args);
        for k in [
            "KNIK_HOST_READER",
            "KNIK_PIN1",
            "KNIK_PIN2",
            "KNIK_PUK",
            "PCSCLITE_CSOCK_NAME",
            "GPG_TTY",
        ] {
            c.env_remove(k);
        }
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// Runs the host as Chrome does (its extension origin as the argument), feeds it `input`,
    /// closes stdin, and collects what it wrote.
    pub fn run_raw(&self, input: Vec<u8>) -> Run {
        let mut child = self
            .command(&["chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the host starts");
        let mut stdin = child.stdin.take().expect("stdin");
        // The host may stop reading early (a refused frame): a failed write is expected then.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let mut stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            out
        });
        let err_reader = std::thread::spawn(move || {
            let mut err = String::new();
            let _ = stderr.read_to_string(&mut err);
            err
        });
        let deadline = Instant::now() + RUN_LIMIT;
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the host did not finish within {RUN_LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let _ = writer.join();
        let stdout = reader.join().expect("stdout reader");
        let stderr = err_reader.join().expect("stderr reader");
        Run::new(status, stdout, stderr)
    }

    /// Runs the host with one command frame.
    pub fn run(&self, command: &Value) -> Run {
        self.run_raw(frame(&command.to_string()))
    }
}

pub fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// One frame as the extension writes it.
pub fn frame(json: &str) -> Vec<u8> {
    let mut out = Vec::new();
    FrameWriter::for_host_input(&mut out)
        .write_frame(json)
        .expect("frame fits");
    out
}

/// A raw frame: any length prefix, any body.
pub fn raw_frame(length: u32, body: &[u8]) -> Vec<u8> {
    let mut out = length.to_ne_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

/// What one host run wrote.
pub struct Run {
    pub status: ExitStatus,
    /// Every frame on stdout, as JSON.
    pub frames: Vec<Value>,
    pub stderr: String,
}

impl Run {
    fn new(status: ExitStatus, stdout: Vec<u8>, stderr: String) -> Run {
        let mut reader = FrameReader::for_host_output(Cursor::new(&stdout));
        let mut frames = Vec::new();
        loop {
            match reader.read_frame() {
                Ok(text) => frames.push(serde_json::from_str(&text).expect("a JSON frame")),
                Err(knik_webeid::Error::EndOfStream) => break,
                Err(e) => panic!(
                    "stdout holds something other than frames ({e}): {}",
                    String::from_utf8_lossy(&stdout)
                ),
            }
        }
        Run {
            status,
            frames,
            stderr,
        }
    }

    /// The handshake, then the one answer; checks the exit was clean.
    pub fn answer(&self) -> &Value {
        assert!(
            self.status.success(),
            "the host exits 0 ({:?}); stderr: {}",
            self.status,
            self.stderr
        );
        assert_eq!(
            self.frames.len(),
            2,
            "handshake and one answer: {:?}",
            self.frames
        );
        assert_eq!(
            self.frames[0],
            json!({"version": env!("CARGO_PKG_VERSION")}),
            "the handshake comes first"
        );
        &self.frames[1]
    }

    /// The answer's error code (panics when the answer is not an error).
    pub fn error_code(&self) -> String {
        let a = self.answer();
        let code = a["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error answer: {a}"));
        assert!(
            a["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "an error carries a message: {a}"
        );
        code.to_owned()
    }

    pub fn error_message(&self) -> String {
        self.answer()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

pub fn authenticate(origin: &str, nonce: &str) -> Value {
    json!({"command": "authenticate", "arguments": {"challengeNonce": nonce, "origin": origin}})
}

// ----- pcscd and virtual cards -----

/// The pcscd lock, held for the whole test, or None when the test must skip.
pub fn pcscd() -> Option<File> {
    let lock = File::create("/tmp/knik-pcsc.lock").expect("lock file");
    lock.lock().expect("lock");
    if !Path::new("/run/pcscd/pcscd.comm").exists() {
        if std::env::var("KNIK_SKIP_PCSCD").is_ok_and(|v| v == "1") {
            eprintln!("SKIPPED: pcscd is not running (KNIK_SKIP_PCSCD=1)");
            return None;
        }
        panic!(
            "pcscd is not running: start it with scripts/services.sh up (or set KNIK_SKIP_PCSCD=1)"
        );
    }
    Some(lock)
}

/// A virtual card in a vpcd reader; pulled out (and pcscd seen to notice) when dropped.
pub struct Inserted {
    pub sim: Option<SimHandle>,
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

impl Inserted {
    pub fn sim(&self) -> &SimHandle {
        self.sim.as_ref().expect("inserted")
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

/// Inserts `test-vectors/cards/<card>.toml` into the reader at `port`.
pub fn insert(card: &str, port: u16) -> Inserted {
    let reader = if port == PORT0 { READER0 } else { READER1 };
    wait_reader(reader, false);
    let vcard = VirtualCard::load(repo().join(format!("test-vectors/cards/{card}.toml")))
        .expect("card image");
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

/// A holder's certificate from the test PKI, DER.
pub fn holder_cert(holder: &str, role: &str) -> Vec<u8> {
    std::fs::read(repo().join(format!("test-vectors/pki/holders/{holder}/{role}.der")))
        .expect("holder certificate")
}
