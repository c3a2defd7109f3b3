//! What the stub serves: every service of the configured contracts at the path of its
//! `soap:address`, each operation with its example messages, and the contract files
//! (WSDL, imported WSDLs and XSDs) a client needs to load the WSDL from the stub.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::StubError;
use crate::oir::engine::integration_in;
use crate::schema::LoadOptions;
use crate::schema::load::LoadCache;
use crate::schema::validate::{SOAP11_NS, SOAP12_NS};
use crate::schema::wsdl::{Contract, Operation, SoapVersion};
use crate::xml::tree::{self, Element};

/// One operation and the example messages its answers are built from.
#[derive(Debug, Clone)]
pub struct OpEntry {
    pub op: Operation,
    /// The example request's payload (the Body child), for echoing request values.
    pub example_request: Option<Arc<Element>>,
    /// The example answer (whole envelope) and, when the pack has one, a rejection.
    pub example_response: Option<Arc<Element>>,
    pub example_rejection: Option<Arc<Element>>,
    /// File names, for the admin API.
    pub example_files: Vec<String>,
    /// The example request's leaves by (name, text): which answer values echo the request.
    /// Built once here, not per request.
    pub echo: super::answer::EchoIndex,
}

/// One endpoint: a WSDL service port path and the operations bound there.
///
/// What comes from the compiled contract (operations, SOAP version, …) is a [`Compiled`],
/// reached through `Deref`. The built-in packs compile a WSDL on its first use, so the stub
/// answers within milliseconds of its launch; every other contract is compiled by
/// [`Catalog::load`], so its errors stop the start. The request pipeline asks
/// [`Service::compiled`] first, so a contract that fails late becomes a fault, not a panic.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// URL path, from the `soap:address` (`/service/OIR/ModtagFinansbilag/2`).
    pub path: String,
    pub wsdl: PathBuf,
    /// `SF1590_A` … when the WSDL belongs to a service pack: selects the business rules.
    pub integration: Option<String>,
    /// The contract bundle (for `/__contract/<bundle>/<file>`) and the entry WSDL in it.
    pub bundle: String,
    pub wsdl_rel: String,
    source: Arc<Source>,
    /// This port's part of the compiled WSDL, found once: every field read of a request
    /// goes through `Deref`.
    port: OnceLock<Result<Arc<Compiled>, String>>,
}

/// What a service serves, from its compiled contract.
#[derive(Debug)]
pub struct Compiled {
    pub contract: Arc<Contract>,
    pub soap: SoapVersion,
    pub operations: Vec<OpEntry>,
    /// The contract declares the Serviceplatformen security contexts: requests must carry one.
    pub requires_context: bool,
    pub has_sp_fault: bool,
    pub has_transport_kvittering: bool,
}

impl Service {
    /// The compiled contract, compiling it now if this is its first use.
    pub fn compiled(&self) -> Result<&Compiled, StubError> {
        let port = self.port.get_or_init(|| {
            let by_path = self.source.compile().as_ref().map_err(Clone::clone)?;
            by_path.services.get(&self.path).cloned().ok_or_else(|| {
                format!(
                    "{} no longer has a service port at {}",
                    self.wsdl.display(),
                    self.path
                )
            })
        });
        port.as_deref().map_err(|e| StubError::Config(e.clone()))
    }

    /// The compiled contract when it has been compiled (without compiling it).
    pub fn compiled_yet(&self) -> Option<&Compiled> {
        match self.source.done.get()? {
            Ok(c) => c.services.get(&self.path).map(|c| &**c),
            Err(_) => None,
        }
    }
}

impl std::ops::Deref for Service {
    type Target = Compiled;

    /// Panics only when a lazily compiled built-in contract fails, which the tests rule out;
    /// the request pipeline checks [`Service::compiled`] before it gets here.
    fn deref(&self) -> &Compiled {
        self.compiled()
            .unwrap_or_else(|e| panic!("service {}: {e}", self.path))
    }
}

/// One WSDL and what it compiles to (once, shared by its services).
struct Source {
    wsdl: PathBuf,
    examples: Option<PathBuf>,
    shared: Arc<Shared>,
    done: OnceLock<Result<WsdlCompiled, String>>,
}

