//! The demo e-service over real HTTP on loopback, with tokens signed by the test PKI holders'
//! authentication keys exactly as the card signs them (no browser, no card).
//!
//! What it proves: a challenge sets an HttpOnly session cookie and the nonce is bound to it; a
//! good token logs the citizen in (name, personal number, document kind) and rotates the
//! session; the same token posted again is refused with 401 WEBEID_NONCE_NOT_FOUND, and with a
//! fresh challenge with 401 WEBEID_SIGNATURE_INVALID (it was signed over the old nonce); a token
//! for another origin or another session is refused; malformed requests get 400/404/405; the
//! page and the page library are served; with OCSP on, the resident logs in through the
//! loopback responder and a revoked card is refused with WEBEID_CERT_REVOKED.
//!
//!
//! Signing (`/api/sign/…`, the card's part played by the holder's signing key): the logged-in
//! citizen signs a text document; the hash handed out is SHA-384 (the card's P-384 key); the
//! container downloaded as `letter.asice` verifies `valid` at B-LT against the test root and
//! names 2810770123. Signing without login is refused (401 DEMO_NOT_LOGGED_IN), with another
//! person's certificate (403 DEMO_NOT_YOUR_CERTIFICATE), with a value by another key (400
//! SIGNATURE_VALUE_MISMATCH, and the prepared state is gone: 409 DEMO_NOTHING_TO_SIGN), and
//! nothing is offered for download before a signature is made (404 DEMO_NO_CONTAINER).
//!
//! The OCSP tests print "SKIPPED" when the responders on 127.0.0.1:8881–8882 (and, for
//! signing, the TSA on 8889) are not listening, unless KNIK_REQUIRE_SERVICES=1 (then they
//! fail); KNIK_SKIP_SERVICES=1 skips them.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use knik::report::Verdict;
use knik_demo_service::{App, AppConfig, SigningConfig, server};
use knik_pki::{Certificate, TrustStore};
use knik_webeid::token::{AuthToken, TokenAlgorithm, signed_value_digest};
use serde_json::{Value, json};

const APP_VERSION: &str = "https://example.invalid/knik/releases/0.1.0";

fn pki(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/pki")
        .join(relative)
}

/// The service on a free loopback port, OCSP on or off; returns its port and origin.
fn start(ocsp: bool) -> (u16, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("address").port();
    let origin = format!("http://localhost:{port}");
    let mut trust = TrustStore::new();
    for ca in ["root", "citizen-ca", "resident-ca"] {
        trust
            .add_file(&pki(&format!("{ca}.pem")))
            .expect("test PKI CA");
    }
    let signing = SigningConfig {
        tsa_url: "http://127.0.0.1:8889/".into(),
        known_certificates: ["root", "citizen-ca", "resident-ca"]
            .iter()
            .map(|ca| {
                let pem = std::fs::read_to_string(pki(&format!("{ca}.pem"))).expect("CA file");
                Certificate::from_pem(&pem).expect("CA certificate")
            })
            .collect(),
        work_dir: std::env::temp_dir(),
    };
    let app = App::new(AppConfig {
        origin: origin.clone(),
        trust,
        ocsp,
    })
    .expect("configuration")
    .with_signing(signing);
    let app = Arc::new(app);
    std::thread::spawn(move || server::serve(listener, app));
    (port, origin)
}

/// A `web-eid:1.0` token by `holder`'s authentication key, as the card makes it.
fn token(holder: &str, origin: &str, nonce: &str) -> Value {
    use p384::ecdsa::signature::hazmat::PrehashSigner;
    use p384::pkcs8::DecodePrivateKey;
    let key_pem =
        std::fs::read_to_string(pki(&format!("holders/{holder}/auth.key"))).expect("holder key");
    let key = p384::ecdsa::SigningKey::from_pkcs8_pem(&key_pem).expect("P-384 key");
    let digest = signed_value_digest(origin, nonce, TokenAlgorithm::Es384);
    let signature: p384::ecdsa::Signature = key.sign_prehash(&digest).expect("sign");
    let certificate =
        std::fs::read(pki(&format!("holders/{holder}/auth.der"))).expect("holder certificate");
    let token = AuthToken::create(
        &certificate,
        TokenAlgorithm::Es384,
        &signature.to_bytes(),
        APP_VERSION,
    );
    serde_json::from_str(&token.to_json()).expect("token JSON")
}

