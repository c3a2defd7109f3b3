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
//!   validate_answers: true          # default: on in debug builds
//! ```
//!
//! Relative paths are relative to the config file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::StubError;
use crate::oir::date::Date;
use crate::oir::sortiment::default_data_dir;

/// The default listen address (loopback, fixed port for people; tests use port 0).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8088";
/// Requests above this size are refused with 413 before they are parsed.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;
pub const DEFAULT_JOURNAL_LIMIT: usize = 1000;

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
    /// Where SQLite persistence will live (a later slice); accepted and reported now.
    pub state_file: Option<PathBuf>,
    pub max_body_bytes: usize,
    pub journal_limit: usize,
    /// Validate every answer against the contract before sending it (journaled, and a
    /// header `x-oir-answer-valid: false` when it fails).
    pub validate_answers: bool,
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
            validate_answers: cfg!(debug_assertions),
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
    #[serde(default)]
    validate_answers: Option<bool>,
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
        if let Some(j) = r.journal_limit {
            c.journal_limit = j;
        }
        if let Some(v) = r.validate_answers {
            c.validate_answers = v;
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
}
