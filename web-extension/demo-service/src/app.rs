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

use knik_pki::{Identity, TrustStore};
use knik_webeid::challenge::{MemoryNonceStore, NonceGenerator, OsNonceGenerator};
use knik_webeid::validator::{AuthTokenValidator, ValidatedUser};
use serde_json::{Value, json};

use crate::http::{Request, Response};
use crate::ocsp::HttpOcspTransport;

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

/// The e-service: a validator, the nonce store, and a random source for session ids.
pub struct App {
    validator: AuthTokenValidator,
    nonces: MemoryNonceStore,
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
        })
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
            (_, "/" | "/app.js" | "/web-eid.js" | "/api/challenge" | "/api/login") => {
                Response::error(405, "DEMO_METHOD_NOT_ALLOWED", "method not allowed")
            }
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
            Ok(s) => response.with_header("Set-Cookie", session_cookie(&s)),
            Err(e) => Response::error(500, e.code(), &e.to_string()),
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
fn display_name(identity: &Identity) -> String {
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
