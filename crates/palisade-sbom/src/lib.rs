//! Software bills of materials from lockfile inventories.
//!
//! [`cyclonedx`] builds a CycloneDX 1.6 JSON document and [`spdx`] an SPDX 2.3 JSON
//! document from the [`Package`]s that `palisade-lockfile` reads. Both are pure functions of
//! their input: packages are deduplicated by purl and sorted, and the document's serial
//! number / namespace is derived from a hash of its content, so the same packages and the
//! same [`Meta`] always give byte-identical output.
//!
//! Not done: validation against the official CycloneDX and SPDX JSON schemas (the tests
//! check structure only), licenses, hashes and supplier data (lockfiles mostly lack them).
//!
//! # Crates, and why
//!
//! - `serde_json`: the documents are built as [`serde_json::Value`]s, whose maps are sorted,
//!   so output is stable.
//! - No hashing or UUID crate: the serial number only needs to be deterministic and well
//!   spread, and a 128-bit FNV-1a (two 64-bit lanes) does that in a few lines. It is not a
//!   security boundary.

use std::collections::{BTreeMap, BTreeSet};

use palisade_lockfile::Package;
use serde_json::{Value, json};

/// What the document says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    /// The document's name (the scanned directory's name).
    pub name: String,
    /// Creation time, RFC 3339 UTC (`2026-01-02T03:04:05Z`); see [`rfc3339`].
    pub timestamp: String,
    /// The palisade version written as the creating tool.
    pub tool_version: String,
}

/// One component: the packages sharing a purl, merged.
struct Component<'a> {
    pkg: &'a Package,
    /// Any instance is direct.
    direct: Option<bool>,
    /// Every instance is dev-only.
    dev: bool,
    /// Resolved edges, by purl.
    depends_on: BTreeSet<&'a str>,
}

/// Packages deduplicated by purl (sorted by purl), with their edges resolved to purls of
/// packages in the list. Edges that name no package in the list are dropped.
fn components(packages: &[Package]) -> BTreeMap<&str, Component<'_>> {
    let mut by_key: BTreeMap<(&str, &str, &str), &str> = BTreeMap::new();
    for p in packages {
        if let Some(v) = p.version.as_deref() {
            by_key
                .entry((p.ecosystem.as_str(), p.name.as_str(), v))
                .or_insert(p.purl.as_str());
        }
    }
    let mut out: BTreeMap<&str, Component<'_>> = BTreeMap::new();
    for p in packages {
        let c = out.entry(p.purl.as_str()).or_insert_with(|| Component {
            pkg: p,
            direct: None,
            dev: true,
            depends_on: BTreeSet::new(),
        });
        c.direct = match (c.direct, p.direct) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), _) | (_, Some(false)) => Some(false),
            _ => None,
        };
        c.dev &= p.dev == Some(true);
        for (name, version) in &p.dependencies {
            if let Some(purl) = by_key.get(&(p.ecosystem.as_str(), name.as_str(), version.as_str()))
                && *purl != p.purl
            {
                c.depends_on.insert(purl);
            }
        }
    }
    out
}

/// A CycloneDX 1.6 JSON document listing `packages`.
#[must_use]
pub fn cyclonedx(packages: &[Package], meta: &Meta) -> Value {
    let comps = components(packages);
    let components: Vec<Value> = comps
        .values()
        .map(|c| {
            let mut v = json!({
                "type": "library",
                "bom-ref": c.pkg.purl,
                "name": c.pkg.name,
                "purl": c.pkg.purl,
                "scope": if c.dev { "optional" } else { "required" },
            });
            if let (Some(version), Some(map)) = (&c.pkg.version, v.as_object_mut()) {
                map.insert("version".into(), json!(version));
            }
            v
        })
        .collect();
    let dependencies: Vec<Value> = comps
        .iter()
        .filter(|(_, c)| !c.depends_on.is_empty())
        .map(|(purl, c)| json!({ "ref": purl, "dependsOn": c.depends_on }))
        .collect();
    let mut doc = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": meta.timestamp,
            "tools": {
                "components": [{
                    "type": "application",
                    "name": "palisade",
                    "version": meta.tool_version,
                }]
            },
            "component": { "type": "application", "name": meta.name },
        },
        "components": components,
        "dependencies": dependencies,
    });
    let uuid = content_uuid(&doc);
    if let Some(map) = doc.as_object_mut() {
        map.insert("serialNumber".into(), json!(format!("urn:uuid:{uuid}")));
    }
    doc
}

/// An SPDX 2.3 JSON document listing `packages`.
#[must_use]
pub fn spdx(packages: &[Package], meta: &Meta) -> Value {
    let comps = components(packages);
    let ids: BTreeMap<&str, String> = comps
        .keys()
        .enumerate()
        .map(|(i, purl)| (*purl, format!("SPDXRef-Package-{}", i + 1)))
        .collect();
    let depended: BTreeSet<&str> = comps
        .values()
        .flat_map(|c| c.depends_on.iter().copied())
        .collect();
    let mut spdx_packages = Vec::with_capacity(comps.len());
    let mut relationships = Vec::new();
    for (purl, c) in &comps {
        let Some(id) = ids.get(purl) else { continue };
        let mut p = json!({
            "SPDXID": id,
            "name": c.pkg.name,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": purl,
            }],
        });
        if let (Some(version), Some(map)) = (&c.pkg.version, p.as_object_mut()) {
            map.insert("versionInfo".into(), json!(version));
        }
        spdx_packages.push(p);
        let root = match c.direct {
            Some(d) => d,
            None => !depended.contains(purl),
        };
        if root {
            relationships.push(json!({
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": id,
            }));
        }
    }
    for (purl, c) in &comps {
        let Some(from) = ids.get(purl) else { continue };
        for dep in &c.depends_on {
            if let Some(to) = ids.get(dep) {
                relationships.push(json!({
                    "spdxElementId": from,
                    "relationshipType": "DEPENDS_ON",
                    "relatedSpdxElement": to,
                }));
            }
        }
    }
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": meta.name,
        "creationInfo": {
            "created": meta.timestamp,
            "creators": [format!("Tool: palisade-{}", meta.tool_version)],
        },
        "packages": spdx_packages,
        "relationships": relationships,
    });
    let uuid = content_uuid(&doc);
    let name: String = meta
        .name
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '.' || ch == '-' {
                ch
            } else {
                '-'
            }
        })
        .collect();
    if let Some(map) = doc.as_object_mut() {
        map.insert(
            "documentNamespace".into(),
            json!(format!("https://spdx.org/spdxdocs/palisade-{name}-{uuid}")),
        );
    }
    doc
}

/// A UUID (version 5 and RFC 4122 variant bits, so schema patterns accept it) derived from
/// a 128-bit FNV-1a hash of the document's compact JSON.
fn content_uuid(doc: &Value) -> String {
    let text = doc.to_string();
    let lane = |seed: u64| {
        text.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let hi = lane(0xcbf2_9ce4_8422_2325);
    let lo = lane(0x6c62_272e_07bb_0142);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `unix_seconds` as RFC 3339 UTC, e.g. `2026-11-29T11:13:00Z`.
#[must_use]
pub fn rfc3339(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    // Howard Hinnant's civil_from_days, for days since 1970-01-01 (non-negative here).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests;
