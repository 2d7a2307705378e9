//! Runs the rules over a model: threats with stable ids, explanations and decisions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::Error;
use crate::model::{Model, Status, flatten};
use crate::rules::{self, Category, Cx, ElementKind, Rule, Severity};

/// One threat raised by one rule on one element.
#[derive(Debug, Clone, Serialize)]
pub struct Threat {
    /// Stable id: `<rule id>@<element id>`.
    pub id: String,
    pub rule: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    /// Element id the threat is about.
    pub element: String,
    /// Why it fired, naming the elements.
    pub explanation: String,
    pub threat: String,
    pub control: String,
    pub cwe: Vec<u32>,
    pub capec: Vec<u32>,
    pub asvs: Vec<String>,
    pub status: Status,
    pub justification: String,
    pub ticket: String,
}

/// The result of analysing a model.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub title: String,
    pub threats: Vec<Threat>,
    /// Threats suppressed by an exclusion, by rule id and element.
    pub excluded: usize,
    /// Decisions that match no threat (stale after a model change).
    pub stale_decisions: Vec<String>,
}

impl Analysis {
    /// Count of threats by severity then status.
    #[must_use]
    pub fn summary(&self) -> BTreeMap<Severity, BTreeMap<Status, usize>> {
        let mut m: BTreeMap<Severity, BTreeMap<Status, usize>> = BTreeMap::new();
        for t in &self.threats {
            *m.entry(t.severity)
                .or_default()
                .entry(t.status)
                .or_default() += 1;
        }
        m
    }
}

/// Analyses a model with the built-in rules.
///
/// # Errors
/// Only if the built-in rules fail to load.
pub fn analyze(model: &Model) -> Result<Analysis, Error> {
    Ok(analyze_with(model, rules::builtin()?))
}

/// Analyses a model with the given rules.
#[must_use]
pub fn analyze_with(model: &Model, rules: &[Rule]) -> Analysis {
    let mut boundary_of: HashMap<&str, &str> = HashMap::new();
    let mut bs = Vec::new();
    flatten(&model.trust_boundaries, None, 0, &mut bs);
    for (b, _, _) in &bs {
        for a in &b.assets {
            boundary_of.insert(a.as_str(), b.id.as_str());
        }
    }
    let assets: HashMap<&str, _> = model
        .technical_assets
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let mut incoming: HashMap<&str, Vec<_>> = HashMap::new();
    let mut outgoing: HashMap<&str, Vec<_>> = HashMap::new();
    for l in &model.links {
        incoming.entry(l.to.as_str()).or_default().push(l);
        outgoing.entry(l.from.as_str()).or_default().push(l);
    }
    let types_present: BTreeSet<&'static str> = model
        .technical_assets
        .iter()
        .map(|a| a.kind.as_str())
        .collect();
    let cx = Cx {
        model,
        boundary_of: &boundary_of,
        assets: &assets,
        incoming: &incoming,
        outgoing: &outgoing,
        types_present: &types_present,
    };
    let excluded_rule: BTreeSet<(&str, Option<&str>)> = model
        .exclusions
        .iter()
        .map(|x| (x.rule.as_str(), x.element.as_deref()))
        .collect();
    let decisions: HashMap<&str, _> = model
        .decisions
        .iter()
        .map(|d| (d.threat.as_str(), d))
        .collect();
    let mut threats = Vec::new();
    let mut excluded = 0;
    for rule in rules {
        if rule.category.is_linddun() && !model.linddun {
            continue;
        }
        let mut fire = |element: &str, subject: String, facts: Vec<String>| {
            if excluded_rule.contains(&(rule.id.as_str(), None))
                || excluded_rule.contains(&(rule.id.as_str(), Some(element)))
            {
                excluded += 1;
                return;
            }
            let id = format!("{}@{element}", rule.id);
            let d = decisions.get(id.as_str());
            threats.push(Threat {
                explanation: format!("fired because {subject} {}", facts.join(", ")),
                id,
                rule: rule.id.clone(),
                title: rule.title.clone(),
                category: rule.category,
                severity: rule.severity,
                element: element.to_owned(),
                threat: rule.threat.clone(),
                control: rule.control.clone(),
                cwe: rule.cwe.clone(),
                capec: rule.capec.clone(),
                asvs: rule.asvs.clone(),
                status: d.map_or(Status::Unchecked, |d| d.status),
                justification: d.map(|d| d.justification.clone()).unwrap_or_default(),
                ticket: d.map(|d| d.ticket.clone()).unwrap_or_default(),
            });
        };
        match rule.element {
            ElementKind::Asset => {
                'a: for a in &model.technical_assets {
                    let mut facts = Vec::with_capacity(rule.parsed.len());
                    for p in &rule.parsed {
                        let (holds, fact) = rules::eval_asset(p, a, &cx);
                        if holds == p.negated {
                            continue 'a;
                        }
                        facts.push(fact);
                    }
                    fire(
                        &a.id,
                        format!(
                            "{} {} ({})",
                            a.kind.as_str(),
                            a.id,
                            if a.name.is_empty() { &a.id } else { &a.name }
                        ),
                        facts,
                    );
                }
            }
            ElementKind::Link => {
                'l: for l in &model.links {
                    let mut facts = Vec::with_capacity(rule.parsed.len());
                    for p in &rule.parsed {
                        let (holds, fact) = rules::eval_link(p, l, &cx);
                        if holds == p.negated {
                            continue 'l;
                        }
                        facts.push(fact);
                    }
                    fire(
                        &l.id,
                        format!("link {} from {} to {}", l.id, l.from, l.to),
                        facts,
                    );
                }
            }
        }
    }
    threats.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    let ids: BTreeSet<&str> = threats.iter().map(|t| t.id.as_str()).collect();
    let stale_decisions = model
        .decisions
        .iter()
        .filter(|d| !ids.contains(d.threat.as_str()))
        .map(|d| d.threat.clone())
        .collect();
    Analysis {
        title: model.title.clone(),
        threats,
        excluded,
        stale_decisions,
    }
}

/// Threats added and removed between two analyses.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub added: Vec<Threat>,
    pub removed: Vec<Threat>,
}

/// Compares two analyses by stable threat id.
#[must_use]
pub fn diff(old: &Analysis, new: &Analysis) -> Diff {
    let o: BTreeSet<&str> = old.threats.iter().map(|t| t.id.as_str()).collect();
    let n: BTreeSet<&str> = new.threats.iter().map(|t| t.id.as_str()).collect();
    Diff {
        added: new
            .threats
            .iter()
            .filter(|t| !o.contains(t.id.as_str()))
            .cloned()
            .collect(),
        removed: old
            .threats
            .iter()
            .filter(|t| !n.contains(t.id.as_str()))
            .cloned()
            .collect(),
    }
}
