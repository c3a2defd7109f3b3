//! `oir run`, `oir lint`, `oir steps`: thin shells over [`crate::run`].

use std::path::PathBuf;

use crate::run::{self, ExitCode, RunOptions, steps, suite};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Features folder (default: the built-in suites).
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Environment: a YAML file, or NAME for environments/NAME.yaml (default: the built-in
    /// stub, started in-process on a free loopback port).
    #[arg(long)]
    pub env: Option<String>,
    /// Tag expression, e.g. "@sf1590_a and not @manual".
    #[arg(long)]
    pub tags: Option<String>,
    /// Only scenarios whose name matches this regular expression.
    #[arg(long)]
    pub name: Option<String>,
    /// Scenarios run at the same time.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Run shard I of N (1-based); the shards of N together are the whole run.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Stop after the first failed scenario.
    #[arg(long)]
    pub fail_fast: bool,
    /// Retry a failed scenario up to N times (a pass after a failure is reported flaky).
    #[arg(long, default_value_t = 0)]
    pub retry: usize,
    /// Seed for generated values (same seed, same messages).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where the reports go.
    #[arg(long, default_value = "reports")]
    pub report_dir: PathBuf,
    /// Show CPR numbers unmasked in reports (local debugging only).
    #[arg(long)]
    pub unmasked: bool,
}

pub fn run(args: &RunArgs) -> i32 {
    let opts = RunOptions {
        features: args.features.clone(),
        env: args.env.clone(),
        tags: args.tags.clone(),
        name: args.name.clone(),
        concurrency: args.concurrency,
        shard: args.shard.clone(),
        fail_fast: args.fail_fast,
        retry: args.retry,
        seed: args.seed,
        report_dir: Some(args.report_dir.clone()),
        unmasked: args.unmasked,
        ..RunOptions::default()
    };
    let outcome = run::run(opts);
    if let Some(e) = &outcome.error {
        eprintln!("oir run: {e}");
    }
    outcome.exit as i32
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Features folder (default: the built-in suites).
    #[arg(long)]
    pub features: Option<PathBuf>,
}

/// Check every feature against the step library without running anything.
pub fn lint(args: &LintArgs) -> i32 {
    let root = args.features.clone().unwrap_or_else(run::default_features);
    let suite = match suite::load(&root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("oir lint: {e}");
            return ExitCode::Usage as i32;
        }
    };
    let problems = lint_suite(&suite);
    for p in &problems {
        println!("{p}");
    }
    let scenarios = suite.scenarios().len();
    if problems.is_empty() {
        println!(
            "oir lint: {} feature files, {scenarios} scenarios, every step defined",
            suite.features.len()
        );
        0
    } else {
        println!("oir lint: {} problem(s)", problems.len());
        1
    }
}

/// `path:line: problem` for every parse error, undefined step and empty scenario.
pub fn lint_suite(suite: &suite::Suite) -> Vec<String> {
    let root = suite.root.display();
    let mut out: Vec<String> = suite
        .problems
        .iter()
        .map(|p| format!("{root}/{}:{}: {}", p.path, p.line.unwrap_or(1), p.message))
        .collect();
    let undefined = |rel: &str, s: &cucumber::gherkin::Step| {
        (steps::find(&s.value).is_none()).then(|| {
            format!(
                "{root}/{rel}:{}: undefined step '{}'",
                s.position.line, s.value
            )
        })
    };
    for lf in &suite.features {
        let background = lf.feature.background.iter().flat_map(|b| &b.steps);
        out.extend(background.filter_map(|s| undefined(&lf.rel_path, s)));
    }
    for (lf, _, sc) in suite.scenarios() {
        let has_background = lf
            .feature
            .background
            .as_ref()
            .is_some_and(|b| !b.steps.is_empty());
        if sc.steps.is_empty() && !has_background {
            out.push(format!(
                "{root}/{}:{}: scenario '{}' has no steps (a misspelt keyword turns steps into description text)",
                lf.rel_path, sc.position.line, sc.name
            ));
        }
        out.extend(sc.steps.iter().filter_map(|s| undefined(&lf.rel_path, s)));
    }
    out.sort();
    out.dedup();
    out
}

#[derive(Debug, clap::Args)]
pub struct StepsArgs {
    /// Markdown (features/README.md's step reference).
    #[arg(long)]
    pub markdown: bool,
}

pub fn steps(args: &StepsArgs) -> i32 {
    if args.markdown {
        print!("{}", steps::markdown());
    } else {
        for d in steps::STEPS {
            println!(
                "{}\n    {}\n",
                d.example_en.lines().next().unwrap_or(""),
                d.example_da.lines().next().unwrap_or("")
            );
        }
    }
    0
}
