//! ØiR business rules beyond the schema: the rule catalogue ([`rules`]), the engine that
//! runs it over SOAP messages ([`engine`]), the reference data it checks against (a
//! fagsystem's sortiment and the ERP's omsætningstabel, [`sortiment`]) and the state a
//! receiver has ([`context`]: known accounts, claims, invoices, seen message IDs).
//!
//! Findings ([`finding::Finding`]) share their fields with schema findings so both can be
//! reported together ([`engine::check_document`]).

pub mod checks;
pub mod context;
pub mod date;
pub mod engine;
pub mod finding;
pub mod message;
pub mod rules;
pub mod sortiment;

pub use context::Context;
pub use engine::{DocumentReport, Engine, MessageInfo, check_document};
pub use finding::{Audience, Finding, Severity, Source, Tekst};
pub use rules::{CATALOGUE, Rule};
