//! Fuzz target: arbitrary bytes as what the browser writes to the native host's stdin — a
//! stream of length-prefixed frames, each parsed as a command under both origin policies — and
//! the same bytes as a handshake, an origin, a nonce and an authentication token.
//!
//! The body lives in `knik_webeid::fuzzing::native_message` so that `cargo test -p knik-webeid`
//! replays `fuzz/corpus/native_message/` through exactly the same code.
//!
//! Run: `cargo fuzz run native_message fuzz/corpus/native_message`

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_webeid::fuzzing::native_message(data);
});
