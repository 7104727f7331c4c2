//! The native messaging host manifests: the files that tell each browser where this host is
//! and which extensions may start it (reference/web-eid.md §1.10).
//!
//! One JSON file per browser, named `am.knik.json`:
//! `{"name", "description", "path", "type": "stdio", "allowed_origins": ["chrome-extension://ID/"]}`
//! for the Chromium family, `allowed_extensions: ["ID"]` instead for Firefox.
//!
//! Linux directories:
//!
//! | browser  | per user (`--user`)                                        | system (`--system`)                              |
//! |----------|------------------------------------------------------------|--------------------------------------------------|
//! | Chromium | `~/.config/chromium/NativeMessagingHosts`                  | `/etc/chromium/native-messaging-hosts`           |
//! | Chrome   | `~/.config/google-chrome/NativeMessagingHosts`             | `/etc/opt/chrome/native-messaging-hosts`         |
//! | Edge     | `~/.config/microsoft-edge/NativeMessagingHosts`            | `/etc/opt/edge/native-messaging-hosts`           |
//! | Brave    | `~/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts` | `/etc/opt/brave.com/brave/native-messaging-hosts` |
//! | Vivaldi  | `~/.config/vivaldi/NativeMessagingHosts`                   | `/etc/opt/vivaldi/native-messaging-hosts`        |
//! | Firefox  | `~/.mozilla/native-messaging-hosts`                        | `/usr/lib/mozilla/native-messaging-hosts` (and `/usr/lib64/…` where that exists) |
//!
//! `~/.config` is `$XDG_CONFIG_HOME` when set (the Chromium family keeps its profile there).
//! Web eID's packages write only the system directories, and a browser installed per user or
//! from another vendor then cannot find the host — the most frequent "native app unavailable"
//! report (§1.10, §6); here both are one command away.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::HOST_NAME;

/// Placeholder id of knik's extension in the Chrome Web Store / Edge Add-ons, until the
/// extension is published. Replace with `--extension-id`.
pub const PLACEHOLDER_CHROMIUM_EXTENSION_ID: &str = "aaaabbbbccccddddeeeeffffgggghhhh";
/// Placeholder id of knik's extension on addons.mozilla.org (the `browser_specific_settings`
/// gecko id), until the extension is published. Replace with `--firefox-extension-id`.
pub const PLACEHOLDER_FIREFOX_EXTENSION_ID: &str = "knik-extension@placeholder.invalid";

/// What the manifests describe the host as.
pub const DESCRIPTION: &str = "knik: Armenian eID cards in the browser (Web eID compatible)";

/// A browser that can start native messaging hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Browser {
    /// Chromium.
    Chromium,
    /// Google Chrome.
    Chrome,
    /// Microsoft Edge.
    Edge,
    /// Brave.
    Brave,
    /// Vivaldi.
    Vivaldi,
    /// Mozilla Firefox.
    Firefox,
}

impl Browser {
    /// Every browser.
    pub const ALL: [Browser; 6] = [
        Browser::Chromium,
        Browser::Chrome,
        Browser::Edge,
        Browser::Brave,
        Browser::Vivaldi,
        Browser::Firefox,
    ];

    /// The browser's name as people know it.
    pub fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "Chromium",
            Browser::Chrome => "Google Chrome",
            Browser::Edge => "Microsoft Edge",
            Browser::Brave => "Brave",
            Browser::Vivaldi => "Vivaldi",
            Browser::Firefox => "Firefox",
        }
    }

    /// The command-line identifier (`chrome`).
    pub fn id(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Chrome => "chrome",
            Browser::Edge => "edge",
            Browser::Brave => "brave",
            Browser::Vivaldi => "vivaldi",
            Browser::Firefox => "firefox",
        }
    }

    /// Firefox reads `allowed_extensions`; the Chromium family `allowed_origins`.
    pub fn is_firefox(self) -> bool {
        self == Browser::Firefox
    }

    fn user_dir(self, home: &Path, config_home: &Path) -> PathBuf {
        match self {
            Browser::Chromium => config_home.join("chromium/NativeMessagingHosts"),
            Browser::Chrome => config_home.join("google-chrome/NativeMessagingHosts"),
            Browser::Edge => config_home.join("microsoft-edge/NativeMessagingHosts"),
            Browser::Brave => config_home.join("BraveSoftware/Brave-Browser/NativeMessagingHosts"),
            Browser::Vivaldi => config_home.join("vivaldi/NativeMessagingHosts"),
            Browser::Firefox => home.join(".mozilla/native-messaging-hosts"),
        }
    }

    /// The system directory, relative to `/`.
    fn system_dir(self) -> &'static str {
        match self {
            Browser::Chromium => "etc/chromium/native-messaging-hosts",
            Browser::Chrome => "etc/opt/chrome/native-messaging-hosts",
            Browser::Edge => "etc/opt/edge/native-messaging-hosts",
            Browser::Brave => "etc/opt/brave.com/brave/native-messaging-hosts",
            Browser::Vivaldi => "etc/opt/vivaldi/native-messaging-hosts",
            Browser::Firefox => "usr/lib/mozilla/native-messaging-hosts",
        }
    }
}

