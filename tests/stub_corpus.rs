//! Generic mode over the real contract corpus (`../shared/corpus`): every service WSDL,
//! served alone with `wsdl:` (no service pack), answers every operation — a request
//! generated from the schema — with a response that the crate's own validator finds valid
//! against the contract. The one WSDL INDEX.md lists as broken (`Klasse.wsdl`: an invalid
//! pattern) is skipped; WSDLs without a service (policies, fault messages) serve nothing.

mod common;
mod stub_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use oir::schema::generate::{GenOptions, generate_element};
use oir::schema::wsdl::SoapVersion;
use oir::stub::{Stub, StubConfig, StubError, app};
use stub_support::send;

/// INDEX.md: the WSDL whose types do not compile (SagDokObjekt.xsd:871, `(?:` in a pattern).
const BROKEN: &[&str] = &["wsdl/Klasse/Klasse.wsdl"];

fn wsdls(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            wsdls(&p, out);
        } else if p.extension().is_some_and(|e| e == "wsdl") {
            out.push(p);
        }
    }
}

/// A request for the operation: its input element (and input header blocks) generated
/// from the schema, in the binding's SOAP version.
fn request_for(
    svc: &oir::stub::catalog::Service,
    op: &oir::schema::wsdl::Operation,
) -> Result<(String, Vec<(String, String)>), String> {
    let model = svc.contract.schemas.model();
    // Serviceplatformen contracts make the security context optional in the schema, but
    // the platform (and the stub) refuse a call without one: fill optional content then.
    let fill_optional = svc.requires_context;
    let gen_el = |q: &oir::schema::model::QName| {
        let id = model
            .global_element(q.ns_str(), &q.local)
            .ok_or_else(|| format!("no global element {q}"))?;
        generate_element(
            model,
            id,
            &GenOptions {
                seed: 3,
                fill_optional,
                ..GenOptions::default()
            },
        )
        .map_err(|e| e.to_string())
    };
    let input = op.input.as_ref().ok_or("no input element")?;
    let body = gen_el(input)?;
    let mut headers = String::new();
    for h in &op.input_headers {
        headers.push_str(&gen_el(h)?);
    }
    let ns = svc.soap.envelope_ns();
    let env = format!(
        "<e:Envelope xmlns:e=\"{ns}\"><e:Header>{headers}</e:Header><e:Body>{body}</e:Body></e:Envelope>"
    );
    let action = op.soap_action.clone().unwrap_or_default();
    let http_headers = match svc.soap {
        SoapVersion::Soap11 => vec![
            ("content-type".into(), "text/xml; charset=utf-8".into()),
            ("soapaction".into(), format!("\"{action}\"")),
        ],
        SoapVersion::Soap12 => vec![(
            "content-type".into(),
            format!("application/soap+xml; charset=utf-8; action=\"{action}\""),
        )],
    };
    Ok((env, http_headers))
}

#[tokio::test]
async fn every_corpus_wsdl_in_generic_mode_answers_every_operation_validly() {
    let Some(shared) = common::shared_dir("corpus") else {
        return;
    };
    let mut files = Vec::new();
    wsdls(&shared.join("corpus"), &mut files);
    let mut served = 0;
    let mut answered = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for f in &files {
        let name = f.to_string_lossy().replace('\\', "/");
        if BROKEN.iter().any(|b| name.ends_with(b)) {
            skipped.push(name);
            continue;
        }
        let c = StubConfig {
            packs: Vec::new(),
            wsdl: vec![f.clone()],
            validate_answers: true,
            ..StubConfig::default()
        };
        let stub = match Stub::load(c) {
            Ok(s) => Arc::new(s),
            // Policies and fault-message WSDLs bind no service.
            Err(StubError::Config(m)) if m.contains("no service") => continue,
            Err(e) => {
                failures.push(format!("{name}: does not load: {e}"));
                continue;
            }
        };
        served += 1;
        let router = app(Arc::clone(&stub));
        for svc in &stub.catalog.services {
            for entry in &svc.operations {
                let op = &entry.op;
                let what = format!("{name} {} {}", svc.path, op.name);
                if op.output.is_none() {
                    failures.push(format!("{what}: one-way operation (no answer to check)"));
                    continue;
                }
                let (env, headers) = match request_for(svc, op) {
                    Ok(r) => r,
                    Err(e) => {
                        failures.push(format!("{what}: cannot build a request: {e}"));
                        continue;
                    }
                };
                let mut b = Request::post(&svc.path);
                for (k, v) in &headers {
                    b = b.header(k, v);
                }
                let a = send(&router, b.body(Body::from(env)).unwrap()).await;
                if a.status != 200 {
                    failures.push(format!("{what}: HTTP {}: {}", a.status, a.body));
                    continue;
                }
                let (val, _) = svc.contract.schemas.validate_soap(a.body.as_bytes());
                if !val.is_valid() {
                    failures.push(format!(
                        "{what}: invalid answer: {:?}\n{}",
                        val.findings
                            .iter()
                            .map(|f| format!("{} {}", f.path, f.message))
                            .collect::<Vec<_>>(),
                        a.body
                    ));
                    continue;
                }
                answered += 1;
            }
        }
    }
    println!(
        "corpus generic mode: {served} service WSDLs served, {answered} operations answered validly, skipped as broken: {skipped:?}"
    );
    assert_eq!(
        skipped.len(),
        BROKEN.len(),
        "the broken WSDL is in the corpus"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(served >= 28, "only {served} service WSDLs");
    assert!(answered >= 140, "only {answered} operations");
}
