//! Import of OWASP Threat Dragon v2 JSON models.
//!
//! Actors, processes and stores become technical assets (actors: `external-service`, or
//! actors when nothing flows into them), flows become links, and trust-boundary boxes
//! become trust boundaries holding the elements whose centre lies inside them (the
//! innermost box wins; boxes inside boxes nest). Threat Dragon's free-form threats are not
//! imported: palisade raises its own.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use crate::Error;
use crate::model::{
    Actor, AssetType, Authentication, Authorization, Link, Model, TechnicalAsset, TrustBoundary,
};

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    summary: Summary,
    detail: Detail,
}

#[derive(Deserialize, Default)]
struct Summary {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct Detail {
    #[serde(default)]
    diagrams: Vec<Diagram>,
}

#[derive(Deserialize)]
struct Diagram {
    #[serde(default)]
    cells: Vec<Cell>,
}

#[derive(Deserialize, Default)]
struct Xy {
    #[serde(default)]
    x: f64,
    #[serde(default)]
    y: f64,
}

#[derive(Deserialize, Default)]
struct Wh {
    #[serde(default)]
    width: f64,
    #[serde(default)]
    height: f64,
}

#[derive(Deserialize, Default)]
struct End {
    #[serde(default)]
    cell: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Data {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    out_of_scope: bool,
    #[serde(default)]
    protocol: String,
    #[serde(default)]
    is_encrypted: bool,
    #[serde(default)]
    is_web_application: bool,
}

#[derive(Deserialize, Default)]
struct Cell {
    #[serde(default)]
    id: String,
    #[serde(default)]
    shape: String,
    #[serde(default)]
    position: Xy,
    #[serde(default)]
    size: Wh,
    #[serde(default)]
    source: End,
    #[serde(default)]
    target: End,
    #[serde(default)]
    data: Data,
}

fn slug(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
            o.push(c.to_ascii_lowercase());
        } else if !o.ends_with('-') {
            o.push('-');
        }
    }
    let o = o.trim_matches('-').to_owned();
    if o.is_empty() { "element".into() } else { o }
}

