//! Body of the `facade_verify` fuzz target: arbitrary bytes as an ASiC-E container through
//! the whole verification, `knik::verify::verify` (container, signatures, data files, trust,
//! time-stamps, OCSP), trusting the test root at a fixed time. Shared with the corpus replay in
//! `crates/knik/tests/fuzz_verify_corpus.rs` through `#[path]`.
//!
//! Whatever the input, a report comes back. Panics are bugs, and so is a report whose verdict
//! does not follow from its findings (the promise `docs/verification.md` makes to callers).

use std::io::Cursor;
use std::sync::OnceLock;

use knik::report::{Report, Verdict, verdict_of};
use knik::verify::{VerifyOptions, verify};
use knik_pki::TrustStore;
use time::OffsetDateTime;

const ROOT_PEM: &[u8] = include_bytes!("../../../test-vectors/pki/root.pem");

/// 2030-01-01T00:00:00Z: after the seeds were signed, within every test certificate's validity.
pub fn validation_time() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_893_456_000).expect("a valid timestamp")
}

/// The test root as the only trust anchor, at [`validation_time`].
pub fn options() -> &'static VerifyOptions {
    static OPTIONS: OnceLock<VerifyOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut trust = TrustStore::new();
        trust
            .add_pem_or_der(ROOT_PEM, "test root")
            .expect("test-vectors/pki/root.pem reads");
        VerifyOptions {
            trust,
            at: Some(validation_time()),
            ..VerifyOptions::default()
        }
    })
}

/// Verifies `data` as a container with [`options`].
pub fn verify_bytes(data: &[u8]) -> Report {
    verify(Cursor::new(data), options())
}

/// The fuzz entry point.
pub fn run(data: &[u8]) {
    check_invariants(&verify_bytes(data));
}

/// What must hold for any report.
pub fn check_invariants(report: &Report) {
    let mut worst = verdict_of(&report.container.findings);
    for s in &report.signatures {
        assert_eq!(
            s.verdict,
            verdict_of(&s.findings),
            "signature {:?}: verdict does not follow from its findings",
            s.id
        );
        worst = worst.max(s.verdict);
    }
    assert_eq!(
        report.verdict, worst,
        "the report's verdict is not its worst part's"
    );
    if report.verdict == Verdict::Valid {
        assert!(!report.signatures.is_empty(), "valid without a signature");
    }
    if report.container.structure == "rejected" {
        assert!(
            report.signatures.is_empty(),
            "signatures from a rejected container"
        );
        assert_eq!(report.verdict, Verdict::Invalid);
    }
    for code in report.codes() {
        assert!(!code.is_empty(), "a finding without a code");
    }
    let json: serde_json::Value =
        serde_json::from_str(&report.to_json()).expect("the report serialises to JSON");
    assert_eq!(json["verdict"], report.verdict.as_str());
}
