//! A redis-server child on loopback for the Redis nonce-store tests, stopped when dropped.
//! Each test binary passes its own port: binaries may run at the same time.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The running server.
pub struct RedisServer(Child);

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts redis-server on 127.0.0.1:`port`, or returns `None` (saying so) when it cannot be
/// started and KNIK_SKIP_REDIS=1; without that switch a missing server fails the test.
pub fn start(port: u16) -> Option<RedisServer> {
    let spawned = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(child) => child,
        Err(e) if std::env::var("KNIK_SKIP_REDIS").as_deref() == Ok("1") => {
            eprintln!("SKIPPED: redis-server not started ({e}), KNIK_SKIP_REDIS=1");
            return None;
        }
        Err(e) => panic!(
            "redis-server could not be started ({e}): install the redis-server package, \
             or set KNIK_SKIP_REDIS=1 to skip the Redis tests"
        ),
    };
    let mut server = RedisServer(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not listen on 127.0.0.1:{port} within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // If it already exited, the listener is someone else's server: do not touch it.
    assert!(
        matches!(server.0.try_wait(), Ok(None)),
        "redis-server exited at once: is port {port} already in use?"
    );
    Some(server)
}
