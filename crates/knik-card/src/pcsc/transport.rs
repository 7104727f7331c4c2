//! [`PcscTransport`]: one PC/SC card connection as a [`CardTransport`].
//!
//! The `pcsc` crate models a transaction as a guard that borrows the card, while
//! [`CardTransport`] begins and ends transactions in separate calls. Rather than unsafe
//! self-references, the connection lives on a small worker thread: it holds the guard for as
//! long as the transaction lasts and serves requests sent over a channel. The channel costs a
//! few microseconds per APDU; pcscd's own round trip is far larger.
//!
//! Extended length: vpcd and CCID readers (T=1) pass extended APDUs end to end, so the
//! transport reports them as available; `KNIK_SHORT_APDU=1` turns them off for a reader that
//! does not. When a card or reader answers an extended READ BINARY with `6700`, the channel
//! goes on in the profile's short chunks (`crate::channel`).

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pcsc::{Card, Context, Disposition, Protocols, ShareMode, Transaction};
use zeroize::Zeroizing;

use super::{errors, features, short_apdus_forced};
use crate::error::Result;
use crate::transport::{Capabilities, CardTransport, TransportError};

/// Receive buffer: the largest extended response (65536 data bytes) plus SW1 SW2.
const RECEIVE_LEN: usize = 65536 + 2;
/// Receive buffer when only short APDUs are used: 256 data bytes plus SW1 SW2.
const SHORT_RECEIVE_LEN: usize = 256 + 2;

/// What the worker is asked to do.
enum Request {
    /// One APDU; zeroizing because VERIFY and CHANGE REFERENCE DATA carry PINs.
    Transmit(Zeroizing<Vec<u8>>),
    Begin,
    End {
        reset: bool,
    },
}

type Reply = std::result::Result<Vec<u8>, pcsc::Error>;

/// A connection to the card in one PC/SC reader.
pub struct PcscTransport {
    requests: Option<Sender<Request>>,
    replies: Receiver<Reply>,
    worker: Option<JoinHandle<()>>,
    reader: String,
    atr: Vec<u8>,
    capabilities: Capabilities,
}

impl std::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscTransport")
            .field("reader", &self.reader)
            .field("atr", &hex::encode_upper(&self.atr))
            .field("capabilities", &self.capabilities)
            .finish()
    }
}

impl PcscTransport {
    pub(crate) fn connect(ctx: &Context, reader: &str) -> Result<PcscTransport> {
        let name = std::ffi::CString::new(reader)
            .map_err(|_| crate::error::Error::ReaderNotFound(reader.to_string()))?;
        let card = ctx
            .connect(&name, ShareMode::Shared, Protocols::T0 | Protocols::T1)
            .map_err(|e| errors::connect(e, reader))?;
        let atr = card
            .status2_owned()
            .map_err(|e| errors::connect(e, reader))?
            .atr()
            .to_vec();
        let extended_length = !short_apdus_forced();
        let capabilities = Capabilities {
            extended_length,
            pin_pad: features::has_pin_pad(&card),
            max_response_len: if extended_length {
                RECEIVE_LEN
            } else {
                SHORT_RECEIVE_LEN
            },
        };
        let (request_tx, request_rx) = channel();
        let (reply_tx, reply_rx) = channel();
        let worker = std::thread::Builder::new()
            .name("knik-pcsc".to_string())
            .spawn(move || serve(card, request_rx, reply_tx))
            .map_err(|e| crate::error::Error::Pcsc(format!("cannot start a thread: {e}")))?;
        Ok(PcscTransport {
            requests: Some(request_tx),
            replies: reply_rx,
            worker: Some(worker),
            reader: reader.to_string(),
            atr,
            capabilities,
        })
    }

    fn call(&mut self, request: Request) -> std::result::Result<Vec<u8>, TransportError> {
        let gone = || TransportError::Other("the PC/SC connection has ended".to_string());
        self.requests
            .as_ref()
            .ok_or_else(gone)?
            .send(request)
            .map_err(|_| gone())?;
        self.replies
            .recv()
            .map_err(|_| gone())?
            .map_err(errors::transport)
    }
}

impl CardTransport for PcscTransport {
    fn transmit(&mut self, command: &[u8]) -> std::result::Result<Vec<u8>, TransportError> {
        self.call(Request::Transmit(Zeroizing::new(command.to_vec())))
    }

