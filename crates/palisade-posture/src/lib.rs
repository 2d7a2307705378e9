//! Repository security posture from a local clone.
//!
//! The checks of OpenSSF Scorecard that can be decided from the files of a checkout
//! (no forge API, no network): dangerous workflows, token permissions, pinned
//! dependencies, binary artifacts, security policy, dependency-update tool, SAST in CI,
//! fuzzing, signed releases (configured), packaging, license, and CODEOWNERS coverage of
//! security-relevant paths. Each check scores 0-10 with evidence (`file:line`); a check
//! that cannot apply (no workflows, no dependencies to pin) scores `None` and is left
//! out of the aggregate.
//!
//! ## Aggregate score
//! The weighted mean of the applicable checks, weights by risk as Scorecard does:
//! critical 10, high 7.5, medium 5, low 2.5 (see [`Risk::weight`]).
//!
//! ## Safety
//! Nothing from the tree is executed. The walk never follows symbolic links (a link is
//! skipped, so nothing outside the root is read), is bounded in file count
//! ([`MAX_FILES`]) and depth ([`MAX_DEPTH`]), and content checks read at most
//! [`MAX_READ`] bytes of a file.
//!
//! ## Dependencies
//! - `serde-saphyr`: the workspace's YAML parser (pure Rust, bounded), for workflows.
//! - `regex`: line patterns (`uses:`, `FROM`, `curl | sh`, package installs).
//! - `palisade-codeowners`: the workspace's CODEOWNERS matcher with GitHub/GitLab semantics.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use serde_json::Value;

mod checks;

/// At most this many files are looked at.
pub const MAX_FILES: usize = 200_000;
/// Directories deeper than this are not entered.
pub const MAX_DEPTH: usize = 48;
/// Content checks read at most this many bytes of a file.
pub const MAX_READ: u64 = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read the repository root: {source}")]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a directory")]
    NotADirectory { path: PathBuf },
}

/// How much a failing check matters (Scorecard's risk levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Critical,
    High,
    Medium,
    Low,
}

impl Risk {
    /// The weight of a check of this risk in the aggregate score.
    pub fn weight(self) -> f64 {
        match self {
            Risk::Critical => 10.0,
            Risk::High => 7.5,
            Risk::Medium => 5.0,
            Risk::Low => 2.5,
        }
    }
}

/// One piece of evidence: where, and what was seen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    /// Relative to the root, `/`-separated.
    pub file: String,
    /// 1-based; 0 when the evidence is the file as a whole.
    pub line: usize,
    pub message: String,
    /// `true` when this counts against the score, `false` when it is what earned it.
    pub negative: bool,
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Kebab-case id, e.g. `dangerous-workflow`.
    pub id: &'static str,
    /// Scorecard's name, e.g. `Dangerous-Workflow`.
    pub name: &'static str,
    pub risk: Risk,
    /// 0-10, or `None` when the check does not apply to this repository.
    pub score: Option<u8>,
    /// One line: why this score.
    pub reason: String,
    pub evidence: Vec<Evidence>,
}

/// The assessment of one repository.
#[derive(Debug, Clone, Serialize)]
pub struct Posture {
    /// Weighted mean of the applicable checks, one decimal; `None` if none applies.
    pub score: Option<f64>,
    pub checks: Vec<Check>,
    /// What was not looked at, and why (symlinks, limits, unreadable files).
    pub skipped: Vec<String>,
}

/// A file of the tree.
pub(crate) struct Tree {
    pub root: PathBuf,
    /// Relative paths, `/`-separated, sorted.
    pub files: Vec<String>,
    pub skipped: Vec<String>,
}

