//! Terraform / OpenTofu for palisade: parsing, evaluation and security checks.
//!
//! A leaf crate: the `iac` engine plugs it in. What it does:
//!
//! 1. **Parsing** every `.tf` (and `.tf.json`) file of a module directory with `hcl-edit`,
//!    bounded in size ([`eval::MAX_FILE_BYTES`]) and nesting ([`eval::MAX_NESTING`]).
//! 2. **Evaluation** into a resource model: variables (defaults, `terraform.tfvars`,
//!    `*.auto.tfvars` in lexical order, `--var-file`, `--var`, in Terraform's precedence),
//!    locals (on demand, cycles reported), conditionals, templates with `%{if}`/`%{for}`,
//!    `for` expressions, splats, operators, [`funcs::FUNCTIONS`], `count` / `for_each` /
//!    `dynamic` blocks (capped at [`TfOptions::max_instances`]), local modules followed per call
//!    (recursion reported). Anything not known before apply is [`Value::Unknown`], and Unknown
//!    never makes a check fail. Terraform plan JSON gives the same model ([`scan_plan_json`]).
//! 3. **Checks** ([`checks`]) over the model; each finding points at the exact attribute (or the
//!    resource block when the attribute is missing), and the same check on one block
//!    instantiated many times is one finding with several locations.
//!
//! ## Dependencies and why
//! - `hcl-edit`: the only maintained Rust HCL parser that keeps byte spans on every
//!   attribute, block and expression (the `hcl-rs` value model drops them), so findings carry
//!   exact lines and columns. We evaluate its syntax tree ourselves because `hcl-rs`'s evaluator
//!   has no notion of Unknown and no Terraform namespaces.
//! - `serde_json`: plan JSON, `jsonencode`/`jsondecode`, `.tf.json`, policy documents.
//! - `serde-saphyr`: the check metadata (`checks.yaml`) is data, like every palisade rule.
//! - `regex`: `regex`/`regexall`/`replace` (RE2-like syntax, linear time, bounded size).
//! - `base64`: `base64encode` / `base64decode`.

pub mod checks;
pub mod eval;
pub mod funcs;
mod json;
pub mod model;
mod plan;
pub mod value;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use palisade_finding::{Confidence, Severity};

pub use checks::{TfCheck, checks, rule_metas};
pub use model::{Diagnostic, Loc, Mode, Model, ModuleCall, Resource};
pub use value::Value;

/// One crate error; scans themselves never fail (problems are [`Diagnostic`]s).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

/// Evaluation options.
#[derive(Debug, Clone)]
pub struct TfOptions {
    /// `--var NAME=VALUE`, in command-line order (applied after every var file).
    pub vars: Vec<(String, String)>,
    /// `--var-file PATH`, in command-line order (after `terraform.tfvars` and `*.auto.tfvars`).
    pub var_files: Vec<PathBuf>,
    /// Most instances one `count` / `for_each` / `dynamic` expands to; more are reported.
    pub max_instances: usize,
    /// Most directories walked by [`scan_dir`].
    pub max_dirs: usize,
    /// Most expression evaluations per root module (hostile input such as nested `for` over
    /// large ranges); past it values are Unknown and a diagnostic says so.
    pub max_eval_steps: u64,
}

impl Default for TfOptions {
    fn default() -> Self {
        TfOptions {
            vars: Vec::new(),
            var_files: Vec::new(),
            max_instances: 1000,
            max_dirs: 20_000,
            max_eval_steps: 20_000_000,
        }
    }
}

/// A place a finding points at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TfLocation {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Resource instance address (`module.a.aws_s3_bucket.b[0]`) or module call address.
    pub address: String,
}

/// One problem: one check on one block, with a location per instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TfFinding {
    pub check: &'static str,
    pub message: String,
    /// Stable evidence for fingerprints: the configuration address without instance keys and
    /// the attribute path (`module.b.aws_s3_bucket.this:acl`); never a line number.
    pub evidence: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub locations: Vec<TfLocation>,
}

/// Result of a scan.
#[derive(Debug, Clone, Default)]
pub struct TfReport {
    pub findings: Vec<TfFinding>,
    pub diagnostics: Vec<Diagnostic>,
    /// Root modules evaluated.
    pub roots: usize,
    /// Resource and data source instances evaluated.
    pub resources: usize,
}

