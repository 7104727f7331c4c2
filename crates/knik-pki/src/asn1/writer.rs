//! DER encoding of the few request structures we build (OCSPRequest, TimeStampReq).

use crate::asn1::reader::tag;

/// One TLV with a definite, minimal length.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A constructed value (SEQUENCE, SET, explicit tag) from already-encoded parts.
pub(crate) fn constructed(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// A SEQUENCE from already-encoded parts.
pub(crate) fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    constructed(tag::SEQUENCE, parts)
}

/// A non-negative INTEGER from big-endian magnitude bytes (leading zeros dropped, a zero
/// byte added when the top bit is set).
pub(crate) fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed = crate::asn1::reader::strip_leading_zeros(magnitude);
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.is_empty() || trimmed[0] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(trimmed);
    tlv(tag::INTEGER, &content)
}

/// An OBJECT IDENTIFIER from a dotted OID (X.690 §8.19). Written here rather than with
/// const-oid, which cannot hold arcs such as 2.999.x. Callers pass OIDs checked with
/// `crate::tlv::is_dotted_oid` or the crate's own constants; anything else yields `None`.
pub(crate) fn try_oid(dotted: &str) -> Option<Vec<u8>> {
    if !crate::tlv::is_dotted_oid(dotted) {
        return None;
    }
    let arcs = dotted
        .split('.')
        .map(|a| a.parse::<u128>().ok())
        .collect::<Option<Vec<_>>>()?;
    let first = arcs[0].checked_mul(40)?.checked_add(arcs[1])?;
    let mut content = Vec::new();
    for arc in core::iter::once(first).chain(arcs[2..].iter().copied()) {
        let mut groups = vec![(arc & 0x7F) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push(0x80 | (rest & 0x7F) as u8);
            rest >>= 7;
        }
        content.extend(groups.iter().rev());
    }
    Some(tlv(tag::OID, &content))
}

/// An OBJECT IDENTIFIER from one of the crate's own dotted OID constants.
pub(crate) fn oid(dotted: &str) -> Vec<u8> {
    // The constants are valid OIDs; an empty OID would fail loudly at the peer, never here.
    try_oid(dotted).unwrap_or_default()
}

/// `AlgorithmIdentifier { algorithm, parameters NULL }` for a hash algorithm, as OpenSSL and
/// most OCSP responders and TSAs write it.
pub(crate) fn hash_algorithm_identifier(dotted: &str) -> Vec<u8> {
    sequence(&[&oid(dotted), &[tag::NULL, 0x00]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_integers() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 2, 1, 2]);
        let long = tlv(0x04, &[0u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2C]);
        assert_eq!(unsigned_integer(&[0x80]), vec![0x02, 2, 0x00, 0x80]);
        assert_eq!(unsigned_integer(&[0, 0, 0x7F]), vec![0x02, 1, 0x7F]);
        assert_eq!(unsigned_integer(&[]), vec![0x02, 1, 0x00]);
        assert_eq!(
            oid("1.3.14.3.2.26"),
            vec![0x06, 5, 0x2B, 0x0E, 0x03, 0x02, 0x1A]
        );
        assert_eq!(oid("2.999.2.1"), vec![0x06, 4, 0x88, 0x37, 0x02, 0x01]);
        assert_eq!(
            oid("1.2.840.113549.1.9.16.1.4"),
            vec![
                0x06, 11, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x04
            ]
        );
        assert!(try_oid("3.1").is_none());
    }
}
