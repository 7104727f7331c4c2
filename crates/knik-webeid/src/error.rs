//! The one error type of knik-webeid.

use thiserror::Error;

use crate::native_messaging::ErrorCode;
use crate::nonce::NonceProblem;
use crate::origin::OriginProblem;

/// Everything that can go wrong while framing native messages, reading commands, checking
/// origins and nonces, reading or checking authentication tokens, and keeping challenge nonces.
///
/// Each variant carries what was found, so a program can match on the exact failure and a person
/// can read why. [`Error::wire_code`] gives the stable `ERR_WEBEID_…` code that the native host
/// puts beside the message.
/// [`Error::code`] gives a stable `WEBEID_…` machine code for every variant, for the
/// e-service's logs and answers.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    // ----- native messaging framing (reference/web-eid.md §1.2) -----
    /// The stream ended cleanly before the first byte of a frame: the browser closed the pipe.
    #[error("the browser closed the connection before sending a message")]
    EndOfStream,

    /// A frame's length prefix is larger than the limit; its body was not read.
    #[error("message of {length} bytes refused: the limit is {limit} bytes")]
    FrameTooLarge {
        /// The length the prefix announced.
        length: u64,
        /// The limit in force (8 KiB inbound, 1 MiB outbound).
        limit: usize,
    },

    /// A frame's length prefix is smaller than the smallest possible command.
    #[error("message of {length} bytes refused: the minimum is {minimum} bytes")]
    FrameTooShort {
        /// The length the prefix announced.
        length: u64,
        /// The minimum (5 bytes, as Web eID).
        minimum: usize,
    },

    /// The stream ended inside a frame (inside the length prefix or the body).
    #[error("message truncated: expected {expected} bytes of the {part}, received {received}")]
    FrameTruncated {
        /// "length prefix" or "body".
        part: &'static str,
        /// Bytes the part should have.
        expected: usize,
        /// Bytes that arrived before the end of the stream.
        received: usize,
    },

    /// The frame body is not UTF-8.
    #[error("message is not UTF-8 (invalid byte at offset {valid_up_to})")]
    FrameNotUtf8 {
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },

    /// The frame body is not JSON.
    #[error("message is not valid JSON: {reason}")]
    FrameInvalidJson {
        /// What the JSON parser reported (line and column).
        reason: String,
    },

    /// Reading or writing the pipe failed.
    #[error("native messaging pipe error ({kind}): {message}")]
    Io {
        /// The `std::io::ErrorKind`, as text.
        kind: String,
        /// The operating system's message.
        message: String,
    },

    // ----- messages (reference/web-eid.md §1.3, §1.4) -----
    /// The message is JSON but not of the expected shape (not an object, wrong field type).
    #[error("malformed message: {reason}")]
    MalformedMessage {
        /// What is wrong.
        reason: String,
    },

    /// The envelope holds a field other than `command` and `arguments`.
    #[error("unknown field `{field}` in the message")]
    UnknownMessageField {
        /// The field name.
        field: String,
    },

    /// The `command` is not one of authenticate, get-signing-certificate, sign, status, quit.
    #[error("unknown command `{command}`")]
    UnknownCommand {
        /// The command as received.
        command: String,
    },

    /// A required argument is missing.
    #[error("command `{command}` is missing the argument `{argument}`")]
    MissingArgument {
        /// The command.
        command: &'static str,
        /// The argument's name.
        argument: &'static str,
    },

    /// An argument the command does not take (spec/browser.md: an error, not a guess).
    #[error("command `{command}` does not take the argument `{argument}`")]
    UnknownArgument {
        /// The command.
        command: &'static str,
        /// The argument as received.
        argument: String,
    },

    /// An argument is present but its value is unacceptable.
    #[error("command `{command}`: invalid `{argument}`: {reason}")]
    InvalidArgument {
        /// The command.
        command: &'static str,
        /// The argument's name.
        argument: &'static str,
        /// Why it was refused.
        reason: String,
    },

    /// The origin is not of the form `https://host[:port]` (spec/browser.md "Origin").
    #[error("invalid origin `{origin}`: {problem}")]
    InvalidOrigin {
        /// The origin as received (cut after 300 characters).
        origin: String,
        /// What is wrong with it.
        problem: OriginProblem,
    },

    /// The challenge nonce is not 44–128 characters of base64.
    #[error("invalid challenge nonce: {problem}")]
    InvalidNonce {
        /// What is wrong with it.
        problem: NonceProblem,
    },

    // ----- authentication tokens (reference/web-eid.md §2) -----
    /// The token's JSON text is shorter or longer than the limits.
    #[error("authentication token of {length} characters refused: allowed {min}..={max}")]
    TokenSize {
        /// The token's length.
        length: usize,
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
    },

    /// The token is not a JSON object of the token's shape.
    #[error("malformed authentication token: {reason}")]
    MalformedToken {
        /// What the parser reported.
        reason: String,
    },

    /// A required token field is missing or empty.
    #[error("authentication token field `{field}` is missing or empty")]
    TokenFieldMissing {
        /// The field name.
        field: &'static str,
    },

    /// A token field that the token's format does not allow (1.1 fields in a 1.0 token).
    #[error("authentication token field `{field}` is not allowed in format {format}")]
    TokenFieldNotAllowed {
        /// The field name.
        field: &'static str,
        /// The token's format.
        format: String,
    },

    /// The token's `format` is not `web-eid:1.0` or `web-eid:1.1`.
    #[error("unsupported authentication token format `{format}`")]
    UnsupportedTokenFormat {
        /// The format as received.
        format: String,
    },

    /// The token's `algorithm` is not one of ES/PS/RS 256/384/512.
    #[error("unsupported authentication token algorithm `{algorithm}`")]
    UnsupportedTokenAlgorithm {
        /// The algorithm as received.
        algorithm: String,
    },

    /// A binary field is not standard padded base64.
    #[error("`{field}` is not standard base64: {reason}")]
    InvalidBase64 {
        /// The field name.
        field: String,
        /// What the decoder reported.
        reason: String,
    },

    /// The certificate in the token could not be read.
    #[error("the certificate in the authentication token could not be read: {0}")]
    TokenCertificate(knik_pki::Error),

    /// The token's algorithm does not fit the certificate's key (ES384 with an RSA key, ES256
    /// with a P-384 key).
    #[error("token algorithm {algorithm} does not fit the certificate's key ({key})")]
    TokenAlgorithmKeyMismatch {
        /// The token's algorithm.
        algorithm: &'static str,
        /// The certificate's key ("EC P-384", "RSA 2048").
        key: String,
    },

    /// The token's signature is malformed (wrong length for raw ECDSA `r‖s`).
    #[error("authentication token signature malformed: {reason}")]
    TokenSignatureMalformed {
        /// What is wrong.
        reason: String,
    },

    /// The token's signature does not verify over hash(origin) ‖ hash(nonce).
    #[error(
        "authentication token signature ({algorithm}) does not verify for origin `{origin}`: \
         check that the origin and nonce are correct"
    )]
    TokenSignatureInvalid {
        /// The token's algorithm.
        algorithm: &'static str,
        /// The origin the signature was checked against.
        origin: String,
    },

    // ----- challenge nonces (reference/web-eid.md §2.5 step 0, §2.6) -----
    /// No nonce is stored for the session (never issued, already used, or evicted).
    #[error("no challenge nonce for this session: it was never issued or was already used")]
    NonceNotFound,

    /// The session's nonce expired; it has been removed.
    #[error("the challenge nonce expired at {expired_at}")]
    NonceExpired {
        /// When it expired (RFC 3339).
        expired_at: String,
    },

    /// The nonce store refused or failed (full, Redis unreachable, corrupt entry).
    #[error("nonce store error: {reason}")]
    NonceStore {
        /// What the store reported.
        reason: String,
    },

    /// The random number generator failed.
    #[error("random number generator failed: {reason}")]
    Randomness {
        /// What the generator reported.
        reason: String,
    },

    // ----- the token validator (reference/web-eid.md §2.5, §2.7, §2.8) -----
    /// The validator's configuration is incomplete or inconsistent (a builder error).
    #[error("token validator configuration: `{option}`: {reason}")]
    ValidatorConfig {
        /// The builder option at fault.
        option: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// The token holds a field the validator does not know (strict parsing).
    #[error("authentication token has an unknown field `{field}`")]
    TokenFieldUnknown {
        /// The field, with its path for nested ones (`unverifiedSigningCertificates[0].x`).
        field: String,
    },

    /// The authentication certificate cannot be used for authentication: no keyUsage
    /// extension, or no digitalSignature in it (§2.5 step 2.3).
    #[error("certificate \"{subject}\" is not for authentication: {reason}")]
    CertificatePurpose {
        /// The certificate's subject.
        subject: String,
        /// What its key usage lacks.
        reason: String,
    },

    /// The certificate's extended key usage does not include clientAuth (§2.5 step 2.3).
    #[error(
        "certificate \"{subject}\" is not for client authentication: its extended key usage \
         is {found:?}"
    )]
    CertificateNotClientAuth {
        /// The certificate's subject.
        subject: String,
        /// The extended key usage OIDs it has.
        found: Vec<String>,
    },

    /// The certificate carries a policy the validator is configured to refuse (§2.5 step 2.4).
    #[error("certificate \"{subject}\" has the disallowed policy {policy}")]
    CertificateDisallowedPolicy {
        /// The certificate's subject.
        subject: String,
        /// The disallowed policy OID.
        policy: String,
    },

    /// The certificate's validity ended before the validation time.
    #[error("certificate \"{subject}\" expired at {not_after} (checked at {at})")]
    CertificateExpired {
        /// The certificate's subject.
        subject: String,
        /// notAfter (RFC 3339).
        not_after: String,
        /// The validation time (RFC 3339).
        at: String,
    },

    /// The certificate's validity starts after the validation time.
    #[error("certificate \"{subject}\" is valid only from {not_before} (checked at {at})")]
    CertificateNotYetValid {
        /// The certificate's subject.
        subject: String,
        /// notBefore (RFC 3339).
        not_before: String,
        /// The validation time (RFC 3339).
        at: String,
    },

    /// No certification path leads from the certificate to a configured CA (§2.5 step 2.5).
    #[error("certificate \"{subject}\" is not issued by a trusted CA: {cause}")]
    CertificateNotTrusted {
        /// The certificate's subject.
        subject: String,
        /// Why path validation failed.
        cause: knik_pki::Error,
    },

    /// The OCSP responder says the certificate is revoked (§2.7).
    #[error(
        "certificate \"{subject}\" was revoked at {revoked_at}{}",
        .reason.map(|r| format!(" ({r})")).unwrap_or_default()
    )]
    CertificateRevoked {
        /// The certificate's subject.
        subject: String,
        /// revocationTime (RFC 3339).
        revoked_at: String,
        /// revocationReason, when the responder gives one.
        reason: Option<knik_pki::ocsp::RevocationReason>,
    },

    /// The OCSP responder does not know the certificate; treated as revoked (§2.7).
    #[error("OCSP responder {url} does not know certificate \"{subject}\" (status unknown)")]
    CertificateStatusUnknown {
        /// The certificate's subject.
        subject: String,
        /// The responder asked.
        url: String,
    },

    /// OCSP is on, no designated responder serves the issuer and the certificate names no
    /// OCSP responder (authorityInfoAccess).
    #[error("certificate \"{subject}\" names no OCSP responder and no designated one serves it")]
    OcspNoResponder {
        /// The certificate's subject.
        subject: String,
    },

    /// The OCSP responder could not be reached or did not answer with an OCSP response.
    #[error("OCSP responder {url} unavailable: {reason}")]
    OcspUnavailable {
        /// The responder's URL.
        url: String,
        /// What the transport reported.
        reason: String,
    },

    /// The OCSP responder did not answer within the request timeout.
    #[error("OCSP responder {url} did not answer within {timeout_ms} ms")]
    OcspTimeout {
        /// The responder's URL.
        url: String,
        /// The timeout, in milliseconds.
        timeout_ms: u64,
    },

    /// The OCSP responder answered with an error status (tryLater, unauthorized, ...).
    #[error("OCSP responder {url} refused: {status}")]
    OcspUnsuccessful {
        /// The responder's URL.
        url: String,
        /// The responseStatus.
        status: knik_pki::ocsp::OcspResponseStatus,
    },

    /// The OCSP answer is not a well-formed BasicOCSPResponse, or carries an unsupported
    /// critical extension.
    #[error("OCSP response from {url} is malformed: {reason}")]
    OcspResponseMalformed {
        /// The responder's URL.
        url: String,
        /// What is wrong.
        reason: String,
    },

    /// The OCSP response's signature does not verify, or its signer cannot be found.
    #[error("OCSP response from {url} is not validly signed: {reason}")]
    OcspSignatureInvalid {
        /// The responder's URL.
        url: String,
        /// What failed.
        reason: String,
    },

    /// The OCSP response is signed by a certificate that may not answer for this CA: neither
    /// the CA nor directly delegated by it (with OCSPSigning), not the pinned designated
    /// responder, or not valid now.
    #[error("OCSP responder of {url} is not authorised: {reason}")]
    OcspResponderNotAuthorised {
        /// The responder's URL.
        url: String,
        /// Why.
        reason: String,
    },

    /// The OCSP response is not about the certificate asked about (CertID), or holds other
    /// than exactly one answer.
    #[error("OCSP response from {url} is about another certificate: {reason}")]
    OcspCertificateMismatch {
        /// The responder's URL.
        url: String,
        /// What differs.
        reason: String,
    },

    /// The OCSP response does not echo the request's nonce: replayed or foreign.
    #[error("OCSP response from {url} does not echo the request nonce: {reason}")]
    OcspNonceMismatch {
        /// The responder's URL.
        url: String,
        /// Missing or different.
        reason: String,
    },

    /// The OCSP response's times are outside the allowed skew and age.
    #[error("OCSP response from {url} is not fresh: {reason}")]
    OcspNotFresh {
        /// The responder's URL.
        url: String,
        /// Which time is out of bounds.
        reason: String,
    },

    /// A `web-eid:1.1` signing certificate could not be read.
    #[error("signing certificate {index} in the token could not be read: {cause}")]
    SigningCertificateParse {
        /// Its position in `unverifiedSigningCertificates`.
        index: usize,
        /// What the reader reported.
        cause: knik_pki::Error,
    },

    /// A `web-eid:1.1` signing certificate names another person than the authentication
    /// certificate (§2.4).
    #[error(
        "signing certificate {index} names \"{found}\", the authentication certificate \"{expected}\""
    )]
    SigningCertificateSubject {
        /// Its position in `unverifiedSigningCertificates`.
        index: usize,
        /// The authentication certificate's subject.
        expected: String,
        /// The signing certificate's subject.
        found: String,
    },

    /// A `web-eid:1.1` signing certificate is issued by another CA than the authentication
    /// certificate (authorityKeyIdentifier, both required, §2.4).
    #[error(
        "signing certificate {index} is not from the authentication certificate's CA: {reason}"
    )]
    SigningCertificateIssuer {
        /// Its position in `unverifiedSigningCertificates`.
        index: usize,
        /// What differs or is missing.
        reason: String,
    },

    /// A `web-eid:1.1` signing certificate's key usage lacks nonRepudiation (§2.4).
    #[error("signing certificate {index} is not for signatures: key usage {key_usage:?}")]
    SigningCertificatePurpose {
        /// Its position in `unverifiedSigningCertificates`.
        index: usize,
        /// The key usages it has.
        key_usage: Vec<&'static str>,
    },

    /// A `web-eid:1.1` signing certificate does not chain to a configured CA, or is not valid
    /// now (§2.4).
    #[error("signing certificate {index} is not trusted: {cause}")]
    SigningCertificateNotTrusted {
        /// Its position in `unverifiedSigningCertificates`.
        index: usize,
        /// Why path validation failed.
        cause: knik_pki::Error,
    },

    /// The validated certificate names no person (no personal identifier).
    #[error("the authenticated certificate names no person: {0}")]
    CertificateIdentity(knik_pki::Error),
}

