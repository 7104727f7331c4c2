//! Fuzz target: any byte string through the ASiC-E reader (open, every entry, digests, and an
//! append round trip). Errors are fine; panics, hangs and unbounded allocation are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = knik_asic::fuzzing::read_container(data);
});
