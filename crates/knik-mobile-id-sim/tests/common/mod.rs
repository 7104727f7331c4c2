//! Shared helpers: a simulator per test, and a small HTTPS client built on rustls that
//! authenticates the server the MID-REST way — by pinning the SHA-256 of its public key
//! (`sim-tls.pin`) and checking the certificate's validity period and the handshake signature.
//!
//! Why not ureq's `root_certs`: `sim-tls.pem` is self-signed with `basicConstraints CA:TRUE`,
//! and webpki refuses a CA certificate as the server's own (`CaUsedAsEndEntity`); ureq 3 has
//! no hook for a pinning verifier.

#![allow(dead_code)] // each test file uses a different part

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use knik_mobile_id::rest::{
    ErrorResponse, SessionStatusResponse, parse_error_response, parse_session_start_response,
    parse_session_status_response,
};
use knik_mobile_id::{SessionKind, SessionState};
use knik_mobile_id_sim::{
    BASE_PATH, NATIONAL_IDENTITY_NUMBER, RELYING_PARTY_NAME, RELYING_PARTY_UUID, SimConfig,
    SimHandle, Simulator, default_tls_pin_file,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A simulator with the default configuration.
pub fn start() -> SimHandle {
    Simulator::start(SimConfig::default()).expect("the simulator starts with the test vectors")
}

/// A simulator with changed settings.
pub fn start_with(config: SimConfig) -> SimHandle {
    Simulator::start(config).expect("the simulator starts with the test vectors")
}

/// base64(SHA-256(SubjectPublicKeyInfo)) of a DER certificate.
pub fn spki_pin(der: &[u8]) -> String {
    let cert = knik_pki::Certificate::from_der(der).expect("a DER certificate");
    STANDARD.encode(Sha256::digest(cert.subject_public_key_info_der()))
}

/// The pin in a `*.pin` file.
pub fn read_pin(path: &std::path::Path) -> String {
    std::fs::read_to_string(path)
        .expect("the pin file is readable")
        .trim()
        .to_owned()
}

/// Accepts a server certificate whose key has one of the pins and that is within its validity
/// period; handshake signatures are checked with ring's algorithms.
#[derive(Debug)]
struct PinnedVerifier {
    pins: Vec<String>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let cert = knik_pki::Certificate::from_der(end_entity)
            .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
        let pin = STANDARD.encode(Sha256::digest(cert.subject_public_key_info_der()));
        if !self.pins.contains(&pin) {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ));
        }
        let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        if now < cert.not_before().unix_timestamp() {
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidYet,
            ));
        }
        if now > cert.not_after().unix_timestamp() {
            return Err(rustls::Error::InvalidCertificate(CertificateError::Expired));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A rustls client configuration accepting only servers with one of `pins`.
pub fn pinned_tls_config(pins: &[String]) -> Arc<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinnedVerifier {
        pins: pins.to_vec(),
        algorithms: provider.signature_verification_algorithms,
    });
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default versions")
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth(),
    )
}

/// An HTTPS client for one simulator, pinned to `sim-tls.pin`.
pub struct Client {
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as a MID-REST error body, read by knik-mobile-id's strict parser; `time`
    /// and `traceId` must be present.
    pub fn error_body(&self) -> ErrorResponse {
        let e = parse_error_response(self.body.as_bytes())
            .unwrap_or_else(|e| panic!("not an error body ({e}): {}", self.body));
        assert!(e.time.is_some(), "error body without time: {}", self.body);
        assert!(
            e.trace_id.is_some(),
            "error body without traceId: {}",
            self.body
        );
        e
    }

    /// Asserts the status and that the error message contains `message_part`.
    pub fn assert_error(&self, status: u16, message_part: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        let e = self.error_body();
        assert!(
            e.error.contains(message_part),
            "error {:?} lacks {message_part:?}",
            e.error
        );
    }

    /// Parses a raw HTTP/1.1 answer; the body must have the announced `Content-Length`.
    pub fn parse(raw: &[u8]) -> Answer {
        let answer = Answer::parse_head_answer(raw);
        let length: usize = answer
            .header("content-length")
            .expect("every answer has Content-Length")
            .parse()
            .expect("a number");
        assert_eq!(length, answer.body.len(), "Content-Length matches the body");
        answer
    }

    /// Parses a raw HTTP/1.1 answer without checking the body length (an answer to `HEAD`
    /// announces the length of the body it leaves out).
    pub fn parse_head_answer(raw: &[u8]) -> Answer {
        let text = String::from_utf8(raw.to_vec()).expect("the answer is UTF-8");
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("no end of head in {text:?}"));
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or("");
        let status = status_line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP/1.1 status line: {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .map(|line| {
                let (n, v) = line.split_once(':').expect("a header line");
                (n.to_owned(), v.trim().to_owned())
            })
            .collect();
        Answer {
            status,
            headers,
            body: body.to_owned(),
        }
    }
}

