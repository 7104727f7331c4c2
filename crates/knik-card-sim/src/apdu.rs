//! Command APDUs as the card receives them, and response APDUs as it answers.
//!
//! Parsing follows ISO/IEC 7816-4:2020 §5.1 (the four cases, short and extended length): the
//! card must tell a case-4 short command from a case-2 extended one by its length alone.

use crate::status::{self, Sw};

/// A parsed command APDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// First parameter.
    pub p1: u8,
    /// Second parameter.
    pub p2: u8,
    /// Command data (empty for cases 1 and 2).
    pub data: Vec<u8>,
    /// Ne, the number of response bytes the host expects (`None` when Le is absent; a short
    /// Le of `00` means 256, an extended Le of `0000` means 65536).
    pub ne: Option<usize>,
}

impl Command {
    /// Parses a command APDU; a length that fits none of the ISO 7816-4 cases gives `6700`.
    pub fn parse(bytes: &[u8]) -> Result<Command, Sw> {
        let wrong = status::WRONG_LENGTH;
        if bytes.len() < 4 {
            return Err(wrong);
        }
        let (cla, ins, p1, p2) = (bytes[0], bytes[1], bytes[2], bytes[3]);
        let body = &bytes[4..];
        let short_ne = |b: u8| if b == 0 { 256 } else { usize::from(b) };
        let ext_ne = |hi: u8, lo: u8| match u16::from_be_bytes([hi, lo]) {
            0 => 65536,
            n => usize::from(n),
        };
        let (data, ne): (&[u8], Option<usize>) = match body {
            // Case 1.
            [] => (&[], None),
            // Case 2S.
            [le] => (&[], Some(short_ne(*le))),
            // Extended: the first length byte is 00 and at least two more follow.
            [0, rest @ ..] if rest.len() >= 2 => {
                let n = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
                let after = &rest[2..];
                if after.is_empty() {
                    // Case 2E.
                    (&[], Some(ext_ne(rest[0], rest[1])))
                } else if n == 0 {
                    return Err(wrong);
                } else if after.len() == n {
                    // Case 3E.
                    (after, None)
                } else if after.len() == n + 2 {
                    // Case 4E.
                    (&after[..n], Some(ext_ne(after[n], after[n + 1])))
                } else {
                    return Err(wrong);
                }
            }
            [lc, rest @ ..] if *lc != 0 => {
                let n = usize::from(*lc);
                if rest.len() == n {
                    // Case 3S.
                    (rest, None)
                } else if rest.len() == n + 1 {
                    // Case 4S.
                    (&rest[..n], Some(short_ne(rest[n])))
                } else {
                    return Err(wrong);
                }
            }
            _ => return Err(wrong),
        };
        Ok(Command {
            cla,
            ins,
            p1,
            p2,
            data: data.to_vec(),
            ne,
        })
    }

    /// P1 and P2 as one big-endian number.
    pub fn p1p2(&self) -> u16 {
        u16::from_be_bytes([self.p1, self.p2])
    }
}

/// A response APDU before it is put on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// Response data.
    pub data: Vec<u8>,
    /// The status word.
    pub sw: Sw,
}

impl Response {
    /// Data with `9000`.
    pub fn ok(data: Vec<u8>) -> Response {
        Response {
            data,
            sw: status::OK,
        }
    }

    /// A status word without data.
    pub fn status(sw: Sw) -> Response {
        Response {
            data: Vec::new(),
            sw,
        }
    }

    /// The bytes on the wire: data, SW1, SW2.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_be_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_cases_short_and_extended() {
        let c = Command::parse(&[0, 0xA4, 4, 0x0C]).unwrap();
        assert_eq!((c.data.len(), c.ne), (0, None));
        let c = Command::parse(&[0, 0xB0, 0, 0, 0]).unwrap();
        assert_eq!(c.ne, Some(256));
        let c = Command::parse(&[0, 0xA4, 2, 4, 2, 0x34, 0x01, 0]).unwrap();
        assert_eq!((c.data, c.ne), (vec![0x34, 0x01], Some(256)));
        let c = Command::parse(&[0, 0xA4, 2, 0x0C, 2, 0x34, 0x01]).unwrap();
        assert_eq!((c.data, c.ne), (vec![0x34, 0x01], None));
        let c = Command::parse(&[0, 0xB0, 0, 0, 0, 0x10, 0]).unwrap();
        assert_eq!((c.data.len(), c.ne), (0, Some(4096)));
        let c = Command::parse(&[0, 0xB0, 0, 0, 0, 0, 0]).unwrap();
        assert_eq!(c.ne, Some(65536));
        let c = Command::parse(&[0, 0x2A, 0x9E, 0x9A, 0, 0, 2, 7, 8]).unwrap();
        assert_eq!((c.data, c.ne), (vec![7, 8], None));
        let c = Command::parse(&[0, 0x2A, 0x9E, 0x9A, 0, 0, 2, 7, 8, 0, 0]).unwrap();
        assert_eq!((c.data, c.ne), (vec![7, 8], Some(65536)));
    }

    #[test]
    fn lengths_that_fit_no_case_are_6700() {
        for bad in [
            &[0u8, 0xA4, 4][..],
            &[0, 0xA4, 4, 0x0C, 3, 1, 2][..],
            &[0, 0xA4, 4, 0x0C, 1, 1, 2, 3][..],
            &[0, 0xB0, 0, 0, 0, 1][..],
            &[0, 0x2A, 0x9E, 0x9A, 0, 0, 3, 7, 8][..],
            &[0, 0x2A, 0x9E, 0x9A, 0, 0, 0, 7][..],
        ] {
            assert_eq!(Command::parse(bad), Err(status::WRONG_LENGTH), "{bad:02X?}");
        }
    }
}
