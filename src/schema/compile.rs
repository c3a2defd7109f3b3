//! From loaded schema documents to the compiled [`Model`]: resolve every reference,
//! build derivations, flatten attribute groups, compile content models (with the Unique
//! Particle Attribution check) and check the schema constraints we know of.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::LoadError;
use super::content_model::{ContentModel, ModelError, Particle, TermId};
use super::datatypes::{self, Builtin, WhiteSpace};
use super::load::{Def, Kind, Loader, SchemaDoc, is_ncname};
use super::model::*;
use super::regex::XsdRegex;
use super::simple;
use crate::xml::tree::Element;
use crate::xml::{XSD_NS, XSI_NS};

/// Every built-in type by its local name in the XSD namespace.
pub const BUILTIN_NAMES: &[&str] = &[
    "anyType",
    "anySimpleType",
    "string",
    "normalizedString",
    "token",
    "language",
    "Name",
    "NCName",
    "ID",
    "IDREF",
    "IDREFS",
    "ENTITY",
    "ENTITIES",
    "NMTOKEN",
    "NMTOKENS",
    "QName",
    "NOTATION",
    "anyURI",
    "boolean",
    "decimal",
    "integer",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "nonNegativeInteger",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
    "positiveInteger",
    "float",
    "double",
    "duration",
    "dateTime",
    "time",
    "date",
    "gYearMonth",
    "gYear",
    "gMonthDay",
    "gDay",
    "gMonth",
    "hexBinary",
    "base64Binary",
];

type R<T> = Result<T, LoadError>;

struct Compiler<'l> {
    l: &'l Loader,
    patterns: &'l mut HashMap<String, XsdRegex>,
    m: Model,
    type_memo: HashMap<QName, TypeId>,
    type_done: HashSet<TypeId>,
    elem_memo: HashMap<QName, ElemId>,
    attr_memo: HashMap<QName, AttrId>,
    group_memo: HashMap<QName, Option<Particle>>,
    group_busy: HashSet<QName>,
    agroup_memo: HashMap<QName, AttrSet>,
    agroup_busy: HashSet<QName>,
    elem_terms: HashMap<ElemId, TermId>,
    ic_memo: HashMap<QName, IcId>,
    pending_keyrefs: Vec<(IcId, QName, Arc<str>, u32)>,
    /// While compiling a redefinition: self-references resolve to the original.
    redef: Vec<(Kind, QName, Def)>,
    redef_types: HashMap<(QName, usize), TypeId>,
    /// Content particles waiting for substitution groups to be complete.
    pending_models: Vec<(TypeId, Arc<str>, u32)>,
    /// Default/fixed values to check once all types are complete.
    pending_values: Vec<(TypeId, String, Arc<Element>, Arc<str>)>,
    /// Nesting of particles and types being compiled (guards the stack).
    depth: u32,
    /// Facets are being read from a simpleContent restriction (attributes may follow).
    facets_in_complex: bool,
}

/// Deepest nesting of particles/types we compile; real contracts stay far below.
const MAX_NESTING: u32 = 256;

#[derive(Clone, Default)]
struct AttrSet {
    uses: Vec<AttrUse>,
    prohibited: Vec<QName>,
    wildcard: Option<Wildcard>,
}

/// Compile everything the loader found.
pub fn compile(loader: &Loader) -> Result<Model, LoadError> {
    compile_with(loader, &mut HashMap::new())
}

/// Compile, reusing (and adding to) `patterns`: pattern facet value → compiled regex.
pub fn compile_with(
    loader: &Loader,
    patterns: &mut HashMap<String, XsdRegex>,
) -> Result<Model, LoadError> {
    let mut c = Compiler {
        l: loader,
        patterns,
        m: Model::default(),
        type_memo: HashMap::new(),
        type_done: HashSet::new(),
        elem_memo: HashMap::new(),
        attr_memo: HashMap::new(),
        group_memo: HashMap::new(),
        group_busy: HashSet::new(),
        agroup_memo: HashMap::new(),
        agroup_busy: HashSet::new(),
        elem_terms: HashMap::new(),
        ic_memo: HashMap::new(),
        pending_keyrefs: Vec::new(),
        redef: Vec::new(),
        redef_types: HashMap::new(),
        pending_models: Vec::new(),
        pending_values: Vec::new(),
        depth: 0,
        facets_in_complex: false,
    };
    c.builtins();
    for (kind, q) in &loader.order {
        let def = &loader.defs[&(*kind, q.clone())];
        let doc = def.doc;
        match kind {
            Kind::Type => {
                c.resolve_type(doc, &def.el, q, false)?;
            }
            Kind::Element => {
                c.resolve_element(doc, &def.el, q)?;
            }
            Kind::Attribute => {
                c.resolve_attribute(doc, &def.el, q)?;
            }
            Kind::Group => {
                c.resolve_group(doc, &def.el, q)?;
            }
            Kind::AttributeGroup => {
                c.resolve_agroup(doc, &def.el, q)?;
            }
            Kind::Notation => {
                c.m.notations.insert(q.clone(), ());
            }
        }
    }
    c.finish()?;
    Ok(c.m)
}

fn parse_bool(doc: &SchemaDoc, el: &Element, attr: &str) -> R<bool> {
    match el.attr(attr).map(str::trim) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(v) => Err(LoadError {
            file: doc.file.to_string(),
            line: el.pos.line,
            message: format!("{attr}='{v}' is not a boolean"),
        }),
    }
}

