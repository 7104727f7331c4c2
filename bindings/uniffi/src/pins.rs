//! PINs come from the app through [`PinEntry`], one request at a time, with everything a PIN
//! dialog shows (whose card, which PIN, why, tries left, lengths). The answer is turned into a
//! zeroizing [`knik_card::pin::Pin`] at once and the string the binding handed over is wiped;
//! no PIN is kept between operations, logged, or put in an error.

use std::sync::Arc;

use knik_card::pin::Pin;
use knik_card::pin_source::PinRequest as CardPinRequest;

use crate::error::{CallbackError, KnikError};

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
    /// Whose card, e.g. "PETROSYAN ANI, citizen ID card" (for a Web eID login followed by
    /// where it goes: "…, at e-service.am").
    pub holder: String,
    /// The site the PIN is for (`host[:port]`), when a Web eID token is made: show it, so the
    /// person sees where their login goes.
    pub site: Option<String>,
    /// Tries left for the secret, when the card tells (none for a new PIN).
    pub retries_left: Option<u32>,
    /// The card's number of tries for the secret, when known.
    pub max_tries: Option<u32>,
    /// Shortest allowed length (0 when unknown).
    pub min_length: u32,
    /// Longest allowed length (0 when unknown).
    pub max_length: u32,
    /// A ready sentence: "Enter PIN2 to sign as PETROSYAN ANI, citizen ID card (2 tries left)".
    pub prompt: String,
}

/// The app's PIN dialog.
///
/// Called on the thread that runs the card operation, while the operation waits (and holds the
/// card session): show the dialog on the UI thread and block until it is answered, and do not
/// call back into the same `CardSession` from here. An app that must collect the PIN before
/// the card is in the field (iOS shows its NFC sheet modally) can answer from the PIN it
/// already holds.
#[uniffi::export(with_foreign)]
pub trait PinEntry: Send + Sync {
    /// Asks the person for one secret; `None` when they cancel. An error (the dialog could not
    /// be shown) ends the operation with `CARD_PIN_SOURCE_UNAVAILABLE`.
    fn pin(&self, request: PinRequest) -> Result<Option<String>, CallbackError>;
}

/// Asks `entry` for the secret `request` describes (`site`: where a Web eID login goes);
/// `CARD_PIN_CANCELLED` when the person cancels. The returned [`Pin`] wipes itself; the string
/// handed over by the binding is wiped here.
pub(crate) fn ask(
    entry: &Arc<dyn PinEntry>,
    request: &CardPinRequest<'_>,
    site: Option<&str>,
) -> Result<Pin, KnikError> {
    let record = PinRequest {
        kind: request.kind.into(),
        secret: request.secret_kind().into(),
        purpose: purpose_of(request.purpose),
        holder: request.card_label.to_owned(),
        site: site.map(str::to_owned),
        retries_left: request.retries_left.map(u32::from),
        max_tries: request.max_tries.map(u32::from),
        min_length: u32::from(request.min_len),
        max_length: u32::from(request.max_len),
        prompt: request.sentence(),
    };
    match entry.pin(record) {
        // Pin::new wipes the string it is given.
        Ok(Some(text)) => Ok(Pin::new(text)),
        Ok(None) => Err(knik_card::Error::PinEntryCancelled.into()),
        Err(CallbackError::Failed { reason }) => Err(knik_card::Error::PinSourceUnavailable {
            kind: request.secret_kind(),
            reason,
        }
        .into()),
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
