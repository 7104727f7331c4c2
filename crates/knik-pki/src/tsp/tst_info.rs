//! TSTInfo (RFC 3161 §2.4.2): what the TSA asserts.

use time::OffsetDateTime;

use crate::asn1::reader::{self, Tlv, strip_leading_zeros, tag};
use crate::asn1::writer;
use crate::name::DistinguishedName;
use crate::{Error, HashAlgorithm};

/// MessageImprint: the hash algorithm and the digest of the time-stamped data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageImprint {
    algorithm: HashAlgorithm,
    digest: Vec<u8>,
}

impl MessageImprint {
    /// An imprint from a digest computed elsewhere; its length must fit the algorithm.
    /// SHA-1 is refused (RFC 5816 moved time-stamps to SHA-2).
    pub fn new(algorithm: HashAlgorithm, digest: &[u8]) -> Result<Self, Error> {
        if algorithm == HashAlgorithm::Sha1 {
            return Err(Error::UnsupportedAlgorithm {
                oid: algorithm.oid().to_owned(),
                reason: "SHA-1 imprints are not accepted".to_owned(),
            });
        }
        if digest.len() != algorithm.output_len() {
            return Err(Error::DigestLength {
                algorithm: algorithm.name(),
                expected: algorithm.output_len(),
                found: digest.len(),
            });
        }
        Ok(MessageImprint {
            algorithm,
            digest: digest.to_vec(),
        })
    }

    /// The imprint of `data` hashed with `algorithm`.
    pub fn of_data(algorithm: HashAlgorithm, data: &[u8]) -> Result<Self, Error> {
        Self::new(algorithm, &algorithm.digest(data))
    }

    /// The hash algorithm.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// The digest.
    pub fn digest(&self) -> &[u8] {
        &self.digest
    }

    pub(crate) fn to_der(&self) -> Vec<u8> {
        writer::sequence(&[
            &writer::hash_algorithm_identifier(self.algorithm.oid()),
            &writer::tlv(tag::OCTET_STRING, &self.digest),
        ])
    }

    fn parse(tlv: &Tlv<'_>) -> Result<Self, Error> {
        let mut r = tlv.reader();
        let alg = r.read(tag::SEQUENCE, "messageImprint.hashAlgorithm")?;
        let (oid, _) = reader::algorithm_identifier(&alg, "messageImprint.hashAlgorithm")?;
        let digest = r
            .read(tag::OCTET_STRING, "messageImprint.hashedMessage")?
            .value;
        r.finish()?;
        let algorithm =
            HashAlgorithm::from_oid(&oid).ok_or_else(|| Error::UnsupportedAlgorithm {
                oid,
                reason: "unknown message imprint hash algorithm".to_owned(),
            })?;
        Self::new(algorithm, digest)
    }
}

/// Accuracy of genTime (RFC 3161 §2.4.2): genTime ± this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accuracy {
    /// Whole seconds.
    pub seconds: u64,
    /// Milliseconds (0–999).
    pub millis: u16,
    /// Microseconds (0–999).
    pub micros: u16,
}

impl Accuracy {
    /// The accuracy as a duration.
    pub fn as_duration(&self) -> time::Duration {
        time::Duration::seconds(i64::try_from(self.seconds).unwrap_or(i64::MAX))
            + time::Duration::milliseconds(i64::from(self.millis))
            + time::Duration::microseconds(i64::from(self.micros))
    }
}

/// TSTInfo, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TstInfo {
    pub(crate) policy: String,
    pub(crate) imprint: MessageImprint,
    pub(crate) serial: Vec<u8>,
    pub(crate) gen_time: OffsetDateTime,
    pub(crate) accuracy: Option<Accuracy>,
    pub(crate) ordering: bool,
    pub(crate) nonce: Option<Vec<u8>>,
    pub(crate) tsa_name: Option<String>,
}

