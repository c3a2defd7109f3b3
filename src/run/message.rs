//! Messages as scenarios see them: a SOAP envelope tree whose payload (the Body's child) is
//! addressed by simple paths, `Finansbilag/Finanspostering[2]/Beloeb`, `//BeskedUUID` or
//! `Part/@type`. Steps build requests by overriding values at paths and read answers the
//! same way; prefixes never matter (local names only), indexes are 1-based.

use crate::schema::validate::{SOAP11_NS, SOAP12_NS};
use crate::stub::xmlout;
use crate::xml::tree::{Attribute, Element, Node};

/// One step of a path: a local name (or `*`) with an optional 1-based index.
#[derive(Debug, Clone, PartialEq)]
struct Seg {
    name: String,
    index: Option<usize>,
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// `//` at the start: the first segment may be any descendant.
    anywhere: bool,
    segs: Vec<Seg>,
    attr: Option<String>,
}

impl Path {
    pub fn parse(text: &str) -> Result<Path, String> {
        let t = text.trim();
        let (anywhere, rest) = match t.strip_prefix("//") {
            Some(r) => (true, r),
            None => (false, t.trim_start_matches('/')),
        };
        let mut segs = Vec::new();
        let mut attr = None;
        let parts: Vec<&str> = rest.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            if let Some(a) = part.strip_prefix('@') {
                if i + 1 != parts.len() || a.is_empty() {
                    return Err(format!(
                        "'{text}': an attribute (@name) can only end a path"
                    ));
                }
                attr = Some(local_of(a).to_string());
                continue;
            }
            if part.is_empty() {
                return Err(format!("'{text}': empty step in the path"));
            }
            let (name, index) = match part.split_once('[') {
                Some((n, idx)) => {
                    let idx = idx
                        .strip_suffix(']')
                        .and_then(|d| d.parse::<usize>().ok())
                        .filter(|&d| d >= 1)
                        .ok_or_else(|| {
                            format!("'{text}': index in '{part}' must be a number from 1")
                        })?;
                    (n, Some(idx))
                }
                None => (*part, None),
            };
            segs.push(Seg {
                name: local_of(name).to_string(),
                index,
            });
        }
        if segs.is_empty() && attr.is_none() {
            return Err(format!("'{text}': empty path"));
        }
        Ok(Path {
            anywhere,
            segs,
            attr,
        })
    }
}

fn local_of(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn seg_matches(seg: &Seg, e: &Element) -> bool {
    seg.name == "*" || seg.name == e.local
}

/// Index paths (child positions in `children`) of the elements the path selects under
/// `root` (exclusive), in document order.
fn select(root: &Element, path: &Path) -> Vec<Vec<usize>> {
    let mut current: Vec<Vec<usize>> = vec![Vec::new()];
    for (i, seg) in path.segs.iter().enumerate() {
        let mut next = Vec::new();
        for at in &current {
            let base = follow(root, at);
            let mut found = Vec::new();
            if i == 0 && path.anywhere {
                descendants(base, at.clone(), seg, &mut found);
            } else {
                for (ci, n) in base.children.iter().enumerate() {
                    if let Node::Element(c) = n
                        && seg_matches(seg, c)
                    {
                        let mut p = at.clone();
                        p.push(ci);
                        found.push(p);
                    }
                }
            }
            match seg.index {
                Some(k) => next.extend(found.into_iter().nth(k - 1)),
                None => next.extend(found),
            }
        }
        current = next;
    }
    current
}

fn descendants(e: &Element, at: Vec<usize>, seg: &Seg, out: &mut Vec<Vec<usize>>) {
    for (ci, n) in e.children.iter().enumerate() {
        if let Node::Element(c) = n {
            let mut p = at.clone();
            p.push(ci);
            if seg_matches(seg, c) {
                out.push(p.clone());
            }
            descendants(c, p, seg, out);
        }
    }
}

fn follow<'e>(root: &'e Element, at: &[usize]) -> &'e Element {
    let mut e = root;
    for &i in at {
        if let Node::Element(c) = &e.children[i] {
            e = c;
        }
    }
    e
}

fn follow_mut<'e>(root: &'e mut Element, at: &[usize]) -> &'e mut Element {
    let mut e = root;
    for &i in at {
        e = match &mut e.children[i] {
            Node::Element(c) => c,
            Node::Text(_) => unreachable!("select only yields element positions"),
        };
    }
    e
}

/// A SOAP envelope (or a bare document) being built or read.
#[derive(Debug, Clone)]
pub struct Message {
    pub root: Element,
}

