//! Inputs the fuzz targets (`fuzz/`, `scripts/fuzz.sh`) once crashed on, minimized with
//! `cargo fuzz tmin`, in `tests/fuzz-regressions/<target>/`. Each goes through the target's
//! own code — the harness is included from `fuzz/fuzz_targets/harness.rs`, and it panics
//! on whatever the fuzzer counted as a crash — and then the result must be the sensible one.

use std::path::Path;

#[path = "../fuzz/fuzz_targets/harness.rs"]
mod harness;

/// (file name, bytes) of every saved input of a target, sorted by name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.expect("directory entry").path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no saved inputs in {}", dir.display());
    v
}

/// A request that is not well-formed XML and has a character XML forbids (U+0000, U+0004)
/// where the parser's message quotes it: the stub's SP-XML-001 fault quoted the character
/// as it was, so the fault itself was not well-formed XML. Now it answers a well-formed
/// fault with U+FFFD in its place.
#[test]
fn soap_envelope_faults_quoting_forbidden_characters_are_well_formed() {
    for (name, data) in inputs("soap_envelope") {
        let answers = harness::soap_envelope(&data);
        assert_eq!(answers.len(), 1, "{name}");
        let a = &answers[0];
        let body = String::from_utf8_lossy(&a.body);
        assert_eq!(a.status, 500, "{name}: {body}");
        let envelope = oir::xml::tree::parse(&a.body)
            .unwrap_or_else(|e| panic!("{name}: the fault is not well-formed ({e}): {body}"));
        assert_eq!(envelope.local, "Envelope", "{name}");
        assert!(
            body.contains("<faultcode>soapenv:Client</faultcode>"),
            "{name}: {body}"
        );
        assert!(body.contains("SP-XML-001"), "{name}: {body}");
        assert!(
            body.contains("ikke velformet XML") && body.contains('\u{FFFD}'),
            "{name}: the fault names the problem and shows the character as U+FFFD: {body}"
        );
    }
}
