//! Steps that exchange messages: send a request, resend one, wait for what the system under
//! test sends, wait for a callback, and the boundary cases (many exchanges in one step,
//! each a sub-result).

use std::time::{Duration, Instant};

use super::{Args, Failure, Outcome};
use crate::run::events::{Exchange, SubResult};
use crate::run::message::Message;
use crate::run::target::{CallError, Reply};
use crate::run::world::{Draft, OirWorld, Sent, parse_answer};
use crate::schema::boundaries::{BoundaryOptions, Expect, boundary_cases};

/// Send a draft to its service on the target; the exchange is recorded on the step.
async fn call(w: &mut OirWorld, draft: &Draft) -> Result<Sent, String> {
    let (svc, entry) = w.service_of(draft);
    let url = w.run.endpoint(svc)?;
    let soap = svc.soap;
    let action = match &draft.soap_action {
        Some(a) => a.clone(),
        None => entry.op.soap_action.clone(),
    };
    let operation = entry.op.name.clone();
    let request_xml = match &draft.raw_body {
        Some(b) => b.clone(),
        None => draft.message.to_xml(),
    };
    let reply = w
        .run
        .target
        .call(
            &url,
            soap,
            action.as_deref(),
            draft.content_type.as_deref(),
            request_xml.clone().into_bytes(),
            &w.tenant,
        )
        .await;
    let (answer, answer_error) = match &reply {
        Ok(r) => parse_answer(&r.body),
        Err(_) => (None, None),
    };
    w.step.exchanges.push(exchange_record(
        "outbound",
        &operation,
        &url,
        action.as_deref(),
        &request_xml,
        &reply,
    ));
    Ok(Sent {
        draft: draft.clone(),
        request_xml,
        reply,
        answer,
        answer_error,
    })
}

pub fn exchange_record(
    direction: &str,
    operation: &str,
    url: &str,
    action: Option<&str>,
    request: &str,
    reply: &Result<Reply, CallError>,
) -> Exchange {
    Exchange {
        direction: direction.to_string(),
        operation: operation.to_string(),
        url: url.to_string(),
        soap_action: action.map(str::to_string),
        request: request.to_string(),
        response: reply
            .as_ref()
            .ok()
            .map(|r| String::from_utf8_lossy(&r.body).into_owned()),
        http_status: reply.as_ref().ok().map(|r| r.status),
        duration_ms: reply
            .as_ref()
            .map(|r| r.elapsed.as_secs_f64() * 1000.0)
            .unwrap_or(0.0),
        error: reply.as_ref().err().map(|e| e.to_string()),
    }
}

pub async fn send(w: &mut OirWorld) -> Outcome {
    let draft = w.draft()?.clone();
    let sent = call(w, &draft).await?;
    let failed = sent.reply.as_ref().err().map(|e| e.to_string());
    // The first answer to a saved request is kept under its name (idempotency checks).
    let names: Vec<String> = w
        .saved
        .iter()
        .filter(|(n, d)| !w.answers.contains_key(*n) && d.message.to_xml() == sent.request_xml)
        .map(|(n, _)| n.clone())
        .collect();
    for n in names {
        w.answers.insert(n, sent.clone());
    }
    w.last = Some(sent);
    match failed {
        Some(e) => Err(Failure::from(e)),
        None => Ok(()),
    }
}

pub async fn send_saved(w: &mut OirWorld, a: &Args) -> Outcome {
    let name = a.cap(0);
    let draft = w.saved.get(name).cloned().ok_or_else(|| {
        format!("no request saved as '{name}' (use 'the request is saved as \"{name}\"')")
    })?;
    let sent = call(w, &draft).await?;
    let failed = sent.reply.as_ref().err().map(|e| e.to_string());
    w.answers
        .entry(name.to_string())
        .or_insert_with(|| sent.clone());
    w.last = Some(sent);
    match failed {
        Some(e) => Err(Failure::from(e)),
        None => Ok(()),
    }
}

/// Poll the stub's journal (this tenant, or every tenant for a system under test that
/// knows nothing of tenants) for an exchange matching `want`, until the deadline.
async fn wait_for_journal(
    w: &OirWorld,
    resource: &str,
    want: &dyn Fn(&serde_json::Value) -> bool,
    within: Duration,
) -> Result<serde_json::Value, String> {
    let deadline = Instant::now() + within;
    let mut pause = Duration::from_millis(10);
    loop {
        for tenant in [w.tenant.as_str(), ""] {
            let v = w.run.target.admin_get(resource, tenant).await?;
            let items = v
                .as_array()
                .cloned()
                .or_else(|| v.get("entries").and_then(|e| e.as_array()).cloned())
                .or_else(|| v.get("callbacks").and_then(|e| e.as_array()).cloned())
                .unwrap_or_default();
            if let Some(hit) = items.into_iter().find(|e| want(e)) {
                return Ok(hit);
            }
        }
        if Instant::now() >= deadline {
            return Err(format!("nothing arrived within {} s", within.as_secs()));
        }
        tokio::time::sleep(pause.min(deadline.saturating_duration_since(Instant::now()))).await;
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

fn text_field<'v>(v: &'v serde_json::Value, keys: &[&str]) -> Option<&'v str> {
    keys.iter().find_map(|k| v.get(*k).and_then(|x| x.as_str()))
}

