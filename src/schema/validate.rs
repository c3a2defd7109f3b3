//! Streaming instance validation. One pass over the tokens with a stack of frames; memory
//! stays proportional to depth (plus identity-constraint tables and IDs), not document size.

use std::borrow::Cow;
use std::collections::HashSet;

use super::content_model::{MatchState, Step};
use super::datatypes::{self, Builtin, Value};
use super::model::*;
use super::simple::{self, SimpleError};
use super::{Finding, Validation};
use crate::xml::{Namespaces, Pos, RawAttr, Token, Tokenizer, XSI_NS, split_qname, utf8_input};

pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

/// Where the validation roots are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Roots {
    /// The document element.
    Document,
    /// Each child of a SOAP 1.1/1.2 Body (in place: the Envelope's namespace declarations
    /// apply); Header blocks are validated when the schema declares them.
    SoapBody,
}

/// What a SOAP message's envelope held, for callers that dispatch on it.
#[derive(Debug, Clone, Default)]
pub struct EnvelopeInfo {
    pub soap_ns: Option<String>,
    pub header_blocks: Vec<(Option<String>, String)>,
    pub body_children: Vec<(Option<String>, String)>,
    /// Where each Body child starts, and its path as written (same order as `body_children`).
    pub body_locations: Vec<(Pos, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Validated against a type.
    Typed,
    /// No declaration: children validated where global declarations exist.
    Lax,
    /// Not validated at all.
    Skip,
    /// SOAP Envelope/Header/Body: passed through.
    Envelope(u8),
}

struct Frame<'a> {
    qname: Cow<'a, str>,
    ns: Option<usize>,
    index: u32,
    /// Where this element's children's name counts start in `Validator::child_counts`.
    child_start: usize,
    pos: Pos,
    mode: Mode,
    type_id: TypeId,
    elem: Option<ElemId>,
    cm: Option<MatchState>,
    content_error: bool,
    /// Where this element's text starts in the shared text buffer.
    text_start: usize,
    has_children: bool,
    nil: bool,
    text_error: bool,
    ic_scopes: usize,
}

#[derive(Debug, Clone)]
struct Selected {
    depth: usize,
    fields: Vec<Option<String>>,
    pos: Pos,
    path: String,
}

struct IcScope {
    ic: IcId,
    depth: usize,
    rows: Vec<(Vec<String>, Pos, String)>,
    keys: HashSet<Vec<String>>,
    selected: Vec<Selected>,
}

/// A field waiting for an element's value (captured when that element ends).
struct PendingField {
    scope: usize,
    selected: usize,
    field: usize,
    depth: usize,
}

struct Validator<'m, 'a> {
    model: &'m Model,
    ns: Namespaces,
    frames: Vec<Frame<'a>>,
    findings: Vec<Finding>,
    ids: HashSet<String>,
    idrefs: Vec<(String, Pos, String)>,
    scopes: Vec<IcScope>,
    closed: Vec<(IcId, usize, Vec<Vec<String>>)>,
    pending_fields: Vec<PendingField>,
    roots: Roots,
    envelope: EnvelopeInfo,
    max_findings: usize,
    /// Looked up once: every element frame starts with it.
    any_type: TypeId,
    /// Reused for the current element's namespace (no allocation per element).
    ns_buf: String,
    /// Text of the open elements, each frame's from its `text_start` (no allocation per element).
    text_buf: String,
    /// Sibling counts per name of the open elements' children, each frame's from its
    /// `child_start` (one shared stack instead of a Vec per element).
    child_counts: Vec<(Cow<'a, str>, u32)>,
}

/// Validate a document. Stops collecting after `max_findings` (the rest is counted).
pub fn validate(model: &Model, xml: &[u8], roots: Roots) -> (Validation, EnvelopeInfo) {
    let input = utf8_input(xml);
    let mut v = Validator {
        model,
        ns: Namespaces::default(),
        frames: Vec::new(),
        findings: Vec::new(),
        ids: HashSet::new(),
        idrefs: Vec::new(),
        scopes: Vec::new(),
        closed: Vec::new(),
        pending_fields: Vec::new(),
        roots,
        envelope: EnvelopeInfo::default(),
        max_findings: 1000,
        any_type: model.any_type(),
        ns_buf: String::new(),
        text_buf: String::new(),
        child_counts: Vec::new(),
    };
    let mut tok = Tokenizer::new(&input);
    loop {
        match tok.next_token() {
            Ok(Some(Token::Start { qname, attrs, pos })) => v.start(qname, attrs, pos),
            Ok(Some(Token::End { pos })) => v.end(pos),
            Ok(Some(Token::Text(t))) => v.text(&t),
            Ok(None) => break,
            Err(e) => {
                let path = v.path();
                v.findings.push(Finding {
                    line: e.pos.line,
                    column: e.pos.column,
                    path,
                    constraint: "well-formedness".into(),
                    message: e.message,
                    value: None,
                    expected: None,
                });
                return (
                    Validation {
                        findings: v.findings,
                    },
                    v.envelope,
                );
            }
        }
    }
    v.finish();
    (
        Validation {
            findings: v.findings,
        },
        v.envelope,
    )
}

impl<'m, 'a> Validator<'m, 'a> {
    fn path(&self) -> String {
        let mut s = String::new();
        for f in &self.frames {
            s.push('/');
            s.push_str(&f.qname);
            if f.index > 1 {
                s.push_str(&format!("[{}]", f.index));
            }
        }
        if s.is_empty() {
            s.push('/');
        }
        s
    }

    fn report(
        &mut self,
        pos: Pos,
        constraint: &str,
        message: String,
        value: Option<String>,
        expected: Option<String>,
    ) {
        if self.findings.len() >= self.max_findings {
            return;
        }
        let path = self.path();
        self.findings.push(Finding {
            line: pos.line,
            column: pos.column,
            path,
            constraint: constraint.to_string(),
            message,
            value,
            expected,
        });
    }

    fn report_simple(&mut self, pos: Pos, what: &str, e: SimpleError, value: &str) {
        self.report(
            pos,
            e.constraint,
            format!("{what}: {}", e.message),
            Some(value.to_string()),
            e.expected,
        );
    }

    fn frame_ns(&self, f: &Frame<'_>) -> Option<&str> {
        f.ns.map(|i| self.ns.uri_at(i)).filter(|u| !u.is_empty())
    }

