//! Python: `requirements*.txt`, `poetry.lock`, `Pipfile.lock`, `uv.lock`, `pdm.lock` and
//! `pylock.toml`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::text::{JsonLines, LineIndex, json, numbered_lines, toml};
use crate::{Cx, Inventory, LockfileError, MAX_INCLUDE_DEPTH, Package, pkg, purl};

const PYPI: &str = "PyPI";

fn py_pkg(name: &str, version: Option<String>, line: Option<u32>) -> Package {
    let p = purl::for_ecosystem(PYPI, name, version.as_deref());
    pkg(PYPI, name, version, p, line)
}

/// PEP 503 normalised name: lowercase, runs of `-`, `_`, `.` as one `-`.
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

// ---------------------------------------------------------------- requirements.txt

/// A requirement line read: name, exact pin if any, and the specifier as written.
struct Requirement {
    name: String,
    pinned: Option<String>,
    spec: String,
}

/// Parses one requirement (options, comments and continuations already removed).
fn parse_requirement(line: &str) -> Result<Requirement, String> {
    let line = line.trim();
    // Direct references: `name @ url` or a bare VCS/archive URL with `#egg=name`.
    if let Some((name, url)) = line.split_once(" @ ").or_else(|| line.split_once("@ ")) {
        let name = name.split('[').next().unwrap_or(name).trim();
        if !name.is_empty() && !name.contains(['/', ':']) {
            return Ok(Requirement {
                name: name.to_owned(),
                pinned: None,
                spec: url.trim().to_owned(),
            });
        }
    }
    if line.contains("://") || line.starts_with("git+") {
        if let Some(egg) = line.split("#egg=").nth(1) {
            let egg = egg.split(['&', ' ']).next().unwrap_or(egg);
            let (name, version) = match egg.split_once('-') {
                Some((n, v)) if v.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
                    (n, Some(v.to_owned()))
                }
                _ => (egg, None),
            };
            return Ok(Requirement {
                name: name.to_owned(),
                pinned: version,
                spec: line.to_owned(),
            });
        }
        // Name the package after the repository or archive.
        let path = line.split(['#', '?']).next().unwrap_or(line);
        let path = path
            .rsplit_once('@')
            .filter(|(a, _)| a.contains("://"))
            .map_or(path, |(a, _)| a);
        let last = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(path);
        let name = last.trim_end_matches(".git");
        let name = name.split(".tar").next().unwrap_or(name);
        let name = name.split(".zip").next().unwrap_or(name);
        if name.is_empty() {
            return Err("a URL requirement without a package name".into());
        }
        return Ok(Requirement {
            name: name.to_owned(),
            pinned: None,
            spec: line.to_owned(),
        });
    }
    let without_marker = line.split(';').next().unwrap_or(line).trim();
    let end = without_marker
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(without_marker.len());
    let name = &without_marker[..end];
    if name.is_empty() {
        return Err(format!(
            "cannot read a requirement from `{}`",
            truncate(line)
        ));
    }
    let mut rest = without_marker[end..].trim_start();
    if rest.starts_with('[') {
        let close = rest
            .find(']')
            .ok_or_else(|| format!("unclosed extras in `{}`", truncate(line)))?;
        rest = rest[close + 1..].trim_start();
    }
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    let spec = rest.to_owned();
    let pinned = if rest.contains(',') {
        None
    } else if let Some(v) = rest.strip_prefix("===").or_else(|| rest.strip_prefix("==")) {
        let v = v.trim();
        (!v.is_empty() && !v.contains('*')).then(|| v.to_owned())
    } else {
        None
    };
    if !rest.is_empty() && !rest.starts_with(['=', '<', '>', '~', '!']) {
        return Err(format!(
            "cannot read the version specifier of `{}`",
            truncate(line)
        ));
    }
    Ok(Requirement {
        name: name.to_owned(),
        pinned,
        spec,
    })
}

fn truncate(s: &str) -> String {
    if s.len() <= 80 {
        s.to_owned()
    } else {
        let mut end = 80;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }
}

