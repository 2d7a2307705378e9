//! The one `Finding` every palisade engine produces.
//!
//! This crate depends on serde only, so that any tool can read palisade's findings
//! without pulling in an engine. The wire format (`json v1`) lives in `palisade-report`
//! and is a frozen projection of these types, not a dump of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a finding is if it is real. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The CVSS-like score GitHub code scanning reads from SARIF `security-severity`.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Info => "0.0",
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Severity`] or [`Confidence`] from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseLevelError {
    pub given: String,
    pub expected: &'static str,
}

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not one of {}", self.given, self.expected)
    }
}

impl std::error::Error for ParseLevelError {}

impl FromStr for Severity {
    type Err = ParseLevelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" | "moderate" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(ParseLevelError {
                given: s.to_owned(),
                expected: "info, low, medium, high, critical",
            }),
        }
    }
}

/// How sure the engine is that the finding is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Confidence {
    type Err = ParseLevelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Confidence::Low),
            "medium" => Ok(Confidence::Medium),
            "high" => Ok(Confidence::High),
            _ => Err(ParseLevelError {
                given: s.to_owned(),
                expected: "low, medium, high",
            }),
        }
    }
}

/// A rule id, `<engine>/<kebab-name>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RuleId(pub String);

impl RuleId {
    pub fn new(id: impl Into<String>) -> Self {
        RuleId(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The engine part of the id (`secrets` in `secrets/aws-access-key`).
    pub fn engine(&self) -> &str {
        self.0.split_once('/').map_or(self.0.as_str(), |(e, _)| e)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A region of a text file. Lines and columns are 1-based; columns count bytes.
/// `end_*` is exclusive of the last character: the span `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub byte_start: u64,
    pub byte_end: u64,
}

/// Where a git blob was first seen in history.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GitOrigin {
    /// The oldest commit (by commit time) that contains the blob.
    pub commit: String,
    pub blob: String,
    pub author: String,
    pub email: String,
    /// Commit time, seconds since the Unix epoch.
    pub time: i64,
}

/// Where a finding is. The primary location is first in [`Finding::locations`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A span in a file of the scanned tree (or in a git blob, when `git` is set).
    File {
        path: String,
        span: Option<Span>,
        git: Option<GitOrigin>,
    },
    /// A package, by package URL.
    Package { purl: String, path: Option<String> },
    /// An HTTP endpoint.
    Http { url: String, method: Option<String> },
    /// A node of a YAML/JSON document, addressed by a route such as `jobs.build.steps[2].run`.
    Yaml {
        path: String,
        route: String,
        span: Option<Span>,
    },
}

impl Location {
    pub fn file(path: impl Into<String>, span: Span) -> Self {
        Location::File {
            path: path.into(),
            span: Some(span),
            git: None,
        }
    }

    /// The file path this location points into, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            Location::File { path, .. } | Location::Yaml { path, .. } => Some(path),
            Location::Package { path, .. } => path.as_deref(),
            Location::Http { .. } => None,
        }
    }

    pub fn span(&self) -> Option<&Span> {
        match self {
            Location::File { span, .. } | Location::Yaml { span, .. } => span.as_ref(),
            _ => None,
        }
    }
}

/// A stable identity for a finding: a hash of the rule and the normalised evidence
/// (and, for most engines, the path), never of line numbers. Hex, 32 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(pub String);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A few lines of context around the primary location, already redacted by the engine
/// (a secret never appears here).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Snippet {
    /// The 1-based line number of the first line in `text`.
    pub first_line: u32,
    pub text: String,
    /// The marked region: `(line, start_column, end_column)`, 1-based, byte columns
    /// into the (redacted) snippet line.
    pub mark: Option<(u32, u32, u32)>,
}

/// A suggested replacement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fix {
    pub description: String,
    pub replacement: Option<String>,
}

/// One thing an engine found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub confidence: Confidence,
    /// One line, specific to this finding.
    pub message: String,
    /// Primary first.
    pub locations: Vec<Location>,
    pub fingerprint: Fingerprint,
    pub snippet: Option<Snippet>,
    pub fix: Option<Fix>,
    /// Code owners of the primary location, filled in by post-processing.
    #[serde(default)]
    pub owners: Vec<String>,
    /// How the data got there (taint findings): source first, sink last. Empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStep>,
}

/// One step of a data-flow trace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TraceStep {
    pub location: Location,
    /// What happens here: `source`, `` `q` assigned ``, `call to `f``, `sink`.
    pub message: String,
}

impl Finding {
    pub fn primary(&self) -> Option<&Location> {
        self.locations.first()
    }

    /// The path of the primary location, or an empty string.
    pub fn path(&self) -> &str {
        self.primary().and_then(Location::path).unwrap_or("")
    }

    /// The start line of the primary location, or 0.
    pub fn line(&self) -> u32 {
        self.primary()
            .and_then(Location::span)
            .map_or(0, |s| s.start_line)
    }
}

/// How loud a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    /// Something deliberately not scanned (binary, too large, ignored symlink); shown with `-v`.
    Skip,
    /// Scanned, but something was off (invalid UTF-8, a suppression without a reason).
    Warning,
    /// Could not be scanned (unreadable, corrupt, an engine failed on it).
    Error,
}

/// A problem with an input, not a finding: always names the file and the problem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    pub path: String,
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        level: DiagnosticLevel,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            DiagnosticLevel::Skip => "skipped",
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.path, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Info < Severity::Low);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn rule_id_engine() {
        assert_eq!(RuleId::new("secrets/aws-access-key").engine(), "secrets");
        assert_eq!(RuleId::new("bare").engine(), "bare");
    }
}
