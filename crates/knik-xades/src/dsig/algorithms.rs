//! XMLDSig algorithm identifiers: `SignatureMethod` and `DigestMethod` URIs (XMLDSig 1.1 §6,
//! RFC 6931 "Additional XML Security URIs").

use knik_pki::HashAlgorithm;

use crate::error::{Error, Result};

/// A `ds:SignatureMethod` this crate can check and produce.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureMethod {
    /// ECDSA (value raw `r ‖ s`) with SHA-1 (RFC 6931 §2.3.6); checking old signatures only.
    EcdsaSha1,
    /// ECDSA with SHA-256.
    EcdsaSha256,
    /// ECDSA with SHA-384.
    EcdsaSha384,
    /// ECDSA with SHA-512.
    EcdsaSha512,
    /// RSASSA-PKCS1-v1_5 with SHA-1 (XMLDSig 1.0); checking old signatures only.
    RsaSha1,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaSha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaSha384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RsaSha512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt of 32 bytes (RFC 6931 §2.3.10).
    RsaPssSha256,
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, salt of 48 bytes.
    RsaPssSha384,
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512, salt of 64 bytes.
    RsaPssSha512,
}

impl SignatureMethod {
    /// Every method, in a fixed order.
    pub const ALL: [SignatureMethod; 11] = [
        SignatureMethod::EcdsaSha1,
        SignatureMethod::EcdsaSha256,
        SignatureMethod::EcdsaSha384,
        SignatureMethod::EcdsaSha512,
        SignatureMethod::RsaSha1,
        SignatureMethod::RsaSha256,
        SignatureMethod::RsaSha384,
        SignatureMethod::RsaSha512,
        SignatureMethod::RsaPssSha256,
        SignatureMethod::RsaPssSha384,
        SignatureMethod::RsaPssSha512,
    ];

    /// The algorithm URI.
    pub fn uri(self) -> &'static str {
        match self {
            SignatureMethod::EcdsaSha1 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
            SignatureMethod::EcdsaSha256 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            SignatureMethod::EcdsaSha384 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            SignatureMethod::EcdsaSha512 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
            SignatureMethod::RsaSha1 => "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            SignatureMethod::RsaSha256 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            SignatureMethod::RsaSha384 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            SignatureMethod::RsaSha512 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            SignatureMethod::RsaPssSha256 => {
                "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"
            }
            SignatureMethod::RsaPssSha384 => {
                "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1"
            }
            SignatureMethod::RsaPssSha512 => {
                "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1"
            }
        }
    }

    /// The method with this URI (exact match).
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for any other URI.
    pub fn from_uri(uri: &str) -> Result<SignatureMethod> {
        SignatureMethod::ALL
            .into_iter()
            .find(|m| m.uri() == uri)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                kind: "signature method",
                uri: uri.to_owned(),
            })
    }

    /// The hash the method signs with.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            SignatureMethod::EcdsaSha1 | SignatureMethod::RsaSha1 => HashAlgorithm::Sha1,
            SignatureMethod::EcdsaSha256
            | SignatureMethod::RsaSha256
            | SignatureMethod::RsaPssSha256 => HashAlgorithm::Sha256,
            SignatureMethod::EcdsaSha384
            | SignatureMethod::RsaSha384
            | SignatureMethod::RsaPssSha384 => HashAlgorithm::Sha384,
            SignatureMethod::EcdsaSha512
            | SignatureMethod::RsaSha512
            | SignatureMethod::RsaPssSha512 => HashAlgorithm::Sha512,
        }
    }

    /// True for the ECDSA methods.
    pub fn is_ecdsa(self) -> bool {
        matches!(
            self,
            SignatureMethod::EcdsaSha1
                | SignatureMethod::EcdsaSha256
                | SignatureMethod::EcdsaSha384
                | SignatureMethod::EcdsaSha512
        )
    }

    /// True for the RSASSA-PSS methods.
    pub fn is_rsa_pss(self) -> bool {
        matches!(
            self,
            SignatureMethod::RsaPssSha256
                | SignatureMethod::RsaPssSha384
                | SignatureMethod::RsaPssSha512
        )
    }

    /// The ECDSA method for `hash`.
    pub fn ecdsa(hash: HashAlgorithm) -> SignatureMethod {
        match hash {
            HashAlgorithm::Sha1 => SignatureMethod::EcdsaSha1,
            HashAlgorithm::Sha384 => SignatureMethod::EcdsaSha384,
            HashAlgorithm::Sha512 => SignatureMethod::EcdsaSha512,
            _ => SignatureMethod::EcdsaSha256,
        }
    }

    /// The RSA method for `hash`, PKCS#1 v1.5 or (`pss`) RSASSA-PSS. There is no PSS with
    /// SHA-1 here: SHA-1 gives PKCS#1 v1.5.
    pub fn rsa(hash: HashAlgorithm, pss: bool) -> SignatureMethod {
        match (hash, pss) {
            (HashAlgorithm::Sha1, _) => SignatureMethod::RsaSha1,
            (HashAlgorithm::Sha384, false) => SignatureMethod::RsaSha384,
            (HashAlgorithm::Sha384, true) => SignatureMethod::RsaPssSha384,
            (HashAlgorithm::Sha512, false) => SignatureMethod::RsaSha512,
            (HashAlgorithm::Sha512, true) => SignatureMethod::RsaPssSha512,
            (_, false) => SignatureMethod::RsaSha256,
            (_, true) => SignatureMethod::RsaPssSha256,
        }
    }
}

