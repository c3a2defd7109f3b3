//! Callbacks: when an accepted message changes the state in a way the counterpart must
//! hear about, the stub calls the counterpart's endpoint, as the real system (through
//! Serviceplatformen) would:
//!
//! | accepted request | callback (operation, service) | to |
//! |---|---|---|
//! | `ForetagIndbetaling` covering delfordringer | `RegistrerDaekningAfskrivning` (DaekningAfskrivningRegistreringAfsend) | the fagsystem |
//! | `AnmodOm…` (DebitorkontoAnmodningAfsend) | `RegistrerDebitorkontoAnmodningSvar` (DebitorkontoAnmodningSvarAfsend) | the fagsystem |
//! | `AfsendFakturaInformation` with `GodkendelseKraevet` | `AfsendFakturaInformationSvar` (FakturaInformationSvarAfsend) | the fakturahåndteringssystem |
//!
//! The request is the pack's example for the callback operation with the values of the
//! state and of the triggering request filled in, validated against the callback's
//! contract. The target comes from the configuration (`callbacks:` by operation, service,
//! integration or `"*"`); delivery has bounded retries with doubling backoff, and every
//! callback is listed (`GET /__admin/callbacks`) and journaled as an outbound exchange.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Stub;
use super::answer::{add_seconds, seeded_uuid};
use super::catalog::{OpEntry, Service, body_payload, pack_of};
use super::state::{Direction, JournalEntry, Outcome, State, find_all, journal_text, text_of};
use super::xmlout::{child_mut, document, set_text};
use crate::oir::checks::fmt_amount;
use crate::xml::tree::{self, Element, Node};

/// Which accepted operation calls back with which operation.
pub const TRIGGERS: &[(&str, &str)] = &[
    ("ForetagIndbetaling", "RegistrerDaekningAfskrivning"),
    ("AnmodOmAfskrivning", "RegistrerDebitorkontoAnmodningSvar"),
    ("AnmodOmHenstand", "RegistrerDebitorkontoAnmodningSvar"),
    (
        "AnmodOmOverdragelseTilInddrivelse",
        "RegistrerDebitorkontoAnmodningSvar",
    ),
    ("AfsendFakturaInformation", "AfsendFakturaInformationSvar"),
];

/// Per attempt: the receiver must answer within this time.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Backoff never grows beyond this.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackStatus {
    /// Being delivered.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
    /// A misbehaviour override (`skip_callbacks`) suppressed it.
    Skipped,
    /// No target is configured for it: built and listed, not sent.
    NoTarget,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub at: String,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// A callback as `GET /__admin/callbacks` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct CallbackRecord {
    pub id: u64,
    /// Journal entry of the request that triggered it.
    pub trigger: u64,
    pub trigger_operation: String,
    pub operation: String,
    pub service: String,
    pub target: Option<String>,
    pub status: CallbackStatus,
    /// Did the request validate against the callback's contract?
    pub request_valid: bool,
    pub request_findings: Vec<String>,
    pub attempts: Vec<Attempt>,
    /// The outbound journal entry, once delivery ended.
    pub journal: Option<u64>,
    pub request: String,
}

/// A callback to deliver after the answer.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: u64,
    pub tenant: String,
    pub url: String,
    pub operation: String,
    pub service: String,
    pub soap_action: Option<String>,
    pub content_type: String,
    pub body: String,
}

/// What the triggering exchange knows.
pub struct Trigger<'a> {
    pub tenant: &'a str,
    pub seq: u64,
    pub operation: &'a str,
    pub payload: &'a Element,
    /// Misbehaviour `skip_callbacks`.
    pub skip: bool,
}

