//! `palisade db update|import|status`, the age warning of scans, and the audit summary of
//! the deps engine.
//!
//! `db update` downloads with `ureq` (blocking, small, rustls with the webpki roots: no
//! system OpenSSL, no async runtime for a handful of sequential downloads) into a
//! `tempfile` beside nothing else, bounded in size, then imports it through the same path
//! as `db import`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use palisade_osv::Db;
use palisade_report::NotAudited;
use palisade_sca::AuditSummary;

use crate::cli::DbArg;

/// Most import diagnostics printed one by one; the rest are counted.
const MAX_DIAGNOSTICS_SHOWN: usize = 20;

/// The database file: `--db` (or `PALISADE_DB`), else the default in the cache directory.
pub fn resolve(arg: &DbArg) -> Option<PathBuf> {
    arg.db.clone().or_else(palisade_osv::default_path)
}

fn require_path(arg: &DbArg) -> Result<PathBuf> {
    match resolve(arg) {
        Some(p) => Ok(p),
        None => bail!(
            "no default location for the advisory database (no cache directory known); pass --db FILE or set PALISADE_DB"
        ),
    }
}

pub fn import(sources: &[PathBuf], arg: &DbArg) -> Result<ExitCode> {
    let path = require_path(arg)?;
    let mut db = Db::open_or_create(&path)
        .with_context(|| format!("cannot open the advisory database {}", path.display()))?;
    let mut err = std::io::stderr().lock();
    for source in sources {
        let report = db
            .import(source)
            .with_context(|| format!("cannot import {}", source.display()))?;
        for d in report.diagnostics.iter().take(MAX_DIAGNOSTICS_SHOWN) {
            let _ = writeln!(err, "warning: {d}");
        }
        if report.diagnostics.len() > MAX_DIAGNOSTICS_SHOWN {
            let _ = writeln!(
                err,
                "warning: … and {} more problem(s) in {}",
                report.diagnostics.len() - MAX_DIAGNOSTICS_SHOWN,
                source.display()
            );
        }
        let _ = writeln!(
            err,
            "imported {}: {} record(s), {} new, {} updated, {} older ignored, {} problem(s)",
            source.display(),
            report.source.records,
            report.added,
            report.replaced,
            report.older_ignored,
            report.diagnostics.len()
        );
    }
    let status = db.status();
    let _ = writeln!(
        err,
        "{}: {} advisories",
        status.path.display(),
        status.advisories
    );
    Ok(ExitCode::SUCCESS)
}

/// The OSV ecosystems `db update` fetches by default: those palisade inventories.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "crates.io",
    "npm",
    "PyPI",
    "Go",
    "Maven",
    "RubyGems",
    "Packagist",
    "NuGet",
    "Pub",
    "Hex",
    "Hackage",
    "CRAN",
    "Bioconductor",
    "SwiftURL",
    "ConanCenter",
    "Debian",
    "Alpine",
    "Ubuntu",
    "Rocky Linux",
    "AlmaLinux",
];

/// The largest archive `db update` accepts (osv.dev's biggest, all of npm, is well below).
const MAX_ARCHIVE_BYTES: u64 = 4 << 30;

/// The URL of one ecosystem's archive: `<base>/<Ecosystem>/all.zip`, the ecosystem
/// percent-encoded as a path segment (`Rocky Linux` → `Rocky%20Linux`).
pub fn archive_url(base: &str, ecosystem: &str) -> String {
    let mut seg = String::new();
    for b in ecosystem.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            seg.push(char::from(b));
        } else {
            seg.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{}/{seg}/all.zip", base.trim_end_matches('/'))
}

enum Fetch {
    Saved(u64),
    NotFound,
}

/// Streams `url` into `dest`, refusing more than [`MAX_ARCHIVE_BYTES`].
fn download(agent: &ureq::Agent, url: &str, dest: &Path) -> Result<Fetch> {
    let response = match agent.get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::StatusCode(404)) => return Ok(Fetch::NotFound),
        Err(ureq::Error::StatusCode(code)) => bail!("{url}: HTTP status {code}"),
        Err(e) => bail!("{url}: {e}"),
    };
    let mut reader = response
        .into_body()
        .into_with_config()
        .limit(MAX_ARCHIVE_BYTES)
        .reader();
    let mut file =
        std::fs::File::create(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => bail!("{url}: download interrupted after {total} bytes: {e}"),
        };
        file.write_all(&buf[..n])
            .with_context(|| format!("cannot write {}", dest.display()))?;
        total += n as u64;
    }
    file.flush()
        .with_context(|| format!("cannot write {}", dest.display()))?;
    Ok(Fetch::Saved(total))
}

