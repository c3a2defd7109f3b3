//! Schema-driven generation: every generated document is validated by the engine. Covers
//! every global element of the service packs and of the shared contract corpus (several
//! seeds, minimal and filled, realistic and exotic), plus the generator's features one by one.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use oir::schema::generate::{GenOptions, Generator, generate_element, sample_value};
use oir::schema::wsdl::Contract;
use oir::schema::{LoadOptions, SchemaSet};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("xsd" | "wsdl")) {
            out.push(p);
        }
    }
}

/// The option sets every element is generated with.
fn variants() -> Vec<GenOptions> {
    let mut v = Vec::new();
    for (seed, fill, realistic) in [
        (0, false, true),
        (1, false, false),
        (2, true, true),
        (3, true, false),
        (4, false, true),
    ] {
        v.push(GenOptions {
            seed,
            fill_optional: fill,
            realistic,
            ..GenOptions::default()
        });
    }
    v
}

#[derive(Default)]
struct Coverage {
    files: usize,
    elements: usize,
    documents: usize,
    /// (element, options, reason)
    gen_errors: Vec<String>,
    invalid: Vec<String>,
}

/// Generate and validate every global element of one schema set (once per element name
/// and declaration line across the run).
fn cover(set: &SchemaSet, label: &str, seen: &mut HashSet<String>, cov: &mut Coverage) {
    let model = set.model();
    let g = Generator::new(model);
    let mut names: Vec<_> = model.global_elements.iter().collect();
    names.sort();
    for (q, &e) in names {
        let decl = model.element(e);
        let key = format!("{q}@{}:{}", decl.line, model.type_name(decl.type_id));
        if !seen.insert(key) {
            continue;
        }
        cov.elements += 1;
        for opts in variants() {
            match g.element_xml(e, &opts) {
                Ok(xml) => {
                    cov.documents += 1;
                    let v = set.validate_document(xml.as_bytes());
                    if !v.is_valid() {
                        cov.invalid.push(format!(
                            "{label}: {q} seed {} fill {} realistic {}: {:?}\n{}",
                            opts.seed,
                            opts.fill_optional,
                            opts.realistic,
                            v.findings
                                .iter()
                                .take(3)
                                .map(|f| format!("{} {} {}", f.path, f.constraint, f.message))
                                .collect::<Vec<_>>(),
                            xml.chars().take(1500).collect::<String>()
                        ));
                    }
                }
                Err(err) => cov
                    .gen_errors
                    .push(format!("{label}: {q} seed {}: {err}", opts.seed)),
            }
        }
    }
}

fn load(f: &Path) -> Option<SchemaSet> {
    if f.extension().is_some_and(|e| e == "wsdl") {
        Contract::load(f, &LoadOptions::default())
            .ok()
            .map(|c| c.schemas)
    } else {
        SchemaSet::load_xsd(f).ok()
    }
}

#[test]
fn every_global_element_of_every_service_pack_generates_valid_documents() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut packs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("SF1590_"))
        })
        .collect();
    packs.sort();
    assert!(packs.len() >= 6, "service packs missing: {packs:?}");
    let mut report = BTreeMap::new();
    let mut all = Coverage::default();
    for pack in &packs {
        let name = pack.file_name().unwrap().to_string_lossy().into_owned();
        let mut files = Vec::new();
        walk(pack, &mut files);
        let mut seen = HashSet::new();
        let mut cov = Coverage::default();
        let mut io_elements = 0;
        for f in &files {
            let label = f.strip_prefix(&root).unwrap().display().to_string();
            let set = if f.extension().is_some_and(|e| e == "wsdl") {
                let c = Contract::load(f, &LoadOptions::default())
                    .unwrap_or_else(|e| panic!("{label}: {e}"));
                // The operations' messages must be among what is covered.
                for op in &c.operations {
                    for q in op.input.iter().chain(op.output.iter()) {
                        assert!(
                            c.schemas
                                .model()
                                .global_element(q.ns_str(), &q.local)
                                .is_some(),
                            "{label}: {q} is not declared"
                        );
                        io_elements += 1;
                    }
                }
                c.schemas
            } else {
                SchemaSet::load_xsd(f).unwrap_or_else(|e| panic!("{label}: {e}"))
            };
            cov.files += 1;
            cover(&set, &label, &mut seen, &mut cov);
        }
        println!(
            "{name}: {} files, {} global elements ({} operation messages), {} documents generated and valid",
            cov.files,
            cov.elements,
            io_elements,
            cov.documents - cov.invalid.len()
        );
        report.insert(name, (cov.elements, cov.documents));
        all.elements += cov.elements;
        all.documents += cov.documents;
        all.gen_errors.extend(cov.gen_errors);
        all.invalid.extend(cov.invalid);
    }
    println!(
        "service packs: {} global elements, {} documents",
        all.elements, all.documents
    );
    assert!(
        all.gen_errors.is_empty(),
        "generation failed:\n{}",
        all.gen_errors.join("\n")
    );
    assert!(
        all.invalid.is_empty(),
        "{} invalid documents:\n{}",
        all.invalid.len(),
        all.invalid.join("\n\n")
    );
    assert!(all.elements >= 100, "only {} elements", all.elements);
}

