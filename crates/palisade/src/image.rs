//! `palisade deps IMAGE`: a `docker save` tarball or an OCI image layout, read by
//! `palisade-image` (layers in order, whiteouts applied, in memory). Each package database
//! and lockfile alive in the final image is scanned; a finding is attributed to the layer
//! that added the package: the earliest layer from which every later version of the file
//! still has it. Its path reads `IMAGE@layerN-DIGEST/path/in/image`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result};
use palisade_engine::Input;
use palisade_engine::finding::{Diagnostic, DiagnosticLevel, Finding, Location};
use palisade_scan::{ScanOutcome, Scanner};

/// `sha256:0123456789abcdef…` → `sha256-0123456789ab`; a tarball path stays readable.
fn short(id: &str) -> String {
    let (alg, hex) = id.split_once(':').unwrap_or(("", id));
    let hex: String = hex.chars().take(12).collect();
    let s = if alg.is_empty() {
        hex
    } else {
        format!("{alg}-{hex}")
    };
    s.replace('/', "-")
}

fn key(f: &Finding) -> (String, String) {
    let purl = f
        .locations
        .iter()
        .find_map(|l| match l {
            Location::Package { purl, .. } => Some(purl.clone()),
            _ => None,
        })
        .unwrap_or_default();
    // The message names package, version and vulnerability; the path differs per layer.
    (f.message.clone(), purl)
}

/// Scans one image into `outcome`.
pub fn scan_image(
    scanner: &Scanner<'static>,
    image: &Path,
    max_file: u64,
    outcome: &mut ScanOutcome,
) -> Result<()> {
    let want = |p: &str| palisade_lockfile::detect(p, b"").is_some();
    let limits = palisade_image::Limits {
        max_file,
        ..palisade_image::Limits::default()
    };
    let read = palisade_image::read(image, &want, limits)
        .with_context(|| format!("cannot read the container image {}", image.display()))?;
    let name = image.display().to_string();
    for d in &read.diagnostics {
        outcome
            .diagnostics
            .push(Diagnostic::new(DiagnosticLevel::Warning, &name, d.clone()));
    }
    for (path, versions) in &read.files {
        // Findings of every version, by key; the last version's keys are what the image has.
        let mut per_version: Vec<BTreeMap<(String, String), Finding>> = Vec::new();
        for v in versions {
            let layer_id = read.layers.get(v.layer).map_or("?", String::as_str);
            let display = format!("{name}@layer{}-{}/{path}", v.layer, short(layer_id));
            let kind = palisade_scan::kind_for(&display, &v.content);
            let input = Input {
                path: &display,
                content: &v.content,
                kind: &kind,
            };
            let mut diags = Vec::new();
            let (found, _) = scanner.scan_input(&input, &mut diags);
            outcome.stats.files_scanned += 1;
            outcome.stats.bytes_scanned += v.content.len() as u64;
            // Problems are reported for the final version only (older ones are history).
            if std::ptr::eq(v, versions.last().unwrap_or(v)) {
                outcome.diagnostics.extend(diags);
            }
            per_version.push(found.into_iter().map(|f| (key(&f), f)).collect());
        }
        let Some(last) = per_version.last() else {
            continue;
        };
        let alive: HashSet<&(String, String)> = last.keys().collect();
        for k in alive {
            let mut earliest = per_version.len() - 1;
            while earliest > 0 && per_version[earliest - 1].contains_key(k) {
                earliest -= 1;
            }
            if let Some(f) = per_version[earliest].get(k) {
                outcome.findings.push(f.clone());
            }
        }
    }
    Ok(())
}
