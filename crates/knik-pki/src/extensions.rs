//! The certificate extensions knik reads (RFC 5280 §4.2, ETSI EN 319 412-5), as our types.

use std::collections::BTreeSet;

use der::asn1::{AnyRef, BitStringRef, OctetStringRef};
use der::{Decode, Tag, TagNumber, Tagged};
use x509_cert::ext::pkix::BasicConstraints as X509BasicConstraints;

use crate::{Error, oid, tlv};

/// keyUsage bits (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyUsage(u16);

impl KeyUsage {
    const DIGITAL_SIGNATURE: u16 = 1 << 0;
    const NON_REPUDIATION: u16 = 1 << 1;
    const KEY_ENCIPHERMENT: u16 = 1 << 2;
    const DATA_ENCIPHERMENT: u16 = 1 << 3;
    const KEY_AGREEMENT: u16 = 1 << 4;
    const KEY_CERT_SIGN: u16 = 1 << 5;
    const CRL_SIGN: u16 = 1 << 6;
    const ENCIPHER_ONLY: u16 = 1 << 7;
    const DECIPHER_ONLY: u16 = 1 << 8;

    /// digitalSignature (bit 0): authentication signatures.
    pub fn digital_signature(self) -> bool {
        self.0 & Self::DIGITAL_SIGNATURE != 0
    }

    /// nonRepudiation / contentCommitment (bit 1): qualified electronic signatures.
    pub fn non_repudiation(self) -> bool {
        self.0 & Self::NON_REPUDIATION != 0
    }

    /// keyEncipherment (bit 2).
    pub fn key_encipherment(self) -> bool {
        self.0 & Self::KEY_ENCIPHERMENT != 0
    }

    /// dataEncipherment (bit 3).
    pub fn data_encipherment(self) -> bool {
        self.0 & Self::DATA_ENCIPHERMENT != 0
    }

    /// keyAgreement (bit 4).
    pub fn key_agreement(self) -> bool {
        self.0 & Self::KEY_AGREEMENT != 0
    }

    /// keyCertSign (bit 5): the key signs certificates.
    pub fn key_cert_sign(self) -> bool {
        self.0 & Self::KEY_CERT_SIGN != 0
    }

    /// cRLSign (bit 6).
    pub fn crl_sign(self) -> bool {
        self.0 & Self::CRL_SIGN != 0
    }

    /// encipherOnly (bit 7).
    pub fn encipher_only(self) -> bool {
        self.0 & Self::ENCIPHER_ONLY != 0
    }

    /// decipherOnly (bit 8).
    pub fn decipher_only(self) -> bool {
        self.0 & Self::DECIPHER_ONLY != 0
    }

    /// The bits set, by their RFC 5280 names, in bit order.
    pub fn names(self) -> Vec<&'static str> {
        const NAMES: [&str; 9] = [
            "digitalSignature",
            "nonRepudiation",
            "keyEncipherment",
            "dataEncipherment",
            "keyAgreement",
            "keyCertSign",
            "cRLSign",
            "encipherOnly",
            "decipherOnly",
        ];
        NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect()
    }

    fn from_der(der: &[u8]) -> Result<Self, String> {
        let bits = BitStringRef::from_der(der).map_err(|e| e.to_string())?;
        let mut value = 0u16;
        // Bit 0 is the most significant bit of the first byte; bits past 8 do not exist.
        for (i, bit) in bits.bits().enumerate().take(9) {
            if bit {
                value |= 1 << i;
            }
        }
        Ok(KeyUsage(value))
    }
}

/// extKeyUsage (RFC 5280 §4.2.1.12).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtendedKeyUsage {
    oids: Vec<String>,
    critical: bool,
}

impl ExtendedKeyUsage {
    /// The key purposes as dotted OIDs, in encoding order.
    pub fn oids(&self) -> &[String] {
        &self.oids
    }

    /// Whether the extension is marked critical (RFC 3161 §2.3 requires it for TSAs).
    pub fn is_critical(&self) -> bool {
        self.critical
    }

    /// Whether the purpose `oid` is listed.
    pub fn contains(&self, oid: &str) -> bool {
        self.oids.iter().any(|o| o == oid)
    }

    /// id-kp-clientAuth: TLS / web-eID authentication.
    pub fn is_client_auth(&self) -> bool {
        self.contains(oid::EKU_CLIENT_AUTH)
    }

    /// id-kp-OCSPSigning: delegated OCSP responder (RFC 6960 §4.2.2.2).
    pub fn is_ocsp_signing(&self) -> bool {
        self.contains(oid::EKU_OCSP_SIGNING)
    }

    /// id-kp-timeStamping: time-stamping authority (RFC 3161 §2.3).
    pub fn is_time_stamping(&self) -> bool {
        self.contains(oid::EKU_TIME_STAMPING)
    }
}

/// basicConstraints (RFC 5280 §4.2.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BasicConstraints {
    /// Whether the subject is a CA.
    pub ca: bool,
    /// The maximum number of intermediate CAs below this one, when limited.
    pub path_len: Option<u8>,
}

