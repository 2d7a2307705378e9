//! palisade's IaC engine: Kubernetes manifests, GitHub Actions workflows and composite
//! actions, GitLab CI, Dockerfiles, docker-compose and CloudFormation (YAML and JSON).
//!
//! Most checks are data: YAML policies (`policies/*.yaml`, see [`policy`]) over a document
//! model that keeps every node's position ([`doc`]), so each finding carries file, line,
//! column and a route such as `spec.template.spec.containers[0].image`. Checks the policy
//! language cannot express (expression parsing in workflows, Dockerfile shell commands) are
//! Rust functions whose metadata and examples still live in the same YAML files
//! (`code: true`). User policies (`--policies DIR`, `[iac] policies`) use the same language.
//!
//! Formats whose findings come from another library plug in as one [`ExternalFormat`]:
//! Terraform/OpenTofu ([`terraform::Terraform`], evaluated per module directory by the
//! `palisade-terraform` leaf crate, plus plan JSON).
//!
//! Dependencies:
//! - `palisade-terraform`: HCL evaluation and the Terraform checks (a library, not an
//!   engine: the adapter lives here so the engine owns every `iac/` rule).
//! - `granit-parser`: the maintained YAML 1.2 event parser under serde-saphyr (already in
//!   the workspace); its events carry spans, which is what a positioned tree needs, and it
//!   reports aliases as events so expansion can be charged to a node budget.
//! - `regex`: the `matches` operator and a few Rust checks (linear time, size-limited).
//! - `tree-sitter` + `tree-sitter-bash`: `RUN` commands parsed as the shell parses them
//!   (lists, pipelines, conditionals, loops, command substitutions), with the same
//!   tree-sitter runtime the SAST engine already builds; the hand-written lexer stays as the
//!   fallback for scripts the grammar rejects.
//! - `flate2` + `tar`: vendored Helm subchart archives (`charts/*.tgz`), read in memory with
//!   bounded size; `flate2` with the pure-Rust zlib-rs backend the workspace already uses.
//! - `sha2`: Kustomize's content-hash name suffix of generated ConfigMaps and Secrets.
//!
//! Not used, on purpose: a Go-template or Kustomize library (none in Rust; the subsets real
//! charts and overlays need are in `helm.rs`, `chart.rs` and `kustomize.rs`, with positions
//! kept), and any network access: remote Kustomize bases and Helm dependencies that are not
//! vendored are reported, never fetched.

pub mod chart;
pub mod doc;
mod docker;
mod gha;
pub mod helm;
pub mod kustomize;
mod kustomize_gen;
mod kustomize_repl;
pub mod policy;
mod shell;
mod subjects;
pub mod terraform;

use std::path::Path;

use palisade_engine::finding::{Confidence, Finding, Location, RuleId, Severity, Span};
use palisade_engine::{
    Engine, EngineError, FileKind, Input, Language, LineIndex, LoadError, RuleMeta, ScanCx, Sink,
    fingerprint, snippet_around,
};

pub use policy::{Check, Format, PolicyError};

use crate::doc::{Node, Pos};
use crate::policy::{Select, Subject, Tri, World, eval, render_message};

/// The built-in policy files.
const BUILTIN: &[(&str, &str)] = &[
    (
        "policies/kubernetes.yaml",
        include_str!("../policies/kubernetes.yaml"),
    ),
    (
        "policies/github-actions.yaml",
        include_str!("../policies/github-actions.yaml"),
    ),
    (
        "policies/gitlab-ci.yaml",
        include_str!("../policies/gitlab-ci.yaml"),
    ),
    (
        "policies/dockerfile.yaml",
        include_str!("../policies/dockerfile.yaml"),
    ),
    (
        "policies/compose.yaml",
        include_str!("../policies/compose.yaml"),
    ),
    (
        "policies/cloudformation.yaml",
        include_str!("../policies/cloudformation.yaml"),
    ),
];

