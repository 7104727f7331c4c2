//! `knik mobile-id auth` and the mobile ID side of `knik sign --mobile-id`: the MID-REST
//! client from the command line and `[mobile_id]`, and the screen the person reads the
//! verification code from.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use knik::mobile_id::{
    AuthenticationOptions, DisplayText, Language, MidRestClient, MobileIdError, MobileIdSigner,
    Person, Pins, RelyingParty, SessionDisplay, VerificationCode, authenticate, signer_error,
};
use knik_pki::Identity;
use serde_json::json;

use crate::args::{MobileIdArgs, MobileIdAuthArgs, MobileIdCommand};
use crate::commands::{card, trust};
use crate::config::Config;
use crate::error::CliError;
use crate::output::Output;

/// Runs `knik mobile-id …`.
pub fn run(command: &MobileIdCommand, config: &Config, out: Output) -> Result<(), CliError> {
    match command {
        MobileIdCommand::Auth(args) => auth(args, config, out),
    }
}

/// A mobile ID setting that cannot be used (URL, relying party, pins): the developer text,
/// which names what is wrong and never the relying party's UUID.
fn config_error(e: MobileIdError) -> CliError {
    CliError::Config(format!("mobile ID: {e}"))
}

/// The MID-REST client: the service URL, the relying party and the pins from the command
/// line, else from `[mobile_id]`. Pins on the command line replace the configured ones.
pub fn client(args: &MobileIdArgs, config: &Config) -> Result<MidRestClient, CliError> {
    let section = &config.mobile_id;
    let url = args
        .mid_url
        .as_deref()
        .or(section.url.as_deref())
        .ok_or_else(|| {
            CliError::Config(
                "no mobile ID service: set url under [mobile_id] or pass --mid-url".into(),
            )
        })?;
    let name = args
        .mid_relying_party_name
        .as_deref()
        .or(section.relying_party_name.as_deref())
        .ok_or_else(|| {
            CliError::Config(
                "no relying party name: set relying_party_name under [mobile_id]".into(),
            )
        })?;
    let uuid = args
        .mid_relying_party_uuid
        .as_deref()
        .or(section.relying_party_uuid.as_deref())
        .ok_or_else(|| {
            CliError::Config(
                "no relying party UUID: set relying_party_uuid under [mobile_id]".into(),
            )
        })?;
    let relying_party = RelyingParty::new(uuid, name).map_err(config_error)?;
    let from_args = !args.mid_pin.is_empty() || args.mid_pins_file.is_some();
    let (list, file) = if from_args {
        (&args.mid_pin, args.mid_pins_file.as_deref())
    } else {
        (&section.pins, section.pins_file.as_deref())
    };
    let pins = match (list.is_empty(), file) {
        (true, None) => {
            return Err(CliError::Config(
                "no TLS pins for the mobile ID service: set pins or pins_file under \
                 [mobile_id], or pass --mid-pin / --mid-pins-file"
                    .into(),
            ));
        }
        (true, Some(f)) => Pins::from_file(f).map_err(config_error)?,
        (false, None) => Pins::new(list).map_err(config_error)?,
        (false, Some(f)) => Pins::new(list)
            .and_then(|p| p.merged(&Pins::from_file(f)?))
            .map_err(config_error)?,
    };
    MidRestClient::new(url, relying_party, pins).map_err(config_error)
}

/// The person from --phone and --id.
pub fn person(args: &MobileIdArgs) -> Result<Person, CliError> {
    let (Some(phone), Some(id)) = (&args.phone, &args.national_id) else {
        return Err(CliError::Usage(
            "mobile ID needs your phone number (--phone +374…) and personal number (--id)".into(),
        ));
    };
    Person::parse(phone, id).map_err(|e| CliError::Knik(signer_error(e)))
}

/// The prompt language: --mid-language, `[mobile_id] language`, else Armenian.
fn language(args: &MobileIdArgs, config: &Config) -> Result<Language, CliError> {
    match args
        .mid_language
        .as_deref()
        .or(config.mobile_id.language.as_deref())
    {
        None => Ok(Language::Hye),
        Some(l) => Language::from_wire(&l.to_ascii_uppercase()).ok_or_else(|| {
            CliError::Usage(format!(
                "unknown mobile ID language {l:?}: use HYE, ENG, RUS, EST or LIT"
            ))
        }),
    }
}

