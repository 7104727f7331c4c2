//! Opening and verifying ASiC-E containers on the phone: list the data files, read or extract
//! one, verify every signature into a typed [`VerificationReport`].

use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use knik::verify::{VerifyOptions, verify, verify_file};
use knik_asic::{Container, StructureVerdict};
use knik_pki::Certificate;
use knik_pki::trust::TrustStore;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::KnikError;
use crate::report::{DataFileInfo, VerificationReport};

/// What a container holds, read without verifying anything.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContainerContents {
    /// The data files, in container order.
    pub data_files: Vec<DataFileInfo>,
    /// The signature entries (`META-INF/signatures0.xml`, …).
    pub signature_files: Vec<String>,
    /// `sound`, `tolerated` or `defective` (see the verification report for why).
    pub structure: String,
}

/// What to verify against.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustSettings {
    /// Trust anchors: PEM (one or more certificates) or DER, each element one file's bytes.
    pub anchors: Vec<Vec<u8>>,
    /// Intermediate CA certificates that may complete a chain (not trusted by themselves).
    pub intermediates: Vec<Vec<u8>>,
    /// The validation time, RFC 3339; `None` for now.
    pub validation_time: Option<String>,
}

/// A certificate the app passed that cannot be read: its input, with knik-pki's code.
fn unreadable(what: &str, e: knik_pki::Error) -> KnikError {
    KnikError::InvalidInput {
        code: e.code().to_owned(),
        detail: format!("{what}: {e}"),
    }
}

/// Every certificate of `inputs` (each PEM, possibly several, or DER).
pub(crate) fn certificates(inputs: &[Vec<u8>]) -> Result<Vec<Certificate>, KnikError> {
    let mut out = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let certs = Certificate::from_der_or_pem(input)
            .map_err(|e| unreadable(&format!("certificate {}", i + 1), e))?;
        out.extend(certs);
    }
    Ok(out)
}

/// A trust store of `anchors` (each PEM, possibly several, or DER).
pub(crate) fn trust_store(anchors: &[Vec<u8>]) -> Result<TrustStore, KnikError> {
    let mut store = TrustStore::new();
    for (i, input) in anchors.iter().enumerate() {
        let label = format!("trust anchor {}", i + 1);
        store
            .add_pem_or_der(input, &label)
            .map_err(|e| unreadable(&label, e))?;
    }
    Ok(store)
}

fn verify_options(trust: &TrustSettings) -> Result<VerifyOptions, KnikError> {
    let at = match &trust.validation_time {
        Some(t) => Some(OffsetDateTime::parse(t, &Rfc3339).map_err(|e| {
            KnikError::invalid(format!("validation time {t:?} is not RFC 3339: {e}"))
        })?),
        None => None,
    };
    Ok(VerifyOptions {
        trust: trust_store(&trust.anchors)?,
        chain: certificates(&trust.intermediates)?,
        at,
        ..VerifyOptions::default()
    })
}

fn open(path: &str) -> Result<Container<BufReader<File>>, KnikError> {
    let f = File::open(path).map_err(|e| KnikError::Io {
        code: "IO".to_owned(),
        detail: format!("opening the container ({path}): {e}"),
    })?;
    Ok(Container::open(BufReader::with_capacity(1 << 16, f))?)
}

/// Lists what the container at `path` holds.
#[uniffi::export]
pub fn open_container(path: String) -> Result<ContainerContents, KnikError> {
    let container = open(&path)?;
    Ok(ContainerContents {
        data_files: container
            .data_files()
            .into_iter()
            .map(|d| DataFileInfo {
                name: d.name,
                media_type: d.media_type,
                size: d.size,
            })
            .collect(),
        signature_files: container
            .signature_names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        structure: match container.verdict() {
            StructureVerdict::Sound => "sound",
            StructureVerdict::Tolerated => "tolerated",
            _ => "defective",
        }
        .to_owned(),
    })
}

/// The bytes of one data file, refused when larger than `max_bytes` (a phone's memory is not a
/// place for a 2 GB scan; use `extract_container` for those).
#[uniffi::export]
pub fn read_data_file(path: String, name: String, max_bytes: u64) -> Result<Vec<u8>, KnikError> {
    let mut container = open(&path)?;
    let size = container
        .data_files()
        .into_iter()
        .find(|d| d.name == name)
        .map(|d| d.size)
        .ok_or_else(|| KnikError::invalid(format!("the container has no data file {name:?}")))?;
    if size > max_bytes {
        return Err(KnikError::invalid(format!(
            "{name} is {size} bytes, more than the {max_bytes} allowed"
        )));
    }
    // The declared size is the archive's word: cap what is reserved up front.
    let mut out = Vec::with_capacity(usize::try_from(size.min(1 << 20)).unwrap_or(0));
    container
        .open_data_file(&name)?
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| KnikError::Document {
            code: "ZIP_READ".to_owned(),
            detail: format!("reading {name}: {e}"),
        })?;
    Ok(out)
}

/// Extracts every data file into the directory `dir` (streamed; each file written atomically;
/// an existing file is replaced only with `overwrite`). Returns the paths written.
#[uniffi::export]
pub fn extract_container(
    path: String,
    dir: String,
    overwrite: bool,
) -> Result<Vec<String>, KnikError> {
    let mut container = open(&path)?;
    Ok(container
        .extract_data_files(Path::new(&dir), overwrite)?
        .into_iter()
        .map(|p| p.display().to_string())
        .collect())
}

/// Verifies the container at `path`. A bad container is a verdict with findings, not an
/// error; errors are for a file that cannot be read at all or unusable settings.
#[uniffi::export]
pub fn verify_container(
    path: String,
    trust: TrustSettings,
) -> Result<VerificationReport, KnikError> {
    let options = verify_options(&trust)?;
    Ok(verify_file(Path::new(&path), &options)?.into())
}

/// [`verify_container`] over bytes already in memory (a download, an attachment).
#[uniffi::export]
pub fn verify_container_bytes(
    container: Vec<u8>,
    trust: TrustSettings,
) -> Result<VerificationReport, KnikError> {
    let options = verify_options(&trust)?;
    Ok(verify(Cursor::new(container), &options).into())
}
