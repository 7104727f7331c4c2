//! Canonicalization invariants on arbitrary input: deterministic, no panic, and the canonical
//! form reads back to the same canonical form (libxml2 cannot be linked here; the comparison
//! with it is `crates/knik-xades/tests/c14n_differential.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_xades::fuzzing::c14n_differential(data);
});
