//! A card reached through a PKCS#11 module, as a [`Token`].
//!
//! Procedure per operation (reference/web-eid.md §4.7): read the token flags and refuse to send
//! a PIN to a blocked one; open a session; `C_Login`; find the private key by the `CKA_ID` of
//! its certificate (exactly one); choose the mechanism from `CKA_KEY_TYPE`; `C_Sign`; log out
//! and close the session (guards, also on error).
//!
//! PINs. A PKCS#11 token has one user PIN and one security-officer (SO) PIN per slot. PIN1
//! and PIN2 are both the user PIN of the slot that holds the key's certificate; the PUK is the
//! SO PIN. For a single-PIN token (the usual case, and SoftHSM) PIN1 and PIN2 are therefore the
//! same secret. Modules that expose a two-PIN card as two slots (OpenSC does, one slot per PIN,
//! both with the card's serial number) are opened as one token over both slots: the
//! authentication key is then unlocked by the user PIN of its slot (PIN1) and the signing key
//! by that of the other (PIN2). Unblocking logs in as SO with the PUK and calls `C_InitPIN`.
//!
//! Keys with `CKA_ALWAYS_AUTHENTICATE` (OpenSC sets it on keys whose PIN must be entered for
//! every signature) need a second, context-specific login after `C_SignInit`. cryptoki 0.10
//! offers no call between `C_SignInit` and a single-part `C_Sign`, so such keys are signed with
//! `C_SignInit`, `C_Login(CKU_CONTEXT_SPECIFIC)`, `C_SignUpdate`, `C_SignFinal`: OpenSC buffers
//! the data of raw mechanisms and accepts this; SoftHSM refuses multi-part raw mechanisms, so this
//! path is NOT exercised by the tests here.

use std::sync::Arc;

use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, CertificateType, KeyType, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::{AuthPin, RawAuthPin};

use super::ckr::{self, Tries};
use super::classify::classify;
use super::module::am_legacy;
use super::provider::{LoadedModule, Pkcs11Slot};
use crate::error::{Error, Result};
use crate::personal_data::PersonalData;
use crate::pin::{Pin, PinKind};
use crate::profile::Profile;
use crate::token::{
    HashAlgorithm, KeyRole, PinStatus, Signature, SignatureAlgorithm, Token, TokenInfo,
};

/// The padding used with RSA keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RsaPadding {
    /// PKCS#1 v1.5 (`CKM_RSA_PKCS` over a DigestInfo built here): what XAdES signatures and
    /// Web eID's RS256 expect, and what every eID card supports.
    #[default]
    Pkcs1v15,
    /// PSS (`CKM_RSA_PKCS_PSS`, MGF1 with the digest's hash, salt as long as the digest).
    Pss,
}

/// A certificate found on the token, with the key it belongs to.
#[derive(Clone, Debug)]
struct FoundCertificate {
    role: KeyRole,
    der: Vec<u8>,
    /// `CKA_ID`, shared with the private key.
    id: Vec<u8>,
    /// Index into `Pkcs11Token::slots`.
    slot: usize,
}

/// A token opened by [`super::Pkcs11Provider::open`].
pub struct Pkcs11Token {
    module: Arc<LoadedModule>,
    /// The slot that was opened first, then other slots of the same card.
    slots: Vec<Pkcs11Slot>,
    profile: &'static Profile,
    certificates: Option<Vec<FoundCertificate>>,
    rsa_padding: RsaPadding,
}

impl std::fmt::Debug for Pkcs11Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Token")
            .field("slots", &self.slots)
            .finish_non_exhaustive()
    }
}

/// A logged-in session; logs out on drop, then the session closes.
struct LoggedIn {
    session: Session,
}

impl Drop for LoggedIn {
    fn drop(&mut self) {
        // CKR_USER_NOT_LOGGED_IN here is harmless (some modules log out by themselves after a
        // signature; web-eid.md §4.5), and nothing useful can be done with other errors.
        let _ = self.session.logout();
    }
}

