//! `palisade advisory …`: reported vulnerabilities from intake to disclosure, and
//! `palisade securitytxt …`. The work is in `palisade-advisory` and
//! `palisade-securitytxt`; this module reads flags and prompts, and prints.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use palisade_advisory::{
    Advisories, Policy, Report, State, dedup, export, intake, scoring, text::terminal,
};
use palisade_store::time::{format_date, format_time, parse_time};

use crate::triage::{StoreArg, actor, now, resolve_store};

#[derive(Debug, Subcommand)]
pub enum AdvisoryCommand {
    /// Record a report from flags (prompts for what is missing when stdin is a terminal).
    New(Box<NewArgs>),
    /// Record reports from files: Markdown with YAML front matter, JSON, or e-mail (.eml).
    Import(ImportArgs),
    /// List reports with their score, state and next deadline.
    List(ListArgs),
    /// A report in full: score and what drives it, deadlines, possible duplicates, history.
    Show(ShowArgs),
    /// Change a report: state, duplicate link, score, fix, versions (every change is logged).
    Set(Box<SetArgs>),
    /// Score a CVSS v3.x or v4.0 vector and explain it; optionally decide SSVC.
    Cvss(CvssArgs),
    /// Deadlines coming up or missed (closes needs-more-info reports that waited too long).
    Due(DueArgs),
    /// Export a report: OSV JSON, CSAF 2.0 (VEX) or a GitHub security advisory draft.
    Export(ExportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    pub store: StoreArg,
    /// The configuration file for `[advisory]` (default: palisade.toml found upward).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct Fields {
    /// The affected component (module, package, service).
    #[arg(long)]
    pub component: Option<String>,
    /// CWE ids (CWE-79 or 79), repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub cwe: Vec<String>,
    /// The endpoint or file path the issue is in.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// A CVSS v3.1 or v4.0 vector.
    #[arg(long)]
    pub cvss: Option<String>,
    /// SSVC decision points, e.g. E:active/A:yes/T:total/M:high.
    #[arg(long)]
    pub ssvc: Option<String>,
    /// Package ecosystem for OSV (npm, PyPI, crates.io, Go, Maven, …).
    #[arg(long)]
    pub ecosystem: Option<String>,
    /// Package name (default: the component, else the project).
    #[arg(long)]
    pub package: Option<String>,
    /// First affected version.
    #[arg(long)]
    pub introduced: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long)]
    pub title: Option<String>,
    /// Who reported it.
    #[arg(long)]
    pub reporter: Option<String>,
    /// How to reach the reporter (e-mail, handle).
    #[arg(long)]
    pub contact: Option<String>,
    /// The affected project.
    #[arg(long)]
    pub project: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    /// Read the description from a file.
    #[arg(long, conflicts_with = "description")]
    pub description_file: Option<PathBuf>,
    /// Proof of concept / steps to reproduce.
    #[arg(long)]
    pub poc: Option<String>,
    /// Read the proof of concept from a file.
    #[arg(long, conflicts_with = "poc")]
    pub poc_file: Option<PathBuf>,
    /// When it was received (YYYY-MM-DD; default now).
    #[arg(long)]
    pub received: Option<String>,
    /// Exploited in the wild (the short deadline applies).
    #[arg(long)]
    pub exploited: bool,
    #[command(flatten)]
    pub fields: Fields,
    /// Who records it (default: $PALISADE_USER, `git config user.email`, $USER).
    #[arg(long)]
    pub by: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub common: Common,
    /// Report files (.md, .json, .eml).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The project when a file does not name one.
    #[arg(long)]
    pub project: Option<String>,
    /// Largest file read, in bytes.
    #[arg(long, default_value_t = intake::DEFAULT_MAX_IMPORT)]
    pub max_size: u64,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub common: Common,
    /// Only these states, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub state: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub common: Common,
    /// The report key (ADV-2026-0001).
    pub key: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the file the report was imported from (byte for byte) to this path.
    #[arg(long)]
    pub save_source: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    #[command(flatten)]
    pub common: Common,
    pub key: String,
    /// new, needs-more-info, triaged, duplicate, not-applicable, informative, resolved, disclosed.
    #[arg(long)]
    pub state: Option<String>,
    /// The report this one duplicates (sets the state to duplicate).
    #[arg(long)]
    pub duplicate_of: Option<String>,
    /// Exploited in the wild: true or false.
    #[arg(long)]
    pub exploited: Option<bool>,
    #[command(flatten)]
    pub fields: Fields,
    /// Versions that fix it (repeatable; replaces the list).
    #[arg(long = "fixed-version")]
    pub fixed_versions: Vec<String>,
    /// Commits that fix it, as URLs (repeatable; replaces the list).
    #[arg(long = "fix-commit")]
    pub fix_commits: Vec<String>,
    /// CVE or GHSA ids (repeatable; added).
    #[arg(long = "alias")]
    pub aliases: Vec<String>,
    /// Reference URLs (repeatable; added).
    #[arg(long = "reference")]
    pub references: Vec<String>,
    /// Why (recorded in the audit log).
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct CvssArgs {
    /// CVSS:3.1/… or CVSS:4.0/…
    pub vector: String,
    /// SSVC decision points, e.g. E:poc/A:no/T:total/M:medium.
    #[arg(long)]
    pub ssvc: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    #[command(flatten)]
    pub common: Common,
    /// List deadlines within this many days (default: the policy's remind-days).
    #[arg(long)]
    pub within: Option<u32>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Osv,
    Csaf,
    Ghsa,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    pub key: String,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The OSV id (default: the report's CVE/GHSA alias, else its key).
    #[arg(long)]
    pub id: Option<String>,
    /// Write here instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(command: &AdvisoryCommand) -> Result<ExitCode> {
    match command {
        AdvisoryCommand::New(a) => new(a),
        AdvisoryCommand::Import(a) => import(a),
        AdvisoryCommand::List(a) => list(a),
        AdvisoryCommand::Show(a) => show(a),
        AdvisoryCommand::Set(a) => set(a),
        AdvisoryCommand::Cvss(a) => cvss(a),
        AdvisoryCommand::Due(a) => due(a),
        AdvisoryCommand::Export(a) => export_cmd(a),
    }
}

struct Cx {
    adv: Advisories,
    policy: Policy,
    cfg: palisade_config::AdvisoryConfig,
}

fn open(common: &Common) -> Result<Cx> {
    let here = std::env::current_dir().context("no current directory")?;
    let file = match &common.config {
        Some(p) => Some(p.clone()),
        None => palisade_config::Config::discover(&here),
    };
    let cfg = match file {
        Some(f) => {
            palisade_config::Config::load(&f)
                .context("fix the configuration file, or pass --config")?
                .advisory
        }
        None => palisade_config::AdvisoryConfig::default(),
    };
    let d = Policy::default();
    let policy = Policy {
        fix_days: cfg.fix_days.unwrap_or(d.fix_days),
        details_days: cfg.details_days.unwrap_or(d.details_days),
        exploited_days: cfg.exploited_days.unwrap_or(d.exploited_days),
        needs_info_days: cfg.needs_info_days.unwrap_or(d.needs_info_days),
        remind_days: cfg.remind_days.unwrap_or(d.remind_days),
    };
    let url = resolve_store(common.store.store.as_deref(), &here)?;
    let adv = Advisories::open(&url).with_context(|| {
        format!(
            "cannot open the findings store {}",
            palisade_store::describe_url(&url)
        )
    })?;
    Ok(Cx { adv, policy, cfg })
}

fn apply_fields(r: &mut Report, f: &Fields) -> Result<()> {
    if let Some(c) = &f.component {
        r.component = Some(c.clone());
    }
    if !f.cwe.is_empty() {
        r.cwe = f
            .cwe
            .iter()
            .map(|c| {
                palisade_advisory::parse_cwe(c)
                    .with_context(|| format!("--cwe `{c}` is not a CWE id (CWE-79 or 79)"))
            })
            .collect::<Result<_>>()?;
    }
    if let Some(e) = &f.endpoint {
        r.endpoint = Some(e.clone());
    }
    if let Some(v) = &f.cvss {
        palisade_cvss::score(v).context("fix the --cvss vector")?;
        r.cvss = Some(v.trim().to_owned());
    }
    if let Some(s) = &f.ssvc {
        r.ssvc = Some(intake::parse_ssvc(s).map_err(anyhow::Error::msg).context(
            "fix --ssvc (E:none|poc|active/A:yes|no/T:partial|total/M:low|medium|high)",
        )?);
    }
    if let Some(e) = &f.ecosystem {
        r.ecosystem = Some(e.clone());
    }
    if let Some(p) = &f.package {
        r.package = Some(p.clone());
    }
    if let Some(i) = &f.introduced {
        r.introduced = Some(i.clone());
    }
    Ok(())
}

fn prompt(label: &str, multiline: bool) -> Result<String> {
    let mut err = std::io::stderr().lock();
    if multiline {
        writeln!(err, "{label} (end with a line holding only `.`):")?;
    } else {
        write!(err, "{label}: ")?;
    }
    err.flush()?;
    drop(err);
    let stdin = std::io::stdin();
    let mut out = String::new();
    for line in stdin.lock().lines() {
        let line = line.context("cannot read the answer")?;
        if !multiline {
            return Ok(line.trim().to_owned());
        }
        if line.trim() == "." {
            break;
        }
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out.trim_end().to_owned())
}

fn read_text(p: &Path) -> Result<String> {
    let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
    if bytes.len() as u64 > intake::DEFAULT_MAX_IMPORT {
        bail!(
            "{}: larger than {} bytes",
            p.display(),
            intake::DEFAULT_MAX_IMPORT
        );
    }
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", p.display()))
}

fn new(a: &NewArgs) -> Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal();
    let ask =
        |value: &Option<String>, flag: &str, label: &str, multiline: bool| -> Result<String> {
            match value {
                Some(v) if !v.trim().is_empty() => Ok(v.clone()),
                _ if interactive => prompt(label, multiline),
                _ => bail!("missing --{flag} (stdin is not a terminal, so nothing is asked)"),
            }
        };
    let title = ask(&a.title, "title", "Title", false)?;
    let project = ask(&a.project, "project", "Affected project", false)?;
    let description = match &a.description_file {
        Some(p) => read_text(p)?,
        None => ask(&a.description, "description", "Description", true)?,
    };
    let reporter = match &a.reporter {
        Some(r) => r.clone(),
        None if interactive => prompt("Reporter", false)?,
        None => "anonymous".to_owned(),
    };
    let poc = match &a.poc_file {
        Some(p) => Some(read_text(p)?),
        None => a.poc.clone(),
    };
    let now = now()?;
    let received = match &a.received {
        Some(d) => {
            parse_time(d).with_context(|| format!("--received `{d}` is not a date (YYYY-MM-DD)"))?
        }
        None => now,
    };
    let mut r = Report {
        title,
        project,
        description,
        reporter,
        contact: a.contact.clone(),
        poc,
        received,
        exploited: a.exploited,
        ..Report::default()
    };
    apply_fields(&mut r, &a.fields)?;
    let mut cx = open(&a.common)?;
    let r = cx.adv.create(r, None, &actor(a.by.as_deref()), now)?;
    if a.format == Format::Json {
        print_json(&report_json(&mut cx, &r, now)?)?;
    } else {
        created_summary(&mut cx, &r)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn created_summary(cx: &mut Cx, r: &Report) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: recorded in {} ({})",
        r.key,
        cx.adv.describe(),
        terminal(&r.title)
    )?;
    if let Some(v) = &r.cvss
        && let Ok(s) = palisade_cvss::score(v)
    {
        writeln!(out, "  CVSS {} {} ({})", s.version, s.base, s.rating)?;
    }
    if let Some(d) = cx.policy.next_deadline(r) {
        writeln!(out, "  {} due {} ({})", d.kind, format_date(d.at), d.rule)?;
    }
    let dupes = duplicates(cx, r)?;
    for c in &dupes {
        writeln!(
            out,
            "  possible duplicate of {} {} (score {:.2}: {})",
            c.kind,
            c.id,
            c.score,
            c.reasons.join("; ")
        )?;
    }
    Ok(())
}

