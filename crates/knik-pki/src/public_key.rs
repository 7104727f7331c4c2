//! Subject public keys and signature checks over a digest computed elsewhere.

use core::fmt;

use der::Decode;
use ecdsa::signature::hazmat::PrehashVerifier;
use rsa::traits::PublicKeyParts;
use spki::SubjectPublicKeyInfoRef;

use crate::hash::HashAlgorithm;
use crate::{Error, oid};

/// Largest RSA modulus accepted (bits). The `rsa` crate's default cap is 4096; real CAs use up
/// to 8192 for roots, and anything above 16384 only serves to burn CPU.
const RSA_MAX_BITS: usize = 16384;

/// A certificate's subject public key.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// ECDSA on NIST P-256 (secp256r1), as on mobile ID.
    EcP256(P256PublicKey),
    /// ECDSA on NIST P-384 (secp384r1), as on the IDEMIA ID and residence cards.
    EcP384(P384PublicKey),
    /// RSA, as on the 2012–2023 ID cards.
    Rsa(RsaPublicKey),
    /// A key this crate reads but cannot verify with (Ed25519, brainpool, P-521, ...).
    Unsupported(UnsupportedKey),
}

/// A P-256 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct P256PublicKey(p256::ecdsa::VerifyingKey);

/// A P-384 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct P384PublicKey(p384::ecdsa::VerifyingKey);

/// An RSA public key.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey(rsa::RsaPublicKey);

/// What is known of a key of an unsupported kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedKey {
    algorithm: String,
    parameters: Option<String>,
}

impl P256PublicKey {
    /// The point in SEC1 uncompressed form (`04 ‖ x ‖ y`, 65 bytes).
    pub fn to_sec1_uncompressed(&self) -> Vec<u8> {
        self.0.to_encoded_point(false).as_bytes().to_vec()
    }
}

impl P384PublicKey {
    /// The point in SEC1 uncompressed form (`04 ‖ x ‖ y`, 97 bytes).
    pub fn to_sec1_uncompressed(&self) -> Vec<u8> {
        self.0.to_encoded_point(false).as_bytes().to_vec()
    }
}

impl RsaPublicKey {
    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.0.n().bits()
    }

    /// The modulus, big-endian without leading zeros.
    pub fn modulus(&self) -> Vec<u8> {
        self.0.n().to_bytes_be()
    }

    /// The public exponent, big-endian without leading zeros.
    pub fn public_exponent(&self) -> Vec<u8> {
        self.0.e().to_bytes_be()
    }
}

impl UnsupportedKey {
    /// The SubjectPublicKeyInfo algorithm OID.
    pub fn algorithm(&self) -> &str {
        &self.algorithm
    }

    /// The named curve OID for EC keys on other curves, if any.
    pub fn parameters(&self) -> Option<&str> {
        self.parameters.as_deref()
    }
}

/// How an ECDSA signature may be encoded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EcdsaEncoding {
    /// Raw `r ‖ s` of the curve width (what cards return) or DER.
    RawOrDer,
    /// DER `ECDSA-Sig-Value` only (X.509, CMS, OCSP).
    Der,
}

