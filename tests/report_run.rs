//! The reports of a real run of the built-in suites: JUnit valid against the committed
//! schema, and no unmasked CPR number in any file the run wrote (the messages carry CPR
//! numbers, so masking is really exercised).

mod common;

use std::path::Path;

use oir::run::{ExitCode, RunOptions, run_async};
use oir::schema::SchemaSet;

#[tokio::test(flavor = "multi_thread")]
async fn a_real_runs_reports_are_valid_and_mask_every_cpr_number() {
    let dir = std::env::temp_dir().join(format!("oir-report-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = run_async(RunOptions {
        tags: Some("@sf1590_b_01 and @e2e".into()),
        report_dir: Some(dir.clone()),
        terminal: false,
        ..RunOptions::default()
    })
    .await;
    assert_eq!(
        out.exit,
        ExitCode::Passed,
        "{:?} {:?}",
        out.error,
        out.failed
    );
    assert!(out.summary.scenarios > 0);

    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit/junit-10.xsd");
    let junit = std::fs::read(dir.join("junit.xml")).unwrap();
    let v = SchemaSet::load_xsd(&xsd).unwrap().validate_document(&junit);
    assert!(v.is_valid(), "{:#?}", v.findings);
    let cases = String::from_utf8_lossy(&junit)
        .matches("<testcase ")
        .count();
    assert_eq!(cases, out.summary.scenarios);

    let masked = common::assert_no_unmasked_cpr(&dir);
    assert!(
        masked > 0,
        "the run's messages carry CPR numbers: some must show masked"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
