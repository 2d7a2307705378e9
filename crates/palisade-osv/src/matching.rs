//! OSV range evaluation (<https://ossf.github.io/osv-schema/#evaluation>), alias merging
//! and the smallest fixing upgrade.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use palisade_version::{Ecosystem, Version};

use crate::cvss::{self, Rating};
use crate::model::{Advisory, Affected, Event, Range, normalize_name};

/// An installed package to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRef<'a> {
    /// The OSV ecosystem name (`crates.io`, `PyPI`, …).
    pub ecosystem: &'a str,
    /// The package name, in any spelling the ecosystem treats as the same.
    pub name: &'a str,
    /// The installed version.
    pub version: &'a str,
}

/// What evaluating one advisory against one package found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// The version is affected.
    pub affected: bool,
    /// GIT ranges of this package that were skipped (commit ranges need a repository).
    pub skipped_git_ranges: usize,
    /// Ranges that could not be evaluated: ECOSYSTEM ranges of an ecosystem with no known
    /// version ordering, or ranges of an unknown type.
    pub unevaluated_ranges: usize,
}

impl PackageMatch {
    /// The answer for a package whose ecosystem the data does not cover: not checked,
    /// never clean.
    pub fn no_data() -> Self {
        PackageMatch {
            no_data_for_ecosystem: true,
            vulnerabilities: Vec::new(),
            upgrade_to: None,
            skipped_git_ranges: 0,
            unevaluated_ranges: 0,
        }
    }
}

/// Whether `version` of the package is affected by the advisory. Withdrawn advisories
/// affect nothing. See [`evaluate`] for the counts of skipped ranges.
pub fn affected(advisory: &Advisory, ecosystem: &str, name: &str, version: &str) -> bool {
    evaluate(
        advisory,
        &PackageRef {
            ecosystem,
            name,
            version,
        },
    )
    .affected
}

/// Evaluates an advisory against a package: every `affected[]` entry for the package
/// (same ecosystem, same normalised name) is checked, by its `versions` list and each of
/// its ranges; one hit is enough.
pub fn evaluate(advisory: &Advisory, pkg: &PackageRef<'_>) -> Evaluation {
    let mut out = Evaluation::default();
    if advisory.withdrawn.is_some() {
        return out;
    }
    let name = normalize_name(pkg.ecosystem, pkg.name);
    for entry in entries_for(advisory, pkg.ecosystem, &name) {
        if entry.versions.iter().any(|v| v == pkg.version) {
            out.affected = true;
        }
        for range in &entry.ranges {
            match range_ordering(range, pkg.ecosystem) {
                RangeKind::Git => out.skipped_git_ranges += 1,
                RangeKind::Unknown => out.unevaluated_ranges += 1,
                RangeKind::Ordered(eco) => {
                    if in_range(range, eco, &Version::parse(eco, pkg.version)) {
                        out.affected = true;
                    }
                }
            }
        }
    }
    out
}

fn entries_for<'a>(
    advisory: &'a Advisory,
    ecosystem: &'a str,
    normalized: &'a str,
) -> impl Iterator<Item = &'a Affected> + 'a {
    advisory.affected.iter().filter(move |a| {
        a.package.as_ref().is_some_and(|p| {
            p.ecosystem == ecosystem && normalize_name(&p.ecosystem, &p.name) == normalized
        })
    })
}

enum RangeKind {
    Git,
    Unknown,
    Ordered(Ecosystem),
}

