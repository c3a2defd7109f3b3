//! Report benchmark: a 10,000-scenario run (`oir::report::sample::large`) through every
//! file writer; prints each file's size and the time to build and write it.
//!
//!     cargo run --release --example report_bench [-- N [OUT_DIR]]
//!     cargo run --release --example report_bench -- sample OUT_DIR   # the golden sample run
//!
//! `scripts/html_check.sh OUT_DIR/report.html` then measures the browser's load time.

use std::time::Instant;

use oir::report::{self, ReportOptions, TerminalChoice};

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next();
    let sample = first.as_deref() == Some("sample");
    let n: usize = first.and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("oir-report-bench"));
    let events = if sample {
        oir::report::sample::events()
    } else {
        oir::report::sample::large(n)
    };
    let n = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                oir::run::events::Event::ScenarioFinished {
                    final_attempt: true,
                    ..
                }
            )
        })
        .count();
    let opts = ReportOptions {
        terminal: TerminalChoice::None,
        ..Default::default()
    };
    let t0 = Instant::now();
    let mut fanout = report::standard_writers(&dir, &opts).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    for e in &events {
        fanout.event(e);
    }
    let total = t0.elapsed();
    if !fanout.errors.is_empty() {
        eprintln!("writer errors: {:?}", fanout.errors);
        std::process::exit(1);
    }
    println!(
        "{n} scenarios, {} events: all writers (masking on, rewrites throttled) in {:.2} s",
        events.len(),
        total.as_secs_f64()
    );
    for name in [
        "events.jsonl",
        "junit.xml",
        "cucumber.json",
        "report.html",
        "conformance.json",
        "conformance.html",
    ] {
        let size = std::fs::metadata(dir.join(name))
            .map(|m| m.len())
            .unwrap_or(0);
        println!("{name:18} {:>8.2} MB", size as f64 / 1e6);
    }
    let model = oir::report::model::RunModel::from_events(&events);
    let t = Instant::now();
    let html = oir::report::html::render(&model);
    println!(
        "report.html render alone: {:.0} ms, {:.2} MB ({} limit: 10 MB)",
        t.elapsed().as_secs_f64() * 1e3,
        html.len() as f64 / 1e6,
        if html.len() <= 10_000_000 {
            "within"
        } else {
            "OVER"
        }
    );
    println!("written to {}", dir.display());
}
