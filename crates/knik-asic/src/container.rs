//! Reading an ASiC-E container: the structure checks of `signatures.md` and EN 319 162-1, and
//! streamed access to data files for the XAdES layer.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};

use crate::digest::{DigestAlgorithm, DigestSink, Hasher, stream_into};
use crate::error::Error;
use crate::finding::{Finding, Severity, codes};
use crate::limits::Limits;
use crate::manifest::Manifest;
use crate::mimetype::{self, ASICE_MIMETYPE, MIMETYPE_NAME};
use crate::uri::decode_uri_path;
use crate::zip::Entry;
use crate::zip::archive::ZipArchive;
use crate::zip::entry_reader::EntryReader;

/// Name of the manifest entry.
pub const MANIFEST_NAME: &str = "META-INF/manifest.xml";

/// Whether an entry name is a signature file: under `META-INF/`, containing `signatures`,
/// ending in `.xml` (libdigidocpp's rule, `reference/signing.md` §2.4).
pub fn is_signature_name(name: &str) -> bool {
    name.strip_prefix("META-INF/")
        .is_some_and(|rest| rest.contains("signatures") && rest.ends_with(".xml"))
}

/// The structural verdict of a container (before any signature is looked at).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StructureVerdict {
    /// No finding at all.
    Sound,
    /// Only warnings: tolerated deviations.
    Tolerated,
    /// At least one error finding: the container must not be reported valid.
    Defective,
}

/// A data file: an entry that is neither `mimetype` nor under `META-INF/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    /// The ZIP entry name.
    pub name: String,
    /// The media type the manifest gives, if it lists the file.
    pub media_type: Option<String>,
    /// Uncompressed size in bytes.
    pub size: u64,
}

/// A signature file's name and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFile {
    /// The ZIP entry name, e.g. `META-INF/signatures0.xml`.
    pub name: String,
    /// The raw XML bytes, CRC-checked.
    pub bytes: Vec<u8>,
}

/// An opened ASiC-E container over a seekable source (a file, or an in-memory cursor).
///
/// Opening reads only the ZIP structure, `mimetype` and the manifest; data files are streamed
/// on demand. Procedure for a verifier:
/// 1. [`Container::open`] — a hard [`Error`] means the container cannot be trusted at all.
/// 2. Look at [`Container::findings`] / [`Container::verdict`].
/// 3. [`Container::signature_files`] gives each signature's XML; resolve its reference URIs
///    with [`Container::data_file_for_uri`] and compute digests with [`Container::digest`]
///    (CRC and size are checked as the bytes stream).
pub struct Container<R> {
    zip: ZipArchive<R>,
    manifest: Option<Manifest>,
    data_files: Vec<usize>,
    signature_files: Vec<usize>,
    findings: Vec<Finding>,
}

impl<R> std::fmt::Debug for Container<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Container")
            .field("entries", &self.zip.entries.len())
            .field("findings", &self.findings)
            .finish_non_exhaustive()
    }
}

/// Reads a small entry (mimetype, META-INF/*) whose size the limits already bounded.
pub(crate) fn read_small<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
) -> Result<Vec<u8>, Error> {
    let entry = &zip.entries[index];
    let mut out = Vec::with_capacity(entry.uncompressed_size.min(1 << 20) as usize);
    EntryReader::new(&mut zip.reader, entry)?
        .read_to_end(&mut out)
        .map_err(|e| Error::from_io(e, "reading an entry"))?;
    Ok(out)
}

impl<R: Read + Seek> Container<R> {
    /// Opens a container with the default [`Limits`].
    pub fn open(reader: R) -> Result<Container<R>, Error> {
        Container::open_with_limits(reader, &Limits::default())
    }

