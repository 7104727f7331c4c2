//! What a citizen is told for each [`Error`]: one sentence they can act on (style.md "Errors at
//! the edge"), in English, with a hook for translations.
//!
//! Armenian sentences are deliberately not written here: they must come from a native speaker
//! and EKENG's wording, and a wrong sentence on a signing screen is worse than an English one.
//! A deployment supplies them through [`MessageCatalog`], keyed by [`Error::code`].

use crate::error::Error;

/// Translations of the citizen messages, looked up by the stable code ([`Error::code`]).
pub trait MessageCatalog {
    /// The sentence for `code` in this catalog's language, or `None` to fall back to English.
    fn message(&self, code: &str) -> Option<&str>;
}

impl Error {
    /// One English sentence for the person in front of the screen, never containing provider
    /// text (reference §1.3: error bodies are for developers only).
    pub fn citizen_message(&self) -> &'static str {
        match self {
            Error::Timeout | Error::DeadlineExceeded { .. } => {
                "You did not confirm on your phone in time. Please try again."
            }
            Error::NotMidClient => {
                "This phone number has no active mobile ID. Activate mobile ID with your mobile operator."
            }
            Error::UserCancelled => "You cancelled the request on your phone.",
            Error::SignatureHashMismatch => {
                "Your SIM card's mobile ID settings are out of date. Please contact your mobile operator."
            }
            Error::PhoneAbsent => {
                "Your phone could not be reached. Check that it is switched on and has signal, then try again."
            }
            Error::DeliveryError => {
                "The request could not be delivered to your phone. Please try again."
            }
            Error::SimError => {
                "Your SIM card gave an invalid answer. Try again; if it keeps happening, contact your mobile operator."
            }
            Error::CertificateNotFound => {
                "No mobile ID was found for this phone number and personal number. Check both and try again."
            }
            Error::InvalidPhoneNumber { .. } => {
                "The phone number is not valid. Enter it in the form +374 XX XXXXXX."
            }
            Error::InvalidNationalIdentityNumber { .. } => {
                "The personal number is not valid. Enter the 10 digits of your public service number."
            }
            Error::ServiceUnavailable { .. } | Error::ProviderInternal { .. } => {
                "The mobile ID service is temporarily unavailable. Please try again later."
            }
            Error::CertificateMissing
            | Error::Certificate(_)
            | Error::CertificateNotValid { .. }
            | Error::KeyUsage { .. }
            | Error::SignatureAlgorithmMismatch { .. }
            | Error::SignatureEncoding { .. }
            | Error::SignatureInvalid { .. }
            | Error::IdentityMismatch { .. } => {
                "The answer from mobile ID could not be verified, so it was not used. Please try again."
            }
            Error::SessionNotFound { .. } => "The request has expired. Please start again.",
            Error::ServerNotPinned { .. } | Error::Tls { .. } => {
                "The connection to the mobile ID service could not be confirmed as genuine, so nothing was sent. Please try again later or contact the service."
            }
            Error::Network { .. } => {
                "The mobile ID service could not be reached. Check your internet connection and try again."
            }
            Error::InvalidParameter { .. }
            | Error::Unauthorized { .. }
            | Error::UnexpectedStatus { .. }
            | Error::BodyTooLarge { .. }
            | Error::MalformedJson { .. }
            | Error::MissingField { .. }
            | Error::InvalidField { .. }
            | Error::UnknownCode { .. }
            | Error::InconsistentResponse { .. }
            | Error::InvalidRelyingParty { .. }
            | Error::InvalidSessionId { .. }
            | Error::HashLength { .. }
            | Error::DisplayText { .. }
            | Error::RandomUnavailable { .. }
            | Error::InvalidServiceUrl { .. }
            | Error::InvalidPins { .. }
            | Error::MalformedHttp { .. } => {
                "Mobile ID is not working on this service right now. Please try again later or contact the service."
            }
        }
    }

    /// The citizen message from `catalog`, falling back to English when it has none.
    pub fn citizen_message_in(&self, catalog: &dyn MessageCatalog) -> String {
        catalog
            .message(self.code())
            .unwrap_or_else(|| self.citizen_message())
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct OneEntry;
    impl MessageCatalog for OneEntry {
        fn message(&self, code: &str) -> Option<&str> {
            (code == "MID_USER_CANCELLED").then_some("translated")
        }
    }

    #[test]
    fn a_catalog_overrides_by_code_and_falls_back_to_english() {
        assert_eq!(
            Error::UserCancelled.citizen_message_in(&OneEntry),
            "translated"
        );
        assert_eq!(
            Error::PhoneAbsent.citizen_message_in(&OneEntry),
            Error::PhoneAbsent.citizen_message()
        );
    }

    #[test]
    fn user_facing_messages_never_repeat_provider_text() {
        let err = Error::MalformedJson {
            what: "session status response",
            reason: "SECRET-PROVIDER-DETAIL".into(),
        };
        assert!(!err.citizen_message().contains("SECRET"));
    }
}
