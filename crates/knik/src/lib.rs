//! knik: the flows people call — sign files into an ASiC-E container, verify a container,
//! extend its signatures — on top of the pure crates (`knik-asic` → `knik-xades` →
//! `knik-pki`). With the `online` feature (the default) it also talks to OCSP responders and
//! RFC 3161 time-stamp authorities over HTTP; without it the crate stays pure Rust and builds
//! for `wasm32-unknown-unknown`, where verification needs nothing from the network.
//!
//! - [`sign`]: [`sign::create_container`], [`sign::add_signature`],
//!   [`sign::extend_container`]; the signer is any [`signer::Signer`] (a card through the CLI,
//!   a [`signer::SoftwareKey`], …); the services are [`services::TimeStamping`] and
//!   [`services::Revocation`] ([`online::Services`] over HTTP).
//! - [`two_phase`]: the same signing for servers whose signer is elsewhere (a browser
//!   extension): [`two_phase::prepare`] hands out the digest and a serializable state,
//!   [`two_phase::finish`] takes the signature value and writes the container.
//! - [`verify`]: [`verify::verify_file`] / [`verify::verify`] → [`report::Report`].
//! - `mobile_id` (feature `mobile-id`, on by default): sign with mobile ID
//!   (`mobile_id::MobileIdSigner`) and log a person in (`mobile_id::authenticate`) through a
//!   MID-REST service with pinned TLS keys.
#![forbid(unsafe_code)]

mod error;
mod level;
#[cfg(feature = "mobile-id")]
pub mod mobile_id;
#[cfg(feature = "online")]
pub mod online;
pub mod report;
mod resolver;
pub mod services;
#[cfg(not(target_arch = "wasm32"))]
pub mod sign;
#[cfg(not(target_arch = "wasm32"))]
pub mod signer;
#[cfg(not(target_arch = "wasm32"))]
pub mod two_phase;
pub mod verify;

pub use error::Error;
pub use level::Level;
pub use report::{Finding, Report, Severity, Verdict};
