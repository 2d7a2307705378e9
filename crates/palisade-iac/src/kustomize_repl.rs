//! Kustomize `replacements`: copy a field of one object (`source`: `kind`, `name`,
//! `namespace`, `fieldPath`, default `metadata.name`) into fields of others (`targets`:
//! `select`, `reject`, `fieldPaths`, `options.delimiter`/`index`/`create`). Field paths are
//! dotted, with list items chosen by index (`containers.0.image`), by a field
//! (`containers.[name=app].image`) or all (`containers.*.image`). A replaced value keeps the
//! position of the source value, so a finding on it points where the value comes from.

use crate::doc::{Node, Value};
use crate::kustomize::Object;

/// Whether object `obj` is selected by `sel` (its name as declared or as renamed).
fn matches(obj: &Object, sel: Option<&Node>) -> bool {
    let Some(sel) = sel else { return true };
    let o = &obj.node;
    let meta = o.get("metadata");
    let declared = obj.original.split_once('/').map(|(_, n)| n);
    for k in ["kind", "name", "namespace"] {
        let Some(want) = sel.str_at(k) else { continue };
        let ok = match k {
            "kind" => o.str_at("kind") == Some(want),
            "name" => meta.and_then(|m| m.str_at("name")) == Some(want) || declared == Some(want),
            _ => meta.and_then(|m| m.str_at("namespace")) == Some(want),
        };
        if !ok {
            return false;
        }
    }
    if let Some(v) = sel.str_at("version")
        && o.str_at("apiVersion").and_then(|a| a.rsplit('/').next()) != Some(v)
    {
        return false;
    }
    if let Some(g) = sel.str_at("group") {
        let group = o
            .str_at("apiVersion")
            .and_then(|a| a.rsplit_once('/').map(|(g, _)| g))
            .unwrap_or("");
        if group != g {
            return false;
        }
    }
    true
}

/// Splits `a.b.[name=x].c` into segments (brackets may hold dots).
fn segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth -= 1;
                cur.push(c);
            }
            '.' if depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

fn get_path<'n>(n: &'n Node, segs: &[String]) -> Option<&'n Node> {
    let Some((first, rest)) = segs.split_first() else {
        return Some(n);
    };
    let next = match &n.value {
        Value::Map(_) => n.get(first),
        Value::Seq(items) => pick(items, first).into_iter().next().map(|i| &items[i]),
        Value::Scalar { .. } => None,
    }?;
    get_path(next, rest)
}

/// Indexes of the list items a segment selects.
fn pick(items: &[Node], seg: &str) -> Vec<usize> {
    if seg == "*" {
        return (0..items.len()).collect();
    }
    if let Ok(i) = seg.parse::<usize>() {
        return if i < items.len() { vec![i] } else { Vec::new() };
    }
    if let Some((k, v)) = seg
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .and_then(|s| s.split_once('='))
    {
        return items
            .iter()
            .enumerate()
            .filter(|(_, it)| it.str_at(k) == Some(v))
            .map(|(i, _)| i)
            .collect();
    }
    Vec::new()
}

fn set_path(n: &mut Node, segs: &[String], value: &Node, opts: &Opts, depth: usize) {
    if depth > 64 {
        return;
    }
    let Some((first, rest)) = segs.split_first() else {
        let new = match (&opts.delimiter, n.as_str()) {
            (Some(d), Some(old)) => {
                let mut parts: Vec<String> = old.split(d.as_str()).map(str::to_string).collect();
                let v = value.as_str().unwrap_or("").to_string();
                let i = opts.index.max(0) as usize;
                if i < parts.len() {
                    parts[i] = v;
                } else {
                    parts.push(v);
                }
                let mut node = value.clone();
                node.value = Value::Scalar {
                    text: parts.join(d),
                    plain: false,
                };
                node
            }
            _ => value.clone(),
        };
        *n = new;
        return;
    };
    let like = (n.start, n.end);
    match &mut n.value {
        Value::Map(m) => {
            match m
                .iter()
                .position(|(k, _)| k.as_str() == Some(first.as_str()))
            {
                Some(i) => set_path(&mut m[i].1, rest, value, opts, depth + 1),
                None if opts.create => {
                    let mk = |v: Value| Node {
                        value: v,
                        tag: None,
                        start: like.0,
                        end: like.1,
                    };
                    let mut child = mk(Value::Map(Vec::new()));
                    set_path(&mut child, rest, value, opts, depth + 1);
                    m.push((
                        mk(Value::Scalar {
                            text: first.clone(),
                            plain: true,
                        }),
                        child,
                    ));
                }
                None => {}
            }
        }
        Value::Seq(items) => {
            for i in pick(items, first) {
                set_path(&mut items[i], rest, value, opts, depth + 1);
            }
        }
        Value::Scalar { .. } => {}
    }
}

