//! The canonical serialisation itself, over a whole document or the subtree of one element.
//!
//! A subtree is the document subset an XMLDSig same-document reference selects: the apex
//! element with all its descendants, attributes and namespace nodes, where the namespace nodes
//! include those inherited from ancestors. That is the case the W3C specifications describe
//! through XPath node-sets; a general node-set engine is not needed for XAdES.

use std::io::Write;

use super::algorithm::Family;
use super::xml_base;
use crate::error::{Error, Result};
use crate::xml::scope::Scope;
use crate::xml::text::{escape_attribute, escape_text};
use crate::xml::{Attribute, Document, Node, NodeType, XML_NAMESPACE};

/// Output is buffered and handed to the writer in chunks of this size, so a digest can stream.
const CHUNK: usize = 64 * 1024;

pub(crate) struct Options<'p> {
    pub(crate) family: Family,
    pub(crate) comments: bool,
    /// The InclusiveNamespaces PrefixList of exclusive canonicalization, `None` standing for
    /// `#default`.
    pub(crate) inclusive_prefixes: &'p [Option<String>],
}

struct Sink<'w, W: Write> {
    buf: Vec<u8>,
    out: &'w mut W,
}

impl<W: Write> Sink<'_, W> {
    fn maybe_flush(&mut self) -> Result<()> {
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
    fn finish(mut self) -> Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

/// A namespace binding: `None` prefix is the default namespace, `""` URI is "no namespace".
type Binding<'d> = (Option<&'d str>, &'d str);

fn lookup<'d>(scope: &Scope<&'d str>, prefix: Option<&str>) -> Option<&'d str> {
    scope.get(prefix.unwrap_or("")).copied()
}

/// Canonicalizes the whole document: C14N 1.0 §2.1 (the document node-set), including the line
/// breaks around top-level comments and processing instructions (§2.3 "Document Order").
pub(crate) fn document<W: Write>(doc: &Document, opts: &Options<'_>, out: &mut W) -> Result<()> {
    let mut sink = Sink {
        buf: Vec::with_capacity(CHUNK),
        out,
    };
    let mut after_root = false;
    for child in doc.document_node().children() {
        match child.node_type() {
            NodeType::Element => {
                element(child, false, opts, &mut sink)?;
                after_root = true;
            }
            NodeType::Comment if !opts.comments => {}
            NodeType::Comment | NodeType::ProcessingInstruction => {
                if after_root {
                    sink.buf.push(b'\n');
                }
                leaf(child, &mut sink.buf);
                if !after_root {
                    sink.buf.push(b'\n');
                }
            }
            _ => {}
        }
    }
    sink.finish()
}

/// Canonicalizes the subtree rooted at `apex` (an element).
pub(crate) fn subtree<W: Write>(apex: Node<'_>, opts: &Options<'_>, out: &mut W) -> Result<()> {
    let mut sink = Sink {
        buf: Vec::with_capacity(CHUNK),
        out,
    };
    element(apex, true, opts, &mut sink)?;
    sink.finish()
}

/// Comments and processing instructions (C14N 1.0 §2.3; PI data follows one space).
fn leaf(node: Node<'_>, buf: &mut Vec<u8>) {
    match node.node_type() {
        NodeType::Comment => {
            buf.extend_from_slice(b"<!--");
            buf.extend_from_slice(node.text().unwrap_or("").as_bytes());
            buf.extend_from_slice(b"-->");
        }
        NodeType::ProcessingInstruction => {
            buf.extend_from_slice(b"<?");
            buf.extend_from_slice(node.local_name().as_bytes());
            let data = node.text().unwrap_or("");
            if !data.is_empty() {
                buf.push(b' ');
                buf.extend_from_slice(data.as_bytes());
            }
            buf.extend_from_slice(b"?>");
        }
        NodeType::Text => escape_text(node.text().unwrap_or(""), buf),
        _ => {}
    }
}

enum Step<'d> {
    Open(Node<'d>),
    Close {
        node: Node<'d>,
        scope_len: usize,
        rendered_len: usize,
    },
}

