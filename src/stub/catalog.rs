//! What the stub serves: every service of the configured contracts at the path of its
//! `soap:address`, each operation with its example messages, and the contract files
//! (WSDL, imported WSDLs and XSDs) a client needs to load the WSDL from the stub.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

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
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// URL path, from the `soap:address` (`/service/OIR/ModtagFinansbilag/2`).
    pub path: String,
    pub wsdl: PathBuf,
    pub contract: Arc<Contract>,
    /// `SF1590_A` … when the WSDL belongs to a service pack: selects the business rules.
    pub integration: Option<String>,
    /// The contract bundle (for `/__contract/<bundle>/<file>`) and the entry WSDL in it.
    pub bundle: String,
    pub wsdl_rel: String,
    pub soap: SoapVersion,
    pub operations: Vec<OpEntry>,
    /// The contract declares the Serviceplatformen security contexts: requests must carry one.
    pub requires_context: bool,
    pub has_sp_fault: bool,
    pub has_transport_kvittering: bool,
}

/// The files of one contract, served read-only under `/__contract/<id>/`.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub id: String,
    pub root: PathBuf,
    /// Relative paths with `/` separators.
    pub files: BTreeSet<String>,
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

    /// Load packs (every service WSDL under `<pack>/wsdl/`) and single WSDLs.
    pub fn load(packs: &[PathBuf], wsdls: &[PathBuf]) -> Result<Catalog, StubError> {
        let mut cat = Catalog::default();
        let mut files: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        for p in packs {
            if !p.is_dir() {
                return Err(StubError::Config(format!(
                    "service pack {} is not a folder",
                    p.display()
                )));
            }
            for w in pack_wsdls(p) {
                files.push((w, Some(p.join("examples"))));
            }
        }
        for w in wsdls {
            let examples = pack_of(w).map(|p| p.join("examples"));
            files.push((w.clone(), examples));
        }
        let mut examples_cache: HashMap<PathBuf, Arc<Vec<Example>>> = HashMap::new();
        // The WSDLs share most of their XSDs: parse and compile those once.
        let mut load_cache = LoadCache::default();
        let opts = LoadOptions::default();
        for (w, ex_dir) in files {
            let contract =
                Contract::load_cached(&w, &opts, &mut load_cache).map_err(StubError::Load)?;
            let contract = Arc::new(contract);
            let examples = match ex_dir {
                Some(d) => examples_cache
                    .entry(d.clone())
                    .or_insert_with(|| Arc::new(read_examples(&d)))
                    .clone(),
                None => Arc::new(Vec::new()),
            };
            let (bundle, wsdl_rel) = cat.add_bundle(&w, &contract, &mut load_cache)?;
            cat.add_services(&w, contract, &examples, bundle, wsdl_rel)?;
        }
        Ok(cat)
    }

    fn add_bundle(
        &mut self,
        wsdl: &Path,
        c: &Contract,
        cache: &mut LoadCache,
    ) -> Result<(String, String), StubError> {
        let mut paths: Vec<PathBuf> = c
            .wsdl_files
            .iter()
            .chain(c.schemas.files())
            .filter_map(|f| cache.canonicalize(Path::new(f)))
            .collect();
        paths.sort();
        paths.dedup();
        let entry = wsdl
            .canonicalize()
            .map_err(|e| StubError::Config(format!("{}: {e}", wsdl.display())))?;
        let root = common_dir(&paths).unwrap_or_else(|| entry.parent().unwrap_or(&entry).into());
        let rel_of = |p: &Path| -> Option<String> {
            let r = p.strip_prefix(&root).ok()?;
            let parts: Vec<String> = r
                .components()
                .map(|c| match c {
                    Component::Normal(s) => s.to_str().map(str::to_string),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            Some(parts.join("/"))
        };
        let rels: BTreeSet<String> = paths.iter().filter_map(|p| rel_of(p)).collect();
        let wsdl_rel = rel_of(&entry).unwrap_or_default();
        // Several services of one pack share a bundle.
        if let Some(b) = self.bundles.iter_mut().find(|b| b.root == root) {
            b.files.extend(rels);
            return Ok((b.id.clone(), wsdl_rel));
        }
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
            id: id.clone(),
            root,
            files: rels,
        });
        Ok((id, wsdl_rel))
    }

    fn add_services(
        &mut self,
        wsdl: &Path,
        contract: Arc<Contract>,
        examples: &[Example],
        bundle: String,
        wsdl_rel: String,
    ) -> Result<(), StubError> {
        let stem = wsdl
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("service")
            .to_string();
        // Group operations by endpoint path (one service port = one path).
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
        let integration = integration_in(&wsdl.to_string_lossy());
        for (path, ops) in by_path {
            if let Some(other) = self.services.iter().find(|s| s.path == path) {
                return Err(StubError::Config(format!(
                    "{} and {} both serve the path {path}",
                    other.wsdl.display(),
                    wsdl.display()
                )));
            }
            let name = path
                .trim_end_matches('/')
                .rsplit('/')
                .find(|seg| !seg.is_empty() && !seg.chars().all(|c| c.is_ascii_digit()))
                .unwrap_or(&stem)
                .to_string();
            let soap = ops
                .iter()
                .find_map(|o| o.soap)
                .unwrap_or(SoapVersion::Soap11);
            let operations = ops.into_iter().map(|op| entry_for(op, examples)).collect();
            self.services.push(Service {
                name,
                path,
                wsdl: wsdl.to_path_buf(),
                contract: Arc::clone(&contract),
                integration: integration.clone(),
                bundle: bundle.clone(),
                wsdl_rel: wsdl_rel.clone(),
                soap,
                operations,
                requires_context,
                has_sp_fault,
                has_transport_kvittering,
            });
        }
        Ok(())
    }
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
