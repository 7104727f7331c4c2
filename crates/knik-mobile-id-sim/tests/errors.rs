//! The simulator refuses what MID-REST refuses, with the status and error body of the
//! reference (reference/mobile-id.md §1.3): 401 "Failed to authorize user" for a wrong relying
//! party (UUID case-sensitive, name not), 400 for each kind of missing or invalid parameter,
//! 405 with `Allow` for wrong methods, 404 "SessionID not found" for unknown sessions, 415 for
//! a non-JSON content type, 413 for an oversized body, and 400 for malformed HTTP.

mod common;

use common::*;
use knik_mobile_id::SessionKind;
use knik_mobile_id_sim::{NATIONAL_IDENTITY_NUMBER, RELYING_PARTY_UUID, Scenario};
use serde_json::Value;

fn ok_start() -> Value {
    start_body(Scenario::Ok.phone_number(), &[0x33; 32])
}

#[test]
fn a_wrong_relying_party_gets_401_on_every_post_endpoint() {
    let sim = start();
    let client = Client::new(&sim);
    let upper_uuid = RELYING_PARTY_UUID.to_uppercase();
    let cases: [(&str, &str, &str); 3] = [
        ("relyingPartyUUID", &upper_uuid, "UUID is case-sensitive"),
        (
            "relyingPartyUUID",
            "00000000-0000-0000-0000-000000000000",
            "the SK demo UUID",
        ),
        ("relyingPartyName", "DEMO", "another name"),
    ];
    for path in ["/certificate", "/authentication", "/signature"] {
        let good = if path == "/certificate" {
            certificate_body(Scenario::Ok.phone_number(), NATIONAL_IDENTITY_NUMBER)
        } else {
            ok_start()
        };
        for (field, value, why) in cases {
            let mut body = good.clone();
            body[field] = value.into();
            let answer = client.post(path, &body);
            assert_eq!(answer.status, 401, "{path} {why}: {}", answer.body);
            answer.assert_error(401, "Failed to authorize user");
        }
        // The name is compared case-insensitively.
        let mut body = good.clone();
        body["relyingPartyName"] = "KNIK Demo".into();
        assert_eq!(client.post(path, &body).status, 200, "{path}");
    }
    assert_eq!(
        sim.prompts().len(),
        2,
        "only the authorised starts reached the phone"
    );
}

#[test]
fn invalid_parameters_get_400() {
    let sim = start();
    let client = Client::new(&sim);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("hash", "not base64!".into(), "hash"),
        ("hash", "".into(), "hash"),
        // 32 bytes declared as SHA-384.
        ("hashType", "SHA384".into(), "SHA384"),
        ("hashType", "SHA1".into(), "hashType"),
        ("hashType", "sha256".into(), "hashType"),
        ("language", "FRA".into(), "language"),
        ("language", 5.into(), "language"),
        ("displayText", "a".repeat(101).into(), "displayText"),
        ("displayText", "{}{}{}".into(), "displayText"),
        ("displayTextFormat", "UTF-8".into(), "displayTextFormat"),
        ("phoneNumber", "37400000001".into(), "phoneNumber"),
        ("phoneNumber", "+374 00000001".into(), "phoneNumber"),
        ("phoneNumber", "+3740000".into(), "phoneNumber"),
        ("phoneNumber", "+3740000000100001".into(), "phoneNumber"),
        (
            "nationalIdentityNumber",
            "2810-770123".into(),
            "nationalIdentityNumber",
        ),
        (
            "nationalIdentityNumber",
            Value::Null,
            "nationalIdentityNumber",
        ),
        ("relyingPartyUUID", Value::Null, "relyingPartyUUID"),
    ];
    for path in ["/authentication", "/signature"] {
        for (field, value, message) in &cases {
            let mut body = ok_start();
            body[*field] = value.clone();
            let answer = client.post(path, &body);
            assert_eq!(
                answer.status, 400,
                "{path} {field}={value}: {}",
                answer.body
            );
            answer.assert_error(400, message);
        }
        // 51 UCS-2 characters are one too many; 50 fit.
        let mut body = ok_start();
        body["displayTextFormat"] = "UCS-2".into();
        body["displayText"] = "Ա".repeat(51).into();
        client.post(path, &body).assert_error(400, "displayText");
        body["displayText"] = "Ա".repeat(50).into();
        assert_eq!(client.post(path, &body).status, 200);
        // Not JSON, not an object.
        client
            .request("POST", path, Some("application/json"), b"{\"hash\":")
            .assert_error(400, "JSON");
        client
            .request("POST", path, Some("application/json"), b"[]")
            .assert_error(400, "object");
    }
    let mut body = certificate_body("+374-00000001", NATIONAL_IDENTITY_NUMBER);
    client
        .post("/certificate", &body)
        .assert_error(400, "phoneNumber");
    body = certificate_body(Scenario::Ok.phone_number(), NATIONAL_IDENTITY_NUMBER);
    body.as_object_mut()
        .unwrap()
        .remove("nationalIdentityNumber");
    client
        .post("/certificate", &body)
        .assert_error(400, "nationalIdentityNumber");
    // A status request with a timeoutMs that is not a number.
    let id = client.start_session(SessionKind::Signature, &ok_start());
    for bad in ["abc", "-5", "", "1.5"] {
        client
            .get(&format!("/signature/session/{id}?timeoutMs={bad}"))
            .assert_error(400, "timeoutMs");
    }
}

