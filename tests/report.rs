//! Report writers on a fixed event stream: golden files (snapshots/), the JUnit output
//! against the published Jenkins JUnit schema (tests/junit/junit-10.xsd) with oir's own
//! schema engine, CPR masking across every output, and a run killed with SIGKILL leaving
//! valid reports of the scenarios it finished.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oir::report::model::RunModel;
use oir::report::sample::{self, SAMPLE_CPRS};
use oir::report::{
    self, Fanout, Masked, Render, ReportOptions, Terminal, TerminalChoice, Writer, certify,
    cucumber_json, events_log, html, junit, mask,
};
use oir::run::events::Event;
use oir::schema::SchemaSet;

fn temp_dir(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("oir-report-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn snapshot(name: &str, text: &str) {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.bind(|| insta::assert_snapshot!(name, text));
}

fn masked_events() -> Vec<Event> {
    sample::events()
        .iter()
        .map(|e| mask::mask_event(e).into_owned())
        .collect()
}

fn model() -> RunModel {
    RunModel::from_events(&masked_events())
}

/// A `Write` the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// The HTML report without its static CSS and script (they are source files of their own);
/// the golden file holds what is generated from the events.
fn html_generated_part(h: &str) -> String {
    let css0 = h.find("<style>").unwrap() + "<style>".len();
    let css1 = h.find("</style>").unwrap();
    let js0 = h.rfind("<script>").unwrap() + "<script>".len();
    let js1 = h.rfind("</script>").unwrap();
    format!(
        "{}/* report.css */{}/* report.js */{}",
        &h[..css0],
        &h[css1..js0],
        &h[js1..]
    )
}

/// The JSON data block of a report.html.
fn html_data(h: &str) -> serde_json::Value {
    let start = h
        .find("<script type=\"application/json\" id=\"oir-data\">")
        .expect("data block");
    let data = &h[start..];
    let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
    serde_json::from_str(data).expect("the data block is JSON")
}

#[test]
fn golden_junit() {
    snapshot("junit.xml", &junit::render(&model()));
}

#[test]
fn golden_cucumber_json() {
    snapshot(
        "cucumber.json",
        &cucumber_json::CucumberJson.render(&model()),
    );
}

#[test]
fn golden_html() {
    snapshot("report.html", &html_generated_part(&html::render(&model())));
}

#[test]
fn golden_conformance() {
    let st = certify::statement(&model(), None);
    snapshot("conformance.json", &certify::to_json(&st));
    snapshot("conformance.html", &certify::to_html(&st));
}

#[test]
fn golden_terminal_plain() {
    let out = Captured::default();
    let mut t = Masked(Terminal::new(Box::new(out.clone()), false));
    for e in sample::events() {
        t.event(&e).unwrap();
    }
    snapshot("terminal.txt", &out.text());
}

#[test]
fn golden_events_jsonl() {
    let dir = temp_dir("log");
    let path = dir.join("events.jsonl");
    let mut log = Masked(events_log::EventLog::create(&path).unwrap());
    for e in sample::events() {
        log.event(&e).unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap();
    snapshot("events.jsonl", &text);
    // and it reads back to the same (masked) events
    assert_eq!(events_log::read_events(&path).unwrap(), masked_events());
}

#[test]
fn event_log_ignores_a_torn_last_line_but_not_a_broken_middle() {
    let dir = temp_dir("torn");
    let path = dir.join("events.jsonl");
    let full: String = masked_events()
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect();
    std::fs::write(&path, format!("{}{{\"event\":\"run_fin", full)).unwrap();
    assert_eq!(
        events_log::read_events(&path).unwrap().len(),
        masked_events().len()
    );
    std::fs::write(&path, format!("{{\"event\":\"bogus\"}}\n{full}")).unwrap();
    let err = events_log::read_events(&path).unwrap_err().to_string();
    assert!(err.contains("events.jsonl:1:"), "{err}");
}

fn junit_schema() -> SchemaSet {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit/junit-10.xsd");
    SchemaSet::load_xsd(&xsd).expect("the published JUnit schema loads")
}

fn assert_junit_valid(xml: &str) {
    let v = junit_schema().validate_document(xml.as_bytes());
    assert!(v.is_valid(), "{:#?}\n{xml}", v.findings);
}

#[test]
fn junit_is_valid_against_the_jenkins_schema() {
    let xml = junit::render(&model());
    assert_junit_valid(&xml);
    // one testcase per scenario (retries folded) plus the parse error
    assert_eq!(xml.matches("<testcase ").count(), 5 + 1);
    assert!(xml.contains(
        "<flakyFailure type=\"assertion\" message=\"attempt 1: no answer within 5 s (timeout)\">"
    ));
    assert!(xml.contains("classname=\"SF1590_A.kildeintegration\""));
    for p in [
        "tool.version",
        "suite.hash",
        "schema.hash",
        "target",
        "seed",
    ] {
        assert!(xml.contains(&format!("<property name=\"{p}\"")), "{p}");
    }
    // and the schema engine does reject what the schema forbids
    let broken = xml.replacen("<testcase ", "<testcase bogus=\"1\" ", 1);
    assert!(
        !junit_schema()
            .validate_document(broken.as_bytes())
            .is_valid()
    );
}

#[test]
fn junit_of_an_empty_and_an_in_progress_run_is_valid() {
    let ev = masked_events();
    assert_junit_valid(&junit::render(&RunModel::new()));
    assert_junit_valid(&junit::render(&RunModel::from_events(&ev[..1])));
    // in the middle of scenario 2: only scenario 1 is reported
    let cut = ev
        .iter()
        .position(
            |e| matches!(e, Event::ScenarioStarted { attempt: 1, scenario } if scenario.line == 20),
        )
        .unwrap()
        + 2;
    let xml = junit::render(&RunModel::from_events(&ev[..cut]));
    assert_junit_valid(&xml);
    assert_eq!(xml.matches("<testcase ").count(), 1);
}

#[test]
fn an_interrupted_run_reports_its_unfinished_scenarios_as_errors() {
    let mut ev = masked_events();
    ev.truncate(ev.len() - 2); // drop the parse error and RunFinished …
    ev.truncate(ev.len() - 1); // … and scenario 5's ScenarioFinished
    ev.push(Event::RunFinished(oir::run::events::Summary {
        interrupted: true,
        exit_code: 5,
        ..Default::default()
    }));
    let m = RunModel::from_events(&ev);
    let xml = junit::render(&m);
    assert_junit_valid(&xml);
    assert!(xml.contains("<error type=\"interrupted\""));
    let st = certify::statement(&m, None);
    assert_eq!(st.verdict, "not conformant"); // scenario 2 failed
    assert!(
        st.reasons.iter().any(|r| r.contains("interrupted")),
        "{:?}",
        st.reasons
    );
}

#[test]
fn html_embeds_details_safely_and_links_requirements_to_scenarios() {
    let mut ev = masked_events();
    // a response that tries to break out of the data block
    if let Event::StepFinished { step, .. } = &mut ev[3] {
        step.exchanges[0].response = Some("</script><script>alert(1)</script>".into());
    }
    let h = html::render(&RunModel::from_events(&ev));
    assert_eq!(
        h.matches("</script>").count(),
        2,
        "only the two script blocks end"
    );
    assert!(!h.contains("alert(1)</script>"));
    let v = html_data(&h);
    assert_eq!(v["rows"].as_array().unwrap().len(), 5);
    assert_eq!(v["d"].as_array().unwrap().len(), 5);
    assert_eq!(
        v["d"][0]["st"][1]["x"][0]["rs"],
        "</script><script>alert(1)</script>"
    );
    assert!(h.contains("href=\"#SF1590_A/kildeintegration.feature:20\""));
    assert_eq!(v["rows"][1][0], "SF1590_A/kildeintegration.feature:20");
    assert!(
        !h.contains("http://") || !h.contains("src=\"http"),
        "no external resources"
    );
}

#[test]
fn html_stays_under_its_size_limit_and_keeps_failed_exchanges_first() {
    let events = sample::large(3000);
    let h = html::render(&RunModel::from_events(&events));
    assert!(h.len() <= html::MAX_HTML + 64 * 1024, "{}", h.len());
    let v = html_data(&h);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3000);
    // every failed scenario has its bodies
    for (k, r) in rows.iter().enumerate() {
        if r[2] == "failed" {
            let x = &v["d"][k]["st"][1]["x"][0];
            assert!(
                x["rq"].is_string(),
                "failed scenario {k} without its request"
            );
        }
    }
}

#[test]
fn html_cuts_huge_exchanges() {
    let mut ev = masked_events();
    let big = format!("<a>{}</a>", "x".repeat(200_000));
    if let Event::StepFinished { step, .. } = &mut ev[3] {
        step.exchanges[0].request = big.clone();
    }
    let h = html::render(&RunModel::from_events(&ev));
    assert!(h.len() < 150_000, "{}", h.len());
    assert!(h.contains(&format!("\"rqc\":{}", big.len())));
}

/// Every string of every output is free of the sample's CPR numbers and of anything the
/// masking would still change.
#[test]
fn no_cpr_number_survives_in_any_output() {
    let dir = temp_dir("mask");
    let opts = ReportOptions {
        terminal: TerminalChoice::None,
        interval: Duration::ZERO,
        ..Default::default()
    };
    let mut f = report::standard_writers(&dir, &opts).unwrap();
    assert!(f.masking());
    let out = Captured::default();
    f.add(
        "terminal",
        Box::new(Terminal::new(Box::new(out.clone()), false)),
    );
    for e in sample::events() {
        f.event(&e);
    }
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let mut outputs = vec![("terminal".to_string(), out.text())];
    for name in [
        "events.jsonl",
        "junit.xml",
        "cucumber.json",
        "report.html",
        "conformance.json",
        "conformance.html",
    ] {
        outputs.push((
            name.into(),
            std::fs::read_to_string(dir.join(name)).unwrap(),
        ));
    }
    for (name, text) in &outputs {
        for cpr in SAMPLE_CPRS {
            assert!(!text.contains(cpr), "{name} contains {cpr}");
        }
        assert_eq!(
            mask::mask_cpr(text),
            text.as_str(),
            "{name} has an unmasked CPR number"
        );
        if ["events.jsonl", "report.html", "cucumber.json"].contains(&name.as_str()) {
            assert!(
                text.contains("010101-****"),
                "{name} shows the masked number"
            );
        }
    }
    // and with masking off the numbers are there (the test above is not vacuous)
    let dir2 = temp_dir("nomask");
    let mut f = report::standard_writers(
        &dir2,
        &ReportOptions {
            mask: false,
            ..opts
        },
    )
    .unwrap();
    for e in sample::events() {
        f.event(&e);
    }
    let log = std::fs::read_to_string(dir2.join("events.jsonl")).unwrap();
    assert!(log.contains("0101011234") && log.contains("2512894321"));
}

#[test]
fn report_dir_errors_name_the_folder() {
    let dir = temp_dir("notadir");
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    let target = file.join("reports");
    let Err(e) = report::standard_writers(&target, &ReportOptions::default()) else {
        panic!("a report folder under a file must fail");
    };
    assert!(e.to_string().contains(&target.display().to_string()), "{e}");
}

#[test]
fn certify_from_a_run_dir_and_regenerate() {
    let dir = temp_dir("certify");
    let opts = ReportOptions {
        terminal: TerminalChoice::None,
        ..Default::default()
    };
    let mut f: Fanout = report::standard_writers(&dir, &opts).unwrap();
    for e in sample::events() {
        f.event(&e);
    }
    let written = std::fs::read_to_string(dir.join("conformance.json")).unwrap();
    let out = temp_dir("certify-out");
    let st = report::certify(&dir, Some(&out)).unwrap();
    assert_eq!(st.verdict, "not conformant");
    assert_eq!(
        std::fs::read_to_string(out.join("conformance.json")).unwrap(),
        written
    );
    let req = st
        .requirements
        .iter()
        .find(|r| r.id == "SF1590A-BAL-001")
        .unwrap();
    assert_eq!(req.verdict, "failed");
    assert_eq!(req.evidence.len(), 2);
    assert_eq!(
        req.evidence[1].link,
        "report.html#SF1590_A/kildeintegration.feature:20"
    );
    assert_eq!(st.open_checkpoints.len(), 1);
    assert!(st.events_sha256.as_deref().is_some_and(|h| h.len() == 64));
    assert_eq!(report::run_certify(&dir, Some(&out)), 1);
    assert_eq!(report::run_certify(&dir.join("missing"), None), 2);

    // regenerating from the log gives the same files
    let junit_before = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    std::fs::remove_file(dir.join("junit.xml")).unwrap();
    report::regenerate(&dir, true).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("junit.xml")).unwrap(),
        junit_before
    );
}

