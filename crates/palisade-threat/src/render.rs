//! Reports: text, JSON, SARIF, Markdown, HTML; diagrams: SVG, Mermaid, DOT.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use crate::analyze::{Analysis, Diff, Threat};
use crate::model::{Model, Status, TrustBoundary};
use crate::rules::Severity;

fn summary_lines(a: &Analysis) -> String {
    let s = a.summary();
    let mut o = String::new();
    for sev in Severity::ALL {
        let Some(by) = s.get(&sev) else { continue };
        let total: usize = by.values().sum();
        let parts: Vec<String> = by
            .iter()
            .map(|(st, n)| format!("{n} {}", st.as_str()))
            .collect();
        let _ = writeln!(
            o,
            "  {:<8} {total:>4}  ({})",
            sev.as_str(),
            parts.join(", ")
        );
    }
    o
}

/// Plain text report.
#[must_use]
pub fn text(a: &Analysis) -> String {
    let mut o = format!("Threat model: {}\n\n", a.title);
    for t in &a.threats {
        let _ = writeln!(
            o,
            "[{}] {} ({})\n  id: {}\n  {}\n  control: {}\n  CWE: {}  ASVS: {}",
            t.severity.as_str(),
            t.title,
            t.status.as_str(),
            t.id,
            t.explanation,
            t.control,
            join_num(&t.cwe, "CWE-"),
            t.asvs.join(", ")
        );
        if !t.justification.is_empty() {
            let _ = writeln!(
                o,
                "  decision: {}{}",
                t.justification,
                if t.ticket.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", t.ticket)
                }
            );
        }
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "{} threats, {} excluded\n{}",
        a.threats.len(),
        a.excluded,
        summary_lines(a)
    );
    for d in &a.stale_decisions {
        let _ = writeln!(
            o,
            "warning: decision for `{d}` matches no threat (stale after a model change?)"
        );
    }
    o
}

