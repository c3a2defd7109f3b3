//! What each fuzz target does with one input, shared by the targets (`mod harness;` in
//! each `fuzz_targets/<target>.rs`) and by the crash regression tests
//! (`tests/fuzz_regressions.rs` includes this file), so a saved crash input goes through
//! exactly the code the fuzzer ran. A function panics when it finds a bug: a panic in the
//! library, or a broken invariant asserted here.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use oir::oir::context::Context;
use oir::oir::date::Date;
use oir::oir::sortiment::{Omsaetningstabel, Sortiment, default_data_dir};
use oir::run::env::Environment;
use oir::run::steps;
use oir::run::suite::{self, Suite, scenario_info};
use oir::schema::validate::{Roots, validate};
use oir::schema::wsdl::{Contract, SoapVersion};
use oir::schema::{LoadOptions, SchemaSet, compile, load::Loader};
use oir::stub::config::check_loopback;
use oir::stub::faults::Faults;
use oir::stub::pipeline::{Incoming, Outgoing, handle};
use oir::stub::{Stub, StubConfig};
use oir::xml::tree::{self, Element};
use oir::xml::{Namespaces, Token, Tokenizer, utf8_input};

const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";
const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";

/// This checkout's `schemas/` (the library's own data folder's parent).
fn schemas() -> PathBuf {
    default_data_dir()
        .parent()
        .expect("schemas/data has a parent")
        .to_path_buf()
}

// ---------------------------------------------------------------------------------------
// xml_parse: the tokenizer (src/xml/mod.rs) and the tree builder (src/xml/tree.rs) on
// arbitrary bytes. Neither may panic, and the tree builder may only accept what the
// tokenizer accepts.

fn walk(el: &Element, depth: usize) {
    let _ = el.text();
    for a in &el.attrs {
        let _ = el.resolve_qname(&a.value);
        if let Some(ns) = &a.ns {
            let _ = el.attr_ns(ns, &a.local);
        }
    }
    if let Some(p) = &el.prefix {
        assert!(
            el.lookup_prefix(p).is_some(),
            "element prefix '{p}' is not in scope"
        );
    }
    // The builder's own depth bound keeps this recursion finite.
    if depth < 20_000 {
        for c in el.elements() {
            walk(c, depth + 1);
        }
    }
}

/// `Ok` with the tree, or the parser's error message.
pub fn xml_parse(data: &[u8]) -> Result<Element, String> {
    let tree_result = tree::parse(data);

    let input = utf8_input(data);
    let mut tok = Tokenizer::new(&input);
    let mut ns = Namespaces::default();
    let mut tokens_ok = true;
    loop {
        match tok.next_token() {
            Ok(Some(Token::Start { attrs, .. })) => {
                let _ = ns.push(&attrs);
            }
            Ok(Some(Token::End { .. })) => ns.pop(),
            Ok(Some(Token::Text(_))) => {}
            Ok(None) => break,
            Err(e) => {
                assert!(e.pos.line >= 1, "error position has line 0: {e:?}");
                tokens_ok = false;
                break;
            }
        }
    }

    match tree_result {
        Ok(root) => {
            assert!(
                tokens_ok,
                "tree::parse accepted a document the tokenizer refuses"
            );
            walk(&root, 0);
            Ok(root)
        }
        Err(e) => {
            assert!(!e.message.is_empty(), "an XML error without a message");
            Err(e.to_string())
        }
    }
}

// ---------------------------------------------------------------------------------------
// schema_load: a fuzzed schema document is loaded and compiled. An `xs:schema` goes
// through the loader in memory (`Loader::add_schema` + `compile`), and when it compiles
// the input is validated against itself as an instance (arbitrary schemas drive the
// validator); a `wsdl:definitions` goes through `Contract::load`, which reads files only,
// so it is written to one scratch file per process (on tmpfs when there is one).
// Includes and imports resolve in that otherwise empty scratch folder.

