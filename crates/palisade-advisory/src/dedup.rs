//! Is a report already known? Compared with every other report and every open scanner
//! finding of the store on four signals, each with a weight, summed into a score 0–1:
//!
//! | signal | weight | how |
//! |---|---|---|
//! | component | 0.25 | the same component (case-insensitive); for a finding, its path or repository names it |
//! | CWE | 0.25 | a CWE in common |
//! | endpoint / path | 0.25 | the same normalised path (0.25), or one ending with the other (0.15) |
//! | text | 0.35 × similarity | cosine similarity of word-bigram and word counts of title + description |
//!
//! A candidate scoring [`THRESHOLD`] or more is shown, best first, with the reasons.

use std::collections::HashMap;

use serde::Serialize;

use crate::{Report, StoredFinding};

/// The least score shown as a possible duplicate.
pub const THRESHOLD: f64 = 0.4;

/// A possible duplicate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// `report` or `finding`.
    pub kind: &'static str,
    /// The report key, or `repo@fingerprint` of a finding.
    pub id: String,
    pub title: String,
    pub score: f64,
    pub reasons: Vec<String>,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

const STOP: &[&str] = &[
    "the", "and", "for", "with", "that", "this", "are", "was", "from", "have", "has", "can", "you",
    "not", "but", "which", "when", "into", "your", "our", "will", "there", "then", "been",
];

fn vector(s: &str) -> HashMap<String, f64> {
    let w = words(s);
    let mut v: HashMap<String, f64> = HashMap::new();
    for x in &w {
        *v.entry(x.clone()).or_default() += 1.0;
    }
    for pair in w.windows(2) {
        *v.entry(format!("{} {}", pair[0], pair[1])).or_default() += 1.0;
    }
    v
}

/// Cosine similarity of word and bigram counts, 0–1.
pub fn similarity(a: &str, b: &str) -> f64 {
    cosine(&vector(a), &vector(b))
}

fn cosine(va: &HashMap<String, f64>, vb: &HashMap<String, f64>) -> f64 {
    if va.is_empty() || vb.is_empty() {
        return 0.0;
    }
    let (small, large) = if va.len() <= vb.len() {
        (va, vb)
    } else {
        (vb, va)
    };
    let dot: f64 = small
        .iter()
        .filter_map(|(k, x)| large.get(k).map(|y| x * y))
        .sum();
    let na: f64 = va.values().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = vb.values().map(|x| x * x).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// A path or URL reduced to its path, lower case, without query, fragment, trailing
/// slash or leading `./`.
pub fn norm_path(s: &str) -> String {
    let s = s.trim();
    let s = match s.find("://") {
        Some(i) => {
            let rest = &s[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        None => s,
    };
    let s = s.split(['?', '#']).next().unwrap_or("");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    s.to_lowercase()
}

fn path_match(a: &str, b: &str) -> Option<(f64, String)> {
    let (na, nb) = (norm_path(a), norm_path(b));
    if na.is_empty() || nb.is_empty() {
        return None;
    }
    if na == nb {
        return Some((0.25, format!("same endpoint/path `{na}`")));
    }
    let (short, long) = if na.len() < nb.len() {
        (&na, &nb)
    } else {
        (&nb, &na)
    };
    let short_t = short.trim_start_matches('/');
    if short_t.len() >= 4 && long.ends_with(short_t) {
        return Some((0.15, format!("path `{long}` ends with `{short_t}`")));
    }
    None
}

fn text_of(r: &Report) -> String {
    format!("{}\n{}", r.title, r.description)
}

fn add_text(score: &mut f64, reasons: &mut Vec<String>, sim: f64) {
    if sim >= 0.2 {
        *score += 0.35 * sim;
        reasons.push(format!("text {:.0}% similar", sim * 100.0));
    }
}

fn common_cwe(a: &[u32], b: &[u32]) -> Option<u32> {
    a.iter().find(|c| b.contains(c)).copied()
}

/// Scores `report` against one other report.
pub fn against_report(report: &Report, other: &Report) -> Candidate {
    score_report(report, &vector(&text_of(report)), other)
}

fn score_report(report: &Report, text: &HashMap<String, f64>, other: &Report) -> Candidate {
    let mut score = 0.0;
    let mut reasons = Vec::new();
    if let (Some(a), Some(b)) = (&report.component, &other.component)
        && a.trim().eq_ignore_ascii_case(b.trim())
        && report.project.eq_ignore_ascii_case(&other.project)
    {
        score += 0.25;
        reasons.push(format!("same component `{}`", b.trim()));
    }
    if let Some(c) = common_cwe(&report.cwe, &other.cwe) {
        score += 0.25;
        reasons.push(format!("both CWE-{c}"));
    }
    if let (Some(a), Some(b)) = (&report.endpoint, &other.endpoint)
        && let Some((s, why)) = path_match(a, b)
    {
        score += s;
        reasons.push(why);
    }
    add_text(
        &mut score,
        &mut reasons,
        cosine(text, &vector(&text_of(other))),
    );
    Candidate {
        kind: "report",
        id: other.key.clone(),
        title: other.title.clone(),
        score: (score.min(1.0) * 100.0).round() / 100.0,
        reasons,
    }
}

/// Scores `report` against one scanner finding.
pub fn against_finding(report: &Report, f: &StoredFinding) -> Candidate {
    score_finding(report, &vector(&text_of(report)), f)
}

fn score_finding(report: &Report, text: &HashMap<String, f64>, f: &StoredFinding) -> Candidate {
    let mut score = 0.0;
    let mut reasons = Vec::new();
    if let Some(c) = &report.component {
        let c = c.trim().to_lowercase();
        let path = f.path.to_lowercase();
        let repo_name = f.repo.rsplit('/').next().unwrap_or(&f.repo).to_lowercase();
        if c.len() >= 2 && (repo_name == c || path.split(['/', '.', '\\']).any(|seg| seg == c)) {
            score += 0.25;
            reasons.push(format!(
                "the finding's {} names component `{c}`",
                if repo_name == c { "repository" } else { "path" }
            ));
        }
    }
    if let Some(c) = common_cwe(&report.cwe, &f.cwe) {
        score += 0.25;
        reasons.push(format!("both CWE-{c}"));
    }
    if let Some(e) = &report.endpoint
        && let Some((s, why)) = path_match(e, &f.path)
    {
        score += s;
        reasons.push(why);
    }
    let finding_text = format!("{} {}", f.rule.replace(['/', '-'], " "), f.message);
    add_text(
        &mut score,
        &mut reasons,
        cosine(text, &vector(&finding_text)),
    );
    Candidate {
        kind: "finding",
        id: format!(
            "{}@{}",
            f.repo,
            &f.fingerprint[..f.fingerprint.len().min(12)]
        ),
        title: format!("{}: {}", f.rule, f.message),
        score: (score.min(1.0) * 100.0).round() / 100.0,
        reasons,
    }
}

/// The possible duplicates of `report` among `reports` (itself and reports closed as
/// duplicates skipped) and `findings`: at or above [`THRESHOLD`], best first, at most
/// `limit`.
pub fn candidates(
    report: &Report,
    reports: &[Report],
    findings: &[StoredFinding],
    limit: usize,
) -> Vec<Candidate> {
    let text = vector(&text_of(report));
    let mut out: Vec<Candidate> = reports
        .iter()
        .filter(|o| o.key != report.key && o.state() != crate::State::Duplicate)
        .map(|o| score_report(report, &text, o))
        .chain(findings.iter().map(|f| score_finding(report, &text, f)))
        .filter(|c| c.score >= THRESHOLD)
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    out.truncate(limit);
    out
}
