//! MID-REST as the simulator serves it (reference/mobile-id.md §1.3–1.4): routing, method and
//! parameter checks, relying-party authorisation, and the answers for each endpoint.
//!
//! Order of checks for a POST: method (405), `Content-Type` (415), body and parameters (400),
//! relying party (401). Error bodies are `{"error", "time", "traceId"}`.

use std::time::{Duration, Instant};

use knik_mobile_id::rest::{
    self, CERTIFICATE_PATH, CertificateResponse, ErrorResponse, SessionStartRequest,
    SessionStartResponse, SessionStatusResponse, SignatureValue, VERSION_PATH,
};
use knik_mobile_id::{
    CertificateResult, DisplayText, DisplayTextFormat, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS, SessionKind,
    SessionResult, SessionState,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::config::SimConfig;
use crate::holder::Sim;
use crate::http::{Request, Response};
use crate::prompt::{PhonePrompt, PromptLog};
use crate::scenario::Scenario;
use crate::sessions::{Completed, NewSession, Sessions, Status};

/// Where MID-REST lives on the server.
pub const BASE_PATH: &str = "/mid-api";

const POST_ALLOWED: &str = "POST, OPTIONS";
const GET_ALLOWED: &str = "GET, OPTIONS";

/// Longest E.164 number, in digits.
const MAX_PHONE_DIGITS: usize = 15;
/// Shortest phone number accepted, in digits (as the client's `PhoneNumber`).
const MIN_PHONE_DIGITS: usize = 8;
/// Longest national identity number.
const MAX_IDENTITY_LEN: usize = 20;

/// Everything a request may touch.
pub(crate) struct Service {
    config: SimConfig,
    sim: Sim,
    pub(crate) sessions: Sessions,
    pub(crate) prompts: PromptLog,
}

/// A handler's early answer (an error status).
type Answer = Result<Response, Response>;

impl Service {
    pub(crate) fn new(config: SimConfig, sim: Sim) -> Service {
        Service {
            sessions: Sessions::new(config.slow_user_delay, config.session_expiry),
            prompts: PromptLog::default(),
            config,
            sim,
        }
    }

    /// Answers one request.
    pub(crate) fn handle(&self, request: &Request) -> Response {
        let started = Instant::now();
        let response = self.route(request).unwrap_or_else(|error| error);
        if self.config.log {
            eprintln!(
                "knik-mobile-id-sim: {} {} -> {} ({} ms)",
                request.method,
                request.path,
                response.status,
                started.elapsed().as_millis()
            );
        }
        response
    }

    fn route(&self, request: &Request) -> Answer {
        let Some(path) = request.path.strip_prefix(BASE_PATH) else {
            return Err(error(404, "Not found"));
        };
        if path == CERTIFICATE_PATH {
            let body = post_body(request)?;
            return self.certificate(body);
        }
        if path == VERSION_PATH {
            get_only(request)?;
            return Ok(Response::text(
                200,
                format!(
                    "Version: {}. Built: knik-mobile-id-sim (loopback MID-REST simulator)",
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        for kind in SessionKind::ALL.iter().copied() {
            let start = rest::start_path(kind);
            if path == start {
                let body = post_body(request)?;
                return self.start(kind, body);
            }
            if let Some(id) = path
                .strip_prefix(start)
                .and_then(|p| p.strip_prefix("/session/"))
            {
                get_only(request)?;
                return self.status(kind, id, request);
            }
        }
        Err(error(404, "Not found"))
    }

    /// `POST /certificate`.
    fn certificate(&self, body: &[u8]) -> Answer {
        let request = rest::parse_certificate_request(body).map_err(bad_request)?;
        check_person(&request.phone_number, &request.national_identity_number)?;
        self.authorize(request.relying_party.uuid(), request.relying_party.name())?;
        let scenario =
            Scenario::for_person(&request.phone_number, &request.national_identity_number);
        let response = if scenario.has_certificate() {
            CertificateResponse {
                result: CertificateResult::Ok,
                cert: Some(self.sim.signing_certificate().to_vec()),
                time: now(),
                trace_id: trace_id(),
            }
        } else {
            CertificateResponse {
                result: CertificateResult::NotFound,
                cert: None,
                time: now(),
                trace_id: trace_id(),
            }
        };
        Ok(Response::json(200, response.to_json()))
    }

    /// `POST /authentication` and `POST /signature`.
    fn start(&self, kind: SessionKind, body: &[u8]) -> Answer {
        let request = rest::parse_session_start_request(body).map_err(bad_request)?;
        check_person(&request.phone_number, &request.national_identity_number)?;
        let display_text = shown_display_text(&request)?;
        self.authorize(request.relying_party.uuid(), request.relying_party.name())?;
        let hash = request.signable_hash().map_err(bad_request)?;
        let scenario =
            Scenario::for_person(&request.phone_number, &request.national_identity_number);
        // The phone's answer is computed now and revealed when the person answers.
        let end = match scenario.session_result() {
            None => None,
            Some(SessionResult::Ok) => {
                let (algorithm, value) = self
                    .sim
                    .sign(
                        kind,
                        hash.hash_type(),
                        hash.digest(),
                        scenario == Scenario::WrongKey,
                    )
                    .map_err(|reason| error(500, &reason))?;
                Some(Completed {
                    result: SessionResult::Ok,
                    signature: Some(SignatureValue { algorithm, value }),
                    cert: (kind == SessionKind::Authentication)
                        .then(|| self.sim.authentication_certificate().to_vec()),
                })
            }
            Some(result) => Some(Completed {
                result,
                signature: None,
                cert: None,
            }),
        };
        let session_id = new_session_id().map_err(|reason| error(500, &reason))?;
        self.sessions
            .start(
                session_id.clone(),
                NewSession {
                    kind,
                    scenario,
                    end,
                },
            )
            .map_err(|_| error(503, "Too many sessions; try again later"))?;
        let prompt = PhonePrompt {
            session_id: session_id.clone(),
            kind,
            phone_number: request.phone_number.clone(),
            relying_party_name: request.relying_party.name().to_owned(),
            display_text,
            verification_code: hash.verification_code(),
            language: request.language,
        };
        if self.config.log {
            eprintln!("knik-mobile-id-sim: phone {prompt}");
        }
        self.prompts.push(prompt);
        Ok(Response::json(
            200,
            SessionStartResponse { session_id }.to_json(),
        ))
    }

    /// `GET /{authentication|signature}/session/{id}?timeoutMs=N`.
    fn status(&self, kind: SessionKind, id: &str, request: &Request) -> Answer {
        let wait = match request.query_param("timeoutMs") {
            None => self.config.default_long_poll,
            Some(value) => long_poll(value)?,
        };
        let status = self
            .sessions
            .poll(kind, id, wait)
            .ok_or_else(|| error(404, "SessionID not found"))?;
        let response = match status {
            Status::Running => SessionStatusResponse {
                state: SessionState::Running,
                result: None,
                signature: None,
                cert: None,
                time: now(),
                trace_id: trace_id(),
            },
            Status::Complete(done) => SessionStatusResponse {
                state: SessionState::Complete,
                result: Some(done.result),
                signature: done.signature,
                cert: done.cert,
                time: now(),
                trace_id: trace_id(),
            },
        };
        Ok(Response::json(200, response.to_json()))
    }

    /// Relying-party authorisation (reference §1.2): UUID exact, name case-insensitive.
    fn authorize(&self, uuid: &str, name: &str) -> Result<(), Response> {
        if self.config.relying_party.matches(uuid, name) {
            Ok(())
        } else {
            Err(error(401, "Failed to authorize user"))
        }
    }
}

/// The body of a POST to a start endpoint, after the method and content type checks.
fn post_body(request: &Request) -> Result<&[u8], Response> {
    match request.method.as_str() {
        "POST" => {}
        "OPTIONS" => return Err(Response::empty(200).with_allow(POST_ALLOWED)),
        _ => return Err(method_not_allowed(request, POST_ALLOWED)),
    }
    let content_type = request.header("content-type").unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(error(
            415,
            &format!("Content type '{content_type}' not supported; send application/json"),
        ));
    }
    Ok(&request.body)
}

fn get_only(request: &Request) -> Result<(), Response> {
    match request.method.as_str() {
        "GET" => Ok(()),
        "OPTIONS" => Err(Response::empty(200).with_allow(GET_ALLOWED)),
        _ => Err(method_not_allowed(request, GET_ALLOWED)),
    }
}

fn method_not_allowed(request: &Request, allowed: &'static str) -> Response {
    error(
        405,
        &format!("Request method '{}' not supported", request.method),
    )
    .with_allow(allowed)
}

/// `timeoutMs`: a decimal number of milliseconds, silently clamped to what the service
/// honours (reference §1.4; the client clamps to the same bounds).
fn long_poll(value: &str) -> Result<Duration, Response> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error(
            400,
            "timeoutMs must be a non-negative number of milliseconds",
        ));
    }
    // All digits: only overflow can fail, and a huge value is capped anyway.
    let ms = value
        .parse::<u64>()
        .unwrap_or(u64::MAX)
        .clamp(u64::from(MIN_TIMEOUT_MS), u64::from(MAX_TIMEOUT_MS));
    Ok(Duration::from_millis(ms))
}

/// `phoneNumber` must be `+` and 8–15 digits; `nationalIdentityNumber` 1–20 letters and digits.
fn check_person(phone: &str, identity: &str) -> Result<(), Response> {
    let digits = phone.strip_prefix('+').unwrap_or("");
    if !(MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits.len())
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(error(
            400,
            "phoneNumber must be + and 8 to 15 digits (international form)",
        ));
    }
    if identity.is_empty()
        || identity.len() > MAX_IDENTITY_LEN
        || !identity.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(error(
            400,
            "nationalIdentityNumber must be 1 to 20 letters and digits",
        ));
    }
    Ok(())
}

