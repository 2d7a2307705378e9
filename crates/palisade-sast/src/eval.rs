//! Evaluation of a rule's formula over one file: sets of matches combined as Semgrep
//! combines them (intersection of positives by range, filters by range and containment,
//! conditions on bindings, focus).

use std::collections::HashMap;

use crate::compare;
use crate::lang::Lang;
use crate::matcher::{Binding, Cx, Env, Match};
use crate::rule::{Cond, Filter, Formula};
use crate::tree::Tree;

/// Bindings agree on every shared name (same code).
fn compatible(cx: &Cx<'_, '_>, a: &Env, b: &Env) -> bool {
    a.iter().all(|(n, x)| {
        b.iter().all(|(m, y)| {
            n != m
                || crate::tree::same_code(
                    &cx.tree.src[x.start as usize..x.end as usize],
                    &cx.tree.src[y.start as usize..y.end as usize],
                )
        })
    })
}

fn merge(a: &mut Env, b: &Env) {
    for (n, v) in b {
        if !a.iter().any(|(m, _)| m == n) {
            a.push((n.clone(), *v));
        }
    }
}

pub fn eval(cx: &mut Cx<'_, '_>, f: &Formula) -> Vec<Match> {
    match f {
        Formula::Pattern(p) => cx.find_all(p),
        Formula::Regex(re) => regex_matches(cx, re),
        Formula::Scope => {
            let (start, end) = cx.scope.unwrap_or((0, cx.tree.src.len() as u32));
            vec![Match {
                start,
                end,
                env: Env::new(),
            }]
        }
        Formula::Either(alts) => {
            let mut out: Vec<Match> = Vec::new();
            for a in alts {
                for m in eval(cx, a) {
                    if !out.iter().any(|o| o.start == m.start && o.end == m.end) {
                        out.push(m);
                    }
                }
            }
            out
        }
        Formula::All(all) => {
            let mut it = all.positives.iter();
            let Some(first) = it.next() else {
                return Vec::new();
            };
            let mut cur = eval(cx, first);
            for p in it {
                if cur.is_empty() {
                    return cur;
                }
                let other = eval(cx, p);
                cur.retain_mut(|m| {
                    match other.iter().find(|o| {
                        o.start == m.start && o.end == m.end && compatible(cx, &m.env, &o.env)
                    }) {
                        Some(o) => {
                            merge(&mut m.env, &o.env);
                            true
                        }
                        None => false,
                    }
                });
            }
            for flt in &all.filters {
                if cur.is_empty() {
                    return cur;
                }
                match flt {
                    Filter::Not(f) => {
                        let neg = eval(cx, f);
                        cur.retain(|m| {
                            !neg.iter().any(|o| {
                                o.start == m.start
                                    && o.end == m.end
                                    && compatible(cx, &m.env, &o.env)
                            })
                        });
                    }
                    Filter::Inside(f) => {
                        let ctx = eval(cx, f);
                        cur.retain_mut(|m| {
                            match ctx.iter().find(|o| {
                                o.start <= m.start
                                    && m.end <= o.end
                                    && compatible(cx, &m.env, &o.env)
                            }) {
                                Some(o) => {
                                    merge(&mut m.env, &o.env);
                                    true
                                }
                                None => false,
                            }
                        });
                    }
                    Filter::NotInside(f) => {
                        let ctx = eval(cx, f);
                        cur.retain(|m| {
                            !ctx.iter().any(|o| {
                                o.start <= m.start
                                    && m.end <= o.end
                                    && compatible(cx, &m.env, &o.env)
                            })
                        });
                    }
                    Filter::NotRegex(re) => {
                        let hits = regex_matches(cx, re);
                        cur.retain(|m| {
                            !hits.iter().any(|o| {
                                o.start < m.end.max(m.start + 1) && m.start < o.end.max(o.start + 1)
                            })
                        });
                    }
                }
            }
            for c in &all.conds {
                if cur.is_empty() {
                    return cur;
                }
                cur.retain_mut(|m| cond_holds(cx, c, m));
            }
            for name in &all.focus {
                for m in &mut cur {
                    if let Some((_, b)) = m.env.iter().find(|(n, _)| &**n == name.as_str()) {
                        m.start = b.start;
                        m.end = b.end;
                    }
                }
            }
            cur
        }
    }
}

