//! Validation speed and memory benchmark: `cargo bench --bench validate` (harness = false).
//!
//! Compares `oir`'s streaming validator with libxml2 (`xmllint --noout --schema`, schema
//! compiled once) on the peer-benchmark contract `bench-peers/contract/finansbilag.xsd` and
//! documents generated exactly like the peers' `xsd-bench/gen_doc.py` (~100 KB valid,
//! ~100 KB with planted faults, ~5 MB valid). Method and latest figures: `benches/README.md`.
//!
//! Gates (exit status 1 when missed, after everything is printed):
//! * speed: per document, ours is at least as fast as xmllint (ratio xmllint/ours >= 1) for the
//!   valid 100 KB and the 5 MB document, in wall time and in CPU time;
//! * memory: peak RSS attributable to validating the 5 MB document <= 2x its size.
//!
//! Environment: `OIR_SHARED` (folder holding `bench-peers/`, default `<crate>/../shared`),
//! `OIR_BENCH_RUNS` (timed runs per document, default 5), `OIR_BENCH_CHILD` (`mem`: the
//! memory-measuring child mode; `loop`: `XSD DOC [N]` validates DOC N times, for profilers).

use std::ffi::c_long;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use oir::schema::SchemaSet;

const NS: &str = "http://example.com/finansbilag/v1";
const VALUTA: [&str; 3] = ["DKK", "EUR", "USD"];
/// Iterations per timed run for the 100 KB documents (= xmllint's `--repeat`).
const REPEAT: usize = 100;

// ---------------------------------------------------------------------------------------------
// CPU time and peak RSS from getrusage(2) (libc is linked by std anyway; no extra dependency).

#[repr(C)]
#[derive(Default)]
struct Rusage {
    utime: [c_long; 2],
    stime: [c_long; 2],
    maxrss: c_long,
    rest: [c_long; 13],
}

unsafe extern "C" {
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
}

const RUSAGE_SELF: i32 = 0;
const RUSAGE_CHILDREN: i32 = -1;

fn rusage(who: i32) -> Rusage {
    let mut r = Rusage::default();
    // SAFETY: `r` is a properly sized, writable `struct rusage` for Linux.
    let rc = unsafe { getrusage(who, &mut r) };
    assert_eq!(rc, 0, "getrusage failed");
    r
}

/// User + system CPU time in ms.
fn cpu_ms(who: i32) -> f64 {
    let r = rusage(who);
    let us = |t: [c_long; 2]| t[0] as f64 * 1e6 + t[1] as f64;
    (us(r.utime) + us(r.stime)) / 1000.0
}

// ---------------------------------------------------------------------------------------------
// Documents: a port of bench-peers/xsd-bench/gen_doc.py (byte-identical output for a size).

fn postering(i: u64) -> String {
    let konto = 10000 + (i * 37) % 89999;
    let n = (i * 7919) % 1_000_000;
    let sign = if i % 2 == 1 { "-" } else { "" };
    format!(
        "<fb:Postering linje=\"{i}\"><fb:Konto>{konto}</fb:Konto>\
         <fb:Beloeb>{sign}{}.{:02}</fb:Beloeb><fb:Valuta>{}</fb:Valuta>\
         <fb:Tekst>Bilagslinje {i} vedr. faktura {}</fb:Tekst></fb:Postering>\n",
        n / 100,
        n % 100,
        VALUTA[(i % 3) as usize],
        100000 + i
    )
}

/// Lines before the first posting (posting `i` is on line `HEAD_LINES + i`).
const HEAD_LINES: u64 = 6;

/// `gen_doc.py --bytes target`; `fault(i, posting)` may rewrite posting `i` (same line).
fn gen_doc(target: usize, fault: &dyn Fn(u64, String) -> String) -> (Vec<u8>, u64) {
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<fb:ModtagFinansbilagRequest xmlns:fb=\"{NS}\">\n\
         <fb:BilagId>FB-2024-000123</fb:BilagId>\n<fb:Afsender>Testvirksomhed ApS</fb:Afsender>\n\
         <fb:Bilagsdato>2024-03-31</fb:Bilagsdato>\n<fb:Posteringer>\n"
    );
    let tail = "</fb:Posteringer>\n</fb:ModtagFinansbilagRequest>\n";
    let mut out = String::with_capacity(target + 256);
    out.push_str(&head);
    let mut size = head.len() + tail.len();
    let mut i = 1;
    loop {
        let p = postering(i);
        if i > 1 && size + p.len() > target {
            break;
        }
        size += p.len();
        out.push_str(&fault(i, p));
        i += 1;
    }
    out.push_str(tail);
    (out.into_bytes(), i - 1)
}

