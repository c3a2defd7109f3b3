//! The schema engine: load WSDL/XSD contracts into one compiled, immutable model, and
//! validate XML instances against it (streaming, with exact positions and paths).
//!
//! Pipeline: `xml` (schema documents as small trees) → `load` (include/import/redefine,
//! WSDL) → `compile` (components, derivations, content-model automata) → `validate`
//! (streaming instance validation producing [`Finding`]s).

pub mod boundaries;
pub mod compile;
pub mod content_model;
pub mod datatypes;
pub mod generate;
pub mod inspect;
pub mod load;
pub mod model;
pub mod regex;
pub mod simple;
pub mod structure;
pub mod validate;
pub mod wsdl;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use load::LoadOptions;
pub use model::Model;
pub use validate::{EnvelopeInfo, Roots};

/// One problem found in an instance document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// 1-based line of the offending element/attribute/text.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Element path with prefixes and positions, e.g. `/fb:Finansbilag/fb:Finanspostering[3]/fb:Beloeb`.
    pub path: String,
    /// The violated constraint, e.g. `cvc-pattern-valid` or `cvc-complex-type.2.4`.
    pub constraint: String,
    /// Human-readable description.
    pub message: String,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// What was expected instead, when it can be said.
    pub expected: Option<String>,
}

/// The outcome of validating one document.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Validation {
    pub findings: Vec<Finding>,
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        self.findings.is_empty()
    }
}

/// A contract that could not be loaded or compiled.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LoadError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

/// A compiled, immutable set of schemas (Send + Sync; compile once, share between threads).
#[derive(Debug, Clone)]
pub struct SchemaSet {
    model: Arc<Model>,
    files: Arc<Vec<String>>,
}

impl SchemaSet {
    /// Load one XSD file with everything it includes/imports (relative to each file).
    pub fn load_xsd(path: &Path) -> Result<SchemaSet, LoadError> {
        Self::load_xsds(&[path.to_path_buf()], &LoadOptions::default())
    }

    /// Load several XSD files into one set.
    pub fn load_xsds(paths: &[PathBuf], opts: &LoadOptions) -> Result<SchemaSet, LoadError> {
        let mut loader = load::Loader::new(opts.clone());
        for p in paths {
            loader.load_file(p, None, None)?;
        }
        Self::from_loader(&mut loader)
    }

    pub(crate) fn from_loader(loader: &mut load::Loader) -> Result<SchemaSet, LoadError> {
        let mut patterns = std::mem::take(&mut loader.cache.patterns);
        let model = compile::compile_with(loader, &mut patterns);
        loader.cache.patterns = patterns;
        let model = model?;
        Ok(SchemaSet {
            model: Arc::new(model),
            files: Arc::new(loader.docs.iter().map(|d| d.file.to_string()).collect()),
        })
    }

    /// The compiled model (elements, types, facets) for generators and inspectors.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Every schema document that went into the set.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Validate a whole document (its root element must be a global element of the set).
    pub fn validate_document(&self, xml: &[u8]) -> Validation {
        validate::validate(&self.model, xml, Roots::Document).0
    }

    /// Validate the payload of a SOAP 1.1/1.2 envelope in place: each Body child (and each
    /// Header block the schema declares), with the Envelope's namespace declarations.
    pub fn validate_soap(&self, xml: &[u8]) -> (Validation, EnvelopeInfo) {
        validate::validate(&self.model, xml, Roots::SoapBody)
    }
}
