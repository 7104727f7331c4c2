//! Building a document in memory (for signatures: `SignedProperties`, `SignedInfo`, …), with
//! the same guarantees as a parsed one: every prefix bound, names and text valid XML, `Id`
//! values unique. Serialise it with [`Document::serialize`] and canonicalize it with
//! [`crate::c14n::Canonicalizer`]; both see exactly what a reader of the output will see.

use super::document::{
    Attribute, Document, ElementData, NamespaceDeclaration, NodeId, NodeKind, XML_NAMESPACE,
    XMLNS_NAMESPACE, is_id_attribute,
};
use super::text::is_xml_char;
use crate::error::{Error, Result};

fn invalid(value: &str, reason: &'static str) -> Error {
    Error::InvalidBuilderInput {
        value: value.to_owned(),
        reason,
    }
}

/// A conservative NCName check (Namespaces in XML 1.0 §3): ASCII letters, digits, `_`, `-`,
/// `.` and any non-ASCII character, not starting with a digit, `-` or `.`.
fn check_ncname(name: &str) -> Result<()> {
    let ok = name.chars().enumerate().all(|(i, c)| match c {
        'a'..='z' | 'A'..='Z' | '_' => true,
        '0'..='9' | '-' | '.' => i > 0,
        c => !c.is_ascii() && is_xml_char(c) && !c.is_whitespace(),
    });
    if name.is_empty() || !ok {
        return Err(invalid(name, "not an XML name without colon (NCName)"));
    }
    Ok(())
}

fn check_chars(text: &str) -> Result<()> {
    if text.chars().all(is_xml_char) {
        Ok(())
    } else {
        Err(invalid(text, "contains a character XML does not allow"))
    }
}

/// Checks a prefix/namespace pair for an element or attribute name.
fn check_name(prefix: Option<&str>, local: &str, namespace: Option<&str>) -> Result<()> {
    check_ncname(local)?;
    match (prefix, namespace) {
        (_, Some("")) => Err(invalid("", "an empty namespace URI is written as None")),
        (Some("xmlns"), _) => Err(invalid("xmlns", "the xmlns prefix is reserved")),
        (Some("xml"), ns) if ns != Some(XML_NAMESPACE) => Err(invalid(
            "xml",
            "the xml prefix is bound to the XML namespace only",
        )),
        (Some(p), None) => Err(invalid(p, "a prefixed name needs a namespace")),
        (Some(p), Some(_)) => check_ncname(p),
        (None, _) => Ok(()),
    }
}

impl Document {
    fn element_mut(&mut self, id: NodeId, operation: &'static str) -> Result<&mut ElementData> {
        match self.nodes.get_mut(id.0).map(|n| &mut n.kind) {
            Some(NodeKind::Element(e)) => Ok(e),
            _ => Err(Error::NotAnElement { operation }),
        }
    }

    fn check_parent(&self, parent: NodeId) -> Result<()> {
        match self.nodes.get(parent.0).map(|n| &n.kind) {
            Some(NodeKind::Element(_)) => Ok(()),
            Some(NodeKind::Document) => Ok(()),
            _ => Err(Error::NotAnElement {
                operation: "append a child",
            }),
        }
    }

    /// Appends an element to `parent` (an element, or the document node while it has no
    /// document element). When `prefix` is not already bound to `namespace` at that place, the
    /// new element gets the declaration (for no prefix and no namespace under a default
    /// namespace, `xmlns=""`).
    ///
    /// # Errors
    /// [`Error::InvalidBuilderInput`] for an invalid name or prefix/namespace pair;
    /// [`Error::NotAnElement`] for a parent that cannot have children.
    pub fn append_element(
        &mut self,
        parent: NodeId,
        prefix: Option<&str>,
        local_name: &str,
        namespace: Option<&str>,
    ) -> Result<NodeId> {
        check_name(prefix, local_name, namespace)?;
        self.check_parent(parent)?;
        if parent.0 == 0 && self.root_element().is_ok() {
            return Err(invalid(
                local_name,
                "the document already has a document element",
            ));
        }
        let mut namespaces = Vec::new();
        // Unequal also covers no prefix and no namespace under a default namespace: xmlns="".
        if prefix != Some("xml") && self.node(parent).lookup_namespace(prefix) != namespace {
            namespaces.push(NamespaceDeclaration {
                prefix: prefix.map(str::to_owned),
                uri: namespace.unwrap_or("").to_owned(),
            });
        }
        let data = ElementData {
            prefix: prefix.map(str::to_owned),
            local: local_name.to_owned(),
            namespace: namespace.map(str::to_owned),
            attributes: Vec::new(),
            namespaces,
        };
        Ok(self.push_node(parent, NodeKind::Element(data), None))
    }

