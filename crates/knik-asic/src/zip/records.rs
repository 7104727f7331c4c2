//! Central-directory records and local headers: parsing and serialising, with ZIP64
//! (APPNOTE 4.3.7, 4.3.12, 4.5.3).

use super::{CENTRAL_HEADER_LEN, CENTRAL_SIG, LOCAL_SIG, ZIP64_EXTRA_ID, u16_at, u32_at, u64_at};
use crate::error::Error;

/// Version needed to extract: 2.0 (DEFLATE), 4.5 (ZIP64).
pub(crate) const VERSION_DEFLATE: u16 = 20;
pub(crate) const VERSION_ZIP64: u16 = 45;
/// "Version made by": upper byte 3 = UNIX, so that unzip honours the permission bits.
pub(crate) const MADE_BY_UNIX: u16 = 3 << 8;
/// External attributes of a regular file, mode 0644.
pub(crate) const EXTERNAL_ATTR_FILE: u32 = 0o100_644 << 16;

const SAT32: u64 = 0xFFFF_FFFF;

/// A central-directory record with the ZIP64 values already folded in, so that it can be
/// written back with any new local-header offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CentralRecord {
    pub version_made_by: u16,
    pub version_needed: u16,
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub local_offset: u64,
    pub raw_name: Vec<u8>,
    /// The extra field without its ZIP64 block (that one is recomputed when writing).
    pub extra: Vec<u8>,
    pub comment: Vec<u8>,
    pub internal_attr: u16,
    pub external_attr: u32,
    /// Write both sizes in a ZIP64 block even when they fit 32 bits, mirroring a local header
    /// that reserved ZIP64 sizes (APPNOTE 4.5.3).
    pub zip64_sizes: bool,
}

impl CentralRecord {
    /// Parses one record whose 46 fixed bytes are in `fixed`.
    pub(crate) fn parse(
        fixed: &[u8],
        raw_name: Vec<u8>,
        extra: &[u8],
        comment: Vec<u8>,
    ) -> Result<CentralRecord, Error> {
        debug_assert_eq!(fixed.len(), CENTRAL_HEADER_LEN);
        if u32_at(fixed, 0) != CENTRAL_SIG {
            return Err(Error::malformed(
                "central directory record signature missing",
            ));
        }
        let mut rec = CentralRecord {
            version_made_by: u16_at(fixed, 4),
            version_needed: u16_at(fixed, 6),
            flags: u16_at(fixed, 8),
            method: u16_at(fixed, 10),
            time: u16_at(fixed, 12),
            date: u16_at(fixed, 14),
            crc32: u32_at(fixed, 16),
            compressed_size: u32_at(fixed, 20).into(),
            uncompressed_size: u32_at(fixed, 24).into(),
            local_offset: u32_at(fixed, 42).into(),
            raw_name,
            extra: Vec::new(),
            comment,
            internal_attr: u16_at(fixed, 36),
            external_attr: u32_at(fixed, 38),
            zip64_sizes: false,
        };
        let mut disk: u32 = u16_at(fixed, 34).into();
        let mut zip64_block = None;
        for (id, body, whole) in extra_blocks(extra) {
            if id == ZIP64_EXTRA_ID && zip64_block.is_none() {
                zip64_block = Some(body);
            } else {
                rec.extra.extend_from_slice(whole);
            }
        }
        // APPNOTE 4.5.3: the ZIP64 block holds, in this order, only the fields saturated in
        // the fixed part.
        let need_u = rec.uncompressed_size == SAT32;
        let need_c = rec.compressed_size == SAT32;
        let need_o = rec.local_offset == SAT32;
        let need_d = disk == 0xFFFF;
        if need_u || need_c || need_o || need_d {
            let body = zip64_block.ok_or_else(|| {
                Error::malformed("a saturated size or offset has no ZIP64 extra field")
            })?;
            let mut at = 0usize;
            let mut take8 = |what: &str| -> Result<u64, Error> {
                if body.len() < at + 8 {
                    return Err(Error::malformed(format!(
                        "ZIP64 extra field lacks the {what}"
                    )));
                }
                let v = u64_at(body, at);
                at += 8;
                Ok(v)
            };
            if need_u {
                rec.uncompressed_size = take8("uncompressed size")?;
                rec.zip64_sizes = true;
            }
            if need_c {
                rec.compressed_size = take8("compressed size")?;
                rec.zip64_sizes = true;
            }
            if need_o {
                rec.local_offset = take8("local header offset")?;
            }
            if need_d {
                if body.len() < at + 4 {
                    return Err(Error::malformed("ZIP64 extra field lacks the disk number"));
                }
                disk = u32_at(body, at);
            }
        }
        if disk != 0 {
            return Err(Error::MultiDisk);
        }
        Ok(rec)
    }

