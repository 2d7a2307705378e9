//! Publishing a report: OSV JSON (schema 1.6), CSAF 2.0 (the `csaf_vex` profile: product
//! status fixed / known affected / known not affected / under investigation, with the
//! remediation or impact statement VEX asks for) and a GitHub security advisory draft in
//! Markdown. JSON fields carry the reporter's text as data; the Markdown draft escapes it.

use serde_json::{Value, json};

use crate::text;
use crate::{Report, State};

/// Who publishes, and when.
#[derive(Debug, Clone)]
pub struct Options {
    /// The publisher's name (CSAF `document.publisher.name`).
    pub publisher: String,
    /// The publisher's namespace URL (CSAF `document.publisher.namespace`).
    pub namespace: String,
    /// palisade's version (CSAF generator).
    pub tool_version: String,
    /// Now, seconds since the epoch (`modified`, current release date).
    pub now: i64,
}

/// A document and what the export had to leave out.
#[derive(Debug, Clone)]
pub struct Exported {
    pub doc: Value,
    pub warnings: Vec<String>,
}

fn rfc3339(t: i64) -> String {
    palisade_store::time::format_time(t)
}

fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > 8
        && !s.contains(char::is_whitespace)
}

/// The id an export uses: the first CVE or GHSA alias, else the report key.
pub fn public_id(r: &Report) -> String {
    r.aliases
        .iter()
        .find(|a| a.starts_with("CVE-") || a.starts_with("GHSA-"))
        .cloned()
        .unwrap_or_else(|| r.key.clone())
}

/// Common CWE names (CSAF wants the name with the id).
pub fn cwe_name(id: u32) -> Option<&'static str> {
    Some(match id {
        20 => "Improper Input Validation",
        22 => "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
        77 => "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
        78 => {
            "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')"
        }
        79 => {
            "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"
        }
        89 => {
            "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')"
        }
        94 => "Improper Control of Generation of Code ('Code Injection')",
        200 => "Exposure of Sensitive Information to an Unauthorized Actor",
        284 => "Improper Access Control",
        285 => "Improper Authorization",
        287 => "Improper Authentication",
        306 => "Missing Authentication for Critical Function",
        352 => "Cross-Site Request Forgery (CSRF)",
        400 => "Uncontrolled Resource Consumption",
        434 => "Unrestricted Upload of File with Dangerous Type",
        502 => "Deserialization of Untrusted Data",
        601 => "URL Redirection to Untrusted Site ('Open Redirect')",
        611 => "Improper Restriction of XML External Entity Reference",
        639 => "Authorization Bypass Through User-Controlled Key",
        787 => "Out-of-bounds Write",
        798 => "Use of Hard-coded Credentials",
        862 => "Missing Authorization",
        863 => "Incorrect Authorization",
        918 => "Server-Side Request Forgery (SSRF)",
        1321 => {
            "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')"
        }
        _ => return None,
    })
}

