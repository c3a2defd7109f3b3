//! WSDL 1.1: definitions (with wsdl:import), inline schemas, messages, port types, SOAP 1.1
//! and 1.2 bindings (soapAction, body and header parts, faults) and services.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::load::{LoadCache, LoadOptions, Loader};
use super::model::QName;
use super::{LoadError, SchemaSet};
use crate::xml::XSD_NS;
use crate::xml::tree::{self, Element};

pub const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
pub const WSDL_SOAP11_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
pub const WSDL_SOAP12_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SoapVersion {
    Soap11,
    Soap12,
}

impl SoapVersion {
    pub fn envelope_ns(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => super::validate::SOAP11_NS,
            SoapVersion::Soap12 => super::validate::SOAP12_NS,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Part {
    pub name: String,
    pub element: Option<QName>,
    pub type_name: Option<QName>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Message {
    pub name: QName,
    pub parts: Vec<Part>,
}

/// A header block of a binding's input or output: message part → element.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeaderRef {
    pub message: QName,
    pub part: String,
}

/// One operation as a SOAP client or server sees it: everything resolved.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Operation {
    pub name: String,
    pub binding: QName,
    pub port_type: QName,
    pub soap: Option<SoapVersion>,
    pub soap_action: Option<String>,
    pub style: String,
    pub input: Option<QName>,
    pub output: Option<QName>,
    /// (fault name, element)
    pub faults: Vec<(String, Option<QName>)>,
    pub input_headers: Vec<QName>,
    pub output_headers: Vec<QName>,
    /// Endpoint addresses of the services' ports using this binding.
    pub addresses: Vec<String>,
}

/// A loaded WSDL contract: its operations and its compiled schemas.
#[derive(Debug, Clone)]
pub struct Contract {
    pub schemas: SchemaSet,
    pub target_namespace: Option<String>,
    pub operations: Vec<Operation>,
    pub messages: Vec<Message>,
    pub wsdl_files: Vec<String>,
}

#[derive(Default)]
struct Defs {
    files: Vec<String>,
    tns: Option<String>,
    messages: Vec<Message>,
    port_types: Vec<(QName, Arc<Element>, String)>,
    bindings: Vec<(QName, Arc<Element>, String)>,
    services: Vec<(Arc<Element>, String)>,
    seen: HashSet<PathBuf>,
}

fn err(file: &str, line: u32, message: impl Into<String>) -> LoadError {
    LoadError {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

fn qref(file: &str, el: &Element, v: &str) -> Result<QName, LoadError> {
    let (ns, local) = el.resolve_qname(v).map_err(|m| err(file, el.pos.line, m))?;
    Ok(QName::new(ns.as_deref(), &local))
}

impl Contract {
    pub fn load(path: &Path, opts: &LoadOptions) -> Result<Contract, LoadError> {
        Self::load_cached(path, opts, &mut LoadCache::default())
    }

    /// Load with the documents and patterns earlier loads of a batch put in `cache` (and add
    /// this load's). Same result and same errors as [`Contract::load`].
    pub fn load_cached(
        path: &Path,
        opts: &LoadOptions,
        cache: &mut LoadCache,
    ) -> Result<Contract, LoadError> {
        let mut loader = Loader::with_cache(opts.clone(), std::mem::take(cache));
        let mut defs = Defs::default();
        let loaded = read_wsdl(path, &mut loader, &mut defs, None)
            .and_then(|()| SchemaSet::from_loader(&mut loader));
        *cache = std::mem::take(&mut loader.cache);
        let schemas = loaded?;
        let operations = resolve_operations(&defs, &schemas)?;
        Ok(Contract {
            schemas,
            target_namespace: defs.tns.clone(),
            operations,
            messages: defs.messages,
            wsdl_files: defs.files,
        })
    }

    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }

    /// Which operation (and direction) a Body payload element belongs to.
    pub fn operation_for_payload(
        &self,
        ns: Option<&str>,
        local: &str,
    ) -> Option<(&Operation, Direction)> {
        for op in &self.operations {
            if op.input.as_ref().is_some_and(|q| q.is(ns, local)) {
                return Some((op, Direction::Request));
            }
            if op.output.as_ref().is_some_and(|q| q.is(ns, local)) {
                return Some((op, Direction::Response));
            }
            if op
                .faults
                .iter()
                .any(|(_, q)| q.as_ref().is_some_and(|q| q.is(ns, local)))
            {
                return Some((op, Direction::Fault));
            }
        }
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Direction {
    Request,
    Response,
    Fault,
}

fn read_wsdl(
    path: &Path,
    loader: &mut Loader,
    defs: &mut Defs,
    referrer: Option<(&str, u32)>,
) -> Result<(), LoadError> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if !defs.seen.insert(canonical.clone()) {
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(|e| match referrer {
        Some((f, l)) => err(f, l, format!("cannot read WSDL '{}': {e}", path.display())),
        None => err(&path.display().to_string(), 0, format!("cannot read: {e}")),
    })?;
    let file = path.display().to_string();
    let root = tree::parse(&bytes).map_err(|e| err(&file, e.pos.line, e.message))?;
    if root.is(XSD_NS, "schema") {
        // A bare XSD given where a WSDL was expected still contributes its schema.
        loader.load_file(path, None, referrer)?;
        return Ok(());
    }
    if !root.is(WSDL_NS, "definitions") {
        return Err(err(
            &file,
            root.pos.line,
            format!("not a WSDL 1.1 document: root element is '{}'", root.local),
        ));
    }
    defs.files.push(file.clone());
    let tns = root.attr("targetNamespace").map(str::to_string);
    if defs.tns.is_none() {
        defs.tns = tns.clone();
    }
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    for (i, child) in root.elements().enumerate() {
        if child.ns.as_deref() != Some(WSDL_NS) {
            continue; // wsp:Policy and other extensions
        }
        match child.local.as_str() {
            "import" => {
                let Some(loc) = child.attr("location") else {
                    return Err(err(&file, child.pos.line, "wsdl:import needs a location"));
                };
                if loc.starts_with("http://") || loc.starts_with("https://") {
                    match loader.opts.catalog.get(loc).cloned() {
                        Some(p) => read_wsdl(&p, loader, defs, Some((&file, child.pos.line)))?,
                        None => {
                            return Err(err(
                                &file,
                                child.pos.line,
                                format!(
                                    "wsdl:import location '{loc}' is remote and is never fetched; map it in a catalog"
                                ),
                            ));
                        }
                    }
                    continue;
                }
                let target = dir.join(loc);
                if !target.is_file() {
                    return Err(err(
                        &file,
                        child.pos.line,
                        format!(
                            "wsdl:import location '{loc}' not found (looked for {})",
                            target.display()
                        ),
                    ));
                }
                read_wsdl(&target, loader, defs, Some((&file, child.pos.line)))?;
            }
            "types" => {
                for (j, schema) in child.elements().enumerate() {
                    if !schema.is(XSD_NS, "schema") {
                        continue;
                    }
                    let key = PathBuf::from(format!("{}#types{i}-{j}", canonical.display()));
                    loader.add_schema(
                        Arc::new(schema.clone()),
                        Arc::from(file.as_str()),
                        key,
                        None,
                        dir.clone(),
                    )?;
                }
            }
            "message" => {
                let name = child
                    .attr("name")
                    .ok_or_else(|| err(&file, child.pos.line, "wsdl:message needs a name"))?;
                let mut parts = Vec::new();
                for p in child.children_named(WSDL_NS, "part") {
                    let pname = p.attr("name").unwrap_or("").to_string();
                    let element = p.attr("element").map(|v| qref(&file, p, v)).transpose()?;
                    let type_name = p.attr("type").map(|v| qref(&file, p, v)).transpose()?;
                    parts.push(Part {
                        name: pname,
                        element,
                        type_name,
                    });
                }
                defs.messages.push(Message {
                    name: QName::new(tns.as_deref(), name),
                    parts,
                });
            }
            "portType" => {
                let name = child.attr("name").unwrap_or("");
                defs.port_types.push((
                    QName::new(tns.as_deref(), name),
                    Arc::new(child.clone()),
                    file.clone(),
                ));
            }
            "binding" => {
                let name = child.attr("name").unwrap_or("");
                defs.bindings.push((
                    QName::new(tns.as_deref(), name),
                    Arc::new(child.clone()),
                    file.clone(),
                ));
            }
            "service" => defs.services.push((Arc::new(child.clone()), file.clone())),
            _ => {}
        }
    }
    Ok(())
}

fn resolve_operations(defs: &Defs, schemas: &SchemaSet) -> Result<Vec<Operation>, LoadError> {
    let message = |file: &str, el: &Element, q: &QName| -> Result<&Message, LoadError> {
        defs.messages
            .iter()
            .find(|m| &m.name == q)
            .ok_or_else(|| err(file, el.pos.line, format!("message '{q}' is not defined")))
    };
    let element_of = |file: &str,
                      el: &Element,
                      m: &Message,
                      part: Option<&str>|
     -> Result<Option<QName>, LoadError> {
        let p = match part {
            Some(name) => m.parts.iter().find(|p| p.name == name),
            None => m.parts.first(),
        };
        let Some(p) = p else { return Ok(None) };
        if let Some(e) = &p.element
            && schemas
                .model()
                .global_element(e.ns_str(), &e.local)
                .is_none()
        {
            return Err(err(
                file,
                el.pos.line,
                format!(
                    "message part '{}' refers to element '{e}', which no schema declares",
                    p.name
                ),
            ));
        }
        Ok(p.element.clone())
    };
    let mut ops = Vec::new();
    for (bname, b, file) in &defs.bindings {
        let Some(pt_ref) = b.attr("type") else {
            return Err(err(file, b.pos.line, "wsdl:binding needs a type"));
        };
        let pt_q = qref(file, b, pt_ref)?;
        let Some((_, pt, pt_file)) = defs.port_types.iter().find(|(q, _, _)| q == &pt_q) else {
            return Err(err(
                file,
                b.pos.line,
                format!("portType '{pt_q}' is not defined"),
            ));
        };
        let soap_binding = b.elements().find(|e| {
            e.local == "binding" && matches!(e.ns.as_deref(), Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS))
        });
        let soap = soap_binding.map(|e| {
            if e.ns.as_deref() == Some(WSDL_SOAP12_NS) {
                SoapVersion::Soap12
            } else {
                SoapVersion::Soap11
            }
        });
        let default_style = soap_binding
            .and_then(|e| e.attr("style"))
            .unwrap_or("document")
            .to_string();
        let addresses: Vec<String> = defs
            .services
            .iter()
            .flat_map(|(s, f)| s.children_named(WSDL_NS, "port").map(move |p| (p, f)))
            .filter(|(p, f)| {
                p.attr("binding").and_then(|v| qref(f, p, v).ok()).as_ref() == Some(bname)
            })
            .filter_map(|(p, _)| {
                p.elements()
                    .find(|a| a.local == "address")
                    .and_then(|a| a.attr("location"))
                    .map(str::to_string)
            })
            .collect();
        for bop in b.children_named(WSDL_NS, "operation") {
            let name = bop.attr("name").unwrap_or("").to_string();
            let Some(pop) = pt
                .children_named(WSDL_NS, "operation")
                .find(|o| o.attr("name") == Some(name.as_str()))
            else {
                return Err(err(
                    file,
                    bop.pos.line,
                    format!("binding operation '{name}' is not in portType '{pt_q}'"),
                ));
            };
            let soap_op = bop.elements().find(|e| {
                e.local == "operation"
                    && matches!(e.ns.as_deref(), Some(WSDL_SOAP11_NS | WSDL_SOAP12_NS))
            });
            let soap_action = soap_op
                .and_then(|e| e.attr("soapAction"))
                .map(str::to_string);
            let style = soap_op
                .and_then(|e| e.attr("style"))
                .map(str::to_string)
                .unwrap_or_else(|| default_style.clone());
            let mut input = None;
            let mut output = None;
            let mut input_headers = Vec::new();
            let mut output_headers = Vec::new();
            for (dir, slot, headers) in [
                ("input", &mut input, &mut input_headers),
                ("output", &mut output, &mut output_headers),
            ] {
                let Some(pio) = pop.children_named(WSDL_NS, dir).next() else {
                    continue;
                };
                let Some(mref) = pio.attr("message") else {
                    continue;
                };
                let mq = qref(pt_file, pio, mref)?;
                let m = message(pt_file, pio, &mq)?;
                let bio = bop.children_named(WSDL_NS, dir).next();
                let body_parts = bio
                    .and_then(|x| x.elements().find(|e| e.local == "body"))
                    .and_then(|e| e.attr("parts"))
                    .map(|s| s.split_whitespace().map(str::to_string).collect::<Vec<_>>());
                let body_part = body_parts.as_ref().and_then(|v| v.first().cloned());
                // Header parts are not body parts.
                let header_parts: Vec<(QName, String)> = match bio {
                    Some(x) => x
                        .elements()
                        .filter(|e| e.local == "header")
                        .map(|h| {
                            let hm = h.attr("message").map(|v| qref(file, h, v)).transpose()?;
                            Ok((
                                hm.unwrap_or_else(|| mq.clone()),
                                h.attr("part").unwrap_or("").to_string(),
                            ))
                        })
                        .collect::<Result<_, LoadError>>()?,
                    None => Vec::new(),
                };
                let body_part = body_part.or_else(|| {
                    m.parts
                        .iter()
                        .find(|p| {
                            !header_parts
                                .iter()
                                .any(|(hm, hp)| hm == &m.name && hp == &p.name)
                        })
                        .map(|p| p.name.clone())
                });
                *slot = element_of(pt_file, pio, m, body_part.as_deref())?;
                for (hm, hp) in header_parts {
                    let msg = message(file, bop, &hm)?;
                    if let Some(e) = element_of(file, bop, msg, Some(&hp))? {
                        headers.push(e);
                    }
                }
            }
            let mut faults = Vec::new();
            for f in pop.children_named(WSDL_NS, "fault") {
                let fname = f.attr("name").unwrap_or("").to_string();
                let el = match f.attr("message") {
                    Some(mref) => {
                        let mq = qref(pt_file, f, mref)?;
                        let m = message(pt_file, f, &mq)?;
                        element_of(pt_file, f, m, None)?
                    }
                    None => None,
                };
                faults.push((fname, el));
            }
            if let Some(a) = &soap_action
                && !a.is_ascii()
            {
                return Err(err(
                    file,
                    bop.pos.line,
                    format!("soapAction '{a}' is not US-ASCII"),
                ));
            }
            ops.push(Operation {
                name,
                binding: bname.clone(),
                port_type: pt_q.clone(),
                soap,
                soap_action,
                style,
                input,
                output,
                faults,
                input_headers,
                output_headers,
                addresses: addresses.clone(),
            });
        }
    }
    Ok(ops)
}
