//! cucumber's events → oir's event stream. cucumber knows features, scenarios and step
//! outcomes; the steps' records (exchanges, findings, cases) come from the [`Recorder`].
//! Here the safety rules against silent passes are applied: an undefined step or a
//! scenario without steps fails.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cucumber::event::{
    self, Cucumber as CEv, Feature as FEv, Rule as REv, Scenario as SEv, Step as StEv,
};
use cucumber::{Event as CEvent, gherkin, parser};

use super::events::{Event, StepResult, StepStatus, Summary, Verdict};
use super::suite::scenario_info;
use super::world::{OirWorld, Recorder};
use crate::report::Fanout;

/// Run totals, kept as the events pass.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub summary: Summary,
    /// Scenarios that failed (final attempt): (id, first message).
    pub failed: Vec<(String, String)>,
}

/// Where events go: the writers, and the tally that decides the exit code.
pub struct Sink {
    pub fanout: Fanout,
    pub tally: Tally,
}

impl Sink {
    pub fn emit(&mut self, e: Event) {
        self.fanout.event(&e);
    }
}

pub type SharedSink = Arc<Mutex<Sink>>;

pub fn lock(s: &SharedSink) -> std::sync::MutexGuard<'_, Sink> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

struct Progress {
    started: Instant,
    steps_reported: usize,
    failed: bool,
    first_message: Option<String>,
    checkpoint: bool,
}

pub struct Bridge {
    pub sink: SharedSink,
    recorder: Recorder,
    languages: HashMap<String, String>,
    running: HashMap<String, Progress>,
}

impl Bridge {
    pub fn new(sink: SharedSink, recorder: Recorder, languages: HashMap<String, String>) -> Bridge {
        Bridge {
            sink,
            recorder,
            languages,
            running: HashMap::new(),
        }
    }

    fn rel(feature: &gherkin::Feature) -> String {
        feature
            .path
            .as_ref()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    }

    fn on_scenario(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
        ev: event::RetryableScenario<OirWorld>,
    ) {
        let rel = Self::rel(feature);
        let info = scenario_info(
            &rel,
            self.languages.get(&rel).map(String::as_str).unwrap_or("en"),
            feature,
            rule,
            scenario,
        );
        let id = info.id.clone();
        let attempt = ev.retries.map(|r| r.current as u32 + 1).unwrap_or(1);
        let retries_left = ev.retries.map(|r| r.left).unwrap_or(0);
        match ev.event {
            SEv::Started => {
                self.running.insert(
                    id.clone(),
                    Progress {
                        started: Instant::now(),
                        steps_reported: 0,
                        failed: false,
                        first_message: None,
                        checkpoint: false,
                    },
                );
                lock(&self.sink).emit(Event::ScenarioStarted {
                    scenario: info,
                    attempt,
                });
            }
            SEv::Step(step, st) | SEv::Background(step, st) => {
                self.on_step(&id, attempt, &step, st);
            }
            SEv::Hook(kind, event::Hook::Failed(_, info)) => {
                let msg = format!("{kind:?} hook failed: {}", panic_text(&info));
                if let Some(p) = self.running.get_mut(&id) {
                    p.failed = true;
                    p.first_message.get_or_insert(msg);
                }
            }
            SEv::Hook(..) | SEv::Log(_) => {}
            SEv::Finished => self.on_finished(feature, scenario, &id, attempt, retries_left),
        }
    }

    fn on_step(&mut self, id: &str, attempt: u32, step: &gherkin::Step, st: StEv<OirWorld>) {
        let (status, fallback) = match &st {
            StEv::Started => return,
            StEv::Passed(..) => (StepStatus::Passed, None),
            StEv::Skipped => (
                StepStatus::Undefined,
                Some(format!(
                    "undefined step: no step of the library matches '{}' (`oir lint` checks features, `oir steps` lists the library)",
                    step.value
                )),
            ),
            StEv::Failed(_, _, _, err) => (StepStatus::Failed, Some(step_error_text(err))),
        };
        let rec = if status == StepStatus::Undefined {
            None
        } else {
            self.recorder.take(id)
        };
        let rec = rec.unwrap_or_default();
        // The record's status is the step's own verdict; cucumber's is the fallback.
        let status = rec
            .status
            .filter(|_| status != StepStatus::Undefined)
            .unwrap_or(status);
        let message = rec
            .message
            .clone()
            .or(fallback)
            .filter(|_| status != StepStatus::Passed);
        let result = StepResult {
            keyword: step.keyword.trim().to_string(),
            text: step.value.clone(),
            line: step.position.line,
            status,
            message: message.clone(),
            expected_actual: rec.expected_actual,
            duration_ms: rec.duration.as_secs_f64() * 1000.0,
            exchanges: rec.exchanges,
            findings: rec.findings,
            subresults: rec.subresults,
            checkpoint: rec.checkpoint.clone(),
            table: step
                .table
                .as_ref()
                .map(|t| t.rows.clone())
                .unwrap_or_default(),
            docstring: step.docstring.clone(),
        };
        {
            let mut sink = lock(&self.sink);
            sink.tally.summary.steps += 1;
            sink.tally.summary.cases += result.subresults.len();
            sink.tally.summary.cases_failed +=
                result.subresults.iter().filter(|s| !s.passed).count();
            sink.emit(Event::StepFinished {
                scenario_id: id.to_string(),
                attempt,
                step: result,
            });
        }
        if let Some(p) = self.running.get_mut(id) {
            p.steps_reported += 1;
            if status != StepStatus::Passed {
                p.failed = true;
                if p.first_message.is_none() {
                    p.first_message = message;
                }
            }
            if rec.checkpoint.is_some() {
                p.checkpoint = true;
            }
        }
    }

