//! RubyGems: `Gem::Version` (<https://guides.rubygems.org/patterns/#semantic-versioning>
//! and the `Gem::Version` API documentation).
//!
//! A version is digits followed by `.`-separated alphanumeric parts, optionally a `-` and
//! more `.`-separated parts (`-` is read as `.pre.`, so `1.0-1` is a pre-release of
//! `1.0`). It is cut into segments, each a run of digits (a number) or of ASCII letters
//! (a string, and any string makes the version a pre-release). Trailing zero segments are
//! dropped from the numeric head and from the rest, so `1.0.a.0` = `1.a`. Segments then
//! compare pairwise, missing ones counting as `0`: numbers numerically, strings by bytes,
//! and a string is below any number, so `1.a` < `1` < `1.0.1`.
//!
//! A string that does not match the `Gem::Version` pattern is not a version and gets the
//! crate-wide fallback order. An empty (or blank) string is version `0`, as in RubyGems.

use std::cmp::Ordering;

use crate::num::Num;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Num(Num),
    Text(Box<str>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Gem {
    segments: Vec<Seg>,
}

impl Gem {
    pub(crate) fn parse(input: &str) -> Option<Gem> {
        let s = input.trim_matches(|c: char| c.is_ascii_whitespace());
        if !is_valid(s.as_bytes()) {
            return None;
        }
        let mut segments = Vec::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'-' {
                segments.push(Seg::Text("pre".into()));
                i += 1;
            } else if b.is_ascii_digit() || b.is_ascii_alphabetic() {
                let digit = b.is_ascii_digit();
                let end = bytes[i..]
                    .iter()
                    .position(|c| {
                        if digit {
                            !c.is_ascii_digit()
                        } else {
                            !c.is_ascii_alphabetic()
                        }
                    })
                    .map_or(bytes.len(), |n| i + n);
                let text = s.get(i..end).unwrap_or("");
                segments.push(if digit {
                    Seg::Num(Num::from_digits(text))
                } else {
                    Seg::Text(text.into())
                });
                i = end;
            } else {
                i += 1;
            }
        }
        // Canonical segments: drop trailing zeros from the numeric head and from the rest.
        let head_len = segments
            .iter()
            .position(|s| matches!(s, Seg::Text(_)))
            .unwrap_or(segments.len());
        let mut tail = segments.split_off(head_len);
        while segments.last().is_some_and(is_zero) {
            segments.pop();
        }
        while tail.last().is_some_and(is_zero) {
            tail.pop();
        }
        segments.append(&mut tail);
        Some(Gem { segments })
    }

    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        let zero = Seg::Num(Num::ZERO);
        let len = self.segments.len().max(other.segments.len());
        for i in 0..len {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let ord = match (a, b) {
                (Seg::Num(x), Seg::Num(y)) => x.cmp(y),
                (Seg::Text(x), Seg::Text(y)) => x.cmp(y),
                (Seg::Text(_), Seg::Num(_)) => Ordering::Less,
                (Seg::Num(_), Seg::Text(_)) => Ordering::Greater,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

fn is_zero(seg: &Seg) -> bool {
    matches!(seg, Seg::Num(n) if n.is_zero())
}

/// `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`, or nothing at all.
fn is_valid(s: &[u8]) -> bool {
    if s.is_empty() {
        return true;
    }
    let mut i = s
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    if i == 0 {
        return false;
    }
    // `.` followed by at least one alphanumeric, repeatedly.
    while i < s.len() && s[i] == b'.' {
        let n = s[i + 1..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(s.len() - i - 1);
        if n == 0 {
            return false;
        }
        i += 1 + n;
    }
    if i == s.len() {
        return true;
    }
    if s[i] != b'-' {
        return false;
    }
    // After the `-`: parts of alphanumerics and `-`, separated by single dots.
    i += 1;
    loop {
        let n = s[i..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
            .unwrap_or(s.len() - i);
        if n == 0 {
            return false;
        }
        i += n;
        if i == s.len() {
            return true;
        }
        if s[i] != b'.' {
            return false;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        match (Gem::parse(a), Gem::parse(b)) {
            (Some(a), Some(b)) => a.compare(&b),
            other => panic!("unparsed: {other:?}"),
        }
    }

    #[test]
    fn prerelease_and_canonical_segments() {
        assert_eq!(cmp("1.0.a.0", "1.a"), Ordering::Equal);
        assert_eq!(cmp("1.0.a2", "1.0.a.2"), Ordering::Equal);
        assert_eq!(cmp("1.a", "1"), Ordering::Less);
        assert_eq!(cmp("1.0-1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0-1", "1.0.pre.1"), Ordering::Equal);
        assert_eq!(cmp("3.10", "3.2"), Ordering::Greater);
        assert_eq!(cmp("1.0.a10", "1.0.a9"), Ordering::Greater);
        assert_eq!(cmp("", "0"), Ordering::Equal);
    }

    #[test]
    fn pattern() {
        for ok in ["1", "1.0", "1.0.a", "1.0-beta.1", "1.0-x-y", " 1.2 "] {
            assert!(Gem::parse(ok).is_some(), "{ok}");
        }
        for bad in ["a", "1..0", "1.", "1.0-", "1.0-a..b", "1_0", "1.0 beta"] {
            assert!(Gem::parse(bad).is_none(), "{bad}");
        }
    }
}
