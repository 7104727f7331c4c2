//! Finding the PKCS#11 module (shared library) that drives the card.
//!
//! Order (docs/cards.md, profile `am-legacy`): a path the caller configured; else the
//! environment variable [`Pkcs11Module::ENV_VAR`]; else the modules the profile names
//! (`pkcs11_modules`: the issuer's `libccpkip11` first, then OpenSC) in the usual install
//! directories of the operating system. A configured path or the environment variable is
//! authoritative: when it names a file that does not exist, that is an error, rather than a
//! silent fall-back to another middleware the user did not choose.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::profile::Profile;

/// Where the module path came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleSource {
    /// The caller's configuration.
    Configured,
    /// The environment variable [`Pkcs11Module::ENV_VAR`].
    Environment,
    /// The search of the usual install directories.
    Search,
}

/// A PKCS#11 module found on disk (not loaded yet; see [`super::Pkcs11Provider::load`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkcs11Module {
    path: PathBuf,
    source: ModuleSource,
}

/// Install directories searched, per operating system. A last path component ending in `*`
/// stands for every entry of its parent whose name starts with what precedes the `*`
/// (the issuer's installer puts a version in the directory name). The issuer's locations are
/// assumed: its installer is not publicly documented.
#[cfg(target_os = "macos")]
const SEARCH_DIRS: &[&str] = &[
    "/usr/local/lib",
    "/opt/homebrew/lib",
    "/Library/CryptoCard*/lib",
    "/Library/CryptoCard*",
    "/Library/OpenSC/lib",
    "/Library/OpenSC/lib/pkcs11",
];
#[cfg(windows)]
const SEARCH_DIRS: &[&str] = &[
    "%SystemRoot%\\System32",
    "%ProgramFiles%\\CryptoCard*",
    "%ProgramFiles(x86)%\\CryptoCard*",
    "%ProgramFiles%\\OpenSC Project\\OpenSC\\pkcs11",
    "%ProgramFiles(x86)%\\OpenSC Project\\OpenSC\\pkcs11",
];
#[cfg(not(any(target_os = "macos", windows)))]
const SEARCH_DIRS: &[&str] = &[
    "/usr/lib",
    "/usr/lib64",
    "/usr/local/lib",
    "/usr/local/lib64",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib/pkcs11",
    "/usr/lib/x86_64-linux-gnu/pkcs11",
    "/opt/CryptoCard*/lib",
    "/opt/CryptoCard*",
];

impl Pkcs11Module {
    /// The environment variable that names a module when nothing is configured.
    pub const ENV_VAR: &'static str = "KNIK_PKCS11_MODULE";

