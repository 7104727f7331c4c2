//! Hostile card responses: one response APDU, then a sequence of them played as a card through
//! the channel (61xx/6Cxx, READ BINARY chunking) and every operation of the `am-eid` profile.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_card::fuzzing::apdu_response(data);
});
