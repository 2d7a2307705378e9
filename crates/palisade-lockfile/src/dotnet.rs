//! .NET: NuGet `packages.lock.json`, `packages.config`, `*.deps.json`, MSBuild project
//! files and Paket `paket.lock`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use crate::js::entry;
use crate::text::{JsonLines, json, numbered_lines};
use crate::xml;
use crate::{Cx, Inventory, LockfileError, Package, pkg, purl};

const NUGET: &str = "NuGet";

fn nuget_pkg(name: &str, version: Option<String>, line: Option<u32>) -> Package {
    let p = purl::for_ecosystem(NUGET, name, version.as_deref());
    pkg(NUGET, name, version, p, line)
}

/// A NuGet version that pins one version: `1.2.3` or the exact range `[1.2.3]`.
fn pinned(v: &str) -> Option<String> {
    let v = v.trim();
    if let Some(inner) = v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return (!inner.contains(',') && !inner.is_empty()).then(|| inner.trim().to_owned());
    }
    if v.is_empty() || v.contains(['(', '[', ',', '*', '$']) {
        return None;
    }
    Some(v.to_owned())
}

// ---------------------------------------------------------------- packages.lock.json

#[derive(Deserialize)]
struct NugetLock {
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
struct NugetEntry {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    resolved: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

pub(crate) fn packages_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: NugetLock = json(cx, text)?;
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (framework, deps) in lock.dependencies {
        let mut resolved: HashMap<String, String> = HashMap::new();
        let mut parsed = Vec::new();
        for (name, v) in deps {
            let line = lines.get(&["dependencies", &framework, &name]);
            if let Some(e) = entry::<NugetEntry>(
                cx,
                v,
                line,
                &format!("{framework} > {name}"),
                &mut inv.diagnostics,
            ) {
                if let Some(r) = &e.resolved {
                    resolved.insert(name.to_ascii_lowercase(), r.clone());
                }
                parsed.push((name, e, line));
            }
        }
        for (name, e, line) in parsed {
            if e.kind == "Project" {
                continue;
            }
            let Some(version) = e.resolved.clone() else {
                inv.diagnostics
                    .push(cx.diag(line, format!("{name} has no resolved version")));
                continue;
            };
            let key = (name.to_ascii_lowercase(), version.clone());
            if let Some(&i) = seen.get(&key) {
                if e.kind == "Direct" {
                    inv.packages[i].direct = Some(true);
                }
                continue;
            }
            let mut p = nuget_pkg(&name, Some(version), line);
            p.direct = Some(e.kind == "Direct");
            for (d, range) in &e.dependencies {
                let v = resolved
                    .get(&d.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or_else(|| range.clone());
                p.dependencies.push((d.clone(), v));
            }
            seen.insert(key, inv.packages.len());
            inv.packages.push(p);
        }
    }
    Ok(inv)
}

// ---------------------------------------------------------------- packages.config

pub(crate) fn packages_config(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let root = xml::parse(cx, text)?;
    if root.name != "packages" {
        return Err(cx.err(
            Some(root.line),
            format!("not a packages.config: the root element is <{}>", root.name),
        ));
    }
    let mut inv = Inventory::default();
    for p in root.children("package") {
        let (Some(id), Some(version)) = (p.attr("id"), p.attr("version")) else {
            inv.diagnostics
                .push(cx.diag(Some(p.line), "package without id or version"));
            continue;
        };
        let mut pk = nuget_pkg(id, pinned(version), Some(p.line));
        pk.direct = Some(true);
        pk.dev = Some(
            p.attr("developmentDependency")
                .is_some_and(|d| d.eq_ignore_ascii_case("true")),
        );
        inv.packages.push(pk);
    }
    Ok(inv)
}

// ---------------------------------------------------------------- deps.json

#[derive(Deserialize)]
struct DepsJson {
    #[serde(default)]
    targets: BTreeMap<String, BTreeMap<String, Value>>,
    #[serde(default)]
    libraries: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct DepsLibrary {
    #[serde(rename = "type", default)]
    kind: String,
}

#[derive(Deserialize, Default)]
struct DepsTarget {
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

pub(crate) fn deps_json(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let doc: DepsJson = json(cx, text)?;
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    let mut graph: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut direct: HashSet<String> = HashSet::new();
    let kinds: HashMap<&str, String> = doc
        .libraries
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str(),
                serde_json::from_value::<DepsLibrary>(v.clone()).ok()?.kind,
            ))
        })
        .collect();
    for targets in doc.targets.values() {
        for (key, v) in targets {
            let t: DepsTarget = serde_json::from_value(v.clone()).unwrap_or_default();
            let deps: Vec<(String, String)> = t.dependencies.into_iter().collect();
            if kinds.get(key.as_str()).is_some_and(|k| k == "project") {
                direct.extend(deps.iter().map(|(n, _)| n.to_ascii_lowercase()));
            }
            graph.entry(key.clone()).or_insert(deps);
        }
    }
    for (key, v) in &doc.libraries {
        let line = lines.get(&["libraries", key]);
        let Some(lib) = entry::<DepsLibrary>(
            cx,
            v.clone(),
            line,
            &format!("library `{key}`"),
            &mut inv.diagnostics,
        ) else {
            continue;
        };
        if lib.kind != "package" {
            continue; // the project itself, or framework references
        }
        let Some((name, version)) = key.split_once('/') else {
            inv.diagnostics
                .push(cx.diag(line, format!("library `{key}` is not `name/version`")));
            continue;
        };
        let mut p = nuget_pkg(name, Some(version.to_owned()), line);
        if !direct.is_empty() {
            p.direct = Some(direct.contains(&name.to_ascii_lowercase()));
        }
        if let Some(deps) = graph.get(key) {
            p.dependencies.clone_from(deps);
        }
        inv.packages.push(p);
    }
    Ok(inv)
}

