//! Generic XML Signature (XMLDSig 1.1) processing: algorithm identifiers, `SignedInfo`
//! canonicalization and `SignatureValue` checks, and same-document reference digests.
//!
//! The procedure a verifier follows (XMLDSig §3.2), with this module:
//!
//! 1. Parse the document with [`Document::parse`](crate::xml::Document::parse) (it refuses
//!    DTDs and duplicate `Id`s, which defeats signature wrapping by ambiguous references).
//! 2. Find the `ds:Signature` element and the signer's public key (from a trusted source, or
//!    from `KeyInfo` followed by a chain check elsewhere).
//! 3. [`verify_signed_info`] canonicalizes `SignedInfo` with its `CanonicalizationMethod`
//!    (inclusive C14N 1.0 when absent), hashes it with the `SignatureMethod`'s hash and checks
//!    `SignatureValue`.
//! 4. For every [`Reference`] of [`SignedInfoCheck::references`]: a same-document one with
//!    [`Reference::same_document_digest`], an external one by hashing the data the caller
//!    resolves; compare with [`Reference::digest_value`].
//!
//! Only when both steps pass is the signed content authentic; trust in the key is the
//! caller's business.
//!
//! ```
//! use knik_xades::dsig::{self, SignatureMethod};
//! assert_eq!(
//!     SignatureMethod::from_uri("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384")?,
//!     SignatureMethod::EcdsaSha384
//! );
//! assert_eq!(dsig::digest_method_uri(knik_pki::HashAlgorithm::Sha256),
//!            "http://www.w3.org/2001/04/xmlenc#sha256");
//! # Ok::<(), knik_xades::Error>(())
//! ```

mod algorithms;
mod digest;
mod reference;
mod value;

use base64::Engine;
use knik_pki::PublicKey;

pub use algorithms::{
    ENVELOPED_SIGNATURE, SignatureMethod, digest_method_from_uri, digest_method_uri,
};
pub use digest::DigestWriter;
pub use reference::{Reference, Transform};
pub use value::{ecdsa_field_len, ecdsa_to_raw, verify_signature_value};

use crate::c14n::{Algorithm, Canonicalizer};
use crate::error::{Error, Result};
use crate::xml::Node;

/// The XMLDSig namespace.
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The namespace of exclusive c14n's `InclusiveNamespaces` element.
pub const EXC_C14N_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// Decodes base64 element content, ignoring white space (XMLDSig values are often wrapped).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()
}

/// Encodes bytes as one line of standard base64.
pub fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The canonicalization a `ds:CanonicalizationMethod` (or a time-stamp's) names; an absent
/// element means inclusive C14N 1.0 (XMLDSig default; ETSI EN 319 132-1 for time-stamps).
///
/// # Errors
/// [`Error::UnknownAlgorithm`] for an unknown URI.
pub fn canonicalizer_for(method: Option<Node<'_>>) -> Result<Canonicalizer> {
    let Some(method) = method else {
        return Ok(Canonicalizer::new(Algorithm::Inclusive10));
    };
    let uri = method.attribute(None, "Algorithm").unwrap_or_default();
    let mut c = Canonicalizer::new(Algorithm::from_uri(uri)?);
    if let Some(p) = reference::prefix_list(method) {
        c = c.with_prefix_list(&p);
    }
    Ok(c)
}

/// What [`canonical_signed_info`] found: enough to recompute and check the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInfoCheck {
    /// The `SignedInfo` canonicalization (inclusive C14N 1.0 when none was given).
    pub canonicalization: Algorithm,
    /// Whether `CanonicalizationMethod` was present.
    pub canonicalization_explicit: bool,
    /// The `SignatureMethod`.
    pub signature_method: SignatureMethod,
    /// The canonical `SignedInfo` octets.
    pub canonical: Vec<u8>,
    /// Their hash with the signature method's hash: what the signer signed.
    pub digest: Vec<u8>,
    /// The references in order.
    pub references: Vec<Reference>,
}

/// The `ds:SignedInfo` child of a `ds:Signature` element.
///
/// # Errors
/// [`Error::MalformedSignature`] when it is missing or not unique.
pub fn signed_info_element<'a>(signature: Node<'a>) -> Result<Node<'a>> {
    let mut it = signature.children_named(Some(DS), "SignedInfo");
    match (it.next(), it.next()) {
        (Some(si), None) => Ok(si),
        (None, _) => Err(Error::MalformedSignature {
            element: "ds:SignedInfo",
            reason: "missing".to_owned(),
        }),
        (Some(_), Some(_)) => Err(Error::MalformedSignature {
            element: "ds:SignedInfo",
            reason: "more than one".to_owned(),
        }),
    }
}

