//! Adding a signature to an existing container: every existing entry is copied byte for byte
//! (local header, compressed data, data descriptor), only the new signature entry is added and
//! the central directory rewritten (`signatures.md`: "Adding a signature to a signed container
//! copies every existing entry byte for byte"; `reference/signing.md` §4.16).

use std::io::{Read, Seek, Write};

use crate::container::Container;
use crate::container_writer::{WriterOptions, next_signature_name};
use crate::digest::NoDigest;
use crate::error::Error;
use crate::limits::Limits;
use crate::zip::time::{DOS_EPOCH, dos_from_unix};
use crate::zip::writer::ZipWriter;

/// The result of [`append_signature`].
#[derive(Debug)]
pub struct Appended<W> {
    /// Name given to the new signature entry (`META-INF/signaturesN.xml`).
    pub name: String,
    /// The target, positioned after the end of the new container.
    pub target: W,
}

/// Copies the container in `source` to `target` with `signature_xml` added as
/// `META-INF/signaturesN.xml` (lowest free N from 0).
///
/// The source is opened with `limits` first, so a hostile container is refused rather than
/// propagated; structural findings do not stop the append (the caller has seen them when it
/// verified the container before signing).
pub fn append_signature<R: Read + Seek, W: Write + Seek>(
    source: R,
    target: W,
    signature_xml: &[u8],
    limits: &Limits,
    options: WriterOptions,
) -> Result<Appended<W>, Error> {
    let mut container = Container::open_with_limits(source, limits)?;
    let name = next_signature_name(container.entries().iter().map(|e| e.name()));
    let time = options.modified_unix_secs.map_or(DOS_EPOCH, dos_from_unix);
    let zip = container.archive_mut();
    let mut order: Vec<usize> = (0..zip.entries.len()).collect();
    order.sort_by_key(|&i| zip.entries[i].local_offset);
    let mut out = ZipWriter::new(target, time);
    for i in order {
        let (start, end) = (zip.entries[i].local_offset, zip.span_ends[i]);
        let record = zip.entries[i].central.clone();
        out.copy_raw(&mut zip.reader, start, end, record)?;
    }
    out.write_compressed(
        &name,
        &mut &signature_xml[..],
        Some(signature_xml.len() as u64),
        &mut NoDigest,
    )?;
    Ok(Appended {
        name,
        target: out.finish()?,
    })
}

/// Copies the container in `source` to `target`, replacing the content of existing signature
/// entries (`replacements`: entry name → new XML) — how an extended signature (B-T → B-LT →
/// B-LTA) is written back. Every other entry is copied byte for byte, in the original order;
/// a replaced entry keeps its place and name.
///
/// Fails with [`Error::NoSuchEntry`] when a name in `replacements` is not a signature entry of
/// the container.
pub fn replace_signatures<R: Read + Seek, W: Write + Seek>(
    source: R,
    target: W,
    replacements: &[(String, Vec<u8>)],
    limits: &Limits,
    options: WriterOptions,
) -> Result<W, Error> {
    let mut container = Container::open_with_limits(source, limits)?;
    for (name, _) in replacements {
        let known = container.entries().iter().any(|e| e.name() == name);
        if !known || !crate::container::is_signature_name(name) {
            return Err(Error::NoSuchEntry {
                name: name.clone(),
                kind: "signature entry",
            });
        }
    }
    let time = options.modified_unix_secs.map_or(DOS_EPOCH, dos_from_unix);
    let zip = container.archive_mut();
    let mut order: Vec<usize> = (0..zip.entries.len()).collect();
    order.sort_by_key(|&i| zip.entries[i].local_offset);
    let mut out = ZipWriter::new(target, time);
    for i in order {
        let name = zip.entries[i].name().to_owned();
        match replacements.iter().find(|(n, _)| *n == name) {
            Some((_, xml)) => {
                out.write_compressed(&name, &mut &xml[..], Some(xml.len() as u64), &mut NoDigest)?;
            }
            None => {
                let (start, end) = (zip.entries[i].local_offset, zip.span_ends[i]);
                let record = zip.entries[i].central.clone();
                out.copy_raw(&mut zip.reader, start, end, record)?;
            }
        }
    }
    out.finish()
}
