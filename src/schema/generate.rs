//! Schema-driven generation of valid instances: a schema-valid XML fragment for any global
//! element, and sample values for simple types. Used by the virtualization stub's generic
//! mode and by the boundary engine (`boundaries.rs`).
//!
//! Everything is deterministic for a seed and varies across seeds. Values are checked with
//! [`simple::validate`] before they are used (generation proposes, the engine decides), so
//! a type whose facets cannot be met gives a [`GenError`] naming the type and the
//! constraint instead of an invalid document.

use std::fmt::Write as _;
use std::sync::OnceLock;

use regex_syntax::hir::{Class, Hir, HirKind};

use super::content_model::Particle;
use super::datatypes::{self, Builtin, Decimal, Value};
use super::model::*;
use super::regex::XsdRegex;
use super::simple;
use crate::xml::{XML_NS, XSI_NS};

// ---------------------------------------------------------------------------------------
// Options, errors, entry points
// ---------------------------------------------------------------------------------------

/// How to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Same seed, same document; other seeds vary values (and nothing else).
    pub seed: u64,
    /// Also emit optional elements and attributes (up to `max_depth`).
    pub fill_optional: bool,
    /// Element depth beyond which only required content is generated and choices take
    /// the alternative that ends soonest (recursive types).
    pub max_depth: usize,
    /// Prefer ASCII letters/digits and Danish æøå over exotic Unicode, and never use nil
    /// where content can be generated.
    pub realistic: bool,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            seed: 0,
            fill_optional: false,
            max_depth: 8,
            realistic: true,
        }
    }
}

/// Generation is impossible (or was given up) for a type or element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot generate {subject}: {constraint}: {detail}")]
pub struct GenError {
    /// What could not be generated, e.g. `a value of type 'CPRType'` or `element 'Sag'`.
    pub subject: String,
    /// The constraint that could not be met, e.g. `cvc-pattern-valid`, `recursion`.
    pub constraint: String,
    pub detail: String,
}

impl GenError {
    fn new(subject: String, constraint: &str, detail: impl Into<String>) -> Self {
        GenError {
            subject,
            constraint: constraint.to_string(),
            detail: detail.into(),
        }
    }
}

/// A schema-valid XML fragment for global element `elem`, with its namespace declarations
/// on the root (`ns1`, `ns2`, … and `xsi`). Minimal unless `opts.fill_optional`.
pub fn generate_element(
    model: &Model,
    elem: ElemId,
    opts: &GenOptions,
) -> Result<String, GenError> {
    Generator::new(model).element_xml(elem, opts)
}

/// A valid lexical value of simple type `t` (or of a complex type's simple content), or
/// `None` when its facets cannot be met. QName values that need a namespace prefix are not
/// produced here (there is no document to declare it in); [`generate_element`] does that.
pub fn sample_value(model: &Model, t: TypeId, seed: u64) -> Option<String> {
    Generator::new(model).value(t, seed, true).ok()
}

/// A generator bound to one model; cheap to create, reusable for many elements.
pub struct Generator<'m> {
    model: &'m Model,
    heights: OnceLock<Vec<u32>>,
}

/// Element depth needed below a type before the content can end (`INF` = never).
const INF: u32 = u32::MAX / 4;
/// Elements per document before optional content stops being filled.
const NODE_BUDGET: usize = 4_000;
/// Required content deeper than this is an unending recursion.
const HARD_DEPTH: usize = 96;
/// Candidates tried per value before giving up.
const ATTEMPTS: u64 = 64;

