//! Markdown for pull-request comments and job summaries: a count by severity, then one
//! table row per finding, then diagnostics in a collapsed section.

use std::io::Write;

use palisade_engine::finding::{DiagnosticLevel, Finding, Severity};

use crate::text::location_label;
use crate::{Report, ReportError};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(findings: &[&Finding], out: &mut dyn Write) -> Result<(), ReportError> {
    writeln!(out, "| Severity | Rule | Location | Message |")?;
    writeln!(out, "|---|---|---|---|")?;
    for f in findings {
        let loc = f.primary().map(location_label).unwrap_or_default();
        let more = if f.locations.len() > 1 {
            format!(" (+{} more)", f.locations.len() - 1)
        } else {
            String::new()
        };
        writeln!(
            out,
            "| {} | `{}` | `{}`{} | {} |",
            f.severity,
            cell(f.rule.as_str()),
            cell(&loc),
            more,
            cell(&f.message)
        )?;
    }
    Ok(())
}

pub(crate) fn render(
    r: &Report<'_>,
    group_by_owner: bool,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    writeln!(out, "## palisade: {} finding(s)\n", r.findings.len())?;
    if !r.findings.is_empty() {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter_map(|s| {
                let n = r.findings.iter().filter(|f| f.severity == *s).count();
                (n > 0).then(|| format!("**{n}** {s}"))
            })
            .collect();
        writeln!(out, "{}\n", counts.join(" · "))?;
        if group_by_owner {
            for (owner, findings) in crate::owner_groups(r.findings) {
                let owner = owner.unwrap_or(crate::NO_OWNER);
                writeln!(out, "### {} ({})\n", cell(owner), findings.len())?;
                table(&findings, out)?;
                writeln!(out)?;
            }
        } else {
            let all: Vec<&Finding> = r.findings.iter().collect();
            table(&all, out)?;
            writeln!(out)?;
        }
    }
    let diags: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.level != DiagnosticLevel::Skip)
        .collect();
    if !diags.is_empty() {
        writeln!(
            out,
            "<details><summary>{} diagnostic(s)</summary>\n",
            diags.len()
        )?;
        for d in diags {
            writeln!(out, "- {}", cell(&d.to_string()))?;
        }
        writeln!(out, "\n</details>\n")?;
    }
    writeln!(
        out,
        "_{} file(s) scanned, {} skipped._",
        r.summary.files_scanned, r.summary.files_skipped
    )?;
    Ok(())
}
