//! Rules from a gitleaks TOML config (`--rules gitleaks.toml`), so teams bring their
//! custom rules along. Supported: `[[rules]]` with `id`, `description`, `regex`,
//! `secretGroup`, `entropy`, `keywords`, `path`; per-rule `[rules.allowlist]` or
//! `[[rules.allowlists]]` with `regexes` (targets `secret`, `match` and `line`),
//! `paths` and `stopwords`; and the global `[allowlist]`/`[[allowlists]]`. Path-only
//! rules (no `regex`) find files rather than secrets and are refused with an error
//! naming them; `[extend]` is ignored (palisade's own rules are always on).
//!
//! The format is gitleaks' (MIT-licensed tool, config format documented in its
//! README); no rules are taken from it.

use palisade_engine::LoadError;
use palisade_engine::finding::{Confidence, Severity};
use regex::bytes::Regex;
use serde::Deserialize;

use crate::{Rule, RuleSpec};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    #[serde(default)]
    rules: Vec<GlRule>,
    allowlist: Option<Allowlist>,
    #[serde(default)]
    allowlists: Vec<Allowlist>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlRule {
    id: String,
    description: Option<String>,
    regex: Option<String>,
    secret_group: Option<usize>,
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    path: Option<String>,
    allowlist: Option<Allowlist>,
    #[serde(default)]
    allowlists: Vec<Allowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Allowlist {
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

/// Parses a gitleaks config into palisade rules.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Rule>, LoadError> {
    let bad = |message: String| LoadError::Rules {
        path: origin.to_string(),
        message,
    };
    let cfg: Config =
        toml::from_str(text).map_err(|e| bad(e.to_string().trim_end().to_string()))?;
    let mut global: Vec<&Allowlist> = cfg.allowlists.iter().collect();
    if let Some(a) = &cfg.allowlist {
        global.push(a);
    }
    let mut out = Vec::new();
    for r in &cfg.rules {
        let Some(regex) = &r.regex else {
            return Err(bad(format!(
                "rule `{}` has no `regex` (path-only rules are not supported); remove it or add a regex",
                r.id
            )));
        };
        let id_name: String =
            r.id.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
        let description = r.description.clone().unwrap_or_else(|| r.id.clone());
        let spec = RuleSpec {
            id: format!("secrets/{}", id_name.trim_matches('-')),
            name: description.clone(),
            severity: Severity::High,
            confidence: Confidence::Medium,
            cwe: vec![798],
            owasp: vec!["A07:2021".into()],
            keywords: r.keywords.clone(),
            case_sensitive_keywords: false,
            pattern: regex.clone(),
            secret_group: r
                .secret_group
                .filter(|&g| g > 0)
                .map(crate::GroupRef::Index),
            min_entropy: r.entropy,
            validate: None,
            window: None,
            paths: r.path.clone(),
            allow: Vec::new(),
            allow_match: Vec::new(),
            generic: false,
            distinct_from: None,
            yields_to: Vec::new(),
            description: format!("{description}\n\n(From the gitleaks config `{origin}`.)"),
            references: Vec::new(),
            examples: Vec::new(),
            negative_examples: Vec::new(),
        };
        let mut rule = Rule::from_spec(spec, origin)?;
        let lists = r
            .allowlists
            .iter()
            .chain(r.allowlist.iter())
            .chain(global.iter().copied());
        for a in lists {
            let compile = |p: &String| {
                Regex::new(p).map_err(|e| bad(format!("rule `{}`: bad allowlist regex: {e}", r.id)))
            };
            let regs = a
                .regexes
                .iter()
                .map(compile)
                .collect::<Result<Vec<_>, _>>()?;
            match a.regex_target.as_deref() {
                None | Some("secret") => rule.allow.extend(regs),
                Some("match") => rule.allow_match.extend(regs),
                Some("line") => rule.allow_line.extend(regs),
                Some(other) => {
                    return Err(bad(format!(
                        "rule `{}`: unknown regexTarget `{other}` (secret, match or line)",
                        r.id
                    )));
                }
            }
            for p in &a.paths {
                rule.skip_paths.push(compile(p)?);
            }
            rule.stopwords
                .extend(a.stopwords.iter().map(|s| s.to_ascii_lowercase()));
        }
        out.push(rule);
    }
    Ok(out)
}
