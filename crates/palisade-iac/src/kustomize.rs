//! Kustomize, rendered in-process: `resources` (files and directories), `components`,
//! `patches` (strategic merge, inline or from a file, and JSON 6902 with a target),
//! `patchesStrategicMerge`, `patchesJson6902`, `configMapGenerator` and `secretGenerator`
//! (hash-suffixed names, references rewritten; see [`crate::kustomize_gen`]),
//! `replacements` (inline or from files), `images`,
//! `namespace`, `namePrefix`, `nameSuffix`, `commonLabels` and `commonAnnotations`.
//!
//! Every rendered node keeps the file (and line) it came from, so a finding on a rendered
//! object points at the base file, or at the patch that introduced the value. Remote bases
//! (URLs, git references) are never fetched, and `vars`, `helmCharts` and
//! plugin generators/transformers are not applied: each is a note the scan reports, naming
//! the kustomization. Reading stays inside the scan root and is bounded in files and depth.

use std::path::{Path, PathBuf};

use crate::doc::{Node, Value, parse_yaml};
use crate::{kustomize_gen, kustomize_repl};

const MAX_FILES: usize = 500;
const MAX_DEPTH: usize = 12;

/// One rendered object and where it came from.
#[derive(Debug)]
pub struct Object {
    pub node: Node,
    /// Index into [`Rendered::files`] of the file that declared the object.
    pub source: u32,
    /// `Kind/name` as declared, before name prefixes and namespaces.
    pub original: String,
    /// A generated ConfigMap or Secret that takes kustomize's content-hash name suffix.
    pub hashed: bool,
}

#[derive(Debug)]
pub struct Rendered {
    pub objects: Vec<Object>,
    /// `(path relative to the root, text)` of every file read; index = `Pos::file`.
    pub files: Vec<(String, String)>,
    /// What could not be rendered (remote bases, generators ...).
    pub notes: Vec<String>,
}

struct Cx<'r> {
    root: &'r Path,
    out: Rendered,
}

