//! Command and response APDUs (ISO/IEC 7816-4 §5.1).
//!
//! A [`Command`] is built with a small builder and encoded in the short form unless its data or
//! Le do not fit (or [`Command::force_extended`] asks for it). Commands that carry a PIN are
//! marked [`Command::sensitive`]: their data lives in a zeroizing buffer and is shown as `**`
//! by [`Command::trace_text`] and `Debug`.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::status::StatusWord;

/// The instructions knik sends (ISO/IEC 7816-4 §5.1.2, ISO/IEC 7816-8 for PSO and MSE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ins {
    /// `A4` SELECT.
    Select,
    /// `B0` READ BINARY.
    ReadBinary,
    /// `CA` GET DATA (even instruction).
    GetData,
    /// `CB` GET DATA (odd instruction, BER-TLV data field); used for PIN retry counters.
    GetDataOdd,
    /// `C0` GET RESPONSE.
    GetResponse,
    /// `20` VERIFY.
    Verify,
    /// `24` CHANGE REFERENCE DATA.
    ChangeReferenceData,
    /// `2C` RESET RETRY COUNTER.
    ResetRetryCounter,
    /// `22` MANAGE SECURITY ENVIRONMENT.
    ManageSecurityEnvironment,
    /// `88` INTERNAL AUTHENTICATE.
    InternalAuthenticate,
    /// `2A` PERFORM SECURITY OPERATION.
    PerformSecurityOperation,
    /// Any other instruction byte.
    Other(u8),
}

impl Ins {
    /// The instruction byte.
    pub const fn code(self) -> u8 {
        match self {
            Ins::Select => 0xA4,
            Ins::ReadBinary => 0xB0,
            Ins::GetData => 0xCA,
            Ins::GetDataOdd => 0xCB,
            Ins::GetResponse => 0xC0,
            Ins::Verify => 0x20,
            Ins::ChangeReferenceData => 0x24,
            Ins::ResetRetryCounter => 0x2C,
            Ins::ManageSecurityEnvironment => 0x22,
            Ins::InternalAuthenticate => 0x88,
            Ins::PerformSecurityOperation => 0x2A,
            Ins::Other(b) => b,
        }
    }

    /// The instruction for a byte; bytes we do not name become [`Ins::Other`].
    pub const fn from_code(b: u8) -> Ins {
        match b {
            0xA4 => Ins::Select,
            0xB0 => Ins::ReadBinary,
            0xCA => Ins::GetData,
            0xCB => Ins::GetDataOdd,
            0xC0 => Ins::GetResponse,
            0x20 => Ins::Verify,
            0x24 => Ins::ChangeReferenceData,
            0x2C => Ins::ResetRetryCounter,
            0x22 => Ins::ManageSecurityEnvironment,
            0x88 => Ins::InternalAuthenticate,
            0x2A => Ins::PerformSecurityOperation,
            other => Ins::Other(other),
        }
    }
}

impl From<u8> for Ins {
    fn from(b: u8) -> Self {
        Ins::from_code(b)
    }
}

impl From<Ins> for u8 {
    fn from(i: Ins) -> Self {
        i.code()
    }
}

/// Largest data field of a short command.
pub const SHORT_MAX_DATA: usize = 255;
/// Largest Le of a short command (encoded as `00`).
pub const SHORT_MAX_LE: usize = 256;
/// Largest data field of an extended command.
pub const EXTENDED_MAX_DATA: usize = 65_535;
/// Largest Le of an extended command (encoded as `00 00`).
pub const EXTENDED_MAX_LE: usize = 65_536;

/// A command APDU.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    cla: u8,
    ins: Ins,
    p1: u8,
    p2: u8,
    data: Zeroizing<Vec<u8>>,
    le: Option<usize>,
    force_extended: bool,
    sensitive: bool,
}

impl Command {
    /// A command with CLA `00`, no data and no Le.
    pub fn new(ins: Ins, p1: u8, p2: u8) -> Command {
        Command {
            cla: 0x00,
            ins,
            p1,
            p2,
            data: Zeroizing::new(Vec::new()),
            le: None,
            force_extended: false,
            sensitive: false,
        }
    }

    /// Sets the class byte.
    pub fn with_cla(mut self, cla: u8) -> Command {
        self.cla = cla;
        self
    }

    /// Sets the data field (Lc is derived from it).
    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Command {
        self.data = Zeroizing::new(data.into());
        self
    }

    /// Sets the data field from a zeroizing buffer (for PIN blocks).
    pub fn with_secret_data(mut self, data: Zeroizing<Vec<u8>>) -> Command {
        self.data = data;
        self.sensitive = true;
        self
    }

    /// Sets Le, the number of response bytes expected (1 ..= 65536; 256 is encoded `00` in the
    /// short form).
    pub fn with_le(mut self, le: usize) -> Command {
        self.le = Some(le);
        self
    }

    /// Removes Le.
    pub fn without_le(mut self) -> Command {
        self.le = None;
        self
    }

