//! PEM (RFC 7468) certificate blocks inside arbitrary text.

use crate::Error;

const BEGIN: &str = "-----BEGIN ";
const CERTIFICATE_LABEL: &str = "CERTIFICATE";

/// Whether `input` looks like PEM text rather than DER.
pub(crate) fn looks_like_pem(input: &[u8]) -> bool {
    input.windows(BEGIN.len()).any(|w| w == BEGIN.as_bytes())
}

/// The DER of every `CERTIFICATE` block in `text`, in order. Blocks with other labels (keys,
/// CRLs) and text between blocks are skipped; a `CERTIFICATE` block that does not decode is
/// an error.
pub(crate) fn certificate_blocks(text: &str) -> Result<Vec<Vec<u8>>, Error> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start..];
        let label_end = block[BEGIN.len()..]
            .find("-----")
            .ok_or_else(|| Error::Pem {
                reason: "unterminated BEGIN line".to_owned(),
            })?;
        let label = &block[BEGIN.len()..BEGIN.len() + label_end];
        let body_start = BEGIN.len() + label_end + "-----".len();
        let end_marker = format!("-----END {label}-----");
        // Search after the BEGIN line only: with an empty label, "-----BEGIN -----END -----"
        // would otherwise find its END inside its own BEGIN line.
        let body_len = block[body_start..]
            .find(&end_marker)
            .ok_or_else(|| Error::Pem {
                reason: format!("no END line for {label}"),
            })?;
        if label == CERTIFICATE_LABEL {
            out.push(decode_body(&block[body_start..body_start + body_len])?);
        }
        let end = body_start + body_len + end_marker.len();
        rest = &block[end..];
    }
    Ok(out)
}

/// The Base64 body of a block. Lenient on layout where RFC 7468 §3 is strict (64-character
/// lines): single-line and 76-column bodies are common in configuration files and web forms,
/// and the DER inside is checked strictly anyway. RFC 1421 header lines (`Name: value`) are
/// skipped.
fn decode_body(body: &str) -> Result<Vec<u8>, Error> {
    use base64::Engine as _;
    let compact: String = body
        .lines()
        .filter(|line| !line.contains(':'))
        .flat_map(|line| line.chars().filter(|c| !c.is_ascii_whitespace()))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|e| Error::Pem {
            reason: format!("CERTIFICATE block: {e}"),
        })
}

/// A `CERTIFICATE` PEM block with LF line endings.
pub(crate) fn encode_certificate(der: &[u8]) -> String {
    // Encoding into a String only fails on a bad label, and this label is fixed and valid.
    der::pem::encode_string(CERTIFICATE_LABEL, der::pem::LineEnding::LF, der).unwrap_or_default()
}
