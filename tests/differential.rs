//! Differential test: our schema engine against libxml2's recorded verdicts.
//!
//! `tests/differential/libxml2-verdicts.tsv` holds libxml2's verdict on every document in
//! `tests/differential/docs/` (recorded by `tests/differential/record-libxml2.sh`, run by
//! developers when the fixtures change, never by CI). This test validates each document
//! against its corpus schema with [`oir::schema::SchemaSet`] and compares verdicts:
//!
//! * every disagreement must be listed in `tests/differential/disagreements.tsv` (doc, our
//!   verdict, libxml2's verdict, reason), and
//! * every listed row must still disagree, exactly as listed, so the list stays honest.
//!
//! The corpus schemas are read in place from `$OIR_SHARED/corpus` (or `../shared/corpus`
//! relative to the crate). Without it the test prints a notice and passes, except under
//! `CI=true`, where a missing corpus is a failure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use oir::schema::{Finding, SchemaSet};

const MIN_DOCUMENTS: usize = 500;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("differential")
}

/// The corpus root, if the shared folder is present.
fn corpus_dir() -> Option<PathBuf> {
    let shared = match std::env::var_os("OIR_SHARED") {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("shared"),
    };
    let corpus = shared.join("corpus");
    corpus.is_dir().then_some(corpus)
}

fn in_ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

/// Rows of a tab-separated file: `#` lines are comments, the first other line is the
/// header (checked against `columns`).
fn read_tsv(path: &Path, columns: &[&str]) -> Vec<Vec<String>> {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .map(|h| h.split('\t').collect())
        .unwrap_or_default();
    assert_eq!(header, columns, "unexpected header in {}", path.display());
    lines
        .enumerate()
        .map(|(i, line)| {
            let mut fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
            assert!(
                fields.len() >= columns.len() - 1 && fields.len() <= columns.len(),
                "{}: data row {} has {} fields, expected {}",
                path.display(),
                i + 1,
                fields.len(),
                columns.len()
            );
            fields.resize(columns.len(), String::new());
            fields
        })
        .collect()
}

struct Recorded {
    doc: String,
    schema: String,
    verdict: String,
    message: String,
}

struct Listed {
    ours: String,
    libxml2: String,
    reason: String,
}

/// Our verdict on one document: `valid`, `invalid`, `load-error` (the schema did not
/// load) or `panic`, plus a one-line explanation.
struct Ours {
    verdict: String,
    detail: String,
}

