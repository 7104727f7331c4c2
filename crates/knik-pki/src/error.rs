//! The one error type of knik-pki.

use thiserror::Error;

/// Everything that can go wrong while reading certificates, checking signatures or loading the
/// policy configuration.
///
/// Every variant says *where* (which structure, field or extension) and *what was found*, so a
/// caller can both show a useful message and match on the exact failure in tests.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not a well-formed PEM document, or a PEM block could not be decoded.
    #[error("malformed PEM: {reason}")]
    Pem {
        /// What the PEM decoder reported.
        reason: String,
    },

    /// A PEM document held a different number of `CERTIFICATE` blocks than the call expects.
    #[error("expected {expected} PEM CERTIFICATE block(s), found {found}")]
    PemCertificateCount {
        /// How many were expected ("1", "at least 1").
        expected: &'static str,
        /// How many `CERTIFICATE` blocks the input held.
        found: usize,
    },

    /// An ASN.1 structure could not be decoded as DER.
    #[error("malformed DER in {what}: {reason}")]
    Der {
        /// Which structure was being decoded (e.g. "certificate", "extension keyUsage").
        what: &'static str,
        /// What the DER decoder reported (tag, length, position).
        reason: String,
    },

    /// Bytes follow the end of the certificate's outer SEQUENCE.
    #[error("{trailing} byte(s) of trailing data after the certificate")]
    TrailingData {
        /// Number of bytes after the certificate.
        trailing: usize,
    },

    /// The signature algorithm inside `tbsCertificate` differs from the outer one
    /// (RFC 5280 §4.1.1.2 requires them to be identical).
    #[error("signature algorithm mismatch: outer {outer}, tbsCertificate {inner}")]
    SignatureAlgorithmMismatch {
        /// OID of the outer `signatureAlgorithm`.
        outer: String,
        /// OID of `tbsCertificate.signature`.
        inner: String,
    },

    /// An extension occurs twice (RFC 5280 §4.2 forbids it).
    #[error("extension {oid} occurs more than once")]
    DuplicateExtension {
        /// OID of the repeated extension.
        oid: String,
    },

    /// A known extension's content is malformed.
    #[error("malformed {name} extension ({oid}): {reason}")]
    Extension {
        /// Short name of the extension (e.g. "keyUsage").
        name: &'static str,
        /// Its OID.
        oid: String,
        /// What is wrong.
        reason: String,
    },

    /// A name attribute value could not be read as text.
    #[error("name attribute {oid}: {reason}")]
    AttributeValue {
        /// OID of the attribute type.
        oid: String,
        /// What is wrong (string type, encoding error).
        reason: String,
    },

    /// The subject public key could not be decoded.
    #[error("invalid {algorithm} public key: {reason}")]
    InvalidPublicKey {
        /// The key algorithm as far as it was recognised (e.g. "EC P-384", "RSA").
        algorithm: String,
        /// What is wrong.
        reason: String,
    },

    /// The key is of a kind this crate cannot verify with (e.g. Ed25519, brainpool, P-521).
    #[error("unsupported public key: {key}")]
    UnsupportedKey {
        /// Description of the key (algorithm OID and parameters).
        key: String,
    },

    /// A signature or hash algorithm that is not supported (or not accepted) here.
    #[error("unsupported algorithm {oid}: {reason}")]
    UnsupportedAlgorithm {
        /// OID (or name) of the algorithm.
        oid: String,
        /// Why it is not supported.
        reason: String,
    },

    /// The signature algorithm is for a different kind of key than the one given.
    #[error("{algorithm} signature cannot be checked with a {key} key")]
    AlgorithmKeyMismatch {
        /// The signature algorithm (name or OID).
        algorithm: String,
        /// The key description.
        key: String,
    },

    /// The digest handed in does not have the length of its hash algorithm.
    #[error("digest length {found} does not match {algorithm} ({expected} bytes)")]
    DigestLength {
        /// Name of the hash algorithm.
        algorithm: &'static str,
        /// Output length of that algorithm.
        expected: usize,
        /// Length of the digest given.
        found: usize,
    },

    /// The signature bytes are neither of the shapes accepted for the key.
    #[error("malformed signature for {key}: {reason}")]
    SignatureEncoding {
        /// The key description (e.g. "EC P-384").
        key: String,
        /// What is wrong (length, DER error).
        reason: String,
    },

    /// The signature is well-formed but does not verify with the key.
    #[error("signature does not verify with the {key} key")]
    SignatureInvalid {
        /// The key description (e.g. "EC P-384", "RSA 2048").
        key: String,
    },

    /// The certificate's issuer name is not the candidate issuer's subject name.
    #[error(
        "issuer name mismatch: certificate names issuer \"{issuer}\", candidate is \"{candidate}\""
    )]
    IssuerNameMismatch {
        /// The certificate's issuer (RFC 4514 string).
        issuer: String,
        /// The candidate issuer's subject (RFC 4514 string).
        candidate: String,
    },

    /// The certificate carries no personal identifier (no subject serialNumber and no number in
    /// the common name), so no [`Identity`](crate::Identity) can be built.
    #[error("certificate subject \"{subject}\" holds no personal identifier")]
    MissingIdentifier {
        /// The subject (RFC 4514 string).
        subject: String,
    },

    /// The subject serialNumber has an ETSI semantics prefix but nothing after it.
    #[error("empty identifier in subject serialNumber \"{found}\"")]
    EmptyIdentifier {
        /// The serialNumber value.
        found: String,
    },

    /// The policy configuration is not valid TOML or does not have the expected shape.
    #[error("policy configuration: {reason}")]
    PolicyConfig {
        /// What the TOML reader reported, with line and column.
        reason: String,
    },

    /// A policy entry has an OID that is not a dotted OID.
    #[error("policy configuration: \"{oid}\" is not an object identifier")]
    PolicyOid {
        /// The text found.
        oid: String,
    },

    /// The same policy OID is mapped to two different document kinds.
    #[error("policy configuration: {oid} mapped to both {first} and {second}")]
    PolicyConflict {
        /// The OID.
        oid: String,
        /// The kind given first.
        first: &'static str,
        /// The kind given later.
        second: &'static str,
    },

    // ---- OCSP (RFC 6960, RFC 8954) ----
    /// The OCSP responder answered with an error status instead of a response
    /// (RFC 6960 §4.2.1).
    #[error("OCSP responder returned status {status}")]
    OcspUnsuccessful {
        /// The responseStatus received.
        status: crate::ocsp::OcspResponseStatus,
    },

    /// The OCSP response is not a BasicOCSPResponse (RFC 6960 §4.2.1).
    #[error("OCSP response type {oid} is not id-pkix-ocsp-basic")]
    OcspResponseType {
        /// The responseType OID.
        oid: String,
    },

    /// The OCSP response is about another certificate: no SingleResponse has the CertID asked
    /// about (RFC 6960 §4.2.2.3).
    #[error("OCSP response is for another certificate: {field} is {found}, expected {expected}")]
    OcspCertIdMismatch {
        /// Which CertID field differs ("serialNumber", "issuerNameHash", "issuerKeyHash").
        field: &'static str,
        /// Our value (hex).
        expected: String,
        /// The response's value(s) (hex, comma-separated).
        found: String,
    },

    /// The request carried a nonce and the response does not echo any (RFC 8954 §2.1).
    #[error("OCSP response carries no nonce although the request sent one")]
    OcspNonceMissing,

    /// The response's nonce is not the one sent (RFC 8954): a replayed or foreign response.
    #[error("OCSP nonce mismatch: sent {sent}, received {received}")]
    OcspNonceMismatch {
        /// The nonce sent (hex).
        sent: String,
        /// The nonce received (hex).
        received: String,
    },

    /// No certificate matching the responderID was found in the response or among the
    /// certificates supplied.
    #[error("OCSP responder certificate not found for responder {responder}")]
    OcspResponderNotFound {
        /// The responderID (name, or `keyHash:<hex>`).
        responder: String,
    },

    /// The response is signed by a certificate that may not answer for this issuer
    /// (RFC 6960 §4.2.2.2: the CA itself, or a certificate it issued with id-kp-OCSPSigning).
    #[error("OCSP responder \"{responder}\" is not authorised for \"{issuer}\": {reason}")]
    OcspResponderNotAuthorised {
        /// The responder certificate's subject.
        responder: String,
        /// The issuing CA's subject.
        issuer: String,
        /// Why not.
        reason: String,
    },

    /// The BasicOCSPResponse signature does not verify with the responder's key.
    #[error("OCSP response signature does not verify with the key of \"{responder}\"")]
    OcspSignatureInvalid {
        /// The responder certificate's subject.
        responder: String,
    },

    /// An OCSP time lies after the validation time by more than the allowed clock skew.
    #[error(
        "OCSP {field} {} is after the validation time {} (allowed skew {skew_seconds} s)",
        crate::asn1::generalized_time::rfc3339(.time),
        crate::asn1::generalized_time::rfc3339(.at)
    )]
    OcspFromFuture {
        /// "producedAt" or "thisUpdate".
        field: &'static str,
        /// The time in the response.
        time: time::OffsetDateTime,
        /// The validation time.
        at: time::OffsetDateTime,
        /// The clock skew allowed, in seconds.
        skew_seconds: i64,
    },

    /// An OCSP time is older than the maximum age allowed at the validation time.
    #[error(
        "OCSP {field} {} is more than {max_age_seconds} s before {}",
        crate::asn1::generalized_time::rfc3339(.time),
        crate::asn1::generalized_time::rfc3339(.at)
    )]
    OcspTooOld {
        /// "producedAt" or "thisUpdate".
        field: &'static str,
        /// The time in the response.
        time: time::OffsetDateTime,
        /// The validation time.
        at: time::OffsetDateTime,
        /// The maximum age allowed, in seconds.
        max_age_seconds: i64,
    },

    /// The response's nextUpdate has passed at the validation time.
    #[error(
        "OCSP response expired: nextUpdate {} is before {}",
        crate::asn1::generalized_time::rfc3339(.next_update),
        crate::asn1::generalized_time::rfc3339(.at)
    )]
    OcspExpired {
        /// nextUpdate of the SingleResponse.
        next_update: time::OffsetDateTime,
        /// The validation time.
        at: time::OffsetDateTime,
    },

    /// The OCSP response carries a critical extension this crate does not understand.
    #[error("OCSP response has an unsupported critical extension {oid}")]
    OcspCriticalExtension {
        /// The extension's OID.
        oid: String,
    },

    // ---- Time-stamps (RFC 3161, RFC 5652, RFC 5035) ----
    /// The TSA did not grant the time-stamp (RFC 3161 §2.4.2).
    #[error(
        "time-stamp not granted: {status}{}",
        crate::tsp::refusal_details(.text.as_deref(), .failure)
    )]
    TspRefused {
        /// The PKIStatus.
        status: crate::tsp::PkiStatus,
        /// The statusString, if any.
        text: Option<String>,
        /// The failInfo bits set, by name.
        failure: Vec<&'static str>,
    },

    /// The response has status granted but no token.
    #[error("time-stamp response is granted but holds no token")]
    TspMissingToken,

    /// The token is not CMS SignedData over a TSTInfo.
    #[error("time-stamp token {field} is {oid}, expected {expected}")]
    TspContentType {
        /// "contentType", "eContentType" or the signed attribute "contentType".
        field: &'static str,
        /// The OID found.
        oid: String,
        /// The OID required.
        expected: &'static str,
    },

    /// A time-stamp token must have exactly one SignerInfo.
    #[error("time-stamp token has {found} SignerInfos, expected exactly one")]
    TspSignerInfoCount {
        /// How many there are.
        found: usize,
    },

    /// No certificate matches the SignerInfo's signer identifier.
    #[error("TSA certificate not found for signer {signer}")]
    TspSignerNotFound {
        /// The SignerIdentifier (issuer and serial, or key identifier).
        signer: String,
    },

    /// A signed attribute the token must carry is absent (RFC 5652 §5.3, RFC 3161 §2.4.1).
    #[error("time-stamp token lacks the signed attribute {attribute}")]
    TspMissingAttribute {
        /// The attribute's name.
        attribute: &'static str,
    },

    /// The messageDigest attribute is not the hash of the TSTInfo (RFC 5652 §11.2).
    #[error("time-stamp messageDigest {found} differs from the TSTInfo digest {expected}")]
    TspMessageDigestMismatch {
        /// Digest of the eContent (hex).
        expected: String,
        /// The attribute's value (hex).
        found: String,
    },

    /// The ESS signingCertificate(V2) attribute does not identify the TSA certificate
    /// (RFC 5035 §3).
    #[error(
        "time-stamp signing-certificate attribute does not match the TSA certificate: {reason}"
    )]
    TspSigningCertificateMismatch {
        /// What differs.
        reason: String,
    },

    /// The certificate that signed the token may not sign time-stamps (RFC 3161 §2.3).
    #[error("certificate \"{subject}\" cannot sign time-stamps: {reason}")]
    TspCertificateUnsuitable {
        /// Its subject.
        subject: String,
        /// Why (extended key usage, validity at genTime).
        reason: String,
    },

    /// The SignerInfo signature does not verify with the TSA certificate's key.
    #[error("time-stamp signature does not verify with the key of \"{tsa}\"")]
    TspSignatureInvalid {
        /// The TSA certificate's subject.
        tsa: String,
    },

    /// The token time-stamps other data than expected.
    #[error(
        "time-stamp imprint mismatch: expected {expected_algorithm} {expected}, token has {found_algorithm} {found}"
    )]
    TspImprintMismatch {
        /// The hash algorithm expected.
        expected_algorithm: crate::HashAlgorithm,
        /// The digest expected (hex).
        expected: String,
        /// The token's hash algorithm.
        found_algorithm: crate::HashAlgorithm,
        /// The token's digest (hex).
        found: String,
    },

    /// The token does not echo the request's nonce (RFC 3161 §2.4.2).
    #[error("time-stamp nonce mismatch: sent {sent}, received {}", .received.as_deref().unwrap_or("none"))]
    TspNonceMismatch {
        /// The nonce sent (hex).
        sent: String,
        /// The nonce received (hex), if any.
        received: Option<String>,
    },

    /// The token was issued under another TSA policy than the request asked for
    /// (RFC 3161 §2.4.2).
    #[error("time-stamp policy {found} differs from the requested {expected}")]
    TspPolicyMismatch {
        /// The policy requested.
        expected: String,
        /// The token's policy.
        found: String,
    },

    // ---- Trust anchors and certification paths (RFC 5280 §6) ----
    /// A trust-store file or directory could not be read (native builds only).
    #[error("trust store {path}: {reason}")]
    TrustStoreIo {
        /// The file or directory.
        path: String,
        /// What the operating system reported.
        reason: String,
    },

    /// Trust-store input held no certificate at all.
    #[error("trust store input {source_label} holds no certificate")]
    TrustStoreEmptyInput {
        /// Where the input came from (a file name or the caller's label).
        source_label: String,
    },

    /// No chain from the certificate reaches a trust anchor.
    #[error(
        "no trust anchor for \"{subject}\": its issuer \"{issuer}\" is neither a trust anchor nor \
         among the certificates supplied"
    )]
    ChainNoAnchor {
        /// The last certificate of the longest chain built (RFC 4514 subject).
        subject: String,
        /// The issuer name that could not be found.
        issuer: String,
    },

    /// A certificate of the chain had expired at the validation time.
    #[error(
        "certificate \"{subject}\" expired at {} (validation time {})",
        crate::asn1::generalized_time::rfc3339(.not_after),
        crate::asn1::generalized_time::rfc3339(.at)
    )]
    CertificateExpired {
        /// The certificate's subject.
        subject: String,
        /// Its notAfter.
        not_after: time::OffsetDateTime,
        /// The validation time.
        at: time::OffsetDateTime,
    },

    /// A certificate of the chain was not yet valid at the validation time.
    #[error(
        "certificate \"{subject}\" is valid only from {} (validation time {})",
        crate::asn1::generalized_time::rfc3339(.not_before),
        crate::asn1::generalized_time::rfc3339(.at)
    )]
    CertificateNotYetValid {
        /// The certificate's subject.
        subject: String,
        /// Its notBefore.
        not_before: time::OffsetDateTime,
        /// The validation time.
        at: time::OffsetDateTime,
    },

    /// A certificate's signature does not verify with the key of the issuer found by name.
    #[error(
        "the signature on \"{subject}\" does not verify with the key of \"{issuer}\": {reason}"
    )]
    ChainSignatureInvalid {
        /// The certificate's subject.
        subject: String,
        /// The issuer candidate's subject.
        issuer: String,
        /// What the signature check reported.
        reason: String,
    },

    /// A certificate that issues another is not a CA (basicConstraints cA absent or FALSE).
    #[error("\"{subject}\" issued \"{issued}\" but is not a CA certificate")]
    ChainNotACa {
        /// The issuing certificate's subject.
        subject: String,
        /// The certificate it issued.
        issued: String,
    },

    /// A CA certificate whose keyUsage lacks keyCertSign issued a certificate.
    #[error("\"{subject}\" issued \"{issued}\" but its key usage lacks keyCertSign")]
    ChainKeyCertSign {
        /// The issuing certificate's subject.
        subject: String,
        /// The certificate it issued.
        issued: String,
    },

    /// More CA certificates follow a CA than its pathLenConstraint allows.
    #[error(
        "\"{subject}\" allows {path_len} intermediate CA certificate(s) below it, the chain has {found}"
    )]
    ChainPathLength {
        /// The constraining CA's subject.
        subject: String,
        /// Its pathLenConstraint.
        path_len: u8,
        /// Non-self-issued intermediate certificates below it.
        found: usize,
    },

    /// A certificate of the chain has a critical extension the validator does not process.
    #[error("certificate \"{subject}\" has an unsupported critical extension {oid}")]
    ChainCriticalExtension {
        /// The certificate's subject.
        subject: String,
        /// The extension's OID.
        oid: String,
    },

    /// The chain would be longer than the configured maximum.
    #[error("certification path longer than {max_depth} certificates")]
    ChainTooLong {
        /// The maximum number of certificates in a path, anchor included.
        max_depth: usize,
    },

    /// The only issuers found are already in the chain (a loop of cross-certificates).
    #[error("certification path loops back to \"{subject}\"")]
    ChainLoop {
        /// The certificate met twice.
        subject: String,
    },

    /// The chain reaches a trust-list anchor whose service was not granted at the time.
    #[error(
        "trust anchor \"{subject}\" ({source_label}) was not granted at {}: status {status}",
        crate::asn1::generalized_time::rfc3339(.at)
    )]
    AnchorNotGranted {
        /// The anchor certificate's subject.
        subject: String,
        /// Where the anchor came from.
        source_label: String,
        /// The service status at that time (a TS 119 612 URI, or "none" before its history).
        status: String,
        /// The validation time.
        at: time::OffsetDateTime,
    },
}

