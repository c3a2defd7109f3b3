//! What the stub serves and how: contracts, reference data, seed, limits. Built in code
//! (the runner) or read from a small YAML file (`oir stub --config FILE`):
//!
//! ```yaml
//! stub:
//!   listen: 127.0.0.1:8088          # loopback only
//!   seed: 7                         # deterministic variation of generated values
//!   today: 2025-06-30               # "today" of the business rules (default: system date)
//!   packs: [schemas/SF1590_A]       # service packs (default: every schemas/SF1590_*)
//!   wsdl: [other/Contract.wsdl]     # any other WSDL (generic mode)
//!   sortiment: schemas/data/sortiment.yaml
//!   omsaetningstabel: schemas/data/omsaetningstabel.yaml
//!   context: start.context.yaml     # initial state (kontekst format of the rule examples)
//!   max_body_bytes: 10485760
//!   journal_limit: 1000
//!   state_window: 5000              # messages remembered for resends and duplicate-ID rules;
//!                                   # vouchers, postings, payments, invoices listed
//!                                   # (balances and totals stay exact); 0 = all
//!   validate_answers: true          # default: on in debug builds
//!   state: stub-state.db            # SQLite persistence (like --state)
//!   unmasked_journal: false         # true: CPR numbers in clear in journal and admin output
//!   overrides:                      # fault injection and misbehaviour (see `faults`)
//!     - match: {operation: ModtagFinansbilag, path: Finansbilag/Bilagstekst, equals: "x"}
//!       respond: {status: {code: 503}}
//!       probability: 0.5
//!       times: 3
//!   callbacks:                      # where callbacks go: operation, service, integration or "*"
//!     RegistrerDaekningAfskrivning: http://127.0.0.1:9001/service/OIR/DaekningAfskrivningRegistreringAfsend/1
//!   callback_retries: 3             # retries after the first attempt
//!   callback_backoff_ms: 200        # first wait, doubling per retry
//! ```
//!
//! Relative paths are relative to the config file.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::StubError;
use super::faults::{Override, Respond};
use crate::oir::date::Date;
use crate::oir::sortiment::default_data_dir;

/// The default listen address (loopback, fixed port for people; tests use port 0).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8088";
/// Requests above this size are refused with 413 before they are parsed.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;
pub const DEFAULT_JOURNAL_LIMIT: usize = 1000;
/// Messages whose answers and IDs the stub remembers (memory stays bounded under load).
pub const DEFAULT_STATE_WINDOW: usize = 5_000;
pub const DEFAULT_CALLBACK_RETRIES: u32 = 3;
pub const DEFAULT_CALLBACK_BACKOFF_MS: u64 = 200;

#[derive(Debug, Clone)]
pub struct StubConfig {
    pub listen: SocketAddr,
    pub seed: u64,
    /// `None` = the system date at start.
    pub today: Option<Date>,
    /// Service pack folders (`<pack>/wsdl/context/*.wsdl`, examples in `<pack>/examples`).
    pub packs: Vec<PathBuf>,
    /// Further WSDL files, served generically.
    pub wsdl: Vec<PathBuf>,
    /// `None` = the shipped test data when present.
    pub sortiment: Option<PathBuf>,
    pub omsaetningstabel: Option<PathBuf>,
    /// Initial state (rule-example `kontekst` YAML).
    pub context: Option<PathBuf>,
    /// SQLite persistence: every state change is on disk before its answer is sent.
    pub state_file: Option<PathBuf>,
    pub max_body_bytes: usize,
    pub journal_limit: usize,
    /// The newest messages remembered: answers for resends, IDs for the duplicate rules,
    /// vouchers, postings, payments and invoices listed by the admin API (balances and
    /// totals stay exact).
    /// 0 = everything (memory grows with every accepted message).
    pub state_window: usize,
    /// Validate every answer against the contract before sending it (journaled, and a
    /// header `x-oir-answer-valid: false` when it fails).
    pub validate_answers: bool,
    /// Fault injection and misbehaviour, in order (more at run time via
    /// `POST /__admin/faults` or [`super::Stub::faults`]).
    pub overrides: Vec<Override>,
    /// Callback targets by callback operation, service name, integration or `"*"`.
    pub callbacks: BTreeMap<String, String>,
    /// Retries after a failed callback attempt.
    pub callback_retries: u32,
    /// Wait before the first retry; doubles with each further one.
    pub callback_backoff_ms: u64,
    /// CPR numbers in clear in the journal and admin output (default: masked).
    pub unmasked_journal: bool,
    /// HTTPS (with required client certificates when `client_ca` is given); `None` = HTTP.
    pub tls: Option<StubTls>,
    /// Serviceplatformen's dynamic routing: calls of these municipalities / service
    /// agreements go on to their targets.
    pub routes: Vec<super::routing::Route>,
}

