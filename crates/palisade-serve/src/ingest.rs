//! What an upload body is: palisade JSON v1, SARIF 2.1.0 (any tool), or a CycloneDX or
//! SPDX JSON SBOM. Each is turned into what the store records.

use palisade_report::JsonV1;
use palisade_store::{FindingDetail, NewComponent, NewFinding, Severity, evidence_hash};
use serde_json::Value;

/// An upload, read.
#[derive(Debug, Clone, Default)]
pub struct Ingested {
    /// `palisade-json`, `sarif`, `cyclonedx` or `spdx`.
    pub format: &'static str,
    /// One per tool run: tool, version, findings.
    pub runs: Vec<(String, String, Vec<NewFinding>)>,
    pub details: Vec<FindingDetail>,
    /// The inventory, for SBOMs.
    pub components: Option<Vec<NewComponent>>,
}

/// At most this many components in one SBOM.
const MAX_COMPONENTS: usize = 500_000;
/// At most this many findings in one palisade JSON upload.
const MAX_FINDINGS: usize = 2_000_000;

/// Reads an upload body.
pub fn ingest(bytes: &[u8]) -> Result<Ingested, String> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON: {e}"))?;
    if doc.get("runs").is_some() && doc.get("version").and_then(Value::as_str).is_some() {
        let runs = palisade_store::sarif::parse(bytes, "upload").map_err(|e| e.to_string())?;
        return Ok(Ingested {
            format: "sarif",
            runs: runs
                .into_iter()
                .map(|r| (r.tool, r.tool_version, r.findings))
                .collect(),
            details: Vec::new(),
            components: None,
        });
    }
    if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        let mut out = Vec::new();
        cyclonedx(&doc, &mut out, 0)?;
        return Ok(Ingested {
            format: "cyclonedx",
            components: Some(out),
            ..Ingested::default()
        });
    }
    if doc.get("spdxVersion").is_some() {
        return Ok(Ingested {
            format: "spdx",
            components: Some(spdx(&doc)?),
            ..Ingested::default()
        });
    }
    if doc.get("version").and_then(Value::as_u64) == Some(1) && doc.get("findings").is_some() {
        let report: JsonV1 =
            serde_json::from_value(doc).map_err(|e| format!("not valid palisade JSON v1: {e}"))?;
        return palisade_json(report);
    }
    Err("the body is neither palisade JSON v1, SARIF 2.1.0, CycloneDX nor SPDX JSON".into())
}

fn palisade_json(report: JsonV1) -> Result<Ingested, String> {
    if report.findings.len() > MAX_FINDINGS {
        return Err(format!("more than {MAX_FINDINGS} findings"));
    }
    let mut findings = Vec::with_capacity(report.findings.len());
    let mut details = Vec::new();
    for (i, f) in report.findings.into_iter().enumerate() {
        let severity: Severity = f
            .severity
            .parse()
            .map_err(|_| format!("finding {i}: severity `{}` is not known", f.severity))?;
        if f.fingerprint.is_empty() || f.fingerprint.len() > 200 {
            return Err(format!("finding {i}: the fingerprint is empty or too long"));
        }
        let first = f.locations.first();
        let (path, line) = match first {
            Some(l) => match l.kind.as_str() {
                "package" => (
                    l.path
                        .clone()
                        .or_else(|| l.purl.clone())
                        .unwrap_or_default(),
                    l.start_line.unwrap_or(0),
                ),
                "http" => (l.url.clone().unwrap_or_default(), 0),
                _ => (
                    l.path.clone().unwrap_or_default(),
                    l.start_line.unwrap_or(0),
                ),
            },
            None => (String::new(), 0),
        };
        let evidence = f.snippet.as_ref().and_then(|s| {
            let idx = line.checked_sub(s.first_line)?;
            s.text.lines().nth(idx as usize).and_then(evidence_hash)
        });
        let cwe = f
            .cwe
            .iter()
            .filter_map(|c| {
                c.trim()
                    .trim_start_matches("CWE-")
                    .trim_start_matches("cwe-")
                    .parse()
                    .ok()
            })
            .collect();
        let trace: Vec<String> = if f.locations.len() > 1 {
            f.locations
                .iter()
                .map(|l| match (&l.path, l.start_line, &l.purl, &l.url) {
                    (Some(p), Some(n), _, _) => format!("{p}:{n}"),
                    (Some(p), None, _, _) => p.clone(),
                    (None, _, Some(p), _) => p.clone(),
                    (None, _, None, Some(u)) => u.clone(),
                    _ => String::new(),
                })
                .take(100)
                .collect()
        } else {
            Vec::new()
        };
        if f.snippet.is_some() || !trace.is_empty() || f.fix.is_some() {
            details.push(FindingDetail {
                fingerprint: f.fingerprint.clone(),
                snippet_line: f.snippet.as_ref().map(|s| s.first_line),
                snippet: f
                    .snippet
                    .as_ref()
                    .map(|s| s.text.chars().take(8_000).collect()),
                trace,
                fix: f.fix.clone(),
            });
        }
        findings.push(NewFinding {
            fingerprint: f.fingerprint,
            rule: f.rule,
            severity,
            message: f.message,
            path,
            line,
            evidence,
            cwe,
            owners: f.owners,
        });
    }
    Ok(Ingested {
        format: "palisade-json",
        runs: vec![(report.tool.name, report.tool.version, findings)],
        details,
        components: None,
    })
}

