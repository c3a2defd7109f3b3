//! The virtualization stub end to end, in-process (`tower::ServiceExt::oneshot` on the
//! axum app) and over a real loopback socket where sockets matter: every example request
//! of every service pack gets a schema-valid accepted answer, every rule example comes
//! back AFVIST with its rule's code, the platform's faults for context, routing and
//! hostile input, idempotent resends, the ledger, `?wsdl` with its imports.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use oir::stub::catalog::{Service, pack_of};
use oir::stub::{Stub, StubConfig, app};
use oir::xml::tree::{self, Element};
use tower::ServiceExt;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pack(name: &str) -> PathBuf {
    root().join("schemas").join(name)
}

const MF_PATH: &str = "/service/OIR/ModtagFinansbilag/2";
const MF_ACTION: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/ModtagFinansbilag";

fn config(packs: Vec<PathBuf>) -> StubConfig {
    StubConfig {
        packs,
        // The examples' dates are in 2025.
        today: oir::oir::date::Date::new(2025, 6, 30),
        validate_answers: true,
        ..StubConfig::default()
    }
}

fn load(c: StubConfig) -> Arc<Stub> {
    Arc::new(Stub::load(c).unwrap_or_else(|e| panic!("stub loads: {e}")))
}

struct Answer {
    status: u16,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    fn tree(&self) -> Element {
        tree::parse(self.body.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{}", self.body))
    }
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let r = app.clone().oneshot(req).await.expect("infallible");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let bytes = r.into_body().collect().await.expect("body").to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn post(app: &Router, path: &str, action: Option<&str>, body: impl Into<Vec<u8>>) -> Answer {
    let mut b = Request::post(path).header("content-type", "text/xml; charset=utf-8");
    if let Some(a) = action {
        b = b.header("soapaction", format!("\"{a}\""));
    }
    send(app, b.body(Body::from(body.into())).unwrap()).await
}

async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn admin_json(app: &Router, uri: &str) -> serde_json::Value {
    let a = get(app, uri).await;
    assert_eq!(a.status, 200, "{uri}: {}", a.body);
    serde_json::from_str(&a.body).expect("json")
}

async fn reset(app: &Router) {
    let a = send(
        app,
        Request::post("/__admin/reset").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(a.status, 200);
}

/// Every descendant (or self) with this local name.
fn all<'e>(e: &'e Element, local: &str) -> Vec<&'e Element> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        if x.local == local {
            out.push(x);
        }
        let mut kids: Vec<&Element> = x.elements().collect();
        kids.reverse();
        stack.extend(kids);
    }
    out
}

fn text(e: &Element, local: &str) -> Option<String> {
    all(e, local).first().map(|x| x.text().trim().to_string())
}

fn body_child(env: &Element) -> &Element {
    env.elements()
        .find(|e| e.local == "Body")
        .and_then(|b| b.elements().next())
        .expect("Body payload")
}

/// The service and SOAPAction whose operation takes this request's payload.
fn route_for<'s>(stub: &'s Stub, request: &[u8]) -> (&'s Service, String) {
    let t = tree::parse(request).expect("example parses");
    let p = body_child(&t);
    for s in &stub.catalog.services {
        for o in &s.operations {
            if o.op
                .input
                .as_ref()
                .is_some_and(|q| q.is(p.ns.as_deref(), &p.local))
            {
                return (s, o.op.soap_action.clone().unwrap_or_default());
            }
        }
    }
    panic!("no operation takes {}", p.local)
}

/// The answer validates against the service's contract.
fn assert_valid(svc: &Service, a: &Answer, what: &str) {
    let (v, _) = svc.contract.schemas.validate_soap(a.body.as_bytes());
    assert!(
        v.is_valid(),
        "{what}: answer is not schema-valid: {:?}\n{}",
        v.findings,
        a.body
    );
}

/// The fault's detail element validates on its own against the contract.
fn assert_fault_detail_valid(svc: &Service, a: &Answer, code: &str) {
    let t = a.tree();
    let detail = all(&t, "detail");
    let d = detail
        .first()
        .and_then(|d| d.elements().next())
        .expect("fault detail");
    let doc = oir::stub::xmlout::document(d);
    let v = svc.contract.schemas.validate_document(doc.as_bytes());
    assert!(
        v.is_valid(),
        "fault detail invalid: {:?}\n{doc}",
        v.findings
    );
    assert!(a.body.contains(code), "{code} not in {}", a.body);
}

/// Operation → the example (path, file in the same pack) whose state its example asks about.
const PRECONDITIONS: [(&str, &str, &str); 2] = [
    (
        "HentForretningskvittering",
        "/service/OIR/NKSBetalingsanmodningAfsend/1",
        "AfsendBetalingsanmodning.request.xml",
    ),
    (
        "HentForretningssvar",
        "/service/OIR/NKSBetalingsanmodningAfsend/1",
        "AfsendBetalingsanmodning.request.xml",
    ),
];