/// The report as an OSV record. `id` must use a registered prefix to pass the official
/// schema (`CVE-`, `GHSA-`, …): give the report an alias, or pass `id`.
pub fn osv(r: &Report, id: Option<&str>, o: &Options) -> Exported {
    let mut warnings = Vec::new();
    let id = id.map_or_else(|| public_id(r), str::to_owned);
    let aliases: Vec<&String> = r.aliases.iter().filter(|a| **a != id).collect();
    let mut doc = json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": rfc3339(o.now),
        "summary": r.title.split_whitespace().collect::<Vec<_>>().join(" "),
        "details": details_text(r),
    });
    if !aliases.is_empty() {
        doc["aliases"] = json!(aliases);
    }
    if matches!(r.state(), State::Disclosed | State::Resolved) {
        doc["published"] = json!(rfc3339(r.resolved_at.unwrap_or(r.state_at)));
    }
    if let Some(v) = &r.cvss {
        let kind = if v.starts_with("CVSS:4.0/") {
            "CVSS_V4"
        } else {
            "CVSS_V3"
        };
        doc["severity"] = json!([{ "type": kind, "score": v }]);
    }
    match &r.ecosystem {
        Some(eco) => {
            let mut events = vec![json!({ "introduced": r.introduced.clone().unwrap_or_else(|| "0".to_owned()) })];
            if let Some(first) = r.fixed_versions.first() {
                events.push(json!({ "fixed": first }));
            }
            doc["affected"] = json!([{
                "package": { "ecosystem": eco, "name": r.package_name() },
                "ranges": [{ "type": "ECOSYSTEM", "events": events }],
            }]);
        }
        None => warnings.push(
            "no ecosystem on the report: OSV `affected` left out (set it with `advisory set KEY --ecosystem npm`)".to_owned(),
        ),
    }
    let mut refs = Vec::new();
    for c in &r.fix_commits {
        if is_url(c) {
            refs.push(json!({ "type": "FIX", "url": c }));
        } else {
            warnings.push(format!(
                "fix commit {c:?} is not a URL: kept in database_specific only"
            ));
        }
    }
    for u in &r.references {
        if is_url(u) {
            refs.push(json!({ "type": "WEB", "url": u }));
        }
    }
    if !refs.is_empty() {
        doc["references"] = json!(refs);
    }
    doc["credits"] = json!([{ "name": r.reporter, "type": "FINDER" }]);
    doc["database_specific"] = json!({
        "palisade_key": r.key,
        "state": r.state().as_str(),
        "cwe_ids": r.cwe.iter().map(|c| format!("CWE-{c}")).collect::<Vec<_>>(),
        "fix_commits": r.fix_commits,
        "fixed_versions": r.fixed_versions,
    });
    Exported { doc, warnings }
}

fn details_text(r: &Report) -> String {
    let mut s = r.description.trim().to_owned();
    if let Some(c) = &r.component {
        s.push_str(&format!("\n\nComponent: {c}"));
    }
    if let Some(e) = &r.endpoint {
        s.push_str(&format!("\nEndpoint: {e}"));
    }
    s
}

fn vers_scheme(eco: Option<&str>) -> &'static str {
    match eco.map(str::to_ascii_lowercase).as_deref() {
        Some("npm") => "npm",
        Some("pypi") => "pypi",
        Some("crates.io") => "cargo",
        Some("maven") => "maven",
        Some("go") => "golang",
        Some("rubygems") => "gem",
        Some("nuget") => "nuget",
        _ => "generic",
    }
}

