//! Example models for every rule, built from its condition: a positive model where every
//! predicate holds on one element, and a negative one where one predicate is flipped.
//! The registry test runs both through the engine for every rule.

use std::collections::BTreeSet;

use crate::model::{
    Actor, AssetType, Authentication, Authorization, Classification, DataAsset, Link, Model, Need,
    TechnicalAsset, TrustBoundary,
};
use crate::rules::{ASSET_TYPES, ElementKind, Pred, Rule};

fn asset(id: &str, kind: AssetType) -> TechnicalAsset {
    TechnicalAsset {
        id: id.to_owned(),
        name: String::new(),
        kind,
        technology: String::new(),
        internet_facing: false,
        authentication: Authentication::Mtls,
        authorization: Authorization::Rbac,
        encrypted_at_rest: false,
        containerized: false,
        out_of_scope: false,
        processes: Vec::new(),
        stores: Vec::new(),
        tags: Vec::new(),
        owner: String::new(),
        repository: String::new(),
    }
}

fn data(
    id: &str,
    c: Classification,
    personal: bool,
    credentials: bool,
    high: (bool, bool),
) -> DataAsset {
    let need = |h: bool| if h { Need::High } else { Need::Low };
    DataAsset {
        id: id.to_owned(),
        name: String::new(),
        classification: c,
        confidentiality: Need::Low,
        integrity: need(high.0),
        availability: need(high.1),
        personal,
        credentials,
    }
}

fn kind(s: &str) -> AssetType {
    ASSET_TYPES
        .iter()
        .copied()
        .find(|k| k.as_str() == s)
        .unwrap_or(AssetType::Service)
}

fn authn(s: &str) -> Authentication {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).unwrap_or(Authentication::None)
}

fn authz(s: &str) -> Authorization {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).unwrap_or(Authorization::None)
}

const AUTHN: &[&str] = &[
    "none",
    "password",
    "session",
    "token",
    "oauth",
    "oidc",
    "api-key",
    "mtls",
    "client-certificate",
    "mfa",
];
const AUTHZ: &[&str] = &["none", "technical-user", "rbac", "abac", "per-object"];

struct B {
    m: Model,
    outside: BTreeSet<String>,
    n: usize,
}

impl B {
    fn new() -> Self {
        let m = Model {
            title: "example".into(),
            linddun: true,
            data_assets: vec![
                data(
                    "conf",
                    Classification::Confidential,
                    false,
                    false,
                    (false, false),
                ),
                data(
                    "pers",
                    Classification::Internal,
                    true,
                    false,
                    (false, false),
                ),
                data(
                    "cred",
                    Classification::Internal,
                    false,
                    true,
                    (false, false),
                ),
                data("hii", Classification::Internal, false, false, (true, false)),
                data("hia", Classification::Internal, false, false, (false, true)),
            ],
            technical_assets: vec![
                asset("src", AssetType::Service),
                asset("dst", AssetType::Service),
            ],
            actors: vec![Actor {
                id: "user".into(),
                name: String::new(),
                kind: "user".into(),
            }],
            links: vec![Link {
                id: "l".into(),
                name: String::new(),
                from: "src".into(),
                to: "dst".into(),
                protocol: "custom".into(),
                encrypted: Some(true),
                authentication: Authentication::Mtls,
                authorization: Authorization::Rbac,
                vpn: false,
                sends: Vec::new(),
                receives: Vec::new(),
                tags: Vec::new(),
            }],
            ..Model::default()
        };
        Self {
            m,
            outside: BTreeSet::new(),
            n: 0,
        }
    }
    fn a(&mut self, id: &str) -> &mut TechnicalAsset {
        let i = self
            .m
            .technical_assets
            .iter()
            .position(|a| a.id == id)
            .unwrap_or(1);
        &mut self.m.technical_assets[i]
    }
    fn l(&mut self) -> &mut Link {
        &mut self.m.links[0]
    }
    fn add(&mut self, k: &str) -> String {
        self.n += 1;
        let id = format!("x{}", self.n);
        if k == "actor" {
            self.m.actors.push(Actor {
                id: id.clone(),
                name: String::new(),
                kind: "user".into(),
            });
        } else if k == "internet-facing" {
            let mut a = asset(&id, AssetType::Service);
            a.internet_facing = true;
            self.m.technical_assets.push(a);
        } else {
            let k = match k {
                "client" => "browser",
                "store" => "database",
                k => k,
            };
            self.m.technical_assets.push(asset(&id, kind(k)));
        }
        id
    }
    fn kind_of(&self, id: &str) -> String {
        self.m
            .technical_assets
            .iter()
            .find(|a| a.id == id)
            .map_or("actor".into(), |a| a.kind.as_str().into())
    }
    fn build(mut self) -> Model {
        let ids: Vec<String> = self
            .m
            .technical_assets
            .iter()
            .map(|a| a.id.clone())
            .chain(self.m.actors.iter().map(|a| a.id.clone()))
            .collect();
        let (out, inn): (Vec<String>, Vec<String>) =
            ids.into_iter().partition(|i| self.outside.contains(i));
        self.m.trust_boundaries = vec![
            TrustBoundary {
                id: "zone".into(),
                name: String::new(),
                kind: "network".into(),
                assets: inn,
                boundaries: Vec::new(),
            },
            TrustBoundary {
                id: "other".into(),
                name: String::new(),
                kind: "network".into(),
                assets: out,
                boundaries: Vec::new(),
            },
        ];
        self.m
    }

