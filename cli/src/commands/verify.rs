//! `knik verify`, `knik extract`: reading signed containers.

use std::fmt::Write as _;

use knik::Verdict;
use knik::report::{Finding, Report, Severity, SignatureReport};
use knik::verify::{VerifyOptions, verify_file};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::args::{ExtractArgs, VerifyArgs};
use crate::commands::{card, trust};
use crate::config::Config;
use crate::error::CliError;
use crate::output::Output;

/// `knik verify`
pub fn run_verify(args: &VerifyArgs, config: &Config, out: Output) -> Result<(), CliError> {
    let options = VerifyOptions {
        trust: trust::store(&args.trust, config)?,
        chain: trust::intermediates(&args.intermediates, config)?,
        policies: card::policies(config)?,
        at: args.at.as_deref().map(validation_time).transpose()?,
    };
    let report = verify_file(&args.file, &options)?;
    let value = serde_json::to_value(&report).unwrap_or_default();
    out.result(&human(&report), &value);
    match report.verdict {
        Verdict::Valid => Ok(()),
        v => Err(CliError::Verdict(v)),
    }
}

/// `--at`: an RFC 3339 time, years 1 to 9998 (the report writes four-digit years).
fn validation_time(text: &str) -> Result<OffsetDateTime, CliError> {
    let usage = |why: String| CliError::Usage(format!("--at {text:?}: {why}"));
    let t = OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
        usage(format!(
            "not an RFC 3339 time such as 2027-01-31T12:00:00Z ({e})"
        ))
    })?;
    if (1..=9998).contains(&t.year()) {
        Ok(t)
    } else {
        Err(usage("the year must be between 1 and 9998".to_owned()))
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "VALID",
        Verdict::Indeterminate => "INDETERMINATE",
        Verdict::Invalid => "INVALID",
    }
}

fn when(rfc3339: &str) -> String {
    rfc3339.replacen('T', " ", 1).replace('Z', " UTC")
}

fn findings(text: &mut String, list: &[Finding]) {
    for f in list {
        let tag = match f.severity {
            Severity::Error => "error",
            Severity::Indeterminate => "cannot confirm",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        let _ = writeln!(text, "    {tag}: {} [{}]", f.message, f.code);
    }
}

fn signer_line(s: &SignatureReport) -> String {
    let Some(p) = &s.signer else {
        return "unknown signer".into();
    };
    let name = match (&p.given_name, &p.surname) {
        (Some(g), Some(f)) => format!("{g} {f}"),
        _ => p.common_name.clone().unwrap_or_else(|| p.subject.clone()),
    };
    let mut line = name;
    if let Some(n) = &p.personal_number {
        let _ = write!(line, ", personal number {n}");
        if let Some(c) = &p.country {
            let _ = write!(line, " ({c})");
        }
    }
    if let Some(k) = &p.document_kind {
        let _ = write!(line, ", {k}");
    }
    line
}

/// The report in words a citizen understands.
pub fn human(report: &Report) -> String {
    let mut t = String::new();
    let file = report.file.as_deref().unwrap_or("container");
    let _ = writeln!(t, "{}: {}", verdict_word(report.verdict), file);
    let names: Vec<&str> = report
        .container
        .data_files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let _ = writeln!(
        t,
        "  {} file(s): {}",
        names.len(),
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    );
    if !report.container.findings.is_empty() {
        let _ = writeln!(t, "  container ({}):", report.container.structure);
        findings(&mut t, &report.container.findings);
    }
    for s in &report.signatures {
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "Signature {} ({}): {}, level {}",
            if s.id.is_empty() { "?" } else { &s.id },
            s.file,
            verdict_word(s.verdict),
            s.level
        );
        let _ = writeln!(t, "  Signed by:  {}", signer_line(s));
        if let Some(p) = &s.signer {
            let _ = writeln!(t, "  Certificate: issued by {}", p.issuer);
        }
        match (&s.proven_signing_time, &s.claimed_signing_time) {
            (Some(p), _) => {
                let tsa = s
                    .timestamps
                    .iter()
                    .find(|x| x.kind == "signature" && x.intact)
                    .map(|x| x.authority.as_str())
                    .unwrap_or("?");
                let _ = writeln!(
                    t,
                    "  Signed at:  {} — proven by a time-stamp from {tsa}",
                    when(p)
                );
            }
            (None, Some(c)) => {
                let _ = writeln!(
                    t,
                    "  Signed at:  {} — as the signer's computer claims (no time-stamp proves it)",
                    when(c)
                );
            }
            _ => {}
        }
        if let Some(r) = &s.revocation {
            let _ = writeln!(
                t,
                "  Certificate status: {} (OCSP answer from {} at {})",
                r.status,
                r.responder,
                when(&r.produced_at)
            );
        }
        if s.timestamps.iter().any(|x| x.kind == "archive") {
            let _ = writeln!(t, "  Archived:   with an archive time-stamp (B-LTA)");
        }
        let _ = writeln!(t, "  Covers:     {}", s.signed_files.join(", "));
        findings(&mut t, &s.findings);
    }
    if report.signatures.is_empty() {
        let _ = writeln!(t, "\nThe container has no signatures.");
    }
    t
}

/// `knik extract`
pub fn run_extract(args: &ExtractArgs, out: Output) -> Result<(), CliError> {
    let file = std::fs::File::open(&args.file).map_err(|e| CliError::Io {
        path: args.file.display().to_string(),
        message: e.to_string(),
    })?;
    let mut container =
        knik_asic::Container::open(std::io::BufReader::new(file)).map_err(knik::Error::from)?;
    let dir = args.dir.clone().unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir).map_err(|e| CliError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let written = container
        .extract_data_files(&dir, args.force)
        .map_err(knik::Error::from)?;
    let mut text = String::new();
    for p in &written {
        let _ = writeln!(text, "{}", p.display());
    }
    out.result(
        &text,
        &json!({ "written": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>() }),
    );
    Ok(())
}
