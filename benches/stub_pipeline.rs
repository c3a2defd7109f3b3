//! The stub's request pipeline in-process, without HTTP: CPU time per SF1590_A
//! ModtagFinansbilag request through `pipeline::handle` (every request a new message:
//! envelope, schema, rules, booking, answer, journal), the resend path (the same message
//! again), and the stages on their own (parse, schema validation, business rules, answer).
//! It says where a request's microseconds go; `benches/stub_load.sh` measures the server.
//!
//!     cargo bench --bench stub_pipeline            # 20,000 requests per figure
//!     cargo bench --bench stub_pipeline -- 100000  # more
//!     cargo bench --bench stub_pipeline -- 5000 rules   # only the figures whose label has "rules"
//!     cargo bench --bench stub_pipeline -- 200 state    # `--state`: a save at an empty and a full window
//!
//! A stage filter makes `perf stat -e instructions:u` on the bench binary count one stage
//! (plus the load, which a filter that matches nothing, e.g. `none`, counts alone): instruction
//! counts stay comparable when other work shares the machine and wall times do not.
//!
//! Deterministic enough for `valgrind --tool=callgrind` (see benches/README.md).

use std::time::Instant;

/// The same allocator as the `oir` binary (src/main.rs), so the figures are the stub's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use oir::oir::engine::MessageInfo;
use oir::schema::wsdl::Direction;
use oir::stub::pipeline::{self, Incoming};
use oir::stub::{Stub, StubConfig};

const PATH: &str = "/service/OIR/ModtagFinansbilag/2";
const ACTION: &str =
    "\"http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/ModtagFinansbilag\"";
/// The IDs of the pack's example that make a message new (as benches/stub_load.lua).
const IDS: [&str; 4] = [
    "ae000000-0000-4000-8000-000000000001",
    "fb000000-0000-4000-8000-000000000001",
    "fc000000-0000-4000-8000-000000000001",
    "fc000000-0000-4000-8000-000000000002",
];

fn request(body: &[u8]) -> Incoming {
    Incoming {
        method: "POST".into(),
        path: PATH.into(),
        content_type: Some("text/xml; charset=utf-8".into()),
        soap_action: Some(ACTION.into()),
        body: body.to_vec(),
        oversized: None,
        tenant: String::new(),
    }
}

/// The example with unique IDs for message `n` (the low 48 bits count).
fn variant(template: &str, n: u64) -> Vec<u8> {
    let n = n & 0xffff_ffff_ffff;
    let mut s = template.to_string();
    for (i, id) in IDS.iter().enumerate() {
        let new = format!(
            "{}{:06x}-0000-4000-{:04x}-{n:012x}",
            &id[..2],
            0xbe_u32,
            0x8000 + i
        );
        s = s.replace(id, &new);
    }
    s.into_bytes()
}

fn per_request(label: &str, n: u64, only: Option<&str>, mut f: impl FnMut(u64)) {
    if only.is_some_and(|o| !label.contains(o)) {
        return;
    }
    // Warm up: allocator, caches, lazily built tables.
    for i in 0..n.min(500) {
        f(u64::MAX - i);
    }
    let t = Instant::now();
    let cpu = thread_cpu_ns();
    for i in 0..n {
        f(i);
    }
    let wall = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    // CPU time of this thread where Linux reports it: wall time counts the waits when other
    // work shares the cores, CPU time does not. Linux updates it at scheduler ticks (a few
    // ms), so short runs (a few hundred requests) are rough either way.
    let us = match (cpu, thread_cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e3 / n as f64,
        _ => wall,
    };
    println!(
        "{label:<44} {us:>9.2} µs/request  ({:>8.0} per CPU-second; wall {wall:.2} µs)",
        1e6 / us
    );
}

