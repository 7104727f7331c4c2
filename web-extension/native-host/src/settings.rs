//! The host's configuration: `native-host.toml`, set once by the citizen or an administrator.
//!
//! `KNIK_HOST_CONFIG` names the file; else `$XDG_CONFIG_HOME/knik/native-host.toml`
//! (`~/.config/knik/native-host.toml`). A missing file means the defaults. It is a file of its
//! own, not a table in the CLI's `config.toml`, whose reader refuses unknown tables.
//!
//! ```toml
//! reader = "Virtual PCD 00 00"     # always use this reader (default: see crate docs)
//! allow_http_localhost = false     # developer mode: accept http://localhost origins
//! profiles = ["/etc/knik/profiles/am-eid-2027.toml"]   # extra card profiles (data)
//! ```
//!
//! `KNIK_HOST_READER` overrides `reader`.

use std::path::{Path, PathBuf};

use knik_card::atr::AtrTable;
use knik_card::profile::Profile;
use knik_webeid::origin::OriginPolicy;
use serde::Deserialize;

use crate::error::HostError;

/// The settings in force.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The reader to use, whatever else is inserted.
    #[serde(default)]
    pub reader: Option<String>,
    /// Developer mode: `http://localhost` and `http://127.0.0.1` origins are accepted.
    #[serde(default)]
    pub allow_http_localhost: bool,
    /// Card profile files read in front of the built-in profiles.
    #[serde(default)]
    pub profiles: Vec<PathBuf>,
}

impl Settings {
    /// Reads the file the environment points at (defaults when there is none) and applies
    /// `KNIK_HOST_READER`.
    pub fn load() -> Result<Settings, HostError> {
        let mut settings = match config_path() {
            Some(path) => Settings::from_file(&path)?,
            None => Settings::default(),
        };
        if let Some(reader) = std::env::var("KNIK_HOST_READER")
            .ok()
            .filter(|r| !r.is_empty())
        {
            settings.reader = Some(reader);
        }
        Ok(settings)
    }

    /// Reads `path`; a file that does not exist gives the defaults.
    pub fn from_file(path: &Path) -> Result<Settings, HostError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(configuration(path, e.to_string())),
        };
        toml::from_str(&text).map_err(|e| configuration(path, e.to_string()))
    }

    /// What origins the host accepts.
    pub fn origin_policy(&self) -> OriginPolicy {
        if self.allow_http_localhost {
            OriginPolicy::DEVELOPER
        } else {
            OriginPolicy::STRICT
        }
    }

    /// The configured profiles in front of the built-in ones.
    pub fn atr_table(&self) -> Result<AtrTable, HostError> {
        let mut user = Vec::with_capacity(self.profiles.len());
        for path in &self.profiles {
            let text = std::fs::read_to_string(path)
                .map_err(|e| configuration(path, format!("card profile: {e}")))?;
            user.push(
                Profile::from_toml(&text)
                    .map_err(|e| configuration(path, format!("card profile: {e}")))?,
            );
        }
        Ok(AtrTable::with_builtin(user))
    }
}

/// The configuration file's path: `KNIK_HOST_CONFIG`, else under `$XDG_CONFIG_HOME` or
/// `~/.config`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KNIK_HOST_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    config_home().map(|c| c.join("knik/native-host.toml"))
}

/// `$XDG_CONFIG_HOME` when it is an absolute path, else `~/.config`.
pub fn config_home() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home().map(|h| h.join(".config")))
}

/// `$HOME`, when set.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

fn configuration(path: &Path, reason: String) -> HostError {
    HostError::Configuration {
        path: path.display().to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sets_reader_and_developer_mode_and_refuses_unknown_keys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("native-host.toml");
        assert_eq!(
            Settings::from_file(&path).expect("missing file"),
            Settings::default()
        );
        std::fs::write(
            &path,
            "reader = \"Virtual PCD 00 01\"\nallow_http_localhost = true\n",
        )
        .expect("write");
        let s = Settings::from_file(&path).expect("parses");
        assert_eq!(s.reader.as_deref(), Some("Virtual PCD 00 01"));
        assert_eq!(s.origin_policy(), OriginPolicy::DEVELOPER);
        assert_eq!(Settings::default().origin_policy(), OriginPolicy::STRICT);

        std::fs::write(&path, "reader = \"x\"\npin = \"1234\"\n").expect("write");
        match Settings::from_file(&path) {
            Err(HostError::Configuration { reason, .. }) => {
                assert!(reason.contains("pin"), "{reason}")
            }
            other => panic!("unknown key accepted: {other:?}"),
        }
    }
}