// ---------------------------------------------------------------- *.csproj

pub(crate) fn csproj(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let root = xml::parse(cx, text)?;
    if root.name != "Project" {
        return Err(cx.err(
            Some(root.line),
            format!(
                "not an MSBuild project: the root element is <{}>",
                root.name
            ),
        ));
    }
    let mut props: HashMap<String, String> = HashMap::new();
    for g in root.children("PropertyGroup") {
        for p in &g.children {
            props.insert(p.name.clone(), p.text.trim().to_owned());
        }
    }
    let mut inv = Inventory::default();
    for group in root.children("ItemGroup") {
        for r in group.children("PackageReference") {
            let Some(name) = r.attr("Include").or_else(|| r.attr("Update")) else {
                inv.diagnostics
                    .push(cx.diag(Some(r.line), "PackageReference without Include"));
                continue;
            };
            let raw = r
                .attr("Version")
                .map(str::to_owned)
                .or_else(|| r.child_text("Version").map(str::to_owned));
            let raw = raw.map(|v| msbuild_properties(&v, &props));
            let version = raw.as_deref().and_then(pinned);
            if version.is_none() {
                let why = raw.map_or_else(
                    || "no version (central package management?)".to_owned(),
                    |v| format!("version `{v}` is not pinned"),
                );
                inv.diagnostics
                    .push(cx.diag(Some(r.line), format!("{name}: {why}")));
            }
            let mut p = nuget_pkg(name, version, Some(r.line));
            p.direct = Some(true);
            let private = r
                .attr("PrivateAssets")
                .or_else(|| r.child_text("PrivateAssets"));
            p.dev = Some(private.is_some_and(|a| a.eq_ignore_ascii_case("all")));
            inv.packages.push(p);
        }
    }
    Ok(inv)
}

/// Replaces each `$(Name)` with the project's property, once (no recursion).
fn msbuild_properties(v: &str, props: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(end) => {
                match props.get(&after[..end]) {
                    Some(val) => out.push_str(val),
                    None => out.push_str(&rest[start..start + 2 + end + 1]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------- paket.lock

pub(crate) fn paket_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    let mut section = String::new();
    for (n, raw) in numbered_lines(text) {
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let rest = raw.trim();
        match indent {
            0 if !rest.starts_with("GROUP") => {
                section = rest.split(':').next().unwrap_or(rest).trim().to_owned();
            }
            4 if section == "NUGET" => {
                let Some((name, v)) = rest.split_once(" (") else {
                    inv.diagnostics
                        .push(cx.diag(Some(n), format!("cannot read a package from `{rest}`")));
                    continue;
                };
                let version = v.split(')').next().unwrap_or(v).trim();
                inv.packages
                    .push(nuget_pkg(name.trim(), pinned(version), Some(n)));
            }
            6 if section == "NUGET" => {
                if let Some(last) = inv.packages.last_mut() {
                    let (d, req) = rest.split_once(" (").unwrap_or((rest, ""));
                    last.dependencies.push((
                        d.trim().to_owned(),
                        req.trim_end_matches(')')
                            .split(" - ")
                            .next()
                            .unwrap_or("")
                            .to_owned(),
                    ));
                }
            }
            _ => {}
        }
    }
    let versions: HashMap<String, String> = inv
        .packages
        .iter()
        .filter_map(|p| Some((p.name.to_ascii_lowercase(), p.version.clone()?)))
        .collect();
    for p in &mut inv.packages {
        for (d, req) in &mut p.dependencies {
            if let Some(v) = versions.get(&d.to_ascii_lowercase()) {
                req.clone_from(v);
            }
        }
    }
    Ok(inv)
}
