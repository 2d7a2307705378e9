//! What each command does.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use palisade_config::Config;
use palisade_engine::finding::{Finding, Severity};
use palisade_engine::{Limits, RuleMeta, ScanCx};
use palisade_input::WalkOptions;
use palisade_report::{Format, Report, Summary, TextOptions};
use palisade_scan::baseline::Baseline;
use palisade_scan::{Progress, ScanOutcome, Scanner};

use crate::cli::{
    BaselineCommand, Cli, Command, DbCommand, FailOn, GroupBy, OutputArgs, OutputFormat,
    RulesCommand, ScanArgs, SecretsArgs,
};
use crate::registry;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let output = match &cli.command {
        Command::Scan(a)
        | Command::Baseline {
            command: BaselineCommand::Create { scan: a, .. },
        } => Some(&a.output),
        Command::Secrets(a) => Some(&a.scan.output),
        Command::Deps(a) => Some(&a.scan.output),
        Command::Iac(a) => Some(&a.output),
        Command::Sast(a) => Some(&a.scan.output),
        Command::Dast(a) => Some(&a.output),
        _ => None,
    };
    if let Some(out) = output
        && out.group_by.is_some()
        && !matches!(
            out.format,
            OutputFormat::Text | OutputFormat::Markdown | OutputFormat::Html
        )
    {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "error: --group-by owner is for text, markdown and html output; json and sarif carry each finding's owners already"
        );
        return Ok(ExitCode::from(2));
    }
    let offline = cli.offline;
    match cli.command {
        Command::Scan(args) => scan_command(&args, None),
        Command::Secrets(args) if args.git => git_command(&args),
        Command::Secrets(args) => scan_command(&args.scan, Some(&["secrets"])),
        Command::Deps(args) => crate::vex::deps_command(&args),
        Command::Iac(args) => scan_command(&args, Some(&["iac"])),
        Command::Sbom(args) => crate::sbom::sbom_command(&args),
        Command::Dast(args) => crate::dast::dast_command(&args, offline),
        Command::Sast(args) => crate::sast::sast_command(args),
        Command::Db { command } => match command {
            DbCommand::Import { paths, db } => crate::db::import(&paths, &db),
            DbCommand::Update {
                ecosystems,
                base_url,
                db,
            } => crate::db::update(&ecosystems, &base_url, &db, offline),
            DbCommand::Status { db } => crate::db::status(&db),
        },
        Command::Rules { command } => match command {
            RulesCommand::List { engine, format } => rules_list(engine.as_deref(), &format),
        },
        Command::Explain { rule } => explain(&rule),
        Command::Owners(args) => crate::owners::owners_command(&args),
        Command::Posture(args) => crate::posture::posture_command(&args),
        Command::Verify(args) => crate::verify::verify_command(&args),
        Command::ThreatModel(args) => crate::threat::threat_model_command(&args),
        Command::Asvs { command } => crate::threat::asvs_command(&command),
        Command::Baseline { command } => match command {
            BaselineCommand::Create {
                scan,
                baseline_file,
            } => baseline_create(&scan, &baseline_file),
        },
        Command::Triage { command } => crate::triage::run(&command),
        Command::Import(args) => crate::triage::import(&args),
        Command::Advisory { command } => crate::advisory::run(&command),
        Command::Securitytxt { command } => crate::securitytxt::run(&command),
        Command::Serve(args) => crate::serve::run(args),
    }
}

/// Configuration for a scan of `path`: `--config`, else palisade.toml found upward.
fn load_config(args: &ScanArgs) -> Result<Config> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => args.paths.first().and_then(|p| Config::discover(p)),
    };
    match path {
        Some(p) => Config::load(&p)
            .with_context(|| "fix the configuration file, or run with --no-config".to_string()),
        None => Ok(Config::default()),
    }
}

/// A scan, ready to run.
pub(crate) struct Prepared {
    pub(crate) scanner: Scanner<'static>,
    deps_stats: Option<Arc<palisade_sca::AuditStats>>,
    walk: WalkOptions,
    baseline: Option<Baseline>,
}

