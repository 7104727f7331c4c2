//! The card commands as the host runs them: PC/SC readers, the card chosen by
//! [`crate::selection`], pinentry for PINs and consent, then [`crate::flows`].

use std::time::{Duration, Instant};

use knik_card::Error as CardError;
use knik_card::atr::AtrTable;
use knik_card::card::Card;
use knik_card::pcsc::{PcscContext, PcscTransport};
use knik_card::pin::PinKind;
use knik_card::pin_source::PinentrySource;
use knik_card::token::{KeyRole, Token};
use knik_card::transport::CardTransport;
use knik_webeid::native_messaging::{
    AuthenticateArguments, GetSigningCertificateArguments, SignArguments, SignResponse,
    SigningCertificateResponse,
};
use knik_webeid::token::AuthToken;

use crate::consent::PinentryConsent;
use crate::error::HostError;
use crate::flows::{self, Context};
use crate::log::Log;
use crate::selection::{self, Slot};
use crate::session::Operations;
use crate::settings::Settings;
use crate::timing::{TimedTransport, Timing};

/// How long a PIN or consent dialog waits for the citizen: Web eID's user-interaction timeout
/// (reference/web-eid.md §1.7), after which the extension has given up anyway.
pub const DIALOG_TIMEOUT: Duration = Duration::from_secs(120);

/// A card as the host holds it: PC/SC, timed.
pub type HostCard = Card<TimedTransport<PcscTransport>>;

/// The card commands over PC/SC.
pub struct PcscOperations<'a> {
    settings: Result<Settings, HostError>,
    log: &'a Log,
    app_version: String,
    timing: Timing,
}

impl<'a> PcscOperations<'a> {
    /// Commands with these settings (or the error that loading them gave, answered to every
    /// card command).
    pub fn new(settings: Result<Settings, HostError>, log: &'a Log) -> Self {
        PcscOperations {
            settings,
            log,
            app_version: crate::app_version(),
            timing: Timing::default(),
        }
    }

    fn settings(&self) -> Result<&Settings, HostError> {
        self.settings.as_ref().map_err(Clone::clone)
    }

    /// The pinentry program for PINs and consent; without one no card command can run.
    fn dialogs(&self, kind: PinKind) -> Result<(PinentrySource, PinentryConsent), HostError> {
        let pins = PinentrySource::find().ok_or_else(|| CardError::PinSourceUnavailable {
            kind,
            reason: "no pinentry program was found (install pinentry-gnome3, pinentry-qt or \
                     pinentry-curses, or name one in KNIK_PINENTRY)"
                .to_owned(),
        })?;
        let consent = PinentryConsent::new(pins.program()).timeout(DIALOG_TIMEOUT);
        self.log
            .line(format!("dialogs by {}", pins.program().display()));
        Ok((pins.timeout(DIALOG_TIMEOUT), consent))
    }

    /// Connects to the candidate readers' cards one by one, in selection order, and hands each
    /// to `visit` until it returns `Some`. Connection failures are logged and skipped; when no
    /// card could be opened the first failure is returned.
    fn each_card<R>(
        &mut self,
        mut visit: impl FnMut(&mut HostCard, &mut Timing, &Log) -> Option<R>,
    ) -> Result<Option<R>, HostError> {
        let settings = self.settings()?.clone();
        let table = settings.atr_table()?;
        let started = Instant::now();
        let listed = list();
        self.timing.pcsc_setup += started.elapsed();
        let (ctx, slots) = listed?;
        let candidates = selection::candidates(&slots, settings.reader.as_deref(), &table)?;
        let mut first_error = None;
        for slot in candidates {
            let started = Instant::now();
            let opened = open(&ctx, slot, &table);
            self.timing.pcsc_setup += started.elapsed();
            let mut card = match opened {
                Ok(card) => card,
                Err(e) => {
                    self.log
                        .line(format!("{:?}: cannot use the card: {e}", slot.reader));
                    first_error.get_or_insert(e);
                    continue;
                }
            };
            self.log.line(format!(
                "{:?}: card {} ({})",
                slot.reader,
                card.profile().id,
                hex::encode_upper(card.transport().atr())
            ));
            let result = visit(&mut card, &mut self.timing, self.log);
            self.timing.card += card.transport().card_time();
            self.timing.exchanges += card.transport().exchanges();
            if result.is_some() {
                return Ok(result);
            }
        }
        match first_error {
            Some(e) => Err(e.into()),
            None => Ok(None),
        }
    }

