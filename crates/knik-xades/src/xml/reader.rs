//! The hardened reader: `xmlparser` tokens in, an arena [`Document`] out.
//!
//! Refused on purpose (see [`Error`]): any DTD (so no external entities and no entity
//! expansion, whatever the DTD says), entities other than the five predefined ones, encodings
//! other than UTF-8/US-ASCII, unbound prefixes, duplicate attributes, duplicate identifiers,
//! and input beyond the [`Limits`].

use std::collections::HashSet;

use xmlparser::{ElementEnd, Token, Tokenizer};

use super::document::{
    Attribute, Document, ElementData, NamespaceDeclaration, NodeId, NodeKind, XML_NAMESPACE,
    XMLNS_NAMESPACE, is_id_attribute, qualified,
};
use super::limits::Limits;
use super::scope::Scope;
use super::text::{Context, decode, normalize_line_ends};
use crate::error::{Error, Result, TextPosition};

impl Document {
    /// Reads a document with the default [`Limits`].
    ///
    /// # Errors
    /// Any [`Error`] of the reader family: malformed XML, a DTD, an undefined entity, an unbound
    /// prefix, a duplicate attribute or `Id`, an unsupported encoding, or a limit exceeded.
    pub fn parse(input: &[u8]) -> Result<Document> {
        Document::parse_with_limits(input, &Limits::default())
    }

    /// Reads a document with explicit limits.
    ///
    /// # Errors
    /// As [`Document::parse`].
    pub fn parse_with_limits(input: &[u8], limits: &Limits) -> Result<Document> {
        if input.len() > limits.max_bytes {
            return Err(Error::DocumentTooLarge {
                size: input.len(),
                limit: limits.max_bytes,
            });
        }
        if input.starts_with(&[0xFE, 0xFF])
            || input.starts_with(&[0xFF, 0xFE])
            || input.starts_with(&[0x00, b'<'])
            || input.starts_with(&[b'<', 0x00])
        {
            return Err(Error::UnsupportedEncoding {
                encoding: "UTF-16".to_owned(),
            });
        }
        let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
        let text = core::str::from_utf8(input).map_err(|e| Error::InvalidUtf8 {
            offset: e.valid_up_to(),
        })?;
        Reader::new(text, limits).run()
    }
}

/// Turns byte offsets into line/column positions in one forward pass.
struct Locator<'s> {
    text: &'s str,
    offset: usize,
    line: u32,
    column: u32,
}

impl Locator<'_> {
    fn at(&mut self, offset: usize) -> TextPosition {
        match self.text.get(self.offset..offset) {
            Some(skipped) => {
                let newlines = skipped.bytes().filter(|&b| b == b'\n').count();
                let count = |s: &str| u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
                match skipped.rfind('\n') {
                    Some(last) => {
                        let n = u32::try_from(newlines).unwrap_or(u32::MAX);
                        self.line = self.line.saturating_add(n);
                        self.column = 1u32.saturating_add(count(&skipped[last + 1..]));
                    }
                    None => self.column = self.column.saturating_add(count(skipped)),
                }
                self.offset = offset;
                TextPosition {
                    line: self.line,
                    column: self.column,
                    offset,
                }
            }
            None => TextPosition::locate(self.text, offset),
        }
    }
}

struct RawAttribute<'s> {
    prefix: &'s str,
    local: &'s str,
    value: String,
    start: usize,
}

struct PendingElement<'s> {
    prefix: &'s str,
    local: &'s str,
    start: usize,
    attributes: Vec<RawAttribute<'s>>,
}

struct OpenElement<'s> {
    node: NodeId,
    prefix: &'s str,
    local: &'s str,
    scope_len: usize,
}

struct Reader<'s, 'l> {
    text: &'s str,
    limits: &'l Limits,
    doc: Document,
    loc: Locator<'s>,
    stack: Vec<OpenElement<'s>>,
    /// In-scope namespace bindings; prefix `""` is the default namespace.
    scope: Scope<String>,
    pending: Option<PendingElement<'s>>,
    text_buf: String,
    text_start: usize,
    root_seen: bool,
}

impl<'s, 'l> Reader<'s, 'l> {
    fn new(text: &'s str, limits: &'l Limits) -> Self {
        Reader {
            text,
            limits,
            doc: Document::new(),
            loc: Locator {
                text,
                offset: 0,
                line: 1,
                column: 1,
            },
            stack: Vec::new(),
            scope: Scope::new(),
            pending: None,
            text_buf: String::new(),
            text_start: 0,
            root_seen: false,
        }
    }

