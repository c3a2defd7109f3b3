//! `report.html`: one self-contained file (inline CSS, inline SVG bars, a small inline
//! script, no network). The environment block, the summary per integration × level, the
//! requirement matrix and the scenario list are static HTML; each scenario's details
//! (steps, timing, exchanges pretty-printed with findings marked at their path, diffs,
//! sub-results, checkpoints) are JSON in a `<script type="application/json">` block and
//! rendered when the scenario is opened, so 10,000 scenarios stay small and quick to load.
//!
//! Size guards: an exchange over 64 KB is cut (with a note; `events.jsonl` keeps it whole),
//! and message bodies are embedded only while the file stays under [`MAX_HTML`], failed
//! and awaiting scenarios first — a passed scenario beyond that shows its steps and the
//! exchange's metadata without the bodies.
//! A scenario's anchor is its id: `report.html#SF1590_A/kildeintegration.feature:12`.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::{Value, json};

use super::files::Render;
use super::model::{GroupCounts, RunModel, ScenarioRecord, combine, secs, verdict_str};
use super::xml_escape::{escape, excerpt};
use crate::run::events::{Exchange, Verdict};

pub const FILE_NAME: &str = "report.html";
/// Longest request or response shown whole.
pub const MAX_EXCHANGE: usize = 64 * 1024;
/// The report's size limit: message bodies are embedded while the file stays below it.
pub const MAX_HTML: usize = 9_500_000;
/// Passed scenarios linked per requirement in the matrix (failed ones are all linked; the
/// conformance statement lists every one).
const MATRIX_PASSED: usize = 12;

const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

pub struct Html;

impl Render for Html {
    fn file_name(&self) -> &str {
        FILE_NAME
    }

    fn render(&self, model: &RunModel) -> String {
        render(model)
    }
}

/// CSS class of a verdict.
fn vclass(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Passed) => "v-passed",
        Some(Verdict::Failed) => "v-failed",
        Some(Verdict::AwaitingConfirmation) => "v-awaiting",
        None => "v-interrupted",
    }
}

fn vtext(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::AwaitingConfirmation) => "awaiting",
        Some(v) => verdict_str(v),
        None => "interrupted",
    }
}

/// Inline SVG bar: passed, failed, awaiting.
fn bar(c: &GroupCounts) -> String {
    let total = c.scenarios().max(1) as f64;
    let w = 200.0;
    let mut x = 0.0;
    let mut out = format!(
        "<svg width=\"200\" height=\"14\" viewBox=\"0 0 200 14\" role=\"img\" aria-label=\"{} passed, {} failed, {} awaiting\">",
        c.passed, c.failed, c.awaiting
    );
    for (n, color) in [
        (c.passed, "#2e7d32"),
        (c.failed, "#c62828"),
        (c.awaiting, "#ef8f00"),
    ] {
        if n == 0 {
            continue;
        }
        let width = w * n as f64 / total;
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"0\" width=\"{width:.1}\" height=\"14\" fill=\"{color}\"/>"
        );
        x += width;
    }
    if c.scenarios() == 0 {
        out.push_str("<rect x=\"0\" y=\"0\" width=\"200\" height=\"14\" fill=\"#ddd\"/>");
    }
    out.push_str("</svg>");
    out
}

/// JSON safe inside a `<script>` element: no `</` (written `<\/`), no `<!--` and no
/// `<script` (their `<` written `\u003c`), so nothing in the data can end the element or
/// switch the parser's script state. Everything else stays as is, so XML stays compact.
pub fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    script_escape(&s)
}

fn script_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 64);
    let b = s.as_bytes();
    let mut last = 0;
    for (i, _) in s.match_indices('<') {
        let rest = &b[i + 1..];
        let rep = if rest.first() == Some(&b'/') {
            "<\\"
        } else if rest.first() == Some(&b'!')
            || (rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"script"))
        {
            "\\u003c"
        } else {
            continue;
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

fn cut(s: &str) -> (String, Option<usize>) {
    if s.len() <= MAX_EXCHANGE {
        (s.to_string(), None)
    } else {
        (excerpt(s, MAX_EXCHANGE), Some(s.len()))
    }
}

/// Inserts `v` under `key` unless it is null, empty or false.
fn put(o: &mut serde_json::Map<String, Value>, key: &str, v: Value) {
    let empty = match &v {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    };
    if !empty {
        o.insert(key.into(), v);
    }
}

/// Strings that repeat across scenarios (step texts, URLs, feature names) stored once.
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    index: std::collections::HashMap<String, usize>,
}

