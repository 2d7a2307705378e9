//! `palisade db import|status`, and the audit summary of the deps engine.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use palisade_osv::Db;
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

/// What the deps engine could not audit, on stderr: never counted as clean silently.
pub fn print_audit_summary(s: &AuditSummary) {
    let mut err = std::io::stderr().lock();
    for d in &s.diagnostics {
        let _ = writeln!(err, "warning: {d}");
    }
    for (eco, n) in &s.no_data {
        let _ = writeln!(
            err,
            "{n} package(s) not audited: no advisory data for {eco}"
        );
    }
    if s.unpinned > 0 {
        let _ = writeln!(
            err,
            "{} package(s) not audited: no pinned version",
            s.unpinned
        );
    }
    let _ = writeln!(err, "{} package(s) audited", s.audited);
}
