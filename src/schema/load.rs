//! Loading schema documents: files, include (also chameleon), import (any number of files
//! per namespace — the SF1600 OIO schemas need that), redefine, inline WSDL schemas, and an
//! optional catalog. Never touches the network.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::LoadError;
use super::model::QName;
use super::regex::XsdRegex;
use crate::xml::XSD_NS;
use crate::xml::tree::{self, Element};

/// How to find documents that are not next to the referring file.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Namespace URI or schemaLocation URL → local file.
    pub catalog: HashMap<String, PathBuf>,
}

impl LoadOptions {
    /// Read a catalog file: one mapping a line, `namespace-or-url = path` (relative to the
    /// catalog file); `#` starts a comment.
    pub fn read_catalog(path: &Path) -> Result<LoadOptions, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|e| LoadError {
            file: path.display().to_string(),
            line: 0,
            message: format!("cannot read catalog: {e}"),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut catalog = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let Some((key, file)) = line.rsplit_once('=') else {
                return Err(LoadError {
                    file: path.display().to_string(),
                    line: i as u32 + 1,
                    message: "expected 'namespace-or-url = path'".into(),
                });
            };
            catalog.insert(key.trim().to_string(), base.join(file.trim()));
        }
        Ok(LoadOptions { catalog })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Type,
    Element,
    Attribute,
    Group,
    AttributeGroup,
    Notation,
}

/// One schema document (a file, or an inline schema of a WSDL).
#[derive(Debug, Clone)]
pub struct SchemaDoc {
    pub file: Arc<str>,
    pub root: Arc<Element>,
    /// Effective target namespace (a chameleon include takes the includer's).
    pub tns: Option<Arc<str>>,
    pub chameleon: bool,
    pub element_qualified: bool,
    pub attribute_qualified: bool,
    pub block_default: String,
    pub final_default: String,
}

/// A top-level definition, waiting to be compiled.
#[derive(Debug, Clone)]
pub struct Def {
    pub doc: usize,
    pub el: Arc<Element>,
    /// For xs:redefine: the definition being redefined (self-references resolve to it).
    pub original: Option<Box<Def>>,
}

/// Work shared by the loads of one batch: `Catalog::load` loads a dozen WSDLs that import
/// mostly the same XSDs, and parsing, checking and compiling those again per WSDL was most of
/// the stub's start. Only documents and patterns that loaded without error are kept, so a
/// broken one is reported exactly as without the cache.
#[derive(Debug, Default)]
pub struct LoadCache {
    /// File content → the parsed, checked schema document. Keyed by content, not path: the
    /// packs carry identical copies of the shared XSDs.
    docs: HashMap<Vec<u8>, CachedDoc>,
    /// Pattern facet value → its compiled regex.
    pub(crate) patterns: HashMap<String, XsdRegex>,
    /// Path → canonical path (`None`: it does not exist): the same relative locations are
    /// resolved for every WSDL.
    canonical: HashMap<PathBuf, Option<PathBuf>>,
}

impl LoadCache {
    /// `path.canonicalize().ok()`, asking the file system once per path.
    pub fn canonicalize(&mut self, path: &Path) -> Option<PathBuf> {
        self.canonical
            .entry(path.to_path_buf())
            .or_insert_with(|| path.canonicalize().ok())
            .clone()
    }
}

#[derive(Debug, Clone)]
struct CachedDoc {
    root: Arc<Element>,
    /// The document's top-level definitions in order, shared so registering them copies nothing.
    defs: Arc<Vec<Arc<Element>>>,
}

#[derive(Debug, Default)]
pub struct Loader {
    pub opts: LoadOptions,
    pub cache: LoadCache,
    pub docs: Vec<SchemaDoc>,
    pub defs: HashMap<(Kind, QName), Def>,
    /// Definition order, so compilation (and its error messages) is deterministic.
    pub order: Vec<(Kind, QName)>,
    loaded: HashMap<(PathBuf, Option<Arc<str>>), usize>,
    /// Namespaces imported without a location, to resolve from the catalog at the end.
    pub errors: Vec<LoadError>,
}

