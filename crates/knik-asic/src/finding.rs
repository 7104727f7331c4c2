//! Findings: what a container does that is tolerated or refused without stopping the reading.
//!
//! `signatures.md` ("Accept: every dialect, and say what was tolerated") asks that a reader
//! keeps going and reports. A [`Finding`] carries a stable code from [`codes`], a severity and
//! a sentence.

use std::fmt;

/// How much a finding matters for the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// Tolerated deviation (DSS/SiVa accept it, a strict producer would not write it).
    Warning,
    /// The container is structurally defective: a validator must not call it valid.
    Error,
}

/// One observation about a container's structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable machine code, one of [`codes`].
    pub code: &'static str,
    /// Whether this is tolerated or fatal for the verdict.
    pub severity: Severity,
    /// A sentence for people.
    pub message: String,
}

impl Finding {
    pub(crate) fn warning(code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: Severity::Warning,
            message: message.into(),
        }
    }

    pub(crate) fn error(code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: Severity::Error,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{sev} [{}]: {}", self.code, self.message)
    }
}

/// The stable finding codes. They are part of the API: never renamed, only added.
pub mod codes {
    /// Warning: there is no `mimetype` entry (DSS/SiVa validate such containers).
    pub const MIMETYPE_MISSING: &str = "MIMETYPE_MISSING";
    /// Warning: `mimetype` is not the first entry of the archive.
    pub const MIMETYPE_NOT_FIRST: &str = "MIMETYPE_NOT_FIRST";
    /// Warning: `mimetype` is compressed (it must be STORED, EN 319 162-1 A.1).
    pub const MIMETYPE_COMPRESSED: &str = "MIMETYPE_COMPRESSED";
    /// Warning: `mimetype`'s local header has an extra field, so the media type is not at
    /// byte offset 38.
    pub const MIMETYPE_EXTRA_FIELD: &str = "MIMETYPE_EXTRA_FIELD";
    /// Warning: `mimetype` starts with a UTF-8 byte-order mark (seen in production BDOCs;
    /// libdigidocpp strips it).
    pub const MIMETYPE_BOM: &str = "MIMETYPE_BOM";
    /// Warning: `mimetype` has white space (e.g. a newline) after the media type.
    pub const MIMETYPE_TRAILING_WHITESPACE: &str = "MIMETYPE_TRAILING_WHITESPACE";
    /// Warning: two entry names differ only by letter case (they collide on Windows/macOS).
    pub const NAME_CASE_COLLISION: &str = "NAME_CASE_COLLISION";
    /// Warning: a non-ASCII name is valid UTF-8 but lacks the UTF-8 flag (bit 11).
    pub const NAME_UTF8_UNFLAGGED: &str = "NAME_UTF8_UNFLAGGED";
    /// Warning: a name is neither flagged nor valid UTF-8; it was decoded as CP437 (APPNOTE
    /// appendix D).
    pub const NAME_CP437: &str = "NAME_CP437";
    /// Error: there is no `META-INF/manifest.xml` (libdigidocpp and digidoc4j require it).
    pub const MANIFEST_MISSING: &str = "MANIFEST_MISSING";
    /// Warning: the manifest has no `/` entry with the ASiC-E media type.
    pub const MANIFEST_ROOT_ENTRY: &str = "MANIFEST_ROOT_ENTRY";
    /// Error: the manifest lists the same path twice.
    pub const MANIFEST_DUPLICATE_ENTRY: &str = "MANIFEST_DUPLICATE_ENTRY";
    /// Error: the manifest lists a file the container does not have.
    pub const MANIFEST_ENTRY_WITHOUT_FILE: &str = "MANIFEST_ENTRY_WITHOUT_FILE";
    /// Warning: a manifest entry has an empty or malformed media type.
    pub const MANIFEST_MEDIA_TYPE: &str = "MANIFEST_MEDIA_TYPE";
    /// Error: a data file is not listed in the manifest (`signatures.md`: reject).
    pub const DATA_FILE_NOT_IN_MANIFEST: &str = "DATA_FILE_NOT_IN_MANIFEST";
    /// Warning: the container has no data file.
    pub const NO_DATA_FILES: &str = "NO_DATA_FILES";
    /// Every code above, for documentation and tests.
    pub const ALL: &[&str] = &[
        MIMETYPE_MISSING,
        MIMETYPE_NOT_FIRST,
        MIMETYPE_COMPRESSED,
        MIMETYPE_EXTRA_FIELD,
        MIMETYPE_BOM,
        MIMETYPE_TRAILING_WHITESPACE,
        NAME_CASE_COLLISION,
        NAME_UTF8_UNFLAGGED,
        NAME_CP437,
        MANIFEST_MISSING,
        MANIFEST_ROOT_ENTRY,
        MANIFEST_DUPLICATE_ENTRY,
        MANIFEST_ENTRY_WITHOUT_FILE,
        MANIFEST_MEDIA_TYPE,
        DATA_FILE_NOT_IN_MANIFEST,
        NO_DATA_FILES,
    ];
}