/// The stub's HTTPS identity and, for mutual TLS, the CAs whose client certificates it
/// accepts (the caller's certificate then names its tenant).
#[derive(Debug, Clone, PartialEq)]
pub struct StubTls {
    pub identity: crate::tls::Identity,
    pub client_ca: Option<PathBuf>,
}

impl Default for StubConfig {
    fn default() -> Self {
        StubConfig {
            listen: DEFAULT_LISTEN.parse().expect("constant address"),
            seed: 1,
            today: None,
            packs: default_packs(),
            wsdl: Vec::new(),
            sortiment: None,
            omsaetningstabel: None,
            context: None,
            state_file: None,
            max_body_bytes: DEFAULT_MAX_BODY,
            journal_limit: DEFAULT_JOURNAL_LIMIT,
            state_window: DEFAULT_STATE_WINDOW,
            validate_answers: cfg!(debug_assertions),
            overrides: Vec::new(),
            callbacks: BTreeMap::new(),
            callback_retries: DEFAULT_CALLBACK_RETRIES,
            callback_backoff_ms: DEFAULT_CALLBACK_BACKOFF_MS,
            unmasked_journal: false,
            tls: None,
            routes: Vec::new(),
        }
    }
}

/// Every `schemas/SF1590_*` folder of this checkout, sorted.
pub fn default_packs() -> Vec<PathBuf> {
    let schemas = default_data_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut v: Vec<PathBuf> = std::fs::read_dir(&schemas)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("SF1590_"))
        })
        .collect();
    v.sort();
    v
}

/// Loopback only: the stub has no authentication and is a test double.
pub fn check_loopback(addr: &SocketAddr) -> Result<(), StubError> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(StubError::Config(format!(
            "listen address {addr} is not a loopback address (127.0.0.0/8 or ::1); the stub serves loopback only"
        )))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    stub: RawConfig,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    listen: Option<String>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    today: Option<String>,
    #[serde(default)]
    packs: Option<Vec<String>>,
    #[serde(default)]
    wsdl: Vec<String>,
    #[serde(default)]
    sortiment: Option<String>,
    #[serde(default)]
    omsaetningstabel: Option<String>,
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    max_body_bytes: Option<usize>,
    #[serde(default)]
    journal_limit: Option<usize>,
    state_window: Option<usize>,
    #[serde(default)]
    validate_answers: Option<bool>,
    #[serde(default)]
    overrides: Vec<Override>,
    #[serde(default)]
    callbacks: BTreeMap<String, String>,
    #[serde(default)]
    callback_retries: Option<u32>,
    #[serde(default)]
    callback_backoff_ms: Option<u64>,
    #[serde(default)]
    unmasked_journal: Option<bool>,
    #[serde(default)]
    tls: Option<RawTls>,
    #[serde(default)]
    routes: Vec<super::routing::Route>,
}

/// `tls: { cert, key }` or `tls: { pkcs12, password_env }`, plus `client_ca`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert: Option<String>,
    key: Option<String>,
    pkcs12: Option<String>,
    password_env: Option<String>,
    client_ca: Option<String>,
}

impl RawTls {
    fn resolve(self, base: &Path) -> Result<StubTls, String> {
        let at = |s: &String| base.join(s);
        let identity = match (&self.cert, &self.key, &self.pkcs12, &self.password_env) {
            (Some(c), Some(k), None, None) => crate::tls::Identity::Pem {
                cert: at(c),
                key: at(k),
            },
            (None, None, Some(p), Some(v)) => crate::tls::Identity::Pkcs12 {
                file: at(p),
                password_env: v.clone(),
            },
            _ => {
                return Err(
                    "tls: give cert and key (PEM), or pkcs12 and password_env (the name of the variable holding the password)"
                        .into(),
                );
            }
        };
        Ok(StubTls {
            identity,
            client_ca: self.client_ca.as_ref().map(at),
        })
    }
}

