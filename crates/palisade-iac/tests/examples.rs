//! Every built-in check: its positive examples fire and its negative ones do not (the same
//! test runs for all engines in the palisade binary's registry; this one is quicker to run
//! while writing checks and also prints what fired).

use palisade_engine::finding::Finding;
use palisade_engine::{Engine, FileKind, Input, Language, ScanCx};
use palisade_iac::IacEngine;

pub fn kind(path: &str, text: &str) -> FileKind {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let language = if name.starts_with("dockerfile") || name.ends_with(".dockerfile") {
        Language::Dockerfile
    } else if name.ends_with(".json") {
        Language::Json
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        Language::Yaml
    } else {
        Language::Other
    };
    FileKind {
        language,
        is_text: true,
        is_utf8: true,
        size: text.len() as u64,
    }
}

pub fn scan(engine: &IacEngine, path: &str, text: &str) -> Result<Vec<Finding>, String> {
    let k = kind(path, text);
    let mut out = Vec::new();
    if !engine.wants(std::path::Path::new(path), &k) {
        return Ok(out);
    }
    engine
        .scan(
            &Input {
                path,
                content: text.as_bytes(),
                kind: &k,
            },
            &ScanCx::default(),
            &mut out,
        )
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[test]
fn every_example_holds() {
    let engine = IacEngine::new().expect("engine");
    let mut problems = Vec::new();
    for rule in engine.rules() {
        problems.extend(rule.lint("iac"));
        for ex in &rule.examples {
            match scan(&engine, ex.path(), ex.text()) {
                Ok(f) if f.iter().any(|f| f.rule.as_str() == rule.id) => {}
                Ok(f) => problems.push(format!(
                    "{}: positive example did not fire (fired: {:?})",
                    rule.id,
                    f.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>()
                )),
                Err(e) => problems.push(format!("{}: positive example errored: {e}", rule.id)),
            }
        }
        for ex in &rule.negative_examples {
            match scan(&engine, ex.path(), ex.text()) {
                Ok(f) => {
                    if let Some(f) = f.iter().find(|f| f.rule.as_str() == rule.id) {
                        problems.push(format!(
                            "{}: negative example fired: {}",
                            rule.id, f.message
                        ));
                    }
                }
                Err(e) => problems.push(format!("{}: negative example errored: {e}", rule.id)),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
