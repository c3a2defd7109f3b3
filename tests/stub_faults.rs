//! Fault injection, misbehaviour overrides, tenants and CPR masking of the stub: from the
//! configuration (`StubConfig::overrides`) and through the admin API, in-process — and the
//! connection drop over a real loopback socket.

mod stub_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use oir::stub::faults::{Match, Override, Respond};
use oir::stub::{StubConfig, app};
use serde_json::json;
use stub_support::*;

fn with(overrides: Vec<Override>) -> StubConfig {
    StubConfig {
        overrides,
        ..config(vec![pack("SF1590_A")])
    }
}

#[tokio::test]
async fn http_5xx_soap_fault_malformed_and_template_answers_count_down() {
    let dir = temp_dir("stub-faults-template");
    let canned = dir.join("canned.xml");
    std::fs::write(&canned, "<canned>svar fra fil</canned>").unwrap();
    let mf = || Match::operation("ModtagFinansbilag");
    let stub = load(with(vec![
        Override::new(
            mf(),
            Respond::Status {
                code: 503,
                body: None,
            },
        )
        .times(1),
        Override::new(
            mf(),
            Respond::SoapFault {
                code: "ERP-NEDE".into(),
                text: "Bogføringssystemet er lukket".into(),
                status: None,
            },
        )
        .times(1),
        Override::new(mf(), Respond::Malformed).times(1),
        Override::new(
            mf(),
            Respond::Template {
                file: canned.clone(),
                status: Some(202),
            },
        )
        .named("canned")
        .times(1),
    ]));
    let app = app(Arc::clone(&stub));
    let call = || post(&app, MF_PATH, Some(MF_ACTION), mf_request());

    let a = call().await;
    assert_eq!(a.status, 503, "{}", a.body);
    assert_eq!(a.header("x-oir-outcome"), Some("injected"));

    let a = call().await;
    assert_eq!(a.status, 500);
    assert!(a.body.contains("ERP-NEDE") && a.body.contains("Bogføringssystemet er lukket"));
    assert!(
        oir::xml::tree::parse(a.body.as_bytes()).is_ok(),
        "{}",
        a.body
    );
    assert_eq!(a.header("x-oir-fault"), Some("ERP-NEDE"));

    let a = call().await;
    assert_eq!(a.status, 200);
    assert!(
        oir::xml::tree::parse(a.body.as_bytes()).is_err(),
        "{}",
        a.body
    );

    let a = call().await;
    assert_eq!(a.status, 202);
    assert_eq!(a.body, "<canned>svar fra fil</canned>");
    assert_eq!(a.header("x-oir-override"), Some("canned"));

    // Every override has fired its one time: the normal answer again, and the voucher is
    // booked once (the injected answers did not process the message).
    let a = call().await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let ledger = admin_json(&app, "/__admin/ledger", None).await;
    assert_eq!(ledger["bilag"].as_array().unwrap().len(), 1);
    let faults = admin_json(&app, "/__admin/faults", None).await;
    let fired: Vec<u64> = faults["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fired"].as_u64().unwrap())
        .collect();
    assert_eq!(fired, [1, 1, 1, 1]);
    assert_eq!(faults["faults"][0]["source"], "config");
    let journal = admin_json(&app, "/__admin/journal", None).await;
    let outcomes: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["injected", "injected", "injected", "injected", "accepted"]
    );
    assert!(
        journal["entries"][0]["effects"][0]
            .as_str()
            .unwrap()
            .contains("HTTP 503")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_delay_then_the_normal_answer_and_a_match_on_an_element_value() {
    let stub = load(with(vec![
        Override::new(
            Match::operation("ModtagFinansbilag").with_value(
                "Finansbilag/Bilagstekst",
                "Udbetaling af sygedagpenge uge 9",
            ),
            Respond::Delay {
                ms: 150,
                max_ms: None,
            },
        ),
        // Another value: never matches this request.
        Override::new(
            Match::operation("ModtagFinansbilag").with_value("Finansbilag/Bilagstekst", "x"),
            Respond::Drop,
        ),
    ]));
    let app = app(Arc::clone(&stub));
    let t0 = Instant::now();
    let a = post(&app, MF_PATH, Some(MF_ACTION), mf_request()).await;
    assert!(
        t0.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t0.elapsed()
    );
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let faults = admin_json(&app, "/__admin/faults", None).await;
    assert_eq!(faults["faults"][0]["fired"], 1);
    assert_eq!(faults["faults"][1]["matched"], 0);
    // A random delay stays within its bounds and is seeded.
    let o = Override::new(
        Match::any(),
        Respond::Delay {
            ms: 5,
            max_ms: Some(40),
        },
    );
    let f = oir::stub::faults::Faults::new(3, &[o]);
    let p = oir::xml::tree::parse(b"<a/>").unwrap();
    let d: Vec<Duration> = (0..10)
        .map(|_| f.decide("", "Op", &p).delay.unwrap())
        .collect();
    assert!(d.iter().all(|x| (5..=40).contains(&x.as_millis())), "{d:?}");
    assert!(d.iter().any(|x| *x != d[0]), "{d:?}");
}

#[tokio::test]
async fn probability_is_seeded_so_runs_repeat() {
    let run = |seed: u64| async move {
        let mut c = with(vec![
            Override::new(
                Match::operation("ModtagFinansbilag"),
                Respond::Status {
                    code: 500,
                    body: None,
                },
            )
            .probability(0.5),
        ]);
        c.seed = seed;
        let app = app(load(c));
        let mut statuses = Vec::new();
        for _ in 0..16 {
            statuses.push(
                post(&app, MF_PATH, Some(MF_ACTION), mf_request())
                    .await
                    .status,
            );
        }
        statuses
    };
    let a = run(11).await;
    assert_eq!(a, run(11).await);
    let failed = a.iter().filter(|s| **s == 500).count();
    assert!((2..=14).contains(&failed), "{a:?}");
    assert!(a.iter().all(|s| *s == 500 || *s == 200), "{a:?}");
}

#[tokio::test]
async fn the_admin_api_adds_lists_and_clears_overrides_per_tenant() {
    let stub = load(config(vec![pack("SF1590_A")]));
    let app = app(Arc::clone(&stub));
    // Added with a tenant header: only that tenant's requests meet it.
    let a = admin(
        &app,
        "POST",
        "/__admin/faults",
        Some("a"),
        Some(json!({"match": {"operation": "ModtagFinansbilag"}, "respond": {"status": {"code": 502}}})),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.json()["added"], json!([1]));
    let b = post_as(&app, Some("b"), MF_PATH, Some(MF_ACTION), mf_request()).await;
    assert_eq!(b.status, 200);
    let a1 = post_as(&app, Some("a"), MF_PATH, Some(MF_ACTION), mf_request()).await;
    assert_eq!(a1.status, 502);
    // A list, global (no tenant named).
    let a = admin(
        &app,
        "POST",
        "/__admin/faults",
        None,
        Some(json!([{"name": "slow", "respond": {"delay": {"ms": 1}}}, {"respond": "skip_callbacks", "times": 2}])),
    )
    .await;
    assert_eq!(a.json()["added"], json!([2, 3]));
    let for_b = admin_json(&app, "/__admin/faults?tenant=b", None).await;
    assert_eq!(for_b["faults"].as_array().unwrap().len(), 2, "{for_b}");
    let all = admin_json(&app, "/__admin/faults", None).await;
    assert_eq!(all["faults"].as_array().unwrap().len(), 3);
    assert_eq!(all["faults"][0]["tenant"], "a");
    assert_eq!(all["faults"][0]["respond"]["status"]["code"], 502);
    assert_eq!(all["faults"][0]["fired"], 1);
    // Bad input is refused with the reason.
    let bad = admin(
        &app,
        "POST",
        "/__admin/faults",
        None,
        Some(json!({"respond": {"explode": {}}})),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let bad = admin(
        &app,
        "POST",
        "/__admin/faults",
        None,
        Some(json!({"respond": "drop", "probability": 1.5})),
    )
    .await;
    assert_eq!(bad.status, 422);
    // Tenant a clears its own; no tenant clears the rest.
    let cleared = admin(&app, "DELETE", "/__admin/faults", Some("a"), None).await;
    assert_eq!(cleared.json()["removed"], 1);
    let removed = admin(&app, "DELETE", "/__admin/faults/2", None, None).await;
    assert_eq!(removed.status, 200);
    let cleared = admin(&app, "DELETE", "/__admin/faults", None, None).await;
    assert_eq!(cleared.json()["removed"], 1);
    let a2 = post_as(&app, Some("a"), MF_PATH, Some(MF_ACTION), mf_request()).await;
    assert_eq!(a2.status, 200);
}

#[tokio::test]
async fn misbehaviours_accept_omit_replace_and_book_elsewhere() {
    let unbalanced =
        std::fs::read_to_string(pack("SF1590_A").join("rule-examples/SF1590A-BAL-001.xml"))
            .unwrap();
    let stub = load(config(vec![pack("SF1590_A")]));
    let app = app(Arc::clone(&stub));
    let svc = stub.catalog.service_at(MF_PATH).unwrap();

    // Normally rejected; "accept" lets it through and books it.
    let a = post_as(
        &app,
        Some("honest"),
        MF_PATH,
        Some(MF_ACTION),
        unbalanced.clone(),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("rejected"));
    stub.faults.add(
        Override::new(Match::operation("ModtagFinansbilag"), Respond::Accept).for_tenant("lax"),
        "admin",
    );
    let a = post_as(
        &app,
        Some("lax"),
        MF_PATH,
        Some(MF_ACTION),
        unbalanced.clone(),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let ledger = admin_json(&app, "/__admin/ledger", Some("lax")).await;
    assert_ne!(ledger["netto"], "0.00", "{ledger}");

    // A fault/rule code replaced, and an element left out of the answer.
    stub.faults.add(
        Override::new(
            Match::any(),
            Respond::ReplaceCode {
                from: "OIR-A-001".into(),
                to: "OIR-A-999".into(),
            },
        )
        .for_tenant("codes"),
        "admin",
    );
    let a = post_as(&app, Some("codes"), MF_PATH, Some(MF_ACTION), unbalanced).await;
    assert!(
        a.body.contains(">OIR-A-999<") && !a.body.contains(">OIR-A-001<"),
        "{}",
        a.body
    );
    stub.faults.add(
        Override::new(
            Match::any(),
            Respond::Omit {
                element: "RelateretBeskedUUID".into(),
            },
        )
        .for_tenant("omit"),
        "admin",
    );
    let a = post_as(&app, Some("omit"), MF_PATH, Some(MF_ACTION), mf_request()).await;
    assert_eq!(a.status, 200);
    assert!(!a.body.contains("RelateretBeskedUUID"), "{}", a.body);
    assert!(a.body.contains("ACCEPTERET"));
    let (val, _) = svc.contract.schemas.validate_soap(a.body.as_bytes());
    assert!(!val.is_valid(), "the omitted element is required");
    assert_eq!(a.header("x-oir-answer-valid"), Some("false"));

    // Booked on another account than the omsætningstabel says.
    stub.faults.add(
        Override::new(
            Match::operation("ModtagFinansbilag"),
            Respond::BookOn {
                account: "99999999".into(),
            },
        )
        .for_tenant("elsewhere"),
        "admin",
    );
    let a = post_as(
        &app,
        Some("elsewhere"),
        MF_PATH,
        Some(MF_ACTION),
        mf_request(),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"));
    let ledger = admin_json(&app, "/__admin/ledger", Some("elsewhere")).await;
    let konti = ledger["konti"].as_array().unwrap();
    assert_eq!(konti.len(), 1, "{ledger}");
    assert_eq!(konti[0]["konto"], "99999999");
    assert_eq!(konti[0]["saldo"], "0.00");
    assert_eq!(konti[0]["posteringer"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn tenants_do_not_see_each_others_state_or_journal() {
    let stub = load(config(vec![pack("SF1590_A")]));
    let app = app(Arc::clone(&stub));
    let a = post_as(
        &app,
        Some("scenarie-1"),
        MF_PATH,
        Some(MF_ACTION),
        mf_request(),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"));
    // The same message in another tenant is new there, not a resend.
    let b = post_as(
        &app,
        Some("scenarie-2"),
        MF_PATH,
        Some(MF_ACTION),
        mf_request(),
    )
    .await;
    assert_eq!(b.header("x-oir-outcome"), Some("accepted"));
    let again = post_as(
        &app,
        Some("scenarie-1"),
        MF_PATH,
        Some(MF_ACTION),
        mf_request(),
    )
    .await;
    assert_eq!(again.header("x-oir-outcome"), Some("resend"));

    let l1 = admin_json(&app, "/__admin/ledger", Some("scenarie-1")).await;
    assert_eq!(l1["bilag"].as_array().unwrap().len(), 1);
    let l0 = admin_json(&app, "/__admin/ledger", None).await;
    assert!(l0["bilag"].as_array().unwrap().is_empty(), "{l0}");
    let j1 = admin_json(&app, "/__admin/journal?tenant=scenarie-1", None).await;
    assert_eq!(j1["entries"].as_array().unwrap().len(), 2);
    let j0 = admin_json(&app, "/__admin/journal", None).await;
    assert!(j0["entries"].as_array().unwrap().is_empty());
    let tenants = admin_json(&app, "/__admin/tenants", None).await;
    let names: Vec<&str> = tenants["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tenant"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["", "scenarie-1", "scenarie-2"]);
    // Reset is per tenant too.
    let r = admin(&app, "POST", "/__admin/reset", Some("scenarie-1"), None).await;
    assert_eq!(r.status, 200);
    let l1 = admin_json(&app, "/__admin/ledger", Some("scenarie-1")).await;
    assert!(l1["bilag"].as_array().unwrap().is_empty());
    let l2 = admin_json(&app, "/__admin/ledger", Some("scenarie-2")).await;
    assert_eq!(l2["bilag"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn cpr_numbers_are_masked_in_the_journal_unless_configured_off() {
    let reg = example("SF1590_B_01", "OpretDebitorkonto.request.xml");
    assert!(reg.contains("0101700000"));
    for unmasked in [false, true] {
        let c = StubConfig {
            unmasked_journal: unmasked,
            ..config(vec![pack("SF1590_B_01")])
        };
        let app = app(load(c));
        let a = post(&app, REG_PATH, None, reg.clone()).await;
        assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
        let seq = a.header("x-oir-journal").unwrap().to_string();
        let e = admin_json(&app, &format!("/__admin/journal/{seq}"), None).await;
        let request = e["request"].as_str().unwrap();
        if unmasked {
            assert!(request.contains("<deb:CPRNummer>0101700000<"), "{request}");
        } else {
            assert!(!request.contains("0101700000"), "{request}");
            assert!(request.contains("<deb:CPRNummer>010170-****<"), "{request}");
        }
    }
}

/// The connection drop over a real socket: the client sees the connection end without a
/// single byte of answer, and the stub serves the next call.
#[tokio::test]
async fn a_dropped_connection_ends_without_an_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut c = with(vec![
        Override::new(Match::operation("ModtagFinansbilag"), Respond::Drop).times(1),
    ]);
    c.listen = "127.0.0.1:0".parse().unwrap();
    let running = oir::stub::start(c).await.expect("starts");
    let body = mf_request();
    let raw = format!(
        "POST {MF_PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"{MF_ACTION}\"\r\nContent-Length: {}\r\n\r\n{body}",
        running.addr,
        body.len()
    );
    let mut sock = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    sock.write_all(raw.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), sock.read_to_end(&mut got))
        .await
        .expect("the stub closes the connection");
    // Closed (EOF) or reset: either way, no answer at all.
    assert!(got.is_empty(), "got {:?}", String::from_utf8_lossy(&got));
    if let Err(e) = read {
        eprintln!("connection ended with {e}");
    }
    // The next call is answered normally.
    let mut sock = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    let raw = raw.replace("Host:", "Connection: close\r\nHost:");
    sock.write_all(raw.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), sock.read_to_end(&mut got))
        .await
        .expect("answered")
        .expect("read");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let journal = running.stub.with_state(|s| {
        s.journal
            .iter()
            .map(|e| e.outcome.as_str())
            .collect::<Vec<_>>()
    });
    assert_eq!(journal, ["injected", "accepted"]);
    running.shutdown().await.expect("stops");
}
