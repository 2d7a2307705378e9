//! Helm charts rendered in-process: a Go-template subset (actions with `{{-`/`-}}` trimming,
//! pipelines, `if`/`else if`/`else`/`with`/`range`/`define`/`template`/`end`, variables) and
//! the Sprig/Helm functions real charts use (`include`, `tpl`, `toYaml`, `nindent`, `indent`,
//! `default`, `required`, `quote`, `printf`, `eq`/`ne`/`and`/`or`/`not`, `b64enc` ...), over
//! the chart's values (with its subcharts, `--values` files and `--set`s: see [`crate::chart`]).
//! Every output byte remembers the template line it came from, so
//! findings point into the template. Anything unsupported is an error naming the template
//! and line: a chart that cannot be rendered is never silently clean.

use std::collections::BTreeMap;
use std::path::Path;

use crate::chart::{self, Chart, HelmOptions};
use crate::doc::{Node, Value as NodeValue};

const MAX_OUTPUT: usize = 8 * 1024 * 1024;
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<V>),
    Map(BTreeMap<String, V>),
}

impl V {
    fn truthy(&self) -> bool {
        match self {
            V::Null => false,
            V::Bool(b) => *b,
            V::Num(n) => *n != 0.0,
            V::Str(s) => !s.is_empty(),
            V::List(l) => !l.is_empty(),
            V::Map(m) => !m.is_empty(),
        }
    }
    /// The value as template output prints it.
    pub fn to_text(&self) -> String {
        match self {
            V::Null => String::new(),
            V::Bool(b) => b.to_string(),
            V::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            V::Num(n) => n.to_string(),
            V::Str(s) => s.clone(),
            V::List(_) | V::Map(_) => to_yaml(self, 0).trim_end().to_string(),
        }
    }
    /// The value under key `k` of a map (`Null` otherwise).
    pub fn get(&self, k: &str) -> V {
        match self {
            V::Map(m) => m.get(k).cloned().unwrap_or(V::Null),
            _ => V::Null,
        }
    }
}

pub fn from_node(n: &Node) -> V {
    match &n.value {
        NodeValue::Scalar { text, plain } => {
            if *plain {
                if n.is_null() {
                    return V::Null;
                }
                if let Some(b) = n.as_bool() {
                    return V::Bool(b);
                }
                if let Ok(f) = text.parse::<f64>() {
                    return V::Num(f);
                }
            }
            V::Str(text.clone())
        }
        NodeValue::Seq(items) => V::List(items.iter().map(from_node).collect()),
        NodeValue::Map(m) => V::Map(
            m.iter()
                .map(|(k, v)| (k.as_str().unwrap_or("").to_string(), from_node(v)))
                .collect(),
        ),
    }
}

fn yaml_scalar(s: &str) -> String {
    let needs_quote = s.is_empty()
        || s.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"',
            '%', '@', '`',
        ])
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(' ')
        || s.contains('\n')
        || matches!(
            s,
            "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off"
        )
        || s.parse::<f64>().is_ok();
    if needs_quote {
        format!("{:?}", s)
    } else {
        s.to_string()
    }
}

fn to_yaml(v: &V, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match v {
        V::Map(m) if m.is_empty() => "{}\n".into(),
        V::List(l) if l.is_empty() => "[]\n".into(),
        V::Map(m) => {
            let mut out = String::new();
            for (k, val) in m {
                match val {
                    V::Map(x) if !x.is_empty() => out.push_str(&format!(
                        "{pad}{}:\n{}",
                        yaml_scalar(k),
                        to_yaml(val, indent + 2)
                    )),
                    V::List(x) if !x.is_empty() => out.push_str(&format!(
                        "{pad}{}:\n{}",
                        yaml_scalar(k),
                        to_yaml(val, indent)
                    )),
                    _ => out.push_str(&format!("{pad}{}: {}", yaml_scalar(k), to_yaml(val, 0))),
                }
            }
            out
        }
        V::List(l) => {
            let mut out = String::new();
            for item in l {
                let body = to_yaml(item, indent + 2);
                let body = body
                    .strip_prefix(&" ".repeat(indent + 2))
                    .unwrap_or(&body)
                    .to_string();
                out.push_str(&format!("{pad}- {body}"));
            }
            out
        }
        V::Str(s) => format!("{}\n", yaml_scalar(s)),
        other => format!("{}\n", other.to_text()),
    }
}

// ---------------------------------------------------------------------------------------
// Parsing

#[derive(Debug, Clone)]
enum Expr {
    Field(Vec<String>),       // .a.b (empty: `.`)
    Var(String, Vec<String>), // $x.a
    Str(String),
    Num(f64),
    Bool(bool),
    Nil,
    Call(String, Vec<Expr>),       // func args...
    Pipe(Vec<Expr>),               // a | f b | g
    Chain(Box<Expr>, Vec<String>), // (expr).a.b
}

#[derive(Debug, Clone)]
enum Tok {
    Text(String, usize),
    Action(String, usize),
}

#[derive(Debug, Clone)]
enum Item {
    Text(String, usize),
    Out(Expr, usize),
    If(Vec<(Expr, Vec<Item>)>, Vec<Item>),
    With(Expr, Vec<Item>, Vec<Item>),
    Range(Option<(String, Option<String>)>, Expr, Vec<Item>, Vec<Item>),
    Define(String, Vec<Item>),
    Template(String, Expr, usize),
    Assign(String, Expr, bool),
}

fn lex(src: &str) -> Result<Vec<Tok>, (usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = src.as_bytes();
    while i < src.len() {
        match src[i..].find("{{") {
            None => {
                out.push(Tok::Text(src[i..].to_string(), i));
                break;
            }
            Some(off) => {
                let start = i + off;
                let mut text = src[i..start].to_string();
                let mut inner_start = start + 2;
                if b.get(inner_start) == Some(&b'-')
                    && b.get(inner_start + 1).is_some_and(u8::is_ascii_whitespace)
                {
                    text = text.trim_end().to_string();
                    inner_start += 1;
                }
                out.push(Tok::Text(text, i));
                // Comments and strings may hold "}}".
                let mut j = inner_start;
                let mut in_str: Option<u8> = None;
                let end = loop {
                    if j + 1 >= src.len() {
                        return Err((start, "unclosed action".into()));
                    }
                    let c = b[j];
                    if let Some(q) = in_str {
                        if c == b'\\' && q == b'"' {
                            j += 2;
                            continue;
                        }
                        if c == q {
                            in_str = None;
                        }
                    } else if c == b'"' || c == b'`' {
                        in_str = Some(c);
                    } else if c == b'}' && b[j + 1] == b'}' {
                        break j;
                    }
                    j += 1;
                };
                let mut inner = &src[inner_start..end];
                let mut trim_after = false;
                if inner.ends_with('-')
                    && inner[..inner.len() - 1].ends_with(|c: char| c.is_ascii_whitespace())
                {
                    inner = &inner[..inner.len() - 1];
                    trim_after = true;
                }
                out.push(Tok::Action(inner.trim().to_string(), start));
                i = end + 2;
                if trim_after {
                    while i < src.len() && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                }
            }
        }
    }
    Ok(out)
}

fn tokenize_expr(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut j = i + 1;
            let mut t = String::from("\"");
            while j < cs.len() && cs[j] != '"' {
                if cs[j] == '\\' && j + 1 < cs.len() {
                    t.push(cs[j]);
                    j += 1;
                }
                t.push(cs[j]);
                j += 1;
            }
            t.push('"');
            out.push(t);
            i = j + 1;
        } else if c == '`' {
            let mut j = i + 1;
            let mut t = String::from("`");
            while j < cs.len() && cs[j] != '`' {
                t.push(cs[j]);
                j += 1;
            }
            t.push('`');
            out.push(t);
            i = j + 1;
        } else if c == '(' || c == ')' || c == '|' || c == ',' {
            out.push(c.to_string());
            i += 1;
        } else if c == ':' && cs.get(i + 1) == Some(&'=') {
            out.push(":=".into());
            i += 2;
        } else if c == '=' {
            out.push("=".into());
            i += 1;
        } else {
            // `(expr).field`: a field chained to a parenthesised value.
            let chained = c == '.' && i > 0 && cs[i - 1] == ')';
            let mut j = i;
            while j < cs.len()
                && !cs[j].is_whitespace()
                && !matches!(cs[j], '(' | ')' | '|' | '"' | ',')
            {
                if cs[j] == ':' && cs.get(j + 1) == Some(&'=') {
                    break;
                }
                j += 1;
            }
            let t: String = cs[i..j].iter().collect();
            out.push(if chained { format!("@{t}") } else { t });
            i = j;
        }
    }
    Ok(out)
}

