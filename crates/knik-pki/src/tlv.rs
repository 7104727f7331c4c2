//! Raw TLV reading for certificates: names and extensions with arbitrary OIDs.
//!
//! Why our own OID decoding: const-oid 0.9 (the fixed der 0.7 generation) cannot represent an
//! OID whose second arc exceeds 39 under arc 2 — such as the test arc `2.999.1.x` our document
//! policies live under — and rejects the whole structure. Everything that carries arbitrary,
//! issuer-chosen OIDs (names, extensions, policies, key purposes, QC statements) is therefore
//! read as raw TLVs here, and OIDs are turned into dotted strings by [`oid_to_string`].

use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader, Tag, Tagged};

/// The TLVs inside a constructed value's content octets, in order.
pub(crate) fn elements(content: &[u8]) -> Result<Vec<AnyRef<'_>>, String> {
    let mut reader = SliceReader::new(content).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(AnyRef::decode(&mut reader).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

/// Checks the tag of `value` and returns its content.
pub(crate) fn expect<'a>(value: &AnyRef<'a>, tag: Tag, what: &str) -> Result<&'a [u8], String> {
    if value.tag() != tag {
        return Err(format!("{what}: expected {tag}, found {}", value.tag()));
    }
    Ok(value.value())
}

/// The elements of a `SEQUENCE` TLV.
pub(crate) fn sequence<'a>(value: &AnyRef<'a>, what: &str) -> Result<Vec<AnyRef<'a>>, String> {
    elements(expect(value, Tag::Sequence, what)?)
}

/// Decodes one whole DER TLV (no trailing bytes).
pub(crate) fn parse(der: &[u8]) -> Result<AnyRef<'_>, String> {
    AnyRef::from_der(der).map_err(|e| e.to_string())
}

/// An OBJECT IDENTIFIER TLV as a dotted string (X.690 §8.19), any arcs.
pub(crate) fn oid_to_string(value: &AnyRef<'_>) -> Result<String, String> {
    oid_content_to_string(expect(value, Tag::ObjectIdentifier, "object identifier")?)
}

/// OBJECT IDENTIFIER content octets as a dotted string.
pub(crate) fn oid_content_to_string(content: &[u8]) -> Result<String, String> {
    if content.is_empty() {
        return Err("empty object identifier".to_owned());
    }
    let mut arcs: Vec<u128> = Vec::new();
    let mut current: u128 = 0;
    let mut in_subidentifier = false;
    for &byte in content {
        // X.690 §8.19.2: the leading octet of a subidentifier is never 0x80 (minimal encoding).
        if !in_subidentifier && byte == 0x80 {
            return Err("non-minimal object identifier encoding".to_owned());
        }
        if current > (u128::MAX >> 7) {
            return Err("object identifier arc too large".to_owned());
        }
        current = (current << 7) | u128::from(byte & 0x7f);
        in_subidentifier = byte & 0x80 != 0;
        if !in_subidentifier {
            arcs.push(current);
            current = 0;
        }
    }
    if in_subidentifier {
        return Err("truncated object identifier".to_owned());
    }
    // X.690 §8.19.4: the first subidentifier packs the first two arcs.
    let first = arcs[0];
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in &arcs[1..] {
        out.push('.');
        out.push_str(&arc.to_string());
    }
    Ok(out)
}

/// Whether `text` is a dotted OID in canonical form (digits, no leading zeros, first arc 0–2,
/// second arc below 40 under arcs 0 and 1, at least two arcs).
pub(crate) fn is_dotted_oid(text: &str) -> bool {
    let arcs: Vec<&str> = text.split('.').collect();
    if arcs.len() < 2 {
        return false;
    }
    let well_formed = arcs.iter().all(|a| {
        !a.is_empty()
            && a.len() <= 38
            && a.bytes().all(|b| b.is_ascii_digit())
            && (a.len() == 1 || !a.starts_with('0'))
    });
    if !well_formed {
        return false;
    }
    match arcs[0] {
        "0" | "1" => arcs[1].parse::<u8>().is_ok_and(|b| b < 40),
        "2" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_beyond_const_oid_limits_decode() {
        // 2.999.1.1: first subidentifier 1079 = 0x88 0x37.
        assert_eq!(
            oid_content_to_string(&[0x88, 0x37, 0x01, 0x01]).unwrap(),
            "2.999.1.1"
        );
        assert_eq!(
            oid_content_to_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]).unwrap(),
            "1.2.840.113549.1.1.11"
        );
        assert_eq!(
            oid_content_to_string(&[0x04, 0x00, 0x8e, 0x46, 0x01, 0x01]).unwrap(),
            "0.4.0.1862.1.1"
        );
        assert!(oid_content_to_string(&[]).is_err());
        assert!(oid_content_to_string(&[0x2a, 0x86]).is_err());
        assert!(oid_content_to_string(&[0x2a, 0x80, 0x01]).is_err());
        assert!(oid_content_to_string(&[0xff; 40]).is_err());
    }

    #[test]
    fn dotted_oid_syntax() {
        for good in [
            "2.999.1.1",
            "0.4.0.194112.1.2",
            "1.2.840.113549.1.1.11",
            "2.5",
        ] {
            assert!(is_dotted_oid(good), "{good}");
        }
        for bad in [
            "",
            "2",
            "3.1",
            "1.40",
            "2.999..1",
            "2.01",
            "a.b",
            "2.999.1.1 ",
            "1.2.-3",
        ] {
            assert!(!is_dotted_oid(bad), "{bad}");
        }
    }
}