#[test]
fn every_global_element_of_the_corpus_generates_valid_documents() {
    let Some(shared) = common::shared_dir("corpus") else {
        return;
    };
    let corpus = shared.join("corpus");
    let mut files = Vec::new();
    walk(&corpus, &mut files);
    let mut seen = HashSet::new();
    let mut cov = Coverage::default();
    let mut not_loading = 0;
    for f in &files {
        let label = f.strip_prefix(&corpus).unwrap().display().to_string();
        match load(f) {
            Some(set) => {
                cov.files += 1;
                cover(&set, &label, &mut seen, &mut cov);
            }
            // tests/corpus.rs pins which files are broken and why.
            None => not_loading += 1,
        }
    }
    println!(
        "corpus: {} files loaded ({} known-broken skipped), {} distinct global elements, {} documents generated, {} invalid, {} generation errors",
        cov.files,
        not_loading,
        cov.elements,
        cov.documents,
        cov.invalid.len(),
        cov.gen_errors.len()
    );
    assert!(
        not_loading <= 6,
        "{not_loading} corpus files failed to load"
    );
    assert!(
        cov.invalid.is_empty(),
        "{} invalid documents:\n{}",
        cov.invalid.len(),
        cov.invalid
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    assert!(
        cov.gen_errors.is_empty(),
        "generation failed:\n{}",
        cov.gen_errors.join("\n")
    );
    assert!(cov.elements >= 500, "only {} elements", cov.elements);
}

// ---- features, one schema ---------------------------------------------------------------

const XSD: &str = r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:g" xmlns:g="urn:g" elementFormDefault="qualified">
  <xs:simpleType name="Cpr"><xs:restriction base="xs:string"><xs:pattern value="[0-9]{6}-?[0-9]{4}"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="CprUdenBindestreg"><xs:restriction base="g:Cpr"><xs:pattern value="[0-9]{10}"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Umulig"><xs:restriction base="xs:string"><xs:pattern value="[a-z]{3}"/><xs:minLength value="5"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Beloeb"><xs:restriction base="xs:decimal"><xs:totalDigits value="5"/><xs:fractionDigits value="2"/><xs:minExclusive value="999.98"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Koder"><xs:list itemType="xs:NCName"/></xs:simpleType>
  <xs:simpleType name="TalEllerDato"><xs:union memberTypes="xs:int xs:date"/></xs:simpleType>
  <xs:simpleType name="Retning"><xs:restriction base="xs:QName"><xs:enumeration value="g:Ind"/><xs:enumeration value="g:Ud"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Navn"><xs:restriction base="xs:string"><xs:pattern value="[\p{L}]{4,8}"/></xs:restriction></xs:simpleType>

  <xs:element name="Dokument">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Cpr" type="g:CprUdenBindestreg"/>
        <xs:element name="Beloeb" type="g:Beloeb"/>
        <xs:element name="Koder" type="g:Koder"/>
        <xs:element name="Tal" type="g:TalEllerDato"/>
        <xs:element name="Retning" type="g:Retning"/>
        <xs:element name="Navn" type="g:Navn" maxOccurs="3"/>
        <xs:element name="Tid" type="xs:dateTime"/>
        <xs:element name="Varighed"><xs:simpleType><xs:restriction base="xs:duration"><xs:minInclusive value="P1D"/><xs:maxExclusive value="P2D"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="Data" type="xs:base64Binary"/>
        <xs:element name="Flag" type="xs:boolean"/>
        <xs:element name="Version" type="xs:string" fixed="1.0"/>
        <xs:element name="Valgfri" type="xs:string" minOccurs="0"/>
        <xs:element name="Nil" type="g:Umulig" nillable="true"/>
        <xs:element ref="g:Part"/>
        <xs:element name="Node" type="g:NodeType"/>
        <xs:element name="Alt"><xs:complexType><xs:all><xs:element name="B" type="xs:string"/><xs:element name="A" type="xs:int"/></xs:all></xs:complexType></xs:element>
        <xs:element name="Tekst"><xs:complexType mixed="true"><xs:sequence><xs:element name="Fed" type="xs:string" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>
        <xs:element name="Abstrakt" type="g:AbstraktType"/>
        <xs:any namespace="##other" processContents="lax"/>
        <xs:any namespace="##targetNamespace" processContents="strict"/>
      </xs:sequence>
      <xs:attribute name="id" type="xs:ID" use="required"/>
      <xs:attribute name="sprog" type="xs:language"/>
      <xs:attribute name="kanal" type="xs:string" fixed="web"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="Part" abstract="true" type="g:PartType"/>
  <xs:element name="Person" substitutionGroup="g:Part" type="g:PartType"/>
  <xs:complexType name="PartType"><xs:sequence><xs:element name="Id" type="xs:positiveInteger"/></xs:sequence></xs:complexType>
  <xs:complexType name="NodeType">
    <xs:choice><xs:element name="Node" type="g:NodeType"/><xs:element name="Blad" type="xs:string"/></xs:choice>
  </xs:complexType>
  <xs:complexType name="AbstraktType" abstract="true"><xs:sequence><xs:element name="X" type="xs:string"/></xs:sequence></xs:complexType>
  <xs:complexType name="KonkretType"><xs:complexContent><xs:extension base="g:AbstraktType"><xs:sequence><xs:element name="Y" type="xs:gYear"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
  <xs:element name="Umulig" type="g:Umulig"/>
  <xs:element name="Kaede" type="g:KaedeType"/>
  <xs:complexType name="KaedeType"><xs:sequence><xs:element name="Led" type="g:KaedeType"/></xs:sequence></xs:complexType>
</xs:schema>"###;

fn feature_set() -> SchemaSet {
    // One folder per call: tests run in parallel and must not read half-written files.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("oir-generate-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("g.xsd"), XSD).unwrap();
    SchemaSet::load_xsd(&d.join("g.xsd")).unwrap()
}

fn elem(set: &SchemaSet, local: &str) -> u32 {
    set.model().global_element(Some("urn:g"), local).unwrap()
}

fn text_of<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!(":{tag}>");
    let i = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no {tag} in {xml}"))
        + open.len();
    &xml[i..i + xml[i..].find('<').unwrap()]
}

