//! PyPI: PEP 440 (<https://peps.python.org/pep-0440/>), the version scheme of the Python
//! packaging specifications.
//!
//! A version is `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, read case-insensitively
//! with every alternative spelling the PEP's normalisation section accepts (`alpha`,
//! `beta`, `c`, `pre`, `preview`, `rev`, `r`, implicit numbers, the implicit post-release
//! `1.0-1`, `-`/`_`/`.` separators, a leading `v`). Ordering: epoch, then the release
//! compared numerically with trailing zeros ignored, then pre-release (a < b < rc; a
//! version with only a dev part sorts before its pre-releases; a final release after
//! them), then post-release (none first), then dev-release (none last), then the local
//! label (none first; numeric segments after alphanumeric ones).
//!
//! Strings that are not PEP 440 versions get the ordering of the pre-PEP 440 tools
//! (setuptools' `parse_version`, packaging's `LegacyVersion`): they always sort before
//! every valid version and, among themselves, by a key built from their digit and letter
//! runs. OSV records still contain such versions, and this is the order the Python
//! tooling gave them.

use crate::num::Num;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Pep440 {
    /// Sorts before every valid version (variant order).
    Legacy(Vec<Box<str>>),
    Valid(Key),
}

impl Pep440 {
    pub(crate) fn parse(input: &str) -> Pep440 {
        match parse_valid(input) {
            Some(key) => Pep440::Valid(key),
            None => Pep440::Legacy(legacy_key(input)),
        }
    }
}

/// The sort key; the derived order compares the fields in declaration order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    epoch: Num,
    /// Trailing zeros removed, so `1.0` = `1.0.0`.
    release: Vec<Num>,
    pre: Pre,
    /// `None` sorts first.
    post: Option<Num>,
    dev: Dev,
    /// `None` sorts first.
    local: Option<Vec<Local>>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pre {
    /// `1.0.dev1`: no pre- and no post-release but a dev part, before `1.0a1`.
    DevOnly,
    /// (0 = a, 1 = b, 2 = rc, number)
    Labelled(u8, Num),
    /// No pre-release: after every pre-release.
    Final,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Dev {
    Dev(Num),
    /// No dev part: after every dev release.
    None,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Local {
    Text(Box<str>),
    /// Numeric segments sort after alphanumeric ones.
    Num(Num),
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_sep(&mut self) {
        if matches!(self.peek(), Some(b'-' | b'_' | b'.')) {
            self.pos += 1;
        }
    }

    fn digits(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.pos]).ok()
    }

    /// Consumes the first keyword of `words` that the input continues with, returning
    /// its associated value. Longer spellings must come before their prefixes.
    fn keyword<T: Copy>(&mut self, words: &[(&str, T)]) -> Option<T> {
        let rest = &self.s[self.pos..];
        for &(word, value) in words {
            if rest.starts_with(word.as_bytes()) {
                self.pos += word.len();
                return Some(value);
            }
        }
        None
    }

    fn number_or_zero(&mut self) -> Num {
        self.digits().map_or(Num::ZERO, Num::from_digits)
    }
}

const PRE_WORDS: &[(&str, u8)] = &[
    ("preview", 2),
    ("alpha", 0),
    ("beta", 1),
    ("pre", 2),
    ("rc", 2),
    ("a", 0),
    ("b", 1),
    ("c", 2),
];
const POST_WORDS: &[(&str, ())] = &[("post", ()), ("rev", ()), ("r", ())];

fn parse_valid(input: &str) -> Option<Key> {
    let lower = input.trim().to_ascii_lowercase();
    let mut c = Cursor {
        s: lower.as_bytes(),
        pos: 0,
    };
    c.eat(b'v');

    let mut epoch = Num::ZERO;
    let start = c.pos;
    if let Some(digits) = c.digits() {
        if c.eat(b'!') {
            epoch = Num::from_digits(digits);
        } else {
            c.pos = start;
        }
    }

    let mut release = vec![Num::from_digits(c.digits()?)];
    while c.peek() == Some(b'.') && c.s.get(c.pos + 1).is_some_and(u8::is_ascii_digit) {
        c.pos += 1;
        release.push(Num::from_digits(c.digits()?));
    }
    while release.last().is_some_and(Num::is_zero) {
        release.pop();
    }

    let mut pre = None;
    let save = c.pos;
    c.eat_sep();
    if let Some(rank) = c.keyword(PRE_WORDS) {
        c.eat_sep();
        pre = Some((rank, c.number_or_zero()));
    } else {
        c.pos = save;
    }

    let mut post = None;
    let save = c.pos;
    if c.eat(b'-')
        && let Some(digits) = c.digits()
    {
        post = Some(Num::from_digits(digits));
    } else {
        c.pos = save;
        c.eat_sep();
        if c.keyword(POST_WORDS).is_some() {
            c.eat_sep();
            post = Some(c.number_or_zero());
        } else {
            c.pos = save;
        }
    }

    let mut dev = None;
    let save = c.pos;
    c.eat_sep();
    if c.keyword(&[("dev", ())]).is_some() {
        c.eat_sep();
        dev = Some(c.number_or_zero());
    } else {
        c.pos = save;
    }

    let mut local = None;
    if c.eat(b'+') {
        let rest = std::str::from_utf8(&c.s[c.pos..]).ok()?;
        let mut segments = Vec::new();
        for segment in rest.split(['-', '_', '.']) {
            if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            segments.push(if segment.bytes().all(|b| b.is_ascii_digit()) {
                Local::Num(Num::from_digits(segment))
            } else {
                Local::Text(segment.into())
            });
        }
        c.pos = c.s.len();
        local = Some(segments);
    }

    if c.pos != c.s.len() {
        return None;
    }

    let pre = match (pre, &post, &dev) {
        (Some((rank, n)), _, _) => Pre::Labelled(rank, n),
        (None, None, Some(_)) => Pre::DevOnly,
        (None, _, _) => Pre::Final,
    };
    Some(Key {
        epoch,
        release,
        pre,
        post,
        dev: dev.map_or(Dev::None, Dev::Dev),
        local,
    })
}