struct WsdlCompiled {
    /// By URL path: one entry per service port.
    services: BTreeMap<String, Arc<Compiled>>,
    /// Every file the contract loaded (canonical), for `/__contract/`.
    files: Vec<PathBuf>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("wsdl", &self.wsdl)
            .field("compiled", &self.done.get().map(|r| r.is_ok()))
            .finish()
    }
}

/// What the compilations of one catalog share: the WSDLs import mostly the same XSDs, and
/// the services of a pack read the same examples.
#[derive(Default)]
struct Shared {
    load: Mutex<LoadCache>,
    examples: Mutex<HashMap<PathBuf, Arc<Vec<Example>>>>,
}

impl Source {
    fn compile(&self) -> &Result<WsdlCompiled, String> {
        self.done
            .get_or_init(|| self.compile_now().map_err(|e| e.to_string()))
    }

    fn compile_now(&self) -> Result<WsdlCompiled, StubError> {
        let opts = LoadOptions::default();
        let (contract, files) = {
            let mut cache = self.shared.load.lock().unwrap_or_else(|p| p.into_inner());
            let contract =
                Contract::load_cached(&self.wsdl, &opts, &mut cache).map_err(StubError::Load)?;
            let files: Vec<PathBuf> = contract
                .wsdl_files
                .iter()
                .chain(contract.schemas.files())
                .filter_map(|f| cache.canonicalize(Path::new(f)))
                .collect();
            (Arc::new(contract), files)
        };
        let examples = match &self.examples {
            Some(d) => {
                let mut cache = self
                    .shared
                    .examples
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                cache
                    .entry(d.clone())
                    .or_insert_with(|| Arc::new(read_examples(d)))
                    .clone()
            }
            None => Arc::new(Vec::new()),
        };
        Ok(WsdlCompiled {
            services: compile_services(&self.wsdl, &contract, &examples),
            files,
        })
    }
}

/// The files of one contract, served read-only under `/__contract/<id>/`.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub id: String,
    pub root: PathBuf,
    /// Relative paths with `/` separators: the files of the contracts compiled so far.
    pub files: BTreeSet<String>,
    /// WSDLs of this bundle compiled on first use: their files join on demand.
    lazy: Vec<Arc<Source>>,
}

impl Bundle {
    /// The file at `rel` when it belongs to a contract of this bundle (compiling the
    /// bundle's contracts that have not been yet).
    pub fn file(&self, rel: &str) -> Option<PathBuf> {
        if self.files.contains(rel) {
            return Some(self.root.join(rel));
        }
        let wanted = self.root.join(rel).canonicalize().ok()?;
        self.lazy
            .iter()
            .filter_map(|s| s.compile().as_ref().ok())
            .any(|c| c.files.contains(&wanted))
            .then_some(wanted)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub services: Vec<Service>,
    pub bundles: Vec<Bundle>,
}

impl Catalog {
    pub fn service_at(&self, path: &str) -> Option<&Service> {
        let p = path.trim_end_matches('/');
        self.services.iter().find(|s| s.path == p)
    }

    pub fn bundle(&self, id: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.id == id)
    }

    /// Load packs (every service WSDL under `<pack>/wsdl/`) and single WSDLs. The built-in
    /// packs (`config::default_packs`) are only indexed here and compiled per WSDL on first
    /// use; the rest is compiled now.
    pub fn load(packs: &[PathBuf], wsdls: &[PathBuf]) -> Result<Catalog, StubError> {
        Self::load_with(packs, wsdls, &super::config::default_packs())
    }

