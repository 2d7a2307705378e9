//! Alpine (and the other apk-based distributions: Wolfi, Chainguard, Alpaquita): the
//! version format of `apk-tools`, itself derived from Gentoo's
//! (<https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver>,
//! <https://wiki.alpinelinux.org/wiki/Package_policies>, and the Gentoo Package Manager
//! Specification's "Version comparison").
//!
//! `N(.N)*[letter](_suffix[N])*[~hash][-rN]` where the suffixes are `alpha`, `beta`,
//! `pre`, `rc` (pre-releases, in that order, before the plain version) and `cvs`, `svn`,
//! `git`, `hg`, `p` (after it, in that order). Comparison, field by field:
//!
//! 1. the numbers: the first one numerically; later ones numerically too unless one of
//!    them starts with `0`, in which case they compare as text (`1.05` < `1.1`); when one
//!    list is a prefix of the other, the longer is greater;
//! 2. the letter (none first);
//! 3. the suffixes pairwise by kind then number; when one list runs out, the next suffix
//!    of the other decides (a pre-release suffix makes it smaller, a post-release one
//!    greater);
//! 4. whatever could not be read before the `-` (e.g. `p1` in `6.6.2p1`, `_blah` in
//!    `1.2_blah`): a version without such a remainder is greater, two remainders compare
//!    as text;
//! 5. the revision `-rN` (none is `-r0`); anything after the `-` that is not `rN` is an
//!    invalid revision, below every valid one, and all invalid revisions are equal.
//!
//! The commit hash is ignored: hashes have no order. Every string is an apk version
//! (a string that does not start with a digit is all remainder); there is no fallback.

use std::cmp::Ordering;

