//! A trusted native PIN dialog through the pinentry programs of GnuPG (`spec/browser.md`
//! "PIN entry": never the web page).
//!
//! One pinentry process per PIN: greeting, `OPTION`s for the terminal and locale, `SETTITLE`,
//! `SETDESC`, `SETPROMPT`, `SETERROR` with the tries left, `SETREPEAT` for new PINs, `GETPIN`,
//! `BYE`. The PIN arrives in `D` lines and is decoded straight into a zeroizing buffer.

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::assuan::{self, Line};
use super::{PinRequest, PinSource};
use crate::error::{Error, Result};
use crate::pin::Pin;

/// The programs tried in order when `KNIK_PINENTRY` is not set. The graphical ones are only
/// tried when a display is set (`DISPLAY` or `WAYLAND_DISPLAY`): without one they would fail or
/// fall back to curses on their own terms.
const GRAPHICAL: [&str; 3] = ["pinentry-gnome3", "pinentry-qt", "pinentry-gtk-2"];
const TEXT: [&str; 3] = ["pinentry-curses", "pinentry-tty", "pinentry"];

/// How long a pinentry may take to exit after `BYE` before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Asks for PINs with a pinentry program (the Assuan protocol).
#[derive(Clone, Debug)]
pub struct PinentrySource {
    program: PathBuf,
    args: Vec<OsString>,
    timeout: Option<Duration>,
}

impl PinentrySource {
    /// The program named by `KNIK_PINENTRY`, else the first of pinentry-gnome3, pinentry-qt,
    /// pinentry-gtk-2 (those three only with a display), pinentry-curses, pinentry-tty and
    /// pinentry found in `PATH`. `None` when there is none.
    pub fn find() -> Option<PinentrySource> {
        if let Some(p) = std::env::var_os("KNIK_PINENTRY").filter(|p| !p.is_empty()) {
            return Some(PinentrySource::with_program(p));
        }
        let display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
            || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
        let path = std::env::var_os("PATH")?;
        let names = GRAPHICAL.iter().filter(|_| display).chain(TEXT.iter());
        for name in names {
            for dir in std::env::split_paths(&path) {
                let candidate = dir.join(name);
                if is_executable(&candidate) {
                    return Some(PinentrySource::with_program(candidate));
                }
            }
        }
        None
    }

    /// Uses this program (a path, or a name looked up in `PATH` when it is run).
    pub fn with_program(program: impl Into<PathBuf>) -> PinentrySource {
        PinentrySource {
            program: program.into(),
            args: Vec::new(),
            timeout: None,
        }
    }

    /// Adds a command-line argument for the program.
    pub fn arg(mut self, arg: impl Into<OsString>) -> PinentrySource {
        self.args.push(arg.into());
        self
    }

    /// Closes the dialog (as a cancel) when the user does not answer in time (`SETTIMEOUT`).
    pub fn timeout(mut self, timeout: Duration) -> PinentrySource {
        self.timeout = Some(timeout);
        self
    }

