//! Every container of the real-world corpus in `../shared/interop` (digidoc4j's and
//! libdigidocpp's public test files, see its README.md) through the facade's
//! [`knik::verify::verify`], with no trust anchors (the corpus is signed under the Estonian test
//! and production PKIs, so trust may well be indeterminate).
//!
//! What it proves:
//! - no file crashes the verifier or takes longer than [`TIME_LIMIT`];
//! - every container of a `valid` folder is structurally sound (no Error among the container
//!   findings) and cryptographically intact (no Error finding at all, and no integrity code at
//!   any severity: SignatureValue, reference digests, SignedProperties, signing certificate
//!   binding, time-stamps, OCSP responses), except the few named in [`KNOWN_VALID_FAILURES`],
//!   each with the reason;
//! - every container of an `invalid` folder gets a reason: at least one Error or
//!   Indeterminate finding with a code (listed file by file in the summary);
//! - knik agrees with xmlsec1 (`xmlsec1-verdicts.tsv`) at the facade: where xmlsec1's re-check
//!   found an integrity failure or a URI that names no entry, knik's verdict is `invalid`;
//!   where xmlsec1 verified every signature of a container, knik reports no broken digest or
//!   SignatureValue.
//!
//! The counts (files, valid ones intact, invalid ones with a reason, a histogram of codes)
//! go to stderr (`cargo test -- --nocapture`) and to `interop_corpus_summary.txt` in
//! `CARGO_TARGET_TMPDIR`. Skips, saying so, when `../shared/interop` is absent: the corpus is
//! data of other projects that stays outside the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use knik::report::{Report, Severity};
use knik::verify::{VerifyOptions, codes as facade};
use knik_xades::xades::codes as xades;

/// The longest one container may take (a debug build on two cores takes well under a second).
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Codes that mean the signed content, the signature or its evidence does not check out.
/// None may appear, at any severity, for a container of a `valid` folder.
const INTEGRITY_CODES: &[&str] = &[
    xades::SIGNATURE_VALUE_INVALID,
    xades::DATA_DIGEST_MISMATCH,
    xades::REFERENCE_NOT_FOUND,
    xades::REFERENCE_DIGEST_MISMATCH,
    xades::SIGNED_PROPERTIES_DIGEST_MISMATCH,
    xades::SIGNED_PROPERTIES_NOT_REFERENCED,
    xades::SIGNING_CERTIFICATE_MISMATCH,
    xades::SIGNING_CERTIFICATE_ISSUER_SERIAL_MISMATCH,
    xades::TIMESTAMP_INVALID,
    xades::TIMESTAMP_IMPRINT_MISMATCH,
    xades::ARCHIVE_TIMESTAMP_INVALID,
    xades::ARCHIVE_TIMESTAMP_IMPRINT_MISMATCH,
    facade::REFERENCE_NOT_IN_CONTAINER,
    facade::OCSP_INVALID,
    facade::OCSP_CERT_MISMATCH,
];

/// Codes that say a digest or a SignatureValue does not match: what xmlsec1 also checks.
const DIGEST_OR_VALUE_CODES: &[&str] = &[
    xades::SIGNATURE_VALUE_INVALID,
    xades::DATA_DIGEST_MISMATCH,
    xades::REFERENCE_DIGEST_MISMATCH,
    xades::SIGNED_PROPERTIES_DIGEST_MISMATCH,
];

/// Containers of `valid` folders that knik does not pass, why, and the exact Error codes they
/// get. Nothing else may fail; each entry must still fail exactly so (a fix shows up here).
const KNOWN_VALID_FAILURES: &[(&str, &[&str], &str)] = &[
    (
        "digidoc4j/test-valid-containers/asice-1000-signatures.asice",
        &["ZIP_NOT_ZIP"],
        "corpus property: the copy in shared/interop is an empty file (0 bytes)",
    ),
    (
        "digidoc4j/test-valid-containers/bdoc-tm-1000-signatures.bdoc",
        &["ZIP_NOT_ZIP"],
        "corpus property: the copy in shared/interop is an empty file (0 bytes)",
    ),
    (
        "digidoc4j/test-valid-containers/valid_bdoc_tm_signed_with_valid_cert_expired_by_now.bdoc",
        &[xades::UNSUPPORTED_ALGORITHM],
        "knik-pki limitation: rsa-sha224 (SHA-224 is not implemented)",
    ),
    (
        "digidoc4j/test-valid-containers/asics_with_one_signature.bdoc",
        &["DATA_FILE_NOT_IN_MANIFEST"],
        "knik-asic strictness: a macOS archiver added __MACOSX/._* resource forks that no \
         manifest lists; digidoc4j ignores them, knik reports each (the signature is intact)",
    ),
];

