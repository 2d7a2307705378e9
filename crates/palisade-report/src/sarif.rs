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
    if !f.owners.is_empty() {
        r["properties"]["owners"] = json!(f.owners);
    }
    r
}

pub(crate) fn render(r: &Report<'_>, out: &mut dyn Write) -> Result<(), ReportError> {
    let used: BTreeSet<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
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
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| result(f, metas.iter().position(|m| m.id == f.rule.as_str())))
        .collect();
    let mut notifications: Vec<Value> = r
        .diagnostics
        .iter()
        .filter(|d| d.level != DiagnosticLevel::Skip)
        .map(|d| {
            json!({
                "level": if d.level == DiagnosticLevel::Error { "error" } else { "warning" },
                "message": { "text": format!("{}: {}", d.path, d.message) },
            })
        })
        .collect();
    notifications.extend(r.not_audited.iter().map(|n| {
        json!({
            "descriptor": { "id": "deps/not-audited" },
            "level": "warning",
            "message": { "text": n.message() },
        })
    }));
    let mut invocation = json!({
        "executionSuccessful": r.summary.errors == 0,
        "toolExecutionNotifications": notifications,
    });
    if !r.not_audited.is_empty() {
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
    if !taxa.is_empty() {
        run["taxonomies"] = json!([{
            "name": "CWE",
            "organization": "MITRE",
            "shortDescription": { "text": "The MITRE Common Weakness Enumeration" },
            "informationUri": "https://cwe.mitre.org/",
            "taxa": taxa,
        }]);
        run["tool"]["driver"]["supportedTaxonomies"] = json!([{ "name": "CWE" }]);
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)?;
    Ok(())
}