fn regex_matches(cx: &Cx<'_, '_>, re: &regex::Regex) -> Vec<Match> {
    let Ok(text) = std::str::from_utf8(cx.tree.src) else {
        return Vec::new();
    };
    let names: Vec<(usize, String)> = re
        .capture_names()
        .enumerate()
        .filter_map(|(i, n)| n.map(|n| (i, format!("${n}"))))
        .collect();
    let (lo, hi) = cx.scope.unwrap_or((0, text.len() as u32));
    let mut out = Vec::new();
    for caps in re.captures_iter(&text[lo as usize..hi as usize]) {
        let Some(whole) = caps.get(0) else { continue };
        let mut env = Env::new();
        for (i, n) in &names {
            if let Some(g) = caps.get(*i) {
                env.push((
                    n.as_str().into(),
                    Binding {
                        start: lo + g.start() as u32,
                        end: lo + g.end() as u32,
                        node: None,
                    },
                ));
            }
        }
        out.push(Match {
            start: lo + whole.start() as u32,
            end: lo + whole.end() as u32,
            env,
        });
        if out.len() > 100_000 {
            break;
        }
    }
    out
}

fn text_of<'a>(cx: &Cx<'a, '_>, b: &Binding) -> &'a str {
    let src: &'a [u8] = cx.tree.src;
    std::str::from_utf8(&src[b.start as usize..b.end as usize]).unwrap_or("")
}

fn cond_holds(cx: &mut Cx<'_, '_>, c: &Cond, m: &mut Match) -> bool {
    let lookup = |name: &str| m.env.iter().find(|(n, _)| &**n == name).map(|(_, b)| *b);
    match c {
        Cond::Regex(name, re) => lookup(name).is_some_and(|b| re.is_match(text_of(cx, &b))),
        Cond::Comparison(expr) => {
            let vars: HashMap<String, String> = m
                .env
                .iter()
                .map(|(n, b)| (n.to_string(), text_of(cx, b).to_string()))
                .collect();
            matches!(compare::eval(expr, &vars), Ok(compare::Val::Bool(true)))
                || matches!(compare::eval(expr, &vars), Ok(compare::Val::Int(i)) if i != 0)
        }
        Cond::Pattern(name, lang, f) => {
            let Some(b) = lookup(name) else { return false };
            match lang {
                Some(l) if *l != cx.tree.lang => sub_language(cx, *l, f, &b),
                _ => {
                    let saved = cx.scope;
                    cx.scope = Some((b.start, b.end));
                    let subs = eval(cx, f);
                    cx.scope = saved;
                    match subs.iter().find(|s| compatible(cx, &m.env, &s.env)) {
                        Some(s) => {
                            let env = s.env.clone();
                            merge(&mut m.env, &env);
                            true
                        }
                        None => false,
                    }
                }
            }
        }
    }
}

/// metavariable-pattern with another `language`: the bound text (a string's value when it
/// is a string) parsed on its own.
fn sub_language(cx: &Cx<'_, '_>, lang: Lang, f: &Formula, b: &Binding) -> bool {
    let text = text_of(cx, b);
    let text = match b.node {
        Some(n) if cx.tree.node(n).string => cx.tree.string_value(n),
        _ => text,
    };
    let Some(ts) = crate::lang::parse(lang, text.as_bytes(), cx.deadline) else {
        return false;
    };
    let tree = Tree::build(lang, text.as_bytes(), &ts);
    let mut sub = Cx::new(&tree, cx.deadline);
    !eval(&mut sub, f).is_empty()
}
