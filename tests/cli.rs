//! `oir validate` as a user runs it: exit codes, human and JSON output, SOAP envelopes
//! against a WSDL, load errors naming file and line.

mod common;

use common::oir;

use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oir-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

const XSD: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns:t="urn:t" elementFormDefault="qualified">
  <xs:element name="Req"><xs:complexType><xs:sequence>
    <xs:element name="CPR"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="[0-9]{10}"/></xs:restriction></xs:simpleType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
  <xs:element name="Resp" type="xs:string"/>
</xs:schema>"#;

const WSDL: &str = r#"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:t="urn:t" targetNamespace="urn:t">
  <wsdl:types><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import namespace="urn:t" schemaLocation="t.xsd"/></xs:schema></wsdl:types>
  <wsdl:message name="ReqMsg"><wsdl:part name="p" element="t:Req"/></wsdl:message>
  <wsdl:message name="RespMsg"><wsdl:part name="p" element="t:Resp"/></wsdl:message>
  <wsdl:portType name="PT"><wsdl:operation name="Op"><wsdl:input message="t:ReqMsg"/><wsdl:output message="t:RespMsg"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="t:PT"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Op"><soap:operation soapAction="urn:t/Op"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>"#;

fn envelope(cpr: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:t=\"urn:t\"><s:Body>\n<t:Req><t:CPR>{cpr}</t:CPR></t:Req></s:Body></s:Envelope>"
    )
}

#[test]
fn exit_codes_are_a_contract() {
    let d = scratch("codes");
    let xsd = write(&d, "t.xsd", XSD);
    let good = write(
        &d,
        "good.xml",
        "<Req xmlns=\"urn:t\"><CPR>0101011234</CPR></Req>",
    );
    let bad = write(
        &d,
        "bad.xml",
        "<Req xmlns=\"urn:t\">\n  <CPR>01010-1234</CPR></Req>",
    );
    let (code, out, _) = oir(&["validate", "--xsd", &xsd, &good]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("valid"));
    let (code, out, _) = oir(&["validate", "--xsd", &xsd, &good, &bad]);
    assert_eq!(code, 1);
    assert!(out.contains("bad.xml:2:3: [cvc-pattern-valid]"), "{out}");
    assert!(
        out.contains("<CPR>01010-1234</CPR>"),
        "the offending line is shown: {out}"
    );
    let (code, _, err) = oir(&[
        "validate",
        "--xsd",
        &d.join("missing.xsd").to_string_lossy(),
        &good,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.xsd"), "{err}");
    let (code, _, _) = oir(&["validate", &good]);
    assert_eq!(code, 2, "no contract given is a usage error");
}

#[test]
fn soap_envelope_against_wsdl_reports_operation_and_json() {
    let d = scratch("wsdl");
    write(&d, "t.xsd", XSD);
    let wsdl = write(&d, "t.wsdl", WSDL);
    let good = write(&d, "good.xml", &envelope("0101011234"));
    let bad = write(&d, "bad.xml", &envelope("x"));
    let (code, out, _) = oir(&["validate", "--wsdl", &wsdl, &good]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(Op request)"), "{out}");
    let (code, out, _) = oir(&["validate", "--wsdl", &wsdl, "--format", "json", &bad]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let f = &v["documents"][0]["findings"][0];
    assert_eq!(f["constraint"], "cvc-pattern-valid");
    assert_eq!(f["path"], "/s:Envelope/s:Body/t:Req/t:CPR");
    assert_eq!(f["line"], 2);
    assert_eq!(v["documents"][0]["operation"], "Op");
}

#[test]
fn unresolvable_import_names_file_line_and_location() {
    let d = scratch("import");
    let xsd = write(
        &d,
        "a.xsd",
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n\n  <xs:import namespace=\"urn:x\" schemaLocation=\"https://example.org/x.xsd\"/>\n</xs:schema>",
    );
    let doc = write(&d, "d.xml", "<a/>");
    let (code, _, err) = oir(&["validate", "--xsd", &xsd, &doc]);
    assert_eq!(code, 2);
    assert!(err.contains("a.xsd:3"), "{err}");
    assert!(err.contains("https://example.org/x.xsd"), "{err}");
    // A catalog maps it to a local file.
    write(
        &d,
        "x.xsd",
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:x\"><xs:element name=\"x\"/></xs:schema>",
    );
    let cat = write(
        &d,
        "catalog.txt",
        "# test catalog\nhttps://example.org/x.xsd = x.xsd\n",
    );
    let doc = write(&d, "x.xml", "<x xmlns=\"urn:x\"/>");
    let (code, out, err) = oir(&["validate", "--xsd", &xsd, "--catalog", &cat, &doc]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn validate_on_a_service_pack_reports_schema_and_rule_findings_together() {
    let root = env!("CARGO_MANIFEST_DIR");
    let wsdl = format!("{root}/schemas/SF1590_A/wsdl/context/ModtagFinansbilag.wsdl");
    let unbalanced = format!("{root}/schemas/SF1590_A/rule-examples/SF1590A-BAL-001.xml");
    let (code, out, err) = oir(&["validate", "--wsdl", &wsdl, &unbalanced]);
    assert_eq!(code, 1, "{out}{err}");
    for needle in [
        "SF1590A-BAL-001",
        "OIR-A-001",
        "da: ",
        "remedy: ",
        "afhjælpning: ",
        "fin:Finansbilag",
    ] {
        assert!(out.contains(needle), "missing {needle}: {out}");
    }
    // Schema only: the unbalanced voucher is schema-valid.
    let (code, out, _) = oir(&["validate", "--no-rules", "--wsdl", &wsdl, &unbalanced]);
    assert_eq!(code, 0, "{out}");
    // A schema error and a rule finding in one report.
    let text = std::fs::read_to_string(&unbalanced).unwrap();
    let both = text.replacen("<fin:Beloeb>", "<fin:Beloeb>x", 1);
    let d = scratch("pack");
    let doc = write(&d, "both.xml", &both);
    let (code, out, _) = oir(&["validate", "--wsdl", &wsdl, "--format", "json", &doc]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let sources: Vec<String> = v["documents"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].to_string())
        .collect();
    assert!(sources.iter().any(|s| s.contains("schema")), "{out}");
}

#[test]
fn a_body_element_that_is_no_message_of_the_contract_is_located() {
    let d = scratch("nomsg");
    write(&d, "t.xsd", XSD);
    let wsdl = write(&d, "t.wsdl", WSDL);
    let env = write(
        &d,
        "other.xml",
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:t=\"urn:t\"><s:Body>\n  <t:Other/></s:Body></s:Envelope>",
    );
    let (code, out, _) = oir(&["validate", "--wsdl", &wsdl, "--format", "json", &env]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let f = v["documents"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["constraint"] == "wsdl-message")
        .cloned()
        .expect("a wsdl-message finding");
    assert_eq!(f["line"], 2);
    assert_eq!(f["column"], 3);
    assert_eq!(f["path"], "/s:Envelope/s:Body/t:Other");
}
