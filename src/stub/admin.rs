//! The admin API (JSON, under `/__admin/`): what the stub serves, the journal of every
//! exchange, the ledger per account, the state the rules see, reset, and loading reference
//! state (a rule example's `kontekst` YAML).
//!
//! Later slices add here: fault injection, callbacks, persistence status.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Stub;
use crate::oir::checks::fmt_amount;
use crate::oir::context::Context;

pub fn routes() -> Router<Arc<Stub>> {
    Router::new()
        .route("/", get(index))
        .route("/services", get(services))
        .route("/journal", get(journal))
        .route("/journal/{seq}", get(journal_entry))
        .route("/ledger", get(ledger))
        .route("/state", get(state))
        .route("/reset", post(reset))
        .route("/context", post(context))
}

pub(crate) async fn index(State(stub): State<Arc<Stub>>) -> Json<Value> {
    Json(json!({
        "stub": "oir stub",
        "seed": stub.config.seed,
        "endpoints": {
            "GET /__admin/services": "services, paths, operations, SOAPActions, WSDL URLs",
            "GET /__admin/journal[?since=N&limit=M]": "every exchange: request, answer, verdicts, timing",
            "GET /__admin/journal/{seq}": "one exchange",
            "GET /__admin/ledger": "the ledger per account (postings of accepted finansbilag)",
            "GET /__admin/state": "what the rules see: accounts, claims, invoices, payments, IDs",
            "POST /__admin/reset": "back to the state at start",
            "POST /__admin/context": "merge a kontekst YAML (rule examples' format) into the state",
        },
        "services": stub.catalog.services.len(),
    }))
}

async fn services(State(stub): State<Arc<Stub>>) -> Json<Value> {
    let list: Vec<Value> = stub
        .catalog
        .services
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "path": s.path,
                "wsdl": format!("{}?wsdl", s.path),
                "contract": s.wsdl.display().to_string(),
                "integration": s.integration,
                "soap": s.soap,
                "requires_context": s.requires_context,
                "operations": s.operations.iter().map(|o| json!({
                    "name": o.op.name,
                    "soap_action": o.op.soap_action,
                    "input": o.op.input.as_ref().map(ToString::to_string),
                    "output": o.op.output.as_ref().map(ToString::to_string),
                    "examples": o.example_files,
                    "answer": if o.example_response.is_some() { "example" } else { "generated from the schema" },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Json(json!({ "services": list }))
}

fn query_num(q: Option<&str>, key: &str) -> Option<u64> {
    q?.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == key).then(|| v.parse().ok())?
    })
}

async fn journal(State(stub): State<Arc<Stub>>, RawQuery(q): RawQuery) -> Json<Value> {
    let since = query_num(q.as_deref(), "since").unwrap_or(0);
    let limit = query_num(q.as_deref(), "limit").map_or(usize::MAX, |l| l as usize);
    let entries = stub.with_state(|s| {
        let mut v: Vec<_> = s
            .journal
            .iter()
            .filter(|e| e.seq > since)
            .cloned()
            .collect();
        v.sort_by_key(|e| e.seq);
        v.truncate(limit);
        v
    });
    Json(json!({ "entries": entries }))
}

async fn journal_entry(State(stub): State<Arc<Stub>>, UrlPath(seq): UrlPath<u64>) -> Response {
    match stub.with_state(|s| s.journal.iter().find(|e| e.seq == seq).cloned()) {
        Some(e) => Json(e).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no journal entry {seq} (kept: the last {})", stub.config.journal_limit) })),
        )
            .into_response(),
    }
}

async fn ledger(State(stub): State<Arc<Stub>>) -> Json<Value> {
    Json(stub.with_state(|s| {
        let accounts: Vec<Value> = s
            .ledger
            .iter()
            .map(|(k, a)| {
                json!({
                    "konto": k,
                    "titel": a.title,
                    "saldo": fmt_amount(&a.balance),
                    "posteringer": a.postings,
                })
            })
            .collect();
        let net = s
            .ledger
            .values()
            .fold(crate::schema::datatypes::Decimal::ZERO, |acc, a| {
                &acc + &a.balance
            });
        json!({
            "konti": accounts,
            "netto": fmt_amount(&net),
            "bilag": s.vouchers,
        })
    }))
}

