//! The e-service's routes: the login page, the challenge and the login, following the procedure
//! of `knik_webeid::validator` (issue a nonce bound to the session cookie, take it back once at
//! login, validate, rotate the session).
//!
//! | route | answer |
//! |---|---|
//! | `GET /` | the login page |
//! | `GET /app.js` | the login page's script |
//! | `GET /web-eid.js` | knik's page library (`web-extension/page-library/index.js`) |
//! | `POST /api/challenge` | `{"nonce"}`; sets the session cookie if the browser has none |
//! | `POST /api/login` with `{"authToken": {…}}` | `200 {"name", "personalNumber", "identity", …}` and a new session cookie; `401 {"code", "message"}` with knik-webeid's code (`WEBEID_NONCE_NOT_FOUND` for a replayed token) |
//! | `POST /api/sign/prepare` with `{"certificate", "fileName", "content"}` | logged in, signing on ([`App::with_signing`]): `{"hash", "hashFunction"}` to give the card; `401 DEMO_NOT_LOGGED_IN`, `403 DEMO_NOT_YOUR_CERTIFICATE`, `422` with knik's code |
//! | `POST /api/sign/finish` with `{"signature"}` | `{"level", "signer", "subject", "download"}`: the container made at B-LT; `400 SIGNATURE_VALUE_MISMATCH`, `409 DEMO_NOTHING_TO_SIGN` |
//! | `GET /api/sign/container` | the container (`application/vnd.etsi.asic-e+zip`, as an attachment) |

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use knik_pki::{Identity, TrustStore};
use knik_webeid::challenge::{MemoryNonceStore, NonceGenerator, OsNonceGenerator};
use knik_webeid::validator::{AuthTokenValidator, ValidatedUser};
use serde_json::{Value, json};

use crate::http::{Request, Response};
use crate::ocsp::HttpOcspTransport;
use crate::signing::{SigningConfig, SigningSession};

/// The session cookie: random, HttpOnly, so the page's scripts never see it.
pub const SESSION_COOKIE: &str = "knik_demo_session";

const PAGE: &str = include_str!("page.html");
const PAGE_SCRIPT: &str = include_str!("app.js");
const PAGE_LIBRARY: &str = include_str!("../../page-library/index.js");

/// What the e-service is configured with.
#[derive(Debug)]
pub struct AppConfig {
    /// The site origin tokens must be signed for: exactly what the browser shows the extension,
    /// e.g. `http://localhost:8080`.
    pub origin: String,
    /// The CAs that issue authentication certificates (and their root).
    pub trust: TrustStore,
    /// Check revocation with OCSP at the responders the certificates name.
    pub ocsp: bool,
}

/// The e-service: a validator, the nonce store, the logged-in sessions and, when configured,
/// signing.
pub struct App {
    validator: AuthTokenValidator,
    nonces: MemoryNonceStore,
    logged_in: Mutex<HashMap<String, LoggedIn>>,
    signing: Option<SigningConfig>,
}

/// A session after login: whose it is and what it is signing.
#[derive(Debug)]
struct LoggedIn {
    personal_number: String,
    signing: SigningSession,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("validator", &self.validator)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Builds the validator: `http://localhost` origins put it in developer mode.
    pub fn new(config: AppConfig) -> Result<App, knik_webeid::Error> {
        let developer = config.origin.starts_with("http://");
        let mut builder = AuthTokenValidator::builder()
            .site_origin(config.origin)
            .trusted_certificate_authorities(config.trust);
        if developer {
            builder = builder.allow_http_localhost_origin();
        }
        builder = if config.ocsp {
            builder.ocsp_transport(HttpOcspTransport)
        } else {
            builder.without_ocsp()
        };
        Ok(App {
            validator: builder.build()?,
            nonces: MemoryNonceStore::new(),
            logged_in: Mutex::new(HashMap::new()),
            signing: None,
        })
    }

    /// Turns on signing (`/api/sign/…`) for logged-in sessions.
    pub fn with_signing(mut self, signing: SigningConfig) -> App {
        self.signing = Some(signing);
        self
    }

    /// The origin tokens are checked against.
    pub fn origin(&self) -> &str {
        self.validator.site_origin()
    }

