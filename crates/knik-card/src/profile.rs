//! Card profiles: what differs between card generations is data, not code (docs/cards.md
//! "Profile file schema").
//!
//! The TOML is read into private serde structures and then checked and converted into the
//! public types below, so every [`Profile`] a caller holds is consistent: AIDs of legal length,
//! `min ≤ max ≤ pad_to` for PINs, ATR masks as long as their patterns, a card-serial source
//! that exists.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::pin::PinKind;
use crate::token::KeyRole;

/// Whether a profile's values are published facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileStatus {
    /// Modelled on a related card; to be replaced when the issuer publishes the real values.
    Assumed,
    /// From a public specification or reference implementation.
    Public,
}

/// How the host reaches the card's keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Direct APDUs ([`crate::card::Card`]).
    #[default]
    Apdu,
    /// Through a PKCS#11 module.
    Pkcs11,
}

/// One ATR rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AtrRule {
    /// The ATR must equal these bytes.
    Exact(Vec<u8>),
    /// `(atr & mask) == (pattern & mask)`, equal lengths.
    Masked {
        /// Expected bits.
        pattern: Vec<u8>,
        /// Which bits count.
        mask: Vec<u8>,
    },
}

impl AtrRule {
    /// Whether `atr` satisfies the rule.
    pub fn matches(&self, atr: &[u8]) -> bool {
        match self {
            AtrRule::Exact(e) => e.as_slice() == atr,
            AtrRule::Masked { pattern, mask } => {
                atr.len() == pattern.len()
                    && atr
                        .iter()
                        .zip(pattern)
                        .zip(mask)
                        .all(|((a, p), m)| a & m == p & m)
            }
        }
    }
}

/// One of the card's applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Application {
    /// The main application (personal data).
    Main,
    /// The authentication ADF.
    Auth,
    /// The QSCD (signing) ADF.
    Sign,
}

impl Application {
    /// The profile's name for it.
    pub fn id(self) -> &'static str {
        match self {
            Application::Main => "main",
            Application::Auth => "auth",
            Application::Sign => "sign",
        }
    }

    fn parse(s: &str) -> Option<Application> {
        match s {
            "main" => Some(Application::Main),
            "auth" => Some(Application::Auth),
            "sign" => Some(Application::Sign),
            _ => None,
        }
    }
}

/// The AIDs of the card's applications.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applications {
    /// Main application.
    pub main: Vec<u8>,
    /// Authentication ADF.
    pub auth: Vec<u8>,
    /// Signing ADF.
    pub sign: Vec<u8>,
}

impl Applications {
    /// The AID of `app`.
    pub fn aid(&self, app: Application) -> &[u8] {
        match app {
            Application::Main => &self.main,
            Application::Auth => &self.auth,
            Application::Sign => &self.sign,
        }
    }
}

/// Where the card serial (the certificate-cache key) comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardSerialSource {
    /// GET DATA `00 CA <tag hi> <tag lo> 00`.
    GetData {
        /// P1 P2.
        tag: u16,
    },
    /// A field of the personal-data file.
    PersonalData {
        /// The field name.
        field: String,
    },
}

/// Where one certificate lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertificateFile {
    /// The application selected first.
    pub application: Application,
    /// The EF selected after it.
    pub file: u16,
}

/// The certificate files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificates {
    /// Authentication certificate.
    pub auth: CertificateFile,
    /// Signing certificate.
    pub sign: CertificateFile,
    /// READ BINARY chunk (1 ..= 256) when extended length is not available.
    pub short_read_chunk: usize,
}

impl Certificates {
    /// The file of `role`'s certificate.
    pub fn get(&self, role: KeyRole) -> CertificateFile {
        match role {
            KeyRole::Authentication => self.auth,
            KeyRole::Signing => self.sign,
        }
    }
}

/// An elliptic curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256.
    P256,
    /// NIST P-384.
    P384,
    /// NIST P-521.
    P521,
}