/// The callbacks an accepted request calls for: recorded in the state, returned for
/// delivery when they have a target.
pub fn plan(stub: &Stub, state: &mut State, t: &Trigger<'_>) -> Vec<Pending> {
    let Some(&(_, cb_op)) = TRIGGERS.iter().find(|(on, _)| *on == t.operation) else {
        return Vec::new();
    };
    let Some((svc, entry)) = stub.catalog.services.iter().find_map(|s| {
        s.operations
            .iter()
            .find(|o| o.op.name == cb_op)
            .map(|o| (s, o))
    }) else {
        // The callback's contract is not served: nothing to build it from.
        return Vec::new();
    };
    let Some(mut env) = example_envelope(svc, entry) else {
        return Vec::new();
    };
    let filled = match cb_op {
        "RegistrerDaekningAfskrivning" => coverage(stub, state, t, &mut env),
        "RegistrerDebitorkontoAnmodningSvar" => request_answer(t, &mut env),
        "AfsendFakturaInformationSvar" => invoice_answer(t, &mut env),
        _ => false,
    };
    if !filled {
        return Vec::new();
    }
    header(stub, t, cb_op, &mut env);
    let body = document(&env);
    let (val, _) = svc.contract.schemas.validate_soap(body.as_bytes());
    let target = target_for(stub, svc, cb_op);
    let id = state.next_callback;
    state.next_callback += 1;
    let status = if t.skip {
        CallbackStatus::Skipped
    } else if target.is_none() {
        CallbackStatus::NoTarget
    } else {
        CallbackStatus::Pending
    };
    state.callbacks.push(CallbackRecord {
        id,
        trigger: t.seq,
        trigger_operation: t.operation.to_string(),
        operation: cb_op.to_string(),
        service: svc.name.clone(),
        target: target.clone(),
        status,
        request_valid: val.is_valid(),
        request_findings: val
            .findings
            .iter()
            .map(|f| format!("{} {}: {}", f.path, f.constraint, f.message))
            .collect(),
        attempts: Vec::new(),
        journal: None,
        request: stub.mask(&body).into_owned(),
    });
    // Keep the list bounded like the journal.
    let limit = stub.config.journal_limit.max(1);
    if state.callbacks.len() > limit {
        let drop = state.callbacks.len() - limit;
        state.callbacks.drain(..drop);
    }
    match (status, target) {
        (CallbackStatus::Pending, Some(url)) => vec![Pending {
            id,
            tenant: t.tenant.to_string(),
            url,
            operation: cb_op.to_string(),
            service: svc.name.clone(),
            soap_action: entry.op.soap_action.clone(),
            content_type: super::soap::content_type(svc.soap, None),
            body,
        }],
        _ => Vec::new(),
    }
}

/// The configured URL: by operation, service, integration, then `"*"`.
fn target_for(stub: &Stub, svc: &Service, op: &str) -> Option<String> {
    let c = &stub.config.callbacks;
    c.get(op)
        .or_else(|| c.get(&svc.name))
        .or_else(|| svc.integration.as_ref().and_then(|i| c.get(i)))
        .or_else(|| c.get("*"))
        .cloned()
}

/// The pack's example request of the callback operation, as a whole envelope.
fn example_envelope(svc: &Service, entry: &OpEntry) -> Option<Element> {
    let pack = pack_of(&svc.wsdl)?;
    for f in &entry.example_files {
        let Ok(bytes) = std::fs::read(pack.join("examples").join(f)) else {
            continue;
        };
        let Ok(env) = tree::parse(&bytes) else {
            continue;
        };
        let is_input = body_payload(&env).is_some_and(|p| {
            entry
                .op
                .input
                .as_ref()
                .is_some_and(|q| q.is(p.ns.as_deref(), &p.local))
        });
        if is_input {
            return Some(env);
        }
    }
    None
}

fn payload_mut(env: &mut Element) -> Option<&mut Element> {
    let body = env.children.iter_mut().find_map(|n| match n {
        Node::Element(e) if e.local == "Body" => Some(e),
        _ => None,
    })?;
    body.children.iter_mut().find_map(|n| match n {
        Node::Element(e) => Some(e),
        Node::Text(_) => None,
    })
}

fn set_child(e: &mut Element, local: &str, value: &str) {
    if let Some(c) = child_mut(e, local) {
        set_text(c, value);
    }
}

/// When the triggering request was sent, plus some seconds (the callback comes later).
fn later(t: &Trigger<'_>, secs: u32) -> Option<String> {
    let h = t
        .payload
        .elements()
        .find(|e| e.local == "Hovedoplysninger")?;
    add_seconds(&text_of(h, "Afsendelsestidspunkt")?, secs)
}

/// A new message ID, the sending time and the authority of the triggering request.
fn header(stub: &Stub, t: &Trigger<'_>, op: &str, env: &mut Element) {
    let seq = t.seq.to_string();
    let id = seeded_uuid(stub.config.seed, &[t.tenant, &seq, "callback", op]);
    let sent = later(t, 5);
    let cvr = t
        .payload
        .elements()
        .find(|e| e.local == "Hovedoplysninger")
        .and_then(|h| text_of(h, "MyndighedCVR"));
    let Some(p) = payload_mut(env) else { return };
    if let Some(h) = child_mut(p, "Hovedoplysninger") {
        set_child(h, "BeskedUUID", &id);
        if let Some(s) = &sent {
            set_child(h, "Afsendelsestidspunkt", s);
        }
        if let Some(c) = &cvr {
            set_child(h, "MyndighedCVR", c);
        }
    }
}

