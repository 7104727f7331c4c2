//! The listening side: a std `TcpListener`, one thread per connection, TLS by rustls, one
//! request per connection.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::api::{self, BASE_PATH, Service};
use crate::config::SimConfig;
use crate::error::SimError;
use crate::holder::Sim;
use crate::http::{self, ReadError};
use crate::prompt::PhonePrompt;
use crate::tls;

/// How long a client may take to send its request (and to take the answer).
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closed connection is drained of late client bytes, so the kernel does not
/// reset it under an answer the client has not read yet.
const LINGER: Duration = Duration::from_millis(200);

/// The simulator's entry point; see the [crate documentation](crate).
#[derive(Debug)]
pub struct Simulator {
    _private: (),
}

impl Simulator {
    /// Loads the TLS identity and the test person's keys, binds `config.listen` and serves in
    /// background threads until the returned handle is shut down or dropped.
    ///
    /// Fails when a file cannot be read or parsed, a holder key does not match its
    /// certificate, or the address cannot be bound.
    pub fn start(config: SimConfig) -> Result<SimHandle, SimError> {
        let identity = tls::load(&config.tls_cert, &config.tls_key)?;
        let sim = Sim::load(&config.pki_dir)?;
        let listen_addr = config.listen.to_string();
        let listen_error = |e: std::io::Error| SimError::Listen {
            addr: listen_addr.clone(),
            reason: e.to_string(),
        };
        let listener = TcpListener::bind(config.listen).map_err(listen_error)?;
        let addr = listener.local_addr().map_err(listen_error)?;
        let max_connections = config.max_connections;
        let shared = Arc::new(Shared {
            service: Service::new(config, sim),
            tls: identity.config,
            stopping: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
        });
        let accept = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("mid-sim-accept".to_owned())
                .spawn(move || accept_loop(&listener, &shared, max_connections))
                .map_err(listen_error)?
        };
        Ok(SimHandle {
            addr,
            shared,
            accept: Some(accept),
            certificate_pem: identity.certificate_pem,
            pin: identity.pin,
        })
    }
}

struct Shared {
    service: Service,
    tls: Arc<ServerConfig>,
    stopping: AtomicBool,
    connections: AtomicUsize,
}

/// A running simulator. Dropping it (or [`shutdown`](SimHandle::shutdown)) stops accepting
/// connections, answers held long polls `RUNNING` at once and frees the port.
pub struct SimHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    certificate_pem: String,
    pin: String,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("url", &self.url())
            .field("pin", &self.pin)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// The MID-REST base URL, `https://127.0.0.1:PORT/mid-api` (an unspecified listen
    /// address is reported as loopback, which the TLS certificate names).
    pub fn url(&self) -> String {
        let addr = SocketAddr::new(reachable_ip(self.addr.ip()), self.addr.port());
        format!("https://{addr}{BASE_PATH}")
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The served TLS certificate, PEM: trust it as the only root to reach the simulator.
    pub fn tls_certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// base64(SHA-256(SubjectPublicKeyInfo)) of the served certificate: the pin a MID-REST
    /// client checks (equal to `test-vectors/mobile-id/sim-tls.pin` with the default identity).
    pub fn tls_pin(&self) -> &str {
        &self.pin
    }

    /// What the phone showed for every session started so far (the latest 256), oldest first.
    pub fn prompts(&self) -> Vec<PhonePrompt> {
        self.shared.service.prompts.all()
    }

    /// The prompt of session `session_id`, if it was started here.
    pub fn prompt_for(&self, session_id: &str) -> Option<PhonePrompt> {
        self.prompts()
            .into_iter()
            .find(|p| p.session_id == session_id)
    }

    /// Sessions kept now; an expired one is counted until the next request removes it.
    pub fn session_count(&self) -> usize {
        self.shared.service.sessions.len()
    }

    /// Blocks until the simulator is shut down (from another thread, or never: the binary).
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }

    /// Stops the simulator and waits until the port is closed.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(accept) = self.accept.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.service.sessions.stop();
        // Wake the blocking accept; it sees the flag and returns, closing the listener.
        let wake = SocketAddr::new(reachable_ip(self.addr.ip()), self.addr.port());
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        let _ = accept.join();
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

fn reachable_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, max_connections: usize) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Out of descriptors and the like: back off instead of spinning.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= max_connections {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            continue; // dropped unanswered
        }
        let worker = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("mid-sim-conn".to_owned())
            .spawn(move || {
                serve_connection(stream, &worker);
                worker.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn serve_connection(tcp: TcpStream, shared: &Shared) {
    let _ = tcp.set_read_timeout(Some(IO_TIMEOUT));
    let _ = tcp.set_write_timeout(Some(IO_TIMEOUT));
    let _ = tcp.set_nodelay(true);
    let Ok(conn) = ServerConnection::new(Arc::clone(&shared.tls)) else {
        return;
    };
    let mut stream = StreamOwned::new(conn, tcp);
    let (response, head_request) = match http::read_request(&mut stream) {
        Ok(request) => (shared.service.handle(&request), request.method == "HEAD"),
        Err(ReadError::Gone) => return,
        Err(ReadError::Malformed(why)) => (api::error(400, why), false),
        Err(ReadError::HeadTooLarge) => (api::error(431, "Request head too large"), false),
        Err(ReadError::BodyTooLarge) => (
            api::error(413, &format!("Request body above {} bytes", http::MAX_BODY)),
            false,
        ),
    };
    if http::write_response(&mut stream, &response, head_request).is_err() {
        return;
    }
    stream.conn.send_close_notify();
    if stream.flush().is_err() {
        return;
    }
    let tcp = stream.sock;
    let _ = tcp.shutdown(Shutdown::Write);
    let _ = tcp.set_read_timeout(Some(LINGER));
    let mut sink = [0u8; 1024];
    let mut tcp = tcp;
    for _ in 0..64 {
        match tcp.read(&mut sink) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
}
