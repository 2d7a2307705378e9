//! Exact version ordering for every ecosystem palisade's dependency scanner matches.
//!
//! Matching a package against an advisory means asking "is this version inside that
//! range?", and every ecosystem answers "which version is newer?" differently: `1.0a1`
//! is a pre-release in PyPI but a post-release letter in Alpine, `1.0-1` is a
//! pre-release in RubyGems and a post-release in PEP 440, Maven has ranked qualifiers,
//! Debian and RPM have `~`, and so on. This crate implements each ordering from its own
//! specification (each module names it) and checks itself against the ~72,000 OSV test
//! vectors in `shared/data/version-vectors`.
//!
//! Why by hand: no single crate covers these ecosystems, the crates that cover one
//! ecosystem each disagree on leniency (most reject the odd-but-real versions found in
//! advisories and lockfiles) and would pull a regex engine or a dozen dependencies into a
//! leaf crate. The algorithms are small and fully specified; owning them lets palisade
//! match OSV's reading of every ecosystem exactly and keep the hot path allocation-free.
//!
//! # Use
//!
//! ```
//! use std::cmp::Ordering;
//! use palisade_version::{Ecosystem, Version, compare};
//!
//! let eco: Ecosystem = "PyPI".parse()?;
//! assert_eq!(compare(eco, "1.0rc1", "1.0"), Ordering::Less);
//!
//! // Parse once, compare many times.
//! let fixed = Version::parse(Ecosystem::Debian, "1:2.4.2-6+deb12u1");
//! let installed = Version::parse(Ecosystem::Debian, "1:2.4.2-6");
//! assert!(installed < fixed);
//! # Ok::<(), palisade_version::Error>(())
//! ```
//!
//! # Unparseable versions
//!
//! [`compare`] is total and never panics. Some ecosystems define an order for every
//! string (Maven, RPM, Debian apart from its epoch, Alpine, Packagist; PyPI orders
//! non-PEP 440 strings the way the legacy Python tools did). For the others — the SemVer
//! family (npm, crates.io, Go, Hex, Pub, NuGet, generic SemVer), RubyGems, Hackage, CRAN
//! and Debian with a non-numeric epoch — a string outside the grammar is *invalid*, and
//! the fallback is: **an invalid version sorts before every valid version of its
//! ecosystem, and invalid versions compare with each other byte by byte** (so equal only
//! when identical). [`Version::is_valid`] tells which case applies.
//!
//! # Transitivity
//!
//! Every ordering here is a total order except two, which reproduce the reference
//! implementations' own inconsistencies because advisories are written against them:
//!
//! - Packagist, like PHP's `version_compare`, for versions with a literal `#` part:
//!   `1.2.3.#` equals both `1.2.3` and `1.2.3.1`;
//! - Maven, like `ComparableVersion`, when a `.qualifier` and a `-qualifier` meet the end
//!   of a shorter version: `1.sp` < `1-alpha` < `1` < `1.sp`.
//!
//! Comparing such versions pairwise (what range matching does) is well defined; sorting a
//! list that mixes them with `slice::sort` may panic, as the standard library documents
//! for inconsistent orders.
//!
//! # Fuzzing
//!
//! [`fuzz_compare`] takes arbitrary bytes and checks the invariants (no panic,
//! antisymmetry, reflexivity, agreement between [`compare`] and [`Version`]); a
//! `cargo fuzz` target only needs to call it.

mod apk;
mod dotted;
mod dpkg;
mod maven;
mod num;
mod packagist;
mod pep440;
mod rpm;
mod rubygems;
mod semver;

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use num::Num;

/// The errors of this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The name is not an OSV ecosystem this crate knows how to order.
    #[error(
        "unknown or unsupported ecosystem {0:?}; expected an OSV ecosystem name such as \"npm\", \"PyPI\", \"Debian:12\" or \"Red Hat\""
    )]
    UnknownEcosystem(String),
}

