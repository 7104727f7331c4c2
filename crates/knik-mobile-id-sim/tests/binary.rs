//! The `knik-mobile-id-sim` binary: started on a free port it announces its URL and pin,
//! serves MID-REST over the pinned TLS identity (a signing session runs to OK), logs each
//! request and the phone prompt with its verification code on stderr, and refuses to start
//! with a PKI directory that lacks the mobile holder.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use knik_mobile_id::{HashType, SessionKind, SessionResult, SignableHash};
use knik_mobile_id_sim::{Scenario, default_tls_pin_file};

/// Kills the child on drop, so a failing assertion leaves no process behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_serves_mid_rest_and_logs_the_prompt() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_knik-mobile-id-sim"))
        .args(["--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let _running = Running(child);
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = || {
        lines
            .recv_timeout(Duration::from_secs(20))
            .expect("the binary logs a line")
    };
    let banner = next();
    let pin = read_pin(&default_tls_pin_file());
    assert!(banner.contains(&pin), "{banner}");
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("https://"))
        .unwrap_or_else(|| panic!("no URL in {banner:?}"));
    let addr: SocketAddr = url
        .trim_start_matches("https://")
        .trim_end_matches("/mid-api")
        .parse()
        .expect("host:port in the URL");
    assert!(url.ends_with("/mid-api"), "{url}");

    let client = Client::for_addr(addr);
    assert_eq!(client.get("/version").status, 200);
    let hash = SignableHash::new(HashType::Sha256, &[0x9c; 32]).unwrap();
    let id = client.start_session(
        SessionKind::Signature,
        &start_body(Scenario::Ok.phone_number(), hash.digest()),
    );
    let (running, status) = client.poll_to_end(SessionKind::Signature, &id, 5);
    assert_eq!(running, 1);
    assert_eq!(status.result, Some(SessionResult::Ok));

    // version; the prompt and the start; two polls.
    let log: Vec<String> = (0..5).map(|_| next()).collect();
    let log = log.join("\n");
    assert!(log.contains("GET /mid-api/version -> 200"), "{log}");
    assert!(log.contains("POST /mid-api/signature -> 200"), "{log}");
    assert!(
        log.contains(&format!("GET /mid-api/signature/session/{id} -> 200")),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "phone +37400000001 shows [ENG] knik demo | code {} | Sign?",
            hash.verification_code()
        )),
        "{log}"
    );
}

#[test]
fn the_binary_refuses_a_pki_without_the_mobile_holder() {
    let empty = std::env::temp_dir().join(format!("knik-mid-sim-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).expect("a temporary directory");
    let out = Command::new(env!("CARGO_BIN_EXE_knik-mobile-id-sim"))
        .args(["--listen", "127.0.0.1:0", "--pki"])
        .arg(&empty)
        .output()
        .expect("the binary runs");
    let _ = std::fs::remove_dir(&empty);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("holders/mobile/auth.key"), "{stderr}");
}
