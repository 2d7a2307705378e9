//! What drives a CVSS score, and CISA's SSVC decision.
//!
//! The score itself comes from `palisade-cvss` (FIRST's formulas and v4.0 macro-vector
//! table). The explanation is computed, not written: for each base metric, the vector is
//! re-scored with every other value that metric can take; the drop to the mildest value
//! is what the metric contributes, the rise to the most severe is the headroom. Metrics
//! are listed by contribution, so "network-reachable, no privileges" reads first when
//! those are what make a report critical. v3 adds its two subscores; v4 its macro vector.

use palisade_cvss::{Rating, Version};
use serde::Serialize;

use crate::{Exploitation, Level, SsvcInputs};

/// One base metric's share of the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    pub metric: &'static str,
    pub name: &'static str,
    pub value: String,
    pub meaning: &'static str,
    /// The score with this metric at its mildest value.
    pub mildest: f64,
    /// The score with this metric at its most severe value.
    pub worst: f64,
}

impl Driver {
    /// How much the metric's value adds over its mildest value.
    pub fn contribution(&self, score: f64) -> f64 {
        round1(score - self.mildest)
    }
}

/// A scored vector and what drives its score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub vector: String,
    pub version: String,
    pub score: f64,
    pub rating: Rating,
    /// Subscores (v3) or the macro vector (v4), in words.
    pub details: Vec<String>,
    /// Base metrics, the largest contribution first.
    pub drivers: Vec<Driver>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

const V3: &[(&str, &str, &[&str])] = &[
    ("AV", "Attack Vector", &["N", "A", "L", "P"]),
    ("AC", "Attack Complexity", &["L", "H"]),
    ("PR", "Privileges Required", &["N", "L", "H"]),
    ("UI", "User Interaction", &["N", "R"]),
    ("S", "Scope", &["U", "C"]),
    ("C", "Confidentiality", &["H", "L", "N"]),
    ("I", "Integrity", &["H", "L", "N"]),
    ("A", "Availability", &["H", "L", "N"]),
];

const V4: &[(&str, &str, &[&str])] = &[
    ("AV", "Attack Vector", &["N", "A", "L", "P"]),
    ("AC", "Attack Complexity", &["L", "H"]),
    ("AT", "Attack Requirements", &["N", "P"]),
    ("PR", "Privileges Required", &["N", "L", "H"]),
    ("UI", "User Interaction", &["N", "P", "A"]),
    (
        "VC",
        "Confidentiality (vulnerable system)",
        &["H", "L", "N"],
    ),
    ("VI", "Integrity (vulnerable system)", &["H", "L", "N"]),
    ("VA", "Availability (vulnerable system)", &["H", "L", "N"]),
    (
        "SC",
        "Confidentiality (subsequent systems)",
        &["H", "L", "N"],
    ),
    ("SI", "Integrity (subsequent systems)", &["H", "L", "N"]),
    ("SA", "Availability (subsequent systems)", &["H", "L", "N"]),
    ("E", "Exploit Maturity", &["X", "A", "P", "U"]),
];

fn meaning(metric: &str, value: &str) -> &'static str {
    match (metric, value) {
        ("AV", "N") => "exploitable over the network",
        ("AV", "A") => "from the adjacent network",
        ("AV", "L") => "needs local access",
        ("AV", "P") => "needs physical access",
        ("AC", "L") => "no special conditions",
        ("AC", "H") => "needs conditions the attacker does not control",
        ("AT", "N") => "no deployment prerequisites",
        ("AT", "P") => "needs a specific deployment condition",
        ("PR", "N") => "no account needed",
        ("PR", "L") => "needs a basic account",
        ("PR", "H") => "needs an administrative account",
        ("UI", "N") => "no user action needed",
        ("UI", "R" | "A") => "a user must act",
        ("UI", "P") => "a user must be involved passively",
        ("S", "U") => "impact stays in the vulnerable component",
        ("S", "C") => "impact reaches other components",
        ("E", "A") => "attacks are known",
        ("E", "P") => "a proof of concept exists",
        ("E", "U") => "no known exploit",
        ("E", "X") => "not stated (treated as attacked)",
        (_, "H") => "total loss",
        (_, "L") => "partial loss",
        (_, "N") => "no loss",
        _ => "",
    }
}

fn replace_metric(vector: &str, metric: &str, value: &str) -> String {
    let mut found = false;
    let mut parts: Vec<String> = vector
        .trim()
        .split('/')
        .map(|p| match p.split_once(':') {
            Some((k, _)) if k == metric => {
                found = true;
                format!("{k}:{value}")
            }
            _ => p.to_owned(),
        })
        .collect();
    if !found {
        parts.push(format!("{metric}:{value}"));
    }
    parts.join("/")
}

/// Scores `vector` and explains it.
///
/// # Errors
///
/// The vector's parse error from `palisade-cvss` (unknown version, missing, repeated,
/// unknown or out-of-range metric).
pub fn explain(vector: &str) -> Result<Explanation, palisade_cvss::CvssError> {
    let vector = vector.trim();
    let s = palisade_cvss::score(vector)?;
    let table = if s.version == Version::V4_0 { V4 } else { V3 };
    let current = |metric: &str| {
        vector.split('/').find_map(|p| {
            p.split_once(':')
                .filter(|(k, _)| *k == metric)
                .map(|(_, v)| v.to_owned())
        })
    };
    let mut drivers = Vec::new();
    for (metric, name, values) in table {
        let value = current(metric).unwrap_or_else(|| "X".to_owned());
        let mut mildest = s.base;
        let mut worst = s.base;
        for alt in *values {
            if let Ok(x) = palisade_cvss::score(&replace_metric(vector, metric, alt)) {
                mildest = mildest.min(x.base);
                worst = worst.max(x.base);
            }
        }
        drivers.push(Driver {
            metric,
            name,
            meaning: meaning(metric, &value),
            value,
            mildest,
            worst,
        });
    }
    drivers.sort_by(|a, b| {
        b.contribution(s.base)
            .total_cmp(&a.contribution(s.base))
            .then(a.metric.cmp(b.metric))
    });
    let details = if s.version == Version::V4_0 {
        v4_details(vector)
    } else {
        v3_details(vector)
    };
    Ok(Explanation {
        vector: vector.to_owned(),
        version: s.version.to_string(),
        score: s.base,
        rating: s.rating,
        details,
        drivers,
    })
}