    /// [`Catalog::load`] with the packs that may compile on first use named.
    pub fn load_with(
        packs: &[PathBuf],
        wsdls: &[PathBuf],
        lazy_packs: &[PathBuf],
    ) -> Result<Catalog, StubError> {
        let mut cat = Catalog::default();
        let mut files: Vec<(PathBuf, Option<PathBuf>, bool)> = Vec::new();
        for p in packs {
            if !p.is_dir() {
                return Err(StubError::Config(format!(
                    "service pack {} is not a folder",
                    p.display()
                )));
            }
            let lazy = lazy_packs.contains(p);
            for w in pack_wsdls(p) {
                files.push((w, Some(p.join("examples")), lazy));
            }
        }
        for w in wsdls {
            let examples = pack_of(w).map(|p| p.join("examples"));
            files.push((w.clone(), examples, false));
        }
        let shared = Arc::new(Shared::default());
        for (w, examples, lazy) in files {
            let source = Arc::new(Source {
                wsdl: w.clone(),
                examples,
                shared: Arc::clone(&shared),
                done: OnceLock::new(),
            });
            let paths = if lazy { port_paths(&w) } else { None };
            match (paths, pack_of(&w)) {
                (Some(paths), Some(pack)) => cat.add_lazy(&w, &pack, paths, source)?,
                _ => cat.add_compiled(&w, source)?,
            }
        }
        Ok(cat)
    }

    /// Compile a WSDL now and add its services.
    fn add_compiled(&mut self, wsdl: &Path, source: Arc<Source>) -> Result<(), StubError> {
        let compiled = source.compile_now()?;
        let mut paths = compiled.files.clone();
        paths.sort();
        paths.dedup();
        let ports: Vec<String> = compiled.services.keys().cloned().collect();
        let _ = source.done.set(Ok(compiled));
        let entry = wsdl
            .canonicalize()
            .map_err(|e| StubError::Config(format!("{}: {e}", wsdl.display())))?;
        let root = common_dir(&paths).unwrap_or_else(|| entry.parent().unwrap_or(&entry).into());
        let rels: BTreeSet<String> = paths.iter().filter_map(|p| rel_path(&root, p)).collect();
        let bundle = self.bundle_at(root, rels, None);
        let wsdl_rel = rel_path(&self.bundles[bundle].root, &entry).unwrap_or_default();
        self.add_services(wsdl, ports, bundle, wsdl_rel, source)
    }

    /// Index a built-in pack's WSDL by its ports' addresses; compile it on first use.
    fn add_lazy(
        &mut self,
        wsdl: &Path,
        pack: &Path,
        ports: Vec<String>,
        source: Arc<Source>,
    ) -> Result<(), StubError> {
        let canon = |p: &Path| {
            p.canonicalize()
                .map_err(|e| StubError::Config(format!("{}: {e}", p.display())))
        };
        let (root, entry) = (canon(pack)?, canon(wsdl)?);
        let bundle = self.bundle_at(root, BTreeSet::new(), Some(Arc::clone(&source)));
        let wsdl_rel = rel_path(&self.bundles[bundle].root, &entry).unwrap_or_default();
        self.add_services(wsdl, ports, bundle, wsdl_rel, source)
    }

