//! The compiled schema model: components in flat tables, addressed by index. Built once by
//! `compile`, then immutable and shared between threads.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::content_model::{ContentModel, Particle, TermId};
use super::datatypes::{Builtin, Value, WhiteSpace};
use super::regex::XsdRegex;

pub type TypeId = u32;
pub type ElemId = u32;
pub type AttrId = u32;
pub type IcId = u32;

/// An expanded name: namespace (None = no namespace) and local part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    pub ns: Option<Arc<str>>,
    pub local: Arc<str>,
}

impl QName {
    pub fn new(ns: Option<&str>, local: &str) -> Self {
        QName {
            ns: ns.map(Arc::from),
            local: Arc::from(local),
        }
    }
    pub fn ns_str(&self) -> Option<&str> {
        self.ns.as_deref()
    }
    pub fn is(&self, ns: Option<&str>, local: &str) -> bool {
        self.ns.as_deref() == ns && &*self.local == local
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.ns {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => write!(f, "{}", self.local),
        }
    }
}

/// Derivation methods, as used by `block` and `final`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Derivations {
    pub extension: bool,
    pub restriction: bool,
    pub substitution: bool,
    pub list: bool,
    pub union: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derivation {
    Extension,
    Restriction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueConstraint {
    Default(String),
    Fixed(String),
}

impl ValueConstraint {
    pub fn lexical(&self) -> &str {
        match self {
            ValueConstraint::Default(s) | ValueConstraint::Fixed(s) => s,
        }
    }
    pub fn is_fixed(&self) -> bool {
        matches!(self, ValueConstraint::Fixed(_))
    }
}

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // a flat table of types; boxing would only add indirection
pub enum TypeDef {
    Simple(SimpleType),
    Complex(ComplexType),
}

impl TypeDef {
    pub fn name(&self) -> Option<&QName> {
        match self {
            TypeDef::Simple(s) => s.name.as_ref(),
            TypeDef::Complex(c) => c.name.as_ref(),
        }
    }
    pub fn base(&self) -> Option<TypeId> {
        match self {
            TypeDef::Simple(s) => s.base,
            TypeDef::Complex(c) => c.base,
        }
    }
    pub fn final_(&self) -> Derivations {
        match self {
            TypeDef::Simple(s) => s.final_,
            TypeDef::Complex(c) => c.final_,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Variety {
    /// Atomic: values parse as this built-in type (the nearest built-in ancestor).
    Atomic(Builtin),
    List(TypeId),
    Union(Vec<TypeId>),
}

/// Facets declared in one restriction step. Patterns are OR-ed within a step; the
/// validator checks every step of the derivation chain, which ANDs them across steps.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub length: Option<u64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub patterns: Vec<XsdRegex>,
    pub enumeration: Option<Vec<(Value, String)>>,
    pub min_inclusive: Option<(Value, String)>,
    pub max_inclusive: Option<(Value, String)>,
    pub min_exclusive: Option<(Value, String)>,
    pub max_exclusive: Option<(Value, String)>,
    pub total_digits: Option<u32>,
    pub fraction_digits: Option<u32>,
    pub white_space: Option<WhiteSpace>,
    /// Facets marked fixed="true" (by facet element local name).
    pub fixed: Vec<&'static str>,
}

impl Facets {
    pub fn is_empty(&self) -> bool {
        self.length.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.patterns.is_empty()
            && self.enumeration.is_none()
            && self.min_inclusive.is_none()
            && self.max_inclusive.is_none()
            && self.min_exclusive.is_none()
            && self.max_exclusive.is_none()
            && self.total_digits.is_none()
            && self.fraction_digits.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct SimpleType {
    pub name: Option<QName>,
    /// None only for anySimpleType's own base chain end.
    pub base: Option<TypeId>,
    pub variety: Variety,
    /// Set for the built-in types themselves.
    pub builtin: Option<Builtin>,
    pub facets: Facets,
    /// Effective whiteSpace of this type.
    pub white_space: WhiteSpace,
    pub final_: Derivations,
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    Strict,
    Lax,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NsConstraint {
    Any,
    /// ##other: any namespace except this one and except no namespace.
    Not(Option<Arc<str>>),
    Set(Vec<Option<Arc<str>>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard {
    pub ns: NsConstraint,
    pub process: Process,
}

impl Wildcard {
    pub fn allows(&self, ns: Option<&str>) -> bool {
        match &self.ns {
            NsConstraint::Any => true,
            NsConstraint::Not(n) => ns.is_some() && ns != n.as_deref(),
            NsConstraint::Set(set) => set.iter().any(|s| s.as_deref() == ns),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Content {
    Empty,
    Simple(TypeId),
    Elements {
        particle: Option<Particle>,
        model: ContentModel,
        mixed: bool,
    },
}

#[derive(Debug, Clone)]
pub struct AttrUse {
    pub attr: AttrId,
    pub required: bool,
    pub constraint: Option<ValueConstraint>,
}

#[derive(Debug, Clone)]
pub struct ComplexType {
    pub name: Option<QName>,
    pub base: Option<TypeId>,
    pub derivation: Derivation,
    pub content: Content,
    pub attributes: Vec<AttrUse>,
    pub attribute_wildcard: Option<Wildcard>,
    pub abstract_: bool,
    pub block: Derivations,
    pub final_: Derivations,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct ElementDecl {
    pub name: QName,
    pub type_id: TypeId,
    pub nillable: bool,
    pub abstract_: bool,
    pub constraint: Option<ValueConstraint>,
    pub block: Derivations,
    pub final_: Derivations,
    pub subst_head: Option<ElemId>,
    pub identity: Vec<IcId>,
    pub global: bool,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct AttributeDecl {
    pub name: QName,
    pub type_id: TypeId,
    pub constraint: Option<ValueConstraint>,
}

/// A leaf of a content model: an element particle (matching its declaration and the
/// members of its substitution group) or a wildcard.
#[derive(Debug, Clone)]
pub enum Term {
    Element {
        decl: ElemId,
        /// Every name this particle accepts and the declaration that then applies.
        names: Vec<(QName, ElemId)>,
    },
    Wildcard(Wildcard),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcKind {
    Unique,
    Key,
    KeyRef(IcId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameTest {
    Any,
    AnyIn(Option<Arc<str>>),
    Name(QName),
}

impl NameTest {
    pub fn matches(&self, ns: Option<&str>, local: &str) -> bool {
        match self {
            NameTest::Any => true,
            NameTest::AnyIn(n) => n.as_deref() == ns,
            NameTest::Name(q) => q.is(ns, local),
        }
    }
}

/// One alternative of the restricted XPath subset of identity constraints.
#[derive(Debug, Clone)]
pub struct IcPath {
    /// Starts with `.//`: the steps may begin at any depth.
    pub descendant: bool,
    /// Element steps (`.` steps are dropped).
    pub steps: Vec<NameTest>,
    /// Final attribute step (fields only).
    pub attribute: Option<NameTest>,
}

#[derive(Debug, Clone)]
pub struct IdentityConstraint {
    pub name: QName,
    pub kind: IcKind,
    pub selector: Vec<IcPath>,
    pub fields: Vec<Vec<IcPath>>,
}

/// The compiled model of a schema set.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub types: Vec<TypeDef>,
    pub elements: Vec<ElementDecl>,
    pub attributes: Vec<AttributeDecl>,
    pub terms: Vec<Term>,
    pub identity: Vec<IdentityConstraint>,
    pub global_elements: HashMap<QName, ElemId>,
    pub global_types: HashMap<QName, TypeId>,
    pub global_attributes: HashMap<QName, AttrId>,
    pub notations: HashMap<QName, ()>,
    pub builtins: HashMap<Builtin, TypeId>,
    /// Content models that had to be approximated (huge nested counts), for warnings.
    pub approximations: Vec<String>,
    /// Per type, computed once after compiling: what the validator's hot path asks.
    pub simple_flags: Vec<SimpleFlags>,
}

/// Facts about a simple type the validator needs per value, precomputed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimpleFlags {
    /// Validation needs the typed value (value facets, lists, unions, non-string lengths).
    pub needs_value: bool,
    /// ID, IDREF (IDREFS and lists of IDREF count as IDREF) or neither.
    pub id_kind: Option<Builtin>,
}

impl Model {
    pub fn any_type(&self) -> TypeId {
        self.builtins[&Builtin::AnyType]
    }
    pub fn any_simple_type(&self) -> TypeId {
        self.builtins[&Builtin::AnySimpleType]
    }
    pub fn builtin(&self, b: Builtin) -> TypeId {
        self.builtins[&b]
    }
    /// Precomputed flags of a type (defaults when the model was built by hand).
    pub fn flags(&self, id: TypeId) -> SimpleFlags {
        self.simple_flags
            .get(id as usize)
            .copied()
            .unwrap_or(SimpleFlags {
                needs_value: true,
                id_kind: None,
            })
    }

    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id as usize]
    }
    pub fn element(&self, id: ElemId) -> &ElementDecl {
        &self.elements[id as usize]
    }
    pub fn attribute(&self, id: AttrId) -> &AttributeDecl {
        &self.attributes[id as usize]
    }

    pub fn global_element(&self, ns: Option<&str>, local: &str) -> Option<ElemId> {
        // Lookups with borrowed parts; the maps are small enough that building a key is fine
        // only on the rare root/wildcard paths.
        self.global_elements.get(&QName::new(ns, local)).copied()
    }
    pub fn global_attribute(&self, ns: Option<&str>, local: &str) -> Option<AttrId> {
        self.global_attributes.get(&QName::new(ns, local)).copied()
    }
    pub fn global_type(&self, q: &QName) -> Option<TypeId> {
        self.global_types.get(q).copied()
    }

    /// A readable name for a type (named types by QName, anonymous ones by kind).
    pub fn type_name(&self, id: TypeId) -> String {
        match self.ty(id).name() {
            Some(q) => q.local.to_string(),
            None => match self.ty(id) {
                TypeDef::Simple(_) => "anonymous simple type".into(),
                TypeDef::Complex(_) => "anonymous complex type".into(),
            },
        }
    }

    /// Is `derived` the same as or derived from `base`, without using a blocked method?
    /// Returns the methods used along the way on success.
    pub fn derivation_path(&self, derived: TypeId, base: TypeId) -> Option<Derivations> {
        let mut used = Derivations::default();
        let mut cur = derived;
        let mut guard = 0;
        loop {
            if cur == base {
                return Some(used);
            }
            guard += 1;
            if guard > 10_000 {
                return None;
            }
            let td = self.ty(cur);
            match td {
                TypeDef::Complex(c) => match c.derivation {
                    Derivation::Extension => used.extension = true,
                    Derivation::Restriction => used.restriction = true,
                },
                TypeDef::Simple(_) => {
                    used.restriction = true;
                    // A simple type is also validly derived from a union containing it.
                    if let Some(TypeDef::Simple(b)) = self.types.get(base as usize)
                        && let Variety::Union(members) = &b.variety
                        && members
                            .iter()
                            .any(|m| self.derivation_path(cur, *m).is_some())
                    {
                        return Some(used);
                    }
                }
            }
            match td.base() {
                Some(b) if b != cur => cur = b,
                _ => return None,
            }
        }
    }

    /// Every name a term accepts, for messages.
    pub fn term_label(&self, t: TermId) -> String {
        match &self.terms[t as usize] {
            Term::Element { decl, .. } => {
                let q = &self.element(*decl).name;
                match &q.ns {
                    Some(ns) => format!("{{{ns}}}{}", q.local),
                    None => q.local.to_string(),
                }
            }
            Term::Wildcard(w) => match &w.ns {
                NsConstraint::Any => "any element".into(),
                NsConstraint::Not(n) => format!(
                    "any element not in namespace '{}'",
                    n.as_deref().unwrap_or("")
                ),
                NsConstraint::Set(set) => format!(
                    "any element in {}",
                    set.iter()
                        .map(|n| n
                            .as_deref()
                            .map_or("no namespace".to_string(), |s| format!("'{s}'")))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            },
        }
    }

    /// Does term `t` accept the element name? Returns the declaration that applies
    /// (None for a wildcard match).
    pub fn term_matches(&self, t: TermId, ns: Option<&str>, local: &str) -> Option<Option<ElemId>> {
        match &self.terms[t as usize] {
            Term::Element { names, .. } => names
                .iter()
                .find(|(q, _)| q.is(ns, local))
                .map(|(_, e)| Some(*e)),
            Term::Wildcard(w) => w.allows(ns).then_some(None),
        }
    }
}

impl serde::Serialize for QName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