impl<'m> Generator<'m> {
    pub fn new(model: &'m Model) -> Self {
        Generator {
            model,
            heights: OnceLock::new(),
        }
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// The element as a tree (namespace declarations on its root).
    pub fn element(&self, elem: ElemId, opts: &GenOptions) -> Result<XmlElement, GenError> {
        self.element_in_scope(elem, opts, &[])
    }

    /// The element as text.
    pub fn element_xml(&self, elem: ElemId, opts: &GenOptions) -> Result<String, GenError> {
        Ok(self.element(elem, opts)?.to_xml_pretty())
    }

    /// The element for insertion into an existing document: `scope` holds the bindings in
    /// scope there (prefix, namespace; `""` = default namespace), which are reused; only
    /// new ones are declared on the returned root.
    pub fn element_in_scope(
        &self,
        elem: ElemId,
        opts: &GenOptions,
        scope: &[(String, String)],
    ) -> Result<XmlElement, GenError> {
        let mut run = Run::new(self, opts, scope);
        let decl = self.model.element(elem);
        let mut el = if decl.abstract_ {
            // A global abstract element: generate a member of its substitution group.
            let members = self.substitution_members(elem);
            let mut first_err = None;
            let mut out = None;
            for m in members {
                match run.element(m, 0) {
                    Ok(e) => {
                        out = Some(e);
                        break;
                    }
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            match out {
                Some(e) => e,
                None => {
                    return Err(first_err.unwrap_or_else(|| {
                        GenError::new(
                            format!("element '{}'", decl.name.local),
                            "cvc-elt.2",
                            "the element is abstract and its substitution group has no concrete member",
                        )
                    }));
                }
            }
        } else {
            run.element(elem, 0)?
        };
        run.finish(&mut el);
        Ok(el)
    }

    /// The elements one occurrence of particle `p` needs (optional ones too with
    /// `fill_optional`), for insertion where `scope` is in scope; each returned element
    /// declares the new bindings it needs.
    pub fn particle_in_scope(
        &self,
        p: &Particle,
        opts: &GenOptions,
        scope: &[(String, String)],
    ) -> Result<Vec<XmlElement>, GenError> {
        let mut run = Run::new(self, opts, scope);
        let mut out = Vec::new();
        match p {
            // One occurrence even of an optional particle: it was asked for.
            Particle::Term { term, .. } => out.push(run.term(*term, 1)?),
            Particle::Sequence { items, .. } | Particle::All { items, .. } => {
                for i in items {
                    run.particle(i, 1, &mut out)?;
                }
            }
            Particle::Choice { items, .. } => run.choice(items, 1, &mut out)?,
        }
        for e in &mut out {
            run.finish(e);
        }
        Ok(out)
    }

    /// A valid value of simple type `t` (QNames only without a namespace prefix).
    pub fn value(&self, t: TypeId, seed: u64, realistic: bool) -> Result<String, GenError> {
        let opts = GenOptions {
            seed,
            realistic,
            ..GenOptions::default()
        };
        let mut run = Run::new(self, &opts, &[]);
        run.no_prefixes = true;
        run.value(t)
    }

    /// A valid value of simple type `t` for a document position where `scope` is in scope;
    /// new namespace bindings the value needs (QNames) are returned alongside.
    pub fn value_in_scope(
        &self,
        t: TypeId,
        seed: u64,
        realistic: bool,
        scope: &[(String, String)],
    ) -> Result<(String, Vec<(String, String)>), GenError> {
        let opts = GenOptions {
            seed,
            realistic,
            ..GenOptions::default()
        };
        let mut run = Run::new(self, &opts, scope);
        let v = run.value(t)?;
        let decls = run.new_decls();
        Ok((v, decls))
    }

    /// Concrete members of an element's substitution group (transitively), in declaration
    /// order; the element itself first when it is not abstract.
    pub fn substitution_members(&self, elem: ElemId) -> Vec<ElemId> {
        let m = self.model;
        let mut out = Vec::new();
        if !m.element(elem).abstract_ {
            out.push(elem);
        }
        for (i, e) in m.elements.iter().enumerate() {
            let i = i as ElemId;
            if i == elem || e.abstract_ || !e.global {
                continue;
            }
            let mut cur = e.subst_head;
            for _ in 0..64 {
                match cur {
                    Some(h) if h == elem => {
                        out.push(i);
                        break;
                    }
                    Some(h) => cur = m.element(h).subst_head,
                    None => break,
                }
            }
        }
        out
    }

    fn heights(&self) -> &[u32] {
        self.heights.get_or_init(|| compute_heights(self.model))
    }

    fn type_height(&self, t: TypeId) -> u32 {
        self.heights().get(t as usize).copied().unwrap_or(0)
    }

    fn particle_height(&self, p: &Particle) -> u32 {
        particle_height(self.model, self.heights(), p)
    }

    fn inner_height(&self, p: &Particle) -> u32 {
        inner_height(self.model, self.heights(), p)
    }
}

/// Fixpoint of the minimal element depth each type's content needs.
fn compute_heights(model: &Model) -> Vec<u32> {
    let mut h: Vec<u32> = model
        .types
        .iter()
        .map(|t| match t {
            TypeDef::Complex(ComplexType {
                content: Content::Elements { .. },
                ..
            }) => INF,
            _ => 0,
        })
        .collect();
    for _ in 0..256 {
        let mut changed = false;
        for (i, t) in model.types.iter().enumerate() {
            if let TypeDef::Complex(ComplexType {
                content: Content::Elements { particle, .. },
                ..
            }) = t
            {
                let v = particle
                    .as_ref()
                    .map_or(0, |p| particle_height(model, &h, p));
                if v < h[i] {
                    h[i] = v;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    h
}

/// Depth a particle needs as it occurs (0 when it may be left out).
fn particle_height(model: &Model, h: &[u32], p: &Particle) -> u32 {
    match p {
        Particle::Term { min: 0, .. }
        | Particle::Sequence { min: 0, .. }
        | Particle::Choice { min: 0, .. }
        | Particle::All { min: 0, .. } => 0,
        _ => inner_height(model, h, p),
    }
}

/// Depth one occurrence of a particle needs.
fn inner_height(model: &Model, h: &[u32], p: &Particle) -> u32 {
    match p {
        Particle::Term { term, .. } => match &model.terms[*term as usize] {
            Term::Element { names, .. } => names
                .iter()
                .filter(|(_, e)| !model.element(*e).abstract_)
                .map(|(_, e)| {
                    1u32.saturating_add(
                        h.get(model.element(*e).type_id as usize)
                            .copied()
                            .unwrap_or(0),
                    )
                })
                .min()
                .unwrap_or(INF)
                .min(INF),
            Term::Wildcard(_) => 1,
        },
        Particle::Sequence { items, .. } | Particle::All { items, .. } => items
            .iter()
            .map(|i| particle_height(model, h, i))
            .max()
            .unwrap_or(0),
        Particle::Choice { items, .. } => items
            .iter()
            .map(|i| particle_height(model, h, i))
            .min()
            .unwrap_or(INF),
    }
}

// ---------------------------------------------------------------------------------------
// A small XML tree for generated and edited documents
// ---------------------------------------------------------------------------------------

/// An element of a generated or parsed instance document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XmlElement {
    pub prefix: Option<String>,
    pub local: String,
    pub ns: Option<String>,
    /// Namespace declarations made on this element (prefix `""` = default namespace).
    pub decls: Vec<(String, String)>,
    pub attrs: Vec<XmlAttr>,
    pub children: Vec<XmlNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlAttr {
    pub prefix: Option<String>,
    pub local: String,
    pub ns: Option<String>,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlNode {
    Element(XmlElement),
    Text(String),
}

impl XmlAttr {
    pub fn qname(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.clone(),
        }
    }
}

impl XmlElement {
    /// The name as written (`prefix:local`).
    pub fn qname(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.clone(),
        }
    }

    pub fn is(&self, ns: Option<&str>, local: &str) -> bool {
        self.ns.as_deref() == ns && self.local == local
    }

    /// Child elements with their index in `children`.
    pub fn elements(&self) -> impl Iterator<Item = (usize, &XmlElement)> {
        self.children
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match n {
                XmlNode::Element(e) => Some((i, e)),
                XmlNode::Text(_) => None,
            })
    }

    /// The concatenated text children (not descendants).
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                XmlNode::Text(t) => Some(t.as_str()),
                XmlNode::Element(_) => None,
            })
            .collect()
    }

    pub fn attr(&self, ns: Option<&str>, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.as_deref() == ns && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// Parse a whole document (comments and processing instructions are dropped).
    pub fn parse(bytes: &[u8]) -> Result<XmlElement, crate::xml::XmlError> {
        let root = crate::xml::tree::parse(bytes)?;
        // The tree's scopes are cumulative; an element declares what its parent lacks.
        Ok(convert_tree(&root, 1))
    }

    /// Compact serialisation (text nodes as they are).
    pub fn to_xml(&self) -> String {
        let mut s = String::new();
        self.write(&mut s, None);
        s
    }

    /// Serialisation with element-only content indented by two spaces.
    pub fn to_xml_pretty(&self) -> String {
        let mut s = String::new();
        self.write(&mut s, Some(0));
        s
    }

    fn write(&self, out: &mut String, indent: Option<usize>) {
        out.push('<');
        out.push_str(&self.qname());
        for (p, u) in &self.decls {
            if p.is_empty() {
                out.push_str(" xmlns=\"");
            } else {
                let _ = write!(out, " xmlns:{p}=\"");
            }
            escape_into(out, u, true);
            out.push('"');
        }
        for a in &self.attrs {
            let _ = write!(out, " {}=\"", a.qname());
            escape_into(out, &a.value, true);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        let pretty = indent.filter(|_| {
            self.children
                .iter()
                .all(|c| matches!(c, XmlNode::Element(_)))
        });
        for c in &self.children {
            if let Some(l) = pretty {
                out.push('\n');
                out.push_str(&"  ".repeat(l + 1));
            }
            match c {
                XmlNode::Element(e) => e.write(out, pretty.map(|l| l + 1)),
                XmlNode::Text(t) => escape_into(out, t, false),
            }
        }
        if let Some(l) = pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(l));
        }
        out.push_str("</");
        out.push_str(&self.qname());
        out.push('>');
    }
}

fn convert_tree(e: &crate::xml::tree::Element, parent_scope: usize) -> XmlElement {
    let decls: Vec<(String, String)> = e.scope.get(parent_scope..).unwrap_or(&[]).to_vec();
    let here = e.scope.len();
    let attrs = e
        .attrs
        .iter()
        .map(|a| XmlAttr {
            prefix: a.ns.as_deref().map(|ns| {
                if ns == XML_NS {
                    "xml".to_string()
                } else {
                    e.scope
                        .iter()
                        .rev()
                        .find(|(p, u)| u == ns && !p.is_empty())
                        .map(|(p, _)| p.clone())
                        .unwrap_or_default()
                }
            }),
            local: a.local.clone(),
            ns: a.ns.clone(),
            value: a.value.clone(),
        })
        .collect();
    let children = e
        .children
        .iter()
        .map(|n| match n {
            crate::xml::tree::Node::Element(c) => XmlNode::Element(convert_tree(c, here)),
            crate::xml::tree::Node::Text(t) => XmlNode::Text(t.clone()),
        })
        .collect();
    XmlElement {
        prefix: e.prefix.clone(),
        local: e.local.clone(),
        ns: e.ns.clone(),
        decls,
        attrs,
        children,
    }
}

fn escape_into(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            // Character references survive end-of-line and attribute-value normalisation.
            '\r' => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            '\n' if attr => out.push_str("&#10;"),
            _ => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------

/// SplitMix64: tiny, deterministic, good enough to vary test data.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n == 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len() as u64) as usize)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Effective facets
// ---------------------------------------------------------------------------------------

/// A bound on an ordered type.
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    pub value: Value,
    pub lexical: String,
    pub inclusive: bool,
    /// The range of a built-in integer type (a datatype error, not a facet, when broken).
    pub implicit: bool,
}

/// Keep the tighter of the bound in `slot` and a facet's (`stricter`: `Greater` for a
/// lower bound, `Less` for an upper one; at equal values the exclusive one is tighter).
fn tighten(
    slot: &mut Option<Bound>,
    facet: &Option<(Value, String)>,
    inclusive: bool,
    stricter: std::cmp::Ordering,
) {
    let Some((v, l)) = facet else { return };
    let tighter = match slot {
        None => true,
        Some(cur) => match datatypes::compare(v, &cur.value) {
            Some(std::cmp::Ordering::Equal) => cur.inclusive && !inclusive,
            Some(o) => o == stricter,
            None => false,
        },
    };
    if tighter {
        *slot = Some(Bound {
            value: v.clone(),
            lexical: l.clone(),
            inclusive,
            implicit: false,
        });
    }
}

/// The facets of every restriction step of a simple type, merged into what applies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Effective<'m> {
    pub length: Option<u64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub lo: Option<Bound>,
    pub hi: Option<Bound>,
    pub total_digits: Option<u32>,
    pub fraction_digits: Option<u32>,
    /// 0 for the built-in integer types.
    pub implicit_fraction_digits: Option<u32>,
    pub enumeration: Option<&'m [(Value, String)]>,
    /// Per restriction step (most derived first): OR inside, AND across.
    pub pattern_steps: Vec<&'m [XsdRegex]>,
    pub builtin: Option<Builtin>,
}

impl Effective<'_> {
    /// Inclusive range of lengths the facets allow.
    pub(crate) fn length_range(&self) -> (u64, Option<u64>) {
        match self.length {
            Some(l) => (l, Some(l)),
            None => (self.min_length.unwrap_or(0), self.max_length),
        }
    }
}