#[test]
fn wrong_methods_get_405_with_allow_and_options_is_answered() {
    let sim = start();
    let client = Client::new(&sim);
    let id = client.start_session(SessionKind::Authentication, &ok_start());
    let status_path = format!("/authentication/session/{id}");
    for (method, path, allow) in [
        ("GET", "/certificate", "POST, OPTIONS"),
        ("PUT", "/signature", "POST, OPTIONS"),
        ("DELETE", "/authentication", "POST, OPTIONS"),
        ("POST", status_path.as_str(), "GET, OPTIONS"),
        ("DELETE", status_path.as_str(), "GET, OPTIONS"),
        ("POST", "/version", "GET, OPTIONS"),
    ] {
        let answer = client.request(method, path, Some("application/json"), b"{}");
        answer.assert_error(405, method);
        assert_eq!(answer.header("allow"), Some(allow), "{method} {path}");
        let answer = client.request("OPTIONS", path, None, b"");
        assert_eq!(answer.status, 200, "OPTIONS {path}");
        assert_eq!(answer.header("allow"), Some(allow), "OPTIONS {path}");
    }
    // HEAD is not allowed either, and its answer has no body.
    let answer = client.request("HEAD", "/version", None, b"");
    assert_eq!(answer.status, 405);
    assert_eq!(answer.body, "");
}

#[test]
fn unknown_sessions_and_paths_get_404() {
    let sim = start();
    let client = Client::new(&sim);
    client
        .get("/signature/session/3f2a6c1e-8d4b-4c2a-9e7f-0a1b2c3d4e5f?timeoutMs=1000")
        .assert_error(404, "SessionID not found");
    client
        .get("/signature/session/not-a-uuid")
        .assert_error(404, "SessionID not found");
    // A signing session is not found under the authentication path, and vice versa.
    let id = client.start_session(SessionKind::Signature, &ok_start());
    client
        .get(&format!("/authentication/session/{id}?timeoutMs=1000"))
        .assert_error(404, "SessionID not found");
    client.get("/status").assert_error(404, "Not found");
    let raw = format!(
        "GET /other HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        sim.port()
    );
    Answer::parse(&client.raw(raw.as_bytes())).assert_error(404, "Not found");
}

#[test]
fn content_type_and_size_are_enforced() {
    let sim = start();
    let client = Client::new(&sim);
    let body = ok_start().to_string();
    client
        .request("POST", "/signature", Some("text/plain"), body.as_bytes())
        .assert_error(415, "text/plain");
    client
        .request("POST", "/signature", None, body.as_bytes())
        .assert_error(415, "application/json");
    // Parameters are allowed on the media type.
    let answer = client.request(
        "POST",
        "/signature",
        Some("Application/JSON; charset=UTF-8"),
        body.as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    // Above 64 KiB: refused before the body is read.
    let raw = format!(
        "POST /mid-api/signature HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        64 * 1024 + 1
    );
    Answer::parse(&client.raw(raw.as_bytes())).assert_error(413, "body");
}

#[test]
fn malformed_http_gets_400() {
    let sim = start();
    let client = Client::new(&sim);
    for raw in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /mid-api/version HTTP/1.1\r\n\r\n",
        b"GET /mid-api/version HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n",
        b"POST /mid-api/signature HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST /mid-api/signature HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n",
        b"GET /mid-api/version HTTP/1.1\nHost: x\n\n",
    ] {
        let answer = Answer::parse(&client.raw(raw));
        assert_eq!(
            answer.status,
            400,
            "{:?}: {}",
            String::from_utf8_lossy(raw),
            answer.body
        );
        answer.error_body();
    }
}

#[test]
fn version_is_plain_text() {
    let sim = start();
    let client = Client::new(&sim);
    let answer = client.get("/version");
    assert_eq!(answer.status, 200);
    assert!(answer.body.starts_with("Version: "), "{}", answer.body);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|ct| ct.starts_with("text/plain")),
        "{:?}",
        answer.headers
    );
}
