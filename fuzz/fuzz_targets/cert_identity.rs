//! Fuzz target: arbitrary bytes as a certificate (DER or PEM), then everything knik reads from
//! a holder certificate: names, extensions, key, Identity, signature checks.
//!
//! The body lives in `knik_pki::fuzzing::cert_identity` so that `cargo test -p knik-pki`
//! replays `fuzz/corpus/cert_identity/` through exactly the same code.
//!
//! Run: `cargo fuzz run cert_identity fuzz/corpus/cert_identity`

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_pki::fuzzing::cert_identity(data);
});
