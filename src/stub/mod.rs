//! The virtualization stub: plays the other side of every ØiR integration — the ERP
//! (ModtagFinansbilag, the debitor services, NKS) and the fagsystem
//! (DaekningAfskrivningRegistreringAfsend, FakturaInformationAfsend …) — from the service
//! packs' contracts and examples, or any WSDL (generic mode).
//!
//! Every request is judged as Serviceplatformen and a conforming receiver would judge it
//! ([`pipeline`]); answers come from the pack's example answers with request values echoed
//! and seeded variation ([`answer`]); accepted messages change an in-memory state
//! (ledger, debitorkonti, payments, invoices: [`state`]) that later messages are judged
//! against; everything is journaled and visible through the admin API ([`admin`]).
//! Each tenant ([`tenant`]) has its own state and journal; overrides inject faults and
//! misbehaviour ([`faults`]); accepted changes can call the counterpart back
//! ([`callbacks`]); with `--state` the state survives restarts ([`persist`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), oir::stub::StubError> {
//! let mut config = oir::stub::StubConfig::default();
//! config.listen = "127.0.0.1:0".parse().unwrap();
//! let running = oir::stub::start(config).await?;
//! println!("stub at {}", running.url());
//! running.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod admin;
pub mod answer;
pub mod callbacks;
pub mod catalog;
pub mod config;
pub mod faults;
pub mod http;
pub mod nks;
pub mod persist;
pub mod pipeline;
pub mod routing;
pub mod soap;
pub mod state;
pub mod tenant;
pub mod xmlout;

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

pub use catalog::Catalog;
pub use config::{StubConfig, StubTls};
pub use faults::{Match, Override, Respond};
pub use state::State;

use crate::oir::context::{Context, system_today};
use crate::oir::engine::Engine;
use crate::oir::sortiment::{Omsaetningstabel, Sortiment, default_data_dir};

#[derive(Debug, thiserror::Error)]
pub enum StubError {
    /// Bad configuration or command line (exit code 2).
    #[error("{0}")]
    Config(String),
    #[error("cannot load a contract: {0}")]
    Load(crate::schema::LoadError),
    #[error("cannot load reference data: {0}")]
    Data(crate::oir::sortiment::DataError),
    #[error("cannot listen on {addr}: {err}")]
    Bind {
        addr: SocketAddr,
        err: std::io::Error,
    },
    #[error("the stub stopped with an error: {0}")]
    Serve(String),
    #[error("{0}")]
    Persist(#[from] persist::PersistError),
}

/// A loaded stub: contracts, rules, state. Shared by the HTTP handlers.
pub struct Stub {
    pub config: StubConfig,
    pub catalog: Catalog,
    pub engine: Engine,
    /// The state at start (the configured context), for reset and new tenants.
    initial: Context,
    /// One state per tenant (`""` is the default tenant).
    tenants: Mutex<HashMap<String, State>>,
    /// Overrides in force (config and admin API).
    pub faults: faults::Faults,
    /// `--state`: where every change is written before its answer is sent.
    store: Option<persist::Store>,
    http: OnceLock<reqwest::Client>,
    /// The address actually bound (for URLs in served WSDLs).
    pub bound: OnceLock<SocketAddr>,
}

impl Stub {
    /// Load contracts, examples and reference data (blocking: a second or so for the packs).
    pub fn load(config: StubConfig) -> Result<Stub, StubError> {
        let catalog = Catalog::load(&config.packs, &config.wsdl)?;
        if catalog.services.is_empty() {
            return Err(StubError::Config(
                "no service to serve: give service packs or WSDL files".into(),
            ));
        }
        let data = default_data_dir();
        let sortiment = match &config.sortiment {
            Some(p) => Some(Sortiment::load(p).map_err(StubError::Data)?),
            None => {
                let p = data.join("sortiment.yaml");
                if p.exists() {
                    Some(Sortiment::load(&p).map_err(StubError::Data)?)
                } else {
                    None
                }
            }
        };
        let table = match &config.omsaetningstabel {
            Some(p) => Some(Omsaetningstabel::load(p).map_err(StubError::Data)?),
            None => {
                let p = data.join("omsaetningstabel.yaml");
                if p.exists() {
                    Some(Omsaetningstabel::load(&p).map_err(StubError::Data)?)
                } else {
                    None
                }
            }
        };
        let engine = Engine::new(sortiment, table);
        let mut initial = match &config.context {
            Some(p) => Context::load(p).map_err(StubError::Data)?,
            None => Context::new(config.today.unwrap_or_else(system_today)),
        };
        if let Some(t) = config.today {
            initial.today = t;
        }
        engine
            .absorb_earlier(&mut initial)
            .map_err(StubError::Data)?;
        for (i, o) in config.overrides.iter().enumerate() {
            o.check()
                .map_err(|e| StubError::Config(format!("overrides[{i}]: {e}")))?;
        }
        let store = match &config.state_file {
            Some(p) => Some(persist::Store::open(p)?),
            None => None,
        };
        initial.seen.set_limit(config.state_window);
        let mut tenants = match &store {
            Some(st) => st.load(&initial)?,
            None => HashMap::new(),
        };
        tenants
            .entry(tenant::DEFAULT_TENANT.to_string())
            .or_insert_with(|| State::new(initial.clone()));
        Ok(Stub {
            tenants: Mutex::new(tenants),
            faults: faults::Faults::new(config.seed, &config.overrides),
            store,
            http: OnceLock::new(),
            initial,
            config,
            catalog,
            engine,
            bound: OnceLock::new(),
        })
    }

