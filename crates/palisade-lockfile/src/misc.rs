//! The smaller ecosystems: Elixir `mix.lock`, Dart `pubspec.lock`, CocoaPods
//! `Podfile.lock`, SwiftPM `Package.resolved`, Conan `conan.lock`, R `renv.lock`, Haskell
//! `stack.yaml.lock` and `cabal.project.freeze`, Julia `Manifest.toml`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::js::entry;
use crate::text::{JsonLines, LineIndex, json, numbered_lines, toml, yaml, yaml_section_keys};
use crate::{Cx, Inventory, LockfileError, Package, pkg, purl};

fn eco_pkg(eco: &str, name: &str, version: Option<String>, line: Option<u32>) -> Package {
    let p = purl::for_ecosystem(eco, name, version.as_deref());
    pkg(eco, name, version, p, line)
}

// ---------------------------------------------------------------- mix.lock

/// The `"..."` strings and `:atom`s of an Elixir term, in order (enough for mix.lock).
fn elixir_tokens(s: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let mut t = String::new();
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    if let Some(&c) = b.get(i) {
                        t.push(char::from(c));
                    }
                    i += 1;
                }
                out.push((true, t));
                i += 1;
            }
            b':' if b
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
            {
                let start = i + 1;
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push((false, s[start..i].to_owned()));
            }
            _ => i += 1,
        }
    }
    out
}

pub(crate) fn mix_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let trimmed = text.trim();
    if !trimmed.is_empty() && !trimmed.starts_with("%{") {
        return Err(cx.err(Some(1), "not a mix.lock: it does not start with `%{`"));
    }
    let mut inv = Inventory::default();
    for (n, raw) in numbered_lines(text) {
        let line = raw.trim();
        if !line.starts_with('"') {
            continue;
        }
        let toks = elixir_tokens(line);
        let Some((true, key)) = toks.first().cloned() else {
            continue;
        };
        match toks.get(1).map(|(_, t)| t.as_str()) {
            Some("hex") => {
                let (Some((false, name)), Some((true, version))) = (toks.get(2), toks.get(3))
                else {
                    inv.diagnostics.push(cx.diag(
                        Some(n),
                        format!("`{key}`: cannot read the hex package and version"),
                    ));
                    continue;
                };
                let mut p = eco_pkg("Hex", name, Some(version.clone()), Some(n));
                // Dependencies: `{:name, "requirement", [hex: :name, ...]}` after the build tools.
                if let Some(deps_start) = line.find("], [{") {
                    let deps = &line[deps_start..];
                    for (at, _) in deps.match_indices("{:") {
                        let toks = elixir_tokens(&deps[at..]);
                        if let (Some((false, dep)), Some((true, req))) = (toks.first(), toks.get(1))
                        {
                            p.dependencies.push((dep.clone(), req.clone()));
                        }
                    }
                }
                inv.packages.push(p);
            }
            Some("git") => {
                let commit = toks.get(3).map(|(_, t)| t.clone()).unwrap_or_default();
                inv.diagnostics.push(cx.diag(
                    Some(n),
                    format!("`{key}` is a git dependency at {commit}: no Hex version"),
                ));
                inv.packages.push(eco_pkg("Hex", &key, None, Some(n)));
            }
            _ => inv
                .diagnostics
                .push(cx.diag(Some(n), format!("`{key}`: unknown dependency kind"))),
        }
    }
    inv.pin_dependencies_by_name();
    Ok(inv)
}

// ---------------------------------------------------------------- pubspec.lock

#[derive(Deserialize)]
struct PubspecLock {
    #[serde(default)]
    packages: BTreeMap<String, PubPackage>,
}

#[derive(Deserialize)]
struct PubPackage {
    #[serde(default)]
    dependency: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

pub(crate) fn pubspec_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: PubspecLock = yaml(cx, text)?;
    let lines = yaml_section_keys(text, "packages", 2);
    let mut inv = Inventory::default();
    for (name, p) in lock.packages {
        if matches!(p.source.as_deref(), Some("sdk" | "path")) {
            continue;
        }
        let line = lines.get(&name).copied();
        let mut pk = eco_pkg("Pub", &name, p.version, line);
        if let Some(d) = &p.dependency {
            pk.direct = Some(d.starts_with("direct"));
            pk.dev = match d.as_str() {
                "direct dev" => Some(true),
                "direct main" => Some(false),
                _ => None,
            };
        }
        inv.packages.push(pk);
    }
    inv.packages.sort_by_key(|p| p.line);
    Ok(inv)
}

