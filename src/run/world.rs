//! The scenario's world: what one scenario knows while its steps run (the message being
//! built, the last exchange, saved messages) plus the run's shared context (contracts,
//! rules, the target). Steps record what they did (exchanges, findings, cases) here; the
//! [`Recorder`] hands those records to the event stream in step order.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::env::Environment;
use super::events::{Exchange, Finding, StepStatus, SubResult};
use super::message::Message;
use super::target::{CallError, Reply, Target};
use crate::stub::Stub;
use crate::stub::catalog::{OpEntry, Service};

/// What one step did, for the report.
#[derive(Debug, Clone, Default)]
pub struct StepRecord {
    pub status: Option<StepStatus>,
    pub message: Option<String>,
    pub expected_actual: Option<(String, String)>,
    pub exchanges: Vec<Exchange>,
    pub findings: Vec<Finding>,
    pub subresults: Vec<SubResult>,
    pub checkpoint: Option<String>,
    pub duration: Duration,
}

/// Step records per scenario id, in the order the steps ran; the event bridge takes them
/// when cucumber reports the step.
#[derive(Debug, Default, Clone)]
pub struct Recorder(Arc<Mutex<HashMap<String, VecDeque<StepRecord>>>>);

impl Recorder {
    pub fn push(&self, scenario: &str, r: StepRecord) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.entry(scenario.to_string()).or_default().push_back(r);
    }

    pub fn take(&self, scenario: &str) -> Option<StepRecord> {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.get_mut(scenario).and_then(VecDeque::pop_front)
    }

    /// Forget what is left of a scenario's records (a failed step's successors never ran).
    pub fn clear(&self, scenario: &str) {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.remove(scenario);
    }
}

/// Shared by every scenario of a run.
pub struct RunCtx {
    /// Contracts, examples and business rules (the same loader the stub uses).
    pub knowledge: Arc<Stub>,
    pub env: Environment,
    pub target: Target,
    /// Base URL of the SOAP endpoints when the target is a stub (`http://127.0.0.1:PORT`).
    pub stub_url: Option<String>,
    pub seed: u64,
    pub features_root: PathBuf,
    pub recorder: Recorder,
    /// Makes tenant names unique per run (a stub may outlive one run).
    pub run_tag: String,
}

impl RunCtx {
    /// Find an operation by name; `hint` (the scenario's integration) decides when several
    /// packs have an operation of that name.
    pub fn operation(
        &self,
        name: &str,
        hint: Option<&str>,
    ) -> Result<(&Service, &OpEntry), String> {
        let mut found: Vec<(&Service, &OpEntry)> = Vec::new();
        for svc in &self.knowledge.catalog.services {
            for op in &svc.operations {
                if op.op.name == name {
                    found.push((svc, op));
                }
            }
        }
        if found.len() > 1
            && let Some(h) = hint
        {
            found.retain(|(s, _)| s.integration.as_deref() == Some(h));
        }
        match found.len() {
            1 => Ok(found[0]),
            0 => {
                let mut names: Vec<&str> = self
                    .knowledge
                    .catalog
                    .services
                    .iter()
                    .flat_map(|s| s.operations.iter().map(|o| o.op.name.as_str()))
                    .collect();
                names.sort();
                names.dedup();
                // Characters, not bytes: a name with æ/ø/å must not be cut mid-character.
                let stem: String = name.to_lowercase().chars().take(5).collect();
                let close: Vec<&str> = names
                    .iter()
                    .copied()
                    .filter(|n| n.to_lowercase().contains(&stem))
                    .take(8)
                    .collect();
                Err(format!(
                    "no operation '{name}' in the contracts{}",
                    if close.is_empty() {
                        String::new()
                    } else {
                        format!(" (similar: {})", close.join(", "))
                    }
                ))
            }
            _ => Err(format!(
                "operation '{name}' exists in {}: tag the feature with its integration (e.g. @sf1590_b_03) or name it (\"… of SF1590_B_03\")",
                found
                    .iter()
                    .filter_map(|(s, _)| s.integration.clone())
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        }
    }

    /// A draft of `op` with this message (operation looked up as [`RunCtx::operation`]).
    pub fn draft(&self, op: &str, hint: Option<&str>, message: Message) -> Result<Draft, String> {
        let (svc, entry) = self.operation(op, hint)?;
        let service = self
            .knowledge
            .catalog
            .services
            .iter()
            .position(|s| std::ptr::eq(s, svc))
            .ok_or("the operation's service is not in the catalog")?;
        let operation = svc
            .operations
            .iter()
            .position(|o| std::ptr::eq(o, entry))
            .ok_or("the operation is not in its service")?;
        Ok(Draft {
            service,
            operation,
            message,
            soap_action: None,
            content_type: None,
            raw_body: None,
        })
    }

    /// Endpoint URL of a service on the target.
    pub fn endpoint(&self, svc: &Service) -> Result<String, String> {
        if let Some(base) = &self.stub_url {
            return Ok(format!("{}{}", base.trim_end_matches('/'), svc.path));
        }
        self.env
            .endpoint(&svc.name, svc.integration.as_deref(), &svc.path)
            .ok_or_else(|| {
                format!(
                    "{}: no endpoint for service {} ({}); add it to services: or give base_url",
                    self.env.label(),
                    svc.name,
                    svc.integration.as_deref().unwrap_or("generic")
                )
            })
    }
}

tokio::task_local! {
    /// The run a world belongs to (cucumber builds worlds without arguments).
    pub static RUN: Arc<RunCtx>;
}

/// A message being built, with what the send step needs to know about it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub service: usize,
    pub operation: usize,
    pub message: Message,
    /// `Some(None)`: send no SOAPAction at all; `None`: the contract's.
    pub soap_action: Option<Option<String>>,
    pub content_type: Option<String>,
    /// Sent as is instead of `message` (malformed envelopes and other delivery tests).
    pub raw_body: Option<String>,
}

/// A request that was sent and what came back.
#[derive(Debug, Clone)]
pub struct Sent {
    pub draft: Draft,
    pub request_xml: String,
    pub reply: Result<Reply, CallError>,
    /// The answer parsed, when it is XML.
    pub answer: Option<Message>,
    /// Why the answer could not be parsed (an answer that came but is not XML).
    pub answer_error: Option<String>,
}

/// An answer's body parsed: the message, or why it is not one (DTD, depth, not XML).
pub fn parse_answer(body: &[u8]) -> (Option<Message>, Option<String>) {
    match Message::parse(body) {
        Ok(m) => (Some(m), None),
        Err(e) => (None, Some(e)),
    }
}

impl Sent {
    pub fn answer_text(&self) -> Option<String> {
        self.reply
            .as_ref()
            .ok()
            .map(|r| String::from_utf8_lossy(&r.body).into_owned())
    }
}

pub struct OirWorld {
    pub run: Arc<RunCtx>,
    pub scenario_id: String,
    pub integration: Option<String>,
    /// Templates are resolved against the feature's folder.
    pub feature_dir: PathBuf,
    /// The stub tenant of this scenario (its own state and journal).
    pub tenant: String,
    pub draft: Option<Draft>,
    pub last: Option<Sent>,
    pub saved: HashMap<String, Draft>,
    pub answers: HashMap<String, Sent>,
    /// The record of the step running now.
    pub step: StepRecord,
    counter: u64,
}

impl std::fmt::Debug for OirWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OirWorld")
            .field("scenario", &self.scenario_id)
            .finish_non_exhaustive()
    }
}

