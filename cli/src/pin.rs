//! Asking for PINs: choosing the source, and telling it how many tries are left.

use crate::args::PinSourceKind;
use crate::config::Config;
use crate::error::CliError;
use knik_card::Error as CardError;
use knik_card::pin::{Pin, PinKind};
use knik_card::pin_source::{
    EnvPinSource, PinPurpose, PinRequest, PinSource, PinentrySource, StdinPinSource,
    TerminalPinSource,
};
use knik_card::profile::Profile;
use knik_card::token::Token;

/// The PIN source the options and configuration ask for.
pub fn source(kind: PinSourceKind, config: &Config) -> Result<Box<dyn PinSource>, CliError> {
    let kind = match (kind, config.card.pin_source.as_deref()) {
        (PinSourceKind::Auto, Some(name)) => parse_kind(name)?,
        (k, _) => k,
    };
    Ok(match kind {
        PinSourceKind::Terminal => Box::new(TerminalPinSource::new()),
        PinSourceKind::Pinentry => {
            Box::new(
                PinentrySource::find().ok_or_else(|| CardError::PinSourceUnavailable {
                    kind: PinKind::Pin1,
                    reason:
                        "no pinentry program was found (install pinentry-gnome3, -qt or -curses)"
                            .into(),
                })?,
            )
        }
        PinSourceKind::Stdin => Box::new(StdinPinSource::stdin()),
        PinSourceKind::Env => Box::new(EnvPinSource::new()),
        PinSourceKind::Auto => auto(),
    })
}

/// Environment variables for automation, then pinentry on a desktop, then the terminal.
fn auto() -> Box<dyn PinSource> {
    let env_set = ["KNIK_PIN1", "KNIK_PIN2", "KNIK_PUK"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    if env_set {
        return Box::new(EnvPinSource::new());
    }
    let desktop =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if desktop && let Some(p) = PinentrySource::find() {
        return Box::new(p);
    }
    Box::new(TerminalPinSource::new())
}

fn parse_kind(name: &str) -> Result<PinSourceKind, CliError> {
    Ok(match name {
        "auto" => PinSourceKind::Auto,
        "terminal" => PinSourceKind::Terminal,
        "pinentry" => PinSourceKind::Pinentry,
        "stdin" => PinSourceKind::Stdin,
        "env" => PinSourceKind::Env,
        other => return Err(CliError::Config(format!("unknown pin_source {other:?}"))),
    })
}

/// Asks a PIN source for PINs of one card, naming the card the way its holder knows it.
pub struct PinPrompt {
    source: Box<dyn PinSource>,
    profile: Option<Profile>,
    card_label: String,
}

impl PinPrompt {
    /// A prompt for the card with `profile` (None for PKCS#11) named `card_label`.
    pub fn new(source: Box<dyn PinSource>, profile: Option<Profile>, card_label: String) -> Self {
        PinPrompt {
            source,
            profile,
            card_label,
        }
    }

    /// One PIN for an operation on `kind` (see [`ask`]).
    pub fn ask(
        &mut self,
        token: &mut dyn Token,
        kind: PinKind,
        purpose: PinPurpose,
    ) -> Result<Pin, CliError> {
        ask(
            self.source.as_mut(),
            token,
            self.profile.as_ref(),
            kind,
            purpose,
            &self.card_label,
        )
    }
}

/// Asks for `secret` (the PIN the source must supply) for an operation on `kind`, telling the
/// source the tries left (read from the card first) and the profile's length rules. A blocked
/// secret is reported without asking.
fn ask(
    source: &mut dyn PinSource,
    token: &mut dyn Token,
    profile: Option<&Profile>,
    kind: PinKind,
    purpose: PinPurpose,
    card_label: &str,
) -> Result<Pin, CliError> {
    let secret = if purpose == PinPurpose::Unblock {
        PinKind::Puk
    } else {
        kind
    };
    let mut request = PinRequest::new(kind, purpose, card_label);
    if !purpose.is_new() {
        let status = token.pin_status(secret)?;
        if status.blocked {
            return Err(CardError::PinBlocked { kind: secret }.into());
        }
        if let (Some(left), Some(max)) = (status.retries_left, status.max_tries) {
            request = request.retries(left, max);
        }
    }
    if let Some(rule) = profile
        .and_then(|p| p.apdu().ok())
        .map(|a| a.pins.get(secret))
    {
        request = request.lengths(rule.min, rule.max);
    }
    Ok(source.pin(&request)?)
}