/// qcStatements (RFC 3739 §3.2.6, ETSI EN 319 412-5 §4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct QcStatements {
    statements: Vec<String>,
    qc_types: Vec<String>,
}

impl QcStatements {
    /// Every statement id, in encoding order.
    pub fn statement_ids(&self) -> &[String] {
        &self.statements
    }

    /// QcCompliance (0.4.0.1862.1.1): an EU-qualified certificate.
    pub fn qc_compliance(&self) -> bool {
        self.statements.iter().any(|s| s == oid::QC_COMPLIANCE)
    }

    /// QcSSCD (0.4.0.1862.1.4): the private key lives in a qualified signature creation device.
    pub fn qc_sscd(&self) -> bool {
        self.statements.iter().any(|s| s == oid::QC_SSCD)
    }

    /// QcType values (0.4.0.1862.1.6.1 eSign, .2 eSeal, .3 web), empty if no QcType statement.
    pub fn qc_types(&self) -> &[String] {
        &self.qc_types
    }

    fn from_der(der: &[u8]) -> Result<Self, String> {
        // QCStatements ::= SEQUENCE OF QCStatement
        // QCStatement ::= SEQUENCE { statementId OBJECT IDENTIFIER, statementInfo ANY OPTIONAL }
        let mut out = QcStatements::default();
        for statement in tlv::sequence(&tlv::parse(der)?, "QCStatements")? {
            let parts = tlv::sequence(&statement, "QCStatement")?;
            let id = tlv::oid_to_string(parts.first().ok_or("empty QCStatement")?)?;
            if id == oid::QC_TYPE {
                // EN 319 412-5 §4.2.3: QcType-statement ::= SEQUENCE OF OBJECT IDENTIFIER.
                let info = parts.get(1).ok_or("QcType without statementInfo")?;
                for qc_type in tlv::sequence(info, "QcType")? {
                    out.qc_types.push(tlv::oid_to_string(&qc_type)?);
                }
            }
            out.statements.push(id);
        }
        Ok(out)
    }
}

/// An extension as it appears in the certificate, for callers that need one we do not model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawExtension {
    oid: String,
    critical: bool,
    value: Vec<u8>,
}

impl RawExtension {
    /// The extension OID, dotted.
    pub fn oid(&self) -> &str {
        &self.oid
    }

    /// The critical flag.
    pub fn is_critical(&self) -> bool {
        self.critical
    }

    /// The DER inside the extnValue OCTET STRING.
    pub fn value(&self) -> &[u8] {
        &self.value
    }
}

/// Everything knik reads from the extensions of one certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extensions {
    pub(crate) raw: Vec<RawExtension>,
    pub(crate) key_usage: Option<KeyUsage>,
    pub(crate) extended_key_usage: Option<ExtendedKeyUsage>,
    pub(crate) basic_constraints: Option<BasicConstraints>,
    pub(crate) policies: Vec<String>,
    pub(crate) qc_statements: Option<QcStatements>,
    pub(crate) subject_key_id: Option<Vec<u8>>,
    pub(crate) authority_key_id: Option<Vec<u8>>,
    pub(crate) ocsp_urls: Vec<String>,
    pub(crate) ca_issuer_urls: Vec<String>,
}

/// Extensions this crate understands; a critical extension outside this list must make path
/// validation fail (RFC 5280 §4.2).
pub(crate) const UNDERSTOOD: &[&str] = &[
    oid::EXT_SUBJECT_KEY_IDENTIFIER,
    oid::EXT_KEY_USAGE,
    oid::EXT_BASIC_CONSTRAINTS,
    oid::EXT_CERTIFICATE_POLICIES,
    oid::EXT_AUTHORITY_KEY_IDENTIFIER,
    oid::EXT_EXTENDED_KEY_USAGE,
    oid::EXT_AUTHORITY_INFO_ACCESS,
    oid::EXT_QC_STATEMENTS,
];

impl Extensions {
    /// Reads `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (the TLV inside `[3]`).
    pub(crate) fn parse(extensions: &AnyRef<'_>) -> Result<Self, Error> {
        let fail = |reason: String| Error::Der {
            what: "extensions",
            reason,
        };
        let mut out = Extensions::default();
        let mut seen = BTreeSet::new();
        for ext in tlv::sequence(extensions, "Extensions").map_err(fail)? {
            // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
            //                          extnValue OCTET STRING }
            let parts = tlv::sequence(&ext, "Extension").map_err(fail)?;
            let (id, critical, value) = match parts.as_slice() {
                [id, value] => (id, false, value),
                [id, critical, value] => {
                    let critical = critical
                        .decode_as::<bool>()
                        .map_err(|e| fail(format!("Extension.critical: {e}")))?;
                    (id, critical, value)
                }
                _ => {
                    return Err(fail(format!(
                        "Extension has {} elements, expected 2 or 3",
                        parts.len()
                    )));
                }
            };
            let ext_oid = tlv::oid_to_string(id).map_err(fail)?;
            let value =
                tlv::expect(value, Tag::OctetString, "Extension.extnValue").map_err(fail)?;
            if !seen.insert(ext_oid.clone()) {
                return Err(Error::DuplicateExtension { oid: ext_oid });
            }
            out.read_one(&ext_oid, critical, value)?;
            out.raw.push(RawExtension {
                oid: ext_oid,
                critical,
                value: value.to_vec(),
            });
        }
        Ok(out)
    }