const SKIP_DIRS: &[&str] = &[
    ".terraform",
    ".git",
    "node_modules",
    ".terragrunt-cache",
    "target",
];

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>, max: usize) {
    if depth > 64 || out.len() >= max {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    let mut has_tf = false;
    let mut subdirs = Vec::new();
    for e in entries {
        let Ok(ft) = e.file_type() else { continue };
        let p = e.path();
        if ft.is_dir() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !SKIP_DIRS.contains(&name.as_str()) {
                subdirs.push(p);
            }
        } else if ft.is_file() && eval::is_tf_file(&p) {
            has_tf = true;
        }
    }
    if has_tf {
        out.push(dir.to_path_buf());
    }
    for s in subdirs {
        walk(&s, depth + 1, out, max);
    }
}

/// Scans every Terraform root module under `root`: each directory with `.tf` files that is not
/// only used as a local module by another directory.
///
/// A file path scans the directory holding it (Terraform's unit is the module directory).
pub fn scan_dir(root: &Path, opts: &TfOptions) -> TfReport {
    let root = eval::normalize(&std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()));
    let root = if root.is_file() {
        root.parent().map_or(root.clone(), Path::to_path_buf)
    } else {
        root
    };
    let mut dirs = Vec::new();
    walk(&root, 0, &mut dirs, opts.max_dirs);
    let mut diags = Vec::new();
    let mut modules = HashMap::new();
    for d in &dirs {
        modules.insert(d.clone(), eval::load_module(d, &root, &mut diags));
    }
    let mut called: HashSet<PathBuf> = HashSet::new();
    for m in modules.values() {
        for b in m.bodies.iter().flat_map(|b| b.blocks()) {
            if b.ident.as_str() == "module"
                && let Some(src) = eval::module_source(b)
                && eval::is_local_source(&src)
            {
                let target = eval::normalize(&m.dir.join(&src));
                if target != m.dir {
                    called.insert(target);
                }
            }
        }
    }
    let roots: Vec<&PathBuf> = dirs.iter().filter(|d| !called.contains(*d)).collect();
    let installed: HashMap<&PathBuf, HashMap<String, PathBuf>> = roots
        .iter()
        .map(|r| (*r, installed_modules(r, &root, &mut modules, &mut diags)))
        .collect();
    let mut report = TfReport {
        roots: roots.len(),
        ..TfReport::default()
    };
    report.diagnostics = diags;
    // Root modules are independent: evaluate them on all cores, each thread with a large stack.
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(roots.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(usize, Vec<Diagnostic>, Vec<TfFinding>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(64 << 20)
                    .spawn_scoped(s, || {
                        let mut out = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(r) = roots.get(i) else { break };
                            let Some(m) = modules.get(*r) else { continue };
                            let inst = installed.get(*r).cloned().unwrap_or_default();
                            let (model, d) = evaluate(&modules, m, &root, opts, inst);
                            out.push((model.resources.len(), d, checks::run(&model)));
                        }
                        out
                    })
                    .ok()
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for (n, d, f) in results {
        report.resources += n;
        report.diagnostics.extend(d);
        report.findings.extend(f);
    }
    finish(&mut report);
    report
}

fn finish(report: &mut TfReport) {
    report.diagnostics.sort();
    report.diagnostics.dedup();
    report
        .findings
        .sort_by(|a, b| (&a.locations, a.check).cmp(&(&b.locations, b.check)));
}

/// Runs `f` on a thread with a large stack: evaluation recursion is bounded but deep.
fn run_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(s, f)
        {
            Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => unreachable_thread(),
        }
    })
}

#[allow(clippy::panic)]
fn unreachable_thread() -> ! {
    panic!("cannot spawn the evaluation thread")
}