fn range_ordering(range: &Range, ecosystem: &str) -> RangeKind {
    match range.kind.as_str() {
        "SEMVER" => RangeKind::Ordered(Ecosystem::SemVer),
        "ECOSYSTEM" => {
            Ecosystem::from_osv(ecosystem).map_or(RangeKind::Unknown, RangeKind::Ordered)
        }
        "GIT" => RangeKind::Git,
        _ => RangeKind::Unknown,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EventKind {
    Introduced,
    LastAffected,
    Fixed,
    Limit,
}

struct SortedEvent {
    kind: EventKind,
    /// `None` for `introduced: "0"`, which sorts before every version.
    at: Option<Version>,
}

fn version_cmp(a: &SortedEvent, b: &SortedEvent) -> Ordering {
    match (&a.at, &b.at) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    }
}

fn sorted_events(range: &Range, eco: Ecosystem) -> Vec<SortedEvent> {
    let mut events: Vec<SortedEvent> = range
        .events
        .iter()
        .filter_map(|e: &Event| {
            let (kind, text) = if let Some(v) = &e.introduced {
                (EventKind::Introduced, v)
            } else if let Some(v) = &e.fixed {
                (EventKind::Fixed, v)
            } else if let Some(v) = &e.last_affected {
                (EventKind::LastAffected, v)
            } else if let Some(v) = &e.limit {
                (EventKind::Limit, v)
            } else {
                return None;
            };
            let at = if kind == EventKind::Introduced && text == "0" {
                None
            } else {
                Some(Version::parse(eco, text))
            };
            Some(SortedEvent { kind, at })
        })
        .collect();
    // A stable insertion sort by version alone: events at the same version keep the
    // record's order, which is how records mean them (`fixed: 2.4.50, introduced: 2.4.50`
    // re-opens at 2.4.50; `introduced: X, fixed: X` is empty), and it cannot panic on the
    // two orderings that are not transitive in corner cases (see palisade-version).
    for i in 1..events.len() {
        let mut j = i;
        while j > 0 && version_cmp(&events[j - 1], &events[j]) == Ordering::Greater {
            events.swap(j - 1, j);
            j -= 1;
        }
    }
    events
}

/// The schema's evaluation: walk the sorted events, `introduced` at or below the version
/// turns "affected" on, `fixed` at or below (or `last_affected` strictly below) turns it
/// off; `limit` events bound the range from above (below at least one limit).
fn in_range(range: &Range, eco: Ecosystem, version: &Version) -> bool {
    let events = sorted_events(range, eco);
    let limits: Vec<&Version> = events
        .iter()
        .filter(|e| e.kind == EventKind::Limit)
        .filter_map(|e| e.at.as_ref())
        .collect();
    if !limits.is_empty() && !limits.iter().any(|l| version < *l) {
        return false;
    }
    let mut affected = false;
    for event in &events {
        match (event.kind, &event.at) {
            (EventKind::Introduced, None) => affected = true,
            (EventKind::Introduced, Some(at)) if version >= at => affected = true,
            (EventKind::Fixed, Some(at)) if version >= at => affected = false,
            (EventKind::LastAffected, Some(at)) if version > at => affected = false,
            _ => {}
        }
    }
    affected
}

/// The `fixed` versions an advisory names for a package (candidates for an upgrade).
fn fixed_versions(advisory: &Advisory, ecosystem: &str, normalized: &str) -> Vec<String> {
    entries_for(advisory, ecosystem, normalized)
        .flat_map(|a| a.ranges.iter())
        .filter(|r| r.kind != "GIT")
        .flat_map(|r| r.events.iter())
        .filter_map(|e| e.fixed.clone())
        .collect()
}

/// The severity computed for a vulnerability.
#[derive(Debug, Clone, PartialEq)]
pub struct Severity {
    /// The CVSS base score.
    pub score: f64,
    /// Its rating.
    pub rating: Rating,
    /// The vector it was computed from.
    pub vector: String,
}

/// One vulnerability in one package: advisories that share an id or alias, merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Vulnerability {
    /// Every id and alias, CVE first, then GHSA, then the rest in alphabetical order.
    pub ids: Vec<String>,
    /// The ids of the advisories of the database that matched (a subset of `ids`).
    pub advisories: Vec<String>,
    /// The first summary among the merged advisories (in advisory id order).
    pub summary: Option<String>,
    /// The highest severity computed from a CVSS v3.x vector of any merged advisory
    /// (record-level or on this package's `affected` entry); `None` when no such vector
    /// exists (CVSS v4.0 vectors are not computed, and ratings given as text are not
    /// copied).
    pub severity: Option<Severity>,
    /// The smallest version above the installed one fixing these advisories, if any.
    pub fixed_in: Option<String>,
}

/// The result of matching one package.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageMatch {
    /// The database holds no advisory for the package's ecosystem: the package was not
    /// checked and must not be counted as clean.
    pub no_data_for_ecosystem: bool,
    /// The vulnerabilities found, one per merged alias group.
    pub vulnerabilities: Vec<Vulnerability>,
    /// The smallest version above the installed one that fixes every vulnerability found;
    /// `None` when there is none (or nothing was found).
    pub upgrade_to: Option<String>,
    /// GIT ranges skipped while matching.
    pub skipped_git_ranges: usize,
    /// Ranges that could not be evaluated.
    pub unevaluated_ranges: usize,
}

