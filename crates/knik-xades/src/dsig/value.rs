//! Checking a `SignatureValue` against a public key, and the ECDSA value encodings.

use knik_pki::PublicKey;

use super::algorithms::SignatureMethod;
use crate::error::{Error, Result};

/// The width in bytes of each half of an ECDSA value for `key` (`None` for non-EC keys).
pub fn ecdsa_field_len(key: &PublicKey) -> Option<usize> {
    match key {
        PublicKey::EcP256(_) => Some(32),
        PublicKey::EcP384(_) => Some(48),
        _ => None,
    }
}

/// Turns an ECDSA value into raw `r ‖ s` with each half left-padded to `field_len`
/// (XMLDSig 1.1 §6.4.3, I2OSP to the curve size).
///
/// Accepts raw values of any even width (halves shorter than the field, as some Java
/// producers wrote them, or with sign-preserving leading zeros) and DER `ECDSA-Sig-Value`.
///
/// # Errors
/// [`Error::SignatureValueInvalid`] when the value is neither, or a half is wider than the
/// field.
pub fn ecdsa_to_raw(value: &[u8], field_len: usize) -> Result<Vec<u8>> {
    if value.len() == 2 * field_len {
        return Ok(value.to_vec());
    }
    let (r, s) = match der_ecdsa_halves(value) {
        Some(halves) => halves,
        None if !value.is_empty() && value.len().is_multiple_of(2) => {
            value.split_at(value.len() / 2)
        }
        None => {
            return Err(Error::SignatureValueInvalid {
                reason: format!(
                    "ECDSA value of {} bytes is neither raw r||s nor DER",
                    value.len()
                ),
            });
        }
    };
    let mut out = Vec::with_capacity(2 * field_len);
    for half in [r, s] {
        let start = half.iter().position(|&b| b != 0).unwrap_or(half.len());
        let half = &half[start..];
        if half.len() > field_len {
            return Err(Error::SignatureValueInvalid {
                reason: format!(
                    "ECDSA half of {} bytes is wider than the {field_len}-byte curve order",
                    half.len()
                ),
            });
        }
        out.resize(out.len() + field_len - half.len(), 0);
        out.extend_from_slice(half);
    }
    Ok(out)
}

/// The two INTEGER contents of a DER `SEQUENCE { r INTEGER, s INTEGER }` using the whole
/// input, or `None`.
fn der_ecdsa_halves(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (tag, body, rest) = der_tlv(der)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let (t1, r, rest) = der_tlv(body)?;
    let (t2, s, rest) = der_tlv(rest)?;
    (t1 == 0x02 && t2 == 0x02 && rest.is_empty() && !r.is_empty() && !s.is_empty())
        .then_some((r, s))
}

/// One DER TLV with a short or long (up to 2 bytes) definite length.
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81 => {
            let (&l, rest) = rest.split_first()?;
            (usize::from(l), rest)
        }
        0x82 => {
            let l = rest.get(..2)?;
            (usize::from(l[0]) << 8 | usize::from(l[1]), rest.get(2..)?)
        }
        _ => return None,
    };
    let body = rest.get(..len)?;
    Some((tag, body, &rest[len..]))
}

/// Checks `value` (the decoded `SignatureValue`) over `digest` (the hash of the canonical
/// `SignedInfo` with `method`'s hash) with `key`.
///
/// ECDSA values may be raw `r ‖ s` of any even width or DER; RSA-PSS uses MGF1 with the
/// method's hash and a salt as long as the hash (RFC 6931 §2.3.10).
///
/// # Errors
/// [`Error::SignatureValueInvalid`] when the value does not verify or the method does not fit
/// the key.
pub fn verify_signature_value(
    method: SignatureMethod,
    key: &PublicKey,
    digest: &[u8],
    value: &[u8],
) -> Result<()> {
    let hash = method.hash();
    let invalid = |e: knik_pki::Error| Error::SignatureValueInvalid {
        reason: e.to_string(),
    };
    match (method.is_ecdsa(), key) {
        (true, PublicKey::EcP256(_) | PublicKey::EcP384(_)) => {
            let field = ecdsa_field_len(key).unwrap_or(32);
            let raw = ecdsa_to_raw(value, field)?;
            key.verify_digest_signature(hash, digest, &raw)
                .map_err(invalid)
        }
        (false, PublicKey::Rsa(_)) if method.is_rsa_pss() => key
            .verify_digest_signature_pss(hash, digest, value, hash.output_len())
            .map_err(invalid),
        (false, PublicKey::Rsa(_)) => key
            .verify_digest_signature(hash, digest, value)
            .map_err(invalid),
        _ => Err(Error::SignatureValueInvalid {
            reason: format!(
                "signature method {} does not fit a {} key",
                method.uri(),
                key.key_description()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_encodings_normalise() {
        let mut raw = vec![0u8; 64];
        raw[1] = 7;
        raw[63] = 9;
        assert_eq!(ecdsa_to_raw(&raw, 32).unwrap(), raw);
        // Short halves (leading zero bytes dropped by the producer).
        let short: Vec<u8> = raw[1..32].iter().chain(&raw[33..]).copied().collect();
        assert_eq!(short.len(), 62);
        assert_eq!(ecdsa_to_raw(&short, 32).unwrap(), raw);
        // DER with the sign padding of a high r.
        let der = [0x30, 0x08, 0x02, 0x02, 0x00, 0x80, 0x02, 0x02, 0x01, 0x02];
        let out = ecdsa_to_raw(&der, 32).unwrap();
        assert_eq!(out[31], 0x80);
        assert_eq!(&out[62..], &[1, 2]);
        assert!(ecdsa_to_raw(&[1, 2, 3], 32).is_err());
        assert!(ecdsa_to_raw(&[1u8; 66], 32).is_err());
    }
}
