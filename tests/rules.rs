//! Business rules end to end: the service packs' valid examples raise no finding, and each
//! rule-breaking example (`schemas/<pack>/rule-examples/<RULE-ID>[.<case>].xml`, with an
//! optional `<same name>.context.yaml`) is schema-valid and reported by exactly its rule, at
//! the path its `<!-- expect: RULE-ID CODE PATH -->` comment names. Plus `oir rules` as a
//! user runs it.

mod common;

use common::oir;

use std::path::{Path, PathBuf};

use oir::oir::context::Context;
use oir::oir::date::Date;
use oir::oir::engine::{Engine, check_document};
use oir::oir::finding::{Severity, Source};
use oir::oir::rules::{CATALOGUE, rule};
use oir::schema::LoadOptions;
use oir::schema::wsdl::Contract;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Today for the examples (their dates are in 2025).
fn today() -> Date {
    Date::new(2025, 6, 30).unwrap()
}

fn packs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("schemas"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_dir()
                        && p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with("SF1590_"))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Every service WSDL of a pack (not the shared `sp/` fault WSDLs or policies).
fn wsdls_of(pack: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![pack.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "wsdl") {
                found.push(p);
            }
        }
    }
    found.retain(|p| {
        let s = p.to_string_lossy().to_lowercase();
        !s.contains("/sp/") && !s.contains("polic")
    });
    found.sort();
    found
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    v.sort();
    v
}

fn context_for(msg: &Path) -> Context {
    let ctx_path = msg.with_extension("context.yaml");
    let mut ctx = if ctx_path.exists() {
        Context::load(&ctx_path).unwrap_or_else(|e| panic!("{e}"))
    } else {
        Context::new(today())
    };
    Engine::default()
        .absorb_earlier(&mut ctx)
        .unwrap_or_else(|e| panic!("{e}"));
    ctx
}

/// The text of `<!-- NAME: ... -->`.
fn marker<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let open = format!("<!-- {name}:");
    let i = text.find(&open)?;
    let rest = &text[i + open.len()..];
    Some(rest[..rest.find("-->")?].trim())
}

/// `<!-- expect: RULE-ID CODE PATH -->`
fn expectation(text: &str) -> Option<(String, String, String)> {
    let mut parts = marker(text, "expect")?.split_whitespace();
    Some((
        parts.next()?.to_string(),
        parts.next()?.to_string(),
        parts.next()?.to_string(),
    ))
}

/// The pack's contract whose operations include the message's payload.
fn contract_for<'c>(
    contracts: &'c [(PathBuf, Contract)],
    bytes: &[u8],
) -> Option<&'c (PathBuf, Contract)> {
    let (_, env) = contracts.first()?.1.schemas.validate_soap(bytes);
    contracts.iter().find(|(_, c)| {
        env.body_children
            .iter()
            .any(|(ns, local)| c.operation_for_payload(ns.as_deref(), local).is_some())
    })
}

