//! One conversation with the browser, as Web eID's host holds it (reference/web-eid.md
//! §1.1–§1.5): write `{"version": "<semver>"}`, read one frame, answer it once, end.
//!
//! Every failure after the handshake becomes one `{"error": {"code", "message"}}` answer: a
//! frame too long (> 8 KiB, refused from its length prefix), too short, truncated, not UTF-8 or
//! not JSON; an unknown command or argument; a bad origin or nonce; a card failure; even a
//! panic in the host. Then the session ends and the process exits normally. Only when the
//! browser closed the pipe before sending anything, or the pipe back to it is gone, is there
//! nobody to answer.
//!
//! The answer says what failed in a fixed sentence ([`HostError::message`]); the details —
//! paths, reader names, panic text — go to the log only. What the page sent reaches the log
//! escaped and cut ([`crate::log::untrusted`]).

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use knik_webeid::native_messaging::{
    AuthenticateArguments, Command, ErrorCode, FrameReader, FrameWriter,
    GetSigningCertificateArguments, Handshake, MAX_OUTBOUND_FRAME, Response, SignArguments,
    SignResponse, SigningCertificateResponse,
};
use knik_webeid::origin::OriginPolicy;
use knik_webeid::token::AuthToken;

use crate::error::HostError;
use crate::log::{Log, UNTRUSTED_CHARS, untrusted};
use crate::timing::Timing;

/// The commands that need a card.
pub trait Operations {
    /// `authenticate`.
    fn authenticate(&mut self, args: &AuthenticateArguments) -> Result<AuthToken, HostError>;
    /// `get-signing-certificate`.
    fn signing_certificate(
        &mut self,
        args: &GetSigningCertificateArguments,
    ) -> Result<SigningCertificateResponse, HostError>;
    /// `sign`.
    fn sign(&mut self, args: &SignArguments) -> Result<SignResponse, HostError>;
    /// Where the last command's time went, when the implementation measures it.
    fn timing(&self) -> Option<Timing> {
        None
    }
}

/// What a session announces and accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    /// The handshake's and `status`'s version.
    pub version: String,
    /// Which origins are accepted.
    pub origin_policy: OriginPolicy,
}

/// How a session ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// One answer was written: for the named command (None when the frame was not a command),
    /// with the error code when it was an error.
    Answered {
        /// The command answered.
        command: Option<&'static str>,
        /// The error code, if the answer is an error.
        error: Option<ErrorCode>,
    },
    /// The browser closed the pipe before sending a command.
    Closed,
    /// Writing to the browser failed; nothing more can be said to it.
    OutputFailed(String),
}

/// Runs one session on `input` / `output` (the process's stdin / stdout).
pub fn run<R: Read, W: Write>(
    input: R,
    output: W,
    ops: &mut dyn Operations,
    config: &SessionConfig,
    log: &Log,
) -> Outcome {
    let mut writer = FrameWriter::new(output);
    let handshake = Response::Status(Handshake::new(config.version.as_str())).to_json();
    if let Err(e) = writer.write_frame(&handshake) {
        log.line(format!("cannot write the handshake: {e}"));
        return Outcome::OutputFailed(e.to_string());
    }
    let mut reader = FrameReader::new(input);
    let frame = match reader.read_frame() {
        Ok(frame) => frame,
        Err(knik_webeid::Error::EndOfStream) => {
            log.line("the browser closed the connection without a command");
            return Outcome::Closed;
        }
        Err(e) => {
            log.line(format!("refused message: {}", request_details(&e)));
            return answer(&mut writer, None, Err(HostError::Request(e)), log);
        }
    };
    let started = Instant::now();
    let command = match Command::from_json(&frame, config.origin_policy) {
        Ok(command) => command,
        Err(e) => {
            log.line(format!("refused command: {}", request_details(&e)));
            return answer(&mut writer, None, Err(HostError::Request(e)), log);
        }
    };
    let name = command.name();
    log.line(describe(&command));
    let result = catch_unwind(AssertUnwindSafe(|| dispatch(&command, ops, config)))
        .unwrap_or_else(|panic| Err(HostError::Internal(panic_text(&*panic))));
    let outcome = answer(&mut writer, Some(name), result, log);
    if let Some(timing) = ops.timing().filter(|_| is_card_command(&command)) {
        log.line(timing.log_line(name, started.elapsed()));
    }
    outcome
}