/// One element and its descendants, iteratively (a deep tree cannot exhaust the stack).
/// `subset`: the element is the apex of a document subset (its parent is not output), as
/// opposed to the document element of a whole-document canonicalization.
fn element<'d, W: Write>(
    apex: Node<'d>,
    subset: bool,
    opts: &Options<'_>,
    sink: &mut Sink<'_, W>,
) -> Result<()> {
    // Namespace bindings in scope at the apex's parent.
    let mut scope: Scope<&'d str> = Scope::new();
    let ancestors: Vec<Node<'d>> = apex.ancestors().filter(|n| n.is_element()).collect();
    for a in ancestors.iter().rev() {
        push_declarations(&mut scope, *a)?;
    }
    // Namespace declarations already output by output ancestors (exclusive only).
    let mut rendered: Scope<&'d str> = Scope::new();

    let mut stack = vec![Step::Open(apex)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Close {
                node,
                scope_len,
                rendered_len,
            } => {
                sink.buf.extend_from_slice(b"</");
                sink.buf.extend_from_slice(node.qualified_name().as_bytes());
                sink.buf.push(b'>');
                scope.truncate(scope_len);
                rendered.truncate(rendered_len);
            }
            Step::Open(node) if node.is_element() => {
                let parent_scope_len = scope.len();
                let rendered_len = rendered.len();
                let is_apex = subset && node == apex;
                let mut namespaces = match opts.family {
                    Family::Exclusive => {
                        push_declarations(&mut scope, node)?;
                        exclusive_namespaces(node, &scope, &mut rendered, opts.inclusive_prefixes)
                    }
                    Family::C10 | Family::C11 if is_apex => {
                        push_declarations(&mut scope, node)?;
                        apex_namespaces(&scope)
                    }
                    Family::C10 | Family::C11 => {
                        let changed = changed_namespaces(node, &scope);
                        push_declarations(&mut scope, node)?;
                        changed
                    }
                };
                // C14N 1.0 §2.2: namespace nodes sorted by local name, the default first.
                namespaces.sort_by(|a, b| a.0.cmp(&b.0));
                let attributes = attributes(node, is_apex, opts.family, &ancestors);

                let buf = &mut sink.buf;
                buf.push(b'<');
                buf.extend_from_slice(node.qualified_name().as_bytes());
                for (prefix, uri) in &namespaces {
                    buf.extend_from_slice(b" xmlns");
                    if let Some(p) = prefix {
                        buf.push(b':');
                        buf.extend_from_slice(p.as_bytes());
                    }
                    buf.extend_from_slice(b"=\"");
                    escape_attribute(uri, buf);
                    buf.push(b'"');
                }
                for a in &attributes {
                    buf.push(b' ');
                    if let Some(p) = a.prefix {
                        buf.extend_from_slice(p.as_bytes());
                        buf.push(b':');
                    }
                    buf.extend_from_slice(a.local.as_bytes());
                    buf.extend_from_slice(b"=\"");
                    escape_attribute(&a.value, buf);
                    buf.push(b'"');
                }
                buf.push(b'>');
                stack.push(Step::Close {
                    node,
                    scope_len: parent_scope_len,
                    rendered_len,
                });
                let children: Vec<Node<'d>> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push(Step::Open(child));
                }
            }
            Step::Open(node) => {
                if node.node_type() != NodeType::Comment || opts.comments {
                    leaf(node, &mut sink.buf);
                }
            }
        }
        sink.maybe_flush()?;
    }
    Ok(())
}

fn push_declarations<'d>(scope: &mut Scope<&'d str>, node: Node<'d>) -> Result<()> {
    for d in node.namespace_declarations() {
        if is_relative(d.uri()) {
            return Err(Error::RelativeNamespaceUri {
                uri: d.uri().to_owned(),
            });
        }
        scope.push(d.prefix().unwrap_or(""), d.uri());
    }
    Ok(())
}

/// A non-empty URI reference without a scheme (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" /
/// "-" / "." ) ":"). C14N 1.0 §2.1: such namespace URIs make canonicalization fail.
fn is_relative(uri: &str) -> bool {
    if uri.is_empty() {
        return false;
    }
    match uri.split_once(':') {
        Some((scheme, _)) => {
            !(scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        }
        None => true,
    }
}

/// C14N 1.0 §2.3 / C14N 1.1 §2.3 namespace axis for a subtree node-set. Every in-scope
/// namespace node is in the node-set, so the apex outputs all of them (an empty default
/// namespace is the implied context, nothing to undo) and a descendant outputs exactly the
/// declarations that change its parent's binding (so `xmlns=""` only when the parent had a
/// non-empty default namespace). The `xml` namespace is never output.
fn apex_namespaces<'d>(scope: &Scope<&'d str>) -> Vec<Binding<'d>> {
    scope
        .bindings()
        .filter(|&(p, u)| *p != "xml" && !(p.is_empty() && u.is_empty()))
        .map(|(p, u)| (Some(*p).filter(|p| !p.is_empty()), *u))
        .collect()
}

/// See [`apex_namespaces`]; `scope` is the parent's.
fn changed_namespaces<'d>(node: Node<'d>, scope: &Scope<&'d str>) -> Vec<Binding<'d>> {
    node.namespace_declarations()
        .iter()
        .filter(|d| d.prefix() != Some("xml"))
        .filter(|d| lookup(scope, d.prefix()).unwrap_or("") != d.uri())
        .map(|d| (d.prefix(), d.uri()))
        .collect()
}

