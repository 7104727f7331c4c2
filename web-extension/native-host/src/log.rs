//! The host's log: a file, never stdout (stdout carries only frames, reference/web-eid.md
//! §1.2).
//!
//! Where: `KNIK_HOST_LOG` (a path, `stderr`, or `off`), else
//! `$XDG_STATE_HOME/knik/native-host.log` (`~/.local/state/knik/native-host.log`). When the file
//! cannot be opened the log goes to stderr, which the browsers keep in their own log. A file over
//! 1 MiB is moved to `native-host.log.old` when the host starts.
//!
//! What: one line per event — the command, the origin, the reader and card chosen, the outcome
//! code and the timings. Never a PIN (the host never holds one as text), never a nonce, never
//! a certificate.
//!
//! Who may read it: the directory is created 0700 and the file 0600 (on Unix): the lines name
//! the sites the citizen used. Text that came from the browser is put in a line through
//! [`untrusted`]; and [`Log::line`] escapes any control character left, so no line can be
//! split or forged.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A log file larger than this is rotated at start.
const ROTATE_AT: u64 = 1024 * 1024;

/// Where log lines go.
enum Sink {
    File(File),
    Stderr,
    Discard,
    Memory(Vec<String>),
}

/// The log. Lines are written at once (no buffering): the browser may kill the host at any
/// moment after the answer.
pub struct Log {
    sink: Mutex<Sink>,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Log").field("path", &self.path).finish()
    }
}

impl Log {
    /// The log the environment asks for (see the module docs).
    pub fn open_default() -> Log {
        match std::env::var_os("KNIK_HOST_LOG") {
            Some(v) if v == "off" => Log::discard(),
            Some(v) if v == "stderr" || v == "-" => Log::stderr(),
            Some(v) if !v.is_empty() => Log::file(Path::new(&v)),
            _ => match default_path() {
                Some(path) => Log::file(&path),
                None => Log::stderr(),
            },
        }
    }

    /// Appends to `path` (creating its directory), or falls back to stderr.
    pub fn file(path: &Path) -> Log {
        match open_file(path) {
            Ok(file) => Log {
                sink: Mutex::new(Sink::File(file)),
                path: Some(path.to_path_buf()),
            },
            Err(e) => {
                let log = Log::stderr();
                log.line(format!(
                    "cannot open the log file {}: {e}; logging to stderr",
                    path.display()
                ));
                log
            }
        }
    }

    /// Lines go to stderr.
    pub fn stderr() -> Log {
        Log {
            sink: Mutex::new(Sink::Stderr),
            path: None,
        }
    }

    /// Lines go nowhere.
    pub fn discard() -> Log {
        Log {
            sink: Mutex::new(Sink::Discard),
            path: None,
        }
    }

    /// Lines are kept in memory ([`Log::lines`]): for tests.
    pub fn memory() -> Log {
        Log {
            sink: Mutex::new(Sink::Memory(Vec::new())),
            path: None,
        }
    }

    /// The file written to, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The lines of a [`Log::memory`] log (empty for the others).
    pub fn lines(&self) -> Vec<String> {
        match &*self.lock() {
            Sink::Memory(lines) => lines.clone(),
            _ => Vec::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sink> {
        self.sink.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes one line, with the time and the process id in front. Control characters in
    /// `text` (a newline in a configuration error, say) are escaped.
    pub fn line(&self, text: impl AsRef<str>) {
        let text = one_line(text.as_ref());
        let now = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default();
        let line = format!("{now} [{}] {text}\n", std::process::id());
        // A log that cannot be written must never stop the host from answering.
        match &mut *self.lock() {
            Sink::File(f) => {
                let _ = f.write_all(line.as_bytes());
            }
            Sink::Stderr => {
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
            Sink::Discard => {}
            Sink::Memory(lines) => lines.push(text),
        }
    }
}

/// How many characters of one browser-supplied string a log line keeps.
pub const UNTRUSTED_CHARS: usize = 64;

/// `text` from the browser as a log line shows it: escaped like a Rust string
/// (`escape_debug`: newlines, escape sequences, quotes) and cut after `max` characters, with
/// an ellipsis when cut.
pub fn untrusted(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// `text` with its control characters escaped, the rest as it is.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// `$XDG_STATE_HOME/knik/native-host.log`, or `~/.local/state/knik/native-host.log`.
pub fn default_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })?;
    Some(state.join("knik/native-host.log"))
}

fn open_file(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > ROTATE_AT) {
        let mut old = path.as_os_str().to_owned();
        old.push(".old");
        let _ = std::fs::rename(path, old);
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_log_appends_lines_with_time_and_pid() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/host.log");
        let log = Log::file(&path);
        assert_eq!(log.path(), Some(path.as_path()));
        log.line("first");
        log.line("second");
        let text = std::fs::read_to_string(&path).expect("log written");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with(&format!("[{}] first", std::process::id())));
        assert!(lines[1].ends_with("second"));
    }

    #[cfg(unix)]
    #[test]
    fn only_the_user_can_read_a_new_log_and_its_directory() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state/knik/host.log");
        Log::file(&path).line("created");
        let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600, "the file");
        assert_eq!(mode(&dir.path().join("state/knik")), 0o700, "its directory");
        assert_eq!(
            mode(&dir.path().join("state")),
            0o700,
            "every directory created"
        );
    }

    #[test]
    fn no_text_can_split_or_forge_a_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("host.log");
        let log = Log::file(&path);
        log.line(
            "configuration:\n  reader = 7\r\n2026-01-01T00:00:00Z [1] answer sign: ok\u{1b}[2J",
        );
        let text = std::fs::read_to_string(&path).expect("log written");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.contains("configuration:\\n  reader = 7\\r\\n2026"),
            "{text}"
        );
        assert!(text.contains("\\u{1b}[2J"), "{text}");
    }

    #[test]
    fn untrusted_text_is_escaped_and_cut() {
        assert_eq!(untrusted("plain-name", 64), "plain-name");
        assert_eq!(untrusted("a\nb\"c", 64), "a\\nb\\\"c");
        let long = "é".repeat(100);
        let shown = untrusted(&long, UNTRUSTED_CHARS);
        assert_eq!(shown.chars().count(), UNTRUSTED_CHARS + 1);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn big_log_is_rotated_at_start() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("host.log");
        std::fs::write(&path, vec![b'x'; (ROTATE_AT + 1) as usize]).expect("write");
        Log::file(&path).line("fresh");
        assert!(
            std::fs::read_to_string(&path)
                .expect("new log")
                .ends_with("fresh\n")
        );
        let old = dir.path().join("host.log.old");
        assert_eq!(
            std::fs::metadata(old).expect("old kept").len(),
            ROTATE_AT + 1
        );
    }
}