/// The display text as the phone shows it, or 400 when it is too long for its format
/// (reference §1.3: 100 GSM-7 characters, at most 5 from the extension table, or 50 UCS-2
/// characters). In GSM-7, characters outside the alphabet become spaces, as the real service
/// does, instead of being refused.
fn shown_display_text(request: &SessionStartRequest) -> Result<Option<String>, Response> {
    let Some(text) = &request.display_text else {
        return Ok(None);
    };
    let format = request
        .display_text_format
        .unwrap_or(DisplayTextFormat::Gsm7);
    let shown: String = match format {
        DisplayTextFormat::Gsm7 => text
            .chars()
            .map(|c| {
                let mut one = [0u8; 4];
                if DisplayText::with_format(c.encode_utf8(&mut one), format).is_ok() {
                    c
                } else {
                    ' '
                }
            })
            .collect(),
        DisplayTextFormat::Ucs2 => text.clone(),
    };
    DisplayText::with_format(&shown, format)
        .map(|checked| Some(checked.text().to_owned()))
        .map_err(|e| error(400, &format!("displayText: {e}")))
}

fn bad_request(e: knik_mobile_id::Error) -> Response {
    error(400, &e.to_string())
}

/// An error answer with the MID-REST error body.
pub(crate) fn error(status: u16, message: &str) -> Response {
    let body = ErrorResponse {
        error: message.to_owned(),
        time: now(),
        trace_id: trace_id(),
    };
    Response::json(status, body.to_json())
}