impl PublicKey {
    /// Decodes a DER `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7, RFC 5480 for EC).
    ///
    /// A well-formed key of an algorithm we do not verify with is returned as
    /// [`PublicKey::Unsupported`], not as an error, so a certificate with such a key can still
    /// be read; a malformed key of a supported algorithm is an error.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        let spki = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| Error::der("subjectPublicKeyInfo", e))?;
        let algorithm = spki.algorithm.oid.to_string();
        let key_bytes =
            spki.subject_public_key
                .as_bytes()
                .ok_or_else(|| Error::InvalidPublicKey {
                    algorithm: algorithm.clone(),
                    reason: "subjectPublicKey BIT STRING has unused bits".to_owned(),
                })?;
        match algorithm.as_str() {
            oid::KEY_EC => {
                // RFC 5480 §2.1.1: parameters MUST be a namedCurve OID.
                let curve = spki
                    .algorithm
                    .parameters
                    .ok_or_else(|| Error::InvalidPublicKey {
                        algorithm: "EC".to_owned(),
                        reason: "missing curve parameters".to_owned(),
                    })?
                    .decode_as::<der::asn1::ObjectIdentifier>()
                    .map_err(|e| Error::InvalidPublicKey {
                        algorithm: "EC".to_owned(),
                        reason: format!("parameters are not a named curve ({e})"),
                    })?
                    .to_string();
                match curve.as_str() {
                    oid::CURVE_P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map(|k| PublicKey::EcP256(P256PublicKey(k)))
                        .map_err(|_| Error::InvalidPublicKey {
                            algorithm: "EC P-256".to_owned(),
                            reason: "not a point on the curve".to_owned(),
                        }),
                    oid::CURVE_P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map(|k| PublicKey::EcP384(P384PublicKey(k)))
                        .map_err(|_| Error::InvalidPublicKey {
                            algorithm: "EC P-384".to_owned(),
                            reason: "not a point on the curve".to_owned(),
                        }),
                    _ => Ok(PublicKey::Unsupported(UnsupportedKey {
                        algorithm,
                        parameters: Some(curve),
                    })),
                }
            }
            // RSASSA-PSS keys (RFC 4055 §1.2) are RSA keys with usage restrictions; the
            // restrictions are the signature algorithm's business.
            oid::KEY_RSA | oid::SIG_RSA_PSS => {
                let invalid = |reason: String| Error::InvalidPublicKey {
                    algorithm: "RSA".to_owned(),
                    reason,
                };
                let (n, e) = match rsa::pkcs1::RsaPublicKey::from_der(key_bytes) {
                    Ok(parsed) => (
                        rsa::BigUint::from_bytes_be(parsed.modulus.as_bytes()),
                        rsa::BigUint::from_bytes_be(parsed.public_exponent.as_bytes()),
                    ),
                    Err(strict) => rsa_public_key_lenient(key_bytes)
                        .map_err(|_| invalid(format!("RSAPublicKey: {strict}")))?,
                };
                rsa::RsaPublicKey::new_with_max_size(n, e, RSA_MAX_BITS)
                    .map(|k| PublicKey::Rsa(RsaPublicKey(k)))
                    .map_err(|e| invalid(e.to_string()))
            }
            _ => Ok(PublicKey::Unsupported(UnsupportedKey {
                algorithm,
                parameters: None,
            })),
        }
    }

    /// A short description for people and messages: "EC P-256", "EC P-384", "RSA 2048".
    pub fn key_description(&self) -> String {
        match self {
            PublicKey::EcP256(_) => "EC P-256".to_owned(),
            PublicKey::EcP384(_) => "EC P-384".to_owned(),
            PublicKey::Rsa(k) => format!("RSA {}", k.bits()),
            PublicKey::Unsupported(k) => match &k.parameters {
                Some(p) => format!("unsupported key {} ({p})", k.algorithm),
                None => format!("unsupported key {}", k.algorithm),
            },
        }
    }

    /// Checks a signature over a digest the caller computed, as a card returns it.
    ///
    /// * EC keys: ECDSA; `signature` is raw `r ‖ s` of the curve width (64 bytes for P-256,
    ///   96 for P-384), as ISO 7816 cards and PKCS#11 return it, or a DER `ECDSA-Sig-Value`.
    /// * RSA keys: PKCS#1 v1.5 (RFC 8017 §8.2.2); the DigestInfo for `hash` is built here.
    ///   For RSA-PSS use [`verify_digest_signature_pss`](Self::verify_digest_signature_pss).
    ///
    /// `digest` must be exactly `hash.output_len()` bytes. Returns `Ok(())` only for a valid
    /// signature; [`Error::SignatureInvalid`] when it does not verify.
    pub fn verify_digest_signature(
        &self,
        hash: HashAlgorithm,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        check_digest_len(hash, digest)?;
        match self {
            PublicKey::Rsa(k) => {
                let scheme = match hash {
                    HashAlgorithm::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                    HashAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    HashAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                    HashAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                };
                k.0.verify(scheme, digest, signature)
                    .map_err(|_| self.invalid())
            }
            _ => self.verify_ecdsa(digest, signature, EcdsaEncoding::RawOrDer),
        }
    }

    /// Checks an RSASSA-PSS signature (RFC 8017 §8.1.2) over a digest the caller computed,
    /// with MGF1 over the same hash and a salt of `salt_len` bytes (cards and most signers
    /// use the hash length).
    pub fn verify_digest_signature_pss(
        &self,
        hash: HashAlgorithm,
        digest: &[u8],
        signature: &[u8],
        salt_len: usize,
    ) -> Result<(), Error> {
        check_digest_len(hash, digest)?;
        let PublicKey::Rsa(k) = self else {
            return Err(Error::AlgorithmKeyMismatch {
                algorithm: "RSASSA-PSS".to_owned(),
                key: self.key_description(),
            });
        };
        let scheme = match hash {
            HashAlgorithm::Sha1 => rsa::Pss::new_with_salt::<sha1::Sha1>(salt_len),
            HashAlgorithm::Sha256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt_len),
            HashAlgorithm::Sha384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt_len),
            HashAlgorithm::Sha512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt_len),
        };
        k.0.verify(scheme, digest, signature)
            .map_err(|_| self.invalid())
    }

    /// ECDSA over a digest; DER-only when the container format says so.
    fn verify_ecdsa(
        &self,
        digest: &[u8],
        signature: &[u8],
        encoding: EcdsaEncoding,
    ) -> Result<(), Error> {
        match self {
            PublicKey::EcP256(k) => {
                let sig = read_ecdsa_signature(
                    signature,
                    32,
                    encoding,
                    |b| p256::ecdsa::Signature::from_slice(b).ok(),
                    |b| p256::ecdsa::Signature::from_der(b).ok(),
                )
                .map_err(|reason| self.malformed(reason))?;
                k.0.verify_prehash(digest, &sig).map_err(|_| self.invalid())
            }
            PublicKey::EcP384(k) => {
                let sig = read_ecdsa_signature(
                    signature,
                    48,
                    encoding,
                    |b| p384::ecdsa::Signature::from_slice(b).ok(),
                    |b| p384::ecdsa::Signature::from_der(b).ok(),
                )
                .map_err(|reason| self.malformed(reason))?;
                k.0.verify_prehash(digest, &sig).map_err(|_| self.invalid())
            }
            PublicKey::Rsa(_) => Err(Error::AlgorithmKeyMismatch {
                algorithm: "ECDSA".to_owned(),
                key: self.key_description(),
            }),
            PublicKey::Unsupported(_) => Err(Error::UnsupportedKey {
                key: self.key_description(),
            }),
        }
    }

    /// Checks a signature over `message` with the algorithm of an X.509 / CMS / OCSP
    /// `AlgorithmIdentifier` (ECDSA signatures DER-encoded, as those formats require).
    pub(crate) fn verify_message(
        &self,
        algorithm: crate::signature_algorithm::SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        use crate::signature_algorithm::SignatureAlgorithm as A;
        match algorithm {
            A::Ecdsa(hash) => {
                let digest = hash.digest(message);
                self.verify_ecdsa(&digest, signature, EcdsaEncoding::Der)
            }
            A::RsaPkcs1(hash) => {
                if !matches!(self, PublicKey::Rsa(_)) {
                    return Err(Error::AlgorithmKeyMismatch {
                        algorithm: format!("RSA PKCS#1 v1.5 with {hash}"),
                        key: self.key_description(),
                    });
                }
                self.verify_digest_signature(hash, &hash.digest(message), signature)
            }
            A::RsaPss { hash, salt_len } => {
                self.verify_digest_signature_pss(hash, &hash.digest(message), signature, salt_len)
            }
        }
    }

    fn malformed(&self, reason: String) -> Error {
        Error::SignatureEncoding {
            key: self.key_description(),
            reason,
        }
    }

    fn invalid(&self) -> Error {
        Error::SignatureInvalid {
            key: self.key_description(),
        }
    }
}

