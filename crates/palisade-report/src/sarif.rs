//! SARIF 2.1.0, as GitHub code scanning and other consumers read it: rules with help
//! text, CWE taxa, `security-severity`, `partialFingerprints`, and diagnostics as tool
//! execution notifications. Checked against the OASIS schema in the tests.

use std::collections::BTreeSet;
use std::io::Write;

use palisade_engine::RuleMeta;
use palisade_engine::finding::{DiagnosticLevel, Finding, Location, Severity};
use serde_json::{Value, json};

use crate::{Report, ReportError};

const INFO_URI: &str = "https://github.com/palisade-security/palisade";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Percent-encodes a relative path for an SARIF `uri`.
pub(crate) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule_descriptor(meta: &RuleMeta) -> Value {
    let short = meta.name.clone();
    let full = meta
        .description
        .split("\n\n")
        .next()
        .unwrap_or(&meta.description)
        .replace('\n', " ")
        .trim()
        .to_string();
    let mut tags = vec!["security".to_string()];
    tags.extend(meta.cwe.iter().map(|c| format!("external/cwe/cwe-{c}")));
    tags.extend(meta.owasp.iter().map(|o| format!("external/owasp/{o}")));
    let mut help_md = meta.description.trim().to_string();
    if !meta.references.is_empty() {
        help_md.push_str("\n\n**References**\n");
        for r in &meta.references {
            help_md.push_str(&format!("- {r}\n"));
        }
    }
    let relationships: Vec<Value> = meta
        .cwe
        .iter()
        .map(|c| {
            json!({
                "target": { "id": c.to_string(), "toolComponent": { "name": "CWE" } },
                "kinds": ["superset"]
            })
        })
        .collect();
    let mut d = json!({
        "id": meta.id,
        "name": meta.id.rsplit('/').next().unwrap_or(&meta.id),
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "help": { "text": meta.description.trim(), "markdown": help_md },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": {
            "tags": tags,
            "precision": match meta.confidence {
                palisade_engine::finding::Confidence::High => "high",
                palisade_engine::finding::Confidence::Medium => "medium",
                palisade_engine::finding::Confidence::Low => "low",
            },
            "security-severity": meta.severity.security_severity(),
        },
        "relationships": relationships,
    });
    if let Some(first) = meta.references.first() {
        d["helpUri"] = json!(first);
    }
    d
}

fn physical(
    path: &str,
    span: Option<&palisade_engine::finding::Span>,
    snippet: Option<&str>,
) -> Value {
    let mut p = json!({ "artifactLocation": { "uri": uri(path), "uriBaseId": "%SRCROOT%" } });
    if let Some(sp) = span {
        let mut region = json!({
            "startLine": sp.start_line.max(1),
            "startColumn": sp.start_column.max(1),
            "endLine": sp.end_line.max(1),
            "endColumn": sp.end_column.max(1),
        });
        if let Some(s) = snippet {
            region["snippet"] = json!({ "text": s });
        }
        p["region"] = region;
    }
    p
}

