//! palisade's secrets engine.
//!
//! ## How it matches
//! Every rule names keywords (`ghp_`, `AKIA`, `-----BEGIN`, `password` ...). One
//! Aho-Corasick pass (case-insensitive) over the file finds every keyword; only the rules
//! whose keywords occur run their regex, and only in a window around each hit (the hit's
//! line, cut at `max_line_len` either side, or `window` bytes for multi-line rules). A
//! file with no keyword costs one linear pass; a 50 MB minified line costs the same, not
//! a quadratic regex sweep. Regexes (the `regex` crate: linear time, no backtracking)
//! are compiled on first use, so start-up does not pay for 100+ of them.
//!
//! Then each candidate goes through: the secret group, documented-example and
//! placeholder filters, other scanners' inline allowlist markers, a minimum entropy,
//! the format's own validator (checksums, macaroon and JWT structure, DER bodies), and
//! rule-level allow patterns. A generic rule (assignments, URLs, headers) yields to any
//! specific rule whose pattern matched the same bytes — even one its validator
//! rejected, since a look-alike with a wrong checksum is no password either — and a
//! rule may name the rules it yields to (`yields-to`).
//!
//! Findings in test fixtures get low confidence, and so do generic findings in
//! documentation and sample files (`docs/`, Markdown, `.env.example`).
//!
//! ## What it reports
//! The secret never leaves this crate: messages and snippets show a short prefix and
//! the length, and the fingerprint is a SHA-256 of rule and secret, so one key leaked in
//! ten files is one finding with ten locations.

mod builtin;
pub mod filter;
pub mod gitleaks;
mod spec;
pub mod validate;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use palisade_engine::finding::{Confidence, Finding, Location};
use palisade_engine::{
    Engine, EngineError, FileKind, Input, LineIndex, LoadError, Redaction, RuleMeta, ScanCx, Sink,
    fingerprint, snippet_around,
};
use regex::bytes::Regex;

pub use spec::{GroupRef, RuleFile, RuleSpec};

/// A rule ready to run.
pub struct Rule {
    pub meta: RuleMeta,
    keywords: Vec<String>,
    /// The keywords as written, when they must match with their case (`SG.`, not `msg.`).
    exact_keywords: Option<Vec<Vec<u8>>>,
    pattern: String,
    regex: OnceLock<Option<Regex>>,
    group: Option<GroupRef>,
    min_entropy: Option<f64>,
    validator: Option<fn(&[u8]) -> bool>,
    window: Option<usize>,
    paths: Option<Regex>,
    allow: Vec<Regex>,
    /// Allow patterns tested against the whole match and the whole line (gitleaks).
    allow_match: Vec<Regex>,
    allow_line: Vec<Regex>,
    /// Lowercase words: a secret containing one is not reported (gitleaks stopwords).
    stopwords: Vec<String>,
    /// Paths where the rule does not apply.
    skip_paths: Vec<Regex>,
    generic: bool,
    /// A capture group the secret must differ from (`guest:guest` is no secret).
    distinct_from: Option<String>,
    /// Rule ids this rule gives way to when they report an overlapping secret.
    yields_to: Vec<String>,
}

impl Rule {
    /// Builds a rule from its spec; `origin` names the file it came from, for errors.
    pub fn from_spec(spec: RuleSpec, origin: &str) -> Result<Rule, LoadError> {
        let bad = |message: String| LoadError::Rules {
            path: origin.to_string(),
            message: format!("rule `{}`: {message}", spec.id),
        };
        let validator = match &spec.validate {
            Some(name) => Some(validate::by_name(name).ok_or_else(|| {
                bad(format!(
                    "unknown validator `{name}` (known: {})",
                    validate::NAMES.join(", ")
                ))
            })?),
            None => None,
        };
        let paths = spec
            .paths
            .as_deref()
            .map(Regex::new)
            .transpose()
            .map_err(|e| bad(format!("bad `paths` regex: {e}")))?;
        let allow = spec
            .allow
            .iter()
            .map(|a| Regex::new(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("bad `allow` regex: {e}")))?;
        let allow_match = spec
            .allow_match
            .iter()
            .map(|a| Regex::new(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("bad `allow-match` regex: {e}")))?;
        let keywords: Vec<String> = spec
            .keywords
            .iter()
            .map(|k| k.to_ascii_lowercase())
            .collect();
        if keywords.iter().any(String::is_empty) {
            return Err(bad("an empty keyword".into()));
        }
        let exact_keywords = spec.case_sensitive_keywords.then(|| {
            spec.keywords
                .iter()
                .map(|k| k.as_bytes().to_vec())
                .collect()
        });
        Ok(Rule {
            meta: RuleMeta {
                id: spec.id.clone(),
                name: spec.name,
                severity: spec.severity,
                confidence: spec.confidence,
                cwe: spec.cwe,
                owasp: spec.owasp,
                description: spec.description,
                references: spec.references,
                examples: spec.examples,
                negative_examples: spec.negative_examples,
            },
            keywords,
            exact_keywords,
            pattern: spec.pattern,
            regex: OnceLock::new(),
            group: spec.secret_group,
            min_entropy: spec.min_entropy,
            validator,
            window: spec.window,
            paths,
            allow,
            allow_match,
            allow_line: Vec::new(),
            stopwords: Vec::new(),
            skip_paths: Vec::new(),
            generic: spec.generic,
            distinct_from: spec.distinct_from,
            yields_to: spec.yields_to,
        })
    }

