//! Opening an archive: end of central directory (with ZIP64), central directory, local
//! headers, and every check against hostile archives, before a single data byte is read.

use std::collections::HashMap;
use std::io::{BufReader, Read, Seek, SeekFrom};

use super::name::{Decoding, check_name, decode_name};
use super::records::{CentralRecord, extra_blocks};
use super::{
    CENTRAL_HEADER_LEN, EOCD_LEN, EOCD_SIG, Entry, FLAG_DATA_DESCRIPTOR, FLAG_ENCRYPTED,
    FLAG_STRONG_ENCRYPTION, FLAG_UTF8, LOCAL_HEADER_LEN, LOCAL_SIG, METHOD_AES, METHOD_DEFLATE,
    METHOD_STORED, ZIP64_EOCD_SIG, ZIP64_EXTRA_ID, ZIP64_LOCATOR_SIG, u16_at, u32_at, u64_at,
};
use crate::error::Error;
use crate::finding::{Finding, codes};
use crate::limits::Limits;

/// Data-descriptor signature (APPNOTE 4.3.9.3), optional in front of the descriptor.
const DESCRIPTOR_SIG: u32 = 0x0807_4b50;

/// An opened, checked archive over a seekable source.
pub(crate) struct ZipArchive<R> {
    pub(crate) reader: R,
    pub(crate) entries: Vec<Entry>,
    pub(crate) findings: Vec<Finding>,
    /// Where each entry's bytes (local header, data, descriptor) end, by entry index.
    pub(crate) span_ends: Vec<u64>,
    /// Entry index by exact name.
    by_name: HashMap<String, usize>,
}

struct Directory {
    entries: u64,
    cd_size: u64,
    cd_offset: u64,
    /// Nothing of the central directory may reach past this (the ZIP64 record or the EOCD).
    cd_limit: u64,
}

fn io_err(context: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Error::malformed(format!("{context}: the archive is truncated"))
        } else {
            Error::from_io(e, context)
        }
    }
}

fn read_at<R: Read + Seek>(
    r: &mut R,
    at: u64,
    buf: &mut [u8],
    context: &'static str,
) -> Result<(), Error> {
    r.seek(SeekFrom::Start(at)).map_err(io_err(context))?;
    r.read_exact(buf).map_err(io_err(context))
}

impl<R: Read + Seek> ZipArchive<R> {
    /// Reads and checks the whole structure. Returns the first hard error found.
    pub(crate) fn open(mut reader: R, limits: &Limits) -> Result<ZipArchive<R>, Error> {
        let len = reader
            .seek(SeekFrom::End(0))
            .map_err(io_err("finding the archive length"))?;
        let dir = find_directory(&mut reader, len)?;
        if dir.entries > limits.max_entries {
            return Err(Error::TooManyEntries {
                found: dir.entries,
                limit: limits.max_entries,
            });
        }
        if dir.entries.saturating_mul(CENTRAL_HEADER_LEN as u64) > dir.cd_size {
            return Err(Error::malformed(format!(
                "the central directory ({} bytes) is too small for {} entries",
                dir.cd_size, dir.entries
            )));
        }
        let records = read_central(&mut reader, &dir)?;
        let mut findings = Vec::new();
        let mut entries = Vec::with_capacity(records.len());
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut folded: HashMap<String, String> = HashMap::new();
        let mut total: u64 = 0;
        for rec in records {
            let entry = check_record(rec, limits, &mut findings)?;
            if by_name.insert(entry.name.clone(), entries.len()).is_some() {
                return Err(Error::DuplicateName { name: entry.name });
            }
            if let Some(other) = folded.insert(entry.name.to_lowercase(), entry.name.clone()) {
                findings.push(Finding::warning(
                    codes::NAME_CASE_COLLISION,
                    format!(
                        "entries {other:?} and {:?} differ only by letter case",
                        entry.name
                    ),
                ));
            }
            total = total.saturating_add(entry.uncompressed_size);
            if total > limits.max_total_size {
                return Err(Error::TotalTooLarge {
                    size: total,
                    limit: limits.max_total_size,
                });
            }
            entries.push(entry);
        }
        let mut span_ends = Vec::with_capacity(entries.len());
        for entry in &mut entries {
            span_ends.push(read_local_header(&mut reader, entry, dir.cd_offset)?);
        }
        check_overlaps(&entries, &span_ends)?;
        Ok(ZipArchive {
            reader,
            entries,
            findings,
            span_ends,
            by_name,
        })
    }

    pub(crate) fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
}

