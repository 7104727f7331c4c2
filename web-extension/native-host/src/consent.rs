//! The citizen's consent before the signing certificate leaves the card.
//!
//! The certificate carries the holder's name and personal number, and `get-signing-certificate`
//! needs no PIN: without a question any page could read who sits at the computer. Web eID asks
//! with a Confirm button (reference/web-eid.md §1.8, "the click is the user's consent"); this
//! host asks through the same trusted pinentry program as for PINs, with its `CONFIRM` command
//! (GnuPG's Assuan protocol: `SETTITLE`, `SETDESC`, `SETOK`, `SETCANCEL`, `CONFIRM` → `OK` or
//! `ERR 83886179 Operation cancelled`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use knik_card::pin_source::{Confirmation, PinentrySource};

use crate::error::HostError;

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

/// Asks with a pinentry program (knik-card's [`PinentrySource::confirm`], the same Assuan
/// conversation as the PIN dialogs).
#[derive(Clone, Debug)]
pub struct PinentryConsent {
    pinentry: PinentrySource,
}

impl PinentryConsent {
    /// Uses `program` (the one the PIN dialog uses: `PinentrySource::program`).
    pub fn new(program: impl Into<PathBuf>) -> Self {
        PinentryConsent {
            pinentry: PinentrySource::with_program(program),
        }
    }

    /// Adds a command-line argument for the program.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.pinentry = self.pinentry.arg(arg);
        self
    }

    /// Closes the dialog as a refusal when nobody answers in time.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.pinentry = self.pinentry.timeout(timeout);
        self
    }

    /// The program run.
    pub fn program(&self) -> &Path {
        self.pinentry.program()
    }
}

impl Consent for PinentryConsent {
    fn confirm(&mut self, request: &ConsentRequest<'_>) -> Result<(), HostError> {
        let question = Confirmation {
            title: request.title,
            description: request.description,
            ok: request.ok,
            cancel: request.cancel,
        };
        match self.pinentry.confirm(&question) {
            Ok(true) => Ok(()),
            Ok(false) => Err(HostError::ConsentRefused),
            Err(e) => Err(HostError::DialogUnavailable {
                reason: e.to_string(),
            }),
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
}
