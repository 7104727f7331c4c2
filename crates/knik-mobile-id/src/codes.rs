//! The enumerated values of MID-REST and their exact wire names (reference/mobile-id.md §1.3–1.4).
//!
//! Wire names are matched exactly and case-sensitively: a value the reference does not list is
//! an [`Error::UnknownCode`](crate::Error::UnknownCode), never guessed at.

use core::fmt;

/// Declares an enum whose values travel as fixed strings, with `as_wire`/`from_wire`,
/// `Display` (the wire name) and `Serialize`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the order the reference lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name on the wire.
            pub fn as_wire(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// Reads a wire name (exact, case-sensitive); `None` for anything else.
            pub fn from_wire(value: &str) -> Option<Self> {
                match value {
                    $($wire => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_wire())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_wire())
            }
        }
    };
}

wire_enum! {
    /// `hashType`: the digest algorithm of the hash sent for signing (§1.3).
    HashType {
        /// SHA-256, 32-byte hash.
        Sha256 = "SHA256",
        /// SHA-384, 48-byte hash.
        Sha384 = "SHA384",
        /// SHA-512, 64-byte hash.
        Sha512 = "SHA512",
    }
}

impl HashType {
    /// Length of a hash of this type in bytes; MID-REST refuses any other length (§1.3).
    pub fn digest_len(self) -> usize {
        self.to_pki().output_len()
    }

    /// The same algorithm as knik-pki names it, for signature checks.
    pub fn to_pki(self) -> knik_pki::HashAlgorithm {
        match self {
            HashType::Sha256 => knik_pki::HashAlgorithm::Sha256,
            HashType::Sha384 => knik_pki::HashAlgorithm::Sha384,
            HashType::Sha512 => knik_pki::HashAlgorithm::Sha512,
        }
    }
}

wire_enum! {
    /// `language`: the language of the prompt on the phone (§1.3).
    ///
    /// MID-REST lists `EST`, `ENG`, `RUS` and `LIT`, which are ISO 639-2 three-letter codes in
    /// upper case. Armenian is added in the same style as `HYE` (ISO 639-2/T and 639-3 code for
    /// Armenian; spec/mobile-id.md "Language codes extended with Armenian"). SK's service would
    /// not know it; an Armenian provider (and our simulator) does.
    #[non_exhaustive]
    Language {
        /// Estonian.
        Est = "EST",
        /// English.
        Eng = "ENG",
        /// Russian.
        Rus = "RUS",
        /// Lithuanian.
        Lit = "LIT",
        /// Armenian (knik's extension).
        Hye = "HYE",
    }
}

wire_enum! {
    /// `displayTextFormat`: how `displayText` is encoded for the SIM (§1.3).
    DisplayTextFormat {
        /// GSM 03.38 7-bit alphabet: up to 100 characters (the default).
        Gsm7 = "GSM-7",
        /// UCS-2: up to 50 characters; needed for Armenian script.
        Ucs2 = "UCS-2",
    }
}

wire_enum! {
    /// `result` of `POST /certificate` (§1.3).
    CertificateResult {
        /// The person has an active signing certificate; `cert` holds it.
        Ok = "OK",
        /// No certificate for this phone number and national identity number.
        NotFound = "NOT_FOUND",
    }
}

wire_enum! {
    /// `state` of a session (§1.4).
    SessionState {
        /// The person has not answered yet; poll again.
        Running = "RUNNING",
        /// Finished; `result` says how.
        Complete = "COMPLETE",
    }
}

wire_enum! {
    /// `result` of a completed session (§1.4, "End result codes").
    SessionResult {
        /// The person confirmed; a signature is present.
        Ok = "OK",
        /// The person did not answer within about two minutes.
        Timeout = "TIMEOUT",
        /// The person has no active mobile ID certificates.
        NotMidClient = "NOT_MID_CLIENT",
        /// The person pressed cancel on the phone.
        UserCancelled = "USER_CANCELLED",
        /// The mobile ID configuration on the SIM differs from the provider's.
        SignatureHashMismatch = "SIGNATURE_HASH_MISMATCH",
        /// The phone (SIM) could not be reached.
        PhoneAbsent = "PHONE_ABSENT",
        /// The message to the phone could not be delivered.
        DeliveryError = "DELIVERY_ERROR",
        /// The SIM gave an invalid response.
        SimError = "SIM_ERROR",
    }
}