/// Ids of the checks implemented in Rust.
fn code_ids() -> Vec<&'static str> {
    let mut ids = gha::IDS.to_vec();
    ids.extend_from_slice(docker::IDS);
    ids
}

/// The crate's error: a policy that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Policy(PolicyError),
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: duplicate check id `{id}`")]
    Duplicate { path: String, id: String },
}

/// One finding of a check implemented in Rust, before it becomes a [`Finding`].
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: String,
    pub message: String,
    pub route: String,
    pub start: Pos,
    pub end: Pos,
    /// What identifies the problem besides the file: object, route, evidence.
    pub identity: String,
}

/// A finding produced by another library (e.g. the Terraform evaluator): one problem,
/// with one location per instance (module calls, `count`).
#[derive(Debug, Clone)]
pub struct ExternalFinding {
    pub rule: String,
    pub message: String,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Stable identity for the fingerprint (with the rule and the first location's path):
    /// object address and attribute, never a line number.
    pub evidence: String,
    /// Where it is; the first is the primary location. Never empty.
    pub locations: Vec<ExternalLocation>,
}

/// One place an [`ExternalFinding`] points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLocation {
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// Address of the object (`module.a.aws_s3_bucket.logs[0]`), shown as the route.
    pub address: String,
}

/// What an [`ExternalFormat`] found in one input: findings, and problems to report for that
/// input (`file:line: message`) while the scan goes on.
#[derive(Debug, Clone, Default)]
pub struct ExternalScan {
    pub findings: Vec<ExternalFinding>,
    pub errors: Vec<String>,
}

/// A format evaluated by another library, per file or per directory.
pub trait ExternalFormat: Send + Sync {
    /// Check metadata, with ids `iac/<kebab>`.
    fn rules(&self) -> &[RuleMeta];
    /// Whether this format reads the file, by name and kind (decides whether the engine
    /// wants the file at all).
    fn wants(&self, path: &Path, kind: &FileKind) -> bool;
    /// Whether this format takes this input, by content too (e.g. a JSON file that is a
    /// Terraform plan); the engine's own formats are skipped for it. Defaults to
    /// [`ExternalFormat::wants`].
    fn claims(&self, input: &Input<'_>) -> bool {
        self.wants(Path::new(input.path), input.kind)
    }
    /// Findings for one file. `root` is the scan root holding `input.path` (when the scan
    /// walks a directory), so a format evaluated per directory can read the file's siblings
    /// and evaluate each directory once, returning every finding once (e.g. with the input
    /// holding its primary location). Findings may point at other files; the same finding
    /// returned for several inputs is merged by its fingerprint (rule, first path, evidence).
    fn scan(&self, input: &Input<'_>, root: Option<&Path>) -> ExternalScan;
}

/// The IaC engine.
pub struct IacEngine {
    checks: Vec<Check>,
    metas: Vec<RuleMeta>,
    external: Vec<Box<dyn ExternalFormat>>,
    /// Canonical scan roots: Kustomize overlays are rendered from the files under them.
    roots: Vec<std::path::PathBuf>,
    /// Values files and `--set`s for every Helm chart scanned.
    helm: chart::HelmOptions,
}

impl IacEngine {
    /// The built-in checks only.
    pub fn new() -> Result<Self, LoadError> {
        Self::with_policy_dirs(&[])
    }