    /// The compiled regex; `None` if the pattern does not compile (checked at load for
    /// user rules and by the registry test for built-in ones).
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| {
                regex::bytes::RegexBuilder::new(&self.pattern)
                    .size_limit(32 * 1024 * 1024)
                    .dfa_size_limit(1024 * 1024)
                    .build()
                    .ok()
            })
            .as_ref()
    }

    /// Compiles the pattern now, reporting an error.
    pub fn check_pattern(&self) -> Result<(), String> {
        regex::bytes::Regex::new(&self.pattern)
            .map(|_| ())
            .map_err(|e| e.to_string())?;
        self.regex()
            .map(|_| ())
            .ok_or_else(|| "pattern too large".to_string())
    }

    /// The rule ids this rule yields to (see the spec's `yields-to`).
    pub fn yields_to(&self) -> &[String] {
        &self.yields_to
    }

    fn secret_range(&self, caps: &regex::bytes::Captures<'_>) -> Option<(usize, usize)> {
        let m = match &self.group {
            Some(GroupRef::Index(i)) => caps.get(*i),
            Some(GroupRef::Name(n)) => caps.name(n),
            // The `secret` group, else the first group that took part in the match (so
            // alternatives can each capture: `"(…)"|'(…)'`), else the whole match.
            None => caps
                .name("secret")
                .or_else(|| (1..caps.len()).find_map(|i| caps.get(i)))
                .or_else(|| caps.get(0)),
        }?;
        Some((m.start(), m.end()))
    }
}

/// The secrets engine: built-in rules plus any loaded from files.
pub struct SecretsEngine {
    rules: Vec<Rule>,
    metas: Vec<RuleMeta>,
    keywords: AhoCorasick,
    /// Keyword pattern index → rules that list it.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules with no keyword (only from gitleaks configs): run over every file.
    always: Vec<usize>,
}

impl SecretsEngine {
    /// The built-in rules only.
    pub fn builtin() -> Result<Self, LoadError> {
        Self::new(builtin::rules()?)
    }

    /// Built-in rules plus rule files (palisade YAML, or gitleaks TOML by extension).
    pub fn with_rule_files(files: &[&Path]) -> Result<Self, LoadError> {
        let mut rules = builtin::rules()?;
        for f in files {
            rules.extend(load_rule_file(f)?);
        }
        Self::new(rules)
    }

