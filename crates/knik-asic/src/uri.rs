//! Data-file names as XMLDSig reference URIs (`signatures.md`: "URI = the file name
//! percent-encoded per RFC 3986 (space → `%20`, never `+`)"; `reference/signing.md` §2.8).

use crate::error::Error;

/// Percent-encodes a data-file name for a `ds:Reference/@URI`: every byte of the UTF-8 form
/// except RFC 3986 unreserved characters (`A–Z a–z 0–9 - . _ ~`) and `/` becomes `%XX` with
/// upper-case hex, as libdigidocpp does. A space is `%20`, a `+` is `%2B`.
pub fn encode_uri_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
    }
    out
}

/// Decodes a reference URI back to a file name: percent-decoding to UTF-8, leaving `+` as a
/// literal plus (digidoc4j #104). Raw non-ASCII (as DSS writes it) passes through.
pub fn decode_uri_path(uri: &str) -> Result<String, Error> {
    let invalid = |reason| Error::InvalidUri {
        uri: uri.to_owned(),
        reason,
    };
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .ok_or_else(|| invalid("a '%' is not followed by two hex digits"))?;
            let hi = hex_val(hex[0])
                .ok_or_else(|| invalid("a '%' is not followed by two hex digits"))?;
            let lo = hex_val(hex[1])
                .ok_or_else(|| invalid("a '%' is not followed by two hex digits"))?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| invalid("the decoded bytes are not UTF-8"))
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_is_percent_20_and_plus_is_kept_distinct() {
        assert_eq!(encode_uri_path("my file+1.txt"), "my%20file%2B1.txt");
        assert_eq!(decode_uri_path("my%20file+1.txt").unwrap(), "my file+1.txt");
    }

    #[test]
    fn non_ascii_round_trips() {
        let name = "dir/jagamine + müük ա.pdf";
        let enc = encode_uri_path(name);
        assert_eq!(enc, "dir/jagamine%20%2B%20m%C3%BC%C3%BCk%20%D5%A1.pdf");
        assert_eq!(decode_uri_path(&enc).unwrap(), name);
        // DSS keeps non-ASCII raw: that decodes too.
        assert_eq!(decode_uri_path("müük.pdf").unwrap(), "müük.pdf");
    }

    #[test]
    fn broken_escapes_are_rejected() {
        assert!(matches!(
            decode_uri_path("a%2"),
            Err(Error::InvalidUri { .. })
        ));
        assert!(matches!(
            decode_uri_path("a%zz"),
            Err(Error::InvalidUri { .. })
        ));
        assert!(matches!(
            decode_uri_path("%C3"),
            Err(Error::InvalidUri { .. })
        ));
    }
}
