//! The native-messaging protocol between the browser extension and the native host, wire
//! compatible with Web eID (reference/web-eid.md §1, spec/browser.md "Native host").
//!
//! A host session: write a [`Handshake`], read one frame with [`FrameReader`], parse it with
//! [`Command::from_json`], do the work, write one [`Response`] with [`FrameWriter`], exit.

mod command;
mod error_code;
mod framing;
mod response;

pub use command::{AuthenticateArguments, Command, GetSigningCertificateArguments, SignArguments};
pub use error_code::ErrorCode;
pub use framing::{
    FrameReader, FrameWriter, MAX_INBOUND_FRAME, MAX_OUTBOUND_FRAME, MIN_INBOUND_FRAME,
};
pub use response::{ErrorResponse, Handshake, Response, SignResponse, SigningCertificateResponse};
