//! `knik-mobile-id-sim`: the loopback MID-REST service.
//!
//! ```text
//! knik-mobile-id-sim [--listen 127.0.0.1:8890] [--tls-cert PEM] [--tls-key PEM] [--pki DIR]
//!                    [--slow-user-ms 3000] [--session-expiry-s 300] [--quiet]
//! ```
//! Logs each request and each phone prompt on stderr; runs until killed (SIGTERM).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use knik_mobile_id_sim::{
    DEFAULT_PORT, RELYING_PARTY_NAME, SimConfig, Simulator, default_pki_dir, default_tls_cert,
    default_tls_key,
};

#[derive(Parser)]
#[command(
    name = "knik-mobile-id-sim",
    about = "Loopback Mobile-ID service (MID-REST over TLS) with test phone numbers",
    after_help = "Phone numbers and outcomes: test-vectors/mobile-id/README.md"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value_t = SocketAddr::from((Ipv4Addr::LOCALHOST, DEFAULT_PORT)))]
    listen: SocketAddr,
    /// TLS certificate (PEM) [default: test-vectors/mobile-id/sim-tls.pem]
    #[arg(long)]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PKCS#8 PEM) [default: test-vectors/mobile-id/sim-tls.key]
    #[arg(long)]
    tls_key: Option<PathBuf>,
    /// Test PKI directory with holders/mobile/ [default: test-vectors/pki]
    #[arg(long)]
    pki: Option<PathBuf>,
    /// When the slow user (+37400000009) confirms, in ms after the start.
    #[arg(long, default_value_t = 3_000)]
    slow_user_ms: u64,
    /// Forget a session after this many seconds without requests.
    #[arg(long, default_value_t = 300)]
    session_expiry_s: u64,
    /// Do not log requests and prompts.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = SimConfig {
        listen: args.listen,
        tls_cert: args.tls_cert.unwrap_or_else(default_tls_cert),
        tls_key: args.tls_key.unwrap_or_else(default_tls_key),
        pki_dir: args.pki.unwrap_or_else(default_pki_dir),
        slow_user_delay: Duration::from_millis(args.slow_user_ms),
        session_expiry: Duration::from_secs(args.session_expiry_s),
        log: !args.quiet,
        ..SimConfig::default()
    };
    let handle = match Simulator::start(config) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("knik-mobile-id-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "knik-mobile-id-sim: MID-REST on {} (relying party \"{RELYING_PARTY_NAME}\", TLS pin {})",
        handle.url(),
        handle.tls_pin()
    );
    handle.wait();
    ExitCode::SUCCESS
}
