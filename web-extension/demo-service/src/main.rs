//! `knik-demo-service`: the demo e-service on `http://localhost:PORT`.
//!
//! ```text
//! knik-demo-service [--port 8080] [--origin URL] [--trust PEM]... [--ocsp aia|off]
//!                   [--tsa URL]
//! ```
//! Logged-in people can sign a document at B-LT: time-stamps from `--tsa` (default the loopback
//! TSA of `scripts/services.sh`), OCSP at the responder the signing certificate names.
//! Prints `listening on http://localhost:PORT` on stdout once it accepts connections (with
//! `--port 0` the system picks the port). Logs requests and login outcomes on stderr.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, ValueEnum};
use knik_demo_service::{App, AppConfig, SigningConfig, server};
use knik_pki::TrustStore;

#[derive(Parser)]
#[command(
    name = "knik-demo-service",
    about = "Demo e-service: log in with the ID card through knik's browser extension"
)]
struct Args {
    /// Port on 127.0.0.1 (and [::1] when available); 0 lets the system choose.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The site origin tokens must be signed for (default http://localhost:PORT).
    #[arg(long)]
    origin: Option<String>,
    /// Trusted CA certificates, PEM or DER, several per file allowed (default: the test PKI's
    /// root and issuing CAs).
    #[arg(long)]
    trust: Vec<PathBuf>,
    /// Revocation checking: at the OCSP responders the certificates name, or none.
    #[arg(long, value_enum, default_value_t = Ocsp::Aia)]
    ocsp: Ocsp,
    /// The time-stamp authority for signatures (B-LT needs one).
    #[arg(long, default_value = "http://127.0.0.1:8889/")]
    tsa: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum Ocsp {
    /// OCSP at each certificate's authorityInfoAccess responder.
    Aia,
    /// No revocation check (a revoked card logs in: demos only).
    Off,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("knik-demo-service: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("listening address: {e}"))?
        .port();
    let trust_files = if args.trust.is_empty() {
        let pki = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/pki");
        eprintln!(
            "knik-demo-service: no --trust given: trusting the test PKI in {}",
            pki.display()
        );
        ["root", "citizen-ca", "resident-ca", "mobile-id-ca"]
            .iter()
            .map(|ca| pki.join(format!("{ca}.pem")))
            .collect()
    } else {
        args.trust
    };
    let mut trust = TrustStore::new();
    for file in &trust_files {
        trust
            .add_file(file)
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let signing = SigningConfig {
        tsa_url: args.tsa,
        // The CAs complete the signers' chains in B-LT signatures.
        known_certificates: trust
            .anchors()
            .iter()
            .map(|a| a.certificate().clone())
            .collect(),
        work_dir: std::env::temp_dir(),
    };
    let app = App::new(AppConfig {
        origin: args
            .origin
            .unwrap_or_else(|| format!("http://localhost:{port}")),
        trust,
        ocsp: matches!(args.ocsp, Ocsp::Aia),
    })
    .map_err(|e| format!("configuration: {e}"))?
    .with_signing(signing);
    let app = Arc::new(app);
    // localhost may resolve to ::1 first; serve it too when the system has IPv6 loopback.
    if let Ok(v6) = TcpListener::bind(("::1", port)) {
        let app = Arc::clone(&app);
        std::thread::spawn(move || server::serve(v6, app));
    }
    eprintln!(
        "knik-demo-service: tokens checked for origin {}, OCSP {}",
        app.origin(),
        if matches!(args.ocsp, Ocsp::Aia) {
            "on"
        } else {
            "off"
        }
    );
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on http://localhost:{port}");
    let _ = out.flush();
    server::serve(listener, app);
    Ok(())
}