impl cucumber::World for OirWorld {
    type Error = String;

    async fn new() -> Result<Self, String> {
        let run = RUN
            .try_with(Arc::clone)
            .map_err(|_| "a world was built outside a run".to_string())?;
        Ok(OirWorld {
            run,
            scenario_id: String::new(),
            integration: None,
            feature_dir: PathBuf::new(),
            tenant: String::new(),
            draft: None,
            last: None,
            saved: HashMap::new(),
            answers: HashMap::new(),
            step: StepRecord::default(),
            counter: 0,
        })
    }
}

impl OirWorld {
    /// A UUID that is new within the run and the same for the same seed and scenario.
    pub fn fresh_uuid(&mut self) -> String {
        self.counter += 1;
        crate::stub::answer::seeded_uuid(
            self.run.seed,
            &[
                &self.run.run_tag,
                &self.scenario_id,
                &self.counter.to_string(),
            ],
        )
    }

    pub fn draft(&self) -> Result<&Draft, String> {
        self.draft
            .as_ref()
            .ok_or_else(|| "no request is being built: start with a step like 'Given a ModtagFinansbilag request from the example'".to_string())
    }

    pub fn draft_mut(&mut self) -> Result<&mut Draft, String> {
        self.draft
            .as_mut()
            .ok_or_else(|| "no request is being built: start with a step like 'Given a ModtagFinansbilag request from the example'".to_string())
    }

    pub fn last(&self) -> Result<&Sent, String> {
        self.last.as_ref().ok_or_else(|| {
            "no request has been sent yet in this scenario ('When the request is sent')".to_string()
        })
    }

    /// The parsed answer of the last exchange (a failure when there is none).
    pub fn answer(&self) -> Result<&Message, String> {
        let last = self.last()?;
        match (&last.reply, &last.answer) {
            (Err(e), _) => Err(format!("there is no answer: {e}")),
            (Ok(_), Some(m)) => Ok(m),
            (Ok(r), None) => Err(format!(
                "the answer (HTTP {}, {} bytes) is not XML: {}; it begins: {}",
                r.status,
                r.body.len(),
                last.answer_error
                    .as_deref()
                    .map(|e| e.chars().take(300).collect::<String>())
                    .unwrap_or_else(|| "it could not be parsed".into()),
                String::from_utf8_lossy(&r.body[..r.body.len().min(400)])
                    .chars()
                    .take(200)
                    .collect::<String>()
            )),
        }
    }

    pub fn service_of(&self, d: &Draft) -> (&Service, &OpEntry) {
        let svc = &self.run.knowledge.catalog.services[d.service];
        (svc, &svc.operations[d.operation])
    }
}