fn pss_params(hash: HashAlgorithm) -> Result<PkcsPssParams> {
    let (hash_alg, mgf) = match hash {
        HashAlgorithm::Sha256 => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
        HashAlgorithm::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
        HashAlgorithm::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
    };
    let s_len = hash.len().try_into().map_err(ckr::error)?;
    Ok(PkcsPssParams {
        hash_alg,
        mgf,
        s_len,
    })
}

impl Pkcs11Token {
    pub(crate) fn new(module: Arc<LoadedModule>, slots: Vec<Pkcs11Slot>) -> Result<Pkcs11Token> {
        Ok(Pkcs11Token {
            module,
            slots,
            profile: am_legacy()?,
            certificates: None,
            rsa_padding: RsaPadding::default(),
        })
    }

    /// The slot this token was opened on.
    pub fn slot(&self) -> &Pkcs11Slot {
        &self.slots[0]
    }

    /// The padding used for RSA keys from now on (PKCS#1 v1.5 unless changed).
    pub fn set_rsa_padding(&mut self, padding: RsaPadding) {
        self.rsa_padding = padding;
    }

    /// The padding used for RSA keys.
    pub fn rsa_padding(&self) -> RsaPadding {
        self.rsa_padding
    }

    fn cryptoki_slot(&self, index: usize) -> Result<Slot> {
        Slot::try_from(self.slots[index].slot_id).map_err(ckr::error)
    }

    /// Fresh token information (flags change with every wrong PIN).
    fn describe(&self, index: usize) -> Result<Pkcs11Slot> {
        self.module
            .describe(self.cryptoki_slot(index)?)
            .map_err(ckr::error)
    }

    /// Reads and classifies the certificates of every slot once (they need no PIN).
    fn certificates(&mut self) -> Result<&[FoundCertificate]> {
        if self.certificates.is_none() {
            let mut found = Vec::new();
            for index in 0..self.slots.len() {
                let session = self
                    .module
                    .ctx()
                    .open_ro_session(self.cryptoki_slot(index)?)
                    .map_err(ckr::error)?;
                let template = [
                    Attribute::Class(ObjectClass::CERTIFICATE),
                    Attribute::CertificateType(CertificateType::X_509),
                ];
                for handle in session.find_objects(&template).map_err(ckr::error)? {
                    let attrs = session
                        .get_attributes(handle, &[AttributeType::Value, AttributeType::Id])
                        .map_err(ckr::error)?;
                    let (mut der, mut id) = (None, None);
                    for a in attrs {
                        match a {
                            Attribute::Value(v) => der = Some(v),
                            Attribute::Id(v) => id = Some(v),
                            _ => {}
                        }
                    }
                    let (Some(der), Some(id)) = (der, id) else {
                        continue;
                    };
                    // The first certificate of each role wins (web-eid.md §4.7).
                    if let Some(role) = classify(&der)
                        && !found.iter().any(|c: &FoundCertificate| c.role == role)
                    {
                        found.push(FoundCertificate {
                            role,
                            der,
                            id,
                            slot: index,
                        });
                    }
                }
            }
            self.certificates = Some(found);
        }
        Ok(self.certificates.as_deref().unwrap_or_default())
    }

    fn found(&mut self, role: KeyRole) -> Result<FoundCertificate> {
        self.certificates()?
            .iter()
            .find(|c| c.role == role)
            .cloned()
            .ok_or_else(|| {
                Error::NotFound(match role {
                    KeyRole::Authentication => "the authentication certificate".to_string(),
                    KeyRole::Signing => "the signing certificate".to_string(),
                })
            })
    }

    /// The slot whose PIN `kind` is: that of the key's certificate for PIN1/PIN2, the first
    /// slot for the PUK or when the certificate is missing.
    fn slot_for(&mut self, kind: PinKind) -> Result<usize> {
        let role = match kind {
            PinKind::Pin1 => KeyRole::Authentication,
            PinKind::Pin2 => KeyRole::Signing,
            PinKind::Puk => return Ok(0),
        };
        Ok(self
            .certificates()?
            .iter()
            .find(|c| c.role == role)
            .map_or(0, |c| c.slot))
    }

