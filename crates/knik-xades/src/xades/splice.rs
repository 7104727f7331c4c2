//! Editing a signature file as text: where an element's tags are, so that unsigned properties
//! can be inserted without re-serialising (and so without changing) anything signed.

use xmlparser::{ElementEnd, Token, Tokenizer};

use crate::error::{Error, Result};

/// Byte offsets of one element in the document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ElementSpan {
    /// Offset of `<` of the start tag.
    pub start: usize,
    /// Offset just after the `>` of the start tag, or of `/>` for an empty-element tag.
    pub content_start: usize,
    /// Offset of `</` of the end tag; equal to `end` minus 2 for an empty-element tag (the `/>`).
    pub content_end: usize,
    /// Offset just after the element.
    pub end: usize,
    /// True for `<x/>`.
    pub empty: bool,
}

fn malformed(reason: String) -> Error {
    Error::MalformedSignature {
        element: "signature file",
        reason,
    }
}

/// Finds the tags of the element whose start tag begins at `start` in `text`.
pub(crate) fn element_span(text: &str, start: usize) -> Result<ElementSpan> {
    if text.as_bytes().get(start) != Some(&b'<') {
        return Err(malformed(format!("no start tag at byte {start}")));
    }
    let mut depth = 0usize;
    let mut content_start = None;
    for token in Tokenizer::from_fragment(text, start..text.len()) {
        let token = token.map_err(|e| malformed(e.to_string()))?;
        match token {
            Token::ElementStart { .. } => depth += 1,
            Token::ElementEnd { end, span } => match end {
                ElementEnd::Open => {
                    if depth == 1 && content_start.is_none() {
                        content_start = Some(span.end());
                    }
                }
                ElementEnd::Empty | ElementEnd::Close(..) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let empty = matches!(end, ElementEnd::Empty);
                        return Ok(ElementSpan {
                            start,
                            content_start: content_start.unwrap_or(span.start()),
                            content_end: span.start(),
                            end: span.end(),
                            empty,
                        });
                    }
                }
            },
            _ => {}
        }
    }
    Err(malformed(format!("element at byte {start} is not closed")))
}

/// Inserts `fragment` as the last content of the element at `span` (turning `<x/>` into
/// `<x>fragment</x>`), returning the new text.
pub(crate) fn append_child(
    text: &str,
    span: ElementSpan,
    qualified_name: &str,
    fragment: &str,
) -> String {
    let mut out = String::with_capacity(text.len() + fragment.len() + qualified_name.len() + 3);
    if span.empty {
        // `<x a="b"/>` → `<x a="b">` + fragment + `</x>`.
        out.push_str(&text[..span.content_end]);
        out.push('>');
        out.push_str(fragment);
        out.push_str("</");
        out.push_str(qualified_name);
        out.push('>');
        out.push_str(&text[span.end..]);
    } else {
        out.push_str(&text[..span.content_end]);
        out.push_str(fragment);
        out.push_str(&text[span.content_end..]);
    }
    out
}

/// Inserts `fragment` at byte `offset`.
pub(crate) fn insert_at(text: &str, offset: usize, fragment: &str) -> String {
    let mut out = String::with_capacity(text.len() + fragment.len());
    out.push_str(&text[..offset]);
    out.push_str(fragment);
    out.push_str(&text[offset..]);
    out
}

/// Escapes character data for element content.
pub(crate) fn escape_text(s: &str) -> String {
    let mut buf = Vec::new();
    crate::xml::text::escape_text(s, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// Escapes an attribute value (for double quotes).
pub(crate) fn escape_attribute(s: &str) -> String {
    let mut buf = Vec::new();
    crate::xml::text::escape_attribute(s, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_insertion() {
        let text = r#"<a><b x="1"><c/>t</b><d/></a>"#;
        let b = element_span(text, 3).unwrap();
        assert_eq!(&text[b.start..b.end], r#"<b x="1"><c/>t</b>"#);
        assert_eq!(&text[b.content_start..b.content_end], "<c/>t");
        assert!(!b.empty);
        let d = element_span(text, 21).unwrap();
        assert!(d.empty);
        assert_eq!(
            append_child(text, d, "d", "<e/>"),
            r#"<a><b x="1"><c/>t</b><d><e/></d></a>"#
        );
        assert_eq!(
            append_child(text, b, "b", "<e/>"),
            r#"<a><b x="1"><c/>t<e/></b><d/></a>"#
        );
        assert!(element_span(text, 1).is_err());
    }
}
