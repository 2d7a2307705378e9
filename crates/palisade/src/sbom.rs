//! `palisade sbom`: every lockfile under PATH, one walk, one CycloneDX or SPDX document.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{Context, Result};
use palisade_engine::finding::DiagnosticLevel;
use palisade_input::{Event, WalkOptions};
use palisade_lockfile::Package;
use palisade_sbom::Meta;

use crate::cli::{SbomArgs, SbomFormat};

pub fn sbom_command(args: &SbomArgs) -> Result<ExitCode> {
    let mut walk = WalkOptions::new(&args.path);
    if let Some(max) = args.walk.max_file_size_bytes(None)? {
        walk.max_file_size = max;
    }
    walk.exclude.clone_from(&args.walk.exclude);
    walk.respect_ignore_files = !args.walk.no_ignore;

    let packages: Mutex<Vec<Package>> = Mutex::new(Vec::new());
    let warnings: Mutex<Vec<String>> = Mutex::new(Vec::new());
    palisade_input::walk(&walk, |event| match event {
        Event::File(file) => {
            let path = &file.display_path;
            let Some(format) = palisade_lockfile::detect(path, &file.content) else {
                return;
            };
            match palisade_lockfile::parse(format, path, &file.content) {
                Ok(inv) => {
                    if !inv.diagnostics.is_empty() {
                        lock(&warnings).extend(inv.diagnostics.iter().map(ToString::to_string));
                    }
                    lock(&packages).extend(inv.packages);
                }
                Err(e) => lock(&warnings).push(format!("{e} (file left out of the SBOM)")),
            }
        }
        Event::Diagnostic(d) if d.level == DiagnosticLevel::Error => {
            lock(&warnings).push(d.to_string());
        }
        Event::Diagnostic(_) => {}
    })
    .with_context(|| format!("cannot read {}", args.path.display()))?;

    let mut warnings = warnings
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    warnings.sort();
    {
        let mut err = std::io::stderr().lock();
        for w in &warnings {
            let _ = writeln!(err, "warning: {w}");
        }
    }
    let mut packages = packages
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    packages.sort();

    let meta = Meta {
        name: document_name(&args.path),
        timestamp: palisade_sbom::rfc3339(now_seconds()),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let doc = match args.format {
        SbomFormat::Cyclonedx => palisade_sbom::cyclonedx(&packages, &meta),
        SbomFormat::Spdx => palisade_sbom::spdx(&packages, &meta),
    };
    let mut text = serde_json::to_string_pretty(&doc).context("cannot serialise the SBOM")?;
    text.push('\n');
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("cannot write to standard output")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The scanned directory's name (of the canonical path, so `.` has one).
fn document_name(path: &std::path::Path) -> String {
    path.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "palisade-sbom".to_owned())
}

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else the clock.
fn now_seconds() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
}
