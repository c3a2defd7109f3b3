//! Steps that judge: the request (schema, oir's rules), the answer (schema, status, faults,
//! error codes, values, timing, idempotency) and, against a stub, its state (ledger,
//! claims).

use regex::Regex;

use super::{Args, Failure, Outcome, expect_eq};
use crate::oir::engine::check_document;
use crate::run::events::Finding as EvFinding;
use crate::run::message::Message;
use crate::run::world::{OirWorld, Sent};

fn schema_findings(w: &mut OirWorld, sent_or_draft_xml: &[u8], service: usize) -> Vec<EvFinding> {
    let svc = &w.run.knowledge.catalog.services[service];
    let (validation, _) = svc.contract.schemas.validate_soap(sent_or_draft_xml);
    validation
        .findings
        .iter()
        .map(|f| EvFinding {
            code: "schema".into(),
            message: format!("{} ({})", f.message, f.constraint),
            path: Some(f.path.clone()),
            line: Some(f.line as usize),
        })
        .collect()
}

fn fail_with_findings(what: &str, findings: &[EvFinding]) -> Failure {
    let first = &findings[0];
    Failure::from(format!(
        "{what}: {} finding(s); first at line {} {}: {}",
        findings.len(),
        first.line.unwrap_or(0),
        first.path.as_deref().unwrap_or(""),
        first.message
    ))
}

/// The request built (or received) as bytes.
fn request_bytes(w: &OirWorld) -> Result<(Vec<u8>, usize), String> {
    let d = w.draft()?;
    let xml = match &d.raw_body {
        Some(b) => b.clone(),
        None => d.message.to_xml(),
    };
    Ok((xml.into_bytes(), d.service))
}

pub fn request_schema_valid(w: &mut OirWorld) -> Outcome {
    let (bytes, service) = request_bytes(w)?;
    let f = schema_findings(w, &bytes, service);
    if f.is_empty() {
        return Ok(());
    }
    w.step.findings.extend(f.iter().cloned());
    Err(fail_with_findings(
        "the request is not valid against the contract",
        &f,
    ))
}

pub fn request_rule(w: &mut OirWorld, a: &Args, expect_rule: bool) -> Outcome {
    let (bytes, service) = request_bytes(w)?;
    let svc = &w.run.knowledge.catalog.services[service];
    let knowledge = std::sync::Arc::clone(&w.run.knowledge);
    let mut ctx = knowledge.with_state(|s| s.ctx.clone());
    let report = check_document(
        &knowledge.engine,
        &svc.contract,
        &svc.wsdl,
        "request",
        &bytes,
        &mut ctx,
    );
    let failing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity.fails())
        .collect();
    w.step.findings.extend(failing.iter().map(|f| EvFinding {
        code: f.rule.clone().unwrap_or_else(|| f.code.clone()),
        message: f.message.clone(),
        path: Some(f.path.clone()),
        line: Some(f.line as usize),
    }));
    if expect_rule {
        let code = a.cap(0);
        if failing
            .iter()
            .any(|f| f.rule.as_deref() == Some(code) || f.code == code)
        {
            Ok(())
        } else {
            let found: Vec<String> = failing
                .iter()
                .map(|f| f.rule.clone().unwrap_or_else(|| f.code.clone()))
                .collect();
            Err(format!(
                "the request does not break {code}; oir's rules found {}",
                if found.is_empty() {
                    "nothing".to_string()
                } else {
                    found.join(", ")
                }
            )
            .into())
        }
    } else if failing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the request breaks {}: {}",
            failing[0].rule.as_deref().unwrap_or(&failing[0].code),
            failing[0].message
        )
        .into())
    }
}

fn last(w: &OirWorld) -> Result<&Sent, Failure> {
    w.last().map_err(Failure::from)
}

pub fn answer_schema_valid(w: &mut OirWorld) -> Outcome {
    let sent = last(w)?;
    let r = sent
        .reply
        .as_ref()
        .map_err(|e| format!("there is no answer: {e}"))?;
    let body = r.body.clone();
    let service = sent.draft.service;
    let m = w.answer()?;
    if !m.is_soap() {
        return Err("the answer is not a SOAP envelope".into());
    }
    let f = schema_findings(w, &body, service);
    if f.is_empty() {
        return Ok(());
    }
    w.step.findings.extend(f.iter().cloned());
    Err(fail_with_findings(
        "the answer is not valid against the contract",
        &f,
    ))
}

