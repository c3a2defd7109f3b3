//! The features of a run: read from a folder, parsed (English or `# language: da`),
//! outlines expanded, then filtered by tags, name and shard. Parse problems are kept (they
//! fail the run, they are never skipped), and the suite's hash goes into every report.

use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};
use cucumber::tag::Ext as _;
use regex::Regex;
use sha2::{Digest, Sha256};

use super::events::ScenarioInfo;

/// A feature file that could not be read or parsed.
#[derive(Debug, Clone)]
pub struct ParseProblem {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

/// One feature, parsed, with its path relative to the suite's root.
#[derive(Debug, Clone)]
pub struct LoadedFeature {
    pub rel_path: String,
    pub language: String,
    pub feature: gherkin::Feature,
}

#[derive(Debug, Clone, Default)]
pub struct Suite {
    pub root: PathBuf,
    pub features: Vec<LoadedFeature>,
    pub problems: Vec<ParseProblem>,
    /// SHA-256 over (relative path, content) of every feature file, hex.
    pub hash: String,
}

/// Which scenarios to run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub tags: Option<gherkin::tagexpr::TagOperation>,
    pub name: Option<Regex>,
    /// (index from 1, count)
    pub shard: Option<(usize, usize)>,
}

impl Selection {
    pub fn parse_tags(expr: &str) -> Result<gherkin::tagexpr::TagOperation, String> {
        expr.parse()
            .map_err(|e| format!("--tags '{expr}': not a tag expression ({e})"))
    }

    pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
        let bad = || format!("--shard '{s}': expected I/N with 1 ≤ I ≤ N, e.g. 2/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (i, n): (usize, usize) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || i == 0 || i > n {
            return Err(bad());
        }
        Ok((i, n))
    }

    pub fn describe(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(t) = &self.tags {
            v.push(format!("--tags {}", tag_text(t)));
        }
        if let Some(n) = &self.name {
            v.push(format!("--name {}", n.as_str()));
        }
        if let Some((i, n)) = self.shard {
            v.push(format!("--shard {i}/{n}"));
        }
        v
    }
}

fn tag_text(t: &gherkin::tagexpr::TagOperation) -> String {
    use gherkin::tagexpr::TagOperation as T;
    match t {
        T::And(a, b) => format!("({} and {})", tag_text(a), tag_text(b)),
        T::Or(a, b) => format!("({} or {})", tag_text(a), tag_text(b)),
        T::Not(a) => format!("not {}", tag_text(a)),
        T::Tag(s) => format!("@{s}"),
    }
}

/// Every `*.feature` under `root` (sorted, recursive), parsed.
pub fn load(root: &Path) -> Result<Suite, String> {
    if !root.is_dir() {
        return Err(format!(
            "features folder {} does not exist (give --features DIR)",
            root.display()
        ));
    }
    let mut files = Vec::new();
    collect(root, &mut files).map_err(|e| format!("{}: {e}", root.display()))?;
    files.sort();
    let mut suite = Suite {
        root: root.to_path_buf(),
        ..Suite::default()
    };
    let mut hasher = Sha256::new();
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                suite.problems.push(ParseProblem {
                    path: rel,
                    line: None,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        match parse(&rel, &text) {
            Ok(f) => suite.features.push(f),
            Err(p) => suite.problems.push(p),
        }
    }
    suite.hash = hex(&hasher.finalize());
    Ok(suite)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "feature") {
            out.push(p);
        }
    }
    Ok(())
}

/// Parse one feature text (`rel` names it in messages and scenario ids).
pub fn parse(rel: &str, text: &str) -> Result<LoadedFeature, ParseProblem> {
    let language = declared_language(text).unwrap_or_else(|| "en".to_string());
    if !gherkin::is_language_supported(&language) {
        return Err(ParseProblem {
            path: rel.to_string(),
            line: Some(1),
            message: format!("unsupported Gherkin language '{language}'"),
        });
    }
    let feature = gherkin::Feature::parse(text, GherkinEnv::default()).map_err(|e| {
        let msg = e.to_string();
        ParseProblem {
            path: rel.to_string(),
            line: line_in(&msg),
            message: format!("not a valid feature: {msg}"),
        }
    })?;
    let mut feature = feature.expand_examples().map_err(|e| ParseProblem {
        path: rel.to_string(),
        line: None,
        message: format!("cannot expand the Examples: {e}"),
    })?;
    feature.path = Some(PathBuf::from(rel));
    Ok(LoadedFeature {
        rel_path: rel.to_string(),
        language,
        feature,
    })
}

fn declared_language(text: &str) -> Option<String> {
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let rest = t.strip_prefix('#')?.trim();
        if let Some(l) = rest.strip_prefix("language:") {
            return Some(l.trim().to_string());
        }
    }
    None
}