impl Error {
    /// The `ERR_WEBEID_…` code a native host answers with for this error.
    ///
    /// Problems in what the browser sent (framing, unknown commands, arguments, origin, nonce)
    /// are `ERR_WEBEID_NATIVE_INVALID_ARGUMENT`, which web-eid.js knows (reference/web-eid.md
    /// §3.3); everything else is `ERR_WEBEID_NATIVE_FATAL`.
    pub fn wire_code(&self) -> ErrorCode {
        match self {
            Error::FrameTooLarge { .. }
            | Error::FrameTooShort { .. }
            | Error::FrameTruncated { .. }
            | Error::FrameNotUtf8 { .. }
            | Error::FrameInvalidJson { .. }
            | Error::MalformedMessage { .. }
            | Error::UnknownMessageField { .. }
            | Error::UnknownCommand { .. }
            | Error::MissingArgument { .. }
            | Error::UnknownArgument { .. }
            | Error::InvalidArgument { .. }
            | Error::InvalidOrigin { .. }
            | Error::InvalidNonce { .. } => ErrorCode::NativeInvalidArgument,
            _ => ErrorCode::NativeFatal,
        }
    }
}

impl Error {
    /// A stable machine code for this error (`WEBEID_…`; documented, never renamed), to put
    /// beside the message in logs and in an e-service's answer.
    pub fn code(&self) -> &'static str {
        match self {
            Error::EndOfStream => "WEBEID_FRAME_END_OF_STREAM",
            Error::FrameTooLarge { .. } => "WEBEID_FRAME_TOO_LARGE",
            Error::FrameTooShort { .. } => "WEBEID_FRAME_TOO_SHORT",
            Error::FrameTruncated { .. } => "WEBEID_FRAME_TRUNCATED",
            Error::FrameNotUtf8 { .. } => "WEBEID_FRAME_NOT_UTF8",
            Error::FrameInvalidJson { .. } => "WEBEID_FRAME_INVALID_JSON",
            Error::Io { .. } => "WEBEID_IO",
            Error::MalformedMessage { .. } => "WEBEID_MESSAGE_MALFORMED",
            Error::UnknownMessageField { .. } => "WEBEID_MESSAGE_UNKNOWN_FIELD",
            Error::UnknownCommand { .. } => "WEBEID_COMMAND_UNKNOWN",
            Error::MissingArgument { .. } => "WEBEID_ARGUMENT_MISSING",
            Error::UnknownArgument { .. } => "WEBEID_ARGUMENT_UNKNOWN",
            Error::InvalidArgument { .. } => "WEBEID_ARGUMENT_INVALID",
            Error::InvalidOrigin { .. } => "WEBEID_ORIGIN_INVALID",
            Error::InvalidNonce { .. } => "WEBEID_NONCE_INVALID",
            Error::TokenSize { .. } => "WEBEID_TOKEN_SIZE",
            Error::MalformedToken { .. } => "WEBEID_TOKEN_PARSE",
            Error::TokenFieldMissing { .. } => "WEBEID_TOKEN_FIELD_MISSING",
            Error::TokenFieldNotAllowed { .. } => "WEBEID_TOKEN_FIELD_NOT_ALLOWED",
            Error::TokenFieldUnknown { .. } => "WEBEID_TOKEN_UNKNOWN_FIELD",
            Error::UnsupportedTokenFormat { .. } => "WEBEID_TOKEN_FORMAT",
            Error::UnsupportedTokenAlgorithm { .. } => "WEBEID_TOKEN_ALGORITHM",
            Error::InvalidBase64 { .. } => "WEBEID_TOKEN_BASE64",
            Error::TokenCertificate(_) => "WEBEID_CERT_PARSE",
            Error::TokenAlgorithmKeyMismatch { .. } => "WEBEID_TOKEN_ALGORITHM_KEY_MISMATCH",
            Error::TokenSignatureMalformed { .. } => "WEBEID_SIGNATURE_MALFORMED",
            Error::TokenSignatureInvalid { .. } => "WEBEID_SIGNATURE_INVALID",
            Error::NonceNotFound => "WEBEID_NONCE_NOT_FOUND",
            Error::NonceExpired { .. } => "WEBEID_NONCE_EXPIRED",
            Error::NonceStore { .. } => "WEBEID_NONCE_STORE",
            Error::Randomness { .. } => "WEBEID_RANDOMNESS",
            Error::ValidatorConfig { .. } => "WEBEID_VALIDATOR_CONFIG",
            Error::CertificatePurpose { .. } => "WEBEID_CERT_PURPOSE",
            Error::CertificateNotClientAuth { .. } => "WEBEID_CERT_NOT_CLIENT_AUTH",
            Error::CertificateDisallowedPolicy { .. } => "WEBEID_CERT_DISALLOWED_POLICY",
            Error::CertificateExpired { .. } => "WEBEID_CERT_EXPIRED",
            Error::CertificateNotYetValid { .. } => "WEBEID_CERT_NOT_YET_VALID",
            Error::CertificateNotTrusted { .. } => "WEBEID_CERT_NOT_TRUSTED",
            Error::CertificateRevoked { .. } => "WEBEID_CERT_REVOKED",
            Error::CertificateStatusUnknown { .. } => "WEBEID_CERT_STATUS_UNKNOWN",
            Error::CertificateIdentity(_) => "WEBEID_CERT_NO_IDENTITY",
            Error::OcspNoResponder { .. } => "WEBEID_OCSP_NO_RESPONDER",
            Error::OcspUnavailable { .. } => "WEBEID_OCSP_UNAVAILABLE",
            Error::OcspTimeout { .. } => "WEBEID_OCSP_TIMEOUT",
            Error::OcspUnsuccessful { .. } => "WEBEID_OCSP_UNSUCCESSFUL",
            Error::OcspResponseMalformed { .. } => "WEBEID_OCSP_RESPONSE_MALFORMED",
            Error::OcspSignatureInvalid { .. } => "WEBEID_OCSP_SIGNATURE_INVALID",
            Error::OcspResponderNotAuthorised { .. } => "WEBEID_OCSP_RESPONDER_NOT_AUTHORISED",
            Error::OcspCertificateMismatch { .. } => "WEBEID_OCSP_CERT_MISMATCH",
            Error::OcspNonceMismatch { .. } => "WEBEID_OCSP_NONCE_MISMATCH",
            Error::OcspNotFresh { .. } => "WEBEID_OCSP_NOT_FRESH",
            Error::SigningCertificateParse { .. } => "WEBEID_SIGNING_CERT_PARSE",
            Error::SigningCertificateSubject { .. } => "WEBEID_SIGNING_CERT_SUBJECT",
            Error::SigningCertificateIssuer { .. } => "WEBEID_SIGNING_CERT_ISSUER",
            Error::SigningCertificatePurpose { .. } => "WEBEID_SIGNING_CERT_PURPOSE",
            Error::SigningCertificateNotTrusted { .. } => "WEBEID_SIGNING_CERT_NOT_TRUSTED",
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io {
            kind: e.kind().to_string(),
            message: e.to_string(),
        }
    }
}

/// Keeps an untrusted string short enough for an error message.
pub(crate) fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