#[tokio::test]
async fn every_operation_answers_its_example_with_a_valid_accepted_receipt() {
    let stub = load(config(oir::stub::config::default_packs()));
    let app = app(Arc::clone(&stub));
    let mut checked = 0;
    let mut problems = Vec::new();
    for svc in &stub.catalog.services {
        let dir = pack_of(&svc.wsdl).expect("pack").join("examples");
        for entry in &svc.operations {
            let name = format!("{} {}", svc.name, entry.op.name);
            if entry.example_request.is_none() {
                problems.push(format!("{name}: no example request"));
                continue;
            }
            let file = dir.join(&entry.example_files[0]);
            let request = std::fs::read(&file).unwrap();
            reset(&app).await;
            // Queries about state another example creates get that example first.
            if let Some((path, before)) = PRECONDITIONS
                .iter()
                .find(|(op, _, _)| *op == entry.op.name)
                .map(|(_, path, file)| (path, dir.join(file)))
            {
                let a = post(&app, path, None, std::fs::read(&before).unwrap()).await;
                if a.header("x-oir-outcome") != Some("accepted") {
                    problems.push(format!("{name}: precondition refused: {}", a.body));
                }
            }
            let a = post(
                &app,
                &svc.path,
                entry.op.soap_action.as_deref(),
                request.clone(),
            )
            .await;
            checked += 1;
            if a.status != 200 {
                problems.push(format!("{name}: status {}: {}", a.status, a.body));
                continue;
            }
            let (v, _) = svc.contract.schemas.validate_soap(a.body.as_bytes());
            if !v.is_valid() {
                problems.push(format!("{name}: invalid answer {:?}", v.findings));
            }
            let t = a.tree();
            let payload = body_child(&t);
            if !entry
                .op
                .output
                .as_ref()
                .is_some_and(|q| q.is(payload.ns.as_deref(), &payload.local))
            {
                problems.push(format!("{name}: answer is {}", payload.local));
            }
            let kode = text(payload, "ForretningsValideringsKode").unwrap_or_default();
            if !matches!(kode.as_str(), "ACCEPTERET" | "MODTAGET" | "AFLEVERET") {
                problems.push(format!("{name}: receipt {kode}: {}", a.body));
            }
            let receipt = all(payload, "Forretningskvittering");
            if receipt
                .first()
                .is_some_and(|r| !all(r, "FejlListe").is_empty())
            {
                problems.push(format!("{name}: FejlListe in an accepted answer"));
            }
            let req_id = text(&tree::parse(&request).unwrap(), "BeskedUUID");
            if text(payload, "RelateretBeskedUUID") != req_id {
                problems.push(format!("{name}: RelateretBeskedUUID is not the request's"));
            }
            if a.header("x-oir-answer-valid") != Some("true") {
                problems.push(format!("{name}: the stub did not validate its answer"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // 12 services, 31 operations in the packs today.
    assert!(checked >= 30, "only {checked} operations checked");
}

/// `<!-- NAME: ... -->`
fn marker<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let open = format!("<!-- {name}:");
    let i = text.find(&open)?;
    let rest = &text[i + open.len()..];
    Some(rest[..rest.find("-->")?].trim())
}

#[tokio::test]
async fn rule_examples_are_rejected_with_their_rule_code() {
    let stub = load(config(oir::stub::config::default_packs()));
    let app = app(Arc::clone(&stub));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("schemas"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("rule-examples"))
        .filter(|p| p.is_dir())
        .flat_map(|d| std::fs::read_dir(d).unwrap().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    let mut checked = 0;
    for file in &files {
        let name = file.display().to_string();
        let raw = std::fs::read_to_string(file).unwrap();
        let Some(expect) = marker(&raw, "expect") else {
            eprintln!("skip {name}: no expect comment");
            continue;
        };
        let mut parts = expect.split_whitespace();
        let (rule, code, path) = (
            parts.next().unwrap().to_string(),
            parts.next().unwrap().to_string(),
            parts.next().unwrap().to_string(),
        );
        reset(&app).await;
        // State the example needs: the context YAML, and the earlier messages it names.
        let ctx_file = file.with_extension("context.yaml");
        let mut first_answer = None;
        if ctx_file.exists() {
            let yaml = std::fs::read_to_string(&ctx_file).unwrap();
            let a = send(
                &app,
                Request::post("/__admin/context")
                    .body(Body::from(yaml))
                    .unwrap(),
            )
            .await;
            assert_eq!(a.status, 200, "{name}: context: {}", a.body);
            let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
            for earlier in v["not_loaded"]["modtagne_beskeder"].as_array().unwrap() {
                let p = ctx_file.parent().unwrap().join(earlier.as_str().unwrap());
                let bytes = std::fs::read(&p).unwrap();
                let (svc, action) = route_for(&stub, &bytes);
                let a = post(&app, &svc.path, Some(&action), bytes).await;
                assert_eq!(
                    a.header("x-oir-outcome"),
                    Some("accepted"),
                    "{name}: earlier {}",
                    a.body
                );
                first_answer = Some(a.body);
            }
        }
        let (svc, action) = route_for(&stub, raw.as_bytes());
        let a = post(&app, &svc.path, Some(&action), raw.clone()).await;
        checked += 1;
        if rule == "OIR-IDM-002" {
            // A resend: the first answer again, nothing rejected.
            assert_eq!(
                a.header("x-oir-outcome"),
                Some("resend"),
                "{name}: {}",
                a.body
            );
            assert_eq!(
                Some(&a.body),
                first_answer.as_ref(),
                "{name}: not the same answer"
            );
            continue;
        }
        if let Some(constraint) = marker(&raw, "expect-schema") {
            // Schema-invalid too: a TransportKvittering fault that lists the schema error
            // and the rule.
            assert_eq!(a.status, 500, "{name}: {}", a.body);
            assert_eq!(a.header("x-oir-fault"), Some("TK-SCHEMA"), "{name}");
            assert!(
                a.body.contains(constraint),
                "{name}: {constraint} missing: {}",
                a.body
            );
            assert!(a.body.contains(&code), "{name}: {code} missing: {}", a.body);
            assert_fault_detail_valid(svc, &a, &code);
            continue;
        }
        assert_eq!(a.status, 200, "{name}: {}", a.body);
        assert_eq!(
            a.header("x-oir-outcome"),
            Some("rejected"),
            "{name}: {}",
            a.body
        );
        assert_valid(svc, &a, &name);
        let t = a.tree();
        assert_eq!(
            text(&t, "ForretningsValideringsKode").as_deref(),
            Some("AFVIST"),
            "{name}"
        );
        let fejl = all(&t, "Fejl");
        let hit = fejl
            .iter()
            .find(|f| text(f, "FejlKode").as_deref() == Some(code.as_str()));
        let hit = hit.unwrap_or_else(|| panic!("{name}: {code} not in FejlListe:\n{}", a.body));
        assert_eq!(
            text(hit, "ElementSti").as_deref(),
            Some(path.as_str()),
            "{name}"
        );
        assert!(
            text(hit, "FejlTekst").is_some_and(|t| t.contains(&rule)),
            "{name}"
        );
        for f in ["Alvorlighed", "Konsekvens", "Afhjaelpning"] {
            assert!(text(hit, f).is_some(), "{name}: no {f}");
        }
        assert!(text(&t, "Begrundelse").is_some(), "{name}: no Begrundelse");
    }
    assert!(checked >= 20, "only {checked} rule examples checked");
}

fn mf_request() -> String {
    std::fs::read_to_string(pack("SF1590_A").join("examples/ModtagFinansbilag.request.xml"))
        .unwrap()
}

fn without_context(x: &str) -> String {
    let a = x.find("<invctx:InvocationContext>").unwrap();
    let end = "</invctx:InvocationContext>";
    let b = x.find(end).unwrap() + end.len();
    format!("{}{}", &x[..a], &x[b..])
}

#[tokio::test]
async fn missing_or_invalid_context_is_a_serviceplatform_fault() {
    let stub = load(config(vec![pack("SF1590_A")]));
    let app = app(Arc::clone(&stub));
    let svc = stub.catalog.service_at(MF_PATH).unwrap();
    let req = mf_request();

    let a = post(&app, MF_PATH, Some(MF_ACTION), without_context(&req)).await;
    assert_eq!(a.status, 500, "{}", a.body);
    assert_eq!(a.header("x-oir-fault"), Some("SP-SEC-001"));
    assert!(a.body.contains("<faultcode>soapenv:Client</faultcode>"));
    assert!(
        a.body
            .contains("Security model for the called operation was not provided")
    );
    assert_fault_detail_valid(svc, &a, "SP-SEC-001");

    let bad = req.replace(
        "<invctx:ServiceUUID>63610af5-3a70-4ff2-b04f-b5e6d13fd8b9</invctx:ServiceUUID>",
        "<invctx:ServiceUUID>NOT-A-UUID</invctx:ServiceUUID>",
    );
    assert_ne!(bad, req);
    let a = post(&app, MF_PATH, Some(MF_ACTION), bad).await;
    assert_eq!(a.status, 500, "{}", a.body);
    assert_eq!(a.header("x-oir-fault"), Some("SP-SEC-002"));
    assert_fault_detail_valid(svc, &a, "SP-SEC-002");

    // A missing required part of the context is malformed too.
    let partial = req.replace(
        "<invctx:UserUUID>7b000000-0000-4000-8000-000000000001</invctx:UserUUID>",
        "",
    );
    let a = post(&app, MF_PATH, Some(MF_ACTION), partial).await;
    assert_eq!(a.header("x-oir-fault"), Some("SP-SEC-002"), "{}", a.body);

    // AuthorityContext is the other accepted security model.
    let auth = without_context(&req).replace(
        "<fin:Hovedoplysninger>",
        "<authctx:AuthorityContext xmlns:authctx=\"http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/\"><authctx:MunicipalityCVR>58271713</authctx:MunicipalityCVR></authctx:AuthorityContext><fin:Hovedoplysninger>",
    );
    let a = post(&app, MF_PATH, Some(MF_ACTION), auth).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"));
}

#[tokio::test]
async fn soap_action_routes_and_a_wrong_one_is_a_fault() {
    let stub = load(config(vec![pack("SF1590_B_01")]));
    let app = app(Arc::clone(&stub));
    let path = "/service/OIR/DebitorRegistreringAfsend/1";
    let svc = stub.catalog.service_at(path).unwrap();
    let req =
        std::fs::read(pack("SF1590_B_01").join("examples/OpretDebitorkonto.request.xml")).unwrap();
    let ns = "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/DebitorRegistreringAfsend/1/";

    // Another operation's SOAPAction: the payload does not match it.
    let a = post(
        &app,
        path,
        Some(&format!("{ns}AfslutHaeftelse")),
        req.clone(),
    )
    .await;
    assert_eq!(a.status, 500, "{}", a.body);
    assert_eq!(a.header("x-oir-fault"), Some("SP-ROUTE-003"));
    assert_fault_detail_valid(svc, &a, "SP-ROUTE-003");

    // An action the service does not have.
    let a = post(&app, path, Some(&format!("{ns}Nonsense")), req.clone()).await;
    assert_eq!(a.header("x-oir-fault"), Some("SP-ROUTE-002"), "{}", a.body);
    assert!(
        a.body.contains("OpretDebitorkonto"),
        "the fault lists the known actions"
    );

    // The right action, and no action (dispatch by the payload's QName).
    let a = post(
        &app,
        path,
        Some(&format!("{ns}OpretDebitorkonto")),
        req.clone(),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    reset(&app).await;
    let a = post(&app, path, None, req.clone()).await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);

    // The right payload at another service's path.
    let a = post(
        &app,
        "/service/OIR/DebitorkontoAnmodningAfsend/1",
        None,
        req,
    )
    .await;
    assert_eq!(a.header("x-oir-fault"), Some("SP-ROUTE-002"), "{}", a.body);

    // Unknown path.
    let a = post(&app, "/service/OIR/Nothing/1", None, "<x/>").await;
    assert_eq!(a.status, 404);
    assert_eq!(a.header("x-oir-fault"), Some("SP-ROUTE-001"));
}

#[tokio::test]
async fn hostile_and_broken_requests_are_faults_and_the_stub_carries_on() {
    let mut c = config(vec![pack("SF1590_A")]);
    c.max_body_bytes = 64 * 1024;
    let stub = load(c);
    let app = app(Arc::clone(&stub));
    let req = mf_request();

    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("malformed", req.as_bytes()[..req.len() / 2].to_vec(), 500, "SP-XML-001"),
        ("not xml", b"hello".to_vec(), 500, "SP-XML-001"),
        ("empty", Vec::new(), 500, "SP-XML-001"),
        (
            "billion laughs",
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>{}",
                req.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                    .replace("Udbetaling af sygedagpenge uge 9", "&lol2;")
            )
            .into_bytes(),
            500,
            "SP-XML-002",
        ),
        (
            "external entity",
            b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>".to_vec(),
            500,
            "SP-XML-002",
        ),
        (
            "too deep",
            format!("{}{}", "<a>".repeat(300), "</a>".repeat(300)).into_bytes(),
            500,
            "SP-XML-003",
        ),
        ("not an envelope", b"<a xmlns=\"urn:x\"/>".to_vec(), 500, "SP-SOAP-001"),
        (
            "soap 1.2 envelope",
            b"<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body/></e:Envelope>"
                .to_vec(),
            500,
            "SP-SOAP-001",
        ),
        (
            "empty body",
            b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>"
                .to_vec(),
            500,
            "SP-SOAP-002",
        ),
        ("oversized", vec![b' '; 100 * 1024], 413, "SP-HTTP-413"),
    ];
    for (what, body, status, code) in cases {
        let a = post(&app, MF_PATH, Some(MF_ACTION), body).await;
        assert_eq!(a.status, status, "{what}: {}", a.body);
        assert_eq!(a.header("x-oir-fault"), Some(code), "{what}: {}", a.body);
        assert!(
            tree::parse(a.body.as_bytes()).is_ok(),
            "{what}: fault is XML"
        );
    }
    // A body without a declared length (chunked) is cut at the limit as well.
    let stream = futures_body(vec![vec![b' '; 40 * 1024], vec![b' '; 40 * 1024]]);
    let a = send(
        &app,
        Request::post(MF_PATH)
            .header("content-type", "text/xml")
            .body(stream)
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, 413, "{}", a.body);

    // Wrong content type, wrong method.
    let a = send(
        &app,
        Request::post(MF_PATH)
            .header("content-type", "application/json")
            .body(Body::from(req.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, 415);
    assert_eq!(a.header("x-oir-fault"), Some("SP-HTTP-415"));
    let a = get(&app, MF_PATH).await;
    assert_eq!(a.status, 405);

    // Schema-invalid payload: a TransportKvittering fault.
    let bad = req.replace(
        "<fin:Beloeb>1250.00</fin:Beloeb>",
        "<fin:Beloeb>12,50</fin:Beloeb>",
    );
    let a = post(&app, MF_PATH, Some(MF_ACTION), bad).await;
    assert_eq!(a.header("x-oir-fault"), Some("TK-SCHEMA"), "{}", a.body);
    assert_fault_detail_valid(stub.catalog.service_at(MF_PATH).unwrap(), &a, "cvc-");

    // Garbage of many shapes: always a fault, never a panic.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for i in 0..200 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let cut = (seed as usize) % req.len();
        let mut b = req.as_bytes()[..cut].to_vec();
        b.extend_from_slice(&req.as_bytes()[(cut + (i % 7)).min(req.len())..]);
        let a = post(&app, MF_PATH, Some(MF_ACTION), b).await;
        assert!(matches!(a.status, 200 | 500), "case {i}: {}", a.status);
    }

    // After all that, a valid request still succeeds.
    reset(&app).await;
    let a = post(&app, MF_PATH, Some(MF_ACTION), req).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"));
}

/// A streamed body with no declared length.
fn futures_body(chunks: Vec<Vec<u8>>) -> Body {
    Body::new(Chunked(
        chunks.into_iter().map(bytes::Bytes::from).collect(),
    ))
}

struct Chunked(std::collections::VecDeque<bytes::Bytes>);

impl http_body::Body for Chunked {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.0.pop_front().map(|b| Ok(http_body::Frame::data(b))))
    }
}

#[tokio::test]
async fn a_resend_gets_the_same_answer_and_books_nothing_twice() {
    let stub = load(config(vec![pack("SF1590_A")]));
    let app = app(Arc::clone(&stub));
    let req = mf_request();
    let first = post(&app, MF_PATH, Some(MF_ACTION), req.clone()).await;
    assert_eq!(first.header("x-oir-outcome"), Some("accepted"));
    // Another prefix and another security context do not make it another message.
    let again = req
        .replace("fin:", "f:")
        .replace("xmlns:fin=", "xmlns:f=")
        .replace(
            "7b000000-0000-4000-8000-000000000001",
            "7b000000-0000-4000-8000-000000000009",
        );
    let second = post(&app, MF_PATH, Some(MF_ACTION), again).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.header("x-oir-outcome"), Some("resend"));
    assert_eq!(first.body, second.body);
    let ledger = admin_json(&app, "/__admin/ledger").await;
    assert_eq!(ledger["bilag"].as_array().unwrap().len(), 1, "{ledger}");
    // The same BeskedUUID with other content is a duplicate: rejected.
    let changed = req
        .replace(
            "<fin:Beloeb>1250.00</fin:Beloeb>",
            "<fin:Beloeb>1300.00</fin:Beloeb>",
        )
        .replace(
            "<fin:Beloeb>-1250.00</fin:Beloeb>",
            "<fin:Beloeb>-1300.00</fin:Beloeb>",
        );
    let third = post(&app, MF_PATH, Some(MF_ACTION), changed).await;
    assert_eq!(
        third.header("x-oir-outcome"),
        Some("rejected"),
        "{}",
        third.body
    );
    assert!(
        third
            .body
            .contains("<fin:FejlKode>OIR-I-001</fin:FejlKode>")
    );
    let journal = admin_json(&app, "/__admin/journal").await;
    let outcomes: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["accepted", "resend", "rejected"]);
}

