//! JVM: Maven `pom.xml`, Gradle `gradle.lockfile`, `verification-metadata.xml`,
//! `libs.versions.toml` and `build.gradle(.kts)`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use crate::python::resolve_include;
use crate::text::{LineIndex, numbered_lines, toml};
use crate::xml::{self, Element};
use crate::{Cx, Inventory, LockfileError, MAX_INCLUDE_DEPTH, Package, pkg, purl};

const MAVEN: &str = "Maven";

fn maven_pkg(group: &str, artifact: &str, version: Option<String>, line: Option<u32>) -> Package {
    let name = format!("{group}:{artifact}");
    let p = purl::for_ecosystem(MAVEN, &name, version.as_deref());
    pkg(MAVEN, name, version, p, line)
}

/// A Maven version that pins one version (not a range, not empty).
fn pinned(v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() || v.starts_with('[') || v.starts_with('(') || v.contains("${") {
        return None;
    }
    Some(v.to_owned())
}

// ---------------------------------------------------------------- pom.xml

/// One POM read: its coordinates, properties, managed versions and dependencies.
struct Pom {
    path: String,
    root: Element,
}

/// Replaces `${name}` with properties, a bounded number of rounds (properties may refer to
/// each other; a cycle stops at the bound and stays unresolved).
fn interpolate(s: &str, props: &HashMap<String, String>) -> String {
    let mut cur = s.to_owned();
    for _ in 0..8 {
        if !cur.contains("${") || cur.len() > 4096 {
            break;
        }
        let mut out = String::with_capacity(cur.len());
        let mut rest = cur.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    let key = &after[..end];
                    match props.get(key) {
                        Some(v) => out.push_str(v),
                        None => {
                            out.push_str("${");
                            out.push_str(key);
                            out.push('}');
                        }
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
        if out == cur {
            break;
        }
        cur = out;
    }
    cur
}

pub(crate) fn pom_xml(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let root = xml::parse(cx, text)?;
    if root.name != "project" {
        return Err(cx.err(
            Some(root.line),
            format!("not a pom.xml: the root element is <{}>", root.name),
        ));
    }
    let mut inv = Inventory::default();
    // The chain of POMs: this one, then its local parents.
    let mut chain = vec![Pom {
        path: cx.path.to_owned(),
        root,
    }];
    let mut visited: HashSet<String> = HashSet::from([cx.path.to_owned()]);
    while chain.len() <= MAX_INCLUDE_DEPTH {
        let Some(last) = chain.last() else { break };
        let Some(parent) = last.root.child("parent") else {
            break;
        };
        // An empty `<relativePath/>` says the parent comes from a repository, not a file.
        let rel = match parent.child("relativePath") {
            Some(r) if r.text.trim().is_empty() => break,
            Some(r) => r.text.trim(),
            None => "../pom.xml",
        };
        let Some(mut target) = resolve_include(&last.path, rel) else {
            inv.diagnostics.push(cx.diag(
                Some(parent.line),
                format!("parent POM `{rel}` not read: outside the scan root"),
            ));
            break;
        };
        if !target.to_string_lossy().ends_with(".xml") {
            target.push("pom.xml");
        }
        let key = target.to_string_lossy().replace('\\', "/");
        if !visited.insert(key.clone()) {
            inv.diagnostics.push(cx.diag(
                Some(parent.line),
                format!("parent POM `{key}` not read again: parent cycle"),
            ));
            break;
        }
        let want = (
            parent.child_text("groupId"),
            parent.child_text("artifactId"),
        );
        let Some(bytes) = (cx.loader)(&target) else {
            let coords = format!("{}:{}", want.0.unwrap_or("?"), want.1.unwrap_or("?"));
            inv.diagnostics.push(cx.diag(Some(parent.line), format!("parent POM {coords} not found at `{key}`; its properties and managed versions are not applied")));
            break;
        };
        let pcx = Cx {
            path: &key,
            loader: cx.loader,
        };
        let parsed = pcx.text(&bytes).and_then(|t| xml::parse(&pcx, t));
        let proot = match parsed {
            Ok(r) => r,
            Err(e) => {
                inv.diagnostics
                    .push(cx.diag(Some(parent.line), format!("parent POM not read: {e}")));
                break;
            }
        };
        let got = (
            proot
                .child_text("groupId")
                .or_else(|| proot.path("parent/groupId").map(|e| e.text.trim())),
            proot.child_text("artifactId"),
        );
        if got != want {
            inv.diagnostics.push(cx.diag(
                Some(parent.line),
                format!("`{key}` is not the declared parent POM"),
            ));
            break;
        }
        chain.push(Pom {
            path: key,
            root: proot,
        });
    }

    // Properties: the farthest parent first, so children override.
    let mut props: HashMap<String, String> = HashMap::new();
    for pom in chain.iter().rev() {
        let r = &pom.root;
        let group = r
            .child_text("groupId")
            .or_else(|| r.path("parent/groupId").map(|e| e.text.trim()));
        let version = r
            .child_text("version")
            .or_else(|| r.path("parent/version").map(|e| e.text.trim()));
        for (k, v) in [
            ("groupId", group),
            ("artifactId", r.child_text("artifactId")),
            ("version", version),
        ] {
            if let Some(v) = v {
                props.insert(format!("project.{k}"), v.to_owned());
                props.insert(format!("pom.{k}"), v.to_owned());
            }
        }
        if let Some(p) = r.child("parent") {
            for k in ["groupId", "artifactId", "version"] {
                if let Some(v) = p.child_text(k) {
                    props.insert(format!("project.parent.{k}"), v.to_owned());
                    props.insert(format!("parent.{k}"), v.to_owned());
                }
            }
        }
        if let Some(ps) = r.child("properties") {
            for p in &ps.children {
                props.insert(p.name.clone(), p.text.trim().to_owned());
            }
        }
    }

    // Managed versions: the nearest POM wins.
    let mut managed: HashMap<String, String> = HashMap::new();
    for pom in chain.iter().rev() {
        for d in pom
            .root
            .path("dependencyManagement/dependencies")
            .into_iter()
            .flat_map(|d| d.children("dependency"))
        {
            let (Some(g), Some(a)) = (d.child_text("groupId"), d.child_text("artifactId")) else {
                continue;
            };
            if let Some(v) = d.child_text("version") {
                managed.insert(
                    format!("{}:{}", interpolate(g, &props), interpolate(a, &props)),
                    interpolate(v, &props),
                );
            }
        }
    }

    // Dependencies: this POM's and those inherited from its parents.
    let mut seen: HashSet<String> = HashSet::new();
    for pom in &chain {
        let deps = pom
            .root
            .child("dependencies")
            .into_iter()
            .flat_map(|d| d.children("dependency"));
        for d in deps {
            let (Some(g), Some(a)) = (d.child_text("groupId"), d.child_text("artifactId")) else {
                inv.diagnostics.push(crate::Diagnostic {
                    file: pom.path.clone(),
                    line: Some(d.line),
                    message: "dependency without groupId or artifactId".into(),
                });
                continue;
            };
            let (g, a) = (interpolate(g, &props), interpolate(a, &props));
            let key = format!("{g}:{a}");
            if !seen.insert(key.clone()) {
                continue; // the child's declaration overrides the parent's
            }
            let raw = d
                .child_text("version")
                .map(|v| interpolate(v, &props))
                .or_else(|| managed.get(&key).cloned());
            let version = raw.as_deref().and_then(pinned);
            if version.is_none() {
                let why = match &raw {
                    None => "no version (not managed by a readable parent or BOM)".to_owned(),
                    Some(v) if v.contains("${") => format!("unresolved version `{v}`"),
                    Some(v) => format!("version range `{v}` is not pinned"),
                };
                inv.diagnostics.push(crate::Diagnostic {
                    file: pom.path.clone(),
                    line: Some(d.line),
                    message: crate::clip(format!("{key}: {why}")),
                });
            }
            let mut p = maven_pkg(&g, &a, version, Some(d.line));
            p.file.clone_from(&pom.path);
            p.direct = Some(true);
            let scope = d.child_text("scope").map(|s| interpolate(s, &props));
            p.dev = Some(scope.as_deref() == Some("test"));
            inv.packages.push(p);
        }
    }
    Ok(inv)
}

// ---------------------------------------------------------------- gradle.lockfile

fn is_test_config(c: &str) -> bool {
    let c = c.trim();
    c.starts_with("test") || c.contains("Test") || c.starts_with("androidTest")
}

pub(crate) fn gradle_lockfile(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    for (n, raw) in numbered_lines(text) {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let (coords, configs) = line.split_once('=').unwrap_or((line, ""));
        let parts: Vec<&str> = coords.split(':').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
            inv.diagnostics.push(cx.diag(
                Some(n),
                format!(
                    "expected `group:artifact:version=configurations`, got `{}`",
                    line.chars().take(80).collect::<String>()
                ),
            ));
            continue;
        }
        let mut p = maven_pkg(parts[0], parts[1], Some(parts[2].to_owned()), Some(n));
        if !configs.is_empty() {
            p.dev = Some(configs.split(',').all(is_test_config));
        }
        inv.packages.push(p);
    }
    Ok(inv)
}