async fn state(State(stub): State<Arc<Stub>>) -> Json<Value> {
    Json(stub.with_state(|s| {
        let mut accounts: Vec<Value> = s
            .ctx
            .accounts
            .iter()
            .map(|(id, a)| json!({ "id": id, "ejer": a.owner, "tilstand": a.state }))
            .collect();
        accounts.sort_by_key(|v| v["id"].as_str().unwrap_or("").to_string());
        let mut claims: Vec<Value> = s
            .ctx
            .claims
            .iter()
            .map(|(id, c)| {
                json!({
                    "id": id,
                    "ejer": c.owner,
                    "tilstand": c.state,
                    "debitorkonto": c.account,
                    "til_betaling": c.payable.as_ref().map(fmt_amount),
                    "beloeb_i_alt": c.total.as_ref().map(fmt_amount),
                    "sidste_rettidige_betalingsdato": c.last_timely.map(|d| d.to_string()),
                    "fordring": s.parents.get(id),
                })
            })
            .collect();
        claims.sort_by_key(|v| v["id"].as_str().unwrap_or("").to_string());
        let mut invoices: Vec<&String> = s.ctx.invoices.iter().collect();
        invoices.sort();
        json!({
            "dato": s.ctx.today.to_string(),
            "afsender": s.ctx.sender,
            "debitorkonti": accounts,
            "fordringer": claims,
            "fakturaer": invoices,
            "fakturaer_kendt": s.ctx.invoices_given,
            "faktura_modtaget": s.invoices,
            "indbetalinger": s.payments,
            "bilag": s.vouchers,
            "sete_id": s.ctx.seen.len(),
            "svar_gemt": s.answers.len(),
            "journal": s.journal.len(),
        })
    }))
}

async fn reset(State(stub): State<Arc<Stub>>) -> Json<Value> {
    stub.reset();
    Json(json!({ "reset": true }))
}

/// Only to learn which optional keys the YAML gave (`Context` fills defaults).
#[derive(Deserialize)]
struct Probe {
    kontekst: ProbeCtx,
}

#[derive(Deserialize)]
struct ProbeCtx {
    #[serde(default)]
    dato: Option<String>,
    #[serde(default)]
    modtagne_beskeder: Vec<String>,
}

/// Merge a `kontekst` YAML into the state. Earlier messages it names
/// (`modtagne_beskeder`) are files on the caller's side: send them to the stub instead.
async fn context(State(stub): State<Arc<Stub>>, body: String) -> Response {
    let bad = |m: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": m })),
        )
            .into_response()
    };
    let probe: Probe = match serde_saphyr::from_str(&body) {
        Ok(p) => p,
        Err(e) => return bad(format!("not a kontekst YAML: {e}")),
    };
    let today = stub.with_state(|s| s.ctx.today);
    let ctx = match Context::from_yaml("POST /__admin/context", &body, std::path::Path::new(".")) {
        Ok(c) => c,
        Err(e) => return bad(e.to_string()),
    };
    let with_today = probe.kontekst.dato.is_some();
    stub.with_state(|s| s.merge_context(&ctx, with_today));
    Json(json!({
        "merged": {
            "debitorkonti": ctx.accounts.len(),
            "fordringer": ctx.claims.len(),
            "fakturaer": ctx.invoices.len(),
            "sete_id": ctx.seen.len(),
        },
        "dato": if with_today { ctx.today } else { today }.to_string(),
        "not_loaded": {
            "modtagne_beskeder": probe.kontekst.modtagne_beskeder,
            "why": "earlier messages are files of the caller: send them to the stub's endpoint instead",
        },
    }))
    .into_response()
}
