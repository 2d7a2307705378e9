//! The OSV schema (<https://ossf.github.io/osv-schema/>), as much of it as matching,
//! reporting and status need. Unknown fields are ignored and `null` is read as absent,
//! so records from any schema version load.

use serde::{Deserialize, Deserializer, Serialize};

/// One OSV record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// The record's id (`RUSTSEC-2016-0001`, `GHSA-…`, `PYSEC-…`, `GO-…`).
    pub id: String,
    /// Other ids of the same vulnerability.
    #[serde(default, deserialize_with = "nullable")]
    pub aliases: Vec<String>,
    /// Ids of related but different vulnerabilities (never merged).
    #[serde(default, deserialize_with = "nullable")]
    pub related: Vec<String>,
    /// RFC 3339 time of the last change.
    #[serde(default, deserialize_with = "nullable")]
    pub modified: String,
    /// RFC 3339 time of publication.
    #[serde(default)]
    pub published: Option<String>,
    /// Set when the record was withdrawn: it must not be matched.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// One-line summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Markdown details.
    #[serde(default)]
    pub details: Option<String>,
    /// Severity vectors (`CVSS_V3`, `CVSS_V4`, …).
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    /// The affected packages.
    #[serde(default, deserialize_with = "nullable")]
    pub affected: Vec<Affected>,
    /// Links.
    #[serde(default, deserialize_with = "nullable")]
    pub references: Vec<Reference>,
    /// Database-specific data, kept raw.
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// A `severity[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityEntry {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, …
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    /// The vector (for CVSS types) or the ecosystem's rating.
    #[serde(default, deserialize_with = "nullable")]
    pub score: String,
}

/// An `affected[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    /// The package (absent for some GIT-only records).
    #[serde(default)]
    pub package: Option<Package>,
    /// Per-package severity (schema 1.7).
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    /// Version ranges.
    #[serde(default, deserialize_with = "nullable")]
    pub ranges: Vec<Range>,
    /// Explicitly enumerated affected versions.
    #[serde(default, deserialize_with = "nullable")]
    pub versions: Vec<String>,
    /// Ecosystem-specific data, kept raw.
    #[serde(default)]
    pub ecosystem_specific: Option<serde_json::Value>,
    /// Database-specific data, kept raw.
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// `affected[].package`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// The OSV ecosystem name (`crates.io`, `PyPI`, `Debian:12`).
    #[serde(default, deserialize_with = "nullable")]
    pub ecosystem: String,
    /// The package name as the ecosystem spells it.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// The package URL, when given.
    #[serde(default)]
    pub purl: Option<String>,
}

/// `affected[].ranges[]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    /// The repository of a GIT range.
    #[serde(default)]
    pub repo: Option<String>,
    /// The events, in any order.
    #[serde(default, deserialize_with = "nullable")]
    pub events: Vec<Event>,
}

/// One event of a range: exactly one of the fields is set in a valid record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The version where the vulnerability starts (`"0"`: from the beginning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    /// The first version with the fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The last affected version (no fix known above it in this range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    /// An upper bound: versions at or above it are not in the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// A `references[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// `ADVISORY`, `FIX`, `WEB`, …
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    /// The URL.
    #[serde(default, deserialize_with = "nullable")]
    pub url: String,
}

/// Reads `null` as the type's default.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Normalises a package name the way its ecosystem compares names, so that lookups find
/// the advisories whatever spelling the lockfile uses: PyPI names per PEP 503 (lower case,
/// runs of `-`, `_`, `.` as one `-`); the registries whose package identity ignores case
/// (Packagist, NuGet, npm, Hex, Pub, crates.io) in ASCII lower case. Every other ecosystem
/// (Go module paths, Maven coordinates, RubyGems, distributions) compares names exactly.
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    match base {
        "PyPI" => {
            // `re.sub(r"[-_.]+", "-", name).lower()`
            let mut out = String::with_capacity(name.len());
            let mut in_sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_sep {
                        out.push('-');
                    }
                    in_sep = true;
                } else {
                    in_sep = false;
                    out.extend(c.to_lowercase());
                }
            }
            out
        }
        "Packagist" | "NuGet" | "npm" | "Hex" | "Pub" | "crates.io" => name.to_ascii_lowercase(),
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep_503() {
        assert_eq!(
            normalize_name("PyPI", "Django_Rest.Framework"),
            "django-rest-framework"
        );
        assert_eq!(normalize_name("PyPI", "a--_.b"), "a-b");
        assert_eq!(normalize_name("crates.io", "Serde"), "serde");
        assert_eq!(
            normalize_name("Go", "github.com/Foo/bar"),
            "github.com/Foo/bar"
        );
    }

    #[test]
    fn tolerant_of_nulls_and_unknown_fields() {
        let json = r#"{"id":"X-1","aliases":null,"affected":[{"package":{"ecosystem":"npm","name":"a"},
            "ranges":null,"versions":["1.0.0"],"new_field":{"x":1}}],"schema_version":"1.7.0"}"#;
        let a: Advisory = match serde_json::from_str(json) {
            Ok(a) => a,
            Err(e) => panic!("{e}"),
        };
        assert!(a.aliases.is_empty());
        assert_eq!(a.affected[0].versions, ["1.0.0"]);
    }
}