    /// `SCardBeginTransaction`; when another application reset the card since our last
    /// operation, reconnects once and begins again (the operation starts from scratch anyway).
    fn begin_transaction(&mut self) -> std::result::Result<(), TransportError> {
        self.call(Request::Begin).map(drop)
    }

    /// `SCardEndTransaction` with `SCARD_LEAVE_CARD`, or `SCARD_RESET_CARD` when `reset`.
    fn end_transaction(&mut self, reset: bool) -> std::result::Result<(), TransportError> {
        self.call(Request::End { reset }).map(drop)
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    fn reader_name(&self) -> Option<&str> {
        Some(&self.reader)
    }
}

impl Drop for PcscTransport {
    fn drop(&mut self) {
        // Closing the channel ends the worker, which ends any open transaction and disconnects.
        self.requests = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// The worker: owns the card until the transport is dropped.
fn serve(mut card: Card, requests: Receiver<Request>, replies: Sender<Reply>) {
    let mut buf = Zeroizing::new(vec![0u8; RECEIVE_LEN]);
    while let Ok(request) = requests.recv() {
        let reply = match request {
            Request::Transmit(command) => transmit(&card, &command, &mut buf),
            // Ending when no transaction is open is harmless (a failed begin, then the
            // channel's cleanup).
            Request::End { .. } => Ok(Vec::new()),
            Request::Begin => {
                let tx = match open_transaction(&mut card) {
                    Ok(tx) => tx,
                    Err(e) => {
                        let _ = replies.send(Err(e));
                        continue;
                    }
                };
                let alive = replies.send(Ok(Vec::new())).is_ok()
                    && serve_transaction(tx, &requests, &replies, &mut buf);
                if !alive {
                    break;
                }
                continue;
            }
        };
        if replies.send(reply).is_err() {
            break;
        }
    }
    let _ = card.disconnect(Disposition::LeaveCard);
}

/// `SCardBeginTransaction`, reconnecting once when another application reset the card since
/// our last operation (the operation about to start begins from scratch anyway).
fn open_transaction(card: &mut Card) -> std::result::Result<Transaction<'_>, pcsc::Error> {
    match card.transaction2() {
        Ok(tx) => Ok(tx),
        Err((card, pcsc::Error::ResetCard)) => {
            card.reconnect(
                ShareMode::Shared,
                Protocols::T0 | Protocols::T1,
                Disposition::LeaveCard,
            )?;
            card.transaction()
        }
        Err((_, e)) => Err(e),
    }
}

/// Serves requests inside one transaction; false when the transport is gone.
fn serve_transaction(
    tx: Transaction<'_>,
    requests: &Receiver<Request>,
    replies: &Sender<Reply>,
    buf: &mut [u8],
) -> bool {
    loop {
        let Ok(request) = requests.recv() else {
            // Dropping the guard ends the transaction (LEAVE_CARD).
            return false;
        };
        let reply = match request {
            Request::Transmit(command) => transmit(&tx, &command, buf),
            // Already inside one: transactions do not nest here.
            Request::Begin => Ok(Vec::new()),
            Request::End { reset } => {
                let disposition = if reset {
                    Disposition::ResetCard
                } else {
                    Disposition::LeaveCard
                };
                let r = tx.end(disposition).map(|()| Vec::new()).map_err(|(_, e)| e);
                return replies.send(r).is_ok();
            }
        };
        if replies.send(reply).is_err() {
            return false;
        }
    }
}

/// How long to wait for pcscd to notice a card that stopped answering.
const REMOVAL_GRACE: Duration = Duration::from_secs(2);

fn transmit(card: &Card, command: &[u8], buf: &mut [u8]) -> Reply {
    let response = card.transmit(command, buf)?;
    if response.len() >= 2 {
        return Ok(response.to_vec());
    }
    // Every response has SW1 SW2. vpcd answers "nothing" when the card's connection dropped,
    // before pcscd's presence poll has seen the card go; a real reader may do the same for a
    // card pulled out mid-command. Ask pcscd until it knows, briefly.
    let deadline = Instant::now() + REMOVAL_GRACE;
    loop {
        match card.status2_owned() {
            Err(e) => return Err(e),
            Ok(status) if !status.status().contains(pcsc::Status::PRESENT) => {
                return Err(pcsc::Error::RemovedCard);
            }
            Ok(_) if Instant::now() >= deadline => return Err(pcsc::Error::UnresponsiveCard),
            Ok(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}
