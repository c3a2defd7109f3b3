//! A small element tree for contract documents (XSD, WSDL, test metadata). Instances are
//! never built into a tree: the validator streams them.

use std::sync::Arc;

use super::{Namespaces, Pos, Token, Tokenizer, XmlError, split_qname, utf8_input};

#[derive(Debug, Clone)]
pub struct Attribute {
    pub ns: Option<String>,
    pub local: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct Element {
    pub ns: Option<String>,
    pub local: String,
    pub prefix: Option<String>,
    pub attrs: Vec<Attribute>,
    pub children: Vec<Node>,
    pub pos: Pos,
    /// In-scope namespace bindings, for QName-valued attributes (`type="xs:string"`).
    pub scope: Arc<Vec<(String, String)>>,
}

thread_local! {
    /// How deep the drop of the current thread's tree is (see `Drop for Element`).
    static DROP_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Below this depth a tree drops recursively (the fast, common case); deeper levels are
/// dropped from an explicit stack, so no tree (a hostile request, a generated document)
/// needs a thread stack as deep as itself.
const RECURSIVE_DROP_DEPTH: u32 = 64;

impl Drop for Element {
    fn drop(&mut self) {
        DROP_DEPTH.with(|depth| {
            let d = depth.get();
            if d < RECURSIVE_DROP_DEPTH {
                depth.set(d + 1);
                drop(std::mem::take(&mut self.children));
                depth.set(d);
                return;
            }
            let mut stack: Vec<Node> = std::mem::take(&mut self.children);
            while let Some(n) = stack.pop() {
                if let Node::Element(mut e) = n {
                    stack.append(&mut e.children);
                }
            }
        });
    }
}

impl Element {
    /// An unqualified attribute's value.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_none() && a.local == local)
            .map(|a| a.value.as_str())
    }

    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.as_deref() == Some(ns) && a.local == local)
            .map(|a| a.value.as_str())
    }

    pub fn elements(&self) -> impl DoubleEndedIterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns.as_deref() == Some(ns) && self.local == local
    }

    /// Child elements in namespace `ns` with the given local name.
    pub fn children_named<'s>(
        &'s self,
        ns: &'s str,
        local: &'s str,
    ) -> impl Iterator<Item = &'s Element> + 's {
        self.elements().filter(move |e| e.is(ns, local))
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) => s.push_str(&e.text()),
            }
        }
        s
    }

    pub fn lookup_prefix(&self, prefix: &str) -> Option<&str> {
        self.scope
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.as_str())
    }

    /// Resolve a QName written in an attribute value against this element's scope.
    /// Returns (namespace, local); an unprefixed name takes the default namespace.
    pub fn resolve_qname(&self, value: &str) -> Result<(Option<String>, String), String> {
        let value = value.trim();
        let (prefix, local) = split_qname(value);
        if local.is_empty() || prefix == Some("") {
            return Err(format!("'{value}' is not a valid QName"));
        }
        match prefix {
            None => Ok((
                self.lookup_prefix("")
                    .filter(|u| !u.is_empty())
                    .map(str::to_string),
                local.to_string(),
            )),
            Some(p) => match self.lookup_prefix(p) {
                Some(u) if !u.is_empty() => Ok((Some(u.to_string()), local.to_string())),
                _ => Err(format!("the prefix '{p}' of '{value}' is not declared")),
            },
        }
    }
}

/// Deepest nesting [`parse`] builds a tree for: a tree is freed recursively, and a
/// hostile document near the tokenizer's own limit would overflow a thread's stack. Real
/// contracts and messages nest a few dozen levels.
pub const MAX_TREE_DEPTH: usize = 1_000;

/// Parse a whole document into a tree (for contract documents, which are small).
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    match parse_bounded(bytes, MAX_TREE_DEPTH) {
        Ok(e) => Ok(e),
        Err(Bounded::Xml(e)) => Err(e),
        Err(Bounded::TooDeep(pos)) => Err(XmlError {
            pos,
            message: format!("elements nest more than {MAX_TREE_DEPTH} levels deep"),
        }),
    }
}

/// Why [`parse_bounded`] gave no tree.
#[derive(Debug)]
pub enum Bounded {
    Xml(XmlError),
    /// Elements nest deeper than the limit (the position of the first too deep).
    TooDeep(Pos),
}