fn duplicates(cx: &mut Cx, r: &Report) -> Result<Vec<dedup::Candidate>> {
    let reports = cx.adv.list(&[])?;
    let findings = cx.adv.findings(50_000)?;
    Ok(dedup::candidates(r, &reports, &findings, 5))
}

fn import(a: &ImportArgs) -> Result<ExitCode> {
    let mut cx = open(&a.common)?;
    let now = now()?;
    let by = actor(a.by.as_deref());
    let defaults = intake::Defaults {
        project: a.project.clone(),
        reporter: None,
        now,
    };
    let mut failed = 0;
    for f in &a.files {
        match intake::import_file(f, a.max_size, &defaults) {
            Ok(imp) => {
                for w in &imp.warnings {
                    eprintln!("warning: {}: {w}", f.display());
                }
                if let Some(key) = cx.adv.imported_as(&imp.source.bytes)? {
                    let mut out = std::io::stdout().lock();
                    writeln!(
                        out,
                        "{}: already imported as {key} (same SHA-256); skipped",
                        f.display()
                    )?;
                    continue;
                }
                let r = cx.adv.create(imp.report, Some(&imp.source), &by, now)?;
                created_summary(&mut cx, &r)?;
                for at in &r.attachments {
                    let mut out = std::io::stdout().lock();
                    writeln!(
                        out,
                        "  attachment {} ({}, {} bytes{})",
                        terminal(&at.name),
                        terminal(&at.content_type),
                        at.size,
                        if at.binary {
                            ", binary: kept, not shown"
                        } else {
                            ""
                        }
                    )?;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "{failed} of {} file(s) not imported; the others were recorded. Fix the files named above and import them again.",
            a.files.len()
        );
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_states(items: &[String]) -> Result<Vec<State>> {
    items
        .iter()
        .map(|s| {
            State::parse(s).with_context(|| {
                format!("--state `{s}` is not one of new, needs-more-info, triaged, duplicate, not-applicable, informative, resolved, disclosed")
            })
        })
        .collect()
}

fn score_of(r: &Report) -> Option<palisade_cvss::Score> {
    r.cvss.as_deref().and_then(|v| palisade_cvss::score(v).ok())
}

fn list(a: &ListArgs) -> Result<ExitCode> {
    let states = parse_states(&a.state)?;
    let mut cx = open(&a.common)?;
    let now = now()?;
    cx.adv.auto_close(&cx.policy, now)?;
    let reports = cx.adv.list(&states)?;
    if a.format == Format::Json {
        let items: Vec<_> = reports
            .iter()
            .map(|r| summary_json(&cx.policy, r))
            .collect();
        print_json(&serde_json::json!({ "version": 1, "reports": items }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    if reports.is_empty() {
        writeln!(out, "no reports in {}", cx.adv.describe())?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:<14} {:<16} {:>5} {:<10} {:<10} TITLE",
        "KEY", "STATE", "CVSS", "RECEIVED", "DUE"
    )?;
    for r in &reports {
        let score = score_of(r).map_or("-".to_owned(), |s| format!("{:.1}", s.base));
        let due = cx
            .policy
            .next_deadline(r)
            .map_or("-".to_owned(), |d| format_date(d.at));
        let title: String = terminal(&r.title).chars().take(60).collect();
        writeln!(
            out,
            "{:<14} {:<16} {:>5} {:<10} {:<10} {}",
            r.key,
            r.state().as_str(),
            score,
            format_date(r.received),
            due,
            title
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn summary_json(policy: &Policy, r: &Report) -> serde_json::Value {
    let s = score_of(r);
    serde_json::json!({
        "key": r.key,
        "title": r.title,
        "state": r.state().as_str(),
        "project": r.project,
        "component": r.component,
        "received": format_time(r.received),
        "cvss": r.cvss,
        "score": s.map(|s| s.base),
        "rating": s.map(|s| s.rating.to_string()),
        "ssvc": r.ssvc.as_ref().map(|i| scoring::ssvc(i).as_str()),
        "next_deadline": policy.next_deadline(r).map(|d| serde_json::json!({ "kind": d.kind, "at": format_time(d.at) })),
        "duplicate_of": r.duplicate_of,
    })
}

fn report_json(cx: &mut Cx, r: &Report, _now: i64) -> Result<serde_json::Value> {
    let mut v = summary_json(&cx.policy, r);
    v["report"] = serde_json::to_value(r)?;
    if let Some(c) = &r.cvss
        && let Ok(e) = scoring::explain(c)
    {
        v["explanation"] = serde_json::to_value(e)?;
    }
    v["possible_duplicates"] = serde_json::to_value(duplicates(cx, r)?)?;
    v["history"] = serde_json::to_value(cx.adv.history(&r.key)?)?;
    v["fix_due"] = serde_json::json!(format_time(cx.policy.fix_due(r)));
    v["details_due"] = serde_json::json!(format_time(cx.policy.details_due(r)));
    Ok(v)
}

fn print_json(v: &serde_json::Value) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

fn show(a: &ShowArgs) -> Result<ExitCode> {
    let mut cx = open(&a.common)?;
    let now = now()?;
    cx.adv.auto_close(&cx.policy, now)?;
    let r = cx.adv.get(&a.key)?;
    if let Some(path) = &a.save_source {
        match cx.adv.source(&r.key)? {
            Some(src) => std::fs::write(path, &src.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?,
            None => bail!(
                "{} was not imported from a file: there is no source to save",
                r.key
            ),
        }
    }
    if a.format == Format::Json {
        print_json(&report_json(&mut cx, &r, now)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    let t = |s: &str| terminal(s);
    writeln!(out, "{}  {}", r.key, t(&r.title))?;
    writeln!(
        out,
        "state:      {}{}",
        r.state(),
        r.duplicate_of
            .as_ref()
            .map_or(String::new(), |d| format!(" of {d}"))
    )?;
    writeln!(
        out,
        "reporter:   {}{}",
        t(&r.reporter),
        r.contact
            .as_ref()
            .map_or(String::new(), |c| format!(" <{}>", t(c)))
    )?;
    writeln!(out, "project:    {}", t(&r.project))?;
    if let Some(c) = &r.component {
        writeln!(out, "component:  {}", t(c))?;
    }
    if let Some(e) = &r.endpoint {
        writeln!(out, "endpoint:   {}", t(e))?;
    }
    if !r.cwe.is_empty() {
        writeln!(
            out,
            "cwe:        {}",
            r.cwe
                .iter()
                .map(|c| format!("CWE-{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    writeln!(out, "received:   {}", format_time(r.received))?;
    if r.exploited {
        writeln!(out, "exploited:  yes (in the wild)")?;
    }
    if let Some(v) = &r.cvss {
        match scoring::explain(v) {
            Ok(e) => write_explanation(&mut out, &e)?,
            Err(e) => writeln!(out, "cvss:       {} (invalid: {e})", t(v))?,
        }
    }
    if let Some(i) = &r.ssvc {
        let d = scoring::ssvc(i);
        writeln!(
            out,
            "ssvc:       {} ({}): {}",
            d.as_str(),
            scoring::ssvc_vector(i),
            d.meaning()
        )?;
    }
    writeln!(out, "fix due:    {}", format_date(cx.policy.fix_due(&r)))?;
    writeln!(
        out,
        "details:    {}",
        format_date(cx.policy.details_due(&r))
    )?;
    if !r.fixed_versions.is_empty() {
        writeln!(out, "fixed in:   {}", t(&r.fixed_versions.join(", ")))?;
    }
    for c in &r.fix_commits {
        writeln!(out, "fix commit: {}", t(c))?;
    }
    writeln!(out, "\ndescription:\n{}", indent(&t(&r.description)))?;
    if let Some(p) = &r.poc {
        writeln!(out, "\nproof of concept:\n{}", indent(&t(p)))?;
    }
    if !r.attachments.is_empty() {
        writeln!(out, "\nattachments:")?;
        for at in &r.attachments {
            writeln!(
                out,
                "  {} ({}, {} bytes, sha256 {}){}",
                t(&at.name),
                t(&at.content_type),
                at.size,
                &at.sha256[..at.sha256.len().min(16)],
                if at.binary {
                    " binary: not shown (--save-source keeps the whole message)"
                } else {
                    ""
                }
            )?;
        }
    }
    drop(out);
    let dupes = duplicates(&mut cx, &r)?;
    let mut out = std::io::stdout().lock();
    if !dupes.is_empty() {
        writeln!(out, "\npossible duplicates:")?;
        for c in &dupes {
            writeln!(
                out,
                "  {:.2}  {} {}  {}",
                c.score,
                c.kind,
                c.id,
                t(&c.title)
            )?;
            writeln!(out, "        {}", c.reasons.join("; "))?;
        }
    }
    writeln!(out, "\nhistory:")?;
    drop(out);
    let history = cx.adv.history(&r.key)?;
    let mut out = std::io::stdout().lock();
    for h in history {
        let change = match (&h.old_value, &h.new_value) {
            (Some(o), Some(n)) => format!("{} → {}", t(o), t(n)),
            (None, Some(n)) => t(n),
            (Some(o), None) => format!("{} → (none)", t(o)),
            (None, None) => String::new(),
        };
        writeln!(
            out,
            "  {}  {}  {} {}{}",
            format_time(h.at),
            t(&h.actor),
            h.action,
            change,
            h.reason.map_or(String::new(), |r| format!("  ({})", t(&r)))
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_explanation(out: &mut impl Write, e: &scoring::Explanation) -> Result<()> {
    writeln!(
        out,
        "cvss:       {} {} ({}) {}",
        e.version, e.score, e.rating, e.vector
    )?;
    for d in &e.details {
        writeln!(out, "            {d}")?;
    }
    writeln!(
        out,
        "  what drives the score (score with the metric at its mildest value):"
    )?;
    for d in &e.drivers {
        let c = d.contribution(e.score);
        if c <= 0.0 && d.worst <= e.score {
            continue;
        }
        writeln!(
            out,
            "    {:<3} {:<5} {:<38} +{:.1} (would be {:.1}){}",
            d.metric,
            d.value,
            format!("{} – {}", d.name, d.meaning),
            c,
            d.mildest,
            if d.worst > e.score {
                format!("; up to {:.1} at worst", d.worst)
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

fn set(a: &SetArgs) -> Result<ExitCode> {
    let mut cx = open(&a.common)?;
    let now = now()?;
    let mut state = a.state.as_deref().map(|s| State::parse(s).with_context(|| format!("--state `{s}` is not one of new, needs-more-info, triaged, duplicate, not-applicable, informative, resolved, disclosed"))).transpose()?;
    let key = a.key.trim().to_ascii_uppercase();
    if let Some(d) = &a.duplicate_of {
        let target = cx
            .adv
            .get(d)
            .with_context(|| format!("--duplicate-of {d}"))?;
        if target.key == key {
            bail!("a report cannot duplicate itself");
        }
        if state.is_some_and(|s| s != State::Duplicate) {
            bail!("--duplicate-of goes with --state duplicate");
        }
        state = Some(State::Duplicate);
    } else if state == Some(State::Duplicate) {
        bail!("--state duplicate needs --duplicate-of KEY (the report it duplicates)");
    }
    let dup = a
        .duplicate_of
        .as_ref()
        .map(|d| d.trim().to_ascii_uppercase());
    let r = cx.adv.update(
        &key,
        &actor(a.by.as_deref()),
        now,
        a.reason.as_deref(),
        |r| {
            if let Some(s) = state {
                r.state = Some(s);
                if s != State::Duplicate {
                    r.duplicate_of = None;
                }
            }
            if let Some(d) = dup {
                r.duplicate_of = Some(d);
            }
            if let Some(e) = a.exploited {
                r.exploited = e;
            }
            apply_fields(r, &a.fields)
                .map_err(|e| palisade_advisory::Error::Invalid(format!("{e:#}")))?;
            if !a.fixed_versions.is_empty() {
                r.fixed_versions.clone_from(&a.fixed_versions);
            }
            if !a.fix_commits.is_empty() {
                r.fix_commits.clone_from(&a.fix_commits);
            }
            for x in &a.aliases {
                if !r.aliases.contains(x) {
                    r.aliases.push(x.clone());
                }
            }
            for x in &a.references {
                if !r.references.contains(x) {
                    r.references.push(x.clone());
                }
            }
            Ok(())
        },
    )?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}: {}", r.key, r.state())?;
    if let Some(d) = cx.policy.next_deadline(&r) {
        writeln!(out, "  {} due {} ({})", d.kind, format_date(d.at), d.rule)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn cvss(a: &CvssArgs) -> Result<ExitCode> {
    let e = match scoring::explain(&a.vector) {
        Ok(e) => e,
        Err(err) => {
            eprintln!("error: {err}");
            eprintln!(
                "hint: a vector looks like CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H or CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
            );
            return Ok(ExitCode::from(2));
        }
    };
    let ssvc = match &a.ssvc {
        Some(s) => Some(
            intake::parse_ssvc(s)
                .map_err(anyhow::Error::msg)
                .context("fix --ssvc")?,
        ),
        None => None,
    };
    if a.format == Format::Json {
        let mut v = serde_json::to_value(&e)?;
        if let Some(i) = &ssvc {
            let d = scoring::ssvc(i);
            v["ssvc"] = serde_json::json!({ "vector": scoring::ssvc_vector(i), "decision": d.as_str(), "meaning": d.meaning() });
        }
        print_json(&v)?;
    } else {
        let mut out = std::io::stdout().lock();
        write_explanation(&mut out, &e)?;
        if let Some(i) = &ssvc {
            let d = scoring::ssvc(i);
            writeln!(
                out,
                "ssvc:       {} ({}): {}",
                d.as_str(),
                scoring::ssvc_vector(i),
                d.meaning()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn due(a: &DueArgs) -> Result<ExitCode> {
    let mut cx = open(&a.common)?;
    let now = now()?;
    let closed = cx.adv.auto_close(&cx.policy, now)?;
    let within = i64::from(a.within.unwrap_or(cx.policy.remind_days)) * 86_400;
    let mut rows = Vec::new();
    for r in cx.adv.list(&[])? {
        if let Some(d) = cx.policy.next_deadline(&r)
            && d.at <= now + within
        {
            rows.push((r, d));
        }
    }
    rows.sort_by_key(|(_, d)| d.at);
    if a.format == Format::Json {
        let items: Vec<_> = rows
            .iter()
            .map(|(r, d)| {
                serde_json::json!({
                    "key": r.key, "title": r.title, "state": r.state().as_str(),
                    "deadline": d.kind, "at": format_time(d.at), "overdue": d.at <= now,
                    "days_left": (d.at - now).div_euclid(86_400), "rule": d.rule,
                })
            })
            .collect();
        print_json(&serde_json::json!({ "version": 1, "auto_closed": closed, "due": items }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    for k in &closed {
        writeln!(
            out,
            "{k}: closed as not-applicable (no reply within {} days)",
            cx.policy.needs_info_days
        )?;
    }
    if rows.is_empty() {
        writeln!(out, "nothing due within {} days", within / 86_400)?;
    }
    for (r, d) in &rows {
        let days = (d.at - now).div_euclid(86_400);
        let when = if d.at <= now {
            format!("OVERDUE by {} day(s)", -days)
        } else {
            format!("in {days} day(s)")
        };
        writeln!(
            out,
            "{:<14} {:<10} {} {:<22} {}  ({})",
            r.key,
            d.kind,
            format_date(d.at),
            when,
            terminal(&r.title).chars().take(50).collect::<String>(),
            d.rule
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn export_cmd(a: &ExportArgs) -> Result<ExitCode> {
    let mut cx = open(&a.common)?;
    let now = now()?;
    let r = cx.adv.get(&a.key)?;
    let opts = export::Options {
        publisher: cx
            .cfg
            .publisher
            .clone()
            .unwrap_or_else(|| r.project.clone()),
        namespace: cx
            .cfg
            .namespace
            .clone()
            .unwrap_or_else(|| "https://example.invalid/security".to_owned()),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        now,
    };
    let (text, warnings) = match a.format {
        ExportFormat::Osv => {
            let e = export::osv(&r, a.id.as_deref(), &opts);
            (serde_json::to_string_pretty(&e.doc)? + "\n", e.warnings)
        }
        ExportFormat::Csaf => {
            let mut e = export::csaf(&r, &opts);
            if cx.cfg.namespace.is_none() {
                e.warnings.push("no [advisory] namespace in palisade.toml: the CSAF publisher namespace is a placeholder".to_owned());
            }
            (serde_json::to_string_pretty(&e.doc)? + "\n", e.warnings)
        }
        ExportFormat::Ghsa => (export::ghsa_markdown(&r), Vec::new()),
    };
    for w in warnings {
        eprintln!("warning: {w}");
    }
    match &a.output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