/// Faults planted in the invalid 100 KB document: (posting, what, rewrite).
type Rewrite = fn(String) -> String;
const FAULTS: [(u64, &str, Rewrite); 5] = [
    // the peers' corruption (their sed replaces the first EUR, which is posting 1)
    (1, "Valuta EUR -> XXX (enumeration)", |p| {
        p.replace("<fb:Valuta>EUR<", "<fb:Valuta>XXX<")
    }),
    (123, "Konto 14551 -> 14A51 (pattern)", |p| {
        p.replace("<fb:Konto>14551<", "<fb:Konto>14A51<")
    }),
    (234, "Beloeb -> 12,50 (xs:decimal)", |p| {
        let a = p.find("<fb:Beloeb>").unwrap() + "<fb:Beloeb>".len();
        let b = p.find("</fb:Beloeb>").unwrap();
        format!("{}12,50{}", &p[..a], &p[b..])
    }),
    (345, "linje=\"0\" (xs:positiveInteger)", |p| {
        p.replace("linje=\"345\"", "linje=\"0\"")
    }),
    (456, "Valuta removed (content model)", |p| {
        let a = p.find("<fb:Valuta>").unwrap();
        let b = p.find("</fb:Valuta>").unwrap() + "</fb:Valuta>".len();
        format!("{}{}", &p[..a], &p[b..])
    }),
];