    /// The bundle rooted at `root` (several services of one pack share one), created when new.
    fn bundle_at(
        &mut self,
        root: PathBuf,
        files: BTreeSet<String>,
        lazy: Option<Arc<Source>>,
    ) -> usize {
        let i = match self.bundles.iter().position(|b| b.root == root) {
            Some(i) => i,
            None => {
                let base: String = root
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("contract")
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let mut id = base.clone();
                let mut n = 2;
                while self.bundles.iter().any(|b| b.id == id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                self.bundles.push(Bundle {
                    id,
                    root,
                    files: BTreeSet::new(),
                    lazy: Vec::new(),
                });
                self.bundles.len() - 1
            }
        };
        let b = &mut self.bundles[i];
        b.files.extend(files);
        b.lazy.extend(lazy);
        i
    }

    fn add_services(
        &mut self,
        wsdl: &Path,
        ports: Vec<String>,
        bundle: usize,
        wsdl_rel: String,
        source: Arc<Source>,
    ) -> Result<(), StubError> {
        let integration = integration_in(&wsdl.to_string_lossy());
        let stem = wsdl_stem(wsdl);
        for path in ports {
            if let Some(other) = self.services.iter().find(|s| s.path == path) {
                return Err(StubError::Config(format!(
                    "{} and {} both serve the path {path}",
                    other.wsdl.display(),
                    wsdl.display()
                )));
            }
            self.services.push(Service {
                name: service_name(&path, &stem),
                path,
                wsdl: wsdl.to_path_buf(),
                integration: integration.clone(),
                bundle: self.bundles[bundle].id.clone(),
                wsdl_rel: wsdl_rel.clone(),
                source: Arc::clone(&source),
                port: OnceLock::new(),
            });
        }
        Ok(())
    }
}

fn wsdl_stem(wsdl: &Path) -> String {
    wsdl.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("service")
        .to_string()
}

/// A service's name: the last path segment that is not a version number.
fn service_name(path: &str, stem: &str) -> String {
    path.trim_end_matches('/')
        .rsplit('/')
        .find(|seg| !seg.is_empty() && !seg.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or(stem)
        .to_string()
}

/// `p` relative to `root`, with `/` separators.
fn rel_path(root: &Path, p: &Path) -> Option<String> {
    let r = p.strip_prefix(root).ok()?;
    let parts: Vec<String> = r
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str().map(str::to_string),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// The URL paths of a WSDL's service ports, read from the WSDL file alone (no imports, no
/// schemas): enough to route requests before the contract is compiled. `None` when the file
/// does not name them itself (then the WSDL is compiled at once).
fn port_paths(wsdl: &Path) -> Option<Vec<String>> {
    const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
    const SOAP_BINDINGS: [&str; 2] = [
        "http://schemas.xmlsoap.org/wsdl/soap/",
        "http://schemas.xmlsoap.org/wsdl/soap12/",
    ];
    let bytes = std::fs::read(wsdl).ok()?;
    let root = tree::parse(&bytes).ok()?;
    let mut paths = BTreeSet::new();
    for service in root.children_named(WSDL_NS, "service") {
        for port in service.children_named(WSDL_NS, "port") {
            let address = port.elements().find(|a| {
                a.local == "address" && a.ns.as_deref().is_some_and(|n| SOAP_BINDINGS.contains(&n))
            })?;
            paths.insert(url_path(address.attr("location")?));
        }
    }
    (!paths.is_empty()).then(|| paths.into_iter().collect())
}

/// Group a compiled contract's operations by endpoint path (one service port = one path).
fn compile_services(
    wsdl: &Path,
    contract: &Arc<Contract>,
    examples: &[Example],
) -> BTreeMap<String, Arc<Compiled>> {
    let stem = wsdl_stem(wsdl);
    let mut by_path: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in &contract.operations {
        let mut paths: Vec<String> = op.addresses.iter().map(|a| url_path(a)).collect();
        if paths.is_empty() {
            paths.push(format!("/{stem}"));
        }
        paths.dedup();
        for p in paths {
            by_path.entry(p).or_default().push(op);
        }
    }
    let model = contract.schemas.model();
    let requires_context = model
        .global_element(
            Some(super::soap::INVOCATION_CONTEXT_NS),
            "InvocationContext",
        )
        .is_some()
        || model
            .global_element(Some(super::soap::AUTHORITY_CONTEXT_NS), "AuthorityContext")
            .is_some();
    let has_sp_fault = model
        .global_element(Some(super::soap::SP_FAULT_NS), "ServiceplatformFault")
        .is_some();
    let has_transport_kvittering = model
        .global_element(Some(super::soap::KVITTERING_NS), "TransportKvittering")
        .is_some();
    by_path
        .into_iter()
        .map(|(path, ops)| {
            let soap = ops
                .iter()
                .find_map(|o| o.soap)
                .unwrap_or(SoapVersion::Soap11);
            let operations = ops.into_iter().map(|op| entry_for(op, examples)).collect();
            let compiled = Compiled {
                contract: Arc::clone(contract),
                soap,
                operations,
                requires_context,
                has_sp_fault,
                has_transport_kvittering,
            };
            (path, Arc::new(compiled))
        })
        .collect()
}

/// An example message: its file, its envelope and the QName of its Body payload.
#[derive(Debug, Clone)]
struct Example {
    file: String,
    envelope: Arc<Element>,
    payload: (Option<String>, String),
}

fn read_examples(dir: &Path) -> Vec<Example> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let Ok(root) = tree::parse(&bytes) else {
            continue;
        };
        let Some(payload) = body_payload(&root) else {
            continue;
        };
        let q = (payload.ns.clone(), payload.local.clone());
        out.push(Example {
            file: f
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string(),
            envelope: Arc::new(root),
            payload: q,
        });
    }
    out
}

/// The first element child of the SOAP Body of an envelope.
pub fn body_payload(envelope: &Element) -> Option<&Element> {
    let ns = envelope.ns.as_deref()?;
    if envelope.local != "Envelope" || (ns != SOAP11_NS && ns != SOAP12_NS) {
        return None;
    }
    envelope
        .children_named(ns, "Body")
        .next()?
        .elements()
        .next()
}

fn entry_for(op: &Operation, examples: &[Example]) -> OpEntry {
    let matches = |q: &Option<crate::schema::model::QName>, e: &Example| {
        q.as_ref()
            .is_some_and(|q| q.is(e.payload.0.as_deref(), &e.payload.1))
    };
    let request = examples.iter().find(|e| matches(&op.input, e));
    let responses: Vec<&Example> = examples.iter().filter(|e| matches(&op.output, e)).collect();
    let rejection = responses
        .iter()
        .find(|e| e.file.to_ascii_lowercase().contains("afvist"));
    let response = responses
        .iter()
        .find(|e| !e.file.to_ascii_lowercase().contains("afvist"));
    let mut example_files: Vec<String> = request.iter().map(|e| e.file.clone()).collect();
    example_files.extend(responses.iter().map(|e| e.file.clone()));
    let example_request = request.and_then(|e| body_payload(&e.envelope).cloned().map(Arc::new));
    OpEntry {
        op: op.clone(),
        echo: example_request
            .as_deref()
            .map(super::answer::leaf_index)
            .unwrap_or_default(),
        example_request,
        example_response: response.map(|e| Arc::clone(&e.envelope)),
        example_rejection: rejection.map(|e| Arc::clone(&e.envelope)),
        example_files,
    }
}

/// `https://host/service/OIR/X/1` → `/service/OIR/X/1`.
pub fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let p = path.trim_end_matches('/');
    if p.is_empty() { "/".into() } else { p.into() }
}

