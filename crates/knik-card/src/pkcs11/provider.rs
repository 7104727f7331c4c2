//! A loaded PKCS#11 module and the tokens it sees.
//!
//! `C_Initialize` and `C_Finalize` are process-wide per module, so a module is loaded once
//! per process and shared, as Web eID's `PKCS11CardManager` does (reference/web-eid.md §4.7):
//! [`Pkcs11Provider::load`] returns the already-initialised module when another provider or
//! token still holds it, and the module is finalised and unloaded when the last one is dropped.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::slot::Slot;

use super::ckr;
use super::module::Pkcs11Module;
use super::token::Pkcs11Token;
use crate::error::{Error, Result};

/// The flags of `CK_TOKEN_INFO` that matter for PIN handling and display.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenFlags {
    /// `CKF_TOKEN_INITIALIZED`.
    pub token_initialized: bool,
    /// `CKF_LOGIN_REQUIRED`: keys need a PIN.
    pub login_required: bool,
    /// `CKF_PROTECTED_AUTHENTICATION_PATH`: the PIN is entered on a PIN pad or in the
    /// module's own dialog (then an empty [`crate::pin::Pin`] is passed).
    pub protected_authentication_path: bool,
    /// `CKF_WRITE_PROTECTED`.
    pub write_protected: bool,
    /// `CKF_USER_PIN_INITIALIZED`.
    pub user_pin_initialized: bool,
    /// `CKF_USER_PIN_COUNT_LOW`: a wrong user PIN was entered since the last success.
    pub user_pin_count_low: bool,
    /// `CKF_USER_PIN_FINAL_TRY`: one more wrong user PIN blocks it.
    pub user_pin_final_try: bool,
    /// `CKF_USER_PIN_LOCKED`: the user PIN is blocked.
    pub user_pin_locked: bool,
    /// `CKF_USER_PIN_TO_BE_CHANGED`.
    pub user_pin_to_be_changed: bool,
    /// `CKF_SO_PIN_COUNT_LOW`.
    pub so_pin_count_low: bool,
    /// `CKF_SO_PIN_FINAL_TRY`.
    pub so_pin_final_try: bool,
    /// `CKF_SO_PIN_LOCKED`.
    pub so_pin_locked: bool,
}

/// A slot with a token in it, as listed by [`Pkcs11Provider::tokens`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pkcs11Slot {
    /// The module's slot id (valid for this process and module only).
    pub slot_id: u64,
    /// Slot description (for card readers: the reader's name).
    pub slot_description: String,
    /// Token label.
    pub label: String,
    /// Token manufacturer.
    pub manufacturer: String,
    /// Token model.
    pub model: String,
    /// Token serial number.
    pub serial: String,
    /// Token flags.
    pub flags: TokenFlags,
    /// Shortest PIN the token accepts.
    pub min_pin_len: u8,
    /// Longest PIN the token accepts.
    pub max_pin_len: u8,
}

impl Pkcs11Slot {
    /// True when `other` is another slot of the same physical card (modules that expose one
    /// slot per PIN, e.g. OpenSC, give both the card's serial number).
    pub fn same_card(&self, other: &Pkcs11Slot) -> bool {
        !self.serial.is_empty()
            && self.serial == other.serial
            && self.manufacturer == other.manufacturer
            && self.model == other.model
    }
}

/// One loaded, initialised module (shared; finalised when the last user drops it).
pub(crate) struct LoadedModule {
    ctx: Option<Pkcs11>,
    path: PathBuf,
}

impl LoadedModule {
    pub(crate) fn ctx(&self) -> &Pkcs11 {
        // `ctx` is only taken in `drop`.
        self.ctx
            .as_ref()
            .unwrap_or_else(|| unreachable!("module used after finalisation"))
    }

    /// The slot's current description, token information and flags.
    pub(crate) fn describe(&self, slot: Slot) -> std::result::Result<Pkcs11Slot, CkError> {
        let ctx = self.ctx();
        let s = ctx.get_slot_info(slot)?;
        let t = ctx.get_token_info(slot)?;
        let clamp = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
        Ok(Pkcs11Slot {
            slot_id: slot.id(),
            slot_description: s.slot_description().trim().to_string(),
            label: t.label().trim().to_string(),
            manufacturer: t.manufacturer_id().trim().to_string(),
            model: t.model().trim().to_string(),
            serial: t.serial_number().trim().to_string(),
            flags: TokenFlags {
                token_initialized: t.token_initialized(),
                login_required: t.login_required(),
                protected_authentication_path: t.protected_authentication_path(),
                write_protected: t.write_protected(),
                user_pin_initialized: t.user_pin_initialized(),
                user_pin_count_low: t.user_pin_count_low(),
                user_pin_final_try: t.user_pin_final_try(),
                user_pin_locked: t.user_pin_locked(),
                user_pin_to_be_changed: t.user_pin_to_be_changed(),
                so_pin_count_low: t.so_pin_count_low(),
                so_pin_final_try: t.so_pin_final_try(),
                so_pin_locked: t.so_pin_locked(),
            },
            min_pin_len: clamp(t.min_pin_length()),
            max_pin_len: clamp(t.max_pin_length()),
        })
    }
}