    /// Opens a container, enforcing `limits`.
    pub fn open_with_limits(reader: R, limits: &Limits) -> Result<Container<R>, Error> {
        let mut zip = ZipArchive::open(reader, limits)?;
        let mut findings = std::mem::take(&mut zip.findings);
        mimetype::check(&mut zip, &mut findings)?;
        let mut data_files = Vec::new();
        let mut signature_files = Vec::new();
        for (i, e) in zip.entries.iter().enumerate() {
            if e.is_directory() || e.name == MIMETYPE_NAME {
                continue;
            }
            if e.name.starts_with("META-INF/") {
                if is_signature_name(&e.name) {
                    signature_files.push(i);
                }
                continue;
            }
            data_files.push(i);
        }
        let manifest = match zip.index_of(MANIFEST_NAME) {
            Some(i) => Some(Manifest::parse(&read_small(&mut zip, i)?)?),
            None => {
                findings.push(Finding::error(
                    codes::MANIFEST_MISSING,
                    "the container has no META-INF/manifest.xml",
                ));
                None
            }
        };
        let mut container = Container {
            zip,
            manifest,
            data_files,
            signature_files,
            findings,
        };
        container.cross_check();
        Ok(container)
    }

    /// Manifest ↔ entries (EN 319 162-1 §A.2; libdigidocpp: every data file must be listed).
    fn cross_check(&mut self) {
        let names: HashSet<&str> = self
            .data_files
            .iter()
            .map(|&i| self.zip.entries[i].name.as_str())
            .collect();
        let mut found = Vec::new();
        if let Some(manifest) = &self.manifest {
            let mut listed = HashSet::new();
            let mut root_ok = false;
            for entry in &manifest.entries {
                let path = entry.full_path.as_str();
                if !listed.insert(path) {
                    found.push(Finding::error(
                        codes::MANIFEST_DUPLICATE_ENTRY,
                        format!("the manifest lists {path:?} more than once"),
                    ));
                    continue;
                }
                if path == "/" {
                    root_ok = entry.media_type == ASICE_MIMETYPE;
                    continue;
                }
                if path.ends_with('/') || path.starts_with("META-INF/") {
                    continue;
                }
                if !names.contains(path) {
                    found.push(Finding::error(
                        codes::MANIFEST_ENTRY_WITHOUT_FILE,
                        format!("the manifest lists {path:?} but the container has no such file"),
                    ));
                }
                if !is_media_type(&entry.media_type) {
                    found.push(Finding::warning(
                        codes::MANIFEST_MEDIA_TYPE,
                        format!(
                            "the manifest gives {path:?} the media type {:?}, which is not type/subtype",
                            entry.media_type
                        ),
                    ));
                }
            }
            if !root_ok {
                found.push(Finding::warning(
                    codes::MANIFEST_ROOT_ENTRY,
                    "the manifest has no \"/\" entry with the ASiC-E media type",
                ));
            }
            for &i in &self.data_files {
                let name = &self.zip.entries[i].name;
                if !listed.contains(name.as_str()) {
                    found.push(Finding::error(
                        codes::DATA_FILE_NOT_IN_MANIFEST,
                        format!("data file {name:?} is not listed in the manifest"),
                    ));
                }
            }
        }
        if self.data_files.is_empty() {
            found.push(Finding::warning(
                codes::NO_DATA_FILES,
                "the container has no data file",
            ));
        }
        self.findings.extend(found);
    }

    /// Everything tolerated or refused so far, in the order found.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Sound, tolerated (warnings only) or defective (an error finding).
    pub fn verdict(&self) -> StructureVerdict {
        match self.findings.iter().map(|f| f.severity).max() {
            None => StructureVerdict::Sound,
            Some(Severity::Warning) => StructureVerdict::Tolerated,
            Some(Severity::Error) => StructureVerdict::Defective,
        }
    }

