//! `knik`: the command line of knik for citizens and residents of Armenia — read an ID card or
//! residence card, manage its PINs, sign documents into ASiC-E containers and verify them.
//!
//! Every command takes `--json` for programs; errors then come as
//! `{"error": {"code": "...", "message": "..."}}` on stdout. Exit codes are in docs/cli.md.

mod args;
mod commands;
mod config;
mod device;
mod error;
mod exit;
mod output;
mod pin;
mod progress;
mod trace;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = args::Cli::parse();
    let out = output::Output::new(args.global.json);
    match commands::run(&args) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => {
            // A verdict was already reported in full by `knik verify`.
            if !matches!(e, error::CliError::Verdict(_)) {
                out.error(&e);
            }
            ExitCode::from(e.exit_code())
        }
    }
}