impl Tree {
    fn walk(root: &Path) -> Result<Tree, Error> {
        let meta = fs::metadata(root).map_err(|source| Error::Root {
            path: root.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(Error::NotADirectory {
                path: root.to_path_buf(),
            });
        }
        let mut tree = Tree {
            root: root.to_path_buf(),
            files: Vec::new(),
            skipped: Vec::new(),
        };
        let mut stack = vec![(root.to_path_buf(), String::new(), 0usize)];
        while let Some((dir, rel, depth)) = stack.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) => {
                    tree.skipped.push(format!("{rel}: cannot list: {e}"));
                    continue;
                }
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = if rel.is_empty() {
                    name.clone()
                } else {
                    format!("{rel}/{name}")
                };
                let Ok(ft) = entry.file_type() else { continue };
                if ft.is_symlink() {
                    tree.skipped
                        .push(format!("{path}: symbolic link, not followed"));
                } else if ft.is_dir() {
                    if name == ".git" {
                        continue;
                    }
                    if depth + 1 > MAX_DEPTH {
                        tree.skipped
                            .push(format!("{path}: deeper than {MAX_DEPTH}"));
                    } else {
                        stack.push((entry.path(), path, depth + 1));
                    }
                } else if ft.is_file() {
                    if tree.files.len() >= MAX_FILES {
                        tree.skipped.push(format!(
                            "{path}: more than {MAX_FILES} files, rest not read"
                        ));
                        stack.clear();
                        break;
                    }
                    tree.files.push(path);
                }
            }
        }
        tree.files.sort();
        tree.skipped.sort();
        Ok(tree)
    }

    /// The first `max` bytes of a file (never through a symlink: the walk saw a file).
    pub fn read_prefix(&self, rel: &str, max: u64) -> Option<Vec<u8>> {
        let f = fs::File::open(self.root.join(rel)).ok()?;
        let mut buf = Vec::new();
        f.take(max).read_to_end(&mut buf).ok()?;
        Some(buf)
    }

    /// The text of a file (lossy UTF-8), at most [`MAX_READ`] bytes.
    pub fn read_text(&self, rel: &str) -> Option<String> {
        self.read_prefix(rel, MAX_READ)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    pub fn has(&self, rel: &str) -> bool {
        self.files.binary_search_by(|f| f.as_str().cmp(rel)).is_ok()
    }

    /// The first of `candidates` present, compared case-insensitively.
    pub fn find_ci(&self, candidates: &[&str]) -> Option<&str> {
        candidates.iter().find_map(|c| {
            self.files
                .iter()
                .find(|f| f.eq_ignore_ascii_case(c))
                .map(String::as_str)
        })
    }
}

/// A parsed GitHub Actions workflow.
pub(crate) struct Workflow {
    pub path: String,
    pub text: String,
    pub doc: Value,
}

impl Workflow {
    /// The 1-based line of the first occurrence of `needle` (0 if not found).
    pub fn line_of(&self, needle: &str) -> usize {
        line_of(&self.text, needle)
    }

    /// The trigger names of `on:`.
    pub fn triggers(&self) -> BTreeSet<String> {
        match self.doc.get("on").or_else(|| self.doc.get("true")) {
            Some(Value::String(s)) => std::iter::once(s.clone()).collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(Value::Object(m)) => m.keys().cloned().collect(),
            _ => BTreeSet::new(),
        }
    }

    /// `(job id, job)` pairs.
    pub fn jobs(&self) -> Vec<(&str, &Value)> {
        self.doc
            .get("jobs")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    }

    /// Every step of every job.
    pub fn steps(&self) -> Vec<&Value> {
        self.jobs()
            .into_iter()
            .filter_map(|(_, j)| j.get("steps").and_then(Value::as_array))
            .flatten()
            .collect()
    }
}

/// The 1-based line of the first occurrence of `needle` in `text` (0 if absent).
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(0, |i| text[..i].bytes().filter(|&b| b == b'\n').count() + 1)
}

static YAML_EXT: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)] // a literal pattern
    Regex::new(r"(?i)\.ya?ml$").unwrap()
});