impl Cx<'_> {
    fn rel(&self, p: &Path) -> String {
        p.strip_prefix(self.root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Reads and parses a file inside the root, recording it in the file table.
    fn load(&mut self, p: &Path) -> Result<(u32, Vec<Node>), String> {
        let canon = p
            .canonicalize()
            .map_err(|e| format!("{}: {e}", self.rel(p)))?;
        if !canon.starts_with(self.root) {
            return Err(format!(
                "{}: outside the scanned tree; not read",
                p.display()
            ));
        }
        if self.out.files.len() >= MAX_FILES {
            return Err(format!("more than {MAX_FILES} files; rendering stopped"));
        }
        let rel = self.rel(&canon);
        if let Some(i) = self.out.files.iter().position(|(r, _)| *r == rel) {
            let text = self.out.files[i].1.clone();
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            let mut docs =
                parse_yaml(&text).map_err(|e| format!("{rel}:{}: {}", e.line, e.message))?;
            docs.iter_mut().for_each(|d| d.relocate(id, 0, 0));
            return Ok((id, docs));
        }
        let text = std::fs::read_to_string(&canon).map_err(|e| format!("{rel}: {e}"))?;
        if text.len() > 10 * 1024 * 1024 {
            return Err(format!("{rel}: too large"));
        }
        let mut docs = parse_yaml(&text).map_err(|e| format!("{rel}:{}: {}", e.line, e.message))?;
        let id = u32::try_from(self.out.files.len()).unwrap_or(u32::MAX);
        docs.iter_mut().for_each(|d| d.relocate(id, 0, 0));
        self.out.files.push((rel, text));
        Ok((id, docs))
    }
}

/// The kustomization file of a directory, if any.
pub fn kustomization_in(dir: &Path) -> Option<PathBuf> {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// Renders the kustomization at `file` (inside `root`, which must be canonical).
pub fn render(root: &Path, file: &Path) -> Result<Rendered, String> {
    let mut cx = Cx {
        root,
        out: Rendered {
            objects: Vec::new(),
            files: Vec::new(),
            notes: Vec::new(),
        },
    };
    let mut objects = Vec::new();
    apply(&mut cx, file, &mut objects, 0)?;
    finish_names(&mut objects);
    cx.out.objects = objects;
    Ok(cx.out)
}

/// Whether a `resources`/`components` entry is a remote base (URL, git or OCI reference).
fn is_remote(r: &str) -> bool {
    r.contains("://")
        || r.starts_with("github.com/")
        || r.starts_with("gitlab.com/")
        || r.starts_with("bitbucket.org/")
        || r.starts_with("git@")
        || r.contains("?ref=")
        || r.contains(".git//")
        || r.ends_with(".git")
}

/// Reads a generator's source file, inside the scan root only.
fn read_inside(root: &Path, p: &Path) -> Result<String, String> {
    let canon = p
        .canonicalize()
        .map_err(|e| format!("{}: {e}", p.display()))?;
    if !canon.starts_with(root) {
        return Err(format!(
            "{}: outside the scanned tree; not read",
            p.display()
        ));
    }
    let meta = std::fs::metadata(&canon).map_err(|e| format!("{}: {e}", p.display()))?;
    if meta.len() > 1024 * 1024 {
        return Err(format!("{}: over 1 MiB; not read", p.display()));
    }
    std::fs::read_to_string(&canon).map_err(|e| format!("{}: {e}", p.display()))
}

/// `{key: value}` as a node.
fn map_with(key: &str, value: &Node) -> Node {
    Node {
        value: Value::Map(vec![(scalar(key, value), value.clone())]),
        tag: None,
        start: value.start,
        end: value.end,
    }
}

/// Gives generated objects their content-hash suffix, then rewrites references to every
/// ConfigMap and Secret whose name changed (suffix, prefix) in the other objects.
fn finish_names(objects: &mut [Object]) {
    let mut renames: Vec<(&str, String, String)> = Vec::new();
    for o in objects.iter_mut() {
        let kind = match o.node.str_at("kind") {
            Some("ConfigMap") => "ConfigMap",
            Some("Secret") => "Secret",
            _ => continue,
        };
        let Some(name) = o
            .node
            .get("metadata")
            .and_then(|m| m.str_at("name"))
            .map(str::to_string)
        else {
            continue;
        };
        let mut final_name = name.clone();
        if o.hashed {
            final_name = format!("{name}-{}", kustomize_gen::hash_suffix(&o.node, &name));
            set_scalar(&mut o.node, &["metadata", "name"], &final_name);
        }
        let declared = o
            .original
            .split_once('/')
            .map_or("", |(_, n)| n)
            .to_string();
        if final_name != declared {
            renames.push((kind, declared, final_name));
        }
    }
    for o in objects.iter_mut() {
        if !matches!(o.node.str_at("kind"), Some("ConfigMap" | "Secret")) {
            kustomize_gen::rewrite_refs(&mut o.node, &renames, 0);
        }
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

fn push_docs(docs: Vec<Node>, source: u32, out: &mut Vec<Object>) {
    for d in docs {
        if d.str_at("kind").is_some_and(|k| k.ends_with("List"))
            && let Some(items) = d.get("items").and_then(Node::as_seq)
        {
            push_docs(items.to_vec(), source, out);
            continue;
        }
        if d.get("apiVersion").is_none() || d.get("kind").is_none() {
            continue;
        }
        let original = format!(
            "{}/{}",
            d.str_at("kind").unwrap_or(""),
            d.get("metadata")
                .and_then(|m| m.str_at("name"))
                .unwrap_or("")
        );
        out.push(Object {
            node: d,
            source,
            original,
            hashed: false,
        });
    }
}

/// Applies the kustomization (or component) at `file` to `objects`.
fn apply(
    cx: &mut Cx<'_>,
    file: &Path,
    objects: &mut Vec<Object>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "{}: kustomizations nested deeper than {MAX_DEPTH} (a cycle?)",
            cx.rel(file)
        ));
    }
    let dir = file.parent().unwrap_or(cx.root).to_path_buf();
    let (kid, docs) = cx.load(file)?;
    let Some(k) = docs.into_iter().next() else {
        return Ok(());
    };
    let is_component = k.str_at("kind") == Some("Component");
    let mut own: Vec<Object> = Vec::new();
    for r in strings(k.get("resources"))
        .iter()
        .chain(strings(k.get("bases")).iter())
    {
        if is_remote(r) {
            cx.out.notes.push(format!(
                "{}: remote resource `{r}` not fetched (palisade works offline); its objects are not checked",
                cx.rel(file)
            ));
            continue;
        }
        let p = dir.join(r);
        if p.is_dir() {
            let Some(kf) = kustomization_in(&p) else {
                cx.out
                    .notes
                    .push(format!("{}: `{r}` has no kustomization", cx.rel(file)));
                continue;
            };
            let mut sub = Vec::new();
            apply(cx, &kf, &mut sub, depth + 1)?;
            own.extend(sub);
        } else {
            let (id, docs) = cx.load(&p)?;
            push_docs(docs, id, &mut own);
        }
    }
    if is_component {
        objects.extend(own);
    } else {
        *objects = own;
    }
    for c in strings(k.get("components")) {
        if is_remote(&c) {
            cx.out.notes.push(format!(
                "{}: remote component `{c}` not fetched (palisade works offline); not applied",
                cx.rel(file)
            ));
            continue;
        }
        let p = dir.join(&c);
        match kustomization_in(&p) {
            Some(kf) => apply(cx, &kf, objects, depth + 1)?,
            None => cx
                .out
                .notes
                .push(format!("{}: component `{c}` not found", cx.rel(file))),
        }
    }
    // Generators.
    let mut gen_notes = Vec::new();
    let root = cx.root.to_path_buf();
    let generated = kustomize_gen::generate(
        &k,
        kid,
        &dir,
        &mut |p: &Path| read_inside(&root, p),
        &mut gen_notes,
    );
    let rel_file = cx.rel(file);
    cx.out
        .notes
        .extend(gen_notes.into_iter().map(|n| format!("{rel_file}: {n}")));
    for g in generated {
        let existing = objects.iter_mut().find(|o| {
            o.node.str_at("kind") == Some(g.kind) && o.original == format!("{}/{}", g.kind, g.name)
        });
        match (g.behavior.as_str(), existing) {
            ("merge", Some(o)) => {
                if let Some(data) = g.node.get("data") {
                    merge(&mut o.node, &map_with("data", data), 0);
                }
                o.hashed = o.hashed || g.hash;
            }
            ("replace", Some(o)) => {
                o.node = g.node;
                o.hashed = g.hash;
            }
            (_, _) => objects.push(Object {
                original: format!("{}/{}", g.kind, g.name),
                node: g.node,
                source: kid,
                hashed: g.hash,
            }),
        }
    }
    for g in [
        "helmCharts",
        "helmChartInflationGenerator",
        "generators",
        "transformers",
        "validators",
        "vars",
        "configurations",
        "openapi",
    ] {
        if k.get(g).is_some() {
            cx.out.notes.push(format!(
                "{}: `{g}` is not applied (not supported yet); the objects are checked without it",
                cx.rel(file)
            ));
        }
    }
    // Patches.
    let mut patches: Vec<(Node, Option<Node>)> = Vec::new();
    for p in k.get("patches").and_then(Node::as_seq).unwrap_or_default() {
        let target = p.get("target").cloned();
        if let Some(inline) = p.get("patch") {
            patches.extend(
                inline_docs(inline, kid)
                    .into_iter()
                    .map(|d| (d, target.clone())),
            );
        } else if let Some(path) = p.str_at("path") {
            let (_, docs) = cx.load(&dir.join(path))?;
            patches.extend(docs.into_iter().map(|d| (d, target.clone())));
        }
    }
    for p in k
        .get("patchesStrategicMerge")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        match p.as_str() {
            Some(s) if !s.contains('\n') && !s.contains(':') => {
                let (_, docs) = cx.load(&dir.join(s))?;
                patches.extend(docs.into_iter().map(|d| (d, None)));
            }
            Some(_) => patches.extend(inline_docs(p, kid).into_iter().map(|d| (d, None))),
            None => {}
        }
    }
    for p in k
        .get("patchesJson6902")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let target = p.get("target").cloned();
        if let Some(inline) = p.get("patch") {
            patches.extend(
                inline_docs(inline, kid)
                    .into_iter()
                    .map(|d| (d, target.clone())),
            );
        } else if let Some(path) = p.str_at("path") {
            let (_, docs) = cx.load(&dir.join(path))?;
            patches.extend(docs.into_iter().map(|d| (d, target.clone())));
        }
    }
    for (patch, target) in patches {
        apply_patch(objects, &patch, target.as_ref());
    }
    // Transformers.
    if let Some(images) = k.get("images").and_then(Node::as_seq) {
        for o in objects.iter_mut() {
            set_images(&mut o.node, images, 0);
        }
    }
    if let Some(ns) = k.str_at("namespace") {
        for o in objects.iter_mut() {
            let cluster_scoped = o.node.str_at("kind").is_some_and(|k| {
                matches!(
                    k,
                    "Namespace"
                        | "ClusterRole"
                        | "ClusterRoleBinding"
                        | "CustomResourceDefinition"
                        | "PersistentVolume"
                        | "StorageClass"
                )
            });
            if !cluster_scoped {
                set_scalar(&mut o.node, &["metadata", "namespace"], ns);
            }
        }
    }
    let prefix = k.str_at("namePrefix").unwrap_or("");
    let suffix = k.str_at("nameSuffix").unwrap_or("");
    if !prefix.is_empty() || !suffix.is_empty() {
        for o in objects.iter_mut() {
            if let Some(name) = o.node.get("metadata").and_then(|m| m.str_at("name")) {
                let n = format!("{prefix}{name}{suffix}");
                set_scalar(&mut o.node, &["metadata", "name"], &n);
            }
        }
    }
    for (key, field) in [
        ("commonLabels", "labels"),
        ("commonAnnotations", "annotations"),
    ] {
        if let Some(m) = k.get(key).and_then(Node::as_map) {
            for o in objects.iter_mut() {
                for (lk, lv) in m {
                    if let (Some(lk), Some(lv)) = (lk.as_str(), lv.as_str()) {
                        set_scalar(&mut o.node, &["metadata", field, lk], lv);
                        if o.node.at("spec.template.metadata").is_some()
                            || o.node.at("spec.template").is_some()
                        {
                            set_scalar(
                                &mut o.node,
                                &["spec", "template", "metadata", field, lk],
                                lv,
                            );
                        }
                    }
                }
            }
        }
    }
    // Replacements, inline or from `path:` files.
    let mut entries: Vec<Node> = Vec::new();
    for r in k
        .get("replacements")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        match r.str_at("path") {
            Some(path) if r.get("source").is_none() => {
                let (_, docs) = cx.load(&dir.join(path))?;
                for d in docs {
                    match d.as_seq() {
                        Some(items) => entries.extend(items.iter().cloned()),
                        None => entries.push(d),
                    }
                }
            }
            _ => entries.push(r.clone()),
        }
    }
    if !entries.is_empty() {
        let rel = cx.rel(file);
        let notes = kustomize_repl::apply(&entries, objects);
        cx.out
            .notes
            .extend(notes.into_iter().map(|n| format!("{rel}: {n}")));
    }
    Ok(())
}

