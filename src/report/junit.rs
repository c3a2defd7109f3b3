//! JUnit XML (`junit.xml`) for CI gates: one `<testsuite>` per integration and feature file,
//! one `<testcase>` per scenario with its retries folded in (Surefire style: a pass after
//! failed attempts carries `<flakyFailure>`s, a final failure `<rerunFailure>`s for the
//! earlier attempts). Valid against the Jenkins xUnit plugin's `junit-10.xsd`
//! (tests/junit/junit-10.xsd).
//!
//! - `classname`: integration and feature (`SF1590_A.kildeintegration`); `name`: the
//!   scenario name and its id (`… [SF1590_A/kildeintegration.feature:12]`), unique.
//! - A failure's `message` is the first failed step's headline; its text adds the step, the
//!   findings and an excerpt of the step's last exchange.
//! - A scenario awaiting manual confirmation is `<skipped>` with the checkpoint as message
//!   (nothing failed, nothing confirmed).
//! - A feature file that could not be parsed is a testcase with an `<error>`; a scenario
//!   still running when an interrupted run ended is an `<error type="interrupted">`.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::files::Render;
use super::model::{Attempt, RunModel, ScenarioRecord, secs};
use super::xml_escape::{escape, excerpt};
use crate::run::events::{StepStatus, Verdict};

/// Bytes of a request or response quoted in a failure.
const EXCHANGE_EXCERPT: usize = 2000;

pub struct Junit;

impl Render for Junit {
    fn file_name(&self) -> &str {
        "junit.xml"
    }

    fn render(&self, model: &RunModel) -> String {
        render(model)
    }
}

/// The failure text of an attempt: headline, step, findings, expected/actual and an
/// excerpt of the last exchange of the failed step.
pub fn failure_detail(a: &Attempt) -> String {
    let mut out = String::new();
    let Some(step) = a.first_failed_step() else {
        return a.failure_headline();
    };
    let _ = writeln!(
        out,
        "Step (line {}): {} {}",
        step.line,
        step.keyword.trim(),
        step.text
    );
    if step.status == StepStatus::Undefined {
        let _ = writeln!(
            out,
            "Undefined step: no step of the library matches this text."
        );
    }
    if let Some(m) = &step.message {
        let _ = writeln!(out, "{m}");
    }
    if let Some((exp, act)) = &step.expected_actual {
        let _ = writeln!(out, "Expected: {exp}\nActual:   {act}");
    }
    for f in &step.findings {
        let _ = write!(out, "Finding {}: {}", f.code, f.message);
        if let Some(p) = &f.path {
            let _ = write!(out, " at {p}");
        }
        if let Some(l) = f.line {
            let _ = write!(out, " (line {l})");
        }
        out.push('\n');
    }
    for c in step.subresults.iter().filter(|c| !c.passed) {
        let _ = writeln!(
            out,
            "Case failed: {}{}",
            c.name,
            c.message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
    }
    if let Some(x) = step.exchanges.last() {
        let _ = writeln!(
            out,
            "\nLast exchange: {} {} {}",
            x.direction, x.operation, x.url
        );
        if let Some(s) = x.http_status {
            let _ = writeln!(out, "HTTP {s}, {:.0} ms", x.duration_ms);
        }
        if let Some(e) = &x.error {
            let _ = writeln!(out, "Error: {e}");
        }
        let _ = writeln!(out, "Request:\n{}", excerpt(&x.request, EXCHANGE_EXCERPT));
        if let Some(r) = &x.response {
            let _ = writeln!(out, "Response:\n{}", excerpt(r, EXCHANGE_EXCERPT));
        }
    }
    out.trim_end().to_string()
}

fn testcase(out: &mut String, s: &ScenarioRecord) {
    let Some(fin) = s.final_attempt() else { return };
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
        escape(&format!("{} [{}]", s.info.name, s.info.id)),
        escape(&s.classname()),
        secs(s.attempts.iter().map(|a| a.duration_ms).sum())
    );
    let retries: Vec<&Attempt> = s.failed_retries().collect();
    if fin.verdict == Some(Verdict::Passed) && retries.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    match fin.verdict {
        Some(Verdict::Failed) => {
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                failure_type(fin),
                escape(&fin.failure_headline()),
                escape(&failure_detail(fin))
            );
        }
        Some(Verdict::AwaitingConfirmation) => {
            let cps = s.checkpoints().join("; ");
            let _ = writeln!(
                out,
                "      <skipped message=\"{}\"/>",
                escape(&format!("awaiting manual confirmation: {cps}"))
            );
        }
        _ => {}
    }
    let tag = if fin.verdict == Some(Verdict::Failed) {
        "rerunFailure"
    } else {
        "flakyFailure"
    };
    for a in retries {
        let _ = writeln!(
            out,
            "      <{tag} type=\"{}\" message=\"{}\"><stackTrace>{}</stackTrace></{tag}>",
            failure_type(a),
            escape(&format!("attempt {}: {}", a.attempt, a.failure_headline())),
            escape(&failure_detail(a))
        );
    }
    out.push_str("    </testcase>\n");
}

