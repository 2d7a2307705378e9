//! Ruby `Gemfile.lock` and PHP `composer.lock`.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use crate::js::entry;
use crate::text::{JsonLines, json, numbered_lines};
use crate::{Cx, Inventory, LockfileError, pkg, purl};

// ---------------------------------------------------------------- Gemfile.lock

/// `name (1.2.3-x86_64-linux)` -> (name, version, platform).
fn gem_spec(s: &str) -> Option<(&str, &str, Option<&str>)> {
    let (name, rest) = s.split_once(" (")?;
    let inner = rest.strip_suffix(')')?;
    // Gem versions never hold `-`; what follows one is the platform.
    Some(match inner.split_once('-') {
        Some((v, platform)) => (name, v, Some(platform)),
        None => (name, inner, None),
    })
}

pub(crate) fn gemfile_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let mut inv = Inventory::default();
    let mut section = String::new();
    let mut in_specs = false;
    let mut direct: HashSet<String> = HashSet::new();
    let mut sections_seen = 0;
    for (n, raw) in numbered_lines(text) {
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let rest = raw.trim();
        match indent {
            0 => {
                section = rest.to_owned();
                in_specs = false;
                sections_seen += 1;
            }
            2 => {
                if section == "DEPENDENCIES" {
                    let name = rest.split([' ', '!']).next().unwrap_or(rest);
                    direct.insert(name.to_owned());
                }
                in_specs = rest == "specs:";
            }
            4 if in_specs && section != "PATH" => {
                let Some((name, version, platform)) = gem_spec(rest) else {
                    inv.diagnostics
                        .push(cx.diag(Some(n), format!("cannot read a gem from `{rest}`")));
                    continue;
                };
                let p = match platform {
                    Some(pl) => {
                        purl::build("gem", None, name, Some(version), &[("platform", pl)], None)
                    }
                    None => purl::for_ecosystem("RubyGems", name, Some(version)),
                };
                inv.packages
                    .push(pkg("RubyGems", name, Some(version.to_owned()), p, Some(n)));
            }
            6 if in_specs && section != "PATH" => {
                if let Some(last) = inv.packages.last_mut() {
                    let (dep, req) = match rest.split_once(" (") {
                        Some((d, r)) => (d, r.trim_end_matches(')')),
                        None => (rest, ""),
                    };
                    last.dependencies.push((dep.to_owned(), req.to_owned()));
                }
            }
            _ => {}
        }
    }
    if sections_seen == 0 && !text.trim().is_empty() {
        return Err(cx.err(Some(1), "not a Gemfile.lock: no sections"));
    }
    for p in &mut inv.packages {
        p.direct = Some(direct.contains(&p.name));
    }
    inv.pin_dependencies_by_name();
    Ok(inv)
}

// ---------------------------------------------------------------- composer.lock

#[derive(Deserialize)]
struct ComposerLock {
    #[serde(default)]
    packages: Vec<Value>,
    #[serde(rename = "packages-dev", default)]
    packages_dev: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct ComposerPackage {
    name: String,
    version: String,
    #[serde(default)]
    require: HashMap<String, String>,
    /// SPDX ids; several mean a choice (Composer's documented semantics).
    #[serde(default)]
    license: Vec<String>,
}

pub(crate) fn composer_lock(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = cx.text(content)?;
    let lock: ComposerLock = json(cx, text)?;
    let lines = JsonLines::new(text);
    let mut inv = Inventory::default();
    let mut all: Vec<(ComposerPackage, bool, Option<u32>)> = Vec::new();
    for (section, list, dev) in [
        ("packages", lock.packages, false),
        ("packages-dev", lock.packages_dev.unwrap_or_default(), true),
    ] {
        for (i, v) in list.into_iter().enumerate() {
            let idx = i.to_string();
            let line = lines.get(&[section, &idx]);
            if let Some(p) = entry::<ComposerPackage>(
                cx,
                v,
                line,
                &format!("{section}[{i}]"),
                &mut inv.diagnostics,
            ) {
                all.push((p, dev, line));
            }
        }
    }
    let versions: HashMap<String, String> = all
        .iter()
        .map(|(p, ..)| (p.name.to_ascii_lowercase(), p.version.clone()))
        .collect();
    for (p, dev, line) in all {
        let mut pk = pkg(
            "Packagist",
            p.name.clone(),
            Some(p.version.clone()),
            purl::for_ecosystem("Packagist", &p.name, Some(&p.version)),
            line,
        );
        pk.dev = Some(dev);
        let ids: Vec<&str> = p
            .license
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty() && l.len() <= crate::MAX_FIELD)
            .collect();
        pk.license = match ids.len() {
            0 => None,
            1 => Some(ids[0].to_owned()),
            _ => Some(format!("({})", ids.join(" OR "))),
        };
        let mut deps: Vec<(String, String)> = p
            .require
            .into_iter()
            .filter(|(d, _)| {
                d != "php" && !d.starts_with("ext-") && !d.starts_with("lib-") && d.contains('/')
            })
            .map(|(d, c)| {
                let v = versions.get(&d.to_ascii_lowercase()).cloned().unwrap_or(c);
                (d, v)
            })
            .collect();
        deps.sort();
        pk.dependencies = deps;
        inv.packages.push(pk);
    }
    Ok(inv)
}
