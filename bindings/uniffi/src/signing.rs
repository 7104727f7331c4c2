//! Signing into ASiC-E containers from an app: with the card over the app's channel, in two
//! phases for a signer elsewhere, and extending signatures to a higher level. The flows are
//! the facade's (`knik::sign`, `knik::two_phase`): the same checks before the PIN, the same
//! OCSP and time-stamp verification, outputs replaced atomically.

use std::path::Path;
use std::sync::Arc;

use knik::Level;
use knik::online::Services;
use knik::services::{Revocation, TimeStamping};
use knik::sign::{self, InputFile, NoProgress, SignOptions};
use knik::signer::Signer;
use knik::two_phase::{self, DataFile};
use knik_card::card::Card;
use knik_card::pin_source::PinPurpose as CardPurpose;
use knik_card::token::{KeyRole as CardRole, Token};
use knik_pki::HashAlgorithm as PkiHash;

use crate::card::{CardSession, HashAlgorithm, ask_for};
use crate::channel::ForeignTransport;
use crate::container::certificates;
use crate::error::KnikError;
use crate::pins::{PinEntry, PinKind};

/// XAdES baseline levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SignatureLevel {
    /// B-B: the signature alone.
    B,
    /// B-T: with a signature time-stamp.
    T,
    /// B-LT: with the time-stamp and the OCSP answer and certificates to validate it later.
    Lt,
    /// B-LTA: B-LT with an archive time-stamp.
    Lta,
}

impl From<SignatureLevel> for Level {
    fn from(l: SignatureLevel) -> Self {
        match l {
            SignatureLevel::B => Level::B,
            SignatureLevel::T => Level::T,
            SignatureLevel::Lt => Level::Lt,
            SignatureLevel::Lta => Level::Lta,
        }
    }
}

fn level_record(l: Level) -> SignatureLevel {
    match l {
        Level::B => SignatureLevel::B,
        Level::T => SignatureLevel::T,
        Level::Lt => SignatureLevel::Lt,
        Level::Lta => SignatureLevel::Lta,
    }
}

/// How to sign.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SigningOptions {
    /// The level to reach.
    pub level: SignatureLevel,
    /// The RFC 3161 time-stamp authority (needed from B-T up).
    pub tsa_url: Option<String>,
    /// The OCSP responder (needed from B-LT up; `None` takes the certificate's own).
    pub ocsp_url: Option<String>,
    /// Certificates that complete the signer's chain (the issuing CA, PEM or DER): B-LT embeds
    /// them and OCSP needs the issuer.
    pub chain: Vec<Vec<u8>>,
}

/// What a signing wrote.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignedContainer {
    /// The container written.
    pub path: String,
    /// The new entry (`META-INF/signatures0.xml`).
    pub signature_file: String,
    /// The signature's Id.
    pub signature_id: String,
    /// The level reached.
    pub level: SignatureLevel,
    /// The signer (certificate subject).
    pub signer: String,
}

impl From<sign::Signed> for SignedContainer {
    fn from(s: sign::Signed) -> Self {
        SignedContainer {
            path: s.container.display().to_string(),
            signature_file: s.signature_file,
            signature_id: s.signature_id,
            level: level_record(s.level),
            signer: s.signer,
        }
    }
}

pub(crate) fn sign_options(options: &SigningOptions) -> Result<SignOptions, KnikError> {
    Ok(SignOptions {
        level: options.level.into(),
        known_certificates: certificates(&options.chain)?,
        ..SignOptions::default()
    })
}

pub(crate) fn services(options: &SigningOptions) -> Services {
    Services::new(options.tsa_url.clone(), options.ocsp_url.clone())
}

pub(crate) fn input_files(files: &[String]) -> Result<Vec<InputFile>, KnikError> {
    if files.is_empty() {
        return Err(KnikError::invalid(
            "nothing to sign: give at least one file",
        ));
    }
    files
        .iter()
        .map(|f| InputFile::from_path(f).map_err(KnikError::from))
        .collect()
}

/// The card's signing key as the facade's [`Signer`]; the card's own error is kept so that the
/// app sees `WrongPin` with the tries left rather than a flattened code.
struct CardSigner<'a> {
    card: &'a mut Card<ForeignTransport>,
    pins: Arc<dyn PinEntry>,
    failure: Option<KnikError>,
}

impl CardSigner<'_> {
    fn fail(&mut self, e: KnikError) -> knik::Error {
        let code = match &e {
            KnikError::Cancelled { .. } => "CARD_PIN_CANCELLED",
            KnikError::WrongPin { .. } => "CARD_WRONG_PIN",
            KnikError::PinBlocked { .. } => "CARD_PIN_BLOCKED",
            _ => "CARD",
        };
        let err = knik::Error::Signer {
            code,
            message: e.to_string(),
        };
        self.failure = Some(e);
        err
    }

    fn finish<T>(&mut self, r: Result<T, knik::Error>) -> Result<T, KnikError> {
        r.map_err(|e| self.failure.take().unwrap_or_else(|| e.into()))
    }
}

impl Signer for CardSigner<'_> {
    fn certificate(&mut self) -> Result<Vec<u8>, knik::Error> {
        self.card
            .certificate(CardRole::Signing)
            .map_err(|e| self.fail(e.into()))
    }

    fn sign_digest(&mut self, hash: PkiHash, digest: &[u8]) -> Result<Vec<u8>, knik::Error> {
        let hash = HashAlgorithm::from_pki(hash).map_err(|e| self.fail(e))?;
        let pin = ask_for(
            self.card,
            &self.pins,
            PinKind::Pin2,
            CardPurpose::Sign,
            None,
        )
        .map_err(|e| self.fail(e))?;
        match self.card.sign(&pin, hash.into(), digest) {
            Ok(s) => Ok(s.value),
            Err(e) => Err(self.fail(e.into())),
        }
    }
}