/// Canonicalizes the `SignedInfo` of the `ds:Signature` element `signature` with its
/// `CanonicalizationMethod`, hashes it with the `SignatureMethod`'s hash and reads the
/// references. Does not check the signature value (see [`verify_signed_info`]).
///
/// # Errors
/// [`Error::MalformedSignature`] for a missing `SignedInfo`/`SignatureMethod` or a broken
/// reference; [`Error::UnknownAlgorithm`] / [`Error::UnsupportedAlgorithm`] for unknown
/// canonicalization or signature methods.
pub fn canonical_signed_info(signature: Node<'_>) -> Result<SignedInfoCheck> {
    let si = signed_info_element(signature)?;
    let c14n_method = si.first_child_named(Some(DS), "CanonicalizationMethod");
    let canonicalizer = canonicalizer_for(c14n_method)?;
    let method_uri = si
        .first_child_named(Some(DS), "SignatureMethod")
        .and_then(|m| m.attribute(None, "Algorithm"))
        .ok_or_else(|| Error::MalformedSignature {
            element: "ds:SignatureMethod",
            reason: "missing".to_owned(),
        })?;
    let signature_method = SignatureMethod::from_uri(method_uri)?;
    let canonical = canonicalizer.subtree_to_vec(si)?;
    let digest = signature_method.hash().digest(&canonical);
    let references = si
        .children_named(Some(DS), "Reference")
        .map(Reference::from_element)
        .collect::<Result<Vec<_>>>()?;
    Ok(SignedInfoCheck {
        canonicalization: canonicalizer.algorithm(),
        canonicalization_explicit: c14n_method.is_some(),
        signature_method,
        canonical,
        digest,
        references,
    })
}

/// The decoded `ds:SignatureValue` of a `ds:Signature` element.
///
/// # Errors
/// [`Error::MalformedSignature`] when it is missing or not base64.
pub fn signature_value(signature: Node<'_>) -> Result<Vec<u8>> {
    let node = signature
        .first_child_named(Some(DS), "SignatureValue")
        .ok_or_else(|| Error::MalformedSignature {
            element: "ds:SignatureValue",
            reason: "missing".to_owned(),
        })?;
    decode_base64(&node.text_content()).ok_or_else(|| Error::MalformedSignature {
        element: "ds:SignatureValue",
        reason: "not base64".to_owned(),
    })
}

/// Checks the `SignatureValue` of the `ds:Signature` element `signature` with `key`: the
/// canonical `SignedInfo` (see [`canonical_signed_info`]) hashed and verified with the
/// `SignatureMethod` (ECDSA raw of any width or DER; RSA PKCS#1 v1.5 or PSS with salt = hash
/// length). The references are read but **not** checked: do that next (module docs).
///
/// # Errors
/// As [`canonical_signed_info`] and [`signature_value`]; [`Error::SignatureValueInvalid`] when
/// the value does not verify.
pub fn verify_signed_info(signature: Node<'_>, key: &PublicKey) -> Result<SignedInfoCheck> {
    let check = canonical_signed_info(signature)?;
    let value = signature_value(signature)?;
    verify_signature_value(check.signature_method, key, &check.digest, &value)?;
    Ok(check)
}

/// The DER certificates of `ds:KeyInfo/ds:X509Data/ds:X509Certificate`, in document order.
///
/// # Errors
/// [`Error::MalformedSignature`] for a certificate that is not base64.
pub fn key_info_certificates(signature: Node<'_>) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for ki in signature.children_named(Some(DS), "KeyInfo") {
        for data in ki.children_named(Some(DS), "X509Data") {
            for c in data.children_named(Some(DS), "X509Certificate") {
                out.push(decode_base64(&c.text_content()).ok_or_else(|| {
                    Error::MalformedSignature {
                        element: "ds:X509Certificate",
                        reason: "not base64".to_owned(),
                    }
                })?);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    #[test]
    fn same_document_reference_default_and_enveloped() {
        let xml = br##"<r xmlns="urn:x"><a Id="t"><!--c--><b/></a><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:Reference URI="#t"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AA==</ds:DigestValue></ds:Reference><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>AA==</ds:DigestValue></ds:Reference></ds:SignedInfo></ds:Signature></r>"##;
        let doc = Document::parse(xml).unwrap();
        let sig = doc
            .root_element()
            .unwrap()
            .first_child_named(Some(DS), "Signature")
            .unwrap();
        let si = signed_info_element(sig).unwrap();
        let refs: Vec<Reference> = si
            .children_named(Some(DS), "Reference")
            .map(|r| Reference::from_element(r).unwrap())
            .collect();
        let first = refs[0].same_document_digest(sig).unwrap();
        let expected =
            knik_pki::HashAlgorithm::Sha256.digest(br#"<a xmlns="urn:x" Id="t"><b></b></a>"#);
        assert_eq!(first, expected);
        let second = refs[1].same_document_digest(sig).unwrap();
        let expected =
            knik_pki::HashAlgorithm::Sha1.digest(br#"<r xmlns="urn:x"><a Id="t"><b></b></a></r>"#);
        assert_eq!(second, expected);
        let missing = Reference {
            uri: Some("#nope".to_owned()),
            ..refs[0].clone()
        };
        assert_eq!(
            missing.same_document_digest(sig),
            Err(Error::ReferenceNotFound {
                uri: "#nope".to_owned()
            })
        );
        let xp = Reference {
            uri: Some("#xpointer(id('t'))".to_owned()),
            ..refs[0].clone()
        };
        assert_eq!(xp.same_document_digest(sig).unwrap(), first);
    }
}
