//! Feature parsing: English and Danish Gherkin, step lookup.
//! What is done with an input, and what counts as a bug: `harness::feature_parse`.
#![no_main]

mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::feature_parse(data);
});
