//! RPM (Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE, Mageia, …): `rpmvercmp` as
//! described in RPM's version-comparison documentation
//! (<https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning>
//! and the Fedora packaging guidelines on versioning).
//!
//! `[epoch:]version[-release]`: the epoch is a run of digits followed by `:` (0 when
//! absent; a colon after anything else is just a character of the version), the release
//! is what follows the last `-`. Epochs, versions and releases compare with `rpmvercmp`:
//! identical strings are equal; otherwise both are read as alternating runs of ASCII
//! digits and ASCII letters, everything else only separating them. `~` sorts before
//! anything, including the end; `^` sorts after the end but before anything else. Digit
//! runs compare numerically (any length), letter runs by bytes, and a digit run is
//! greater than a letter run. When all runs are equal, the string with something left is
//! greater.
//!
//! A version without a release sorts before the same version with any release (as OSV
//! data expects; `rpm` itself would skip comparing the releases). Every string is an RPM
//! version; there is no fallback.

use std::cmp::Ordering;

use crate::num::cmp_digits;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rpm {
    epoch: Box<str>,
    version: Box<str>,
    release: Option<Box<str>>,
}

/// A borrowed `[epoch:]version[-release]`.
struct Evr<'a> {
    epoch: &'a str,
    version: &'a str,
    release: Option<&'a str>,
}

impl<'a> Evr<'a> {
    fn split(input: &'a str) -> Evr<'a> {
        let s = input.trim();
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = match s[digits..].strip_prefix(':') {
            Some(rest) => (&s[..digits], rest),
            None => ("0", s),
        };
        let (version, release) = match rest.rsplit_once('-') {
            Some((version, release)) => (version, Some(release)),
            None => (rest, None),
        };
        Evr {
            epoch,
            version,
            release,
        }
    }

    fn compare(&self, other: &Evr<'_>) -> Ordering {
        rpmvercmp(self.epoch.as_bytes(), other.epoch.as_bytes())
            .then_with(|| rpmvercmp(self.version.as_bytes(), other.version.as_bytes()))
            .then_with(|| match (self.release, other.release) {
                (Some(a), Some(b)) => rpmvercmp(a.as_bytes(), b.as_bytes()),
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
            })
    }
}

/// Compares two strings directly, without building [`Rpm`] values (no allocation).
pub(crate) fn compare_str(a: &str, b: &str) -> Ordering {
    Evr::split(a).compare(&Evr::split(b))
}

impl Rpm {
    pub(crate) fn parse(input: &str) -> Rpm {
        let evr = Evr::split(input);
        Rpm {
            epoch: evr.epoch.into(),
            version: evr.version.into(),
            release: evr.release.map(Into::into),
        }
    }

    fn as_evr(&self) -> Evr<'_> {
        Evr {
            epoch: &self.epoch,
            version: &self.version,
            release: self.release.as_deref(),
        }
    }

    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        self.as_evr().compare(&other.as_evr())
    }
}

fn is_separator(c: u8) -> bool {
    !c.is_ascii_alphanumeric() && c != b'~' && c != b'^'
}

fn rpmvercmp(mut a: &[u8], mut b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    loop {
        a = &a[a.iter().position(|&c| !is_separator(c)).unwrap_or(a.len())..];
        b = &b[b.iter().position(|&c| !is_separator(c)).unwrap_or(b.len())..];
        let (ca, cb) = (a.first().copied(), b.first().copied());
        if ca.is_none() && cb.is_none() {
            return Ordering::Equal;
        }

        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            a = &a[1..];
            b = &b[1..];
            continue;
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            a = &a[1..];
            b = &b[1..];
            continue;
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            // One side ran out: the one with something left is greater.
            return if a.is_empty() {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        };

        let numeric = ca.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let la = a.iter().position(|c| !class(c)).unwrap_or(a.len());
        let lb = b.iter().position(|c| !class(c)).unwrap_or(b.len());
        if lb == 0 {
            // Different kinds of run: numbers are newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let ord = if numeric {
            cmp_digits(&a[..la], &b[..lb])
        } else {
            a[..la].cmp(&b[..lb])
        };
        if ord != Ordering::Equal {
            return ord;
        }
        a = &a[la..];
        b = &b[lb..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Rpm::parse(a).compare(&Rpm::parse(b))
    }

    #[test]
    fn tilde_and_caret() {
        let chain = [
            "1.0~rc1",
            "1.0~rc1^git1",
            "1.0",
            "1.0^git1~pre",
            "1.0^git1",
            "1.0^git2",
            "1.0.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
    }

    #[test]
    fn epochs_separators_releases() {
        assert_eq!(cmp("01:2", "1:2"), Ordering::Equal);
        assert_eq!(cmp("3", "1:2"), Ordering::Less);
        assert_eq!(cmp("10.0001", "10.1"), Ordering::Equal);
        assert_eq!(cmp("2_0", "2.0"), Ordering::Equal);
        assert_eq!(cmp("1.1.α", "1.1.β"), Ordering::Equal);
        assert_eq!(cmp("5.5p10", "5.5p1"), Ordering::Greater);
        assert_eq!(cmp("1", "1-0"), Ordering::Less);
        assert_eq!(cmp("a:1", "a1:1"), Ordering::Less);
    }
}
