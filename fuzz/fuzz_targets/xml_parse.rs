//! XML parsing: the tokenizer and the tree builder on arbitrary bytes.
//! What is done with an input, and what counts as a bug: `harness::xml_parse`.
#![no_main]

mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = harness::xml_parse(data);
});
