//! palisade's SAST engine: Semgrep-syntax rules matched structurally on tree-sitter trees.
//!
//! ## How it works
//! A file is parsed once (tree-sitter) into a compact owned tree ([`tree`]): punctuation
//! and comments dropped, parentheses unwrapped, string literals as single values. Rule
//! patterns are parsed with the same grammar after `$X`, `$...X`, `...` and `<... ...>`
//! are replaced by placeholder identifiers ([`pattern`]), then matched structurally
//! ([`matcher`]) with consistent metavariable bindings, ellipses in any list, deep
//! matching, import-alias resolution of dotted names ([`imports`]) and keyword arguments
//! in any order. A rule's operators combine match sets as Semgrep does ([`eval`]).
//!
//! Before parsing, one Aho-Corasick pass over the file checks which rules could match at
//! all (every identifier a pattern names must occur in the file, [`prefilter`]); a file
//! no rule can match is never parsed.
//!
//! ## Bounds
//! Tree building and deep matching use explicit stacks (no recursion on target depth);
//! parsing and matching share a per-file deadline (the file is reported as skipped when
//! it passes); regexes use the `regex` crate (linear time) with a size limit.
//!
//! ## Dependencies
//! - `tree-sitter` and the grammar crates: maintained, incremental, error-tolerant parsers
//!   for every language we need, with one API; a file with syntax errors still yields a
//!   tree for the parts that parse.
//! - `aho-corasick`: the multi-literal prefilter, one linear pass for all rules.
//! - `regex`: linear-time matching for `pattern-regex` and `metavariable-regex`, so a
//!   hostile rule or file cannot cause catastrophic backtracking.
//! - `globset`: `paths.include/exclude`.
//! - `serde-saphyr` + `serde_json::Value`: the rule YAML read as a generic tree, so every
//!   key can be checked and an unsupported one refused by name.

pub mod compare;
pub mod eval;
pub mod imports;
pub mod lang;
pub mod matcher;
pub mod pattern;
pub mod prefilter;
pub mod rule;
pub mod taint;
pub mod testing;
pub mod tree;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use palisade_engine::finding::{Finding, Fix, Location, RuleId, TraceStep};
use palisade_engine::{
    Engine, EngineError, Example, FileKind, Input, LineIndex, LoadError, RuleMeta, ScanCx, Sink,
    fingerprint, snippet_around,
};

pub use lang::Lang;
pub use rule::{Rule, RuleError};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// Counters of one engine over a scan.
#[derive(Debug, Default)]
pub struct Stats {
    pub files_parsed: AtomicU64,
    pub files_with_parse_errors: AtomicU64,
    pub files_skipped: AtomicU64,
    pub files_prefiltered: AtomicU64,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl From<Error> for LoadError {
    fn from(e: Error) -> Self {
        match e {
            Error::Rule(r) => LoadError::Rules {
                path: r.origin.clone(),
                message: format!("line {}: rule `{}`: {}", r.line, r.rule, r.message),
            },
            Error::Io { path, message } => LoadError::Rules { path, message },
        }
    }
}

/// A set of rules; each language's patterns and prefilter are built on first use.
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub metas: Vec<RuleMeta>,
    /// Per language (index in [`Lang::ALL`]): its prefilter, built on first use.
    filters: Vec<std::sync::OnceLock<LangFilter>>,
    /// Every language some rule applies to.
    pub langs: Vec<Lang>,
}

/// One language's prefilter over the rules that apply to it.
struct LangFilter {
    ac: Option<AhoCorasick>,
    /// (rule index, clauses of literal indices: one of each clause must occur).
    rules: Vec<(usize, Vec<Vec<usize>>)>,
    nlits: usize,
}

impl LangFilter {
    fn build(rules: &[Rule], lang: Lang) -> LangFilter {
        let mut lits: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if !r.langs.contains(&lang) {
                continue;
            }
            let mut cs = Vec::new();
            for clause in r.required(lang) {
                let mut ids = Vec::new();
                for l in clause {
                    let i = match lits.iter().position(|x| *x == l) {
                        Some(i) => i,
                        None => {
                            lits.push(l);
                            lits.len() - 1
                        }
                    };
                    ids.push(i);
                }
                cs.push(ids);
            }
            out.push((i, cs));
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&lits)
            .ok();
        LangFilter {
            ac,
            rules: out,
            nlits: lits.len(),
        }
    }
}