/// Exclusive C14N §3: output the namespaces the element visibly utilizes (its own prefix or the
/// default namespace, and its attributes' prefixes) plus those in the InclusiveNamespaces
/// PrefixList, unless an output ancestor already rendered the same binding.
fn exclusive_namespaces<'d>(
    node: Node<'d>,
    scope: &Scope<&'d str>,
    rendered: &mut Scope<&'d str>,
    inclusive_prefixes: &[Option<String>],
) -> Vec<Binding<'d>> {
    let mut wanted: Vec<Option<&str>> = vec![node.prefix()];
    for a in node.attributes() {
        if let Some(p) = a.prefix() {
            wanted.push(Some(p));
        }
    }
    for listed in inclusive_prefixes {
        // A listed prefix counts only when it is in scope; the default always is (maybe empty).
        match listed.as_deref() {
            None => wanted.push(None),
            Some(p) => {
                if let Some((bound, _)) = scope.binding(p) {
                    wanted.push(Some(*bound));
                }
            }
        }
    }
    let mut out: Vec<Binding<'d>> = Vec::new();
    for prefix in wanted {
        if prefix == Some("xml") || out.iter().any(|(p, _)| *p == prefix) {
            continue;
        }
        let Some(uri) = lookup(scope, prefix).or(prefix.is_none().then_some("")) else {
            continue;
        };
        let already = lookup(rendered, prefix).or(prefix.is_none().then_some(""));
        if already != Some(uri) {
            out.push((prefix, uri));
        }
    }
    for &(p, u) in &out {
        rendered.push(p.unwrap_or(""), u);
    }
    out
}

struct OutAttr<'d> {
    prefix: Option<&'d str>,
    local: &'d str,
    namespace: &'d str,
    value: std::borrow::Cow<'d, str>,
}

impl<'d> OutAttr<'d> {
    fn from(a: &'d Attribute) -> Self {
        OutAttr {
            prefix: a.prefix(),
            local: a.local_name(),
            namespace: a.namespace().unwrap_or(""),
            value: a.value().into(),
        }
    }
}

/// The attribute axis, sorted by namespace URI then local name (C14N 1.0 §2.2), with the
/// `xml:*` attributes an apex inherits from the omitted ancestors: all of them in C14N 1.0
/// (§2.4), `xml:lang` and `xml:space` plus the xml:base fix-up in C14N 1.1 (§2.4), none in
/// exclusive C14N (§3).
fn attributes<'d>(
    node: Node<'d>,
    is_apex: bool,
    family: Family,
    ancestors: &[Node<'d>],
) -> Vec<OutAttr<'d>> {
    let mut out: Vec<OutAttr<'d>> = node.attributes().iter().map(OutAttr::from).collect();
    if is_apex {
        let has = |out: &[OutAttr<'_>], local: &str| {
            out.iter()
                .any(|a| a.namespace == XML_NAMESPACE && a.local == local)
        };
        match family {
            Family::Exclusive => {}
            Family::C10 => {
                for anc in ancestors {
                    for a in anc.attributes() {
                        if a.namespace() == Some(XML_NAMESPACE) && !has(&out, a.local_name()) {
                            out.push(OutAttr::from(a));
                        }
                    }
                }
            }
            Family::C11 => {
                for anc in ancestors {
                    for a in anc.attributes() {
                        let local = a.local_name();
                        if a.namespace() == Some(XML_NAMESPACE)
                            && matches!(local, "lang" | "space")
                            && !has(&out, local)
                        {
                            out.push(OutAttr::from(a));
                        }
                    }
                }
                let own = node.attribute(Some(XML_NAMESPACE), "base");
                let base_of = |n: &Node<'d>| n.attribute(Some(XML_NAMESPACE), "base");
                let (start, above) = match own {
                    Some(v) => (Some(v), 0),
                    None => match ancestors.iter().position(|a| base_of(a).is_some()) {
                        Some(i) => (base_of(&ancestors[i]), i + 1),
                        None => (None, 0),
                    },
                };
                out.retain(|a| !(a.namespace == XML_NAMESPACE && a.local == "base"));
                if let Some(start) = start {
                    let omitted = ancestors[above..].iter().filter_map(base_of);
                    if let Some(value) = xml_base::fix_up(start, omitted) {
                        out.push(OutAttr {
                            prefix: Some("xml"),
                            local: "base",
                            namespace: XML_NAMESPACE,
                            value: value.into(),
                        });
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| (a.namespace, a.local).cmp(&(b.namespace, b.local)));
    out
}
