//! Reading SARIF 2.1.0 from any tool (Semgrep, CodeQL, Trivy, Checkov, gitleaks, zizmor,
//! palisade itself) into findings the store takes.
//!
//! - Identity: a result's `partialFingerprints` (or `fingerprints`), when present, hashed
//!   with the tool and rule; palisade's own `palisade/v1` fingerprint is kept as it is, so
//!   importing palisade's SARIF is the same as recording the scan. Without any, the
//!   fingerprint is a hash of tool, rule, path and the flagged snippet (or the line when
//!   there is no snippet).
//! - Severity: the rule's (or result's) `security-severity` score when given (CodeQL,
//!   Trivy: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low), else the SARIF level (`error`
//!   high, `warning` medium, `note` low, `none` info; SARIF's default is `warning`).
//! - CWE: from rule tags (`CWE-798`, `CWE-798: …`, `external/cwe/cwe-798`) and result
//!   properties, for deduplication against palisade's own findings.
//!
//! Hostile input: the size is checked before reading (the caller's limit), serde_json
//! bounds nesting depth, the number of results is bounded, and every malformed part is
//! an error naming the file, the run and the result — nothing is half-imported.

use serde_json::Value;
use sha2::Digest;

use crate::{Error, NewFinding, Severity, evidence_hash};

/// At most this many results in one file.
pub const MAX_RESULTS: usize = 2_000_000;

/// One run of one tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub tool: String,
    pub tool_version: String,
    pub findings: Vec<NewFinding>,
}

fn bad(source: &str, what: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{source}: not valid SARIF 2.1.0: {what}"))
}

/// Parses a SARIF log. `source` names the file in errors.
pub fn parse(bytes: &[u8], source: &str) -> Result<Vec<Run>, Error> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| bad(source, e))?;
    let version = doc.get("version").and_then(Value::as_str);
    if version != Some("2.1.0") {
        return Err(bad(
            source,
            format!(
                "`version` is {}, palisade reads 2.1.0",
                version.map_or_else(|| "missing".to_owned(), |v| format!("`{v}`"))
            ),
        ));
    }
    let runs = doc
        .get("runs")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(source, "`runs` is missing or not an array"))?;
    let mut out = Vec::with_capacity(runs.len());
    let mut total = 0usize;
    for (ri, run) in runs.iter().enumerate() {
        let r = parse_run(run, source, ri)?;
        total += r.findings.len();
        if total > MAX_RESULTS {
            return Err(bad(
                source,
                format!("more than {MAX_RESULTS} results; split the file"),
            ));
        }
        out.push(r);
    }
    Ok(out)
}

struct RuleInfo {
    id: String,
    level: Option<String>,
    score: Option<f64>,
    cwe: Vec<u32>,
}