/// A version ordering: one per ecosystem family.
///
/// Several OSV ecosystems share an ordering (Ubuntu uses Debian's, Rocky Linux uses
/// RPM's, …); [`Ecosystem::from_osv`] maps each OSV name to its ordering, ignoring the
/// release suffix (`Debian:12`, `Alpine:v3.19`, `Red Hat:rhel_aus:8.4::appstream`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    /// npm: SemVer 2.0 precedence, build metadata ignored, `v` prefix accepted.
    Npm,
    /// PyPI: PEP 440, with the legacy ordering for non-PEP 440 strings.
    PyPI,
    /// Maven: the POM reference's version order specification (`ComparableVersion`).
    /// Not transitive in one corner, as in Maven: `1.sp` < `1-alpha` < `1` < `1.sp`.
    Maven,
    /// Go modules: SemVer with the `v` prefix; `+incompatible` is build metadata and
    /// pseudo-versions order by their timestamp.
    Go,
    /// crates.io: SemVer 2.0 precedence (Cargo), build metadata ignored.
    CratesIo,
    /// RubyGems: `Gem::Version`.
    RubyGems,
    /// Packagist: PHP's `version_compare`, as Composer uses it, with the `v` prefix
    /// stripped. Not transitive for versions with a literal `#` part: `1.2.3.#` equals
    /// both `1.2.3` and `1.2.3.1`.
    Packagist,
    /// NuGet: four-part SemVer, case-insensitive pre-release labels.
    NuGet,
    /// Pub (Dart): SemVer where build metadata also orders (`1.0.0` < `1.0.0+1`).
    Pub,
    /// Hex (Elixir/Erlang): SemVer 2.0 precedence.
    Hex,
    /// Hackage: the Haskell PVP, numeric components, `1.0` < `1.0.0`.
    Hackage,
    /// CRAN (and Bioconductor): R's `package_version`, numbers separated by `.` or `-`.
    Cran,
    /// Debian and Ubuntu: `dpkg --compare-versions`.
    Debian,
    /// RPM: `rpmvercmp` with epoch and release (Red Hat, Rocky Linux, AlmaLinux, SUSE,
    /// openSUSE, Mageia, Photon OS, openEuler, Azure Linux). Also the ordering of the
    /// `redhat` test vectors.
    Rpm,
    /// Alpine and the other apk distributions (Wolfi, Chainguard, Alpaquita).
    Alpine,
    /// Plain SemVer 2.0 precedence: OSV's `SEMVER` range type, Bitnami, SwiftURL, Julia.
    SemVer,
}

impl Ecosystem {
    /// Every ordering, in declaration order.
    pub const ALL: [Ecosystem; 16] = [
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Maven,
        Ecosystem::Go,
        Ecosystem::CratesIo,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
        Ecosystem::NuGet,
        Ecosystem::Pub,
        Ecosystem::Hex,
        Ecosystem::Hackage,
        Ecosystem::Cran,
        Ecosystem::Debian,
        Ecosystem::Rpm,
        Ecosystem::Alpine,
        Ecosystem::SemVer,
    ];

    /// The ordering of an OSV ecosystem name (`affected[].package.ecosystem`), with or
    /// without its `:`-suffix. Names match exactly first, then ignoring ASCII case.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownEcosystem`] for a name with no known ordering (for example
    /// `GIT`, `Linux`, `Android`, `OSS-Fuzz`, whose ranges are not version-ordered).
    pub fn from_osv(name: &str) -> Result<Ecosystem, Error> {
        let base = name.split(':').next().unwrap_or(name).trim();
        OSV_NAMES
            .iter()
            .find(|(n, _)| *n == base)
            .or_else(|| OSV_NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(base)))
            .map(|&(_, eco)| eco)
            .ok_or_else(|| Error::UnknownEcosystem(name.to_owned()))
    }

    /// The canonical OSV name of the ecosystem this ordering is named after.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Maven => "Maven",
            Ecosystem::Go => "Go",
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Pub => "Pub",
            Ecosystem::Hex => "Hex",
            Ecosystem::Hackage => "Hackage",
            Ecosystem::Cran => "CRAN",
            Ecosystem::Debian => "Debian",
            Ecosystem::Rpm => "Red Hat",
            Ecosystem::Alpine => "Alpine",
            Ecosystem::SemVer => "SemVer",
        }
    }
}

