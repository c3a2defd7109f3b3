//! The boundary engine: cases derived from facets, each re-validated by the engine; on
//! ModtagFinansbilag with its example in detail, on every operation of every pack for
//! robustness, and on a small schema with the facets the packs do not use.

mod common;

use common::oir;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use oir::schema::LoadOptions;
use oir::schema::boundaries::{
    BoundaryError, BoundaryOptions, BoundaryReport, CaseKind, DropStage, Expect, boundary_cases,
};
use oir::schema::wsdl::Contract;

const WSDL: &str = "schemas/SF1590_A/wsdl/context/ModtagFinansbilag.wsdl";
const EXAMPLE: &str = "schemas/SF1590_A/examples/ModtagFinansbilag.request.xml";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn contract(rel: &str) -> Contract {
    Contract::load(&root().join(rel), &LoadOptions::default()).unwrap()
}

fn modtag(seed: u64) -> BoundaryReport {
    let c = contract(WSDL);
    let ex = std::fs::read(root().join(EXAMPLE)).unwrap();
    boundary_cases(
        &c,
        "ModtagFinansbilag",
        Some(&ex),
        &BoundaryOptions {
            seed,
            ..BoundaryOptions::default()
        },
    )
    .unwrap()
}

/// Re-check every kept case independently of the engine's own bookkeeping.
fn assert_cases_revalidate(c: &Contract, r: &BoundaryReport) {
    for case in &r.cases {
        let (v, _) = c.schemas.validate_soap(case.message.as_bytes());
        match case.expect {
            Expect::Valid => assert!(
                v.is_valid(),
                "{}: meant valid, got {:?}",
                case.id,
                v.findings
            ),
            Expect::Invalid => {
                let f = case
                    .finding
                    .as_ref()
                    .expect("invalid cases name their finding");
                assert!(
                    !v.is_valid(),
                    "{}: meant invalid, engine says valid",
                    case.id
                );
                // The intended finding at the element, nothing else there or outside it
                // (follow-on findings inside the element belong to the same change).
                let inside = format!("{}/", f.path);
                assert!(
                    v.findings
                        .iter()
                        .any(|x| x.constraint == f.constraint && x.path == f.path),
                    "{}: meant {} at {}, got {:?}",
                    case.id,
                    f.constraint,
                    f.path,
                    v.findings
                );
                assert!(
                    v.findings
                        .iter()
                        .all(|x| (x.path == f.path && x.constraint == f.constraint)
                            || x.path.starts_with(&inside)),
                    "{}: meant only {} at {}, got {:?}",
                    case.id,
                    f.constraint,
                    f.path,
                    v.findings
                );
            }
        }
    }
}