#[tokio::test]
async fn the_ledger_shows_an_accepted_voucher_on_its_mapped_accounts_netting_to_zero() {
    let stub = load(config(vec![pack("SF1590_A")]));
    let app = app(Arc::clone(&stub));
    let a = post(&app, MF_PATH, Some(MF_ACTION), mf_request()).await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"));
    let table = stub.engine.table.as_ref().unwrap();
    let konto = |art: &str, funktion: &str| {
        table
            .account_for(&[
                ("art".into(), art.into()),
                ("funktion".into(), funktion.into()),
            ])
            .unwrap()
            .account
            .clone()
    };
    let expense = konto(
        "a1000000-0000-4000-8000-000000000001",
        "f1000000-0000-4000-8000-000000000001",
    );
    let bank = konto(
        "a1000000-0000-4000-8000-000000000004",
        "f1000000-0000-4000-8000-000000000003",
    );
    let ledger = admin_json(&app, "/__admin/ledger").await;
    let konti = ledger["konti"].as_array().unwrap();
    let saldo = |k: &str| {
        konti
            .iter()
            .find(|x| x["konto"] == k)
            .map(|x| x["saldo"].as_str().unwrap().to_string())
    };
    assert_eq!(saldo(&expense).as_deref(), Some("1250.00"), "{ledger}");
    assert_eq!(saldo(&bank).as_deref(), Some("-1250.00"), "{ledger}");
    assert_eq!(konti.len(), 2);
    assert_eq!(ledger["netto"], "0.00");
    let postings = konti[0]["posteringer"].as_array().unwrap();
    assert_eq!(postings[0]["bilag"], "fb000000-0000-4000-8000-000000000001");
    // A rejected voucher books nothing.
    let unbalanced =
        std::fs::read(pack("SF1590_A").join("rule-examples/SF1590A-BAL-001.xml")).unwrap();
    reset(&app).await;
    let a = post(&app, MF_PATH, Some(MF_ACTION), unbalanced).await;
    assert_eq!(a.header("x-oir-outcome"), Some("rejected"));
    let ledger = admin_json(&app, "/__admin/ledger").await;
    assert!(ledger["konti"].as_array().unwrap().is_empty(), "{ledger}");
}

