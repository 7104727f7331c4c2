//! One log line per APDU, with PIN blocks masked.

/// Instructions whose command data carries PINs: VERIFY, CHANGE REFERENCE DATA, RESET RETRY
/// COUNTER.
const PIN_INSTRUCTIONS: [u8; 3] = [0x20, 0x24, 0x2C];

/// Whether the vpcd client logs the APDUs it serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApduLog {
    /// Nothing.
    #[default]
    Quiet,
    /// One line per APDU on stderr.
    Stderr,
}

impl ApduLog {
    /// Writes the line for one exchange, if logging.
    pub fn exchange(self, command: &[u8], response: Option<&[u8]>, note: &str) {
        if self == ApduLog::Stderr {
            eprintln!("{}", line(command, response, note));
        }
    }

    /// Writes a line about the connection, if logging.
    pub fn event(self, what: &str) {
        if self == ApduLog::Stderr {
            eprintln!("knik-card-sim: {what}");
        }
    }
}

/// `> 00 20 00 01 0C <12 bytes masked>  < 63 C2` (`note` is appended when not empty).
pub fn line(command: &[u8], response: Option<&[u8]>, note: &str) -> String {
    let mut out = String::from("> ");
    let masked = command.len() > 5 && PIN_INSTRUCTIONS.contains(&command[1]);
    if masked {
        // Header and the first length byte are shown; everything after may be a PIN.
        out.push_str(&hex_spaced(&command[..5], usize::MAX));
        out.push_str(&format!(" <{} bytes masked>", command.len() - 5));
    } else {
        out.push_str(&hex_spaced(command, 24));
    }
    match response {
        Some(r) => {
            out.push_str("  < ");
            if r.len() > 2 {
                out.push_str(&format!("[{} bytes] ", r.len() - 2));
            }
            out.push_str(&hex_spaced(&r[r.len().saturating_sub(2)..], usize::MAX));
        }
        None => out.push_str("  < (no answer)"),
    }
    if !note.is_empty() {
        out.push_str("  ");
        out.push_str(note);
    }
    out
}

fn hex_spaced(bytes: &[u8], limit: usize) -> String {
    let shown: Vec<String> = bytes
        .iter()
        .take(limit)
        .map(|b| format!("{b:02X}"))
        .collect();
    let mut s = shown.join(" ");
    if bytes.len() > limit {
        s.push_str(&format!(" …(+{} bytes)", bytes.len() - limit));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_blocks_never_reach_the_log() {
        let mut verify = vec![0x00, 0x20, 0x00, 0x01, 0x0C];
        verify.extend(b"1234");
        verify.extend([0xFF; 8]);
        let l = line(&verify, Some(&[0x63, 0xC2]), "");
        assert_eq!(l, "> 00 20 00 01 0C <12 bytes masked>  < 63 C2");
        assert!(!l.contains("31 32"));
        let l = line(
            &[0x00, 0xB0, 0x00, 0x00, 0x04],
            Some(&[1, 2, 3, 4, 0x90, 0x00]),
            "slow",
        );
        assert_eq!(l, "> 00 B0 00 00 04  < [4 bytes] 90 00  slow");
    }
}
