//! The token's `algorithm`: a JWA name (RFC 7518 §3.1), reference/web-eid.md §2.2.

use core::fmt;

use knik_pki::HashAlgorithm;
use serde::{Serialize, Serializer};

use crate::Error;

/// How the token's signature is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenAlgorithm {
    /// ECDSA P-256 with SHA-256 (raw `r‖s`, 64 bytes).
    Es256,
    /// ECDSA P-384 with SHA-384 (raw `r‖s`, 96 bytes).
    Es384,
    /// ECDSA P-521 with SHA-512 (raw `r‖s`, 132 bytes).
    Es512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32.
    Ps256,
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, salt 48.
    Ps384,
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512, salt 64.
    Ps512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
}

/// The signature scheme family of a [`TokenAlgorithm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenSignatureScheme {
    /// ECDSA, raw `r‖s`.
    Ecdsa,
    /// RSASSA-PSS, salt length = hash length.
    RsaPss,
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1v15,
}

impl TokenAlgorithm {
    /// Every algorithm.
    pub const ALL: [TokenAlgorithm; 9] = [
        TokenAlgorithm::Es256,
        TokenAlgorithm::Es384,
        TokenAlgorithm::Es512,
        TokenAlgorithm::Ps256,
        TokenAlgorithm::Ps384,
        TokenAlgorithm::Ps512,
        TokenAlgorithm::Rs256,
        TokenAlgorithm::Rs384,
        TokenAlgorithm::Rs512,
    ];

    /// The JWA name ("ES384").
    pub fn name(self) -> &'static str {
        match self {
            TokenAlgorithm::Es256 => "ES256",
            TokenAlgorithm::Es384 => "ES384",
            TokenAlgorithm::Es512 => "ES512",
            TokenAlgorithm::Ps256 => "PS256",
            TokenAlgorithm::Ps384 => "PS384",
            TokenAlgorithm::Ps512 => "PS512",
            TokenAlgorithm::Rs256 => "RS256",
            TokenAlgorithm::Rs384 => "RS384",
            TokenAlgorithm::Rs512 => "RS512",
        }
    }

    /// Looks a JWA name up (exact, case-sensitive).
    pub fn from_name(name: &str) -> Result<TokenAlgorithm, Error> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| Error::UnsupportedTokenAlgorithm {
                algorithm: crate::error::clip(name, 32),
            })
    }

    /// The hash of the signed value and of the signature.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            TokenAlgorithm::Es256 | TokenAlgorithm::Ps256 | TokenAlgorithm::Rs256 => {
                HashAlgorithm::Sha256
            }
            TokenAlgorithm::Es384 | TokenAlgorithm::Ps384 | TokenAlgorithm::Rs384 => {
                HashAlgorithm::Sha384
            }
            TokenAlgorithm::Es512 | TokenAlgorithm::Ps512 | TokenAlgorithm::Rs512 => {
                HashAlgorithm::Sha512
            }
        }
    }

    /// The signature scheme.
    pub fn scheme(self) -> TokenSignatureScheme {
        match self {
            TokenAlgorithm::Es256 | TokenAlgorithm::Es384 | TokenAlgorithm::Es512 => {
                TokenSignatureScheme::Ecdsa
            }
            TokenAlgorithm::Ps256 | TokenAlgorithm::Ps384 | TokenAlgorithm::Ps512 => {
                TokenSignatureScheme::RsaPss
            }
            TokenAlgorithm::Rs256 | TokenAlgorithm::Rs384 | TokenAlgorithm::Rs512 => {
                TokenSignatureScheme::RsaPkcs1v15
            }
        }
    }
}

impl fmt::Display for TokenAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for TokenAlgorithm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}