    pub fn new(rules: Vec<Rule>) -> Result<Self, LoadError> {
        let mut kw_index: HashMap<String, usize> = HashMap::new();
        let mut kw_list: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            if rule.keywords.is_empty() {
                always.push(ri);
            }
            for k in &rule.keywords {
                let ki = *kw_index.entry(k.clone()).or_insert_with(|| {
                    kw_list.push(k.clone());
                    keyword_rules.push(Vec::new());
                    kw_list.len() - 1
                });
                if !keyword_rules[ki].contains(&ri) {
                    keyword_rules[ki].push(ri);
                }
            }
        }
        // A full DFA: overlapping search over every byte is the hot loop of the engine,
        // and a DFA of a few hundred short keywords is small (measured: Django's 37 MB
        // in about half the time of the default noncontiguous NFA).
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&kw_list)
            .map_err(|e| LoadError::Rules {
                path: "<keywords>".into(),
                message: e.to_string(),
            })?;
        let metas = rules.iter().map(|r| r.meta.clone()).collect();
        Ok(SecretsEngine {
            rules,
            metas,
            keywords,
            keyword_rules,
            always,
        })
    }

    pub fn rule_objects(&self) -> &[Rule] {
        &self.rules
    }

    /// Finds candidate matches in `content`: `(rule, match range, secret range)`.
    fn candidates(&self, path: &str, content: &[u8], max_line: usize) -> Vec<Candidate> {
        // Windows per rule, from keyword hits. Hits arrive in (nearly) increasing order,
        // so each rule's latest window is extended in place while hits overlap it, and
        // the line bounds are found with cached newline searches: a long line full of
        // hits costs one pass, not a search per hit.
        let mut windows: Vec<(usize, usize, usize)> = Vec::new();
        let mut open: Vec<Option<(usize, usize)>> = vec![None; self.rules.len()];
        let mut lines = LineFinder::new(content);
        for m in self.keywords.find_overlapping_iter(content) {
            let rules = &self.keyword_rules[m.pattern().as_usize()];
            let (start, end) = (m.start(), m.end());
            let ws = lines.line_start(start, max_line);
            let mut line_end = None;
            for &ri in rules {
                let rule = &self.rules[ri];
                if let Some(exact) = &rule.exact_keywords
                    && !exact.iter().any(|k| k.as_slice() == &content[start..end])
                {
                    continue;
                }
                let we = match rule.window {
                    Some(w) => (end + w).min(content.len()),
                    None => *line_end.get_or_insert_with(|| lines.line_end(end, max_line)),
                };
                match &mut open[ri] {
                    Some((s, e)) if ws <= *e && *s <= we => {
                        *s = (*s).min(ws);
                        *e = (*e).max(we);
                    }
                    slot => {
                        if let Some((s, e)) = slot.replace((ws, we)) {
                            windows.push((ri, s, e));
                        }
                    }
                }
            }
        }
        for (ri, slot) in open.into_iter().enumerate() {
            if let Some((s, e)) = slot {
                windows.push((ri, s, e));
            }
        }
        for &ri in &self.always {
            windows.push((ri, 0, content.len()));
        }
        if windows.is_empty() {
            return Vec::new();
        }
        windows.sort_unstable();
        let mut merged: Vec<(usize, usize, usize)> = Vec::with_capacity(windows.len());
        for w in windows {
            match merged.last_mut() {
                Some(last) if last.0 == w.0 && w.1 <= last.2 => last.2 = last.2.max(w.2),
                _ => merged.push(w),
            }
        }
        let mut out = Vec::new();
        for (ri, s, e) in merged {
            let rule = &self.rules[ri];
            if let Some(p) = &rule.paths
                && !p.is_match(path.as_bytes())
            {
                continue;
            }
            if rule.skip_paths.iter().any(|p| p.is_match(path.as_bytes())) {
                continue;
            }
            let Some(re) = rule.regex() else { continue };
            let hay = &content[s..e];
            for caps in re.captures_iter(hay) {
                let Some(whole) = caps.get(0) else { continue };
                let Some((ss, se)) = rule.secret_range(&caps) else {
                    continue;
                };
                if ss == se {
                    continue;
                }
                let other = rule
                    .distinct_from
                    .as_deref()
                    .and_then(|n| caps.name(n))
                    .map(|m| (s + m.start(), s + m.end()));
                out.push(Candidate {
                    rule: ri,
                    start: s + whole.start(),
                    end: s + whole.end(),
                    secret_start: s + ss,
                    secret_end: s + se,
                    other,
                });
            }
        }
        out.sort_unstable_by_key(|c| (c.secret_start, c.secret_end, c.rule));
        out.dedup_by_key(|c| (c.secret_start, c.secret_end, c.rule));
        out
    }

    fn accept(&self, c: &Candidate, content: &[u8]) -> bool {
        let rule = &self.rules[c.rule];
        let secret = &content[c.secret_start..c.secret_end];
        if filter::is_placeholder(secret) || filter::is_documented_example(secret) {
            return false;
        }
        if filter::has_foreign_allow_marker(line_of(content, c.start, c.end)) {
            return false;
        }
        if let Some((os, oe)) = c.other
            && content[os..oe].eq_ignore_ascii_case(secret)
        {
            return false;
        }
        if rule.generic && filter::is_unlikely_generic(secret) {
            return false;
        }
        if let Some(min) = rule.min_entropy
            && filter::entropy(secret) < min
        {
            return false;
        }
        if let Some(v) = rule.validator
            && !v(secret)
        {
            return false;
        }
        if !rule.stopwords.is_empty() {
            let lower = secret.to_ascii_lowercase();
            if rule
                .stopwords
                .iter()
                .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
            {
                return false;
            }
        }
        if rule
            .allow_match
            .iter()
            .any(|a| a.is_match(&content[c.start..c.end]))
        {
            return false;
        }
        if !rule.allow_line.is_empty() {
            let line = line_of(content, c.start, c.end);
            if rule.allow_line.iter().any(|a| a.is_match(line)) {
                return false;
            }
        }
        !rule.allow.iter().any(|a| a.is_match(secret))
    }
}

