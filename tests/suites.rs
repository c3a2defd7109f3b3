//! The built-in conformance suites (features/) have teeth: run in-process against the
//! built-in stub configured to break conformance in one specific way, each run fails, and
//! the scenario meant to catch that break is among the failed ones. Also: the full built-in
//! run passes with at least 1,000 scenarios and boundary cases, every rule of the catalogue
//! is covered by a `@req:` tag, and features/README.md's step reference is the generated one.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use oir::oir::rules::CATALOGUE;
use oir::run::suite::{self, scenario_info};
use oir::run::{ExitCode, RunOptions, RunOutcome, default_features, run_async};
use oir::stub::StubConfig;
use oir::stub::faults::{Match, Override, Respond};

/// The ids (`path:line`) of the built-in scenarios whose name contains `name`.
fn ids_named(name: &str) -> BTreeSet<String> {
    let s = suite::load(&default_features()).expect("the built-in suites load");
    let ids: BTreeSet<String> = s
        .scenarios()
        .into_iter()
        .filter(|(_, _, sc)| sc.name.contains(name))
        .map(|(lf, _, sc)| suite::scenario_id(&lf.rel_path, sc))
        .collect();
    assert!(!ids.is_empty(), "no built-in scenario is named '{name}'");
    ids
}

/// Run the built-in suites selected by `tags` against a stub with these overrides.
async fn run_broken(tags: &str, overrides: Vec<Override>) -> RunOutcome {
    let config = StubConfig {
        overrides,
        ..StubConfig::default()
    };
    run_async(RunOptions {
        stub: Some(config),
        tags: Some(tags.to_string()),
        terminal: false,
        report_dir: None,
        ..Default::default()
    })
    .await
}

/// The run failed, and every scenario in `intended` is among the failed ones.
fn caught(out: &RunOutcome, intended: &BTreeSet<String>, why: &str) {
    assert_eq!(
        out.exit,
        ExitCode::Failed,
        "{why}: the run did not fail ({:?}, {:?})",
        out.summary,
        out.error
    );
    let failed: BTreeSet<&str> = out.failed.iter().map(|(id, _)| id.as_str()).collect();
    for id in intended {
        assert!(
            failed.contains(id.as_str()),
            "{why}: {id} did not fail; failed: {:?}",
            out.failed
        );
    }
}

