//! A small ZIP (PKWARE APPNOTE 6.3.x) reader and writer, so that every byte of an ASiC
//! container is under our control: the `mimetype` entry's layout, raw copies of existing
//! entries when a signature is appended, and the hostile-archive checks.

pub(crate) mod archive;
pub(crate) mod entry_reader;
pub(crate) mod name;
pub(crate) mod records;
pub(crate) mod time;
pub(crate) mod writer;

/// APPNOTE 4.3.7 local file header signature.
pub(crate) const LOCAL_SIG: u32 = 0x0403_4b50;
/// APPNOTE 4.3.12 central directory file header signature.
pub(crate) const CENTRAL_SIG: u32 = 0x0201_4b50;
/// APPNOTE 4.3.16 end of central directory signature.
pub(crate) const EOCD_SIG: u32 = 0x0605_4b50;
/// APPNOTE 4.3.14 ZIP64 end of central directory record signature.
pub(crate) const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
/// APPNOTE 4.3.15 ZIP64 end of central directory locator signature.
pub(crate) const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
/// APPNOTE 4.5.2 ZIP64 extended information extra field tag.
pub(crate) const ZIP64_EXTRA_ID: u16 = 0x0001;

/// Fixed part of a local header.
pub(crate) const LOCAL_HEADER_LEN: u64 = 30;
/// Fixed part of a central directory record.
pub(crate) const CENTRAL_HEADER_LEN: usize = 46;
/// Fixed part of the end-of-central-directory record.
pub(crate) const EOCD_LEN: usize = 22;

/// General purpose flag bit 0: encrypted.
pub(crate) const FLAG_ENCRYPTED: u16 = 1 << 0;
/// General purpose flag bit 3: sizes and CRC are in a data descriptor.
pub(crate) const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
/// General purpose flag bit 6: strong encryption.
pub(crate) const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
/// General purpose flag bit 11: name and comment are UTF-8 (APPNOTE appendix D).
pub(crate) const FLAG_UTF8: u16 = 1 << 11;

/// Compression method STORED.
pub(crate) const METHOD_STORED: u16 = 0;
/// Compression method DEFLATE.
pub(crate) const METHOD_DEFLATE: u16 = 8;
/// Method 99: WinZip AES, i.e. encrypted.
pub(crate) const METHOD_AES: u16 = 99;

/// Little-endian field access on a byte slice whose length the caller has checked.
pub(crate) fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

pub(crate) fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub(crate) fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// The compression of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// Stored as is (method 0).
    Stored,
    /// DEFLATE (method 8).
    Deflate,
}

/// One entry of the archive as the central directory describes it (after all checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub(crate) name: String,
    pub(crate) raw_name: Vec<u8>,
    pub(crate) flags: u16,
    pub(crate) method: u16,
    pub(crate) crc32: u32,
    pub(crate) compressed_size: u64,
    pub(crate) uncompressed_size: u64,
    pub(crate) local_offset: u64,
    pub(crate) data_offset: u64,
    pub(crate) local_extra_len: u16,
    pub(crate) central: records::CentralRecord,
}

impl Entry {
    /// The entry name (decoded: UTF-8, or CP437 for old unflagged names).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is a directory entry (name ends with `/`).
    pub fn is_directory(&self) -> bool {
        self.name.ends_with('/')
    }

    /// How the entry is compressed.
    pub fn compression(&self) -> Compression {
        if self.method == METHOD_STORED {
            Compression::Stored
        } else {
            Compression::Deflate
        }
    }

    /// Declared uncompressed size in bytes.
    pub fn size(&self) -> u64 {
        self.uncompressed_size
    }

    /// Declared compressed size in bytes.
    pub fn compressed_size(&self) -> u64 {
        self.compressed_size
    }

    /// Declared CRC-32.
    pub fn crc32(&self) -> u32 {
        self.crc32
    }

    /// Byte offset of the entry's local header in the archive.
    pub fn local_header_offset(&self) -> u64 {
        self.local_offset
    }

    /// Byte offset of the entry's data (just after its local header).
    pub fn data_offset(&self) -> u64 {
        self.data_offset
    }

    /// Length of the extra field in the local header.
    pub fn local_extra_len(&self) -> u16 {
        self.local_extra_len
    }
}