/// Assesses the repository at `root`.
pub fn assess(root: &Path) -> Result<Posture, Error> {
    let tree = Tree::walk(root)?;
    let mut skipped = tree.skipped.clone();
    let mut workflows = Vec::new();
    for f in &tree.files {
        if f.starts_with(".github/workflows/") && YAML_EXT.is_match(f) {
            let Some(text) = tree.read_text(f) else {
                skipped.push(format!("{f}: unreadable"));
                continue;
            };
            match serde_saphyr::from_str::<Value>(&text) {
                Ok(doc) => workflows.push(Workflow {
                    path: f.clone(),
                    text,
                    doc,
                }),
                Err(e) => skipped.push(format!(
                    "{f}: not valid YAML ({})",
                    e.to_string().lines().next().unwrap_or_default()
                )),
            }
        }
    }
    let checks = vec![
        checks::dangerous_workflow(&workflows),
        checks::token_permissions(&workflows),
        checks::pinned_dependencies(&tree, &workflows),
        checks::binary_artifacts(&tree),
        checks::security_policy(&tree),
        checks::dependency_update_tool(&tree),
        checks::sast(&tree, &workflows),
        checks::fuzzing(&tree, &workflows),
        checks::signed_releases(&tree, &workflows),
        checks::packaging(&workflows),
        checks::license(&tree),
        checks::codeowners(&tree),
    ];
    let (mut num, mut den) = (0.0, 0.0);
    for c in &checks {
        if let Some(s) = c.score {
            num += f64::from(s) * c.risk.weight();
            den += c.risk.weight();
        }
    }
    let score = (den > 0.0).then(|| (num / den * 10.0).round() / 10.0);
    Ok(Posture {
        score,
        checks,
        skipped,
    })
}

/// The JSON document (`"version": 1`).
pub fn to_json(p: &Posture) -> Value {
    serde_json::json!({
        "version": 1,
        "score": p.score,
        "weights": {"critical": 10.0, "high": 7.5, "medium": 5.0, "low": 2.5},
        "checks": p.checks,
        "skipped": p.skipped,
    })
}

/// Human-readable text, no colour.
pub fn to_text(p: &Posture) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for c in &p.checks {
        let score = c
            .score
            .map_or_else(|| "n/a".to_owned(), |s| format!("{s:>2}/10"));
        let _ = writeln!(
            out,
            "{score:>6}  {:<22} [{:?}] {}",
            c.name, c.risk, c.reason
        );
        for e in &c.evidence {
            let mark = if e.negative { '-' } else { '+' };
            let loc = if e.line > 0 {
                format!("{}:{}", e.file, e.line)
            } else {
                e.file.clone()
            };
            let _ = writeln!(out, "          {mark} {loc}: {}", e.message);
        }
    }
    for s in &p.skipped {
        let _ = writeln!(out, "skipped: {s}");
    }
    match p.score {
        Some(s) => {
            let _ = writeln!(out, "aggregate score: {s:.1}/10");
        }
        None => out.push_str("aggregate score: n/a (no check applies)\n"),
    }
    out
}

/// SARIF 2.1.0: one rule per check, one result per negative evidence.
pub fn to_sarif(p: &Posture) -> Value {
    let rules: Vec<Value> = p
        .checks
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": format!("posture/{}", c.id),
                "name": c.name,
                "shortDescription": {"text": c.name},
                "properties": {"risk": c.risk, "score": c.score},
            })
        })
        .collect();
    let mut results = Vec::new();
    for c in &p.checks {
        for e in c
            .evidence
            .iter()
            .filter(|e| e.negative && !e.file.is_empty())
        {
            let level = match c.risk {
                Risk::Critical | Risk::High => "error",
                Risk::Medium => "warning",
                Risk::Low => "note",
            };
            let mut loc =
                serde_json::json!({"physicalLocation": {"artifactLocation": {"uri": e.file}}});
            if e.line > 0 {
                loc["physicalLocation"]["region"] = serde_json::json!({"startLine": e.line});
            }
            results.push(serde_json::json!({
                "ruleId": format!("posture/{}", c.id),
                "level": level,
                "message": {"text": e.message},
                "locations": [loc],
            }));
        }
    }
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "palisade-posture", "rules": rules}},
            "results": results,
        }]
    })
}