/// Converts a Threat Dragon v2 JSON model.
///
/// # Errors
/// Invalid JSON or not a Threat Dragon v2 model; then the model is checked like any other.
pub fn import(file: &str, text: &str) -> Result<Model, Error> {
    if text.len() > crate::model::MAX_MODEL_BYTES {
        return Err(Error::Model {
            file: file.to_owned(),
            line: 1,
            message: "model too large".into(),
        });
    }
    let doc: Doc = serde_json::from_str(text).map_err(|e| Error::Model {
        file: file.to_owned(),
        line: e.line() as u64,
        message: format!("not a Threat Dragon v2 model: {e}"),
    })?;
    let mut m = Model {
        title: doc.summary.title,
        description: doc.summary.description,
        ..Model::default()
    };
    let cells: Vec<&Cell> = doc.detail.diagrams.iter().flat_map(|d| &d.cells).collect();
    // stable, unique palisade ids for TD cell ids (often UUIDs)
    let mut used = BTreeSet::new();
    let mut ids: HashMap<&str, String> = HashMap::new();
    for c in &cells {
        let base = if c
            .id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
            && !c.id.is_empty()
            && c.id.len() <= 64
        {
            c.id.clone()
        } else {
            slug(&c.data.name)
        };
        let mut id = base.clone();
        let mut n = 1;
        while !used.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        ids.insert(c.id.as_str(), id);
    }
    let targets: BTreeSet<&str> = cells
        .iter()
        .filter(|c| c.shape == "flow")
        .map(|c| c.target.cell.as_str())
        .collect();
    let mut nodes = Vec::new();
    for c in &cells {
        let id = ids.get(c.id.as_str()).cloned().unwrap_or_default();
        let kind = match (c.shape.as_str(), c.data.kind.as_str()) {
            ("actor", _) | (_, "tm.Actor") => Some(if targets.contains(c.id.as_str()) {
                Some(AssetType::ExternalService)
            } else {
                None
            }),
            ("store", _) | (_, "tm.Store") => Some(Some(AssetType::Datastore)),
            ("process", _) | (_, "tm.Process") => Some(Some(if c.data.is_web_application {
                AssetType::WebApp
            } else {
                AssetType::Service
            })),
            _ => None,
        };
        let Some(kind) = kind else { continue };
        nodes.push((c, id.clone()));
        match kind {
            None => m.actors.push(Actor {
                id,
                name: c.data.name.clone(),
                kind: "user".into(),
            }),
            Some(k) => m.technical_assets.push(TechnicalAsset {
                id,
                name: c.data.name.clone(),
                kind: k,
                technology: String::new(),
                internet_facing: false,
                authentication: Authentication::None,
                authorization: Authorization::None,
                encrypted_at_rest: false,
                containerized: false,
                out_of_scope: c.data.out_of_scope,
                processes: Vec::new(),
                stores: Vec::new(),
                tags: Vec::new(),
                owner: String::new(),
                repository: String::new(),
            }),
        }
    }
    for c in cells.iter().filter(|c| c.shape == "flow") {
        let (Some(from), Some(to)) = (
            ids.get(c.source.cell.as_str()),
            ids.get(c.target.cell.as_str()),
        ) else {
            continue;
        };
        m.links.push(Link {
            id: ids.get(c.id.as_str()).cloned().unwrap_or_default(),
            name: c.data.name.clone(),
            from: from.clone(),
            to: to.clone(),
            protocol: c.data.protocol.clone(),
            encrypted: Some(c.data.is_encrypted),
            authentication: Authentication::None,
            authorization: Authorization::None,
            vpn: false,
            sends: Vec::new(),
            receives: Vec::new(),
            tags: Vec::new(),
        });
    }
    // boundary boxes: containment by geometry
    let boxes: Vec<(&Cell, String)> = cells
        .iter()
        .filter(|c| c.shape == "trust-boundary-box" || c.data.kind == "tm.BoundaryBox")
        .map(|c| (*c, ids.get(c.id.as_str()).cloned().unwrap_or_default()))
        .collect();
    let area = |c: &Cell| c.size.width * c.size.height;
    let contains = |b: &Cell, x: f64, y: f64| {
        x >= b.position.x
            && y >= b.position.y
            && x <= b.position.x + b.size.width
            && y <= b.position.y + b.size.height
    };
    let innermost = |x: f64, y: f64, skip: Option<&str>| {
        boxes
            .iter()
            .filter(|(b, id)| Some(id.as_str()) != skip && contains(b, x, y))
            .min_by(|a, b| area(a.0).total_cmp(&area(b.0)))
            .map(|(_, id)| id.clone())
    };
    let mut parent: HashMap<String, Option<String>> = HashMap::new();
    for (b, id) in &boxes {
        let p = boxes
            .iter()
            .filter(|(o, oid)| {
                oid != id
                    && area(o) > area(b)
                    && contains(o, b.position.x, b.position.y)
                    && contains(o, b.position.x + b.size.width, b.position.y + b.size.height)
            })
            .min_by(|a, c| area(a.0).total_cmp(&area(c.0)))
            .map(|(_, i)| i.clone());
        parent.insert(id.clone(), p);
    }
    let mut members: HashMap<String, Vec<String>> = HashMap::new();
    for (c, id) in &nodes {
        if let Some(b) = innermost(
            c.position.x + c.size.width / 2.0,
            c.position.y + c.size.height / 2.0,
            None,
        ) {
            members.entry(b).or_default().push(id.clone());
        }
    }
    fn build(
        id: &str,
        boxes: &[(&Cell, String)],
        parent: &HashMap<String, Option<String>>,
        members: &HashMap<String, Vec<String>>,
        depth: usize,
    ) -> TrustBoundary {
        let cell = boxes.iter().find(|(_, i)| i == id).map(|(c, _)| *c);
        TrustBoundary {
            id: id.to_owned(),
            name: cell.map(|c| c.data.name.clone()).unwrap_or_default(),
            kind: "network".into(),
            assets: members.get(id).cloned().unwrap_or_default(),
            boundaries: if depth < 16 {
                boxes
                    .iter()
                    .filter(|(_, i)| parent.get(i).and_then(Option::as_deref) == Some(id))
                    .map(|(_, i)| build(i, boxes, parent, members, depth + 1))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }
    m.trust_boundaries = boxes
        .iter()
        .filter(|(_, i)| parent.get(i).is_none_or(Option::is_none))
        .map(|(_, i)| build(i, &boxes, &parent, &members, 0))
        .collect();
    crate::model::validate(file, text, &m)?;
    Ok(m)
}
