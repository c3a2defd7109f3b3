//! One SOAP exchange, in the order a request meets Serviceplatformen and then the
//! receiving system: transport (method, content type, size) → XML (no DTD, bounded
//! depth, well-formed) → envelope → routing (path, SOAPAction, payload QName) → security
//! context → schema → business rules → answer. Each step that refuses says why, in the
//! layer the packs' error design gives it (see [`super::soap`]).

use std::time::{Duration, Instant};

use super::Stub;
use super::answer::{self, Request};
use super::callbacks::{self, Pending, Trigger};
use super::catalog::{OpEntry, Service};
use super::faults::{Misbehaviour, Respond};
use super::soap::{
    AUTHORITY_CONTEXT_NS, Blame, Detail, Fault, INVOCATION_CONTEXT_NS, content_type,
    parse_content_type, unquote_action,
};
use super::state::{
    ApplyOptions, Cached, Direction as Way, Effects, FindingView, JournalEntry, Outcome,
    journal_text, journal_text_owned, text_of,
};
use super::xmlout::document;
use crate::oir::checks::idempotens;
use crate::oir::context::content_hash_skipping;
use crate::oir::engine::{MAX_DEPTH, MessageInfo};
use crate::oir::finding::{self, Finding};
use crate::oir::sortiment::norm_uuid;
use crate::schema::validate::{SOAP11_NS, SOAP12_NS};
use crate::schema::wsdl::{Direction, SoapVersion};
use crate::xml::tree::{self, Element};

/// An HTTP request as the pipeline needs it.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    pub soap_action: Option<String>,
    pub body: Vec<u8>,
    /// The body was larger than the limit and was not read.
    pub oversized: Option<usize>,
    /// Whose state and journal the exchange uses (`""`: the default tenant).
    pub tenant: String,
}

#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering (an injected delay).
    pub delay: Option<Duration>,
    /// Close the connection instead of answering (an injected drop).
    pub drop: bool,
    /// Callbacks to deliver once the answer is on its way.
    pub callbacks: Vec<Pending>,
}

/// What the journal records besides request and answer.
#[derive(Default)]
struct Verdict {
    /// Journal sequence number, taken when the exchange starts.
    seq: u64,
    service: Option<String>,
    operation: Option<String>,
    soap_action: Option<String>,
    outcome: Option<Outcome>,
    fault_code: Option<String>,
    findings: Vec<FindingView>,
    effects: Vec<String>,
    answer_valid: Option<bool>,
    answer_findings: Vec<String>,
}

/// Run one exchange and journal it.
pub fn handle(stub: &Stub, inc: Incoming) -> Outgoing {
    let started = Instant::now();
    let received = super::utc_now();
    let seq = stub.with_tenant(&inc.tenant, |s| {
        let n = s.next_seq;
        s.next_seq += 1;
        n
    });
    let mut v = Verdict {
        seq,
        ..Verdict::default()
    };
    let mut out = exchange(stub, &inc, &mut v);
    let duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    // Kept as exchanged; masked when read (`JournalEntry::masked`).
    let request_bytes = inc.oversized.unwrap_or(inc.body.len());
    let request = journal_text_owned(inc.body);
    let response = journal_text(&out.body);
    stub.with_tenant(&inc.tenant, |s| {
        let outcome = v.outcome.unwrap_or(Outcome::Fault);
        out.headers.push(("x-oir-journal".into(), seq.to_string()));
        out.headers
            .push(("x-oir-outcome".into(), outcome.as_str().to_string()));
        if let Some(c) = &v.fault_code {
            out.headers.push(("x-oir-fault".into(), c.clone()));
        }
        if let Some(ok) = v.answer_valid {
            out.headers
                .push(("x-oir-answer-valid".into(), ok.to_string()));
        }
        let entry = JournalEntry {
            seq,
            direction: Way::Inbound,
            received,
            duration_us,
            method: inc.method,
            path: inc.path,
            service: v.service.take(),
            operation: v.operation.take(),
            soap_action: v.soap_action.take(),
            status: out.status,
            outcome,
            fault_code: v.fault_code.take(),
            findings: std::mem::take(&mut v.findings),
            effects: std::mem::take(&mut v.effects),
            answer_valid: v.answer_valid,
            answer_findings: std::mem::take(&mut v.answer_findings),
            request_bytes,
            request,
            response,
        };
        s.push_journal(entry, stub.config.journal_limit);
    });
    out
}

