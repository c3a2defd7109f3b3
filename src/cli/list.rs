//! `oir list`: the scenarios of a features folder (and, with --coverage, each requirement
//! with the scenarios covering it). Owned by the suites work (issue 6).

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Features folder (default: the built-in suites).
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Print each requirement (rule ID) with the scenarios covering it.
    #[arg(long)]
    pub coverage: bool,
}

pub fn run(args: &ListArgs) -> i32 {
    let root = args
        .features
        .clone()
        .unwrap_or_else(crate::run::default_features);
    let suite = match crate::run::suite::load(&root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("oir list: {e}");
            return 2;
        }
    };
    for (lf, _, s) in suite.scenarios() {
        println!("{}:{} {}", lf.rel_path, s.position.line, s.name);
    }
    0
}
