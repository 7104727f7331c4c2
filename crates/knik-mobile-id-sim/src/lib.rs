//! knik-mobile-id-sim: a loopback mobile ID service speaking MID-REST over real TLS
//! (spec/mobile-id.md: "The simulator is a real HTTP service speaking the same API on
//! loopback"; reference/mobile-id.md §1).
//!
//! # What it serves
//!
//! Base URL `https://127.0.0.1:PORT/mid-api` ([`SimHandle::url`]), TLS 1.2/1.3 with
//! `test-vectors/mobile-id/sim-tls.pem` (CN `localhost`, SAN `127.0.0.1`); clients trust that
//! certificate ([`SimHandle::tls_certificate_pem`]) and pin `sim-tls.pin`
//! ([`SimHandle::tls_pin`]).
//!
//! | request | answer |
//! |---|---|
//! | `POST /certificate` | `{"result":"OK","cert":…}` or `{"result":"NOT_FOUND"}` |
//! | `POST /authentication`, `POST /signature` | `{"sessionID":"<uuid>"}` |
//! | `GET /authentication/session/{id}?timeoutMs=N` | `{"state":"RUNNING"}` or `{"state":"COMPLETE","result":…,"signature":{…},"cert":…}` |
//! | `GET /signature/session/{id}?timeoutMs=N` | the same, never with `cert` |
//! | `GET /version` | `Version: …` (plain text) |
//!
//! Errors, each with the body `{"error":…,"time":…,"traceId":…}`:
//! * 400: malformed HTTP or JSON, a missing or invalid parameter — `hash` not base64 or not the
//!   length of `hashType`, unknown `hashType`, `language` or `displayTextFormat`,
//!   `displayText` too long for its format, `phoneNumber` not `+` and 8–15 digits,
//!   `nationalIdentityNumber` not 1–20 letters and digits, `timeoutMs` not a number;
//! * 401 `"Failed to authorize user"`: relying party other than [`RELYING_PARTY_NAME`]
//!   (case-insensitive) with [`RELYING_PARTY_UUID`] (exact);
//! * 404 `"SessionID not found"`: unknown or expired session (also a session of the other
//!   kind); 404 `"Not found"` for paths outside the API;
//! * 405 with `Allow`: wrong method (start endpoints take `POST`/`OPTIONS`, status and version
//!   `GET`/`OPTIONS`);
//! * 413: body above 64 KiB; 415: a POST whose `Content-Type` is not `application/json`;
//!   431: request head above 16 KiB.
//!
//! Checks run in this order: method, content type, parameters, relying party.
//!
//! # Outcomes
//!
//! The phone number decides ([`Scenario`]; test-vectors/mobile-id/README.md); the national
//! identity number must be [`NATIONAL_IDENTITY_NUMBER`], otherwise the person is unknown
//! (`NOT_FOUND` / `NOT_MID_CLIENT`). OK results are ECDSA P-256 signatures over the hash as
//! sent, raw `r ‖ s`, algorithm `SHA256WithECEncryption` (`SHA384…`/`SHA512…` after
//! `hashType`; a longer hash is truncated to 256 bits as ECDSA prescribes). Authentication
//! signs with `holders/mobile/auth.key` and returns `auth.pem` as `cert`; signing signs with
//! `sign.key` and returns no certificate (`/certificate` gives `sign.pem`).
//!
//! # Long polling and expiry
//!
//! `timeoutMs` is clamped to 1 000–60 000 ms ([`knik_mobile_id::MIN_TIMEOUT_MS`],
//! [`knik_mobile_id::MAX_TIMEOUT_MS`]) and defaults to [`SimConfig::default_long_poll`]
//! (10 s). A status request is held until the person answers or the wait is over, then
//! answered `RUNNING`; a second, overlapping request for the same session makes the earlier
//! one answer `RUNNING` at once. A session is forgotten [`SimConfig::session_expiry`] (5 min)
//! after its last request. Shorten the timings in the config for tests.
//!
//! # In tests
//!
//! ```
//! use knik_mobile_id_sim::{Scenario, SimConfig, Simulator, NATIONAL_IDENTITY_NUMBER};
//!
//! let sim = Simulator::start(SimConfig::default()).expect("simulator starts");
//! let base = sim.url(); // https://127.0.0.1:PORT/mid-api
//! assert!(base.starts_with("https://127.0.0.1:") && base.ends_with("/mid-api"));
//! // Point a MID-REST client at `base`, trust `sim.tls_certificate_pem()`, pin
//! // `sim.tls_pin()`, and ask for `Scenario::Ok.phone_number()` with
//! // `NATIONAL_IDENTITY_NUMBER`; afterwards `sim.prompts()` shows what the phone displayed.
//! # let _ = (Scenario::Ok.phone_number(), NATIONAL_IDENTITY_NUMBER);
//! sim.shutdown(); // or drop it
//! ```
//!
//! The binary `knik-mobile-id-sim` serves the same on `127.0.0.1:8890` ([`DEFAULT_PORT`]);
//! `scripts/services.sh up` starts it with the other loopback services.

mod api;
mod config;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod holder;
mod http;
mod prompt;
mod scenario;
mod server;
mod sessions;
mod tls;

pub use api::BASE_PATH;
pub use config::{
    DEFAULT_PORT, RELYING_PARTY_NAME, RELYING_PARTY_UUID, SimConfig, default_pki_dir,
    default_relying_party, default_tls_cert, default_tls_key, default_tls_pin_file,
    test_vectors_dir,
};
pub use error::SimError;
pub use prompt::PhonePrompt;
pub use scenario::{NATIONAL_IDENTITY_NUMBER, Scenario};
pub use server::{SimHandle, Simulator};