/// Runs one facade signing flow with the card's signing key and the services of `options`.
fn with_card_signer(
    card: &CardSession,
    pins: Arc<dyn PinEntry>,
    options: &SigningOptions,
    flow: impl FnOnce(
        &mut dyn Signer,
        &mut dyn TimeStamping,
        &mut dyn Revocation,
        &SignOptions,
    ) -> Result<sign::Signed, knik::Error>,
) -> Result<SignedContainer, KnikError> {
    let opts = sign_options(options)?;
    let mut services = services(options);
    let (tsa, ocsp) = services.split();
    let mut guard = card.lock();
    let mut signer = CardSigner {
        card: &mut guard,
        pins,
        failure: None,
    };
    let result = flow(&mut signer, tsa, ocsp, &opts);
    Ok(signer.finish(result)?.into())
}

/// Signs `files` (paths) into a new container at `output` with the card's signing key (PIN2
/// from `pins`). Certificate validity, key usage and the services the level needs are checked
/// before the PIN is asked for.
#[uniffi::export]
pub fn sign_with_card(
    card: Arc<CardSession>,
    files: Vec<String>,
    output: String,
    options: SigningOptions,
    pins: Arc<dyn PinEntry>,
) -> Result<SignedContainer, KnikError> {
    let inputs = input_files(&files)?;
    with_card_signer(&card, pins, &options, |signer, tsa, ocsp, opts| {
        sign::create_container(
            &inputs,
            Path::new(&output),
            signer,
            tsa,
            ocsp,
            opts,
            &mut NoProgress,
        )
    })
}

/// Adds the card holder's signature to the existing container at `container` (co-signing);
/// existing entries are copied byte for byte and the file is replaced atomically.
#[uniffi::export]
pub fn add_signature_with_card(
    card: Arc<CardSession>,
    container: String,
    options: SigningOptions,
    pins: Arc<dyn PinEntry>,
) -> Result<SignedContainer, KnikError> {
    with_card_signer(&card, pins, &options, |signer, tsa, ocsp, opts| {
        sign::add_signature(
            Path::new(&container),
            signer,
            tsa,
            ocsp,
            opts,
            &mut NoProgress,
        )
    })
}

/// A data file held in memory.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DataFileInput {
    /// Its name in the container.
    pub name: String,
    /// Its media type (`application/pdf`, …).
    pub media_type: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// The first phase's result: what the signer signs and what the second phase needs.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PreparedSignature {
    /// The digest to sign.
    pub digest: Vec<u8>,
    /// Its hash function.
    pub hash: HashAlgorithm,
    /// The state for `finish_signature`, as JSON (keep it server-side or in app storage).
    pub state: String,
}

/// Phase 1 of a two-phase signature: checks the signing certificate (DER or PEM) and the
/// services, builds the signature over `files`, returns the digest to sign.
#[uniffi::export]
pub fn prepare_signature(
    files: Vec<DataFileInput>,
    signing_certificate: Vec<u8>,
    options: SigningOptions,
) -> Result<PreparedSignature, KnikError> {
    let certificate = certificates(&[signing_certificate])?
        .into_iter()
        .next()
        .ok_or_else(|| KnikError::invalid("no signing certificate given"))?;
    let files: Vec<DataFile> = files
        .into_iter()
        .map(|f| DataFile {
            name: f.name,
            media_type: f.media_type,
            content: f.content,
        })
        .collect();
    let opts = sign_options(&options)?;
    let mut services = services(&options);
    let (tsa, ocsp) = services.split();
    let prepared = two_phase::prepare(&files, certificate.as_der(), tsa, ocsp, &opts)?;
    Ok(PreparedSignature {
        digest: prepared.digest_to_sign,
        hash: HashAlgorithm::from_pki(prepared.hash_algorithm)?,
        state: serde_json::to_string(&prepared.state)
            .map_err(|e| KnikError::invalid(format!("the state cannot be written: {e}")))?,
    })
}

/// Phase 2: checks `signature_value` against the certificate, extends the signature to the
/// level chosen in phase 1 (the level and the chain are in `state`; `tsa_url` and `ocsp_url`
/// are the services to reach it) and writes the container at `output`.
#[uniffi::export]
pub fn finish_signature(
    state: String,
    signature_value: Vec<u8>,
    output: String,
    tsa_url: Option<String>,
    ocsp_url: Option<String>,
) -> Result<SignedContainer, KnikError> {
    let state: two_phase::State = serde_json::from_str(&state)
        .map_err(|e| KnikError::invalid(format!("the two-phase state cannot be read: {e}")))?;
    let mut services = Services::new(tsa_url, ocsp_url);
    let (tsa, ocsp) = services.split();
    Ok(two_phase::finish(state, &signature_value, tsa, ocsp, Path::new(&output))?.into())
}

/// Extends every signature of the container at `path` to `options.level` (B-LTA again adds an
/// archive time-stamp); the file is replaced atomically. Returns how many were extended.
#[uniffi::export]
pub fn extend_container(path: String, options: SigningOptions) -> Result<u32, KnikError> {
    let known = certificates(&options.chain)?;
    let mut services = services(&options);
    let (tsa, ocsp) = services.split();
    let extended = sign::extend_container(
        Path::new(&path),
        options.level.into(),
        tsa,
        ocsp,
        &known,
        &mut NoProgress,
    )?;
    Ok(extended.len() as u32)
}
