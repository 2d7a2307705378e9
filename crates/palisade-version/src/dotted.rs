//! Purely numeric versions compared as lists of numbers, where a list that is a prefix of
//! the other is smaller (so `1.0` < `1.0.0`, unlike SemVer):
//!
//! - **Hackage**: the Haskell Package Versioning Policy
//!   (<https://pvp.haskell.org/>), `Data.Version` ordering of the numeric branch,
//!   numbers separated by `.`;
//! - **CRAN**: R's `package_version` / `compareVersion`
//!   (<https://cran.r-project.org/doc/manuals/r-release/R-exts.html#The-DESCRIPTION-file>),
//!   numbers separated by `.` or `-` (`0.1-2` is `0.1.2`).
//!
//! Anything else (an empty part, a letter) is not a version and gets the crate-wide
//! fallback order.

use crate::num::Num;

/// Hackage: `N(.N)*`.
pub(crate) fn parse_hackage(input: &str) -> Option<Vec<Num>> {
    parse_numbers(input.trim(), &['.'])
}

/// CRAN: `N([.-]N)*`.
pub(crate) fn parse_cran(input: &str) -> Option<Vec<Num>> {
    parse_numbers(input.trim(), &['.', '-'])
}

fn parse_numbers(s: &str, separators: &[char]) -> Option<Vec<Num>> {
    s.split(separators)
        .map(|part| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| Num::from_digits(part))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_smaller() {
        let h = |s| parse_hackage(s).unwrap_or_default();
        assert!(h("1.0") < h("1.0.0"));
        assert!(h("0.11.3.0") < h("1.0"));
        let c = |s| parse_cran(s).unwrap_or_default();
        assert_eq!(c("0.01.0"), c("0.1-0"));
        assert!(c("0.9") < c("0.75"));
        assert!(parse_cran("1.0-a").is_none());
        assert!(parse_hackage("1.0-1").is_none());
        assert!(parse_hackage("").is_none());
    }
}
