//! Fuzz target: arbitrary bytes as every MID-REST body — the responses the client reads
//! (certificate, session start, session status, error) and the requests the simulator reads —
//! followed as far as a relying party would follow a success (outcome, certificate, signature
//! check).
//!
//! The body lives in `knik_mobile_id::fuzzing::mid_rest_response` so that
//! `cargo test -p knik-mobile-id` replays `fuzz/corpus/mid_rest_response/` through exactly the
//! same code.
//!
//! Needs in fuzz/Cargo.toml: `knik-mobile-id = { path = "../crates/knik-mobile-id" }` and a
//! `[[bin]] name = "mid_rest_response"`.
//!
//! Run: `cargo fuzz run mid_rest_response fuzz/corpus/mid_rest_response`

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_mobile_id::fuzzing::mid_rest_response(data);
});
