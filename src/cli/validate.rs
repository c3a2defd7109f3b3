//! `oir validate`: schema validation of documents and SOAP envelopes from the command line.

use std::io::Write;
use std::path::Path;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Format, ValidateArgs};
use crate::schema::wsdl::{Contract, Direction};
use crate::schema::{Finding, LoadError, LoadOptions, SchemaSet, Validation};
use crate::xml::{Namespaces, Token, Tokenizer, split_qname, utf8_input};

#[derive(serde::Serialize)]
struct DocReport {
    file: String,
    valid: bool,
    soap: bool,
    operation: Option<String>,
    direction: Option<Direction>,
    findings: Vec<Finding>,
}

pub fn run(args: &ValidateArgs) -> i32 {
    // An ØiR service pack: schema findings and business-rule findings together.
    if let Some(wsdl) = &args.wsdl
        && !args.no_rules
        && crate::oir::engine::integration_in(&wsdl.to_string_lossy()).is_some()
    {
        return super::rules::check(&super::RulesCheckArgs {
            wsdl: wsdl.clone(),
            context: args.context.clone(),
            sortiment: None,
            omsaetningstabel: None,
            catalog: args.catalog.clone(),
            format: args.format,
            documents: args.documents.clone(),
        });
    }
    let opts = match &args.catalog {
        Some(c) => match LoadOptions::read_catalog(c) {
            Ok(o) => o,
            Err(e) => return load_failed(&e),
        },
        None => LoadOptions::default(),
    };
    let (schemas, contract) = match &args.wsdl {
        Some(w) => match Contract::load(w, &opts) {
            Ok(c) => (c.schemas.clone(), Some(c)),
            Err(e) => return load_failed(&e),
        },
        None => match SchemaSet::load_xsds(&args.xsd, &opts) {
            Ok(s) => (s, None),
            Err(e) => return load_failed(&e),
        },
    };
    let mut reports = Vec::new();
    for doc in &args.documents {
        let bytes = match std::fs::read(doc) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", doc.display());
                return EXIT_ERROR;
            }
        };
        reports.push((
            validate_one(&schemas, contract.as_ref(), doc, &bytes),
            bytes,
        ));
    }
    let all_valid = reports.iter().all(|(r, _)| r.valid);
    match args.format {
        Format::Json => {
            let docs: Vec<&DocReport> = reports.iter().map(|(r, _)| r).collect();
            let out = serde_json::json!({ "valid": all_valid, "documents": docs });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Human => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for (r, bytes) in &reports {
                let _ = print_human(&mut out, r, bytes);
            }
        }
    }
    if all_valid { EXIT_OK } else { EXIT_FINDINGS }
}

fn load_failed(e: &LoadError) -> i32 {
    eprintln!("error: cannot load the contract: {e}");
    EXIT_ERROR
}

/// The root element's namespace and local name, read from the first start tag.
fn root_name(bytes: &[u8]) -> Option<(Option<String>, String)> {
    let input = utf8_input(bytes);
    let mut tok = Tokenizer::new(&input);
    while let Ok(Some(t)) = tok.next_token() {
        if let Token::Start { qname, attrs, .. } = t {
            let mut ns = Namespaces::default();
            ns.push(&attrs).ok()?;
            let (prefix, local) = split_qname(&qname);
            let uri = ns.element_ns(prefix).ok()?.map(str::to_string);
            return Some((uri, local.to_string()));
        }
    }
    None
}

fn validate_one(
    schemas: &SchemaSet,
    contract: Option<&Contract>,
    path: &Path,
    bytes: &[u8],
) -> DocReport {
    let root = root_name(bytes);
    let is_soap = root.as_ref().is_some_and(|(ns, local)| {
        local == "Envelope"
            && matches!(
                ns.as_deref(),
                Some(crate::schema::validate::SOAP11_NS | crate::schema::validate::SOAP12_NS)
            )
    });
    let (mut validation, operation, direction) = if is_soap {
        let (v, env): (Validation, _) = schemas.validate_soap(bytes);
        let mut op = None;
        let mut dir = None;
        let mut v = v;
        if let Some(c) = contract {
            for (i, (ns, local)) in env.body_children.iter().enumerate() {
                if ns.as_deref() == env.soap_ns.as_deref() && local == "Fault" {
                    continue;
                }
                match c.operation_for_payload(ns.as_deref(), local) {
                    Some((o, d)) => {
                        op = Some(o.name.clone());
                        dir = Some(d);
                    }
                    None => v.findings.push(Finding {
                        line: env.body_locations.get(i).map_or(0, |(p, _)| p.line),
                        column: env.body_locations.get(i).map_or(0, |(p, _)| p.column),
                        path: env
                            .body_locations
                            .get(i)
                            .map_or_else(|| format!("/Envelope/Body/{local}"), |(_, p)| p.clone()),
                        constraint: "wsdl-message".into(),
                        message: format!("'{local}' is not the request, response or fault element of any operation in the contract"),
                        value: None,
                        expected: None,
                    }),
                }
            }
            if env.body_children.is_empty() {
                v.findings.push(Finding {
                    line: 0,
                    column: 0,
                    path: "/Envelope/Body".into(),
                    constraint: "soap".into(),
                    message: "the SOAP Body is empty".into(),
                    value: None,
                    expected: None,
                });
            }
        }
        (v, op, dir)
    } else {
        let v = schemas.validate_document(bytes);
        let (op, dir) = match (contract, &root) {
            (Some(c), Some((ns, local))) => match c.operation_for_payload(ns.as_deref(), local) {
                Some((o, d)) => (Some(o.name.clone()), Some(d)),
                None => (None, None),
            },
            _ => (None, None),
        };
        (v, op, dir)
    };
    validation.findings.sort_by_key(|f| (f.line, f.column));
    DocReport {
        file: path.display().to_string(),
        valid: validation.is_valid(),
        soap: is_soap,
        operation,
        direction,
        findings: validation.findings,
    }
}

fn print_human(out: &mut impl Write, r: &DocReport, bytes: &[u8]) -> std::io::Result<()> {
    let what = match (&r.operation, r.direction) {
        (Some(op), Some(d)) => format!(" ({op} {})", format!("{d:?}").to_lowercase()),
        _ => String::new(),
    };
    if r.valid {
        return writeln!(out, "{}: valid{what}", r.file);
    }
    writeln!(
        out,
        "{}: INVALID{what} — {} finding(s)",
        r.file,
        r.findings.len()
    )?;
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    for f in &r.findings {
        writeln!(
            out,
            "{}:{}:{}: [{}] {}",
            r.file, f.line, f.column, f.constraint, f.message
        )?;
        writeln!(out, "    at {}", f.path)?;
        if f.line > 0
            && let Some(src) = lines.get(f.line as usize - 1)
        {
            let shown: String = src.chars().take(160).collect();
            writeln!(out, "    {:>5} | {}", f.line, shown)?;
            let pad = " ".repeat(f.column.saturating_sub(1) as usize);
            writeln!(out, "          | {pad}^")?;
        }
        if let Some(e) = &f.expected {
            writeln!(out, "    expected: {e}")?;
        }
    }
    Ok(())
}
