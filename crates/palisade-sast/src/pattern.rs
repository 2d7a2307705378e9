//! Semgrep patterns: parsed with the target language's grammar after metavariables and
//! ellipses are replaced by placeholder identifiers, then turned into a [`PNode`] tree.

use std::sync::Arc;

use crate::lang::{self, Lang};
use crate::tree::{Id, Tree};

const MV: &str = "__MV_";
const MVS: &str = "__MVS_";
const ELL: &str = "__ELL__";
const DEEP: &str = "__DEEP__";

#[derive(Debug, Clone)]
pub enum PNode {
    /// `$X`: any node, bound consistently.
    Meta(Arc<str>),
    /// `$...X`: any sequence, bound.
    MetaSeq(Arc<str>),
    /// `...`
    Ellipsis,
    /// `<... P ...>`: P anywhere in the node.
    Deep(Box<PNode>),
    /// The first alternative that matches (tried in order).
    Any(Vec<PNode>),
    /// `"..."`
    AnyString,
    /// `(T $X)` (Java, C#): `$X` whose declared type (or `new T(...)`) is `T`.
    Typed(Arc<str>, Arc<str>),
    /// `f"..."` (Python): any f-string, with or without interpolation.
    AnyFString,
    /// `"$X"`: any string literal, `$X` bound to its value (without quotes).
    StrMeta(Arc<str>),
    Str(String),
    /// `"=~/regex/"`: a string literal whose value matches.
    StrRegex(regex::Regex),
    /// A dotted name without metavariables: also matches through import aliases.
    Dotted(String, Box<PNode>),
    Leaf(&'static str, String),
    Node(&'static str, Vec<PNode>),
}

/// A compiled pattern: one node, or a sequence of statements.
#[derive(Debug, Clone)]
pub enum Pattern {
    One(PNode),
    Seq(Vec<PNode>),
}

impl Pattern {
    /// Identifiers every match must contain (prefilter literals).
    pub fn literals(&self, out: &mut Vec<String>) {
        fn walk(p: &PNode, out: &mut Vec<String>) {
            match p {
                PNode::Dotted(d, _) => {
                    out.extend(d.split('.').filter(|s| s.len() >= 2).map(str::to_string))
                }
                PNode::Leaf(_, t)
                    if t.len() >= 3
                        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                {
                    out.push(t.clone());
                }
                PNode::Node(_, kids) => kids.iter().for_each(|k| walk(k, out)),
                PNode::Deep(p) => walk(p, out),
                PNode::Any(alts) => {
                    if let Some(first) = alts.first() {
                        walk(first, out)
                    }
                }
                _ => {}
            }
        }
        match self {
            Pattern::One(p) => walk(p, out),
            Pattern::Seq(ps) => ps.iter().for_each(|p| walk(p, out)),
        }
    }
}

/// PHP superglobals: written like metavariables (`$_GET`) but matched literally in PHP patterns.
const PHP_SUPERGLOBALS: &[&str] = &[
    "_GET", "_POST", "_REQUEST", "_COOKIE", "_FILES", "_SERVER", "_SESSION", "_ENV",
];

fn is_mv_start(b: u8) -> bool {
    b.is_ascii_uppercase() || b == b'_'
}
fn is_mv_char(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'
}

/// Replaces `$X`, `$...X`, `...`, `<... ...>` by placeholders the grammar parses.
pub fn preprocess(lang: Lang, pat: &str) -> String {
    let dollar = if lang.dollar_variables() { "$" } else { "" };
    let mut out = String::with_capacity(pat.len() + 16);
    // statement-level ellipsis lines
    let lines: Vec<&str> = pat.lines().collect();
    let multi = lines.len() > 1;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if multi && line.trim() == "..." {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(indent);
            out.push_str(ELL);
            if lang.semicolons() {
                out.push(';');
            }
            continue;
        }
        let b = line.as_bytes();
        let mut j = 0;
        while j < b.len() {
            if line[j..].starts_with("<...") {
                out.push_str(DEEP);
                out.push('(');
                j += 4;
            } else if line[j..].starts_with("...>") {
                out.push(')');
                j += 4;
            } else if line[j..].starts_with("$...") && b.len() > j + 4 && is_mv_start(b[j + 4]) {
                let mut k = j + 4;
                while k < b.len() && is_mv_char(b[k]) {
                    k += 1;
                }
                out.push_str(dollar);
                out.push_str(MVS);
                out.push_str(&line[j + 4..k]);
                j = k;
            } else if b[j] == b'$' && b.len() > j + 1 && is_mv_start(b[j + 1]) {
                let mut k = j + 1;
                while k < b.len() && is_mv_char(b[k]) {
                    k += 1;
                }
                if lang == Lang::Php && PHP_SUPERGLOBALS.contains(&&line[j + 1..k]) {
                    // `$_GET`, `$_SESSION`, ... are PHP variables, not metavariables (as in Semgrep).
                    out.push_str(&line[j..k]);
                    j = k;
                    continue;
                }
                out.push_str(dollar);
                out.push_str(MV);
                out.push_str(&line[j + 1..k]);
                j = k;
            } else if matches!(b[j], b'"' | b'\'' | b'`')
                && let Some(close) = closing_quote(b, j)
            {
                // String literals are copied as written; `"..."` and `"$X"` are special,
                // and in an interpolated string (`"...${$X}..."`, `f"{$X}"`) metavariables
                // and `...` become placeholders.
                let inner = &line[j + 1..close];
                let q = b[j] as char;
                if inner == "..." {
                    out.push(q);
                    out.push_str(ELL);
                    out.push(q);
                } else if let Some(name) = inner.strip_prefix('$')
                    && !name.is_empty()
                    && is_mv_start(name.as_bytes()[0])
                    && name.bytes().all(is_mv_char)
                {
                    out.push(q);
                    out.push_str(MV);
                    out.push_str(name);
                    out.push(q);
                } else if inner.contains('{') && inner.contains('$') {
                    out.push(q);
                    out.push_str(&interpolated_body(inner, dollar));
                    out.push(q);
                } else {
                    out.push_str(&line[j..=close]);
                }
                j = close + 1;
            } else if line[j..].starts_with("...") {
                out.push_str(ELL);
                j += 3;
            } else {
                let ch = line[j..].chars().next().unwrap_or(' ');
                out.push(ch);
                j += ch.len_utf8();
            }
        }
    }
    out
}

/// The inside of an interpolated string pattern: `$X` and `...` as placeholders.
fn interpolated_body(inner: &str, dollar: &str) -> String {
    let b = inner.as_bytes();
    let mut out = String::with_capacity(inner.len() + 16);
    let mut j = 0;
    while j < b.len() {
        if inner[j..].starts_with("...") {
            out.push_str(ELL);
            j += 3;
        } else if b[j] == b'$' && b.len() > j + 1 && is_mv_start(b[j + 1]) {
            let mut k = j + 1;
            while k < b.len() && is_mv_char(b[k]) {
                k += 1;
            }
            out.push_str(dollar);
            out.push_str(MV);
            out.push_str(&inner[j + 1..k]);
            j = k;
        } else {
            let ch = inner[j..].chars().next().unwrap_or(' ');
            out.push(ch);
            j += ch.len_utf8();
        }
    }
    out
}

/// The index of the quote closing the one at `open`, on the same line.
fn closing_quote(b: &[u8], open: usize) -> Option<usize> {
    let q = b[open];
    let mut k = open + 1;
    while k < b.len() {
        if b[k] == b'\\' {
            k += 2;
            continue;
        }
        if b[k] == q {
            return Some(k);
        }
        k += 1;
    }
    None
}

#[derive(Debug, thiserror::Error)]
#[error("cannot parse pattern as {lang}: {pattern}")]
pub struct PatternError {
    pub lang: &'static str,
    pub pattern: String,
}

/// Parses and compiles a pattern for a language.
pub fn compile(lang: Lang, pat: &str) -> Result<Pattern, PatternError> {
    let (untyped, typed_mvs) = typed_metavariables(lang, pat.trim());
    let mut p = compile_untyped(lang, &untyped).map_err(|_| PatternError {
        lang: lang.name(),
        pattern: pat.trim().to_string(),
    })?;
    if !typed_mvs.is_empty() {
        match &mut p {
            Pattern::One(n) => retype(n, &typed_mvs),
            Pattern::Seq(ns) => ns.iter_mut().for_each(|n| retype(n, &typed_mvs)),
        }
    }
    Ok(p)
}

/// `(T $X)` in an expression (not a parameter list: no name right before the `(`) is a
/// typed metavariable in Java and C#: the pattern without the types, and `($X, T)`s.
fn typed_metavariables(lang: Lang, pat: &str) -> (String, Vec<(String, String)>) {
    let mut typed = Vec::new();
    if !matches!(lang, Lang::Java | Lang::CSharp) || !pat.contains('(') {
        return (pat.to_string(), typed);
    }
    let b = pat.as_bytes();
    let mut out = String::with_capacity(pat.len());
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'('
            && !pat[..j]
                .trim_end()
                .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '>')
            && let Some(close) = pat[j..].find(')').map(|c| c + j)
            && let Some((ty, mv)) = pat[j + 1..close].trim().rsplit_once(' ')
            && let Some(name) = mv.strip_prefix('$')
            && !name.is_empty()
            && is_mv_start(name.as_bytes()[0])
            && name.bytes().all(is_mv_char)
            && !ty.is_empty()
            && ty.trim().bytes().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'<' | b'>' | b'[' | b']')
            })
        {
            out.push_str(mv);
            typed.push((mv.to_string(), ty.trim().to_string()));
            j = close + 1;
            continue;
        }
        let ch = pat[j..].chars().next().unwrap_or(' ');
        out.push(ch);
        j += ch.len_utf8();
    }
    (out, typed)
}

