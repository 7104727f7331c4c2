//! `knik-native-host --diagnose`: what is missing for the browser to reach the card, in the
//! order a helpdesk would check it — the host binary, its configuration, the smart-card
//! service, readers and cards, the PIN dialog, and the manifest of every browser.

use std::path::{Path, PathBuf};

use knik_card::Error as CardError;
use knik_card::pcsc::PcscContext;
use knik_card::pin_source::PinentrySource;
use serde_json::{Value, json};

use crate::install::{
    Browser, Layout, PLACEHOLDER_CHROMIUM_EXTENSION_ID, PLACEHOLDER_FIREFOX_EXTENSION_ID, Scope,
};
use crate::settings::{self, Settings};

/// How one finding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but something deserves attention.
    Warning,
    /// Stops the browser from using the card.
    Problem,
}

impl Status {
    /// "ok" / "warning" / "problem".
    pub fn id(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Problem => "problem",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What was looked at: host, configuration, pcsc, reader, pin-dialog, manifest, log.
    pub area: &'static str,
    /// How it stands.
    pub status: Status,
    /// A sentence saying what was found and, if needed, what to do.
    pub text: String,
}

/// Every finding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// In the order they were made.
    pub checks: Vec<Check>,
}

impl Report {
    fn add(&mut self, area: &'static str, status: Status, text: impl Into<String>) {
        self.checks.push(Check {
            area,
            status,
            text: text.into(),
        });
    }

