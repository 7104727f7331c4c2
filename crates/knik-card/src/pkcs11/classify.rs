//! Which key a certificate found on a PKCS#11 token belongs to.
//!
//! A PKCS#11 token does not say which certificate is the authentication one and which the
//! signing one, so they are told apart by their extensions, as Web eID does
//! (reference/web-eid.md §4.7): keyUsage nonRepudiation ⇒ signing; keyUsage digitalSignature
//! with the clientAuth extended key usage, or with no extended key usage at all ⇒
//! authentication; anything else (CA certificates, encryption certificates) ⇒ neither.

use x509_cert::Certificate;
use x509_cert::der::Decode;
use x509_cert::der::oid::{AssociatedOid, ObjectIdentifier};
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage};

use crate::token::KeyRole;

/// id-kp-clientAuth (RFC 5280 §4.2.1.12).
const ID_KP_CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");

/// The role of the key certified by `der`, or `None` when it is neither an authentication nor
/// a signing certificate (or does not parse).
pub(crate) fn classify(der: &[u8]) -> Option<KeyRole> {
    let cert = Certificate::from_der(der).ok()?;
    let extensions = cert.tbs_certificate.extensions.unwrap_or_default();
    let value = |oid: ObjectIdentifier| {
        extensions
            .iter()
            .find(|e| e.extn_id == oid)
            .map(|e| e.extn_value.as_bytes())
    };
    let key_usage = KeyUsage::from_der(value(KeyUsage::OID)?).ok()?;
    if key_usage.non_repudiation() {
        return Some(KeyRole::Signing);
    }
    if !key_usage.digital_signature() {
        return None;
    }
    match value(ExtendedKeyUsage::OID) {
        None => Some(KeyRole::Authentication),
        Some(eku) => {
            let eku = ExtendedKeyUsage::from_der(eku).ok()?;
            eku.0
                .contains(&ID_KP_CLIENT_AUTH)
                .then_some(KeyRole::Authentication)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pki(file: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../test-vectors/pki/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn holder_certificates_are_told_apart_by_their_extensions() {
        for holder in ["legacy", "citizen", "mobile"] {
            let auth = pki(&format!("holders/{holder}/auth.der"));
            let sign = pki(&format!("holders/{holder}/sign.der"));
            assert_eq!(
                classify(&auth),
                Some(KeyRole::Authentication),
                "{holder} auth"
            );
            assert_eq!(classify(&sign), Some(KeyRole::Signing), "{holder} sign");
        }
    }

    #[test]
    fn ca_certificates_and_garbage_are_neither() {
        assert_eq!(classify(&pki("citizen-ca.der")), None);
        // digitalSignature, but for OCSP responses only.
        assert_eq!(classify(&pki("citizen-ca-ocsp.der")), None);
        assert_eq!(classify(b"\x30\x03\x02\x01\x00"), None);
    }
}