/// Per user or for everyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The current user's browser profiles.
    User,
    /// Every user of the machine (needs root).
    System,
}

impl Scope {
    /// "user" / "system".
    pub fn id(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::System => "system",
        }
    }
}

/// Where the directories are on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, or `~/.config`.
    pub config_home: Option<PathBuf>,
    /// A staging root the system directories are placed under (packaging: `DESTDIR`).
    pub destdir: Option<PathBuf>,
}

impl Layout {
    /// The layout of the environment, system directories under `destdir` when given.
    pub fn from_env(destdir: Option<PathBuf>) -> Layout {
        Layout {
            home: crate::settings::home(),
            config_home: crate::settings::config_home(),
            destdir,
        }
    }

    /// The manifest files for `browser` in `scope`: one per directory.
    pub fn manifest_paths(
        &self,
        browser: Browser,
        scope: Scope,
    ) -> Result<Vec<PathBuf>, InstallError> {
        let file = format!("{HOST_NAME}.json");
        match scope {
            Scope::User => {
                let (Some(home), Some(config)) = (&self.home, &self.config_home) else {
                    return Err(InstallError::NoHome);
                };
                Ok(vec![browser.user_dir(home, config).join(file)])
            }
            Scope::System => {
                let root = self.destdir.clone().unwrap_or_else(|| PathBuf::from("/"));
                let mut dirs = vec![browser.system_dir()];
                // Firefox also looks in lib64 on distributions that have a real /usr/lib64.
                let lib64 = root.join("usr/lib64");
                if browser.is_firefox()
                    && std::fs::symlink_metadata(&lib64).is_ok_and(|m| m.is_dir())
                {
                    dirs.push("usr/lib64/mozilla/native-messaging-hosts");
                }
                Ok(dirs.into_iter().map(|d| root.join(d).join(&file)).collect())
            }
        }
    }
}

/// The extensions allowed to start the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionIds {
    /// Chromium-family extension ids (32 letters a–p).
    pub chromium: Vec<String>,
    /// Firefox add-on ids (`name@domain` or `{GUID}`).
    pub firefox: Vec<String>,
}

impl Default for ExtensionIds {
    fn default() -> Self {
        ExtensionIds {
            chromium: vec![PLACEHOLDER_CHROMIUM_EXTENSION_ID.to_owned()],
            firefox: vec![PLACEHOLDER_FIREFOX_EXTENSION_ID.to_owned()],
        }
    }
}

impl ExtensionIds {
    /// The given ids (each checked), the placeholder for a family given none.
    pub fn new(chromium: Vec<String>, firefox: Vec<String>) -> Result<ExtensionIds, InstallError> {
        for id in &chromium {
            check_chromium_id(id)?;
        }
        for id in &firefox {
            check_firefox_id(id)?;
        }
        let defaults = ExtensionIds::default();
        Ok(ExtensionIds {
            chromium: if chromium.is_empty() {
                defaults.chromium
            } else {
                chromium
            },
            firefox: if firefox.is_empty() {
                defaults.firefox
            } else {
                firefox
            },
        })
    }
}

/// A Chromium extension id: 32 letters `a`–`p` (the hex of a key hash, shifted).
pub fn check_chromium_id(id: &str) -> Result<(), InstallError> {
    if id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
        Ok(())
    } else {
        Err(InstallError::InvalidExtensionId {
            id: id.to_owned(),
            reason: "a Chromium extension id is 32 letters from a to p",
        })
    }
}

/// A Firefox add-on id: `name@domain` or `{GUID}`, printable ASCII without quotes.
pub fn check_firefox_id(id: &str) -> Result<(), InstallError> {
    let printable = !id.is_empty()
        && id.len() <= 255
        && id
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\');
    let guid = id.starts_with('{') && id.ends_with('}');
    let email = id
        .split_once('@')
        .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty());
    if printable && (guid || email) {
        Ok(())
    } else {
        Err(InstallError::InvalidExtensionId {
            id: id.to_owned(),
            reason: "a Firefox add-on id looks like name@domain or {GUID}",
        })
    }
}

