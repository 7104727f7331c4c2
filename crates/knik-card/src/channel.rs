//! One card transaction: the layer every backend shares.
//!
//! A [`Channel`] begins a transaction on a [`CardTransport`] when it is opened and ends it when
//! it is finished or dropped, so an operation that fails half-way (card removed, wrong PIN)
//! still releases the card. Here, and only here:
//! - `61xx` is answered with GET RESPONSE until the card has nothing more (bounded, ISO/IEC
//!   7816-4 §5.3.4), and `6Cxx` by resending the command once with the right Le;
//! - READ BINARY of a whole file is chunked: extended length when the reader and card allow it,
//!   the profile's short chunk otherwise;
//! - every exchange is counted ([`Channel::exchanges`]) and optionally traced, with the data of
//!   PIN-carrying commands shown as `**`.
//!
//! The transaction ends with a card reset when a PIN was presented in it (a VERIFY, CHANGE
//! REFERENCE DATA or RESET RETRY COUNTER command), so that no verified PIN outlives the
//! operation: otherwise any program sharing the reader could use the authentication key
//! without knowing PIN1. Operations that present no PIN end without a reset, which would cost
//! an ATR round trip and drop other applications' state for nothing. A caller can ask for a
//! reset after every operation with [`Channel::reset_on_end`].

use std::fmt;

use crate::apdu::{Command, EXTENDED_MAX_LE, Ins, Response, SHORT_MAX_LE};
use crate::error::{Error, Result};
use crate::status::StatusWord;
use crate::transport::{Capabilities, CardTransport};

/// Upper bound on GET RESPONSE rounds for one command: 256 rounds of 256 bytes cover the
/// largest extended response; a card that keeps answering `61xx` beyond that is broken.
pub const MAX_GET_RESPONSE_ROUNDS: usize = 256;

/// Highest offset READ BINARY with P1 bit 8 clear can address (ISO/IEC 7816-4 §11.2.3).
const MAX_READ_OFFSET: usize = 0x7FFF;

/// Which way an APDU went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Host to card.
    Command,
    /// Card to host.
    Response,
}

/// One traced APDU, in hex, secrets already masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// Which way.
    pub direction: Direction,
    /// The bytes in hex separated by spaces; a PIN's bytes are `**`.
    pub text: String,
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arrow = match self.direction {
            Direction::Command => '>',
            Direction::Response => '<',
        };
        write!(f, "{arrow} {}", self.text)
    }
}

/// A tracer: called once per command and once per response.
pub type Tracer<'a> = &'a mut dyn FnMut(&TraceEvent);

/// A transaction on a card.
pub struct Channel<'a> {
    transport: &'a mut dyn CardTransport,
    tracer: Option<Tracer<'a>>,
    capabilities: Capabilities,
    short_read_chunk: usize,
    exchanges: usize,
    open: bool,
    reset_on_end: bool,
    pin_presented: bool,
}

impl<'a> Channel<'a> {
    /// Begins a transaction.
    pub fn open(transport: &'a mut dyn CardTransport) -> Result<Channel<'a>> {
        transport.begin_transaction()?;
        let capabilities = transport.capabilities();
        Ok(Channel {
            transport,
            tracer: None,
            capabilities,
            short_read_chunk: SHORT_MAX_LE,
            exchanges: 0,
            open: true,
            reset_on_end: false,
            pin_presented: false,
        })
    }

    /// Traces every APDU of this transaction.
    pub fn with_tracer(mut self, tracer: Tracer<'a>) -> Channel<'a> {
        self.tracer = Some(tracer);
        self
    }

    /// The READ BINARY chunk for short APDUs (the profile's `short_read_chunk`, 1 ..= 256).
    pub fn with_short_read_chunk(mut self, chunk: usize) -> Channel<'a> {
        self.short_read_chunk = chunk.clamp(1, SHORT_MAX_LE);
        self
    }

    /// Asks the backend to reset the card when the transaction ends (see the module docs).
    pub fn reset_on_end(mut self, reset: bool) -> Channel<'a> {
        self.reset_on_end = reset;
        self
    }

    /// What the reader and card can do.
    pub fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    /// The card's ATR.
    pub fn atr(&self) -> &[u8] {
        self.transport.atr()
    }

    /// Number of APDU exchanges so far (GET RESPONSE and `6Cxx` resends included).
    pub fn exchanges(&self) -> usize {
        self.exchanges
    }

    fn trace(&mut self, direction: Direction, text: String) {
        if let Some(t) = self.tracer.as_mut() {
            t(&TraceEvent { direction, text });
        }
    }

    /// One exchange, no status-word processing.
    fn exchange(&mut self, command: &Command) -> Result<Response> {
        if command.is_extended() && !self.capabilities.extended_length {
            return Err(Error::InvalidArgument(format!(
                "{:?} needs an extended-length APDU, which this reader or card does not support",
                command.ins()
            )));
        }
        let bytes = command.to_bytes()?;
        if self.tracer.is_some() {
            let text = command.trace_text();
            self.trace(Direction::Command, text);
        }
        self.exchanges += 1;
        let raw = self.transport.transmit(&bytes)?;
        let response = Response::parse(&raw)?;
        if self.tracer.is_some() {
            let text = response.trace_text();
            self.trace(Direction::Response, text);
        }
        Ok(response)
    }