impl<'l> Compiler<'l> {
    fn doc(&self, doc: usize) -> &'l SchemaDoc {
        &self.l.docs[doc]
    }

    fn err(&self, doc: usize, el: &Element, message: impl Into<String>) -> LoadError {
        LoadError {
            file: self.l.docs[doc].file.to_string(),
            line: el.pos.line,
            message: message.into(),
        }
    }

    fn qref(&self, doc: usize, el: &Element, value: &str) -> R<QName> {
        let (ns, local) = el.resolve_qname(value).map_err(|m| self.err(doc, el, m))?;
        let d = self.doc(doc);
        // In a chameleon include, unqualified references move into the includer's namespace.
        let ns = match ns {
            None if d.chameleon => d.tns.as_deref().map(str::to_string),
            other => other,
        };
        Ok(QName::new(ns.as_deref(), &local))
    }

    fn builtins(&mut self) {
        for name in BUILTIN_NAMES {
            let b = Builtin::from_local_name(name).expect("built-in names match datatypes");
            let id = self.m.types.len() as TypeId;
            self.m.builtins.insert(b, id);
            let q = QName::new(Some(XSD_NS), name);
            self.m.global_types.insert(q.clone(), id);
            self.type_memo.insert(q, id);
            self.type_done.insert(id);
            // Placeholder, filled below once every id exists.
            self.m.types.push(TypeDef::Simple(SimpleType {
                name: None,
                base: None,
                variety: Variety::Atomic(b),
                builtin: Some(b),
                facets: Facets::default(),
                white_space: b.whitespace(),
                final_: Derivations::default(),
                line: 0,
            }));
        }
        let any_wild = Wildcard {
            ns: NsConstraint::Any,
            process: Process::Lax,
        };
        for name in BUILTIN_NAMES {
            let b = Builtin::from_local_name(name).expect("built-in");
            let id = self.m.builtins[&b];
            let q = QName::new(Some(XSD_NS), name);
            if b == Builtin::AnyType {
                let term = self.m.terms.len() as TermId;
                self.m.terms.push(Term::Wildcard(any_wild.clone()));
                let particle = Particle::Sequence {
                    items: vec![Particle::Term {
                        term,
                        min: 0,
                        max: None,
                    }],
                    min: 1,
                    max: Some(1),
                };
                let model = ContentModel::compile(&particle, &|_, _| true)
                    .unwrap_or_else(|_| ContentModel::empty());
                self.m.types[id as usize] = TypeDef::Complex(ComplexType {
                    name: Some(q),
                    base: None,
                    derivation: Derivation::Restriction,
                    content: Content::Elements {
                        particle: Some(particle),
                        model,
                        mixed: true,
                    },
                    attributes: Vec::new(),
                    attribute_wildcard: Some(any_wild.clone()),
                    abstract_: false,
                    block: Derivations::default(),
                    final_: Derivations::default(),
                    line: 0,
                });
                continue;
            }
            let base = b.base().map(|bb| self.m.builtins[&bb]);
            let variety = match b.item_type() {
                Some(item) => Variety::List(self.m.builtins[&item]),
                None => Variety::Atomic(b),
            };
            let mut facets = Facets::default();
            if b.item_type().is_some() {
                facets.min_length = Some(1);
            }
            self.m.types[id as usize] = TypeDef::Simple(SimpleType {
                name: Some(q),
                base,
                variety,
                builtin: Some(b),
                facets,
                white_space: b.whitespace(),
                final_: Derivations::default(),
                line: 0,
            });
        }
        // xml:lang, xml:space, xml:base, xml:id are always available.
        let xml = crate::xml::XML_NS;
        for (local, b) in [
            ("lang", Builtin::Language),
            ("space", Builtin::NCName),
            ("base", Builtin::AnyUri),
            ("id", Builtin::Id),
        ] {
            let id = self.m.attributes.len() as AttrId;
            let q = QName::new(Some(xml), local);
            self.m.attributes.push(AttributeDecl {
                name: q.clone(),
                type_id: self.m.builtins[&b],
                constraint: None,
            });
            self.m.global_attributes.insert(q.clone(), id);
            self.attr_memo.insert(q, id);
        }
    }

    fn alloc_type(&mut self) -> TypeId {
        let id = self.m.types.len() as TypeId;
        self.m.types.push(TypeDef::Simple(SimpleType {
            name: None,
            base: Some(self.m.any_simple_type()),
            variety: Variety::Atomic(Builtin::AnySimpleType),
            builtin: None,
            facets: Facets::default(),
            white_space: WhiteSpace::Preserve,
            final_: Derivations::default(),
            line: 0,
        }));
        id
    }

    fn redef_lookup(&self, kind: Kind, q: &QName) -> Option<Def> {
        self.redef
            .iter()
            .rev()
            .find(|(k, n, _)| *k == kind && n == q)
            .map(|(_, _, d)| d.clone())
    }

    /// A type by name. `complete` demands a finished definition (derivation bases).
    fn resolve_type(&mut self, doc: usize, at: &Element, q: &QName, complete: bool) -> R<TypeId> {
        if let Some(orig) = self.redef_lookup(Kind::Type, q) {
            let key = (q.clone(), Arc::as_ptr(&orig.el) as usize);
            if let Some(id) = self.redef_types.get(&key) {
                return Ok(*id);
            }
            let id = self.alloc_type();
            self.redef_types.insert(key, id);
            self.compile_type_def(id, &orig, Some(q.clone()))?;
            self.type_done.insert(id);
            return Ok(id);
        }
        if let Some(&id) = self.type_memo.get(q) {
            if complete && !self.type_done.contains(&id) {
                return Err(self.err(doc, at, format!("circular type derivation involving '{q}'")));
            }
            return Ok(id);
        }
        if q.ns.as_deref() == Some(XSD_NS) {
            return Err(self.err(
                doc,
                at,
                format!("'{}' is not a built-in type of XML Schema", q.local),
            ));
        }
        let Some(def) = self.l.defs.get(&(Kind::Type, q.clone())) else {
            return Err(self.err(
                doc,
                at,
                format!("type '{q}' is not defined (missing import or include?)"),
            ));
        };
        let id = self.alloc_type();
        self.type_memo.insert(q.clone(), id);
        self.m.global_types.insert(q.clone(), id);
        self.compile_type_def(id, def, Some(q.clone()))?;
        self.type_done.insert(id);
        Ok(id)
    }

    fn compile_type_def(&mut self, id: TypeId, def: &Def, name: Option<QName>) -> R<()> {
        let pushed = if let (Some(orig), Some(q)) = (&def.original, &name) {
            self.redef.push((Kind::Type, q.clone(), (**orig).clone()));
            true
        } else {
            false
        };
        let r = self.compile_type_into(id, def.doc, &def.el, name);
        if pushed {
            self.redef.pop();
        }
        r
    }

    /// Run `f` one nesting level deeper, refusing past MAX_NESTING (guards the stack).
    fn nested<T>(&mut self, doc: usize, el: &Element, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        self.depth += 1;
        let r = if self.depth > MAX_NESTING {
            Err(self.err(
                doc,
                el,
                format!("schema nesting deeper than {MAX_NESTING} levels (recursive definitions?)"),
            ))
        } else {
            f(self)
        };
        self.depth -= 1;
        r
    }

    fn compile_type_into(
        &mut self,
        id: TypeId,
        doc: usize,
        el: &Element,
        name: Option<QName>,
    ) -> R<()> {
        self.nested(doc, el, |c| c.compile_type_inner(id, doc, el, name))
    }

    fn compile_type_inner(
        &mut self,
        id: TypeId,
        doc: usize,
        el: &Element,
        name: Option<QName>,
    ) -> R<()> {
        let td = match el.local.as_str() {
            "simpleType" => TypeDef::Simple(self.simple_type(doc, el, name)?),
            "complexType" => TypeDef::Complex(self.complex_type(doc, el, name, id)?),
            other => {
                return Err(self.err(
                    doc,
                    el,
                    format!("expected a type definition, found xs:{other}"),
                ));
            }
        };
        self.m.types[id as usize] = td;
        Ok(())
    }

    fn anon_type(&mut self, doc: usize, el: &Element) -> R<TypeId> {
        if el.attr("name").is_some() {
            return Err(self.err(doc, el, "a local (anonymous) type must not have a name"));
        }
        let id = self.alloc_type();
        self.compile_type_into(id, doc, el, None)?;
        self.type_done.insert(id);
        Ok(id)
    }

    fn derivation_set(
        &self,
        doc: usize,
        el: &Element,
        attr: &str,
        default: &str,
        allowed: &[&str],
    ) -> R<Derivations> {
        let v = el.attr(attr).unwrap_or(default).trim().to_string();
        let mut d = Derivations::default();
        if v == "#all" {
            for a in allowed {
                set_derivation(&mut d, a);
            }
            return Ok(d);
        }
        for tok in v.split_whitespace() {
            if !allowed.contains(&tok) {
                if el.attr(attr).is_none() {
                    // An inapplicable token in blockDefault/finalDefault is ignored.
                    continue;
                }
                return Err(self.err(doc, el, format!("'{tok}' is not allowed in {attr}")));
            }
            set_derivation(&mut d, tok);
        }
        Ok(d)
    }

    fn check_xsd_children(&self, doc: usize, el: &Element) -> R<()> {
        for c in el.elements() {
            if c.ns.as_deref() != Some(XSD_NS) {
                return Err(self.err(
                    doc,
                    c,
                    format!("unexpected element '{}' inside xs:{}", c.local, el.local),
                ));
            }
        }
        let anns = el.elements().filter(|c| c.local == "annotation").count();
        if anns > 1
            || (anns == 1
                && el
                    .elements()
                    .next()
                    .is_some_and(|f| f.local != "annotation"))
        {
            return Err(self.err(
                doc,
                el,
                format!(
                    "xs:annotation must come first and at most once in xs:{}",
                    el.local
                ),
            ));
        }
        Ok(())
    }

    // ---- simple types -------------------------------------------------------------------

    fn simple_type(&mut self, doc: usize, el: &Element, name: Option<QName>) -> R<SimpleType> {
        self.check_xsd_children(doc, el)?;
        let final_ = self.derivation_set(
            doc,
            el,
            "final",
            &self.doc(doc).final_default.clone(),
            &["restriction", "list", "union"],
        )?;
        let kids: Vec<&Element> = content_children(el).collect();
        if kids.len() != 1 {
            return Err(self.err(
                doc,
                el,
                "xs:simpleType needs exactly one of xs:restriction, xs:list, xs:union",
            ));
        }
        let k = kids[0];
        let any_simple = self.m.any_simple_type();
        match k.local.as_str() {
            "restriction" => {
                self.check_xsd_children(doc, k)?;
                let inline: Vec<&Element> =
                    k.elements().filter(|c| c.local == "simpleType").collect();
                let base =
                    match (k.attr("base"), inline.as_slice()) {
                        (Some(b), []) => {
                            let q = self.qref(doc, k, b)?;
                            self.resolve_type(doc, k, &q, true)?
                        }
                        (None, [st]) => self.anon_type(doc, st)?,
                        (Some(_), _) => return Err(self.err(
                            doc,
                            k,
                            "xs:restriction has both a base attribute and an inline xs:simpleType",
                        )),
                        (None, _) => {
                            return Err(self.err(
                                doc,
                                k,
                                "xs:restriction needs a base attribute or one inline xs:simpleType",
                            ));
                        }
                    };
                let TypeDef::Simple(bt) = self.m.ty(base).clone() else {
                    return Err(self.err(
                        doc,
                        k,
                        format!(
                            "the base '{}' of a simple type must be a simple type",
                            self.m.type_name(base)
                        ),
                    ));
                };
                if base == self.m.any_simple_type() {
                    return Err(self.err(
                        doc,
                        k,
                        "a simple type cannot restrict xs:anySimpleType directly",
                    ));
                }
                if bt.final_.restriction {
                    return Err(self.err(
                        doc,
                        k,
                        format!("'{}' is final for restriction", self.m.type_name(base)),
                    ));
                }
                let facets = self.facets(doc, k, base, &bt)?;
                let white_space = facets.white_space.unwrap_or(bt.white_space);
                Ok(SimpleType {
                    name,
                    base: Some(base),
                    variety: bt.variety.clone(),
                    builtin: None,
                    facets,
                    white_space,
                    final_,
                    line: el.pos.line,
                })
            }
            "list" => {
                self.check_xsd_children(doc, k)?;
                let inline: Vec<&Element> =
                    k.elements().filter(|c| c.local == "simpleType").collect();
                let item = match (k.attr("itemType"), inline.as_slice()) {
                    (Some(b), []) => {
                        let q = self.qref(doc, k, b)?;
                        self.resolve_type(doc, k, &q, true)?
                    }
                    (None, [st]) => self.anon_type(doc, st)?,
                    _ => {
                        return Err(self.err(
                            doc,
                            k,
                            "xs:list needs exactly one of itemType or an inline xs:simpleType",
                        ));
                    }
                };
                match self.m.ty(item) {
                    TypeDef::Simple(it) => {
                        if matches!(it.variety, Variety::List(_)) {
                            return Err(self.err(
                                doc,
                                k,
                                "the item type of a list must not itself be a list",
                            ));
                        }
                        if let Variety::Union(ms) = &it.variety
                            && ms.iter().any(|m| matches!(self.m.ty(*m), TypeDef::Simple(s) if matches!(s.variety, Variety::List(_))))
                        {
                            return Err(self.err(doc, k, "the item type of a list must not be a union containing a list"));
                        }
                        if it.final_.list {
                            return Err(self.err(doc, k, "the item type is final for list"));
                        }
                    }
                    TypeDef::Complex(_) => {
                        return Err(self.err(
                            doc,
                            k,
                            "the item type of a list must be a simple type",
                        ));
                    }
                }
                Ok(SimpleType {
                    name,
                    base: Some(any_simple),
                    variety: Variety::List(item),
                    builtin: None,
                    facets: Facets::default(),
                    white_space: WhiteSpace::Collapse,
                    final_,
                    line: el.pos.line,
                })
            }
            "union" => {
                self.check_xsd_children(doc, k)?;
                let mut members = Vec::new();
                if let Some(list) = k.attr("memberTypes") {
                    for m in list.split_whitespace() {
                        let q = self.qref(doc, k, m)?;
                        members.push(self.resolve_type(doc, k, &q, true)?);
                    }
                }
                for st in k.elements().filter(|c| c.local == "simpleType") {
                    members.push(self.anon_type(doc, st)?);
                }
                if members.is_empty() {
                    return Err(self.err(doc, k, "xs:union needs member types"));
                }
                for m in &members {
                    match self.m.ty(*m) {
                        TypeDef::Simple(s) if s.final_.union => {
                            return Err(self.err(doc, k, "a member type is final for union"));
                        }
                        TypeDef::Simple(_) => {}
                        TypeDef::Complex(_) => {
                            return Err(self.err(doc, k, "union members must be simple types"));
                        }
                    }
                }
                Ok(SimpleType {
                    name,
                    base: Some(any_simple),
                    variety: Variety::Union(members),
                    builtin: None,
                    facets: Facets::default(),
                    white_space: WhiteSpace::Collapse,
                    final_,
                    line: el.pos.line,
                })
            }
            other => Err(self.err(doc, k, format!("unexpected xs:{other} in xs:simpleType"))),
        }
    }

    fn facets(&mut self, doc: usize, r: &Element, base: TypeId, bt: &SimpleType) -> R<Facets> {
        let mut f = Facets::default();
        let prim = match &bt.variety {
            Variety::Atomic(b) => Some(b.primitive()),
            _ => None,
        };
        let is_list = matches!(bt.variety, Variety::List(_));
        let is_union = matches!(bt.variety, Variety::Union(_));
        let mut enumeration: Vec<(datatypes::Value, String)> = Vec::new();
        let mut has_enum = false;
        let mut seen: HashSet<String> = HashSet::new();
        for fe in r.elements() {
            let name = fe.local.as_str();
            if matches!(name, "annotation" | "simpleType") {
                continue;
            }
            if self.facets_in_complex
                && matches!(name, "attribute" | "attributeGroup" | "anyAttribute")
            {
                continue; // a simpleContent restriction's own attributes
            }
            if matches!(
                name,
                "attribute"
                    | "attributeGroup"
                    | "anyAttribute"
                    | "sequence"
                    | "choice"
                    | "all"
                    | "group"
            ) {
                return Err(self.err(
                    doc,
                    fe,
                    format!("xs:{name} is not allowed in a simple type restriction"),
                ));
            }
            let Some(value) = fe.attr("value") else {
                return Err(self.err(doc, fe, format!("facet xs:{name} needs a value")));
            };
            if !matches!(name, "pattern" | "enumeration") && !seen.insert(name.to_string()) {
                return Err(self.err(doc, fe, format!("facet xs:{name} given twice")));
            }
            let applicable = facet_applies(name, prim, is_list, is_union);
            if !applicable {
                return Err(self.err(
                    doc,
                    fe,
                    format!(
                        "facet xs:{name} does not apply to '{}'",
                        self.m.type_name(base)
                    ),
                ));
            }
            if parse_bool(self.doc(doc), fe, "fixed")? {
                f.fixed.push(static_facet_name(name));
            }
            let resolve = |p: &str| scope_prefix(fe, p);
            let nonneg = |s: &str| -> R<u64> {
                let t = s.trim();
                let t = t.strip_prefix('+').unwrap_or(t);
                if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(self.err(
                        doc,
                        fe,
                        format!("{name}='{s}' is not a non-negative integer"),
                    ));
                }
                Ok(t.parse::<u64>().unwrap_or(u64::MAX))
            };
            match name {
                "length" => f.length = Some(nonneg(value)?),
                "minLength" => f.min_length = Some(nonneg(value)?),
                "maxLength" => f.max_length = Some(nonneg(value)?),
                "totalDigits" => {
                    let n = nonneg(value)?;
                    if n == 0 {
                        return Err(self.err(doc, fe, "totalDigits must be a positive integer"));
                    }
                    f.total_digits = Some(n.min(u32::MAX as u64) as u32)
                }
                "fractionDigits" => {
                    f.fraction_digits = Some(nonneg(value)?.min(u32::MAX as u64) as u32)
                }
                "pattern" => {
                    let re = match self.patterns.get(value) {
                        Some(re) => re.clone(),
                        None => {
                            let re = XsdRegex::new(value).map_err(|e| {
                                self.err(doc, fe, format!("invalid pattern '{value}': {e}"))
                            })?;
                            self.patterns.insert(value.to_string(), re.clone());
                            re
                        }
                    };
                    f.patterns.push(re);
                }
                "whiteSpace" => {
                    let ws = match value.trim() {
                        "preserve" => WhiteSpace::Preserve,
                        "replace" => WhiteSpace::Replace,
                        "collapse" => WhiteSpace::Collapse,
                        v => {
                            return Err(self.err(
                                doc,
                                fe,
                                format!("whiteSpace='{v}' must be preserve, replace or collapse"),
                            ));
                        }
                    };
                    let rank = |w: WhiteSpace| match w {
                        WhiteSpace::Preserve => 0,
                        WhiteSpace::Replace => 1,
                        WhiteSpace::Collapse => 2,
                    };
                    if rank(ws) < rank(bt.white_space) {
                        return Err(self.err(
                            doc,
                            fe,
                            "whiteSpace cannot be relaxed in a restriction",
                        ));
                    }
                    f.white_space = Some(ws);
                }
                "enumeration" => {
                    has_enum = true;
                    let v = simple::validate(&self.m, base, value, &resolve).map_err(|e| {
                        self.err(
                            doc,
                            fe,
                            format!(
                                "enumeration value '{value}' is not valid for the base type: {}",
                                e.message
                            ),
                        )
                    })?;
                    enumeration.push((v, value.to_string()));
                }
                "minInclusive" | "maxInclusive" | "minExclusive" | "maxExclusive" => {
                    let v = simple::validate(&self.m, base, value, &resolve).map_err(|e| {
                        self.err(
                            doc,
                            fe,
                            format!(
                                "{name} value '{value}' is not valid for the base type: {}",
                                e.message
                            ),
                        )
                    })?;
                    let slot = Some((v, value.to_string()));
                    match name {
                        "minInclusive" => f.min_inclusive = slot,
                        "maxInclusive" => f.max_inclusive = slot,
                        "minExclusive" => f.min_exclusive = slot,
                        _ => f.max_exclusive = slot,
                    }
                }
                other => return Err(self.err(doc, fe, format!("unknown facet xs:{other}"))),
            }
        }
        if has_enum {
            f.enumeration = Some(enumeration);
        }
        self.check_facet_consistency(doc, r, &f, bt)?;
        Ok(f)
    }

    fn check_facet_consistency(
        &self,
        doc: usize,
        r: &Element,
        f: &Facets,
        bt: &SimpleType,
    ) -> R<()> {
        let bad = |m: &str| Err(self.err(doc, r, m.to_string()));
        if let Some(l) = f.length
            && (f.min_length.is_some() || f.max_length.is_some())
        {
            // XSD 1.0 2nd edition: not together in one step; processors (and the W3C
            // suite) accept consistent values on list types.
            let consistent =
                f.min_length.is_none_or(|m| m <= l) && f.max_length.is_none_or(|m| m >= l);
            if !(matches!(bt.variety, Variety::List(_)) && consistent) {
                return bad(
                    "length cannot be combined with minLength or maxLength in one restriction",
                );
            }
        }
        // Built-in integer types have fractionDigits fixed at 0.
        if let (Some(fd), Variety::Atomic(b)) = (f.fraction_digits, &bt.variety)
            && fd != 0
            && b.implicit_fraction_digits() == Some(0)
        {
            return bad("fractionDigits is fixed at 0 for integer types");
        }
        if let (Some(a), Some(b)) = (f.min_length, f.max_length)
            && a > b
        {
            return bad("minLength is greater than maxLength");
        }
        if let (Some(fd), Some(td)) = (f.fraction_digits, f.total_digits)
            && fd > td
        {
            return bad("fractionDigits is greater than totalDigits");
        }
        if f.min_inclusive.is_some() && f.min_exclusive.is_some() {
            return bad("minInclusive and minExclusive cannot both be given");
        }
        if f.max_inclusive.is_some() && f.max_exclusive.is_some() {
            return bad("maxInclusive and maxExclusive cannot both be given");
        }
        use std::cmp::Ordering::*;
        let lower = f.min_inclusive.as_ref().or(f.min_exclusive.as_ref());
        let upper = f.max_inclusive.as_ref().or(f.max_exclusive.as_ref());
        if let (Some((lo, _)), Some((hi, _))) = (lower, upper) {
            match datatypes::compare(lo, hi) {
                Some(Greater) => return bad("the lower bound is greater than the upper bound"),
                Some(Equal) if f.min_exclusive.is_some() || f.max_exclusive.is_some() => {
                    return bad("the exclusive bounds leave no value");
                }
                _ => {}
            }
        }
        // A restriction may not widen the base's own facets.
        let base_f = &bt.facets;
        if let (Some(n), Some(b)) = (f.max_length, base_f.max_length)
            && n > b
        {
            return bad("maxLength is larger than the base type's maxLength");
        }
        if let (Some(n), Some(b)) = (f.min_length, base_f.min_length)
            && n < b
            && bt.builtin.is_none()
        {
            return bad("minLength is smaller than the base type's minLength");
        }
        if let (Some(n), Some(b)) = (f.length, base_f.length)
            && n != b
        {
            return bad("length differs from the base type's length");
        }
        if let (Some(n), Some(b)) = (f.total_digits, base_f.total_digits)
            && n > b
        {
            return bad("totalDigits is larger than the base type's totalDigits");
        }
        if let (Some(n), Some(b)) = (f.fraction_digits, base_f.fraction_digits)
            && n > b
        {
            return bad("fractionDigits is larger than the base type's fractionDigits");
        }
        for fixed in &bt.facets.fixed {
            let changed = match *fixed {
                "length" => f.length.is_some_and(|v| Some(v) != base_f.length),
                "minLength" => f.min_length.is_some_and(|v| Some(v) != base_f.min_length),
                "maxLength" => f.max_length.is_some_and(|v| Some(v) != base_f.max_length),
                "whiteSpace" => f.white_space.is_some_and(|v| Some(v) != base_f.white_space),
                "totalDigits" => f
                    .total_digits
                    .is_some_and(|v| Some(v) != base_f.total_digits),
                "fractionDigits" => f
                    .fraction_digits
                    .is_some_and(|v| Some(v) != base_f.fraction_digits),
                "maxInclusive" => f
                    .max_inclusive
                    .as_ref()
                    .zip(base_f.max_inclusive.as_ref())
                    .is_some_and(|(a, b)| !datatypes::equal(&a.0, &b.0)),
                "minInclusive" => f
                    .min_inclusive
                    .as_ref()
                    .zip(base_f.min_inclusive.as_ref())
                    .is_some_and(|(a, b)| !datatypes::equal(&a.0, &b.0)),
                "maxExclusive" => f
                    .max_exclusive
                    .as_ref()
                    .zip(base_f.max_exclusive.as_ref())
                    .is_some_and(|(a, b)| !datatypes::equal(&a.0, &b.0)),
                "minExclusive" => f
                    .min_exclusive
                    .as_ref()
                    .zip(base_f.min_exclusive.as_ref())
                    .is_some_and(|(a, b)| !datatypes::equal(&a.0, &b.0)),
                _ => false,
            };
            if changed {
                return bad(&format!(
                    "facet {fixed} is fixed in the base type and cannot be changed"
                ));
            }
        }
        Ok(())
    }

    // ---- complex types ------------------------------------------------------------------

    fn complex_type(
        &mut self,
        doc: usize,
        el: &Element,
        name: Option<QName>,
        self_id: TypeId,
    ) -> R<ComplexType> {
        self.check_xsd_children(doc, el)?;
        let d = self.doc(doc);
        let block = self.derivation_set(
            doc,
            el,
            "block",
            &d.block_default.clone(),
            &["extension", "restriction"],
        )?;
        let final_ = self.derivation_set(
            doc,
            el,
            "final",
            &d.final_default.clone(),
            &["extension", "restriction"],
        )?;
        let abstract_ = parse_bool(d, el, "abstract")?;
        let mixed_attr = parse_bool(d, el, "mixed")?;
        let kids: Vec<&Element> = content_children(el).collect();
        let any_type = self.m.any_type();
        let line = el.pos.line;

        if let Some(sc) = kids.iter().find(|k| k.local == "simpleContent") {
            if kids.len() != 1 {
                return Err(self.err(
                    doc,
                    el,
                    "xs:simpleContent must be the only child of xs:complexType",
                ));
            }
            self.check_xsd_children(doc, sc)?;
            let dk: Vec<&Element> = content_children(sc).collect();
            let [der] = dk.as_slice() else {
                return Err(self.err(
                    doc,
                    sc,
                    "xs:simpleContent needs one xs:extension or xs:restriction",
                ));
            };
            self.check_xsd_children(doc, der)?;
            let Some(base_name) = der.attr("base") else {
                return Err(self.err(doc, der, "a derivation needs a base attribute"));
            };
            let bq = self.qref(doc, der, base_name)?;
            let base = self.resolve_type(doc, der, &bq, true)?;
            let (base_content, base_attrs, base_wild, base_final) = match self.m.ty(base) {
                TypeDef::Simple(s) => (Content::Simple(base), AttrSet::default(), None, s.final_),
                TypeDef::Complex(c) => (
                    c.content.clone(),
                    AttrSet {
                        uses: c.attributes.clone(),
                        prohibited: vec![],
                        wildcard: None,
                    },
                    c.attribute_wildcard.clone(),
                    c.final_,
                ),
            };
            let own = self.attr_set(doc, der)?;
            match der.local.as_str() {
                "extension" => {
                    if base_final.extension {
                        return Err(self.err(
                            doc,
                            der,
                            format!("'{}' is final for extension", self.m.type_name(base)),
                        ));
                    }
                    let content = match base_content {
                        Content::Simple(t) => Content::Simple(t),
                        _ => return Err(self.err(doc, der, format!("the base '{}' of a simpleContent extension must have simple content", self.m.type_name(base)))),
                    };
                    if content_children(der).any(|c| {
                        !matches!(
                            c.local.as_str(),
                            "attribute" | "attributeGroup" | "anyAttribute"
                        )
                    }) {
                        return Err(self.err(
                            doc,
                            der,
                            "a simpleContent extension may only add attributes",
                        ));
                    }
                    let (attributes, wildcard) =
                        self.merge_extension_attrs(doc, der, base_attrs.uses, base_wild, own)?;
                    Ok(ComplexType {
                        name,
                        base: Some(base),
                        derivation: Derivation::Extension,
                        content,
                        attributes,
                        attribute_wildcard: wildcard,
                        abstract_,
                        block,
                        final_,
                        line,
                    })
                }
                "restriction" => {
                    if base_final.restriction {
                        return Err(self.err(
                            doc,
                            der,
                            format!("'{}' is final for restriction", self.m.type_name(base)),
                        ));
                    }
                    let base_simple = match (&base_content, self.m.ty(base)) {
                        (_, TypeDef::Simple(_)) => return Err(self.err(doc, der, "a simpleContent restriction needs a complex base type")),
                        (Content::Simple(t), _) => *t,
                        (Content::Elements { particle, mixed: true, .. }, _) if particle_emptiable(particle.as_ref()) => self.m.any_simple_type(),
                        _ => return Err(self.err(doc, der, format!("the base '{}' of a simpleContent restriction must have simple content", self.m.type_name(base)))),
                    };
                    // The restriction's own simple type: inline xs:simpleType and facets.
                    let inline: Vec<&Element> =
                        der.elements().filter(|c| c.local == "simpleType").collect();
                    let content_base = match inline.as_slice() {
                        [st] => self.anon_type(doc, st)?,
                        [] => base_simple,
                        _ => return Err(self.err(doc, der, "at most one inline xs:simpleType")),
                    };
                    let has_facets = der.elements().any(|c| {
                        !matches!(
                            c.local.as_str(),
                            "annotation"
                                | "simpleType"
                                | "attribute"
                                | "attributeGroup"
                                | "anyAttribute"
                        )
                    });
                    let content_type = if has_facets {
                        let TypeDef::Simple(bt) = self.m.ty(content_base).clone() else {
                            return Err(self.err(doc, der, "simple content base is not simple"));
                        };
                        self.facets_in_complex = true;
                        let facets = self.facets(doc, der, content_base, &bt);
                        self.facets_in_complex = false;
                        let facets = facets?;
                        let id = self.alloc_type();
                        let ws = facets.white_space.unwrap_or(bt.white_space);
                        self.m.types[id as usize] = TypeDef::Simple(SimpleType {
                            name: None,
                            base: Some(content_base),
                            variety: bt.variety.clone(),
                            builtin: None,
                            facets,
                            white_space: ws,
                            final_: Derivations::default(),
                            line: der.pos.line,
                        });
                        self.type_done.insert(id);
                        id
                    } else {
                        content_base
                    };
                    let (attributes, wildcard) =
                        self.merge_restriction_attrs(doc, der, base_attrs.uses, base_wild, own)?;
                    Ok(ComplexType {
                        name,
                        base: Some(base),
                        derivation: Derivation::Restriction,
                        content: Content::Simple(content_type),
                        attributes,
                        attribute_wildcard: wildcard,
                        abstract_,
                        block,
                        final_,
                        line,
                    })
                }
                other => Err(self.err(
                    doc,
                    der,
                    format!("unexpected xs:{other} in xs:simpleContent"),
                )),
            }
        } else if let Some(cc) = kids.iter().find(|k| k.local == "complexContent") {
            if kids.len() != 1 {
                return Err(self.err(
                    doc,
                    el,
                    "xs:complexContent must be the only child of xs:complexType",
                ));
            }
            self.check_xsd_children(doc, cc)?;
            let mixed = match cc.attr("mixed") {
                Some(_) => parse_bool(self.doc(doc), cc, "mixed")?,
                None => mixed_attr,
            };
            let dk: Vec<&Element> = content_children(cc).collect();
            let [der] = dk.as_slice() else {
                return Err(self.err(
                    doc,
                    cc,
                    "xs:complexContent needs one xs:extension or xs:restriction",
                ));
            };
            self.check_xsd_children(doc, der)?;
            let Some(base_name) = der.attr("base") else {
                return Err(self.err(doc, der, "a derivation needs a base attribute"));
            };
            let bq = self.qref(doc, der, base_name)?;
            let base = self.resolve_type(doc, der, &bq, true)?;
            if base == self_id {
                return Err(self.err(doc, der, "a type cannot derive from itself"));
            }
            let TypeDef::Complex(bc) = self.m.ty(base).clone() else {
                return Err(self.err(
                    doc,
                    der,
                    format!(
                        "the base '{}' of complexContent must be a complex type",
                        self.m.type_name(base)
                    ),
                ));
            };
            let own_particle = self.content_particle(doc, der)?;
            let own = self.attr_set(doc, der)?;
            match der.local.as_str() {
                "extension" => {
                    if bc.final_.extension {
                        return Err(self.err(
                            doc,
                            der,
                            format!("'{}' is final for extension", self.m.type_name(base)),
                        ));
                    }
                    let base_particle = match &bc.content {
                        Content::Elements {
                            particle,
                            mixed: bm,
                            ..
                        } => {
                            if *bm != mixed
                                && particle.is_some()
                                && own_particle.is_some()
                                && base != any_type
                            {
                                return Err(self.err(
                                    doc,
                                    der,
                                    "an extension must keep the base type's mixed setting",
                                ));
                            }
                            particle.clone()
                        }
                        Content::Simple(st) if own_particle.is_none() => {
                            // Only attributes are added: the content stays simple.
                            let (attributes, wildcard) = self.merge_extension_attrs(
                                doc,
                                der,
                                bc.attributes.clone(),
                                bc.attribute_wildcard.clone(),
                                own,
                            )?;
                            return Ok(ComplexType {
                                name,
                                base: Some(base),
                                derivation: Derivation::Extension,
                                content: Content::Simple(*st),
                                attributes,
                                attribute_wildcard: wildcard,
                                abstract_,
                                block,
                                final_,
                                line,
                            });
                        }
                        Content::Simple(_) => {
                            return Err(self.err(
                                doc,
                                der,
                                "complexContent cannot extend a type with simple content",
                            ));
                        }
                        Content::Empty => None,
                    };
                    // Processors treat an extension of anyType with own content as that
                    // content alone (the literal reading would violate UPA).
                    let base_particle = if base == any_type && own_particle.is_some() {
                        None
                    } else {
                        base_particle
                    };
                    if matches!(base_particle, Some(Particle::All { .. })) && own_particle.is_some()
                    {
                        return Err(self.err(
                            doc,
                            der,
                            "a type whose content is xs:all cannot be extended with more particles",
                        ));
                    }
                    if matches!(own_particle, Some(Particle::All { .. })) && base_particle.is_some()
                    {
                        return Err(self.err(
                            doc,
                            der,
                            "xs:all cannot be added by extension to non-empty content",
                        ));
                    }
                    let particle = match (base_particle, own_particle) {
                        (None, p) => p,
                        (p, None) => p,
                        (Some(a), Some(b)) => Some(Particle::Sequence {
                            items: vec![a, b],
                            min: 1,
                            max: Some(1),
                        }),
                    };
                    let mixed = mixed
                        || matches!(bc.content, Content::Elements { mixed: true, .. })
                            && base != any_type;
                    let content = self.make_content(particle, mixed, self_id, doc, der);
                    let (attributes, wildcard) = self.merge_extension_attrs(
                        doc,
                        der,
                        bc.attributes.clone(),
                        bc.attribute_wildcard.clone(),
                        own,
                    )?;
                    Ok(ComplexType {
                        name,
                        base: Some(base),
                        derivation: Derivation::Extension,
                        content,
                        attributes,
                        attribute_wildcard: wildcard,
                        abstract_,
                        block,
                        final_,
                        line,
                    })
                }
                "restriction" => {
                    if bc.final_.restriction {
                        return Err(self.err(
                            doc,
                            der,
                            format!("'{}' is final for restriction", self.m.type_name(base)),
                        ));
                    }
                    if matches!(bc.content, Content::Simple(_)) {
                        return Err(self.err(
                            doc,
                            der,
                            "complexContent cannot restrict a type with simple content",
                        ));
                    }
                    if mixed
                        && matches!(
                            bc.content,
                            Content::Elements { mixed: false, .. } | Content::Empty
                        )
                    {
                        return Err(self.err(
                            doc,
                            der,
                            "a restriction cannot make element-only content mixed",
                        ));
                    }
                    if own_particle.as_ref().is_some_and(|p| !particle_is_empty(p))
                        && matches!(bc.content, Content::Empty)
                    {
                        return Err(self.err(
                            doc,
                            der,
                            "a restriction of empty content cannot add elements",
                        ));
                    }
                    if own_particle.is_none()
                        && let Content::Elements { particle, .. } = &bc.content
                        && !particle_emptiable(particle.as_ref())
                    {
                        return Err(self.err(
                            doc,
                            der,
                            "a restriction to empty content needs an emptiable base",
                        ));
                    }
                    let content = self.make_content(own_particle, mixed, self_id, doc, der);
                    let (attributes, wildcard) = self.merge_restriction_attrs(
                        doc,
                        der,
                        bc.attributes.clone(),
                        bc.attribute_wildcard.clone(),
                        own,
                    )?;
                    Ok(ComplexType {
                        name,
                        base: Some(base),
                        derivation: Derivation::Restriction,
                        content,
                        attributes,
                        attribute_wildcard: wildcard,
                        abstract_,
                        block,
                        final_,
                        line,
                    })
                }
                other => Err(self.err(
                    doc,
                    der,
                    format!("unexpected xs:{other} in xs:complexContent"),
                )),
            }
        } else {
            // Shorthand: a restriction of anyType.
            let particle = self.content_particle(doc, el)?;
            let own = self.attr_set(doc, el)?;
            let content = self.make_content(particle, mixed_attr, self_id, doc, el);
            let (attributes, wildcard) =
                self.merge_restriction_attrs(doc, el, Vec::new(), None, own)?;
            Ok(ComplexType {
                name,
                base: Some(any_type),
                derivation: Derivation::Restriction,
                content,
                attributes,
                attribute_wildcard: wildcard,
                abstract_,
                block,
                final_,
                line,
            })
        }
    }

    fn make_content(
        &mut self,
        particle: Option<Particle>,
        mixed: bool,
        id: TypeId,
        doc: usize,
        at: &Element,
    ) -> Content {
        let empty = match &particle {
            None => true,
            Some(p) => particle_is_empty(p),
        };
        if empty && !mixed {
            return Content::Empty;
        }
        self.pending_models
            .push((id, self.l.docs[doc].file.clone(), at.pos.line));
        Content::Elements {
            particle: if empty { None } else { particle },
            model: ContentModel::empty(),
            mixed,
        }
    }

    /// The particle of a type's content: its single group/sequence/choice/all child.
    fn content_particle(&mut self, doc: usize, el: &Element) -> R<Option<Particle>> {
        let mut found = None;
        let mut seen_attr = false;
        for k in content_children(el) {
            match k.local.as_str() {
                "group" | "sequence" | "choice" | "all" => {
                    if found.is_some() || seen_attr {
                        return Err(self.err(
                            doc,
                            k,
                            "a complex type has at most one content group, before its attributes",
                        ));
                    }
                    found = Some(k);
                }
                "attribute" | "attributeGroup" => seen_attr = true,
                "anyAttribute" => seen_attr = true,
                "simpleType" if el.local == "restriction" => {}
                other => return Err(self.err(doc, k, format!("unexpected xs:{other} here"))),
            }
        }
        match found {
            None => Ok(None),
            Some(k) => self.particle(doc, k, true),
        }
    }

    fn occurs(&self, doc: usize, el: &Element) -> R<(u32, Option<u32>)> {
        let parse = |s: &str, what: &str| -> R<u32> {
            let t = s.trim();
            let t = t.strip_prefix('+').unwrap_or(t);
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(self.err(
                    doc,
                    el,
                    format!("{what}='{s}' is not a non-negative integer"),
                ));
            }
            Ok(t.parse::<u64>().unwrap_or(u64::MAX).min(u32::MAX as u64) as u32)
        };
        let min = match el.attr("minOccurs") {
            Some(v) => parse(v, "minOccurs")?,
            None => 1,
        };
        let max = match el.attr("maxOccurs").map(str::trim) {
            Some("unbounded") => None,
            Some(v) => Some(parse(v, "maxOccurs")?),
            None => Some(1),
        };
        if let Some(mx) = max
            && min > mx
        {
            return Err(self.err(
                doc,
                el,
                format!("minOccurs ({min}) is greater than maxOccurs ({mx})"),
            ));
        }
        Ok((min, max))
    }

    /// Compile a particle. `top` = directly the content of a type (where xs:all may be).
    fn particle(&mut self, doc: usize, el: &Element, top: bool) -> R<Option<Particle>> {
        self.nested(doc, el, |c| c.particle_inner(doc, el, top))
    }

    fn particle_inner(&mut self, doc: usize, el: &Element, top: bool) -> R<Option<Particle>> {
        self.check_xsd_children(doc, el)?;
        let (min, max) = self.occurs(doc, el)?;
        let p = match el.local.as_str() {
            "element" => {
                let term = self.element_term(doc, el)?;
                Particle::Term { term, min, max }
            }
            "any" => {
                let w = self.wildcard(doc, el)?;
                let term = self.m.terms.len() as TermId;
                self.m.terms.push(Term::Wildcard(w));
                Particle::Term { term, min, max }
            }
            "group" => {
                let Some(r) = el.attr("ref") else {
                    return Err(self.err(doc, el, "a local xs:group needs a ref"));
                };
                let q = self.qref(doc, el, r)?;
                let inner = self.resolve_group(doc, el, &q)?;
                match inner {
                    None => return Ok(None),
                    Some(p) => {
                        if matches!(p, Particle::All { .. }) && (!top || max != Some(1)) {
                            return Err(self.err(doc, el, "a group containing xs:all must be the whole content and occur at most once"));
                        }
                        with_occurs(p, min, max)
                    }
                }
            }
            "sequence" | "choice" | "all" => {
                let is_all = el.local == "all";
                if is_all {
                    if !top {
                        return Err(self.err(doc, el, "xs:all must be the whole content model"));
                    }
                    if max != Some(1) || min > 1 {
                        return Err(self.err(
                            doc,
                            el,
                            "xs:all must have minOccurs 0 or 1 and maxOccurs 1",
                        ));
                    }
                }
                let mut items = Vec::new();
                for k in content_children(el) {
                    if is_all && k.local != "element" {
                        return Err(self.err(doc, k, "xs:all may only contain xs:element"));
                    }
                    if !matches!(
                        k.local.as_str(),
                        "element" | "any" | "group" | "sequence" | "choice"
                    ) {
                        return Err(self.err(
                            doc,
                            k,
                            format!("xs:{} is not allowed in xs:{}", k.local, el.local),
                        ));
                    }
                    if let Some(p) = self.particle(doc, k, false)? {
                        if is_all
                            && let Particle::Term { max: m, .. } = &p
                            && m.is_none_or(|m| m > 1)
                        {
                            return Err(self.err(
                                doc,
                                k,
                                "elements in xs:all may occur at most once",
                            ));
                        }
                        items.push(p);
                    }
                }
                match el.local.as_str() {
                    "sequence" => Particle::Sequence { items, min, max },
                    "choice" => Particle::Choice { items, min, max },
                    _ => Particle::All { items, min, max },
                }
            }
            other => return Err(self.err(doc, el, format!("xs:{other} is not a particle"))),
        };
        if max == Some(0) {
            return Ok(None);
        }
        Ok(Some(p))
    }

    fn element_term(&mut self, doc: usize, el: &Element) -> R<TermId> {
        let id = if let Some(r) = el.attr("ref") {
            for forbidden in [
                "name", "type", "nillable", "default", "fixed", "form", "block",
            ] {
                if el.attr(forbidden).is_some() {
                    return Err(self.err(
                        doc,
                        el,
                        format!("an element reference must not have '{forbidden}'"),
                    ));
                }
            }
            if content_children(el).next().is_some() {
                return Err(self.err(doc, el, "an element reference must not have content"));
            }
            let q = self.qref(doc, el, r)?;
            self.resolve_element(doc, el, &q)?
        } else {
            self.element_decl(doc, el, false)?
        };
        if let Some(t) = self.elem_terms.get(&id) {
            return Ok(*t);
        }
        let t = self.m.terms.len() as TermId;
        self.m.terms.push(Term::Element {
            decl: id,
            names: Vec::new(),
        });
        self.elem_terms.insert(id, t);
        Ok(t)
    }

    fn resolve_element(&mut self, doc: usize, at: &Element, q: &QName) -> R<ElemId> {
        if let Some(&id) = self.elem_memo.get(q) {
            return Ok(id);
        }
        let Some(def) = self.l.defs.get(&(Kind::Element, q.clone())) else {
            return Err(self.err(
                doc,
                at,
                format!("element '{q}' is not declared (missing import or include?)"),
            ));
        };
        let def = def.clone();
        self.element_decl(def.doc, &def.el, true)
    }

    fn element_decl(&mut self, doc: usize, el: &Element, global: bool) -> R<ElemId> {
        let d = self.doc(doc);
        let Some(name) = el.attr("name").map(str::trim) else {
            return Err(self.err(doc, el, "xs:element needs a name or a ref"));
        };
        if !is_ncname(name) {
            return Err(self.err(doc, el, format!("'{name}' is not a valid element name")));
        }
        let qualified = match el.attr("form") {
            Some("qualified") => true,
            Some("unqualified") => false,
            Some(v) => {
                return Err(self.err(
                    doc,
                    el,
                    format!("form='{v}' must be qualified or unqualified"),
                ));
            }
            None => d.element_qualified,
        };
        if global {
            for forbidden in ["minOccurs", "maxOccurs", "form", "ref"] {
                if el.attr(forbidden).is_some() {
                    return Err(self.err(
                        doc,
                        el,
                        format!("a global element must not have '{forbidden}'"),
                    ));
                }
            }
        } else if el.attr("substitutionGroup").is_some()
            || el.attr("abstract").is_some()
            || el.attr("final").is_some()
        {
            return Err(self.err(
                doc,
                el,
                "a local element must not have substitutionGroup, abstract or final",
            ));
        }
        let ns = if global || qualified {
            d.tns.as_deref()
        } else {
            None
        };
        let q = QName::new(ns, name);
        let id = self.m.elements.len() as ElemId;
        let constraint = match (el.attr("default"), el.attr("fixed")) {
            (Some(_), Some(_)) => {
                return Err(self.err(doc, el, "an element cannot have both default and fixed"));
            }
            (Some(v), None) => Some(ValueConstraint::Default(v.to_string())),
            (None, Some(v)) => Some(ValueConstraint::Fixed(v.to_string())),
            (None, None) => None,
        };
        self.m.elements.push(ElementDecl {
            name: q.clone(),
            type_id: self.m.any_type(),
            nillable: parse_bool(d, el, "nillable")?,
            abstract_: parse_bool(d, el, "abstract")?,
            constraint: constraint.clone(),
            block: self.derivation_set(
                doc,
                el,
                "block",
                &d.block_default.clone(),
                &["extension", "restriction", "substitution"],
            )?,
            final_: self.derivation_set(
                doc,
                el,
                "final",
                &d.final_default.clone(),
                &["extension", "restriction"],
            )?,
            subst_head: None,
            identity: Vec::new(),
            global,
            line: el.pos.line,
        });
        if global {
            self.elem_memo.insert(q.clone(), id);
            self.m.global_elements.insert(q.clone(), id);
        }
        self.check_xsd_children(doc, el)?;
        let inline: Vec<&Element> = content_children(el)
            .filter(|c| matches!(c.local.as_str(), "simpleType" | "complexType"))
            .collect();
        let mut head = None;
        if let Some(sg) = el.attr("substitutionGroup") {
            let hq = self.qref(doc, el, sg)?;
            let h = self.resolve_element(doc, el, &hq)?;
            if h == id {
                return Err(self.err(
                    doc,
                    el,
                    "an element cannot be in its own substitution group",
                ));
            }
            head = Some(h);
        }
        let type_id = match (el.attr("type"), inline.as_slice()) {
            (Some(_), [_, ..]) => {
                return Err(self.err(
                    doc,
                    el,
                    "an element cannot have both a type attribute and an inline type",
                ));
            }
            (Some(t), []) => {
                let tq = self.qref(doc, el, t)?;
                self.resolve_type(doc, el, &tq, false)?
            }
            (None, [t]) => self.anon_type(doc, t)?,
            (None, []) => match head {
                Some(h) => self.m.element(h).type_id,
                None => self.m.any_type(),
            },
            (None, _) => return Err(self.err(doc, el, "an element can have only one inline type")),
        };
        let mut identity = Vec::new();
        for k in content_children(el) {
            match k.local.as_str() {
                "simpleType" | "complexType" => {}
                "unique" | "key" | "keyref" => identity.push(self.identity_constraint(doc, k)?),
                other => {
                    return Err(self.err(
                        doc,
                        k,
                        format!("xs:{other} is not allowed in xs:element"),
                    ));
                }
            }
        }
        if let Some(c) = &constraint {
            self.pending_values.push((
                type_id,
                c.lexical().to_string(),
                Arc::new(el.clone()),
                d.file.clone(),
            ));
        }
        let e = &mut self.m.elements[id as usize];
        e.type_id = type_id;
        e.subst_head = head;
        e.identity = identity;
        Ok(id)
    }

    fn identity_constraint(&mut self, doc: usize, el: &Element) -> R<IcId> {
        let Some(name) = el.attr("name").map(str::trim) else {
            return Err(self.err(doc, el, format!("xs:{} needs a name", el.local)));
        };
        let q = QName::new(self.doc(doc).tns.as_deref(), name);
        if self.ic_memo.contains_key(&q) {
            return Err(self.err(doc, el, format!("duplicate identity constraint '{name}'")));
        }
        let mut selector = None;
        let mut fields = Vec::new();
        for k in content_children(el) {
            let Some(xp) = k.attr("xpath") else {
                return Err(self.err(doc, k, format!("xs:{} needs an xpath", k.local)));
            };
            match k.local.as_str() {
                "selector" if selector.is_none() && fields.is_empty() => {
                    selector = Some(
                        parse_ic_xpath(xp, k, false, self.doc(doc))
                            .map_err(|m| self.err(doc, k, m))?,
                    );
                }
                "field" if selector.is_some() => {
                    fields.push(
                        parse_ic_xpath(xp, k, true, self.doc(doc))
                            .map_err(|m| self.err(doc, k, m))?,
                    );
                }
                other => {
                    return Err(self.err(
                        doc,
                        k,
                        format!("unexpected xs:{other} in xs:{}", el.local),
                    ));
                }
            }
        }
        let (Some(selector), false) = (selector, fields.is_empty()) else {
            return Err(self.err(
                doc,
                el,
                format!("xs:{} needs a selector and at least one field", el.local),
            ));
        };
        let id = self.m.identity.len() as IcId;
        let kind = match el.local.as_str() {
            "unique" => IcKind::Unique,
            "key" => IcKind::Key,
            _ => {
                let Some(r) = el.attr("refer") else {
                    return Err(self.err(doc, el, "xs:keyref needs refer"));
                };
                let rq = self.qref(doc, el, r)?;
                self.pending_keyrefs
                    .push((id, rq, self.doc(doc).file.clone(), el.pos.line));
                IcKind::KeyRef(IcId::MAX)
            }
        };
        self.m.identity.push(IdentityConstraint {
            name: q.clone(),
            kind,
            selector,
            fields,
        });
        self.ic_memo.insert(q, id);
        Ok(id)
    }

    fn wildcard(&self, doc: usize, el: &Element) -> R<Wildcard> {
        let process = match el.attr("processContents").map(str::trim) {
            None | Some("strict") => Process::Strict,
            Some("lax") => Process::Lax,
            Some("skip") => Process::Skip,
            Some(v) => {
                return Err(self.err(
                    doc,
                    el,
                    format!("processContents='{v}' must be strict, lax or skip"),
                ));
            }
        };
        let tns: Option<Arc<str>> = self.doc(doc).tns.clone();
        let ns = match el.attr("namespace").map(str::trim) {
            None | Some("##any") => NsConstraint::Any,
            Some("##other") => NsConstraint::Not(tns),
            Some(list) => {
                let mut set = Vec::new();
                for tok in list.split_whitespace() {
                    match tok {
                        "##targetNamespace" => set.push(tns.clone()),
                        "##local" => set.push(None),
                        "##any" | "##other" => {
                            return Err(self.err(
                                doc,
                                el,
                                format!("'{tok}' cannot be combined with other namespaces"),
                            ));
                        }
                        t if t.starts_with("##") => {
                            return Err(self.err(
                                doc,
                                el,
                                format!("unknown namespace token '{t}'"),
                            ));
                        }
                        uri => set.push(Some(Arc::from(uri))),
                    }
                }
                NsConstraint::Set(set)
            }
        };
        Ok(Wildcard { ns, process })
    }

    fn resolve_group(&mut self, doc: usize, at: &Element, q: &QName) -> R<Option<Particle>> {
        if let Some(orig) = self.redef_lookup(Kind::Group, q) {
            // Inside a redefinition the group refers to the original (which may itself
            // redefine an older one).
            if let Some(older) = &orig.original {
                self.redef.push((Kind::Group, q.clone(), (**older).clone()));
            }
            let r = self.group_body(orig.doc, &orig.el);
            if orig.original.is_some() {
                self.redef.pop();
            }
            return r;
        }
        if let Some(p) = self.group_memo.get(q) {
            return Ok(p.clone());
        }
        if !self.group_busy.insert(q.clone()) {
            return Err(self.err(doc, at, format!("group '{q}' refers to itself")));
        }
        let Some(def) = self.l.defs.get(&(Kind::Group, q.clone())).cloned() else {
            return Err(self.err(doc, at, format!("group '{q}' is not defined")));
        };
        if let Some(orig) = &def.original {
            self.redef.push((Kind::Group, q.clone(), (**orig).clone()));
        }
        let r = self.group_body(def.doc, &def.el);
        if def.original.is_some() {
            self.redef.pop();
        }
        self.group_busy.remove(q);
        let p = r?;
        self.group_memo.insert(q.clone(), p.clone());
        Ok(p)
    }

    fn group_body(&mut self, doc: usize, el: &Element) -> R<Option<Particle>> {
        self.check_xsd_children(doc, el)?;
        let kids: Vec<&Element> = content_children(el).collect();
        let [k] = kids.as_slice() else {
            return Err(self.err(
                doc,
                el,
                "a named group contains exactly one xs:sequence, xs:choice or xs:all",
            ));
        };
        if !matches!(k.local.as_str(), "sequence" | "choice" | "all") {
            return Err(self.err(
                doc,
                k,
                format!("xs:{} is not allowed in a named group", k.local),
            ));
        }
        if k.attr("minOccurs").is_some() || k.attr("maxOccurs").is_some() {
            return Err(self.err(
                doc,
                k,
                "the model group of a named group must not have minOccurs/maxOccurs",
            ));
        }
        self.particle(doc, k, true)
    }

    // ---- attributes ---------------------------------------------------------------------

    fn resolve_attribute(&mut self, doc: usize, at: &Element, q: &QName) -> R<AttrId> {
        if let Some(&id) = self.attr_memo.get(q) {
            return Ok(id);
        }
        let Some(def) = self.l.defs.get(&(Kind::Attribute, q.clone())).cloned() else {
            return Err(self.err(doc, at, format!("attribute '{q}' is not declared")));
        };
        let id = self.attribute_decl(def.doc, &def.el, true)?;
        self.attr_memo.insert(q.clone(), id);
        self.m.global_attributes.insert(q.clone(), id);
        Ok(id)
    }

    fn attribute_decl(&mut self, doc: usize, el: &Element, global: bool) -> R<AttrId> {
        self.check_xsd_children(doc, el)?;
        let d = self.doc(doc);
        let Some(name) = el.attr("name").map(str::trim) else {
            return Err(self.err(doc, el, "xs:attribute needs a name or a ref"));
        };
        if name == "xmlns" || !is_ncname(name) {
            return Err(self.err(doc, el, format!("'{name}' is not a valid attribute name")));
        }
        let qualified = match el.attr("form") {
            Some("qualified") => true,
            Some("unqualified") => false,
            Some(v) => {
                return Err(self.err(
                    doc,
                    el,
                    format!("form='{v}' must be qualified or unqualified"),
                ));
            }
            None => d.attribute_qualified,
        };
        if global && (el.attr("form").is_some() || el.attr("use").is_some()) {
            return Err(self.err(doc, el, "a global attribute must not have form or use"));
        }
        let ns = if global || qualified {
            d.tns.as_deref()
        } else {
            None
        };
        if ns == Some(XSI_NS) {
            return Err(self.err(
                doc,
                el,
                "attributes cannot be declared in the xsi namespace",
            ));
        }
        let inline: Vec<&Element> = content_children(el).collect();
        let type_id = match (el.attr("type"), inline.as_slice()) {
            (Some(t), []) => {
                let q = self.qref(doc, el, t)?;
                self.resolve_type(doc, el, &q, false)?
            }
            (None, [st]) if st.local == "simpleType" => self.anon_type(doc, st)?,
            (None, []) => self.m.any_simple_type(),
            _ => {
                return Err(self.err(
                    doc,
                    el,
                    "an attribute has either a type attribute or one inline xs:simpleType",
                ));
            }
        };
        if !matches!(self.m.ty(type_id), TypeDef::Simple(_)) && self.type_done.contains(&type_id) {
            return Err(self.err(doc, el, "an attribute's type must be a simple type"));
        }
        let constraint = match (el.attr("default"), el.attr("fixed")) {
            (Some(_), Some(_)) => {
                return Err(self.err(doc, el, "an attribute cannot have both default and fixed"));
            }
            (Some(v), None) => Some(ValueConstraint::Default(v.to_string())),
            (None, Some(v)) => Some(ValueConstraint::Fixed(v.to_string())),
            (None, None) => None,
        };
        if let Some(c) = &constraint {
            if matches!(self.m.ty(type_id), TypeDef::Simple(s) if s.builtin == Some(Builtin::Id) || matches!(s.variety, Variety::Atomic(Builtin::Id)))
            {
                return Err(self.err(
                    doc,
                    el,
                    "an ID attribute cannot have a default or fixed value",
                ));
            }
            self.pending_values.push((
                type_id,
                c.lexical().to_string(),
                Arc::new(el.clone()),
                d.file.clone(),
            ));
        }
        let id = self.m.attributes.len() as AttrId;
        self.m.attributes.push(AttributeDecl {
            name: QName::new(ns, name),
            type_id,
            constraint,
        });
        Ok(id)
    }

    /// The attribute uses, prohibitions and wildcard declared directly on `el`.
    fn attr_set(&mut self, doc: usize, el: &Element) -> R<AttrSet> {
        let mut set = AttrSet::default();
        let mut local_wild: Option<Wildcard> = None;
        let mut group_wilds: Vec<Wildcard> = Vec::new();
        for k in content_children(el) {
            match k.local.as_str() {
                "attribute" => {
                    let use_ = k.attr("use").map(str::trim).unwrap_or("optional");
                    if !matches!(use_, "optional" | "required" | "prohibited") {
                        return Err(self.err(
                            doc,
                            k,
                            format!("use='{use_}' must be optional, required or prohibited"),
                        ));
                    }
                    let (id, use_constraint) = if let Some(r) = k.attr("ref") {
                        if k.attr("name").is_some()
                            || k.attr("type").is_some()
                            || k.attr("form").is_some()
                        {
                            return Err(self.err(
                                doc,
                                k,
                                "an attribute reference must not have name, type or form",
                            ));
                        }
                        let q = self.qref(doc, k, r)?;
                        let id = self.resolve_attribute(doc, k, &q)?;
                        let c = match (k.attr("default"), k.attr("fixed")) {
                            (Some(_), Some(_)) => {
                                return Err(self.err(
                                    doc,
                                    k,
                                    "an attribute cannot have both default and fixed",
                                ));
                            }
                            (Some(v), None) => Some(ValueConstraint::Default(v.to_string())),
                            (None, Some(v)) => Some(ValueConstraint::Fixed(v.to_string())),
                            _ => None,
                        };
                        if let (Some(ValueConstraint::Fixed(gf)), Some(c)) =
                            (&self.m.attribute(id).constraint, &c)
                            && (!c.is_fixed() || c.lexical() != gf)
                        {
                            return Err(self.err(
                                doc,
                                k,
                                "the attribute declaration is fixed; a use must keep that value",
                            ));
                        }
                        (id, c)
                    } else {
                        let id = self.attribute_decl(doc, k, false)?;
                        (id, None)
                    };
                    if use_ == "required"
                        && matches!(
                            self.m
                                .attribute(id)
                                .constraint
                                .as_ref()
                                .or(use_constraint.as_ref()),
                            Some(ValueConstraint::Default(_))
                        )
                    {
                        return Err(self.err(doc, k, "a required attribute cannot have a default"));
                    }
                    if use_ != "optional" && k.attr("default").is_some() {
                        return Err(self.err(
                            doc,
                            k,
                            "an attribute with a default must be optional",
                        ));
                    }
                    let name = self.m.attribute(id).name.clone();
                    if set
                        .uses
                        .iter()
                        .any(|u| self.m.attribute(u.attr).name == name)
                        || set.prohibited.contains(&name)
                    {
                        return Err(self.err(doc, k, format!("attribute '{name}' declared twice")));
                    }
                    if use_ == "prohibited" {
                        set.prohibited.push(name);
                    } else {
                        set.uses.push(AttrUse {
                            attr: id,
                            required: use_ == "required",
                            constraint: use_constraint,
                        });
                    }
                }
                "attributeGroup" => {
                    let Some(r) = k.attr("ref") else {
                        return Err(self.err(doc, k, "a local xs:attributeGroup needs a ref"));
                    };
                    let q = self.qref(doc, k, r)?;
                    let g = self.resolve_agroup(doc, k, &q)?;
                    for u in g.uses {
                        let name = self.m.attribute(u.attr).name.clone();
                        if set
                            .uses
                            .iter()
                            .any(|x| self.m.attribute(x.attr).name == name)
                        {
                            return Err(self.err(
                                doc,
                                k,
                                format!("attribute '{name}' declared twice"),
                            ));
                        }
                        set.uses.push(u);
                    }
                    set.prohibited.extend(g.prohibited);
                    if let Some(w) = g.wildcard {
                        group_wilds.push(w);
                    }
                }
                "anyAttribute" => {
                    if local_wild.is_some() {
                        return Err(self.err(doc, k, "only one xs:anyAttribute"));
                    }
                    local_wild = Some(self.wildcard(doc, k)?);
                }
                _ => {}
            }
        }
        // The complete wildcard is the intersection of the local and the groups' wildcards.
        let mut w = local_wild;
        for g in group_wilds {
            w = Some(match w {
                None => g,
                Some(cur) => intersect_wildcards(&cur, &g),
            });
        }
        set.wildcard = w;
        Ok(set)
    }

    fn resolve_agroup(&mut self, doc: usize, at: &Element, q: &QName) -> R<AttrSet> {
        if let Some(orig) = self.redef_lookup(Kind::AttributeGroup, q) {
            if let Some(older) = &orig.original {
                self.redef
                    .push((Kind::AttributeGroup, q.clone(), (**older).clone()));
            }
            let r = self.attr_set(orig.doc, &orig.el);
            if orig.original.is_some() {
                self.redef.pop();
            }
            return r;
        }
        if let Some(g) = self.agroup_memo.get(q) {
            return Ok(g.clone());
        }
        if !self.agroup_busy.insert(q.clone()) {
            return Err(self.err(doc, at, format!("attribute group '{q}' refers to itself")));
        }
        let Some(def) = self.l.defs.get(&(Kind::AttributeGroup, q.clone())).cloned() else {
            return Err(self.err(doc, at, format!("attribute group '{q}' is not defined")));
        };
        self.check_xsd_children(def.doc, &def.el)?;
        if let Some(orig) = &def.original {
            self.redef
                .push((Kind::AttributeGroup, q.clone(), (**orig).clone()));
        }
        let r = self.attr_set(def.doc, &def.el);
        if def.original.is_some() {
            self.redef.pop();
        }
        self.agroup_busy.remove(q);
        let g = r?;
        self.agroup_memo.insert(q.clone(), g.clone());
        Ok(g)
    }

    fn merge_extension_attrs(
        &self,
        doc: usize,
        at: &Element,
        base: Vec<AttrUse>,
        base_wild: Option<Wildcard>,
        own: AttrSet,
    ) -> R<(Vec<AttrUse>, Option<Wildcard>)> {
        let mut uses = base;
        for u in own.uses {
            let name = &self.m.attribute(u.attr).name;
            if uses.iter().any(|b| &self.m.attribute(b.attr).name == name) {
                return Err(self.err(
                    doc,
                    at,
                    format!("attribute '{name}' is already in the base type"),
                ));
            }
            uses.push(u);
        }
        let wild = match (base_wild, own.wildcard) {
            (None, w) | (w, None) => w,
            (Some(a), Some(b)) => Some(union_wildcards(&a, &b)),
        };
        Ok((uses, wild))
    }

    fn merge_restriction_attrs(
        &self,
        doc: usize,
        at: &Element,
        base: Vec<AttrUse>,
        base_wild: Option<Wildcard>,
        own: AttrSet,
    ) -> R<(Vec<AttrUse>, Option<Wildcard>)> {
        let mut uses: Vec<AttrUse> = Vec::new();
        for b in &base {
            let name = &self.m.attribute(b.attr).name;
            if own.prohibited.contains(name) {
                if b.required {
                    return Err(self.err(
                        doc,
                        at,
                        format!("required attribute '{name}' of the base cannot be prohibited"),
                    ));
                }
                continue;
            }
            if let Some(o) = own
                .uses
                .iter()
                .find(|o| &self.m.attribute(o.attr).name == name)
            {
                if b.required && !o.required {
                    return Err(self.err(
                        doc,
                        at,
                        format!("attribute '{name}' is required in the base type"),
                    ));
                }
                uses.push(o.clone());
            } else {
                uses.push(b.clone());
            }
        }
        for o in &own.uses {
            let name = &self.m.attribute(o.attr).name;
            if !base.iter().any(|b| &self.m.attribute(b.attr).name == name) {
                let allowed = base_wild.as_ref().is_some_and(|w| w.allows(name.ns_str()));
                if !allowed && (!base.is_empty() || base_wild.is_some()) {
                    return Err(self.err(
                        doc,
                        at,
                        format!("attribute '{name}' is not allowed by the base type"),
                    ));
                }
                uses.push(o.clone());
            }
        }
        if own.wildcard.is_some() && base_wild.is_none() && !base.is_empty() {
            return Err(self.err(
                doc,
                at,
                "a restriction cannot add an attribute wildcard the base does not have",
            ));
        }
        Ok((uses, own.wildcard))
    }

    // ---- finishing ------------------------------------------------------------------------

    fn finish(&mut self) -> R<()> {
        // Substitution groups: members must derive from the head's type, heads may block.
        let n = self.m.elements.len();
        let mut members: Vec<Vec<ElemId>> = vec![Vec::new(); n];
        for id in 0..n {
            let e = &self.m.elements[id];
            if let Some(h) = e.subst_head {
                let head = &self.m.elements[h as usize];
                let Some(used) = self.m.derivation_path(e.type_id, head.type_id) else {
                    return Err(LoadError {
                        file: self.doc_file_of_line(),
                        line: e.line,
                        message: format!(
                            "the type of '{}' does not derive from the type of its substitution group head '{}'",
                            e.name, head.name
                        ),
                    });
                };
                if (used.extension && head.final_.extension)
                    || (used.restriction && head.final_.restriction && e.type_id != head.type_id)
                {
                    return Err(LoadError {
                        file: self.doc_file_of_line(),
                        line: e.line,
                        message: format!(
                            "'{}' is final and cannot have '{}' in its substitution group",
                            head.name, e.name
                        ),
                    });
                }
                // Transitive membership, guarding against cycles.
                let mut cur = Some(h);
                let mut guard = 0;
                while let Some(c) = cur {
                    if c as usize == id || guard > n {
                        return Err(LoadError {
                            file: self.doc_file_of_line(),
                            line: e.line,
                            message: format!("circular substitution group at '{}'", e.name),
                        });
                    }
                    members[c as usize].push(id as ElemId);
                    cur = self.m.elements[c as usize].subst_head;
                    guard += 1;
                }
            }
        }
        for t in 0..self.m.terms.len() {
            if let Term::Element { decl, .. } = &self.m.terms[t] {
                let decl = *decl;
                let head = &self.m.elements[decl as usize];
                let mut names = vec![(head.name.clone(), decl)];
                if !head.block.substitution {
                    for &mbr in &members[decl as usize] {
                        let me = &self.m.elements[mbr as usize];
                        let used = self
                            .m
                            .derivation_path(me.type_id, head.type_id)
                            .unwrap_or_default();
                        let blocked_by_type = match self.m.ty(head.type_id) {
                            TypeDef::Complex(c) => {
                                (used.extension && c.block.extension)
                                    || (used.restriction && c.block.restriction)
                            }
                            TypeDef::Simple(_) => false,
                        };
                        if (used.extension && head.block.extension)
                            || (used.restriction && head.block.restriction)
                            || blocked_by_type
                        {
                            continue;
                        }
                        names.push((me.name.clone(), mbr));
                    }
                }
                self.m.terms[t] = Term::Element { decl, names };
            }
        }
        // Content models, now that every term knows its names.
        let pending = std::mem::take(&mut self.pending_models);
        for (id, file, line) in pending {
            let TypeDef::Complex(ct) = &self.m.types[id as usize] else {
                continue;
            };
            let Content::Elements {
                particle, mixed, ..
            } = &ct.content
            else {
                continue;
            };
            let (particle, mixed) = (particle.clone(), *mixed);
            let model = match &particle {
                None => ContentModel::empty(),
                Some(p) => {
                    let terms = &self.m.terms;
                    let overlap = |a: TermId, b: TermId| {
                        terms_overlap(&terms[a as usize], &terms[b as usize])
                    };
                    match ContentModel::compile(p, &overlap) {
                        Ok(m) => m,
                        Err(ModelError::Ambiguous { first, second }) => {
                            return Err(LoadError {
                                file: file.to_string(),
                                line,
                                message: format!(
                                    "content model of '{}' is ambiguous (Unique Particle Attribution): {} and {} can match the same element",
                                    self.m.type_name(id),
                                    self.m.term_label(first),
                                    self.m.term_label(second)
                                ),
                            });
                        }
                        Err(ModelError::TooLarge) => {
                            return Err(LoadError {
                                file: file.to_string(),
                                line,
                                message: format!(
                                    "content model of '{}' is too large to compile",
                                    self.m.type_name(id)
                                ),
                            });
                        }
                    }
                }
            };
            if model.approximated() {
                self.m.approximations.push(format!(
                    "{file}:{line}: occurrence bounds of '{}' approximated",
                    self.m.type_name(id)
                ));
            }
            if let TypeDef::Complex(ct) = &mut self.m.types[id as usize] {
                ct.content = Content::Elements {
                    particle,
                    model,
                    mixed,
                };
            }
        }
        // Per-type flags for the validator's hot path.
        self.m.simple_flags = (0..self.m.types.len() as TypeId)
            .map(|t| SimpleFlags {
                needs_value: simple::needs_value(&self.m, t),
                id_kind: super::validate::compute_id_kind(&self.m, t),
            })
            .collect();
        // Keyrefs refer to keys or uniques.
        for (id, rq, file, line) in std::mem::take(&mut self.pending_keyrefs) {
            let Some(&target) = self.ic_memo.get(&rq) else {
                return Err(LoadError {
                    file: file.to_string(),
                    line,
                    message: format!("keyref refers to unknown key '{rq}'"),
                });
            };
            if matches!(self.m.identity[target as usize].kind, IcKind::KeyRef(_)) {
                return Err(LoadError {
                    file: file.to_string(),
                    line,
                    message: format!("keyref refers to another keyref '{rq}'"),
                });
            }
            if self.m.identity[target as usize].fields.len()
                != self.m.identity[id as usize].fields.len()
            {
                return Err(LoadError {
                    file: file.to_string(),
                    line,
                    message: format!("keyref and '{rq}' have different numbers of fields"),
                });
            }
            self.m.identity[id as usize].kind = IcKind::KeyRef(target);
        }
        // Default and fixed values must be valid for their types.
        for (t, lexical, el, file) in std::mem::take(&mut self.pending_values) {
            let resolve = |p: &str| scope_prefix(&el, p);
            let st = match self.m.ty(t) {
                TypeDef::Simple(_) => Some(t),
                TypeDef::Complex(c) => match &c.content {
                    Content::Simple(s) => Some(*s),
                    Content::Elements {
                        mixed: true,
                        particle,
                        ..
                    } if particle_emptiable(particle.as_ref()) => None,
                    _ => {
                        return Err(LoadError {
                            file: file.to_string(),
                            line: el.pos.line,
                            message: "a default or fixed value needs simple or mixed content"
                                .into(),
                        });
                    }
                },
            };
            if let Some(st) = st
                && let Err(e) = simple::validate(&self.m, st, &lexical, &resolve)
            {
                return Err(LoadError {
                    file: file.to_string(),
                    line: el.pos.line,
                    message: format!("default/fixed value '{lexical}' is invalid: {}", e.message),
                });
            }
        }
        Ok(())
    }

    fn doc_file_of_line(&self) -> String {
        self.l
            .docs
            .first()
            .map(|d| d.file.to_string())
            .unwrap_or_default()
    }
}

