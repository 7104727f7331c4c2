//! The hash a mobile ID session signs: the raw digest and its type, lengths checked
//! (reference/mobile-id.md §1.3: "Hash length must match hashType: 32, 48 or 64 bytes").

use crate::codes::HashType;
use crate::error::Error;
use crate::verification_code::VerificationCode;

/// A digest of the length its [`HashType`] requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignableHash {
    hash_type: HashType,
    digest: Vec<u8>,
}

impl SignableHash {
    /// Pairs a digest computed elsewhere (e.g. over XAdES `SignedInfo`) with its type.
    pub fn new(hash_type: HashType, digest: &[u8]) -> Result<Self, Error> {
        if digest.len() != hash_type.digest_len() {
            return Err(Error::HashLength {
                hash_type,
                expected: hash_type.digest_len(),
                found: digest.len(),
            });
        }
        Ok(SignableHash {
            hash_type,
            digest: digest.to_vec(),
        })
    }

    /// The hash type.
    pub fn hash_type(&self) -> HashType {
        self.hash_type
    }

    /// The raw digest bytes (sent base64-encoded as `hash`).
    pub fn digest(&self) -> &[u8] {
        &self.digest
    }

    /// The 4-digit code to show the person before the first API call (reference §1.1, §1.5).
    pub fn verification_code(&self) -> VerificationCode {
        VerificationCode::from_hash_bytes(&self.digest)
            .expect("a SignableHash is at least 32 bytes, above the 20-byte minimum")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_must_match_the_type() {
        assert!(SignableHash::new(HashType::Sha384, &[7; 48]).is_ok());
        assert_eq!(
            SignableHash::new(HashType::Sha256, &[7; 48]),
            Err(Error::HashLength {
                hash_type: HashType::Sha256,
                expected: 32,
                found: 48
            })
        );
    }
}