    /// True when something stops the browser from using the card.
    pub fn has_problems(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Problem)
    }

    /// One line per finding.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for c in &self.checks {
            let mark = match c.status {
                Status::Ok => "ok     ",
                Status::Warning => "WARNING",
                Status::Problem => "PROBLEM",
            };
            s.push_str(&format!("{mark} {:<13} {}\n", c.area, c.text));
        }
        s.push_str(if self.has_problems() {
            "Something stops the browser from using the ID card: see PROBLEM above.\n"
        } else {
            "Nothing stops the browser from using the ID card.\n"
        });
        s
    }

    /// `{"ok": bool, "checks": [{"area", "status", "text"}]}`.
    pub fn to_json(&self) -> Value {
        json!({
            "ok": !self.has_problems(),
            "checks": self.checks.iter().map(|c| json!({
                "area": c.area,
                "status": c.status.id(),
                "text": c.text,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Looks at everything; `host` is this binary.
pub fn run(layout: &Layout, host: &Path) -> Report {
    let mut report = Report::default();
    check_host(&mut report, host);
    let settings = check_settings(&mut report);
    check_pcsc(&mut report, &settings);
    check_pin_dialog(&mut report);
    check_manifests(&mut report, layout, host);
    let log = match std::env::var_os("KNIK_HOST_LOG") {
        Some(v) if !v.is_empty() => PathBuf::from(v).display().to_string(),
        _ => crate::log::default_path()
            .map_or_else(|| "stderr".to_owned(), |p| p.display().to_string()),
    };
    report.add("log", Status::Ok, format!("the host logs to {log}"));
    report
}

fn check_host(report: &mut Report, host: &Path) {
    if is_executable(host) {
        report.add(
            "host",
            Status::Ok,
            format!("knik-native-host {} at {}", crate::VERSION, host.display()),
        );
    } else {
        report.add(
            "host",
            Status::Problem,
            format!("{} is not an executable file", host.display()),
        );
    }
}

fn check_settings(report: &mut Report) -> Settings {
    let path = settings::config_path();
    match Settings::load() {
        Ok(s) => {
            let place = match &path {
                Some(p) if p.exists() => format!("{}", p.display()),
                Some(p) => format!("none at {} (defaults)", p.display()),
                None => "none (defaults)".to_owned(),
            };
            let reader = s.reader.as_deref().map_or_else(
                || "first supported card".to_owned(),
                |r| format!("reader {r:?}"),
            );
            let dev = if s.allow_http_localhost {
                ", developer mode (http://localhost allowed)"
            } else {
                ""
            };
            report.add(
                "configuration",
                if s.allow_http_localhost {
                    Status::Warning
                } else {
                    Status::Ok
                },
                format!("configuration: {place}; card choice: {reader}{dev}"),
            );
            if let Err(e) = s.atr_table() {
                report.add("configuration", Status::Problem, e.to_string());
            }
            s
        }
        Err(e) => {
            report.add("configuration", Status::Problem, e.to_string());
            Settings::default()
        }
    }
}

fn check_pcsc(report: &mut Report, settings: &Settings) {
    let ctx = match PcscContext::establish() {
        Ok(ctx) => ctx,
        Err(CardError::ServiceUnavailable) => {
            report.add(
                "pcsc",
                Status::Problem,
                "the smart-card service pcscd is not running (sudo systemctl enable --now \
                 pcscd.socket)",
            );
            return;
        }
        Err(e) => {
            report.add("pcsc", Status::Problem, format!("smart-card service: {e}"));
            return;
        }
    };
    report.add(
        "pcsc",
        Status::Ok,
        "the smart-card service pcscd is running",
    );
    let readers = match ctx.list_readers() {
        Ok(r) => r,
        Err(e) => {
            report.add(
                "reader",
                Status::Problem,
                format!("cannot list readers: {e}"),
            );
            return;
        }
    };
    if readers.is_empty() {
        report.add("reader", Status::Problem, "no card reader is connected");
        return;
    }
    let table = settings.atr_table().unwrap_or_default();
    let mut supported = 0;
    for r in &readers {
        let profile = r.atr.as_deref().and_then(|a| table.identify(a));
        let (status, text) = match (r.card_present, profile) {
            (false, _) => (Status::Ok, "no card".to_owned()),
            (true, Some(p)) if p.apdu.is_some() => {
                supported += 1;
                (Status::Ok, format!("{} [{}]", p.name, p.id))
            }
            (true, Some(p)) => (
                Status::Warning,
                format!(
                    "{} [{}]: only through PKCS#11, which this host does not use",
                    p.name, p.id
                ),
            ),
            (true, None) => (
                Status::Warning,
                format!(
                    "a card knik does not support (ATR {})",
                    r.atr.as_deref().map(hex::encode_upper).unwrap_or_default()
                ),
            ),
        };
        report.add("reader", status, format!("{:?}: {text}", r.name));
    }
    if let Some(wanted) = &settings.reader
        && !readers.iter().any(|r| &r.name == wanted)
    {
        report.add(
            "reader",
            Status::Problem,
            format!("the configured reader {wanted:?} is not connected"),
        );
    }
    if supported == 0 {
        report.add(
            "reader",
            Status::Warning,
            "no supported ID card is inserted (insert one before using it in the browser)",
        );
    }
}

fn check_pin_dialog(report: &mut Report) {
    match PinentrySource::find() {
        Some(p) => {
            let name = p
                .program()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text_only = name.contains("curses") || name.contains("tty");
            if text_only {
                report.add(
                    "pin-dialog",
                    Status::Warning,
                    format!(
                        "PIN dialog {} draws on a terminal, which a browser does not give the \
                         host: install pinentry-gnome3 or pinentry-qt",
                        p.program().display()
                    ),
                );
            } else {
                report.add(
                    "pin-dialog",
                    Status::Ok,
                    format!("PIN dialog {}", p.program().display()),
                );
            }
        }
        None => report.add(
            "pin-dialog",
            Status::Problem,
            "no pinentry program: install pinentry-gnome3, pinentry-qt or pinentry-curses",
        ),
    }
}

fn check_manifests(report: &mut Report, layout: &Layout, host: &Path) {
    let mut registered = 0;
    for browser in Browser::ALL {
        let mut found = false;
        for scope in [Scope::User, Scope::System] {
            let Ok(paths) = layout.manifest_paths(browser, scope) else {
                continue;
            };
            for path in paths {
                if !path.exists() {
                    continue;
                }
                found = true;
                let (status, text) = judge_manifest(browser, &path, host);
                if status != Status::Problem {
                    registered += 1;
                }
                report.add(
                    "manifest",
                    status,
                    format!(
                        "{} ({}): {} — {text}",
                        browser.name(),
                        scope.id(),
                        path.display()
                    ),
                );
            }
        }
        if !found {
            report.add(
                "manifest",
                Status::Warning,
                format!(
                    "{}: not registered (knik-native-host install --browser {})",
                    browser.name(),
                    browser.id()
                ),
            );
        }
    }
    if registered == 0 {
        report.add(
            "manifest",
            Status::Problem,
            "no browser can start the host: run knik-native-host install",
        );
    }
}

/// Reads one manifest and says whether it leads to a working host.
fn judge_manifest(browser: Browser, path: &Path, host: &Path) -> (Status, String) {
    let value: Value = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => return (Status::Problem, format!("unreadable: {e}")),
    };
    if value["name"] != crate::HOST_NAME || value["type"] != "stdio" {
        return (
            Status::Problem,
            format!(
                "not a manifest for {} (name {}, type {})",
                crate::HOST_NAME,
                value["name"],
                value["type"]
            ),
        );
    }
    let Some(target) = value["path"].as_str().map(PathBuf::from) else {
        return (Status::Problem, "no path".to_owned());
    };
    if !is_executable(&target) {
        return (
            Status::Problem,
            format!("{} is not an executable file", target.display()),
        );
    }
    let key = if browser.is_firefox() {
        "allowed_extensions"
    } else {
        "allowed_origins"
    };
    let allowed: Vec<String> = value[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if allowed.is_empty() {
        return (
            Status::Problem,
            format!("no {key}: no extension may start it"),
        );
    }
    let placeholder = allowed.iter().any(|a| {
        a.contains(PLACEHOLDER_CHROMIUM_EXTENSION_ID) || a == PLACEHOLDER_FIREFOX_EXTENSION_ID
    });
    let same = same_file(&target, host);
    let mut status = Status::Ok;
    let mut text = format!("starts {} for {}", target.display(), allowed.join(", "));
    if !same {
        status = Status::Warning;
        text.push_str(&format!(" (not this binary, {})", host.display()));
    }
    if placeholder {
        status = Status::Warning;
        text.push_str(" (placeholder extension id: reinstall with --extension-id)");
    }
    (status, text)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}
