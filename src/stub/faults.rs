//! Fault injection and answer overrides, wiremock style: an [`Override`] is a [`Match`]
//! (operation, and optionally an element path with a value) and a [`Respond`] (what to do
//! instead of — or on top of — the normal answer), with an optional seeded probability
//! and a count. They come from the config file (`overrides:`), from code
//! (`StubConfig::overrides`) or from the admin API (`POST /__admin/faults`).
//!
//! Two kinds of response: *faults* a real system or network shows (delay, HTTP 5xx, SOAP
//! fault, malformed body, dropped connection, a canned answer) and *misbehaviours* a
//! conformance suite uses to prove its checks bite (accept what should be rejected, leave
//! an element out, change a code, skip callbacks, book on another account).
//!
//! ```
//! use oir::stub::faults::{Match, Override, Respond};
//! let o = Override::new(Match::operation("ModtagFinansbilag"), Respond::Status { code: 503, body: None })
//!     .times(2);
//! assert_eq!(o.times, Some(2));
//! ```

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::answer::mix;
use crate::xml::tree::Element;

/// When an override applies. Every given field must match; an empty match takes every
/// request that reached an operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// WSDL operation name (`ModtagFinansbilag`); `None` or `"*"` = any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Element path of local names below the request element (prefixes ignored), found
    /// at any depth: `Finansbilag/Bilagstekst`. A leading `/` anchors it at the request
    /// element itself: `/ModtagFinansbilagRequest/Finansbilag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The trimmed text one of the elements at `path` must have (without it: the path
    /// exists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
}

impl Match {
    pub fn any() -> Match {
        Match::default()
    }

    pub fn operation(op: &str) -> Match {
        Match {
            operation: Some(op.to_string()),
            ..Match::default()
        }
    }

    /// Also require an element at `path` with this text.
    pub fn with_value(mut self, path: &str, equals: &str) -> Match {
        self.path = Some(path.to_string());
        self.equals = Some(equals.to_string());
        self
    }

    pub fn matches(&self, operation: &str, payload: &Element) -> bool {
        if let Some(op) = &self.operation
            && op != "*"
            && op != operation
        {
            return false;
        }
        match &self.path {
            None => true,
            Some(p) => path_values(payload, p)
                .iter()
                .any(|t| self.equals.as_deref().is_none_or(|want| t == want)),
        }
    }
}

/// What the stub does with a matching request.
///
/// In YAML and JSON an externally tagged value: `drop`, `malformed`, `accept`,
/// `skip_callbacks`, or a map with one key: `{delay: {ms: 200}}`,
/// `{status: {code: 503}}`, `{soap_fault: {code: X, text: Y}}`, `{template: {file: F}}`,
/// `{omit: {element: E}}`, `{replace_code: {from: A, to: B}}`, `{book_on: {account: K}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Respond {
    /// Wait, then answer normally: `ms`, or a seeded random time in `ms..=max_ms`.
    Delay {
        ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_ms: Option<u64>,
    },
    /// An HTTP status (5xx for a failing server) with a short text body.
    Status {
        code: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
    },
    /// A SOAP fault with this code and text (HTTP 500 unless `status` says otherwise).
    SoapFault {
        code: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
    /// HTTP 200 with a body that is not well-formed XML.
    Malformed,
    /// Close the connection without any answer.
    Drop,
    /// This file as the answer (HTTP 200 unless `status` says otherwise). A relative path
    /// in the config file is relative to that file.
    Template {
        file: PathBuf,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
    /// Misbehaviour: skip the business rules (accept what should be rejected).
    Accept,
    /// Misbehaviour: leave every element with this local name out of the answer.
    Omit { element: String },
    /// Misbehaviour: a code in the answer (`FejlKode`, `ForretningsValideringsKode`, a
    /// fault code — any element text equal to `from`) becomes `to`.
    ReplaceCode { from: String, to: String },
    /// Misbehaviour: make no callback for this request.
    SkipCallbacks,
    /// Misbehaviour: book every posting of an accepted finansbilag on this account.
    BookOn { account: String },
}

impl Respond {
    /// Ends the exchange instead of the normal answer.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Respond::Status { .. }
                | Respond::SoapFault { .. }
                | Respond::Malformed
                | Respond::Drop
                | Respond::Template { .. }
        )
    }
}

/// One override: match, response, and how often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Shown in the journal and the admin list (default: `override-<id>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Only requests of this tenant; `None` = every tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, rename = "match")]
    pub when: Match,
    pub respond: Respond,
    /// The chance (0–1) that a matching request is affected. Seeded: the same requests
    /// in the same order are affected in every run with the same seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Affect at most this many requests, then stand down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

