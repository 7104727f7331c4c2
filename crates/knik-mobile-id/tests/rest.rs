//! MID-REST bodies on the wire: every kind parses, every result code becomes its own error,
//! hostile bodies become errors (never panics).

use std::collections::HashSet;

use knik_mobile_id::outcome::{
    certificate_from_response, error_for_result, error_for_status, poll_result_from_status,
};
use knik_mobile_id::rest::{
    self, CertificateRequest, MAX_BODY_LEN, RelyingParty, SessionStartRequest,
    parse_certificate_request, parse_certificate_response, parse_error_response,
    parse_session_start_request, parse_session_start_response, parse_session_status_response,
};
use knik_mobile_id::{
    CertificateResult, DisplayText, Error, HashType, Language, Person, PollResult, Responsibility,
    SessionId, SessionKind, SessionRequest, SessionResult, SessionState, SignableHash,
    SignatureAlgorithm,
};
use knik_pki::Certificate;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const DEMO_UUID: &str = "00000000-0000-0000-0000-000000000000";

fn mobile_auth_der() -> Vec<u8> {
    let pem = std::fs::read_to_string(format!("{ROOT}/test-vectors/pki/holders/mobile/auth.pem"))
        .unwrap();
    Certificate::from_pem(&pem).unwrap().as_der().to_vec()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn certificate_response_ok_and_not_found() {
    let der = mobile_auth_der();
    let body = format!(
        r#"{{"result":"OK","cert":"{}","time":"2019-07-23T11:36:25","traceId":"a1b2"}}"#,
        b64(&der)
    );
    let parsed = parse_certificate_response(body.as_bytes()).unwrap();
    assert_eq!(parsed.result, CertificateResult::Ok);
    assert_eq!(parsed.trace_id.as_deref(), Some("a1b2"));
    let cert = certificate_from_response(&parsed).unwrap();
    assert_eq!(cert.as_der(), der.as_slice());
    // The simulator's serialisation reads back identically.
    assert_eq!(
        parse_certificate_response(parsed.to_json().as_bytes()).unwrap(),
        parsed
    );

    let not_found = parse_certificate_response(br#"{"result":"NOT_FOUND","time":"t"}"#).unwrap();
    assert_eq!(
        certificate_from_response(&not_found),
        Err(Error::CertificateNotFound)
    );
    assert_eq!(
        parse_certificate_response(br#"{"result":"OK"}"#),
        Err(Error::MissingField {
            what: "certificate response",
            field: "cert".into()
        })
    );
}

#[test]
fn session_start_response_and_status_path() {
    let parsed =
        parse_session_start_response(br#"{"sessionID":"de305d54-75b4-431b-adb2-eb6b9e546014"}"#)
            .unwrap();
    let id = SessionId::new(SessionKind::Authentication, &parsed.session_id).unwrap();
    assert_eq!(
        rest::session_status_path(&id, 30_000),
        "/authentication/session/de305d54-75b4-431b-adb2-eb6b9e546014?timeoutMs=30000"
    );
    assert_eq!(rest::start_path(SessionKind::Signature), "/signature");
    assert!(matches!(
        parse_session_start_response(br#"{"sessionID":"../certificate"}"#),
        Err(Error::InvalidField { field, .. }) if field == "sessionID"
    ));
    assert_eq!(
        parsed.to_json(),
        r#"{"sessionID":"de305d54-75b4-431b-adb2-eb6b9e546014"}"#
    );
}

#[test]
fn running_and_ok_status_responses() {
    let running = parse_session_status_response(br#"{"state":"RUNNING"}"#).unwrap();
    assert_eq!(running.state, SessionState::Running);
    assert_eq!(poll_result_from_status(&running), Ok(PollResult::Running));

    let der = mobile_auth_der();
    let body = format!(
        r#"{{"state":"COMPLETE","result":"OK","signature":{{"value":"{}","algorithm":"SHA256WithECEncryption"}},"cert":"{}","time":"2019-07-23T11:36:25","traceId":"x"}}"#,
        b64(&[1u8; 64]),
        b64(&der)
    );
    let ok = parse_session_status_response(body.as_bytes()).unwrap();
    assert_eq!(ok.result, Some(SessionResult::Ok));
    let sig = ok.signature.as_ref().unwrap();
    assert_eq!(sig.algorithm, SignatureAlgorithm::Sha256WithEc);
    assert_eq!(sig.value, vec![1u8; 64]);
    let PollResult::Finished(session) = poll_result_from_status(&ok).unwrap() else {
        panic!("OK must finish the session");
    };
    assert_eq!(session.signature, vec![1u8; 64]);
    assert_eq!(session.certificate.unwrap().as_der(), der.as_slice());
    assert_eq!(
        parse_session_status_response(ok.to_json().as_bytes()).unwrap(),
        ok
    );
}

#[test]
fn every_result_code_is_its_own_error() {
    let mut codes = HashSet::new();
    let mut variants = Vec::new();
    for result in SessionResult::ALL {
        let body = format!(r#"{{"state":"COMPLETE","result":"{}"}}"#, result.as_wire());
        if *result == SessionResult::Ok {
            assert!(parse_session_status_response(body.as_bytes()).is_err());
            assert_eq!(error_for_result(*result), None);
            continue;
        }
        let parsed = parse_session_status_response(body.as_bytes()).unwrap();
        let err = poll_result_from_status(&parsed).unwrap_err();
        assert_eq!(Some(err.clone()), error_for_result(*result));
        assert_eq!(err.responsibility(), Responsibility::User, "{err:?}");
        assert!(err.citizen_message().ends_with('.'));
        assert!(codes.insert(err.code()), "duplicate code {}", err.code());
        variants.push(err);
    }
    assert_eq!(
        variants,
        vec![
            Error::Timeout,
            Error::NotMidClient,
            Error::UserCancelled,
            Error::SignatureHashMismatch,
            Error::PhoneAbsent,
            Error::DeliveryError,
            Error::SimError,
        ]
    );
    // Each outcome tells the citizen something different.
    let messages: HashSet<_> = variants.iter().map(Error::citizen_message).collect();
    assert_eq!(messages.len(), variants.len());
    // The legacy name of TIMEOUT, as the official Java client reads it.
    let legacy =
        parse_session_status_response(br#"{"state":"COMPLETE","result":"EXPIRED_TRANSACTION"}"#)
            .unwrap();
    assert_eq!(poll_result_from_status(&legacy), Err(Error::Timeout));
}

#[test]
fn unknown_codes_are_refused_not_guessed() {
    assert_eq!(
        parse_session_status_response(br#"{"state":"COMPLETE","result":"MID_NOT_READY"}"#),
        Err(Error::UnknownCode {
            what: "session status response",
            field: "result".into(),
            value: "MID_NOT_READY".into()
        })
    );
    assert!(matches!(
        parse_session_status_response(br#"{"state":"complete","result":"OK"}"#),
        Err(Error::UnknownCode { field, .. }) if field == "state"
    ));
    let body = format!(
        r#"{{"state":"COMPLETE","result":"OK","signature":{{"value":"{}","algorithm":"SHA1WithECEncryption"}}}}"#,
        b64(&[1; 64])
    );
    assert!(matches!(
        parse_session_status_response(body.as_bytes()),
        Err(Error::UnknownCode { field, .. }) if field == "signature.algorithm"
    ));
    let long = format!(r#"{{"result":"{}"}}"#, "X".repeat(1000));
    let Err(Error::UnknownCode { value, .. }) = parse_certificate_response(long.as_bytes()) else {
        panic!("unknown result");
    };
    assert_eq!(value.len(), 64, "echoed values are cut");
}

#[test]
fn malformed_missing_and_inconsistent_bodies_are_typed_errors() {
    let what = "session status response";
    assert!(matches!(
        parse_session_status_response(b"{\"state\":"),
        Err(Error::MalformedJson { .. })
    ));
    assert!(matches!(
        parse_session_status_response(b"[]"),
        Err(Error::MalformedJson { reason, .. }) if reason.contains("array")
    ));
    assert!(matches!(
        parse_session_status_response(b""),
        Err(Error::MalformedJson { .. })
    ));
    assert_eq!(
        parse_session_status_response(b"{}"),
        Err(Error::MissingField {
            what,
            field: "state".into()
        })
    );
    assert_eq!(
        parse_session_status_response(br#"{"state":"COMPLETE"}"#),
        Err(Error::MissingField {
            what,
            field: "result".into()
        })
    );
    assert_eq!(
        parse_session_status_response(br#"{"state":"COMPLETE","result":"OK"}"#),
        Err(Error::MissingField {
            what,
            field: "signature".into()
        })
    );
    assert_eq!(
        parse_session_status_response(
            br#"{"state":"COMPLETE","result":"OK","signature":{"algorithm":"SHA256WithECEncryption"}}"#
        ),
        Err(Error::MissingField {
            what,
            field: "signature.value".into()
        })
    );
    assert!(matches!(
        parse_session_status_response(
            br#"{"state":"COMPLETE","result":"OK","signature":{"algorithm":"SHA256WithECEncryption","value":"not base64!"}}"#
        ),
        Err(Error::InvalidField { field, .. }) if field == "signature.value"
    ));
    assert!(matches!(
        parse_session_status_response(br#"{"state":7}"#),
        Err(Error::InvalidField { field, .. }) if field == "state"
    ));
    assert!(matches!(
        parse_session_status_response(br#"{"state":"RUNNING","result":"OK"}"#),
        Err(Error::InconsistentResponse { .. })
    ));
    assert!(matches!(
        parse_certificate_response(br#"{"result":"NOT_FOUND","cert":"AAAA"}"#),
        Err(Error::InconsistentResponse { .. })
    ));
    // A certificate that is base64 but not DER is the certificate's error, not a panic.
    let resp = parse_certificate_response(br#"{"result":"OK","cert":"AAAA"}"#).unwrap();
    assert!(matches!(
        certificate_from_response(&resp),
        Err(Error::Certificate(_))
    ));
    // Nesting beyond serde_json's limit is an error.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(matches!(
        parse_session_status_response(deep.as_bytes()),
        Err(Error::MalformedJson { .. })
    ));
}

#[test]
fn oversized_bodies_are_refused_before_parsing() {
    let mut body = br#"{"state":"RUNNING","traceId":""#.to_vec();
    body.resize(MAX_BODY_LEN + 1, b'a');
    assert_eq!(
        parse_session_status_response(&body),
        Err(Error::BodyTooLarge {
            what: "session status response",
            size: MAX_BODY_LEN + 1,
            limit: MAX_BODY_LEN
        })
    );
    // Not even valid JSON: the size is checked first.
    let junk = vec![b'{'; MAX_BODY_LEN + 1];
    for result in [
        parse_certificate_response(&junk).map(|_| ()),
        parse_session_start_response(&junk).map(|_| ()),
        parse_error_response(&junk).map(|_| ()),
        parse_certificate_request(&junk).map(|_| ()),
        parse_session_start_request(&junk).map(|_| ()),
    ] {
        assert!(
            matches!(result, Err(Error::BodyTooLarge { .. })),
            "{result:?}"
        );
    }
}

#[test]
fn requests_use_the_exact_mid_rest_field_names() {
    let rp = RelyingParty::new(DEMO_UUID, "DEMO").unwrap();
    let person = Person::parse("+37491234567", "2810770123").unwrap();
    let cert_req = CertificateRequest::new(&rp, &person);
    assert_eq!(
        cert_req.to_json(),
        r#"{"relyingPartyUUID":"00000000-0000-0000-0000-000000000000","relyingPartyName":"DEMO","phoneNumber":"+37491234567","nationalIdentityNumber":"2810770123"}"#
    );
    assert_eq!(
        parse_certificate_request(cert_req.to_json().as_bytes()).unwrap(),
        cert_req
    );

    let request = SessionRequest {
        person,
        hash: SignableHash::new(HashType::Sha256, &[0u8; 32]).unwrap(),
        language: Language::Hye,
        display_text: Some(DisplayText::new("Մուտք").unwrap()),
    };
    let wire = SessionStartRequest::new(&rp, &request);
    let json: serde_json::Value = serde_json::from_str(&wire.to_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "relyingPartyUUID": DEMO_UUID,
            "relyingPartyName": "DEMO",
            "phoneNumber": "+37491234567",
            "nationalIdentityNumber": "2810770123",
            "hash": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "hashType": "SHA256",
            "language": "HYE",
            "displayText": "Մուտք",
            "displayTextFormat": "UCS-2"
        })
    );
    assert_eq!(
        parse_session_start_request(wire.to_json().as_bytes()).unwrap(),
        wire
    );
    // Without display text the optional fields are left out, not sent as null.
    let bare = SessionStartRequest::new(
        &rp,
        &SessionRequest {
            display_text: None,
            ..request
        },
    );
    assert!(!bare.to_json().contains("displayText"));
}

#[test]
fn the_simulator_side_reads_requests_strictly() {
    let body = br#"{"relyingPartyUUID":"00000000-0000-0000-0000-000000000000","relyingPartyName":"DEMO","phoneNumber":"+37491234567","nationalIdentityNumber":"2810770123","hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","hashType":"SHA512","language":"ENG"}"#;
    assert_eq!(
        parse_session_start_request(body),
        Err(Error::HashLength {
            hash_type: HashType::Sha512,
            expected: 64,
            found: 32
        })
    );
    assert!(matches!(
        parse_certificate_request(br#"{"relyingPartyUUID":"u","relyingPartyName":"DEMO","phoneNumber":"+37491234567"}"#),
        Err(Error::MissingField { field, .. }) if field == "nationalIdentityNumber"
    ));
}

#[test]
fn http_statuses_map_to_errors_keeping_only_the_trace_id() {
    let body = br#"{"error":"phoneNumber must contain of + and numbers(8-30)","time":"2019-07-23T11:36:25","traceId":"f1e2"}"#;
    let parsed = parse_error_response(body).unwrap();
    assert!(parsed.error.starts_with("phoneNumber"));
    assert_eq!(
        error_for_status(400, body),
        Error::InvalidParameter {
            trace_id: Some("f1e2".into())
        }
    );
    assert_eq!(
        error_for_status(401, b"not json"),
        Error::Unauthorized { trace_id: None }
    );
    assert_eq!(
        error_for_status(404, b"{}"),
        Error::SessionNotFound { trace_id: None }
    );
    assert!(matches!(
        error_for_status(500, b""),
        Error::ProviderInternal { status: 500, .. }
    ));
    assert!(matches!(
        error_for_status(503, b""),
        Error::ServiceUnavailable { status: 503, .. }
    ));
    assert_eq!(
        error_for_status(405, b""),
        Error::UnexpectedStatus { status: 405 }
    );
    assert_eq!(
        error_for_status(401, b"").responsibility(),
        Responsibility::Integrator
    );
}

#[test]
fn the_fuzz_corpus_replays_without_panics() {
    let dir = format!("{ROOT}/fuzz/corpus/mid_rest_response");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        knik_mobile_id::fuzzing::mid_rest_response(&data);
        count += 1;
    }
    assert!(count >= 40, "corpus at {dir} has only {count} files");
    // Spot checks that the corpus hits what it is named after.
    let read = |name: &str| std::fs::read(format!("{dir}/{name}")).unwrap();
    assert!(matches!(
        parse_session_status_response(&read("oversized")),
        Err(Error::BodyTooLarge { .. })
    ));
    assert!(parse_session_status_response(&read("status-ok-real-cert")).is_ok());
    assert!(parse_session_start_request(&read("request-signature-valid")).is_ok());
    assert!(matches!(
        parse_session_start_response(&read("start-path-injection")),
        Err(Error::InvalidField { .. })
    ));
}

#[test]
fn truncated_and_bit_flipped_corpus_files_never_panic() {
    // A cheap stand-in for the fuzzer on stable: every corpus file cut at many points and with
    // single bytes flipped, so CI covers more than the committed inputs.
    let dir = format!("{ROOT}/fuzz/corpus/mid_rest_response");
    let mut runs = 0usize;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        if data.len() > MAX_BODY_LEN {
            continue;
        }
        let step = (data.len() / 64).max(1);
        for cut in (0..data.len()).step_by(step) {
            knik_mobile_id::fuzzing::mid_rest_response(&data[..cut]);
            let mut flipped = data.clone();
            flipped[cut] ^= 0x20;
            knik_mobile_id::fuzzing::mid_rest_response(&flipped);
            runs += 2;
        }
    }
    assert!(runs > 2_000, "only {runs} mutated inputs");
}

/// The HTTP answers in `fuzz/corpus/mid_http_response/` go through the client's reader without
/// a panic, and no body over the limit is ever returned.
#[cfg(feature = "client")]
#[test]
fn the_http_fuzz_corpus_replays_within_the_body_limit() {
    let dir = format!("{ROOT}/fuzz/corpus/mid_http_response");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        knik_mobile_id::fuzzing::mid_http_response(&data);
        count += 1;
    }
    assert!(count >= 20, "corpus at {dir} has only {count} files");
}