fn fault_out(status: u16, soap: SoapVersion, f: &Fault, v: &mut Verdict) -> Outgoing {
    v.outcome = Some(Outcome::Fault);
    v.fault_code = Some(f.code.clone());
    Outgoing {
        status,
        content_type: content_type(soap, None),
        body: f.envelope(soap).into_bytes(),
        ..Outgoing::default()
    }
}

/// A platform fault, or a plain one when the contract does not declare it.
fn platform(svc: Option<&Service>, code: &str, text: impl Into<String>) -> Fault {
    let mut f = Fault::platform(code, text);
    if svc.is_some_and(|s| !s.has_sp_fault) {
        f.detail = Detail::None;
    }
    f
}

fn exchange(stub: &Stub, inc: &Incoming, v: &mut Verdict) -> Outgoing {
    let Some(svc) = stub.catalog.service_at(&inc.path) else {
        let known: Vec<&str> = stub
            .catalog
            .services
            .iter()
            .map(|s| s.path.as_str())
            .collect();
        let f = platform(
            None,
            "SP-ROUTE-001",
            format!(
                "Der er ingen service på stien {} (no service at this path). Services: {}",
                inc.path,
                known.join(", ")
            ),
        );
        return fault_out(404, SoapVersion::Soap11, &f, v);
    };
    v.service = Some(svc.name.clone());
    // A built-in pack's WSDL compiles on its first request; everything below uses it.
    if let Err(e) = svc.compiled() {
        let f = Fault::server(
            "STUB-CONTRACT",
            format!("the contract of {} cannot be compiled: {e}", svc.path),
        );
        return fault_out(500, SoapVersion::Soap11, &f, v);
    }
    let soap = svc.soap;
    if inc.method != "POST" {
        let f = platform(
            Some(svc),
            "SP-HTTP-001",
            format!(
                "Metoden {} understøttes ikke: SOAP-kald sendes med POST; kontrakten hentes med GET {}?wsdl",
                inc.method, svc.path
            ),
        );
        return fault_out(405, soap, &f, v);
    }
    if let Some(n) = inc.oversized {
        let f = platform(
            Some(svc),
            "SP-HTTP-413",
            format!(
                "Beskeden er for stor: {n} bytes, grænsen er {} bytes (request body too large).",
                stub.config.max_body_bytes
            ),
        );
        return fault_out(413, soap, &f, v);
    }
    // Transport: SOAP 1.1 travels as text/xml, SOAP 1.2 as application/soap+xml.
    let (media, params) = parse_content_type(inc.content_type.as_deref().unwrap_or(""));
    let expected = match soap {
        SoapVersion::Soap11 => "text/xml",
        SoapVersion::Soap12 => "application/soap+xml",
    };
    if media != expected {
        let f = platform(
            Some(svc),
            "SP-HTTP-415",
            format!(
                "Content-Type '{}' er forkert: en {} -besked sendes som {expected}.",
                inc.content_type.as_deref().unwrap_or(""),
                match soap {
                    SoapVersion::Soap11 => "SOAP 1.1",
                    SoapVersion::Soap12 => "SOAP 1.2",
                }
            ),
        );
        return fault_out(415, soap, &f, v);
    }
    let action = match soap {
        SoapVersion::Soap11 => inc.soap_action.as_deref().map(unquote_action),
        SoapVersion::Soap12 => params
            .iter()
            .find(|(k, _)| k == "action")
            .map(|(_, a)| a.clone()),
    };
    v.soap_action = action.clone();
    // XML: no DTD (no entity expansion of any kind), bounded depth, well-formed.
    if let Some(why) = crate::xml::declared_doctype(&inc.body) {
        let f = platform(
            Some(svc),
            "SP-XML-002",
            format!(
                "Beskedens prolog afvises: {why}. DTD'er og entitetserklæringer modtages ikke (XXE/entity expansion)."
            ),
        );
        return fault_out(500, soap, &f, v);
    }
    let root = match tree::parse_bounded(&inc.body, MAX_DEPTH) {
        Ok(r) => r,
        Err(tree::Bounded::TooDeep(_)) => {
            let f = platform(
                Some(svc),
                "SP-XML-003",
                format!("Beskeden har elementer indlejret mere end {MAX_DEPTH} niveauer."),
            );
            return fault_out(500, soap, &f, v);
        }
        Err(tree::Bounded::Xml(e)) => {
            let f = platform(
                Some(svc),
                "SP-XML-001",
                format!("Beskeden er ikke velformet XML: {e}"),
            );
            return fault_out(500, soap, &f, v);
        }
    };
    let env_ns = soap.envelope_ns();
    if root.local != "Envelope" || root.ns.as_deref() != Some(env_ns) {
        let other = match root.ns.as_deref() {
            Some(SOAP11_NS) => " (SOAP 1.1)",
            Some(SOAP12_NS) => " (SOAP 1.2)",
            _ => "",
        };
        let f = platform(
            Some(svc),
            "SP-SOAP-001",
            format!(
                "Roden er {{{}}}{}{other}; servicen forventer en {{{env_ns}}}Envelope.",
                root.ns.as_deref().unwrap_or(""),
                root.local
            ),
        );
        return fault_out(500, soap, &f, v);
    }
    let bodies: Vec<&Element> = root.children_named(env_ns, "Body").collect();
    let payloads: Vec<&Element> = bodies.iter().flat_map(|b| b.elements()).collect();
    if bodies.len() != 1 || payloads.len() != 1 {
        let f = platform(
            Some(svc),
            "SP-SOAP-002",
            format!(
                "Envelope skal have én Body med ét element (document/literal); fandt {} Body og {} element(er).",
                bodies.len(),
                payloads.len()
            ),
        );
        return fault_out(500, soap, &f, v);
    }
    let payload = payloads[0];
    let Some(entry) = route(svc, action.as_deref(), payload, v) else {
        let f = match v.fault_code.take().as_deref() {
            Some("SP-ROUTE-003") => platform(
                Some(svc),
                "SP-ROUTE-003",
                format!(
                    "Body-elementet {{{}}}{} passer ikke til operationen for SOAPAction '{}'.",
                    payload.ns.as_deref().unwrap_or(""),
                    payload.local,
                    action.as_deref().unwrap_or("")
                ),
            ),
            _ => {
                let actions: Vec<&str> = svc
                    .operations
                    .iter()
                    .filter_map(|o| o.op.soap_action.as_deref())
                    .collect();
                platform(
                    Some(svc),
                    "SP-ROUTE-002",
                    format!(
                        "Ukendt operation: SOAPAction '{}', Body-element {{{}}}{}. Servicen {} kender: {}",
                        action.as_deref().unwrap_or(""),
                        payload.ns.as_deref().unwrap_or(""),
                        payload.local,
                        svc.name,
                        actions.join(", ")
                    ),
                )
            }
        };
        return fault_out(500, soap, &f, v);
    };
    v.operation = Some(entry.op.name.clone());
    let decision = stub.faults.decide(&inc.tenant, &entry.op.name, payload);
    v.effects.extend(decision.fired.iter().cloned());
    if let Some((label, respond)) = &decision.terminal {
        let mut out = injected(svc, respond, label, v);
        out.delay = decision.delay;
        return out;
    }
    let m = &decision.misbehaviour;
    let mut out = soap_call(stub, svc, entry, inc, &root, payload, m, v);
    if m.changes_answer() {
        misbehave(stub, svc, m, &mut out, v);
    }
    out.delay = decision.delay;
    out
}