fn message_of<'o>(out: &'o RunOutcome, id: &str) -> &'o str {
    out.failed
        .iter()
        .find(|(i, _)| i == id)
        .map(|(_, m)| m.as_str())
        .unwrap_or("")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_that_accepts_an_unbalanced_voucher_is_caught_by_the_balance_rule_scenario() {
    let out = run_broken(
        "@sf1590_a and @req:SF1590A-BAL-001",
        vec![Override::new(
            Match::operation("ModtagFinansbilag"),
            Respond::Accept,
        )],
    )
    .await;
    let intended = ids_named("SF1590A-BAL-001 afvises");
    caught(&out, &intended, "accept an unbalanced voucher");
    let id = intended.iter().next().unwrap();
    assert!(
        message_of(&out, id).contains("ACCEPTERET"),
        "{}",
        message_of(&out, id)
    );
    // The one-øre variant is caught too.
    caught(
        &out,
        &ids_named("afvises også, når beløbet kun afviger med én øre"),
        "accept an unbalanced voucher",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_that_omits_a_required_answer_element_is_caught_by_the_schema_scenario() {
    let out = run_broken(
        "@sf1590_a and @kildeintegration and not @boundaries",
        vec![Override::new(
            Match::operation("ModtagFinansbilag"),
            Respond::Omit {
                element: "ForretningsValideringsKode".into(),
            },
        )],
    )
    .await;
    let intended = ids_named("Anmodning og svar for ModtagFinansbilag er skemagyldige");
    caught(&out, &intended, "omit a required answer element");
    let id = intended.iter().next().unwrap();
    assert!(
        message_of(&out, id).contains("not valid against the contract"),
        "{}",
        message_of(&out, id)
    );
    // Delivery control does not depend on the receipt: those scenarios still pass.
    let failed: BTreeSet<&str> = out.failed.iter().map(|(i, _)| i.as_str()).collect();
    for id in ids_named("SP-SEC-001") {
        if id.starts_with("SF1590_A/") {
            assert!(
                !failed.contains(id.as_str()),
                "{id} failed: {:?}",
                out.failed
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_that_returns_the_wrong_fault_code_is_caught_by_the_delivery_control_scenarios() {
    let out = run_broken(
        "@req:SP-SEC-001",
        vec![Override::new(
            Match::any(),
            Respond::ReplaceCode {
                from: "SP-SEC-001".into(),
                to: "SP-SEC-999".into(),
            },
        )],
    )
    .await;
    let intended = ids_named("SP-SEC-001");
    caught(&out, &intended, "wrong platform fault code");
    assert_eq!(out.summary.failed, intended.len(), "{:?}", out.failed);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_that_rejects_with_the_wrong_rule_code_is_caught_by_the_rule_scenarios() {
    let out = run_broken(
        "@req:SF1590B-STA-001",
        vec![Override::new(
            Match::operation("RetFordringTilstand"),
            Respond::ReplaceCode {
                from: "OIR-B-002".into(),
                to: "OIR-B-099".into(),
            },
        )],
    )
    .await;
    let mut intended = ids_named("An illegal transition");
    intended.extend(ids_named("SF1590B-STA-001 is rejected"));
    caught(&out, &intended, "wrong business error code");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_that_skips_the_coverage_callback_is_caught_by_the_payment_flow() {
    let out = run_broken(
        "@sf1590_b_01 and @e2e",
        vec![Override::new(
            Match::operation("ForetagIndbetaling"),
            Respond::SkipCallbacks,
        )],
    )
    .await;
    let intended = ids_named("A claim is created, paid, and the coverage is called back");
    caught(&out, &intended, "skip the coverage callback");
    let id = intended.iter().next().unwrap();
    assert!(
        message_of(&out, id).contains("skipped"),
        "{}",
        message_of(&out, id)
    );
    // Only the payment flow depends on that callback.
    assert_eq!(out.summary.failed, 1, "{:?}", out.failed);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stub_that_books_on_the_wrong_account_is_caught_by_the_nulsum_suite() {
    let out = run_broken(
        "@nulsum",
        vec![Override::new(
            Match::operation("ModtagFinansbilag"),
            Respond::BookOn {
                account: "9999999999999999".into(),
            },
        )],
    )
    .await;
    let intended = ids_named("Nulsumsbilag for");
    assert_eq!(
        intended.len(),
        9,
        "one voucher per mapped value: {intended:?}"
    );
    caught(&out, &intended, "book on the wrong account");
    for id in &intended {
        assert!(
            message_of(&out, id).contains("9999999999999999"),
            "{id}: {}",
            message_of(&out, id)
        );
    }
    // The voucher that is rejected books nothing, so it passes all the same.
    assert_eq!(out.summary.failed, intended.len(), "{:?}", out.failed);
}

// The boundary step derives its cases on the runtime's worker threads, which the in-process
// stub shares: more workers than cores keep the stub answering while cases are derived (a
// debug build on a loaded machine otherwise times out the first cases).
#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn the_full_built_in_run_passes_with_at_least_1000_scenarios_and_cases() {
    let config = StubConfig {
        // Debug builds validate every stub answer too; the suites validate them already.
        validate_answers: false,
        ..StubConfig::default()
    };
    let reports = std::env::temp_dir().join(format!("oir-full-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&reports);
    let out = run_async(RunOptions {
        stub: Some(config),
        concurrency: 8,
        terminal: false,
        report_dir: Some(reports.clone()),
        ..Default::default()
    })
    .await;
    assert_eq!(out.exit, ExitCode::Passed, "failed: {:#?}", out.failed);
    let total = out.summary.scenarios + out.summary.cases;
    assert!(total >= 1000, "{total} scenarios+cases: {:?}", out.summary);
    assert_eq!(out.summary.parse_errors, 0);
    // No report of the built-in run shows a CPR number unmasked (and some are masked).
    assert!(common::assert_no_unmasked_cpr(&reports) > 0);
    let _ = std::fs::remove_dir_all(&reports);
}

#[test]
fn every_catalogue_rule_is_covered_by_a_req_tag() {
    let s = suite::load(&default_features()).expect("the built-in suites load");
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let mut covered = BTreeSet::new();
    let mut levels = BTreeSet::new();
    let mut integrations = BTreeSet::new();
    for (lf, r, sc) in s.scenarios() {
        let info = scenario_info(&lf.rel_path, &lf.language, &lf.feature, r, sc);
        assert!(
            info.integration.is_some() && info.level.is_some(),
            "{} lacks its integration or level tag",
            info.id
        );
        integrations.insert(info.integration.unwrap());
        levels.insert(info.level.unwrap());
        covered.extend(info.requirements.iter().map(|r| r.to_ascii_uppercase()));
    }
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(&id.to_ascii_uppercase()))
        .collect();
    assert!(missing.is_empty(), "rules without a scenario: {missing:?}");
    assert_eq!(integrations.len(), 6, "{integrations:?}");
    assert_eq!(
        levels,
        ["e2e", "kildeintegration", "nulsum"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    // Some suites are in Danish.
    assert!(s.features.iter().any(|f| f.language == "da"));
    // `oir list --coverage` agrees (exit 0: nothing uncovered) and names every rule.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_oir"))
        .args(["list", "--coverage"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    for r in CATALOGUE {
        assert!(text.contains(r.id), "{} not listed", r.id);
    }
    assert!(!text.contains("UNCOVERED"), "{text}");
}

#[test]
fn list_coverage_flags_an_uncovered_rule_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("oir-suites-cov-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("SF1590_A")).unwrap();
    std::fs::write(
        dir.join("SF1590_A/x.feature"),
        "@sf1590_a @e2e\nFeature: x\n  @req:SF1590A-BAL-001 @req:EXTRA-1\n  Scenario: y\n    Given a ModtagFinansbilag request from the example\n",
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_oir"))
        .args(["list", "--coverage", "--features"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("SF1590_A/x.feature:4"), "{text}");
    assert!(
        text.contains("UNCOVERED: no scenario carries @req:SF1590A-BAL-002"),
        "{text}"
    );
    assert!(text.contains("EXTRA-1"), "{text}");
    assert!(text.contains(&format!("1 of {} catalogue rules covered", CATALOGUE.len())));
}

#[test]
fn the_readme_step_reference_is_the_generated_one() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("features/README.md"))
            .unwrap();
    let begin = "<!-- steps:begin (generated by `oir steps --markdown`) -->\n";
    let end = "<!-- steps:end -->";
    let from = readme.find(begin).expect("the begin marker") + begin.len();
    let to = readme[from..].find(end).expect("the end marker") + from;
    let generated = oir::run::steps::markdown();
    assert!(
        readme[from..to].trim() == generated.trim(),
        "features/README.md's step reference differs from `oir steps --markdown`: regenerate it"
    );
}
