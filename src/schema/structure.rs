//! Schema-for-schemas structure: which attributes and children each `xs:` element may
//! have. Checked on every schema document before compiling, so a misspelt attribute or a
//! misplaced element is reported with its line instead of being silently ignored.

use super::LoadError;
use crate::xml::XSD_NS;
use crate::xml::tree::{Element, Node};

/// The constraining facets of XSD 1.0, by element name.
pub(crate) const FACETS: &[&str] = &[
    "length",
    "minLength",
    "maxLength",
    "pattern",
    "enumeration",
    "whiteSpace",
    "maxInclusive",
    "maxExclusive",
    "minInclusive",
    "minExclusive",
    "totalDigits",
    "fractionDigits",
];

/// Allowed attributes and children of one `xs:` element in its context.
fn rules(
    el: &Element,
    parent: Option<&Element>,
    grandparent: Option<&Element>,
) -> Option<(&'static [&'static str], Vec<&'static str>)> {
    let top = parent.is_some_and(|p| p.local == "schema" || p.local == "redefine");
    let p = parent.map_or("", |p| p.local.as_str());
    let gp = grandparent.map_or("", |g| g.local.as_str());
    let particles = vec![
        "annotation",
        "element",
        "group",
        "choice",
        "sequence",
        "any",
    ];
    let attr_decls = vec!["annotation", "attribute", "attributeGroup", "anyAttribute"];
    let with = |mut v: Vec<&'static str>, more: &[&'static str]| {
        v.extend_from_slice(more);
        v
    };
    Some(match el.local.as_str() {
        "schema" => (
            &[
                "targetNamespace",
                "version",
                "finalDefault",
                "blockDefault",
                "attributeFormDefault",
                "elementFormDefault",
                "id",
            ][..],
            vec![
                "include",
                "import",
                "redefine",
                "annotation",
                "simpleType",
                "complexType",
                "group",
                "attributeGroup",
                "element",
                "attribute",
                "notation",
            ],
        ),
        "element" if top => (
            &[
                "name",
                "id",
                "type",
                "substitutionGroup",
                "default",
                "fixed",
                "nillable",
                "abstract",
                "final",
                "block",
            ][..],
            vec![
                "annotation",
                "simpleType",
                "complexType",
                "unique",
                "key",
                "keyref",
            ],
        ),
        "element" => (
            &[
                "name",
                "ref",
                "id",
                "type",
                "minOccurs",
                "maxOccurs",
                "default",
                "fixed",
                "nillable",
                "block",
                "form",
            ][..],
            vec![
                "annotation",
                "simpleType",
                "complexType",
                "unique",
                "key",
                "keyref",
            ],
        ),
        "attribute" if top => (
            &["name", "id", "type", "default", "fixed"][..],
            vec!["annotation", "simpleType"],
        ),
        "attribute" => (
            &[
                "name", "ref", "id", "type", "use", "default", "fixed", "form",
            ][..],
            vec!["annotation", "simpleType"],
        ),
        "complexType" => (
            &["name", "id", "mixed", "abstract", "final", "block"][..],
            with(
                attr_decls.clone(),
                &[
                    "simpleContent",
                    "complexContent",
                    "group",
                    "all",
                    "choice",
                    "sequence",
                ],
            ),
        ),
        "simpleContent" => (&["id"][..], vec!["annotation", "restriction", "extension"]),
        "complexContent" => (
            &["id", "mixed"][..],
            vec!["annotation", "restriction", "extension"],
        ),
        "restriction" if p == "simpleType" => (
            &["id", "base"][..],
            with(vec!["annotation", "simpleType"], FACETS),
        ),
        "restriction" if p == "simpleContent" => (
            &["id", "base"][..],
            with(with(attr_decls.clone(), &["simpleType"]), FACETS),
        ),
        "restriction" | "extension" if p == "complexContent" => (
            &["id", "base"][..],
            with(attr_decls.clone(), &["group", "all", "choice", "sequence"]),
        ),
        "extension" if p == "simpleContent" => (&["id", "base"][..], attr_decls.clone()),
        "simpleType" => (
            &["name", "id", "final"][..],
            vec!["annotation", "restriction", "list", "union"],
        ),
        "list" => (&["id", "itemType"][..], vec!["annotation", "simpleType"]),
        "union" => (&["id", "memberTypes"][..], vec!["annotation", "simpleType"]),
        "group" if top => (
            &["name", "id"][..],
            vec!["annotation", "all", "choice", "sequence"],
        ),
        "group" => (
            &["ref", "id", "minOccurs", "maxOccurs"][..],
            vec!["annotation"],
        ),
        "all" if p == "group" && (gp == "schema" || gp == "redefine") => {
            (&["id"][..], vec!["annotation", "element"])
        }
        "all" => (
            &["id", "minOccurs", "maxOccurs"][..],
            vec!["annotation", "element"],
        ),
        "choice" | "sequence" if p == "group" && (gp == "schema" || gp == "redefine") => {
            (&["id"][..], particles)
        }
        "choice" | "sequence" => (&["id", "minOccurs", "maxOccurs"][..], particles),
        "any" => (
            &[
                "id",
                "namespace",
                "processContents",
                "minOccurs",
                "maxOccurs",
            ][..],
            vec!["annotation"],
        ),
        "anyAttribute" => (
            &["id", "namespace", "processContents"][..],
            vec!["annotation"],
        ),
        "attributeGroup" if top => (&["name", "id"][..], attr_decls.clone()),
        "attributeGroup" => (&["ref", "id"][..], vec!["annotation"]),
        "unique" | "key" => (&["name", "id"][..], vec!["annotation", "selector", "field"]),
        "keyref" => (
            &["name", "id", "refer"][..],
            vec!["annotation", "selector", "field"],
        ),
        "selector" | "field" => (&["id", "xpath"][..], vec!["annotation"]),
        "notation" => (&["name", "id", "public", "system"][..], vec!["annotation"]),
        "annotation" => (&["id"][..], vec!["appinfo", "documentation"]),
        "include" => (&["id", "schemaLocation"][..], vec!["annotation"]),
        "import" => (
            &["id", "namespace", "schemaLocation"][..],
            vec!["annotation"],
        ),
        "redefine" => (
            &["id", "schemaLocation"][..],
            vec![
                "annotation",
                "simpleType",
                "complexType",
                "group",
                "attributeGroup",
            ],
        ),
        "pattern" | "enumeration" => (&["id", "value"][..], vec!["annotation"]),
        f if FACETS.contains(&f) => (&["id", "value", "fixed"][..], vec!["annotation"]),
        _ => return None,
    })
}

