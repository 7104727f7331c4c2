//! Writing an archive: local headers (patched after streaming), raw copies of existing
//! entries, and the central directory with ZIP64 records when counts or offsets need them.

use std::io::{self, Read, Seek, SeekFrom, Write};

use flate2::{Compress, FlushCompress, Status};

use super::records::{
    CentralRecord, EXTERNAL_ATTR_FILE, LOCAL_CRC_AT, LocalHeader, MADE_BY_UNIX, VERSION_DEFLATE,
    VERSION_ZIP64, put16, put32, put64,
};
use super::{
    EOCD_SIG, FLAG_UTF8, LOCAL_HEADER_LEN, METHOD_DEFLATE, METHOD_STORED, ZIP64_EOCD_SIG,
    ZIP64_LOCATOR_SIG,
};
use crate::digest::{CHUNK, DigestSink};
use crate::error::Error;

const SAT32: u64 = 0xFFFF_FFFF;

/// Up to this announced length an entry is written without ZIP64; the margin covers DEFLATE's
/// worst-case growth on incompressible input (5 bytes per 64 KiB stored block).
const ZIP64_THRESHOLD: u64 = 0xF000_0000;

/// What was written for one streamed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Written {
    pub size: u64,
    pub compressed_size: u64,
    pub crc32: u32,
}

pub(crate) struct ZipWriter<W> {
    w: W,
    records: Vec<CentralRecord>,
    time: u16,
    date: u16,
    deflate: Compress,
}

fn werr(context: &'static str) -> impl Fn(io::Error) -> Error {
    move |e| Error::from_io(e, context)
}

impl<W: Write + Seek> ZipWriter<W> {
    pub(crate) fn new(w: W, (time, date): (u16, u16)) -> ZipWriter<W> {
        ZipWriter {
            w,
            records: Vec::new(),
            time,
            date,
            // Raw DEFLATE (no zlib header), default level 6 like libdigidocpp.
            deflate: Compress::new(flate2::Compression::default(), false),
        }
    }

    fn position(&mut self) -> Result<u64, Error> {
        self.w
            .stream_position()
            .map_err(werr("finding the write position"))
    }

    fn record(
        &self,
        name: &str,
        method: u16,
        w: Written,
        offset: u64,
        zip64: bool,
    ) -> CentralRecord {
        let version = if zip64 {
            VERSION_ZIP64
        } else {
            VERSION_DEFLATE
        };
        CentralRecord {
            version_made_by: MADE_BY_UNIX | version,
            version_needed: version,
            flags: FLAG_UTF8,
            method,
            time: self.time,
            date: self.date,
            crc32: w.crc32,
            compressed_size: w.compressed_size,
            uncompressed_size: w.size,
            local_offset: offset,
            raw_name: name.as_bytes().to_vec(),
            extra: Vec::new(),
            comment: Vec::new(),
            internal_attr: 0,
            external_attr: EXTERNAL_ATTR_FILE,
            zip64_sizes: zip64,
        }
    }

    /// Writes a small entry STORED with its final header and no extra field. For `mimetype`
    /// this puts the content at offset 30 + 8 = 38 (EN 319 162-1 A.1).
    pub(crate) fn write_stored(&mut self, name: &str, data: &[u8]) -> Result<(), Error> {
        let offset = self.position()?;
        let w = Written {
            size: data.len() as u64,
            compressed_size: data.len() as u64,
            crc32: crc32fast::hash(data),
        };
        let mut buf = Vec::with_capacity(LOCAL_HEADER_LEN as usize + name.len() + data.len());
        LocalHeader {
            flags: FLAG_UTF8,
            method: METHOD_STORED,
            time: self.time,
            date: self.date,
            crc32: w.crc32,
            compressed_size: w.size,
            uncompressed_size: w.size,
            name: name.as_bytes(),
            zip64: false,
        }
        .write(&mut buf);
        buf.extend_from_slice(data);
        self.w.write_all(&buf).map_err(werr("writing an entry"))?;
        let rec = self.record(name, METHOD_STORED, w, offset, false);
        self.records.push(rec);
        Ok(())
    }