static SCRATCH: LazyLock<PathBuf> = LazyLock::new(|| {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let d = base.join(format!("oir-fuzz-schema-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch folder");
    d
});

/// What became of a schema input.
#[derive(Debug)]
pub enum SchemaOutcome {
    /// Not well-formed, or neither `xs:schema` nor `wsdl:definitions`.
    NotASchema,
    Compiled,
    /// A load or compile error: file, line, message.
    Refused(String),
}

pub fn schema_load(data: &[u8]) -> SchemaOutcome {
    let Ok(root) = tree::parse(data) else {
        return SchemaOutcome::NotASchema; // the xml_parse target's ground
    };
    let dir: &Path = &SCRATCH;
    if root.is(XSD_NS, "schema") {
        let mut loader = Loader::new(LoadOptions::default());
        let added = loader.add_schema(
            Arc::new(root),
            Arc::from("fuzz.xsd"),
            dir.join("fuzz.xsd"),
            None,
            dir.to_path_buf(),
        );
        let result = added.and_then(|_| compile::compile(&loader));
        match result {
            Ok(model) => {
                let (v, _) = validate(&model, data, Roots::Document);
                let _ = serde_json::to_string(&v);
                SchemaOutcome::Compiled
            }
            Err(e) => {
                assert!(!e.message.is_empty(), "a schema error without a message");
                SchemaOutcome::Refused(e.to_string())
            }
        }
    } else if root.is(WSDL_NS, "definitions") {
        let path = dir.join("fuzz.wsdl");
        std::fs::write(&path, data).expect("scratch file");
        let loaded = Contract::load(&path, &LoadOptions::default());
        // Gone before the next input, which must not see this one (reproducible runs).
        let _ = std::fs::remove_file(&path);
        match loaded {
            Ok(c) => {
                for op in &c.operations {
                    if let Some(q) = &op.input {
                        let _ = c.operation_for_payload(q.ns.as_deref(), &q.local);
                    }
                }
                SchemaOutcome::Compiled
            }
            Err(e) => {
                assert!(!e.message.is_empty(), "a WSDL error without a message");
                SchemaOutcome::Refused(e.to_string())
            }
        }
    } else {
        SchemaOutcome::NotASchema
    }
}

// ---------------------------------------------------------------------------------------
// validate_instance: SF1590_A's message schema and its mass-delivery documents, compiled
// once; the input is validated as a SOAP message (payload in place) and as a document.

static SF1590_A: LazyLock<SchemaSet> = LazyLock::new(|| {
    let pack = schemas().join("SF1590_A");
    let files = [
        pack.join("ModtagFinansbilagMsg.xsd"),
        pack.join("xsd/FinansbilagMasseleveranceTypes.xsd"),
    ];
    SchemaSet::load_xsds(&files, &LoadOptions::default()).expect("SF1590_A schemas compile")
});

/// (findings as a SOAP message, findings as a document).
pub fn validate_instance(data: &[u8]) -> (Vec<oir::schema::Finding>, Vec<oir::schema::Finding>) {
    let (soap, _envelope) = SF1590_A.validate_soap(data);
    let doc = SF1590_A.validate_document(data);
    for f in soap.findings.iter().chain(&doc.findings) {
        assert!(
            !f.constraint.is_empty(),
            "a finding without a constraint: {f:?}"
        );
        assert!(!f.message.is_empty(), "a finding without a message: {f:?}");
    }
    let _ = serde_json::to_string(&soap);
    (soap.findings, doc.findings)
}

// ---------------------------------------------------------------------------------------
// soap_envelope: request bodies through the stub's whole pipeline (`pipeline::handle`:
// transport, XML, envelope, routing, security context, schema, business rules, state,
// answer). The stub is loaded once from every service pack with a fixed "today" and is
// reset before each input, so a run is reproducible.
//
// Input: up to four request bodies separated by three NUL bytes (never in an XML
// document), sent in order, so state-dependent rules (duplicates, known accounts) are
// reachable. Each body goes to the service, with the SOAPAction, of the operation whose
// request element comes first among the body's element names (a scan for `<prefix:name`,
// not a parse), else to the first service without an action. Every answer must be
// well-formed XML.

struct Route {
    path: String,
    action: Option<String>,
    soap: SoapVersion,
}

/// The stub, and the route of each request element's local name.
static STUB: LazyLock<(Stub, HashMap<Vec<u8>, Route>)> = LazyLock::new(|| {
    let config = StubConfig {
        today: Date::new(2025, 6, 30),
        validate_answers: true,
        ..StubConfig::default()
    };
    let stub = Stub::load(config).expect("the stub loads from the service packs");
    let mut routes = HashMap::new();
    for svc in &stub.catalog.services {
        for o in &svc.operations {
            if let Some(q) = &o.op.input {
                routes
                    .entry(q.local.as_bytes().to_vec())
                    .or_insert_with(|| Route {
                        path: svc.path.clone(),
                        action: o.op.soap_action.clone(),
                        soap: svc.soap,
                    });
            }
        }
    }
    (stub, routes)
});

/// Local names after each `<` (a byte scan, no `memcmp` per position: libFuzzer hooks it).
fn element_names(body: &[u8]) -> impl Iterator<Item = &[u8]> {
    body.split(|&b| b == b'<').skip(1).map(|s| {
        let end = s
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b"_-.:".contains(&b) || b >= 0x80))
            .unwrap_or(s.len());
        let qname = &s[..end];
        match qname.iter().rposition(|&b| b == b':') {
            Some(i) => &qname[i + 1..],
            None => qname,
        }
    })
}