#[test]
fn modtag_finansbilag_cases_cover_every_facet_kind_present() {
    let r = modtag(0);
    let counts = r.counts();
    println!(
        "ModtagFinansbilag: {} targets, {} cases",
        r.targets,
        r.cases.len()
    );
    for (k, (v, i)) in &counts {
        println!("  {:<16} {v:>3} valid {i:>4} invalid", k.name());
    }
    for d in &r.dropped {
        println!(
            "  dropped [{:?}] {} {}: {}",
            d.stage, d.path, d.label, d.reason
        );
    }
    // The facet kinds the request's types use (FinansTypes, OIRFaellesTypes, sp/*).
    for kind in [
        CaseKind::MinLength,
        CaseKind::MaxLength,
        CaseKind::Empty,
        CaseKind::Pattern,
        CaseKind::TotalDigits,
        CaseKind::FractionDigits,
        CaseKind::Date,
        CaseKind::MissingRequired,
        // (No element of this request has minOccurs > 1: a voucher may carry a single
        // posting, which SF1590A-BAL-002 judges. minOccurs−1 is tested on the inline schema.)
        CaseKind::MaxOccurs,
    ] {
        let (v, i) = counts.get(&kind).copied().unwrap_or((0, 0));
        assert!(i > 0, "no invalid {} case", kind.name());
        if kind != CaseKind::MissingRequired {
            assert!(v > 0, "no valid {} case", kind.name());
        }
    }
    let find = |path_end: &str, label: &str| {
        r.cases
            .iter()
            .find(|c| c.path.ends_with(path_end) && c.label == label)
            .unwrap_or_else(|| panic!("no case {label} at …{path_end}"))
    };
    let c = find("fin:Finansbilag/fin:Bilagstekst", "maxLength+1 (101)");
    assert_eq!(c.expect, Expect::Invalid);
    assert_eq!(c.value.as_ref().unwrap().chars().count(), 101);
    assert_eq!(
        c.finding.as_ref().unwrap().constraint,
        "cvc-maxLength-valid"
    );
    assert_eq!(
        c.finding.as_ref().unwrap().path,
        "/soapenv:Envelope/soapenv:Body/svc:ModtagFinansbilagRequest/fin:Finansbilag/fin:Bilagstekst"
    );
    let c = find("fin:Finanspostering/fin:Beloeb", "fractionDigits+1 (3)");
    assert_eq!(
        c.finding.as_ref().unwrap().constraint,
        "cvc-fractionDigits-valid"
    );
    let c = find("fin:Finanspostering/fin:Beloeb", "totalDigits+1 (19)");
    assert_eq!(
        c.finding.as_ref().unwrap().constraint,
        "cvc-totalDigits-valid"
    );
    assert_eq!(c.value.as_deref(), Some("10000000000000000.01"));
    // A single posting is schema-valid (SF1590A-BAL-002 judges it), so the minimal count
    // of postings is a valid case.
    assert!(
        !r.cases
            .iter()
            .any(|c| c.path.ends_with("fin:Finansbilag/fin:Finanspostering")
                && c.label == "minOccurs-1 (1)")
    );
    // Optional elements the example lacks are inserted and varied too.
    assert!(r.cases.iter().any(|c| c.path.ends_with("fin:Valoerdato")));
    assert!(
        r.cases
            .iter()
            .any(|c| c.path.ends_with("fin:Part/fin:CVRNummer"))
    );
    // Every dropped case says why, and none disagrees with the engine.
    for d in &r.dropped {
        assert!(!d.reason.is_empty());
        assert_ne!(d.stage, DropStage::Revalidation, "{d:?}");
    }
    // The explained set: "" also breaks the reference pattern, and 10000 postings.
    let dropped: BTreeSet<(DropStage, String)> = r
        .dropped
        .iter()
        .map(|d| (d.stage, d.label.clone()))
        .collect();
    assert_eq!(
        dropped,
        BTreeSet::from([
            (DropStage::Unreachable, "minLength-1 (0)".to_string()),
            (DropStage::TooLarge, "maxOccurs+1 (10000)".to_string()),
        ]),
        "{:#?}",
        r.dropped
    );
}

#[test]
fn modtag_finansbilag_kept_cases_revalidate_as_intended() {
    let c = contract(WSDL);
    let r = modtag(7);
    assert!(r.cases.len() > 200, "{} cases", r.cases.len());
    assert_cases_revalidate(&c, &r);
    // One change at a time: valid cases differ from the base in one value only.
    let base_lines: Vec<&str> = r.base.lines().collect();
    for case in r
        .cases
        .iter()
        .filter(|c| c.kind == CaseKind::Pattern && c.expect == Expect::Valid)
    {
        let lines: Vec<&str> = case.message.lines().collect();
        assert_eq!(lines.len(), base_lines.len(), "{}", case.id);
        let diff = lines
            .iter()
            .zip(&base_lines)
            .filter(|(a, b)| a != b)
            .count();
        assert!(diff <= 1, "{}: {diff} lines changed", case.id);
    }
}

