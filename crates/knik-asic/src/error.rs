//! The one error type of the crate: why a container could not be read, written or extracted.

use std::fmt;
use std::io;

/// Why an entry name is refused (EN 319 162-1 names are relative paths; `signatures.md`
/// "Reject … names with `..`, `\`, a leading `/`, or empty segments").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameProblem {
    /// The name is empty.
    Empty,
    /// The name starts with `/`.
    Absolute,
    /// The name starts with a drive letter such as `C:`.
    DrivePath,
    /// The name contains a backslash.
    Backslash,
    /// A path segment is `..`.
    ParentSegment,
    /// A path segment is `.`.
    CurrentSegment,
    /// Two slashes in a row (an empty segment).
    EmptySegment,
    /// A control character (including NUL) occurs in the name.
    ControlCharacter,
    /// The UTF-8 flag is set but the name is not valid UTF-8.
    InvalidUtf8,
    /// The name is reserved for the container structure (`mimetype`, `META-INF/…`) and cannot
    /// be used for a data file.
    Reserved,
    /// The name denotes a directory (ends with `/`) where a file was expected.
    Directory,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameProblem::Empty => "the name is empty",
            NameProblem::Absolute => "it is an absolute path (leading '/')",
            NameProblem::DrivePath => "it starts with a drive letter",
            NameProblem::Backslash => "it contains a backslash",
            NameProblem::ParentSegment => "it contains a '..' segment",
            NameProblem::CurrentSegment => "it contains a '.' segment",
            NameProblem::EmptySegment => "it contains an empty path segment ('//')",
            NameProblem::ControlCharacter => "it contains a control character",
            NameProblem::InvalidUtf8 => "it is flagged UTF-8 but is not valid UTF-8",
            NameProblem::Reserved => "it is reserved for the container structure",
            NameProblem::Directory => "it names a directory",
        })
    }
}

