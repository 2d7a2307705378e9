//! CVSS base scores computed from the vector, per FIRST's specifications: v3.0 and v3.1
//! (section 7 and appendix A formulas) and v4.0 (the macro-vector lookup table and the
//! interpolation of the specification's section 8). A leaf crate: no palisade dependency,
//! usable on its own.
//!
//! ```
//! let s = palisade_cvss::score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")?;
//! assert_eq!(s.base, 9.3);
//! assert_eq!(s.rating, palisade_cvss::Rating::Critical);
//! # Ok::<(), palisade_cvss::CvssError>(())
//! ```
//!
//! Hostile input: a vector is a short string; parsing is one split, values are checked
//! against each metric's closed list, a repeated, unknown or missing metric is a typed
//! [`CvssError::Invalid`] naming it, and nothing panics.
//!
//! # Crates, and why
//!
//! `thiserror` for the one error type and `serde` for [`Rating`]'s lowercase name in
//! reports, as in every palisade crate; nothing else.

use std::fmt;

mod v3;
mod v4;

pub use v4::Cvss4;

/// The CVSS version of a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// `CVSS:3.0/…`
    V3_0,
    /// `CVSS:3.1/…`
    V3_1,
    /// `CVSS:4.0/…`
    V4_0,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V4_0 => "4.0",
        })
    }
}

/// A qualitative severity rating (CVSS v3.1 table 14; the same bands in v4.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// Score 0.0.
    None,
    /// 0.1 – 3.9.
    Low,
    /// 4.0 – 6.9.
    Medium,
    /// 7.0 – 8.9.
    High,
    /// 9.0 – 10.0.
    Critical,
}

impl Rating {
    /// The rating of a base score.
    pub fn from_score(score: f64) -> Rating {
        if score >= 9.0 {
            Rating::Critical
        } else if score >= 7.0 {
            Rating::High
        } else if score >= 4.0 {
            Rating::Medium
        } else if score > 0.0 {
            Rating::Low
        } else {
            Rating::None
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rating::None => "none",
            Rating::Low => "low",
            Rating::Medium => "medium",
            Rating::High => "high",
            Rating::Critical => "critical",
        })
    }
}

/// Why a vector could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    /// A CVSS version this crate does not compute (v2, or an unknown `CVSS:x.y`).
    #[error("CVSS version {0:?} is not computed (CVSS:3.0, CVSS:3.1 and CVSS:4.0 are)")]
    Unsupported(String),
    /// The vector is malformed.
    #[error("invalid CVSS vector {vector:?}: {problem}")]
    Invalid {
        /// The vector.
        vector: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// A computed score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// The score, 0.0 – 10.0, one decimal: v3's base score (temporal and environmental
    /// metrics validated and ignored); v4's CVSS-B/BT/BE/BTE score, which takes every
    /// threat and environmental metric present into account, as the specification defines.
    pub base: f64,
    /// Its rating.
    pub rating: Rating,
    /// The vector's version.
    pub version: Version,
}

/// Scores a `CVSS:3.0/…`, `CVSS:3.1/…` or `CVSS:4.0/…` vector.
///
/// # Errors
///
/// [`CvssError::Unsupported`] for other versions (v2 has no prefix), and
/// [`CvssError::Invalid`] for a vector with a missing, repeated, unknown or out-of-range
/// metric.
pub fn score(vector: &str) -> Result<Score, CvssError> {
    if vector.trim().starts_with("CVSS:4.0/") {
        Cvss4::parse(vector).map(|v| v.score())
    } else {
        v3::score(vector)
    }
}

/// Checks a vector without keeping the score: its version when valid.
///
/// # Errors
///
/// As [`score`].
pub fn validate(vector: &str) -> Result<Version, CvssError> {
    score(vector).map(|s| s.version)
}

#[cfg(test)]
mod tests;