/// One `DaekningAfskrivning` (DAEKNING) per delfordring the payment covered.
fn coverage(stub: &Stub, state: &State, t: &Trigger<'_>, env: &mut Element) -> bool {
    let Some(payment) = state.payments.iter().rev().find(|p| p.journal == t.seq) else {
        return false;
    };
    let today = state.ctx.today.to_string();
    let Some(p) = payload_mut(env) else {
        return false;
    };
    let Some(template) = p
        .elements()
        .find(|e| e.local == "DaekningAfskrivning")
        .cloned()
    else {
        return false;
    };
    // The new events go where the example's first one was.
    let at = p
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(e) if e.local == "DaekningAfskrivning"))
        .unwrap_or(p.children.len());
    p.children
        .retain(|n| !matches!(n, Node::Element(e) if e.local == "DaekningAfskrivning"));
    let at = at.min(p.children.len());
    let seq = t.seq.to_string();
    let mut events = Vec::new();
    // Only claims the debitorsystem knows have an owner to tell (and a rest to report).
    for (i, a) in payment.anvendelser.iter().enumerate() {
        let (Some(claim), Some(rest)) = (state.ctx.claims.get(&a.delfordring), &a.rest) else {
            continue;
        };
        let mut e = template.clone();
        let n = i.to_string();
        set_child(
            &mut e,
            "HaendelseUUID",
            &seeded_uuid(stub.config.seed, &[t.tenant, &seq, "haendelse", &n]),
        );
        set_child(&mut e, "Haendelsestype", "DAEKNING");
        if let Some(acc) = claim.account.as_deref() {
            set_child(&mut e, "DebitorkontoUUID", acc);
        }
        let fordring = state.parents.get(&a.delfordring).unwrap_or(&a.delfordring);
        set_child(&mut e, "FordringUUID", fordring);
        set_child(&mut e, "DelfordringUUID", &a.delfordring);
        set_child(&mut e, "Beloeb", &a.anvendt);
        set_child(
            &mut e,
            "Virkningsdato",
            payment.dato.as_deref().unwrap_or(&today),
        );
        set_child(&mut e, "Registreringsdato", &today);
        if let Some(id) = &payment.indbetaling {
            set_child(&mut e, "IndbetalingUUID", id);
        }
        set_child(&mut e, "RestBeloeb", rest);
        e.children
            .retain(|n| !matches!(n, Node::Element(c) if c.local == "Afskrivningsaarsag"));
        events.push(e);
    }
    if events.is_empty() {
        return false;
    }
    // Keep the example's indentation between the events.
    let indent = match at.checked_sub(1).and_then(|i| p.children.get(i)) {
        Some(Node::Text(t)) if t.trim().is_empty() => t.clone(),
        _ => String::new(),
    };
    let mut nodes = Vec::new();
    for (k, e) in events.into_iter().enumerate() {
        if k > 0 && !indent.is_empty() {
            nodes.push(Node::Text(indent.clone()));
        }
        nodes.push(Node::Element(e));
    }
    p.children.splice(at..at, nodes);
    // The removed events left their indentation behind: one blank run is enough.
    let mut prev_blank = false;
    p.children.retain(|n| {
        let blank = matches!(n, Node::Text(t) if t.trim().is_empty());
        let keep = !(blank && prev_blank);
        prev_blank = blank;
        keep
    });
    true
}

/// The debitorsystem's answer to an anmodning: accepted, for the same account.
fn request_answer(t: &Trigger<'_>, env: &mut Element) -> bool {
    let anmodning = find_all(t.payload, "AnmodningUUID")
        .first()
        .map(|e| e.text().trim().to_string());
    let konto = find_all(t.payload, "DebitorkontoUUID")
        .first()
        .map(|e| e.text().trim().to_string());
    let (Some(anmodning), Some(konto)) = (anmodning, konto) else {
        return false;
    };
    let when = later(t, 60);
    let Some(p) = payload_mut(env) else {
        return false;
    };
    let Some(svar) = child_mut(p, "DebitorkontoAnmodningSvar") else {
        return false;
    };
    set_child(svar, "AnmodningUUID", &anmodning);
    set_child(svar, "DebitorkontoUUID", &konto);
    if let Some(w) = &when {
        set_child(svar, "Behandlingstidspunkt", w);
    }
    true
}

