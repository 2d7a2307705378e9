//! in-toto statements carrying SLSA v1 provenance, checked against a YAML policy.
//!
//! Policy file:
//! ```yaml
//! builder_id: https://github.com/actions/runner/github-hosted   # exact
//! source_repository: https://github.com/org/repo                 # exact, `git+` optional
//! source_ref: refs/heads/main                                     # optional, exact
//! ```

use serde::Deserialize;
use serde_json::Value;

use crate::{Error, Result};

pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
pub const SLSA_V1: &str = "https://slsa.dev/provenance/v1";

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProvenancePolicy {
    pub builder_id: String,
    pub source_repository: String,
    #[serde(default)]
    pub source_ref: Option<String>,
}

impl ProvenancePolicy {
    pub fn from_yaml(text: &str) -> Result<ProvenancePolicy> {
        if text.len() > crate::MAX_DOCUMENT {
            return Err(Error::MalformedPolicy("too large".into()));
        }
        serde_saphyr::from_str(text).map_err(|e| Error::MalformedPolicy(e.to_string()))
    }
}

/// Parses and shape-checks a statement.
pub fn parse_statement(bytes: &[u8]) -> Result<Value> {
    let ms = Error::MalformedStatement;
    let v: Value = serde_json::from_slice(bytes).map_err(|e| ms(format!("not JSON: {e}")))?;
    let t = v.get("_type").and_then(Value::as_str).unwrap_or("");
    if t != STATEMENT_V1 && t != STATEMENT_V01 {
        return Err(ms(format!("_type `{t}` is not an in-toto statement")));
    }
    let subjects = v
        .get("subject")
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ms("no subject".into()))?;
    if subjects.iter().any(|s| !s["digest"].is_object()) {
        return Err(ms("a subject has no digest".into()));
    }
    if !v.get("predicateType").is_some_and(Value::is_string) {
        return Err(ms("no predicateType".into()));
    }
    Ok(v)
}

pub fn subject_digests(st: &Value) -> Vec<String> {
    st["subject"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["digest"]["sha256"].as_str().map(str::to_owned))
        .collect()
}

pub fn subject_has_digest(st: &Value, sha256_hex: &str) -> bool {
    subject_digests(st)
        .iter()
        .any(|d| d.eq_ignore_ascii_case(sha256_hex))
}

fn strip_git(s: &str) -> &str {
    s.strip_prefix("git+").unwrap_or(s).trim_end_matches(".git")
}

/// Checks the SLSA v1 predicate of `st` for an artifact of digest `sha256_hex`.
pub fn check(st: &Value, sha256_hex: &str, policy: &ProvenancePolicy) -> Result<()> {
    let pm = Error::ProvenanceMismatch;
    let pt = st["predicateType"].as_str().unwrap_or("");
    if pt != SLSA_V1 {
        return Err(pm(format!(
            "predicateType `{pt}` is not SLSA provenance v1"
        )));
    }
    if !subject_has_digest(st, sha256_hex) {
        return Err(pm(format!(
            "no subject has the artifact's digest sha256:{sha256_hex}"
        )));
    }
    let pred = &st["predicate"];
    let builder = pred
        .pointer("/runDetails/builder/id")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Error::MalformedStatement("predicate.runDetails.builder.id missing".into())
        })?;
    if builder != policy.builder_id {
        return Err(pm(format!(
            "builder `{builder}` is not `{}`",
            policy.builder_id
        )));
    }
    // The source: GitHub's externalParameters.workflow, or the first resolved dependency.
    let wf = pred.pointer("/buildDefinition/externalParameters/workflow");
    let (repo, git_ref) = if let Some(wf) = wf.filter(|w| w.is_object()) {
        (
            wf["repository"].as_str().map(str::to_owned),
            wf["ref"].as_str().map(str::to_owned),
        )
    } else {
        let uri = pred
            .pointer("/buildDefinition/resolvedDependencies/0/uri")
            .and_then(Value::as_str)
            .unwrap_or("");
        match uri.split_once('@') {
            Some((r, g)) => (Some(r.to_owned()), Some(g.to_owned())),
            None => ((!uri.is_empty()).then(|| uri.to_owned()), None),
        }
    };
    let repo = repo.ok_or_else(|| pm("the provenance names no source repository".into()))?;
    if strip_git(&repo) != strip_git(&policy.source_repository) {
        return Err(pm(format!(
            "source repository `{repo}` is not `{}`",
            policy.source_repository
        )));
    }
    if let Some(want) = &policy.source_ref {
        match git_ref {
            Some(r) if r == *want => {}
            Some(r) => return Err(pm(format!("source ref `{r}` is not `{want}`"))),
            None => {
                return Err(pm(format!(
                    "the provenance names no source ref (policy wants `{want}`)"
                )));
            }
        }
    }
    Ok(())
}