    /// Run `f` on the default tenant's state under the lock.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        self.with_tenant(tenant::DEFAULT_TENANT, f)
    }

    /// Run `f` on a tenant's state under the lock (a new tenant starts from the state at
    /// start). A panic in an earlier holder does not make the state unusable: the data is
    /// plain and every update is complete before it is stored.
    pub fn with_tenant<R>(&self, tenant: &str, f: impl FnOnce(&mut State) -> R) -> R {
        let mut g = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        if !g.contains_key(tenant) {
            g.insert(tenant.to_string(), State::new(self.initial.clone()));
        }
        let s = g.get_mut(tenant).expect("inserted above");
        f(s)
    }

    /// The tenants that have a state, sorted.
    pub fn tenant_names(&self) -> Vec<String> {
        let g = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        let mut v: Vec<String> = g.keys().cloned().collect();
        v.sort();
        v
    }

    /// The default tenant back to the state at start (journal included).
    pub fn reset(&self) {
        let _ = self.reset_tenant(tenant::DEFAULT_TENANT);
    }

    /// A tenant back to the state at start (journal included), on disk too.
    pub fn reset_tenant(&self, tenant: &str) -> Result<(), persist::PersistError> {
        self.with_tenant(tenant, |s| {
            *s = State::new(self.initial.clone());
            match &self.store {
                Some(st) => st.forget(tenant),
                None => Ok(()),
            }
        })
    }

    /// Write what changed in a tenant's state (and the answer just given) when `--state` is
    /// on. Call with the state lock held (inside `with_tenant`), so writes land in the order
    /// they happened.
    pub fn persist(
        &self,
        tenant: &str,
        state: &mut State,
        answer: Option<(&str, &state::Cached)>,
    ) -> Result<(), persist::PersistError> {
        match &self.store {
            Some(st) => st.save(tenant, state, answer),
            None => {
                // Nothing writes them: keep the record of changes from growing.
                state.changes.clear();
                Ok(())
            }
        }
    }

    pub fn persistent(&self) -> bool {
        self.store.is_some()
    }

    /// Text for the journal and admin output: CPR numbers masked unless the configuration
    /// says `unmasked_journal`.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.config.unmasked_journal {
            Cow::Borrowed(text)
        } else {
            crate::report::mask::mask_cpr(text)
        }
    }

    /// The HTTP client for callbacks (made on first use).
    pub fn http_client(&self) -> reqwest::Client {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .no_proxy()
                    .build()
                    .unwrap_or_else(|_| reqwest::Client::new())
            })
            .clone()
    }
}

/// The application: SOAP endpoints, `?wsdl`, contract files, admin API.
pub fn app(stub: Arc<Stub>) -> axum::Router {
    http::router(stub)
}

/// A stub listening on a loopback port, for the CLI and for runners in-process.
pub struct RunningStub {
    pub addr: SocketAddr,
    pub stub: Arc<Stub>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningStub {
    /// `http://127.0.0.1:PORT` (`https://` when the stub serves TLS)
    pub fn url(&self) -> String {
        let scheme = if self.stub.config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// Stop accepting, finish the exchanges in flight, and return.
    pub async fn shutdown(mut self) -> Result<(), StubError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.wait().await
    }

    /// Wait until the server stops (after [`RunningStub::shutdown`] or an error).
    async fn wait(self) -> Result<(), StubError> {
        match self.task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StubError::Serve(e.to_string())),
            Err(e) => Err(StubError::Serve(e.to_string())),
        }
    }
}

/// Load the configuration's contracts and serve them on its (loopback) address; port 0
/// picks a free port (`RunningStub::addr` says which).
pub async fn start(config: StubConfig) -> Result<RunningStub, StubError> {
    config::check_loopback(&config.listen)?;
    let addr = config.listen;
    // TLS material is checked before anything else is loaded: a wrong password is a
    // configuration error, not a half-started stub.
    let tls = match &config.tls {
        Some(t) => Some(
            crate::tls::ServerTls::from_identity(&t.identity, t.client_ca.as_deref())
                .map_err(|e| StubError::Config(format!("tls: {e}")))?,
        ),
        None => None,
    };
    let stub = tokio::task::spawn_blocking(move || Stub::load(config))
        .await
        .map_err(|e| StubError::Serve(e.to_string()))??;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|err| StubError::Bind { addr, err })?;
    let bound = listener
        .local_addr()
        .map_err(|err| StubError::Bind { addr, err })?;
    let _ = stub.bound.set(bound);
    let stub = Arc::new(stub);
    let router = app(Arc::clone(&stub));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let stopped = async {
        let _ = rx.await;
    };
    let task = match tls {
        Some(server_config) => {
            tokio::spawn(crate::tls::serve(listener, router, server_config, stopped))
        }
        None => tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(stopped)
                .await
        }),
    };
    Ok(RunningStub {
        addr: bound,
        stub,
        shutdown: Some(tx),
        task,
    })
}

/// Now in UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn utc_now() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Days since 1970-01-01 → civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_now_has_the_shape() {
        let t = super::utc_now();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z') && &t[10..11] == "T", "{t}");
    }
}
