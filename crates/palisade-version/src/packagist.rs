//! Packagist (Composer): PHP's `version_compare` (<https://www.php.net/version_compare>),
//! which Composer uses to order versions, after stripping the `v`/`V` prefix that
//! Composer tags carry.
//!
//! The string is cut into parts at `.`, `-`, `_`, `+` and at every transition between a
//! digit and a non-digit (`1.0rc1` is `1 0 rc 1`). Two numbers compare numerically. A
//! non-number ranks by the special form it starts with (case-sensitive, as in PHP, so
//! `BETA` is unknown): anything unknown < `dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < `#` < `pl` = `p`; and a number
//! counts as `#` against a non-number, so `1.0rc1` < `1.0` < `1.0pl1`. When one version
//! runs out of parts, the other's remaining parts decide: the first number makes it the
//! greater one, a non-number compares its rank against `#`.
//!
//! Like PHP's function, this order is **not transitive** for versions with a literal `#`
//! part, which equals every number: `1.2.3.#` = `1.2.3` and `1.2.3.#` = `1.2.3.1`, yet
//! `1.2.3` < `1.2.3.1`. Do not sort such versions with `slice::sort` (which may panic
//! on an inconsistent order); comparing them pairwise is fine. Every string is a
//! Packagist version; there is no fallback.

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Num(Num),
    /// The rank of a non-number's special form.
    Form(i8),
}

/// The rank of `#`, which is also what a number counts as against a non-number.
const HASH: i8 = 4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Php {
    parts: Vec<Part>,
}

impl Php {
    pub(crate) fn parse(input: &str) -> Php {
        let s = input.trim();
        let s = match s.strip_prefix(['v', 'V']) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => s,
        };
        let mut parts = Vec::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if matches!(b, b'.' | b'-' | b'_' | b'+') {
                i += 1;
                continue;
            }
            let digit = b.is_ascii_digit();
            let end = bytes[i..]
                .iter()
                .position(|&c| {
                    matches!(c, b'.' | b'-' | b'_' | b'+') || c.is_ascii_digit() != digit
                })
                .map_or(bytes.len(), |n| i + n);
            let text = s.get(i..end).unwrap_or("");
            parts.push(if digit {
                Part::Num(Num::from_digits(text))
            } else {
                Part::Form(form_rank(text))
            });
            i = end;
        }
        Php { parts }
    }

    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        let common = self.parts.len().min(other.parts.len());
        for (a, b) in self.parts.iter().zip(&other.parts) {
            let ord = match (a, b) {
                (Part::Num(x), Part::Num(y)) => x.cmp(y),
                (Part::Form(x), Part::Form(y)) => x.cmp(y),
                (Part::Num(_), Part::Form(y)) => HASH.cmp(y),
                (Part::Form(x), Part::Num(_)) => x.cmp(&HASH),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        match self.parts.len().cmp(&other.parts.len()) {
            Ordering::Equal => Ordering::Equal,
            Ordering::Greater => rest_vs_nothing(&self.parts[common..]),
            Ordering::Less => rest_vs_nothing(&other.parts[common..]).reverse(),
        }
    }
}

/// How the remaining parts of the longer version compare to the end of the shorter one.
fn rest_vs_nothing(rest: &[Part]) -> Ordering {
    for part in rest {
        match part {
            Part::Num(_) => return Ordering::Greater,
            Part::Form(rank) => match rank.cmp(&HASH) {
                Ordering::Equal => {}
                other => return other,
            },
        }
    }
    Ordering::Equal
}

/// PHP matches the special forms as prefixes, in this order.
fn form_rank(text: &str) -> i8 {
    const FORMS: &[(&str, i8)] = &[
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", HASH),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(form, _)| text.starts_with(form))
        .map_or(-6, |&(_, rank)| rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Php::parse(a).compare(&Php::parse(b))
    }

    #[test]
    fn php_special_forms() {
        assert_eq!(cmp("1.0-ALPHA.1", "1.0-BETA.1"), Ordering::Equal);
        let chain = ["1.0-dev", "1.0a1", "1.0b1", "1.0RC1", "1.0", "1.0pl1"];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1.0rc1", "1.0RC1"), Ordering::Equal);
        assert_eq!(cmp("1.0.0rc2", "1.0.0.rc2"), Ordering::Equal);
        assert_eq!(cmp("1.25.0-beta2.1", "1.25.0-b.2.1"), Ordering::Equal);
        assert_eq!(cmp("dev-foo", "1.0"), Ordering::Less);
    }

    #[test]
    fn trailing_parts_and_prefix() {
        assert_eq!(cmp("1.0.0", "1.0"), Ordering::Greater);
        assert_eq!(cmp("v1.0.0", "V1.0.0"), Ordering::Equal);
        assert_eq!(cmp("v1.0.0", "1.0.0"), Ordering::Equal);
        assert_eq!(cmp("1.2.3.#", "1.2.3"), Ordering::Equal);
        assert_eq!(cmp("1.2.3.#.beta", "1.2.3"), Ordering::Less);
    }
}
