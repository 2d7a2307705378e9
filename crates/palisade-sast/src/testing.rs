//! Rule tests the way Semgrep rule authors write them: a test file beside the rule with
//! `ruleid: <id>` (must fire) and `ok: <id>` (must not) comments on the line before the
//! code (or at the end of the code line). `todoruleid` and `todook` mark known gaps.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::lang::Lang;

#[derive(Debug, Default)]
pub struct Expectations {
    /// rule id -> lines (1-based) that must fire.
    pub fire: BTreeMap<String, BTreeSet<u32>>,
    /// rule id -> lines that must not fire.
    pub quiet: BTreeMap<String, BTreeSet<u32>>,
}

const MARKERS: &[&str] = &["#", "//", "/*", "<!--", "--"];

/// Finds `ruleid:`/`ok:` annotations in a comment on a line: (kind, ids, code before).
fn annotation(line: &str) -> Option<(&'static str, Vec<String>, &str)> {
    for m in MARKERS {
        let mut from = 0;
        while let Some(at) = line[from..].find(m) {
            let pos = from + at;
            let rest = line[pos + m.len()..].trim_start();
            for kind in ["todoruleid", "todook", "ruleid", "ok"] {
                if let Some(r) = rest.strip_prefix(kind)
                    && let Some(ids) = r.trim_start().strip_prefix(':')
                {
                    let ids: Vec<String> = ids
                        .trim()
                        .trim_end_matches("*/")
                        .trim_end_matches("-->")
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                    return Some((kind, ids, &line[..pos]));
                }
            }
            from = pos + m.len();
        }
    }
    None
}

pub fn expectations(text: &str, _lang: Lang) -> Expectations {
    let mut exp = Expectations::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut pending: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let no = (i + 1) as u32;
        match annotation(line) {
            Some((kind, ids, code)) if code.trim().is_empty() => {
                pending.push((kind, ids));
                continue;
            }
            Some((kind, ids, _)) => pending.push((kind, ids)),
            None => {
                if line.trim().is_empty() {
                    continue;
                }
            }
        }
        for (kind, ids) in pending.drain(..) {
            for id in ids {
                let id = id.strip_prefix("sast/").unwrap_or(&id).to_string();
                let target = match kind {
                    "ruleid" | "todook" => &mut exp.fire,
                    _ => &mut exp.quiet,
                };
                target.entry(id).or_default().insert(no);
            }
        }
    }
    exp
}

/// The outcome of testing one rule file.
#[derive(Debug, Default)]
pub struct FileResult {
    pub rule_file: String,
    pub test_files: Vec<String>,
    pub problems: Vec<String>,
    /// Rules of the file that had expectations.
    pub checked: usize,
}

/// Lines where `rule` fired in `content` scanned as `path`.
pub fn fired_lines(
    engine: &crate::SastEngine,
    path: &str,
    content: &[u8],
    rule: &str,
) -> Result<BTreeSet<u32>, String> {
    let found = engine
        .scan_source(path, content)
        .map_err(|e| e.to_string())?;
    Ok(found
        .iter()
        .filter(|f| f.rule.as_str() == format!("sast/{rule}"))
        .map(|f| f.line())
        .collect())
}

/// Compares fired lines with the annotations; problems as `path:line: ...`.
pub fn check(path: &str, rule: &str, fired: &BTreeSet<u32>, fire: &BTreeSet<u32>) -> Vec<String> {
    let mut out = Vec::new();
    for l in fire.difference(fired) {
        out.push(format!(
            "{path}:{l}: missed: `{rule}` should fire here (ruleid)"
        ));
    }
    for l in fired.difference(fire) {
        out.push(format!(
            "{path}:{l}: false hit: `{rule}` fired but the line is not marked ruleid"
        ));
    }
    out
}

/// Tests every rule file under `dir` against its sibling test files.
pub fn test_dir(dir: &Path) -> Result<Vec<FileResult>, crate::Error> {
    let sources = crate::read_rule_sources(dir)?;
    let mut results = Vec::new();
    for (origin, text) in &sources {
        let mut res = FileResult {
            rule_file: origin.clone(),
            ..FileResult::default()
        };
        let set = match crate::load(&[(origin.clone(), text.clone())], &[]) {
            Ok(s) => s,
            Err(e) => {
                res.problems.push(e.to_string());
                results.push(res);
                continue;
            }
        };
        let stem = origin.rsplit_once('.').map_or(origin.as_str(), |(s, _)| s);
        let p = Path::new(stem);
        let (Some(parent), Some(name)) = (p.parent(), p.file_name()) else {
            continue;
        };
        let mut tests = Vec::new();
        if let Ok(rd) = std::fs::read_dir(parent) {
            for e in rd.flatten() {
                let tp = e.path();
                if tp.file_stem() == Some(name)
                    && tp.extension().is_some_and(|x| x != "yaml" && x != "yml")
                    && Lang::from_path(&tp.to_string_lossy()).is_some()
                {
                    tests.push(tp);
                }
            }
        }
        tests.sort();
        if tests.is_empty() {
            res.problems.push(format!(
                "{origin}: no test file beside it (same name, language extension)"
            ));
        }
        let engine = crate::SastEngine::new(set);
        for tp in tests {
            let path = tp.display().to_string();
            res.test_files.push(path.clone());
            let content = match std::fs::read(&tp) {
                Ok(c) => c,
                Err(e) => {
                    res.problems.push(format!("{path}: cannot read: {e}"));
                    continue;
                }
            };
            let lang = Lang::from_path(&path).unwrap_or(Lang::Python);
            let exp = expectations(&String::from_utf8_lossy(&content), lang);
            for r in &engine.set.rules {
                if !r.langs.contains(&lang) {
                    continue;
                }
                let fire = exp.fire.get(&r.id).cloned().unwrap_or_default();
                match fired_lines(&engine, &path, &content, &r.id) {
                    Ok(fired) => {
                        if !fire.is_empty() || exp.quiet.contains_key(&r.id) || !fired.is_empty() {
                            res.checked += 1;
                        }
                        res.problems.extend(check(&path, &r.id, &fired, &fire));
                    }
                    Err(e) => res.problems.push(format!("{path}: {e}")),
                }
            }
        }
        results.push(res);
    }
    Ok(results)
}