// ---------------------------------------------------------------- verification-metadata.xml

pub(crate) fn verification_metadata(
    cx: &Cx<'_>,
    content: &[u8],
) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let root = xml::parse(cx, text)?;
    if root.name != "verification-metadata" {
        return Err(cx.err(
            Some(root.line),
            format!(
                "not a verification-metadata.xml: the root element is <{}>",
                root.name
            ),
        ));
    }
    let mut inv = Inventory::default();
    let mut seen = HashSet::new();
    for c in root
        .child("components")
        .into_iter()
        .flat_map(|c| c.children("component"))
    {
        let (Some(g), Some(a), Some(v)) = (c.attr("group"), c.attr("name"), c.attr("version"))
        else {
            inv.diagnostics
                .push(cx.diag(Some(c.line), "component without group, name or version"));
            continue;
        };
        if seen.insert((g.to_owned(), a.to_owned(), v.to_owned())) {
            inv.packages
                .push(maven_pkg(g, a, Some(v.to_owned()), Some(c.line)));
        }
    }
    Ok(inv)
}

// ---------------------------------------------------------------- libs.versions.toml

#[derive(Deserialize)]
struct Catalog {
    #[serde(default)]
    versions: BTreeMap<String, toml::Value>,
    #[serde(default)]
    libraries: BTreeMap<String, Spanned<toml::Value>>,
}

