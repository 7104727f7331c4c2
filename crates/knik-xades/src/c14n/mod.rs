//! Canonical XML 1.0, Canonical XML 1.1 and Exclusive XML Canonicalization 1.0, over a whole
//! document or over the subtree of one element (the document subset that an XMLDSig
//! same-document reference, `SignedInfo` or `SignedProperties`, selects).
//!
//! Implemented from the W3C recommendations xml-c14n (2001-03-15), xml-c14n11 (2008-05-02) and
//! xml-exc-c14n (2002-07-18); checked byte for byte against libxml2 (see
//! `tests/c14n_differential.rs`).

mod algorithm;
mod render;
mod xml_base;

use std::io::Write;

pub use algorithm::Algorithm;

use crate::error::{Error, Result};
use crate::xml::{Document, Node, NodeType};

/// A configured canonicalization method.
///
/// ```
/// use knik_xades::c14n::{Algorithm, Canonicalizer};
/// use knik_xades::xml::Document;
///
/// let doc = Document::parse(br#"<a:r xmlns:a="urn:a" xmlns:b="urn:b"><b:s Id="x" z="2" y="1"/></a:r>"#)?;
/// let signed = doc.element_by_id("x").unwrap();
/// let bytes = Canonicalizer::new(Algorithm::Exclusive10).subtree_to_vec(signed)?;
/// assert_eq!(bytes, br#"<b:s xmlns:b="urn:b" Id="x" y="1" z="2"></b:s>"#);
/// # Ok::<(), knik_xades::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonicalizer {
    algorithm: Algorithm,
    inclusive_prefixes: Vec<Option<String>>,
}

impl Canonicalizer {
    /// A canonicalizer for `algorithm`, with an empty InclusiveNamespaces PrefixList.
    pub fn new(algorithm: Algorithm) -> Self {
        Canonicalizer {
            algorithm,
            inclusive_prefixes: Vec::new(),
        }
    }

    /// Sets the InclusiveNamespaces PrefixList of exclusive canonicalization (exc-c14n §3):
    /// the value of the `PrefixList` attribute, white-space separated, `#default` standing for
    /// the default namespace. Ignored by the inclusive algorithms.
    pub fn with_prefix_list(mut self, prefix_list: &str) -> Self {
        self.inclusive_prefixes = prefix_list
            .split([' ', '\t', '\r', '\n'])
            .filter(|p| !p.is_empty())
            .map(|p| (p != "#default").then(|| p.to_owned()))
            .collect();
        self
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    fn options(&self) -> render::Options<'_> {
        render::Options {
            family: self.algorithm.family(),
            comments: self.algorithm.with_comments(),
            inclusive_prefixes: if self.algorithm.is_exclusive() {
                &self.inclusive_prefixes
            } else {
                &[]
            },
        }
    }

    /// Canonicalizes the whole document into `out` (comments per the algorithm).
    ///
    /// # Errors
    /// [`Error::RelativeNamespaceUri`] for a namespace URI without a scheme (C14N 1.0 §2.1);
    /// [`Error::Io`] when the writer fails.
    pub fn document<W: Write>(&self, doc: &Document, out: &mut W) -> Result<()> {
        render::document(doc, &self.options(), out)
    }

    /// Canonicalizes the subtree rooted at `apex` into `out`: the element, its attributes, the
    /// namespaces in scope (inherited from ancestors as each algorithm prescribes), its
    /// descendants, and for C14N 1.0/1.1 the inherited `xml:*` attributes. Passing the document
    /// node canonicalizes the whole document.
    ///
    /// Comments follow the algorithm; for a same-document reference use
    /// [`Algorithm::without_comments`] (XMLDSig §4.3.3.3).
    ///
    /// # Errors
    /// [`Error::NotAnElement`] for a text, comment or processing-instruction node;
    /// [`Error::RelativeNamespaceUri`] for a namespace URI without a scheme in scope;
    /// [`Error::Io`] when the writer fails.
    pub fn subtree<W: Write>(&self, apex: Node<'_>, out: &mut W) -> Result<()> {
        match apex.node_type() {
            NodeType::Element => render::subtree(apex, &self.options(), out),
            NodeType::Document => render::document(apex.document(), &self.options(), out),
            _ => Err(Error::NotAnElement {
                operation: "canonicalize a subtree",
            }),
        }
    }

    /// [`Canonicalizer::document`] into a new vector.
    ///
    /// # Errors
    /// [`Error::RelativeNamespaceUri`].
    pub fn document_to_vec(&self, doc: &Document) -> Result<Vec<u8>> {
        let mut v = Vec::new();
        self.document(doc, &mut v)?;
        Ok(v)
    }

    /// [`Canonicalizer::subtree`] into a new vector.
    ///
    /// # Errors
    /// As [`Canonicalizer::subtree`].
    pub fn subtree_to_vec(&self, apex: Node<'_>) -> Result<Vec<u8>> {
        let mut v = Vec::new();
        self.subtree(apex, &mut v)?;
        Ok(v)
    }
}