use crate::num::{Num, cmp_digits};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Apk {
    numbers: Vec<Box<str>>,
    letter: Option<u8>,
    suffixes: Vec<(i8, Num)>,
    rest: Option<Box<str>>,
    revision: Revision,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Revision {
    Invalid,
    Valid(Num),
}

const SUFFIXES: &[(&str, i8)] = &[
    ("alpha", -4),
    ("beta", -3),
    ("pre", -2),
    ("rc", -1),
    ("cvs", 1),
    ("svn", 2),
    ("git", 3),
    ("hg", 4),
    ("p", 5),
];

impl Apk {
    pub(crate) fn parse(input: &str) -> Apk {
        let s = input.trim();
        let (main, tail) = match s.split_once('-') {
            Some((main, tail)) => (main, Some(tail)),
            None => (s, None),
        };
        let revision = match tail {
            None => Revision::Valid(Num::ZERO),
            Some(tail) => match tail.strip_prefix('r') {
                Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => {
                    Revision::Valid(Num::from_digits(n))
                }
                _ => Revision::Invalid,
            },
        };

        let bytes = main.as_bytes();
        let mut i = 0;
        let mut numbers = Vec::new();
        let mut letter = None;
        let mut suffixes = Vec::new();
        let digits_at = |i: usize| {
            bytes[i.min(bytes.len())..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let n = digits_at(0);
        if n > 0 {
            numbers.push(main[..n].into());
            i = n;
            while i < bytes.len() && bytes[i] == b'.' {
                let n = digits_at(i + 1);
                if n == 0 {
                    break;
                }
                numbers.push(main[i + 1..i + 1 + n].into());
                i += 1 + n;
            }
            if i < bytes.len() && bytes[i].is_ascii_lowercase() {
                letter = Some(bytes[i]);
                i += 1;
            }
            while i < bytes.len() && bytes[i] == b'_' {
                let word_len = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_lowercase())
                    .count();
                let word = &main[i + 1..i + 1 + word_len];
                let Some(&(_, rank)) = SUFFIXES.iter().find(|(name, _)| *name == word) else {
                    break;
                };
                let at = i + 1 + word_len;
                let n = digits_at(at);
                suffixes.push((rank, Num::from_digits(&main[at..at + n])));
                i = at + n;
            }
            if i < bytes.len() && bytes[i] == b'~' {
                let n = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
                    .count();
                if n > 0 {
                    i += 1 + n;
                }
            }
        }
        let rest = (i < bytes.len()).then(|| main[i..].into());
        Apk {
            numbers,
            letter,
            suffixes,
            rest,
            revision,
        }
    }

    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        self.cmp_numbers(other)
            .then_with(|| self.letter.cmp(&other.letter))
            .then_with(|| self.cmp_suffixes(other))
            .then_with(|| match (&self.rest, &other.rest) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
            .then_with(|| self.revision.cmp(&other.revision))
    }

    fn cmp_numbers(&self, other: &Self) -> Ordering {
        for (i, (a, b)) in self.numbers.iter().zip(&other.numbers).enumerate() {
            let ord = if i > 0 && (a.starts_with('0') || b.starts_with('0')) {
                a.trim_end_matches('0').cmp(b.trim_end_matches('0'))
            } else {
                cmp_digits(a.as_bytes(), b.as_bytes())
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        self.numbers.len().cmp(&other.numbers.len())
    }

    fn cmp_suffixes(&self, other: &Self) -> Ordering {
        for (a, b) in self.suffixes.iter().zip(&other.suffixes) {
            let ord = a.cmp(b);
            if ord != Ordering::Equal {
                return ord;
            }
        }
        let common = self.suffixes.len().min(other.suffixes.len());
        match (self.suffixes.get(common), other.suffixes.get(common)) {
            (Some((rank, _)), None) => rank.cmp(&0),
            (None, Some((rank, _))) => 0.cmp(rank),
            _ => Ordering::Equal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Apk::parse(a).compare(&Apk::parse(b))
    }

    #[test]
    fn suffix_order() {
        let chain = [
            "1.2_alpha",
            "1.2_alpha2",
            "1.2_beta",
            "1.2_pre1",
            "1.2_rc1",
            "1.2",
            "1.2-r1",
            "1.2_cvs1",
            "1.2_svn1",
            "1.2_git1",
            "1.2_hg1",
            "1.2_p1",
            "1.2a",
            "1.2.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("0.1.0_alpha_pre2", "0.1.0_alpha"), Ordering::Less);
    }

    #[test]
    fn revisions() {
        assert_eq!(cmp("1-r1", "1-r01"), Ordering::Equal);
        assert_eq!(cmp("1-r", "1-r0"), Ordering::Equal);
        assert_eq!(cmp("1", "1-r0"), Ordering::Equal);
        assert_eq!(cmp("1-r-1", "1-r0"), Ordering::Less);
        assert_eq!(cmp("1-ruff2", "1-r0-1"), Ordering::Equal);
        assert_eq!(cmp("1", "1-ruff"), Ordering::Greater);
    }

    #[test]
    fn unreadable_remainders() {
        assert_eq!(cmp("1.2", "1.2_blah"), Ordering::Greater);
        assert_eq!(cmp("6.6.2p1", "6.6.2p2"), Ordering::Less);
        assert_eq!(cmp("6.6.2p1", "6.6.2_p2"), Ordering::Greater);
        assert_eq!(cmp("0..8", "0...8"), Ordering::Greater);
        assert_eq!(cmp(".1", "1"), Ordering::Less);
        assert_eq!(cmp("a", "b"), Ordering::Less);
        assert_eq!(cmp("1.2.0A", "1.2.0d"), Ordering::Less);
    }

    #[test]
    fn leading_zeros_compare_as_text() {
        assert_eq!(cmp("1.05", "1.1"), Ordering::Less);
        assert_eq!(cmp("1.050", "1.05"), Ordering::Equal);
        assert_eq!(cmp("006", "1.06"), Ordering::Greater);
        assert_eq!(cmp("1.0_git1~abc123", "1.0_git1~def456"), Ordering::Equal);
    }
}
