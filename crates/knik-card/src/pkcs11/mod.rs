//! PKCS#11 backend (feature `pkcs11`): the Armenian citizen ID cards of 2012–2023 (profile
//! `am-legacy`), reached through the issuer's CryptoCard Suite module or OpenSC, since their
//! applet is not public (docs/cards.md).
//!
//! Use:
//! 1. [`Pkcs11Module::locate`] finds the module (configured path, `KNIK_PKCS11_MODULE`, the
//!    usual install directories);
//! 2. [`Pkcs11Provider::load`] loads and initialises it (once per process);
//! 3. [`Pkcs11Provider::tokens`] lists the slots with a token, [`Pkcs11Provider::open`] opens
//!    one as a [`Pkcs11Token`], which implements [`crate::token::Token`].
//!
//! Tested against SoftHSM2 (`tests/pkcs11_softhsm.rs`); the issuer's module and real cards
//! could not be exercised here.

mod ckr;
mod classify;
mod module;
mod provider;
mod token;

pub use module::{ModuleSource, Pkcs11Module};
pub use provider::{Pkcs11Provider, Pkcs11Slot, TokenFlags};
pub use token::{Pkcs11Token, RsaPadding};
