//! The explicit list of engines. A new engine is one line here.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use palisade_engine::{Engine, LoadError, RuleMeta};
use palisade_secrets::SecretsEngine;

/// Every engine id palisade knows, in run order.
pub const ENGINES: &[&str] = &["secrets"];

/// Builds the selected engines. `rule_files` are extra rule files (secrets: palisade
/// YAML or gitleaks TOML).
pub fn build(selected: &[String], rule_files: &[PathBuf]) -> Result<Vec<Box<dyn Engine>>> {
    for s in selected {
        if !ENGINES.contains(&s.as_str()) {
            bail!(
                "unknown engine `{s}` (known: {}); check --engines or [scan] engines in palisade.toml",
                ENGINES.join(", ")
            );
        }
    }
    let mut out: Vec<Box<dyn Engine>> = Vec::new();
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
            _ => continue,
        };
        match built {
            Ok(e) => out.push(e),
            Err(LoadError::Skip(_)) => {}
            Err(e) => return Err(e).with_context(|| format!("cannot load the {id} engine")),
        }
    }
    Ok(out)
}

/// Every rule of every engine (built-in rules only).
pub fn all_rules() -> Result<Vec<RuleMeta>> {
    let engines = build(&[], &[])?;
    Ok(engines
        .iter()
        .flat_map(|e| e.rules().iter().cloned())
        .collect())
}
