//! knik for mobile apps, through uniffi: the same Rust core that the CLI and the browser host
//! use, seen from Kotlin (Android), Swift (iOS) and Python (tests) as one namespace, `knik`.
//!
//! - Cards: the app implements [`channel::CardChannel`] with its NFC stack (Android `IsoDep`,
//!   iOS `NFCISO7816Tag`) and [`pins::PinEntry`] with its PIN dialog; [`card::CardSession`]
//!   runs the card protocol in Rust over that channel: holder, certificates, PIN status and
//!   changes, digests signed with PIN2, Web eID authentication tokens with PIN1.
//! - Containers: [`container::open_container`], [`container::read_data_file`],
//!   [`container::extract_container`], [`container::verify_container`] (a typed
//!   [`report::VerificationReport`] with the stable finding codes of docs/verification.md).
//! - Signing: [`signing::sign_with_card`], [`signing::add_signature_with_card`], two phases
//!   ([`signing::prepare_signature`] → the signer → [`signing::finish_signature`]),
//!   [`signing::extend_container`].
//! - Mobile ID: [`mobile_id::MobileIdService`] logs a person in and signs, showing the
//!   verification code through [`mobile_id::MobileIdListener`].
//!
//! Errors arrive as [`error::KnikError`], whose variants say what to do next and whose `code`
//! is the stable code of the Rust crates. Every call that talks to a card, a phone or a
//! service blocks: call it from a worker thread.

uniffi::setup_scaffolding!("knik");

pub mod card;
pub mod channel;
pub mod container;
pub mod error;
pub mod identity;
pub mod mobile_id;
pub mod pins;
pub mod report;
pub mod signing;

pub use error::KnikError;

/// The version of this library.
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