/// Containers where xmlsec1 says every signature verifies and knik rightly disagrees.
const XMLSEC1_WRONG: &[(&str, &str)] = &[(
    "libdigidocpp/forged_lt.asice",
    "key substitution: KeyInfo carries two certificates and xmlsec1 verifies with whichever \
     key fits; the first one, the signer's by XAdES rules, did not sign",
)];

/// The libdigidocpp files are not sorted into folders: what each one is for in its suite.
const LIBDIGIDOCPP: &[(&str, bool)] = &[
    ("asice-path.asice", true), // a data file in a folder: fine (no signature)
    ("asice-relative.asice", false), // "folder/../test1.txt": must be refused
    ("dot.asice", false),       // an entry named ".": must be refused
    ("forged_lt.asice", false), // key substitution
    ("pt-empty.asice", false),  // manifest entry with an empty full-path
    ("test.asice", true),
    ("tsl.asice", true),
];

fn interop_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/interop");
    if dir.join("README.md").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: the interoperability corpus {} is absent",
            dir.display()
        );
        None
    }
}

/// Every file under `dir`, relative, sorted; the corpus's own README and xmlsec1's verdicts
/// are not containers.
fn corpus_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read a corpus folder") {
            let path = entry.expect("a corpus entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under the root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.retain(|f| f != "README.md" && f != "xmlsec1-verdicts.tsv");
    out.sort();
    out
}

/// Whether the corpus says the container is valid (its folder, or libdigidocpp's table).
fn expected_valid(rel: &str) -> bool {
    if let Some(name) = rel.strip_prefix("libdigidocpp/") {
        return LIBDIGIDOCPP
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{rel}: new libdigidocpp file, add it to LIBDIGIDOCPP"))
            .1;
    }
    let folder = rel.split('/').nth(1).unwrap_or_default();
    match folder {
        f if f.ends_with("-invalid-containers") => false,
        f if f.ends_with("-valid-containers") => true,
        _ => panic!("{rel}: a folder this test does not know"),
    }
}

/// Verifies one file in a thread of its own, so that a hang becomes a failure, not a stuck
/// test.
fn verify_with_time_limit(path: &Path) -> Result<(Report, Duration), String> {
    let (tx, rx) = mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::Builder::new()
        .name(format!("verify {}", path.display()))
        .spawn(move || {
            let started = Instant::now();
            let bytes = std::fs::read(&owned).expect("read a corpus file");
            let report =
                knik::verify::verify(std::io::Cursor::new(bytes), &VerifyOptions::default());
            // The receiver is gone only after a time-out, which is reported already.
            let _ = tx.send((report, started.elapsed()));
        })
        .expect("spawn a verifier thread");
    match rx.recv_timeout(TIME_LIMIT) {
        Ok(done) => Ok(done),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("still running after {TIME_LIMIT:?}")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("the verifier panicked".to_owned()),
    }
}

/// Every finding of a report: (code, severity).
fn findings(report: &Report) -> impl Iterator<Item = (&str, Severity)> {
    report
        .container
        .findings
        .iter()
        .chain(report.signatures.iter().flat_map(|s| s.findings.iter()))
        .map(|f| (f.code.as_str(), f.severity))
}

fn codes_at(report: &Report, severity: Severity) -> BTreeSet<&str> {
    findings(report)
        .filter(|(_, s)| *s == severity)
        .map(|(c, _)| c)
        .collect()
}

/// Messages of a report's Error findings, for failure output.
fn errors_explained(report: &Report) -> String {
    report
        .container
        .findings
        .iter()
        .chain(report.signatures.iter().flat_map(|s| s.findings.iter()))
        .filter(|f| f.severity >= Severity::Indeterminate)
        .map(|f| format!("\n      {:?} {}: {}", f.severity, f.code, f.message))
        .collect()
}

