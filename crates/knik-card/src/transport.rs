//! One APDU exchange with a card, whatever carries it (PC/SC, the virtual card in process, a
//! phone's NFC stack through a binding callback).
//!
//! A transport moves bytes and nothing else: `61xx` / `6Cxx` handling, chunking and tracing
//! live one layer up, in [`crate::channel`], so every backend gets them once and alike.

use std::fmt;

/// What the reader and card can do, as far as the backend knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Extended-length APDUs (Lc up to 65535, Le up to 65536) go through end to end.
    pub extended_length: bool,
    /// The reader has a PIN pad (the PIN is entered on the reader, never seen by the host).
    pub pin_pad: bool,
    /// Largest response (data + SW) the backend can receive in one exchange.
    pub max_response_len: usize,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            extended_length: false,
            pin_pad: false,
            max_response_len: 258,
        }
    }
}

/// Why an exchange failed below the APDU level.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportError {
    /// The card was removed (or reset by someone else) during the exchange.
    CardRemoved,
    /// The reader is gone (unplugged, or the PC/SC service stopped).
    ReaderUnavailable,
    /// The card did not answer in time.
    Timeout,
    /// Another application holds the card exclusively.
    SharingViolation,
    /// Anything else the backend reported, with its own words.
    Other(String),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::CardRemoved => f.write_str("the card was removed"),
            TransportError::ReaderUnavailable => f.write_str("the card reader is not available"),
            TransportError::Timeout => f.write_str("the card did not answer in time"),
            TransportError::SharingViolation => {
                f.write_str("another program is using the card exclusively")
            }
            TransportError::Other(s) => write!(f, "card communication failed: {s}"),
        }
    }
}

impl std::error::Error for TransportError {}

/// Carries command APDUs to a card and response APDUs back.
///
/// Implementations must be usable from one thread at a time; they need not be `Sync`.
pub trait CardTransport: Send {
    /// Sends one command APDU (header, Lc, data, Le as bytes) and returns the whole response
    /// APDU including SW1 SW2. No `61xx`/`6Cxx` processing here.
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;

    /// Starts exclusive access for one operation (PC/SC `SCardBeginTransaction`).
    fn begin_transaction(&mut self) -> Result<(), TransportError> {
        Ok(())
    }

    /// Ends exclusive access; `reset` asks the backend to reset the card afterwards so that no
    /// verified PIN state survives the operation.
    fn end_transaction(&mut self, reset: bool) -> Result<(), TransportError> {
        let _ = reset;
        Ok(())
    }

    /// The card's answer to reset.
    fn atr(&self) -> &[u8];

    /// What the reader and card can do.
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    /// A human name for where the card sits (the PC/SC reader name), if there is one.
    fn reader_name(&self) -> Option<&str> {
        None
    }
}

impl<T: CardTransport + ?Sized> CardTransport for Box<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(command)
    }
    fn begin_transaction(&mut self) -> Result<(), TransportError> {
        (**self).begin_transaction()
    }
    fn end_transaction(&mut self, reset: bool) -> Result<(), TransportError> {
        (**self).end_transaction(reset)
    }
    fn atr(&self) -> &[u8] {
        (**self).atr()
    }
    fn capabilities(&self) -> Capabilities {
        (**self).capabilities()
    }
    fn reader_name(&self) -> Option<&str> {
        (**self).reader_name()
    }
}