/// Joins an include to the including file's directory and normalises it lexically; `None`
/// when it is absolute or climbs above the scan root.
pub(crate) fn resolve_include(from: &str, include: &str) -> Option<PathBuf> {
    let inc = Path::new(include);
    if inc.is_absolute() || include.contains("://") {
        return None;
    }
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for c in base.join(inc).components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

pub(crate) fn requirements(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    let mut constraints: HashMap<String, String> = HashMap::new();
    let mut visited: HashSet<String> = HashSet::new();
    visited.insert(cx.path.replace('\\', "/"));
    requirements_file(
        cx,
        cx.path,
        text,
        0,
        false,
        &mut visited,
        &mut inv,
        &mut constraints,
    );
    // Constraints files pin what the requirements leave open.
    for p in &mut inv.packages {
        if p.version.is_none()
            && let Some(v) = constraints.get(&normalize(&p.name))
        {
            p.version = Some(v.clone());
            p.purl = purl::for_ecosystem(PYPI, &p.name, Some(v));
        }
    }
    let pinned_names: HashSet<String> = inv
        .packages
        .iter()
        .filter(|p| p.version.is_some())
        .map(|p| format!("{}\u{0}{}", p.file, p.line.unwrap_or(0)))
        .collect();
    inv.diagnostics.retain(|d| {
        !(d.message.starts_with("not pinned")
            && pinned_names.contains(&format!("{}\u{0}{}", d.file, d.line.unwrap_or(0))))
    });
    Ok(inv)
}

#[allow(clippy::too_many_arguments)]
fn requirements_file(
    cx: &Cx<'_>,
    path: &str,
    text: &str,
    depth: usize,
    is_constraints: bool,
    visited: &mut HashSet<String>,
    inv: &mut Inventory,
    constraints: &mut HashMap<String, String>,
) {
    let here = Cx {
        path,
        loader: cx.loader,
    };
    // Logical lines: `\` at the end continues a line.
    let mut logical: Vec<(u32, String)> = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (n, raw) in numbered_lines(text) {
        let (start, mut acc) = pending.take().unwrap_or((n, String::new()));
        if let Some(cont) = raw.strip_suffix('\\') {
            acc.push_str(cont);
            acc.push(' ');
            pending = Some((start, acc));
        } else {
            acc.push_str(raw);
            logical.push((start, acc));
        }
    }
    if let Some(p) = pending {
        logical.push(p);
    }
    // pip-compile's `# via` annotations tell direct (`-r file`) from transitive.
    let mut via: Option<(usize, bool, bool)> = None; // (package index, saw -r, saw a parent)
    let finish_via = |via: &mut Option<(usize, bool, bool)>, inv: &mut Inventory| {
        if let Some((i, r, parent)) = via.take()
            && let Some(p) = inv.packages.get_mut(i)
            && (r || parent)
        {
            p.direct = Some(r);
        }
    };
    for (n, line) in logical {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            let c = comment.trim();
            if let Some((_, r, parent)) = via.as_mut() {
                let item = c.strip_prefix("via").unwrap_or(c).trim();
                if item.starts_with("-r") || item.starts_with("-c") {
                    *r = true;
                } else if !item.is_empty() && !item.starts_with('-') {
                    *parent = true;
                }
            }
            continue;
        }
        finish_via(&mut via, inv);
        // Drop a trailing comment (` #` starts one; `#egg=` in a URL does not).
        let body = match trimmed.find(" #") {
            Some(i) => trimmed[..i].trim(),
            None => trimmed,
        };
        if body.is_empty() {
            continue;
        }
        if body.starts_with('-') {
            let (opt, arg) = match body.split_once(['=', ' ']) {
                Some((o, a)) => (o, a.trim()),
                None => (body, ""),
            };
            match opt {
                "-r" | "--requirement" | "-c" | "--constraint" => {
                    let constraint = opt == "-c" || opt == "--constraint";
                    include(
                        cx,
                        &here,
                        n,
                        arg,
                        depth,
                        constraint || is_constraints,
                        visited,
                        inv,
                        constraints,
                    );
                }
                "-e" | "--editable" => {
                    if (arg.contains("://") || arg.starts_with("git+"))
                        && let Ok(r) = parse_requirement(arg)
                    {
                        let mut p = py_pkg(&r.name, None, Some(n));
                        p.file = path.to_owned();
                        inv.packages.push(p);
                    }
                    // A local editable install is the project itself.
                }
                _ => {
                    // `--hash`, `-i`, `--extra-index-url`, `--no-binary`... and a requirement
                    // followed by `--hash=` options on the same logical line.
                }
            }
            continue;
        }
        // `name==1.0 --hash=sha256:...`: options after the requirement.
        let req_text = match body.find(" --").or_else(|| body.find(" -")) {
            Some(i) => &body[..i],
            None => body,
        };
        match parse_requirement(req_text) {
            Ok(r) => {
                if is_constraints {
                    if let Some(v) = r.pinned {
                        constraints.insert(normalize(&r.name), v);
                    }
                    continue;
                }
                if r.pinned.is_none() {
                    inv.diagnostics.push(here.diag(
                        Some(n),
                        format!(
                            "not pinned to one version: `{}`",
                            truncate(format!("{} {}", r.name, r.spec).trim())
                        ),
                    ));
                }
                let mut p = py_pkg(&r.name, r.pinned, Some(n));
                p.file = path.to_owned();
                via = Some((inv.packages.len(), false, false));
                inv.packages.push(p);
            }
            Err(e) => inv.diagnostics.push(here.diag(Some(n), e)),
        }
    }
    finish_via(&mut via, inv);
}