#[test]
fn same_seed_same_cases_other_seed_other_values() {
    let a = modtag(3);
    let b = modtag(3);
    let key = |r: &BoundaryReport| {
        r.cases
            .iter()
            .map(|c| (c.id.clone(), c.value.clone(), c.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&a), key(&b));
    let c = modtag(4);
    assert_ne!(key(&a), key(&c), "another seed should vary the samples");
    // The same kinds either way.
    assert_eq!(
        a.counts().keys().collect::<Vec<_>>(),
        c.counts().keys().collect::<Vec<_>>()
    );
}

#[test]
fn a_generated_base_works_without_an_example() {
    let c = contract(WSDL);
    let r = boundary_cases(&c, "ModtagFinansbilag", None, &BoundaryOptions::default()).unwrap();
    assert_eq!(r.base_source, "generated");
    assert!(r.cases.len() > 100);
    assert_cases_revalidate(&c, &r);
    assert!(
        r.dropped.iter().all(|d| d.stage != DropStage::Revalidation),
        "{:#?}",
        r.dropped
    );
}

#[test]
fn unknown_operation_names_the_available_ones() {
    let c = contract(WSDL);
    match boundary_cases(&c, "Nope", None, &BoundaryOptions::default()) {
        Err(e @ BoundaryError::UnknownOperation { .. }) => {
            assert!(e.to_string().contains("ModtagFinansbilag"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

/// Operations of every pack, with their examples and with a generated base.
#[test]
fn every_operation_of_every_pack() {
    let schemas = root().join("schemas");
    let mut wsdls = Vec::new();
    for pack in std::fs::read_dir(&schemas).unwrap().flatten() {
        let dir = pack.path().join("wsdl/context");
        if !pack.file_name().to_string_lossy().starts_with("SF1590_") {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap().flatten() {
            if f.path().extension().is_some_and(|e| e == "wsdl") {
                wsdls.push(f.path());
            }
        }
    }
    wsdls.sort();
    let mut totals: BTreeMap<CaseKind, usize> = BTreeMap::new();
    let mut drops: BTreeMap<DropStage, usize> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let (mut ops, mut cases) = (0, 0);
    for w in &wsdls {
        let c = Contract::load(w, &LoadOptions::default()).unwrap();
        let pack = w.parent().unwrap().parent().unwrap().parent().unwrap();
        for op in &c.operations {
            let example = pack.join(format!("examples/{}.request.xml", op.name));
            let example = std::fs::read(&example).ok();
            for ex in [example.as_deref(), None] {
                let r = boundary_cases(&c, &op.name, ex, &BoundaryOptions::default())
                    .unwrap_or_else(|e| panic!("{}: {}: {e}", w.display(), op.name));
                ops += 1;
                cases += r.cases.len();
                for case in &r.cases {
                    *totals.entry(case.kind).or_default() += 1;
                }
                for d in &r.dropped {
                    *drops.entry(d.stage).or_default() += 1;
                    if d.stage == DropStage::Revalidation || d.stage == DropStage::NotInsertable {
                        unexpected.push(format!(
                            "{} {} ({}): {} {}: {}",
                            pack.file_name().unwrap().to_string_lossy(),
                            op.name,
                            r.base_source,
                            d.path,
                            d.label,
                            d.reason
                        ));
                    }
                }
                if ex.is_some() {
                    assert_cases_revalidate(&c, &r);
                }
            }
        }
    }
    println!("{ops} runs (operations × example/generated base), {cases} cases");
    println!("cases per kind: {totals:?}");
    println!("dropped per stage: {drops:?}");
    assert!(
        unexpected.is_empty(),
        "{} unexplained drops:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

/// Every operation of the shared corpus (generated bases): no panics, no errors, and the
/// only disagreements are the explained kind.
#[test]
fn every_operation_of_the_corpus() {
    let Some(shared) = common::shared_dir("corpus") else {
        return;
    };
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut e: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        e.sort();
        for p in e {
            if p.is_dir() {
                walk(&p, out)
            } else if p.extension().is_some_and(|x| x == "wsdl") {
                out.push(p)
            }
        }
    }
    let mut files = Vec::new();
    walk(&shared.join("corpus"), &mut files);
    let (mut runs, mut cases, mut follow_on) = (0, 0, 0);
    let mut unexpected = Vec::new();
    for f in &files {
        let Ok(c) = Contract::load(f, &LoadOptions::default()) else {
            continue; // tests/corpus.rs pins the broken ones
        };
        for op in &c.operations {
            let r = boundary_cases(&c, &op.name, None, &BoundaryOptions::default())
                .unwrap_or_else(|e| panic!("{}: {}: {e}", f.display(), op.name));
            runs += 1;
            cases += r.cases.len();
            for d in &r.dropped {
                match d.stage {
                    DropStage::Unreachable | DropStage::TooLarge | DropStage::Cap => {}
                    // Explained: the engine reports the intended constraint, then validates
                    // the surplus element against a global element of the same name and
                    // reports more at that element (sd:Tidspunkt in the OIO SagDok
                    // schemas); "exactly the intended reason" rules the case out.
                    DropStage::Revalidation
                        if d.reported.first().is_some_and(|first| {
                            first.starts_with(&format!("{} at ", d.constraint))
                                && d.reported.iter().all(|x| {
                                    x.split_once(" at ").map(|(_, p)| p)
                                        == first.split_once(" at ").map(|(_, p)| p)
                                })
                        }) =>
                    {
                        follow_on += 1
                    }
                    _ => unexpected.push(format!(
                        "{} {}: [{:?}] {} {}: {}",
                        f.display(),
                        op.name,
                        d.stage,
                        d.path,
                        d.label,
                        d.reason
                    )),
                }
            }
        }
    }
    println!(
        "corpus: {runs} operations, {cases} cases, {follow_on} dropped for follow-on findings"
    );
    assert!(runs >= 100, "{runs} operations");
    assert!(
        unexpected.is_empty(),
        "{} unexplained drops:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

// ---- the facets the packs do not use --------------------------------------------------

const XSD: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b" xmlns:b="urn:b" elementFormDefault="qualified">
  <xs:element name="Req">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Kode"><xs:simpleType><xs:restriction base="xs:string">
          <xs:enumeration value="A"/><xs:enumeration value="B"/><xs:enumeration value="C"/>
        </xs:restriction></xs:simpleType></xs:element>
        <xs:element name="Antal"><xs:simpleType><xs:restriction base="xs:integer">
          <xs:minInclusive value="1"/><xs:maxExclusive value="100"/>
        </xs:restriction></xs:simpleType></xs:element>
        <xs:element name="Sats"><xs:simpleType><xs:restriction base="xs:decimal">
          <xs:minExclusive value="0"/><xs:maxInclusive value="99.99"/><xs:fractionDigits value="2"/>
        </xs:restriction></xs:simpleType></xs:element>
        <xs:element name="Kort" type="xs:short"/>
        <xs:element name="Fra"><xs:simpleType><xs:restriction base="xs:date">
          <xs:minInclusive value="2020-01-01"/>
        </xs:restriction></xs:simpleType></xs:element>
        <xs:element name="Note" type="xs:string" nillable="true"/>
        <xs:element name="Nr"><xs:simpleType><xs:restriction base="xs:string"><xs:length value="4"/><xs:pattern value="[0-9]+"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="Version" type="xs:string" fixed="2"/>
        <xs:element name="Linje" minOccurs="2" maxOccurs="3">
          <xs:complexType>
            <xs:simpleContent><xs:extension base="xs:string">
              <xs:attribute name="type" use="required"><xs:simpleType><xs:restriction base="xs:token">
                <xs:enumeration value="debet"/><xs:enumeration value="kredit"/>
              </xs:restriction></xs:simpleType></xs:attribute>
              <xs:attribute name="valuta" type="xs:string" fixed="DKK"/>
            </xs:extension></xs:simpleContent>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="Resp" type="xs:string"/>
</xs:schema>"#;

const SMALL_WSDL: &str = r#"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:b="urn:b" targetNamespace="urn:b">
  <wsdl:types><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import namespace="urn:b" schemaLocation="b.xsd"/></xs:schema></wsdl:types>
  <wsdl:message name="ReqMsg"><wsdl:part name="p" element="b:Req"/></wsdl:message>
  <wsdl:message name="RespMsg"><wsdl:part name="p" element="b:Resp"/></wsdl:message>
  <wsdl:portType name="PT"><wsdl:operation name="Op"><wsdl:input message="b:ReqMsg"/><wsdl:output message="b:RespMsg"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="b:PT"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Op"><soap:operation soapAction="urn:b/Op"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>"#;

fn small_contract() -> (PathBuf, Contract) {
    // One folder per call: tests run in parallel and must not read half-written files.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("oir-boundaries-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("b.xsd"), XSD).unwrap();
    std::fs::write(d.join("b.wsdl"), SMALL_WSDL).unwrap();
    let c = Contract::load(&d.join("b.wsdl"), &LoadOptions::default()).unwrap();
    (d, c)
}

#[test]
fn enumerations_bounds_nil_fixed_and_attributes() {
    let (_d, c) = small_contract();
    let r = boundary_cases(&c, "Op", None, &BoundaryOptions::default()).unwrap();
    for d in &r.dropped {
        println!(
            "dropped [{:?}] {} {}: {}",
            d.stage, d.path, d.label, d.reason
        );
    }
    assert_cases_revalidate(&c, &r);
    assert!(
        r.dropped.iter().all(|d| d.stage != DropStage::Revalidation),
        "{:#?}",
        r.dropped
    );
    let value = |path_end: &str, label: &str| -> (Expect, Option<String>, Option<String>) {
        let c = r
            .cases
            .iter()
            .find(|c| c.path.ends_with(&format!(":{path_end}")) && c.label == label)
            .unwrap_or_else(|| {
                panic!(
                    "no case {label} at …{path_end}; have {:?}",
                    r.cases
                        .iter()
                        .filter(|c| c.path.ends_with(&format!(":{path_end}")))
                        .map(|c| &c.label)
                        .collect::<Vec<_>>()
                )
            });
        (
            c.expect,
            c.value.clone(),
            c.finding.as_ref().map(|f| f.constraint.clone()),
        )
    };
    // Every enumeration value and one outside.
    for v in ["A", "B", "C"] {
        assert_eq!(
            value("Kode", &format!("enumeration '{v}'")).0,
            Expect::Valid
        );
    }
    let (e, _, f) = value("Kode", "outside the enumeration");
    assert_eq!(
        (e, f.as_deref()),
        (Expect::Invalid, Some("cvc-enumeration-valid"))
    );
    // Integer bounds, exclusive and inclusive, exact ±1.
    assert_eq!(value("Antal", "minInclusive (1)").1.as_deref(), Some("1"));
    let (_, v, f) = value("Antal", "minInclusive - 1 unit");
    assert_eq!(
        (v.as_deref(), f.as_deref()),
        (Some("0"), Some("cvc-minInclusive-valid"))
    );
    let (_, v, f) = value("Antal", "maxExclusive (100) itself");
    assert_eq!(
        (v.as_deref(), f.as_deref()),
        (Some("100"), Some("cvc-maxExclusive-valid"))
    );
    assert_eq!(
        value("Antal", "maxExclusive - 1 unit").1.as_deref(),
        Some("99")
    );
    // Decimal bounds step by 10^-fractionDigits.
    assert_eq!(
        value("Sats", "minExclusive + 1 unit").1.as_deref(),
        Some("0.01")
    );
    let (_, v, f) = value("Sats", "maxInclusive + 1 unit");
    assert_eq!(
        (v.as_deref(), f.as_deref()),
        (Some("100"), Some("cvc-maxInclusive-valid"))
    );
    // A built-in range is a datatype error.
    let (_, v, f) = value("Kort", "xs:short maximum + 1 unit");
    assert_eq!(
        (v.as_deref(), f.as_deref()),
        (Some("32768"), Some("cvc-datatype-valid"))
    );
    // Dates step by a day.
    let (_, v, _) = value("Fra", "minInclusive - 1 unit");
    assert_eq!(v.as_deref(), Some("2019-12-31"));
    // Nil where nillable.
    assert_eq!(value("Note", "nil").0, Expect::Valid);
    assert_eq!(
        value("Note", "nil with content").2.as_deref(),
        Some("cvc-elt.3.2.1")
    );
    // Exact length with a pattern: length±1 still match the pattern.
    let (_, v, f) = value("Nr", "length+1 (5)");
    assert_eq!(v.unwrap().len(), 5);
    assert_eq!(f.as_deref(), Some("cvc-length-valid"));
    // Fixed values.
    assert_eq!(value("Version", "fixed value").0, Expect::Valid);
    assert_eq!(
        value("Version", "other than the fixed value").2.as_deref(),
        Some("cvc-elt.5.2.2")
    );
    // Attributes: required missing, enumeration, fixed.
    assert_eq!(
        value("Linje/@type", "attribute missing").2.as_deref(),
        Some("cvc-complex-type.4")
    );
    assert_eq!(
        value("Linje/@type", "enumeration 'kredit'").0,
        Expect::Valid
    );
    assert_eq!(
        value("Linje/@valuta", "other than the fixed value")
            .2
            .as_deref(),
        Some("cvc-attribute.4")
    );
    // minOccurs 2: one left is noticed at the end of the parent.
    assert_eq!(
        value("Linje", "minOccurs-1 (1)").2.as_deref(),
        Some("cvc-complex-type.2.4.b")
    );
    // maxOccurs 3: exactly 3 is fine, 4 is not.
    assert_eq!(value("Linje", "maxOccurs (3)").0, Expect::Valid);
    assert_eq!(
        value("Linje", "maxOccurs+1 (4)").2.as_deref(),
        Some("cvc-complex-type.2.4")
    );
}

// ---- the command line --------------------------------------------------------------------

#[test]
fn cli_lists_cases_writes_messages_and_keeps_the_exit_codes() {
    let out_dir = std::env::temp_dir().join(format!("oir-boundaries-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let (code, stdout, stderr) = oir(&[
        "boundaries",
        "--wsdl",
        WSDL,
        "--operation",
        "ModtagFinansbilag",
        "--example",
        EXAMPLE,
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("maxLength+1 (101)"), "{stdout}");
    assert!(stdout.contains("dropped:"), "{stdout}");
    let files: Vec<_> = std::fs::read_dir(&out_dir).unwrap().flatten().collect();
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("cases.json")).unwrap()).unwrap();
    let n = index["cases"].as_array().unwrap().len();
    assert_eq!(files.len(), n + 1);
    let first = index["cases"][0]["file"].as_str().unwrap();
    assert!(Path::new(&out_dir.join(first)).exists());

    let (code, stdout, _) = oir(&[
        "boundaries",
        "--wsdl",
        WSDL,
        "--operation",
        "ModtagFinansbilag",
        "--format",
        "json",
        "--seed",
        "5",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["base_source"], "generated");
    assert_eq!(v["seed"], 5);
    assert!(
        v["cases"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Envelope")
    );

    let (code, _, stderr) = oir(&["boundaries", "--wsdl", WSDL, "--operation", "Nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("ModtagFinansbilag"), "{stderr}");
    let (code, _, _) = oir(&["boundaries", "--wsdl", "missing.wsdl", "--operation", "X"]);
    assert_eq!(code, 2);
    // An invalid example is a finding about the example: exit 1.
    let bad = std::env::temp_dir().join(format!("oir-bad-example-{}.xml", std::process::id()));
    let text = std::fs::read_to_string(root().join(EXAMPLE)).unwrap();
    std::fs::write(
        &bad,
        text.replace("<fin:Bilagsdato>2025-03-03", "<fin:Bilagsdato>2025-02-30"),
    )
    .unwrap();
    let (code, _, stderr) = oir(&[
        "boundaries",
        "--wsdl",
        WSDL,
        "--operation",
        "ModtagFinansbilag",
        "--example",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cvc-datatype-valid"), "{stderr}");
}
