//! CVSS v4.0 (<https://www.first.org/cvss/v4-0/specification-document>): the vector's
//! metrics are mapped to a macro vector of six equivalence classes (EQ1–EQ6, section 8.2),
//! whose score comes from the specification's lookup table; the score is then lowered
//! within the macro vector's range by the vector's mean severity distance from the
//! macro vector's highest-severity vectors (section 8.3, "interpolation"), and rounded to
//! one decimal.

use crate::{CvssError, Rating, Score, Version};

/// Every metric in the specification's order, with its allowed values. The first 11 are
/// mandatory; `X` (not defined) is allowed for every other one.
const METRICS: [(&str, &[&str]); 32] = [
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
    ("E", &["X", "A", "P", "U"]),
    ("CR", &["X", "H", "M", "L"]),
    ("IR", &["X", "H", "M", "L"]),
    ("AR", &["X", "H", "M", "L"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MAT", &["X", "N", "P"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "P", "A"]),
    ("MVC", &["X", "H", "L", "N"]),
    ("MVI", &["X", "H", "L", "N"]),
    ("MVA", &["X", "H", "L", "N"]),
    ("MSC", &["X", "H", "L", "N"]),
    ("MSI", &["X", "S", "H", "L", "N"]),
    ("MSA", &["X", "S", "H", "L", "N"]),
    ("S", &["X", "N", "P"]),
    ("AU", &["X", "N", "Y"]),
    ("R", &["X", "A", "U", "I"]),
    ("V", &["X", "D", "C"]),
    ("RE", &["X", "L", "M", "H"]),
    ("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

const MANDATORY: usize = 11;

/// A parsed, valid CVSS v4.0 vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cvss4 {
    values: [&'static str; 32],
}

fn index_of(metric: &str) -> Option<usize> {
    METRICS.iter().position(|(name, _)| *name == metric)
}

impl Cvss4 {
    /// Parses `CVSS:4.0/AV:…/…`. Metrics may come in any order; each at most once.
    ///
    /// # Errors
    ///
    /// [`CvssError::Unsupported`] for another prefix, [`CvssError::Invalid`] naming the
    /// missing, repeated, unknown or out-of-range metric.
    pub fn parse(vector: &str) -> Result<Cvss4, CvssError> {
        let invalid = |problem: String| CvssError::Invalid {
            vector: vector.to_owned(),
            problem,
        };
        let mut parts = vector.trim().split('/');
        match parts.next() {
            Some("CVSS:4.0") => {}
            Some(other) => {
                return Err(CvssError::Unsupported(
                    other.trim_start_matches("CVSS:").to_owned(),
                ));
            }
            None => return Err(CvssError::Unsupported(String::new())),
        }
        let mut set: [Option<&'static str>; 32] = [None; 32];
        for part in parts {
            let (key, value) = part
                .split_once(':')
                .ok_or_else(|| invalid(format!("metric {part:?} has no value")))?;
            let i = index_of(key).ok_or_else(|| invalid(format!("unknown metric {key:?}")))?;
            let allowed = METRICS[i].1;
            let v = allowed
                .iter()
                .find(|a| **a == value)
                .ok_or_else(|| invalid(format!("metric {key} has value {value:?}")))?;
            if set[i].replace(v).is_some() {
                return Err(invalid(format!("metric {key} is repeated")));
            }
        }
        let mut values = ["X"; 32];
        for (i, slot) in set.iter().enumerate() {
            match slot {
                Some(v) => values[i] = v,
                None if i < MANDATORY => {
                    return Err(invalid(format!("base metric {} is missing", METRICS[i].0)));
                }
                None => {}
            }
        }
        Ok(Cvss4 { values })
    }

    fn get(&self, metric: &str) -> &'static str {
        index_of(metric).map_or("X", |i| self.values[i])
    }

    /// The value the score uses: the modified metric when defined, the defaults of the
    /// specification for `E` (`A`) and the requirements (`H`) when not defined.
    fn m(&self, metric: &str) -> &'static str {
        let selected = self.get(metric);
        match (metric, selected) {
            ("E", "X") => return "A",
            ("CR" | "IR" | "AR", "X") => return "H",
            _ => {}
        }
        let modified = match metric {
            "AV" => "MAV",
            "AC" => "MAC",
            "AT" => "MAT",
            "PR" => "MPR",
            "UI" => "MUI",
            "VC" => "MVC",
            "VI" => "MVI",
            "VA" => "MVA",
            "SC" => "MSC",
            "SI" => "MSI",
            "SA" => "MSA",
            _ => return selected,
        };
        match self.get(modified) {
            "X" => selected,
            v => v,
        }
    }

    /// The macro vector: the six equivalence classes, e.g. `[0, 0, 0, 2, 0, 1]`.
    pub fn macro_vector(&self) -> [u8; 6] {
        let m = |k| self.m(k);
        let (av, pr, ui) = (m("AV"), m("PR"), m("UI"));
        let eq1 = if av == "N" && pr == "N" && ui == "N" {
            0
        } else if (av == "N" || pr == "N" || ui == "N") && av != "P" {
            1
        } else {
            2
        };
        let eq2 = u8::from(!(m("AC") == "L" && m("AT") == "N"));
        let (vc, vi, va) = (m("VC"), m("VI"), m("VA"));
        let eq3 = if vc == "H" && vi == "H" {
            0
        } else if vc == "H" || vi == "H" || va == "H" {
            1
        } else {
            2
        };
        let eq4 = if m("MSI") == "S" || m("MSA") == "S" {
            0
        } else if m("SC") == "H" || m("SI") == "H" || m("SA") == "H" {
            1
        } else {
            2
        };
        let eq5 = match m("E") {
            "P" => 1,
            "U" => 2,
            _ => 0,
        };
        let eq6 = u8::from(
            !((m("CR") == "H" && vc == "H")
                || (m("IR") == "H" && vi == "H")
                || (m("AR") == "H" && va == "H")),
        );
        [eq1, eq2, eq3, eq4, eq5, eq6]
    }

    /// The score (CVSS-B, -BT, -BE or -BTE, by the metrics present), 0.0 – 10.0.
    pub fn score(&self) -> Score {
        let base = self.value();
        Score {
            base,
            rating: Rating::from_score(base),
            version: Version::V4_0,
        }
    }

    fn value(&self) -> f64 {
        if ["VC", "VI", "VA", "SC", "SI", "SA"]
            .iter()
            .all(|k| self.m(k) == "N")
        {
            return 0.0;
        }
        let mv = self.macro_vector();
        let Some(value) = lookup(mv) else {
            return 0.0; // every reachable macro vector is in the table
        };
        let [eq1, eq2, eq3, eq4, eq5, eq6] = mv;
        let lower = |d: [u8; 6]| {
            let mut next = mv;
            for (slot, step) in next.iter_mut().zip(d) {
                *slot += step;
            }
            lookup(next)
        };
        let next_eq1 = lower([1, 0, 0, 0, 0, 0]);
        let next_eq2 = lower([0, 1, 0, 0, 0, 0]);
        let next_eq3eq6 = match (eq3, eq6) {
            (0 | 1, 1) => lower([0, 0, 1, 0, 0, 0]),
            (1, 0) => lower([0, 0, 0, 0, 0, 1]),
            (0, 0) => match (lower([0, 0, 0, 0, 0, 1]), lower([0, 0, 1, 0, 0, 0])) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
            _ => lower([0, 0, 1, 0, 0, 1]),
        };
        let next_eq4 = lower([0, 0, 0, 1, 0, 0]);
        let next_eq5 = lower([0, 0, 0, 0, 1, 0]);

        // The highest-severity vectors of this macro vector, and the first of them that
        // this vector does not exceed in any metric.
        let mut candidates: Vec<String> = Vec::new();
        for a in max_eq1(eq1) {
            for b in max_eq2(eq2) {
                for c in max_eq3eq6(eq3, eq6) {
                    for d in max_eq4(eq4) {
                        for e in max_eq5(eq5) {
                            candidates.push(format!("{a}{b}{c}{d}{e}"));
                        }
                    }
                }
            }
        }
        const DIST_METRICS: [&str; 14] = [
            "AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR",
        ];
        let mut dist = [0.0_f64; 14];
        for candidate in &candidates {
            for (k, metric) in DIST_METRICS.iter().enumerate() {
                let max_value = value_in(candidate, metric);
                dist[k] = level(metric, self.m(metric)) - level(metric, max_value);
            }
            if dist.iter().all(|d| *d >= 0.0) {
                break;
            }
        }
        let [av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar] = dist;
        let current_eq1 = av + pr + ui;
        let current_eq2 = ac + at;
        let current_eq3eq6 = vc + vi + va + cr + ir + ar;
        let current_eq4 = sc + si + sa;

        let step = 0.1;
        let max_severity_eq1 = [1.0, 4.0, 5.0][usize::from(eq1)] * step;
        let max_severity_eq2 = [1.0, 2.0][usize::from(eq2)] * step;
        let max_severity_eq3eq6 = match (eq3, eq6) {
            (0, 0) => 7.0,
            (0, _) => 6.0,
            (1, _) => 8.0,
            _ => 10.0,
        } * step;
        let max_severity_eq4 = [6.0, 5.0, 4.0][usize::from(eq4)] * step;

        let mut n_lower = 0u32;
        let mut total = 0.0;
        let mut add = |next: Option<f64>, current: f64, max_severity: f64| {
            if let Some(next) = next {
                let available = value - next;
                if available >= 0.0 {
                    n_lower += 1;
                    total += available * (current / max_severity);
                }
            }
        };
        add(next_eq1, current_eq1, max_severity_eq1);
        add(next_eq2, current_eq2, max_severity_eq2);
        add(next_eq3eq6, current_eq3eq6, max_severity_eq3eq6);
        add(next_eq4, current_eq4, max_severity_eq4);
        // EQ5 has no severity distance within a macro vector: it counts, adding nothing.
        add(next_eq5, 0.0, 1.0);
        let mean = if n_lower == 0 {
            0.0
        } else {
            total / f64::from(n_lower)
        };
        round1((value - mean).clamp(0.0, 10.0))
    }
}

/// Rounds half up to one decimal, with the specification's small epsilon so that
/// `8.6 - 7.15 = 1.4499999…` rounds to 1.5.
fn round1(x: f64) -> f64 {
    ((x + 1e-6) * 10.0).round() / 10.0
}

/// The severity level of a metric value (section 8.3's distances, in steps of 0.1).
fn level(metric: &str, value: &str) -> f64 {
    match (metric, value) {
        ("AV", "N") | ("PR", "N") | ("UI", "N") | ("AC", "L") | ("AT", "N") => 0.0,
        ("AV", "A") | ("PR", "L") | ("UI", "P") | ("AC", "H") | ("AT", "P") => 0.1,
        ("AV", "L") | ("PR", "H") | ("UI", "A") => 0.2,
        ("AV", "P") => 0.3,
        ("VC" | "VI" | "VA", "H") | ("SI" | "SA", "S") | ("CR" | "IR" | "AR", "H") => 0.0,
        ("VC" | "VI" | "VA", "L") | ("SC" | "SI" | "SA", "H") | ("CR" | "IR" | "AR", "M") => 0.1,
        ("VC" | "VI" | "VA", "N") | ("SC" | "SI" | "SA", "L") | ("CR" | "IR" | "AR", "L") => 0.2,
        ("SC" | "SI" | "SA", "N") => 0.3,
        _ => 0.0,
    }
}

/// The value of `metric` in a `AV:N/PR:N/…/` fragment.
fn value_in<'a>(fragment: &'a str, metric: &str) -> &'a str {
    fragment
        .split('/')
        .find_map(|kv| kv.split_once(':').filter(|(k, _)| *k == metric))
        .map_or("", |(_, v)| v)
}

fn max_eq1(eq: u8) -> &'static [&'static str] {
    match eq {
        0 => &["AV:N/PR:N/UI:N/"],
        1 => &["AV:A/PR:N/UI:N/", "AV:N/PR:L/UI:N/", "AV:N/PR:N/UI:P/"],
        _ => &["AV:P/PR:N/UI:N/", "AV:A/PR:L/UI:P/"],
    }
}

