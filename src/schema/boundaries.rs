//! The boundary engine: test cases derived from the facets of an operation's input message.
//!
//! Every constrained element and attribute of the input message (those in the base message,
//! and optional ones the base lacks, which are inserted first) gets cases at the edges of
//! its facets: lengths at min−1/min/max/max+1 and empty, pattern samples and near misses,
//! totalDigits/fractionDigits edges, numeric and temporal bounds ±1 unit in exact
//! arithmetic, every enumeration value and one outside, date edge cases, occurrences
//! (missing, minOccurs−1, maxOccurs+1) and nil. One element is varied at a time from a
//! valid base message (the operation's example, else a generated one).
//!
//! Nothing is trusted: every case is re-validated by the engine as a whole message. A case
//! meant to be invalid must fail with exactly the intended constraint at the intended
//! element; a case meant to be valid must validate. Otherwise it is dropped and reported
//! (so are cases that cannot be built without breaking a second facet, and those over the
//! per-element cap).

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use super::datatypes::{self, Builtin, Value};
use super::generate::{
    Effective, Fields, GenError, GenOptions, Generator, Rng, XmlAttr, XmlElement, XmlNode,
    decimal_step, duration_step, effective, fit_text, float_step, format_float, pattern_hir,
    sample_hir,
};
use super::model::*;
use super::simple::{self, SimpleError};
use super::wsdl::{Contract, SoapVersion};
use super::{Finding, content_model::Particle};
use crate::xml::XSI_NS;

// ---------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------

/// How to derive cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundaryOptions {
    /// Varies sample values and near misses; same seed, same cases.
    pub seed: u64,
    /// Most cases kept per element or attribute (the rest are reported as dropped).
    pub max_per_element: usize,
    /// Largest occurrence count a maxOccurs+1 case may build.
    pub max_copies: u32,
}

impl Default for BoundaryOptions {
    fn default() -> Self {
        BoundaryOptions {
            seed: 0,
            max_per_element: 40,
            max_copies: 100,
        }
    }
}

/// What a case targets.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum CaseKind {
    Length,
    MinLength,
    MaxLength,
    Empty,
    Pattern,
    TotalDigits,
    FractionDigits,
    MinInclusive,
    MaxInclusive,
    MinExclusive,
    MaxExclusive,
    Enumeration,
    Date,
    Fixed,
    MissingRequired,
    MinOccurs,
    MaxOccurs,
    Nil,
}

impl CaseKind {
    pub const ALL: [CaseKind; 18] = [
        CaseKind::Length,
        CaseKind::MinLength,
        CaseKind::MaxLength,
        CaseKind::Empty,
        CaseKind::Pattern,
        CaseKind::TotalDigits,
        CaseKind::FractionDigits,
        CaseKind::MinInclusive,
        CaseKind::MaxInclusive,
        CaseKind::MinExclusive,
        CaseKind::MaxExclusive,
        CaseKind::Enumeration,
        CaseKind::Date,
        CaseKind::Fixed,
        CaseKind::MissingRequired,
        CaseKind::MinOccurs,
        CaseKind::MaxOccurs,
        CaseKind::Nil,
    ];

    /// The name used in listings (the facet's own spelling where there is one).
    pub fn name(self) -> &'static str {
        match self {
            CaseKind::Length => "length",
            CaseKind::MinLength => "minLength",
            CaseKind::MaxLength => "maxLength",
            CaseKind::Empty => "empty",
            CaseKind::Pattern => "pattern",
            CaseKind::TotalDigits => "totalDigits",
            CaseKind::FractionDigits => "fractionDigits",
            CaseKind::MinInclusive => "minInclusive",
            CaseKind::MaxInclusive => "maxInclusive",
            CaseKind::MinExclusive => "minExclusive",
            CaseKind::MaxExclusive => "maxExclusive",
            CaseKind::Enumeration => "enumeration",
            CaseKind::Date => "date",
            CaseKind::Fixed => "fixed",
            CaseKind::MissingRequired => "missing",
            CaseKind::MinOccurs => "minOccurs",
            CaseKind::MaxOccurs => "maxOccurs",
            CaseKind::Nil => "nil",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    Valid,
    Invalid,
}

/// The finding an invalid case must produce.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExpectedFinding {
    pub constraint: String,
    /// The element the finding must point at.
    pub path: String,
}

impl ExpectedFinding {
    /// Exactly this reason: the constraint is reported at the element, nothing else is
    /// reported there, and nothing outside it. Findings inside the element are follow-on
    /// errors of the same change (an unexpected element is still validated on its own,
    /// a nil element's children are each reported).
    pub fn matches(&self, findings: &[Finding]) -> bool {
        let inside = format!("{}/", self.path);
        findings
            .iter()
            .any(|f| f.path == self.path && f.constraint == self.constraint)
            && findings.iter().all(|f| {
                (f.path == self.path && f.constraint == self.constraint)
                    || f.path.starts_with(&inside)
            })
    }
}

/// One boundary case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Case {
    /// Stable for a seed: `017-Bilagstekst-maxLength+1`.
    pub id: String,
    /// The element or attribute varied (`…/fin:Part/@type` for attributes).
    pub path: String,
    pub kind: CaseKind,
    /// What exactly, e.g. `maxLength+1`, `minInclusive-1unit`, `leap day`.
    pub label: String,
    /// The value used (None for occurrence cases).
    pub value: Option<String>,
    pub expect: Expect,
    /// The constraint the case targets, e.g. `cvc-maxLength-valid`.
    pub constraint: String,
    /// For invalid cases: what the engine reported, verified.
    pub finding: Option<ExpectedFinding>,
    /// The base lacked this element or attribute: the case's base is the base with it
    /// inserted (validly), and the case varies it there.
    pub inserted: bool,
    /// The whole message (the base with this one change).
    pub message: String,
}

/// Why a case is not in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropStage {
    /// No value breaks this facet alone (another facet or the datatype breaks first).
    Unreachable,
    /// The engine's verdict on the whole message differs from the intention.
    Revalidation,
    /// More cases for the element than the cap.
    Cap,
    /// The message would be too large (maxOccurs+1 of a large maxOccurs).
    TooLarge,
    /// The element or attribute is absent from the base and could not be inserted validly.
    NotInsertable,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Dropped {
    pub path: String,
    pub kind: CaseKind,
    pub label: String,
    pub value: Option<String>,
    pub expect: Expect,
    pub constraint: String,
    pub stage: DropStage,
    pub reason: String,
    /// What the engine reported (revalidation drops): `constraint at path`.
    pub reported: Vec<String>,
}

/// All cases for one operation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BoundaryReport {
    pub operation: String,
    /// The input element, `{namespace}local`.
    pub input: String,
    pub seed: u64,
    /// `example` or `generated`.
    pub base_source: String,
    pub base: String,
    /// Elements and attributes varied.
    pub targets: usize,
    pub cases: Vec<Case>,
    pub dropped: Vec<Dropped>,
}

