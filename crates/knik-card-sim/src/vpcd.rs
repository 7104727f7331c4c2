//! The card side of vsmartcard's vpcd protocol (shared/reference/test-infra.md §1.5).
//!
//! vpcd, inside pcscd, listens on TCP 35963 (reader "Virtual PCD 00 00") and 35964 ("… 00 01");
//! the card connects. Every message either way is a 2-byte big-endian length and a payload. From
//! vpcd: one byte `00` power off, `01` power on, `02` reset (no reply), `04` get ATR (reply: the
//! ATR); anything longer is a command APDU (reply: the response APDU). Closing the socket is
//! pulling the card out.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Result, SimError};
use crate::faults::Faults;
use crate::serve::{Served, SharedCard, lock, serve};
use crate::trace::ApduLog;

/// vpcd's port for reader slot 0 ("Virtual PCD 00 00"); slot 1 is the next port.
pub const VPCD_PORT: u16 = 35963;

/// Why the card left the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VpcdEnd {
    /// vpcd closed the connection (pcscd stopped), or the socket was shut down from outside.
    Closed,
    /// A fault switch pulled the card out.
    Removed,
}

/// Connects the card to vpcd at `addr` (e.g. `127.0.0.1:35963`) and serves it until vpcd closes
/// the connection or a fault removes the card.
pub fn run_vpcd(addr: &str, card: &SharedCard, faults: &Faults, log: ApduLog) -> Result<VpcdEnd> {
    let stream = connect(addr)?;
    serve_connection(stream, card, faults, log, &AtomicU64::new(0))
}

/// Opens the TCP connection to vpcd.
pub fn connect(addr: &str) -> Result<TcpStream> {
    let stream = TcpStream::connect(addr).map_err(|e| SimError::VpcdConnect {
        addr: addr.to_string(),
        detail: e.to_string(),
    })?;
    // One small message each way per APDU: Nagle would add 40 ms to each.
    stream
        .set_nodelay(true)
        .map_err(|e| SimError::Vpcd(e.to_string()))?;
    Ok(stream)
}

/// Serves the card on an open connection; counts vpcd's ATR requests (pcscd's presence poll) in
/// `atr_requests`.
pub fn serve_connection(
    mut stream: TcpStream,
    card: &SharedCard,
    faults: &Faults,
    log: ApduLog,
    atr_requests: &AtomicU64,
) -> Result<VpcdEnd> {
    loop {
        let Some(message) = read_frame(&mut stream)? else {
            lock(card).reset();
            log.event("vpcd closed the connection");
            return Ok(VpcdEnd::Closed);
        };
        let reply = match message.as_slice() {
            [0x00] => {
                lock(card).reset();
                log.event("power off");
                None
            }
            [0x01] => {
                lock(card).reset();
                log.event("power on");
                None
            }
            [0x02] => {
                lock(card).reset();
                log.event("reset");
                None
            }
            [0x04] => {
                atr_requests.fetch_add(1, Ordering::Relaxed);
                Some(lock(card).atr().to_vec())
            }
            [other] => {
                log.event(&format!("unknown vpcd control byte {other:02X}, ignored"));
                None
            }
            command => match serve(card, faults, command) {
                Served::Answer(response, note) => {
                    log.exchange(command, Some(&response), note);
                    Some(response)
                }
                Served::Removed => {
                    log.exchange(command, None, "(fault: card removed)");
                    // Closing is the removal; an error here means it is closed already.
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                    return Ok(VpcdEnd::Removed);
                }
            },
        };
        if let Some(reply) = reply
            && write_frame(&mut stream, &reply).is_err()
        {
            lock(card).reset();
            log.event("vpcd closed the connection");
            return Ok(VpcdEnd::Closed);
        }
    }
}

/// Acknowledges received segments at once. vpcd writes the 2-byte length and the payload in
/// two `send` calls without TCP_NODELAY, so Nagle's algorithm holds the payload until the length
/// is acknowledged; a delayed ACK (40 ms on Linux) then slows every APDU. The kernel clears the
/// flag after use, so it is set again before every read.
#[cfg(target_os = "linux")]
fn ack_at_once(stream: &TcpStream) {
    // Best effort: without it the card is only slower.
    use std::os::linux::net::TcpStreamExt;
    let _ = stream.set_quickack(true);
}

#[cfg(not(target_os = "linux"))]
fn ack_at_once(_stream: &TcpStream) {}

/// One length-prefixed message; `None` when the peer closed the connection between messages.
fn read_frame(stream: &mut TcpStream) -> Result<Option<Vec<u8>>> {
    ack_at_once(stream);
    let mut len = [0u8; 2];
    if let Err(e) = stream.read_exact(&mut len) {
        return match e.kind() {
            ErrorKind::UnexpectedEof
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::NotConnected
            | ErrorKind::BrokenPipe => Ok(None),
            _ => Err(SimError::Vpcd(e.to_string())),
        };
    }
    let mut message = vec![0u8; usize::from(u16::from_be_bytes(len))];
    ack_at_once(stream);
    match stream.read_exact(&mut message) {
        Ok(()) => Ok(Some(message)),
        // A connection cut in the middle of a message is a closed reader too.
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(SimError::Vpcd(e.to_string())),
    }
}

fn write_frame(stream: &mut TcpStream, payload: &[u8]) -> std::io::Result<()> {
    let len = u16::try_from(payload.len())
        .map_err(|_| std::io::Error::new(ErrorKind::InvalidData, "message over 65535 bytes"))?;
    let mut out = Vec::with_capacity(payload.len() + 2);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    stream.write_all(&out)
}