pub(crate) fn effective(model: &Model, t: TypeId) -> Effective<'_> {
    use std::cmp::Ordering::*;
    let mut e = Effective {
        builtin: model.base_builtin(t),
        ..Effective::default()
    };
    for step in model.restriction_steps(t) {
        let f = step.facets;
        if e.length.is_none() {
            e.length = f.length;
        }
        if let Some(m) = f.min_length {
            e.min_length = Some(e.min_length.map_or(m, |c| c.max(m)));
        }
        if let Some(m) = f.max_length {
            e.max_length = Some(e.max_length.map_or(m, |c| c.min(m)));
        }
        if let Some(d) = f.total_digits {
            e.total_digits = Some(e.total_digits.map_or(d, |c| c.min(d)));
        }
        if let Some(d) = f.fraction_digits {
            e.fraction_digits = Some(e.fraction_digits.map_or(d, |c| c.min(d)));
        }
        if e.enumeration.is_none()
            && let Some(en) = &f.enumeration
        {
            e.enumeration = Some(en.as_slice());
        }
        if !f.patterns.is_empty() {
            e.pattern_steps.push(f.patterns.as_slice());
        }
        tighten(&mut e.lo, &f.min_inclusive, true, Greater);
        tighten(&mut e.lo, &f.min_exclusive, false, Greater);
        tighten(&mut e.hi, &f.max_inclusive, true, Less);
        tighten(&mut e.hi, &f.max_exclusive, false, Less);
    }
    if let Some(b) = e.builtin {
        e.implicit_fraction_digits = b.implicit_fraction_digits();
        let (lo, hi) = b.implicit_bounds();
        if e.lo.is_none()
            && let Some(v) = lo
        {
            e.lo = Some(Bound {
                lexical: datatypes::canonical(&v),
                value: v,
                inclusive: true,
                implicit: true,
            });
        }
        if e.hi.is_none()
            && let Some(v) = hi
        {
            e.hi = Some(Bound {
                lexical: datatypes::canonical(&v),
                value: v,
                inclusive: true,
                implicit: true,
            });
        }
    }
    e
}

// ---------------------------------------------------------------------------------------
// One generation run
// ---------------------------------------------------------------------------------------

struct Run<'g, 'm> {
    g: &'g Generator<'m>,
    opts: GenOptions,
    rng: Rng,
    /// (prefix, namespace, declared by this run)
    bindings: Vec<(String, String, bool)>,
    /// The insertion scope had a default namespace: unprefixed names need `xmlns=""`.
    undeclare_default: bool,
    no_prefixes: bool,
    nodes: usize,
    next_id: u32,
    /// Types of the elements being generated (outermost first), to notice recursion.
    open_types: Vec<TypeId>,
}

impl<'g, 'm> Run<'g, 'm> {
    fn new(g: &'g Generator<'m>, opts: &GenOptions, scope: &[(String, String)]) -> Self {
        let mut bindings = Vec::new();
        let mut undeclare_default = false;
        for (p, u) in scope {
            if p.is_empty() {
                undeclare_default = !u.is_empty();
            } else if p != "xml" {
                bindings.retain(|(q, _, _): &(String, String, bool)| q != p);
                bindings.push((p.clone(), u.clone(), false));
            }
        }
        Run {
            g,
            opts: *opts,
            rng: Rng::new(opts.seed),
            bindings,
            undeclare_default,
            no_prefixes: false,
            nodes: 0,
            next_id: 1,
            open_types: Vec::new(),
        }
    }