impl RuleSet {
    pub fn new(rules: Vec<Rule>, metas: Vec<RuleMeta>) -> RuleSet {
        let mut langs: Vec<Lang> = rules.iter().flat_map(|r| r.langs.clone()).collect();
        langs.sort();
        langs.dedup();
        RuleSet {
            langs,
            rules,
            metas,
            filters: Lang::ALL
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    /// Indices of the rules that can match a file of `lang` at `path` with this content.
    fn candidates(&self, lang: Lang, path: &str, content: &[u8]) -> Vec<usize> {
        let Some(slot) = Lang::ALL.iter().position(|l| *l == lang) else {
            return Vec::new();
        };
        let f = self.filters[slot].get_or_init(|| LangFilter::build(&self.rules, lang));
        let mut present = vec![false; f.nlits];
        if let Some(ac) = &f.ac {
            for m in ac.find_overlapping_iter(content) {
                present[m.pattern().as_usize()] = true;
            }
        }
        f.rules
            .iter()
            .filter(|(i, clauses)| {
                let r = &self.rules[*i];
                r.include.as_ref().is_none_or(|g| g.is_match(path))
                    && !r.exclude.as_ref().is_some_and(|g| g.is_match(path))
                    && clauses.iter().all(|c| c.iter().any(|&l| present[l]))
            })
            .map(|(i, _)| *i)
            .collect()
    }
}

/// The SAST engine.
pub struct SastEngine {
    /// Shared: the built-in set is loaded once per process however many engines use it.
    pub set: Arc<RuleSet>,
    stats: Arc<Stats>,
    /// Time allowed per file (parse and match).
    pub timeout: Duration,
}

/// Reads rule files: a file, or every `.yaml`/`.yml` under a directory.
pub fn read_rule_sources(path: &Path) -> Result<Vec<(String, String)>, Error> {
    let mut files = Vec::new();
    if path.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        while let Some(d) = stack.pop() {
            let rd = std::fs::read_dir(&d).map_err(|e| Error::Io {
                path: d.display().to_string(),
                message: format!("cannot read directory: {e}"),
            })?;
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if is_rule_file(&p.to_string_lossy()) {
                    files.push(p);
                }
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|p| {
            std::fs::read_to_string(&p)
                .map(|t| (p.display().to_string(), t))
                .map_err(|e| Error::Io {
                    path: p.display().to_string(),
                    message: format!("cannot read: {e}"),
                })
        })
        .collect()
}

fn is_rule_file(p: &str) -> bool {
    p.ends_with(".yaml") || p.ends_with(".yml")
}

/// A readable title from a rule id: `python-md5-hash` -> `Python md5 hash`.
fn title(id: &str) -> String {
    let s = id.replace(['-', '_'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

/// Loads rules from `(origin, yaml)` sources, with sibling test files from `files`
/// (`(path, content)`) becoming their examples. Every pattern compiles now, so a bad one
/// is refused at load.
pub fn load(sources: &[(String, String)], files: &[(String, String)]) -> Result<RuleSet, Error> {
    load_with(sources, files, true)
}

fn load_with(
    sources: &[(String, String)],
    files: &[(String, String)],
    eager: bool,
) -> Result<RuleSet, Error> {
    let mut rules = Vec::new();
    let mut metas = Vec::new();
    for (origin, text) in sources {
        let stem = origin.rsplit_once('.').map_or(origin.as_str(), |(s, _)| s);
        let tests: Vec<&(String, String)> = files
            .iter()
            .filter(|(p, _)| p.rsplit_once('.').is_some_and(|(s, _)| s == stem) && !is_rule_file(p))
            .collect();
        let parsed = if eager {
            rule::parse_file(text, origin)?
        } else {
            rule::parse_file_lazy(text, origin)?
        };
        for r in parsed {
            let mut examples = Vec::new();
            for (path, content) in &tests {
                if let Some(lang) = Lang::from_path(path) {
                    let exp = testing::expectations(content, lang);
                    let fire = exp.fire.get(&r.id).cloned().unwrap_or_default();
                    let quiet = exp.quiet.get(&r.id).cloned().unwrap_or_default();
                    if !fire.is_empty() || !quiet.is_empty() {
                        examples.push(Example::Annotated {
                            path: path.rsplit('/').next().unwrap_or(path).to_string(),
                            text: content.clone(),
                            fire: fire.into_iter().collect(),
                            quiet: quiet.into_iter().collect(),
                        });
                    }
                }
            }
            let description = if r.description.trim().is_empty() {
                r.message.clone()
            } else {
                r.description.clone()
            };
            metas.push(RuleMeta {
                id: format!("sast/{}", r.id),
                name: title(&r.id),
                severity: r.severity,
                confidence: r.confidence,
                cwe: r.cwe.clone(),
                owasp: r.owasp.clone(),
                description,
                references: r.references.clone(),
                examples,
                negative_examples: Vec::new(),
            });
            rules.push(r);
        }
    }
    Ok(RuleSet::new(rules, metas))
}

/// The built-in rules, embedded at build time from `rules/`. Their patterns compile on
/// first use per language (the registry test compiles and runs all of them).
pub fn builtin_rules() -> Result<RuleSet, Error> {
    let sources: Vec<(String, String)> = builtin::BUILTIN
        .iter()
        .filter(|(p, _)| is_rule_file(p))
        .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
        .collect();
    let files: Vec<(String, String)> = builtin::BUILTIN
        .iter()
        .filter(|(p, _)| !is_rule_file(p))
        .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
        .collect();
    load_with(&sources, &files, false)
}

impl SastEngine {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// The built-in rules (loaded once per process, then shared).
    pub fn builtin() -> Result<SastEngine, LoadError> {
        static BUILTIN: std::sync::OnceLock<Arc<RuleSet>> = std::sync::OnceLock::new();
        let set = match BUILTIN.get() {
            Some(s) => s.clone(),
            None => {
                let loaded = Arc::new(builtin_rules()?);
                BUILTIN.get_or_init(|| loaded).clone()
            }
        };
        Ok(SastEngine::with_set(set))
    }

    pub fn new(set: RuleSet) -> SastEngine {
        SastEngine::with_set(Arc::new(set))
    }

    fn with_set(set: Arc<RuleSet>) -> SastEngine {
        SastEngine {
            set,
            stats: Arc::new(Stats::default()),
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }

    /// Rules from files or directories (Semgrep YAML), optionally with the built-in ones.
    pub fn from_paths(paths: &[PathBuf], with_builtin: bool) -> Result<SastEngine, LoadError> {
        let mut sources = Vec::new();
        for p in paths {
            sources.extend(read_rule_sources(p)?);
        }
        let mut set = load(&sources, &[])?;
        if with_builtin {
            let b = builtin_rules()?;
            let mut rules = b.rules;
            let mut metas = b.metas;
            rules.extend(set.rules);
            metas.extend(set.metas);
            set = RuleSet::new(rules, metas);
        }
        Ok(SastEngine::new(set))
    }

    pub fn stats(&self) -> Arc<Stats> {
        self.stats.clone()
    }

    /// Scans one file's content: the findings, or an error when it was skipped.
    pub fn scan_source(&self, path: &str, content: &[u8]) -> Result<Vec<Finding>, EngineError> {
        let Some(lang) = Lang::from_path(path) else {
            return Ok(Vec::new());
        };
        let candidates = self.set.candidates(lang, path, content);
        if candidates.is_empty() {
            self.stats.files_prefiltered.fetch_add(1, Ordering::Relaxed);
            return Ok(Vec::new());
        }
        let deadline = Instant::now() + self.timeout;
        let skipped = |what: &str| {
            self.stats.files_skipped.fetch_add(1, Ordering::Relaxed);
            EngineError::Limit(format!(
                "{what} took longer than {:.1}s; file skipped (raise --timeout)",
                self.timeout.as_secs_f64()
            ))
        };
        let Some(ts) = lang::parse(lang, content, Some(deadline)) else {
            return Err(skipped("parsing"));
        };
        let tree = tree::Tree::build(lang, content, &ts);
        let needs_ts = candidates
            .iter()
            .any(|&i| self.set.rules[i].taint.iter().any(|(l, _)| *l == lang));
        let ts = needs_ts.then_some(ts);
        self.stats.files_parsed.fetch_add(1, Ordering::Relaxed);
        if tree.has_errors {
            self.stats
                .files_with_parse_errors
                .fetch_add(1, Ordering::Relaxed);
        }
        let mut cx = matcher::Cx::new(&tree, Some(deadline));
        let index = LineIndex::new(content);
        let has_nosemgrep = memchr_find(content, b"nosemgrep");
        let mut out = Vec::new();
        for i in candidates {
            let rule = &self.set.rules[i];
            let formula = match rule.formula(lang) {
                Some(Ok(f)) => f,
                Some(Err(e)) => return Err(EngineError::Other(e.to_string())),
                None => continue,
            };
            let mut matches: Vec<(matcher::Match, Vec<taint::Step>)> =
                match (rule.taint.iter().find(|(l, _)| *l == lang), &ts) {
                    (Some((_, spec)), Some(ts)) => taint::run(&mut cx, ts, spec)
                        .into_iter()
                        .map(|h| (h.sink, h.trace))
                        .collect(),
                    _ => eval::eval(&mut cx, formula)
                        .into_iter()
                        .map(|m| (m, Vec::new()))
                        .collect(),
                };
            if cx.timed_out {
                return Err(skipped("matching"));
            }
            matches.sort_by_key(|(m, _)| (m.start, m.end));
            for (m, trace) in matches {
                let span = index.span(m.start as usize, m.end as usize);
                if has_nosemgrep && suppressed_nosemgrep(content, &index, span.start_line, &rule.id)
                {
                    continue;
                }
                let interp = |s: &str| interpolate(s, &m.env, content);
                let evidence = &content[m.start as usize..m.end as usize];
                let normalized: Vec<u8> = evidence
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                let id = format!("sast/{}", rule.id);
                out.push(Finding {
                    rule: RuleId::new(id.clone()),
                    severity: rule.severity,
                    confidence: rule.confidence,
                    message: interp(&rule.message)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    locations: vec![Location::file(path, span)],
                    fingerprint: fingerprint(&[
                        b"sast",
                        id.as_bytes(),
                        path.as_bytes(),
                        &normalized,
                    ]),
                    snippet: snippet(content, &index, m.start as usize, m.end as usize),
                    fix: rule.fix.as_ref().map(|f| Fix {
                        description: "replace the match".to_string(),
                        replacement: Some(interp(f)),
                    }),
                    owners: Vec::new(),
                    trace: trace
                        .iter()
                        .map(|s| TraceStep {
                            location: Location::file(
                                path,
                                index.span(s.start as usize, s.end as usize),
                            ),
                            message: s.note.clone(),
                        })
                        .collect(),
                });
            }
        }
        Ok(out)
    }
}

/// `$X` in a message or fix: the bound code (one line, shortened).
fn interpolate(s: &str, env: &matcher::Env, content: &[u8]) -> String {
    let mut names: Vec<&(Arc<str>, matcher::Binding)> = env.iter().collect();
    names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    let mut out = s.to_string();
    for (n, b) in names {
        if !out.contains(&**n) {
            continue;
        }
        let text = String::from_utf8_lossy(&content[b.start as usize..b.end as usize]);
        let mut one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one.len() > 120 {
            let cut = (0..=117)
                .rev()
                .find(|&i| one.is_char_boundary(i))
                .unwrap_or(0);
            one.truncate(cut);
            one.push('…');
        }
        out = out.replace(&**n, &one);
    }
    out
}

/// `nosemgrep` (optionally `nosemgrep: id, ...`) on the finding's line or the line above.
fn suppressed_nosemgrep(content: &[u8], index: &LineIndex, line: u32, id: &str) -> bool {
    let line = line as usize;
    for l in [line, line.saturating_sub(1)] {
        if l == 0 || l > index.line_count() {
            continue;
        }
        let text = &content[index.line_start(l - 1)..index.line_end(l - 1)];
        let Some(at) = memfind(text, b"nosemgrep") else {
            continue;
        };
        let rest = String::from_utf8_lossy(&text[at + 9..]);
        let rest = rest.trim_start();
        match rest.strip_prefix(':') {
            None => return true,
            Some(list) => {
                let hit = list
                    .split([',', ' '])
                    .map(|s| s.trim().trim_end_matches("*/").trim())
                    .filter(|s| !s.is_empty())
                    .any(|s| {
                        s == id
                            || s.strip_prefix("sast/") == Some(id)
                            || s.rsplit('.').next() == Some(id)
                    });
                if hit {
                    return true;
                }
            }
        }
    }
    false
}

fn memchr_find(h: &[u8], n: &[u8]) -> bool {
    AhoCorasick::new([n]).is_ok_and(|ac| ac.is_match(h))
}

/// A snippet around the match; a minified line (over 4 KiB) gets none, so that many
/// findings on one huge line cost no more than the line.
fn snippet(
    content: &[u8],
    index: &LineIndex,
    start: usize,
    end: usize,
) -> Option<palisade_engine::finding::Snippet> {
    let line = index.line_of(start);
    let long = |l: usize| index.line_end(l) - index.line_start(l) > 4096;
    let lo = line.saturating_sub(1);
    let hi = (line + 1).min(index.line_count().saturating_sub(1));
    if (lo..=hi).any(long) {
        return None;
    }
    Some(snippet_around(content, index, start, end, &[], 1, 240))
}

fn memfind(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

impl Engine for SastEngine {
    fn id(&self) -> &'static str {
        "sast"
    }
    fn rules(&self) -> &[RuleMeta] {
        &self.set.metas
    }
    fn wants(&self, path: &Path, _kind: &FileKind) -> bool {
        let p = path.to_string_lossy();
        Lang::from_path(&p).is_some_and(|l| self.set.langs.contains(&l))
    }
    fn scan(
        &self,
        input: &Input<'_>,
        _cx: &ScanCx,
        sink: &mut dyn Sink,
    ) -> Result<(), EngineError> {
        for f in self.scan_source(input.path, input.content)? {
            sink.emit(f);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