    /// Checks a PIN against the token's rules before anything is sent.
    fn check_format(kind: PinKind, pin: &Pin, d: &Pkcs11Slot) -> Result<()> {
        let len = pin.len();
        let pin_pad = d.flags.protected_authentication_path && pin.is_empty();
        if !pin_pad && (len < usize::from(d.min_pin_len) || len > usize::from(d.max_pin_len)) {
            return Err(Error::PinFormat {
                kind,
                min: d.min_pin_len,
                max: d.max_pin_len,
            });
        }
        if std::str::from_utf8(pin.expose()).is_err() {
            return Err(Error::PinFormat {
                kind,
                min: d.min_pin_len,
                max: d.max_pin_len,
            });
        }
        Ok(())
    }

    /// Opens a session on slot `index` and logs in with `pin` as the user (PIN1, PIN2) or the
    /// security officer (PUK). Never sends a PIN the flags say is blocked.
    fn login(&self, index: usize, kind: PinKind, pin: &Pin, rw: bool) -> Result<LoggedIn> {
        let d = self.describe(index)?;
        if Tries::from_flags(kind, &d.flags) == Tries::Blocked {
            return Err(Error::PinBlocked { kind });
        }
        Self::check_format(kind, pin, &d)?;
        let slot = self.cryptoki_slot(index)?;
        let ctx = self.module.ctx();
        let session = if rw {
            ctx.open_rw_session(slot)
        } else {
            ctx.open_ro_session(slot)
        }
        .map_err(ckr::error)?;
        let user = if kind == PinKind::Puk {
            UserType::So
        } else {
            UserType::User
        };
        let result = if pin.is_empty() && d.flags.protected_authentication_path {
            // The PIN pad or the module's own dialog asks for it.
            session.login(user, None)
        } else {
            session.login_with_raw(user, &RawAuthPin::new(pin.expose().to_vec()))
        };
        result.map_err(|e| {
            ckr::pin_error(e, kind, (d.min_pin_len, d.max_pin_len), || {
                self.describe(index).ok().map(|d| d.flags)
            })
        })?;
        Ok(LoggedIn { session })
    }

    /// The second login that a `CKA_ALWAYS_AUTHENTICATE` key needs after `C_SignInit`.
    fn context_login(
        &self,
        session: &Session,
        index: usize,
        kind: PinKind,
        pin: &Pin,
    ) -> Result<()> {
        let result = if pin.is_empty() && self.slots[index].flags.protected_authentication_path {
            session.login(UserType::ContextSpecific, None)
        } else {
            let pin = RawAuthPin::new(pin.expose().to_vec());
            session.login_with_raw(UserType::ContextSpecific, &pin)
        };
        let len = (self.slots[index].min_pin_len, self.slots[index].max_pin_len);
        result.map_err(|e| {
            ckr::pin_error(e, kind, len, || self.describe(index).ok().map(|d| d.flags))
        })
    }

