//! `META-INF/manifest.xml`: the OASIS ODF manifest (v1.2) that lists every data file with its
//! media type (EN 319 162-1 §A.2 via ODF 1.2 part 3 §4; `reference/signing.md` §2.3).
//!
//! Read with the `xmlparser` tokenizer: no DTD, no entity declarations, only the five
//! predefined entities and character references.

use std::collections::HashMap;

use xmlparser::{ElementEnd, Token, Tokenizer};

use crate::error::Error;

/// The manifest namespace.
pub const MANIFEST_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";

/// One `manifest:file-entry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    /// `manifest:full-path`: the ZIP entry name, or `/` for the container itself.
    pub full_path: String,
    /// `manifest:media-type`.
    pub media_type: String,
}

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    /// `manifest:version` of the root element, when present.
    pub version: Option<String>,
    /// The file entries, in document order (including `/`).
    pub entries: Vec<ManifestEntry>,
}

/// An attribute as tokenized: prefix, local name, unescaped value.
type Attr = (String, String, String);

/// A start tag whose attributes are still being collected: prefix, local name, attributes.
type PendingElement = (String, String, Vec<Attr>);

fn bad(reason: impl Into<String>) -> Error {
    Error::Manifest {
        reason: reason.into(),
    }
}

impl Manifest {
    /// Parses manifest bytes (UTF-8, optional BOM).
    pub fn parse(bytes: &[u8]) -> Result<Manifest, Error> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| bad("it is not UTF-8"))?;
        let mut manifest = Manifest::default();
        // Namespace scopes: one map of prefix → URI per open element ("" is the default).
        let mut scopes: Vec<HashMap<String, String>> = Vec::new();
        let mut open: Vec<(String, String)> = Vec::new();
        let mut pending: Option<PendingElement> = None;
        let mut seen_root = false;
        for token in Tokenizer::from(text) {
            let token = token.map_err(|e| bad(format!("not well-formed XML: {e}")))?;
            match token {
                Token::DtdStart { .. }
                | Token::EmptyDtd { .. }
                | Token::EntityDeclaration { .. } => {
                    return Err(bad("a DTD or entity declaration is not allowed"));
                }
                Token::Declaration { encoding, .. } => {
                    if let Some(enc) = encoding
                        && !enc.as_str().eq_ignore_ascii_case("utf-8")
                    {
                        return Err(bad(format!("encoding {:?} is not supported", enc.as_str())));
                    }
                }
                Token::ElementStart { prefix, local, .. } => {
                    if open.is_empty() && seen_root {
                        return Err(bad("more than one root element"));
                    }
                    pending = Some((
                        prefix.as_str().to_owned(),
                        local.as_str().to_owned(),
                        Vec::new(),
                    ));
                }
                Token::Attribute {
                    prefix,
                    local,
                    value,
                    ..
                } => {
                    let el = pending
                        .as_mut()
                        .ok_or_else(|| bad("attribute outside an element"))?;
                    el.2.push((
                        prefix.as_str().to_owned(),
                        local.as_str().to_owned(),
                        unescape(value.as_str())?,
                    ));
                }
                Token::ElementEnd { end, .. } => match end {
                    ElementEnd::Open | ElementEnd::Empty => {
                        let (prefix, local, attrs) = pending
                            .take()
                            .ok_or_else(|| bad("unexpected element end"))?;
                        let mut scope = HashMap::new();
                        for (p, l, v) in &attrs {
                            if p == "xmlns" {
                                scope.insert(l.clone(), v.clone());
                            } else if p.is_empty() && l == "xmlns" {
                                scope.insert(String::new(), v.clone());
                            }
                        }
                        scopes.push(scope);
                        let ns = resolve(&scopes, &prefix)
                            .ok_or_else(|| bad(format!("undeclared prefix {prefix:?}")))?;
                        let in_manifest = ns == MANIFEST_NS;
                        let depth = open.len();
                        if depth == 0 {
                            seen_root = true;
                            if !(in_manifest && local == "manifest") {
                                return Err(bad(format!(
                                    "the root element is {{{ns}}}{local}, not manifest:manifest"
                                )));
                            }
                            manifest.version = manifest_attr(&scopes, &attrs, "version")?;
                        } else if depth == 1 && in_manifest && local == "file-entry" {
                            let full_path = manifest_attr(&scopes, &attrs, "full-path")?
                                .ok_or_else(|| bad("a file-entry has no full-path"))?;
                            let media_type =
                                manifest_attr(&scopes, &attrs, "media-type")?.unwrap_or_default();
                            manifest.entries.push(ManifestEntry {
                                full_path,
                                media_type,
                            });
                        }
                        if end == ElementEnd::Empty {
                            scopes.pop();
                        } else {
                            open.push((prefix, local));
                        }
                    }
                    ElementEnd::Close(prefix, local) => {
                        let (p, l) = open.pop().ok_or_else(|| bad("unbalanced end tag"))?;
                        if p != prefix.as_str() || l != local.as_str() {
                            return Err(bad(format!("end tag {local} does not match {l}")));
                        }
                        scopes.pop();
                    }
                },
                Token::Text { text } => {
                    if open.is_empty() && !text.as_str().trim().is_empty() {
                        return Err(bad("text outside the root element"));
                    }
                }
                Token::Cdata { .. } => {
                    if open.is_empty() {
                        return Err(bad("CDATA outside the root element"));
                    }
                }
                Token::ProcessingInstruction { .. }
                | Token::Comment { .. }
                | Token::DtdEnd { .. } => {}
            }
        }
        if !seen_root {
            return Err(bad("there is no root element"));
        }
        if !open.is_empty() {
            return Err(bad("the document ends inside an element"));
        }
        Ok(manifest)
    }

    /// The media type listed for `full_path`.
    pub fn media_type(&self, full_path: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.full_path == full_path)
            .map(|e| e.media_type.as_str())
    }

    /// Serialises a manifest for `data_files` (`(name, media type)` in order): version 1.2, the
    /// `/` entry first with the ASiC-E type, attribute values escaped.
    pub fn to_xml<'a>(data_files: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n\
             <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\n\
             \x20 <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.etsi.asic-e+zip\"/>\n",
        );
        for (name, media_type) in data_files {
            out.push_str("  <manifest:file-entry manifest:full-path=\"");
            escape_attr(name, &mut out);
            out.push_str("\" manifest:media-type=\"");
            escape_attr(media_type, &mut out);
            out.push_str("\"/>\n");
        }
        out.push_str("</manifest:manifest>\n");
        out
    }
}