    /// The program that will be run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    fn unavailable(&self, request: &PinRequest<'_>, why: &str) -> Error {
        Error::PinSourceUnavailable {
            kind: request.secret_kind(),
            reason: format!("pinentry {}: {why}", self.program.display()),
        }
    }

    fn failure(&self, request: &PinRequest<'_>, f: Failure) -> Error {
        match f {
            Failure::Cancelled => Error::PinEntryCancelled,
            Failure::Refused { code, text } => {
                self.unavailable(request, &format!("error {code} {text}"))
            }
            Failure::Broken(why) => self.unavailable(request, &why),
        }
    }

    fn converse(&self, session: &mut Session, request: &PinRequest<'_>) -> Result<Pin> {
        let fail = |f| self.failure(request, f);
        for option in terminal_options() {
            // Options a pinentry does not know are answered with ERR; that is not fatal.
            match session.transact(&option) {
                Ok(_) | Err(Failure::Refused { .. }) => {}
                Err(f) => return Err(fail(f)),
            }
        }
        session
            .transact(&assuan::command_line("SETTITLE", &request.title()))
            .map_err(fail)?;
        session
            .transact(&assuan::command_line("SETDESC", &request.sentence()))
            .map_err(fail)?;
        session
            .transact(&assuan::command_line("SETPROMPT", &request.field_label()))
            .map_err(fail)?;
        if let Some(notice) = request.retry_notice() {
            session
                .transact(&assuan::command_line("SETERROR", &notice))
                .map_err(fail)?;
        }
        if let Some(t) = self.timeout {
            session
                .transact(&format!("SETTIMEOUT {}", t.as_secs().max(1)))
                .map_err(fail)?;
        }
        let mut repeat_by_pinentry = false;
        if request.is_new() {
            let label = format!("Repeat {}:", request.secret_kind().label());
            match session.transact(&assuan::command_line("SETREPEAT", &label)) {
                Ok(_) => {
                    repeat_by_pinentry = true;
                    session
                        .transact(&assuan::command_line(
                            "SETREPEATERROR",
                            "The two entries differ",
                        ))
                        .map_err(fail)?;
                }
                // Old pinentries do not know SETREPEAT: we ask a second time ourselves.
                Err(Failure::Refused { .. }) => {}
                Err(f) => return Err(fail(f)),
            }
        }

        let first = session.transact("GETPIN").map_err(fail)?;
        if first.data.is_empty() {
            return Err(Error::PinEntryCancelled);
        }
        let repeated = first.statuses.iter().any(|s| s.starts_with("PIN_REPEATED"));
        if request.is_new() && !(repeat_by_pinentry && repeated) {
            session
                .transact(&assuan::command_line(
                    "SETDESC",
                    &request.confirm_sentence(),
                ))
                .map_err(fail)?;
            session
                .transact(&assuan::command_line(
                    "SETPROMPT",
                    &format!("Repeat {}:", request.secret_kind().label()),
                ))
                .map_err(fail)?;
            let second = session.transact("GETPIN").map_err(fail)?;
            if second.data.is_empty() {
                return Err(Error::PinEntryCancelled);
            }
            if Pin::from_bytes(&first.data) != Pin::from_bytes(&second.data) {
                return Err(Error::PinNotAccepted {
                    kind: request.secret_kind(),
                    reason: "the two entries differ".to_string(),
                });
            }
        }
        Ok(Pin::from_bytes(&first.data))
    }
}

/// What a yes/no dialog says ([`PinentrySource::confirm`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confirmation<'a> {
    /// Window title.
    pub title: &'a str,
    /// The question.
    pub description: &'a str,
    /// Label of the button that agrees.
    pub ok: &'a str,
    /// Label of the button that refuses.
    pub cancel: &'a str,
}

impl PinentrySource {
    /// Asks a yes/no question with pinentry's `CONFIRM`, in the same trusted dialog as the
    /// PINs: `Ok(true)` when the user agreed, `Ok(false)` when they cancelled, closed the
    /// dialog or let it time out, [`Error::DialogUnavailable`] when no dialog could be shown.
    pub fn confirm(&self, question: &Confirmation<'_>) -> Result<bool> {
        let unavailable = |why: String| Error::DialogUnavailable {
            reason: format!("pinentry {}: {why}", self.program.display()),
        };
        let mut session = Session::spawn(&self.program, &self.args)
            .map_err(|e| unavailable(format!("cannot start it: {e}")))?;
        let result = session.greeting().and_then(|()| {
            for option in terminal_options() {
                // Options a pinentry does not know are answered with ERR; that is not fatal.
                match session.transact(&option) {
                    Ok(_) | Err(Failure::Refused { .. }) => {}
                    Err(f) => return Err(f),
                }
            }
            session.transact(&assuan::command_line("SETTITLE", question.title))?;
            session.transact(&assuan::command_line("SETDESC", question.description))?;
            session.transact(&assuan::command_line("SETOK", question.ok))?;
            session.transact(&assuan::command_line("SETCANCEL", question.cancel))?;
            if let Some(t) = self.timeout {
                session.transact(&format!("SETTIMEOUT {}", t.as_secs().max(1)))?;
            }
            session.transact("CONFIRM").map(drop)
        });
        session.bye();
        match result {
            Ok(()) => Ok(true),
            Err(Failure::Cancelled) => Ok(false),
            Err(Failure::Refused { code, text }) => {
                Err(unavailable(format!("error {code} {text}")))
            }
            Err(Failure::Broken(why)) => Err(unavailable(why)),
        }
    }
}

impl PinSource for PinentrySource {
    fn pin(&mut self, request: &PinRequest<'_>) -> Result<Pin> {
        let mut session = Session::spawn(&self.program, &self.args)
            .map_err(|e| self.unavailable(request, &format!("cannot start it: {e}")))?;
        session.greeting().map_err(|f| self.failure(request, f))?;
        let result = self.converse(&mut session, request);
        session.bye();
        result
    }
}