fn join_num(v: &[u32], prefix: &str) -> String {
    v.iter()
        .map(|n| format!("{prefix}{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// JSON report, versioned.
#[must_use]
pub fn json(a: &Analysis) -> String {
    let summary: BTreeMap<&str, BTreeMap<&str, usize>> = a
        .summary()
        .iter()
        .map(|(s, m)| {
            (
                s.as_str(),
                m.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
            )
        })
        .collect();
    let doc = serde_json::json!({
        "version": 1,
        "title": a.title,
        "threats": a.threats,
        "excluded": a.excluded,
        "stale_decisions": a.stale_decisions,
        "summary": summary,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// SARIF 2.1.0; each result points at the element's line in the model file.
#[must_use]
pub fn sarif(threats: &[Threat], model_path: &str, model_text: &str) -> String {
    let mut rules: BTreeMap<&str, &Threat> = BTreeMap::new();
    for t in threats {
        rules.entry(t.rule.as_str()).or_insert(t);
    }
    let rule_ids: Vec<&str> = rules.keys().copied().collect();
    let index: HashMap<&str, usize> = rule_ids.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let lines = element_lines(model_text);
    let rules_json: Vec<_> = rules.values().map(|t| serde_json::json!({
        "id": t.rule,
        "name": t.title,
        "shortDescription": { "text": t.title },
        "fullDescription": { "text": t.threat },
        "help": { "text": format!("{}\nControl: {}", t.threat, t.control) },
        "properties": {
            "security-severity": security_severity(t.severity),
            "tags": t.cwe.iter().map(|c| format!("external/cwe/cwe-{c}")).chain(t.asvs.iter().map(|a| format!("asvs/{a}"))).collect::<Vec<_>>(),
        },
    })).collect();
    let results: Vec<_> = threats.iter().filter(|t| !matches!(t.status, Status::FalsePositive)).map(|t| {
        let line = lines.get(t.element.as_str()).copied().unwrap_or(1);
        serde_json::json!({
            "ruleId": t.rule,
            "ruleIndex": index.get(t.rule.as_str()).copied().unwrap_or(0),
            "level": sarif_level(t.severity),
            "message": { "text": format!("{}: {}", t.title, t.explanation) },
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": model_path }, "region": { "startLine": line } }, "logicalLocations": [{ "name": t.element, "kind": "element" }] }],
            "partialFingerprints": { "palisadeThreatId/v1": t.id },
            "properties": { "status": t.status.as_str(), "threatId": t.id },
        })
    }).collect();
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "palisade", "informationUri": "https://example.invalid/palisade", "rules": rules_json } }, "results": results }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Line of `id: X` for every element id in the model text.
fn element_lines(text: &str) -> HashMap<&str, u64> {
    let mut m = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim().trim_start_matches("- ").trim();
        if let Some(v) = t.strip_prefix("id:") {
            m.entry(v.trim().trim_matches(|c| c == '"' || c == '\''))
                .or_insert(i as u64 + 1);
        }
    }
    m
}

fn md(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('\n', " ")
}

/// Markdown report.
#[must_use]
pub fn markdown(a: &Analysis) -> String {
    let mut o = format!(
        "# Threat model: {}\n\n## Risk summary\n\n| Severity | Total |",
        md(&a.title)
    );
    for s in Status::ALL {
        let _ = write!(o, " {} |", s.as_str());
    }
    o.push_str("\n|---|---|");
    o.push_str(&"---|".repeat(Status::ALL.len()));
    o.push('\n');
    let sum = a.summary();
    for sev in Severity::ALL {
        let by = sum.get(&sev);
        let total: usize = by.map_or(0, |b| b.values().sum());
        let _ = write!(o, "| {} | {total} |", sev.as_str());
        for s in Status::ALL {
            let _ = write!(o, " {} |", by.and_then(|b| b.get(&s)).copied().unwrap_or(0));
        }
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "\n## Threats ({}, {} excluded)\n",
        a.threats.len(),
        a.excluded
    );
    for t in &a.threats {
        let _ = writeln!(
            o,
            "### {} — {}\n\n- **Id:** `{}`\n- **Severity:** {} · **Status:** {} · **Category:** {:?}\n- **Why:** {}\n- **Threat:** {}\n- **Control:** {}\n- **CWE:** {} · **CAPEC:** {} · **ASVS:** {}",
            md(&t.title),
            md(&t.element),
            t.id,
            t.severity.as_str(),
            t.status.as_str(),
            t.category,
            md(&t.explanation),
            md(&t.threat),
            md(&t.control),
            join_num(&t.cwe, "CWE-"),
            join_num(&t.capec, "CAPEC-"),
            t.asvs.join(", ")
        );
        if !t.justification.is_empty() {
            let _ = writeln!(
                o,
                "- **Decision:** {} {}",
                md(&t.justification),
                md(&t.ticket)
            );
        }
        o.push('\n');
    }
    o
}

/// Escapes text for HTML and SVG.
#[must_use]
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Self-contained HTML report with the diagram inline.
#[must_use]
pub fn html(a: &Analysis, m: &Model) -> String {
    let mut o = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Threat model: {0}</title><style>body{{font-family:sans-serif;max-width:70em;margin:auto}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;vertical-align:top}}</style></head><body><h1>Threat model: {0}</h1><h2>Data flow</h2>",
        esc(&a.title)
    );
    o.push_str(&svg(m));
    o.push_str("<h2>Risk summary</h2><pre>");
    o.push_str(&esc(&summary_lines(a)));
    o.push_str("</pre><h2>Threats</h2><table><tr><th>Severity</th><th>Status</th><th>Threat</th><th>Why</th><th>Control</th><th>Refs</th></tr>");
    for t in &a.threats {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td><b>{}</b><br><code>{}</code></td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
            t.severity.as_str(),
            t.status.as_str(),
            esc(&t.title),
            esc(&t.id),
            esc(&t.explanation),
            esc(&t.control),
            join_num(&t.cwe, "CWE-"),
            esc(&t.asvs.join(" "))
        );
    }
    o.push_str("</table></body></html>\n");
    o
}

/// Diff as text.
#[must_use]
pub fn diff_text(d: &Diff) -> String {
    let mut o = String::new();
    for t in &d.added {
        let _ = writeln!(
            o,
            "+ [{}] {}  {}\n    {}",
            t.severity.as_str(),
            t.id,
            t.title,
            t.explanation
        );
    }
    for t in &d.removed {
        let _ = writeln!(o, "- [{}] {}  {}", t.severity.as_str(), t.id, t.title);
    }
    let _ = writeln!(
        o,
        "{} threats added, {} removed",
        d.added.len(),
        d.removed.len()
    );
    o
}

fn mid(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn label(s: &str) -> String {
    s.chars()
        .filter(|c| {
            !matches!(
                c,
                '"' | '[' | ']' | '(' | ')' | '{' | '}' | '<' | '>' | '|' | '\\' | '`' | '#' | ';'
            ) && !c.is_control()
        })
        .collect()
}

fn name_of<'a>(m: &'a Model, id: &'a str) -> &'a str {
    m.technical_assets
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.name.as_str())
        .or_else(|| {
            m.actors
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.name.as_str())
        })
        .filter(|n| !n.is_empty())
        .unwrap_or(id)
}

