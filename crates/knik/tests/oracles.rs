//! knik against independent XAdES / ASiC-E implementations (the "oracles" of
//! `scripts/oracles/`: xmlsec1, signxml, pyasice, xadesjs), in both directions, through the
//! facade.
//!
//! What it proves:
//! - containers knik signs ([`create_container`] with a [`SoftwareKey`] and the loopback
//!   [`Services`]) at B-LT, with C14N 1.1 and exclusive C14N, with an EC P-384 key (citizen)
//!   and an RSA-2048 key (legacy), over three data files whose names need URI encoding (a
//!   space; Armenian letters and `ü`; `%`, `#` and `+`), verify in xmlsec1 (chain to
//!   citizen-ca), signxml (every reference, SignedProperties, SigningCertificateV2, chain),
//!   pyasice (SignatureValue, time-stamp, the RSA-signed OCSP response of :8884, and the
//!   data-file digests) and, for exclusive C14N only (it has no C14N 1.1), xadesjs;
//! - containers pyasice produces (LT-TS, OCSP from :8884, TSA :8889) verify in knik as
//!   `valid` at B-LT once the issuing CA is known (pyasice embeds no CA certificate: with the
//!   root alone they are `indeterminate`, SIGNER_NOT_TRUSTED and REVOCATION_UNKNOWN and
//!   nothing else at that weight);
//! - containers xadesjs produces (B-B, exclusive and inclusive C14N 1.0) have no Error finding
//!   in knik: the Indeterminate codes are exactly NO_TIMESTAMP and REVOCATION_UNKNOWN (plus
//!   SIGNER_NOT_TRUSTED with the root alone), level B-B, every data file covered;
//! - a copy with one data-file byte changed (tamper.py) is rejected by xmlsec1 and by every
//!   other oracle present, and is `invalid` in knik with DATA_DIGEST_MISMATCH, so the
//!   harness can fail.
//!
//! Skips: `KNIK_SKIP_ORACLES=1` skips everything; a missing oracle (see
//! `scripts/install-oracles.sh`, `KNIK_ORACLES_DIR`) or unreachable services are skipped with
//! a message unless `KNIK_REQUIRE_SERVICES=1` (CI), where they fail.
#![cfg(feature = "online")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use knik::online::{OcspClient, Services, TsaClient};
use knik::report::{Report, Severity, Verdict};
use knik::sign::{InputFile, NoProgress, SignOptions, create_container};
use knik::signer::SoftwareKey;
use knik::verify::{VerifyOptions, codes, verify_file};
use knik::{Finding, Level};
use knik_pki::trust::TrustStore;
use knik_pki::{Certificate, HashAlgorithm};
use knik_xades::c14n::Algorithm;

const TSA: &str = "http://127.0.0.1:8889/";
/// citizen-ca's responder that signs with RSA: pyasice checks RSA-signed OCSP responses only.
const OCSP_RSA: &str = "http://127.0.0.1:8884/";

/// Data files whose names exercise URI encoding: a space; non-ASCII letters; `%`, `#`, `+`.
const DATA_FILES: [(&str, &[u8]); 3] = [
    ("hello world.txt", b"Hello from knik!\n"),
    ("Երևան ü.txt", "Բարև, Երևան։ Grüße.\n".as_bytes()),
    ("50% off #1+2.txt", b"percent, hash and plus\n"),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pki(relative: &str) -> PathBuf {
    repo().join("test-vectors/pki").join(relative)
}

fn oracle_script(name: &str) -> PathBuf {
    repo().join("scripts/oracles").join(name)
}

fn oracles_dir() -> PathBuf {
    match std::env::var_os("KNIK_ORACLES_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/knik-oracles")
        }
    }
}

fn required() -> bool {
    std::env::var("KNIK_REQUIRE_SERVICES").as_deref() == Ok("1")
}

/// `true` when the whole file is to be skipped (`KNIK_SKIP_ORACLES=1`).
fn oracles_switched_off() -> bool {
    if std::env::var("KNIK_SKIP_ORACLES").as_deref() == Ok("1") {
        eprintln!("SKIPPED: oracle cross-checks (KNIK_SKIP_ORACLES=1)");
        return true;
    }
    false
}

/// Something needed is not there: a failure in CI, a printed skip elsewhere.
fn unavailable(what: &str) {
    if required() {
        panic!("{what} (KNIK_REQUIRE_SERVICES=1: nothing may be skipped)");
    }
    eprintln!("SKIPPED: {what}");
}

