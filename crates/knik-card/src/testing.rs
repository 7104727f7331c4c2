//! A scripted transport: expected command bytes in, canned response bytes out.
//!
//! Used by the unit tests of every operation (byte-exact against docs/cards.md) and by the
//! fuzzing entry points, which feed hostile responses to the channel. It never panics: a
//! command that differs from the script is answered with a transport error naming both.

use std::collections::VecDeque;

use crate::transport::{Capabilities, CardTransport, TransportError};

/// What the card does at one step.
#[derive(Clone, Debug)]
enum Step {
    /// Expect exactly these command bytes (or anything when `None`), answer with the response.
    Answer {
        command: Option<Vec<u8>>,
        response: Vec<u8>,
    },
    /// The card disappears.
    Removed,
}

/// A list of steps, built fluently.
#[derive(Clone, Debug, Default)]
pub(crate) struct Script {
    steps: VecDeque<Step>,
}

fn from_hex(s: &str) -> Vec<u8> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(clean).unwrap_or_default()
}

#[cfg_attr(not(test), allow(dead_code))]
impl Script {
    pub(crate) fn new() -> Script {
        Script::default()
    }

    /// Expects `command` (hex, spaces allowed) and answers `response` (hex).
    pub(crate) fn expect(mut self, command: &str, response: &str) -> Script {
        self.steps.push_back(Step::Answer {
            command: Some(from_hex(command)),
            response: from_hex(response),
        });
        self
    }

    /// Answers `response` to whatever comes.
    pub(crate) fn any(mut self, response: Vec<u8>) -> Script {
        self.steps.push_back(Step::Answer {
            command: None,
            response,
        });
        self
    }

    /// The card is removed: the next exchange fails with `CardRemoved`.
    pub(crate) fn removed(mut self) -> Script {
        self.steps.push_back(Step::Removed);
        self
    }
}

/// The transport that plays a [`Script`].
pub(crate) struct ScriptedTransport {
    script: Script,
    atr: Vec<u8>,
    capabilities: Capabilities,
    sent: Vec<Vec<u8>>,
    mismatch: Option<String>,
    begun: usize,
    ended: usize,
    removed: bool,
}

#[cfg_attr(not(test), allow(dead_code))]
impl ScriptedTransport {
    pub(crate) fn new(script: Script) -> ScriptedTransport {
        ScriptedTransport {
            script,
            atr: Vec::new(),
            capabilities: Capabilities::default(),
            sent: Vec::new(),
            mismatch: None,
            begun: 0,
            ended: 0,
            removed: false,
        }
    }

    pub(crate) fn with_atr(mut self, atr: &str) -> ScriptedTransport {
        self.atr = from_hex(atr);
        self
    }

    pub(crate) fn with_capabilities(mut self, c: Capabilities) -> ScriptedTransport {
        self.capabilities = c;
        self
    }

    /// Every command received, in order.
    pub(crate) fn sent(&self) -> &[Vec<u8>] {
        &self.sent
    }

    /// (transactions begun, transactions ended).
    pub(crate) fn transactions(&self) -> (usize, usize) {
        (self.begun, self.ended)
    }

    /// Panics (in a test) unless every step was played and no command differed.
    pub(crate) fn assert_done(&self) {
        assert_eq!(self.mismatch, None, "a command differed from the script");
        assert!(
            self.script.steps.is_empty(),
            "steps not played: {:02X?}",
            self.script.steps
        );
    }

    /// Appends more steps (a second operation on the same card).
    pub(crate) fn push(&mut self, more: Script) {
        self.script.steps.extend(more.steps);
    }
}

impl CardTransport for ScriptedTransport {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.sent.push(command.to_vec());
        if self.removed {
            return Err(TransportError::CardRemoved);
        }
        match self.script.steps.pop_front() {
            Some(Step::Answer {
                command: expected,
                response,
            }) => match expected {
                Some(e) if e != command => {
                    let msg = format!(
                        "expected {}, got {}",
                        hex::encode_upper(&e),
                        hex::encode_upper(command)
                    );
                    self.mismatch.get_or_insert(msg.clone());
                    Err(TransportError::Other(msg))
                }
                _ => Ok(response),
            },
            Some(Step::Removed) => {
                self.removed = true;
                Err(TransportError::CardRemoved)
            }
            None => {
                let msg = format!("unscripted command {}", hex::encode_upper(command));
                self.mismatch.get_or_insert(msg.clone());
                Err(TransportError::Other(msg))
            }
        }
    }

    fn begin_transaction(&mut self) -> Result<(), TransportError> {
        self.begun += 1;
        Ok(())
    }

    fn end_transaction(&mut self, _reset: bool) -> Result<(), TransportError> {
        self.ended += 1;
        if self.removed {
            Err(TransportError::CardRemoved)
        } else {
            Ok(())
        }
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }
}
