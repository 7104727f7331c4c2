//! The card channel an app implements with its NFC stack, and its adapter to knik-card's
//! [`CardTransport`]: the card protocol (selects, reads, PIN verification, signing, `61xx` /
//! `6Cxx` handling) runs here in Rust; the app only moves bytes.
//!
//! - Android: `IsoDep.transceive(command)`; `extendedLength` from
//!   `IsoDep.isExtendedLengthApduSupported()`; `atr` from the historical bytes (see
//!   [`CardChannel::atr`]).
//! - iOS: `NFCISO7816Tag.sendCommand(apdu:)` with the response data and SW1 SW2 joined.

use std::sync::Arc;

use knik_card::transport::{Capabilities, CardTransport, TransportError};

/// Why the app's channel could not carry an APDU.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ChannelError {
    /// The card left the field (Android `TagLostException`, iOS "tag connection lost").
    #[error("the card left the reader's field")]
    TagLost,
    /// The card did not answer in time.
    #[error("the card did not answer in time")]
    Timeout,
    /// Anything else, in the platform's words.
    #[error("card communication failed: {reason}")]
    Failed {
        /// What the platform said.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ChannelError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ChannelError::Failed { reason: e.reason }
    }
}

/// One card, reached through the app's NFC (or any other) stack.
#[uniffi::export(with_foreign)]
pub trait CardChannel: Send + Sync {
    /// Sends one command APDU (header, Lc, data, Le) and returns the whole response including
    /// SW1 SW2. Nothing else: no `61xx` / `6Cxx` handling, no retries.
    fn transmit(&self, command: Vec<u8>) -> Result<Vec<u8>, ChannelError>;

    /// The card's ATR, used to recognise the card profile. Contactless cards have none; give
    /// the ATR a PC/SC reader would build from the historical bytes (`3B 8n 80 01` +
    /// historical bytes + check byte), or an empty list and name the profile when opening.
    fn atr(&self) -> Result<Vec<u8>, ChannelError>;

    /// Whether extended-length APDUs pass end to end (Android:
    /// `isExtendedLengthApduSupported()`; iOS: true).
    fn extended_length(&self) -> Result<bool, ChannelError>;
}

/// [`CardChannel`] as a [`CardTransport`].
pub(crate) struct ForeignTransport {
    channel: Arc<dyn CardChannel>,
    atr: Vec<u8>,
    extended_length: bool,
}

impl ForeignTransport {
    /// Asks the channel for its ATR and capabilities once.
    pub(crate) fn new(channel: Arc<dyn CardChannel>) -> Result<ForeignTransport, TransportError> {
        let atr = channel.atr().map_err(transport_error)?;
        let extended_length = channel.extended_length().map_err(transport_error)?;
        Ok(ForeignTransport {
            channel,
            atr,
            extended_length,
        })
    }
}

fn transport_error(e: ChannelError) -> TransportError {
    match e {
        ChannelError::TagLost => TransportError::CardRemoved,
        ChannelError::Timeout => TransportError::Timeout,
        ChannelError::Failed { reason } => TransportError::Other(reason),
    }
}

impl CardTransport for ForeignTransport {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        match self.channel.transmit(command.to_vec()) {
            Ok(response) if response.len() >= 2 => Ok(response),
            Ok(response) => Err(TransportError::Other(format!(
                "the channel returned {} byte(s), fewer than a status word",
                response.len()
            ))),
            Err(e) => Err(transport_error(e)),
        }
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            extended_length: self.extended_length,
            pin_pad: false,
            max_response_len: if self.extended_length { 65_538 } else { 258 },
        }
    }

    fn reader_name(&self) -> Option<&str> {
        Some("app channel")
    }
}