fn content_children(el: &Element) -> impl Iterator<Item = &Element> {
    el.elements().filter(|c| c.local != "annotation")
}

/// A prefix in a schema document's scope; no default namespace means no namespace.
fn scope_prefix(el: &Element, p: &str) -> Option<String> {
    match el.lookup_prefix(p) {
        Some(u) if !u.is_empty() || p.is_empty() => Some(u.to_string()),
        None if p.is_empty() => Some(String::new()),
        _ => None,
    }
}

fn set_derivation(d: &mut Derivations, tok: &str) {
    match tok {
        "extension" => d.extension = true,
        "restriction" => d.restriction = true,
        "substitution" => d.substitution = true,
        "list" => d.list = true,
        "union" => d.union = true,
        _ => {}
    }
}

fn static_facet_name(name: &str) -> &'static str {
    super::structure::FACETS
        .iter()
        .copied()
        .find(|n| *n == name)
        .unwrap_or("unknown")
}

fn facet_applies(name: &str, prim: Option<Builtin>, is_list: bool, is_union: bool) -> bool {
    if is_union {
        return matches!(name, "pattern" | "enumeration");
    }
    if is_list {
        return matches!(
            name,
            "length" | "minLength" | "maxLength" | "pattern" | "enumeration" | "whiteSpace"
        );
    }
    use Builtin::*;
    let Some(p) = prim else { return true };
    match name {
        "pattern" | "enumeration" | "whiteSpace" => true,
        "length" | "minLength" | "maxLength" => matches!(
            p,
            String | AnyUri | QName | Notation | HexBinary | Base64Binary
        ),
        "maxInclusive" | "maxExclusive" | "minInclusive" | "minExclusive" => {
            matches!(
                p,
                Decimal
                    | Float
                    | Double
                    | Duration
                    | DateTime
                    | Time
                    | Date
                    | GYearMonth
                    | GYear
                    | GMonthDay
                    | GDay
                    | GMonth
            )
        }
        "totalDigits" | "fractionDigits" => p == Decimal,
        _ => false,
    }
}

