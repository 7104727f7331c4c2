//! OCSPResponse and BasicOCSPResponse (RFC 6960 §4.2.1), read but not yet verified.

use core::fmt;

use time::OffsetDateTime;

use crate::asn1::reader::{self, Reader, Tlv, tag};
use crate::name::DistinguishedName;
use crate::ocsp::{CertId, OID_OCSP_BASIC, OID_OCSP_NONCE};
use crate::{Certificate, Error};

/// OCSPResponseStatus (RFC 6960 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OcspResponseStatus {
    /// 0: the response has valid confirmations.
    Successful,
    /// 1: illegal confirmation request.
    MalformedRequest,
    /// 2: internal error in the issuer.
    InternalError,
    /// 3: try again later.
    TryLater,
    /// 5: the request must be signed.
    SigRequired,
    /// 6: the responder does not answer for this certificate / client.
    Unauthorized,
}

impl OcspResponseStatus {
    fn from_code(code: u64) -> Option<Self> {
        Some(match code {
            0 => Self::Successful,
            1 => Self::MalformedRequest,
            2 => Self::InternalError,
            3 => Self::TryLater,
            5 => Self::SigRequired,
            6 => Self::Unauthorized,
            _ => return None,
        })
    }

    /// The ENUMERATED value.
    pub fn code(self) -> u8 {
        match self {
            Self::Successful => 0,
            Self::MalformedRequest => 1,
            Self::InternalError => 2,
            Self::TryLater => 3,
            Self::SigRequired => 5,
            Self::Unauthorized => 6,
        }
    }

    /// The RFC's name ("tryLater").
    pub fn name(self) -> &'static str {
        match self {
            Self::Successful => "successful",
            Self::MalformedRequest => "malformedRequest",
            Self::InternalError => "internalError",
            Self::TryLater => "tryLater",
            Self::SigRequired => "sigRequired",
            Self::Unauthorized => "unauthorized",
        }
    }
}

impl fmt::Display for OcspResponseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

/// CRLReason (RFC 5280 §5.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationReason {
    /// 0
    Unspecified,
    /// 1
    KeyCompromise,
    /// 2
    CaCompromise,
    /// 3
    AffiliationChanged,
    /// 4
    Superseded,
    /// 5
    CessationOfOperation,
    /// 6
    CertificateHold,
    /// 8
    RemoveFromCrl,
    /// 9
    PrivilegeWithdrawn,
    /// 10
    AaCompromise,
}

impl RevocationReason {
    fn from_code(code: u64) -> Option<Self> {
        Some(match code {
            0 => Self::Unspecified,
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            _ => return None,
        })
    }

    /// The RFC's name ("keyCompromise").
    pub fn name(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::KeyCompromise => "keyCompromise",
            Self::CaCompromise => "cACompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
            Self::CertificateHold => "certificateHold",
            Self::RemoveFromCrl => "removeFromCRL",
            Self::PrivilegeWithdrawn => "privilegeWithdrawn",
            Self::AaCompromise => "aACompromise",
        }
    }
}

impl fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// CertStatus (RFC 6960 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    /// Not revoked (at least, not known to be).
    Good,
    /// Revoked at `time`, for `reason` when the responder says.
    Revoked {
        /// revocationTime.
        time: OffsetDateTime,
        /// revocationReason, if given.
        reason: Option<RevocationReason>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// ResponderID (RFC 6960 §4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponderId {
    /// byName: the responder certificate's subject.
    ByName(DistinguishedName),
    /// byKey: SHA-1 of the responder's subjectPublicKey BIT STRING contents.
    ByKeyHash(Vec<u8>),
}

impl fmt::Display for ResponderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponderId::ByName(name) => f.write_str(&name.to_rfc4514()),
            ResponderId::ByKeyHash(hash) => write!(f, "keyHash:{}", hex::encode_upper(hash)),
        }
    }
}

/// One SingleResponse: the status of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleResponse {
    cert_id: CertId,
    status: CertStatus,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    pub(crate) critical_extensions: Vec<String>,
}

impl SingleResponse {
    /// The certificate this answer is about.
    pub fn cert_id(&self) -> &CertId {
        &self.cert_id
    }

    /// The certificate's status.
    pub fn status(&self) -> CertStatus {
        self.status
    }