/// A journal entry becomes the scenario's "last exchange": its request is what the next
/// steps judge (the request steps), its answer what the answer steps judge.
fn adopt(w: &mut OirWorld, op: &str, entry: &serde_json::Value, direction: &str) -> Outcome {
    let request = text_field(entry, &["request", "request_body"])
        .ok_or("the stub's journal entry has no request text")?
        .to_string();
    let response = text_field(entry, &["response", "response_body"]).map(str::to_string);
    let message = Message::parse(request.as_bytes())
        .map_err(|e| format!("the received {op} request is not XML: {e}"))?;
    let hint = w.integration.clone();
    let draft = w.run.draft(op, hint.as_deref(), message)?;
    let url = text_field(entry, &["url", "path"])
        .unwrap_or("")
        .to_string();
    let reply = Ok(Reply {
        status: entry.get("status").and_then(|s| s.as_u64()).unwrap_or(200) as u16,
        content_type: None,
        body: response.clone().unwrap_or_default().into_bytes(),
        elapsed: Duration::from_micros(
            entry
                .get("duration_us")
                .and_then(|d| d.as_u64())
                .unwrap_or(0),
        ),
    });
    w.step
        .exchanges
        .push(exchange_record(direction, op, &url, None, &request, &reply));
    w.draft = Some(draft.clone());
    let (answer, answer_error) = match response.as_deref() {
        Some(r) => parse_answer(r.as_bytes()),
        None => (None, None),
    };
    w.last = Some(Sent {
        answer,
        answer_error,
        draft,
        request_xml: request,
        reply,
    });
    Ok(())
}

/// oir plays the ERP: the fagsystem under test must send `op` to the stub.
pub async fn receive(w: &mut OirWorld, a: &Args) -> Outcome {
    let op = a.cap(0).to_string();
    let secs: u64 = a.cap(1).parse().map_err(|_| "seconds must be a number")?;
    let since = crate::stub::utc_now();
    if let Some(cmd) = w.run.env.triggers.get(&op).cloned() {
        let status = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(&cmd)
            .current_dir(&w.run.env.base_dir)
            .status()
            .await
            .map_err(|e| format!("trigger for {op} ('{cmd}'): {e}"))?;
        if !status.success() {
            return Err(format!("trigger for {op} ('{cmd}') failed: {status}").into());
        }
    } else {
        eprintln!(
            "oir: waiting up to {secs} s for the system under test to send {op} (no trigger configured: a person makes it send)"
        );
    }
    let op2 = op.clone();
    let hit = wait_for_journal(
        w,
        "journal",
        &move |e| {
            text_field(e, &["operation"]) == Some(op2.as_str())
                && text_field(e, &["direction"]).is_none_or(|d| d == "inbound")
                && text_field(e, &["received", "at"]).is_none_or(|t| t >= since.as_str())
        },
        Duration::from_secs(secs),
    )
    .await
    .map_err(|e| format!("no {op} request from the system under test: {e}"))?;
    adopt(w, &op, &hit, "inbound")
}

/// The stub (ERP side) calls the fagsystem's operation.
pub async fn callback(w: &mut OirWorld, a: &Args) -> Outcome {
    let op = a.cap(0).to_string();
    let secs: u64 = a.cap(1).parse().map_err(|_| "seconds must be a number")?;
    let op2 = op.clone();
    let hit = wait_for_journal(
        w,
        "callbacks",
        // A callback the stub was told to skip is no callback.
        &move |e| {
            text_field(e, &["operation"]) == Some(op2.as_str())
                && text_field(e, &["status"]) != Some("skipped")
        },
        Duration::from_secs(secs),
    )
    .await
    .map_err(|e| format!("no {op} callback: {e}"))?;
    adopt(w, &op, &hit, "callback")
}

/// How the receiver took a message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Taken {
    /// A normal answer (a business rejection included: the message itself was taken).
    Accepted,
    /// A SOAP fault (schema, platform) or a receipt that rejects the message.
    Refused { fault: bool, codes: String },
}

