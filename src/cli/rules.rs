//! `oir rules`: list the business-rule catalogue; `oir rules check`: schema and rule
//! findings of SOAP messages together, each with code, path, Danish/English text and remedy.

use std::io::Write;
use std::path::Path;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Format, RulesAction, RulesArgs, RulesCheckArgs};
use crate::oir::context::{Context, system_today};
use crate::oir::engine::{DocumentReport, Engine, check_document};
use crate::oir::finding::Source;
use crate::oir::rules::CATALOGUE;
use crate::oir::sortiment::{Omsaetningstabel, Sortiment, default_data_dir};
use crate::schema::LoadOptions;
use crate::schema::wsdl::Contract;

pub fn run(args: &RulesArgs) -> i32 {
    match &args.action {
        None => list(args.format),
        Some(RulesAction::Check(c)) => check(c),
    }
}

fn list(format: Format) -> i32 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            let v = serde_json::json!({ "rules": CATALOGUE });
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            );
        }
        Format::Human => {
            for r in CATALOGUE {
                let ops = if r.operations.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", r.operations.join(", "))
                };
                let _ = writeln!(
                    out,
                    "{}  {}  {}{}  {}{}",
                    r.id,
                    r.code,
                    r.severity.da(),
                    if r.needs_context { "  [kontekst]" } else { "" },
                    r.integrations.join(" "),
                    ops
                );
                let _ = writeln!(out, "    da: {}", r.title.da);
                let _ = writeln!(out, "    en: {}", r.title.en);
            }
        }
    }
    EXIT_OK
}

fn load_error(what: &str, e: impl std::fmt::Display) -> i32 {
    eprintln!("error: cannot load the {what}: {e}");
    EXIT_ERROR
}

/// An explicit data file must load; the shipped default is used when present.
fn data<T>(
    given: Option<&Path>,
    default: &str,
    load: fn(&Path) -> Result<T, crate::oir::sortiment::DataError>,
) -> Result<Option<T>, crate::oir::sortiment::DataError> {
    match given {
        Some(p) => load(p).map(Some),
        None => {
            let p = default_data_dir().join(default);
            if p.exists() {
                load(&p).map(Some)
            } else {
                eprintln!(
                    "notice: {} not found; the rules that need it are skipped",
                    p.display()
                );
                Ok(None)
            }
        }
    }
}

pub(crate) fn check(args: &RulesCheckArgs) -> i32 {
    let opts = match &args.catalog {
        Some(c) => match LoadOptions::read_catalog(c) {
            Ok(o) => o,
            Err(e) => return load_error("catalog", e),
        },
        None => LoadOptions::default(),
    };
    let contract = match Contract::load(&args.wsdl, &opts) {
        Ok(c) => c,
        Err(e) => return load_error("contract", e),
    };
    let sortiment = match data(args.sortiment.as_deref(), "sortiment.yaml", Sortiment::load) {
        Ok(s) => s,
        Err(e) => return load_error("sortiment", e),
    };
    let table = match data(
        args.omsaetningstabel.as_deref(),
        "omsaetningstabel.yaml",
        Omsaetningstabel::load,
    ) {
        Ok(t) => t,
        Err(e) => return load_error("omsætningstabel", e),
    };
    let engine = Engine::new(sortiment, table);
    let mut ctx = match &args.context {
        Some(p) => match Context::load(p) {
            Ok(c) => c,
            Err(e) => return load_error("context", e),
        },
        None => Context::new(system_today()),
    };
    if let Err(e) = engine.absorb_earlier(&mut ctx) {
        return load_error("context's earlier messages", e);
    }
    let mut reports = Vec::new();
    for doc in &args.documents {
        let bytes = match std::fs::read(doc) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", doc.display());
                return EXIT_ERROR;
            }
        };
        let name = doc.display().to_string();
        let r = check_document(&engine, &contract, &args.wsdl, &name, &bytes, &mut ctx);
        reports.push((r, bytes));
    }
    let conforms = reports.iter().all(|(r, _)| r.conforms);
    match args.format {
        Format::Json => {
            let docs: Vec<&DocumentReport> = reports.iter().map(|(r, _)| r).collect();
            let v = serde_json::json!({ "conforms": conforms, "documents": docs });
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(
                std::io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            );
        }
        Format::Human => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for (r, bytes) in &reports {
                let _ = print_human(&mut out, r, bytes);
            }
        }
    }
    if conforms { EXIT_OK } else { EXIT_FINDINGS }
}

fn print_human(out: &mut impl Write, r: &DocumentReport, bytes: &[u8]) -> std::io::Result<()> {
    let mut what: Vec<String> = Vec::new();
    if let Some(op) = &r.operation {
        let dir = r
            .direction
            .map(|d| format!(" {}", format!("{d:?}").to_lowercase()))
            .unwrap_or_default();
        what.push(format!("{op}{dir}"));
    }
    if let Some(i) = &r.integration {
        what.push(i.clone());
    }
    let what = if what.is_empty() {
        String::new()
    } else {
        format!(" ({})", what.join(", "))
    };
    let verdict = if r.conforms {
        "conforms"
    } else {
        "DOES NOT CONFORM"
    };
    if r.findings.is_empty() {
        return writeln!(out, "{}: {verdict}{what}", r.file);
    }
    writeln!(
        out,
        "{}: {verdict}{what} — {} finding(s)",
        r.file,
        r.findings.len()
    )?;
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    for f in &r.findings {
        let tag = match (&f.source, &f.rule) {
            (Source::Rule, Some(id)) => format!("{id} {}", f.code),
            _ => format!("schema {}", f.code),
        };
        writeln!(
            out,
            "{}:{}:{}: {} [{tag}] {}",
            r.file,
            f.line,
            f.column,
            f.severity.da(),
            f.message
        )?;
        writeln!(out, "    da: {}", f.message_da)?;
        writeln!(out, "    at {}", f.path)?;
        if f.line > 0
            && let Some(src) = lines.get(f.line as usize - 1)
        {
            let shown: String = src.chars().take(160).collect();
            writeln!(out, "    {:>5} | {}", f.line, shown)?;
        }
        if let Some(v) = &f.value {
            writeln!(out, "    value: {v}")?;
        }
        if let Some(e) = &f.expected {
            writeln!(out, "    expected: {e}")?;
        }
        writeln!(
            out,
            "    konsekvens: {}\n    consequence: {}",
            f.consequence.da, f.consequence.en
        )?;
        writeln!(
            out,
            "    afhjælpning: {}\n    remedy: {}",
            f.remedy.da, f.remedy.en
        )?;
        writeln!(
            out,
            "    modtager/for: {} / {}",
            f.audience.da(),
            f.audience.en()
        )?;
    }
    Ok(())
}