/// The manifest for `browser`.
pub fn manifest(browser: Browser, host_path: &Path, ids: &ExtensionIds) -> Value {
    let mut m = json!({
        "name": HOST_NAME,
        "description": DESCRIPTION,
        "path": host_path.display().to_string(),
        "type": "stdio",
    });
    if browser.is_firefox() {
        m["allowed_extensions"] = json!(ids.firefox);
    } else {
        m["allowed_origins"] = json!(
            ids.chromium
                .iter()
                .map(|id| format!("chrome-extension://{id}/"))
                .collect::<Vec<_>>()
        );
    }
    m
}

/// Why installing or removing failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// HOME is not set, so the per-user directories are unknown.
    #[error("HOME is not set: the per-user browser directories are unknown (use --system)")]
    NoHome,
    /// An extension id is malformed.
    #[error("invalid extension id {id:?}: {reason}")]
    InvalidExtensionId {
        /// The id given.
        id: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// The host path cannot go into a manifest.
    #[error("host path {path}: {reason}")]
    HostPath {
        /// The path.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A file could not be written or removed.
    #[error("{path}: {message}")]
    Io {
        /// The file or directory.
        path: String,
        /// The operating system's message (e.g. permission denied: use sudo for --system).
        message: String,
    },
}

/// One manifest written or removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// For which browser.
    pub browser: Browser,
    /// The file.
    pub path: PathBuf,
}

/// Writes the manifests of `browsers` in `scope`, each atomically.
pub fn install(
    layout: &Layout,
    scope: Scope,
    browsers: &[Browser],
    host_path: &Path,
    ids: &ExtensionIds,
) -> Result<Vec<Change>, InstallError> {
    if !host_path.is_absolute() {
        return Err(InstallError::HostPath {
            path: host_path.display().to_string(),
            reason: "browsers need an absolute path".to_owned(),
        });
    }
    let mut changes = Vec::new();
    for &browser in browsers {
        let text = serde_json::to_string_pretty(&manifest(browser, host_path, ids))
            .unwrap_or_default()
            + "\n";
        for path in layout.manifest_paths(browser, scope)? {
            write_atomically(&path, text.as_bytes())?;
            changes.push(Change { browser, path });
        }
    }
    Ok(changes)
}

/// Removes the manifests of `browsers` in `scope`; files that are not there are skipped.
pub fn uninstall(
    layout: &Layout,
    scope: Scope,
    browsers: &[Browser],
) -> Result<Vec<Change>, InstallError> {
    let mut changes = Vec::new();
    for &browser in browsers {
        for path in layout.manifest_paths(browser, scope)? {
            match std::fs::remove_file(&path) {
                Ok(()) => changes.push(Change { browser, path }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(&path, e)),
            }
        }
    }
    Ok(changes)
}

fn io_error(path: &Path, e: std::io::Error) -> InstallError {
    InstallError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Writes `bytes` to `path` so that a browser sees the old file or the new one, never half:
/// a temporary file of its own in the same directory, mode 0644, synced, renamed over `path`.
///
/// The temporary file has a random name and is created new (`O_CREAT | O_EXCL`): whatever
/// someone placed in the directory beforehand — a file, or a symbolic link to a file to be
/// overwritten — is never opened or followed. (`O_EXCL` alone already refuses a symbolic link
/// at the name; `O_NOFOLLOW` would need libc, which this crate does not depend on.)
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), InstallError> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("/"));
    create_dirs(dir)?;
    let (tmp, mut f) = create_temp(dir).map_err(|e| io_error(dir, e))?;
    let result = (|| {
        f.write_all(bytes)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The creation mode is cut by the umask; browsers of other users must read it.
            f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error(path, e));
    }
    Ok(())
}

/// Creates `dir` and its missing parents, each mode 0755 whatever the umask: a browser
/// running as another user must be able to reach a system manifest.
fn create_dirs(dir: &Path) -> Result<(), InstallError> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err())
        .collect();
    for d in missing.into_iter().rev() {
        match std::fs::create_dir(d) {
            Ok(()) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755))
                        .map_err(|e| io_error(d, e))?;
                }
            }
            // Another installer made it meanwhile.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_error(d, e)),
        }
    }
    Ok(())
}

/// A new file `.am.knik.json.<random>.tmp` in `dir`, created exclusively.
fn create_temp(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    for _ in 0..16 {
        let tmp = dir.join(format!(".{HOST_NAME}.json.{:016x}.tmp", random_suffix()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o644);
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "no free temporary file name after 16 tries",
    ))
}

