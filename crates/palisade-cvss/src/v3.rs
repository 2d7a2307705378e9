//! CVSS v3.0 / v3.1 base scores, computed from the vector per FIRST's specification
//! (<https://www.first.org/cvss/v3.1/specification-document>, section 7 and appendix A).

use crate::{CvssError, Rating, Score, Version};

/// Computes the base score of a `CVSS:3.0/…` or `CVSS:3.1/…` vector. Temporal and
/// environmental metrics may be present; they are validated by name and ignored.
///
/// # Errors
///
/// [`CvssError::Unsupported`] for other versions, [`CvssError::Invalid`] for a vector
/// with a missing, repeated, unknown or out-of-range metric.
pub(crate) fn score(vector: &str) -> Result<Score, CvssError> {
    let invalid = |problem: String| CvssError::Invalid {
        vector: vector.to_owned(),
        problem,
    };
    let mut parts = vector.trim().split('/');
    let head = parts.next().unwrap_or_default();
    let v31 = match head {
        "CVSS:3.1" => true,
        "CVSS:3.0" => false,
        other if other.starts_with("CVSS:") => {
            return Err(CvssError::Unsupported(
                other.trim_start_matches("CVSS:").to_owned(),
            ));
        }
        _ => return Err(CvssError::Unsupported("2.0 or unknown".to_owned())),
    };
    // AV AC PR UI S C I A
    let mut base: [Option<char>; 8] = [None; 8];
    const NAMES: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
    const OTHER: [&str; 14] = [
        "E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA",
    ];
    let mut seen_other: Vec<&str> = Vec::new();
    for part in parts {
        let (key, value) = part
            .split_once(':')
            .ok_or_else(|| invalid(format!("metric {part:?} has no value")))?;
        if let Some(i) = NAMES.iter().position(|n| *n == key) {
            let mut chars = value.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(invalid(format!("metric {key} has value {value:?}")));
            };
            if base[i].replace(c).is_some() {
                return Err(invalid(format!("metric {key} is repeated")));
            }
        } else if OTHER.contains(&key) {
            if seen_other.contains(&key) {
                return Err(invalid(format!("metric {key} is repeated")));
            }
            seen_other.push(key);
        } else {
            return Err(invalid(format!("unknown metric {key:?}")));
        }
    }
    let mut m = ['\0'; 8];
    for (i, slot) in base.iter().enumerate() {
        m[i] = slot.ok_or_else(|| invalid(format!("base metric {} is missing", NAMES[i])))?;
    }
    let bad = |i: usize| invalid(format!("metric {} has value {:?}", NAMES[i], m[i]));
    let changed = match m[4] {
        'U' => false,
        'C' => true,
        _ => return Err(bad(4)),
    };
    let av = match m[0] {
        'N' => 0.85,
        'A' => 0.62,
        'L' => 0.55,
        'P' => 0.2,
        _ => return Err(bad(0)),
    };
    let ac = match m[1] {
        'L' => 0.77,
        'H' => 0.44,
        _ => return Err(bad(1)),
    };
    let pr = match (m[2], changed) {
        ('N', _) => 0.85,
        ('L', false) => 0.62,
        ('L', true) => 0.68,
        ('H', false) => 0.27,
        ('H', true) => 0.5,
        _ => return Err(bad(2)),
    };
    let ui = match m[3] {
        'N' => 0.85,
        'R' => 0.62,
        _ => return Err(bad(3)),
    };
    let mut cia = [0.0_f64; 3];
    for (k, slot) in cia.iter_mut().enumerate() {
        *slot = match m[5 + k] {
            'H' => 0.56,
            'L' => 0.22,
            'N' => 0.0,
            _ => return Err(bad(5 + k)),
        };
    }
    let iss = 1.0 - (1.0 - cia[0]) * (1.0 - cia[1]) * (1.0 - cia[2]);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    let round = if v31 { roundup_31 } else { roundup_30 };
    let base = if impact <= 0.0 {
        0.0
    } else if changed {
        round((1.08 * (impact + exploitability)).min(10.0))
    } else {
        round((impact + exploitability).min(10.0))
    };
    Ok(Score {
        base,
        rating: Rating::from_score(base),
        version: if v31 { Version::V3_1 } else { Version::V3_0 },
    })
}

/// CVSS v3.1 appendix A `Roundup`: the smallest one-decimal number at or above `x`,
/// computed on integers so that floating-point noise (`4.000000000001`) does not round up.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn roundup_31(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

/// CVSS v3.0's `Roundup`: `ceil(x * 10) / 10`.
fn roundup_30(x: f64) -> f64 {
    (x * 10.0).ceil() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> f64 {
        match score(v) {
            Ok(s) => s.base,
            Err(e) => panic!("{v}: {e}"),
        }
    }

    // Expected values computed by hand from the specification's formulas.
    #[test]
    fn known_vectors() {
        assert_eq!(s("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
        assert_eq!(s("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
        assert_eq!(s("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0);
        assert_eq!(s("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"), 7.5);
        assert_eq!(s("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
        assert_eq!(s("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"), 7.8);
        assert_eq!(s("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"), 8.1);
        assert_eq!(s("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N"), 4.3);
        assert_eq!(s("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"), 1.6);
        // RUSTSEC-2016-0001's vector.
        assert_eq!(s("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"), 8.1);
        // Temporal metrics are accepted and ignored.
        assert_eq!(
            s("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C"),
            9.8
        );
    }

    #[test]
    fn roundup_avoids_float_noise() {
        assert_eq!(roundup_31(4.000_000_000_01), 4.0);
        assert_eq!(roundup_31(4.02), 4.1);
        assert_eq!(roundup_31(4.0), 4.0);
    }

    #[test]
    fn rejects() {
        assert!(matches!(
            score("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Err(CvssError::Unsupported(_))
        ));
        assert!(matches!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"),
            Err(CvssError::Invalid { .. })
        ));
        assert!(matches!(
            score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Err(CvssError::Invalid { .. })
        ));
        assert!(matches!(
            score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Err(CvssError::Invalid { .. })
        ));
    }
}
