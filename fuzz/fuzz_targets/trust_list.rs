//! Fuzz target: arbitrary bytes as an ETSI TS 119 612 trusted list, loaded as they are and
//! re-signed with the test signer's key. The body is `bodies/trust_list.rs`, replayed by
//! `cargo test -p knik-xades --test fuzz_signature_corpus`.
//!
//! Run: `cargo +nightly fuzz run trust_list fuzz/corpus/trust_list`
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "bodies/trust_list.rs"]
mod body;

fuzz_target!(|data: &[u8]| {
    body::run(data);
});