    /// All entries of the archive, in central-directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.zip.entries
    }

    /// The parsed manifest, if there is one.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    /// The data files in central-directory order, with their manifest media types.
    pub fn data_files(&self) -> Vec<DataFile> {
        // First listing wins, as in `Manifest::media_type`.
        let mut types: HashMap<&str, &str> = HashMap::new();
        for m in self.manifest.iter().flat_map(|m| &m.entries) {
            types.entry(&m.full_path).or_insert(&m.media_type);
        }
        self.data_files
            .iter()
            .map(|&i| {
                let e = &self.zip.entries[i];
                DataFile {
                    name: e.name.clone(),
                    media_type: types.get(e.name.as_str()).map(|t| (*t).to_owned()),
                    size: e.uncompressed_size,
                }
            })
            .collect()
    }

    /// Names of the signature files, in central-directory order.
    pub fn signature_names(&self) -> Vec<&str> {
        self.signature_files
            .iter()
            .map(|&i| self.zip.entries[i].name.as_str())
            .collect()
    }

    /// Reads every signature file (bounded by [`Limits::max_metadata_size`], CRC-checked).
    pub fn signature_files(&mut self) -> Result<Vec<SignatureFile>, Error> {
        let mut out = Vec::with_capacity(self.signature_files.len());
        for &i in &self.signature_files {
            out.push(SignatureFile {
                name: self.zip.entries[i].name.clone(),
                bytes: read_small(&mut self.zip, i)?,
            });
        }
        Ok(out)
    }

    /// The data file a reference URI points to: percent-decoded, `+` kept literal
    /// (`reference/signing.md` §2.8). `Ok(None)` when no data file has that name.
    pub fn data_file_for_uri(&self, uri: &str) -> Result<Option<&str>, Error> {
        let name = decode_uri_path(uri)?;
        Ok(self
            .index(&name, true)
            .ok()
            .map(|i| self.zip.entries[i].name.as_str()))
    }

    fn index(&self, name: &str, data_only: bool) -> Result<usize, Error> {
        let found = self
            .zip
            .index_of(name)
            .filter(|i| !data_only || self.data_files.binary_search(i).is_ok());
        found.ok_or_else(|| Error::NoSuchEntry {
            name: name.to_owned(),
            kind: if data_only { "data file" } else { "entry" },
        })
    }

    /// Streams any entry's uncompressed bytes (size and CRC checked at the end).
    pub fn open_entry(&mut self, name: &str) -> Result<EntryReader<'_, R>, Error> {
        let i = self.index(name, false)?;
        EntryReader::new(&mut self.zip.reader, &self.zip.entries[i])
    }

    /// Streams a data file's uncompressed bytes (size and CRC checked at the end).
    pub fn open_data_file(&mut self, name: &str) -> Result<EntryReader<'_, R>, Error> {
        let i = self.index(name, true)?;
        EntryReader::new(&mut self.zip.reader, &self.zip.entries[i])
    }

    /// Streams a data file through `sink`; returns its length. Fails on CRC or size errors,
    /// after the sink has seen the bytes — discard the sink's result then.
    pub fn digest_into(&mut self, name: &str, sink: &mut dyn DigestSink) -> Result<u64, Error> {
        let mut reader = self.open_data_file(name)?;
        stream_into(&mut reader, sink)
    }

    /// The digest of a data file's bytes, streamed.
    pub fn digest(&mut self, name: &str, algorithm: DigestAlgorithm) -> Result<Vec<u8>, Error> {
        let mut hasher = Hasher::new(algorithm);
        self.digest_into(name, &mut hasher)?;
        Ok(hasher.finalize())
    }

    /// Gives the source back.
    pub fn into_inner(self) -> R {
        self.zip.reader
    }

    pub(crate) fn archive_mut(&mut self) -> &mut ZipArchive<R> {
        &mut self.zip
    }
}

/// `type/subtype` with RFC 6838 restricted-name characters, optional parameters after `;`.
pub(crate) fn is_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    let mut parts = essence.split('/');
    let ok = |s: Option<&str>| {
        s.is_some_and(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
        })
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}