#[test]
fn every_feature_generates_valid_documents_for_many_seeds() {
    let set = feature_set();
    let e = elem(&set, "Dokument");
    for seed in 0..40 {
        for fill in [false, true] {
            for realistic in [true, false] {
                let o = GenOptions {
                    seed,
                    fill_optional: fill,
                    realistic,
                    ..GenOptions::default()
                };
                let xml = generate_element(set.model(), e, &o).unwrap();
                let v = set.validate_document(xml.as_bytes());
                assert!(
                    v.is_valid(),
                    "seed {seed} fill {fill} realistic {realistic}: {:?}\n{xml}",
                    v.findings
                );
            }
        }
    }
}

#[test]
fn deterministic_for_a_seed_and_varied_across_seeds() {
    let set = feature_set();
    let e = elem(&set, "Dokument");
    let o = |seed| GenOptions {
        seed,
        ..GenOptions::default()
    };
    let a = generate_element(set.model(), e, &o(11)).unwrap();
    assert_eq!(a, generate_element(set.model(), e, &o(11)).unwrap());
    let distinct: HashSet<String> = (0..10)
        .map(|s| generate_element(set.model(), e, &o(s)).unwrap())
        .collect();
    assert_eq!(distinct.len(), 10, "every seed gives another document");
    // Minimal by default: optional content only when asked for.
    assert!(!a.contains("Valgfri") && !a.contains("sprog="));
    let full = generate_element(
        set.model(),
        e,
        &GenOptions {
            fill_optional: true,
            ..o(11)
        },
    )
    .unwrap();
    assert!(
        full.contains(":Valgfri>") && full.contains("sprog="),
        "{full}"
    );
}