/// Deepest element nesting a message may have (the same bound as the business rules':
/// real ØiR messages are a few dozen levels deep, and the tree and its paths recurse).
pub const MAX_DEPTH: usize = crate::oir::engine::MAX_DEPTH;

impl Message {
    /// Parse a message (a template, an answer, a request a peer sent). A DTD is refused on
    /// sight (nothing expanded) and nesting deeper than [`MAX_DEPTH`] stops the parse; errors
    /// name the cause and, for XML errors, the line and column.
    pub fn parse(bytes: &[u8]) -> Result<Message, String> {
        if let Some(dtd) = crate::xml::declared_doctype(bytes) {
            return Err(format!(
                "it declares a DTD ({dtd}), which SOAP forbids; refused without reading it (no entity is expanded)"
            ));
        }
        match crate::xml::tree::parse_bounded(bytes, MAX_DEPTH) {
            Ok(root) => Ok(Message { root }),
            Err(crate::xml::tree::Bounded::Xml(e)) => Err(e.to_string()),
            Err(crate::xml::tree::Bounded::TooDeep(pos)) => Err(format!(
                "elements nest more than {MAX_DEPTH} levels deep (line {}, column {}); refused",
                pos.line, pos.column
            )),
        }
    }

    pub fn to_xml(&self) -> String {
        xmlout::document(&self.root)
    }

    pub fn is_soap(&self) -> bool {
        self.root.local == "Envelope"
            && matches!(self.root.ns.as_deref(), Some(SOAP11_NS) | Some(SOAP12_NS))
    }

    /// Position of the Body's first element child (the payload), if this is an envelope.
    fn payload_at(&self) -> Option<Vec<usize>> {
        if !self.is_soap() {
            return Some(Vec::new());
        }
        let (bi, body) = self
            .root
            .children
            .iter()
            .enumerate()
            .find_map(|(i, n)| match n {
                Node::Element(e) if e.local == "Body" => Some((i, e)),
                _ => None,
            })?;
        let pi = body
            .children
            .iter()
            .position(|n| matches!(n, Node::Element(_)))?;
        Some(vec![bi, pi])
    }

    /// The payload element: the Body's child (or the root of a bare document).
    pub fn payload(&self) -> Option<&Element> {
        self.payload_at().map(|at| follow(&self.root, &at))
    }

    fn payload_mut(&mut self) -> Option<&mut Element> {
        let at = self.payload_at()?;
        Some(follow_mut(&mut self.root, &at))
    }

    /// A SOAP Fault in the Body.
    pub fn fault(&self) -> Option<&Element> {
        self.payload()
            .filter(|p| p.local == "Fault" && self.is_soap())
    }

    /// Values at the path under the payload (element text, or the attribute's value).
    pub fn values(&self, path: &str) -> Result<Vec<String>, String> {
        let p = Path::parse(path)?;
        let Some(payload) = self.payload() else {
            return Ok(Vec::new());
        };
        let hits = select(payload, &p);
        Ok(hits
            .iter()
            .filter_map(|at| {
                let e = follow(payload, at);
                match &p.attr {
                    Some(a) => e
                        .attrs
                        .iter()
                        .find(|x| x.local == *a)
                        .map(|x| x.value.clone()),
                    None => Some(e.text()),
                }
            })
            .collect())
    }

    /// The first value of the first path that has one.
    pub fn first_of(&self, paths: &[&str]) -> Option<String> {
        paths
            .iter()
            .find_map(|p| self.values(p).ok().and_then(|v| v.into_iter().next()))
    }

    /// Codes an answer carries: the fault code, ErrorCode/FejlKode in details and receipts.
    pub fn error_codes(&self) -> Vec<String> {
        ["//faultcode", "//Code/Value", "//ErrorCode", "//FejlKode"]
            .iter()
            .flat_map(|p| self.values(p).unwrap_or_default())
            .map(|c| c.trim().to_string())
            .collect()
    }

    /// Number of elements the path selects (attributes: how many of them are present).
    pub fn count(&self, path: &str) -> Result<usize, String> {
        self.values(path).map(|v| v.len())
    }

