//! Maven: the "Version Order Specification" of the POM reference
//! (<https://maven.apache.org/pom.html#version-order-specification>), the rules of
//! Maven's `ComparableVersion`.
//!
//! 1. The (lower-cased) string is cut into tokens at `.`, at `-`, and at every
//!    transition between a digit and a non-digit; a transition counts as a `-`. Each
//!    token remembers the separator before it. Empty tokens become `0`.
//! 2. `a`, `b` and `m` directly followed by a digit mean `alpha`, `beta`, `milestone`;
//!    `ga`, `final` and `release` mean the empty qualifier, `cr` means `rc`.
//! 3. "Null" tokens (`0`, the empty qualifier) are trimmed from the end, then from before
//!    each remaining `-`, from the end towards the start: `1.0.0-foo.0.0` is `1-foo`,
//!    `1-ga-1` is `1-1`.
//! 4. Versions compare token by token; the shorter one is padded with null tokens that
//!    take the separator of the other side (`.0` against a `.`, `-""` against a `-`).
//!    Tokens with different separators order as `.qualifier` < `-qualifier` <
//!    `-number` < `.number` (the specification's original wording, which is also what
//!    `ComparableVersion` does: a `-` opens a sub-list that sorts after a qualifier at
//!    the same place; later revisions of the page equate `.qualifier` and `-qualifier`,
//!    which Maven itself does not). With the same separator, numbers compare
//!    numerically, a qualifier is below any number, and qualifiers compare by rank:
//!    `alpha` < `beta` < `milestone` < `rc` < `snapshot` < `""` < `sp` < anything
//!    else, unknown qualifiers alphabetically among themselves.
//!
//! Padding makes the end of a version compare like `""` against a qualifier whatever its
//! separator, while `.qualifier` < `-qualifier` elsewhere; so, as in Maven itself, the
//! order is not transitive in that corner: `1.sp` < `1-alpha` < `1` < `1.sp`.
//!
//! Every string is a Maven version; there is no fallback.

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Sep {
    Hyphen,
    Dot,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Num(Num),
    Qual(Qual),
}

/// A qualifier: its rank among the well-known ones, and its text when unknown.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Qual {
    rank: u8,
    text: Box<str>,
}

const RANK_RELEASE: u8 = 5;
const RANK_UNKNOWN: u8 = 7;

impl Qual {
    fn new(text: &str, followed_by_digit: bool) -> Qual {
        let (rank, known) = match text {
            "a" if followed_by_digit => (0, true),
            "b" if followed_by_digit => (1, true),
            "m" if followed_by_digit => (2, true),
            "alpha" => (0, true),
            "beta" => (1, true),
            "milestone" => (2, true),
            "rc" | "cr" => (3, true),
            "snapshot" => (4, true),
            "" | "ga" | "final" | "release" => (RANK_RELEASE, true),
            "sp" => (6, true),
            _ => (RANK_UNKNOWN, false),
        };
        Qual {
            rank,
            text: if known { "".into() } else { text.into() },
        }
    }

    fn release() -> Qual {
        Qual {
            rank: RANK_RELEASE,
            text: "".into(),
        }
    }
}

