//! Mobile ID in knik's flows (spec/mobile-id.md): signing a container with a
//! [`MobileIdSigner`], the same two-phase flow as a card, and logging a person in with
//! [`authenticate`].
//!
//! Both talk to any [`MobileIdProvider`], in practice a [`MidRestClient`] (MID-REST over HTTPS
//! with pinned keys). The person sees a 4-digit verification code on screen before their phone
//! asks for the PIN; [`SessionDisplay`] is how this module hands the code to the screen (a
//! closure taking a [`VerificationCode`] will do).
//!
//! Nothing a provider returns is used before it is checked: a signature must verify with the
//! signing certificate from `/certificate` over the hash that was sent (a signature made with
//! another key is `MID_SIGNATURE_INVALID`); an authentication must verify with the certificate
//! it came with, that certificate must name the person asked, be valid now and chain to the
//! trust store given.
//!
//! Errors of the mobile ID layer become [`Error::Signer`] with their own stable code
//! (`MID_USER_CANCELLED`, `MID_TLS_NOT_PINNED`, …, see [`signer_error`]) and the citizen
//! sentence of [`knik_mobile_id::Error::citizen_message`].
//!
//! ```no_run
//! use knik::mobile_id::{MidRestClient, MobileIdSigner, Person, Pins, RelyingParty};
//! use knik::online::Services;
//! use knik::sign::{InputFile, NoProgress, SignOptions, create_container};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = MidRestClient::new(
//!     "https://127.0.0.1:8890/mid-api",
//!     RelyingParty::new("00000000-0000-4000-8000-00000000a11e", "knik demo")?,
//!     Pins::from_file(std::path::Path::new("test-vectors/mobile-id/sim-tls.pin"))?,
//! )?;
//! let person = Person::parse("+37400000001", "2810770123")?;
//! let mut signer = MobileIdSigner::new(&client, person, |code| {
//!     println!("Check that your phone shows {code}, then enter your PIN2")
//! });
//! let mut services = Services::new(Some("http://127.0.0.1:8889/".into()), None);
//! let (tsa, ocsp) = services.split();
//! let files = [InputFile::from_path("contract.pdf")?];
//! create_container(
//!     &files,
//!     "contract.asice".as_ref(),
//!     &mut signer,
//!     tsa,
//!     ocsp,
//!     &SignOptions::default(),
//!     &mut NoProgress,
//! )?;
//! # Ok(())
//! # }
//! ```

use std::time::{Duration, Instant};

use knik_mobile_id::check::{self, AuthenticationChallenge, RandomSource};
use knik_mobile_id::{SessionClock, SessionDeadline, SessionRequest, SignableHash};
use knik_pki::path::{PathOptions, validate_path};
use knik_pki::trust::TrustStore;
use knik_pki::{Certificate, HashAlgorithm, Identity, PolicyMap};
use time::OffsetDateTime;

use crate::error::Error;
use crate::signer::Signer;

pub use knik_mobile_id::Error as MobileIdError;
pub use knik_mobile_id::client::{MidRestClient, Pins, Timeouts};
pub use knik_mobile_id::rest::RelyingParty;
pub use knik_mobile_id::{
    DisplayText, DisplayTextFormat, HashType, Language, MobileIdProvider, Person, PollPolicy,
    VerificationCode,
};

/// Where the person is shown what to expect on their phone.
///
/// Implemented for every `FnMut(VerificationCode)`, which only shows the code.
pub trait SessionDisplay {
    /// Show the verification code. Called before the session is started, so the code is on
    /// screen when the phone shows its own (reference/mobile-id.md §1.1).
    fn show_code(&mut self, code: VerificationCode);

    /// The session was started: the person is now asked on the phone (e.g. start a waiting
    /// indicator).
    fn waiting(&mut self) {}

    /// The wait is over, whatever its outcome (e.g. stop the indicator).
    fn finished(&mut self) {}
}

impl<F: FnMut(VerificationCode)> SessionDisplay for F {
    fn show_code(&mut self, code: VerificationCode) {
        self(code)
    }
}

/// The error for a mobile ID failure: [`Error::Signer`] with the mobile ID layer's stable code
/// (`MID_…`) and its citizen sentence. Provider text never reaches the message.
pub fn signer_error(e: knik_mobile_id::Error) -> Error {
    Error::Signer {
        code: e.code(),
        message: e.citizen_message().to_owned(),
    }
}

