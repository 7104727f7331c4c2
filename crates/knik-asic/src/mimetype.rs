//! The `mimetype` entry (EN 319 162-1 §A.1; `signatures.md` "Accept": missing, not first or
//! compressed is a warning; wrong content is an error).

use std::io::{Read, Seek};

use crate::error::Error;
use crate::finding::{Finding, codes};
use crate::zip::Compression;
use crate::zip::archive::ZipArchive;

/// The ASiC-E media type, the exact content of `mimetype`.
pub const ASICE_MIMETYPE: &str = "application/vnd.etsi.asic-e+zip";

/// Name of the entry.
pub(crate) const MIMETYPE_NAME: &str = "mimetype";

/// Checks the `mimetype` entry's position, layout and content.
pub(crate) fn check<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    findings: &mut Vec<Finding>,
) -> Result<(), Error> {
    let Some(index) = zip.index_of(MIMETYPE_NAME) else {
        findings.push(Finding::warning(
            codes::MIMETYPE_MISSING,
            "the container has no mimetype entry",
        ));
        return Ok(());
    };
    let entry = &zip.entries[index];
    // "First" means first in the file, which is what the offset-38 rule looks at.
    if entry.local_header_offset() != 0 {
        findings.push(Finding::warning(
            codes::MIMETYPE_NOT_FIRST,
            "mimetype is not the first entry of the container",
        ));
    }
    if entry.compression() != Compression::Stored {
        findings.push(Finding::warning(
            codes::MIMETYPE_COMPRESSED,
            "mimetype is compressed; it should be stored",
        ));
    }
    if entry.local_extra_len() != 0 {
        findings.push(Finding::warning(
            codes::MIMETYPE_EXTRA_FIELD,
            format!(
                "mimetype's local header has a {}-byte extra field, so the media type is not at byte offset 38",
                entry.local_extra_len()
            ),
        ));
    }
    let bytes = crate::container::read_small(zip, index)?;
    let content = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            findings.push(Finding::warning(
                codes::MIMETYPE_BOM,
                "mimetype starts with a UTF-8 byte-order mark",
            ));
            rest
        }
        None => &bytes[..],
    };
    // A trailing newline occurs in old BDOCs that digidoc4j still opens; tolerate white space
    // at the end only, nothing else.
    let trimmed = content.trim_ascii_end();
    if trimmed.len() != content.len() && trimmed == ASICE_MIMETYPE.as_bytes() {
        findings.push(Finding::warning(
            codes::MIMETYPE_TRAILING_WHITESPACE,
            "mimetype ends with white space after the media type",
        ));
        return Ok(());
    }
    if content != ASICE_MIMETYPE.as_bytes() {
        let shown: String = String::from_utf8_lossy(content).chars().take(100).collect();
        return Err(Error::WrongMimetype { found: shown });
    }
    Ok(())
}