/// The documents of a patch written inline in a block scalar, relocated to the lines of the
/// kustomization file that holds them.
fn inline_docs(n: &Node, file: u32) -> Vec<Node> {
    if let Some(text) = n.as_str() {
        let Ok(mut docs) = parse_yaml(text) else {
            return Vec::new();
        };
        // The scalar's span starts on its first content line: line 1 of the patch.
        docs.iter_mut()
            .for_each(|d| d.relocate(file, n.start.line.saturating_sub(1), n.start.byte));
        docs
    } else {
        vec![n.clone()]
    }
}

fn scalar(text: &str, like: &Node) -> Node {
    Node {
        value: Value::Scalar {
            text: text.to_string(),
            plain: false,
        },
        tag: None,
        start: like.start,
        end: like.end,
    }
}

fn empty_map(like: &Node) -> Node {
    Node {
        value: Value::Map(Vec::new()),
        tag: None,
        start: like.start,
        end: like.start,
    }
}

fn set_scalar(node: &mut Node, path: &[&str], value: &str) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let like = node.clone_shallow();
    let Value::Map(m) = &mut node.value else {
        return;
    };
    let i = match m.iter().position(|(k, _)| k.as_str() == Some(first)) {
        Some(i) => i,
        None => {
            m.push((
                scalar(first, &like),
                if rest.is_empty() {
                    scalar(value, &like)
                } else {
                    empty_map(&like)
                },
            ));
            m.len() - 1
        }
    };
    if rest.is_empty() {
        let old = &m[i].1;
        m[i].1 = scalar(value, old);
    } else {
        if m[i].1.as_map().is_none() {
            m[i].1 = empty_map(&like);
        }
        set_scalar(&mut m[i].1, rest, value);
    }
}