fn max_eq2(eq: u8) -> &'static [&'static str] {
    match eq {
        0 => &["AC:L/AT:N/"],
        _ => &["AC:H/AT:N/", "AC:L/AT:P/"],
    }
}

fn max_eq3eq6(eq3: u8, eq6: u8) -> &'static [&'static str] {
    match (eq3, eq6) {
        (0, 0) => &["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/"],
        (0, _) => &[
            "VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/",
            "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/",
        ],
        (1, 0) => &[
            "VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/",
            "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/",
        ],
        (1, _) => &[
            "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/",
            "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/",
            "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/",
            "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/",
            "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/",
        ],
        _ => &["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/"],
    }
}

fn max_eq4(eq: u8) -> &'static [&'static str] {
    match eq {
        0 => &["SC:H/SI:S/SA:S/"],
        1 => &["SC:H/SI:H/SA:H/"],
        _ => &["SC:L/SI:L/SA:L/"],
    }
}

fn max_eq5(eq: u8) -> &'static [&'static str] {
    match eq {
        0 => &["E:A/"],
        1 => &["E:P/"],
        _ => &["E:U/"],
    }
}

fn lookup(mv: [u8; 6]) -> Option<f64> {
    let mut key = [0u8; 6];
    for (k, d) in key.iter_mut().zip(mv) {
        *k = b'0' + d;
    }
    let key = std::str::from_utf8(&key).ok()?;
    LOOKUP
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| LOOKUP[i].1)
}