impl Override {
    pub fn new(when: Match, respond: Respond) -> Override {
        Override {
            name: None,
            tenant: None,
            when,
            respond,
            probability: None,
            times: None,
        }
    }

    pub fn named(mut self, name: &str) -> Override {
        self.name = Some(name.to_string());
        self
    }

    pub fn for_tenant(mut self, tenant: &str) -> Override {
        self.tenant = Some(tenant.to_string());
        self
    }

    pub fn probability(mut self, p: f64) -> Override {
        self.probability = Some(p);
        self
    }

    pub fn times(mut self, n: u32) -> Override {
        self.times = Some(n);
        self
    }

    /// Reasons this override cannot work, if any.
    pub fn check(&self) -> Result<(), String> {
        if let Some(p) = self.probability
            && !(0.0..=1.0).contains(&p)
        {
            return Err(format!("probability {p} is not between 0 and 1"));
        }
        if self.when.equals.is_some() && self.when.path.is_none() {
            return Err("match.equals needs match.path".into());
        }
        match &self.respond {
            Respond::Delay {
                ms,
                max_ms: Some(max),
            } if max < ms => Err(format!("delay: max_ms {max} is below ms {ms}")),
            Respond::Delay { ms, max_ms } if (*max_ms).unwrap_or(*ms) > 600_000 => {
                Err("delay: at most 600000 ms".into())
            }
            Respond::Status { code, .. }
            | Respond::SoapFault {
                status: Some(code), ..
            }
            | Respond::Template {
                status: Some(code), ..
            } if !(100..=599).contains(code) => {
                Err(format!("HTTP status {code} is not between 100 and 599"))
            }
            _ => Ok(()),
        }
    }
}

/// An override in force, with its counters.
#[derive(Debug, Clone, Serialize)]
pub struct Active {
    pub id: u64,
    /// `config` (from the configuration) or `admin` (added through the admin API).
    pub source: &'static str,
    #[serde(flatten)]
    pub rule: Override,
    /// Requests that matched (whether affected or not).
    pub matched: u64,
    /// Requests affected.
    pub fired: u64,
}

impl Active {
    pub fn label(&self) -> String {
        self.rule
            .name
            .clone()
            .unwrap_or_else(|| format!("override-{}", self.id))
    }
}

/// What the overrides decided for one request.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub delay: Option<Duration>,
    /// The first terminal response that fired, with its label.
    pub terminal: Option<(String, Respond)>,
    pub misbehaviour: Misbehaviour,
    /// Labels and responses of every override that fired (for the journal).
    pub fired: Vec<String>,
}

/// The misbehaviours in force for one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Misbehaviour {
    pub accept: bool,
    pub omit: Vec<String>,
    pub replace: Vec<(String, String)>,
    pub skip_callbacks: bool,
    pub book_on: Option<String>,
}

impl Misbehaviour {
    pub fn changes_answer(&self) -> bool {
        !self.omit.is_empty() || !self.replace.is_empty()
    }
}

/// The overrides in force, shared by every request.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    list: Vec<Active>,
}