    /// Sends a command and returns the complete response: `6Cxx` is answered by resending once
    /// with Le = xx, `61xx` by GET RESPONSE until the card has no more (at most
    /// [`MAX_GET_RESPONSE_ROUNDS`]). Any other status word is returned to the caller.
    pub fn transmit(&mut self, command: &Command) -> Result<Response> {
        if matches!(
            command.ins(),
            Ins::Verify | Ins::ChangeReferenceData | Ins::ResetRetryCounter
        ) {
            self.pin_presented = true;
        }
        let mut response = self.exchange(command)?;
        if let Some(le) = response.sw.correct_le() {
            response = self.exchange(&command.clone().with_le(le))?;
        }
        let mut rounds = 0;
        while let Some(available) = response.sw.bytes_available() {
            rounds += 1;
            if rounds > MAX_GET_RESPONSE_ROUNDS {
                return Err(Error::Malformed {
                    what: "response chaining".into(),
                    detail: format!("still 61xx after {MAX_GET_RESPONSE_ROUNDS} GET RESPONSE"),
                });
            }
            // GET RESPONSE keeps the logical channel of the command, nothing else of its CLA.
            let get = Command::new(Ins::GetResponse, 0, 0)
                .with_cla(command.cla() & 0x03)
                .with_le(available);
            let next = self.exchange(&get)?;
            let mut data = std::mem::take(&mut response.data);
            data.extend_from_slice(&next.data);
            response = Response { data, sw: next.sw };
        }
        Ok(response)
    }

    /// Reads `size` bytes of the current EF from offset 0 with READ BINARY, in chunks of the
    /// largest size the reader takes. Stops early at `6282` (end of file) or `6B00` after the
    /// first chunk (offset beyond a file shorter than announced).
    pub fn read_binary_all(&mut self, size: usize) -> Result<Vec<u8>> {
        let mut chunk = if self.capabilities.extended_length {
            self.capabilities
                .max_response_len
                .saturating_sub(2)
                .clamp(1, EXTENDED_MAX_LE)
        } else {
            self.short_read_chunk
        };
        let mut out = Vec::with_capacity(size.min(EXTENDED_MAX_LE));
        while out.len() < size {
            let offset = out.len();
            if offset > MAX_READ_OFFSET {
                return Err(Error::Malformed {
                    what: "file size".into(),
                    detail: format!("{size} bytes, READ BINARY reaches {MAX_READ_OFFSET}"),
                });
            }
            let want = (size - offset).min(chunk);
            let command =
                Command::new(Ins::ReadBinary, (offset >> 8) as u8, offset as u8).with_le(want);
            let response = self.transmit(&command)?;
            match response.sw {
                StatusWord::SUCCESS => {
                    if response.data.is_empty() {
                        return Err(Error::Malformed {
                            what: "READ BINARY answer".into(),
                            detail: format!("no data at offset {offset}"),
                        });
                    }
                    let take = response.data.len().min(want);
                    out.extend_from_slice(&response.data[..take]);
                }
                StatusWord::END_OF_FILE => {
                    let take = response.data.len().min(want);
                    out.extend_from_slice(&response.data[..take]);
                    break;
                }
                StatusWord::WRONG_P1P2 if offset > 0 => break,
                // The reader or card turned down the extended form (a T=0 card, a short-APDU
                // reader): go on in short chunks rather than fail to read the certificate.
                StatusWord::WRONG_LENGTH if want > SHORT_MAX_LE => {
                    chunk = self.short_read_chunk;
                    self.capabilities.extended_length = false;
                }
                sw => return Err(sw.to_error("READ BINARY")),
            }
        }
        Ok(out)
    }

    /// True when this transaction presented a PIN; it then ends with a card reset.
    pub fn pin_presented(&self) -> bool {
        self.pin_presented
    }

    fn must_reset(&self) -> bool {
        self.reset_on_end || self.pin_presented
    }

    /// Ends the transaction and reports whether that worked.
    pub fn finish(mut self) -> Result<()> {
        self.open = false;
        self.transport.end_transaction(self.must_reset())?;
        Ok(())
    }
}

