//! Fuzz target: arbitrary bytes as what the browser writes to `knik-native-host`'s stdin for one
//! session. The host's own session code runs (handshake, one frame, command parsing with the
//! origin policy, dispatch, error mapping, the one answer) with stand-in card operations, and
//! the output is checked as the extension reads it: the handshake, exactly one answer that is
//! a success or an `{"error": …}` with a known `ERR_WEBEID_…` code, nothing else.
//!
//! The body lives in `knik_native_host::fuzzing::session` so that `cargo test -p
//! knik-native-host` replays `fuzz/corpus/native_host_session/` through exactly the same code.
//!
//! Run: `cargo fuzz run native_host_session fuzz/corpus/native_host_session`

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_native_host::fuzzing::session(data);
});
