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
    upstream: Box<str>,
    revision: Box<str>,
}

impl Dpkg {
    pub(crate) fn parse(input: &str) -> Option<Dpkg> {
        let s = input.trim();
        let (epoch, rest) = match s.split_once(':') {
            Some((epoch, rest)) => {
                if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (Num::from_digits(epoch), rest)
            }
            None => (Num::ZERO, s),
        };
        let (upstream, revision) = rest.rsplit_once('-').unwrap_or((rest, ""));
        Some(Dpkg {
            epoch,
            upstream: upstream.into(),
            revision: revision.into(),
        })
    }

    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
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
            // Equal weights with one side absent cannot happen (only digits and the end
            // weigh 0, and `~` is the only negative weight), so both sides advance.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        match (Dpkg::parse(a), Dpkg::parse(b)) {
            (Some(a), Some(b)) => a.compare(&b),
            other => panic!("unparsed: {other:?}"),
        }
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
    }

    #[test]
    fn bad_epoch() {
        assert!(Dpkg::parse("a:1.0").is_none());
        assert!(Dpkg::parse(":1.0").is_none());
    }
}
