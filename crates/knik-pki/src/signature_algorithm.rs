//! Signature algorithm identifiers of X.509 (and later CMS, OCSP, TSP) and what they mean.

use der::Decode;
use spki::AlgorithmIdentifierRef;

use crate::hash::HashAlgorithm;
use crate::{Error, oid};

/// A signature algorithm we can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureAlgorithm {
    /// ECDSA with the hash (RFC 5758 §3.2); the curve comes from the key.
    Ecdsa(HashAlgorithm),
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    RsaPkcs1(HashAlgorithm),
    /// RSASSA-PSS with MGF1 over the same hash (RFC 4055 §3.1).
    RsaPss {
        /// Message hash, also used by MGF1.
        hash: HashAlgorithm,
        /// Salt length in bytes.
        salt_len: usize,
    },
}

impl SignatureAlgorithm {
    /// Reads a DER `AlgorithmIdentifier`.
    ///
    /// SHA-1 based algorithms are refused: RFC 9155 / ETSI TS 119 312 no longer accept them for
    /// new signatures, and nothing in the Armenian PKI uses them.
    pub(crate) fn from_der(der: &[u8]) -> Result<Self, Error> {
        let alg = AlgorithmIdentifierRef::from_der(der)
            .map_err(|e| Error::der("signature AlgorithmIdentifier", e))?;
        let name = alg.oid.to_string();
        let refuse_sha1 = |name: &str| Error::UnsupportedAlgorithm {
            oid: name.to_owned(),
            reason: "SHA-1 signatures are not accepted".to_owned(),
        };
        let algorithm = match name.as_str() {
            oid::SIG_ECDSA_SHA256 => Self::Ecdsa(HashAlgorithm::Sha256),
            oid::SIG_ECDSA_SHA384 => Self::Ecdsa(HashAlgorithm::Sha384),
            oid::SIG_ECDSA_SHA512 => Self::Ecdsa(HashAlgorithm::Sha512),
            oid::SIG_RSA_SHA256 => Self::RsaPkcs1(HashAlgorithm::Sha256),
            oid::SIG_RSA_SHA384 => Self::RsaPkcs1(HashAlgorithm::Sha384),
            oid::SIG_RSA_SHA512 => Self::RsaPkcs1(HashAlgorithm::Sha512),
            oid::SIG_ECDSA_SHA1 | oid::SIG_RSA_SHA1 => return Err(refuse_sha1(&name)),
            oid::SIG_RSA_PSS => return Self::pss(&alg),
            _ => {
                return Err(Error::UnsupportedAlgorithm {
                    oid: name,
                    reason: "unknown signature algorithm".to_owned(),
                });
            }
        };
        Ok(algorithm)
    }

    /// RSASSA-PSS-params (RFC 4055 §3.1); absent fields take their DEFAULT (SHA-1, salt 20).
    fn pss(alg: &AlgorithmIdentifierRef<'_>) -> Result<Self, Error> {
        let unsupported = |reason: String| Error::UnsupportedAlgorithm {
            oid: oid::SIG_RSA_PSS.to_owned(),
            reason,
        };
        let params = alg
            .parameters
            .ok_or_else(|| unsupported("RSASSA-PSS without parameters means SHA-1".to_owned()))?;
        let params = params
            .decode_as::<rsa::pkcs1::RsaPssParams<'_>>()
            .map_err(|e| Error::der("RSASSA-PSS-params", e))?;
        let hash_oid = params.hash.oid.to_string();
        let hash = HashAlgorithm::from_oid(&hash_oid)
            .ok_or_else(|| unsupported(format!("unknown PSS hash {hash_oid}")))?;
        if hash == HashAlgorithm::Sha1 {
            return Err(unsupported("SHA-1 signatures are not accepted".to_owned()));
        }
        if params.mask_gen.oid.to_string() != oid::MGF1 {
            return Err(unsupported(format!(
                "mask generation function {} is not MGF1",
                params.mask_gen.oid
            )));
        }
        let mgf_hash = params
            .mask_gen
            .parameters
            .map(|p| p.oid.to_string())
            .unwrap_or_else(|| HashAlgorithm::Sha1.oid().to_owned());
        if mgf_hash != hash_oid {
            return Err(unsupported(format!(
                "MGF1 hash {mgf_hash} differs from message hash {hash_oid}"
            )));
        }
        Ok(Self::RsaPss {
            hash,
            salt_len: usize::from(params.salt_len),
        })
    }
}