/// The current time, RFC 3339 in UTC with milliseconds, as MID-REST writes it.
fn now() -> Option<String> {
    let now = OffsetDateTime::now_utc();
    now.replace_millisecond(now.millisecond())
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// A random `traceId`: 16 hexadecimal digits (none if the system has no randomness).
fn trace_id() -> Option<String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A random (version 4) UUID in lower-case 8-4-4-4-12 form, like MID-REST's session IDs;
/// unguessable, since it is the only thing that identifies a session.
fn new_session_id() -> Result<String, String> {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).map_err(|e| format!("no randomness for a session ID: {e}"))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_are_v4_uuids_and_differ() {
        let a = new_session_id().unwrap();
        let b = new_session_id().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert!(knik_mobile_id::SessionId::new(SessionKind::Signature, &a).is_ok());
    }

    #[test]
    fn long_polls_are_clamped_and_garbage_refused() {
        assert_eq!(long_poll("0").unwrap(), Duration::from_millis(1_000));
        assert_eq!(long_poll("2500").unwrap(), Duration::from_millis(2_500));
        assert_eq!(
            long_poll("99999999999999999999999").unwrap(),
            Duration::from_secs(60)
        );
        for bad in ["", "-1", "1e3", "10 ", "0x10"] {
            assert_eq!(long_poll(bad).unwrap_err().status, 400, "{bad:?}");
        }
    }

    #[test]
    fn person_checks() {
        assert!(check_person("+37400000001", "2810770123").is_ok());
        for (phone, id) in [
            ("37400000001", "2810770123"),
            ("+374 00000001", "2810770123"),
            ("+3740", "2810770123"),
            ("+1234567890123456", "2810770123"),
            ("+37400000001", ""),
            ("+37400000001", "2810-770123"),
        ] {
            assert_eq!(
                check_person(phone, id).unwrap_err().status,
                400,
                "{phone} {id}"
            );
        }
    }
}