    /// Appends the serialised record to `out`.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        let big_u = self.zip64_sizes || self.uncompressed_size >= SAT32;
        let big_c = self.zip64_sizes || self.compressed_size >= SAT32;
        let big_o = self.local_offset >= SAT32;
        let mut z64 = Vec::new();
        if big_u {
            z64.extend_from_slice(&self.uncompressed_size.to_le_bytes());
        }
        if big_c {
            z64.extend_from_slice(&self.compressed_size.to_le_bytes());
        }
        if big_o {
            z64.extend_from_slice(&self.local_offset.to_le_bytes());
        }
        let mut extra = Vec::with_capacity(self.extra.len() + z64.len() + 4);
        if !z64.is_empty() {
            extra.extend_from_slice(&ZIP64_EXTRA_ID.to_le_bytes());
            extra.extend_from_slice(&(z64.len() as u16).to_le_bytes());
            extra.extend_from_slice(&z64);
        }
        extra.extend_from_slice(&self.extra);
        let needed = if z64.is_empty() {
            self.version_needed
        } else {
            self.version_needed.max(VERSION_ZIP64)
        };
        let sat = |v: u64, big: bool| if big { SAT32 as u32 } else { v as u32 };
        out.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
        put16(out, self.version_made_by);
        put16(out, needed);
        put16(out, self.flags);
        put16(out, self.method);
        put16(out, self.time);
        put16(out, self.date);
        put32(out, self.crc32);
        put32(out, sat(self.compressed_size, big_c));
        put32(out, sat(self.uncompressed_size, big_u));
        put16(out, self.raw_name.len() as u16);
        put16(out, extra.len() as u16);
        put16(out, self.comment.len() as u16);
        put16(out, 0); // disk number start
        put16(out, self.internal_attr);
        put32(out, self.external_attr);
        put32(out, sat(self.local_offset, big_o));
        out.extend_from_slice(&self.raw_name);
        out.extend_from_slice(&extra);
        out.extend_from_slice(&self.comment);
    }
}

/// Iterates `(id, body, whole block)` over an extra field; a truncated tail is returned as
/// one opaque block with id 0xFFFF so that it is preserved but never interpreted.
pub(crate) fn extra_blocks(extra: &[u8]) -> Vec<(u16, &[u8], &[u8])> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < extra.len() {
        if i + 4 > extra.len() {
            out.push((0xFFFF, &extra[i..i], &extra[i..]));
            break;
        }
        let id = u16_at(extra, i);
        let len = u16_at(extra, i + 2) as usize;
        if i + 4 + len > extra.len() {
            out.push((0xFFFF, &extra[i..i], &extra[i..]));
            break;
        }
        out.push((id, &extra[i + 4..i + 4 + len], &extra[i..i + 4 + len]));
        i += 4 + len;
    }
    out
}

/// A local header as written by us: sizes either final, or placeholders to be patched.
pub(crate) struct LocalHeader<'a> {
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub name: &'a [u8],
    /// Reserve a ZIP64 extra block with both sizes (size unknown or above 4 GiB).
    pub zip64: bool,
}

/// Offset of the CRC field in a local header; sizes follow it.
pub(crate) const LOCAL_CRC_AT: u64 = 14;

