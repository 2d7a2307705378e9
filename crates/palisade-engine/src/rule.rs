use palisade_finding::{Confidence, Severity};
use serde::{Deserialize, Serialize};

/// A rule example: text that must (positive) or must not (negative) make the rule fire,
/// optionally under a file name (for rules that only apply to some files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Example {
    Text(String),
    /// A whole annotated file: the rule must fire on exactly the `fire` lines (1-based)
    /// and on none of the `quiet` ones. Counts as a positive and a negative example.
    Annotated {
        path: String,
        text: String,
        fire: Vec<u32>,
        quiet: Vec<u32>,
    },
    File {
        path: String,
        text: String,
    },
}

impl Example {
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t)
            | Example::File { text: t, .. }
            | Example::Annotated { text: t, .. } => t,
        }
    }
    /// The file name the example is scanned under.
    pub fn path(&self) -> &str {
        match self {
            Example::Text(_) => "example.txt",
            Example::File { path, .. } | Example::Annotated { path, .. } => path,
        }
    }
}

/// Everything palisade knows about a rule besides how to match it.
///
/// Rules are data: code rules and data rules (YAML) produce the same `RuleMeta`, and
/// `palisade explain`, SARIF rule descriptors and the registry test all read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleMeta {
    /// `<engine>/<kebab-name>`.
    pub id: String,
    /// A short human title.
    pub name: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Vec<u32>,
    pub owasp: Vec<String>,
    /// Markdown: what it finds, why it matters, how to fix it.
    pub description: String,
    pub references: Vec<String>,
    pub examples: Vec<Example>,
    pub negative_examples: Vec<Example>,
}

impl RuleMeta {
    /// Problems with the metadata itself; the registry test fails on any.
    pub fn lint(&self, engine: &str) -> Vec<String> {
        let mut problems = Vec::new();
        match self.id.split_once('/') {
            Some((e, name)) if e == engine => {
                let kebab = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !name.starts_with('-')
                    && !name.ends_with('-')
                    && !name.contains("--");
                if !kebab {
                    problems.push(format!("{}: name part is not kebab-case", self.id));
                }
                if name.starts_with("no-") {
                    problems.push(format!(
                        "{}: rule ids name the bad pattern, not `no-`",
                        self.id
                    ));
                }
            }
            _ => problems.push(format!("{}: id must be `{engine}/<kebab-name>`", self.id)),
        }
        if self.cwe.is_empty() {
            problems.push(format!("{}: no CWE", self.id));
        }
        let fires = |e: &Example| !matches!(e, Example::Annotated { fire, .. } if fire.is_empty());
        if !self.examples.iter().any(fires) {
            problems.push(format!("{}: no positive example", self.id));
        }
        let annotated_quiet = self
            .examples
            .iter()
            .any(|e| matches!(e, Example::Annotated { quiet, .. } if !quiet.is_empty()));
        if self.negative_examples.is_empty() && !annotated_quiet {
            problems.push(format!("{}: no negative example", self.id));
        }
        if self.description.trim().is_empty() {
            problems.push(format!("{}: no description", self.id));
        }
        if self.name.trim().is_empty() {
            problems.push(format!("{}: no name", self.id));
        }
        problems
    }
}