// ---------------------------------------------------------------- Podfile.lock

/// `Name/Sub (1.2.3)` (quotes and a trailing `:` removed) -> (Name/Sub, Some(1.2.3)).
fn pod_entry(s: &str) -> (String, Option<String>) {
    let s = s.trim().trim_end_matches(':').trim();
    let s = s.trim_matches('"').trim_matches('\'');
    match s.split_once(" (") {
        Some((n, v)) => (n.to_owned(), Some(v.trim_end_matches(')').to_owned())),
        None => (s.to_owned(), None),
    }
}

pub(crate) fn podfile_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    let mut section = String::new();
    let mut direct: HashSet<String> = HashSet::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut current: Option<usize> = None;
    let mut saw_pods = false;
    for (n, raw) in numbered_lines(text) {
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let rest = raw.trim();
        if indent == 0 {
            section = rest.trim_end_matches(':').to_owned();
            saw_pods |= section == "PODS";
            current = None;
            continue;
        }
        let Some(item) = rest.strip_prefix("- ") else {
            continue;
        };
        match (section.as_str(), indent) {
            ("PODS", 2) => {
                let (name, version) = pod_entry(item);
                let pod = name.split('/').next().unwrap_or(&name).to_owned();
                if let Some(&i) = index.get(&pod) {
                    current = Some(i);
                    continue; // a subspec of a pod already listed
                }
                if version.is_none() {
                    inv.diagnostics
                        .push(cx.diag(Some(n), format!("pod `{name}` has no version")));
                }
                index.insert(pod.clone(), inv.packages.len());
                current = Some(inv.packages.len());
                inv.packages
                    .push(eco_pkg("CocoaPods", &pod, version, Some(n)));
            }
            ("PODS", 4) => {
                if let Some(p) = current.and_then(|i| inv.packages.get_mut(i)) {
                    let (dep, req) = pod_entry(item);
                    let dep = dep.split('/').next().unwrap_or(&dep).to_owned();
                    if dep != p.name {
                        p.dependencies.push((dep, req.unwrap_or_default()));
                    }
                }
            }
            ("DEPENDENCIES", 2) => {
                let (name, _) = pod_entry(item);
                direct.insert(name.split('/').next().unwrap_or(&name).to_owned());
            }
            _ => {}
        }
    }
    if !saw_pods && !text.trim().is_empty() {
        return Err(cx.err(Some(1), "not a Podfile.lock: no PODS section"));
    }
    for p in &mut inv.packages {
        // Subspecs repeat their pod's dependencies.
        p.dependencies.sort();
        p.dependencies.dedup_by(|a, b| a.0 == b.0);
        p.direct = Some(direct.contains(&p.name));
    }
    inv.pin_dependencies_by_name();
    Ok(inv)
}

// ---------------------------------------------------------------- Package.resolved

#[derive(Deserialize)]
struct Resolved {
    #[serde(default)]
    pins: Option<Vec<Value>>,
    #[serde(default)]
    object: Option<ResolvedV1>,
}

#[derive(Deserialize)]
struct ResolvedV1 {
    #[serde(default)]
    pins: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pin {
    #[serde(default)]
    identity: Option<String>,
    #[serde(default)]
    package: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default, rename = "repositoryURL")]
    repository_url: Option<String>,
    #[serde(default)]
    state: PinState,
}

#[derive(Deserialize, Default)]
struct PinState {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    revision: Option<String>,
}

/// `https://github.com/apple/swift-nio.git` -> `github.com/apple/swift-nio` (OSV's SwiftURL).
fn swift_name(url: &str) -> String {
    let s = url.trim();
    let s = s.split_once("://").map_or(s, |(_, r)| r);
    let s = s
        .strip_prefix("git@")
        .map_or_else(|| s.to_owned(), |r| r.replacen(':', "/", 1));
    let s = s
        .rsplit_once('@')
        .filter(|(a, _)| !a.contains('/'))
        .map_or(s.as_str(), |(_, r)| r)
        .to_owned();
    s.trim_end_matches('/').trim_end_matches(".git").to_owned()
}

