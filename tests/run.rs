//! `oir run` end to end: the runner against the in-process stub (well-behaved and
//! deliberately faulty), against misbehaving systems under test, in English and Danish,
//! sharded, and its exit-code contract.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use oir::report::Writer;
use oir::run::events::{Event, StepStatus, Verdict};
use oir::run::{ExitCode, RunOptions, RunOutcome, run_async};
use oir::stub::StubConfig;
use oir::stub::faults::{Match, Override, Respond};

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/run")
        .join(name)
}

/// Keeps every event of a run.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Event>>>);

impl Writer for Capture {
    fn event(&mut self, e: &Event) -> std::io::Result<()> {
        self.0.lock().unwrap().push(e.clone());
        Ok(())
    }
}

impl Capture {
    fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    /// Final verdict per scenario name.
    fn verdicts(&self) -> BTreeMap<String, Verdict> {
        let mut names = BTreeMap::new();
        let mut out = BTreeMap::new();
        for e in self.events() {
            match e {
                Event::ScenarioStarted { scenario, .. } => {
                    names.insert(scenario.id.clone(), scenario.name.clone());
                }
                Event::ScenarioFinished {
                    scenario_id,
                    verdict,
                    final_attempt: true,
                    ..
                } => {
                    out.insert(names[&scenario_id].clone(), verdict);
                }
                _ => {}
            }
        }
        out
    }

    /// The failed or undefined steps' messages, per scenario name.
    fn failures(&self) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        let mut out = BTreeMap::new();
        for e in self.events() {
            match e {
                Event::ScenarioStarted { scenario, .. } => {
                    names.insert(scenario.id.clone(), scenario.name.clone());
                }
                Event::StepFinished {
                    scenario_id, step, ..
                } if matches!(step.status, StepStatus::Failed | StepStatus::Undefined) => {
                    out.entry(names[&scenario_id].clone())
                        .or_insert(step.message.unwrap_or_default());
                }
                _ => {}
            }
        }
        out
    }

    fn ids(&self) -> BTreeSet<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::ScenarioStarted { scenario, .. } => Some(scenario.id),
                _ => None,
            })
            .collect()
    }
}

async fn run_with(opts: RunOptions) -> (RunOutcome, Capture) {
    let cap = Capture::default();
    let mut opts = opts;
    opts.terminal = false;
    opts.report_dir = None;
    opts.extra_writers
        .push(("capture".into(), Box::new(cap.clone())));
    (run_async(opts).await, cap)
}

fn features(name: &str) -> RunOptions {
    RunOptions {
        features: Some(fixtures(name)),
        ..RunOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_runner_judges_the_stub_and_english_and_danish_agree() {
    let (en, en_cap) = run_with(features("en")).await;
    let (da, da_cap) = run_with(features("da")).await;
    let verdicts = en_cap.verdicts();
    assert_eq!(verdicts.len(), 8, "{verdicts:?}");
    for (name, v) in &verdicts {
        let want = if name.contains("fails on purpose") {
            Verdict::Failed
        } else if name.contains("manual checkpoint") {
            Verdict::AwaitingConfirmation
        } else {
            Verdict::Passed
        };
        assert_eq!(*v, want, "{name}: {:?}", en_cap.failures().get(name));
    }
    assert_eq!(en.exit, ExitCode::Failed);
    assert_eq!(
        en_cap.failures()["This scenario fails on purpose (wrong expected status)"],
        "status: expected 'AFVIST', got 'ACCEPTERET'"
    );
    // Boundary cases are sub-results: counted as cases.
    assert!(en.summary.cases >= 5, "{:?}", en.summary);
    // The same scenarios with Danish keywords: the same verdicts, messages and counts.
    assert_eq!(da_cap.verdicts(), verdicts);
    assert_eq!(da_cap.failures(), en_cap.failures());
    assert_eq!(da.exit, en.exit);
    assert_eq!(
        (da.summary.cases, da.summary.steps),
        (en.summary.cases, en.summary.steps)
    );
    // Scenario info carries integration, level, requirements and language.
    let started: Vec<_> = da_cap
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::ScenarioStarted { scenario, .. } => Some(scenario),
            _ => None,
        })
        .collect();
    assert!(started.iter().all(|s| s.language == "da"
        && s.integration.as_deref() == Some("SF1590_A")
        && s.level.as_deref() == Some("kildeintegration")));
    assert!(
        started
            .iter()
            .any(|s| s.requirements == ["SF1590A-BAL-001"])
    );
    // The exchange of the failing scenario's send step is in its event, request and
    // answer (looked up by scenario: scenarios run concurrently, events interleave).
    let failing = en_cap
        .events()
        .into_iter()
        .find_map(|e| match e {
            Event::ScenarioStarted { scenario, .. }
                if scenario.name.contains("fails on purpose") =>
            {
                Some(scenario.id)
            }
            _ => None,
        })
        .expect("the failing scenario started");
    let exchange = en_cap
        .events()
        .into_iter()
        .find_map(|e| match e {
            Event::StepFinished {
                scenario_id, step, ..
            } if scenario_id == failing && step.text == "the request is sent" => {
                step.exchanges.into_iter().next()
            }
            _ => None,
        })
        .expect("a send step with its exchange");
    assert!(exchange.request.contains("ModtagFinansbilagRequest"));
    assert!(
        exchange
            .response
            .is_some_and(|r| r.contains("ModtagFinansbilagResponse"))
    );
    assert_eq!(exchange.http_status, Some(200));
}