impl BoundaryReport {
    /// Cases per kind: (valid, invalid).
    pub fn counts(&self) -> BTreeMap<CaseKind, (usize, usize)> {
        let mut m = BTreeMap::new();
        for c in &self.cases {
            let e = m.entry(c.kind).or_insert((0, 0));
            match c.expect {
                Expect::Valid => e.0 += 1,
                Expect::Invalid => e.1 += 1,
            }
        }
        m
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum BoundaryError {
    #[error("unknown operation '{name}'; the contract has: {}", available.join(", "))]
    UnknownOperation {
        name: String,
        available: Vec<String>,
    },
    #[error("operation '{0}' has no input message element")]
    NoInput(String),
    #[error("the example is not well-formed XML: {0}")]
    NotXml(String),
    #[error("the example does not carry {expected} (found {found})")]
    WrongPayload { expected: String, found: String },
    #[error("the base message is not valid ({} finding(s)); fix it first", findings.len())]
    InvalidBase { findings: Vec<Finding> },
    #[error(transparent)]
    Generate(#[from] GenError),
}

/// Derive the boundary cases of `operation`'s input message.
pub fn boundary_cases(
    contract: &Contract,
    operation: &str,
    example: Option<&[u8]>,
    opts: &BoundaryOptions,
) -> Result<BoundaryReport, BoundaryError> {
    let op = contract
        .operation(operation)
        .ok_or_else(|| BoundaryError::UnknownOperation {
            name: operation.to_string(),
            available: contract.operations.iter().map(|o| o.name.clone()).collect(),
        })?;
    let input = op
        .input
        .clone()
        .ok_or_else(|| BoundaryError::NoInput(operation.to_string()))?;
    let model = contract.schemas.model();
    let input_decl = model
        .global_element(input.ns_str(), &input.local)
        .ok_or_else(|| BoundaryError::NoInput(operation.to_string()))?;
    let g = Generator::new(model);
    let (doc, payload, soap, source) = match example {
        Some(bytes) => {
            let doc = XmlElement::parse(bytes).map_err(|e| BoundaryError::NotXml(e.to_string()))?;
            let (payload, soap) = find_payload(&doc, &input)?;
            (doc, payload, soap, "example")
        }
        None => {
            let payload = g.element(
                input_decl,
                &GenOptions {
                    seed: opts.seed,
                    ..GenOptions::default()
                },
            )?;
            let soap_ns = op.soap.unwrap_or(SoapVersion::Soap11).envelope_ns();
            let env = XmlElement {
                prefix: Some("soapenv".into()),
                local: "Envelope".into(),
                ns: Some(soap_ns.into()),
                decls: vec![("soapenv".into(), soap_ns.into())],
                attrs: vec![],
                children: vec![XmlNode::Element(XmlElement {
                    prefix: Some("soapenv".into()),
                    local: "Body".into(),
                    ns: Some(soap_ns.into()),
                    children: vec![XmlNode::Element(payload)],
                    ..XmlElement::default()
                })],
            };
            (env, vec![0, 0], true, "generated")
        }
    };
    let mut engine = Engine {
        contract,
        model,
        g,
        soap,
        opts: *opts,
        targets: Vec::new(),
        seen: HashSet::new(),
        dropped: Vec::new(),
    };
    let base = Rc::new(doc);
    let v = engine.validate(&base);
    if !v.is_empty() {
        return Err(BoundaryError::InvalidBase { findings: v });
    }
    // Pass 1: what the base has; pass 2: what it lacks (inserted, one at a time).
    engine.discover(&base, &payload, input_decl, None);
    engine.absent(&base, &payload, input_decl, 0);
    let mut cases = Vec::new();
    for (i, t) in std::mem::take(&mut engine.targets).iter().enumerate() {
        engine.cases_for(t, i as u64, &mut cases);
    }
    for (n, c) in cases.iter_mut().enumerate() {
        c.id = format!("{:03}-{}", n + 1, c.id);
    }
    Ok(BoundaryReport {
        operation: operation.to_string(),
        input: input.to_string(),
        seed: opts.seed,
        base_source: source.to_string(),
        base: render(&base),
        targets: engine.seen.len(),
        cases,
        dropped: engine.dropped,
    })
}

fn find_payload(doc: &XmlElement, input: &QName) -> Result<(Vec<usize>, bool), BoundaryError> {
    let is_soap = doc.local == "Envelope"
        && matches!(
            doc.ns.as_deref(),
            Some(super::validate::SOAP11_NS | super::validate::SOAP12_NS)
        );
    let wrong = |found: String| BoundaryError::WrongPayload {
        expected: input.to_string(),
        found,
    };
    if !is_soap {
        return if doc.is(input.ns_str(), &input.local) {
            Ok((vec![], false))
        } else {
            Err(wrong(format!("root element {}", qname_of(doc))))
        };
    }
    let body = doc
        .elements()
        .find(|(_, e)| e.local == "Body" && e.ns == doc.ns)
        .ok_or_else(|| wrong("no SOAP Body".into()))?;
    let payload = body
        .1
        .elements()
        .find(|(_, e)| e.is(input.ns_str(), &input.local))
        .ok_or_else(|| {
            wrong(
                body.1
                    .elements()
                    .map(|(_, e)| qname_of(e))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })?;
    Ok((vec![body.0, payload.0], true))
}

fn qname_of(e: &XmlElement) -> String {
    QName::new(e.ns.as_deref(), &e.local).to_string()
}

fn render(doc: &XmlElement) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        doc.to_xml()
    )
}

// ---------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------

/// Where an element occurs in its parent's content model.
#[derive(Debug, Clone, Copy)]
struct Occurs {
    min: u32,
    max: Option<u32>,
    /// Inside xs:all: a missing element is noticed at the parent's end.
    in_all: bool,
}

#[derive(Debug, Clone)]
struct AttrTarget {
    decl: AttrId,
    required: bool,
    constraint: Option<ValueConstraint>,
}

#[derive(Debug, Clone)]
struct Target {
    doc: Rc<XmlElement>,
    /// The element (or the attribute's owner).
    addr: Vec<usize>,
    decl: ElemId,
    /// The governing type (after xsi:type).
    ty: TypeId,
    attr: Option<AttrTarget>,
    /// None for the payload root and for elements inside choices or repeated groups.
    occurs: Option<Occurs>,
    /// Inserted into the base for this target (or its attribute added).
    inserted: bool,
}

/// A term of a content model with its occurrence, as it appears in the type.
#[derive(Debug, Clone, Copy)]
struct TermOcc {
    term: u32,
    min: u32,
    max: Option<u32>,
    /// Inside a choice or a repeated group: occurrences are not the term's alone.
    plain: bool,
    in_all: bool,
    /// The innermost choice around the term (numbered in document order) and which of its
    /// alternatives holds the term.
    choice: Option<(u32, usize)>,
}

struct Walk<'m> {
    out: Vec<TermOcc>,
    /// The choice particles, by number.
    choices: Vec<&'m Particle>,
}

fn term_occurrences<'m>(
    p: &'m Particle,
    plain: bool,
    in_all: bool,
    choice: Option<(u32, usize)>,
    w: &mut Walk<'m>,
) {
    match p {
        Particle::Term { term, min, max } => w.out.push(TermOcc {
            term: *term,
            min: *min,
            max: *max,
            plain,
            in_all,
            choice,
        }),
        Particle::Sequence { items, min, max } => {
            let single = *min == 1 && *max == Some(1);
            for i in items {
                term_occurrences(i, plain && single, in_all, choice, w);
            }
        }
        Particle::All { items, min, max } => {
            let single = *min == 1 && *max == Some(1);
            for i in items {
                term_occurrences(i, plain && single, true, choice, w);
            }
        }
        Particle::Choice { items, min, max } => {
            let single = items.len() == 1 && *min == 1 && *max == Some(1);
            let id = w.choices.len() as u32;
            w.choices.push(p);
            for (k, i) in items.iter().enumerate() {
                term_occurrences(i, plain && single, in_all, Some((id, k)), w);
            }
        }
    }
}

fn type_terms(model: &Model, t: TypeId) -> Vec<TermOcc> {
    type_walk(model, t).out
}

fn type_walk(model: &Model, t: TypeId) -> Walk<'_> {
    let mut w = Walk {
        out: Vec::new(),
        choices: Vec::new(),
    };
    if let TypeDef::Complex(ComplexType {
        content: Content::Elements {
            particle: Some(p), ..
        },
        ..
    }) = model.ty(t)
    {
        term_occurrences(p, true, false, None, &mut w);
    }
    w
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Element(ElemId),
    Attribute(ElemId, AttrId),
}

struct Engine<'c> {
    contract: &'c Contract,
    model: &'c Model,
    g: Generator<'c>,
    soap: bool,
    opts: BoundaryOptions,
    targets: Vec<Target>,
    seen: HashSet<Key>,
    dropped: Vec<Dropped>,
}

fn element_at<'a>(doc: &'a XmlElement, addr: &[usize]) -> Option<&'a XmlElement> {
    let mut cur = doc;
    for &i in addr {
        cur = match cur.children.get(i)? {
            XmlNode::Element(e) => e,
            XmlNode::Text(_) => return None,
        };
    }
    Some(cur)
}

fn element_at_mut<'a>(doc: &'a mut XmlElement, addr: &[usize]) -> Option<&'a mut XmlElement> {
    let mut cur = doc;
    for &i in addr {
        cur = match cur.children.get_mut(i)? {
            XmlNode::Element(e) => e,
            XmlNode::Text(_) => return None,
        };
    }
    Some(cur)
}

/// The path the validator reports for an element: names as written, `[n]` among
/// same-named siblings from the second on.
fn path_of(doc: &XmlElement, addr: &[usize]) -> String {
    let mut s = format!("/{}", doc.qname());
    let mut cur = doc;
    for &i in addr {
        let Some(XmlNode::Element(child)) = cur.children.get(i) else {
            break;
        };
        let q = child.qname();
        let n = 1 + cur.children[..i]
            .iter()
            .filter(|c| matches!(c, XmlNode::Element(e) if e.qname() == q))
            .count();
        s.push('/');
        s.push_str(&q);
        if n > 1 {
            s.push_str(&format!("[{n}]"));
        }
        cur = child;
    }
    s
}

/// Namespace bindings in scope at an element (prefix, namespace).
fn scope_at(doc: &XmlElement, addr: &[usize]) -> Vec<(String, String)> {
    let mut scope = vec![("xml".to_string(), crate::xml::XML_NS.to_string())];
    let mut cur = doc;
    scope.extend(cur.decls.iter().cloned());
    for &i in addr {
        let Some(XmlNode::Element(child)) = cur.children.get(i) else {
            break;
        };
        scope.extend(child.decls.iter().cloned());
        cur = child;
    }
    scope
}

fn resolve_in(scope: &[(String, String)], p: &str) -> Option<String> {
    match scope.iter().rev().find(|(q, _)| q == p) {
        Some((_, u)) if u.is_empty() && !p.is_empty() => None,
        Some((_, u)) => Some(u.clone()),
        None if p.is_empty() => Some(String::new()),
        None => None,
    }
}

/// A prefix bound to `ns` at the element, declaring one there when none is in scope.
fn ensure_prefix(doc: &mut XmlElement, addr: &[usize], ns: &str, hint: &str) -> String {
    let scope = scope_at(doc, addr);
    if let Some((p, _)) = scope
        .iter()
        .rev()
        .find(|(p, u)| u == ns && !p.is_empty())
        .filter(|(p, _)| resolve_in(&scope, p).as_deref() == Some(ns))
    {
        return p.clone();
    }
    let mut p = hint.to_string();
    let mut n = 2;
    while scope.iter().any(|(q, _)| *q == p) {
        p = format!("{hint}{n}");
        n += 1;
    }
    if let Some(el) = element_at_mut(doc, addr) {
        el.decls.push((p.clone(), ns.to_string()));
    }
    p
}

