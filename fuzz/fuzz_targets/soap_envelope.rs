//! SOAP envelope handling: request bodies through the stub's pipeline.
//! What is done with an input, and what counts as a bug: `harness::soap_envelope`.
#![no_main]

mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::soap_envelope(data);
});
