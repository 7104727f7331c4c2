//! PINs come from the app through [`PinEntry`], one request at a time, with everything a PIN
//! dialog shows (whose card, which PIN, why, tries left, lengths). The answer is turned into a
//! zeroizing [`knik_card::pin::Pin`] at once and the string the binding handed over is wiped;
//! no PIN is kept between operations, logged, or put in an error.

use std::sync::Arc;

use knik_card::pin::Pin;
use knik_card::pin_source::PinRequest as CardPinRequest;

use crate::error::KnikError;

/// Which secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PinKind {
    /// PIN1: authentication (log in).
    Pin1,
    /// PIN2: qualified signatures.
    Pin2,
    /// PUK: unblocks PIN1 and PIN2.
    Puk,
}

impl From<PinKind> for knik_card::pin::PinKind {
    fn from(k: PinKind) -> Self {
        match k {
            PinKind::Pin1 => knik_card::pin::PinKind::Pin1,
            PinKind::Pin2 => knik_card::pin::PinKind::Pin2,
            PinKind::Puk => knik_card::pin::PinKind::Puk,
        }
    }
}

impl From<knik_card::pin::PinKind> for PinKind {
    fn from(k: knik_card::pin::PinKind) -> Self {
        match k {
            knik_card::pin::PinKind::Pin1 => PinKind::Pin1,
            knik_card::pin::PinKind::Pin2 => PinKind::Pin2,
            knik_card::pin::PinKind::Puk => PinKind::Puk,
        }
    }
}

/// Why a secret is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PinPurpose {
    /// PIN1 to log in.
    Authenticate,
    /// PIN2 to sign.
    Sign,
    /// Checking a PIN without using a key.
    Verify,
    /// The current PIN (or PUK) before a change.
    ChangeCurrent,
    /// The new PIN (or PUK) of a change: ask twice and compare.
    ChangeNew,
    /// The PUK, to unblock a PIN.
    Unblock,
    /// The new PIN set by an unblock: ask twice and compare.
    UnblockNew,
}

impl From<PinPurpose> for knik_card::pin_source::PinPurpose {
    fn from(p: PinPurpose) -> Self {
        use knik_card::pin_source::PinPurpose as P;
        match p {
            PinPurpose::Authenticate => P::Authenticate,
            PinPurpose::Sign => P::Sign,
            PinPurpose::Verify => P::Verify,
            PinPurpose::ChangeCurrent => P::ChangeCurrent,
            PinPurpose::ChangeNew => P::ChangeNew,
            PinPurpose::Unblock => P::Unblock,
            PinPurpose::UnblockNew => P::UnblockNew,
        }
    }
}

/// What a PIN dialog needs to show.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PinRequest {
    /// The PIN the operation is about (for `Unblock`, the PIN being unblocked).
    pub kind: PinKind,
    /// The secret to type: `kind`, or the PUK for `Unblock`.
    pub secret: PinKind,
    /// Why.
    pub purpose: PinPurpose,
    /// Whose card, e.g. "PETROSYAN ANI, citizen ID card".
    pub holder: String,
    /// Tries left for the secret, when the card tells.
    pub retries_left: Option<u8>,
    /// The card's number of tries for the secret, when known.
    pub max_tries: Option<u8>,
    /// Shortest allowed length (0 when unknown).
    pub min_length: u8,
    /// Longest allowed length (0 when unknown).
    pub max_length: u8,
    /// A ready sentence: "Enter PIN2 to sign as PETROSYAN ANI (2 tries left)".
    pub prompt: String,
}

/// The app's PIN dialog.
#[uniffi::export(with_foreign)]
pub trait PinEntry: Send + Sync {
    /// Asks the person for one secret; `None` when they cancel. Called on the thread that
    /// runs the card operation (never the UI thread: card operations block).
    fn pin(&self, request: PinRequest) -> Option<String>;
}

/// Asks `entry` for the secret `request` describes; `CARD_PIN_CANCELLED` when the person
/// cancels. The returned [`Pin`] wipes itself; the string from the binding is wiped here.
pub(crate) fn ask(
    entry: &Arc<dyn PinEntry>,
    request: &CardPinRequest<'_>,
) -> Result<Pin, KnikError> {
    let record = PinRequest {
        kind: request.kind.into(),
        secret: request.secret_kind().into(),
        purpose: purpose_of(request.purpose),
        holder: request.card_label.to_owned(),
        retries_left: request.retries_left,
        max_tries: request.max_tries,
        min_length: request.min_len,
        max_length: request.max_len,
        prompt: request.sentence(),
    };
    match entry.pin(record) {
        // Pin::new wipes the string it is given.
        Some(text) => Ok(Pin::new(text)),
        None => Err(knik_card::Error::PinEntryCancelled.into()),
    }
}

fn purpose_of(p: knik_card::pin_source::PinPurpose) -> PinPurpose {
    use knik_card::pin_source::PinPurpose as P;
    match p {
        P::Authenticate => PinPurpose::Authenticate,
        P::Sign => PinPurpose::Sign,
        P::Verify => PinPurpose::Verify,
        P::ChangeCurrent => PinPurpose::ChangeCurrent,
        P::ChangeNew => PinPurpose::ChangeNew,
        P::Unblock => PinPurpose::Unblock,
        P::UnblockNew => PinPurpose::UnblockNew,
    }
}
