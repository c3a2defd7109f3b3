//! Cucumber JSON (`cucumber.json`), the format other report tools read: features →
//! elements (scenarios) → steps with `result.status` and `result.duration` in nanoseconds.
//! Only a scenario's final attempt is shown (its earlier failed attempts are in the HTML
//! report and the JUnit file). A manual checkpoint step is `pending`; sub-results (boundary
//! cases) are listed in the step's `output`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::files::Render;
use super::model::{RunModel, ScenarioRecord};
use crate::run::events::StepStatus;

pub struct CucumberJson;

impl Render for CucumberJson {
    fn file_name(&self) -> &str {
        "cucumber.json"
    }

    fn render(&self, model: &RunModel) -> String {
        let mut s = serde_json::to_string_pretty(&to_value(model)).unwrap_or_else(|_| "[]".into());
        s.push('\n');
        s
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn tags(t: &[String]) -> Value {
    Value::Array(
        t.iter()
            .map(|t| json!({ "name": format!("@{t}") }))
            .collect(),
    )
}

fn keywords(lang: &str) -> (&'static str, &'static str) {
    match lang {
        "da" => ("Egenskab", "Scenarie"),
        _ => ("Feature", "Scenario"),
    }
}

fn element(s: &ScenarioRecord, feature_id: &str) -> Option<Value> {
    let a = s.final_attempt()?;
    let steps: Vec<Value> = a
        .steps
        .iter()
        .map(|st| {
            let status = match st.status {
                _ if st.checkpoint.is_some() && st.status == StepStatus::Passed => "pending",
                StepStatus::Passed => "passed",
                StepStatus::Failed => "failed",
                StepStatus::Skipped => "skipped",
                StepStatus::Undefined => "undefined",
            };
            let mut result = json!({
                "status": status,
                "duration": (st.duration_ms * 1_000_000.0).round().max(0.0) as u64,
            });
            if matches!(st.status, StepStatus::Failed | StepStatus::Undefined) {
                let mut msg = st.message.clone().unwrap_or_default();
                if let Some((e, a)) = &st.expected_actual {
                    msg.push_str(&format!("\nExpected: {e}\nActual:   {a}"));
                }
                for f in &st.findings {
                    msg.push_str(&format!("\n{}: {}", f.code, f.message));
                    if let Some(p) = &f.path {
                        msg.push_str(&format!(" at {p}"));
                    }
                }
                result["error_message"] = Value::String(msg.trim().to_string());
            }
            let mut v = json!({
                "keyword": format!("{} ", st.keyword.trim_end()),
                "name": st.text,
                "line": st.line,
                "match": { "location": format!("{}:{}", s.info.feature_path, st.line) },
                "result": result,
            });
            if !st.table.is_empty() {
                v["rows"] = Value::Array(st.table.iter().map(|r| json!({ "cells": r })).collect());
            }
            if let Some(d) = &st.docstring {
                v["doc_string"] = json!({ "value": d, "line": st.line + 1 });
            }
            let mut output: Vec<String> = st
                .subresults
                .iter()
                .map(|c| {
                    format!(
                        "{} {}{}",
                        if c.passed { "passed" } else { "FAILED" },
                        c.name,
                        c.message
                            .as_deref()
                            .map(|m| format!(": {m}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            if let Some(cp) = &st.checkpoint {
                output.push(format!("awaiting manual confirmation: {cp}"));
            }
            if !output.is_empty() {
                v["output"] = json!(output);
            }
            v
        })
        .collect();
    let (_, kw) = keywords(&s.info.language);
    Some(json!({
        "id": format!("{feature_id};{}", slug(&s.info.name)),
        "keyword": kw,
        "type": "scenario",
        "name": s.info.name,
        "description": "",
        "line": s.info.line,
        "tags": tags(&s.info.tags),
        "steps": steps,
    }))
}

pub fn to_value(model: &RunModel) -> Value {
    let mut features: BTreeMap<&str, Vec<&ScenarioRecord>> = BTreeMap::new();
    for s in model.finished() {
        features
            .entry(s.info.feature_path.as_str())
            .or_default()
            .push(s);
    }
    let out: Vec<Value> = features
        .into_iter()
        .map(|(path, scenarios)| {
            let first = scenarios[0];
            let id = slug(&first.info.feature_name);
            // Feature tags: the prefix every scenario's tag list shares (tags are listed
            // feature, rule, scenario).
            let mut common: &[String] = &first.info.tags;
            for s in &scenarios[1..] {
                let n = common
                    .iter()
                    .zip(&s.info.tags)
                    .take_while(|(a, b)| a == b)
                    .count();
                common = &common[..n];
            }
            let (kw, _) = keywords(&first.info.language);
            json!({
                "uri": path,
                "id": id,
                "keyword": kw,
                "name": first.info.feature_name,
                "description": "",
                "line": 1,
                "tags": tags(common),
                "elements": scenarios.iter().filter_map(|s| element(s, &id)).collect::<Vec<_>>(),
            })
        })
        .collect();
    Value::Array(out)
}
