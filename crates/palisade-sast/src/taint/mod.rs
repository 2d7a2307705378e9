//! Taint analysis (`mode: taint` rules).
//!
//! ## The intermediate form
//! Each function (and the top level of a file) is one unit. Its tree-sitter subtree is
//! lowered on the fly into a small set of operations — assignment to an access path
//! (`x`, `x.f`, `x["k"]`, `x[2]`), call (receiver, callee name, arguments), field and index
//! read, return, and structured control flow (if/elif/else, switch/match, loops, try/catch,
//! ternaries) — by [`lower`]'s per-language tables. The analysis is an abstract
//! interpretation over that structured control flow: one abstract state per program point
//! (access path -> taint and constant), states joined where branches meet, loops run to a
//! fixpoint bounded at three passes, code after `return`/`throw` unreachable. For the
//! structured code of these languages this is the same result as a data-flow pass over the
//! CFG, without materialising one.
//!
//! ## Precision
//! - constants are propagated and folded (integers, strings, booleans); a branch whose
//!   condition folds is pruned, a `switch` on a constant runs the one case taken;
//! - collections: list elements by index (append/insert/remove/pop shift them), map and
//!   dict entries by constant key; an unknown key or index is a `[*]` summary entry;
//! - fields of objects are access paths; `y = x` makes `y` an alias of `x`;
//! - numeric conversions, lengths, comparisons and boolean tests produce clean values;
//!   rule sanitizers (also `by-side-effect`) clean values;
//! - string building (concatenation, format, f-strings, template literals, builders)
//!   propagates taint; an unknown call propagates the taint of its receiver and arguments.
//!
//! ## Across functions
//! Each unit gets a summary (which parameters reach the return value, which reach a sink,
//! and whether the return value carries a source of its own), computed by iterating all
//! units of a file to a fixpoint (at most five rounds, so recursion terminates) and applied
//! at call sites by callee name.

pub mod lower;
pub mod spec;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tree_sitter::Node;

use crate::eval;
use crate::lang::Lang;
use crate::matcher::{Cx, Match};
use spec::Spec;

/// One step of a trace, as a byte range and a short note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub start: u32,
    pub end: u32,
    pub note: String,
}

/// A taint finding: the sink range, its match, and the trace from source to sink.
#[derive(Debug, Clone)]
pub struct Hit {
    pub sink: Match,
    pub trace: Vec<Step>,
}