fn err(file: &str, line: u32, message: impl Into<String>) -> LoadError {
    LoadError {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

impl Loader {
    pub fn new(opts: LoadOptions) -> Self {
        Self::with_cache(opts, LoadCache::default())
    }

    /// A loader that reuses (and adds to) what earlier loads of the batch parsed and compiled.
    pub fn with_cache(opts: LoadOptions, cache: LoadCache) -> Self {
        Loader {
            opts,
            cache,
            ..Default::default()
        }
    }

    /// Load a schema file. `chameleon_tns` is the includer's namespace for a chameleon include.
    pub fn load_file(
        &mut self,
        path: &Path,
        chameleon_tns: Option<Arc<str>>,
        referrer: Option<(&str, u32)>,
    ) -> Result<usize, LoadError> {
        let canonical = self
            .cache
            .canonicalize(path)
            .unwrap_or_else(|| path.to_path_buf());
        // A document with its own target namespace is the same whoever includes it.
        for key in [
            (canonical.clone(), chameleon_tns.clone()),
            (canonical.clone(), None),
        ] {
            if let Some(&i) = self.loaded.get(&key)
                && (key.1.is_some() || !self.docs[i].chameleon)
            {
                if key.1.is_none() && chameleon_tns.is_some() && self.docs[i].tns.is_none() {
                    continue; // a no-namespace document now included as a chameleon
                }
                return Ok(i);
            }
        }
        let bytes = std::fs::read(path).map_err(|e| match referrer {
            Some((file, line)) => err(
                file,
                line,
                format!("cannot read schema '{}': {e}", path.display()),
            ),
            None => err(&path.display().to_string(), 0, format!("cannot read: {e}")),
        })?;
        let file: Arc<str> = Arc::from(path.display().to_string());
        let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        if let Some(cached) = self.cache.docs.get(&bytes).cloned() {
            let chameleon_key = if cached.root.attr("targetNamespace").is_some() {
                None
            } else {
                chameleon_tns
            };
            return self.add_schema_doc(
                cached.root,
                file,
                canonical,
                chameleon_key,
                base_dir,
                DocSource::Cached(cached.defs),
            );
        }
        let root = tree::parse(&bytes).map_err(|e| err(&file, e.pos.line, e.message))?;
        if !root.is(XSD_NS, "schema") {
            return Err(err(
                &file,
                root.pos.line,
                format!(
                    "not an XML Schema document: root element is '{}'",
                    root.local
                ),
            ));
        }
        let chameleon_key = if root.attr("targetNamespace").is_some() {
            None
        } else {
            chameleon_tns
        };
        self.add_schema_doc(
            Arc::new(root),
            file,
            canonical,
            chameleon_key,
            base_dir,
            DocSource::File(bytes),
        )
    }

    /// Add an already parsed `xs:schema` element (from a file or inline in a WSDL).
    pub fn add_schema(
        &mut self,
        root: Arc<Element>,
        file: Arc<str>,
        key: PathBuf,
        chameleon_tns: Option<Arc<str>>,
        base_dir: PathBuf,
    ) -> Result<usize, LoadError> {
        self.add_schema_doc(root, file, key, chameleon_tns, base_dir, DocSource::Inline)
    }

    fn add_schema_doc(
        &mut self,
        root: Arc<Element>,
        file: Arc<str>,
        key: PathBuf,
        chameleon_tns: Option<Arc<str>>,
        base_dir: PathBuf,
        source: DocSource,
    ) -> Result<usize, LoadError> {
        let own_tns: Option<Arc<str>> = root.attr("targetNamespace").map(Arc::from);
        if own_tns.as_deref() == Some("") {
            return Err(err(
                &file,
                root.pos.line,
                "targetNamespace must not be empty (omit it for no namespace)",
            ));
        }
        let chameleon = own_tns.is_none() && chameleon_tns.is_some();
        let tns = if chameleon {
            chameleon_tns.clone()
        } else {
            own_tns.clone()
        };
        let index = self.docs.len();
        self.loaded.insert((key, chameleon_tns), index);
        let doc = SchemaDoc {
            file: file.clone(),
            root: root.clone(),
            tns: tns.clone(),
            chameleon,
            element_qualified: root.attr("elementFormDefault") == Some("qualified"),
            attribute_qualified: root.attr("attributeFormDefault") == Some("qualified"),
            block_default: root.attr("blockDefault").unwrap_or("").to_string(),
            final_default: root.attr("finalDefault").unwrap_or("").to_string(),
        };
        for (attr, allowed) in [
            ("elementFormDefault", &["qualified", "unqualified"][..]),
            ("attributeFormDefault", &["qualified", "unqualified"][..]),
        ] {
            if let Some(v) = root.attr(attr)
                && !allowed.contains(&v)
            {
                return Err(err(
                    &file,
                    root.pos.line,
                    format!("{attr}='{v}' must be 'qualified' or 'unqualified'"),
                ));
            }
        }
        self.docs.push(doc);
        // A cached document passed these checks when it was first loaded.
        let (mut cached_defs, mut new_defs) = match &source {
            DocSource::Cached(defs) => (Some(defs.iter()), None),
            DocSource::File(_) | DocSource::Inline => {
                check_ids(&root, &file)?;
                super::structure::check(&root, &file)?;
                (None, Some(Vec::new()))
            }
        };

        for child in root.elements() {
            if child.ns.as_deref() != Some(XSD_NS) {
                return Err(err(
                    &file,
                    child.pos.line,
                    format!("unexpected element '{}' in xs:schema", child.local),
                ));
            }
            match child.local.as_str() {
                "include" | "redefine" => {
                    let Some(loc) = child.attr("schemaLocation") else {
                        return Err(err(
                            &file,
                            child.pos.line,
                            format!("xs:{} needs a schemaLocation", child.local),
                        ));
                    };
                    let Some(path) = self.locate(loc, None, &base_dir, &file, child.pos.line)?
                    else {
                        continue;
                    };
                    let included =
                        self.load_file(&path, tns.clone(), Some((&file, child.pos.line)))?;
                    let inc_tns = self.docs[included].tns.clone();
                    if inc_tns != tns {
                        return Err(err(
                            &file,
                            child.pos.line,
                            format!(
                                "included schema '{loc}' has target namespace '{}' but the including schema has '{}'",
                                inc_tns.as_deref().unwrap_or(""),
                                tns.as_deref().unwrap_or("")
                            ),
                        ));
                    }
                    if child.local == "redefine" {
                        for r in child.elements() {
                            if r.local == "annotation" {
                                continue;
                            }
                            self.register(index, r, true)?;
                        }
                    }
                }
                "import" => {
                    let ns = child.attr("namespace");
                    if ns == own_tns.as_deref() || (ns.is_none() && own_tns.is_none()) {
                        return Err(err(
                            &file,
                            child.pos.line,
                            format!(
                                "xs:import of the schema's own target namespace '{}' (use xs:include)",
                                ns.unwrap_or("")
                            ),
                        ));
                    }
                    let local_xml_schema = child
                        .attr("schemaLocation")
                        .is_some_and(|l| !l.contains("://") && base_dir.join(l).is_file());
                    if ns == Some(crate::xml::XML_NS) && !local_xml_schema {
                        // xml:lang & co. are built in; never fetch xml.xsd from the W3C.
                        continue;
                    }
                    let loc = child.attr("schemaLocation");
                    let target = match loc {
                        Some(loc) => self.locate(loc, ns, &base_dir, &file, child.pos.line)?,
                        None => ns.and_then(|n| self.opts.catalog.get(n).cloned()),
                    };
                    if let Some(path) = target {
                        let imported =
                            self.load_file(&path, None, Some((&file, child.pos.line)))?;
                        let got = self.docs[imported].tns.clone();
                        if got.as_deref() != ns {
                            return Err(err(
                                &file,
                                child.pos.line,
                                format!(
                                    "imported schema '{}' has target namespace '{}', expected '{}'",
                                    loc.unwrap_or(""),
                                    got.as_deref().unwrap_or(""),
                                    ns.unwrap_or("")
                                ),
                            ));
                        }
                    }
                }
                "annotation" => {}
                _ => {
                    let el = match cached_defs.as_mut().and_then(Iterator::next) {
                        Some(el) => Arc::clone(el),
                        None => Arc::new(child.clone()),
                    };
                    if let Some(defs) = new_defs.as_mut() {
                        defs.push(Arc::clone(&el));
                    }
                    self.register_shared(index, el, false)?
                }
            }
        }
        if let (DocSource::File(bytes), Some(defs)) = (source, new_defs) {
            let defs = Arc::new(defs);
            self.cache.docs.insert(bytes, CachedDoc { root, defs });
        }
        Ok(index)
    }

    /// Where a schemaLocation points: a local file relative to the referrer, or a catalog
    /// entry. `Ok(None)` for a remote location with no catalog entry when the namespace is
    /// known to be loaded anyway.
    fn locate(
        &self,
        loc: &str,
        ns: Option<&str>,
        base_dir: &Path,
        file: &str,
        line: u32,
    ) -> Result<Option<PathBuf>, LoadError> {
        if let Some(p) = self.opts.catalog.get(loc) {
            return Ok(Some(p.clone()));
        }
        let remote = loc.starts_with("http://") || loc.starts_with("https://");
        if remote {
            if let Some(p) = ns.and_then(|n| self.opts.catalog.get(n)) {
                return Ok(Some(p.clone()));
            }
            if ns.is_some() && self.docs.iter().any(|d| d.tns.as_deref() == ns) {
                return Ok(None);
            }
            return Err(err(
                file,
                line,
                format!(
                    "schemaLocation '{loc}' is remote and is never fetched; map it to a local file in a catalog (--catalog)"
                ),
            ));
        }
        let rel = loc.strip_prefix("file://").unwrap_or(loc);
        let rel = percent_decode(rel);
        let path = base_dir.join(&rel);
        if !path.is_file() {
            return Err(err(
                file,
                line,
                format!(
                    "schemaLocation '{loc}' not found (looked for {})",
                    path.display()
                ),
            ));
        }
        Ok(Some(path))
    }

    fn register(&mut self, doc: usize, el: &Element, redefine: bool) -> Result<(), LoadError> {
        self.register_shared(doc, Arc::new(el.clone()), redefine)
    }

    fn register_shared(
        &mut self,
        doc: usize,
        el: Arc<Element>,
        redefine: bool,
    ) -> Result<(), LoadError> {
        let kind = match el.local.as_str() {
            "simpleType" | "complexType" => Kind::Type,
            "element" => Kind::Element,
            "attribute" => Kind::Attribute,
            "group" => Kind::Group,
            "attributeGroup" => Kind::AttributeGroup,
            "notation" => Kind::Notation,
            other => {
                return Err(err(
                    &self.docs[doc].file,
                    el.pos.line,
                    format!("unexpected top-level element 'xs:{other}'"),
                ));
            }
        };
        let file = self.docs[doc].file.clone();
        let Some(name) = el.attr("name").map(str::trim) else {
            return Err(err(
                &file,
                el.pos.line,
                format!("top-level xs:{} needs a name", el.local),
            ));
        };
        if !is_ncname(name) {
            return Err(err(
                &file,
                el.pos.line,
                format!("'{name}' is not a valid NCName"),
            ));
        }
        let q = QName::new(self.docs[doc].tns.as_deref(), name);
        let def = Def {
            doc,
            el: Arc::clone(&el),
            original: None,
        };
        match self.defs.get(&(kind, q.clone())) {
            Some(existing) if redefine => {
                let original = existing.clone();
                self.defs.insert(
                    (kind, q),
                    Def {
                        original: Some(Box::new(original)),
                        ..def
                    },
                );
            }
            Some(existing) => {
                // The same file reached twice under one namespace is not a duplicate.
                if self.docs[existing.doc].file == self.docs[doc].file && existing.el.pos == el.pos
                {
                    return Ok(());
                }
                return Err(err(
                    &file,
                    el.pos.line,
                    format!(
                        "duplicate definition of {} '{}' (first defined in {} line {})",
                        el.local, q, self.docs[existing.doc].file, existing.el.pos.line
                    ),
                ));
            }
            None if redefine => {
                return Err(err(
                    &file,
                    el.pos.line,
                    format!("xs:redefine of '{q}', which the redefined schema does not define"),
                ));
            }
            None => {
                self.order.push((kind, q.clone()));
                self.defs.insert((kind, q), def);
            }
        }
        Ok(())
    }
}

/// Where a schema document came from, for the cache.
enum DocSource {
    /// Read from a file with these bytes: cached once it loads.
    File(Vec<u8>),
    /// Inline in a WSDL: not cached.
    Inline,
    /// From the cache, with its top-level definitions.
    Cached(Arc<Vec<Arc<Element>>>),
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Schema-for-schemas rule: `id` attributes of schema components are NCNames, unique per document.
fn check_ids(root: &Element, file: &str) -> Result<(), LoadError> {
    fn walk<'e>(
        el: &'e Element,
        seen: &mut std::collections::HashSet<&'e str>,
        file: &str,
    ) -> Result<(), LoadError> {
        if el.ns.as_deref() == Some(XSD_NS) {
            if let Some(id) = el.attr("id") {
                let id = id.trim();
                if !is_ncname(id) {
                    return Err(err(
                        file,
                        el.pos.line,
                        format!("id='{id}' is not a valid NCName"),
                    ));
                }
                if !seen.insert(id) {
                    return Err(err(
                        file,
                        el.pos.line,
                        format!("id '{id}' is used twice in this schema document"),
                    ));
                }
            }
            // Appinfo and documentation hold foreign content.
            if el.local == "appinfo" || el.local == "documentation" {
                return Ok(());
            }
        }
        for c in el.elements() {
            walk(c, seen, file)?;
        }
        Ok(())
    }
    walk(root, &mut std::collections::HashSet::new(), file)
}

pub fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if crate::xml::is_name_start(c))
        && chars.all(|c| c != ':' && crate::xml::is_name_char(c))
}
