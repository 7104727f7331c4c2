//! A strict DER TLV reader (X.690 §8, §10): single-byte tags, definite minimal lengths.
//!
//! Every value keeps its raw encoding next to its content, because signatures are checked over
//! raw byte ranges. Errors name the structure being read and the field that failed.

use crate::Error;
use crate::asn1::generalized_time;

/// Universal tags used by the OCSP and TSP structures.
pub(crate) mod tag {
    pub(crate) const BOOLEAN: u8 = 0x01;
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const ENUMERATED: u8 = 0x0A;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;

    /// A context-specific tag `[n]`, constructed (EXPLICIT, or IMPLICIT over a constructed
    /// type) or primitive.
    pub(crate) const fn context(n: u8, constructed: bool) -> u8 {
        0x80 | if constructed { 0x20 } else { 0 } | n
    }
}

/// One decoded TLV: its tag octet, its contents and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    pub(crate) raw: &'a [u8],
    what: &'static str,
}

/// Reads consecutive TLVs from a byte slice (the contents of a SEQUENCE or SET, or a whole
/// document).
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    what: &'static str,
}

/// Reads exactly one TLV of tag `expected` spanning all of `input`.
pub(crate) fn parse_single<'a>(
    input: &'a [u8],
    expected: u8,
    what: &'static str,
) -> Result<Tlv<'a>, Error> {
    let mut reader = Reader::new(input, what);
    let tlv = reader.read(expected, "top-level value")?;
    reader.finish()?;
    Ok(tlv)
}

fn malformed(what: &'static str, reason: String) -> Error {
    Error::Der { what, reason }
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8], what: &'static str) -> Self {
        Reader { rest: input, what }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next tag octet, if any bytes remain.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads the next TLV whatever its tag.
    pub(crate) fn read_any(&mut self) -> Result<Tlv<'a>, Error> {
        let what = self.what;
        let input = self.rest;
        let (&tag, after_tag) = input
            .split_first()
            .ok_or_else(|| malformed(what, "unexpected end of data".to_owned()))?;
        if tag & 0x1F == 0x1F {
            return Err(malformed(
                what,
                format!("multi-byte tag 0x{tag:02X} not expected"),
            ));
        }
        let (&first, after_len) = after_tag
            .split_first()
            .ok_or_else(|| malformed(what, "missing length".to_owned()))?;
        let (len, body) = match first {
            0..=0x7F => (usize::from(first), after_len),
            0x80 => {
                return Err(malformed(what, "indefinite length is not DER".to_owned()));
            }
            0x81..=0x84 => {
                let n = usize::from(first & 0x7F);
                if after_len.len() < n {
                    return Err(malformed(what, "truncated length".to_owned()));
                }
                let (len_bytes, body) = after_len.split_at(n);
                if len_bytes[0] == 0 {
                    return Err(malformed(what, "non-minimal length".to_owned()));
                }
                let len = len_bytes
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
                if len < 0x80 {
                    return Err(malformed(what, "non-minimal length".to_owned()));
                }
                (len, body)
            }
            _ => return Err(malformed(what, "length longer than 4 bytes".to_owned())),
        };
        if body.len() < len {
            return Err(malformed(
                what,
                format!(
                    "value of tag 0x{tag:02X} needs {len} bytes, {} left",
                    body.len()
                ),
            ));
        }
        let header_len = input.len() - body.len();
        let (raw, rest) = input.split_at(header_len + len);
        self.rest = rest;
        Ok(Tlv {
            tag,
            value: &raw[header_len..],
            raw,
            what,
        })
    }

    /// Reads the next TLV, which must have tag `expected`.
    pub(crate) fn read(&mut self, expected: u8, field: &'static str) -> Result<Tlv<'a>, Error> {
        match self.peek_tag() {
            Some(t) if t == expected => self.read_any(),
            Some(t) => Err(malformed(
                self.what,
                format!("{field}: expected tag 0x{expected:02X}, found 0x{t:02X}"),
            )),
            None => Err(malformed(self.what, format!("{field} is missing"))),
        }
    }

    /// Reads the next TLV if it has tag `expected`.
    pub(crate) fn read_optional(&mut self, expected: u8) -> Result<Option<Tlv<'a>>, Error> {
        if self.peek_tag() == Some(expected) {
            self.read_any().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Every remaining TLV (the elements of a SEQUENCE OF / SET OF).
    pub(crate) fn read_all(mut self) -> Result<Vec<Tlv<'a>>, Error> {
        let mut out = Vec::new();
        while !self.is_empty() {
            out.push(self.read_any()?);
        }
        Ok(out)
    }

    /// Fails if anything is left (fields this crate does not know, or trailing garbage).
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(malformed(
                self.what,
                format!("{} unexpected byte(s) at the end", self.rest.len()),
            ))
        }
    }
}

impl<'a> Tlv<'a> {
    fn error(&self, reason: String) -> Error {
        malformed(self.what, reason)
    }

