//! `palisade sast [PATH] [--rules FILE|DIR]...` and `palisade sast test RULES_DIR`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use palisade_sast::SastEngine;

use crate::cli::ScanArgs;
use crate::commands::{finish, prepare, run_scan};

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SastArgs {
    #[command(subcommand)]
    pub command: Option<SastCommand>,
    /// With --rules (Semgrep-syntax files or directories, which replace the built-in
    /// rules): run the built-in rules too.
    #[arg(long)]
    pub builtin: bool,
    /// Seconds allowed per file (parse and match); a slower file is reported as skipped.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SastCommand {
    /// Run each rule against its sibling test files annotated with `ruleid:`/`ok:` comments.
    Test {
        /// A directory of rule files (or one rule file).
        rules: PathBuf,
    },
}

pub fn sast_command(mut args: SastArgs) -> Result<ExitCode> {
    if let Some(SastCommand::Test { rules }) = &args.command {
        return test_command(rules);
    }
    // `--rules` names Semgrep-syntax rule files or directories here.
    let rule_paths = std::mem::take(&mut args.scan.rules);
    let mut prepared = prepare(&args.scan, Some(&["sast"]))?;
    let mut engine = if rule_paths.is_empty() {
        SastEngine::builtin()
    } else {
        SastEngine::from_paths(&rule_paths, args.builtin)
    }
    .map_err(|e| anyhow::anyhow!("{e}"))
    .context("fix the rule file, or leave the rule out")?;
    engine.timeout = Duration::from_secs_f64(args.timeout.max(0.001));
    let stats = engine.stats();
    prepared.scanner.engines = vec![Box::new(engine)];
    let outcome = run_scan(&prepared, &args.scan.output)?;
    let code = finish(&prepared, &outcome, &args.scan.output)?;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "sast: {} file(s) parsed, {} with syntax errors (scanned where they parse), {} skipped over the time limit, {} without any rule's keywords",
        stats.files_parsed.load(Ordering::Relaxed),
        stats.files_with_parse_errors.load(Ordering::Relaxed),
        stats.files_skipped.load(Ordering::Relaxed),
        stats.files_prefiltered.load(Ordering::Relaxed),
    );
    Ok(code)
}

fn test_command(dir: &std::path::Path) -> Result<ExitCode> {
    let results = palisade_sast::testing::test_dir(dir)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("pass a directory of Semgrep-syntax rule files")?;
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    let mut checked = 0;
    for r in &results {
        checked += r.checked;
        if r.problems.is_empty() {
            writeln!(out, "ok    {}", r.rule_file)?;
        } else {
            failed += 1;
            writeln!(out, "FAIL  {}", r.rule_file)?;
            for p in &r.problems {
                writeln!(out, "      {p}")?;
            }
        }
    }
    writeln!(
        out,
        "{} rule file(s), {} rule check(s), {} failed",
        results.len(),
        checked,
        failed
    )?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