pub(crate) fn package_resolved(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let doc: Resolved = json(cx, text)?;
    let lines = JsonLines::new(text);
    let (pins, prefix): (Vec<Value>, &[&str]) = match (doc.pins, doc.object) {
        (Some(p), _) => (p, &["pins"]),
        (None, Some(o)) => (o.pins, &["object", "pins"]),
        (None, None) => return Err(cx.err(Some(1), "not a Package.resolved: no pins")),
    };
    let mut inv = Inventory::default();
    for (i, v) in pins.into_iter().enumerate() {
        let idx = i.to_string();
        let mut path = prefix.to_vec();
        path.push(&idx);
        let line = lines.get(&path);
        let Some(pin) = entry::<Pin>(cx, v, line, &format!("pin {i}"), &mut inv.diagnostics) else {
            continue;
        };
        let Some(url) = pin.location.or(pin.repository_url) else {
            let id = pin.identity.or(pin.package).unwrap_or_default();
            inv.diagnostics
                .push(cx.diag(line, format!("pin `{id}` has no location")));
            continue;
        };
        let name = swift_name(&url);
        if pin.state.version.is_none() {
            let rev = pin.state.revision.unwrap_or_default();
            inv.diagnostics.push(cx.diag(
                line,
                format!("`{name}` is pinned to a branch or revision ({rev}), not a version"),
            ));
        }
        inv.packages
            .push(eco_pkg("SwiftURL", &name, pin.state.version, line));
    }
    Ok(inv)
}

// ---------------------------------------------------------------- conan.lock

/// `name/version@user/channel#revision%timestamp` -> (name, version).
fn conan_ref(r: &str) -> Option<(String, String)> {
    let r = r.split('#').next().unwrap_or(r);
    let r = r.split('@').next().unwrap_or(r);
    let (name, version) = r.split_once('/')?;
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_owned(), version.to_owned()))
}

#[derive(Deserialize)]
struct ConanLock {
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    build_requires: Vec<String>,
    #[serde(default)]
    python_requires: Vec<String>,
    #[serde(default)]
    graph_lock: Option<GraphLock>,
}