    /// The built-in checks plus every `*.yaml`/`*.yml` policy file in `dirs` (or the files
    /// themselves when a path is a file).
    pub fn with_policy_dirs(dirs: &[&Path]) -> Result<Self, LoadError> {
        let to_load = |e: Error| LoadError::Rules {
            path: match &e {
                Error::Policy(p) => p.file.clone(),
                Error::Read { path, .. } | Error::Duplicate { path, .. } => path.clone(),
            },
            message: match &e {
                Error::Policy(p) => format!("line {}: {}", p.line, p.message),
                other => other.to_string(),
            },
        };
        let ids = code_ids();
        let mut checks = Vec::new();
        for (file, text) in BUILTIN {
            checks.extend(
                policy::load_policies(file, text, &ids).map_err(|e| to_load(Error::Policy(e)))?,
            );
        }
        for d in dirs {
            let mut files = Vec::new();
            if d.is_dir() {
                let rd = std::fs::read_dir(d).map_err(|source| {
                    to_load(Error::Read {
                        path: d.display().to_string(),
                        source,
                    })
                })?;
                for e in rd.flatten() {
                    let p = e.path();
                    if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                        files.push(p);
                    }
                }
                files.sort();
            } else {
                files.push(d.to_path_buf());
            }
            for f in files {
                let shown = f.display().to_string();
                let text = std::fs::read_to_string(&f).map_err(|source| {
                    to_load(Error::Read {
                        path: shown.clone(),
                        source,
                    })
                })?;
                checks.extend(
                    policy::load_policies(&shown, &text, &[])
                        .map_err(|e| to_load(Error::Policy(e)))?,
                );
            }
        }
        let mut seen = std::collections::HashSet::new();
        for c in &checks {
            if !seen.insert(c.meta.id.clone()) {
                return Err(to_load(Error::Duplicate {
                    path: "policies".into(),
                    id: c.meta.id.clone(),
                }));
            }
        }
        let metas = checks.iter().map(|c| c.meta.clone()).collect();
        Ok(IacEngine {
            checks,
            metas,
            external: Vec::new(),
            roots: Vec::new(),
            helm: chart::HelmOptions::default(),
        })
    }

    /// Adds a format evaluated by another library.
    pub fn add_external(&mut self, f: Box<dyn ExternalFormat>) {
        self.metas.extend(f.rules().iter().cloned());
        self.external.push(f);
    }

    /// The directories being scanned: `kustomization.yaml` files under them are rendered
    /// (reading their resources and patches from disk, never outside the root).
    pub fn set_roots(&mut self, roots: &[std::path::PathBuf]) {
        self.roots = roots
            .iter()
            .filter_map(|r| r.canonicalize().ok())
            .filter(|r| r.is_dir())
            .collect();
    }

    /// Values for the Helm charts scanned (`--values FILE`, `--set KEY=VALUE`).
    pub fn set_helm_options(&mut self, opts: chart::HelmOptions) {
        self.helm = opts;
    }

    /// Whether `path` (a `Chart.yaml`) is a subchart: `<parent>/charts/<sub>/Chart.yaml`
    /// beside a parent `Chart.yaml`.
    fn is_subchart(&self, path: &str) -> bool {
        let p = Path::new(path);
        let Some(charts) = p.parent().and_then(Path::parent) else {
            return false;
        };
        if charts.file_name().is_none_or(|n| n != "charts") {
            return false;
        }
        let Some(parent) = charts.parent() else {
            return false;
        };
        self.roots
            .iter()
            .any(|r| r.join(parent).join("Chart.yaml").is_file())
    }

    /// Whether a kustomization file sits in the directory of `path` or its parent.
    fn near_kustomization(&self, path: &str) -> bool {
        let p = Path::new(path);
        let dirs = [p.parent(), p.parent().and_then(Path::parent)];
        self.roots.iter().any(|r| {
            dirs.iter()
                .flatten()
                .any(|d| kustomize::kustomization_in(&r.join(d)).is_some())
        })
    }

    /// Every check (built-in and loaded policies).
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }
}

/// What a file is, by name and content.
pub fn detect(path: &str, docs: &[Node]) -> Option<Format> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if lower.contains(".github/workflows/") && (name.ends_with(".yml") || name.ends_with(".yaml")) {
        return Some(Format::GithubActions);
    }
    if (name == "action.yml" || name == "action.yaml")
        && docs.iter().any(|d| d.get("runs").is_some())
    {
        return Some(Format::GithubActions);
    }
    if name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml" || lower.contains(".gitlab/ci/") {
        return Some(Format::GitlabCi);
    }
    let compose_name = name.starts_with("docker-compose") || name.starts_with("compose.");
    if compose_name && docs.iter().any(|d| d.get("services").is_some()) {
        return Some(Format::Compose);
    }
    if docs.iter().any(|d| {
        d.get("AWSTemplateFormatVersion").is_some()
            || d.get("Resources").and_then(Node::as_map).is_some_and(|r| {
                r.iter()
                    .any(|(_, v)| v.str_at("Type").is_some_and(|t| t.starts_with("AWS::")))
            })
    }) {
        return Some(Format::CloudFormation);
    }
    if docs
        .iter()
        .any(|d| d.get("apiVersion").is_some() && d.str_at("kind").is_some())
    {
        return Some(Format::Kubernetes);
    }
    None
}

