//! The one event stream of a run. The runner emits these in order; every report (terminal
//! summary, JUnit, Cucumber JSON, HTML, conformance statement) is a [`crate::report::Writer`]
//! that consumes them — no writer looks at the runner's internals.
//!
//! Order contract: `RunStarted` first, `RunFinished` last (unless the process dies). A
//! scenario attempt is `ScenarioStarted`, its `StepFinished`s in step order, then
//! `ScenarioFinished`; attempts of different scenarios may interleave (concurrency), so
//! writers key by [`ScenarioInfo::id`] + `attempt`. A retried scenario has several attempts;
//! only the one with `final_attempt: true` decides its verdict.

use serde::{Deserialize, Serialize};

/// Everything a reader needs to know what was tested, when, and how to reproduce it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunInfo {
    pub tool: String,
    pub tool_version: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub started_at: String,
    /// What was tested, for people: "built-in stub (http://127.0.0.1:41234)" or the
    /// environment's name and URLs.
    pub target: String,
    /// Environment name (or file), `None` for the built-in default.
    pub environment: Option<String>,
    /// Which side is under test: "erp", "fagsystem", or "stub" (built-in self-test).
    pub side_under_test: String,
    pub seed: u64,
    /// SHA-256 over the feature files run (path + content), hex.
    pub suite_hash: String,
    /// SHA-256 over the service packs' contract files, hex.
    pub schema_hash: String,
    /// Where the features came from (folder, or "built-in").
    pub features: String,
    /// The filters as given (`--tags`, `--name`, `--shard`), for the record.
    pub filters: Vec<String>,
    /// Number of scenarios selected to run (after filters and shard).
    pub scenarios_planned: usize,
    /// Personal data masked in reports (CPR numbers …); false only on explicit request.
    pub masked: bool,
}

/// One scenario (an outline's example row is its own scenario).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScenarioInfo {
    /// Stable across runs: `<feature path>:<line>` (an outline row: the row's line).
    pub id: String,
    /// Feature file, relative to the features folder (`SF1590_A/kildeintegration.feature`).
    pub feature_path: String,
    pub feature_name: String,
    /// Rule (Gherkin `Rule:`) the scenario sits in, if any.
    pub rule: Option<String>,
    pub name: String,
    pub line: usize,
    /// Tags of feature, rule and scenario, without `@`, in that order.
    pub tags: Vec<String>,
    /// From the `sf1590_*` tag: "SF1590_A" …
    pub integration: Option<String>,
    /// From a level tag: "kildeintegration", "e2e", "nulsum".
    pub level: Option<String>,
    /// From `req:` tags: "SF1590A-BAL-001" …
    pub requirements: Vec<String>,
    /// Gherkin language of the file ("en", "da").
    pub language: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Passed,
    Failed,
    /// Not run because an earlier step failed.
    Skipped,
    /// No step of the library matches the text (a failure, never a silent skip).
    Undefined,
}

/// A SOAP exchange made (or received) by a step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Exchange {
    /// "outbound": oir sent a request to the target; "inbound": oir received a request from
    /// the system under test (its stub side) and answered it.
    pub direction: String,
    pub operation: String,
    pub url: String,
    pub soap_action: Option<String>,
    pub request: String,
    /// `None` when no answer arrived (timeout, connection refused …; see `error`).
    pub response: Option<String>,
    pub http_status: Option<u16>,
    pub duration_ms: f64,
    pub error: Option<String>,
}

/// A finding shown at its place in a message (schema or business rule).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// Rule code ("SF1590A-BAL-001") or "schema".
    pub code: String,
    pub message: String,
    /// Element path within the message, when known (`/Finansbilag/Finanspostering[2]/Beloeb`).
    pub path: Option<String>,
    pub line: Option<usize>,
}

/// One case expanded inside a step (a boundary case, a sortiment value): counted and
/// reported as its own result under the step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SubResult {
    pub name: String,
    pub passed: bool,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StepResult {
    /// As written ("Given", "Givet", "And" …).
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub status: StepStatus,
    /// Why it failed (first line is the headline), or why it is undefined.
    pub message: Option<String>,
    /// Given when an expected value was compared: (expected, actual), for a diff.
    pub expected_actual: Option<(String, String)>,
    pub duration_ms: f64,
    pub exchanges: Vec<Exchange>,
    pub findings: Vec<Finding>,
    pub subresults: Vec<SubResult>,
    /// A manual checkpoint's text: shown as awaiting a person's confirmation.
    pub checkpoint: Option<String>,
    /// The step's data table (rows of cells) or doc string, for the report.
    pub table: Vec<Vec<String>>,
    pub docstring: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Failed,
    /// Every automatic check passed; a manual checkpoint awaits a person.
    AwaitingConfirmation,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub scenarios: usize,
    pub passed: usize,
    pub failed: usize,
    pub awaiting_confirmation: usize,
    /// Passed after at least one failed attempt.
    pub flaky: usize,
    /// Sub-results (boundary cases …) across all steps.
    pub cases: usize,
    pub cases_failed: usize,
    pub steps: usize,
    /// Feature files that could not be parsed (each is a failure).
    pub parse_errors: usize,
    pub duration_ms: f64,
    /// The exit code the run ends with (README's table).
    pub exit_code: i32,
    /// True when the run was interrupted (Ctrl-C, SIGTERM, --fail-fast stop).
    pub interrupted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RunStarted(RunInfo),
    /// A feature file that could not be parsed: a failure of the run, not a skip.
    ParseError {
        path: String,
        line: Option<usize>,
        message: String,
    },
    ScenarioStarted {
        scenario: ScenarioInfo,
        /// 1 for the first attempt.
        attempt: u32,
    },
    StepFinished {
        scenario_id: String,
        attempt: u32,
        step: StepResult,
    },
    ScenarioFinished {
        scenario_id: String,
        attempt: u32,
        verdict: Verdict,
        /// False when a retry follows this failed attempt.
        final_attempt: bool,
        duration_ms: f64,
    },
    RunFinished(Summary),
}
