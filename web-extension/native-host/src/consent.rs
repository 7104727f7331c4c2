//! The citizen's consent before the signing certificate leaves the card.
//!
//! The certificate carries the holder's name and personal number, and `get-signing-certificate`
//! needs no PIN: without a question any page could read who sits at the computer. Web eID asks
//! with a Confirm button (reference/web-eid.md §1.8, "the click is the user's consent"); this
//! host asks through the same trusted pinentry program as for PINs, with its `CONFIRM` command
//! (GnuPG's Assuan protocol: `SETTITLE`, `SETDESC`, `SETOK`, `SETCANCEL`, `CONFIRM` → `OK` or
//! `ERR 83886179 Operation cancelled`).

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::HostError;

/// Longest Assuan line, LF included.
const MAX_LINE: usize = 1000;
/// How long a pinentry may take to exit after `BYE`.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// What the dialog says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsentRequest<'a> {
    /// Window title.
    pub title: &'a str,
    /// The question, naming the site and what it will receive.
    pub description: &'a str,
    /// Label of the button that agrees.
    pub ok: &'a str,
    /// Label of the button that refuses.
    pub cancel: &'a str,
}

/// Something that can ask the citizen a yes/no question.
pub trait Consent {
    /// `Ok(())` when the citizen agreed; [`HostError::ConsentRefused`] when not;
    /// [`HostError::DialogUnavailable`] when no dialog could be shown.
    fn confirm(&mut self, request: &ConsentRequest<'_>) -> Result<(), HostError>;
}

/// Asks with a pinentry program.
#[derive(Clone, Debug)]
pub struct PinentryConsent {
    program: PathBuf,
    args: Vec<OsString>,
    timeout: Option<Duration>,
}

impl PinentryConsent {
    /// Uses `program` (the one the PIN dialog uses: `PinentrySource::program`).
    pub fn new(program: impl Into<PathBuf>) -> Self {
        PinentryConsent {
            program: program.into(),
            args: Vec::new(),
            timeout: None,
        }
    }

    /// Adds a command-line argument for the program.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Closes the dialog as a refusal when nobody answers in time.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The program run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    fn unavailable(&self, why: impl std::fmt::Display) -> HostError {
        HostError::DialogUnavailable {
            reason: format!("pinentry {}: {why}", self.program.display()),
        }
    }
}

impl Consent for PinentryConsent {
    fn confirm(&mut self, request: &ConsentRequest<'_>) -> Result<(), HostError> {
        let mut session = Session::spawn(&self.program, &self.args)
            .map_err(|e| self.unavailable(format!("cannot start it: {e}")))?;
        let result = converse(&mut session, request, self.timeout);
        session.bye();
        match result {
            Ok(()) => Ok(()),
            Err(Failure::Cancelled) => Err(HostError::ConsentRefused),
            Err(Failure::Refused(code, text)) => {
                Err(self.unavailable(format!("error {code} {text}")))
            }
            Err(Failure::Broken(why)) => Err(self.unavailable(why)),
        }
    }
}

fn converse(
    session: &mut Session,
    request: &ConsentRequest<'_>,
    timeout: Option<Duration>,
) -> Result<(), Failure> {
    session.read_answer()?; // the greeting
    for option in options() {
        // Options a pinentry does not know are answered with ERR; that is not fatal.
        match session.transact(&option) {
            Ok(()) | Err(Failure::Refused(..)) => {}
            Err(f) => return Err(f),
        }
    }
    session.transact(&command_line("SETTITLE", request.title))?;
    session.transact(&command_line("SETDESC", request.description))?;
    session.transact(&command_line("SETOK", request.ok))?;
    session.transact(&command_line("SETCANCEL", request.cancel))?;
    if let Some(t) = timeout {
        session.transact(&format!("SETTIMEOUT {}", t.as_secs().max(1)))?;
    }
    session.transact("CONFIRM")
}

/// The character set, and the terminal when `GPG_TTY` names one (a browser starts the host
/// without a terminal; pinentry-curses needs to be told where to draw).
fn options() -> Vec<String> {
    let mut options = Vec::new();
    if let Some(tty) = std::env::var("GPG_TTY").ok().filter(|t| !t.is_empty()) {
        options.push(format!("OPTION ttyname={tty}"));
        if let Ok(term) = std::env::var("TERM") {
            options.push(format!("OPTION ttytype={term}"));
        }
    }
    if let Some(ctype) = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
    {
        options.push(format!("OPTION lc-ctype={ctype}"));
    }
    options
}

/// `COMMAND argument` with `%`, CR and LF escaped, cut (on a character boundary) to one
/// Assuan line.
fn command_line(command: &str, argument: &str) -> String {
    let mut line = format!("{command} ");
    for c in argument.chars() {
        let piece = match c {
            '%' => "%25".to_owned(),
            '\r' => "%0D".to_owned(),
            '\n' => "%0A".to_owned(),
            c => c.to_string(),
        };
        if line.len() + piece.len() >= MAX_LINE {
            break;
        }
        line.push_str(&piece);
    }
    line
}

