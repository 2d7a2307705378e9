use std::io::Write;

use palisade_engine::finding::{DiagnosticLevel, Finding, Location, Severity};

use crate::{Report, ReportError, TextOptions};

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;34",
            Severity::Info => "1",
        };
        self.paint(code, s.as_str())
    }
}

pub(crate) fn location_label(loc: &Location) -> String {
    match loc {
        Location::File { path, span, git } => {
            let mut s = match span {
                Some(sp) => format!("{path}:{}:{}", sp.start_line, sp.start_column),
                None => path.clone(),
            };
            if let Some(g) = git {
                let short = g.commit.get(..12).unwrap_or(&g.commit);
                s.push_str(&format!(" (commit {short}, {} <{}>)", g.author, g.email));
            }
            s
        }
        Location::Yaml { path, route, span } => match span {
            Some(sp) => format!("{path}:{}:{} ({route})", sp.start_line, sp.start_column),
            None => format!("{path} ({route})"),
        },
        Location::Package { purl, path } => match path {
            Some(p) => format!("{purl} ({p})"),
            None => purl.clone(),
        },
        Location::Http { url, method } => match method {
            Some(m) => format!("{m} {url}"),
            None => url.clone(),
        },
    }
}

fn render_finding(f: &Finding, st: &Style, out: &mut dyn Write) -> Result<(), ReportError> {
    writeln!(
        out,
        "{}[{}] {}",
        st.severity(f.severity),
        st.paint("1", f.rule.as_str()),
        f.message
    )?;
    if let Some(loc) = f.primary() {
        writeln!(out, "  --> {}", location_label(loc))?;
    }
    if let Some(sn) = &f.snippet {
        let last = sn.first_line as usize + sn.text.lines().count().saturating_sub(1);
        let width = last.to_string().len();
        writeln!(out, "{:>width$} |", "")?;
        for (i, line) in sn.text.lines().enumerate() {
            let no = sn.first_line as usize + i;
            writeln!(out, "{no:>width$} | {line}")?;
            if let Some((ml, ms, me)) = sn.mark
                && ml as usize == no
            {
                let pad: String = line
                    .get(..(ms as usize).saturating_sub(1))
                    .unwrap_or("")
                    .chars()
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let marked = line
                    .get((ms as usize).saturating_sub(1)..(me as usize).saturating_sub(1))
                    .map_or(1, |m| m.chars().count().max(1));
                writeln!(
                    out,
                    "{:>width$} | {pad}{}",
                    "",
                    st.paint("1;31", &"^".repeat(marked))
                )?;
            }
        }
    }
    writeln!(
        out,
        "  = severity {}, confidence {}, fingerprint {}",
        f.severity,
        f.confidence,
        f.fingerprint.0.get(..16).unwrap_or(&f.fingerprint.0)
    )?;
    if !f.owners.is_empty() {
        writeln!(out, "  = owners: {}", f.owners.join(", "))?;
    }
    if !f.trace.is_empty() {
        writeln!(out, "  = data flow:")?;
        for (i, t) in f.trace.iter().enumerate() {
            writeln!(
                out,
                "      {}. {} {}",
                i + 1,
                location_label(&t.location),
                t.message
            )?;
        }
    }
    let others = &f.locations[1.min(f.locations.len())..];
    if !others.is_empty() {
        writeln!(out, "  = also at {} more location(s):", others.len())?;
        for loc in others.iter().take(20) {
            writeln!(out, "      {}", location_label(loc))?;
        }
        if others.len() > 20 {
            writeln!(out, "      … and {} more", others.len() - 20)?;
        }
    }
    if let Some(fix) = &f.fix {
        writeln!(out, "  = fix: {}", fix.description)?;
    }
    writeln!(out)?;
    Ok(())
}

pub(crate) fn render(
    r: &Report<'_>,
    opts: TextOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let st = Style { color: opts.color };
    if opts.group_by_owner {
        for (owner, findings) in crate::owner_groups(r.findings) {
            let heading = format!(
                "== {} ({} finding(s))",
                owner.unwrap_or(crate::NO_OWNER),
                findings.len()
            );
            writeln!(out, "{}\n", st.paint("1", &heading))?;
            for f in findings {
                render_finding(f, &st, out)?;
            }
        }
    } else {
        for f in r.findings {
            render_finding(f, &st, out)?;
        }
    }
    for d in r.diagnostics {
        if d.level == DiagnosticLevel::Skip && !opts.verbose {
            continue;
        }
        writeln!(out, "{d}")?;
    }
    let s = &r.summary;
    let mut counts: Vec<String> = Vec::new();
    for sev in Severity::ALL.iter().rev() {
        let n = r.findings.iter().filter(|f| f.severity == *sev).count();
        if n > 0 {
            counts.push(format!("{n} {sev}"));
        }
    }
    let found = if r.findings.is_empty() {
        "no findings".to_string()
    } else {
        format!("{} finding(s): {}", r.findings.len(), counts.join(", "))
    };
    let mut tail = format!(
        "{found}; {} file(s) scanned, {} skipped",
        s.files_scanned, s.files_skipped
    );
    if s.errors > 0 {
        tail.push_str(&format!(", {} error(s)", s.errors));
    }
    if s.suppressed > 0 {
        tail.push_str(&format!(", {} suppressed inline", s.suppressed));
    }
    if s.baselined > 0 {
        tail.push_str(&format!(", {} in the baseline", s.baselined));
    }
    if s.files_skipped > 0 && !opts.verbose {
        tail.push_str(" (-v lists what was skipped)");
    }
    writeln!(out, "{tail}")?;
    Ok(())
}