pub fn status(w: &mut OirWorld, a: &Args) -> Outcome {
    let m = w.answer()?;
    if m.fault().is_some() {
        return Err(format!(
            "the answer is a SOAP fault ({}), not a receipt",
            fault_summary(m)
        )
        .into());
    }
    let got = m.first_of(&[
            "//ForretningsValideringsKode",
            "//TransportValideringsKode",
            "//Status",
        ],
    )
    .ok_or(
        "the answer has no status (ForretningsValideringsKode, TransportValideringsKode or Status)",
    )?;
    expect_eq("status", a.cap(0), &got)
}

fn fault_summary(m: &Message) -> String {
    let code = m
        .error_codes()
        .into_iter()
        .filter(|c| !c.contains(':'))
        .collect::<Vec<_>>();
    let text = m
        .first_of(&["//faultstring", "//Reason/Text"])
        .unwrap_or_default();
    format!(
        "{} {}",
        code.join(", "),
        text.chars().take(200).collect::<String>()
    )
}

pub fn is_fault(w: &mut OirWorld, a: &Args) -> Outcome {
    let m = w.answer()?;
    if m.fault().is_none() {
        let status = m
            .first_of(&["//ForretningsValideringsKode"])
            .unwrap_or_default();
        return Err(format!("the answer is not a SOAP fault (status '{status}')").into());
    }
    match a.opt(0) {
        None => Ok(()),
        Some(code) => {
            let all = m.error_codes();
            let local = |c: &str| c.rsplit(':').next().unwrap_or(c).to_string();
            if all.iter().any(|c| c == code || local(c) == code) {
                Ok(())
            } else {
                Err(Failure {
                    message: format!("the fault carries {} but not {code}", all.join(", ")),
                    expected_actual: Some((code.to_string(), all.join(", "))),
                })
            }
        }
    }
}

pub fn is_not_fault(w: &mut OirWorld) -> Outcome {
    let sent = last(w)?;
    let status = sent.reply.as_ref().map(|r| r.status).unwrap_or(0);
    let m = w.answer()?;
    if let Some(_f) = m.fault() {
        return Err(format!("the answer is a SOAP fault: {}", fault_summary(m)).into());
    }
    if !(200..300).contains(&status) {
        return Err(format!("HTTP status {status}").into());
    }
    Ok(())
}

/// A rule ID (`SF1590A-BAL-001`) or an error code (`OIR-A-001`) both name a rule.
fn rule_names(code: &str) -> Vec<String> {
    let mut v = vec![code.to_string()];
    if let Some(r) = crate::oir::rules::rule(code) {
        v.push(r.code.to_string());
    }
    v
}

pub fn reports_rule(w: &mut OirWorld, a: &Args, expected: bool) -> Outcome {
    let m = w.answer()?;
    let names = rule_names(a.cap(0));
    let all = m.error_codes();
    let found = all.iter().any(|c| names.contains(c));
    match (found, expected) {
        (true, true) | (false, false) => Ok(()),
        (false, true) => Err(Failure {
            message: format!(
                "the answer does not report {}; its codes: {}",
                names.join(" / "),
                if all.is_empty() {
                    "none".to_string()
                } else {
                    all.join(", ")
                }
            ),
            expected_actual: Some((names.join(" / "), all.join(", "))),
        }),
        (true, false) => Err(format!("the answer reports {}", names.join(" / ")).into()),
    }
}

