//! A card's personalisation: which profile it runs, its keys and certificates, PINs and retry
//! counters, the personal-data file and the chip serial (`test-vectors/cards/*.toml`).
//!
//! ```toml
//! profile = "am-eid"
//! serial = "AMEID-0000000001"          # GET DATA answer, when the profile reads the serial so
//! # atr = "3B DB …"                    # optional; default: the profile's first exact ATR
//! [auth]
//! certificate = "../pki/holders/citizen/auth.pem"   # relative to this file's directory
//! key = "../pki/holders/citizen/auth.key"           # PKCS#8, unencrypted
//! [sign]
//! certificate = "../pki/holders/citizen/sign.pem"
//! key = "../pki/holders/citizen/sign.key"
//! [pins]
//! pin1 = { value = "1234", retries_left = 3 }
//! pin2 = { value = "12345", retries_left = 3 }
//! puk = { value = "12345678", retries_left = 3 }
//! [personal_data]
//! surname = "PETROSYAN"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::error::{Result, SimError};
use crate::key::{CardKey, read_certificate};

/// A card's personalisation, with the key and certificate files already read.
#[derive(Clone, Debug)]
pub struct CardImage {
    /// The profile id (`am-eid`, `ee-idemia`).
    pub profile: String,
    /// The ATR, when the image overrides the profile's first exact ATR.
    pub atr: Option<Vec<u8>>,
    /// The chip serial GET DATA returns (UTF-8 bytes of this text), when the card has one.
    pub serial: Option<String>,
    /// The authentication key and certificate.
    pub auth: KeyPair,
    /// The signing key and certificate.
    pub sign: KeyPair,
    /// PIN1, PIN2 and the PUK.
    pub pins: Pins,
    /// The personal-data fields by the profile's names; a field the profile names but the
    /// image leaves out is an empty file on the card.
    pub personal_data: BTreeMap<String, String>,
}

/// One key of the card with its certificate.
#[derive(Clone, Debug)]
pub struct KeyPair {
    /// The certificate, DER.
    pub certificate: Vec<u8>,
    /// The private key.
    pub key: CardKey,
}

/// The three secrets of the card.
#[derive(Clone, Debug)]
pub struct Pins {
    /// PIN1 (authentication).
    pub pin1: PinImage,
    /// PIN2 (signing).
    pub pin2: PinImage,
    /// PUK.
    pub puk: PinImage,
}

/// One secret and its initial retry counter. `Debug` never shows the value.
#[derive(Clone)]
pub struct PinImage {
    /// The PIN's characters (ASCII digits), wiped on drop.
    pub value: Zeroizing<Vec<u8>>,
    /// Tries left at power-up; `None` means the profile's `max_tries`. `0` = blocked.
    pub retries_left: Option<u8>,
}

impl std::fmt::Debug for PinImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinImage")
            .field("value", &"***")
            .field("retries_left", &self.retries_left)
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageFile {
    profile: String,
    #[serde(default)]
    atr: Option<String>,
    #[serde(default)]
    serial: Option<String>,
    auth: KeyFiles,
    sign: KeyFiles,
    pins: PinFiles,
    #[serde(default)]
    personal_data: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFiles {
    certificate: String,
    key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PinFiles {
    pin1: PinFile,
    pin2: PinFile,
    puk: PinFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PinFile {
    value: String,
    #[serde(default)]
    retries_left: Option<u8>,
}

impl CardImage {
    /// Reads a personalisation file; relative key and certificate paths are resolved against
    /// the file's directory. Each key must match the public key of its certificate.
    pub fn load(path: impl AsRef<Path>) -> Result<CardImage> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SimError::Io {
            path: shown.clone(),
            detail: e.to_string(),
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        CardImage::parse(&text, &shown, &base)
    }

    /// Parses the text of a personalisation file; `base` is the directory relative paths start
    /// from, `name` names the file in errors.
    pub fn parse(text: &str, name: &str, base: &Path) -> Result<CardImage> {
        let image_err = |detail: String| SimError::Image {
            path: name.to_string(),
            detail,
        };
        let file: ImageFile = toml::from_str(text).map_err(|e| image_err(e.to_string()))?;
        let atr = match &file.atr {
            Some(hex_atr) => Some(parse_hex(hex_atr).map_err(|e| image_err(format!("atr: {e}")))?),
            None => None,
        };
        let auth = load_pair(base, &file.auth)?;
        let sign = load_pair(base, &file.sign)?;
        let pin = |p: &PinFile, which: &str| -> Result<PinImage> {
            if p.value.is_empty() || !p.value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(image_err(format!("pins.{which}: the value must be digits")));
            }
            Ok(PinImage {
                value: Zeroizing::new(p.value.as_bytes().to_vec()),
                retries_left: p.retries_left,
            })
        };
        let pins = Pins {
            pin1: pin(&file.pins.pin1, "pin1")?,
            pin2: pin(&file.pins.pin2, "pin2")?,
            puk: pin(&file.pins.puk, "puk")?,
        };
        Ok(CardImage {
            profile: file.profile,
            atr,
            serial: file.serial,
            auth,
            sign,
            pins,
            personal_data: file.personal_data,
        })
    }
}

fn load_pair(base: &Path, files: &KeyFiles) -> Result<KeyPair> {
    let read = |rel: &str| -> Result<(Vec<u8>, String)> {
        let p: PathBuf = base.join(rel);
        let shown = p.display().to_string();
        let bytes = std::fs::read(&p).map_err(|e| SimError::Io {
            path: shown.clone(),
            detail: e.to_string(),
        })?;
        Ok((bytes, shown))
    };
    let (cert_bytes, cert_path) = read(&files.certificate)?;
    let (certificate, cert_spki) = read_certificate(&cert_bytes, &cert_path)?;
    let (key_bytes, key_path) = read(&files.key)?;
    let key_bytes = Zeroizing::new(key_bytes);
    let key = CardKey::from_pkcs8(&key_bytes, &key_path)?;
    if key.public_key_der() != cert_spki {
        return Err(SimError::Key {
            path: key_path,
            detail: format!("the key does not belong to the certificate {cert_path}"),
        });
    }
    Ok(KeyPair { certificate, key })
}

/// Hex with optional spaces or colons, as profile and image files write it.
pub(crate) fn parse_hex(s: &str) -> std::result::Result<Vec<u8>, String> {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    hex::decode(&compact).map_err(|e| format!("{s:?} is not hex: {e}"))
}
