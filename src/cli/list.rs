//! `oir list`: the scenarios of a features folder, and with `--coverage` each requirement
//! with the scenarios covering it. A requirement is every rule of the business-rule
//! catalogue (`oir rules`) plus any other `@req:<ID>` tag the suites use; a scenario covers
//! the requirements of its own, its rule's and its feature's `@req:` tags (an Examples
//! block's tags go to the scenarios it expands to). A catalogue rule no scenario covers is
//! flagged, and makes the exit code 1. Owned by the suites work (issue 6).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::Format;
use crate::oir::rules::CATALOGUE;
use crate::run::suite::{self, Suite};

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Features folder (default: the built-in suites).
    #[arg(long)]
    pub features: Option<PathBuf>,
    /// Print each requirement (rule ID) with the scenarios covering it; exit 1 when a rule
    /// of the catalogue is covered by no scenario.
    #[arg(long)]
    pub coverage: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// One scenario as the listing shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioRef {
    /// `path:line` (an Outline's expanded scenario: the line of its Examples row).
    pub id: String,
    pub name: String,
    pub integration: Option<String>,
    pub level: Option<String>,
    pub requirements: Vec<String>,
}

/// A requirement and what covers it.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: String,
    /// The rule's error code, when it is a catalogue rule.
    pub code: Option<String>,
    pub in_catalogue: bool,
    pub title: Option<String>,
    pub scenarios: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub requirements: Vec<Requirement>,
    /// Catalogue rules without a scenario.
    pub uncovered: Vec<String>,
    pub catalogue_rules: usize,
    pub catalogue_covered: usize,
}

/// Every scenario of the suite, in file order.
pub fn scenarios(suite: &Suite) -> Vec<ScenarioRef> {
    suite
        .scenarios()
        .into_iter()
        .map(|(lf, r, s)| {
            let info = suite::scenario_info(&lf.rel_path, &lf.language, &lf.feature, r, s);
            ScenarioRef {
                id: info.id,
                name: info.name,
                integration: info.integration,
                level: info.level,
                requirements: info.requirements,
            }
        })
        .collect()
}

/// Requirements (catalogue rules first, in catalogue order; then the other `@req:` IDs,
/// sorted) with the scenarios covering each.
pub fn coverage(scenarios: &[ScenarioRef]) -> Coverage {
    let mut by_req: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in scenarios {
        for r in &s.requirements {
            let list = by_req.entry(r.to_ascii_uppercase()).or_default();
            if !list.contains(&s.id) {
                list.push(s.id.clone());
            }
        }
    }
    let mut requirements = Vec::new();
    let mut uncovered = Vec::new();
    for rule in CATALOGUE {
        let covering = by_req
            .remove(&rule.id.to_ascii_uppercase())
            .unwrap_or_default();
        if covering.is_empty() {
            uncovered.push(rule.id.to_string());
        }
        requirements.push(Requirement {
            id: rule.id.to_string(),
            code: Some(rule.code.to_string()),
            in_catalogue: true,
            title: Some(rule.title.en.to_string()),
            scenarios: covering,
        });
    }
    let catalogue_covered = CATALOGUE.len() - uncovered.len();
    for (id, covering) in by_req {
        requirements.push(Requirement {
            id,
            code: None,
            in_catalogue: false,
            title: None,
            scenarios: covering,
        });
    }
    Coverage {
        requirements,
        uncovered,
        catalogue_rules: CATALOGUE.len(),
        catalogue_covered,
    }
}

pub fn run(args: &ListArgs) -> i32 {
    let root = args
        .features
        .clone()
        .unwrap_or_else(crate::run::default_features);
    let suite = match suite::load(&root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("oir list: {e}");
            return 2;
        }
    };
    // A feature that does not parse hides its scenarios: the listing cannot be trusted.
    for p in &suite.problems {
        eprintln!(
            "oir list: {}{}: {}",
            p.path,
            p.line.map(|l| format!(":{l}")).unwrap_or_default(),
            p.message
        );
    }
    let broken = !suite.problems.is_empty();
    let all = scenarios(&suite);
    if !args.coverage {
        match args.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default()),
            Format::Human => {
                for s in &all {
                    println!("{} {}", s.id, s.name);
                }
            }
        }
        return i32::from(broken);
    }
    let cov = coverage(&all);
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&cov).unwrap_or_default()),
        Format::Human => print_human(&cov, &all),
    }
    if broken || !cov.uncovered.is_empty() {
        1
    } else {
        0
    }
}

fn print_human(cov: &Coverage, all: &[ScenarioRef]) {
    let names: BTreeMap<&str, &str> = all
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    let mut other_header = false;
    for r in &cov.requirements {
        if !r.in_catalogue && !other_header {
            println!("\nRequirements outside the rule catalogue:");
            other_header = true;
        }
        let head = match (&r.code, &r.title) {
            (Some(c), Some(t)) => format!("{}  {c}  {t}", r.id),
            _ => r.id.clone(),
        };
        if r.scenarios.is_empty() {
            println!("{head}\n    UNCOVERED: no scenario carries @req:{}", r.id);
            continue;
        }
        println!("{head}  ({} scenario(s))", r.scenarios.len());
        for id in &r.scenarios {
            println!(
                "    {id}  {}",
                names.get(id.as_str()).copied().unwrap_or("")
            );
        }
    }
    let untagged = all.iter().filter(|s| s.requirements.is_empty()).count();
    println!(
        "\n{} of {} catalogue rules covered{}; {} scenarios, {} without a requirement tag",
        cov.catalogue_covered,
        cov.catalogue_rules,
        if cov.uncovered.is_empty() {
            String::new()
        } else {
            format!(" (uncovered: {})", cov.uncovered.join(", "))
        },
        all.len(),
        untagged
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sc(id: &str, reqs: &[&str]) -> ScenarioRef {
        ScenarioRef {
            id: id.into(),
            name: id.into(),
            integration: None,
            level: None,
            requirements: reqs.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn coverage_flags_uncovered_rules_and_keeps_other_requirements() {
        let all = vec![
            sc("a.feature:3", &["SF1590A-BAL-001", "X-1"]),
            sc("a.feature:9", &["sf1590a-bal-001"]),
            sc("b.feature:4", &[]),
        ];
        let c = coverage(&all);
        let bal = c
            .requirements
            .iter()
            .find(|r| r.id == "SF1590A-BAL-001")
            .unwrap();
        assert_eq!(bal.scenarios, ["a.feature:3", "a.feature:9"]);
        assert!(c.uncovered.contains(&"SF1590A-BAL-002".to_string()));
        assert_eq!(c.catalogue_covered, 1);
        let other = c.requirements.last().unwrap();
        assert_eq!((other.id.as_str(), other.in_catalogue), ("X-1", false));
    }
}
