//! Character-level rules of XML 1.0: end-of-line handling (§2.11), attribute-value
//! normalisation (§3.3.3), references (§4.1, predefined entities §4.6) and escaping for output.

use crate::error::{Error, Result, TextPosition};

/// The `Char` production of XML 1.0 §2.2.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Where a run of raw text came from, to decode it by the right rules.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// Character data: references expanded, line ends normalised.
    Text,
    /// An attribute value: as `Text`, then each literal white space character becomes a space.
    Attribute,
    /// CDATA, comments, PIs: only line ends normalised.
    Literal,
}

/// Decodes `raw` (a slice of `source` starting at byte `start`) into `out`.
///
/// Line ends are normalised before anything else (§2.11 applies to the whole entity), so a
/// literal CR LF in an attribute becomes one space, while `&#13;` survives as CR.
pub(crate) fn decode(
    source: &str,
    start: usize,
    raw: &str,
    context: Context,
    out: &mut String,
) -> Result<()> {
    out.reserve(raw.len());
    let bytes = raw.as_bytes();
    let special = |b: u8| match context {
        Context::Text => matches!(b, b'&' | b'\r'),
        Context::Attribute => matches!(b, b'&' | b'\r' | b'\n' | b'\t'),
        Context::Literal => b == b'\r',
    };
    let mut i = 0;
    while i < bytes.len() {
        // Copy the run up to the next byte that needs attention in one go (all ASCII, so
        // `i` stays on a character boundary).
        let run = bytes[i..]
            .iter()
            .position(|&b| special(b))
            .unwrap_or(bytes.len() - i);
        let chunk = &raw[i..i + run];
        // The tokenizer already rejects characters outside XML's Char production; checked
        // again here (cheaply: only C0 controls and U+FFFE/U+FFFF, whose UTF-8 starts with
        // 0xEF, can fail) because a DOM that holds one could not be serialised back.
        let suspicious = chunk
            .bytes()
            .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
        if let Some((j, c)) = suspicious
            .then(|| chunk.char_indices().find(|&(_, c)| !is_xml_char(c)))
            .flatten()
        {
            return Err(Error::Syntax {
                message: format!("character U+{:04X} is not allowed in XML", c as u32),
                position: TextPosition::locate(source, start + i + j),
            });
        }
        out.push_str(chunk);
        i += run;
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                out.push(if context == Context::Attribute {
                    ' '
                } else {
                    '\n'
                });
                i += 1;
            }
            b'\n' | b'\t' => {
                out.push(' ');
                i += 1;
            }
            _ => {
                // '&': a reference up to ';'.
                let rest = &raw[i + 1..];
                let end =
                    rest.find(';')
                        .filter(|&e| e <= 64)
                        .ok_or_else(|| Error::UndefinedEntity {
                            name: rest.chars().take_while(|c| *c != ';').take(64).collect(),
                            position: TextPosition::locate(source, start + i),
                        })?;
                out.push(expand_reference(&rest[..end], source, start + i)?);
                i += end + 2;
            }
        }
    }
    Ok(())
}

fn expand_reference(name: &str, source: &str, offset: usize) -> Result<char> {
    let bad_char_ref = || Error::InvalidCharacterReference {
        reference: name.to_owned(),
        position: TextPosition::locate(source, offset),
    };
    if let Some(num) = name.strip_prefix('#') {
        let value = if let Some(hex) = num.strip_prefix('x') {
            if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad_char_ref());
            }
            u32::from_str_radix(hex, 16).map_err(|_| bad_char_ref())?
        } else {
            if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad_char_ref());
            }
            num.parse::<u32>().map_err(|_| bad_char_ref())?
        };
        return char::from_u32(value)
            .filter(|&c| is_xml_char(c))
            .ok_or_else(bad_char_ref);
    }
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(Error::UndefinedEntity {
            name: name.to_owned(),
            position: TextPosition::locate(source, offset),
        }),
    }
}

/// Normalises line ends only (CDATA, comments, processing instructions).
pub(crate) fn normalize_line_ends(raw: &str) -> String {
    if !raw.contains('\r') {
        return raw.to_owned();
    }
    raw.replace("\r\n", "\n").replace('\r', "\n")
}

/// Escapes character data the way Canonical XML does (C14N 1.0 §2.3: `&`, `<`, `>`, CR).
pub(crate) fn escape_text(s: &str, out: &mut Vec<u8>) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#xD;",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[last..i]);
        out.extend_from_slice(rep);
        last = i + 1;
    }
    out.extend_from_slice(&s.as_bytes()[last..]);
}

/// Escapes an attribute value the way Canonical XML does (`&`, `<`, `"`, TAB, LF, CR), so
/// that a reader's attribute-value normalisation gives the value back unchanged.
pub(crate) fn escape_attribute(s: &str, out: &mut Vec<u8>) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'"' => b"&quot;",
            b'\t' => b"&#x9;",
            b'\n' => b"&#xA;",
            b'\r' => b"&#xD;",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[last..i]);
        out.extend_from_slice(rep);
        last = i + 1;
    }
    out.extend_from_slice(&s.as_bytes()[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(raw: &str, ctx: Context) -> Result<String> {
        let mut s = String::new();
        decode(raw, 0, raw, ctx, &mut s).map(|()| s)
    }

    #[test]
    fn attribute_normalisation_keeps_character_references() {
        assert_eq!(
            dec("a\r\nb\rc\td\ne&#9;&#13;&#xA;", Context::Attribute).unwrap(),
            "a b c d e\t\r\n"
        );
        assert_eq!(dec("a\r\nb\rc", Context::Text).unwrap(), "a\nb\nc");
    }

    #[test]
    fn only_predefined_entities_expand() {
        assert_eq!(
            dec("&lt;&gt;&amp;&apos;&quot;", Context::Text).unwrap(),
            "<>&'\""
        );
        assert!(
            matches!(dec("x &xxe; y", Context::Text), Err(Error::UndefinedEntity { name, .. }) if name == "xxe")
        );
        assert!(matches!(
            dec("&#0;", Context::Text),
            Err(Error::InvalidCharacterReference { .. })
        ));
        assert!(matches!(
            dec("&#xD800;", Context::Text),
            Err(Error::InvalidCharacterReference { .. })
        ));
        assert!(matches!(
            dec("&#x110000;", Context::Text),
            Err(Error::InvalidCharacterReference { .. })
        ));
        assert!(matches!(
            dec("&amp", Context::Text),
            Err(Error::UndefinedEntity { .. })
        ));
    }

    #[test]
    fn escaping_matches_canonical_xml() {
        let mut v = Vec::new();
        escape_text("a&b<c>d\re\"\t", &mut v);
        assert_eq!(v, b"a&amp;b&lt;c&gt;d&#xD;e\"\t");
        v.clear();
        escape_attribute("a&b<c>d\re\"\t\n", &mut v);
        assert_eq!(v, b"a&amp;b&lt;c>d&#xD;e&quot;&#x9;&#xA;");
    }
}