impl Error {
    /// A stable machine code for this error (documented; never renamed).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Pem { .. } | Error::PemCertificateCount { .. } => "CERT_PEM_INVALID",
            Error::Der { .. } | Error::TrailingData { .. } => "DER_MALFORMED",
            Error::SignatureAlgorithmMismatch { .. } => "CERT_SIGNATURE_ALGORITHM_MISMATCH",
            Error::DuplicateExtension { .. } => "CERT_DUPLICATE_EXTENSION",
            Error::Extension { .. } => "CERT_EXTENSION_MALFORMED",
            Error::AttributeValue { .. } => "CERT_NAME_MALFORMED",
            Error::InvalidPublicKey { .. } => "KEY_INVALID",
            Error::UnsupportedKey { .. } => "KEY_UNSUPPORTED",
            Error::UnsupportedAlgorithm { .. } => "ALGORITHM_UNSUPPORTED",
            Error::AlgorithmKeyMismatch { .. } => "ALGORITHM_KEY_MISMATCH",
            Error::DigestLength { .. } => "DIGEST_LENGTH",
            Error::SignatureEncoding { .. } => "SIGNATURE_ENCODING",
            Error::SignatureInvalid { .. } => "SIGNATURE_INVALID",
            Error::IssuerNameMismatch { .. } => "ISSUER_NAME_MISMATCH",
            Error::MissingIdentifier { .. } => "IDENTITY_NO_IDENTIFIER",
            Error::EmptyIdentifier { .. } => "IDENTITY_EMPTY_IDENTIFIER",
            Error::PolicyConfig { .. } | Error::PolicyOid { .. } | Error::PolicyConflict { .. } => {
                "POLICY_CONFIG_INVALID"
            }
            Error::OcspUnsuccessful { .. } => "OCSP_UNSUCCESSFUL",
            Error::OcspResponseType { .. } => "OCSP_RESPONSE_TYPE",
            Error::OcspCertIdMismatch { .. } => "OCSP_CERT_ID_MISMATCH",
            Error::OcspNonceMissing => "OCSP_NONCE_MISSING",
            Error::OcspNonceMismatch { .. } => "OCSP_NONCE_MISMATCH",
            Error::OcspResponderNotFound { .. } => "OCSP_RESPONDER_NOT_FOUND",
            Error::OcspResponderNotAuthorised { .. } => "OCSP_RESPONDER_NOT_AUTHORISED",
            Error::OcspSignatureInvalid { .. } => "OCSP_SIGNATURE_INVALID",
            Error::OcspFromFuture { .. } => "OCSP_FROM_FUTURE",
            Error::OcspTooOld { .. } => "OCSP_TOO_OLD",
            Error::OcspExpired { .. } => "OCSP_EXPIRED",
            Error::OcspCriticalExtension { .. } => "OCSP_CRITICAL_EXTENSION",
            Error::TspRefused { .. } => "TSP_REFUSED",
            Error::TspMissingToken => "TSP_MISSING_TOKEN",
            Error::TspContentType { .. } => "TSP_CONTENT_TYPE",
            Error::TspSignerInfoCount { .. } => "TSP_SIGNER_INFO_COUNT",
            Error::TspSignerNotFound { .. } => "TSP_SIGNER_NOT_FOUND",
            Error::TspMissingAttribute { .. } => "TSP_MISSING_ATTRIBUTE",
            Error::TspMessageDigestMismatch { .. } => "TSP_MESSAGE_DIGEST_MISMATCH",
            Error::TspSigningCertificateMismatch { .. } => "TSP_SIGNING_CERTIFICATE_MISMATCH",
            Error::TspCertificateUnsuitable { .. } => "TSP_CERTIFICATE_UNSUITABLE",
            Error::TspSignatureInvalid { .. } => "TSP_SIGNATURE_INVALID",
            Error::TspImprintMismatch { .. } => "TSP_IMPRINT_MISMATCH",
            Error::TspNonceMismatch { .. } => "TSP_NONCE_MISMATCH",
            Error::TspPolicyMismatch { .. } => "TSP_POLICY_MISMATCH",
            Error::TrustStoreIo { .. } => "TRUST_STORE_IO",
            Error::TrustStoreEmptyInput { .. } => "TRUST_STORE_EMPTY",
            Error::ChainNoAnchor { .. } => "CHAIN_NO_ANCHOR",
            Error::CertificateExpired { .. } => "CERT_EXPIRED",
            Error::CertificateNotYetValid { .. } => "CERT_NOT_YET_VALID",
            Error::ChainSignatureInvalid { .. } => "CHAIN_SIGNATURE_INVALID",
            Error::ChainNotACa { .. } => "CHAIN_NOT_A_CA",
            Error::ChainKeyCertSign { .. } => "CHAIN_NO_KEY_CERT_SIGN",
            Error::ChainPathLength { .. } => "CHAIN_PATH_LENGTH",
            Error::ChainCriticalExtension { .. } => "CHAIN_CRITICAL_EXTENSION",
            Error::ChainTooLong { .. } => "CHAIN_TOO_LONG",
            Error::ChainLoop { .. } => "CHAIN_LOOP",
            Error::AnchorNotGranted { .. } => "CHAIN_ANCHOR_NOT_GRANTED",
        }
    }

    /// Wraps a DER decoding error with the name of the structure being decoded.
    pub(crate) fn der(what: &'static str, err: der::Error) -> Self {
        Error::Der {
            what,
            reason: err.to_string(),
        }
    }
}