fn describe(f: &Finding) -> String {
    format!(
        "{}:{} {} [{}] {}",
        f.line, f.column, f.path, f.constraint, f.message
    )
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

fn one_line(s: &str, max: usize) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > max {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// All files under `docs/`, as paths relative to it with `/` separators.
fn doc_files(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        if path.is_dir() {
            doc_files(&path, &rel, out);
        } else if name.ends_with(".xml") {
            out.insert(rel);
        }
    }
}

#[test]
fn verdicts_agree_with_libxml2() {
    let Some(corpus) = corpus_dir() else {
        if in_ci() {
            panic!(
                "differential: the shared corpus is missing (looked in $OIR_SHARED/corpus and ../shared/corpus); \
                 it is required when CI=true"
            );
        }
        eprintln!(
            "differential: skipped - shared corpus not found (set OIR_SHARED or place shared/ next to the crate)"
        );
        return;
    };
    let dir = fixture_dir();
    let docs_dir = dir.join("docs");

    let recorded: Vec<Recorded> = read_tsv(
        &dir.join("libxml2-verdicts.tsv"),
        &["doc", "schema", "verdict", "libxml2_message"],
    )
    .into_iter()
    .map(|mut f| Recorded {
        message: f.pop().unwrap(),
        verdict: f.pop().unwrap(),
        schema: f.pop().unwrap(),
        doc: f.pop().unwrap(),
    })
    .collect();
    assert!(
        recorded.len() >= MIN_DOCUMENTS,
        "differential: only {} recorded documents, expected at least {MIN_DOCUMENTS}",
        recorded.len()
    );
    for r in &recorded {
        assert!(
            r.verdict == "valid" || r.verdict == "invalid",
            "libxml2-verdicts.tsv: {} has verdict {:?}",
            r.doc,
            r.verdict
        );
    }

    // The recorded verdicts must cover exactly the documents on disk.
    let on_disk = {
        let mut s = BTreeSet::new();
        doc_files(&docs_dir, "", &mut s);
        s
    };
    let in_tsv: BTreeSet<String> = recorded.iter().map(|r| r.doc.clone()).collect();
    assert_eq!(
        in_tsv.len(),
        recorded.len(),
        "libxml2-verdicts.tsv lists a document twice"
    );
    let unrecorded: Vec<&String> = on_disk.difference(&in_tsv).collect();
    let missing: Vec<&String> = in_tsv.difference(&on_disk).collect();
    assert!(
        unrecorded.is_empty() && missing.is_empty(),
        "differential: docs/ and libxml2-verdicts.tsv are out of step (re-run tests/differential/record-libxml2.sh); \
         not recorded: {unrecorded:?}; recorded but missing: {missing:?}"
    );

    let mut listed: BTreeMap<String, Listed> = BTreeMap::new();
    for mut f in read_tsv(
        &dir.join("disagreements.tsv"),
        &["doc", "ours", "libxml2", "reason"],
    ) {
        let row = Listed {
            reason: f.pop().unwrap(),
            libxml2: f.pop().unwrap(),
            ours: f.pop().unwrap(),
        };
        let doc = f.pop().unwrap();
        assert!(
            !row.reason.trim().is_empty(),
            "disagreements.tsv: {doc} has no reason"
        );
        assert!(
            listed.insert(doc.clone(), row).is_none(),
            "disagreements.tsv lists {doc} twice"
        );
    }

    // Validate everything, one compiled SchemaSet per schema.
    let mut sets: HashMap<String, Result<SchemaSet, String>> = HashMap::new();
    let mut ours: Vec<Ours> = Vec::with_capacity(recorded.len());
    for r in &recorded {
        let set = sets.entry(r.schema.clone()).or_insert_with(|| {
            let path = corpus.join(&r.schema);
            match panic::catch_unwind(|| SchemaSet::load_xsd(&path)) {
                Ok(Ok(set)) => Ok(set),
                Ok(Err(e)) => Err(format!("load error: {e}")),
                Err(p) => Err(format!("panic while loading: {}", panic_text(p))),
            }
        });
        let verdict = match set {
            Err(e) => Ours {
                verdict: "load-error".into(),
                detail: e.clone(),
            },
            Ok(set) => {
                let bytes = fs::read(docs_dir.join(&r.doc))
                    .unwrap_or_else(|e| panic!("cannot read docs/{}: {e}", r.doc));
                match panic::catch_unwind(AssertUnwindSafe(|| set.validate_document(&bytes))) {
                    Ok(v) if v.is_valid() => Ours {
                        verdict: "valid".into(),
                        detail: String::new(),
                    },
                    Ok(v) => Ours {
                        verdict: "invalid".into(),
                        detail: v.findings.first().map(describe).unwrap_or_default(),
                    },
                    Err(p) => Ours {
                        verdict: "panic".into(),
                        detail: panic_text(p),
                    },
                }
            }
        };
        ours.push(verdict);
    }

    let mut agree = 0usize;
    let mut expected = 0usize;
    let mut unexpected: Vec<(&Recorded, &Ours, Option<&Listed>)> = Vec::new();
    let mut stale: Vec<String> = Vec::new();
    let mut seen_listed: BTreeSet<&str> = BTreeSet::new();
    for (r, o) in recorded.iter().zip(&ours) {
        let entry = listed.get(&r.doc);
        if entry.is_some() {
            seen_listed.insert(r.doc.as_str());
        }
        if o.verdict == r.verdict {
            agree += 1;
            if let Some(l) = entry {
                stale.push(format!(
                    "{}: listed as ours={} libxml2={} ({}), but both now say {}",
                    r.doc, l.ours, l.libxml2, l.reason, r.verdict
                ));
            }
            continue;
        }
        match entry {
            Some(l) if l.ours == o.verdict && l.libxml2 == r.verdict => expected += 1,
            Some(l) => {
                stale.push(format!(
                    "{}: listed as ours={} libxml2={}, but now ours={} libxml2={}",
                    r.doc, l.ours, l.libxml2, o.verdict, r.verdict
                ));
                unexpected.push((r, o, Some(l)));
            }
            None => unexpected.push((r, o, None)),
        }
    }
    for doc in listed.keys() {
        if !seen_listed.contains(doc.as_str()) {
            stale.push(format!(
                "{doc}: listed in disagreements.tsv but not a recorded document"
            ));
        }
    }

    println!("differential: {agree} agree, {expected} listed disagreements");

    if unexpected.is_empty() && stale.is_empty() {
        return;
    }
    let mut report = String::new();
    if !unexpected.is_empty() {
        // Schemas that failed to load are reported once, not once per document.
        let mut load_failures: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        let mut rows: Vec<[String; 5]> = Vec::new();
        for (r, o, _) in &unexpected {
            if o.verdict == "load-error" {
                let e = load_failures
                    .entry(r.schema.as_str())
                    .or_insert((0, o.detail.as_str()));
                e.0 += 1;
                continue;
            }
            rows.push([
                r.doc.clone(),
                o.verdict.clone(),
                r.verdict.clone(),
                one_line(&r.message, 110),
                one_line(&o.detail, 110),
            ]);
        }
        let _ = writeln!(
            report,
            "{} unexpected disagreements with libxml2 (fix the engine, or list them with a reason in \
             tests/differential/disagreements.tsv):",
            unexpected.len()
        );
        for (schema, (n, err)) in &load_failures {
            let _ = writeln!(
                report,
                "  schema {schema} did not load ({n} documents): {}",
                one_line(err, 200)
            );
        }
        if !rows.is_empty() {
            let head = [
                "doc",
                "ours",
                "libxml2",
                "libxml2's message",
                "our first finding",
            ];
            let mut widths = head.map(|h| h.chars().count());
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row.iter()) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let line = |cells: &[String]| {
                let mut s = String::from(" ");
                for (cell, w) in cells.iter().zip(widths) {
                    let _ = write!(s, " {cell:<w$} |");
                }
                s.pop();
                s.trim_end().to_owned()
            };
            let _ = writeln!(report, "{}", line(&head.map(String::from)));
            let _ = writeln!(report, "{}", line(&widths.map(|w| "-".repeat(w))));
            for row in &rows {
                let _ = writeln!(report, "{}", line(row));
            }
        }
    }
    if !stale.is_empty() {
        let _ = writeln!(
            report,
            "{} rows of tests/differential/disagreements.tsv no longer hold (remove or correct them):",
            stale.len()
        );
        for s in &stale {
            let _ = writeln!(report, "  {s}");
        }
    }
    panic!("differential test failed\n{report}");
}