/// The answer an override gives instead of the stub's own.
fn injected(svc: &Service, respond: &Respond, label: &str, v: &mut Verdict) -> Outgoing {
    let soap = svc.soap;
    v.outcome = Some(Outcome::Injected);
    let mut out = Outgoing {
        status: 200,
        content_type: content_type(soap, None),
        headers: vec![("x-oir-override".into(), label.to_string())],
        ..Outgoing::default()
    };
    match respond {
        Respond::Status { code, body } => {
            out.status = *code;
            out.content_type = "text/plain; charset=utf-8".into();
            out.body = body
                .clone()
                .unwrap_or_else(|| format!("HTTP {code} (injiceret fejl: {label})\n"))
                .into_bytes();
        }
        Respond::SoapFault { code, text, status } => {
            // The code goes in the platform's fault detail when the contract has one,
            // else in front of the fault text.
            let mut f = platform(Some(svc), code, text.clone());
            f.blame = Blame::Server;
            if matches!(f.detail, Detail::None) {
                f.text = format!("{code}: {text}");
            }
            v.fault_code = Some(code.clone());
            out.status = status.unwrap_or(500);
            out.body = f.envelope(soap).into_bytes();
        }
        Respond::Malformed => {
            out.body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope xmlns:soapenv=\"{}\"><soapenv:Body><Svar>&ikke-afsluttet",
                soap.envelope_ns()
            )
            .into_bytes();
        }
        Respond::Drop => {
            out.drop = true;
            out.status = 0;
        }
        Respond::Template { file, status } => match std::fs::read(file) {
            Ok(b) => {
                out.status = status.unwrap_or(200);
                out.body = b;
            }
            Err(e) => {
                let f = Fault::server(
                    "STUB-TEMPLATE",
                    format!("Svarskabelonen {} kan ikke læses: {e}", file.display()),
                );
                v.fault_code = Some(f.code.clone());
                out.status = 500;
                out.body = f.envelope(soap).into_bytes();
            }
        },
        // Not terminal: never chosen as the answer.
        _ => {}
    }
    out
}

