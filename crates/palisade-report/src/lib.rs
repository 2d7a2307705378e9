//! palisade's renderers. Each takes the same [`Report`] and writes one format:
//! text (for people; colour optional, never needed), `json` (the frozen v1 format of
//! `docs/json-format.md`), SARIF 2.1.0 (code scanning), JUnit XML (CI test tabs) and
//! Markdown (pull-request comments, sized for GitHub's 65,536-character limit), a
//! self-contained HTML report and GitLab's SAST report.
//!
//! Dependencies: `sha2` hashes the HTML report's one stylesheet and one script for its
//! Content-Security-Policy (so no nonce, and no `'unsafe-inline'`); `flate2` (pure-Rust
//! zlib-rs backend, already in the build through `zip`) measures the gzipped size of
//! SARIF against GitHub's 10 MB upload limit.

mod gitlab;
mod html;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;

use std::collections::BTreeMap;
use std::io::Write;

use palisade_engine::RuleMeta;
use palisade_engine::finding::{Diagnostic, Finding};

pub use gitlab::GITLAB_SAST_SCHEMA;
pub use html::{HtmlOptions, TrendPoint, content_security_policy};
pub use json::{JsonReport, JsonV1};
pub use markdown::GITHUB_COMMENT_LIMIT;
pub use sarif::SarifLimits;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot serialise the report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Markdown,
    Html,
    /// GitLab's SAST report (`gl-sast-report.json`).
    GitlabSast,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &[
        "text",
        "json",
        "sarif",
        "junit",
        "markdown",
        "html",
        "gitlab-sast",
    ];

    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "text" => Format::Text,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "markdown" | "md" => Format::Markdown,
            "html" => Format::Html,
            "gitlab-sast" => Format::GitlabSast,
            _ => return None,
        })
    }
}

/// Counts shown at the end of a report.
#[derive(Debug, Default, Clone, Copy, serde::Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub files_skipped: u64,
    pub errors: u64,
    pub suppressed: u64,
    pub baselined: u64,
}

/// Packages the dependency engine could not audit, with the reason: reported so they are
/// never mistaken for clean ones.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NotAudited {
    /// How many packages.
    pub packages: usize,
    /// `no-advisory-data` (the database holds nothing for the ecosystem) or `unpinned`
    /// (no exact version to match).
    pub reason: String,
    /// The ecosystem, for `no-advisory-data`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ecosystem: Option<String>,
}

impl NotAudited {
    /// `no-advisory-data`: `packages` packages of `ecosystem`.
    pub fn no_data(ecosystem: &str, packages: usize) -> NotAudited {
        NotAudited {
            packages,
            reason: "no-advisory-data".to_owned(),
            ecosystem: Some(ecosystem.to_owned()),
        }
    }

    /// `unpinned`: `packages` packages without an exact version.
    pub fn unpinned(packages: usize) -> NotAudited {
        NotAudited {
            packages,
            reason: "unpinned".to_owned(),
            ecosystem: None,
        }
    }

    /// One line for people: `3 package(s) not audited: no advisory data for Maven`.
    pub fn message(&self) -> String {
        match (&self.ecosystem, self.reason.as_str()) {
            (Some(eco), "no-advisory-data") => format!(
                "{} package(s) not audited: no advisory data for {eco}",
                self.packages
            ),
            (_, "unpinned") => format!(
                "{} package(s) not audited: no pinned version",
                self.packages
            ),
            (eco, reason) => format!(
                "{} package(s) not audited: {reason}{}",
                self.packages,
                eco.as_ref().map(|e| format!(" ({e})")).unwrap_or_default()
            ),
        }
    }
}

/// Everything a renderer needs.
pub struct Report<'a> {
    pub tool_version: &'a str,
    pub findings: &'a [Finding],
    pub diagnostics: &'a [Diagnostic],
    /// Metadata of every rule that may appear, by id.
    pub rules: BTreeMap<&'a str, &'a RuleMeta>,
    pub summary: Summary,
    /// What the dependency engine could not audit (empty when it did not run or audited
    /// everything). JSON: `summary.not_audited`; SARIF: a tool execution notification
    /// each, and `invocations[0].properties.notAudited`.
    pub not_audited: &'a [NotAudited],
}

/// Options of the text renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub color: bool,
    /// Show `skip`-level diagnostics too.
    pub verbose: bool,
    /// Text and markdown: findings under one heading per code owner (a finding with
    /// several owners appears under each), `(no owner)` last.
    pub group_by_owner: bool,
}

/// Options of the formats that have any beyond [`TextOptions`].
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub html: HtmlOptions,
    pub sarif: SarifLimits,
    /// The most characters of Markdown output (default: GitHub's comment limit).
    pub markdown_limit: usize,
    /// When the scan ran, seconds since the Unix epoch (GitLab's report needs it;
    /// default: now).
    pub scan_time: Option<i64>,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            html: HtmlOptions::default(),
            sarif: SarifLimits::default(),
            markdown_limit: GITHUB_COMMENT_LIMIT,
            scan_time: None,
        }
    }
}

/// The heading of the findings without owners in `--group-by owner` output.
pub const NO_OWNER: &str = "(no owner)";

/// Findings by owner, owners sorted, the findings without owners last (`None`).
pub(crate) fn owner_groups(findings: &[Finding]) -> Vec<(Option<&str>, Vec<&Finding>)> {
    let mut by_owner: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    let mut none = Vec::new();
    for f in findings {
        if f.owners.is_empty() {
            none.push(f);
        }
        for o in &f.owners {
            by_owner.entry(o.as_str()).or_default().push(f);
        }
    }
    let mut groups: Vec<(Option<&str>, Vec<&Finding>)> =
        by_owner.into_iter().map(|(o, fs)| (Some(o), fs)).collect();
    if !none.is_empty() {
        groups.push((None, none));
    }
    groups
}

impl Report<'_> {
    pub fn render(
        &self,
        format: Format,
        text: TextOptions,
        out: &mut dyn Write,
    ) -> Result<(), ReportError> {
        match format {
            Format::Text => text::render(self, text, out),
            Format::Json => json::render(self, out),
            Format::Sarif => sarif::render(self, out),
            Format::Junit => junit::render(self, out),
            Format::Markdown => markdown::render(self, text.group_by_owner, out),
            Format::Html => html::render(self, &HtmlOptions::default(), out),
            Format::GitlabSast => gitlab::render(self, now(), out),
        }
    }

    /// Like [`Report::render`], with the options of the HTML report and the limits of
    /// SARIF; returns warnings about what was left out to respect those limits (for
    /// stderr: the report itself says so too).
    pub fn render_with(
        &self,
        format: Format,
        text: TextOptions,
        options: &RenderOptions,
        out: &mut dyn Write,
    ) -> Result<Vec<String>, ReportError> {
        match format {
            Format::Html => html::render(self, &options.html, out).map(|()| Vec::new()),
            Format::GitlabSast => gitlab::render(self, options.scan_time.unwrap_or_else(now), out)
                .map(|()| Vec::new()),
            Format::Sarif => sarif::render_limited(self, &options.sarif, out),
            Format::Markdown => {
                markdown::render_within(self, text.group_by_owner, options.markdown_limit, out)
                    .map(|()| Vec::new())
            }
            other => self.render(other, text, out).map(|()| Vec::new()),
        }
    }

    fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.get(id).copied()
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) fn html_test_base64(bytes: &[u8]) -> String {
    html::base64_for_tests(bytes)
}
