//! Load every WSDL and XSD of a contract folder and report which fail (developer tool).
//! `cargo run --example load_corpus -- ../shared/corpus`
use std::path::Path;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("xsd" | "wsdl")) {
            out.push(p);
        }
    }
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus".into());
    let mut files = Vec::new();
    walk(Path::new(&root), &mut files);
    let (mut ok, mut bad) = (0, 0);
    for f in &files {
        let r = if f.extension().unwrap() == "wsdl" {
            oir::schema::wsdl::Contract::load(f, &Default::default()).map(|_| ())
        } else {
            oir::schema::SchemaSet::load_xsd(f).map(|_| ())
        };
        match r {
            Ok(()) => ok += 1,
            Err(e) => {
                bad += 1;
                println!("FAIL {}\n     {e}", f.display());
            }
        }
    }
    println!("loaded {ok}, failed {bad}");
}
