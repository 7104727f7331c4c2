//! The arena DOM: a read-mostly tree that keeps everything canonicalization needs, in particular
//! the prefix each name was written with and the namespace declarations as written.

use std::collections::HashMap;

use crate::error::{Error, Result, TextPosition};

/// The namespace bound to the `xml` prefix (Namespaces in XML 1.0 §3).
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of `xmlns` declarations, which may never be bound explicitly.
pub const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

/// Index of a node in its [`Document`]. Only meaningful with the document that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) usize);

/// What kind of node a [`Node`] is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeType {
    /// The document node, parent of the document element.
    Document,
    /// An element.
    Element,
    /// Character data (CDATA sections are read as text; adjacent runs are merged).
    Text,
    /// A comment.
    Comment,
    /// A processing instruction.
    ProcessingInstruction,
}

/// An attribute that is not a namespace declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub(crate) prefix: Option<String>,
    pub(crate) local: String,
    pub(crate) namespace: Option<String>,
    pub(crate) value: String,
}

impl Attribute {
    /// The prefix as written (`None` for an unprefixed attribute).
    pub fn prefix(&self) -> Option<&str> {
        self.prefix.as_deref()
    }
    /// The local name.
    pub fn local_name(&self) -> &str {
        &self.local
    }
    /// The namespace URI (`None` for an unprefixed attribute: the default namespace does not
    /// apply to attributes).
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    /// The normalised value (XML 1.0 §3.3.3).
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// A namespace declaration as written on an element: `xmlns="…"`, `xmlns=""` or `xmlns:p="…"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceDeclaration {
    pub(crate) prefix: Option<String>,
    pub(crate) uri: String,
}

impl NamespaceDeclaration {
    /// The declared prefix, `None` for the default namespace.
    pub fn prefix(&self) -> Option<&str> {
        self.prefix.as_deref()
    }
    /// The namespace URI; empty for `xmlns=""` (un-declaration of the default namespace).
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ElementData {
    pub(crate) prefix: Option<String>,
    pub(crate) local: String,
    pub(crate) namespace: Option<String>,
    pub(crate) attributes: Vec<Attribute>,
    pub(crate) namespaces: Vec<NamespaceDeclaration>,
}

#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    Document,
    Element(ElementData),
    Text(String),
    Comment(String),
    Pi { target: String, data: String },
}

#[derive(Debug, Clone)]
pub(crate) struct NodeData {
    pub(crate) parent: Option<NodeId>,
    pub(crate) children: Vec<NodeId>,
    pub(crate) kind: NodeKind,
    /// Where the node starts in the source, for parsed documents.
    pub(crate) position: Option<TextPosition>,
}

/// A parsed (or built) XML document.
///
/// Parse untrusted input with [`Document::parse`]; it refuses DTDs, undefined entities and
/// duplicate identifiers (see [`Error`]). Nodes are addressed through [`Node`] handles.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) nodes: Vec<NodeData>,
    pub(crate) ids: HashMap<String, NodeId>,
}

/// The attribute names that XMLDSig/XAdES documents use as identifiers. A same-document
/// reference `#x` resolves against these, so a value may occur only once (signature wrapping
/// defence; XMLDSig §4.3.3.3, `xml:id` per the xml:id recommendation).
pub(crate) fn is_id_attribute(namespace: Option<&str>, local: &str) -> bool {
    match namespace {
        None => matches!(local, "Id" | "ID" | "id"),
        Some(ns) => ns == XML_NAMESPACE && local == "id",
    }
}

impl Document {
    /// An empty document (only the document node), to build a tree with [`Document::append_element`].
    pub fn new() -> Self {
        Document {
            nodes: vec![NodeData {
                parent: None,
                children: Vec::new(),
                kind: NodeKind::Document,
                position: None,
            }],
            ids: HashMap::new(),
        }
    }

