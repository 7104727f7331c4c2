//! Entry names: decoding (UTF-8 flag, CP437 fallback) and the safety rules of
//! `signatures.md` ("names with `..`, `\`, a leading `/`, or empty segments").

use crate::error::NameProblem;

/// Checks a decoded name. A trailing `/` (directory entry) is allowed; the caller decides
/// whether directories are acceptable where it stands.
pub(crate) fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(NameProblem::ControlCharacter);
    }
    if name.contains('\\') {
        return Err(NameProblem::Backslash);
    }
    if name.starts_with('/') {
        return Err(NameProblem::Absolute);
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err(NameProblem::DrivePath);
    }
    let body = name.strip_suffix('/').unwrap_or(name);
    for seg in body.split('/') {
        match seg {
            "" => return Err(NameProblem::EmptySegment),
            "." => return Err(NameProblem::CurrentSegment),
            ".." => return Err(NameProblem::ParentSegment),
            _ => {}
        }
    }
    Ok(())
}

/// How a raw name was decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decoding {
    /// Flagged UTF-8, or plain ASCII.
    Clean,
    /// Valid UTF-8 without the flag.
    Utf8Unflagged,
    /// Decoded from CP437.
    Cp437,
}

/// Decodes raw name bytes per APPNOTE appendix D: UTF-8 when bit 11 is set; otherwise
/// CP437, except that unflagged bytes forming valid multi-byte UTF-8 are taken as UTF-8
/// (many Java and Windows tools write UTF-8 without the flag; CP437 text practically never
/// forms valid multi-byte UTF-8).
pub(crate) fn decode_name(raw: &[u8], utf8_flag: bool) -> Result<(String, Decoding), NameProblem> {
    if utf8_flag {
        return std::str::from_utf8(raw)
            .map(|s| (s.to_owned(), Decoding::Clean))
            .map_err(|_| NameProblem::InvalidUtf8);
    }
    if raw.is_ascii() {
        // Safe: ASCII is UTF-8.
        return Ok((String::from_utf8_lossy(raw).into_owned(), Decoding::Clean));
    }
    if let Ok(s) = std::str::from_utf8(raw) {
        return Ok((s.to_owned(), Decoding::Utf8Unflagged));
    }
    Ok((raw.iter().map(|&b| cp437(b)).collect(), Decoding::Cp437))
}

/// CP437 upper half (0x80–0xFF) as Unicode.
const CP437_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', //
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', //
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', //
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', //
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', //
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', //
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}',
];

fn cp437(b: u8) -> char {
    if b < 0x80 {
        b as char
    } else {
        CP437_HIGH[(b - 0x80) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused_with_their_reason() {
        let cases = [
            ("", NameProblem::Empty),
            ("/etc/passwd", NameProblem::Absolute),
            ("C:/x.txt", NameProblem::DrivePath),
            ("a\\b.txt", NameProblem::Backslash),
            ("../x", NameProblem::ParentSegment),
            ("a/../../x", NameProblem::ParentSegment),
            ("a/./x", NameProblem::CurrentSegment),
            ("a//x", NameProblem::EmptySegment),
            ("a\0b", NameProblem::ControlCharacter),
        ];
        for (name, problem) in cases {
            assert_eq!(check_name(name), Err(problem), "{name:?}");
        }
        for ok in [
            "a.txt",
            "folder/test1.txt",
            "META-INF/",
            "..a",
            "a..b/c",
            "ü ա.pdf",
        ] {
            assert_eq!(check_name(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn unflagged_names_decode_as_utf8_or_cp437() {
        assert_eq!(
            decode_name("müük".as_bytes(), false).unwrap(),
            ("müük".to_owned(), Decoding::Utf8Unflagged)
        );
        // 0x81 = ü, 0x94 = ö in CP437; not valid UTF-8.
        assert_eq!(
            decode_name(b"m\x81\x94.txt", false).unwrap(),
            ("müö.txt".to_owned(), Decoding::Cp437)
        );
        assert_eq!(decode_name(b"\xff", true), Err(NameProblem::InvalidUtf8));
    }
}