impl Node {
    fn clone_shallow(&self) -> Node {
        Node {
            value: Value::Scalar {
                text: String::new(),
                plain: true,
            },
            tag: None,
            start: self.start,
            end: self.end,
        }
    }
}

/// `images:` entries: `name` (matched against the image without tag/digest), `newName`,
/// `newTag`, `digest`.
fn set_images(node: &mut Node, images: &[Node], depth: usize) {
    if depth > 64 {
        return;
    }
    match &mut node.value {
        Value::Map(m) => {
            for (k, v) in m.iter_mut() {
                if k.as_str() == Some("image")
                    && let Some(img) = v.as_str()
                {
                    let (base, tag, digest) = split_image(img);
                    for e in images {
                        if e.str_at("name") != Some(base) {
                            continue;
                        }
                        let name = e.str_at("newName").unwrap_or(base);
                        let new = if let Some(d) = e.str_at("digest") {
                            format!("{name}@{d}")
                        } else if let Some(t) = e.str_at("newTag") {
                            format!("{name}:{t}")
                        } else {
                            format!(
                                "{name}{}{}",
                                tag.map(|t| format!(":{t}")).unwrap_or_default(),
                                digest.map(|d| format!("@{d}")).unwrap_or_default()
                            )
                        };
                        *v = scalar(&new, v);
                        break;
                    }
                } else {
                    set_images(v, images, depth + 1);
                }
            }
        }
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|i| set_images(i, images, depth + 1)),
        Value::Scalar { .. } => {}
    }
}

