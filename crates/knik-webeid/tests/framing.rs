//! Native-messaging frames: round trips and every malformed frame's specific error
//! (reference/web-eid.md §1.2).

use std::io::{Cursor, Read};

use knik_webeid::Error;
use knik_webeid::native_messaging::{
    FrameReader, FrameWriter, Handshake, MAX_INBOUND_FRAME, MAX_OUTBOUND_FRAME,
};

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_ne_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

#[test]
fn round_trip_of_several_frames_in_native_byte_order() {
    let mut writer = FrameWriter::new(Vec::new());
    writer.write_message(&Handshake::new("0.1.0")).unwrap();
    writer
        .write_frame(r#"{"command":"quit","arguments":{}}"#)
        .unwrap();
    let bytes = writer.into_inner();
    // The prefix is the body length in native byte order, nothing else.
    let first_len = u32::from_ne_bytes(bytes[..4].try_into().unwrap()) as usize;
    assert_eq!(&bytes[4..4 + first_len], br#"{"version":"0.1.0"}"#);

    let mut reader = FrameReader::new(Cursor::new(bytes));
    let handshake = Handshake::from_json(&reader.read_frame().unwrap()).unwrap();
    assert_eq!(handshake, Handshake::new("0.1.0"));
    assert_eq!(
        reader.read_frame().unwrap(),
        r#"{"command":"quit","arguments":{}}"#
    );
    assert_eq!(reader.read_frame(), Err(Error::EndOfStream));
}

#[test]
fn inbound_frame_of_exactly_8_kib_is_read() {
    let mut body = br#"{"pad":""#.to_vec();
    body.resize(MAX_INBOUND_FRAME - 2, b'a');
    body.extend_from_slice(br#""}"#);
    assert_eq!(body.len(), MAX_INBOUND_FRAME);
    let mut reader = FrameReader::new(Cursor::new(frame(&body)));
    assert_eq!(reader.read_frame().unwrap().len(), MAX_INBOUND_FRAME);
}

/// A reader that counts how many bytes were pulled from it.
struct Counting<R> {
    inner: R,
    pulled: usize,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pulled += n;
        Ok(n)
    }
}

#[test]
fn inbound_frame_over_8_kib_is_refused_without_reading_its_body() {
    let mut bytes = ((MAX_INBOUND_FRAME + 1) as u32).to_ne_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(b'x', MAX_INBOUND_FRAME + 1));
    let mut reader = FrameReader::new(Counting {
        inner: Cursor::new(bytes),
        pulled: 0,
    });
    assert_eq!(
        reader.read_frame(),
        Err(Error::FrameTooLarge {
            length: MAX_INBOUND_FRAME as u64 + 1,
            limit: MAX_INBOUND_FRAME
        })
    );
    assert_eq!(reader.into_inner().pulled, 4, "only the prefix was read");

    // A hostile 4 GiB prefix is refused the same way, with nothing allocated for it.
    let mut reader = FrameReader::new(Cursor::new(u32::MAX.to_ne_bytes().to_vec()));
    assert_eq!(
        reader.read_frame(),
        Err(Error::FrameTooLarge {
            length: u64::from(u32::MAX),
            limit: MAX_INBOUND_FRAME
        })
    );
}

#[test]
fn wrong_length_below_the_minimum_is_refused() {
    let mut reader = FrameReader::new(Cursor::new(frame(b"{}")));
    assert_eq!(
        reader.read_frame(),
        Err(Error::FrameTooShort {
            length: 2,
            minimum: 5
        })
    );
}

#[test]
fn truncated_prefix_and_truncated_body_are_told_apart() {
    let mut reader = FrameReader::new(Cursor::new(vec![10u8, 0]));
    assert_eq!(
        reader.read_frame(),
        Err(Error::FrameTruncated {
            part: "length prefix",
            expected: 4,
            received: 2
        })
    );
    // Prefix says 40 bytes, 10 arrive: a wrong length is a truncated body.
    let mut bytes = 40u32.to_ne_bytes().to_vec();
    bytes.extend_from_slice(br#"{"a":"bcd"}"#[..10].as_ref());
    let mut reader = FrameReader::new(Cursor::new(bytes));
    assert_eq!(
        reader.read_frame(),
        Err(Error::FrameTruncated {
            part: "body",
            expected: 40,
            received: 10
        })
    );
}

#[test]
fn non_utf8_and_invalid_json_have_their_own_errors() {
    let mut reader = FrameReader::new(Cursor::new(frame(b"{\"a\":\"\xff\xfe\"}")));
    assert_eq!(
        reader.read_frame(),
        Err(Error::FrameNotUtf8 { valid_up_to: 6 })
    );
    let mut reader = FrameReader::new(Cursor::new(frame(b"{\"command\": ")));
    assert!(matches!(
        reader.read_frame(),
        Err(Error::FrameInvalidJson { .. })
    ));
    let mut reader = FrameReader::new(Cursor::new(frame(b"{} {}")));
    assert!(matches!(
        reader.read_frame(),
        Err(Error::FrameInvalidJson { .. })
    ));
}

#[test]
fn outbound_frame_over_1_mib_is_refused_before_anything_is_written() {
    let big = format!("\"{}\"", "a".repeat(MAX_OUTBOUND_FRAME - 1));
    let mut writer = FrameWriter::new(Vec::new());
    assert_eq!(
        writer.write_frame(&big),
        Err(Error::FrameTooLarge {
            length: MAX_OUTBOUND_FRAME as u64 + 1,
            limit: MAX_OUTBOUND_FRAME
        })
    );
    assert!(writer.into_inner().is_empty());

    // Exactly 1 MiB goes out, and the extension-side reader takes it back.
    let exact = format!("\"{}\"", "a".repeat(MAX_OUTBOUND_FRAME - 2));
    let mut writer = FrameWriter::new(Vec::new());
    writer.write_frame(&exact).unwrap();
    let mut reader = FrameReader::for_host_output(Cursor::new(writer.into_inner()));
    assert_eq!(reader.read_frame().unwrap().len(), MAX_OUTBOUND_FRAME);
}
