//! Environments: what a run talks to. A YAML file per environment (test ERP, a vendor's
//! fagsystem, a stub on another machine's loopback…); unknown keys and missing files are
//! errors naming the file and line. Secrets never live in the file: a PKCS#12 password is
//! read from the environment variable the file names.
//!
//! ```yaml
//! name: KMD Opus test            # shown in reports
//! side_under_test: erp           # erp: oir plays the fagsystem | fagsystem: oir plays the ERP
//! municipality_cvr: "29189846"
//! base_url: https://erp-test.example.dk     # every service at base_url + its contract path
//! services:                      # or per integration / WSDL service name, full endpoint URL
//!   ModtagFinansbilag: https://erp-test.example.dk/oir/finans
//! timeout_ms: 10000
//! max_response_bytes: 10485760
//! context: invocation            # invocation (InvocationContext) | authority (AuthorityContext)
//! tls:
//!   ca_bundle: certs/ca.pem
//!   client_pem: { cert: certs/system.pem, key: certs/system.key }
//!   # client_pkcs12: { file: certs/system.p12, password_env: OIR_P12_PASSWORD }
//! stub_admin: http://127.0.0.1:8088/__admin   # state steps (ledger, claims) read a stub here
//! triggers:                      # how to make the fagsystem under test send an operation
//!   ModtagFinansbilag: ./send-voucher.sh
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// oir plays the fagsystem; the ERP is tested.
    #[default]
    Erp,
    /// oir plays the ERP (its stub receives); the fagsystem is tested.
    Fagsystem,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Erp => "erp",
            Side::Fagsystem => "fagsystem",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ContextKind {
    #[default]
    Invocation,
    Authority,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PemIdentity {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pkcs12Identity {
    pub file: PathBuf,
    /// Name of the environment variable holding the password.
    pub password_env: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    pub ca_bundle: Option<PathBuf>,
    pub client_pem: Option<PemIdentity>,
    pub client_pkcs12: Option<Pkcs12Identity>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub name: Option<String>,
    #[serde(default)]
    pub side_under_test: Side,
    pub municipality_cvr: Option<String>,
    pub base_url: Option<String>,
    #[serde(default)]
    pub services: BTreeMap<String, String>,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    #[serde(default = "default_max_response")]
    pub max_response_bytes: usize,
    #[serde(default)]
    pub context: ContextKind,
    pub tls: Option<TlsSettings>,
    pub stub_admin: Option<String>,
    #[serde(default)]
    pub triggers: BTreeMap<String, String>,
    /// Where relative paths in the file are resolved (the file's folder).
    #[serde(skip)]
    pub base_dir: PathBuf,
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

fn default_timeout() -> u64 {
    10_000
}

fn default_max_response() -> usize {
    10 * 1024 * 1024
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            name: None,
            side_under_test: Side::Erp,
            municipality_cvr: None,
            base_url: None,
            services: BTreeMap::new(),
            timeout_ms: default_timeout(),
            max_response_bytes: default_max_response(),
            context: ContextKind::Invocation,
            tls: None,
            stub_admin: None,
            triggers: BTreeMap::new(),
            base_dir: PathBuf::from("."),
            file: None,
        }
    }
}

impl Environment {
    /// `--env NAME|FILE`: a file path, or a name looked up as `environments/NAME.yaml`.
    pub fn resolve(arg: &str) -> Result<Environment, String> {
        let direct = PathBuf::from(arg);
        let path = if direct.is_file() {
            direct
        } else {
            let named = Path::new("environments").join(format!("{arg}.yaml"));
            if named.is_file() {
                named
            } else {
                return Err(format!(
                    "environment '{arg}': no such file (looked for {} and {})",
                    direct.display(),
                    named.display()
                ));
            }
        };
        Environment::load(&path)
    }

    pub fn load(path: &Path) -> Result<Environment, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the environment: {e}", path.display()))?;
        let mut env =
            Environment::from_yaml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        env.base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        env.file = Some(path.to_path_buf());
        env.check()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(env)
    }

    pub fn from_yaml(text: &str) -> Result<Environment, String> {
        serde_saphyr::from_str(text).map_err(|e| e.to_string())
    }

    /// Consistency the types cannot say.
    fn check(&self) -> Result<(), String> {
        if self.base_url.is_none() && self.services.is_empty() {
            return Err(
                "no endpoint: give base_url or services (integration or service name → URL)".into(),
            );
        }
        for url in self.base_url.iter().chain(self.services.values()) {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("'{url}' is not an http:// or https:// URL"));
            }
        }
        if let Some(tls) = &self.tls {
            if tls.client_pem.is_some() && tls.client_pkcs12.is_some() {
                return Err("tls: give client_pem or client_pkcs12, not both".into());
            }
            let files = tls
                .ca_bundle
                .iter()
                .chain(tls.client_pem.iter().flat_map(|p| [&p.cert, &p.key]))
                .chain(tls.client_pkcs12.iter().map(|p| &p.file));
            for f in files {
                let full = self.base_dir.join(f);
                if !full.is_file() {
                    return Err(format!("tls: file {} does not exist", full.display()));
                }
            }
        }
        if self.timeout_ms == 0 {
            return Err("timeout_ms must be above 0".into());
        }
        Ok(())
    }

    /// The endpoint for a service: by WSDL service name, then by integration, then base URL
    /// + the contract's path.
    pub fn endpoint(&self, service: &str, integration: Option<&str>, path: &str) -> Option<String> {
        if let Some(u) = self.services.get(service) {
            return Some(u.clone());
        }
        if let Some(u) = integration.and_then(|i| self.services.get(i)) {
            return Some(u.clone());
        }
        self.base_url
            .as_ref()
            .map(|b| format!("{}{}", b.trim_end_matches('/'), path))
    }

    pub fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.file.as_ref().map(|f| f.display().to_string()))
            .unwrap_or_else(|| "environment".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let e = Environment::from_yaml("name: x\nbase_url: http://127.0.0.1:1\ntimeuot_ms: 5\n")
            .unwrap_err();
        assert!(e.contains("timeuot_ms"), "{e}");
        assert!(e.contains('3'), "line 3 named: {e}");
    }

    #[test]
    fn endpoints_resolve_by_service_then_integration_then_base() {
        let env = Environment::from_yaml(
            "base_url: http://h:1/\nservices:\n  ModtagFinansbilag: http://a/x\n  SF1590_E: http://e/y\n",
        )
        .unwrap();
        assert_eq!(
            env.endpoint("ModtagFinansbilag", Some("SF1590_A"), "/p")
                .unwrap(),
            "http://a/x"
        );
        assert_eq!(
            env.endpoint("Udbetaling", Some("SF1590_E"), "/p").unwrap(),
            "http://e/y"
        );
        assert_eq!(
            env.endpoint("Other", Some("SF1590_D"), "/p/q").unwrap(),
            "http://h:1/p/q"
        );
    }
}