    fn start(&mut self, qname: Cow<'a, str>, attrs: Vec<RawAttr<'a>>, pos: Pos) {
        if let Err(m) = self.ns.push(&attrs) {
            self.report(pos, "namespace", m, None, None);
        }
        let (prefix, _) = split_qname(&qname);
        let ns_idx = match prefix {
            None => self.ns.lookup_index(""),
            Some(p) => match self.ns.lookup_index(p) {
                Some(i) if !self.ns.uri_at(i).is_empty() => Some(i),
                _ => {
                    self.report(
                        pos,
                        "namespace",
                        format!("namespace prefix '{p}' of element '{qname}' is not declared"),
                        None,
                        None,
                    );
                    None
                }
            },
        };
        // No allocation per element: the namespace goes through a reused buffer and the
        // local name is borrowed from the input.
        let mut ns_buf = std::mem::take(&mut self.ns_buf);
        ns_buf.clear();
        let has_ns = match ns_idx.map(|i| self.ns.uri_at(i)) {
            Some(u) if !u.is_empty() => {
                ns_buf.push_str(u);
                true
            }
            _ => false,
        };
        let qn = qname.clone();
        let local = split_qname(&qn).1;

        // Sibling position, for paths like /a/b[3].
        // The parent's children are closed, so its counts are the top of the stack.
        let index = match self.frames.last_mut() {
            Some(parent) => {
                parent.has_children = true;
                match self.child_counts[parent.child_start..]
                    .iter_mut()
                    .find(|(n, _)| *n == qname)
                {
                    Some((_, c)) => {
                        *c += 1;
                        *c
                    }
                    None => {
                        self.child_counts.push((qname.clone(), 1));
                        1
                    }
                }
            }
            None => 1,
        };
        let frame = Frame {
            qname,
            ns: ns_idx,
            index,
            child_start: self.child_counts.len(),
            pos,
            mode: Mode::Skip,
            type_id: self.any_type,
            elem: None,
            cm: None,
            content_error: false,
            text_start: self.text_buf.len(),
            has_children: false,
            nil: false,
            text_error: false,
            ic_scopes: 0,
        };

        // Decide how this element is validated (findings then point at this element).
        self.frames.push(frame);
        let ns = has_ns.then_some(ns_buf.as_str());
        self.start_typed(ns, local, &attrs, pos);
        self.ns_buf = ns_buf;
    }

