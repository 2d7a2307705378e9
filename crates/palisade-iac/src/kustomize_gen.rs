//! Kustomize's `configMapGenerator` and `secretGenerator`: ConfigMaps and Secrets built
//! from `literals`, `files` (`key=path` or `path`) and `envs` files, with `behavior`
//! (`create`, `merge`, `replace`), `options` and the kustomization's `generatorOptions`,
//! and the content-hash name suffix (`name-<10 chars>`) computed as kustomize does: the
//! SHA-256 of the JSON of kind, name, type and data, its first ten hex digits with
//! `0 1 3 a e` turned into `g h k m t`. Workloads referring to a generated object by its
//! declared name are rewritten to the final name.
//!
//! Generated nodes point at the generator's entry in the kustomization file.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::doc::{Node, Pos, Value};

/// One generated object: its node, and whether it takes the hash suffix.
pub struct Generated {
    pub node: Node,
    pub kind: &'static str,
    pub name: String,
    pub behavior: String,
    pub hash: bool,
}

fn scalar_at(text: &str, at: Pos) -> Node {
    Node {
        value: Value::Scalar {
            text: text.to_string(),
            plain: false,
        },
        tag: None,
        start: at,
        end: at,
    }
}

fn map_at(entries: Vec<(&str, Node)>, at: Pos) -> Node {
    Node {
        value: Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (scalar_at(k, at), v))
                .collect(),
        ),
        tag: None,
        start: at,
        end: at,
    }
}

fn strings(n: Option<&Node>) -> Vec<String> {
    n.and_then(Node::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Reads `KEY=VALUE` lines of an env file (comments and blank lines skipped).
fn env_pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        })
        .collect()
}

/// The generators of kustomization `k` in `dir`. `read` reads a file inside the scan root
/// (a relative path from `dir`); what cannot be read is a note.
pub fn generate(
    k: &Node,
    file_id: u32,
    dir: &Path,
    read: &mut dyn FnMut(&Path) -> Result<String, String>,
    notes: &mut Vec<String>,
) -> Vec<Generated> {
    let global_hash = !k
        .get("generatorOptions")
        .and_then(|o| o.get("disableNameSuffixHash"))
        .and_then(Node::as_bool)
        .unwrap_or(false);
    let global_labels = k.get("generatorOptions").and_then(|o| o.get("labels"));
    let global_annotations = k.get("generatorOptions").and_then(|o| o.get("annotations"));
    let mut out = Vec::new();
    for (key, kind) in [
        ("configMapGenerator", "ConfigMap"),
        ("secretGenerator", "Secret"),
    ] {
        for g in k.get(key).and_then(Node::as_seq).unwrap_or_default() {
            let mut at = g.start;
            at.file = file_id;
            let Some(name) = g.str_at("name") else {
                notes.push(format!("{key} entry without a name (line {})", at.line));
                continue;
            };
            let mut data: BTreeMap<String, String> = BTreeMap::new();
            for l in strings(g.get("literals")) {
                if let Some((k, v)) = l.split_once('=') {
                    let v = v.trim();
                    let v = v
                        .strip_prefix('"')
                        .and_then(|x| x.strip_suffix('"'))
                        .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                        .unwrap_or(v);
                    data.insert(k.trim().to_string(), v.to_string());
                }
            }
            for f in strings(g.get("files")) {
                let (k, p) = match f.split_once('=') {
                    Some((k, p)) => (k.trim().to_string(), p.trim().to_string()),
                    None => (
                        f.rsplit('/').next().unwrap_or(&f).to_string(),
                        f.trim().to_string(),
                    ),
                };
                match read(&dir.join(&p)) {
                    Ok(t) => {
                        data.insert(k, t);
                    }
                    Err(e) => notes.push(format!("{key} `{name}`: {e}")),
                }
            }
            let mut envs = strings(g.get("envs"));
            if let Some(e) = g.str_at("env") {
                envs.push(e.to_string());
            }
            for e in envs {
                match read(&dir.join(&e)) {
                    Ok(t) => data.extend(env_pairs(&t)),
                    Err(err) => notes.push(format!("{key} `{name}`: {err}")),
                }
            }
            let opts = g.get("options");
            let hash = !opts
                .and_then(|o| o.get("disableNameSuffixHash"))
                .and_then(Node::as_bool)
                .map_or(!global_hash, |d| d);
            let ty = g.str_at("type").unwrap_or("Opaque").to_string();
            let mut meta = vec![("name", scalar_at(name, at))];
            if let Some(ns) = g.str_at("namespace") {
                meta.push(("namespace", scalar_at(ns, at)));
            }
            for (field, global) in [
                ("labels", global_labels),
                ("annotations", global_annotations),
            ] {
                let mut m: Vec<(String, String)> = Vec::new();
                for src in [global, opts.and_then(|o| o.get(field))]
                    .into_iter()
                    .flatten()
                {
                    for (lk, lv) in src.as_map().unwrap_or_default() {
                        if let (Some(lk), Some(lv)) = (lk.as_str(), lv.as_str()) {
                            m.retain(|(k, _)| k != lk);
                            m.push((lk.to_string(), lv.to_string()));
                        }
                    }
                }
                if !m.is_empty() {
                    meta.push((
                        field,
                        map_at(
                            m.iter()
                                .map(|(k, v)| (k.as_str(), scalar_at(v, at)))
                                .collect(),
                            at,
                        ),
                    ));
                }
            }
            let data_node = map_at(
                data.iter()
                    .map(|(k, v)| {
                        let v = if kind == "Secret" {
                            crate::kustomize_gen::b64(v.as_bytes())
                        } else {
                            v.clone()
                        };
                        (k.as_str(), scalar_at(&v, at))
                    })
                    .collect(),
                at,
            );
            let mut entries = vec![
                ("apiVersion", scalar_at("v1", at)),
                ("kind", scalar_at(kind, at)),
                ("metadata", map_at(meta, at)),
            ];
            if kind == "Secret" {
                entries.push(("type", scalar_at(&ty, at)));
            }
            entries.push(("data", data_node));
            out.push(Generated {
                node: map_at(entries, at),
                kind,
                name: name.to_string(),
                behavior: g.str_at("behavior").unwrap_or("create").to_string(),
                hash,
            });
        }
    }
    out
}

