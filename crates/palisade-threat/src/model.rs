//! The threat model: what a design review looks at, written as YAML beside the code.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Error;

/// Largest model accepted (bytes); a model is hand-written, 16 MiB is generous.
pub const MAX_MODEL_BYTES: usize = 16 * 1024 * 1024;

/// A threat model.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Name of the system under review.
    pub title: String,
    /// What the system does, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// Also raise LINDDUN privacy threats.
    #[serde(default)]
    pub linddun: bool,
    /// The data the system handles.
    #[serde(default)]
    pub data_assets: Vec<DataAsset>,
    /// The components: services, stores, clients, third parties.
    #[serde(default)]
    pub technical_assets: Vec<TechnicalAsset>,
    /// People and external systems that use the system.
    #[serde(default)]
    pub actors: Vec<Actor>,
    /// Trust boundaries; `boundaries` nests them.
    #[serde(default)]
    pub trust_boundaries: Vec<TrustBoundary>,
    /// Data flows between actors and technical assets.
    #[serde(default)]
    pub links: Vec<Link>,
    /// What the review takes for granted.
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
    /// Per-threat decisions: status, justification, ticket.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// Rules switched off for the whole model or for one element.
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
}

/// How secret a piece of data is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Classification {
    Public,
    #[default]
    Internal,
    Confidential,
    Restricted,
}

/// How much a property matters.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    Low,
    #[default]
    Medium,
    High,
}

/// A piece of data the system handles.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataAsset {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub classification: Classification,
    /// Confidentiality need.
    #[serde(default)]
    pub confidentiality: Need,
    /// Integrity need.
    #[serde(default)]
    pub integrity: Need,
    /// Availability need.
    #[serde(default)]
    pub availability: Need,
    /// Data about identifiable people (drives LINDDUN threats).
    #[serde(default)]
    pub personal: bool,
    /// Credentials, keys or tokens.
    #[serde(default)]
    pub credentials: bool,
}

/// What kind of component a technical asset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AssetType {
    WebApp,
    WebServer,
    Api,
    Service,
    Database,
    Datastore,
    FileStore,
    Cache,
    Queue,
    Browser,
    MobileApp,
    DesktopApp,
    IdentityProvider,
    Llm,
    Agent,
    VectorStore,
    ContainerPlatform,
    Serverless,
    LoadBalancer,
    Waf,
    Vault,
    CiCd,
    ExternalService,
    LogServer,
    BatchJob,
}

impl AssetType {
    /// The kebab-case name used in models and rules.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WebApp => "web-app",
            Self::WebServer => "web-server",
            Self::Api => "api",
            Self::Service => "service",
            Self::Database => "database",
            Self::Datastore => "datastore",
            Self::FileStore => "file-store",
            Self::Cache => "cache",
            Self::Queue => "queue",
            Self::Browser => "browser",
            Self::MobileApp => "mobile-app",
            Self::DesktopApp => "desktop-app",
            Self::IdentityProvider => "identity-provider",
            Self::Llm => "llm",
            Self::Agent => "agent",
            Self::VectorStore => "vector-store",
            Self::ContainerPlatform => "container-platform",
            Self::Serverless => "serverless",
            Self::LoadBalancer => "load-balancer",
            Self::Waf => "waf",
            Self::Vault => "vault",
            Self::CiCd => "ci-cd",
            Self::ExternalService => "external-service",
            Self::LogServer => "log-server",
            Self::BatchJob => "batch-job",
        }
    }

    /// A store of data (drawn as a cylinder; "direct datastore access" rules look for these).
    #[must_use]
    pub fn is_store(self) -> bool {
        matches!(
            self,
            Self::Database
                | Self::Datastore
                | Self::FileStore
                | Self::Cache
                | Self::Queue
                | Self::VectorStore
                | Self::Vault
                | Self::LogServer
        )
    }

    /// A client that runs on a user's device.
    #[must_use]
    pub fn is_client(self) -> bool {
        matches!(self, Self::Browser | Self::MobileApp | Self::DesktopApp)
    }
}

