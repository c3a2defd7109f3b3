//! Callbacks: a payment that covers delfordringer makes the stub call the fagsystem's
//! DaekningAfskrivningRegistreringAfsend — received by a second stub that judges it like
//! any request —, retries against a receiver that fails twice, gives up after its retries,
//! and a misbehaviour switch suppresses it. Invoices asking for approval and debitorkonto
//! requests get their schema-valid answers built too.

mod stub_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use oir::stub::faults::{Match, Override, Respond};
use oir::stub::{StubConfig, app};
use serde_json::Value;
use stub_support::*;

const COVERAGE_PATH: &str = "/service/OIR/DaekningAfskrivningRegistreringAfsend/1";

/// What a receiver got: (SOAPAction, body) per call.
type Received = Arc<Mutex<Vec<(Option<String>, String)>>>;

/// A receiver on a loopback port that answers `fail_first` calls with 500, then 200.
struct Receiver {
    url: String,
    calls: Arc<AtomicUsize>,
    bodies: Received,
    _task: tokio::task::JoinHandle<()>,
}

async fn receiver(fail_first: usize) -> Receiver {
    let calls = Arc::new(AtomicUsize::new(0));
    let bodies: Received = Arc::new(Mutex::new(Vec::new()));
    let (c, b) = (Arc::clone(&calls), Arc::clone(&bodies));
    let router = Router::new().fallback(move |headers: axum::http::HeaderMap, body: String| {
        let (c, b) = (Arc::clone(&c), Arc::clone(&b));
        async move {
            let n = c.fetch_add(1, Ordering::SeqCst);
            let action = headers
                .get("soapaction")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            b.lock().unwrap().push((action, body));
            if n < fail_first {
                (StatusCode::INTERNAL_SERVER_ERROR, "not yet")
            } else {
                (StatusCode::OK, "ok")
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Receiver {
        url,
        calls,
        bodies,
        _task: task,
    }
}

fn debitor(callbacks: &[(&str, String)]) -> StubConfig {
    StubConfig {
        callbacks: callbacks
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        callback_backoff_ms: 10,
        ..config(vec![pack("SF1590_B_01")])
    }
}

/// Register the example debitorkonto and pay on it (as `tenant`).
async fn register_and_pay(app: &Router, tenant: &str) {
    let a = post_as(
        app,
        Some(tenant),
        REG_PATH,
        None,
        example("SF1590_B_01", "OpretDebitorkonto.request.xml"),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let a = post_as(
        app,
        Some(tenant),
        PAY_PATH,
        None,
        example("SF1590_B_01", "ForetagIndbetaling.request.xml"),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
}

/// The tenant's callback records once none is pending (bounded wait).
async fn settled(app: &Router, tenant: &str) -> Vec<Value> {
    let app = app.clone();
    eventually(Duration::from_secs(30), || {
        let app = app.clone();
        async move {
            let v = admin_json(&app, "/__admin/callbacks", Some(tenant)).await;
            let list = v["callbacks"].as_array().cloned().unwrap_or_default();
            (!list.is_empty() && list.iter().all(|c| c["status"] != "pending")).then_some(list)
        }
    })
    .await
    .expect("callbacks settle within 30 s")
}

#[tokio::test]
async fn a_payment_calls_the_fagsystem_back_and_a_second_stub_accepts_it() {
    // The receiving side: another stub playing the fagsystem.
    let mut fagsystem = config(vec![pack("SF1590_B_01")]);
    fagsystem.listen = "127.0.0.1:0".parse().unwrap();
    let receiving = oir::stub::start(fagsystem).await.expect("receiver starts");
    let target = format!("{}{COVERAGE_PATH}", receiving.url());
    let stub = load(debitor(&[("RegistrerDaekningAfskrivning", target.clone())]));
    let app = app(Arc::clone(&stub));
    register_and_pay(&app, "cb").await;

    let list = settled(&app, "cb").await;
    assert_eq!(list.len(), 1, "{list:?}");
    let cb = &list[0];
    assert_eq!(cb["status"], "delivered", "{cb}");
    assert_eq!(cb["operation"], "RegistrerDaekningAfskrivning");
    assert_eq!(cb["trigger_operation"], "ForetagIndbetaling");
    assert_eq!(cb["target"], target.as_str());
    assert_eq!(cb["request_valid"], true, "{cb}");
    assert_eq!(cb["attempts"].as_array().unwrap().len(), 1);
    let request = cb["request"].as_str().unwrap();
    // Values from the state: the covered delfordring, its fordring and account, the amount.
    assert!(request.contains("<deb:DelfordringUUID>d0000000-0000-4000-8000-000000000001<"));
    assert!(request.contains("<deb:Beloeb>1200.00<"), "{request}");
    assert!(request.contains("<deb:RestBeloeb>3000.00<"), "{request}");
    assert!(request.contains("<deb:Haendelsestype>DAEKNING<"));

    // The callback is journaled as outbound with its outcome.
    let journal = admin_json(&app, "/__admin/journal", Some("cb")).await;
    let out: Vec<&Value> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["direction"] == "outbound")
        .collect();
    assert_eq!(out.len(), 1, "{journal}");
    assert_eq!(out[0]["outcome"], "delivered");
    assert_eq!(out[0]["status"], 200);
    assert_eq!(cb["journal"], out[0]["seq"]);

    // The receiving stub judged it (same tenant) and accepted it.
    let theirs = receiving.stub.with_tenant("cb", |s| {
        s.journal
            .iter()
            .map(|e| (e.operation.clone(), e.outcome.as_str()))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        theirs,
        [(Some("RegistrerDaekningAfskrivning".to_string()), "accepted")],
        "{theirs:?}"
    );
    receiving.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_failing_receiver_gets_retries_and_an_unreachable_one_is_given_up() {
    let flaky = receiver(2).await;
    let stub = load(debitor(&[(
        "DaekningAfskrivningRegistreringAfsend",
        flaky.url.clone(),
    )]));
    let app = app(Arc::clone(&stub));
    register_and_pay(&app, "retry").await;
    let list = settled(&app, "retry").await;
    let statuses: Vec<&Value> = list[0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert_eq!(statuses, [500, 500, 200], "{list:?}");
    assert_eq!(list[0]["status"], "delivered");
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 3);
    let bodies = flaky.bodies.lock().unwrap().clone();
    assert!(
        bodies.iter().all(|(_, b)| *b == bodies[0].1),
        "the same request each time"
    );
    assert!(
        bodies[0]
            .0
            .as_deref()
            .is_some_and(|a| a.contains("RegistrerDaekningAfskrivning")),
        "{:?}",
        bodies[0].0
    );

    // Nobody listens: every attempt fails, then the stub gives up.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = debitor(&[("*", format!("http://127.0.0.1:{port}/nobody"))]);
    c.callback_retries = 1;
    let app = oir::stub::app(load(c));
    register_and_pay(&app, "gone").await;
    let list = settled(&app, "gone").await;
    assert_eq!(list[0]["status"], "failed", "{list:?}");
    let attempts = list[0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(
        attempts.iter().all(|a| a["error"].is_string()),
        "{attempts:?}"
    );
    let journal = admin_json(&app, "/__admin/journal", Some("gone")).await;
    let last = journal["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["direction"], "outbound");
    assert_eq!(last["outcome"], "undelivered");
}

#[tokio::test]
async fn skip_callbacks_suppresses_the_call_and_without_a_target_none_is_sent() {
    let rx = receiver(0).await;
    let stub = load(debitor(&[("RegistrerDaekningAfskrivning", rx.url.clone())]));
    stub.faults.add(
        Override::new(
            Match::operation("ForetagIndbetaling"),
            Respond::SkipCallbacks,
        )
        .for_tenant("quiet"),
        "admin",
    );
    let app = app(Arc::clone(&stub));
    register_and_pay(&app, "quiet").await;
    // The record is made with the answer; skipped ones are never handed to delivery.
    let v = admin_json(&app, "/__admin/callbacks", Some("quiet")).await;
    assert_eq!(v["callbacks"][0]["status"], "skipped", "{v}");
    assert!(v["callbacks"][0]["attempts"].as_array().unwrap().is_empty());
    // Another tenant, no override: delivered, so the receiver works.
    register_and_pay(&app, "loud").await;
    let list = settled(&app, "loud").await;
    assert_eq!(list[0]["status"], "delivered");
    assert_eq!(
        rx.calls.load(Ordering::SeqCst),
        1,
        "only the loud tenant's call"
    );

    // No target configured: built, validated and listed, not sent.
    let app = oir::stub::app(load(config(vec![pack("SF1590_B_01")])));
    register_and_pay(&app, "").await;
    let v = admin_json(&app, "/__admin/callbacks", None).await;
    assert_eq!(v["callbacks"][0]["status"], "no_target", "{v}");
    assert_eq!(v["callbacks"][0]["request_valid"], true);
}

#[tokio::test]
async fn invoice_approval_and_account_requests_get_valid_answers_built() {
    let stub = load(config(vec![pack("SF1590_B_01"), pack("SF1590_D")]));
    let app = app(Arc::clone(&stub));
    let a = post(
        &app,
        "/service/OIR/FakturaInformationAfsend/1",
        None,
        example("SF1590_D", "AfsendFakturaInformation.request.xml"),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let a = post(
        &app,
        "/service/OIR/DebitorkontoAnmodningAfsend/1",
        None,
        example("SF1590_B_01", "AnmodOmAfskrivning.request.xml"),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let v = admin_json(&app, "/__admin/callbacks", None).await;
    let list = v["callbacks"].as_array().unwrap();
    let ops: Vec<&str> = list
        .iter()
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "AfsendFakturaInformationSvar",
            "RegistrerDebitorkontoAnmodningSvar"
        ]
    );
    for c in list {
        assert_eq!(c["request_valid"], true, "{c}");
        assert_eq!(c["status"], "no_target");
    }
    let svar = list[0]["request"].as_str().unwrap();
    assert!(svar.contains("<fak:FakturaUUID>fa000000-0000-4000-8000-000000000001<"));
    assert!(svar.contains("<fak:Godkendelsesstatus>GODKENDT<"));
}