#[test]
fn packs_valid_examples_raise_no_finding_and_rule_examples_hit_exactly_their_rule() {
    let packs = packs();
    if packs.is_empty() {
        eprintln!("notice: no service packs under schemas/SF1590_*; example tests skipped");
        return;
    }
    let engine = Engine::with_default_data().unwrap();
    let mut covered = std::collections::HashSet::new();
    let mut problems = Vec::new();
    let mut checked = 0;
    for pack in &packs {
        let mut contracts = Vec::new();
        for w in wsdls_of(pack) {
            match Contract::load(&w, &LoadOptions::default()) {
                Ok(c) => contracts.push((w, c)),
                Err(e) => problems.push(format!("{}: {e}", w.display())),
            }
        }
        // Valid SOAP examples (documents/ holds batch files, which no WSDL describes).
        for ex in xml_files(&pack.join("examples")) {
            let bytes = std::fs::read(&ex).unwrap();
            let name = ex.display().to_string();
            let Some((wsdl, contract)) = contract_for(&contracts, &bytes) else {
                problems.push(format!("{name}: no WSDL of the pack has its payload"));
                continue;
            };
            let mut ctx = context_for(&ex);
            let r = check_document(&engine, contract, wsdl, &name, &bytes, &mut ctx);
            checked += 1;
            for f in &r.findings {
                problems.push(format!(
                    "{name}: valid example has {} {} at {}: {}",
                    f.rule.as_deref().unwrap_or("schema"),
                    f.code,
                    f.path,
                    f.message
                ));
            }
        }
        // Batch documents: no rule may fire on them either.
        for ex in xml_files(&pack.join("examples/documents")) {
            let bytes = std::fs::read(&ex).unwrap();
            let mut ctx = context_for(&ex);
            let info = oir::oir::MessageInfo {
                integration: pack
                    .file_name()
                    .and_then(|n| n.to_str())
                    .map(str::to_string),
                ..Default::default()
            };
            for f in engine.check_bytes(&bytes, &info, &mut ctx) {
                problems.push(format!(
                    "{}: valid document has {} {} at {}: {}",
                    ex.display(),
                    f.rule.as_deref().unwrap_or("schema"),
                    f.code,
                    f.path,
                    f.message
                ));
            }
        }
        for ex in xml_files(&pack.join("rule-examples")) {
            let text = std::fs::read_to_string(&ex).unwrap();
            let name = ex.display().to_string();
            let Some((id, code, path)) = expectation(&text) else {
                problems.push(format!(
                    "{name}: no <!-- expect: RULE CODE PATH --> comment"
                ));
                continue;
            };
            let Some(r) = rule(&id) else {
                problems.push(format!("{name}: unknown rule {id}"));
                continue;
            };
            assert_eq!(r.code, code, "{name}: code of {id}");
            let stem = ex.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            assert!(
                stem.starts_with(&id),
                "{name}: file name must start with {id}"
            );
            let Some((wsdl, contract)) = contract_for(&contracts, text.as_bytes()) else {
                problems.push(format!("{name}: no WSDL of the pack has its payload"));
                continue;
            };
            let mut ctx = context_for(&ex);
            let rep = check_document(&engine, contract, wsdl, &name, text.as_bytes(), &mut ctx);
            checked += 1;
            // Schema-valid, unless the example says which schema finding comes with it (a rule
            // the pack's XSD enforces too).
            let schema: Vec<&str> = rep
                .findings
                .iter()
                .filter(|f| f.source == Source::Schema)
                .map(|f| f.code.as_str())
                .collect();
            let expected_schema: Vec<&str> = marker(&text, "expect-schema").into_iter().collect();
            if schema != expected_schema {
                problems.push(format!(
                    "{name}: schema findings {schema:?}, expected {expected_schema:?}"
                ));
            }
            let rules: Vec<(String, String, String)> = rep
                .findings
                .iter()
                .filter(|f| f.source == Source::Rule)
                .map(|f| {
                    (
                        f.rule.clone().unwrap_or_default(),
                        f.code.clone(),
                        f.path.clone(),
                    )
                })
                .collect();
            if rules != vec![(id.clone(), code.clone(), path.clone())] {
                problems.push(format!(
                    "{name}: expected [{id} {code} {path}], got {rules:?}"
                ));
            }
            // Only info findings leave a message conforming.
            assert_eq!(
                rep.conforms,
                !r.severity.fails() && schema.is_empty(),
                "{name}"
            );
            covered.insert(id);
        }
    }
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(*id))
        .collect();
    if !missing.is_empty() {
        problems.push(format!("rules without a rule example: {missing:?}"));
    }
    assert!(checked > 0, "no example was checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- the CLI ------------------------------------------------------------------------

#[test]
fn rules_lists_the_catalogue_in_both_languages() {
    let (code, out, _) = oir(&["rules"]);
    assert_eq!(code, 0);
    for r in CATALOGUE {
        assert!(out.contains(r.id), "{}", r.id);
        assert!(
            out.contains(r.title.da) && out.contains(r.title.en),
            "{}",
            r.id
        );
    }
    let (code, out, _) = oir(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), CATALOGUE.len());
    assert_eq!(rules[0]["id"], CATALOGUE[0].id);
    assert!(rules[0]["remedy"]["da"].is_string());
    assert!(rules[0]["severity"] == "fejl");
}

