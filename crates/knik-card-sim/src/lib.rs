//! The virtual eID card of knik.
//!
//! A faithful card-side implementation of the `am-eid` and `ee-idemia` profiles of
//! `knik-card` (docs/cards.md): a file system with the certificates and the personal-data file,
//! PIN1 / PIN2 / PUK with retry counters, a security state per application, MSE:SET, INTERNAL
//! AUTHENTICATE and PSO: COMPUTE DIGITAL SIGNATURE with real keys of the test PKI, and the
//! status words a real card answers. It is personalised by `test-vectors/cards/*.toml`
//! ([`CardImage`]) and reached
//! - in process, as a [`knik_card::transport::CardTransport`] ([`SimTransport`]);
//! - through pcscd, as a vsmartcard-vpcd card ([`run_vpcd`], [`SimHandle`], and the
//!   `knik-card-sim` binary), so that the `pcsc` crate and OpenSC see a real reader.
//!
//! Both can misbehave on demand ([`Faults`]): slow answers, a card pulled out before it
//! answers, wrong status words, truncated responses.

pub mod apdu;
pub mod card;
pub mod error;
pub mod faults;
pub mod handle;
pub mod image;
pub mod key;
pub mod serve;
pub mod status;
pub mod trace;
pub mod transport;
pub mod vpcd;

pub use card::VirtualCard;
pub use error::{Result, SimError};
pub use faults::{FaultAction, Faults};
pub use handle::SimHandle;
pub use image::CardImage;
pub use serve::SharedCard;
pub use trace::ApduLog;
pub use transport::SimTransport;
pub use vpcd::{VPCD_PORT, VpcdEnd, run_vpcd};