impl Engine<'_> {
    fn validate(&self, doc: &XmlElement) -> Vec<Finding> {
        let text = render(doc);
        if self.soap {
            self.contract
                .schemas
                .validate_soap(text.as_bytes())
                .0
                .findings
        } else {
            self.contract
                .schemas
                .validate_document(text.as_bytes())
                .findings
        }
    }

    /// The type an element is validated against (its xsi:type when it names one).
    fn actual_type(&self, el: &XmlElement, decl: ElemId, scope: &[(String, String)]) -> TypeId {
        let declared = self.model.element(decl).type_id;
        if let Some(v) = el.attr(Some(XSI_NS), "type") {
            let (p, local) = crate::xml::split_qname(v.trim());
            if let Some(ns) = resolve_in(scope, p.unwrap_or("")) {
                let q = QName::new((!ns.is_empty()).then_some(ns.as_str()), local);
                if let Some(t) = self.model.global_type(&q) {
                    return t;
                }
            }
        }
        declared
    }

    /// The declaration and occurrence of a child element of a parent of type `parent_t`.
    fn child_decl(&self, parent_t: TypeId, child: &XmlElement) -> Option<(ElemId, Option<Occurs>)> {
        for occ in type_terms(self.model, parent_t) {
            match &self.model.terms[occ.term as usize] {
                Term::Element { names, .. } => {
                    if let Some((_, e)) = names
                        .iter()
                        .find(|(q, _)| q.is(child.ns.as_deref(), &child.local))
                    {
                        let occurs = occ.plain.then_some(Occurs {
                            min: occ.min,
                            max: occ.max,
                            in_all: occ.in_all,
                        });
                        return Some((*e, occurs));
                    }
                }
                Term::Wildcard(w) => {
                    if w.allows(child.ns.as_deref()) && w.process != Process::Skip {
                        return self
                            .model
                            .global_element(child.ns.as_deref(), &child.local)
                            .map(|e| (e, None));
                    }
                }
            }
        }
        None
    }

    /// Register the element at `addr` and its attributes (and its descendants) as targets.
    fn discover(
        &mut self,
        doc: &Rc<XmlElement>,
        addr: &[usize],
        decl: ElemId,
        occurs: Option<Occurs>,
    ) {
        self.discover_marked(doc, addr, decl, occurs, false);
    }

    fn discover_marked(
        &mut self,
        doc: &Rc<XmlElement>,
        addr: &[usize],
        decl: ElemId,
        occurs: Option<Occurs>,
        inserted: bool,
    ) {
        let Some(el) = element_at(doc, addr) else {
            return;
        };
        let scope = scope_at(doc, addr);
        let ty = self.actual_type(el, decl, &scope);
        if self.seen.insert(Key::Element(decl)) {
            self.targets.push(Target {
                doc: doc.clone(),
                addr: addr.to_vec(),
                decl,
                ty,
                attr: None,
                occurs,
                inserted,
            });
        }
        if let TypeDef::Complex(ct) = self.model.ty(ty) {
            for u in &ct.attributes {
                let d = self.model.attribute(u.attr);
                let present = el.attr(d.name.ns_str(), &d.name.local).is_some();
                if (present || u.required) && self.seen.insert(Key::Attribute(decl, u.attr)) {
                    self.targets.push(Target {
                        doc: doc.clone(),
                        addr: addr.to_vec(),
                        decl,
                        ty,
                        attr: Some(AttrTarget {
                            decl: u.attr,
                            required: u.required,
                            constraint: u.constraint.clone().or_else(|| d.constraint.clone()),
                        }),
                        occurs,
                        inserted,
                    });
                }
            }
        }
        if el
            .attr(Some(XSI_NS), "nil")
            .is_some_and(|v| v.trim() == "true" || v.trim() == "1")
        {
            return;
        }
        let children: Vec<(usize, ElemId, Option<Occurs>)> = el
            .elements()
            .filter_map(|(i, c)| self.child_decl(ty, c).map(|(d, o)| (i, d, o)))
            .collect();
        for (i, d, o) in children {
            let mut a = addr.to_vec();
            a.push(i);
            self.discover_marked(doc, &a, d, o, inserted);
        }
    }

    /// Insert what the base lacks (optional elements, other choice alternatives, optional
    /// attributes), one at a time, and register them with that variant as their base.
    fn absent(&mut self, doc: &Rc<XmlElement>, addr: &[usize], decl: ElemId, depth: usize) {
        if depth > 24 {
            return;
        }
        let Some(el) = element_at(doc, addr) else {
            return;
        };
        if el.attr(Some(XSI_NS), "nil").is_some() {
            return;
        }
        let scope = scope_at(doc, addr);
        let ty = self.actual_type(el, decl, &scope);
        let TypeDef::Complex(ct) = self.model.ty(ty) else {
            return;
        };
        // Optional attributes.
        for u in &ct.attributes {
            let d = self.model.attribute(u.attr);
            if el.attr(d.name.ns_str(), &d.name.local).is_some()
                || self.seen.contains(&Key::Attribute(decl, u.attr))
            {
                continue;
            }
            let c = u.constraint.clone().or_else(|| d.constraint.clone());
            let value = match &c {
                Some(c) => Ok((c.lexical().to_string(), vec![])),
                None => self
                    .g
                    .value_in_scope(d.type_id, self.opts.seed, true, &scope),
            };
            let label = format!("{}/@{}", path_of(doc, addr), d.name.local);
            let mut variant = (**doc).clone();
            let inserted = value.ok().and_then(|(v, decls)| {
                let prefix = d
                    .name
                    .ns_str()
                    .map(|ns| ensure_prefix(&mut variant, addr, ns, "a"));
                let e = element_at_mut(&mut variant, addr)?;
                e.decls.extend(decls);
                e.attrs.push(XmlAttr {
                    prefix,
                    local: d.name.local.to_string(),
                    ns: d.name.ns_str().map(str::to_string),
                    value: v,
                });
                self.validate(&variant).is_empty().then_some(())
            });
            self.seen.insert(Key::Attribute(decl, u.attr));
            match inserted {
                Some(()) => self.targets.push(Target {
                    doc: Rc::new(variant),
                    addr: addr.to_vec(),
                    decl,
                    ty,
                    attr: Some(AttrTarget {
                        decl: u.attr,
                        required: u.required,
                        constraint: c,
                    }),
                    occurs: None,
                    inserted: true,
                }),
                None => self.not_insertable(label, "no valid value could be added"),
            }
        }
        // Child elements, present ones first (their own absent descendants).
        let present: Vec<(usize, ElemId)> = el
            .elements()
            .filter_map(|(i, c)| self.child_decl(ty, c).map(|(d, _)| (i, d)))
            .collect();
        for &(i, d) in &present {
            let mut a = addr.to_vec();
            a.push(i);
            self.absent(doc, &a, d, depth + 1);
        }
        let terms = type_terms(self.model, ty);
        for (k, occ) in terms.iter().enumerate() {
            let Term::Element { decl: tdecl, names } = &self.model.terms[occ.term as usize] else {
                continue;
            };
            if present
                .iter()
                .any(|(_, d)| names.iter().any(|(_, e)| e == d))
            {
                continue;
            }
            let Some(child) = std::iter::once(*tdecl)
                .chain(names.iter().map(|(_, e)| *e))
                .find(|e| !self.model.element(*e).abstract_)
            else {
                continue;
            };
            if self.seen.contains(&Key::Element(child)) {
                continue;
            }
            let label = format!(
                "{}/{}",
                path_of(doc, addr),
                self.model.element(child).name.local
            );
            match self.insert(doc, addr, ty, child, k, &scope) {
                Some((variant, child_addr)) => {
                    let variant = Rc::new(variant);
                    let occurs = occ.plain.then_some(Occurs {
                        min: occ.min,
                        max: occ.max,
                        in_all: occ.in_all,
                    });
                    self.discover_marked(&variant, &child_addr, child, occurs, true);
                    self.absent(&variant, &child_addr, child, depth + 1);
                }
                None => {
                    self.seen.insert(Key::Element(child));
                    self.not_insertable(label, "no position in the base message accepts it");
                }
            }
        }
    }

    fn not_insertable(&mut self, path: String, why: &str) {
        self.dropped.push(Dropped {
            path,
            kind: CaseKind::MissingRequired,
            label: "insert".into(),
            value: None,
            expect: Expect::Valid,
            constraint: "cvc-complex-type.2.4".into(),
            stage: DropStage::NotInsertable,
            reason: format!("absent from the base message and {why}; its facets are not varied"),
            reported: Vec::new(),
        });
    }

    /// A variant of the base with a generated `child` inside the element at `addr`: at the
    /// position its content model says, else anywhere that validates, else in place of a
    /// sibling (another alternative of a choice).
    fn insert(
        &self,
        doc: &Rc<XmlElement>,
        addr: &[usize],
        parent_type: TypeId,
        child: ElemId,
        k: usize,
        scope: &[(String, String)],
    ) -> Option<(XmlElement, Vec<usize>)> {
        let terms = &type_terms(self.model, parent_type);
        let opts = GenOptions {
            seed: self.opts.seed,
            fill_optional: true,
            max_depth: 3,
            realistic: true,
        };
        let new = self.g.element_in_scope(child, &opts, scope).ok()?;
        let parent = element_at(doc, addr)?;
        // After the last present child whose term comes before this one.
        let before: Vec<u32> = terms[..k].iter().map(|t| t.term).collect();
        let mut preferred = 0;
        for (i, c) in parent.elements() {
            let is_before = before.iter().any(|&t| match &self.model.terms[t as usize] {
                Term::Element { names, .. } => {
                    names.iter().any(|(q, _)| q.is(c.ns.as_deref(), &c.local))
                }
                Term::Wildcard(_) => false,
            });
            if is_before {
                preferred = i + 1;
            }
        }
        let mut positions = vec![preferred];
        positions.extend(parent.elements().map(|(i, _)| i));
        positions.push(parent.children.len());
        let mut tried = HashSet::new();
        for pos in positions {
            if !tried.insert(pos) {
                continue;
            }
            let mut variant = (**doc).clone();
            element_at_mut(&mut variant, addr)?
                .children
                .insert(pos, XmlNode::Element(new.clone()));
            if self.validate(&variant).is_empty() {
                let mut a = addr.to_vec();
                a.push(pos);
                return Some((variant, a));
            }
        }
        for (i, _) in parent.elements() {
            let mut variant = (**doc).clone();
            element_at_mut(&mut variant, addr)?.children[i] = XmlNode::Element(new.clone());
            if self.validate(&variant).is_empty() {
                let mut a = addr.to_vec();
                a.push(i);
                return Some((variant, a));
            }
        }
        // Another alternative of a choice: the whole alternative (generated with its
        // optional content) in place of everything the chosen one holds.
        let (choice, branch) = terms[k].choice?;
        let rivals: Vec<usize> = parent
            .elements()
            .filter(|(_, c)| {
                terms.iter().any(|t| {
                    t.choice.is_some_and(|(id, _)| id == choice)
                        && matches!(&self.model.terms[t.term as usize], Term::Element { names, .. }
                            if names.iter().any(|(q, _)| q.is(c.ns.as_deref(), &c.local)))
                })
            })
            .map(|(i, _)| i)
            .collect();
        let first = *rivals.first()?;
        let walk = type_walk(self.model, parent_type);
        let Particle::Choice { items, .. } = walk.choices.get(choice as usize)? else {
            return None;
        };
        let name = &self.model.element(child).name;
        let mut alternatives = vec![vec![new]];
        if let Ok(generated) = self.g.particle_in_scope(&items[branch], &opts, scope)
            && generated.iter().any(|e| e.is(name.ns_str(), &name.local))
        {
            alternatives.push(generated);
        }
        for alt in alternatives {
            let mut variant = (**doc).clone();
            let p = element_at_mut(&mut variant, addr)?;
            for &i in rivals.iter().rev() {
                p.children.remove(i);
                // The indentation before it goes too.
                if i > first
                    && matches!(p.children.get(i - 1), Some(XmlNode::Text(t)) if t.trim().is_empty())
                {
                    p.children.remove(i - 1);
                }
            }
            let at = alt.iter().position(|e| e.is(name.ns_str(), &name.local))?;
            for (j, e) in alt.into_iter().enumerate() {
                p.children.insert(first + j, XmlNode::Element(e));
            }
            if self.validate(&variant).is_empty() {
                let mut a = addr.to_vec();
                a.push(first + at);
                return Some((variant, a));
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------

/// Which facets a near-valid value may break (the one under test).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Except {
    Nothing,
    Length,
    Pattern,
    TotalDigits,
    FractionDigits,
    Enumeration,
    Bounds,
}

fn strip(f: &mut Facets, e: Except) {
    match e {
        Except::Nothing => {}
        Except::Length => {
            f.length = None;
            f.min_length = None;
            f.max_length = None;
        }
        Except::Pattern => f.patterns.clear(),
        Except::TotalDigits => f.total_digits = None,
        Except::FractionDigits => f.fraction_digits = None,
        Except::Enumeration => f.enumeration = None,
        Except::Bounds => {
            f.min_inclusive = None;
            f.max_inclusive = None;
            f.min_exclusive = None;
            f.max_exclusive = None;
        }
    }
}

/// A value change to try.
#[derive(Debug, Clone)]
struct Proposal {
    kind: CaseKind,
    label: String,
    value: Option<String>,
    expect: Expect,
    constraint: String,
    edit: Edit,
}

/// A case that could not be built: (kind, label, expect, constraint, reason).
type Unreachable = (CaseKind, String, Expect, String, String);

#[derive(Debug, Clone)]
enum Edit {
    /// The target's value (element text or attribute), with namespace declarations it needs.
    Value(String, Vec<(String, String)>),
    /// Remove the attribute.
    RemoveAttr,
    /// Keep `n` occurrences of the element among its same-named siblings.
    Occurrences(u32),
    /// xsi:nil="true", emptied or with the content kept.
    Nil { keep_content: bool },
}

impl Engine<'_> {
    fn cases_for(&mut self, t: &Target, index: u64, out: &mut Vec<Case>) {
        let mut rng = Rng::new(self.opts.seed.wrapping_mul(0x1000_0001) ^ index);
        let el = element_at(&t.doc, &t.addr).cloned().unwrap_or_default();
        let scope = scope_at(&t.doc, &t.addr);
        let elem_path = path_of(&t.doc, &t.addr);
        let decl = self.model.element(t.decl);
        let mut unreach = Vec::new();
        let (path, proposals) = match &t.attr {
            Some(a) => {
                let d = self.model.attribute(a.decl);
                let path = format!("{elem_path}/@{}", d.name.local);
                let mut ps = Vec::new();
                if a.required {
                    ps.push(Proposal {
                        kind: CaseKind::MissingRequired,
                        label: "attribute missing".into(),
                        value: None,
                        expect: Expect::Invalid,
                        constraint: "cvc-complex-type.4".into(),
                        edit: Edit::RemoveAttr,
                    });
                }
                let current = el.attr(d.name.ns_str(), &d.name.local).map(str::to_string);
                let fixed = a.constraint.as_ref().filter(|c| c.is_fixed());
                self.value_proposals(
                    d.type_id,
                    current,
                    fixed,
                    None,
                    true,
                    &scope,
                    &mut rng,
                    &mut ps,
                    &mut unreach,
                );
                (path, ps)
            }
            None => {
                let mut ps = Vec::new();
                if let Some(o) = t.occurs {
                    self.occurrence_proposals(t, o, &mut ps);
                }
                if decl.nillable {
                    let fixed = decl.constraint.as_ref().is_some_and(|c| c.is_fixed());
                    if !fixed {
                        ps.push(Proposal {
                            kind: CaseKind::Nil,
                            label: "nil".into(),
                            value: None,
                            expect: Expect::Valid,
                            constraint: "cvc-elt.3.2".into(),
                            edit: Edit::Nil {
                                keep_content: false,
                            },
                        });
                    }
                    let has_content =
                        !el.text().trim().is_empty() || el.elements().next().is_some();
                    if has_content {
                        ps.push(Proposal {
                            kind: CaseKind::Nil,
                            label: "nil with content".into(),
                            value: None,
                            expect: Expect::Invalid,
                            constraint: "cvc-elt.3.2.1".into(),
                            edit: Edit::Nil { keep_content: true },
                        });
                    }
                }
                if let Some(vt) = self.model.value_type(t.ty)
                    && el.elements().next().is_none()
                {
                    let current = Some(el.text());
                    let fixed = decl.constraint.as_ref().filter(|c| c.is_fixed());
                    let default = decl.constraint.as_ref().filter(|c| !c.is_fixed());
                    self.value_proposals(
                        vt,
                        current,
                        fixed,
                        default,
                        false,
                        &scope,
                        &mut rng,
                        &mut ps,
                        &mut unreach,
                    );
                }
                (elem_path.clone(), ps)
            }
        };
        let local = match &t.attr {
            Some(a) => self.model.attribute(a.decl).name.local.to_string(),
            None => decl.name.local.to_string(),
        };
        for (kind, label, expect, constraint, reason) in unreach {
            self.dropped.push(Dropped {
                path: path.clone(),
                kind,
                label,
                value: None,
                expect,
                constraint,
                stage: DropStage::Unreachable,
                reason,
                reported: Vec::new(),
            });
        }
        let mut kept = 0;
        let mut values_seen = HashSet::new();
        for p in proposals {
            // The same message twice is one case.
            if !values_seen.insert((format!("{:?}", p.edit), p.expect)) {
                continue;
            }
            let drop = |stage: DropStage, reason: String| Dropped {
                path: path.clone(),
                kind: p.kind,
                label: p.label.clone(),
                value: p.value.clone(),
                expect: p.expect,
                constraint: p.constraint.clone(),
                stage,
                reason,
                reported: Vec::new(),
            };
            if kept >= self.opts.max_per_element {
                self.dropped.push(drop(
                    DropStage::Cap,
                    format!(
                        "more than {} cases for this element",
                        self.opts.max_per_element
                    ),
                ));
                continue;
            }
            let Some((doc, expected)) = self.apply(t, &p) else {
                self.dropped.push(drop(
                    DropStage::Unreachable,
                    "the change cannot be applied to the base".into(),
                ));
                continue;
            };
            let findings = self.validate(&doc);
            let verdict = match (&p.expect, &expected) {
                (Expect::Valid, _) if findings.is_empty() => Ok(None),
                (Expect::Valid, _) => Err(format!(
                    "expected valid, the engine reports {}",
                    describe(&findings)
                )),
                (Expect::Invalid, Some(exp)) => {
                    if findings.is_empty() {
                        Err(format!(
                            "expected {} at {}, the engine reports the message valid",
                            exp.constraint, exp.path
                        ))
                    } else if exp.matches(&findings) {
                        Ok(Some(exp.clone()))
                    } else {
                        Err(format!(
                            "expected {} at {}, the engine reports {}",
                            exp.constraint,
                            exp.path,
                            describe(&findings)
                        ))
                    }
                }
                (Expect::Invalid, None) => Err("no expected finding".into()),
            };
            match verdict {
                Ok(finding) => {
                    kept += 1;
                    out.push(Case {
                        id: format!("{local}-{}", slug(&p.label)),
                        path: path.clone(),
                        kind: p.kind,
                        label: p.label,
                        value: p.value,
                        expect: p.expect,
                        constraint: p.constraint,
                        finding,
                        inserted: t.inserted,
                        message: render(&doc),
                    });
                }
                Err(reason) => {
                    let mut d = drop(DropStage::Revalidation, reason);
                    d.reported = findings
                        .iter()
                        .map(|f| format!("{} at {}", f.constraint, f.path))
                        .collect();
                    self.dropped.push(d);
                }
            }
        }
    }

    /// The message with the change, and the finding an invalid case must give.
    fn apply(&self, t: &Target, p: &Proposal) -> Option<(XmlElement, Option<ExpectedFinding>)> {
        let mut doc = (*t.doc).clone();
        let elem_path = path_of(&doc, &t.addr);
        let here = |c: &str| {
            Some(ExpectedFinding {
                constraint: c.to_string(),
                path: elem_path.clone(),
            })
        };
        match &p.edit {
            Edit::Value(v, decls) => {
                let el = element_at_mut(&mut doc, &t.addr)?;
                el.decls.extend(decls.iter().cloned());
                match &t.attr {
                    Some(a) => {
                        let d = self.model.attribute(a.decl);
                        let existing = el.attrs.iter_mut().find(|x| {
                            x.ns.as_deref() == d.name.ns_str() && x.local == *d.name.local
                        });
                        existing?.value = v.clone();
                    }
                    None => {
                        el.children = if v.is_empty() {
                            vec![]
                        } else {
                            vec![XmlNode::Text(v.clone())]
                        };
                    }
                }
                Some((doc, here(&p.constraint)))
            }
            Edit::RemoveAttr => {
                let d = self.model.attribute(t.attr.as_ref()?.decl);
                let el = element_at_mut(&mut doc, &t.addr)?;
                el.attrs
                    .retain(|x| !(x.ns.as_deref() == d.name.ns_str() && x.local == *d.name.local));
                Some((doc, here(&p.constraint)))
            }
            Edit::Nil { keep_content } => {
                let xsi = ensure_prefix(&mut doc, &t.addr, XSI_NS, "xsi");
                let el = element_at_mut(&mut doc, &t.addr)?;
                el.attrs
                    .retain(|a| !(a.ns.as_deref() == Some(XSI_NS) && a.local == "nil"));
                el.attrs.push(XmlAttr {
                    prefix: Some(xsi),
                    local: "nil".into(),
                    ns: Some(XSI_NS.into()),
                    value: "true".into(),
                });
                if !keep_content {
                    el.children.clear();
                }
                Some((doc, here(&p.constraint)))
            }
            Edit::Occurrences(n) => {
                let (parent_addr, me) = t.addr.split_at(t.addr.len().checked_sub(1)?);
                let me = me[0];
                let parent = element_at_mut(&mut doc, parent_addr)?;
                let XmlNode::Element(target) = parent.children.get(me)?.clone() else {
                    return None;
                };
                let same: Vec<usize> = parent
                    .elements()
                    .filter(|(_, e)| e.is(target.ns.as_deref(), &target.local))
                    .map(|(i, _)| i)
                    .collect();
                let have = same.len() as u32;
                let n = *n;
                if n < have {
                    // Remove from the end (with the whitespace before each).
                    for &i in same.iter().rev().take((have - n) as usize) {
                        parent.children.remove(i);
                        if i > 0
                            && matches!(parent.children.get(i - 1), Some(XmlNode::Text(t)) if t.trim().is_empty())
                        {
                            parent.children.remove(i - 1);
                        }
                    }
                } else {
                    let last = *same.last()?;
                    let ws = match parent.children.get(last.wrapping_sub(1)) {
                        Some(XmlNode::Text(t)) if t.trim().is_empty() => Some(t.clone()),
                        _ => None,
                    };
                    let mut at = last + 1;
                    for _ in have..n {
                        if let Some(w) = &ws {
                            parent.children.insert(at, XmlNode::Text(w.clone()));
                            at += 1;
                        }
                        parent.children.insert(at, XmlNode::Element(target.clone()));
                        at += 1;
                    }
                }
                if p.expect == Expect::Valid {
                    return Some((doc, None));
                }
                // Where the engine notices: the first element after the last kept
                // occurrence, or the parent's end (always the end in xs:all).
                let parent = element_at(&doc, parent_addr)?;
                let same: Vec<usize> = parent
                    .elements()
                    .filter(|(_, e)| e.is(target.ns.as_deref(), &target.local))
                    .map(|(i, _)| i)
                    .collect();
                let in_all = t.occurs.is_some_and(|o| o.in_all);
                let (constraint, at) = if n > have {
                    // The first surplus occurrence.
                    let i = *same.get(n as usize - 1)?;
                    let mut a = parent_addr.to_vec();
                    a.push(i);
                    ("cvc-complex-type.2.4", a)
                } else {
                    let after = same.last().map_or(
                        // All removed: the element that took the first one's place.
                        me,
                        |l| l + 1,
                    );
                    let next = parent.elements().find(|(i, _)| *i >= after).map(|(i, _)| i);
                    match next {
                        Some(i) if !in_all => {
                            let mut a = parent_addr.to_vec();
                            a.push(i);
                            ("cvc-complex-type.2.4", a)
                        }
                        _ => ("cvc-complex-type.2.4.b", parent_addr.to_vec()),
                    }
                };
                Some((
                    doc.clone(),
                    Some(ExpectedFinding {
                        constraint: constraint.into(),
                        path: path_of(&doc, &at),
                    }),
                ))
            }
        }
    }

    fn occurrence_proposals(&mut self, t: &Target, o: Occurs, ps: &mut Vec<Proposal>) {
        if t.addr.is_empty() {
            return;
        }
        let occ = |kind, label: String, n: u32, expect, constraint: &str| Proposal {
            kind,
            label,
            value: None,
            expect,
            constraint: constraint.into(),
            edit: Edit::Occurrences(n),
        };
        let missing = if o.in_all {
            "cvc-complex-type.2.4.b"
        } else {
            "cvc-complex-type.2.4"
        };
        if o.min >= 1 {
            ps.push(occ(
                CaseKind::MissingRequired,
                "element missing".into(),
                0,
                Expect::Invalid,
                missing,
            ));
        }
        if o.min >= 2 {
            // The bound itself, even when the base already has exactly that many.
            ps.push(occ(
                CaseKind::MinOccurs,
                format!("minOccurs ({})", o.min),
                o.min,
                Expect::Valid,
                missing,
            ));
            ps.push(occ(
                CaseKind::MinOccurs,
                format!("minOccurs-1 ({})", o.min - 1),
                o.min - 1,
                Expect::Invalid,
                missing,
            ));
        }
        if let Some(max) = o.max {
            let path = path_of(&t.doc, &t.addr);
            if max.saturating_add(1) > self.opts.max_copies {
                self.dropped.push(Dropped {
                    path,
                    kind: CaseKind::MaxOccurs,
                    label: format!("maxOccurs+1 ({})", u64::from(max) + 1),
                    value: None,
                    expect: Expect::Invalid,
                    constraint: "cvc-complex-type.2.4".into(),
                    stage: DropStage::TooLarge,
                    reason: format!(
                        "maxOccurs {max}: the case needs {} occurrences, more than the limit of {}",
                        u64::from(max) + 1,
                        self.opts.max_copies
                    ),
                    reported: Vec::new(),
                });
            } else {
                if max > 1 {
                    ps.push(occ(
                        CaseKind::MaxOccurs,
                        format!("maxOccurs ({max})"),
                        max,
                        Expect::Valid,
                        "cvc-complex-type.2.4",
                    ));
                }
                ps.push(occ(
                    CaseKind::MaxOccurs,
                    format!("maxOccurs+1 ({})", max + 1),
                    max + 1,
                    Expect::Invalid,
                    "cvc-complex-type.2.4",
                ));
            }
        }
    }

    /// Value cases for simple type `t` at a target whose current value is `current`.
    #[allow(clippy::too_many_arguments)] // the target's facts; a struct would only rename them
    fn value_proposals(
        &self,
        t: TypeId,
        current: Option<String>,
        fixed: Option<&ValueConstraint>,
        default: Option<&ValueConstraint>,
        attribute: bool,
        scope: &[(String, String)],
        rng: &mut Rng,
        ps: &mut Vec<Proposal>,
        unreach: &mut Vec<Unreachable>,
    ) {
        let model = self.model;
        let Some(vt) = model.value_type(t) else {
            return;
        };
        let TypeDef::Simple(st) = model.ty(vt) else {
            return;
        };
        let resolve = |p: &str| resolve_in(scope, p);
        let valid = |v: &str| simple::validate(model, vt, v, &resolve).is_ok();
        let fails_with = |v: &str| simple::validate(model, vt, v, &resolve).err();
        let eff = effective(model, vt);
        let atomic = matches!(st.variety, Variety::Atomic(_));
        let b = eff.builtin.unwrap_or(Builtin::String);
        // An anchor: a valid value to vary (the base's own when valid).
        let anchor = current
            .filter(|c| valid(c))
            .or_else(|| self.g.value(vt, self.opts.seed, true).ok());
        let relaxed_ok = |v: &str, e: Except, parse_as: Builtin| {
            relaxed(model, vt, v, e, parse_as, &resolve).is_ok()
        };
        let mut push =
            |kind: CaseKind, label: String, v: String, expect: Expect, constraint: &str| {
                ps.push(Proposal {
                    kind,
                    label,
                    value: Some(v.clone()),
                    expect,
                    constraint: constraint.into(),
                    edit: Edit::Value(v, vec![]),
                });
            };
        let mut unreachable: Vec<Unreachable> = Vec::new();
        // QName enumeration values need a namespace declaration with them.
        let mut qnames: Vec<Proposal> = Vec::new();

        // Fixed values: only the fixed one is valid.
        if let Some(fx) = fixed {
            push(
                CaseKind::Fixed,
                "fixed value".into(),
                fx.lexical().to_string(),
                Expect::Valid,
                if attribute {
                    "cvc-attribute.4"
                } else {
                    "cvc-elt.5.2.2"
                },
            );
            let fv = simple::validate(model, vt, fx.lexical(), &resolve).ok();
            for seed in 0..8 {
                if let Ok(v) = self.g.value(vt, self.opts.seed.wrapping_add(seed), true)
                    && let Ok(val) = simple::validate(model, vt, &v, &resolve)
                    && fv.as_ref().is_none_or(|f| !datatypes::equal(f, &val))
                {
                    push(
                        CaseKind::Fixed,
                        "other than the fixed value".into(),
                        v,
                        Expect::Invalid,
                        if attribute {
                            "cvc-attribute.4"
                        } else {
                            "cvc-elt.5.2.2"
                        },
                    );
                    break;
                }
            }
        }
        let want_valid = fixed.is_none();

        // Lengths (the string family, anyURI, binary).
        let measured = atomic
            && matches!(
                b.primitive(),
                Builtin::String | Builtin::AnyUri | Builtin::HexBinary | Builtin::Base64Binary
            );
        if measured {
            let mut len_case = |n: u64,
                                kind: CaseKind,
                                label: String,
                                expect: Expect,
                                constraint: &str,
                                rng: &mut Rng| {
                // A fixed value leaves no other valid value.
                if expect == Expect::Valid && !want_valid {
                    return;
                }
                if n > 100_000 {
                    unreachable.push((
                        kind,
                        label,
                        expect,
                        constraint.into(),
                        format!("a value of {n} characters is too large to build"),
                    ));
                    return;
                }
                let e = if expect == Expect::Valid {
                    Except::Nothing
                } else {
                    Except::Length
                };
                let found =
                    self.value_of_length(vt, &eff, b, n, rng)
                        .into_iter()
                        .find(|v| {
                            relaxed_ok(v, e, b)
                                && match expect {
                                    Expect::Valid => valid(v),
                                    Expect::Invalid => fails_with(v)
                                        .is_some_and(|err| err.constraint == constraint),
                                }
                        });
                match found {
                    Some(v) if expect == Expect::Invalid || want_valid => {
                        push(kind, label, v, expect, constraint)
                    }
                    Some(_) => {}
                    None => unreachable.push((
                        kind,
                        label,
                        expect,
                        constraint.into(),
                        format!("no value of length {n} meets the other facets"),
                    )),
                }
            };
            if let Some(l) = eff.length {
                len_case(
                    l,
                    CaseKind::Length,
                    format!("length ({l})"),
                    Expect::Valid,
                    "cvc-length-valid",
                    rng,
                );
                if l > 0 {
                    len_case(
                        l - 1,
                        CaseKind::Length,
                        format!("length-1 ({})", l - 1),
                        Expect::Invalid,
                        "cvc-length-valid",
                        rng,
                    );
                }
                len_case(
                    l + 1,
                    CaseKind::Length,
                    format!("length+1 ({})", l + 1),
                    Expect::Invalid,
                    "cvc-length-valid",
                    rng,
                );
            } else {
                if let Some(m) = eff.min_length {
                    len_case(
                        m,
                        CaseKind::MinLength,
                        format!("minLength ({m})"),
                        Expect::Valid,
                        "cvc-minLength-valid",
                        rng,
                    );
                    if m > 0 {
                        len_case(
                            m - 1,
                            CaseKind::MinLength,
                            format!("minLength-1 ({})", m - 1),
                            Expect::Invalid,
                            "cvc-minLength-valid",
                            rng,
                        );
                    }
                }
                if let Some(m) = eff.max_length {
                    len_case(
                        m,
                        CaseKind::MaxLength,
                        format!("maxLength ({m})"),
                        Expect::Valid,
                        "cvc-maxLength-valid",
                        rng,
                    );
                    len_case(
                        m + 1,
                        CaseKind::MaxLength,
                        format!("maxLength+1 ({})", m + 1),
                        Expect::Invalid,
                        "cvc-maxLength-valid",
                        rng,
                    );
                }
            }
        }

        // Patterns: a sample and near misses.
        if atomic && !eff.pattern_steps.is_empty() {
            let hirs: Vec<_> = eff
                .pattern_steps
                .iter()
                .flat_map(|s| s.iter().filter_map(pattern_hir))
                .collect();
            let (lo, hi) = eff.length_range();
            let mut sample = None;
            for attempt in 0..64u64 {
                let Some(h) = rng.pick(&hirs) else { break };
                let target = super::generate::length_target(rng, lo, hi, attempt);
                if let Some(s) = sample_hir(h, rng, true, target, attempt)
                    && Some(&s) != anchor.as_ref()
                    && valid(&s)
                {
                    sample = Some(s);
                    break;
                }
            }
            if want_valid && let Some(s) = &sample {
                push(
                    CaseKind::Pattern,
                    "pattern sample".into(),
                    s.clone(),
                    Expect::Valid,
                    "cvc-pattern-valid",
                );
            }
            let base = anchor.clone().or(sample);
            let mut misses = Vec::new();
            if let Some(base) = base {
                for m in near_misses(&base, rng) {
                    if misses.len() >= 3 {
                        break;
                    }
                    if !misses.contains(&m.1)
                        && relaxed_ok(&m.1, Except::Pattern, b)
                        && fails_with(&m.1).is_some_and(|e| e.constraint == "cvc-pattern-valid")
                    {
                        misses.push(m.1.clone());
                        push(
                            CaseKind::Pattern,
                            format!("near miss: {}", m.0),
                            m.1,
                            Expect::Invalid,
                            "cvc-pattern-valid",
                        );
                    }
                }
            }
            if misses.is_empty() {
                unreachable.push((
                    CaseKind::Pattern,
                    "near miss".into(),
                    Expect::Invalid,
                    "cvc-pattern-valid".into(),
                    "no small change of a valid value breaks only the pattern".into(),
                ));
            }
        }

        // Digits.
        if atomic && b.is_decimal_family() {
            let fd = eff.fraction_digits;
            let td = eff.total_digits;
            let mut digit_case = |kind: CaseKind,
                                  label: String,
                                  cands: Vec<String>,
                                  expect: Expect,
                                  constraint: &str,
                                  e: Except| {
                if expect == Expect::Valid && !want_valid {
                    return;
                }
                let found = cands.into_iter().find(|v| {
                    relaxed_ok(
                        v,
                        if expect == Expect::Valid {
                            Except::Nothing
                        } else {
                            e
                        },
                        b,
                    ) && match expect {
                        Expect::Valid => valid(v),
                        Expect::Invalid => {
                            fails_with(v).is_some_and(|err| err.constraint == constraint)
                        }
                    }
                });
                match found {
                    Some(v) if expect == Expect::Invalid || want_valid => {
                        push(kind, label, v, expect, constraint)
                    }
                    Some(_) => {}
                    None => unreachable.push((
                        kind,
                        label,
                        expect,
                        constraint.into(),
                        "every value with these digits breaks another facet or the datatype".into(),
                    )),
                }
            };
            let anchor_int = anchor
                .as_deref()
                .and_then(datatypes::Decimal::parse)
                .map(|d| {
                    let s = d.to_string();
                    s.split_once('.').map_or(s.clone(), |(i, _)| i.to_string())
                })
                .unwrap_or_else(|| "1".into());
            if let Some(f) = fd {
                let frac = |n: u32| {
                    if n == 0 {
                        String::new()
                    } else {
                        format!(".{}5", "2".repeat(n as usize - 1))
                    }
                };
                let ints = [anchor_int.clone(), "1".into(), "0".into(), "-1".into()];
                digit_case(
                    CaseKind::FractionDigits,
                    format!("fractionDigits ({f})"),
                    ints.iter().map(|i| format!("{i}{}", frac(f))).collect(),
                    Expect::Valid,
                    "cvc-fractionDigits-valid",
                    Except::FractionDigits,
                );
                digit_case(
                    CaseKind::FractionDigits,
                    format!("fractionDigits+1 ({})", f + 1),
                    ints.iter().map(|i| format!("{i}{}", frac(f + 1))).collect(),
                    Expect::Invalid,
                    "cvc-fractionDigits-valid",
                    Except::FractionDigits,
                );
            }
            if let Some(t) = td {
                let f = fd.unwrap_or(0).min(t);
                digit_case(
                    CaseKind::TotalDigits,
                    format!("totalDigits ({t})"),
                    digits_candidates(t, f),
                    Expect::Valid,
                    "cvc-totalDigits-valid",
                    Except::TotalDigits,
                );
                digit_case(
                    CaseKind::TotalDigits,
                    format!("totalDigits+1 ({})", t + 1),
                    digits_candidates(t + 1, f),
                    Expect::Invalid,
                    "cvc-totalDigits-valid",
                    Except::TotalDigits,
                );
            }
        }

        // Bounds, ±1 unit in the type's own arithmetic.
        if atomic && b.is_ordered_numeric_or_temporal() {
            for (bound, lower) in eff
                .lo
                .iter()
                .map(|x| (x, true))
                .chain(eff.hi.iter().map(|x| (x, false)))
            {
                let (kind, c) = match (lower, bound.inclusive) {
                    (true, true) => (CaseKind::MinInclusive, "cvc-minInclusive-valid"),
                    (true, false) => (CaseKind::MinExclusive, "cvc-minExclusive-valid"),
                    (false, true) => (CaseKind::MaxInclusive, "cvc-maxInclusive-valid"),
                    (false, false) => (CaseKind::MaxExclusive, "cvc-maxExclusive-valid"),
                };
                // A built-in integer type's range is part of its datatype.
                let (c, parse_as, what) = if bound.implicit {
                    (
                        "cvc-datatype-valid",
                        Builtin::Integer,
                        format!(
                            "xs:{} {}",
                            b.local_name(),
                            if lower { "minimum" } else { "maximum" }
                        ),
                    )
                } else {
                    (c, b, kind.name().to_string())
                };
                let at = canonical_lexical(&bound.value, &bound.lexical);
                // Outward: one unit beyond the bound; inward: one unit inside.
                let outward = step_value(&eff, b, &bound.value, !lower);
                let inward = step_value(&eff, b, &bound.value, lower);
                let mut bound_case = |label: String, v: Option<String>, expect: Expect| {
                    if expect == Expect::Valid && !want_valid {
                        return;
                    }
                    let Some(v) = v else {
                        unreachable.push((
                            kind,
                            label,
                            expect,
                            c.into(),
                            "the neighbouring value cannot be written in the type".into(),
                        ));
                        return;
                    };
                    let ok = relaxed_ok(
                        &v,
                        if expect == Expect::Valid {
                            Except::Nothing
                        } else {
                            Except::Bounds
                        },
                        parse_as,
                    ) && match expect {
                        Expect::Valid => valid(&v),
                        Expect::Invalid => fails_with(&v).is_some_and(|e| e.constraint == c),
                    };
                    if !ok {
                        unreachable.push((
                            kind,
                            label,
                            expect,
                            c.into(),
                            format!("'{v}' would break another facet"),
                        ));
                    } else if expect == Expect::Invalid || want_valid {
                        push(kind, label, v, expect, c);
                    }
                };
                if bound.inclusive {
                    bound_case(format!("{what} ({at})"), Some(at.clone()), Expect::Valid);
                    bound_case(
                        format!("{what} {} 1 unit", if lower { "-" } else { "+" }),
                        outward,
                        Expect::Invalid,
                    );
                } else {
                    bound_case(
                        format!("{what} ({at}) itself"),
                        Some(at.clone()),
                        Expect::Invalid,
                    );
                    bound_case(
                        format!("{what} {} 1 unit", if lower { "+" } else { "-" }),
                        inward,
                        Expect::Valid,
                    );
                }
            }
        }

        // Enumerations: every value and one outside.
        if let Some(en) = eff.enumeration {
            if want_valid {
                for (v, lex) in en {
                    match v {
                        Value::QName {
                            ns: Some(ns),
                            local,
                        }
                        | Value::Notation {
                            ns: Some(ns),
                            local,
                        } => {
                            let p = scope
                                .iter()
                                .rev()
                                .find(|(p, u)| u == ns && !p.is_empty())
                                .map(|(p, _)| p.clone());
                            let (p, decls) = match p {
                                Some(p) => (p, vec![]),
                                None => {
                                    ("bq".to_string(), vec![("bq".to_string(), ns.to_string())])
                                }
                            };
                            let value = format!("{p}:{local}");
                            qnames.push(Proposal {
                                kind: CaseKind::Enumeration,
                                label: format!("enumeration '{lex}'"),
                                value: Some(value.clone()),
                                expect: Expect::Valid,
                                constraint: "cvc-enumeration-valid".into(),
                                edit: Edit::Value(value, decls),
                            });
                        }
                        _ => push(
                            CaseKind::Enumeration,
                            format!("enumeration '{lex}'"),
                            lex.clone(),
                            Expect::Valid,
                            "cvc-enumeration-valid",
                        ),
                    }
                }
            }
            let mut outside = None;
            for cand in outside_candidates(en) {
                if relaxed_ok(&cand, Except::Enumeration, b)
                    && fails_with(&cand).is_some_and(|e| e.constraint == "cvc-enumeration-valid")
                {
                    outside = Some(cand);
                    break;
                }
            }
            match outside {
                Some(v) => push(
                    CaseKind::Enumeration,
                    "outside the enumeration".into(),
                    v,
                    Expect::Invalid,
                    "cvc-enumeration-valid",
                ),
                None => unreachable.push((
                    CaseKind::Enumeration,
                    "outside the enumeration".into(),
                    Expect::Invalid,
                    "cvc-enumeration-valid".into(),
                    "every other value breaks another facet or the datatype".into(),
                )),
            }
        }

        // Date edge cases.
        if atomic
            && matches!(b.primitive(), Builtin::Date | Builtin::DateTime)
            && eff.enumeration.is_none()
        {
            let dt = b.primitive() == Builtin::DateTime;
            let anchor_fields = anchor
                .as_deref()
                .and_then(|a| simple::validate(model, vt, a, &resolve).ok())
                .and_then(|v| Fields::of(&v));
            for (label, v, expect) in date_cases(dt, anchor_fields) {
                let ok = match expect {
                    Expect::Valid => valid(&v),
                    // Spec knowledge, not the engine's: judged on the whole message.
                    Expect::Invalid => true,
                };
                if !ok {
                    unreachable.push((
                        CaseKind::Date,
                        label,
                        expect,
                        "cvc-datatype-valid".into(),
                        format!("'{v}' is outside the type's range"),
                    ));
                } else if expect == Expect::Invalid || want_valid {
                    push(CaseKind::Date, label, v, expect, "cvc-datatype-valid");
                }
            }
        }

        // Empty: whatever the facets say (an element's default fills an empty element).
        // An element's default or fixed value fills an empty element.
        let filled = !attribute && (default.is_some() || fixed.is_some());
        if filled || (want_valid && valid("")) {
            push(
                CaseKind::Empty,
                "empty".into(),
                String::new(),
                Expect::Valid,
                "cvc-datatype-valid",
            );
        } else if let Some(e) = fails_with("") {
            push(
                CaseKind::Empty,
                "empty".into(),
                String::new(),
                Expect::Invalid,
                e.constraint,
            );
        }
        ps.extend(qnames);
        unreach.extend(unreachable);
    }

    /// Candidate values of exactly `n` characters (octets for binary types).
    fn value_of_length(
        &self,
        vt: TypeId,
        eff: &Effective<'_>,
        b: Builtin,
        n: u64,
        rng: &mut Rng,
    ) -> Vec<String> {
        let mut out = Vec::new();
        match b.primitive() {
            Builtin::HexBinary | Builtin::Base64Binary => {
                let bytes: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
                let v = if b.primitive() == Builtin::HexBinary {
                    Value::HexBinary(bytes)
                } else {
                    Value::Base64Binary(bytes)
                };
                out.push(datatypes::canonical(&v));
            }
            _ => {
                if !eff.pattern_steps.is_empty() {
                    let hirs: Vec<_> = eff
                        .pattern_steps
                        .iter()
                        .flat_map(|s| s.iter().filter_map(pattern_hir))
                        .collect();
                    for attempt in 0..96u64 {
                        let Some(h) = rng.pick(&hirs) else { break };
                        if let Some(s) = sample_hir(h, rng, true, Some(n), attempt)
                            && s.chars().count() as u64 == n
                            && !out.contains(&s)
                        {
                            out.push(s);
                            if out.len() >= 4 {
                                break;
                            }
                        }
                    }
                }
                let natural = self
                    .g
                    .value(vt, self.opts.seed, true)
                    .unwrap_or_else(|_| "Tekst".into());
                out.push(fit_text(b, &natural, n as usize));
                out.push(fit_text(b, "Økonomi og bogføring i kommunen", n as usize));
            }
        }
        out
    }
}

/// The message of a finding list, short.
fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .take(3)
        .map(|f| format!("{} at {}", f.constraint, f.path))
        .collect::<Vec<_>>()
        .join("; ")
}

