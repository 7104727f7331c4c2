//! Stable finding codes of [`verify`](super::verify). Programs match on these; the sentence
//! beside each is what it means.

/// The `ds:Signature` element has no `Id`, so nothing can point at it.
pub const SIGNATURE_ID_MISSING: &str = "SIGNATURE_ID_MISSING";
/// A part of the signature (SignedInfo, SignatureMethod, a Reference, a base64 value) is missing or unreadable.
pub const SIGNATURE_MALFORMED: &str = "SIGNATURE_MALFORMED";
/// The signature uses a canonicalization, signature, digest or transform algorithm this verifier does not implement.
pub const UNSUPPORTED_ALGORITHM: &str = "UNSUPPORTED_ALGORITHM";
/// The signature uses SHA-1 to sign SignedInfo, which is no longer considered secure.
pub const SIGNATURE_METHOD_WEAK: &str = "SIGNATURE_METHOD_WEAK";
/// A reference or certificate digest uses SHA-1, which is no longer considered secure.
pub const DIGEST_WEAK: &str = "DIGEST_WEAK";
/// KeyInfo carries no X509Certificate, so the signer is unknown.
pub const SIGNER_CERTIFICATE_MISSING: &str = "SIGNER_CERTIFICATE_MISSING";
/// The first X509Certificate of KeyInfo cannot be read as a certificate.
pub const SIGNER_CERTIFICATE_UNREADABLE: &str = "SIGNER_CERTIFICATE_UNREADABLE";
/// KeyInfo carries more than one certificate; the first is taken as the signer's.
pub const KEY_INFO_SEVERAL_CERTIFICATES: &str = "KEY_INFO_SEVERAL_CERTIFICATES";
/// The SignatureValue does not verify with the signer certificate's key over the canonical SignedInfo.
pub const SIGNATURE_VALUE_INVALID: &str = "SIGNATURE_VALUE_INVALID";
/// A signed data object's content differs from what was signed (its digest does not match).
pub const DATA_DIGEST_MISMATCH: &str = "DATA_DIGEST_MISMATCH";
/// A reference points to a data object or element that is not there.
pub const REFERENCE_NOT_FOUND: &str = "REFERENCE_NOT_FOUND";
/// A same-document reference other than SignedProperties does not match its target.
pub const REFERENCE_DIGEST_MISMATCH: &str = "REFERENCE_DIGEST_MISMATCH";
/// The signed properties (signing time, signing certificate, media types) were changed after signing.
pub const SIGNED_PROPERTIES_DIGEST_MISMATCH: &str = "SIGNED_PROPERTIES_DIGEST_MISMATCH";
/// No SignedInfo reference covers the SignedProperties, so signing time and signer binding are unprotected.
pub const SIGNED_PROPERTIES_NOT_REFERENCED: &str = "SIGNED_PROPERTIES_NOT_REFERENCED";
/// The reference to SignedProperties has no explicit canonicalization Transform (inclusive C14N 1.0 was used).
pub const SIGNED_PROPERTIES_TRANSFORM_MISSING: &str = "SIGNED_PROPERTIES_TRANSFORM_MISSING";
/// The reference to SignedProperties lacks `Type="http://uri.etsi.org/01903#SignedProperties"`.
pub const SIGNED_PROPERTIES_REFERENCE_TYPE_MISSING: &str =
    "SIGNED_PROPERTIES_REFERENCE_TYPE_MISSING";
/// The signature has no XAdES QualifyingProperties (or no SignedProperties in them): it is plain XMLDSig.
pub const QUALIFYING_PROPERTIES_MISSING: &str = "QUALIFYING_PROPERTIES_MISSING";
/// The signature has more than one ds:Object.
pub const OBJECT_NOT_UNIQUE: &str = "OBJECT_NOT_UNIQUE";
/// The signature has more than one QualifyingProperties.
pub const QUALIFYING_PROPERTIES_NOT_UNIQUE: &str = "QUALIFYING_PROPERTIES_NOT_UNIQUE";
/// The QualifyingProperties hold more than one SignedProperties.
pub const SIGNED_PROPERTIES_NOT_UNIQUE: &str = "SIGNED_PROPERTIES_NOT_UNIQUE";
/// QualifyingProperties/@Target does not name this signature.
pub const QUALIFYING_PROPERTIES_TARGET_MISMATCH: &str = "QUALIFYING_PROPERTIES_TARGET_MISMATCH";
/// The XAdES namespace is an old version (1.1.1, 1.2.2) that this verifier does not read.
pub const XADES_NAMESPACE_UNSUPPORTED: &str = "XADES_NAMESPACE_UNSUPPORTED";
/// The signed properties do not name the signing certificate (SigningCertificate or SigningCertificateV2).
pub const SIGNING_CERTIFICATE_MISSING: &str = "SIGNING_CERTIFICATE_MISSING";
/// The certificate in KeyInfo is not the one the signed properties name: possible key substitution.
pub const SIGNING_CERTIFICATE_MISMATCH: &str = "SIGNING_CERTIFICATE_MISMATCH";
/// SigningCertificate's IssuerSerial names another serial number than the signer certificate's.
pub const SIGNING_CERTIFICATE_ISSUER_SERIAL_MISMATCH: &str =
    "SIGNING_CERTIFICATE_ISSUER_SERIAL_MISMATCH";
