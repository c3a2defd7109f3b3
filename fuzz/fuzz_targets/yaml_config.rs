//! YAML configuration: stub config, environment, context, reference data.
//! What is done with an input, and what counts as a bug: `harness::yaml_config`.
#![no_main]

mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::yaml_config(data);
});
