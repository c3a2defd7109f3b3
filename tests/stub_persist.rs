//! `oir stub --state FILE`: an acknowledged write survives `kill -9`. The real binary is
//! started on a free loopback port (it prints its base URL as the first stdout line), a
//! valid ModtagFinansbilag is answered, the process is killed with SIGKILL, and a new
//! process on the same file shows the posting in the ledger and knows the message ID.
//! In-process: past the state window the file holds no more than the window, and a
//! restart reads back the state the stub had.

mod stub_support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use stub_support::*;

struct Running {
    child: Child,
    url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Child::kill is SIGKILL on unix: no chance to flush anything.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(state: &std::path::Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oir"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "stub",
            "--listen",
            "127.0.0.1:0",
            "--today",
            "2025-06-30",
            "--state",
        ])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("oir starts");
    // The first stdout line is the base URL; it comes once the stub listens (or never,
    // when it fails: then the read ends at EOF).
    let out = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(out).read_line(&mut line).expect("read");
    let url = line.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "first line: {line:?}");
    Running { child, url }
}

async fn call(client: &reqwest::Client, url: &str, body: String) -> (u16, String, String) {
    let r = client
        .post(format!("{url}{MF_PATH}"))
        .header("content-type", "text/xml; charset=utf-8")
        .header("soapaction", format!("\"{MF_ACTION}\""))
        .header("x-oir-tenant", "persist")
        .timeout(Duration::from_secs(60))
        .body(body)
        .send()
        .await
        .expect("answer");
    let status = r.status().as_u16();
    let outcome = r
        .headers()
        .get("x-oir-outcome")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, outcome, r.text().await.unwrap())
}

async fn ledger(client: &reqwest::Client, url: &str) -> serde_json::Value {
    client
        .get(format!("{url}/__admin/ledger?tenant=persist"))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .expect("admin")
        .text()
        .await
        .map(|t| serde_json::from_str(&t).expect("json"))
        .expect("body")
}