/// Every `$X` of the typed list becomes [`PNode::Typed`].
fn retype(p: &mut PNode, typed: &[(String, String)]) {
    match p {
        PNode::Meta(name) => {
            if let Some((_, ty)) = typed.iter().find(|(n, _)| **n == **name) {
                *p = PNode::Typed(name.clone(), ty.as_str().into());
            }
        }
        PNode::Deep(inner) | PNode::Dotted(_, inner) => retype(inner, typed),
        PNode::Any(ps) | PNode::Node(_, ps) => ps.iter_mut().for_each(|k| retype(k, typed)),
        _ => {}
    }
}

fn compile_untyped(lang: Lang, pat: &str) -> Result<Pattern, PatternError> {
    let body = preprocess(lang, pat.trim());
    let err = || PatternError {
        lang: lang.name(),
        pattern: pat.trim().to_string(),
    };
    let mut best: Option<(usize, Pattern)> = None;
    // Typed languages: `(...)` in a declaration is a parameter list, `{ ... }` a block.
    let typed = typed_variant(&body);
    // A class body `{ ... }`: a member placeholder (`T x;` is a field declaration).
    let members = typed.replace("{ __ELL__; }", "{ __ELLT__ __ELL__; }");
    // `@A(k = v, ...)`: `...` after named annotation arguments is a named placeholder.
    let annot = annotation_variant(&members);
    // Kotlin parameters are `name: Type`.
    let kotlin = if lang == Lang::Kotlin {
        let k = body
            .replace("(__ELL__)", "(__ELL__: __ELLT__)")
            .replace("(__ELL__,", "(__ELL__: __ELLT__,")
            .replace(", __ELL__)", ", __ELL__: __ELLT__)")
            .replace(", __ELL__,", ", __ELL__: __ELLT__,");
        annotation_variant(&k)
    } else {
        body.clone()
    };
    let mut variants: Vec<&str> = vec![&body];
    for v in [&typed, &members, &annot, &kotlin] {
        if !variants.contains(&v.as_str()) {
            variants.push(v);
        }
    }
    for (prefix, suffix, body) in lang
        .pattern_wrappers()
        .iter()
        .flat_map(|(p, s)| variants.iter().map(move |b| (*p, *s, *b)))
    {
        let src = format!("{prefix}{body}{suffix}");
        let Some(ts) = lang::parse(lang, src.as_bytes(), None) else {
            continue;
        };
        let tree = Tree::build(lang, src.as_bytes(), &ts);
        let errors = count_errors(&ts);
        let (start, end) = (prefix.len() as u32, (prefix.len() + body.len()) as u32);
        let Some(p) = locate(&tree, start, end) else {
            continue;
        };
        if errors == 0 {
            return Ok(p);
        }
        if best.as_ref().is_none_or(|(e, _)| errors < *e) {
            best = Some((errors, p));
        }
    }
    // Patterns that do not parse cleanly are refused rather than half-matched.
    let _ = best;
    Err(err())
}