/// Whether a file that failed to parse looks like something this engine should have read
/// (then the failure is reported; other YAML files stay quiet).
fn looks_like_iac(path: &str, text: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    lower.contains(".github/workflows/")
        || name == "action.yml"
        || name == "action.yaml"
        || name == ".gitlab-ci.yml"
        || name.starts_with("docker-compose")
        || name.starts_with("compose.")
        || text.contains("AWSTemplateFormatVersion")
        || (text.contains("apiVersion:") && text.contains("kind:"))
}

/// A Helm template (Go template text, not YAML until rendered).
fn is_helm_template(path: &str, text: &str) -> bool {
    path.contains("templates/") && text.contains("{{")
}

fn span_of(index: &LineIndex, start: Pos, end: Pos) -> Span {
    let mut s = index.span(start.byte, end.byte.max(start.byte));
    // Columns in characters, as the parser counts them.
    s.start_column = start.col;
    s
}

impl Engine for IacEngine {
    fn id(&self) -> &'static str {
        "iac"
    }

    fn rules(&self) -> &[RuleMeta] {
        &self.metas
    }

    fn wants(&self, path: &Path, kind: &FileKind) -> bool {
        kind.is_text
            && (matches!(
                kind.language,
                Language::Yaml | Language::Json | Language::Dockerfile
            ) || self.external.iter().any(|e| e.wants(path, kind)))
    }

    fn scan(&self, input: &Input<'_>, cx: &ScanCx, sink: &mut dyn Sink) -> Result<(), EngineError> {
        if input.content.len() as u64 > cx.limits.max_file_size {
            return Err(EngineError::Limit(format!(
                "{} bytes: over the size limit",
                input.content.len()
            )));
        }
        for ext in &self.external {
            if ext.claims(input) {
                let root = self
                    .roots
                    .iter()
                    .find(|r| r.join(input.path).is_file())
                    .map(std::path::PathBuf::as_path);
                let found = ext.scan(input, root);
                for f in found.findings {
                    if !self.metas.iter().any(|m| m.id == f.rule) {
                        continue;
                    }
                    let Some(first) = f.locations.first() else {
                        continue;
                    };
                    let fp = fingerprint(&[
                        f.rule.as_bytes(),
                        first.path.as_bytes(),
                        f.evidence.as_bytes(),
                    ]);
                    let locations = f
                        .locations
                        .iter()
                        .map(|l| Location::Yaml {
                            path: l.path.clone(),
                            route: l.address.clone(),
                            span: Some(Span {
                                start_line: l.line,
                                start_column: l.column,
                                end_line: l.line,
                                end_column: l.column,
                                byte_start: 0,
                                byte_end: 0,
                            }),
                        })
                        .collect();
                    sink.emit(Finding {
                        rule: RuleId::new(f.rule.clone()),
                        severity: f.severity,
                        confidence: f.confidence,
                        message: f.message,
                        locations,
                        fingerprint: fp,
                        snippet: None,
                        fix: None,
                        owners: Vec::new(),
                        trace: Vec::new(),
                    });
                }
                if found.errors.is_empty() {
                    return Ok(());
                }
                return Err(EngineError::Other(found.errors.join("; ")));
            }
        }
        let Ok(text) = std::str::from_utf8(input.content) else {
            return Ok(());
        };
        // `Dockerfile.*` names a Dockerfile variant, but not `dockerfile.yaml` and the like.
        let lower = input
            .path
            .rsplit('/')
            .next()
            .unwrap_or(input.path)
            .to_ascii_lowercase();
        let data_ext = [".yaml", ".yml", ".json", ".md", ".txt", ".toml"]
            .iter()
            .any(|e| lower.ends_with(e));
        if input.kind.language == Language::Dockerfile && data_ext {
            return Ok(());
        }
        if input.kind.language == Language::Dockerfile {
            let hits = docker::scan(text);
            self.emit_hits(input, text, Format::Dockerfile, hits, sink);
            return Ok(());
        }
        if is_helm_template(input.path, text) {
            return Ok(());
        }
        let name = input.path.rsplit('/').next().unwrap_or(input.path);
        if name == "Chart.yaml" && text.contains("apiVersion") {
            if self.is_subchart(input.path) {
                // Rendered with its parent, with the values the parent gives it.
                return Ok(());
            }
            return self.scan_helm_chart(input, cx, sink);
        }
        if matches!(
            name,
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        ) {
            return self.scan_kustomization(input, cx, sink);
        }
        let docs = match doc::parse_yaml(text) {
            Ok(d) => d,
            Err(e) if looks_like_iac(input.path, text) => {
                return Err(EngineError::Parse(format!(
                    "{}:{}: {}",
                    input.path, e.line, e.message
                )));
            }
            Err(_) => return Ok(()),
        };
        let Some(format) = detect(input.path, &docs) else {
            return Ok(());
        };
        // Kustomize patch files are fragments, checked as part of their rendering: a file
        // with a `$patch:` directive, or named `*patch*` beside (or under) a kustomization.
        if format == Format::Kubernetes
            && (text.contains("$patch:")
                || (name.to_ascii_lowercase().contains("patch")
                    && self.near_kustomization(input.path)))
        {
            return Ok(());
        }
        let mut hits = Vec::new();
        self.run_policies(format, &docs, &mut hits, cx);
        if format == Format::GithubActions {
            hits.extend(gha::scan(&docs));
        }
        self.emit_hits(input, text, format, hits, sink);
        Ok(())
    }
}