fn with_occurs(p: Particle, min: u32, max: Option<u32>) -> Particle {
    match p {
        Particle::Sequence { items, .. } => Particle::Sequence { items, min, max },
        Particle::Choice { items, .. } => Particle::Choice { items, min, max },
        Particle::All { items, .. } => Particle::All { items, min, max },
        Particle::Term { term, .. } => Particle::Term { term, min, max },
    }
}

/// A particle that can never match anything but the empty sequence.
fn particle_is_empty(p: &Particle) -> bool {
    match p {
        Particle::Term { .. } => false,
        Particle::Sequence { items, .. } | Particle::All { items, .. } => {
            items.iter().all(particle_is_empty)
        }
        Particle::Choice { items, min, .. } => {
            items.iter().all(particle_is_empty) && (*min == 0 || !items.is_empty())
        }
    }
}

fn particle_emptiable(p: Option<&Particle>) -> bool {
    fn go(p: &Particle) -> bool {
        match p {
            Particle::Term { min, .. } => *min == 0,
            Particle::Sequence { items, min, .. } | Particle::All { items, min, .. } => {
                *min == 0 || items.iter().all(go)
            }
            Particle::Choice { items, min, .. } => *min == 0 || items.iter().any(go),
        }
    }
    p.is_none_or(go)
}

