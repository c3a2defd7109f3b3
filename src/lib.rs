//! oir — conformance test harness for KOMBIT's ØiR (FK-ØKO) integrations.
//!
//! The pipeline, top to bottom: [`xml`] (tokens, positions) → [`schema`] (load, compile,
//! validate WSDL/XSD contracts).

pub mod cli;
pub mod oir;
pub mod report;
pub mod run;
pub mod schema;
pub mod stub;
pub mod tls;
pub mod xml;