/// The specification's macro-vector scores (FIRST, CVSS v4.0 section 8.2 and its
/// published lookup table), sorted by macro vector.
#[rustfmt::skip]
const LOOKUP: [(&str, f64); 270] = [
    ("000000", 10.0), ("000001", 9.9), ("000010", 9.8), ("000011", 9.5), ("000020", 9.5),
    ("000021", 9.2), ("000100", 10.0), ("000101", 9.6), ("000110", 9.3), ("000111", 8.7),
    ("000120", 9.1), ("000121", 8.1), ("000200", 9.3), ("000201", 9.0), ("000210", 8.9),
    ("000211", 8.0), ("000220", 8.1), ("000221", 6.8), ("001000", 9.8), ("001001", 9.5),
    ("001010", 9.5), ("001011", 9.2), ("001020", 9.0), ("001021", 8.4), ("001100", 9.3),
    ("001101", 9.2), ("001110", 8.9), ("001111", 8.1), ("001120", 8.1), ("001121", 6.5),
    ("001200", 8.8), ("001201", 8.0), ("001210", 7.8), ("001211", 7.0), ("001220", 6.9),
    ("001221", 4.8), ("002001", 9.2), ("002011", 8.2), ("002021", 7.2), ("002101", 7.9),
    ("002111", 6.9), ("002121", 5.0), ("002201", 6.9), ("002211", 5.5), ("002221", 2.7),
    ("010000", 9.9), ("010001", 9.7), ("010010", 9.5), ("010011", 9.2), ("010020", 9.2),
    ("010021", 8.5), ("010100", 9.5), ("010101", 9.1), ("010110", 9.0), ("010111", 8.3),
    ("010120", 8.4), ("010121", 7.1), ("010200", 9.2), ("010201", 8.1), ("010210", 8.2),
    ("010211", 7.1), ("010220", 7.2), ("010221", 5.3), ("011000", 9.5), ("011001", 9.3),
    ("011010", 9.2), ("011011", 8.5), ("011020", 8.5), ("011021", 7.3), ("011100", 9.2),
    ("011101", 8.2), ("011110", 8.0), ("011111", 7.2), ("011120", 7.0), ("011121", 5.9),
    ("011200", 8.4), ("011201", 7.0), ("011210", 7.1), ("011211", 5.2), ("011220", 5.0),
    ("011221", 3.0), ("012001", 8.6), ("012011", 7.5), ("012021", 5.2), ("012101", 7.1),
    ("012111", 5.2), ("012121", 2.9), ("012201", 6.3), ("012211", 2.9), ("012221", 1.7),
    ("100000", 9.8), ("100001", 9.5), ("100010", 9.4), ("100011", 8.7), ("100020", 9.1),
    ("100021", 8.1), ("100100", 9.4), ("100101", 8.9), ("100110", 8.6), ("100111", 7.4),
    ("100120", 7.7), ("100121", 6.4), ("100200", 8.7), ("100201", 7.5), ("100210", 7.4),
    ("100211", 6.3), ("100220", 6.3), ("100221", 4.9), ("101000", 9.4), ("101001", 8.9),
    ("101010", 8.8), ("101011", 7.7), ("101020", 7.6), ("101021", 6.7), ("101100", 8.6),
    ("101101", 7.6), ("101110", 7.4), ("101111", 5.8), ("101120", 5.9), ("101121", 5.0),
    ("101200", 7.2), ("101201", 5.7), ("101210", 5.7), ("101211", 5.2), ("101220", 5.2),
    ("101221", 2.5), ("102001", 8.3), ("102011", 7.0), ("102021", 5.4), ("102101", 6.5),
    ("102111", 5.8), ("102121", 2.6), ("102201", 5.3), ("102211", 2.1), ("102221", 1.3),
    ("110000", 9.5), ("110001", 9.0), ("110010", 8.8), ("110011", 7.6), ("110020", 7.6),
    ("110021", 7.0), ("110100", 9.0), ("110101", 7.7), ("110110", 7.5), ("110111", 6.2),
    ("110120", 6.1), ("110121", 5.3), ("110200", 7.7), ("110201", 6.6), ("110210", 6.8),
    ("110211", 5.9), ("110220", 5.2), ("110221", 3.0), ("111000", 8.9), ("111001", 7.8),
    ("111010", 7.6), ("111011", 6.7), ("111020", 6.2), ("111021", 5.8), ("111100", 7.4),
    ("111101", 5.9), ("111110", 5.7), ("111111", 5.7), ("111120", 4.7), ("111121", 2.3),
    ("111200", 6.1), ("111201", 5.2), ("111210", 5.7), ("111211", 2.9), ("111220", 2.4),
    ("111221", 1.6), ("112001", 7.1), ("112011", 5.9), ("112021", 3.0), ("112101", 5.8),
    ("112111", 2.6), ("112121", 1.5), ("112201", 2.3), ("112211", 1.3), ("112221", 0.6),
    ("200000", 9.3), ("200001", 8.7), ("200010", 8.6), ("200011", 7.2), ("200020", 7.5),
    ("200021", 5.8), ("200100", 8.6), ("200101", 7.4), ("200110", 7.4), ("200111", 6.1),
    ("200120", 5.6), ("200121", 3.4), ("200200", 7.0), ("200201", 5.4), ("200210", 5.2),
    ("200211", 4.0), ("200220", 4.0), ("200221", 2.2), ("201000", 8.5), ("201001", 7.5),
    ("201010", 7.4), ("201011", 5.5), ("201020", 6.2), ("201021", 5.1), ("201100", 7.2),
    ("201101", 5.7), ("201110", 5.5), ("201111", 4.1), ("201120", 4.6), ("201121", 1.9),
    ("201200", 5.3), ("201201", 3.6), ("201210", 3.4), ("201211", 1.9), ("201220", 1.9),
    ("201221", 0.8), ("202001", 6.4), ("202011", 5.1), ("202021", 2.0), ("202101", 4.7),
    ("202111", 2.1), ("202121", 1.1), ("202201", 2.4), ("202211", 0.9), ("202221", 0.4),
    ("210000", 8.8), ("210001", 7.5), ("210010", 7.3), ("210011", 5.3), ("210020", 6.0),
    ("210021", 5.0), ("210100", 7.3), ("210101", 5.5), ("210110", 5.9), ("210111", 4.0),
    ("210120", 4.1), ("210121", 2.0), ("210200", 5.4), ("210201", 4.3), ("210210", 4.5),
    ("210211", 2.2), ("210220", 2.0), ("210221", 1.1), ("211000", 7.5), ("211001", 5.5),
    ("211010", 5.8), ("211011", 4.5), ("211020", 4.0), ("211021", 2.1), ("211100", 6.1),
    ("211101", 5.1), ("211110", 4.8), ("211111", 1.8), ("211120", 2.0), ("211121", 0.9),
    ("211200", 4.6), ("211201", 1.8), ("211210", 1.7), ("211211", 0.7), ("211220", 0.8),
    ("211221", 0.2), ("212001", 5.3), ("212011", 2.4), ("212021", 1.4), ("212101", 2.4),
    ("212111", 1.2), ("212121", 0.5), ("212201", 1.0), ("212211", 0.3), ("212221", 0.1),
];

#[cfg(test)]
pub(crate) fn lookup_table_is_sorted() -> bool {
    LOOKUP.windows(2).all(|w| w[0].0 < w[1].0)
        && LOOKUP
            .iter()
            .all(|(k, v)| k.len() == 6 && (0.0..=10.0).contains(v))
}
