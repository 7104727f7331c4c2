//! From MID-REST answers to knik's results: every result code and HTTP status becomes its own
//! [`Error`] (reference/mobile-id.md §1.3 "Errors on start", §1.4 "End result codes").

use knik_pki::Certificate;

use crate::codes::{CertificateResult, SessionKind, SessionResult, SessionState};
use crate::error::Error;
use crate::provider::{FinishedSession, PollResult, SessionId};
use crate::rest::{
    CertificateResponse, SessionStatusResponse, parse_certificate_response, parse_error_response,
    parse_session_start_response, parse_session_status_response,
};

/// The error for a session result code; `None` for `OK`.
pub fn error_for_result(result: SessionResult) -> Option<Error> {
    match result {
        SessionResult::Ok => None,
        SessionResult::Timeout => Some(Error::Timeout),
        SessionResult::NotMidClient => Some(Error::NotMidClient),
        SessionResult::UserCancelled => Some(Error::UserCancelled),
        SessionResult::SignatureHashMismatch => Some(Error::SignatureHashMismatch),
        SessionResult::PhoneAbsent => Some(Error::PhoneAbsent),
        SessionResult::DeliveryError => Some(Error::DeliveryError),
        SessionResult::SimError => Some(Error::SimError),
    }
}

/// The error for an HTTP status other than 200, keeping only the `traceId` of the body (the
/// rest is for developers, reference §1.3).
pub fn error_for_status(status: u16, body: &[u8]) -> Error {
    let trace_id = parse_error_response(body).ok().and_then(|e| e.trace_id);
    match status {
        400 => Error::InvalidParameter { trace_id },
        401 => Error::Unauthorized { trace_id },
        404 => Error::SessionNotFound { trace_id },
        500 => Error::ProviderInternal { status, trace_id },
        503 | 580 => Error::ServiceUnavailable { status, trace_id },
        _ => Error::UnexpectedStatus { status },
    }
}

/// The signing certificate of a `POST /certificate` answer.
pub fn certificate_from_response(response: &CertificateResponse) -> Result<Certificate, Error> {
    match (response.result, &response.cert) {
        (CertificateResult::Ok, Some(der)) => Ok(Certificate::from_der(der)?),
        (CertificateResult::Ok, None) => Err(Error::MissingField {
            what: "certificate response",
            field: "cert".to_owned(),
        }),
        (CertificateResult::NotFound, _) => Err(Error::CertificateNotFound),
    }
}

/// What a session status answer means: still running, finished with a signature, or the
/// error of its result code.
pub fn poll_result_from_status(response: &SessionStatusResponse) -> Result<PollResult, Error> {
    const WHAT: &str = "session status response";
    if response.state == SessionState::Running {
        return Ok(PollResult::Running);
    }
    let result = response.result.ok_or_else(|| Error::MissingField {
        what: WHAT,
        field: "result".to_owned(),
    })?;
    if let Some(err) = error_for_result(result) {
        return Err(err);
    }
    let signature = response
        .signature
        .as_ref()
        .ok_or_else(|| Error::MissingField {
            what: WHAT,
            field: "signature".to_owned(),
        })?;
    let certificate = response
        .cert
        .as_deref()
        .map(Certificate::from_der)
        .transpose()?;
    Ok(PollResult::Finished(Box::new(FinishedSession {
        algorithm: signature.algorithm,
        signature: signature.value.clone(),
        certificate,
    })))
}

/// A whole `POST /certificate` answer (HTTP status and body) as the person's certificate.
pub fn read_certificate_answer(status: u16, body: &[u8]) -> Result<Certificate, Error> {
    if status != 200 {
        return Err(error_for_status(status, body));
    }
    certificate_from_response(&parse_certificate_response(body)?)
}

/// A whole `POST /authentication` or `POST /signature` answer as the new session.
pub fn read_start_answer(kind: SessionKind, status: u16, body: &[u8]) -> Result<SessionId, Error> {
    if status != 200 {
        return Err(error_for_status(status, body));
    }
    SessionId::new(kind, &parse_session_start_response(body)?.session_id)
}

/// A whole session status answer as a [`PollResult`] or the error of its result code.
pub fn read_status_answer(status: u16, body: &[u8]) -> Result<PollResult, Error> {
    if status != 200 {
        return Err(error_for_status(status, body));
    }
    poll_result_from_status(&parse_session_status_response(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_answers_combine_status_and_body() {
        assert_eq!(
            read_status_answer(200, br#"{"state":"COMPLETE","result":"PHONE_ABSENT"}"#),
            Err(Error::PhoneAbsent)
        );
        assert_eq!(
            read_status_answer(200, br#"{"state":"RUNNING"}"#),
            Ok(PollResult::Running)
        );
        assert_eq!(
            read_status_answer(404, br#"{"error":"SessionID not found","traceId":"t"}"#),
            Err(Error::SessionNotFound {
                trace_id: Some("t".into())
            })
        );
        let id =
            read_start_answer(SessionKind::Signature, 200, br#"{"sessionID":"abc-1"}"#).unwrap();
        assert_eq!((id.kind(), id.id()), (SessionKind::Signature, "abc-1"));
        assert_eq!(
            read_certificate_answer(200, br#"{"result":"NOT_FOUND"}"#),
            Err(Error::CertificateNotFound)
        );
        assert_eq!(
            read_certificate_answer(401, b""),
            Err(Error::Unauthorized { trace_id: None })
        );
    }
}