pub fn errors_complete(w: &mut OirWorld) -> Outcome {
    let m = w.answer()?;
    let payload = m.payload().ok_or("the answer has no payload")?;
    let mut errors = Vec::new();
    fn walk<'e>(
        e: &'e crate::xml::tree::Element,
        in_transport: bool,
        out: &mut Vec<(&'e crate::xml::tree::Element, bool)>,
    ) {
        let t = in_transport || e.local == "TransportKvittering";
        if e.local == "Fejl" || e.local == "Error" {
            out.push((e, t));
        }
        for c in e.elements() {
            walk(c, t, out);
        }
    }
    walk(payload, false, &mut errors);
    if errors.is_empty() {
        return Err("the answer carries no error (Fejl or Error)".into());
    }
    let has = |e: &crate::xml::tree::Element, name: &str| {
        e.elements()
            .any(|c| c.local == name && !c.text().trim().is_empty())
    };
    for (i, (e, transport)) in errors.iter().enumerate() {
        let (code, text, remedy) = if e.local == "Error" {
            (has(e, "ErrorCode"), has(e, "ErrorText"), true)
        } else {
            (
                has(e, "FejlKode"),
                has(e, "FejlTekst"),
                *transport || has(e, "Afhjaelpning"),
            )
        };
        let mut missing = Vec::new();
        if !code {
            missing.push("a code");
        }
        if !text {
            missing.push("a text");
        }
        if !remedy {
            missing.push("a remedy (Afhjaelpning)");
        }
        if !missing.is_empty() {
            return Err(format!(
                "error {} of {} ({}, line {}) lacks {}",
                i + 1,
                errors.len(),
                e.local,
                e.pos.line,
                missing.join(" and ")
            )
            .into());
        }
    }
    Ok(())
}

/// `<request:PATH>` → the request's value at PATH.
fn expected_value(w: &OirWorld, v: &str) -> Result<String, String> {
    if let Some(p) = v
        .strip_prefix("<request:")
        .and_then(|r| r.strip_suffix('>'))
    {
        let sent = w.last()?;
        return sent
            .draft
            .message
            .values(p)?
            .into_iter()
            .next()
            .ok_or_else(|| format!("the request has no value at '{p}'"));
    }
    Ok(v.to_string())
}

pub fn value_is(w: &mut OirWorld, a: &Args) -> Outcome {
    let path = a.cap(0);
    let want = expected_value(w, a.cap(1))?;
    let m = w.answer()?;
    let got = m
        .values(path)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("the answer has no element at '{path}'"))?;
    expect_eq(&format!("value at '{path}'"), &want, &got)
}

pub fn value_matches(w: &mut OirWorld, a: &Args) -> Outcome {
    let path = a.cap(0);
    let re = Regex::new(&format!("^(?:{})$", a.cap(1)))
        .map_err(|e| format!("'{}' is not a regular expression: {e}", a.cap(1)))?;
    let m = w.answer()?;
    let got = m
        .values(path)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("the answer has no element at '{path}'"))?;
    if re.is_match(&got) {
        Ok(())
    } else {
        Err(Failure {
            message: format!(
                "value at '{path}' is '{got}', which does not match '{}'",
                a.cap(1)
            ),
            expected_actual: Some((a.cap(1).to_string(), got)),
        })
    }
}

pub fn count_is(w: &mut OirWorld, a: &Args) -> Outcome {
    let want: usize = a.cap(0).parse().map_err(|_| "count must be a number")?;
    let m = w.answer()?;
    let got = m.count(a.cap(1))?;
    expect_eq(
        &format!("elements at '{}'", a.cap(1)),
        &want.to_string(),
        &got.to_string(),
    )
}

pub fn within(w: &mut OirWorld, a: &Args) -> Outcome {
    let ms: u64 = a
        .cap(0)
        .parse()
        .map_err(|_| "milliseconds must be a number")?;
    let sent = last(w)?;
    let r = sent
        .reply
        .as_ref()
        .map_err(|e| format!("there is no answer: {e}"))?;
    let took = r.elapsed.as_millis() as u64;
    if took <= ms {
        Ok(())
    } else {
        Err(format!("the answer took {took} ms (limit {ms} ms)").into())
    }
}

pub fn same_answer(w: &mut OirWorld, a: &Args) -> Outcome {
    let name = a.cap(0);
    let now = last(w)?.answer_text().ok_or("there is no answer now")?;
    let before = w
        .answers
        .get(name)
        .and_then(Sent::answer_text)
        .ok_or_else(|| {
            format!(
                "no answer kept under '{name}' (save the request with that name before sending it)"
            )
        })?;
    expect_eq(
        &format!("answer compared with the answer to '{name}'"),
        before.trim(),
        now.trim(),
    )
}

fn amount(s: &str) -> Result<crate::schema::datatypes::Decimal, String> {
    crate::schema::datatypes::Decimal::parse(s.trim())
        .ok_or_else(|| format!("'{s}' is not an amount"))
}