/// Misbehaviours that bend the answer: elements left out, codes replaced. The answer is
/// validated again so the journal says what the client really got.
fn misbehave(stub: &Stub, svc: &Service, m: &Misbehaviour, out: &mut Outgoing, v: &mut Verdict) {
    if !m.omit.is_empty()
        && let Ok(mut t) = tree::parse(&out.body)
    {
        let mut stack: Vec<&mut Element> = vec![&mut t];
        while let Some(e) = stack.pop() {
            e.children
                .retain(|n| !matches!(n, tree::Node::Element(c) if m.omit.contains(&c.local)));
            for c in e.children.iter_mut() {
                if let tree::Node::Element(ce) = c {
                    stack.push(ce);
                }
            }
        }
        out.body = document(&t).into_bytes();
    }
    if !m.replace.is_empty() {
        let mut text = String::from_utf8_lossy(&out.body).into_owned();
        for (from, to) in &m.replace {
            text = text.replace(&format!(">{from}<"), &format!(">{to}<"));
            if v.fault_code.as_deref() == Some(from.as_str()) {
                v.fault_code = Some(to.clone());
            }
        }
        out.body = text.into_bytes();
    }
    if stub.config.validate_answers {
        let (val, _) = svc.contract.schemas.validate_soap(&out.body);
        v.answer_valid = Some(val.is_valid());
        v.answer_findings = val
            .findings
            .iter()
            .map(|f| format!("{} {}: {}", f.path, f.constraint, f.message))
            .collect();
    }
}