/// Mermaid flowchart; boundaries become nested subgraphs.
#[must_use]
pub fn mermaid(m: &Model) -> String {
    let mut o = String::from("flowchart LR\n");
    let mut placed = std::collections::HashSet::new();
    fn sub(
        o: &mut String,
        m: &Model,
        b: &TrustBoundary,
        depth: usize,
        placed: &mut std::collections::HashSet<String>,
    ) {
        let pad = "  ".repeat(depth + 1);
        let _ = writeln!(
            o,
            "{pad}subgraph {}[\"{}\"]",
            mid(&b.id),
            label(if b.name.is_empty() { &b.id } else { &b.name })
        );
        for a in &b.assets {
            placed.insert(a.clone());
            let _ = writeln!(o, "{pad}  {}{}", mid(a), node_shape(m, a));
        }
        if depth < 16 {
            for c in &b.boundaries {
                sub(o, m, c, depth + 1, placed);
            }
        }
        let _ = writeln!(o, "{pad}end");
    }
    for b in &m.trust_boundaries {
        sub(&mut o, m, b, 0, &mut placed);
    }
    for id in m
        .actors
        .iter()
        .map(|a| &a.id)
        .chain(m.technical_assets.iter().map(|a| &a.id))
    {
        if !placed.contains(id) {
            let _ = writeln!(o, "  {}{}", mid(id), node_shape(m, id));
        }
    }
    for l in &m.links {
        let _ = writeln!(
            o,
            "  {} -->|\"{}\"| {}",
            mid(&l.from),
            label(if l.protocol.is_empty() {
                &l.id
            } else {
                &l.protocol
            }),
            mid(&l.to)
        );
    }
    o
}

fn node_shape(m: &Model, id: &str) -> String {
    let n = label(name_of(m, id));
    match m.technical_assets.iter().find(|a| a.id == id) {
        Some(a) if a.kind.is_store() => format!("[(\"{n}\")]"),
        Some(_) => format!("[\"{n}\"]"),
        None => format!("([\"{n}\"])"),
    }
}

fn dq(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// Graphviz DOT; boundaries become nested clusters.
#[must_use]
pub fn dot(m: &Model) -> String {
    let mut o =
        String::from("digraph threatmodel {\n  rankdir=LR;\n  node [fontname=\"sans-serif\"];\n");
    let mut placed = std::collections::HashSet::new();
    fn cl(
        o: &mut String,
        m: &Model,
        b: &TrustBoundary,
        depth: usize,
        placed: &mut std::collections::HashSet<String>,
    ) {
        let pad = "  ".repeat(depth + 1);
        let _ = writeln!(
            o,
            "{pad}subgraph \"cluster_{}\" {{\n{pad}  label=\"{}\"; style=dashed; color=red;",
            dq(&b.id),
            dq(if b.name.is_empty() { &b.id } else { &b.name })
        );
        for a in &b.assets {
            placed.insert(a.clone());
            let _ = writeln!(o, "{pad}  {};", dnode(m, a));
        }
        if depth < 16 {
            for c in &b.boundaries {
                cl(o, m, c, depth + 1, placed);
            }
        }
        let _ = writeln!(o, "{pad}}}");
    }
    for b in &m.trust_boundaries {
        cl(&mut o, m, b, 0, &mut placed);
    }
    for id in m
        .actors
        .iter()
        .map(|a| &a.id)
        .chain(m.technical_assets.iter().map(|a| &a.id))
    {
        if !placed.contains(id) {
            let _ = writeln!(o, "  {};", dnode(m, id));
        }
    }
    for l in &m.links {
        let _ = writeln!(
            o,
            "  \"{}\" -> \"{}\" [label=\"{}\"{}];",
            dq(&l.from),
            dq(&l.to),
            dq(&l.protocol),
            if l.is_encrypted() { "" } else { ", color=red" }
        );
    }
    o.push_str("}\n");
    o
}

fn dnode(m: &Model, id: &str) -> String {
    let shape = match m.technical_assets.iter().find(|a| a.id == id) {
        Some(a) if a.kind.is_store() => "cylinder",
        Some(_) => "box",
        None => "ellipse",
    };
    format!(
        "\"{}\" [label=\"{}\", shape={shape}]",
        dq(id),
        dq(name_of(m, id))
    )
}

pub use crate::svg::svg;

fn td_type(c: crate::rules::Category) -> &'static str {
    use crate::rules::Category as C;
    match c {
        C::Spoofing => "Spoofing",
        C::Tampering => "Tampering",
        C::Repudiation => "Repudiation",
        C::InformationDisclosure => "Information disclosure",
        C::DenialOfService => "Denial of service",
        C::ElevationOfPrivilege => "Elevation of privilege",
        C::Linking => "Linkability",
        C::Identifying => "Identifiability",
        C::NonRepudiation => "Non-repudiation",
        C::Detecting => "Detectability",
        C::DataDisclosure => "Disclosure of information",
        C::Unawareness => "Unawareness",
        C::NonCompliance => "Non-compliance",
    }
}

