//! Creating an ASiC-E container in the layout of `signatures.md` "Produce": `mimetype` first
//! (STORED, no extra field), the data files in the order given (DEFLATE), the manifest, then
//! `META-INF/signaturesN.xml`.

use std::collections::HashSet;
use std::io::{Read, Seek, Write};

use crate::container::{MANIFEST_NAME, is_media_type};
use crate::digest::DigestSink;
use crate::error::{Error, NameProblem};
use crate::manifest::Manifest;
use crate::mimetype::{ASICE_MIMETYPE, MIMETYPE_NAME};
use crate::zip::name::check_name;
use crate::zip::time::{DOS_EPOCH, dos_from_unix};
use crate::zip::writer::ZipWriter;

/// Options for a new container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct WriterOptions {
    /// Modification time of every entry, in seconds since the Unix epoch (UTC). `None` writes
    /// 1980-01-01 00:00 (no clock is read: wasm32 has none).
    pub modified_unix_secs: Option<i64>,
}

impl WriterOptions {
    /// Sets the entries' modification time.
    pub fn with_modified(mut self, unix_secs: i64) -> WriterOptions {
        self.modified_unix_secs = Some(unix_secs);
        self
    }
}

/// What was written for one data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    /// The entry name.
    pub name: String,
    /// Uncompressed length in bytes.
    pub size: u64,
    /// Compressed length in bytes.
    pub compressed_size: u64,
    /// CRC-32 of the bytes.
    pub crc32: u32,
}

/// Writes a new container to a `Write + Seek` target (a file, or `Cursor<Vec<u8>>` in wasm).
///
/// Call order: [`ContainerWriter::new`], any number of
/// [`ContainerWriter::add_data_file`], then optionally [`ContainerWriter::add_signature`]
/// (which writes the manifest first), then [`ContainerWriter::finish`].
pub struct ContainerWriter<W> {
    zip: ZipWriter<W>,
    data_files: Vec<(String, String)>,
    folded_names: HashSet<String>,
    manifest_written: bool,
    signatures: Vec<String>,
}

impl<W> std::fmt::Debug for ContainerWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContainerWriter")
            .field("data_files", &self.data_files)
            .field("signatures", &self.signatures)
            .finish_non_exhaustive()
    }
}

/// Checks a data-file name for writing: safe path, not reserved, not a directory.
pub(crate) fn check_data_file_name(name: &str) -> Result<(), Error> {
    let refuse = |problem| Error::UnsafeName {
        name: name.to_owned(),
        problem,
    };
    check_name(name).map_err(refuse)?;
    if name.ends_with('/') {
        return Err(refuse(NameProblem::Directory));
    }
    if name == MIMETYPE_NAME || name.to_ascii_uppercase().starts_with("META-INF/") {
        return Err(refuse(NameProblem::Reserved));
    }
    Ok(())
}

impl<W: Write + Seek> ContainerWriter<W> {
    /// Starts a container and writes `mimetype`.
    pub fn new(target: W) -> Result<ContainerWriter<W>, Error> {
        ContainerWriter::with_options(target, WriterOptions::default())
    }

    /// Starts a container with options and writes `mimetype`.
    pub fn with_options(target: W, options: WriterOptions) -> Result<ContainerWriter<W>, Error> {
        let time = options.modified_unix_secs.map_or(DOS_EPOCH, dos_from_unix);
        let mut zip = ZipWriter::new(target, time);
        zip.write_stored(MIMETYPE_NAME, ASICE_MIMETYPE.as_bytes())?;
        Ok(ContainerWriter {
            zip,
            data_files: Vec::new(),
            folded_names: HashSet::new(),
            manifest_written: false,
            signatures: Vec::new(),
        })
    }

    fn admit(&mut self, name: &str, media_type: &str) -> Result<(), Error> {
        if self.manifest_written {
            return Err(Error::WriterState {
                reason: "a data file cannot be added after the manifest or a signature",
            });
        }
        check_data_file_name(name)?;
        if !is_media_type(media_type) {
            return Err(Error::InvalidMediaType {
                media_type: media_type.to_owned(),
            });
        }
        // Case-insensitive: names that differ only by case collide when extracted on
        // Windows or macOS.
        if !self.folded_names.insert(name.to_lowercase()) {
            return Err(Error::DuplicateName {
                name: name.to_owned(),
            });
        }
        Ok(())
    }

    /// Adds a data file of unknown length, streamed from `source` through `sink` (e.g. a
    /// [`crate::Hasher`]). Its local header reserves ZIP64 sizes, so any length works; prefer
    /// [`ContainerWriter::add_data_file_with_len`] when the length is known.
    pub fn add_data_file(
        &mut self,
        name: &str,
        media_type: &str,
        source: &mut dyn Read,
        sink: &mut dyn DigestSink,
    ) -> Result<WrittenFile, Error> {
        self.add(name, media_type, source, None, sink)
    }

    /// Adds a data file whose length is known (a file on disk): ZIP64 is used only when the
    /// length needs it. Fails with [`Error::LengthMismatch`] if the source gives another length.
    pub fn add_data_file_with_len(
        &mut self,
        name: &str,
        media_type: &str,
        len: u64,
        source: &mut dyn Read,
        sink: &mut dyn DigestSink,
    ) -> Result<WrittenFile, Error> {
        self.add(name, media_type, source, Some(len), sink)
    }

    fn add(
        &mut self,
        name: &str,
        media_type: &str,
        source: &mut dyn Read,
        len: Option<u64>,
        sink: &mut dyn DigestSink,
    ) -> Result<WrittenFile, Error> {
        self.admit(name, media_type)?;
        let w = self.zip.write_compressed(name, source, len, sink)?;
        self.data_files
            .push((name.to_owned(), media_type.to_owned()));
        Ok(WrittenFile {
            name: name.to_owned(),
            size: w.size,
            compressed_size: w.compressed_size,
            crc32: w.crc32,
        })
    }

    fn write_manifest(&mut self) -> Result<(), Error> {
        if !self.manifest_written {
            let xml = Manifest::to_xml(
                self.data_files
                    .iter()
                    .map(|(n, m)| (n.as_str(), m.as_str())),
            );
            self.zip.write_compressed(
                MANIFEST_NAME,
                &mut xml.as_bytes(),
                Some(xml.len() as u64),
                &mut crate::digest::NoDigest,
            )?;
            self.manifest_written = true;
        }
        Ok(())
    }

    /// Adds a signature file as `META-INF/signaturesN.xml` with the lowest free N from 0, writing
    /// the manifest first if needed. Returns the entry name.
    pub fn add_signature(&mut self, xml: &[u8]) -> Result<String, Error> {
        self.write_manifest()?;
        let name = next_signature_name(self.signatures.iter().map(String::as_str));
        self.zip.write_compressed(
            &name,
            &mut &xml[..],
            Some(xml.len() as u64),
            &mut crate::digest::NoDigest,
        )?;
        self.signatures.push(name.clone());
        Ok(name)
    }

    /// Writes the manifest (if not yet written) and the central directory; returns the target.
    pub fn finish(mut self) -> Result<W, Error> {
        self.write_manifest()?;
        self.zip.finish()
    }
}

/// `META-INF/signaturesN.xml` with the lowest N ≥ 0 not among `existing`.
pub(crate) fn next_signature_name<'a>(existing: impl Iterator<Item = &'a str>) -> String {
    let taken: HashSet<&str> = existing.collect();
    (0u64..)
        .map(|n| format!("META-INF/signatures{n}.xml"))
        .find(|name| !taken.contains(name.as_str()))
        .unwrap_or_default()
}
