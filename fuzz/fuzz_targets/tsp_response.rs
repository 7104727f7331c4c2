//! Fuzz target: arbitrary bytes as an RFC 3161 TimeStampResp and as a bare time-stamp token
//! (CMS SignedData over TSTInfo), verified as far as they parse. Errors are fine; panics,
//! hangs and unbounded allocation are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_pki::fuzzing::tsp_response(data);
});
