//! npm `package-lock.json`, `yarn.lock` (classic and berry), `pnpm-lock.yaml` (v5, v6,
//! v9) and `bun.lock`.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::Deserialize;
use serde_json::Value;

use crate::text::{JsonLines, json, jsonc_to_json, numbered_lines, yaml, yaml_section_keys};
use crate::{Cx, Diagnostic, Inventory, LockfileError, Package, pkg, purl};

const NPM: &str = "npm";

fn npm_pkg(name: &str, version: Option<String>, line: Option<u32>) -> Package {
    let p = purl::for_ecosystem(NPM, name, version.as_deref());
    pkg(NPM, name, version, p, line)
}

/// Converts one JSON value into `T`, or records why not.
pub(crate) fn entry<T: serde::de::DeserializeOwned>(
    cx: &Cx<'_>,
    v: Value,
    line: Option<u32>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    match serde_json::from_value(v) {
        Ok(t) => Some(t),
        Err(e) => {
            diags.push(cx.diag(line, format!("{what} skipped: {e}")));
            None
        }
    }
}

/// A yarn spec or resolution, `name@range`, split at the first `@` that is not the first
/// character (the range may hold more: `alias@npm:real@^1.0`, `name@patch:name@npm%3A1.0#...`).
fn split_spec(s: &str) -> Option<(&str, &str)> {
    let idx = s.get(1..)?.find('@')? + 1;
    Some((&s[..idx], &s[idx + 1..]))
}

/// `name@version` split at the last `@` that is not the first character.
pub(crate) fn split_at_version(s: &str) -> Option<(&str, &str)> {
    let idx = s.get(1..)?.rfind('@')? + 1;
    Some((&s[..idx], &s[idx + 1..]))
}

// ---------------------------------------------------------------- package-lock.json

#[derive(Deserialize)]
struct PackageLock {
    #[serde(rename = "lockfileVersion", default)]
    lockfile_version: Option<Value>,
    #[serde(default)]
    packages: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    dependencies: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct NpmEntry {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    dev_optional: bool,
    #[serde(default)]
    link: bool,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    peer_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    has_install_script: bool,
    #[serde(default)]
    resolved: Option<String>,
    /// A string (SPDX expression) in npm's lockfile; older tools wrote objects: ignored.
    #[serde(default)]
    license: Option<Value>,
}

#[derive(Deserialize, Default)]
struct NpmV1Entry {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    requires: BTreeMap<String, String>,
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
}

pub(crate) fn package_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: PackageLock = json(cx, text)?;
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    if let Some(packages) = lock.packages {
        lock_v2(cx, packages, &lines, &mut inv);
    } else if let Some(deps) = lock.dependencies {
        lock_v1(cx, deps, &lines, &mut inv);
    } else if lock.lockfile_version.is_none() {
        return Err(cx.err(
            Some(1),
            "not a package-lock.json: no lockfileVersion, packages or dependencies",
        ));
    }
    Ok(inv)
}

/// The name of the package installed at `node_modules/a/node_modules/b`: `b`.
fn name_from_path(path: &str) -> Option<&str> {
    let idx = path.rfind("node_modules/")?;
    Some(&path[idx + "node_modules/".len()..])
}