/// The report as a CSAF 2.0 document of the `csaf_vex` profile.
pub fn csaf(r: &Report, o: &Options) -> Exported {
    let mut warnings = Vec::new();
    let pkg = r.package_name().to_owned();
    let scheme = vers_scheme(r.ecosystem.as_deref());
    // Products: the affected range and each fixed version.
    let mut versions = Vec::new();
    let affected_id = "CSAFPID-0001".to_owned();
    let range = match (&r.introduced, r.fixed_versions.first()) {
        (Some(i), Some(f)) => format!("vers:{scheme}/>={i}|<{f}"),
        (None, Some(f)) => format!("vers:{scheme}/<{f}"),
        (Some(i), None) => format!("vers:{scheme}/>={i}"),
        (None, None) => format!("vers:{scheme}/*"),
    };
    versions.push(json!({
        "category": "product_version_range",
        "name": range,
        "product": { "product_id": affected_id, "name": format!("{pkg} {range}") },
    }));
    let mut fixed_ids = Vec::new();
    for (i, v) in r.fixed_versions.iter().enumerate() {
        let pid = format!("CSAFPID-{:04}", i + 2);
        versions.push(json!({
            "category": "product_version",
            "name": v,
            "product": { "product_id": pid, "name": format!("{pkg} {v}") },
        }));
        fixed_ids.push(pid);
    }
    let product_tree = json!({
        "branches": [{
            "category": "vendor",
            "name": o.publisher,
            "branches": [{
                "category": "product_name",
                "name": pkg,
                "branches": versions,
            }],
        }],
    });
    let mut status = serde_json::Map::new();
    let mut vuln = serde_json::Map::new();
    let state = r.state();
    match state {
        State::New | State::NeedsMoreInfo => {
            status.insert("under_investigation".into(), json!([affected_id]));
        }
        State::NotApplicable | State::Informative => {
            status.insert("known_not_affected".into(), json!([affected_id]));
            vuln.insert(
                "threats".into(),
                json!([{ "category": "impact", "details": format!("Not affected: the report was closed as {state}."), "product_ids": [affected_id] }]),
            );
        }
        _ => {
            status.insert("known_affected".into(), json!([affected_id]));
            if !fixed_ids.is_empty() {
                status.insert("fixed".into(), json!(fixed_ids));
            }
        }
    }
    let mut remediations = Vec::new();
    if status.contains_key("known_affected") {
        if r.fixed_versions.is_empty() {
            remediations.push(json!({
                "category": "none_available",
                "details": "A fix is being prepared.",
                "product_ids": [affected_id],
            }));
        } else {
            let mut rem = json!({
                "category": "vendor_fix",
                "details": format!("Upgrade {pkg} to {}.", r.fixed_versions.join(" or ")),
                "product_ids": [affected_id],
            });
            if let Some(u) = r.fix_commits.iter().find(|c| is_url(c)) {
                rem["url"] = json!(u);
            }
            remediations.push(rem);
        }
    }
    vuln.insert("title".into(), json!(r.title));
    vuln.insert("product_status".into(), Value::Object(status));
    vuln.insert(
        "notes".into(),
        json!([{ "category": "description", "text": details_text(r).trim().to_owned() + "\n", "title": "Description" }]),
    );
    if !remediations.is_empty() {
        vuln.insert("remediations".into(), json!(remediations));
    }
    if let Some(cve) = r.aliases.iter().find(|a| a.starts_with("CVE-")) {
        vuln.insert("cve".into(), json!(cve));
    }
    vuln.insert(
        "ids".into(),
        json!([{ "system_name": "palisade", "text": r.key }]),
    );
    if let Some(c) = r.cwe.first() {
        match cwe_name(*c) {
            Some(name) => {
                vuln.insert(
                    "cwe".into(),
                    json!({ "id": format!("CWE-{c}"), "name": name }),
                );
            }
            None => warnings.push(format!(
                "CWE-{c}: name not known to palisade, left out of CSAF `cwe`"
            )),
        }
    }
    if let Some(v) = &r.cvss
        && let Ok(s) = palisade_cvss::score(v)
    {
        if s.version == palisade_cvss::Version::V4_0 {
            warnings.push(
                "CSAF 2.0 has no CVSS v4.0 score: the vector is left out of `scores`".to_owned(),
            );
        } else {
            let sev = match s.rating {
                palisade_cvss::Rating::None => "NONE",
                palisade_cvss::Rating::Low => "LOW",
                palisade_cvss::Rating::Medium => "MEDIUM",
                palisade_cvss::Rating::High => "HIGH",
                palisade_cvss::Rating::Critical => "CRITICAL",
            };
            vuln.insert(
                "scores".into(),
                json!([{
                    "products": [affected_id],
                    "cvss_v3": {
                        "version": s.version.to_string(),
                        "vectorString": v,
                        "baseScore": s.base,
                        "baseSeverity": sev,
                    },
                }]),
            );
        }
    }
    if r.exploited {
        vuln.insert(
            "threats".into(),
            json!([{ "category": "exploit_status", "details": "Exploited in the wild.", "product_ids": [affected_id] }]),
        );
    }
    vuln.insert(
        "acknowledgments".into(),
        json!([{ "names": [r.reporter], "summary": "reporting this vulnerability" }]),
    );
    let mut references = Vec::new();
    for u in r
        .fix_commits
        .iter()
        .chain(&r.references)
        .filter(|u| is_url(u))
    {
        references.push(json!({ "category": "external", "summary": "fix or reference", "url": u }));
    }
    if !references.is_empty() {
        vuln.insert("references".into(), json!(references));
    }
    let status = match state {
        State::Disclosed => "final",
        State::Resolved => "interim",
        _ => "draft",
    };
    let now = rfc3339(o.now);
    let initial = rfc3339(r.received);
    let doc = json!({
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "title": r.title,
            "publisher": {
                "category": "vendor",
                "name": o.publisher,
                "namespace": o.namespace,
            },
            "notes": [{ "category": "summary", "text": r.title, "title": "Summary" }],
            "tracking": {
                "id": r.key,
                "status": status,
                "version": "1",
                "initial_release_date": initial,
                "current_release_date": now,
                "revision_history": [{ "date": now, "number": "1", "summary": "Initial version." }],
                "generator": {
                    "date": now,
                    "engine": { "name": "palisade", "version": o.tool_version },
                },
            },
        },
        "product_tree": product_tree,
        "vulnerabilities": [Value::Object(vuln)],
    });
    Exported { doc, warnings }
}

