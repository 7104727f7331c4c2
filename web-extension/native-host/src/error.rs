//! Every way a command can fail, with the `ERR_WEBEID_…` code the extension receives and a
//! sentence the citizen can act on (spec/browser.md "Errors", design/style.md "Ours").
//!
//! Web eID's own host sends only `ERR_WEBEID_USER_CANCELLED` and `ERR_WEBEID_NATIVE_FATAL`
//! (reference/web-eid.md §1.5). This host keeps Web eID's codes where they fit —
//! `ERR_WEBEID_NATIVE_INVALID_ARGUMENT` for whatever the browser sent wrong, which web-eid.js
//! knows — and uses knik's finer codes where Web eID would say only NATIVE_FATAL: no reader,
//! no supported card, PIN blocked, wrong certificate, card removed.
//!
//! The page receives the code and a fixed sentence per variant ([`HostError::message`]),
//! never a local detail: no configuration path or content, no dialog program path, no reader
//! name, no ATR, no panic text. Those stay in `Display`, which only the log shows. Request
//! errors are the exception: they describe what the page itself sent.

use knik_card::Error as CardError;
use knik_card::transport::TransportError;
use knik_webeid::algorithm::HashFunction;
use knik_webeid::native_messaging::{ErrorCode, ErrorResponse};

/// A failed command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// What the browser sent is not a valid command (frame, JSON, arguments, origin, nonce).
    #[error("{0}")]
    Request(knik_webeid::Error),
    /// The card, the reader, the PC/SC service or the PIN dialog failed.
    #[error("{0}")]
    Card(CardError),
    /// A certificate read from the card does not parse.
    #[error("the certificate on the card cannot be read: {0}")]
    Certificate(knik_pki::Error),
    /// No card in the readers holds the signing certificate the `sign` command named.
    #[error(
        "the ID card in the reader is not the one whose certificate the page sent \
         ({cards_checked} card(s) checked)"
    )]
    WrongCertificate {
        /// How many supported cards were looked at.
        cards_checked: usize,
    },
    /// The card was swapped between reading its certificate and using its key.
    #[error("the ID card was changed during the operation")]
    CardChanged,
    /// The page asked for a digest the card does not sign.
    #[error("the card cannot sign {hash} digests; it signs {supported}")]
    UnsupportedHash {
        /// The hash function asked for.
        hash: HashFunction,
        /// What the card does sign, as a list.
        supported: String,
    },
    /// The card's key cannot make a Web eID signature (an unsupported curve or key type).
    #[error("the key on the card ({key}) is not one this host can use")]
    UnsupportedKey {
        /// The key's description ("EC P-521").
        key: String,
    },
    /// The PIN typed did not follow the card's rules several times in a row.
    #[error("the {kind} entered {times} times did not have the required form ({rule})")]
    PinFormatRepeated {
        /// Which PIN.
        kind: knik_card::pin::PinKind,
        /// How many entries in a row.
        times: u32,
        /// The rule, e.g. "4 to 12 digits".
        rule: String,
    },
    /// The citizen refused to release the certificate (closed or cancelled the dialog).
    #[error("User cancelled")]
    ConsentRefused,
    /// No dialog could be shown to ask for consent.
    #[error("no dialog can be shown to ask for your consent: {reason}")]
    DialogUnavailable {
        /// What was tried and what failed.
        reason: String,
    },
    /// The host's configuration file is wrong.
    #[error("configuration file {path}: {reason}")]
    Configuration {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The answer would exceed the browser's 1 MiB frame limit.
    #[error("the answer of {length} bytes exceeds the 1 MiB limit of the browser")]
    AnswerTooLarge {
        /// The answer's length.
        length: usize,
    },
    /// A defect in the host (a panic caught before it could kill the process).
    #[error("internal error in the native host: {0}")]
    Internal(String),
}

impl From<CardError> for HostError {
    fn from(e: CardError) -> Self {
        HostError::Card(e)
    }
}

impl From<knik_webeid::Error> for HostError {
    fn from(e: knik_webeid::Error) -> Self {
        HostError::Request(e)
    }
}

impl HostError {
    /// The code the extension receives.
    pub fn code(&self) -> ErrorCode {
        match self {
            HostError::Request(e) => e.wire_code(),
            HostError::Card(e) => card_code(e),
            HostError::WrongCertificate { .. } => ErrorCode::NativeWrongCertificate,
            HostError::CardChanged => ErrorCode::NativeCardRemoved,
            HostError::UnsupportedHash { .. } => ErrorCode::NativeInvalidArgument,
            HostError::ConsentRefused => ErrorCode::UserCancelled,
            HostError::Certificate(_)
            | HostError::UnsupportedKey { .. }
            | HostError::PinFormatRepeated { .. }
            | HostError::DialogUnavailable { .. }
            | HostError::Configuration { .. }
            | HostError::AnswerTooLarge { .. }
            | HostError::Internal(_) => ErrorCode::NativeFatal,
        }
    }

