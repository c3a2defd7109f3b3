//! Instance validation behaviour on small inline schemas: paths, positions, no cascades,
//! SOAP payloads in place, facets per step, thread sharing.

use std::io::Write;

use oir::schema::SchemaSet;

const XSD: &str = r#"<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:fb="urn:oir:test:fb"
           targetNamespace="urn:oir:test:fb" elementFormDefault="qualified">
  <xs:simpleType name="Beloeb">
    <xs:restriction base="xs:decimal">
      <xs:totalDigits value="15"/>
      <xs:fractionDigits value="2"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Konto">
    <xs:restriction base="xs:string"><xs:pattern value="[0-9]{4}"/><xs:pattern value="X[0-9]{3}"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Konto8">
    <xs:restriction base="fb:Konto"><xs:pattern value="[0-9X]{4}"/><xs:length value="4"/></xs:restriction>
  </xs:simpleType>
  <xs:complexType name="Postering">
    <xs:sequence>
      <xs:element name="Konto" type="fb:Konto8"/>
      <xs:element name="Beloeb" type="fb:Beloeb"/>
      <xs:element name="Tekst" type="xs:string" minOccurs="0"/>
    </xs:sequence>
    <xs:attribute name="linje" type="xs:positiveInteger" use="required"/>
  </xs:complexType>
  <xs:element name="Finansbilag">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="BilagId" type="xs:string"/>
        <xs:element name="Finanspostering" type="fb:Postering" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>"#;

fn schema() -> SchemaSet {
    // One file per call: the tests run in parallel and must not read a half-written schema.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("oir-validate-test-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fb.xsd");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(XSD.as_bytes())
        .unwrap();
    SchemaSet::load_xsd(&path).expect("schema loads")
}

fn posting(n: u32, konto: &str, beloeb: &str) -> String {
    format!(
        "<fb:Finanspostering linje=\"{n}\"><fb:Konto>{konto}</fb:Konto><fb:Beloeb>{beloeb}</fb:Beloeb></fb:Finanspostering>"
    )
}

fn doc(postings: &str) -> String {
    format!(
        "<fb:Finansbilag xmlns:fb=\"urn:oir:test:fb\">\n<fb:BilagId>B1</fb:BilagId>\n{postings}\n</fb:Finansbilag>"
    )
}

#[test]
fn valid_document_has_no_findings() {
    let s = schema();
    let d = doc(&[posting(1, "1234", "100.00"), posting(2, "X123", "-100")].join("\n"));
    let v = s.validate_document(d.as_bytes());
    assert!(v.is_valid(), "{:#?}", v.findings);
}

#[test]
fn facet_error_has_line_path_value_and_expectation() {
    let s = schema();
    let d = doc(&[
        posting(1, "1234", "1.00"),
        posting(2, "1234", "2.00"),
        posting(3, "1234", "12.345"),
    ]
    .join("\n"));
    let v = s.validate_document(d.as_bytes());
    assert_eq!(v.findings.len(), 1, "{:#?}", v.findings);
    let f = &v.findings[0];
    assert_eq!(f.path, "/fb:Finansbilag/fb:Finanspostering[3]/fb:Beloeb");
    assert_eq!(f.constraint, "cvc-fractionDigits-valid");
    assert_eq!(f.line, 5);
    assert_eq!(f.value.as_deref(), Some("12.345"));
    assert!(f.expected.as_deref().unwrap().contains('2'), "{f:?}");
}

#[test]
fn patterns_are_or_within_a_step_and_and_across_steps() {
    let s = schema();
    // "X123" matches step 1 (second pattern) and step 2; "X12X" matches step 2 only.
    let ok = s.validate_document(doc(&posting(1, "X123", "1")).as_bytes());
    assert!(ok.is_valid(), "{:#?}", ok.findings);
    let bad = s.validate_document(doc(&posting(1, "X12X", "1")).as_bytes());
    assert_eq!(bad.findings.len(), 1);
    assert_eq!(bad.findings[0].constraint, "cvc-pattern-valid");
    let steps = s.model().restriction_steps(
        s.model()
            .global_type(&oir::schema::model::QName::new(
                Some("urn:oir:test:fb"),
                "Konto8",
            ))
            .unwrap(),
    );
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].facets.patterns.len(), 1);
    assert_eq!(steps[1].facets.patterns.len(), 2);
}