    fn model(&self) -> &'m Model {
        self.g.model
    }

    /// The prefix for a namespace, declared on the fragment root when new.
    fn prefix_for(&mut self, ns: &str) -> String {
        if ns == XML_NS {
            return "xml".into();
        }
        if let Some((p, _, _)) = self.bindings.iter().rev().find(|(_, u, _)| u == ns) {
            return p.clone();
        }
        let p = if ns == XSI_NS {
            "xsi".to_string()
        } else {
            let mut n = 1;
            loop {
                let cand = format!("ns{n}");
                if !self.bindings.iter().any(|(q, _, _)| *q == cand) {
                    break cand;
                }
                n += 1;
            }
        };
        self.bindings.push((p.clone(), ns.to_string(), true));
        p
    }

    fn new_decls(&self) -> Vec<(String, String)> {
        self.bindings
            .iter()
            .filter(|(_, _, new)| *new)
            .map(|(p, u, _)| (p.clone(), u.clone()))
            .collect()
    }

    fn finish(&self, root: &mut XmlElement) {
        let mut decls = Vec::new();
        if self.undeclare_default {
            decls.push((String::new(), String::new()));
        }
        decls.extend(self.new_decls());
        root.decls = decls;
    }

    fn resolve(&self, p: &str) -> Option<String> {
        if p.is_empty() {
            return Some(String::new());
        }
        if p == "xml" {
            return Some(XML_NS.to_string());
        }
        self.bindings
            .iter()
            .rev()
            .find(|(q, _, _)| q == p)
            .map(|(_, u, _)| u.clone())
    }

    fn check(&self, t: TypeId, lexical: &str) -> Result<Value, simple::SimpleError> {
        let resolve = |p: &str| self.resolve(p);
        simple::validate(self.model(), t, lexical, &resolve)
    }

    fn name_of(&mut self, q: &QName) -> (Option<String>, String, Option<String>) {
        match q.ns_str() {
            Some(ns) => (
                Some(self.prefix_for(ns)),
                q.local.to_string(),
                Some(ns.to_string()),
            ),
            None => (None, q.local.to_string(), None),
        }
    }

    // ---- elements ------------------------------------------------------------------------

    fn element(&mut self, elem: ElemId, depth: usize) -> Result<XmlElement, GenError> {
        let model = self.model();
        let decl = model.element(elem);
        let subject = || format!("element '{}'", decl.name.local);
        if depth > HARD_DEPTH {
            return Err(GenError::new(
                subject(),
                "recursion",
                format!("required content nests deeper than {HARD_DEPTH} elements"),
            ));
        }
        self.nodes += 1;
        let (prefix, local, ns) = self.name_of(&decl.name);
        let mut el = XmlElement {
            prefix,
            local,
            ns,
            ..XmlElement::default()
        };
        let mut t = decl.type_id;
        if let TypeDef::Complex(ct) = model.ty(t)
            && ct.abstract_
        {
            let Some(concrete) = self.concrete_type(t, decl) else {
                return Err(GenError::new(
                    subject(),
                    "cvc-type.2",
                    format!(
                        "type '{}' is abstract and no global type derived from it can be used",
                        model.type_name(t)
                    ),
                ));
            };
            // Candidates come from the global types, which are named.
            let tq = model
                .ty(concrete)
                .name()
                .cloned()
                .unwrap_or_else(|| QName::new(None, &model.type_name(concrete)));
            let lexical = match tq.ns_str() {
                Some(ns) => format!("{}:{}", self.prefix_for(ns), tq.local),
                None => tq.local.to_string(),
            };
            let xsi = self.prefix_for(XSI_NS);
            el.attrs.push(XmlAttr {
                prefix: Some(xsi),
                local: "type".into(),
                ns: Some(XSI_NS.into()),
                value: lexical,
            });
            t = concrete;
        }
        let fixed = decl.constraint.as_ref().filter(|c| c.is_fixed());
        let want_nil =
            decl.nillable && fixed.is_none() && !self.opts.realistic && self.rng.below(4) == 0;
        let content = if want_nil {
            Err(GenError::new(subject(), "nil", "chosen"))
        } else {
            self.open_types.push(t);
            let r = self.content(t, decl, &mut el, depth);
            self.open_types.pop();
            r
        };
        match content {
            Ok(()) => Ok(el),
            // Nil is the way out for a nillable element whose content cannot be made.
            Err(e) if decl.nillable && fixed.is_none() => {
                el.children.clear();
                el.attrs
                    .retain(|a| a.ns.as_deref() == Some(XSI_NS) && a.local == "type");
                let xsi = self.prefix_for(XSI_NS);
                el.attrs.push(XmlAttr {
                    prefix: Some(xsi),
                    local: "nil".into(),
                    ns: Some(XSI_NS.into()),
                    value: "true".into(),
                });
                // Required attributes still apply to a nil element.
                if let TypeDef::Complex(ct) = model.ty(t) {
                    self.attributes(ct, &mut el).map_err(|_| e)?;
                }
                Ok(el)
            }
            Err(e) => Err(e),
        }
    }

    /// A global, non-abstract type validly derived from abstract `t` for element `decl`.
    fn concrete_type(&self, t: TypeId, decl: &ElementDecl) -> Option<TypeId> {
        let model = self.model();
        let blocked = |used: Derivations, b: Derivations| {
            (used.extension && b.extension) || (used.restriction && b.restriction)
        };
        let base_block = match model.ty(t) {
            TypeDef::Complex(c) => c.block,
            TypeDef::Simple(_) => Derivations::default(),
        };
        let mut cands: Vec<TypeId> = model
            .global_types
            .values()
            .copied()
            .filter(|&c| c != t)
            .filter(|&c| matches!(model.ty(c), TypeDef::Complex(ct) if !ct.abstract_))
            .filter(|&c| {
                model
                    .derivation_path(c, t)
                    .is_some_and(|u| !blocked(u, decl.block) && !blocked(u, base_block))
            })
            .collect();
        cands.sort_unstable();
        cands
            .into_iter()
            .min_by_key(|&c| (self.g.type_height(c), c))
    }

    fn content(
        &mut self,
        t: TypeId,
        decl: &ElementDecl,
        el: &mut XmlElement,
        depth: usize,
    ) -> Result<(), GenError> {
        let model = self.model();
        let constraint = decl.constraint.as_ref();
        match model.ty(t) {
            TypeDef::Simple(_) => {
                let v = match constraint {
                    Some(c) => c.lexical().to_string(),
                    None => self.value(t)?,
                };
                if !v.is_empty() {
                    el.children.push(XmlNode::Text(v));
                }
                Ok(())
            }
            TypeDef::Complex(ct) => {
                self.attributes(ct, el)?;
                match &ct.content {
                    Content::Empty => Ok(()),
                    Content::Simple(st) => {
                        let v = match constraint {
                            Some(c) => c.lexical().to_string(),
                            None => self.value(*st)?,
                        };
                        if !v.is_empty() {
                            el.children.push(XmlNode::Text(v));
                        }
                        Ok(())
                    }
                    Content::Elements {
                        particle, mixed, ..
                    } => {
                        if let Some(c) = constraint
                            && *mixed
                        {
                            // A fixed/default value of mixed content is text only.
                            let empty_ok = particle
                                .as_ref()
                                .is_none_or(|p| self.g.particle_height(p) == 0 && emptiable(p));
                            if empty_ok {
                                if !c.lexical().is_empty() {
                                    el.children.push(XmlNode::Text(c.lexical().to_string()));
                                }
                                return Ok(());
                            }
                        }
                        if let Some(p) = particle {
                            let mut out = Vec::new();
                            self.particle(p, depth + 1, &mut out)?;
                            if *mixed && self.opts.fill_optional && constraint.is_none() {
                                el.children.push(XmlNode::Text(self.words(1)));
                            }
                            el.children.extend(out.into_iter().map(XmlNode::Element));
                        }
                        Ok(())
                    }
                }
            }
        }
    }

    fn attributes(&mut self, ct: &ComplexType, el: &mut XmlElement) -> Result<(), GenError> {
        let model = self.model();
        for u in &ct.attributes {
            let d = model.attribute(u.attr);
            let c = u.constraint.as_ref().or(d.constraint.as_ref());
            let wanted = u.required
                || (self.opts.fill_optional && self.nodes < NODE_BUDGET)
                || c.is_some_and(|c| c.is_fixed() && self.opts.fill_optional);
            if !wanted {
                continue;
            }
            let value = match c {
                Some(c) => c.lexical().to_string(),
                None => match self.value(d.type_id) {
                    Ok(v) => v,
                    // An optional attribute whose value cannot be made is left out.
                    Err(_) if !u.required => continue,
                    Err(e) => {
                        return Err(GenError {
                            subject: format!("attribute '{}' ({})", d.name.local, e.subject),
                            ..e
                        });
                    }
                },
            };
            let (prefix, local, ns) = self.name_of(&d.name);
            el.attrs.push(XmlAttr {
                prefix,
                local,
                ns,
                value,
            });
        }
        Ok(())
    }

    /// Does the particle start an element of a type already being generated?
    fn recurses(&self, p: &Particle) -> bool {
        let model = self.model();
        match p {
            Particle::Term { term, .. } => match &model.terms[*term as usize] {
                Term::Element { names, .. } => names
                    .iter()
                    .any(|(_, e)| self.open_types.contains(&model.element(*e).type_id)),
                Term::Wildcard(_) => false,
            },
            Particle::Sequence { items, .. }
            | Particle::All { items, .. }
            | Particle::Choice { items, .. } => items.iter().any(|i| self.recurses(i)),
        }
    }

    /// Occurrences to generate for particle `p` with `min`/`max`.
    fn count(
        &mut self,
        p: &Particle,
        min: u32,
        max: Option<u32>,
        depth: usize,
        height: u32,
    ) -> u32 {
        // Optional recursion is never filled: it only makes documents deep.
        let fill = self.opts.fill_optional
            && depth <= self.opts.max_depth
            && self.nodes < NODE_BUDGET
            && height < INF
            && !self.recurses(p);
        if min == 0 && fill {
            max.map_or(1, |m| m.min(1))
        } else {
            min
        }
    }

    fn particle(
        &mut self,
        p: &Particle,
        depth: usize,
        out: &mut Vec<XmlElement>,
    ) -> Result<(), GenError> {
        let h = self.g.inner_height(p);
        let (min, max) = match p {
            Particle::Term { min, max, .. }
            | Particle::Sequence { min, max, .. }
            | Particle::All { min, max, .. }
            | Particle::Choice { min, max, .. } => (*min, *max),
        };
        let n = self.count(p, min, max, depth, h);
        for i in 0..n {
            let mut tmp = Vec::new();
            let saved = (self.nodes, self.next_id, self.rng.clone());
            let r = match p {
                Particle::Term { term, .. } => self.term(*term, depth).map(|e| tmp.push(e)),
                Particle::Sequence { items, .. } | Particle::All { items, .. } => items
                    .iter()
                    .try_for_each(|it| self.particle(it, depth, &mut tmp)),
                Particle::Choice { items, .. } => self.choice(items, depth, &mut tmp),
            };
            match r {
                Ok(()) => out.extend(tmp),
                // Optional content that cannot be made is left out.
                Err(_) if i >= min => {
                    (self.nodes, self.next_id, self.rng) = saved;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn choice(
        &mut self,
        items: &[Particle],
        depth: usize,
        out: &mut Vec<XmlElement>,
    ) -> Result<(), GenError> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        let heights: Vec<u32> = items.iter().map(|i| self.g.particle_height(i)).collect();
        if depth > self.opts.max_depth {
            // Deep in a recursion: the alternative that ends soonest.
            order.sort_by_key(|&i| heights[i]);
        } else {
            // The first alternative that can end at all, one that does not recurse if any.
            let rec: Vec<bool> = items.iter().map(|i| self.recurses(i)).collect();
            order.sort_by_key(|&i| (heights[i] >= INF, rec[i]));
        }
        let mut first_err = None;
        for i in order {
            let mut tmp = Vec::new();
            let saved = (self.nodes, self.next_id);
            match self.particle(&items[i], depth, &mut tmp) {
                Ok(()) => {
                    out.extend(tmp);
                    return Ok(());
                }
                Err(e) => {
                    (self.nodes, self.next_id) = saved;
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or_else(|| {
            GenError::new("a choice".into(), "cvc-complex-type.2.4", "no alternatives")
        }))
    }

    fn term(&mut self, term: u32, depth: usize) -> Result<XmlElement, GenError> {
        let model = self.model();
        match &model.terms[term as usize] {
            Term::Element { decl, names } => {
                // The declared element unless abstract, then substitution members in order.
                let mut cands: Vec<ElemId> = Vec::new();
                if !model.element(*decl).abstract_ {
                    cands.push(*decl);
                }
                for (_, e) in names {
                    if !model.element(*e).abstract_ && !cands.contains(e) {
                        cands.push(*e);
                    }
                }
                if depth > self.opts.max_depth {
                    cands.sort_by_key(|&e| self.g.type_height(model.element(e).type_id));
                }
                let mut first_err = None;
                for e in cands {
                    let saved = (self.nodes, self.next_id);
                    match self.element(e, depth) {
                        Ok(el) => return Ok(el),
                        Err(err) => {
                            (self.nodes, self.next_id) = saved;
                            first_err.get_or_insert(err);
                        }
                    }
                }
                Err(first_err.unwrap_or_else(|| {
                    GenError::new(
                        format!("element '{}'", model.element(*decl).name.local),
                        "cvc-elt.2",
                        "the element is abstract and no member of its substitution group can be used",
                    )
                }))
            }
            Term::Wildcard(w) => self.wildcard_element(w, depth),
        }
    }

    fn wildcard_element(&mut self, w: &Wildcard, depth: usize) -> Result<XmlElement, GenError> {
        let model = self.model();
        if w.process == Process::Strict {
            // A declared global element from an allowed namespace, the shallowest first.
            let mut cands: Vec<(u32, &QName, ElemId)> = model
                .global_elements
                .iter()
                .filter(|(q, e)| w.allows(q.ns_str()) && !model.element(**e).abstract_)
                .map(|(q, e)| (self.g.type_height(model.element(*e).type_id), q, *e))
                .collect();
            cands.sort();
            let mut first_err = None;
            for (_, _, e) in cands.into_iter().take(8) {
                match self.element(e, depth) {
                    Ok(el) => return Ok(el),
                    Err(err) => {
                        first_err.get_or_insert(err);
                    }
                }
            }
            return Err(first_err.unwrap_or_else(|| {
                GenError::new(
                    "a strict wildcard".into(),
                    "cvc-complex-type.2.4.c",
                    format!(
                        "no global element declared in the allowed namespaces ({})",
                        wildcard_label(w)
                    ),
                )
            }));
        }
        // Lax/skip: an undeclared element from an allowed namespace.
        const OTHER: &str = "urn:oir:generated:extension";
        let ns: Option<String> = match &w.ns {
            NsConstraint::Any => Some(OTHER.into()),
            NsConstraint::Not(n) => Some(if n.as_deref() == Some(OTHER) {
                format!("{OTHER}:2")
            } else {
                OTHER.into()
            }),
            NsConstraint::Set(set) => set
                .iter()
                .find(|n| n.is_some())
                .or_else(|| set.first())
                .cloned()
                .flatten()
                .map(|s| s.to_string()),
        };
        let mut local = "Udvidelse".to_string();
        let mut k = 2;
        while model.global_element(ns.as_deref(), &local).is_some() {
            local = format!("Udvidelse{k}");
            k += 1;
        }
        self.nodes += 1;
        let prefix = ns.as_deref().map(|n| self.prefix_for(n));
        Ok(XmlElement {
            prefix,
            local,
            ns,
            ..XmlElement::default()
        })
    }

    // ---- values --------------------------------------------------------------------------

    /// Check a candidate; remember why it failed.
    fn accept(
        &self,
        vt: TypeId,
        cand: String,
        last: &mut Option<simple::SimpleError>,
    ) -> Option<String> {
        match self.check(vt, &cand) {
            Ok(_) => Some(cand),
            Err(e) => {
                *last = Some(e);
                None
            }
        }
    }

    fn value(&mut self, t: TypeId) -> Result<String, GenError> {
        let model = self.model();
        let subject = format!("a value of type '{}'", model.type_name(t));
        let Some(vt) = model.value_type(t) else {
            return Err(GenError::new(subject, "cvc-type", "not a simple type"));
        };
        let TypeDef::Simple(st) = model.ty(vt) else {
            return Err(GenError::new(subject, "cvc-type", "not a simple type"));
        };
        let eff = effective(model, vt);
        let mut last: Option<simple::SimpleError> = None;
        // 1. An enumeration decides everything.
        if let Some(en) = eff.enumeration {
            let start = self.rng.below(en.len() as u64) as usize;
            for k in 0..en.len() {
                let (v, lex) = &en[(start + k) % en.len()];
                let cand = match v {
                    Value::QName {
                        ns: Some(ns),
                        local,
                    }
                    | Value::Notation {
                        ns: Some(ns),
                        local,
                    } => {
                        if self.no_prefixes {
                            continue;
                        }
                        format!("{}:{local}", self.prefix_for(ns))
                    }
                    _ => lex.clone(),
                };
                if let Some(ok) = self.accept(vt, cand, &mut last) {
                    return Ok(ok);
                }
            }
            return Err(value_error(
                subject,
                "cvc-enumeration-valid",
                last,
                "no enumeration value is valid for every restriction step",
            ));
        }
        match &st.variety {
            Variety::List(item) => {
                let (lo, hi) = eff.length_range();
                for attempt in 0..ATTEMPTS / 4 {
                    let n = if attempt == 0 && lo <= 1 && hi.is_none_or(|h| h >= 1) {
                        1
                    } else {
                        let span = hi.map_or(3, |h| h.saturating_sub(lo).min(3));
                        lo.max(1) + self.rng.below(span + 1)
                    };
                    let mut items = Vec::new();
                    for _ in 0..n.min(64) {
                        items.push(self.value(*item)?);
                    }
                    if let Some(ok) = self.accept(vt, items.join(" "), &mut last) {
                        return Ok(ok);
                    }
                }
                Err(value_error(
                    subject,
                    "cvc-length-valid",
                    last,
                    "no list of items meets the facets",
                ))
            }
            Variety::Union(members) => {
                let start = self.rng.below(members.len() as u64) as usize;
                for attempt in 0..4u64 {
                    for k in 0..members.len() {
                        let m = members[(start + k) % members.len()];
                        // Each member gets its own stream so retries differ.
                        let saved = std::mem::replace(
                            &mut self.rng,
                            Rng::new(self.opts.seed ^ (attempt << 32) ^ (k as u64 + 1)),
                        );
                        let v = self.value(m);
                        self.rng = saved;
                        if let Ok(v) = v
                            && let Some(ok) = self.accept(vt, v, &mut last)
                        {
                            return Ok(ok);
                        }
                    }
                }
                Err(value_error(
                    subject,
                    "cvc-datatype-valid",
                    last,
                    "no member type gives a value valid for the union's facets",
                ))
            }
            Variety::Atomic(b) => {
                let b = *b;
                // 2. Patterns: generate from one step's pattern, check against all steps.
                if !eff.pattern_steps.is_empty() {
                    let hirs: Vec<Vec<Hir>> = eff
                        .pattern_steps
                        .iter()
                        .map(|step| step.iter().filter_map(pattern_hir).collect())
                        .collect();
                    let (lo, hi) = eff.length_range();
                    for attempt in 0..ATTEMPTS {
                        let step = &hirs[(attempt as usize) % hirs.len()];
                        let Some(hir) = self.rng.pick(step) else {
                            continue;
                        };
                        let target = length_target(&mut self.rng, lo, hi, attempt);
                        let s =
                            sample_hir(hir, &mut self.rng, self.opts.realistic, target, attempt);
                        if let Some(s) = s
                            && let Some(ok) = self.accept(vt, s, &mut last)
                        {
                            return Ok(ok);
                        }
                    }
                }
                // 3. By datatype (also the fallback when the patterns gave nothing).
                for cand in self.typed_candidates(b, &eff) {
                    if let Some(ok) = self.accept(vt, cand, &mut last) {
                        return Ok(ok);
                    }
                }
                Err(value_error(
                    subject,
                    "cvc-datatype-valid",
                    last,
                    "no candidate value meets every facet",
                ))
            }
        }
    }

    fn words(&mut self, n: usize) -> String {
        const REAL: &[&str] = &[
            "Kommune",
            "Økonomi",
            "Bilag",
            "Sygedagpenge",
            "Betaling",
            "Aarhus",
            "Ærø",
            "Gård",
            "Faktura",
            "Indbetaling",
            "Næstved",
            "Højbjerg",
            "Udbetaling",
            "Sag",
            "Borger",
            "Debitor",
            "Åbenrå",
            "Postering",
        ];
        const EXOTIC: &[&str] = &[
            "Ωμέγα",
            "日本語",
            "Zürich",
            "𝄞musik",
            "Ærø",
            "naïve",
            "Ελλάδα",
            "façade",
            "Приём",
            "ﬁnans",
            "emoji😀",
            "Ŧęşť",
        ];
        let list = if self.opts.realistic { REAL } else { EXOTIC };
        (0..n.max(1))
            .map(|_| *self.rng.pick(list).unwrap_or(&"Test"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Candidate lexical values for a built-in datatype within the effective facets.
    fn typed_candidates(&mut self, b: Builtin, eff: &Effective<'_>) -> Vec<String> {
        use Builtin::*;
        use std::string::String;
        let realistic = self.opts.realistic;
        match b.primitive() {
            Boolean => {
                let mut v = vec!["true", "false"];
                if !realistic {
                    v.extend(["1", "0"]);
                }
                let k = self.rng.below(v.len() as u64) as usize;
                v.rotate_left(k);
                v.into_iter().map(String::from).collect()
            }
            Decimal => decimal_candidates(&mut self.rng, b, eff, realistic),
            Float | Double => float_candidates(&mut self.rng, b, eff),
            Duration => duration_candidates(&mut self.rng, eff),
            DateTime | Time | Date | GYearMonth | GYear | GMonthDay | GDay | GMonth => {
                temporal_candidates(&mut self.rng, b.primitive(), eff, realistic)
            }
            HexBinary | Base64Binary => {
                let (lo, hi) = eff.length_range();
                let mut out = Vec::new();
                for attempt in 0..4 {
                    let n = length_target(&mut self.rng, lo, hi, attempt)
                        .unwrap_or(4 + self.rng.below(5)) as usize;
                    let bytes: Vec<u8> = (0..n).map(|_| self.rng.below(256) as u8).collect();
                    let v = if b.primitive() == HexBinary {
                        Value::HexBinary(bytes)
                    } else {
                        Value::Base64Binary(bytes)
                    };
                    out.push(datatypes::canonical(&v));
                }
                out
            }
            QName | Notation => {
                let mut out = Vec::new();
                if b.primitive() == Notation && !self.no_prefixes {
                    let mut ns: Vec<&super::model::QName> = self.model().notations.keys().collect();
                    ns.sort();
                    for q in ns {
                        out.push(match q.ns_str() {
                            Some(n) => format!("{}:{}", self.prefix_for(n), q.local),
                            None => q.local.to_string(),
                        });
                    }
                }
                out.extend(["Kode".to_string(), "Vaerdi".to_string()]);
                out
            }
            _ => {
                // The string family and anyURI: a text of a length the facets allow.
                let (lo, hi) = eff.length_range();
                let mut out = Vec::new();
                for attempt in 0..6 {
                    let natural = self.natural_text(b);
                    let n = natural.chars().count() as u64;
                    let fits = n >= lo && hi.is_none_or(|h| n <= h);
                    if fits && attempt < 2 {
                        out.push(natural);
                        continue;
                    }
                    let target =
                        length_target(&mut self.rng, lo, hi, attempt as u64).unwrap_or(n.max(lo));
                    out.push(fit_text(b, &natural, target as usize));
                }
                out
            }
        }
    }

    /// A natural value of a string-family type (before length fitting).
    fn natural_text(&mut self, b: Builtin) -> String {
        use Builtin::*;
        use std::string::String;
        if b.derives_from(Id) {
            let n = self.next_id;
            self.next_id += 1;
            return format!("id{n}");
        }
        if b.derives_from(IdRef) || b == IdRefs {
            return "id1".into();
        }
        match b {
            Language => self
                .rng
                .pick(&["da", "da-DK", "en", "kl", "en-GB"])
                .unwrap_or(&"da")
                .to_string(),
            Name | NCName | Entity | Entities => {
                let w = self.words(1);
                let w: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
                if w.chars().next().is_some_and(|c| c.is_alphabetic()) {
                    w
                } else {
                    format!("N{w}")
                }
            }
            NmToken | NmTokens => format!("T{}", self.rng.below(1000)),
            AnyUri => format!("https://oir.example.dk/{}", self.rng.below(10_000)),
            _ => {
                let n = 1 + self.rng.below(3) as usize;
                self.words(n)
            }
        }
    }
}

fn value_error(
    subject: String,
    constraint: &str,
    last: Option<simple::SimpleError>,
    what: &str,
) -> GenError {
    match last {
        Some(e) => GenError::new(
            subject,
            e.constraint,
            format!("{what} (last candidate: {})", e.message),
        ),
        None => GenError::new(subject, constraint, what),
    }
}

/// Is a particle satisfied by no elements at all?
pub(crate) fn emptiable(p: &Particle) -> bool {
    match p {
        Particle::Term { min, .. } => *min == 0,
        Particle::Sequence { items, min, .. } | Particle::All { items, min, .. } => {
            *min == 0 || items.iter().all(emptiable)
        }
        Particle::Choice { items, min, .. } => *min == 0 || items.iter().any(emptiable),
    }
}

fn wildcard_label(w: &Wildcard) -> String {
    {
        match &w.ns {
            NsConstraint::Any => "any namespace".into(),
            NsConstraint::Not(n) => format!("not '{}'", n.as_deref().unwrap_or("")),
            NsConstraint::Set(s) => s
                .iter()
                .map(|n| n.as_deref().unwrap_or("no namespace").to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A length to aim for in `lo..=hi` (None = unconstrained): small by default, the edges on
/// some attempts.
pub(crate) fn length_target(rng: &mut Rng, lo: u64, hi: Option<u64>, attempt: u64) -> Option<u64> {
    if lo == 0 && hi.is_none() {
        return None;
    }
    let hi_v = hi.unwrap_or(lo.saturating_add(16)).max(lo);
    Some(match attempt % 4 {
        0 => (lo.max(1) + rng.below(8)).min(hi_v),
        1 => lo,
        2 => hi_v,
        _ => lo + rng.below(hi_v - lo + 1),
    })
}

/// Fit a natural text to exactly `n` characters, keeping it valid for its datatype.
pub(crate) fn fit_text(b: Builtin, natural: &str, n: usize) -> String {
    use Builtin::*;
    use std::string::String;
    const PAD: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    if n == 0 {
        return String::new();
    }
    match b {
        Language => {
            // language: [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*; never leave a lone '-x' short.
            let mut s = String::new();
            let mut rem = n;
            let mut first = true;
            while rem > 0 {
                if !first {
                    s.push('-');
                    rem -= 1;
                }
                let mut seg = rem.min(8);
                if rem - seg == 1 {
                    seg -= 1;
                }
                s.extend((0..seg).map(|i| PAD[i % 26] as char));
                rem -= seg;
                first = false;
            }
            s
        }
        AnyUri if n < natural.chars().count() || !natural.starts_with("http") => {
            (0..n).map(|i| PAD[i % 26] as char).collect()
        }
        _ => {
            let mut s: String = natural.chars().take(n).collect();
            let mut i = 0;
            while s.chars().count() < n {
                s.push(PAD[i % 26] as char);
                i += 1;
            }
            // Whitespace at the end would be collapsed away by token types.
            if s.ends_with(' ') {
                s.pop();
                s.push('x');
            }
            s
        }
    }
}

// ---------------------------------------------------------------------------------------
// Patterns: strings from the translated regular expression's HIR
// ---------------------------------------------------------------------------------------

/// Parse the engine's translated pattern (the same syntax the `regex` crate compiles).
pub(crate) fn pattern_hir(re: &XsdRegex) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .nest_limit(1000)
        .build()
        .parse(re.translated())
        .ok()
}

/// A string matching `hir`, aiming at `target` characters when given; `attempt` varies
/// the repetition policy.
pub(crate) fn sample_hir(
    hir: &Hir,
    rng: &mut Rng,
    realistic: bool,
    target: Option<u64>,
    attempt: u64,
) -> Option<String> {
    // Repetition policy per attempt: few extra items, none, exactly towards the target.
    let (cap, fill) = match (attempt % 6, target) {
        (0, _) => (3, false),
        (1, _) => (0, false),
        (2, Some(t)) => (t.saturating_sub(1) as u32, true),
        (3, Some(t)) => (t as u32, true),
        (4, Some(t)) => ((t / 2) as u32, false),
        (5, Some(t)) => (t.saturating_sub(2) as u32, true),
        _ => (1 + (attempt % 5) as u32, attempt.is_multiple_of(2)),
    };
    let mut g = PatGen {
        rng,
        realistic,
        cap,
        fill,
        budget: 20_000,
    };
    let mut out = String::new();
    if g.emit(hir, &mut out) {
        Some(out)
    } else {
        None
    }
}

struct PatGen<'r> {
    rng: &'r mut Rng,
    realistic: bool,
    /// Most extra repetitions beyond the minimum.
    cap: u32,
    /// Take `cap` extra repetitions (instead of a random number up to it).
    fill: bool,
    /// Characters left before giving up (hostile `{n,m}` nests).
    budget: usize,
}

impl PatGen<'_> {
    fn emit(&mut self, h: &Hir, out: &mut String) -> bool {
        if self.budget == 0 {
            return false;
        }
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => true,
            HirKind::Literal(l) => match std::str::from_utf8(&l.0) {
                Ok(s) => {
                    self.budget = self.budget.saturating_sub(s.len());
                    out.push_str(s);
                    true
                }
                Err(_) => false,
            },
            HirKind::Class(Class::Unicode(c)) => {
                let ranges: Vec<(char, char)> =
                    c.ranges().iter().map(|r| (r.start(), r.end())).collect();
                match pick_char(&ranges, self.rng, self.realistic) {
                    Some(ch) => {
                        self.budget -= 1;
                        out.push(ch);
                        true
                    }
                    None => false,
                }
            }
            HirKind::Class(Class::Bytes(c)) => {
                let ranges: Vec<(char, char)> = c
                    .ranges()
                    .iter()
                    .filter(|r| r.start() < 0x80)
                    .map(|r| (r.start() as char, (r.end().min(0x7F)) as char))
                    .collect();
                match pick_char(&ranges, self.rng, self.realistic) {
                    Some(ch) => {
                        self.budget -= 1;
                        out.push(ch);
                        true
                    }
                    None => false,
                }
            }
            HirKind::Repetition(r) => {
                let room = r.max.map_or(u32::MAX, |m| m - r.min);
                let extra = if self.fill {
                    room.min(self.cap)
                } else {
                    self.rng.below(u64::from(room.min(self.cap)) + 1) as u32
                };
                let n = r.min.saturating_add(extra);
                for _ in 0..n {
                    if !self.emit(&r.sub, out) {
                        return false;
                    }
                }
                true
            }
            HirKind::Capture(c) => self.emit(&c.sub, out),
            HirKind::Concat(items) => items.iter().all(|i| self.emit(i, out)),
            HirKind::Alternation(alts) => {
                let start = self.rng.below(alts.len() as u64) as usize;
                let mark = out.len();
                for k in 0..alts.len() {
                    out.truncate(mark);
                    if self.emit(&alts[(start + k) % alts.len()], out) {
                        return true;
                    }
                }
                false
            }
        }
    }
}

/// Characters a realistic value prefers, in order of preference groups.
const REALISTIC: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZæøåÆØÅ";

fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    ranges.iter().any(|&(a, b)| a <= c && c <= b)
}

/// Safe in an instance: an XML character that survives parsing unchanged and is no
/// control character.
fn safe_char(c: char) -> bool {
    crate::xml::is_xml_char(c) && !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// A character of the class: realistic ones first, then printable ASCII, then anything
/// safe, whitespace only as a last resort.
pub(crate) fn pick_char(ranges: &[(char, char)], rng: &mut Rng, realistic: bool) -> Option<char> {
    if ranges.is_empty() {
        return None;
    }
    if !realistic && rng.below(2) == 0 {
        // Exotic: any safe character of a random range.
        for _ in 0..16 {
            let &(a, b) = rng.pick(ranges)?;
            let span = u64::from(b) - u64::from(a) + 1;
            let c = char::from_u32(a as u32 + rng.below(span) as u32);
            if let Some(c) = c
                && safe_char(c)
                && !c.is_whitespace()
            {
                return Some(c);
            }
        }
    }
    let pref: Vec<char> = REALISTIC
        .chars()
        .filter(|&c| in_ranges(ranges, c))
        .collect();
    if let Some(c) = rng.pick(&pref) {
        return Some(*c);
    }
    let ascii: Vec<char> = ('!'..='~').filter(|&c| in_ranges(ranges, c)).collect();
    if let Some(c) = rng.pick(&ascii) {
        return Some(*c);
    }
    let mut other = Vec::new();
    for &(a, b) in ranges {
        let mut c = a as u32;
        while c <= b as u32 && other.len() < 64 {
            if let Some(ch) = char::from_u32(c)
                && safe_char(ch)
                && !ch.is_whitespace()
            {
                other.push(ch);
            }
            c += 1;
            // Huge ranges: sample the start only.
            if c > a as u32 + 256 {
                break;
            }
        }
        if other.len() >= 64 {
            break;
        }
    }
    if let Some(c) = rng.pick(&other) {
        return Some(*c);
    }
    [' ', '\t', '\n']
        .into_iter()
        .find(|&c| in_ranges(ranges, c))
}

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

/// 10^-k as a decimal (1 for k = 0).
pub(crate) fn decimal_unit(k: u32) -> Decimal {
    let s = if k == 0 {
        "1".to_string()
    } else {
        format!("0.{}1", "0".repeat(k as usize - 1))
    };
    Decimal::parse(&s).unwrap_or(Decimal::ZERO)
}

/// The smallest step of a decimal type: 10^-fractionDigits, or one unit in the last place
/// of `reference` when the type does not limit fraction digits.
pub(crate) fn decimal_step(eff: &Effective<'_>, reference: &Decimal) -> Decimal {
    match eff.fraction_digits.or(eff.implicit_fraction_digits) {
        Some(fd) => decimal_unit(fd),
        None => decimal_unit(reference.fraction_digits()),
    }
}

fn as_decimal(v: &Value) -> Option<&Decimal> {
    match v {
        Value::Decimal(d) => Some(d),
        _ => None,
    }
}

/// Decimal lexical for a builtin: integers never get a point.
fn decimal_lexical(d: &Decimal) -> String {
    d.to_string()
}

fn decimal_candidates(
    rng: &mut Rng,
    b: Builtin,
    eff: &Effective<'_>,
    realistic: bool,
) -> Vec<String> {
    let fd = eff.fraction_digits.or(eff.implicit_fraction_digits);
    let td = eff.total_digits;
    let integer = b.derives_from(Builtin::Integer) || fd == Some(0);
    let want_frac = if integer {
        0
    } else if realistic {
        fd.unwrap_or(2).min(2)
    } else {
        fd.unwrap_or(3).min(4)
    };
    let want_frac = match td {
        Some(t) => want_frac.min(t.saturating_sub(1)),
        None => want_frac,
    };
    let max_int = match td {
        Some(t) => t.saturating_sub(want_frac),
        None => 6,
    }
    .min(6);
    let mut out = Vec::new();
    for _ in 0..3 {
        let nd = if max_int == 0 {
            0
        } else {
            1 + rng.below(u64::from(max_int.min(4))) as u32
        };
        let mut s = String::new();
        if !realistic && rng.below(3) == 0 {
            s.push('-');
        }
        if nd == 0 {
            s.push('0');
        }
        for i in 0..nd {
            let lo = if i == 0 { 1 } else { 0 };
            s.push(char::from(b'0' + (lo + rng.below(10 - lo)) as u8));
        }
        if want_frac > 0 {
            s.push('.');
            for _ in 0..want_frac {
                s.push(char::from(b'0' + rng.below(10) as u8));
            }
        }
        out.push(s);
    }
    // From the bounds, exactly.
    let lo = eff
        .lo
        .as_ref()
        .and_then(|b| as_decimal(&b.value).map(|d| (d, b.inclusive)));
    let hi = eff
        .hi
        .as_ref()
        .and_then(|b| as_decimal(&b.value).map(|d| (d, b.inclusive)));
    if let (Some((l, _)), Some((h, _))) = (lo, hi) {
        let mid = (l.to_f64() + h.to_f64()) / 2.0;
        let prec = fd.unwrap_or(2).min(6) as usize;
        if mid.is_finite() {
            let s = format!("{mid:.prec$}");
            if let Some(d) = Decimal::parse(&s) {
                out.push(decimal_lexical(&d));
            }
        }
    }
    for (d, incl, up) in lo
        .map(|(d, i)| (d, i, true))
        .into_iter()
        .chain(hi.map(|(d, i)| (d, i, false)))
    {
        let step = decimal_step(eff, d);
        let one = decimal_unit(0);
        if incl {
            out.push(decimal_lexical(d));
        }
        let next = if up { d + &step } else { d - &step };
        out.push(decimal_lexical(&next));
        let next1 = if up { d + &one } else { d - &one };
        out.push(decimal_lexical(&next1));
    }
    out.extend(["1".to_string(), "0".to_string(), "-1".to_string()]);
    out
}

fn float_candidates(rng: &mut Rng, b: Builtin, eff: &Effective<'_>) -> Vec<String> {
    let mut out: Vec<String> = ["1.5", "42", "100", "0.25", "3.5E2", "-7.5"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let k = rng.below(out.len() as u64) as usize;
    out.rotate_left(k);
    let f = |v: &Value| match v {
        Value::Float(x) => Some(f64::from(*x)),
        Value::Double(x) => Some(*x),
        _ => None,
    };
    let lo = eff
        .lo
        .as_ref()
        .and_then(|b| f(&b.value).map(|v| (v, b.inclusive, &b.lexical)));
    let hi = eff
        .hi
        .as_ref()
        .and_then(|b| f(&b.value).map(|v| (v, b.inclusive, &b.lexical)));
    if let (Some((l, _, _)), Some((h, _, _))) = (lo, hi) {
        out.insert(0, format_float(b, (l + h) / 2.0));
    }
    for (v, incl, lex, up) in lo
        .map(|(v, i, l)| (v, i, l, true))
        .into_iter()
        .chain(hi.map(|(v, i, l)| (v, i, l, false)))
    {
        if incl {
            out.push(lex.to_string());
        }
        out.push(format_float(b, float_step(b, v, up)));
    }
    out
}

/// The next representable value above/below `v` in the type's precision.
pub(crate) fn float_step(b: Builtin, v: f64, up: bool) -> f64 {
    if b.primitive() == Builtin::Float {
        let x = v as f32;
        f64::from(if up { x.next_up() } else { x.next_down() })
    } else if up {
        v.next_up()
    } else {
        v.next_down()
    }
}

pub(crate) fn format_float(b: Builtin, v: f64) -> String {
    if b.primitive() == Builtin::Float {
        format!("{:e}", v as f32).replace('e', "E")
    } else {
        format!("{v:e}").replace('e', "E")
    }
}

// ---------------------------------------------------------------------------------------
// Dates, times, durations
// ---------------------------------------------------------------------------------------

pub(crate) fn is_leap(y: i64) -> bool {
    y.rem_euclid(4) == 0 && (y.rem_euclid(100) != 0 || y.rem_euclid(400) == 0)
}

pub(crate) fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Calendar fields of a date/time value, with its time zone (minutes east) as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fields {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Fraction digits of the seconds, as written (without the point).
    pub frac: String,
    pub tz: Option<i16>,
}

impl Fields {
    pub(crate) fn of(v: &Value) -> Option<Fields> {
        let Value::DateTime(d) = v else {
            return None;
        };
        let secs = d.seconds().to_string();
        let frac = secs
            .split_once('.')
            .map(|(_, f)| f.to_string())
            .unwrap_or_default();
        Some(Fields {
            year: d.year(),
            month: u32::from(d.month()),
            day: u32::from(d.day()),
            hour: u32::from(d.hour()),
            minute: u32::from(d.minute()),
            second: u32::from(d.second()),
            frac,
            tz: d.timezone_minutes(),
        })
    }

    fn year_str(&self) -> String {
        if self.year < 0 {
            format!("-{:04}", -self.year)
        } else {
            format!("{:04}", self.year)
        }
    }

    fn tz_str(&self) -> String {
        match self.tz {
            None => String::new(),
            Some(0) => "Z".into(),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                format!("{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }

    fn time_str(&self) -> String {
        let mut s = format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second);
        if !self.frac.is_empty() {
            s.push('.');
            s.push_str(&self.frac);
        }
        s
    }

    /// The lexical form for a date/time kind.
    pub(crate) fn lexical(&self, kind: Builtin) -> String {
        use Builtin::*;
        use std::string::String;
        let tz = self.tz_str();
        match kind {
            DateTime => format!(
                "{}-{:02}-{:02}T{}{tz}",
                self.year_str(),
                self.month,
                self.day,
                self.time_str()
            ),
            Date => format!("{}-{:02}-{:02}{tz}", self.year_str(), self.month, self.day),
            Time => format!("{}{tz}", self.time_str()),
            GYearMonth => format!("{}-{:02}{tz}", self.year_str(), self.month),
            GYear => format!("{}{tz}", self.year_str()),
            GMonthDay => format!("--{:02}-{:02}{tz}", self.month, self.day),
            GDay => format!("---{:02}{tz}", self.day),
            GMonth => format!("--{:02}{tz}", self.month),
            _ => String::new(),
        }
    }

    /// One step of the kind's smallest unit up or down (a day, a second, a month, a year).
    pub(crate) fn step(&self, kind: Builtin, up: bool) -> Option<Fields> {
        use Builtin::*;
        let mut f = self.clone();
        let d: i64 = if up { 1 } else { -1 };
        match kind {
            Date | GMonthDay => {
                let (y, m, dd) = add_days(f.year, f.month, f.day, d)?;
                if kind == GMonthDay && y != f.year {
                    return None;
                }
                (f.year, f.month, f.day) = (y, m, dd);
            }
            GDay => {
                let nd = i64::from(f.day) + d;
                if !(1..=31).contains(&nd) {
                    return None;
                }
                f.day = nd as u32;
            }
            GMonth => {
                let nm = i64::from(f.month) + d;
                if !(1..=12).contains(&nm) {
                    return None;
                }
                f.month = nm as u32;
            }
            GYearMonth => {
                let total = f.year * 12 + i64::from(f.month) - 1 + d;
                f.year = total.div_euclid(12);
                f.month = (total.rem_euclid(12) + 1) as u32;
                if f.year == 0 {
                    return None;
                }
            }
            GYear => {
                f.year += d;
                if f.year == 0 {
                    f.year += d;
                }
            }
            DateTime | Time => {
                if !f.frac.is_empty() {
                    // Keep the fraction: step by one unit of its last digit.
                    let v = super::datatypes::Decimal::parse(&format!("{}.{}", f.second, f.frac))?;
                    let unit = decimal_unit(f.frac.len() as u32);
                    let nv = if up { &v + &unit } else { &v - &unit };
                    let s = nv.to_string();
                    let (w, fr) = s.split_once('.').unwrap_or((&s, ""));
                    let w: i64 = w.parse().ok()?;
                    if (0..60).contains(&w) {
                        f.second = w as u32;
                        f.frac = format!("{fr:0<width$}", width = self.frac.len());
                        return Some(f);
                    }
                    return None;
                }
                let total =
                    i64::from(f.hour) * 3600 + i64::from(f.minute) * 60 + i64::from(f.second) + d;
                let days = total.div_euclid(86_400);
                let rem = total.rem_euclid(86_400);
                f.hour = (rem / 3600) as u32;
                f.minute = (rem % 3600 / 60) as u32;
                f.second = (rem % 60) as u32;
                if days != 0 {
                    if kind == Time {
                        return None;
                    }
                    let (y, m, dd) = add_days(f.year, f.month, f.day, days)?;
                    (f.year, f.month, f.day) = (y, m, dd);
                }
            }
            _ => return None,
        }
        Some(f)
    }
}

/// A date `n` days later (`n` small), skipping year 0.
pub(crate) fn add_days(mut y: i64, mut m: u32, mut d: u32, n: i64) -> Option<(i64, u32, u32)> {
    if n.unsigned_abs() > 100_000 {
        return None;
    }
    for _ in 0..n.unsigned_abs() {
        if n > 0 {
            if d < days_in_month(y, m) {
                d += 1;
            } else if m < 12 {
                (m, d) = (m + 1, 1);
            } else {
                y = if y == -1 { 1 } else { y + 1 };
                (m, d) = (1, 1);
            }
        } else if d > 1 {
            d -= 1;
        } else if m > 1 {
            m -= 1;
            d = days_in_month(y, m);
        } else {
            y = if y == 1 { -1 } else { y - 1 };
            (m, d) = (12, 31);
        }
    }
    Some((y, m, d))
}

fn temporal_candidates(
    rng: &mut Rng,
    kind: Builtin,
    eff: &Effective<'_>,
    realistic: bool,
) -> Vec<String> {
    let month = 1 + rng.below(12) as u32;
    let day = 1 + rng.below(28) as u32;
    let base = Fields {
        year: 2025,
        month,
        day,
        hour: 8 + rng.below(10) as u32,
        minute: [0, 15, 30, 45][rng.below(4) as usize],
        second: 0,
        frac: String::new(),
        // Realistic: local Danish time on instants, no zone on plain dates.
        tz: if realistic {
            matches!(kind, Builtin::DateTime | Builtin::Time).then_some(60)
        } else {
            [None, Some(0), Some(-300), Some(840)][rng.below(4) as usize]
        },
    };
    let mut out = vec![base.lexical(kind)];
    let mut plain = base.clone();
    plain.tz = None;
    out.push(plain.lexical(kind));
    // Near the bounds (their own time zone keeps them comparable).
    for (b, up) in eff
        .lo
        .iter()
        .map(|b| (b, true))
        .chain(eff.hi.iter().map(|b| (b, false)))
    {
        if b.inclusive {
            out.push(b.lexical.to_string());
        }
        if let Some(f) = Fields::of(&b.value) {
            let mut cur = f;
            for _ in 0..3 {
                match cur.step(kind, up) {
                    Some(n) => {
                        out.push(n.lexical(kind));
                        cur = n;
                    }
                    None => break,
                }
            }
        }
    }
    out
}

fn duration_candidates(rng: &mut Rng, eff: &Effective<'_>) -> Vec<String> {
    let mut out: Vec<String> = [
        "P1D",
        "PT1H",
        "P1M",
        "PT30M",
        "P1Y2M3DT4H5M6S",
        "P3D",
        "PT0S",
        "P10Y",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let k = rng.below(out.len() as u64) as usize;
    out.rotate_left(k);
    for (b, up) in eff
        .lo
        .iter()
        .map(|b| (b, true))
        .chain(eff.hi.iter().map(|b| (b, false)))
    {
        if b.inclusive {
            out.push(b.lexical.to_string());
        }
        if let Some(s) = duration_step(&b.value, up) {
            out.push(s);
        }
    }
    out
}

/// A duration one second above/below `v`, when its sign allows writing it.
pub(crate) fn duration_step(v: &Value, up: bool) -> Option<String> {
    let Value::Duration(d) = v else {
        return None;
    };
    let one = decimal_unit(0);
    let secs = if up {
        d.seconds() + &one
    } else {
        d.seconds() - &one
    };
    let months = d.months();
    let neg = months < 0 || secs.is_negative();
    if (months < 0 && secs.signum() > 0) || (months > 0 && secs.is_negative()) {
        return None;
    }
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push('P');
    let m = months.unsigned_abs();
    if m > 0 {
        let _ = write!(s, "{}Y{}M", m / 12, m % 12);
    }
    let abs = if secs.is_negative() { -&secs } else { secs };
    let _ = write!(s, "T{abs}S");
    Some(s)
}