    fn pos(&mut self, offset: usize) -> TextPosition {
        self.loc.at(offset)
    }

    fn run(mut self) -> Result<Document> {
        let mut tokens = Tokenizer::from(self.text);
        while let Some(token) = tokens.next() {
            let token = token.map_err(|e| self.syntax(&e))?;
            match token {
                Token::Declaration {
                    version,
                    encoding,
                    span,
                    ..
                } => {
                    if version.as_str() != "1.0" {
                        return Err(Error::UnsupportedVersion {
                            version: version.as_str().to_owned(),
                            position: self.pos(span.start()),
                        });
                    }
                    if let Some(enc) = encoding {
                        let e = enc.as_str();
                        if !(e.eq_ignore_ascii_case("UTF-8") || e.eq_ignore_ascii_case("US-ASCII"))
                        {
                            return Err(Error::UnsupportedEncoding {
                                encoding: e.to_owned(),
                            });
                        }
                    }
                }
                Token::DtdStart { span, .. } | Token::EmptyDtd { span, .. } => {
                    return Err(self.refuse_dtd(span.start(), &mut tokens));
                }
                Token::EntityDeclaration { span, .. } | Token::DtdEnd { span } => {
                    return Err(Error::DtdNotAllowed {
                        position: self.pos(span.start()),
                    });
                }
                Token::ProcessingInstruction {
                    target,
                    content,
                    span,
                } => {
                    self.flush_text()?;
                    if target.as_str().eq_ignore_ascii_case("xml") {
                        return Err(Error::Syntax {
                            message: "misplaced XML declaration".to_owned(),
                            position: self.pos(span.start()),
                        });
                    }
                    let data =
                        content.map_or_else(String::new, |c| normalize_line_ends(c.as_str()));
                    let kind = NodeKind::Pi {
                        target: target.as_str().to_owned(),
                        data,
                    };
                    self.push(kind, span.start())?;
                }
                Token::Comment { text, span } => {
                    self.flush_text()?;
                    self.push(
                        NodeKind::Comment(normalize_line_ends(text.as_str())),
                        span.start(),
                    )?;
                }
                Token::ElementStart {
                    prefix,
                    local,
                    span,
                } => {
                    self.flush_text()?;
                    self.pending = Some(PendingElement {
                        prefix: prefix.as_str(),
                        local: local.as_str(),
                        start: span.start(),
                        attributes: Vec::new(),
                    });
                }
                Token::Attribute {
                    prefix,
                    local,
                    value,
                    span,
                } => {
                    let mut decoded = String::new();
                    decode(
                        self.text,
                        value.start(),
                        value.as_str(),
                        Context::Attribute,
                        &mut decoded,
                    )?;
                    let Some(pending) = self.pending.as_mut() else {
                        return Err(Error::Syntax {
                            message: "attribute outside a start tag".to_owned(),
                            position: TextPosition::locate(self.text, span.start()),
                        });
                    };
                    if pending.attributes.len() >= self.limits.max_attributes {
                        let start = pending.start;
                        return Err(Error::TooManyAttributes {
                            limit: self.limits.max_attributes,
                            position: self.pos(start),
                        });
                    }
                    pending.attributes.push(RawAttribute {
                        prefix: prefix.as_str(),
                        local: local.as_str(),
                        value: decoded,
                        start: span.start(),
                    });
                }
                Token::ElementEnd { end, span } => match end {
                    ElementEnd::Open => self.open_element(false)?,
                    ElementEnd::Empty => self.open_element(true)?,
                    ElementEnd::Close(prefix, local) => {
                        self.flush_text()?;
                        self.close_element(prefix.as_str(), local.as_str(), span.start())?;
                    }
                },
                Token::Text { text } => {
                    if self.stack.is_empty() {
                        if !text
                            .as_str()
                            .bytes()
                            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                        {
                            return Err(Error::ContentOutsideRoot {
                                position: self.pos(text.start()),
                            });
                        }
                    } else {
                        if self.text_buf.is_empty() {
                            self.text_start = text.start();
                        }
                        decode(
                            self.text,
                            text.start(),
                            text.as_str(),
                            Context::Text,
                            &mut self.text_buf,
                        )?;
                    }
                }
                Token::Cdata { text, span } => {
                    if self.stack.is_empty() {
                        return Err(Error::ContentOutsideRoot {
                            position: self.pos(span.start()),
                        });
                    }
                    if self.text_buf.is_empty() {
                        self.text_start = span.start();
                    }
                    decode(
                        self.text,
                        text.start(),
                        text.as_str(),
                        Context::Literal,
                        &mut self.text_buf,
                    )?;
                }
            }
        }
        if !self.stack.is_empty() || self.pending.is_some() {
            return Err(Error::Incomplete {
                reason: "the document element is not closed",
            });
        }
        if !self.root_seen {
            return Err(Error::Incomplete {
                reason: "no document element",
            });
        }
        Ok(self.doc)
    }