/// One answer as the browser sees it.
struct Answer {
    status: u16,
    head: String,
    body: String,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The session id a Set-Cookie header gives, if any.
    fn session(&self) -> Option<String> {
        self.head.lines().find_map(|l| {
            l.strip_prefix("Set-Cookie: knik_demo_session=")
                .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        })
    }
}

fn request(port: u16, method: &str, path: &str, session: Option<&str>, body: &str) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the service listens");
    let cookie = session
        .map(|s| format!("Cookie: knik_demo_session={s}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost:{port}\r\n{cookie}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("request sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("answer read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head and body");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let bytes = raw[split + 4..].to_vec();
    let status = head[9..12].parse().expect("status code");
    Answer {
        status,
        head,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

/// A challenge for `session` (a new session when None): (session id, nonce).
fn challenge(port: u16, session: Option<&str>) -> (String, String) {
    let answer = request(port, "POST", "/api/challenge", session, "");
    assert_eq!(answer.status, 200, "{}", answer.body);
    let nonce = answer.json()["nonce"].as_str().expect("a nonce").to_owned();
    assert_eq!(nonce.len(), 44, "base64 of 32 bytes");
    let session = match session {
        Some(s) => {
            assert_eq!(answer.session(), None, "a known session keeps its cookie");
            s.to_owned()
        }
        None => {
            assert!(
                answer.head.contains("HttpOnly; SameSite=Strict"),
                "{}",
                answer.head
            );
            answer.session().expect("a new session cookie")
        }
    };
    (session, nonce)
}

fn login(port: u16, session: Option<&str>, token: &Value) -> Answer {
    request(
        port,
        "POST",
        "/api/login",
        session,
        &json!({ "authToken": token }).to_string(),
    )
}

#[test]
fn citizen_logs_in_once_and_the_replayed_token_is_refused() {
    let (port, origin) = start(false);
    let (session, nonce) = challenge(port, None);
    let citizen = token("citizen", &origin, &nonce);

    let answer = login(port, Some(&session), &citizen);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let user = answer.json();
    assert_eq!(user["name"], "PETROSYAN ANI");
    assert_eq!(user["personalNumber"], "2810770123");
    assert_eq!(user["documentKind"], "citizen-id-card");
    assert_eq!(user["tokenFormat"], "web-eid:1.0");
    assert_eq!(user["ocspResponder"], Value::Null, "OCSP off");
    let rotated = answer.session().expect("a new session after login");
    assert_ne!(rotated, session);

    // The same token again, same session: its nonce is gone.
    let replay = login(port, Some(&session), &citizen);
    assert_eq!(replay.status, 401);
    assert_eq!(replay.json()["code"], "WEBEID_NONCE_NOT_FOUND");
    // With the new session: no nonce there either.
    assert_eq!(
        login(port, Some(&rotated), &citizen).json()["code"],
        "WEBEID_NONCE_NOT_FOUND"
    );
    // After a fresh challenge: the old token was signed over the old nonce.
    let (_, fresh) = challenge(port, Some(&session));
    assert_ne!(fresh, nonce);
    let stale = login(port, Some(&session), &citizen);
    assert_eq!(stale.status, 401);
    assert_eq!(stale.json()["code"], "WEBEID_SIGNATURE_INVALID");
    // ... and that attempt used up the fresh nonce too.
    assert_eq!(
        login(port, Some(&session), &token("citizen", &origin, &fresh)).json()["code"],
        "WEBEID_NONCE_NOT_FOUND"
    );
}

#[test]
fn tokens_for_another_origin_or_session_are_refused() {
    let (port, origin) = start(false);
    let (session, nonce) = challenge(port, None);
    let phished = token("citizen", "https://evil.example.am", &nonce);
    let answer = login(port, Some(&session), &phished);
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json()["code"], "WEBEID_SIGNATURE_INVALID");

    // A nonce issued to one browser does not log in another.
    let (_, victim_nonce) = challenge(port, None);
    let (attacker, _) = challenge(port, None);
    let stolen = login(
        port,
        Some(&attacker),
        &token("resident", &origin, &victim_nonce),
    );
    assert_eq!(stolen.status, 401);
    assert_eq!(stolen.json()["code"], "WEBEID_SIGNATURE_INVALID");
    // No session cookie at all.
    assert_eq!(
        login(port, None, &token("resident", &origin, &victim_nonce)).json()["code"],
        "WEBEID_NONCE_NOT_FOUND"
    );
}

#[test]
fn malformed_requests_get_client_errors() {
    let (port, _) = start(false);
    let (session, _) = challenge(port, None);
    let bad = request(port, "POST", "/api/login", Some(&session), "{\"token\": 1}");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["code"], "DEMO_BAD_REQUEST");
    let garbage = request(port, "POST", "/api/login", Some(&session), "not json");
    assert_eq!(garbage.status, 400);
    assert_eq!(request(port, "GET", "/api/login", None, "").status, 405);
    assert_eq!(request(port, "GET", "/nothing", None, "").status, 404);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .write_all(b"POST /api/login HTTP/1.1\r\nContent-Length: 999999\r\n\r\n")
        .expect("sent");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("answer");
    assert!(raw.starts_with("HTTP/1.1 413 "), "{raw}");
}

#[test]
fn page_loads_the_page_library_under_a_strict_policy() {
    let (port, _) = start(false);
    let page = request(port, "GET", "/", None, "");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<script type=\"module\" src=\"/app.js\">")
    );
    assert!(
        page.head
            .contains("Content-Security-Policy: default-src 'none'; script-src 'self'"),
        "{}",
        page.head
    );
    let script = request(port, "GET", "/app.js", None, "");
    assert!(
        script
            .body
            .contains("import * as webeid from \"/web-eid.js\"")
    );
    let library = request(port, "GET", "/web-eid.js", None, "");
    assert_eq!(library.status, 200);
    assert!(library.head.contains("Content-Type: text/javascript"));
    assert!(library.body.contains("export function createWebEid"));
}

