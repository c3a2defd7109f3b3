//! The conformance statement (`conformance.json`, `conformance.html`), from the event log
//! of a run: per integration and role the verdict, every requirement with its verdict and
//! evidence (scenario ids, links into `report.html`), open manual checkpoints, the hashes
//! (suite, schemas, tool, the event log itself), target and seed — what a certifier files
//! and what lets someone reproduce the run.
//!
//! `oir certify --from RUN_DIR [--out DIR]` is [`run_certify`]; during a run the statement
//! is written at `RunFinished` by [`Conformance`] (a [`Render`]).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::events_log::{self, read_events};
use super::files::{Render, write_atomic};
use super::model::{RunModel, ScenarioRecord, combine, plural, verdict_str};
use super::xml_escape::escape;
use crate::run::events::Verdict;

pub const JSON_FILE: &str = "conformance.json";
pub const HTML_FILE: &str = "conformance.html";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    pub scenario_id: String,
    pub name: String,
    pub verdict: String,
    /// `report.html#<scenario id>`.
    pub link: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IntegrationVerdict {
    pub integration: String,
    /// The side oir judged: the run's side under test ("erp", "fagsystem", "stub").
    pub role: String,
    pub verdict: String,
    pub scenarios: usize,
    pub passed: usize,
    pub failed: usize,
    pub awaiting_confirmation: usize,
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequirementVerdict {
    pub id: String,
    pub verdict: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OpenCheckpoint {
    pub scenario_id: String,
    pub link: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Statement {
    pub format: String,
    /// "conformant", "conformant pending manual confirmation", "not conformant",
    /// "incomplete" (interrupted, not finished, filtered, or nothing ran).
    pub verdict: String,
    /// Why the verdict is what it is, one line each.
    pub reasons: Vec<String>,
    pub tool: String,
    pub tool_version: String,
    pub started_at: String,
    pub target: String,
    pub environment: Option<String>,
    pub side_under_test: String,
    pub seed: u64,
    pub suite_hash: String,
    pub schema_hash: String,
    pub features: String,
    pub filters: Vec<String>,
    pub masked: bool,
    /// SHA-256 of `events.jsonl`, when the statement was made from (or next to) it.
    pub events_sha256: Option<String>,
    /// The command that repeats the run.
    pub reproduce: String,
    pub integrations: Vec<IntegrationVerdict>,
    pub requirements: Vec<RequirementVerdict>,
    pub open_checkpoints: Vec<OpenCheckpoint>,
    pub failed_scenarios: Vec<Evidence>,
    pub parse_errors: Vec<String>,
    pub report: String,
}

fn link(id: &str) -> String {
    format!("report.html#{id}")
}

fn evidence(s: &ScenarioRecord) -> Evidence {
    Evidence {
        scenario_id: s.info.id.clone(),
        name: s.info.name.clone(),
        verdict: s.verdict().map_or("interrupted", verdict_str).to_string(),
        link: link(&s.info.id),
    }
}

/// The statement of a run (as far as the model knows it).
pub fn statement(model: &RunModel, events_sha256: Option<String>) -> Statement {
    let info = model.info.clone();
    let i = info.as_ref();
    let role = i.map_or("unknown".to_string(), |i| i.side_under_test.clone());

    let mut per: BTreeMap<String, Vec<&ScenarioRecord>> = BTreeMap::new();
    for s in model.finished() {
        per.entry(s.integration().to_string()).or_default().push(s);
    }
    let integrations = per
        .into_iter()
        .map(|(integration, ss)| {
            let v = combine(ss.iter().filter_map(|s| s.verdict()));
            let count = |w| ss.iter().filter(|s| s.verdict() == Some(w)).count();
            let mut reqs: Vec<String> = ss
                .iter()
                .flat_map(|s| s.info.requirements.iter().cloned())
                .collect();
            reqs.sort();
            reqs.dedup();
            IntegrationVerdict {
                integration,
                role: role.clone(),
                verdict: v.map_or("not tested", verdict_str).to_string(),
                scenarios: ss.len(),
                passed: count(Verdict::Passed),
                failed: count(Verdict::Failed),
                awaiting_confirmation: count(Verdict::AwaitingConfirmation),
                requirements: reqs,
            }
        })
        .collect();

    let requirements = model
        .requirements()
        .into_iter()
        .map(|(id, ss)| RequirementVerdict {
            id: id.to_string(),
            verdict: combine(ss.iter().filter_map(|s| s.verdict()))
                .map_or("not tested", verdict_str)
                .to_string(),
            evidence: ss.iter().map(|s| evidence(s)).collect(),
        })
        .collect();

    let open_checkpoints = model
        .finished()
        .filter(|s| s.verdict() == Some(Verdict::AwaitingConfirmation))
        .flat_map(|s| {
            s.checkpoints().into_iter().map(|t| OpenCheckpoint {
                scenario_id: s.info.id.clone(),
                link: link(&s.info.id),
                text: t.to_string(),
            })
        })
        .collect::<Vec<_>>();
    let failed_scenarios: Vec<Evidence> = model
        .finished()
        .filter(|s| s.verdict() == Some(Verdict::Failed))
        .map(evidence)
        .collect();
    let parse_errors: Vec<String> = model
        .parse_errors
        .iter()
        .map(|e| match e.line {
            Some(l) => format!("{}:{l}: {}", e.path, e.message),
            None => format!("{}: {}", e.path, e.message),
        })
        .collect();

    let totals = model.totals();
    let mut reasons = Vec::new();
    if i.is_none() {
        reasons.push("the event log has no RunStarted event".to_string());
    }
    if !model.is_complete() {
        reasons.push("the run did not finish (no RunFinished event)".to_string());
    }
    if model.interrupted() {
        reasons.push(format!(
            "the run was interrupted; {} did not finish",
            plural(model.unfinished().count(), "scenario")
        ));
    }
    if let Some(i) = i
        && !i.filters.is_empty()
    {
        reasons.push(format!(
            "only part of the suite ran (filters: {})",
            i.filters.join(" ")
        ));
    }
    if totals.scenarios() == 0 {
        reasons.push("no scenario ran".to_string());
    }
    let incomplete = !reasons.is_empty();
    if totals.failed > 0 {
        reasons.push(format!("{} failed", plural(totals.failed, "scenario")));
    }
    if !parse_errors.is_empty() {
        reasons.push(format!(
            "{} could not be parsed",
            plural(parse_errors.len(), "feature file")
        ));
    }
    if !open_checkpoints.is_empty() {
        reasons.push(format!(
            "{} awaiting confirmation",
            plural(open_checkpoints.len(), "manual checkpoint")
        ));
    }
    let verdict = if totals.failed > 0 || !parse_errors.is_empty() {
        "not conformant"
    } else if incomplete {
        "incomplete"
    } else if !open_checkpoints.is_empty() {
        "conformant pending manual confirmation"
    } else {
        "conformant"
    };
    if reasons.is_empty() {
        reasons.push(format!("all {} scenarios passed", totals.scenarios()));
    }

    let reproduce = match i {
        Some(i) => {
            let mut c = format!("oir run --seed {}", i.seed);
            if i.features != "built-in" {
                let _ = write!(c, " --features {}", i.features);
            }
            if let Some(e) = &i.environment {
                let _ = write!(c, " --env {e}");
            }
            for f in &i.filters {
                let _ = write!(c, " {f}");
            }
            c
        }
        None => String::new(),
    };

    Statement {
        format: "oir-conformance-statement/1".into(),
        verdict: verdict.into(),
        reasons,
        tool: i.map(|i| i.tool.clone()).unwrap_or_default(),
        tool_version: i.map(|i| i.tool_version.clone()).unwrap_or_default(),
        started_at: i.map(|i| i.started_at.clone()).unwrap_or_default(),
        target: i.map(|i| i.target.clone()).unwrap_or_default(),
        environment: i.and_then(|i| i.environment.clone()),
        side_under_test: role,
        seed: i.map_or(0, |i| i.seed),
        suite_hash: i.map(|i| i.suite_hash.clone()).unwrap_or_default(),
        schema_hash: i.map(|i| i.schema_hash.clone()).unwrap_or_default(),
        features: i.map(|i| i.features.clone()).unwrap_or_default(),
        filters: i.map(|i| i.filters.clone()).unwrap_or_default(),
        masked: i.is_some_and(|i| i.masked),
        events_sha256,
        reproduce,
        integrations,
        requirements,
        open_checkpoints,
        failed_scenarios,
        parse_errors,
        report: "report.html".into(),
    }
}

pub fn to_json(st: &Statement) -> String {
    let mut s = serde_json::to_string_pretty(st).unwrap_or_default();
    s.push('\n');
    s
}

fn vcls(v: &str) -> &'static str {
    match v {
        "passed" | "conformant" => "ok",
        "failed" | "not conformant" | "interrupted" => "fail",
        _ => "wait",
    }
}

pub fn to_html(st: &Statement) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>Conformance statement — {}</title>\n<style>\nbody{{font:14px/1.45 system-ui,sans-serif;margin:24px;max-width:1100px;color:#222}}\ntable{{border-collapse:collapse;margin:6px 0 18px}}th,td{{text-align:left;padding:3px 10px;border-bottom:1px solid #e5e5e5;vertical-align:top}}th{{background:#f2f2f2}}\n.ok{{color:#2e7d32;font-weight:600}}.fail{{color:#c62828;font-weight:600}}.wait{{color:#a05a00;font-weight:600}}\n.verdict{{font-size:20px;padding:8px 12px;border:2px solid currentColor;display:inline-block;border-radius:4px}}\ncode{{font-size:12px}}\n</style>\n</head>\n<body>\n<h1>Conformance statement</h1>\n<p class=\"verdict {}\">{}</p>\n<ul>\n",
        escape(&st.target),
        vcls(&st.verdict),
        escape(&st.verdict)
    );
    for r in &st.reasons {
        let _ = writeln!(h, "<li>{}</li>", escape(r));
    }
    h.push_str("</ul>\n<h2>What was tested</h2>\n<table>\n");
    let rows = [
        ("Target", st.target.clone()),
        (
            "Environment",
            st.environment
                .clone()
                .unwrap_or_else(|| "built-in default".into()),
        ),
        ("Side under test", st.side_under_test.clone()),
        ("Started (UTC)", st.started_at.clone()),
        ("Tool", format!("{} {}", st.tool, st.tool_version)),
        ("Features", st.features.clone()),
        ("Suite hash (SHA-256)", st.suite_hash.clone()),
        ("Schema hash (SHA-256)", st.schema_hash.clone()),
        (
            "Event log (SHA-256)",
            st.events_sha256.clone().unwrap_or_else(|| "-".into()),
        ),
        ("Seed", st.seed.to_string()),
        (
            "Filters",
            if st.filters.is_empty() {
                "none (whole suite)".into()
            } else {
                st.filters.join(" ")
            },
        ),
        ("Reproduce with", st.reproduce.clone()),
        (
            "Personal data",
            if st.masked { "masked" } else { "NOT masked" }.into(),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(
            h,
            "<tr><th>{k}</th><td><code>{}</code></td></tr>",
            escape(&v)
        );
    }
    h.push_str("</table>\n<h2>Integrations</h2>\n<table>\n<tr><th>Integration</th><th>Role under test</th><th>Verdict</th><th>Scenarios</th><th>Passed</th><th>Failed</th><th>Awaiting</th></tr>\n");
    for i in &st.integrations {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&i.integration),
            escape(&i.role),
            vcls(&i.verdict),
            escape(&i.verdict),
            i.scenarios,
            i.passed,
            i.failed,
            i.awaiting_confirmation
        );
    }
    h.push_str("</table>\n<h2>Requirements</h2>\n");
    if st.requirements.is_empty() {
        h.push_str("<p>No scenario names a requirement.</p>\n");
    } else {
        h.push_str("<table>\n<tr><th>Requirement</th><th>Verdict</th><th>Evidence</th></tr>\n");
        for r in &st.requirements {
            let ev: Vec<String> = r
                .evidence
                .iter()
                .map(|e| {
                    format!(
                        "<a href=\"{}\">{}</a> <span class=\"{}\">{}</span>",
                        escape(&e.link),
                        escape(&e.scenario_id),
                        vcls(&e.verdict),
                        escape(&e.verdict)
                    )
                })
                .collect();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
                escape(&r.id),
                vcls(&r.verdict),
                escape(&r.verdict),
                ev.join("<br>")
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Open manual checkpoints</h2>\n");
    if st.open_checkpoints.is_empty() {
        h.push_str("<p>None.</p>\n");
    } else {
        h.push_str("<table>\n<tr><th>Scenario</th><th>Awaiting confirmation</th><th>Confirmed by / date</th></tr>\n");
        for c in &st.open_checkpoints {
            let _ = writeln!(
                h,
                "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td></td></tr>",
                escape(&c.link),
                escape(&c.scenario_id),
                escape(&c.text)
            );
        }
        h.push_str("</table>\n");
    }
    if !st.failed_scenarios.is_empty() || !st.parse_errors.is_empty() {
        h.push_str("<h2>Failures</h2>\n<ul>\n");
        for e in &st.parse_errors {
            let _ = writeln!(h, "<li class=\"fail\">{}</li>", escape(e));
        }
        for e in &st.failed_scenarios {
            let _ = writeln!(
                h,
                "<li><a href=\"{}\">{}</a> {}</li>",
                escape(&e.link),
                escape(&e.scenario_id),
                escape(&e.name)
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// During a run: both statement files, written at `RunFinished`. The event log's hash is
/// taken from `events` when given (the [`super::EventLog`] writes it first).
pub struct Conformance {
    pub events: Option<PathBuf>,
    pub html: bool,
}

fn sha256_file(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let d = Sha256::digest(&bytes);
    Some(d.iter().map(|b| format!("{b:02x}")).collect())
}

impl Render for Conformance {
    fn file_name(&self) -> &str {
        if self.html { HTML_FILE } else { JSON_FILE }
    }

    fn render(&self, model: &RunModel) -> String {
        let st = statement(model, self.events.as_deref().and_then(sha256_file));
        if self.html {
            to_html(&st)
        } else {
            to_json(&st)
        }
    }

    fn at_end_only(&self) -> bool {
        true
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CertifyError {
    #[error("{0}")]
    Read(#[from] events_log::ReadError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Reads `run_dir/events.jsonl` and writes `conformance.json` and `conformance.html`
/// into `out` (default: `run_dir`). Returns the statement.
pub fn certify(run_dir: &Path, out: Option<&Path>) -> Result<Statement, CertifyError> {
    let events_path = run_dir.join(events_log::FILE_NAME);
    let events = read_events(&events_path)?;
    let model = RunModel::from_events(&events);
    let st = statement(&model, sha256_file(&events_path));
    let out = out.unwrap_or(run_dir);
    std::fs::create_dir_all(out).map_err(|source| CertifyError::Write {
        path: out.display().to_string(),
        source,
    })?;
    for (name, text) in [(JSON_FILE, to_json(&st)), (HTML_FILE, to_html(&st))] {
        let p = out.join(name);
        write_atomic(&p, text.as_bytes()).map_err(|source| CertifyError::Write {
            path: p.display().to_string(),
            source,
        })?;
    }
    Ok(st)
}

/// `oir certify --from RUN_DIR [--out DIR]`: exit code 0 conformant (or pending manual
/// confirmation), 1 not conformant or incomplete, 2 the event log could not be read or the
/// statement not written.
pub fn run_certify(from: &Path, out: Option<&Path>) -> i32 {
    match certify(from, out) {
        Ok(st) => {
            let dir = out.unwrap_or(from);
            println!("{}: {}", st.verdict, st.reasons.join("; "));
            println!(
                "wrote {} and {}",
                dir.join(JSON_FILE).display(),
                dir.join(HTML_FILE).display()
            );
            match st.verdict.as_str() {
                "conformant" | "conformant pending manual confirmation" => 0,
                _ => 1,
            }
        }
        Err(e) => {
            eprintln!("oir certify: {e}");
            2
        }
    }
}