impl Drop for LoadedModule {
    fn drop(&mut self) {
        // Finalise under the registry lock so that a concurrent `load` of the same module
        // cannot call C_Initialize between our last use and C_Finalize.
        let _registry = registry();
        drop(self.ctx.take());
    }
}

type Registry = Vec<(PathBuf, Weak<LoadedModule>)>;

fn registry() -> MutexGuard<'static, Registry> {
    static LOADED: OnceLock<Mutex<Registry>> = OnceLock::new();
    LOADED
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A loaded PKCS#11 module: lists tokens and opens them.
#[derive(Clone)]
pub struct Pkcs11Provider {
    module: Arc<LoadedModule>,
}

impl std::fmt::Debug for Pkcs11Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Provider")
            .field("module", &self.module.path)
            .finish()
    }
}

impl Pkcs11Provider {
    /// Loads the module and calls `C_Initialize` (OS locking), or shares the module already
    /// loaded by this process. `C_Finalize` runs when the last provider and token are dropped.
    pub fn load(module: &Pkcs11Module) -> Result<Pkcs11Provider> {
        let path = module
            .path()
            .canonicalize()
            .map_err(|e| Error::Pkcs11Module(format!("{}: {e}", module.path().display())))?;
        let mut loaded = registry();
        loaded.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(existing) = loaded
            .iter()
            .find(|(p, _)| *p == path)
            .and_then(|(_, weak)| weak.upgrade())
        {
            return Ok(Pkcs11Provider { module: existing });
        }
        let ctx = Pkcs11::new(&path)
            .map_err(|e| Error::Pkcs11Module(format!("{}: {e}", path.display())))?;
        ctx.initialize(CInitializeArgs::OsThreads)
            .map_err(ckr::error)?;
        let module = Arc::new(LoadedModule {
            ctx: Some(ctx),
            path: path.clone(),
        });
        loaded.push((path, Arc::downgrade(&module)));
        Ok(Pkcs11Provider { module })
    }

    /// The module's file (canonical path).
    pub fn module_path(&self) -> &Path {
        &self.module.path
    }

    /// The module's own description (`CK_INFO`: manufacturer and library description).
    pub fn library_description(&self) -> Result<String> {
        let info = self.module.ctx().get_library_info().map_err(ckr::error)?;
        Ok(format!(
            "{} {}",
            info.manufacturer_id().trim(),
            info.library_description().trim()
        ))
    }

    /// Slots with an initialised token present. Slots whose token the module does not
    /// recognise (another kind of card in a reader) are left out.
    pub fn tokens(&self) -> Result<Vec<Pkcs11Slot>> {
        let slots = self
            .module
            .ctx()
            .get_slots_with_token()
            .map_err(ckr::error)?;
        let mut out = Vec::new();
        for slot in slots {
            match self.module.describe(slot) {
                Ok(d) if d.flags.token_initialized => out.push(d),
                Ok(_) => {}
                Err(CkError::Pkcs11(
                    RvError::TokenNotRecognized
                    | RvError::TokenNotPresent
                    | RvError::DeviceRemoved
                    | RvError::DeviceError,
                    _,
                )) => {}
                Err(e) => return Err(ckr::error(e)),
            }
        }
        Ok(out)
    }

    /// Opens the token in `slot` (one of [`Self::tokens`]). Other slots of the same card
    /// (same serial number) are opened with it, so a module that exposes one slot per PIN
    /// still gives one token with both keys.
    pub fn open(&self, slot: &Pkcs11Slot) -> Result<Pkcs11Token> {
        let mut group = vec![slot.clone()];
        for other in self.tokens()? {
            if other.slot_id != slot.slot_id && slot.same_card(&other) {
                group.push(other);
            }
        }
        Pkcs11Token::new(self.module.clone(), group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(id: u64, serial: &str) -> Pkcs11Slot {
        Pkcs11Slot {
            slot_id: id,
            slot_description: "reader".into(),
            label: format!("card (PIN{id})"),
            manufacturer: "OpenSC".into(),
            model: "PKCS#15".into(),
            serial: serial.into(),
            flags: TokenFlags::default(),
            min_pin_len: 4,
            max_pin_len: 12,
        }
    }

    #[test]
    fn slots_of_one_card_are_recognised_by_serial_number() {
        assert!(slot(1, "AM0001").same_card(&slot(2, "AM0001")));
        assert!(!slot(1, "AM0001").same_card(&slot(2, "AM0002")));
        // Without a serial number nothing says two slots are one card.
        assert!(!slot(1, "").same_card(&slot(2, "")));
    }
}