/// A GitHub security advisory draft (the fields of GitHub's form, in Markdown). Every
/// piece of reporter text is escaped; the proof of concept is fenced.
pub fn ghsa_markdown(r: &Report) -> String {
    let mut s = String::new();
    s.push_str(&format!("# {}\n\n", text::markdown_line(&r.title)));
    s.push_str("| Field | Value |\n|---|---|\n");
    let row = |s: &mut String, k: &str, v: &str| {
        s.push_str(&format!("| {k} | {} |\n", text::markdown_line(v)))
    };
    row(
        &mut s,
        "Ecosystem",
        r.ecosystem.as_deref().unwrap_or("(set one)"),
    );
    row(&mut s, "Package", r.package_name());
    let affected = match (&r.introduced, r.fixed_versions.first()) {
        (Some(i), Some(f)) => format!(">= {i}, < {f}"),
        (None, Some(f)) => format!("< {f}"),
        (Some(i), None) => format!(">= {i}"),
        (None, None) => "all versions".to_owned(),
    };
    row(&mut s, "Affected versions", &affected);
    row(
        &mut s,
        "Patched versions",
        &if r.fixed_versions.is_empty() {
            "none yet".to_owned()
        } else {
            r.fixed_versions.join(", ")
        },
    );
    if let Some(v) = &r.cvss {
        let sc = palisade_cvss::score(v)
            .map_or_else(|e| e.to_string(), |x| format!("{} ({})", x.base, x.rating));
        row(&mut s, "Severity", &format!("{sc} {v}"));
    }
    if !r.cwe.is_empty() {
        row(
            &mut s,
            "Weaknesses",
            &r.cwe
                .iter()
                .map(|c| format!("CWE-{c}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if !r.aliases.is_empty() {
        row(&mut s, "Identifiers", &r.aliases.join(", "));
    }
    row(&mut s, "Credits", &format!("{} (finder)", r.reporter));
    s.push_str("\n### Summary\n\n");
    s.push_str(&text::markdown(r.title.trim()));
    s.push_str("\n\n### Details\n\n");
    s.push_str(&text::markdown(details_text(r).trim()));
    s.push('\n');
    if let Some(p) = &r.poc {
        s.push_str("\n### PoC\n\n");
        s.push_str(&text::code_block(p, "text"));
    }
    s.push_str("\n### Impact\n\n");
    match r.cwe.first().and_then(|c| cwe_name(*c).map(|n| (c, n))) {
        Some((c, n)) => s.push_str(&format!("{} (CWE-{c}).\n", text::markdown_line(n))),
        None => s.push_str("Describe who is affected and what an attacker gains.\n"),
    }
    if !r.fixed_versions.is_empty() || !r.fix_commits.is_empty() {
        s.push_str("\n### Patches\n\n");
        if !r.fixed_versions.is_empty() {
            s.push_str(&format!(
                "Fixed in {}.\n",
                text::markdown_line(&r.fixed_versions.join(", "))
            ));
        }
        for c in &r.fix_commits {
            if is_url(c) {
                s.push_str(&format!("- Fix: <{}>\n", c.replace(['<', '>'], "")));
            } else {
                s.push_str(&format!("- Fix commit: `{}`\n", c.replace('`', "")));
            }
        }
    }
    let refs: Vec<&String> = r.references.iter().filter(|u| is_url(u)).collect();
    if !refs.is_empty() {
        s.push_str("\n### References\n\n");
        for u in refs {
            s.push_str(&format!("- <{}>\n", u.replace(['<', '>'], "")));
        }
    }
    s
}