impl IacEngine {
    fn run_policies(&self, format: Format, docs: &[Node], out: &mut Vec<Hit>, cx: &ScanCx) {
        let world_sel = match format {
            Format::Kubernetes => "object",
            Format::Compose => "service",
            Format::CloudFormation => "resource",
            Format::GithubActions => "job",
            Format::GitlabCi => "job",
            Format::Dockerfile => "",
        };
        let world = World {
            objects: subjects::subjects(format, docs, world_sel),
        };
        let mut cache: std::collections::HashMap<String, Vec<Subject<'_>>> = Default::default();
        for check in self.checks.iter().filter(|c| c.format == format) {
            if cx.is_cancelled() {
                return;
            }
            let Some(fail) = &check.fail else { continue };
            let (sel, kinds) = match &check.select {
                Select::Named(n) => (n.as_str(), None),
                Select::Kinds(k) => (world_sel, Some(k)),
            };
            let subs = cache
                .entry(sel.to_string())
                .or_insert_with(|| subjects::subjects(format, docs, sel));
            for s in subs.iter() {
                if let Some(k) = kinds
                    && !k.iter().any(|k| k == &s.kind || k == "*")
                {
                    continue;
                }
                if let Some(w) = &check.when
                    && eval(w, s, &world, 0).0 != Tri::True
                {
                    continue;
                }
                let (r, witness) = eval(fail, s, &world, 0);
                if r != Tri::True {
                    continue;
                }
                let (route, start, end) = match &witness {
                    Some(w) => (w.route.clone(), w.start, w.end),
                    None => (s.route.clone(), s.node.start, s.node.start),
                };
                out.push(Hit {
                    rule: check.meta.id.clone(),
                    message: render_message(&check.message, s, witness.as_ref()),
                    identity: format!("{}|{}", s.identity, strip_doc_index(&route)),
                    route,
                    start,
                    end,
                });
            }
        }
    }

