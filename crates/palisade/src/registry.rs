//! The explicit list of engines. A new engine is one line here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use palisade_engine::{Engine, LoadError, RuleMeta};
use palisade_sca::{AuditStats, ScaEngine};
use palisade_secrets::SecretsEngine;

/// Every engine id palisade knows, in run order.
pub const ENGINES: &[&str] = &["secrets", "deps", "sast", "iac"];

/// Which advisory database the deps engine reads.
#[derive(Debug, Clone, Copy)]
pub enum AdvisoryDb<'a> {
    /// The store file (`None`: no default location is known on this machine).
    Path(Option<&'a Path>),
    /// The engine's built-in example records: rule examples and `rules list` only.
    Examples,
}

/// The engines built, and what the registry has to tell about the ones it skipped.
pub struct Built {
    pub engines: Vec<Box<dyn Engine>>,
    /// The deps engine's audit counters, when it was built.
    pub deps_stats: Option<Arc<AuditStats>>,
    /// What the deps engine's advisory database holds, when it was built over one.
    pub deps_db: Option<palisade_osv::Status>,
    /// `(engine, reason)` for every selected engine skipped.
    pub skipped: Vec<(&'static str, String)>,
}

/// Builds the selected engines. `rule_files` are extra rule files (secrets: palisade
/// YAML or gitleaks TOML).
pub fn build(selected: &[String], rule_files: &[PathBuf], db: AdvisoryDb<'_>) -> Result<Built> {
    build_with(
        selected,
        rule_files,
        &crate::iac::Options::default(),
        &palisade_sca::HygienePolicy::default(),
        db,
    )
}

/// [`build`], with the IaC engine's policies and scan roots.
pub fn build_with(
    selected: &[String],
    rule_files: &[PathBuf],
    iac: &crate::iac::Options,
    hygiene: &palisade_sca::HygienePolicy,
    db: AdvisoryDb<'_>,
) -> Result<Built> {
    for s in selected {
        if !ENGINES.contains(&s.as_str()) {
            bail!(
                "unknown engine `{s}` (known: {}); check --engines or [scan] engines in palisade.toml",
                ENGINES.join(", ")
            );
        }
    }
    let mut out: Vec<Box<dyn Engine>> = Vec::new();
    let mut deps_stats = None;
    let mut deps_db = None;
    let mut skipped = Vec::new();
    for id in ENGINES {
        if !selected.is_empty() && !selected.iter().any(|s| s == id) {
            continue;
        }
        let built: Result<Box<dyn Engine>, LoadError> = match *id {
            "secrets" => {
                let files: Vec<&std::path::Path> =
                    rule_files.iter().map(PathBuf::as_path).collect();
                SecretsEngine::with_rule_files(&files).map(|e| Box::new(e) as Box<dyn Engine>)
            }
            "deps" => {
                let engine = match db {
                    AdvisoryDb::Path(p) => ScaEngine::open(p).map(|e| {
                        e.with_hygiene(hygiene.clone())
                            .with_forced_format(crate::deps_hygiene::forced_format())
                    }),
                    AdvisoryDb::Examples => ScaEngine::with_examples(),
                };
                engine.map(|e| {
                    deps_stats = Some(e.stats());
                    deps_db = e.db_status();
                    Box::new(e) as Box<dyn Engine>
                })
            }
            "sast" => palisade_sast::SastEngine::builtin().map(|e| Box::new(e) as Box<dyn Engine>),
            "iac" => crate::iac::engine(iac),
            _ => continue,
        };
        match built {
            Ok(e) => out.push(e),
            Err(LoadError::Skip(why)) => skipped.push((*id, why)),
            Err(e) => return Err(e).with_context(|| format!("cannot load the {id} engine")),
        }
    }
    Ok(Built {
        engines: out,
        deps_stats,
        deps_db,
        skipped,
    })
}

/// Every rule of every engine (built-in rules only).
pub fn all_rules() -> Result<Vec<RuleMeta>> {
    let engines = build(&[], &[], AdvisoryDb::Examples)?.engines;
    let mut rules: Vec<RuleMeta> = engines
        .iter()
        .flat_map(|e| e.rules().iter().cloned())
        .collect();
    // DAST runs against a URL, not files: its rules are listed and explained with the rest.
    rules.extend(palisade_dast::rules::rules()?.iter().cloned());
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use palisade_config::Config;
    use palisade_engine::{Input, ScanCx};
    use palisade_scan::{Scanner, kind_for};

    use super::*;

    /// Every rule of every registered engine: metadata complete, ids unique, every
    /// positive example fires and no negative one does, through the same path a scan takes.
    #[test]
    fn every_rule_is_documented_and_its_examples_hold() {
        let scanner = Scanner {
            engines: build(&[], &[], AdvisoryDb::Examples)
                .expect("engines")
                .engines,
            config: Config::default(),
            cx: ScanCx::default(),
        };
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        for engine in &scanner.engines {
            for rule in engine.rules() {
                problems.extend(rule.lint(engine.id()));
                if !ids.insert(rule.id.clone()) {
                    problems.push(format!("{}: duplicate id", rule.id));
                }
                let fired = |text: &str, path: &str| {
                    let kind = kind_for(path, text.as_bytes());
                    let input = Input {
                        path,
                        content: text.as_bytes(),
                        kind: &kind,
                    };
                    let mut diags = Vec::new();
                    let (found, _) = scanner.scan_input(&input, &mut diags);
                    found.iter().any(|f| f.rule.as_str() == rule.id)
                };
                for ex in &rule.examples {
                    if let palisade_engine::Example::Annotated {
                        path, text, fire, ..
                    } = ex
                    {
                        let kind = kind_for(path, text.as_bytes());
                        let input = Input {
                            path,
                            content: text.as_bytes(),
                            kind: &kind,
                        };
                        let mut diags = Vec::new();
                        let (found, _) = scanner.scan_input(&input, &mut diags);
                        let got: BTreeSet<u32> = found
                            .iter()
                            .filter(|f| f.rule.as_str() == rule.id)
                            .map(palisade_engine::finding::Finding::line)
                            .collect();
                        let want: BTreeSet<u32> = fire.iter().copied().collect();
                        if got != want {
                            problems.push(format!(
                                "{}: {path}: fired on lines {got:?}, annotated {want:?}",
                                rule.id
                            ));
                        }
                        continue;
                    }
                    if !fired(ex.text(), ex.path()) {
                        problems.push(format!(
                            "{}: positive example did not fire: {:?}",
                            rule.id,
                            ex.text()
                        ));
                    }
                }
                for ex in &rule.negative_examples {
                    if fired(ex.text(), ex.path()) {
                        problems.push(format!(
                            "{}: negative example fired: {:?}",
                            rule.id,
                            ex.text()
                        ));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The list of rule ids, for review: ids are never reused or silently dropped.
    #[test]
    fn rule_ids() {
        let ids: Vec<String> = all_rules()
            .expect("rules")
            .into_iter()
            .map(|r| r.id)
            .collect();
        insta::assert_snapshot!(ids.join("\n"));
    }
}
