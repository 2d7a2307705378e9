//! The taint part of a rule (`mode: taint`): sources, sinks, sanitizers and propagators,
//! each a formula of the search language plus the few taint options palisade runs.
//! Any other option is refused by name, so a rule never silently means less than it says.

use serde_json::{Map, Value};

use crate::lang::Lang;
use crate::rule::{Ctx, FORMULA_KEYS, Formula, RuleError, formula};

/// Top-level keys of a taint rule.
pub const TAINT_KEYS: &[&str] = &[
    "pattern-sources",
    "pattern-sinks",
    "pattern-sanitizers",
    "pattern-propagators",
];

/// The label every source without `label:` carries.
pub const DEFAULT_LABEL: u16 = 0;

#[derive(Debug)]
pub struct Source {
    pub formula: Formula,
    pub label: u16,
}

#[derive(Debug)]
pub struct SinkSpec {
    pub formula: Formula,
    /// The sink names its dangerous expression (`focus-metavariable`); otherwise a call
    /// match is dangerous in any of its arguments.
    pub focused: bool,
    /// `requires:` over labels; `None`: any taint.
    pub requires: Option<Req>,
}

#[derive(Debug)]
pub struct Sanitizer {
    pub formula: Formula,
    /// `by-side-effect: true`: the sanitised variables stay clean afterwards.
    pub side_effect: bool,
}

#[derive(Debug)]
pub struct Propagator {
    pub formula: Formula,
    pub from: String,
    pub to: String,
}

/// A `requires:` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Req {
    Label(u16),
    Not(Box<Req>),
    And(Box<Req>, Box<Req>),
    Or(Box<Req>, Box<Req>),
}

impl Req {
    pub fn holds(&self, labels: &std::collections::BTreeSet<u16>) -> bool {
        match self {
            Req::Label(l) => labels.contains(l),
            Req::Not(r) => !r.holds(labels),
            Req::And(a, b) => a.holds(labels) && b.holds(labels),
            Req::Or(a, b) => a.holds(labels) || b.holds(labels),
        }
    }
}

/// The taint specification of a rule for one language.
#[derive(Debug, Default)]
pub struct Spec {
    pub sources: Vec<Source>,
    pub sinks: Vec<SinkSpec>,
    pub sanitizers: Vec<Sanitizer>,
    pub propagators: Vec<Propagator>,
    /// Label names by id (`0` is the unnamed default label).
    pub labels: Vec<String>,
}

impl Spec {
    fn label(&mut self, name: &str) -> u16 {
        match self.labels.iter().position(|l| l == name) {
            Some(i) => i as u16,
            None => {
                self.labels.push(name.to_string());
                (self.labels.len() - 1) as u16
            }
        }
    }
}

/// One item of a `pattern-*` list: its formula and its other keys.
fn item<'v>(
    section: &str,
    v: &'v Value,
    allowed: &[&str],
    lang: Lang,
    cx: &Ctx<'_>,
) -> Result<(Formula, &'v Map<String, Value>), RuleError> {
    let obj = v
        .as_object()
        .ok_or_else(|| cx.err(section, format!("items of `{section}` must be mappings")))?;
    let mut found = None;
    for (k, val) in obj {
        if FORMULA_KEYS.contains(&k.as_str()) {
            if found.is_some() {
                return Err(cx.err(
                    k,
                    format!("more than one pattern operator in a `{section}` item"),
                ));
            }
            found = Some((k.as_str(), val));
        } else if !allowed.contains(&k.as_str()) {
            return Err(cx.err(
                k,
                format!("unsupported key `{k}` in `{section}` (palisade does not implement it)"),
            ));
        }
    }
    let (k, val) = found.ok_or_else(|| {
        cx.err(
            section,
            format!("a `{section}` item needs `pattern`, `patterns`, `pattern-either` or `pattern-regex`"),
        )
    })?;
    Ok((formula(k, val, lang, cx)?, obj))
}

fn list<'v>(
    obj: &'v Map<String, Value>,
    key: &str,
    cx: &Ctx<'_>,
) -> Result<&'v [Value], RuleError> {
    match obj.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(cx.err(key, format!("`{key}` must be a list"))),
    }
}

fn flag(obj: &Map<String, Value>, key: &str, cx: &Ctx<'_>) -> Result<bool, RuleError> {
    match obj.get(key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(cx.err(key, format!("`{key}` must be true or false"))),
    }
}