/// `...` among parameters (`(..., T $P, ...)`) is a typed parameter placeholder; `{ ... }`
/// a block.
fn typed_variant(body: &str) -> String {
    body.replace("(__ELL__)", "(__ELLT__ __ELL__)")
        .replace("(__ELL__,", "(__ELLT__ __ELL__,")
        .replace(", __ELL__)", ", __ELLT__ __ELL__)")
        .replace(", __ELL__,", ", __ELLT__ __ELL__,")
        .replace("{ __ELL__ }", "{ __ELL__; }")
}

/// `@Name(k = v, ...)` as `@Name(k = v, __ELLA__ = __ELL__)` (a bare `...` after named
/// arguments does not parse); the pair compiles to an ellipsis.
fn annotation_variant(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 16);
    let mut rest = body;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let name = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .map_or(rest.len(), |n| n + 1);
        let Some(close) = rest.find(')') else { break };
        let raw = &rest[..=close];
        if !rest[name..].starts_with('(') {
            out.push_str(&rest[..name]);
            rest = &rest[name..];
            continue;
        }
        if raw[1..].contains('@') {
            out.push_str(raw);
        } else {
            // annotation arguments are not parameters: undo the typed placeholder
            let head = raw
                .replace("__ELLT__ __ELL__", "__ELL__")
                .replace("__ELL__: __ELLT__", "__ELL__");
            match head.strip_suffix(", __ELL__)") {
                Some(h) if head.contains('=') => {
                    out.push_str(h);
                    out.push_str(", __ELLA__ = __ELL__)");
                }
                _ => out.push_str(&head),
            }
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn count_errors(ts: &tree_sitter::Tree) -> usize {
    let mut n = 0;
    let mut cursor = ts.walk();
    let mut stack = vec![ts.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            n += 1;
        }
        if node.has_error() {
            for c in node.children(&mut cursor) {
                stack.push(c);
            }
        }
    }
    n
}