impl Curve {
    /// Field size in bytes: the length of a digest handed to the card and of `r` and `s`.
    pub fn size(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    fn parse(s: &str) -> Option<Curve> {
        match s {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }
}

/// What the host needs to know about one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// Key reference for MSE:SET (tag 84).
    pub reference: u8,
    /// Algorithm reference for an EC key (tag 80).
    pub ec_algorithm: Option<u8>,
    /// Algorithm reference for an RSA key (tag 80).
    pub rsa_algorithm: Option<u8>,
    /// The curve of an EC key; `None` for RSA.
    pub curve: Option<Curve>,
}

impl KeySpec {
    /// The algorithm byte for MSE:SET: the EC one for an EC key, else the RSA one.
    pub fn algorithm(&self) -> u8 {
        match self.curve {
            Some(_) => self.ec_algorithm.unwrap_or_default(),
            None => self.rsa_algorithm.unwrap_or_default(),
        }
    }
}

/// The keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    /// Authentication key.
    pub auth: KeySpec,
    /// Signing key.
    pub sign: KeySpec,
}

impl Keys {
    /// The key of `role`.
    pub fn get(&self, role: KeyRole) -> KeySpec {
        match role {
            KeyRole::Authentication => self.auth,
            KeyRole::Signing => self.sign,
        }
    }
}

/// Which characters a PIN may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Charset {
    /// ASCII digits 0-9.
    Digits,
    /// Printable ASCII (0x20 ..= 0x7E).
    Ascii,
}

impl Charset {
    /// Whether every byte of `pin` is allowed.
    pub fn allows(self, pin: &[u8]) -> bool {
        match self {
            Charset::Digits => pin.iter().all(u8::is_ascii_digit),
            Charset::Ascii => pin.iter().all(|b| (0x20..=0x7E).contains(b)),
        }
    }
}

/// The rules of one PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinRule {
    /// Reference for VERIFY / GET DATA; bit 8 set means local to the ADF holding the key.
    pub reference: u8,
    /// Shortest PIN.
    pub min: u8,
    /// Longest PIN.
    pub max: u8,
    /// Length of the padded PIN block.
    pub pad_to: u8,
    /// Padding byte.
    pub pad_byte: u8,
    /// Allowed characters.
    pub charset: Charset,
    /// Tries before the PIN blocks.
    pub max_tries: u8,
}

impl PinRule {
    /// True when the reference is local to an ADF (bit 8 set, docs/cards.md).
    pub fn is_local(&self) -> bool {
        self.reference & 0x80 != 0
    }
}

/// The PINs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pins {
    /// PIN1.
    pub pin1: PinRule,
    /// PIN2.
    pub pin2: PinRule,
    /// PUK.
    pub puk: PinRule,
}

impl Pins {
    /// The rules of `kind`.
    pub fn get(&self, kind: PinKind) -> PinRule {
        match kind {
            PinKind::Pin1 => self.pin1,
            PinKind::Pin2 => self.pin2,
            PinKind::Puk => self.puk,
        }
    }
}

/// One field of the personal-data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonalDataField {
    /// Field name (`surname`, `document_number`, …).
    pub name: String,
    /// Its EF.
    pub file: u16,
}

/// The personal-data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonalDataLayout {
    /// DF under the main application.
    pub directory: u16,
    /// One EF per field.
    pub fields: Vec<PersonalDataField>,
}

impl PersonalDataLayout {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&PersonalDataField> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The APDU part of a profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApduProfile {
    /// AIDs.
    pub applications: Applications,
    /// Card serial source.
    pub card_serial: CardSerialSource,
    /// Certificate files.
    pub certificates: Certificates,
    /// Keys.
    pub keys: Keys,
    /// PINs.
    pub pins: Pins,
    /// Personal-data file, if the card has one.
    pub personal_data: Option<PersonalDataLayout>,
}

/// A card profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Identifier, e.g. `am-eid`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Assumed or public values.
    pub status: ProfileStatus,
    /// APDU or PKCS#11.
    pub access: Access,
    /// PKCS#11 module file names, tried in order (PKCS#11 profiles).
    pub pkcs11_modules: Vec<String>,
    /// ATR rules.
    pub atr: Vec<AtrRule>,
    /// The APDU protocol values (`None` for PKCS#11 profiles).
    pub apdu: Option<ApduProfile>,
}

const BUILTIN_SOURCES: [&str; 3] = [
    include_str!("../profiles/am-eid.toml"),
    include_str!("../profiles/ee-idemia.toml"),
    include_str!("../profiles/am-legacy.toml"),
];

