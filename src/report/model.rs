//! What the file reports share: the run as far as the event stream has told it. Every file
//! report is a pure function of a [`RunModel`] ([`crate::report::files::Render`]), so the
//! same files can be written during the run and regenerated later from `events.jsonl`.

use std::collections::{BTreeMap, HashMap};

use crate::run::events::{Event, RunInfo, ScenarioInfo, StepResult, StepStatus, Summary, Verdict};

/// One attempt of a scenario.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub attempt: u32,
    pub steps: Vec<StepResult>,
    /// `None` while the attempt runs.
    pub verdict: Option<Verdict>,
    pub final_attempt: bool,
    pub duration_ms: f64,
}

impl Attempt {
    /// The first failed (or undefined) step, the one a report names as the reason.
    pub fn first_failed_step(&self) -> Option<&StepResult> {
        self.steps
            .iter()
            .find(|s| matches!(s.status, StepStatus::Failed | StepStatus::Undefined))
    }

    /// Headline of the failure: the first failed step's message (first line), or a generic
    /// text when the step gave none.
    pub fn failure_headline(&self) -> String {
        match self.first_failed_step() {
            Some(s) => match &s.message {
                Some(m) => m.lines().next().unwrap_or("").to_string(),
                None if s.status == StepStatus::Undefined => format!("undefined step: {}", s.text),
                None => format!("step failed: {}", s.text),
            },
            None => "scenario failed".to_string(),
        }
    }
}

/// A scenario with all its attempts, in the order they started.
#[derive(Debug, Clone)]
pub struct ScenarioRecord {
    pub info: ScenarioInfo,
    pub attempts: Vec<Attempt>,
}

impl ScenarioRecord {
    /// The attempt that decides the verdict, once it has finished.
    pub fn final_attempt(&self) -> Option<&Attempt> {
        self.attempts
            .iter()
            .rev()
            .find(|a| a.final_attempt && a.verdict.is_some())
    }

    pub fn is_finished(&self) -> bool {
        self.final_attempt().is_some()
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.final_attempt().and_then(|a| a.verdict)
    }

    /// Failed attempts before the final one.
    pub fn failed_retries(&self) -> impl Iterator<Item = &Attempt> {
        self.attempts
            .iter()
            .filter(|a| !a.final_attempt && a.verdict == Some(Verdict::Failed))
    }

    /// Passed (or awaits confirmation) after at least one failed attempt.
    pub fn is_flaky(&self) -> bool {
        matches!(
            self.verdict(),
            Some(Verdict::Passed | Verdict::AwaitingConfirmation)
        ) && self.failed_retries().next().is_some()
    }

