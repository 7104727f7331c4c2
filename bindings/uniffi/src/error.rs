//! The one error type the apps see. Every variant carries `code`, the same stable code the Rust
//! crates give (`CARD_WRONG_PIN`, `MID_USER_CANCELLED`, `ZIP_NOT_ZIP`, `WEBEID_…`), and `detail`,
//! a sentence for people that never contains a PIN. The variant says what an app does next:
//! ask again, show the phone's outcome, tell the person to check the card, …

/// What went wrong, grouped by what an app does about it.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum KnikError {
    /// The person gave up: the PIN dialog was dismissed, the phone's prompt was cancelled.
    #[error("{detail}")]
    Cancelled {
        /// Stable code (`CARD_PIN_CANCELLED`, `MID_USER_CANCELLED`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// The card refused the PIN.
    #[error("{detail}")]
    WrongPin {
        /// Stable code (`CARD_WRONG_PIN`, `CARD_WRONG_PIN_RETRIES_UNKNOWN`).
        code: String,
        /// A sentence for people.
        detail: String,
        /// Tries left before the PIN blocks, when the card tells.
        retries_left: Option<u32>,
    },
    /// The PIN typed does not follow the card's rules (length, characters), or the two entries
    /// of a new PIN differ. Nothing was sent to the card and no try was used: ask again.
    #[error("{detail}")]
    PinRejected {
        /// Stable code (`CARD_PIN_FORMAT`, `CARD_PIN_NOT_ACCEPTED`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// The PIN is blocked (unblock it with the PUK).
    #[error("{detail}")]
    PinBlocked {
        /// Stable code (`CARD_PIN_BLOCKED`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// The card or the channel to it failed (tag lost, unsupported card, unexpected answer).
    #[error("{detail}")]
    Card {
        /// Stable code (`CARD_…`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// Mobile ID failed: the phone, the SIM, the provider, the pinned TLS key.
    #[error("{detail}")]
    MobileId {
        /// Stable code (`MID_…`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// An OCSP responder or a time-stamp authority could not be used.
    #[error("{detail}")]
    Service {
        /// Stable code (`OCSP_…`, `TSA_…`, `HTTP_…`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// A certificate cannot be used: not trusted, expired, revoked, wrong key usage.
    #[error("{detail}")]
    Certificate {
        /// Stable code (`SIGNER_…`, `PATH_…`, `CERT_…`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// A container or signature cannot be read or written (hostile ZIP, broken XML).
    #[error("{detail}")]
    Document {
        /// Stable code (`ZIP_…`, `XML_…`, `ASIC_…`, …).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// A Web eID authentication token cannot be made or does not check out.
    #[error("{detail}")]
    WebEid {
        /// Stable code (`WEBEID_…`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// The app passed something unusable (an unknown level, an empty file list, a bad PEM).
    #[error("{detail}")]
    InvalidInput {
        /// Stable code (`INVALID_REQUEST`, `KEY_INVALID`, …).
        code: String,
        /// A sentence for people.
        detail: String,
    },
    /// Reading or writing a file failed.
    #[error("{detail}")]
    Io {
        /// Stable code (`IO`).
        code: String,
        /// A sentence for people.
        detail: String,
    },
}

impl KnikError {
    /// The stable code, whatever the variant.
    pub fn code(&self) -> &str {
        match self {
            KnikError::Cancelled { code, .. }
            | KnikError::WrongPin { code, .. }
            | KnikError::PinRejected { code, .. }
            | KnikError::PinBlocked { code, .. }
            | KnikError::Card { code, .. }
            | KnikError::MobileId { code, .. }
            | KnikError::Service { code, .. }
            | KnikError::Certificate { code, .. }
            | KnikError::Document { code, .. }
            | KnikError::WebEid { code, .. }
            | KnikError::InvalidInput { code, .. }
            | KnikError::Io { code, .. } => code,
        }
    }

    pub(crate) fn invalid(detail: impl Into<String>) -> KnikError {
        KnikError::InvalidInput {
            code: "INVALID_REQUEST".to_owned(),
            detail: detail.into(),
        }
    }

    /// The variant for a stable code, when only the code says where an error came from (a
    /// signer's failure passed through the facade).
    fn classify(code: &str, detail: String) -> KnikError {
        let code_s = code.to_owned();
        if code.ends_with("_CANCELLED") {
            KnikError::Cancelled {
                code: code_s,
                detail,
            }
        } else if code.starts_with("CARD_WRONG_PIN") {
            KnikError::WrongPin {
                code: code_s,
                detail,
                retries_left: None,
            }
        } else if matches!(code, "CARD_PIN_FORMAT" | "CARD_PIN_NOT_ACCEPTED") {
            KnikError::PinRejected {
                code: code_s,
                detail,
            }
        } else if code == "CARD_PIN_BLOCKED" {
            KnikError::PinBlocked {
                code: code_s,
                detail,
            }
        } else if code.starts_with("CARD_") {
            KnikError::Card {
                code: code_s,
                detail,
            }
        } else if code.starts_with("MID_") {
            KnikError::MobileId {
                code: code_s,
                detail,
            }
        } else if code.starts_with("WEBEID_") {
            KnikError::WebEid {
                code: code_s,
                detail,
            }
        } else if code == "IO" {
            KnikError::Io {
                code: code_s,
                detail,
            }
        } else if matches!(
            code,
            "INVALID_REQUEST" | "KEY_INVALID" | "SERVICE_NOT_CONFIGURED"
        ) {
            KnikError::InvalidInput {
                code: code_s,
                detail,
            }
        } else if code.starts_with("SIGNER_")
            || matches!(code, "OCSP_STATUS_UNKNOWN" | "ISSUER_NOT_FOUND")
        {
            KnikError::Certificate {
                code: code_s,
                detail,
            }
        } else if is_service_code(code) {
            KnikError::Service {
                code: code_s,
                detail,
            }
        } else {
            KnikError::Document {
                code: code_s,
                detail,
            }
        }
    }
}

impl From<knik::Error> for KnikError {
    fn from(e: knik::Error) -> Self {
        let code = e.code();
        let detail = e.to_string();
        match e {
            knik::Error::Online(_) => KnikError::Service {
                code: code.to_owned(),
                detail,
            },
            knik::Error::Pki(_) if is_service_code(code) => KnikError::Service {
                code: code.to_owned(),
                detail,
            },
            knik::Error::Pki(_) => KnikError::Certificate {
                code: code.to_owned(),
                detail,
            },
            knik::Error::Container(_) | knik::Error::Signature(_) => KnikError::Document {
                code: code.to_owned(),
                detail,
            },
            _ => KnikError::classify(code, detail),
        }
    }
}

impl From<knik_card::Error> for KnikError {
    fn from(e: knik_card::Error) -> Self {
        let code = e.code().to_owned();
        let detail = e.to_string();
        match e {
            knik_card::Error::WrongPin { retries_left, .. } => KnikError::WrongPin {
                code,
                detail,
                retries_left: Some(u32::from(retries_left)),
            },
            knik_card::Error::InvalidArgument(_) => KnikError::InvalidInput { code, detail },
            _ => KnikError::classify(&code, detail),
        }
    }
}

/// Codes of answers from OCSP responders and time-stamp authorities (their syntax, signature,
/// status): the service is at fault, not the signer's certificate.
fn is_service_code(code: &str) -> bool {
    code.starts_with("OCSP_") || code.starts_with("TSP_") || code.starts_with("TSA_")
}

/// What a callback of the app (PIN dialog, mobile ID listener) reports when it cannot do its
/// part, e.g. its screen was destroyed. Any exception the generated code does not know arrives
/// as [`CallbackError::Failed`] too.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CallbackError {
    /// The callback could not do what was asked.
    #[error("the app could not {reason}")]
    Failed {
        /// What went wrong, in the app's words.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for CallbackError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        CallbackError::Failed { reason: e.reason }
    }
}

impl From<knik_pki::Error> for KnikError {
    fn from(e: knik_pki::Error) -> Self {
        KnikError::Certificate {
            code: e.code().to_owned(),
            detail: e.to_string(),
        }
    }
}

impl From<knik_asic::Error> for KnikError {
    fn from(e: knik_asic::Error) -> Self {
        KnikError::classify(e.code(), e.to_string())
    }
}

impl From<knik_webeid::Error> for KnikError {
    fn from(e: knik_webeid::Error) -> Self {
        KnikError::WebEid {
            code: e.code().to_owned(),
            detail: e.to_string(),
        }
    }
}

impl From<knik::mobile_id::MobileIdError> for KnikError {
    fn from(e: knik::mobile_id::MobileIdError) -> Self {
        let code = e.code().to_owned();
        let detail = e.citizen_message().to_owned();
        if code == "MID_USER_CANCELLED" {
            KnikError::Cancelled { code, detail }
        } else {
            KnikError::MobileId { code, detail }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_errors_keep_their_codes_and_tries() {
        let e = KnikError::from(knik_card::Error::WrongPin {
            kind: knik_card::pin::PinKind::Pin2,
            retries_left: 2,
        });
        match e {
            KnikError::WrongPin {
                code, retries_left, ..
            } => {
                assert_eq!(code, "CARD_WRONG_PIN");
                assert_eq!(retries_left, Some(2));
            }
            other => panic!("wrong variant: {other:?}"),
        }
        let e = KnikError::from(knik_card::Error::PinEntryCancelled);
        assert!(matches!(e, KnikError::Cancelled { ref code, .. } if code == "CARD_PIN_CANCELLED"));
    }

    #[test]
    fn signer_codes_passed_through_the_facade_land_in_their_variant() {
        let e = KnikError::from(knik::Error::Signer {
            code: "MID_PHONE_ABSENT",
            message: "x".into(),
        });
        assert!(matches!(e, KnikError::MobileId { ref code, .. } if code == "MID_PHONE_ABSENT"));
        let e = KnikError::from(knik::Error::Signer {
            code: "MID_USER_CANCELLED",
            message: "x".into(),
        });
        assert!(matches!(e, KnikError::Cancelled { .. }));
        let e = KnikError::from(knik::Error::Signer {
            code: "CARD_PIN_BLOCKED",
            message: "x".into(),
        });
        assert!(matches!(e, KnikError::PinBlocked { .. }));
    }

    #[test]
    fn codes_land_in_the_variant_that_says_what_to_do() {
        let variant = |code: &str| match KnikError::classify(code, String::new()) {
            KnikError::Cancelled { .. } => "Cancelled",
            KnikError::WrongPin { .. } => "WrongPin",
            KnikError::PinRejected { .. } => "PinRejected",
            KnikError::PinBlocked { .. } => "PinBlocked",
            KnikError::Card { .. } => "Card",
            KnikError::MobileId { .. } => "MobileId",
            KnikError::Service { .. } => "Service",
            KnikError::Certificate { .. } => "Certificate",
            KnikError::Document { .. } => "Document",
            KnikError::WebEid { .. } => "WebEid",
            KnikError::InvalidInput { .. } => "InvalidInput",
            KnikError::Io { .. } => "Io",
        };
        for (code, expected) in [
            ("CARD_PIN_CANCELLED", "Cancelled"),
            ("CARD_WRONG_PIN_RETRIES_UNKNOWN", "WrongPin"),
            ("CARD_PIN_FORMAT", "PinRejected"),
            ("CARD_PIN_NOT_ACCEPTED", "PinRejected"),
            ("CARD_REMOVED", "Card"),
            ("MID_SIM_ERROR", "MobileId"),
            ("OCSP_CERT_MISMATCH", "Service"),
            ("OCSP_BEFORE_TIMESTAMP", "Service"),
            ("TSP_REFUSED", "Service"),
            ("OCSP_STATUS_UNKNOWN", "Certificate"),
            ("SIGNER_REVOKED", "Certificate"),
            ("ISSUER_NOT_FOUND", "Certificate"),
            ("IO", "Io"),
            ("SERVICE_NOT_CONFIGURED", "InvalidInput"),
            ("ZIP_NOT_ZIP", "Document"),
            ("ASIC_EXTRACT_TARGET_EXISTS", "Document"),
            ("WEBEID_NONCE_INVALID", "WebEid"),
        ] {
            assert_eq!(variant(code), expected, "{code}");
        }
    }
}