/// The signed properties carry no SigningTime.
pub const SIGNING_TIME_MISSING: &str = "SIGNING_TIME_MISSING";
/// The SigningTime is not a date and time this verifier can read.
pub const SIGNING_TIME_MALFORMED: &str = "SIGNING_TIME_MALFORMED";
/// A signed data object has no DataObjectFormat giving its media type.
pub const DATA_OBJECT_FORMAT_MISSING: &str = "DATA_OBJECT_FORMAT_MISSING";
/// A signature time-stamp token is unreadable or its CMS signature does not verify.
pub const TIMESTAMP_INVALID: &str = "TIMESTAMP_INVALID";
/// A signature time-stamp covers something other than this SignatureValue.
pub const TIMESTAMP_IMPRINT_MISMATCH: &str = "TIMESTAMP_IMPRINT_MISMATCH";
/// A time-stamp names no CanonicalizationMethod; inclusive C14N 1.0 was used, as the standard says.
pub const TIMESTAMP_CANONICALIZATION_DEFAULTED: &str = "TIMESTAMP_CANONICALIZATION_DEFAULTED";
/// More than one signature time-stamp is present; each was checked.
pub const SEVERAL_SIGNATURE_TIMESTAMPS: &str = "SEVERAL_SIGNATURE_TIMESTAMPS";
/// An archive time-stamp token is unreadable or its CMS signature does not verify.
pub const ARCHIVE_TIMESTAMP_INVALID: &str = "ARCHIVE_TIMESTAMP_INVALID";
/// An archive time-stamp covers something other than this signature and its data as they are now.
pub const ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH: &str = "ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH";
/// An archive time-stamp could not be checked because a data object it covers is missing.
pub const ARCHIVE_TIMESTAMP_NOT_CHECKED: &str = "ARCHIVE_TIMESTAMP_NOT_CHECKED";
/// An ArchiveTimeStamp in the old v1.3.2 namespace, whose coverage rules this verifier does not implement.
pub const ARCHIVE_TIMESTAMP_V132_UNSUPPORTED: &str = "ARCHIVE_TIMESTAMP_V132_UNSUPPORTED";
/// The signature carries a counter-signature, which this verifier does not check.
pub const COUNTER_SIGNATURE_UNSUPPORTED: &str = "COUNTER_SIGNATURE_UNSUPPORTED";
/// An unsigned property this verifier cannot check (attribute certificates, refs-only time-stamps, …) is present.
pub const UNSUPPORTED_PROPERTY: &str = "UNSUPPORTED_PROPERTY";
/// A content time-stamp (AllDataObjectsTimeStamp, IndividualDataObjectsTimeStamp) is present and was not checked.
pub const CONTENT_TIMESTAMP_NOT_CHECKED: &str = "CONTENT_TIMESTAMP_NOT_CHECKED";
/// Revocation data is given as CRLs, which are not accepted as proof of revocation status here.
pub const CRL_VALUES_PRESENT: &str = "CRL_VALUES_PRESENT";
/// An embedded certificate, OCSP response or CRL is not base64.
pub const ENCAPSULATED_VALUE_MALFORMED: &str = "ENCAPSULATED_VALUE_MALFORMED";
/// The signed properties carry a signature policy identifier (e.g. the old BDOC TM policy), which is not evaluated.
pub const SIGNATURE_POLICY_NOT_EVALUATED: &str = "SIGNATURE_POLICY_NOT_EVALUATED";

/// Every code, for documentation and tests.
pub const ALL: &[&str] = &[
    SIGNATURE_ID_MISSING,
    SIGNATURE_MALFORMED,
    UNSUPPORTED_ALGORITHM,
    SIGNATURE_METHOD_WEAK,
    DIGEST_WEAK,
    SIGNER_CERTIFICATE_MISSING,
    SIGNER_CERTIFICATE_UNREADABLE,
    KEY_INFO_SEVERAL_CERTIFICATES,
    SIGNATURE_VALUE_INVALID,
    DATA_DIGEST_MISMATCH,
    REFERENCE_NOT_FOUND,
    REFERENCE_DIGEST_MISMATCH,
    SIGNED_PROPERTIES_DIGEST_MISMATCH,
    SIGNED_PROPERTIES_NOT_REFERENCED,
    SIGNED_PROPERTIES_TRANSFORM_MISSING,
    SIGNED_PROPERTIES_REFERENCE_TYPE_MISSING,
    QUALIFYING_PROPERTIES_MISSING,
    OBJECT_NOT_UNIQUE,
    QUALIFYING_PROPERTIES_NOT_UNIQUE,
    SIGNED_PROPERTIES_NOT_UNIQUE,
    QUALIFYING_PROPERTIES_TARGET_MISMATCH,
    XADES_NAMESPACE_UNSUPPORTED,
    SIGNING_CERTIFICATE_MISSING,
    SIGNING_CERTIFICATE_MISMATCH,
    SIGNING_CERTIFICATE_ISSUER_SERIAL_MISMATCH,
    SIGNING_TIME_MISSING,
    SIGNING_TIME_MALFORMED,
    DATA_OBJECT_FORMAT_MISSING,
    TIMESTAMP_INVALID,
    TIMESTAMP_IMPRINT_MISMATCH,
    TIMESTAMP_CANONICALIZATION_DEFAULTED,
    SEVERAL_SIGNATURE_TIMESTAMPS,
    ARCHIVE_TIMESTAMP_INVALID,
    ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH,
    ARCHIVE_TIMESTAMP_NOT_CHECKED,
    ARCHIVE_TIMESTAMP_V132_UNSUPPORTED,
    COUNTER_SIGNATURE_UNSUPPORTED,
    UNSUPPORTED_PROPERTY,
    CONTENT_TIMESTAMP_NOT_CHECKED,
    CRL_VALUES_PRESENT,
    ENCAPSULATED_VALUE_MALFORMED,
    SIGNATURE_POLICY_NOT_EVALUATED,
];