/// 64 bits no other process can predict: std's per-process random hash keys, mixed with the
/// process id and the time.
fn random_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    h.write_u128(now);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(root: &Path) -> Layout {
        Layout {
            home: Some(root.join("home")),
            config_home: Some(root.join("home/.config")),
            destdir: Some(root.join("stage")),
        }
    }

    #[test]
    fn chromium_and_firefox_manifests_differ_only_in_the_allow_list() {
        let ids = ExtensionIds::default();
        let host = Path::new("/usr/bin/knik-native-host");
        let chrome = manifest(Browser::Chrome, host, &ids);
        assert_eq!(
            chrome,
            json!({
                "name": "am.knik",
                "description": DESCRIPTION,
                "path": "/usr/bin/knik-native-host",
                "type": "stdio",
                "allowed_origins": ["chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/"],
            })
        );
        let firefox = manifest(Browser::Firefox, host, &ids);
        assert_eq!(
            firefox["allowed_extensions"],
            json!(["knik-extension@placeholder.invalid"])
        );
        assert!(firefox.get("allowed_origins").is_none());
    }

    #[test]
    fn extension_ids_are_checked() {
        assert!(check_chromium_id("ncibgoaomkmdpilpocfeponihegamlic").is_ok());
        assert!(check_chromium_id("ncibgoaomkmdpilpocfeponihegamliz").is_err());
        assert!(check_chromium_id("short").is_err());
        assert!(check_firefox_id("{e68418bc-f2b0-4459-a9ea-3e72b6751b07}").is_ok());
        assert!(check_firefox_id("knik@example.am").is_ok());
        assert!(check_firefox_id("knik").is_err());
        assert!(check_firefox_id("a\"@b").is_err());
        let ids = ExtensionIds::new(vec!["ncibgoaomkmdpilpocfeponihegamlic".into()], vec![])
            .expect("valid");
        assert_eq!(ids.firefox, [PLACEHOLDER_FIREFOX_EXTENSION_ID]);
    }

    #[test]
    fn system_paths_go_under_destdir_and_lib64_only_where_it_exists() {
        let dir = tempfile::tempdir().expect("temp dir");
        let l = layout(dir.path());
        let stage = dir.path().join("stage");
        assert_eq!(
            l.manifest_paths(Browser::Brave, Scope::System)
                .expect("paths"),
            [stage.join("etc/opt/brave.com/brave/native-messaging-hosts/am.knik.json")]
        );
        assert_eq!(
            l.manifest_paths(Browser::Firefox, Scope::System)
                .expect("paths")
                .len(),
            1
        );
        std::fs::create_dir_all(stage.join("usr/lib64")).expect("lib64");
        assert_eq!(
            l.manifest_paths(Browser::Firefox, Scope::System)
                .expect("paths"),
            [
                stage.join("usr/lib/mozilla/native-messaging-hosts/am.knik.json"),
                stage.join("usr/lib64/mozilla/native-messaging-hosts/am.knik.json"),
            ]
        );
        assert_eq!(
            l.manifest_paths(Browser::Vivaldi, Scope::User)
                .expect("paths"),
            [dir.path()
                .join("home/.config/vivaldi/NativeMessagingHosts/am.knik.json")]
        );
    }

    #[test]
    fn relative_host_path_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(matches!(
            install(
                &layout(dir.path()),
                Scope::User,
                &[Browser::Chrome],
                Path::new("knik-native-host"),
                &ExtensionIds::default()
            ),
            Err(InstallError::HostPath { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_temp_file_or_symlink_is_never_written_through() {
        let dir = tempfile::tempdir().expect("temp dir");
        let l = layout(dir.path());
        let manifest_dir = dir
            .path()
            .join("home/.config/google-chrome/NativeMessagingHosts");
        std::fs::create_dir_all(&manifest_dir).expect("dir");
        // The name the installer used to take (its process id), pointing at a victim file.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious\n").expect("victim");
        let old_name = manifest_dir.join(format!(".{HOST_NAME}.json.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &old_name).expect("symlink");

        let host = Path::new("/usr/bin/knik-native-host");
        let changes = install(
            &l,
            Scope::User,
            &[Browser::Chrome],
            host,
            &ExtensionIds::default(),
        )
        .expect("installs");
        let path = &changes[0].path;
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "precious\n",
            "the symlink was followed"
        );
        let meta = std::fs::symlink_metadata(path).expect("manifest");
        assert!(meta.file_type().is_file(), "the manifest is a plain file");
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
        assert_eq!(written["path"], "/usr/bin/knik-native-host");
        // Only the planted link and the manifest remain: no temporary file left behind.
        let mut names: Vec<String> = std::fs::read_dir(&manifest_dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                old_name
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                "am.knik.json".to_owned()
            ]
        );
    }

    #[test]
    fn temporary_names_differ_each_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, _fa) = create_temp(dir.path()).expect("first");
        let (b, _fb) = create_temp(dir.path()).expect("second");
        assert_ne!(a, b);
        assert!(
            !a.to_string_lossy()
                .contains(&std::process::id().to_string())
                || a != b
        );
    }
}
