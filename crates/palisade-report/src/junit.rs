//! JUnit XML: one test suite per rule, one failing test case per finding, so CI
//! systems' test tabs list findings. Diagnostics with errors become errored cases.

use std::collections::BTreeMap;
use std::io::Write;

use palisade_engine::finding::{DiagnosticLevel, Finding};

use crate::text::location_label;
use crate::{Report, ReportError};

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn render(r: &Report<'_>, out: &mut dyn Write) -> Result<(), ReportError> {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in r.findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    let errors: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .collect();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="palisade" tests="{}" failures="{}" errors="{}">"#,
        r.findings.len() + errors.len(),
        r.findings.len(),
        errors.len()
    )?;
    for (rule, fs) in &by_rule {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}">"#,
            escape(rule),
            fs.len(),
            fs.len()
        )?;
        for f in fs {
            let loc = f.primary().map(location_label).unwrap_or_default();
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}" file="{}" line="{}">"#,
                escape(&loc),
                escape(rule),
                escape(f.path()),
                f.line()
            )?;
            let mut body = format!("{}\n{loc}\nfingerprint {}", f.message, f.fingerprint);
            if let Some(sn) = &f.snippet {
                body.push_str("\n\n");
                body.push_str(&sn.text);
            }
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                f.severity,
                escape(&f.message),
                escape(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if !errors.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="palisade/diagnostics" tests="{0}" errors="{0}">"#,
            errors.len()
        )?;
        for d in errors {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="palisade/diagnostics"><error message="{}"/></testcase>"#,
                escape(&d.path),
                escape(&d.message)
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")?;
    Ok(())
}