    fn on_finished(
        &mut self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
        id: &str,
        attempt: u32,
        retries_left: usize,
    ) {
        self.recorder.clear(id);
        let Some(mut p) = self.running.remove(id) else {
            return;
        };
        let background: Vec<&gherkin::Step> = feature
            .background
            .iter()
            .flat_map(|b| b.steps.iter())
            .collect();
        let all: Vec<&gherkin::Step> = background
            .into_iter()
            .chain(scenario.steps.iter())
            .collect();
        if all.is_empty() {
            p.failed = true;
            p.first_message = Some(
                "the scenario has no steps (a misspelt keyword turns steps into description text)"
                    .into(),
            );
        }
        let mut sink = lock(&self.sink);
        // Steps after a failure never ran: reported as skipped, so reports show them.
        for step in all.iter().skip(p.steps_reported) {
            sink.emit(Event::StepFinished {
                scenario_id: id.to_string(),
                attempt,
                step: StepResult {
                    keyword: step.keyword.trim().to_string(),
                    text: step.value.clone(),
                    line: step.position.line,
                    status: StepStatus::Skipped,
                    message: None,
                    expected_actual: None,
                    duration_ms: 0.0,
                    exchanges: Vec::new(),
                    findings: Vec::new(),
                    subresults: Vec::new(),
                    checkpoint: None,
                    table: step
                        .table
                        .as_ref()
                        .map(|t| t.rows.clone())
                        .unwrap_or_default(),
                    docstring: step.docstring.clone(),
                },
            });
        }
        let verdict = if p.failed {
            Verdict::Failed
        } else if p.checkpoint {
            Verdict::AwaitingConfirmation
        } else {
            Verdict::Passed
        };
        let final_attempt = !(p.failed && retries_left > 0);
        if final_attempt {
            let s = &mut sink.tally.summary;
            s.scenarios += 1;
            match verdict {
                Verdict::Passed => s.passed += 1,
                Verdict::Failed => s.failed += 1,
                Verdict::AwaitingConfirmation => s.awaiting_confirmation += 1,
            }
            if verdict != Verdict::Failed && attempt > 1 {
                s.flaky += 1;
            }
            if verdict == Verdict::Failed {
                let m = p.first_message.clone().unwrap_or_default();
                sink.tally.failed.push((id.to_string(), m));
            }
        }
        sink.emit(Event::ScenarioFinished {
            scenario_id: id.to_string(),
            attempt,
            verdict,
            final_attempt,
            duration_ms: p.started.elapsed().as_secs_f64() * 1000.0,
        });
    }
}

fn panic_text(info: &event::Info) -> String {
    if let Some(s) = info.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = info.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        "a step panicked".to_string()
    }
}

fn step_error_text(e: &event::StepError) -> String {
    match e {
        event::StepError::Panic(info) => panic_text(info),
        other => other.to_string(),
    }
}

impl cucumber::Writer<OirWorld> for Bridge {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(&mut self, ev: parser::Result<CEvent<CEv<OirWorld>>>, _: &Self::Cli) {
        let ev = match ev {
            Ok(ev) => ev.value,
            Err(e) => {
                // Features are parsed before the run; this is an expansion problem.
                let mut sink = lock(&self.sink);
                sink.tally.summary.parse_errors += 1;
                sink.emit(Event::ParseError {
                    path: String::new(),
                    line: None,
                    message: e.to_string(),
                });
                return;
            }
        };
        if let CEv::Feature(f, fev) = ev {
            match fev {
                FEv::Scenario(s, sev) => self.on_scenario(&f, None, &s, sev),
                FEv::Rule(r, REv::Scenario(s, sev)) => self.on_scenario(&f, Some(&r), &s, sev),
                _ => {}
            }
        }
    }
}

impl cucumber::writer::Normalized for Bridge {}