/// Finds the node (or statement sequence) spanning `[start, end)` and compiles it.
fn locate(t: &Tree<'_>, start: u32, end: u32) -> Option<Pattern> {
    let mut cur: Id = 0;
    loop {
        let next = t
            .kids(cur)
            .iter()
            .copied()
            .find(|&k| t.node(k).start <= start && t.node(k).end >= end);
        match next {
            Some(k) => cur = k,
            None => break,
        }
    }
    let n = t.node(cur);
    if cur != 0 && n.start == start && n.end == end {
        return Some(Pattern::One(compile_node(t, unwrap_stmt(t, cur))));
    }
    let inside: Vec<Id> = t
        .kids(cur)
        .iter()
        .copied()
        .filter(|&k| t.node(k).start >= start && t.node(k).end <= end)
        .collect();
    match inside.len() {
        0 if cur != 0 => Some(Pattern::One(compile_node(t, unwrap_stmt(t, cur)))),
        0 => None,
        1 => Some(Pattern::One(compile_node(t, unwrap_stmt(t, inside[0])))),
        _ => Some(Pattern::Seq(
            inside.into_iter().map(|k| compile_node(t, k)).collect(),
        )),
    }
}

/// `expression_statement` around one expression: the expression.
fn unwrap_stmt(t: &Tree<'_>, mut id: Id) -> Id {
    loop {
        let k = t.kids(id);
        let kind = t.node(id).kind;
        if k.len() == 1
            && matches!(
                kind,
                "expression_statement" | "global_statement" | "statement" | "module" | "program"
            )
        {
            id = k[0];
        } else {
            return id;
        }
    }
}