struct Doc {
    name: &'static str,
    path: PathBuf,
    bytes: usize,
    valid: bool,
    /// Lines where findings are expected (invalid document only).
    fault_lines: Vec<u64>,
    /// Part of the acceptance gate (the invalid document is informational).
    gated: bool,
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers.

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn mb_s(bytes: usize, ms: f64) -> f64 {
    bytes as f64 / 1e6 / (ms / 1000.0)
}

/// One timed run of ours: `iters` x (read file + parse/validate), schema already compiled.
/// Returns (wall ms per document, CPU ms per document).
fn ours_run(set: &SchemaSet, path: &Path, iters: usize, expect_valid: bool) -> (f64, f64) {
    let c0 = cpu_ms(RUSAGE_SELF);
    let t0 = Instant::now();
    for _ in 0..iters {
        let data = std::fs::read(black_box(path)).expect("read document");
        let v = set.validate_document(black_box(&data));
        assert_eq!(black_box(v.is_valid()), expect_valid);
        black_box(v.findings.len());
    }
    let wall = t0.elapsed().as_secs_f64() * 1000.0;
    let cpu = cpu_ms(RUSAGE_SELF) - c0;
    (wall / iters as f64, cpu / iters as f64)
}

struct Lint {
    /// libxml2's own `--timing` figure (excludes process start-up and schema compile), ms.
    timing_ms: f64,
    /// CPU time of the whole process (user + sys), ms.
    cpu_ms: f64,
    /// Wall time of the whole process, ms.
    wall_ms: f64,
    status: i32,
    stderr: String,
}

/// Run `xmllint --noout --timing [--repeat] --schema xsd doc` once.
fn xmllint(xsd: &Path, doc: &Path, repeat: bool) -> Lint {
    let mut cmd = Command::new("xmllint");
    cmd.arg("--noout").arg("--timing");
    if repeat {
        cmd.arg("--repeat");
    }
    cmd.arg("--schema").arg(xsd).arg(doc);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let c0 = cpu_ms(RUSAGE_CHILDREN);
    let t0 = Instant::now();
    let out = cmd.output().expect("run xmllint");
    let wall_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu_ms(RUSAGE_CHILDREN) - c0;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // "100 iterations took 438 ms" with --repeat; "Parsing took 51 ms", "Validating took 25 ms",
    // "Freeing took 7 ms" without (schema compile is timed separately and not summed).
    let mut timing_ms = 0.0;
    for l in stderr.lines() {
        let Some((what, rest)) = l.split_once(" took ") else {
            continue;
        };
        let Some(ms) = rest
            .strip_suffix(" ms")
            .and_then(|s| s.trim().parse::<f64>().ok())
        else {
            continue;
        };
        let counts = if repeat {
            what.ends_with("iterations")
        } else {
            matches!(what, "Parsing" | "Validating" | "Freeing")
        };
        if counts {
            timing_ms += ms;
        }
    }
    Lint {
        timing_ms,
        cpu_ms,
        wall_ms,
        status: out.status.code().unwrap_or(-1),
        stderr,
    }
}

fn have_xmllint() -> bool {
    Command::new("xmllint")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Line numbers of xmllint's validity errors ("file:LINE: element X: Schemas validity error").
fn xmllint_error_lines(stderr: &str, doc: &Path) -> Vec<u64> {
    let prefix = format!("{}:", doc.display());
    let mut lines: Vec<u64> = stderr
        .lines()
        .filter(|l| l.contains("validity error"))
        .filter_map(|l| l.strip_prefix(&prefix)?.split(':').next()?.parse().ok())
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

fn status_value(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------------
// Child mode: peak RSS of validating one document.

fn child_mem(xsd: &Path, doc: &Path) {
    let set = SchemaSet::load_xsd(xsd).expect("load schema");
    // Reset the peak-RSS watermark (Linux >= 4.0); if that fails the figure is only higher.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let st = std::fs::read_to_string("/proc/self/status").unwrap();
    let before = status_value(&st, "VmRSS:").unwrap();
    let data = std::fs::read(doc).expect("read document");
    let v = set.validate_document(&data);
    let st = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm = status_value(&st, "VmHWM:").unwrap();
    println!(
        "OIR_MEM rss_before_kb={before} hwm_after_kb={hwm} file_bytes={} valid={} findings={}",
        data.len(),
        v.is_valid(),
        v.findings.len()
    );
    black_box(&data);
}

fn kv(line: &str, key: &str) -> Option<String> {
    line.split_whitespace()
        .find_map(|t| t.strip_prefix(key)?.strip_prefix('=').map(str::to_string))
}

// ---------------------------------------------------------------------------------------------

fn target_dir() -> PathBuf {
    // <target>/release/deps/validate-<hash>
    if let Ok(exe) = std::env::current_exe() {
        let deps = exe.parent();
        if deps
            .and_then(|d| d.file_name())
            .is_some_and(|n| n == "deps")
            && let Some(t) = deps.and_then(|d| d.parent()).and_then(|p| p.parent())
        {
            return t.to_path_buf();
        }
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match std::env::var("OIR_BENCH_CHILD").as_deref() {
        Ok("mem") => {
            child_mem(Path::new(&args[1]), Path::new(&args[2]));
            return ExitCode::SUCCESS;
        }
        Ok("loop") => {
            // For profilers: OIR_BENCH_CHILD=loop <bench exe> XSD DOC [N]
            let set = SchemaSet::load_xsd(Path::new(&args[1])).expect("load schema");
            let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
            let t = Instant::now();
            let c = cpu_ms(RUSAGE_SELF);
            for _ in 0..n {
                let data = std::fs::read(&args[2]).expect("read document");
                black_box(set.validate_document(black_box(&data)).findings.len());
            }
            println!(
                "{n} x {}: {:.3} ms wall, {:.3} ms CPU per document",
                args[2],
                t.elapsed().as_secs_f64() * 1000.0 / n as f64,
                (cpu_ms(RUSAGE_SELF) - c) / n as f64
            );
            return ExitCode::SUCCESS;
        }
        _ => {}
    }

    let shared = std::env::var_os("OIR_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let xsd = shared.join("bench-peers/contract/finansbilag.xsd");
    if !xsd.is_file() {
        println!(
            "validate bench: {} not found (set OIR_SHARED to the folder holding bench-peers/); skipped",
            xsd.display()
        );
        return ExitCode::SUCCESS;
    }
    let runs: usize = std::env::var("OIR_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(5);
    let mut sane = true;

    // --- documents -----------------------------------------------------------------------
    let dir = target_dir().join("bench-data");
    std::fs::create_dir_all(&dir).expect("create bench-data dir");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        if std::fs::read(&p).ok().as_deref() != Some(bytes) {
            std::fs::write(&p, bytes).expect("write document");
        }
        p
    };
    let keep = |_: u64, p: String| p;
    let (d100k, n100k) = gen_doc(102_400, &keep);
    let (d5m, n5m) = gen_doc(5_242_880, &keep);
    let (dbad, _) = gen_doc(102_400, &|i, p| match FAULTS.iter().find(|f| f.0 == i) {
        Some(f) => {
            let q = (f.2)(p.clone());
            assert_ne!(q, p, "fault at posting {i} did not apply");
            q
        }
        None => p,
    });
    assert!(
        FAULTS.iter().all(|f| f.0 <= n100k),
        "100 KB document too short for the faults"
    );
    let (dtiny, _) = gen_doc(0, &keep);
    let tiny = write("doc-tiny.xml", &dtiny);
    let docs = [
        Doc {
            name: "doc-100k",
            path: write("doc-100k.xml", &d100k),
            bytes: d100k.len(),
            valid: true,
            fault_lines: vec![],
            gated: true,
        },
        Doc {
            name: "doc-100k-invalid",
            path: write("doc-100k-invalid.xml", &dbad),
            bytes: dbad.len(),
            valid: false,
            fault_lines: FAULTS.iter().map(|f| HEAD_LINES + f.0).collect(),
            gated: false,
        },
        Doc {
            name: "doc-5m",
            path: write("doc-5m.xml", &d5m),
            bytes: d5m.len(),
            valid: true,
            fault_lines: vec![],
            gated: true,
        },
    ];
    println!("oir validate bench");
    println!("schema : {}", xsd.display());
    println!("docs   : {}", dir.display());
    for d in &docs {
        println!("  {:<18} {:>9} bytes", d.name, d.bytes);
    }
    println!(
        "  ({n100k} postings in doc-100k, {n5m} in doc-5m; faults planted in doc-100k-invalid:"
    );
    for f in FAULTS {
        println!(
            "     line {:>3}: posting {:>3}: {}",
            HEAD_LINES + f.0,
            f.0,
            f.1
        );
    }
    println!("  )");

    // --- schema compile (ours) -------------------------------------------------------------
    let set = SchemaSet::load_xsd(&xsd).expect("load finansbilag.xsd");
    let mut compile: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            black_box(SchemaSet::load_xsd(black_box(&xsd)).unwrap());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let compile_ms = median(&mut compile);

    // --- sanity: verdicts of both engines --------------------------------------------------
    let lint = have_xmllint();
    println!("\nsanity (verdicts)");
    for d in docs
        .iter()
        .map(|d| (d.name, &d.path, d.valid, &d.fault_lines))
        .chain([("doc-tiny", &tiny, true, &vec![])])
    {
        let (name, path, valid, fault_lines) = d;
        let v = set.validate_document(&std::fs::read(path).unwrap());
        let mut lines: Vec<u64> = v.findings.iter().map(|f| f.line as u64).collect();
        lines.sort();
        lines.dedup();
        let ok = v.is_valid() == valid && (valid || lines == *fault_lines);
        sane &= ok;
        println!(
            "  ours    {:<18} {:<7} findings={:<2} {}",
            name,
            if v.is_valid() { "valid" } else { "invalid" },
            v.findings.len(),
            if ok { "ok" } else { "UNEXPECTED" }
        );
        if !valid || !ok {
            for f in &v.findings {
                println!(
                    "      {}:{} {} {}",
                    f.line, f.column, f.constraint, f.message
                );
            }
        }
        if lint {
            let out = Command::new("xmllint")
                .arg("--noout")
                .arg("--schema")
                .arg(&xsd)
                .arg(path)
                .output()
                .expect("run xmllint");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let lint_valid = out.status.success();
            let elines = xmllint_error_lines(&stderr, path);
            let ok = lint_valid == valid && (valid || elines == *fault_lines);
            sane &= ok;
            println!(
                "  xmllint {:<18} {:<7} error lines={:?} {}",
                name,
                if lint_valid { "valid" } else { "invalid" },
                elines,
                if ok { "ok" } else { "UNEXPECTED" }
            );
            if !ok {
                print!("{stderr}");
            }
        }
    }
    if !lint {
        println!(
            "\nxmllint not found on PATH: only our figures are printed.\n\
             Install it with: apt-get install libxml2-utils   (Debian/Ubuntu; libxml2 2.9.14 on Debian 12)"
        );
    }

    // --- speed -----------------------------------------------------------------------------
    // xmllint baselines with a trivial (1-posting) document: process start-up + schema compile,
    // subtracted from xmllint's process CPU time.
    let (mut base_rep, mut base_one) = (0.0, 0.0);
    if lint {
        xmllint(&xsd, &tiny, false); // warm-up
        let mut r: Vec<f64> = (0..5).map(|_| xmllint(&xsd, &tiny, true).cpu_ms).collect();
        let mut o: Vec<f64> = (0..5).map(|_| xmllint(&xsd, &tiny, false).cpu_ms).collect();
        base_rep = median(&mut r);
        base_one = median(&mut o);
        println!(
            "\nxmllint baseline (trivial doc, start-up + schema compile): {base_one:.2} ms CPU \
             (--repeat: {base_rep:.2} ms CPU)"
        );
    }

    struct Row {
        name: &'static str,
        bytes: usize,
        gated: bool,
        ours_wall: f64,
        ours_cpu: f64,
        lint: Option<(f64, f64)>,
    }
    let mut rows = Vec::new();
    println!(
        "\nspeed: per document, median of {runs} runs after warm-up (interleaved ours / xmllint)"
    );
    for d in &docs {
        let big = d.bytes > 1_000_000;
        // 100 KB: a run is 100 documents (like --repeat); 5 MB: a run is one document.
        let iters = if big { 1 } else { REPEAT };
        ours_run(&set, &d.path, iters, d.valid); // warm-up
        if lint {
            xmllint(&xsd, &d.path, !big);
        }
        let (mut ow, mut oc, mut lw, mut lc) = (vec![], vec![], vec![], vec![]);
        for _ in 0..runs {
            let (w, c) = ours_run(&set, &d.path, iters, d.valid);
            ow.push(w);
            oc.push(c);
            if lint {
                let l = xmllint(&xsd, &d.path, !big);
                if l.status != if d.valid { 0 } else { 3 } {
                    println!("  xmllint exit status {} on {}", l.status, d.name);
                    sane = false;
                }
                let n = if big { 1.0 } else { REPEAT as f64 };
                let base = if big { base_one } else { base_rep };
                lw.push(l.timing_ms / n);
                lc.push((l.cpu_ms - base) / n);
                black_box(l.wall_ms);
            }
        }
        let fmt = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!("  {} ({} bytes)", d.name, d.bytes);
        println!("    ours    wall ms/doc: {}", fmt(&ow));
        println!("    ours    CPU  ms/doc: {}", fmt(&oc));
        if lint {
            println!("    xmllint wall ms/doc: {}   (libxml2 --timing)", fmt(&lw));
            println!(
                "    xmllint CPU  ms/doc: {}   (process CPU - baseline)",
                fmt(&lc)
            );
        }
        rows.push(Row {
            name: d.name,
            bytes: d.bytes,
            gated: d.gated,
            ours_wall: median(&mut ow),
            ours_cpu: median(&mut oc),
            lint: lint.then(|| (median(&mut lw), median(&mut lc))),
        });
    }
    let mut lint_lines = vec![];
    let mut lint_compile = String::from("-");
    if lint {
        // Tree-mode xmllint: peak RSS of the largest child so far (the 5 MB runs).
        let kb = rusage(RUSAGE_CHILDREN).maxrss;
        lint_lines.push(format!(
            "xmllint (tree mode) peak RSS, whole process, 5 MB doc: {:.1} MB",
            kb as f64 / 1024.0
        ));
        let l = xmllint(&xsd, &tiny, false);
        let compile = l
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("Compiling the schemas took "))
            .unwrap_or("?")
            .to_string();
        lint_compile = format!("{compile} (libxml2 --timing, whole ms)");
    }

    // --- memory ----------------------------------------------------------------------------
    let big = &docs[2];
    let out = Command::new(std::env::current_exe().unwrap())
        .arg(&xsd)
        .arg(&big.path)
        .env("OIR_BENCH_CHILD", "mem")
        .output()
        .expect("run memory child");
    let line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with("OIR_MEM"))
        .unwrap_or("")
        .to_string();
    let get = |k: &str| kv(&line, k).and_then(|v| v.parse::<u64>().ok());
    let mem = match (get("rss_before_kb"), get("hwm_after_kb")) {
        (Some(b), Some(h)) => {
            let delta = h.saturating_sub(b) * 1024;
            Some((b * 1024, h * 1024, delta, delta as f64 / big.bytes as f64))
        }
        _ => {
            println!(
                "memory child failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            None
        }
    };
    let mem_ok = mem.is_some_and(|m| m.3 <= 2.0);
    println!(
        "\nmemory: {} in a child process (schema loaded, VmHWM reset, read file, validate)",
        big.name
    );
    if let Some((b, h, delta, ratio)) = mem {
        println!(
            "  RSS before {:.1} MB, peak after {:.1} MB: +{:.2} MB for a {:.2} MB document \
             = {ratio:.2}x its size (bound 2.00x) {}",
            b as f64 / 1048576.0,
            h as f64 / 1048576.0,
            delta as f64 / 1048576.0,
            big.bytes as f64 / 1048576.0,
            if mem_ok { "PASS" } else { "FAIL" }
        );
        println!(
            "  of which the input buffer {:.2} MB, validator state and findings {:.2} MB",
            big.bytes as f64 / 1048576.0,
            (delta as f64 - big.bytes as f64) / 1048576.0
        );
    }
    for l in &lint_lines {
        println!("  {l}");
    }

    // --- summary ---------------------------------------------------------------------------
    println!(
        "\nsummary (ms per document, medians; ratio = xmllint / oir, > 1 means oir is faster)"
    );
    println!(
        "schema compile (not in the figures below): oir {compile_ms:.3} ms (median of 20), xmllint {lint_compile}"
    );
    println!(
        "| document | bytes | oir ms | oir MB/s | xmllint ms | xmllint MB/s | ratio wall | oir CPU ms | xmllint CPU ms | ratio CPU | gate |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let mut speed_ok = true;
    for r in &rows {
        let (lw, lc, rw, rc, gate) = match r.lint {
            Some((lw, lc)) => {
                let (rw, rc) = (lw / r.ours_wall, lc / r.ours_cpu);
                let pass = rw >= 1.0 && rc >= 1.0;
                if r.gated {
                    speed_ok &= pass;
                }
                (
                    format!("{lw:.2}"),
                    format!("{lc:.2}"),
                    format!("{rw:.2}"),
                    format!("{rc:.2}"),
                    match (r.gated, pass) {
                        (false, _) => "info",
                        (true, true) => "PASS",
                        (true, false) => "FAIL",
                    },
                )
            }
            None => ("-".into(), "-".into(), "-".into(), "-".into(), "n/a"),
        };
        let lmb = r
            .lint
            .map_or("-".into(), |(lw, _)| format!("{:.1}", mb_s(r.bytes, lw)));
        println!(
            "| {} | {} | {:.2} | {:.1} | {lw} | {lmb} | {rw} | {:.2} | {lc} | {rc} | {gate} |",
            r.name,
            r.bytes,
            r.ours_wall,
            mb_s(r.bytes, r.ours_wall),
            r.ours_cpu
        );
    }
    if let Some((_, h, delta, ratio)) = mem {
        println!(
            "memory doc-5m: peak RSS +{:.2} MB while validating a {:.2} MB document = {ratio:.2}x its size \
             (bound 2x; whole process peak {:.1} MB) {}",
            delta as f64 / 1048576.0,
            big.bytes as f64 / 1048576.0,
            h as f64 / 1048576.0,
            if mem_ok { "PASS" } else { "FAIL" }
        );
    }
    let verdict = sane && speed_ok && mem_ok;
    println!(
        "result: {} (sanity {}, speed {}, memory {})",
        if verdict { "PASS" } else { "FAIL" },
        if sane { "ok" } else { "FAIL" },
        if !lint {
            "not compared (no xmllint)"
        } else if speed_ok {
            "PASS"
        } else {
            "FAIL"
        },
        if mem_ok { "PASS" } else { "FAIL" }
    );
    if verdict {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