    /// The sentence the page may show: what happened and what to do. Never a PIN, and never
    /// a detail of this computer (see the module docs); [`std::fmt::Display`] has those, for
    /// the log.
    pub fn message(&self) -> String {
        let fixed = match self {
            // What the page sent, quoted back to it: nothing local.
            HostError::Request(e) => return sentence(&e.to_string()),
            HostError::Card(e) => return card_message(e),
            HostError::WrongCertificate { .. } => {
                ErrorCode::NativeWrongCertificate.default_message()
            }
            HostError::ConsentRefused => ErrorCode::UserCancelled.default_message(),
            HostError::CardChanged => {
                "The ID card was changed during the operation. Please keep the same card in \
                 the reader."
            }
            HostError::Certificate(_) => {
                "The certificate on the ID card cannot be read. The card may be damaged; \
                 contact its issuer."
            }
            // The hash function is the page's own choice; what the card signs is public.
            HostError::UnsupportedHash { .. } => return sentence(&self.to_string()),
            HostError::UnsupportedKey { .. } => {
                "The key on the ID card is not one the knik native host can use."
            }
            HostError::PinFormatRepeated { kind, rule, .. } => {
                return format!(
                    "The {kind} entered several times did not have the required form ({rule})."
                );
            }
            HostError::DialogUnavailable { .. } => {
                "No dialog could be shown to ask for your consent. Install a pinentry program \
                 (pinentry-gnome3, pinentry-qt or pinentry-curses) and try again; the knik \
                 native host's log has the details."
            }
            HostError::Configuration { .. } => {
                "The configuration file of the knik native host is invalid. See the host's \
                 log for the details, then correct the file."
            }
            HostError::AnswerTooLarge { .. } => {
                "The answer is too large for the browser to receive."
            }
            HostError::Internal(_) => {
                "The knik native host failed unexpectedly. See its log for the details."
            }
        };
        fixed.to_owned()
    }

    /// The `{"error": …}` answer.
    pub fn response(&self) -> ErrorResponse {
        ErrorResponse {
            code: self.code(),
            message: self.message(),
        }
    }
}

fn card_code(e: &CardError) -> ErrorCode {
    match e {
        CardError::ServiceUnavailable | CardError::NoReaders | CardError::ReaderNotFound(_) => {
            ErrorCode::NativeNoReader
        }
        CardError::NoCard(_) | CardError::UnsupportedCard { .. } => {
            ErrorCode::NativeNoSupportedCard
        }
        CardError::PinBlocked { .. } => ErrorCode::NativePinBlocked,
        CardError::Transport(TransportError::CardRemoved) => ErrorCode::NativeCardRemoved,
        CardError::PinEntryCancelled => ErrorCode::UserCancelled,
        _ => ErrorCode::NativeFatal,
    }
}

fn card_message(e: &CardError) -> String {
    match e {
        CardError::ServiceUnavailable => {
            "The smart-card service (pcscd) is not running. Start it and try again.".to_owned()
        }
        CardError::NoReaders => ErrorCode::NativeNoReader.default_message().to_owned(),
        CardError::ReaderNotFound(_) => "The card reader the knik native host is configured \
                                         to use is not connected. Connect it or change the \
                                         configuration."
            .to_owned(),
        CardError::NoCard(_) => ErrorCode::NativeNoSupportedCard
            .default_message()
            .to_owned(),
        CardError::UnsupportedCard { .. } => "The card in the reader is not an ID card knik \
                                               supports. Please insert your ID card."
            .to_owned(),
        CardError::PinBlocked { kind } => format!(
            "{} is blocked. Unblock it with the PUK (knik card pin unblock {}) and try again.",
            kind.label(),
            kind.id()
        ),
        CardError::Transport(TransportError::CardRemoved) => {
            ErrorCode::NativeCardRemoved.default_message().to_owned()
        }
        // Web eID's exact text: pages compare it.
        CardError::PinEntryCancelled => ErrorCode::UserCancelled.default_message().to_owned(),
        CardError::PinSourceUnavailable { kind, .. } => format!(
            "No dialog could be shown to ask for your {kind}. Install a pinentry program \
             (pinentry-gnome3, pinentry-qt or pinentry-curses) and try again; the knik native \
             host's log has the details."
        ),
        // Messages without any local detail in them.
        CardError::WrongPin { .. }
        | CardError::WrongPinRetriesUnknown { .. }
        | CardError::PinFormat { .. }
        | CardError::SecurityStatusNotSatisfied { .. }
        | CardError::Transport(
            TransportError::Timeout
            | TransportError::SharingViolation
            | TransportError::ReaderUnavailable,
        ) => sentence(&e.to_string()),
        // The rest may quote a reader, a PC/SC or PKCS#11 module message, a file path or a
        // card's answer: the log has them.
        _ => "The ID card or the card reader failed. Try again; if it keeps failing, see the \
              knik native host's log for the details."
            .to_owned(),
    }
}