/// The bodies of an input: at most four, split at three NUL bytes (compared byte by
/// byte, not with `memcmp`, which libFuzzer hooks and which would dominate the run).
fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 3 <= data.len() && parts.len() < 3 {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 0 {
            parts.push(&data[start..i]);
            i += 3;
            start = i;
        } else {
            i += 1;
        }
    }
    parts.push(&data[start..]);
    parts
}

/// The stub's answers, one per request body.
pub fn soap_envelope(data: &[u8]) -> Vec<Outgoing> {
    let (stub, routes) = &*STUB;
    stub.reset();
    let mut answers = Vec::new();
    for body in split(data) {
        let first = &stub.catalog.services[0];
        let (path, action, soap) = match element_names(body).find_map(|n| routes.get(n)) {
            Some(r) => (r.path.clone(), r.action.clone(), r.soap),
            None => (first.path.clone(), None, first.soap),
        };
        let content_type = match soap {
            SoapVersion::Soap11 => "text/xml; charset=utf-8".to_string(),
            SoapVersion::Soap12 => format!(
                "application/soap+xml; charset=utf-8; action=\"{}\"",
                action.as_deref().unwrap_or("")
            ),
        };
        let inc = Incoming {
            method: "POST".into(),
            path,
            content_type: Some(content_type),
            soap_action: action.map(|a| format!("\"{a}\"")),
            body: body.to_vec(),
            oversized: None,
            tenant: String::new(),
        };
        let out = handle(stub, inc);
        assert!(
            (100..=599).contains(&out.status),
            "HTTP status {} out of range",
            out.status
        );
        if !out.drop
            && let Err(e) = tree::parse(&out.body)
        {
            panic!(
                "the stub answered with XML that is not well-formed ({e}):\n{}",
                String::from_utf8_lossy(&out.body)
            );
        }
        answers.push(out);
    }
    answers
}

// ---------------------------------------------------------------------------------------
// yaml_config: every YAML the tool reads from a user, parsed from the same text — the
// stub config (`oir stub --config`), the run environment (`--env`), the initial state
// (rule-example `kontekst`), the sortiment and the omsætningstabel. Relative paths
// resolve in a folder that does not exist, so nothing is read.

const BASE: &str = "/nonexistent/oir-fuzz";

/// The error messages of the five parsers (`None`: parsed), or `None` for non-UTF-8 input.
pub fn yaml_config(data: &[u8]) -> Option<[Option<String>; 5]> {
    let text = std::str::from_utf8(data).ok()?;
    let stub = match StubConfig::from_yaml(text, Path::new(BASE)) {
        Ok(c) => {
            let _ = check_loopback(&c.listen);
            let _ = Faults::new(c.seed, &c.overrides);
            None
        }
        Err(e) => Some(e),
    };
    let env = match Environment::from_yaml(text) {
        Ok(env) => {
            let _ = env.endpoint("ModtagFinansbilag", Some("SF1590_A"), "/service/x");
            let _ = env.label();
            None
        }
        Err(e) => Some(e),
    };
    let ctx = Context::from_yaml("fuzz.context.yaml", text, Path::new(BASE))
        .err()
        .map(|e| e.message);
    let sortiment = Sortiment::from_yaml("fuzz.sortiment.yaml", text)
        .err()
        .map(|e| e.message);
    let table = Omsaetningstabel::from_yaml("fuzz.omsaetningstabel.yaml", text)
        .err()
        .map(|e| e.message);
    let all = [stub, env, ctx, sortiment, table];
    for m in all.iter().flatten() {
        assert!(!m.is_empty(), "a YAML error without a message");
    }
    Some(all)
}

// ---------------------------------------------------------------------------------------
// feature_parse: a feature text (English, or Danish with `# language: da`) through
// `suite::parse`, then what `oir lint` and the reports do with a parsed feature: step
// lookup in the step library and the scenario descriptions.

/// The number of scenarios, or the parse problem's message; `None` for non-UTF-8 input.
pub fn feature_parse(data: &[u8]) -> Option<Result<usize, String>> {
    let text = std::str::from_utf8(data).ok()?;
    Some(match suite::parse("fuzz.feature", text) {
        Ok(lf) => {
            let mut s = Suite::default();
            s.features.push(lf);
            if let Some(b) = &s.features[0].feature.background {
                for st in &b.steps {
                    let _ = steps::find(&st.value);
                }
            }
            let scenarios = s.scenarios();
            for (lf, rule, sc) in &scenarios {
                let info = scenario_info(&lf.rel_path, &lf.language, &lf.feature, *rule, sc);
                assert!(
                    info.id.starts_with("fuzz.feature:"),
                    "scenario id {}",
                    info.id
                );
                for st in &sc.steps {
                    let _ = steps::find(&st.value);
                }
            }
            Ok(scenarios.len())
        }
        Err(p) => {
            assert!(!p.message.is_empty(), "a parse problem without a message");
            Err(p.message)
        }
    })
}