/// Locates the end-of-central-directory record (APPNOTE 4.3.16), scanning back over a
/// possible archive comment, and follows the ZIP64 locator when there is one.
fn find_directory<R: Read + Seek>(r: &mut R, len: u64) -> Result<Directory, Error> {
    if len < EOCD_LEN as u64 {
        return Err(Error::NotZip);
    }
    let tail_len = len.min((EOCD_LEN + 0xFFFF) as u64);
    let tail_start = len - tail_len;
    let mut tail = vec![0u8; tail_len as usize];
    read_at(r, tail_start, &mut tail, "reading the end of the archive")?;
    let mut found = None;
    for i in (0..=tail.len() - EOCD_LEN).rev() {
        if u32_at(&tail, i) == EOCD_SIG
            && i + EOCD_LEN + u16_at(&tail, i + 20) as usize <= tail.len()
        {
            found = Some(i);
            break;
        }
    }
    let i = found.ok_or(Error::NotZip)?;
    let eocd = &tail[i..i + EOCD_LEN];
    let eocd_pos = tail_start + i as u64;
    let disk = u16_at(eocd, 4);
    let cd_disk = u16_at(eocd, 6);
    let on_disk = u16_at(eocd, 8);
    let mut dir = Directory {
        entries: u16_at(eocd, 10).into(),
        cd_size: u32_at(eocd, 12).into(),
        cd_offset: u32_at(eocd, 16).into(),
        cd_limit: eocd_pos,
    };
    let mut zip64 = false;
    if eocd_pos >= 20 {
        let mut loc = [0u8; 20];
        read_at(r, eocd_pos - 20, &mut loc, "reading the ZIP64 locator")?;
        if u32_at(&loc, 0) == ZIP64_LOCATOR_SIG {
            zip64 = true;
            let rec_pos = u64_at(&loc, 8);
            if u32_at(&loc, 16) > 1 || u32_at(&loc, 4) != 0 {
                return Err(Error::MultiDisk);
            }
            if rec_pos
                .checked_add(56)
                .is_none_or(|end| end > eocd_pos - 20)
            {
                return Err(Error::malformed(
                    "the ZIP64 end-of-central-directory record lies outside the archive",
                ));
            }
            let mut rec = [0u8; 56];
            read_at(
                r,
                rec_pos,
                &mut rec,
                "reading the ZIP64 end of central directory",
            )?;
            if u32_at(&rec, 0) != ZIP64_EOCD_SIG {
                return Err(Error::malformed(
                    "the ZIP64 end-of-central-directory signature is missing",
                ));
            }
            if u32_at(&rec, 16) != 0
                || u32_at(&rec, 20) != 0
                || u64_at(&rec, 24) != u64_at(&rec, 32)
            {
                return Err(Error::MultiDisk);
            }
            dir.entries = u64_at(&rec, 32);
            dir.cd_size = u64_at(&rec, 40);
            dir.cd_offset = u64_at(&rec, 48);
            dir.cd_limit = rec_pos;
        }
    }
    if !zip64 && (disk != 0 || cd_disk != 0 || on_disk as u64 != dir.entries) {
        return Err(Error::MultiDisk);
    }
    if dir
        .cd_offset
        .checked_add(dir.cd_size)
        .is_none_or(|end| end > dir.cd_limit)
    {
        return Err(Error::malformed(
            "the central directory lies outside the archive",
        ));
    }
    Ok(dir)
}

/// Reads every central-directory record, streaming (memory grows with the names, not with
/// the declared directory size).
fn read_central<R: Read + Seek>(r: &mut R, dir: &Directory) -> Result<Vec<CentralRecord>, Error> {
    r.seek(SeekFrom::Start(dir.cd_offset))
        .map_err(io_err("reading the central directory"))?;
    let mut cd = BufReader::new(r.take(dir.cd_size));
    let mut out = Vec::with_capacity(dir.entries.min(4096) as usize);
    let err = io_err("reading the central directory");
    for _ in 0..dir.entries {
        let mut fixed = [0u8; CENTRAL_HEADER_LEN];
        cd.read_exact(&mut fixed).map_err(&err)?;
        let (n, e, c) = (
            u16_at(&fixed, 28) as usize,
            u16_at(&fixed, 30) as usize,
            u16_at(&fixed, 32) as usize,
        );
        let mut name = vec![0u8; n];
        cd.read_exact(&mut name).map_err(&err)?;
        let mut extra = vec![0u8; e];
        cd.read_exact(&mut extra).map_err(&err)?;
        let mut comment = vec![0u8; c];
        cd.read_exact(&mut comment).map_err(&err)?;
        out.push(CentralRecord::parse(&fixed, name, &extra, comment)?);
    }
    Ok(out)
}

