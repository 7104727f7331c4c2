//! Fuzz target: arbitrary bytes as an HTTP/1.1 request to the mobile-ID simulator. The body is
//! `knik_mobile_id_sim::fuzzing::http_request`, replayed over
//! `fuzz/corpus/mid_sim_http_request/` by `cargo test -p knik-mobile-id-sim`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_mobile_id_sim::fuzzing::http_request(data);
});
