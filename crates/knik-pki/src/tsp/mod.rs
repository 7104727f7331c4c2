//! RFC 3161 time-stamps: build a TimeStampReq, read the TimeStampResp, verify the token.
//!
//! This module does no I/O. The procedure a caller follows:
//!
//! 1. Hash the data to time-stamp (for XAdES B-T: the canonical `ds:SignatureValue` element)
//!    and build [`TimeStampRequest::new`] with a random nonce
//!    ([`TimeStampRequest::with_nonce`]); `certReq` is on so the token carries the TSA
//!    certificate.
//! 2. POST [`TimeStampRequest::to_der`] with `Content-Type: application/timestamp-query`.
//! 3. [`TimeStampResponse::from_der`] on the body, then [`TimeStampResponse::into_token`]
//!    with the request: status granted, imprint and nonce echoed, token verified.
//! 4. Embed [`TimeStampToken::as_der`] (XAdES `EncapsulatedTimeStamp`).
//!
//! When validating a stored token: [`TimeStampToken::from_der`], then
//! [`TimeStampToken::check_imprint`] or [`TimeStampToken::check_data`].
//!
//! A token that [`TimeStampToken::from_der`] accepts has passed every check of the token
//! itself: exactly one SignerInfo, the TSA certificate found by the SignerIdentifier, the
//! contentType and messageDigest signed attributes, the ESS signingCertificate(V2) binding,
//! the signature over the DER signed attributes, and the TSA certificate's critical,
//! sole timeStamping extended key usage and validity at genTime. Trust in the TSA certificate
//! (its chain to a trust anchor or a trusted list entry) is the caller's next step.

mod request;
mod response;
mod signed_data;
mod token;
mod tst_info;

pub use request::TimeStampRequest;
pub(crate) use response::refusal_details;
pub use response::{PkiStatus, TimeStampResponse};
pub use token::TimeStampToken;
pub use tst_info::{Accuracy, MessageImprint};

/// id-signedData (RFC 5652 §5.1).
pub(crate) const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
/// id-ct-TSTInfo (RFC 3161 §2.4.2).
pub(crate) const OID_TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
/// id-contentType signed attribute (RFC 5652 §11.1).
pub(crate) const OID_ATTR_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
/// id-messageDigest signed attribute (RFC 5652 §11.2).
pub(crate) const OID_ATTR_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
/// id-aa-signingCertificate (RFC 2634 §5.4, ESSCertID with SHA-1).
pub(crate) const OID_ATTR_SIGNING_CERTIFICATE: &str = "1.2.840.113549.1.9.16.2.12";
/// id-aa-signingCertificateV2 (RFC 5035 §3).
pub(crate) const OID_ATTR_SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";