pub(crate) fn prepare(args: &ScanArgs, force_engines: Option<&[&str]>) -> Result<Prepared> {
    let config = load_config(args)?;
    let selected: Vec<String> = match force_engines {
        Some(e) => e.iter().map(|s| (*s).to_string()).collect(),
        None if !args.engines.is_empty() => args.engines.clone(),
        None => config.scan.engines.clone().unwrap_or_default(),
    };
    let mut rule_files: Vec<PathBuf> = args.rules.clone();
    rule_files.extend(config.secrets.rules.iter().map(|p| config.resolve(p)));
    let db_path = crate::db::resolve(&args.db);
    let iac = crate::iac::options(args, &config);
    let built = registry::build_with(
        &selected,
        &rule_files,
        &iac,
        &crate::deps_hygiene::policy(&config),
        registry::AdvisoryDb::Path(db_path.as_deref()),
    )?;
    for (engine, why) in &built.skipped {
        if force_engines.is_some_and(|f| f.contains(engine)) {
            bail!("the {engine} engine cannot run: {why}");
        }
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "warning: {engine} engine skipped: {why}");
    }
    if let Some(status) = &built.deps_db
        && let Some(warning) = crate::db::staleness_warning(status, config.deps.max_db_age_secs())
    {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "warning: {warning}");
    }
    let engines = built.engines;

    let mut limits = Limits::default();
    if let Some(max) = args
        .walk
        .max_file_size_bytes(config.scan.max_file_size.as_ref())?
    {
        limits.max_file_size = max;
    }
    let (first, rest) = args
        .paths
        .split_first()
        .map_or((Path::new("."), &[][..]), |(f, r)| (f.as_path(), r));
    let mut walk = WalkOptions::new(first);
    walk.extra_roots = rest.to_vec();
    walk.jobs = args.jobs.unwrap_or(0);
    walk.max_file_size = limits.max_file_size;
    walk.exclude = config_excludes_for_root(&config, first);
    walk.exclude.extend(args.walk.exclude.iter().cloned());
    walk.respect_ignore_files = !args.walk.no_ignore;

    // Sibling files (requirements includes, parent POMs) are read under the one scan
    // root: the directory itself, or for a file given by a relative path, the current
    // directory its display path is relative to.
    let files_root = match (rest.is_empty(), first.is_dir()) {
        (true, true) => Some(first.to_path_buf()),
        (true, false) if first.is_relative() => Some(PathBuf::from(".")),
        _ => None,
    };
    let baseline = args
        .baseline
        .as_deref()
        .map(Baseline::load)
        .transpose()
        .context("pass a file written by `palisade baseline create`")?;
    Ok(Prepared {
        deps_stats: built.deps_stats,
        scanner: Scanner {
            engines,
            config,
            cx: {
                let mut cx = ScanCx::new(limits);
                cx.files_root = files_root;
                cx
            },
        },
        walk,
        baseline,
    })
}

impl Prepared {
    /// Every rule of the engines this scan runs.
    pub(crate) fn rules(&self) -> Vec<&RuleMeta> {
        self.scanner
            .engines
            .iter()
            .flat_map(|e| e.rules())
            .collect()
    }

    fn apply_baseline(&self, outcome: &mut ScanOutcome) {
        if let Some(b) = &self.baseline {
            outcome.stats.baselined = b.filter(&mut outcome.findings);
        }
    }
}

