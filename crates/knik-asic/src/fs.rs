//! File-system helpers (not on wasm32): atomic replacement of a container file and safe
//! extraction of data files (`design/architecture.md`: "writes the container atomically
//! (temp file + rename)").
//!
//! The temporary file lives next to the target (same file system, so the rename is atomic),
//! is created readable by its owner only (mode 0600 on Unix: a half-written container may
//! hold someone's documents), and gets the permissions of the file it replaces just before
//! the rename, so a private container stays private after a signature is added. It is removed
//! by a drop guard: on an error and on a panic that unwinds through the write. A process
//! killed outright (SIGKILL, or SIGINT without a handler) cannot run the guard and leaves
//! `.NAME.PID.N.knik-tmp` behind; cleaning that up is the caller's business (signal handling
//! is out of scope here).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::append::append_signature;
use crate::container::Container;
use crate::container_writer::WriterOptions;
use crate::error::Error;
use crate::limits::Limits;

fn fs_err(context: &'static str) -> impl Fn(io::Error) -> Error {
    move |e| Error::from_io(e, context)
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary file that removes itself unless [`TempFile::persist`] renamed it into place.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
}

impl TempFile {
    /// Creates a new, empty file `.{base}.{pid}.{n}.knik-tmp` in `dir`, owner-only on Unix.
    fn create(dir: &Path, base: &str) -> Result<TempFile, Error> {
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".{base}.{}.{n}.knik-tmp", std::process::id()));
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file: Some(file),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::from_io(e, "creating a temporary file")),
            }
        }
    }

    fn file(&mut self) -> &mut File {
        self.file
            .as_mut()
            .expect("the temporary file stays open until it is persisted")
    }

    /// Flushes the file to disk, gives it `permissions` (those of the file it replaces) and
    /// renames it to `target`; the guard is then disarmed.
    fn persist(mut self, target: &Path, permissions: Option<fs::Permissions>) -> Result<(), Error> {
        let file = self.file();
        file.sync_all()
            .map_err(fs_err("flushing the temporary file"))?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)
                .map_err(fs_err("copying the permissions of the file replaced"))?;
        }
        // Closed before the rename: some platforms cannot rename an open file.
        drop(self.file.take());
        fs::rename(&self.path, target).map_err(fs_err("renaming the temporary file"))?;
        self.path = PathBuf::new();
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Writes `path` atomically: `write` fills a new temporary file in the same directory, which
/// is then flushed to disk (`fsync`), given the permissions of the file it replaces (if any)
/// and renamed over `path`. On an error, or a panic inside `write`, the temporary file is
/// removed and `path` is left as it was.
///
/// The closure's error type is the caller's, so a flow that fails for its own reasons (a PIN,
/// a network service) passes its error through unchanged.
pub fn write_atomically<T, E: From<Error>>(
    path: &Path,
    write: impl FnOnce(&mut File) -> Result<T, E>,
) -> Result<T, E> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = path
        .file_name()
        .ok_or(Error::UnsafeTarget {
            path: path.display().to_string(),
            reason: "the path has no file name",
        })?
        .to_string_lossy()
        .into_owned();
    let mut tmp = TempFile::create(&dir, &base)?;
    let value = write(tmp.file())?;
    // Read now, not at the start: the permissions the file has when it is replaced.
    let permissions = fs::metadata(path).ok().map(|m| m.permissions());
    tmp.persist(path, permissions)?;
    // Make the rename itself durable; not every platform can open a directory.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(value)
}

/// Appends a signature to the container file at `path`, replacing it atomically. Returns the
/// new entry's name.
pub fn append_signature_to_file(
    path: &Path,
    signature_xml: &[u8],
    limits: &Limits,
    options: WriterOptions,
) -> Result<String, Error> {
    let source = File::open(path).map_err(fs_err("opening the container"))?;
    write_atomically(path, |tmp| {
        let appended = append_signature(
            BufReader::new(source),
            BufWriter::new(tmp),
            signature_xml,
            limits,
            options,
        )?;
        appended
            .target
            .into_inner()
            .map_err(|e| Error::from_io(e.into_error(), "writing the container"))?;
        Ok(appended.name)
    })
}

impl<R: Read + Seek> Container<R> {
    /// Extracts every data file under `dir`, streamed, each atomically (a corrupt entry —
    /// CRC or size — never lands). Subdirectories are created; a symbolic link on the way is
    /// refused; an existing file is replaced only with `overwrite`. Returns the paths written.
    pub fn extract_data_files(
        &mut self,
        dir: &Path,
        overwrite: bool,
    ) -> Result<Vec<PathBuf>, Error> {
        let names: Vec<String> = self.data_files().into_iter().map(|f| f.name).collect();
        let mut written = Vec::with_capacity(names.len());
        for name in names {
            // Names were checked on open: relative, no `..`, `.`, `\`, empty segment or drive.
            let mut target = dir.to_path_buf();
            let segments: Vec<&str> = name.split('/').collect();
            for seg in &segments[..segments.len() - 1] {
                target.push(seg);
                match fs::symlink_metadata(&target) {
                    Ok(m) if m.file_type().is_symlink() => {
                        return Err(Error::UnsafeTarget {
                            path: target.display().to_string(),
                            reason: "it is a symbolic link",
                        });
                    }
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        return Err(Error::UnsafeTarget {
                            path: target.display().to_string(),
                            reason: "it exists and is not a directory",
                        });
                    }
                    Err(_) => fs::create_dir(&target).map_err(fs_err("creating a directory"))?,
                }
            }
            target.push(segments[segments.len() - 1]);
            match fs::symlink_metadata(&target) {
                Ok(m) if m.file_type().is_symlink() || m.is_dir() => {
                    return Err(Error::UnsafeTarget {
                        path: target.display().to_string(),
                        reason: "it is a symbolic link or a directory",
                    });
                }
                Ok(_) if !overwrite => {
                    return Err(Error::TargetExists {
                        path: target.display().to_string(),
                    });
                }
                _ => {}
            }
            let mut reader = self.open_data_file(&name)?;
            write_atomically(&target, |file| {
                let mut out = BufWriter::new(file);
                io::copy(&mut reader, &mut out)
                    .map_err(|e| Error::from_io(e, "extracting a data file"))?;
                out.flush().map_err(fs_err("extracting a data file"))
            })?;
            written.push(target);
        }
        Ok(written)
    }
}

