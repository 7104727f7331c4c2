//! Hostile BER-TLV: the parser, the tree round trip, and the FCP / retry-counter / certificate
//! parsers built on it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_card::fuzzing::tlv(data);
});