/// Standard base64 (Secret data).
pub fn b64(data: &[u8]) -> String {
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

/// A JSON string as Go's `encoding/json` writes it (HTML characters escaped).
fn go_json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The name suffix kustomize gives a generated object (`name` is its name then).
pub fn hash_suffix(node: &Node, name: &str) -> String {
    let kind = node.str_at("kind").unwrap_or("");
    let data: Vec<(String, String)> = node
        .get("data")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
        .collect();
    let mut sorted = data;
    sorted.sort();
    let data_json = format!(
        "{{{}}}",
        sorted
            .iter()
            .map(|(k, v)| format!("{}:{}", go_json_str(k), go_json_str(v)))
            .collect::<Vec<_>>()
            .join(",")
    );
    // Go marshals a map with its keys sorted.
    let json = if kind == "Secret" {
        format!(
            "{{\"data\":{data_json},\"kind\":\"Secret\",\"name\":{},\"type\":{}}}",
            go_json_str(name),
            go_json_str(node.str_at("type").unwrap_or("Opaque"))
        )
    } else {
        format!(
            "{{\"data\":{data_json},\"kind\":\"ConfigMap\",\"name\":{}}}",
            go_json_str(name)
        )
    };
    let digest = Sha256::digest(json.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// Rewrites references to ConfigMaps and Secrets in a workload: `renames` maps
/// `(kind, old name)` to the new name.
pub fn rewrite_refs(node: &mut Node, renames: &[(&str, String, String)], depth: usize) {
    if depth > 64 || renames.is_empty() {
        return;
    }
    match &mut node.value {
        Value::Map(m) => {
            for (k, v) in m.iter_mut() {
                let key = k.as_str().unwrap_or("");
                let kind = match key {
                    "configMapRef" | "configMapKeyRef" | "configMap" => Some(("ConfigMap", "name")),
                    "secretRef" | "secretKeyRef" => Some(("Secret", "name")),
                    "secret" => Some(("Secret", "secretName")),
                    _ => None,
                };
                if let Some((kind, field)) = kind {
                    // `projected` sources name a Secret with `name`, volumes with `secretName`.
                    for f in [field, "name"] {
                        rename_field(v, f, kind, renames);
                    }
                } else if key == "imagePullSecrets"
                    && let Some(items) = v.as_seq_mut()
                {
                    for it in items {
                        rename_field(it, "name", "Secret", renames);
                    }
                }
                rewrite_refs(v, renames, depth + 1);
            }
        }
        Value::Seq(items) => {
            for it in items {
                rewrite_refs(it, renames, depth + 1);
            }
        }
        Value::Scalar { .. } => {}
    }
}

fn rename_field(n: &mut Node, field: &str, kind: &str, renames: &[(&str, String, String)]) {
    let Value::Map(m) = &mut n.value else { return };
    for (k, v) in m.iter_mut() {
        if k.as_str() != Some(field) {
            continue;
        }
        let Some(cur) = v.as_str() else { continue };
        if let Some((_, _, new)) = renames
            .iter()
            .find(|(kd, old, _)| *kd == kind && old == cur)
        {
            let at = v.start;
            let end = v.end;
            *v = scalar_at(new, at);
            v.end = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::parse_yaml;

    fn suffix(yaml: &str) -> String {
        let n = parse_yaml(yaml).expect("yaml").remove(0);
        let name = n
            .get("metadata")
            .and_then(|m| m.str_at("name"))
            .expect("name");
        hash_suffix(&n, name)
    }

    /// The names the Kubernetes documentation shows for its generator examples
    /// ("Declarative Management of Kubernetes Objects Using Kustomize").
    #[test]
    fn hash_suffixes_match_kustomize() {
        assert_eq!(
            suffix(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: example-configmap-1}\ndata:\n  application.properties: \"FOO=Bar\\n\"\n"
            ),
            "8mbdf7882g"
        );
        assert_eq!(
            suffix(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: example-configmap-2}\ndata: {FOO: Bar}\n"
            ),
            "g2hdhfc6tk"
        );
    }
}