#[tokio::test(flavor = "multi_thread")]
async fn undefined_steps_empty_scenarios_and_unparsable_features_fail() {
    let (out, cap) = run_with(features("broken")).await;
    assert_eq!(out.exit, ExitCode::Failed);
    let f = cap.failures();
    assert!(
        f["An undefined step fails"].starts_with("undefined step"),
        "{f:?}"
    );
    assert!(
        f["A path that selects nothing fails"].contains("no element at 'Finansbilag/Typo'"),
        "{f:?}"
    );
    let v = cap.verdicts();
    assert_eq!(
        v["A scenario without steps fails"],
        Verdict::Failed,
        "{v:?}"
    );
    assert_eq!(out.summary.parse_errors, 1, "{:?}", out.summary);
    assert!(cap.events().iter().any(|e| matches!(e,
        Event::ParseError { path, .. } if path == "unparsable.feature")));
    assert_eq!(out.summary.passed, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_faulty_stub_is_caught_with_a_clear_message_and_the_run_goes_on() {
    let on = |v: &str, r: Respond| {
        Override::new(
            Match::operation("ModtagFinansbilag").with_value("Finansbilag/Bilagstekst", v),
            r,
        )
    };
    let wrong =
        fixtures("../../../schemas/SF1590_A/examples/ModtagFinansbilag.response-afvist.xml");
    let config = StubConfig {
        overrides: vec![
            on(
                "wrong",
                Respond::Template {
                    file: wrong,
                    status: None,
                },
            ),
            on(
                "omit",
                Respond::Omit {
                    element: "Forretningskvittering".into(),
                },
            ),
            on(
                "fault",
                Respond::SoapFault {
                    code: "X-1".into(),
                    text: "down".into(),
                    status: None,
                },
            ),
            on(
                "slow",
                Respond::Delay {
                    ms: 5_000,
                    max_ms: None,
                },
            ),
            on("drop", Respond::Drop),
            on(
                "status503",
                Respond::Status {
                    code: 503,
                    body: None,
                },
            ),
            on("malformed", Respond::Malformed),
            on(
                "nostatus",
                Respond::Omit {
                    element: "ForretningsValideringsKode".into(),
                },
            ),
        ],
        ..StubConfig::default()
    };
    let (out, cap) = run_with(RunOptions {
        stub: Some(config),
        timeout_ms: 1_000,
        ..features("faulty")
    })
    .await;
    let f = cap.failures();
    assert_eq!(cap.verdicts().len(), 8);
    assert_eq!(out.summary.failed, 8, "{f:?}");
    let has = |name: &str, needle: &str| {
        let m = &f[name];
        assert!(m.contains(needle), "{name}: {m}");
    };
    has("wrong", "status: expected 'ACCEPTERET', got 'AFVIST'");
    has("omit", "not valid against the contract");
    has("fault", "SOAP fault");
    has("slow", "no answer within 1000 ms");
    has("drop", "connection");
    has("status503", "HTTP 503");
    has("malformed", "not XML");
    has("nostatus", "ForretningsValideringsKode");
}

#[tokio::test(flavor = "multi_thread")]
async fn shards_split_the_run_and_together_are_the_whole_run() {
    let (_, all) = run_with(RunOptions {
        tags: Some("not @req:SF1590A-BAL-001".into()),
        ..features("en")
    })
    .await;
    let all = all.ids();
    assert_eq!(all.len(), 7);
    let mut union = BTreeSet::new();
    let mut sizes = Vec::new();
    for i in 1..=3 {
        let (_, cap) = run_with(RunOptions {
            tags: Some("not @req:SF1590A-BAL-001".into()),
            shard: Some(format!("{i}/3")),
            ..features("en")
        })
        .await;
        let ids = cap.ids();
        assert!(union.is_disjoint(&ids), "shard {i} overlaps: {ids:?}");
        sizes.push(ids.len());
        union.extend(ids);
    }
    assert_eq!(union, all);
    assert!(sizes.iter().all(|&n| n == 2 || n == 3), "{sizes:?}");
}

/// A system under test that misbehaves at the HTTP level: hangs, resets, garbage, a
/// gigantic answer. Returns its address.
async fn hostile_peer(kind: &'static str) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                // Read the request head (enough to answer; the body is not needed).
                let _ = s.read(&mut buf).await;
                match kind {
                    "hang" => {
                        // Holds the connection until the client gives up.
                        let _ = s.read(&mut buf).await;
                    }
                    "reset" => drop(s),
                    "garbage" => {
                        let _ = s
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: 9\r\n\r\nnot xml!!")
                            .await;
                    }
                    "huge" => {
                        let _ = s
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\n\r\n")
                            .await;
                        let chunk = format!("{:x}\r\n{}\r\n", 65536, "x".repeat(65536));
                        // 1 GiB at most; the client stops long before.
                        for _ in 0..16_384 {
                            if s.write_all(chunk.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                    _ => {}
                }
            });
        }
    });
    addr
}