/// Time on the system's monotonic clock, for [`knik_mobile_id::wait_for_result`].
struct SystemClock {
    started: Instant,
}

impl SessionClock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    fn sleep(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// Starts a session with `start`, polls it to its end and tells `display` when the wait begins
/// and ends.
fn run_session(
    provider: &dyn MobileIdProvider,
    request: &SessionRequest,
    policy: PollPolicy,
    display: &mut dyn SessionDisplay,
    start: fn(
        &dyn MobileIdProvider,
        &SessionRequest,
    ) -> Result<knik_mobile_id::SessionId, knik_mobile_id::Error>,
) -> Result<knik_mobile_id::FinishedSession, Error> {
    display.show_code(request.hash.verification_code());
    let mut clock = SystemClock {
        started: Instant::now(),
    };
    let session = start(provider, request).map_err(signer_error)?;
    display.waiting();
    let result = knik_mobile_id::wait_for_result(
        provider,
        &session,
        &SessionDeadline::new(policy),
        &mut clock,
    );
    display.finished();
    result.map_err(signer_error)
}

/// A person's mobile ID as a [`Signer`]: the certificate comes from the provider's
/// `/certificate` (asked once, then kept), and each digest is signed in a session on their
/// phone.
///
/// [`Signer::sign_digest`] follows the procedure of [`MobileIdProvider`]: the digest becomes
/// the session's hash; its verification code goes to the [`SessionDisplay`] *before* the
/// session starts; the session is long-polled until the person answers or the
/// [`PollPolicy`]'s limit passes; the signature must verify with the signing certificate over
/// that hash ([`knik_mobile_id::check::verify_signing`]: validity now, nonRepudiation, the
/// algorithm fits). It returns the value as MID-REST sends it: raw `r ‖ s` for ECDSA (as
/// [`SoftwareKey`](crate::signer::SoftwareKey) does), PKCS#1 v1.5 for RSA.
pub struct MobileIdSigner<'a> {
    provider: &'a dyn MobileIdProvider,
    person: Person,
    display: Box<dyn SessionDisplay + 'a>,
    language: Language,
    display_text: Option<DisplayText>,
    poll_policy: PollPolicy,
    certificate: Option<Certificate>,
}

impl std::fmt::Debug for MobileIdSigner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MobileIdSigner")
            .field("person", &self.person)
            .field("language", &self.language)
            .field("poll_policy", &self.poll_policy)
            .finish_non_exhaustive()
    }
}

impl<'a> MobileIdSigner<'a> {
    /// Signs as `person` through `provider`, showing codes on `display`; prompts in Armenian
    /// ([`Language::Hye`]) with the default [`PollPolicy`] unless changed.
    pub fn new(
        provider: &'a dyn MobileIdProvider,
        person: Person,
        display: impl SessionDisplay + 'a,
    ) -> Self {
        MobileIdSigner {
            provider,
            person,
            display: Box::new(display),
            language: Language::Hye,
            display_text: None,
            poll_policy: PollPolicy::default(),
            certificate: None,
        }
    }

    /// The language of the prompt on the phone.
    pub fn with_language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// A text shown with the prompt (e.g. the document's name).
    pub fn with_display_text(mut self, text: DisplayText) -> Self {
        self.display_text = Some(text);
        self
    }

    /// How long polls and the whole session may take.
    pub fn with_poll_policy(mut self, policy: PollPolicy) -> Self {
        self.poll_policy = policy;
        self
    }

    /// The person's signing certificate, asked of the provider the first time.
    pub fn signing_certificate(&mut self) -> Result<&Certificate, Error> {
        if self.certificate.is_none() {
            let certificate = self
                .provider
                .signing_certificate(&self.person)
                .map_err(signer_error)?;
            check::check_signing_certificate(&certificate, &self.person, OffsetDateTime::now_utc())
                .map_err(signer_error)?;
            self.certificate = Some(certificate);
        }
        Ok(self
            .certificate
            .as_ref()
            .expect("the certificate was just stored"))
    }
}

impl Signer for MobileIdSigner<'_> {
    fn certificate(&mut self) -> Result<Vec<u8>, Error> {
        Ok(self.signing_certificate()?.as_der().to_vec())
    }

    fn sign_digest(&mut self, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<u8>, Error> {
        let hash_type = hash_type(hash)?;
        let hash = SignableHash::new(hash_type, digest).map_err(signer_error)?;
        let certificate = self.signing_certificate()?.clone();
        let request = SessionRequest {
            person: self.person.clone(),
            hash,
            language: self.language,
            display_text: self.display_text.clone(),
        };
        let finished = run_session(
            self.provider,
            &request,
            self.poll_policy,
            &mut *self.display,
            |p, r| p.start_signing(r),
        )?;
        check::verify_signing(
            &certificate,
            &request.hash,
            &finished,
            OffsetDateTime::now_utc(),
        )
        .map_err(signer_error)
    }
}