impl StubConfig {
    pub fn load(path: &Path) -> Result<StubConfig, StubError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| StubError::Config(format!("{}: {e}", path.display())))?;
        Self::from_yaml(&text, path.parent().unwrap_or(Path::new(".")))
            .map_err(|e| StubError::Config(format!("{}: {e}", path.display())))
    }

    /// Parse the YAML form; relative paths are taken from `base`.
    pub fn from_yaml(text: &str, base: &Path) -> Result<StubConfig, String> {
        let raw: RawFile = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
        let r = raw.stub;
        let at = |s: &String| base.join(s);
        let mut c = StubConfig::default();
        if let Some(l) = &r.listen {
            c.listen = l
                .parse()
                .map_err(|_| format!("listen: '{l}' is not an address like 127.0.0.1:8088"))?;
        }
        if let Some(s) = r.seed {
            c.seed = s;
        }
        if let Some(t) = &r.today {
            c.today = Some(Date::parse(t).ok_or_else(|| format!("today: '{t}' is not a date"))?);
        }
        if let Some(p) = &r.packs {
            c.packs = p.iter().map(at).collect();
        }
        c.wsdl = r.wsdl.iter().map(at).collect();
        c.sortiment = r.sortiment.as_ref().map(at);
        c.omsaetningstabel = r.omsaetningstabel.as_ref().map(at);
        c.context = r.context.as_ref().map(at);
        c.state_file = r.state.as_ref().map(at);
        if let Some(m) = r.max_body_bytes {
            c.max_body_bytes = m;
        }
        if let Some(w) = r.state_window {
            c.state_window = w;
        }
        if let Some(j) = r.journal_limit {
            c.journal_limit = j;
        }
        if let Some(v) = r.validate_answers {
            c.validate_answers = v;
        }
        for (i, o) in r.overrides.into_iter().enumerate() {
            o.check().map_err(|e| format!("overrides[{i}]: {e}"))?;
            let mut o = o;
            if let Respond::Template { file, .. } = &mut o.respond
                && file.is_relative()
            {
                *file = base.join(&*file);
            }
            c.overrides.push(o);
        }
        for (k, url) in &r.callbacks {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("callbacks.{k}: '{url}' is not an http(s) URL"));
            }
        }
        c.callbacks = r.callbacks;
        for (i, route) in r.routes.iter().enumerate() {
            route.check().map_err(|e| format!("routes[{i}]: {e}"))?;
        }
        c.routes = r.routes;
        if let Some(t) = r.tls {
            c.tls = Some(t.resolve(base)?);
        }
        if let Some(n) = r.callback_retries {
            c.callback_retries = n.min(20);
        }
        if let Some(ms) = r.callback_backoff_ms {
            c.callback_backoff_ms = ms;
        }
        if let Some(u) = r.unmasked_journal {
            c.unmasked_journal = u;
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_config_and_defaults() {
        let c = StubConfig::from_yaml(
            "stub:\n  listen: 127.0.0.1:0\n  seed: 9\n  today: 2025-06-30\n  packs: [p/SF1590_A]\n",
            Path::new("/base"),
        )
        .unwrap();
        assert_eq!(c.seed, 9);
        assert_eq!(c.listen.port(), 0);
        assert_eq!(c.packs, vec![PathBuf::from("/base/p/SF1590_A")]);
        assert_eq!(c.today, Date::new(2025, 6, 30));
        assert!(StubConfig::from_yaml("stub: {nope: 1}", Path::new(".")).is_err());
        assert!(StubConfig::from_yaml("stub: {today: 2025-02-30}", Path::new(".")).is_err());
        assert!(!StubConfig::default().packs.is_empty());
        assert!(check_loopback(&"127.0.0.1:1".parse().unwrap()).is_ok());
        assert!(check_loopback(&"[::1]:1".parse().unwrap()).is_ok());
        assert!(check_loopback(&"0.0.0.0:1".parse().unwrap()).is_err());
    }

    #[test]
    fn overrides_callbacks_and_masking_in_yaml() {
        let c = StubConfig::from_yaml(
            r#"stub:
  unmasked_journal: true
  callbacks: {RegistrerDaekningAfskrivning: "http://127.0.0.1:9/x"}
  callback_retries: 2
  overrides:
    - match: {operation: ModtagFinansbilag}
      respond: {template: {file: answers/a.xml}}
    - respond: skip_callbacks
      tenant: t1
"#,
            Path::new("/base"),
        )
        .unwrap();
        assert!(c.unmasked_journal);
        assert_eq!(c.callback_retries, 2);
        assert_eq!(c.overrides.len(), 2);
        assert_eq!(
            c.overrides[0].respond,
            Respond::Template {
                file: PathBuf::from("/base/answers/a.xml"),
                status: None
            }
        );
        assert_eq!(c.overrides[1].tenant.as_deref(), Some("t1"));
        assert!(StubConfig::from_yaml("stub: {callbacks: {x: ftp://a}}", Path::new(".")).is_err());
        assert!(
            StubConfig::from_yaml(
                "stub: {overrides: [{respond: drop, probability: 3}]}",
                Path::new(".")
            )
            .is_err()
        );
    }
}
