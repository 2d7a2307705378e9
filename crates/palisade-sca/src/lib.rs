//! palisade's dependency engine (SCA): every package a lockfile pins, matched against the
//! offline OSV advisory database of `palisade-osv`.
//!
//! - [`ScaEngine::wants`] the files `palisade_lockfile::detect` recognises by name.
//! - [`ScaEngine::scan`] parses the file (`palisade_lockfile::parse`); a file that cannot
//!   be read as its format is an [`EngineError`] naming the file and line, and the scan goes
//!   on. Every pinned package is matched (`palisade_osv::Db::match_package`) and each
//!   vulnerability (advisories merged by alias) becomes one `deps/vulnerable-dependency`
//!   finding: severity from the CVSS vector (v4.0 when present, else v3; unknown → medium), the lockfile line and the package
//!   URL as locations, the smallest fixing version as the fix.
//! - What could not be audited is never silently clean: packages of an ecosystem the
//!   database has no advisory for, and packages without a pinned version, are counted in
//!   [`AuditStats`] (shared with the caller through [`ScaEngine::stats`]), as are the
//!   lockfile's non-fatal diagnostics. The engine itself never prints.
//!
//! # The example database
//!
//! A rule's examples must run in the registry test without the real advisory database.
//! [`ScaEngine::with_examples`] builds the engine over one built-in, hand-written OSV record
//! (`src/examples.json`: RUSTSEC-2016-0001, openssl < 0.9.0) held in memory and matched with
//! the same `palisade_osv::match_advisories` the store uses; it is for examples and tests
//! only and is never used to scan a tree.

mod hygiene;

pub use hygiene::{
    DEPENDENCY_CONFUSION, HygienePolicy, INSTALL_SCRIPT, LICENSE_POLICY, TYPOSQUATTING, UNPINNED,
};
pub use palisade_hygiene::LicensePolicy;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use palisade_engine::finding::{
    Confidence, Finding, Fix, Location, RuleId, Severity as FindingSeverity, Span,
};
use palisade_engine::{
    Engine, EngineError, Example, FileKind, Input, LoadError, RuleMeta, ScanCx, Sink, fingerprint,
};
use palisade_lockfile::Package;
use palisade_osv::cvss::Rating;
use palisade_osv::{Advisory, Db, PackageMatch, PackageRef, Vulnerability};

/// The one rule of this engine.
pub const RULE_ID: &str = "deps/vulnerable-dependency";

const EXAMPLES_JSON: &str = include_str!("examples.json");

/// What a scan could not audit, for the caller's summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AuditSummary {
    /// Packages matched against the database.
    pub audited: usize,
    /// Packages not audited because the database has no advisory for their ecosystem,
    /// by ecosystem.
    pub no_data: BTreeMap<String, usize>,
    /// Packages without a pinned version (not matched).
    pub unpinned: usize,
    /// Non-fatal lockfile diagnostics (`file:line: message`).
    pub diagnostics: Vec<String>,
}

/// Counters shared between the engine (which fills them from many threads) and its caller.
#[derive(Debug, Default)]
pub struct AuditStats {
    inner: Mutex<AuditSummary>,
}