fn lock_v2(cx: &Cx<'_>, packages: BTreeMap<String, Value>, lines: &JsonLines, inv: &mut Inventory) {
    let mut entries: Vec<(String, NpmEntry, Option<u32>)> = Vec::with_capacity(packages.len());
    for (path, v) in packages {
        let line = lines.get(&["packages", &path]);
        if let Some(e) = entry::<NpmEntry>(
            cx,
            v,
            line,
            &format!("package `{path}`"),
            &mut inv.diagnostics,
        ) {
            entries.push((path, e, line));
        }
    }
    // Direct dependencies: those of the root and of every workspace member.
    let mut direct: HashSet<String> = HashSet::new();
    let mut direct_dev: HashSet<String> = HashSet::new();
    for (path, e, _) in &entries {
        if path.is_empty() || !path.contains("node_modules/") {
            direct.extend(e.dependencies.keys().cloned());
            direct.extend(e.optional_dependencies.keys().cloned());
            direct.extend(e.peer_dependencies.keys().cloned());
            direct_dev.extend(e.dev_dependencies.keys().cloned());
        }
    }
    let installed: HashMap<&str, &str> = entries
        .iter()
        .filter_map(|(p, e, _)| Some((p.as_str(), e.version.as_deref()?)))
        .collect();
    for (path, e, line) in &entries {
        let Some(dir_name) = name_from_path(path) else {
            continue; // the root project or a workspace member: not a dependency
        };
        if e.link {
            continue; // a symlink to a workspace member
        }
        let name = e.name.as_deref().unwrap_or(dir_name);
        let version = e.version.clone().filter(|v| !v.is_empty());
        if version.is_none() {
            inv.diagnostics
                .push(cx.diag(*line, format!("package `{path}` has no version")));
        }
        let mut p = npm_pkg(name, version, *line);
        p.dev = Some(e.dev || e.dev_optional);
        p.install_script = e.has_install_script;
        p.resolved = e.resolved.clone().filter(|r| r.len() <= crate::MAX_FIELD);
        p.license = e
            .license
            .as_ref()
            .and_then(Value::as_str)
            .filter(|l| !l.is_empty() && l.len() <= crate::MAX_FIELD)
            .map(str::to_owned);
        let top_level =
            path.matches("node_modules/").count() == 1 && path.starts_with("node_modules/");
        p.direct = Some(top_level && (direct.contains(dir_name) || direct_dev.contains(dir_name)));
        for (dep, range) in e.dependencies.iter().chain(&e.optional_dependencies) {
            let resolved = resolve_node_modules(&installed, path, dep);
            p.dependencies
                .push((dep.clone(), resolved.unwrap_or(range).to_owned()));
        }
        inv.packages.push(p);
    }
}

/// Node's lookup: `<path>/node_modules/<dep>`, then each ancestor's `node_modules`.
fn resolve_node_modules<'a>(
    installed: &HashMap<&str, &'a str>,
    path: &str,
    dep: &str,
) -> Option<&'a str> {
    if path.len() > 4096 {
        return None; // a hostile path: walking its ancestors would be quadratic
    }
    let mut base = path;
    loop {
        let candidate = if base.is_empty() {
            format!("node_modules/{dep}")
        } else {
            format!("{base}/node_modules/{dep}")
        };
        if let Some(v) = installed.get(candidate.as_str()) {
            return Some(v);
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("/node_modules/") {
            Some(i) => &base[..i],
            None => "",
        };
    }
}

fn lock_v1(cx: &Cx<'_>, deps: BTreeMap<String, Value>, lines: &JsonLines, inv: &mut Inventory) {
    // Breadth-first over the nested tree (no recursion): (chain of names, value).
    let mut queue: VecDeque<(Vec<String>, Value)> =
        deps.into_iter().map(|(k, v)| (vec![k], v)).collect();
    let mut found: Vec<(Vec<String>, NpmV1Entry, Option<u32>)> = Vec::new();
    while let Some((chain, v)) = queue.pop_front() {
        let mut json_path: Vec<&str> = Vec::with_capacity(chain.len() * 2);
        for name in &chain {
            json_path.push("dependencies");
            json_path.push(name);
        }
        let line = lines.get(&json_path);
        let Some(mut e) = entry::<NpmV1Entry>(
            cx,
            v,
            line,
            &format!("dependency `{}`", chain.join(" > ")),
            &mut inv.diagnostics,
        ) else {
            continue;
        };
        for (k, v) in std::mem::take(&mut e.dependencies) {
            let mut c = chain.clone();
            c.push(k);
            queue.push_back((c, v));
        }
        found.push((chain, e, line));
    }
    let installed: HashMap<String, &str> = found
        .iter()
        .filter_map(|(c, e, _)| Some((c.join("/"), e.version.as_deref()?)))
        .collect();
    for (chain, e, line) in &found {
        let Some(dir_name) = chain.last() else {
            continue;
        };
        let raw = e.version.clone().unwrap_or_default();
        let (name, version) = match raw.strip_prefix("npm:").and_then(split_at_version) {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None if raw.starts_with("file:") || raw.starts_with("link:") => continue,
            None if raw.is_empty() => (dir_name.clone(), None),
            None => (dir_name.clone(), Some(raw.clone())),
        };
        let mut p = npm_pkg(&name, version, *line);
        p.dev = Some(e.dev);
        for (dep, range) in &e.requires {
            let mut resolved = None;
            for n in (0..=chain.len()).rev() {
                let key = if n == 0 {
                    dep.clone()
                } else {
                    format!("{}/{dep}", chain[..n].join("/"))
                };
                if let Some(v) = installed.get(&key) {
                    resolved = Some(*v);
                    break;
                }
            }
            p.dependencies
                .push((dep.clone(), resolved.unwrap_or(range).to_owned()));
        }
        inv.packages.push(p);
    }
}

