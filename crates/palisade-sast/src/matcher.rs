//! Structural matching of compiled patterns against a target tree.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::lang::Lang;
use crate::pattern::{PNode, Pattern};
use crate::tree::{Id, Tree, same_code};

/// What a metavariable is bound to: a byte range, and the node when it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub start: u32,
    pub end: u32,
    pub node: Option<Id>,
}

pub type Env = Vec<(Arc<str>, Binding)>;

/// One match: its range and bindings.
#[derive(Debug, Clone)]
pub struct Match {
    pub start: u32,
    pub end: u32,
    pub env: Env,
}

/// Per-file matching state: the tree, import aliases, and the time budget.
pub struct Cx<'t, 's> {
    pub tree: &'t Tree<'s>,
    /// Local name -> dotted name it stands for (`h` -> `hashlib.md5`).
    pub aliases: HashMap<String, String>,
    pub deadline: Option<Instant>,
    fuel: u32,
    pub timed_out: bool,
    /// Only nodes inside this byte range are match roots (metavariable-pattern).
    pub scope: Option<(u32, u32)>,
    /// Node ids by kind, built on first use: a pattern visits only nodes of its kind.
    by_kind: Option<HashMap<&'static str, Vec<Id>>>,
}

impl<'t, 's> Cx<'t, 's> {
    pub fn new(tree: &'t Tree<'s>, deadline: Option<Instant>) -> Self {
        let aliases = crate::imports::aliases(tree);
        Cx {
            tree,
            aliases,
            deadline,
            fuel: 0,
            timed_out: false,
            scope: None,
            by_kind: None,
        }
    }

    fn tick(&mut self) -> bool {
        if self.timed_out {
            return false;
        }
        self.fuel = self.fuel.wrapping_add(1);
        if self.fuel.is_multiple_of(4096)
            && let Some(d) = self.deadline
            && Instant::now() > d
        {
            self.timed_out = true;
            return false;
        }
        true
    }

