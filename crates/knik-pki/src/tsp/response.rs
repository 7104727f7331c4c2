//! TimeStampResp and PKIStatusInfo (RFC 3161 §2.4.2).

use core::fmt;

use crate::asn1::reader::{self, tag};
use crate::tsp::{TimeStampRequest, TimeStampToken};
use crate::{Certificate, Error};

/// PKIStatus (RFC 3161 §2.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PkiStatus {
    /// 0: a token is present as requested.
    Granted,
    /// 1: a token is present with modifications.
    GrantedWithMods,
    /// 2: refused.
    Rejection,
    /// 3: not yet processed.
    Waiting,
    /// 4: a revocation is imminent.
    RevocationWarning,
    /// 5: a revocation has occurred.
    RevocationNotification,
}

impl PkiStatus {
    fn from_code(code: u64) -> Option<Self> {
        Some(match code {
            0 => Self::Granted,
            1 => Self::GrantedWithMods,
            2 => Self::Rejection,
            3 => Self::Waiting,
            4 => Self::RevocationWarning,
            5 => Self::RevocationNotification,
            _ => return None,
        })
    }

    /// The RFC's name ("rejection").
    pub fn name(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::GrantedWithMods => "grantedWithMods",
            Self::Rejection => "rejection",
            Self::Waiting => "waiting",
            Self::RevocationWarning => "revocationWarning",
            Self::RevocationNotification => "revocationNotification",
        }
    }

    /// Whether a token comes with this status.
    pub fn is_granted(self) -> bool {
        matches!(self, Self::Granted | Self::GrantedWithMods)
    }
}

impl fmt::Display for PkiStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// PKIFailureInfo bit names (RFC 3161 §2.4.2), by bit number.
const FAILURE_BITS: &[(usize, &str)] = &[
    (0, "badAlg"),
    (2, "badRequest"),
    (5, "badDataFormat"),
    (14, "timeNotAvailable"),
    (15, "unacceptedPolicy"),
    (16, "unacceptedExtension"),
    (17, "addInfoNotAvailable"),
    (25, "systemFailure"),
];

/// The statusString and failInfo of a refusal, for [`Error::TspRefused`]'s message.
pub(crate) fn refusal_details(text: Option<&str>, failure: &[&str]) -> String {
    let mut out = String::new();
    if let Some(text) = text {
        out.push_str(&format!(" \"{text}\""));
    }
    if !failure.is_empty() {
        out.push_str(&format!(" ({})", failure.join(", ")));
    }
    out
}

/// A TSA's answer, read but not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeStampResponse {
    status: PkiStatus,
    status_text: Option<String>,
    failure_info: Vec<&'static str>,
    token: Option<Vec<u8>>,
}

impl TimeStampResponse {
    /// The media type of a response body (RFC 3161 §3.4).
    pub const CONTENT_TYPE: &'static str = "application/timestamp-reply";

    /// Reads a DER TimeStampResp ::= SEQUENCE { status PKIStatusInfo,
    /// timeStampToken OPTIONAL }.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        const WHAT: &str = "TimeStampResp";
        let outer = reader::parse_single(der, tag::SEQUENCE, WHAT)?;
        let mut r = outer.reader();
        let info = r.read(tag::SEQUENCE, "status")?;
        let token = r.read_optional(tag::SEQUENCE)?.map(|t| t.raw.to_vec());
        r.finish()?;

        // PKIStatusInfo ::= SEQUENCE { status, statusString PKIFreeText OPTIONAL,
        // failInfo PKIFailureInfo OPTIONAL }
        let mut r = info.reader();
        let code = r.read(tag::INTEGER, "status")?.small_uint("status")?;
        let status = PkiStatus::from_code(code).ok_or_else(|| Error::Der {
            what: WHAT,
            reason: format!("unknown PKIStatus {code}"),
        })?;
        let status_text = match r.read_optional(tag::SEQUENCE)? {
            Some(text) => {
                let parts = text
                    .reader()
                    .read_all()?
                    .iter()
                    .map(|s| String::from_utf8_lossy(s.value).into_owned())
                    .collect::<Vec<_>>();
                Some(parts.join("; "))
            }
            None => None,
        };
        let failure_info = match r.read_optional(tag::BIT_STRING)? {
            Some(bits) => {
                let (_, octets) = bits.value.split_first().ok_or_else(|| Error::Der {
                    what: WHAT,
                    reason: "empty failInfo".to_owned(),
                })?;
                FAILURE_BITS
                    .iter()
                    .filter(|(bit, _)| {
                        octets
                            .get(bit / 8)
                            .is_some_and(|byte| byte & (0x80 >> (bit % 8)) != 0)
                    })
                    .map(|(_, name)| *name)
                    .collect()
            }
            None => Vec::new(),
        };
        r.finish()?;
        Ok(TimeStampResponse {
            status,
            status_text,
            failure_info,
            token,
        })
    }

    /// The PKIStatus.
    pub fn status(&self) -> PkiStatus {
        self.status
    }

    /// The statusString, if any.
    pub fn status_text(&self) -> Option<&str> {
        self.status_text.as_deref()
    }

    /// The failInfo bits set, by name.
    pub fn failure_info(&self) -> &[&'static str] {
        &self.failure_info
    }

    /// The token's DER (a CMS ContentInfo), if present.
    pub fn token_der(&self) -> Option<&[u8]> {
        self.token.as_deref()
    }

    /// Checks the response against the request it answers and returns the verified token:
    /// status granted ([`Error::TspRefused`]), a token present ([`Error::TspMissingToken`]),
    /// the token verified ([`TimeStampToken::from_der`], with `extra_certificates` as further
    /// TSA certificate candidates), its imprint equal to the request's
    /// ([`Error::TspImprintMismatch`]), the request's nonce echoed
    /// ([`Error::TspNonceMismatch`]) and its policy, if it named one, honoured
    /// ([`Error::TspPolicyMismatch`]).
    pub fn into_token(
        self,
        request: &TimeStampRequest,
        extra_certificates: &[Certificate],
    ) -> Result<TimeStampToken, Error> {
        if !self.status.is_granted() {
            return Err(Error::TspRefused {
                status: self.status,
                text: self.status_text,
                failure: self.failure_info,
            });
        }
        let der = self.token.ok_or(Error::TspMissingToken)?;
        let token = TimeStampToken::from_der(&der, extra_certificates)?;
        token.check_imprint(request.imprint())?;
        if let Some(nonce) = request.nonce() {
            token.check_nonce(nonce)?;
        }
        if let Some(policy) = request.policy()
            && token.policy() != policy
        {
            return Err(Error::TspPolicyMismatch {
                expected: policy.to_owned(),
                found: token.policy().to_owned(),
            });
        }
        Ok(token)
    }
}