    /// Set the value at the path. Special values: `<absent>` removes the element or
    /// attribute, `<empty>` leaves it empty. An element the path does not select is an
    /// error naming the path (a typo must not pass silently).
    pub fn set(&mut self, path: &str, value: &str) -> Result<usize, String> {
        let p = Path::parse(path)?;
        let payload = self
            .payload_mut()
            .ok_or_else(|| "the message has no payload in its Body".to_string())?;
        let hits = select(payload, &p);
        if hits.is_empty() {
            return Err(format!(
                "no element at '{path}' in {} (paths are local names under the payload, e.g. Finansbilag/Bilagsdato or //BeskedUUID)",
                payload.local
            ));
        }
        let n = hits.len();
        // Deepest/last first, so removing one does not shift the positions of the others.
        for at in hits.into_iter().rev() {
            match (&p.attr, value) {
                (Some(a), "<absent>") => {
                    follow_mut(payload, &at).attrs.retain(|x| x.local != *a);
                }
                (Some(a), v) => {
                    let v = if v == "<empty>" { "" } else { v };
                    let e = follow_mut(payload, &at);
                    match e.attrs.iter_mut().find(|x| x.local == *a) {
                        Some(x) => x.value = v.to_string(),
                        None => e.attrs.push(Attribute {
                            ns: None,
                            local: a.clone(),
                            value: v.to_string(),
                        }),
                    }
                }
                (None, "<absent>") => {
                    let (last, parent) = at.split_last().expect("a selected element has a parent");
                    follow_mut(payload, parent).children.remove(*last);
                }
                (None, v) => {
                    let v = if v == "<empty>" { "" } else { v };
                    let e = follow_mut(payload, &at);
                    if e.elements().next().is_some() {
                        return Err(format!(
                            "'{path}' selects {}, which has child elements: give a path to a leaf",
                            e.local
                        ));
                    }
                    if v.is_empty() {
                        e.children.clear();
                    } else {
                        xmlout::set_text(e, v);
                    }
                }
            }
        }
        Ok(n)
    }

    /// Remove every element with the given local name anywhere under the payload (used for
    /// the security context); returns how many were removed.
    pub fn remove_all(&mut self, local: &str) -> usize {
        fn strip(e: &mut Element, local: &str) -> usize {
            let before = e.children.len();
            e.children
                .retain(|n| !matches!(n, Node::Element(c) if c.local == local));
            let mut n = before - e.children.len();
            for c in e.children.iter_mut() {
                if let Node::Element(c) = c {
                    n += strip(c, local);
                }
            }
            n
        }
        match self.payload_mut() {
            Some(p) => strip(p, local),
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: &str = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><f:R xmlns:f="urn:f"><f:A>1</f:A><f:B t="x"><f:C>2</f:C></f:B><f:B><f:C>3</f:C></f:B></f:R></s:Body></s:Envelope>"#;

    #[test]
    fn reads_and_writes_by_path() {
        let mut m = Message::parse(ENV.as_bytes()).unwrap();
        assert_eq!(m.values("B/C").unwrap(), ["2", "3"]);
        assert_eq!(m.values("B[2]/C").unwrap(), ["3"]);
        assert_eq!(m.values("//C").unwrap(), ["2", "3"]);
        assert_eq!(m.values("f:B/@t").unwrap(), ["x"]);
        assert_eq!(m.count("B").unwrap(), 2);
        m.set("B[2]/C", "9").unwrap();
        m.set("A", "<absent>").unwrap();
        m.set("B[1]/@t", "y").unwrap();
        let again = Message::parse(m.to_xml().as_bytes()).unwrap();
        assert_eq!(again.values("//C").unwrap(), ["2", "9"]);
        assert_eq!(again.count("A").unwrap(), 0);
        assert_eq!(again.values("B/@t").unwrap(), ["y"]);
    }

    #[test]
    fn hostile_documents_are_refused_with_their_cause() {
        let laughs = format!(
            "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"{}\">]><r x=\"&b;\">&b;</r>",
            "&a;".repeat(10)
        );
        let e = Message::parse(laughs.as_bytes()).unwrap_err();
        assert!(e.contains("DTD (<!DOCTYPE r …>)"), "{e}");
        let deep = format!(
            "{}{}",
            "<d>".repeat(MAX_DEPTH + 1),
            "</d>".repeat(MAX_DEPTH + 1)
        );
        let e = Message::parse(deep.as_bytes()).unwrap_err();
        assert!(e.contains("more than 256 levels"), "{e}");
        let fine = format!("{}{}", "<d>".repeat(MAX_DEPTH), "</d>".repeat(MAX_DEPTH));
        assert!(Message::parse(fine.as_bytes()).is_ok());
        // Invalid UTF-8 is the parser's finding, with its position.
        let e = Message::parse(b"<r>ok \xff\xfe</r>").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn a_path_that_selects_nothing_is_an_error() {
        let mut m = Message::parse(ENV.as_bytes()).unwrap();
        let e = m.set("B/Typo", "1").unwrap_err();
        assert!(e.contains("no element at 'B/Typo'"), "{e}");
        assert!(m.set("B", "1").unwrap_err().contains("child elements"));
        assert!(Path::parse("A[0]").is_err());
        assert!(Path::parse("@a/B").is_err());
    }
}