    /// The document node.
    pub fn document_node(&self) -> Node<'_> {
        Node {
            doc: self,
            id: NodeId(0),
        }
    }

    /// The document element.
    ///
    /// # Errors
    /// [`Error::Incomplete`] for a built document that has no element yet.
    pub fn root_element(&self) -> Result<Node<'_>> {
        self.document_node()
            .child_elements()
            .next()
            .ok_or(Error::Incomplete {
                reason: "no document element",
            })
    }

    /// The node with this id.
    ///
    /// # Panics
    /// If `id` did not come from this document.
    pub fn node(&self, id: NodeId) -> Node<'_> {
        assert!(id.0 < self.nodes.len(), "NodeId from another document");
        Node { doc: self, id }
    }

    /// The element whose `Id`, `ID`, `id` or `xml:id` attribute has this value. Values are
    /// unique in a parsed document (a duplicate is a parse error).
    pub fn element_by_id(&self, id: &str) -> Option<Node<'_>> {
        self.ids.get(id).map(|&n| Node { doc: self, id: n })
    }

    /// Number of nodes, the document node included.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn data(&self, id: NodeId) -> &NodeData {
        &self.nodes[id.0]
    }

    pub(crate) fn element(&self, id: NodeId) -> Option<&ElementData> {
        match &self.nodes[id.0].kind {
            NodeKind::Element(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn push_node(
        &mut self,
        parent: NodeId,
        kind: NodeKind,
        position: Option<TextPosition>,
    ) -> NodeId {
        let id = NodeId(self.nodes.len());
        self.nodes.push(NodeData {
            parent: Some(parent),
            children: Vec::new(),
            kind,
            position,
        });
        self.nodes[parent.0].children.push(id);
        id
    }
}

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}

/// A handle to one node of a [`Document`]: cheap to copy, borrows the document.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub(crate) doc: &'a Document,
    pub(crate) id: NodeId,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self.doc, other.doc) && self.id == other.id
    }
}

impl core::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.node_type() {
            NodeType::Element => write!(f, "Element({} {:?})", self.qualified_name(), self.id),
            t => write!(f, "{t:?}({:?})", self.id),
        }
    }
}

