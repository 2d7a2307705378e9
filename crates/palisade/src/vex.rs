//! `palisade deps --sbom FILE --vex FILE`: SBOMs as input, and VEX statements.
//!
//! A VEX document says, per vulnerability and product, whether the product is affected.
//! Two formats are read: OpenVEX (`statements[]`: `vulnerability` by name and aliases,
//! `products[]` and their `subcomponents` by package URL, `status`, `justification`,
//! `impact_statement`) and CycloneDX VEX (`vulnerabilities[]`: `id`, `references[].id`,
//! `analysis.state`/`justification`/`detail`, `affects[].ref` as a purl or a `bom-ref` of a
//! component in the same document). A finding whose vulnerability (any of its ids) and
//! package (purl, version-less VEX purls match every version) are covered by a
//! `not_affected` (CycloneDX: `not_affected` or `false_positive`) statement is removed from
//! the report; a `skip` diagnostic names the statement, the justification and the file,
//! shown with `-v` and in the JSON/SARIF diagnostics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use palisade_engine::finding::{Diagnostic, DiagnosticLevel, Finding, Location};
use serde_json::Value;

use crate::cli::DepsArgs;

/// Largest VEX document read.
const MAX_VEX_BYTES: u64 = 64 << 20;

/// One "not affected" statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The vulnerability id and its aliases.
    pub ids: Vec<String>,
    /// Package URLs it covers (empty: none could be read, so it covers nothing).
    pub products: Vec<String>,
    /// The VEX justification (`vulnerable_code_not_in_execute_path`, `code_not_reachable`, …).
    pub justification: Option<String>,
    /// The free-text impact statement or analysis detail.
    pub detail: Option<String>,
    /// The document it came from.
    pub source: String,
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Reads the `not_affected` statements of an OpenVEX or CycloneDX VEX JSON document.
pub fn read(path: &Path) -> Result<Vec<Statement>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > MAX_VEX_BYTES {
        bail!(
            "{}: {} bytes, more than the {} a VEX document may have",
            path.display(),
            meta.len(),
            MAX_VEX_BYTES
        );
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc: Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a JSON VEX document", path.display()))?;
    let source = path.display().to_string();
    if let Some(statements) = doc.get("statements").and_then(Value::as_array) {
        Ok(openvex(statements, &source))
    } else if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        Ok(cyclonedx(&doc, &source))
    } else {
        bail!(
            "{}: neither OpenVEX (no \"statements\") nor CycloneDX VEX (no \"bomFormat\": \"CycloneDX\")",
            path.display()
        )
    }
}

fn openvex(statements: &[Value], source: &str) -> Vec<Statement> {
    let mut out = Vec::new();
    for s in statements {
        if s.get("status").and_then(Value::as_str) != Some("not_affected") {
            continue;
        }
        let mut ids = Vec::new();
        match s.get("vulnerability") {
            Some(Value::String(name)) => ids.push(name.clone()),
            Some(v) => {
                ids.extend(str_of(v, "name"));
                ids.extend(str_of(v, "@id"));
                ids.extend(
                    v.get("aliases")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned),
                );
            }
            None => {}
        }
        let mut products = Vec::new();
        for p in s
            .get("products")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            product_purls(p, &mut products);
            for sub in p
                .get("subcomponents")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                product_purls(sub, &mut products);
            }
        }
        out.push(Statement {
            ids,
            products,
            justification: str_of(s, "justification"),
            detail: str_of(s, "impact_statement"),
            source: source.to_owned(),
        });
    }
    out
}

fn product_purls(p: &Value, out: &mut Vec<String>) {
    match p {
        Value::String(s) if s.starts_with("pkg:") => out.push(s.clone()),
        Value::Object(_) => {
            if let Some(id) = str_of(p, "@id").filter(|s| s.starts_with("pkg:")) {
                out.push(id);
            }
            if let Some(purl) = p.get("identifiers").and_then(|i| str_of(i, "purl")) {
                out.push(purl);
            }
        }
        _ => {}
    }
}

fn cyclonedx(doc: &Value, source: &str) -> Vec<Statement> {
    // bom-ref → purl of the document's own components (nested ones included).
    let mut refs: HashMap<String, String> = HashMap::new();
    let mut stack: Vec<&Value> = doc
        .get("components")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut budget = 1_000_000usize;
    while let Some(c) = stack.pop() {
        budget = budget.saturating_sub(1);
        if budget == 0 {
            break;
        }
        if let (Some(r), Some(p)) = (str_of(c, "bom-ref"), str_of(c, "purl")) {
            refs.insert(r, p);
        }
        if let Some(children) = c.get("components").and_then(Value::as_array) {
            stack.extend(children);
        }
    }
    let mut out = Vec::new();
    for v in doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let analysis = v.get("analysis");
        let state = analysis
            .and_then(|a| a.get("state"))
            .and_then(Value::as_str);
        if !matches!(state, Some("not_affected" | "false_positive")) {
            continue;
        }
        let mut ids: Vec<String> = str_of(v, "id").into_iter().collect();
        ids.extend(
            v.get("references")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| str_of(r, "id")),
        );
        let products = v
            .get("affects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| str_of(a, "ref"))
            .filter_map(|r| {
                if r.starts_with("pkg:") {
                    return Some(r);
                }
                let local = r.rsplit_once('#').map_or(r.as_str(), |(_, l)| l);
                refs.get(local).cloned()
            })
            .collect();
        out.push(Statement {
            ids,
            products,
            justification: analysis
                .and_then(|a| str_of(a, "justification"))
                .or_else(|| state.map(str::to_owned)),
            detail: analysis.and_then(|a| str_of(a, "detail")),
            source: source.to_owned(),
        });
    }
    out
}