/// How a component or link authenticates its callers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Authentication {
    #[default]
    None,
    Password,
    Session,
    Token,
    Oauth,
    Oidc,
    ApiKey,
    Mtls,
    ClientCertificate,
    Mfa,
}

impl Authentication {
    /// The kebab-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Password => "password",
            Self::Session => "session",
            Self::Token => "token",
            Self::Oauth => "oauth",
            Self::Oidc => "oidc",
            Self::ApiKey => "api-key",
            Self::Mtls => "mtls",
            Self::ClientCertificate => "client-certificate",
            Self::Mfa => "mfa",
        }
    }
}

/// How a component or link decides who may do what.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Authorization {
    #[default]
    None,
    TechnicalUser,
    Rbac,
    Abac,
    PerObject,
}

/// A component of the system.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnicalAsset {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: AssetType,
    /// Free text, e.g. `postgresql`, `spring-boot`, `openai`.
    #[serde(default)]
    pub technology: String,
    /// Reachable from the internet.
    #[serde(default)]
    pub internet_facing: bool,
    /// How callers authenticate to it.
    #[serde(default)]
    pub authentication: Authentication,
    /// How access is decided.
    #[serde(default)]
    pub authorization: Authorization,
    /// Data at rest is encrypted.
    #[serde(default)]
    pub encrypted_at_rest: bool,
    /// Runs in a container.
    #[serde(default)]
    pub containerized: bool,
    /// Built and run by a third party outside your control.
    #[serde(default)]
    pub out_of_scope: bool,
    /// Data assets it processes.
    #[serde(default)]
    pub processes: Vec<String>,
    /// Data assets it stores.
    #[serde(default)]
    pub stores: Vec<String>,
    /// Capabilities the rules look at, e.g. `parses-xml`, `deserializes`, `accepts-uploads`,
    /// `fetches-urls`, `renders-html`, `sql`, `shell`, `uses-tools`, `logs`, `rate-limited`,
    /// `hardened`, `secrets-in-vault`, `behind-waf`, `csrf-protected`, `oauth-client`.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub owner: String,
    /// Path of the code in the repository.
    #[serde(default)]
    pub repository: String,
}

/// Someone or something outside the system that uses it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `user`, `admin`, `external-system`, `anonymous`.
    #[serde(rename = "type", default = "default_actor_type")]
    pub kind: String,
}

fn default_actor_type() -> String {
    "user".to_owned()
}

/// A trust boundary: the assets inside, and nested boundaries.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustBoundary {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `network`, `cloud-account`, `cluster`, `container`, `execution-environment`.
    #[serde(rename = "type", default = "default_boundary_type")]
    pub kind: String,
    /// Technical assets and actors directly inside.
    #[serde(default)]
    pub assets: Vec<String>,
    /// Boundaries nested inside this one.
    #[serde(default)]
    pub boundaries: Vec<TrustBoundary>,
}

fn default_boundary_type() -> String {
    "network".to_owned()
}

/// A data flow from one element to another.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Id of the calling actor or technical asset.
    pub from: String,
    /// Id of the called technical asset.
    pub to: String,
    /// e.g. `https`, `http`, `grpc`, `jdbc`, `amqp`, `ssh`, `websocket`.
    #[serde(default)]
    pub protocol: String,
    /// Encrypted in transit; defaults from the protocol (`https`, `tls`, `grpcs`, `wss`, `ssh`,
    /// `mtls`, `sftp`, `jdbcs`, `amqps`, `mqtts`).
    #[serde(default)]
    pub encrypted: Option<bool>,
    #[serde(default)]
    pub authentication: Authentication,
    #[serde(default)]
    pub authorization: Authorization,
    /// Through a VPN or private link.
    #[serde(default)]
    pub vpn: bool,
    /// Data assets sent from `from` to `to`.
    #[serde(default)]
    pub sends: Vec<String>,
    /// Data assets returned.
    #[serde(default)]
    pub receives: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Link {
    /// Whether the link is encrypted in transit (explicit, else from the protocol).
    #[must_use]
    pub fn is_encrypted(&self) -> bool {
        self.encrypted.unwrap_or_else(|| {
            matches!(
                self.protocol.to_ascii_lowercase().as_str(),
                "https"
                    | "tls"
                    | "grpcs"
                    | "wss"
                    | "ssh"
                    | "mtls"
                    | "sftp"
                    | "jdbcs"
                    | "amqps"
                    | "mqtts"
                    | "ldaps"
                    | "smtps"
            )
        })
    }
}

