//! One interface over everything that holds a citizen's keys: an APDU card
//! ([`crate::card::Card`]) or a PKCS#11 token ([`crate::pkcs11`]).
//!
//! The flows above (signing, Web eID authentication, `knik card`) are written against
//! [`Token`] and do not care how the card is reached.

use crate::error::Result;
use crate::personal_data::PersonalData;
use crate::pin::{Pin, PinKind};

/// Which key of the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyRole {
    /// The authentication key (PIN1): logging in, Web eID tokens.
    Authentication,
    /// The qualified signing key (PIN2).
    Signing,
}

impl KeyRole {
    /// The PIN that unlocks this key.
    pub fn pin_kind(self) -> PinKind {
        match self {
            KeyRole::Authentication => PinKind::Pin1,
            KeyRole::Signing => PinKind::Pin2,
        }
    }

    /// A stable lower-case identifier.
    pub fn id(self) -> &'static str {
        match self {
            KeyRole::Authentication => "auth",
            KeyRole::Signing => "sign",
        }
    }
}

/// The hash function that produced a digest handed to the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256 (32 bytes).
    Sha256,
    /// SHA-384 (48 bytes).
    Sha384,
    /// SHA-512 (64 bytes).
    Sha512,
}

impl HashAlgorithm {
    /// Digest length in bytes.
    pub fn len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }

    /// Never true; present because clippy pairs `len` with `is_empty`.
    pub fn is_empty(self) -> bool {
        false
    }

    /// The DER prefix of a `DigestInfo` with this hash (RFC 8017 §9.2, note 1): what an RSA
    /// key signs in front of the digest for PKCS#1 v1.5.
    pub fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            HashAlgorithm::Sha256 => &[
                0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            HashAlgorithm::Sha384 => &[
                0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            HashAlgorithm::Sha512 => &[
                0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }
}

/// How the signature value is formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// ECDSA; the value is raw `r‖s`, each half the curve size.
    Ecdsa,
    /// RSA PKCS#1 v1.5 over a DigestInfo.
    RsaPkcs1v15,
    /// RSA-PSS (MGF1 with the same hash, salt length = hash length).
    RsaPss,
}

/// A signature made by a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The value: raw `r‖s` for ECDSA, the RSA block for RSA.
    pub value: Vec<u8>,
    /// How it was made.
    pub algorithm: SignatureAlgorithm,
    /// Over which hash.
    pub hash: HashAlgorithm,
}

/// What the host knows about a token without a PIN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    /// Profile id (`am-eid`, `ee-idemia`, `am-legacy`).
    pub profile: String,
    /// Profile display name.
    pub name: String,
    /// Reader (PC/SC) or slot description (PKCS#11).
    pub reader: Option<String>,
    /// Card serial or document number, when the card tells it without a PIN.
    pub serial: Option<String>,
    /// The ATR, for APDU cards.
    pub atr: Option<Vec<u8>>,
    /// True when the profile's values are assumptions rather than published facts.
    pub assumed_profile: bool,
}

/// The state of one PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinStatus {
    /// Which PIN.
    pub kind: PinKind,
    /// Tries left, when the token reports a number (PKCS#11 only reports flags).
    pub retries_left: Option<u8>,
    /// The maximum number of tries, when known.
    pub max_tries: Option<u8>,
    /// No tries left.
    pub blocked: bool,
}

/// A card or token holding an authentication and a signing key.
///
/// Every method is one complete operation (for PC/SC: one transaction). Methods that take a
/// PIN read the retry counter first and never send a PIN to a blocked key.
pub trait Token {
    /// Profile, reader, serial.
    fn info(&mut self) -> Result<TokenInfo>;

    /// The certificate (DER) of one key; cached after the first read.
    fn certificate(&mut self, role: KeyRole) -> Result<Vec<u8>>;

    /// The retry counter of one PIN.
    fn pin_status(&mut self, kind: PinKind) -> Result<PinStatus>;

    /// Signs `digest` (made with `hash`) with the authentication key after verifying PIN1.
    fn authenticate(&mut self, pin: &Pin, hash: HashAlgorithm, digest: &[u8]) -> Result<Signature>;

    /// [`Token::authenticate`] and the authentication certificate together, as a Web eID
    /// authentication token needs them. APDU cards do both in one transaction (at most six
    /// APDUs with a warm certificate cache, docs/cards.md); the default makes two calls.
    fn authenticate_with_certificate(
        &mut self,
        pin: &Pin,
        hash: HashAlgorithm,
        digest: &[u8],
    ) -> Result<(Signature, Vec<u8>)> {
        let certificate = self.certificate(KeyRole::Authentication)?;
        let signature = self.authenticate(pin, hash, digest)?;
        Ok((signature, certificate))
    }

    /// Signs `digest` (made with `hash`) with the signing key after verifying PIN2.
    fn sign(&mut self, pin: &Pin, hash: HashAlgorithm, digest: &[u8]) -> Result<Signature>;

    /// Checks a PIN without using a key.
    fn verify_pin(&mut self, kind: PinKind, pin: &Pin) -> Result<()>;

    /// Changes a PIN (or the PUK) knowing the current one.
    fn change_pin(&mut self, kind: PinKind, current: &Pin, new: &Pin) -> Result<()>;

    /// Unblocks PIN1 or PIN2 with the PUK and sets a new PIN.
    fn unblock_pin(&mut self, kind: PinKind, puk: &Pin, new: &Pin) -> Result<()>;

    /// The public personal-data file, where the card has one (PKCS#11 tokens do not).
    fn personal_data(&mut self) -> Result<Option<PersonalData>>;
}
