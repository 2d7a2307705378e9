//! A reported vulnerability, its states and what it affects.

use serde::{Deserialize, Serialize};

/// Where a report is in its life (HackerOne's states, GitHub's "published" as `disclosed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Received, nobody looked yet.
    New,
    /// Waiting for the reporter; closes by itself after the policy's period.
    NeedsMoreInfo,
    /// Confirmed and being fixed.
    Triaged,
    /// The same issue as another report (linked).
    Duplicate,
    /// Not a vulnerability, or not in scope.
    NotApplicable,
    /// Useful information, no fix needed.
    Informative,
    /// Fixed.
    Resolved,
    /// Fixed and published.
    Disclosed,
}

impl State {
    /// Every state, in lifecycle order.
    pub const ALL: [State; 8] = [
        State::New,
        State::NeedsMoreInfo,
        State::Triaged,
        State::Duplicate,
        State::NotApplicable,
        State::Informative,
        State::Resolved,
        State::Disclosed,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::NeedsMoreInfo => "needs-more-info",
            State::Triaged => "triaged",
            State::Duplicate => "duplicate",
            State::NotApplicable => "not-applicable",
            State::Informative => "informative",
            State::Resolved => "resolved",
            State::Disclosed => "disclosed",
        }
    }

    /// From the kebab-case name (also accepts `_` and upper case).
    pub fn parse(s: &str) -> Option<State> {
        let norm = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        State::ALL.into_iter().find(|st| st.as_str() == norm)
    }

    /// Closed without a fix: no deadline runs.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            State::Duplicate | State::NotApplicable | State::Informative | State::Disclosed
        )
    }

    /// `new`, `needs-more-info`, `triaged`: the states a disclosure deadline runs in
    /// (and `resolved`, until the details are published).
    pub fn is_open(self) -> bool {
        matches!(self, State::New | State::NeedsMoreInfo | State::Triaged)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file that came with a report. Text attachments keep their text (bounded); a binary
/// one keeps its name, type, size and digest only, and is never rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub binary: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The SSVC decision points of CISA's tree (its "coordinator" table, v2.0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsvcInputs {
    /// `none`, `poc` (public proof of concept) or `active`.
    pub exploitation: Exploitation,
    pub automatable: bool,
    /// `true` = total technical impact, `false` = partial.
    pub total_impact: bool,
    /// Mission and well-being impact.
    pub mission: Level,
}

/// SSVC's Exploitation decision point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exploitation {
    None,
    Poc,
    Active,
}

/// Low / medium / high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
}

/// A reported vulnerability, as stored (the `data` column is this, as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Report {
    /// `ADV-2026-0001`: given by the store.
    pub key: String,
    pub title: String,
    pub reporter: String,
    /// E-mail or handle to reply to.
    pub contact: Option<String>,
    /// The affected project (repository or product).
    pub project: String,
    /// The affected component (module, package, service).
    pub component: Option<String>,
    pub cwe: Vec<u32>,
    /// The endpoint or file path the issue is in (`/api/search`, `src/login.rs`).
    pub endpoint: Option<String>,
    pub description: String,
    /// Proof of concept / steps to reproduce.
    pub poc: Option<String>,
    /// Seconds since the Unix epoch.
    pub received: i64,
    pub state: Option<State>,
    /// When the state last changed.
    pub state_at: i64,
    /// The report this one duplicates.
    pub duplicate_of: Option<String>,
    /// A CVSS v3.x or v4.0 vector.
    pub cvss: Option<String>,
    pub ssvc: Option<SsvcInputs>,
    /// Exploited in the wild: the short deadline applies.
    pub exploited: bool,
    /// Package ecosystem for OSV (`crates.io`, `npm`, `PyPI`, …).
    pub ecosystem: Option<String>,
    /// Package name for OSV/CSAF (default: the component, else the project).
    pub package: Option<String>,
    /// First affected version (default: every version before the fix).
    pub introduced: Option<String>,
    pub fixed_versions: Vec<String>,
    /// URLs (or ids) of the commits that fix it.
    pub fix_commits: Vec<String>,
    /// CVE / GHSA ids.
    pub aliases: Vec<String>,
    pub references: Vec<String>,
    /// When it was resolved (the fix released): details are due 30 days later.
    pub resolved_at: Option<i64>,
    pub attachments: Vec<Attachment>,
    /// The file it was imported from.
    pub source: Option<String>,
}

impl Report {
    /// The state, `new` when unset.
    pub fn state(&self) -> State {
        self.state.unwrap_or(State::New)
    }

    /// The package name exports use.
    pub fn package_name(&self) -> &str {
        self.package
            .as_deref()
            .or(self.component.as_deref())
            .unwrap_or(&self.project)
    }
}