/// OWASP Threat Dragon v2 JSON: one STRIDE diagram, elements on a grid, threats attached.
#[must_use]
pub fn threat_dragon(m: &Model, a: &Analysis) -> String {
    let mut by_el: HashMap<&str, Vec<serde_json::Value>> = HashMap::new();
    for (i, t) in a.threats.iter().enumerate() {
        let status = match t.status {
            Status::Mitigated => "Mitigated",
            Status::Accepted | Status::FalsePositive => "NA",
            _ => "Open",
        };
        let sev = match t.severity {
            Severity::Critical | Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low | Severity::Info => "Low",
        };
        by_el.entry(t.element.as_str()).or_default().push(serde_json::json!({
            "id": t.id, "number": i + 1, "title": t.title, "status": status, "severity": sev,
            "type": td_type(t.category), "modelType": if t.category.is_linddun() { "LINDDUN" } else { "STRIDE" },
            "description": format!("{} {}", t.threat, t.explanation), "mitigation": t.control, "score": "",
        }));
    }
    let mut cells = Vec::new();
    let (pos, boxes, _, _) = crate::svg::layout(m);
    for (x, y, w, h, id, label, depth) in &boxes {
        cells.push(serde_json::json!({
            "id": id, "shape": "trust-boundary-box", "zIndex": -10 + i64::try_from(*depth).unwrap_or(0),
            "position": { "x": x, "y": y }, "size": { "width": w, "height": h },
            "attrs": { "label": { "text": label } },
            "data": { "type": "tm.BoundaryBox", "name": label, "description": "", "isTrustBoundary": true, "hasOpenThreats": false },
        }));
    }
    let nodes: Vec<(&str, &str, &str, bool)> = m
        .actors
        .iter()
        .map(|x| (x.id.as_str(), x.name.as_str(), "actor", false))
        .chain(m.technical_assets.iter().map(|x| {
            (
                x.id.as_str(),
                x.name.as_str(),
                if x.kind.is_store() {
                    "store"
                } else if x.kind == crate::model::AssetType::ExternalService {
                    "actor"
                } else {
                    "process"
                },
                x.out_of_scope,
            )
        }))
        .collect();
    let (nw, nh) = crate::svg::NODE;
    for (id, name, shape, oos) in &nodes {
        let threats = by_el.remove(id).unwrap_or_default();
        let open = threats.iter().any(|t| t["status"] == "Open");
        let ty = match *shape {
            "store" => "tm.Store",
            "actor" => "tm.Actor",
            _ => "tm.Process",
        };
        let (x, y) = pos.get(id).copied().unwrap_or((0.0, 0.0));
        cells.push(serde_json::json!({
            "id": id, "shape": shape, "zIndex": 1,
            "position": { "x": x, "y": y },
            "size": { "width": nw, "height": nh },
            "attrs": { "text": { "text": if name.is_empty() { *id } else { *name } } },
            "data": { "type": ty, "name": if name.is_empty() { *id } else { *name }, "description": "", "outOfScope": oos, "reasonOutOfScope": "", "threats": threats, "hasOpenThreats": open },
        }));
    }
    for l in &m.links {
        let threats = by_el.remove(l.id.as_str()).unwrap_or_default();
        let open = threats.iter().any(|t| t["status"] == "Open");
        cells.push(serde_json::json!({
            "id": l.id, "shape": "flow", "zIndex": 2,
            "source": { "cell": l.from }, "target": { "cell": l.to },
            "labels": [l.protocol],
            "data": { "type": "tm.Flow", "name": if l.name.is_empty() { &l.id } else { &l.name }, "description": "", "protocol": l.protocol, "isEncrypted": l.is_encrypted(), "isPublicNetwork": false, "outOfScope": false, "reasonOutOfScope": "", "threats": threats, "hasOpenThreats": open },
        }));
    }
    let doc = serde_json::json!({
        "version": "2.2.0",
        "summary": { "title": m.title, "owner": "", "description": m.description, "id": 0 },
        "detail": {
            "contributors": [], "reviewer": "", "threatTop": a.threats.len(), "diagramTop": 1,
            "diagrams": [{ "id": 0, "title": "Data flow", "diagramType": if m.linddun { "LINDDUN" } else { "STRIDE" }, "placeholder": "", "thumbnail": "./public/content/images/thumbnail.stride.jpg", "version": "2.2.0", "cells": cells }],
        },
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
