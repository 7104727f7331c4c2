//! The smart-card layer of knik.
//!
//! The card protocol is written against [`transport::CardTransport`] and never touches PC/SC
//! directly: the PC/SC backend (feature `pcsc`), the virtual card (`knik-card-sim`) and a
//! phone's NFC channel (through the bindings) all plug in from outside. Card profiles
//! (`profiles/*.toml`) are data: AIDs, file identifiers, key and PIN references and ATRs.
//!
//! Layers, bottom up:
//! - [`apdu`], [`status`], [`tlv`]: ISO 7816-4 commands, responses, status words, BER-TLV;
//! - [`transport`], [`channel`]: one APDU exchange, and a transaction with `61xx`/`6Cxx`
//!   handling, extended length and tracing;
//! - [`profile`], [`atr`]: the card profiles and ATR recognition;
//! - [`pin`], [`pin_source`]: zeroized PINs and where they come from;
//! - [`card`], [`personal_data`], [`cache`]: the operations a citizen's card offers;
//! - [`token`]: one interface over APDU cards and PKCS#11 tokens;
//! - [`pcsc`] (feature `pcsc`), [`pkcs11`] (feature `pkcs11`): native backends.

pub mod apdu;
pub mod atr;
pub mod cache;
pub mod card;
pub mod channel;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod personal_data;
pub mod pin;
pub mod pin_source;
pub mod profile;
pub mod status;
mod testing;
pub mod tlv;
pub mod token;
pub mod transport;

#[cfg(feature = "pcsc")]
pub mod pcsc;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;

pub use error::{Error, Result};
