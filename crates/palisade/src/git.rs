//! `palisade secrets --git`: every unique blob of a history through the same engines,
//! suppressions and overrides as a tree scan, each finding located at the commit that
//! first had it.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use palisade_engine::Input;
use palisade_engine::finding::{Diagnostic, DiagnosticLevel, Location};
use palisade_scan::{Progress, ScanOutcome, Scanner, Stats};

/// Scans the history of the repository at `path`.
pub fn scan_history(
    scanner: &Scanner<'_>,
    path: &Path,
    options: &palisade_git::Options,
    excludes: &palisade_input::Excludes,
    progress: &Progress,
) -> Result<(ScanOutcome, palisade_git::Stats), palisade_git::GitError> {
    let start = Instant::now();
    let findings = Mutex::new(Vec::new());
    let diagnostics = Mutex::new(Vec::new());
    let suppressed = AtomicU64::new(0);
    let git = palisade_git::scan(path, options, |blob| {
        // `--exclude` and `[scan] exclude` apply to the paths of history as to the tree.
        if excludes.excludes(blob.path) {
            return;
        }
        let kind = palisade_scan::kind_for(blob.path, blob.content);
        let mut diags = Vec::new();
        if kind.is_text {
            // As in a tree scan: files and bytes count what the engines saw.
            progress.files.fetch_add(1, Ordering::Relaxed);
            progress
                .bytes
                .fetch_add(blob.content.len() as u64, Ordering::Relaxed);
            if !kind.is_utf8 {
                diags.push(Diagnostic::new(
                    DiagnosticLevel::Skip,
                    blob.path,
                    format!("git blob {}: not valid UTF-8: scanned as bytes", blob.id),
                ));
            }
            let input = Input {
                path: blob.path,
                content: blob.content,
                kind: &kind,
            };
            let (mut found, sup) = scanner.scan_input(&input, &mut diags);
            suppressed.fetch_add(sup, Ordering::Relaxed);
            if !found.is_empty() {
                let origin = blob.origin();
                for f in &mut found {
                    for loc in &mut f.locations {
                        if let Location::File { git, .. } = loc {
                            *git = Some(origin.clone());
                        }
                    }
                }
                lock(&findings).extend(found);
            }
        } else {
            progress.skipped.fetch_add(1, Ordering::Relaxed);
            diags.push(Diagnostic::new(
                DiagnosticLevel::Skip,
                blob.path,
                format!("git blob {}: binary (NUL byte in the first 8 KiB)", blob.id),
            ));
        }
        if !diags.is_empty() {
            lock(&diagnostics).extend(diags);
        }
    })?;
    let findings = findings
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut diagnostics = diagnostics
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    diagnostics.extend(git.diagnostics);
    diagnostics.sort();
    let stats = Stats {
        files_scanned: progress.files.load(Ordering::Relaxed),
        bytes_scanned: progress.bytes.load(Ordering::Relaxed),
        files_skipped: progress.skipped.load(Ordering::Relaxed) + git.stats.skipped,
        errors: diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
            .count() as u64,
        suppressed: suppressed.load(Ordering::Relaxed),
        baselined: 0,
        elapsed: start.elapsed(),
    };
    Ok((
        ScanOutcome {
            findings: palisade_scan::merge_and_sort(findings),
            diagnostics,
            stats,
        },
        git.stats,
    ))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
