//! knik-mobile-id: mobile ID (SIM-based signing and authentication) for the knik eID SDK.
//!
//! The first provider speaks SK ID Solutions' Mobile-ID REST API (MID-REST) exactly, the de
//! facto standard of the region (spec/mobile-id.md, reference/mobile-id.md §1). This crate is
//! pure Rust and builds for `wasm32-unknown-unknown`; the HTTP client (TLS with pinned
//! certificates) and the loopback simulator build on it.
//!
//! Layers, from the wire up:
//! * [`rest`]: MID-REST paths and bodies with their exact field names and codes, parsed
//!   strictly with a size limit;
//! * [`outcome`]: each result code and HTTP status to its own [`Error`] variant, with a stable
//!   [`code`](Error::code) and a [citizen sentence](Error::citizen_message);
//! * [`MobileIdProvider`]: knik's own provider interface ([`Person`], [`SessionRequest`],
//!   [`SessionId`], [`PollResult`]), [`SessionDeadline`] for long polling and
//!   [`wait_for_result`] to drive a session to its end;
//! * [`VerificationCode`]: the 4 digits shown on screen and phone;
//! * [`check`]: the signature and certificate checks a result must pass before use;
//! * `client` (feature `client`, native only): `MidRestClient`, MID-REST over HTTPS with
//!   pinned server keys.
//!
//! ```
//! use knik_mobile_id::{HashType, Language, Person, SessionRequest, SignableHash};
//! # fn main() -> Result<(), knik_mobile_id::Error> {
//! let person = Person::parse("+374 91 234567", "2810770123")?;
//! let digest = [0x2f; 32]; // e.g. SHA-256 over XAdES SignedInfo
//! let hash = SignableHash::new(HashType::Sha256, &digest)?;
//! println!("Check that your phone shows {}", hash.verification_code());
//! let request = SessionRequest { person, hash, language: Language::Hye, display_text: None };
//! # let _ = request;
//! # Ok(())
//! # }
//! ```

mod codes;
mod deadline;
mod display_text;
mod error;
mod hash;
mod message;
mod person;
mod provider;
mod session;
mod verification_code;

pub mod check;
#[cfg(all(feature = "client", not(target_arch = "wasm32")))]
pub mod client;
#[doc(hidden)]
pub mod fuzzing;
pub mod outcome;
pub mod rest;

pub use check::{AuthenticationChallenge, RandomSource};
pub use codes::{
    CertificateResult, DisplayTextFormat, HashType, Language, SessionKind, SessionResult,
    SessionState, SignatureAlgorithm,
};
pub use deadline::{MAX_TIMEOUT_MS, MIN_TIMEOUT_MS, PollPolicy, PollTimeouts, SessionDeadline};
pub use display_text::DisplayText;
pub use error::{Error, Responsibility};
pub use hash::SignableHash;
pub use message::MessageCatalog;
pub use person::{NationalIdentityNumber, Person, PhoneNumber};
pub use provider::{FinishedSession, MobileIdProvider, PollResult, SessionId, SessionRequest};
pub use session::{MIN_POLL_INTERVAL, SessionClock, wait_for_result};
pub use verification_code::VerificationCode;
