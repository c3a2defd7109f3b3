//! The admin API (JSON, under `/__admin/`): what the stub serves, the journal of every
//! exchange, the ledger per account, the state the rules see, reset, loading reference
//! state (a rule example's `kontekst` YAML), fault injection and the callbacks made.
//!
//! Every call acts on one tenant: the one named by the `X-Oir-Tenant` header or
//! `?tenant=` (default: the default tenant `""`). CPR numbers are masked in the output
//! unless the configuration says `unmasked_journal`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, Path as UrlPath, RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Stub;
use super::faults::Override;
use super::tenant::{self, DEFAULT_TENANT};
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
        .route(
            "/faults",
            get(faults_list).post(faults_add).delete(faults_clear),
        )
        .route("/faults/{id}", delete(faults_remove))
        .route("/callbacks", get(callbacks))
        .route("/tenants", get(tenants))
        .route("/ledger/{konto}", get(ledger_account))
        .route("/claims/{id}", get(claim))
}

/// The tenant an admin call names (`None`: it names none).
pub struct Tenant(pub Option<String>);

impl Tenant {
    /// The tenant whose state the call reads or changes.
    fn name(&self) -> &str {
        self.0.as_deref().unwrap_or(DEFAULT_TENANT)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Tenant(tenant::requested(
            &parts.headers,
            parts.uri.query(),
            &parts.extensions,
        )))
    }
}

/// JSON with CPR numbers masked (unless configured off).
fn masked(stub: &Stub, v: Value) -> Json<Value> {
    if stub.config.unmasked_journal {
        return Json(v);
    }
    fn walk(v: &mut Value) {
        match v {
            Value::String(s) => {
                if let std::borrow::Cow::Owned(m) = crate::report::mask::mask_cpr(s) {
                    *s = m;
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            Value::Object(o) => o.values_mut().for_each(walk),
            _ => {}
        }
    }
    let mut v = v;
    walk(&mut v);
    Json(v)
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
            "GET /__admin/ledger/{konto}": "one ledger account",
            "GET /__admin/claims/{id}": "one fordring or delfordring",
            "GET|POST|DELETE /__admin/faults": "overrides: list, add (one or a list), clear",
            "DELETE /__admin/faults/{id}": "remove one override",
            "GET /__admin/callbacks": "callbacks planned and made, with their attempts",
            "GET /__admin/tenants": "tenants with a state",
        },
        "tenant_header": "X-Oir-Tenant (or ?tenant=)",
        "persistent": stub.persistent(),
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

async fn journal(State(stub): State<Arc<Stub>>, t: Tenant, RawQuery(q): RawQuery) -> Json<Value> {
    let since = query_num(q.as_deref(), "since").unwrap_or(0);
    let limit = query_num(q.as_deref(), "limit").map_or(usize::MAX, |l| l as usize);
    let entries = stub.with_tenant(t.name(), |s| {
        let mut v: Vec<_> = s.journal.iter().filter(|e| e.seq > since).collect();
        v.sort_by_key(|e| e.seq);
        v.truncate(limit);
        v.into_iter()
            .map(|e| e.clone().masked(|t| stub.mask(t)))
            .collect::<Vec<_>>()
    });
    Json(json!({ "entries": entries }))
}

async fn journal_entry(
    State(stub): State<Arc<Stub>>,
    t: Tenant,
    UrlPath(seq): UrlPath<u64>,
) -> Response {
    match stub.with_tenant(t.name(), |s| {
        s.journal
            .iter()
            .find(|e| e.seq == seq)
            .map(|e| e.clone().masked(|t| stub.mask(t)))
    }) {
        Some(e) => Json(e).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no journal entry {seq} (kept: the last {})", stub.config.journal_limit) })),
        )
            .into_response(),
    }
}

fn account_json(k: &str, a: &super::state::LedgerAccount) -> Value {
    json!({
        "konto": k,
        "titel": a.title,
        "saldo": fmt_amount(&a.balance),
        "posteringer": a.postings,
        "posteringer_i_alt": a.postings_total,
    })
}

async fn ledger(State(stub): State<Arc<Stub>>, t: Tenant) -> Json<Value> {
    let v = stub.with_tenant(t.name(), |s| {
        let accounts: Vec<Value> = s.ledger.iter().map(|(k, a)| account_json(k, a)).collect();
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
            "bilag_i_alt": s.vouchers_total,
        })
    });
    masked(&stub, v)
}

async fn ledger_account(
    State(stub): State<Arc<Stub>>,
    t: Tenant,
    UrlPath(konto): UrlPath<String>,
) -> Response {
    match stub.with_tenant(t.name(), |s| {
        s.ledger.get(&konto).map(|a| account_json(&konto, a))
    }) {
        Some(v) => masked(&stub, v).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no postings on account {konto}") })),
        )
            .into_response(),
    }
}