fn failure_type(a: &Attempt) -> &'static str {
    match a.first_failed_step().map(|s| s.status) {
        Some(StepStatus::Undefined) => "undefined-step",
        _ => "assertion",
    }
}

pub fn render(model: &RunModel) -> String {
    // testsuite key: classname; value: scenarios in start order.
    let mut suites: BTreeMap<String, Vec<&ScenarioRecord>> = BTreeMap::new();
    for s in &model.scenarios {
        let finished = s.is_finished();
        if finished || model.is_complete() {
            suites.entry(s.classname()).or_default().push(s);
        }
    }
    let mut props = String::new();
    if let Some(i) = &model.info {
        props.push_str("    <properties>\n");
        let mut p = |k: &str, v: &str| {
            let _ = writeln!(
                props,
                "      <property name=\"{}\" value=\"{}\"/>",
                escape(k),
                escape(v)
            );
        };
        p("tool", &i.tool);
        p("tool.version", &i.tool_version);
        p("suite.hash", &i.suite_hash);
        p("schema.hash", &i.schema_hash);
        p("target", &i.target);
        p(
            "environment",
            i.environment.as_deref().unwrap_or("built-in"),
        );
        p("side.under.test", &i.side_under_test);
        p("seed", &i.seed.to_string());
        p("started.at", &i.started_at);
        p("features", &i.features);
        p("filters", &i.filters.join(" "));
        p("masked", &i.masked.to_string());
        p(
            "complete",
            &(model.is_complete() && !model.interrupted()).to_string(),
        );
        props.push_str("    </properties>\n");
    }
    let timestamp = model
        .info
        .as_ref()
        .map(|i| i.started_at.clone())
        .unwrap_or_default();

    let mut body = String::new();
    let (mut t_tests, mut t_fail, mut t_err, mut t_time) = (0usize, 0usize, 0usize, 0f64);
    for (classname, scenarios) in &suites {
        let mut cases = String::new();
        let (mut tests, mut failures, mut errors, mut skipped, mut time) = (0, 0, 0, 0, 0f64);
        for s in scenarios {
            tests += 1;
            match s.verdict() {
                Some(Verdict::Failed) => failures += 1,
                Some(Verdict::AwaitingConfirmation) => skipped += 1,
                Some(Verdict::Passed) => {}
                None => {
                    errors += 1;
                    let _ = writeln!(
                        cases,
                        "    <testcase name=\"{}\" classname=\"{}\" time=\"0.000\">\n      <error type=\"interrupted\" message=\"the run ended before this scenario finished\"/>\n    </testcase>",
                        escape(&format!("{} [{}]", s.info.name, s.info.id)),
                        escape(classname)
                    );
                    continue;
                }
            }
            time += s.attempts.iter().map(|a| a.duration_ms).sum::<f64>();
            testcase(&mut cases, s);
        }
        t_tests += tests;
        t_fail += failures;
        t_err += errors;
        t_time += time;
        let _ = write!(
            body,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{}\">\n{props}{cases}  </testsuite>\n",
            escape(classname),
            secs(time),
            escape(&timestamp)
        );
    }
    if !model.parse_errors.is_empty() {
        let n = model.parse_errors.len();
        t_tests += n;
        t_err += n;
        let _ = writeln!(
            body,
            "  <testsuite name=\"parse-errors\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\" time=\"0.000\" timestamp=\"{}\">",
            escape(&timestamp)
        );
        body.push_str(&props);
        for e in &model.parse_errors {
            let loc = match e.line {
                Some(l) => format!("{}:{l}", e.path),
                None => e.path.clone(),
            };
            let _ = writeln!(
                body,
                "    <testcase name=\"{}\" classname=\"parse-errors\" time=\"0.000\">\n      <error type=\"parse-error\" message=\"{}\">{}</error>\n    </testcase>",
                escape(&loc),
                escape(e.message.lines().next().unwrap_or("")),
                escape(&format!("{loc}: {}", e.message))
            );
        }
        body.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"oir\" tests=\"{t_tests}\" failures=\"{t_fail}\" errors=\"{t_err}\" time=\"{}\">\n{body}</testsuites>\n",
        secs(t_time)
    )
}
