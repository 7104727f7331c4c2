//! `knik-native-host`: started by the browser, it speaks native messaging on stdin/stdout;
//! started by a person, it installs, removes or checks the browser registration.
//!
//! The browser passes arguments of its own (Chrome the calling extension's origin, Firefox the
//! manifest path and the add-on id, a sandboxed browser nothing at all), so anything that is
//! not one of the commands below means native messaging mode (reference/web-eid.md §1.1).

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use knik_native_host::diagnose;
use knik_native_host::install::{self, Browser, ExtensionIds, Layout, Scope};
use knik_native_host::log::Log;
use knik_native_host::operations::PcscOperations;
use knik_native_host::session::{self, Outcome, SessionConfig};
use knik_native_host::settings::Settings;
use knik_webeid::origin::OriginPolicy;

/// The words that make this a command-line run rather than a browser's.
const COMMAND_WORDS: [&str; 9] = [
    "install",
    "uninstall",
    "diagnose",
    "--diagnose",
    "help",
    "--help",
    "-h",
    "--version",
    "-V",
];

#[derive(Parser)]
#[command(
    name = "knik-native-host",
    version,
    about = "knik's native messaging host: the browser extension reaches the ID card through it",
    long_about = "knik's native messaging host: the browser extension reaches the ID card \
                  through it.\n\nStarted by the browser (any other arguments, or none), it \
                  speaks Web eID's native messaging protocol on stdin/stdout and logs to \
                  $KNIK_HOST_LOG or ~/.local/state/knik/native-host.log."
)]
struct Cli {
    /// Report what is missing for the browser to reach the card.
    #[arg(long)]
    diagnose: bool,
    /// With --diagnose: print the report as JSON.
    #[arg(long, requires = "diagnose")]
    json: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Write the host manifests so the browsers can start this host.
    Install(InstallArgs),
    /// Remove the host manifests.
    Uninstall(TargetArgs),
    /// The same as --diagnose.
    Diagnose {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct TargetArgs {
    /// For the current user (the default).
    #[arg(long, conflicts_with = "system")]
    user: bool,
    /// For every user of the machine (needs root).
    #[arg(long)]
    system: bool,
    /// Which browsers (repeatable).
    #[arg(long = "browser", value_enum, default_value = "all")]
    browsers: Vec<BrowserChoice>,
    /// Put the system directories under this staging directory (packaging).
    #[arg(long, requires = "system", value_name = "DIR")]
    destdir: Option<PathBuf>,
}

#[derive(Args)]
struct InstallArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Chromium-family extension id allowed to start the host (repeatable; default: the
    /// placeholder until knik's extension is published).
    #[arg(long = "extension-id", value_name = "ID")]
    extension_ids: Vec<String>,
    /// Firefox add-on id allowed to start the host (repeatable).
    #[arg(long = "firefox-extension-id", value_name = "ID")]
    firefox_extension_ids: Vec<String>,
    /// The host binary the manifests point at (default: this binary).
    #[arg(long, value_name = "PATH")]
    host_path: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BrowserChoice {
    All,
    Chromium,
    Chrome,
    Edge,
    Brave,
    Vivaldi,
    Firefox,
}

impl TargetArgs {
    fn scope(&self) -> Scope {
        if self.system {
            Scope::System
        } else {
            Scope::User
        }
    }

    fn browsers(&self) -> Vec<Browser> {
        let mut list: Vec<Browser> = Vec::new();
        for choice in &self.browsers {
            let add: &[Browser] = match choice {
                BrowserChoice::All => &Browser::ALL,
                BrowserChoice::Chromium => &[Browser::Chromium],
                BrowserChoice::Chrome => &[Browser::Chrome],
                BrowserChoice::Edge => &[Browser::Edge],
                BrowserChoice::Brave => &[Browser::Brave],
                BrowserChoice::Vivaldi => &[Browser::Vivaldi],
                BrowserChoice::Firefox => &[Browser::Firefox],
            };
            for b in add {
                if !list.contains(b) {
                    list.push(*b);
                }
            }
        }
        list
    }

    fn layout(&self) -> Layout {
        Layout::from_env(self.destdir.clone())
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let first = args.get(1).and_then(|a| a.to_str());
    if first.is_some_and(|a| COMMAND_WORDS.contains(&a)) {
        return command_line(Cli::parse_from(args));
    }
    native_messaging(first)
}

/// One native messaging session on stdin/stdout.
fn native_messaging(caller: Option<&str>) -> ExitCode {
    let log = Log::open_default();
    let hook_log = log.path().map(PathBuf::from);
    std::panic::set_hook(Box::new(move |info| {
        // Never stdout; the session answers the browser itself.
        let text = format!("panic: {info}");
        match &hook_log {
            Some(p) => Log::file(p).line(text),
            None => Log::stderr().line(text),
        }
    }));
    if std::io::stdin().is_terminal() {
        eprintln!(
            "knik-native-host speaks native messaging on stdin/stdout for the browser; \
             see knik-native-host --help"
        );
    }
    log.line(format!(
        "knik-native-host {} started by {}",
        knik_native_host::VERSION,
        caller.unwrap_or("a browser without arguments")
    ));
    let settings = Settings::load();
    if let Err(e) = &settings {
        log.line(e.to_string());
    }
    let config = SessionConfig {
        version: knik_native_host::VERSION.to_owned(),
        origin_policy: settings
            .as_ref()
            .map_or(OriginPolicy::STRICT, Settings::origin_policy),
    };
    let mut ops = PcscOperations::new(settings, &log);
    let outcome = session::run(
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        &mut ops,
        &config,
        &log,
    );
    log.line(format!("done: {outcome:?}"));
    match outcome {
        Outcome::Answered { .. } | Outcome::Closed => ExitCode::SUCCESS,
        Outcome::OutputFailed(_) => ExitCode::FAILURE,
    }
}

fn command_line(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Install(a)) => run_install(&a),
        Some(Command::Uninstall(t)) => run_uninstall(&t),
        Some(Command::Diagnose { json }) => run_diagnose(json),
        None if cli.diagnose => run_diagnose(cli.json),
        None => {
            eprintln!(
                "knik-native-host: say install, uninstall or --diagnose (see --help); the \
                 browser starts it with its own arguments"
            );
            ExitCode::from(2)
        }
    }
}

fn this_binary() -> Result<PathBuf, String> {
    std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| format!("cannot tell where this binary is: {e}"))
}

fn run_install(a: &InstallArgs) -> ExitCode {
    let ids = match ExtensionIds::new(a.extension_ids.clone(), a.firefox_extension_ids.clone()) {
        Ok(ids) => ids,
        Err(e) => {
            eprintln!("knik-native-host: {e}");
            return ExitCode::from(2);
        }
    };
    let host = match a.host_path.clone().map_or_else(this_binary, Ok) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("knik-native-host: {e}");
            return ExitCode::FAILURE;
        }
    };
    if a.target.destdir.is_none() && !host.is_file() {
        eprintln!(
            "knik-native-host: warning: {} does not exist (yet)",
            host.display()
        );
    }
    if ids
        .chromium
        .iter()
        .any(|i| i == install::PLACEHOLDER_CHROMIUM_EXTENSION_ID)
        || ids
            .firefox
            .iter()
            .any(|i| i == install::PLACEHOLDER_FIREFOX_EXTENSION_ID)
    {
        eprintln!(
            "knik-native-host: warning: a placeholder extension id is used; pass \
             --extension-id / --firefox-extension-id once the extension is published"
        );
    }
    let t = &a.target;
    match install::install(&t.layout(), t.scope(), &t.browsers(), &host, &ids) {
        Ok(changes) => {
            for c in changes {
                println!("wrote {} ({})", c.path.display(), c.browser.name());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("knik-native-host: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_uninstall(t: &TargetArgs) -> ExitCode {
    match install::uninstall(&t.layout(), t.scope(), &t.browsers()) {
        Ok(changes) => {
            if changes.is_empty() {
                println!("no manifest to remove");
            }
            for c in changes {
                println!("removed {} ({})", c.path.display(), c.browser.name());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("knik-native-host: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_diagnose(json: bool) -> ExitCode {
    let host = this_binary().unwrap_or_default();
    let report = diagnose::run(&Layout::from_env(None), &host);
    if json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    if report.has_problems() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