    /// Every match of `p` in the tree (or in the scope).
    pub fn find_all(&mut self, p: &Pattern) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let n = self.tree.nodes.len() as Id;
        let root_kind = match p {
            Pattern::One(PNode::Node(k, _)) | Pattern::One(PNode::Leaf(k, _)) => Some(*k),
            _ => None,
        };
        let tree = self.tree;
        let candidates: Vec<Id> = match root_kind {
            Some(k) => {
                let index = self.by_kind.get_or_insert_with(|| {
                    let mut m: HashMap<&'static str, Vec<Id>> = HashMap::new();
                    for (i, node) in tree.nodes.iter().enumerate() {
                        m.entry(node.kind).or_default().push(i as Id);
                    }
                    m
                });
                let mut ids = index.get(k).cloned().unwrap_or_default();
                if let Some(also) = equivalent_root(tree.lang, k)
                    && let Some(more) = index.get(also)
                {
                    ids.extend(more);
                    ids.sort_unstable();
                }
                ids
            }
            None => (0..n).collect(),
        };
        for t in candidates {
            if self.timed_out {
                break;
            }
            let node = self.tree.node(t);
            if let Some((s, e)) = self.scope
                && (node.start < s || node.end > e)
            {
                continue;
            }
            if let Some(k) = root_kind
                && node.kind != k
                && equivalent_root(tree.lang, k) != Some(node.kind)
            {
                continue;
            }
            match p {
                Pattern::One(pn) => {
                    let mut env = Env::new();
                    if self.m(pn, t, &mut env) {
                        // A decorated definition starts at its first decorator (as in Semgrep).
                        let parent = tree.node(tree.parent[t as usize]);
                        let start = if parent.kind == "decorated_definition" && t != 0 {
                            parent.start
                        } else {
                            node.start
                        };
                        if seen.insert((start, node.end)) {
                            out.push(Match {
                                start,
                                end: node.end,
                                env,
                            });
                        }
                    }
                }
                Pattern::Seq(ps) => {
                    let kids = self.tree.kids(t);
                    for i in 0..kids.len() {
                        let mut env = Env::new();
                        if let Some(end) = self.seq(ps, kids, i, false, &mut env)
                            && end > i
                        {
                            // A trailing `...` reaches the end of the block (the range a
                            // `pattern-inside` covers), as in Semgrep.
                            let end = if matches!(ps.last(), Some(PNode::Ellipsis)) {
                                kids.len()
                            } else {
                                end
                            };
                            let s = self.tree.node(kids[i]).start;
                            let e = self.tree.node(kids[end - 1]).end;
                            if seen.insert((s, e)) {
                                out.push(Match {
                                    start: s,
                                    end: e,
                                    env,
                                });
                            }
                        }
                    }
                }
            }
        }
        out
    }

    fn bind(&self, env: &mut Env, name: &Arc<str>, b: Binding) -> bool {
        if let Some((_, old)) = env.iter().find(|(n, _)| n == name) {
            let src = self.tree.src;
            return same_code(
                &src[old.start as usize..old.end as usize],
                &src[b.start as usize..b.end as usize],
            );
        }
        env.push((name.clone(), b));
        true
    }

    /// Does pattern node `p` match target node `t`?
    pub fn m(&mut self, p: &PNode, t: Id, env: &mut Env) -> bool {
        if !self.tick() {
            return false;
        }
        let tree = self.tree;
        let n = tree.node(t);
        match p {
            PNode::Meta(name) => {
                let b = Binding {
                    start: n.start,
                    end: n.end,
                    node: Some(t),
                };
                self.bind(env, name, b)
            }
            PNode::MetaSeq(name) => {
                let b = Binding {
                    start: n.start,
                    end: n.end,
                    node: Some(t),
                };
                self.bind(env, name, b)
            }
            PNode::Ellipsis => true,
            PNode::Any(alts) => {
                for a in alts {
                    let save = env.len();
                    if self.m(a, t, env) {
                        return true;
                    }
                    env.truncate(save);
                }
                false
            }
            PNode::Deep(inner) => {
                let mut stack = vec![t];
                while let Some(d) = stack.pop() {
                    let save = env.len();
                    if self.m(inner, d, env) {
                        return true;
                    }
                    env.truncate(save);
                    if self.timed_out {
                        return false;
                    }
                    stack.extend(tree.kids(d).iter().rev());
                }
                false
            }
            PNode::AnyString => n.string,
            PNode::AnyFString => {
                n.kind == "string" && crate::pattern::lang_prefix_has_f(tree.lang, tree.text_str(t))
            }
            PNode::Typed(name, ty) => {
                if !self.has_type(t, ty) {
                    return false;
                }
                let b = Binding {
                    start: n.start,
                    end: n.end,
                    node: Some(t),
                };
                self.bind(env, name, b)
            }
            PNode::StrMeta(name) => {
                if !n.string {
                    return false;
                }
                let full = tree.text_str(t);
                let v = tree.string_value(t);
                let off = (v.as_ptr() as usize).saturating_sub(full.as_ptr() as usize) as u32;
                let b = Binding {
                    start: n.start + off,
                    end: n.start + off + v.len() as u32,
                    node: None,
                };
                self.bind(env, name, b)
            }
            PNode::Str(v) => n.string && tree.string_value(t) == v,
            PNode::StrRegex(re) => n.string && re.is_match(tree.string_value(t)),
            PNode::Dotted(d, inner) => {
                if tree.lang.is_chain_kind(n.kind) && self.dotted_eq(t, d) {
                    return true;
                }
                self.m(inner, t, env)
            }
            PNode::Leaf(kind, text) => {
                tree.kids(t).is_empty()
                    && (n.kind == *kind || (n.named && !n.string))
                    && tree.text(t) == text.as_bytes()
            }
            PNode::Node(kind, kids) => {
                let lang = tree.lang;
                let chain = lang.is_chain_kind(kind) && lang.is_chain_kind(n.kind);
                if n.kind != *kind {
                    return self.equivalent(p, kind, kids, t, env)
                        || (chain && self.alias_chain(p, t, env))
                        || self.empty_chain_ellipsis(kids, t, env);
                }
                let tk = tree.kids(t);
                if has_keyword_args(tree.lang, kids) {
                    return self.keyword_args(kids, tk, env);
                }
                let save = env.len();
                if self.seq(kids, tk, 0, true, env).is_some() {
                    return true;
                }
                env.truncate(save);
                (chain && self.alias_chain(p, t, env)) || self.empty_chain_ellipsis(kids, t, env)
            }
        }
    }

    /// `$X. ... .f()`: the `...` of a field chain stands for any run of fields and calls,
    /// none included: `$X . ...` matches `t` when `$X` matches `t` or a receiver inside it
    /// (`a.b(1).c` -> `a.b(1)` -> `a.b` -> `a`).
    fn empty_chain_ellipsis(&mut self, kids: &[PNode], t: Id, env: &mut Env) -> bool {
        let [obj, PNode::Leaf(_, dot), PNode::Ellipsis] = kids else {
            return false;
        };
        if dot != "." && dot != "->" {
            return false;
        }
        let tree = self.tree;
        let mut cur = t;
        for _ in 0..64 {
            let save = env.len();
            if self.m(obj, cur, env) {
                return true;
            }
            env.truncate(save);
            let kind = tree.node(cur).kind;
            let receiver = tree.lang.is_chain_kind(kind)
                || kind.contains("call")
                || matches!(
                    kind,
                    "method_invocation" | "invocation_expression" | "member_access_expression"
                );
            match tree.kids(cur) {
                [first, _, ..] if receiver => cur = *first,
                _ => return false,
            }
        }
        false
    }

    /// Equivalences between node kinds: in JavaScript/TypeScript `$X = E` also matches a
    /// declaration `const x = E` (as in Semgrep).
    fn equivalent(&mut self, _p: &PNode, kind: &str, kids: &[PNode], t: Id, env: &mut Env) -> bool {
        let tree = self.tree;
        if !matches!(tree.lang, Lang::JavaScript | Lang::TypeScript | Lang::Tsx) {
            return false;
        }
        let tkind = tree.node(t).kind;
        match (kind, tkind) {
            ("assignment_expression", "variable_declarator") => {
                let tk = tree.kids(t);
                self.seq(kids, tk, 0, true, env).is_some()
            }
            ("expression_statement", "lexical_declaration" | "variable_declaration") => {
                let [inner @ PNode::Node("assignment_expression", _)] = kids else {
                    return false;
                };
                let decls: Vec<Id> = tree
                    .kids(t)
                    .iter()
                    .copied()
                    .filter(|&k| tree.node(k).kind == "variable_declarator")
                    .collect();
                match decls[..] {
                    [d] => self.m(inner, d, env),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// A dotted pattern with metavariables (`child_process.$F`, `Crypto.Cipher.$A.new`)
    /// against a name reached through an import alias (`exec` from
    /// `import { exec } from "child_process"`). A metavariable binds only to a segment
    /// written in the target.
    fn alias_chain(&mut self, p: &PNode, t: Id, env: &mut Env) -> bool {
        if self.aliases.is_empty() {
            return false;
        }
        let tree = self.tree;
        let text = tree.text_str(t);
        let head = text.split('.').next().unwrap_or("");
        let Some(full) = self.aliases.get(head) else {
            return false;
        };
        if text.len() > 256 || text.bytes().any(|b| b.is_ascii_whitespace()) {
            return false;
        }
        let mut pat = Vec::new();
        if !flatten_chain(tree.lang, p, &mut pat) || pat.len() < 2 {
            return false;
        }
        let start = tree.node(t).start;
        let segs: Vec<&str> = text.split('.').collect();
        // (segment, its range in the target when written there)
        let mut expanded: Vec<(&str, Option<(u32, u32)>)> = Vec::new();
        let fsegs: Vec<&str> = full.split('.').collect();
        for (i, f) in fsegs.iter().enumerate() {
            let here = i + 1 == fsegs.len() && *f == segs[0];
            expanded.push((f, here.then_some((start, start + segs[0].len() as u32))));
        }
        let mut at = start + segs[0].len() as u32 + 1;
        for s in &segs[1..] {
            expanded.push((s, Some((at, at + s.len() as u32))));
            at += s.len() as u32 + 1;
        }
        if expanded.len() != pat.len() {
            return false;
        }
        let save = env.len();
        for ((seg, range), want) in expanded.iter().zip(&pat) {
            let ok = match want {
                ChainSeg::Lit(l) => l == seg,
                ChainSeg::Meta(name) => match range {
                    Some((s, e)) => {
                        let b = Binding {
                            start: *s,
                            end: *e,
                            node: None,
                        };
                        self.bind(env, name, b)
                    }
                    None => false,
                },
            };
            if !ok {
                env.truncate(save);
                return false;
            }
        }
        true
    }

    /// Whether target `t` is of type `ty`: `new T(...)`, `(T) x`, or a name declared with
    /// `T` (a local, parameter or field in an enclosing scope; `var x = new T()`).
    fn has_type(&self, t: Id, ty: &str) -> bool {
        let tree = self.tree;
        let n = tree.node(t);
        match n.kind {
            "object_creation_expression" | "cast_expression" => {
                return tree.kids(t).iter().any(|&k| {
                    let kind = tree.node(k).kind;
                    (kind.contains("type") || kind == "identifier" || kind == "qualified_name")
                        && same_type(tree.text_str(k), ty)
                });
            }
            "identifier" => {}
            _ => return false,
        }
        let name = tree.text(t);
        let mut a = t;
        let mut steps = 0;
        while a != 0 && steps < 256 {
            a = tree.parent[a as usize];
            steps += 1;
            let mut stack: Vec<Id> = tree.kids(a).to_vec();
            while let Some(k) = stack.pop() {
                let kind = tree.node(k).kind;
                match kind {
                    "formal_parameters"
                    | "parameter_list"
                    | "variable_declaration"
                    | "local_declaration_statement"
                    | "field_declaration" => {
                        stack.extend(tree.kids(k).iter().copied());
                        if kind != "field_declaration" {
                            continue;
                        }
                    }
                    _ => {}
                }
                if !matches!(
                    kind,
                    "local_variable_declaration"
                        | "field_declaration"
                        | "formal_parameter"
                        | "parameter"
                        | "variable_declaration"
                ) {
                    continue;
                }
                if let Some(found) = self.declared_type(k, name) {
                    return same_type(found, ty);
                }
            }
        }
        false
    }

    /// The type text a declaration gives `name`, if it declares it.
    fn declared_type(&self, d: Id, name: &[u8]) -> Option<&'s str> {
        let tree = self.tree;
        let kids = tree.kids(d);
        let mut ty: Option<Id> = None;
        for &k in kids {
            let kn = tree.node(k);
            match kn.kind {
                "modifiers" | "modifier" | "attribute_list" | "annotation" => {}
                "variable_declarator" => {
                    let dk = tree.kids(k);
                    if dk.first().is_some_and(|&i| tree.text(i) == name) {
                        let ty = ty?;
                        let text = tree.text_str(ty);
                        if text == "var" {
                            // `var x = new T(...)`: the constructed type
                            let init = dk
                                .iter()
                                .copied()
                                .find(|&i| tree.node(i).kind == "object_creation_expression")?;
                            return tree
                                .kids(init)
                                .iter()
                                .copied()
                                .find(|&i| {
                                    let kind = tree.node(i).kind;
                                    kind.contains("type") || kind == "identifier"
                                })
                                .map(|i| tree.text_str(i));
                        }
                        return Some(text);
                    }
                }
                "identifier" if ty.is_some() && tree.text(k) == name => {
                    return ty.map(|i| tree.text_str(i));
                }
                _ if ty.is_none() => ty = Some(k),
                _ => {}
            }
        }
        None
    }

    fn dotted_eq(&self, t: Id, want: &str) -> bool {
        let text = self.tree.text(t);
        if text.len() > 256 {
            return false;
        }
        let compact: String = String::from_utf8_lossy(text)
            .split_whitespace()
            .collect::<String>();
        if compact == want {
            return true;
        }
        let (head, rest) = match compact.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (compact.as_str(), None),
        };
        match self.aliases.get(head) {
            Some(full) => match rest {
                Some(r) => {
                    want.len() == full.len() + 1 + r.len()
                        && want.starts_with(full.as_str())
                        && want[full.len()..].starts_with('.')
                        && &want[full.len() + 1..] == r
                }
                None => want == full,
            },
            None => false,
        }
    }

    /// Matches pattern elements `ps` against `ts[i..]`; `full`: all of `ts` must be used.
    /// Returns the index after the last target element used.
    pub fn seq(
        &mut self,
        ps: &[PNode],
        ts: &[Id],
        i: usize,
        full: bool,
        env: &mut Env,
    ) -> Option<usize> {
        if !self.tick() {
            return None;
        }
        let Some((p, rest)) = ps.split_first() else {
            return (!full || i == ts.len()).then_some(i);
        };
        match p {
            PNode::Ellipsis => {
                if rest.is_empty() {
                    return Some(if full { ts.len() } else { i });
                }
                for k in i..=ts.len() {
                    let save = env.len();
                    if let Some(e) = self.seq(rest, ts, k, full, env) {
                        return Some(e);
                    }
                    env.truncate(save);
                }
                None
            }
            PNode::MetaSeq(name) => {
                for k in i..=ts.len() {
                    let save = env.len();
                    let b = if k > i {
                        Binding {
                            start: self.tree.node(ts[i]).start,
                            end: self.tree.node(ts[k - 1]).end,
                            node: (k == i + 1).then_some(ts[i]),
                        }
                    } else {
                        let at = ts.get(i).map_or(0, |&t| self.tree.node(t).start);
                        Binding {
                            start: at,
                            end: at,
                            node: None,
                        }
                    };
                    if self.bind(env, name, b)
                        && let Some(e) = self.seq(rest, ts, k, full, env)
                    {
                        return Some(e);
                    }
                    env.truncate(save);
                }
                None
            }
            _ => {
                let &t = ts.get(i)?;
                let save = env.len();
                if self.m(p, t, env)
                    && let Some(e) = self.seq(rest, ts, i + 1, full, env)
                {
                    return Some(e);
                }
                env.truncate(save);
                None
            }
        }
    }

    /// Argument lists with keyword arguments: keywords match in any order, positional
    /// arguments in sequence. Extra keyword arguments need a `...` in the pattern.
    fn keyword_args(&mut self, ps: &[PNode], ts: &[Id], env: &mut Env) -> bool {
        let tree = self.tree;
        let (pk, pp): (Vec<&PNode>, Vec<&PNode>) = ps.iter().partition(|p| is_keyword(p));
        let (tk, tp): (Vec<Id>, Vec<Id>) = ts.iter().partition(|&&t| target_is_keyword(tree, t));
        let open = pp
            .iter()
            .any(|p| matches!(p, PNode::Ellipsis | PNode::MetaSeq(_)));
        if !open && tk.len() != pk.len() {
            return false;
        }
        let mut used = vec![false; tk.len()];
        for p in &pk {
            let mut found = false;
            for (j, &t) in tk.iter().enumerate() {
                if used[j] {
                    continue;
                }
                let save = env.len();
                if self.m(p, t, env) {
                    used[j] = true;
                    found = true;
                    break;
                }
                env.truncate(save);
            }
            if !found {
                return false;
            }
        }
        let pp: Vec<PNode> = pp.into_iter().cloned().collect();
        self.seq(&pp, &tp, 0, true, env).is_some()
    }
}

/// A node kind that a pattern rooted at `kind` may also match ([`Cx::equivalent`]).
fn equivalent_root(lang: Lang, kind: &str) -> Option<&'static str> {
    match (lang, kind) {
        (Lang::JavaScript | Lang::TypeScript | Lang::Tsx, "assignment_expression") => {
            Some("variable_declarator")
        }
        _ => None,
    }
}

