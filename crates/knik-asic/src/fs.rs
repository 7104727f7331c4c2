//! File-system helpers (not on wasm32): atomic replacement of a container file and safe
//! extraction of data files (`design/architecture.md`: "writes the container atomically
//! (temp file + rename)").

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

/// Writes `path` atomically: `write` fills a new temporary file in the same directory, which
/// is then flushed to disk (`fsync`) and renamed over `path`. On any error the temporary file
/// is removed and `path` is left as it was.
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
    let (tmp_path, mut tmp) = loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let candidate = dir.join(format!(".{base}.{}.{n}.knik-tmp", std::process::id()));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(f) => break (candidate, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::from_io(e, "creating a temporary file").into()),
        }
    };
    let result = write(&mut tmp).and_then(|value| {
        tmp.sync_all()
            .map_err(fs_err("flushing the temporary file"))?;
        drop(tmp);
        fs::rename(&tmp_path, path).map_err(fs_err("renaming the temporary file"))?;
        // Make the rename itself durable; not every platform can open a directory.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(value)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
    }
    result
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