/// The resource model of the root module in `dir` (local modules followed), for tools and
/// tests that want the model rather than findings.
pub fn evaluate_dir(dir: &Path, opts: &TfOptions) -> (Model, Vec<Diagnostic>) {
    let root = eval::normalize(&std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    let mut dirs = Vec::new();
    walk(&root, 0, &mut dirs, opts.max_dirs);
    let mut diags = Vec::new();
    let mut modules: HashMap<PathBuf, eval::Module> = dirs
        .iter()
        .map(|d| (d.clone(), eval::load_module(d, &root, &mut diags)))
        .collect();
    let inst = installed_modules(&root, &root, &mut modules, &mut diags);
    let Some(m) = modules.get(&root) else {
        return (Model::default(), diags);
    };
    let (model, d) = run_stack(|| evaluate(&modules, m, &root, opts, inst));
    diags.extend(d);
    (model, diags)
}

/// Reads `DIR/.terraform/modules/modules.json` (written by `terraform init`) and loads the
/// installed module directories into `modules`; returns module key -> directory.
fn installed_modules(
    dir: &Path,
    root: &Path,
    modules: &mut HashMap<PathBuf, eval::Module>,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, PathBuf> {
    let mut out = HashMap::new();
    let manifest = dir.join(".terraform/modules/modules.json");
    let Ok(meta) = std::fs::symlink_metadata(&manifest) else {
        return out;
    };
    if !meta.is_file() || meta.len() as usize > eval::MAX_FILE_BYTES {
        return out;
    }
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return out;
    };
    let Ok(j) = serde_json::from_str::<serde_json::Value>(&text) else {
        diags.push(Diagnostic {
            file: eval::display_path(&manifest, root),
            line: 1,
            message: "invalid modules.json, installed modules ignored".into(),
        });
        return out;
    };
    for m in j
        .get("Modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .take(1000)
    {
        let key = m.get("Key").and_then(|k| k.as_str()).unwrap_or_default();
        let Some(d) = m.get("Dir").and_then(|k| k.as_str()) else {
            continue;
        };
        if key.is_empty() {
            continue;
        }
        let path = eval::normalize(&dir.join(d));
        if !path.starts_with(root) || !path.is_dir() {
            continue;
        }
        if !modules.contains_key(&path) {
            let loaded = eval::load_module(&path, root, diags);
            modules.insert(path.clone(), loaded);
        }
        out.insert(key.to_string(), path);
    }
    out
}

/// Evaluates root module `m` with the root variables of `opts`.
fn evaluate(
    modules: &HashMap<PathBuf, eval::Module>,
    m: &eval::Module,
    root: &Path,
    opts: &TfOptions,
    installed: HashMap<String, PathBuf>,
) -> (Model, Vec<Diagnostic>) {
    let mut cx = eval::Ctx::new(modules, root, opts);
    cx.installed = installed;
    let inputs = root_inputs(&cx, m, root, opts);
    let ev = eval::ModEval::new(&cx, m, String::new(), vec![m.dir.clone()], inputs);
    ev.run();
    (cx.out.into_inner(), cx.diags.into_inner())
}

/// Root variable values in Terraform's precedence (later wins): `terraform.tfvars`,
/// `terraform.tfvars.json`, `*.auto.tfvars[.json]` in lexical order, then `--var-file` and
/// `--var` in command-line order.
fn root_inputs(
    cx: &eval::Ctx<'_>,
    m: &eval::Module,
    root: &Path,
    opts: &TfOptions,
) -> HashMap<String, Value> {
    let empty = eval::Module {
        dir: m.dir.clone(),
        files: Vec::new(),
        bodies: Vec::new(),
    };
    let ev = eval::ModEval::new(cx, &empty, String::new(), Vec::new(), HashMap::new());
    let mut files: Vec<PathBuf> = Vec::new();
    for n in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = m.dir.join(n);
        if p.is_file() {
            files.push(p);
        }
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(&m.dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    let n = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    files.extend(auto);
    files.extend(opts.var_files.iter().map(|p| {
        if p.is_absolute() {
            p.clone()
        } else {
            m.dir.join(p)
        }
    }));
    let mut vals = HashMap::new();
    for f in files {
        let shown = eval::display_path(&f, root);
        let text = match std::fs::read(&f) {
            Ok(t) if t.len() <= eval::MAX_FILE_BYTES => String::from_utf8_lossy(&t).into_owned(),
            Ok(_) => {
                cx.diags.borrow_mut().push(Diagnostic {
                    file: shown,
                    line: 1,
                    message: "var file too large".into(),
                });
                continue;
            }
            Err(e) => {
                cx.diags.borrow_mut().push(Diagnostic {
                    file: shown,
                    line: 1,
                    message: format!("cannot read var file: {e}"),
                });
                continue;
            }
        };
        if shown.ends_with(".json") {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(o)) => {
                    for (k, v) in o {
                        vals.insert(k, Value::from_json(&v));
                    }
                }
                Ok(_) => {}
                Err(e) => cx.diags.borrow_mut().push(Diagnostic {
                    file: shown,
                    line: e.line() as u32,
                    message: format!("invalid JSON: {e}"),
                }),
            }
            continue;
        }
        match eval::parse_file(&shown.clone().into(), text, false) {
            Ok((_, body)) => {
                for a in body.attributes() {
                    let v = ev.eval(&a.value, &mut Vec::new()).unwrap_or(Value::Unknown);
                    vals.insert(a.key.as_str().to_string(), v);
                }
            }
            Err(d) => cx.diags.borrow_mut().push(d),
        }
    }
    let string_vars: BTreeSet<String> = m
        .bodies
        .iter()
        .flat_map(|b| b.blocks())
        .filter(|b| b.ident.as_str() == "variable")
        .filter(|b| {
            b.body.get_attribute("type").is_none_or(|t| {
                t.value
                    .as_variable()
                    .is_some_and(|v| v.as_str() == "string")
            })
        })
        .filter_map(|b| b.labels.first().map(|l| l.as_str().to_string()))
        .collect();
    for (k, raw) in &opts.vars {
        let v = if string_vars.contains(k) {
            Value::String(raw.clone())
        } else {
            hcl_edit::parser::parse_expr(raw)
                .ok()
                .and_then(|e| ev.eval(&e, &mut Vec::new()).ok())
                .unwrap_or_else(|| Value::String(raw.clone()))
        };
        vals.insert(k.clone(), v);
    }
    vals
}

/// Evaluates and checks an in-memory module: `files` are `(path, text)`; files in
/// sub-directories form local modules (`source = "./sub"`). Used by the rule examples.
pub fn check_source(files: &[(&str, &str)]) -> Vec<TfFinding> {
    check_source_report(files, &TfOptions::default()).findings
}

/// [`check_source`] with options, returning diagnostics too.
pub fn check_source_report(files: &[(&str, &str)], opts: &TfOptions) -> TfReport {
    let (model, diags) = evaluate_source(files, opts);
    let mut report = TfReport {
        roots: 1,
        resources: model.resources.len(),
        ..TfReport::default()
    };
    report.diagnostics = diags;
    report.findings = checks::run(&model);
    finish(&mut report);
    report
}

/// The resource model of an in-memory module (see [`check_source`]).
pub fn evaluate_source(files: &[(&str, &str)], opts: &TfOptions) -> (Model, Vec<Diagnostic>) {
    let root = PathBuf::from("/__memory__");
    let mut diags = Vec::new();
    let mut modules: HashMap<PathBuf, eval::Module> = HashMap::new();
    for (path, text) in files {
        let full = eval::normalize(&root.join(path));
        let dir = full.parent().map_or(root.clone(), Path::to_path_buf);
        let json = path.ends_with(".tf.json");
        if !path.ends_with(".tf") && !json {
            continue;
        }
        let m = modules.entry(dir.clone()).or_insert_with(|| eval::Module {
            dir,
            files: Vec::new(),
            bodies: Vec::new(),
        });
        match eval::parse_file(&(*path).into(), (*text).to_string(), json) {
            Ok((f, b)) => {
                m.files.push(f);
                m.bodies.push(b);
            }
            Err(d) => diags.push(d),
        }
    }
    let Some(m) = modules.get(&root) else {
        return (Model::default(), diags);
    };
    let (model, d) = run_stack(|| evaluate(&modules, m, &root, opts, HashMap::new()));
    diags.extend(d);
    (model, diags)
}

/// Checks a Terraform plan (`terraform show -json plan.out`). `path` names the file in
/// locations (plan findings point at the line holding the resource's address).
pub fn scan_plan_json(path: &str, text: &str) -> TfReport {
    let mut report = TfReport::default();
    match plan::model(path, text) {
        Ok(model) => {
            report.roots = 1;
            report.resources = model.resources.len();
            report.findings = checks::run(&model);
        }
        Err(message) => report.diagnostics.push(Diagnostic {
            file: path.to_string(),
            line: 1,
            message,
        }),
    }
    finish(&mut report);
    report
}
