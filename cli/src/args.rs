//! The command line: what a citizen types.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// knik — Armenian eID cards, residence cards and signatures.
#[derive(Parser, Debug)]
#[command(name = "knik", version, about, long_about = None)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print every APDU sent to the card and its answer on stderr (PIN digits are masked).
    #[arg(long, global = true)]
    pub trace: bool,
    /// Use the card in this reader (default: the only card present).
    #[arg(long, global = true, value_name = "NAME")]
    pub reader: Option<String>,
    /// Use a PKCS#11 module instead of PC/SC (for the 2012–2023 ID cards); without a path the
    /// issuer's module or OpenSC is looked for in the usual places.
    #[arg(long, global = true, value_name = "MODULE", num_args = 0..=1, default_missing_value = "")]
    pub pkcs11: Option<PathBuf>,
    /// Where PINs come from.
    #[arg(long, global = true, value_enum, default_value_t = PinSourceKind::Auto)]
    pub pin_source: PinSourceKind,
    /// Configuration file (default: $XDG_CONFIG_HOME/knik/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Where PINs come from.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinSourceKind {
    /// pinentry when a desktop is available, else the terminal.
    Auto,
    /// Ask on the terminal without echo.
    Terminal,
    /// A pinentry program (GnuPG's Assuan protocol).
    Pinentry,
    /// One PIN per line on standard input (automation).
    Stdin,
    /// KNIK_PIN1 / KNIK_PIN2 / KNIK_PUK and KNIK_NEW_PIN1 / … (automation).
    Env,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Cards and card readers.
    #[command(subcommand)]
    Card(CardCommand),
}

/// `knik card …`
#[derive(Subcommand, Debug)]
pub enum CardCommand {
    /// List card readers and the cards in them.
    List {
        /// Keep running and report readers and cards as they come and go (Ctrl-C to stop).
        #[arg(long)]
        watch: bool,
        /// With --watch: stop after this many seconds.
        #[arg(long, value_name = "SECONDS", requires = "watch")]
        timeout: Option<u64>,
    },
    /// Show the card holder, the document, the certificates and the PIN retry counters.
    Info,
    /// Write the card's certificates to a directory (auth.pem, sign.pem and DER copies).
    Certs {
        /// Directory to write to (created if missing).
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
    },
    /// Prove the card works for logging in: sign a challenge with the authentication key
    /// (asks for PIN1) and check the signature against the card's certificate.
    Authenticate {
        /// The challenge to sign (text); default: 32 random bytes.
        #[arg(long, value_name = "TEXT")]
        challenge: Option<String>,
    },
    /// Manage PINs.
    #[command(subcommand)]
    Pin(PinCommand),
}

/// `knik card pin …`
#[derive(Subcommand, Debug)]
pub enum PinCommand {
    /// Show how many tries are left for PIN1, PIN2 and the PUK.
    Status,
    /// Check a PIN without using it for anything (costs a try when wrong).
    Verify {
        /// Which PIN.
        #[arg(value_enum)]
        which: PinArg,
    },
    /// Change PIN1, PIN2 or the PUK (asks for the current one and the new one twice).
    Change {
        /// Which PIN.
        #[arg(value_enum)]
        which: PinArg,
    },
    /// Unblock PIN1 or PIN2 with the PUK and set a new PIN.
    Unblock {
        /// Which PIN.
        #[arg(value_enum)]
        which: UnblockArg,
    },
}

/// A PIN named on the command line.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinArg {
    /// The authentication PIN.
    Pin1,
    /// The signing PIN.
    Pin2,
    /// The PIN unblocking key.
    Puk,
}

/// A PIN the PUK can unblock.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnblockArg {
    /// The authentication PIN.
    Pin1,
    /// The signing PIN.
    Pin2,
}

impl From<PinArg> for knik_card::pin::PinKind {
    fn from(p: PinArg) -> Self {
        match p {
            PinArg::Pin1 => knik_card::pin::PinKind::Pin1,
            PinArg::Pin2 => knik_card::pin::PinKind::Pin2,
            PinArg::Puk => knik_card::pin::PinKind::Puk,
        }
    }
}

impl From<UnblockArg> for knik_card::pin::PinKind {
    fn from(p: UnblockArg) -> Self {
        match p {
            UnblockArg::Pin1 => knik_card::pin::PinKind::Pin1,
            UnblockArg::Pin2 => knik_card::pin::PinKind::Pin2,
        }
    }
}