const MAX_TRACE: usize = 24;
const MAX_DEPTH: u32 = 300;
const MAX_FUEL: u64 = 5_000_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Taint {
    /// Source labels carried.
    labels: BTreeSet<u16>,
    /// Bit i: the unit's parameter i flows here (summaries).
    params: u64,
    trace: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    Int(i64),
    Str(String),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Val {
    taint: Option<Taint>,
    k: Option<Const>,
}

impl Val {
    fn clean() -> Val {
        Val::default()
    }
    fn konst(c: Const) -> Val {
        Val {
            taint: None,
            k: Some(c),
        }
    }
    fn is_tainted(&self) -> bool {
        self.taint.is_some()
    }
    fn join(&self, o: &Val) -> Val {
        Val {
            taint: join_taint(&self.taint, &o.taint),
            k: if self.k == o.k { self.k.clone() } else { None },
        }
    }
    /// Taint only (a value built from both, no constant).
    fn join_taint(&self, o: &Val) -> Val {
        Val {
            taint: join_taint(&self.taint, &o.taint),
            k: None,
        }
    }
    fn with_step(mut self, s: Step) -> Val {
        if let Some(t) = &mut self.taint
            && t.trace.len() < MAX_TRACE
            && t.trace.last() != Some(&s)
        {
            t.trace.push(s);
        }
        self
    }
}

fn join_taint(a: &Option<Taint>, b: &Option<Taint>) -> Option<Taint> {
    match (a, b) {
        (None, None) => None,
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (Some(x), Some(y)) => {
            // Keep the trace of a real source, the shorter one when both have one.
            let pick = match (x.labels.is_empty(), y.labels.is_empty()) {
                (false, true) => &x.trace,
                (true, false) => &y.trace,
                _ if y.trace.len() < x.trace.len() => &y.trace,
                _ => &x.trace,
            };
            Some(Taint {
                labels: x.labels.union(&y.labels).copied().collect(),
                params: x.params | y.params,
                trace: pick.clone(),
            })
        }
    }
}

/// The abstract state at a program point.
#[derive(Debug, Clone, Default)]
struct State {
    env: BTreeMap<String, Val>,
    /// Known list lengths.
    lens: HashMap<String, usize>,
    /// `y -> x` after `y = x`.
    alias: HashMap<String, String>,
    dead: bool,
}

impl State {
    fn join(&self, o: &State) -> State {
        if self.dead {
            return o.clone();
        }
        if o.dead {
            return self.clone();
        }
        let mut env = BTreeMap::new();
        for (k, v) in &self.env {
            match o.env.get(k) {
                Some(w) => env.insert(k.clone(), v.join(w)),
                None => env.insert(
                    k.clone(),
                    Val {
                        k: None,
                        ..v.clone()
                    },
                ),
            };
        }
        for (k, v) in &o.env {
            if !self.env.contains_key(k) {
                env.insert(
                    k.clone(),
                    Val {
                        k: None,
                        ..v.clone()
                    },
                );
            }
        }
        State {
            env,
            lens: self
                .lens
                .iter()
                .filter(|(k, v)| o.lens.get(*k) == Some(v))
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            alias: self
                .alias
                .iter()
                .filter(|(k, v)| o.alias.get(*k) == Some(v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            dead: false,
        }
    }

    fn same(&self, o: &State) -> bool {
        self.dead == o.dead
            && self.env.len() == o.env.len()
            && self.env.iter().all(|(k, v)| {
                o.env.get(k).is_some_and(|w| {
                    w.taint.as_ref().map(|t| (&t.labels, t.params))
                        == v.taint.as_ref().map(|t| (&t.labels, t.params))
                        && w.k == v.k
                })
            })
            && self.lens == o.lens
    }

    fn resolve(&self, name: &str) -> String {
        let mut n = name.to_string();
        for _ in 0..8 {
            match self.alias.get(&n) {
                Some(a) => n = a.clone(),
                None => break,
            }
        }
        n
    }

    /// The value stored at `path` or, failing that, at `[*]` or a prefix of it.
    fn lookup(&self, path: &str) -> Option<Val> {
        if let Some(v) = self.env.get(path) {
            return Some(v.clone());
        }
        let mut p = path;
        while let Some(cut) = parent_path(p) {
            if p.ends_with(']') {
                let star = format!("{cut}[*]");
                if let Some(v) = self.env.get(&star) {
                    return Some(Val {
                        k: None,
                        ..v.clone()
                    });
                }
            }
            if let Some(v) = self.env.get(cut) {
                return Some(Val {
                    k: None,
                    ..v.clone()
                });
            }
            p = cut;
        }
        None
    }

    /// Whether anything is known about the variable at the root of `path`.
    fn knows(&self, path: &str) -> bool {
        let root = root_of(path);
        self.lens.contains_key(root)
            || self.env.contains_key(root)
            || self
                .env
                .range(root.to_string()..)
                .take_while(|(k, _)| k.starts_with(root))
                .any(|(k, _)| is_sub(k, root))
    }

    /// The value at `path` together with everything stored below it.
    fn whole(&self, path: &str) -> Option<Val> {
        let mut out = self.lookup(path);
        for (k, v) in self
            .env
            .range(path.to_string()..)
            .take_while(|(k, _)| k.starts_with(path))
        {
            if is_sub(k, path) {
                let v = Val {
                    k: None,
                    ..v.clone()
                };
                out = Some(match out {
                    Some(o) => o.join_taint(&v),
                    None => v,
                });
            }
        }
        out
    }

    fn set(&mut self, path: &str, v: Val) {
        // A new value for `x` replaces what was known below it.
        let subs: Vec<String> = self
            .env
            .range(path.to_string()..)
            .take_while(|(k, _)| k.starts_with(path))
            .filter(|(k, _)| is_sub(k, path))
            .map(|(k, _)| k.clone())
            .collect();
        for k in subs {
            self.env.remove(&k);
        }
        self.lens.remove(path);
        self.env.insert(path.to_string(), v);
    }
}

fn is_sub(k: &str, p: &str) -> bool {
    k.len() > p.len() && k.starts_with(p) && matches!(k.as_bytes()[p.len()], b'.' | b'[')
}

fn root_of(p: &str) -> &str {
    let end = p.find(['.', '[']).unwrap_or(p.len());
    &p[..end]
}

fn parent_path(p: &str) -> Option<&str> {
    let i = p.rfind(['.', '['])?;
    (i > 0).then(|| &p[..i])
}

/// What a function does with its inputs, as seen by its callers.
#[derive(Debug, Clone, Default, PartialEq)]
struct Summary {
    ret_params: u64,
    ret_src: Option<Taint>,
    /// (parameter, sink match index, trace from the parameter to the sink)
    param_sinks: Vec<(u8, usize, Vec<Step>)>,
}

impl Summary {
    fn signature(&self) -> (u64, Option<BTreeSet<u16>>, BTreeSet<(u8, usize)>) {
        (
            self.ret_params,
            self.ret_src.as_ref().map(|t| t.labels.clone()),
            self.param_sinks.iter().map(|(p, s, _)| (*p, *s)).collect(),
        )
    }
}

/// A byte range.
type Range = (u32, u32);

/// The rule's matches, indexed by range.
struct Maps {
    sources: HashMap<(u32, u32), Vec<u16>>,
    source_ranges: Vec<(u32, u32, u16)>,
    sanitizers: HashMap<(u32, u32), bool>,
    /// Expression range -> sink match indices it feeds.
    sink_targets: HashMap<(u32, u32), Vec<usize>>,
    sinks: Vec<(Match, Option<spec::Req>)>,
    /// Propagator match range -> (from, to) ranges.
    props: HashMap<Range, Vec<(Range, Range)>>,
}

pub struct Unit<'t> {
    node: Node<'t>,
    name: Option<String>,
    /// (name, parameter node, position)
    params: Vec<(String, Node<'t>, usize)>,
}

/// Runs a taint specification over a parsed file.
pub fn run(cx: &mut Cx<'_, '_>, ts: &tree_sitter::Tree, spec: &Spec) -> Vec<Hit> {
    let lang = cx.tree.lang;
    let mut maps = Maps {
        sources: HashMap::new(),
        source_ranges: Vec::new(),
        sanitizers: HashMap::new(),
        sink_targets: HashMap::new(),
        sinks: Vec::new(),
        props: HashMap::new(),
    };
    let root = ts.root_node();
    for s in &spec.sinks {
        for m in eval::eval(cx, &s.formula) {
            let i = maps.sinks.len();
            let targets = if s.focused {
                vec![(m.start, m.end)]
            } else {
                sink_target_ranges(lang, root, m.start, m.end)
            };
            for (a, b) in targets {
                maps.sink_targets.entry((a, b)).or_default().push(i);
            }
            maps.sinks.push((m, s.requires.clone()));
        }
    }
    if maps.sinks.is_empty() {
        return Vec::new();
    }
    for s in &spec.sources {
        for m in eval::eval(cx, &s.formula) {
            maps.sources
                .entry((m.start, m.end))
                .or_default()
                .push(s.label);
            maps.source_ranges.push((m.start, m.end, s.label));
        }
    }
    if maps.sources.is_empty() {
        return Vec::new();
    }
    for s in &spec.sanitizers {
        for m in eval::eval(cx, &s.formula) {
            let e = maps.sanitizers.entry((m.start, m.end)).or_insert(false);
            *e |= s.side_effect;
        }
    }
    for p in &spec.propagators {
        for m in eval::eval(cx, &p.formula) {
            let get = |n: &str| {
                m.env
                    .iter()
                    .find(|(k, _)| &**k == n)
                    .map(|(_, b)| (b.start, b.end))
            };
            if let (Some(f), Some(t)) = (get(&p.from), get(&p.to)) {
                maps.props.entry((m.start, m.end)).or_default().push((f, t));
            }
        }
    }
    if cx.timed_out {
        return Vec::new();
    }
    let units = lower::units(lang, cx.tree.src, root);
    let mut summaries: HashMap<String, Summary> = HashMap::new();
    let mut an = An {
        lang,
        src: cx.tree.src,
        maps: &maps,
        summaries: HashMap::new(),
        hits: Vec::new(),
        cur: Summary::default(),
        values: HashMap::new(),
        fuel: 0,
        depth: 0,
        record: false,
        deadline: cx.deadline,
        timed_out: false,
    };
    let calls_local = units.iter().any(|u| u.name.is_some()) && units.len() > 1;
    let rounds = if calls_local { 5 } else { 0 };
    for _ in 0..rounds {
        an.summaries = summaries.clone();
        let mut next: HashMap<String, Summary> = HashMap::new();
        for u in &units {
            let s = an.unit(u);
            if let Some(n) = &u.name {
                let e = next.entry(n.clone()).or_default();
                e.ret_params |= s.ret_params;
                e.ret_src = join_taint(&e.ret_src, &s.ret_src);
                e.param_sinks.extend(s.param_sinks);
            }
        }
        let same = next.len() == summaries.len()
            && next.iter().all(|(k, v)| {
                summaries
                    .get(k)
                    .is_some_and(|w| w.signature() == v.signature())
            });
        summaries = next;
        if same || an.timed_out {
            break;
        }
    }
    an.summaries = summaries;
    an.record = true;
    for u in &units {
        an.unit(u);
    }
    if an.timed_out {
        cx.timed_out = true;
    }
    an.hits
}

/// The expression ranges whose taint makes a sink match fire: the matched expression
/// itself, or the arguments when the match is a whole call.
fn sink_target_ranges(lang: Lang, root: Node<'_>, s: u32, e: u32) -> Vec<(u32, u32)> {
    let Some(mut n) = root.descendant_for_byte_range(s as usize, e as usize) else {
        return vec![(s, e)];
    };
    while let Some(p) = n.parent() {
        if p.start_byte() == n.start_byte()
            && p.end_byte() == n.end_byte()
            && lower::is_call(lang, p.kind())
        {
            n = p;
        } else {
            break;
        }
    }
    if n.start_byte() as u32 == s && n.end_byte() as u32 == e && lower::is_call(lang, n.kind()) {
        let c = lower::call(lang, n);
        if !c.args.is_empty() {
            return c
                .args
                .iter()
                .map(|a| (a.start_byte() as u32, a.end_byte() as u32))
                .collect();
        }
    }
    vec![(s, e)]
}

struct An<'a, 's> {
    lang: Lang,
    src: &'s [u8],
    maps: &'a Maps,
    summaries: HashMap<String, Summary>,
    hits: Vec<Hit>,
    cur: Summary,
    /// Values of evaluated ranges (propagators read their `from` here).
    values: HashMap<(u32, u32), Val>,
    fuel: u64,
    depth: u32,
    record: bool,
    deadline: Option<std::time::Instant>,
    timed_out: bool,
}

fn range(n: Node<'_>) -> (u32, u32) {
    (n.start_byte() as u32, n.end_byte() as u32)
}

impl<'a, 's> An<'a, 's> {
    fn text(&self, n: Node<'_>) -> &'s str {
        std::str::from_utf8(&self.src[n.start_byte()..n.end_byte()]).unwrap_or("")
    }

    fn step(&self, n: Node<'_>, note: impl Into<String>) -> Step {
        Step {
            start: n.start_byte() as u32,
            end: n.end_byte() as u32,
            note: note.into(),
        }
    }

    fn unit(&mut self, u: &Unit<'_>) -> Summary {
        self.cur = Summary::default();
        self.values.clear();
        let mut st = State::default();
        for (name, pn, i) in &u.params {
            let i = *i;
            let mut v = Val::clean();
            let (ps, pe) = range(*pn);
            let labels: Vec<u16> = self
                .maps
                .source_ranges
                .iter()
                .filter(|(s, e, _)| *s >= ps && *e <= pe)
                .map(|(_, _, l)| *l)
                .collect();
            if !labels.is_empty() {
                v.taint = Some(Taint {
                    labels: labels.into_iter().collect(),
                    params: 0,
                    trace: vec![self.step(*pn, format!("source: parameter `{name}`"))],
                });
            }
            if i < 64 {
                let p = Taint {
                    labels: BTreeSet::new(),
                    params: 1 << i,
                    trace: vec![self.step(*pn, format!("parameter `{name}`"))],
                };
                v.taint = join_taint(&v.taint, &Some(p));
            }
            st.env.insert(name.clone(), v);
        }
        let body = lower::body(self.lang, u.node);
        match body {
            Some(b) if lower::is_expression_body(self.lang, u.node, b) => {
                let v = self.ev(b, &mut st);
                self.ret(&v);
            }
            Some(b) => {
                self.ev(b, &mut st);
            }
            None => {}
        }
        std::mem::take(&mut self.cur)
    }

    fn ret(&mut self, v: &Val) {
        if let Some(t) = &v.taint {
            self.cur.ret_params |= t.params;
            if !t.labels.is_empty() {
                let mut only = t.clone();
                only.params = 0;
                self.cur.ret_src = join_taint(&self.cur.ret_src, &Some(only));
            }
        }
    }

    fn tick(&mut self) -> bool {
        if self.timed_out {
            return false;
        }
        self.fuel += 1;
        if self.fuel > MAX_FUEL {
            self.timed_out = true;
            return false;
        }
        if self.fuel.is_multiple_of(4096)
            && let Some(d) = self.deadline
            && std::time::Instant::now() > d
        {
            self.timed_out = true;
            return false;
        }
        true
    }

    /// Records the value of an evaluated expression: sinks it feeds, propagators.
    fn seen(&mut self, n: Node<'_>, v: &Val, st: &mut State) {
        let r = range(n);
        self.values.insert(r, v.clone());
        {
            if let Some(ps) = self.maps.props.get(&r) {
                for (from, to) in ps.clone() {
                    let fv = self.values.get(&from).cloned().unwrap_or_default();
                    if fv.is_tainted()
                        && let Some(tn) = n.descendant_for_byte_range(to.0 as usize, to.1 as usize)
                        && let Some(p) = self.path(tn, st)
                    {
                        let old = st.whole(&p).unwrap_or_default();
                        let nv = old
                            .join_taint(&fv)
                            .with_step(self.step(n, format!("propagates to `{}`", self.text(tn))));
                        let old_root = st.env.get(&p).cloned().unwrap_or_default();
                        st.env.insert(p, old_root.join_taint(&nv));
                    }
                }
            }
        }
        let Some(sinks) = self.maps.sink_targets.get(&r) else {
            return;
        };
        let Some(t) = &v.taint else { return };
        for &si in sinks {
            self.sink_hit(si, t, n, &[]);
        }
    }

    fn sink_hit(&mut self, si: usize, t: &Taint, at: Node<'_>, tail: &[Step]) {
        let (m, req) = &self.maps.sinks[si];
        if !t.labels.is_empty() && self.record && req.as_ref().is_none_or(|r| r.holds(&t.labels)) {
            let mut trace = t.trace.clone();
            trace.extend_from_slice(tail);
            let sink_step = if tail.is_empty() {
                self.step(at, "sink")
            } else {
                Step {
                    start: m.start,
                    end: m.end,
                    note: "sink".into(),
                }
            };
            trace.push(sink_step);
            let src0 = trace.first().map(|s| s.start);
            if !self.hits.iter().any(|h| {
                h.sink.start == m.start
                    && h.sink.end == m.end
                    && h.trace.first().map(|s| s.start) == src0
            }) {
                self.hits.push(Hit {
                    sink: m.clone(),
                    trace,
                });
            }
        }
        if t.params != 0 {
            let mut trace = t.trace.clone();
            trace.extend_from_slice(tail);
            for i in 0..64u8 {
                if t.params & (1 << i) != 0
                    && !self
                        .cur
                        .param_sinks
                        .iter()
                        .any(|(p, s, _)| *p == i && *s == si)
                {
                    self.cur.param_sinks.push((i, si, trace.clone()));
                }
            }
        }
    }

    /// The access path an expression denotes, if it is one.
    fn path(&mut self, n: Node<'_>, st: &mut State) -> Option<String> {
        let n = lower::unparen(n);
        match lower::classify(self.lang, n, self.src) {
            lower::Kind::Ident => Some(st.resolve(self.text(n))),
            lower::Kind::Member(obj, field) => {
                let base = self.path(obj, st)?;
                Some(format!("{base}.{}", self.text(field)))
            }
            lower::Kind::Index(obj, idx) => {
                let base = self.path(obj, st)?;
                let key = match self.ev(idx, st).k {
                    Some(c) => key_of(&c),
                    None => "*".to_string(),
                };
                Some(format!("{base}[{key}]"))
            }
            _ => None,
        }
    }

    /// Assigns `v` to the target expression `lhs`.
    fn assign(&mut self, lhs: Node<'_>, v: Val, rhs: Option<Node<'_>>, st: &mut State) {
        let lhs = lower::unparen(lhs);
        match lower::classify(self.lang, lhs, self.src) {
            lower::Kind::Ident | lower::Kind::Member(..) | lower::Kind::Index(..) => {
                let Some(p) = self.path(lhs, st) else { return };
                let v = v.with_step(self.step(lhs, format!("`{}` assigned", self.text(lhs))));
                let is_ident = matches!(
                    lower::classify(self.lang, lhs, self.src),
                    lower::Kind::Ident
                );
                if is_ident {
                    st.alias.remove(self.text(lhs));
                }
                let p = if is_ident {
                    self.text(lhs).to_string()
                } else {
                    p
                };
                if p.ends_with("[*]") {
                    let old = st.env.get(&p).cloned().unwrap_or_default();
                    st.env.insert(p, old.join_taint(&v));
                    return;
                }
                st.set(&p, v);
                // `y = x` with `x` an object: `y` is an alias of `x`.
                if is_ident
                    && let Some(r) = rhs.map(lower::unparen)
                    && matches!(lower::classify(self.lang, r, self.src), lower::Kind::Ident)
                {
                    let target = st.resolve(self.text(r));
                    if target != p && st.knows(&target) {
                        st.alias.insert(p.clone(), target);
                    }
                }
                // `x = [a, b]`: known elements.
                if is_ident && let Some(r) = rhs.map(lower::unparen) {
                    self.collection_literal(&p, r, st);
                }
            }
            lower::Kind::Tuple(items) => {
                let rs = rhs.map(lower::unparen).and_then(|r| {
                    match lower::classify(self.lang, r, self.src) {
                        lower::Kind::Tuple(x) if x.len() == items.len() => Some(x),
                        _ => None,
                    }
                });
                for (i, it) in items.iter().enumerate() {
                    match &rs {
                        Some(r) => {
                            let iv = self
                                .values
                                .get(&range(r[i]))
                                .cloned()
                                .unwrap_or_else(|| v.clone());
                            self.assign(*it, iv, Some(r[i]), st)
                        }
                        None => self.assign(
                            *it,
                            Val {
                                k: None,
                                ..v.clone()
                            },
                            None,
                            st,
                        ),
                    }
                }
            }
            _ => {
                // Destructuring patterns and the like: every name gets the value's taint.
                let mut names = Vec::new();
                lower::idents_in(self.lang, lhs, &mut names);
                for nm in names {
                    let v = Val {
                        k: None,
                        ..v.clone()
                    }
                    .with_step(self.step(nm, format!("`{}` assigned", self.text(nm))));
                    st.set(self.text(nm), v);
                }
            }
        }
    }

    fn collection_literal(&mut self, p: &str, r: Node<'_>, st: &mut State) {
        match lower::classify(self.lang, r, self.src) {
            lower::Kind::ListLit(items) => {
                for (i, it) in items.iter().enumerate() {
                    let v = self.values.get(&range(*it)).cloned().unwrap_or_default();
                    st.env.insert(format!("{p}[{i}]"), v);
                }
                st.env.insert(p.to_string(), Val::clean());
                st.lens.insert(p.to_string(), items.len());
            }
            lower::Kind::DictLit(pairs) => {
                for (k, v) in pairs {
                    let kv = self.values.get(&range(k)).and_then(|x| x.k.clone());
                    let vv = self.values.get(&range(v)).cloned().unwrap_or_default();
                    let js = matches!(self.lang, Lang::JavaScript | Lang::TypeScript | Lang::Tsx);
                    match kv {
                        // A JavaScript object: `o.k` and `o["k"]` are the same entry.
                        Some(Const::Str(k))
                            if js
                                && k.chars()
                                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$') =>
                        {
                            st.env.insert(format!("{p}.{k}"), vv);
                        }
                        kv => {
                            let key = kv.map_or("*".to_string(), |c| key_of(&c));
                            st.env.insert(format!("{p}[{key}]"), vv);
                        }
                    }
                }
                st.env.insert(p.to_string(), Val::clean());
            }
            lower::Kind::New(ty, _) if lower::is_list_type(self.text(ty)) => {
                st.env.insert(p.to_string(), Val::clean());
                st.lens.insert(p.to_string(), 0);
            }
            _ => {}
        }
    }

    /// Evaluates a node (statement or expression) in `st`; the value of an expression.
    fn ev(&mut self, n: Node<'_>, st: &mut State) -> Val {
        if st.dead || !self.tick() {
            return Val::clean();
        }
        if self.depth > MAX_DEPTH {
            return Val::clean();
        }
        self.depth += 1;
        let v = self.ev_inner(n, st);
        self.depth -= 1;
        v
    }

    fn ev_inner(&mut self, n: Node<'_>, st: &mut State) -> Val {
        let n = lower::unparen(n);
        let r = range(n);
        if let Some(&side) = self.maps.sanitizers.get(&r) {
            if side {
                // Evaluate for effects, then clean the sanitised paths.
                let _ = self.ev_kind(n, st);
                let mut targets = Vec::new();
                if lower::is_call(self.lang, n.kind()) {
                    targets.extend(lower::call(self.lang, n).args);
                } else {
                    targets.push(n);
                }
                for t in targets {
                    if let Some(p) = self.path(t, st) {
                        st.set(&p, Val::clean());
                    }
                }
            }
            let v = Val::clean();
            self.seen(n, &v, st);
            return v;
        }
        let mut v = self.ev_kind(n, st);
        if let Some(labels) = self.maps.sources.get(&r) {
            let t = Taint {
                labels: labels.iter().copied().collect(),
                params: 0,
                trace: vec![self.step(n, "source")],
            };
            v.taint = join_taint(&Some(t), &v.taint);
            v.k = None;
        }
        self.seen(n, &v, st);
        v
    }

    fn ev_kind(&mut self, n: Node<'_>, st: &mut State) -> Val {
        use lower::Kind as K;
        match lower::classify(self.lang, n, self.src) {
            K::Function => Val::clean(),
            K::Ident => {
                let name = self.text(n);
                st.whole(&st.resolve(name)).unwrap_or_default()
            }
            K::Lit(c) => Val::konst(c),
            K::Str(parts) => {
                let mut v = Val::clean();
                for p in parts {
                    let pv = self.ev(p, st);
                    v = v.join_taint(&pv);
                }
                v
            }
            K::Member(_, f) if matches!(self.text(f), "length" | "size") => {
                // A length is a number: clean.
                Val::clean()
            }
            K::Member(obj, _) | K::Index(obj, _) => {
                // A source inside (`req.query` in `req.query.name`) is read through the object.
                let (ns, ne) = range(n);
                let src_inside = self
                    .maps
                    .source_ranges
                    .iter()
                    .any(|(s, e, _)| *s >= ns && *e <= ne);
                if !src_inside
                    && let Some(p) = self.path(n, st)
                    && st.knows(&p)
                {
                    let mut v = st.whole(&p).unwrap_or_default();
                    if p.contains('[') {
                        // An indexed read is the element, not the whole object.
                        v = st.lookup(&p).map_or(v, |x| {
                            let mut x = x;
                            for (k, w) in st
                                .env
                                .range(p.clone()..)
                                .take_while(|(k, _)| k.starts_with(&p))
                            {
                                if is_sub(k, &p) {
                                    x = x.join_taint(w);
                                }
                            }
                            x
                        });
                    }
                    v
                } else {
                    let ov = self.ev(obj, st);
                    if let K::Index(_, idx) = lower::classify(self.lang, n, self.src) {
                        self.ev(idx, st);
                    }
                    Val { k: None, ..ov }
                }
            }
            K::Assign(lhs, rhs, op) => {
                let rv = match rhs {
                    Some(r) => self.ev(r, st),
                    None => Val::clean(),
                };
                let compound = op.is_some();
                let v = match op {
                    Some(op) => {
                        let old = self.ev(lhs, st);
                        binop(&op, &old, &rv)
                    }
                    None => rv,
                };
                self.assign(lhs, v.clone(), if compound { None } else { rhs }, st);
                v
            }
            K::Decl(name, rhs, numeric) => {
                let mut v = match rhs {
                    Some(r) => self.ev(r, st),
                    None => Val::clean(),
                };
                if numeric {
                    v.taint = None;
                }
                self.assign(name, v.clone(), rhs, st);
                v
            }
            K::Binary(a, op, b) => {
                let av = self.ev(a, st);
                // Short-circuit on a constant left side.
                match (op.as_str(), &av.k) {
                    ("and" | "&&", Some(Const::Bool(false))) => {
                        return Val::konst(Const::Bool(false));
                    }
                    ("or" | "||", Some(Const::Bool(true))) => return Val::konst(Const::Bool(true)),
                    _ => {}
                }
                let bv = self.ev(b, st);
                binop(&op, &av, &bv)
            }
            K::Unary(op, a) => {
                let av = self.ev(a, st);
                match (op.as_str(), &av.k) {
                    ("not" | "!", Some(Const::Bool(b))) => Val::konst(Const::Bool(!b)),
                    ("not" | "!", _) => Val::clean(),
                    ("-", Some(Const::Int(i))) => Val::konst(Const::Int(i.wrapping_neg())),
                    _ => Val { k: None, ..av },
                }
            }
            K::Ternary(c, a, b) => {
                let cv = self.ev(c, st);
                match truth(&cv) {
                    Some(true) => self.ev(a, st),
                    Some(false) => self.ev(b, st),
                    None => {
                        let mut s2 = st.clone();
                        let av = self.ev(a, st);
                        let bv = self.ev(b, &mut s2);
                        *st = st.join(&s2);
                        av.join(&bv)
                    }
                }
            }
            K::Call => self.call(n, st),
            K::New(_, args) => {
                let mut v = Val::clean();
                for a in args {
                    let av = self.ev(a, st);
                    v = v.join_taint(&av);
                }
                v
            }
            K::Tuple(items) | K::ListLit(items) => {
                let mut v = Val::clean();
                for a in items {
                    let av = self.ev(a, st);
                    v = v.join_taint(&av);
                }
                v
            }
            K::DictLit(pairs) => {
                let mut v = Val::clean();
                for (a, b) in pairs {
                    self.ev(a, st);
                    let bv = self.ev(b, st);
                    v = v.join_taint(&bv);
                }
                v
            }
            K::If(cond, cons, alts) => {
                self.if_chain(cond, cons, &alts, st);
                Val::clean()
            }
            K::Loop(header, bind, body) => {
                let mut hv = Val::clean();
                for h in header {
                    let x = self.ev(h, st);
                    hv = hv.join_taint(&x);
                }
                if let Some(b) = bind {
                    self.assign(b, Val { k: None, ..hv }, None, st);
                }
                let mut cur = st.clone();
                for _ in 0..3 {
                    let mut s = cur.clone();
                    for b in &body {
                        self.ev(*b, &mut s);
                    }
                    s.dead = false;
                    let next = cur.join(&s);
                    if next.same(&cur) {
                        break;
                    }
                    cur = next;
                }
                *st = cur;
                Val::clean()
            }
            K::Switch(subject, cases) => {
                self.switch(subject, &cases, st);
                Val::clean()
            }
            K::Try(body, handlers, fin) => {
                let before = st.clone();
                self.ev(body, st);
                let mut out = st.clone();
                for h in handlers {
                    let mut s = before.join(st);
                    s.dead = false;
                    self.ev(h, &mut s);
                    out = out.join(&s);
                }
                *st = out;
                if let Some(f) = fin {
                    self.ev(f, st);
                }
                Val::clean()
            }
            K::Return(e) => {
                if let Some(e) = e {
                    let v = self.ev(e, st);
                    self.ret(&v);
                }
                st.dead = true;
                Val::clean()
            }
            K::Throw(e) => {
                if let Some(e) = e {
                    self.ev(e, st);
                }
                st.dead = true;
                Val::clean()
            }
            K::Other => {
                let mut v = Val::clean();
                let mut c = n.walk();
                let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
                for k in kids {
                    if lower::is_comment(k.kind()) {
                        continue;
                    }
                    let kv = self.ev(k, st);
                    v = v.join_taint(&kv);
                }
                v
            }
        }
    }

    fn if_chain(&mut self, cond: Node<'_>, cons: Node<'_>, alts: &[Node<'_>], st: &mut State) {
        let cv = self.ev(cond, st);
        let (first, rest) = match alts.split_first() {
            Some((f, r)) => (Some(*f), r),
            None => (None, &[][..]),
        };
        let run_alt = |me: &mut Self, s: &mut State| {
            if let Some(a) = first {
                match lower::elif(me.lang, a) {
                    Some((c2, b2, more)) => {
                        let mut all: Vec<Node<'_>> = more;
                        all.extend_from_slice(rest);
                        me.if_chain(c2, b2, &all, s);
                    }
                    None => {
                        me.ev(a, s);
                        for r in rest {
                            me.ev(*r, s);
                        }
                    }
                }
            }
        };
        match truth(&cv) {
            Some(true) => {
                self.ev(cons, st);
            }
            Some(false) => run_alt(self, st),
            None => {
                let mut s2 = st.clone();
                self.ev(cons, st);
                run_alt(self, &mut s2);
                *st = st.join(&s2);
            }
        }
    }

    fn switch(&mut self, subject: Node<'_>, cases: &[lower::Case<'_>], st: &mut State) {
        let sv = self.ev(subject, st);
        // The case taken, when the subject and the labels are constants.
        let mut taken = None;
        if let Some(k) = &sv.k {
            let mut all_const = true;
            for (i, c) in cases.iter().enumerate() {
                for l in &c.labels {
                    let lv = self.ev(*l, st);
                    match &lv.k {
                        Some(x) if x == k => {
                            if taken.is_none() {
                                taken = Some(i);
                            }
                        }
                        Some(_) => {}
                        None => all_const = false,
                    }
                }
            }
            if taken.is_none() && all_const {
                taken = cases.iter().position(|c| c.default);
                if taken.is_none() {
                    return;
                }
            }
        }
        let run_from = |me: &mut Self, i: usize, s: &mut State| {
            for c in &cases[i..] {
                for b in &c.body {
                    me.ev(*b, s);
                }
                if c.breaks || s.dead {
                    break;
                }
            }
        };
        match taken {
            Some(i) => {
                run_from(self, i, st);
                st.dead = false;
            }
            None => {
                let mut out = if cases.iter().any(|c| c.default) {
                    State {
                        dead: true,
                        ..State::default()
                    }
                } else {
                    st.clone()
                };
                for i in 0..cases.len() {
                    let mut s = st.clone();
                    run_from(self, i, &mut s);
                    s.dead = false;
                    out = out.join(&s);
                }
                *st = out;
            }
        }
    }

    fn call(&mut self, n: Node<'_>, st: &mut State) -> Val {
        let c = lower::call(self.lang, n);
        let name = c.name.map(|x| self.text(x).to_string()).unwrap_or_default();
        let recv_path = c.receiver.and_then(|r| {
            let r = lower::unparen(r);
            match lower::classify(self.lang, r, self.src) {
                lower::Kind::Ident | lower::Kind::Member(..) => self.path(r, st),
                _ => None,
            }
        });
        let args: Vec<Val> = c.args.iter().map(|a| self.ev(*a, st)).collect();
        // Collections and builders held in a known variable.
        if let Some(rp) = &recv_path
            && let Some(v) = self.collection_op(rp, &name, &args, &c.args, n, st)
        {
            return v;
        }
        let recv = match c.receiver {
            Some(r) => self.ev(r, st),
            None => Val::clean(),
        };
        // String constants through a few pure methods.
        if let Some(Const::Str(s)) = &recv.k {
            let int_arg = |i: usize| match args.get(i).and_then(|a| a.k.as_ref()) {
                Some(Const::Int(x)) => Some(*x),
                _ => None,
            };
            let chars: Vec<char> = s.chars().collect();
            let k = match (name.as_str(), args.len()) {
                ("length", 0) => Some(Const::Int(chars.len() as i64)),
                ("charAt", 1) => int_arg(0)
                    .and_then(|i| chars.get(usize::try_from(i).ok()?))
                    .map(|c| Const::Str(c.to_string())),
                ("substring", 1) => int_arg(0)
                    .and_then(|i| chars.get(usize::try_from(i).ok()?..))
                    .map(|c| Const::Str(c.iter().collect())),
                ("substring", 2) => match (int_arg(0), int_arg(1)) {
                    (Some(a), Some(b)) => usize::try_from(a)
                        .ok()
                        .zip(usize::try_from(b).ok())
                        .and_then(|(a, b)| chars.get(a..b))
                        .map(|c| Const::Str(c.iter().collect())),
                    _ => None,
                },
                ("trim" | "strip", 0) => Some(Const::Str(s.trim().to_string())),
                ("toLowerCase" | "lower", 0) => Some(Const::Str(s.to_lowercase())),
                ("toUpperCase" | "upper", 0) => Some(Const::Str(s.to_uppercase())),
                _ => None,
            };
            if let Some(k) = k
                && args.iter().all(|a| !a.is_tainted())
            {
                return Val::konst(k);
            }
        }
        let full = match c.receiver {
            Some(r) => format!("{}.{name}", self.text(r)),
            None => name.clone(),
        };
        if lower::is_clean_call(self.lang, &full, &name) {
            return Val::clean();
        }
        if name == "equals"
            && let (Some(a), Some(b)) = (&recv.k, args.first().and_then(|x| x.k.as_ref()))
        {
            return Val::konst(Const::Bool(a == b));
        }
        // A function of this file: its summary.
        let local = c
            .receiver
            .is_none_or(|r| matches!(self.text(r), "this" | "self" | "cls" | "$this"));
        if local && let Some(s) = self.summaries.get(&name).cloned() {
            let mut v = Val::clean();
            let cs = self.step(n, format!("call to `{name}`"));
            for (i, a) in args.iter().enumerate() {
                if i < 64 && s.ret_params & (1 << i) != 0 {
                    v = v.join_taint(&a.clone().with_step(cs.clone()));
                }
            }
            if let Some(t) = &s.ret_src {
                let mut t = t.clone();
                if t.trace.len() < MAX_TRACE {
                    t.trace.push(Step {
                        note: format!("returned by `{name}`"),
                        ..cs.clone()
                    });
                }
                v.taint = join_taint(&v.taint, &Some(t));
            }
            for (p, si, tail) in &s.param_sinks {
                if let Some(a) = args.get(*p as usize)
                    && let Some(t) = &a.taint
                {
                    let mut full_tail = vec![cs.clone()];
                    full_tail.extend(tail.iter().skip(1).cloned());
                    let t = t.clone();
                    self.sink_hit(*si, &t, n, &full_tail);
                }
            }
            return v;
        }
        // Default: the result carries the taint of the receiver and the arguments.
        let mut v = recv.join_taint(&Val::clean());
        for a in &args {
            v = v.join_taint(a);
        }
        v
    }

    /// `list.add(x)`, `m.put(k, v)`, `m.get(k)`, `l.pop()`, `sb.append(x)` on a variable.
    fn collection_op(
        &mut self,
        rp: &str,
        name: &str,
        args: &[Val],
        arg_nodes: &[Node<'_>],
        n: Node<'_>,
        st: &mut State,
    ) -> Option<Val> {
        let len = st.lens.get(rp).copied();
        let key = |i: usize| args.get(i).and_then(|a| a.k.as_ref()).map(key_of);
        let step = self.step(
            n,
            format!("`{}`", self.text(n).chars().take(60).collect::<String>()),
        );
        match (name, args.len()) {
            ("add" | "append" | "push" | "addLast" | "offer", 1) => {
                let v = args[0].clone().with_step(step);
                match len {
                    Some(l) => {
                        st.env.insert(format!("{rp}[{l}]"), v);
                        st.lens.insert(rp.to_string(), l + 1);
                    }
                    None if !st.knows(rp)
                        || self.lang == Lang::Python
                        || matches!(name, "add" | "push") =>
                    {
                        let p = format!("{rp}[*]");
                        let old = st.env.get(&p).cloned().unwrap_or_default();
                        st.env.insert(p, old.join_taint(&v));
                    }
                    None => {
                        // A builder (`sb.append(x)`): the receiver takes the taint.
                        let old = st.env.get(rp).cloned().unwrap_or_default();
                        let nv = old.join_taint(&v);
                        st.env.insert(rp.to_string(), nv.clone());
                        return Some(nv);
                    }
                }
                Some(Val::clean())
            }
            ("add" | "insert", 2) if len.is_some() && matches!(args[0].k, Some(Const::Int(_))) => {
                let (Some(l), Some(Const::Int(i))) = (len, &args[0].k) else {
                    return None;
                };
                let i = (*i).clamp(0, l as i64) as usize;
                for j in (i..l).rev() {
                    if let Some(v) = st.env.remove(&format!("{rp}[{j}]")) {
                        st.env.insert(format!("{rp}[{}]", j + 1), v);
                    }
                }
                st.env
                    .insert(format!("{rp}[{i}]"), args[1].clone().with_step(step));
                st.lens.insert(rp.to_string(), l + 1);
                Some(Val::clean())
            }
            ("remove" | "pop" | "shift" | "removeFirst" | "removeLast" | "poll", _)
                if len.is_some() =>
            {
                let l = len.unwrap_or(0);
                if l == 0 {
                    return Some(Val::clean());
                }
                let i = match (name, args.first().and_then(|a| a.k.as_ref())) {
                    ("pop", None) | ("removeLast", _) => l - 1,
                    ("shift" | "removeFirst" | "poll", _) => 0,
                    (_, Some(Const::Int(i))) if *i >= 0 && (*i as usize) < l => *i as usize,
                    (_, Some(Const::Int(i))) if *i < 0 && i.unsigned_abs() as usize <= l => {
                        l - i.unsigned_abs() as usize
                    }
                    _ => return None,
                };
                let out = st.env.remove(&format!("{rp}[{i}]")).unwrap_or_default();
                for j in i + 1..l {
                    if let Some(v) = st.env.remove(&format!("{rp}[{j}]")) {
                        st.env.insert(format!("{rp}[{}]", j - 1), v);
                    }
                }
                st.lens.insert(rp.to_string(), l - 1);
                Some(out)
            }
            ("put" | "set" | "setdefault" | "putIfAbsent" | "__setitem__", 2) => {
                let k = key(0).unwrap_or_else(|| "*".into());
                if name == "set" && len.is_none() && !st.knows(rp) {
                    return None;
                }
                let p = format!("{rp}[{k}]");
                let v = args[1].clone().with_step(step);
                if k == "*" {
                    let old = st.env.get(&p).cloned().unwrap_or_default();
                    st.env.insert(p, old.join_taint(&v));
                } else {
                    st.env.insert(p, v);
                }
                Some(Val::clean())
            }
            ("get" | "getOrDefault" | "getParameter" | "elementAt", 1 | 2) if st.knows(rp) => {
                let v = match key(0) {
                    Some(k) => st.lookup(&format!("{rp}[{k}]")).unwrap_or_default(),
                    None => st.whole(rp).unwrap_or_default(),
                };
                let mut v = Val { k: None, ..v };
                if name == "getOrDefault"
                    && let Some(d) = args.get(1)
                {
                    v = v.join_taint(d);
                }
                let _ = arg_nodes;
                Some(v)
            }
            ("append" | "insert" | "concat" | "extend" | "addAll" | "write" | "print", _)
                if !args.is_empty() =>
            {
                let mut v = st.env.get(rp).cloned().unwrap_or_default();
                for a in args {
                    v = v.join_taint(a);
                }
                let v = v.with_step(step);
                if len.is_some() && matches!(name, "extend" | "addAll") {
                    let p = format!("{rp}[*]");
                    st.env.insert(p, v.clone());
                } else {
                    st.env.insert(rp.to_string(), v.clone());
                }
                Some(v)
            }
            _ => None,
        }
    }
}

fn key_of(c: &Const) -> String {
    match c {
        Const::Int(i) => i.to_string(),
        Const::Str(s) => format!("{s:?}"),
        Const::Bool(b) => b.to_string(),
        Const::Null => "null".into(),
    }
}

fn truth(v: &Val) -> Option<bool> {
    match v.k.as_ref()? {
        Const::Bool(b) => Some(*b),
        Const::Int(i) => Some(*i != 0),
        Const::Null => Some(false),
        Const::Str(s) => Some(!s.is_empty()),
    }
}

fn binop(op: &str, a: &Val, b: &Val) -> Val {
    use Const::*;
    let op = op.trim();
    // `x += y` is `x + y`.
    let op = match op {
        "+=" | "-=" | "*=" | "/=" | "%=" | ".=" | "||=" | "&&=" | "|=" | "&=" => {
            &op[..op.len() - 1]
        }
        o => o,
    };
    let cmp = matches!(
        op,
        "<" | ">"
            | "<="
            | ">="
            | "=="
            | "!="
            | "==="
            | "!=="
            | "is"
            | "in"
            | "not in"
            | "is not"
            | "instanceof"
    );
    let k = match (&a.k, &b.k) {
        (Some(Int(x)), Some(Int(y))) => match op {
            "+" => x.checked_add(*y).map(Int),
            "-" => x.checked_sub(*y).map(Int),
            "*" => x.checked_mul(*y).map(Int),
            "/" | "//" if *y != 0 => x.checked_div(*y).map(Int),
            "%" if *y != 0 => x.checked_rem(*y).map(Int),
            ">" => Some(Bool(x > y)),
            "<" => Some(Bool(x < y)),
            ">=" => Some(Bool(x >= y)),
            "<=" => Some(Bool(x <= y)),
            "==" | "===" | "is" => Some(Bool(x == y)),
            "!=" | "!==" | "is not" => Some(Bool(x != y)),
            _ => None,
        },
        (Some(Str(x)), Some(Str(y))) => match op {
            "+" | "." => Some(Str(format!("{x}{y}"))),
            "==" | "===" => Some(Bool(x == y)),
            "!=" | "!==" => Some(Bool(x != y)),
            _ => None,
        },
        (Some(Str(x)), Some(Int(y))) if op == "+" => Some(Str(format!("{x}{y}"))),
        (Some(Int(x)), Some(Str(y))) if op == "+" => Some(Str(format!("{x}{y}"))),
        (Some(Str(x)), Some(Int(y))) if op == "*" && (0..=64).contains(y) => {
            Some(Str(x.repeat(*y as usize)))
        }
        (Some(Bool(x)), Some(Bool(y))) => match op {
            "and" | "&&" | "&" => Some(Bool(*x && *y)),
            "or" | "||" | "|" => Some(Bool(*x || *y)),
            "==" | "===" => Some(Bool(x == y)),
            "!=" | "!==" => Some(Bool(x != y)),
            _ => None,
        },
        _ => None,
    };
    if cmp {
        return Val { taint: None, k };
    }
    if matches!(op, "and" | "or" | "&&" | "||" | "??") {
        // `a or b` in Python/JS yields one of the operands.
        return Val {
            taint: join_taint(&a.taint, &b.taint),
            k,
        };
    }
    Val {
        taint: join_taint(&a.taint, &b.taint),
        k,
    }
}
#[cfg(test)]
mod tests;
