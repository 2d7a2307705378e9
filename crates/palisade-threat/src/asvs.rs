//! OWASP ASVS 5.0.0 checklists scoped by a threat model, with evidence kept beside it.
//!
//! The ASVS data (`data/asvs-5.0.0.json`) is CC BY-SA 4.0, shipped as a separate file with
//! its attribution in `data/ASVS-LICENSE.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::model::{Authentication, Model};

/// The shipped ASVS 5.0.0 JSON.
pub const ASVS_JSON: &str = include_str!("../data/asvs-5.0.0.json");
/// Attribution printed with every checklist.
pub const ATTRIBUTION: &str = "OWASP Application Security Verification Standard 5.0.0, © OWASP Foundation and contributors, CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)";

/// One ASVS requirement.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: String,
    pub chapter: String,
    pub section: String,
    pub description: String,
    pub level: u8,
}

#[derive(Deserialize)]
struct Node {
    #[serde(rename = "Shortcode")]
    shortcode: String,
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Description", default)]
    description: String,
    #[serde(rename = "L", default)]
    level: String,
    #[serde(rename = "Items", default)]
    items: Vec<Node>,
}

#[derive(Deserialize)]
struct Root {
    #[serde(rename = "Requirements")]
    requirements: Vec<Node>,
}

/// Parses ASVS JSON in the OWASP export layout.
///
/// # Errors
/// If the JSON does not have that layout.
pub fn parse(json: &str) -> Result<Vec<Requirement>, Error> {
    let root: Root = serde_json::from_str(json).map_err(|e| Error::Asvs(e.to_string()))?;
    let mut out = Vec::new();
    for ch in &root.requirements {
        for sec in &ch.items {
            for r in &sec.items {
                out.push(Requirement {
                    id: r.shortcode.clone(),
                    chapter: format!("{} {}", ch.shortcode, ch.name),
                    section: format!("{} {}", sec.shortcode, sec.name),
                    description: r.description.clone(),
                    level: r.level.trim().parse().unwrap_or(3),
                });
            }
        }
    }
    Ok(out)
}

/// The shipped requirements.
#[must_use]
pub fn requirements() -> &'static [Requirement] {
    static R: OnceLock<Vec<Requirement>> = OnceLock::new();
    R.get_or_init(|| parse(ASVS_JSON).unwrap_or_default())
}

/// Ids of the shipped requirements.
#[must_use]
pub fn requirement_ids() -> BTreeSet<&'static str> {
    requirements().iter().map(|r| r.id.as_str()).collect()
}

/// Verification result recorded in the evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Fail,
    NotApplicable,
}

/// Evidence for one requirement.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub status: Verdict,
    #[serde(default)]
    pub justification: String,
    #[serde(default)]
    pub link: String,
}

/// The evidence file: requirement id to evidence.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceFile {
    #[serde(default)]
    pub requirements: BTreeMap<String, Evidence>,
}

/// Parses an evidence file; unknown requirement ids are errors.
///
/// # Errors
/// Invalid YAML or an id that is not an ASVS 5.0 requirement.
pub fn parse_evidence(file: &str, text: &str) -> Result<EvidenceFile, Error> {
    let ev: EvidenceFile = serde_saphyr::from_str(text).map_err(|e| Error::Model {
        file: file.to_owned(),
        line: e.location().map_or(1, |l| l.line()).max(1),
        message: e
            .to_string()
            .lines()
            .next()
            .unwrap_or("invalid YAML")
            .to_owned(),
    })?;
    let ids = requirement_ids();
    for k in ev.requirements.keys() {
        if !ids.contains(k.as_str()) {
            let line = text
                .lines()
                .position(|l| l.contains(k.as_str()))
                .map_or(1, |i| i as u64 + 1);
            return Err(Error::Model {
                file: file.to_owned(),
                line,
                message: format!("`{k}` is not an ASVS 5.0.0 requirement id"),
            });
        }
    }
    Ok(ev)
}

/// One line of a checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub requirement: Requirement,
    /// Why the requirement does not apply, from the model.
    pub not_applicable: Option<String>,
    pub evidence: Option<Evidence>,
}