/// The operation: by SOAPAction when one is given (and the payload must match it), else by
/// the payload's QName. Sets `fault_code` to SP-ROUTE-003 for a payload mismatch.
fn route<'s>(
    svc: &'s Service,
    action: Option<&str>,
    payload: &Element,
    v: &mut Verdict,
) -> Option<&'s OpEntry> {
    let is_input = |o: &OpEntry| {
        o.op.input
            .as_ref()
            .is_some_and(|q| q.is(payload.ns.as_deref(), &payload.local))
    };
    let uses_actions = svc
        .operations
        .iter()
        .any(|o| o.op.soap_action.as_deref().is_some_and(|a| !a.is_empty()));
    match action {
        Some(a) if !a.is_empty() && uses_actions => {
            let op = svc
                .operations
                .iter()
                .find(|o| o.op.soap_action.as_deref() == Some(a))?;
            if is_input(op) {
                Some(op)
            } else {
                v.fault_code = Some("SP-ROUTE-003".into());
                None
            }
        }
        _ => svc.operations.iter().find(|o| is_input(o)),
    }
}

#[allow(clippy::too_many_arguments)]
fn soap_call(
    stub: &Stub,
    svc: &Service,
    entry: &OpEntry,
    inc: &Incoming,
    root: &Element,
    payload: &Element,
    m: &Misbehaviour,
    v: &mut Verdict,
) -> Outgoing {
    let soap = svc.soap;
    // Security context: the first children of the request element (context model).
    if svc.requires_context {
        let ctx = payload.elements().find(|e| {
            matches!(
                (e.ns.as_deref(), e.local.as_str()),
                (Some(INVOCATION_CONTEXT_NS), "InvocationContext")
                    | (Some(AUTHORITY_CONTEXT_NS), "AuthorityContext")
            )
        });
        if ctx.is_none() {
            let call = answer::seeded_uuid(stub.config.seed, &[&super::utc_now(), "call"]);
            let f = platform(
                Some(svc),
                "SP-SEC-001",
                format!(
                    "Security model for the called operation was not provided. The following are supported: [InvocationContext, AuthorityContext]. (Sikkerhedskontekst mangler: InvocationContext eller AuthorityContext skal stå først i {}.) CallUUID: {call} Received: {}",
                    payload.local,
                    super::utc_now()
                ),
            );
            return fault_out(500, soap, &f, v);
        }
    }
    let (validation, _) = svc.contract.schemas.validate_soap(&inc.body);
    let (ctx_findings, schema_findings): (Vec<_>, Vec<_>) = validation
        .findings
        .into_iter()
        .partition(|f| f.path.contains("InvocationContext") || f.path.contains("AuthorityContext"));
    if !ctx_findings.is_empty() {
        let errors: Vec<(String, String)> = ctx_findings
            .iter()
            .map(|f| {
                (
                    "SP-SEC-002".to_string(),
                    format!(
                        "{}:{} {}: {} ({})",
                        f.line, f.column, f.path, f.message, f.constraint
                    ),
                )
            })
            .collect();
        v.findings.extend(
            ctx_findings
                .iter()
                .cloned()
                .map(|f| FindingView::from(&Finding::from(f))),
        );
        let mut f = platform(
            Some(svc),
            "SP-SEC-002",
            format!(
                "Sikkerhedskonteksten er ugyldig (malformed security context): {}",
                errors[0].1
            ),
        );
        if let Detail::Serviceplatform(e) = &mut f.detail {
            *e = errors;
        }
        return fault_out(500, soap, &f, v);
    }
    if !schema_findings.is_empty() {
        v.findings.extend(
            schema_findings
                .iter()
                .cloned()
                .map(|f| FindingView::from(&Finding::from(f))),
        );
        let mut errors: Vec<(String, String)> = schema_findings
            .iter()
            .take(100)
            .map(|f| {
                (
                    f.constraint.clone(),
                    format!("{}:{} {}: {}", f.line, f.column, f.path, f.message),
                )
            })
            .collect();
        // The business rules still say what they can about the message, judged against a
        // copy of the state: a refused message must not leave its IDs behind.
        if svc.integration.is_some() && !m.accept {
            let mut scratch = stub.with_tenant(&inc.tenant, |s| s.ctx.clone());
            let rules = stub
                .engine
                .check_tree(root, &request_info(svc, entry), &mut scratch);
            for f in rules.iter().filter(|f| f.severity.fails()) {
                v.findings.push(FindingView::from(f));
                errors.push((
                    f.code.clone(),
                    format!(
                        "{} {}: {} [regel {}]",
                        f.line,
                        f.path,
                        f.message_da,
                        f.rule.as_deref().unwrap_or("")
                    ),
                ));
            }
        }
        let why = format!(
            "Beskeden er ikke gyldig efter kontrakten (XSD): {} fejl.",
            schema_findings.len()
        );
        let f = Fault {
            blame: Blame::Client,
            code: "TK-SCHEMA".into(),
            text: format!("{why} Første: {}", errors[0].1),
            detail: if svc.has_transport_kvittering {
                Detail::TransportKvittering(why, errors)
            } else {
                Detail::None
            },
        };
        return fault_out(500, soap, &f, v);
    }
    let hovedoplysninger = payload.elements().find(|e| e.local == "Hovedoplysninger");
    let req = Request {
        payload,
        besked_uuid: hovedoplysninger.and_then(|h| text_of(h, "BeskedUUID")),
        sent: hovedoplysninger.and_then(|h| text_of(h, "Afsendelsestidspunkt")),
        // The same hash the idempotency rule gives the payload (it is handed to the rules).
        hash: content_hash_skipping(payload, idempotens::CONTEXTS),
    };
    let sender = hovedoplysninger
        .and_then(|h| text_of(h, "AfsenderSystemUUID"))
        .or_else(|| {
            payload
                .elements()
                .find(|e| e.local == "InvocationContext")
                .and_then(|c| text_of(c, "UserSystemUUID"))
        });
    let key = req.besked_uuid.as_deref().map(norm_uuid);
    stub.with_tenant(&inc.tenant, |state| {
        // A resend (same BeskedUUID, same content) gets the first answer again.
        if let Some(k) = &key
            && let Some(c) = state.answers.get(k)
            && c.hash == req.hash
        {
            v.outcome = Some(Outcome::Resend);
            v.effects
                .push(format!("genfremsendelse: svar fra journal {}", c.journal));
            return Outgoing {
                status: c.status,
                content_type: c.content_type.clone(),
                body: c.body.clone(),
                ..Outgoing::default()
            };
        }
        let findings: Vec<Finding> = if svc.integration.is_some() && !m.accept {
            stub.engine.check_tree_hashed(
                root,
                &request_info(svc, entry),
                &mut state.ctx,
                Some((payload, &req.hash)),
            )
        } else {
            Vec::new()
        };
        v.findings.extend(findings.iter().map(FindingView::from));
        let failing = finding::any_failing(&findings);
        let opts = ApplyOptions {
            book_on: m.book_on.clone(),
        };
        let fx = if failing {
            Effects::default()
        } else {
            state.apply(payload, sender.as_deref(), &stub.engine, v.seq, &opts)
        };
        v.effects.extend(fx.notes.iter().cloned());
        let template = match entry.example_response.as_deref() {
            Some(t) => t.clone(),
            None => match answer::generated(&svc.contract, entry, soap, stub.config.seed) {
                Ok(t) => {
                    v.effects.push("svar genereret fra skemaet (intet eksempel)".into());
                    t
                }
                Err(e) => {
                    let f = Fault::server(
                        "STUB-NO-ANSWER",
                        format!(
                            "Stubben har intet eksempelsvar for operationen {}, og skemagenerator kunne ikke danne et: {e}",
                            entry.op.name
                        ),
                    );
                    return fault_out(500, soap, &f, v);
                }
            },
        };
        let answer = answer::accepted(&template, entry, &req, stub.config.seed, &fx);
        let candidates: Vec<Element> = if failing {
            let base = match entry.example_rejection.as_deref() {
                Some(r) => answer::accepted(r, entry, &req, stub.config.seed, &fx),
                None => answer,
            };
            [true, false]
                .iter()
                .filter_map(|&drop| answer::rejected(&base, &findings, drop))
                .collect()
        } else {
            vec![answer]
        };
        if candidates.is_empty() {
            // A rule was broken but the answer has no receipt to say so in.
            let errors: Vec<(String, String)> = findings
                .iter()
                .filter(|f| f.severity.fails())
                .map(|f| (f.code.clone(), format!("{} {}", f.path, f.message_da)))
                .collect();
            let f = Fault {
                blame: Blame::Client,
                code: "TK-RULES".into(),
                text: "Beskeden er afvist efter forretningsreglerne.".into(),
                detail: if svc.has_transport_kvittering {
                    Detail::TransportKvittering("Forretningsregler".into(), errors)
                } else {
                    Detail::None
                },
            };
            return fault_out(500, soap, &f, v);
        }
        // The first candidate that validates (a rejection without the result content
        // first); the last one when none does, flagged.
        let mut chosen = None;
        let mut problems = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            let text = document(c);
            if !stub.config.validate_answers {
                chosen = Some(text);
                break;
            }
            let (val, _) = svc.contract.schemas.validate_soap(text.as_bytes());
            if val.is_valid() {
                v.answer_valid = Some(true);
                chosen = Some(text);
                break;
            }
            if i + 1 == candidates.len() {
                v.answer_valid = Some(false);
                problems = val
                    .findings
                    .iter()
                    .map(|f| format!("{} {}: {}", f.path, f.constraint, f.message))
                    .collect();
                chosen = Some(text);
            }
        }
        v.answer_findings = problems;
        let body = chosen.unwrap_or_default().into_bytes();
        v.outcome = Some(if failing {
            Outcome::Rejected
        } else {
            Outcome::Accepted
        });
        let ct = content_type(soap, None);
        let mut cached = None;
        if !failing && let Some(k) = key {
            let c = Cached {
                hash: req.hash.clone(),
                status: 200,
                content_type: ct.clone(),
                body: body.clone(),
                journal: v.seq,
            };
            state.remember_answer(k.clone(), c.clone());
            cached = Some((k, c));
        }
        if !failing {
            state.keep_window(stub.config.state_window);
        }
        let pending = if failing {
            Vec::new()
        } else {
            callbacks::plan(
                stub,
                state,
                &Trigger {
                    tenant: &inc.tenant,
                    seq: v.seq,
                    operation: &entry.op.name,
                    payload,
                    skip: m.skip_callbacks,
                },
            )
        };
        // Durable before the answer leaves: an acknowledged write survives a crash.
        if let Err(e) = stub.persist(
            &inc.tenant,
            state,
            cached.as_ref().map(|(k, c)| (k.as_str(), c)),
        ) {
            if let Some((k, _)) = &cached {
                state.forget_answer(k);
            }
            let f = Fault::server(
                "STUB-PERSIST",
                format!("Tilstanden kunne ikke gemmes; beskeden er ikke modtaget: {e}"),
            );
            return fault_out(500, soap, &f, v);
        }
        if let Some(id) = pending.first().map(|p| p.id) {
            v.effects.push(format!("callback {id} planlagt"));
        }
        Outgoing {
            status: 200,
            content_type: ct,
            body,
            callbacks: pending,
            ..Outgoing::default()
        }
    })
}

fn request_info(svc: &Service, entry: &OpEntry) -> MessageInfo {
    MessageInfo {
        integration: svc.integration.clone(),
        operation: Some(entry.op.name.clone()),
        direction: Some(Direction::Request),
    }
}

/// Is this path a SOAP endpoint's contract request (`?wsdl`)?
pub fn wants_wsdl(query: Option<&str>) -> bool {
    query.is_some_and(|q| q.split('&').any(|p| p.eq_ignore_ascii_case("wsdl")))
}
