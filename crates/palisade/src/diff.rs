//! Diff-aware scans: `--baseline-ref REV` reports only findings introduced since REV,
//! `--changed-only` only findings in files changed since REV (or `HEAD`).
//!
//! The baseline is a scan of REV's tree read from the object database (the work tree is
//! never touched, nothing is checked out) with the same engines, configuration and
//! excludes as the current scan. Both scans see whole trees, so a finding that depends on
//! another file (a lockfile beside its manifest, say) is judged with the same context on
//! both sides. A current finding whose fingerprint the baseline has is not new.
//! Fingerprints hash the rule and normalised evidence, never line numbers or paths, so
//! code moved down, reformatted around or renamed keeps its identity
//! (`tests/integration/diff.rs` measures it).

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::sync_channel;

use anyhow::{Context, Result};
use palisade_engine::Input;
use palisade_engine::finding::{Diagnostic, DiagnosticLevel};
use palisade_git::tree::Worktree;
use palisade_input::WalkOptions;
use palisade_scan::{ScanOutcome, Scanner};

/// The diff-aware options of one scan.
pub struct DiffOptions<'a> {
    pub baseline_ref: Option<&'a str>,
    pub changed_only: bool,
    pub verbose: bool,
}

/// The directory finding paths are relative to (as in `Scanner::scan_tree`).
fn findings_base(walk: &WalkOptions) -> PathBuf {
    if walk.extra_roots.is_empty() && walk.root.is_dir() {
        walk.root.clone()
    } else {
        PathBuf::from(".")
    }
}

/// Drops the findings the options exclude from `outcome`.
pub fn apply(
    scanner: &Scanner<'_>,
    walk: &WalkOptions,
    opts: &DiffOptions<'_>,
    outcome: &mut ScanOutcome,
) -> Result<()> {
    if opts.baseline_ref.is_none() && !opts.changed_only {
        return Ok(());
    }
    let wt = Worktree::discover(&walk.root)?;
    if let Some(rev) = opts.baseline_ref {
        let (known, files, diags) = baseline(scanner, walk, &wt, rev)?;
        let before = outcome.findings.len();
        outcome
            .findings
            .retain(|f| !known.contains(f.fingerprint.0.as_str()));
        let hidden = (before - outcome.findings.len()) as u64;
        outcome.stats.baselined += hidden;
        outcome.diagnostics.extend(diags);
        if opts.verbose {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "baseline {rev}: {files} file(s) scanned from its tree, {} finding(s); {hidden} current finding(s) were already there",
                known.len()
            );
        }
    }
    if opts.changed_only {
        let mut changes = wt.changes(opts.baseline_ref)?;
        let base = findings_base(walk);
        let before = outcome.findings.len();
        outcome.findings.retain(|f| {
            f.locations.iter().filter_map(|l| l.path()).any(|p| {
                // A path outside the repository (or gone) cannot be compared: keep it.
                wt.relative(&base.join(p))
                    .is_none_or(|rel| changes.changed(&rel))
            })
        });
        if opts.verbose {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "--changed-only: {} finding(s) in unchanged files not reported",
                before - outcome.findings.len()
            );
        }
    }
    outcome.diagnostics.sort();
    Ok(())
}

/// The fingerprints of every finding in `rev`'s tree under the scan root, the number of
/// files scanned, and what could not be read.
fn baseline(
    scanner: &Scanner<'_>,
    walk: &WalkOptions,
    wt: &Worktree,
    rev: &str,
) -> Result<(HashSet<String>, u64, Vec<Diagnostic>)> {
    // One directory scanned: the same subtree of REV, paths relative to it. Files or
    // several paths (a pre-commit hook's list): the whole repository at REV.
    let single_dir = walk.extra_roots.is_empty() && walk.root.is_dir();
    let prefix = if single_dir {
        wt.relative(&walk.root).unwrap_or_default()
    } else {
        String::new()
    };
    let excludes_root: &Path = if single_dir { &walk.root } else { wt.workdir() };
    let excludes = palisade_input::Excludes::new(excludes_root, &walk.exclude)?;
    let mut diagnostics = Vec::new();
    let files = wt
        .files(rev, &prefix, &mut diagnostics)
        .with_context(|| format!("cannot compute the baseline of --baseline-ref {rev}"))?;
    let known = Mutex::new(HashSet::new());
    let diags = Mutex::new(Vec::new());
    let workers = match walk.jobs {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        n => n,
    };
    let mut scanned = 0u64;
    // The object database is read on this thread; the engines run on the workers.
    let (tx, rx) = sync_channel::<(String, Vec<u8>)>(workers * 4);
    let rx = Mutex::new(rx);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let next = rx
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok((path, content)) = next else { break };
                    let kind = palisade_scan::kind_for(&path, &content);
                    if !kind.is_text {
                        continue;
                    }
                    let input = Input {
                        path: &path,
                        content: &content,
                        kind: &kind,
                    };
                    // Diagnostics of the old tree are not the user's concern today.
                    let mut ignored = Vec::new();
                    let (found, _) = scanner.scan_input(&input, &mut ignored);
                    if !found.is_empty() {
                        let mut k = known
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        k.extend(found.into_iter().map(|f| f.fingerprint.0));
                    }
                }
            });
        }
        let mut buf = Vec::new();
        for file in &files {
            let rel = if prefix.is_empty() {
                file.path.as_str()
            } else {
                file.path
                    .strip_prefix(prefix.as_str())
                    .map_or(file.path.as_str(), |p| p.trim_start_matches('/'))
            };
            if excludes.excludes(rel) {
                continue;
            }
            match wt.read_blob(&file.id, walk.max_file_size, &mut buf) {
                Ok(Some(_)) => {
                    scanned += 1;
                    if tx.send((rel.to_owned(), std::mem::take(&mut buf))).is_err() {
                        break;
                    }
                }
                Ok(None) => {}
                Err(e) => diags
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(Diagnostic::new(
                        DiagnosticLevel::Error,
                        rel,
                        format!("{e} (baseline {rev}); findings in this file count as new"),
                    )),
            }
        }
        drop(tx);
    });
    diagnostics.extend(
        diags
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    Ok((
        known
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        scanned,
        diagnostics,
    ))
}