fn v3_details(vector: &str) -> Vec<String> {
    let get = |m: &str| {
        vector
            .split('/')
            .find_map(|p| p.split_once(':').filter(|(k, _)| *k == m).map(|(_, v)| v))
            .unwrap_or("")
    };
    let changed = get("S") == "C";
    let av = match get("AV") {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        _ => 0.2,
    };
    let ac = if get("AC") == "L" { 0.77 } else { 0.44 };
    let pr = match (get("PR"), changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        _ => 0.5,
    };
    let ui = if get("UI") == "N" { 0.85 } else { 0.62 };
    let cia = |m: &str| -> f64 {
        match get(m) {
            "H" => 0.56,
            "L" => 0.22,
            _ => 0.0,
        }
    };
    let iss: f64 = 1.0 - (1.0 - cia("C")) * (1.0 - cia("I")) * (1.0 - cia("A"));
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    vec![
        format!(
            "exploitability subscore {:.1} of 3.9 (AV × AC × PR × UI)",
            round1(exploitability)
        ),
        format!(
            "impact subscore {:.1} of {} (C, I, A; scope {})",
            round1(impact.max(0.0)),
            if changed { "6.0" } else { "5.9" },
            if changed {
                "changed: ×1.08"
            } else {
                "unchanged"
            }
        ),
    ]
}

fn v4_details(vector: &str) -> Vec<String> {
    let Ok(v) = palisade_cvss::Cvss4::parse(vector) else {
        return Vec::new();
    };
    let [eq1, eq2, eq3, eq4, eq5, eq6] = v.macro_vector();
    let word = |n: u8| match n {
        0 => "highest",
        1 => "middle",
        _ => "lowest",
    };
    vec![
        format!(
            "macro vector {eq1}{eq2}{eq3}{eq4}{eq5}{eq6} (0 is the most severe level of each class)"
        ),
        format!("EQ1 reachability (AV, PR, UI): {}", word(eq1)),
        format!("EQ2 complexity (AC, AT): {}", word(eq2)),
        format!("EQ3 vulnerable-system impact (VC, VI, VA): {}", word(eq3)),
        format!("EQ4 subsequent-system impact (SC, SI, SA): {}", word(eq4)),
        format!("EQ5 exploit maturity (E): {}", word(eq5)),
        format!(
            "EQ6 security requirements × impact (CR/IR/AR, VC/VI/VA): {}",
            word(eq6)
        ),
    ]
}

/// CISA's SSVC outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    #[serde(rename = "track")]
    Track,
    #[serde(rename = "track*")]
    TrackStar,
    #[serde(rename = "attend")]
    Attend,
    #[serde(rename = "act")]
    Act,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Track => "track",
            Decision::TrackStar => "track*",
            Decision::Attend => "attend",
            Decision::Act => "act",
        }
    }

    /// What the outcome asks for (CISA's guidance, summarised).
    pub fn meaning(self) -> &'static str {
        match self {
            Decision::Track => "no action now; remediate within standard update timelines",
            Decision::TrackStar => {
                "watch closely for changes; remediate within standard update timelines"
            }
            Decision::Attend => "supervisory attention; remediate sooner than standard timelines",
            Decision::Act => "leadership attention; remediate as soon as possible",
        }
    }
}

/// CISA's SSVC decision tree (36 leaves: exploitation × automatable × technical impact ×
/// mission and well-being).
pub fn ssvc(i: &SsvcInputs) -> Decision {
    use Decision::{Act, Attend, Track, TrackStar};
    let m = match i.mission {
        Level::Low => 0,
        Level::Medium => 1,
        Level::High => 2,
    };
    let row: [Decision; 3] = match (i.exploitation, i.automatable, i.total_impact) {
        (Exploitation::None, false, false) => [Track, Track, Track],
        (Exploitation::None, false, true) => [Track, Track, TrackStar],
        (Exploitation::None, true, _) => [Track, Track, Attend],
        (Exploitation::Poc, false, false) => [Track, Track, TrackStar],
        (Exploitation::Poc, false, true) => [Track, TrackStar, Attend],
        (Exploitation::Poc, true, false) => [Track, Track, Attend],
        (Exploitation::Poc, true, true) => [Track, TrackStar, Attend],
        (Exploitation::Active, false, false) => [Track, Track, Attend],
        (Exploitation::Active, false, true) => [Track, Attend, Act],
        (Exploitation::Active, true, false) => [Attend, Attend, Act],
        (Exploitation::Active, true, true) => [Attend, Act, Act],
    };
    row[m]
}

/// The SSVC inputs as a vector `E:A/A:Y/T:T/M:H`.
pub fn ssvc_vector(i: &SsvcInputs) -> String {
    format!(
        "E:{}/A:{}/T:{}/M:{}",
        match i.exploitation {
            Exploitation::None => "N",
            Exploitation::Poc => "P",
            Exploitation::Active => "A",
        },
        if i.automatable { "Y" } else { "N" },
        if i.total_impact { "T" } else { "P" },
        match i.mission {
            Level::Low => "L",
            Level::Medium => "M",
            Level::High => "H",
        }
    )
}