    /// thisUpdate: when the status was known to be correct.
    pub fn this_update(&self) -> OffsetDateTime {
        self.this_update
    }

    /// nextUpdate, if the responder gives one.
    pub fn next_update(&self) -> Option<OffsetDateTime> {
        self.next_update
    }
}

/// A successful OCSP response holding a BasicOCSPResponse, as received. Reading it checks
/// only the structure; [`OcspResponse::verify`] does the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspResponse {
    der: Vec<u8>,
    pub(crate) tbs: Vec<u8>,
    responder_id: ResponderId,
    produced_at: OffsetDateTime,
    responses: Vec<SingleResponse>,
    nonce: Option<Vec<u8>>,
    pub(crate) critical_extensions: Vec<String>,
    pub(crate) signature_algorithm: Vec<u8>,
    signature_algorithm_oid: String,
    pub(crate) signature: Vec<u8>,
    certificates: Vec<Certificate>,
}

impl OcspResponse {
    /// The media type of a response body (RFC 6960 Appendix A.1).
    pub const CONTENT_TYPE: &'static str = "application/ocsp-response";

    /// Reads a DER OCSPResponse. A responseStatus other than `successful` is
    /// [`Error::OcspUnsuccessful`]; a response type other than id-pkix-ocsp-basic is
    /// [`Error::OcspResponseType`].
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        const WHAT: &str = "OCSPResponse";
        let outer = reader::parse_single(der, tag::SEQUENCE, WHAT)?;
        let mut r = outer.reader();
        let status_tlv = r.read(tag::ENUMERATED, "responseStatus")?;
        let code = status_tlv.small_uint("responseStatus")?;
        let status = OcspResponseStatus::from_code(code).ok_or_else(|| Error::Der {
            what: WHAT,
            reason: format!("unknown responseStatus {code}"),
        })?;
        if status != OcspResponseStatus::Successful {
            return Err(Error::OcspUnsuccessful { status });
        }
        let bytes = r.read(tag::context(0, true), "responseBytes")?;
        r.finish()?;
        let bytes = bytes.explicit_inner("responseBytes")?;
        let mut r = Reader::new(bytes.value, WHAT);
        if bytes.tag != tag::SEQUENCE {
            return Err(Error::Der {
                what: WHAT,
                reason: "responseBytes is not a SEQUENCE".to_owned(),
            });
        }
        let response_type = r.read(tag::OID, "responseType")?.oid("responseType")?;
        if response_type != OID_OCSP_BASIC {
            return Err(Error::OcspResponseType { oid: response_type });
        }
        let basic = r.read(tag::OCTET_STRING, "response")?;
        r.finish()?;
        let mut parsed = parse_basic(basic.value)?;
        parsed.der = der.to_vec();
        Ok(parsed)
    }

    /// The whole OCSPResponse DER, as received (what XAdES `EncapsulatedOCSPValue` holds).
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }

    /// Who signed the response, as it names itself.
    pub fn responder_id(&self) -> &ResponderId {
        &self.responder_id
    }

    /// producedAt: when the responder signed this response.
    pub fn produced_at(&self) -> OffsetDateTime {
        self.produced_at
    }

    /// Every SingleResponse, in order.
    pub fn responses(&self) -> &[SingleResponse] {
        &self.responses
    }

    /// The nonce the response echoes, if any (RFC 8954).
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }

    /// The certificates embedded in the response (usually the responder's).
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The signature algorithm OID (e.g. "1.2.840.10045.4.3.3" for ecdsa-with-SHA384).
    pub fn signature_algorithm_oid(&self) -> &str {
        &self.signature_algorithm_oid
    }

    /// The signature value (the BIT STRING contents).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
}

