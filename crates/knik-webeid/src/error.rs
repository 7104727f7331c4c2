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
