//! The YAML rule format of the secrets engine.
//!
//! ```yaml
//! rules:
//!   - id: secrets/github-pat-classic
//!     name: GitHub personal access token (classic)
//!     severity: critical
//!     confidence: high
//!     cwe: [798]
//!     owasp: ["A07:2021"]
//!     keywords: ["ghp_"]                  # at least one must occur (case-insensitive)
//!     case-sensitive-keywords: false       # optional: keywords must match with their case
//!     pattern: '\b(ghp_[A-Za-z0-9]{36})\b' # Rust regex syntax, bytes mode
//!     secret-group: 1                      # or a name; default: `secret`, else the
//!                                          # first group that matched, else the match
//!     validate: github-checksum            # optional, see `validate.rs`
//!     min-entropy: 3.0                     # optional, Shannon bits/byte of the secret
//!     window: 4096                         # optional: bytes after the keyword the match may span
//!     generic: false                       # optional: yields to specific rules, stricter filters
//!     distinct-from: user                  # optional: drop a secret equal to this group
//!     yields-to: [secrets/other-rule]      # optional: drop when these report the same bytes
//!     allow: ['^AKIA0{16}$']               # optional: secrets matching these are dropped
//!     allow-match: ['(?i)^next_?token']    # optional: whole matches matching these too
//!     paths: '\.env$'                      # optional: the rule applies to these paths only
//!     description: |
//!       What it finds, why it matters, how to fix it.
//!     references: ["https://..."]
//!     examples: ["token = ghp_...", {path: deploy/.env, text: "TOKEN=ghp_..."}]
//!     negative-examples: ["token = ghp_xxxxxxxx..."]
//! ```

use palisade_engine::Example;
use palisade_engine::finding::{Confidence, Severity};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rules: Vec<RuleSpec>,
}

/// A secret group: by number or by name.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum GroupRef {
    Index(usize),
    Name(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Vec<u32>,
    #[serde(default)]
    pub owasp: Vec<String>,
    pub keywords: Vec<String>,
    /// Keywords match case-insensitively by default; set this when only the exact case
    /// identifies the secret (`SG.` of SendGrid keys, not every `msg.`).
    #[serde(default)]
    pub case_sensitive_keywords: bool,
    pub pattern: String,
    pub secret_group: Option<GroupRef>,
    pub min_entropy: Option<f64>,
    pub validate: Option<String>,
    /// For multi-line secrets (PEM blocks, JSON key files): how many bytes after a
    /// keyword hit the pattern may span. Default: the keyword's line.
    pub window: Option<usize>,
    /// A regex the file path must match for the rule to apply.
    pub paths: Option<String>,
    /// Regexes: a secret matching any of them is not reported.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Regexes tested against the whole match (key name included): a match of any is
    /// not reported (`NextToken: "…"` is a pagination cursor, not a credential).
    #[serde(default)]
    pub allow_match: Vec<String>,
    /// A generic rule (assignments guarded by entropy) yields to any specific rule that
    /// matches the same secret, and gets the stricter placeholder checks.
    #[serde(default)]
    pub generic: bool,
    /// The name of another capture group: a match whose secret equals it (ignoring
    /// case) is not reported, e.g. the password of `amqp://guest:guest@host`.
    pub distinct_from: Option<String>,
    /// Rule ids this rule gives way to: when one of them reports a secret overlapping
    /// this rule's, only theirs is kept (a PEM key inside a GCP key file is reported as
    /// the key file).
    #[serde(default)]
    pub yields_to: Vec<String>,
    pub description: String,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub negative_examples: Vec<Example>,
}