/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature,
/// certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
fn parse_basic(der: &[u8]) -> Result<OcspResponse, Error> {
    const WHAT: &str = "BasicOCSPResponse";
    let basic = reader::parse_single(der, tag::SEQUENCE, WHAT)?;
    let mut r = basic.reader();
    let tbs = r.read(tag::SEQUENCE, "tbsResponseData")?;
    let alg = r.read(tag::SEQUENCE, "signatureAlgorithm")?;
    let (signature_algorithm_oid, signature_algorithm) =
        reader::algorithm_identifier(&alg, "signatureAlgorithm")?;
    let signature = r
        .read(tag::BIT_STRING, "signature")?
        .bit_string_octets("signature")?;
    let mut certificates = Vec::new();
    if let Some(certs) = r.read_optional(tag::context(0, true))? {
        let list = certs.explicit_inner("certs")?;
        if list.tag != tag::SEQUENCE {
            return Err(Error::Der {
                what: WHAT,
                reason: "certs is not a SEQUENCE OF Certificate".to_owned(),
            });
        }
        for cert in list.reader().read_all()? {
            certificates.push(Certificate::from_der(cert.raw)?);
        }
    }
    r.finish()?;

    let data = parse_response_data(&tbs)?;
    Ok(OcspResponse {
        der: Vec::new(),
        tbs: tbs.raw.to_vec(),
        responder_id: data.responder_id,
        produced_at: data.produced_at,
        responses: data.responses,
        nonce: data.nonce,
        critical_extensions: data.critical_extensions,
        signature_algorithm: signature_algorithm.to_vec(),
        signature_algorithm_oid,
        signature: signature.to_vec(),
        certificates,
    })
}

struct ResponseData {
    responder_id: ResponderId,
    produced_at: OffsetDateTime,
    responses: Vec<SingleResponse>,
    nonce: Option<Vec<u8>>,
    critical_extensions: Vec<String>,
}

/// ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, responderID, producedAt,
/// responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
fn parse_response_data(tbs: &Tlv<'_>) -> Result<ResponseData, Error> {
    const WHAT: &str = "ResponseData";
    let mut r = tbs.reader();
    if let Some(version) = r.read_optional(tag::context(0, true))? {
        let v = version.explicit_inner("version")?;
        if v.tag != tag::INTEGER || v.small_uint("version")? != 0 {
            return Err(Error::Der {
                what: WHAT,
                reason: "version is not v1".to_owned(),
            });
        }
    }
    let responder = r.read_any()?;
    let responder_id = match responder.tag {
        t if t == tag::context(1, true) => {
            let name = responder.explicit_inner("responderID byName")?;
            ResponderId::ByName(DistinguishedName::from_der(name.raw)?)
        }
        t if t == tag::context(2, true) => {
            let key = responder.explicit_inner("responderID byKey")?;
            if key.tag != tag::OCTET_STRING {
                return Err(Error::Der {
                    what: WHAT,
                    reason: "responderID byKey is not an OCTET STRING".to_owned(),
                });
            }
            ResponderId::ByKeyHash(key.value.to_vec())
        }
        t => {
            return Err(Error::Der {
                what: WHAT,
                reason: format!("responderID has tag 0x{t:02X}, expected [1] or [2]"),
            });
        }
    };
    let produced_at = r
        .read(tag::GENERALIZED_TIME, "producedAt")?
        .generalized_time("producedAt")?;
    let responses = r
        .read(tag::SEQUENCE, "responses")?
        .reader()
        .read_all()?
        .iter()
        .map(parse_single_response)
        .collect::<Result<Vec<_>, _>>()?;
    let mut nonce = None;
    let mut critical_extensions = Vec::new();
    if let Some(exts) = r.read_optional(tag::context(1, true))? {
        for ext in parse_extensions(&exts.explicit_inner("responseExtensions")?)? {
            if ext.critical && !crate::ocsp::UNDERSTOOD_EXTENSIONS.contains(&ext.oid.as_str()) {
                critical_extensions.push(ext.oid.clone());
            }
            if ext.oid == OID_OCSP_NONCE {
                if nonce.is_some() {
                    return Err(Error::DuplicateExtension { oid: ext.oid });
                }
                nonce = Some(nonce_value(ext.value));
            }
        }
    }
    r.finish()?;
    Ok(ResponseData {
        responder_id,
        produced_at,
        responses,
        nonce,
        critical_extensions,
    })
}

/// RFC 8954 §2.1: extnValue is the DER of `Nonce ::= OCTET STRING`. Some responders put the
/// bare nonce there instead; that is taken as is.
fn nonce_value(extn_value: &[u8]) -> Vec<u8> {
    match reader::parse_single(extn_value, tag::OCTET_STRING, "nonce") {
        Ok(inner) => inner.value.to_vec(),
        Err(_) => extn_value.to_vec(),
    }
}

/// SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate, nextUpdate [0] EXPLICIT
/// OPTIONAL, singleExtensions [1] EXPLICIT OPTIONAL }
fn parse_single_response(tlv: &Tlv<'_>) -> Result<SingleResponse, Error> {
    const WHAT: &str = "SingleResponse";
    if tlv.tag != tag::SEQUENCE {
        return Err(Error::Der {
            what: WHAT,
            reason: "not a SEQUENCE".to_owned(),
        });
    }
    let mut r = tlv.reader();
    let cert_id = CertId::parse(&r.read(tag::SEQUENCE, "certID")?)?;
    let status_tlv = r.read_any()?;
    let status = match status_tlv.tag {
        // good [0] IMPLICIT NULL
        0x80 if status_tlv.value.is_empty() => CertStatus::Good,
        // revoked [1] IMPLICIT RevokedInfo
        0xA1 => {
            let mut info = status_tlv.reader();
            let time = info
                .read(tag::GENERALIZED_TIME, "revocationTime")?
                .generalized_time("revocationTime")?;
            let reason = match info.read_optional(tag::context(0, true))? {
                Some(reason) => {
                    let value = reason.explicit_inner("revocationReason")?;
                    if value.tag != tag::ENUMERATED {
                        return Err(Error::Der {
                            what: WHAT,
                            reason: "revocationReason is not ENUMERATED".to_owned(),
                        });
                    }
                    let code = value.small_uint("revocationReason")?;
                    Some(RevocationReason::from_code(code).ok_or_else(|| Error::Der {
                        what: WHAT,
                        reason: format!("unknown revocationReason {code}"),
                    })?)
                }
                None => None,
            };
            info.finish()?;
            CertStatus::Revoked { time, reason }
        }
        // unknown [2] IMPLICIT UnknownInfo (NULL)
        0x82 if status_tlv.value.is_empty() => CertStatus::Unknown,
        t => {
            return Err(Error::Der {
                what: WHAT,
                reason: format!("certStatus has tag 0x{t:02X}"),
            });
        }
    };
    let this_update = r
        .read(tag::GENERALIZED_TIME, "thisUpdate")?
        .generalized_time("thisUpdate")?;
    let next_update = match r.read_optional(tag::context(0, true))? {
        Some(t) => Some(
            t.explicit_inner("nextUpdate")?
                .generalized_time("nextUpdate")?,
        ),
        None => None,
    };
    let mut critical_extensions = Vec::new();
    if let Some(exts) = r.read_optional(tag::context(1, true))? {
        for ext in parse_extensions(&exts.explicit_inner("singleExtensions")?)? {
            if ext.critical && !crate::ocsp::UNDERSTOOD_EXTENSIONS.contains(&ext.oid.as_str()) {
                critical_extensions.push(ext.oid);
            }
        }
    }
    r.finish()?;
    Ok(SingleResponse {
        cert_id,
        status,
        this_update,
        next_update,
        critical_extensions,
    })
}

pub(crate) struct RawExtension<'a> {
    pub(crate) oid: String,
    pub(crate) critical: bool,
    pub(crate) value: &'a [u8],
}

/// Extensions ::= SEQUENCE OF Extension (RFC 5280 §4.1); a repeated OID is an error.
pub(crate) fn parse_extensions<'a>(list: &Tlv<'a>) -> Result<Vec<RawExtension<'a>>, Error> {
    if list.tag != tag::SEQUENCE {
        return Err(Error::Der {
            what: "Extensions",
            reason: "not a SEQUENCE".to_owned(),
        });
    }
    let mut out: Vec<RawExtension<'a>> = Vec::new();
    for ext in list.reader().read_all()? {
        if ext.tag != tag::SEQUENCE {
            return Err(Error::Der {
                what: "Extension",
                reason: "not a SEQUENCE".to_owned(),
            });
        }
        let mut r = ext.reader();
        let oid = r.read(tag::OID, "extnID")?.oid("extnID")?;
        let critical = match r.read_optional(tag::BOOLEAN)? {
            Some(b) => b.boolean("critical")?,
            None => false,
        };
        let value = r.read(tag::OCTET_STRING, "extnValue")?.value;
        r.finish()?;
        if out.iter().any(|e| e.oid == oid) {
            return Err(Error::DuplicateExtension { oid });
        }
        out.push(RawExtension {
            oid,
            critical,
            value,
        });
    }
    Ok(out)
}