    /// Encodes in the extended form even when the short one would do.
    pub fn force_extended(mut self) -> Command {
        self.force_extended = true;
        self
    }

    /// Marks the data field as secret (a PIN): masked in traces and `Debug`.
    pub fn sensitive(mut self) -> Command {
        self.sensitive = true;
        self
    }

    /// CLA.
    pub fn cla(&self) -> u8 {
        self.cla
    }

    /// INS.
    pub fn ins(&self) -> Ins {
        self.ins
    }

    /// P1.
    pub fn p1(&self) -> u8 {
        self.p1
    }

    /// P2.
    pub fn p2(&self) -> u8 {
        self.p2
    }

    /// The data field.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Le, if any.
    pub fn le(&self) -> Option<usize> {
        self.le
    }

    /// True when the data field holds a secret.
    pub fn is_sensitive(&self) -> bool {
        // The PIN-carrying instructions are masked whether or not the builder remembered to
        // say so: a forgotten `.sensitive()` must not print a PIN under --trace.
        self.sensitive
            || matches!(
                self.ins,
                Ins::Verify | Ins::ChangeReferenceData | Ins::ResetRetryCounter
            )
    }

    /// True when this command is (or must be) encoded in the extended form.
    pub fn is_extended(&self) -> bool {
        self.force_extended
            || self.data.len() > SHORT_MAX_DATA
            || self.le.is_some_and(|le| le > SHORT_MAX_LE)
    }

    /// The encoded command: `CLA INS P1 P2 [Lc data] [Le]` (ISO/IEC 7816-4 §5.1, cases 1-4,
    /// short or extended). Fails for data longer than 65535 bytes or Le outside 1 ..= 65536.
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        let n = self.data.len();
        if n > EXTENDED_MAX_DATA {
            return Err(Error::InvalidArgument(format!(
                "APDU data field of {n} bytes exceeds {EXTENDED_MAX_DATA}"
            )));
        }
        if let Some(le) = self.le
            && !(1..=EXTENDED_MAX_LE).contains(&le)
        {
            return Err(Error::InvalidArgument(format!(
                "APDU Le {le} is outside 1..=65536"
            )));
        }
        let mut out = Zeroizing::new(Vec::with_capacity(4 + 3 + n + 3));
        out.extend_from_slice(&[self.cla, self.ins.code(), self.p1, self.p2]);
        let extended = self.is_extended();
        if n > 0 {
            if extended {
                out.extend_from_slice(&[0x00, (n >> 8) as u8, n as u8]);
            } else {
                out.push(n as u8);
            }
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            if extended {
                // Case 2E carries a leading 00 before Le; case 4E does not (Lc had it).
                if n == 0 {
                    out.push(0x00);
                }
                let le = if le == EXTENDED_MAX_LE { 0 } else { le };
                out.extend_from_slice(&[(le >> 8) as u8, le as u8]);
            } else {
                out.push(if le == SHORT_MAX_LE { 0 } else { le as u8 });
            }
        }
        Ok(out)
    }

    /// The command in hex for a trace, with the data of a sensitive command replaced by `**`
    /// per byte (the length stays visible, the PIN does not).
    pub fn trace_text(&self) -> String {
        let Ok(bytes) = self.to_bytes() else {
            return format!(
                "{:02X} {:02X} {:02X} {:02X} <unencodable>",
                self.cla,
                self.ins.code(),
                self.p1,
                self.p2
            );
        };
        let n = self.data.len();
        let data_start = if n == 0 {
            bytes.len()
        } else if self.is_extended() {
            7
        } else {
            5
        };
        let data_end = data_start + n;
        let mut s = String::with_capacity(bytes.len() * 3);
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            if self.is_sensitive() && (data_start..data_end).contains(&i) {
                s.push_str("**");
            } else {
                s.push_str(&format!("{b:02X}"));
            }
        }
        s
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command({})", self.trace_text())
    }
}

/// A response APDU: data and status word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The response data (may be empty).
    pub data: Vec<u8>,
    /// SW1 SW2.
    pub sw: StatusWord,
}

impl Response {
    /// Splits a raw response into data and status word; fewer than two bytes is malformed.
    pub fn parse(raw: &[u8]) -> Result<Response> {
        match raw {
            [data @ .., sw1, sw2] => Ok(Response {
                data: data.to_vec(),
                sw: StatusWord::from_bytes(*sw1, *sw2),
            }),
            _ => Err(Error::Malformed {
                what: "response APDU".into(),
                detail: format!("{} bytes, a status word needs 2", raw.len()),
            }),
        }
    }

    /// `9000`.
    pub fn is_success(&self) -> bool {
        self.sw.is_success()
    }

    /// The data if the status is `9000`, else the typed error for `operation`.
    pub fn into_data(self, operation: &str) -> Result<Vec<u8>> {
        self.sw.check(operation)?;
        Ok(self.data)
    }

