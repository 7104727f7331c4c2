//! knik-demo-service: a small e-service that logs citizens in with an ID card through knik's
//! browser extension — the server half of Web eID authentication (spec/browser.md
//! "Authentication token") in a few hundred lines of std Rust.
//!
//! The browser gets a login page that loads knik's page library; the page asks
//! `POST /api/challenge` for a nonce (bound to an HttpOnly session cookie), has the extension
//! and the native host sign it with the card, and posts the token to `POST /api/login`, which
//! validates it with [`knik_webeid::validator::AuthTokenValidator`] (trust, OCSP, origin,
//! single-use nonce) and answers with the person's identity. See [`app`] for the routes.
//!
//! After login the page can sign a small document into an ASiC-E container at B-LT with the
//! card ([`signing`]): the service prepares the signature, the card signs its digest, the
//! service finishes it with a time-stamp and OCSP and offers the container for download.
//!
//! For demos and the browser end-to-end tests (`web-extension/e2e`); not a web framework.

pub mod app;
pub mod http;
pub mod ocsp;
pub mod server;
pub mod signing;

pub use app::{App, AppConfig};
pub use signing::SigningConfig;