/// The fagsystem's approval of an invoice that asked for one, booked as one line.
fn invoice_answer(t: &Trigger<'_>, env: &mut Element) -> bool {
    let Some(info) = find_all(t.payload, "FakturaInformation").into_iter().next() else {
        return false;
    };
    if text_of(info, "GodkendelseKraevet").as_deref() != Some("true") {
        return false;
    }
    let Some(faktura) = text_of(info, "FakturaUUID") else {
        return false;
    };
    let nummer = text_of(info, "Fakturanummer");
    let amount = text_of(info, "BeloebEksklMoms")
        .and_then(|a| crate::schema::datatypes::Decimal::parse(&a))
        .map(|d| fmt_amount(&d));
    let when = later(t, 60);
    let Some(p) = payload_mut(env) else {
        return false;
    };
    let Some(svar) = child_mut(p, "FakturaInformationSvar") else {
        return false;
    };
    set_child(svar, "FakturaUUID", &faktura);
    if let Some(n) = &nummer {
        set_child(svar, "Fakturanummer", n);
    }
    set_child(svar, "Godkendelsesstatus", "GODKENDT");
    if let Some(w) = &when {
        set_child(svar, "Behandlingstidspunkt", w);
    }
    // One konteringslinje carrying the whole amount.
    let mut first = true;
    svar.children.retain(|n| match n {
        Node::Element(e) if e.local == "Konteringslinje" => std::mem::replace(&mut first, false),
        _ => true,
    });
    if let (Some(a), Some(line)) = (&amount, child_mut(svar, "Konteringslinje")) {
        set_child(line, "Beloeb", a);
    }
    true
}

fn backoff(stub: &Stub, attempt: u32) -> Duration {
    let base = Duration::from_millis(stub.config.callback_backoff_ms);
    base.checked_mul(1u32 << attempt.min(16))
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF)
}

/// Deliver one callback with retries, then journal it (outbound) and update its record.
pub async fn deliver(stub: Arc<Stub>, p: Pending) {
    let client = stub.http_client();
    let started = Instant::now();
    let received = super::utc_now();
    let seq = stub.with_tenant(&p.tenant, |s| {
        let n = s.next_seq;
        s.next_seq += 1;
        n
    });
    let tries = stub.config.callback_retries.saturating_add(1);
    let mut last_status = 0u16;
    let mut last_body = Vec::new();
    let mut delivered = false;
    let mut notes = Vec::new();
    for attempt in 0..tries {
        if attempt > 0 {
            tokio::time::sleep(backoff(&stub, attempt - 1)).await;
        }
        let t0 = Instant::now();
        let at = super::utc_now();
        let mut req = client
            .post(&p.url)
            .timeout(ATTEMPT_TIMEOUT)
            .header("content-type", &p.content_type)
            .body(p.body.clone());
        if let Some(a) = &p.soap_action {
            req = req.header("soapaction", format!("\"{a}\""));
        }
        if !p.tenant.is_empty() {
            req = req.header(super::tenant::TENANT_HEADER, &p.tenant);
        }
        let result = match req.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let body = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                Ok((status, body))
            }
            Err(e) => Err(e.to_string()),
        };
        let duration_ms = u64::try_from(t0.elapsed().as_millis()).unwrap_or(u64::MAX);
        let record = match result {
            Ok((status, body)) => {
                last_status = status;
                last_body = body;
                delivered = (200..300).contains(&status);
                notes.push(format!("forsøg {}: HTTP {status}", attempt + 1));
                Attempt {
                    at,
                    status: Some(status),
                    error: None,
                    duration_ms,
                }
            }
            Err(e) => {
                notes.push(format!("forsøg {}: {e}", attempt + 1));
                Attempt {
                    at,
                    status: None,
                    error: Some(e),
                    duration_ms,
                }
            }
        };
        stub.with_tenant(&p.tenant, |s| {
            if let Some(r) = s.callbacks.iter_mut().find(|r| r.id == p.id) {
                r.attempts.push(record);
            }
        });
        if delivered {
            break;
        }
    }
    let duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let outcome = if delivered {
        Outcome::Delivered
    } else {
        Outcome::Undelivered
    };
    let entry = JournalEntry {
        seq,
        direction: Direction::Outbound,
        received,
        duration_us,
        method: "POST".into(),
        path: p.url.clone(),
        service: Some(p.service.clone()),
        operation: Some(p.operation.clone()),
        soap_action: p.soap_action.clone(),
        status: last_status,
        outcome,
        fault_code: None,
        findings: Vec::new(),
        effects: notes.iter().map(|n| stub.mask(n).into_owned()).collect(),
        answer_valid: None,
        answer_findings: Vec::new(),
        request_bytes: p.body.len(),
        request: stub.mask(&journal_text(p.body.as_bytes())).into_owned(),
        response: stub.mask(&journal_text(&last_body)).into_owned(),
    };
    stub.with_tenant(&p.tenant, |s| {
        if let Some(r) = s.callbacks.iter_mut().find(|r| r.id == p.id) {
            r.status = if delivered {
                CallbackStatus::Delivered
            } else {
                CallbackStatus::Failed
            };
            r.journal = Some(seq);
        }
        s.push_journal(entry, stub.config.journal_limit);
    });
}