#[derive(Deserialize)]
struct GraphLock {
    #[serde(default)]
    nodes: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct ConanNode {
    #[serde(rename = "ref", default)]
    reference: Option<String>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    build_requires: Vec<String>,
    #[serde(default)]
    context: Option<String>,
}

pub(crate) fn conan_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: ConanLock = json(cx, text)?;
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    if let Some(graph) = lock.graph_lock {
        // v0.4: a graph of nodes; node "0" is the consumer project.
        let mut nodes: BTreeMap<String, ConanNode> = BTreeMap::new();
        for (id, v) in graph.nodes {
            let line = lines.get(&["graph_lock", "nodes", &id]);
            if let Some(n) =
                entry::<ConanNode>(cx, v, line, &format!("node {id}"), &mut inv.diagnostics)
            {
                nodes.insert(id, n);
            }
        }
        let root_direct: HashSet<&str> = nodes
            .get("0")
            .map(|n| {
                n.requires
                    .iter()
                    .chain(&n.build_requires)
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default();
        let refs: HashMap<&str, (String, String)> = nodes
            .iter()
            .filter_map(|(id, n)| Some((id.as_str(), conan_ref(n.reference.as_deref()?)?)))
            .collect();
        let mut ids: Vec<&String> = nodes.keys().collect();
        ids.sort_by_key(|id| id.parse::<u64>().unwrap_or(u64::MAX));
        for id in ids {
            if id == "0" {
                continue;
            }
            let Some(n) = nodes.get(id) else { continue };
            let Some((name, version)) = refs.get(id.as_str()) else {
                let line = lines.get(&["graph_lock", "nodes", id]);
                inv.diagnostics
                    .push(cx.diag(line, format!("node {id} has no `name/version` reference")));
                continue;
            };
            let line = lines.get(&["graph_lock", "nodes", id]);
            let mut p = eco_pkg("ConanCenter", name, Some(version.clone()), line);
            p.purl = purl::build("conan", None, name, Some(version), &[], None);
            p.direct = Some(root_direct.contains(id.as_str()));
            p.dev = Some(n.context.as_deref() == Some("build"));
            p.dependencies = n
                .requires
                .iter()
                .chain(&n.build_requires)
                .filter_map(|d| refs.get(d.as_str()).cloned())
                .collect();
            inv.packages.push(p);
        }
        return Ok(inv);
    }
    // v0.5: flat lists of references.
    for (section, list, dev) in [
        ("requires", &lock.requires, false),
        ("build_requires", &lock.build_requires, true),
        ("python_requires", &lock.python_requires, true),
    ] {
        for (i, r) in list.iter().enumerate() {
            let line = lines.get(&[section, &i.to_string()]);
            let Some((name, version)) = conan_ref(r) else {
                inv.diagnostics
                    .push(cx.diag(line, format!("cannot read `{r}` as `name/version`")));
                continue;
            };
            let mut p = eco_pkg("ConanCenter", &name, Some(version.clone()), line);
            p.purl = purl::build("conan", None, &name, Some(&version), &[], None);
            p.dev = Some(dev);
            inv.packages.push(p);
        }
    }
    Ok(inv)
}

// ---------------------------------------------------------------- renv.lock

#[derive(Deserialize)]
struct Renv {
    #[serde(rename = "Packages", default)]
    packages: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct RenvPackage {
    #[serde(rename = "Package")]
    package: String,
    #[serde(rename = "Version", default)]
    version: Option<String>,
    #[serde(rename = "Source", default)]
    source: Option<String>,
    #[serde(rename = "Requirements", default)]
    requirements: Vec<String>,
}

pub(crate) fn renv_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: Renv = json(cx, text)?;
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    for (key, v) in lock.packages {
        let line = lines.get(&["Packages", &key]);
        let Some(p) = entry::<RenvPackage>(
            cx,
            v,
            line,
            &format!("package `{key}`"),
            &mut inv.diagnostics,
        ) else {
            continue;
        };
        let eco = if p.source.as_deref() == Some("Bioconductor") {
            "Bioconductor"
        } else {
            "CRAN"
        };
        let mut pk = eco_pkg(eco, &p.package, p.version, line);
        if eco == "Bioconductor" {
            pk.purl = purl::build(
                "bioconductor",
                None,
                &p.package,
                pk.version.as_deref(),
                &[],
                None,
            );
        }
        pk.dependencies = p
            .requirements
            .into_iter()
            .map(|r| (r, String::new()))
            .collect();
        inv.packages.push(pk);
    }
    inv.pin_dependencies_by_name();
    inv.packages.sort_by_key(|p| p.line);
    Ok(inv)
}

// ---------------------------------------------------------------- stack.yaml.lock

#[derive(Deserialize)]
struct StackLock {
    #[serde(default)]
    packages: Vec<StackEntry>,
}

#[derive(Deserialize)]
struct StackEntry {
    #[serde(default)]
    completed: Option<Value>,
}

/// `name-1.2.3@sha256:...,123` -> (name, 1.2.3).
fn hackage_id(s: &str) -> Option<(&str, &str)> {
    let s = s.split('@').next().unwrap_or(s);
    let (name, version) = s.rsplit_once('-')?;
    version.chars().next().filter(char::is_ascii_digit)?;
    Some((name, version))
}

pub(crate) fn stack_yaml_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: StackLock = yaml(cx, text)?;
    // Lines of the `hackage:` entries under `completed:`, in order.
    let mut hackage_lines = numbered_lines(text)
        .filter(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with("hackage:") && t.contains('@')
        })
        .map(|(n, _)| n);
    let mut inv = Inventory::default();
    for e in lock.packages {
        let Some(c) = e.completed else { continue };
        if let Some(h) = c.get("hackage").and_then(Value::as_str) {
            let line = hackage_lines.next();
            match hackage_id(h) {
                Some((name, version)) => {
                    inv.packages
                        .push(eco_pkg("Hackage", name, Some(version.to_owned()), line))
                }
                None => inv
                    .diagnostics
                    .push(cx.diag(line, format!("cannot read `{h}` as `name-version`"))),
            }
        } else if let (Some(name), Some(version)) = (
            c.get("name").and_then(Value::as_str),
            c.get("version").and_then(Value::as_str),
        ) {
            inv.packages
                .push(eco_pkg("Hackage", name, Some(version.to_owned()), None));
        }
    }
    Ok(inv)
}

