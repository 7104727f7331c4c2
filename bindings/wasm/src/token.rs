//! Validating a Web eID authentication token: one validation as a [`TokenValidation`] that
//! the ESM wrapper drives pass by pass, fetching OCSP answers in between (see
//! [`crate::replay`] for why and how).

use std::sync::Arc;
use std::time::Duration;

use knik_webeid::validator::{
    AuthTokenValidator, DEFAULT_OCSP_REQUEST_TIMEOUT, OcspTransportError, ValidatedUser,
};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use wasm_bindgen::prelude::*;

use crate::error::{Failure, codes};
use crate::options::{certificate_inputs, trust_store, validation_time};
use crate::replay::{AnsweredExchanges, Exchange, ReplayedNonces};

/// A path has at most a handful of certificates below its anchor, each needing one OCSP
/// exchange, so a validation needs at most this many passes; more means requests did not
/// repeat (a bug), and the validation stops with [`codes::OCSP_PASSES_EXCEEDED`].
pub const MAX_PASSES: u32 = 8;

/// How the token is to be validated.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// The site origin (`https://host[:port]`).
    pub origin: String,
    /// Trusted CA certificates (PEM or DER each).
    pub trusted_certificate_authorities: Vec<Vec<u8>>,
    /// Whether `http://localhost` origins are allowed (developer mode).
    pub allow_http_localhost: bool,
    /// Whether OCSP is checked (through the JavaScript callback).
    pub ocsp: bool,
    /// The validation time, fixed for all passes.
    pub at: OffsetDateTime,
    /// How long the JavaScript side waits for one OCSP answer (what a timeout reports).
    pub ocsp_timeout: Duration,
}

/// What one pass ends with.
#[derive(Debug)]
pub enum Pass {
    /// The verdict: who logged in, or why not.
    Done(Result<Box<ValidatedUser>, Failure>),
    /// The validator needs this exchange first; the pass's outcome was discarded.
    NeedsOcsp(Exchange),
}

/// One token validation, run in passes.
#[derive(Debug)]
pub struct Session {
    token_json: String,
    challenge_nonce: String,
    validator: AuthTokenValidator,
    exchanges: AnsweredExchanges,
    nonces: ReplayedNonces,
    passes: u32,
}

impl Session {
    /// Builds the validator for one validation: fixed clock, replayed nonces, answered
    /// exchanges. Fails with `WEBEID_VALIDATOR_CONFIG` (origin, no CA) or a certificate code.
    pub fn new(
        token_json: String,
        challenge_nonce: String,
        settings: TokenSettings,
        nonces: ReplayedNonces,
    ) -> Result<Session, Failure> {
        let trust = trust_store(
            &settings.trusted_certificate_authorities,
            "trustedCertificateAuthorities",
        )?;
        let exchanges = AnsweredExchanges::default();
        let at = settings.at;
        let mut builder = AuthTokenValidator::builder()
            .site_origin(settings.origin)
            .trusted_certificate_authorities(trust)
            .clock(Arc::new(move || at))
            .nonce_generator(nonces.clone())
            .ocsp_request_timeout(settings.ocsp_timeout);
        if settings.allow_http_localhost {
            builder = builder.allow_http_localhost_origin();
        }
        builder = if settings.ocsp {
            builder.ocsp_transport(exchanges.clone())
        } else {
            builder.without_ocsp()
        };
        Ok(Session {
            token_json,
            challenge_nonce,
            validator: builder.build()?,
            exchanges,
            nonces,
            passes: 0,
        })
    }

    /// Runs one pass. [`Pass::NeedsOcsp`] whenever an exchange was missing, whatever the
    /// validator concluded: its failure then came from the missing answer, not from the token.
    pub fn run_pass(&mut self) -> Pass {
        if self.passes >= MAX_PASSES {
            return Pass::Done(Err(Failure::new(
                codes::OCSP_PASSES_EXCEEDED,
                format!(
                    "the token validation needed more than {MAX_PASSES} passes for {} OCSP \
                     exchanges",
                    self.exchanges.answered()
                ),
            )));
        }
        self.passes += 1;
        self.nonces.start_pass();
        // Nothing may be left over from an earlier pass.
        self.exchanges.take_pending();
        let outcome = self
            .validator
            .validate(&self.token_json, &self.challenge_nonce);
        match self.exchanges.take_pending() {
            Some(exchange) => Pass::NeedsOcsp(exchange),
            None => Pass::Done(outcome.map(Box::new).map_err(Failure::from)),
        }
    }

