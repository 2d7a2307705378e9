//! Semantic Versioning 2.0.0 precedence (<https://semver.org/#spec-item-11>), with the
//! flavours the ecosystems need:
//!
//! - **generic** (npm, crates.io, Go, Hex, Bitnami, …): build metadata is ignored;
//! - **Pub** (Dart's `pub_semver`): build metadata *is* ordered — a version without build
//!   sorts before the same version with one, and build identifiers compare like
//!   pre-release identifiers;
//! - **NuGet**: up to four release numbers, pre-release labels compare
//!   case-insensitively, build metadata is ignored.
//!
//! Leniencies shared by all flavours, so real-world versions still order sensibly:
//! surrounding whitespace and a leading `v`/`V` are ignored; the release may have any
//! number of numeric parts (missing ones count as zero, so `1.2` = `1.2.0`, and extra ones
//! are compared numerically, so `1.2.3.4` > `1.2.3`); numbers may be arbitrarily large;
//! text that directly follows the release without a `-` (`1.0.0beta`, `1.0.0.rc1`) is read
//! as a pre-release. A string that does not start with a number (after the optional `v`)
//! is not a version: [`crate::Version`] gives it the crate-wide fallback order.
//!
//! Go module versions (`v1.2.3`, `+incompatible`, pseudo-versions such as
//! `v0.0.0-20191109021931-daa7c04131f5` or `v1.2.4-0.20191109021931-daa7c04131f5`) need
//! nothing more: a pseudo-version is a pre-release whose identifiers sort by their
//! timestamp, exactly as the Go toolchain orders them, and `+incompatible` is build
//! metadata.

use std::cmp::Ordering;

use crate::num::{Num, cmp_padded, split_digits};

/// Which ecosystem's reading of SemVer to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    Generic,
    Pub,
    NuGet,
}

/// One dot-separated pre-release or build identifier. Numeric identifiers sort before
/// alphanumeric ones (the variant order), numbers numerically, text by bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Ident {
    Num(Num),
    Text(Box<str>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SemVer {
    release: Vec<Num>,
    pre: Vec<Ident>,
    /// Only filled for [`Flavor::Pub`]; the other flavours ignore build metadata.
    build: Vec<Ident>,
}

impl SemVer {
    pub(crate) fn parse(input: &str, flavor: Flavor) -> Option<SemVer> {
        let s = input.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);

        let mut release = Vec::new();
        let mut rest = s;
        loop {
            let (digits, after) = split_digits(rest);
            if digits.is_empty() {
                break;
            }
            release.push(Num::from_digits(digits));
            rest = after;
            match after.strip_prefix('.') {
                Some(next) if next.starts_with(|c: char| c.is_ascii_digit()) => rest = next,
                _ => break,
            }
        }
        if release.is_empty() {
            return None;
        }

        let (main, build) = match rest.split_once('+') {
            Some((main, build)) => (main, Some(build)),
            None => (rest, None),
        };
        let pre = main
            .strip_prefix('-')
            .or_else(|| main.strip_prefix('.'))
            .unwrap_or(main);
        let pre = if main.is_empty() {
            Vec::new()
        } else {
            idents(pre, flavor)
        };
        let build = match (flavor, build) {
            (Flavor::Pub, Some(build)) => idents(build, flavor),
            _ => Vec::new(),
        };
        Some(SemVer {
            release,
            pre,
            build,
        })
    }
}

fn idents(s: &str, flavor: Flavor) -> Vec<Ident> {
    s.split('.')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                Ident::Num(Num::from_digits(part))
            } else if flavor == Flavor::NuGet {
                Ident::Text(part.to_ascii_lowercase().into())
            } else {
                Ident::Text(part.into())
            }
        })
        .collect()
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_padded(&self.release, &other.release, &Num::ZERO)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                // A release sorts after all of its pre-releases.
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
            .then_with(|| match (self.build.is_empty(), other.build.is_empty()) {
                (true, true) => Ordering::Equal,
                // Pub: a build sorts after the same version without one.
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => self.build.cmp(&other.build),
            })
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(flavor: Flavor, a: &str, b: &str) -> Ordering {
        let a = SemVer::parse(a, flavor);
        let b = SemVer::parse(b, flavor);
        match (a, b) {
            (Some(a), Some(b)) => a.cmp(&b),
            other => panic!("unparsed: {other:?}"),
        }
    }

    #[test]
    fn spec_precedence_chain() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
        ];
        for pair in chain.windows(2) {
            assert_eq!(
                cmp(Flavor::Generic, pair[0], pair[1]),
                Ordering::Less,
                "{pair:?}"
            );
        }
    }

    #[test]
    fn build_metadata_only_matters_for_pub() {
        assert_eq!(cmp(Flavor::Generic, "1.2.3+a", "1.2.3+b"), Ordering::Equal);
        assert_eq!(cmp(Flavor::Pub, "1.2.3", "1.2.3+0"), Ordering::Less);
        assert_eq!(cmp(Flavor::Pub, "1.2.3+900", "1.2.3+a"), Ordering::Less);
        assert_eq!(cmp(Flavor::Pub, "1.0.0-pre+build", "1.0.0"), Ordering::Less);
    }

    #[test]
    fn go_pseudo_versions_and_incompatible() {
        let g = |a, b| cmp(Flavor::Generic, a, b);
        assert_eq!(g("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
        assert_eq!(
            g(
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-000000000000"
            ),
            Ordering::Less
        );
        // A pseudo-version built on v1.2.3 sorts after it and before v1.2.4.
        assert_eq!(
            g("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3"),
            Ordering::Greater
        );
        assert_eq!(
            g("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"),
            Ordering::Less
        );
        assert_eq!(
            g("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3-pre"),
            Ordering::Greater
        );
    }

    #[test]
    fn nuget_is_case_insensitive_and_four_part() {
        let n = |a, b| cmp(Flavor::NuGet, a, b);
        assert_eq!(n("1.0.0-BETA.X", "1.0.0-beta.x"), Ordering::Equal);
        assert_eq!(n("1.0.01", "1.0.1.0"), Ordering::Equal);
        assert_eq!(n("1.0.0", "1.0.0.1-alpha"), Ordering::Less);
    }

    #[test]
    fn huge_numbers() {
        assert_eq!(
            cmp(
                Flavor::Generic,
                "999999999999999999999999999991",
                "999999999999999999999999999999"
            ),
            Ordering::Less
        );
    }

    #[test]
    fn not_a_version() {
        assert!(SemVer::parse("", Flavor::Generic).is_none());
        assert!(SemVer::parse("v", Flavor::Generic).is_none());
        assert!(SemVer::parse("latest", Flavor::Generic).is_none());
    }
}