/// The first "line N" / "N:M" number in a parser message, if any.
fn line_in(msg: &str) -> Option<usize> {
    let re = Regex::new(r"(?:line |at )(\d+)|(\d+):\d+").ok()?;
    let c = re.captures(msg)?;
    c.get(1).or(c.get(2))?.as_str().parse().ok()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Tags without `@`, feature's then rule's then scenario's.
pub fn all_tags(
    f: &gherkin::Feature,
    r: Option<&gherkin::Rule>,
    s: &gherkin::Scenario,
) -> Vec<String> {
    let mut tags: Vec<String> = f.tags.clone();
    if let Some(r) = r {
        tags.extend(r.tags.iter().cloned());
    }
    tags.extend(s.tags.iter().cloned());
    tags.iter()
        .map(|t| t.trim_start_matches('@').to_string())
        .collect()
}

/// What reports need to know of a scenario.
pub fn scenario_info(
    rel_path: &str,
    language: &str,
    f: &gherkin::Feature,
    r: Option<&gherkin::Rule>,
    s: &gherkin::Scenario,
) -> ScenarioInfo {
    let tags = all_tags(f, r, s);
    let integration = tags
        .iter()
        .find(|t| t.to_ascii_lowercase().starts_with("sf1590_"))
        .map(|t| t.to_ascii_uppercase());
    let level = tags
        .iter()
        .find(|t| matches!(t.as_str(), "kildeintegration" | "e2e" | "nulsum"))
        .cloned();
    let requirements = tags
        .iter()
        .filter_map(|t| t.strip_prefix("req:"))
        .map(str::to_string)
        .collect();
    ScenarioInfo {
        id: scenario_id(rel_path, s),
        feature_path: rel_path.to_string(),
        feature_name: f.name.clone(),
        rule: r.map(|r| r.name.clone()),
        name: s.name.clone(),
        line: s.position.line,
        tags,
        integration,
        level,
        requirements,
        language: language.to_string(),
    }
}

pub fn scenario_id(rel_path: &str, s: &gherkin::Scenario) -> String {
    format!("{rel_path}:{}", s.position.line)
}

impl Suite {
    /// Keep only the selected scenarios; features left without any are dropped. Returns
    /// the number of scenarios kept.
    pub fn select(&mut self, sel: &Selection) -> usize {
        let keep_tags_name =
            |lf: &LoadedFeature, r: Option<&gherkin::Rule>, s: &gherkin::Scenario| {
                let tags = all_tags(&lf.feature, r, s);
                sel.tags.as_ref().is_none_or(|t| t.eval(tags.iter()))
                    && sel.name.as_ref().is_none_or(|re| re.is_match(&s.name))
            };
        // First the tag/name filter, then the shard over what is left, in a stable order.
        let mut ids: Vec<String> = Vec::new();
        for lf in &self.features {
            for s in &lf.feature.scenarios {
                if keep_tags_name(lf, None, s) {
                    ids.push(scenario_id(&lf.rel_path, s));
                }
            }
            for r in &lf.feature.rules {
                for s in &r.scenarios {
                    if keep_tags_name(lf, Some(r), s) {
                        ids.push(scenario_id(&lf.rel_path, s));
                    }
                }
            }
        }
        ids.sort();
        let chosen: std::collections::HashSet<String> = match sel.shard {
            Some((i, n)) => ids
                .into_iter()
                .enumerate()
                .filter(|(k, _)| k % n == i - 1)
                .map(|(_, id)| id)
                .collect(),
            None => ids.into_iter().collect(),
        };
        let mut kept = 0;
        for lf in &mut self.features {
            let rel = lf.rel_path.clone();
            lf.feature
                .scenarios
                .retain(|s| chosen.contains(&scenario_id(&rel, s)));
            kept += lf.feature.scenarios.len();
            for r in &mut lf.feature.rules {
                r.scenarios
                    .retain(|s| chosen.contains(&scenario_id(&rel, s)));
                kept += r.scenarios.len();
            }
            lf.feature.rules.retain(|r| !r.scenarios.is_empty());
        }
        self.features
            .retain(|lf| !lf.feature.scenarios.is_empty() || !lf.feature.rules.is_empty());
        kept
    }

    /// Every scenario with its rule, in file order.
    pub fn scenarios(&self) -> Vec<(&LoadedFeature, Option<&gherkin::Rule>, &gherkin::Scenario)> {
        let mut v = Vec::new();
        for lf in &self.features {
            for s in &lf.feature.scenarios {
                v.push((lf, None, s));
            }
            for r in &lf.feature.rules {
                for s in &r.scenarios {
                    v.push((lf, Some(r), s));
                }
            }
        }
        v
    }
}
