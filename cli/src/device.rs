//! Finding the card the citizen means: a PC/SC reader with a supported card, or a PKCS#11
//! token for the 2012–2023 ID cards.

use crate::args::Global;
use crate::config::Config;
use crate::error::CliError;
use crate::trace::Tracer;
use knik_card::Error as CardError;
use knik_card::atr::AtrTable;
use knik_card::card::Card;
use knik_card::pcsc::{PcscContext, PcscTransport, ReaderInfo};
use knik_card::pkcs11::{Pkcs11Module, Pkcs11Provider, Pkcs11Token};
use knik_card::profile::Profile;
use knik_card::token::Token;

/// An opened card or token.
pub enum Device {
    /// A card spoken to with APDUs through PC/SC.
    Card(Box<Card<PcscTransport>>),
    /// A PKCS#11 token (the provider stays loaded while the token lives).
    Pkcs11 {
        /// The token.
        token: Box<Pkcs11Token>,
        /// Keeps the module initialised.
        _provider: Box<Pkcs11Provider>,
    },
}

impl Device {
    /// The token interface, whatever the backend.
    pub fn token(&mut self) -> &mut dyn Token {
        match self {
            Device::Card(c) => c.as_mut(),
            Device::Pkcs11 { token, .. } => token.as_mut(),
        }
    }

    /// The card profile, for APDU cards.
    pub fn profile(&self) -> Option<&Profile> {
        match self {
            Device::Card(c) => Some(c.profile()),
            Device::Pkcs11 { .. } => None,
        }
    }

    /// APDUs sent by the last operation (APDU cards only).
    pub fn last_operation_apdus(&self) -> Option<usize> {
        match self {
            Device::Card(c) => Some(c.last_operation_apdus()),
            Device::Pkcs11 { .. } => None,
        }
    }
}

/// The ATR table: the built-in profiles plus those named in the configuration.
pub fn atr_table(config: &Config) -> Result<AtrTable, CliError> {
    let mut user = Vec::new();
    for path in &config.card.profiles {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        user.push(Profile::from_toml(&text)?);
    }
    Ok(AtrTable::with_builtin(user))
}

/// Readers and what is in them.
pub fn readers() -> Result<Vec<ReaderInfo>, CliError> {
    Ok(PcscContext::establish()?.list_readers()?)
}

/// Opens the card the options point at.
pub fn open(global: &Global, config: &Config, tracer: Option<Tracer>) -> Result<Device, CliError> {
    if let Some(module) = &global.pkcs11 {
        let configured = if module.as_os_str().is_empty() {
            config.card.pkcs11_module.as_deref()
        } else {
            Some(module.as_path())
        };
        return open_pkcs11(configured, global.reader.as_deref());
    }
    let table = atr_table(config)?;
    let ctx = PcscContext::establish()?;
    let readers = ctx.list_readers()?;
    let wanted = global.reader.as_deref().or(config.card.reader.as_deref());
    let reader = choose_reader(&readers, wanted, &table)?;
    let transport = ctx.connect(&reader.name)?;
    let mut card = Card::identify(transport, &table)?;
    if let Some(t) = tracer {
        card = card.with_tracer(move |ev| t.event(ev));
    }
    Ok(Device::Card(Box::new(card)))
}

/// Picks the reader: the named one, else the only one holding a supported card.
fn choose_reader<'a>(
    readers: &'a [ReaderInfo],
    wanted: Option<&str>,
    table: &AtrTable,
) -> Result<&'a ReaderInfo, CliError> {
    if readers.is_empty() {
        return Err(CardError::NoReaders.into());
    }
    if let Some(name) = wanted {
        let r = readers
            .iter()
            .find(|r| r.name == name)
            .ok_or_else(|| CardError::ReaderNotFound(name.to_string()))?;
        if !r.card_present {
            return Err(CardError::NoCard(format!("the reader {name:?}")).into());
        }
        return Ok(r);
    }
    let present: Vec<&ReaderInfo> = readers.iter().filter(|r| r.card_present).collect();
    let supported: Vec<&ReaderInfo> = present
        .iter()
        .copied()
        .filter(|r| {
            r.atr
                .as_deref()
                .is_some_and(|a| table.identify(a).is_some())
        })
        .collect();
    match (present.len(), supported.len()) {
        (0, _) => Err(CardError::NoCard(if readers.len() == 1 {
            format!("the reader {:?}", readers[0].name)
        } else {
            "any reader".to_string()
        })
        .into()),
        (_, 1) => Ok(supported[0]),
        (1, 0) => Ok(present[0]), // let identification say why it is not supported
        (_, 0) => Err(CardError::UnsupportedCard {
            atr: present
                .iter()
                .filter_map(|r| r.atr.as_deref().map(hex::encode_upper))
                .collect::<Vec<_>>()
                .join(", "),
        }
        .into()),
        _ => Err(CliError::Usage(format!(
            "several cards are inserted; choose one with --reader: {}",
            supported
                .iter()
                .map(|r| format!("{:?}", r.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn open_pkcs11(
    configured: Option<&std::path::Path>,
    wanted: Option<&str>,
) -> Result<Device, CliError> {
    let module = Pkcs11Module::locate(configured)?;
    let provider = Pkcs11Provider::load(&module)?;
    let slots = provider.tokens()?;
    let slot = match wanted {
        Some(name) => slots
            .iter()
            .find(|s| s.slot_description == name || s.label == name)
            .ok_or_else(|| CardError::ReaderNotFound(name.to_string()))?,
        None => {
            // Modules that expose one slot per PIN list one card several times (same serial);
            // open() joins them. Different cards: ask, never guess whose PIN this is.
            let first = slots
                .first()
                .ok_or_else(|| CardError::NoCard("any PKCS#11 slot".to_string()))?;
            let others: Vec<_> = slots
                .iter()
                .filter(|s| !std::ptr::eq(*s, first) && !first.same_card(s))
                .collect();
            if !others.is_empty() {
                return Err(CliError::Usage(format!(
                    "several cards are inserted; choose one with --reader: {}",
                    slots
                        .iter()
                        .map(|s| format!("{:?}", s.slot_description))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            first
        }
    };
    let token = provider.open(slot)?;
    Ok(Device::Pkcs11 {
        token: Box::new(token),
        _provider: Box::new(provider),
    })
}