/// Matches the advisories of a package (as returned by a lookup) against its version.
pub fn match_advisories(advisories: &[Advisory], pkg: &PackageRef<'_>) -> PackageMatch {
    let normalized = normalize_name(pkg.ecosystem, pkg.name);
    let mut skipped_git_ranges = 0;
    let mut unevaluated_ranges = 0;
    let mut hits: Vec<&Advisory> = Vec::new();
    for advisory in advisories {
        let eval = evaluate(advisory, pkg);
        skipped_git_ranges += eval.skipped_git_ranges;
        unevaluated_ranges += eval.unevaluated_ranges;
        if eval.affected {
            hits.push(advisory);
        }
    }
    hits.sort_by(|a, b| a.id.cmp(&b.id));
    hits.dedup_by(|a, b| a.id == b.id);

    // Union the advisories whose id sets intersect.
    let sets: Vec<BTreeSet<&str>> = hits
        .iter()
        .map(|a| {
            std::iter::once(a.id.as_str())
                .chain(a.aliases.iter().map(String::as_str))
                .collect()
        })
        .collect();
    let mut group: Vec<usize> = (0..hits.len()).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            group[i] = group[group[i]];
            i = group[i];
        }
        i
    }
    for i in 0..hits.len() {
        for j in (i + 1)..hits.len() {
            if !sets[i].is_disjoint(&sets[j]) {
                let (ri, rj) = (root(&mut group, i), root(&mut group, j));
                if ri != rj {
                    group[rj.max(ri)] = rj.min(ri);
                }
            }
        }
    }
    let eco = Ecosystem::from_osv(pkg.ecosystem).ok();
    let installed = eco.map(|e| Version::parse(e, pkg.version));
    let mut vulnerabilities = Vec::new();
    for r in 0..hits.len() {
        let members: Vec<&Advisory> = (0..hits.len())
            .filter(|&i| root(&mut group, i) == r)
            .map(|i| hits[i])
            .collect();
        if members.is_empty() {
            continue;
        }
        let mut ids: Vec<String> = members
            .iter()
            .flat_map(|a| std::iter::once(&a.id).chain(a.aliases.iter()))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        ids.sort_by_key(|id| {
            let rank = if id.starts_with("CVE-") {
                0
            } else if id.starts_with("GHSA-") {
                1
            } else {
                2
            };
            (rank, id.clone())
        });
        // The vectors of this package's entries (schema 1.7) when any scores, else the
        // record-level ones; among them a CVSS v4.0 vector decides, else the highest v3.
        let score_all = |list: Vec<&crate::model::SeverityEntry>| {
            list.into_iter()
                .filter_map(|s| {
                    cvss::score(&s.score).ok().map(|sc| Severity {
                        score: sc.base,
                        rating: sc.rating,
                        vector: s.score.clone(),
                    })
                })
                .max_by(|a, b| {
                    (is_v4(&a.vector), a.score)
                        .partial_cmp(&(is_v4(&b.vector), b.score))
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
        };
        let package_level: Vec<_> = members
            .iter()
            .flat_map(|a| {
                entries_for(a, pkg.ecosystem, &normalized).flat_map(|e| e.severity.iter())
            })
            .collect();
        let severity = score_all(package_level)
            .or_else(|| score_all(members.iter().flat_map(|a| a.severity.iter()).collect()));
        let fixed_in = match (eco, &installed) {
            (Some(eco), Some(installed)) => {
                smallest_fix(&members, pkg, eco, installed, &normalized)
            }
            _ => None,
        };
        vulnerabilities.push(Vulnerability {
            ids,
            advisories: members.iter().map(|a| a.id.clone()).collect(),
            summary: members.iter().find_map(|a| a.summary.clone()),
            severity,
            fixed_in,
        });
    }
    let upgrade_to = match (eco, &installed) {
        (Some(eco), Some(installed)) if !hits.is_empty() => {
            smallest_fix(&hits, pkg, eco, installed, &normalized)
        }
        _ => None,
    };
    PackageMatch {
        no_data_for_ecosystem: false,
        vulnerabilities,
        upgrade_to,
        skipped_git_ranges,
        unevaluated_ranges,
    }
}

/// The smallest `fixed` version (named by any of the advisories) above `installed` at
/// which none of the advisories applies any more.
fn smallest_fix(
    advisories: &[&Advisory],
    pkg: &PackageRef<'_>,
    eco: Ecosystem,
    installed: &Version,
    normalized: &str,
) -> Option<String> {
    // No sort: two orderings are not transitive in corner cases (see palisade-version),
    // and `min` stays well defined where `sort` may panic.
    advisories
        .iter()
        .flat_map(|a| fixed_versions(a, pkg.ecosystem, normalized))
        .map(|v| Version::parse(eco, &v))
        .filter(|v| v > installed)
        .filter(|c| {
            let probe = PackageRef {
                ecosystem: pkg.ecosystem,
                name: pkg.name,
                version: c.as_str(),
            };
            advisories.iter().all(|a| !evaluate(a, &probe).affected)
        })
        .min()
        .map(|c| c.as_str().to_owned())
}

fn is_v4(vector: &str) -> bool {
    vector.trim_start().starts_with("CVSS:4.0/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn adv(value: serde_json::Value) -> Advisory {
        match serde_json::from_value(value) {
            Ok(a) => a,
            Err(e) => panic!("bad test advisory: {e}"),
        }
    }

    /// An advisory for crates.io `demo` with one range of `kind` and these events.
    fn ranged(kind: &str, events: serde_json::Value) -> Advisory {
        adv(json!({
            "id": "TEST-1", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "crates.io", "name": "demo"},
                          "ranges": [{"type": kind, "events": events}]}]
        }))
    }

    fn hit(a: &Advisory, v: &str) -> bool {
        affected(a, "crates.io", "demo", v)
    }

    #[test]
    fn introduced_zero_and_fixed() {
        let a = ranged("SEMVER", json!([{"introduced": "0"}, {"fixed": "1.2.3"}]));
        assert!(hit(&a, "0.0.1"));
        assert!(hit(&a, "1.2.2"));
        assert!(hit(&a, "1.2.3-rc.1"));
        assert!(!hit(&a, "1.2.3"));
        assert!(!hit(&a, "2.0.0"));
    }

    #[test]
    fn introduced_is_inclusive() {
        let a = ranged(
            "SEMVER",
            json!([{"introduced": "1.0.0"}, {"fixed": "1.5.0"}]),
        );
        assert!(!hit(&a, "0.9.9"));
        assert!(!hit(&a, "1.0.0-beta"));
        assert!(hit(&a, "1.0.0"));
        assert!(hit(&a, "1.4.9"));
        assert!(!hit(&a, "1.5.0"));
    }

    #[test]
    fn last_affected_is_inclusive() {
        let a = ranged(
            "SEMVER",
            json!([{"introduced": "1.0.0"}, {"last_affected": "1.4.0"}]),
        );
        assert!(hit(&a, "1.4.0"));
        assert!(!hit(&a, "1.4.1"));
        assert!(!hit(&a, "0.1.0"));
    }

    #[test]
    fn introduced_without_end_affects_everything_above() {
        let a = ranged("SEMVER", json!([{"introduced": "2.0.0"}]));
        assert!(!hit(&a, "1.9.9"));
        assert!(hit(&a, "2.0.0"));
        assert!(hit(&a, "99.0.0"));
    }

    #[test]
    fn limit_bounds_the_range() {
        let a = ranged("SEMVER", json!([{"introduced": "0"}, {"limit": "2.0.0"}]));
        assert!(hit(&a, "1.9.9"));
        assert!(!hit(&a, "2.0.0"));
        assert!(!hit(&a, "3.0.0"));
    }

    #[test]
    fn unsorted_events_with_several_intervals() {
        // 1.0 <= v < 1.2, 2.0 <= v < 2.3, written out of order.
        let a = ranged(
            "SEMVER",
            json!([{"fixed": "2.3.0"}, {"introduced": "2.0.0"}, {"fixed": "1.2.0"}, {"introduced": "1.0.0"}]),
        );
        for (v, want) in [
            ("0.9.0", false),
            ("1.0.0", true),
            ("1.1.9", true),
            ("1.2.0", false),
            ("1.9.0", false),
            ("2.0.0", true),
            ("2.2.9", true),
            ("2.3.0", false),
        ] {
            assert_eq!(hit(&a, v), want, "{v}");
        }
    }

    #[test]
    fn ties_keep_the_record_order() {
        // Bitnami's CVE-2021-42013 record: 2.4.49 fixed in 2.4.50, 2.4.50 fixed in 2.4.51.
        let a = ranged(
            "SEMVER",
            json!([{"introduced": "2.4.49"}, {"fixed": "2.4.50"}, {"introduced": "2.4.50"}, {"fixed": "2.4.51"}]),
        );
        assert!(hit(&a, "2.4.49"));
        assert!(hit(&a, "2.4.50"));
        assert!(!hit(&a, "2.4.51"));
        // A trailing `introduced: X, fixed: X` opens nothing.
        let b = ranged(
            "SEMVER",
            json!([{"introduced": "0"}, {"fixed": "3.5.4"}, {"introduced": "4.0.0"}, {"fixed": "4.0.0"}]),
        );
        assert!(hit(&b, "3.5.3"));
        assert!(!hit(&b, "4.0.0"));
        assert!(!hit(&b, "5.0.0"));
    }

    #[test]
    fn empty_range_when_introduced_equals_fixed() {
        let a = ranged(
            "SEMVER",
            json!([{"introduced": "1.0.0"}, {"fixed": "1.0.0"}]),
        );
        assert!(!hit(&a, "1.0.0"));
        let b = ranged(
            "SEMVER",
            json!([{"introduced": "1.0.0"}, {"last_affected": "1.0.0"}]),
        );
        assert!(hit(&b, "1.0.0"));
        assert!(!hit(&b, "1.0.1"));
    }

    #[test]
    fn multiple_ranges_and_versions_list() {
        let a = adv(json!({
            "id": "TEST-2",
            "affected": [{
                "package": {"ecosystem": "PyPI", "name": "Django_Rest.Framework"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0rc1"}]},
                    {"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.0.post1"}]}
                ],
                "versions": ["1.5"]
            }]
        }));
        let p = |v| affected(&a, "PyPI", "django-rest-framework", v);
        assert!(p("0.9"));
        assert!(p("1.0b2")); // PEP 440: 1.0b2 < 1.0rc1
        assert!(!p("1.0rc1"));
        assert!(!p("1.0"));
        assert!(p("1.5")); // only through the versions list
        assert!(p("2.0"));
        assert!(!p("2.0.post1"));
        assert!(!affected(&a, "PyPI", "other", "0.9"));
        assert!(!affected(&a, "npm", "django-rest-framework", "0.9"));
    }

    #[test]
    fn ecosystem_ranges_use_the_ecosystem_order() {
        // RubyGems: 1.0.0.a is a pre-release of 1.0.0; SemVer cannot parse it.
        let a = adv(json!({
            "id": "TEST-3",
            "affected": [{"package": {"ecosystem": "RubyGems", "name": "rack"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]
        }));
        assert!(affected(&a, "RubyGems", "rack", "1.0.0.a"));
        assert!(!affected(&a, "RubyGems", "rack", "1.0.0"));
        assert!(!affected(&a, "RubyGems", "rack", "1.0.0.1"));
    }

    #[test]
    fn withdrawn_affects_nothing() {
        let mut a = ranged("SEMVER", json!([{"introduced": "0"}]));
        assert!(hit(&a, "1.0.0"));
        a.withdrawn = Some("2024-02-01T00:00:00Z".to_owned());
        assert!(!hit(&a, "1.0.0"));
    }

    #[test]
    fn git_ranges_are_skipped_and_counted() {
        let a = adv(json!({
            "id": "TEST-4",
            "affected": [{"package": {"ecosystem": "crates.io", "name": "demo"},
                "ranges": [
                    {"type": "GIT", "repo": "https://example.invalid/r", "events": [{"introduced": "0"}, {"fixed": "abc123"}]},
                    {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}
                ]}]
        }));
        let pkg = PackageRef {
            ecosystem: "crates.io",
            name: "demo",
            version: "2.0.0",
        };
        let eval = evaluate(&a, &pkg);
        assert!(!eval.affected);
        assert_eq!(eval.skipped_git_ranges, 1);
    }

    #[test]
    fn aliases_merge_and_upgrade_fixes_everything() {
        let ghsa = adv(json!({
            "id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2024-0001"],
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": [{"package": {"ecosystem": "crates.io", "name": "demo"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}]}]
        }));
        let rustsec = adv(json!({
            "id": "RUSTSEC-2024-0001", "aliases": ["CVE-2024-0001"], "summary": "one bug",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}],
            "affected": [{"package": {"ecosystem": "crates.io", "name": "demo"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.1.0"}]}]}]
        }));
        let other = adv(json!({
            "id": "RUSTSEC-2024-0002",
            "affected": [{"package": {"ecosystem": "crates.io", "name": "demo"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.3.0"}, {"introduced": "2.0.0"}, {"fixed": "2.0.1"}]}]}]
        }));
        let not_hit = adv(json!({
            "id": "RUSTSEC-2020-0001",
            "affected": [{"package": {"ecosystem": "crates.io", "name": "demo"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.5.0"}]}]}]
        }));
        let all = [ghsa, rustsec, other, not_hit];
        let pkg = PackageRef {
            ecosystem: "crates.io",
            name: "Demo",
            version: "1.0.5",
        };
        let found = match_advisories(&all, &pkg);
        assert!(!found.no_data_for_ecosystem);
        assert_eq!(found.vulnerabilities.len(), 2);
        let merged = &found.vulnerabilities[0];
        assert_eq!(
            merged.ids,
            ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc", "RUSTSEC-2024-0001"]
        );
        assert_eq!(
            merged.advisories,
            ["GHSA-aaaa-bbbb-cccc", "RUSTSEC-2024-0001"]
        );
        assert_eq!(merged.summary.as_deref(), Some("one bug"));
        let severity = merged.severity.as_ref().map(|s| (s.score, s.rating));
        assert_eq!(severity, Some((9.8, Rating::Critical)));
        assert_eq!(merged.fixed_in.as_deref(), Some("1.2.0"));
        assert_eq!(found.vulnerabilities[1].ids, ["RUSTSEC-2024-0002"]);
        assert_eq!(found.vulnerabilities[1].fixed_in.as_deref(), Some("1.3.0"));
        assert_eq!(found.upgrade_to.as_deref(), Some("1.3.0"));

        // On the 2.x line only the second advisory applies, fixed in 2.0.1.
        let pkg = PackageRef {
            version: "2.0.0",
            ..pkg
        };
        let found = match_advisories(&all, &pkg);
        assert_eq!(found.upgrade_to.as_deref(), Some("2.0.1"));
    }

    #[test]
    fn unknown_orderings_are_counted_not_guessed() {
        let a = adv(json!({
            "id": "TEST-5",
            "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
            "affected": [{"package": {"ecosystem": "Ruby-engines(rubysec)", "name": "jruby"},
                "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N"}],
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.4.1"}]}],
                "versions": ["1.4.0"]}]
        }));
        let pkg = PackageRef {
            ecosystem: "Ruby-engines(rubysec)",
            name: "jruby",
            version: "1.3.0",
        };
        let eval = evaluate(&a, &pkg);
        assert!(!eval.affected);
        assert_eq!(eval.unevaluated_ranges, 1);
        // The versions list needs no ordering; the package-level vector gives the severity.
        let pkg = PackageRef {
            version: "1.4.0",
            ..pkg
        };
        let found = match_advisories(std::slice::from_ref(&a), &pkg);
        assert_eq!(found.vulnerabilities.len(), 1);
        let severity = found.vulnerabilities[0].severity.as_ref().map(|s| s.score);
        assert_eq!(severity, Some(4.3));
        assert_eq!(found.unevaluated_ranges, 1);
    }

    #[test]
    fn a_v4_vector_decides_the_severity_when_present() {
        let a = adv(json!({
            "id": "TEST-V4",
            "severity": [
                {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
                {"type": "CVSS_V4", "score": "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}
            ],
            "affected": [{"package": {"ecosystem": "crates.io", "name": "x"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]
        }));
        let pkg = PackageRef {
            ecosystem: "crates.io",
            name: "x",
            version: "0.5.0",
        };
        let found = match_advisories(std::slice::from_ref(&a), &pkg);
        let severity = found.vulnerabilities[0]
            .severity
            .as_ref()
            .expect("severity");
        assert_eq!(severity.score, 8.5, "the v4 score, not the v3 9.8");
        assert_eq!(severity.rating, Rating::High);
        assert!(severity.vector.starts_with("CVSS:4.0/"));
    }

    #[test]
    fn no_upgrade_when_nothing_fixes() {
        let a = ranged(
            "SEMVER",
            json!([{"introduced": "0"}, {"last_affected": "3.0.0"}]),
        );
        let pkg = PackageRef {
            ecosystem: "crates.io",
            name: "demo",
            version: "1.0.0",
        };
        let found = match_advisories(&[a], &pkg);
        assert_eq!(found.vulnerabilities.len(), 1);
        assert_eq!(found.vulnerabilities[0].fixed_in, None);
        assert_eq!(found.upgrade_to, None);
    }
}