/// xmlsec1's rows by container: (every signature OK, some row is an integrity failure or a
/// URI that names no entry).
fn xmlsec1_verdicts(dir: &Path) -> BTreeMap<String, (bool, bool)> {
    let tsv =
        std::fs::read_to_string(dir.join("xmlsec1-verdicts.tsv")).expect("xmlsec1-verdicts.tsv");
    let mut out: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (container, verdict) = (f[0], f.get(5).copied().unwrap_or_default());
        let assessment = f.get(7).copied().unwrap_or_default();
        let entry = out.entry(container.to_owned()).or_insert((true, false));
        entry.0 &= verdict == "OK";
        entry.1 |= matches!(assessment, "integrity-failure" | "uri-name-mismatch");
    }
    out
}

#[derive(Default)]
struct Tally {
    files: usize,
    valid: usize,
    valid_intact: usize,
    valid_known: Vec<String>,
    invalid: usize,
    invalid_with_reason: usize,
    invalid_beyond_trust: usize,
    invalid_list: Vec<String>,
    xmlsec1_all_ok: usize,
    xmlsec1_failures: usize,
    histogram: BTreeMap<String, usize>,
    slowest: (Duration, String),
    problems: Vec<String>,
}

/// Indeterminate codes that any signature under a foreign, unconfigured PKI gets.
const TRUST_ONLY: &[&str] = &[
    facade::SIGNER_NOT_TRUSTED,
    facade::SIGNER_CERT_NOT_VALID,
    facade::TIMESTAMP_NOT_TRUSTED,
    facade::OCSP_RESPONDER_NOT_TRUSTED,
    facade::REVOCATION_UNKNOWN,
    facade::NO_TIMESTAMP,
];

impl Tally {
    fn valid_container(&mut self, rel: &str, report: &Report) {
        self.valid += 1;
        let errors = codes_at(report, Severity::Error);
        let integrity: BTreeSet<&str> = findings(report)
            .map(|(c, _)| c)
            .filter(|c| INTEGRITY_CODES.contains(c))
            .collect();
        if let Some((_, expected, why)) = KNOWN_VALID_FAILURES.iter().find(|(f, ..)| *f == rel) {
            let expected: BTreeSet<&str> = expected.iter().copied().collect();
            if errors == expected && integrity.is_empty() {
                self.valid_known
                    .push(format!("{rel}: {} ({why})", join(&errors)));
            } else {
                self.problems.push(format!(
                    "{rel}: expected exactly the Error codes {} ({why}), got {}; integrity \
                     codes {}{}",
                    join(&expected),
                    join(&errors),
                    join(&integrity),
                    errors_explained(report)
                ));
            }
            return;
        }
        if errors.is_empty() && integrity.is_empty() {
            self.valid_intact += 1;
        } else {
            self.problems.push(format!(
                "{rel} (valid folder): Error codes {}, integrity codes {}{}",
                join(&errors),
                join(&integrity),
                errors_explained(report)
            ));
        }
    }

    fn invalid_container(&mut self, rel: &str, report: &Report) {
        self.invalid += 1;
        let reasons: BTreeSet<&str> = findings(report)
            .filter(|(c, s)| *s >= Severity::Indeterminate && !c.is_empty())
            .map(|(c, _)| c)
            .collect();
        if reasons.is_empty() {
            self.problems.push(format!(
                "{rel} (invalid folder): no Error or Indeterminate finding"
            ));
        } else {
            self.invalid_with_reason += 1;
        }
        let specific = reasons.iter().any(|c| !TRUST_ONLY.contains(c));
        self.invalid_beyond_trust += usize::from(specific);
        self.invalid_list.push(format!(
            "{rel} → {:?}: {}{}",
            report.verdict,
            join(&reasons),
            if specific { "" } else { "  (trust/time only)" }
        ));
    }