const CHILD_ENV: &str = "OIR_REPORT_KILL_CHILD_DIR";
/// Events the child writes before it signals and waits to be killed: RunStarted and the
/// first three scenarios (the third one's retry included), then scenario 4 half-way.
fn child_events() -> Vec<Event> {
    let ev = sample::events();
    let cut = ev
        .iter()
        .position(|e| matches!(e, Event::ScenarioStarted { scenario, .. } if scenario.line == 5))
        .unwrap();
    ev[..cut + 1].to_vec()
}

/// The child half of `a_killed_run_leaves_valid_reports`: writes, says READY, then blocks
/// until it is killed.
fn kill_child(dir: &str) {
    let opts = ReportOptions {
        terminal: TerminalChoice::None,
        interval: Duration::ZERO,
        ..Default::default()
    };
    let mut f = report::standard_writers(Path::new(dir), &opts).unwrap();
    for e in child_events() {
        f.event(&e);
    }
    println!("READY");
    std::io::stdout().flush().unwrap();
    let mut buf = [0u8; 1];
    let _ = std::io::stdin().read(&mut buf);
    // if the parent's kill never comes, stdin closes; exit without finishing the run
    std::process::exit(0);
}

#[test]
fn a_killed_run_leaves_valid_reports() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        kill_child(&dir);
        return;
    }
    let dir = temp_dir("kill");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_killed_run_leaves_valid_reports",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines.any(|l| l.map(|l| l.ends_with("READY")).unwrap_or(false));
    assert!(ready, "the child did not get to READY");
    child.kill().unwrap(); // SIGKILL: no destructor, no RunFinished
    child.wait().unwrap();

    let junit = std::fs::read_to_string(dir.join("junit.xml")).unwrap();
    assert_junit_valid(&junit);
    assert_eq!(junit.matches("<testcase ").count(), 3, "{junit}");
    let h = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(h.ends_with("</html>\n"));
    assert_eq!(html_data(&h)["rows"].as_array().unwrap().len(), 3);
    assert!(h.contains("Run in progress (or stopped without finishing): 3 of 5"));
    let cj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cucumber.json")).unwrap()).unwrap();
    assert_eq!(cj[0]["elements"].as_array().unwrap().len(), 3);
    assert!(!dir.join("conformance.json").exists());
    // no temporary files left behind, and the log has every event written
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "{name}");
    }
    let log = events_log::read_events(&dir.join("events.jsonl")).unwrap();
    assert_eq!(log.len(), child_events().len());
    // certify from the killed run: an incomplete statement
    let st = report::certify(&dir, None).unwrap();
    assert!(
        st.reasons.iter().any(|r| r.contains("did not finish")),
        "{:?}",
        st.reasons
    );
}