    /// Declares a namespace on `element` before it has children (for example every prefix a
    /// signature uses, on its root). Redeclaring the same binding is a no-op.
    ///
    /// # Errors
    /// [`Error::InvalidBuilderInput`] for a reserved prefix or URI, a conflicting declaration
    /// on the element, or an element that already has children or uses the prefix otherwise.
    pub fn declare_namespace(
        &mut self,
        element: NodeId,
        prefix: Option<&str>,
        uri: &str,
    ) -> Result<()> {
        if let Some(p) = prefix {
            check_ncname(p)?;
            if p == "xml" || p == "xmlns" || uri.is_empty() {
                return Err(invalid(p, "reserved prefix, or empty URI for a prefix"));
            }
        }
        if uri == XML_NAMESPACE || uri == XMLNS_NAMESPACE {
            return Err(invalid(uri, "reserved namespace URI"));
        }
        check_chars(uri)?;
        let has_children = !self.data(element).children.is_empty();
        let e = self.element_mut(element, "declare a namespace")?;
        if let Some(d) = e.namespaces.iter().find(|d| d.prefix.as_deref() == prefix) {
            return if d.uri == uri {
                Ok(())
            } else {
                Err(invalid(
                    uri,
                    "the prefix is declared on this element with another URI",
                ))
            };
        }
        let target = Some(uri).filter(|u| !u.is_empty());
        let conflicts = (e.prefix.as_deref() == prefix && e.namespace.as_deref() != target)
            || e.attributes.iter().any(|a| {
                prefix.is_some()
                    && a.prefix.as_deref() == prefix
                    && a.namespace.as_deref() != target
            });
        if has_children || conflicts {
            return Err(invalid(
                uri,
                "declare namespaces before children and names that use them",
            ));
        }
        e.namespaces.push(NamespaceDeclaration {
            prefix: prefix.map(str::to_owned),
            uri: uri.to_owned(),
        });
        Ok(())
    }

    /// Sets (adds or replaces) an attribute. A prefixed attribute whose prefix is not bound
    /// to `namespace` gets a declaration on the element. `Id`, `ID`, `id` and `xml:id` values
    /// must stay unique in the document.
    ///
    /// # Errors
    /// [`Error::InvalidBuilderInput`] for invalid names or characters, [`Error::DuplicateId`]
    /// when another element has the identifier, [`Error::NotAnElement`].
    pub fn set_attribute(
        &mut self,
        element: NodeId,
        prefix: Option<&str>,
        local_name: &str,
        namespace: Option<&str>,
        value: &str,
    ) -> Result<()> {
        check_name(prefix, local_name, namespace)?;
        if prefix.is_none() && namespace.is_some() {
            return Err(invalid(
                local_name,
                "an attribute in a namespace needs a prefix",
            ));
        }
        if prefix.is_none() && local_name == "xmlns" {
            return Err(invalid(local_name, "use declare_namespace"));
        }
        check_chars(value)?;
        self.element_mut(element, "set an attribute")?;
        if let Some(p) = prefix
            && p != "xml"
            && self.node(element).lookup_namespace(Some(p)) != namespace
        {
            self.declare_namespace(element, Some(p), namespace.unwrap_or(""))?;
        }
        let is_id = is_id_attribute(namespace, local_name);
        if is_id && self.ids.get(value).is_some_and(|&other| other != element) {
            return Err(Error::DuplicateId {
                id: value.to_owned(),
                position: Default::default(),
            });
        }
        let e = self.element_mut(element, "set an attribute")?;
        let old = match e
            .attributes
            .iter_mut()
            .find(|a| a.local == local_name && a.namespace.as_deref() == namespace)
        {
            Some(a) => Some(core::mem::replace(&mut a.value, value.to_owned())),
            None => {
                e.attributes.push(Attribute {
                    prefix: prefix.map(str::to_owned),
                    local: local_name.to_owned(),
                    namespace: namespace.map(str::to_owned),
                    value: value.to_owned(),
                });
                None
            }
        };
        if is_id {
            if let Some(old) = old {
                self.ids.remove(&old);
            }
            self.ids.insert(value.to_owned(), element);
        }
        Ok(())
    }

    /// Appends character data to an element (merged with a preceding text node).
    ///
    /// # Errors
    /// [`Error::InvalidBuilderInput`] for characters XML does not allow;
    /// [`Error::NotAnElement`] when `parent` is not an element.
    pub fn append_text(&mut self, parent: NodeId, text: &str) -> Result<NodeId> {
        check_chars(text)?;
        self.element_mut(parent, "append text")?;
        if let Some(&last) = self.data(parent).children.last()
            && let NodeKind::Text(t) = &mut self.nodes[last.0].kind
        {
            t.push_str(text);
            return Ok(last);
        }
        Ok(self.push_node(parent, NodeKind::Text(text.to_owned()), None))
    }