    /// Finds the module: `configured`, else [`Self::ENV_VAR`], else the search of
    /// [`Self::search_candidates`]. The error lists every place looked at.
    pub fn locate(configured: Option<&Path>) -> Result<Pkcs11Module> {
        let from_env = std::env::var_os(Self::ENV_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Self::locate_among(configured, from_env.as_deref(), &Self::search_candidates()?)
    }

    /// [`Self::locate`] with the environment and the candidate list given explicitly.
    pub fn locate_among(
        configured: Option<&Path>,
        from_env: Option<&Path>,
        candidates: &[PathBuf],
    ) -> Result<Pkcs11Module> {
        let explicit = configured
            .map(|p| (p, ModuleSource::Configured, "configured"))
            .or_else(|| from_env.map(|p| (p, ModuleSource::Environment, Self::ENV_VAR)));
        if let Some((path, source, what)) = explicit {
            return if path.is_file() {
                Ok(Pkcs11Module {
                    path: path.to_path_buf(),
                    source,
                })
            } else {
                Err(Error::Pkcs11Module(format!(
                    "the module {} ({what}) does not exist",
                    path.display()
                )))
            };
        }
        match candidates.iter().find(|p| p.is_file()) {
            Some(path) => Ok(Pkcs11Module {
                path: path.clone(),
                source: ModuleSource::Search,
            }),
            None => {
                let looked: Vec<String> =
                    candidates.iter().map(|p| p.display().to_string()).collect();
                Err(Error::Pkcs11Module(format!(
                    "no module of the Armenian ID card (CryptoCard Suite or OpenSC) is installed; \
                     looked at: {}",
                    looked.join(", ")
                )))
            }
        }
    }

    /// A module at a known path, without checking that it exists (loading will).
    pub fn at(path: impl Into<PathBuf>) -> Pkcs11Module {
        Pkcs11Module {
            path: path.into(),
            source: ModuleSource::Configured,
        }
    }

    /// Every path the search looks at on this operating system, in order: each module of the
    /// profile (preferred first) in each directory of the OS's list. Wildcard directories that
    /// match nothing stay in the list as written, so that an error shows them.
    pub fn search_candidates() -> Result<Vec<PathBuf>> {
        let profile = am_legacy()?;
        let dirs: Vec<PathBuf> = SEARCH_DIRS.iter().flat_map(|d| expand_dir(d)).collect();
        let mut out = Vec::new();
        for module in &profile.pkcs11_modules {
            for file in os_file_names(module) {
                for dir in &dirs {
                    let candidate = dir.join(&file);
                    if !out.contains(&candidate) {
                        out.push(candidate);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The module's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the path came from.
    pub fn source(&self) -> ModuleSource {
        self.source
    }
}

/// The built-in `am-legacy` profile (`profiles/am-legacy.toml`).
pub(crate) fn am_legacy() -> Result<&'static Profile> {
    Profile::builtin_by_id("am-legacy").ok_or_else(|| Error::Profile {
        profile: "am-legacy".to_string(),
        detail: "not among the built-in profiles".to_string(),
    })
}

/// The file names a module named `name` (Linux spelling, as in the profile) has on this OS.
fn os_file_names(name: &str) -> Vec<String> {
    let stem = name.strip_suffix(".so").unwrap_or(name);
    if cfg!(windows) {
        // libccpkip11.so -> ccpkip11.dll (the issuer ships CCPkiP11.dll; Windows ignores case).
        vec![format!("{}.dll", stem.strip_prefix("lib").unwrap_or(stem))]
    } else if cfg!(target_os = "macos") {
        // The issuer's module is a .dylib; OpenSC keeps the .so name on macOS.
        vec![format!("{stem}.dylib"), format!("{stem}.so")]
    } else {
        vec![format!("{stem}.so")]
    }
}

/// Expands `%VAR%` at the start (Windows) and a trailing `prefix*` component.
fn expand_dir(pattern: &str) -> Vec<PathBuf> {
    let pattern = expand_env_prefix(pattern);
    let path = PathBuf::from(&pattern);
    let Some(star) = path
        .components()
        .position(|c| c.as_os_str().to_string_lossy().ends_with('*'))
    else {
        return vec![path];
    };
    let comps: Vec<_> = path.components().collect();
    let parent: PathBuf = comps[..star].iter().collect();
    let rest: PathBuf = comps[star + 1..].iter().collect();
    let prefix = comps[star].as_os_str().to_string_lossy();
    let prefix = prefix.trim_end_matches('*');
    let mut matches: Vec<PathBuf> = std::fs::read_dir(&parent)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path().join(&rest))
        .collect();
    matches.sort();
    if matches.is_empty() {
        vec![path]
    } else {
        matches
    }
}

fn expand_env_prefix(pattern: &str) -> String {
    if let Some(rest) = pattern.strip_prefix('%')
        && let Some((var, tail)) = rest.split_once('%')
    {
        let value = std::env::var_os(var).unwrap_or_else(|| OsString::from(format!("%{var}%")));
        return format!("{}{tail}", value.to_string_lossy());
    }
    pattern.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn the_search_covers_the_issuer_and_opensc_in_the_usual_places() {
        let c = Pkcs11Module::search_candidates().unwrap();
        let pos = |p: &str| c.iter().position(|x| x == Path::new(p));
        let issuer = pos("/usr/lib/libccpkip11.so").expect("issuer in /usr/lib");
        for p in [
            "/usr/lib64/libccpkip11.so",
            "/usr/local/lib/libccpkip11.so",
            "/usr/lib/x86_64-linux-gnu/libccpkip11.so",
            "/usr/lib64/opensc-pkcs11.so",
            "/usr/lib/opensc-pkcs11.so",
        ] {
            assert!(pos(p).is_some(), "{p} not searched");
        }
        let opensc = pos("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so").unwrap();
        assert!(issuer < opensc, "the issuer's module must be preferred");
        assert!(
            c.iter()
                .any(|p| p.to_string_lossy().starts_with("/opt/CryptoCard"))
        );
    }

    #[test]
    fn a_missing_configured_module_is_an_error_not_a_fallback() {
        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("present.so");
        std::fs::write(&present, b"").unwrap();
        let missing = dir.path().join("missing.so");
        let err = Pkcs11Module::locate_among(Some(&missing), None, std::slice::from_ref(&present))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Pkcs11Module(m) if m.contains("missing.so")),
            "{err}"
        );
        let err = Pkcs11Module::locate_among(None, Some(&missing), std::slice::from_ref(&present))
            .unwrap_err();
        assert!(err.to_string().contains(Pkcs11Module::ENV_VAR), "{err}");
        let found = Pkcs11Module::locate_among(None, None, &[missing, present.clone()]).unwrap();
        assert_eq!(found.path(), present);
        assert_eq!(found.source(), ModuleSource::Search);
    }

    #[test]
    fn wildcard_directories_expand_to_matching_entries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("CryptoCard Suite 3.1/lib")).unwrap();
        std::fs::create_dir_all(dir.path().join("Other")).unwrap();
        let pattern = format!("{}/CryptoCard*/lib", dir.path().display());
        assert_eq!(
            expand_dir(&pattern),
            [dir.path().join("CryptoCard Suite 3.1/lib")]
        );
        let none = format!("{}/Nothing*/lib", dir.path().display());
        assert_eq!(expand_dir(&none), [PathBuf::from(none)]);
    }
}
