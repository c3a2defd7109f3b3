//! A parsed message as the rules see it: every element of the SOAP Body payload(s) with
//! its parent, its path (written exactly as schema findings write it, so both kinds of
//! finding point the same way) and its position.
//!
//! Rules look elements up by *local name*: the ØiR packages are not public and the
//! service packs name their namespaces per service, so a rule about `Finanspostering`
//! applies whatever the namespace.

use std::collections::HashMap;

use crate::schema::validate::{SOAP11_NS, SOAP12_NS};
use crate::xml::tree::{self, Element};
use crate::xml::{Pos, XmlError};

/// Index of a node in [`Message::nodes`].
pub type NodeId = usize;

#[derive(Debug)]
pub struct Node<'a> {
    pub el: &'a Element,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// Position among the parent's children with the same prefixed name (1-based); the
    /// path is built from it only when a finding needs one.
    pub nth: usize,
}

#[derive(Debug)]
pub struct Message<'a> {
    pub nodes: Vec<Node<'a>>,
    /// The payload roots: each child of the SOAP Body, or the document root.
    pub payloads: Vec<NodeId>,
    pub soap: bool,
    /// [`Message::payload_nodes`], listed once: most checks walk it.
    payload_order: Vec<NodeId>,
}

/// Parse bytes into a tree (the caller keeps it alive while a [`Message`] borrows it).
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    tree::parse(bytes)
}

fn same_qname(a: &Element, b: &Element) -> bool {
    a.local == b.local && a.prefix == b.prefix
}

impl<'a> Message<'a> {
    pub fn new(root: &'a Element) -> Message<'a> {
        let mut m = Message {
            nodes: Vec::with_capacity(64),
            payloads: Vec::new(),
            soap: false,
            payload_order: Vec::new(),
        };
        let root_id = m.add(root, None);
        let soap_ns = root
            .ns
            .as_deref()
            .filter(|ns| root.local == "Envelope" && (*ns == SOAP11_NS || *ns == SOAP12_NS));
        if let Some(ns) = soap_ns {
            m.soap = true;
            for child in m.nodes[root_id].children.clone() {
                let c = m.nodes[child].el;
                if c.is(ns, "Body") {
                    for p in m.nodes[child].children.clone() {
                        if !m.nodes[p].el.is(ns, "Fault") {
                            m.payloads.push(p);
                        }
                    }
                }
            }
        } else {
            m.payloads.push(root_id);
        }
        let mut order = Vec::with_capacity(m.nodes.len());
        for &p in &m.payloads {
            let mut stack = vec![p];
            while let Some(n) = stack.pop() {
                order.push(n);
                stack.extend(m.nodes[n].children.iter().rev());
            }
        }
        m.payload_order = order;
        m
    }

    /// Iterative so a deeply nested document cannot overflow the stack.
    fn add(&mut self, root: &'a Element, parent: Option<NodeId>) -> NodeId {
        let mut stack = vec![(root, parent, 1)];
        let mut first = None;
        // Reused for every element: most elements have a handful of distinct child names.
        let mut counts: Vec<(&Element, usize)> = Vec::new();
        while let Some((el, parent, nth)) = stack.pop() {
            let id = self.nodes.len();
            first.get_or_insert(id);
            self.nodes.push(Node {
                el,
                parent,
                children: Vec::with_capacity(el.children.len()),
                nth,
            });
            if let Some(p) = parent {
                self.nodes[p].children.push(id);
            }
            // Sibling positions count children with the same prefixed name, as the
            // validator does.
            let start = stack.len();
            counts.clear();
            let mut many: HashMap<(Option<&str>, &str), usize> = HashMap::new();
            for c in el.elements() {
                // A short list of distinct names is the normal case; a map keeps a
                // hostile document with thousands of distinct siblings linear.
                let n = if counts.len() < 32 {
                    match counts.iter_mut().find(|(k, _)| same_qname(k, c)) {
                        Some((_, n)) => {
                            *n += 1;
                            *n
                        }
                        None => {
                            counts.push((c, 1));
                            1
                        }
                    }
                } else {
                    let n = many
                        .entry((c.prefix.as_deref(), c.local.as_str()))
                        .or_insert_with(|| {
                            counts
                                .iter()
                                .find(|(k, _)| same_qname(k, c))
                                .map_or(0, |(_, n)| *n)
                        });
                    *n += 1;
                    *n
                };
                stack.push((c, Some(id), n));
            }
            // Reverse so children are numbered in document order.
            stack[start..].reverse();
        }
        first.unwrap_or(0)
    }

    pub fn el(&self, id: NodeId) -> &'a Element {
        self.nodes[id].el
    }