fn terms_overlap(a: &Term, b: &Term) -> bool {
    match (a, b) {
        (Term::Element { names: na, .. }, Term::Element { names: nb, .. }) => {
            na.iter().any(|(x, _)| nb.iter().any(|(y, _)| x == y))
        }
        (Term::Element { names, .. }, Term::Wildcard(w))
        | (Term::Wildcard(w), Term::Element { names, .. }) => {
            names.iter().any(|(q, _)| w.allows(q.ns_str()))
        }
        (Term::Wildcard(x), Term::Wildcard(y)) => wildcards_intersect(x, y),
    }
}

fn wildcards_intersect(a: &Wildcard, b: &Wildcard) -> bool {
    use NsConstraint::*;
    match (&a.ns, &b.ns) {
        (Any, _) | (_, Any) => true,
        (Not(_), Not(_)) => true,
        (Not(n), Set(s)) | (Set(s), Not(n)) => s.iter().any(|x| x.is_some() && x != n),
        (Set(x), Set(y)) => x.iter().any(|v| y.contains(v)),
    }
}

fn union_wildcards(a: &Wildcard, b: &Wildcard) -> Wildcard {
    use NsConstraint::*;
    let ns = match (&a.ns, &b.ns) {
        (Any, _) | (_, Any) => Any,
        (Set(x), Set(y)) => {
            let mut s = x.clone();
            for v in y {
                if !s.contains(v) {
                    s.push(v.clone());
                }
            }
            Set(s)
        }
        (Not(n), Set(s)) | (Set(s), Not(n)) => {
            if s.contains(n) && s.contains(&None) {
                Any
            } else {
                Not(n.clone())
            }
        }
        (Not(x), Not(y)) => {
            if x == y {
                Not(x.clone())
            } else {
                Not(None)
            }
        }
    };
    Wildcard {
        ns,
        process: a.process,
    }
}

