//! XAdES baseline signatures (ETSI EN 319 132-1) in ASiC-E signature files: build in two
//! phases, extend B-B → B-T → B-LT → B-LTA, verify.
//!
//! Producing (spec/signatures.md "Produce"):
//! 1. [`prepare`] with the signer certificate and the data objects (digests streamed by the
//!    caller) → [`PreparedSignature::digest_to_sign`].
//! 2. The signer signs that digest (card, PKCS#11, mobile ID).
//! 3. [`PreparedSignature::finish`] (or [`PreparedState::finish`] in another process) checks
//!    the value against the certificate and gives a [`SignatureDocument`].
//! 4. B-T: request a time-stamp over [`SignatureDocument::signature_timestamp_imprint`],
//!    [`SignatureDocument::add_signature_timestamp`]. B-LT: fetch OCSP (after the time-stamp),
//!    [`SignatureDocument::add_validation_data`]. B-LTA: a time-stamp over
//!    [`SignatureDocument::archive_timestamp_imprint`],
//!    [`SignatureDocument::add_archive_timestamp`].
//!
//! Verifying (spec "Accept"): [`verify`] gives a [`SignatureCheck`] per signature with
//! findings coded in [`codes`]; trust decisions are left to the caller.

mod build;
pub mod codes;
mod document;
mod imprint;
mod splice;
mod verify;

pub use build::{
    DataObject, PreparedSignature, PreparedState, ProductionPlace, SignatureOptions, prepare,
};
pub use document::{DataResolver, Level, SignatureDocument};
pub use verify::{
    DataObjectFormat, DigestStatus, Finding, ReferenceCheck, Severity, SignatureCheck,
    SigningCertificateVersion, TimestampCheck, VerifyOptions, decode_uri, verify,
};

/// The XAdES 1.3.2 namespace (QualifyingProperties and almost every property).
pub const XADES_NS: &str = "http://uri.etsi.org/01903/v1.3.2#";
/// The XAdES 1.4.1 namespace (ArchiveTimeStamp, TimeStampValidationData).
pub const XADES141_NS: &str = "http://uri.etsi.org/01903/v1.4.1#";
/// The ASiC namespace of the `asic:XAdESSignatures` root.
pub const ASIC_NS: &str = "http://uri.etsi.org/02918/v1.2.1#";
/// The `Type` of the reference to SignedProperties.
pub const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903#SignedProperties";
