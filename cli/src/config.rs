//! The configuration file: defaults a citizen or an administrator sets once.
//!
//! `$XDG_CONFIG_HOME/knik/config.toml` (or `~/.config/knik/config.toml`, or `--config FILE`):
//!
//! ```toml
//! [card]
//! reader = "Virtual PCD 00 00"       # default reader
//! pkcs11_module = "/usr/lib/libccpkip11.so"
//! pin_source = "pinentry"            # auto | terminal | pinentry | stdin | env
//! profiles = ["/etc/knik/profiles/am-eid-2027.toml"]   # extra card profiles (data)
//!
//! [pki]
//! policies = "/etc/knik/policies.toml"   # certificate policy → document kind
//! trust = ["/etc/knik/trust"]            # trust anchors: PEM/DER files or directories
//! chain = ["/etc/knik/ca"]               # CA certificates that complete signers' chains
//! trust_lists = [{ file = "/etc/knik/am-tsl.xml", signer = "/etc/knik/tsl-signer.pem" }]
//!
//! [signing]
//! level = "LT"                           # B | T | LT | LTA
//! tsa_url = "http://tsa.example.am/"
//! ocsp_url = "http://ocsp.example.am/"   # default: the certificate's AIA address
//! c14n = "c14n11"                        # c14n11 | exc
//!
//! [mobile_id]
//! url = "https://127.0.0.1:8890/mid-api"     # MID-REST service
//! relying_party_name = "knik demo"           # shown on the phone
//! relying_party_uuid = "00000000-0000-4000-8000-00000000a11e"   # a secret
//! pins = ["5NOeo4mLSzsv1r9LHBNc35vXkCGwG94p8d26gYPe7hI="]      # base64 SHA-256 of the TLS key
//! pins_file = "/etc/knik/mid.pins"           # one pin per line, # comments
//! language = "HYE"                           # HYE | ENG | RUS | EST | LIT
//! ```

use crate::error::CliError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[card]`
    #[serde(default)]
    pub card: CardConfig,
    /// `[pki]`
    #[serde(default)]
    pub pki: PkiConfig,
    /// `[signing]`
    #[serde(default)]
    pub signing: SigningConfig,
    /// `[mobile_id]`
    #[serde(default)]
    pub mobile_id: MobileIdConfig,
}

/// `[mobile_id]`: the MID-REST service and the relying party this installation acts for.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MobileIdConfig {
    /// The service's base URL (`https://…/mid-api`).
    pub url: Option<String>,
    /// The relying party's name, shown on the phone.
    pub relying_party_name: Option<String>,
    /// The relying party's UUID (a secret shared with the provider).
    pub relying_party_uuid: Option<String>,
    /// TLS pins: base64 SHA-256 of the service's SubjectPublicKeyInfo (current and next).
    #[serde(default)]
    pub pins: Vec<String>,
    /// A file of pins, one per line, so they can be replaced without editing this file.
    pub pins_file: Option<PathBuf>,
    /// Prompt language (HYE, ENG, RUS, EST, LIT).
    pub language: Option<String>,
}

/// `[signing]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningConfig {
    /// Default level (B, T, LT, LTA).
    pub level: Option<String>,
    /// Default time-stamp authority.
    pub tsa_url: Option<String>,
    /// Default OCSP responder.
    pub ocsp_url: Option<String>,
    /// Default canonicalization (`c14n11` or `exc`).
    pub c14n: Option<String>,
}

/// One `[[pki.trust_lists]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustListConfig {
    /// The TS 119 612 XML file.
    pub file: PathBuf,
    /// The certificate it must be signed with.
    pub signer: PathBuf,
}

/// `[card]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardConfig {
    /// Default reader name.
    pub reader: Option<String>,
    /// PKCS#11 module for the 2012–2023 cards.
    pub pkcs11_module: Option<PathBuf>,
    /// Default PIN source.
    pub pin_source: Option<String>,
    /// Extra card profile files.
    #[serde(default)]
    pub profiles: Vec<PathBuf>,
}

/// `[pki]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PkiConfig {
    /// Policy OID → document kind mapping file.
    pub policies: Option<PathBuf>,
    /// Trust anchors: files or directories.
    #[serde(default)]
    pub trust: Vec<PathBuf>,
    /// CA certificates that complete signers' chains: files or directories.
    #[serde(default)]
    pub chain: Vec<PathBuf>,
    /// Trust lists.
    #[serde(default)]
    pub trust_lists: Vec<TrustListConfig>,
}

impl Config {
    /// Loads `explicit` (which must exist) or the default file (which may be missing).
    pub fn load(explicit: Option<&Path>) -> Result<Config, CliError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match default_path() {
                Some(p) if p.exists() => p,
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|e| CliError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| CliError::Config(format!("{}: {e}", path.display())))
    }
}

fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("knik").join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_an_error_not_a_guess() {
        let e = toml::from_str::<Config>("[card]\nreadr = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("readr"));
    }

    #[test]
    fn full_file_parses() {
        let c: Config = toml::from_str(
            "[card]\nreader = \"R\"\npkcs11_module = \"/m.so\"\npin_source = \"env\"\n\
             profiles = [\"/p.toml\"]\n[pki]\npolicies = \"/pol.toml\"\n",
        )
        .unwrap();
        assert_eq!(c.card.reader.as_deref(), Some("R"));
        assert_eq!(c.card.profiles.len(), 1);
        assert!(c.pki.policies.is_some());
    }

    #[test]
    fn the_mobile_id_section_parses_and_refuses_unknown_keys() {
        let c: Config = toml::from_str(
            "[mobile_id]\nurl = \"https://127.0.0.1:8890/mid-api\"\nrelying_party_name = \"n\"\n\
             relying_party_uuid = \"u\"\npins = [\"a\", \"b\"]\npins_file = \"/p\"\n\
             language = \"ENG\"\n",
        )
        .unwrap();
        assert_eq!(c.mobile_id.pins.len(), 2);
        assert_eq!(c.mobile_id.language.as_deref(), Some("ENG"));
        let e = toml::from_str::<Config>("[mobile_id]\npin = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("pin"));
    }
}