async fn ledger(w: &OirWorld) -> Result<serde_json::Value, String> {
    w.run.target.admin_get("ledger", &w.tenant).await
}

pub async fn ledger_balance(w: &mut OirWorld, a: &Args) -> Outcome {
    let account = a.cap(0);
    let want = amount(a.cap(1))?;
    let l = ledger(w).await?;
    let got = l["konti"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["konto"].as_str() == Some(account))
        .and_then(|k| k["saldo"].as_str())
        .unwrap_or("0.00")
        .to_string();
    let got_d = amount(&got)?;
    if got_d == want {
        Ok(())
    } else {
        expect_eq(&format!("balance of account {account}"), a.cap(1), &got)
    }
}

pub async fn ledger_zero(w: &mut OirWorld) -> Outcome {
    let l = ledger(w).await?;
    let n = l["konti"].as_array().map(Vec::len).unwrap_or(0);
    if n == 0 {
        return Err("nothing is booked in the ledger".into());
    }
    let net = l["netto"].as_str().unwrap_or("?").to_string();
    if amount(&net)? == crate::schema::datatypes::Decimal::ZERO {
        Ok(())
    } else {
        expect_eq("ledger net", "0.00", &net)
    }
}

pub async fn postings_mapped(w: &mut OirWorld) -> Outcome {
    let sent = last(w)?.clone();
    let knowledge = std::sync::Arc::clone(&w.run.knowledge);
    let table = knowledge
        .engine
        .table
        .as_ref()
        .ok_or("no omsætningstabel is loaded (schemas/data/omsaetningstabel.yaml)")?;
    let payload = sent
        .draft
        .message
        .payload()
        .ok_or("the request has no payload")?;
    let postings = crate::stub::state::find_all(payload, "Finanspostering");
    if postings.is_empty() {
        return Err("the last request has no Finanspostering".into());
    }
    let mut expected: Vec<(Option<String>, String)> = Vec::new();
    for p in &postings {
        let dims = crate::stub::state::kontering(p, &knowledge.engine);
        let row = table.account_for(&dims).ok_or_else(|| {
            format!(
                "posting {} has a kontering the omsætningstabel does not map",
                crate::stub::state::text_of(p, "FinansposteringUUID").unwrap_or_default()
            )
        })?;
        expected.push((
            crate::stub::state::text_of(p, "FinansposteringUUID"),
            row.account.clone(),
        ));
    }
    if w.run.target.admin.is_none() {
        // A real ERP: a person checks the accounts in the ERP.
        w.step.checkpoint = Some(format!(
            "each posting is booked on its account: {}",
            expected
                .iter()
                .map(|(id, acc)| format!("{} → {acc}", id.as_deref().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        return Ok(());
    }
    let l = ledger(w).await?;
    for (id, account) in &expected {
        let on = l["konti"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|k| {
                k["posteringer"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["postering"].as_str().map(str::to_string) == *id)
            })
            .and_then(|k| k["konto"].as_str())
            .map(str::to_string);
        match on {
            Some(a) if a == *account => {}
            Some(a) => {
                return Err(Failure {
                    message: format!(
                        "posting {} is booked on {a}, the omsætningstabel names {account}",
                        id.as_deref().unwrap_or("?")
                    ),
                    expected_actual: Some((account.clone(), a)),
                });
            }
            None => {
                return Err(format!(
                    "posting {} is not in the ledger (expected on {account})",
                    id.as_deref().unwrap_or("?")
                )
                .into());
            }
        }
    }
    Ok(())
}

pub async fn claim_state(w: &mut OirWorld, a: &Args) -> Outcome {
    let id = expected_value(w, a.cap(0))?;
    let st = w.run.target.admin_get("state", &w.tenant).await?;
    let claim = st["fordringer"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| {
            c["id"]
                .as_str()
                .is_some_and(|x| x.eq_ignore_ascii_case(&id))
        })
        .ok_or_else(|| format!("the stub knows no claim {id}"))?;
    let got = claim["tilstand"].as_str().unwrap_or("").to_string();
    expect_eq(&format!("state of claim {id}"), a.cap(1), &got)
}
