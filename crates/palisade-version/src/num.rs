//! Numbers of any size, and small byte-level helpers shared by the ecosystems.
//!
//! Version strings carry numbers far beyond `u64` (dates with times, build counters,
//! test vectors with 30 digits). They are never parsed into a fixed-width integer that
//! could overflow: a number up to 19 significant digits is kept as a `u64` (fast path),
//! anything longer keeps its digits, and two long numbers compare by digit count, then
//! lexically — which is numeric order for digit strings without leading zeros.

use std::cmp::Ordering;

/// A non-negative integer of unbounded size.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Num {
    /// At most 19 significant digits, so always below 10^19 < `u64::MAX`.
    Small(u64),
    /// 20 or more significant digits (no leading zeros), always above every `Small`.
    Big(Box<str>),
}

impl Num {
    pub(crate) const ZERO: Num = Num::Small(0);

    /// Builds a number from ASCII digits (leading zeros allowed, empty means zero).
    /// Bytes that are not digits must not be passed; they would not panic, only yield
    /// a meaningless value.
    pub(crate) fn from_digits(digits: &str) -> Num {
        let significant = digits.trim_start_matches('0');
        if significant.len() <= 19 {
            let mut value: u64 = 0;
            for b in significant.bytes() {
                value = value
                    .wrapping_mul(10)
                    .wrapping_add(u64::from(b.wrapping_sub(b'0')));
            }
            Num::Small(value)
        } else {
            Num::Big(significant.into())
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two ASCII digit strings numerically without converting them.
pub(crate) fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b'0').unwrap_or(s.len());
    &s[start..]
}

/// Splits `s` after its leading run of ASCII digits.
pub(crate) fn split_digits(s: &str) -> (&str, &str) {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Compares two lists element by element, padding the shorter one with `pad`.
pub(crate) fn cmp_padded<T: Ord>(a: &[T], b: &[T], pad: &T) -> Ordering {
    let len = a.len().max(b.len());
    for i in 0..len {
        let x = a.get(i).unwrap_or(pad);
        let y = b.get(i).unwrap_or(pad);
        match x.cmp(y) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_big_numbers_order_numerically() {
        let n = |s: &str| Num::from_digits(s);
        assert_eq!(n("007"), n("7"));
        assert_eq!(n(""), Num::ZERO);
        assert!(n("9999999999999999999") < n("10000000000000000000"));
        assert!(n("18446744073709551616") > n("18446744073709551615"));
        assert!(n("999999999999999999999999999991") < n("999999999999999999999999999999"));
        assert!(n("0000000000000000000000000000001") < n("2"));
        assert_eq!(cmp_digits(b"00123", b"123"), Ordering::Equal);
        assert_eq!(cmp_digits(b"", b"0"), Ordering::Equal);
        assert_eq!(cmp_digits(b"99", b"100"), Ordering::Less);
    }
}