/// Name, encryption, method and size checks of one central record.
fn check_record(
    rec: CentralRecord,
    limits: &Limits,
    findings: &mut Vec<Finding>,
) -> Result<Entry, Error> {
    let (name, decoding) =
        decode_name(&rec.raw_name, rec.flags & FLAG_UTF8 != 0).map_err(|problem| {
            Error::UnsafeName {
                name: String::from_utf8_lossy(&rec.raw_name).into_owned(),
                problem,
            }
        })?;
    match decoding {
        Decoding::Clean => {}
        Decoding::Utf8Unflagged => findings.push(Finding::warning(
            codes::NAME_UTF8_UNFLAGGED,
            format!("entry name {name:?} is UTF-8 but the UTF-8 flag is not set"),
        )),
        Decoding::Cp437 => findings.push(Finding::warning(
            codes::NAME_CP437,
            format!("entry name {name:?} is not UTF-8; it was read as CP437"),
        )),
    }
    check_name(&name).map_err(|problem| Error::UnsafeName {
        name: name.clone(),
        problem,
    })?;
    if rec.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0 || rec.method == METHOD_AES {
        return Err(Error::Encrypted { name });
    }
    if rec.method != METHOD_STORED && rec.method != METHOD_DEFLATE {
        return Err(Error::UnsupportedCompression {
            name,
            method: rec.method,
        });
    }
    let metadata = name == "mimetype" || name.starts_with("META-INF/");
    let limit = if metadata {
        limits.max_metadata_size
    } else {
        limits.max_entry_size
    };
    if rec.uncompressed_size > limit {
        return Err(Error::EntryTooLarge {
            name,
            size: rec.uncompressed_size,
            limit,
        });
    }
    if rec.method == METHOD_STORED && rec.compressed_size != rec.uncompressed_size {
        return Err(Error::SizeMismatch {
            name,
            declared: rec.uncompressed_size,
            found: rec.compressed_size,
        });
    }
    if rec.uncompressed_size > limits.ratio_threshold
        && rec.uncompressed_size > rec.compressed_size.saturating_mul(limits.max_ratio)
    {
        return Err(Error::CompressionRatio {
            name,
            compressed: rec.compressed_size,
            uncompressed: rec.uncompressed_size,
            limit: limits.max_ratio,
        });
    }
    Ok(Entry {
        name,
        raw_name: rec.raw_name.clone(),
        flags: rec.flags,
        method: rec.method,
        crc32: rec.crc32,
        compressed_size: rec.compressed_size,
        uncompressed_size: rec.uncompressed_size,
        local_offset: rec.local_offset,
        data_offset: 0,
        local_extra_len: 0,
        central: rec,
    })
}

/// Reads an entry's local header, compares it with the central record, fills in the data
/// offset, and returns where the entry's bytes end (after a data descriptor, if any).
fn read_local_header<R: Read + Seek>(
    r: &mut R,
    entry: &mut Entry,
    cd_offset: u64,
) -> Result<u64, Error> {
    let overlap = |entry: &Entry| Error::OverlappingEntries {
        first: entry.name.clone(),
        second: "central directory".to_owned(),
    };
    if entry
        .local_offset
        .checked_add(LOCAL_HEADER_LEN)
        .is_none_or(|end| end > cd_offset)
    {
        return Err(overlap(entry));
    }
    let mut fixed = [0u8; LOCAL_HEADER_LEN as usize];
    read_at(r, entry.local_offset, &mut fixed, "reading a local header")?;
    let mismatch = |field| Error::LocalHeaderMismatch {
        name: entry.name.clone(),
        field,
    };
    if u32_at(&fixed, 0) != LOCAL_SIG {
        return Err(mismatch("signature"));
    }
    let n = u16_at(&fixed, 26) as usize;
    let e = u16_at(&fixed, 28);
    if n != entry.raw_name.len() {
        return Err(mismatch("name"));
    }
    let mut name_and_extra = vec![0u8; n + e as usize];
    r.read_exact(&mut name_and_extra)
        .map_err(io_err("reading a local header"))?;
    if name_and_extra[..n] != entry.raw_name[..] {
        return Err(mismatch("name"));
    }
    if u16_at(&fixed, 8) != entry.method {
        return Err(mismatch("compression method"));
    }
    let local_zip64 = extra_blocks(&name_and_extra[n..])
        .iter()
        .any(|(id, _, _)| *id == ZIP64_EXTRA_ID);
    entry.local_extra_len = e;
    entry.data_offset = entry.local_offset + LOCAL_HEADER_LEN + n as u64 + u64::from(e);
    let data_end = entry
        .data_offset
        .checked_add(entry.compressed_size)
        .filter(|&end| end <= cd_offset)
        .ok_or_else(|| overlap(entry))?;
    if u16_at(&fixed, 6) & FLAG_DATA_DESCRIPTOR == 0 {
        return Ok(data_end);
    }
    // APPNOTE 4.3.9: CRC and sizes follow the data, optionally behind a signature; the sizes
    // are 8 bytes each when the local header carries a ZIP64 block.
    let sizes = if local_zip64 { 16 } else { 8 };
    let mut sig = [0u8; 4];
    let with_sig = data_end + 4 <= cd_offset && {
        read_at(r, data_end, &mut sig, "reading a data descriptor")?;
        u32::from_le_bytes(sig) == DESCRIPTOR_SIG
    };
    let end = data_end + if with_sig { 4 } else { 0 } + 4 + sizes;
    if end > cd_offset {
        return Err(overlap(entry));
    }
    Ok(end)
}

fn check_overlaps(entries: &[Entry], span_ends: &[u64]) -> Result<(), Error> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| entries[i].local_offset);
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if span_ends[a] > entries[b].local_offset {
            return Err(Error::OverlappingEntries {
                first: entries[a].name.clone(),
                second: entries[b].name.clone(),
            });
        }
    }
    Ok(())
}
