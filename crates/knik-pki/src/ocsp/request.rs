//! OCSPRequest (RFC 6960 §4.1.1) for one certificate, unsigned, with an RFC 8954 nonce.

use crate::asn1::reader::tag;
use crate::asn1::writer;
use crate::ocsp::{CertId, OID_OCSP_NONCE};
use crate::{Certificate, Error, HashAlgorithm};

/// Nonce length sent: RFC 8954 §2.1 recommends 32 octets, libdigidocpp sends 32.
pub const OCSP_NONCE_LEN: usize = 32;

/// A request for the status of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspRequest {
    cert_id: CertId,
    nonce: Option<[u8; OCSP_NONCE_LEN]>,
    der: Vec<u8>,
}

impl OcspRequest {
    /// The media type to POST the request with (RFC 6960 Appendix A.1).
    pub const CONTENT_TYPE: &'static str = "application/ocsp-request";

    /// A request for `certificate` issued by `issuer`, with CertID hashes computed by `hash`
    /// and, when given, the nonce extension.
    ///
    /// `nonce` must come from a cryptographic random source (the caller's: this crate stays
    /// free of I/O and randomness); send one whenever the response will be embedded in an LT
    /// signature, since strict validators require it to be echoed.
    pub fn new(
        certificate: &Certificate,
        issuer: &Certificate,
        hash: HashAlgorithm,
        nonce: Option<[u8; OCSP_NONCE_LEN]>,
    ) -> Result<Self, Error> {
        let cert_id = CertId::new(certificate, issuer, hash)?;
        let request = writer::sequence(&[&cert_id.to_der()]);
        let request_list = writer::sequence(&[&request]);
        let tbs = match &nonce {
            Some(nonce) => {
                // RFC 8954 §2.1: extnValue holds the DER of `Nonce ::= OCTET STRING`.
                let extension = writer::sequence(&[
                    &writer::oid(OID_OCSP_NONCE),
                    &writer::tlv(tag::OCTET_STRING, &writer::tlv(tag::OCTET_STRING, nonce)),
                ]);
                let extensions = writer::sequence(&[&extension]);
                writer::sequence(&[
                    &request_list,
                    &writer::constructed(tag::context(2, true), &[&extensions]),
                ])
            }
            None => writer::sequence(&[&request_list]),
        };
        Ok(OcspRequest {
            cert_id,
            nonce,
            der: writer::sequence(&[&tbs]),
        })
    }

    /// The CertID asked about.
    pub fn cert_id(&self) -> &CertId {
        &self.cert_id
    }

    /// The nonce sent, if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_ref().map(|n| n.as_slice())
    }

    /// The DER encoding to send.
    pub fn to_der(&self) -> Vec<u8> {
        self.der.clone()
    }

    /// The DER encoding, borrowed.
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }
}