/// The gpg-error codes (low 16 bits) that mean the dialog was cancelled, closed or timed out.
fn is_cancel(code: u32) -> bool {
    matches!(code & 0xFFFF, 99 | 198 | 62)
}

enum Failure {
    Cancelled,
    Refused(u32, String),
    Broken(String),
}

struct Session {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Session {
    fn spawn(program: &Path, args: &[OsString]) -> std::io::Result<Session> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("no pipes to the child"));
        };
        Ok(Session {
            child,
            input: Some(input),
            output: BufReader::new(output),
        })
    }

    fn transact(&mut self, command: &str) -> Result<(), Failure> {
        let input = self
            .input
            .as_mut()
            .ok_or_else(|| Failure::Broken("closed".into()))?;
        let verb = command.split(' ').next().unwrap_or("");
        writeln!(input, "{command}")
            .and_then(|()| input.flush())
            .map_err(|e| Failure::Broken(format!("writing {verb}: {e}")))?;
        self.read_answer()
    }

    fn read_answer(&mut self) -> Result<(), Failure> {
        let mut line = String::new();
        loop {
            line.clear();
            let n = self
                .output
                .read_line(&mut line)
                .map_err(|e| Failure::Broken(format!("reading: {e}")))?;
            if n == 0 {
                return Err(Failure::Broken("it ended without answering".into()));
            }
            let line = line.trim_end_matches(['\n', '\r']);
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            match word {
                "OK" => return Ok(()),
                "ERR" => {
                    let (code, text) = rest.split_once(' ').unwrap_or((rest, ""));
                    let code = code.parse().unwrap_or(0);
                    return Err(if is_cancel(code) {
                        Failure::Cancelled
                    } else {
                        Failure::Refused(code, text.to_owned())
                    });
                }
                "INQUIRE" => {
                    if let Some(input) = self.input.as_mut() {
                        let _ = input.write_all(b"CAN\n").and_then(|()| input.flush());
                    }
                }
                // Status, data and comment lines carry nothing a confirmation needs.
                _ => {}
            }
        }
    }

    fn bye(&mut self) {
        if self.input.is_some() {
            let _ = self.transact("BYE");
        }
        self.input = None;
        let deadline = Instant::now() + EXIT_GRACE;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return;
                }
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.input.is_some() {
            self.bye();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pinentry written as a shell script: logs the commands, answers CONFIRM with `answer`.
    fn fake(dir: &Path, answer: &str) -> (PinentryConsent, PathBuf) {
        let log = dir.join("log");
        let script = dir.join("pinentry.sh");
        std::fs::write(
            &script,
            format!(
                "echo 'OK hello'\nwhile IFS= read -r l; do printf '%s\\n' \"$l\" >> '{}'\n\
                 case \"$l\" in CONFIRM) echo '# thinking'; echo '{answer}';;\n\
                 BYE) echo OK; exit 0;; *) echo OK;; esac; done\n",
                log.display()
            ),
        )
        .expect("script");
        (PinentryConsent::new("sh").arg(script), log)
    }

    const REQUEST: ConsentRequest<'static> = ConsentRequest {
        title: "Signing certificate",
        description: "example.am asks for\nthe certificate (100%)",
        ok: "Allow",
        cancel: "Cancel",
    };

    #[test]
    fn ok_is_consent_and_the_dialog_names_the_site() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (consent, log) = fake(dir.path(), "OK");
        consent
            .timeout(Duration::from_secs(120))
            .confirm(&REQUEST)
            .expect("agreed");
        let commands: Vec<String> = std::fs::read_to_string(log)
            .expect("log")
            .lines()
            .filter(|l| !l.starts_with("OPTION "))
            .map(str::to_owned)
            .collect();
        assert_eq!(
            commands,
            [
                "SETTITLE Signing certificate",
                "SETDESC example.am asks for%0Athe certificate (100%25)",
                "SETOK Allow",
                "SETCANCEL Cancel",
                "SETTIMEOUT 120",
                "CONFIRM",
                "BYE"
            ]
        );
    }

    #[test]
    fn cancel_is_a_refusal_and_other_errors_are_unavailable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (mut consent, _) = fake(dir.path(), "ERR 83886179 Operation cancelled <Pinentry>");
        assert_eq!(consent.confirm(&REQUEST), Err(HostError::ConsentRefused));
        let (mut consent, _) = fake(dir.path(), "ERR 83886081 General error");
        assert!(matches!(
            consent.confirm(&REQUEST),
            Err(HostError::DialogUnavailable { .. })
        ));
        let mut missing = PinentryConsent::new(dir.path().join("no-such-pinentry"));
        assert!(matches!(
            missing.confirm(&REQUEST),
            Err(HostError::DialogUnavailable { .. })
        ));
    }

    #[test]
    fn long_descriptions_fit_one_assuan_line() {
        let line = command_line("SETDESC", &"Ա%".repeat(600));
        assert!(line.len() < MAX_LINE);
        assert!(line.ends_with('Ա') || line.ends_with("%25"));
    }
}
