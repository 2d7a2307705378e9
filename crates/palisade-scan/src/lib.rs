//! The one-pass scan.
//!
//! `walk → classify → read once → every engine that wants the file → post-process`.
//! Post-processing is shared by all engines: inline suppressions (while the file is
//! still in memory), disabled rules and severity overrides from `palisade.toml`,
//! merging of findings with one fingerprint into one finding with many locations, the
//! baseline, and a stable order.

pub mod baseline;
pub mod owners;
mod suppress;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use palisade_config::Config;
use palisade_engine::finding::{Diagnostic, DiagnosticLevel, Finding, Location, RuleId};
use palisade_engine::{Engine, FileKind, Input, ScanCx};
use palisade_input::{Event, WalkOptions};

pub use suppress::{Suppression, parse_suppressions};

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Input(#[from] palisade_input::InputError),
}

/// Counters of a scan, updated live (for the progress bar) and returned at the end.
#[derive(Debug, Default)]
pub struct Progress {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
    pub skipped: AtomicU64,
}

/// What a scan found and what it could not do.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ScanOutcome {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Stats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub files_skipped: u64,
    pub errors: u64,
    /// Findings hidden by inline suppressions.
    pub suppressed: u64,
    /// Findings hidden by the baseline.
    pub baselined: u64,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// The engines of one scan, with the configuration they run under.
pub struct Scanner<'a> {
    pub engines: Vec<Box<dyn Engine + 'a>>,
    pub config: Config,
    pub cx: ScanCx,
}

