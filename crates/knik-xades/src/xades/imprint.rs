//! What the XAdES time-stamps cover (EN 319 132-1 §5.3 and §5.5.2).

use std::io::Write;

use super::DataResolver;
use crate::c14n::Canonicalizer;
use crate::dsig::{DS, Reference, signed_info_element};
use crate::error::{Error, Result};
use crate::xml::Node;

/// Writes the input of a `SignatureTimeStamp` imprint: the canonical `ds:SignatureValue`
/// element (not its text).
pub(crate) fn signature_timestamp_input(
    signature: Node<'_>,
    c14n: &Canonicalizer,
    out: &mut dyn Write,
) -> Result<()> {
    let sv = signature
        .first_child_named(Some(DS), "SignatureValue")
        .ok_or_else(|| Error::MalformedSignature {
            element: "ds:SignatureValue",
            reason: "missing".to_owned(),
        })?;
    out.write_all(&c14n.subtree_to_vec(sv)?)?;
    Ok(())
}

/// Writes the input of an `xades141:ArchiveTimeStamp` imprint (EN 319 132-1 §5.5.2.2,
/// reference/signing.md §2.6 item 3), in order:
/// 1. for each `ds:Reference`: the octets its digest covers (the raw data object, or the
///    transformed same-document node-set such as the canonical SignedProperties);
/// 2. the canonical `SignedInfo`, `SignatureValue` and `KeyInfo`;
/// 3. every child element of `UnsignedSignatureProperties` before `stop` (all of them when
///    `stop` is `None`, for a new time-stamp), canonicalised.
///
/// Returns [`Error::ReferenceNotFound`] when `data` lacks a data object.
pub(crate) fn archive_timestamp_input(
    signature: Node<'_>,
    unsigned_signature_properties: Option<Node<'_>>,
    stop: Option<Node<'_>>,
    c14n: &Canonicalizer,
    data: &mut dyn DataResolver,
    out: &mut dyn Write,
) -> Result<()> {
    let si = signed_info_element(signature)?;
    for r in si.children_named(Some(DS), "Reference") {
        let reference = Reference::from_element(r)?;
        if reference.is_same_document() {
            reference.write_same_document(signature, out)?;
        } else {
            let uri = reference.uri.clone().unwrap_or_default();
            if !reference.transforms.is_empty() {
                return Err(Error::UnsupportedAlgorithm {
                    kind: "transform (on a data object)",
                    uri: reference.transforms[0].uri().to_owned(),
                });
            }
            if !data.write_data(&uri, out)? {
                return Err(Error::ReferenceNotFound { uri });
            }
        }
    }
    out.write_all(&c14n.subtree_to_vec(si)?)?;
    signature_timestamp_input(signature, c14n, out)?;
    if let Some(ki) = signature.first_child_named(Some(DS), "KeyInfo") {
        out.write_all(&c14n.subtree_to_vec(ki)?)?;
    }
    if let Some(usp) = unsigned_signature_properties {
        for child in usp.child_elements() {
            if Some(child) == stop {
                break;
            }
            out.write_all(&c14n.subtree_to_vec(child)?)?;
        }
    }
    Ok(())
}