    /// Runs `flow` on the first candidate card that opens.
    fn on_first_card<R>(
        &mut self,
        flow: impl FnOnce(&mut HostCard, &mut Timing, &Log) -> Result<R, HostError>,
    ) -> Result<R, HostError> {
        let mut flow = Some(flow);
        let result =
            self.each_card(|card, timing, log| flow.take().map(|f| f(card, timing, log)))?;
        // each_card only ends without a result when no card could be opened, which it
        // reports itself; None here means the candidate list was empty, which selection
        // never returns.
        result.unwrap_or_else(|| Err(CardError::NoCard("any reader".to_owned()).into()))
    }
}

impl Operations for PcscOperations<'_> {
    fn authenticate(&mut self, args: &AuthenticateArguments) -> Result<AuthToken, HostError> {
        self.timing = Timing::default();
        let (mut pins, mut consent) = self.dialogs(PinKind::Pin1)?;
        let app_version = self.app_version.clone();
        self.on_first_card(|card, timing, log| {
            let profile = card.profile().clone();
            let mut cx = Context {
                pins: &mut pins,
                consent: &mut consent,
                profile: Some(&profile),
                timing,
                log,
            };
            flows::authenticate(card, &mut cx, args, &app_version)
        })
    }

    fn signing_certificate(
        &mut self,
        args: &GetSigningCertificateArguments,
    ) -> Result<SigningCertificateResponse, HostError> {
        self.timing = Timing::default();
        let (mut pins, mut consent) = self.dialogs(PinKind::Pin2)?;
        self.on_first_card(|card, timing, log| {
            let profile = card.profile().clone();
            let mut cx = Context {
                pins: &mut pins,
                consent: &mut consent,
                profile: Some(&profile),
                timing,
                log,
            };
            flows::signing_certificate(card, &mut cx, args)
        })
    }

    /// The card whose signing certificate is the one the page sent, as Web eID chooses.
    fn sign(&mut self, args: &SignArguments) -> Result<SignResponse, HostError> {
        self.timing = Timing::default();
        let (mut pins, mut consent) = self.dialogs(PinKind::Pin2)?;
        let mut checked = 0;
        let result = self.each_card(|card, timing, log| {
            match card.certificate(KeyRole::Signing) {
                Ok(der) if der == args.certificate => {}
                Ok(_) => {
                    checked += 1;
                    log.line("its signing certificate is not the one to sign with");
                    return None;
                }
                Err(e) => {
                    log.line(format!("cannot read its signing certificate: {e}"));
                    return None;
                }
            }
            let profile = card.profile().clone();
            let mut cx = Context {
                pins: &mut pins,
                consent: &mut consent,
                profile: Some(&profile),
                timing,
                log,
            };
            Some(flows::sign(card, &mut cx, args))
        })?;
        result.unwrap_or(Err(HostError::WrongCertificate {
            cards_checked: checked,
        }))
    }

    fn timing(&self) -> Option<Timing> {
        Some(self.timing)
    }
}

/// The PC/SC context and every reader with its card state.
fn list() -> Result<(PcscContext, Vec<Slot>), HostError> {
    let ctx = PcscContext::establish()?;
    let slots = ctx
        .list_readers()?
        .into_iter()
        .map(|r| Slot {
            reader: r.name,
            card_present: r.card_present,
            atr: r.atr,
        })
        .collect();
    Ok((ctx, slots))
}

/// Connects to the card in `slot` and recognises it.
fn open(ctx: &PcscContext, slot: &Slot, table: &AtrTable) -> Result<HostCard, CardError> {
    let transport = TimedTransport::new(ctx.connect(&slot.reader)?);
    Card::identify(transport, table)
}
