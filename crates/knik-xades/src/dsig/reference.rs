//! `ds:Reference`: reading one, and recomputing the digest of a same-document reference
//! (XMLDSig §4.4.3 and §4.4.3.3: `URI="#id"` and `URI=""`, with Transforms).

use std::io::Write;

use knik_pki::HashAlgorithm;

use super::algorithms::{ENVELOPED_SIGNATURE, digest_method_from_uri};
use super::digest::DigestWriter;
use super::{DS, EXC_C14N_NS, decode_base64};
use crate::c14n::{Algorithm, Canonicalizer};
use crate::error::{Error, Result};
use crate::xml::{Document, Node, NodeId};

/// One `ds:Transform`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transform {
    /// A canonicalization transform, with the exclusive c14n `InclusiveNamespaces` PrefixList
    /// when one is given.
    Canonicalization {
        /// The algorithm.
        algorithm: Algorithm,
        /// The `PrefixList` attribute value (exclusive c14n only).
        prefix_list: Option<String>,
    },
    /// The enveloped-signature transform: the node-set minus the enclosing `ds:Signature`.
    EnvelopedSignature,
    /// Any other transform (XPath, XSLT, base64, …): kept so the signature can be read, and
    /// refused when a digest would need it (`UNSUPPORTED_ALGORITHM`); ASiC-E signatures use
    /// none of them.
    Other(String),
}

impl Transform {
    /// The transform's algorithm URI.
    pub fn uri(&self) -> &str {
        match self {
            Transform::Canonicalization { algorithm, .. } => algorithm.uri(),
            Transform::EnvelopedSignature => ENVELOPED_SIGNATURE,
            Transform::Other(uri) => uri,
        }
    }
}

/// A `ds:Reference` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The `Id` attribute.
    pub id: Option<String>,
    /// The `URI` attribute as written (`None` when absent).
    pub uri: Option<String>,
    /// The `Type` attribute.
    pub reference_type: Option<String>,
    /// The transforms in order.
    pub transforms: Vec<Transform>,
    /// The `DigestMethod` URI.
    pub digest_method_uri: String,
    /// The hash it names, when this crate knows it.
    pub digest_method: Option<HashAlgorithm>,
    /// The decoded `DigestValue`.
    pub digest_value: Vec<u8>,
}

impl Reference {
    /// Reads a `ds:Reference` element.
    ///
    /// # Errors
    /// [`Error::MalformedSignature`] for a missing `DigestMethod`/`DigestValue` or a
    /// `DigestValue` that is not base64. Unknown transforms and digest methods are not errors
    /// here: they are kept for the caller to report.
    pub fn from_element(reference: Node<'_>) -> Result<Reference> {
        let mut transforms = Vec::new();
        if let Some(ts) = reference.first_child_named(Some(DS), "Transforms") {
            for t in ts.children_named(Some(DS), "Transform") {
                let uri = t.attribute(None, "Algorithm").unwrap_or_default();
                transforms.push(if uri == ENVELOPED_SIGNATURE {
                    Transform::EnvelopedSignature
                } else if let Ok(algorithm) = Algorithm::from_uri(uri) {
                    Transform::Canonicalization {
                        algorithm,
                        prefix_list: prefix_list(t),
                    }
                } else {
                    Transform::Other(uri.to_owned())
                });
            }
        }
        let method = reference
            .first_child_named(Some(DS), "DigestMethod")
            .ok_or_else(|| Error::MalformedSignature {
                element: "ds:Reference",
                reason: "no ds:DigestMethod".to_owned(),
            })?;
        let digest_method_uri = method
            .attribute(None, "Algorithm")
            .unwrap_or_default()
            .to_owned();
        let value = reference
            .first_child_named(Some(DS), "DigestValue")
            .ok_or_else(|| Error::MalformedSignature {
                element: "ds:Reference",
                reason: "no ds:DigestValue".to_owned(),
            })?;
        let digest_value =
            decode_base64(&value.text_content()).ok_or_else(|| Error::MalformedSignature {
                element: "ds:DigestValue",
                reason: "not base64".to_owned(),
            })?;
        Ok(Reference {
            id: reference.attribute(None, "Id").map(str::to_owned),
            uri: reference.attribute(None, "URI").map(str::to_owned),
            reference_type: reference.attribute(None, "Type").map(str::to_owned),
            transforms,
            digest_method: digest_method_from_uri(&digest_method_uri).ok(),
            digest_method_uri,
            digest_value,
        })
    }

    /// True when the URI points into the signature's own document (`""` or `#…`).
    pub fn is_same_document(&self) -> bool {
        self.uri
            .as_deref()
            .is_some_and(|u| u.is_empty() || u.starts_with('#'))
    }