/// Whether the loopback services on `ports` listen (asked of `ss`, never by connecting).
fn services_up(ports: &[u16]) -> bool {
    if std::env::var("KNIK_SKIP_SERVICES").as_deref() == Ok("1") {
        eprintln!("SKIPPED: KNIK_SKIP_SERVICES=1");
        return false;
    }
    let listening = Command::new("ss")
        .arg("-ltn")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let missing: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|p| !listening.contains(&format!(":{p} ")))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("KNIK_REQUIRE_SERVICES").as_deref() != Ok("1"),
        "ports {missing:?} are not listening: start them with `scripts/services.sh up`"
    );
    eprintln!("SKIPPED: ports {missing:?} are not listening (scripts/services.sh up)");
    false
}

#[test]
fn with_ocsp_the_resident_logs_in_and_a_revoked_card_is_refused() {
    if !services_up(&[8881, 8882]) {
        return;
    }
    let (port, origin) = start(true);
    let (session, nonce) = challenge(port, None);
    let answer = login(port, Some(&session), &token("resident", &origin, &nonce));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let user = answer.json();
    assert_eq!(user["name"], "MÜLLER JONAS");
    assert_eq!(user["personalNumber"], "5210880456");
    assert_eq!(user["documentKind"], "residence-card");
    assert_eq!(user["ocspResponder"], "http://127.0.0.1:8882/");

    let (session, nonce) = challenge(port, None);
    let revoked = login(port, Some(&session), &token("revoked", &origin, &nonce));
    assert_eq!(revoked.status, 401);
    assert_eq!(revoked.json()["code"], "WEBEID_CERT_REVOKED");
}

/// A logged-in session of `holder` (OCSP off): (port, session id).
fn logged_in(holder: &str) -> (u16, String) {
    let (port, origin) = start(false);
    let (session, nonce) = challenge(port, None);
    let answer = login(port, Some(&session), &token(holder, &origin, &nonce));
    assert_eq!(answer.status, 200, "{}", answer.body);
    (port, answer.session().expect("the session after login"))
}

/// `holder`'s signing certificate, base64 as `getSigningCertificate` gives it.
fn signing_certificate(holder: &str) -> String {
    STANDARD.encode(
        std::fs::read(pki(&format!("holders/{holder}/sign.der"))).expect("signing certificate"),
    )
}

/// What the card does in `sign`: `holder`'s P-384 signing key over the digest, raw r‖s,
/// base64.
fn card_sign(holder: &str, hash_b64: &str) -> String {
    use p384::ecdsa::signature::hazmat::PrehashSigner;
    use p384::pkcs8::DecodePrivateKey;
    let key_pem =
        std::fs::read_to_string(pki(&format!("holders/{holder}/sign.key"))).expect("holder key");
    let key = p384::ecdsa::SigningKey::from_pkcs8_pem(&key_pem).expect("P-384 key");
    let digest = STANDARD.decode(hash_b64).expect("the hash is base64");
    let signature: p384::ecdsa::Signature = key.sign_prehash(&digest).expect("sign");
    STANDARD.encode(signature.to_bytes())
}

