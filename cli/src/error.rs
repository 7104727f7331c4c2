//! Errors at the edge: a sentence a citizen can act on, a stable code beside it, an exit code.

use crate::exit;
use knik_card::Error as CardError;
use knik_card::pin::PinKind;

/// Everything a `knik` command can fail with.
#[derive(Debug)]
pub enum CliError {
    /// From the card layer.
    Card(CardError),
    /// From certificate parsing.
    Pki(knik_pki::Error),
    /// Reading or writing a file.
    Io {
        /// The file.
        path: String,
        /// What the system said.
        message: String,
    },
    /// The configuration file is wrong.
    Config(String),
    /// The command line asks for something impossible.
    Usage(String),
    /// From the signing and verifying flows.
    Knik(knik::Error),
    /// `knik verify` found the container invalid or indeterminate (the report is printed).
    Verdict(knik::Verdict),
}

impl CliError {
    /// Stable machine code (docs/cli.md).
    pub fn code(&self) -> String {
        match self {
            CliError::Card(e) => e.code().to_string(),
            CliError::Pki(_) => "PKI_CERTIFICATE".to_string(),
            CliError::Io { .. } => "CLI_IO".to_string(),
            CliError::Config(_) => "CLI_CONFIG".to_string(),
            CliError::Usage(_) => "CLI_USAGE".to_string(),
            CliError::Knik(e) => e.code().to_string(),
            CliError::Verdict(v) => format!("VERDICT_{}", v.as_str().to_uppercase()),
        }
    }

    /// Process exit code (docs/cli.md).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Card(e) => exit::for_card_error(e.class()),
            CliError::Pki(_) | CliError::Io { .. } => exit::FAILURE,
            CliError::Config(_) | CliError::Usage(_) => exit::USAGE,
            CliError::Knik(e) => match e {
                knik::Error::Online(_)
                | knik::Error::ServiceMissing { .. }
                | knik::Error::OcspBeforeTimestamp { .. } => exit::SERVICE,
                knik::Error::InvalidRequest { .. } | knik::Error::Key { .. } => exit::USAGE,
                knik::Error::Signer { code, .. } => exit::for_signer_code(code),
                _ => exit::FAILURE,
            },
            CliError::Verdict(knik::Verdict::Indeterminate) => exit::INDETERMINATE,
            CliError::Verdict(_) => exit::INVALID,
        }
    }

    /// What happened, in words.
    pub fn message(&self) -> String {
        match self {
            CliError::Card(e) => e.to_string(),
            CliError::Pki(e) => format!("the card's certificate could not be read: {e}"),
            CliError::Io { path, message } => format!("{path}: {message}"),
            CliError::Config(m) => format!("configuration: {m}"),
            CliError::Usage(m) => m.clone(),
            CliError::Knik(e) => e.to_string(),
            CliError::Verdict(v) => format!("the container is {}", v.as_str()),
        }
    }

    /// What the citizen can do about it, when there is something.
    pub fn hint(&self) -> Option<String> {
        if let CliError::Knik(e) = self {
            return match e {
                knik::Error::ServiceMissing { .. } => Some(
                    "Set tsa_url / ocsp_url under [signing] in the configuration, or choose \
                     --level B."
                        .into(),
                ),
                knik::Error::IssuerNotFound { .. } => Some(
                    "Give the CA certificate with --chain, or add it under [pki] chain.".into(),
                ),
                _ => None,
            };
        }
        let CliError::Card(e) = self else { return None };
        Some(match e {
            CardError::ServiceUnavailable => {
                "Start the smart-card service (pcscd), e.g. `sudo systemctl start pcscd`.".into()
            }
            CardError::NoReaders => "Connect a smart-card reader.".into(),
            CardError::NoCard(_) => "Insert your ID card or residence card into the reader.".into(),
            CardError::ReaderNotFound(_) => "See the reader names with `knik card list`.".into(),
            CardError::UnsupportedCard { .. } => {
                "This card is not an Armenian ID card or residence card that knik knows. \
                 For a 2012–2023 ID card use --pkcs11."
                    .into()
            }
            CardError::WrongPin { kind, retries_left } => match kind {
                PinKind::Puk => format!(
                    "{retries_left} tries left; when none are left the PUK is blocked for good."
                ),
                _ => format!(
                    "{retries_left} tries left; when none are left, unblock it with \
                     `knik card pin unblock {}`.",
                    kind.id()
                ),
            },
            CardError::PinBlocked { kind: PinKind::Puk } => {
                "The PUK cannot be unblocked; the document must be replaced by the issuer.".into()
            }
            CardError::PinBlocked { kind } => {
                format!(
                    "Unblock it with the PUK: `knik card pin unblock {}`.",
                    kind.id()
                )
            }
            CardError::Transport(_) => {
                "Keep the card in the reader until the operation ends, then try again.".into()
            }
            CardError::Pkcs11Module(_) => {
                "Install the card's middleware or OpenSC, or give the module with --pkcs11 PATH."
                    .into()
            }
            _ => return None,
        })
    }
}

impl From<CardError> for CliError {
    fn from(e: CardError) -> Self {
        CliError::Card(e)
    }
}

impl From<knik_pki::Error> for CliError {
    fn from(e: knik_pki::Error) -> Self {
        CliError::Pki(e)
    }
}

impl From<knik::Error> for CliError {
    fn from(e: knik::Error) -> Self {
        CliError::Knik(e)
    }
}
