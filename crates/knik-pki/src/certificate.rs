//! X.509 certificates (RFC 5280 §4.1): read once, keep the DER, answer in our types.

use core::fmt;

use der::asn1::{AnyRef, BitStringRef};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_cert::time::Validity;

use crate::extensions::{
    BasicConstraints, ExtendedKeyUsage, Extensions, KeyUsage, QcStatements, RawExtension,
    UNDERSTOOD,
};
use crate::name::DistinguishedName;
use crate::public_key::PublicKey;
use crate::signature_algorithm::SignatureAlgorithm;
use crate::{Error, pem};

/// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`, with the
/// TBS kept as raw bytes: the signature is over exactly those bytes, not a re-encoding.
#[derive(der::Sequence)]
struct RawCertificate<'a> {
    tbs: AnyRef<'a>,
    signature_algorithm: AnyRef<'a>,
    signature: BitStringRef<'a>,
}

/// `TBSCertificate` (RFC 5280 §4.1) with the parts we compare or verify kept raw.
#[derive(der::Sequence)]
struct RawTbs<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<u8>,
    serial_number: AnyRef<'a>,
    signature: AnyRef<'a>,
    issuer: AnyRef<'a>,
    validity: Validity,
    subject: AnyRef<'a>,
    subject_public_key_info: AnyRef<'a>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    issuer_unique_id: Option<BitStringRef<'a>>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    subject_unique_id: Option<BitStringRef<'a>>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<AnyRef<'a>>,
}

/// An X.509 certificate.
///
/// Everything this type exposes is decoded when the certificate is read, so a certificate
/// that parses answers every accessor without further errors. A malformed known extension
/// (keyUsage, certificatePolicies, qcStatements, ...) or a repeated extension is an error at
/// parse time: eID certificates are issued by a handful of CAs and a broken one is a finding,
/// not something to guess around.
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Vec<u8>,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    version: u8,
    serial: Vec<u8>,
    issuer: DistinguishedName,
    subject: DistinguishedName,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    spki: Vec<u8>,
    public_key: PublicKey,
    extensions: Extensions,
}

impl Certificate {
    /// Reads a DER certificate. The input must be exactly one certificate (no trailing bytes).
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let mut reader = SliceReader::new(der).map_err(|e| Error::der("certificate", e))?;
        let raw = RawCertificate::decode(&mut reader).map_err(|e| Error::der("certificate", e))?;
        let trailing = usize::try_from(reader.remaining_len()).unwrap_or(usize::MAX);
        if trailing != 0 {
            return Err(Error::TrailingData { trailing });
        }
        let tbs_der = to_der(&raw.tbs, "tbsCertificate")?;
        let tbs = RawTbs::from_der(&tbs_der).map_err(|e| Error::der("tbsCertificate", e))?;

        // RFC 5280 §4.1.1.2: the two algorithm identifiers MUST be identical.
        let outer_alg = to_der(&raw.signature_algorithm, "signatureAlgorithm")?;
        let inner_alg = to_der(&tbs.signature, "tbsCertificate.signature")?;
        if outer_alg != inner_alg {
            return Err(Error::SignatureAlgorithmMismatch {
                outer: algorithm_oid(&outer_alg),
                inner: algorithm_oid(&inner_alg),
            });
        }

        let version = tbs.version.unwrap_or(0);
        if version > 2 {
            return Err(Error::Der {
                what: "tbsCertificate.version",
                reason: format!("unknown version {}", u16::from(version) + 1),
            });
        }
        if tbs.serial_number.tag() != Tag::Integer || tbs.serial_number.value().is_empty() {
            return Err(Error::Der {
                what: "tbsCertificate.serialNumber",
                reason: format!(
                    "expected a non-empty INTEGER, found {}",
                    tbs.serial_number.tag()
                ),
            });
        }
        let signature = raw.signature.as_bytes().ok_or_else(|| Error::Der {
            what: "signatureValue",
            reason: "BIT STRING has unused bits".to_owned(),
        })?;

        let issuer_der = to_der(&tbs.issuer, "issuer")?;
        let subject_der = to_der(&tbs.subject, "subject")?;
        let spki = to_der(&tbs.subject_public_key_info, "subjectPublicKeyInfo")?;
        let extensions = match &tbs.extensions {
            Some(list) => Extensions::parse(list)?,
            None => Extensions::default(),
        };