/// `palisade db update`: each ecosystem's archive downloaded and imported in turn. An
/// ecosystem the server has no archive for (404) is a warning; any other failure is an
/// error reported at the end, after the other ecosystems were still updated.
pub fn update(
    ecosystems: &[String],
    base_url: &str,
    arg: &DbArg,
    offline: bool,
) -> Result<ExitCode> {
    if offline {
        bail!(
            "`palisade db update` downloads advisories and --offline (or PALISADE_OFFLINE) forbids the network; on a machine without network, copy the all.zip archives over and run `palisade db import FILE...`"
        );
    }
    let path = require_path(arg)?;
    let wanted: Vec<String> = if ecosystems.is_empty() {
        DEFAULT_ECOSYSTEMS.iter().map(|e| (*e).to_owned()).collect()
    } else {
        ecosystems
            .iter()
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty())
            .collect()
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(120)))
        .user_agent(concat!("palisade/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut db = Db::open_or_create(&path)
        .with_context(|| format!("cannot open the advisory database {}", path.display()))?;
    let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
    let mut err = std::io::stderr().lock();
    let mut failures = Vec::new();
    for eco in &wanted {
        let url = archive_url(base_url, eco);
        let dest = tmp.path().join("all.zip");
        match download(&agent, &url, &dest) {
            Ok(Fetch::NotFound) => {
                let _ = writeln!(
                    err,
                    "warning: {eco}: no archive at {url} (HTTP 404); skipped"
                );
            }
            Ok(Fetch::Saved(bytes)) => match db.import_as(&dest, &url) {
                Ok(report) if report.source.records == 0 && !report.diagnostics.is_empty() => {
                    failures.push(format!(
                        "{eco}: nothing imported from {url}: {}",
                        report.diagnostics[0]
                    ));
                }
                Ok(report) => {
                    for d in report.diagnostics.iter().take(MAX_DIAGNOSTICS_SHOWN) {
                        let _ = writeln!(err, "warning: {eco}: {d}");
                    }
                    let _ = writeln!(
                        err,
                        "updated {eco} ({}): {} record(s), {} new, {} updated, {} problem(s)",
                        palisade_input::human_size(bytes),
                        report.source.records,
                        report.added,
                        report.replaced,
                        report.diagnostics.len()
                    );
                }
                Err(e) => failures.push(format!("{eco}: cannot import {url}: {e}")),
            },
            Err(e) => failures.push(format!("{eco}: {e:#}")),
        }
        let _ = std::fs::remove_file(&dest);
    }
    let status = db.status();
    let _ = writeln!(
        err,
        "{}: {} advisories",
        status.path.display(),
        status.advisories
    );
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for f in &failures {
        let _ = writeln!(err, "error: {f}");
    }
    bail!(
        "{} of {} ecosystem(s) not updated (the others were)",
        failures.len(),
        wanted.len()
    )
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `3 days`, `5 hours`, `12 minutes`: an age for people.
pub fn human_age(secs: u64) -> String {
    let (n, unit) = if secs >= 2 * 86_400 {
        (secs / 86_400, "days")
    } else if secs >= 2 * 3600 {
        (secs / 3600, "hours")
    } else if secs >= 120 {
        (secs / 60, "minutes")
    } else {
        (secs, "seconds")
    };
    format!("{n} {unit}")
}

/// The warning a scan prints when the database was last refreshed more than `max_age`
/// seconds ago (`None`: fresh enough, or never warn).
pub fn staleness_warning(status: &palisade_osv::Status, max_age: Option<u64>) -> Option<String> {
    let max_age = max_age?;
    let last = status.last_import()?;
    let age = now_unix().saturating_sub(last);
    (age > max_age).then(|| {
        format!(
            "the advisory database {} was last updated {} ago (limit {}, [deps] max-db-age in palisade.toml): run `palisade db update`",
            status.path.display(),
            human_age(age),
            human_age(max_age)
        )
    })
}

pub fn status(arg: &DbArg) -> Result<ExitCode> {
    let path = require_path(arg)?;
    if !path.exists() {
        bail!("{}", palisade_sca::no_database_message(Some(&path)));
    }
    let db = Db::open(&path)
        .with_context(|| format!("cannot open the advisory database {}", path.display()))?;
    let status = db.status();
    let mut out = std::io::stdout().lock();
    writeln!(out, "database: {}", status.path.display())?;
    writeln!(out, "advisories: {}", status.advisories)?;
    writeln!(
        out,
        "newest modified: {}",
        status.newest_modified.as_deref().unwrap_or("-")
    )?;
    match status.last_import() {
        Some(t) => writeln!(
            out,
            "last updated: {} ({} ago)",
            palisade_sbom::rfc3339(t),
            human_age(now_unix().saturating_sub(t))
        )?,
        None => writeln!(out, "last updated: never")?,
    }
    writeln!(out, "ecosystems:")?;
    for (eco, n) in &status.by_ecosystem {
        writeln!(out, "  {eco}: {n}")?;
    }
    writeln!(out, "sources:")?;
    for s in &status.sources {
        writeln!(
            out,
            "  {} ({} record(s), imported at {} (unix), newest modified {}, {} problem(s))",
            s.path,
            s.records,
            s.imported_at,
            s.newest_modified.as_deref().unwrap_or("-"),
            s.diagnostics
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the deps engine could not audit, for the JSON and SARIF reports.
pub fn not_audited(s: &AuditSummary) -> Vec<NotAudited> {
    let mut out: Vec<NotAudited> = s
        .no_data
        .iter()
        .map(|(eco, n)| NotAudited::no_data(eco, *n))
        .collect();
    if s.unpinned > 0 {
        out.push(NotAudited::unpinned(s.unpinned));
    }
    out
}

/// What the deps engine could not audit, on stderr: never counted as clean silently.
pub fn print_audit_summary(s: &AuditSummary) {
    let mut err = std::io::stderr().lock();
    for d in &s.diagnostics {
        let _ = writeln!(err, "warning: {d}");
    }
    for n in not_audited(s) {
        let _ = writeln!(err, "{}", n.message());
    }
    let _ = writeln!(err, "{} package(s) audited", s.audited);
}
