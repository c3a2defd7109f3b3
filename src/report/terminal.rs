//! The terminal: progress while the run goes (a progress bar on a TTY, one line per scenario
//! otherwise; failures with their message as they happen) and a concise summary by
//! integration × level at the end, listing the failed scenarios with id and first message.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Writer;
use super::model::{RunModel, plural, secs};
use crate::run::events::{Event, Verdict};

pub struct Terminal {
    out: Box<dyn Write + Send>,
    bar: Option<ProgressBar>,
    /// Whether a progress bar is wanted (it is created at `RunStarted`, when the number of
    /// planned scenarios is known).
    progress: bool,
    /// The run without exchanges (the terminal never shows them).
    model: RunModel,
}

impl Terminal {
    /// `progress`: draw a progress bar (on stderr) and print only failures, retries and
    /// checkpoints as lines; otherwise one plain line per scenario.
    pub fn new(out: Box<dyn Write + Send>, progress: bool) -> Terminal {
        Terminal {
            out,
            bar: None,
            progress,
            model: RunModel::new(),
        }
    }

    /// Standard output, with a progress bar when stderr is a terminal.
    pub fn stdout() -> Terminal {
        Terminal::new(Box::new(std::io::stdout()), std::io::stderr().is_terminal())
    }

    fn line(&mut self, text: &str) -> std::io::Result<()> {
        let out = &mut self.out;
        match &self.bar {
            Some(bar) => bar.suspend(|| writeln!(out, "{text}")),
            None => writeln!(out, "{text}"),
        }
    }

    fn scenario_finished(
        &mut self,
        id: &str,
        attempt: u32,
        verdict: Verdict,
        final_attempt: bool,
        duration_ms: f64,
    ) -> std::io::Result<()> {
        let Some(s) = self.model.scenario(id) else {
            return Ok(());
        };
        let name = s.info.name.clone();
        let a = s.attempts.iter().find(|a| a.attempt == attempt);
        let headline = a.map(|a| a.failure_headline()).unwrap_or_default();
        let checkpoints = s.checkpoints().join("; ");
        let t = secs(duration_ms);
        let text = match (verdict, final_attempt) {
            (Verdict::Failed, false) => Some(format!(
                "retry  {id}  {name}: attempt {attempt} failed: {headline}"
            )),
            (Verdict::Failed, true) => {
                Some(format!("FAIL   {id}  {name} ({t} s)\n       {headline}"))
            }
            (Verdict::AwaitingConfirmation, true) => Some(format!(
                "await  {id}  {name} ({t} s)\n       awaiting confirmation: {checkpoints}"
            )),
            (Verdict::Passed, true) if self.bar.is_none() => {
                let flaky = if s.is_flaky() { " flaky" } else { "" };
                Some(format!("ok     {id}  {name} ({t} s){flaky}"))
            }
            _ => None,
        };
        if let Some(bar) = &self.bar
            && final_attempt
        {
            bar.inc(1);
        }
        match text {
            Some(t) => self.line(&t),
            None => Ok(()),
        }
    }

