//! Streaming an entry's uncompressed bytes, checking the declared size and CRC-32 as they pass.

use std::io::{self, Read, Seek, SeekFrom, Take};

use flate2::read::DeflateDecoder;

use super::{Entry, METHOD_STORED};
use crate::error::Error;

enum Source<'a, R> {
    Stored(Take<&'a mut R>),
    Deflate(Box<DeflateDecoder<Take<&'a mut R>>>),
}

/// Reads one entry's uncompressed bytes. Memory use is constant (a 32 KiB inflate window and
/// buffer). The reader fails with an error that [`crate::Error`] recovers (via
/// `std::io::Error::get_ref`) when the data runs past the declared size — checked as the bytes
/// arrive, so a lying header cannot make it inflate without bound — or, at the end, when the
/// size or CRC-32 differ from the central directory.
pub struct EntryReader<'a, R> {
    source: Source<'a, R>,
    name: String,
    expected_crc: u32,
    declared: u64,
    produced: u64,
    crc: crc32fast::Hasher,
    finished: bool,
}

impl<R> std::fmt::Debug for EntryReader<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntryReader")
            .field("name", &self.name)
            .field("declared", &self.declared)
            .field("produced", &self.produced)
            .finish_non_exhaustive()
    }
}

impl<'a, R: Read + Seek> EntryReader<'a, R> {
    pub(crate) fn new(reader: &'a mut R, entry: &Entry) -> Result<EntryReader<'a, R>, Error> {
        reader
            .seek(SeekFrom::Start(entry.data_offset))
            .map_err(|e| Error::from_io(e, "seeking to entry data"))?;
        let raw = reader.take(entry.compressed_size);
        let source = if entry.method == METHOD_STORED {
            Source::Stored(raw)
        } else {
            Source::Deflate(Box::new(DeflateDecoder::new(raw)))
        };
        Ok(EntryReader {
            source,
            name: entry.name.clone(),
            expected_crc: entry.crc32,
            declared: entry.uncompressed_size,
            produced: 0,
            crc: crc32fast::Hasher::new(),
            finished: false,
        })
    }
}

impl<R: Read> EntryReader<'_, R> {
    /// The entry's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Declared uncompressed size.
    pub fn declared_size(&self) -> u64 {
        self.declared
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.produced != self.declared {
            return Err(Error::SizeMismatch {
                name: self.name.clone(),
                declared: self.declared,
                found: self.produced,
            }
            .into_io());
        }
        let found = self.crc.clone().finalize();
        if found != self.expected_crc {
            return Err(Error::CrcMismatch {
                name: self.name.clone(),
                expected: self.expected_crc,
                found,
            }
            .into_io());
        }
        self.finished = true;
        Ok(())
    }
}

impl<R: Read> Read for EntryReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        // Never ask for more than one byte past the declared size: enough to notice a lie,
        // little enough that a bomb cannot make us inflate much beyond it.
        let room = self
            .declared
            .saturating_sub(self.produced)
            .saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let got = match &mut self.source {
            Source::Stored(r) => r.read(&mut buf[..want]),
            Source::Deflate(r) => r.read(&mut buf[..want]),
        };
        let n = match got {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData
                ) =>
            {
                return Err(Error::CorruptData {
                    name: self.name.clone(),
                    message: e.to_string(),
                }
                .into_io());
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Err(Error::SizeMismatch {
                    name: self.name.clone(),
                    declared: self.declared,
                    found: self.produced,
                }
                .into_io());
            }
            Err(e) => return Err(e),
        };
        if n == 0 {
            self.finish()?;
            return Ok(0);
        }
        self.produced += n as u64;
        if self.produced > self.declared {
            return Err(Error::SizeMismatch {
                name: self.name.clone(),
                declared: self.declared,
                found: self.produced,
            }
            .into_io());
        }
        self.crc.update(&buf[..n]);
        Ok(n)
    }
}