/// `true` when the TSA and the RSA OCSP responder answer (one well-formed request each).
fn services_up() -> bool {
    if std::env::var("KNIK_SKIP_SERVICES").as_deref() == Ok("1") {
        unavailable("the loopback services are switched off (KNIK_SKIP_SERVICES=1)");
        return false;
    }
    let tsa = TsaClient::new().timestamp(TSA, HashAlgorithm::Sha256, &[7; 32]);
    let ocsp = OcspClient::new().fetch(
        Some(OCSP_RSA),
        &certificate("holders/citizen/sign.pem"),
        &certificate("citizen-ca.pem"),
    );
    for (service, result) in [("TSA", tsa.err()), ("OCSP", ocsp.err())] {
        if let Some(e) = result {
            if matches!(e, knik::online::Error::Unreachable { .. }) {
                unavailable(&format!(
                    "the {service} is down ({e}): start it with `scripts/services.sh up`"
                ));
                return false;
            }
            panic!("the {service} answered, but not usefully: {e}");
        }
    }
    true
}

fn certificate(relative: &str) -> Certificate {
    let pem = std::fs::read_to_string(pki(relative)).expect("read a test certificate");
    Certificate::from_pem(&pem).expect("a PEM certificate")
}

/// The test root only, as a relying party configures it.
fn trust_root() -> VerifyOptions {
    let mut trust = TrustStore::new();
    trust.add_file(&pki("root.pem")).expect("root.pem");
    VerifyOptions {
        trust,
        ..VerifyOptions::default()
    }
}