    fn start_typed(&mut self, ns: Option<&str>, local: &str, attrs: &[RawAttr<'a>], pos: Pos) {
        let xsi_type = self.xsi_type_of(attrs);
        let decided = self.decide(ns, local, pos, xsi_type);
        let depth = self.frames.len();
        match decided {
            Decision::Envelope(k) => {
                self.frames[depth - 1].mode = Mode::Envelope(k);
                return;
            }
            Decision::Skip => {
                self.frames[depth - 1].mode = Mode::Skip;
                return;
            }
            Decision::Lax => {
                self.frames[depth - 1].mode = Mode::Lax;
                self.lax_attributes(attrs, pos);
            }
            Decision::Element(e) => {
                self.begin_typed(Some(e), self.model.element(e).type_id, attrs, pos)
            }
            Decision::Type(t) => self.begin_typed(None, t, attrs, pos),
        }
        self.identity_start(attrs, pos);
    }

    /// The type an `xsi:type` attribute names, when it resolves (checked again, with
    /// messages, once the element is known).
    fn xsi_type_of(&self, attrs: &[RawAttr<'a>]) -> Option<TypeId> {
        let a = attrs.iter().find(|a| {
            a.local() == "type" && matches!(self.ns.attribute_ns(a.prefix()), Ok(Some(XSI_NS)))
        })?;
        let (prefix, local) = split_qname(a.value.trim());
        let tns = self.ns.resolve_prefix(prefix.unwrap_or(""))?;
        let q = QName::new(
            if tns.is_empty() {
                None
            } else {
                Some(tns.as_str())
            },
            local,
        );
        self.model.global_type(&q)
    }

    fn decide(
        &mut self,
        ns: Option<&str>,
        local: &str,
        pos: Pos,
        xsi_type: Option<TypeId>,
    ) -> Decision {
        let model = self.model;
        let n = self.frames.len();
        let parent = if n >= 2 {
            self.frames.get_mut(n - 2)
        } else {
            None
        };
        let Some(parent) = parent else {
            // The document element.
            if self.roots == Roots::SoapBody {
                if local == "Envelope" && matches!(ns, Some(SOAP11_NS | SOAP12_NS)) {
                    self.envelope.soap_ns = ns.map(str::to_string);
                    return Decision::Envelope(0);
                }
                self.report(
                    pos,
                    "soap",
                    format!("expected a SOAP Envelope, found '{local}'"),
                    None,
                    Some("soap:Envelope".into()),
                );
                return Decision::Skip;
            }
            return match (model.global_element(ns, local), xsi_type) {
                (Some(e), _) => Decision::Element(e),
                // No declaration, but xsi:type names a type: validate against it.
                (None, Some(t)) => Decision::Type(t),
                (None, None) => {
                    self.report(
                        pos,
                        "cvc-elt.1",
                        format!(
                            "no declaration for the root element '{}'",
                            display_name(ns, local)
                        ),
                        None,
                        Some(self.global_element_names()),
                    );
                    Decision::Skip
                }
            };
        };
        match parent.mode {
            Mode::Envelope(level) => {
                let soap = self.envelope.soap_ns.clone();
                match level {
                    0 => {
                        if ns == soap.as_deref() && local == "Header" {
                            Decision::Envelope(1)
                        } else if ns == soap.as_deref() && local == "Body" {
                            Decision::Envelope(2)
                        } else {
                            self.report(
                                pos,
                                "soap",
                                format!("unexpected '{local}' in the SOAP Envelope"),
                                None,
                                Some("Header or Body".into()),
                            );
                            Decision::Skip
                        }
                    }
                    1 => {
                        self.envelope
                            .header_blocks
                            .push((ns.map(str::to_string), local.to_string()));
                        match model.global_element(ns, local) {
                            Some(e) => Decision::Element(e),
                            None => Decision::Skip,
                        }
                    }
                    _ => {
                        self.envelope
                            .body_children
                            .push((ns.map(str::to_string), local.to_string()));
                        let path = self.path();
                        self.envelope.body_locations.push((pos, path));
                        if ns == soap.as_deref() && local == "Fault" {
                            return Decision::Lax;
                        }
                        match model.global_element(ns, local) {
                            Some(e) => Decision::Element(e),
                            None => {
                                self.report(
                                    pos,
                                    "cvc-elt.1",
                                    format!(
                                        "no declaration for the body element '{}'",
                                        display_name(ns, local)
                                    ),
                                    None,
                                    Some(self.global_element_names()),
                                );
                                Decision::Skip
                            }
                        }
                    }
                }
            }
            Mode::Skip => Decision::Skip,
            Mode::Lax => match (model.global_element(ns, local), xsi_type) {
                (Some(e), _) => Decision::Element(e),
                (None, Some(t)) => Decision::Type(t),
                (None, None) => Decision::Lax,
            },
            Mode::Typed => {
                if parent.nil {
                    parent.content_error = true;
                    self.report(
                        pos,
                        "cvc-elt.3.2.1",
                        format!("element '{local}' not allowed: the parent is nil"),
                        None,
                        None,
                    );
                    return Decision::Skip;
                }
                let ct = match model.ty(parent.type_id) {
                    TypeDef::Complex(ct) => ct,
                    TypeDef::Simple(_) => {
                        let first = !parent.text_error;
                        parent.text_error = true;
                        if first {
                            self.report(
                                pos,
                                "cvc-type.3.1.2",
                                format!(
                                    "element '{local}' not allowed: the parent has a simple type"
                                ),
                                None,
                                None,
                            );
                        }
                        return Decision::Skip;
                    }
                };
                let (model_cm, state) = match (&ct.content, parent.cm.as_mut()) {
                    (Content::Elements { model: cm, .. }, Some(state)) => (cm, state),
                    _ => {
                        let first = !parent.content_error;
                        parent.content_error = true;
                        if first {
                            let what = if matches!(ct.content, Content::Simple(_)) {
                                "simple content"
                            } else {
                                "empty content"
                            };
                            self.report(
                                pos,
                                "cvc-complex-type.2.1",
                                format!("element '{local}' not allowed: the type has {what}"),
                                None,
                                None,
                            );
                        }
                        return Decision::Lax;
                    }
                };
                let mut hit: Option<Option<ElemId>> = None;
                let step = model_cm.step(state, &mut |t| match model.term_matches(t, ns, local) {
                    Some(d) => {
                        hit = Some(d);
                        true
                    }
                    None => false,
                });
                match step {
                    Step::Matched(t) => {
                        let decl = model.term_matches(t, ns, local).flatten().or(hit.flatten());
                        match (&model.terms[t as usize], decl) {
                            (Term::Element { .. }, Some(e)) => Decision::Element(e),
                            (Term::Wildcard(w), _) => match w.process {
                                Process::Skip => Decision::Skip,
                                Process::Lax => match (model.global_element(ns, local), xsi_type) {
                                    (Some(e), _) => Decision::Element(e),
                                    (None, Some(t)) => Decision::Type(t),
                                    (None, None) => Decision::Lax,
                                },
                                Process::Strict => {
                                    match (model.global_element(ns, local), xsi_type) {
                                        (Some(e), _) => Decision::Element(e),
                                        (None, Some(t)) => Decision::Type(t),
                                        (None, None) => {
                                            self.report(pos, "cvc-complex-type.2.4.c", format!("no declaration for '{}', required by a strict wildcard", display_name(ns, local)), None, None);
                                            Decision::Skip
                                        }
                                    }
                                }
                            },
                            _ => Decision::Lax,
                        }
                    }
                    Step::NoMatch => {
                        let expected = model_cm.expected(state);
                        let first = !parent.content_error;
                        parent.content_error = true;
                        if first {
                            let exp = describe_expected(model, &expected);
                            let msg = if expected.is_empty() {
                                format!(
                                    "element '{}' is not expected here: no more elements are allowed",
                                    display_name(ns, local)
                                )
                            } else {
                                format!(
                                    "element '{}' is not expected here; expected {exp}",
                                    display_name(ns, local)
                                )
                            };
                            self.report(pos, "cvc-complex-type.2.4", msg, None, Some(exp));
                        }
                        // Keep validating the child on its own where a declaration exists.
                        match model.global_element(ns, local) {
                            Some(e) => Decision::Element(e),
                            None => Decision::Lax,
                        }
                    }
                }
            }
        }
    }

    fn global_element_names(&self) -> String {
        let mut names: Vec<String> = self
            .model
            .global_elements
            .keys()
            .map(|q| q.local.to_string())
            .collect();
        names.sort();
        names.truncate(12);
        format!("one of: {}", names.join(", "))
    }

    fn lax_attributes(&mut self, attrs: &[RawAttr<'a>], pos: Pos) {
        for a in attrs {
            if a.qname == "xmlns" || a.qname.starts_with("xmlns:") {
                continue;
            }
            let Ok(ans) = self.ns.attribute_ns(a.prefix()) else {
                continue;
            };
            let ans = ans.map(str::to_string);
            if ans.as_deref() == Some(XSI_NS) {
                continue;
            }
            if let Some(id) = self.model.global_attribute(ans.as_deref(), a.local()) {
                let t = self.model.attribute(id).type_id;
                self.check_attr_value(t, &a.value, a.local(), pos);
            }
        }
    }

    fn check_attr_value(&mut self, t: TypeId, value: &str, name: &str, pos: Pos) -> Option<Value> {
        let ns = &self.ns;
        let resolve = |p: &str| ns.resolve_prefix(p);
        // The verdict alone is enough unless the value is an ID/IDREF.
        if id_kind(self.model, t).is_none() {
            return match simple::check(self.model, t, value, &resolve) {
                Ok(()) => Some(Value::Bool(true)),
                Err(e) => {
                    self.report_simple(pos, &format!("attribute '{name}'"), e, value);
                    None
                }
            };
        }
        match simple::validate(self.model, t, value, &resolve) {
            Ok(v) => {
                self.track_ids(t, &v, pos);
                Some(v)
            }
            Err(e) => {
                self.report_simple(pos, &format!("attribute '{name}'"), e, value);
                None
            }
        }
    }

    /// Record ID values and IDREFs for the document-wide checks.
    fn track_ids(&mut self, t: TypeId, v: &Value, pos: Pos) {
        match id_kind(self.model, t) {
            Some(Builtin::Id) => {
                let s = datatypes::canonical(v);
                if !self.ids.insert(s.clone()) {
                    self.report(
                        pos,
                        "cvc-id.2",
                        format!("duplicate ID '{s}'"),
                        Some(s),
                        None,
                    );
                }
            }
            Some(Builtin::IdRef) => {
                let path = self.path();
                match v {
                    Value::List(items) => {
                        for i in items {
                            self.idrefs
                                .push((datatypes::canonical(i), pos, path.clone()));
                        }
                    }
                    other => self.idrefs.push((datatypes::canonical(other), pos, path)),
                }
            }
            _ => {}
        }
    }

    fn begin_typed(
        &mut self,
        elem: Option<ElemId>,
        declared: TypeId,
        attrs: &[RawAttr<'a>],
        pos: Pos,
    ) {
        let model = self.model;
        let mut type_id = declared;
        let mut nil = false;
        // xsi:type and xsi:nil first: they change what the rest means.
        for a in attrs {
            let Ok(Some(ans)) = self.ns.attribute_ns(a.prefix()) else {
                continue;
            };
            if ans != XSI_NS {
                continue;
            }
            match a.local() {
                "type" => {
                    let resolve = |p: &str| self.ns.resolve_prefix(p);
                    let lexical = a.value.trim();
                    let (prefix, local) = split_qname(lexical);
                    let Some(tns) = resolve(prefix.unwrap_or("")) else {
                        self.report(
                            pos,
                            "cvc-elt.4.1",
                            format!("xsi:type '{lexical}': prefix is not declared"),
                            Some(lexical.to_string()),
                            None,
                        );
                        continue;
                    };
                    let q = QName::new(
                        if tns.is_empty() {
                            None
                        } else {
                            Some(tns.as_str())
                        },
                        local,
                    );
                    match model.global_type(&q) {
                        None => self.report(pos, "cvc-elt.4.2", format!("xsi:type '{lexical}' is not a type of the schema"), Some(lexical.to_string()), None),
                        Some(t) => match model.derivation_path(t, declared) {
                            None => self.report(pos, "cvc-elt.4.3", format!("xsi:type '{lexical}' is not derived from the declared type '{}'", model.type_name(declared)), Some(lexical.to_string()), None),
                            Some(used) => {
                                let elem_block = elem.map(|e| model.element(e).block).unwrap_or_default();
                                let type_block = match model.ty(declared) {
                                    TypeDef::Complex(c) => c.block,
                                    TypeDef::Simple(_) => Derivations::default(),
                                };
                                                                // cvc-elt.4.3: the element's and the declared type's blocks,
                                // against every derivation step taken.
                                if (used.extension && (elem_block.extension || type_block.extension))
                                    || (used.restriction && (elem_block.restriction || type_block.restriction))
                                {
                                    self.report(pos, "cvc-elt.4.3", format!("xsi:type '{lexical}' uses a derivation that is blocked"), Some(lexical.to_string()), None);
                                } else {
                                    type_id = t;
                                }
                            }
                        },
                    }
                }
                "nil" => {
                    let val = a.value.trim();
                    let is_true = match val {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => {
                            self.report(
                                pos,
                                "cvc-datatype-valid",
                                format!("xsi:nil='{val}' is not a boolean"),
                                Some(val.to_string()),
                                None,
                            );
                            false
                        }
                    };
                    let nillable = elem.is_none_or(|e| model.element(e).nillable);
                    if is_true || (!nillable && val != "false" && val != "0") {
                        if !nillable {
                            self.report(
                                pos,
                                "cvc-elt.3.1",
                                "xsi:nil is not allowed: the element is not nillable".into(),
                                None,
                                None,
                            );
                        } else {
                            nil = true;
                            if elem.is_some_and(|e| {
                                model
                                    .element(e)
                                    .constraint
                                    .as_ref()
                                    .is_some_and(|c| c.is_fixed())
                            }) {
                                self.report(
                                    pos,
                                    "cvc-elt.3.2.2",
                                    "an element with a fixed value cannot be nil".into(),
                                    None,
                                    None,
                                );
                            }
                        }
                    } else if !nillable {
                        self.report(
                            pos,
                            "cvc-elt.3.1",
                            "xsi:nil is not allowed: the element is not nillable".into(),
                            None,
                            None,
                        );
                    }
                }
                "schemaLocation" | "noNamespaceSchemaLocation" => {}
                other => self.report(
                    pos,
                    "cvc-complex-type.3.2.2",
                    format!("'xsi:{other}' is not an XML Schema instance attribute"),
                    None,
                    None,
                ),
            }
        }
        if let Some(e) = elem
            && model.element(e).abstract_
        {
            self.report(
                pos,
                "cvc-elt.2",
                format!(
                    "element '{}' is abstract; use a member of its substitution group",
                    model.element(e).name.local
                ),
                None,
                None,
            );
        }
        if let TypeDef::Complex(ct) = model.ty(type_id)
            && ct.abstract_
        {
            self.report(
                pos,
                "cvc-type.2",
                format!(
                    "type '{}' is abstract; give a concrete type with xsi:type",
                    model.type_name(type_id)
                ),
                None,
                None,
            );
        }
        let f = self.frames.last_mut().expect("frame pushed");
        f.mode = Mode::Typed;
        f.type_id = type_id;
        f.elem = elem;
        f.nil = nil;
        if let TypeDef::Complex(ct) = model.ty(type_id)
            && let Content::Elements { model: cm, .. } = &ct.content
        {
            f.cm = Some(cm.start());
        }
        self.attributes(type_id, attrs, pos);
    }

    fn attributes(&mut self, type_id: TypeId, attrs: &[RawAttr<'a>], pos: Pos) {
        let model = self.model;
        let ct = match model.ty(type_id) {
            TypeDef::Complex(ct) => Some(ct),
            TypeDef::Simple(_) => None,
        };
        let mut seen: Vec<usize> = Vec::new();
        for a in attrs {
            if a.qname == "xmlns" || a.qname.starts_with("xmlns:") {
                continue;
            }
            let ans = match self.ns.attribute_ns(a.prefix()) {
                Ok(n) => n.map(str::to_string),
                Err(m) => {
                    self.report(pos, "namespace", m, None, None);
                    continue;
                }
            };
            if ans.as_deref() == Some(XSI_NS) {
                continue;
            }
            let local = a.local();
            let Some(ct) = ct else {
                self.report(
                    pos,
                    "cvc-type.3.1.1",
                    format!(
                        "attribute '{}' not allowed: the element has a simple type",
                        a.qname
                    ),
                    None,
                    None,
                );
                continue;
            };
            if let Some((i, u)) = ct
                .attributes
                .iter()
                .enumerate()
                .find(|(_, u)| model.attribute(u.attr).name.is(ans.as_deref(), local))
            {
                seen.push(i);
                let decl = model.attribute(u.attr);
                let value = self.check_attr_value(decl.type_id, &a.value, &a.qname, pos);
                let fixed = u
                    .constraint
                    .as_ref()
                    .or(decl.constraint.as_ref())
                    .filter(|c| c.is_fixed());
                if let (Some(_), Some(fx)) = (value, fixed) {
                    let ns = &self.ns;
                    let resolve = |p: &str| ns.resolve_prefix(p);
                    // Fixed values compare in the value space.
                    let v = simple::validate(model, decl.type_id, &a.value, &resolve);
                    let fv = simple::validate(model, decl.type_id, fx.lexical(), &resolve);
                    if let (Ok(v), Ok(fv)) = (v, fv)
                        && !datatypes::equal(&fv, &v)
                    {
                        self.report(
                            pos,
                            "cvc-attribute.4",
                            format!(
                                "attribute '{}' must have the fixed value '{}'",
                                a.qname,
                                fx.lexical()
                            ),
                            Some(a.value.to_string()),
                            Some(fx.lexical().to_string()),
                        );
                    }
                }
                continue;
            }
            match &ct.attribute_wildcard {
                Some(w) if w.allows(ans.as_deref()) => match w.process {
                    Process::Skip => {}
                    Process::Lax | Process::Strict => {
                        match model.global_attribute(ans.as_deref(), local) {
                            Some(id) => {
                                let t = model.attribute(id).type_id;
                                self.check_attr_value(t, &a.value, &a.qname, pos);
                            }
                            None if w.process == Process::Strict => {
                                self.report(pos, "cvc-complex-type.3.2.2", format!("no declaration for attribute '{}', required by a strict wildcard", a.qname), None, None);
                            }
                            None => {}
                        }
                    }
                },
                _ => {
                    let allowed: Vec<String> = ct
                        .attributes
                        .iter()
                        .map(|u| model.attribute(u.attr).name.local.to_string())
                        .collect();
                    self.report(
                        pos,
                        "cvc-complex-type.3.2.2",
                        format!("attribute '{}' is not allowed on this element", a.qname),
                        Some(a.value.to_string()),
                        Some(if allowed.is_empty() {
                            "no attributes".into()
                        } else {
                            format!("one of: {}", allowed.join(", "))
                        }),
                    );
                }
            }
        }
        if let Some(ct) = ct {
            for (i, u) in ct.attributes.iter().enumerate() {
                if u.required && !seen.contains(&i) {
                    let n = &model.attribute(u.attr).name;
                    self.report(
                        pos,
                        "cvc-complex-type.4",
                        format!("required attribute '{}' is missing", n.local),
                        None,
                        Some(format!("attribute '{}'", n.local)),
                    );
                }
            }
            // Defaulted IDREF(S) attributes still have to resolve.
            for (i, u) in ct.attributes.iter().enumerate() {
                let d = model.attribute(u.attr);
                if let Some(c) = u.constraint.as_ref().or(d.constraint.as_ref())
                    && !seen.contains(&i)
                    && id_kind(model, d.type_id).is_some()
                {
                    self.check_attr_value(d.type_id, c.lexical(), &d.name.local, pos);
                }
            }
        }
    }

    fn text(&mut self, t: &str) {
        let model = self.model;
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        match f.mode {
            Mode::Typed => {}
            Mode::Envelope(_) => {
                if t.chars().any(|c| !crate::xml::is_xml_space(c)) {
                    let pos = f.pos;
                    self.report(
                        pos,
                        "soap",
                        "text is not allowed in the SOAP envelope structure".into(),
                        None,
                        None,
                    );
                }
                return;
            }
            _ => return,
        }
        let element_only = match model.ty(f.type_id) {
            TypeDef::Simple(_) => false,
            TypeDef::Complex(ct) => match &ct.content {
                Content::Simple(_) => false,
                Content::Elements { mixed, .. } => !mixed,
                Content::Empty => true,
            },
        };
        if f.nil {
            if !t.is_empty() && !f.text_error {
                f.text_error = true;
                let pos = f.pos;
                self.report(
                    pos,
                    "cvc-elt.3.2.1",
                    "a nil element must be empty".into(),
                    None,
                    None,
                );
            }
            return;
        }
        if element_only {
            if t.chars().any(|c| !crate::xml::is_xml_space(c)) && !f.text_error {
                f.text_error = true;
                let pos = f.pos;
                let empty = matches!(
                    model.ty(f.type_id),
                    TypeDef::Complex(ComplexType {
                        content: Content::Empty,
                        ..
                    })
                );
                let msg = if empty {
                    "text is not allowed: the element must be empty"
                } else {
                    "text is not allowed: the element has element-only content"
                };
                self.report(
                    pos,
                    if empty {
                        "cvc-complex-type.2.1"
                    } else {
                        "cvc-complex-type.2.3"
                    },
                    msg.into(),
                    Some(t.trim().chars().take(60).collect()),
                    None,
                );
            }
            return;
        }
        self.text_buf.push_str(t);
    }

    fn end(&mut self, _pos: Pos) {
        let model = self.model;
        let depth = self.frames.len();
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        let mut element_value: Option<String> = None;
        if f.mode == Mode::Typed {
            let (type_id, pos, nil, has_children, content_error) =
                (f.type_id, f.pos, f.nil, f.has_children, f.content_error);
            let buf = std::mem::take(&mut self.text_buf);
            let text_start = f.text_start.min(buf.len());
            let text: &str = &buf[text_start..];
            let elem = f.elem;
            // Content model complete?
            if !nil
                && !content_error
                && let TypeDef::Complex(ct) = model.ty(type_id)
                && let (Content::Elements { model: cm, .. }, Some(state)) =
                    (&ct.content, self.frames.last().and_then(|f| f.cm.as_ref()))
                && !cm.is_final(state)
            {
                let expected = describe_expected(model, &cm.expected(state));
                self.report(
                    pos,
                    "cvc-complex-type.2.4.b",
                    format!("the content is incomplete; expected {expected}"),
                    None,
                    Some(expected.clone()),
                );
            }
            if nil && has_children {
                self.report(
                    pos,
                    "cvc-elt.3.2.1",
                    "a nil element must be empty".into(),
                    None,
                    None,
                );
            }
            // cvc-elt.5.2.2.1: a fixed value leaves no room for element children.
            if has_children
                && !nil
                && elem.is_some_and(|e| {
                    model
                        .element(e)
                        .constraint
                        .as_ref()
                        .is_some_and(|c| c.is_fixed())
                })
                && matches!(
                    model.ty(type_id),
                    TypeDef::Complex(ComplexType {
                        content: Content::Elements { mixed: true, .. },
                        ..
                    })
                )
            {
                self.report(
                    pos,
                    "cvc-elt.5.2.2.1",
                    "an element with a fixed value must not have element children".into(),
                    None,
                    None,
                );
            }
            // Simple value.
            let simple_type = match model.ty(type_id) {
                TypeDef::Simple(_) => Some(type_id),
                TypeDef::Complex(ct) => match ct.content {
                    Content::Simple(s) => Some(s),
                    _ => None,
                },
            };
            // Borrowed from the model: no copy of the default/fixed value per element.
            let constraint = elem.and_then(|e| model.element(e).constraint.as_ref());
            if let Some(st) = simple_type
                && !nil
                && !has_children
            {
                let effective: Cow<str> = match (&constraint, text.is_empty()) {
                    (Some(c), true) => Cow::Borrowed(c.lexical()),
                    _ => Cow::Borrowed(text),
                };
                let ns = &self.ns;
                let resolve = |p: &str| ns.resolve_prefix(p);
                let verdict_only = self.scopes.is_empty()
                    && !matches!(constraint, Some(ValueConstraint::Fixed(_)))
                    && id_kind(model, st).is_none();
                if verdict_only {
                    if let Err(e) = simple::check(model, st, &effective, &resolve) {
                        self.report_simple(pos, "value", e, &effective);
                    }
                } else {
                    match simple::validate(model, st, &effective, &resolve) {
                        Ok(v) => {
                            if let Some(ValueConstraint::Fixed(fx)) = &constraint {
                                let fv = simple::validate(model, st, fx, &resolve);
                                if fv.is_ok_and(|fv| !datatypes::equal(&fv, &v)) {
                                    self.report(
                                        pos,
                                        "cvc-elt.5.2.2",
                                        format!("the value must be the fixed value '{fx}'"),
                                        Some(text.to_string()),
                                        Some(fx.clone()),
                                    );
                                }
                            }
                            self.track_ids(st, &v, pos);
                            if !self.scopes.is_empty() {
                                element_value = Some(key_string(&v, st, model));
                            }
                        }
                        Err(e) => self.report_simple(pos, "value", e, &effective),
                    }
                }
            } else if let Some(ValueConstraint::Fixed(fx)) = &constraint
                && !nil
                && simple_type.is_none()
                && !has_children
                && !text.is_empty()
                && text != fx.as_str()
            {
                self.report(
                    pos,
                    "cvc-elt.5.2.2",
                    format!("the value must be the fixed value '{fx}'"),
                    Some(text.to_string()),
                    Some(fx.clone()),
                );
            }
            // (Complex content has no value for identity-constraint fields: element_value stays None.)
            let mut buf = buf;
            buf.truncate(text_start);
            self.text_buf = buf;
        }
        self.identity_end(depth, element_value);
        if let Some(f) = self.frames.pop() {
            self.child_counts.truncate(f.child_start);
        }
        self.ns.pop();
    }

    // ---- identity constraints -----------------------------------------------------------

    fn identity_start(&mut self, attrs: &[RawAttr<'a>], pos: Pos) {
        let model = self.model;
        let depth = self.frames.len();
        let f = self.frames.last().expect("frame");
        let elem_of_frame = f.elem;
        let has_ics = f.mode == Mode::Typed
            && f.elem
                .is_some_and(|e| !model.element(e).identity.is_empty());
        if self.scopes.is_empty() && !has_ics {
            return;
        }
        // Attributes as fields see: those given, plus defaults of absent ones.
        let mut eff: Vec<(Option<String>, String, String)> = Vec::new();
        for a in attrs {
            if a.qname == "xmlns" || a.qname.starts_with("xmlns:") {
                continue;
            }
            if let Ok(ans) = self.ns.attribute_ns(a.prefix()) {
                eff.push((
                    ans.map(str::to_string),
                    a.local().to_string(),
                    a.value.to_string(),
                ));
            }
        }
        if f.mode == Mode::Typed
            && let TypeDef::Complex(ct) = model.ty(f.type_id)
        {
            for u in &ct.attributes {
                let d = model.attribute(u.attr);
                if let Some(c) = u.constraint.as_ref().or(d.constraint.as_ref())
                    && !eff.iter().any(|(n, l, _)| d.name.is(n.as_deref(), l))
                {
                    eff.push((
                        d.name.ns.as_deref().map(str::to_string),
                        d.name.local.to_string(),
                        c.lexical().to_string(),
                    ));
                }
            }
        }
        // New selections and field matches in the open scopes.
        let names: Vec<(Option<String>, String)> = self
            .frames
            .iter()
            .map(|fr| {
                (
                    self.frame_ns(fr).map(str::to_string),
                    local_of(&fr.qname).to_string(),
                )
            })
            .collect();
        for si in 0..self.scopes.len() {
            let sc = &self.scopes[si];
            let rel = &names[sc.depth..];
            let ic = &model.identity[sc.ic as usize];
            if ic
                .selector
                .iter()
                .any(|p| p.attribute.is_none() && path_matches(p, rel))
            {
                let nf = ic.fields.len();
                let path = self.path();
                self.scopes[si].selected.push(Selected {
                    depth,
                    fields: vec![None; nf],
                    pos,
                    path,
                });
            }
            // Fields of earlier selections (and of this one, for '@a' and '.').
            for sel in 0..self.scopes[si].selected.len() {
                let sd = self.scopes[si].selected[sel].depth;
                if sd > depth {
                    continue;
                }
                let rel = &names[sd..];
                for (fi, field) in ic.fields.iter().enumerate() {
                    // A node matched by several alternatives of one field counts once.
                    let mut matched_attrs: Vec<usize> = Vec::new();
                    let mut matched_element = false;
                    for p in field {
                        if !path_matches(p, rel) {
                            continue;
                        }
                        match &p.attribute {
                            Some(test) => {
                                for (ai, (ans, alocal, _)) in eff.iter().enumerate() {
                                    if test.matches(ans.as_deref(), alocal)
                                        && !matched_attrs.contains(&ai)
                                    {
                                        matched_attrs.push(ai);
                                    }
                                }
                            }
                            None => matched_element = true,
                        }
                    }
                    for ai in matched_attrs {
                        let (ans, alocal, avalue) = &eff[ai];
                        let v = self.attr_key(ans.as_deref(), alocal, avalue, depth);
                        self.set_field(si, sel, fi, v, pos);
                    }
                    if matched_element {
                        self.pending_fields.push(PendingField {
                            scope: si,
                            selected: sel,
                            field: fi,
                            depth,
                        });
                    }
                }
            }
        }
        if has_ics {
            let e = elem_of_frame.expect("checked");
            for &ic in &model.element(e).identity {
                self.scopes.push(IcScope {
                    ic,
                    depth,
                    rows: Vec::new(),
                    keys: HashSet::new(),
                    selected: Vec::new(),
                });
                let si = self.scopes.len() - 1;
                let icd = &model.identity[ic as usize];
                // A selector of '.' selects the scope element itself.
                if icd
                    .selector
                    .iter()
                    .any(|p| p.steps.is_empty() && !p.descendant)
                {
                    let path = self.path();
                    self.scopes[si].selected.push(Selected {
                        depth,
                        fields: vec![None; icd.fields.len()],
                        pos,
                        path,
                    });
                    for (fi, field) in icd.fields.iter().enumerate() {
                        for p in field {
                            if !p.steps.is_empty() || p.descendant {
                                continue;
                            }
                            match &p.attribute {
                                Some(test) => {
                                    for (ans, alocal, avalue) in &eff {
                                        if test.matches(ans.as_deref(), alocal) {
                                            let v = self.attr_key(
                                                ans.as_deref(),
                                                alocal,
                                                avalue,
                                                depth,
                                            );
                                            self.set_field(si, 0, fi, v, pos);
                                        }
                                    }
                                }
                                None => self.pending_fields.push(PendingField {
                                    scope: si,
                                    selected: 0,
                                    field: fi,
                                    depth,
                                }),
                            }
                        }
                    }
                }
            }
            self.frames.last_mut().expect("frame").ic_scopes = model.element(e).identity.len();
        }
    }

    /// The typed key of an attribute value (by its declared type when known).
    fn attr_key(&self, ans: Option<&str>, alocal: &str, avalue: &str, depth: usize) -> String {
        let model = self.model;
        let f = &self.frames[depth - 1];
        let mut t = None;
        if let TypeDef::Complex(ct) = model.ty(f.type_id) {
            t = ct
                .attributes
                .iter()
                .find(|u| model.attribute(u.attr).name.is(ans, alocal))
                .map(|u| model.attribute(u.attr).type_id);
        }
        if t.is_none() {
            t = model
                .global_attribute(ans, alocal)
                .map(|id| model.attribute(id).type_id);
        }
        let t = t.unwrap_or(model.any_simple_type());
        let ns = &self.ns;
        let resolve = |p: &str| ns.resolve_prefix(p);
        match simple::validate(model, t, avalue, &resolve) {
            Ok(v) => key_string(&v, t, model),
            Err(_) => format!("s:{avalue}"),
        }
    }

    fn set_field(&mut self, si: usize, sel: usize, fi: usize, v: String, pos: Pos) {
        if self.scopes[si].selected[sel].fields[fi].is_some() {
            let name = self.model.identity[self.scopes[si].ic as usize]
                .name
                .local
                .to_string();
            self.report(
                pos,
                "cvc-identity-constraint.3",
                format!("a field of '{name}' matches more than one value"),
                None,
                None,
            );
        }
        self.scopes[si].selected[sel].fields[fi] = Some(v);
    }

    fn identity_end(&mut self, depth: usize, value: Option<String>) {
        if self.scopes.is_empty() {
            return;
        }
        // Element-valued fields captured at their element's end.
        let mut i = 0;
        while i < self.pending_fields.len() {
            if self.pending_fields[i].depth == depth {
                let p = self.pending_fields.swap_remove(i);
                let pos = self.scopes[p.scope].selected[p.selected].pos;
                match &value {
                    Some(v) => self.set_field(p.scope, p.selected, p.field, v.clone(), pos),
                    None => {
                        let name = self.model.identity[self.scopes[p.scope].ic as usize]
                            .name
                            .local
                            .to_string();
                        let fpos = self.frames[depth - 1].pos;
                        self.report(
                            fpos,
                            "cvc-identity-constraint.3",
                            format!(
                                "a field of '{name}' selects an element without a simple value"
                            ),
                            None,
                            None,
                        );
                    }
                }
            } else {
                i += 1;
            }
        }
        // Selections that end here become rows.
        for si in 0..self.scopes.len() {
            let mut k = 0;
            while k < self.scopes[si].selected.len() {
                if self.scopes[si].selected[k].depth == depth {
                    let sel = self.scopes[si].selected.remove(k);
                    // Pending fields index selections by position: fix indexes after removal.
                    for p in self.pending_fields.iter_mut() {
                        if p.scope == si && p.selected > k {
                            p.selected -= 1;
                        }
                    }
                    self.add_row(si, sel);
                } else {
                    k += 1;
                }
            }
        }
        // Scopes owned by this element close.
        let owned = self.frames.get(depth - 1).map_or(0, |f| f.ic_scopes);
        if owned > 0 {
            let start = self.scopes.len() - owned;
            let closing: Vec<IcScope> = self.scopes.drain(start..).collect();
            self.pending_fields.retain(|p| p.scope < start);
            // Keys first, so keyrefs on the same element see them.
            for sc in &closing {
                if !matches!(self.model.identity[sc.ic as usize].kind, IcKind::KeyRef(_)) {
                    self.closed
                        .push((sc.ic, depth, sc.rows.iter().map(|r| r.0.clone()).collect()));
                }
            }
            for sc in &closing {
                if let IcKind::KeyRef(target) = self.model.identity[sc.ic as usize].kind {
                    let available: HashSet<&Vec<String>> = self
                        .closed
                        .iter()
                        .filter(|(ic, d, _)| *ic == target && *d >= depth)
                        .flat_map(|(_, _, rows)| rows.iter())
                        .collect();
                    for (row, pos, path) in &sc.rows {
                        if !available.contains(row) {
                            let name = self.model.identity[sc.ic as usize].name.local.to_string();
                            let shown = row
                                .iter()
                                .map(|s| s.split_once(':').map_or(s.as_str(), |(_, v)| v))
                                .collect::<Vec<_>>()
                                .join(", ");
                            if self.findings.len() < self.max_findings {
                                self.findings.push(Finding {
                                    line: pos.line,
                                    column: pos.column,
                                    path: path.clone(),
                                    constraint: "cvc-identity-constraint.4.3".into(),
                                    message: format!(
                                        "keyref '{name}': no matching key for ({shown})"
                                    ),
                                    value: Some(shown),
                                    expected: None,
                                });
                            }
                        }
                    }
                }
            }
        }
        // Tables of closed descendants move up to the parent.
        for c in self.closed.iter_mut() {
            if c.1 >= depth {
                c.1 = depth - 1;
            }
        }
        if depth == 1 {
            self.closed.clear();
        }
    }

    fn add_row(&mut self, si: usize, sel: Selected) {
        let ic = &self.model.identity[self.scopes[si].ic as usize];
        let name = ic.name.local.to_string();
        if sel.fields.iter().any(|f| f.is_none()) {
            if ic.kind == IcKind::Key && self.findings.len() < self.max_findings {
                {
                    self.findings.push(Finding {
                        line: sel.pos.line,
                        column: sel.pos.column,
                        path: sel.path,
                        constraint: "cvc-identity-constraint.4.2.1".into(),
                        message: format!("key '{name}': a field has no value"),
                        value: None,
                        expected: None,
                    });
                }
            }
            return;
        }
        let row: Vec<String> = sel
            .fields
            .into_iter()
            .map(|f| f.expect("checked"))
            .collect();
        if !matches!(ic.kind, IcKind::KeyRef(_)) && !self.scopes[si].keys.insert(row.clone()) {
            let shown = row
                .iter()
                .map(|s| s.split_once(':').map_or(s.as_str(), |(_, v)| v))
                .collect::<Vec<_>>()
                .join(", ");
            let kind = if ic.kind == IcKind::Key {
                "key"
            } else {
                "unique"
            };
            if self.findings.len() < self.max_findings {
                self.findings.push(Finding {
                    line: sel.pos.line,
                    column: sel.pos.column,
                    path: sel.path.clone(),
                    constraint: "cvc-identity-constraint.4.2.2".into(),
                    message: format!("{kind} '{name}': duplicate value ({shown})"),
                    value: Some(shown),
                    expected: None,
                });
            }
        }
        self.scopes[si].rows.push((row, sel.pos, sel.path));
    }

    fn finish(&mut self) {
        let idrefs = std::mem::take(&mut self.idrefs);
        for (r, pos, path) in idrefs {
            if !self.ids.contains(&r) && self.findings.len() < self.max_findings {
                self.findings.push(Finding {
                    line: pos.line,
                    column: pos.column,
                    path,
                    constraint: "cvc-id.1".into(),
                    message: format!("IDREF '{r}' does not match any ID in the document"),
                    value: Some(r),
                    expected: None,
                });
            }
        }
    }
}

enum Decision {
    Envelope(u8),
    Skip,
    Lax,
    Element(ElemId),
    Type(TypeId),
}

fn local_of(qname: &str) -> &str {
    qname.split_once(':').map_or(qname, |(_, l)| l)
}

fn display_name(ns: Option<&str>, local: &str) -> String {
    match ns {
        Some(ns) => format!("{{{ns}}}{local}"),
        None => local.to_string(),
    }
}

fn describe_expected(model: &Model, terms: &[u32]) -> String {
    if terms.is_empty() {
        return "end of element".into();
    }
    let labels: Vec<String> = terms.iter().map(|t| model.term_label(*t)).collect();
    if labels.len() == 1 {
        labels[0].clone()
    } else {
        format!("one of ({})", labels.join(", "))
    }
}

/// Does a relative element path (names below the scope/selection) match an IC path?
fn path_matches(p: &IcPath, rel: &[(Option<String>, String)]) -> bool {
    if p.descendant {
        if rel.len() < p.steps.len() {
            return false;
        }
        let tail = &rel[rel.len() - p.steps.len()..];
        if p.steps.is_empty() {
            return !rel.is_empty() || p.attribute.is_some();
        }
        p.steps
            .iter()
            .zip(tail)
            .all(|(s, (ns, l))| s.matches(ns.as_deref(), l))
    } else {
        rel.len() == p.steps.len()
            && p.steps
                .iter()
                .zip(rel)
                .all(|(s, (ns, l))| s.matches(ns.as_deref(), l))
    }
}

/// ID-ness of a type: ID, IDREF (or a list of IDREFs).
fn id_kind(model: &Model, t: TypeId) -> Option<Builtin> {
    model.flags(t).id_kind
}

/// ID-ness of a type, worked out once per type when the model is built.
pub(crate) fn compute_id_kind(model: &Model, t: TypeId) -> Option<Builtin> {
    let mut cur = t;
    for _ in 0..64 {
        let TypeDef::Simple(st) = model.ty(cur) else {
            return None;
        };
        match (st.builtin, &st.variety) {
            (Some(Builtin::Id), _) => return Some(Builtin::Id),
            (Some(Builtin::IdRef), _) | (Some(Builtin::IdRefs), _) => return Some(Builtin::IdRef),
            (Some(_), _) => return None,
            (None, Variety::List(item)) => {
                return compute_id_kind(model, *item).filter(|k| *k == Builtin::IdRef);
            }
            (None, _) => cur = st.base?,
        }
    }
    None
}

/// Identity-constraint keys compare values in their value space, per primitive type.
fn key_string(v: &Value, t: TypeId, model: &Model) -> String {
    let family = match model.ty(t) {
        TypeDef::Simple(st) => match &st.variety {
            Variety::Atomic(b) => b.primitive().local_name(),
            Variety::List(_) => "list",
            Variety::Union(_) => "union",
        },
        TypeDef::Complex(_) => "string",
    };
    format!("{family}:{}", datatypes::canonical(v))
}
