//! Fuzz target: arbitrary bytes as an OCSPResponse, then every field and the whole
//! verification (responder lookup, signature, authorisation, CertID, nonce, times). Errors are
//! fine; panics, hangs and unbounded allocation are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_pki::fuzzing::ocsp_response(data);
});
