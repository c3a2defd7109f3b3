//! `oir stub --state FILE`: an acknowledged write survives `kill -9`. The real binary is
//! started on a free loopback port (it prints its base URL as the first stdout line), a
//! valid ModtagFinansbilag is answered, the process is killed with SIGKILL, and a new
//! process on the same file shows the posting in the ledger and knows the message ID.

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