/// OSV ecosystem names (<https://ossf.github.io/osv-schema/#affectedpackage-field>) and
/// their orderings.
const OSV_NAMES: &[(&str, Ecosystem)] = &[
    ("npm", Ecosystem::Npm),
    ("PyPI", Ecosystem::PyPI),
    ("Maven", Ecosystem::Maven),
    ("Go", Ecosystem::Go),
    ("crates.io", Ecosystem::CratesIo),
    ("RubyGems", Ecosystem::RubyGems),
    ("Packagist", Ecosystem::Packagist),
    ("NuGet", Ecosystem::NuGet),
    ("Pub", Ecosystem::Pub),
    ("Hex", Ecosystem::Hex),
    ("Hackage", Ecosystem::Hackage),
    ("GHC", Ecosystem::Hackage),
    ("CRAN", Ecosystem::Cran),
    ("Bioconductor", Ecosystem::Cran),
    ("Debian", Ecosystem::Debian),
    ("Ubuntu", Ecosystem::Debian),
    ("Red Hat", Ecosystem::Rpm),
    ("Rocky Linux", Ecosystem::Rpm),
    ("AlmaLinux", Ecosystem::Rpm),
    ("SUSE", Ecosystem::Rpm),
    ("openSUSE", Ecosystem::Rpm),
    ("Mageia", Ecosystem::Rpm),
    ("Photon OS", Ecosystem::Rpm),
    ("openEuler", Ecosystem::Rpm),
    ("Azure Linux", Ecosystem::Rpm),
    ("Alpine", Ecosystem::Alpine),
    ("Wolfi", Ecosystem::Alpine),
    ("Chainguard", Ecosystem::Alpine),
    ("Alpaquita", Ecosystem::Alpine),
    ("BellSoft Hardened Containers", Ecosystem::Alpine),
    ("Bitnami", Ecosystem::SemVer),
    ("SwiftURL", Ecosystem::SemVer),
    ("Julia", Ecosystem::SemVer),
    ("SemVer", Ecosystem::SemVer),
];

impl FromStr for Ecosystem {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ecosystem::from_osv(s)
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// A version parsed once for its ecosystem, ready to be compared many times.
///
/// Versions of the same ecosystem compare by that ecosystem's rules (equality is
/// ordering equality: `1.0` = `1.0.0` in PyPI). Versions of different ecosystems compare
/// by ecosystem first, in [`Ecosystem`] declaration order, so the order stays total.
#[derive(Clone, Debug)]
pub struct Version {
    ecosystem: Ecosystem,
    text: Box<str>,
    key: Key,
}

#[derive(Clone, Debug)]
enum Key {
    Invalid,
    SemVer(semver::SemVer),
    Pep440(pep440::Pep440),
    Maven(maven::Maven),
    RubyGems(rubygems::Gem),
    Packagist(packagist::Php),
    Numbers(Vec<Num>),
    Debian(dpkg::Dpkg),
    Rpm(rpm::Rpm),
    Alpine(apk::Apk),
}

impl Version {
    /// Parses `text` as a version of `ecosystem`. Never fails: a string outside the
    /// ecosystem's grammar becomes an invalid version with the fallback order described
    /// in the crate documentation.
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Version {
        use semver::{Flavor, SemVer};
        let key = match ecosystem {
            Ecosystem::Npm
            | Ecosystem::Go
            | Ecosystem::CratesIo
            | Ecosystem::Hex
            | Ecosystem::SemVer => SemVer::parse(text, Flavor::Generic).map(Key::SemVer),
            Ecosystem::Pub => SemVer::parse(text, Flavor::Pub).map(Key::SemVer),
            Ecosystem::NuGet => SemVer::parse(text, Flavor::NuGet).map(Key::SemVer),
            Ecosystem::PyPI => Some(Key::Pep440(pep440::Pep440::parse(text))),
            Ecosystem::Maven => Some(Key::Maven(maven::Maven::parse(text))),
            Ecosystem::RubyGems => rubygems::Gem::parse(text).map(Key::RubyGems),
            Ecosystem::Packagist => Some(Key::Packagist(packagist::Php::parse(text))),
            Ecosystem::Hackage => dotted::parse_hackage(text).map(Key::Numbers),
            Ecosystem::Cran => dotted::parse_cran(text).map(Key::Numbers),
            Ecosystem::Debian => dpkg::Dpkg::parse(text).map(Key::Debian),
            Ecosystem::Rpm => Some(Key::Rpm(rpm::Rpm::parse(text))),
            Ecosystem::Alpine => Some(Key::Alpine(apk::Apk::parse(text))),
        };
        Version {
            ecosystem,
            text: text.into(),
            key: key.unwrap_or(Key::Invalid),
        }
    }

