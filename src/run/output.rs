//! Which writers a run gets. (Until the report writers land: a plain terminal line per
//! scenario and a summary.)

use std::path::Path;

use super::events::{Event, StepStatus, Verdict};
use crate::report::Writer;

pub type Writers = Vec<(String, Box<dyn Writer>)>;

pub fn writers(
    _report_dir: Option<&Path>,
    terminal: bool,
    _masked: bool,
) -> Result<Writers, String> {
    let mut v: Writers = Vec::new();
    if terminal {
        v.push(("terminal".into(), Box::new(Plain::default())));
    }
    Ok(v)
}

#[derive(Default)]
struct Plain {
    names: std::collections::HashMap<String, String>,
    messages: std::collections::HashMap<String, String>,
}

impl Writer for Plain {
    fn event(&mut self, e: &Event) -> std::io::Result<()> {
        match e {
            Event::ScenarioStarted { scenario, .. } => {
                self.names
                    .insert(scenario.id.clone(), scenario.name.clone());
            }
            Event::StepFinished {
                scenario_id, step, ..
            } => {
                if matches!(step.status, StepStatus::Failed | StepStatus::Undefined) {
                    self.messages.insert(
                        scenario_id.clone(),
                        format!(
                            "{} {} (line {}): {}",
                            step.keyword,
                            step.text,
                            step.line,
                            step.message.clone().unwrap_or_default()
                        ),
                    );
                }
            }
            Event::ScenarioFinished {
                scenario_id,
                verdict,
                final_attempt,
                ..
            } => {
                let name = self.names.get(scenario_id).cloned().unwrap_or_default();
                let mark = match verdict {
                    Verdict::Passed => "ok  ",
                    Verdict::Failed if !final_attempt => "RETRY",
                    Verdict::Failed => "FAIL",
                    Verdict::AwaitingConfirmation => "WAIT",
                };
                eprintln!("{mark} {scenario_id} {name}");
                if *verdict == Verdict::Failed
                    && let Some(m) = self.messages.get(scenario_id)
                {
                    eprintln!("     {m}");
                }
            }
            Event::ParseError {
                path,
                line,
                message,
            } => {
                eprintln!("FAIL {path}:{}: {message}", line.unwrap_or(0));
            }
            Event::RunFinished(s) => {
                println!(
                    "{} scenarios: {} passed, {} failed, {} awaiting confirmation; {} cases ({} failed); {:.1} s",
                    s.scenarios,
                    s.passed,
                    s.failed,
                    s.awaiting_confirmation,
                    s.cases,
                    s.cases_failed,
                    s.duration_ms / 1000.0
                );
            }
            _ => {}
        }
        Ok(())
    }
}
