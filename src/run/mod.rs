//! `oir run`: Gherkin features → SOAP exchanges against a target (a real system or the
//! built-in stub) → one event stream ([`events`]) → reports.

pub mod events;
