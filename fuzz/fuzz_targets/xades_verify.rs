//! Fuzz target: arbitrary bytes as a signature file (`META-INF/signatures*.xml`) through XAdES
//! verification, every data object resolving to fixed bytes. The body is
//! `bodies/xades_verify.rs`, replayed by `cargo test -p knik-xades --test fuzz_signature_corpus`.
//!
//! Run: `cargo +nightly fuzz run xades_verify fuzz/corpus/xades_verify`
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "bodies/xades_verify.rs"]
mod body;

fuzz_target!(|data: &[u8]| {
    body::run(data);
});
