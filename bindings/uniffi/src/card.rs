//! A card session over the app's [`CardChannel`]: read the holder and certificates, check and
//! manage PINs, sign a digest, make a Web eID authentication token. Every call is one complete
//! card operation; calls block (run them off the UI thread) and are serialised per session.

use std::sync::{Arc, Mutex, MutexGuard};

use knik_card::atr::AtrTable;
use knik_card::card::Card;
use knik_card::pin::Pin;
use knik_card::pin_source::{PinPurpose as CardPurpose, PinRequest as CardPinRequest};
use knik_card::profile::Profile;
use knik_card::token::{HashAlgorithm as CardHash, KeyRole as CardRole, SignatureAlgorithm, Token};
use knik_pki::{Certificate, PublicKey};
use knik_webeid::origin::{Origin, OriginPolicy};
use knik_webeid::token::{AuthToken, TokenAlgorithm, signed_value_digest};

use crate::channel::{CardChannel, ForeignTransport};
use crate::error::KnikError;
use crate::identity::{Identity, holder_label, identity_of};
use crate::pins::{PinEntry, PinKind, ask};

/// Which key of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyRole {
    /// The authentication key (PIN1): logging in, Web eID tokens.
    Authentication,
    /// The signing key (PIN2): qualified signatures.
    Signing,
}

impl From<KeyRole> for CardRole {
    fn from(r: KeyRole) -> Self {
        match r {
            KeyRole::Authentication => CardRole::Authentication,
            KeyRole::Signing => CardRole::Signing,
        }
    }
}

/// A hash function for digests a card signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl From<HashAlgorithm> for CardHash {
    fn from(h: HashAlgorithm) -> Self {
        match h {
            HashAlgorithm::Sha256 => CardHash::Sha256,
            HashAlgorithm::Sha384 => CardHash::Sha384,
            HashAlgorithm::Sha512 => CardHash::Sha512,
        }
    }
}

impl HashAlgorithm {
    pub(crate) fn from_pki(h: knik_pki::HashAlgorithm) -> Result<HashAlgorithm, KnikError> {
        match h {
            knik_pki::HashAlgorithm::Sha256 => Ok(HashAlgorithm::Sha256),
            knik_pki::HashAlgorithm::Sha384 => Ok(HashAlgorithm::Sha384),
            knik_pki::HashAlgorithm::Sha512 => Ok(HashAlgorithm::Sha512),
            other => Err(KnikError::invalid(format!(
                "{} digests are not signed",
                other.name()
            ))),
        }
    }
}

/// What the card tells without a PIN.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardInfo {
    /// Profile id (`am-eid`, `ee-idemia`).
    pub profile: String,
    /// Profile display name.
    pub name: String,
    /// Card serial or document number, when the card tells it.
    pub serial: Option<String>,
    /// True when the profile's values are assumptions rather than published facts.
    pub assumed_profile: bool,
}

/// One field of the card's personal-data file.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PersonalDataField {
    /// The field's name (`surname`, `given_names`, `date_of_birth`, `document_number`, …).
    pub name: String,
    /// Its value as the card stores it.
    pub value: String,
}

/// The state of one PIN.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PinStatus {
    /// Which PIN.
    pub kind: PinKind,
    /// Tries left, when the card reports a number.
    pub retries_left: Option<u32>,
    /// The maximum number of tries, when known.
    pub max_tries: Option<u32>,
    /// No tries left.
    pub blocked: bool,
}

/// One card, reached through the app's channel.
#[derive(uniffi::Object)]
pub struct CardSession {
    card: Mutex<Card<ForeignTransport>>,
}

impl std::fmt::Debug for CardSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardSession").finish_non_exhaustive()
    }
}

#[uniffi::export]
impl CardSession {
    /// Opens the card on `channel`. `profile` names the card profile (`am-eid`, `ee-idemia`)
    /// when the channel has no ATR to recognise it by; `None` recognises it from the ATR.
    #[uniffi::constructor(default(profile = None))]
    pub fn open(
        channel: Arc<dyn CardChannel>,
        profile: Option<String>,
    ) -> Result<Arc<CardSession>, KnikError> {
        let transport = ForeignTransport::new(channel).map_err(knik_card::Error::Transport)?;
        let card = match profile {
            Some(id) => {
                let profile = Profile::builtin_by_id(&id).ok_or_else(|| {
                    KnikError::invalid(format!(
                        "unknown card profile {id:?}: use am-eid or ee-idemia"
                    ))
                })?;
                Card::new(transport, profile.clone())?
            }
            None => Card::identify(transport, &AtrTable::builtin())?,
        };
        Ok(Arc::new(CardSession {
            card: Mutex::new(card),
        }))
    }