    /// The independent check: xmlsec1's verdicts on digests and SignatureValues.
    fn compare_with_xmlsec1(
        &mut self,
        rel: &str,
        (all_ok, integrity_failure): (bool, bool),
        report: &Report,
    ) {
        let broken: BTreeSet<&str> = findings(report)
            .map(|(c, _)| c)
            .filter(|c| DIGEST_OR_VALUE_CODES.contains(c))
            .collect();
        if integrity_failure {
            self.xmlsec1_failures += 1;
            if report.verdict != knik::Verdict::Invalid {
                self.problems.push(format!(
                    "{rel}: xmlsec1's re-check found an integrity failure, knik says {:?}{}",
                    report.verdict,
                    errors_explained(report)
                ));
            }
        }
        if !all_ok {
            return;
        }
        self.xmlsec1_all_ok += 1;
        if XMLSEC1_WRONG.iter().any(|(f, _)| *f == rel) {
            if !broken.contains(xades::SIGNATURE_VALUE_INVALID) {
                self.problems.push(format!(
                    "{rel}: knik must refuse the SignatureValue (key substitution){}",
                    errors_explained(report)
                ));
            }
        } else if !broken.is_empty() {
            self.problems.push(format!(
                "{rel}: xmlsec1 verified every signature, knik reports {}{}",
                join(&broken),
                errors_explained(report)
            ));
        }
    }

    fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "interop corpus: {} files", self.files);
        let _ = writeln!(
            s,
            "  valid folders: {} containers, {} sound and intact, {} known failures:",
            self.valid,
            self.valid_intact,
            self.valid_known.len()
        );
        for k in &self.valid_known {
            let _ = writeln!(s, "    {k}");
        }
        let _ = writeln!(
            s,
            "  invalid folders: {} containers, {} with a coded reason ({} with a reason beyond \
             trust and time):",
            self.invalid, self.invalid_with_reason, self.invalid_beyond_trust
        );
        for line in &self.invalid_list {
            let _ = writeln!(s, "    {line}");
        }
        let _ = writeln!(
            s,
            "  against xmlsec1: {} containers it verified (knik finds no broken digest or \
             SignatureValue, except {} it gets wrong), {} integrity failures it found (knik: \
             invalid)",
            self.xmlsec1_all_ok,
            XMLSEC1_WRONG.len(),
            self.xmlsec1_failures
        );
        let _ = writeln!(s, "  findings by code (occurrences, any severity):");
        for (code, n) in &self.histogram {
            let _ = writeln!(s, "    {n:5} {code}");
        }
        let _ = writeln!(s, "  slowest: {:.2?} {}", self.slowest.0, self.slowest.1);
        let _ = writeln!(s, "  problems: {}", self.problems.len());
        s
    }
}

fn join(codes: &BTreeSet<&str>) -> String {
    if codes.is_empty() {
        "(none)".to_owned()
    } else {
        codes.iter().copied().collect::<Vec<_>>().join(" ")
    }
}

#[test]
fn every_corpus_container_verifies_without_crash_and_as_its_folder_says() {
    let Some(dir) = interop_dir() else { return };
    let xmlsec1 = xmlsec1_verdicts(&dir);
    let mut tally = Tally::default();
    for rel in corpus_files(&dir) {
        tally.files += 1;
        let path = dir.join(&rel);
        let (report, took) = match verify_with_time_limit(&path) {
            Ok(done) => done,
            Err(why) => {
                tally.problems.push(format!("{rel}: {why}"));
                continue;
            }
        };
        if took > tally.slowest.0 {
            tally.slowest = (took, rel.clone());
        }
        for (code, _) in findings(&report) {
            *tally.histogram.entry(code.to_owned()).or_default() += 1;
        }
        if expected_valid(&rel) {
            tally.valid_container(&rel, &report);
        } else {
            tally.invalid_container(&rel, &report);
        }
        if let Some(&verdict) = xmlsec1.get(&rel) {
            tally.compare_with_xmlsec1(&rel, verdict, &report);
        }
    }
    let summary = tally.summary();
    eprintln!("{summary}");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop_corpus_summary.txt");
    std::fs::write(&out, &summary).expect("write the summary");
    eprintln!("summary written to {}", out.display());

    assert!(
        tally.files >= 140,
        "only {} corpus files found",
        tally.files
    );
    // Every known failure must still be there (one that passes now is a fix to record).
    assert_eq!(
        tally.valid_known.len(),
        KNOWN_VALID_FAILURES.len(),
        "a known failure changed; see the problems"
    );
    assert!(
        tally.problems.is_empty(),
        "{} problems:\n  {}",
        tally.problems.len(),
        tally.problems.join("\n  ")
    );
}