#[allow(clippy::too_many_arguments)]
fn include(
    cx: &Cx<'_>,
    here: &Cx<'_>,
    line: u32,
    arg: &str,
    depth: usize,
    is_constraints: bool,
    visited: &mut HashSet<String>,
    inv: &mut Inventory,
    constraints: &mut HashMap<String, String>,
) {
    if arg.is_empty() {
        inv.diagnostics
            .push(here.diag(Some(line), "include without a file name"));
        return;
    }
    if depth + 1 > MAX_INCLUDE_DEPTH {
        inv.diagnostics.push(here.diag(
            Some(line),
            format!("`{arg}` not read: includes nested deeper than {MAX_INCLUDE_DEPTH}"),
        ));
        return;
    }
    let Some(target) = resolve_include(here.path, arg) else {
        inv.diagnostics.push(here.diag(
            Some(line),
            format!("`{arg}` not read: outside the scan root"),
        ));
        return;
    };
    let key = target.to_string_lossy().replace('\\', "/");
    if !visited.insert(key.clone()) {
        inv.diagnostics
            .push(here.diag(Some(line), format!("`{arg}` not read again: include cycle")));
        return;
    }
    let Some(bytes) = (cx.loader)(&target) else {
        inv.diagnostics
            .push(here.diag(Some(line), format!("`{arg}` could not be read")));
        return;
    };
    let sub = Cx {
        path: &key,
        loader: cx.loader,
    };
    match sub.text(&bytes) {
        Ok(t) => requirements_file(
            cx,
            &key,
            t,
            depth + 1,
            is_constraints,
            visited,
            inv,
            constraints,
        ),
        Err(e) => inv
            .diagnostics
            .push(here.diag(Some(line), format!("`{arg}` not read: {e}"))),
    }
}

// ---------------------------------------------------------------- poetry.lock

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: String,
    version: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    groups: Option<Vec<String>>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    source: Option<PoetrySource>,
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type", default)]
    kind: Option<String>,
}

/// Entries of an array of tables, each converted on its own so one bad entry is skipped,
/// with the line where each starts.
pub(crate) fn entries<T: serde::de::DeserializeOwned>(
    cx: &Cx<'_>,
    index: &LineIndex,
    values: Vec<Spanned<toml::Value>>,
    inv: &mut Inventory,
) -> Vec<(T, Option<u32>)> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let line = Some(index.line(v.span().start));
        match T::deserialize(v.into_inner()) {
            Ok(t) => out.push((t, line)),
            Err(e) => inv
                .diagnostics
                .push(cx.diag(line, format!("entry skipped: {}", e.message().trim()))),
        }
    }
    out
}

pub(crate) fn poetry_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: PoetryLock = toml(cx, text)?;
    let index = LineIndex::new(text.as_bytes());
    let mut inv = Inventory::default();
    let pkgs: Vec<(PoetryPackage, Option<u32>)> = entries(cx, &index, lock.package, &mut inv);
    let names: HashMap<String, &str> = pkgs
        .iter()
        .map(|(p, _)| (normalize(&p.name), p.version.as_str()))
        .collect();
    for (p, line) in &pkgs {
        let line = *line;
        if p.source
            .as_ref()
            .and_then(|s| s.kind.as_deref())
            .is_some_and(|k| k == "directory" || k == "file")
        {
            continue;
        }
        let mut pk = py_pkg(&p.name, Some(p.version.clone()), line);
        pk.dev = match (&p.groups, &p.category) {
            (Some(g), _) => Some(!g.iter().any(|g| g == "main")),
            (None, Some(c)) => Some(c == "dev"),
            (None, None) => None,
        };
        for (dep, req) in &p.dependencies {
            let spec = match req {
                toml::Value::String(s) => s.clone(),
                toml::Value::Table(t) => t
                    .get("version")
                    .and_then(toml::Value::as_str)
                    .unwrap_or("*")
                    .to_owned(),
                _ => "*".to_owned(),
            };
            let resolved = names.get(&normalize(dep)).map_or(spec, |v| (*v).to_owned());
            pk.dependencies.push((dep.clone(), resolved));
        }
        inv.packages.push(pk);
    }
    Ok(inv)
}

