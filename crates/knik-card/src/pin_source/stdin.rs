//! PINs read line by line from a stream, for automation: `printf '1234\n' | knik …`.
//!
//! One line per secret asked, in the order the operation asks them (for a PIN change: the
//! current PIN, then the new one; no confirmation line). A trailing LF or CRLF is removed.

use std::io::BufRead;

use zeroize::Zeroizing;

use super::{PinRequest, PinSource};
use crate::error::{Error, Result};
use crate::pin::Pin;

/// Reads one line per PIN from any [`BufRead`] (usually standard input).
pub struct StdinPinSource<R> {
    reader: R,
}

impl<R: BufRead> StdinPinSource<R> {
    /// Reads PINs from `reader`.
    pub fn new(reader: R) -> StdinPinSource<R> {
        StdinPinSource { reader }
    }
}

impl StdinPinSource<std::io::StdinLock<'static>> {
    /// Reads PINs from the process's standard input.
    pub fn stdin() -> Self {
        StdinPinSource::new(std::io::stdin().lock())
    }
}

impl<R> std::fmt::Debug for StdinPinSource<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StdinPinSource")
    }
}

impl<R: BufRead> PinSource for StdinPinSource<R> {
    /// An empty line is a cancel; the end of the stream means there is no PIN to give.
    fn pin(&mut self, request: &PinRequest<'_>) -> Result<Pin> {
        // Reserved up front so that a PIN line never makes the buffer reallocate (and leave an
        // unwiped copy behind).
        let mut line = Zeroizing::new(Vec::with_capacity(256));
        let n =
            self.reader
                .read_until(b'\n', &mut line)
                .map_err(|e| Error::PinSourceUnavailable {
                    kind: request.secret_kind(),
                    reason: format!("reading standard input failed: {}", e.kind()),
                })?;
        if n == 0 {
            return Err(Error::PinSourceUnavailable {
                kind: request.secret_kind(),
                reason: "standard input has no more lines".to_string(),
            });
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        if line.is_empty() {
            return Err(Error::PinEntryCancelled);
        }
        Ok(Pin::from_bytes(&line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::PinKind;
    use crate::pin_source::PinPurpose;

    #[test]
    fn reads_one_line_per_pin_and_strips_line_ends() {
        let mut src = StdinPinSource::new(&b"1234\r\n12345\n"[..]);
        let current = PinRequest::new(PinKind::Pin2, PinPurpose::ChangeCurrent, "X");
        let new = PinRequest::new(PinKind::Pin2, PinPurpose::ChangeNew, "X");
        assert_eq!(src.pin(&current).unwrap().expose(), b"1234");
        assert_eq!(src.pin(&new).unwrap().expose(), b"12345");
        match src.pin(&current) {
            Err(Error::PinSourceUnavailable {
                kind: PinKind::Pin2,
                reason,
            }) => {
                assert!(reason.contains("no more lines"))
            }
            other => panic!("expected unavailable, got {other:?}"),
        }
    }

    #[test]
    fn last_line_without_newline_counts_and_empty_line_cancels() {
        let req = PinRequest::new(PinKind::Pin1, PinPurpose::Authenticate, "X");
        assert_eq!(
            StdinPinSource::new(&b"4321"[..])
                .pin(&req)
                .unwrap()
                .expose(),
            b"4321"
        );
        assert_eq!(
            StdinPinSource::new(&b"\n1234\n"[..]).pin(&req),
            Err(Error::PinEntryCancelled)
        );
    }
}
