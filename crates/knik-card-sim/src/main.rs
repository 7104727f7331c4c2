//! `knik-card-sim`: puts a virtual eID card into a pcscd reader through vsmartcard-vpcd.
//!
//! ```text
//! knik-card-sim --card test-vectors/cards/citizen.toml [--reader-slot 0|1] [--port N] [--slow-ms N]
//! ```
//! Logs one line per APDU on stderr (PIN blocks masked) and exits when vpcd closes the
//! connection (pcscd stopped).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use knik_card_sim::{ApduLog, Faults, VPCD_PORT, VirtualCard, VpcdEnd, run_vpcd};

#[derive(Parser)]
#[command(
    name = "knik-card-sim",
    about = "Virtual eID card for pcscd (vsmartcard-vpcd)"
)]
struct Args {
    /// Personalisation file, e.g. test-vectors/cards/citizen.toml.
    #[arg(long)]
    card: PathBuf,
    /// vpcd reader slot: 0 = "Virtual PCD 00 00" (port 35963), 1 = "Virtual PCD 00 01" (35964).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=1))]
    reader_slot: u16,
    /// vpcd TCP port (overrides --reader-slot).
    #[arg(long)]
    port: Option<u16>,
    /// vpcd host.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Wait this many milliseconds before answering each APDU.
    #[arg(long, default_value_t = 0)]
    slow_ms: u64,
    /// Do not log APDUs.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let card = match VirtualCard::load(&args.card) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("knik-card-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let port = args.port.unwrap_or(VPCD_PORT + args.reader_slot);
    let addr = format!("{}:{port}", args.host);
    let faults = Faults::new();
    faults.set_delay(Duration::from_millis(args.slow_ms));
    let log = if args.quiet {
        ApduLog::Quiet
    } else {
        ApduLog::Stderr
    };
    eprintln!(
        "knik-card-sim: {} card from {} → vpcd at {addr} (ATR {})",
        card.profile_id(),
        args.card.display(),
        hex::encode_upper(card.atr())
    );
    let card = Arc::new(Mutex::new(card));
    match run_vpcd(&addr, &card, &faults, log) {
        Ok(VpcdEnd::Closed | VpcdEnd::Removed) => {
            eprintln!("knik-card-sim: card removed from the reader; exiting");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("knik-card-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