    fn sign_with(
        &mut self,
        role: KeyRole,
        pin: &Pin,
        hash: HashAlgorithm,
        digest: &[u8],
    ) -> Result<Signature> {
        if digest.len() != hash.len() {
            return Err(Error::InvalidArgument(format!(
                "a {hash:?} digest is {} bytes, not {}",
                hash.len(),
                digest.len()
            )));
        }
        let cert = self.found(role)?;
        let logged_in = self.login(cert.slot, role.pin_kind(), pin, false)?;
        let session = &logged_in.session;
        let template = [
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(cert.id.clone()),
        ];
        let keys = session.find_objects(&template).map_err(ckr::error)?;
        let key = match keys.as_slice() {
            [key] => *key,
            [] => {
                return Err(Error::NotFound(format!(
                    "the private key of the {} certificate (CKA_ID {})",
                    role.id(),
                    hex::encode(&cert.id)
                )));
            }
            many => {
                return Err(Error::Malformed {
                    what: "token objects".to_string(),
                    detail: format!(
                        "{} private keys share CKA_ID {}",
                        many.len(),
                        hex::encode(&cert.id)
                    ),
                });
            }
        };
        let (mut key_type, mut always_authenticate) = (None, false);
        let attrs = [AttributeType::KeyType, AttributeType::AlwaysAuthenticate];
        for a in session.get_attributes(key, &attrs).map_err(ckr::error)? {
            match a {
                Attribute::KeyType(t) => key_type = Some(t),
                Attribute::AlwaysAuthenticate(b) => always_authenticate = b,
                _ => {}
            }
        }
        let (mechanism, data, algorithm) = match key_type {
            // The token hashes nothing: the digest goes in as is (cards do the same), and the
            // answer is raw r‖s (PKCS#11 v2.40 §2.3.1).
            Some(t) if t == KeyType::EC => {
                (Mechanism::Ecdsa, digest.to_vec(), SignatureAlgorithm::Ecdsa)
            }
            Some(t) if t == KeyType::RSA => match self.rsa_padding {
                RsaPadding::Pkcs1v15 => {
                    let mut data = hash.digest_info_prefix().to_vec();
                    data.extend_from_slice(digest);
                    (Mechanism::RsaPkcs, data, SignatureAlgorithm::RsaPkcs1v15)
                }
                RsaPadding::Pss => (
                    Mechanism::RsaPkcsPss(pss_params(hash)?),
                    digest.to_vec(),
                    SignatureAlgorithm::RsaPss,
                ),
            },
            other => {
                return Err(Error::InvalidArgument(format!(
                    "the {} key is of a type knik cannot sign with ({})",
                    role.id(),
                    other.map_or_else(|| "unknown".to_string(), |t| t.to_string())
                )));
            }
        };
        let value = if always_authenticate {
            session.sign_init(&mechanism, key).map_err(ckr::error)?;
            self.context_login(session, cert.slot, role.pin_kind(), pin)?;
            session.sign_update(&data).map_err(ckr::error)?;
            session.sign_final().map_err(ckr::error)?
        } else {
            session.sign(&mechanism, key, &data).map_err(ckr::error)?
        };
        Ok(Signature {
            value,
            algorithm,
            hash,
        })
    }
}

impl Token for Pkcs11Token {
    fn info(&mut self) -> Result<TokenInfo> {
        let slot = self.describe(0)?;
        let non_empty = |s: String| (!s.is_empty()).then_some(s);
        Ok(TokenInfo {
            profile: self.profile.id.clone(),
            name: self.profile.name.clone(),
            reader: non_empty(slot.slot_description),
            serial: non_empty(slot.serial),
            atr: None,
            assumed_profile: self.profile.is_assumed(),
        })
    }

    fn certificate(&mut self, role: KeyRole) -> Result<Vec<u8>> {
        Ok(self.found(role)?.der)
    }

    /// From the token flags: PKCS#11 has no counter, so `retries_left` is `None` unless a flag
    /// says 0, 1 or 2 (see [`super::TokenFlags`]); `max_tries` is never known.
    fn pin_status(&mut self, kind: PinKind) -> Result<PinStatus> {
        let index = self.slot_for(kind)?;
        let flags = self.describe(index)?.flags;
        let tries = Tries::from_flags(kind, &flags);
        Ok(PinStatus {
            kind,
            retries_left: match tries {
                Tries::Blocked => Some(0),
                Tries::Left(n) => Some(n),
                Tries::Unknown => None,
            },
            max_tries: None,
            blocked: tries == Tries::Blocked,
        })
    }

