//! The one error type of knik-mobile-id.

use thiserror::Error;
use time::OffsetDateTime;

use crate::codes::{DisplayTextFormat, HashType, SignatureAlgorithm};

/// Everything that can end a mobile ID operation without a usable result.
///
/// Four groups (see [`Error::responsibility`]):
/// * the person's session ended without a signature — one variant per MID-REST result code
///   (reference/mobile-id.md §1.4), so a program can react to each;
/// * the provider refused a request or failed (HTTP status, reference §1.3);
/// * a response or request body is not what MID-REST describes (strict parsing);
/// * a finished session's certificate or signature failed its check (spec/mobile-id.md:
///   "verified against the signing certificate before it is used").
///
/// Every variant has a stable machine code ([`Error::code`]) and a sentence a citizen can act
/// on ([`Error::citizen_message`]). The `Display` text is for developers and logs.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    // ---- result codes of a completed session (MID-REST §1.4) ----
    /// `TIMEOUT` (also legacy `EXPIRED_TRANSACTION`): the person did not answer in time.
    #[error("session result TIMEOUT: the person did not answer on the phone in time")]
    Timeout,
    /// `NOT_MID_CLIENT`: no active mobile ID certificates for this person.
    #[error("session result NOT_MID_CLIENT: no active mobile ID certificates")]
    NotMidClient,
    /// `USER_CANCELLED`: the person cancelled on the phone.
    #[error("session result USER_CANCELLED: the person cancelled on the phone")]
    UserCancelled,
    /// `SIGNATURE_HASH_MISMATCH`: the SIM's mobile ID configuration differs from the
    /// provider's; only the mobile operator can fix it.
    #[error(
        "session result SIGNATURE_HASH_MISMATCH: SIM configuration differs from the provider's"
    )]
    SignatureHashMismatch,
    /// `PHONE_ABSENT`: the SIM could not be reached.
    #[error("session result PHONE_ABSENT: the phone could not be reached")]
    PhoneAbsent,
    /// `DELIVERY_ERROR`: the message to the phone could not be sent.
    #[error("session result DELIVERY_ERROR: the message to the phone could not be delivered")]
    DeliveryError,
    /// `SIM_ERROR`: the SIM answered with something invalid.
    #[error("session result SIM_ERROR: invalid response from the SIM")]
    SimError,
    /// `POST /certificate` answered `NOT_FOUND`: this phone number and national identity
    /// number have no mobile ID signing certificate.
    #[error("certificate result NOT_FOUND: no mobile ID certificate for this phone and person")]
    CertificateNotFound,

    // ---- the provider refused or failed (MID-REST §1.3 "Errors on start", §1.4) ----
    /// HTTP 400: a parameter is missing or invalid (an integration defect).
    #[error("provider rejected a parameter (HTTP 400, traceId {trace_id:?})")]
    InvalidParameter {
        /// The provider's `traceId`, for a support ticket.
        trace_id: Option<String>,
    },
    /// HTTP 401: the relying party's name, UUID or source address is not authorised.
    #[error("relying party not authorised (HTTP 401, traceId {trace_id:?})")]
    Unauthorized {
        /// The provider's `traceId`.
        trace_id: Option<String>,
    },
    /// HTTP 404 on a status request: the session expired or never existed.
    #[error("session not found (HTTP 404, traceId {trace_id:?})")]
    SessionNotFound {
        /// The provider's `traceId`.
        trace_id: Option<String>,
    },
    /// HTTP 503 (or 580 maintenance): the service is temporarily unavailable.
    #[error("mobile ID service unavailable (HTTP {status}, traceId {trace_id:?})")]
    ServiceUnavailable {
        /// The HTTP status.
        status: u16,
        /// The provider's `traceId`.
        trace_id: Option<String>,
    },
    /// HTTP 500: the provider failed; start again from the beginning.
    #[error("mobile ID provider internal error (HTTP {status}, traceId {trace_id:?})")]
    ProviderInternal {
        /// The HTTP status.
        status: u16,
        /// The provider's `traceId`.
        trace_id: Option<String>,
    },
    /// An HTTP status MID-REST does not describe for this call (405, 3xx, other 4xx/5xx).
    #[error("unexpected HTTP status {status} from the mobile ID provider")]
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
    },
    /// Our own overall deadline for the session passed while it was still `RUNNING`.
    #[error("session still running after the client deadline of {limit_ms} ms")]
    DeadlineExceeded {
        /// The deadline in milliseconds.
        limit_ms: u64,
    },

    // ---- the body is not what MID-REST describes ----
    /// The body is larger than we accept; nothing was parsed.
    #[error("{what} body of {size} bytes exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// Which body ("session status response", ...).
        what: &'static str,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not a JSON object.
    #[error("{what} is not valid JSON: {reason}")]
    MalformedJson {
        /// Which body.
        what: &'static str,
        /// What the JSON reader reported (line, column).
        reason: String,
    },
    /// A field MID-REST requires is absent (or `null`).
    #[error("{what} lacks the required field `{field}`")]
    MissingField {
        /// Which body.
        what: &'static str,
        /// The field's path, e.g. `signature.value`.
        field: String,
    },
    /// A field is present but of the wrong type, empty, too long or not valid base64.
    #[error("{what} field `{field}`: {reason}")]
    InvalidField {
        /// Which body.
        what: &'static str,
        /// The field's path.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// An enumerated field holds a value the reference does not list (e.g. an unknown result
    /// code). Treated as a provider-side failure, never guessed at.
    #[error("{what} field `{field}` has unknown value \"{value}\"")]
    UnknownCode {
        /// Which body.
        what: &'static str,
        /// The field's path.
        field: String,
        /// The value found (cut to 64 characters).
        value: String,
    },
    /// Fields contradict each other (e.g. `RUNNING` with a `result`).
    #[error("inconsistent {what}: {reason}")]
    InconsistentResponse {
        /// Which body.
        what: &'static str,
        /// What contradicts what.
        reason: String,
    },

    // ---- our request input ----
    /// The phone number is not in international form or not a valid Armenian number.
    #[error("invalid phone number: {reason}")]
    InvalidPhoneNumber {
        /// What is wrong (the number itself is not repeated).
        reason: &'static str,
    },
    /// The national identity number (PSN for Armenia) is malformed.
    #[error("invalid national identity number: {reason}")]
    InvalidNationalIdentityNumber {
        /// What is wrong.
        reason: &'static str,
    },
    /// The relying party name or UUID is malformed.
    #[error("invalid relying party: {reason}")]
    InvalidRelyingParty {
        /// What is wrong (the UUID itself is never repeated: it is a secret).
        reason: &'static str,
    },
    /// A session ID is empty, too long or has characters other than letters, digits and `-`.
    #[error("invalid session ID: {reason}")]
    InvalidSessionId {
        /// What is wrong.
        reason: &'static str,
    },
    /// A hash does not have the length of its hash type.
    #[error("{hash_type} hash must be {expected} bytes, got {found}")]
    HashLength {
        /// The declared hash type.
        hash_type: HashType,
        /// Its length.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// The display text does not fit the SIM's limits or its format.
    #[error("display text in {format}: {reason}")]
    DisplayText {
        /// The format it was checked against.
        format: DisplayTextFormat,
        /// What is wrong.
        reason: String,
    },
    /// The caller's random source failed or produced an obviously broken value.
    #[error("random source failed: {reason}")]
    RandomUnavailable {
        /// What happened.
        reason: String,
    },

    // ---- checking a finished session ----
    /// An authentication finished `OK` without the certificate MID-REST returns with it.
    #[error("authentication result carries no certificate")]
    CertificateMissing,
    /// The certificate could not be read, or its key cannot be used.
    #[error("certificate: {0}")]
    Certificate(knik_pki::Error),
    /// The certificate is not valid at the time of the check.
    #[error("certificate valid {not_before} to {not_after}, not at {checked_at}")]
    CertificateNotValid {
        /// When it was checked.
        checked_at: OffsetDateTime,
        /// Its notBefore.
        not_before: OffsetDateTime,
        /// Its notAfter.
        not_after: OffsetDateTime,
    },
    /// The certificate lacks the key usage the operation needs (digitalSignature for
    /// authentication, nonRepudiation for signing).
    #[error("certificate lacks key usage {required}")]
    KeyUsage {
        /// The key usage required.
        required: &'static str,
    },
    /// The algorithm the provider reports does not fit the hash sent or the certificate's key.
    #[error("signature algorithm {algorithm} does not fit a {hash_type} hash and a {key} key")]
    SignatureAlgorithmMismatch {
        /// The algorithm in the response.
        algorithm: SignatureAlgorithm,
        /// The hash type that was sent.
        hash_type: HashType,
        /// The certificate's key.
        key: String,
    },
    /// The signature value does not have the shape the key needs (raw `r ‖ s` for ECDSA).
    #[error("malformed signature for {key}: {reason}")]
    SignatureEncoding {
        /// The certificate's key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// The signature does not verify with the certificate over the hash that was sent.
    #[error("signature does not verify with the {key} key of the certificate over the hash sent")]
    SignatureInvalid {
        /// The certificate's key.
        key: String,
    },
    /// The certificate names a different person than the one who was asked.
    #[error("certificate is for personal number {found}, expected {expected}")]
    IdentityMismatch {
        /// The national identity number in the request.
        expected: String,
        /// The one in the certificate.
        found: String,
    },

    // ---- reaching the provider (the `client` feature: HTTPS with pinned certificates) ----
    /// The service URL is not an `https://host[:port]/path` address this client can use.
    #[error("invalid mobile ID service URL: {reason}")]
    InvalidServiceUrl {
        /// What is wrong.
        reason: String,
    },
    /// The TLS pins are missing or malformed (each is base64 of a SHA-256, 32 bytes).
    #[error("invalid TLS pins: {reason}")]
    InvalidPins {
        /// What is wrong (the file and line, when read from a file).
        reason: String,
    },
    /// The server's certificate key is not among the configured pins: it is not the mobile ID
    /// service this relying party was configured for (or its pins are out of date). Nothing
    /// was sent.
    #[error("the server's TLS key (pin {found}) is not among the configured pins")]
    ServerNotPinned {
        /// The pin of the key the server presented, base64(SHA-256(SubjectPublicKeyInfo)).
        found: String,
    },
    /// The TLS connection failed for another reason: the pinned certificate is expired or not
    /// yet valid, a handshake signature does not verify, or the protocol failed.
    #[error("TLS with the mobile ID service failed: {reason}")]
    Tls {
        /// What rustls reported.
        reason: String,
    },
    /// The service could not be reached, or did not answer in time.
    #[error("mobile ID service not reachable: {reason}")]
    Network {
        /// What happened (connection refused, timed out after N ms, ...).
        reason: String,
    },
    /// The service's answer is not well-formed HTTP/1.1.
    #[error("malformed HTTP answer from the mobile ID service: {reason}")]
    MalformedHttp {
        /// What is wrong.
        reason: String,
    },
}

/// Who has to act when an [`Error`](enum@Error) happens (reference/mobile-id.md §1.4 grouping, §6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Responsibility {
    /// The person: try again, answer the phone, contact the mobile operator.
    User,
    /// The e-service (integration defect or configuration).
    Integrator,
    /// The mobile ID provider (outage, malformed answer).
    Provider,
    /// The result failed a security check and must not be used.
    Security,
}

impl Error {
    /// A stable machine code, for programs and support (`MID_USER_CANCELLED`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Timeout => "MID_TIMEOUT",
            Error::NotMidClient => "MID_NOT_MID_CLIENT",
            Error::UserCancelled => "MID_USER_CANCELLED",
            Error::SignatureHashMismatch => "MID_SIGNATURE_HASH_MISMATCH",
            Error::PhoneAbsent => "MID_PHONE_ABSENT",
            Error::DeliveryError => "MID_DELIVERY_ERROR",
            Error::SimError => "MID_SIM_ERROR",
            Error::CertificateNotFound => "MID_CERTIFICATE_NOT_FOUND",
            Error::InvalidParameter { .. } => "MID_INVALID_PARAMETER",
            Error::Unauthorized { .. } => "MID_UNAUTHORIZED",
            Error::SessionNotFound { .. } => "MID_SESSION_NOT_FOUND",
            Error::ServiceUnavailable { .. } => "MID_SERVICE_UNAVAILABLE",
            Error::ProviderInternal { .. } => "MID_PROVIDER_INTERNAL",
            Error::UnexpectedStatus { .. } => "MID_UNEXPECTED_STATUS",
            Error::DeadlineExceeded { .. } => "MID_DEADLINE_EXCEEDED",
            Error::BodyTooLarge { .. } => "MID_BODY_TOO_LARGE",
            Error::MalformedJson { .. } => "MID_MALFORMED_JSON",
            Error::MissingField { .. } => "MID_MISSING_FIELD",
            Error::InvalidField { .. } => "MID_INVALID_FIELD",
            Error::UnknownCode { .. } => "MID_UNKNOWN_CODE",
            Error::InconsistentResponse { .. } => "MID_INCONSISTENT_RESPONSE",
            Error::InvalidPhoneNumber { .. } => "MID_INVALID_PHONE_NUMBER",
            Error::InvalidNationalIdentityNumber { .. } => "MID_INVALID_NATIONAL_ID",
            Error::InvalidRelyingParty { .. } => "MID_INVALID_RELYING_PARTY",
            Error::InvalidSessionId { .. } => "MID_INVALID_SESSION_ID",
            Error::HashLength { .. } => "MID_HASH_LENGTH",
            Error::DisplayText { .. } => "MID_DISPLAY_TEXT",
            Error::RandomUnavailable { .. } => "MID_RANDOM_UNAVAILABLE",
            Error::CertificateMissing => "MID_CERTIFICATE_MISSING",
            Error::Certificate(_) => "MID_CERTIFICATE",
            Error::CertificateNotValid { .. } => "MID_CERTIFICATE_NOT_VALID",
            Error::KeyUsage { .. } => "MID_KEY_USAGE",
            Error::SignatureAlgorithmMismatch { .. } => "MID_SIGNATURE_ALGORITHM_MISMATCH",
            Error::SignatureEncoding { .. } => "MID_SIGNATURE_ENCODING",
            Error::SignatureInvalid { .. } => "MID_SIGNATURE_INVALID",
            Error::IdentityMismatch { .. } => "MID_IDENTITY_MISMATCH",
            Error::InvalidServiceUrl { .. } => "MID_INVALID_URL",
            Error::InvalidPins { .. } => "MID_INVALID_PINS",
            Error::ServerNotPinned { .. } => "MID_TLS_NOT_PINNED",
            Error::Tls { .. } => "MID_TLS",
            Error::Network { .. } => "MID_NETWORK",
            Error::MalformedHttp { .. } => "MID_MALFORMED_HTTP",
        }
    }

    /// Who has to act.
    pub fn responsibility(&self) -> Responsibility {
        match self {
            Error::Timeout
            | Error::NotMidClient
            | Error::UserCancelled
            | Error::SignatureHashMismatch
            | Error::PhoneAbsent
            | Error::DeliveryError
            | Error::SimError
            | Error::CertificateNotFound
            | Error::DeadlineExceeded { .. }
            | Error::InvalidPhoneNumber { .. }
            | Error::InvalidNationalIdentityNumber { .. } => Responsibility::User,
            Error::InvalidParameter { .. }
            | Error::Unauthorized { .. }
            | Error::SessionNotFound { .. }
            | Error::InvalidRelyingParty { .. }
            | Error::InvalidSessionId { .. }
            | Error::HashLength { .. }
            | Error::DisplayText { .. }
            | Error::RandomUnavailable { .. }
            | Error::InvalidServiceUrl { .. }
            | Error::InvalidPins { .. } => Responsibility::Integrator,
            Error::ServiceUnavailable { .. }
            | Error::ProviderInternal { .. }
            | Error::UnexpectedStatus { .. }
            | Error::BodyTooLarge { .. }
            | Error::MalformedJson { .. }
            | Error::MissingField { .. }
            | Error::InvalidField { .. }
            | Error::UnknownCode { .. }
            | Error::InconsistentResponse { .. }
            | Error::Network { .. }
            | Error::MalformedHttp { .. } => Responsibility::Provider,
            Error::CertificateMissing
            | Error::Certificate(_)
            | Error::CertificateNotValid { .. }
            | Error::KeyUsage { .. }
            | Error::SignatureAlgorithmMismatch { .. }
            | Error::SignatureEncoding { .. }
            | Error::SignatureInvalid { .. }
            | Error::IdentityMismatch { .. }
            | Error::ServerNotPinned { .. }
            | Error::Tls { .. } => Responsibility::Security,
        }
    }
}

impl From<knik_pki::Error> for Error {
    fn from(err: knik_pki::Error) -> Self {
        Error::Certificate(err)
    }
}