/// Why a section does not apply to a model, if it does not.
fn scope(section: &str, m: &Model) -> Option<String> {
    let any_tag = |t: &str| {
        m.technical_assets
            .iter()
            .any(|a| a.tags.iter().any(|x| x == t))
    };
    let any_tech = |t: &str| {
        m.technical_assets
            .iter()
            .any(|a| a.technology.to_ascii_lowercase().contains(t))
    };
    let any_authn = |f: &dyn Fn(Authentication) -> bool| {
        m.technical_assets.iter().any(|a| f(a.authentication))
            || m.links.iter().any(|l| f(l.authentication))
    };
    let own_idp = m
        .technical_assets
        .iter()
        .any(|a| a.kind == crate::model::AssetType::IdentityProvider && !a.out_of_scope);
    let oauth = any_authn(&|a| matches!(a, Authentication::Oauth | Authentication::Oidc))
        || any_tag("oauth-client")
        || own_idp;
    let chapter = section.split('.').next().unwrap_or("");
    let na = |cond: bool, why: &str| if cond { None } else { Some(why.to_owned()) };
    match (chapter, section) {
        (_, "V10.2") => na(
            any_tag("oauth-client") || (oauth && !own_idp),
            "no OAuth client in the model (no asset tagged oauth-client, no oauth/oidc authentication)",
        ),
        (_, "V10.3") => na(
            oauth,
            "no OAuth resource server in the model (no oauth/oidc authentication)",
        ),
        (_, "V10.4" | "V10.6" | "V10.7") => na(
            own_idp,
            "the model has no in-scope identity-provider: no authorization server or OpenID provider is built here",
        ),
        (_, "V10.5") => na(
            any_authn(&|a| a == Authentication::Oidc) || any_tag("oidc-client"),
            "no OIDC client in the model (no oidc authentication)",
        ),
        ("V10", _) => na(oauth, "no OAuth or OIDC in the model"),
        ("V17", _) => na(any_tag("webrtc"), "no asset tagged webrtc"),
        (_, "V4.3") => na(
            any_tag("graphql") || any_tech("graphql"),
            "no GraphQL asset (tag or technology graphql)",
        ),
        (_, "V4.4") => na(
            any_tag("websocket")
                || m.links
                    .iter()
                    .any(|l| matches!(l.protocol.as_str(), "ws" | "wss" | "websocket")),
            "no WebSocket link or asset",
        ),
        ("V5", _) => na(
            any_tag("accepts-uploads")
                || any_tag("serves-files")
                || m.technical_assets
                    .iter()
                    .any(|a| a.kind == crate::model::AssetType::FileStore),
            "no file upload, download or file store in the model",
        ),
        ("V3", _) => na(
            m.technical_assets.iter().any(|a| {
                matches!(
                    a.kind,
                    crate::model::AssetType::Browser | crate::model::AssetType::WebApp
                )
            }),
            "no browser or web-app asset: no web frontend",
        ),
        (_, "V1.4") => na(
            any_tag("unmanaged-code"),
            "no asset tagged unmanaged-code (C, C++ or unsafe code)",
        ),
        (_, "V1.5") => na(any_tag("deserializes"), "no asset tagged deserializes"),
        (_, "V9.1" | "V9.2") => na(
            any_authn(&|a| {
                matches!(
                    a,
                    Authentication::Token | Authentication::Oauth | Authentication::Oidc
                )
            }),
            "no token-based authentication in the model",
        ),
        (_, "V6.2") => na(
            any_authn(&|a| a == Authentication::Password),
            "no password authentication in the model",
        ),
        (_, "V6.8") => na(
            m.technical_assets
                .iter()
                .any(|a| a.kind == crate::model::AssetType::IdentityProvider),
            "no identity provider in the model",
        ),
        _ => None,
    }
}

/// The checklist for a level, scoped by an optional model, with optional evidence.
#[must_use]
pub fn checklist(level: u8, model: Option<&Model>, evidence: Option<&EvidenceFile>) -> Vec<Row> {
    requirements()
        .iter()
        .filter(|r| r.level <= level)
        .map(|r| {
            let section = r.section.split(' ').next().unwrap_or("");
            Row {
                not_applicable: model.and_then(|m| scope(section, m)),
                evidence: evidence.and_then(|e| e.requirements.get(&r.id).cloned()),
                requirement: r.clone(),
            }
        })
        .collect()
}