    fn other_kind(v: &[String], store: Option<bool>) -> AssetType {
        ASSET_TYPES
            .iter()
            .copied()
            .find(|k| {
                !v.iter().any(|x| {
                    x == k.as_str()
                        || (x == "store" && k.is_store())
                        || (x == "client" && k.is_client())
                }) && store.is_none_or(|s| k.is_store() == s)
                    && !k.is_client()
            })
            .unwrap_or(AssetType::Service)
    }

    fn asset_pred(&mut self, p: &Pred, sat: bool) {
        let v = &p.values;
        let first = v.first().cloned().unwrap_or_default();
        match p.name.as_str() {
            "type" => {
                let cur = self.a("dst").kind;
                if sat {
                    self.a("dst").kind = kind(&first);
                } else if v.iter().any(|x| x == cur.as_str()) {
                    self.a("dst").kind = Self::other_kind(v, Some(cur.is_store()));
                }
            }
            "tech" => self.a("dst").technology = if sat { first } else { "zzz".into() },
            "tag" => {
                let a = self.a("dst");
                if sat {
                    a.tags.push(first)
                } else {
                    a.tags.retain(|t| !v.contains(t))
                }
            }
            "internet-facing" => self.a("dst").internet_facing = sat,
            "encrypted-at-rest" => self.a("dst").encrypted_at_rest = sat,
            "containerized" => self.a("dst").containerized = sat,
            "out-of-scope" => self.a("dst").out_of_scope = sat,
            "authn" => {
                self.a("dst").authentication = authn(if sat {
                    &first
                } else {
                    AUTHN
                        .iter()
                        .find(|x| !v.iter().any(|y| y == *x))
                        .unwrap_or(&"mtls")
                })
            }
            "authz" => {
                self.a("dst").authorization = authz(if sat {
                    &first
                } else {
                    AUTHZ
                        .iter()
                        .find(|x| !v.iter().any(|y| y == *x))
                        .unwrap_or(&"rbac")
                })
            }
            "store" => {
                let k = self.a("dst").kind;
                if sat != k.is_store() {
                    self.a("dst").kind = if sat {
                        AssetType::Database
                    } else {
                        AssetType::Service
                    }
                }
            }
            "client" => {
                let k = self.a("dst").kind;
                if sat != k.is_client() {
                    self.a("dst").kind = if sat {
                        AssetType::Browser
                    } else {
                        AssetType::Service
                    }
                }
            }
            "stores-confidential" => {
                let a = self.a("dst");
                if sat {
                    a.stores.push("conf".into())
                } else {
                    a.stores.retain(|d| d != "conf")
                }
            }
            "handles-confidential"
            | "handles-personal"
            | "handles-credentials"
            | "integrity-high"
            | "availability-high" => {
                let d = match p.name.as_str() {
                    "handles-confidential" => "conf",
                    "handles-personal" => "pers",
                    "handles-credentials" => "cred",
                    "integrity-high" => "hii",
                    _ => "hia",
                };
                let a = self.a("dst");
                if sat {
                    a.processes.push(d.into())
                } else {
                    a.processes.retain(|x| x != d);
                    a.stores.retain(|x| x != d)
                }
            }
            "called-by" => {
                if sat {
                    let from = self.add(&first);
                    let mut l = self.m.links[0].clone();
                    l.id = format!("in-{from}");
                    l.from = from;
                    l.to = "dst".into();
                    self.m.links.push(l);
                } else {
                    let kinds: Vec<(String, String, bool)> = self
                        .m
                        .links
                        .iter()
                        .map(|l| {
                            (
                                l.id.clone(),
                                self.kind_of(&l.from),
                                self.m
                                    .technical_assets
                                    .iter()
                                    .any(|a| a.id == l.from && a.internet_facing),
                            )
                        })
                        .collect();
                    let drop: BTreeSet<String> = kinds
                        .into_iter()
                        .filter(|(_, k, inet)| {
                            v.contains(k) || (*inet && v.iter().any(|x| x == "internet-facing"))
                        })
                        .map(|x| x.0)
                        .collect();
                    self.m
                        .links
                        .retain(|l| !(l.to == "dst" && drop.contains(&l.id)));
                }
            }
            "calls" => {
                if sat {
                    let to = self.add(&first);
                    let mut l = self.m.links[0].clone();
                    l.id = format!("out-{to}");
                    l.from = "dst".into();
                    l.to = to;
                    self.m.links.push(l);
                } else {
                    let drop: BTreeSet<String> = self
                        .m
                        .links
                        .iter()
                        .filter(|l| l.from == "dst" && v.contains(&self.kind_of(&l.to)))
                        .map(|l| l.id.clone())
                        .collect();
                    self.m.links.retain(|l| !drop.contains(&l.id));
                }
            }
            "reached-across-boundary" => {
                if sat {
                    self.outside.insert("src".into());
                } else {
                    self.outside.clear();
                }
            }
            "model-lacks" => {
                if sat {
                    self.m.technical_assets.retain(|a| {
                        a.id == "dst" || a.id == "src" || !v.iter().any(|x| x == a.kind.as_str())
                    });
                } else {
                    self.add(&first);
                }
            }
            _ => {}
        }
    }

