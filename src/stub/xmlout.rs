//! Writing XML: escaping, and serialising a [`tree::Element`] (as parsed from an example
//! answer and edited) back to text. Namespace declarations are recovered from the scope
//! snapshots the parser keeps on every element, so the output declares exactly what the
//! template declared, where it declared it.

use std::sync::Arc;

use crate::xml::is_xml_char;
use crate::xml::tree::{Element, Node};

/// Text content. Characters XML 1.0 forbids even as references (control characters,
/// U+FFFE/U+FFFF) become U+FFFD: fault texts quote what the caller sent, and a fault about
/// a malformed request must itself be well-formed.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

/// Attribute values (double-quoted), forbidden characters as in [`escape_text`].
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_attr(&mut out, s);
    out
}

/// Printable ASCII other than the markup characters needs no escaping: the common case,
/// copied in one go.
fn plain(s: &str, markup: &[u8]) -> bool {
    s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && !markup.contains(&b))
}

/// [`escape_text`] appended to `out`.
fn push_text(out: &mut String, s: &str) {
    if plain(s, b"&<>") {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
}

/// [`escape_attr`] appended to `out`.
fn push_attr(out: &mut String, s: &str) {
    if plain(s, b"&<\"") {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
}

/// The first `max` characters (XSD lengths count characters, not bytes).
pub fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// The document with an XML declaration.
pub fn document(root: &Element) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_element(&mut out, root, &[]);
    out.push('\n');
    out
}

/// Declarations an element adds to its parent's scope.
fn own_declarations<'a>(
    scope: &'a [(String, String)],
    parent: &[(String, String)],
) -> Vec<&'a (String, String)> {
    let lookup = |s: &[(String, String)], p: &str| {
        s.iter().rev().find(|(q, _)| q == p).map(|(_, u)| u.clone())
    };
    if scope.len() >= parent.len() && scope[..parent.len()] == *parent {
        return scope[parent.len()..]
            .iter()
            .filter(|(p, _)| p != "xml")
            .collect();
    }
    // An edited tree may mix scopes: declare whatever differs from the parent's view.
    let mut out: Vec<&(String, String)> = Vec::new();
    for (i, b) in scope.iter().enumerate() {
        let shadowed = scope[i + 1..].iter().any(|(q, _)| *q == b.0);
        if b.0 != "xml" && !shadowed && lookup(parent, &b.0).as_deref() != Some(b.1.as_str()) {
            out.push(b);
        }
    }
    out
}

fn qname(prefix: Option<&str>, local: &str) -> String {
    match prefix {
        Some(p) if !p.is_empty() => format!("{p}:{local}"),
        _ => local.to_string(),
    }
}

fn write_element(out: &mut String, root: &Element, root_parent_scope: &[(String, String)]) {
    // Iterative (an answer is shallow, but the walk should not depend on that).
    enum Step<'a> {
        Open(&'a Element, &'a [(String, String)]),
        Close(String),
        Text(&'a str),
    }
    let mut stack = vec![Step::Open(root, root_parent_scope)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Text(t) => push_text(out, t),
            Step::Close(name) => {
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
            }
            Step::Open(e, parent_scope) => {
                let name = qname(e.prefix.as_deref(), &e.local);
                out.push('<');
                out.push_str(&name);
                for (p, u) in own_declarations(&e.scope, parent_scope) {
                    out.push_str(" xmlns");
                    if !p.is_empty() {
                        out.push(':');
                        out.push_str(p);
                    }
                    out.push_str("=\"");
                    push_attr(out, u);
                    out.push('"');
                }
                for a in &e.attrs {
                    let prefix = a.ns.as_deref().and_then(|ns| {
                        e.scope
                            .iter()
                            .rev()
                            .find(|(p, u)| u == ns && !p.is_empty())
                            .map(|(p, _)| p.as_str())
                    });
                    out.push(' ');
                    if let Some(p) = prefix {
                        out.push_str(p);
                        out.push(':');
                    }
                    out.push_str(&a.local);
                    out.push_str("=\"");
                    push_attr(out, &a.value);
                    out.push('"');
                }
                if e.children.is_empty() {
                    out.push_str("/>");
                    continue;
                }
                out.push('>');
                stack.push(Step::Close(name));
                for c in e.children.iter().rev() {
                    match c {
                        Node::Element(ce) => stack.push(Step::Open(ce, &e.scope)),
                        Node::Text(t) => stack.push(Step::Text(t)),
                    }
                }
            }
        }
    }
}

/// A new element in the namespace and scope of `like` (a sibling or parent in the same
/// vocabulary), so it needs no declaration of its own.
pub fn element_like(like: &Element, local: &str, text: Option<&str>) -> Element {
    Element {
        ns: like.ns.clone(),
        local: local.to_string(),
        prefix: like.prefix.clone(),
        attrs: Vec::new(),
        children: text
            .map(|t| vec![Node::Text(t.to_string())])
            .unwrap_or_default(),
        pos: like.pos,
        scope: Arc::clone(&like.scope),
    }
}

/// The element's text replaced (its children become one text node).
pub fn set_text(e: &mut Element, text: &str) {
    e.children = vec![Node::Text(text.to_string())];
}

/// Element children with the given local name.
pub fn child_mut<'e>(e: &'e mut Element, local: &str) -> Option<&'e mut Element> {
    e.children.iter_mut().find_map(|n| match n {
        Node::Element(c) if c.local == local => Some(c),
        _ => None,
    })
}

pub fn child<'e>(e: &'e Element, local: &str) -> Option<&'e Element> {
    e.elements().find(|c| c.local == local)
}

/// A leaf: no element children.
pub fn is_leaf(e: &Element) -> bool {
    e.elements().next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse;

    #[test]
    fn round_trip_keeps_declarations_and_escapes() {
        let src = r#"<s:E xmlns:s="urn:s"><s:B><p:X xmlns:p="urn:p" p:a="1 &amp; &quot;2&quot;">a &lt; b &amp; c</p:X><Y xmlns="urn:d"/></s:B></s:E>"#;
        let t = parse(src.as_bytes()).unwrap();
        let out = document(&t);
        let again = parse(out.as_bytes()).unwrap();
        assert_eq!(document(&again), out);
        assert!(out.contains(r#"<s:E xmlns:s="urn:s">"#), "{out}");
        assert!(
            out.contains(
                r#"<p:X xmlns:p="urn:p" p:a="1 &amp; &quot;2&quot;">a &lt; b &amp; c</p:X>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"<Y xmlns="urn:d"/>"#), "{out}");
        let x = again.elements().next().unwrap().elements().next().unwrap();
        assert_eq!(x.ns.as_deref(), Some("urn:p"));
        assert_eq!(x.text(), "a < b & c");
    }

    #[test]
    fn characters_xml_forbids_are_replaced() {
        assert_eq!(
            escape_text("a\u{0}b\u{4}<\u{FFFF}"),
            "a\u{FFFD}b\u{FFFD}&lt;\u{FFFD}"
        );
        assert_eq!(escape_attr("\u{1F}\t\"é"), "\u{FFFD}&#9;&quot;é");
        let doc = format!(
            "<a b=\"{}\">{}</a>",
            escape_attr("\u{0}"),
            escape_text("\u{8}")
        );
        assert!(parse(doc.as_bytes()).is_ok(), "{doc}");
    }

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate_chars("æøå", 2), "æø");
        assert_eq!(truncate_chars("ab", 5), "ab");
    }
}