// ---------------------------------------------------------------- yarn.lock

struct YarnEntry {
    specs: Vec<String>,
    line: u32,
    version: Option<String>,
    resolution: Option<String>,
    deps: Vec<(String, String)>,
}

/// Strips one level of YAML-ish quotes.
fn unquote(s: &str) -> &str {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// `key value` (classic) or `key: value` (berry), for a line with its indentation removed.
fn yarn_field(rest: &str) -> (&str, &str) {
    let rest = rest.trim_end();
    if let Some(stripped) = rest.strip_prefix('"')
        && let Some(end) = stripped.find('"')
    {
        let key = &stripped[..end];
        let value = stripped[end + 1..].trim_start_matches(':').trim();
        return (key, unquote(value));
    }
    let split = rest.find([' ', ':']).unwrap_or(rest.len());
    let key = &rest[..split];
    let value = rest[split..].trim_start_matches(':').trim();
    (key, unquote(value))
}

pub(crate) fn yarn_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut entries: Vec<YarnEntry> = Vec::new();
    let mut in_deps = false;
    let mut inv = Inventory::default();
    let mut saw_header = false;
    for (n, raw) in numbered_lines(text) {
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let rest = &raw[indent..];
        match indent {
            0 => {
                in_deps = false;
                let Some(header) = rest.trim_end().strip_suffix(':') else {
                    inv.diagnostics
                        .push(cx.diag(Some(n), "unexpected line outside an entry"));
                    continue;
                };
                saw_header = true;
                if header == "__metadata" {
                    entries.push(YarnEntry {
                        specs: Vec::new(),
                        line: n,
                        version: None,
                        resolution: None,
                        deps: Vec::new(),
                    });
                    continue;
                }
                let specs = header.split(", ").map(|s| unquote(s).to_owned()).collect();
                entries.push(YarnEntry {
                    specs,
                    line: n,
                    version: None,
                    resolution: None,
                    deps: Vec::new(),
                });
            }
            2 => {
                let Some(e) = entries.last_mut() else {
                    return Err(cx.err(Some(n), "indented line before the first entry"));
                };
                let (key, value) = yarn_field(rest);
                in_deps = matches!(key, "dependencies" | "optionalDependencies");
                match key {
                    "version" => e.version = Some(value.to_owned()),
                    "resolution" => e.resolution = Some(value.to_owned()),
                    _ => {}
                }
            }
            _ if in_deps => {
                if let Some(e) = entries.last_mut() {
                    let (k, v) = yarn_field(rest);
                    e.deps.push((k.to_owned(), v.to_owned()));
                }
            }
            _ => {}
        }
    }
    if !saw_header && !text.trim().is_empty() {
        return Err(cx.err(Some(1), "not a yarn.lock: no entries"));
    }
    // `name@range` -> version, for resolving dependency edges.
    let mut by_spec: HashMap<&str, &str> = HashMap::new();
    for e in &entries {
        if let Some(v) = &e.version {
            for s in &e.specs {
                by_spec.insert(s.as_str(), v.as_str());
            }
        }
    }
    let mut specs_of: Vec<&[String]> = Vec::new();
    let mut saw_workspace = false;
    let mut direct_specs: HashSet<String> = HashSet::new();
    for e in &entries {
        let Some(first) = e.specs.first() else {
            continue;
        };
        // The real name: from berry's resolution, else the spec (an `npm:` alias names it).
        let from = e.resolution.as_deref().unwrap_or(first);
        let Some((mut name, range)) = split_spec(from).or_else(|| split_spec(first)) else {
            inv.diagnostics.push(cx.diag(
                Some(e.line),
                format!("cannot read a package name from `{first}`"),
            ));
            continue;
        };
        if e.resolution.is_none() {
            // classic: `alias@npm:real@^1.0.0`
            if let Some((real, _)) = range.strip_prefix("npm:").and_then(split_at_version) {
                name = real;
            }
        }
        let protocol = range.split(':').next().unwrap_or("");
        if range.contains(':') && matches!(protocol, "workspace" | "link" | "portal" | "file") {
            // The project's own packages; berry lists their dependencies: the direct ones.
            if protocol == "workspace" {
                saw_workspace = true;
                direct_specs.extend(e.deps.iter().map(|(d, r)| format!("{d}@{r}")));
            }
            continue;
        }
        if e.version.is_none() {
            inv.diagnostics.push(cx.diag(
                Some(e.line),
                format!("`{first}` has no version (a truncated entry?)"),
            ));
        }
        let mut p = npm_pkg(name, e.version.clone(), Some(e.line));
        for (dep, r) in &e.deps {
            let key1 = format!("{dep}@{r}");
            let key2 = format!("{dep}@npm:{r}");
            let v = by_spec
                .get(key1.as_str())
                .or_else(|| by_spec.get(key2.as_str()));
            p.dependencies.push((
                dep.clone(),
                v.map_or_else(|| r.clone(), |v| (*v).to_owned()),
            ));
        }
        specs_of.push(&e.specs);
        inv.packages.push(p);
    }
    if saw_workspace {
        for (p, specs) in inv.packages.iter_mut().zip(&specs_of) {
            p.direct = Some(specs.iter().any(|s| direct_specs.contains(s)));
        }
    }
    // Berry's `patch:` entries repeat the package they patch: one package per version.
    let mut index: HashMap<(String, Option<String>), usize> = HashMap::new();
    let mut unique: Vec<Package> = Vec::with_capacity(inv.packages.len());
    for p in std::mem::take(&mut inv.packages) {
        let key = (p.name.clone(), p.version.clone());
        if let Some(&i) = index.get(&key) {
            let kept: &mut Package = &mut unique[i];
            kept.direct = match (kept.direct, p.direct) {
                (Some(a), Some(b)) => Some(a || b),
                (a, b) => a.or(b),
            };
            continue;
        }
        index.insert(key, unique.len());
        unique.push(p);
    }
    inv.packages = unique;
    Ok(inv)
}