const XSD: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test:finans" xmlns:f="urn:test:finans" elementFormDefault="qualified">
  <xs:element name="ModtagFinansbilagRequest"><xs:complexType><xs:sequence>
    <xs:element name="Finansbilag"><xs:complexType><xs:sequence>
      <xs:element name="FinansbilagId" type="xs:string"/>
      <xs:element name="Bilagsdato" type="xs:date"/>
      <xs:element name="Finanspostering" maxOccurs="unbounded"><xs:complexType><xs:sequence>
        <xs:element name="Beloeb"><xs:simpleType><xs:restriction base="xs:decimal"><xs:fractionDigits value="2"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="Art" type="xs:string"/>
        <xs:element name="Funktion" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
  <xs:element name="ModtagFinansbilagResponse" type="xs:string"/>
</xs:schema>"#;

const WSDL: &str = r#"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:f="urn:test:finans" xmlns:tns="urn:test:wsdl" targetNamespace="urn:test:wsdl">
  <wsdl:types><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import namespace="urn:test:finans" schemaLocation="finans.xsd"/></xs:schema></wsdl:types>
  <wsdl:message name="In"><wsdl:part name="p" element="f:ModtagFinansbilagRequest"/></wsdl:message>
  <wsdl:message name="Out"><wsdl:part name="p" element="f:ModtagFinansbilagResponse"/></wsdl:message>
  <wsdl:portType name="PT"><wsdl:operation name="ModtagFinansbilag"><wsdl:input message="tns:In"/><wsdl:output message="tns:Out"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="tns:PT"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="ModtagFinansbilag"><soap:operation soapAction="urn:test:wsdl/ModtagFinansbilag"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>"#;

fn message(id: &str, second_amount: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<f:ModtagFinansbilagRequest xmlns:f="urn:test:finans"><f:Finansbilag>
<f:FinansbilagId>{id}</f:FinansbilagId><f:Bilagsdato>2025-03-03</f:Bilagsdato>
<f:Finanspostering><f:Beloeb>1250.00</f:Beloeb><f:Art>a1000000-0000-4000-8000-000000000001</f:Art><f:Funktion>f1000000-0000-4000-8000-000000000001</f:Funktion></f:Finanspostering>
<f:Finanspostering><f:Beloeb>{second_amount}</f:Beloeb><f:Art>a1000000-0000-4000-8000-000000000004</f:Art><f:Funktion>f1000000-0000-4000-8000-000000000003</f:Funktion></f:Finanspostering>
</f:Finansbilag></f:ModtagFinansbilagRequest></s:Body></s:Envelope>"#
    )
}

/// A contract folder named like a pack, so the rules of SF1590_A apply.
fn contract_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir()
        .join(format!("oir-rules-{}-{tag}", std::process::id()))
        .join("SF1590_A");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("finans.xsd"), XSD).unwrap();
    std::fs::write(d.join("ModtagFinansbilag.wsdl"), WSDL).unwrap();
    d
}