    fn emit_hits(
        &self,
        input: &Input<'_>,
        text: &str,
        format: Format,
        hits: Vec<Hit>,
        sink: &mut dyn Sink,
    ) {
        if hits.is_empty() {
            return;
        }
        let index = LineIndex::new(text.as_bytes());
        let lines: Vec<&str> = text.lines().collect();
        for h in hits {
            let Some(meta) = self.metas.iter().find(|m| m.id == h.rule) else {
                continue;
            };
            if let Some(check) = self.checks.iter().find(|c| c.meta.id == h.rule)
                && ignored_by_peer_comment(&lines, format, &h, &check.equivalents)
            {
                continue;
            }
            let span = span_of(&index, h.start, h.end);
            let snippet = snippet_around(
                text.as_bytes(),
                &index,
                h.start.byte,
                h.end.byte.max(h.start.byte),
                &[],
                1,
                200,
            );
            sink.emit(Finding {
                rule: RuleId::new(meta.id.clone()),
                severity: meta.severity,
                confidence: meta.confidence,
                message: h.message,
                locations: vec![if format == Format::Dockerfile {
                    Location::file(input.path, span)
                } else {
                    Location::Yaml {
                        path: input.path.to_string(),
                        // Kubernetes objects are addressed from their own root, as in a
                        // rendered overlay (the line tells which document).
                        route: if format == Format::Kubernetes {
                            strip_doc_index(&h.route).to_string()
                        } else {
                            h.route
                        },
                        span: Some(span),
                    }
                }],
                fingerprint: fingerprint(&[
                    meta.id.as_bytes(),
                    input.path.as_bytes(),
                    h.identity.as_bytes(),
                ]),
                snippet: Some(snippet),
                fix: None,
                owners: Vec::new(),
                trace: Vec::new(),
            });
        }
    }
}

/// Whether the suppression comment of the tool a user migrates from covers this hit:
/// `# zizmor: ignore[id]` on a line of the finding, `# hadolint ignore=DLxxxx` on the line
/// before the instruction, `# checkov:skip=CKV_...` anywhere in the file, KICS's
/// `# kics-scan disable=<uuid>` anywhere in the file or `# kics-scan ignore-line` just above.
fn ignored_by_peer_comment(
    lines: &[&str],
    format: Format,
    h: &Hit,
    equivalents: &[(String, String)],
) -> bool {
    if equivalents.is_empty() {
        return false;
    }
    let first = h.start.line.saturating_sub(1) as usize;
    let last = (h.end.line.max(h.start.line) as usize).min(first + 50);
    for (tool, id) in equivalents {
        let hit = match tool.as_str() {
            "zizmor" if format == Format::GithubActions => lines
                .get(first..last.min(lines.len()))
                .unwrap_or_default()
                .iter()
                .any(|l| comment_lists(l, "zizmor: ignore[", ']', id)),
            "hadolint" if format == Format::Dockerfile => lines[..first.min(lines.len())]
                .iter()
                .rev()
                .take_while(|l| l.trim_start().starts_with('#'))
                .any(|l| comment_lists(l, "hadolint ignore=", '\n', id)),
            "checkov" => lines.iter().any(|l| {
                l.split_once("checkov:skip=").is_some_and(|(_, rest)| {
                    rest.split([':', ' ', ',']).next() == Some(id.as_str())
                })
            }),
            // KICS: `# kics-scan disable=<query id>,...` anywhere in the file, or
            // `# kics-scan ignore-line` on the line just above the finding.
            "kics" => {
                lines
                    .iter()
                    .any(|l| comment_lists(l, "kics-scan disable=", '\n', id))
                    || first
                        .checked_sub(1)
                        .and_then(|i| lines.get(i))
                        .is_some_and(|l| {
                            l.trim_start().starts_with('#') && l.contains("kics-scan ignore-line")
                        })
            }
            _ => false,
        };
        if hit {
            return true;
        }
    }
    false
}