// ---------------------------------------------------------------- Pipfile.lock

#[derive(Deserialize)]
struct PipfileLock {
    #[serde(default)]
    default: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    develop: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct PipfileEntry {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    path: Option<String>,
}

pub(crate) fn pipfile_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: PipfileLock = json(cx, text)?;
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    for (section, map, dev) in [
        ("default", lock.default, false),
        ("develop", lock.develop, true),
    ] {
        for (name, v) in map {
            let line = lines.get(&[section, &name]);
            let Some(e) = crate::js::entry::<PipfileEntry>(
                cx,
                v,
                line,
                &format!("package `{name}`"),
                &mut inv.diagnostics,
            ) else {
                continue;
            };
            if e.path.is_some() && e.version.is_none() {
                continue; // a local (editable) project
            }
            let version = e.version.map(|v| {
                v.trim_start_matches("===")
                    .trim_start_matches("==")
                    .to_owned()
            });
            let mut p = py_pkg(&name, version, line);
            p.dev = Some(dev);
            inv.packages.push(p);
        }
    }
    Ok(inv)
}

// ---------------------------------------------------------------- uv.lock

#[derive(Deserialize)]
struct UvLock {
    #[serde(default)]
    package: Vec<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct UvPackage {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    source: BTreeMap<String, toml::Value>,
    #[serde(default)]
    dependencies: Vec<UvDep>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Vec<UvDep>>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Vec<UvDep>>,
}

#[derive(Deserialize, Clone)]
struct UvDep {
    name: String,
    #[serde(default)]
    version: Option<String>,
}

pub(crate) fn uv_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: UvLock = toml(cx, text)?;
    let index = LineIndex::new(text.as_bytes());
    let mut inv = Inventory::default();
    let pkgs: Vec<(UvPackage, Option<u32>)> = entries(cx, &index, lock.package, &mut inv);
    let is_local = |p: &UvPackage| {
        ["editable", "virtual", "directory", "path"]
            .iter()
            .any(|k| p.source.contains_key(*k))
    };
    let mut versions: HashMap<&str, Vec<&str>> = HashMap::new();
    for (p, _) in &pkgs {
        versions
            .entry(p.name.as_str())
            .or_default()
            .push(p.version.as_deref().unwrap_or(""));
    }
    // Walk from the project's own packages: prod roots and dev-group roots.
    let mut prod: Vec<&str> = Vec::new();
    let mut dev: Vec<&str> = Vec::new();
    let mut direct: HashSet<&str> = HashSet::new();
    for (p, _) in pkgs.iter().filter(|(p, _)| is_local(p)) {
        for d in p
            .dependencies
            .iter()
            .chain(p.optional_dependencies.values().flatten())
        {
            prod.push(&d.name);
            direct.insert(&d.name);
        }
        for d in p.dev_dependencies.values().flatten() {
            dev.push(&d.name);
            direct.insert(&d.name);
        }
    }
    let by_name: HashMap<&str, Vec<&UvPackage>> =
        pkgs.iter().fold(HashMap::new(), |mut m, (p, _)| {
            m.entry(p.name.as_str()).or_insert_with(Vec::new).push(p);
            m
        });
    let reach = |roots: Vec<&str>| -> HashSet<String> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut stack: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(n) = stack.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            for p in by_name.get(n.as_str()).into_iter().flatten() {
                if is_local(p) {
                    continue;
                }
                for d in p
                    .dependencies
                    .iter()
                    .chain(p.optional_dependencies.values().flatten())
                {
                    if !seen.contains(&d.name) {
                        stack.push(d.name.clone());
                    }
                }
            }
        }
        seen
    };
    let prod_set = reach(prod);
    let dev_set = reach(dev);
    let has_roots = pkgs.iter().any(|(p, _)| is_local(p));
    for (p, line) in &pkgs {
        let line = *line;
        if is_local(p) {
            continue;
        }
        let mut pk = py_pkg(&p.name, p.version.clone(), line);
        if has_roots {
            pk.direct = Some(direct.contains(p.name.as_str()));
            pk.dev = if prod_set.contains(&p.name) {
                Some(false)
            } else if dev_set.contains(&p.name) {
                Some(true)
            } else {
                None
            };
        }
        for d in p
            .dependencies
            .iter()
            .chain(p.optional_dependencies.values().flatten())
        {
            let v = d.version.clone().or_else(|| {
                versions
                    .get(d.name.as_str())
                    .filter(|v| v.len() == 1)
                    .map(|v| v[0].to_owned())
            });
            pk.dependencies
                .push((d.name.clone(), v.unwrap_or_default()));
        }
        inv.packages.push(pk);
    }
    Ok(inv)
}