// ---------------------------------------------------------------- pnpm-lock.yaml

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Pnpm {
    #[serde(default)]
    lockfile_version: Option<serde_json::Value>,
    #[serde(default)]
    importers: BTreeMap<String, PnpmImporter>,
    #[serde(flatten)]
    root: PnpmImporter,
    #[serde(default)]
    packages: BTreeMap<String, PnpmPackage>,
    #[serde(default)]
    snapshots: BTreeMap<String, PnpmPackage>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PnpmImporter {
    #[serde(default)]
    dependencies: BTreeMap<String, PnpmDep>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, PnpmDep>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, PnpmDep>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PnpmDep {
    Plain(String),
    WithSpec { version: String },
}

impl PnpmDep {
    fn version(&self) -> &str {
        match self {
            PnpmDep::Plain(v) | PnpmDep::WithSpec { version: v } => v,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PnpmPackage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    dev: Option<bool>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, String>,
}

/// Drops pnpm's peer-dependency suffix: `1.0.0(react@18.0.0)` (v6+) or `1.0.0_react@18.0.0` (v5).
fn strip_peers(v: &str) -> &str {
    let v = v.split('(').next().unwrap_or(v);
    v.split('_').next().unwrap_or(v)
}

/// `(name, version)` of a `packages:` key in any lockfile version.
fn pnpm_key(key: &str, slash_form: bool) -> Option<(String, String)> {
    let k = key.strip_prefix('/').unwrap_or(key);
    let k = k.split('(').next().unwrap_or(k);
    if slash_form {
        // v5: `name/1.0.0`, `@scope/name/1.0.0`, `name/1.0.0_peer@2+@scope+peer@3`: the
        // peer suffix never holds a `/` (pnpm writes scoped peers with `+`).
        let (name, version) = k.rsplit_once('/')?;
        return Some((name.to_owned(), strip_peers(version).to_owned()));
    }
    let (name, version) = split_at_version(k)?;
    Some((name.to_owned(), version.to_owned()))
}

/// Where a dependency `name: version` points: the full key of its snapshot (peers kept),
/// and its real `(name, version)`. The version may be a plain version (`1.0.0(peer@1)`),
/// a path (`/name/1.0.0` in v5, `/name@1.0.0` in v6: aliases and tarballs) or, for a v9
/// alias, `real-name@1.0.0`.
fn pnpm_target(name: &str, v: &str, slash_form: bool) -> (String, (String, String)) {
    if v.starts_with('/') {
        let pair =
            pnpm_key(v, slash_form).unwrap_or_else(|| (name.to_owned(), strip_peers(v).to_owned()));
        return (v.trim_start_matches('/').to_owned(), pair);
    }
    if let Some((real, version)) = split_at_version(strip_peers(v)) {
        return (v.to_owned(), (real.to_owned(), version.to_owned()));
    }
    (
        format!("{name}@{v}"),
        (name.to_owned(), strip_peers(v).to_owned()),
    )
}

pub(crate) fn pnpm_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: Pnpm = if text.trim().is_empty() {
        Pnpm::default()
    } else {
        yaml(cx, text)?
    };
    let version: f64 = match &lock.lockfile_version {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(Value::String(s)) => s.parse().unwrap_or(0.0),
        _ => 0.0,
    };
    let slash_form = version < 6.0;
    let key_lines = yaml_section_keys(text, "packages", 2);
    let mut inv = Inventory::default();

    // Importers: the direct dependencies, prod and dev.
    let mut importers: Vec<&PnpmImporter> = lock.importers.values().collect();
    importers.push(&lock.root);
    let mut direct: HashSet<(String, String)> = HashSet::new();
    let mut prod_roots: Vec<String> = Vec::new();
    let mut dev_roots: Vec<String> = Vec::new();
    for imp in &importers {
        for (deps, dev) in [
            (&imp.dependencies, false),
            (&imp.optional_dependencies, false),
            (&imp.dev_dependencies, true),
        ] {
            for (name, d) in deps {
                let v = d.version();
                if v.starts_with("link:") || v.starts_with("file:") {
                    continue;
                }
                let (full, pair) = pnpm_target(name, v, slash_form);
                direct.insert(pair);
                if dev {
                    dev_roots.push(full);
                } else {
                    prod_roots.push(full);
                }
            }
        }
    }

    // Dependency edges: v9 keeps them in `snapshots`, older versions in `packages`.
    let graph_source = if lock.snapshots.is_empty() {
        &lock.packages
    } else {
        &lock.snapshots
    };
    let mut edges: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
    // Full keys (with peers) to edges, for the v9 dev/prod walk.
    let mut full_edges: HashMap<String, Vec<String>> = HashMap::new();
    for (key, p) in graph_source {
        let Some(id) = pnpm_key(key, slash_form) else {
            continue;
        };
        let list = edges.entry(id).or_default();
        let full = full_edges
            .entry(key.trim_start_matches('/').to_owned())
            .or_default();
        for (dep, v) in p.dependencies.iter().chain(&p.optional_dependencies) {
            let (target, (_, resolved)) = pnpm_target(dep, v, slash_form);
            list.push((dep.clone(), resolved));
            full.push(target);
        }
    }

    for list in edges.values_mut() {
        list.sort();
        list.dedup();
    }
    // v9 has no `dev` flags: walk the graph from the importers' prod and dev roots.
    let mut reach_prod: HashSet<String> = HashSet::new();
    let mut reach_dev: HashSet<String> = HashSet::new();
    if !lock.snapshots.is_empty() {
        for (roots, seen) in [(&prod_roots, &mut reach_prod), (&dev_roots, &mut reach_dev)] {
            let mut queue: Vec<String> = roots.clone();
            while let Some(k) = queue.pop() {
                if seen.insert(k.clone())
                    && let Some(next) = full_edges.get(&k)
                {
                    queue.extend(next.iter().filter(|n| !seen.contains(*n)).cloned());
                }
            }
        }
    }
    let strip_full = |k: &str| -> Option<(String, String)> { pnpm_key(k, false) };
    let prod_ids: HashSet<(String, String)> =
        reach_prod.iter().filter_map(|k| strip_full(k)).collect();
    let dev_ids: HashSet<(String, String)> =
        reach_dev.iter().filter_map(|k| strip_full(k)).collect();

    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (key, p) in &lock.packages {
        let line = key_lines.get(key.as_str()).copied();
        let Some((mut name, mut version)) = pnpm_key(key, slash_form) else {
            inv.diagnostics
                .push(cx.diag(line, format!("cannot read a package name from `{key}`")));
            continue;
        };
        if let Some(n) = &p.name {
            name.clone_from(n);
        }
        if let Some(v) = &p.version {
            version.clone_from(v);
        }
        let id = (name.clone(), version.clone());
        let dev = if lock.snapshots.is_empty() {
            p.dev
        } else if prod_ids.contains(&id) {
            Some(false)
        } else if dev_ids.contains(&id) {
            Some(true)
        } else {
            None
        };
        if let Some(&i) = seen.get(&id) {
            // Another peer-dependency variant of the same package.
            let existing = &mut inv.packages[i];
            existing.dev = match (existing.dev, dev) {
                (Some(a), Some(b)) => Some(a && b),
                _ => None,
            };
            continue;
        }
        let mut pk = npm_pkg(&name, Some(version.clone()), line);
        pk.dev = dev;
        pk.direct = Some(direct.contains(&id));
        let key_id = pnpm_key(key, slash_form);
        if let Some(e) = key_id.and_then(|k| edges.get(&k)) {
            pk.dependencies.clone_from(e);
        }
        seen.insert(id, inv.packages.len());
        inv.packages.push(pk);
    }
    if lock.lockfile_version.is_none() && !text.trim().is_empty() {
        inv.diagnostics
            .push(cx.diag(Some(1), "no lockfileVersion: read as the newest format"));
    }
    Ok(inv)
}

// ---------------------------------------------------------------- bun.lock

#[derive(Deserialize)]
struct BunLock {
    #[serde(default)]
    workspaces: BTreeMap<String, BunWorkspace>,
    #[serde(default)]
    packages: BTreeMap<String, Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct BunWorkspace {
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    peer_dependencies: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct BunInfo {
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, String>,
}

pub(crate) fn bun_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = jsonc_to_json(cx.text(content)?);
    let lock: BunLock = json(cx, &text)?;
    let lines = JsonLines::new(&text);
    let mut inv = Inventory::default();
    let mut prod: HashSet<&str> = HashSet::new();
    let mut dev: HashSet<&str> = HashSet::new();
    for w in lock.workspaces.values() {
        prod.extend(w.dependencies.keys().map(String::as_str));
        prod.extend(w.optional_dependencies.keys().map(String::as_str));
        prod.extend(w.peer_dependencies.keys().map(String::as_str));
        dev.extend(w.dev_dependencies.keys().map(String::as_str));
    }
    // key -> version, for resolving edges (nested keys first, then the top level).
    let mut versions: HashMap<&str, String> = HashMap::new();
    let mut parsed: Vec<(&str, String, String, BunInfo, Option<u32>)> = Vec::new();
    for (key, v) in &lock.packages {
        let line = lines.get(&["packages", key]);
        let Value::Array(items) = v else {
            inv.diagnostics
                .push(cx.diag(line, format!("package `{key}` skipped: not an array")));
            continue;
        };
        let Some(Value::String(ident)) = items.first() else {
            inv.diagnostics
                .push(cx.diag(line, format!("package `{key}` skipped: no `name@version`")));
            continue;
        };
        let Some((name, version)) = split_at_version(ident) else {
            inv.diagnostics.push(cx.diag(
                line,
                format!("package `{key}` skipped: cannot split `{ident}`"),
            ));
            continue;
        };
        if ["workspace:", "file:", "link:", "root:"]
            .iter()
            .any(|p| version.starts_with(p))
        {
            continue;
        }
        let info = items
            .iter()
            .skip(1)
            .find(|i| i.is_object())
            .and_then(|i| serde_json::from_value::<BunInfo>(i.clone()).ok())
            .unwrap_or_default();
        // A git or tarball source keeps its reference as the version.
        let version = version.strip_prefix("npm:").unwrap_or(version).to_owned();
        versions.insert(key.as_str(), version.clone());
        parsed.push((key.as_str(), name.to_owned(), version, info, line));
    }
    for (key, name, version, info, line) in parsed {
        let mut p = npm_pkg(&name, Some(version), line);
        let top = !key.trim_start_matches('@').contains('/')
            || (key.starts_with('@') && key.matches('/').count() == 1);
        let is_direct = top && (prod.contains(key) || dev.contains(key));
        p.direct = Some(is_direct);
        if is_direct {
            p.dev = Some(!prod.contains(key));
        }
        for (dep, range) in info.dependencies.iter().chain(&info.optional_dependencies) {
            let nested = format!("{key}/{dep}");
            let v = versions
                .get(nested.as_str())
                .or_else(|| versions.get(dep.as_str()));
            p.dependencies
                .push((dep.clone(), v.map_or_else(|| range.clone(), Clone::clone)));
        }
        inv.packages.push(p);
    }
    Ok(inv)
}
