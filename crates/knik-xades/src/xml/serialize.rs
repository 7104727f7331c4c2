//! Writes a DOM back as XML text: names and namespace declarations as written, attributes in
//! document order, characters escaped so that a reader gets every value back unchanged.

use std::io::Write;

use super::document::{Document, Node, NodeKind, qualified};
use super::text::{escape_attribute, escape_text};
use crate::error::Result;

impl Document {
    /// Serialises the whole document, optionally preceded by
    /// `<?xml version="1.0" encoding="UTF-8"?>` and a line break. Top-level comments and
    /// processing instructions are separated from the document element by line breaks.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) when the writer fails.
    pub fn serialize<W: Write>(&self, out: &mut W, xml_declaration: bool) -> Result<()> {
        let mut buf = Vec::new();
        if xml_declaration {
            buf.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        }
        for (i, child) in self.document_node().children().enumerate() {
            if i > 0 {
                buf.push(b'\n');
            }
            write_node(child, &mut buf);
        }
        out.write_all(&buf)?;
        Ok(())
    }

    /// The serialised document as bytes (see [`Document::serialize`]).
    pub fn to_xml(&self, xml_declaration: bool) -> Vec<u8> {
        let mut v = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.serialize(&mut v, xml_declaration);
        v
    }
}

impl Node<'_> {
    /// Serialises this node and its descendants as written. Prefixes declared on ancestors
    /// are not repeated: the output is a fragment for the place the node occupies.
    pub fn to_xml(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        write_node(*self, &mut buf);
        buf
    }
}

fn write_node(node: Node<'_>, buf: &mut Vec<u8>) {
    // Iterative, so that a deep (built) tree cannot exhaust the stack.
    enum Step<'a> {
        Open(Node<'a>),
        Close(Node<'a>),
    }
    let mut stack = vec![Step::Open(node)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Close(n) => {
                buf.extend_from_slice(b"</");
                buf.extend_from_slice(n.qualified_name().as_bytes());
                buf.push(b'>');
            }
            Step::Open(n) => match &n.doc.data(n.id).kind {
                NodeKind::Document => {
                    for c in n.children().collect::<Vec<_>>().into_iter().rev() {
                        stack.push(Step::Open(c));
                    }
                }
                NodeKind::Text(t) => escape_text(t, buf),
                NodeKind::Comment(t) => {
                    buf.extend_from_slice(b"<!--");
                    buf.extend_from_slice(t.as_bytes());
                    buf.extend_from_slice(b"-->");
                }
                NodeKind::Pi { target, data } => {
                    buf.extend_from_slice(b"<?");
                    buf.extend_from_slice(target.as_bytes());
                    if !data.is_empty() {
                        buf.push(b' ');
                        buf.extend_from_slice(data.as_bytes());
                    }
                    buf.extend_from_slice(b"?>");
                }
                NodeKind::Element(e) => {
                    buf.push(b'<');
                    buf.extend_from_slice(qualified(e.prefix.as_deref(), &e.local).as_bytes());
                    for d in &e.namespaces {
                        buf.extend_from_slice(b" xmlns");
                        if let Some(p) = &d.prefix {
                            buf.push(b':');
                            buf.extend_from_slice(p.as_bytes());
                        }
                        buf.extend_from_slice(b"=\"");
                        escape_attribute(&d.uri, buf);
                        buf.push(b'"');
                    }
                    for a in &e.attributes {
                        buf.push(b' ');
                        buf.extend_from_slice(qualified(a.prefix.as_deref(), &a.local).as_bytes());
                        buf.extend_from_slice(b"=\"");
                        escape_attribute(&a.value, buf);
                        buf.push(b'"');
                    }
                    let children = &n.doc.data(n.id).children;
                    if children.is_empty() {
                        buf.extend_from_slice(b"/>");
                    } else {
                        buf.push(b'>');
                        stack.push(Step::Close(n));
                        for c in children.iter().rev() {
                            stack.push(Step::Open(n.doc.node(*c)));
                        }
                    }
                }
            },
        }
    }
}