    /// The ecosystem this version was parsed for.
    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// The string this version was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the string is in the ecosystem's grammar (see "Unparseable versions" in
    /// the crate documentation). Ecosystems that order every string always say yes.
    pub fn is_valid(&self) -> bool {
        !matches!(self.key, Key::Invalid)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ecosystem
            .cmp(&other.ecosystem)
            .then_with(|| cmp_keys(&self.key, &other.key, &self.text, &other.text))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn cmp_keys(a: &Key, b: &Key, a_text: &str, b_text: &str) -> Ordering {
    if a_text == b_text {
        return Ordering::Equal;
    }
    match (a, b) {
        (Key::Invalid, Key::Invalid) => a_text.cmp(b_text),
        (Key::Invalid, _) => Ordering::Less,
        (_, Key::Invalid) => Ordering::Greater,
        (Key::SemVer(x), Key::SemVer(y)) => x.cmp(y),
        (Key::Pep440(x), Key::Pep440(y)) => x.cmp(y),
        (Key::Maven(x), Key::Maven(y)) => x.compare(y),
        (Key::RubyGems(x), Key::RubyGems(y)) => x.compare(y),
        (Key::Packagist(x), Key::Packagist(y)) => x.compare(y),
        (Key::Numbers(x), Key::Numbers(y)) => x.cmp(y),
        (Key::Debian(x), Key::Debian(y)) => x.compare(y),
        (Key::Rpm(x), Key::Rpm(y)) => x.compare(y),
        (Key::Alpine(x), Key::Alpine(y)) => x.compare(y),
        // Within one ecosystem both keys have the same kind; keep the order total anyway.
        _ => a_text.cmp(b_text),
    }
}

/// Compares two versions of `ecosystem`. Total, deterministic, never panics; see the
/// crate documentation for strings outside the ecosystem's grammar.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    // The string-walking orderings need no parsed form: skip the allocations.
    let direct = match ecosystem {
        Ecosystem::Rpm => Some(rpm::compare_str(a, b)),
        Ecosystem::Debian => dpkg::compare_str(a, b),
        _ => None,
    };
    direct.unwrap_or_else(|| Version::parse(ecosystem, a).cmp(&Version::parse(ecosystem, b)))
}

/// A fuzzing entry point: the first byte picks an ecosystem, the rest is split at the
/// first `0xFF` byte into two strings (lossily decoded as UTF-8), and the invariants of
/// [`compare`] are checked on them.
///
/// # Panics
///
/// Only when an invariant is broken — that is the signal a fuzzer looks for:
/// `compare(a, b)` must be the reverse of `compare(b, a)`, `compare(a, a)` must be
/// `Equal`, and [`Version`]'s order must agree with [`compare`].
pub fn fuzz_compare(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let ecosystem = Ecosystem::ALL[usize::from(selector) % Ecosystem::ALL.len()];
    let (a, b) = match rest.iter().position(|&b| b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let ab = compare(ecosystem, &a, &b);
    let ba = compare(ecosystem, &b, &a);
    assert_eq!(
        ab,
        ba.reverse(),
        "{ecosystem}: {a:?} vs {b:?} is not antisymmetric"
    );
    let va = Version::parse(ecosystem, &a);
    let vb = Version::parse(ecosystem, &b);
    assert_eq!(
        va.cmp(&vb),
        ab,
        "{ecosystem}: Version and compare disagree on {a:?} vs {b:?}"
    );
    assert_eq!(va.cmp(&va), Ordering::Equal);
    assert_eq!(vb.cmp(&vb.clone()), Ordering::Equal);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_names_map_to_orderings() {
        for (name, eco) in [
            ("npm", Ecosystem::Npm),
            ("PyPI", Ecosystem::PyPI),
            ("crates.io", Ecosystem::CratesIo),
            ("Go", Ecosystem::Go),
            ("Maven", Ecosystem::Maven),
            ("Maven:https://maven.google.com", Ecosystem::Maven),
            ("Debian:12", Ecosystem::Debian),
            ("Ubuntu:Pro:18.04:LTS", Ecosystem::Debian),
            ("Alpine:v3.19", Ecosystem::Alpine),
            ("Red Hat", Ecosystem::Rpm),
            ("Red Hat:rhel_aus:8.4::appstream", Ecosystem::Rpm),
            ("Rocky Linux:9", Ecosystem::Rpm),
            ("Bitnami", Ecosystem::SemVer),
            ("CRAN", Ecosystem::Cran),
            ("Hackage", Ecosystem::Hackage),
            ("pypi", Ecosystem::PyPI),
        ] {
            assert_eq!(Ecosystem::from_osv(name), Ok(eco), "{name}");
            assert_eq!(name.parse::<Ecosystem>(), Ok(eco), "{name}");
        }
        for eco in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_osv(eco.osv_name()), Ok(eco));
        }
        assert_eq!(
            Ecosystem::from_osv("GIT"),
            Err(Error::UnknownEcosystem("GIT".to_owned()))
        );
    }