/// Capital first letter, full stop at the end.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut s = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => String::new(),
    };
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use knik_card::pin::PinKind;

    #[test]
    fn card_failures_get_knik_finer_codes() {
        let cases = [
            (CardError::ServiceUnavailable, "ERR_WEBEID_NATIVE_NO_READER"),
            (CardError::NoReaders, "ERR_WEBEID_NATIVE_NO_READER"),
            (
                CardError::NoCard("any reader".into()),
                "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD",
            ),
            (
                CardError::UnsupportedCard { atr: "3B00".into() },
                "ERR_WEBEID_NATIVE_NO_SUPPORTED_CARD",
            ),
            (
                CardError::PinBlocked {
                    kind: PinKind::Pin2,
                },
                "ERR_WEBEID_NATIVE_PIN_BLOCKED",
            ),
            (
                CardError::Transport(TransportError::CardRemoved),
                "ERR_WEBEID_NATIVE_CARD_REMOVED",
            ),
            (CardError::PinEntryCancelled, "ERR_WEBEID_USER_CANCELLED"),
            (
                CardError::Transport(TransportError::Timeout),
                "ERR_WEBEID_NATIVE_FATAL",
            ),
        ];
        for (error, code) in cases {
            assert_eq!(
                HostError::Card(error.clone()).code().code(),
                code,
                "{error:?}"
            );
        }
        assert_eq!(
            HostError::WrongCertificate { cards_checked: 2 }.code(),
            ErrorCode::NativeWrongCertificate
        );
    }

    #[test]
    fn messages_are_sentences_and_cancel_keeps_web_eid_text() {
        assert_eq!(
            HostError::Card(CardError::PinEntryCancelled).message(),
            "User cancelled"
        );
        assert_eq!(
            HostError::Card(CardError::PinBlocked {
                kind: PinKind::Pin1
            })
            .message(),
            "PIN1 is blocked. Unblock it with the PUK (knik card pin unblock pin1) and try again."
        );
        let m = HostError::Card(CardError::Transport(TransportError::Timeout)).message();
        assert_eq!(m, "The card did not answer in time.");
        assert_eq!(sentence("done!"), "Done!");
    }

    #[test]
    fn answers_never_carry_local_details_but_the_log_text_does() {
        let leaky = [
            (
                HostError::Configuration {
                    path: "/home/anna/.config/knik/native-host.toml".into(),
                    reason: "invalid type at line 1: reader = 7".into(),
                },
                vec!["/home/anna", "native-host.toml", "reader = 7"],
            ),
            (
                HostError::DialogUnavailable {
                    reason: "pinentry /opt/dialogs/pinentry-anna: cannot start it".into(),
                },
                vec!["/opt/dialogs", "pinentry-anna"],
            ),
            (
                HostError::Card(CardError::PinSourceUnavailable {
                    kind: PinKind::Pin1,
                    reason: "pinentry /opt/dialogs/pinentry-anna: cannot start it".into(),
                }),
                vec!["/opt/dialogs", "pinentry-anna"],
            ),
            (
                HostError::Card(CardError::ReaderNotFound("ACS ACR39U 00 00".into())),
                vec!["ACS ACR39U"],
            ),
            (
                HostError::Card(CardError::UnsupportedCard {
                    atr: "3BFF9600008131FE4380".into(),
                }),
                vec!["3BFF9600008131FE4380"],
            ),
            (
                HostError::Card(CardError::NoCard("Gemalto PC Twin Reader 00 00".into())),
                vec!["Gemalto"],
            ),
            (
                HostError::Card(CardError::Pcsc(
                    "SCardConnect: 0x80100069 on /run/pcscd".into(),
                )),
                vec!["SCardConnect", "/run/pcscd"],
            ),
            (
                HostError::Card(CardError::Transport(TransportError::Other(
                    "reader Omnikey 5022 said EIO".into(),
                ))),
                vec!["Omnikey"],
            ),
            (
                HostError::Internal("panicked at src/flows.rs:88: index out of bounds".into()),
                vec!["src/flows.rs", "index out of bounds"],
            ),
        ];
        for (error, secrets) in leaky {
            let message = error.message();
            let logged = error.to_string();
            for secret in secrets {
                assert!(!message.contains(secret), "{error:?} answered {message:?}");
                assert!(logged.contains(secret), "{error:?}: the log loses {secret}");
            }
            assert!(message.ends_with('.'), "{message}");
            assert_eq!(error.response().message, message);
        }
    }
}