        Ok(Certificate {
            tbs: tbs_der.clone(),
            signature_algorithm: outer_alg,
            signature: signature.to_vec(),
            version: version + 1,
            serial: tbs.serial_number.value().to_vec(),
            issuer: DistinguishedName::from_der(&issuer_der)?,
            subject: DistinguishedName::from_der(&subject_der)?,
            not_before: to_offset_date_time(tbs.validity.not_before),
            not_after: to_offset_date_time(tbs.validity.not_after),
            public_key: PublicKey::from_spki_der(&spki)?,
            spki,
            extensions,
            der: der.to_vec(),
        })
    }

    /// Reads a PEM document holding exactly one `CERTIFICATE` block (text around it, such as
    /// `openssl x509 -text` output, is ignored).
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let mut blocks = pem::certificate_blocks(pem)?;
        if blocks.len() != 1 {
            return Err(Error::PemCertificateCount {
                expected: "1",
                found: blocks.len(),
            });
        }
        Self::from_der(&blocks.remove(0))
    }

    /// Reads every `CERTIFICATE` block of a PEM document (a chain or a bundle), in order.
    pub fn from_pem_chain(pem: &str) -> Result<Vec<Self>, Error> {
        let blocks = pem::certificate_blocks(pem)?;
        if blocks.is_empty() {
            return Err(Error::PemCertificateCount {
                expected: "at least 1",
                found: 0,
            });
        }
        blocks.iter().map(|der| Self::from_der(der)).collect()
    }

    /// Reads DER or PEM, whichever `input` is: PEM when it contains a `-----BEGIN` line
    /// (then every certificate block), otherwise one DER certificate.
    pub fn from_der_or_pem(input: &[u8]) -> Result<Vec<Self>, Error> {
        if pem::looks_like_pem(input) {
            let text = core::str::from_utf8(input).map_err(|e| Error::Pem {
                reason: format!("not UTF-8 text ({e})"),
            })?;
            Self::from_pem_chain(text)
        } else {
            Self::from_der(input).map(|c| vec![c])
        }
    }

    /// The DER encoding, exactly as read.
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate as a PEM `CERTIFICATE` block (LF line endings).
    pub fn to_pem(&self) -> String {
        pem::encode_certificate(&self.der)
    }

    /// The version (1, 2 or 3).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The serial number as upper-case hex of its magnitude (the sign padding byte of a
    /// positive number with the top bit set is dropped), as `openssl x509 -serial` prints it.
    pub fn serial_number_hex(&self) -> String {
        let bytes = match self.serial.as_slice() {
            [0, rest @ ..] if !rest.is_empty() => rest,
            all => all,
        };
        hex::encode_upper(bytes)
    }

    /// The serial number's INTEGER content bytes (two's complement, big-endian).
    pub fn serial_number_bytes(&self) -> &[u8] {
        &self.serial
    }

    /// The issuer name.
    pub fn issuer(&self) -> &DistinguishedName {
        &self.issuer
    }

    /// The subject name.
    pub fn subject(&self) -> &DistinguishedName {
        &self.subject
    }

    /// Start of the validity period (UTC).
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// End of the validity period (UTC), inclusive.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// Whether `time` lies within notBefore..=notAfter (RFC 5280 §4.1.2.5: both inclusive).
    pub fn is_valid_at(&self, time: OffsetDateTime) -> bool {
        self.not_before <= time && time <= self.not_after
    }

    /// The subject public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// "EC P-384", "EC P-256", "RSA 2048", ...
    pub fn key_description(&self) -> String {
        self.public_key.key_description()
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn subject_public_key_info_der(&self) -> &[u8] {
        &self.spki
    }

    /// SHA-256 of the DER certificate.
    pub fn fingerprint_sha256(&self) -> [u8; 32] {
        Sha256::digest(&self.der).into()
    }

    /// SHA-256 fingerprint as lower-case hex.
    pub fn fingerprint_sha256_hex(&self) -> String {
        hex::encode(self.fingerprint_sha256())
    }

    /// The signature algorithm OID (e.g. "1.2.840.10045.4.3.3" for ecdsa-with-SHA384).
    pub fn signature_algorithm_oid(&self) -> String {
        algorithm_oid(&self.signature_algorithm)
    }

    /// keyUsage, if the extension is present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.extensions.key_usage
    }

    /// extKeyUsage, if the extension is present.
    pub fn extended_key_usage(&self) -> Option<&ExtendedKeyUsage> {
        self.extensions.extended_key_usage.as_ref()
    }

    /// certificatePolicies OIDs, in encoding order (empty when the extension is absent).
    pub fn policies(&self) -> &[String] {
        &self.extensions.policies
    }

    /// Whether the certificatePolicies extension lists `oid`.
    pub fn has_policy(&self, oid: &str) -> bool {
        self.extensions.policies.iter().any(|p| p == oid)
    }

    /// qcStatements, if the extension is present.
    pub fn qc_statements(&self) -> Option<&QcStatements> {
        self.extensions.qc_statements.as_ref()
    }

    /// basicConstraints, if the extension is present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.extensions.basic_constraints
    }

    /// Whether basicConstraints says cA = TRUE.
    pub fn is_ca(&self) -> bool {
        self.extensions.basic_constraints.is_some_and(|bc| bc.ca)
    }

    /// subjectKeyIdentifier bytes, if present.
    pub fn subject_key_identifier(&self) -> Option<&[u8]> {
        self.extensions.subject_key_id.as_deref()
    }

    /// The keyIdentifier of authorityKeyIdentifier, if present.
    pub fn authority_key_identifier(&self) -> Option<&[u8]> {
        self.extensions.authority_key_id.as_deref()
    }

    /// OCSP responder URLs from authorityInfoAccess (RFC 5280 §4.2.2.1), in order.
    pub fn ocsp_urls(&self) -> &[String] {
        &self.extensions.ocsp_urls
    }

    /// caIssuers URLs from authorityInfoAccess, in order.
    pub fn ca_issuer_urls(&self) -> &[String] {
        &self.extensions.ca_issuer_urls
    }

    /// Every extension as encoded, in order.
    pub fn extensions(&self) -> &[RawExtension] {
        &self.extensions.raw
    }

    /// Critical extensions this crate does not understand. RFC 5280 §4.2: a certificate with
    /// any of these must be rejected by path validation.
    pub fn unhandled_critical_extensions(&self) -> Vec<&str> {
        self.extensions
            .raw
            .iter()
            .filter(|e| e.is_critical() && !UNDERSTOOD.contains(&e.oid()))
            .map(|e| e.oid())
            .collect()
    }

    /// Whether issuer and subject are the same name (a root or a self-issued CA certificate).
    pub fn is_self_issued(&self) -> bool {
        self.issuer.as_der() == self.subject.as_der()
    }

    /// Checks that `issuer` issued this certificate: this certificate's issuer name equals the
    /// candidate's subject name (byte for byte, RFC 5280 §4.1.2.4 requires the CA to encode it
    /// identically), and the signature over the exact tbsCertificate bytes verifies with the
    /// candidate's key under the certificate's signature algorithm (ecdsa-with-SHA256/384/512,
    /// sha256/384/512WithRSAEncryption, RSASSA-PSS; SHA-1 is refused).
    ///
    /// This is one link of a chain only: validity periods, CA flags, key usage and revocation
    /// are the path validator's job.
    pub fn verify_issued_by(&self, issuer: &Certificate) -> Result<(), Error> {
        if self.issuer.as_der() != issuer.subject.as_der() {
            return Err(Error::IssuerNameMismatch {
                issuer: self.issuer.to_rfc4514(),
                candidate: issuer.subject.to_rfc4514(),
            });
        }
        let algorithm = SignatureAlgorithm::from_der(&self.signature_algorithm)?;
        issuer
            .public_key
            .verify_message(algorithm, &self.tbs, &self.signature)
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

impl core::hash::Hash for Certificate {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.der.hash(state);
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject.to_rfc4514())
            .field("issuer", &self.issuer.to_rfc4514())
            .field("serial", &self.serial_number_hex())
            .field("key", &self.key_description())
            .finish_non_exhaustive()
    }
}

fn to_der(value: &AnyRef<'_>, what: &'static str) -> Result<Vec<u8>, Error> {
    value.to_der().map_err(|e| Error::der(what, e))
}

/// The OID of a DER AlgorithmIdentifier, for messages ("?" if it does not decode).
fn algorithm_oid(der: &[u8]) -> String {
    spki::AlgorithmIdentifierRef::from_der(der)
        .map(|a| a.oid.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

fn to_offset_date_time(time: x509_cert::time::Time) -> OffsetDateTime {
    // der's DateTime covers 1970..=9999, so the seconds always fit and always convert.
    let secs = i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
