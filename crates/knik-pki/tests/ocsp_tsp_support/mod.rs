//! Shared by the OCSP and time-stamp tests: the test PKI, the loopback services
//! (`scripts/services.sh up`), a minimal HTTP/1.0 client and the openssl CLI as an oracle.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use knik_pki::Certificate;

/// test-vectors/pki of the repository (`KNIK_PKI_DIR` overrides it, as for services.sh).
pub fn pki_dir() -> PathBuf {
    match std::env::var_os("KNIK_PKI_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/pki"),
    }
}

/// A certificate of the test PKI by path relative to test-vectors/pki.
pub fn cert(relative: &str) -> Certificate {
    let path = pki_dir().join(relative);
    let pem = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether the tests needing the services run. With `KNIK_SKIP_SERVICES=1` the test prints
/// "skipped" and returns early; otherwise [`http_post`] fails the test with a message saying
/// how to start a service that is down.
///
/// No probe connection is made: `openssl ocsp` (3.0) serves one connection at a time and
/// hangs for good on a connection that closes without sending a request.
pub fn service_available(_port: u16, what: &str) -> bool {
    if std::env::var("KNIK_SKIP_SERVICES").as_deref() == Ok("1") {
        eprintln!("skipped: {what} test (KNIK_SKIP_SERVICES=1)");
        return false;
    }
    true
}

/// POSTs `body` over HTTP/1.0 and returns the response body of a 200 answer.
pub fn http_post(port: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| {
        panic!(
            "service at http://127.0.0.1:{port}/ is not reachable ({e}): start it with \
             `scripts/services.sh up`, or set KNIK_SKIP_SERVICES=1 to skip this test"
        )
    });
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let head = format!(
        "POST / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    stream.write_all(body).expect("write body");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read answer");
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("HTTP header end");
    let status_line = String::from_utf8_lossy(&answer[..split]);
    assert!(
        status_line.starts_with("HTTP/1.0 200") || status_line.starts_with("HTTP/1.1 200"),
        "HTTP answer from port {port}: {status_line}"
    );
    answer[split + 4..].to_vec()
}

/// Random bytes for nonces (the library leaves randomness to its caller).
pub fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut out))
        .expect("/dev/urandom");
    out
}

/// Runs `openssl` in test-vectors/pki; returns (success, stdout + stderr).
pub fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(pki_dir())
        .output()
        .expect("the openssl CLI is needed as a test oracle");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Writes `bytes` to a new file in `dir` and returns its absolute path as a string.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path.to_str().expect("UTF-8 temp path").to_owned()
}