/// `OPTION` lines so a terminal pinentry (curses, tty) finds the user's terminal, and every
/// pinentry the user's character set.
fn terminal_options() -> Vec<String> {
    let mut options = Vec::new();
    let tty = std::env::var("GPG_TTY")
        .ok()
        .filter(|t| !t.is_empty())
        .or_else(|| {
            if std::io::stdin().is_terminal() {
                std::fs::read_link("/proc/self/fd/0")
                    .ok()
                    .map(|p| p.display().to_string())
            } else {
                None
            }
        });
    if let Some(tty) = tty {
        options.push(format!("OPTION ttyname={tty}"));
        if let Ok(term) = std::env::var("TERM") {
            options.push(format!("OPTION ttytype={term}"));
        }
    }
    let ctype = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    if let Some(ctype) = ctype {
        options.push(format!("OPTION lc-ctype={ctype}"));
    }
    options
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Why a command did not succeed.
enum Failure {
    /// The user cancelled (or the dialog timed out).
    Cancelled,
    /// The pinentry answered ERR.
    Refused { code: u32, text: String },
    /// The process died or spoke something that is not Assuan.
    Broken(String),
}

/// What an `OK` carried: decoded `D` data (zeroizing: it is the PIN for GETPIN) and `S` lines.
struct Answer {
    data: Zeroizing<Vec<u8>>,
    statuses: Vec<String>,
}

/// One running pinentry.
struct Session {
    child: Child,
    input: Option<ChildStdin>,
    output: WipedReader<ChildStdout>,
    // Reserved once so that reading a line with a PIN in it never reallocates and leaves a copy
    // behind; wiped on drop.
    line: Zeroizing<Vec<u8>>,
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
            output: WipedReader::new(output),
            line: Zeroizing::new(Vec::with_capacity(2 * assuan::MAX_LINE)),
        })
    }

    /// The server speaks first: `OK Pleased to meet you`.
    fn greeting(&mut self) -> std::result::Result<(), Failure> {
        self.read_answer().map(drop)
    }

    fn transact(&mut self, command: &str) -> std::result::Result<Answer, Failure> {
        let input = self
            .input
            .as_mut()
            .ok_or_else(|| Failure::Broken("closed".into()))?;
        // The command name only: arguments may hold personal data, never a PIN (we send none).
        let verb = command.split(' ').next().unwrap_or("").to_string();
        writeln!(input, "{command}")
            .and_then(|()| input.flush())
            .map_err(|e| Failure::Broken(format!("writing {verb}: {e}")))?;
        self.read_answer()
    }

    fn read_answer(&mut self) -> std::result::Result<Answer, Failure> {
        let mut answer = Answer {
            // Sized for the longest Assuan line, so the PIN is never copied by a reallocation.
            data: Zeroizing::new(Vec::with_capacity(assuan::MAX_LINE)),
            statuses: Vec::new(),
        };
        loop {
            self.line.clear();
            let n = self
                .output
                .read_until(b'\n', &mut self.line)
                .map_err(|e| Failure::Broken(format!("reading: {e}")))?;
            if n == 0 {
                return Err(Failure::Broken("it ended without answering".into()));
            }
            while matches!(self.line.last(), Some(b'\n' | b'\r')) {
                self.line.pop();
            }
            match assuan::parse_line(&self.line) {
                Line::Ok => return Ok(answer),
                Line::Err { code, .. } if assuan::is_cancel(code) => {
                    return Err(Failure::Cancelled);
                }
                Line::Err { code, text } => return Err(Failure::Refused { code, text }),
                Line::Data(d) => {
                    if assuan::decode_into(d, &mut answer.data).is_none() {
                        return Err(Failure::Broken("malformed data line".into()));
                    }
                }
                Line::Status(s) => answer.statuses.push(s),
                Line::Inquire => {
                    // We have nothing to give; CAN makes the server end the command with ERR.
                    if let Some(input) = self.input.as_mut() {
                        let _ = input.write_all(b"CAN\n").and_then(|()| input.flush());
                    }
                }
                Line::Comment | Line::Unknown => {}
            }
        }
    }

    /// Says goodbye and waits a little for the process; kills it if it lingers.
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

/// A buffered reader whose buffer is wiped when dropped: the pinentry's `D <pin>` line passes
/// through it, and `std::io::BufReader` would leave that copy in freed memory.
struct WipedReader<R> {
    inner: R,
    buf: Zeroizing<Vec<u8>>,
    pos: usize,
    len: usize,
}

impl<R: Read> WipedReader<R> {
    fn new(inner: R) -> Self {
        WipedReader {
            inner,
            buf: Zeroizing::new(vec![0; 4096]),
            pos: 0,
            len: 0,
        }
    }
}

impl<R: Read> Read for WipedReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for WipedReader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.len {
            self.len = self.inner.read(&mut self.buf)?;
            self.pos = 0;
        }
        Ok(&self.buf[self.pos..self.len])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.len);
    }
}