fn taken(sent: &Sent) -> Result<Taken, String> {
    let r = sent.reply.as_ref().map_err(|e| e.to_string())?;
    let Some(m) = &sent.answer else {
        return Err(format!("HTTP {}: the answer is not XML", r.status));
    };
    let codes = m.error_codes().join(", ");
    if m.fault().is_some() {
        return Ok(Taken::Refused { fault: true, codes });
    }
    let status = m.first_of(&["//ForretningsValideringsKode"]);
    if matches!(status.as_deref(), Some("AFVIST" | "FEJL")) {
        return Ok(Taken::Refused {
            fault: false,
            codes,
        });
    }
    Ok(Taken::Accepted)
}

pub async fn boundaries(w: &mut OirWorld, a: &Args) -> Outcome {
    let base = w.draft()?.clone();
    let (svc, entry) = w.service_of(&base);
    let contract = std::sync::Arc::clone(&svc.contract);
    let op = entry.op.name.clone();
    let xml = base.message.to_xml();
    let opts = BoundaryOptions {
        seed: w.run.seed,
        ..BoundaryOptions::default()
    };
    // Deriving and re-validating the cases is CPU work: off the runner's thread, so the
    // other scenarios' exchanges go on meanwhile.
    let op2 = op.clone();
    let report = tokio::task::spawn_blocking(move || {
        boundary_cases(&contract, &op2, Some(xml.as_bytes()), &opts)
    })
    .await
    .map_err(|e| format!("boundary cases of {op}: {e}"))?
    .map_err(|e| format!("boundary cases of {op}: {e}"))?;
    let filter = a.opt(0).map(|p| {
        let locals: Vec<String> = p
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.rsplit(':').next().unwrap_or(s).to_string())
            .collect();
        locals
    });
    let mut cases: Vec<_> = report
        .cases
        .iter()
        .filter(|c| match &filter {
            None => true,
            Some(locals) => {
                // The case's path, without prefixes and positions, ends with the given path.
                let steps: Vec<String> = c
                    .path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        let s = s.split('[').next().unwrap_or(s);
                        s.rsplit(':').next().unwrap_or(s).to_string()
                    })
                    .collect();
                steps.ends_with(locals)
            }
        })
        .collect();
    if cases.is_empty() {
        return Err(format!(
            "no boundary case of {op}{} (is the path right? `oir boundaries` lists them)",
            a.opt(0).map(|p| format!(" at '{p}'")).unwrap_or_default()
        )
        .into());
    }
    cases.sort_by(|x, y| x.id.cmp(&y.id));
    let mut failures = Vec::new();
    for case in cases {
        let mut msg = Message::parse(case.message.as_bytes())
            .map_err(|e| format!("case {}: {e}", case.id))?;
        // Each case is a new message (else the receiver answers it as a resend).
        if !case.path.ends_with("BeskedUUID")
            && msg.count("//Hovedoplysninger/BeskedUUID").unwrap_or(0) > 0
        {
            let id = w.fresh_uuid();
            msg.set("//Hovedoplysninger/BeskedUUID", &id).ok();
        }
        let draft = Draft {
            message: msg,
            ..base.clone()
        };
        let before = w.step.exchanges.len();
        let sent = call(w, &draft).await?;
        let verdict = taken(&sent);
        let want_refused = case.expect == Expect::Invalid;
        let (passed, why) = match verdict {
            Err(e) => (false, Some(e)),
            // A valid value may still break a business rule (a rejection receipt): the
            // schema layer took it, which is what a boundary case checks.
            Ok(Taken::Accepted) | Ok(Taken::Refused { fault: false, .. }) if !want_refused => {
                (true, None)
            }
            Ok(Taken::Refused { .. }) if want_refused => (true, None),
            Ok(Taken::Refused { codes, .. }) => (
                false,
                Some(format!(
                    "valid value {:?} was refused with a fault ({codes})",
                    case.value
                )),
            ),
            Ok(Taken::Accepted) => (
                false,
                Some(format!(
                    "invalid value {:?} ({}) was accepted",
                    case.value, case.constraint
                )),
            ),
        };
        if passed {
            // Keep the report small: only failing cases keep their exchange.
            w.step.exchanges.truncate(before);
        } else {
            failures.push(format!("{}: {}", case.id, why.clone().unwrap_or_default()));
        }
        w.step.subresults.push(SubResult {
            name: format!(
                "{} {} ({})",
                case.id,
                case.label,
                if want_refused { "invalid" } else { "valid" }
            ),
            passed,
            message: why,
        });
    }
    if failures.is_empty() {
        Ok(())
    } else {
        let n = w.step.subresults.len();
        Err(format!(
            "{} of {n} boundary cases were judged wrongly; first: {}",
            failures.len(),
            failures
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        )
        .into())
    }
}