fn slug(label: &str) -> String {
    let mut s = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') {
            s.push(c);
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    s.trim_matches('_').chars().take(40).collect()
}

/// `value` valid for `vt` except for the facets `except` names (parsed as `parse_as`).
fn relaxed(
    model: &Model,
    vt: TypeId,
    lexical: &str,
    except: Except,
    parse_as: Builtin,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<(), SimpleError> {
    let TypeDef::Simple(st) = model.ty(vt) else {
        return Ok(());
    };
    let normalized = datatypes::normalize_whitespace(lexical, st.white_space);
    let value = datatypes::parse(parse_as, &normalized, resolve).map_err(|m| SimpleError {
        constraint: "cvc-datatype-valid",
        message: m,
        expected: None,
    })?;
    for step in model.restriction_steps(vt) {
        let mut f = step.facets.clone();
        strip(&mut f, except);
        simple::check_facets(model, step.type_id, &f, &value, &normalized)?;
    }
    Ok(())
}

/// The canonical lexical of a decimal bound; the schema's own spelling for other types
/// (their canonical forms normalise time zones away).
fn canonical_lexical(v: &Value, lexical: &str) -> String {
    match v {
        Value::Decimal(_) => datatypes::canonical(v),
        _ => lexical.trim().to_string(),
    }
}

/// The value one unit above (`up`) or below a bound, as a lexical of the type.
fn step_value(eff: &Effective<'_>, b: Builtin, v: &Value, up: bool) -> Option<String> {
    match v {
        Value::Decimal(d) => {
            let step = decimal_step(eff, d);
            let n = if up { d + &step } else { d - &step };
            Some(n.to_string())
        }
        Value::Float(x) => Some(format_float(b, float_step(b, f64::from(*x), up))),
        Value::Double(x) => Some(format_float(b, float_step(b, *x, up))),
        Value::DateTime(_) => {
            let f = Fields::of(v)?;
            Some(f.step(b.primitive(), up)?.lexical(b.primitive()))
        }
        Value::Duration(_) => duration_step(v, up),
        _ => None,
    }
}

/// Decimals with exactly `total` digits, `frac` of them after the point (fewer when the
/// integer part has no room), largest and smallest magnitude, both signs.
fn digits_candidates(total: u32, frac: u32) -> Vec<String> {
    let mut out = Vec::new();
    for f in [frac, 0, frac.saturating_sub(1)] {
        let f = f.min(total);
        let int = total - f;
        let nines = |n: u32| "9".repeat(n as usize);
        let point = |i: String, fr: String| {
            if fr.is_empty() {
                i
            } else {
                format!("{i}.{fr}")
            }
        };
        let (big, small) = if int == 0 {
            (
                point("0".into(), nines(f)),
                point(
                    "0".into(),
                    format!("1{}", "0".repeat(f.saturating_sub(1) as usize)),
                ),
            )
        } else {
            let fr_small = if f == 0 {
                String::new()
            } else {
                format!("{}1", "0".repeat(f as usize - 1))
            };
            (
                point(nines(int), nines(f)),
                point(format!("1{}", "0".repeat(int as usize - 1)), fr_small),
            )
        };
        for s in [
            small.clone(),
            big.clone(),
            format!("-{small}"),
            format!("-{big}"),
        ] {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// Small changes of a valid value, each with a description.
fn near_misses(base: &str, rng: &mut Rng) -> Vec<(String, String)> {
    let chars: Vec<char> = base.chars().collect();
    let mut out = Vec::new();
    if chars.is_empty() {
        out.push(("one character".into(), "x".into()));
        return out;
    }
    let n = chars.len();
    let mid = rng.below(n as u64) as usize;
    let with = |i: usize, c: char| -> String {
        let mut v = chars.clone();
        v[i] = c;
        v.into_iter().collect()
    };
    // One character replaced by one of another class.
    for i in [mid, n - 1, 0] {
        let c = chars[i];
        let repl = if c.is_ascii_digit() {
            ['X', 'x', '#']
        } else if c.is_alphabetic() {
            if c.is_lowercase() {
                ['#', '1', c.to_ascii_uppercase()]
            } else {
                ['#', '1', c.to_ascii_lowercase()]
            }
        } else {
            ['x', '1', '#']
        };
        for r in repl {
            if r != c {
                out.push((format!("character {} '{c}' → '{r}'", i + 1), with(i, r)));
            }
        }
    }
    out.push((
        "last character dropped".into(),
        chars[..n - 1].iter().collect(),
    ));
    let mut dup: String = chars.iter().collect();
    dup.push(chars[n - 1]);
    out.push(("last character doubled".into(), dup));
    out.push(("one character appended".into(), format!("{base}!")));
    out.push(("leading space".into(), format!(" {base}")));
    out.push(("upper case".into(), base.to_uppercase()));
    out.push((
        "first character dropped".into(),
        chars[1..].iter().collect(),
    ));
    out
}

/// Values outside an enumeration, most plausible first.
fn outside_candidates(en: &[(Value, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (v, lex) in en.iter().take(4) {
        match v {
            Value::Decimal(d) => {
                let one = super::generate::decimal_unit(0);
                out.push((d + &one).to_string());
                out.push((d - &one).to_string());
            }
            _ => {
                out.push(format!("{lex}X"));
                out.push(lex.to_lowercase());
                out.push(lex.to_uppercase());
                if lex.chars().count() > 1 {
                    out.push(lex.chars().skip(1).collect());
                }
            }
        }
    }
    out.extend(
        ["UKENDT", "X", "0", "99", "ZZ"]
            .iter()
            .map(|s| s.to_string()),
    );
    let en_lex: HashSet<&str> = en.iter().map(|(_, l)| l.as_str()).collect();
    out.retain(|c| !en_lex.contains(c.as_str()));
    out
}

/// Date/dateTime edge cases: (label, value, expectation by XSD 1.0 2nd edition).
fn date_cases(date_time: bool, anchor: Option<Fields>) -> Vec<(String, String, Expect)> {
    let time = anchor
        .as_ref()
        .map(|f| format!("{:02}:{:02}:{:02}", f.hour, f.minute, f.second))
        .unwrap_or_else(|| "10:15:00".into());
    let tz = anchor
        .as_ref()
        .and_then(|f| f.tz)
        .map_or(String::new(), |m| match m {
            0 => "Z".into(),
            m => format!(
                "{}{:02}:{:02}",
                if m < 0 { '-' } else { '+' },
                m.unsigned_abs() / 60,
                m.unsigned_abs() % 60
            ),
        });
    let (y, mo, d) = anchor
        .as_ref()
        .map_or((2025, 3, 3), |f| (f.year, f.month, f.day));
    let ymd = |y: i64, m: u32, d: u32| format!("{y:04}-{m:02}-{d:02}");
    let full = |date: String, t: &str, z: &str| {
        if date_time {
            format!("{date}T{t}{z}")
        } else {
            format!("{date}{z}")
        }
    };
    let mut out = vec![
        (
            "leap day 2024-02-29".to_string(),
            full(ymd(2024, 2, 29), &time, &tz),
            Expect::Valid,
        ),
        (
            "29 February in a common year".into(),
            full(ymd(2025, 2, 29), &time, &tz),
            Expect::Invalid,
        ),
        (
            "29 February 2100 (not a leap year)".into(),
            full(ymd(2100, 2, 29), &time, &tz),
            Expect::Invalid,
        ),
        (
            "30th of a 30-day month".into(),
            full(ymd(2025, 4, 30), &time, &tz),
            Expect::Valid,
        ),
        (
            "31st of a 30-day month".into(),
            full(ymd(2025, 4, 31), &time, &tz),
            Expect::Invalid,
        ),
        (
            "month 13".into(),
            full(ymd(2025, 13, 1), &time, &tz),
            Expect::Invalid,
        ),
        (
            "time zone Z".into(),
            full(ymd(y, mo, d), &time, "Z"),
            Expect::Valid,
        ),
        (
            "time zone +14:00".into(),
            full(ymd(y, mo, d), &time, "+14:00"),
            Expect::Valid,
        ),
        (
            "time zone -14:00".into(),
            full(ymd(y, mo, d), &time, "-14:00"),
            Expect::Valid,
        ),
        (
            "no time zone".into(),
            full(ymd(y, mo, d), &time, ""),
            Expect::Valid,
        ),
        (
            "time zone +14:01 (out of range)".into(),
            full(ymd(y, mo, d), &time, "+14:01"),
            Expect::Invalid,
        ),
        (
            "time zone +01:60".into(),
            full(ymd(y, mo, d), &time, "+01:60"),
            Expect::Invalid,
        ),
    ];
    if date_time {
        out.extend([
            (
                "end of day 24:00:00".to_string(),
                format!("{}T24:00:00{tz}", ymd(y, mo, d)),
                Expect::Valid,
            ),
            (
                "24:00:01".into(),
                format!("{}T24:00:01{tz}", ymd(y, mo, d)),
                Expect::Invalid,
            ),
            (
                "fractional seconds".into(),
                format!("{}T{time}.125{tz}", ymd(y, mo, d)),
                Expect::Valid,
            ),
            (
                "date without time".into(),
                format!("{}{tz}", ymd(y, mo, d)),
                Expect::Invalid,
            ),
        ]);
    } else {
        out.push((
            "date with a time".into(),
            format!("{}T{time}{tz}", ymd(y, mo, d)),
            Expect::Invalid,
        ));
    }
    out
}