struct Opts {
    delimiter: Option<String>,
    index: i64,
    create: bool,
}

/// Applies the replacements (`entries`, inline or loaded from `path:` files) to `objects`;
/// returns notes on what did not apply.
pub fn apply(entries: &[Node], objects: &mut [Object]) -> Vec<String> {
    let mut notes = Vec::new();
    for r in entries {
        let Some(src) = r.get("source") else {
            notes.push(format!(
                "replacement at line {} has no source",
                r.start.line
            ));
            continue;
        };
        let src_path = segments(src.str_at("fieldPath").unwrap_or("metadata.name"));
        let Some(value) = objects
            .iter()
            .filter(|o| matches(o, Some(src)))
            .find_map(|o| get_path(&o.node, &src_path).cloned())
        else {
            notes.push(format!(
                "replacement source {}/{} not found; not applied",
                src.str_at("kind").unwrap_or("*"),
                src.str_at("name").unwrap_or("*")
            ));
            continue;
        };
        let value = match src.get("options") {
            Some(o) if o.str_at("delimiter").is_some() => {
                let d = o.str_at("delimiter").unwrap_or("");
                let i = o
                    .get("index")
                    .and_then(Node::as_f64)
                    .map_or(0, |f| f as usize);
                let part = value
                    .as_str()
                    .and_then(|t| t.split(d).nth(i))
                    .unwrap_or("")
                    .to_string();
                let mut v = value.clone();
                v.value = Value::Scalar {
                    text: part,
                    plain: false,
                };
                v
            }
            _ => value,
        };
        for t in r.get("targets").and_then(Node::as_seq).unwrap_or_default() {
            let opts = t.get("options");
            let opts = Opts {
                delimiter: opts.and_then(|o| o.str_at("delimiter")).map(str::to_string),
                index: opts
                    .and_then(|o| o.get("index"))
                    .and_then(Node::as_f64)
                    .map_or(0, |f| f as i64),
                create: opts
                    .and_then(|o| o.get("create"))
                    .and_then(Node::as_bool)
                    .unwrap_or(false),
            };
            let rejects = t.get("reject").and_then(Node::as_seq).unwrap_or_default();
            for o in objects.iter_mut() {
                if !matches(o, t.get("select")) || rejects.iter().any(|rj| matches(o, Some(rj))) {
                    continue;
                }
                for fp in t
                    .get("fieldPaths")
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                {
                    set_path(&mut o.node, &segments(fp), &value, &opts, 0);
                }
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::parse_yaml;

    fn obj(y: &str) -> Object {
        let node = parse_yaml(y).expect("yaml").remove(0);
        Object {
            original: String::new(),
            node,
            source: 0,
            hashed: false,
        }
    }

    #[test]
    fn copies_values_by_index_field_selector_wildcard_and_delimiter() {
        let mut objects = vec![
            obj(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {image: acme/web:2.0, priv: 'true'}\n",
            ),
            obj(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: app, image: acme/web:1.0}\n        - {name: side, image: acme/side:1.0}\n",
            ),
        ];
        let r = parse_yaml(
            "- source: {kind: ConfigMap, name: cfg, fieldPath: data.image}\n  targets:\n    - select: {kind: Deployment}\n      fieldPaths: ['spec.template.spec.containers.[name=app].image']\n- source: {kind: ConfigMap, name: cfg, fieldPath: data.image, options: {delimiter: ':', index: 1}}\n  targets:\n    - select: {kind: Deployment}\n      fieldPaths: [spec.template.spec.containers.1.image]\n      options: {delimiter: ':', index: 1}\n- source: {kind: ConfigMap, name: cfg, fieldPath: data.priv}\n  targets:\n    - select: {kind: Deployment}\n      fieldPaths: ['spec.template.spec.containers.*.securityContext.privileged']\n      options: {create: true}\n- source: {kind: Secret, name: nope}\n  targets: []\n",
        )
        .expect("yaml")
        .remove(0);
        let notes = apply(r.as_seq().expect("seq"), &mut objects);
        let d = &objects[1].node;
        assert_eq!(
            d.at("spec.template.spec.containers[0].image")
                .and_then(Node::as_str),
            Some("acme/web:2.0")
        );
        assert_eq!(
            d.at("spec.template.spec.containers[1].image")
                .and_then(Node::as_str),
            Some("acme/side:2.0")
        );
        assert_eq!(
            d.at("spec.template.spec.containers[1].securityContext.privileged")
                .and_then(Node::as_str),
            Some("true")
        );
        // The copied value points at its source line.
        assert_eq!(
            d.at("spec.template.spec.containers[0].image")
                .map(|n| n.start.line),
            Some(4)
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
    }
}