impl Profile {
    /// The profiles shipped with knik: `am-eid`, `ee-idemia`, `am-legacy`.
    pub fn builtin() -> &'static [Profile] {
        static BUILTIN: OnceLock<Vec<Profile>> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            BUILTIN_SOURCES
                .iter()
                .map(|s| {
                    // The embedded files are checked by the unit test
                    // `builtin_profiles_are_valid`; failing here is a build defect.
                    Profile::from_toml(s).expect("embedded card profile is valid")
                })
                .collect()
        })
    }

    /// The built-in profile with this id.
    pub fn builtin_by_id(id: &str) -> Option<&'static Profile> {
        Profile::builtin().iter().find(|p| p.id == id)
    }

    /// Parses and checks a profile file.
    pub fn from_toml(text: &str) -> Result<Profile> {
        let raw: raw::Profile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| {
                let before = &text.as_bytes()[..s.start.min(text.len())];
                before.iter().filter(|&&b| b == b'\n').count() + 1
            });
            Error::Profile {
                profile: "<file>".into(),
                detail: match line {
                    Some(l) => format!("line {l}: {}", e.message()),
                    None => e.message().to_string(),
                },
            }
        })?;
        raw.convert()
    }

    /// The APDU values, or an error for PKCS#11 profiles.
    pub fn apdu(&self) -> Result<&ApduProfile> {
        self.apdu.as_ref().ok_or_else(|| Error::Profile {
            profile: self.id.clone(),
            detail: "the card is reached through PKCS#11, not by APDUs".into(),
        })
    }

    /// True when the values are assumptions.
    pub fn is_assumed(&self) -> bool {
        self.status == ProfileStatus::Assumed
    }
}

/// The TOML as written, before checks.
mod raw {
    use serde::Deserialize;