fn hash_type(hash: HashAlgorithm) -> Result<HashType, Error> {
    match hash {
        HashAlgorithm::Sha256 => Ok(HashType::Sha256),
        HashAlgorithm::Sha384 => Ok(HashType::Sha384),
        HashAlgorithm::Sha512 => Ok(HashType::Sha512),
        other => Err(Error::InvalidRequest {
            reason: format!(
                "mobile ID signs SHA-256, SHA-384 or SHA-512 hashes, not {}",
                other.name()
            ),
        }),
    }
}

/// How [`authenticate`] checks the person's certificate and runs the session.
#[derive(Debug, Clone)]
pub struct AuthenticationOptions<'a> {
    /// The trust anchors the authentication certificate must chain to.
    pub trust: &'a TrustStore,
    /// CA certificates that may complete the chain (the mobile ID CA when only the root is a
    /// trust anchor).
    pub intermediates: &'a [Certificate],
    /// Certificate policies → document kind (a mobile ID certificate comes out as
    /// [`DocumentKind::MobileId`](knik_pki::DocumentKind::MobileId)).
    pub policies: PolicyMap,
    /// The hash type of the random challenge (default SHA-256).
    pub hash_type: HashType,
    /// The language of the prompt (default Armenian).
    pub language: Language,
    /// A text shown with the prompt.
    pub display_text: Option<DisplayText>,
    /// How long polls and the whole session may take.
    pub poll_policy: PollPolicy,
}

impl<'a> AuthenticationOptions<'a> {
    /// Checks against `trust`, with the built-in policy map and the defaults above.
    pub fn new(trust: &'a TrustStore) -> Self {
        AuthenticationOptions {
            trust,
            intermediates: &[],
            policies: PolicyMap::default(),
            hash_type: HashType::Sha256,
            language: Language::Hye,
            display_text: None,
            poll_policy: PollPolicy::default(),
        }
    }
}

/// The operating system's random generator.
struct OsRandom;

impl RandomSource for OsRandom {
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), String> {
        getrandom::getrandom(buf).map_err(|e| e.to_string())
    }
}

/// Logs `person` in with mobile ID and returns who they are.
///
/// The procedure (reference/mobile-id.md §1.6): a fresh random challenge of
/// `options.hash_type`; its verification code to `display` before the session starts; the
/// session long-polled to its end; then the checks, in order — the result carries a
/// certificate that is valid now and has keyUsage digitalSignature, the signature verifies
/// with it over the challenge, the certificate names the person asked
/// ([`check::verify_authentication`]), and it chains to `options.trust` now
/// ([`validate_path`]; a failure keeps knik-pki's code, e.g. `CHAIN_NO_ANCHOR`).
///
/// Revocation is not checked here; an e-service that needs it asks the CA's OCSP responder
/// ([`crate::online::OcspClient`]) with the certificate of the path. After a successful
/// login, rotate the e-service's own session identifier.
pub fn authenticate(
    provider: &dyn MobileIdProvider,
    person: &Person,
    display: &mut dyn SessionDisplay,
    options: &AuthenticationOptions<'_>,
) -> Result<Identity, Error> {
    let challenge =
        AuthenticationChallenge::random(options.hash_type, &mut OsRandom).map_err(signer_error)?;
    let request = SessionRequest {
        person: person.clone(),
        hash: challenge.hash().clone(),
        language: options.language,
        display_text: options.display_text.clone(),
    };
    let finished = run_session(provider, &request, options.poll_policy, display, |p, r| {
        p.start_authentication(r)
    })?;
    let now = OffsetDateTime::now_utc();
    let identity =
        check::verify_authentication(&challenge, person, &finished, &options.policies, now)
            .map_err(signer_error)?;
    let certificate = finished
        .certificate
        .as_ref()
        .ok_or_else(|| signer_error(knik_mobile_id::Error::CertificateMissing))?;
    validate_path(
        certificate,
        options.intermediates,
        options.trust,
        now,
        PathOptions::default(),
    )?;
    Ok(identity)
}