    fn read_one(&mut self, ext_oid: &str, critical: bool, value: &[u8]) -> Result<(), Error> {
        let fail = |name: &'static str, reason: String| Error::Extension {
            name,
            oid: ext_oid.to_owned(),
            reason,
        };
        match ext_oid {
            oid::EXT_KEY_USAGE => {
                self.key_usage = Some(KeyUsage::from_der(value).map_err(|r| fail("keyUsage", r))?);
            }
            oid::EXT_EXTENDED_KEY_USAGE => {
                let oids = tlv::parse(value)
                    .and_then(|v| tlv::sequence(&v, "ExtKeyUsageSyntax"))
                    .and_then(|list| list.iter().map(tlv::oid_to_string).collect())
                    .map_err(|r| fail("extKeyUsage", r))?;
                self.extended_key_usage = Some(ExtendedKeyUsage { oids, critical });
            }
            oid::EXT_BASIC_CONSTRAINTS => {
                let bc = X509BasicConstraints::from_der(value)
                    .map_err(|e| fail("basicConstraints", e.to_string()))?;
                self.basic_constraints = Some(BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                });
            }
            oid::EXT_CERTIFICATE_POLICIES => {
                // certificatePolicies ::= SEQUENCE OF PolicyInformation; PolicyInformation ::=
                // SEQUENCE { policyIdentifier OID, policyQualifiers ... OPTIONAL }
                self.policies = tlv::parse(value)
                    .and_then(|v| tlv::sequence(&v, "certificatePolicies"))
                    .and_then(|list| {
                        list.iter()
                            .map(|info| {
                                let parts = tlv::sequence(info, "PolicyInformation")?;
                                tlv::oid_to_string(parts.first().ok_or("empty PolicyInformation")?)
                            })
                            .collect()
                    })
                    .map_err(|r| fail("certificatePolicies", r))?;
            }
            oid::EXT_QC_STATEMENTS => {
                self.qc_statements =
                    Some(QcStatements::from_der(value).map_err(|r| fail("qcStatements", r))?);
            }
            oid::EXT_SUBJECT_KEY_IDENTIFIER => {
                let ski = OctetStringRef::from_der(value)
                    .map_err(|e| fail("subjectKeyIdentifier", e.to_string()))?;
                self.subject_key_id = Some(ski.as_bytes().to_vec());
            }
            oid::EXT_AUTHORITY_KEY_IDENTIFIER => {
                // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING
                // OPTIONAL, authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2] OPTIONAL }
                let key_id_tag = Tag::ContextSpecific {
                    constructed: false,
                    number: TagNumber::N0,
                };
                let parts = tlv::parse(value)
                    .and_then(|v| tlv::sequence(&v, "AuthorityKeyIdentifier"))
                    .map_err(|r| fail("authorityKeyIdentifier", r))?;
                self.authority_key_id = parts
                    .iter()
                    .find(|p| p.tag() == key_id_tag)
                    .map(|p| p.value().to_vec());
            }
            oid::EXT_AUTHORITY_INFO_ACCESS => {
                // AuthorityInfoAccessSyntax ::= SEQUENCE OF AccessDescription; AccessDescription
                // ::= SEQUENCE { accessMethod OID, accessLocation GeneralName }
                let uri_tag = Tag::ContextSpecific {
                    constructed: false,
                    number: TagNumber::N6,
                };
                let descriptions = tlv::parse(value)
                    .and_then(|v| tlv::sequence(&v, "AuthorityInfoAccessSyntax"))
                    .map_err(|r| fail("authorityInfoAccess", r))?;
                for description in descriptions {
                    let parts = tlv::sequence(&description, "AccessDescription")
                        .map_err(|r| fail("authorityInfoAccess", r))?;
                    let [method, location] = parts.as_slice() else {
                        return Err(fail(
                            "authorityInfoAccess",
                            format!("AccessDescription has {} elements", parts.len()),
                        ));
                    };
                    let method =
                        tlv::oid_to_string(method).map_err(|r| fail("authorityInfoAccess", r))?;
                    // Only URIs ([6] IMPLICIT IA5String) are fetchable; other forms are ignored.
                    if location.tag() != uri_tag {
                        continue;
                    }
                    let url = core::str::from_utf8(location.value())
                        .ok()
                        .filter(|u| u.is_ascii())
                        .ok_or_else(|| fail("authorityInfoAccess", "URI is not IA5".to_owned()))?
                        .to_owned();
                    if method == oid::AD_OCSP {
                        self.ocsp_urls.push(url);
                    } else if method == oid::AD_CA_ISSUERS {
                        self.ca_issuer_urls.push(url);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}