impl LocalHeader<'_> {
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
        put16(
            out,
            if self.zip64 {
                VERSION_ZIP64
            } else {
                VERSION_DEFLATE
            },
        );
        put16(out, self.flags);
        put16(out, self.method);
        put16(out, self.time);
        put16(out, self.date);
        put32(out, self.crc32);
        if self.zip64 {
            put32(out, SAT32 as u32);
            put32(out, SAT32 as u32);
        } else {
            put32(out, self.compressed_size as u32);
            put32(out, self.uncompressed_size as u32);
        }
        put16(out, self.name.len() as u16);
        put16(out, if self.zip64 { 20 } else { 0 });
        out.extend_from_slice(self.name);
        if self.zip64 {
            put16(out, ZIP64_EXTRA_ID);
            put16(out, 16);
            out.extend_from_slice(&self.uncompressed_size.to_le_bytes());
            out.extend_from_slice(&self.compressed_size.to_le_bytes());
        }
    }
}

pub(crate) fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(size: u64, csize: u64, offset: u64, zip64_sizes: bool) -> CentralRecord {
        CentralRecord {
            version_made_by: MADE_BY_UNIX | VERSION_DEFLATE,
            version_needed: VERSION_DEFLATE,
            flags: 0x0800,
            method: 8,
            time: 0,
            date: 0x21,
            crc32: 0xDEAD_BEEF,
            compressed_size: csize,
            uncompressed_size: size,
            local_offset: offset,
            raw_name: b"big.bin".to_vec(),
            extra: vec![0x55, 0x54, 1, 0, 7],
            comment: b"c".to_vec(),
            internal_attr: 0,
            external_attr: EXTERNAL_ATTR_FILE,
            zip64_sizes,
        }
    }

    fn round_trip(rec: &CentralRecord) -> (CentralRecord, Vec<u8>) {
        let mut bytes = Vec::new();
        rec.write(&mut bytes);
        let n = u16_at(&bytes, 28) as usize;
        let e = u16_at(&bytes, 30) as usize;
        let name = bytes[46..46 + n].to_vec();
        let extra = &bytes[46 + n..46 + n + e];
        let comment = bytes[46 + n + e..].to_vec();
        let parsed = CentralRecord::parse(&bytes[..46], name, extra, comment).unwrap();
        (parsed, bytes)
    }

    #[test]
    fn sizes_and_offsets_beyond_4_gib_go_through_zip64() {
        let rec = record(5 << 30, (5 << 30) + 17, 6 << 30, false);
        let (parsed, bytes) = round_trip(&rec);
        assert_eq!(u32_at(&bytes, 20), u32::MAX);
        assert_eq!(u32_at(&bytes, 24), u32::MAX);
        assert_eq!(u32_at(&bytes, 42), u32::MAX);
        assert_eq!(u16_at(&bytes, 6), VERSION_ZIP64);
        assert_eq!(
            (
                parsed.uncompressed_size,
                parsed.compressed_size,
                parsed.local_offset
            ),
            (5 << 30, (5 << 30) + 17, 6 << 30)
        );
        assert_eq!(parsed.extra, rec.extra, "other extra blocks are kept");
        // Only the offset is large: the ZIP64 block holds just the offset.
        let (parsed, bytes) = round_trip(&record(10, 5, 1 << 33, false));
        assert_eq!(u16_at(&bytes, 46 + 7 + 2), 8);
        assert_eq!(parsed.local_offset, 1 << 33);
        assert_eq!(parsed.uncompressed_size, 10);
    }

    #[test]
    fn small_records_carry_no_zip64_block_unless_reserved() {
        let (parsed, bytes) = round_trip(&record(10, 5, 100, false));
        assert_eq!(u16_at(&bytes, 30) as usize, 5);
        assert_eq!(parsed, record(10, 5, 100, false));
        let (parsed, bytes) = round_trip(&record(10, 5, 100, true));
        assert_eq!(u32_at(&bytes, 24), u32::MAX);
        assert!(parsed.zip64_sizes);
        assert_eq!((parsed.uncompressed_size, parsed.compressed_size), (10, 5));
    }

    #[test]
    fn a_saturated_field_without_zip64_block_is_malformed() {
        let mut bytes = Vec::new();
        record(10, 5, 100, false).write(&mut bytes);
        bytes[24..28].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            CentralRecord::parse(&bytes[..46], b"big.bin".to_vec(), &[], Vec::new()),
            Err(Error::Malformed { .. })
        ));
    }
}
