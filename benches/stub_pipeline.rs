//! The stub's request pipeline in-process, without HTTP: CPU time per SF1590_A
//! ModtagFinansbilag request through `pipeline::handle` (every request a new message:
//! envelope, schema, rules, booking, answer, journal), the resend path (the same message
//! again), and the stages on their own (parse, schema validation, business rules, answer).
//! It says where a request's microseconds go; `benches/stub_load.sh` measures the server.
//!
//!     cargo bench --bench stub_pipeline            # 20,000 requests per figure
//!     cargo bench --bench stub_pipeline -- 100000  # more
//!
//! Deterministic enough for `valgrind --tool=callgrind` (see benches/README.md).

use std::time::Instant;

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

fn per_request(label: &str, n: u64, mut f: impl FnMut(u64)) {
    // Warm up: allocator, caches, lazily built tables.
    for i in 0..n.min(500) {
        f(u64::MAX - i);
    }
    let t = Instant::now();
    for i in 0..n {
        f(i);
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!(
        "{label:<44} {us:>9.2} µs/request  ({:>8.0} per CPU-second)",
        1e6 / us
    );
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let root = env!("CARGO_MANIFEST_DIR");
    let example = std::fs::read_to_string(format!(
        "{root}/schemas/SF1590_A/examples/ModtagFinansbilag.request.xml"
    ))
    .expect("the SF1590_A example request");
    let t = Instant::now();
    let stub = Stub::load(StubConfig::default()).expect("the service packs load");
    println!(
        "load (every pack compiled)                   {:>9.1} ms",
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

    per_request("stage: parse to tree (depth-bounded)", n, |i| {
        let t = oir::xml::tree::parse_bounded(pick(i), 256).expect("well-formed");
        std::hint::black_box(t);
    });
    per_request("stage: schema validation (SOAP body)", n, |i| {
        let (v, _) = schemas.validate_soap(pick(i));
        assert!(v.is_valid());
    });
    let trees: Vec<_> = (0..1000)
        .map(|i| oir::xml::tree::parse(pick(i)).expect("well-formed"))
        .collect();
    let mut ctx = stub.with_tenant("", |s| s.ctx.clone());
    per_request("stage: business rules (tree → findings)", n, |i| {
        let f = stub
            .engine
            .check_tree(&trees[(i % 1000) as usize], &info, &mut ctx);
        std::hint::black_box(f);
    });
    per_request("whole pipeline: new message each time", n, |i| {
        let o = pipeline::handle(&stub, request(pick(i)));
        debug_assert_eq!(outcome(&o), "accepted");
        std::hint::black_box(o);
    });
    let same = variant(&example, 1 << 40);
    per_request("whole pipeline: resend (answer from cache)", n, |_| {
        let o = pipeline::handle(&stub, request(&same));
        std::hint::black_box(o);
    });
    let last = pipeline::handle(&stub, request(&same));
    assert_eq!(outcome(&last), "resend");
}