/// Reads an ECDSA signature: raw `r ‖ s` when it is exactly twice the field width (a DER
/// signature of that exact length would need unusually short r and s), DER otherwise.
fn read_ecdsa_signature<S>(
    signature: &[u8],
    field_len: usize,
    encoding: EcdsaEncoding,
    from_raw: impl Fn(&[u8]) -> Option<S>,
    from_der: impl Fn(&[u8]) -> Option<S>,
) -> Result<S, String> {
    if encoding == EcdsaEncoding::RawOrDer && signature.len() == 2 * field_len {
        return from_raw(signature)
            .ok_or_else(|| "r or s is zero or not below the group order".to_owned());
    }
    if signature.first() == Some(&0x30) {
        return from_der(signature).ok_or_else(|| "invalid DER ECDSA-Sig-Value".to_owned());
    }
    Err(match encoding {
        EcdsaEncoding::RawOrDer => format!(
            "{} bytes: neither raw r||s ({} bytes) nor DER",
            signature.len(),
            2 * field_len
        ),
        EcdsaEncoding::Der => "not a DER ECDSA-Sig-Value".to_owned(),
    })
}

fn check_digest_len(hash: HashAlgorithm, digest: &[u8]) -> Result<(), Error> {
    if digest.len() != hash.output_len() {
        return Err(Error::DigestLength {
            algorithm: hash.name(),
            expected: hash.output_len(),
            found: digest.len(),
        });
    }
    Ok(())
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.key_description())
    }
}