fn split_image(img: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match img.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (img, None),
    };
    match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..]), digest),
        _ => (rest, None, digest),
    }
}

fn matches_target(o: &Node, kind: Option<&str>, name: Option<&str>) -> bool {
    kind.is_none_or(|k| o.str_at("kind") == Some(k))
        && name.is_none_or(|n| {
            let on = o
                .get("metadata")
                .and_then(|m| m.str_at("name"))
                .unwrap_or("");
            n == on
                || (n.contains('*')
                    && regex::Regex::new(&format!("^{}$", n.replace('*', ".*")))
                        .is_ok_and(|r| r.is_match(on)))
        })
}

fn apply_patch(objects: &mut [Object], patch: &Node, target: Option<&Node>) {
    // A JSON 6902 patch is a list of operations and needs a target.
    if let Some(ops) = patch.as_seq() {
        let Some(t) = target else { return };
        for o in objects.iter_mut() {
            if matches_target(&o.node, t.str_at("kind"), t.str_at("name")) {
                for op in ops {
                    json6902(&mut o.node, op);
                }
            }
        }
        return;
    }
    let kind = target
        .and_then(|t| t.str_at("kind"))
        .or_else(|| patch.str_at("kind"));
    let name = target
        .and_then(|t| t.str_at("name"))
        .or_else(|| patch.get("metadata").and_then(|m| m.str_at("name")));
    let delete_whole = patch.str_at("$patch") == Some("delete");
    for o in objects.iter_mut() {
        if matches_target(&o.node, kind, name) {
            if delete_whole {
                o.node.value = Value::Map(Vec::new());
            } else {
                merge(&mut o.node, patch, 0);
            }
        }
    }
}

/// The merge key of list items of a strategic merge.
fn merge_key(items: &[Node]) -> Option<&'static str> {
    ["name", "containerPort", "mountPath", "ip", "type"]
        .into_iter()
        .find(|k| !items.is_empty() && items.iter().all(|i| i.get(k).is_some()))
}

fn merge(target: &mut Node, patch: &Node, depth: usize) {
    if depth > 64 {
        return;
    }
    match (&mut target.value, &patch.value) {
        (Value::Map(t), Value::Map(p)) => {
            for (pk, pv) in p {
                let Some(key) = pk.as_str() else { continue };
                if key.starts_with("$patch") || key.starts_with("$setElementOrder") {
                    continue;
                }
                let idx = t.iter().position(|(k, _)| k.as_str() == Some(key));
                if pv.is_null() {
                    if let Some(i) = idx {
                        t.remove(i);
                    }
                    continue;
                }
                match idx {
                    Some(i) => merge(&mut t[i].1, pv, depth + 1),
                    None => t.push((pk.clone(), pv.clone())),
                }
            }
        }
        (Value::Seq(t), Value::Seq(p)) => {
            let key = merge_key(p).filter(|k| merge_key(t) == Some(k));
            match key {
                Some(k) => {
                    for pi in p {
                        let kv = pi.str_at(k);
                        let pos = t.iter().position(|ti| ti.str_at(k) == kv);
                        let delete = pi.str_at("$patch") == Some("delete");
                        match (pos, delete) {
                            (Some(i), true) => {
                                t.remove(i);
                            }
                            (Some(i), false) => merge(&mut t[i], pi, depth + 1),
                            (None, false) => t.push(pi.clone()),
                            (None, true) => {}
                        }
                    }
                }
                None => *t = p.clone(),
            }
        }
        _ => *target = patch.clone(),
    }
}