fn env_file(dir: &Path, addr: std::net::SocketAddr, extra: &str) -> PathBuf {
    let p = dir.join(format!("env-{}.yaml", addr.port()));
    let mut f = std::fs::File::create(&p).unwrap();
    writeln!(
        f,
        "name: hostile\nbase_url: http://{addr}\ntimeout_ms: 1500\nmax_response_bytes: 1048576\n{extra}"
    )
    .unwrap();
    p
}

#[tokio::test(flavor = "multi_thread")]
async fn a_misbehaving_system_under_test_fails_scenarios_clearly_within_limits() {
    let dir = std::env::temp_dir().join(format!("oir-run-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (kind, needle) in [
        ("hang", "no answer within 1500 ms"),
        ("reset", "connection"),
        ("garbage", "not XML"),
        ("huge", "larger than the limit of 1048576 bytes"),
    ] {
        let addr = hostile_peer(kind).await;
        let env = env_file(&dir, addr, "");
        let started = std::time::Instant::now();
        let (out, cap) = run_with(RunOptions {
            env: Some(env.display().to_string()),
            name: Some("fails on purpose".into()),
            ..features("en")
        })
        .await;
        assert_eq!(out.exit, ExitCode::Failed, "{kind}: {:?}", out.error);
        let f = cap.failures();
        let m = f.values().next().unwrap();
        assert!(m.contains(needle), "{kind}: {m}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{kind} took {:?}",
            started.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exit_codes_are_a_contract() {
    use common::oir;
    let en = fixtures("en").display().to_string();
    let broken = fixtures("broken").display().to_string();
    // 4: nothing matched the filter.
    let (code, _, err) = oir(&[
        "run",
        "--features",
        &en,
        "--tags",
        "@nothing-has-this",
        "--report-dir",
        "/tmp/oir-none",
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("no scenario"), "{err}");
    // 2: a bad tag expression, a bad shard, a missing features folder, a bad environment.
    for args in [
        vec!["run", "--features", &en, "--tags", "@a and"],
        vec!["run", "--features", &en, "--shard", "0/2"],
        vec!["run", "--features", "/nonexistent/features"],
        vec!["run", "--features", &en, "--env", "/nonexistent/env.yaml"],
    ] {
        let (code, _, err) = oir(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("oir run:"), "{err}");
    }
    // 3: nothing listens at the environment's address.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = std::env::temp_dir().join(format!("oir-run-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let env = dir.join("down.yaml");
    std::fs::write(
        &env,
        format!("base_url: http://127.0.0.1:{port}\ntimeout_ms: 500\n"),
    )
    .unwrap();
    let (code, _, err) = oir(&[
        "run",
        "--features",
        &en,
        "--env",
        &env.display().to_string(),
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("cannot be reached"), "{err}");
    // An unknown key in the environment names it (2).
    std::fs::write(&env, "base_url: http://127.0.0.1:1\ntimeuot_ms: 5\n").unwrap();
    let (code, _, err) = oir(&[
        "run",
        "--features",
        &en,
        "--env",
        &env.display().to_string(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("timeuot_ms") && err.contains("down.yaml"),
        "{err}"
    );
    // 1: failures; lint finds the same problems without running.
    let (code, _, _) = oir(&[
        "run",
        "--features",
        &broken,
        "--report-dir",
        &dir.display().to_string(),
    ]);
    assert_eq!(code, 1);
    let (code, out, _) = oir(&["lint", "--features", &broken]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("broken.feature:5: undefined step"), "{out}");
    assert!(out.contains("has no steps"), "{out}");
    assert!(out.contains("unparsable.feature"), "{out}");
    let (code, out, _) = oir(&["lint", "--features", &en]);
    assert_eq!(code, 0, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The built-in stub behind TLS that requires client certificates: the runner reaches it
/// with a PEM identity and with a PKCS#12 identity (password from an environment
/// variable), and without an identity the scenario fails naming the refusal.
#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_against_the_stub_with_pem_and_pkcs12_identities() {
    let p = common::pki::pki();
    // `oir stub`'s own TLS: HTTPS with client certificates required.
    let running = oir::stub::start(StubConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: Some(oir::stub::StubTls {
            identity: oir::tls::Identity::Pem {
                cert: p.server_cert.clone(),
                key: p.server_key.clone(),
            },
            client_ca: Some(p.client_cas.clone()),
        }),
        ..StubConfig::default()
    })
    .await
    .expect("the stub starts with TLS");
    assert!(running.url().starts_with("https://"), "{}", running.url());
    let addr = running.addr;
    let dir = p.dir.join("run-mtls");
    std::fs::create_dir_all(&dir).unwrap();
    let env = |name: &str, identity: &str| {
        let f = dir.join(format!("{name}.yaml"));
        std::fs::write(
            &f,
            format!(
                "name: mtls-{name}\nbase_url: https://{addr}\nstub_admin: https://{addr}/__admin\ntimeout_ms: 5000\ntls:\n  ca_bundle: {}\n{identity}",
                p.ca.display()
            ),
        )
        .unwrap();
        f
    };
    let pem = env(
        "pem",
        &format!(
            "  client_pem: {{ cert: {}, key: {} }}\n",
            p.client_cert.display(),
            p.client_key.display()
        ),
    );
    let p12 = env(
        "p12",
        &format!(
            "  client_pkcs12: {{ file: {}, password_env: OIR_RUN_TEST_P12 }}\n",
            p.client_p12.display()
        ),
    );
    let none = env("none", "");
    let run = |env: PathBuf| {
        let features = fixtures("en");
        let reports = dir.join(format!(
            "reports-{}",
            env.file_stem().unwrap().to_string_lossy()
        ));
        async move {
            let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oir"))
                .args(["run", "--features"])
                .arg(&features)
                .args(["--name", "accepted and booked", "--env"])
                .arg(&env)
                .arg("--report-dir")
                .arg(&reports)
                .env("OIR_RUN_TEST_P12", common::pki::P12_PASSWORD)
                .output()
                .await
                .expect("oir runs");
            (
                out.status.code().unwrap_or(-1),
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ),
            )
        }
    };
    let (code, out) = run(pem).await;
    assert_eq!(code, 0, "PEM identity: {out}");
    let (code, out) = run(p12).await;
    assert_eq!(code, 0, "PKCS#12 identity: {out}");
    let (code, out) = run(none).await;
    assert_eq!(code, 1, "no identity must fail: {out}");
    assert!(out.contains("certificate"), "the refusal is named: {out}");
    running.shutdown().await.unwrap();
}