/// Everything that can go wrong in this crate. Each variant carries the entry or value concerned
/// so that a user learns why; [`Error::code`] gives a stable machine code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The underlying reader or writer failed.
    #[error("I/O error while {context}: {message}")]
    Io {
        /// What the crate was doing.
        context: &'static str,
        /// The kind reported by the operating system.
        kind: io::ErrorKind,
        /// The operating system's message.
        message: String,
    },
    /// No end-of-central-directory record: the input is not a ZIP archive.
    #[error("not a ZIP container: no end-of-central-directory record found")]
    NotZip,
    /// A ZIP structure is inconsistent or truncated.
    #[error("malformed ZIP structure: {reason}")]
    Malformed {
        /// What is wrong, in words.
        reason: String,
    },
    /// The archive spans several disks (split archive).
    #[error("split (multi-disk) ZIP archives are not supported")]
    MultiDisk,
    /// More entries than [`crate::Limits::max_entries`].
    #[error("the container has {found} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// Entries announced by the archive.
        found: u64,
        /// The configured limit.
        limit: u64,
    },
    /// An entry name that could escape a directory or is otherwise unsafe.
    #[error("entry name {name:?} is not allowed: {problem}")]
    UnsafeName {
        /// The name as decoded.
        name: String,
        /// Why it is refused.
        problem: NameProblem,
    },
    /// Two entries with exactly the same name: which one a validator sees is ambiguous.
    #[error("entry name {name:?} occurs more than once")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// The local header of an entry disagrees with its central-directory record.
    #[error("entry {name:?}: the local header's {field} differs from the central directory")]
    LocalHeaderMismatch {
        /// The entry (central-directory name).
        name: String,
        /// Which field differs (`name`, `compression method`, `signature`).
        field: &'static str,
    },
    /// Two entries share bytes, or an entry reaches into the central directory.
    #[error("entries {first:?} and {second:?} overlap")]
    OverlappingEntries {
        /// The entry that starts first.
        first: String,
        /// The entry (or `central directory`) it runs into.
        second: String,
    },
    /// An encrypted entry.
    #[error("entry {name:?} is encrypted; encrypted containers are not supported")]
    Encrypted {
        /// The entry.
        name: String,
    },
    /// A compression method other than STORED (0) or DEFLATE (8).
    #[error(
        "entry {name:?} uses compression method {method}; only STORED and DEFLATE are supported"
    )]
    UnsupportedCompression {
        /// The entry.
        name: String,
        /// The method number from the central directory.
        method: u16,
    },
    /// A declared expansion beyond [`crate::Limits::max_ratio`] (zip-bomb guard).
    #[error(
        "entry {name:?} would expand {compressed} bytes to {uncompressed} bytes, beyond the allowed ratio of {limit}:1"
    )]
    CompressionRatio {
        /// The entry.
        name: String,
        /// Declared compressed size.
        compressed: u64,
        /// Declared uncompressed size.
        uncompressed: u64,
        /// The configured ratio limit.
        limit: u64,
    },
    /// An entry larger than allowed ([`crate::Limits::max_entry_size`], or
    /// [`crate::Limits::max_metadata_size`] for `mimetype` and `META-INF/` entries).
    #[error("entry {name:?} is {size} bytes uncompressed, above the limit of {limit} bytes")]
    EntryTooLarge {
        /// The entry.
        name: String,
        /// Declared uncompressed size.
        size: u64,
        /// The limit that applies.
        limit: u64,
    },
    /// The sum of all uncompressed sizes exceeds [`crate::Limits::max_total_size`].
    #[error("the container would expand to {size} bytes, above the limit of {limit} bytes")]
    TotalTooLarge {
        /// Sum of declared uncompressed sizes.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The CRC-32 of the decompressed bytes differs from the declared one.
    #[error("entry {name:?} is corrupt: CRC-32 {found:08x}, expected {expected:08x}")]
    CrcMismatch {
        /// The entry.
        name: String,
        /// Declared CRC-32.
        expected: u32,
        /// CRC-32 of the bytes read.
        found: u32,
    },
    /// The decompressed data is longer or shorter than declared.
    #[error("entry {name:?} is corrupt: declared {declared} bytes, the data gives {found}")]
    SizeMismatch {
        /// The entry.
        name: String,
        /// Declared uncompressed size.
        declared: u64,
        /// Bytes produced (when too long: the count at which reading stopped).
        found: u64,
    },
    /// The compressed data cannot be inflated.
    #[error("entry {name:?} is corrupt: {message}")]
    CorruptData {
        /// The entry.
        name: String,
        /// The decompressor's message.
        message: String,
    },
    /// `mimetype` is present but does not say ASiC-E (EN 319 162-1 A.1).
    #[error("the mimetype entry says {found:?}, expected \"application/vnd.etsi.asic-e+zip\"")]
    WrongMimetype {
        /// What the entry contains (lossy UTF-8, truncated).
        found: String,
    },
    /// `META-INF/manifest.xml` cannot be parsed or is not an ODF manifest.
    #[error("META-INF/manifest.xml is invalid: {reason}")]
    Manifest {
        /// What is wrong.
        reason: String,
    },
    /// No entry of that name exists (or it is not of the kind asked for).
    #[error("the container has no {kind} named {name:?}")]
    NoSuchEntry {
        /// The name asked for.
        name: String,
        /// `entry` or `data file`.
        kind: &'static str,
    },
    /// A media type that is not `type/subtype`.
    #[error("media type {media_type:?} is not of the form type/subtype")]
    InvalidMediaType {
        /// The value given.
        media_type: String,
    },
    /// The source of a data file gave a different number of bytes than announced.
    #[error("data file {name:?}: the source gave {found} bytes, {declared} were announced")]
    LengthMismatch {
        /// The data file.
        name: String,
        /// Announced length.
        declared: u64,
        /// Bytes read.
        found: u64,
    },
    /// An entry whose size needs ZIP64 but whose header was written without it.
    #[error("entry {name:?} grew beyond 4 GiB although its announced length did not need ZIP64")]
    NeedsZip64 {
        /// The entry.
        name: String,
    },
    /// A container writer call out of order (e.g. a data file after the manifest).
    #[error("container writer: {reason}")]
    WriterState {
        /// What was attempted.
        reason: &'static str,
    },
    /// A reference URI that is not a valid percent-encoded UTF-8 path.
    #[error("URI {uri:?} is not a valid percent-encoded file name: {reason}")]
    InvalidUri {
        /// The URI.
        uri: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Extraction would overwrite an existing file.
    #[error("refusing to overwrite existing file {path}")]
    TargetExists {
        /// The path that exists.
        path: String,
    },
    /// Extraction target path is unsafe (e.g. a symbolic link on the way).
    #[error("refusing to extract to {path}: {reason}")]
    UnsafeTarget {
        /// The path concerned.
        path: String,
        /// Why.
        reason: &'static str,
    },
}

impl Error {
    /// A stable machine code for this error (documented; never renamed).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "IO",
            Error::NotZip => "ZIP_NOT_ZIP",
            Error::Malformed { .. } => "ZIP_MALFORMED",
            Error::MultiDisk => "ZIP_MULTI_DISK",
            Error::TooManyEntries { .. } => "ZIP_TOO_MANY_ENTRIES",
            Error::UnsafeName { .. } => "ZIP_UNSAFE_NAME",
            Error::DuplicateName { .. } => "ZIP_DUPLICATE_NAME",
            Error::LocalHeaderMismatch { .. } => "ZIP_LOCAL_HEADER_MISMATCH",
            Error::OverlappingEntries { .. } => "ZIP_OVERLAPPING_ENTRIES",
            Error::Encrypted { .. } => "ZIP_ENCRYPTED",
            Error::UnsupportedCompression { .. } => "ZIP_UNSUPPORTED_COMPRESSION",
            Error::CompressionRatio { .. } => "ZIP_COMPRESSION_RATIO",
            Error::EntryTooLarge { .. } => "ZIP_ENTRY_TOO_LARGE",
            Error::TotalTooLarge { .. } => "ZIP_TOTAL_TOO_LARGE",
            Error::CrcMismatch { .. } => "ZIP_CRC_MISMATCH",
            Error::SizeMismatch { .. } => "ZIP_SIZE_MISMATCH",
            Error::CorruptData { .. } => "ZIP_CORRUPT_DATA",
            Error::WrongMimetype { .. } => "ASIC_WRONG_MIMETYPE",
            Error::Manifest { .. } => "ASIC_MANIFEST_INVALID",
            Error::NoSuchEntry { .. } => "ASIC_NO_SUCH_ENTRY",
            Error::InvalidMediaType { .. } => "ASIC_INVALID_MEDIA_TYPE",
            Error::LengthMismatch { .. } => "ASIC_LENGTH_MISMATCH",
            Error::NeedsZip64 { .. } => "ZIP_NEEDS_ZIP64",
            Error::WriterState { .. } => "ASIC_WRITER_STATE",
            Error::InvalidUri { .. } => "ASIC_INVALID_URI",
            Error::TargetExists { .. } => "ASIC_EXTRACT_TARGET_EXISTS",
            Error::UnsafeTarget { .. } => "ASIC_EXTRACT_UNSAFE_TARGET",
        }
    }

    /// Turns an I/O error into ours. An [`Error`] that travelled inside an `io::Error` (the
    /// entry reader reports CRC and size failures through `Read`) comes back out unchanged.
    pub(crate) fn from_io(err: io::Error, context: &'static str) -> Error {
        if let Some(inner) = err.get_ref().and_then(|e| e.downcast_ref::<Error>()) {
            return inner.clone();
        }
        Error::Io {
            context,
            kind: err.kind(),
            message: err.to_string(),
        }
    }

    pub(crate) fn malformed(reason: impl Into<String>) -> Error {
        Error::Malformed {
            reason: reason.into(),
        }
    }

    /// Wraps this error so that it can travel through `std::io::Read`.
    pub(crate) fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}
