//! `oir run`: Gherkin features → SOAP exchanges against a target (a real system, or the
//! built-in stub started in-process) → one event stream ([`events`]) → reports.
//!
//! The pipeline: [`suite`] (read, parse, filter, shard) → cucumber (runner::Basic, our
//! steps from [`steps`], our world [`world`]) → [`bridge`] (cucumber's events → ours) →
//! [`crate::report`] writers. Exit codes are a contract, see [`ExitCode`].

pub mod bridge;
pub mod env;
pub mod events;
pub mod message;
pub mod steps;
pub mod suite;
pub mod target;
pub mod world;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cucumber::gherkin;
use sha2::{Digest, Sha256};

use self::bridge::{Bridge, SharedSink, Sink, Tally, lock};
use self::env::Environment;
use self::events::{Event, RunInfo, Summary};
use self::suite::{Selection, Suite};
use self::target::Target;
use self::world::{OirWorld, RUN, Recorder, RunCtx};
use crate::report::{Fanout, Writer};
use crate::stub::{RunningStub, Stub, StubConfig};

/// The process exit codes of `oir run` (README's table; kept stable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Every selected scenario passed (manual checkpoints may await confirmation).
    Passed = 0,
    /// At least one scenario failed, or a feature could not be parsed.
    Failed = 1,
    /// Usage or configuration error: nothing was run.
    Usage = 2,
    /// The target could not be reached at all: nothing was judged.
    Unreachable = 3,
    /// No scenario matched the filters.
    NoScenario = 4,
    /// Interrupted (Ctrl-C, SIGTERM); reports cover what finished.
    Interrupted = 5,
}

/// What `oir run` was asked to do.
pub struct RunOptions {
    /// Features folder; `None` = the built-in suites (`features/` of this checkout).
    pub features: Option<PathBuf>,
    /// Environment name or file; `None` = the built-in stub, in-process.
    pub env: Option<String>,
    pub tags: Option<String>,
    pub name: Option<String>,
    pub concurrency: usize,
    /// `I/N`
    pub shard: Option<String>,
    pub fail_fast: bool,
    pub retry: usize,
    pub seed: u64,
    pub report_dir: Option<PathBuf>,
    /// Reports show CPR numbers unmasked (local debugging only).
    pub unmasked: bool,
    /// The built-in stub's configuration (tests give faulty ones); `None` = defaults.
    pub stub: Option<StubConfig>,
    /// Writers besides the standard reports (tests capture events with these).
    pub extra_writers: Vec<(String, Box<dyn Writer>)>,
    /// Print progress and the summary on stderr/stdout.
    pub terminal: bool,
    /// Answer timeout against the built-in stub (an environment sets its own).
    pub timeout_ms: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            features: None,
            env: None,
            tags: None,
            name: None,
            concurrency: 16,
            shard: None,
            fail_fast: false,
            retry: 0,
            seed: 1,
            report_dir: None,
            unmasked: false,
            stub: None,
            extra_writers: Vec::new(),
            terminal: true,
            timeout_ms: 10_000,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub exit: ExitCode,
    pub summary: Summary,
    /// Failed scenarios: (id, first message).
    pub failed: Vec<(String, String)>,
    /// Why nothing ran (usage, unreachable, no scenario).
    pub error: Option<String>,
    pub report_dir: Option<PathBuf>,
}

impl RunOutcome {
    fn early(exit: ExitCode, error: String) -> RunOutcome {
        RunOutcome {
            exit,
            summary: Summary {
                exit_code: exit as i32,
                ..Summary::default()
            },
            failed: Vec::new(),
            error: Some(error),
            report_dir: None,
        }
    }
}

/// The built-in suites of this checkout.
pub fn default_features() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("features")
}

/// Run on a fresh runtime (the CLI's entry).
pub fn run(opts: RunOptions) -> RunOutcome {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return RunOutcome::early(ExitCode::Usage, format!("cannot start the runtime: {e}"));
        }
    };
    rt.block_on(run_async(opts))
}