    fn syntax(&self, e: &xmlparser::Error) -> Error {
        let p = e.pos();
        // Offset of row/col (both 1-based, col in characters).
        let line_start = self
            .text
            .split_inclusive('\n')
            .take(p.row.saturating_sub(1) as usize)
            .map(str::len)
            .sum::<usize>();
        let offset = self.text.get(line_start..).map_or(line_start, |rest| {
            line_start
                + rest
                    .char_indices()
                    .nth(p.col.saturating_sub(1) as usize)
                    .map_or(rest.len(), |(i, _)| i)
        });
        Error::Syntax {
            message: e.to_string(),
            position: TextPosition {
                line: p.row,
                column: p.col,
                offset,
            },
        }
    }

    /// A DTD is refused; we look a little further only to name an entity declaration, which is
    /// the more useful diagnosis (XXE, billion laughs). Nothing in it is ever expanded.
    fn refuse_dtd(&mut self, start: usize, tokens: &mut Tokenizer<'s>) -> Error {
        for token in tokens.by_ref() {
            match token {
                Ok(Token::EntityDeclaration { name, span, .. }) => {
                    return Error::EntityDeclarationNotAllowed {
                        name: name.as_str().to_owned(),
                        position: self.pos(span.start()),
                    };
                }
                Ok(Token::DtdEnd { .. }) | Err(_) => break,
                Ok(_) => {}
            }
        }
        Error::DtdNotAllowed {
            position: TextPosition::locate(self.text, start),
        }
    }

    fn parent(&self) -> NodeId {
        self.stack.last().map_or(NodeId(0), |o| o.node)
    }

    fn push(&mut self, kind: NodeKind, start: usize) -> Result<NodeId> {
        let position = self.pos(start);
        // The document node is not counted.
        if self.doc.nodes.len() > self.limits.max_nodes {
            return Err(Error::TooManyNodes {
                limit: self.limits.max_nodes,
                position,
            });
        }
        let parent = self.parent();
        Ok(self.doc.push_node(parent, kind, Some(position)))
    }

    fn flush_text(&mut self) -> Result<()> {
        if self.text_buf.is_empty() {
            return Ok(());
        }
        let text = core::mem::take(&mut self.text_buf);
        self.push(NodeKind::Text(text), self.text_start)?;
        Ok(())
    }

    fn lookup(&self, prefix: Option<&str>) -> Option<&str> {
        self.scope
            .get(prefix.unwrap_or(""))
            .map(String::as_str)
            .filter(|u| !u.is_empty())
    }

    fn resolve(&mut self, prefix: &str, is_element: bool, start: usize) -> Result<Option<String>> {
        match prefix {
            "" if is_element => Ok(self.lookup(None).map(str::to_owned)),
            "" => Ok(None),
            "xml" => Ok(Some(XML_NAMESPACE.to_owned())),
            "xmlns" => Err(Error::ReservedNamespace {
                declaration: "xmlns used as a prefix".to_owned(),
                position: self.pos(start),
            }),
            p => match self.lookup(Some(p)) {
                Some(uri) => Ok(Some(uri.to_owned())),
                None => Err(Error::UnboundPrefix {
                    prefix: p.to_owned(),
                    position: self.pos(start),
                }),
            },
        }
    }

