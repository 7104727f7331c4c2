//! TimeStampReq (RFC 3161 §2.4.1).

use crate::asn1::reader::{strip_leading_zeros, tag};
use crate::asn1::writer;
use crate::tsp::MessageImprint;
use crate::{Error, HashAlgorithm};

/// A time-stamp request: version 1, the imprint, optionally a nonce and a policy, and
/// `certReq` (on by default, so the token carries the TSA certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeStampRequest {
    imprint: MessageImprint,
    nonce: Option<Vec<u8>>,
    policy: Option<String>,
    cert_req: bool,
}

impl TimeStampRequest {
    /// The media type to POST the request with (RFC 3161 §3.4).
    pub const CONTENT_TYPE: &'static str = "application/timestamp-query";

    /// A request for a digest computed with `algorithm` (SHA-256, SHA-384 or SHA-512).
    pub fn new(algorithm: HashAlgorithm, digest: &[u8]) -> Result<Self, Error> {
        Ok(TimeStampRequest {
            imprint: MessageImprint::new(algorithm, digest)?,
            nonce: None,
            policy: None,
            cert_req: true,
        })
    }

    /// Adds a nonce: random bytes from the caller (libdigidocpp sends 20, RFC 3161 asks for
    /// a large random number). Read as a big-endian unsigned number.
    pub fn with_nonce(mut self, nonce: &[u8]) -> Self {
        self.nonce = Some(strip_leading_zeros(nonce).to_vec());
        self
    }

    /// Asks for a TSA policy (dotted OID); fails on a malformed OID.
    pub fn with_policy(mut self, policy: &str) -> Result<Self, Error> {
        if !crate::tlv::is_dotted_oid(policy) {
            return Err(Error::Der {
                what: "TimeStampReq",
                reason: format!("reqPolicy \"{policy}\" is not an object identifier"),
            });
        }
        self.policy = Some(policy.to_owned());
        Ok(self)
    }

    /// Whether to ask for the TSA certificate in the token (default: yes).
    pub fn with_cert_req(mut self, cert_req: bool) -> Self {
        self.cert_req = cert_req;
        self
    }

    /// The imprint asked for.
    pub fn imprint(&self) -> &MessageImprint {
        &self.imprint
    }

    /// The nonce (big-endian magnitude), if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }

    /// The policy asked for, if any.
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }

    /// The DER encoding to send.
    pub fn to_der(&self) -> Vec<u8> {
        let mut parts = vec![writer::unsigned_integer(&[1]), self.imprint.to_der()];
        if let Some(policy) = &self.policy {
            parts.push(writer::oid(policy));
        }
        if let Some(nonce) = &self.nonce {
            parts.push(writer::unsigned_integer(nonce));
        }
        // certReq BOOLEAN DEFAULT FALSE: DER omits the default.
        if self.cert_req {
            parts.push(vec![tag::BOOLEAN, 0x01, 0xFF]);
        }
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        writer::sequence(&refs)
    }
}