    /// The manual checkpoints of the final attempt.
    pub fn checkpoints(&self) -> Vec<&str> {
        self.final_attempt()
            .map(|a| {
                a.steps
                    .iter()
                    .filter_map(|s| s.checkpoint.as_deref())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// (cases, failed cases) of the final attempt's sub-results.
    pub fn cases(&self) -> (usize, usize) {
        let Some(a) = self.final_attempt() else {
            return (0, 0);
        };
        let all = a.steps.iter().flat_map(|s| &s.subresults);
        let (mut n, mut failed) = (0, 0);
        for c in all {
            n += 1;
            if !c.passed {
                failed += 1;
            }
        }
        (n, failed)
    }

    pub fn integration(&self) -> &str {
        self.info.integration.as_deref().unwrap_or("-")
    }

    pub fn level(&self) -> &str {
        self.info.level.as_deref().unwrap_or("-")
    }

    /// `SF1590_A.kildeintegration`: the integration and the feature file's stem.
    pub fn classname(&self) -> String {
        let stem = feature_stem(&self.info.feature_path);
        match &self.info.integration {
            Some(i) => format!("{i}.{stem}"),
            None => stem.to_string(),
        }
    }
}

/// `SF1590_A/kildeintegration.feature` → `kildeintegration`.
pub fn feature_stem(path: &str) -> &str {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    file.strip_suffix(".feature").unwrap_or(file)
}

#[derive(Debug, Clone)]
pub struct ParseErrorRecord {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

/// Counts of one (integration, level) group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupCounts {
    pub passed: usize,
    pub failed: usize,
    pub awaiting: usize,
    pub flaky: usize,
    pub cases: usize,
    pub cases_failed: usize,
}

impl GroupCounts {
    pub fn scenarios(&self) -> usize {
        self.passed + self.failed + self.awaiting
    }

    fn add(&mut self, s: &ScenarioRecord) {
        match s.verdict() {
            Some(Verdict::Passed) => self.passed += 1,
            Some(Verdict::Failed) => self.failed += 1,
            Some(Verdict::AwaitingConfirmation) => self.awaiting += 1,
            None => return,
        }
        if s.is_flaky() {
            self.flaky += 1;
        }
        let (c, f) = s.cases();
        self.cases += c;
        self.cases_failed += f;
    }
}

/// The run as told so far.
#[derive(Debug, Clone, Default)]
pub struct RunModel {
    pub info: Option<RunInfo>,
    pub parse_errors: Vec<ParseErrorRecord>,
    /// In the order scenarios first started.
    pub scenarios: Vec<ScenarioRecord>,
    index: HashMap<String, usize>,
    /// Set by `RunFinished`: the run is complete (or was stopped in an orderly way).
    pub summary: Option<Summary>,
}

impl RunModel {
    pub fn new() -> RunModel {
        RunModel::default()
    }

    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> RunModel {
        let mut m = RunModel::new();
        for e in events {
            m.apply(e);
        }
        m
    }

    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::RunStarted(info) => self.info = Some(info.clone()),
            Event::ParseError {
                path,
                line,
                message,
            } => self.parse_errors.push(ParseErrorRecord {
                path: path.clone(),
                line: *line,
                message: message.clone(),
            }),
            Event::ScenarioStarted { scenario, attempt } => {
                let idx = match self.index.get(&scenario.id) {
                    Some(&i) => i,
                    None => {
                        self.scenarios.push(ScenarioRecord {
                            info: scenario.clone(),
                            attempts: Vec::new(),
                        });
                        self.index
                            .insert(scenario.id.clone(), self.scenarios.len() - 1);
                        self.scenarios.len() - 1
                    }
                };
                let rec = &mut self.scenarios[idx];
                rec.info = scenario.clone();
                rec.attempts.retain(|a| a.attempt != *attempt);
                rec.attempts.push(Attempt {
                    attempt: *attempt,
                    steps: Vec::new(),
                    verdict: None,
                    final_attempt: false,
                    duration_ms: 0.0,
                });
            }
            Event::StepFinished {
                scenario_id,
                attempt,
                step,
            } => {
                if let Some(a) = self.attempt_mut(scenario_id, *attempt) {
                    a.steps.push(step.clone());
                }
            }
            Event::ScenarioFinished {
                scenario_id,
                attempt,
                verdict,
                final_attempt,
                duration_ms,
            } => {
                if let Some(a) = self.attempt_mut(scenario_id, *attempt) {
                    a.verdict = Some(*verdict);
                    a.final_attempt = *final_attempt;
                    a.duration_ms = *duration_ms;
                }
            }
            Event::RunFinished(summary) => self.summary = Some(summary.clone()),
        }
    }

    fn attempt_mut(&mut self, id: &str, attempt: u32) -> Option<&mut Attempt> {
        let &i = self.index.get(id)?;
        self.scenarios[i]
            .attempts
            .iter_mut()
            .find(|a| a.attempt == attempt)
    }

    pub fn scenario(&self, id: &str) -> Option<&ScenarioRecord> {
        self.index.get(id).map(|&i| &self.scenarios[i])
    }

    /// Scenarios whose final attempt has finished, in start order.
    pub fn finished(&self) -> impl Iterator<Item = &ScenarioRecord> {
        self.scenarios.iter().filter(|s| s.is_finished())
    }

    /// Scenarios started but not finished (only meaningful once the run has ended:
    /// they were interrupted).
    pub fn unfinished(&self) -> impl Iterator<Item = &ScenarioRecord> {
        self.scenarios.iter().filter(|s| !s.is_finished())
    }

    pub fn is_complete(&self) -> bool {
        self.summary.is_some()
    }

    pub fn interrupted(&self) -> bool {
        self.summary.as_ref().is_some_and(|s| s.interrupted)
    }

    /// Counts per (integration, level), sorted.
    pub fn groups(&self) -> BTreeMap<(String, String), GroupCounts> {
        let mut g: BTreeMap<(String, String), GroupCounts> = BTreeMap::new();
        for s in self.finished() {
            g.entry((s.integration().to_string(), s.level().to_string()))
                .or_default()
                .add(s);
        }
        g
    }

    pub fn totals(&self) -> GroupCounts {
        let mut t = GroupCounts::default();
        for s in self.finished() {
            t.add(s);
        }
        t
    }

    /// Requirement ID → finished scenarios that cover it, sorted by requirement.
    pub fn requirements(&self) -> BTreeMap<&str, Vec<&ScenarioRecord>> {
        let mut r: BTreeMap<&str, Vec<&ScenarioRecord>> = BTreeMap::new();
        for s in self.finished() {
            for req in &s.info.requirements {
                r.entry(req.as_str()).or_default().push(s);
            }
        }
        r
    }
}

/// The combined verdict of several scenarios: failed beats awaiting beats passed.
pub fn combine(verdicts: impl IntoIterator<Item = Verdict>) -> Option<Verdict> {
    let mut out = None;
    for v in verdicts {
        out = Some(match (out, v) {
            (_, Verdict::Failed) | (Some(Verdict::Failed), _) => Verdict::Failed,
            (_, Verdict::AwaitingConfirmation) | (Some(Verdict::AwaitingConfirmation), _) => {
                Verdict::AwaitingConfirmation
            }
            _ => Verdict::Passed,
        });
    }
    out
}

pub fn verdict_str(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::AwaitingConfirmation => "awaiting confirmation",
    }
}

/// `1.234` seconds from milliseconds, three decimals.
pub fn secs(ms: f64) -> String {
    format!("{:.3}", (ms.max(0.0)) / 1000.0)
}

/// `1 scenario`, `2 scenarios`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