/// [`parse`] that stops at the first element nested deeper than `max_depth`: one pass for
/// untrusted messages instead of a depth scan before the parse.
pub fn parse_bounded(bytes: &[u8], max_depth: usize) -> Result<Element, Bounded> {
    let input = utf8_input(bytes);
    let mut tok = Tokenizer::new(&input);
    let mut ns = Namespaces::default();
    let mut stack: Vec<Element> = Vec::with_capacity(16);
    // Children of every open element, in one buffer: each element's are moved out into a
    // Vec of exactly their number when it closes (one allocation, not one per doubling).
    let mut nodes: Vec<Node> = Vec::with_capacity(64);
    let mut starts: Vec<usize> = Vec::with_capacity(16);
    // Elements share their parent's scope unless they declare namespaces themselves: one
    // snapshot per declaring element, not one per element (most declare nothing).
    let mut scopes: Vec<Arc<Vec<(String, String)>>> = vec![Arc::new(ns.snapshot())];
    let mut root = None;
    while let Some(t) = tok.next_token().map_err(Bounded::Xml)? {
        match t {
            Token::Start { qname, attrs, pos } => {
                if stack.len() >= max_depth {
                    return Err(Bounded::TooDeep(pos));
                }
                ns.push(&attrs).map_err(|m| {
                    Bounded::Xml(XmlError {
                        pos,
                        message: m.clone(),
                    })
                })?;
                let declares = attrs
                    .iter()
                    .any(|a| a.qname == "xmlns" || a.qname.starts_with("xmlns:"));
                let scope = match scopes.last() {
                    Some(parent) if !declares => Arc::clone(parent),
                    _ => Arc::new(ns.snapshot()),
                };
                scopes.push(Arc::clone(&scope));
                let (prefix, local) = split_qname(&qname);
                let el_ns = ns
                    .element_ns(prefix)
                    .map_err(|m| Bounded::Xml(XmlError { pos, message: m }))?
                    .map(str::to_string);
                let mut out_attrs = Vec::with_capacity(attrs.len());
                for a in &attrs {
                    if a.qname == "xmlns" || a.qname.starts_with("xmlns:") {
                        continue;
                    }
                    let a_ns = ns
                        .attribute_ns(a.prefix())
                        .map_err(|m| Bounded::Xml(XmlError { pos, message: m }))?
                        .map(str::to_string);
                    out_attrs.push(Attribute {
                        ns: a_ns,
                        local: a.local().to_string(),
                        value: a.value.to_string(),
                    });
                }
                starts.push(nodes.len());
                stack.push(Element {
                    ns: el_ns,
                    local: local.to_string(),
                    prefix: prefix.map(str::to_string),
                    attrs: out_attrs,
                    children: Vec::new(),
                    pos,
                    scope,
                });
            }
            Token::End { .. } => {
                ns.pop();
                scopes.pop();
                let mut done = stack.pop().expect("tokenizer balances elements");
                let start = starts.pop().expect("tokenizer balances elements");
                done.children = nodes.drain(start..).collect();
                if stack.is_empty() {
                    root = Some(done);
                } else {
                    nodes.push(Node::Element(done));
                }
            }
            Token::Text(t) => {
                if let Some(&start) = starts.last() {
                    // Adjacent text merges, but only with the open element's own last child.
                    let own = nodes.len() > start;
                    match nodes.last_mut() {
                        Some(Node::Text(prev)) if own => prev.push_str(&t),
                        _ => nodes.push(Node::Text(t.into_owned())),
                    }
                }
            }
        }
    }
    root.ok_or_else(|| {
        Bounded::Xml(XmlError {
            pos: Pos::default(),
            message: "no root element".into(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree far deeper than any parse allows is dropped on a 256 KiB stack (a recursive
    /// drop needs a frame per level and overflows it).
    #[test]
    fn a_deep_tree_drops_without_recursion() {
        let deep = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let leaf = || Element {
                    ns: None,
                    local: "e".into(),
                    prefix: None,
                    attrs: Vec::new(),
                    children: Vec::new(),
                    pos: Pos::default(),
                    scope: Arc::new(Vec::new()),
                };
                let mut e = leaf();
                for _ in 0..200_000 {
                    let mut parent = leaf();
                    parent.children.push(Node::Text(" ".into()));
                    parent.children.push(Node::Element(e));
                    e = parent;
                }
                drop(e);
            })
            .expect("thread starts");
        assert!(deep.join().is_ok());
    }

    #[test]
    fn builds_tree_with_scopes() {
        let root = parse(
            br#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t">
  <xs:element name="a" type="t:T"/>
</xs:schema>"#,
        )
        .unwrap();
        assert!(root.is(super::super::XSD_NS, "schema"));
        let el = root.elements().next().unwrap();
        assert_eq!(el.pos.line, 2);
        assert_eq!(
            el.resolve_qname(el.attr("type").unwrap()).unwrap(),
            (Some("urn:t".to_string()), "T".to_string())
        );
        assert!(el.resolve_qname("u:T").is_err());
    }

    #[test]
    fn refuses_documents_nested_deeper_than_a_tree_may_be() {
        let deep = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        assert!(parse(deep(MAX_TREE_DEPTH).as_bytes()).is_ok());
        let e = parse(deep(MAX_TREE_DEPTH + 1).as_bytes()).unwrap_err();
        assert!(e.message.contains("nest more than 1000"), "{}", e.message);
        assert!(matches!(
            parse_bounded(deep(5).as_bytes(), 4),
            Err(Bounded::TooDeep(_))
        ));
    }
}