fn display_text(args: &MobileIdArgs) -> Result<Option<DisplayText>, CliError> {
    args.mid_display_text
        .as_deref()
        .map(|t| {
            DisplayText::new(t).map_err(|e| CliError::Usage(format!("--mid-display-text: {e}")))
        })
        .transpose()
}

/// A signer for `knik sign --mobile-id`.
pub fn signer<'a>(
    client: &'a MidRestClient,
    args: &MobileIdArgs,
    config: &Config,
) -> Result<MobileIdSigner<'a>, CliError> {
    let mut signer = MobileIdSigner::new(client, person(args)?, PhoneScreen::new("sign"))
        .with_language(language(args, config)?);
    if let Some(text) = display_text(args)? {
        signer = signer.with_display_text(text);
    }
    Ok(signer)
}

/// `knik mobile-id auth`
fn auth(args: &MobileIdAuthArgs, config: &Config, out: Output) -> Result<(), CliError> {
    let person = person(&args.mobile)?;
    let client = client(&args.mobile, config)?;
    let store = trust::store(&args.trust, config)?;
    let intermediates = trust::intermediates(&args.intermediates, config)?;
    let mut options = AuthenticationOptions::new(&store);
    options.intermediates = &intermediates;
    options.policies = card::policies(config)?;
    options.language = language(&args.mobile, config)?;
    options.display_text = display_text(&args.mobile)?;
    let mut screen = PhoneScreen::new("log in");
    let identity = authenticate(&client, &person, &mut screen, &options)?;
    let code = screen.code.map(|c| c.to_string()).unwrap_or_default();
    out.result(
        &identity_text(&identity),
        &json!({
            "authenticated": true,
            "verification_code": code,
            "identity": {
                "given_name": identity.given_name,
                "surname": identity.surname,
                "personal_number": identity.personal_number,
                "identifier_type": identity.identifier_type.as_ref().map(|t| t.as_str().to_string()),
                "country": identity.country,
                "document_kind": identity.document_kind.as_str(),
                "common_name": identity.common_name,
                "semantics_identifier": identity.semantics_identifier,
            },
        }),
    );
    Ok(())
}

fn identity_text(id: &Identity) -> String {
    let name = [id.given_name.as_deref(), id.surname.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut text = format!("Logged in with mobile ID: {name}\n");
    text.push_str(&format!("  personal number: {}\n", id.personal_number));
    if let Some(c) = &id.country {
        text.push_str(&format!("  country:         {c}\n"));
    }
    text.push_str(&format!(
        "  document:        {}\n",
        id.document_kind.as_str()
    ));
    text
}

/// The terminal as the person's screen: the verification code, then a waiting line on stderr
/// (animated on a terminal, one line otherwise) until the phone answers.
pub struct PhoneScreen {
    action: &'static str,
    code: Option<VerificationCode>,
    spinner: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl PhoneScreen {
    /// A screen for `action` ("sign", "log in").
    pub fn new(action: &'static str) -> Self {
        PhoneScreen {
            action,
            code: None,
            spinner: None,
        }
    }
}

impl SessionDisplay for PhoneScreen {
    fn show_code(&mut self, code: VerificationCode) {
        self.code = Some(code);
        let mut err = std::io::stderr();
        if err.is_terminal() {
            // Below any progress line.
            let _ = write!(err, "\r\x1b[2K");
        }
        let _ = writeln!(
            err,
            "Verification code: {code}\n  Check that your phone shows the same code, then enter \
             your PIN to {}.",
            self.action
        );
    }

    fn waiting(&mut self) {
        let mut err = std::io::stderr();
        if !err.is_terminal() {
            let _ = writeln!(err, "Waiting for your confirmation on the phone…");
            return;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
            let mut i = 0;
            while !flag.load(Ordering::Relaxed) {
                let _ = write!(
                    std::io::stderr(),
                    "\r\x1b[2K{} waiting for your confirmation on the phone… {} s",
                    FRAMES[i % FRAMES.len()],
                    started.elapsed().as_secs()
                );
                let _ = std::io::stderr().flush();
                i += 1;
                std::thread::sleep(Duration::from_millis(200));
            }
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        });
        self.spinner = Some((stop, thread));
    }

    fn finished(&mut self) {
        if let Some((stop, thread)) = self.spinner.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
    }
}

impl Drop for PhoneScreen {
    fn drop(&mut self) {
        self.finished();
    }
}
