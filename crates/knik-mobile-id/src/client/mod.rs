//! The MID-REST relying-party client: [`MidRestClient`] speaks the API of
//! reference/mobile-id.md §1.3–1.4 over HTTPS and implements [`MobileIdProvider`].
//!
//! Native only, behind the `client` feature. Each call opens one TLS connection
//! ([`tls`]: rustls with ring, and a verifier that accepts only the pinned keys), sends one
//! HTTP/1.1 request ([`http`]: `Connection: close`, JSON with `Content-Length`) and reads one
//! answer of at most [`MAX_BODY_LEN`](crate::rest::MAX_BODY_LEN) bytes. Statuses and bodies go
//! through [`crate::outcome`], so every result code and HTTP status comes back as its own
//! [`Error`].
//!
//! Timeouts ([`Timeouts`]): connecting, each start or certificate request, and each long poll,
//! whose limit is the `timeoutMs` asked of the server plus a margin (1.5 s by default, as the
//! reference advises), so the client never gives up on an answer the server is still allowed
//! to hold back. The limits cover the whole exchange (handshake, request and answer), not
//! each read.
//!
//! ```no_run
//! use knik_mobile_id::client::{MidRestClient, Pins};
//! use knik_mobile_id::rest::RelyingParty;
//! use knik_mobile_id::{MobileIdProvider, Person};
//! # fn main() -> Result<(), knik_mobile_id::Error> {
//! let relying_party = RelyingParty::new("00000000-0000-4000-8000-00000000a11e", "knik demo")?;
//! let pins = Pins::from_file(std::path::Path::new("/etc/knik/mid.pins"))?;
//! let client = MidRestClient::new("https://127.0.0.1:8890/mid-api", relying_party, pins)?;
//! let person = Person::parse("+37400000001", "2810770123")?;
//! let certificate = client.signing_certificate(&person)?;
//! println!("{}", certificate.subject());
//! # Ok(())
//! # }
//! ```

pub(crate) mod http;
mod pins;
mod tls;
mod url;

use std::io::{self, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use knik_pki::Certificate;
use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};

pub use pins::Pins;

use crate::codes::SessionKind;
use crate::error::Error;
use crate::outcome::{read_certificate_answer, read_start_answer, read_status_answer};
use crate::provider::{MobileIdProvider, PollResult, SessionId, SessionRequest};
use crate::rest::{
    CERTIFICATE_PATH, CertificateRequest, MAX_BODY_LEN, RelyingParty, SessionStartRequest,
    VERSION_PATH, session_status_path, start_path,
};
use http::{ReadError, Request, Response};
use url::ServiceUrl;

/// How long the client waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the TCP connection (default 10 s).
    pub connect: Duration,
    /// A certificate or start request, from connection to the end of the answer (default
    /// 30 s).
    pub request: Duration,
    /// Added to a long poll's `timeoutMs` for its limit (default 1.5 s, reference §1.4).
    pub poll_margin: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
            poll_margin: Duration::from_millis(1_500),
        }
    }
}

/// A MID-REST service at a base URL, reached over TLS with pinned keys, on behalf of one
/// relying party (whose name and UUID go into every request).
#[derive(Debug, Clone)]
pub struct MidRestClient {
    url: ServiceUrl,
    relying_party: RelyingParty,
    tls: Arc<rustls::ClientConfig>,
    timeouts: Timeouts,
}

impl MidRestClient {
    /// A client for the service at `url` (`https://host[:port]/base`), trusting only servers
    /// whose key is among `pins`.
    pub fn new(url: &str, relying_party: RelyingParty, pins: Pins) -> Result<Self, Error> {
        Ok(MidRestClient {
            url: ServiceUrl::parse(url)?,
            relying_party,
            tls: tls::client_config(pins)?,
            timeouts: Timeouts::default(),
        })
    }

    /// The same client with other timeouts.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The timeouts in use.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The service's base URL, normalised.
    pub fn url(&self) -> String {
        self.url.to_string()
    }

    /// The relying party this client acts for.
    pub fn relying_party(&self) -> &RelyingParty {
        &self.relying_party
    }

    /// `GET /version`: the service's version text (plain text, at most 200 characters kept),
    /// e.g. for a health check of the connection and the pins.
    pub fn version(&self) -> Result<String, Error> {
        let answer = self.exchange("GET", VERSION_PATH, None, self.timeouts.request)?;
        if answer.status != 200 {
            return Err(crate::outcome::error_for_status(
                answer.status,
                &answer.body,
            ));
        }
        Ok(String::from_utf8_lossy(&answer.body)
            .trim()
            .chars()
            .take(200)
            .collect())
    }

