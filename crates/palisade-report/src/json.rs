//! The frozen JSON format, version 1 (`docs/json-format.md`). These structs are the
//! contract: a field is never renamed or removed within version 1; new optional fields
//! may appear.

use std::io::Write;

use palisade_engine::finding::{Diagnostic, Finding, Location};
use serde::{Deserialize, Serialize};

use crate::{NotAudited, Report, ReportError, Summary};

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonV1 {
    pub version: u32,
    pub tool: JsonTool,
    pub findings: Vec<JsonFinding>,
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: JsonSummary,
}

/// An alias kept for readers of the format.
pub type JsonReport = JsonV1;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonTool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonFinding {
    pub rule: String,
    pub severity: String,
    pub confidence: String,
    pub message: String,
    pub fingerprint: String,
    pub cwe: Vec<String>,
    pub locations: Vec<JsonLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<JsonSnippet>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub owners: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Taint findings: the data flow, source first, sink last.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub trace: Vec<JsonTraceStep>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonTraceStep {
    pub message: String,
    pub location: JsonLocation,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonLocation {
    /// `file`, `package`, `http` or `yaml`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Commit time, RFC 3339 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonSnippet {
    pub first_line: u32,
    pub text: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonDiagnostic {
    pub level: String,
    pub path: String,
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonSummary {
    pub findings: usize,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub files_skipped: u64,
    pub errors: u64,
    pub suppressed: u64,
    pub baselined: u64,
    /// Packages the dependency engine could not audit (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub not_audited: Vec<NotAudited>,
}

fn location(l: &Location) -> JsonLocation {
    let mut j = JsonLocation {
        kind: String::new(),
        path: None,
        start_line: None,
        start_column: None,
        end_line: None,
        end_column: None,
        purl: None,
        url: None,
        route: None,
        commit: None,
        author: None,
        email: None,
        date: None,
    };
    if let Some(sp) = l.span() {
        j.start_line = Some(sp.start_line);
        j.start_column = Some(sp.start_column);
        j.end_line = Some(sp.end_line);
        j.end_column = Some(sp.end_column);
    }
    match l {
        Location::File { path, git, .. } => {
            j.kind = "file".into();
            j.path = Some(path.clone());
            if let Some(g) = git {
                j.commit = Some(g.commit.clone());
                j.author = Some(g.author.clone());
                j.email = Some(g.email.clone());
                j.date = Some(rfc3339(g.time));
            }
        }
        Location::Package { purl, path } => {
            j.kind = "package".into();
            j.purl = Some(purl.clone());
            j.path.clone_from(path);
        }
        Location::Http { url, .. } => {
            j.kind = "http".into();
            j.url = Some(url.clone());
        }
        Location::Yaml { path, route, .. } => {
            j.kind = "yaml".into();
            j.path = Some(path.clone());
            j.route = Some(route.clone());
        }
    }
    j
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, proleptic Gregorian).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

pub(crate) fn finding(r: &Report<'_>, f: &Finding) -> JsonFinding {
    JsonFinding {
        rule: f.rule.0.clone(),
        severity: f.severity.as_str().into(),
        confidence: f.confidence.as_str().into(),
        message: f.message.clone(),
        fingerprint: f.fingerprint.0.clone(),
        cwe: r
            .rule(f.rule.as_str())
            .map(|m| m.cwe.iter().map(|c| format!("CWE-{c}")).collect())
            .unwrap_or_default(),
        locations: f.locations.iter().map(location).collect(),
        snippet: f.snippet.as_ref().map(|s| JsonSnippet {
            first_line: s.first_line,
            text: s.text.clone(),
        }),
        owners: f.owners.clone(),
        fix: f.fix.as_ref().map(|x| x.description.clone()),
        trace: f
            .trace
            .iter()
            .map(|t| JsonTraceStep {
                message: t.message.clone(),
                location: location(&t.location),
            })
            .collect(),
    }
}

fn diagnostic(d: &Diagnostic) -> JsonDiagnostic {
    let level = match d.level {
        palisade_engine::finding::DiagnosticLevel::Skip => "skip",
        palisade_engine::finding::DiagnosticLevel::Warning => "warning",
        palisade_engine::finding::DiagnosticLevel::Error => "error",
    };
    JsonDiagnostic {
        level: level.into(),
        path: d.path.clone(),
        message: d.message.clone(),
    }
}

pub(crate) fn build(r: &Report<'_>) -> JsonV1 {
    let Summary {
        files_scanned,
        bytes_scanned,
        files_skipped,
        errors,
        suppressed,
        baselined,
    } = r.summary;
    JsonV1 {
        version: 1,
        tool: JsonTool {
            name: "palisade".into(),
            version: r.tool_version.into(),
        },
        findings: r.findings.iter().map(|f| finding(r, f)).collect(),
        diagnostics: r.diagnostics.iter().map(diagnostic).collect(),
        summary: JsonSummary {
            findings: r.findings.len(),
            files_scanned,
            bytes_scanned,
            files_skipped,
            errors,
            suppressed,
            baselined,
            not_audited: r.not_audited.to_vec(),
        },
    }
}

pub(crate) fn render(r: &Report<'_>, out: &mut dyn Write) -> Result<(), ReportError> {
    serde_json::to_writer_pretty(&mut *out, &build(r))?;
    writeln!(out)?;
    Ok(())
}
