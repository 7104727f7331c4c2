//! WebExtension native-messaging frames: a 4-byte length in native byte order, then that many
//! bytes of UTF-8 JSON (reference/web-eid.md §1.2).
//!
//! Inbound frames (browser → host) over 8 KiB are refused from their length prefix alone, so a
//! hostile length never makes the host allocate or read the body. Outbound frames (host →
//! browser) are capped at 1 MiB, the browsers' own limit.

use std::io::{Read, Write};

use serde::Serialize;
use serde::de::IgnoredAny;

use crate::Error;

/// Largest inbound (browser → host) frame body, as Web eID.
pub const MAX_INBOUND_FRAME: usize = 8 * 1024;
/// Smallest inbound frame body, as Web eID (no command fits in fewer bytes).
pub const MIN_INBOUND_FRAME: usize = 5;
/// Largest outbound (host → browser) frame body: Chromium's and Firefox's limit.
pub const MAX_OUTBOUND_FRAME: usize = 1024 * 1024;

/// Reads frames from a pipe (the host's stdin, or the extension side of a test).
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: R,
    min: usize,
    max: usize,
}

impl<R: Read> FrameReader<R> {
    /// A reader with the inbound limits: 5 bytes to 8 KiB.
    pub fn new(inner: R) -> Self {
        FrameReader {
            inner,
            min: MIN_INBOUND_FRAME,
            max: MAX_INBOUND_FRAME,
        }
    }

    /// A reader for frames the host sends (1 byte to 1 MiB): the extension side and tests.
    pub fn for_host_output(inner: R) -> Self {
        FrameReader {
            inner,
            min: 1,
            max: MAX_OUTBOUND_FRAME,
        }
    }

    /// Reads one frame and returns its body: UTF-8 text that parses as JSON.
    ///
    /// [`Error::EndOfStream`] when the stream ends before the first byte of the length prefix
    /// (the browser closed the pipe); [`Error::FrameTruncated`] when it ends anywhere later.
    /// After [`Error::FrameTooLarge`] the unread body is still in the pipe, so the stream is out
    /// of step: the host answers with an error and exits, as it does after any refused frame.
    pub fn read_frame(&mut self) -> Result<String, Error> {
        let mut prefix = [0u8; 4];
        let got = read_full(&mut self.inner, &mut prefix)?;
        if got == 0 {
            return Err(Error::EndOfStream);
        }
        if got < prefix.len() {
            return Err(Error::FrameTruncated {
                part: "length prefix",
                expected: prefix.len(),
                received: got,
            });
        }
        let length = u32::from_ne_bytes(prefix);
        let length_usize = usize::try_from(length).unwrap_or(usize::MAX);
        if length_usize > self.max {
            return Err(Error::FrameTooLarge {
                length: u64::from(length),
                limit: self.max,
            });
        }
        if length_usize < self.min {
            return Err(Error::FrameTooShort {
                length: u64::from(length),
                minimum: self.min,
            });
        }
        let mut body = vec![0u8; length_usize];
        let got = read_full(&mut self.inner, &mut body)?;
        if got < body.len() {
            return Err(Error::FrameTruncated {
                part: "body",
                expected: body.len(),
                received: got,
            });
        }
        let text = String::from_utf8(body).map_err(|e| Error::FrameNotUtf8 {
            valid_up_to: e.utf8_error().valid_up_to(),
        })?;
        serde_json::from_str::<IgnoredAny>(&text).map_err(|e| Error::FrameInvalidJson {
            reason: e.to_string(),
        })?;
        Ok(text)
    }

    /// Gives the underlying reader back.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

/// Reads until `buf` is full or the stream ends; returns how many bytes arrived.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> Result<usize, Error> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(filled)
}

/// Writes frames to a pipe (the host's stdout). Each frame is flushed at once: the browser waits
/// for it.
#[derive(Debug)]
pub struct FrameWriter<W> {
    inner: W,
    max: usize,
}

impl<W: Write> FrameWriter<W> {
    /// A writer with the outbound limit (1 MiB).
    pub fn new(inner: W) -> Self {
        FrameWriter {
            inner,
            max: MAX_OUTBOUND_FRAME,
        }
    }

    /// A writer with the inbound limit (8 KiB): the extension side and tests.
    pub fn for_host_input(inner: W) -> Self {
        FrameWriter {
            inner,
            max: MAX_INBOUND_FRAME,
        }
    }

    /// Writes `json` as one frame. Refuses a body over the limit before writing anything.
    pub fn write_frame(&mut self, json: &str) -> Result<(), Error> {
        let length = u32::try_from(json.len())
            .ok()
            .filter(|&l| l as usize <= self.max)
            .ok_or(Error::FrameTooLarge {
                length: json.len() as u64,
                limit: self.max,
            })?;
        // One write for prefix and body, so a reader never sees a prefix without its body
        // because of our buffering.
        let mut frame = Vec::with_capacity(4 + json.len());
        frame.extend_from_slice(&length.to_ne_bytes());
        frame.extend_from_slice(json.as_bytes());
        self.inner.write_all(&frame)?;
        self.inner.flush()?;
        Ok(())
    }

    /// Serialises `message` as compact JSON and writes it as one frame.
    pub fn write_message<T: Serialize + ?Sized>(&mut self, message: &T) -> Result<(), Error> {
        let json = serde_json::to_string(message).map_err(|e| Error::MalformedMessage {
            reason: e.to_string(),
        })?;
        self.write_frame(&json)
    }

    /// Gives the underlying writer back.
    pub fn into_inner(self) -> W {
        self.inner
    }
}
