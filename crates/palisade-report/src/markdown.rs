//! Markdown for pull-request comments and job summaries: a count by severity, then one
//! table row per finding, then diagnostics in a collapsed section.

use std::io::Write;

use palisade_engine::finding::{DiagnosticLevel, Finding, Severity};

use crate::text::location_label;
use crate::{Report, ReportError};

/// Text for a table cell: no column breaks, no line breaks, no raw HTML.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// GitHub's limit on the body of a pull-request or issue comment, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

fn row(f: &Finding) -> String {
    let loc = f.primary().map(location_label).unwrap_or_default();
    let more = if f.locations.len() > 1 {
        format!(" (+{} more)", f.locations.len() - 1)
    } else {
        String::new()
    };
    format!(
        "| {} | `{}` | `{}`{} | {} |\n",
        f.severity,
        cell(f.rule.as_str()),
        cell(&loc),
        more,
        cell(&f.message)
    )
}

const TABLE_HEAD: &str = "| Severity | Rule | Location | Message |\n|---|---|---|---|\n";

/// Room kept for the closing lines (omitted count, diagnostics summary, footer).
const RESERVE: usize = 2_000;

/// Appends `text` when it fits in `budget` characters, else returns false.
fn push_within(s: &mut String, used: &mut usize, text: &str, budget: usize) -> bool {
    let n = text.chars().count();
    if *used + n > budget {
        return false;
    }
    s.push_str(text);
    *used += n;
    true
}

pub(crate) fn render(
    r: &Report<'_>,
    group_by_owner: bool,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    render_within(r, group_by_owner, GITHUB_COMMENT_LIMIT, out)
}

/// Markdown of at most `limit` characters: rows are added most severe first while they
/// fit, and what did not fit is counted by severity at the end.
pub(crate) fn render_within<'a>(
    r: &Report<'a>,
    group_by_owner: bool,
    limit: usize,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let budget = limit.saturating_sub(RESERVE).max(200);
    let mut s = String::new();
    s.push_str(&format!("## palisade: {} finding(s)\n\n", r.findings.len()));
    let mut left_out: Vec<&'a Finding> = Vec::new();
    if !r.findings.is_empty() {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter_map(|s| {
                let n = r.findings.iter().filter(|f| f.severity == *s).count();
                (n > 0).then(|| format!("**{n}** {s}"))
            })
            .collect();
        s.push_str(&format!("{}\n\n", counts.join(" · ")));
        // Most severe first; within a severity, the scan's order.
        let by_severity =
            |fs: &mut Vec<&'a Finding>| fs.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let mut full = false;
        let mut used = s.chars().count();
        let mut emit = |s: &mut String, findings: Vec<&'a Finding>, heading: Option<String>| {
            let mut started = false;
            for f in findings {
                if full {
                    left_out.push(f);
                    continue;
                }
                let mut text = String::new();
                if !started {
                    if let Some(h) = &heading {
                        text.push_str(h);
                    }
                    text.push_str(TABLE_HEAD);
                }
                text.push_str(&row(f));
                if push_within(s, &mut used, &text, budget) {
                    started = true;
                } else {
                    full = true;
                    left_out.push(f);
                }
            }
            if started {
                s.push('\n');
            }
        };
        if group_by_owner {
            for (owner, mut findings) in crate::owner_groups(r.findings) {
                by_severity(&mut findings);
                let owner = owner.unwrap_or(crate::NO_OWNER);
                let heading = format!("### {} ({})\n\n", cell(owner), findings.len());
                emit(&mut s, findings, Some(heading));
            }
        } else {
            let mut all: Vec<&Finding> = r.findings.iter().collect();
            by_severity(&mut all);
            emit(&mut s, all, None);
        }
    }
    if !left_out.is_empty() {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter_map(|sv| {
                let n = left_out.iter().filter(|f| f.severity == *sv).count();
                (n > 0).then(|| format!("{n} {sv}"))
            })
            .collect();
        s.push_str(&format!(
            "> **{} more finding(s) not shown** ({}) to keep this comment under GitHub's {limit}-character limit; the full list is in the SARIF, JSON or HTML report.\n\n",
            left_out.len(),
            counts.join(", ")
        ));
    }
    let diags: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.level != DiagnosticLevel::Skip)
        .collect();
    if !diags.is_empty() {
        let mut block = format!(
            "<details><summary>{} diagnostic(s)</summary>\n\n",
            diags.len()
        );
        let mut shown = 0;
        for d in &diags {
            let line = format!("- {}\n", cell(&d.to_string()));
            if s.chars().count() + block.chars().count() + line.chars().count() > budget {
                break;
            }
            block.push_str(&line);
            shown += 1;
        }
        if shown < diags.len() {
            block.push_str(&format!("- … and {} more\n", diags.len() - shown));
        }
        block.push_str("\n</details>\n\n");
        s.push_str(&block);
    }
    s.push_str(&format!(
        "_{} file(s) scanned, {} skipped._\n",
        r.summary.files_scanned, r.summary.files_skipped
    ));
    out.write_all(s.as_bytes())?;
    Ok(())
}