    /// Streams `source` into a new entry, DEFLATE-compressed unless its first chunk shows that
    /// DEFLATE would not pay (then STORED), feeding `sink` on the way, then seeks back to patch
    /// CRC and sizes into the local header. With no announced length the
    /// header reserves ZIP64 sizes, so any size fits.
    pub(crate) fn write_compressed(
        &mut self,
        name: &str,
        source: &mut dyn Read,
        announced: Option<u64>,
        sink: &mut dyn DigestSink,
    ) -> Result<Written, Error> {
        let offset = self.position()?;
        let zip64 = announced.is_none_or(|n| n > ZIP64_THRESHOLD);
        let mut chunk = vec![0u8; CHUNK];
        let first = read_full(source, &mut chunk)?;
        // Already-compressed content (PDF streams, JPEG, Office ZIPs) gains nothing from
        // DEFLATE but costs ~90 % of signing time: probe the first chunk, store when it does
        // not shrink by at least 3 %.
        let method = if first > 0 && !self.worth_deflating(&chunk[..first])? {
            METHOD_STORED
        } else {
            METHOD_DEFLATE
        };
        let mut header = LocalHeader {
            flags: FLAG_UTF8,
            method,
            time: self.time,
            date: self.date,
            crc32: 0,
            compressed_size: 0,
            uncompressed_size: 0,
            name: name.as_bytes(),
            zip64,
        };
        let mut buf = Vec::new();
        header.write(&mut buf);
        self.w
            .write_all(&buf)
            .map_err(werr("writing a local header"))?;

        let mut crc = crc32fast::Hasher::new();
        let mut size = 0u64;
        let mut compressed_size = 0u64;
        self.deflate.reset();
        let mut out = Vec::with_capacity(CHUNK + 1024);
        let mut pending = Some(first);
        loop {
            let n = match pending.take() {
                Some(n) => n,
                None => match source.read(&mut chunk) {
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::from_io(e, "reading a data file's source")),
                },
            };
            crc.update(&chunk[..n]);
            sink.update(&chunk[..n]);
            size += n as u64;
            if method == METHOD_STORED {
                self.w
                    .write_all(&chunk[..n])
                    .map_err(werr("writing stored data"))?;
                compressed_size += n as u64;
                if n == 0 {
                    break;
                }
                continue;
            }
            let flush = if n == 0 {
                FlushCompress::Finish
            } else {
                FlushCompress::None
            };
            let mut input = &chunk[..n];
            loop {
                out.clear();
                let before_in = self.deflate.total_in();
                let status = self
                    .deflate
                    .compress_vec(input, &mut out, flush)
                    .map_err(|e| Error::from_io(io::Error::other(e), "compressing"))?;
                input = &input[(self.deflate.total_in() - before_in) as usize..];
                self.w
                    .write_all(&out)
                    .map_err(werr("writing compressed data"))?;
                compressed_size += out.len() as u64;
                let done = match flush {
                    FlushCompress::Finish => status == Status::StreamEnd,
                    _ => input.is_empty() && out.len() < out.capacity(),
                };
                if done {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        if let Some(declared) = announced
            && declared != size
        {
            return Err(Error::LengthMismatch {
                name: name.to_owned(),
                declared,
                found: size,
            });
        }
        if !zip64 && (size >= SAT32 || compressed_size >= SAT32) {
            return Err(Error::NeedsZip64 {
                name: name.to_owned(),
            });
        }
        let written = Written {
            size,
            compressed_size,
            crc32: crc.finalize(),
        };
        header.crc32 = written.crc32;
        header.compressed_size = compressed_size;
        header.uncompressed_size = size;
        let mut patched = Vec::new();
        header.write(&mut patched);
        let end = self.position()?;
        self.w
            .seek(SeekFrom::Start(offset + LOCAL_CRC_AT))
            .and_then(|_| self.w.write_all(&patched[LOCAL_CRC_AT as usize..]))
            .and_then(|_| self.w.seek(SeekFrom::Start(end)))
            .map_err(werr("patching a local header"))?;
        let rec = self.record(name, method, written, offset, zip64);
        self.records.push(rec);
        Ok(written)
    }

    /// Whether DEFLATE shrinks `sample` by at least 3 %.
    fn worth_deflating(&mut self, sample: &[u8]) -> Result<bool, Error> {
        self.deflate.reset();
        let mut out = Vec::with_capacity(sample.len() + 1024);
        self.deflate
            .compress_vec(sample, &mut out, FlushCompress::Finish)
            .map_err(|e| Error::from_io(io::Error::other(e), "compressing"))?;
        Ok((out.len() as u64) * 100 < (sample.len() as u64) * 97)
    }

    /// Copies an existing entry's bytes (local header, data, descriptor) unchanged, and keeps
    /// its central record with the new offset.
    pub(crate) fn copy_raw<R: Read + Seek>(
        &mut self,
        src: &mut R,
        start: u64,
        end: u64,
        mut record: CentralRecord,
    ) -> Result<(), Error> {
        record.local_offset = self.position()?;
        src.seek(SeekFrom::Start(start))
            .map_err(werr("reading an existing entry"))?;
        let copied = io::copy(&mut src.take(end - start), &mut self.w)
            .map_err(werr("copying an existing entry"))?;
        if copied != end - start {
            return Err(Error::malformed("an existing entry is truncated"));
        }
        self.records.push(record);
        Ok(())
    }

    /// Writes the central directory and the end records; returns the target.
    pub(crate) fn finish(mut self) -> Result<W, Error> {
        let cd_offset = self.position()?;
        let mut cd = Vec::new();
        for rec in &self.records {
            rec.write(&mut cd);
        }
        let cd_size = cd.len() as u64;
        let count = self.records.len() as u64;
        let zip64 = count >= 0xFFFF || cd_offset >= SAT32 || cd_size >= SAT32;
        if zip64 {
            // APPNOTE 4.3.14 and 4.3.15.
            let record_at = cd_offset + cd_size;
            put32(&mut cd, ZIP64_EOCD_SIG);
            put64(&mut cd, 44);
            put16(&mut cd, MADE_BY_UNIX | VERSION_ZIP64);
            put16(&mut cd, VERSION_ZIP64);
            put32(&mut cd, 0);
            put32(&mut cd, 0);
            put64(&mut cd, count);
            put64(&mut cd, count);
            put64(&mut cd, cd_size);
            put64(&mut cd, cd_offset);
            put32(&mut cd, ZIP64_LOCATOR_SIG);
            put32(&mut cd, 0);
            put64(&mut cd, record_at);
            put32(&mut cd, 1);
        }
        let n16 = count.min(0xFFFF) as u16;
        put32(&mut cd, EOCD_SIG);
        put16(&mut cd, 0);
        put16(&mut cd, 0);
        put16(&mut cd, n16);
        put16(&mut cd, n16);
        put32(&mut cd, cd_size.min(SAT32) as u32);
        put32(&mut cd, cd_offset.min(SAT32) as u32);
        put16(&mut cd, 0);
        self.w
            .write_all(&cd)
            .and_then(|_| self.w.flush())
            .map_err(werr("writing the central directory"))?;
        Ok(self.w)
    }
}

/// Reads until `buf` is full or the source ends.
fn read_full(source: &mut dyn Read, buf: &mut [u8]) -> Result<usize, Error> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::from_io(e, "reading a data file's source")),
        }
    }
    Ok(filled)
}
