//! CertID (RFC 6960 §4.1.1): which certificate a request or a SingleResponse is about.

use crate::asn1::reader::{self, Tlv, tag};
use crate::asn1::writer;
use crate::{Certificate, Error, HashAlgorithm};

/// Identifies a certificate to an OCSP responder: hashes of its issuer's name and key, and its
/// serial number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertId {
    hash: HashAlgorithm,
    issuer_name_hash: Vec<u8>,
    issuer_key_hash: Vec<u8>,
    serial: Vec<u8>,
}

impl CertId {
    /// The CertID of `certificate` issued by `issuer`, hashed with `hash` (SHA-1 is what
    /// responders universally accept; SHA-256/384/512 where the responder supports them).
    ///
    /// issuerNameHash is over the DER of the certificate's issuer field, issuerKeyHash over
    /// the issuer's subjectPublicKey BIT STRING contents. Fails when `issuer` is not the
    /// certificate's issuer by name.
    pub fn new(
        certificate: &Certificate,
        issuer: &Certificate,
        hash: HashAlgorithm,
    ) -> Result<Self, Error> {
        if certificate.issuer().as_der() != issuer.subject().as_der() {
            return Err(Error::IssuerNameMismatch {
                issuer: certificate.issuer().to_rfc4514(),
                candidate: issuer.subject().to_rfc4514(),
            });
        }
        Ok(CertId {
            hash,
            issuer_name_hash: hash.digest(certificate.issuer().as_der()),
            issuer_key_hash: hash.digest(subject_public_key_bits(issuer)?),
            serial: certificate.serial_number_bytes().to_vec(),
        })
    }

    /// The hash algorithm of both hashes.
    pub fn hash_algorithm(&self) -> HashAlgorithm {
        self.hash
    }

    /// Hash of the issuer's distinguished name.
    pub fn issuer_name_hash(&self) -> &[u8] {
        &self.issuer_name_hash
    }

    /// Hash of the issuer's public key.
    pub fn issuer_key_hash(&self) -> &[u8] {
        &self.issuer_key_hash
    }

    /// The serial number's INTEGER content bytes.
    pub fn serial_number_bytes(&self) -> &[u8] {
        &self.serial
    }

    /// The serial number as upper-case hex of its magnitude (as `openssl` prints it).
    pub fn serial_number_hex(&self) -> String {
        serial_hex(&self.serial)
    }

    /// Whether this CertID names `certificate` issued by `issuer` (with this CertID's hash).
    pub fn matches(&self, certificate: &Certificate, issuer: &Certificate) -> bool {
        CertId::new(certificate, issuer, self.hash).is_ok_and(|ours| ours == *self)
    }

    pub(crate) fn to_der(&self) -> Vec<u8> {
        writer::sequence(&[
            &writer::hash_algorithm_identifier(self.hash.oid()),
            &writer::tlv(tag::OCTET_STRING, &self.issuer_name_hash),
            &writer::tlv(tag::OCTET_STRING, &self.issuer_key_hash),
            &writer::tlv(tag::INTEGER, &self.serial),
        ])
    }

    pub(crate) fn parse(tlv: &Tlv<'_>) -> Result<Self, Error> {
        let mut r = tlv.reader();
        let alg = r.read(tag::SEQUENCE, "CertID.hashAlgorithm")?;
        let (oid, _) = reader::algorithm_identifier(&alg, "CertID.hashAlgorithm")?;
        let hash = HashAlgorithm::from_oid(&oid).ok_or_else(|| Error::UnsupportedAlgorithm {
            oid: oid.clone(),
            reason: "unknown CertID hash algorithm".to_owned(),
        })?;
        let issuer_name_hash = r.read(tag::OCTET_STRING, "CertID.issuerNameHash")?.value;
        let issuer_key_hash = r.read(tag::OCTET_STRING, "CertID.issuerKeyHash")?.value;
        let serial = r
            .read(tag::INTEGER, "CertID.serialNumber")?
            .integer_bytes("CertID.serialNumber")?;
        r.finish()?;
        Ok(CertId {
            hash,
            issuer_name_hash: issuer_name_hash.to_vec(),
            issuer_key_hash: issuer_key_hash.to_vec(),
            serial: serial.to_vec(),
        })
    }
}

/// The subjectPublicKey BIT STRING contents (without the unused-bits octet) of a certificate,
/// the input of issuerKeyHash and of ResponderID byKey (RFC 6960 §4.1.1, §4.2.1).
pub(crate) fn subject_public_key_bits(certificate: &Certificate) -> Result<&[u8], Error> {
    let spki = reader::parse_single(
        certificate.subject_public_key_info_der(),
        tag::SEQUENCE,
        "subjectPublicKeyInfo",
    )?;
    let mut r = spki.reader();
    r.read(tag::SEQUENCE, "algorithm")?;
    let key = r.read(tag::BIT_STRING, "subjectPublicKey")?;
    r.finish()?;
    key.bit_string_octets("subjectPublicKey")
}

/// Upper-case hex of an INTEGER's magnitude.
pub(crate) fn serial_hex(serial: &[u8]) -> String {
    let bytes = match serial {
        [0, rest @ ..] if !rest.is_empty() => rest,
        all => all,
    };
    hex::encode_upper(bytes)
}