/// `pkg:type/ns/name@version` without qualifiers and subpath, and its version-less form.
fn purl_key(purl: &str) -> (String, String) {
    let base = purl.split(['?', '#']).next().unwrap_or(purl).to_owned();
    let unversioned = match base.rsplit_once('@') {
        Some((p, _)) if p.contains('/') => p.to_owned(),
        _ => base.clone(),
    };
    (base, unversioned)
}

fn covers(product: &str, finding_purl: &str) -> bool {
    let (p_full, p_base) = purl_key(product);
    let (f_full, f_base) = purl_key(finding_purl);
    if p_full == p_base {
        p_base.eq_ignore_ascii_case(&f_base)
    } else {
        p_full.eq_ignore_ascii_case(&f_full)
    }
}

/// The vulnerability ids a deps finding names: `NAME VERSION has ID (ALIAS, ALIAS): …`.
fn finding_ids(f: &Finding) -> Vec<String> {
    let Some((_, rest)) = f.message.split_once(" has ") else {
        return Vec::new();
    };
    let head = rest.split([':', ';']).next().unwrap_or(rest);
    head.split([' ', '(', ')', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn finding_purl(f: &Finding) -> Option<&str> {
    f.locations.iter().find_map(|l| match l {
        Location::Package { purl, .. } => Some(purl.as_str()),
        _ => None,
    })
}

/// Removes the findings a statement marks not affected; one `skip` diagnostic each.
pub fn apply(statements: &[Statement], findings: &mut Vec<Finding>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    findings.retain(|f| {
        if f.rule.as_str() != palisade_sca::RULE_ID {
            return true;
        }
        let Some(purl) = finding_purl(f) else {
            return true;
        };
        let ids = finding_ids(f);
        let hit = statements.iter().find(|s| {
            s.ids
                .iter()
                .any(|id| ids.iter().any(|i| i.eq_ignore_ascii_case(id)))
                && s.products.iter().any(|p| covers(p, purl))
        });
        let Some(s) = hit else { return true };
        let mut msg = format!(
            "{} in {purl}: not_affected per VEX {}",
            ids.first().map_or("?", String::as_str),
            s.source
        );
        if let Some(j) = &s.justification {
            msg.push_str(&format!(" ({j})"));
        }
        if let Some(d) = &s.detail {
            msg.push_str(&format!(": {d}"));
        }
        diags.push(Diagnostic::new(DiagnosticLevel::Skip, f.path(), msg));
        false
    });
    diags
}

/// `palisade deps` with its SBOM inputs and VEX documents.
pub fn deps_command(args: &DepsArgs) -> Result<ExitCode> {
    let mut scan = args.scan.clone();
    if let Some(t) = &args.format_type {
        let format = palisade_lockfile::Format::from_name(t)?;
        if let Some(d) = scan.paths.iter().find(|p| p.is_dir()) {
            bail!(
                "--type reads every file it is given as {}: name files, not the directory {}",
                format.name(),
                d.display()
            );
        }
        crate::deps_hygiene::force_format(format);
    } else if let [only] = scan.paths.as_slice()
        && only.is_file()
        && !palisade_image::is_image(only)
    {
        // One file (not a container image) named on the command line under a name that
        // says nothing (`deps-snapshot`, `x.lock`): recognised by its content, or refused,
        // never read as nothing.
        let name = only.to_string_lossy();
        let by_name = palisade_lockfile::detect(&name, b"").is_some()
            || only.file_name().is_some_and(|n| n == "package.json");
        if !by_name {
            use std::io::Read;
            let mut head = Vec::with_capacity(8192);
            std::fs::File::open(only)
                .and_then(|f| f.take(8192).read_to_end(&mut head))
                .with_context(|| format!("cannot read {}", only.display()))?;
            match palisade_lockfile::detect(&name, &head) {
                Some(format) => crate::deps_hygiene::force_format(format),
                None => bail!(
                    "{}: not a lockfile, manifest or SBOM palisade recognises, by name or by content; `--type FORMAT` forces one",
                    only.display()
                ),
            }
        }
    }
    if !args.sbom.is_empty() {
        for s in &args.sbom {
            let name = s.to_string_lossy();
            let head = std::fs::read(s)
                .with_context(|| format!("cannot read the SBOM {}", s.display()))?;
            use palisade_lockfile::Format;
            let sbom = |f: Option<Format>| {
                matches!(
                    f,
                    Some(
                        Format::CycloneDxJson
                            | Format::SpdxJson
                            | Format::CycloneDxXml
                            | Format::SpdxTagValue
                    )
                )
            };
            if sbom(palisade_lockfile::detect(&name, &[])) {
                continue;
            }
            // Recognised by content: scanned when its name ends in .json, .xml or .txt.
            let lower = name.to_ascii_lowercase();
            let by_content = sbom(palisade_lockfile::detect("sbom.input", &head));
            if !by_content {
                bail!(
                    "{}: not a CycloneDX (JSON or XML) or SPDX (JSON or tag-value) SBOM (no \"bomFormat\": \"CycloneDX\", <bom xmlns=\"http://cyclonedx.org/schema/bom/...\">, \"spdxVersion\" or SPDXVersion:)",
                    s.display()
                );
            }
            if ![".json", ".xml", ".txt"].iter().any(|e| lower.ends_with(e)) {
                bail!(
                    "{}: an SBOM by its content, but palisade reads SBOMs named *.json, *.xml, *.txt or *.spdx: rename it",
                    s.display()
                );
            }
        }
        // The SBOMs replace the default `.`; explicit paths are scanned too.
        if scan.paths == [PathBuf::from(".")] {
            scan.paths.clear();
        }
        scan.paths.extend(args.sbom.iter().cloned());
    }
    let mut statements = Vec::new();
    for v in &args.vex {
        statements.extend(read(v)?);
    }
    // Container images are read here, layer by layer; the other paths are walked.
    let (images, others): (Vec<PathBuf>, Vec<PathBuf>) = scan
        .paths
        .iter()
        .cloned()
        .partition(|p| palisade_image::is_image(p));
    let empty_root = tempfile::tempdir().context("cannot create a temporary directory")?;
    if !images.is_empty() {
        scan.paths = if others.is_empty() {
            vec![empty_root.path().to_path_buf()]
        } else {
            others
        };
    }
    let max_file = scan
        .walk
        .max_file_size_bytes(None)?
        .unwrap_or(palisade_engine::Limits::default().max_file_size);
    crate::commands::deps_scan(&scan, |scanner, outcome| {
        for image in &images {
            crate::image::scan_image(scanner, image, max_file, outcome)?;
        }
        if !images.is_empty() {
            let all = std::mem::take(&mut outcome.findings);
            outcome.findings = palisade_scan::merge_and_sort(all);
        }
        if !statements.is_empty() {
            let diags = apply(&statements, &mut outcome.findings);
            outcome.diagnostics.extend(diags);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_engine::finding::{Confidence, Fingerprint, RuleId, Severity};

    fn finding(msg: &str, purl: &str) -> Finding {
        Finding {
            rule: RuleId::new(palisade_sca::RULE_ID),
            severity: Severity::High,
            confidence: Confidence::High,
            message: msg.to_owned(),
            locations: vec![
                Location::File {
                    path: "Cargo.lock".to_owned(),
                    span: None,
                    git: None,
                },
                Location::Package {
                    purl: purl.to_owned(),
                    path: Some("Cargo.lock".to_owned()),
                },
            ],
            fingerprint: Fingerprint("f".to_owned()),
            snippet: None,
            fix: None,
            owners: Vec::new(),
            trace: Vec::new(),
        }
    }

    #[test]
    fn ids_come_from_the_message() {
        let f = finding(
            "openssl 0.8.0 has RUSTSEC-2016-0001 (CVE-2016-10931, GHSA-34p9-f4q3-c4r7): SSL/TLS: x; upgrade to 0.9.0",
            "pkg:cargo/openssl@0.8.0",
        );
        assert_eq!(
            finding_ids(&f),
            ["RUSTSEC-2016-0001", "CVE-2016-10931", "GHSA-34p9-f4q3-c4r7"]
        );
    }

    #[test]
    fn purls_match_with_and_without_version() {
        assert!(covers("pkg:cargo/openssl@0.8.0", "pkg:cargo/openssl@0.8.0"));
        assert!(covers("pkg:cargo/openssl", "pkg:cargo/openssl@0.8.0"));
        assert!(covers(
            "pkg:cargo/openssl@0.8.0?arch=x",
            "pkg:cargo/openssl@0.8.0"
        ));
        assert!(!covers(
            "pkg:cargo/openssl@0.8.1",
            "pkg:cargo/openssl@0.8.0"
        ));
        assert!(!covers("pkg:cargo/openssl-sys", "pkg:cargo/openssl@0.8.0"));
        assert!(covers(
            "pkg:npm/%40babel/core",
            "pkg:npm/%40babel/core@7.0.0"
        ));
    }
}
