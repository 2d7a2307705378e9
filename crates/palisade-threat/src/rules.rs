//! Threat rules as data (`data/rules.yaml`) and the small condition language they use.
//!
//! A rule applies to one kind of element (`asset` or `link`) and holds when every
//! predicate in `when` holds. A predicate is `name`, `not name`, `name=v1|v2` or
//! `not name=v1|v2`; the names are listed in [`ASSET_PREDICATES`] and [`LINK_PREDICATES`].
//! Each predicate also describes, in words, the fact it looked at; those words make the
//! explanation of every threat.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::model::{AssetType, Authorization, Classification, Link, Model, TechnicalAsset};

const RULES_YAML: &str = include_str!("../data/rules.yaml");

/// Predicates over a technical asset.
pub const ASSET_PREDICATES: &[&str] = &[
    "type",
    "tech",
    "tag",
    "internet-facing",
    "authn",
    "authz",
    "encrypted-at-rest",
    "containerized",
    "out-of-scope",
    "store",
    "client",
    "stores-confidential",
    "handles-confidential",
    "handles-personal",
    "handles-credentials",
    "integrity-high",
    "availability-high",
    "called-by",
    "calls",
    "reached-across-boundary",
    "model-lacks",
];

/// Predicates over a communication link.
pub const LINK_PREDICATES: &[&str] = &[
    "protocol",
    "encrypted",
    "authn",
    "authz",
    "vpn",
    "crosses-boundary",
    "from",
    "to",
    "from-tag",
    "to-tag",
    "from-internet-facing",
    "carries-confidential",
    "carries-personal",
    "carries-credentials",
    "tag",
];

/// STRIDE or LINDDUN category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
    // LINDDUN
    Linking,
    Identifying,
    NonRepudiation,
    Detecting,
    DataDisclosure,
    Unawareness,
    NonCompliance,
}

impl Category {
    /// LINDDUN (privacy) rather than STRIDE.
    #[must_use]
    pub fn is_linddun(self) -> bool {
        matches!(
            self,
            Self::Linking
                | Self::Identifying
                | Self::NonRepudiation
                | Self::Detecting
                | Self::DataDisclosure
                | Self::Unawareness
                | Self::NonCompliance
        )
    }
}

/// Severity of a threat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
    /// Most severe first.
    pub const ALL: [Severity; 5] = [
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
        Self::Info,
    ];
}

/// Which element kind a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElementKind {
    Asset,
    Link,
}

/// A threat rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub element: ElementKind,
    pub category: Category,
    pub severity: Severity,
    /// Predicates that must all hold.
    pub when: Vec<String>,
    /// Why this matters: the attack in a sentence.
    pub threat: String,
    /// The control that mitigates it.
    pub control: String,
    pub cwe: Vec<u32>,
    #[serde(default)]
    pub capec: Vec<u32>,
    pub asvs: Vec<String>,
    #[serde(skip)]
    pub(crate) parsed: Vec<Pred>,
}

/// One parsed predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pred {
    pub negated: bool,
    pub name: String,
    pub values: Vec<String>,
}

/// Parses `[not ]name[=a|b]`.
pub(crate) fn parse_pred(s: &str, kind: ElementKind) -> Result<Pred, String> {
    let s = s.trim();
    let (negated, rest) = match s.strip_prefix("not ") {
        Some(r) => (true, r.trim()),
        None => (false, s),
    };
    let (name, values) = match rest.split_once('=') {
        Some((n, v)) => (
            n.trim(),
            v.split('|')
                .map(|x| x.trim().to_owned())
                .collect::<Vec<_>>(),
        ),
        None => (rest, Vec::new()),
    };
    let known = match kind {
        ElementKind::Asset => ASSET_PREDICATES,
        ElementKind::Link => LINK_PREDICATES,
    };
    if !known.contains(&name) {
        return Err(format!("unknown predicate `{name}` for a {kind:?} rule"));
    }
    let needs_value = matches!(
        name,
        "type"
            | "tech"
            | "tag"
            | "authn"
            | "authz"
            | "called-by"
            | "calls"
            | "model-lacks"
            | "protocol"
            | "from"
            | "to"
            | "from-tag"
            | "to-tag"
    );
    if needs_value == values.is_empty() || values.iter().any(String::is_empty) {
        return Err(format!(
            "predicate `{name}` {} values",
            if needs_value { "needs" } else { "takes no" }
        ));
    }
    Ok(Pred {
        negated,
        name: name.to_owned(),
        values,
    })
}

/// The built-in rules, parsed and checked once.
///
/// # Errors
/// A malformed rules file (a bug caught by the crate's tests).
pub fn builtin() -> Result<&'static [Rule], Error> {
    static RULES: OnceLock<Result<Vec<Rule>, String>> = OnceLock::new();
    RULES
        .get_or_init(|| load(RULES_YAML))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(|e| Error::Rules(e.clone()))
}

