//! knik-webeid: Web eID wire compatibility for the knik eID SDK (spec/browser.md,
//! reference/web-eid.md §1–§3).
//!
//! Pure Rust; builds for `wasm32-unknown-unknown` without default features. Modules:
//!
//! * [`native_messaging`]: frames, commands and answers between the extension and the host.
//! * [`origin`] and [`nonce`]: the checks every origin and challenge nonce passes.
//! * [`token`]: the authentication token (`web-eid:1.0` / `1.1`), the value its signature
//!   covers, and the signature check.
//! * [`challenge`]: nonce generation and the single-use [`NonceStore`](challenge::NonceStore)
//!   (in memory; Redis behind the `redis` feature).
//! * [`validator`]: the server-side [`AuthTokenValidator`](validator::AuthTokenValidator):
//!   nonce, certificate purpose and policies, chain, OCSP (through the caller's
//!   [`OcspTransport`](validator::OcspTransport)), then the signature.
//!
//! ```
//! use knik_webeid::origin::{Origin, OriginPolicy};
//! use knik_webeid::token::{TokenAlgorithm, signed_value_digest};
//!
//! let origin = Origin::parse("https://login.example.am", OriginPolicy::STRICT)?;
//! let nonce = "pZ1K0Tm5uJx0a3B8nQ2y5v6w7x8y9z0A1B2C3D4E5F4=";
//! // What the card signs with the authentication key:
//! let digest = signed_value_digest(origin.as_str(), nonce, TokenAlgorithm::Es384);
//! assert_eq!(digest.len(), 48);
//! # Ok::<(), knik_webeid::Error>(())
//! ```

pub mod algorithm;
pub mod challenge;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod native_messaging;
pub mod nonce;
pub mod origin;
pub mod token;
pub mod validator;

pub use error::Error;