fn score(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// CWE numbers in tags such as `CWE-798`, `CWE-798: Use of…`, `external/cwe/cwe-079`.
fn cwes(tags: Option<&Value>) -> Vec<u32> {
    let mut out = Vec::new();
    let Some(tags) = tags.and_then(Value::as_array) else {
        return out;
    };
    for t in tags.iter().filter_map(Value::as_str) {
        let lower = t.to_ascii_lowercase();
        if let Some(i) = lower.find("cwe-") {
            let digits: String = lower[i + 4..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse::<u32>()
                && !out.contains(&n)
            {
                out.push(n);
            }
        }
    }
    out
}

fn rule_info(v: &Value) -> Option<RuleInfo> {
    let id = v.get("id")?.as_str()?.to_owned();
    let props = v.get("properties");
    Some(RuleInfo {
        id,
        level: v
            .pointer("/defaultConfiguration/level")
            .and_then(Value::as_str)
            .map(str::to_owned),
        score: score(props.and_then(|p| p.get("security-severity"))),
        cwe: cwes(props.and_then(|p| p.get("tags"))),
    })
}

fn severity_of(score: Option<f64>, level: Option<&str>) -> Severity {
    if let Some(s) = score {
        return if s >= 9.0 {
            Severity::Critical
        } else if s >= 7.0 {
            Severity::High
        } else if s >= 4.0 {
            Severity::Medium
        } else if s > 0.0 {
            Severity::Low
        } else {
            Severity::Info
        };
    }
    match level.unwrap_or("warning") {
        "error" => Severity::High,
        "note" => Severity::Low,
        "none" => Severity::Info,
        _ => Severity::Medium,
    }
}

/// `file:///src/a.py` → `/src/a.py`; `./a.py` → `a.py`; `%20` decoded.
fn normalise_uri(uri: &str) -> String {
    let s = uri.strip_prefix("file://").unwrap_or(uri);
    let s = s.strip_prefix("./").unwrap_or(s);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_digit(bytes[i + 1]), hex_digit(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Tools whose every finding is a hard-coded credential (CWE-798).
const SECRET_SCANNERS: &[&str] = &[
    "gitleaks",
    "trufflehog",
    "detect-secrets",
    "noseyparker",
    "betterleaks",
];

/// Fingerprint maps with at least one non-empty value (gitleaks writes empty ones when
/// scanning files rather than history).
fn has_values(m: &serde_json::Map<String, Value>) -> bool {
    m.values().any(|v| v.as_str() != Some(""))
}

fn severity_word(s: &str) -> Option<Severity> {
    match s.to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "high" | "error" => Some(Severity::High),
        "medium" | "moderate" | "warning" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        "info" | "informational" | "unknown" | "note" => Some(Severity::Info),
        _ => None,
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn hash32(parts: &[&str]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..16])
}

fn parse_run(run: &Value, source: &str, ri: usize) -> Result<Run, Error> {
    let driver = run
        .pointer("/tool/driver")
        .ok_or_else(|| bad(source, format!("runs[{ri}]: `tool.driver` is missing")))?;
    let tool = driver
        .get("name")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| bad(source, format!("runs[{ri}]: `tool.driver.name` is missing")))?
        .trim()
        .to_owned();
    let tool_key = tool.to_ascii_lowercase();
    let tool_version = driver
        .get("semanticVersion")
        .or_else(|| driver.get("version"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    // Rules of the driver, then of extensions (CodeQL query packs).
    let mut rules: Vec<RuleInfo> = Vec::new();
    let mut components = vec![driver];
    if let Some(ext) = run.pointer("/tool/extensions").and_then(Value::as_array) {
        components.extend(ext.iter());
    }
    let driver_rules: Vec<RuleInfo> = driver
        .get("rules")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(rule_info).collect())
        .unwrap_or_default();
    for c in &components {
        if let Some(a) = c.get("rules").and_then(Value::as_array) {
            rules.extend(a.iter().filter_map(rule_info));
        }
    }
    let results = match run.get("results") {
        None | Some(Value::Null) => {
            return Ok(Run {
                tool,
                tool_version,
                findings: Vec::new(),
            });
        }
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(bad(source, format!("runs[{ri}].results is not an array")));
        }
    };
    let mut findings = Vec::with_capacity(results.len());
    for (i, r) in results.iter().enumerate() {
        let at = |what: &str| bad(source, format!("runs[{ri}].results[{i}]: {what}"));
        if !r.is_object() {
            return Err(at("not an object"));
        }
        let rule_index = r
            .get("ruleIndex")
            .or_else(|| r.pointer("/rule/index"))
            .and_then(Value::as_u64)
            .and_then(|x| usize::try_from(x).ok());
        let rule_id = r
            .get("ruleId")
            .or_else(|| r.pointer("/rule/id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                rule_index
                    .and_then(|x| driver_rules.get(x))
                    .map(|ri| ri.id.clone())
            })
            .ok_or_else(|| at("no `ruleId`"))?;
        let info = rule_index
            .and_then(|x| driver_rules.get(x))
            .filter(|ri| ri.id == rule_id)
            .or_else(|| rules.iter().find(|ri| ri.id == rule_id));
        let message = r
            .pointer("/message/text")
            .or_else(|| r.pointer("/message/markdown"))
            .or_else(|| r.pointer("/message/id"))
            .and_then(Value::as_str)
            .ok_or_else(|| at("no `message.text`"))?;
        // One line: multi-line messages (Trivy) joined, long ones cut.
        let mut message = message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        if message.len() > 300 {
            let mut end = 300;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push('…');
        }
        let physical = r.pointer("/locations/0/physicalLocation");
        let path = physical
            .and_then(|p| p.pointer("/artifactLocation/uri"))
            .and_then(Value::as_str)
            .map(normalise_uri)
            .or_else(|| {
                r.pointer("/locations/0/logicalLocations/0/fullyQualifiedName")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let line = physical
            .and_then(|p| p.pointer("/region/startLine"))
            .and_then(Value::as_u64)
            .and_then(|l| u32::try_from(l).ok())
            .unwrap_or(0);
        let snippet = physical
            .and_then(|p| p.pointer("/region/snippet/text"))
            .and_then(Value::as_str);
        // Secret scanners redact the evidence: a redaction marker is no evidence.
        let snippet = snippet.filter(|s| {
            let t = s.trim();
            !t.is_empty() && t != "REDACTED" && !t.chars().all(|c| c == '*')
        });
        let evidence = snippet
            .and_then(|s| s.lines().find(|l| !l.trim().is_empty()))
            .and_then(evidence_hash);
        let secrets = SECRET_SCANNERS.contains(&tool_key.as_str());
        let level = r
            .get("level")
            .and_then(Value::as_str)
            .or_else(|| info.and_then(|i| i.level.as_deref()))
            .or(secrets.then_some("error")); // a leaked credential is not a mere warning
        let sc = score(r.pointer("/properties/security-severity")).or(info.and_then(|i| i.score));
        // A tool's own severity word in the result's properties (`zizmor/severity`).
        let word = r
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|p| {
                p.iter()
                    .filter(|(k, _)| *k == "severity" || k.ends_with("/severity"))
                    .find_map(|(_, v)| severity_word(v.as_str()?))
            });
        let mut cwe = info.map(|i| i.cwe.clone()).unwrap_or_default();
        for c in cwes(r.pointer("/properties/tags")) {
            if !cwe.contains(&c) {
                cwe.push(c);
            }
        }
        if cwe.is_empty() && secrets {
            cwe.push(798); // every rule of a secret scanner: hard-coded credentials
        }
        let partial = r
            .get("partialFingerprints")
            .and_then(Value::as_object)
            .filter(|m| has_values(m))
            .or_else(|| {
                r.get("fingerprints")
                    .and_then(Value::as_object)
                    .filter(|m| has_values(m))
            });
        let own = (tool_key == "palisade")
            .then(|| {
                r.pointer("/partialFingerprints/palisade~1v1")
                    .and_then(Value::as_str)
            })
            .flatten();
        let fingerprint = if let Some(fp) = own {
            fp.to_owned()
        } else if let Some(m) = partial {
            let mut pairs: Vec<String> = m
                .iter()
                .filter(|(_, v)| v.as_str() != Some(""))
                .map(|(k, v)| {
                    format!(
                        "{k}={}",
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                    )
                })
                .collect();
            pairs.sort();
            let mut parts = vec![tool_key.as_str(), rule_id.as_str()];
            parts.extend(pairs.iter().map(String::as_str));
            hash32(&parts)
        } else {
            let normalised = snippet.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
            let place = match &normalised {
                Some(s) if !s.is_empty() => s.clone(),
                _ => format!("line {line}"),
            };
            hash32(&[
                tool_key.as_str(),
                rule_id.as_str(),
                path.as_str(),
                place.as_str(),
            ])
        };
        findings.push(NewFinding {
            fingerprint,
            rule: rule_id,
            severity: match (sc, word) {
                (None, Some(w)) => w,
                _ => severity_of(sc, level),
            },
            message,
            path,
            line,
            evidence,
            cwe,
            owners: Vec::new(),
        });
    }
    Ok(Run {
        tool: if tool_key == "palisade" {
            tool_key
        } else {
            tool
        },
        tool_version,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cwe_tags_in_every_shape() {
        let tags = serde_json::json!([
            "security",
            "CWE-798: Hard-coded",
            "external/cwe/cwe-079",
            "cwe-798"
        ]);
        assert_eq!(cwes(Some(&tags)), vec![798, 79]);
    }

    #[test]
    fn severity_from_score_then_level() {
        assert_eq!(severity_of(Some(9.8), Some("note")), Severity::Critical);
        assert_eq!(severity_of(Some(7.5), None), Severity::High);
        assert_eq!(severity_of(None, Some("error")), Severity::High);
        assert_eq!(severity_of(None, None), Severity::Medium);
        assert_eq!(severity_of(None, Some("none")), Severity::Info);
    }

    #[test]
    fn uris() {
        assert_eq!(normalise_uri("file:///src/a%20b.py"), "/src/a b.py");
        assert_eq!(normalise_uri("./a.py"), "a.py");
        assert_eq!(normalise_uri("100%"), "100%");
    }

    #[test]
    fn rejects_what_is_not_sarif() {
        for (doc, want) in [
            ("{", "EOF"),
            ("[]", "`version` is missing"),
            (r#"{"version":"2.0.0","runs":[]}"#, "`version` is `2.0.0`"),
            (r#"{"version":"2.1.0"}"#, "`runs` is missing"),
            (r#"{"version":"2.1.0","runs":[{"tool":{}}]}"#, "tool.driver"),
            (
                r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"}}]}]}"#,
                "results[0]: no `ruleId`",
            ),
        ] {
            let e = parse(doc.as_bytes(), "f.sarif").expect_err(doc).to_string();
            assert!(e.contains("f.sarif") && e.contains(want), "{doc}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(deep.as_bytes(), "deep.sarif").is_err());
    }
}