impl Client {
    /// A client for `sim`, pinned to `test-vectors/mobile-id/sim-tls.pin`.
    pub fn new(sim: &SimHandle) -> Client {
        Client::for_addr(sim.addr())
    }

    /// A client for a simulator listening at `addr`, pinned to `sim-tls.pin`.
    pub fn for_addr(addr: SocketAddr) -> Client {
        Client {
            addr,
            tls: pinned_tls_config(&[read_pin(&default_tls_pin_file())]),
        }
    }

    /// Opens a TLS connection (handshake done), with its server certificate chain.
    pub fn connect(
        &self,
    ) -> Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, std::io::Error> {
        connect_with(self.addr, Arc::clone(&self.tls))
    }

    /// Sends raw bytes and returns the raw answer up to the server's close.
    pub fn raw(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = self.connect().expect("TLS to the simulator");
        stream.write_all(request).expect("the request is sent");
        stream.flush().expect("the request is sent");
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .expect("the simulator closes with close_notify");
        answer
    }

    /// One request to `/mid-api{path}`.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Answer {
        let mut raw = format!(
            "{method} {BASE_PATH}{path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.addr.port(),
            body.len()
        );
        if let Some(ct) = content_type {
            raw.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        raw.push_str("\r\n");
        let mut raw = raw.into_bytes();
        raw.extend_from_slice(body);
        if method == "HEAD" {
            Answer::parse_head_answer(&self.raw(&raw))
        } else {
            Answer::parse(&self.raw(&raw))
        }
    }

    /// POST a JSON body.
    pub fn post(&self, path: &str, body: &Value) -> Answer {
        self.request(
            "POST",
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    }

    /// GET.
    pub fn get(&self, path: &str) -> Answer {
        self.request("GET", path, None, b"")
    }

    /// Starts a session, asserting HTTP 200; returns the session ID.
    pub fn start_session(&self, kind: SessionKind, body: &Value) -> String {
        let answer = self.post(&format!("/{kind}"), body);
        assert_eq!(answer.status, 200, "{}", answer.body);
        parse_session_start_response(answer.body.as_bytes())
            .expect("a valid session start answer")
            .session_id
    }

    /// One status request; the answer must be 200 and a valid status body.
    pub fn poll(&self, kind: SessionKind, id: &str, timeout_ms: &str) -> SessionStatusResponse {
        let answer = self.get(&format!("/{kind}/session/{id}?timeoutMs={timeout_ms}"));
        assert_eq!(answer.status, 200, "{}", answer.body);
        parse_session_status_response(answer.body.as_bytes())
            .unwrap_or_else(|e| panic!("invalid status body ({e}): {}", answer.body))
    }

    /// Polls with `timeoutMs=1000` until the session completes (at most `max_polls` times);
    /// returns the number of RUNNING answers and the final status.
    pub fn poll_to_end(
        &self,
        kind: SessionKind,
        id: &str,
        max_polls: usize,
    ) -> (usize, SessionStatusResponse) {
        for running in 0..max_polls {
            let status = self.poll(kind, id, "1000");
            if status.state == SessionState::Complete {
                return (running, status);
            }
        }
        panic!("session {id} still RUNNING after {max_polls} polls");
    }
}

/// A TLS connection to `addr` (as `127.0.0.1`) with the handshake completed.
pub fn connect_with(
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
) -> Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, std::io::Error> {
    let tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(Duration::from_secs(70)))?;
    let name = ServerName::try_from("127.0.0.1").expect("an IP address is a server name");
    let conn = rustls::ClientConnection::new(tls, name).map_err(std::io::Error::other)?;
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    while stream.conn.is_handshaking() {
        stream.conn.complete_io(&mut stream.sock)?;
    }
    Ok(stream)
}

/// The body of `POST /certificate` for the relying party of the README.
pub fn certificate_body(phone: &str, identity: &str) -> Value {
    json!({
        "relyingPartyUUID": RELYING_PARTY_UUID,
        "relyingPartyName": RELYING_PARTY_NAME,
        "phoneNumber": phone,
        "nationalIdentityNumber": identity,
    })
}

/// The body of `POST /authentication` or `POST /signature`; the hash type follows the hash
/// length (32, 48, 64 bytes).
pub fn start_body(phone: &str, hash: &[u8]) -> Value {
    let hash_type = match hash.len() {
        32 => "SHA256",
        48 => "SHA384",
        _ => "SHA512",
    };
    json!({
        "relyingPartyUUID": RELYING_PARTY_UUID,
        "relyingPartyName": RELYING_PARTY_NAME,
        "phoneNumber": phone,
        "nationalIdentityNumber": NATIONAL_IDENTITY_NUMBER,
        "hash": STANDARD.encode(hash),
        "hashType": hash_type,
        "language": "ENG",
    })
}

/// Runs `f` and returns its result with the time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}