    /// A reader over the contents (for SEQUENCE, SET and explicit tags).
    pub(crate) fn reader(&self) -> Reader<'a> {
        Reader::new(self.value, self.what)
    }

    /// The single TLV inside an EXPLICIT tag.
    pub(crate) fn explicit_inner(&self, field: &'static str) -> Result<Tlv<'a>, Error> {
        let mut reader = self.reader();
        let inner = reader.read_any()?;
        if !reader.is_empty() {
            return Err(self.error(format!("{field}: more than one value inside the tag")));
        }
        Ok(inner)
    }

    /// INTEGER contents (two's complement); must not be empty.
    pub(crate) fn integer_bytes(&self, field: &'static str) -> Result<&'a [u8], Error> {
        if self.value.is_empty() {
            return Err(self.error(format!("{field}: empty INTEGER")));
        }
        Ok(self.value)
    }

    /// A small non-negative INTEGER or ENUMERATED (versions, status codes).
    pub(crate) fn small_uint(&self, field: &'static str) -> Result<u64, Error> {
        let bytes = self.integer_bytes(field)?;
        if bytes[0] & 0x80 != 0 {
            return Err(self.error(format!("{field}: negative value")));
        }
        let magnitude = strip_leading_zeros(bytes);
        if magnitude.len() > 8 {
            return Err(self.error(format!("{field}: value too large")));
        }
        Ok(magnitude
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// OBJECT IDENTIFIER in dotted form.
    pub(crate) fn oid(&self, field: &'static str) -> Result<String, Error> {
        // Not const-oid: it cannot hold arcs such as 2.999.x (see crate::tlv).
        crate::tlv::oid_content_to_string(self.value)
            .map_err(|e| self.error(format!("{field}: {e}")))
    }

    /// BOOLEAN (DER: 0x00 or 0xFF).
    pub(crate) fn boolean(&self, field: &'static str) -> Result<bool, Error> {
        match self.value {
            [0x00] => Ok(false),
            [0xFF] => Ok(true),
            _ => Err(self.error(format!("{field}: not a DER BOOLEAN"))),
        }
    }

    /// BIT STRING contents with no unused bits (signatures, keys).
    pub(crate) fn bit_string_octets(&self, field: &'static str) -> Result<&'a [u8], Error> {
        match self.value.split_first() {
            Some((0, bits)) => Ok(bits),
            Some(_) => Err(self.error(format!("{field}: BIT STRING with unused bits"))),
            None => Err(self.error(format!("{field}: empty BIT STRING"))),
        }
    }

    /// GeneralizedTime, fractional seconds allowed (RFC 3161 §2.4.2).
    pub(crate) fn generalized_time(
        &self,
        field: &'static str,
    ) -> Result<time::OffsetDateTime, Error> {
        if self.tag != tag::GENERALIZED_TIME {
            return Err(self.error(format!("{field}: not a GeneralizedTime")));
        }
        generalized_time::parse(self.value)
            .map_err(|reason| self.error(format!("{field}: {reason}")))
    }
}

/// INTEGER magnitude without sign padding, for comparing nonces and serial numbers.
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    &bytes[start..]
}

/// Reads an AlgorithmIdentifier: its OID and its whole encoding.
pub(crate) fn algorithm_identifier<'a>(
    tlv: &Tlv<'a>,
    field: &'static str,
) -> Result<(String, &'a [u8]), Error> {
    if tlv.tag != tag::SEQUENCE {
        return Err(tlv.error(format!("{field}: AlgorithmIdentifier is not a SEQUENCE")));
    }
    let mut r = tlv.reader();
    let oid = r.read(tag::OID, field)?.oid(field)?;
    // Parameters are one optional value of any type; nothing may follow them.
    if !r.is_empty() {
        r.read_any()?;
    }
    r.finish()?;
    Ok((oid, tlv.raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_indefinite_and_non_minimal_lengths() {
        assert!(Reader::new(&[0x30, 0x80, 0, 0], "t").read_any().is_err());
        assert!(
            Reader::new(&[0x04, 0x81, 0x01, 0xAA], "t")
                .read_any()
                .is_err()
        );
        assert!(
            Reader::new(&[0x04, 0x82, 0x00, 0x81], "t")
                .read_any()
                .is_err()
        );
        assert!(Reader::new(&[0x04, 0x05, 1, 2], "t").read_any().is_err());
        assert!(Reader::new(&[0x1F, 0x01, 0x00], "t").read_any().is_err());
    }

    #[test]
    fn reads_long_form_and_keeps_raw_bytes() {
        let mut input = vec![0x04, 0x81, 0x80];
        input.extend([7u8; 0x80]);
        input.extend([0x05, 0x00]);
        let mut r = Reader::new(&input, "t");
        let first = r.read(tag::OCTET_STRING, "first").unwrap();
        assert_eq!(first.value.len(), 0x80);
        assert_eq!(first.raw.len(), 0x83);
        assert_eq!(r.read(tag::NULL, "null").unwrap().raw, &[0x05, 0x00]);
        r.finish().unwrap();
    }

    #[test]
    fn small_uint_and_magnitude() {
        let t = parse_single(&[0x02, 0x02, 0x00, 0x80], tag::INTEGER, "t").unwrap();
        assert_eq!(t.small_uint("n").unwrap(), 128);
        assert_eq!(strip_leading_zeros(&[0, 0, 5]), &[5]);
        assert_eq!(strip_leading_zeros(&[0]), &[0]);
        let neg = parse_single(&[0x02, 0x01, 0xFF], tag::INTEGER, "t").unwrap();
        assert!(neg.small_uint("n").is_err());
    }
}