/// The root and the citizen issuing CA, as a trust list that names issuing CAs provides them.
fn trust_root_and_issuing_ca() -> VerifyOptions {
    let mut options = trust_root();
    options
        .trust
        .add_file(&pki("citizen-ca.pem"))
        .expect("citizen-ca.pem");
    options
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Oracle {
    Xmlsec1,
    Signxml,
    Pyasice,
    Xadesjs,
}

/// What an oracle said about a container.
struct Outcome {
    accepted: bool,
    output: String,
}

impl Oracle {
    const ALL: [Oracle; 4] = [
        Oracle::Xmlsec1,
        Oracle::Signxml,
        Oracle::Pyasice,
        Oracle::Xadesjs,
    ];

    fn name(self) -> &'static str {
        match self {
            Oracle::Xmlsec1 => "xmlsec1",
            Oracle::Signxml => "signxml",
            Oracle::Pyasice => "pyasice",
            Oracle::Xadesjs => "xadesjs",
        }
    }

    /// Why the oracle cannot run here, if it cannot.
    fn missing(self) -> Option<String> {
        let runs = |program: &str, arg: &str| {
            Command::new(program)
                .arg(arg)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let dir = oracles_dir();
        let absent = match self {
            Oracle::Xmlsec1 => (!runs("xmlsec1", "--version") || !runs("xmllint", "--version"))
                .then(|| "xmlsec1 / xmllint (apt install xmlsec1 libxml2-utils)".to_owned()),
            Oracle::Signxml | Oracle::Pyasice => {
                let venv = dir.join(format!("venv-{}/bin/python", self.name()));
                (!venv.exists()).then(|| venv.display().to_string())
            }
            Oracle::Xadesjs => {
                let module = dir.join("xadesjs/node_modules/xadesjs");
                (!runs("node", "--version") || !module.exists())
                    .then(|| format!("node and {}", module.display()))
            }
        };
        absent.map(|what| {
            format!(
                "{} is not installed ({what}): run scripts/install-oracles.sh",
                self.name()
            )
        })
    }

    /// The oracles of `wanted` that can run here; the others are reported as skipped (or
    /// fail the test in CI).
    fn available(wanted: &[Oracle]) -> Vec<Oracle> {
        wanted
            .iter()
            .copied()
            .filter(|o| match o.missing() {
                Some(why) => {
                    unavailable(&why);
                    false
                }
                None => true,
            })
            .collect()
    }

    fn verify(self, container: &Path) -> Outcome {
        let chain = pki("chain-citizen-ca.pem");
        let mut command = match self {
            Oracle::Xmlsec1 => {
                let mut c = Command::new("bash");
                c.arg(oracle_script("verify-xmlsec1.sh"))
                    .arg(container)
                    .arg(&chain);
                c
            }
            Oracle::Signxml => {
                let mut c = Command::new("python3");
                c.arg(oracle_script("verify-signxml.py"))
                    .arg(container)
                    .arg(&chain);
                c
            }
            Oracle::Pyasice => {
                let mut c = Command::new("python3");
                c.arg(oracle_script("verify-pyasice.py")).arg(container);
                c
            }
            Oracle::Xadesjs => {
                let mut c = Command::new("node");
                c.arg(oracle_script("verify-xadesjs.mjs")).arg(container);
                c
            }
        };
        let out = command
            .output()
            .unwrap_or_else(|e| panic!("{} cannot start: {e}", self.name()));
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Exit 2 is the scripts' usage / installation error: never a verdict.
        match out.status.code() {
            Some(0) => Outcome {
                accepted: true,
                output,
            },
            Some(1) => Outcome {
                accepted: false,
                output,
            },
            other => panic!(
                "{} on {} did not reach a verdict (exit {other:?}):\n{output}",
                self.name(),
                container.display()
            ),
        }
    }
}

/// Writes [`DATA_FILES`] into `dir` and returns them as files to sign.
fn data_files(dir: &Path) -> Vec<InputFile> {
    DATA_FILES
        .iter()
        .map(|(name, content)| {
            let path = dir.join(name);
            std::fs::write(&path, content).expect("write a data file");
            InputFile::from_path(path).expect("a data file")
        })
        .collect()
}

/// Signs [`DATA_FILES`] with `holder`'s software key at B-LT into `dir/name`.
fn sign_with_knik(dir: &Path, name: &str, holder: &str, c14n: Algorithm) -> PathBuf {
    let read = |file: &str| {
        std::fs::read_to_string(pki(&format!("holders/{holder}/{file}"))).expect("holder files")
    };
    let mut key = SoftwareKey::from_pem(&read("sign.key"), &read("sign.pem")).expect("key");
    let mut services = Services::new(Some(TSA.into()), Some(OCSP_RSA.into()));
    let (tsa, ocsp) = services.split();
    let options = SignOptions {
        level: Level::Lt,
        c14n,
        known_certificates: vec![certificate("citizen-ca.pem"), certificate("root.pem")],
        ..SignOptions::default()
    };
    let output = dir.join(name);
    let signed = create_container(
        &data_files(dir),
        &output,
        &mut key,
        tsa,
        ocsp,
        &options,
        &mut NoProgress,
    )
    .unwrap_or_else(|e| panic!("knik signs {name}: {} ({})", e, e.code()));
    assert_eq!(signed.level, Level::Lt, "{name}");
    output
}

/// Runs a producer script; it must succeed.
fn produce(program: &str, script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) {
    let out = Command::new(program)
        .arg(oracle_script(script))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .unwrap_or_else(|e| panic!("{script} cannot start: {e}"));
    assert!(
        out.status.success(),
        "{script} failed ({:?}):\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn verify_in_knik(container: &Path, options: &VerifyOptions) -> Report {
    verify_file(container, options).expect("knik reads the container")
}

/// Codes of every finding at `severity`, container and signatures alike.
fn codes_at(report: &Report, severity: Severity) -> BTreeSet<String> {
    report
        .container
        .findings
        .iter()
        .chain(report.signatures.iter().flat_map(|s| s.findings.iter()))
        .filter(|f| f.severity == severity)
        .map(|f| f.code.clone())
        .collect()
}

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

fn explain(report: &Report) -> String {
    let all: Vec<&Finding> = report
        .container
        .findings
        .iter()
        .chain(report.signatures.iter().flat_map(|s| s.findings.iter()))
        .collect();
    all.iter()
        .map(|f| format!("\n  {:?} {}: {}", f.severity, f.code, f.message))
        .collect()
}

/// The names of the data files the only signature covers, sorted.
fn signed_files(report: &Report) -> Vec<String> {
    assert_eq!(
        report.signatures.len(),
        1,
        "one signature{}",
        explain(report)
    );
    let mut files = report.signatures[0].signed_files.clone();
    files.sort();
    files
}

#[test]
fn knik_signatures_verify_in_every_oracle() {
    if oracles_switched_off() || !services_up() {
        return;
    }
    let oracles = Oracle::available(&Oracle::ALL);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut expected_files: Vec<String> = DATA_FILES.iter().map(|(n, _)| (*n).to_owned()).collect();
    expected_files.sort();
    let mut checked = 0;
    for (holder, key) in [("citizen", "EC P-384"), ("legacy", "RSA-2048")] {
        for c14n in [Algorithm::Inclusive11, Algorithm::Exclusive10] {
            let name = format!("knik-{holder}-{c14n:?}.asice");
            let container = sign_with_knik(dir.path(), &name, holder, c14n);
            // knik's own verdict first: the oracles check what knik calls valid.
            let report = verify_in_knik(&container, &trust_root());
            assert_eq!(report.verdict, Verdict::Valid, "{name}{}", explain(&report));
            assert_eq!(report.signatures[0].level, "B-LT", "{name}");
            assert_eq!(signed_files(&report), expected_files, "{name}");
            for oracle in &oracles {
                if *oracle == Oracle::Xadesjs && c14n == Algorithm::Inclusive11 {
                    eprintln!("xadesjs: {name} not checked (xadesjs has no C14N 1.1)");
                    continue;
                }
                let outcome = oracle.verify(&container);
                eprint!("{}", outcome.output);
                assert!(
                    outcome.accepted,
                    "{} rejects {name} ({key}, {c14n:?}):\n{}",
                    oracle.name(),
                    outcome.output
                );
                // Each oracle checked what we meant it to: every reference, the OCSP answer.
                let detail = match oracle {
                    Oracle::Xmlsec1 => "references ok/all: 4/4",
                    Oracle::Signxml => "4 references, 3 data files",
                    Oracle::Pyasice => "OCSP signature (sha256_rsa)",
                    Oracle::Xadesjs => ": OK",
                };
                assert!(
                    outcome.output.contains(detail),
                    "{} on {name}: expected {detail:?} in\n{}",
                    oracle.name(),
                    outcome.output
                );
                if *oracle == Oracle::Pyasice {
                    assert!(
                        outcome.output.contains("time-stamp,")
                            && outcome.output.contains("3 data-file digests"),
                        "pyasice on {name}:\n{}",
                        outcome.output
                    );
                }
                checked += 1;
            }
        }
    }
    eprintln!("{checked} oracle verdicts on 4 knik containers, all OK");
}

#[test]
fn pyasice_containers_are_valid_in_knik() {
    if oracles_switched_off() || !services_up() {
        return;
    }
    if Oracle::available(&[Oracle::Pyasice]).is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for holder in ["citizen", "legacy"] {
        let out = dir.path().join(format!("pyasice-{holder}.asice"));
        let (cert, key) = (
            pki(&format!("holders/{holder}/sign.pem")),
            pki(&format!("holders/{holder}/sign.key")),
        );
        produce(
            "python3",
            "produce-pyasice.py",
            &[
                &out,
                &"--cert",
                &cert,
                &"--key",
                &key,
                &"--issuer",
                &pki("citizen-ca.pem"),
                &"--ocsp",
                &OCSP_RSA,
                &"--tsa",
                &TSA,
            ],
        );
        // With the issuing CA known (pyasice embeds no CA certificate): valid at B-LT.
        let report = verify_in_knik(&out, &trust_root_and_issuing_ca());
        assert_eq!(
            report.verdict,
            Verdict::Valid,
            "{holder}{}",
            explain(&report)
        );
        let sig = &report.signatures[0];
        assert_eq!(sig.level, "B-LT", "{holder}");
        assert_eq!(
            sig.revocation.as_ref().map(|r| r.status.as_str()),
            Some("good"),
            "{holder}: the OCSP response pyasice embedded is used"
        );
        assert!(sig.proven_signing_time.is_some(), "{holder}: time-stamp");
        // pyasice writes unencoded URIs ("hello world.txt"); they still name the entries.
        assert_eq!(
            signed_files(&report),
            vec!["hello world.txt".to_owned(), "Երևան.txt".to_owned()],
            "{holder}"
        );
        assert_eq!(
            codes_at(&report, Severity::Warning),
            BTreeSet::new(),
            "{holder}"
        );
        // With the root alone the chain cannot be built: indeterminate, for that reason only.
        let root_only = verify_in_knik(&out, &trust_root());
        assert_eq!(root_only.verdict, Verdict::Indeterminate, "{holder}");
        assert_eq!(
            codes_at(&root_only, Severity::Error),
            BTreeSet::new(),
            "{holder}"
        );
        assert_eq!(
            codes_at(&root_only, Severity::Indeterminate),
            set(&[codes::SIGNER_NOT_TRUSTED, codes::REVOCATION_UNKNOWN]),
            "{holder}{}",
            explain(&root_only)
        );
    }
}

#[test]
fn xadesjs_b_b_containers_have_no_integrity_errors_in_knik() {
    if oracles_switched_off() {
        return;
    }
    if Oracle::available(&[Oracle::Xadesjs]).is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let files = data_files(dir.path());
    let mut expected_files: Vec<String> = DATA_FILES.iter().map(|(n, _)| (*n).to_owned()).collect();
    expected_files.sort();
    for holder in ["citizen", "legacy"] {
        for c14n in ["exc", "inc"] {
            let out = dir.path().join(format!("xadesjs-{holder}-{c14n}.asice"));
            let (cert, key) = (
                pki(&format!("holders/{holder}/sign.pem")),
                pki(&format!("holders/{holder}/sign.key")),
            );
            let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
                vec![&out, &"--cert", &cert, &"--key", &key, &"--c14n", &c14n];
            for f in &files {
                args.push(&"--file");
                args.push(&f.path);
            }
            produce("node", "produce-xadesjs.mjs", &args);
            let what = format!("xadesjs {holder} {c14n}");
            let report = verify_in_knik(&out, &trust_root_and_issuing_ca());
            // A B-B signature: nothing wrong, only what a B-B cannot prove.
            assert_eq!(
                codes_at(&report, Severity::Error),
                BTreeSet::new(),
                "{what}{}",
                explain(&report)
            );
            assert_eq!(
                codes_at(&report, Severity::Indeterminate),
                set(&[codes::NO_TIMESTAMP, codes::REVOCATION_UNKNOWN]),
                "{what}{}",
                explain(&report)
            );
            assert_eq!(report.verdict, Verdict::Indeterminate, "{what}");
            assert_eq!(report.signatures[0].level, "B-B", "{what}");
            assert_eq!(signed_files(&report), expected_files, "{what}");
            // With the root alone, also: the chain cannot be built from the KeyInfo.
            let root_only = verify_in_knik(&out, &trust_root());
            assert_eq!(
                codes_at(&root_only, Severity::Error),
                BTreeSet::new(),
                "{what}"
            );
            assert_eq!(
                codes_at(&root_only, Severity::Indeterminate),
                set(&[
                    codes::NO_TIMESTAMP,
                    codes::REVOCATION_UNKNOWN,
                    codes::SIGNER_NOT_TRUSTED
                ]),
                "{what}{}",
                explain(&root_only)
            );
        }
    }
}

#[test]
fn tampered_copies_fail_in_the_oracles_and_in_knik() {
    if oracles_switched_off() || !services_up() {
        return;
    }
    let oracles = Oracle::available(&Oracle::ALL);
    if !oracles.contains(&Oracle::Xmlsec1) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut originals = vec![sign_with_knik(
        dir.path(),
        "knik.asice",
        "citizen",
        Algorithm::Exclusive10,
    )];
    if oracles.contains(&Oracle::Pyasice) {
        let out = dir.path().join("pyasice.asice");
        produce(
            "python3",
            "produce-pyasice.py",
            &[
                &out,
                &"--cert",
                &pki("holders/legacy/sign.pem"),
                &"--key",
                &pki("holders/legacy/sign.key"),
                &"--issuer",
                &pki("citizen-ca.pem"),
                &"--ocsp",
                &OCSP_RSA,
                &"--tsa",
                &TSA,
            ],
        );
        originals.push(out);
    }
    for original in originals {
        let name = original
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        let tampered = dir.path().join(format!("tampered-{name}"));
        produce("python3", "tamper.py", &[&original, &tampered]);
        for oracle in &oracles {
            let before = oracle.verify(&original);
            assert!(
                before.accepted,
                "{} on {name}:\n{}",
                oracle.name(),
                before.output
            );
            let after = oracle.verify(&tampered);
            assert!(
                !after.accepted,
                "{} accepts a tampered {name}:\n{}",
                oracle.name(),
                after.output
            );
        }
        let report = verify_in_knik(&tampered, &trust_root_and_issuing_ca());
        assert_eq!(
            report.verdict,
            Verdict::Invalid,
            "{name}{}",
            explain(&report)
        );
        assert!(
            codes_at(&report, Severity::Error)
                .contains(knik_xades::xades::codes::DATA_DIGEST_MISMATCH),
            "{name}{}",
            explain(&report)
        );
        let untouched = verify_in_knik(&original, &trust_root_and_issuing_ca());
        assert_eq!(
            untouched.verdict,
            Verdict::Valid,
            "{name}{}",
            explain(&untouched)
        );
    }
}
