//! The rules, as data (`rules/*.yml`), and the one way a finding is built from them.

use std::sync::LazyLock;

use palisade_engine::RuleMeta;
use palisade_engine::finding::{
    Confidence, Finding, Fingerprint, Location, RuleId, Severity, Snippet,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

#[derive(Deserialize)]
struct RuleFile {
    rules: Vec<RuleMeta>,
}

const FILES: &[(&str, &str)] = &[
    ("passive.yml", include_str!("../rules/passive.yml")),
    ("active.yml", include_str!("../rules/active.yml")),
];

static RULES: LazyLock<Result<Vec<RuleMeta>, String>> = LazyLock::new(|| {
    let mut all = Vec::new();
    for (name, text) in FILES {
        let f: RuleFile = serde_saphyr::from_str(text).map_err(|e| format!("rules/{name}: {e}"))?;
        all.extend(f.rules);
    }
    Ok(all)
});

/// Every DAST rule.
pub fn rules() -> Result<&'static [RuleMeta], crate::Error> {
    RULES
        .as_ref()
        .map(Vec::as_slice)
        .map_err(|e| crate::Error::Rules(e.clone()))
}

/// Whether a rule is decided passively (from `rules/passive.yml`).
pub fn is_passive(id: &str) -> bool {
    static PASSIVE: LazyLock<Vec<String>> = LazyLock::new(|| {
        serde_saphyr::from_str::<RuleFile>(FILES[0].1)
            .map(|f| f.rules.into_iter().map(|r| r.id).collect())
            .unwrap_or_default()
    });
    PASSIVE.iter().any(|p| p == id)
}

pub(crate) fn meta(id: &str) -> Option<&'static RuleMeta> {
    RULES.as_ref().ok()?.iter().find(|r| r.id == id)
}

/// `scheme://host:port/path?sorted,param,names`: what makes two URLs "the same endpoint".
pub fn shape(url: &Url) -> String {
    let mut names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    names.sort();
    names.dedup();
    format!(
        "{}://{}:{}{}?{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0),
        url.path(),
        names.join(",")
    )
}

/// The origin of a URL, `scheme://host:port`.
pub fn origin(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// A finding of rule `rule` at `method url`. `key` is what identifies it besides the rule
/// (a parameter name, a cookie name, or the origin for site-wide rules); the fingerprint
/// hashes rule, `scope_key` and `key`, never values that change between runs.
pub(crate) fn finding(
    rule: &str,
    method: &str,
    url: &Url,
    scope_key: &str,
    key: &str,
    message: String,
    evidence: String,
) -> Finding {
    finding_keyed(
        rule,
        method,
        url,
        &[method, scope_key, key],
        message,
        evidence,
    )
}

/// [`finding`] with explicit fingerprint parts (site-wide rules leave the method out, so one
/// origin gets one finding whatever request showed it first).
pub(crate) fn finding_keyed(
    rule: &str,
    method: &str,
    url: &Url,
    parts: &[&str],
    message: String,
    evidence: String,
) -> Finding {
    let (severity, confidence) = meta(rule).map_or((Severity::Medium, Confidence::Medium), |m| {
        (m.severity, m.confidence)
    });
    let mut h = Sha256::new();
    for part in std::iter::once(&rule).chain(parts) {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    Finding {
        rule: RuleId::new(rule),
        severity,
        confidence,
        message,
        locations: vec![Location::Http {
            url: url.to_string(),
            method: Some(method.to_owned()),
        }],
        fingerprint: Fingerprint(hex::encode(&digest[..16])),
        snippet: (!evidence.is_empty()).then_some(Snippet {
            first_line: 1,
            text: evidence,
            mark: None,
        }),
        fix: None,
        owners: Vec::new(),
        trace: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_rule_is_complete_and_unique() {
        let rules = rules().expect("rules parse");
        let mut ids = BTreeSet::new();
        let mut problems = Vec::new();
        for r in rules {
            problems.extend(r.lint("dast"));
            if !ids.insert(r.id.clone()) {
                problems.push(format!("{}: duplicate id", r.id));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(rules.len() >= 45, "{} rules", rules.len());
    }

    #[test]
    fn shape_ignores_values_and_order() {
        let a = Url::parse("http://h/p?b=1&a=2").expect("url");
        let b = Url::parse("http://h/p?a=9&b=8").expect("url");
        let c = Url::parse("http://h/p?a=9").expect("url");
        assert_eq!(shape(&a), shape(&b));
        assert_ne!(shape(&a), shape(&c));
    }
}
