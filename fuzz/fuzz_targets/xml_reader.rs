//! The XML reader must never panic, and what it accepts must serialise and read back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    knik_xades::fuzzing::xml_reader(data);
});