fn intersect_wildcards(a: &Wildcard, b: &Wildcard) -> Wildcard {
    use NsConstraint::*;
    let ns = match (&a.ns, &b.ns) {
        (Any, o) | (o, Any) => o.clone(),
        (Set(x), Set(y)) => Set(x.iter().filter(|v| y.contains(v)).cloned().collect()),
        (Not(n), Set(s)) | (Set(s), Not(n)) => Set(s
            .iter()
            .filter(|v| v.is_some() && *v != n)
            .cloned()
            .collect()),
        (Not(x), Not(y)) => {
            if x == y {
                Not(x.clone())
            } else {
                Set(Vec::new())
            }
        }
    };
    Wildcard {
        ns,
        process: a.process,
    }
}

/// Parse the XPath subset of selectors and fields (XSD 1.0 §3.11.6).
fn parse_ic_xpath(
    xp: &str,
    el: &Element,
    field: bool,
    doc: &SchemaDoc,
) -> Result<Vec<IcPath>, String> {
    let mut out = Vec::new();
    for alt in xp.split('|') {
        let mut s: String = alt.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return Err(format!("empty path in xpath '{xp}'"));
        }
        let mut descendant = false;
        if let Some(rest) = s.strip_prefix(".//") {
            descendant = true;
            s = rest.to_string();
        }
        let mut steps = Vec::new();
        let mut attribute = None;
        let parts: Vec<&str> = s.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            if part.is_empty() {
                return Err(format!(
                    "invalid xpath '{xp}' (only a leading './/' may use '//')"
                ));
            }
            if *part == "." || *part == "self::node()" {
                continue;
            }
            if let Some(a) = part
                .strip_prefix('@')
                .or_else(|| part.strip_prefix("attribute::"))
            {
                if !field || !last {
                    return Err(format!(
                        "attribute step '{part}' is only allowed at the end of a field"
                    ));
                }
                attribute = Some(name_test(a, el, doc)?);
                continue;
            }
            let p = part.strip_prefix("child::").unwrap_or(part);
            steps.push(name_test(p, el, doc)?);
        }
        out.push(IcPath {
            descendant,
            steps,
            attribute,
        });
    }
    Ok(out)
}

fn name_test(s: &str, el: &Element, _doc: &SchemaDoc) -> Result<NameTest, String> {
    if s == "*" {
        return Ok(NameTest::Any);
    }
    if let Some(p) = s.strip_suffix(":*") {
        let ns = el
            .lookup_prefix(p)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| format!("prefix '{p}' is not declared"))?;
        return Ok(NameTest::AnyIn(Some(Arc::from(ns))));
    }
    let (prefix, local) = crate::xml::split_qname(s);
    if !is_ncname(local) {
        return Err(format!("'{s}' is not a valid name test"));
    }
    // Unprefixed names in these XPaths are in no namespace (the default namespace does not apply).
    let ns = match prefix {
        None => None,
        Some(p) => Some(
            el.lookup_prefix(p)
                .filter(|u| !u.is_empty())
                .ok_or_else(|| format!("prefix '{p}' is not declared"))?,
        ),
    };
    Ok(NameTest::Name(QName::new(ns, local)))
}
