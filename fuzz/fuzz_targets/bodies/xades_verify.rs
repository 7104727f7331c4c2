//! Body of the `xades_verify` fuzz target: arbitrary bytes as a signature file
//! (`META-INF/signatures*.xml`) through `knik_xades::xades::verify`, every data object resolving
//! to the same fixed bytes. Shared with the corpus replay in
//! `crates/knik-xades/tests/fuzz_signature_corpus.rs` through `#[path]`, so the stable test
//! runs exactly what the fuzzer runs.
//!
//! Errors are fine. Panics are bugs, and so is a signature called intact whose SignatureValue,
//! references or signature time-stamps did not check out.

use std::io::Write;

use knik_xades::xades::{self, DataResolver, DigestStatus, SignatureCheck, VerifyOptions};
use knik_xades::xml::Limits;

/// What every data object reads as. The real seeds sign exactly these bytes
/// (`fuzz/make_signature_corpora.sh`), so they verify completely and mutations start deep.
pub const FIXED_DATA: &[u8] = b"knik fuzz data object\n";

/// Resolves every non-empty URI to [`FIXED_DATA`].
pub struct FixedData;

impl DataResolver for FixedData {
    fn write_data(&mut self, uri: &str, out: &mut dyn Write) -> std::io::Result<bool> {
        if uri.is_empty() {
            return Ok(false);
        }
        out.write_all(FIXED_DATA).map(|()| true)
    }
}

/// Limits small enough that the fuzzer reaches them too.
pub fn limits() -> Limits {
    Limits {
        max_bytes: 1 << 20,
        max_depth: 64,
        max_nodes: 20_000,
        max_attributes: 64,
    }
}

/// Verifies `data` as a signature file with [`FixedData`] and [`limits`].
pub fn verify(data: &[u8]) -> knik_xades::Result<Vec<SignatureCheck>> {
    let mut options = VerifyOptions::default();
    options.limits = limits();
    xades::verify(data, &mut FixedData, &options)
}

/// The fuzz entry point.
pub fn run(data: &[u8]) {
    let Ok(checks) = verify(data) else {
        return;
    };
    for check in &checks {
        check_invariants(check);
    }
}

/// What must hold for any result, whatever the input.
pub fn check_invariants(check: &SignatureCheck) {
    for f in &check.findings {
        assert!(
            xades::codes::ALL.contains(&f.code),
            "finding code {} is not in xades::codes::ALL",
            f.code
        );
        assert!(!f.message.is_empty(), "{} has no message", f.code);
    }
    let _ = check.certificates();
    let _ = check.data_references().count();
    if !check.is_intact() {
        return;
    }
    assert!(
        check.signature_value_ok && check.signer_certificate.is_some(),
        "intact, but the SignatureValue was not verified with a signer certificate"
    );
    for r in &check.references {
        assert_eq!(
            r.status,
            DigestStatus::Ok,
            "intact, but reference {:?} did not check out",
            r.uri
        );
    }
    for t in &check.signature_timestamps {
        assert!(
            t.token.is_some() && t.imprint_ok,
            "intact, but signature time-stamp {:?} did not check out",
            t.id
        );
    }
}