impl Scanner<'_> {
    /// Runs every engine that wants it over one input, with suppressions applied.
    /// Used for files of the tree, for git blobs and for rule examples alike.
    pub fn scan_input(
        &self,
        input: &Input<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (Vec<Finding>, u64) {
        let mut findings = Vec::new();
        let path = std::path::Path::new(input.path);
        for engine in &self.engines {
            if !engine.wants(path, input.kind)
                || (!input.kind.is_text
                    && !engine.wants_binary(path, &input.content[..input.content.len().min(8192)]))
            {
                continue;
            }
            if let Err(e) = engine.scan(input, &self.cx, &mut findings) {
                diagnostics.push(Diagnostic::new(
                    DiagnosticLevel::Error,
                    input.path,
                    format!("{} engine: {e}", engine.id()),
                ));
            }
        }
        findings.retain(|f| !self.config.rule_disabled(f.rule.as_str()));
        for f in &mut findings {
            if let Some(sev) = self.config.rules.severity.get(f.rule.as_str()) {
                f.severity = *sev;
            }
        }
        let mut suppressed = 0;
        if !findings.is_empty() {
            let sups = parse_suppressions(input.content);
            for s in sups.iter().filter(|s| s.reason.is_none()) {
                diagnostics.push(Diagnostic::new(
                    DiagnosticLevel::Warning,
                    format!("{}:{}", input.path, s.line),
                    "suppression without a reason: write `palisade:ignore[rule-id] why it is safe`",
                ));
            }
            let before = findings.len();
            findings.retain(|f| !sups.iter().any(|s| s.covers(f)));
            suppressed = (before - findings.len()) as u64;
        }
        (findings, suppressed)
    }

    /// Scans a tree: one walk, every engine, then post-processing.
    pub fn scan_tree(
        &self,
        walk: &WalkOptions,
        progress: &Progress,
    ) -> Result<ScanOutcome, ScanError> {
        let start = Instant::now();
        let findings = Mutex::new(Vec::new());
        let diagnostics = Mutex::new(Vec::new());
        let suppressed = AtomicU64::new(0);
        let keep_binary = |p: &str, head: &[u8]| {
            let path = std::path::Path::new(p);
            self.engines.iter().any(|e| e.wants_binary(path, head))
        };
        palisade_input::walk_with(walk, &keep_binary, |event| match event {
            Event::File(file) => {
                progress.files.fetch_add(1, Ordering::Relaxed);
                progress
                    .bytes
                    .fetch_add(file.content.len() as u64, Ordering::Relaxed);
                let mut diags = Vec::new();
                if file.kind.is_text && !file.kind.is_utf8 {
                    diags.push(Diagnostic::new(
                        DiagnosticLevel::Skip,
                        &file.display_path,
                        "not valid UTF-8: scanned as bytes",
                    ));
                }
                let input = Input {
                    path: &file.display_path,
                    content: &file.content,
                    kind: &file.kind,
                };
                let (found, sup) = self.scan_input(&input, &mut diags);
                suppressed.fetch_add(sup, Ordering::Relaxed);
                if !found.is_empty() {
                    lock(&findings).extend(found);
                }
                if !diags.is_empty() {
                    lock(&diagnostics).extend(diags);
                }
            }
            Event::Diagnostic(d) => {
                if d.level == DiagnosticLevel::Skip {
                    progress.skipped.fetch_add(1, Ordering::Relaxed);
                }
                lock(&diagnostics).push(d);
            }
        })?;
        let mut findings = merge_and_sort(
            findings
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let mut diagnostics = diagnostics
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Finding paths are relative to the root directory, or to the current
        // directory when files were named.
        let base = if walk.extra_roots.is_empty() && walk.root.is_dir() {
            walk.root.as_path()
        } else {
            std::path::Path::new(".")
        };
        owners::assign_owners(base, &mut findings, &mut diagnostics);
        diagnostics.sort();
        let errors = diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
            .count() as u64;
        let stats = Stats {
            files_scanned: progress.files.load(Ordering::Relaxed),
            bytes_scanned: progress.bytes.load(Ordering::Relaxed),
            files_skipped: progress.skipped.load(Ordering::Relaxed),
            errors,
            suppressed: suppressed.load(Ordering::Relaxed),
            baselined: 0,
            elapsed: start.elapsed(),
        };
        Ok(ScanOutcome {
            findings,
            diagnostics,
            stats,
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Findings with one fingerprint become one finding with all their locations (the
/// same leaked key in ten files is one secret); the result is sorted by path, line, rule.
///
/// For findings in git blobs, the earliest commit comes first: the merged finding's
/// primary location (and its snippet) is where the secret first entered the history.
pub fn merge_and_sort(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| merge_order(a).cmp(&merge_order(b)));
    let mut by_fp: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        match by_fp.get(&f.fingerprint.0) {
            Some(&i) => {
                let target = &mut out[i];
                for loc in f.locations {
                    if !target.locations.contains(&loc) {
                        target.locations.push(loc);
                    }
                }
                target.severity = target.severity.max(f.severity);
                target.confidence = target.confidence.max(f.confidence);
            }
            None => {
                by_fp.insert(f.fingerprint.0.clone(), out.len());
                out.push(f);
            }
        }
    }
    out.sort_by(|a, b| {
        (a.path(), a.line(), &a.rule, &a.fingerprint).cmp(&(
            b.path(),
            b.line(),
            &b.rule,
            &b.fingerprint,
        ))
    });
    out
}

/// Earliest commit first, then path, line, rule, fingerprint.
fn merge_order(f: &Finding) -> (Option<(i64, &str)>, &str, u32, &RuleId, &str) {
    (git_time(f), f.path(), f.line(), &f.rule, &f.fingerprint.0)
}

/// The commit time of a finding's primary location in a git blob (`None` for files).
fn git_time(f: &Finding) -> Option<(i64, &str)> {
    match f.primary() {
        Some(Location::File { git: Some(g), .. }) => Some((g.time, g.commit.as_str())),
        _ => None,
    }
}

/// A `FileKind` for content that did not come from the walker (git blobs, examples).
pub fn kind_for(path: &str, content: &[u8]) -> FileKind {
    palisade_input::classify(path, content)
}

#[cfg(test)]
mod tests {
    use palisade_engine::finding::{Confidence, Fingerprint, GitOrigin, RuleId, Severity, Span};

    use super::*;

    fn in_blob(path: &str, line: u32, commit: &str, time: i64) -> Finding {
        let span = Span {
            start_line: line,
            start_column: 1,
            end_line: line,
            end_column: 5,
            byte_start: 0,
            byte_end: 4,
        };
        Finding {
            rule: RuleId::new("secrets/x"),
            severity: Severity::High,
            confidence: Confidence::High,
            message: format!("in {commit}"),
            locations: vec![Location::File {
                path: path.into(),
                span: Some(span),
                git: Some(GitOrigin {
                    commit: commit.into(),
                    blob: "b".into(),
                    author: "a".into(),
                    email: "a@example.com".into(),
                    time,
                }),
            }],
            fingerprint: Fingerprint("same-secret".into()),
            snippet: None,
            fix: None,
            owners: Vec::new(),
            trace: Vec::new(),
        }
    }

    #[test]
    fn the_earliest_commit_is_the_primary_location_of_a_merged_finding() {
        let merged = merge_and_sort(vec![
            in_blob("a.py", 1, "late", 300),
            in_blob("z.py", 9, "early", 100),
            in_blob("m.py", 4, "middle", 200),
        ]);
        assert_eq!(merged.len(), 1);
        let f = &merged[0];
        assert_eq!(f.message, "in early");
        let commits: Vec<&str> = f
            .locations
            .iter()
            .filter_map(|l| match l {
                Location::File { git: Some(g), .. } => Some(g.commit.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(commits, ["early", "middle", "late"]);
    }
}