fn resolve<'a>(scopes: &'a [HashMap<String, String>], prefix: &str) -> Option<&'a str> {
    if prefix == "xml" {
        return Some("http://www.w3.org/XML/1998/namespace");
    }
    for scope in scopes.iter().rev() {
        if let Some(uri) = scope.get(prefix) {
            return Some(uri);
        }
    }
    // An unprefixed name with no default namespace is in no namespace.
    prefix.is_empty().then_some("")
}

/// A manifest attribute: prefixed with the manifest namespace, or (leniently, as some
/// producers with a default namespace write it) unprefixed.
fn manifest_attr(
    scopes: &[HashMap<String, String>],
    attrs: &[Attr],
    name: &str,
) -> Result<Option<String>, Error> {
    for (p, l, v) in attrs {
        if l != name || p == "xmlns" {
            continue;
        }
        if p.is_empty() {
            return Ok(Some(v.clone()));
        }
        let ns = resolve(scopes, p).ok_or_else(|| bad(format!("undeclared prefix {p:?}")))?;
        if ns == MANIFEST_NS {
            return Ok(Some(v.clone()));
        }
    }
    Ok(None)
}

/// Resolves the predefined entities and character references of an attribute value, and
/// normalises literal white space (XML 1.0 §3.3.3).
fn unescape(raw: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\n', '\r']) {
        out.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        if c != b'&' {
            out.push(' ');
            rest = &rest[i + 1..];
            continue;
        }
        let end = rest[i..]
            .find(';')
            .ok_or_else(|| bad("an entity reference is not terminated"))?;
        let entity = &rest[i + 1..i + end];
        let ch = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    return Err(bad(format!("unknown entity &{entity};")));
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| bad(format!("invalid character reference &{entity};")))?
            }
        };
        out.push(ch);
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn escape_attr(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_manifest_parses_back_with_escaped_names() {
        let files = [
            ("a&b <\"c\">.txt", "text/plain"),
            ("dir/ü.pdf", "application/pdf"),
        ];
        let xml = Manifest::to_xml(files.iter().copied());
        let m = Manifest::parse(xml.as_bytes()).unwrap();
        assert_eq!(m.version.as_deref(), Some("1.2"));
        assert_eq!(m.entries[0].full_path, "/");
        assert_eq!(m.media_type("a&b <\"c\">.txt"), Some("text/plain"));
        assert_eq!(m.media_type("dir/ü.pdf"), Some("application/pdf"));
    }

    #[test]
    fn custom_prefix_and_default_namespace_are_understood() {
        let a = r#"<m:manifest xmlns:m="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><m:file-entry m:full-path="x.txt" m:media-type="text/plain"/></m:manifest>"#;
        let b = r#"<manifest xmlns="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><file-entry full-path="x.txt" media-type="text/plain"></file-entry></manifest>"#;
        for xml in [a, b] {
            assert_eq!(
                Manifest::parse(xml.as_bytes()).unwrap().media_type("x.txt"),
                Some("text/plain")
            );
        }
    }

    #[test]
    fn dtd_and_entities_are_refused() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "boom">]><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>"#;
        assert!(
            matches!(Manifest::parse(xml.as_bytes()), Err(Error::Manifest { reason }) if reason.contains("DTD"))
        );
        let xml = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="&x;"/></manifest:manifest>"#;
        assert!(matches!(
            Manifest::parse(xml.as_bytes()),
            Err(Error::Manifest { .. })
        ));
    }

    #[test]
    fn wrong_root_and_broken_nesting_are_refused() {
        assert!(Manifest::parse(b"<x/>").is_err());
        let xml = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><a></b></manifest:manifest>"#;
        assert!(Manifest::parse(xml.as_bytes()).is_err());
        assert!(Manifest::parse(b"").is_err());
    }
}