impl SessionResult {
    /// Reads a result code, also accepting the legacy `EXPIRED_TRANSACTION`, which the official
    /// Java client treats as `TIMEOUT` (§1.4).
    pub fn from_wire_or_legacy(value: &str) -> Option<Self> {
        match value {
            "EXPIRED_TRANSACTION" => Some(SessionResult::Timeout),
            other => Self::from_wire(other),
        }
    }
}

wire_enum! {
    /// `signature.algorithm` in a session status (§1.4).
    SignatureAlgorithm {
        /// ECDSA over a SHA-256 hash, raw `r ‖ s`.
        Sha256WithEc = "SHA256WithECEncryption",
        /// RSA PKCS#1 v1.5 over a SHA-256 hash.
        Sha256WithRsa = "SHA256WithRSAEncryption",
        /// ECDSA over a SHA-384 hash, raw `r ‖ s`.
        Sha384WithEc = "SHA384WithECEncryption",
        /// RSA PKCS#1 v1.5 over a SHA-384 hash.
        Sha384WithRsa = "SHA384WithRSAEncryption",
        /// ECDSA over a SHA-512 hash, raw `r ‖ s`.
        Sha512WithEc = "SHA512WithECEncryption",
        /// RSA PKCS#1 v1.5 over a SHA-512 hash.
        Sha512WithRsa = "SHA512WithRSAEncryption",
    }
}

impl SignatureAlgorithm {
    /// The hash the signature was made over.
    pub fn hash_type(self) -> HashType {
        match self {
            SignatureAlgorithm::Sha256WithEc | SignatureAlgorithm::Sha256WithRsa => {
                HashType::Sha256
            }
            SignatureAlgorithm::Sha384WithEc | SignatureAlgorithm::Sha384WithRsa => {
                HashType::Sha384
            }
            SignatureAlgorithm::Sha512WithEc | SignatureAlgorithm::Sha512WithRsa => {
                HashType::Sha512
            }
        }
    }

    /// Whether this is ECDSA (otherwise RSA PKCS#1 v1.5).
    pub fn is_ecdsa(self) -> bool {
        matches!(
            self,
            SignatureAlgorithm::Sha256WithEc
                | SignatureAlgorithm::Sha384WithEc
                | SignatureAlgorithm::Sha512WithEc
        )
    }
}

wire_enum! {
    /// Which kind of session: also the path segment of its status endpoint (§1.3).
    SessionKind {
        /// `POST /authentication`, `GET /authentication/session/{id}`.
        Authentication = "authentication",
        /// `POST /signature`, `GET /signature/session/{id}`.
        Signature = "signature",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_are_case_sensitive() {
        for r in SessionResult::ALL {
            assert_eq!(SessionResult::from_wire(r.as_wire()), Some(*r));
        }
        assert_eq!(SessionResult::from_wire("user_cancelled"), None);
        assert_eq!(
            SessionResult::from_wire_or_legacy("EXPIRED_TRANSACTION"),
            Some(SessionResult::Timeout)
        );
        assert_eq!(Language::from_wire("HYE"), Some(Language::Hye));
        assert_eq!(
            serde_json::to_string(&DisplayTextFormat::Ucs2).unwrap(),
            "\"UCS-2\""
        );
    }

    #[test]
    fn hash_types_have_the_lengths_mid_rest_enforces() {
        assert_eq!(HashType::Sha256.digest_len(), 32);
        assert_eq!(HashType::Sha384.digest_len(), 48);
        assert_eq!(HashType::Sha512.digest_len(), 64);
        assert_eq!(
            SignatureAlgorithm::Sha384WithRsa.hash_type(),
            HashType::Sha384
        );
        assert!(SignatureAlgorithm::Sha256WithEc.is_ecdsa());
        assert!(!SignatureAlgorithm::Sha512WithRsa.is_ecdsa());
    }
}