#[tokio::test]
async fn registration_then_payment_is_judged_against_the_state() {
    let stub = load(config(vec![pack("SF1590_B_01")]));
    let app = app(Arc::clone(&stub));
    let ex =
        |n: &str| std::fs::read_to_string(pack("SF1590_B_01").join("examples").join(n)).unwrap();
    let reg = "/service/OIR/DebitorRegistreringAfsend/1";
    let pay = "/service/OIR/ModtagDebitorregistreringStraksleverance/3";
    let a = post(&app, reg, None, ex("OpretDebitorkonto.request.xml")).await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let state = admin_json(&app, "/__admin/state").await;
    let konti = state["debitorkonti"].as_array().unwrap();
    assert_eq!(
        konti[0]["ejer"], "6a000000-0000-4000-8000-000000000001",
        "{state}"
    );

    // 1200.00 of the 4200.00 principal is paid: the answer says what is left.
    let a = post(&app, pay, None, ex("ForetagIndbetaling.request.xml")).await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let t = a.tree();
    let d = all(&t, "Daekning")
        .into_iter()
        .find(|d| {
            text(d, "DelfordringUUID").as_deref() == Some("d0000000-0000-4000-8000-000000000001")
        })
        .expect("Daekning of the known delfordring");
    assert_eq!(text(d, "DaekketBeloeb").as_deref(), Some("1200.00"));
    assert_eq!(text(d, "RestBeloeb").as_deref(), Some("3000.00"));
    let state = admin_json(&app, "/__admin/state").await;
    assert_eq!(state["indbetalinger"].as_array().unwrap().len(), 1);

    // Paying more than is left is rejected by SF1590B-PAY-001 (code OIR-B-006).
    let over = ex("ForetagIndbetaling.request.xml")
        .replace(
            "ae000000-0000-4000-8000-000000000016",
            "ae000000-0000-4000-8000-0000000000f1",
        )
        .replace(
            "ec000000-0000-4000-8000-000000000001",
            "ec000000-0000-4000-8000-0000000000f1",
        )
        .replace(
            "<deb:Beloeb>1500.00</deb:Beloeb>",
            "<deb:Beloeb>3300.00</deb:Beloeb>",
        )
        .replace(
            "<deb:Beloeb>1200.00</deb:Beloeb>",
            "<deb:Beloeb>3000.01</deb:Beloeb>",
        );
    let a = post(&app, pay, None, over).await;
    assert_eq!(a.header("x-oir-outcome"), Some("rejected"), "{}", a.body);
    assert!(a.body.contains("OIR-B-006"), "{}", a.body);
    let svc = stub.catalog.service_at(pay).unwrap();
    assert_valid(svc, &a, "overpayment");
}