fn location(loc: &Location, snippet: Option<&str>) -> Value {
    match loc {
        Location::File { path, span, git } => {
            let mut l = json!({ "physicalLocation": physical(path, span.as_ref(), snippet) });
            if let Some(g) = git {
                l["properties"] = json!({
                    "commit": g.commit,
                    "blob": g.blob,
                    "author": g.author,
                    "email": g.email,
                    "date": crate::json::rfc3339(g.time),
                });
            }
            l
        }
        Location::Yaml { path, route, span } => json!({
            "physicalLocation": physical(path, span.as_ref(), snippet),
            "logicalLocations": [{ "fullyQualifiedName": route, "kind": "element" }],
        }),
        Location::Package { purl, path } => {
            let mut l = json!({
                "logicalLocations": [{ "fullyQualifiedName": purl, "kind": "package" }],
            });
            if let Some(p) = path {
                l["physicalLocation"] = physical(p, None, None);
            }
            l
        }
        Location::Http { url, .. } => json!({
            "physicalLocation": { "artifactLocation": { "uri": url } },
        }),
    }
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let snippet_line = f.snippet.as_ref().and_then(|s| {
        let (ml, _, _) = s.mark?;
        s.text
            .lines()
            .nth(ml.checked_sub(s.first_line)? as usize)
            .map(str::to_string)
    });
    let mut locations = Vec::new();
    let mut related = Vec::new();
    for (i, loc) in f.locations.iter().enumerate() {
        if i == 0 {
            locations.push(location(loc, snippet_line.as_deref()));
        } else {
            let mut l = location(loc, None);
            l["id"] = json!(i);
            l["message"] = json!({ "text": "the same finding here too" });
            related.push(l);
        }
    }
    let mut r = json!({
        "ruleId": f.rule.as_str(),
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": locations,
        "partialFingerprints": { "palisade/v1": f.fingerprint.0 },
        "properties": {
            "severity": f.severity.as_str(),
            "confidence": f.confidence.as_str(),
        },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if !related.is_empty() {
        r["relatedLocations"] = json!(related);
    }
    if !f.trace.is_empty() {
        // SARIF 2.1.0 §3.36: one code flow, one thread flow, the steps in order.
        let steps: Vec<Value> = f
            .trace
            .iter()
            .map(|t| {
                let mut l = location(&t.location, None);
                l["message"] = json!({ "text": t.message });
                json!({ "location": l })
            })
            .collect();
        r["codeFlows"] = json!([{ "threadFlows": [{ "locations": steps }] }]);
    }
    if !f.owners.is_empty() {
        r["properties"]["owners"] = json!(f.owners);
    }
    r
}

/// GitHub code scanning's documented hard limits on an uploaded SARIF file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SarifLimits {
    /// Results per run (GitHub: 25,000).
    pub results_per_run: usize,
    /// Runs per file (GitHub: 20).
    pub runs: usize,
    /// Locations per result, primary and related together (GitHub: 1,000).
    pub locations_per_result: usize,
    /// The file's size once gzipped (GitHub: 10 MB).
    pub gzip_bytes: usize,
}

impl Default for SarifLimits {
    fn default() -> Self {
        SarifLimits {
            results_per_run: 25_000,
            runs: 20,
            locations_per_result: 1_000,
            gzip_bytes: 10 * 1024 * 1024,
        }
    }
}

fn rules_and_taxa(
    r: &Report<'_>,
    findings: &[&Finding],
) -> (Vec<Value>, Option<Value>, Vec<String>) {
    let used: BTreeSet<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    let metas: Vec<&RuleMeta> = used.iter().filter_map(|id| r.rule(id)).collect();
    let rules: Vec<Value> = metas.iter().map(|m| rule_descriptor(m)).collect();
    let cwes: BTreeSet<u32> = metas.iter().flat_map(|m| m.cwe.iter().copied()).collect();
    let taxa: Vec<Value> = cwes
        .iter()
        .map(|c| {
            json!({
                "id": c.to_string(),
                "name": format!("CWE-{c}"),
                "helpUri": format!("https://cwe.mitre.org/data/definitions/{c}.html"),
            })
        })
        .collect();
    let taxonomy = (!taxa.is_empty()).then(|| {
        json!([{
            "name": "CWE",
            "organization": "MITRE",
            "shortDescription": { "text": "The MITRE Common Weakness Enumeration" },
            "informationUri": "https://cwe.mitre.org/",
            "taxa": taxa,
        }])
    });
    let ids = metas.iter().map(|m| m.id.clone()).collect();
    (rules, taxonomy, ids)
}

fn build_run(
    r: &Report<'_>,
    findings: &[&Finding],
    limits: &SarifLimits,
    warnings: &[String],
    first: bool,
) -> Value {
    let (rules, taxonomy, ids) = rules_and_taxa(r, findings);
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut v = result(f, ids.iter().position(|id| id == f.rule.as_str()));
            // Related locations beyond GitHub's per-result limit are dropped.
            if let Some(rel) = v.get_mut("relatedLocations").and_then(Value::as_array_mut) {
                rel.truncate(limits.locations_per_result.saturating_sub(1));
            }
            v
        })
        .collect();
    let mut notifications: Vec<Value> = if first {
        r.diagnostics
            .iter()
            .filter(|d| d.level != DiagnosticLevel::Skip)
            .map(|d| {
                json!({
                    "level": if d.level == DiagnosticLevel::Error { "error" } else { "warning" },
                    "message": { "text": format!("{}: {}", d.path, d.message) },
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    if first {
        notifications.extend(
            warnings
                .iter()
                .map(|w| json!({ "level": "warning", "message": { "text": w } })),
        );
        notifications.extend(r.not_audited.iter().map(|n| {
            json!({
                "descriptor": { "id": "deps/not-audited" },
                "level": "warning",
                "message": { "text": n.message() },
            })
        }));
    }
    let mut invocation = json!({
        "executionSuccessful": r.summary.errors == 0,
        "toolExecutionNotifications": notifications,
    });
    if first && !r.not_audited.is_empty() {
        invocation["properties"] = json!({ "notAudited": r.not_audited });
    }
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "palisade",
                "semanticVersion": r.tool_version,
                "version": r.tool_version,
                "informationUri": INFO_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The scan root." } } },
        "results": results,
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
    });
    if let Some(t) = taxonomy {
        run["taxonomies"] = t;
        run["tool"]["driver"]["supportedTaxonomies"] = json!([{ "name": "CWE" }]);
    }
    run
}

fn build_log(
    r: &Report<'_>,
    findings: &[&Finding],
    limits: &SarifLimits,
    warnings: &[String],
) -> Value {
    let per_run = limits.results_per_run.max(1);
    let runs: Vec<Value> = if findings.len() <= per_run {
        vec![build_run(r, findings, limits, warnings, true)]
    } else {
        findings
            .chunks(per_run)
            .enumerate()
            .map(|(i, chunk)| build_run(r, chunk, limits, warnings, i == 0))
            .collect()
    };
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": runs,
    })
}