pub(crate) fn load(text: &str) -> Result<Vec<Rule>, String> {
    let mut rules: Vec<Rule> =
        serde_saphyr::from_str(text).map_err(|e| format!("rules.yaml: {e}"))?;
    let asvs = crate::asvs::requirement_ids();
    let mut seen = BTreeSet::new();
    for r in &mut rules {
        if !r.id.starts_with("threat/") || !seen.insert(r.id.clone()) {
            return Err(format!(
                "rule `{}`: id must be unique and start with threat/",
                r.id
            ));
        }
        if r.cwe.is_empty() || r.asvs.is_empty() || r.when.is_empty() {
            return Err(format!("rule `{}` needs cwe, asvs and when", r.id));
        }
        for a in &r.asvs {
            if !asvs.contains(a.as_str()) {
                return Err(format!(
                    "rule `{}`: unknown ASVS 5.0 requirement `{a}`",
                    r.id
                ));
            }
        }
        r.parsed = r
            .when
            .iter()
            .map(|p| parse_pred(p, r.element))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("rule `{}`: {e}", r.id))?;
    }
    Ok(rules)
}

/// Everything a predicate needs to look around an element.
pub(crate) struct Cx<'a> {
    pub model: &'a Model,
    /// Innermost boundary of each element id.
    pub boundary_of: &'a std::collections::HashMap<&'a str, &'a str>,
    pub assets: &'a std::collections::HashMap<&'a str, &'a TechnicalAsset>,
    pub incoming: &'a std::collections::HashMap<&'a str, Vec<&'a Link>>,
    pub outgoing: &'a std::collections::HashMap<&'a str, Vec<&'a Link>>,
    pub types_present: &'a BTreeSet<&'static str>,
}

impl Cx<'_> {
    fn kind_of(&self, id: &str) -> &'static str {
        self.assets.get(id).map_or("actor", |a| a.kind.as_str())
    }
    fn class_of(&self, id: &str) -> Option<(Classification, bool, bool, &str)> {
        self.model
            .data_assets
            .iter()
            .find(|d| d.id == id)
            .map(|d| (d.classification, d.personal, d.credentials, d.id.as_str()))
    }
    fn boundary(&self, id: &str) -> &str {
        self.boundary_of
            .get(id)
            .copied()
            .unwrap_or("(outside every boundary)")
    }
    pub fn crosses(&self, l: &Link) -> bool {
        self.boundary_of.get(l.from.as_str()) != self.boundary_of.get(l.to.as_str())
    }
}

fn any_in(values: &[String], x: &str) -> bool {
    values.iter().any(|v| v.eq_ignore_ascii_case(x))
}

/// The `authn` predicate, the same for assets and links.
fn authn_fact(v: &[String], authentication: &str) -> (bool, String) {
    let why = match authentication {
        "none" => "has no authentication".to_owned(),
        s => format!("authenticates with {s}"),
    };
    (any_in(v, authentication), why)
}

/// The `authz` predicate, the same for assets and links.
fn authz_fact(v: &[String], authorization: Authorization) -> (bool, String) {
    let s = serde_json::to_value(authorization)
        .ok()
        .and_then(|x| x.as_str().map(str::to_owned))
        .unwrap_or_default();
    let why = if s == "none" {
        "has no authorization".into()
    } else {
        format!("authorizes with {s}")
    };
    (any_in(v, &s), why)
}

fn list(v: &[&str]) -> String {
    v.join(", ")
}

