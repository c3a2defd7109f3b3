//! Instance validation against SF1590_A's compiled schemas.
//! What is done with an input, and what counts as a bug: `harness::validate_instance`.
#![no_main]

mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::validate_instance(data);
});