impl fmt::Debug for P256PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P256PublicKey({})",
            hex::encode(self.to_sec1_uncompressed())
        )
    }
}

impl fmt::Debug for P384PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P384PublicKey({})",
            hex::encode(self.to_sec1_uncompressed())
        )
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits())
    }
}

/// RSAPublicKey as some older ID-card certificates write it, which OpenSSL, libdigidocpp and
/// DSS read: INTEGERs with superfluous leading zero bytes (the 2011–2014 Estonian cards'
/// 2047-bit keys), or a modulus without the zero byte its sign needs (it reads as negative;
/// a modulus is unsigned by definition, so its bytes are taken as the magnitude). Nothing else
/// departs from DER: the structure, the tags and a positive exponent must hold. The
/// certificate's own signature covers these bytes as they are.
fn rsa_public_key_lenient(der: &[u8]) -> Result<(rsa::BigUint, rsa::BigUint), Error> {
    use crate::asn1::reader::{parse_single, tag};
    let seq = parse_single(der, tag::SEQUENCE, "RSAPublicKey")?;
    let mut fields = seq.reader();
    let mut unsigned = |field: &'static str, may_look_negative: bool| {
        let bytes = fields.read(tag::INTEGER, field)?.integer_bytes(field)?;
        if bytes[0] & 0x80 != 0 && !may_look_negative {
            return Err(Error::Der {
                what: "RSAPublicKey",
                reason: format!("{field}: negative"),
            });
        }
        Ok::<_, Error>(rsa::BigUint::from_bytes_be(bytes))
    };
    let n = unsigned("modulus", true)?;
    let e = unsigned("publicExponent", false)?;
    fields.finish()?;
    Ok((n, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SubjectPublicKeyInfo for rsaEncryption around `rsa_public_key`.
    fn spki(rsa_public_key: &[u8]) -> Vec<u8> {
        fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
            let mut out = vec![tag];
            match content.len() {
                n if n < 0x80 => out.push(n as u8),
                n if n < 0x100 => out.extend([0x81, n as u8]),
                n => out.extend([0x82, (n >> 8) as u8, n as u8]),
            }
            out.extend_from_slice(content);
            out
        }
        let algorithm = [
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05,
            0x00,
        ];
        let mut bits = vec![0];
        bits.extend_from_slice(rsa_public_key);
        let mut body = algorithm.to_vec();
        body.extend(tlv(0x03, &bits));
        tlv(0x30, &body)
    }

    fn rsa_key(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
        let mut body = vec![0x02, 0x82, (modulus.len() >> 8) as u8, modulus.len() as u8];
        body.extend_from_slice(modulus);
        body.extend([0x02, exponent.len() as u8]);
        body.extend_from_slice(exponent);
        let mut out = vec![0x30, 0x82, (body.len() >> 8) as u8, body.len() as u8];
        out.extend(body);
        out
    }

    #[test]
    fn rsa_modulus_with_superfluous_leading_zeros_is_read_as_the_same_key() {
        // A 2047-bit modulus (top byte 0x7f), written minimally and with an extra 0x00.
        let mut modulus = vec![0x7f; 256];
        modulus[255] = 0x01;
        let minimal = PublicKey::from_spki_der(&spki(&rsa_key(&modulus, &[1, 0, 1]))).unwrap();
        let mut padded = vec![0x00];
        padded.extend_from_slice(&modulus);
        let lenient = PublicKey::from_spki_der(&spki(&rsa_key(&padded, &[1, 0, 1]))).unwrap();
        let (PublicKey::Rsa(a), PublicKey::Rsa(b)) = (&minimal, &lenient) else {
            panic!("RSA keys expected");
        };
        assert_eq!(a.0, b.0);
        assert_eq!(b.bits(), 2047);
    }

    #[test]
    fn rsa_modulus_missing_its_sign_byte_reads_as_unsigned_but_a_negative_exponent_is_refused() {
        let mut modulus = vec![0xc1; 256];
        modulus[255] = 0x01;
        let key = PublicKey::from_spki_der(&spki(&rsa_key(&modulus, &[1, 0, 1]))).unwrap();
        let PublicKey::Rsa(k) = &key else {
            panic!("an RSA key expected");
        };
        assert_eq!(k.bits(), 2048);
        assert_eq!(k.0.n().to_bytes_be(), modulus);
        assert!(PublicKey::from_spki_der(&spki(&rsa_key(&modulus, &[0x81, 0, 1]))).is_err());
    }
}
