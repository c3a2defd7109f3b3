//! `oir boundaries`: list the boundary-value cases of an operation's input message (and
//! write each case's message with `--out`).

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Format};
use crate::schema::LoadOptions;
use crate::schema::boundaries::{BoundaryError, BoundaryOptions, BoundaryReport, boundary_cases};
use crate::schema::wsdl::Contract;

#[derive(Debug, clap::Args)]
pub struct BoundariesArgs {
    /// WSDL contract of the operation.
    #[arg(long)]
    pub wsdl: PathBuf,
    /// Operation whose input message is varied.
    #[arg(long)]
    pub operation: String,
    /// A valid request (SOAP envelope or bare payload) to vary; default: a generated one.
    #[arg(long)]
    pub example: Option<PathBuf>,
    /// Seed for sample values and near misses (same seed, same cases).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Most cases per element or attribute.
    #[arg(long, default_value_t = 40)]
    pub max_per_element: usize,
    /// Largest occurrence count a maxOccurs+1 case may build (larger ones are reported).
    #[arg(long, default_value_t = 100)]
    pub max_copies: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write each case's message to DIR/<id>.xml (and the listing to DIR/cases.json).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Catalog mapping namespaces or remote schemaLocations to local files.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
}

pub fn run(args: &BoundariesArgs) -> i32 {
    let opts = match &args.catalog {
        Some(c) => match LoadOptions::read_catalog(c) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: cannot load the catalog: {e}");
                return EXIT_ERROR;
            }
        },
        None => LoadOptions::default(),
    };
    let contract = match Contract::load(&args.wsdl, &opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot load the contract: {e}");
            return EXIT_ERROR;
        }
    };
    let example = match &args.example {
        Some(p) => match std::fs::read(p) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", p.display());
                return EXIT_ERROR;
            }
        },
        None => None,
    };
    let bopts = BoundaryOptions {
        seed: args.seed,
        max_per_element: args.max_per_element,
        max_copies: args.max_copies,
    };
    let report = match boundary_cases(&contract, &args.operation, example.as_deref(), &bopts) {
        Ok(r) => r,
        // An invalid base is a finding about the example, not a usage error.
        Err(BoundaryError::InvalidBase { findings }) => {
            eprintln!("error: the base message is not valid; no cases derived:");
            for f in &findings {
                eprintln!(
                    "  {}:{}: [{}] {} at {}",
                    f.line, f.column, f.constraint, f.message, f.path
                );
            }
            return EXIT_FINDINGS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    if let Some(dir) = &args.out
        && let Err(e) = write_out(dir, &report)
    {
        eprintln!("error: cannot write to {}: {e}", dir.display());
        return EXIT_ERROR;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = match args.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        Format::Human => print_human(&mut out, &report, args),
    };
    EXIT_OK
}

fn write_out(dir: &std::path::Path, report: &BoundaryReport) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for c in &report.cases {
        std::fs::write(dir.join(format!("{}.xml", c.id)), &c.message)?;
    }
    // The listing without the messages (they are the files).
    let listing: Vec<serde_json::Value> = report
        .cases
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id, "file": format!("{}.xml", c.id), "path": c.path, "kind": c.kind,
                "label": c.label, "value": c.value, "expect": c.expect,
                "constraint": c.constraint, "finding": c.finding,
            })
        })
        .collect();
    let index = serde_json::json!({
        "operation": report.operation, "input": report.input, "seed": report.seed,
        "base_source": report.base_source, "cases": listing, "dropped": report.dropped,
    });
    std::fs::write(
        dir.join("cases.json"),
        serde_json::to_string_pretty(&index).unwrap_or_default(),
    )
}

fn short(v: &str) -> String {
    let s: String = v.chars().take(40).collect();
    let s = if v.chars().count() > 40 {
        format!("{s}… ({} chars)", v.chars().count())
    } else {
        s
    };
    format!("'{}'", s.replace('\n', "\\n"))
}

fn print_human(
    out: &mut impl Write,
    r: &BoundaryReport,
    args: &BoundariesArgs,
) -> std::io::Result<()> {
    let valid = r.cases.iter().filter(|c| c.finding.is_none()).count();
    writeln!(
        out,
        "{} (input {}): base {}{}, seed {}",
        r.operation,
        r.input,
        r.base_source,
        args.example
            .as_ref()
            .map(|p| format!(" {}", p.display()))
            .unwrap_or_default(),
        r.seed
    )?;
    writeln!(
        out,
        "{} elements/attributes, {} cases ({} valid, {} invalid), {} dropped",
        r.targets,
        r.cases.len(),
        valid,
        r.cases.len() - valid,
        r.dropped.len()
    )?;
    for c in &r.cases {
        let expect = match &c.finding {
            None => "valid".to_string(),
            Some(f) => format!("invalid {}", f.constraint),
        };
        writeln!(
            out,
            "{}  {}  {}  {}{}",
            c.id,
            expect,
            c.path,
            c.label,
            c.value
                .as_deref()
                .map(|v| format!(" = {}", short(v)))
                .unwrap_or_default()
        )?;
    }
    if !r.dropped.is_empty() {
        writeln!(out, "dropped:")?;
        for d in &r.dropped {
            writeln!(
                out,
                "  [{}] {} {}: {}",
                serde_json::to_value(d.stage)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                d.path,
                d.label,
                d.reason
            )?;
        }
    }
    if let Some(dir) = &args.out {
        writeln!(out, "wrote {} messages to {}", r.cases.len(), dir.display())?;
    }
    Ok(())
}
