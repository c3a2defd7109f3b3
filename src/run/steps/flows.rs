//! Steps for business flows across several messages (issue 6, the conformance suites):
//! compare an answer with the request without `<request:…>` placeholders (which Scenario
//! Outlines would take for their own), judge the request that was received or called
//! back, and require that a callback was really made for the last request.

use std::time::{Duration, Instant};

use super::{Args, Failure, Outcome, expect_eq};
use crate::run::events::Exchange;
use crate::run::message::Message;
use crate::run::target::Reply;
use crate::run::world::{OirWorld, Sent};

/// The answer's value at one path equals the (last sent) request's value at another.
pub fn value_is_requests(w: &mut OirWorld, a: &Args) -> Outcome {
    let (apath, rpath) = (a.cap(0), a.cap(1));
    let sent = w.last()?;
    let want = sent
        .draft
        .message
        .values(rpath)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("the request has no value at '{rpath}'"))?;
    let m = w.answer()?;
    let got = m
        .values(apath)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("the answer has no element at '{apath}'"))?;
    expect_eq(
        &format!("value at '{apath}' (the request's '{rpath}')"),
        &want,
        &got,
    )
}

/// The value at a path of the request being judged (built, received or called back).
pub fn request_value_is(w: &mut OirWorld, a: &Args) -> Outcome {
    let (path, want) = (a.cap(0), a.cap(1));
    let d = w.draft()?;
    let got = d
        .message
        .values(path)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("the request has no element at '{path}'"))?;
    expect_eq(&format!("the request's value at '{path}'"), want, &got)
}

fn field<'v>(v: &'v serde_json::Value, key: &str) -> &'v str {
    v.get(key).and_then(|x| x.as_str()).unwrap_or("")
}

/// The callback the ERP side (the stub) made for the last request: listed for this
/// scenario's tenant, triggered by the operation just sent, and not suppressed. A callback
/// that was planned but skipped (`skip_callbacks`) was not made: the fagsystem never hears.
pub async fn callback_for_request(w: &mut OirWorld, a: &Args) -> Outcome {
    let op = a.cap(0).to_string();
    let secs: u64 = a.cap(1).parse().map_err(|_| "seconds must be a number")?;
    let trigger = {
        let last = w.last()?;
        let (_, entry) = w.service_of(&last.draft);
        entry.op.name.clone()
    };
    if w.run.target.admin.is_none() {
        return Err(Failure::from(
            "checking a callback needs the stub's admin API (a stub target)",
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut pause = Duration::from_millis(10);
    let hit = loop {
        let v = w.run.target.admin_get("callbacks", &w.tenant).await?;
        let list = v
            .get("callbacks")
            .and_then(|c| c.as_array())
            .cloned()
            .unwrap_or_default();
        let mine: Vec<&serde_json::Value> = list
            .iter()
            .filter(|c| field(c, "operation") == op && field(c, "trigger_operation") == trigger)
            .collect();
        if let Some(c) = mine.last() {
            let status = field(c, "status");
            if matches!(status, "skipped" | "failed") {
                return Err(Failure::from(format!(
                    "the {op} callback for this {trigger} was not made (status '{status}')"
                )));
            }
            if status != "pending" {
                break (*c).clone();
            }
        }
        if Instant::now() >= deadline {
            let others: Vec<String> = list
                .iter()
                .map(|c| {
                    format!(
                        "{} after {} ({})",
                        field(c, "operation"),
                        field(c, "trigger_operation"),
                        field(c, "status")
                    )
                })
                .collect();
            return Err(Failure::from(format!(
                "no {op} callback for this {trigger} within {secs} s; callbacks: {}",
                if others.is_empty() {
                    "none".to_string()
                } else {
                    others.join(", ")
                }
            )));
        }
        tokio::time::sleep(pause.min(deadline.saturating_duration_since(Instant::now()))).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    };
    // The callback's request becomes the request the next steps judge.
    let request = field(&hit, "request").to_string();
    let message = Message::parse(request.as_bytes())
        .map_err(|e| format!("the {op} callback's request is not XML: {e}"))?;
    let hint = w.integration.clone();
    let draft = w.run.draft(&op, hint.as_deref(), message)?;
    w.step.exchanges.push(Exchange {
        direction: "callback".into(),
        operation: op.clone(),
        url: hit
            .get("target")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_string(),
        soap_action: None,
        request: request.clone(),
        response: None,
        http_status: None,
        duration_ms: 0.0,
        error: None,
    });
    w.draft = Some(draft.clone());
    w.last = Some(Sent {
        draft,
        request_xml: request,
        reply: Ok(Reply {
            status: 200,
            content_type: None,
            body: Vec::new(),
            elapsed: Duration::ZERO,
        }),
        answer: None,
        answer_error: None,
    });
    Ok(())
}