    fn summary(&mut self) -> std::io::Result<()> {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let m = &self.model;
        let mut text = String::new();
        let groups = m.groups();
        let iw = groups.keys().map(|k| k.0.len()).max().unwrap_or(0).max(11);
        let lw = groups.keys().map(|k| k.1.len()).max().unwrap_or(0).max(5);
        text.push_str(&format!(
            "\n{:iw$}  {:lw$}  {:>6}  {:>6}  {:>8}  {:>9}\n",
            "Integration", "Level", "passed", "failed", "awaiting", "cases"
        ));
        for ((i, l), c) in &groups {
            let cases = if c.cases == 0 {
                "-".to_string()
            } else {
                format!("{}/{}", c.cases - c.cases_failed, c.cases)
            };
            text.push_str(&format!(
                "{i:iw$}  {l:lw$}  {:>6}  {:>6}  {:>8}  {cases:>9}\n",
                c.passed, c.failed, c.awaiting
            ));
        }
        let failed: Vec<_> = m
            .finished()
            .filter(|s| s.verdict() == Some(Verdict::Failed))
            .collect();
        if !failed.is_empty() || !m.parse_errors.is_empty() {
            text.push_str("\nFailed:\n");
            for e in &m.parse_errors {
                let line = e.line.map(|l| format!(":{l}")).unwrap_or_default();
                text.push_str(&format!(
                    "  {}{line}  cannot be parsed: {}\n",
                    e.path,
                    e.message.lines().next().unwrap_or("")
                ));
            }
            for s in failed {
                let headline = s
                    .final_attempt()
                    .map(|a| a.failure_headline())
                    .unwrap_or_default();
                text.push_str(&format!(
                    "  {}  {}\n      {headline}\n",
                    s.info.id, s.info.name
                ));
            }
        }
        let awaiting: Vec<_> = m
            .finished()
            .filter(|s| s.verdict() == Some(Verdict::AwaitingConfirmation))
            .collect();
        if !awaiting.is_empty() {
            text.push_str("\nAwaiting manual confirmation:\n");
            for s in awaiting {
                text.push_str(&format!(
                    "  {}  {}\n",
                    s.info.id,
                    s.checkpoints().join("; ")
                ));
            }
        }
        let t = m.totals();
        let sum = m.summary.clone().unwrap_or_default();
        let unfinished = m.unfinished().count();
        text.push_str(&format!(
            "\n{}: {} passed, {} failed, {} awaiting confirmation",
            plural(t.scenarios(), "scenario"),
            t.passed,
            t.failed,
            t.awaiting
        ));
        if t.flaky > 0 {
            text.push_str(&format!(" ({} flaky)", t.flaky));
        }
        if t.cases > 0 {
            text.push_str(&format!("; {} cases, {} failed", t.cases, t.cases_failed));
        }
        if !m.parse_errors.is_empty() {
            text.push_str(&format!(
                "; {} not parsable",
                plural(m.parse_errors.len(), "feature file")
            ));
        }
        text.push_str(&format!("; {} s\n", secs(sum.duration_ms)));
        if sum.interrupted {
            text.push_str(&format!(
                "Interrupted: {} did not finish.\n",
                plural(unfinished, "scenario")
            ));
        }
        let out = &mut self.out;
        out.write_all(text.as_bytes())?;
        out.flush()
    }
}

impl Writer for Terminal {
    fn event(&mut self, event: &Event) -> std::io::Result<()> {
        match event {
            Event::StepFinished {
                scenario_id,
                attempt,
                step,
            } => {
                let mut step = step.clone();
                step.exchanges.clear();
                self.model.apply(&Event::StepFinished {
                    scenario_id: scenario_id.clone(),
                    attempt: *attempt,
                    step,
                });
            }
            e => self.model.apply(e),
        }
        match event {
            Event::RunStarted(i) => {
                if self.progress {
                    let bar = ProgressBar::with_draw_target(
                        Some(i.scenarios_planned as u64),
                        ProgressDrawTarget::stderr(),
                    );
                    if let Ok(style) =
                        ProgressStyle::with_template("{bar:40} {pos}/{len} scenarios {elapsed}")
                    {
                        bar.set_style(style);
                    }
                    self.bar = Some(bar);
                }
                let text = format!(
                    "{} {}: {} against {}, seed {}",
                    i.tool,
                    i.tool_version,
                    plural(i.scenarios_planned, "scenario"),
                    i.target,
                    i.seed
                );
                self.line(&text)
            }
            Event::ParseError {
                path,
                line,
                message,
            } => {
                let l = line.map(|l| format!(":{l}")).unwrap_or_default();
                let text = format!(
                    "ERROR  {path}{l}: cannot be parsed: {}",
                    message.lines().next().unwrap_or("")
                );
                self.line(&text)
            }
            Event::ScenarioFinished {
                scenario_id,
                attempt,
                verdict,
                final_attempt,
                duration_ms,
            } => self.scenario_finished(
                scenario_id,
                *attempt,
                *verdict,
                *final_attempt,
                *duration_ms,
            ),
            Event::RunFinished(_) => self.summary(),
            _ => Ok(()),
        }
    }
}
