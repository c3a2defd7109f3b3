//! Every real Serviceplatformen contract in `../shared/corpus` loads, except the
//! genuinely broken ones named in its INDEX.md, which fail with file, line and cause.

mod common;

use std::path::{Path, PathBuf};

use oir::schema::wsdl::Contract;
use oir::schema::{LoadOptions, SchemaSet};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
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

/// The broken contracts INDEX.md names, and what our error must mention.
const KNOWN_BROKEN: &[(&str, &str, &str)] = &[
    (
        "sf1600/SF1600_EP_SP1-2/xsd/oio/StandardRetur.xsd",
        "StandardRetur.xsd:4",
        "own target namespace",
    ),
    ("wsdl/Klasse/Klasse.wsdl", "SagDokObjekt.xsd:871", "(?"),
    ("wsdl/Klasse/Klasse.xsd", "SagDokObjekt.xsd:871", "(?"),
    ("wsdl/Klasse/KlasseBesked.xsd", "SagDokObjekt.xsd:871", "(?"),
    (
        "wsdl/Klasse/KlasseOperationer.xsd",
        "SagDokObjekt.xsd:871",
        "(?",
    ),
    ("wsdl/Klasse/SagDokObjekt.xsd", "SagDokObjekt.xsd:871", "(?"),
];

#[test]
fn every_corpus_contract_loads_except_the_known_broken_ones() {
    let Some(shared) = common::shared_dir("corpus") else {
        return;
    };
    let mut files = Vec::new();
    walk(&shared.join("corpus"), &mut files);
    assert!(
        files.len() >= 280,
        "expected the 289 WSDL/XSD files of the corpus, found {}",
        files.len()
    );
    let mut unexpected = Vec::new();
    let mut broken_seen = 0;
    for f in &files {
        let result = if f.extension().is_some_and(|e| e == "wsdl") {
            Contract::load(f, &LoadOptions::default()).map(|_| ())
        } else {
            SchemaSet::load_xsd(f).map(|_| ())
        };
        let name = f.to_string_lossy().replace('\\', "/");
        let known = KNOWN_BROKEN
            .iter()
            .find(|(suffix, _, _)| name.ends_with(suffix));
        match (result, known) {
            (Ok(()), None) => {}
            (Ok(()), Some(_)) => {
                unexpected.push(format!("{name}: loaded, but INDEX.md says it is broken"))
            }
            (Err(e), None) => unexpected.push(format!("{name}: {e}")),
            (Err(e), Some((_, at, cause))) => {
                broken_seen += 1;
                let text = e.to_string();
                assert!(text.contains(at), "{name}: error should name {at}: {text}");
                assert!(
                    text.contains(cause),
                    "{name}: error should name the cause '{cause}': {text}"
                );
                assert!(e.line > 0, "{name}: error without a line: {text}");
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "unexpected results:\n{}",
        unexpected.join("\n")
    );
    assert_eq!(broken_seen, KNOWN_BROKEN.len());
}

#[test]
fn the_corpus_example_message_validates() {
    let Some(shared) = common::shared_dir("corpus") else {
        return;
    };
    let dir = shared.join("corpus/itk-dev__serviceplatformen/resources/sf1500/Tekniske specifikationer (v6.0 Services)/v6_0_0_0/xsd/common");
    let set = SchemaSet::load_xsd(&dir.join("RequestHeader.xsd")).expect("RequestHeader.xsd loads");
    let doc = std::fs::read(dir.join("RequestHeader-example.xml")).unwrap();
    let v = set.validate_document(&doc);
    assert!(v.is_valid(), "{:#?}", v.findings);
    // And a mutation of it does not.
    let text = String::from_utf8(doc).unwrap();
    let broken = text
        .replacen("<", "<Unexpected/><", 2)
        .replacen("<Unexpected/>", "", 1);
    assert!(!set.validate_document(broken.as_bytes()).is_valid());
}

#[test]
fn sf1600_print_contract_resolves_one_namespace_from_many_files() {
    let Some(shared) = common::shared_dir("corpus") else {
        return;
    };
    let wsdl = shared
        .join("corpus/itk-dev__serviceplatformen/resources/sf1600/wsdl/context/PrintService.wsdl");
    let c = Contract::load(&wsdl, &LoadOptions::default()).expect("PrintService.wsdl loads");
    let names: Vec<&str> = c.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, vec!["afsendBrev", "spoergTilmelding"]);
    let op = c.operation("afsendBrev").unwrap();
    assert_eq!(
        op.soap_action.as_deref(),
        Some("http://serviceplatformen.dk/xml/wsdl/soap11/Print/Print/2/afsendBrev")
    );
    assert_eq!(
        op.input.as_ref().unwrap().local.as_ref(),
        "PrintAfsendBrevRequest"
    );
    assert_eq!(op.faults.len(), 2);
    // libxml2 loads only the first import per namespace; we need them all.
    assert!(
        c.schemas.files().len() > 90,
        "{} schema documents",
        c.schemas.files().len()
    );
}