    use super::{Access, Charset, ProfileStatus};
    use crate::error::{Error, Result};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Profile {
        id: String,
        name: String,
        status: ProfileStatus,
        #[serde(default)]
        access: Access,
        #[serde(default)]
        pkcs11_modules: Vec<String>,
        #[serde(default)]
        atr: Vec<Atr>,
        applications: Option<Applications>,
        card_serial: Option<CardSerial>,
        certificates: Option<Certificates>,
        keys: Option<Keys>,
        pins: Option<Pins>,
        personal_data: Option<PersonalData>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Atr {
        exact: Option<String>,
        pattern: Option<String>,
        mask: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Applications {
        main: String,
        auth: String,
        sign: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct CardSerial {
        source: String,
        tag: Option<String>,
        field: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct CertificateFile {
        application: String,
        file: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Certificates {
        auth: CertificateFile,
        sign: CertificateFile,
        short_read_chunk: Option<u32>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Key {
        reference: String,
        ec_algorithm: Option<String>,
        rsa_algorithm: Option<String>,
        curve: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Keys {
        auth: Key,
        sign: Key,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Pin {
        reference: String,
        min: u8,
        max: u8,
        pad_to: u8,
        pad_byte: String,
        charset: Charset,
        max_tries: u8,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Pins {
        pin1: Pin,
        pin2: Pin,
        puk: Pin,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Field {
        name: String,
        file: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct PersonalData {
        directory: String,
        fields: Vec<Field>,
    }

    /// Collects the profile id for error messages.
    struct Checker<'a> {
        id: &'a str,
    }

    impl Checker<'_> {
        fn err(&self, detail: impl Into<String>) -> Error {
            Error::Profile {
                profile: self.id.to_string(),
                detail: detail.into(),
            }
        }

        fn hex(&self, what: &str, s: &str) -> Result<Vec<u8>> {
            let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            hex::decode(&clean).map_err(|e| self.err(format!("{what}: not hex ({e})")))
        }

        fn hex_len(
            &self,
            what: &str,
            s: &str,
            lens: std::ops::RangeInclusive<usize>,
        ) -> Result<Vec<u8>> {
            let b = self.hex(what, s)?;
            if !lens.contains(&b.len()) {
                return Err(self.err(format!(
                    "{what}: {} bytes, expected {} to {}",
                    b.len(),
                    lens.start(),
                    lens.end()
                )));
            }
            Ok(b)
        }

        fn byte(&self, what: &str, s: &str) -> Result<u8> {
            Ok(self.hex_len(what, s, 1..=1)?[0])
        }

        fn u16(&self, what: &str, s: &str) -> Result<u16> {
            let b = self.hex_len(what, s, 2..=2)?;
            Ok(u16::from_be_bytes([b[0], b[1]]))
        }

        fn atr(&self, i: usize, a: &Atr) -> Result<super::AtrRule> {
            // An ATR is at most 33 bytes (ISO/IEC 7816-3 §8.2).
            let what = format!("atr #{}", i + 1);
            match (&a.exact, &a.pattern, &a.mask) {
                (Some(e), None, None) => {
                    Ok(super::AtrRule::Exact(self.hex_len(&what, e, 2..=33)?))
                }
                (None, Some(p), Some(m)) => {
                    let pattern = self.hex_len(&what, p, 2..=33)?;
                    let mask = self.hex_len(&what, m, 2..=33)?;
                    if pattern.len() != mask.len() {
                        return Err(self.err(format!(
                            "{what}: pattern has {} bytes, mask {}",
                            pattern.len(),
                            mask.len()
                        )));
                    }
                    Ok(super::AtrRule::Masked { pattern, mask })
                }
                _ => Err(self.err(format!(
                    "{what}: give either `exact` or `pattern` and `mask`"
                ))),
            }
        }

        fn application(&self, what: &str, s: &str) -> Result<super::Application> {
            super::Application::parse(s)
                .ok_or_else(|| self.err(format!("{what}: unknown application {s:?}")))
        }

        fn key(&self, what: &str, k: &Key) -> Result<super::KeySpec> {
            let curve = match &k.curve {
                Some(c) => Some(
                    super::Curve::parse(c)
                        .ok_or_else(|| self.err(format!("{what}: unknown curve {c:?}")))?,
                ),
                None => None,
            };
            let ec_algorithm = k
                .ec_algorithm
                .as_deref()
                .map(|s| self.byte(what, s))
                .transpose()?;
            let rsa_algorithm = k
                .rsa_algorithm
                .as_deref()
                .map(|s| self.byte(what, s))
                .transpose()?;
            if curve.is_some() && ec_algorithm.is_none() {
                return Err(self.err(format!("{what}: an EC key needs `ec_algorithm`")));
            }
            if curve.is_none() && rsa_algorithm.is_none() {
                return Err(self.err(format!(
                    "{what}: an RSA key (no `curve`) needs `rsa_algorithm`"
                )));
            }
            Ok(super::KeySpec {
                reference: self.byte(what, &k.reference)?,
                ec_algorithm,
                rsa_algorithm,
                curve,
            })
        }

        fn pin(&self, what: &str, p: &Pin) -> Result<super::PinRule> {
            // Two padded blocks must fit one short CHANGE REFERENCE DATA (Lc ≤ 255).
            if !(1 <= p.min
                && p.min <= p.max
                && p.max <= p.pad_to
                && usize::from(p.pad_to) * 2 <= 255)
            {
                return Err(self.err(format!(
                    "{what}: need 1 ≤ min ({}) ≤ max ({}) ≤ pad_to ({}) ≤ 127",
                    p.min, p.max, p.pad_to
                )));
            }
            if !(1..=15).contains(&p.max_tries) {
                return Err(self.err(format!("{what}: max_tries {} is not 1 to 15", p.max_tries)));
            }
            Ok(super::PinRule {
                reference: self.byte(what, &p.reference)?,
                min: p.min,
                max: p.max,
                pad_to: p.pad_to,
                pad_byte: self.byte(what, &p.pad_byte)?,
                charset: p.charset,
                max_tries: p.max_tries,
            })
        }
    }

    impl Profile {
        pub(super) fn convert(self) -> Result<super::Profile> {
            let c = Checker {
                id: if self.id.is_empty() {
                    "<unnamed>"
                } else {
                    &self.id
                },
            };
            if self.id.is_empty()
                || !self
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(c.err("`id` must be lower-case letters, digits and '-'"));
            }
            let atr = self
                .atr
                .iter()
                .enumerate()
                .map(|(i, a)| c.atr(i, a))
                .collect::<Result<Vec<_>>>()?;
            let apdu = match self.access {
                Access::Pkcs11 => {
                    if self.pkcs11_modules.is_empty() {
                        return Err(c.err("a PKCS#11 profile needs `pkcs11_modules`"));
                    }
                    None
                }
                Access::Apdu => Some(self.convert_apdu(&c)?),
            };
            Ok(super::Profile {
                id: self.id.clone(),
                name: self.name,
                status: self.status,
                access: self.access,
                pkcs11_modules: self.pkcs11_modules,
                atr,
                apdu,
            })
        }

        fn convert_apdu(&self, c: &Checker<'_>) -> Result<super::ApduProfile> {
            let missing = |s: &str| c.err(format!("an APDU profile needs [{s}]"));
            let apps = self
                .applications
                .as_ref()
                .ok_or_else(|| missing("applications"))?;
            // AIDs are 5 to 16 bytes (ISO/IEC 7816-4 §12.2.3).
            let applications = super::Applications {
                main: c.hex_len("applications.main", &apps.main, 5..=16)?,
                auth: c.hex_len("applications.auth", &apps.auth, 5..=16)?,
                sign: c.hex_len("applications.sign", &apps.sign, 5..=16)?,
            };
            let personal_data = match &self.personal_data {
                Some(pd) => {
                    let mut fields: Vec<super::PersonalDataField> = Vec::new();
                    for f in &pd.fields {
                        if fields.iter().any(|g| g.name == f.name) {
                            return Err(c.err(format!("personal_data: field {:?} twice", f.name)));
                        }
                        fields.push(super::PersonalDataField {
                            name: f.name.clone(),
                            file: c.u16(&format!("personal_data.{}", f.name), &f.file)?,
                        });
                    }
                    Some(super::PersonalDataLayout {
                        directory: c.u16("personal_data.directory", &pd.directory)?,
                        fields,
                    })
                }
                None => None,
            };
            let serial = self
                .card_serial
                .as_ref()
                .ok_or_else(|| missing("card_serial"))?;
            let card_serial = match (serial.source.as_str(), &serial.tag, &serial.field) {
                ("get-data", Some(tag), None) => super::CardSerialSource::GetData {
                    tag: c.u16("card_serial.tag", tag)?,
                },
                ("personal-data", None, Some(field)) => {
                    if personal_data
                        .as_ref()
                        .and_then(|p| p.field(field))
                        .is_none()
                    {
                        return Err(c.err(format!(
                            "card_serial: personal-data field {field:?} is not in [personal_data]"
                        )));
                    }
                    super::CardSerialSource::PersonalData {
                        field: field.clone(),
                    }
                }
                _ => {
                    return Err(c.err(
                        "card_serial: `source = \"get-data\"` with `tag`, or \
                         `source = \"personal-data\"` with `field`",
                    ));
                }
            };
            let certs = self
                .certificates
                .as_ref()
                .ok_or_else(|| missing("certificates"))?;
            let short_read_chunk = certs.short_read_chunk.unwrap_or(192);
            if !(1..=256).contains(&short_read_chunk) {
                return Err(c.err(format!(
                    "certificates.short_read_chunk {short_read_chunk} is not 1 to 256"
                )));
            }
            let certificates = super::Certificates {
                auth: super::CertificateFile {
                    application: c.application("certificates.auth", &certs.auth.application)?,
                    file: c.u16("certificates.auth", &certs.auth.file)?,
                },
                sign: super::CertificateFile {
                    application: c.application("certificates.sign", &certs.sign.application)?,
                    file: c.u16("certificates.sign", &certs.sign.file)?,
                },
                short_read_chunk: short_read_chunk as usize,
            };
            let keys = self.keys.as_ref().ok_or_else(|| missing("keys"))?;
            let keys = super::Keys {
                auth: c.key("keys.auth", &keys.auth)?,
                sign: c.key("keys.sign", &keys.sign)?,
            };
            let pins = self.pins.as_ref().ok_or_else(|| missing("pins"))?;
            let pins = super::Pins {
                pin1: c.pin("pins.pin1", &pins.pin1)?,
                pin2: c.pin("pins.pin2", &pins.pin2)?,
                puk: c.pin("pins.puk", &pins.puk)?,
            };
            Ok(super::ApduProfile {
                applications,
                card_serial,
                certificates,
                keys,
                pins,
                personal_data,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_are_valid() {
        let ids: Vec<&str> = Profile::builtin().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["am-eid", "ee-idemia", "am-legacy"]);
        let am = Profile::builtin_by_id("am-eid").unwrap();
        assert!(am.is_assumed());
        let apdu = am.apdu().unwrap();
        assert_eq!(apdu.pins.pin2.reference, 0x85);
        assert!(apdu.pins.pin2.is_local());
        assert_eq!(apdu.keys.auth.curve, Some(Curve::P384));
        assert_eq!(apdu.keys.sign.algorithm(), 0x54);
        assert_eq!(apdu.card_serial, CardSerialSource::GetData { tag: 0x0101 });
        assert_eq!(apdu.certificates.get(KeyRole::Signing).file, 0x341F);
        assert_eq!(
            apdu.applications.aid(Application::Sign),
            b"QSCD Application"
        );
        let legacy = Profile::builtin_by_id("am-legacy").unwrap();
        assert_eq!(legacy.access, Access::Pkcs11);
        assert!(matches!(legacy.apdu(), Err(Error::Profile { .. })));
        let ee = Profile::builtin_by_id("ee-idemia").unwrap();
        assert_eq!(
            ee.apdu().unwrap().card_serial,
            CardSerialSource::PersonalData {
                field: "document_number".into()
            }
        );
    }

    fn am_eid_with(from: &str, to: &str) -> Result<Profile> {
        let text = BUILTIN_SOURCES[0];
        assert!(text.contains(from), "{from}");
        Profile::from_toml(&text.replacen(from, to, 1))
    }

    fn detail(r: Result<Profile>) -> String {
        match r {
            Err(Error::Profile { detail, .. }) => detail,
            other => panic!("expected a profile error, got {other:?}"),
        }
    }

    #[test]
    fn inconsistent_profiles_are_refused_with_the_reason() {
        assert!(detail(am_eid_with("min = 4", "min = 13")).contains("pins.pin1"));
        assert!(detail(am_eid_with("pad_to = 12", "pad_to = 8")).contains("pins.pin1"));
        assert!(
            detail(am_eid_with(
                "main = \"A0 00 00 00 77 01 08 00 07 00 00 FE 00 00 01 00\"",
                "main = \"A0 00\""
            ))
            .contains("applications.main")
        );
        assert!(detail(am_eid_with("mask    = \"FF FF", "mask    = \"FF")).contains("mask"));
        assert!(detail(am_eid_with("tag = \"0101\"", "field = \"nope\"")).contains("card_serial"));
        assert!(
            detail(am_eid_with("file = \"3401\"", "file = \"34\"")).contains("certificates.auth")
        );
        assert!(
            detail(am_eid_with("curve = \"P-384\" }", "curve = \"P-999\" }")).contains("curve")
        );
        assert!(
            detail(am_eid_with(
                "short_read_chunk = 192",
                "short_read_chunk = 0"
            ))
            .contains("short_read_chunk")
        );
        // typos in keys are caught, not ignored
        assert!(detail(am_eid_with("max_tries = 3", "max_trys = 3")).contains("max_trys"));
        assert!(matches!(
            Profile::from_toml("id = 1"),
            Err(Error::Profile { .. })
        ));
    }

    #[test]
    fn a_user_profile_is_data() {
        let p = am_eid_with("id = \"am-eid\"", "id = \"am-eid-2027\"").unwrap();
        assert_eq!(p.id, "am-eid-2027");
        let p = am_eid_with("reference = \"85\"", "reference = \"86\"").unwrap();
        assert_eq!(p.apdu().unwrap().pins.pin2.reference, 0x86);
    }

    #[test]
    fn masked_atr_rules() {
        let rule = AtrRule::Masked {
            pattern: vec![0x3B, 0x00],
            mask: vec![0xFF, 0x00],
        };
        assert!(rule.matches(&[0x3B, 0x42]));
        assert!(!rule.matches(&[0x3C, 0x42]));
        assert!(!rule.matches(&[0x3B, 0x42, 0x00]));
        assert!(AtrRule::Exact(vec![1, 2]).matches(&[1, 2]));
    }
}
