//! The seed corpus of the `facade_verify` fuzz target (`fuzz/corpus/facade_verify`, made by
//! `fuzz/make_signature_corpora.sh`) replays on the stable toolchain through the target's own
//! body (`fuzz/fuzz_targets/bodies/facade_verify.rs`, included below): every report keeps the
//! body's invariants (the verdict follows from the findings), the real containers are valid or
//! — at B-B, with no time-stamp or OCSP — indeterminate, and every hostile container is invalid
//! with the code it was made for.

#[path = "../../../fuzz/fuzz_targets/bodies/facade_verify.rs"]
mod facade_verify;

use std::path::{Path, PathBuf};

use knik::report::{Report, Severity, Verdict};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/facade_verify")
}

fn verify_seed(name: &str) -> Report {
    let path = corpus().join(name);
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let report = facade_verify::verify_bytes(&data);
    facade_verify::check_invariants(&report);
    report
}

fn errors(report: &Report) -> Vec<&str> {
    report
        .container
        .findings
        .iter()
        .chain(report.signatures.iter().flat_map(|s| &s.findings))
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code.as_str())
        .collect()
}

#[test]
fn every_seed_replays_through_the_target() {
    let mut n = 0;
    for entry in std::fs::read_dir(corpus()).expect("the corpus directory") {
        let path = entry.expect("directory entry").path();
        facade_verify::run(&std::fs::read(&path).expect("corpus file"));
        n += 1;
    }
    assert!(n >= 15, "only {n} seeds");
}

#[test]
fn the_real_containers_verify() {
    for name in ["lt-p384.asice", "lta-p384.asice"] {
        let report = verify_seed(name);
        assert_eq!(
            report.verdict,
            Verdict::Valid,
            "{name}: {:?}",
            report.codes()
        );
    }
    // B-B: intact, but nothing proves the time or the revocation status.
    for name in ["b-p384.asice", "b-p256-exc.asice", "b-rsa-pss.asice"] {
        let report = verify_seed(name);
        assert_eq!(
            report.verdict,
            Verdict::Indeterminate,
            "{name}: {:?}",
            report.codes()
        );
        assert_eq!(errors(&report), Vec::<&str>::new(), "{name}");
    }
}

#[test]
fn hostile_containers_are_invalid_for_their_reason() {
    for (name, code) in [
        ("signature-dtd.asice", "XML_DTD_NOT_ALLOWED"),
        ("signature-billion-laughs.asice", "XML_ENTITY_NOT_ALLOWED"),
        ("signature-duplicate-id.asice", "XML_DUPLICATE_ID"),
        ("signature-deep-nesting.asice", "XML_TOO_DEEP"),
        ("signature-truncated.asice", "XML_MALFORMED"),
        ("data-tampered.asice", "DATA_DIGEST_MISMATCH"),
        ("signature-of-other-data.asice", "DATA_DIGEST_MISMATCH"),
        ("data-file-missing.asice", "REFERENCE_NOT_FOUND"),
        ("container-truncated.asice", "ZIP_NOT_ZIP"),
    ] {
        let report = verify_seed(name);
        assert_eq!(report.verdict, Verdict::Invalid, "{name}");
        assert!(
            errors(&report).contains(&code),
            "{name}: expected {code}, found {:?}",
            report.codes()
        );
    }
}

#[test]
fn an_unsigned_file_outside_the_manifest_makes_the_container_invalid() {
    let report = verify_seed("data-file-unsigned.asice");
    assert_eq!(
        report.signatures[0].verdict,
        Verdict::Valid,
        "the signature itself is fine"
    );
    assert!(
        report.codes().contains(&"DATA_FILE_NOT_SIGNED"),
        "{:?}",
        report.codes()
    );
    assert_eq!(errors(&report), ["DATA_FILE_NOT_IN_MANIFEST"]);
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn the_fixed_options_trust_the_test_root_only() {
    let report = verify_seed("lt-p384.asice");
    assert_eq!(
        report.validation_time, "2030-01-01T00:00:00Z",
        "validation at facade_verify::validation_time()"
    );
    let mut untrusted = facade_verify::options().clone();
    untrusted.trust = knik_pki::TrustStore::new();
    let data = std::fs::read(corpus().join("lt-p384.asice")).expect("seed");
    let report = knik::verify::verify(std::io::Cursor::new(data), &untrusted);
    assert!(report.codes().contains(&"SIGNER_NOT_TRUSTED"));
    assert_eq!(facade_verify::validation_time().year(), 2030);
}