fn unquote(t: &str) -> String {
    if let Some(raw) = t.strip_prefix('`') {
        return raw.trim_end_matches('`').to_string();
    }
    let inner = &t[1..t.len().saturating_sub(1).max(1)];
    let mut out = String::new();
    let mut it = inner.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn path_of(t: &str) -> Vec<String> {
    t.split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_operand(toks: &[String], i: &mut usize) -> Result<Expr, String> {
    let t = toks.get(*i).ok_or("missing operand")?.clone();
    *i += 1;
    Ok(if t == "(" {
        let e = parse_pipe(toks, i)?;
        if toks.get(*i).map(String::as_str) != Some(")") {
            return Err("unbalanced parenthesis".into());
        }
        *i += 1;
        // (expr).field
        match toks.get(*i).and_then(|t| t.strip_prefix('@')) {
            Some(f) => {
                *i += 1;
                Expr::Chain(Box::new(e), path_of(f))
            }
            None => e,
        }
    } else if t.starts_with('"') || t.starts_with('`') {
        Expr::Str(unquote(&t))
    } else if t.starts_with('.') {
        Expr::Field(path_of(&t))
    } else if let Some(v) = t.strip_prefix('$') {
        let mut parts = v.splitn(2, '.');
        let name = parts.next().unwrap_or("").to_string();
        Expr::Var(name, parts.next().map(path_of).unwrap_or_default())
    } else if t == "true" || t == "false" {
        Expr::Bool(t == "true")
    } else if t == "nil" {
        Expr::Nil
    } else if let Ok(n) = t.parse::<f64>() {
        Expr::Num(n)
    } else {
        Expr::Call(t, Vec::new())
    })
}

fn parse_cmd(toks: &[String], i: &mut usize) -> Result<Expr, String> {
    let first = parse_operand(toks, i)?;
    let mut args = Vec::new();
    while *i < toks.len() && !matches!(toks[*i].as_str(), "|" | ")") {
        args.push(parse_operand(toks, i)?);
    }
    Ok(match first {
        Expr::Call(name, _) => Expr::Call(name, args),
        other if args.is_empty() => other,
        // Methods of Helm's objects: `.Capabilities.APIVersions.Has "x"`, `.Files.Get "f"`.
        Expr::Field(path) => Expr::Call(format!("__method:{}", path.join(".")), args),
        Expr::Var(v, path) if v.is_empty() => {
            Expr::Call(format!("__method:{}", path.join(".")), args)
        }
        _ => return Err("a value cannot take arguments".into()),
    })
}

fn parse_pipe(toks: &[String], i: &mut usize) -> Result<Expr, String> {
    let mut cmds = vec![parse_cmd(toks, i)?];
    while toks.get(*i).map(String::as_str) == Some("|") {
        *i += 1;
        cmds.push(parse_cmd(toks, i)?);
    }
    Ok(if cmds.len() == 1 {
        cmds.remove(0)
    } else {
        Expr::Pipe(cmds)
    })
}

fn parse_expr(s: &str) -> Result<Expr, String> {
    let toks = tokenize_expr(s)?;
    let mut i = 0;
    let e = parse_pipe(&toks, &mut i)?;
    if i != toks.len() {
        return Err(format!("unexpected `{}`", toks[i]));
    }
    Ok(e)
}

/// Parsed items, and the action (with its offset) that ended them.
type Block = (Vec<Item>, Option<(String, usize)>);

struct Parser<'t> {
    toks: &'t [Tok],
    i: usize,
    src: &'t str,
}

fn line_of(src: &str, off: usize) -> usize {
    src[..off.min(src.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

impl Parser<'_> {
    fn err(&self, off: usize, m: impl Into<String>) -> String {
        format!("line {}: {}", line_of(self.src, off), m.into())
    }

    /// Items until one of `stops` (returned, with its offset), or the end.
    fn items(&mut self, stops: &[&str]) -> Result<Block, String> {
        let mut out = Vec::new();
        while self.i < self.toks.len() {
            let t = self.toks[self.i].clone();
            self.i += 1;
            match t {
                Tok::Text(s, off) => out.push(Item::Text(s, off)),
                Tok::Action(a, off) => {
                    if a.starts_with("/*") {
                        continue;
                    }
                    let kw = a.split_whitespace().next().unwrap_or("");
                    if stops.contains(&kw) {
                        return Ok((out, Some((a, off))));
                    }
                    let rest = a[kw.len()..].trim();
                    let ex = |s: &str| parse_expr(s).map_err(|e| self.err(off, e));
                    match kw {
                        "if" => {
                            let mut branches = vec![(ex(rest)?, Vec::new())];
                            let mut els = Vec::new();
                            loop {
                                let (body, stop) = self.items(&["else", "end"])?;
                                let last = branches.len() - 1;
                                branches[last].1 = body;
                                match stop {
                                    Some((s, o)) if s.starts_with("else") => {
                                        let cond = s[4..].trim();
                                        if let Some(c) = cond.strip_prefix("if ") {
                                            branches.push((
                                                parse_expr(c).map_err(|e| self.err(o, e))?,
                                                Vec::new(),
                                            ));
                                        } else {
                                            let (b, stop) = self.items(&["end"])?;
                                            if stop.is_none() {
                                                return Err(self.err(o, "`else` without `end`"));
                                            }
                                            els = b;
                                            break;
                                        }
                                    }
                                    Some(_) => break,
                                    None => return Err(self.err(off, "`if` without `end`")),
                                }
                            }
                            out.push(Item::If(branches, els));
                        }
                        "with" | "range" => {
                            let mut vars = None;
                            let mut expr_s = rest;
                            if kw == "range"
                                && let Some((lhs, rhs)) = rest.split_once(":=")
                            {
                                let names: Vec<String> = lhs
                                    .split(',')
                                    .map(|v| v.trim().trim_start_matches('$').to_string())
                                    .collect();
                                vars = Some((names[0].clone(), names.get(1).cloned()));
                                expr_s = rhs.trim();
                            }
                            let e = ex(expr_s)?;
                            let (body, stop) = self.items(&["else", "end"])?;
                            let els = match stop {
                                Some((s, _)) if s == "else" => self.items(&["end"])?.0,
                                Some(_) => Vec::new(),
                                None => return Err(self.err(off, format!("`{kw}` without `end`"))),
                            };
                            if kw == "with" {
                                out.push(Item::With(e, body, els));
                            } else {
                                // range $v := list  → value variable is the single name
                                let vars = vars.map(|(a, b)| match b {
                                    Some(v) => (v, Some(a)),
                                    None => (a, None),
                                });
                                out.push(Item::Range(vars, e, body, els));
                            }
                        }
                        "define" => {
                            let name = unquote(rest.trim());
                            let (body, stop) = self.items(&["end"])?;
                            if stop.is_none() {
                                return Err(self.err(off, "`define` without `end`"));
                            }
                            out.push(Item::Define(name, body));
                        }
                        "template" | "block" => {
                            let toks = tokenize_expr(rest).map_err(|e| self.err(off, e))?;
                            let name = toks
                                .first()
                                .map(|t| unquote(t))
                                .ok_or_else(|| self.err(off, "template name"))?;
                            let arg = if toks.len() > 1 {
                                ex(&toks[1..].join(" "))?
                            } else {
                                Expr::Field(vec![])
                            };
                            out.push(Item::Template(name, arg, off));
                        }
                        "end" | "else" => return Err(self.err(off, format!("unexpected `{kw}`"))),
                        _ if a.starts_with('$') && (a.contains(":=") || a.contains(" = ")) => {
                            let (lhs, rhs, decl) = match a.split_once(":=") {
                                Some((l, r)) => (l, r, true),
                                None => {
                                    let (l, r) = a.split_once(" = ").unwrap_or((&a, ""));
                                    (l, r, false)
                                }
                            };
                            out.push(Item::Assign(
                                lhs.trim().trim_start_matches('$').to_string(),
                                ex(rhs.trim())?,
                                decl,
                            ));
                        }
                        _ => out.push(Item::Out(ex(&a)?, off)),
                    }
                }
            }
        }
        Ok((out, None))
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation

struct Env<'a> {
    defines: &'a BTreeMap<String, Vec<Item>>,
    root: V,
    out: String,
    /// (output offset, template offset) pairs, increasing.
    map: Vec<(usize, usize)>,
    depth: usize,
    src: &'a str,
    file: &'a str,
    /// The chart's files, for `.Files`.
    files: &'a BTreeMap<String, Vec<u8>>,
}

impl Env<'_> {
    fn err(&self, off: usize, m: impl Into<String>) -> String {
        format!("{}:{}: {}", self.file, line_of(self.src, off), m.into())
    }

    fn emit(&mut self, s: &str, off: usize) -> Result<(), String> {
        self.map.push((self.out.len(), off));
        self.out.push_str(s);
        if self.out.len() > MAX_OUTPUT {
            return Err("rendered output over 8 MiB".into());
        }
        Ok(())
    }

    fn run(&mut self, items: &[Item], dot: &V, vars: &mut Vec<(String, V)>) -> Result<(), String> {
        for it in items {
            match it {
                Item::Text(s, off) => self.emit(s, *off)?,
                Item::Out(e, off) => {
                    let v = self.eval(e, dot, vars, *off)?;
                    let s = v.to_text();
                    self.emit(&s, *off)?;
                }
                Item::If(branches, els) => {
                    let mut done = false;
                    for (c, body) in branches {
                        if self.eval(c, dot, vars, 0)?.truthy() {
                            let n = vars.len();
                            self.run(body, dot, vars)?;
                            vars.truncate(n);
                            done = true;
                            break;
                        }
                    }
                    if !done {
                        self.run(els, dot, vars)?;
                    }
                }
                Item::With(e, body, els) => {
                    let v = self.eval(e, dot, vars, 0)?;
                    if v.truthy() {
                        self.run(body, &v, vars)?;
                    } else {
                        self.run(els, dot, vars)?;
                    }
                }
                Item::Range(names, e, body, els) => {
                    let v = self.eval(e, dot, vars, 0)?;
                    let items: Vec<(V, V)> = match v {
                        V::List(l) => l
                            .into_iter()
                            .enumerate()
                            .map(|(i, x)| (V::Num(i as f64), x))
                            .collect(),
                        V::Map(m) => m.into_iter().map(|(k, x)| (V::Str(k), x)).collect(),
                        V::Num(n) => (0..(n as i64).clamp(0, 10_000))
                            .map(|i| (V::Num(i as f64), V::Num(i as f64)))
                            .collect(),
                        _ => Vec::new(),
                    };
                    if items.is_empty() {
                        self.run(els, dot, vars)?;
                    }
                    for (k, x) in items {
                        let n = vars.len();
                        if let Some((val, key)) = names {
                            if let Some(key) = key {
                                vars.push((key.clone(), k));
                            }
                            vars.push((val.clone(), x.clone()));
                        }
                        self.run(body, &x, vars)?;
                        vars.truncate(n);
                    }
                }
                Item::Define(..) => {}
                Item::Template(name, arg, off) => {
                    let a = self.eval(arg, dot, vars, *off)?;
                    let s = self.include(name, &a, *off)?;
                    self.emit(&s, *off)?;
                }
                Item::Assign(name, e, decl) => {
                    let v = self.eval(e, dot, vars, 0)?;
                    if *decl {
                        vars.push((name.clone(), v));
                    } else if let Some(slot) = vars.iter_mut().rev().find(|(n, _)| n == name) {
                        slot.1 = v;
                    }
                }
            }
        }
        Ok(())
    }

    fn include(&mut self, name: &str, dot: &V, off: usize) -> Result<String, String> {
        let body = self
            .defines
            .get(name)
            .ok_or_else(|| self.err(off, format!("no template named `{name}`")))?
            .clone();
        if self.depth > MAX_DEPTH {
            return Err(self.err(off, "templates nested too deep (recursion?)"));
        }
        let saved_out = std::mem::take(&mut self.out);
        let saved_map = std::mem::take(&mut self.map);
        self.depth += 1;
        let mut vars = vec![(String::new(), self.root.clone())];
        let r = self.run(&body, dot, &mut vars);
        self.depth -= 1;
        let s = std::mem::replace(&mut self.out, saved_out);
        self.map = saved_map;
        r.map(|()| s)
    }

    fn field(v: &V, path: &[String]) -> V {
        let mut cur = v.clone();
        for p in path {
            cur = cur.get(p);
        }
        cur
    }

    fn eval(
        &mut self,
        e: &Expr,
        dot: &V,
        vars: &mut Vec<(String, V)>,
        off: usize,
    ) -> Result<V, String> {
        self.eval_with(e, dot, vars, off, None)
    }

    fn eval_with(
        &mut self,
        e: &Expr,
        dot: &V,
        vars: &mut Vec<(String, V)>,
        off: usize,
        piped: Option<V>,
    ) -> Result<V, String> {
        Ok(match e {
            Expr::Field(p) => Self::field(dot, p),
            Expr::Var(name, p) => {
                let base = if name.is_empty() {
                    self.root.clone()
                } else {
                    vars.iter()
                        .rev()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or(V::Null)
                };
                Self::field(&base, p)
            }
            Expr::Str(s) => V::Str(s.clone()),
            Expr::Num(n) => V::Num(*n),
            Expr::Bool(b) => V::Bool(*b),
            Expr::Nil => V::Null,
            Expr::Chain(inner, p) => {
                let v = self.eval_with(inner, dot, vars, off, None)?;
                match (p.as_slice(), &v) {
                    // `(.Files.Glob "x/*").AsConfig` / `.AsSecrets`: file name → content.
                    ([m], V::Map(files)) if m == "AsConfig" || m == "AsSecrets" => {
                        let entries: BTreeMap<String, V> = files
                            .iter()
                            .map(|(path, content)| {
                                let base = path.rsplit('/').next().unwrap_or(path).to_string();
                                let text = content.to_text();
                                let value = if m == "AsSecrets" {
                                    V::Str(b64(text.as_bytes()))
                                } else {
                                    V::Str(text)
                                };
                                (base, value)
                            })
                            .collect();
                        V::Str(to_yaml(&V::Map(entries), 0).trim_end().to_string())
                    }
                    _ => Self::field(&v, p),
                }
            }
            Expr::Pipe(cmds) => {
                let mut v = None;
                for c in cmds {
                    v = Some(self.eval_with(c, dot, vars, off, v)?);
                }
                v.unwrap_or(V::Null)
            }
            Expr::Call(name, args) => {
                let mut a = Vec::new();
                for x in args {
                    a.push(self.eval(x, dot, vars, off)?);
                }
                if let Some(p) = piped {
                    a.push(p);
                }
                self.call(name, a, dot, off)?
            }
        })
    }

    fn call(&mut self, name: &str, a: Vec<V>, dot: &V, off: usize) -> Result<V, String> {
        let s = |i: usize| a.get(i).map(V::to_text).unwrap_or_default();
        let last = a.last().cloned().unwrap_or(V::Null);
        Ok(match name {
            "include" => {
                let arg = a.get(1).cloned().unwrap_or(V::Null);
                V::Str(self.include(&s(0), &arg, off)?)
            }
            "tpl" => {
                let text = s(0);
                let ctx = a.get(1).cloned().unwrap_or_else(|| dot.clone());
                let toks = lex(&text).map_err(|(_, m)| self.err(off, format!("tpl: {m}")))?;
                let mut p = Parser {
                    toks: &toks,
                    i: 0,
                    src: &text,
                };
                let (items, _) = p
                    .items(&[])
                    .map_err(|m| self.err(off, format!("tpl: {m}")))?;
                let saved_out = std::mem::take(&mut self.out);
                let saved_map = std::mem::take(&mut self.map);
                let mut vars = vec![(String::new(), self.root.clone())];
                let r = self.run(&items, &ctx, &mut vars);
                let out = std::mem::replace(&mut self.out, saved_out);
                self.map = saved_map;
                r?;
                V::Str(out)
            }
            "toYaml" => V::Str(match &last {
                V::Null => String::new(),
                v => to_yaml(v, 0).trim_end().to_string(),
            }),
            "toJson" | "toPrettyJson" | "toRawJson" => V::Str(to_json(&last)),
            "nindent" | "indent" => {
                let n = a
                    .first()
                    .map(|v| v.to_text().parse::<usize>().unwrap_or(0))
                    .unwrap_or(0);
                let pad = " ".repeat(n);
                let body: Vec<String> = last
                    .to_text()
                    .split('\n')
                    .map(|l| format!("{pad}{l}"))
                    .collect();
                let body = body.join("\n");
                V::Str(if name == "nindent" {
                    format!("\n{body}")
                } else {
                    body
                })
            }
            "default" => {
                if a.len() >= 2 && a[1].truthy() {
                    a[1].clone()
                } else {
                    a.first().cloned().unwrap_or(V::Null)
                }
            }
            "required" => {
                if last == V::Null || last == V::Str(String::new()) {
                    return Err(self.err(off, format!("required value missing: {}", s(0))));
                }
                last
            }
            "quote" => V::Str(format!("{:?}", last.to_text())),
            "squote" => V::Str(format!("'{}'", last.to_text())),
            "printf" => V::Str(printf(&s(0), &a[1.min(a.len())..])),
            "print" => V::Str(a.iter().map(V::to_text).collect::<Vec<_>>().join("")),
            "println" => V::Str(a.iter().map(V::to_text).collect::<Vec<_>>().join(" ") + "\n"),
            "eq" => V::Bool(a.len() >= 2 && a[1..].iter().any(|x| loose(x, &a[0]))),
            "ne" => V::Bool(a.len() >= 2 && !loose(&a[0], &a[1])),
            "lt" | "le" | "gt" | "ge" => {
                let (x, y) = (num(a.first()), num(a.get(1)));
                V::Bool(match name {
                    "lt" => x < y,
                    "le" => x <= y,
                    "gt" => x > y,
                    _ => x >= y,
                })
            }
            "and" => a.iter().find(|v| !v.truthy()).cloned().unwrap_or(last),
            "or" => a.iter().find(|v| v.truthy()).cloned().unwrap_or(last),
            "not" => V::Bool(!last.truthy()),
            "empty" => V::Bool(!last.truthy()),
            "b64enc" => V::Str(b64(last.to_text().as_bytes())),
            "upper" => V::Str(last.to_text().to_uppercase()),
            "lower" => V::Str(last.to_text().to_lowercase()),
            "trim" => V::Str(last.to_text().trim().to_string()),
            "trimSuffix" => V::Str(
                last.to_text()
                    .strip_suffix(&s(0))
                    .map(str::to_string)
                    .unwrap_or_else(|| last.to_text()),
            ),
            "trimPrefix" => V::Str(
                last.to_text()
                    .strip_prefix(&s(0))
                    .map(str::to_string)
                    .unwrap_or_else(|| last.to_text()),
            ),
            "trunc" => {
                let n = num(a.first()) as usize;
                V::Str(last.to_text().chars().take(n).collect())
            }
            "replace" => V::Str(last.to_text().replace(&s(0), &s(1))),
            "contains" => V::Bool(last.to_text().contains(&s(0))),
            "hasPrefix" => V::Bool(last.to_text().starts_with(&s(0))),
            "hasSuffix" => V::Bool(last.to_text().ends_with(&s(0))),
            "toString" => V::Str(last.to_text()),
            "int" | "int64" | "float64" => V::Num(num(Some(&last))),
            "hasKey" => V::Bool(matches!(&a.first(), Some(V::Map(m)) if m.contains_key(&s(1)))),
            "list" => V::List(a),
            "dict" => V::Map(
                a.chunks(2)
                    .map(|c| (c[0].to_text(), c.get(1).cloned().unwrap_or(V::Null)))
                    .collect(),
            ),
            "get" => a.first().map(|m| m.get(&s(1))).unwrap_or(V::Null),
            "index" => {
                let mut cur = a.first().cloned().unwrap_or(V::Null);
                for k in &a[1.min(a.len())..] {
                    cur = match (&cur, k) {
                        (V::List(l), V::Num(n)) => l.get(*n as usize).cloned().unwrap_or(V::Null),
                        (m, k) => m.get(&k.to_text()),
                    };
                }
                cur
            }
            "len" => V::Num(match &last {
                V::List(l) => l.len(),
                V::Map(m) => m.len(),
                v => v.to_text().len(),
            } as f64),
            "semverCompare" => V::Bool(true),
            "lookup" => V::Map(BTreeMap::new()),
            "fail" => return Err(self.err(off, format!("fail: {}", s(0)))),
            "ternary" => {
                if last.truthy() {
                    a.first().cloned().unwrap_or(V::Null)
                } else {
                    a.get(1).cloned().unwrap_or(V::Null)
                }
            }
            "coalesce" => a.iter().find(|v| v.truthy()).cloned().unwrap_or(V::Null),
            "splitList" => V::List(
                last.to_text()
                    .split(&s(0))
                    .map(|x| V::Str(x.to_string()))
                    .collect(),
            ),
            "join" => V::Str(match &last {
                V::List(l) => l.iter().map(V::to_text).collect::<Vec<_>>().join(&s(0)),
                v => v.to_text(),
            }),
            "sha256sum" => {
                use sha2::Digest;
                let d = sha2::Sha256::digest(last.to_text().as_bytes());
                V::Str(d.iter().map(|b| format!("{b:02x}")).collect())
            }
            other => return self.call_sprig(other, a, off),
        })
    }
}

impl Env<'_> {
    /// The rest of the Sprig functions real charts use (collections, strings, maths, types,
    /// YAML/JSON). Time and randomness are fixed, so a render is reproducible.
    fn call_sprig(&mut self, name: &str, a: Vec<V>, off: usize) -> Result<V, String> {
        let s = |i: usize| a.get(i).map(V::to_text).unwrap_or_default();
        let last = a.last().cloned().unwrap_or(V::Null);
        let list = |v: &V| match v {
            V::List(l) => l.clone(),
            V::Null => Vec::new(),
            other => vec![other.clone()],
        };
        let kind = |v: &V| match v {
            V::Null => "invalid",
            V::Bool(_) => "bool",
            V::Num(n) if n.fract() == 0.0 => "int",
            V::Num(_) => "float64",
            V::Str(_) => "string",
            V::List(_) => "slice",
            V::Map(_) => "map",
        };
        let re = |p: &str| {
            regex::RegexBuilder::new(p)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| self.err(off, format!("{name}: bad regular expression: {e}")))
        };
        Ok(match name {
            "kindIs" => V::Bool(kind(&last) == s(0)),
            "kindOf" => V::Str(kind(&last).into()),
            "typeOf" => V::Str(
                match &last {
                    V::Map(_) => "map[string]interface {}",
                    V::List(_) => "[]interface {}",
                    V::Str(_) => "string",
                    V::Bool(_) => "bool",
                    V::Num(_) => "float64",
                    V::Null => "<nil>",
                }
                .into(),
            ),
            "typeIs" => V::Bool(match s(0).as_str() {
                "string" => matches!(last, V::Str(_)),
                "bool" => matches!(last, V::Bool(_)),
                "int" | "int64" | "float64" => matches!(last, V::Num(_)),
                _ => false,
            }),
            // merge: the first map wins; mergeOverwrite: later maps win.
            "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => {
                let mut out = a.first().cloned().unwrap_or(V::Map(BTreeMap::new()));
                for m in a.iter().skip(1) {
                    if name.contains("Overwrite") {
                        crate::chart::merge_over(&mut out, m);
                    } else {
                        let mut base = m.clone();
                        crate::chart::merge_over(&mut base, &out);
                        out = base;
                    }
                }
                out
            }
            "deepCopy" | "mustDeepCopy" => last,
            "omit" | "pick" => match a.first() {
                Some(V::Map(m)) => {
                    let keys: Vec<String> = a[1..].iter().map(V::to_text).collect();
                    V::Map(
                        m.iter()
                            .filter(|(k, _)| keys.contains(k) == (name == "pick"))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    )
                }
                _ => V::Map(BTreeMap::new()),
            },
            "keys" => V::List(
                a.iter()
                    .filter_map(|m| match m {
                        V::Map(m) => Some(m.keys().map(|k| V::Str(k.clone())).collect::<Vec<_>>()),
                        _ => None,
                    })
                    .flatten()
                    .collect(),
            ),
            "values" => match &last {
                V::Map(m) => V::List(m.values().cloned().collect()),
                _ => V::List(Vec::new()),
            },
            "sortAlpha" => {
                let mut l: Vec<String> = list(&last).iter().map(V::to_text).collect();
                l.sort();
                V::List(l.into_iter().map(V::Str).collect())
            }
            "uniq" => {
                let mut out: Vec<V> = Vec::new();
                for x in list(&last) {
                    if !out.contains(&x) {
                        out.push(x);
                    }
                }
                V::List(out)
            }
            "first" => list(&last).first().cloned().unwrap_or(V::Null),
            "last" => list(&last).last().cloned().unwrap_or(V::Null),
            "rest" => V::List(list(&last).into_iter().skip(1).collect()),
            "initial" => {
                let mut l = list(&last);
                l.pop();
                V::List(l)
            }
            "append" | "mustAppend" | "push" => {
                let mut l = list(a.first().unwrap_or(&V::Null));
                l.push(a.get(1).cloned().unwrap_or(V::Null));
                V::List(l)
            }
            "prepend" | "mustPrepend" => {
                let mut l = list(a.first().unwrap_or(&V::Null));
                l.insert(0, a.get(1).cloned().unwrap_or(V::Null));
                V::List(l)
            }
            "concat" => V::List(a.iter().flat_map(list).collect()),
            "has" => V::Bool(
                list(a.get(1).unwrap_or(&V::Null)).contains(&a.first().cloned().unwrap_or(V::Null)),
            ),
            "without" => {
                let drop = &a[1.min(a.len())..];
                V::List(
                    list(a.first().unwrap_or(&V::Null))
                        .into_iter()
                        .filter(|x| !drop.contains(x))
                        .collect(),
                )
            }
            "compact" => V::List(list(&last).into_iter().filter(V::truthy).collect()),
            "regexMatch" | "mustRegexMatch" => V::Bool(re(&s(0))?.is_match(&s(1))),
            "regexFind" | "mustRegexFind" => V::Str(
                re(&s(0))?
                    .find(&s(1))
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default(),
            ),
            "regexReplaceAll" | "mustRegexReplaceAll" => {
                V::Str(re(&s(0))?.replace_all(&s(1), s(2).as_str()).into_owned())
            }
            "regexReplaceAllLiteral" => V::Str(
                re(&s(0))?
                    .replace_all(&s(1), regex::NoExpand(&s(2)))
                    .into_owned(),
            ),
            "regexSplit" => V::List(
                re(&s(0))?
                    .split(&s(1))
                    .map(|x| V::Str(x.to_string()))
                    .collect(),
            ),
            "atoi" => V::Num(s(0).trim().parse::<i64>().unwrap_or(0) as f64),
            "add" => V::Num(a.iter().map(|v| num(Some(v))).sum()),
            "add1" => V::Num(num(Some(&last)) + 1.0),
            "sub" => V::Num(num(a.first()) - num(a.get(1))),
            "mul" => V::Num(a.iter().map(|v| num(Some(v))).product()),
            "div" => {
                let d = num(a.get(1));
                V::Num(if d == 0.0 {
                    0.0
                } else {
                    (num(a.first()) / d).trunc()
                })
            }
            "mod" => {
                let d = num(a.get(1)) as i64;
                V::Num(if d == 0 {
                    0.0
                } else {
                    (num(a.first()) as i64 % d) as f64
                })
            }
            "max" => V::Num(a.iter().map(|v| num(Some(v))).fold(f64::MIN, f64::max)),
            "min" => V::Num(a.iter().map(|v| num(Some(v))).fold(f64::MAX, f64::min)),
            "floor" => V::Num(num(Some(&last)).floor()),
            "ceil" => V::Num(num(Some(&last)).ceil()),
            "round" => V::Num(num(a.first()).round()),
            "until" => V::List(
                (0..(num(Some(&last)) as i64).clamp(0, 10_000))
                    .map(|i| V::Num(i as f64))
                    .collect(),
            ),
            "untilStep" => {
                let (start, stop, step) = (num(a.first()), num(a.get(1)), num(a.get(2)));
                let mut out = Vec::new();
                let mut x = start;
                while step != 0.0 && ((step > 0.0 && x < stop) || (step < 0.0 && x > stop)) {
                    out.push(V::Num(x));
                    x += step;
                    if out.len() > 10_000 {
                        break;
                    }
                }
                V::List(out)
            }
            "title" => V::Str(
                last.to_text()
                    .split(' ')
                    .map(|w| {
                        let mut c = w.chars();
                        c.next()
                            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            "untitle" => V::Str({
                let t = last.to_text();
                let mut c = t.chars();
                c.next()
                    .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }),
            "kebabcase" | "snakecase" => {
                let sep = if name == "kebabcase" { '-' } else { '_' };
                let mut out = String::new();
                for (i, c) in last.to_text().chars().enumerate() {
                    if c.is_uppercase() && i > 0 {
                        out.push(sep);
                    }
                    if c == '-' || c == '_' || c == ' ' {
                        out.push(sep);
                    } else {
                        out.extend(c.to_lowercase());
                    }
                }
                V::Str(out)
            }
            "camelcase" => V::Str(
                last.to_text()
                    .split(['_', '-', ' '])
                    .map(|w| {
                        let mut c = w.chars();
                        c.next()
                            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect(),
            ),
            "nospace" => V::Str(
                last.to_text()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect(),
            ),
            "repeat" => V::Str(last.to_text().repeat((num(a.first()) as usize).min(10_000))),
            "substr" => {
                let t: Vec<char> = last.to_text().chars().collect();
                let start = (num(a.first()).max(0.0) as usize).min(t.len());
                let end = num(a.get(1));
                let end = if end < 0.0 {
                    t.len()
                } else {
                    (end as usize).clamp(start, t.len())
                };
                V::Str(t[start..end].iter().collect())
            }
            "cat" => V::Str(
                a.iter()
                    .filter(|v| **v != V::Null)
                    .map(V::to_text)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            "trimAll" => V::Str(
                last.to_text()
                    .trim_matches(|c| s(0).contains(c))
                    .to_string(),
            ),
            "split" => V::Map(
                last.to_text()
                    .split(&s(0))
                    .enumerate()
                    .map(|(i, x)| (format!("_{i}"), V::Str(x.to_string())))
                    .collect(),
            ),
            "abbrev" => {
                let n = num(a.first()) as usize;
                let t = last.to_text();
                V::Str(if t.chars().count() > n && n > 3 {
                    t.chars().take(n - 3).collect::<String>() + "..."
                } else {
                    t
                })
            }
            "toStrings" => V::List(list(&last).iter().map(|v| V::Str(v.to_text())).collect()),
            "b64dec" => V::Str(b64dec(&last.to_text())),
            "sha1sum" | "adler32sum" => V::Str(format!("{name}-of-{}-bytes", last.to_text().len())),
            "randAlphaNum" | "randAlpha" | "randNumeric" | "randAscii" => {
                V::Str("x".repeat((num(a.first()) as usize).min(1024)))
            }
            "uuidv4" => V::Str("00000000-0000-4000-8000-000000000000".into()),
            "now" => V::Str("2026-01-01T00:00:00Z".into()),
            "date" | "dateInZone" | "htmlDate" => V::Str("2026-01-01".into()),
            "fromYaml" | "fromJson" => {
                let t = last.to_text();
                match crate::doc::parse_yaml(&t) {
                    Ok(d) => d.first().map(from_node).unwrap_or(V::Map(BTreeMap::new())),
                    Err(e) => V::Map(BTreeMap::from([("Error".to_string(), V::Str(e.message))])),
                }
            }
            "fromYamlArray" | "fromJsonArray" => {
                let t = last.to_text();
                match crate::doc::parse_yaml(&t) {
                    Ok(d) => d.first().map(from_node).unwrap_or(V::List(Vec::new())),
                    Err(_) => V::List(Vec::new()),
                }
            }
            "mustToJson" | "mustToRawJson" | "mustToPrettyJson" => V::Str(to_json(&last)),
            "dig" => {
                // dig "a" "b" default dict
                let (keys, rest) = a.split_at(a.len().saturating_sub(2));
                let default = rest.first().cloned().unwrap_or(V::Null);
                let mut cur = rest.get(1).cloned().unwrap_or(V::Null);
                for k in keys {
                    cur = cur.get(&k.to_text());
                    if cur == V::Null {
                        return Ok(default);
                    }
                }
                cur
            }
            "set" => match a.first() {
                Some(V::Map(m)) => {
                    let mut m = m.clone();
                    m.insert(s(1), a.get(2).cloned().unwrap_or(V::Null));
                    V::Map(m)
                }
                _ => V::Null,
            },
            "unset" => match a.first() {
                Some(V::Map(m)) => {
                    let mut m = m.clone();
                    m.remove(&s(1));
                    V::Map(m)
                }
                _ => V::Null,
            },
            "semver" => V::Map(BTreeMap::from([("Original".to_string(), V::Str(s(0)))])),
            "getHostByName" => V::Str(String::new()),
            "__method:Capabilities.APIVersions.Has" => {
                // The API groups of a stock cluster of the reported version (Helm's default
                // set without a cluster); CRDs are not there.
                let v = s(0);
                let group = v.rsplit_once('/').map_or(v.as_str(), |(g, _)| g);
                V::Bool(BUILTIN_APIS.contains(&v.as_str()) || BUILTIN_APIS.contains(&group))
            }
            "__method:Files.Get" | "__method:Files.GetBytes" => V::Str(
                self.files
                    .get(&s(0))
                    .map(|d| String::from_utf8_lossy(d).into_owned())
                    .unwrap_or_default(),
            ),
            "__method:Files.Lines" => V::List(
                self.files
                    .get(&s(0))
                    .map(|d| {
                        String::from_utf8_lossy(d)
                            .lines()
                            .map(|l| V::Str(l.to_string()))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "__method:Files.Glob" => {
                let g = globset::Glob::new(&s(0))
                    .map_err(|e| self.err(off, format!("Files.Glob: {e}")))?
                    .compile_matcher();
                V::Map(
                    self.files
                        .iter()
                        .filter(|(p, _)| g.is_match(p.as_str()))
                        .map(|(p, d)| (p.clone(), V::Str(String::from_utf8_lossy(d).into_owned())))
                        .collect(),
                )
            }
            other if other.starts_with("__method:") => {
                return Err(self.err(
                    off,
                    format!(
                        "`.{}` is not supported (chart files and custom methods are not read)",
                        other.trim_start_matches("__method:")
                    ),
                ));
            }
            other => return Err(self.err(off, format!("unsupported function `{other}`"))),
        })
    }
}

/// API versions `.Capabilities.APIVersions.Has` answers true for.
const BUILTIN_APIS: &[&str] = &[
    "v1",
    "apps/v1",
    "batch/v1",
    "policy/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "networking.k8s.io/v1",
    "rbac.authorization.k8s.io/v1",
    "storage.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "certificates.k8s.io/v1",
    "node.k8s.io/v1",
    "events.k8s.io/v1",
    "apps/v1/Deployment",
    "policy/v1/PodDisruptionBudget",
    "networking.k8s.io/v1/Ingress",
    "networking.k8s.io/v1/NetworkPolicy",
    "autoscaling/v2/HorizontalPodAutoscaler",
    "batch/v1/CronJob",
];

fn b64dec(s: &str) -> String {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn num(v: Option<&V>) -> f64 {
    match v {
        Some(V::Num(n)) => *n,
        Some(V::Str(s)) => s.parse().unwrap_or(0.0),
        Some(V::Bool(true)) => 1.0,
        _ => 0.0,
    }
}

fn loose(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::Num(x), V::Num(y)) => x == y,
        _ => a == b || a.to_text() == b.to_text() && !matches!(a, V::Null) && !matches!(b, V::Null),
    }
}

fn printf(fmt: &str, args: &[V]) -> String {
    let mut out = String::new();
    let mut it = fmt.chars().peekable();
    let mut i = 0;
    while let Some(c) = it.next() {
        if c == '%' {
            match it.next() {
                Some('%') => out.push('%'),
                Some('q') => {
                    out.push_str(&format!(
                        "{:?}",
                        args.get(i).map(V::to_text).unwrap_or_default()
                    ));
                    i += 1;
                }
                Some(_) => {
                    out.push_str(&args.get(i).map(V::to_text).unwrap_or_default());
                    i += 1;
                }
                None => out.push('%'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn to_json(v: &V) -> String {
    match v {
        V::Null => "null".into(),
        V::Bool(b) => b.to_string(),
        V::Num(_) => v.to_text(),
        V::Str(s) => format!("{s:?}"),
        V::List(l) => format!("[{}]", l.iter().map(to_json).collect::<Vec<_>>().join(",")),
        V::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| format!("{k:?}:{}", to_json(x)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(T[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One rendered template.
#[derive(Debug)]
pub struct RenderedTemplate {
    /// Path relative to the scan root.
    pub path: String,
    pub source: String,
    pub output: String,
    /// (output offset, template offset), increasing in output offset.
    pub map: Vec<(usize, usize)>,
}

impl RenderedTemplate {
    /// The template line (1-based) of an output byte offset.
    pub fn template_line(&self, out_off: usize) -> u32 {
        let i = match self.map.binary_search_by_key(&out_off, |(o, _)| *o) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (o, t) = self.map.get(i).copied().unwrap_or((0, 0));
        // Inside literal text, the offset advances with the output.
        let is_text = self.source.get(t..).is_some_and(|s| !s.starts_with("{{"));
        let t = if is_text { t + (out_off - o) } else { t };
        u32::try_from(line_of(&self.source, t)).unwrap_or(u32::MAX)
    }
}

/// A parsed template: path shown, text, items.
type Parsed = (String, String, Vec<Item>);

/// What rendering a chart gave: the rendered templates, and notes on what was not rendered
/// (dependencies not vendored, unreadable subchart archives).
#[derive(Debug, Default)]
pub struct RenderedChart {
    pub templates: Vec<RenderedTemplate>,
    pub notes: Vec<String>,
}

/// Renders every template of the chart at `dir` (`rel` is its path relative to the root)
/// with its default values.
pub fn render_chart(dir: &Path, rel: &str) -> Result<Vec<RenderedTemplate>, String> {
    render_chart_with(dir, rel, &HelmOptions::default()).map(|r| r.templates)
}

/// Renders the chart at `dir` and its subcharts with the user's values files and `--set`s.
pub fn render_chart_with(
    dir: &Path,
    rel: &str,
    opts: &HelmOptions,
) -> Result<RenderedChart, String> {
    render_chart_within(dir, rel, opts, None)
}

/// [`render_chart_with`], reading `file://` dependencies that resolve inside `root`.
pub fn render_chart_within(
    dir: &Path,
    rel: &str,
    opts: &HelmOptions,
    root: Option<&Path>,
) -> Result<RenderedChart, String> {
    let (chart, notes) = chart::load_within(dir, rel, opts, root)?;
    let release = chart.meta.get("name").to_text();
    // Parse every template of the tree; defines are one namespace (subcharts first, so the
    // parent's override theirs, as Helm's ordering does).
    let mut all: Vec<(&Chart, Vec<Parsed>)> = Vec::new();
    fn walk<'c>(c: &'c Chart, out: &mut Vec<&'c Chart>) {
        for s in &c.subcharts {
            walk(s, out);
        }
        out.push(c);
    }
    let mut order = Vec::new();
    walk(&chart, &mut order);
    let mut defines = BTreeMap::new();
    let mut count = 0usize;
    for c in order {
        let mut parsed = Vec::new();
        for (path, text) in &c.templates {
            count += 1;
            if count > 2_000 {
                return Err(format!("{rel}: more than 2000 templates"));
            }
            let toks = lex(text).map_err(|(o, m)| format!("{path}:{}: {m}", line_of(text, o)))?;
            let mut parser = Parser {
                toks: &toks,
                i: 0,
                src: text,
            };
            let (items, _) = parser.items(&[]).map_err(|m| format!("{path}: {m}"))?;
            collect_defines(&items, &mut defines);
            parsed.push((path.clone(), text.clone(), items));
        }
        all.push((c, parsed));
    }
    let mut out = Vec::new();
    for (c, parsed) in &all {
        if c.library {
            continue;
        }
        let base = parsed
            .first()
            .and_then(|(p, _, _)| p.rsplit_once("/templates/").map(|(d, _)| d.to_string()))
            .unwrap_or_default();
        for (path, text, items) in parsed {
            let fname = path.rsplit('/').next().unwrap_or(path);
            if fname.starts_with('_') || !(fname.ends_with(".yaml") || fname.ends_with(".yml")) {
                continue;
            }
            let root = chart_root(c, &release, &base, path);
            let mut env = Env {
                defines: &defines,
                root: root.clone(),
                out: String::new(),
                map: Vec::new(),
                depth: 0,
                src: text,
                file: path,
                files: &c.files,
            };
            let mut vars = vec![(String::new(), root.clone())];
            env.run(items, &root, &mut vars)?;
            let output = std::mem::take(&mut env.out);
            let map = std::mem::take(&mut env.map);
            drop(env);
            out.push(RenderedTemplate {
                path: path.clone(),
                source: text.clone(),
                output,
                map,
            });
        }
    }
    Ok(RenderedChart {
        templates: out,
        notes,
    })
}

/// The top-level object (`.`) a template of chart `c` sees.
fn chart_root(c: &Chart, release: &str, base: &str, path: &str) -> V {
    let cap = |k: &str| {
        k.chars()
            .next()
            .map(|ch| ch.to_uppercase().collect::<String>() + &k[ch.len_utf8()..])
            .unwrap_or_default()
    };
    let chart_caps = match &c.meta {
        V::Map(m) => V::Map(m.iter().map(|(k, v)| (cap(k), v.clone())).collect()),
        _ => V::Null,
    };
    let name = c.meta.get("name").to_text();
    let base_path = if base.is_empty() {
        format!("{name}/templates")
    } else {
        format!("{base}/templates")
    };
    V::Map(BTreeMap::from([
        ("Values".to_string(), c.values.clone()),
        ("Chart".to_string(), chart_caps),
        (
            "Release".to_string(),
            V::Map(BTreeMap::from([
                ("Name".to_string(), V::Str(release.to_string())),
                ("Namespace".to_string(), V::Str("default".into())),
                ("Service".to_string(), V::Str("Helm".into())),
                ("IsInstall".to_string(), V::Bool(true)),
                ("IsUpgrade".to_string(), V::Bool(false)),
                ("Revision".to_string(), V::Num(1.0)),
            ])),
        ),
        (
            "Capabilities".to_string(),
            V::Map(BTreeMap::from([
                (
                    "KubeVersion".to_string(),
                    V::Map(BTreeMap::from([
                        ("Version".to_string(), V::Str("v1.30.0".into())),
                        ("GitVersion".to_string(), V::Str("v1.30.0".into())),
                        ("Major".to_string(), V::Str("1".into())),
                        ("Minor".to_string(), V::Str("30".into())),
                    ])),
                ),
                ("APIVersions".to_string(), V::List(Vec::new())),
            ])),
        ),
        (
            "Template".to_string(),
            V::Map(BTreeMap::from([
                ("BasePath".to_string(), V::Str(base_path)),
                ("Name".to_string(), V::Str(path.to_string())),
            ])),
        ),
        ("Files".to_string(), V::Map(BTreeMap::new())),
    ]))
}

fn collect_defines(items: &[Item], out: &mut BTreeMap<String, Vec<Item>>) {
    for it in items {
        if let Item::Define(name, body) = it {
            out.insert(name.clone(), body.clone());
            collect_defines(body, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(tpl: &str, values: &str) -> String {
        let tmp = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(tmp.path().join("templates")).expect("mkdir");
        std::fs::write(
            tmp.path().join("Chart.yaml"),
            "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.2\"\n",
        )
        .expect("w");
        std::fs::write(tmp.path().join("values.yaml"), values).expect("w");
        std::fs::write(
            tmp.path().join("templates/_helpers.tpl"),
            "{{- define \"demo.name\" -}}{{ .Chart.Name }}-x{{- end }}",
        )
        .expect("w");
        std::fs::write(tmp.path().join("templates/t.yaml"), tpl).expect("w");
        let r = render_chart(tmp.path(), "").expect("render");
        r.into_iter().next().expect("one").output
    }

    #[test]
    fn the_common_constructs_render() {
        let out = render(
            "name: {{ include \"demo.name\" . }}\n{{- if .Values.on }}\nimage: {{ .Values.img | default .Chart.AppVersion | quote }}\n{{- else }}\nno: 1\n{{- end }}\n{{- with .Values.labels }}\nlabels:\n  {{- toYaml . | nindent 2 }}\n{{- end }}\n{{- range $k, $v := .Values.m }}\n{{ $k }}: {{ $v }}\n{{- end }}\n",
            "on: true\nimg: \"\"\nlabels: {a: b, c: d}\nm: {x: 1}\n",
        );
        assert_eq!(
            out,
            "name: demo-x\nimage: \"1.2\"\nlabels:\n  a: b\n  c: d\nx: 1\n"
        );
    }

    #[test]
    fn unsupported_is_an_error_with_a_line() {
        let tmp = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(tmp.path().join("templates")).expect("mkdir");
        std::fs::write(
            tmp.path().join("Chart.yaml"),
            "apiVersion: v2\nname: demo\n",
        )
        .expect("w");
        std::fs::write(
            tmp.path().join("templates/t.yaml"),
            "a: 1\nb: {{ frobnicate .Values }}\n",
        )
        .expect("w");
        let e = render_chart(tmp.path(), "c").expect_err("error");
        assert!(
            e.contains("c/templates/t.yaml:2") && e.contains("frobnicate"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod subchart_tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn tgz(files: &[(&str, &str)]) -> Vec<u8> {
        let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut b = tar::Builder::new(enc);
        for (p, t) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(t.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, p, t.as_bytes()).expect("append");
        }
        b.into_inner().expect("tar").finish().expect("gz")
    }

    /// A parent chart with a directory subchart (aliased twice, one disabled by its
    /// condition), an archived subchart, a library chart, and a missing dependency.
    fn parent(dir: &Path) {
        write(
            dir,
            "Chart.yaml",
            "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: web\n    alias: front\n  - name: web\n    alias: back\n    condition: back.enabled\n  - name: cache\n    version: 1.0.0\n    repository: https://charts.example.com\n  - name: common\n  - name: gone\n    repository: oci://registry.example.com/charts\n",
        );
        write(
            dir,
            "values.yaml",
            "global:\n  registry: reg.example.com\nfront:\n  image: front:1\nback:\n  enabled: false\ncache:\n  replicas: 2\n",
        );
        write(
            dir,
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"common.name\" . }}\n",
        );
        write(
            dir,
            "charts/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        );
        write(
            dir,
            "charts/web/values.yaml",
            "image: web:default\nglobal:\n  registry: docker.io\n  pull: Always\n",
        );
        write(
            dir,
            "charts/web/templates/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Chart.Name }}-{{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n      image: {{ .Values.global.registry }}/{{ .Values.image }}\n      imagePullPolicy: {{ .Values.global.pull }}\n",
        );
        write(
            dir,
            "charts/common/Chart.yaml",
            "apiVersion: v2\nname: common\ntype: library\nversion: 0.1.0\n",
        );
        write(
            dir,
            "charts/common/templates/_names.tpl",
            "{{- define \"common.name\" -}}{{ .Chart.Name }}-cm{{- end }}",
        );
        let archive = tgz(&[
            (
                "cache/Chart.yaml",
                "apiVersion: v2\nname: cache\nversion: 1.0.0\n",
            ),
            ("cache/values.yaml", "replicas: 1\n"),
            (
                "cache/templates/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\nspec:\n  replicas: {{ .Values.replicas }}\n",
            ),
        ]);
        std::fs::write(dir.join("charts/cache-1.0.0.tgz"), archive).expect("tgz");
    }

    #[test]
    fn subcharts_render_with_scoped_values_aliases_conditions_and_archives() {
        let tmp = tempfile::tempdir().expect("tmp");
        parent(tmp.path());
        let r = render_chart_with(tmp.path(), "shop", &HelmOptions::default()).expect("render");
        let by_path: Vec<(&str, &str)> = r
            .templates
            .iter()
            .map(|t| (t.path.as_str(), t.output.as_str()))
            .collect();
        // `back` is disabled by its condition; `front` is the aliased `web`.
        assert_eq!(by_path.len(), 3, "{by_path:#?}");
        let pod = by_path
            .iter()
            .find(|(p, _)| *p == "shop/charts/web/templates/pod.yaml")
            .expect("pod")
            .1;
        assert!(
            pod.contains("image: reg.example.com/front:1") && pod.contains("name: web-shop"),
            "{pod}"
        );
        // The subchart's own global keys stay unless the parent sets them.
        assert!(pod.contains("imagePullPolicy: Always"), "{pod}");
        let cache = by_path
            .iter()
            .find(|(p, _)| p.starts_with("shop/charts/cache-1.0.0.tgz/"))
            .expect("archived subchart")
            .1;
        assert!(cache.contains("replicas: 2"), "{cache}");
        let cm = by_path
            .iter()
            .find(|(p, _)| *p == "shop/templates/cm.yaml")
            .expect("cm")
            .1;
        assert!(cm.contains("name: shop-cm"), "{cm}");
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(
            r.notes[0].contains("shop/Chart.yaml")
                && r.notes[0].contains("`gone`")
                && r.notes[0].contains("not vendored"),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn user_values_reach_parent_and_subcharts() {
        let tmp = tempfile::tempdir().expect("tmp");
        parent(tmp.path());
        let mut h = HelmOptions::default();
        h.add_values_file("prod.yaml", "back:\n  enabled: true\n  image: back:2\n")
            .expect("values");
        h.add_set("global.registry=mirror.local,cache.replicas=5")
            .expect("set");
        let r = render_chart_with(tmp.path(), "shop", &h).expect("render");
        let outs: Vec<&str> = r.templates.iter().map(|t| t.output.as_str()).collect();
        assert_eq!(outs.len(), 4, "{outs:#?}");
        assert!(
            outs.iter()
                .any(|o| o.contains("image: mirror.local/back:2"))
        );
        assert!(
            outs.iter()
                .any(|o| o.contains("image: mirror.local/front:1"))
        );
        assert!(outs.iter().any(|o| o.contains("replicas: 5")));
    }

    #[test]
    fn file_dependencies_inside_the_root_are_read_in_place() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().canonicalize().expect("canon");
        write(
            &root,
            "apps/shop/Chart.yaml",
            "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: base\n    repository: file://../../libs/base\n  - name: far\n    repository: file://../../../outside\n",
        );
        write(&root, "apps/shop/values.yaml", "base:\n  replicas: 4\n");
        write(
            &root,
            "libs/base/Chart.yaml",
            "apiVersion: v2\nname: base\nversion: 0.1.0\n",
        );
        write(
            &root,
            "libs/base/templates/d.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: base\nspec:\n  replicas: {{ .Values.replicas }}\n",
        );
        let r = render_chart_within(
            &root.join("apps/shop"),
            "apps/shop",
            &HelmOptions::default(),
            Some(&root),
        )
        .expect("render");
        assert_eq!(r.templates.len(), 1);
        assert_eq!(r.templates[0].path, "libs/base/templates/d.yaml");
        assert!(r.templates[0].output.contains("replicas: 4"));
        // Outside the root: not read, a note.
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("`far`") && n.contains("not vendored")),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn a_broken_archive_is_a_note_not_a_silent_skip() {
        let tmp = tempfile::tempdir().expect("tmp");
        write(
            tmp.path(),
            "Chart.yaml",
            "apiVersion: v2\nname: a\nversion: 1.0.0\n",
        );
        write(tmp.path(), "charts/x-1.0.0.tgz", "not gzip");
        let r = render_chart_with(tmp.path(), "a", &HelmOptions::default()).expect("render");
        assert!(
            r.notes.iter().any(|n| n.contains("a/charts/x-1.0.0.tgz")),
            "{:?}",
            r.notes
        );
    }
}

#[cfg(test)]
mod sprig_tests {
    use super::*;

    fn render(tpl: &str) -> Result<String, String> {
        let tmp = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(tmp.path().join("templates")).expect("mkdir");
        std::fs::write(
            tmp.path().join("Chart.yaml"),
            "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
        )
        .expect("w");
        std::fs::write(
            tmp.path().join("values.yaml"),
            "a: {x: 1, y: [b, a, b]}\nname: MyApp_name\n",
        )
        .expect("w");
        std::fs::write(tmp.path().join("templates/t.yaml"), tpl).expect("w");
        render_chart(tmp.path(), "").map(|r| r.into_iter().next().expect("one").output)
    }

    #[test]
    fn collection_string_and_type_functions() {
        let out = render(concat!(
            "k: {{ keys .Values.a | sortAlpha | join \",\" }}\n",
            "u: {{ .Values.a.y | uniq | sortAlpha | join \",\" }}\n",
            "m: {{ merge (dict \"p\" 1) (dict \"p\" 2 \"q\" 3) | toJson }}\n",
            "o: {{ mergeOverwrite (dict \"p\" 1) (dict \"p\" 2) | toJson }}\n",
            "r: {{ regexReplaceAll \"[^a-z]\" (lower .Values.name) \"-\" }}\n",
            "t: {{ kindIs \"map\" .Values.a }} {{ kindOf .Values.a.y }}\n",
            "n: {{ add 1 2 3 }} {{ sub 5 2 }} {{ max 1 7 3 }}\n",
            "s: {{ .Values.name | kebabcase }} {{ substr 0 2 \"abcdef\" }}\n",
            "d: {{ dig \"a\" \"x\" \"none\" .Values }} {{ dig \"a\" \"z\" \"none\" .Values }}\n",
            "c: {{ .Capabilities.APIVersions.Has \"policy/v1\" }} {{ .Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\" }}\n",
            "h: {{ sha256sum \"abc\" | trunc 8 }}\n",
            "y: {{ (fromYaml \"p: q\").p }}\n",
        ))
        .expect("render");
        assert_eq!(
            out,
            "k: x,y\nu: a,b\nm: {\"p\":1,\"q\":3}\no: {\"p\":2}\nr: myapp-name\nt: true slice\nn: 6 3 7\ns: my-app-name ab\nd: 1 none\nc: true false\nh: ba7816bf\ny: q\n"
        );
    }

    #[test]
    fn chart_files_get_glob_and_unknown_methods() {
        let tmp = tempfile::tempdir().expect("tmp");
        let w = |rel: &str, t: &str| {
            let p = tmp.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, t).expect("w");
        };
        w("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
        w("conf/app.ini", "debug = true\n");
        w("conf/b.txt", "b");
        w(
            "templates/t.yaml",
            "a: {{ .Files.Get \"conf/app.ini\" | trim | quote }}\nmissing: {{ .Files.Get \"nope\" | quote }}\ndata:\n{{ (.Files.Glob \"conf/*\").AsConfig | indent 2 }}\n{{- range $p, $_ := .Files.Glob \"conf/*.txt\" }}\nfile: {{ $p }}\n{{- end }}\n",
        );
        let out = render_chart(tmp.path(), "")
            .expect("render")
            .into_iter()
            .next()
            .expect("one")
            .output;
        assert_eq!(
            out,
            "a: \"debug = true\"\nmissing: \"\"\ndata:\n  app.ini: \"debug = true\\n\"\n  b.txt: b\nfile: conf/b.txt\n"
        );
        let e = render("a: {{ .Release.Frobnicate \"x\" }}\n").expect_err("error");
        assert!(
            e.contains("templates/t.yaml:1") && e.contains("`.Release.Frobnicate`"),
            "{e}"
        );
    }
}
