//! BER-TLV as smart cards use it (ISO/IEC 7816-4 §5.2, ISO/IEC 8825-1 §8.1).
//!
//! Tags of up to four bytes, definite lengths of up to four length bytes, constructed objects
//! nested at most [`MAX_DEPTH`] deep. Everything a card sends is hostile input: every length is
//! checked against what is really there, and no input makes the parser panic or recurse
//! without bound (fuzzed by `fuzz/fuzz_targets/tlv.rs`).

use std::fmt;

use crate::error::{Error, Result};

/// Deepest nesting [`parse_tree`] accepts.
pub const MAX_DEPTH: usize = 16;

/// Longest tag accepted, in bytes.
const MAX_TAG_LEN: usize = 4;

/// A BER tag, its bytes read as a big-endian number (`0x62`, `0xBF8101`, `0x9F7F`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u32);

impl Tag {
    /// The tag's encoded bytes.
    pub fn to_bytes(self) -> Vec<u8> {
        let b = self.0.to_be_bytes();
        let skip = b.iter().take(3).take_while(|&&x| x == 0).count();
        b[skip..].to_vec()
    }

    /// Constructed (bit 6 of the first byte): the value is itself a sequence of TLVs.
    pub fn is_constructed(self) -> bool {
        self.to_bytes()[0] & 0x20 != 0
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({self})")
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.to_bytes() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// One data object, borrowing its value from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag.
    pub tag: Tag,
    /// The value bytes (for a constructed object: the encoded children).
    pub value: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// The children of a constructed object (its value parsed as a sequence of TLVs).
    pub fn children(&self) -> Result<Vec<Tlv<'a>>> {
        if !self.tag.is_constructed() {
            return Err(malformed(format!(
                "tag {} is primitive, it has no children",
                self.tag
            )));
        }
        read_all(self.value)
    }

    /// The first child with `tag`.
    pub fn child(&self, tag: Tag) -> Result<Option<Tlv<'a>>> {
        Ok(self.children()?.into_iter().find(|t| t.tag == tag))
    }

    /// The object encoded again (minimal length form).
    pub fn to_bytes(&self) -> Vec<u8> {
        encode(self.tag, self.value)
    }
}

/// A parsed tree: primitive objects keep their value, constructed ones their children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A primitive object.
    Primitive {
        /// The tag.
        tag: Tag,
        /// The value.
        value: Vec<u8>,
    },
    /// A constructed object.
    Constructed {
        /// The tag.
        tag: Tag,
        /// The nested objects.
        children: Vec<Node>,
    },
}

impl Node {
    /// The node's tag.
    pub fn tag(&self) -> Tag {
        match self {
            Node::Primitive { tag, .. } | Node::Constructed { tag, .. } => *tag,
        }
    }

    /// The node encoded (minimal length forms).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Node::Primitive { tag, value } => encode(*tag, value),
            Node::Constructed { tag, children } => {
                let inner: Vec<u8> = children.iter().flat_map(Node::to_bytes).collect();
                encode(*tag, &inner)
            }
        }
    }
}

fn malformed(detail: String) -> Error {
    Error::Malformed {
        what: "BER-TLV".into(),
        detail,
    }
}

/// Reads a tag from the front of `input`; returns it and the number of bytes used.
fn read_tag(input: &[u8]) -> Result<(Tag, usize)> {
    let first = *input
        .first()
        .ok_or_else(|| malformed("missing tag".into()))?;
    let mut value = u32::from(first);
    if first & 0x1F != 0x1F {
        return Ok((Tag(value), 1));
    }
    // High tag number form: subsequent bytes while bit 8 is set (ISO/IEC 8825-1 §8.1.2.4).
    for i in 1..MAX_TAG_LEN {
        let b = *input
            .get(i)
            .ok_or_else(|| malformed("truncated multi-byte tag".into()))?;
        value = (value << 8) | u32::from(b);
        if b & 0x80 == 0 {
            return Ok((Tag(value), i + 1));
        }
    }
    Err(malformed(format!("tag longer than {MAX_TAG_LEN} bytes")))
}

/// Reads a definite length; returns it and the number of bytes used.
fn read_length(input: &[u8]) -> Result<(usize, usize)> {
    let first = *input
        .first()
        .ok_or_else(|| malformed("missing length".into()))?;
    match first {
        0x00..=0x7F => Ok((usize::from(first), 1)),
        0x80 => Err(malformed("indefinite length is not allowed".into())),
        0x81..=0x84 => {
            let n = usize::from(first & 0x7F);
            let bytes = input
                .get(1..1 + n)
                .ok_or_else(|| malformed("truncated length".into()))?;
            let len = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            let len = usize::try_from(len).map_err(|_| malformed("length too large".into()))?;
            Ok((len, 1 + n))
        }
        _ => Err(malformed(format!(
            "length form {first:02X} is not supported"
        ))),
    }
}

/// Reads one object from the front of `input`; returns it and the bytes after it.
pub fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8])> {
    let (tag, tag_len) = read_tag(input)?;
    let (len, len_len) = read_length(&input[tag_len..])?;
    let start = tag_len + len_len;
    let rest = &input[start..];
    if len > rest.len() {
        return Err(malformed(format!(
            "tag {tag} says {len} bytes, only {} follow",
            rest.len()
        )));
    }
    Ok((
        Tlv {
            tag,
            value: &rest[..len],
        },
        &rest[len..],
    ))
}