fn ecosystem_of(purl: &str) -> String {
    purl.strip_prefix("pkg:")
        .and_then(|r| r.split('/').next())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn cyclonedx(v: &Value, out: &mut Vec<NewComponent>, depth: usize) -> Result<(), String> {
    if depth > 32 {
        return Err("CycloneDX components nest more than 32 deep".into());
    }
    let Some(list) = v.get("components").and_then(Value::as_array) else {
        return Ok(());
    };
    for c in list {
        if out.len() >= MAX_COMPONENTS {
            return Err(format!("more than {MAX_COMPONENTS} components"));
        }
        let name = c.get("name").and_then(Value::as_str).unwrap_or("");
        let version = c.get("version").and_then(Value::as_str).unwrap_or("");
        let purl = c.get("purl").and_then(Value::as_str).unwrap_or("");
        if !name.is_empty() {
            let group = c.get("group").and_then(Value::as_str).unwrap_or("");
            out.push(NewComponent {
                purl: if purl.is_empty() {
                    format!("{group}/{name}@{version}")
                } else {
                    purl.to_owned()
                },
                name: name.to_owned(),
                version: version.to_owned(),
                ecosystem: ecosystem_of(purl),
            });
        }
        cyclonedx(c, out, depth + 1)?;
    }
    Ok(())
}

fn spdx(v: &Value) -> Result<Vec<NewComponent>, String> {
    let mut out = Vec::new();
    for p in v
        .get("packages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if out.len() >= MAX_COMPONENTS {
            return Err(format!("more than {MAX_COMPONENTS} packages"));
        }
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        let version = p.get("versionInfo").and_then(Value::as_str).unwrap_or("");
        let purl = p
            .get("externalRefs")
            .and_then(Value::as_array)
            .and_then(|refs| {
                refs.iter().find_map(|r| {
                    (r.get("referenceType").and_then(Value::as_str) == Some("purl"))
                        .then(|| r.get("referenceLocator").and_then(Value::as_str))
                        .flatten()
                })
            })
            .unwrap_or("");
        if name.is_empty() {
            continue;
        }
        out.push(NewComponent {
            purl: if purl.is_empty() {
                format!("{name}@{version}")
            } else {
                purl.to_owned()
            },
            name: name.to_owned(),
            version: version.to_owned(),
            ecosystem: ecosystem_of(purl),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_format_and_refuses_others() {
        let sarif = br#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep","version":"1.0","rules":[]}},"results":[{"ruleId":"x","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.py"},"region":{"startLine":3}}}]}]}]}"#;
        let s = ingest(sarif).expect("sarif");
        assert_eq!((s.format, s.runs.len(), s.runs[0].2.len()), ("sarif", 1, 1));
        let cdx = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"log4j-core","group":"org.apache.logging.log4j","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1","components":[{"name":"inner","version":"1"}]}]}"#;
        let c = ingest(cdx).expect("cdx");
        let comps = c.components.expect("components");
        assert_eq!(comps.len(), 2);
        assert_eq!(comps[0].ecosystem, "maven");
        let spdx = br#"{"spdxVersion":"SPDX-2.3","packages":[{"name":"lodash","versionInfo":"4.17.20","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:npm/lodash@4.17.20"}]}]}"#;
        let p = ingest(spdx).expect("spdx");
        assert_eq!(p.components.expect("c")[0].purl, "pkg:npm/lodash@4.17.20");
        let json = br#"{"version":1,"tool":{"name":"palisade","version":"0.1.0"},"findings":[{"rule":"sast/sqli","severity":"high","confidence":"high","message":"m","fingerprint":"abcd1234","cwe":["CWE-89"],"locations":[{"kind":"file","path":"app.py","start_line":4},{"kind":"file","path":"in.py","start_line":1}],"snippet":{"first_line":3,"text":"a\nq = 'x' + y\n"},"owners":["@team"]}],"diagnostics":[],"summary":{"findings":1,"files_scanned":1,"bytes_scanned":1,"files_skipped":0,"errors":0,"suppressed":0,"baselined":0}}"#;
        let j = ingest(json).expect("json");
        let f = &j.runs[0].2[0];
        assert_eq!(
            (f.path.as_str(), f.line, f.cwe.as_slice()),
            ("app.py", 4, &[89][..])
        );
        assert!(f.evidence.is_some());
        assert_eq!(j.details[0].trace, ["app.py:4", "in.py:1"]);
        assert!(ingest(b"{}").is_err());
        assert!(ingest(b"not json").is_err());
        let bad_sev = String::from_utf8_lossy(json)
            .replace("\"high\",\"confidence\"", "\"urgent\",\"confidence\"");
        assert!(ingest(bad_sev.as_bytes()).is_err());
    }
}
