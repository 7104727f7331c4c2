//! The signature-algorithm vocabulary of Web eID (reference/web-eid.md §1.4): what
//! `get-signing-certificate` announces, what `sign` answers, and what a `web-eid:1.1` token lists
//! per signing certificate.

use core::fmt;

use serde::{Deserialize, Serialize};

/// A hash function name as Web eID writes it (`hashFunction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum HashFunction {
    /// SHA-224.
    #[serde(rename = "SHA-224")]
    Sha224,
    /// SHA-256.
    #[serde(rename = "SHA-256")]
    Sha256,
    /// SHA-384.
    #[serde(rename = "SHA-384")]
    Sha384,
    /// SHA-512.
    #[serde(rename = "SHA-512")]
    Sha512,
    /// SHA3-224.
    #[serde(rename = "SHA3-224")]
    Sha3_224,
    /// SHA3-256.
    #[serde(rename = "SHA3-256")]
    Sha3_256,
    /// SHA3-384.
    #[serde(rename = "SHA3-384")]
    Sha3_384,
    /// SHA3-512.
    #[serde(rename = "SHA3-512")]
    Sha3_512,
}

impl HashFunction {
    /// Every name, in Web eID's order.
    pub const ALL: [HashFunction; 8] = [
        HashFunction::Sha224,
        HashFunction::Sha256,
        HashFunction::Sha384,
        HashFunction::Sha512,
        HashFunction::Sha3_224,
        HashFunction::Sha3_256,
        HashFunction::Sha3_384,
        HashFunction::Sha3_512,
    ];

    /// The wire name ("SHA-256").
    pub fn name(self) -> &'static str {
        match self {
            HashFunction::Sha224 => "SHA-224",
            HashFunction::Sha256 => "SHA-256",
            HashFunction::Sha384 => "SHA-384",
            HashFunction::Sha512 => "SHA-512",
            HashFunction::Sha3_224 => "SHA3-224",
            HashFunction::Sha3_256 => "SHA3-256",
            HashFunction::Sha3_384 => "SHA3-384",
            HashFunction::Sha3_512 => "SHA3-512",
        }
    }

    /// Looks a wire name up (exact, case-sensitive).
    pub fn from_name(name: &str) -> Option<HashFunction> {
        Self::ALL.into_iter().find(|h| h.name() == name)
    }

    /// Digest length in bytes: `sign` refuses a `hash` of any other length.
    pub fn output_len(self) -> usize {
        match self {
            HashFunction::Sha224 | HashFunction::Sha3_224 => 28,
            HashFunction::Sha256 | HashFunction::Sha3_256 => 32,
            HashFunction::Sha384 | HashFunction::Sha3_384 => 48,
            HashFunction::Sha512 | HashFunction::Sha3_512 => 64,
        }
    }
}

impl fmt::Display for HashFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `cryptoAlgorithm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CryptoAlgorithm {
    /// Elliptic curves (ECDSA).
    #[serde(rename = "ECC")]
    Ecc,
    /// RSA.
    #[serde(rename = "RSA")]
    Rsa,
}

/// `paddingScheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PaddingScheme {
    /// No padding (ECDSA).
    #[serde(rename = "NONE")]
    None,
    /// RSA PKCS#1 v1.5.
    #[serde(rename = "PKCS1.5")]
    Pkcs1v15,
    /// RSA-PSS.
    #[serde(rename = "PSS")]
    Pss,
}

/// One `{cryptoAlgorithm, hashFunction, paddingScheme}` triple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignatureAlgorithm {
    /// ECC or RSA.
    pub crypto_algorithm: CryptoAlgorithm,
    /// The hash the signature is made over.
    pub hash_function: HashFunction,
    /// NONE for ECDSA, PKCS1.5 or PSS for RSA.
    pub padding_scheme: PaddingScheme,
}