    /// Profile, name, serial.
    pub fn info(&self) -> Result<CardInfo, KnikError> {
        let info = self.lock().info()?;
        Ok(CardInfo {
            profile: info.profile,
            name: info.name,
            serial: info.serial,
            assumed_profile: info.assumed_profile,
        })
    }

    /// The holder, from the authentication certificate.
    pub fn holder(&self) -> Result<Identity, KnikError> {
        let der = self.lock().certificate(CardRole::Authentication)?;
        identity_of(&Certificate::from_der(&der)?)
    }

    /// The card's public personal-data file (names, birth date, document number, …) as
    /// (field, value) pairs sorted by field; empty when the card has none.
    pub fn personal_data(&self) -> Result<Vec<PersonalDataField>, KnikError> {
        Ok(self
            .lock()
            .personal_data()?
            .map(|data| {
                data.iter()
                    .map(|(name, value)| PersonalDataField {
                        name: name.to_owned(),
                        value: value.to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The certificate (DER) of one key.
    pub fn certificate(&self, role: KeyRole) -> Result<Vec<u8>, KnikError> {
        Ok(self.lock().certificate(role.into())?)
    }

    /// The retry counter of one PIN (or the PUK).
    pub fn pin_status(&self, kind: PinKind) -> Result<PinStatus, KnikError> {
        let s = self.lock().pin_status(kind.into())?;
        Ok(PinStatus {
            kind: s.kind.into(),
            retries_left: s.retries_left.map(u32::from),
            max_tries: s.max_tries.map(u32::from),
            blocked: s.blocked,
        })
    }

    /// Checks a PIN without using a key.
    pub fn verify_pin(&self, kind: PinKind, pins: Arc<dyn PinEntry>) -> Result<(), KnikError> {
        let mut card = self.lock();
        let pin = ask_for(&mut card, &pins, kind, CardPurpose::Verify, None)?;
        Ok(card.verify_pin(kind.into(), &pin)?)
    }

    /// Changes a PIN (or the PUK): asks for the current one, then the new one.
    pub fn change_pin(&self, kind: PinKind, pins: Arc<dyn PinEntry>) -> Result<(), KnikError> {
        let mut card = self.lock();
        let current = ask_for(&mut card, &pins, kind, CardPurpose::ChangeCurrent, None)?;
        let new = ask_for(&mut card, &pins, kind, CardPurpose::ChangeNew, None)?;
        Ok(card.change_pin(kind.into(), &current, &new)?)
    }

    /// Unblocks PIN1 or PIN2: asks for the PUK, then the new PIN.
    pub fn unblock_pin(&self, kind: PinKind, pins: Arc<dyn PinEntry>) -> Result<(), KnikError> {
        if kind == PinKind::Puk {
            return Err(KnikError::invalid(
                "the PUK cannot be unblocked with itself",
            ));
        }
        let mut card = self.lock();
        let puk = ask_for(&mut card, &pins, kind, CardPurpose::Unblock, None)?;
        let new = ask_for(&mut card, &pins, kind, CardPurpose::UnblockNew, None)?;
        Ok(card.unblock_pin(kind.into(), &puk, &new)?)
    }

    /// Signs `digest` (made with `hash`) with the signing key after PIN2: the signer's half of
    /// a two-phase signature (`prepare_signature` → this → `finish_signature`). ECDSA values
    /// are raw `r‖s`.
    pub fn sign_digest(
        &self,
        hash: HashAlgorithm,
        digest: Vec<u8>,
        pins: Arc<dyn PinEntry>,
    ) -> Result<Vec<u8>, KnikError> {
        let mut card = self.lock();
        let pin = ask_for(&mut card, &pins, PinKind::Pin2, CardPurpose::Sign, None)?;
        Ok(card.sign(&pin, hash.into(), &digest)?.value)
    }

    /// A Web eID authentication token (`web-eid:1.0`, JSON) for `origin` and the server's
    /// `challenge_nonce`, signed by the authentication key after PIN1: what the Web eID
    /// extension returns to a page, for an e-service to validate as usual. `origin` must be
    /// `https://…` (or `http://localhost` with `allow_http_localhost`, for development).
    pub fn web_eid_authenticate(
        &self,
        origin: String,
        challenge_nonce: String,
        allow_http_localhost: bool,
        pins: Arc<dyn PinEntry>,
    ) -> Result<String, KnikError> {
        let policy = if allow_http_localhost {
            OriginPolicy::DEVELOPER
        } else {
            OriginPolicy::STRICT
        };
        let origin = Origin::parse(&origin, policy)?;
        knik_webeid::nonce::check_nonce(&challenge_nonce)?;
        let mut card = self.lock();
        let der = card.certificate(CardRole::Authentication)?;
        let certificate = Certificate::from_der(&der)?;
        let algorithm = token_algorithm(certificate.public_key(), None)?;
        let digest = signed_value_digest(origin.as_str(), &challenge_nonce, algorithm);
        let hash = HashAlgorithm::from_pki(algorithm.hash())?;
        let pin = ask_for(
            &mut card,
            &pins,
            PinKind::Pin1,
            CardPurpose::Authenticate,
            Some(origin.host_and_port()),
        )?;
        let (signature, used) = card.authenticate_with_certificate(&pin, hash.into(), &digest)?;
        drop(pin);
        if used != der {
            // The native host's CardChanged: the token's certificate must be the key's.
            return Err(KnikError::Card {
                code: "CARD_REMOVED".to_owned(),
                detail: "another card answered half-way through: keep the same card in place \
                         and try again"
                    .to_owned(),
            });
        }
        let algorithm = token_algorithm(certificate.public_key(), Some(signature.algorithm))?;
        let app_version = format!(
            "{}/mobile/releases/{}",
            env!("CARGO_PKG_REPOSITORY"),
            env!("CARGO_PKG_VERSION")
        );
        Ok(AuthToken::create(&used, algorithm, &signature.value, &app_version).to_json())
    }
}

impl CardSession {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Card<ForeignTransport>> {
        self.card.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Asks for `kind` for `purpose`. For a secret the person already has (not a new PIN), the
/// tries left go into the request and a blocked secret is refused before the dialog opens, so
/// nobody types a PIN that cannot be used. `site` names where a Web eID login goes.
pub(crate) fn ask_for(
    card: &mut Card<ForeignTransport>,
    pins: &Arc<dyn PinEntry>,
    kind: PinKind,
    purpose: CardPurpose,
    site: Option<&str>,
) -> Result<Pin, KnikError> {
    let card_kind: knik_card::pin::PinKind = kind.into();
    let secret = if purpose == CardPurpose::Unblock {
        knik_card::pin::PinKind::Puk
    } else {
        card_kind
    };
    let role = if card_kind == knik_card::pin::PinKind::Pin2 {
        CardRole::Signing
    } else {
        CardRole::Authentication
    };
    let label = card
        .certificate(role)
        .ok()
        .and_then(|der| Certificate::from_der(&der).ok())
        .map(|c| holder_label(&c))
        .unwrap_or_else(|| "eID card".to_owned());
    // As the native host words it: "PETROSYAN ANI, citizen ID card, at e-service.am".
    let label = match site {
        Some(site) => format!("{label}, at {site}"),
        None => label,
    };
    let rule = card.profile().apdu()?.pins.get(secret);
    let mut request = CardPinRequest::new(card_kind, purpose, &label).lengths(rule.min, rule.max);
    if !purpose.is_new() {
        // A new PIN replaces the current one: its counter (and whether it is blocked, as it
        // is when unblocking) says nothing about what is typed now.
        let status = card.pin_status(secret)?;
        if status.blocked {
            return Err(knik_card::Error::PinBlocked { kind: secret }.into());
        }
        if let (Some(left), Some(max)) = (status.retries_left, status.max_tries) {
            request = request.retries(left, max);
        }
    }
    ask(pins, &request, site)
}

fn token_algorithm(
    key: &PublicKey,
    made: Option<SignatureAlgorithm>,
) -> Result<TokenAlgorithm, KnikError> {
    match (key, made) {
        (PublicKey::EcP256(_), None | Some(SignatureAlgorithm::Ecdsa)) => Ok(TokenAlgorithm::Es256),
        (PublicKey::EcP384(_), None | Some(SignatureAlgorithm::Ecdsa)) => Ok(TokenAlgorithm::Es384),
        (PublicKey::Rsa(_), None | Some(SignatureAlgorithm::RsaPkcs1v15)) => {
            Ok(TokenAlgorithm::Rs256)
        }
        (PublicKey::Rsa(_), Some(SignatureAlgorithm::RsaPss)) => Ok(TokenAlgorithm::Ps256),
        _ => Err(KnikError::Card {
            code: "CARD_UNSUPPORTED".to_owned(),
            detail: format!(
                "the card's {} key cannot make Web eID tokens",
                key.key_description()
            ),
        }),
    }
}
