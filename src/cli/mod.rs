//! The command line: one clap table for every subcommand. Exit codes are a contract:
//! 0 = everything conforms, 1 = findings (invalid documents, failed checks),
//! 2 = usage, configuration or load errors (nothing was judged).

mod boundaries;
mod list;
mod rules;
mod run;
mod stub;
mod validate;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "oir",
    version,
    about = "Conformance harness for KOMBIT's ØiR integrations on Serviceplatformen"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate XML documents (or SOAP envelopes) against a WSDL or XSD contract.
    Validate(ValidateArgs),
    /// List the business-rule catalogue, or check messages against schema and rules.
    Rules(RulesArgs),
    /// List the boundary-value cases of an operation's input message (derived from its facets).
    Boundaries(boundaries::BoundariesArgs),
    /// Serve the service packs (or any WSDL) as a virtualization stub on a loopback address.
    Stub(StubArgs),
    /// Run Gherkin features against a target (default: the built-in suites against the
    /// built-in stub) and write reports. Exit codes: 0 passed, 1 failed, 2 usage/config,
    /// 3 target unreachable, 4 no scenario matched, 5 interrupted.
    Run(run::RunArgs),
    /// Check every feature against the step library without running anything.
    Lint(run::LintArgs),
    /// List the step library (English and Danish).
    Steps(run::StepsArgs),
    /// List the scenarios of the suites; --coverage: requirements and the scenarios covering them.
    List(list::ListArgs),
    /// Write the conformance statement (HTML and JSON) of a finished run from its report folder.
    Certify(CertifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct CertifyArgs {
    /// The run's report folder (it holds events.jsonl).
    #[arg(long)]
    pub from: PathBuf,
    /// Where to write conformance.html/json (default: the run's folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct StubArgs {
    /// Stub configuration (YAML, `stub:` block: packs, wsdl, seed, today, data, limits).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Address to listen on; loopback only (port 0 = any free port). Default 127.0.0.1:8088.
    #[arg(long)]
    pub listen: Option<String>,
    /// State file (SQLite persistence: not implemented yet, the state is in memory).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Seed for the generated values of answers (same seed, same answers).
    #[arg(long)]
    pub seed: Option<u64>,
    /// "Today" for the business rules (YYYY-MM-DD; default: the system date).
    #[arg(long)]
    pub today: Option<String>,
    /// Serve this WSDL too (generic mode); may be given several times.
    #[arg(long)]
    pub wsdl: Vec<PathBuf>,
    /// Do not serve the built-in service packs (only --wsdl / the config's contracts).
    #[arg(long)]
    pub no_packs: bool,
    /// Serve HTTPS with this certificate chain (PEM); with --tls-key.
    #[arg(long, requires = "tls_key", conflicts_with = "tls_p12")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM, unencrypted).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve HTTPS with this PKCS#12 identity; its password is read from the environment
    /// variable --tls-p12-password-env names (never from the command line).
    #[arg(long, requires = "tls_p12_password_env")]
    pub tls_p12: Option<PathBuf>,
    #[arg(long, requires = "tls_p12")]
    pub tls_p12_password_env: Option<String>,
    /// Require client certificates issued by these CAs (PEM bundle): mutual TLS, and the
    /// caller's certificate names its tenant.
    #[arg(long)]
    pub client_ca: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// WSDL contract: a SOAP envelope's Body payload is validated against the operation's message.
    #[arg(long, conflicts_with = "xsd", required_unless_present = "xsd")]
    pub wsdl: Option<PathBuf>,
    /// XSD schema(s); give the option several times to combine schemas.
    #[arg(long)]
    pub xsd: Vec<PathBuf>,
    /// Catalog mapping namespaces or remote schemaLocations to local files (`key = path` lines).
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Schema only: skip the ØiR business rules (they run by default when the WSDL belongs
    /// to an SF1590 service pack).
    #[arg(long)]
    pub no_rules: bool,
    /// Context for the business rules (today, sender, known accounts, IDs received; YAML).
    #[arg(long, requires = "wsdl")]
    pub context: Option<PathBuf>,
    /// Documents to validate.
    #[arg(required = true)]
    pub documents: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    /// Output format (of the listing).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Check SOAP messages: schema findings and business-rule findings together.
    Check(RulesCheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct RulesCheckArgs {
    /// WSDL contract of the integration (its folder name, e.g. SF1590_A, selects the rules).
    #[arg(long)]
    pub wsdl: PathBuf,
    /// Context: today, sender, known accounts/claims/invoices, IDs already received (YAML).
    #[arg(long)]
    pub context: Option<PathBuf>,
    /// The fagsystem's sortiment (YAML); default: schemas/data/sortiment.yaml.
    #[arg(long)]
    pub sortiment: Option<PathBuf>,
    /// The ERP's omsætningstabel (YAML); default: schemas/data/omsaetningstabel.yaml.
    #[arg(long)]
    pub omsaetningstabel: Option<PathBuf>,
    /// Catalog mapping namespaces or remote schemaLocations to local files.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Messages to check, in order (a later one is judged against the IDs of earlier ones).
    #[arg(required = true)]
    pub documents: Vec<PathBuf>,
}

/// Parse the command line and run; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Boundaries(args) => boundaries::run(&args),
        Command::Stub(args) => stub::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Lint(args) => run::lint(&args),
        Command::Steps(args) => run::steps(&args),
        Command::List(args) => list::run(&args),
        Command::Certify(args) => {
            crate::report::certify::run_certify(&args.from, args.out.as_deref())
        }
    }
}