impl Tok {
    fn is_null(&self) -> bool {
        match self {
            Tok::Num(n) => n.is_zero(),
            Tok::Qual(q) => q.rank == RANK_RELEASE,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Maven {
    tokens: Vec<(Sep, Tok)>,
}

impl Maven {
    pub(crate) fn parse(input: &str) -> Maven {
        let lower = input.trim().to_lowercase();
        let mut tokens: Vec<(Sep, Tok)> = Vec::new();
        let mut sep = Sep::Dot;
        let mut start = 0;
        let mut prev_digit: Option<bool> = None;
        let finish = |tokens: &mut Vec<(Sep, Tok)>, sep: Sep, text: &str, next_is_digit: bool| {
            let tok = if text.is_empty() {
                Tok::Num(Num::ZERO)
            } else if text.bytes().all(|b| b.is_ascii_digit()) {
                Tok::Num(Num::from_digits(text))
            } else {
                Tok::Qual(Qual::new(text, next_is_digit))
            };
            tokens.push((sep, tok));
        };
        for (i, c) in lower.char_indices() {
            match c {
                '.' | '-' => {
                    finish(&mut tokens, sep, &lower[start..i], false);
                    sep = if c == '.' { Sep::Dot } else { Sep::Hyphen };
                    start = i + 1;
                    prev_digit = None;
                }
                _ => {
                    let digit = c.is_ascii_digit();
                    if prev_digit.is_some_and(|p| p != digit) {
                        finish(&mut tokens, sep, &lower[start..i], digit);
                        sep = Sep::Hyphen;
                        start = i;
                    }
                    prev_digit = Some(digit);
                }
            }
        }
        finish(&mut tokens, sep, &lower[start..], false);

        // Trim null tokens at the end, then before each remaining hyphen, walking from the
        // end to the start.
        let mut kept = Vec::with_capacity(tokens.len());
        let mut trimming = true;
        for token in tokens.into_iter().rev() {
            if trimming && token.1.is_null() {
                continue;
            }
            trimming = token.0 == Sep::Hyphen;
            kept.push(token);
        }
        kept.reverse();
        Maven { tokens: kept }
    }

    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        let len = self.tokens.len().max(other.tokens.len());
        for i in 0..len {
            let ord = match (self.tokens.get(i), other.tokens.get(i)) {
                (Some(a), Some(b)) => cmp_tok(a, b),
                (Some(a), None) => cmp_tok(a, &null_like(a)),
                (None, Some(b)) => cmp_tok(&null_like(b), b),
                (None, None) => Ordering::Equal,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

/// The padding a missing token gets: `0` against a number (with its separator), the
/// empty qualifier against a qualifier.
fn null_like(other: &(Sep, Tok)) -> (Sep, Tok) {
    match other.1 {
        Tok::Num(_) => (other.0, Tok::Num(Num::ZERO)),
        Tok::Qual(_) => (other.0, Tok::Qual(Qual::release())),
    }
}

fn cmp_tok(a: &(Sep, Tok), b: &(Sep, Tok)) -> Ordering {
    if a.0 != b.0 {
        return class(a).cmp(&class(b));
    }
    match (&a.1, &b.1) {
        (Tok::Num(x), Tok::Num(y)) => x.cmp(y),
        (Tok::Num(_), Tok::Qual(_)) => Ordering::Greater,
        (Tok::Qual(_), Tok::Num(_)) => Ordering::Less,
        (Tok::Qual(x), Tok::Qual(y)) => x.cmp(y),
    }
}

/// The order of tokens with different separators:
/// `.qualifier` < `-qualifier` < `-number` < `.number`.
fn class(token: &(Sep, Tok)) -> u8 {
    match token {
        (Sep::Dot, Tok::Qual(_)) => 0,
        (Sep::Hyphen, Tok::Qual(_)) => 1,
        (Sep::Hyphen, Tok::Num(_)) => 2,
        (Sep::Dot, Tok::Num(_)) => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Maven::parse(a).compare(&Maven::parse(b))
    }

    #[test]
    fn specification_examples() {
        for (a, b) in [
            ("1", "1.1"),
            ("1-snapshot", "1"),
            ("1", "1-sp"),
            ("1-foo2", "1-foo10"),
            ("1.foo", "1-foo"),
            ("1-foo", "1-1"),
            ("6.1.12.rc5", "6.1.12rc1"),
            ("1-1", "1.1"),
            ("1-sp-1", "1-ga-1"),
            ("1-ga", "1-sp"),
            ("1-ga.1", "1-sp.1"),
        ] {
            assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
        }
        for (a, b) in [
            ("1.ga", "1-ga"),
            ("1-ga", "1-0"),
            ("1-0", "1.0"),
            ("1.0", "1"),
            ("1-ga-1", "1-1"),
            ("1-a1", "1-alpha-1"),
            ("1-1.foo-bar1baz-.1", "1-1.foo-bar-1-baz-0.1"),
        ] {
            assert_eq!(cmp(a, b), Ordering::Equal, "{a} = {b}");
        }
    }

    #[test]
    fn qualifier_ranks() {
        let chain = [
            "1-alpha-1",
            "1-beta-1",
            "1-milestone-1",
            "1-rc-1",
            "1-snapshot",
            "1",
            "1-sp",
            "1-abc",
            "1-def",
            "1-1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1-CR1", "1-rc1"), Ordering::Equal);
    }

    #[test]
    fn the_intransitive_corner_matches_maven() {
        assert_eq!(cmp("1.sp", "1-alpha"), Ordering::Less);
        assert_eq!(cmp("1-alpha", "1"), Ordering::Less);
        assert_eq!(cmp("1", "1.sp"), Ordering::Less);
    }

    #[test]
    fn big_numbers_and_case() {
        assert_eq!(
            cmp(
                "123456789012345.1H.5-beta",
                "12345678901234567890.1H.5-beta"
            ),
            Ordering::Less
        );
        assert_eq!(cmp("1RELeaSE", "1"), Ordering::Equal);
        assert_eq!(cmp("1MILESTONE3", "1m3"), Ordering::Equal);
        assert_eq!(cmp("", "0"), Ordering::Equal);
    }
}