impl<'a> Node<'a> {
    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The document the node belongs to.
    pub fn document(&self) -> &'a Document {
        self.doc
    }
    fn data(&self) -> &'a NodeData {
        self.doc.data(self.id)
    }
    fn element(&self) -> Option<&'a ElementData> {
        self.doc.element(self.id)
    }
    /// The node's kind.
    pub fn node_type(&self) -> NodeType {
        match self.data().kind {
            NodeKind::Document => NodeType::Document,
            NodeKind::Element(_) => NodeType::Element,
            NodeKind::Text(_) => NodeType::Text,
            NodeKind::Comment(_) => NodeType::Comment,
            NodeKind::Pi { .. } => NodeType::ProcessingInstruction,
        }
    }
    /// True for elements.
    pub fn is_element(&self) -> bool {
        self.element().is_some()
    }
    /// True for an element with this namespace URI (`None`: no namespace) and local name.
    pub fn is(&self, namespace: Option<&str>, local_name: &str) -> bool {
        self.element()
            .is_some_and(|e| e.local == local_name && e.namespace.as_deref() == namespace)
    }
    /// Where the node starts in the parsed text (`None` for built nodes).
    pub fn position(&self) -> Option<TextPosition> {
        self.data().position
    }
    /// The parent node (`None` for the document node).
    pub fn parent(&self) -> Option<Node<'a>> {
        self.data().parent.map(|id| Node { doc: self.doc, id })
    }
    /// The parent if it is an element.
    pub fn parent_element(&self) -> Option<Node<'a>> {
        self.parent().filter(|p| p.is_element())
    }
    /// Ancestors, nearest first, ending with the document node.
    pub fn ancestors(&self) -> impl Iterator<Item = Node<'a>> + use<'a> {
        core::iter::successors(self.parent(), |n| n.parent())
    }
    /// All children in document order.
    pub fn children(&self) -> impl Iterator<Item = Node<'a>> + use<'a> {
        let doc = self.doc;
        self.data().children.iter().map(move |&id| Node { doc, id })
    }
    /// Child elements in document order.
    pub fn child_elements(&self) -> impl Iterator<Item = Node<'a>> + use<'a> {
        self.children().filter(|n| n.is_element())
    }
    /// Child elements with this namespace and local name.
    pub fn children_named<'n>(
        &self,
        namespace: Option<&'n str>,
        local_name: &'n str,
    ) -> impl Iterator<Item = Node<'a>> + use<'a, 'n> {
        self.children().filter(move |n| n.is(namespace, local_name))
    }
    /// The first child element with this namespace and local name.
    pub fn first_child_named(&self, namespace: Option<&str>, local_name: &str) -> Option<Node<'a>> {
        self.children().find(|n| n.is(namespace, local_name))
    }
    /// All elements below this node, in document order (not the node itself).
    pub fn descendant_elements(&self) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = self.data().children.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            let n = Node { doc: self.doc, id };
            if n.is_element() {
                out.push(n);
                stack.extend(n.data().children.iter().rev().copied());
            }
        }
        out
    }
    /// The local name of an element, the target of a processing instruction, else `""`.
    pub fn local_name(&self) -> &'a str {
        match &self.data().kind {
            NodeKind::Element(e) => &e.local,
            NodeKind::Pi { target, .. } => target,
            _ => "",
        }
    }
    /// The prefix the element was written with.
    pub fn prefix(&self) -> Option<&'a str> {
        self.element().and_then(|e| e.prefix.as_deref())
    }
    /// The element's namespace URI.
    pub fn namespace(&self) -> Option<&'a str> {
        self.element().and_then(|e| e.namespace.as_deref())
    }
    /// The element name as written (`prefix:local` or `local`).
    pub fn qualified_name(&self) -> String {
        match self.element() {
            Some(e) => qualified(e.prefix.as_deref(), &e.local),
            None => String::new(),
        }
    }
    /// Attributes in document order, namespace declarations excluded.
    pub fn attributes(&self) -> &'a [Attribute] {
        self.element().map_or(&[], |e| &e.attributes)
    }
    /// The value of the attribute with this namespace (`None` for unprefixed) and local name.
    pub fn attribute(&self, namespace: Option<&str>, local_name: &str) -> Option<&'a str> {
        self.attributes()
            .iter()
            .find(|a| a.local == local_name && a.namespace.as_deref() == namespace)
            .map(|a| a.value.as_str())
    }
    /// Namespace declarations written on this element, in document order.
    pub fn namespace_declarations(&self) -> &'a [NamespaceDeclaration] {
        self.element().map_or(&[], |e| &e.namespaces)
    }
    /// The namespace URI bound to `prefix` (`None`: the default namespace) in scope at this
    /// element; `None` when unbound or un-declared with `xmlns=""`.
    pub fn lookup_namespace(&self, prefix: Option<&str>) -> Option<&'a str> {
        if prefix == Some("xml") {
            return Some(XML_NAMESPACE);
        }
        let mut cur = Some(*self);
        while let Some(n) = cur {
            if let Some(d) = n
                .namespace_declarations()
                .iter()
                .find(|d| d.prefix.as_deref() == prefix)
            {
                return Some(d.uri.as_str()).filter(|u| !u.is_empty());
            }
            cur = n.parent();
        }
        None
    }
    /// The text of a text or comment node, or the data of a processing instruction.
    pub fn text(&self) -> Option<&'a str> {
        match &self.data().kind {
            NodeKind::Text(t) | NodeKind::Comment(t) => Some(t),
            NodeKind::Pi { data, .. } => Some(data),
            _ => None,
        }
    }
    /// The concatenated character data of all descendant text nodes (XPath `string()`).
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        let mut stack = vec![self.id];
        while let Some(id) = stack.pop() {
            let d = self.doc.data(id);
            match &d.kind {
                NodeKind::Text(t) => out.push_str(t),
                NodeKind::Element(_) | NodeKind::Document => {
                    stack.extend(d.children.iter().rev().copied());
                }
                _ => {}
            }
        }
        out
    }
}

pub(crate) fn qualified(prefix: Option<&str>, local: &str) -> String {
    match prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_owned(),
    }
}
