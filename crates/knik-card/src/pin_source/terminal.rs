//! A PIN typed on the controlling terminal (`/dev/tty`), without echo.
//!
//! The prompt is the request's sentence. A new PIN is asked twice and must match. Ctrl-D,
//! Ctrl-C or an empty line cancel. Reading `/dev/tty` rather than standard input keeps working
//! when standard input carries data (`knik sign < file`).

use super::{PinRequest, PinSource};
use crate::error::{Error, Result};
use crate::pin::Pin;

/// Reads one line without echo; `Ok(None)` when the user ended the input (Ctrl-D, Ctrl-C).
trait Prompter: Send {
    fn ask(&mut self, prompt: &str) -> std::io::Result<Option<String>>;
}

/// The real terminal, through rpassword (which opens `/dev/tty` and turns echo off).
struct Tty;

impl Prompter for Tty {
    fn ask(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        match rpassword::prompt_password(prompt) {
            Ok(s) => Ok(Some(s)),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::Interrupted
                ) =>
            {
                // Leave the cursor on a fresh line: the prompt got no Enter.
                if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                    let _ = std::io::Write::write_all(&mut tty, b"\n");
                }
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// Prompts on the terminal.
pub struct TerminalPinSource {
    prompter: Box<dyn Prompter>,
}

impl TerminalPinSource {
    /// Prompts on the process's controlling terminal.
    pub fn new() -> TerminalPinSource {
        TerminalPinSource {
            prompter: Box::new(Tty),
        }
    }

    fn ask(&mut self, request: &PinRequest<'_>, sentence: &str) -> Result<Pin> {
        let answer = self.prompter.ask(&format!("{sentence}: ")).map_err(|e| {
            Error::PinSourceUnavailable {
                kind: request.secret_kind(),
                reason: format!("no terminal to ask on ({})", e.kind()),
            }
        })?;
        match answer {
            Some(s) if !s.is_empty() => Ok(Pin::new(s)),
            Some(s) => {
                drop(Pin::new(s));
                Err(Error::PinEntryCancelled)
            }
            None => Err(Error::PinEntryCancelled),
        }
    }
}

impl Default for TerminalPinSource {
    fn default() -> Self {
        TerminalPinSource::new()
    }
}

impl std::fmt::Debug for TerminalPinSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TerminalPinSource")
    }
}

impl PinSource for TerminalPinSource {
    fn pin(&mut self, request: &PinRequest<'_>) -> Result<Pin> {
        let first = self.ask(request, &request.sentence())?;
        if request.is_new() {
            let second = self.ask(request, &request.confirm_sentence())?;
            if first != second {
                return Err(Error::PinNotAccepted {
                    kind: request.secret_kind(),
                    reason: "the two entries differ".to_string(),
                });
            }
        }
        Ok(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::PinKind;
    use crate::pin_source::PinPurpose;
    use std::sync::{Arc, Mutex};

    /// Answers from a script and records the prompts shown.
    struct Script {
        answers: Vec<Option<&'static str>>,
        prompts: Arc<Mutex<Vec<String>>>,
    }

    impl Prompter for Script {
        fn ask(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
            self.prompts.lock().unwrap().push(prompt.to_string());
            if self.answers.is_empty() {
                return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no tty"));
            }
            Ok(self.answers.remove(0).map(str::to_string))
        }
    }

    fn scripted(answers: &[Option<&'static str>]) -> (TerminalPinSource, Arc<Mutex<Vec<String>>>) {
        let prompts = Arc::new(Mutex::new(Vec::new()));
        let script = Script {
            answers: answers.to_vec(),
            prompts: prompts.clone(),
        };
        (
            TerminalPinSource {
                prompter: Box::new(script),
            },
            prompts,
        )
    }

    #[test]
    fn prompt_is_the_request_sentence() {
        let (mut src, prompts) = scripted(&[Some("12345")]);
        let req = PinRequest::new(PinKind::Pin2, PinPurpose::Sign, "PETROSYAN ANI").retries(2, 3);
        assert_eq!(src.pin(&req).unwrap().expose(), b"12345");
        assert_eq!(
            prompts.lock().unwrap().as_slice(),
            ["Enter PIN2 to sign as PETROSYAN ANI (2 tries left): "]
        );
    }

    #[test]
    fn new_pin_is_asked_twice_and_must_match() {
        let req = PinRequest::new(PinKind::Pin1, PinPurpose::ChangeNew, "X").lengths(4, 12);
        let (mut ok, prompts) = scripted(&[Some("4321"), Some("4321")]);
        assert_eq!(ok.pin(&req).unwrap().expose(), b"4321");
        assert_eq!(prompts.lock().unwrap()[1], "Enter the new PIN1 again: ");

        let (mut bad, _) = scripted(&[Some("4321"), Some("4322")]);
        let err = bad.pin(&req).unwrap_err();
        assert_eq!(
            err,
            Error::PinNotAccepted {
                kind: PinKind::Pin1,
                reason: "the two entries differ".into()
            }
        );
        assert!(!format!("{err} {err:?}").contains("432"));
    }

    #[test]
    fn ctrl_d_or_empty_cancels_and_no_terminal_is_unavailable() {
        let req = PinRequest::new(PinKind::Pin1, PinPurpose::Authenticate, "X");
        assert_eq!(scripted(&[None]).0.pin(&req), Err(Error::PinEntryCancelled));
        assert_eq!(
            scripted(&[Some("")]).0.pin(&req),
            Err(Error::PinEntryCancelled)
        );
        assert!(matches!(
            scripted(&[]).0.pin(&req),
            Err(Error::PinSourceUnavailable {
                kind: PinKind::Pin1,
                ..
            })
        ));
    }
}