/// A catalog version: a string, or `{ strictly | require | prefer = "..." }`.
fn catalog_version(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Table(t) => ["strictly", "require", "prefer"]
            .iter()
            .find_map(|k| t.get(*k).and_then(toml::Value::as_str).map(str::to_owned)),
        _ => None,
    }
}

pub(crate) fn version_catalog(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let cat: Catalog = toml(cx, text)?;
    let index = LineIndex::new(text.as_bytes());
    let mut inv = Inventory::default();
    let versions: HashMap<&str, Option<String>> = cat
        .versions
        .iter()
        .map(|(k, v)| (k.as_str(), catalog_version(v)))
        .collect();
    for (alias, lib) in &cat.libraries {
        let line = Some(index.line(lib.span().start));
        let (module, version) = match lib.get_ref() {
            toml::Value::String(s) => {
                let parts: Vec<&str> = s.split(':').collect();
                match parts.as_slice() {
                    [g, a] => (format!("{g}:{a}"), None),
                    [g, a, v] => (format!("{g}:{a}"), Some((*v).to_owned())),
                    _ => {
                        inv.diagnostics
                            .push(cx.diag(line, format!("library `{alias}`: cannot read `{s}`")));
                        continue;
                    }
                }
            }
            toml::Value::Table(t) => {
                let module = t
                    .get("module")
                    .and_then(toml::Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| {
                        let g = t.get("group").and_then(toml::Value::as_str)?;
                        let n = t.get("name").and_then(toml::Value::as_str)?;
                        Some(format!("{g}:{n}"))
                    });
                let Some(module) = module else {
                    inv.diagnostics.push(cx.diag(
                        line,
                        format!("library `{alias}` has no module or group/name"),
                    ));
                    continue;
                };
                let version = match t.get("version") {
                    Some(toml::Value::Table(vt)) if vt.contains_key("ref") => vt
                        .get("ref")
                        .and_then(toml::Value::as_str)
                        .and_then(|r| versions.get(r).cloned().flatten()),
                    Some(v) => catalog_version(v),
                    None => None,
                };
                (module, version)
            }
            _ => {
                inv.diagnostics.push(cx.diag(
                    line,
                    format!("library `{alias}` is neither a string nor a table"),
                ));
                continue;
            }
        };
        let Some((g, a)) = module.split_once(':') else {
            inv.diagnostics.push(cx.diag(
                line,
                format!("library `{alias}`: module `{module}` is not `group:name`"),
            ));
            continue;
        };
        let version = version.as_deref().and_then(pinned);
        if version.is_none() {
            inv.diagnostics.push(cx.diag(
                line,
                format!("library `{alias}` ({module}) has no pinned version"),
            ));
        }
        inv.packages.push(maven_pkg(g, a, version, line));
    }
    inv.packages.sort_by_key(|p| p.line);
    Ok(inv)
}

// ---------------------------------------------------------------- build.gradle

