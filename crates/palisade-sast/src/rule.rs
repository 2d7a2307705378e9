//! Semgrep-syntax rule files: parsed into [`Rule`]s, refusing what is not supported.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use globset::{Glob, GlobSet, GlobSetBuilder};
use palisade_engine::finding::{Confidence, Severity};
use regex::Regex;
use serde_json::Value;

use crate::compare::Expr;
use crate::lang::Lang;
use crate::pattern::{self, Pattern};

/// A boolean formula of patterns, compiled for one language.
#[derive(Debug)]
pub enum Formula {
    Pattern(Pattern),
    Regex(Regex),
    Either(Vec<Formula>),
    All(Box<All>),
    /// The whole range under test (a metavariable's binding): the implicit positive of a
    /// `patterns` that has only negatives inside `metavariable-pattern`.
    Scope,
}

#[derive(Debug, Default)]
pub struct All {
    pub positives: Vec<Formula>,
    pub filters: Vec<Filter>,
    pub conds: Vec<Cond>,
    pub focus: Vec<String>,
}

#[derive(Debug)]
pub enum Filter {
    Not(Formula),
    Inside(Formula),
    NotInside(Formula),
    NotRegex(Regex),
}

#[derive(Debug)]
pub enum Cond {
    Regex(String, Regex),
    Pattern(String, Option<Lang>, Formula),
    Comparison(Expr),
}

/// A rule ready to run.
#[derive(Debug)]
pub struct Rule {
    /// The id as written in the file (`sql-injection`); findings use `sast/<id>`.
    pub id: String,
    pub message: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Vec<u32>,
    pub owasp: Vec<String>,
    pub references: Vec<String>,
    pub description: String,
    pub fix: Option<String>,
    pub langs: Vec<Lang>,
    /// One formula per language, compiled on first use: a scan parses the patterns of
    /// the languages it meets only (start-up cost). For a taint rule: its sinks, used by
    /// the prefilter (compiled at load with the rest of the specification).
    formulas: Vec<(Lang, OnceLock<Result<Formula, RuleError>>)>,
    /// `mode: taint`: one specification per language (empty for a search rule).
    pub taint: Vec<(Lang, crate::taint::spec::Spec)>,
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    /// The rule file, for messages.
    pub origin: String,
    /// What the formulas compile from.
    source: RuleSource,
}

/// The rule's YAML (and its file's text, for error lines), kept for lazy compilation.
#[derive(Debug)]
struct RuleSource {
    value: Value,
    text: Arc<str>,
    rule_line: usize,
}

impl Rule {
    /// The rule's formula for `lang` (compiled on first call); `None` when the rule does
    /// not apply to `lang`.
    pub fn formula(&self, lang: Lang) -> Option<Result<&Formula, &RuleError>> {
        let (_, cell) = self.formulas.iter().find(|(l, _)| *l == lang)?;
        Some(
            cell.get_or_init(|| {
                let cx = Ctx {
                    origin: &self.origin,
                    text: &self.source.text,
                    rule: self.id.clone(),
                    rule_line: self.source.rule_line,
                    in_metavariable: false,
                };
                let obj = self
                    .source
                    .value
                    .as_object()
                    .ok_or_else(|| cx.err("id", "a rule must be a mapping"))?;
                top_formula(obj, lang, &cx)
            })
            .as_ref(),
        )
    }

    /// Whether the formula for `lang` has been compiled yet.
    pub fn is_compiled(&self, lang: Lang) -> bool {
        self.formulas
            .iter()
            .any(|(l, cell)| *l == lang && cell.get().is_some())
    }

    /// Compiles the formula of every language now: the first error.
    pub fn compile_all(&self) -> Result<(), RuleError> {
        for &(lang, _) in &self.formulas {
            if let Some(Err(e)) = self.formula(lang) {
                return Err(e.clone());
            }
        }
        Ok(())
    }

