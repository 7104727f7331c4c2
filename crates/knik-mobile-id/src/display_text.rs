//! The text shown on the phone next to the relying party's name (`displayText`,
//! reference/mobile-id.md §1.3): at most 100 bytes on the SIM, i.e. 100 GSM-7 characters (at
//! most 5 of them from the extension table) or 50 UCS-2 characters.
//!
//! The provider silently replaces characters outside GSM-7 with spaces; we refuse such text
//! instead, and pick UCS-2 automatically for Armenian script.

use crate::codes::DisplayTextFormat;
use crate::error::Error;

/// GSM 03.38 basic character set (the escape character 0x1B excluded).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// GSM 03.38 extension table (each costs an escape plus the character).
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

const GSM7_MAX_CHARS: usize = 100;
const GSM7_MAX_EXTENSION: usize = 5;
const UCS2_MAX_CHARS: usize = 50;

/// A checked `displayText` with its `displayTextFormat`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayText {
    text: String,
    format: DisplayTextFormat,
}

impl DisplayText {
    /// Checks `text` in GSM-7 when every character is in the GSM-7 alphabet, else in UCS-2.
    pub fn new(text: &str) -> Result<Self, Error> {
        let format = if text.chars().all(is_gsm7) {
            DisplayTextFormat::Gsm7
        } else {
            DisplayTextFormat::Ucs2
        };
        Self::with_format(text, format)
    }

    /// Checks `text` against the limits of `format`.
    pub fn with_format(text: &str, format: DisplayTextFormat) -> Result<Self, Error> {
        let fail = |reason: String| Error::DisplayText { format, reason };
        if text.is_empty() {
            return Err(fail("empty; send no display text instead".to_owned()));
        }
        match format {
            DisplayTextFormat::Gsm7 => {
                if let Some(c) = text.chars().find(|c| !is_gsm7(*c)) {
                    return Err(fail(format!(
                        "character U+{:04X} is not in GSM-7",
                        c as u32
                    )));
                }
                let chars = text.chars().count();
                let extension = text.chars().filter(|c| GSM7_EXTENSION.contains(*c)).count();
                if chars > GSM7_MAX_CHARS {
                    return Err(fail(format!(
                        "{chars} characters, at most {GSM7_MAX_CHARS}"
                    )));
                }
                if extension > GSM7_MAX_EXTENSION {
                    return Err(fail(format!(
                        "{extension} extension-table characters, at most {GSM7_MAX_EXTENSION}"
                    )));
                }
            }
            DisplayTextFormat::Ucs2 => {
                if let Some(c) = text.chars().find(|c| c.len_utf16() > 1) {
                    return Err(fail(format!(
                        "character U+{:04X} is outside UCS-2",
                        c as u32
                    )));
                }
                let chars = text.chars().count();
                if chars > UCS2_MAX_CHARS {
                    return Err(fail(format!(
                        "{chars} characters, at most {UCS2_MAX_CHARS}"
                    )));
                }
            }
        }
        Ok(DisplayText {
            text: text.to_owned(),
            format,
        })
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its encoding on the SIM.
    pub fn format(&self) -> DisplayTextFormat {
        self.format
    }
}

fn is_gsm7(c: char) -> bool {
    GSM7_BASIC.contains(c) || GSM7_EXTENSION.contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_goes_as_gsm7_and_armenian_as_ucs2() {
        let t = DisplayText::new("Sign contract #12 (€100)").unwrap();
        assert_eq!(t.format(), DisplayTextFormat::Gsm7);
        let t = DisplayText::new("Ստորագրել պայմանագիրը").unwrap();
        assert_eq!(t.format(), DisplayTextFormat::Ucs2);
    }

    #[test]
    fn limits_are_the_sims() {
        assert!(DisplayText::new(&"a".repeat(100)).is_ok());
        assert!(matches!(
            DisplayText::new(&"a".repeat(101)),
            Err(Error::DisplayText {
                format: DisplayTextFormat::Gsm7,
                ..
            })
        ));
        assert!(DisplayText::new(&"Ա".repeat(50)).is_ok());
        assert!(DisplayText::new(&"Ա".repeat(51)).is_err());
        assert!(DisplayText::new("{}{}{}").is_err());
        assert!(DisplayText::new("").is_err());
        assert!(DisplayText::with_format("Երևան", DisplayTextFormat::Gsm7).is_err());
        assert!(DisplayText::new("emoji 😀").is_err());
    }
}
