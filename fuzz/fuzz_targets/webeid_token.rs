//! Fuzz target: arbitrary bytes as a Web eID authentication token handed to the server-side
//! validator (size limits, strict JSON fields, `web-eid:1.0`/`1.1` rules, certificate, purpose,
//! policies, path to the test CAs, signature over the fixed origin and nonce; OCSP off).
//!
//! The body lives in `knik_webeid::fuzzing::webeid_token`, replayed over
//! `fuzz/corpus/webeid_token/` by `cargo test -p knik-webeid --test validator`. Regenerate the
//! corpus with `crates/knik-webeid/tests/data/make_webeid_token_corpus.py`.
//!
//! Run: `cargo fuzz run webeid_token fuzz/corpus/webeid_token`

#![no_main]

use std::sync::OnceLock;

use knik_webeid::validator::AuthTokenValidator;
use libfuzzer_sys::fuzz_target;

/// The three issuing CAs and the root of the test PKI.
const TRUSTED: &[&[u8]] = &[
    include_bytes!("../../test-vectors/pki/chain-citizen-ca.pem"),
    include_bytes!("../../test-vectors/pki/chain-resident-ca.pem"),
    include_bytes!("../../test-vectors/pki/chain-mobile-id-ca.pem"),
];

fn validators() -> &'static [AuthTokenValidator; 2] {
    static VALIDATORS: OnceLock<[AuthTokenValidator; 2]> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        knik_webeid::fuzzing::token_validators(&TRUSTED.concat()).expect("test PKI validators")
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = knik_webeid::fuzzing::webeid_token(validators(), data);
});