fn placeholder(text: &str) -> Option<(&str, &str)> {
    let t = text
        .trim()
        .trim_end_matches(';')
        .trim()
        .trim_start_matches('$');
    let t = t.strip_prefix("__ELLT__").map_or(t, str::trim);
    let t = t.strip_suffix(": __ELLT__").unwrap_or(t);
    let t = t
        .strip_prefix("__ELLA__")
        .map_or(t, |r| r.trim_start().trim_start_matches('=').trim());
    for pre in [MVS, MV] {
        if let Some(name) = t.strip_prefix(pre)
            && !name.is_empty()
            && name.bytes().all(is_mv_char)
        {
            return Some((pre, name));
        }
    }
    (t == ELL).then_some((ELL, ""))
}

/// A Python string literal's prefix (`f`, `rf`, `F`...) makes it an f-string.
pub fn lang_prefix_has_f(lang: Lang, text: &str) -> bool {
    lang == Lang::Python
        && text
            .split(['"', '\''])
            .next()
            .is_some_and(|p| p.contains(['f', 'F']))
}

fn is_dotted(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|p| {
            let mut b = p.bytes();
            b.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
                && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
}

/// Compiles a pattern subtree. Patterns are small: plain recursion.
fn compile_node(t: &Tree<'_>, id: Id) -> PNode {
    let n = t.node(id);
    let text = t.text_str(id);
    if let Some((kind, name)) = placeholder(text) {
        return match kind {
            MVS => PNode::MetaSeq(format!("${name}").into()),
            MV => PNode::Meta(format!("${name}").into()),
            _ => PNode::Ellipsis,
        };
    }
    if n.string {
        let v = t.string_value(id);
        if let Some(re) = v.strip_prefix("=~/").and_then(|r| r.strip_suffix('/'))
            && let Ok(re) = regex::RegexBuilder::new(re).size_limit(1 << 20).build()
        {
            return PNode::StrRegex(re);
        }
        if let Some(name) = v.strip_prefix(MV)
            && !name.is_empty()
            && name.bytes().all(is_mv_char)
        {
            return PNode::StrMeta(format!("${name}").into());
        }
        if v == ELL && lang_prefix_has_f(t.lang, text) {
            return PNode::AnyFString;
        }
        return if v == ELL {
            PNode::AnyString
        } else {
            PNode::Str(v.to_string())
        };
    }
    let kids = t.kids(id);
    if text.starts_with(DEEP) {
        // __DEEP__(P): the argument list's single element
        if let Some(&args) = kids.last()
            && let [inner] = t.kids(args)
        {
            // PHP/C#/Kotlin wrap each argument: P is the expression inside, anywhere; an
            // argument `P` is tried first (the matcher keeps the first binding it finds).
            let wrapped = *inner;
            let mut inner = wrapped;
            while matches!(t.node(inner).kind, "argument" | "value_argument")
                && let [e] = t.kids(inner)
            {
                inner = *e;
            }
            let deep = PNode::Deep(Box::new(compile_node(t, inner)));
            if inner == wrapped {
                return deep;
            }
            return PNode::Any(vec![PNode::Deep(Box::new(compile_node(t, wrapped))), deep]);
        }
    }
    let compiled = if kids.is_empty() {
        PNode::Leaf(n.kind, text.to_string())
    } else if n.kind.ends_with("_declaration") || n.kind.ends_with("_definition") {
        // Declarations match with extra modifiers, annotations, throws clauses.
        let mut ps = vec![PNode::Ellipsis];
        for &k in kids {
            ps.push(compile_node(t, k));
            ps.push(PNode::Ellipsis);
        }
        PNode::Node(n.kind, ps)
    } else {
        PNode::Node(n.kind, kids.iter().map(|&k| compile_node(t, k)).collect())
    };
    let compact: String = text.split_whitespace().collect();
    if t.lang.is_chain_kind(n.kind)
        && is_dotted(&compact)
        && !compact.contains(MV)
        && !compact.contains(ELL)
        && !compact.contains(DEEP)
    {
        return PNode::Dotted(compact, Box::new(compiled));
    }
    compiled
}