// ---------------------------------------------------------------- pdm.lock

#[derive(Deserialize)]
struct PdmLock {
    #[serde(default)]
    package: Vec<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
struct PdmPackage {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    groups: Option<Vec<String>>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    editable: Option<bool>,
}

pub(crate) fn pdm_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: PdmLock = toml(cx, text)?;
    let index = LineIndex::new(text.as_bytes());
    let mut inv = Inventory::default();
    let pkgs: Vec<(PdmPackage, Option<u32>)> = entries(cx, &index, lock.package, &mut inv);
    let versions: HashMap<String, String> = pkgs
        .iter()
        .filter_map(|(p, _)| Some((normalize(&p.name), p.version.clone()?)))
        .collect();
    for (p, line) in &pkgs {
        let line = *line;
        if p.path.is_some() && p.editable.unwrap_or(false) {
            continue;
        }
        let mut pk = py_pkg(&p.name, p.version.clone(), line);
        pk.dev = p.groups.as_ref().map(|g| !g.iter().any(|g| g == "default"));
        for d in &p.dependencies {
            if let Ok(r) = parse_requirement(d) {
                let v = versions.get(&normalize(&r.name)).cloned().unwrap_or(r.spec);
                pk.dependencies.push((r.name, v));
            }
        }
        inv.packages.push(pk);
    }
    Ok(inv)
}

// ---------------------------------------------------------------- pylock.toml

#[derive(Deserialize)]
struct Pylock {
    #[serde(rename = "lock-version", default)]
    lock_version: Option<String>,
    #[serde(default)]
    packages: Vec<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
struct PylockPackage {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    directory: Option<toml::Value>,
    #[serde(default)]
    dependencies: Vec<UvDep>,
}

pub(crate) fn pylock_toml(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: Pylock = toml(cx, text)?;
    let index = LineIndex::new(text.as_bytes());
    let mut inv = Inventory::default();
    if lock.lock_version.is_none() {
        inv.diagnostics
            .push(cx.diag(Some(1), "no lock-version: read as version 1.0"));
    }
    let pkgs: Vec<(PylockPackage, Option<u32>)> = entries(cx, &index, lock.packages, &mut inv);
    for (p, line) in &pkgs {
        let line = *line;
        if p.directory.is_some() {
            continue; // a local project
        }
        let mut pk = py_pkg(&p.name, p.version.clone(), line);
        for d in &p.dependencies {
            pk.dependencies
                .push((d.name.clone(), d.version.clone().unwrap_or_default()));
        }
        inv.packages.push(pk);
    }
    Ok(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines() {
        let r = parse_requirement("Django[argon2]==4.2.1 ; python_version >= '3.8'").expect("ok");
        assert_eq!(
            (r.name.as_str(), r.pinned.as_deref()),
            ("Django", Some("4.2.1"))
        );
        let r = parse_requirement("flask>=2,<3").expect("ok");
        assert_eq!(r.pinned, None);
        let r = parse_requirement("pkg @ https://example.com/pkg-1.0.tar.gz").expect("ok");
        assert_eq!(r.name, "pkg");
        let r =
            parse_requirement("git+https://github.com/dolevf/flask-sockets@master").expect("ok");
        assert_eq!(r.name, "flask-sockets");
        assert!(parse_requirement("!!!").is_err());
        assert_eq!(normalize("Foo__Bar.baz"), "foo-bar-baz");
    }

    #[test]
    fn include_paths() {
        assert_eq!(
            resolve_include("a/b/requirements.txt", "../base.txt"),
            Some(PathBuf::from("a/base.txt"))
        );
        assert_eq!(resolve_include("requirements.txt", "../etc/passwd"), None);
        assert_eq!(resolve_include("requirements.txt", "/etc/passwd"), None);
    }
}
