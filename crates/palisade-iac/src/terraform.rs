//! Terraform / OpenTofu as an [`ExternalFormat`]: the `palisade-terraform` library evaluates
//! module directories and runs its checks; this adapter decides what to evaluate and hands
//! each finding and diagnostic to exactly one scanned file.
//!
//! Terraform's unit is the module directory, not the file, so the first `.tf` file of a scan
//! root that reaches [`Terraform::scan`] evaluates every root module under that scan root
//! once ([`palisade_terraform::scan_dir`]); the result is cached for the other files. Each
//! file then gets the findings whose primary location is in it (so suppression comments and
//! per-file output work) and the diagnostics naming it. Findings and diagnostics naming no
//! scanned file (installed modules under `.terraform/`, a `--var-file` outside the tree) go
//! to whichever file takes the cached result first.
//!
//! Without a scan root (a single named file, or in-memory input such as the rule examples)
//! a file on disk evaluates the directory holding it and keeps that file's findings. Text
//! that is not the file on disk (rule examples, git blobs of older commits in `diff` and
//! history scans) is evaluated alone ([`palisade_terraform::check_source_report`]).
//! Terraform plan JSON (`*.tfplan.json`, or JSON with `planned_values` /
//! `resource_changes`) is checked per file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use palisade_engine::{FileKind, Input, RuleMeta};
/// Evaluation options (variables, variable files, limits), re-exported for the bin.
pub use palisade_terraform::TfOptions;
use palisade_terraform::{Diagnostic, TfFinding, TfReport};

use crate::{ExternalFinding, ExternalFormat, ExternalLocation, ExternalScan};

/// One evaluation of a directory tree, shared by the files under it.
#[derive(Default)]
struct Evaluated {
    /// The report, with file paths as the scan shows them, and the file each finding and
    /// diagnostic belongs to (`None`: no scanned file, see `leftovers_taken`).
    result: OnceLock<Owned>,
    leftovers_taken: AtomicBool,
}

struct Owned {
    findings: Vec<(Option<String>, TfFinding)>,
    diagnostics: Vec<(Option<String>, Diagnostic)>,
}

/// The Terraform format: options from the command line and configuration, and the
/// per-scan cache of evaluated directories.
pub struct Terraform {
    opts: TfOptions,
    cache: Mutex<HashMap<PathBuf, Arc<Evaluated>>>,
}

