//! `palisade owners PATH...`: who owns each path, and which line decided it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use palisade_codeowners::{Match, Platform};
use palisade_scan::owners::Owners;

use crate::cli::OwnersArgs;

pub fn owners_command(args: &OwnersArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    // The repository of the first path that exists (else of the current directory).
    let start = match args.paths.iter().find(|p| p.exists()) {
        Some(p) if p.is_dir() => cwd.join(p),
        Some(p) => cwd.join(p.parent().unwrap_or(Path::new("."))),
        None => cwd.clone(),
    };
    let owners = Owners::discover(&start)
        .with_context(|| "fix or remove the CODEOWNERS file".to_string())?;
    let Some(owners) = owners else {
        let root = palisade_codeowners::repo_root(&start).unwrap_or(start);
        let mut looked: Vec<&str> = Platform::GitHub.locations().to_vec();
        looked.push(".gitlab/CODEOWNERS");
        bail!(
            "no CODEOWNERS file in {} (looked for {}); add one, or run from inside the repository",
            root.display(),
            looked.join(", ")
        );
    };
    let mut err = std::io::stderr().lock();
    for d in owners.diagnostics() {
        writeln!(err, "{d}")?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} ({} rules)\n",
        owners.codeowners.file, owners.codeowners.platform
    )?;
    for path in &args.paths {
        let Some(rel) = relative(&owners, &cwd, path) else {
            writeln!(
                out,
                "{}  (outside the repository {})\n",
                path.display(),
                owners.repo_root.display()
            )?;
            continue;
        };
        let m = owners.codeowners.owners_of(&rel);
        explain(&rel, &m, owners.codeowners.platform, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `path` (as given, relative to the current directory) relative to the repository.
fn relative(owners: &Owners, cwd: &Path, path: &Path) -> Option<String> {
    let full: PathBuf = std::fs::canonicalize(path).unwrap_or_else(|_| cwd.join(path));
    let rel = full.strip_prefix(&owners.repo_root).ok()?;
    let s = rel
        .to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/");
    if s.is_empty() || s.split('/').any(|c| c == "..") {
        return None;
    }
    Some(s)
}

fn explain(path: &str, m: &Match<'_>, platform: Platform, out: &mut dyn Write) -> Result<()> {
    let owners = if m.owners.is_empty() {
        "(no owner)".to_string()
    } else {
        m.owners.join(" ")
    };
    writeln!(out, "{path}  {owners}")?;
    if m.decisions.is_empty() {
        writeln!(out, "  no line matches")?;
    }
    for d in &m.decisions {
        let section = match (&d.section.name, platform) {
            (Some(name), _) => {
                let mut s = format!("[{name}]");
                if d.section.optional {
                    s.insert(0, '^');
                }
                if let Some(n) = d.section.approvals {
                    s.push_str(&format!("[{n}]"));
                }
                format!("{s} ")
            }
            (None, Platform::GitLab) => "(no section) ".to_string(),
            (None, Platform::GitHub) => String::new(),
        };
        let who = if d.owners.is_empty() {
            "no owners".to_string()
        } else {
            d.owners.join(" ")
        };
        writeln!(
            out,
            "  {section}{}:{}: `{}` -> {who}",
            m.file, d.line, d.pattern
        )?;
    }
    writeln!(out)?;
    Ok(())
}