fn claim_json(s: &super::State, id: &str, c: &crate::oir::context::Claim) -> Value {
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
}

async fn claim(State(stub): State<Arc<Stub>>, t: Tenant, UrlPath(id): UrlPath<String>) -> Response {
    let key = crate::oir::sortiment::norm_uuid(&id);
    match stub.with_tenant(t.name(), |s| {
        s.ctx.claims.get(&key).map(|c| claim_json(s, &key, c))
    }) {
        Some(v) => masked(&stub, v).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no fordring or delfordring {id}") })),
        )
            .into_response(),
    }
}

async fn state(State(stub): State<Arc<Stub>>, t: Tenant) -> Json<Value> {
    let v = stub.with_tenant(t.name(), |s| {
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
            .map(|(id, c)| claim_json(s, id, c))
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
            "betalingsanmodninger": s.payment_requests,
            "bilag": s.vouchers,
            "bilag_i_alt": s.vouchers_total,
            "sete_id": s.ctx.seen.len(),
            "svar_gemt": s.answers.len(),
            "journal": s.journal.len(),
            "callbacks": s.callbacks.len(),
        })
    });
    masked(&stub, v)
}

async fn reset(State(stub): State<Arc<Stub>>, t: Tenant) -> Response {
    match stub.reset_tenant(t.name()) {
        Ok(()) => Json(json!({ "reset": true, "tenant": t.name() })).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": e.to_string() })),
        )
            .into_response(),
    }
}

async fn tenants(State(stub): State<Arc<Stub>>) -> Json<Value> {
    let list: Vec<Value> = stub
        .tenant_names()
        .into_iter()
        .map(|t| {
            stub.with_tenant(&t, |s| {
                json!({
                    "tenant": t,
                    "journal": s.journal.len(),
                    "bilag": s.vouchers.len(),
                    "konti": s.ledger.len(),
                    "fordringer": s.ctx.claims.len(),
                    "callbacks": s.callbacks.len(),
                })
            })
        })
        .collect();
    Json(json!({ "tenants": list }))
}

async fn callbacks(State(stub): State<Arc<Stub>>, t: Tenant) -> Json<Value> {
    let list = stub.with_tenant(t.name(), |s| s.callbacks.clone());
    masked(&stub, json!({ "callbacks": list }))
}

async fn faults_list(State(stub): State<Arc<Stub>>, t: Tenant) -> Json<Value> {
    Json(json!({ "faults": stub.faults.list(t.0.as_deref()) }))
}

/// One override or a list. An override that names no tenant is scoped to the tenant of
/// the call when the call names one; otherwise it applies to every tenant.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Box<Override>),
    Many(Vec<Override>),
}

async fn faults_add(State(stub): State<Arc<Stub>>, t: Tenant, body: String) -> Response {
    let bad = |m: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": m })),
        )
            .into_response()
    };
    let list = match serde_json::from_str::<OneOrMany>(&body) {
        Ok(OneOrMany::One(o)) => vec![*o],
        Ok(OneOrMany::Many(v)) => v,
        Err(_) => {
            // The untagged error says little: ask the single form for a precise one.
            return match serde_json::from_str::<Override>(&body) {
                Err(e) => bad(format!("not an override (or a list of them): {e}")),
                Ok(_) => bad("not an override".into()),
            };
        }
    };
    for (i, o) in list.iter().enumerate() {
        if let Err(e) = o.check() {
            return bad(format!("override {i}: {e}"));
        }
    }
    let ids: Vec<u64> = list
        .into_iter()
        .map(|mut o| {
            if o.tenant.is_none() {
                o.tenant.clone_from(&t.0);
            }
            stub.faults.add(o, "admin")
        })
        .collect();
    (StatusCode::CREATED, Json(json!({ "added": ids }))).into_response()
}

async fn faults_clear(State(stub): State<Arc<Stub>>, t: Tenant) -> Json<Value> {
    Json(json!({ "removed": stub.faults.clear(t.0.as_deref()) }))
}

async fn faults_remove(State(stub): State<Arc<Stub>>, UrlPath(id): UrlPath<u64>) -> Response {
    if stub.faults.remove(id) {
        Json(json!({ "removed": 1 })).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no override {id}") })),
        )
            .into_response()
    }
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
async fn context(State(stub): State<Arc<Stub>>, t: Tenant, body: String) -> Response {
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
    let today = stub.with_tenant(t.name(), |s| s.ctx.today);
    let ctx = match Context::from_yaml("POST /__admin/context", &body, std::path::Path::new(".")) {
        Ok(c) => c,
        Err(e) => return bad(e.to_string()),
    };
    let with_today = probe.kontekst.dato.is_some();
    let saved = stub.with_tenant(t.name(), |s| {
        s.merge_context(&ctx, with_today);
        stub.persist(t.name(), s, None)
    });
    if let Err(e) = saved {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": e.to_string() })),
        )
            .into_response();
    }
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