/// The line(s) holding `start..end`, without their newlines.
fn line_of(content: &[u8], start: usize, end: usize) -> &[u8] {
    let ls = memchr::memrchr(b'\n', &content[..start]).map_or(0, |i| i + 1);
    let le = memchr::memchr(b'\n', &content[end..]).map_or(content.len(), |i| end + i);
    &content[ls..le]
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
    secret_start: usize,
    secret_end: usize,
    /// The `distinct-from` group's range, if the rule has one and it matched.
    other: Option<(usize, usize)>,
}

/// Finds the bounds of the line around keyword hits, remembering the newlines it has
/// seen so that hits on one long line do not each search it again.
struct LineFinder<'a> {
    content: &'a [u8],
    /// Everything before this offset has been searched for the last newline.
    scanned_to: usize,
    /// The last newline before `scanned_to`.
    last_newline: Option<usize>,
    /// No newline in `[next_from, next_newline)`; `next_newline` is a newline or the end.
    next_from: usize,
    next_newline: Option<usize>,
}

impl<'a> LineFinder<'a> {
    fn new(content: &'a [u8]) -> Self {
        LineFinder {
            content,
            scanned_to: 0,
            last_newline: None,
            next_from: 0,
            next_newline: None,
        }
    }

    /// The start of `pos`'s line, or `pos - max_line` if the line starts before that.
    fn line_start(&mut self, pos: usize, max_line: usize) -> usize {
        let lo = pos.saturating_sub(max_line);
        if pos >= self.scanned_to {
            if let Some(i) = memchr::memrchr(b'\n', &self.content[self.scanned_to..pos]) {
                self.last_newline = Some(self.scanned_to + i);
            }
            self.scanned_to = pos;
            self.last_newline.map_or(0, |i| i + 1).max(lo)
        } else {
            // A hit that starts before an earlier one (overlapping keywords): search its
            // bounded window directly.
            memchr::memrchr(b'\n', &self.content[lo..pos]).map_or(lo, |i| lo + i + 1)
        }
    }

    /// The end of `pos`'s line (its newline), or `pos + max_line` if that comes first.
    fn line_end(&mut self, pos: usize, max_line: usize) -> usize {
        let hi = (pos + max_line).min(self.content.len());
        let newline = match self.next_newline {
            Some(n) if self.next_from <= pos && pos <= n => n,
            _ => {
                let n = memchr::memchr(b'\n', &self.content[pos..])
                    .map_or(self.content.len(), |i| pos + i);
                self.next_from = pos;
                self.next_newline = Some(n);
                n
            }
        };
        newline.min(hi)
    }
}

/// `ghp_ab…` — a short prefix of the secret, never more than a fifth of it.
pub fn redact(secret: &[u8]) -> String {
    let shown = (secret.len() / 5).min(6);
    let prefix = String::from_utf8_lossy(&secret[..shown]);
    let prefix: String = prefix.chars().filter(|c| !c.is_control()).collect();
    format!("{prefix}…")
}