/// `[scan] exclude` patterns are written relative to the directory of palisade.toml; the
/// walker matches relative to the scan root. When the root is a subdirectory of the
/// config's directory, anchored patterns are re-based onto it (and dropped when they
/// point elsewhere); unanchored ones (`*.min.js`, `vendor/`, `**/x`) match at any depth
/// and are kept as they are.
fn config_excludes_for_root(config: &Config, root: &Path) -> Vec<String> {
    let prefix = config
        .source
        .as_deref()
        .and_then(Path::parent)
        .and_then(|dir| {
            let dir = dir.canonicalize().ok()?;
            let root = root.canonicalize().ok()?;
            let root = if root.is_file() {
                root.parent()?.to_path_buf()
            } else {
                root
            };
            let rel = root.strip_prefix(dir).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .unwrap_or_default();
    config
        .scan
        .exclude
        .iter()
        .filter_map(|p| rebase_exclude(p, &prefix))
        .collect()
}

fn rebase_exclude(pattern: &str, prefix: &str) -> Option<String> {
    let body = pattern.trim_start_matches('/');
    let anchored = pattern.starts_with('/') || body.trim_end_matches('/').contains('/');
    if prefix.is_empty() || !anchored || body.starts_with("**/") {
        return Some(pattern.to_string());
    }
    let rest = body.strip_prefix(prefix)?.strip_prefix('/')?;
    Some(if rest.is_empty() {
        "**".to_string()
    } else {
        rest.to_string()
    })
}

/// A progress bar only for a person watching a terminal: not in CI, not when the
/// report is piped somewhere, not with --no-progress.
fn show_progress(out: &OutputArgs) -> bool {
    !out.no_progress
        && std::io::stderr().is_terminal()
        && (out.output.is_some() || std::io::stdout().is_terminal())
        && std::env::var_os("CI").is_none()
}

/// Runs `work` under a spinner that shows `progress` (when stderr is a terminal).
fn with_progress<T>(
    out: &OutputArgs,
    progress: &Arc<Progress>,
    what: &'static str,
    work: impl FnOnce() -> T,
) -> T {
    let bar = show_progress(out).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let ticker = bar.clone().map(|bar| {
        let progress = Arc::clone(progress);
        std::thread::spawn(move || {
            while !bar.is_finished() {
                let files = progress.files.load(Ordering::Relaxed);
                let bytes = progress.bytes.load(Ordering::Relaxed);
                bar.set_message(format!(
                    "{what}: {files} files, {}",
                    palisade_input::human_size(bytes)
                ));
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    });
    let result = work();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(t) = ticker {
        let _ = t.join();
    }
    result
}

pub(crate) fn run_scan(p: &Prepared, out: &OutputArgs) -> Result<ScanOutcome> {
    for root in std::iter::once(&p.walk.root).chain(&p.walk.extra_roots) {
        if !root.exists() {
            bail!("{}: no such file or directory", root.display());
        }
    }
    let progress = Arc::new(Progress::default());
    let result = with_progress(out, &progress, "scanning", || {
        p.scanner.scan_tree(&p.walk, &progress)
    });
    let mut outcome = result.with_context(|| format!("cannot scan {}", p.walk.root.display()))?;
    p.apply_baseline(&mut outcome);
    Ok(outcome)
}

/// `palisade secrets --git`: the history instead of the tree, reported the same way.
fn run_git_scan(p: &Prepared, since: Option<&str>, out: &OutputArgs) -> Result<ScanOutcome> {
    let root = &p.walk.root;
    if !p.walk.extra_roots.is_empty() {
        bail!("--git scans one repository; give a single PATH");
    }
    if !root.exists() {
        bail!("{}: no such file or directory", root.display());
    }
    let options = palisade_git::Options {
        since: since.map(str::to_owned),
        max_blob_size: p.walk.max_file_size,
        threads: p.walk.jobs,
    };
    let excludes = palisade_input::Excludes::new(root, &p.walk.exclude)?;
    let progress = Arc::new(Progress::default());
    let (mut outcome, stats) = with_progress(out, &progress, "scanning history", || {
        crate::git::scan_history(&p.scanner, root, &options, &excludes, &progress)
    })?;
    if out.verbose {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "git history of {}: {} commit(s), {} tree(s), {} unique blob(s) read ({}), {} over the size limit; walk {:.1}s, read and scan {:.1}s",
            root.display(),
            stats.commits,
            stats.trees,
            stats.blobs,
            palisade_input::human_size(stats.bytes),
            stats.skipped,
            stats.walk_time.as_secs_f64(),
            stats.read_time.as_secs_f64()
        );
    }
    // History paths are relative to the repository root: owners from its CODEOWNERS
    // (today's file, as it routes today's work).
    if root.join(".git").exists() {
        palisade_scan::owners::assign_owners(root, &mut outcome.findings, &mut outcome.diagnostics);
        outcome.diagnostics.sort();
    }
    p.apply_baseline(&mut outcome);
    Ok(outcome)
}

fn scan_command(args: &ScanArgs, force_engines: Option<&[&str]>) -> Result<ExitCode> {
    scan_command_with(args, force_engines, |_, _| Ok(()))
}

/// `palisade deps`: the deps engine alone, `adjust` applied to the outcome before the
/// report (container image contents, VEX statements), with the scanner at hand.
pub(crate) fn deps_scan(
    args: &ScanArgs,
    adjust: impl FnOnce(&palisade_scan::Scanner<'static>, &mut ScanOutcome) -> Result<()>,
) -> Result<ExitCode> {
    scan_command_with(args, Some(&["deps"]), adjust)
}

fn scan_command_with(
    args: &ScanArgs,
    force_engines: Option<&[&str]>,
    adjust: impl FnOnce(&palisade_scan::Scanner<'static>, &mut ScanOutcome) -> Result<()>,
) -> Result<ExitCode> {
    let prepared = prepare(args, force_engines)?;
    let mut outcome = run_scan(&prepared, &args.output)?;
    adjust(&prepared.scanner, &mut outcome)?;
    crate::diff::apply(
        &prepared.scanner,
        &prepared.walk,
        &crate::diff::DiffOptions {
            baseline_ref: args.baseline_ref.as_deref(),
            changed_only: args.changed_only,
            verbose: args.output.verbose,
        },
        &mut outcome,
    )?;
    let rules = prepared.rules();
    // An HTML report charts the store's trend, this scan included: record first.
    let trend_first = args.store.store.is_some() && args.output.format.to_report() == Format::Html;
    let root = &prepared.walk.root;
    let trend = if trend_first {
        crate::triage::record_scan(&args.store, root, &outcome.findings, &rules, true)?
    } else {
        Vec::new()
    };
    let code = finish_with(&prepared, &outcome, &args.output, trend)?;
    if let Some(stats) = &prepared.deps_stats {
        crate::db::print_audit_summary(&stats.summary());
    }
    if !trend_first {
        crate::triage::record_scan(&args.store, root, &outcome.findings, &rules, false)?;
    }
    crate::serve::upload_scan(&args.upload, &args.store.scope, root, || {
        json_bytes(&prepared, &outcome, &args.output)
    })?;
    Ok(code)
}

fn git_command(args: &SecretsArgs) -> Result<ExitCode> {
    if args.scan.baseline_ref.is_some() || args.scan.changed_only {
        bail!(
            "--baseline-ref and --changed-only compare the work tree with a revision; with --git use --since REV"
        );
    }
    if args.scan.store.store.is_some() && args.since.is_some() {
        bail!(
            "--store records what the whole history holds; with --since the findings of older commits would be marked fixed: drop --since or --store"
        );
    }
    let prepared = prepare(&args.scan, Some(&["secrets"]))?;
    let outcome = run_git_scan(&prepared, args.since.as_deref(), &args.scan.output)?;
    let code = finish(&prepared, &outcome, &args.scan.output)?;
    let rules = prepared.rules();
    crate::triage::record_scan_as(
        &args.scan.store,
        &prepared.walk.root,
        &outcome.findings,
        &rules,
        false,
        "palisade-git",
    )?;
    Ok(code)
}

/// Writes the report of a finished scan and says how to exit.
pub(crate) fn finish(
    prepared: &Prepared,
    outcome: &ScanOutcome,
    out: &OutputArgs,
) -> Result<ExitCode> {
    finish_with(prepared, outcome, out, Vec::new())
}

/// The scan's palisade JSON v1 report, for `--upload` (written through a temporary file
/// by the same renderer as `--format json --output`).
fn json_bytes(prepared: &Prepared, outcome: &ScanOutcome, out: &OutputArgs) -> Result<Vec<u8>> {
    let rules = prepared.rules();
    let not_audited = prepared
        .deps_stats
        .as_ref()
        .map(|s| crate::db::not_audited(&s.summary()))
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = std::env::temp_dir().join(format!(
        "palisade-upload-{}-{nanos}.json",
        std::process::id()
    ));
    let mut json_out = out.clone();
    json_out.output = Some(path.clone());
    let written = write_report(
        outcome,
        &rules,
        &not_audited,
        Format::Json,
        &json_out,
        Vec::new(),
    );
    let bytes = written.and_then(|()| {
        std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
    });
    let _ = std::fs::remove_file(&path);
    bytes
}

/// [`finish`], with the findings store's trend for an HTML report.
fn finish_with(
    prepared: &Prepared,
    outcome: &ScanOutcome,
    out: &OutputArgs,
    trend: Vec<palisade_report::TrendPoint>,
) -> Result<ExitCode> {
    let rules = prepared.rules();
    let not_audited = prepared
        .deps_stats
        .as_ref()
        .map(|s| crate::db::not_audited(&s.summary()))
        .unwrap_or_default();
    write_report(
        outcome,
        &rules,
        &not_audited,
        out.format.to_report(),
        out,
        trend,
    )?;
    Ok(exit_code(outcome, out.fail_on))
}

pub(crate) fn write_report(
    outcome: &ScanOutcome,
    rules: &[&RuleMeta],
    not_audited: &[palisade_report::NotAudited],
    format: Format,
    out: &OutputArgs,
    trend: Vec<palisade_report::TrendPoint>,
) -> Result<()> {
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &outcome.findings,
        diagnostics: &outcome.diagnostics,
        rules: rules
            .iter()
            .map(|r| (r.id.as_str(), *r))
            .collect::<BTreeMap<_, _>>(),
        summary: Summary {
            files_scanned: outcome.stats.files_scanned,
            bytes_scanned: outcome.stats.bytes_scanned,
            files_skipped: outcome.stats.files_skipped,
            errors: outcome.stats.errors,
            suppressed: outcome.stats.suppressed,
            baselined: outcome.stats.baselined,
        },
        not_audited,
    };
    let group_by_owner = out.group_by == Some(GroupBy::Owner);
    let mut options = palisade_report::RenderOptions::default();
    options.html.trend = trend;
    if group_by_owner {
        options.html.group = Some("owner".into());
    }
    let color_ok = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    match &out.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut w = BufWriter::new(file);
            let warnings = report.render_with(
                format,
                TextOptions {
                    color: false,
                    verbose: out.verbose,
                    group_by_owner,
                },
                &options,
                &mut w,
            )?;
            print_warnings(&warnings);
            w.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            // Diagnostics still reach the terminal when the report goes to a file.
            if format != Format::Text {
                print_diagnostics(outcome, out.verbose);
            }
        }
        None => {
            let stdout = std::io::stdout();
            let color = color_ok && stdout.is_terminal();
            let mut w = BufWriter::new(stdout.lock());
            let warnings = report.render_with(
                format,
                TextOptions {
                    color,
                    verbose: out.verbose,
                    group_by_owner,
                },
                &options,
                &mut w,
            )?;
            print_warnings(&warnings);
            w.flush().context("cannot write to standard output")?;
            if format != Format::Text {
                print_diagnostics(outcome, out.verbose);
            }
        }
    }
    Ok(())
}

/// What a format left out to respect a limit (GitHub's SARIF or comment sizes).
fn print_warnings(warnings: &[String]) {
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(err, "warning: {w}");
    }
}

/// For machine formats, diagnostics also go to stderr so a person sees them.
fn print_diagnostics(outcome: &ScanOutcome, verbose: bool) {
    let mut err = std::io::stderr().lock();
    for d in &outcome.diagnostics {
        if verbose || d.level != palisade_engine::finding::DiagnosticLevel::Skip {
            let _ = writeln!(err, "{d}");
        }
    }
}

pub(crate) fn exit_code(outcome: &ScanOutcome, fail_on: FailOn) -> ExitCode {
    let threshold = match fail_on {
        FailOn::Never => None,
        FailOn::Any | FailOn::Info => Some(Severity::Info),
        FailOn::Low => Some(Severity::Low),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::High => Some(Severity::High),
        FailOn::Critical => Some(Severity::Critical),
    };
    let failing =
        threshold.is_some_and(|t| outcome.findings.iter().any(|f: &Finding| f.severity >= t));
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn rules_list(engine: Option<&str>, format: &str) -> Result<ExitCode> {
    let rules = registry::all_rules()?;
    if let Some(e) = engine
        && !registry::ENGINES.contains(&e)
    {
        bail!(
            "unknown engine `{e}` (known: {})",
            registry::ENGINES.join(", ")
        );
    }
    let rules: Vec<&RuleMeta> = rules
        .iter()
        .filter(|r| engine.is_none_or(|e| r.id.split('/').next() == Some(e)))
        .collect();
    let mut out = std::io::stdout().lock();
    match format {
        "json" => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "name": r.name, "severity": r.severity,
                        "confidence": r.confidence, "cwe": r.cwe, "owasp": r.owasp,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
        "text" => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in &rules {
                writeln!(
                    out,
                    "{:<width$}  {:<8}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.name
                )?;
            }
            writeln!(out, "{} rule(s)", rules.len())?;
        }
        other => bail!("unknown format `{other}` for rules list (use text or json)"),
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(id: &str) -> Result<ExitCode> {
    let rules = registry::all_rules()?;
    let Some(r) = rules.iter().find(|r| r.id == id) else {
        let close = similar_ids(id, &rules);
        let hint = if close.is_empty() {
            "run `palisade rules list` to see every rule".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        bail!("no rule `{id}`; {hint}");
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} — {}", r.id, r.name)?;
    writeln!(out, "severity {}, confidence {}", r.severity, r.confidence)?;
    let cwe: Vec<String> = r.cwe.iter().map(|c| format!("CWE-{c}")).collect();
    writeln!(out, "{}  OWASP {}", cwe.join(", "), r.owasp.join(", "))?;
    writeln!(out)?;
    writeln!(out, "{}", r.description.trim())?;
    if let Some(ex) = r.examples.first() {
        writeln!(out, "\nExample (fires):\n{}", indent(ex.text()))?;
    }
    if let Some(ex) = r.negative_examples.first() {
        writeln!(out, "\nDoes not fire:\n{}", indent(ex.text()))?;
    }
    if !r.references.is_empty() {
        writeln!(out, "\nReferences:")?;
        for reference in &r.references {
            writeln!(out, "  - {reference}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Rule ids sharing the most kebab parts with `id`, best first.
fn similar_ids<'a>(id: &str, rules: &'a [RuleMeta]) -> Vec<&'a str> {
    let name = id.rsplit('/').next().unwrap_or(id).to_ascii_lowercase();
    let parts: Vec<&str> = name.split(['-', '_']).filter(|p| p.len() >= 3).collect();
    let mut scored: Vec<(usize, &str)> = rules
        .iter()
        .map(|r| {
            (
                parts.iter().filter(|p| r.id.contains(*p)).count(),
                r.id.as_str(),
            )
        })
        .filter(|(n, _)| *n > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(5).map(|(_, id)| id).collect()
}

fn indent(s: &str) -> String {
    s.trim_end()
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn baseline_create(args: &ScanArgs, path: &Path) -> Result<ExitCode> {
    let prepared = prepare(args, None)?;
    let outcome = run_scan(&prepared, &args.output)?;
    let baseline = Baseline::from_findings(&outcome.findings);
    baseline.save(path)?;
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "wrote {} finding(s) to {}; use it with --baseline {}",
        baseline.findings.len(),
        path.display(),
        path.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::rebase_exclude;

    #[test]
    fn config_excludes_follow_the_config_directory() {
        // Scan root = the config's directory: unchanged.
        assert_eq!(
            rebase_exclude("tests/fixtures/**", "").as_deref(),
            Some("tests/fixtures/**")
        );
        // Scan root = `crates/x` below it.
        assert_eq!(
            rebase_exclude("crates/x/tests/**", "crates/x").as_deref(),
            Some("tests/**")
        );
        assert_eq!(
            rebase_exclude("/crates/x/tests/**", "crates/x").as_deref(),
            Some("tests/**")
        );
        assert_eq!(rebase_exclude("crates/y/tests/**", "crates/x"), None);
        assert_eq!(
            rebase_exclude("crates/x/", "crates/x").as_deref(),
            Some("**")
        );
        // Unanchored patterns match at any depth.
        assert_eq!(
            rebase_exclude("*.min.js", "crates/x").as_deref(),
            Some("*.min.js")
        );
        assert_eq!(
            rebase_exclude("vendor/", "crates/x").as_deref(),
            Some("vendor/")
        );
        assert_eq!(
            rebase_exclude("**/gen/*.py", "crates/x").as_deref(),
            Some("**/gen/*.py")
        );
    }
}
