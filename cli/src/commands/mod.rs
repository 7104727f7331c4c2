//! One module per command group.

pub mod card;

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
    }
}