    #[test]
    fn invalid_versions_sort_first_and_bytewise() {
        let v = |s| Version::parse(Ecosystem::Npm, s);
        assert!(!v("latest").is_valid());
        assert!(v("0.0.0-0").is_valid());
        assert!(v("latest") < v("0.0.0-0"));
        assert!(v("beta") < v("latest"));
        assert_eq!(
            compare(Ecosystem::RubyGems, "1..0", "1..0"),
            Ordering::Equal
        );
        assert_eq!(compare(Ecosystem::RubyGems, "1..0", "0"), Ordering::Less);
        assert_eq!(compare(Ecosystem::Debian, "a:1", "0"), Ordering::Less);
        assert_eq!(compare(Ecosystem::Hackage, "1.0-x", "0"), Ordering::Less);
    }

    #[test]
    fn versions_of_different_ecosystems_order_by_ecosystem() {
        let npm = Version::parse(Ecosystem::Npm, "9.9.9");
        let pypi = Version::parse(Ecosystem::PyPI, "0.0.1");
        assert!(npm < pypi);
        assert_eq!(npm.ecosystem(), Ecosystem::Npm);
        assert_eq!(npm.to_string(), "9.9.9");
    }

    #[test]
    fn compare_agrees_with_version_for_the_direct_paths() {
        for (eco, a, b) in [
            (Ecosystem::Debian, "1:1.0-1", "1.0~rc1"),
            (Ecosystem::Debian, "x:1", "1"),
            (Ecosystem::Rpm, "1.0^git1", "1.0"),
        ] {
            let parsed = Version::parse(eco, a).cmp(&Version::parse(eco, b));
            assert_eq!(compare(eco, a, b), parsed, "{eco}: {a} vs {b}");
        }
    }
}