    fn open_element(&mut self, empty: bool) -> Result<()> {
        let Some(pending) = self.pending.take() else {
            return Err(Error::Syntax {
                message: "end of a start tag without a start tag".to_owned(),
                position: TextPosition::default(),
            });
        };
        let position = self.pos(pending.start);
        if self.stack.is_empty() && self.root_seen {
            return Err(Error::ContentOutsideRoot { position });
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(Error::TooDeep {
                limit: self.limits.max_depth,
                position,
            });
        }
        let scope_len = self.scope.len();
        let mut namespaces: Vec<NamespaceDeclaration> = Vec::new();
        // Hashed duplicate checks: up to `max_attributes` per element, on every element.
        let mut declared_prefixes: HashSet<Option<&str>> = HashSet::new();
        let mut plain = Vec::new();
        for a in pending.attributes {
            let declared = match (a.prefix, a.local) {
                ("xmlns", p) => Some(p),
                ("", "xmlns") => None,
                _ => {
                    plain.push(a);
                    continue;
                }
            };
            // Namespaces in XML 1.0 §3 (reserved prefixes and names) and §6.1 (no empty
            // URI for a prefixed declaration in 1.0).
            let forbidden = match declared {
                Some("xmlns") => true,
                Some("xml") => a.value != XML_NAMESPACE,
                Some(_) if a.value.is_empty() => true,
                _ => a.value == XML_NAMESPACE || a.value == XMLNS_NAMESPACE,
            };
            if forbidden {
                return Err(Error::ReservedNamespace {
                    declaration: format!(
                        "{}=\"{}\"",
                        qualified(Some(a.prefix).filter(|p| !p.is_empty()), a.local),
                        a.value
                    ),
                    position: self.pos(a.start),
                });
            }
            if !declared_prefixes.insert(declared) {
                return Err(Error::DuplicateAttribute {
                    name: qualified(Some(a.prefix).filter(|p| !p.is_empty()), a.local),
                    position: self.pos(a.start),
                });
            }
            namespaces.push(NamespaceDeclaration {
                prefix: declared.map(str::to_owned),
                uri: a.value,
            });
        }
        for d in &namespaces {
            self.scope
                .push(d.prefix.clone().unwrap_or_default(), d.uri.clone());
        }
        let namespace = self.resolve(pending.prefix, true, pending.start)?;
        let mut attributes: Vec<Attribute> = Vec::with_capacity(plain.len());
        let mut qualified_names: HashSet<(&str, &str)> = HashSet::new();
        let mut expanded_names: HashSet<(String, &str)> = HashSet::new();
        for a in plain {
            let ns = self.resolve(a.prefix, false, a.start)?;
            let prefix = Some(a.prefix).filter(|p| !p.is_empty());
            // Namespaces in XML 1.0 §6.3: no two attributes with the same qualified name, nor
            // with the same expanded name.
            let new_qualified = qualified_names.insert((a.prefix, a.local));
            let new_expanded = match &ns {
                Some(uri) => expanded_names.insert((uri.clone(), a.local)),
                None => true,
            };
            if !(new_qualified && new_expanded) {
                return Err(Error::DuplicateAttribute {
                    name: qualified(prefix, a.local),
                    position: self.pos(a.start),
                });
            }
            attributes.push(Attribute {
                prefix: prefix.map(str::to_owned),
                local: a.local.to_owned(),
                namespace: ns,
                value: a.value,
            });
        }
        let ids: Vec<String> = attributes
            .iter()
            .filter(|a| is_id_attribute(a.namespace.as_deref(), &a.local))
            .map(|a| a.value.clone())
            .collect();
        let node = self.push(
            NodeKind::Element(ElementData {
                prefix: Some(pending.prefix)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
                local: pending.local.to_owned(),
                namespace,
                attributes,
                namespaces,
            }),
            pending.start,
        )?;
        for id in ids {
            match self.doc.ids.get(&id) {
                Some(&other) if other != node => {
                    return Err(Error::DuplicateId { id, position });
                }
                Some(_) => {}
                None => {
                    self.doc.ids.insert(id, node);
                }
            }
        }
        self.root_seen = true;
        if empty {
            self.scope.truncate(scope_len);
        } else {
            self.stack.push(OpenElement {
                node,
                prefix: pending.prefix,
                local: pending.local,
                scope_len,
            });
        }
        Ok(())
    }

    fn close_element(&mut self, prefix: &str, local: &str, start: usize) -> Result<()> {
        let found = qualified(Some(prefix).filter(|p| !p.is_empty()), local);
        let Some(open) = self.stack.pop() else {
            return Err(Error::ContentOutsideRoot {
                position: self.pos(start),
            });
        };
        if open.prefix != prefix || open.local != local {
            return Err(Error::MismatchedEndTag {
                expected: qualified(Some(open.prefix).filter(|p| !p.is_empty()), open.local),
                found,
                position: self.pos(start),
            });
        }
        self.scope.truncate(open.scope_len);
        Ok(())
    }
}
