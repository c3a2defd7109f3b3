//! Serviceplatformen's dynamic routing: a call is passed on to the target of the
//! municipality (AuthorityContext MunicipalityCVR) or service agreement (InvocationContext
//! ServiceAgreementUUID) that sent it — another stub or a real system — and its answer
//! comes back unchanged. Routed exchanges are journaled (`effects` names the route).

use std::time::Instant;

use serde::Deserialize;

use super::Stub;
use super::pipeline::{Incoming, Outgoing};
use super::state::{Direction, JournalEntry, Outcome, find_all, journal_text};
use crate::xml::tree;

/// One route: who (a municipality's CVR or a service agreement) goes where.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    #[serde(default)]
    pub municipality_cvr: Option<String>,
    #[serde(default)]
    pub service_agreement: Option<String>,
    /// Base URL of the target; the request's path is kept (`http://127.0.0.1:9000`).
    pub target: String,
}

impl Route {
    pub fn check(&self) -> Result<(), String> {
        if self.municipality_cvr.is_none() && self.service_agreement.is_none() {
            return Err("a route needs municipality_cvr or service_agreement".into());
        }
        if !(self.target.starts_with("http://") || self.target.starts_with("https://")) {
            return Err(format!("target '{}' is not an http(s) URL", self.target));
        }
        Ok(())
    }
}

/// The route for this request, if any: the first whose municipality or agreement the
/// request's security context names. Requests the platform would refuse anyway (DOCTYPE,
/// not XML) are left to the pipeline.
pub fn route_for<'s>(stub: &'s Stub, inc: &Incoming) -> Option<(&'s Route, String)> {
    let routes = &stub.config.routes;
    if routes.is_empty() || inc.oversized.is_some() {
        return None;
    }
    if crate::xml::declared_doctype(&inc.body).is_some() {
        return None;
    }
    // Nor one nested deeper than the platform accepts (SP-XML-003): the bounded parse stops
    // there (a 10,000-deep tree's recursive drop once overflowed a worker's stack).
    let root = tree::parse_bounded(&inc.body, crate::oir::engine::MAX_DEPTH).ok()?;
    let first = |local: &str| {
        find_all(&root, local)
            .first()
            .map(|e| e.text().trim().to_string())
    };
    let cvr = first("MunicipalityCVR");
    let agreement = first("ServiceAgreementUUID").map(|s| s.to_ascii_lowercase());
    routes.iter().find_map(|r| {
        let by_cvr = r.municipality_cvr.is_some() && r.municipality_cvr == cvr;
        let by_agreement = r
            .service_agreement
            .as_ref()
            .is_some_and(|a| Some(a.to_ascii_lowercase()) == agreement);
        (by_cvr || by_agreement).then(|| {
            let why = if by_cvr {
                format!("MunicipalityCVR {}", cvr.clone().unwrap_or_default())
            } else {
                format!(
                    "ServiceAgreementUUID {}",
                    agreement.clone().unwrap_or_default()
                )
            };
            (r, why)
        })
    })
}

/// Pass the request on and bring the answer back; an unreachable target is a platform
/// fault (SP-ROUTE-004), as the platform answers when a recipient is down.
pub async fn forward(stub: &Stub, inc: &Incoming, route: &Route, why: &str) -> Outgoing {
    let url = format!("{}{}", route.target.trim_end_matches('/'), inc.path);
    let started = Instant::now();
    let mut req = stub.http_client().post(&url).body(inc.body.clone());
    if let Some(ct) = &inc.content_type {
        req = req.header("content-type", ct);
    }
    if let Some(a) = &inc.soap_action {
        req = req.header("soapaction", a);
    }
    let result = async {
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("text/xml; charset=utf-8")
            .to_string();
        let body = resp.bytes().await?.to_vec();
        Ok::<_, reqwest::Error>((status, ct, body))
    }
    .await;
    let (out, outcome, note) = match result {
        Ok((status, content_type, body)) => (
            Outgoing {
                status,
                content_type,
                body,
                headers: vec![("x-oir-routed-to".into(), url.clone())],
                ..Outgoing::default()
            },
            Outcome::Other,
            format!("routet til {url} ({why})"),
        ),
        Err(e) => {
            let f = super::soap::Fault::platform(
                "SP-ROUTE-004",
                format!("Modtageren for {why} svarer ikke ({url}): {e}"),
            );
            (
                Outgoing {
                    status: 500,
                    content_type: "text/xml; charset=utf-8".into(),
                    body: f
                        .envelope(crate::schema::wsdl::SoapVersion::Soap11)
                        .into_bytes(),
                    ..Outgoing::default()
                },
                Outcome::Fault,
                format!("routning til {url} ({why}) fejlede: {e}"),
            )
        }
    };
    let seq = stub.with_tenant(&inc.tenant, |s| {
        let n = s.next_seq;
        s.next_seq += 1;
        n
    });
    let entry = JournalEntry {
        seq,
        direction: Direction::Inbound,
        received: super::utc_now(),
        duration_us: started.elapsed().as_micros() as u64,
        method: inc.method.clone(),
        path: inc.path.clone(),
        service: stub.catalog.service_at(&inc.path).map(|s| s.name.clone()),
        operation: None,
        soap_action: inc.soap_action.clone(),
        status: out.status,
        outcome,
        fault_code: (outcome == Outcome::Fault).then(|| "SP-ROUTE-004".to_string()),
        findings: Vec::new(),
        effects: vec![stub.mask(&note).into_owned()],
        answer_valid: None,
        answer_findings: Vec::new(),
        request_bytes: inc.body.len(),
        request: stub.mask(&journal_text(&inc.body)).into_owned(),
        response: stub.mask(&journal_text(&out.body)).into_owned(),
    };
    stub.with_tenant(&inc.tenant, |s| {
        s.push_journal(entry, stub.config.journal_limit)
    });
    out
}