enum ChainSeg {
    Lit(String),
    Meta(Arc<str>),
}

/// A pattern dotted name as segments; false when it is not one.
fn flatten_chain(lang: Lang, p: &PNode, out: &mut Vec<ChainSeg>) -> bool {
    match p {
        PNode::Dotted(d, _) => {
            out.extend(d.split('.').map(|s| ChainSeg::Lit(s.to_string())));
            true
        }
        PNode::Meta(n) => {
            out.push(ChainSeg::Meta(n.clone()));
            true
        }
        PNode::Leaf(_, text) if text == "." || text == "?." => true,
        PNode::Leaf(_, text) => {
            let ok = !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$');
            if ok {
                out.push(ChainSeg::Lit(text.clone()));
            }
            ok
        }
        PNode::Node(kind, kids) if lang.is_chain_kind(kind) || kind.ends_with("identifier") => {
            kids.iter().all(|k| flatten_chain(lang, k, out))
        }
        _ => false,
    }
}

/// `java.util.List<String>` is a `List`: generics dropped, the last dotted segment
/// compared when only one side is qualified.
fn same_type(have: &str, want: &str) -> bool {
    let base = |s: &str| -> String {
        let s = s.split('<').next().unwrap_or(s);
        s.chars().filter(|c| !c.is_whitespace()).collect()
    };
    let (h, w) = (base(have), base(want));
    if h == w {
        return true;
    }
    let last = |s: &str| s.rsplit('.').next().unwrap_or("").to_string();
    (!h.contains('.') || !w.contains('.')) && last(&h) == last(&w)
}