impl Drop for Channel<'_> {
    fn drop(&mut self) {
        if self.open {
            // An operation failed half-way: release the card; a second failure (the card is
            // gone) has nothing to add to the first.
            let _ = self.transport.end_transaction(self.must_reset());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Script, ScriptedTransport};
    use crate::transport::TransportError;

    #[test]
    fn get_response_loop_concatenates() {
        let mut t = ScriptedTransport::new(
            Script::new()
                .expect("00 CA 01 01 00", "01 02 61 03")
                .expect("00 C0 00 00 03", "03 04 05 61 01")
                .expect("00 C0 00 00 01", "06 90 00"),
        );
        let mut ch = Channel::open(&mut t).unwrap();
        let r = ch
            .transmit(&Command::new(Ins::GetData, 1, 1).with_le(256))
            .unwrap();
        assert_eq!(r.data, vec![1, 2, 3, 4, 5, 6]);
        assert!(r.is_success());
        assert_eq!(ch.exchanges(), 3);
        ch.finish().unwrap();
        t.assert_done();
        assert_eq!(t.transactions(), (1, 1));
    }

    #[test]
    fn wrong_le_is_resent_once() {
        let mut t = ScriptedTransport::new(
            Script::new()
                .expect("00 CA 01 01 00", "6C 04")
                .expect("00 CA 01 01 04", "AA BB CC DD 90 00"),
        );
        let mut ch = Channel::open(&mut t).unwrap();
        let r = ch
            .transmit(&Command::new(Ins::GetData, 1, 1).with_le(256))
            .unwrap();
        assert_eq!(r.data, vec![0xAA, 0xBB, 0xCC, 0xDD]);
        drop(ch);
        t.assert_done();
    }

    #[test]
    fn a_card_that_never_stops_chaining_is_cut_off() {
        let mut script = Script::new().expect("00 CA 01 01 00", "61 01");
        for _ in 0..MAX_GET_RESPONSE_ROUNDS {
            script = script.expect("00 C0 00 00 01", "00 61 01");
        }
        let mut t = ScriptedTransport::new(script);
        let mut ch = Channel::open(&mut t).unwrap();
        let e = ch
            .transmit(&Command::new(Ins::GetData, 1, 1).with_le(256))
            .unwrap_err();
        assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
    }

    #[test]
    fn read_binary_in_short_chunks_and_stops_at_end_of_file() {
        let mut t = ScriptedTransport::new(
            Script::new()
                .expect("00 B0 00 00 04", "01 02 03 04 90 00")
                .expect("00 B0 00 04 04", "05 06 62 82"),
        );
        let mut ch = Channel::open(&mut t).unwrap().with_short_read_chunk(4);
        assert_eq!(ch.read_binary_all(10).unwrap(), vec![1, 2, 3, 4, 5, 6]);
        drop(ch);
        t.assert_done();
    }

    #[test]
    fn read_binary_falls_back_to_short_chunks_when_extended_is_refused() {
        let mut t = ScriptedTransport::new(
            Script::new()
                .expect("00 B0 00 00 00 01 2C", "67 00")
                .expect("00 B0 00 00 C8", &format!("{}90 00", "AB ".repeat(200)))
                .expect("00 B0 00 C8 64", &format!("{}90 00", "AB ".repeat(100))),
        )
        .with_capabilities(Capabilities {
            extended_length: true,
            pin_pad: false,
            max_response_len: 65_538,
        });
        let mut ch = Channel::open(&mut t).unwrap().with_short_read_chunk(200);
        assert_eq!(ch.read_binary_all(300).unwrap(), vec![0xAB; 300]);
        drop(ch);
        t.assert_done();
    }

    #[test]
    fn read_binary_uses_extended_length_when_available() {
        let mut body = "AB ".repeat(600);
        body.push_str("90 00");
        let mut t = ScriptedTransport::new(Script::new().expect("00 B0 00 00 00 02 58", &body))
            .with_capabilities(Capabilities {
                extended_length: true,
                pin_pad: false,
                max_response_len: 65_538,
            });
        let mut ch = Channel::open(&mut t).unwrap();
        assert_eq!(ch.read_binary_all(600).unwrap(), vec![0xAB; 600]);
        drop(ch);
        t.assert_done();
    }

    #[test]
    fn card_removed_surfaces_as_transport_error_and_releases_the_card() {
        let mut t = ScriptedTransport::new(Script::new().removed());
        {
            let mut ch = Channel::open(&mut t).unwrap();
            let e = ch
                .transmit(&Command::new(Ins::GetData, 1, 1).with_le(256))
                .unwrap_err();
            assert_eq!(e, Error::Transport(TransportError::CardRemoved));
        }
        assert_eq!(t.transactions(), (1, 1));
    }

    #[test]
    fn trace_shows_both_directions_and_masks_pins() {
        let mut t =
            ScriptedTransport::new(Script::new().expect("00 20 00 01 04 31 32 33 34", "90 00"));
        let mut lines = Vec::new();
        let mut tracer = |e: &TraceEvent| lines.push(e.to_string());
        let mut ch = Channel::open(&mut t).unwrap().with_tracer(&mut tracer);
        let verify = Command::new(Ins::Verify, 0, 1)
            .with_data(b"1234".to_vec())
            .sensitive();
        ch.transmit(&verify).unwrap();
        drop(ch);
        assert_eq!(lines, vec!["> 00 20 00 01 04 ** ** ** **", "< 90 00"]);
    }

    #[test]
    fn extended_command_without_reader_support_is_refused_before_sending() {
        let mut t = ScriptedTransport::new(Script::new());
        let mut ch = Channel::open(&mut t).unwrap();
        let e = ch
            .transmit(&Command::new(Ins::ReadBinary, 0, 0).with_le(1000))
            .unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)));
        assert_eq!(ch.exchanges(), 0);
    }
}