fn status(r: &Row) -> &'static str {
    match (&r.evidence, &r.not_applicable) {
        (Some(e), _) => match e.status {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::NotApplicable => "not-applicable",
        },
        (None, Some(_)) => "not-applicable",
        (None, None) => "open",
    }
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown checklist.
#[must_use]
pub fn markdown(rows: &[Row], level: u8) -> String {
    let mut o = format!("# ASVS 5.0.0 level {level} checklist\n\n");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *counts.entry(status(r)).or_default() += 1;
    }
    let _ = writeln!(
        o,
        "{} requirements: {}\n",
        rows.len(),
        counts
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut chapter = "";
    for r in rows {
        if r.requirement.chapter != chapter {
            chapter = &r.requirement.chapter;
            let _ = writeln!(
                o,
                "\n## {chapter}\n\n| Id | L | Status | Requirement | Reason / evidence |\n|---|---|---|---|---|"
            );
        }
        let why = match (&r.evidence, &r.not_applicable) {
            (Some(e), _) => format!(
                "{}{}",
                md(&e.justification),
                if e.link.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", md(&e.link))
                }
            ),
            (None, Some(w)) => md(w),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            r.requirement.id,
            r.requirement.level,
            status(r),
            md(&r.requirement.description),
            why
        );
    }
    let _ = writeln!(o, "\n---\n{ATTRIBUTION}");
    o
}

fn csv_field(s: &str) -> String {
    let s = s
        .strip_prefix(['=', '+', '-', '@'])
        .map_or_else(|| s.to_owned(), |_| format!("'{s}"));
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// CSV checklist (formula-looking cells are prefixed with `'`).
#[must_use]
pub fn csv(rows: &[Row]) -> String {
    let mut o =
        String::from("id,level,chapter,section,status,requirement,reason,justification,link\n");
    for r in rows {
        let (j, l) = r
            .evidence
            .as_ref()
            .map_or((String::new(), String::new()), |e| {
                (e.justification.clone(), e.link.clone())
            });
        let _ = writeln!(
            o,
            "{},{},{},{},{},{},{},{},{}",
            r.requirement.id,
            r.requirement.level,
            csv_field(&r.requirement.chapter),
            csv_field(&r.requirement.section),
            status(r),
            csv_field(&r.requirement.description),
            csv_field(r.not_applicable.as_deref().unwrap_or("")),
            csv_field(&j),
            csv_field(&l)
        );
    }
    o
}

/// CycloneDX 1.6 attestation document (`declarations`) for the checklist.
#[must_use]
pub fn cyclonedx(rows: &[Row], level: u8, subject: &str) -> String {
    let reqs: Vec<_> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "bom-ref": format!("asvs-{}", r.requirement.id),
                "identifier": r.requirement.id,
                "title": r.requirement.section,
                "text": r.requirement.description,
            })
        })
        .collect();
    let claims: Vec<_> = rows
        .iter()
        .map(|r| {
            let why = r
                .evidence
                .as_ref()
                .map(|e| e.justification.clone())
                .or_else(|| r.not_applicable.clone())
                .unwrap_or_default();
            serde_json::json!({
                "bom-ref": format!("claim-{}", r.requirement.id),
                "target": "subject-target",
                "predicate": format!("{} {}", r.requirement.id, status(r)),
                "reasoning": why,
            })
        })
        .collect();
    let map: Vec<_> = rows.iter().map(|r| {
        let s = status(r);
        let mut m = serde_json::json!({ "requirement": format!("asvs-{}", r.requirement.id) });
        let key = match s { "pass" => "claims", "fail" => "counterClaims", _ => "" };
        if !key.is_empty() { m[key] = serde_json::json!([format!("claim-{}", r.requirement.id)]); }
        if let Some(e) = &r.evidence && !e.link.is_empty() { m["conformance"] = serde_json::json!({"score": if s == "pass" {1.0} else {0.0}, "rationale": e.justification}); }
        m
    }).collect();
    let doc = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": { "component": { "type": "application", "name": subject, "bom-ref": "subject" } },
        "definitions": { "standards": [{
            "bom-ref": "asvs-5.0.0", "name": "OWASP Application Security Verification Standard", "version": "5.0.0",
            "owner": "OWASP Foundation", "description": ATTRIBUTION,
            "requirements": reqs,
            "levels": [{ "bom-ref": format!("asvs-level-{level}"), "identifier": format!("L{level}"), "requirements": rows.iter().map(|r| format!("asvs-{}", r.requirement.id)).collect::<Vec<_>>() }],
        }]},
        "declarations": {
            "targets": { "components": [{ "type": "application", "name": subject, "bom-ref": "subject-target" }] },
            "claims": claims,
            "attestations": [{ "summary": format!("ASVS 5.0.0 level {level} design review"), "map": map }],
        }
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