impl AuditStats {
    /// A copy of the counts so far.
    pub fn summary(&self) -> AuditSummary {
        match self.inner.lock() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn update(&self, f: impl FnOnce(&mut AuditSummary)) {
        match self.inner.lock() {
            Ok(mut g) => f(&mut g),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

enum Source {
    Db(Db),
    Examples(Vec<Advisory>),
}

impl Source {
    fn match_package(&self, pkg: &PackageRef<'_>) -> Result<PackageMatch, String> {
        match self {
            Source::Db(db) => db.match_package(pkg).map_err(|e| e.to_string()),
            Source::Examples(advisories) => {
                let has_eco = advisories.iter().any(|a| {
                    a.affected.iter().any(|af| {
                        af.package
                            .as_ref()
                            .is_some_and(|p| p.ecosystem == pkg.ecosystem)
                    })
                });
                if !has_eco {
                    return Ok(PackageMatch::no_data());
                }
                Ok(palisade_osv::match_advisories(advisories, pkg))
            }
        }
    }
}

/// The dependency engine.
pub struct ScaEngine {
    source: Source,
    rules: Vec<RuleMeta>,
    stats: Arc<AuditStats>,
    hygiene: HygienePolicy,
    forced: Option<palisade_lockfile::Format>,
}

impl std::fmt::Debug for ScaEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScaEngine").finish_non_exhaustive()
    }
}

/// The message of the `Skip` returned when there is no database.
pub fn no_database_message(path: Option<&Path>) -> String {
    match path {
        Some(p) => format!(
            "no advisory database at {}: run `palisade db import …`",
            p.display()
        ),
        None => "no advisory database: run `palisade db import …`".to_owned(),
    }
}

impl ScaEngine {
    /// The engine over the store at `path`.
    ///
    /// # Errors
    ///
    /// [`LoadError::Skip`] when there is no database file (or no path at all), so a scan
    /// of every engine still runs; [`LoadError::Rules`] when the file is not a store.
    pub fn open(path: Option<&Path>) -> Result<ScaEngine, LoadError> {
        let Some(p) = path.filter(|p| p.exists()) else {
            return Err(LoadError::Skip(no_database_message(path)));
        };
        let db = Db::open(p).map_err(|e| LoadError::Rules {
            path: p.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(ScaEngine::from_source(Source::Db(db)))
    }

    /// The engine over an already opened store.
    pub fn with_db(db: Db) -> ScaEngine {
        ScaEngine::from_source(Source::Db(db))
    }

    /// The engine over the built-in example records (see the crate documentation): for
    /// rule examples and tests, never for a real scan.
    ///
    /// # Errors
    ///
    /// [`LoadError::Rules`] if the built-in records do not parse (a build defect).
    pub fn with_examples() -> Result<ScaEngine, LoadError> {
        let advisories: Vec<Advisory> =
            serde_json::from_str(EXAMPLES_JSON).map_err(|e| LoadError::Rules {
                path: "palisade-sca/src/examples.json".to_owned(),
                message: e.to_string(),
            })?;
        let mut engine = ScaEngine::from_source(Source::Examples(advisories));
        engine.hygiene = HygienePolicy::examples();
        Ok(engine)
    }

    /// The engine reading every file it is given as `format` (`palisade deps --type`).
    #[must_use]
    pub fn with_forced_format(mut self, format: Option<palisade_lockfile::Format>) -> ScaEngine {
        self.forced = format;
        self
    }

    /// The engine with `[deps]`'s hygiene settings (internal prefixes, typosquat allow
    /// list, license policy).
    #[must_use]
    pub fn with_hygiene(mut self, policy: HygienePolicy) -> ScaEngine {
        self.hygiene = policy;
        self
    }

    fn from_source(source: Source) -> ScaEngine {
        ScaEngine {
            source,
            rules: rules(),
            stats: Arc::new(AuditStats::default()),
            hygiene: HygienePolicy::default(),
            forced: None,
        }
    }

    /// What the store holds (sources, counts, dates); `None` over the example records.
    pub fn db_status(&self) -> Option<palisade_osv::Status> {
        match &self.source {
            Source::Db(db) => Some(db.status()),
            Source::Examples(_) => None,
        }
    }

    /// The counters of what could and could not be audited, shared with the engine.
    pub fn stats(&self) -> Arc<AuditStats> {
        Arc::clone(&self.stats)
    }
}

/// The engine's rules (also available without a database, for `rules list` and `explain`).
pub fn rules() -> Vec<RuleMeta> {
    let lock = |version: &str| Example::File {
        path: "Cargo.lock".to_owned(),
        text: format!(
            "version = 4\n\n[[package]]\nname = \"openssl\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ),
    };
    let mut out = vec![RuleMeta {
        id: RULE_ID.to_owned(),
        name: "Dependency with a known vulnerability".to_owned(),
        severity: FindingSeverity::High,
        confidence: Confidence::High,
        cwe: vec![1395],
        owasp: vec!["A06:2021".to_owned()],
        description: "A package pinned by a lockfile is in the affected range of a published \
advisory (OSV: RustSec, GitHub, PyPI, Go and others; aliases of one vulnerability are merged \
into one finding).\n\nWhy it matters: the vulnerable code ships with the application whether \
or not the project calls it directly, and published advisories are what attackers scan for.\n\n\
How to fix: upgrade the package to the fixed version named in the finding (for a transitive \
dependency, upgrade the direct dependency that pulls it in, or pin/override it), regenerate the \
lockfile, and re-run `palisade deps`. The severity comes from the advisory's CVSS vector (v4.0 when present, else v3.x) \
(medium when it has none). Packages of ecosystems the local database has no data for are \
reported as not audited, never as clean: refresh it with `palisade db import`."
            .to_owned(),
        references: vec![
            "https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/".to_owned(),
            "https://cwe.mitre.org/data/definitions/1395.html".to_owned(),
            "https://osv.dev/".to_owned(),
        ],
        examples: vec![lock("0.8.0")],
        negative_examples: vec![lock("0.9.0")],
    }];
    out.extend(hygiene::rules());
    out
}

fn severity_of(v: &Vulnerability) -> FindingSeverity {
    match v.severity.as_ref().map(|s| s.rating) {
        None => FindingSeverity::Medium,
        Some(Rating::Critical) => FindingSeverity::Critical,
        Some(Rating::High) => FindingSeverity::High,
        Some(Rating::Medium) => FindingSeverity::Medium,
        Some(Rating::Low) => FindingSeverity::Low,
        Some(Rating::None) => FindingSeverity::Info,
    }
}

/// `openssl 0.8.0 has RUSTSEC-2016-0001 (CVE-2016-10931): summary; upgrade to 0.9.0`.
fn message(pkg: &Package, version: &str, v: &Vulnerability) -> String {
    let primary = v
        .advisories
        .first()
        .or_else(|| v.ids.first())
        .map_or("an advisory", String::as_str);
    let others: Vec<&str> = v
        .ids
        .iter()
        .map(String::as_str)
        .filter(|id| *id != primary)
        .collect();
    let mut m = format!("{} {version} has {primary}", pkg.name);
    if !others.is_empty() {
        m.push_str(&format!(" ({})", others.join(", ")));
    }
    if let Some(summary) = v
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let line = summary.lines().next().unwrap_or(summary);
        m.push_str(": ");
        m.push_str(line);
    }
    match &v.fixed_in {
        Some(fix) => m.push_str(&format!("; upgrade to {fix}")),
        None => m.push_str("; no fixed version is known"),
    }
    m
}

/// The package name as its registry compares names: PyPI names are case-insensitive
/// and treat runs of `-`, `_` and `.` alike (PEP 503), so `Django` and `django` are one
/// package and one finding.
fn identity_name(ecosystem: &str, name: &str) -> String {
    if ecosystem == "PyPI" {
        palisade_lockfile::normalize_pypi_name(name)
    } else {
        name.to_owned()
    }
}

fn finding(pkg: &Package, version: &str, v: &Vulnerability) -> Finding {
    let mut ids = v.ids.clone();
    ids.sort();
    let ids = ids.join(",");
    // No path and no line: a lockfile renamed, moved or reformatted keeps the identity
    // of its findings. The same vulnerable package in two lockfiles is one finding with
    // a location in each (as one secret in two files is), fixed when both are.
    let name = identity_name(&pkg.ecosystem, &pkg.name);
    let fp = fingerprint(&[
        RULE_ID.as_bytes(),
        pkg.ecosystem.as_bytes(),
        name.as_bytes(),
        version.as_bytes(),
        ids.as_bytes(),
    ]);
    let span = pkg.line.map(|l| Span {
        start_line: l,
        start_column: 1,
        end_line: l,
        end_column: 1,
        byte_start: 0,
        byte_end: 0,
    });
    Finding {
        rule: RuleId::new(RULE_ID),
        severity: severity_of(v),
        confidence: Confidence::High,
        message: message(pkg, version, v),
        locations: vec![
            Location::File {
                path: pkg.file.clone(),
                span,
                git: None,
            },
            Location::Package {
                purl: pkg.purl.clone(),
                path: Some(pkg.file.clone()),
            },
        ],
        fingerprint: fp,
        snippet: None,
        fix: v.fixed_in.as_ref().map(|f| Fix {
            description: format!("upgrade {} to {f}", pkg.name),
            replacement: None,
        }),
        owners: Vec::new(),
        trace: Vec::new(),
    }
}

/// A file whose name says nothing but whose content may be an SBOM (`inventory.json`,
/// `export.xml`, `sbom.txt`).
fn sbom_candidate(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".json", ".xml", ".txt"].iter().any(|e| lower.ends_with(e))
}

fn is_sbom(f: palisade_lockfile::Format) -> bool {
    use palisade_lockfile::Format;
    matches!(
        f,
        Format::CycloneDxJson | Format::SpdxJson | Format::CycloneDxXml | Format::SpdxTagValue
    )
}

/// Most sibling files (includes, parent POMs) read for one scanned file.
const MAX_SIBLING_READS: usize = 64;

/// Reads the sibling files one lockfile includes, under the scan root: only plain relative
/// paths, no component a symlink, regular files no larger than the file size limit, at
/// most [`MAX_SIBLING_READS`] of them and 4 × the size limit in all.
struct SiblingBudget {
    max_file: u64,
    reads: std::cell::Cell<usize>,
    bytes: std::cell::Cell<u64>,
}

impl SiblingBudget {
    fn new(max_file: u64) -> SiblingBudget {
        SiblingBudget {
            max_file,
            reads: std::cell::Cell::new(0),
            bytes: std::cell::Cell::new(0),
        }
    }

    fn read(&self, root: &Path, rel: &Path) -> Option<Vec<u8>> {
        use std::io::Read;
        if self.reads.get() >= MAX_SIBLING_READS {
            return None;
        }
        self.reads.set(self.reads.get() + 1);
        let mut path = root.to_path_buf();
        let mut any = false;
        for c in rel.components() {
            match c {
                std::path::Component::Normal(part) => path.push(part),
                std::path::Component::CurDir => continue,
                _ => return None,
            }
            any = true;
            if std::fs::symlink_metadata(&path)
                .ok()?
                .file_type()
                .is_symlink()
            {
                return None;
            }
        }
        let meta = std::fs::symlink_metadata(&path).ok()?;
        let left = self
            .max_file
            .saturating_mul(4)
            .saturating_sub(self.bytes.get());
        if !any || !meta.is_file() || meta.len() > self.max_file || meta.len() > left {
            return None;
        }
        let mut out = Vec::new();
        std::fs::File::open(&path)
            .ok()?
            .take(self.max_file.min(left))
            .read_to_end(&mut out)
            .ok()?;
        self.bytes.set(self.bytes.get() + out.len() as u64);
        Some(out)
    }
}

/// The deepest directories searched upward for `.npmrc` and `pip.conf`.
const MAX_CONFIG_DEPTH: usize = 16;

/// The registry configuration nearest to `path` (its directory, then each parent up to the
/// scan root): the first `.npmrc` when `npm`, the first `pip.conf`/`pip.ini` when `pip`.
fn registry_pins(
    root: &Path,
    path: &str,
    max_file: u64,
    npm: bool,
    pip: bool,
) -> hygiene::RegistryPins {
    let budget = SiblingBudget::new(max_file.min(1024 * 1024));
    let mut pins = hygiene::RegistryPins::default();
    let (mut want_npm, mut want_pip) = (npm, pip);
    let mut dir = Path::new(path).parent();
    let mut depth = 0;
    while let Some(d) = dir {
        if !(want_npm || want_pip) || depth > MAX_CONFIG_DEPTH {
            break;
        }
        if want_npm && let Some(bytes) = budget.read(root, &d.join(".npmrc")) {
            pins.npmrc = palisade_hygiene::parse_npmrc(&String::from_utf8_lossy(&bytes));
            want_npm = false;
        }
        if want_pip {
            for name in ["pip.conf", "pip.ini"] {
                if let Some(bytes) = budget.read(root, &d.join(name)) {
                    pins.pip_index =
                        palisade_hygiene::pip_conf_pins(&String::from_utf8_lossy(&bytes));
                    want_pip = false;
                    break;
                }
            }
        }
        dir = d.parent();
        depth += 1;
    }
    pins
}

impl Engine for ScaEngine {
    fn id(&self) -> &'static str {
        "deps"
    }

    fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    fn wants(&self, path: &Path, kind: &FileKind) -> bool {
        let p: PathBuf = path.into();
        let p = p.to_string_lossy();
        if self.forced.is_some() {
            return true;
        }
        // A binary file reaches this engine only after `wants_binary` accepted it; JSON,
        // XML and text files may be SBOMs whatever their name (recognised by content).
        palisade_lockfile::detect(&p, b"").is_some()
            || hygiene::is_package_json(&p)
            || !kind.is_text
            || sbom_candidate(&p)
    }

    /// The RPM package databases (Berkeley DB `Packages`, `rpmdb.sqlite`) are binary:
    /// known by their place in a root file system or by their magic bytes.
    fn wants_binary(&self, path: &Path, head: &[u8]) -> bool {
        if self.forced.is_some() {
            return true;
        }
        let p = path.to_string_lossy();
        matches!(
            palisade_lockfile::detect(&p, head),
            Some(palisade_lockfile::Format::RpmBdb | palisade_lockfile::Format::RpmSqlite)
        )
    }

    fn scan(&self, input: &Input<'_>, cx: &ScanCx, sink: &mut dyn Sink) -> Result<(), EngineError> {
        let by_name = self
            .forced
            .or_else(|| palisade_lockfile::detect(input.path, b""));
        let format = match by_name {
            Some(f) => Some(f),
            None => palisade_lockfile::detect(input.path, input.content).filter(|f| {
                // A file wanted only as a possible SBOM counts only as an SBOM.
                !sbom_candidate(input.path) || is_sbom(*f) || !input.kind.is_text
            }),
        };
        let Some(format) = format else {
            if hygiene::is_package_json(input.path) {
                let pins = match &cx.files_root {
                    Some(root) if !input.path.contains("node_modules/") => {
                        registry_pins(root, input.path, cx.limits.max_file_size, true, false)
                    }
                    _ => hygiene::RegistryPins::default(),
                };
                hygiene::check_package_json(
                    &self.hygiene,
                    &self.rules,
                    &pins,
                    input.path,
                    input.content,
                    &mut |f| sink.emit(f),
                );
            }
            return Ok(());
        };
        let inventory = match &cx.files_root {
            Some(root) => {
                let budget = SiblingBudget::new(cx.limits.max_file_size);
                let loader = |rel: &Path| budget.read(root, rel);
                palisade_lockfile::parse_with_loader(format, input.path, input.content, &loader)
            }
            None => palisade_lockfile::parse(format, input.path, input.content),
        }
        .map_err(|e| EngineError::Parse(e.to_string()))?;
        let pins = match &cx.files_root {
            Some(root) => {
                let has = |eco: &str| inventory.packages.iter().any(|p| p.ecosystem == eco);
                registry_pins(
                    root,
                    input.path,
                    cx.limits.max_file_size,
                    has("npm"),
                    has("PyPI"),
                )
            }
            None => hygiene::RegistryPins::default(),
        };
        hygiene::check_inventory(
            &self.hygiene,
            &self.rules,
            &pins,
            format,
            input.path,
            input.content,
            &inventory,
            &mut |f| sink.emit(f),
        );
        let mut audited = 0;
        let mut unpinned = 0;
        let mut no_data: BTreeMap<String, usize> = BTreeMap::new();
        for pkg in &inventory.packages {
            if cx.is_cancelled() {
                break;
            }
            let Some(version) = pkg.version.as_deref() else {
                unpinned += 1;
                continue;
            };
            let m = self
                .source
                .match_package(&PackageRef {
                    ecosystem: &pkg.ecosystem,
                    name: &pkg.name,
                    version,
                })
                .map_err(EngineError::Other)?;
            if m.no_data_for_ecosystem {
                *no_data.entry(pkg.ecosystem.clone()).or_insert(0) += 1;
                continue;
            }
            audited += 1;
            for v in &m.vulnerabilities {
                sink.emit(finding(pkg, version, v));
            }
        }
        let diagnostics: Vec<String> = inventory
            .diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect();
        self.stats.update(|s| {
            s.audited += audited;
            s.unpinned += unpinned;
            for (eco, n) in no_data {
                *s.no_data.entry(eco).or_insert(0) += n;
            }
            s.diagnostics.extend(diagnostics);
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