impl TstInfo {
    /// TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime,
    /// accuracy OPTIONAL, ordering DEFAULT FALSE, nonce OPTIONAL, tsa [0] OPTIONAL,
    /// extensions [1] IMPLICIT OPTIONAL }
    pub(crate) fn from_der(der: &[u8]) -> Result<Self, Error> {
        const WHAT: &str = "TSTInfo";
        let seq = reader::parse_single(der, tag::SEQUENCE, WHAT)?;
        let mut r = seq.reader();
        let version = r.read(tag::INTEGER, "version")?.small_uint("version")?;
        if version != 1 {
            return Err(Error::Der {
                what: WHAT,
                reason: format!("version {version}, expected 1"),
            });
        }
        let policy = r.read(tag::OID, "policy")?.oid("policy")?;
        let imprint = MessageImprint::parse(&r.read(tag::SEQUENCE, "messageImprint")?)?;
        let serial = r
            .read(tag::INTEGER, "serialNumber")?
            .integer_bytes("serialNumber")?
            .to_vec();
        let gen_time = r
            .read(tag::GENERALIZED_TIME, "genTime")?
            .generalized_time("genTime")?;
        let accuracy = match r.read_optional(tag::SEQUENCE)? {
            Some(acc) => Some(parse_accuracy(&acc)?),
            None => None,
        };
        let ordering = match r.read_optional(tag::BOOLEAN)? {
            Some(b) => b.boolean("ordering")?,
            None => false,
        };
        let nonce = match r.read_optional(tag::INTEGER)? {
            Some(n) => Some(strip_leading_zeros(n.integer_bytes("nonce")?).to_vec()),
            None => None,
        };
        let tsa_name = match r.read_optional(tag::context(0, true))? {
            Some(tsa) => Some(general_name_text(&tsa.explicit_inner("tsa")?)),
            None => None,
        };
        // extensions [1] IMPLICIT Extensions: none is defined for TSTInfo; a critical one we
        // cannot understand would be grounds for rejection, but RFC 3161 defines no
        // criticality semantics here, so they are skipped.
        r.read_optional(tag::context(1, true))?;
        r.finish()?;
        Ok(TstInfo {
            policy,
            imprint,
            serial,
            gen_time,
            accuracy,
            ordering,
            nonce,
            tsa_name,
        })
    }
}

/// Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER (1..999) OPTIONAL,
/// micros [1] INTEGER (1..999) OPTIONAL } (implicit tags).
fn parse_accuracy(tlv: &Tlv<'_>) -> Result<Accuracy, Error> {
    let mut r = tlv.reader();
    let mut accuracy = Accuracy::default();
    if let Some(s) = r.read_optional(tag::INTEGER)? {
        accuracy.seconds = s.small_uint("accuracy.seconds")?;
    }
    for (n, field, slot) in [
        (0u8, "accuracy.millis", &mut accuracy.millis),
        (1u8, "accuracy.micros", &mut accuracy.micros),
    ] {
        if let Some(v) = r.read_optional(tag::context(n, false))? {
            let value = v.small_uint(field)?;
            if !(1..=999).contains(&value) {
                return Err(Error::Der {
                    what: "TSTInfo",
                    reason: format!("{field} {value} outside 1..999"),
                });
            }
            *slot = value as u16;
        }
    }
    r.finish()?;
    Ok(accuracy)
}

/// A GeneralName for display: a directoryName [4] as RFC 4514 text, other forms by kind.
fn general_name_text(name: &Tlv<'_>) -> String {
    match name.tag {
        0xA4 => name
            .explicit_inner("tsa directoryName")
            .ok()
            .and_then(|n| DistinguishedName::from_der(n.raw).ok())
            .map(|dn| dn.to_rfc4514())
            .unwrap_or_else(|| "(malformed directoryName)".to_owned()),
        0x86 => format!("URI:{}", String::from_utf8_lossy(name.value)),
        0x82 => format!("DNS:{}", String::from_utf8_lossy(name.value)),
        0x81 => format!("email:{}", String::from_utf8_lossy(name.value)),
        t => format!("(GeneralName [{}])", t & 0x1F),
    }
}