/// The service pack a WSDL at `<pack>/wsdl/<model>/<Service>.wsdl` belongs to.
pub fn pack_of(wsdl: &Path) -> Option<PathBuf> {
    let dir = wsdl.parent()?;
    let up = dir.parent()?;
    (up.file_name()? == "wsdl").then(|| up.parent().map(Path::to_path_buf))?
}

/// Service WSDLs of a pack: `wsdl/context/*.wsdl` without the policy WSDLs.
fn pack_wsdls(pack: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(pack.join("wsdl/context"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "wsdl")
                && !p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.to_ascii_lowercase().contains("polic"))
        })
        .collect();
    v.sort();
    v
}

fn common_dir(paths: &[PathBuf]) -> Option<PathBuf> {
    let first = paths.first()?.parent()?.to_path_buf();
    let mut common = first;
    for p in &paths[1..] {
        while !p.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    Some(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiling the built-in packs on first use serves exactly what compiling them at
    /// start serves: the same services, operations, flags, bundles and contract files.
    #[test]
    fn first_use_compilation_matches_compiling_at_start() {
        let packs = crate::stub::config::default_packs();
        assert!(packs.len() >= 6, "built-in packs: {packs:?}");
        let lazy = Catalog::load_with(&packs, &[], &packs).expect("lazy catalog");
        let eager = Catalog::load_with(&packs, &[], &[]).expect("eager catalog");
        assert!(
            lazy.services.iter().all(|s| s.compiled_yet().is_none()),
            "indexing compiled a contract"
        );
        assert!(eager.services.iter().all(|s| s.compiled_yet().is_some()));
        let shape = |s: &Service| {
            let ops: Vec<(String, Vec<String>)> = s
                .operations
                .iter()
                .map(|o| (o.op.name.clone(), o.example_files.clone()))
                .collect();
            format!(
                "{} {} {} {} {:?} {:?} {} {} {} {ops:?}",
                s.name,
                s.path,
                s.bundle,
                s.wsdl_rel,
                s.integration,
                s.soap,
                s.requires_context,
                s.has_sp_fault,
                s.has_transport_kvittering
            )
        };
        let a: Vec<String> = lazy.services.iter().map(shape).collect();
        let b: Vec<String> = eager.services.iter().map(shape).collect();
        assert_eq!(a, b);
        assert!(lazy.services.iter().all(|s| s.compiled_yet().is_some()));
        let roots = |c: &Catalog| -> Vec<(String, PathBuf)> {
            c.bundles
                .iter()
                .map(|b| (b.id.clone(), b.root.clone()))
                .collect()
        };
        assert_eq!(roots(&lazy), roots(&eager));
        for e in &eager.bundles {
            let l = lazy.bundle(&e.id).expect("same bundle ids");
            for rel in &e.files {
                assert_eq!(l.file(rel), Some(e.root.join(rel)), "{}/{rel}", e.id);
            }
            // A file of the pack that no contract loads is not served.
            assert_eq!(l.file("README.md"), None);
            assert!(
                e.files.iter().all(|f| !f.starts_with("examples/")),
                "{:?}",
                e.files
            );
            let example = std::fs::read_dir(e.root.join("examples"))
                .into_iter()
                .flatten()
                .flatten()
                .next()
                .map(|d| format!("examples/{}", d.file_name().to_string_lossy()));
            if let Some(x) = example {
                assert_eq!(l.file(&x), None, "{x}");
            }
        }
    }

    /// A pack that compiles on first use and is broken: the start succeeds, the first use
    /// gets the same error the eager start reports, and nothing panics.
    #[test]
    fn a_broken_lazy_contract_fails_on_first_use_with_the_load_error() {
        let dir = std::env::temp_dir().join(format!("oir-lazy-broken-{}", std::process::id()));
        let pack = dir.join("SF9999_X");
        std::fs::create_dir_all(pack.join("wsdl/context")).unwrap();
        std::fs::write(
            pack.join("wsdl/context/Broken.wsdl"),
            r#"<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" targetNamespace="urn:x">
  <import namespace="urn:y" location="missing.wsdl"/>
  <service name="S"><port name="P" binding="b"><soap:address location="http://h/service/X/Broken/1"/></port></service>
</definitions>"#,
        )
        .unwrap();
        let packs = vec![pack.clone()];
        let eager = Catalog::load_with(&packs, &[], &[]).expect_err("eager start fails");
        let lazy = Catalog::load_with(&packs, &[], &packs).expect("indexing succeeds");
        let svc = lazy.service_at("/service/X/Broken/1").expect("indexed");
        let late = svc.compiled().expect_err("first use fails");
        assert!(late.to_string().contains("missing.wsdl"), "{late}");
        assert_eq!(late.to_string(), eager.to_string());
        assert!(svc.compiled_yet().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A WSDL whose ports the indexing cannot see is compiled at start instead.
    #[test]
    fn port_paths_reads_the_service_addresses() {
        let packs = crate::stub::config::default_packs();
        let wsdl = pack_wsdls(&packs[0]).remove(0);
        let paths = port_paths(&wsdl).expect("a pack WSDL names its ports");
        assert!(
            paths.iter().all(|p| p.starts_with("/service/")),
            "{paths:?}"
        );
        let dir = std::env::temp_dir().join(format!("oir-port-paths-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bare = dir.join("bare.wsdl");
        std::fs::write(
            &bare,
            r#"<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"><service name="S"><port name="P" binding="b"/></service></definitions>"#,
        )
        .unwrap();
        assert_eq!(port_paths(&bare), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn paths() {
        assert_eq!(
            url_path("https://exttest.serviceplatformen.dk/service/OIR/X/1"),
            "/service/OIR/X/1"
        );
        assert_eq!(url_path("http://h:1/a/?wsdl"), "/a");
        assert_eq!(url_path("http://h"), "/");
        assert_eq!(
            pack_of(Path::new("/s/SF1590_A/wsdl/context/M.wsdl")),
            Some(PathBuf::from("/s/SF1590_A"))
        );
        assert_eq!(pack_of(Path::new("/s/M.wsdl")), None);
        assert_eq!(
            common_dir(&[PathBuf::from("/a/b/c.x"), PathBuf::from("/a/d/e.x")]),
            Some(PathBuf::from("/a"))
        );
    }
}
