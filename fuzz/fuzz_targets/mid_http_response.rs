//! Fuzz target: arbitrary bytes as the HTTP/1.1 answer of a MID-REST server, read by the
//! client (status line, headers, Content-Length / chunked / until-close bodies, size limit).
//! The body is `knik_mobile_id::fuzzing::mid_http_response` (feature `client`), replayed over
//! `fuzz/corpus/mid_http_response/` by `cargo test -p knik-mobile-id --features client`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_mobile_id::fuzzing::mid_http_response(data);
});