    fn link_pred(&mut self, p: &Pred, sat: bool) {
        let v = &p.values;
        let first = v.first().cloned().unwrap_or_default();
        match p.name.as_str() {
            "protocol" => self.l().protocol = if sat { first } else { "custom".into() },
            "encrypted" => self.l().encrypted = Some(sat),
            "authn" => {
                self.l().authentication = authn(if sat {
                    &first
                } else {
                    AUTHN
                        .iter()
                        .find(|x| !v.iter().any(|y| y == *x))
                        .unwrap_or(&"mtls")
                })
            }
            "authz" => {
                self.l().authorization = authz(if sat {
                    &first
                } else {
                    AUTHZ
                        .iter()
                        .find(|x| !v.iter().any(|y| y == *x))
                        .unwrap_or(&"rbac")
                })
            }
            "vpn" => self.l().vpn = sat,
            "crosses-boundary" => {
                let from = self.l().from.clone();
                if sat {
                    self.outside.insert(from);
                } else {
                    self.outside.remove(&from);
                }
            }
            "from" => {
                let id = if sat {
                    self.add(&first)
                } else {
                    let k = Self::other_kind(v, Some(false));
                    self.add(k.as_str())
                };
                self.l().from = id;
            }
            "to" => {
                let k = if sat {
                    match first.as_str() {
                        "store" => AssetType::Database,
                        f => kind(f),
                    }
                } else {
                    Self::other_kind(v, None)
                };
                self.a("dst").kind = k;
            }
            "from-tag" | "to-tag" => {
                let id = if p.name == "from-tag" {
                    self.l().from.clone()
                } else {
                    "dst".into()
                };
                let a = self.a(&id);
                if sat {
                    a.tags.push(first)
                } else {
                    a.tags.retain(|t| !v.contains(t))
                }
            }
            "from-internet-facing" => {
                let from = self.l().from.clone();
                if self.m.technical_assets.iter().any(|a| a.id == from) {
                    self.a(&from).internet_facing = sat;
                }
            }
            "carries-confidential" | "carries-personal" | "carries-credentials" => {
                let d = match p.name.as_str() {
                    "carries-confidential" => "conf",
                    "carries-personal" => "pers",
                    _ => "cred",
                };
                let l = self.l();
                if sat {
                    l.sends.push(d.into())
                } else {
                    l.sends.retain(|x| x != d);
                    l.receives.retain(|x| x != d)
                }
            }
            "tag" => {
                let l = self.l();
                if sat {
                    l.tags.push(first)
                } else {
                    l.tags.retain(|t| !v.contains(t))
                }
            }
            _ => {}
        }
    }
}

/// The element id the examples target, for a rule.
#[must_use]
pub fn target(rule: &Rule) -> &'static str {
    match rule.element {
        ElementKind::Asset => "dst",
        ElementKind::Link => "l",
    }
}

/// Positive example model (rule fires on [`target`]), and negative variants (each with one
/// predicate flipped, rule must not fire on the target).
#[must_use]
pub fn examples(rule: &Rule) -> (Model, Vec<(String, Model)>) {
    // Element-kind changes first, so later predicates apply to the final element.
    let order = |p: &Pred| {
        usize::from(!matches!(
            p.name.as_str(),
            "type" | "store" | "client" | "from" | "to"
        ))
    };
    let mut preds: Vec<&Pred> = rule.parsed.iter().collect();
    preds.sort_by_key(|p| order(p));
    let make = |flip: Option<usize>| {
        let mut b = B::new();
        for (i, p) in preds.iter().enumerate() {
            let sat = (!p.negated) ^ (flip == Some(i));
            match rule.element {
                ElementKind::Asset => b.asset_pred(p, sat),
                ElementKind::Link => b.link_pred(p, sat),
            }
        }
        b.build()
    };
    let neg = (0..preds.len())
        .map(|i| {
            (
                rule.when
                    .get(rule.parsed.iter().position(|q| q == preds[i]).unwrap_or(0))
                    .cloned()
                    .unwrap_or_default(),
                make(Some(i)),
            )
        })
        .collect();
    (make(None), neg)
}