// ---------------------------------------------------------------- cabal.project.freeze

pub(crate) fn cabal_freeze(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    let mut in_constraints = false;
    for (n, raw) in numbered_lines(text) {
        let mut line = raw.split("--").next().unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            in_constraints = false;
            if let Some(rest) = line.strip_prefix("constraints:") {
                in_constraints = true;
                line = rest;
            } else {
                continue;
            }
        }
        if !in_constraints {
            continue;
        }
        for item in line.split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let Some((name, version)) = item.split_once("==") else {
                continue; // flags (`pkg +flag`) and `installed` constraints
            };
            let name = name.trim();
            let name = name.strip_prefix("any.").unwrap_or(name);
            if name.contains('.') || name.contains(' ') {
                continue; // qualified constraints (`setup.pkg`, `pkg:setup.dep`)
            }
            inv.packages.push(eco_pkg(
                "Hackage",
                name,
                Some(version.trim().to_owned()),
                Some(n),
            ));
        }
    }
    Ok(inv)
}

// ---------------------------------------------------------------- Manifest.toml

#[derive(Deserialize)]
struct JuliaManifest {
    #[serde(default)]
    manifest_format: Option<String>,
    #[serde(default)]
    deps: Option<BTreeMap<String, Vec<Spanned<toml::Value>>>>,
    #[serde(flatten)]
    rest: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct JuliaDep {
    #[serde(default)]
    uuid: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    deps: Option<toml::Value>,
}

pub(crate) fn julia_manifest(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let doc: JuliaManifest = toml(cx, text)?;
    let index = LineIndex::new(text.as_bytes());
    let mut inv = Inventory::default();
    let _ = doc.manifest_format;
    // Format 2 keeps packages under `[[deps.Name]]`; format 1 at the top level `[[Name]]`.
    let mut entries: Vec<(String, Option<u32>, toml::Value)> = Vec::new();
    if let Some(deps) = doc.deps {
        for (name, list) in deps {
            for v in list {
                let line = Some(index.line(v.span().start));
                entries.push((name.clone(), line, v.into_inner()));
            }
        }
    } else {
        for (name, v) in doc.rest {
            if let toml::Value::Array(list) = v {
                let header = format!("[[{name}]]");
                let line = text.find(&header).map(|i| index.line(i));
                for item in list {
                    entries.push((name.clone(), line, item));
                }
            }
        }
    }
    entries.sort_by_key(|e| e.1);
    for (name, line, v) in entries {
        let d: JuliaDep = match JuliaDep::deserialize(v) {
            Ok(d) => d,
            Err(e) => {
                inv.diagnostics
                    .push(cx.diag(line, format!("`{name}` skipped: {}", e.message().trim())));
                continue;
            }
        };
        let Some(version) = d.version else {
            continue; // a standard library, versioned with Julia itself
        };
        if d.path.is_some() {
            continue; // a local (developed) package
        }
        let uuid = d.uuid.unwrap_or_default();
        let mut p = eco_pkg("Julia", &name, Some(version.clone()), line);
        p.purl = purl::build(
            "julia",
            None,
            &name,
            Some(&version),
            &[("uuid", &uuid)],
            None,
        );
        if let Some(toml::Value::Array(ds)) = d.deps {
            p.dependencies = ds
                .iter()
                .filter_map(|x| x.as_str())
                .map(|s| (s.to_owned(), String::new()))
                .collect();
        } else if let Some(toml::Value::Table(t)) = d.deps {
            p.dependencies = t.keys().map(|s| (s.clone(), String::new())).collect();
        }
        inv.packages.push(p);
    }
    // Standard libraries keep an empty version.
    inv.pin_dependencies_by_name();
    Ok(inv)
}