#[cfg(test)]
mod tests {
    //! The flows against an in-memory provider that signs with the test PKI's mobile holder
    //! (the simulator over TLS is in tests/mobile_id.rs).

    use std::cell::RefCell;

    use knik_mobile_id::{FinishedSession, PollResult, SessionId, SessionKind, SignatureAlgorithm};

    use super::*;
    use crate::signer::SoftwareKey;

    fn pki(path: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../test-vectors/pki/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("test PKI file")
    }

    /// Signs signing sessions with `holders/mobile/{sign_key}.key`, authentications with the
    /// mobile holder's authentication key; answers the first poll `RUNNING`, the second with
    /// `outcome` or the signature.
    struct InMemory {
        sign: RefCell<SoftwareKey>,
        auth: RefCell<SoftwareKey>,
        last_hash: RefCell<Option<SignableHash>>,
        events: RefCell<Vec<String>>,
        polls: RefCell<u32>,
        outcome: Option<knik_mobile_id::Error>,
    }

    impl InMemory {
        fn new(sign_key: &str, outcome: Option<knik_mobile_id::Error>) -> Self {
            InMemory {
                sign: RefCell::new(
                    SoftwareKey::from_pem(
                        &pki(&format!("holders/mobile/{sign_key}.key")),
                        &pki(&format!("holders/mobile/{sign_key}.pem")),
                    )
                    .expect("signing key"),
                ),
                auth: RefCell::new(
                    SoftwareKey::from_pem(
                        &pki("holders/mobile/auth.key"),
                        &pki("holders/mobile/auth.pem"),
                    )
                    .expect("auth key"),
                ),
                last_hash: RefCell::new(None),
                events: RefCell::new(Vec::new()),
                polls: RefCell::new(0),
                outcome,
            }
        }
    }

    impl MobileIdProvider for InMemory {
        fn signing_certificate(&self, _: &Person) -> Result<Certificate, knik_mobile_id::Error> {
            self.events.borrow_mut().push("certificate".into());
            Ok(Certificate::from_pem(&pki("holders/mobile/sign.pem")).expect("certificate"))
        }
        fn start_authentication(
            &self,
            r: &SessionRequest,
        ) -> Result<SessionId, knik_mobile_id::Error> {
            self.events.borrow_mut().push("start".into());
            *self.last_hash.borrow_mut() = Some(r.hash.clone());
            SessionId::new(SessionKind::Authentication, "a-1")
        }
        fn start_signing(&self, r: &SessionRequest) -> Result<SessionId, knik_mobile_id::Error> {
            self.events.borrow_mut().push("start".into());
            *self.last_hash.borrow_mut() = Some(r.hash.clone());
            SessionId::new(SessionKind::Signature, "s-1")
        }
        fn poll(&self, s: &SessionId, _: u32) -> Result<PollResult, knik_mobile_id::Error> {
            self.events.borrow_mut().push("poll".into());
            *self.polls.borrow_mut() += 1;
            if *self.polls.borrow() == 1 {
                return Ok(PollResult::Running);
            }
            if let Some(e) = &self.outcome {
                return Err(e.clone());
            }
            let hash = self
                .last_hash
                .borrow()
                .clone()
                .expect("a session was started");
            let (key, certificate) = match s.kind() {
                SessionKind::Signature => (&self.sign, None),
                SessionKind::Authentication => (
                    &self.auth,
                    Some(Certificate::from_pem(&pki("holders/mobile/auth.pem")).unwrap()),
                ),
            };
            let signature = key
                .borrow_mut()
                .sign_digest(HashAlgorithm::Sha256, hash.digest())
                .expect("software signature");
            Ok(PollResult::Finished(Box::new(FinishedSession {
                algorithm: SignatureAlgorithm::Sha256WithEc,
                signature,
                certificate,
            })))
        }
    }

    fn fast() -> PollPolicy {
        PollPolicy {
            long_poll: Duration::from_secs(1),
            http_margin: Duration::from_millis(100),
            session_limit: Duration::from_secs(10),
        }
    }

