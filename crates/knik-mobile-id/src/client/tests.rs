//! [`MidRestClient`] against a scripted TLS server on loopback (rustls, the test vectors'
//! `sim-tls` and `impostor-tls` identities): what goes on the wire, how each answer comes
//! back, and that an unpinned server is refused before anything is sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::*;
use crate::{HashType, Language, Person, SignableHash};

const RP_UUID: &str = "00000000-0000-4000-8000-00000000a11e";

fn vector(path: &str) -> String {
    let path = format!("{}/../../test-vectors/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the scripted server does with one connection.
enum Answer {
    /// Send these bytes after reading the request.
    Bytes(Vec<u8>),
    /// Read the request, then send nothing for this long.
    Silence(Duration),
}

fn json_answer(status: u16, body: &str) -> Answer {
    Answer::Bytes(
        format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// A TLS server with the identity `name` (`sim-tls` or `impostor-tls`) answering one
/// connection per scripted answer; it records each request (head and body) it read.
struct ScriptedServer {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl ScriptedServer {
    fn start(name: &str, answers: Vec<Answer>) -> ScriptedServer {
        let certs = vec![
            CertificateDer::from_pem_slice(vector(&format!("mobile-id/{name}.pem")).as_bytes())
                .expect("server certificate"),
        ];
        let key =
            PrivateKeyDer::from_pem_slice(vector(&format!("mobile-id/{name}.key")).as_bytes())
                .expect("server key");
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server identity"),
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback port");
        let url = format!(
            "https://127.0.0.1:{}/mid-api",
            listener.local_addr().unwrap().port()
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            for answer in answers {
                let Ok((tcp, _)) = listener.accept() else {
                    return;
                };
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
                let conn = rustls::ServerConnection::new(Arc::clone(&config)).expect("session");
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                // A refused handshake ends here: nothing recorded.
                let Some(request) = read_request(&mut tls) else {
                    continue;
                };
                log.lock().unwrap().push(request);
                match answer {
                    Answer::Bytes(bytes) => {
                        let _ = tls.write_all(&bytes);
                        tls.conn.send_close_notify();
                        let _ = tls.flush();
                    }
                    Answer::Silence(d) => std::thread::sleep(d),
                }
            }
        });
        ScriptedServer {
            url,
            requests,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        // The thread ends after its last scripted answer; a test that stops early leaves it
        // blocked in accept, which the process exit ends.
        if let Some(t) = self.thread.take()
            && t.is_finished()
        {
            let _ = t.join();
        }
    }
}

fn read_request(tls: &mut impl Read) -> Option<String> {
    let mut reader = BufReader::new(tls);
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some(head + &String::from_utf8_lossy(&body))
}

/// A 200 answer in chunked transfer coding, one chunk per piece.
fn chunked(pieces: &[&str]) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for piece in pieces {
        out.extend_from_slice(format!("{:x}\r\n{piece}\r\n", piece.len()).as_bytes());
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fn client(url: &str) -> MidRestClient {
    let rp = RelyingParty::new(RP_UUID, "knik demo").unwrap();
    MidRestClient::new(
        url,
        rp,
        Pins::parse(&vector("mobile-id/sim-tls.pin")).unwrap(),
    )
    .unwrap()
}

fn person() -> Person {
    Person::parse("+37400000001", "2810770123").unwrap()
}

fn sign_cert_b64() -> String {
    let pem = vector("pki/holders/mobile/sign.pem");
    STANDARD.encode(knik_pki::Certificate::from_pem(&pem).unwrap().as_der())
}

fn request() -> SessionRequest {
    SessionRequest {
        person: person(),
        hash: SignableHash::new(HashType::Sha256, &[0x2f; 32]).unwrap(),
        language: Language::Hye,
        display_text: None,
    }
}

#[test]
fn a_certificate_request_carries_the_relying_party_and_returns_the_certificate() {
    let body = format!(
        r#"{{"result":"OK","cert":"{}","time":"t","traceId":"x"}}"#,
        sign_cert_b64()
    );
    let server = ScriptedServer::start("sim-tls", vec![json_answer(200, &body)]);
    let cert = client(&server.url).signing_certificate(&person()).unwrap();
    assert!(
        cert.subject().to_string().contains("PETROSYAN"),
        "{}",
        cert.subject()
    );
    let req = &server.requests()[0];
    assert!(
        req.starts_with("POST /mid-api/certificate HTTP/1.1\r\n"),
        "{req}"
    );
    let host = format!(
        "Host: {}\r\n",
        server
            .url
            .trim_start_matches("https://")
            .trim_end_matches("/mid-api")
    );
    assert!(req.contains(&host), "{req}");
    let json = req.split("\r\n\r\n").nth(1).unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["relyingPartyUUID"], RP_UUID);
    assert_eq!(v["relyingPartyName"], "knik demo");
    assert_eq!(v["phoneNumber"], "+37400000001");
    assert_eq!(v["nationalIdentityNumber"], "2810770123");
}

#[test]
fn a_signing_session_is_started_and_long_polled_to_its_signature() {
    let session = "1dcc1600-29a6-4e95-a95c-d69b31febcfd";
    let server = ScriptedServer::start(
        "sim-tls",
        vec![
            json_answer(200, &format!(r#"{{"sessionID":"{session}"}}"#)),
            json_answer(200, r#"{"state":"RUNNING"}"#),
            // Chunked this time, as a proxy may send it.
            Answer::Bytes(chunked(&[
                r#"{"state":"COMPLETE","#,
                r#""result":"OK","signature":{"algorithm":"SHA256WithECEncryption","#,
                r#""value":"AQIDBAUGBwgJCgsMDQ4PEA=="}}"#,
            ])),
        ],
    );
    let client = client(&server.url);
    let id = client.start_signing(&request()).unwrap();
    assert_eq!((id.kind(), id.id()), (SessionKind::Signature, session));
    assert_eq!(client.poll(&id, 1_000).unwrap(), PollResult::Running);
    let PollResult::Finished(done) = client.poll(&id, 30_000).unwrap() else {
        panic!("finished expected")
    };
    assert_eq!(done.signature, (1..=16).collect::<Vec<u8>>());
    let requests = server.requests();
    assert!(requests[0].starts_with("POST /mid-api/signature HTTP/1.1\r\n"));
    let start: serde_json::Value =
        serde_json::from_str(requests[0].split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(start["hash"], STANDARD.encode([0x2f; 32]));
    assert_eq!(
        (start["hashType"].as_str(), start["language"].as_str()),
        (Some("SHA256"), Some("HYE"))
    );
    assert!(requests[1].starts_with(&format!(
        "GET /mid-api/signature/session/{session}?timeoutMs=1000 HTTP/1.1\r\n"
    )));
    assert!(requests[2].contains("?timeoutMs=30000 "));
}

#[test]
fn statuses_and_result_codes_come_back_as_their_own_errors() {
    let server = ScriptedServer::start(
        "sim-tls",
        vec![
            json_answer(
                401,
                r#"{"error":"Failed to authorize user","traceId":"t-401"}"#,
            ),
            json_answer(200, r#"{"state":"COMPLETE","result":"USER_CANCELLED"}"#),
            json_answer(200, r#"{"state":"COMPLETE","result":"PHONE_ABSENT"}"#),
            json_answer(404, r#"{"error":"SessionID not found"}"#),
            json_answer(200, r#"{"result":"NOT_FOUND"}"#),
        ],
    );
    let client = client(&server.url);
    let id = SessionId::new(SessionKind::Authentication, "abc").unwrap();
    assert_eq!(
        client.start_authentication(&request()),
        Err(Error::Unauthorized {
            trace_id: Some("t-401".into())
        })
    );
    assert_eq!(client.poll(&id, 1_000), Err(Error::UserCancelled));
    assert_eq!(client.poll(&id, 1_000), Err(Error::PhoneAbsent));
    assert_eq!(
        client.poll(&id, 1_000),
        Err(Error::SessionNotFound { trace_id: None })
    );
    assert_eq!(
        client.signing_certificate(&person()),
        Err(Error::CertificateNotFound)
    );
    assert!(server.requests()[1].starts_with("GET /mid-api/authentication/session/abc?"));
}

#[test]
fn a_server_whose_key_is_not_pinned_is_refused_before_anything_is_sent() {
    let server = ScriptedServer::start("impostor-tls", vec![json_answer(200, "{}")]);
    let err = client(&server.url)
        .signing_certificate(&person())
        .unwrap_err();
    assert_eq!(
        err,
        Error::ServerNotPinned {
            found: vector("mobile-id/impostor-tls.pin").trim().to_owned()
        }
    );
    assert_eq!(err.code(), "MID_TLS_NOT_PINNED");
    std::thread::sleep(Duration::from_millis(100));
    assert!(server.requests().is_empty(), "the impostor read a request");
}

#[test]
fn the_next_key_can_be_pinned_beside_the_current_one() {
    let server = ScriptedServer::start(
        "impostor-tls",
        vec![json_answer(200, r#"{"sessionID":"s-1"}"#)],
    );
    let rp = RelyingParty::new(RP_UUID, "knik demo").unwrap();
    let both = Pins::parse(&format!(
        "{}{}",
        vector("mobile-id/sim-tls.pin"),
        vector("mobile-id/impostor-tls.pin")
    ))
    .unwrap();
    let client = MidRestClient::new(&server.url, rp, both).unwrap();
    assert_eq!(client.start_signing(&request()).unwrap().id(), "s-1");
}

#[test]
fn a_poll_the_server_never_answers_ends_after_timeout_ms_plus_the_margin() {
    let server = ScriptedServer::start("sim-tls", vec![Answer::Silence(Duration::from_secs(5))]);
    let client = client(&server.url).with_timeouts(Timeouts {
        poll_margin: Duration::from_millis(300),
        ..Timeouts::default()
    });
    let id = SessionId::new(SessionKind::Signature, "slow").unwrap();
    let started = Instant::now();
    let err = client.poll(&id, 1_000).unwrap_err();
    let took = started.elapsed();
    assert_eq!(
        err,
        Error::Network {
            reason: "no answer within 1300 ms".into()
        }
    );
    assert!(
        took >= Duration::from_millis(1_300) && took < Duration::from_millis(3_000),
        "{took:?}"
    );
}

#[test]
fn oversized_and_non_http_answers_are_refused() {
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(crate::rest::MAX_BODY_LEN));
    let server = ScriptedServer::start(
        "sim-tls",
        vec![
            json_answer(200, &big),
            Answer::Bytes(b"SSH-2.0-OpenSSH_9.2\r\n".to_vec()),
        ],
    );
    let client = client(&server.url);
    assert!(matches!(
        client.signing_certificate(&person()),
        Err(Error::BodyTooLarge { size, .. }) if size == big.len()
    ));
    assert_eq!(
        client.signing_certificate(&person()).unwrap_err().code(),
        "MID_MALFORMED_HTTP"
    );
}

#[test]
fn nothing_listening_is_a_network_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = client(&format!("https://127.0.0.1:{port}/mid-api"))
        .signing_certificate(&person())
        .unwrap_err();
    assert_eq!(err.code(), "MID_NETWORK");
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
}

#[test]
fn the_version_endpoint_answers_plain_text() {
    let text = "Version: 5.1.1. Built: 02.12.2026 03:00";
    let server = ScriptedServer::start(
        "sim-tls",
        vec![Answer::Bytes(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{text}",
                text.len()
            )
            .into_bytes(),
        )],
    );
    assert_eq!(client(&server.url).version().unwrap(), text);
    assert!(server.requests()[0].starts_with("GET /mid-api/version HTTP/1.1\r\n"));
}

#[test]
fn a_handshake_trickled_byte_by_byte_cannot_outlast_the_request_limit() {
    // A man in the middle needs no pinned key to stall: before any certificate is seen, it
    // feeds the ServerHello one byte at a time, each just inside a per-read timeout.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "https://127.0.0.1:{}/mid-api",
        listener.local_addr().unwrap().port()
    );
    let server = std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        // A TLS handshake record header announcing 16 KiB, then its body, slowly.
        let mut bytes = vec![0x16, 0x03, 0x03, 0x40, 0x00];
        bytes.extend(std::iter::repeat_n(0u8, 100));
        for b in bytes {
            if tcp.write_all(&[b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let client = client(&url).with_timeouts(Timeouts {
        request: Duration::from_millis(800),
        ..Timeouts::default()
    });
    let started = Instant::now();
    let err = client.signing_certificate(&person()).unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, Error::Network { .. }),
        "a time-out is a network error: {err:?}"
    );
    assert!(took < Duration::from_millis(2_000), "took {took:?}");
    drop(server);
}