fn prepare(port: u16, session: Option<&str>, certificate: &str) -> Answer {
    let body = json!({
        "certificate": certificate,
        "fileName": "letter.txt",
        "content": "I agree to the terms.\n",
    });
    request(
        port,
        "POST",
        "/api/sign/prepare",
        session,
        &body.to_string(),
    )
}

fn finish(port: u16, session: &str, signature: &str) -> Answer {
    let body = json!({ "signature": signature }).to_string();
    request(port, "POST", "/api/sign/finish", Some(session), &body)
}

#[test]
fn a_logged_in_citizen_signs_a_document_at_b_lt() {
    if !services_up(&[8881, 8889]) {
        return;
    }
    let (port, session) = logged_in("citizen");
    let prepared = prepare(port, Some(&session), &signing_certificate("citizen"));
    assert_eq!(prepared.status, 200, "{}", prepared.body);
    let prepared = prepared.json();
    assert_eq!(prepared["hashFunction"], "SHA-384");
    let hash = prepared["hash"].as_str().expect("a hash");
    assert_eq!(STANDARD.decode(hash).expect("base64").len(), 48);

    let finished = finish(port, &session, &card_sign("citizen", hash));
    assert_eq!(finished.status, 200, "{}", finished.body);
    let finished = finished.json();
    assert_eq!(finished["level"], "B-LT");
    assert_eq!(finished["signer"], "PETROSYAN ANI");
    assert_eq!(finished["download"], "/api/sign/container");

    let container = request(port, "GET", "/api/sign/container", Some(&session), "");
    assert_eq!(container.status, 200, "{}", container.body);
    assert!(
        container
            .head
            .contains("Content-Type: application/vnd.etsi.asic-e+zip"),
        "{}",
        container.head
    );
    assert!(
        container
            .head
            .contains("Content-Disposition: attachment; filename=\"letter.asice\""),
        "{}",
        container.head
    );
    let mut trust = TrustStore::new();
    trust.add_file(&pki("root.pem")).expect("the test root");
    let options = knik::verify::VerifyOptions {
        trust,
        ..knik::verify::VerifyOptions::default()
    };
    let report = knik::verify::verify(std::io::Cursor::new(&container.bytes), &options);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
    let signature = &report.signatures[0];
    assert_eq!(signature.level, "B-LT");
    assert_eq!(signature.signed_files, vec!["letter.txt".to_owned()]);
    let signer = signature
        .signer
        .as_ref()
        .expect("the report names the signer");
    assert_eq!(signer.personal_number.as_deref(), Some("2810770123"));
}

#[test]
fn signing_needs_login_the_persons_own_certificate_and_their_key() {
    let (port, session) = logged_in("citizen");
    let citizen = signing_certificate("citizen");

    let anonymous = prepare(port, None, &citizen);
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["code"], "DEMO_NOT_LOGGED_IN");
    let not_yours = prepare(port, Some(&session), &signing_certificate("resident"));
    assert_eq!(not_yours.status, 403);
    assert_eq!(not_yours.json()["code"], "DEMO_NOT_YOUR_CERTIFICATE");
    let early = finish(port, &session, "AAAA");
    assert_eq!(early.status, 409);
    assert_eq!(early.json()["code"], "DEMO_NOTHING_TO_SIGN");

    let prepared = prepare(port, Some(&session), &citizen);
    assert_eq!(prepared.status, 200, "{}", prepared.body);
    let hash = prepared.json()["hash"].as_str().expect("a hash").to_owned();
    // The resident's key (P-384 too) over the right digest: checked before any service.
    let wrong = finish(port, &session, &card_sign("resident", &hash));
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert_eq!(wrong.json()["code"], "SIGNATURE_VALUE_MISMATCH");
    let again = finish(port, &session, &card_sign("citizen", &hash));
    assert_eq!(again.status, 409, "a prepared signature is finished once");
    let nothing = request(port, "GET", "/api/sign/container", Some(&session), "");
    assert_eq!(nothing.status, 404);
    assert_eq!(nothing.json()["code"], "DEMO_NO_CONTAINER");
}
