//! The pieces of the Assuan protocol (GnuPG's IPC, spoken by every pinentry) that a client
//! needs: escaping command arguments and reading server lines.
//!
//! Assuan: lines end with LF and are at most 1000 bytes; in arguments and `D` data lines the
//! characters `%`, CR and LF are written `%25`, `%0D`, `%0A`. The server answers `OK [text]`,
//! `ERR <code> [text]`, `S <keyword> …` (status), `D <data>`, `# comment` or `INQUIRE`.

use zeroize::Zeroizing;

/// The longest line Assuan allows, LF included.
pub(crate) const MAX_LINE: usize = 1000;

/// The gpg-error code of "Operation cancelled" (`GPG_ERR_CANCELED`), in the low 16 bits.
const GPG_ERR_CANCELED: u32 = 99;
/// "Operation fully cancelled" (`GPG_ERR_FULLY_CANCELED`), sent by some pinentries.
const GPG_ERR_FULLY_CANCELED: u32 = 198;
/// "Timeout" (`GPG_ERR_TIMEOUT`): the dialog closed after SETTIMEOUT without an answer.
const GPG_ERR_TIMEOUT: u32 = 62;

/// Escapes a command argument: `%`, CR, LF.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Builds `COMMAND escaped-argument`, shortened (on a character boundary) so the line fits
/// in [`MAX_LINE`].
pub(crate) fn command_line(command: &str, argument: &str) -> String {
    let mut line = format!("{command} ");
    let budget = MAX_LINE - 1 - line.len();
    let mut used = 0;
    for c in argument.chars() {
        let mut buf = [0u8; 4];
        let piece = escape(c.encode_utf8(&mut buf));
        if used + piece.len() > budget {
            break;
        }
        used += piece.len();
        line.push_str(&piece);
    }
    line
}

/// Appends the percent-decoded `data` to `out`. `None` for a malformed escape.
pub(crate) fn decode_into(data: &[u8], out: &mut Zeroizing<Vec<u8>>) -> Option<()> {
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'%' {
            let hex = data.get(i + 1..i + 3)?;
            out.push((hex_digit(hex[0])? << 4) | hex_digit(hex[1])?);
            i += 3;
        } else {
            out.push(data[i]);
            i += 1;
        }
    }
    Some(())
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// One line from the server, without its LF. Data lines borrow the (zeroizing) line buffer.
/// `Debug` is written by hand: a data line is the PIN.
#[derive(PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// `OK [text]`: the command succeeded.
    Ok,
    /// `ERR code [text]`.
    Err { code: u32, text: String },
    /// `D data` (still escaped).
    Data(&'a [u8]),
    /// `S keyword [args]`.
    Status(String),
    /// `# …` or an empty line.
    Comment,
    /// `INQUIRE …`: the server wants data from us; pinentry never asks for any.
    Inquire,
    /// Anything else.
    Unknown,
}

impl std::fmt::Debug for Line<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Line::Ok => f.write_str("Ok"),
            Line::Err { code, text } => write!(f, "Err {{ code: {code}, text: {text:?} }}"),
            Line::Data(d) => write!(f, "Data(<{} bytes>)", d.len()),
            Line::Status(s) => write!(f, "Status({s:?})"),
            Line::Comment => f.write_str("Comment"),
            Line::Inquire => f.write_str("Inquire"),
            Line::Unknown => f.write_str("Unknown"),
        }
    }
}

/// Parses one line (LF and CR already stripped).
pub(crate) fn parse_line(line: &[u8]) -> Line<'_> {
    let (word, rest) = match line.iter().position(|&b| b == b' ') {
        Some(p) => (&line[..p], &line[p + 1..]),
        None => (line, &[][..]),
    };
    match word {
        b"OK" => Line::Ok,
        b"ERR" => {
            let text = String::from_utf8_lossy(rest);
            let (code, text) = text.split_once(' ').unwrap_or((&text, ""));
            Line::Err {
                code: code.parse().unwrap_or(0),
                text: text.to_string(),
            }
        }
        b"D" => Line::Data(rest),
        b"S" => Line::Status(String::from_utf8_lossy(rest).into_owned()),
        b"INQUIRE" => Line::Inquire,
        b"" => Line::Comment,
        w if w.starts_with(b"#") => Line::Comment,
        _ => Line::Unknown,
    }
}

/// True for the error codes that mean the user closed or cancelled the dialog (or let it time
/// out): gpg-error codes carry the error source in the high bits, the code in the low 16.
pub(crate) fn is_cancel(code: u32) -> bool {
    matches!(
        code & 0xFFFF,
        GPG_ERR_CANCELED | GPG_ERR_FULLY_CANCELED | GPG_ERR_TIMEOUT
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_percent_cr_lf_only() {
        assert_eq!(escape("100% sure\r\nՀայ"), "100%25 sure%0D%0AՀայ");
    }

    #[test]
    fn long_arguments_are_cut_to_one_assuan_line_on_a_char_boundary() {
        let long = "Ա%".repeat(400);
        let line = command_line("SETDESC", &long);
        assert!(line.len() < MAX_LINE);
        assert!(line.ends_with('Ա') || line.ends_with("%25"));
        assert_eq!(command_line("SETPROMPT", "PIN2:"), "SETPROMPT PIN2:");
    }

    #[test]
    fn decodes_percent_escapes_and_rejects_broken_ones() {
        let mut out = Zeroizing::new(Vec::new());
        decode_into(b"12%2534%0a", &mut out).unwrap();
        assert_eq!(out.as_slice(), b"12%34\n");
        assert!(decode_into(b"1%2", &mut Zeroizing::new(Vec::new())).is_none());
        assert!(decode_into(b"%zz", &mut Zeroizing::new(Vec::new())).is_none());
    }

    #[test]
    fn parses_server_lines() {
        assert_eq!(parse_line(b"OK Pleased to meet you"), Line::Ok);
        assert_eq!(parse_line(b"OK"), Line::Ok);
        assert_eq!(
            parse_line(b"ERR 83886179 Operation cancelled <Pinentry>"),
            Line::Err {
                code: 83886179,
                text: "Operation cancelled <Pinentry>".into()
            }
        );
        assert_eq!(parse_line(b"D 12%2534"), Line::Data(b"12%2534"));
        assert_eq!(
            parse_line(b"S PIN_REPEATED"),
            Line::Status("PIN_REPEATED".into())
        );
        assert_eq!(parse_line(b"# debug"), Line::Comment);
        assert!(is_cancel(83886179));
        assert!(!is_cancel(83886081));
    }
}
