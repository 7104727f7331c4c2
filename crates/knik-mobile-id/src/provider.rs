//! The provider abstraction (spec/mobile-id.md: "a `MobileIdProvider` trait … so that an EKENG
//! interface becomes one more implementation") and the request and result types it speaks,
//! which are knik's own, not MID-REST's.

use knik_pki::Certificate;

use crate::codes::{Language, SessionKind, SignatureAlgorithm};
use crate::display_text::DisplayText;
use crate::error::Error;
use crate::hash::SignableHash;
use crate::person::Person;

/// Longest session ID accepted (MID-REST uses 36-character UUIDs).
const MAX_SESSION_ID: usize = 64;

/// A running session at the provider: its kind (the status path depends on it) and its ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId {
    kind: SessionKind,
    id: String,
}

impl SessionId {
    /// Checks that `id` is 1–64 ASCII letters, digits or `-`, so it is safe in a URL path.
    pub fn new(kind: SessionKind, id: &str) -> Result<Self, Error> {
        Self::check(id).map_err(|reason| Error::InvalidSessionId { reason })?;
        Ok(SessionId {
            kind,
            id: id.to_owned(),
        })
    }

    pub(crate) fn check(id: &str) -> Result<(), &'static str> {
        if id.is_empty() || id.len() > MAX_SESSION_ID {
            return Err("must be 1 to 64 characters");
        }
        if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err("only letters, digits and '-' are allowed");
        }
        Ok(())
    }

    /// Authentication or signing.
    pub fn kind(&self) -> SessionKind {
        self.kind
    }

    /// The provider's session ID.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// What an authentication or signing session asks of the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    /// Who is asked.
    pub person: Person,
    /// What the phone signs: a random challenge for authentication
    /// ([`AuthenticationChallenge`](crate::AuthenticationChallenge)), the document digest for
    /// signing.
    pub hash: SignableHash,
    /// Language of the prompt.
    pub language: Language,
    /// Optional text shown with the prompt.
    pub display_text: Option<DisplayText>,
}

/// A session that ended with result `OK`: the signature value and, for authentication, the
/// certificate it was made with. Nothing here is verified yet — see [`crate::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedSession {
    /// The signature algorithm the provider reports.
    pub algorithm: SignatureAlgorithm,
    /// The raw signature value.
    pub signature: Vec<u8>,
    /// The certificate returned with an authentication; `None` for signing (MID-REST returns
    /// none: verify against [`MobileIdProvider::signing_certificate`]).
    pub certificate: Option<Certificate>,
}

/// One answer to a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollResult {
    /// The person has not answered yet; poll again (at once: the poll itself waited).
    Running,
    /// The person confirmed.
    Finished(Box<FinishedSession>),
}

/// A mobile ID service: MID-REST over TLS with pinned certificates, a future EKENG interface,
/// or the loopback simulator.
///
/// Calls block; [`poll`](Self::poll) waits up to `wait_ms` on the provider's side (long
/// polling) and the implementation's own network timeout must be above it (see
/// [`SessionDeadline`](crate::SessionDeadline)). Every session result other than `OK` comes
/// back as its own [`Error`] (`UserCancelled`, `Timeout`, ...).
///
/// The procedure for a caller:
/// 1. signing: [`signing_certificate`](Self::signing_certificate) first (its key verifies the
///    result; it also goes into XAdES `SigningCertificate`);
/// 2. build the [`SessionRequest`] and show [`SignableHash::verification_code`] to the person;
/// 3. [`start_authentication`](Self::start_authentication) or
///    [`start_signing`](Self::start_signing);
/// 4. [`poll`](Self::poll) with the timeouts from
///    [`SessionDeadline::next_poll`](crate::SessionDeadline::next_poll) until it returns
///    [`PollResult::Finished`] or an error;
/// 5. check the result with [`crate::check`] before using it.
pub trait MobileIdProvider {
    /// The person's signing certificate (`POST /certificate`);
    /// [`Error::CertificateNotFound`] when they have none.
    fn signing_certificate(&self, person: &Person) -> Result<Certificate, Error>;

    /// Starts an authentication session (`POST /authentication`).
    fn start_authentication(&self, request: &SessionRequest) -> Result<SessionId, Error>;

    /// Starts a signing session (`POST /signature`).
    fn start_signing(&self, request: &SessionRequest) -> Result<SessionId, Error>;

    /// Asks for the session's state, letting the provider wait up to `wait_ms` for a change.
    fn poll(&self, session: &SessionId, wait_ms: u32) -> Result<PollResult, Error>;
}
