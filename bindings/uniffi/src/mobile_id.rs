//! Mobile ID from an app: log a person in and sign containers through a MID-REST service with
//! pinned TLS keys. The person's screen shows the verification code before their phone asks
//! for the PIN ([`MobileIdListener::verification_code`]); the call then waits (long polling)
//! for the phone's answer, so run it off the UI thread.
//!
//! The relying party's name and UUID identify the e-service to the provider. Apps usually
//! point `url` at their own backend, which holds those and forwards to the provider in the
//! MID-REST format; pins are then the backend's key.

use std::path::Path;
use std::sync::Arc;

use knik::mobile_id::{
    AuthenticationOptions, Language, MidRestClient, MobileIdSigner, Person, Pins, RelyingParty,
    SessionDisplay, VerificationCode, authenticate,
};
use knik::sign::{self, NoProgress};

use crate::container::{certificates, trust_store};
use crate::error::{CallbackError, KnikError};
use crate::identity::Identity;
use crate::signing::{SignedContainer, SigningOptions, input_files, services, sign_options};

/// Where and as whom to reach the mobile ID service.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MobileIdConfig {
    /// The MID-REST base URL (`https://…/mid-api`).
    pub url: String,
    /// The relying party's UUID.
    pub relying_party_uuid: String,
    /// The relying party's name.
    pub relying_party_name: String,
    /// SHA-256 of the server key's SubjectPublicKeyInfo, base64; several during a key change.
    pub server_key_pins: Vec<String>,
    /// The phone's prompt language: `HYE` (default), `ENG`, `RUS`, `EST`, `LIT`.
    pub language: Option<String>,
}

/// What the app shows while a mobile ID session runs. The calls come from the thread that
/// runs the session; hand them to the UI thread. An error returned here is ignored: the
/// session goes on.
#[uniffi::export(with_foreign)]
pub trait MobileIdListener: Send + Sync {
    /// Show this 4-digit code; the person checks their phone shows the same before entering
    /// the PIN. Called before the session starts.
    fn verification_code(&self, code: String) -> Result<(), CallbackError>;
    /// The session started: the phone is now asked (start a waiting indicator).
    fn waiting(&self) -> Result<(), CallbackError>;
    /// The wait is over, whatever its outcome. Follows `waiting`; when the session cannot start
    /// (an unknown number, the service unreachable) neither is called and the error returns.
    fn finished(&self) -> Result<(), CallbackError>;
}

struct Display(Arc<dyn MobileIdListener>);

impl SessionDisplay for Display {
    fn show_code(&mut self, code: VerificationCode) {
        let _ = self.0.verification_code(code.to_string());
    }
    fn waiting(&mut self) {
        let _ = self.0.waiting();
    }
    fn finished(&mut self) {
        let _ = self.0.finished();
    }
}

/// A mobile ID service client.
#[derive(uniffi::Object)]
pub struct MobileIdService {
    client: MidRestClient,
    language: Language,
}

impl std::fmt::Debug for MobileIdService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MobileIdService")
            .field("url", &self.client.url())
            .finish_non_exhaustive()
    }
}

#[uniffi::export]
impl MobileIdService {
    /// A client for `config`; nothing is sent yet.
    #[uniffi::constructor]
    pub fn new(config: MobileIdConfig) -> Result<Arc<MobileIdService>, KnikError> {
        let relying_party =
            RelyingParty::new(&config.relying_party_uuid, &config.relying_party_name)?;
        let pins = Pins::new(&config.server_key_pins)?;
        let language = match &config.language {
            None => Language::Hye,
            Some(l) => Language::from_wire(&l.to_ascii_uppercase()).ok_or_else(|| {
                KnikError::invalid(format!(
                    "unknown mobile ID language {l:?}: use HYE, ENG, RUS, EST or LIT"
                ))
            })?,
        };
        let client = MidRestClient::new(&config.url, relying_party, pins)?;
        Ok(Arc::new(MobileIdService { client, language }))
    }

    /// Logs the person in: a fresh random challenge is signed on their phone, the signature
    /// and certificate are checked, the certificate must name `personal_number` and chain to
    /// `trust_anchors` (PEM or DER; `intermediates` may complete the chain).
    pub fn authenticate(
        &self,
        phone: String,
        personal_number: String,
        trust_anchors: Vec<Vec<u8>>,
        intermediates: Vec<Vec<u8>>,
        listener: Arc<dyn MobileIdListener>,
    ) -> Result<Identity, KnikError> {
        let person = Person::parse(&phone, &personal_number)?;
        let trust = trust_store(&trust_anchors)?;
        let intermediates = certificates(&intermediates)?;
        let mut options = AuthenticationOptions::new(&trust);
        options.intermediates = &intermediates;
        options.language = self.language;
        let mut display = Display(listener);
        Ok(authenticate(&self.client, &person, &mut display, &options)?.into())
    }

    /// Signs `files` (paths) into a new container at `output` on the person's phone.
    pub fn sign(
        &self,
        phone: String,
        personal_number: String,
        files: Vec<String>,
        output: String,
        options: SigningOptions,
        listener: Arc<dyn MobileIdListener>,
    ) -> Result<SignedContainer, KnikError> {
        let person = Person::parse(&phone, &personal_number)?;
        let inputs = input_files(&files)?;
        let opts = sign_options(&options)?;
        let mut services = services(&options);
        let (tsa, ocsp) = services.split();
        let mut signer = MobileIdSigner::new(&self.client, person, Display(listener))
            .with_language(self.language);
        Ok(sign::create_container(
            &inputs,
            Path::new(&output),
            &mut signer,
            tsa,
            ocsp,
            &opts,
            &mut NoProgress,
        )?
        .into())
    }
}