    /// Answers one request.
    pub fn handle(&self, request: &Request) -> Response {
        match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/") => Response::new(200, "text/html; charset=utf-8", PAGE).with_header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; connect-src 'self'; \
                     style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            ("GET", "/app.js") => Response::new(200, "text/javascript; charset=utf-8", PAGE_SCRIPT),
            ("GET", "/web-eid.js") => {
                Response::new(200, "text/javascript; charset=utf-8", PAGE_LIBRARY)
            }
            ("POST", "/api/challenge") => self.challenge(request),
            ("POST", "/api/login") => self.login(request),
            ("POST", "/api/sign/prepare") => self.with_session(request, |signing, user, _| {
                signing.prepare(&request.body, &user.personal_number, &mut user.signing)
            }),
            ("POST", "/api/sign/finish") => self.with_session(request, |signing, user, id| {
                signing.finish(&request.body, id, &mut user.signing)
            }),
            ("GET", "/api/sign/container") => {
                self.with_session(request, |signing, user, _| signing.container(&user.signing))
            }
            (
                _,
                "/"
                | "/app.js"
                | "/web-eid.js"
                | "/api/challenge"
                | "/api/login"
                | "/api/sign/prepare"
                | "/api/sign/finish"
                | "/api/sign/container",
            ) => Response::error(405, "DEMO_METHOD_NOT_ALLOWED", "method not allowed"),
            _ => Response::error(404, "DEMO_NOT_FOUND", "no such page"),
        }
    }

    /// A fresh nonce for the browser's session (a new session if it has none).
    fn challenge(&self, request: &Request) -> Response {
        let (session, is_new) = match request.cookie(SESSION_COOKIE).filter(|s| is_session_id(s)) {
            Some(s) => (s.to_owned(), false),
            None => match new_session_id() {
                Ok(s) => (s, true),
                Err(e) => return Response::error(500, e.code(), &e.to_string()),
            },
        };
        let nonce = match self.validator.issue_challenge(&self.nonces, &session) {
            Ok(n) => n,
            Err(e) => return Response::error(500, e.code(), &e.to_string()),
        };
        let response = Response::json(200, &json!({"nonce": nonce.value}));
        if is_new {
            response.with_header("Set-Cookie", session_cookie(&session))
        } else {
            response
        }
    }

    /// Validates `{"authToken": …}` against the session's nonce (taken out of the store
    /// whatever happens next).
    fn login(&self, request: &Request) -> Response {
        let token = match serde_json::from_slice::<Value>(&request.body) {
            Ok(Value::Object(mut body)) => match body.remove("authToken") {
                Some(token @ Value::Object(_)) => token.to_string(),
                _ => {
                    return Response::error(
                        400,
                        "DEMO_BAD_REQUEST",
                        "the body must be {\"authToken\": {…}}",
                    );
                }
            },
            _ => return Response::error(400, "DEMO_BAD_REQUEST", "the body is not a JSON object"),
        };
        let session = request
            .cookie(SESSION_COOKIE)
            .filter(|s| is_session_id(s))
            .unwrap_or_default();
        let user = match self
            .validator
            .validate_with_store(&token, &self.nonces, session)
        {
            Ok(user) => user,
            Err(e) => {
                eprintln!("knik-demo-service: login refused: {}: {e}", e.code());
                return Response::error(401, e.code(), &e.to_string());
            }
        };
        eprintln!(
            "knik-demo-service: logged in {} ({})",
            user.identity.personal_number,
            user.identity.document_kind.as_str()
        );
        // A new session id after login (no session fixation); a real service binds its login
        // session to it.
        let response = Response::json(200, &user_json(&user));
        match new_session_id() {
            Ok(s) => {
                self.sessions().insert(
                    s.clone(),
                    LoggedIn {
                        personal_number: user.identity.personal_number.clone(),
                        signing: SigningSession::default(),
                    },
                );
                response.with_header("Set-Cookie", session_cookie(&s))
            }
            Err(e) => Response::error(500, e.code(), &e.to_string()),
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, LoggedIn>> {
        self.logged_in
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `route` for the logged-in session of `request` (the session is locked meanwhile:
    /// a demo serves one person at a time per session).
    fn with_session(
        &self,
        request: &Request,
        route: impl FnOnce(&SigningConfig, &mut LoggedIn, &str) -> Response,
    ) -> Response {
        let Some(signing) = &self.signing else {
            return Response::error(404, "DEMO_SIGNING_OFF", "signing is not configured");
        };
        let id = request
            .cookie(SESSION_COOKIE)
            .filter(|s| is_session_id(s))
            .unwrap_or_default();
        let mut sessions = self.sessions();
        match sessions.get_mut(id) {
            Some(user) => route(signing, user, id),
            None => Response::error(401, "DEMO_NOT_LOGGED_IN", "log in first"),
        }
    }
}

/// What the page shows about the person who logged in.
fn user_json(user: &ValidatedUser) -> Value {
    let identity = &user.identity;
    json!({
        "name": display_name(identity),
        "personalNumber": identity.personal_number,
        "documentKind": identity.document_kind.as_str(),
        "tokenFormat": user.format.as_str(),
        "ocspResponder": user.ocsp_responder,
        "identity": identity,
    })
}

/// "SURNAME GIVEN-NAME", as the card's certificate writes the person.
pub(crate) fn display_name(identity: &Identity) -> String {
    match (&identity.surname, &identity.given_name) {
        (Some(s), Some(g)) => format!("{s} {g}"),
        (Some(n), None) | (None, Some(n)) => n.clone(),
        (None, None) => identity.common_name.clone().unwrap_or_default(),
    }
}

/// 32 random bytes, hex.
fn new_session_id() -> Result<String, knik_webeid::Error> {
    let mut bytes = [0u8; 32];
    OsNonceGenerator.fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

fn is_session_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn session_cookie(session: &str) -> String {
    format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict")
}
