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
}

impl Error {
    /// Wraps a DER decoding error with the name of the structure being decoded.
    pub(crate) fn der(what: &'static str, err: der::Error) -> Self {
        Error::Der {
            what,
            reason: err.to_string(),
        }
    }
}