/// Something the review takes for granted.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assumption {
    pub id: String,
    pub text: String,
}

/// Where a threat stands.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Unchecked,
    InDiscussion,
    Accepted,
    InProgress,
    Mitigated,
    FalsePositive,
}

impl Status {
    /// The kebab-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unchecked => "unchecked",
            Self::InDiscussion => "in-discussion",
            Self::Accepted => "accepted",
            Self::InProgress => "in-progress",
            Self::Mitigated => "mitigated",
            Self::FalsePositive => "false-positive",
        }
    }
    /// All statuses, in report order.
    pub const ALL: [Status; 6] = [
        Self::Unchecked,
        Self::InDiscussion,
        Self::Accepted,
        Self::InProgress,
        Self::Mitigated,
        Self::FalsePositive,
    ];
}

/// A decision about one threat, keyed by the threat's stable id.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Threat id, e.g. `threat/unencrypted-cross-boundary-link@web-to-db`.
    pub threat: String,
    pub status: Status,
    #[serde(default)]
    pub justification: String,
    /// Ticket URL or key.
    #[serde(default)]
    pub ticket: String,
}

/// A rule switched off, for the whole model or one element.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// Rule id, e.g. `threat/missing-waf`.
    pub rule: String,
    /// Element id; absent means every element.
    #[serde(default)]
    pub element: Option<String>,
    pub justification: String,
}

/// The JSON Schema of the model format.
#[must_use]
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Model);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// Parses and checks a model. `file` names it in errors.
///
/// # Errors
/// Invalid YAML, an unknown field or value, a duplicate id or a dangling reference, each
/// reported with the file and line.
pub fn parse(file: &str, text: &str) -> Result<Model, Error> {
    if text.len() > MAX_MODEL_BYTES {
        return Err(Error::Model {
            file: file.to_owned(),
            line: 1,
            message: format!("model is larger than {MAX_MODEL_BYTES} bytes"),
        });
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    let model: Model = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line()).max(1);
        let msg = e.to_string();
        Error::Model {
            file: file.to_owned(),
            line,
            message: msg
                .lines()
                .next()
                .unwrap_or("invalid YAML")
                .trim()
                .to_owned(),
        }
    })?;
    validate(file, text, &model)?;
    Ok(model)
}

/// The line of the first `key: value` (or list item `- value`) naming `value`, for errors.
fn line_of(text: &str, key: &str, value: &str) -> u64 {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim().trim_start_matches("- ").trim();
        let hit = if let Some(rest) = t.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            rest.contains(value)
        } else {
            key.is_empty() && t.trim_matches(|c| c == '"' || c == '\'') == value
        };
        if hit {
            return (i + 1) as u64;
        }
    }
    1
}