    /// Prefilter for `lang`: identifiers a file must contain (any one of each inner list).
    pub fn required(&self, lang: Lang) -> Vec<Vec<String>> {
        match self.formula(lang) {
            Some(Ok(f)) => crate::prefilter::required(f),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{origin}:{line}: rule `{rule}`: {message}")]
pub struct RuleError {
    pub origin: String,
    pub line: usize,
    pub rule: String,
    pub message: String,
}

#[derive(Clone)]
pub(crate) struct Ctx<'a> {
    origin: &'a str,
    text: &'a str,
    rule: String,
    rule_line: usize,
    /// Inside `metavariable-pattern`: a `patterns` without positives matches the bound range.
    in_metavariable: bool,
}

impl Ctx<'_> {
    /// The line of `key:` at or after the rule's `id:` line (1-based).
    fn line_of(&self, key: &str) -> usize {
        let needle = format!("{key}:");
        self.text
            .lines()
            .enumerate()
            .skip(self.rule_line.saturating_sub(1))
            .find(|(_, l)| {
                let t = l.trim_start().trim_start_matches("- ").trim_start();
                t.starts_with(&needle) || t.starts_with(&format!("\"{key}\":"))
            })
            .map_or(self.rule_line, |(i, _)| i + 1)
    }
    pub(crate) fn err(&self, key: &str, message: impl Into<String>) -> RuleError {
        RuleError {
            origin: self.origin.to_string(),
            line: self.line_of(key),
            rule: self.rule.clone(),
            message: message.into(),
        }
    }
}

/// Parses a rule file (`rules: [...]`), compiling every pattern (errors now).
pub fn parse_file(text: &str, origin: &str) -> Result<Vec<Rule>, RuleError> {
    let rules = parse_file_lazy(text, origin)?;
    for r in &rules {
        r.compile_all()?;
    }
    Ok(rules)
}

/// Parses a rule file (`rules: [...]`); patterns compile on first use per language.
pub fn parse_file_lazy(text: &str, origin: &str) -> Result<Vec<Rule>, RuleError> {
    let top_err = |message: String| RuleError {
        origin: origin.to_string(),
        line: 1,
        rule: String::new(),
        message,
    };
    let doc: Value =
        serde_saphyr::from_str(text).map_err(|e| top_err(format!("invalid YAML: {e}")))?;
    let rules = doc
        .get("rules")
        .and_then(Value::as_array)
        .ok_or_else(|| top_err("expected a top-level `rules:` list".into()))?;
    let shared: Arc<str> = Arc::from(text);
    let mut out = Vec::new();
    for r in rules {
        let id = r
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let rule_line = text
            .lines()
            .position(|l| l.contains("id:") && l.contains(id.as_str()))
            .map_or(1, |i| i + 1);
        let cx = Ctx {
            origin,
            text,
            rule: id.clone(),
            rule_line,
            in_metavariable: false,
        };
        let mut rule = parse_rule(r, &cx)?;
        rule.source.text = shared.clone();
        out.push(rule);
    }
    Ok(out)
}

pub(crate) const FORMULA_KEYS: &[&str] =
    &["pattern", "patterns", "pattern-either", "pattern-regex"];

fn parse_rule(r: &Value, cx: &Ctx<'_>) -> Result<Rule, RuleError> {
    let obj = r
        .as_object()
        .ok_or_else(|| cx.err("id", "a rule must be a mapping"))?;
    if cx.rule.is_empty() {
        return Err(cx.err("id", "missing `id`"));
    }
    for key in obj.keys() {
        let known = [
            "id",
            "message",
            "severity",
            "languages",
            "metadata",
            "paths",
            "fix",
            "options",
            "min-version",
            "max-version",
            "mode",
        ];
        let known_taint = crate::taint::spec::TAINT_KEYS;
        if !known.contains(&key.as_str())
            && !FORMULA_KEYS.contains(&key.as_str())
            && !known_taint.contains(&key.as_str())
        {
            return Err(cx.err(
                key,
                format!("unsupported key `{key}` (palisade does not implement it yet)"),
            ));
        }
    }
    let taint_mode = match obj.get("mode") {
        None => false,
        Some(Value::String(m)) if m == "search" => false,
        Some(Value::String(m)) if m == "taint" => true,
        Some(other) => {
            let m = other.as_str().unwrap_or("?");
            return Err(cx.err("mode", format!("unsupported `mode: {m}`")));
        }
    };
    if !taint_mode
        && let Some(k) = crate::taint::spec::TAINT_KEYS
            .iter()
            .find(|k| obj.contains_key(**k))
    {
        return Err(cx.err(k, format!("`{k}` needs `mode: taint`")));
    }
    let message = obj
        .get("message")
        .and_then(Value::as_str)
        .ok_or_else(|| cx.err("id", "missing `message`"))?
        .trim()
        .to_string();
    let sev = obj
        .get("severity")
        .and_then(Value::as_str)
        .unwrap_or("WARNING");
    let severity = match sev.to_ascii_uppercase().as_str() {
        "ERROR" | "HIGH" => Severity::High,
        "WARNING" | "MEDIUM" => Severity::Medium,
        "INFO" | "LOW" => Severity::Low,
        "CRITICAL" => Severity::Critical,
        "INVENTORY" | "EXPERIMENT" => Severity::Info,
        other => return Err(cx.err("severity", format!("unknown severity `{other}`"))),
    };
    let mut langs = Vec::new();
    let lang_names = obj
        .get("languages")
        .and_then(Value::as_array)
        .ok_or_else(|| cx.err("languages", "missing `languages` list"))?;
    for l in lang_names {
        let name = l.as_str().unwrap_or("");
        match Lang::from_rule_name(name) {
            Some(ls) => langs.extend_from_slice(ls),
            None => {
                return Err(cx.err("languages", format!("unsupported language `{name}`")));
            }
        }
    }
    langs.dedup();
    let meta = obj.get("metadata");
    let meta_str = |k: &str| meta.and_then(|m| m.get(k)).and_then(Value::as_str);
    let meta_list = |k: &str| -> Vec<String> {
        match meta.and_then(|m| m.get(k)) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    let cwe: Vec<u32> = meta_list("cwe")
        .iter()
        .filter_map(|c| {
            let digits: String = c
                .trim_start_matches("CWE-")
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect();
    let confidence = match meta_str("confidence")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("HIGH") => Confidence::High,
        Some("LOW") => Confidence::Low,
        _ => Confidence::Medium,
    };
    let (include, exclude) = match obj.get("paths") {
        Some(p) => (globs(p.get("include"), cx)?, globs(p.get("exclude"), cx)?),
        None => (None, None),
    };
    let mut taint = Vec::new();
    let formulas = if taint_mode {
        let mut formulas = Vec::new();
        for &lang in &langs {
            let (spec, sinks) = crate::taint::spec::parse(obj, lang, cx)?;
            // The prefilter needs a sink: no finding is possible in a file without one.
            formulas.push((lang, OnceLock::from(Ok(sinks))));
            taint.push((lang, spec));
        }
        formulas
    } else {
        let present = FORMULA_KEYS
            .iter()
            .filter(|k| obj.contains_key(**k))
            .count();
        if present == 0 {
            return Err(cx.err(
                "id",
                "no `pattern`, `patterns`, `pattern-either` or `pattern-regex`",
            ));
        }
        langs.iter().map(|&l| (l, OnceLock::new())).collect()
    };
    Ok(Rule {
        id: cx.rule.clone(),
        message,
        severity,
        confidence,
        cwe,
        owasp: meta_list("owasp"),
        references: meta_list("references"),
        description: meta_str("description").unwrap_or("").to_string(),
        fix: obj.get("fix").and_then(Value::as_str).map(str::to_string),
        langs,
        formulas,
        taint,
        include,
        exclude,
        origin: cx.origin.to_string(),
        source: RuleSource {
            value: r.clone(),
            text: Arc::from(""),
            rule_line: cx.rule_line,
        },
    })
}

fn globs(v: Option<&Value>, cx: &Ctx<'_>) -> Result<Option<GlobSet>, RuleError> {
    let Some(v) = v else { return Ok(None) };
    let list: Vec<&str> = match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => return Err(cx.err("paths", "`paths` entries must be strings")),
    };
    let mut b = GlobSetBuilder::new();
    for g in list {
        let g = g.trim();
        let anchored = g.starts_with('/');
        let g = g.trim_start_matches('/').trim_end_matches('/');
        let mut variants = vec![g.to_string(), format!("{g}/**")];
        if !anchored {
            variants.push(format!("**/{g}"));
            variants.push(format!("**/{g}/**"));
        }
        for v in variants {
            b.add(Glob::new(&v).map_err(|e| cx.err("paths", format!("bad glob `{g}`: {e}")))?);
        }
    }
    b.build()
        .map(Some)
        .map_err(|e| cx.err("paths", format!("bad globs: {e}")))
}

/// The rule's top-level formula: exactly one of the formula keys.
fn top_formula(
    obj: &serde_json::Map<String, Value>,
    lang: Lang,
    cx: &Ctx<'_>,
) -> Result<Formula, RuleError> {
    let present: Vec<&str> = FORMULA_KEYS
        .iter()
        .copied()
        .filter(|k| obj.contains_key(*k))
        .collect();
    match present[..] {
        [k] => formula(k, &obj[k], lang, cx),
        [] => Err(cx.err(
            "id",
            "no `pattern`, `patterns`, `pattern-either` or `pattern-regex`",
        )),
        _ => Err(cx.err(present[1], "more than one top-level pattern operator")),
    }
}

fn as_str<'v>(v: &'v Value, key: &str, cx: &Ctx<'_>) -> Result<&'v str, RuleError> {
    v.as_str()
        .ok_or_else(|| cx.err(key, format!("`{key}` must be a string")))
}

fn regex(s: &str, key: &str, cx: &Ctx<'_>) -> Result<Regex, RuleError> {
    regex::RegexBuilder::new(s)
        .multi_line(true)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| cx.err(key, format!("invalid regex: {e}")))
}

pub(crate) fn formula(
    key: &str,
    v: &Value,
    lang: Lang,
    cx: &Ctx<'_>,
) -> Result<Formula, RuleError> {
    match key {
        "pattern" => {
            let p = as_str(v, key, cx)?;
            pattern::compile(lang, p)
                .map(Formula::Pattern)
                .map_err(|e| cx.err(key, e.to_string()))
        }
        "pattern-regex" => Ok(Formula::Regex(regex(as_str(v, key, cx)?, key, cx)?)),
        "pattern-either" => {
            let items = v
                .as_array()
                .ok_or_else(|| cx.err(key, "`pattern-either` must be a list"))?;
            let mut alts = Vec::new();
            for item in items {
                let (k, val) = single_key(item, key, cx)?;
                // Semgrep treats a `pattern-inside` alternative as a plain positive: its match
                // range is the enclosing region.
                if k == "pattern-inside" {
                    alts.push(sub(k, val, lang, cx)?);
                    continue;
                }
                if !FORMULA_KEYS.contains(&k) {
                    return Err(cx.err(k, format!("unsupported operator `{k}` in pattern-either")));
                }
                alts.push(formula(k, val, lang, cx)?);
            }
            Ok(Formula::Either(alts))
        }
        "patterns" => {
            let items = v
                .as_array()
                .ok_or_else(|| cx.err(key, "`patterns` must be a list"))?;
            let mut all = All::default();
            for item in items {
                let (k, val) = single_key(item, key, cx)?;
                match k {
                    "pattern" | "patterns" | "pattern-either" | "pattern-regex" => {
                        all.positives.push(formula(k, val, lang, cx)?)
                    }
                    "pattern-not" => all.filters.push(Filter::Not(sub(k, val, lang, cx)?)),
                    "pattern-inside" => all.filters.push(Filter::Inside(sub(k, val, lang, cx)?)),
                    "pattern-not-inside" => {
                        all.filters.push(Filter::NotInside(sub(k, val, lang, cx)?))
                    }
                    "pattern-not-regex" => {
                        all.filters
                            .push(Filter::NotRegex(regex(as_str(val, k, cx)?, k, cx)?))
                    }
                    "metavariable-regex" => {
                        let mv = field(val, "metavariable", k, cx)?;
                        let re = field(val, "regex", k, cx)?;
                        all.conds.push(Cond::Regex(
                            mv.to_string(),
                            regex(&format!("^(?:{re})"), k, cx)?,
                        ));
                    }
                    "metavariable-pattern" => {
                        let mv = field(val, "metavariable", k, cx)?.to_string();
                        let sub_lang = match val.get("language").and_then(Value::as_str) {
                            None => None,
                            Some(name) => Some(
                                Lang::from_rule_name(name)
                                    .and_then(|l| l.first().copied())
                                    .ok_or_else(|| {
                                        cx.err("language", format!("unsupported language `{name}`"))
                                    })?,
                            ),
                        };
                        let obj = val
                            .as_object()
                            .ok_or_else(|| cx.err(k, "must be a mapping"))?;
                        for key in obj.keys() {
                            if !["metavariable", "language"].contains(&key.as_str())
                                && !FORMULA_KEYS.contains(&key.as_str())
                            {
                                return Err(cx.err(
                                    key,
                                    format!("unsupported key `{key}` in metavariable-pattern"),
                                ));
                            }
                        }
                        let mcx = Ctx {
                            in_metavariable: true,
                            ..cx.clone()
                        };
                        let f = top_formula(obj, sub_lang.unwrap_or(lang), &mcx)?;
                        all.conds.push(Cond::Pattern(mv, sub_lang, f));
                    }
                    "metavariable-comparison" => {
                        let cmp = field(val, "comparison", k, cx)?;
                        let expr = crate::compare::parse(cmp).map_err(|e| {
                            cx.err("comparison", format!("cannot parse comparison: {e}"))
                        })?;
                        all.conds.push(Cond::Comparison(expr));
                    }
                    "focus-metavariable" => match val {
                        Value::String(s) => all.focus.push(s.clone()),
                        Value::Array(a) => all
                            .focus
                            .extend(a.iter().filter_map(|x| x.as_str().map(str::to_string))),
                        _ => return Err(cx.err(k, "must name a metavariable")),
                    },
                    other => {
                        return Err(cx.err(other, format!("unsupported operator `{other}`")));
                    }
                }
            }
            if all.positives.is_empty() {
                // Only `pattern-inside` positives (Semgrep allows this): the first one's region
                // is the match range; the others still constrain it by containment.
                if let Some(i) = all
                    .filters
                    .iter()
                    .position(|f| matches!(f, Filter::Inside(_)))
                    && let Filter::Inside(f) = all.filters.remove(i)
                {
                    all.positives.push(f);
                }
            }
            if all.positives.is_empty() && cx.in_metavariable {
                all.positives.push(Formula::Scope);
            }
            if all.positives.is_empty() {
                return Err(cx.err(key, "`patterns` needs at least one positive pattern (`pattern`, `pattern-either`, `patterns` or `pattern-regex`)"));
            }
            Ok(Formula::All(Box::new(all)))
        }
        other => Err(cx.err(other, format!("unsupported operator `{other}`"))),
    }
}

/// The operand of `pattern-not`/`pattern-inside`: a pattern string or a nested formula.
fn sub(key: &str, v: &Value, lang: Lang, cx: &Ctx<'_>) -> Result<Formula, RuleError> {
    match v {
        Value::String(_) => formula("pattern", v, lang, cx),
        Value::Object(_) => {
            let (k, val) = single_key(v, key, cx)?;
            formula(k, val, lang, cx)
        }
        _ => Err(cx.err(key, format!("`{key}` must be a pattern"))),
    }
}

fn field<'v>(v: &'v Value, name: &str, key: &str, cx: &Ctx<'_>) -> Result<&'v str, RuleError> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| cx.err(key, format!("`{key}` needs `{name}`")))
}

pub(crate) fn single_key<'v>(
    item: &'v Value,
    key: &str,
    cx: &Ctx<'_>,
) -> Result<(&'v str, &'v Value), RuleError> {
    let obj = item
        .as_object()
        .ok_or_else(|| cx.err(key, format!("items of `{key}` must be mappings")))?;
    let mut it = obj.iter();
    match (it.next(), obj.len()) {
        (Some((k, v)), 1) => Ok((k.as_str(), v)),
        _ => {
            let keys: BTreeMap<&str, ()> = obj.keys().map(|k| (k.as_str(), ())).collect();
            let first = keys.keys().nth(1).copied().unwrap_or(key);
            Err(cx.err(
                first,
                format!(
                    "each item of `{key}` must have exactly one operator, found: {}",
                    keys.keys().copied().collect::<Vec<_>>().join(", ")
                ),
            ))
        }
    }
}
