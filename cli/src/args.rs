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
    /// Sign files into a new ASiC-E container (-o), or add a signature to an existing one.
    Sign(SignArgs),
    /// Check a signed container: who signed, when, whether it is intact and trusted.
    Verify(VerifyArgs),
    /// Copy the data files out of a container.
    Extract(ExtractArgs),
    /// Bring the signatures of a container to a higher level (e.g. B-LTA for archiving).
    Extend(ExtendArgs),
    /// Mobile ID (SIM-based): log in with your phone.
    #[command(subcommand)]
    MobileId(MobileIdCommand),
}

/// Options shared by the commands that talk to a time-stamp authority or an OCSP responder.
#[derive(Args, Debug, Clone, Default)]
pub struct ServiceArgs {
    /// RFC 3161 time-stamp authority (default: `[signing] tsa_url` in the configuration).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// OCSP responder (default: `[signing] ocsp_url`, else the certificate's own address).
    #[arg(long, value_name = "URL")]
    pub ocsp: Option<String>,
    /// CA certificates (PEM or DER, files or directories) to complete the signer's chain.
    #[arg(long, value_name = "FILE")]
    pub chain: Vec<PathBuf>,
}

/// Options of the commands that judge trust.
#[derive(Args, Debug, Clone, Default)]
pub struct TrustArgs {
    /// Trust anchors: certificate files (PEM/DER) or directories of them (repeatable; default:
    /// `[pki] trust` in the configuration).
    #[arg(long, value_name = "FILE|DIR")]
    pub trust: Vec<PathBuf>,
    /// An ETSI TS 119 612 trust list whose granted services become trust anchors (repeatable).
    #[arg(long, value_name = "FILE", requires = "tsl_signer")]
    pub tsl: Vec<PathBuf>,
    /// The certificate the trust list must be signed with.
    #[arg(long, value_name = "FILE")]
    pub tsl_signer: Vec<PathBuf>,
}