    #[test]
    fn the_code_is_shown_before_the_session_starts_and_the_value_is_raw_r_s() {
        let provider = InMemory::new("sign", None);
        let shown = RefCell::new(Vec::new());
        let mut signer = MobileIdSigner::new(&provider, person(), |code: VerificationCode| {
            provider.events.borrow_mut().push(format!("code {code}"));
            shown.borrow_mut().push(code);
        })
        .with_poll_policy(fast());
        let certificate = signer.certificate().unwrap();
        assert_eq!(signer.certificate().unwrap(), certificate, "cached");
        let digest = HashAlgorithm::Sha256.digest(b"SignedInfo");
        let value = signer.sign_digest(HashAlgorithm::Sha256, &digest).unwrap();
        assert_eq!(value.len(), 64, "raw r||s of P-256");
        let cert = Certificate::from_der(&certificate).unwrap();
        cert.public_key()
            .verify_digest_signature(HashAlgorithm::Sha256, &digest, &value)
            .unwrap();
        let expected = SignableHash::new(HashType::Sha256, &digest)
            .unwrap()
            .verification_code();
        drop(signer);
        assert_eq!(*shown.borrow(), vec![expected]);
        let code = format!("code {expected}");
        assert_eq!(
            *provider.events.borrow(),
            ["certificate", code.as_str(), "start", "poll", "poll"]
        );
    }

    #[test]
    fn a_signature_with_another_key_is_refused_with_its_own_code() {
        // The session signs with the person's other P-256 key (authentication), not the
        // signing certificate's.
        let provider = InMemory::new("auth", None);
        let mut signer = MobileIdSigner::new(&provider, person(), |_: VerificationCode| {})
            .with_poll_policy(fast());
        let digest = HashAlgorithm::Sha256.digest(b"x");
        let err = signer
            .sign_digest(HashAlgorithm::Sha256, &digest)
            .unwrap_err();
        assert_eq!(err.code(), "MID_SIGNATURE_INVALID", "{err}");
    }

    fn person() -> Person {
        Person::parse("+37400000001", "2810770123").unwrap()
    }

    #[test]
    fn session_results_keep_their_code_and_citizen_sentence() {
        let provider = InMemory::new("sign", Some(knik_mobile_id::Error::UserCancelled));
        let mut signer = MobileIdSigner::new(&provider, person(), |_: VerificationCode| {})
            .with_poll_policy(fast());
        let err = signer
            .sign_digest(HashAlgorithm::Sha256, &[7; 32])
            .unwrap_err();
        let Error::Signer { code, message } = &err else {
            panic!("Signer error expected, got {err:?}")
        };
        assert_eq!(*code, "MID_USER_CANCELLED");
        assert_eq!(message, "You cancelled the request on your phone.");
    }

    #[test]
    fn sha1_is_not_sent_to_a_phone() {
        let provider = InMemory::new("sign", None);
        let mut signer = MobileIdSigner::new(&provider, person(), |_: VerificationCode| {});
        let err = signer
            .sign_digest(HashAlgorithm::Sha1, &[0; 20])
            .unwrap_err();
        assert_eq!(err.code(), "INVALID_REQUEST");
        assert!(provider.events.borrow().is_empty());
    }

    #[test]
    fn authentication_returns_the_mobile_id_identity_only_when_it_chains() {
        let provider = InMemory::new("sign", None);
        let mut trust = TrustStore::new();
        trust
            .add_pem_or_der(pki("root.pem").as_bytes(), "root")
            .unwrap();
        let intermediates = [Certificate::from_pem(&pki("mobile-id-ca.pem")).unwrap()];
        let mut options = AuthenticationOptions::new(&trust);
        options.intermediates = &intermediates;
        options.poll_policy = fast();
        let mut codes = Vec::new();
        let identity = authenticate(
            &provider,
            &person(),
            &mut |c: VerificationCode| codes.push(c),
            &options,
        )
        .unwrap();
        assert_eq!(identity.personal_number, "2810770123");
        assert_eq!(identity.document_kind.as_str(), "mobile-id");
        assert_eq!(codes.len(), 1);

        // Without the mobile ID CA the path does not reach the root.
        options.intermediates = &[];
        let provider = InMemory::new("sign", None);
        let err = authenticate(
            &provider,
            &person(),
            &mut |_: VerificationCode| {},
            &options,
        )
        .unwrap_err();
        assert_eq!(err.code(), "CHAIN_NO_ANCHOR");
    }

    #[test]
    fn authentication_for_another_person_is_refused() {
        let provider = InMemory::new("sign", None);
        let trust = TrustStore::new();
        let mut options = AuthenticationOptions::new(&trust);
        options.poll_policy = fast();
        let other = Person::parse("+37400000001", "1111111111").unwrap();
        let err =
            authenticate(&provider, &other, &mut |_: VerificationCode| {}, &options).unwrap_err();
        assert_eq!(err.code(), "MID_IDENTITY_MISMATCH");
    }
}