    /// One request and its answer on a fresh connection, all within `limit` after connecting.
    fn exchange(
        &self,
        method: &'static str,
        path: &str,
        json_body: Option<&[u8]>,
        limit: Duration,
    ) -> Result<Response, Error> {
        let tcp = self.connect()?;
        let server_name =
            ServerName::try_from(self.url.host.clone()).map_err(|_| Error::InvalidServiceUrl {
                reason: "the host is neither a DNS name nor an IP address".to_owned(),
            })?;
        let connection =
            ClientConnection::new(Arc::clone(&self.tls), server_name).map_err(|e| Error::Tls {
                reason: e.to_string(),
            })?;
        let limit_ms = limit.as_millis();
        let mut stream = StreamOwned::new(
            connection,
            DeadlineSocket {
                tcp,
                deadline: Instant::now() + limit,
            },
        );
        let target = self.url.target(path);
        let host = self.url.host_header();
        let request = Request {
            method,
            target: &target,
            host: &host,
            json_body,
        };
        // The handshake runs inside the first write: a pin refusal surfaces here.
        http::write_request(&mut stream, &request)
            .map_err(|e| tls::classify_io_error(e, limit_ms))?;
        let mut reader = BufReader::new(stream);
        http::read_response(&mut reader, MAX_BODY_LEN).map_err(|e| match e {
            ReadError::Io(e) => tls::classify_io_error(e, limit_ms),
            ReadError::Malformed(reason) => Error::MalformedHttp { reason },
            ReadError::TooLarge { size, limit } => Error::BodyTooLarge {
                what: "HTTP response",
                size,
                limit,
            },
        })
    }

    fn connect(&self) -> Result<TcpStream, Error> {
        let addrs: Vec<SocketAddr> = (self.url.host.as_str(), self.url.port)
            .to_socket_addrs()
            .map_err(|e| Error::Network {
                reason: format!("{} cannot be resolved: {e}", self.url.host),
            })?
            .collect();
        let mut last = None;
        for addr in &addrs {
            match TcpStream::connect_timeout(addr, self.timeouts.connect) {
                Ok(tcp) => {
                    // Small requests: do not wait for Nagle.
                    let _ = tcp.set_nodelay(true);
                    return Ok(tcp);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(Error::Network {
            reason: match last {
                Some(e) if e.kind() == io::ErrorKind::TimedOut => format!(
                    "no connection to {} within {} ms",
                    self.url.host_header(),
                    self.timeouts.connect.as_millis()
                ),
                Some(e) => format!("cannot connect to {}: {e}", self.url.host_header()),
                None => format!("{} has no address", self.url.host),
            },
        })
    }

    fn post_json(&self, path: &str, body: &str) -> Result<Response, Error> {
        self.exchange("POST", path, Some(body.as_bytes()), self.timeouts.request)
    }

    fn start(&self, kind: SessionKind, request: &SessionRequest) -> Result<SessionId, Error> {
        let body = SessionStartRequest::new(&self.relying_party, request).to_json();
        let answer = self.post_json(start_path(kind), &body)?;
        read_start_answer(kind, answer.status, &answer.body)
    }
}

impl MobileIdProvider for MidRestClient {
    fn signing_certificate(&self, person: &crate::Person) -> Result<Certificate, Error> {
        let body = CertificateRequest::new(&self.relying_party, person).to_json();
        let answer = self.post_json(CERTIFICATE_PATH, &body)?;
        read_certificate_answer(answer.status, &answer.body)
    }

    fn start_authentication(&self, request: &SessionRequest) -> Result<SessionId, Error> {
        self.start(SessionKind::Authentication, request)
    }

    fn start_signing(&self, request: &SessionRequest) -> Result<SessionId, Error> {
        self.start(SessionKind::Signature, request)
    }

    fn poll(&self, session: &SessionId, wait_ms: u32) -> Result<PollResult, Error> {
        let limit = Duration::from_millis(u64::from(wait_ms)) + self.timeouts.poll_margin;
        let answer = self.exchange("GET", &session_status_path(session, wait_ms), None, limit)?;
        read_status_answer(answer.status, &answer.body)
    }
}

/// The TCP socket under TLS with one deadline for the whole exchange. The timeouts are set
/// before every single socket call, so no sequence of calls inside rustls (a handshake fed one
/// byte at a time, a record trickled in) can outlast the deadline.
struct DeadlineSocket {
    tcp: TcpStream,
    deadline: Instant,
}

impl DeadlineSocket {
    fn arm(&self) -> io::Result<()> {
        let left = self
            .deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| io::Error::from(io::ErrorKind::TimedOut))?;
        self.tcp.set_read_timeout(Some(left))?;
        self.tcp.set_write_timeout(Some(left))
    }
}

impl Read for DeadlineSocket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.arm()?;
        self.tcp.read(buf)
    }
}

impl Write for DeadlineSocket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.arm()?;
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.arm()?;
        self.tcp.flush()
    }
}

#[cfg(test)]
mod tests;
