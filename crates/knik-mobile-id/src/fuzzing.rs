//! Entry point shared by the fuzz target `fuzz/fuzz_targets/mid_rest_response.rs` and the
//! corpus replay test, so that what the fuzzer exercises is exactly what `cargo test` replays.

use crate::codes::{HashType, SessionKind};
use crate::outcome::{certificate_from_response, error_for_status, poll_result_from_status};
use crate::provider::SessionId;
use crate::rest::{
    parse_certificate_request, parse_certificate_response, parse_error_response,
    parse_session_start_request, parse_session_start_response, parse_session_status_response,
    session_status_path,
};
use crate::verification_code::VerificationCode;
use crate::{SignableHash, check};

/// Reads `data` as every MID-REST body (responses the client reads, requests the simulator
/// reads) and follows each success as far as a relying party would: outcome, certificate,
/// signature check, re-serialisation. Must never panic.
pub fn mid_rest_response(data: &[u8]) {
    let _ = VerificationCode::from_hash_bytes(data);
    let _ = error_for_status(400, data);
    let _ = parse_error_response(data);
    let _ = crate::outcome::read_certificate_answer(200, data);
    let _ = crate::outcome::read_start_answer(SessionKind::Authentication, 200, data);
    let _ = crate::outcome::read_status_answer(200, data);

    if let Ok(response) = parse_certificate_response(data) {
        let _ = response.to_json();
        let _ = certificate_from_response(&response);
    }
    if let Ok(response) = parse_session_start_response(data) {
        let _ = response.to_json();
        if let Ok(id) = SessionId::new(SessionKind::Signature, &response.session_id) {
            let _ = session_status_path(&id, 1_000);
        }
    }
    if let Ok(response) = parse_session_status_response(data) {
        let _ = response.to_json();
        if let Ok(crate::PollResult::Finished(session)) = poll_result_from_status(&response)
            && let Some(cert) = &session.certificate
        {
            for hash_type in HashType::ALL {
                let digest = vec![0x5a; hash_type.digest_len()];
                if let Ok(hash) = SignableHash::new(*hash_type, &digest) {
                    let _ =
                        check::verify_signature(cert, &hash, session.algorithm, &session.signature);
                }
            }
        }
    }
    if let Ok(request) = parse_certificate_request(data) {
        let _ = request.to_json();
    }
    if let Ok(request) = parse_session_start_request(data) {
        let _ = request.to_json();
        let _ = request.signable_hash().map(|h| h.verification_code());
    }
}

/// Reads `data` as an HTTP/1.1 response the way the MID-REST client does (status line,
/// headers, a body framed by Content-Length, chunked encoding or the connection's end, under
/// the client's size limit). Must never panic; shared by the fuzz target
/// `fuzz/fuzz_targets/mid_http_response.rs` and the corpus replay test.
#[cfg(feature = "client")]
pub fn mid_http_response(data: &[u8]) {
    let mut input = data;
    if let Ok(response) = crate::client::http::read_response(&mut input, crate::rest::MAX_BODY_LEN)
    {
        assert!(response.body.len() <= crate::rest::MAX_BODY_LEN);
        let _ = crate::outcome::read_status_answer(response.status, &response.body);
    }
}