fn dispatch(
    command: &Command,
    ops: &mut dyn Operations,
    config: &SessionConfig,
) -> Result<Response, HostError> {
    Ok(match command {
        Command::Authenticate(a) => Response::Authenticate(ops.authenticate(a)?),
        Command::GetSigningCertificate(a) => {
            Response::SigningCertificate(ops.signing_certificate(a)?)
        }
        Command::Sign(a) => Response::Sign(ops.sign(a)?),
        Command::Status => Response::Status(Handshake::new(config.version.as_str())),
        Command::Quit => Response::Quit,
        other => {
            return Err(HostError::Internal(format!(
                "command `{}` has no handler",
                other.name()
            )));
        }
    })
}

fn is_card_command(command: &Command) -> bool {
    matches!(
        command,
        Command::Authenticate(_) | Command::GetSigningCertificate(_) | Command::Sign(_)
    )
}

/// Writes the one answer and says how the session ended.
fn answer<W: Write>(
    writer: &mut FrameWriter<W>,
    command: Option<&'static str>,
    result: Result<Response, HostError>,
    log: &Log,
) -> Outcome {
    let mut result = result.and_then(|response| {
        let json = response.to_json();
        if json.len() > MAX_OUTBOUND_FRAME {
            Err(HostError::AnswerTooLarge { length: json.len() })
        } else {
            Ok(json)
        }
    });
    let error = result.as_ref().err().map(HostError::code);
    if let Err(e) = &result {
        log.line(format!(
            "answer {}: {} ({})",
            command.unwrap_or("-"),
            e.code(),
            details(e)
        ));
        result = Ok(Response::Error(e.response()).to_json());
    } else {
        log.line(format!("answer {}: ok", command.unwrap_or("-")));
    }
    let json = result.unwrap_or_default();
    match writer.write_frame(&json) {
        Ok(()) => Outcome::Answered { command, error },
        Err(e) => {
            log.line(format!("cannot write the answer: {e}"));
            Outcome::OutputFailed(e.to_string())
        }
    }
}

/// What the log says about a failure: everything, but the origin the page sent escaped and
/// cut (knik-webeid already escapes and cuts the command and argument names it quotes).
fn details(e: &HostError) -> String {
    match e {
        HostError::Request(e) => request_details(e),
        other => other.to_string(),
    }
}

fn request_details(e: &knik_webeid::Error) -> String {
    match e {
        knik_webeid::Error::InvalidOrigin { origin, problem } => format!(
            "invalid origin \"{}\": {problem}",
            untrusted(origin, UNTRUSTED_CHARS)
        ),
        other => other.to_string(),
    }
}

/// The log line for a command: its name, origin (escaped and cut, although it was checked)
/// and language; never the nonce or a certificate.
fn describe(command: &Command) -> String {
    match command {
        Command::Authenticate(a) => format!(
            "authenticate for {} (lang {})",
            untrusted(a.origin.as_str(), UNTRUSTED_CHARS),
            a.lang.as_deref().unwrap_or("-")
        ),
        Command::GetSigningCertificate(a) => format!(
            "get-signing-certificate for {} (lang {})",
            untrusted(a.origin.as_str(), UNTRUSTED_CHARS),
            a.lang.as_deref().unwrap_or("-")
        ),
        Command::Sign(a) => format!(
            "sign a {} digest for {} (lang {})",
            a.hash_function,
            untrusted(a.origin.as_str(), UNTRUSTED_CHARS),
            a.lang.as_deref().unwrap_or("-")
        ),
        other => other.name().to_owned(),
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}