/// Evaluates a predicate on an asset: (holds before negation, what was seen).
pub(crate) fn eval_asset(p: &Pred, a: &TechnicalAsset, cx: &Cx<'_>) -> (bool, String) {
    let v = &p.values;
    let data = || a.processes.iter().chain(&a.stores);
    match p.name.as_str() {
        "type" => (
            any_in(v, a.kind.as_str()),
            format!("is a {}", a.kind.as_str()),
        ),
        "tech" => {
            let t = a.technology.to_ascii_lowercase();
            let hit = v.iter().any(|x| t.contains(&x.to_ascii_lowercase()));
            (
                hit,
                if t.is_empty() {
                    "has no technology given".into()
                } else {
                    format!("uses {}", a.technology)
                },
            )
        }
        "tag" => {
            let hit: Vec<&str> = a
                .tags
                .iter()
                .filter(|t| any_in(v, t))
                .map(String::as_str)
                .collect();
            if hit.is_empty() {
                (false, format!("is not tagged {}", v.join(" or ")))
            } else {
                (true, format!("is tagged {}", list(&hit)))
            }
        }
        "internet-facing" => (
            a.internet_facing,
            if a.internet_facing {
                "is internet-facing".into()
            } else {
                "is not internet-facing".into()
            },
        ),
        "authn" => authn_fact(v, a.authentication.as_str()),
        "authz" => authz_fact(v, a.authorization),
        "encrypted-at-rest" => (
            a.encrypted_at_rest,
            if a.encrypted_at_rest {
                "encrypts data at rest".into()
            } else {
                "does not encrypt data at rest".into()
            },
        ),
        "containerized" => (
            a.containerized,
            if a.containerized {
                "runs in a container".into()
            } else {
                "does not run in a container".into()
            },
        ),
        "out-of-scope" => (
            a.out_of_scope,
            if a.out_of_scope {
                "is run by a third party".into()
            } else {
                "is run by you".into()
            },
        ),
        "store" => (
            a.kind.is_store(),
            if a.kind.is_store() {
                "stores data".into()
            } else {
                "is not a data store".into()
            },
        ),
        "client" => (
            a.kind.is_client(),
            if a.kind.is_client() {
                "runs on the user's device".into()
            } else {
                "is not a client".into()
            },
        ),
        "stores-confidential" | "handles-confidential" => {
            let src: Vec<&String> = if p.name == "stores-confidential" {
                a.stores.iter().collect()
            } else {
                data().collect()
            };
            let hit: Vec<&str> = src
                .iter()
                .filter_map(|d| cx.class_of(d))
                .filter(|c| c.0 >= Classification::Confidential)
                .map(|c| c.3)
                .collect();
            let verb = if p.name == "stores-confidential" {
                "stores"
            } else {
                "handles"
            };
            if hit.is_empty() {
                (false, format!("{verb} no confidential data"))
            } else {
                (
                    true,
                    format!("{verb} confidential data asset {}", list(&hit)),
                )
            }
        }
        "handles-personal" | "handles-credentials" => {
            let personal = p.name == "handles-personal";
            let hit: Vec<&str> = data()
                .filter_map(|d| cx.class_of(d))
                .filter(|c| if personal { c.1 } else { c.2 })
                .map(|c| c.3)
                .collect();
            let what = if personal {
                "personal data"
            } else {
                "credentials"
            };
            if hit.is_empty() {
                (false, format!("handles no {what}"))
            } else {
                (true, format!("handles {what} ({})", list(&hit)))
            }
        }
        "integrity-high" | "availability-high" => {
            let integ = p.name == "integrity-high";
            let hit: Vec<&str> = cx.model.data_assets.iter().filter(|d| a.processes.contains(&d.id) || a.stores.contains(&d.id)).filter(|d| if integ { d.integrity } else { d.availability } == crate::model::Need::High).map(|d| d.id.as_str()).collect();
            let what = if integ { "integrity" } else { "availability" };
            if hit.is_empty() {
                (false, format!("handles no data with high {what} needs"))
            } else {
                (
                    true,
                    format!("handles {} which need high {what}", list(&hit)),
                )
            }
        }
        "called-by" => {
            let callers: Vec<&str> = cx
                .incoming
                .get(a.id.as_str())
                .into_iter()
                .flatten()
                .filter(|l| {
                    any_in(v, cx.kind_of(&l.from))
                        || (any_in(v, "internet-facing")
                            && cx
                                .assets
                                .get(l.from.as_str())
                                .is_some_and(|s| s.internet_facing))
                })
                .map(|l| l.from.as_str())
                .collect();
            if callers.is_empty() {
                (false, format!("is not called by any {}", v.join(" or ")))
            } else {
                (true, format!("is called by {}", list(&callers)))
            }
        }
        "calls" => {
            let callees: Vec<&str> = cx
                .outgoing
                .get(a.id.as_str())
                .into_iter()
                .flatten()
                .filter(|l| any_in(v, cx.kind_of(&l.to)))
                .map(|l| l.to.as_str())
                .collect();
            if callees.is_empty() {
                (false, format!("calls no {}", v.join(" or ")))
            } else {
                (true, format!("calls {}", list(&callees)))
            }
        }
        "reached-across-boundary" => {
            let from: Vec<&str> = cx
                .incoming
                .get(a.id.as_str())
                .into_iter()
                .flatten()
                .filter(|l| cx.crosses(l))
                .map(|l| l.from.as_str())
                .collect();
            if from.is_empty() {
                (
                    false,
                    "is reached only from inside its trust boundary".into(),
                )
            } else {
                (
                    true,
                    format!(
                        "is reached across boundary {} from {}",
                        cx.boundary(&a.id),
                        list(&from)
                    ),
                )
            }
        }
        "model-lacks" => {
            let missing = v.iter().all(|t| !cx.types_present.contains(t.as_str()));
            (
                missing,
                if missing {
                    format!("the model has no {}", v.join(" or "))
                } else {
                    format!("the model has a {}", v.join(" or "))
                },
            )
        }
        _ => (false, String::new()),
    }
}