fn comment_lists(line: &str, marker: &str, close: char, id: &str) -> bool {
    let Some((before, rest)) = line.split_once(marker) else {
        return false;
    };
    if !before.contains('#') {
        return false;
    }
    let list = rest.split(close).next().unwrap_or("");
    list.split([',', ' ']).any(|x| x.trim() == id)
}

impl IacEngine {
    /// Renders a kustomization and checks the rendered objects. Each finding points at the
    /// file (base or patch) its node came from, with the kustomization as a second location;
    /// its fingerprint is the source object's, so the same problem rendered by several
    /// overlays, and found in the base file itself, is one finding.
    fn scan_kustomization(
        &self,
        input: &Input<'_>,
        cx: &ScanCx,
        sink: &mut dyn Sink,
    ) -> Result<(), EngineError> {
        let Some((root, file)) = self.roots.iter().find_map(|r| {
            let f = r.join(input.path);
            f.is_file().then(|| (r.clone(), f))
        }) else {
            return Ok(());
        };
        let rendered = kustomize::render(&root, &file)
            .map_err(|e| EngineError::Parse(format!("kustomize: {e}")))?;
        let docs: Vec<Node> = rendered.objects.iter().map(|o| o.node.clone()).collect();
        let mut hits = Vec::new();
        self.run_policies(Format::Kubernetes, &docs, &mut hits, cx);
        let indexes: Vec<LineIndex> = rendered
            .files
            .iter()
            .map(|(_, t)| LineIndex::new(t.as_bytes()))
            .collect();
        for h in hits {
            let Some(meta) = self.metas.iter().find(|m| m.id == h.rule) else {
                continue;
            };
            let doc = if docs.len() > 1 {
                h.route
                    .strip_prefix('[')
                    .and_then(|r| r.split(']').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0)
            } else {
                0
            };
            let Some(obj) = rendered.objects.get(doc) else {
                continue;
            };
            let fid = h.start.file as usize;
            let Some(((path, text), index)) = rendered.files.get(fid).zip(indexes.get(fid)) else {
                continue;
            };
            // Spans from line and column: nodes of inline patches carry approximate bytes.
            let line0 = h.start.line.saturating_sub(1) as usize;
            let start = index.line_start(line0) + h.start.col.saturating_sub(1) as usize;
            let start = start.min(index.line_end(line0));
            let span = span_of(
                index,
                Pos {
                    byte: start,
                    ..h.start
                },
                Pos {
                    byte: start,
                    ..h.start
                },
            );
            let snippet = snippet_around(text.as_bytes(), index, start, start, &[], 1, 200);
            let route = strip_doc_index(&h.route).to_string();
            let subject = h.identity.split('|').next().unwrap_or("");
            let rest = subject
                .splitn(3, '/')
                .nth(2)
                .map(|r| format!("/{r}"))
                .unwrap_or_default();
            let source = rendered
                .files
                .get(obj.source as usize)
                .map_or("", |(p, _)| p.as_str());
            let identity = format!("{}{rest}|{route}", obj.original);
            let rendered_as = format!(
                "{}/{}",
                obj.node.str_at("kind").unwrap_or(""),
                obj.node
                    .get("metadata")
                    .and_then(|m| m.str_at("name"))
                    .unwrap_or("")
            );
            sink.emit(Finding {
                rule: RuleId::new(meta.id.clone()),
                severity: meta.severity,
                confidence: meta.confidence,
                message: h.message,
                locations: vec![
                    Location::Yaml {
                        path: path.clone(),
                        route: route.clone(),
                        span: Some(span),
                    },
                    Location::Yaml {
                        path: input.path.to_string(),
                        route: format!("rendered as {rendered_as}"),
                        span: None,
                    },
                ],
                fingerprint: fingerprint(&[
                    meta.id.as_bytes(),
                    source.as_bytes(),
                    identity.as_bytes(),
                ]),
                snippet: Some(snippet),
                fix: None,
                owners: Vec::new(),
                trace: Vec::new(),
            });
        }
        // What this kustomization itself could not render (notes of the bases it includes
        // are reported when their own kustomization file is scanned).
        let own: Vec<&String> = rendered
            .notes
            .iter()
            .filter(|n| n.starts_with(&format!("{}:", input.path)))
            .collect();
        if own.is_empty() {
            Ok(())
        } else {
            Err(EngineError::Other(format!(
                "kustomize: {}",
                own.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )))
        }
    }
}

