use super::*;

/// `vector<TAB>score` lines (see `tests/data/README.md` for how they were produced).
fn vectors(name: &str) -> Vec<(String, f64)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("test vectors");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (v, s) = l.split_once('\t').expect("vector<TAB>score");
            (v.to_owned(), s.parse().expect("score"))
        })
        .collect()
}

fn check(name: &str, min: usize) {
    let cases = vectors(name);
    assert!(cases.len() >= min, "{name}: {} cases", cases.len());
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(v, want)| match score(v) {
            Ok(s) if (s.base - want).abs() < 1e-9 => None,
            Ok(s) => Some(format!("{v}: {} != {want}", s.base)),
            Err(e) => Some(format!("{v}: {e}")),
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn v4_reference_vectors() {
    check("v4.tsv", 80);
}

#[test]
fn v3_reference_vectors() {
    check("v3.tsv", 50);
}

#[test]
fn v4_known_scores_and_macro_vectors() {
    // FIRST's calculator shows 9.3 for the "network, no interaction, full impact" vector.
    let v = Cvss4::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
        .expect("valid");
    assert_eq!(v.macro_vector(), [0, 0, 0, 2, 0, 0]);
    let s = v.score();
    assert_eq!(
        (s.base, s.rating, s.version),
        (9.3, Rating::Critical, Version::V4_0)
    );
    // No impact anywhere: 0.0, rating none.
    let zero =
        score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N").expect("valid");
    assert_eq!((zero.base, zero.rating), (0.0, Rating::None));
    // Threat metric: unreported exploit maturity lowers the score.
    assert!(
        score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U")
            .expect("valid")
            .base
            < 9.3
    );
    // Safety on a subsequent system: EQ4 = 0.
    let safety =
        Cvss4::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S")
            .expect("valid");
    assert_eq!(safety.macro_vector()[3], 0);
    // Metric order does not matter for the score.
    assert_eq!(
        score("CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N")
            .expect("valid")
            .base,
        9.3
    );
    assert_eq!(
        validate("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        Ok(Version::V3_1)
    );
}

#[test]
fn v4_invalid_vectors_are_typed_errors_naming_the_metric() {
    let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    for (vector, needle) in [
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
            "SA is missing",
        ),
        (&format!("{base}/AV:N") as &str, "AV is repeated"),
        (&format!("{base}/XX:1"), "unknown metric \"XX\""),
        (&format!("{base}/E:Q"), "metric E has value \"Q\""),
        (&format!("{base}/SI:N"), "SI is repeated"),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
            "SI has value",
        ),
        (&format!("{base}/"), "has no value"),
        (&format!("{base}/U:red"), "metric U has value"),
    ] {
        match score(vector) {
            Err(CvssError::Invalid { problem, .. }) => {
                assert!(problem.contains(needle), "{vector}: {problem}");
            }
            other => panic!("{vector}: {other:?}"),
        }
    }
    assert!(matches!(
        score("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P"),
        Err(CvssError::Unsupported(_))
    ));
    assert!(matches!(
        score("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
        Err(CvssError::Unsupported(_))
    ));
    // Hostile: long and odd strings fail cleanly.
    let long = format!("CVSS:4.0/{}", "AV:N/".repeat(10_000));
    assert!(score(&long).is_err());
    assert!(score("").is_err());
    assert!(score("CVSS:4.0").is_err());
    assert!(score("CVSS:4.0/::::").is_err());
}

#[test]
fn ratings() {
    assert_eq!(Rating::from_score(9.8), Rating::Critical);
    assert_eq!(Rating::from_score(7.0), Rating::High);
    assert_eq!(Rating::from_score(6.9), Rating::Medium);
    assert_eq!(Rating::from_score(0.1), Rating::Low);
    assert_eq!(Rating::from_score(0.0), Rating::None);
}

#[test]
fn the_lookup_table_is_sorted_and_complete() {
    assert!(v4_table_sorted());
}

fn v4_table_sorted() -> bool {
    v4::lookup_table_is_sorted()
}