/// Parses the taint keys of a rule for `lang`: the specification, and an
/// alternation of the sinks (for the prefilter).
pub(crate) fn parse(
    obj: &Map<String, Value>,
    lang: Lang,
    cx: &Ctx<'_>,
) -> Result<(Spec, Formula), RuleError> {
    if let Some(k) = FORMULA_KEYS.iter().find(|k| obj.contains_key(**k)) {
        return Err(cx.err(k, format!("a taint rule takes no top-level `{k}`")));
    }
    let mut spec = Spec {
        labels: vec!["__SOURCE__".to_string()],
        ..Spec::default()
    };
    for v in list(obj, "pattern-sources", cx)? {
        let (f, o) = item("pattern-sources", v, &["label"], lang, cx)?;
        let label = match o.get("label") {
            None => DEFAULT_LABEL,
            Some(Value::String(s)) => spec.label(s),
            Some(_) => return Err(cx.err("label", "`label` must be a name")),
        };
        spec.sources.push(Source { formula: f, label });
    }
    let mut sink_alts = Vec::new();
    for v in list(obj, "pattern-sinks", cx)? {
        let (f, o) = item("pattern-sinks", v, &["requires"], lang, cx)?;
        let requires =
            match o.get("requires") {
                None => None,
                Some(Value::String(s)) => Some(parse_requires(s, &mut spec).map_err(|e| {
                    cx.err("requires", format!("cannot parse `requires: {s}`: {e}"))
                })?),
                Some(_) => return Err(cx.err("requires", "`requires` must be a label expression")),
            };
        // Compiled a second time for the prefilter (formulas are not Clone).
        let (again, _) = item("pattern-sinks", v, &["requires"], lang, cx)?;
        sink_alts.push(again);
        let focused = matches!(&f, Formula::All(a) if !a.focus.is_empty());
        spec.sinks.push(SinkSpec {
            formula: f,
            focused,
            requires,
        });
    }
    for v in list(obj, "pattern-sanitizers", cx)? {
        let (f, o) = item("pattern-sanitizers", v, &["by-side-effect"], lang, cx)?;
        let side_effect = flag(o, "by-side-effect", cx)?;
        spec.sanitizers.push(Sanitizer {
            formula: f,
            side_effect,
        });
    }
    for v in list(obj, "pattern-propagators", cx)? {
        let (f, o) = item("pattern-propagators", v, &["from", "to"], lang, cx)?;
        let get = |k: &str| {
            o.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| {
                    cx.err(
                        "pattern-propagators",
                        format!("a propagator needs `{k}: $X`"),
                    )
                })
        };
        spec.propagators.push(Propagator {
            formula: f,
            from: get("from")?,
            to: get("to")?,
        });
    }
    if spec.sources.is_empty() {
        return Err(cx.err("mode", "a taint rule needs `pattern-sources`"));
    }
    if spec.sinks.is_empty() {
        return Err(cx.err("mode", "a taint rule needs `pattern-sinks`"));
    }
    // A label a sink requires must be produced by some source.
    let produced: Vec<u16> = spec.sources.iter().map(|s| s.label).collect();
    for (i, name) in spec.labels.iter().enumerate().skip(1) {
        if !produced.contains(&(i as u16)) {
            return Err(cx.err(
                "requires",
                format!("label `{name}` is required by a sink but no source has `label: {name}`"),
            ));
        }
    }
    Ok((spec, Formula::Either(sink_alts)))
}

/// `A`, `not A`, `A and B`, `A or (B and not C)`.
fn parse_requires(s: &str, spec: &mut Spec) -> Result<Req, String> {
    let spaced = s.replace('(', " ( ").replace(')', " ) ");
    let toks: Vec<&str> = spaced.split_whitespace().collect();
    let mut pos = 0;
    let r = or(&toks, &mut pos, spec)?;
    if pos != toks.len() {
        return Err(format!("unexpected `{}`", toks[pos]));
    }
    Ok(r)
}

fn or(t: &[&str], p: &mut usize, spec: &mut Spec) -> Result<Req, String> {
    let mut l = and(t, p, spec)?;
    while t.get(*p).is_some_and(|x| x.eq_ignore_ascii_case("or")) {
        *p += 1;
        let r = and(t, p, spec)?;
        l = Req::Or(Box::new(l), Box::new(r));
    }
    Ok(l)
}

fn and(t: &[&str], p: &mut usize, spec: &mut Spec) -> Result<Req, String> {
    let mut l = not(t, p, spec)?;
    while t.get(*p).is_some_and(|x| x.eq_ignore_ascii_case("and")) {
        *p += 1;
        let r = not(t, p, spec)?;
        l = Req::And(Box::new(l), Box::new(r));
    }
    Ok(l)
}

fn not(t: &[&str], p: &mut usize, spec: &mut Spec) -> Result<Req, String> {
    match t.get(*p).copied() {
        Some(x) if x.eq_ignore_ascii_case("not") => {
            *p += 1;
            Ok(Req::Not(Box::new(not(t, p, spec)?)))
        }
        Some("(") => {
            *p += 1;
            let r = or(t, p, spec)?;
            if t.get(*p) != Some(&")") {
                return Err("missing `)`".into());
            }
            *p += 1;
            Ok(r)
        }
        Some(x) if x.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            *p += 1;
            Ok(Req::Label(spec.label(x)))
        }
        Some(x) => Err(format!("unexpected `{x}`")),
        None => Err("unexpected end".into()),
    }
}