/// `DigestMethod` URIs, the first one for each hash being the one this crate writes.
const DIGEST_URIS: [(&str, HashAlgorithm); 4] = [
    (
        "http://www.w3.org/2000/09/xmldsig#sha1",
        HashAlgorithm::Sha1,
    ),
    (
        "http://www.w3.org/2001/04/xmlenc#sha256",
        HashAlgorithm::Sha256,
    ),
    (
        "http://www.w3.org/2001/04/xmldsig-more#sha384",
        HashAlgorithm::Sha384,
    ),
    (
        "http://www.w3.org/2001/04/xmlenc#sha512",
        HashAlgorithm::Sha512,
    ),
];

/// The `DigestMethod` URI of `hash`.
pub fn digest_method_uri(hash: HashAlgorithm) -> &'static str {
    DIGEST_URIS
        .iter()
        .find(|(_, h)| *h == hash)
        .map_or(DIGEST_URIS[1].0, |(u, _)| u)
}

/// The hash a `DigestMethod` URI names.
///
/// # Errors
/// [`Error::UnsupportedAlgorithm`] for an unknown URI.
pub fn digest_method_from_uri(uri: &str) -> Result<HashAlgorithm> {
    DIGEST_URIS
        .iter()
        .find(|(u, _)| *u == uri)
        .map(|(_, h)| *h)
        .ok_or_else(|| Error::UnsupportedAlgorithm {
            kind: "digest method",
            uri: uri.to_owned(),
        })
}

/// The enveloped-signature transform (XMLDSig §6.6.4).
pub const ENVELOPED_SIGNATURE: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        for m in SignatureMethod::ALL {
            assert_eq!(SignatureMethod::from_uri(m.uri()), Ok(m));
        }
        for (uri, h) in DIGEST_URIS {
            assert_eq!(digest_method_from_uri(uri), Ok(h));
            assert_eq!(digest_method_uri(h), uri);
        }
        assert!(SignatureMethod::from_uri("http://www.w3.org/2000/09/xmldsig#dsa-sha1").is_err());
        assert_eq!(
            SignatureMethod::rsa(HashAlgorithm::Sha384, true),
            SignatureMethod::RsaPssSha384
        );
        assert_eq!(SignatureMethod::RsaPssSha384.hash(), HashAlgorithm::Sha384);
    }
}