const KEYWORD_KINDS: &[&str] = &[
    "keyword_argument",
    "pair",
    "named_argument",
    "value_argument_named",
];

/// Argument kinds that are named when their second element is `=` (Kotlin) or `:` (C#,
/// PHP): `f(name = v)`, `F(name: v)`.
const NAMED_ARGUMENT_KINDS: &[&str] = &["value_argument", "argument"];

fn is_keyword(p: &PNode) -> bool {
    match p {
        PNode::Node(k, kids) => {
            KEYWORD_KINDS.contains(k)
                || (NAMED_ARGUMENT_KINDS.contains(k)
                    && matches!(kids.get(1), Some(PNode::Leaf(_, t)) if t == "=" || t == ":"))
        }
        _ => false,
    }
}

fn target_is_keyword(tree: &Tree<'_>, t: Id) -> bool {
    let kind = tree.node(t).kind;
    KEYWORD_KINDS.contains(&kind)
        || (NAMED_ARGUMENT_KINDS.contains(&kind)
            && tree.kids(t).get(1).is_some_and(|&s| {
                let n = tree.node(s);
                !n.named && matches!(tree.text(s), b"=" | b":")
            }))
}

/// Keyword (named) arguments match in any order, in every language that has them
/// (Python, Kotlin, C#, PHP, Ruby keyword arguments and hash pairs).
fn has_keyword_args(_lang: Lang, kids: &[PNode]) -> bool {
    kids.iter().any(is_keyword)
}