impl Terraform {
    pub fn new(opts: TfOptions) -> Self {
        Terraform {
            opts,
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn evaluated(&self, key: &Path) -> Arc<Evaluated> {
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.entry(key.to_path_buf()).or_default().clone()
    }
}

impl Default for Terraform {
    fn default() -> Self {
        Terraform::new(TfOptions::default())
    }
}

fn lower_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase()
}

fn is_tf(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

fn is_tfvars(name: &str) -> bool {
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

/// A Terraform plan rendered as JSON (`terraform show -json plan.out`).
fn is_plan(name: &str, content: &[u8]) -> bool {
    if name.ends_with(".tfplan.json") {
        return true;
    }
    if !name.ends_with(".json") || is_tf(name) || is_tfvars(name) {
        return false;
    }
    let Ok(text) = std::str::from_utf8(content) else {
        return false;
    };
    text.trim_start().starts_with('{')
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
}

/// A file the scan visits itself: under the root, not inside `.terraform/`.
fn scanned_file(root: &Path, rel: &str) -> bool {
    !rel.starts_with('/')
        && !rel.split('/').any(|c| c == ".terraform" || c == "..")
        && root.join(rel).is_file()
}

/// Gives every finding and diagnostic of `report` (paths relative to `dir`) its owner file,
/// shown as `prefix` + path.
fn own(report: TfReport, dir: &Path, prefix: &str) -> Owned {
    let show = |p: &str| format!("{prefix}{p}");
    let findings = report
        .findings
        .into_iter()
        .map(|mut f| {
            let owner = f
                .locations
                .iter()
                .find(|l| scanned_file(dir, &l.file))
                .map(|l| show(&l.file));
            for l in &mut f.locations {
                l.file = show(&l.file);
            }
            (owner, f)
        })
        .collect();
    let diagnostics = report
        .diagnostics
        .into_iter()
        .map(|mut d| {
            let name = lower_name(&d.file);
            let owner = ((is_tf(&name) || is_tfvars(&name)) && scanned_file(dir, &d.file))
                .then(|| show(&d.file));
            if !d.file.starts_with('/') {
                d.file = show(&d.file);
            }
            (owner, d)
        })
        .collect();
    Owned {
        findings,
        diagnostics,
    }
}

fn convert(f: &TfFinding) -> ExternalFinding {
    ExternalFinding {
        rule: f.check.to_string(),
        message: f.message.clone(),
        severity: f.severity,
        confidence: f.confidence,
        evidence: f.evidence.clone(),
        locations: f
            .locations
            .iter()
            .map(|l| ExternalLocation {
                path: l.file.clone(),
                line: l.line,
                column: l.column,
                address: l.address.clone(),
            })
            .collect(),
    }
}

fn error(d: &Diagnostic) -> String {
    format!("{}:{}: {}", d.file, d.line, d.message)
}

/// The findings and diagnostics of `ev` that belong to `path` (plus the leftovers, once).
fn take(ev: &Evaluated, owned: &Owned, path: &str) -> ExternalScan {
    let leftovers = !ev.leftovers_taken.swap(true, Ordering::AcqRel);
    let mine = |owner: &Option<String>| match owner {
        Some(o) => o == path,
        None => leftovers,
    };
    ExternalScan {
        findings: owned
            .findings
            .iter()
            .filter(|(o, _)| mine(o))
            .map(|(_, f)| convert(f))
            .collect(),
        errors: owned
            .diagnostics
            .iter()
            .filter(|(o, _)| mine(o))
            .map(|(_, d)| error(d))
            .collect(),
    }
}

/// The report of in-memory text: evaluated as a module of one file.
fn from_report(report: &TfReport) -> ExternalScan {
    ExternalScan {
        findings: report.findings.iter().map(convert).collect(),
        errors: report.diagnostics.iter().map(error).collect(),
    }
}

impl ExternalFormat for Terraform {
    fn rules(&self) -> &[RuleMeta] {
        palisade_terraform::rule_metas()
    }

    fn wants(&self, path: &Path, kind: &FileKind) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        kind.is_text && (is_tf(&name) || is_tfvars(&name) || name.ends_with(".tfplan.json"))
    }

    fn claims(&self, input: &Input<'_>) -> bool {
        let name = lower_name(input.path);
        input.kind.is_text && (is_tf(&name) || is_tfvars(&name) || is_plan(&name, input.content))
    }

    fn scan(&self, input: &Input<'_>, root: Option<&Path>) -> ExternalScan {
        let name = lower_name(input.path);
        if is_plan(&name, input.content) {
            let text = String::from_utf8_lossy(input.content);
            return from_report(&palisade_terraform::scan_plan_json(input.path, &text));
        }
        // Only the file on disk belongs to the directory evaluation: the same path read from
        // elsewhere (a git blob of an older commit, in `diff` or history scans) is text alone.
        let same_on_disk = |p: &Path| std::fs::read(p).is_ok_and(|c| c == input.content);
        if let Some(root) = root.filter(|r| same_on_disk(&r.join(input.path))) {
            // Every root module under the scan root, once per scan.
            let ev = self.evaluated(root);
            let owned = ev
                .result
                .get_or_init(|| own(palisade_terraform::scan_dir(root, &self.opts), root, ""));
            return take(&ev, owned, input.path);
        }
        let on_disk = Path::new(input.path);
        if root.is_none() && on_disk.is_file() && same_on_disk(on_disk) {
            // A named file: its directory is the module; keep what belongs to this file.
            let dir = on_disk.parent().unwrap_or(Path::new(""));
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            let prefix = match input.path.rfind('/') {
                Some(i) => &input.path[..=i],
                None => "",
            };
            let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
            let ev = self.evaluated(&key);
            let owned = ev
                .result
                .get_or_init(|| own(palisade_terraform::scan_dir(dir, &self.opts), dir, prefix));
            return take(&ev, owned, input.path);
        }
        if is_tfvars(&name) {
            return ExternalScan::default();
        }
        // In-memory text (rule examples, stdin): a module of this one file.
        let base = input.path.rsplit('/').next().unwrap_or(input.path);
        let text = String::from_utf8_lossy(input.content);
        let mut report =
            palisade_terraform::check_source_report(&[(base, text.as_ref())], &self.opts);
        for f in &mut report.findings {
            for l in &mut f.locations {
                if l.file == base {
                    l.file = input.path.to_string();
                }
            }
        }
        for d in &mut report.diagnostics {
            if d.file == base {
                d.file = input.path.to_string();
            }
        }
        from_report(&report)
    }
}
