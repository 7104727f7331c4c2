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

    /// Writes one line, with the time and the process id in front.
    pub fn line(&self, text: impl AsRef<str>) {
        let text = text.as_ref();
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
            Sink::Memory(lines) => lines.push(text.to_owned()),
        }
    }
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
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > ROTATE_AT) {
        let mut old = path.as_os_str().to_owned();
        old.push(".old");
        let _ = std::fs::rename(path, old);
    }
    OpenOptions::new().create(true).append(true).open(path)
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