/// The legacy key: the string is lower-cased and cut into runs of digits, runs of ASCII
/// letters, single `.`/`-`, and whatever lies between them. Digit runs are zero-padded to
/// eight characters (so they compare as text the way small numbers compare), other parts
/// get a `*` prefix, a few spellings are unified (`pre`, `preview`, `rc` → `c`; `dev` →
/// `@`; `-` → `final-`), and `*final` ends the key. While building, a pre-release-like
/// part (one sorting before `*final`) drops the `*final-` markers before it, and any
/// part other than a number drops the zero numbers before it, so `1.0-a` = `1-a`.
fn legacy_key(input: &str) -> Vec<Box<str>> {
    let lower = input.to_lowercase();
    let mut raw: Vec<&str> = Vec::new();
    let bytes = lower.as_bytes();
    let mut i = 0;
    let mut other_start: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        let run_end = if b.is_ascii_digit() {
            Some(run(bytes, i, |c| c.is_ascii_digit()))
        } else if b.is_ascii_lowercase() {
            Some(run(bytes, i, |c| c.is_ascii_lowercase()))
        } else if b == b'.' || b == b'-' {
            Some(i + 1)
        } else {
            None
        };
        match run_end {
            Some(end) => {
                if let Some(start) = other_start.take() {
                    raw.push(lower.get(start..i).unwrap_or(""));
                }
                raw.push(lower.get(i..end).unwrap_or(""));
                i = end;
            }
            None => {
                other_start.get_or_insert(i);
                i += 1;
            }
        }
    }
    if let Some(start) = other_start {
        raw.push(lower.get(start..).unwrap_or(""));
    }

    let mut parts: Vec<Box<str>> = Vec::new();
    let mut push = |part: String| {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| &**p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| &**p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part.into());
    };
    for part in raw {
        let part = match part {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            other => other,
        };
        if part.is_empty() || part == "." {
            continue;
        }
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            push(format!("{part:0>8}"));
        } else {
            push(format!("*{part}"));
        }
    }
    push("*final".to_owned());
    parts
}

fn run(bytes: &[u8], start: usize, pred: impl Fn(u8) -> bool) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| !pred(b))
        .map_or(bytes.len(), |n| start + n)
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Pep440::parse(a).cmp(&Pep440::parse(b))
    }

    #[test]
    fn pep_440_summary_order() {
        // The ordering example of PEP 440's "Summary of permitted suffixes".
        let chain = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
    }

    #[test]
    fn normalisation_spellings() {
        for (a, b) in [
            ("1.0ALPHA1", "1.0a1"),
            ("1.0-beta.2", "1.0b2"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"),
            ("1.0-1", "1.0.post1"),
            ("1.0rev1", "1.0.post1"),
            ("1.0-r", "1.0.post0"),
            ("v1.0", "1.0"),
            ("1.0.0", "1.0"),
            ("0!1.0", "1.0"),
            ("1.0+ubuntu-1", "1.0+ubuntu.1"),
            ("  1.0  ", "1.0"),
        ] {
            assert_eq!(cmp(a, b), Ordering::Equal, "{a} = {b}");
        }
    }

    #[test]
    fn epoch_beats_release() {
        assert_eq!(cmp("1!0.1", "2020.1"), Ordering::Greater);
    }

    #[test]
    fn legacy_sorts_before_valid() {
        assert_eq!(cmp("french toast", "0.0.0.dev0"), Ordering::Less);
        assert_eq!(cmp("0.1-bulbasaur", "0.1-charmander"), Ordering::Less);
        assert!(matches!(Pep440::parse("1.0-foo"), Pep440::Legacy(_)));
    }
}
