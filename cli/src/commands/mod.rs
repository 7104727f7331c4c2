//! One module per command group.

pub mod card;
pub mod mobile_id;
pub mod sign;
pub mod trust;
pub mod verify;

use crate::args::{Cli, Command};
use crate::config::Config;
use crate::error::CliError;
use crate::output::Output;

/// Runs the command the citizen typed.
pub fn run(cli: &Cli) -> Result<(), CliError> {
    let config = Config::load(cli.global.config.as_deref())?;
    let out = Output::new(cli.global.json);
    match &cli.command {
        Command::Card(c) => card::run(c, &cli.global, &config, out),
        Command::Sign(a) => sign::run_sign(a, &cli.global, &config, out),
        Command::Verify(a) => verify::run_verify(a, &config, out),
        Command::Extract(a) => verify::run_extract(a, out),
        Command::Extend(a) => sign::run_extend(a, &cli.global, &config, out),
        Command::MobileId(c) => mobile_id::run(c, &config, out),
    }
}