/// Nanoseconds this thread has run on a CPU (`/proc/thread-self/schedstat`, Linux).
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000)
        .max(1);
    // A word that is not a number and not a cargo-bench flag selects figures by label.
    let only = std::env::args()
        .skip(1)
        .find(|a| a.parse::<u64>().is_err() && !a.starts_with('-'));
    let only = only.as_deref();
    let root = env!("CARGO_MANIFEST_DIR");
    let example = std::fs::read_to_string(format!(
        "{root}/schemas/SF1590_A/examples/ModtagFinansbilag.request.xml"
    ))
    .expect("the SF1590_A example request");
    let t = Instant::now();
    let stub = Stub::load(StubConfig::default()).expect("the service packs load");
    let indexed = t.elapsed();
    // The built-in packs compile on first use: compile them all, as `oir run` ends up doing.
    for svc in &stub.catalog.services {
        svc.compiled().expect("the built-in packs compile");
    }
    println!(
        "load: index {:.1} ms, every pack compiled {:.1} ms",
        indexed.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );
    println!("request: {} bytes; {n} requests per figure", example.len());

    let bodies: Vec<Vec<u8>> = (0..n).map(|i| variant(&example, i)).collect();
    let warm: Vec<Vec<u8>> = (0..500).map(|i| variant(&example, (1 << 47) + i)).collect();
    let pick = |i: u64| -> &Vec<u8> {
        if i >= n {
            &warm[(u64::MAX - i) as usize]
        } else {
            &bodies[i as usize]
        }
    };

    // Sanity: the request is accepted, a resend is answered from the cache.
    let first = pipeline::handle(&stub, request(&variant(&example, 1 << 40)));
    let outcome = |o: &pipeline::Outgoing| {
        o.headers
            .iter()
            .find(|(k, _)| k == "x-oir-outcome")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        outcome(&first),
        "accepted",
        "{}",
        String::from_utf8_lossy(&first.body)
    );

    let svc = stub.catalog.service_at(PATH).expect("the SF1590_A service");
    let schemas = &svc.contract.schemas;
    let info = MessageInfo {
        integration: svc.integration.clone(),
        operation: Some("ModtagFinansbilag".into()),
        direction: Some(Direction::Request),
    };

    per_request("stage: parse to tree (depth-bounded)", n, only, |i| {
        let t = oir::xml::tree::parse_bounded(pick(i), 256).expect("well-formed");
        std::hint::black_box(t);
    });
    per_request("stage: schema validation (SOAP body)", n, only, |i| {
        let (v, _) = schemas.validate_soap(pick(i));
        assert!(v.is_valid());
    });
    let trees: Vec<_> = (0..1000)
        .map(|i| oir::xml::tree::parse(pick(i % n)).expect("well-formed"))
        .collect();
    let mut ctx = stub.with_tenant("", |s| s.ctx.clone());
    per_request("stage: business rules (tree → findings)", n, only, |i| {
        let f = stub
            .engine
            .check_tree(&trees[(i % 1000) as usize], &info, &mut ctx);
        std::hint::black_box(f);
    });
    per_request("whole pipeline: new message each time", n, only, |i| {
        let o = pipeline::handle(&stub, request(pick(i)));
        debug_assert_eq!(outcome(&o), "accepted");
        std::hint::black_box(o);
    });
    let same = variant(&example, 1 << 40);
    per_request(
        "whole pipeline: resend (answer from cache)",
        n,
        only,
        |_| {
            let o = pipeline::handle(&stub, request(&same));
            std::hint::black_box(o);
        },
    );
    persisted(&example, n.min(1000), only);
    // After the resend figure the message is still in the state window: a resend.
    let resend_ran = only.is_none_or(|o| "whole pipeline: resend (answer from cache)".contains(o));
    if resend_ran {
        let last = pipeline::handle(&stub, request(&same));
        assert_eq!(outcome(&last), "resend");
    }
}

/// Bytes this process has handed to `write` so far (`/proc/self/io`, Linux): what a save
/// writes, WAL pages included, independent of timing.
fn written_bytes() -> Option<u64> {
    std::fs::read_to_string("/proc/self/io")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("wchar:"))?
        .trim()
        .parse()
        .ok()
}

/// `--state FILE`: new messages through the whole pipeline, each saved (committed, fsync)
/// before it is answered, on a fresh file and on a file whose tenant already holds a full
/// state window (filled in memory, saved once, loaded as a restart would).
fn persisted(example: &str, n: u64, only: Option<&str>) {
    let window = StubConfig::default().state_window as u64;
    for (label, fill) in [
        ("state: save per message, empty window", 0),
        ("state: save per message, full window", window),
    ] {
        if only.is_some_and(|o| !label.contains(o)) {
            continue;
        }
        let dir = std::env::temp_dir().join(format!("oir-bench-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("state.db");
        if fill > 0 {
            let mem = Stub::load(StubConfig::default()).expect("the service packs load");
            for i in 0..fill {
                pipeline::handle(&mem, request(&variant(example, (1 << 46) + i)));
            }
            let store = oir::stub::persist::Store::open(&file).expect("state file");
            mem.with_tenant("", |s| store.save("", s, None))
                .expect("saved");
        }
        let config = StubConfig {
            state_file: Some(file.clone()),
            ..StubConfig::default()
        };
        let stub = Stub::load(config).expect("the state loads");
        let vouchers = stub.with_tenant("", |s| s.vouchers.len());
        assert_eq!(vouchers as u64, fill, "the filled state is loaded");
        let bodies: Vec<Vec<u8>> = (0..n).map(|i| variant(example, (1 << 45) + i)).collect();
        let t = Instant::now();
        let cpu = thread_cpu_ns();
        let w0 = written_bytes();
        for b in &bodies {
            let o = pipeline::handle(&stub, request(b));
            assert_eq!(o.status, 200);
        }
        let wall = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let us = match (cpu, thread_cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e3 / n as f64,
            _ => wall,
        };
        let kb = match (w0, written_bytes()) {
            (Some(a), Some(b)) => format!("{:.1}", (b - a) as f64 / 1024.0 / n as f64),
            _ => "?".into(),
        };
        println!(
            "{label:<44} {us:>9.2} µs/request CPU  (wall {wall:.0} µs incl. fsync; {kb} KiB written/request; {n} requests)"
        );
        drop(stub);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
