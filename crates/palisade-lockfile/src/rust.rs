//! Rust: `Cargo.lock` v1 to v4.
//!
//! Workspace members and path dependencies have no `source` and are left out; git
//! dependencies are kept (their version is the crate's, their source names the commit).

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use crate::python::entries;
use crate::text::{LineIndex, toml};
use crate::{Cx, Inventory, LockfileError, pkg, purl};

#[derive(Deserialize)]
struct CargoLock {
    #[serde(default)]
    package: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    metadata: Option<toml::Value>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

pub(crate) fn cargo_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: CargoLock = toml(cx, text)?;
    let index = LineIndex::new(text.as_bytes());
    let mut inv = Inventory::default();
    let pkgs: Vec<(CargoPackage, Option<u32>)> = entries(cx, &index, lock.package, &mut inv);
    let _ = lock.metadata; // v1 checksums: nothing to report
    let mut versions: HashMap<&str, Vec<&str>> = HashMap::new();
    for (p, _) in &pkgs {
        versions
            .entry(p.name.as_str())
            .or_default()
            .push(p.version.as_str());
    }
    // Direct: a dependency of a workspace member (a package without source).
    let mut direct: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    let resolve = |dep: &str| -> (String, String) {
        // `name`, `name version` or (v1) `name version (source)`.
        let mut it = dep.split_whitespace();
        let name = it.next().unwrap_or("").to_owned();
        let version = it.next().map(str::to_owned).or_else(|| {
            versions
                .get(name.as_str())
                .and_then(|v| (v.len() == 1).then(|| v[0].to_owned()))
        });
        (name, version.unwrap_or_default())
    };
    for (p, _) in pkgs.iter().filter(|(p, _)| p.source.is_none()) {
        for d in &p.dependencies {
            direct.insert(resolve(d));
        }
    }
    for (p, line) in &pkgs {
        let Some(source) = &p.source else { continue };
        let mut pk = pkg(
            "crates.io",
            p.name.clone(),
            Some(p.version.clone()),
            purl::for_ecosystem("crates.io", &p.name, Some(&p.version)),
            *line,
        );
        if !source.starts_with("registry+") && !source.starts_with("sparse+") {
            // A git dependency: the purl names the repository and commit it came from.
            let url = source.split(['?', '#']).next().unwrap_or(source);
            let vcs = match source.rsplit_once('#') {
                Some((_, commit)) => format!("{url}@{commit}"),
                None => url.to_owned(),
            };
            pk.purl = purl::build(
                "cargo",
                None,
                &p.name,
                Some(&p.version),
                &[("vcs_url", &vcs)],
                None,
            );
        }
        pk.direct = Some(direct.contains(&(p.name.clone(), p.version.clone())));
        pk.resolved = Some(source.clone());
        pk.dependencies = p.dependencies.iter().map(|d| resolve(d)).collect();
        inv.packages.push(pk);
    }
    Ok(inv)
}