impl IacEngine {
    /// Renders a Helm chart with its default values and checks the rendered objects; each
    /// finding points at the template line its node came from. A chart that cannot be
    /// rendered is an error, never zero findings.
    fn scan_helm_chart(
        &self,
        input: &Input<'_>,
        cx: &ScanCx,
        sink: &mut dyn Sink,
    ) -> Result<(), EngineError> {
        let Some((root, dir)) = self.roots.iter().find_map(|r| {
            let f = r.join(input.path);
            f.is_file()
                .then(|| f.parent().map(|d| (r.clone(), d.to_path_buf())))
                .flatten()
        }) else {
            return Err(EngineError::Other(
                "Helm chart not checked: its directory is not known (scan the chart's directory)"
                    .into(),
            ));
        };
        let rel = input.path.rsplit_once('/').map_or("", |(d, _)| d);
        let rendered = helm::render_chart_within(&dir, rel, &self.helm, Some(&root))
            .map_err(|e| EngineError::Parse(format!("Helm chart not rendered: {e}")))?;
        let templates = rendered.templates;
        for t in &templates {
            let docs = doc::parse_yaml(&t.output).map_err(|e| {
                let line = t.template_line(
                    t.output
                        .lines()
                        .take(e.line.saturating_sub(1) as usize)
                        .map(|l| l.len() + 1)
                        .sum(),
                );
                EngineError::Parse(format!(
                    "Helm chart: {}:{line}: rendered output is not YAML: {}",
                    t.path, e.message
                ))
            })?;
            let mut hits = Vec::new();
            self.run_policies(Format::Kubernetes, &docs, &mut hits, cx);
            let index = LineIndex::new(t.source.as_bytes());
            for h in hits {
                let Some(meta) = self.metas.iter().find(|m| m.id == h.rule) else {
                    continue;
                };
                let line = t.template_line(h.start.byte);
                let l0 = line.saturating_sub(1) as usize;
                let start = index.line_start(l0);
                let end = index.line_end(l0);
                let first_non_space =
                    t.source[start..end].len() - t.source[start..end].trim_start().len();
                let at = start + first_non_space;
                let span = index.span(at, end.max(at));
                let snippet =
                    snippet_around(t.source.as_bytes(), &index, at, end.max(at), &[], 1, 200);
                let route = strip_doc_index(&h.route).to_string();
                sink.emit(Finding {
                    rule: RuleId::new(meta.id.clone()),
                    severity: meta.severity,
                    confidence: meta.confidence,
                    message: h.message,
                    locations: vec![Location::Yaml {
                        path: t.path.clone(),
                        route: route.clone(),
                        span: Some(span),
                    }],
                    fingerprint: fingerprint(&[
                        meta.id.as_bytes(),
                        t.path.as_bytes(),
                        h.identity.as_bytes(),
                    ]),
                    snippet: Some(snippet),
                    fix: None,
                    owners: Vec::new(),
                    trace: Vec::new(),
                });
            }
        }
        if rendered.notes.is_empty() {
            Ok(())
        } else {
            Err(EngineError::Other(format!(
                "Helm chart partly rendered: {}",
                rendered.notes.join("; ")
            )))
        }
    }
}

/// `[1].spec.x` → `spec.x`: the document index is not part of an object's identity.
fn strip_doc_index(route: &str) -> &str {
    if route.starts_with('[')
        && let Some(i) = route.find(']')
    {
        return route[i + 1..].trim_start_matches('.');
    }
    route
}