    /// The node's path, written as schema findings write it (`[1]` left out).
    pub fn path(&self, id: NodeId) -> String {
        let mut chain = Vec::new();
        let mut at = Some(id);
        while let Some(n) = at {
            chain.push(n);
            at = self.nodes[n].parent;
        }
        let mut s = String::new();
        for n in chain.into_iter().rev() {
            let node = &self.nodes[n];
            s.push('/');
            if let Some(p) = &node.el.prefix {
                s.push_str(p);
                s.push(':');
            }
            s.push_str(&node.el.local);
            if node.nth > 1 {
                s.push_str(&format!("[{}]", node.nth));
            }
        }
        s
    }

    pub fn pos(&self, id: NodeId) -> Pos {
        self.nodes[id].el.pos
    }

    pub fn local(&self, id: NodeId) -> &str {
        &self.nodes[id].el.local
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id].parent
    }

    /// Trimmed text content.
    pub fn text(&self, id: NodeId) -> String {
        let el = self.nodes[id].el;
        match el.children.as_slice() {
            // A leaf's single text node: no concatenation needed.
            [tree::Node::Text(t)] => t.trim().to_string(),
            [] => String::new(),
            _ => el.text().trim().to_string(),
        }
    }

    pub fn children(&self, id: NodeId) -> &[NodeId] {
        &self.nodes[id].children
    }

    /// Every node below the payloads (payload roots included), in document order.
    pub fn payload_nodes(&self) -> &[NodeId] {
        &self.payload_order
    }

    /// Payload nodes whose local name is one of `names` (case-insensitive).
    pub fn find_all(&self, names: &[&str]) -> Vec<NodeId> {
        self.payload_order
            .iter()
            .copied()
            .filter(|&n| name_in(self.local(n), names))
            .collect()
    }

    /// Descendants of `id` (not `id` itself) named one of `names`.
    pub fn descendants(&self, id: NodeId, names: &[&str]) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = self.nodes[id].children.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            if name_in(self.local(n), names) {
                out.push(n);
            }
            stack.extend(self.nodes[n].children.iter().rev());
        }
        out
    }

    /// Direct children of `id` named one of `names`.
    pub fn child(&self, id: NodeId, names: &[&str]) -> Option<NodeId> {
        self.nodes[id]
            .children
            .iter()
            .copied()
            .find(|&c| name_in(self.local(c), names))
    }

    /// The nearest ancestor-or-self named one of `names`.
    pub fn ancestor(&self, id: NodeId, names: &[&str]) -> Option<NodeId> {
        let mut cur = Some(id);
        while let Some(n) = cur {
            if name_in(self.local(n), names) {
                return Some(n);
            }
            cur = self.parent(n);
        }
        None
    }

    /// The first element named one of `names` found in `id`'s children, then its
    /// ancestors' children, nearest first: the value in force for `id` (e.g. the posting
    /// date of a posting, falling back to the voucher's date).
    pub fn inherited(&self, id: NodeId, names: &[&str]) -> Option<NodeId> {
        let mut cur = Some(id);
        while let Some(n) = cur {
            if let Some(c) = self.child(n, names) {
                return Some(c);
            }
            cur = self.parent(n);
        }
        None
    }

    /// The text of the first descendant of `id` named one of `names`.
    pub fn desc_text(&self, id: NodeId, names: &[&str]) -> Option<(NodeId, String)> {
        self.descendants(id, names)
            .first()
            .map(|&n| (n, self.text(n)))
    }
}

pub fn name_in(local: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_validator_convention() {
        let xml = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/><s:Body>
<f:Bilag xmlns:f="urn:f"><f:P><f:B>1</f:B></f:P><f:P><f:B>2</f:B></f:P><x:P xmlns:x="urn:f"/></f:Bilag>
</s:Body></s:Envelope>"#;
        let root = parse(xml).unwrap();
        let m = Message::new(&root);
        assert!(m.soap);
        assert_eq!(m.payloads.len(), 1);
        let bs = m.find_all(&["B"]);
        assert_eq!(m.path(bs[0]), "/s:Envelope/s:Body/f:Bilag/f:P/f:B");
        assert_eq!(m.path(bs[1]), "/s:Envelope/s:Body/f:Bilag/f:P[2]/f:B");
        assert_eq!(m.pos(bs[1]).line, 2);
        let ps = m.find_all(&["p"]);
        assert_eq!(m.path(ps[2]), "/s:Envelope/s:Body/f:Bilag/x:P");
        assert_eq!(m.text(bs[1]), "2");
        assert_eq!(m.ancestor(bs[1], &["Bilag"]), Some(m.payloads[0]));
        assert_eq!(m.inherited(ps[1], &["B"]), Some(bs[1]));
    }

    #[test]
    fn plain_document_is_its_own_payload_and_deep_nesting_is_fine() {
        let mut xml = String::new();
        for _ in 0..5000 {
            xml.push_str("<a>");
        }
        for _ in 0..5000 {
            xml.push_str("</a>");
        }
        if let Ok(root) = parse(xml.as_bytes()) {
            let m = Message::new(&root);
            assert!(!m.soap);
            assert_eq!(m.payload_nodes().len(), 5000);
        }
    }
}