fn gzip_len(bytes: &[u8]) -> usize {
    use flate2::Compression;
    use flate2::write::GzEncoder;
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    if enc.write_all(bytes).is_err() {
        return usize::MAX;
    }
    enc.finish().map_or(usize::MAX, |v| v.len())
}

/// Writes SARIF within `limits`: more results than one run may hold are split into
/// several runs (most severe first); beyond the run limit, or when the gzipped file would
/// be too large, the least severe results are left out. Returns a warning for each cut,
/// also written into the log as tool execution notifications.
pub(crate) fn render_limited(
    r: &Report<'_>,
    limits: &SarifLimits,
    out: &mut dyn Write,
) -> Result<Vec<String>, ReportError> {
    let mut findings: Vec<&Finding> = r.findings.iter().collect();
    let per_run = limits.results_per_run.max(1);
    let mut warnings = Vec::new();
    if findings.len() > per_run {
        // Stable: within a severity, the scan's order (path, line) is kept.
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let runs = findings.len().div_ceil(per_run);
        warnings.push(format!(
            "{} results are more than GitHub's limit of {per_run} per run: split into {} runs, most severe first",
            findings.len(),
            runs.min(limits.runs.max(1))
        ));
        let max = per_run.saturating_mul(limits.runs.max(1));
        if findings.len() > max {
            warnings.push(format!(
                "{} least severe result(s) left out: GitHub accepts at most {} runs of {per_run} results",
                findings.len() - max,
                limits.runs
            ));
            findings.truncate(max);
        }
    }
    if r.findings
        .iter()
        .any(|f| f.locations.len() > limits.locations_per_result)
    {
        warnings.push(format!(
            "locations past the first {} of a result are left out (GitHub's limit)",
            limits.locations_per_result
        ));
    }
    let mut log = build_log(r, &findings, limits, &warnings);
    let mut bytes = serde_json::to_vec_pretty(&log)?;
    let mut gz = gzip_len(&bytes);
    let total = findings.len();
    let mut tries = 0;
    while gz > limits.gzip_bytes && tries < 8 && !findings.is_empty() {
        tries += 1;
        if tries == 1 {
            findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        }
        // Shrink in proportion, with a margin, then check again.
        let keep =
            ((findings.len() as f64) * (limits.gzip_bytes as f64 / gz as f64) * 0.9) as usize;
        findings.truncate(keep.min(findings.len().saturating_sub(1)));
        let mut w = warnings.clone();
        w.push(format!(
            "{} least severe result(s) left out: the gzipped SARIF must stay under {} bytes (GitHub's limit)",
            total - findings.len(),
            limits.gzip_bytes
        ));
        log = build_log(r, &findings, limits, &w);
        bytes = serde_json::to_vec_pretty(&log)?;
        gz = gzip_len(&bytes);
        if gz <= limits.gzip_bytes || tries == 8 || findings.is_empty() {
            warnings = w;
        }
    }
    out.write_all(&bytes)?;
    writeln!(out)?;
    Ok(warnings)
}

pub(crate) fn render(r: &Report<'_>, out: &mut dyn Write) -> Result<(), ReportError> {
    render_limited(r, &SarifLimits::default(), out).map(|_| ())
}
