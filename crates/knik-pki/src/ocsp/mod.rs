//! OCSP (RFC 6960) with the RFC 8954 nonce: build a request, read and verify the response.
//!
//! This module does no I/O. The procedure a caller follows:
//!
//! 1. [`OcspRequest::new`] with the certificate, its issuer, a fresh random 32-byte nonce
//!    (libdigidocpp always sends one and requires it back) and SHA-1 CertIDs unless the
//!    responder is known to want SHA-256.
//! 2. POST [`OcspRequest::to_der`] with `Content-Type: application/ocsp-request` to the URL from
//!    the certificate's authorityInfoAccess ([`Certificate::ocsp_urls`](crate::Certificate::ocsp_urls)).
//! 3. [`OcspResponse::from_der`] on the body; a non-`successful` responseStatus is
//!    [`Error::OcspUnsuccessful`](crate::Error::OcspUnsuccessful).
//! 4. [`OcspResponse::verify`] with an [`OcspCheck`]: signature, responder authorisation,
//!    CertID, nonce and freshness. The answer, [`VerifiedOcspResponse`], carries the status
//!    and times a report shows; [`OcspResponse::as_der`] is what XAdES `EncapsulatedOCSPValue`
//!    embeds.
//!
//! Trust in the issuing CA itself (path validation up to a trust anchor) is not checked here.

pub(crate) mod cert_id;
mod check;
mod request;
mod response;

pub use cert_id::CertId;
pub use check::{OcspCheck, VerifiedOcspResponse};
pub use request::{OCSP_NONCE_LEN, OcspRequest};
pub use response::{
    CertStatus, OcspResponse, OcspResponseStatus, ResponderId, RevocationReason, SingleResponse,
};

/// id-pkix-ocsp-basic (RFC 6960 §4.2.1).
pub(crate) const OID_OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
/// id-pkix-ocsp-nonce (RFC 6960 §4.4.1, RFC 8954).
pub(crate) const OID_OCSP_NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
pub(crate) const OID_OCSP_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
/// id-pkix-ocsp-archive-cutoff and id-pkix-ocsp-crl: informational, understood enough to
/// ignore when critical.
pub(crate) const UNDERSTOOD_EXTENSIONS: &[&str] = &[
    OID_OCSP_NONCE,
    "1.3.6.1.5.5.7.48.1.6",
    "1.3.6.1.5.5.7.48.1.3",
];
