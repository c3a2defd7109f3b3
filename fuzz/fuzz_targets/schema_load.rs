//! XSD/WSDL loading: a schema or WSDL document loaded and compiled.
//! What is done with an input, and what counts as a bug: `harness::schema_load`.
#![no_main]

mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::schema_load(data);
});
