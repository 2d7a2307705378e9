//! Debian: the `dpkg` ordering of Debian Policy §5.6.12
//! (<https://www.debian.org/doc/debian-policy/ch-controlfields.html#version>).
//!
//! `[epoch:]upstream[-revision]`: the epoch is the number before the first `:` (0 when
//! absent), the revision is what follows the last `-` (empty when absent, which compares
//! equal to `0`). Epochs compare numerically; upstream and revision compare with the
//! policy's algorithm: alternately the longest non-digit prefix, character by character
//! with `~` before everything (even the end of the string), then the end and digits,
//! then ASCII letters, then every other character; and the longest digit prefix,
//! numerically (of any length).
//!
//! A non-numeric epoch is not a Debian version and gets the crate-wide fallback order.
//! Ubuntu uses the same ordering.

use std::cmp::Ordering;

use crate::num::{Num, cmp_digits};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Dpkg {
    epoch: Num,
    upstream: Box<[u32]>,
    revision: Box<[u32]>,
}

/// `(epoch, upstream, revision)`, or `None` when the epoch is not a number.
fn split(input: &str) -> Option<(&str, &str, &str)> {
    let s = input.trim();
    let (epoch, rest) = match s.split_once(':') {
        Some((epoch, rest)) => {
            if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (epoch, rest)
        }
        None => ("0", s),
    };
    let (upstream, revision) = rest.rsplit_once('-').unwrap_or((rest, ""));
    Some((epoch, upstream, revision))
}

/// Compares two strings directly, without building [`Dpkg`] values (no allocation);
/// `None` when either is not a Debian version.
pub(crate) fn compare_str(a: &str, b: &str) -> Option<Ordering> {
    let (ea, ua, ra) = split(a)?;
    let (eb, ub, rb) = split(b)?;
    Some(
        cmp_digits(ea.as_bytes(), eb.as_bytes())
            .then_with(|| verrevcmp(ua.as_bytes(), ub.as_bytes()))
            .then_with(|| verrevcmp(ra.as_bytes(), rb.as_bytes())),
    )
}

impl Dpkg {
    pub(crate) fn parse(input: &str) -> Option<Dpkg> {
        let (epoch, upstream, revision) = split(input)?;
        Some(Dpkg {
            epoch: Num::from_digits(epoch),
            upstream: encode(upstream.as_bytes()),
            revision: encode(revision.as_bytes()),
        })
    }

    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_encoded(&self.upstream, &other.upstream))
            .then_with(|| cmp_encoded(&self.revision, &other.revision))
    }
}

/// The weight of a character in a non-digit run; `None` is the end of the run.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// The policy's algorithm on the strings themselves.
fn verrevcmp(mut a: &[u8], mut b: &[u8]) -> Ordering {
    while !a.is_empty() || !b.is_empty() {
        // Non-digit prefixes, character by character.
        loop {
            let ca = a.first().copied().filter(|c| !c.is_ascii_digit());
            let cb = b.first().copied().filter(|c| !c.is_ascii_digit());
            if ca.is_none() && cb.is_none() {
                break;
            }
            let ord = weight(ca).cmp(&weight(cb));
            if ord != Ordering::Equal {
                return ord;
            }
            // Equal weights mean both sides hold a character (only digits and the end
            // weigh 0, and a present non-digit never does), so both advance.
            a = a.get(1..).unwrap_or_default();
            b = b.get(1..).unwrap_or_default();
        }
        // Digit prefixes, numerically.
        let da = a
            .iter()
            .position(|c| !c.is_ascii_digit())
            .unwrap_or(a.len());
        let db = b
            .iter()
            .position(|c| !c.is_ascii_digit())
            .unwrap_or(b.len());
        let ord = cmp_digits(&a[..da], &b[..db]);
        if ord != Ordering::Equal {
            return ord;
        }
        a = &a[da..];
        b = &b[db..];
    }
    Ordering::Equal
}

// The same comparison, precomputed for parsed versions: a string becomes a sequence of segments, each
// the weights of its non-digit run, then `END`, then the length of its digit run (leading
// zeros removed), then those digits. Two such sequences stay aligned while they are
// equal, so comparing them element by element is the policy's algorithm, provided the
// shorter one is padded with what an exhausted string looks like: empty segments,
// `END, 0, END, 0, …`.

/// The end of a non-digit run (or of the string): after `~`, before everything else.
const END: u32 = 1;

fn char_weight(c: u8) -> u32 {
    match c {
        b'~' => 0,
        c if c.is_ascii_alphabetic() => u32::from(c) + 2,
        c => u32::from(c) + 2 + 256,
    }
}

fn encode(s: &[u8]) -> Box<[u32]> {
    let mut out = Vec::with_capacity(s.len() + 4);
    let mut rest = s;
    while !rest.is_empty() {
        let alpha = rest
            .iter()
            .position(u8::is_ascii_digit)
            .unwrap_or(rest.len());
        out.extend(rest[..alpha].iter().map(|&c| char_weight(c)));
        out.push(END);
        rest = &rest[alpha..];
        let digits = rest
            .iter()
            .position(|c| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let significant = &rest[rest[..digits]
            .iter()
            .position(|&c| c != b'0')
            .unwrap_or(digits)..digits];
        out.push(u32::try_from(significant.len()).unwrap_or(u32::MAX));
        out.extend(significant.iter().map(|&c| u32::from(c)));
        rest = &rest[digits..];
    }
    out.into_boxed_slice()
}

fn cmp_encoded(a: &[u32], b: &[u32]) -> Ordering {
    let common = a.len().min(b.len());
    match a[..common].cmp(&b[..common]) {
        Ordering::Equal => {}
        other => return other,
    }
    let pad = |i: usize| if i.is_multiple_of(2) { END } else { 0 };
    if a.len() > b.len() {
        for (i, &x) in a[common..].iter().enumerate() {
            match x.cmp(&pad(i)) {
                Ordering::Equal => {}
                other => return other,
            }
        }
    } else {
        for (i, &y) in b[common..].iter().enumerate() {
            match pad(i).cmp(&y) {
                Ordering::Equal => {}
                other => return other,
            }
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        let parsed = match (Dpkg::parse(a), Dpkg::parse(b)) {
            (Some(a), Some(b)) => a.compare(&b),
            other => panic!("unparsed: {other:?}"),
        };
        assert_eq!(compare_str(a, b), Some(parsed), "{a} vs {b}");
        parsed
    }

    #[test]
    fn tilde_epoch_revision() {
        let chain = [
            "1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+", "1.0.1", "1:0.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("0:1.0", "1.0-0"), Ordering::Equal);
        assert_eq!(cmp("1.2.3-1~deb7u1", "1.2.3-1"), Ordering::Less);
        assert_eq!(cmp("1.0-1-2", "1.0-1-10"), Ordering::Less);
        assert_eq!(cmp("1.0a", "1.0-a"), Ordering::Greater);
        assert_eq!(cmp("0", ""), Ordering::Equal);
        assert_eq!(cmp("0~", ""), Ordering::Less);
        assert_eq!(cmp("0a", "5"), Ordering::Less);
        assert_eq!(cmp("1.0", "1.0.0"), Ordering::Less);
        assert_eq!(cmp("00010", "10"), Ordering::Equal);
    }

    #[test]
    fn bad_epoch() {
        assert!(Dpkg::parse("a:1.0").is_none());
        assert!(Dpkg::parse(":1.0").is_none());
    }
}