fn json6902(node: &mut Node, op: &Node) {
    let Some(kind) = op.str_at("op") else { return };
    let Some(path) = op.str_at("path") else {
        return;
    };
    let segs: Vec<String> = path
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut cur = node;
    for s in parents {
        let next = match &mut cur.value {
            Value::Map(m) => m
                .iter_mut()
                .find(|(k, _)| k.as_str() == Some(s))
                .map(|(_, v)| v),
            Value::Seq(items) => s.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            Value::Scalar { .. } => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    let value = op.get("value").cloned();
    let like = cur.clone_shallow();
    match (&mut cur.value, kind) {
        (Value::Map(m), "add" | "replace") => {
            let Some(v) = value else { return };
            match m.iter_mut().find(|(k, _)| k.as_str() == Some(last)) {
                Some((_, slot)) => *slot = v,
                None if kind == "add" => m.push((scalar(last, &like), v)),
                None => {}
            }
        }
        (Value::Map(m), "remove") => m.retain(|(k, _)| k.as_str() != Some(last)),
        (Value::Seq(items), "add") => {
            let Some(v) = value else { return };
            if last == "-" {
                items.push(v);
            } else if let Ok(i) = last.parse::<usize>()
                && i <= items.len()
            {
                items.insert(i, v);
            }
        }
        (Value::Seq(items), "replace") => {
            if let (Some(v), Ok(i)) = (value, last.parse::<usize>())
                && i < items.len()
            {
                items[i] = v;
            }
        }
        (Value::Seq(items), "remove") => {
            if let Ok(i) = last.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    #[test]
    fn overlay_with_patches_images_prefix_and_namespace() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().canonicalize().expect("canon");
        write(&root, "base/kustomization.yaml", "resources: [app.yaml]\n");
        write(
            &root,
            "base/app.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: acme/web:1.0\n          env:\n            - {name: A, value: a}\n            - {name: B, value: b}\n        - name: sidecar\n          image: acme/side:1.0\n",
        );
        write(
            &root,
            "prod/kustomization.yaml",
            "resources: [../base]\nnamespace: prod\nnamePrefix: prod-\nimages:\n  - {name: acme/web, newTag: \"2.0\"}\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: web}\n      spec:\n        template:\n          spec:\n            containers:\n              - name: app\n                securityContext: {privileged: true}\n                env:\n                  - {name: A, $patch: delete}\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: remove\n        path: /spec/template/spec/containers/1\n",
        );
        let r = render(&root, &root.join("prod/kustomization.yaml")).expect("render");
        assert_eq!(r.objects.len(), 1);
        let o = &r.objects[0];
        assert_eq!(o.original, "Deployment/web");
        assert_eq!(
            o.node.at("metadata.name").and_then(Node::as_str),
            Some("prod-web")
        );
        assert_eq!(
            o.node.at("metadata.namespace").and_then(Node::as_str),
            Some("prod")
        );
        let c = o
            .node
            .at("spec.template.spec.containers")
            .and_then(Node::as_seq)
            .expect("containers");
        assert_eq!(c.len(), 1, "JSON 6902 remove");
        assert_eq!(c[0].str_at("image"), Some("acme/web:2.0"));
        let env: Vec<_> = c[0]
            .get("env")
            .and_then(Node::as_seq)
            .expect("env")
            .iter()
            .filter_map(|e| e.str_at("name"))
            .collect();
        assert_eq!(env, ["B"], "strategic merge delete");
        // The patched field points into the overlay's kustomization, on its own line.
        let p = o
            .node
            .at("spec.template.spec.containers[0].securityContext.privileged")
            .expect("privileged");
        assert_eq!(r.files[p.start.file as usize].0, "prod/kustomization.yaml");
        assert_eq!(p.start.line, 16);
        // Base nodes point into the base file.
        let img = o
            .node
            .at("spec.template.spec.containers[0].env[0]")
            .expect("env");
        assert_eq!(r.files[img.start.file as usize].0, "base/app.yaml");
    }

    #[test]
    fn cycles_and_escapes_are_errors() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().canonicalize().expect("canon");
        write(&root, "a/kustomization.yaml", "resources: [../b]\n");
        write(&root, "b/kustomization.yaml", "resources: [../a]\n");
        let e = render(&root, &root.join("a/kustomization.yaml")).expect_err("cycle");
        assert!(e.contains("deeper than"), "{e}");
        write(
            &root,
            "c/kustomization.yaml",
            "resources: [../../../../etc/passwd]\n",
        );
        assert!(render(&root, &root.join("c/kustomization.yaml")).is_err());
    }

    #[test]
    fn generators_hash_names_and_rewrite_references() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().canonicalize().expect("canon");
        write(
            &root,
            "app/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: acme/web:1.0\n          envFrom:\n            - configMapRef: {name: settings}\n          env:\n            - name: PW\n              valueFrom:\n                secretKeyRef: {name: creds, key: pw}\n      volumes:\n        - name: s\n          secret: {secretName: creds}\n        - name: c\n          configMap: {name: plain}\n",
        );
        write(&root, "app/application.properties", "FOO=Bar\n");
        write(&root, "app/db.env", "# comment\nUSER=app\nPASS=hunter2\n");
        write(
            &root,
            "app/kustomization.yaml",
            "resources:\n  - deploy.yaml\n  - https://github.com/acme/base//deploy?ref=v1\nnamePrefix: p-\nconfigMapGenerator:\n  - name: settings\n    files: [application.properties]\n    literals: [MODE=prod]\n  - name: plain\n    literals: [A=1]\n    options: {disableNameSuffixHash: true}\nsecretGenerator:\n  - name: creds\n    envs: [db.env]\nreplacements:\n  - source: {kind: ConfigMap, name: absent}\n    targets: []\n",
        );
        let r = render(&root, &root.join("app/kustomization.yaml")).expect("render");
        let names: Vec<String> = r
            .objects
            .iter()
            .map(|o| {
                format!(
                    "{}/{}",
                    o.node.str_at("kind").unwrap_or(""),
                    o.node
                        .at("metadata.name")
                        .and_then(Node::as_str)
                        .unwrap_or("")
                )
            })
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        let cm = names
            .iter()
            .find(|n| n.starts_with("ConfigMap/p-settings-"))
            .expect("hashed configmap");
        assert_eq!(cm.len(), "ConfigMap/p-settings-".len() + 10);
        assert!(
            names.contains(&"ConfigMap/p-plain".to_string()),
            "{names:?}"
        );
        let secret = names
            .iter()
            .find(|n| n.starts_with("Secret/p-creds-"))
            .expect("hashed secret");
        let d = &r.objects[0].node;
        let spec = d.at("spec.template.spec").expect("spec");
        assert_eq!(
            spec.at("containers[0].envFrom[0].configMapRef.name")
                .and_then(Node::as_str),
            cm.strip_prefix("ConfigMap/")
        );
        assert_eq!(
            spec.at("containers[0].env[0].valueFrom.secretKeyRef.name")
                .and_then(Node::as_str),
            secret.strip_prefix("Secret/")
        );
        assert_eq!(
            spec.at("volumes[0].secret.secretName")
                .and_then(Node::as_str),
            secret.strip_prefix("Secret/")
        );
        assert_eq!(
            spec.at("volumes[1].configMap.name").and_then(Node::as_str),
            Some("p-plain")
        );
        // Secret data is base64; generated nodes point at the generator entry.
        let s = r
            .objects
            .iter()
            .find(|o| o.node.str_at("kind") == Some("Secret"))
            .expect("secret");
        assert_eq!(
            s.node.at("data.PASS").and_then(Node::as_str),
            Some("aHVudGVyMg==")
        );
        let at = s.node.at("data.PASS").expect("pass").start;
        assert_eq!(
            (r.files[at.file as usize].0.as_str(), at.line),
            ("app/kustomization.yaml", 13)
        );
        // The remote base is a note naming the kustomization.
        assert!(
            r.notes
                .iter()
                .any(|n| n.starts_with("app/kustomization.yaml:")
                    && n.contains("https://github.com/acme/base//deploy?ref=v1")
                    && n.contains("not fetched")),
            "{:?}",
            r.notes
        );
        // A replacement whose source is missing is a note, not a failure.
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("replacement source ConfigMap/absent")),
            "{:?}",
            r.notes
        );
    }
}