impl Faults {
    pub fn new(seed: u64, from_config: &[Override]) -> Faults {
        let f = Faults {
            seed,
            inner: Mutex::new(Inner {
                next_id: 1,
                list: Vec::new(),
            }),
        };
        for o in from_config {
            f.add(o.clone(), "config");
        }
        f
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add one; its id.
    pub fn add(&self, rule: Override, source: &'static str) -> u64 {
        let mut g = self.lock();
        let id = g.next_id;
        g.next_id += 1;
        g.list.push(Active {
            id,
            source,
            rule,
            matched: 0,
            fired: 0,
        });
        id
    }

    /// Those a tenant's requests can meet (`None`: all).
    pub fn list(&self, tenant: Option<&str>) -> Vec<Active> {
        self.lock()
            .list
            .iter()
            .filter(|a| tenant.is_none_or(|t| a.rule.tenant.as_deref().is_none_or(|o| o == t)))
            .cloned()
            .collect()
    }

    /// Remove the tenant's own overrides (`None`: every override); how many went.
    pub fn clear(&self, tenant: Option<&str>) -> usize {
        let mut g = self.lock();
        let before = g.list.len();
        g.list
            .retain(|a| tenant.is_some_and(|t| a.rule.tenant.as_deref() != Some(t)));
        before - g.list.len()
    }

    pub fn remove(&self, id: u64) -> bool {
        let mut g = self.lock();
        let before = g.list.len();
        g.list.retain(|a| a.id != id);
        before != g.list.len()
    }

    /// Decide for one routed request. Counters move here, so call it once per request.
    pub fn decide(&self, tenant: &str, operation: &str, payload: &Element) -> Decision {
        let mut d = Decision::default();
        let mut g = self.lock();
        if g.list.is_empty() {
            return d;
        }
        for a in g.list.iter_mut() {
            if a.rule.tenant.as_deref().is_some_and(|t| t != tenant)
                || !a.rule.when.matches(operation, payload)
            {
                continue;
            }
            a.matched += 1;
            if a.rule.times.is_some_and(|n| a.fired >= u64::from(n)) {
                continue;
            }
            let id = a.id.to_string();
            let turn = a.matched.to_string();
            if let Some(p) = a.rule.probability {
                let b = mix(self.seed, &["probability", &id, &turn]);
                let draw = u64::from_be_bytes(b[..8].try_into().unwrap_or([0; 8]));
                // draw / 2^64 < p, without float rounding at p = 1.
                if p < 1.0 && (draw as f64) >= p * 18_446_744_073_709_551_616.0 {
                    continue;
                }
            }
            a.fired += 1;
            let label = a
                .rule
                .name
                .clone()
                .unwrap_or_else(|| format!("override-{}", a.id));
            let m = &mut d.misbehaviour;
            match &a.rule.respond {
                Respond::Delay { ms, max_ms } => {
                    let wait = match max_ms {
                        Some(max) if max > ms => {
                            let b = mix(self.seed, &["delay", &id, &turn]);
                            let r = u64::from_be_bytes(b[..8].try_into().unwrap_or([0; 8]));
                            ms + r % (max - ms + 1)
                        }
                        _ => *ms,
                    };
                    let total = d.delay.unwrap_or_default() + Duration::from_millis(wait);
                    d.delay = Some(total);
                    d.fired.push(format!("{label}: forsinkelse {wait} ms"));
                    continue;
                }
                Respond::Accept => m.accept = true,
                Respond::Omit { element } => m.omit.push(element.clone()),
                Respond::ReplaceCode { from, to } => m.replace.push((from.clone(), to.clone())),
                Respond::SkipCallbacks => m.skip_callbacks = true,
                Respond::BookOn { account } => m.book_on = Some(account.clone()),
                r => {
                    // One terminal answer: the first that fires (later ones do not count).
                    if d.terminal.is_some() {
                        a.fired -= 1;
                        continue;
                    }
                    d.terminal = Some((label.clone(), r.clone()));
                }
            }
            d.fired
                .push(format!("{label}: {}", describe(&a.rule.respond)));
        }
        d
    }
}

/// A short Danish description for the journal.
pub fn describe(r: &Respond) -> String {
    match r {
        Respond::Delay { ms, max_ms } => match max_ms {
            Some(m) => format!("forsinkelse {ms}–{m} ms"),
            None => format!("forsinkelse {ms} ms"),
        },
        Respond::Status { code, .. } => format!("HTTP {code}"),
        Respond::SoapFault { code, .. } => format!("SOAP-fejl {code}"),
        Respond::Malformed => "ugyldigt svar (ikke velformet XML)".into(),
        Respond::Drop => "forbindelsen lukkes uden svar".into(),
        Respond::Template { file, .. } => format!("svar fra fil {}", file.display()),
        Respond::Accept => "forretningsregler sprunget over (accepterer alt)".into(),
        Respond::Omit { element } => format!("elementet {element} udelades af svaret"),
        Respond::ReplaceCode { from, to } => format!("koden {from} erstattes af {to}"),
        Respond::SkipCallbacks => "ingen callbacks".into(),
        Respond::BookOn { account } => format!("bogføres på konto {account}"),
    }
}

/// The trimmed texts of the elements at a local-name path below (or, with a leading `/`,
/// from) `root`.
pub fn path_values(root: &Element, path: &str) -> Vec<String> {
    let anchored = path.starts_with('/');
    let segs: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit(':').next().unwrap_or(s))
        .collect();
    let Some((first, rest)) = segs.split_first() else {
        return Vec::new();
    };
    let mut starts: Vec<&Element> = Vec::new();
    if anchored {
        if root.local == *first {
            starts.push(root);
        }
    } else {
        // Depth-first in document order.
        let mut stack: Vec<&Element> = root.elements().collect();
        stack.reverse();
        while let Some(e) = stack.pop() {
            if e.local == *first {
                starts.push(e);
            }
            let mut kids: Vec<&Element> = e.elements().collect();
            kids.reverse();
            stack.extend(kids);
        }
    }
    let mut level = starts;
    for seg in rest {
        level = level
            .iter()
            .flat_map(|e| e.elements().filter(|c| c.local == *seg))
            .collect();
    }
    level.iter().map(|e| e.text().trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse;

    fn payload() -> Element {
        parse(br#"<r:Req xmlns:r="urn:r"><r:Finansbilag><r:Bilagstekst> x </r:Bilagstekst></r:Finansbilag><r:Finansbilag><r:Bilagstekst>y</r:Bilagstekst></r:Finansbilag></r:Req>"#).unwrap()
    }

    #[test]
    fn matches_operation_and_path_values() {
        let p = payload();
        assert_eq!(path_values(&p, "Finansbilag/Bilagstekst"), ["x", "y"]);
        assert_eq!(path_values(&p, "/Req/r:Finansbilag/Bilagstekst").len(), 2);
        assert!(path_values(&p, "/Finansbilag").is_empty());
        let m = Match::operation("Op").with_value("Finansbilag/Bilagstekst", "y");
        assert!(m.matches("Op", &p));
        assert!(!m.matches("Other", &p));
        assert!(
            !Match::operation("Op")
                .with_value("Finansbilag/Bilagstekst", "z")
                .matches("Op", &p)
        );
        assert!(Match::any().matches("Whatever", &p));
    }

    #[test]
    fn times_and_probability_are_counted_and_seeded() {
        let p = payload();
        let f = Faults::new(7, &[Override::new(Match::any(), Respond::Drop).times(2)]);
        let fired: Vec<bool> = (0..4)
            .map(|_| f.decide("", "Op", &p).terminal.is_some())
            .collect();
        assert_eq!(fired, [true, true, false, false]);
        assert_eq!(f.list(None)[0].matched, 4);

        let run = |seed| {
            let f = Faults::new(
                seed,
                &[Override::new(Match::any(), Respond::Malformed).probability(0.5)],
            );
            (0..64)
                .map(|_| f.decide("", "Op", &p).terminal.is_some())
                .collect::<Vec<_>>()
        };
        let a = run(1);
        assert_eq!(a, run(1));
        assert_ne!(a, run(2));
        let n = a.iter().filter(|x| **x).count();
        assert!((16..=48).contains(&n), "{n} of 64 at p=0.5");
    }

    #[test]
    fn tenants_scope_overrides_and_clear() {
        let p = payload();
        let f = Faults::new(1, &[]);
        f.add(
            Override::new(Match::any(), Respond::Accept).for_tenant("a"),
            "admin",
        );
        f.add(Override::new(Match::any(), Respond::SkipCallbacks), "admin");
        assert!(f.decide("a", "Op", &p).misbehaviour.accept);
        assert!(!f.decide("b", "Op", &p).misbehaviour.accept);
        assert!(f.decide("b", "Op", &p).misbehaviour.skip_callbacks);
        assert_eq!(f.list(Some("b")).len(), 1);
        assert_eq!(f.clear(Some("a")), 1);
        assert_eq!(f.clear(None), 1);
    }

    #[test]
    fn yaml_and_json_forms() {
        let y = r#"
- name: slow
  match: {operation: ModtagFinansbilag, path: Finansbilag/Bilagstekst, equals: "x"}
  respond: {delay: {ms: 10, max_ms: 20}}
  probability: 0.25
  times: 3
- respond: drop
- respond: {soap_fault: {code: SP-X, text: nej}}
"#;
        let v: Vec<Override> = serde_saphyr::from_str(y).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[1].respond, Respond::Drop);
        assert_eq!(v[0].when.equals.as_deref(), Some("x"));
        let j: Override = serde_json::from_str(
            r#"{"match":{"operation":"X"},"respond":{"status":{"code":503}}}"#,
        )
        .unwrap();
        assert_eq!(
            j.respond,
            Respond::Status {
                code: 503,
                body: None
            }
        );
        let back: Override = serde_json::from_value(serde_json::to_value(&v[0]).unwrap()).unwrap();
        assert_eq!(back, v[0]);
        assert!(
            Override::new(Match::any(), Respond::Drop)
                .probability(2.0)
                .check()
                .is_err()
        );
    }
}
