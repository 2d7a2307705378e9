//! Go: `go.mod` and `go.sum`.
//!
//! Versions are kept as the files write them (`v1.2.3`, pseudo-versions included), which is
//! also what the Go purl uses; OSV's Go ranges drop the `v`, which version matching handles.

use std::collections::{HashMap, HashSet};

use crate::text::numbered_lines;
use crate::{Cx, Inventory, LockfileError, Package, pkg, purl};

const GO: &str = "Go";

fn go_pkg(name: &str, version: &str, line: u32) -> Package {
    let v = Some(version.to_owned());
    let p = purl::for_ecosystem(GO, name, v.as_deref());
    pkg(GO, name, v, p, Some(line))
}

/// Splits a go.mod line into fields, honouring quoted strings, and drops a `//` comment
/// (returned separately).
fn fields(line: &str) -> (Vec<String>, &str) {
    let (code, comment) = match line.find("//") {
        Some(i) => (&line[..i], line[i + 2..].trim()),
        None => (line, ""),
    };
    let mut out = Vec::new();
    let mut chars = code.trim().chars().peekable();
    let mut cur = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                    cur.push(d);
                }
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    (out, comment)
}

/// `replace old [version] => new [version]`, with its line.
type Replace = (String, Option<String>, String, Option<String>, u32);

pub(crate) fn go_mod(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    let mut block: Option<String> = None;
    let mut block_line = 0;
    let mut saw_module = false;
    // (module, version) -> replacement (module, version or None for a local path).
    let mut replaces: Vec<Replace> = Vec::new();
    let mut excludes: HashSet<(String, String)> = HashSet::new();
    for (n, raw) in numbered_lines(text) {
        let (mut f, comment) = fields(raw);
        if f.is_empty() {
            continue;
        }
        let verb = if let Some(b) = &block {
            if f[0] == ")" {
                block = None;
                continue;
            }
            b.clone()
        } else {
            let v = f.remove(0);
            if f.first().is_some_and(|x| x == "(") {
                block = Some(v);
                block_line = n;
                continue;
            }
            v
        };
        match verb.as_str() {
            "module" => saw_module = true,
            "require" => {
                if f.len() < 2 {
                    inv.diagnostics
                        .push(cx.diag(Some(n), "require without a module and version"));
                    continue;
                }
                let mut p = go_pkg(&f[0], &f[1], n);
                p.direct = Some(!comment.split(';').any(|c| c.trim() == "indirect"));
                inv.packages.push(p);
            }
            "replace" => {
                let Some(arrow) = f.iter().position(|x| x == "=>") else {
                    inv.diagnostics
                        .push(cx.diag(Some(n), "replace without `=>`"));
                    continue;
                };
                let (from, to) = f.split_at(arrow);
                let to = &to[1..];
                let (Some(old), Some(new)) = (from.first(), to.first()) else {
                    inv.diagnostics.push(cx.diag(Some(n), "incomplete replace"));
                    continue;
                };
                replaces.push((
                    old.clone(),
                    from.get(1).cloned(),
                    new.clone(),
                    to.get(1).cloned(),
                    n,
                ));
            }
            "exclude" => {
                if f.len() >= 2 {
                    excludes.insert((f[0].clone(), f[1].clone()));
                }
            }
            "go" | "toolchain" | "godebug" | "retract" | "tool" | "ignore" => {}
            other => inv
                .diagnostics
                .push(cx.diag(Some(n), format!("unknown directive `{other}`"))),
        }
    }
    if block.is_some() {
        inv.diagnostics.push(cx.diag(
            Some(block_line),
            "`(` block not closed at the end of the file",
        ));
    }
    if !saw_module && !text.trim().is_empty() && inv.packages.is_empty() {
        return Err(cx.err(Some(1), "not a go.mod: no module directive"));
    }
    inv.packages
        .retain(|p| !excludes.contains(&(p.name.clone(), p.version.clone().unwrap_or_default())));
    // Replace rules by module, so applying them stays linear.
    let mut by_old: HashMap<&str, Vec<&Replace>> = HashMap::new();
    for r in &replaces {
        by_old.entry(r.0.as_str()).or_default().push(r);
    }
    let mut keep = Vec::with_capacity(inv.packages.len());
    for mut p in std::mem::take(&mut inv.packages) {
        let rule = by_old.get(p.name.as_str()).and_then(|rules| {
            rules
                .iter()
                .rev()
                .find(|(_, ov, ..)| ov.as_ref().is_none_or(|v| Some(v) == p.version.as_ref()))
        });
        if let Some((_, _, new, nv, _)) = rule {
            if new.starts_with("./")
                || new.starts_with("../")
                || new.starts_with('/')
                || nv.is_none()
            {
                continue; // replaced by a local directory: the project's own code
            }
            p.name.clone_from(new);
            p.version.clone_from(nv);
            p.purl = purl::for_ecosystem(GO, &p.name, p.version.as_deref());
        }
        keep.push(p);
    }
    inv.packages = keep;
    Ok(inv)
}

pub(crate) fn go_sum(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (n, raw) in numbered_lines(text) {
        let parts: Vec<&str> = raw.split_whitespace().collect();
        if parts.is_empty() {
            continue;
        }
        if parts.len() != 3 || !parts[2].contains(':') {
            inv.diagnostics
                .push(cx.diag(Some(n), "expected `module version hash`"));
            continue;
        }
        // Only a checksum of the module's content means its code is used; `/go.mod`
        // lines are there for the module graph.
        if parts[1].ends_with("/go.mod") {
            continue;
        }
        let key = (parts[0].to_owned(), parts[1].to_owned());
        if seen.contains_key(&key) {
            continue;
        }
        seen.insert(key, inv.packages.len());
        inv.packages.push(go_pkg(parts[0], parts[1], n));
    }
    if inv.packages.is_empty() && !inv.diagnostics.is_empty() {
        return Err(cx.err(
            inv.diagnostics[0].line,
            "not a go.sum: no `module version hash` line",
        ));
    }
    Ok(inv)
}