/// `knik sign`
#[derive(Args, Debug)]
pub struct SignArgs {
    /// Files to sign, or one existing container (.asice, .sce, .bdoc) to add a signature to.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The container to create.
    #[arg(short, long, value_name = "OUT.asice")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// B (signature only), T (+ time-stamp), LT (+ certificates and OCSP; the default), LTA
    /// (+ archive time-stamp).
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// Sign with the ID card or residence card in a reader (the default).
    #[arg(long, conflicts_with = "key")]
    pub card: bool,
    /// Sign with mobile ID on your phone (give --phone and --id; the service comes from
    /// `[mobile_id]` in the configuration or the --mid-* options).
    #[arg(long, conflicts_with_all = ["key", "card"])]
    pub mobile_id: bool,
    /// Mobile ID: who signs, and the service (boxed: most signatures are made without it).
    #[command(flatten)]
    pub mobile: Box<MobileIdArgs>,
    /// Sign with a software key: a PKCS#12 file (.p12/.pfx; password from KNIK_KEY_PASSWORD or
    /// asked) or a PEM private key with --cert.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The certificate of a PEM --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Canonicalization: c14n11 (default, libdigidocpp's), exc (DSS's; also for xadesjs).
    #[arg(long, value_name = "METHOD")]
    pub c14n: Option<String>,
    /// Write the older SigningCertificate (V1) instead of SigningCertificateV2.
    #[arg(long)]
    pub signing_certificate_v1: bool,
    /// Sign RSA keys with RSA-PSS (software keys only).
    #[arg(long)]
    pub rsa_pss: bool,
    /// The signer's role, e.g. "Director" (repeatable).
    #[arg(long, value_name = "TEXT")]
    pub role: Vec<String>,
    /// Where the signature is made: city.
    #[arg(long, value_name = "TEXT")]
    pub city: Option<String>,
    /// Where the signature is made: country (e.g. AM).
    #[arg(long, value_name = "TEXT")]
    pub country: Option<String>,
    /// Media type for every file signed (default: guessed from the extension).
    #[arg(long, value_name = "TYPE")]
    pub media_type: Option<String>,
    /// Time-stamp and OCSP services.
    #[command(flatten)]
    pub services: ServiceArgs,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// `knik mobile-id …`
#[derive(Subcommand, Debug)]
pub enum MobileIdCommand {
    /// Log in with mobile ID: prints the verification code, waits for you to confirm on the
    /// phone, checks the answer and the certificate, and prints who you are.
    Auth(MobileIdAuthArgs),
}

/// `knik mobile-id auth`
#[derive(Args, Debug)]
pub struct MobileIdAuthArgs {
    /// Who logs in, and the service.
    #[command(flatten)]
    pub mobile: MobileIdArgs,
    /// Trust anchors the mobile ID certificate must chain to.
    #[command(flatten)]
    pub trust: TrustArgs,
    /// CA certificates that may complete the chain (default: `[pki] chain`).
    #[arg(long = "chain", value_name = "FILE|DIR")]
    pub intermediates: Vec<PathBuf>,
}

/// The person and the mobile ID service (defaults: `[mobile_id]` in the configuration).
#[derive(Args, Debug, Clone, Default)]
pub struct MobileIdArgs {
    /// Mobile ID: your phone number in international form, e.g. +37491234567.
    #[arg(long, value_name = "NUMBER")]
    pub phone: Option<String>,
    /// Mobile ID: your personal number (public service number, 10 digits).
    #[arg(long = "id", value_name = "PSN")]
    pub national_id: Option<String>,
    /// Mobile ID service URL (default: `[mobile_id] url`).
    #[arg(long, value_name = "URL")]
    pub mid_url: Option<String>,
    /// Relying party name shown on the phone (default: `[mobile_id] relying_party_name`).
    #[arg(long, value_name = "NAME")]
    pub mid_relying_party_name: Option<String>,
    /// Relying party UUID (default: `[mobile_id] relying_party_uuid`; prefer the
    /// configuration: a command line is visible to other users).
    #[arg(long, value_name = "UUID")]
    pub mid_relying_party_uuid: Option<String>,
    /// A TLS pin of the service, base64 SHA-256 of its key (repeatable; replaces the
    /// configured pins).
    #[arg(long, value_name = "BASE64")]
    pub mid_pin: Vec<String>,
    /// A file of TLS pins, one per line (replaces the configured pins).
    #[arg(long, value_name = "FILE")]
    pub mid_pins_file: Option<PathBuf>,
    /// Language of the prompt on the phone: HYE, ENG, RUS, EST or LIT (default:
    /// `[mobile_id] language`, else HYE).
    #[arg(long, value_name = "LANG")]
    pub mid_language: Option<String>,
    /// A short text shown on the phone with the prompt.
    #[arg(long, value_name = "TEXT")]
    pub mid_display_text: Option<String>,
}

/// `knik verify`
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The container to check.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Trust anchors.
    #[command(flatten)]
    pub trust: TrustArgs,
    /// CA certificates that may complete a signer's chain without being trusted themselves
    /// (repeatable; default: `[pki] chain` in the configuration).
    #[arg(long = "chain", value_name = "FILE|DIR")]
    pub intermediates: Vec<PathBuf>,
    /// Judge the signatures as of this time (RFC 3339, e.g. 2027-01-31T12:00:00Z) instead of
    /// now: certificate validity and trust at that time; a signature time-stamped after it
    /// cannot be judged (TIMESTAMP_AFTER_VALIDATION_TIME).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// `knik extract`
#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// The container.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Directory to write to (created if missing; default: the current directory).
    #[arg(short = 'd', long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Replace files that exist.
    #[arg(long)]
    pub force: bool,
}

/// `knik extend`
#[derive(Args, Debug)]
pub struct ExtendArgs {
    /// The container to change (replaced atomically).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The level to reach: T, LT or LTA (LTA on a B-LTA signature renews its archive
    /// time-stamp).
    #[arg(long, value_name = "LEVEL", default_value = "LTA")]
    pub level: String,
    /// Time-stamp and OCSP services.
    #[command(flatten)]
    pub services: ServiceArgs,
    /// Trust anchors (to complete the signer's chain).
    #[command(flatten)]
    pub trust: TrustArgs,
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
