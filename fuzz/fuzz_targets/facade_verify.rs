//! Fuzz target: arbitrary bytes as an ASiC-E container through the whole verification
//! (`knik::verify::verify`: container, signatures, trust, time-stamps, OCSP). The body is
//! `bodies/facade_verify.rs`, replayed by `cargo test -p knik --test fuzz_verify_corpus`.
//!
//! Run: `cargo +nightly fuzz run facade_verify fuzz/corpus/facade_verify`
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "bodies/facade_verify.rs"]
mod body;

fuzz_target!(|data: &[u8]| {
    body::run(data);
});