    fn authenticate(&mut self, pin: &Pin, hash: HashAlgorithm, digest: &[u8]) -> Result<Signature> {
        self.sign_with(KeyRole::Authentication, pin, hash, digest)
    }

    fn sign(&mut self, pin: &Pin, hash: HashAlgorithm, digest: &[u8]) -> Result<Signature> {
        self.sign_with(KeyRole::Signing, pin, hash, digest)
    }

    fn verify_pin(&mut self, kind: PinKind, pin: &Pin) -> Result<()> {
        let index = self.slot_for(kind)?;
        // The SO may only log in to a read-write session.
        self.login(index, kind, pin, kind == PinKind::Puk).map(drop)
    }

    /// PIN1/PIN2: `C_SetPIN` in a read-write session that is not logged in (changes the user
    /// PIN, PKCS#11 v2.40 §5.6). PUK: log in as SO, then `C_SetPIN` (changes the SO PIN).
    fn change_pin(&mut self, kind: PinKind, current: &Pin, new: &Pin) -> Result<()> {
        if current == new {
            return Err(Error::PinNotAccepted {
                kind,
                reason: "the new PIN is the same as the current one".to_string(),
            });
        }
        let index = self.slot_for(kind)?;
        let d = self.describe(index)?;
        Self::check_format(kind, new, &d)?;
        let len = (d.min_pin_len, d.max_pin_len);
        let (old_pin, new_pin) = (auth_pin(current), auth_pin(new));
        let flags_after = || self.describe(index).ok().map(|d| d.flags);
        if kind == PinKind::Puk {
            let logged_in = self.login(index, kind, current, true)?;
            logged_in
                .session
                .set_pin(&old_pin, &new_pin)
                .map_err(|e| ckr::pin_error(e, kind, len, flags_after))
        } else {
            if Tries::from_flags(kind, &d.flags) == Tries::Blocked {
                return Err(Error::PinBlocked { kind });
            }
            Self::check_format(kind, current, &d)?;
            let session = self
                .module
                .ctx()
                .open_rw_session(self.cryptoki_slot(index)?)
                .map_err(ckr::error)?;
            session
                .set_pin(&old_pin, &new_pin)
                .map_err(|e| ckr::pin_error(e, kind, len, flags_after))
        }
    }

    /// Logs in as SO with the PUK and sets a new user PIN with `C_InitPIN`, which also clears
    /// the user PIN's lock.
    fn unblock_pin(&mut self, kind: PinKind, puk: &Pin, new: &Pin) -> Result<()> {
        if kind == PinKind::Puk {
            return Err(Error::InvalidArgument(
                "the PUK cannot be unblocked with itself; only the issuer can".to_string(),
            ));
        }
        let index = self.slot_for(kind)?;
        let d = self.describe(index)?;
        Self::check_format(kind, new, &d)?;
        let logged_in = self.login(index, PinKind::Puk, puk, true)?;
        logged_in
            .session
            .init_pin(&auth_pin(new))
            .map_err(|e| ckr::pin_error(e, kind, (d.min_pin_len, d.max_pin_len), || None))
    }

    /// PKCS#11 tokens have no personal-data file.
    fn personal_data(&mut self) -> Result<Option<PersonalData>> {
        Ok(None)
    }
}

/// The PIN as the secret string cryptoki wants (`check_format` has made sure it is UTF-8).
fn auth_pin(pin: &Pin) -> AuthPin {
    AuthPin::new(String::from_utf8_lossy(pin.expose()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_can_move_to_another_thread() {
        fn send<T: Send>() {}
        send::<Pkcs11Token>();
        send::<super::super::Pkcs11Provider>();
    }

    #[test]
    fn digest_info_prefixes_announce_the_digest_that_follows() {
        for hash in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let p = hash.digest_info_prefix();
            // SEQUENCE length covers the prefix after its header plus the digest.
            assert_eq!(usize::from(p[1]), p.len() - 2 + hash.len());
            assert_eq!(usize::from(p[p.len() - 1]), hash.len());
        }
    }
}