#[test]
fn rules_check_reports_schema_and_rule_findings_together() {
    let d = contract_dir("check");
    let wsdl = d.join("ModtagFinansbilag.wsdl");
    let ok = d.join("ok.xml");
    std::fs::write(&ok, message("b-1", "-1250.00")).unwrap();
    let (code, out, err) = oir(&[
        "rules",
        "check",
        "--wsdl",
        wsdl.to_str().unwrap(),
        ok.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("conforms (ModtagFinansbilag request, SF1590_A)"),
        "{out}"
    );

    // Unbalanced AND a schema error (three decimals): both kinds in one report.
    let bad = d.join("bad.xml");
    std::fs::write(&bad, message("b-2", "-1249.999")).unwrap();
    let (code, out, _) = oir(&[
        "rules",
        "check",
        "--wsdl",
        wsdl.to_str().unwrap(),
        "--format",
        "json",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = v["documents"][0]["findings"].as_array().unwrap();
    let sources: Vec<&str> = f.iter().map(|x| x["source"].as_str().unwrap()).collect();
    assert!(
        sources.contains(&"schema") && sources.contains(&"rule"),
        "{out}"
    );
    let bal = f.iter().find(|x| x["rule"] == "SF1590A-BAL-001").unwrap();
    assert_eq!(bal["code"], "OIR-A-001");
    assert_eq!(bal["severity"], "fejl");
    assert_eq!(
        bal["path"],
        "/s:Envelope/s:Body/f:ModtagFinansbilagRequest/f:Finansbilag"
    );
    assert!(
        bal["message_da"].as_str().unwrap().contains("0.001"),
        "{out}"
    );
    assert!(bal["remedy"]["en"].is_string() && bal["consequence"]["da"].is_string());
    let schema = f.iter().find(|x| x["source"] == "schema").unwrap();
    assert!(
        schema["path"]
            .as_str()
            .unwrap()
            .ends_with("f:Finanspostering[2]/f:Beloeb"),
        "{out}"
    );

    // Human output carries code, path, both languages and the remedy.
    let (code, out, _) = oir(&[
        "rules",
        "check",
        "--wsdl",
        wsdl.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    for needle in [
        "[SF1590A-BAL-001 OIR-A-001]",
        "    da: ",
        "at /s:Envelope",
        "afhjælpning:",
        "remedy:",
    ] {
        assert!(out.contains(needle), "{needle} in {out}");
    }
}

#[test]
fn rules_check_judges_resends_across_messages_and_from_context() {
    let d = contract_dir("idem");
    let wsdl = d.join("ModtagFinansbilag.wsdl");
    let a = d.join("a.xml");
    let a2 = d.join("a2.xml");
    let changed = d.join("changed.xml");
    std::fs::write(&a, message("b-7", "-1250.00")).unwrap();
    std::fs::write(&a2, message("b-7", "-1250.00")).unwrap();
    std::fs::write(
        &changed,
        message("b-7", "-1250.00").replace("1250.00", "1000.00"),
    )
    .unwrap();
    let w = wsdl.to_str().unwrap();
    // Same ID and content: an info finding, still conforming.
    let (code, out, _) = oir(&[
        "rules",
        "check",
        "--wsdl",
        w,
        a.to_str().unwrap(),
        a2.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OIR-IDM-002"), "{out}");
    // The context names the earlier message; other content under its ID is a duplicate.
    let ctx = d.join("ctx.yaml");
    std::fs::write(
        &ctx,
        "kontekst:\n  dato: 2025-06-30\n  modtagne_beskeder: [a.xml]\n",
    )
    .unwrap();
    let (code, out, _) = oir(&[
        "rules",
        "check",
        "--wsdl",
        w,
        "--context",
        ctx.to_str().unwrap(),
        changed.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[OIR-IDM-001 OIR-I-001]"), "{out}");
}

#[test]
fn rules_check_load_errors_exit_2() {
    let d = contract_dir("errors");
    let wsdl = d.join("ModtagFinansbilag.wsdl");
    let msg = d.join("m.xml");
    std::fs::write(&msg, message("b-1", "-1250.00")).unwrap();
    let bad_ctx = d.join("bad.yaml");
    std::fs::write(&bad_ctx, "kontekst: {dato: 2025-02-30}\n").unwrap();
    let w = wsdl.to_str().unwrap();
    let m = msg.to_str().unwrap();
    for args in [
        vec!["rules", "check", "--wsdl", "/nonexistent.wsdl", m],
        vec![
            "rules",
            "check",
            "--wsdl",
            w,
            "--context",
            bad_ctx.to_str().unwrap(),
            m,
        ],
        vec![
            "rules",
            "check",
            "--wsdl",
            w,
            "--sortiment",
            "/nonexistent.yaml",
            m,
        ],
        vec!["rules", "check", "--wsdl", w, "/nonexistent.xml"],
        vec!["rules", "check", "--wsdl", w],
        vec!["rules", "nonsense"],
    ] {
        let (code, out, err) = oir(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
    }
}

#[test]
fn every_rule_has_severity_and_context_need_stated() {
    // Guard for the listing's contract: info never fails, fejl always does.
    for r in CATALOGUE {
        assert_eq!(r.severity.fails(), r.severity != Severity::Info, "{}", r.id);
    }
}