/// Checks ids and references of a model built from `text` (e.g. by an importer).
///
/// # Errors
/// Duplicate ids, dangling references, missing justifications.
pub fn validate(file: &str, text: &str, m: &Model) -> Result<(), Error> {
    let err = |key: &str, value: &str, message: String| Error::Model {
        file: file.to_owned(),
        line: line_of(text, key, value),
        message,
    };
    let mut ids: BTreeMap<String, &'static str> = BTreeMap::new();
    let mut add = |id: &str, what: &'static str| -> Result<(), Error> {
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(err(
                "id",
                id,
                format!(
                    "{what} id `{id}` must be non-empty and use only letters, digits, `-`, `_`, `.`"
                ),
            ));
        }
        if let Some(prev) = ids.insert(id.to_owned(), what) {
            return Err(err(
                "id",
                id,
                format!("duplicate id `{id}`: already used by a {prev}"),
            ));
        }
        Ok(())
    };
    for d in &m.data_assets {
        add(&d.id, "data asset")?;
    }
    for t in &m.technical_assets {
        add(&t.id, "technical asset")?;
    }
    for a in &m.actors {
        add(&a.id, "actor")?;
    }
    let mut boundaries = Vec::new();
    flatten(&m.trust_boundaries, None, 0, &mut boundaries);
    for (b, _, depth) in &boundaries {
        if *depth > 16 {
            return Err(err(
                "id",
                &b.id,
                format!("trust boundary `{}` is nested deeper than 16 levels", b.id),
            ));
        }
        add(&b.id, "trust boundary")?;
    }
    for l in &m.links {
        add(&l.id, "link")?;
    }
    let data: BTreeSet<&str> = m.data_assets.iter().map(|d| d.id.as_str()).collect();
    let tech: BTreeSet<&str> = m.technical_assets.iter().map(|t| t.id.as_str()).collect();
    let actors: BTreeSet<&str> = m.actors.iter().map(|a| a.id.as_str()).collect();
    for t in &m.technical_assets {
        for d in t.processes.iter().chain(&t.stores) {
            if !data.contains(d.as_str()) {
                return Err(err(
                    "",
                    d,
                    format!(
                        "technical asset `{}` refers to unknown data asset `{d}`",
                        t.id
                    ),
                ));
            }
        }
    }
    let mut placed: BTreeMap<&str, &str> = BTreeMap::new();
    for (b, _, _) in &boundaries {
        for a in &b.assets {
            if !tech.contains(a.as_str()) && !actors.contains(a.as_str()) {
                return Err(err(
                    "",
                    a,
                    format!("trust boundary `{}` lists unknown element `{a}`", b.id),
                ));
            }
            if let Some(prev) = placed.insert(a, &b.id) {
                return Err(err(
                    "",
                    a,
                    format!(
                        "element `{a}` is in two trust boundaries (`{prev}` and `{}`); nest one inside the other instead",
                        b.id
                    ),
                ));
            }
        }
    }
    for l in &m.links {
        if !tech.contains(l.from.as_str()) && !actors.contains(l.from.as_str()) {
            return Err(err(
                "from",
                &l.from,
                format!(
                    "link `{}`: `from: {}` is not a technical asset or actor",
                    l.id, l.from
                ),
            ));
        }
        if !tech.contains(l.to.as_str()) {
            return Err(err(
                "to",
                &l.to,
                format!("link `{}`: `to: {}` is not a technical asset", l.id, l.to),
            ));
        }
        for d in l.sends.iter().chain(&l.receives) {
            if !data.contains(d.as_str()) {
                return Err(err(
                    "",
                    d,
                    format!("link `{}` carries unknown data asset `{d}`", l.id),
                ));
            }
        }
    }
    for x in &m.exclusions {
        if let Some(e) = &x.element
            && !ids.contains_key(e.as_str())
        {
            return Err(err(
                "element",
                e,
                format!("exclusion of `{}` names unknown element `{e}`", x.rule),
            ));
        }
        if x.justification.trim().is_empty() {
            return Err(err(
                "rule",
                &x.rule,
                format!("exclusion of `{}` needs a justification", x.rule),
            ));
        }
    }
    for d in &m.decisions {
        if matches!(
            d.status,
            Status::Accepted | Status::FalsePositive | Status::Mitigated
        ) && d.justification.trim().is_empty()
        {
            return Err(err(
                "threat",
                &d.threat,
                format!(
                    "decision on `{}` ({}) needs a justification",
                    d.threat,
                    d.status.as_str()
                ),
            ));
        }
    }
    Ok(())
}

/// Every boundary with its parent id and depth, parents first.
pub(crate) fn flatten<'a>(
    list: &'a [TrustBoundary],
    parent: Option<&'a str>,
    depth: usize,
    out: &mut Vec<(&'a TrustBoundary, Option<&'a str>, usize)>,
) {
    if depth > 17 {
        return;
    }
    for b in list {
        out.push((b, parent, depth));
        flatten(&b.boundaries, Some(&b.id), depth + 1, out);
    }
}

/// The model as palisade YAML.
///
/// # Errors
/// Only if serialisation fails (a bug).
pub fn to_yaml(m: &Model) -> Result<String, Error> {
    serde_saphyr::to_string(m).map_err(|e| Error::Model {
        file: "(output)".into(),
        line: 1,
        message: e.to_string(),
    })
}