/// Replaces signature entries of the container file at `path` (see
/// [`crate::replace_signatures`]), atomically.
pub fn replace_signatures_in_file(
    path: &Path,
    replacements: &[(String, Vec<u8>)],
    limits: &Limits,
    options: WriterOptions,
) -> Result<(), Error> {
    let source = File::open(path).map_err(fs_err("opening the container"))?;
    write_atomically(path, |tmp| {
        let target = crate::append::replace_signatures(
            BufReader::new(source),
            BufWriter::new(tmp),
            replacements,
            limits,
            options,
        )?;
        target
            .into_inner()
            .map_err(|e| Error::from_io(e.into_error(), "writing the container"))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, sorted: the target and nothing else after every write.
    fn names(dir: &Path) -> Vec<String> {
        let mut out: Vec<String> = fs::read_dir(dir)
            .expect("list the directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        out.sort();
        out
    }

    fn write_bytes(path: &Path, bytes: &'static [u8]) -> Result<(), Error> {
        write_atomically(path, |f| {
            f.write_all(bytes).map_err(|e| Error::from_io(e, "writing"))
        })
    }

    #[test]
    fn replaces_the_target_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("c.asice");
        write_bytes(&target, b"first").expect("first write");
        write_bytes(&target, b"second").expect("second write");
        assert_eq!(fs::read(&target).expect("read"), b"second");
        assert_eq!(names(dir.path()), ["c.asice"]);
    }

    #[test]
    fn an_error_in_the_closure_removes_the_temporary_file_and_keeps_the_target() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("c.asice");
        fs::write(&target, b"before").expect("write the target");
        let result: Result<(), Error> = write_atomically(&target, |f| {
            f.write_all(b"half").expect("write");
            Err(Error::from_io(io::Error::other("PIN cancelled"), "signing"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read(&target).expect("read"), b"before");
        assert_eq!(names(dir.path()), ["c.asice"]);
    }

    #[test]
    fn a_panic_in_the_closure_removes_the_temporary_file_and_keeps_the_target() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("c.asice");
        fs::write(&target, b"before").expect("write the target");
        let during = std::cell::RefCell::new(Vec::new());
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _: Result<(), Error> = write_atomically(&target, |f| {
                f.write_all(b"half written").expect("write");
                *during.borrow_mut() = names(dir.path());
                panic!("a signer that panics");
            });
        }));
        assert!(unwound.is_err(), "the panic propagates");
        // The temporary file existed while the closure ran …
        assert_eq!(during.borrow().len(), 2, "{:?}", during.borrow());
        // … and is gone after the unwind.
        assert_eq!(names(dir.path()), ["c.asice"]);
        assert_eq!(fs::read(&target).expect("read"), b"before");
    }

    #[cfg(unix)]
    mod unix {
        use std::os::unix::fs::PermissionsExt;

        use super::*;

        fn mode(path: &Path) -> u32 {
            fs::metadata(path).expect("metadata").permissions().mode() & 0o7777
        }

        #[test]
        fn the_temporary_file_is_owner_only_while_it_is_written() {
            let dir = tempfile::tempdir().expect("temp dir");
            let target = dir.path().join("c.asice");
            fs::write(&target, b"before").expect("write the target");
            fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).expect("chmod");
            write_atomically(&target, |f| {
                let m = f.metadata().expect("metadata").permissions().mode() & 0o7777;
                assert_eq!(m, 0o600, "temporary file mode {m:o}");
                Ok::<_, Error>(())
            })
            .expect("write");
        }

        #[test]
        fn a_new_file_is_owner_only() {
            let dir = tempfile::tempdir().expect("temp dir");
            let target = dir.path().join("new.asice");
            write_bytes(&target, b"new").expect("write");
            assert_eq!(mode(&target), 0o600);
        }

        #[test]
        fn replacing_a_file_keeps_its_permissions() {
            let dir = tempfile::tempdir().expect("temp dir");
            let target = dir.path().join("c.asice");
            for wanted in [0o600, 0o640, 0o644] {
                fs::write(&target, b"before").expect("write the target");
                fs::set_permissions(&target, fs::Permissions::from_mode(wanted)).expect("chmod");
                write_bytes(&target, b"after").expect("replace");
                assert_eq!(
                    mode(&target),
                    wanted,
                    "{wanted:o} became {:o}",
                    mode(&target)
                );
                assert_eq!(fs::read(&target).expect("read"), b"after");
            }
            assert_eq!(names(dir.path()), ["c.asice"]);
        }
    }
}