#[test]
fn a_content_error_does_not_cascade_to_siblings() {
    let s = schema();
    // Wrong order inside one posting, and an unknown element in the next: one finding each.
    let swapped = "<fb:Finanspostering linje=\"1\"><fb:Beloeb>1</fb:Beloeb><fb:Konto>1234</fb:Konto></fb:Finanspostering>";
    let extra = "<fb:Finanspostering linje=\"2\"><fb:Konto>1234</fb:Konto><fb:Extra/><fb:Beloeb>1</fb:Beloeb><fb:Tekst>t</fb:Tekst></fb:Finanspostering>";
    let v = s.validate_document(doc(&format!("{swapped}\n{extra}")).as_bytes());
    assert_eq!(v.findings.len(), 2, "{:#?}", v.findings);
    assert!(
        v.findings[0].path.ends_with("fb:Finanspostering/fb:Beloeb"),
        "{:?}",
        v.findings[0]
    );
    assert!(
        v.findings[0].message.contains("Konto"),
        "{:?}",
        v.findings[0]
    );
    assert!(
        v.findings[1]
            .path
            .ends_with("fb:Finanspostering[2]/fb:Extra"),
        "{:?}",
        v.findings[1]
    );
}

#[test]
fn missing_required_attribute_and_child() {
    let s = schema();
    let d = doc("<fb:Finanspostering><fb:Konto>1234</fb:Konto></fb:Finanspostering>");
    let v = s.validate_document(d.as_bytes());
    let constraints: Vec<&str> = v.findings.iter().map(|f| f.constraint.as_str()).collect();
    assert_eq!(
        constraints,
        vec!["cvc-complex-type.4", "cvc-complex-type.2.4.b"],
        "{:#?}",
        v.findings
    );
}

#[test]
fn soap_body_payload_is_validated_in_place() {
    let s = schema();
    let env = format!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:fb=\"urn:oir:test:fb\">\n<soap:Header/>\n<soap:Body>\n<fb:Finansbilag><fb:BilagId>B</fb:BilagId>{}</fb:Finansbilag>\n</soap:Body></soap:Envelope>",
        posting(1, "12345", "1")
    );
    let (v, info) = s.validate_soap(env.as_bytes());
    assert_eq!(info.body_children.len(), 1);
    assert_eq!(v.findings.len(), 1, "{:#?}", v.findings);
    assert_eq!(
        v.findings[0].path,
        "/soap:Envelope/soap:Body/fb:Finansbilag/fb:Finanspostering/fb:Konto"
    );
    assert_eq!(v.findings[0].line, 4);
}

#[test]
fn not_well_formed_input_is_one_finding_with_position() {
    let s = schema();
    let v = s.validate_document(
        b"<fb:Finansbilag xmlns:fb=\"urn:oir:test:fb\">\n<fb:BilagId>B</fb:Bilag>",
    );
    assert_eq!(v.findings.len(), 1);
    assert_eq!(v.findings[0].constraint, "well-formedness");
    assert_eq!(v.findings[0].line, 2);
}

#[test]
fn compiled_set_is_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SchemaSet>();
    let s = schema();
    let good = doc(&posting(1, "1234", "1"));
    let bad = doc(&posting(1, "12", "1"));
    std::thread::scope(|scope| {
        for i in 0..4 {
            let s = &s;
            let d = if i % 2 == 0 {
                good.clone()
            } else {
                bad.clone()
            };
            scope.spawn(move || {
                for _ in 0..50 {
                    assert_eq!(s.validate_document(d.as_bytes()).is_valid(), i % 2 == 0);
                }
            });
        }
    });
}