/// Evaluates a predicate on a link: (holds before negation, what was seen).
pub(crate) fn eval_link(p: &Pred, l: &Link, cx: &Cx<'_>) -> (bool, String) {
    let v = &p.values;
    let tags_of = |id: &str| {
        cx.assets
            .get(id)
            .map(|a| a.tags.as_slice())
            .unwrap_or_default()
    };
    let carries = |f: &dyn Fn(Classification, bool, bool) -> bool, what: &str| {
        let hit: Vec<&str> = l
            .sends
            .iter()
            .chain(&l.receives)
            .filter_map(|d| cx.class_of(d))
            .filter(|c| f(c.0, c.1, c.2))
            .map(|c| c.3)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if hit.is_empty() {
            (false, format!("carries no {what}"))
        } else {
            (true, format!("carries {what} {}", list(&hit)))
        }
    };
    match p.name.as_str() {
        "protocol" => (
            any_in(v, &l.protocol),
            if l.protocol.is_empty() {
                "has no protocol given".into()
            } else {
                format!("uses {}", l.protocol)
            },
        ),
        "encrypted" => (
            l.is_encrypted(),
            if l.is_encrypted() {
                "is encrypted".into()
            } else {
                "is not encrypted".into()
            },
        ),
        "authn" => authn_fact(v, l.authentication.as_str()),
        "authz" => authz_fact(v, l.authorization),
        "vpn" => (
            l.vpn,
            if l.vpn {
                "goes through a VPN".into()
            } else {
                "does not go through a VPN".into()
            },
        ),
        "crosses-boundary" => {
            let c = cx.crosses(l);
            (
                c,
                if c {
                    format!(
                        "crosses trust boundary {} → {}",
                        cx.boundary(&l.from),
                        cx.boundary(&l.to)
                    )
                } else {
                    format!("stays inside {}", cx.boundary(&l.from))
                },
            )
        }
        "from" => {
            let k = cx.kind_of(&l.from);
            (
                any_in(v, k)
                    || (any_in(v, "client")
                        && cx
                            .assets
                            .get(l.from.as_str())
                            .is_some_and(|a| a.kind.is_client())),
                format!("starts at {} ({k})", l.from),
            )
        }
        "to" => {
            let k = cx.kind_of(&l.to);
            (
                any_in(v, k)
                    || (any_in(v, "store")
                        && cx
                            .assets
                            .get(l.to.as_str())
                            .is_some_and(|a| a.kind.is_store())),
                format!("ends at {} ({k})", l.to),
            )
        }
        "from-tag" | "to-tag" => {
            let id = if p.name == "from-tag" { &l.from } else { &l.to };
            let hit: Vec<&str> = tags_of(id)
                .iter()
                .filter(|t| any_in(v, t))
                .map(String::as_str)
                .collect();
            if hit.is_empty() {
                (false, format!("{id} is not tagged {}", v.join(" or ")))
            } else {
                (true, format!("{id} is tagged {}", list(&hit)))
            }
        }
        "from-internet-facing" => {
            let f = cx
                .assets
                .get(l.from.as_str())
                .is_none_or(|a| a.internet_facing);
            (
                f,
                if f {
                    format!("{} is reachable from the internet", l.from)
                } else {
                    format!("{} is internal", l.from)
                },
            )
        }
        "carries-confidential" => carries(
            &|c, _, _| c >= Classification::Confidential,
            "confidential data asset",
        ),
        "carries-personal" => carries(&|_, p, _| p, "personal data asset"),
        "carries-credentials" => carries(&|_, _, c| c, "credential data asset"),
        "tag" => {
            let hit: Vec<&str> = l
                .tags
                .iter()
                .filter(|t| any_in(v, t))
                .map(String::as_str)
                .collect();
            if hit.is_empty() {
                (false, format!("is not tagged {}", v.join(" or ")))
            } else {
                (true, format!("is tagged {}", list(&hit)))
            }
        }
        _ => (false, String::new()),
    }
}

/// All asset type names (for `type=` values and tests).
pub const ASSET_TYPES: &[AssetType] = &[
    AssetType::WebApp,
    AssetType::WebServer,
    AssetType::Api,
    AssetType::Service,
    AssetType::Database,
    AssetType::Datastore,
    AssetType::FileStore,
    AssetType::Cache,
    AssetType::Queue,
    AssetType::Browser,
    AssetType::MobileApp,
    AssetType::DesktopApp,
    AssetType::IdentityProvider,
    AssetType::Llm,
    AssetType::Agent,
    AssetType::VectorStore,
    AssetType::ContainerPlatform,
    AssetType::Serverless,
    AssetType::LoadBalancer,
    AssetType::Waf,
    AssetType::Vault,
    AssetType::CiCd,
    AssetType::ExternalService,
    AssetType::LogServer,
    AssetType::BatchJob,
];