#[test]
fn values_meet_every_step_and_the_structures_are_chosen_as_documented() {
    let set = feature_set();
    let xml =
        generate_element(set.model(), elem(&set, "Dokument"), &GenOptions::default()).unwrap();
    // Patterns in two steps: generated from one, checked against both.
    let cpr = text_of(&xml, "Cpr");
    assert!(
        cpr.len() == 10 && cpr.bytes().all(|b| b.is_ascii_digit()),
        "{cpr}"
    );
    // Exact decimal range: > 999.98 with at most 5 digits, 2 after the point.
    let b: f64 = text_of(&xml, "Beloeb").parse().unwrap();
    assert!(b > 999.98 && b <= 999.99, "{b}");
    // The fixed value, the QName enumeration with its prefix declared.
    assert_eq!(text_of(&xml, "Version"), "1.0");
    let retning = text_of(&xml, "Retning");
    let prefix = retning.split(':').next().unwrap();
    assert!(xml.contains(&format!("xmlns:{prefix}=\"urn:g\"")), "{xml}");
    // The substitution group's concrete member, xsi:type for the abstract type.
    assert!(xml.contains(":Person>") && !xml.contains(":Part>"), "{xml}");
    assert!(xml.contains("xsi:type=\"ns1:KonkretType\""), "{xml}");
    // Recursion is skipped for the leaf alternative; nil where the value is impossible.
    assert_eq!(xml.matches("<ns1:Node>").count(), 1, "{xml}");
    assert!(xml.contains(":Blad>"), "{xml}");
    assert!(xml.contains("xsi:nil=\"true\""), "{xml}");
    // Both wildcards: an undeclared element elsewhere (lax), a declared one here (strict).
    assert!(xml.contains("urn:oir:generated:extension"), "{xml}");
    // Required and fixed attributes; ID values are names.
    assert!(xml.contains(" id=\"id") && !xml.contains("kanal="), "{xml}");
}

#[test]
fn realistic_values_prefer_ascii_and_danish_letters() {
    let set = feature_set();
    let e = elem(&set, "Dokument");
    for seed in 0..20 {
        let xml = generate_element(
            set.model(),
            e,
            &GenOptions {
                seed,
                ..GenOptions::default()
            },
        )
        .unwrap();
        // [\p{L}]{4,8}: any letter would do; realistic ones are a-z, A-Z, æøå.
        for name in xml.split(":Navn>").skip(1).step_by(2) {
            let v = &name[..name.find('<').unwrap()];
            assert!(
                v.chars()
                    .all(|c| c.is_ascii_alphabetic() || "æøåÆØÅ".contains(c)),
                "{v}"
            );
        }
    }
    let exotic: String = (0..20)
        .map(|seed| {
            generate_element(
                set.model(),
                e,
                &GenOptions {
                    seed,
                    realistic: false,
                    ..GenOptions::default()
                },
            )
            .unwrap()
        })
        .collect();
    assert!(
        exotic
            .chars()
            .any(|c| !c.is_ascii() && !"æøåÆØÅ".contains(c)),
        "exotic mode stays ASCII"
    );
}

#[test]
fn impossible_values_give_an_error_naming_type_and_constraint() {
    let set = feature_set();
    let err =
        generate_element(set.model(), elem(&set, "Umulig"), &GenOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Umulig"), "{text}");
    assert!(
        err.constraint == "cvc-minLength-valid" || err.constraint == "cvc-pattern-valid",
        "{text}"
    );
    // An element that can only nest forever.
    let err =
        generate_element(set.model(), elem(&set, "Kaede"), &GenOptions::default()).unwrap_err();
    assert_eq!(err.constraint, "recursion", "{err}");
    // sample_value: None for the impossible type, a valid value otherwise.
    let m = set.model();
    let t = |n: &str| {
        m.global_type(&oir::schema::model::QName::new(Some("urn:g"), n))
            .unwrap()
    };
    assert_eq!(sample_value(m, t("Umulig"), 0), None);
    for n in [
        "Cpr",
        "CprUdenBindestreg",
        "Beloeb",
        "Koder",
        "TalEllerDato",
        "Navn",
    ] {
        for seed in 0..10 {
            let v = sample_value(m, t(n), seed).unwrap_or_else(|| panic!("{n}"));
            let ok = oir::schema::simple::validate(m, t(n), &v, &|_| Some(String::new()));
            assert!(ok.is_ok(), "{n} {v}: {ok:?}");
        }
    }
}
