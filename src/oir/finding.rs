//! One finding type for schema findings and business-rule findings, so a report can show
//! both together. The fields that overlap with [`crate::schema::Finding`] (line, column,
//! path, message, value, expected) keep their names and meaning; a rule finding adds the
//! rule ID, error code, severity, Danish text, consequence, remedy and audience.
//!
//! Following "ØiR i FOKUS"' error-design guidance, every finding says what happened
//! (`message`/`message_da`), what the consequence is and what the recipient can do, and
//! the code is always accompanied by explanatory text.

use serde::Serialize;

use crate::schema;

/// How serious a finding is. A `fejl` makes the receiver reject the message; an `advarsel`
/// is accepted but should be looked at; `info` needs no action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Fejl,
    Advarsel,
    Info,
}

impl Severity {
    pub fn da(self) -> &'static str {
        match self {
            Severity::Fejl => "fejl",
            Severity::Advarsel => "advarsel",
            Severity::Info => "info",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Severity::Fejl => "error",
            Severity::Advarsel => "warning",
            Severity::Info => "information",
        }
    }

    /// Does a finding of this severity make the message non-conforming (exit code 1)?
    pub fn fails(self) -> bool {
        self != Severity::Info
    }
}

/// Who should receive the finding (the guidance: route each kind of error to the people
/// who can act on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// The caseworker / end user of the fagsystem: data entered for one case is wrong.
    FagsystemBruger,
    /// The vendor of the sending system: its integration or konteringsmodel is wrong.
    FagsystemLeverandoer,
    /// The municipality's ERP administrator: sortiment not mapped in the omsætningstabel.
    ErpAdministrator,
    /// Operations: nothing to fix in the data.
    Drift,
}

impl Audience {
    pub fn da(self) -> &'static str {
        match self {
            Audience::FagsystemBruger => "fagsystemets bruger (sagsbehandler)",
            Audience::FagsystemLeverandoer => "fagsystemets leverandør",
            Audience::ErpAdministrator => "kommunens ERP-administrator (omsætningstabel)",
            Audience::Drift => "drift",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Audience::FagsystemBruger => "the fagsystem's user (caseworker)",
            Audience::FagsystemLeverandoer => "the fagsystem's vendor",
            Audience::ErpAdministrator => "the municipality's ERP administrator (omsætningstabel)",
            Audience::Drift => "operations",
        }
    }
}

/// A text in Danish and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tekst {
    pub da: String,
    pub en: String,
}

impl Tekst {
    pub fn new(da: impl Into<String>, en: impl Into<String>) -> Tekst {
        Tekst {
            da: da.into(),
            en: en.into(),
        }
    }
}

/// Where a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// XSD/WSDL validation (`oir validate`).
    Schema,
    /// A business rule of the catalogue (`oir rules`).
    Rule,
}

/// A schema or business-rule finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub source: Source,
    /// The rule ID (`SF1590A-BAL-001`); `None` for schema findings.
    pub rule: Option<String>,
    /// Machine code: the rule's error code (`OIR-A-001`) or the violated schema constraint
    /// (`cvc-pattern-valid`).
    pub code: String,
    pub severity: Severity,
    /// 1-based line of the element concerned (0 = not tied to one element).
    pub line: u32,
    pub column: u32,
    /// Element path with prefixes and positions, as schema findings write it:
    /// `/soap:Envelope/soap:Body/fb:Finansbilag/fb:Finanspostering[2]/fb:Beloeb`.
    pub path: String,
    /// What happened, in English (the schema finding's `message`).
    pub message: String,
    /// What happened, in Danish.
    pub message_da: String,
    /// What follows from it.
    pub consequence: Tekst,
    /// What the recipient can do about it.
    pub remedy: Tekst,
    pub audience: Audience,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// What was expected instead, when it can be said.
    pub expected: Option<String>,
}

impl From<schema::Finding> for Finding {
    fn from(f: schema::Finding) -> Finding {
        Finding {
            source: Source::Schema,
            rule: None,
            message_da: format!(
                "Beskeden overholder ikke integrationens skema ({}): {}",
                f.constraint, f.message
            ),
            code: f.constraint,
            severity: Severity::Fejl,
            line: f.line,
            column: f.column,
            path: f.path,
            message: f.message,
            consequence: Tekst::new(
                "Modtageren afviser beskeden teknisk (TransportKvittering FEJL); intet af indholdet behandles.",
                "The receiver rejects the message technically (TransportKvittering FEJL); none of its content is processed.",
            ),
            remedy: Tekst::new(
                "Ret det afsendende system, så beskeden overholder integrationens WSDL/XSD på det angivne sted, og send den igen.",
                "Fix the sending system so the message conforms to the integration's WSDL/XSD at the given place, then send it again.",
            ),
            audience: Audience::FagsystemLeverandoer,
            value: f.value,
            expected: f.expected,
        }
    }
}

/// Does any finding make the message non-conforming?
pub fn any_failing(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity.fails())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_finding_keeps_overlapping_fields() {
        let f = schema::Finding {
            line: 3,
            column: 5,
            path: "/a/b[2]".into(),
            constraint: "cvc-pattern-valid".into(),
            message: "bad".into(),
            value: Some("x".into()),
            expected: Some("y".into()),
        };
        let g = Finding::from(f);
        assert_eq!(g.source, Source::Schema);
        assert_eq!(g.code, "cvc-pattern-valid");
        assert_eq!((g.line, g.column, g.path.as_str()), (3, 5, "/a/b[2]"));
        assert_eq!(g.message, "bad");
        assert!(g.message_da.contains("cvc-pattern-valid"));
        assert_eq!(g.severity, Severity::Fejl);
        assert!(any_failing(&[g]));
    }

    #[test]
    fn info_does_not_fail() {
        assert!(!Severity::Info.fails());
        assert!(Severity::Advarsel.fails());
        assert_eq!(
            serde_json::to_string(&Severity::Advarsel).unwrap(),
            "\"advarsel\""
        );
    }
}