/// Reads a whole sequence of objects; trailing garbage is an error.
pub fn read_all(mut input: &[u8]) -> Result<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let (tlv, rest) = read(input)?;
        out.push(tlv);
        input = rest;
    }
    Ok(out)
}

/// Follows `path` through nested objects and returns the value of the last tag, if present:
/// `find(data, &[Tag(0x70), Tag(0xBF8101), Tag(0xA0), Tag(0x9B)])`.
pub fn find<'a>(input: &'a [u8], path: &[Tag]) -> Result<Option<&'a [u8]>> {
    let mut current = input;
    for tag in path {
        match read_all(current)?.into_iter().find(|t| t.tag == *tag) {
            Some(t) => current = t.value,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// Parses `input` into a tree, descending into constructed objects at most [`MAX_DEPTH`] deep.
pub fn parse_tree(input: &[u8]) -> Result<Vec<Node>> {
    parse_level(input, 0)
}

fn parse_level(input: &[u8], depth: usize) -> Result<Vec<Node>> {
    if depth >= MAX_DEPTH {
        return Err(malformed(format!("nested deeper than {MAX_DEPTH} levels")));
    }
    read_all(input)?
        .into_iter()
        .map(|t| {
            if t.tag.is_constructed() {
                Ok(Node::Constructed {
                    tag: t.tag,
                    children: parse_level(t.value, depth + 1)?,
                })
            } else {
                Ok(Node::Primitive {
                    tag: t.tag,
                    value: t.value.to_vec(),
                })
            }
        })
        .collect()
}

/// Appends a definite length in its minimal form.
pub fn encode_length(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Encodes one object.
pub fn encode(tag: Tag, value: &[u8]) -> Vec<u8> {
    let mut out = tag.to_bytes();
    encode_length(value.len(), &mut out);
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The retry-counter answer of docs/cards.md for PIN2 (reference 85 → BF8105).
    const RETRIES: [u8; 16] = [
        0x70, 0x0C, 0xBF, 0x81, 0x05, 0x08, 0xA0, 0x06, 0x9A, 0x01, 0x03, 0x9B, 0x01, 0x02, 0x90,
        0x00,
    ];

    #[test]
    fn finds_values_through_nested_multi_byte_tags() {
        let data = &RETRIES[..14];
        let path = [Tag(0x70), Tag(0xBF8105), Tag(0xA0)];
        let a0 = find(data, &path).unwrap().unwrap();
        assert_eq!(find(a0, &[Tag(0x9A)]).unwrap(), Some(&[0x03][..]));
        assert_eq!(find(a0, &[Tag(0x9B)]).unwrap(), Some(&[0x02][..]));
        assert_eq!(find(data, &[Tag(0x70), Tag(0xBF8101)]).unwrap(), None);
        let tree = parse_tree(data).unwrap();
        assert_eq!(tree.len(), 1);
        assert_eq!(tree[0].to_bytes(), data);
    }

    #[test]
    fn long_form_lengths() {
        let value = vec![0x55; 300];
        let enc = encode(Tag(0x04), &value);
        assert_eq!(&enc[..4], &[0x04, 0x82, 0x01, 0x2C]);
        let (t, rest) = read(&enc).unwrap();
        assert_eq!(t.value.len(), 300);
        assert!(rest.is_empty());
        let enc = encode(Tag(0x80), &[0; 0x80]);
        assert_eq!(&enc[..3], &[0x80, 0x81, 0x80]);
        // a non-minimal long form is accepted on input
        let (t, _) = read(&[0x80, 0x82, 0x00, 0x01, 0xAA]).unwrap();
        assert_eq!(t.value, &[0xAA]);
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        for bad in [
            &[][..],
            &[0x70],
            &[0x70, 0x05, 0x01],
            &[0x9F],
            &[0x9F, 0x81, 0x81, 0x81, 0x01, 0x00],
            &[0x70, 0x80, 0x00, 0x00],
            &[0x70, 0x85, 0, 0, 0, 0, 1],
            &[0x70, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
            &[0x70, 0x82, 0x01],
        ] {
            assert!(
                matches!(read_all(bad), Err(Error::Malformed { .. })) || bad.is_empty(),
                "{bad:02X?}"
            );
        }
        assert!(read_all(&[]).unwrap().is_empty());
        // nesting beyond MAX_DEPTH
        let mut deep = vec![0x04, 0x00];
        for _ in 0..MAX_DEPTH {
            deep = encode(Tag(0x30), &deep);
        }
        assert!(parse_tree(&deep).is_err());
        let mut ok = vec![0x04, 0x00];
        for _ in 0..MAX_DEPTH - 1 {
            ok = encode(Tag(0x30), &ok);
        }
        assert!(parse_tree(&ok).is_ok());
    }

    #[test]
    fn tags_round_trip() {
        assert_eq!(Tag(0xBF8101).to_bytes(), vec![0xBF, 0x81, 0x01]);
        assert_eq!(Tag(0x00).to_bytes(), vec![0x00]);
        assert!(Tag(0x62).is_constructed());
        assert!(!Tag(0x80).is_constructed());
        assert_eq!(Tag(0x9F7F).to_string(), "9F7F");
        let (t, n) = read_tag(&[0x5F, 0x20, 0x00]).unwrap();
        assert_eq!((t, n), (Tag(0x5F20), 2));
    }
}