impl Strings {
    fn id(&mut self, s: &str) -> usize {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// An exchange without its bodies (`om`: their size; bodies are added within the budget).
/// Keys: xh [direction, operation, url, SOAPAction] as string indices, h HTTP status, ms,
/// e error.
fn exchange_json(x: &Exchange, strs: &mut Strings) -> Value {
    let mut o = serde_json::Map::new();
    o.insert(
        "xh".into(),
        json!([
            strs.id(&x.direction),
            strs.id(&x.operation),
            strs.id(&x.url),
            strs.id(x.soap_action.as_deref().unwrap_or(""))
        ]),
    );
    put(&mut o, "h", json!(x.http_status));
    o.insert("ms".into(), json!(x.duration_ms));
    put(&mut o, "e", json!(x.error));
    o.insert(
        "om".into(),
        json!(x.request.len() + x.response.as_ref().map_or(0, |r| r.len())),
    );
    Value::Object(o)
}

/// A scenario's details, compact. Keys: st steps (k keyword and t text as string indices, l line, s status, ms,
/// m message, ea expected/actual, fi findings, sr sub-results [name, passed, message],
/// cp checkpoint, tb table, ds doc string, x exchanges), r earlier failed attempts
/// [attempt, ms, headline].
fn details(s: &ScenarioRecord, strs: &mut Strings) -> Value {
    let steps: Vec<Value> = s
        .final_attempt()
        .or(s.attempts.last())
        .map(|a| {
            a.steps
                .iter()
                .map(|st| {
                    let mut o = serde_json::Map::new();
                    o.insert("k".into(), json!(strs.id(&st.keyword)));
                    o.insert("t".into(), json!(strs.id(&st.text)));
                    o.insert("l".into(), json!(st.line));
                    o.insert("s".into(), json!(st.status));
                    o.insert("ms".into(), json!(st.duration_ms));
                    put(&mut o, "m", json!(st.message));
                    put(&mut o, "ea", json!(st.expected_actual));
                    put(&mut o, "fi", json!(st.findings));
                    put(
                        &mut o,
                        "sr",
                        Value::Array(
                            st.subresults
                                .iter()
                                .map(|c| json!([c.name, c.passed, c.message]))
                                .collect(),
                        ),
                    );
                    put(&mut o, "cp", json!(st.checkpoint));
                    put(&mut o, "tb", json!(st.table));
                    put(&mut o, "ds", json!(st.docstring));
                    put(
                        &mut o,
                        "x",
                        Value::Array(
                            st.exchanges
                                .iter()
                                .map(|x| exchange_json(x, strs))
                                .collect(),
                        ),
                    );
                    Value::Object(o)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut o = serde_json::Map::new();
    o.insert("st".into(), Value::Array(steps));
    put(
        &mut o,
        "r",
        Value::Array(
            s.failed_retries()
                .map(|a| json!([a.attempt, a.duration_ms, a.failure_headline()]))
                .collect(),
        ),
    );
    Value::Object(o)
}

/// Adds request and response bodies to the details, failed and awaiting scenarios first,
/// as long as they fit into `budget` bytes of (escaped) JSON.
fn add_bodies(scenarios: &[&ScenarioRecord], details: &mut [Value], mut budget: usize) {
    for important in [true, false] {
        for (k, s) in scenarios.iter().enumerate() {
            if (s.verdict() != Some(Verdict::Passed)) != important {
                continue;
            }
            let Some(a) = s.final_attempt().or(s.attempts.last()) else {
                continue;
            };
            for (i, st) in a.steps.iter().enumerate() {
                for (j, x) in st.exchanges.iter().enumerate() {
                    let (rq, rqc) = cut(&x.request);
                    let rs = x.response.as_deref().map(cut);
                    let cost = script_json(&json!(rq)).len()
                        + rs.as_ref().map_or(0, |(r, _)| script_json(&json!(r)).len())
                        + 40;
                    if cost > budget {
                        continue;
                    }
                    budget -= cost;
                    let Some(o) = details[k]["st"][i]["x"][j].as_object_mut() else {
                        continue;
                    };
                    o.remove("om");
                    o.insert("rq".into(), json!(rq));
                    put(o, "rqc", json!(rqc));
                    if let Some((r, rc)) = rs {
                        o.insert("rs".into(), json!(r));
                        put(o, "rsc", json!(rc));
                    }
                }
            }
        }
    }
}

/// The scenarios the report lists: finished ones, and — once the run has ended — those it
/// interrupted.
fn listed(model: &RunModel) -> Vec<&ScenarioRecord> {
    model
        .scenarios
        .iter()
        .filter(|s| s.is_finished() || model.is_complete())
        .collect()
}

pub fn render(model: &RunModel) -> String {
    let scenarios = listed(model);
    let mut h = String::with_capacity(256 * 1024);
    let title = match &model.info {
        Some(i) => format!("oir report — {}", i.target),
        None => "oir report".to_string(),
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );

    // Banner: overall state.
    let totals = model.totals();
    let unfinished = model.unfinished().count();
    let (cls, text) = if !model.is_complete() {
        (
            "wait",
            format!(
                "Run in progress (or stopped without finishing): {} of {} scenarios finished so far",
                totals.scenarios(),
                model.info.as_ref().map_or(0, |i| i.scenarios_planned)
            ),
        )
    } else if model.interrupted() {
        (
            "fail",
            format!("Run interrupted: {unfinished} scenarios did not finish"),
        )
    } else if totals.failed > 0 || !model.parse_errors.is_empty() {
        ("fail", "Failed".to_string())
    } else if totals.awaiting > 0 {
        (
            "wait",
            "Every automatic check passed; manual checkpoints await confirmation".to_string(),
        )
    } else {
        ("ok", "Passed".to_string())
    };
    let _ = writeln!(
        h,
        "<div class=\"banner {cls}\">{}. {} scenarios: {} passed, {} failed, {} awaiting confirmation{}{}</div>",
        escape(&text),
        totals.scenarios(),
        totals.passed,
        totals.failed,
        totals.awaiting,
        if totals.flaky > 0 {
            format!(" ({} flaky)", totals.flaky)
        } else {
            String::new()
        },
        if totals.cases > 0 {
            format!("; {} cases, {} failed", totals.cases, totals.cases_failed)
        } else {
            String::new()
        }
    );

    // Environment.
    h.push_str("<h2 id=\"environment\">Environment</h2>\n<table class=\"env\">\n");
    if let Some(i) = &model.info {
        let rows: Vec<(&str, String)> = vec![
            ("Target", i.target.clone()),
            (
                "Environment",
                i.environment
                    .clone()
                    .unwrap_or_else(|| "built-in default".into()),
            ),
            ("Side under test", i.side_under_test.clone()),
            ("Started (UTC)", i.started_at.clone()),
            (
                "Duration",
                model
                    .summary
                    .as_ref()
                    .map(|s| format!("{} s", secs(s.duration_ms)))
                    .unwrap_or_else(|| "running".into()),
            ),
            ("Tool", format!("{} {}", i.tool, i.tool_version)),
            ("Features", i.features.clone()),
            ("Suite hash (SHA-256)", i.suite_hash.clone()),
            ("Schema hash (SHA-256)", i.schema_hash.clone()),
            ("Seed", i.seed.to_string()),
            (
                "Filters",
                if i.filters.is_empty() {
                    "none".into()
                } else {
                    i.filters.join(" ")
                },
            ),
            ("Scenarios planned", i.scenarios_planned.to_string()),
            (
                "Personal data",
                if i.masked {
                    "CPR numbers masked".into()
                } else {
                    "NOT masked (explicitly turned off)".into()
                },
            ),
        ];
        for (k, v) in rows {
            let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(&v));
        }
    }
    h.push_str("</table>\n");

    // Summary per integration × level.
    h.push_str("<h2 id=\"summary\">Summary</h2>\n<table class=\"summary\">\n<tr><th>Integration</th><th>Level</th><th></th><th class=\"num\">passed</th><th class=\"num\">failed</th><th class=\"num\">awaiting</th><th class=\"num\">flaky</th><th class=\"num\">cases</th></tr>\n");
    let groups = model.groups();
    for ((i, l), c) in groups.iter().chain(std::iter::once((
        &("Total".to_string(), String::new()),
        &totals,
    ))) {
        let cases = if c.cases == 0 {
            "-".to_string()
        } else {
            format!("{}/{}", c.cases - c.cases_failed, c.cases)
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(i),
            escape(l),
            bar(c),
            c.passed,
            c.failed,
            c.awaiting,
            c.flaky,
            cases
        );
    }
    h.push_str("</table>\n");

    if !model.parse_errors.is_empty() {
        h.push_str(
            "<h2 id=\"parse-errors\">Feature files that could not be parsed</h2>\n<table>\n",
        );
        for e in &model.parse_errors {
            let loc = e.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr class=\"v-failed\"><td><span class=\"badge\">failed</span></td><td>{}{}</td><td><pre class=\"msg\">{}</pre></td></tr>",
                escape(&e.path),
                loc,
                escape(&e.message)
            );
        }
        h.push_str("</table>\n");
    }

    // Requirement matrix.
    let reqs = model.requirements();
    h.push_str("<h2 id=\"requirements\">Requirements</h2>\n");
    if reqs.is_empty() {
        h.push_str(
            "<p class=\"dim\">No scenario names a requirement (<code>@req:…</code> tags).</p>\n",
        );
    } else {
        h.push_str("<table class=\"reqs\">\n<tr><th>Requirement</th><th>Verdict</th><th>Scenarios</th></tr>\n");
        for (req, ss) in &reqs {
            let v = combine(ss.iter().filter_map(|s| s.verdict()));
            // every failed or awaiting scenario, and the first passed ones
            let passed = ss
                .iter()
                .filter(|s| s.verdict() == Some(Verdict::Passed))
                .count();
            let mut shown_passed = 0;
            let mut links: Vec<String> = ss
                .iter()
                .filter(|s| {
                    if s.verdict() == Some(Verdict::Passed) {
                        shown_passed += 1;
                        shown_passed <= MATRIX_PASSED
                    } else {
                        true
                    }
                })
                .map(|s| {
                    format!(
                        "<a class=\"{}\" href=\"#{}\" title=\"{}\">{}</a>",
                        vclass(s.verdict()),
                        escape(&s.info.id),
                        escape(&s.info.name),
                        escape(&s.info.id)
                    )
                })
                .collect();
            if passed > MATRIX_PASSED {
                links.push(format!(
                    "<span class=\"dim\">and {} more passed</span>",
                    passed - MATRIX_PASSED
                ));
            }
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><span class=\"badge {}\">{}</span></td><td>{}</td></tr>",
                escape(req),
                vclass(v),
                vtext(v),
                links.join(" ")
            );
        }
        h.push_str("</table>\n");
    }

    // Scenario list with filters.
    let integrations: BTreeSet<&str> = scenarios.iter().map(|s| s.integration()).collect();
    let tags: BTreeSet<&str> = scenarios
        .iter()
        .flat_map(|s| s.info.tags.iter().map(String::as_str))
        .collect();
    h.push_str("<h2 id=\"scenarios\">Scenarios</h2>\n<div class=\"filters\"><label><input type=\"checkbox\" id=\"f-failed\"> failed only</label> <select id=\"f-int\"><option value=\"\">all integrations</option>");
    for i in &integrations {
        let _ = write!(h, "<option>{}</option>", escape(i));
    }
    h.push_str("</select> <select id=\"f-tag\"><option value=\"\">all tags</option>");
    for t in &tags {
        let _ = write!(h, "<option value=\"{}\">@{}</option>", escape(t), escape(t));
    }
    h.push_str("</select> <input id=\"f-text\" type=\"search\" placeholder=\"search id or name\"> <span id=\"f-count\" class=\"dim\"></span></div>\n<p class=\"dim\">Click a scenario for its steps and exchanges.</p>\n<table id=\"scenarios-table\">\n<thead><tr><th>Verdict</th><th>Scenario</th><th>Name</th><th>Integration / level</th><th class=\"num\">Time (s)</th></tr></thead>\n</table>\n<div id=\"more\"></div>\n<noscript><p>The scenario list and details need JavaScript; junit.xml and events.jsonl have them too.</p></noscript>\n");

    // Scenario rows, compact: [id, name, verdict, integration, level, feature (string
    // index), [tag index], seconds, flaky].
    let mut strs = Strings::default();
    let tag_list: Vec<&str> = tags.iter().copied().collect();
    let tag_index = |t: &str| tag_list.binary_search(&t).unwrap_or(0);
    let rows: Vec<Value> = scenarios
        .iter()
        .map(|s| {
            json!([
                s.info.id,
                s.info.name,
                vtext(s.verdict()),
                s.integration(),
                s.level(),
                strs.id(&format!(
                    "{} ({})",
                    s.info.feature_name, s.info.feature_path
                )),
                s.info.tags.iter().map(|t| tag_index(t)).collect::<Vec<_>>(),
                secs(s.attempts.iter().map(|a| a.duration_ms).sum()),
                u8::from(s.is_flaky()),
            ])
        })
        .collect();
    let mut data: Vec<Value> = scenarios.iter().map(|s| details(s, &mut strs)).collect();
    let tail_len = JS.len() + 200;
    let skeleton = h.len()
        + tail_len
        + script_json(&json!({ "rows": rows, "tags": tag_list, "str": strs.list, "d": data }))
            .len();
    add_bodies(&scenarios, &mut data, MAX_HTML.saturating_sub(skeleton));
    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"oir-data\">{}</script>\n<script>\n{JS}</script>\n</body>\n</html>\n",
        script_json(&json!({ "rows": rows, "tags": tag_list, "str": strs.list, "d": data }))
    );
    h
}
