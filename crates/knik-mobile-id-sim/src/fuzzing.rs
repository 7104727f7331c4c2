//! Entry point shared by the fuzz target `fuzz/fuzz_targets/mid_sim_http_request.rs` and the
//! corpus replay test: what the fuzzer exercises is exactly what `cargo test` replays.

/// Reads `data` as one HTTP/1.1 request the way the simulator's server does (request line,
/// headers, a Content-Length body under the limits). Must never panic.
pub fn http_request(data: &[u8]) {
    let mut input = data;
    if let Ok(request) = crate::http::read_request(&mut input) {
        assert!(request.body.len() <= crate::http::MAX_BODY);
    }
}