    /// The response in hex for a trace: `data… SW1 SW2`.
    pub fn trace_text(&self) -> String {
        let mut s = String::with_capacity(self.data.len() * 3 + 5);
        for b in &self.data {
            s.push_str(&format!("{b:02X} "));
        }
        s.push_str(&format!("{:02X} {:02X}", self.sw.sw1(), self.sw.sw2()));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|b| format!("{b:02X}")).collect()
    }

    #[test]
    fn short_cases_encode_as_iso_7816_4() {
        // case 1
        assert_eq!(
            hex(&Command::new(Ins::Select, 0, 0).to_bytes().unwrap()),
            "00A40000"
        );
        // case 2 with Le = 256 -> 00
        let c = Command::new(Ins::GetData, 0x01, 0x01).with_le(256);
        assert_eq!(hex(&c.to_bytes().unwrap()), "00CA010100");
        // case 3
        let c = Command::new(Ins::Select, 0x04, 0x0C).with_data(vec![0xA0, 0x00]);
        assert_eq!(hex(&c.to_bytes().unwrap()), "00A4040C02A000");
        // case 4
        let c = Command::new(Ins::Select, 0x02, 0x04)
            .with_data(vec![0x34, 0x01])
            .with_le(256);
        assert_eq!(hex(&c.to_bytes().unwrap()), "00A4020402340100");
        assert!(!c.is_extended());
    }

    #[test]
    fn extended_only_when_needed_or_asked() {
        let c = Command::new(Ins::ReadBinary, 0x01, 0x00).with_le(0x0800);
        assert!(c.is_extended());
        assert_eq!(hex(&c.to_bytes().unwrap()), "00B00100000800");
        let c = Command::new(Ins::ReadBinary, 0, 0).with_le(EXTENDED_MAX_LE);
        assert_eq!(hex(&c.to_bytes().unwrap()), "00B00000000000");
        let c = Command::new(Ins::ReadBinary, 0, 0)
            .with_le(16)
            .force_extended();
        assert_eq!(hex(&c.to_bytes().unwrap()), "00B00000000010");
        let data = vec![0xAB; 300];
        let c = Command::new(Ins::PerformSecurityOperation, 0x9E, 0x9A)
            .with_data(data)
            .with_le(256);
        let b = c.to_bytes().unwrap();
        assert_eq!(hex(&b[..7]), "002A9E9A00012C");
        assert_eq!(b.len(), 7 + 300 + 2);
        assert_eq!(hex(&b[307..]), "0100");
    }

    #[test]
    fn impossible_lengths_are_refused() {
        let c = Command::new(Ins::ReadBinary, 0, 0).with_le(0);
        assert!(matches!(c.to_bytes(), Err(Error::InvalidArgument(_))));
        let c = Command::new(Ins::ReadBinary, 0, 0).with_le(65_537);
        assert!(matches!(c.to_bytes(), Err(Error::InvalidArgument(_))));
        let c = Command::new(Ins::Verify, 0, 0).with_data(vec![0; 65_536]);
        assert!(matches!(c.to_bytes(), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn sensitive_data_is_masked_in_traces_and_debug() {
        let c = Command::new(Ins::Verify, 0x00, 0x01)
            .with_secret_data(Zeroizing::new(b"1234\xFF\xFF".to_vec()));
        assert_eq!(c.trace_text(), "00 20 00 01 06 ** ** ** ** ** **");
        assert!(!format!("{c:?}").contains("31 32"));
        let plain = Command::new(Ins::Select, 0x04, 0x0C).with_data(vec![0x31, 0x32]);
        assert_eq!(plain.trace_text(), "00 A4 04 0C 02 31 32");
    }

    #[test]
    fn ins_round_trips() {
        for b in 0..=255u8 {
            assert_eq!(Ins::from_code(b).code(), b);
        }
        assert_eq!(Ins::from(0x20), Ins::Verify);
        assert_eq!(u8::from(Ins::Other(0x44)), 0x44);
    }

    #[test]
    fn responses_need_a_status_word() {
        assert!(matches!(Response::parse(&[]), Err(Error::Malformed { .. })));
        assert!(matches!(
            Response::parse(&[0x90]),
            Err(Error::Malformed { .. })
        ));
        let r = Response::parse(&[0x01, 0x02, 0x90, 0x00]).unwrap();
        assert_eq!(r.data, vec![1, 2]);
        assert!(r.is_success());
        assert_eq!(r.trace_text(), "01 02 90 00");
        let r = Response::parse(&[0x6A, 0x82]).unwrap();
        assert!(r.data.is_empty());
        assert!(matches!(r.into_data("SELECT"), Err(Error::NotFound(_))));
    }
}

#[cfg(test)]
mod masking_tests {
    use super::*;

    #[test]
    fn pin_instructions_are_masked_even_without_sensitive() {
        for ins in [
            Ins::Verify,
            Ins::ChangeReferenceData,
            Ins::ResetRetryCounter,
        ] {
            let c = Command::new(ins, 0x00, 0x01).with_data(b"1234".to_vec());
            let t = c.trace_text();
            assert!(!t.contains("31 32 33 34"), "{t}");
            assert!(t.ends_with("** ** ** **"), "{t}");
        }
    }
}