#[tokio::test]
async fn an_acknowledged_write_survives_kill_9_and_restart() {
    let dir = temp_dir("stub-persist");
    let file = dir.join("state.db");
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let first = start(&file);
    let (status, outcome, answer) = call(&client, &first.url, mf_request()).await;
    assert_eq!((status, outcome.as_str()), (200, "accepted"), "{answer}");
    // kill -9 right after the answer: nothing else runs in the stub.
    drop(first);

    let second = start(&file);
    let l = ledger(&client, &second.url).await;
    assert_eq!(l["bilag"].as_array().unwrap().len(), 1, "{l}");
    assert_eq!(
        l["bilag"][0]["bilag"], "fb000000-0000-4000-8000-000000000001",
        "{l}"
    );
    assert_eq!(l["konti"].as_array().unwrap().len(), 2, "{l}");
    assert_eq!(l["netto"], "0.00");
    // The same message again is recognised: the first answer, unchanged.
    let (status, outcome, again) = call(&client, &second.url, mf_request()).await;
    assert_eq!((status, outcome.as_str()), (200, "resend"), "{again}");
    assert_eq!(again, answer);
    // The same ID with other content is a duplicate (OIR-I-001), also after the restart.
    let changed = mf_request()
        .replace(
            "<fin:Beloeb>1250.00</fin:Beloeb>",
            "<fin:Beloeb>1300.00</fin:Beloeb>",
        )
        .replace(
            "<fin:Beloeb>-1250.00</fin:Beloeb>",
            "<fin:Beloeb>-1300.00</fin:Beloeb>",
        );
    let (_, outcome, body) = call(&client, &second.url, changed).await;
    assert_eq!(outcome, "rejected", "{body}");
    assert!(body.contains("OIR-I-001"), "{body}");
    // Other tenants start empty.
    let other: serde_json::Value = serde_json::from_str(
        &client
            .get(format!("{}/__admin/ledger", second.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(other["bilag"].as_array().unwrap().is_empty(), "{other}");
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The example with its IDs made unique for message `n` (as benches/stub_pipeline.rs).
fn variant(n: u64) -> Vec<u8> {
    let mut s = mf_request();
    for (i, id) in [
        "ae000000-0000-4000-8000-000000000001",
        "fb000000-0000-4000-8000-000000000001",
        "fc000000-0000-4000-8000-000000000001",
        "fc000000-0000-4000-8000-000000000002",
    ]
    .iter()
    .enumerate()
    {
        s = s.replace(
            id,
            &format!("{}0000be-0000-4000-{:04x}-{n:012x}", &id[..2], 0x8000 + i),
        );
    }
    s.into_bytes()
}

fn handle(stub: &oir::stub::Stub, body: Vec<u8>) -> String {
    handle_at(stub, MF_PATH, Some(MF_ACTION), body).0
}

/// The outcome header and the answer of one request through the pipeline.
fn handle_at(
    stub: &oir::stub::Stub,
    path: &str,
    action: Option<&str>,
    body: Vec<u8>,
) -> (String, String) {
    let o = oir::stub::pipeline::handle(
        stub,
        oir::stub::pipeline::Incoming {
            method: "POST".into(),
            path: path.into(),
            content_type: Some("text/xml; charset=utf-8".into()),
            soap_action: action.map(|a| format!("\"{a}\"")),
            body,
            oversized: None,
            tenant: String::new(),
        },
    );
    let outcome = o
        .headers
        .iter()
        .find(|(k, _)| k == "x-oir-outcome")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    (outcome, String::from_utf8_lossy(&o.body).into_owned())
}

/// SF1590_E: a payment request accepted before a restart is still there to report on.
#[test]
fn a_payment_request_survives_a_restart_and_its_business_answer_reports_on_it() {
    let dir = temp_dir("stub-persist-nks");
    let file = dir.join("state.db");
    let config = || oir::stub::StubConfig {
        state_file: Some(file.clone()),
        today: oir::oir::date::Date::new(2025, 6, 30),
        ..oir::stub::StubConfig::default()
    };
    let send = example("SF1590_E", "AfsendBetalingsanmodning.request.xml");
    let first = oir::stub::Stub::load(config()).expect("stub loads");
    let (outcome, body) = handle_at(
        &first,
        "/service/OIR/NKSBetalingsanmodningAfsend/1",
        None,
        send.into_bytes(),
    );
    assert_eq!(outcome, "accepted", "{body}");
    drop(first);

    let second = oir::stub::Stub::load(config()).expect("the state loads");
    let ask = example("SF1590_E", "HentForretningssvar.request.xml");
    let (outcome, body) = handle_at(
        &second,
        "/service/OIR/NKSForretningssvarHent/1",
        None,
        ask.into_bytes(),
    );
    assert_eq!(outcome, "accepted", "{body}");
    // After its due date the NemKonto payment is paid; bank 9999 still does not exist.
    let statuses: Vec<&str> = body
        .split("<udb:Transaktionsstatus>")
        .skip(1)
        .filter_map(|t| t.split('<').next())
        .collect();
    assert_eq!(statuses, ["GENNEMFOERT", "AFVIST"], "{body}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a restart must see again, comparable.
fn kept(stub: &oir::stub::Stub) -> serde_json::Value {
    stub.with_state(|s| {
        let ledger: Vec<serde_json::Value> = s
            .ledger
            .iter()
            .map(|(k, a)| {
                serde_json::json!([
                    k,
                    a.title,
                    a.balance.to_string(),
                    a.postings_total,
                    a.postings
                ])
            })
            .collect();
        let answers: Vec<(&String, &[u8])> = s
            .answer_order
            .iter()
            .map(|k| (k, s.answers[k].body.as_slice()))
            .collect();
        serde_json::json!({
            "ledger": ledger,
            "vouchers": s.vouchers,
            "totals": [s.vouchers_total, s.next_seq],
            "answers": answers,
            "ids": s.ctx.seen.entries(),
        })
    })
}

#[test]
fn past_the_window_the_file_holds_the_window_and_a_restart_reads_back_the_same_state() {
    let dir = temp_dir("stub-persist-window");
    let file = dir.join("state.db");
    let window = 8;
    let config = || oir::stub::StubConfig {
        state_file: Some(file.clone()),
        state_window: window,
        today: oir::oir::date::Date::new(2025, 6, 30),
        ..oir::stub::StubConfig::default()
    };
    let first = oir::stub::Stub::load(config()).expect("stub loads");
    let n = 40;
    for i in 0..n {
        assert_eq!(handle(&first, variant(i)), "accepted", "message {i}");
    }
    let before = kept(&first);
    drop(first);

    let db = rusqlite::Connection::open(&file).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM answers"), window as i64);
    let longest = count("SELECT max(n) FROM (SELECT count(*) AS n FROM list_rows GROUP BY list)");
    assert!(
        longest <= (window + window / 8) as i64,
        "a list of {longest} rows"
    );
    // Vouchers, IDs and two ledger accounts' postings: every list was cut.
    assert!(count("SELECT count(DISTINCT list) FROM list_rows") >= 4);
    drop(db);

    let second = oir::stub::Stub::load(config()).expect("the state loads");
    assert_eq!(kept(&second), before);
    // The newest message is remembered; the oldest, beyond the window, is not.
    assert_eq!(handle(&second, variant(n - 1)), "resend");
    assert_eq!(handle(&second, variant(0)), "accepted");
    let _ = std::fs::remove_dir_all(&dir);
}