    /// Stores the outcome of an exchange for the next pass.
    pub fn answer(&self, exchange: Exchange, answer: Result<Vec<u8>, OcspTransportError>) {
        self.exchanges.answer(exchange, answer);
    }
}

/// The person and certificate a valid token proves, as the wrapper returns them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UserView {
    identity: IdentityView,
    certificate: CertificateView,
    format: &'static str,
    signing_certificates: Vec<String>,
    ocsp_responder: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityView {
    given_name: Option<String>,
    surname: Option<String>,
    personal_number: String,
    identifier_type: Option<String>,
    country: Option<String>,
    document_kind: &'static str,
    common_name: Option<String>,
    semantics_identifier: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateView {
    pem: String,
    subject: String,
    issuer: String,
    serial_number: String,
    not_before: String,
    not_after: String,
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn user_view(user: &ValidatedUser) -> UserView {
    let identity = &user.identity;
    let certificate = &user.certificate;
    UserView {
        identity: IdentityView {
            given_name: identity.given_name.clone(),
            surname: identity.surname.clone(),
            personal_number: identity.personal_number.clone(),
            identifier_type: identity
                .identifier_type
                .as_ref()
                .map(|t| t.as_str().to_owned()),
            country: identity.country.clone(),
            document_kind: identity.document_kind.as_str(),
            common_name: identity.common_name.clone(),
            semantics_identifier: identity.semantics_identifier.clone(),
        },
        certificate: CertificateView {
            pem: certificate.to_pem(),
            subject: certificate.subject().to_rfc4514(),
            issuer: certificate.issuer().to_rfc4514(),
            serial_number: certificate.serial_number_hex(),
            not_before: rfc3339(certificate.not_before()),
            not_after: rfc3339(certificate.not_after()),
        },
        format: user.format.as_str(),
        signing_certificates: user
            .signing_certificates
            .iter()
            .map(|c| c.to_pem())
            .collect(),
        ocsp_responder: user.ocsp_responder.clone(),
    }
}

/// The user as a plain JavaScript object, with `certificate.der` as a `Uint8Array`.
fn user_to_js(user: &ValidatedUser) -> Result<JsValue, Failure> {
    let json = serde_json::to_string(&user_view(user))
        .map_err(|e| Failure::new(codes::INTERNAL, e.to_string()))?;
    let value = js_sys::JSON::parse(&json)
        .map_err(|_| Failure::new(codes::INTERNAL, "the user's JSON did not parse"))?;
    let certificate = js_sys::Reflect::get(&value, &"certificate".into())
        .map_err(|_| Failure::new(codes::INTERNAL, "no certificate in the user"))?;
    let der = js_sys::Uint8Array::from(user.certificate.as_der());
    js_sys::Reflect::set(&certificate, &"der".into(), &der)
        .map_err(|_| Failure::new(codes::INTERNAL, "cannot set certificate.der"))?;
    Ok(value)
}

/// Sets `key` on `object` (a fresh plain object: cannot fail).
fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}

/// One Web eID token validation, driven by the ESM wrapper (`validateWebEidToken`); not meant
/// to be used directly. Call [`step`](Self::step) until it returns `{ done: true, user }`; when
/// it returns `{ done: false, url, request }`, POST `request` to `url` and hand the result to
/// [`answer`](Self::answer) or [`answer_failure`](Self::answer_failure) before the next step.
#[wasm_bindgen]
#[derive(Debug)]
pub struct TokenValidation {
    session: Session,
}

#[wasm_bindgen]
impl TokenValidation {
    /// Prepares the validation of `token_json` for `challenge_nonce` (the nonce the server
    /// issued and has removed from its store). `trusted` is an array of PEM strings or
    /// `Uint8Array`s; `validation_time` a `Date`, RFC 3339 string, milliseconds, or
    /// `undefined` for now (fixed for the whole validation). Throws a `KnikError`
    /// (`WEBEID_VALIDATOR_CONFIG`, `CERT_PEM_INVALID`, `OPTIONS_INVALID`, …) for bad options.
    #[wasm_bindgen(constructor)]
    // Called only by js/common.js, positionally: a wasm-bindgen constructor takes plain values.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        token_json: String,
        challenge_nonce: String,
        origin: String,
        trusted: JsValue,
        allow_http_localhost: bool,
        ocsp: bool,
        validation_time_value: JsValue,
        ocsp_timeout_ms: u32,
    ) -> Result<TokenValidation, JsValue> {
        let build = || -> Result<TokenValidation, Failure> {
            let settings = TokenSettings {
                origin,
                trusted_certificate_authorities: certificate_inputs(
                    &trusted,
                    "trustedCertificateAuthorities",
                )?,
                allow_http_localhost,
                ocsp,
                at: validation_time(&validation_time_value)?,
                ocsp_timeout: Duration::from_millis(u64::from(ocsp_timeout_ms.max(1))),
            };
            let session =
                Session::new(token_json, challenge_nonce, settings, ReplayedNonces::new())?;
            Ok(TokenValidation { session })
        };
        build().map_err(Failure::into_js)
    }

    /// Runs one pass: `{ done: true, user }` for a valid token, `{ done: false, url, request }`
    /// when an OCSP exchange is needed first; throws a `KnikError` with the validator's code
    /// when the token is refused.
    pub fn step(&mut self) -> Result<JsValue, JsValue> {
        let object = js_sys::Object::new();
        match self.session.run_pass() {
            Pass::Done(Ok(user)) => {
                set(&object, "done", &JsValue::TRUE);
                set(
                    &object,
                    "user",
                    &user_to_js(&user).map_err(Failure::into_js)?,
                );
            }
            Pass::Done(Err(failure)) => return Err(failure.into_js()),
            Pass::NeedsOcsp(exchange) => {
                set(&object, "done", &JsValue::FALSE);
                set(&object, "url", &JsValue::from_str(&exchange.url));
                set(
                    &object,
                    "request",
                    &js_sys::Uint8Array::from(exchange.request.as_slice()),
                );
            }
        }
        Ok(object.into())
    }

    /// The body of the responder's `200` answer to `request` at `url`.
    pub fn answer(&mut self, url: String, request: Vec<u8>, response: Vec<u8>) {
        self.session.answer(Exchange { url, request }, Ok(response));
    }

    /// The exchange failed: `timed_out` for a timeout (`WEBEID_OCSP_TIMEOUT`), otherwise
    /// unreachable or a bad answer (`WEBEID_OCSP_UNAVAILABLE` with `reason`).
    #[wasm_bindgen(js_name = answerFailure)]
    pub fn answer_failure(
        &mut self,
        url: String,
        request: Vec<u8>,
        timed_out: bool,
        reason: String,
    ) {
        let error = if timed_out {
            OcspTransportError::Timeout
        } else {
            OcspTransportError::Unreachable { reason }
        };
        self.session.answer(Exchange { url, request }, Err(error));
    }

    /// The responder answered, but not with an OCSP response body (a status other than 200,
    /// a wrong content type, no bytes from the callback, a body over the size limit):
    /// `WEBEID_OCSP_UNAVAILABLE` with `reason`, as the Rust transports report it.
    #[wasm_bindgen(js_name = answerBadAnswer)]
    pub fn answer_bad_answer(&mut self, url: String, request: Vec<u8>, reason: String) {
        let error = OcspTransportError::BadAnswer { reason };
        self.session.answer(Exchange { url, request }, Err(error));
    }

    /// How long the wrapper gives one OCSP exchange, in milliseconds (the validator's default
    /// request timeout, as in Rust).
    #[wasm_bindgen(js_name = ocspTimeoutMs)]
    pub fn ocsp_timeout_ms() -> f64 {
        DEFAULT_OCSP_REQUEST_TIMEOUT.as_millis() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use knik_webeid::token::{AuthToken, TokenAlgorithm};

    const ORIGIN: &str = "https://login.example.am";
    const NONCE: &str = "qQ8w0bDzQ3Ff1H2n5yS7+0m9c8ZpT4kL6uV1xR3eA2Y=";
    const CITIZEN_OCSP: &str = "http://127.0.0.1:8881/";

    fn pki(relative: &str) -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/pki/");
        std::fs::read(format!("{path}{relative}")).expect("a test PKI file")
    }

    /// The citizen's certificate with a well-formed signature that does not verify: the
    /// validator reaches OCSP (step 6) before it looks at the signature (step 7).
    fn unsigned_citizen_token() -> String {
        let certificate = pki("holders/citizen/auth.der");
        AuthToken::create(&certificate, TokenAlgorithm::Es384, &[7u8; 96], "test").to_json()
    }

    fn session(ocsp: bool) -> Session {
        let settings = TokenSettings {
            origin: ORIGIN.to_owned(),
            trusted_certificate_authorities: vec![pki("citizen-ca.pem")],
            allow_http_localhost: false,
            ocsp,
            at: OffsetDateTime::from_unix_timestamp(1_772_366_400).expect("a time"),
            ocsp_timeout: DEFAULT_OCSP_REQUEST_TIMEOUT,
        };
        Session::new(
            unsigned_citizen_token(),
            NONCE.to_owned(),
            settings,
            ReplayedNonces::new(),
        )
        .expect("a session")
    }

    fn code(pass: Pass) -> String {
        match pass {
            Pass::Done(Err(failure)) => failure.code,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_pass_waiting_for_ocsp_is_never_a_verdict_and_repeats_its_request() {
        let mut session = session(true);
        let Pass::NeedsOcsp(first) = session.run_pass() else {
            panic!("the first pass must ask for the citizen CA's OCSP answer");
        };
        assert_eq!(first.url, CITIZEN_OCSP);
        // Unanswered, the next pass asks again with exactly the same bytes (same nonce, same
        // time), so an answer fetched for the first pass will be found.
        let Pass::NeedsOcsp(second) = session.run_pass() else {
            panic!("still waiting");
        };
        assert_eq!(second, first);
    }

    #[test]
    fn callback_failures_become_the_validators_own_codes() {
        let cases = [
            (
                Err(OcspTransportError::Unreachable {
                    reason: "connection refused".into(),
                }),
                "WEBEID_OCSP_UNAVAILABLE",
            ),
            (
                Err(OcspTransportError::BadAnswer {
                    reason: "HTTP 500".into(),
                }),
                "WEBEID_OCSP_UNAVAILABLE",
            ),
            (Err(OcspTransportError::Timeout), "WEBEID_OCSP_TIMEOUT"),
            (Ok(b"not OCSP".to_vec()), "WEBEID_OCSP_RESPONSE_MALFORMED"),
        ];
        for (answer, expected) in cases {
            // Each validation draws its own OCSP nonce, so each answers its own request.
            let mut session = session(true);
            let Pass::NeedsOcsp(exchange) = session.run_pass() else {
                panic!("needs OCSP");
            };
            session.answer(exchange, answer);
            assert_eq!(code(session.run_pass()), expected);
        }
    }

    #[test]
    fn without_ocsp_the_first_pass_is_the_verdict() {
        assert_eq!(code(session(false).run_pass()), "WEBEID_SIGNATURE_INVALID");
    }

    #[test]
    fn passes_are_bounded() {
        let mut session = session(true);
        for _ in 0..MAX_PASSES {
            assert!(matches!(session.run_pass(), Pass::NeedsOcsp(_)));
        }
        assert_eq!(code(session.run_pass()), codes::OCSP_PASSES_EXCEEDED);
    }

    #[test]
    fn bad_settings_keep_the_validators_codes() {
        let settings = |origin: &str, trusted: Vec<Vec<u8>>| TokenSettings {
            origin: origin.to_owned(),
            trusted_certificate_authorities: trusted,
            allow_http_localhost: false,
            ocsp: false,
            at: OffsetDateTime::UNIX_EPOCH,
            ocsp_timeout: DEFAULT_OCSP_REQUEST_TIMEOUT,
        };
        let fail = |s| {
            Session::new(String::new(), NONCE.into(), s, ReplayedNonces::new())
                .expect_err("refused")
                .code
        };
        assert_eq!(
            fail(settings(
                "http://login.example.am",
                vec![pki("citizen-ca.pem")]
            )),
            "WEBEID_VALIDATOR_CONFIG"
        );
        assert_eq!(
            fail(settings(ORIGIN, Vec::new())),
            "WEBEID_VALIDATOR_CONFIG"
        );
        assert_eq!(
            fail(settings(ORIGIN, vec![b"junk".to_vec()])),
            "DER_MALFORMED"
        );
    }
}