/// SF1590_E: the business answers report on the payment requests the client sent: a
/// transaction to an unknown bank is AFVIST (NKS-0217, pointing at it), one due after the
/// stub's today is UNDER_BEHANDLING, the rest GENNEMFOERT; an unknown delivery has no
/// answers and its receipt is AFVIST.
#[tokio::test]
async fn payment_requests_get_business_answers_from_the_state() {
    let mut c = config(vec![pack("SF1590_E")]);
    c.today = oir::oir::date::Date::new(2025, 3, 4);
    let stub = load(c);
    let app = app(Arc::clone(&stub));
    let ex = |n: &str| std::fs::read_to_string(pack("SF1590_E").join("examples").join(n)).unwrap();
    let send_path = "/service/OIR/NKSBetalingsanmodningAfsend/1";
    let hent = "/service/OIR/NKSForretningssvarHent/1";
    let hent_svc = stub.catalog.service_at(hent).unwrap();
    let svar = |lev: &str, n: u32| {
        ex("HentForretningssvar.request.xml")
            .replace("ee000000-0000-4000-8000-000000000001", lev)
            .replace(
                "ae000000-0000-4000-8000-000000000031",
                &format!("ae000000-0000-4000-8000-0000000001{n:02}"),
            )
    };
    let statuses = |t: &Element| -> Vec<(String, String)> {
        all(t, "Transaktionssvar")
            .iter()
            .map(|x| {
                (
                    text(x, "BetalingstransaktionUUID").unwrap(),
                    text(x, "Transaktionsstatus").unwrap(),
                )
            })
            .collect()
    };

    // Nothing sent yet: no answers, and the receipt says the delivery is unknown.
    let a = post(
        &app,
        hent,
        None,
        svar("ee000000-0000-4000-8000-000000000001", 1),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_valid(hent_svc, &a, "no answers");
    assert!(
        all(&a.tree(), "NKSForretningssvar").is_empty(),
        "{}",
        a.body
    );
    assert_eq!(text(&a.tree(), "FlereResultater").as_deref(), Some("false"));
    let k = post(
        &app,
        hent,
        None,
        ex("HentForretningskvittering.request.xml"),
    )
    .await;
    assert_valid(hent_svc, &k, "unknown receipt");
    assert_eq!(
        text(&k.tree(), "ForretningsValideringsKode").as_deref(),
        Some("AFVIST"),
        "{}",
        k.body
    );

    // The example: a NemKonto payment due 2025-03-05 and one to bank 9999.
    let a = post(
        &app,
        send_path,
        None,
        ex("AfsendBetalingsanmodning.request.xml"),
    )
    .await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let state = admin_json(&app, "/__admin/state").await;
    let requests = state["betalingsanmodninger"].as_array().expect("listed");
    assert_eq!(requests.len(), 1, "{state}");
    assert_eq!(
        requests[0]["transactions"].as_array().map(Vec::len),
        Some(2)
    );
    let a = post(
        &app,
        hent,
        None,
        svar("ee000000-0000-4000-8000-000000000001", 2),
    )
    .await;
    assert_valid(hent_svc, &a, "answers");
    let t = a.tree();
    let kinds: Vec<String> = all(&t, "Svartype").iter().map(|e| e.text()).collect();
    assert_eq!(kinds, ["KVITTERINGSSVAR1", "RETURSVAR2"], "{}", a.body);
    assert_eq!(
        statuses(&t),
        [
            (
                "e9000000-0000-4000-8000-000000000001".to_string(),
                "UNDER_BEHANDLING".to_string()
            ),
            (
                "e9000000-0000-4000-8000-000000000002".to_string(),
                "AFVIST".to_string()
            )
        ]
    );
    let retur = all(&t, "NKSForretningssvar")[1];
    assert_eq!(text(retur, "Status").as_deref(), Some("DELVIST_ACCEPTERET"));
    assert_eq!(text(retur, "FejlKode").as_deref(), Some("NKS-0217"));
    assert_eq!(
        text(retur, "ElementSti").as_deref(),
        Some("/Betalingsanmodning/Betalingsinformation[1]/Betalingstransaktion[2]/Modtagerkonto")
    );
    // Sent 10:15:00+01:00: received 2 s later. (A new BeskedUUID: the same one would be
    // a resend and get the first answer again.)
    let again = ex("HentForretningskvittering.request.xml").replace(
        "ae000000-0000-4000-8000-000000000032",
        "ae000000-0000-4000-8000-0000000001f2",
    );
    let k = post(&app, hent, None, again).await;
    assert_valid(hent_svc, &k, "receipt");
    assert_eq!(
        text(&k.tree(), "ForretningsValideringsKode").as_deref(),
        Some("MODTAGET")
    );
    assert_eq!(
        text(&k.tree(), "Modtagelsestidspunkt").as_deref(),
        Some("2025-03-03T10:15:02+01:00")
    );

    // A second delivery to a known bank, after its due date: everything GENNEMFOERT.
    let second = ex("AfsendBetalingsanmodning.request.xml")
        .replace(
            "ae000000-0000-4000-8000-000000000030",
            "ae000000-0000-4000-8000-0000000002f0",
        )
        .replace(
            "ee000000-0000-4000-8000-000000000001",
            "ee000000-0000-4000-8000-000000000002",
        )
        .replace(
            "e9000000-0000-4000-8000-00000000000",
            "e9000000-0000-4000-8000-00000000010",
        )
        .replace(
            "ef000000-0000-4000-8000-000000000001",
            "ef000000-0000-4000-8000-000000000002",
        )
        .replace(
            "<udb:Udbetalingsdato>2025-03-05",
            "<udb:Udbetalingsdato>2025-03-04",
        )
        .replace(
            "<udb:Registreringsnummer>9999",
            "<udb:Registreringsnummer>1234",
        );
    let a = post(&app, send_path, None, second).await;
    assert_eq!(a.header("x-oir-outcome"), Some("accepted"), "{}", a.body);
    let a = post(
        &app,
        hent,
        None,
        svar("ee000000-0000-4000-8000-000000000002", 3),
    )
    .await;
    assert_valid(hent_svc, &a, "second delivery");
    let t = a.tree();
    assert!(
        statuses(&t).iter().all(|(_, s)| s == "GENNEMFOERT"),
        "{}",
        a.body
    );
    assert_eq!(statuses(&t).len(), 2);
    assert_eq!(
        text(all(&t, "NKSForretningssvar")[1], "Status").as_deref(),
        Some("ACCEPTERET")
    );
    assert!(all(&t, "FejlListe").is_empty(), "{}", a.body);
}

#[tokio::test]
async fn wsdl_is_served_with_its_imports_reachable_from_the_stub() {
    let stub = load(config(vec![pack("SF1590_B_01")]));
    let app = app(Arc::clone(&stub));
    for svc in &stub.catalog.services {
        let a = send(
            &app,
            Request::get(format!("{}?wsdl", svc.path))
                .header("host", "127.0.0.1:9")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, 200, "{}", svc.path);
        let t = a.tree();
        assert_eq!(t.local, "definitions");
        let addr = all(&t, "address");
        assert_eq!(
            addr[0].attr("location"),
            Some(format!("http://127.0.0.1:9{}", svc.path).as_str())
        );
        // Fetch every referenced file, and the files they reference, from the stub.
        let mut todo: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let refs = |e: &Element, base: &str, out: &mut Vec<String>| {
            for x in all(e, "import").into_iter().chain(all(e, "include")) {
                if let Some(l) = x.attr("location").or_else(|| x.attr("schemaLocation")) {
                    out.push(resolve(base, l));
                }
            }
        };
        refs(&t, &format!("http://127.0.0.1:9{}", svc.path), &mut todo);
        assert!(!todo.is_empty());
        let mut fetched = 0;
        while let Some(url) = todo.pop() {
            if !seen.insert(url.clone()) || fetched > 100 {
                continue;
            }
            let path = url.trim_start_matches("http://127.0.0.1:9");
            assert!(path.starts_with("/__contract/"), "{url}");
            let f = get(&app, path).await;
            assert_eq!(f.status, 200, "{url}");
            fetched += 1;
            refs(&f.tree(), &url, &mut todo);
        }
        assert!(fetched >= 5, "{}: {fetched} files", svc.path);
    }
    // Only the contract's files are served.
    let a = get(&app, "/__contract/SF1590_B_01/../../Cargo.toml").await;
    assert_eq!(a.status, 404);
    let a = get(
        &app,
        "/__contract/SF1590_B_01/examples/OpretDebitorkonto.request.xml",
    )
    .await;
    assert_eq!(a.status, 404);
    let a = get(&app, "/service/OIR/Nothing/1?wsdl").await;
    assert_eq!(a.status, 404);
}

/// RFC 3986 reference resolution, enough for relative file references.
fn resolve(base: &str, reference: &str) -> String {
    if reference.contains("://") {
        return reference.to_string();
    }
    let dir = &base[..base.rfind('/').unwrap() + 1];
    let (origin, path) = dir.split_at(dir[8..].find('/').unwrap() + 8);
    let mut segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for s in reference.split('/') {
        match s {
            ".." => {
                segs.pop();
            }
            "." | "" => {}
            s => segs.push(s),
        }
    }
    format!("{origin}/{}", segs.join("/"))
}

#[tokio::test]
async fn answers_vary_with_the_seed_and_repeat_for_the_same_seed() {
    let answer = |seed: u64| async move {
        let mut c = config(vec![pack("SF1590_A")]);
        c.seed = seed;
        let app = app(load(c));
        post(&app, MF_PATH, Some(MF_ACTION), mf_request())
            .await
            .body
    };
    let a1 = answer(1).await;
    let a1b = answer(1).await;
    let a2 = answer(2).await;
    assert_eq!(a1, a1b);
    assert_ne!(a1, a2);
    let id = |b: &str| text(&tree::parse(b.as_bytes()).unwrap(), "BeskedUUID");
    assert_ne!(id(&a1), id(&a2));
    // Values copied from the request are the same under every seed.
    let echo = |b: &str| text(&tree::parse(b.as_bytes()).unwrap(), "FinansbilagUUID");
    assert_eq!(echo(&a1), echo(&a2));
}

/// A small contract with no examples and no Serviceplatformen parts, in SOAP 1.1 or 1.2.
fn generic_wsdl(dir: &Path, soap12: bool) -> PathBuf {
    let (ns, p) = if soap12 {
        ("http://schemas.xmlsoap.org/wsdl/soap12/", "s12")
    } else {
        ("http://schemas.xmlsoap.org/wsdl/soap/", "soap")
    };
    let wsdl = dir.join(if soap12 { "Echo12.wsdl" } else { "Echo.wsdl" });
    let path = if soap12 { "echo/2" } else { "echo/1" };
    std::fs::write(
        &wsdl,
        format!(
            r#"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:{p}="{ns}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:echo" targetNamespace="urn:echo">
  <wsdl:types><xs:schema targetNamespace="urn:echo" elementFormDefault="qualified">
    <xs:element name="Ask"><xs:complexType><xs:sequence><xs:element name="Q" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
    <xs:element name="Answer"><xs:complexType><xs:sequence>
      <xs:element name="Code"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{{3}}-[0-9]{{4}}"/></xs:restriction></xs:simpleType></xs:element>
      <xs:element name="Amount"><xs:simpleType><xs:restriction base="xs:decimal"><xs:fractionDigits value="2"/><xs:minInclusive value="1"/></xs:restriction></xs:simpleType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:schema></wsdl:types>
  <wsdl:message name="AskMsg"><wsdl:part name="p" element="t:Ask"/></wsdl:message>
  <wsdl:message name="AnswerMsg"><wsdl:part name="p" element="t:Answer"/></wsdl:message>
  <wsdl:portType name="P"><wsdl:operation name="Ask"><wsdl:input message="t:AskMsg"/><wsdl:output message="t:AnswerMsg"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="t:P"><{p}:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
    <wsdl:operation name="Ask"><{p}:operation soapAction="urn:echo:Ask"/><wsdl:input><{p}:body use="literal"/></wsdl:input><wsdl:output><{p}:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="Echo"><wsdl:port name="E" binding="t:B"><{p}:address location="http://example.invalid/{path}"/></wsdl:port></wsdl:service>
</wsdl:definitions>"#
        ),
    )
    .unwrap();
    wsdl
}

#[tokio::test]
async fn a_generic_wsdl_without_examples_is_answered_from_the_schema() {
    let dir = std::env::temp_dir().join(format!("oir-stub-generic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut c = config(Vec::new());
    c.wsdl = vec![generic_wsdl(&dir, false), generic_wsdl(&dir, true)];
    let stub = load(c);
    let app = app(Arc::clone(&stub));
    let svc = stub
        .catalog
        .service_at("/echo/1")
        .expect("served at its address path");
    assert!(!svc.requires_context);
    let a = post(
        &app,
        "/echo/1",
        Some("urn:echo:Ask"),
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><t:Ask xmlns:t="urn:echo"><t:Q>?</t:Q></t:Ask></s:Body></s:Envelope>"#,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_valid(svc, &a, "generated answer");
    assert_eq!(body_child(&a.tree()).local, "Answer");
    // Without the SP faults in the contract, faults carry no ServiceplatformFault detail.
    let a = post(&app, "/echo/1", Some("urn:echo:Ask"), "<oops").await;
    assert_eq!(a.status, 500);
    assert!(!a.body.contains("ServiceplatformFault"), "{}", a.body);

    // SOAP 1.2: its content type carries the action; answers and faults are SOAP 1.2.
    let svc12 = stub
        .catalog
        .service_at("/echo/2")
        .expect("SOAP 1.2 service");
    let ask12 = r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><t:Ask xmlns:t="urn:echo"><t:Q>?</t:Q></t:Ask></e:Body></e:Envelope>"#;
    let call12 = |ct: &'static str, body: &'static str| {
        Request::post("/echo/2")
            .header("content-type", ct)
            .body(Body::from(body))
            .unwrap()
    };
    let a = send(
        &app,
        call12(
            "application/soap+xml; charset=utf-8; action=\"urn:echo:Ask\"",
            ask12,
        ),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.header("content-type")
            .unwrap()
            .starts_with("application/soap+xml")
    );
    assert_valid(svc12, &a, "SOAP 1.2 answer");
    let a = send(&app, call12("text/xml", ask12)).await;
    assert_eq!(a.status, 415, "{}", a.body);
    assert!(a.body.contains("http://www.w3.org/2003/05/soap-envelope"));
    let a = send(
        &app,
        call12("application/soap+xml; action=\"urn:echo:Other\"", ask12),
    )
    .await;
    assert_eq!(a.header("x-oir-fault"), Some("SP-ROUTE-002"), "{}", a.body);
    assert!(
        a.body.contains("<env:Value>env:Sender</env:Value>"),
        "{}",
        a.body
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn admin_api_shows_journal_state_and_loads_context() {
    let stub = load(config(vec![pack("SF1590_B_01")]));
    let app = app(Arc::clone(&stub));
    let index = admin_json(&app, "/__admin/").await;
    assert!(index["endpoints"].is_object());
    let services = admin_json(&app, "/__admin/services").await;
    assert_eq!(services["services"].as_array().unwrap().len(), 5);
    let yaml = std::fs::read_to_string(
        pack("SF1590_B_01").join("rule-examples/SF1590B-STA-001.context.yaml"),
    )
    .unwrap();
    let a = send(
        &app,
        Request::post("/__admin/context")
            .body(Body::from(yaml))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let state = admin_json(&app, "/__admin/state").await;
    assert_eq!(state["dato"], "2025-06-30");
    assert_eq!(state["fordringer"][0]["tilstand"], "AFSLUTTET", "{state}");
    let bad = send(
        &app,
        Request::post("/__admin/context")
            .body(Body::from("nope: ["))
            .unwrap(),
    )
    .await;
    assert_eq!(bad.status, 422);

    let req = std::fs::read(pack("SF1590_B_01").join("examples/RetFordringTilstand.request.xml"))
        .unwrap();
    let a = post(&app, "/service/OIR/DebitorRegistreringAfsend/1", None, req).await;
    assert_eq!(a.header("x-oir-outcome"), Some("rejected"), "{}", a.body);
    let seq = a.header("x-oir-journal").unwrap().to_string();
    let e = admin_json(&app, &format!("/__admin/journal/{seq}")).await;
    assert_eq!(e["operation"], "RetFordringTilstand");
    assert_eq!(e["outcome"], "rejected");
    assert_eq!(e["findings"][0]["rule"], "SF1590B-STA-001");
    assert!(
        e["request"]
            .as_str()
            .unwrap()
            .contains("FordringTilstandsaendring")
    );
    assert!(e["response"].as_str().unwrap().contains("AFVIST"));
    assert!(e["duration_us"].as_u64().is_some());
    assert_eq!(e["answer_valid"], true);
    let none = get(&app, "/__admin/journal/99999").await;
    assert_eq!(none.status, 404);
    reset(&app).await;
    let state = admin_json(&app, "/__admin/state").await;
    assert!(state["fordringer"].as_array().unwrap().is_empty());
    assert_eq!(state["journal"], 0);
}

#[tokio::test]
async fn runs_on_a_loopback_socket_and_shuts_down() {
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let mut c = config(vec![pack("SF1590_A")]);
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.max_body_bytes = 256 * 1024;
    let running = oir::stub::start(c).await.expect("starts");
    assert!(running.addr.ip().is_loopback() && running.addr.port() != 0);
    let client: Client<_, http_body_util::Full<bytes::Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let call = |body: Vec<u8>| {
        let req = Request::post(format!("{}{MF_PATH}", running.url()))
            .header("content-type", "text/xml; charset=utf-8")
            .header("soapaction", format!("\"{MF_ACTION}\""))
            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
            .unwrap();
        let client = client.clone();
        async move {
            let r = client.request(req).await?;
            let status = r.status();
            let b = r.into_body().collect().await?.to_bytes();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((status, b))
        }
    };
    let (status, body) = call(mf_request().into_bytes()).await.expect("answer");
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    // Oversized over a real connection: 413 (or the server closing early), and the stub
    // keeps serving.
    match call(vec![b' '; 512 * 1024]).await {
        Ok((s, _)) => assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE),
        Err(e) => eprintln!("oversized request ended with a transport error: {e}"),
    }
    let (status, _) = call(mf_request().into_bytes()).await.expect("answer after");
    assert_eq!(status, StatusCode::OK);
    // The served WSDL names the stub's own address.
    let wsdl = client
        .get(format!("{}{MF_PATH}?wsdl", running.url()).parse().unwrap())
        .await
        .unwrap();
    let wsdl =
        String::from_utf8_lossy(&wsdl.into_body().collect().await.unwrap().to_bytes()).into_owned();
    assert!(
        wsdl.contains(&format!("location=\"{}{MF_PATH}\"", running.url())),
        "{wsdl}"
    );
    let journal = running.stub.with_state(|s| s.journal.len());
    assert_eq!(journal, 3);
    running.shutdown().await.expect("clean stop");
    // Not loopback: refused before anything is loaded.
    let mut c = config(vec![pack("SF1590_A")]);
    c.listen = "0.0.0.0:0".parse().unwrap();
    assert!(oir::stub::start(c).await.is_err());
}

#[test]
fn the_cli_refuses_a_bad_configuration_with_exit_code_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oir"))
        .args(["stub", "--listen", "10.1.2.3:80"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oir"))
        .args(["stub", "--today", "2025-13-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = Path::new(".");
}