/// Literal `group:name:version` strings inside `dependencies { }` blocks, with `$var` and
/// `${var}` taken from `def`/`val`/`ext` string assignments in the same file. Versions set
/// by plugins, platforms or other files cannot be known without running Gradle.
pub(crate) fn build_gradle(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    let mut vars: HashMap<String, String> = HashMap::new();
    // Brace depth at which each open `dependencies {` block started.
    let mut depth: i64 = 0;
    let mut dep_blocks: Vec<i64> = Vec::new();
    let mut config = String::new();
    let mut in_block_comment = false;
    for (n, raw) in numbered_lines(text) {
        let mut line = raw.trim().to_owned();
        if in_block_comment {
            match line.find("*/") {
                Some(i) => {
                    line = line[i + 2..].to_owned();
                    in_block_comment = false;
                }
                None => continue,
            }
        }
        if let Some(i) = line.find("/*") {
            if !line[i..].contains("*/") {
                in_block_comment = true;
            }
            line.truncate(i);
        }
        if line.starts_with("//") {
            continue;
        }
        // `def x = "1.0"`, `val x = "1.0"`, `x = '1.0'` (in ext), `set("x", "1.0")`.
        let assign = line
            .trim_start_matches("def ")
            .trim_start_matches("val ")
            .trim_start_matches("var ");
        if let Some((k, v)) = assign.split_once('=') {
            let k = k.trim().trim_start_matches("ext.");
            let v = v.trim();
            if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.is_empty()
                && let Some(s) = quoted(v).first()
            {
                vars.insert(k.to_owned(), s.clone());
            }
        }
        let opens = i64::try_from(line.matches('{').count()).unwrap_or(0);
        let closes = i64::try_from(line.matches('}').count()).unwrap_or(0);
        let starts_block = line.starts_with("dependencies") && line.contains('{');
        if starts_block {
            dep_blocks.push(depth);
        }
        if !dep_blocks.is_empty() && !starts_block {
            let first = line.split([' ', '(']).next().unwrap_or("");
            if first.chars().next().is_some_and(char::is_alphabetic) {
                first.clone_into(&mut config);
            }
            let mut coordinates = quoted(&line);
            // Map notation: `group: 'g', name: 'n', version: 'v'` (Kotlin: `group = "g"`).
            if let (Some(g), Some(a)) = (keyed_value(&line, "group"), keyed_value(&line, "name")) {
                let v = keyed_value(&line, "version").unwrap_or_default();
                coordinates = vec![format!("{g}:{a}:{v}")];
            }
            for s in coordinates {
                let s = interpolate_gradle(&s, &vars);
                let parts: Vec<&str> = s.split(':').collect();
                let ok = |p: &str| {
                    !p.is_empty()
                        && p.chars().all(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+')
                        })
                };
                if (parts.len() == 3 || parts.len() == 4) && ok(parts[0]) && ok(parts[1]) {
                    let version = pinned(parts[2]).filter(|v| !v.contains('+') && ok(v));
                    if version.is_none() {
                        inv.diagnostics.push(cx.diag(
                            Some(n),
                            format!(
                                "{}:{}: version `{}` is not pinned",
                                parts[0], parts[1], parts[2]
                            ),
                        ));
                    }
                    let mut p = maven_pkg(parts[0], parts[1], version, Some(n));
                    p.direct = Some(true);
                    p.dev = Some(is_test_config(&config));
                    inv.packages.push(p);
                }
            }
        }
        depth += opens - closes;
        while dep_blocks.last().is_some_and(|&d| depth <= d) {
            dep_blocks.pop();
        }
    }
    Ok(inv)
}

/// The quoted value of `key: '...'` or `key = "..."` in a line.
fn keyed_value(line: &str, key: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = line.get(from..)?.find(key) {
        let start = from + at;
        from = start + key.len();
        let before_ok = line[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let rest = line[from..].trim_start();
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = &rest[1..];
        let end = body.find(quote)?;
        return Some(body[..end].to_owned());
    }
    None
}

/// The contents of the `"..."` and `'...'` literals of a line.
fn quoted(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '"' || c == '\'' {
            let mut s = String::new();
            let mut closed = false;
            for d in chars.by_ref() {
                if d == c {
                    closed = true;
                    break;
                }
                s.push(d);
            }
            if closed {
                out.push(s);
            }
        }
    }
    out
}

fn interpolate_gradle(s: &str, vars: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, tail) = if let Some(b) = after.strip_prefix('{') {
            match b.find('}') {
                Some(e) => (&b[..e], &b[e + 1..]),
                None => (b, ""),
            }
        } else {
            let e = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..e], &after[e..])
        };
        match vars.get(
            name.trim_start_matches("project.")
                .trim_start_matches("rootProject.ext."),
        ) {
            Some(v) => out.push_str(v),
            None => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}