impl Engine for SecretsEngine {
    fn id(&self) -> &'static str {
        "secrets"
    }

    fn rules(&self) -> &[RuleMeta] {
        &self.metas
    }

    fn wants(&self, _path: &Path, kind: &FileKind) -> bool {
        kind.is_text
    }

    fn scan(&self, input: &Input<'_>, cx: &ScanCx, sink: &mut dyn Sink) -> Result<(), EngineError> {
        let content = input.content;
        let mut cands = self.candidates(input.path, content, cx.limits.max_line_len);
        // A generic rule yields to a specific one on overlapping secrets — also when the
        // specific rule rejected its match: a GitHub-shaped token with a wrong checksum
        // is a look-alike, not a password for the generic rules to report.
        let specific: Vec<(usize, usize)> = cands
            .iter()
            .filter(|c| !self.rules[c.rule].generic)
            .map(|c| (c.secret_start, c.secret_end))
            .collect();
        cands.retain(|c| self.accept(c, content));
        if cands.is_empty() {
            return Ok(());
        }
        cands.retain(|c| {
            !self.rules[c.rule].generic
                || !specific
                    .iter()
                    .any(|&(s, e)| s < c.secret_end && c.secret_start < e)
        });
        // Of overlapping generic matches (a URL password that is also a query parameter),
        // the first rule's is kept.
        let generic_keep: Vec<bool> = cands
            .iter()
            .map(|c| {
                !self.rules[c.rule].generic
                    || !cands.iter().any(|o| {
                        o.rule < c.rule
                            && self.rules[o.rule].generic
                            && o.secret_start < c.secret_end
                            && c.secret_start < o.secret_end
                    })
            })
            .collect();
        let mut generic_keep = generic_keep.into_iter();
        cands.retain(|_| generic_keep.next().unwrap_or(true));
        // A rule with `yields-to` gives way to the rules it names on overlapping secrets.
        let keep: Vec<bool> = cands
            .iter()
            .map(|c| {
                let yields = &self.rules[c.rule].yields_to;
                yields.is_empty()
                    || !cands.iter().any(|o| {
                        o.secret_start < c.secret_end
                            && c.secret_start < o.secret_end
                            && yields.iter().any(|y| *y == self.rules[o.rule].meta.id)
                    })
            })
            .collect();
        let mut keep = keep.into_iter();
        cands.retain(|_| keep.next().unwrap_or(true));
        let index = LineIndex::new(content);
        let test_path = filter::is_test_path(input.path);
        let docs_path = filter::is_docs_path(input.path);
        let redactions: Vec<Redaction> = cands
            .iter()
            .map(|c| Redaction {
                start: c.secret_start,
                end: c.secret_end,
                replacement: redact(&content[c.secret_start..c.secret_end]),
            })
            .collect();
        for (c, red) in cands.iter().zip(&redactions) {
            let rule = &self.rules[c.rule];
            let secret = &content[c.secret_start..c.secret_end];
            let shown = &red.replacement;
            // Heuristic (generic) matches in documentation are usually illustrations.
            let confidence = if test_path || (rule.generic && docs_path) {
                Confidence::Low
            } else {
                rule.meta.confidence
            };
            let span = index.span(c.secret_start, c.secret_end);
            let snippet = snippet_around(
                content,
                &index,
                c.secret_start,
                c.secret_end,
                &redactions,
                1,
                160,
            );
            sink.emit(Finding {
                rule: palisade_engine::finding::RuleId::new(rule.meta.id.clone()),
                severity: rule.meta.severity,
                confidence,
                message: format!("{}: `{shown}` ({} chars)", rule.meta.name, secret.len()),
                locations: vec![Location::file(input.path, span)],
                fingerprint: fingerprint(&[b"secrets", rule.meta.id.as_bytes(), secret]),
                snippet: Some(snippet),
                fix: None,
                owners: Vec::new(),
                trace: Vec::new(),
            });
        }
        Ok(())
    }
}

/// Loads a rule file: gitleaks TOML (`.toml`) or palisade YAML.
pub fn load_rule_file(path: &Path) -> Result<Vec<Rule>, LoadError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError::Rules {
        path: origin.clone(),
        message: format!("cannot read: {e}"),
    })?;
    let rules = if path.extension().is_some_and(|e| e == "toml") {
        gitleaks::parse(&text, &origin)?
    } else {
        parse_yaml_rules(&text, &origin)?
    };
    for r in &rules {
        r.check_pattern().map_err(|e| LoadError::Rules {
            path: origin.clone(),
            message: format!("rule `{}`: bad pattern: {e}", r.meta.id),
        })?;
    }
    Ok(rules)
}

/// Parses palisade's YAML rule format.
pub fn parse_yaml_rules(text: &str, origin: &str) -> Result<Vec<Rule>, LoadError> {
    let file: RuleFile = serde_saphyr::from_str(text).map_err(|e| LoadError::Rules {
        path: origin.to_string(),
        message: e.to_string(),
    })?;
    file.rules
        .into_iter()
        .map(|s| Rule::from_spec(s, origin))
        .collect()
}

#[cfg(test)]
mod tests;
