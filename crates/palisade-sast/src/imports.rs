//! Import aliases per file: which local names stand for which dotted names, so that
//! `from hashlib import md5 as h; h(x)` matches the pattern `hashlib.md5(...)`.

use std::collections::HashMap;

use crate::lang::Lang;
use crate::tree::{Id, Tree};

pub fn aliases(t: &Tree<'_>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for id in 0..t.nodes.len() as Id {
        let kind = t.node(id).kind;
        match (t.lang, kind) {
            (Lang::Python, "import_statement") => python_import(t, id, &mut map),
            (Lang::Python, "import_from_statement") => python_from(t, id, &mut map),
            (Lang::JavaScript | Lang::TypeScript | Lang::Tsx, "import_statement") => {
                js_import(t, id, &mut map)
            }
            (Lang::JavaScript | Lang::TypeScript | Lang::Tsx, "variable_declarator") => {
                js_require(t, id, &mut map)
            }
            (Lang::Go, "import_spec") => go_import(t, id, &mut map),
            (Lang::Java, "import_declaration") | (Lang::Kotlin, "import") => {
                text_import(t.text_str(id), &mut map)
            }
            (Lang::CSharp, "using_directive") => {
                let text = t.text_str(id).trim().trim_end_matches(';');
                if let Some(rest) = text.strip_prefix("using")
                    && let Some((alias, target)) = rest.split_once('=')
                {
                    map.insert(alias.trim().to_string(), compact(target));
                }
            }
            _ => {}
        }
    }
    map
}

fn named(t: &Tree<'_>, id: Id) -> Vec<Id> {
    t.kids(id)
        .iter()
        .copied()
        .filter(|&k| t.node(k).named)
        .collect()
}

fn compact(s: &str) -> String {
    s.split_whitespace().collect()
}

fn python_import(t: &Tree<'_>, id: Id, map: &mut HashMap<String, String>) {
    for k in named(t, id) {
        if t.node(k).kind == "aliased_import"
            && let [name, alias] = named(t, k)[..]
        {
            map.insert(t.text_str(alias).to_string(), compact(t.text_str(name)));
        }
    }
}

fn python_from(t: &Tree<'_>, id: Id, map: &mut HashMap<String, String>) {
    let kids = named(t, id);
    let Some((&module, names)) = kids.split_first() else {
        return;
    };
    let module = compact(t.text_str(module));
    for &k in names {
        match t.node(k).kind {
            "dotted_name" => {
                let name = compact(t.text_str(k));
                map.insert(name.clone(), format!("{module}.{name}"));
            }
            "aliased_import" => {
                if let [name, alias] = named(t, k)[..] {
                    map.insert(
                        t.text_str(alias).to_string(),
                        format!("{module}.{}", compact(t.text_str(name))),
                    );
                }
            }
            _ => {}
        }
    }
}

fn module_name(s: &str) -> String {
    let s = s.strip_prefix("node:").unwrap_or(s);
    s.replace('/', ".")
}

fn js_import(t: &Tree<'_>, id: Id, map: &mut HashMap<String, String>) {
    let kids = named(t, id);
    let Some(src) = kids.iter().copied().find(|&k| t.node(k).string) else {
        return;
    };
    let module = module_name(t.string_value(src));
    let mut stack: Vec<Id> = kids;
    while let Some(k) = stack.pop() {
        match t.node(k).kind {
            "import_clause" | "named_imports" => stack.extend(named(t, k)),
            "identifier" => {
                map.insert(t.text_str(k).to_string(), module.clone());
            }
            "namespace_import" => {
                if let Some(&a) = named(t, k).last() {
                    map.insert(t.text_str(a).to_string(), module.clone());
                }
            }
            "import_specifier" => {
                let n = named(t, k);
                if let (Some(&first), Some(&last)) = (n.first(), n.last()) {
                    map.insert(
                        t.text_str(last).to_string(),
                        format!("{module}.{}", t.text_str(first)),
                    );
                }
            }
            _ => {}
        }
    }
}

fn js_require(t: &Tree<'_>, id: Id, map: &mut HashMap<String, String>) {
    let kids = named(t, id);
    let [name, value] = kids[..] else {
        return;
    };
    if t.node(value).kind != "call_expression" {
        return;
    }
    let call = named(t, value);
    let [f, args] = call[..] else {
        return;
    };
    if t.text(f) != b"require" {
        return;
    }
    let Some(&src) = t.kids(args).first() else {
        return;
    };
    if !t.node(src).string {
        return;
    }
    let module = module_name(t.string_value(src));
    match t.node(name).kind {
        "identifier" => {
            map.insert(t.text_str(name).to_string(), module);
        }
        "object_pattern" => {
            for p in named(t, name) {
                match t.node(p).kind {
                    "shorthand_property_identifier_pattern" => {
                        let n = t.text_str(p).to_string();
                        map.insert(n.clone(), format!("{module}.{n}"));
                    }
                    "pair_pattern" => {
                        if let [key, value] = named(t, p)[..] {
                            map.insert(
                                t.text_str(value).to_string(),
                                format!("{module}.{}", t.text_str(key)),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn go_import(t: &Tree<'_>, id: Id, map: &mut HashMap<String, String>) {
    let kids = named(t, id);
    if let [alias, path] = kids[..]
        && t.node(path).string
    {
        let p = t.string_value(path);
        let last = p.rsplit('/').next().unwrap_or(p);
        map.insert(t.text_str(alias).to_string(), last.to_string());
    }
}

/// `import a.b.C;`, `import static a.b.C.m;`, `import a.b.C as D` (Java, Kotlin).
fn text_import(text: &str, map: &mut HashMap<String, String>) {
    let s = text.trim().trim_end_matches(';');
    let Some(s) = s.strip_prefix("import") else {
        return;
    };
    let s = s.trim();
    let s = s.strip_prefix("static ").unwrap_or(s).trim();
    let (path, alias) = match s.split_once(" as ") {
        Some((p, a)) => (compact(p), a.trim().to_string()),
        None => {
            let p = compact(s);
            let last = p.rsplit('.').next().unwrap_or(&p).to_string();
            (p, last)
        }
    };
    if path.ends_with('*') || alias.is_empty() {
        return;
    }
    map.insert(alias, path);
}