/// Check every `xs:` element of a schema document against the schema for schemas.
pub fn check(root: &Element, file: &str) -> Result<(), LoadError> {
    walk(root, None, None, file)
}

fn err(file: &str, el: &Element, message: String) -> LoadError {
    LoadError {
        file: file.to_string(),
        line: el.pos.line,
        message,
    }
}

fn walk(
    el: &Element,
    parent: Option<&Element>,
    gp: Option<&Element>,
    file: &str,
) -> Result<(), LoadError> {
    if el.ns.as_deref() != Some(XSD_NS) {
        return Ok(());
    }
    if el.local == "appinfo" || el.local == "documentation" {
        return Ok(()); // foreign content
    }
    let Some((attrs, children)) = rules(el, parent, gp) else {
        return Err(err(
            file,
            el,
            format!("'xs:{}' is not an XML Schema element here", el.local),
        ));
    };
    for a in &el.attrs {
        // Attributes in other namespaces are allowed everywhere (openAttrs).
        if a.ns.is_none() && !attrs.contains(&a.local.as_str()) {
            return Err(err(
                file,
                el,
                format!("attribute '{}' is not allowed on xs:{}", a.local, el.local),
            ));
        }
        if a.ns.as_deref() == Some(XSD_NS) {
            return Err(err(
                file,
                el,
                format!(
                    "attribute 'xs:{}' is not allowed on xs:{}",
                    a.local, el.local
                ),
            ));
        }
    }
    for n in &el.children {
        match n {
            Node::Text(t) if !t.trim().is_empty() => {
                return Err(err(
                    file,
                    el,
                    format!("text is not allowed inside xs:{}", el.local),
                ));
            }
            Node::Element(c) if c.ns.as_deref() != Some(XSD_NS) => {
                return Err(err(
                    file,
                    c,
                    format!(
                        "element '{}' is not allowed inside xs:{}",
                        c.local, el.local
                    ),
                ));
            }
            Node::Element(c) if !children.contains(&c.local.as_str()) => {
                return Err(err(
                    file,
                    c,
                    format!("xs:{} is not allowed inside xs:{}", c.local, el.local),
                ));
            }
            _ => {}
        }
    }
    // Order rules the compiler does not see: annotation first (except in schema/redefine),
    // attributes before anyAttribute, selector before fields.
    let kids: Vec<&Element> = el.elements().collect();
    let repeatable_annotation = el.local == "schema" || el.local == "redefine";
    for (i, c) in kids.iter().enumerate() {
        if c.local == "annotation" && i > 0 && !repeatable_annotation {
            return Err(err(
                file,
                c,
                format!("xs:annotation must come first in xs:{}", el.local),
            ));
        }
        if c.local == "anyAttribute"
            && kids[i + 1..].iter().any(|k| {
                matches!(
                    k.local.as_str(),
                    "attribute" | "attributeGroup" | "anyAttribute"
                )
            })
        {
            return Err(err(
                file,
                c,
                "xs:anyAttribute must come after all attributes".into(),
            ));
        }
    }
    if matches!(el.local.as_str(), "unique" | "key" | "keyref") {
        let sel: Vec<&&Element> = kids.iter().filter(|k| k.local == "selector").collect();
        if sel.len() != 1
            || kids
                .iter()
                .find(|k| k.local != "annotation")
                .is_some_and(|k| k.local != "selector")
        {
            return Err(err(
                file,
                el,
                format!(
                    "xs:{} needs exactly one xs:selector, before its fields",
                    el.local
                ),
            ));
        }
    }
    if el.local == "notation" && el.attr("public").is_none() && el.attr("system").is_none() {
        return Err(err(
            file,
            el,
            "xs:notation needs a public or a system identifier".into(),
        ));
    }
    for c in &kids {
        walk(c, Some(el), parent, file)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse;

    fn check_str(s: &str) -> Result<(), LoadError> {
        check(&parse(s.as_bytes()).unwrap(), "t.xsd")
    }

    #[test]
    fn misplaced_attributes_and_children_are_reported_with_their_line() {
        let ok = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" minOccurs="1"/></xs:schema>"#;
        let e = check_str(ok).unwrap_err();
        assert!(e.message.contains("minOccurs"), "{e}");
        let bad_child = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n<xs:complexType name=\"t\"><xs:element name=\"a\"/></xs:complexType></xs:schema>";
        let e = check_str(bad_child).unwrap_err();
        assert_eq!(e.line, 2);
        let fine = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:x="urn:x"><xs:annotation><xs:documentation><p>free</p></xs:documentation></xs:annotation>
          <xs:complexType name="t" x:ext="1"><xs:sequence><xs:element name="a" minOccurs="0"/></xs:sequence><xs:attribute name="b"/><xs:anyAttribute/></xs:complexType></xs:schema>"#;
        check_str(fine).unwrap();
    }
}