    /// Appends a comment to an element or to the document node.
    ///
    /// # Errors
    /// [`Error::InvalidBuilderInput`] for `--`, a trailing `-` or invalid characters.
    pub fn append_comment(&mut self, parent: NodeId, text: &str) -> Result<NodeId> {
        check_chars(text)?;
        if text.contains("--") || text.ends_with('-') {
            return Err(invalid(text, "a comment cannot contain -- or end with -"));
        }
        self.check_parent(parent)?;
        Ok(self.push_node(parent, NodeKind::Comment(text.to_owned()), None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c14n::{Algorithm, Canonicalizer};

    const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    const XADES: &str = "http://uri.etsi.org/01903/v1.3.2#";

    #[test]
    fn built_document_serialises_and_reads_back_identically() {
        let mut doc = Document::new();
        let root = doc.document_node().id();
        let sig = doc
            .append_element(root, Some("ds"), "Signature", Some(DS))
            .unwrap();
        doc.declare_namespace(sig, Some("xades"), XADES).unwrap();
        doc.set_attribute(sig, None, "Id", None, "S0").unwrap();
        let sp = doc
            .append_element(sig, Some("xades"), "SignedProperties", Some(XADES))
            .unwrap();
        doc.set_attribute(sp, None, "Id", None, "S0-SignedProperties")
            .unwrap();
        let t = doc
            .append_element(sp, Some("xades"), "SigningTime", Some(XADES))
            .unwrap();
        doc.append_text(t, "2026-11-22T").unwrap();
        doc.append_text(t, "05:00:00Z & <more>").unwrap();
        let other = doc.append_element(sp, None, "plain", None).unwrap();
        doc.set_attribute(other, Some("xml"), "lang", Some(XML_NAMESPACE), "hy")
            .unwrap();
        doc.set_attribute(other, Some("q"), "a", Some("urn:q"), "\t\"")
            .unwrap();

        let xml = doc.to_xml(false);
        assert_eq!(
            String::from_utf8(xml.clone()).unwrap(),
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" xmlns:xades=\"http://uri.etsi.org/01903/v1.3.2#\" Id=\"S0\"><xades:SignedProperties Id=\"S0-SignedProperties\"><xades:SigningTime>2026-11-22T05:00:00Z &amp; &lt;more&gt;</xades:SigningTime><plain xmlns:q=\"urn:q\" xml:lang=\"hy\" q:a=\"&#x9;&quot;\"></plain></xades:SignedProperties></ds:Signature>"
                .replace("></plain>", "/>")
        );
        let read = Document::parse(&xml).unwrap();
        for alg in Algorithm::ALL {
            let c = Canonicalizer::new(alg);
            let a = c
                .subtree_to_vec(doc.element_by_id("S0-SignedProperties").unwrap())
                .unwrap();
            let b = c
                .subtree_to_vec(read.element_by_id("S0-SignedProperties").unwrap())
                .unwrap();
            assert_eq!(a, b, "{alg:?}");
        }
    }

    #[test]
    fn builder_refuses_what_a_reader_would_refuse() {
        let mut doc = Document::new();
        let root = doc.document_node().id();
        let r = doc.append_element(root, None, "r", Some("urn:d")).unwrap();
        assert!(doc.append_element(root, None, "second", None).is_err());
        assert!(doc.append_element(r, Some("p"), "x", None).is_err());
        assert!(doc.append_element(r, None, "a:b", None).is_err());
        assert!(doc.append_element(r, None, "1a", None).is_err());
        let a = doc.append_element(r, None, "a", None).unwrap();
        assert_eq!(
            doc.node(a).namespace_declarations()[0].uri(),
            "",
            "xmlns=\"\" added"
        );
        doc.set_attribute(a, None, "Id", None, "x").unwrap();
        doc.set_attribute(a, None, "Id", None, "y").unwrap();
        assert!(doc.element_by_id("x").is_none());
        let b = doc.append_element(r, None, "b", Some("urn:d")).unwrap();
        assert!(doc.node(b).namespace_declarations().is_empty());
        assert!(matches!(
            doc.set_attribute(b, None, "id", None, "y"),
            Err(Error::DuplicateId { .. })
        ));
        assert!(doc.append_text(b, "\u{0}").is_err());
        assert!(doc.append_comment(b, "a--b").is_err());
        assert!(
            doc.declare_namespace(r, Some("p"), "urn:p").is_err(),
            "r has children"
        );
        let t = doc.append_text(b, "x").unwrap();
        assert!(matches!(
            doc.append_text(t, "y"),
            Err(Error::NotAnElement { .. })
        ));
    }
}