    /// The element Id a same-document URI names: `#id` or `#xpointer(id('id'))`; `None` for
    /// `""`, external URIs and other XPointers.
    pub fn target_id(&self) -> Option<&str> {
        let fragment = self.uri.as_deref()?.strip_prefix('#')?;
        if let Some(inner) = fragment
            .strip_prefix("xpointer(id(")
            .and_then(|r| r.strip_suffix("))"))
        {
            let quoted = inner.strip_prefix('\'').and_then(|r| r.strip_suffix('\''));
            let quoted =
                quoted.or_else(|| inner.strip_prefix('"').and_then(|r| r.strip_suffix('"')));
            return quoted;
        }
        (!fragment.starts_with("xpointer(")).then_some(fragment)
    }

    /// The digest algorithm, or an error naming the unknown URI.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`].
    pub fn hash(&self) -> Result<HashAlgorithm> {
        self.digest_method
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                kind: "digest method",
                uri: self.digest_method_uri.clone(),
            })
    }

    /// Recomputes the digest of a same-document reference of the `ds:Signature` element
    /// `signature`: resolves the target (`#id`, `#xpointer(id('id'))` or `""` for the whole
    /// document, all without comments), applies the transforms (enveloped-signature, then one
    /// canonicalization; none means inclusive C14N 1.0) and hashes the result with the
    /// reference's `DigestMethod`. Compare with [`Reference::digest_value`].
    ///
    /// # Errors
    /// [`Error::ReferenceNotFound`] when the target is missing or the URI is not a
    /// same-document reference this crate resolves; [`Error::UnsupportedAlgorithm`] for an
    /// unknown digest method or transform, or a transform after the canonicalization.
    pub fn same_document_digest(&self, signature: Node<'_>) -> Result<Vec<u8>> {
        let mut out = DigestWriter::new(self.hash()?);
        self.write_same_document(signature, &mut out)?;
        Ok(out.finish())
    }

    /// Writes the octets a same-document reference digests (see
    /// [`Reference::same_document_digest`]) into `out`.
    ///
    /// # Errors
    /// As [`Reference::same_document_digest`].
    pub fn write_same_document(&self, signature: Node<'_>, out: &mut dyn Write) -> Result<()> {
        let uri = self.uri.as_deref().unwrap_or_default();
        let doc = signature.document();
        let target: NodeId = if uri.is_empty() {
            doc.document_node().id()
        } else {
            let id = self.target_id().ok_or_else(|| Error::ReferenceNotFound {
                uri: uri.to_owned(),
            })?;
            doc.element_by_id(id)
                .ok_or_else(|| Error::ReferenceNotFound {
                    uri: uri.to_owned(),
                })?
                .id()
        };
        let mut enveloped = false;
        let mut c14n: Option<(Algorithm, Option<&str>)> = None;
        for t in &self.transforms {
            if c14n.is_some() {
                return Err(unsupported_transform(t.uri(), "after canonicalization"));
            }
            match t {
                Transform::EnvelopedSignature => enveloped = true,
                Transform::Canonicalization {
                    algorithm,
                    prefix_list,
                } => c14n = Some((*algorithm, prefix_list.as_deref())),
                Transform::Other(uri) => return Err(unsupported_transform(uri, "")),
            }
        }
        // A same-document URI selects a node-set without comments (XMLDSig §4.4.3.3).
        let (algorithm, prefixes) = c14n.unwrap_or((Algorithm::Inclusive10, None));
        let mut canonicalizer = Canonicalizer::new(algorithm.without_comments());
        if let Some(p) = prefixes {
            canonicalizer = canonicalizer.with_prefix_list(p);
        }
        let mut sink = WriteAdapter(out);
        if enveloped {
            let pruned = without_subtree(doc, signature.id());
            canonicalizer.subtree(pruned.node(target), &mut sink)
        } else {
            canonicalizer.subtree(doc.node(target), &mut sink)
        }
    }
}

fn unsupported_transform(uri: &str, context: &str) -> Error {
    Error::UnsupportedAlgorithm {
        kind: if context.is_empty() {
            "transform"
        } else {
            "transform (after canonicalization)"
        },
        uri: uri.to_owned(),
    }
}

/// The `PrefixList` of an exclusive c14n `InclusiveNamespaces` child, if any.
pub(crate) fn prefix_list(method: Node<'_>) -> Option<String> {
    method
        .first_child_named(Some(EXC_C14N_NS), "InclusiveNamespaces")
        .and_then(|n| n.attribute(None, "PrefixList"))
        .map(str::to_owned)
}

/// A copy of `doc` in which `removed` is no longer a child of its parent (the enveloped
/// signature transform).
fn without_subtree(doc: &Document, removed: NodeId) -> Document {
    let mut copy = doc.clone();
    if let Some(parent) = copy.nodes[removed.0].parent {
        copy.nodes[parent.0].children.retain(|&c| c != removed);
    }
    copy
}

/// `&mut dyn Write` as a sized `Write` for the canonicalizer's generic methods.
struct WriteAdapter<'a>(&'a mut dyn Write);

impl Write for WriteAdapter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