/// SHA-256 over the packs' contract files (path + content), hex.
pub fn schema_hash(packs: &[PathBuf]) -> String {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "xsd" || x == "wsdl") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    for p in packs {
        walk(p, &mut files);
    }
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(
            f.to_string_lossy()
                .rsplit("schemas/")
                .next()
                .unwrap_or("")
                .as_bytes(),
        );
        h.update([0]);
        h.update(std::fs::read(&f).unwrap_or_default());
    }
    suite::hex(&h.finalize())
}

/// Features handed to cucumber as they are (parsed, filtered, expanded by [`suite`]).
struct Preparsed(Vec<gherkin::Feature>);

impl cucumber::Parser<()> for Preparsed {
    type Cli = cucumber::cli::Empty;
    type Output =
        futures::stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, _: (), _: Self::Cli) -> Self::Output {
        let v: Vec<_> = self.0.into_iter().map(Ok).collect();
        futures::stream::iter(v)
    }
}

/// What the run talks to, set up.
struct Setup {
    ctx: Arc<RunCtx>,
    target_label: String,
    side: String,
    env_label: Option<String>,
    _stub: Option<RunningStub>,
}

async fn setup(opts: &mut RunOptions, features_root: &Path) -> Result<Setup, RunOutcome> {
    let run_tag = format!(
        "run{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    );
    match opts.env.clone() {
        None => {
            let mut config = opts.stub.take().unwrap_or_default();
            config.listen = "127.0.0.1:0".parse().expect("constant address");
            config.seed = opts.seed;
            // The runner judges what the stub received (callbacks, the system under test's
            // requests) from its journal: it needs them unmasked. Reports mask anyway.
            config.unmasked_journal = true;
            let running = crate::stub::start(config).await.map_err(|e| {
                RunOutcome::early(ExitCode::Usage, format!("the built-in stub: {e}"))
            })?;
            let url = running.url();
            let client = Target::plain_client(opts.timeout_ms)
                .map_err(|e| RunOutcome::early(ExitCode::Usage, e))?;
            let mut target = Target::new(client, opts.timeout_ms, 64 * 1024 * 1024);
            target.tenant_header = true;
            target.admin = Some(format!("{url}/__admin"));
            let ctx = RunCtx {
                knowledge: Arc::clone(&running.stub),
                env: Environment::default(),
                target,
                stub_url: Some(url.clone()),
                seed: opts.seed,
                features_root: features_root.to_path_buf(),
                recorder: Recorder::default(),
                run_tag,
            };
            Ok(Setup {
                ctx: Arc::new(ctx),
                target_label: format!("built-in stub ({url})"),
                side: "stub".into(),
                env_label: None,
                _stub: Some(running),
            })
        }
        Some(name) => {
            let env =
                Environment::resolve(&name).map_err(|e| RunOutcome::early(ExitCode::Usage, e))?;
            let client = build_client(&env).map_err(|e| RunOutcome::early(ExitCode::Usage, e))?;
            // Pre-flight: a target that cannot be reached at all is exit code 3, not a
            // thousand failed scenarios.
            let urls: Vec<String> = env
                .base_url
                .iter()
                .chain(env.services.values())
                .cloned()
                .collect();
            let mut reachable = 0;
            let mut errors = Vec::new();
            for u in &urls {
                match Target::reachable(u, env.timeout_ms).await {
                    Ok(()) => reachable += 1,
                    Err(e) => errors.push(format!("{u}: {e}")),
                }
            }
            if reachable == 0 {
                return Err(RunOutcome::early(
                    ExitCode::Unreachable,
                    format!(
                        "{}: the target cannot be reached: {}",
                        env.label(),
                        errors.join("; ")
                    ),
                ));
            }
            for e in &errors {
                eprintln!("oir: warning: {e} (scenarios using it will fail)");
            }
            let config = StubConfig::default();
            let knowledge = tokio::task::spawn_blocking(move || Stub::load(config))
                .await
                .map_err(|e| RunOutcome::early(ExitCode::Usage, e.to_string()))?
                .map_err(|e| RunOutcome::early(ExitCode::Usage, e.to_string()))?;
            let mut target = Target::new(client, env.timeout_ms, env.max_response_bytes);
            target.admin = env.stub_admin.clone();
            target.tenant_header = env.stub_admin.is_some();
            let label = env.label();
            let side = env.side_under_test.as_str().to_string();
            let target_label = format!("{label}: {}", urls.join(", "));
            let ctx = RunCtx {
                knowledge: Arc::new(knowledge),
                env,
                target,
                stub_url: None,
                seed: opts.seed,
                features_root: features_root.to_path_buf(),
                recorder: Recorder::default(),
                run_tag,
            };
            Ok(Setup {
                ctx: Arc::new(ctx),
                target_label,
                side,
                env_label: Some(label),
                _stub: None,
            })
        }
    }
}

/// The HTTP client for an environment (TLS identity and CA bundle when configured; the
/// PKCS#12 password from the environment variable the file names).
fn build_client(env: &Environment) -> Result<reqwest::Client, String> {
    let Some(tls) = &env.tls else {
        return Target::plain_client(env.timeout_ms);
    };
    let at = |p: &Path| env.base_dir.join(p);
    let identity = match (&tls.client_pem, &tls.client_pkcs12) {
        (Some(p), _) => Some(crate::tls::Identity::Pem {
            cert: at(&p.cert),
            key: at(&p.key),
        }),
        (None, Some(p)) => Some(crate::tls::Identity::Pkcs12 {
            file: at(&p.file),
            password_env: p.password_env.clone(),
        }),
        (None, None) => None,
    };
    let ca = tls.ca_bundle.as_deref().map(at);
    crate::tls::reqwest_client(
        ca.as_deref(),
        identity.as_ref(),
        std::time::Duration::from_millis(env.timeout_ms),
    )
    .map_err(|e| format!("{}: tls: {e}", env.label()))
}

/// Everything `oir run` does, on the caller's runtime.
pub async fn run_async(mut opts: RunOptions) -> RunOutcome {
    let started = Instant::now();
    let features_root = opts.features.clone().unwrap_or_else(default_features);
    let features_label = if opts.features.is_none() {
        "built-in".to_string()
    } else {
        features_root.display().to_string()
    };
    // Selection first: a bad filter is a usage error before anything starts.
    let mut sel = Selection::default();
    if let Some(t) = &opts.tags {
        match Selection::parse_tags(t) {
            Ok(t) => sel.tags = Some(t),
            Err(e) => return RunOutcome::early(ExitCode::Usage, e),
        }
    }
    if let Some(n) = &opts.name {
        match regex::Regex::new(n) {
            Ok(r) => sel.name = Some(r),
            Err(e) => return RunOutcome::early(ExitCode::Usage, format!("--name '{n}': {e}")),
        }
    }
    if let Some(s) = &opts.shard {
        match Selection::parse_shard(s) {
            Ok(s) => sel.shard = Some(s),
            Err(e) => return RunOutcome::early(ExitCode::Usage, e),
        }
    }
    let mut suite: Suite = match suite::load(&features_root) {
        Ok(s) => s,
        Err(e) => return RunOutcome::early(ExitCode::Usage, e),
    };
    let planned = suite.select(&sel);
    if planned == 0 && suite.problems.is_empty() {
        return RunOutcome::early(
            ExitCode::NoScenario,
            format!(
                "no scenario in {} matches {}",
                features_label,
                if sel.describe().is_empty() {
                    "(no filter)".to_string()
                } else {
                    sel.describe().join(" ")
                }
            ),
        );
    }
    // Reports: every writer gets the same (masked) events.
    let report_dir = opts.report_dir.clone();
    let terminal = if opts.terminal {
        crate::report::TerminalChoice::Stdout
    } else {
        crate::report::TerminalChoice::None
    };
    let mut fanout = match &report_dir {
        Some(dir) => {
            let ro = crate::report::ReportOptions {
                mask: !opts.unmasked,
                terminal,
                ..crate::report::ReportOptions::default()
            };
            match crate::report::standard_writers(dir, &ro) {
                Ok(f) => f,
                Err(e) => return RunOutcome::early(ExitCode::Usage, e.to_string()),
            }
        }
        None => {
            let mut f = Fanout::new();
            f.set_masking(!opts.unmasked);
            if opts.terminal {
                f.add(
                    "terminal",
                    Box::new(crate::report::terminal::Terminal::stdout()),
                );
            }
            f
        }
    };
    for (n, w) in opts.extra_writers.drain(..) {
        fanout.add(n, w);
    }
    let setup = match setup(&mut opts, &features_root).await {
        Ok(s) => s,
        Err(o) => return o,
    };
    let sink: SharedSink = Arc::new(Mutex::new(Sink {
        fanout,
        tally: Tally::default(),
    }));
    let packs = crate::stub::config::default_packs();
    lock(&sink).emit(Event::RunStarted(RunInfo {
        tool: "oir".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        started_at: crate::stub::utc_now(),
        target: setup.target_label.clone(),
        environment: setup.env_label.clone(),
        side_under_test: setup.side.clone(),
        seed: opts.seed,
        suite_hash: suite.hash.clone(),
        schema_hash: schema_hash(&packs),
        features: features_label,
        filters: sel.describe(),
        scenarios_planned: planned,
        masked: !opts.unmasked,
    }));
    for p in &suite.problems {
        let mut s = lock(&sink);
        s.tally.summary.parse_errors += 1;
        s.emit(Event::ParseError {
            path: p.path.clone(),
            line: p.line,
            message: p.message.clone(),
        });
    }
    let languages: HashMap<String, String> = suite
        .features
        .iter()
        .map(|f| (f.rel_path.clone(), f.language.clone()))
        .collect();
    let features: Vec<gherkin::Feature> =
        suite.features.iter().map(|f| f.feature.clone()).collect();
    let bridge = Bridge::new(Arc::clone(&sink), setup.ctx.recorder.clone(), languages);
    let tenants = Arc::new(AtomicU64::new(0));
    let mut cuke = cucumber::Cucumber::<_, _, (), _, _, cucumber::cli::Empty>::custom(
        Preparsed(features),
        cucumber::runner::Basic::<OirWorld>::default(),
        bridge,
    )
    .max_concurrent_scenarios(opts.concurrency.max(1))
    .retries(opts.retry)
    .before(move |feature, rule, scenario, world: &mut OirWorld| {
        let tenants = Arc::clone(&tenants);
        Box::pin(async move {
            let rel = feature
                .path
                .as_ref()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let info = suite::scenario_info(&rel, "", feature, rule, scenario);
            world.scenario_id = info.id.clone();
            world.integration = info.integration.clone();
            world.feature_dir = world
                .run
                .features_root
                .join(&rel)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let n = tenants.fetch_add(1, Ordering::Relaxed);
            let safe: String = info
                .id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._:/-".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            world.tenant = format!("{}/{n}/{safe}", world.run.run_tag);
        })
    });
    if opts.fail_fast {
        cuke = cuke.fail_fast();
    }
    for re in steps::patterns() {
        cuke = cuke
            .given(re.clone(), steps::dispatch)
            .when(re.clone(), steps::dispatch)
            .then(re, steps::dispatch);
    }
    let cuke = cuke.with_cli::<cucumber::cli::Empty>(cucumber::cli::Opts::default());
    let run = RUN.scope(Arc::clone(&setup.ctx), cuke.run(()));
    let interrupted = tokio::select! {
        _ = run => false,
        _ = interrupt() => true,
    };
    // Scenarios cut off by an interrupt or --fail-fast never report Finished.
    let mut s = lock(&sink);
    let mut summary = s.tally.summary.clone();
    summary.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    summary.interrupted = interrupted || (opts.fail_fast && summary.scenarios < planned);
    let exit = if interrupted {
        ExitCode::Interrupted
    } else if summary.failed > 0 || summary.parse_errors > 0 {
        ExitCode::Failed
    } else {
        ExitCode::Passed
    };
    summary.exit_code = exit as i32;
    s.emit(Event::RunFinished(summary.clone()));
    let errors = s.fanout.errors.clone();
    let failed = s.tally.failed.clone();
    drop(s);
    for (w, e) in errors {
        eprintln!("oir: the {w} report could not be written: {e}");
    }
    RunOutcome {
        exit,
        summary,
        failed,
        error: None,
        report_dir,
    }
}

/// Ctrl-C or SIGTERM.
async fn interrupt() {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
