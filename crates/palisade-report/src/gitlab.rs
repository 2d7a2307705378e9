//! GitLab's SAST report (`gl-sast-report.json`, security report schema 15.x), which a
//! GitLab CI job publishes with `artifacts:reports:sast` so findings show in the merge
//! request's security widget and the vulnerability report. GitLab does not read SARIF
//! there. Each finding is one vulnerability whose `id` derives from palisade's
//! fingerprint, so GitLab tracks it across pipelines as code moves.

use std::io::Write;

use palisade_engine::finding::{Finding, Severity};
use serde_json::{Value, json};

use crate::{Report, ReportError};

/// The schema version written.
pub const GITLAB_SAST_SCHEMA: &str = "15.0.7";

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// A UUID-shaped id from the fingerprint (GitLab expects one; the fingerprint is 32 hex
/// digits, anything else is hashed to them).
fn uuid_of(fingerprint: &str) -> String {
    use sha2::Digest;
    let hex: String =
        if fingerprint.len() == 32 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
            fingerprint.to_ascii_lowercase()
        } else {
            sha2::Sha256::digest(fingerprint.as_bytes())
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect()
        };
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn vulnerability(r: &Report<'_>, f: &Finding) -> Value {
    let meta = r.rule(f.rule.as_str());
    let mut identifiers = vec![json!({
        "type": "palisade_rule_id",
        "name": format!("palisade {}", f.rule.as_str()),
        "value": f.rule.as_str(),
    })];
    if let Some(m) = meta {
        for c in &m.cwe {
            identifiers.push(json!({
                "type": "cwe",
                "name": format!("CWE-{c}"),
                "value": c.to_string(),
                "url": format!("https://cwe.mitre.org/data/definitions/{c}.html"),
            }));
        }
    }
    let (start, end) = f
        .primary()
        .and_then(palisade_engine::finding::Location::span)
        .map_or((None, None), |s| {
            (
                Some(s.start_line.max(1)),
                Some(s.end_line.max(s.start_line).max(1)),
            )
        });
    let mut location = json!({ "file": f.path() });
    if let Some(s) = start {
        location["start_line"] = json!(s);
    }
    if let Some(e) = end {
        location["end_line"] = json!(e);
    }
    let mut description = f.message.clone();
    if let Some(m) = meta {
        description.push_str("\n\n");
        description.push_str(m.description.trim());
    }
    if let Some(fix) = &f.fix {
        description.push_str("\n\nFix: ");
        description.push_str(&fix.description);
    }
    let mut v = json!({
        "id": uuid_of(&f.fingerprint.0),
        "name": meta.map_or_else(|| f.rule.as_str().to_owned(), |m| m.name.clone()),
        "description": description,
        "severity": severity(f.severity),
        "identifiers": identifiers,
        "location": location,
    });
    if let Some(m) = meta
        && !m.references.is_empty()
    {
        v["links"] = json!(
            m.references
                .iter()
                .map(|u| json!({ "url": u }))
                .collect::<Vec<_>>()
        );
    }
    v
}

pub(crate) fn render(
    r: &Report<'_>,
    scan_time: i64,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    // GitLab's time format has no zone designator: UTC is implied.
    let time = crate::json::rfc3339(scan_time)
        .trim_end_matches('Z')
        .to_owned();
    let tool = json!({
        "id": "palisade",
        "name": "palisade",
        "version": r.tool_version,
        "vendor": { "name": "palisade" },
    });
    let doc = json!({
        "version": GITLAB_SAST_SCHEMA,
        "vulnerabilities": r.findings.iter().map(|f| vulnerability(r, f)).collect::<Vec<_>>(),
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "sast",
            "start_time": time,
            "end_time": time,
            "status": if r.summary.errors == 0 { "success" } else { "failure" },
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}
