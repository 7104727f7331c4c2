//! The card's private keys and how the chip signs with them.
//!
//! An EC card receives a bare digest and signs it as it is: the digest is left-padded with zeros
//! or truncated to the curve size (FIPS 186-5 §6.4) and the signature is raw `r‖s`. An RSA card
//! receives the DigestInfo and applies PKCS#1 v1.5 type-1 padding itself (RFC 8017 §9.2, steps
//! 3-5).

use der::{Decode, DecodePem, Encode};
use p256::pkcs8::{DecodePrivateKey, EncodePublicKey};
use signature::hazmat::PrehashSigner;

use crate::error::{Result, SimError};
use crate::status::{self, Sw};

/// The family of a card key, as MSE:SET names it (tag 80 chooses between `ec_algorithm` and
/// `rsa_algorithm` of the profile).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// RSA with the modulus size in bits.
    Rsa {
        /// Modulus size.
        bits: usize,
    },
}

impl KeyAlgorithm {
    /// True for the EC families.
    pub fn is_ec(self) -> bool {
        matches!(self, KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384)
    }
}

/// A private key on the card. Its `Debug` shows the algorithm only.
#[derive(Clone)]
pub struct CardKey(Inner);

#[derive(Clone)]
enum Inner {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Rsa(Box<rsa::RsaPrivateKey>),
}

impl std::fmt::Debug for CardKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardKey({:?})", self.algorithm())
    }
}

impl CardKey {
    /// Reads an unencrypted PKCS#8 private key (PEM or DER): EC P-256, EC P-384 or RSA.
    pub fn from_pkcs8(bytes: &[u8], path: &str) -> Result<CardKey> {
        let key_err = |detail: &str| SimError::Key {
            path: path.to_string(),
            detail: detail.into(),
        };
        let der = if bytes.starts_with(b"-----") {
            let text = std::str::from_utf8(bytes).map_err(|_| key_err("PEM is not text"))?;
            let (label, der) = der::pem::decode_vec(text.as_bytes())
                .map_err(|e| key_err(&format!("bad PEM: {e}")))?;
            if label != "PRIVATE KEY" {
                return Err(key_err(&format!(
                    "expected a PKCS#8 \"PRIVATE KEY\", found {label:?}"
                )));
            }
            der
        } else {
            bytes.to_vec()
        };
        if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_der(&der) {
            return Ok(CardKey(Inner::P384(k)));
        }
        if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(&der) {
            return Ok(CardKey(Inner::P256(k)));
        }
        if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(&der) {
            return Ok(CardKey(Inner::Rsa(Box::new(k))));
        }
        Err(key_err(
            "not an unencrypted PKCS#8 EC P-256, EC P-384 or RSA private key",
        ))
    }

    /// The key's family.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.0 {
            Inner::P256(_) => KeyAlgorithm::EcP256,
            Inner::P384(_) => KeyAlgorithm::EcP384,
            Inner::Rsa(k) => KeyAlgorithm::Rsa {
                bits: rsa::traits::PublicKeyParts::size(&**k) * 8,
            },
        }
    }

    /// The public key as a DER SubjectPublicKeyInfo.
    pub fn public_key_der(&self) -> Vec<u8> {
        let doc = match &self.0 {
            Inner::P256(k) => k.verifying_key().to_public_key_der(),
            Inner::P384(k) => k.verifying_key().to_public_key_der(),
            Inner::Rsa(k) => k.to_public_key().to_public_key_der(),
        };
        // Encoding a public key we hold cannot fail (no I/O, sizes are bounded).
        doc.map(|d| d.as_bytes().to_vec()).unwrap_or_default()
    }

    /// What the chip does for INTERNAL AUTHENTICATE and PSO: COMPUTE DIGITAL SIGNATURE.
    ///
    /// EC: `input` is a digest of any length up to 64 bytes; RSA: `input` is the DigestInfo.
    /// An input the key cannot sign gives `6700`.
    pub fn sign(&self, input: &[u8]) -> std::result::Result<Vec<u8>, Sw> {
        if input.is_empty() {
            return Err(status::WRONG_LENGTH);
        }
        match &self.0 {
            Inner::P256(k) => {
                let digest = fit_digest(input, 32)?;
                let sig: p256::ecdsa::Signature =
                    k.sign_prehash(&digest).map_err(|_| status::WRONG_DATA)?;
                Ok(sig.to_bytes().to_vec())
            }
            Inner::P384(k) => {
                let digest = fit_digest(input, 48)?;
                let sig: p384::ecdsa::Signature =
                    k.sign_prehash(&digest).map_err(|_| status::WRONG_DATA)?;
                Ok(sig.to_bytes().to_vec())
            }
            Inner::Rsa(k) => k
                .sign(rsa::Pkcs1v15Sign::new_unprefixed(), input)
                .map_err(|_| status::WRONG_LENGTH),
        }
    }
}

/// Left-pads with zeros or truncates (keeping the leftmost bytes) a digest to the curve size.
fn fit_digest(input: &[u8], size: usize) -> std::result::Result<Vec<u8>, Sw> {
    // SHA-512 is the longest digest a host sends; anything longer is a host error.
    if input.len() > 64 {
        return Err(status::WRONG_LENGTH);
    }
    if input.len() >= size {
        return Ok(input[..size].to_vec());
    }
    let mut out = vec![0u8; size - input.len()];
    out.extend_from_slice(input);
    Ok(out)
}

/// Reads an X.509 certificate (PEM or DER) and returns its DER encoding and the DER of its
/// SubjectPublicKeyInfo.
pub fn read_certificate(bytes: &[u8], path: &str) -> Result<(Vec<u8>, Vec<u8>)> {
    let err = |detail: String| SimError::Key {
        path: path.to_string(),
        detail,
    };
    let cert = if bytes.starts_with(b"-----") {
        x509_cert::Certificate::from_pem(bytes)
    } else {
        x509_cert::Certificate::from_der(bytes)
    }
    .map_err(|e| err(format!("not an X.509 certificate: {e}")))?;
    let der = cert.to_der().map_err(|e| err(e.to_string()))?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| err(e.to_string()))?;
    Ok((der, spki))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_padded_or_truncated_to_the_curve() {
        assert_eq!(fit_digest(&[1; 32], 48).unwrap()[..16], [0; 16]);
        assert_eq!(fit_digest(&[1; 32], 48).unwrap()[16..], [1; 32]);
        let mut sha512 = vec![2u8; 48];
        sha512.extend([3u8; 16]);
        assert_eq!(fit_digest(&sha512, 48).unwrap(), vec![2u8; 48]);
        assert_eq!(fit_digest(&[0; 65], 48), Err(status::WRONG_LENGTH));
    }
}
