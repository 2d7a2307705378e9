//! The findings store on the command line: `scan --store`, `triage list|set|assign|history`
//! and `import FILE.sarif`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use palisade_engine::RuleMeta;
use palisade_engine::finding::Finding;
use palisade_store::{
    Filter, Lifecycle, NewFinding, ScanMeta, ScanSummary, Severity, Sla, Store, StoredFinding,
    TriageState, time,
};

/// `--store [URL]` and what names the scan, on `palisade scan`.
#[derive(Debug, Clone, Args)]
pub struct ScanStoreArgs {
    /// Record the scan in a findings store after reporting: an SQLite file, or a
    /// postgres:// URL (no value: $PALISADE_STORE, else .palisade/findings.db in the repository).
    #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "URL")]
    pub store: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

/// The repository, branch and commit a recording belongs to (default: from git).
#[derive(Debug, Clone, Args)]
pub struct ScopeArgs {
    /// Repository name (default: the `origin` remote as host/owner/name, else the directory name).
    #[arg(long)]
    pub repo: Option<String>,
    /// Branch (default: the checked-out branch, or the CI's branch variable).
    #[arg(long)]
    pub branch: Option<String>,
    /// Commit (default: HEAD).
    #[arg(long)]
    pub commit: Option<String>,
    /// Who records this (default: $PALISADE_USER, `git config user.email`, $USER).
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct StoreArg {
    /// The findings store: an SQLite file or a postgres:// URL (default:
    /// .palisade/findings.db in the current repository, else the user data directory).
    #[arg(long, env = "PALISADE_STORE", value_name = "URL")]
    pub store: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// List stored findings, worst and oldest first.
    List(ListArgs),
    /// Record a decision: open, confirmed, false-positive, accepted-risk (with --expires), fixed.
    Set(SetArgs),
    /// Assign a finding to someone.
    Assign(AssignArgs),
    /// Every change to a finding: when it was seen, fixed, reopened, triaged, assigned, by whom.
    History(HistoryArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Only this repository.
    #[arg(long)]
    pub repo: Option<String>,
    /// Only this branch.
    #[arg(long)]
    pub branch: Option<String>,
    /// Only findings this code owner owns or that are assigned to them.
    #[arg(long)]
    pub owner: Option<String>,
    /// Triage states, comma-separated: open, confirmed, false-positive, accepted-risk, fixed.
    #[arg(long, value_delimiter = ',')]
    pub state: Vec<String>,
    /// Lifecycle from the scans, comma-separated: new, open, fixed, reopened (default: all but fixed).
    #[arg(long, value_delimiter = ',')]
    pub lifecycle: Vec<String>,
    /// Severities, comma-separated: critical, high, medium, low, info.
    #[arg(long, value_delimiter = ',')]
    pub severity: Vec<String>,
    /// Engines (palisade's) or tools (imported), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub engine: Vec<String>,
    /// Rule ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub rule: Vec<String>,
    /// Only open or confirmed findings past their SLA (`[triage.sla]` in palisade.toml).
    #[arg(long)]
    pub overdue: bool,
    /// Show at most this many (0: all).
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: ListFormat,
    /// The configuration file for `[triage.sla]` (default: palisade.toml found upward).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct SetArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Fingerprints, or unique prefixes of them (at least 4 characters).
    #[arg(required = true, num_args = 1..)]
    pub fingerprints: Vec<String>,
    /// The new triage state.
    #[arg(long, value_parser = ["open", "confirmed", "false-positive", "accepted-risk", "fixed"])]
    pub state: String,
    /// Why (recorded in the audit log).
    #[arg(long)]
    pub reason: String,
    /// With accepted-risk: the date (YYYY-MM-DD, UTC) when the acceptance ends and the finding reopens.
    #[arg(long)]
    pub expires: Option<String>,
    /// The repository, when a fingerprint is stored for several.
    #[arg(long)]
    pub repo: Option<String>,
    /// Who decides (default: $PALISADE_USER, `git config user.email`, $USER).
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct AssignArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// A fingerprint or a unique prefix of it.
    pub fingerprint: String,
    /// Who is to deal with it (a name, e-mail or @team).
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub repo: Option<String>,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// A fingerprint or a unique prefix of it.
    pub fingerprint: String,
    #[arg(long)]
    pub repo: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The SARIF 2.1.0 file (from palisade, Semgrep, CodeQL, Trivy, Checkov, gitleaks, zizmor …).
    pub file: PathBuf,
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Refuse files larger than this.
    #[arg(long, default_value = "256MiB")]
    pub max_size: String,
    /// Store every result, even where palisade reported the same finding.
    #[arg(long)]
    pub no_dedup: bool,
}

/// "Now": `PALISADE_NOW` (a date or seconds; for tests and replays), else the clock.
pub(crate) fn now() -> Result<i64> {
    if let Ok(v) = std::env::var("PALISADE_NOW")
        && !v.is_empty()
    {
        return time::parse_time(&v).with_context(|| {
            format!("PALISADE_NOW=`{v}` is not a date (YYYY-MM-DD[THH:MM:SSZ]) or seconds")
        });
    }
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    Ok(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Who acts: `--by`, `$PALISADE_USER`, `git config user.email`, `$USER`.
pub(crate) fn actor(by: Option<&str>) -> String {
    if let Some(b) = by.filter(|b| !b.trim().is_empty()) {
        return b.trim().to_owned();
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let Some(u) = env("PALISADE_USER") {
        return u;
    }
    if let Ok(out) = std::process::Command::new("git")
        .args(["config", "user.email"])
        .stderr(std::process::Stdio::null())
        .output()
        && out.status.success()
    {
        let email = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !email.is_empty() {
            return email;
        }
    }
    env("USER")
        .or_else(|| env("USERNAME"))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn user_data_store() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library").join("Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local").join("share")))
    }?;
    Some(base.join("palisade").join("findings.db"))
}

/// The store URL: given, else `.palisade/findings.db` at the root of the repository
/// containing `near`, else the user data directory.
pub(crate) fn resolve_store(given: Option<&str>, near: &Path) -> Result<String> {
    if let Some(g) = given.filter(|g| !g.is_empty()) {
        return Ok(g.to_owned());
    }
    if let Ok(env) = std::env::var("PALISADE_STORE")
        && !env.is_empty()
    {
        return Ok(env);
    }
    let path = match palisade_git::head_info(near) {
        Some(h) => {
            let dir = h.root.join(".palisade");
            if !dir.exists() {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                // The store is local state, never part of the repository's content.
                let _ = std::fs::write(dir.join(".gitignore"), "*\n");
            }
            dir.join("findings.db")
        }
        None => user_data_store().context(
            "no repository here and no user data directory known; pass --store FILE|URL or set PALISADE_STORE",
        )?,
    };
    Ok(path.to_string_lossy().into_owned())
}

fn open(url: &str) -> Result<Store> {
    Store::open(url).with_context(|| {
        format!(
            "cannot open the findings store {}",
            palisade_store::describe_url(url)
        )
    })
}

/// Repository, branch and commit: flags, else git, else CI variables.
pub(crate) fn scope_of(args: &ScopeArgs, near: &Path) -> Result<(String, String, Option<String>)> {
    let head = palisade_git::head_info(near);
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let repo = args
        .repo
        .clone()
        .or_else(|| head.as_ref().map(|h| h.name.clone()))
        .context("not in a git repository: pass --repo NAME (and --branch)")?;
    let branch = args
        .branch
        .clone()
        .or_else(|| head.as_ref().and_then(|h| h.branch.clone()))
        .or_else(|| env("GITHUB_HEAD_REF"))
        .or_else(|| env("GITHUB_REF_NAME"))
        .or_else(|| env("CI_COMMIT_REF_NAME"))
        .or_else(|| env("BUILDKITE_BRANCH"))
        .or_else(|| env("BRANCH_NAME"))
        .context("HEAD is detached and no CI branch variable is set: pass --branch NAME")?;
    let commit = args
        .commit
        .clone()
        .or_else(|| head.as_ref().and_then(|h| h.commit.clone()));
    Ok((repo, branch, commit))
}

fn print_summary(store: &str, meta: &ScanMeta, s: &ScanSummary) {
    let mut err = std::io::stderr().lock();
    let dedup = if s.deduplicated > 0 {
        format!(", {} already reported by palisade", s.deduplicated)
    } else {
        String::new()
    };
    let _ = writeln!(
        err,
        "recorded {} scan #{} of {} ({}) in {}: {} new, {} still open, {} reopened, {} fixed{}",
        meta.tool,
        s.scan_id,
        meta.repo,
        meta.branch,
        palisade_store::describe_url(store),
        s.new,
        s.open,
        s.reopened,
        s.fixed,
        dedup
    );
}

/// `palisade scan --store`: records the findings just reported.
/// With `trend`, also returns the open findings the last scans of this repository and
/// branch left, by severity, one point a day (the last scan of each), for the HTML report.
pub fn record_scan(
    args: &ScanStoreArgs,
    root: &Path,
    findings: &[Finding],
    rules: &[&RuleMeta],
    trend: bool,
) -> Result<Vec<palisade_report::TrendPoint>> {
    record_scan_as(args, root, findings, rules, trend, "palisade")
}

/// [`record_scan`] under another tool name: `palisade-git` for `secrets --git`, whose
/// findings (the history) have a lifecycle of their own, apart from the work tree's.
pub fn record_scan_as(
    args: &ScanStoreArgs,
    root: &Path,
    findings: &[Finding],
    rules: &[&RuleMeta],
    trend: bool,
    tool: &str,
) -> Result<Vec<palisade_report::TrendPoint>> {
    let Some(given) = &args.store else {
        return Ok(Vec::new());
    };
    let url = resolve_store(Some(given), root)?;
    let (repo, branch, commit) = scope_of(&args.scope, root)?;
    let meta = ScanMeta {
        repo,
        branch,
        commit,
        tool: tool.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        time: now()?,
        by: actor(args.scope.by.as_deref()),
        source: None,
    };
    let cwe: HashMap<&str, &[u32]> = rules
        .iter()
        .map(|r| (r.id.as_str(), r.cwe.as_slice()))
        .collect();
    let new: Vec<NewFinding> = findings
        .iter()
        .map(|f| NewFinding::from_finding(f, cwe.get(f.rule.as_str()).copied().unwrap_or(&[])))
        .collect();
    let mut store = open(&url)?;
    let summary = store
        .record_scan(&meta, &new, false)
        .with_context(|| format!("cannot record the scan in {}", store.describe()))?;
    print_summary(&url, &meta, &summary);
    if !trend {
        return Ok(Vec::new());
    }
    let scans = store
        .trend(&meta.repo, &meta.branch, TREND_SCANS)
        .with_context(|| format!("cannot read the trend from {}", store.describe()))?;
    Ok(trend_points(&scans))
}

/// How many of the last scans the HTML report's trend reads.
const TREND_SCANS: usize = 1000;

/// One point a day, the last scan of each day, oldest first.
fn trend_points(scans: &[palisade_store::TrendScan]) -> Vec<palisade_report::TrendPoint> {
    let mut out: Vec<palisade_report::TrendPoint> = Vec::new();
    for s in scans {
        let date = palisade_store::time::format_date(s.time);
        match out.last_mut() {
            Some(last) if last.date == date => last.counts = s.counts,
            _ => out.push(palisade_report::TrendPoint {
                date,
                counts: s.counts,
            }),
        }
    }
    out
}

/// `palisade import FILE`.
pub fn import(args: &ImportArgs) -> Result<ExitCode> {
    let file = &args.file;
    let limit = palisade_input::parse_size(&args.max_size).with_context(|| {
        format!(
            "--max-size `{}` is not a size; write e.g. 256MiB",
            args.max_size
        )
    })?;
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > limit {
        bail!(
            "{}: {} is over the import limit of {}; nothing was imported (raise --max-size if the file is trusted)",
            file.display(),
            palisade_input::human_size(size),
            palisade_input::human_size(limit)
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let runs = palisade_store::sarif::parse(&bytes, &file.display().to_string())
        .context("nothing was imported")?;
    let here = std::env::current_dir().context("no current directory")?;
    let (repo, branch, commit) = scope_of(&args.scope, &here)?;
    let by = actor(args.scope.by.as_deref());
    let time = now()?;
    let owners = palisade_git::head_info(&here).and_then(|h| {
        let (path, platform) = palisade_codeowners::discover(&h.root)?;
        palisade_codeowners::CodeOwners::load(&path, &path.display().to_string(), platform).ok()
    });
    let mut scans = Vec::new();
    for run in runs {
        let mut findings = run.findings;
        if let Some(co) = &owners {
            for f in &mut findings {
                f.owners = co
                    .owners_of(&f.path)
                    .owners
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
            }
        }
        scans.push((
            ScanMeta {
                repo: repo.clone(),
                branch: branch.clone(),
                commit: commit.clone(),
                tool: run.tool,
                tool_version: run.tool_version,
                time,
                by: by.clone(),
                source: Some(file.display().to_string()),
            },
            findings,
        ));
    }
    let url = resolve_store(args.store.store.as_deref(), &here)?;
    let mut store = open(&url)?;
    let summaries = store
        .record_scans(&scans, !args.no_dedup)
        .with_context(|| format!("cannot import {}; nothing was imported", file.display()))?;
    for ((meta, _), s) in scans.iter().zip(&summaries) {
        print_summary(&url, meta, s);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(command: &TriageCommand) -> Result<ExitCode> {
    match command {
        TriageCommand::List(a) => list(a),
        TriageCommand::Set(a) => set(a),
        TriageCommand::Assign(a) => assign(a),
        TriageCommand::History(a) => history(a),
    }
}

fn store_here(arg: &StoreArg) -> Result<(String, Store)> {
    let here = std::env::current_dir().context("no current directory")?;
    let url = resolve_store(arg.store.as_deref(), &here)?;
    let store = open(&url)?;
    Ok((url, store))
}

fn parse_all<T>(
    items: &[String],
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
    known: &str,
) -> Result<Vec<T>> {
    items
        .iter()
        .map(|s| parse(s.trim()).with_context(|| format!("--{what} `{s}` is not one of {known}")))
        .collect()
}

pub(crate) fn sla_from_config(path: Option<&Path>) -> Result<Sla> {
    let here = std::env::current_dir().context("no current directory")?;
    let file = match path {
        Some(p) => Some(p.to_path_buf()),
        None => palisade_config::Config::discover(&here),
    };
    let mut sla = Sla::default();
    if let Some(f) = file {
        let cfg = palisade_config::Config::load(&f)
            .context("fix the configuration file, or pass --config")?;
        let c = &cfg.triage.sla;
        let pick = |v: Option<u32>, d: Option<u32>| match v {
            Some(0) => None,
            Some(n) => Some(n),
            None => d,
        };
        sla = Sla {
            critical: pick(c.critical, sla.critical),
            high: pick(c.high, sla.high),
            medium: pick(c.medium, sla.medium),
            low: pick(c.low, sla.low),
            info: pick(c.info, sla.info),
        };
    }
    Ok(sla)
}

fn list(a: &ListArgs) -> Result<ExitCode> {
    let sla = sla_from_config(a.config.as_deref())?;
    let filter = Filter {
        repo: a.repo.clone(),
        branch: a.branch.clone(),
        owner: a.owner.clone(),
        states: parse_all(
            &a.state,
            "state",
            TriageState::parse,
            "open, confirmed, false-positive, accepted-risk, fixed",
        )?,
        lifecycles: parse_all(
            &a.lifecycle,
            "lifecycle",
            Lifecycle::parse,
            "new, open, fixed, reopened",
        )?,
        severities: parse_all(
            &a.severity,
            "severity",
            |s| s.parse::<Severity>().ok(),
            "critical, high, medium, low, info",
        )?,
        engines: a.engine.clone(),
        rules: a.rule.clone(),
        overdue: a.overdue.then_some(sla),
        limit: a.limit,
        ..Filter::default()
    };
    let now = now()?;
    let (_, mut store) = store_here(&a.store)?;
    store
        .expire_risks(now)
        .context("cannot reopen expired risk acceptances")?;
    let (rows, total) = store.list(&filter, now)?;
    let mut out = std::io::stdout().lock();
    match a.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> =
                rows.iter().map(|f| finding_json(f, &sla, now)).collect();
            let doc = serde_json::json!({
                "version": 1,
                "total": total,
                "shown": rows.len(),
                "findings": list,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            write_list(&mut out, &rows, total, &sla, now)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn due_json(f: &StoredFinding, sla: &Sla) -> serde_json::Value {
    match sla.due(f.severity, f.first_seen) {
        Some(d) => serde_json::json!(time::format_date(d)),
        None => serde_json::Value::Null,
    }
}

fn finding_json(f: &StoredFinding, sla: &Sla, now: i64) -> serde_json::Value {
    let overdue = is_open(f) && sla.due(f.severity, f.first_seen).is_some_and(|d| d < now);
    serde_json::json!({
        "fingerprint": f.fingerprint,
        "repo": f.repo,
        "branch": f.branch,
        "tool": f.tool,
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "message": f.message,
        "path": f.path,
        "line": f.line,
        "owners": f.owners,
        "also_found_by": f.also_found_by,
        "lifecycle": f.lifecycle.as_str(),
        "state": f.state.as_str(),
        "reason": f.reason,
        "expires": f.expires.map(time::format_date),
        "assignee": f.assignee,
        "first_seen": time::format_time(f.first_seen),
        "last_seen": time::format_time(f.last_seen),
        "fixed_at": f.fixed_at.map(time::format_time),
        "due": due_json(f, sla),
        "overdue": overdue,
    })
}

fn is_open(f: &StoredFinding) -> bool {
    f.lifecycle != Lifecycle::Fixed && matches!(f.state, TriageState::Open | TriageState::Confirmed)
}

/// `12d left`, `overdue 3d`, or `-`.
fn sla_cell(f: &StoredFinding, sla: &Sla, now: i64) -> String {
    match sla.due(f.severity, f.first_seen) {
        Some(due) if is_open(f) => {
            let days = (due - now).div_euclid(86_400);
            if due < now {
                format!("overdue {}d", (now - due).div_euclid(86_400).max(1))
            } else {
                format!("{days}d left")
            }
        }
        _ => "-".into(),
    }
}

fn write_list(
    out: &mut dyn Write,
    rows: &[StoredFinding],
    total: u64,
    sla: &Sla,
    now: i64,
) -> Result<()> {
    let table: Vec<[String; 8]> = rows
        .iter()
        .map(|f| {
            let state = match (f.state, f.expires) {
                (TriageState::AcceptedRisk, Some(e)) => {
                    format!("accepted-risk→{}", time::format_date(e))
                }
                (s, _) => s.as_str().to_owned(),
            };
            let who = f.assignee.clone().unwrap_or_else(|| {
                if f.owners.is_empty() {
                    "-".into()
                } else {
                    f.owners.join(" ")
                }
            });
            let location = if f.line > 0 {
                format!("{}:{}", f.path, f.line)
            } else {
                f.path.clone()
            };
            [
                f.fingerprint.chars().take(12).collect(),
                f.severity.as_str().to_owned(),
                state,
                f.lifecycle.as_str().to_owned(),
                sla_cell(f, sla, now),
                who,
                format!("{}@{}", f.repo, f.branch),
                format!("{}  {location}", f.rule),
            ]
        })
        .collect();
    let header = [
        "FINGERPRINT",
        "SEVERITY",
        "STATE",
        "LIFECYCLE",
        "SLA",
        "OWNER",
        "REPOSITORY",
        "RULE  LOCATION",
    ];
    let mut widths = header.map(str::len);
    for r in &table {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[&str]| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                let pad = widths[i] - c.chars().count();
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        s
    };
    if !table.is_empty() {
        writeln!(out, "{}", line(&header))?;
        for (r, f) in table.iter().zip(rows) {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            writeln!(out, "{}", line(&cells))?;
            writeln!(out, "    {}", f.message)?;
        }
    }
    if (rows.len() as u64) < total {
        writeln!(
            out,
            "{} of {total} finding(s) shown; --limit 0 shows all",
            rows.len()
        )?;
    } else {
        writeln!(out, "{total} finding(s)")?;
    }
    Ok(())
}

fn set(a: &SetArgs) -> Result<ExitCode> {
    let state = TriageState::parse(&a.state).context("unknown state")?;
    let now = now()?;
    let expires = a
        .expires
        .as_deref()
        .map(|e| {
            time::parse_time(e)
                .with_context(|| format!("--expires `{e}` is not a date; write YYYY-MM-DD"))
        })
        .transpose()?;
    let (_, mut store) = store_here(&a.store)?;
    let mut targets = Vec::new();
    for fp in &a.fingerprints {
        targets.push(store.resolve(fp, a.repo.as_deref())?);
    }
    targets.sort();
    targets.dedup();
    let by = actor(a.by.as_deref());
    store.set_state(&targets, state, &a.reason, expires, &by, now)?;
    let mut err = std::io::stderr().lock();
    for t in &targets {
        writeln!(err, "{} ({}): {}", t.fingerprint, t.repo, state.as_str())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn assign(a: &AssignArgs) -> Result<ExitCode> {
    let now = now()?;
    let (_, mut store) = store_here(&a.store)?;
    let t = store.resolve(&a.fingerprint, a.repo.as_deref())?;
    store.assign(&t, &a.to, &actor(a.by.as_deref()), now)?;
    writeln!(
        std::io::stderr().lock(),
        "{} ({}): assigned to {}",
        t.fingerprint,
        t.repo,
        a.to
    )?;
    Ok(ExitCode::SUCCESS)
}

fn history(a: &HistoryArgs) -> Result<ExitCode> {
    let (_, mut store) = store_here(&a.store)?;
    let t = store.resolve(&a.fingerprint, a.repo.as_deref())?;
    let rows = store.get(&t)?;
    let entries = store.history(&t)?;
    let mut out = std::io::stdout().lock();
    if a.format == ListFormat::Json {
        let list: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "at": time::format_time(e.at), "by": e.actor, "branch": e.branch,
                    "action": e.action, "from": e.old_value, "to": e.new_value,
                    "reason": e.reason, "scan": e.scan_id,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "version": 1, "fingerprint": t.fingerprint, "repo": t.repo, "history": list,
        });
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(f) = rows.first() {
        writeln!(out, "{} in {}", t.fingerprint, t.repo)?;
        writeln!(out, "  {} {}  {}:{}", f.severity, f.rule, f.path, f.line)?;
        writeln!(out, "  {}", f.message)?;
        for r in &rows {
            writeln!(
                out,
                "  {}: lifecycle {}, state {} (first seen {}, last seen {})",
                r.branch,
                r.lifecycle.as_str(),
                r.state.as_str(),
                time::format_date(r.first_seen),
                time::format_date(r.last_seen)
            )?;
        }
        writeln!(out)?;
    }
    for e in &entries {
        let what = match (
            e.action.as_str(),
            e.old_value.as_deref(),
            e.new_value.as_deref(),
        ) {
            ("lifecycle", _, Some("new")) => "first seen".to_owned(),
            ("lifecycle", _, Some(to)) => to.to_owned(),
            ("assign", None, Some(to)) => format!("assigned to {to}"),
            ("assign", Some(from), Some(to)) => format!("reassigned from {from} to {to}"),
            (action, Some(from), Some(to)) => format!("{action} {from} → {to}"),
            (action, None, Some(to)) => format!("{action} → {to}"),
            (action, _, None) => action.to_owned(),
        };
        let mut line = format!("{}  {}  {what}", time::format_time(e.at), e.actor);
        if let Some(b) = &e.branch {
            line.push_str(&format!(" on {b}"));
        }
        if let Some(s) = e.scan_id {
            line.push_str(&format!(" (scan #{s})"));
        }
        if let Some(r) = &e.reason {
            line.push_str(&format!(": {r}"));
        }
        writeln!(out, "{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}
