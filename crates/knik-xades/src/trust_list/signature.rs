//! The enveloped XMLDSig signature of a trusted list (TS 119 612 §5.7.1), checked with
//! [`crate::dsig`] against the configured list-signer certificates.

use knik_pki::Certificate;

use super::error::TrustListError;
use crate::dsig::{self, Transform};
use crate::xml::Node;

/// Verifies the one `ds:Signature` child of the list's root `root` and returns the signer
/// certificate among `signers` whose key verified it.
///
/// * The signature's KeyInfo certificate, when there is one, must be a configured signer
///   ([`TrustListError::UnknownSigner`] otherwise — even when its signature would verify);
///   without KeyInfo every configured signer is tried.
/// * The SignatureValue must verify over the canonical SignedInfo.
/// * Every same-document reference's digest must match (XAdES SignedProperties included);
///   one of them must be an enveloped reference to the whole list (`""` or the root's Id).
pub(super) fn verify(
    root: Node<'_>,
    signers: &[Certificate],
) -> Result<Certificate, TrustListError> {
    if signers.is_empty() {
        return Err(TrustListError::NoSignerConfigured);
    }
    let mut signatures = root.children_named(Some(dsig::DS), "Signature");
    let signature = match (signatures.next(), signatures.next()) {
        (Some(s), None) => s,
        (None, _) => {
            return Err(TrustListError::NotSigned {
                reason: "no ds:Signature element under the list's root".into(),
            });
        }
        (Some(_), Some(_)) => {
            return Err(TrustListError::NotSigned {
                reason: "more than one ds:Signature element under the list's root".into(),
            });
        }
    };

    let candidates: Vec<&Certificate> = match dsig::key_info_certificates(signature)?.first() {
        Some(der) => {
            let embedded =
                Certificate::from_der(der).map_err(|source| TrustListError::Certificate {
                    service: "list signer (KeyInfo)".into(),
                    source,
                })?;
            let configured = signers.iter().find(|s| {
                s.subject_public_key_info_der() == embedded.subject_public_key_info_der()
            });
            match configured {
                Some(c) => vec![c],
                None => {
                    return Err(TrustListError::UnknownSigner {
                        subject: embedded.subject().to_rfc4514(),
                    });
                }
            }
        }
        None => signers.iter().collect(),
    };

    let mut last_failure = None;
    let mut verified = None;
    for signer in candidates {
        match dsig::verify_signed_info(signature, signer.public_key()) {
            Ok(check) => {
                verified = Some((signer, check));
                break;
            }
            Err(crate::Error::SignatureValueInvalid { .. }) => {
                last_failure = Some(format!(
                    "the signature value does not verify with the key of \"{}\"",
                    signer.subject()
                ));
            }
            Err(other) => return Err(TrustListError::Xml(other)),
        }
    }
    let Some((signer, check)) = verified else {
        return Err(TrustListError::SignatureInvalid {
            reason: last_failure.unwrap_or_default(),
        });
    };

    let root_id = root.attribute(None, "Id");
    let mut covers_list = false;
    for reference in &check.references {
        let uri = reference.uri.clone().unwrap_or_default();
        if !reference.is_same_document() {
            return Err(TrustListError::SignatureScope {
                reason: format!("reference \"{uri}\" points outside the list"),
            });
        }
        let digest = reference.same_document_digest(signature)?;
        if digest != reference.digest_value {
            return Err(TrustListError::DigestMismatch { uri });
        }
        let whole = uri.is_empty() || (root_id.is_some() && reference.target_id() == root_id);
        if whole
            && reference
                .transforms
                .contains(&Transform::EnvelopedSignature)
        {
            covers_list = true;
        }
    }
    if !covers_list {
        return Err(TrustListError::SignatureScope {
            reason: "no enveloped reference to the whole document".into(),
        });
    }
    Ok(signer.clone())
}
