//! Import of Threagile YAML models into the palisade model.
//!
//! Mapping: Threagile technical assets become technical assets (type from `technology`,
//! else from `type`), communication links become links (id `<asset>.<slug of title>`),
//! trust boundaries keep their nesting (`trust_boundaries_nested`). Threagile's
//! confidentiality `restricted` and `confidential` become `confidential`,
//! `strictly-confidential` becomes `restricted`; integrity/availability `critical` and
//! `mission-critical` become `high`, `important` becomes `medium`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::Error;
use crate::model::{
    AssetType, Authentication, Authorization, Classification, DataAsset, Link, Model, Need,
    TechnicalAsset, TrustBoundary,
};

#[derive(Deserialize, Default)]
struct TgModel {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    data_assets: BTreeMap<String, TgData>,
    #[serde(default)]
    technical_assets: BTreeMap<String, TgAsset>,
    #[serde(default)]
    trust_boundaries: BTreeMap<String, TgBoundary>,
}

#[derive(Deserialize, Default)]
struct TgData {
    id: String,
    #[serde(default)]
    confidentiality: String,
    #[serde(default)]
    integrity: String,
    #[serde(default)]
    availability: String,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Default)]
struct TgAsset {
    id: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    technology: String,
    #[serde(default)]
    internet: bool,
    #[serde(default)]
    out_of_scope: bool,
    #[serde(default)]
    encryption: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    machine: String,
    #[serde(default)]
    data_assets_processed: Vec<String>,
    #[serde(default)]
    data_assets_stored: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    communication_links: BTreeMap<String, TgLink>,
}

#[derive(Deserialize, Default)]
struct TgLink {
    target: String,
    #[serde(default)]
    protocol: String,
    #[serde(default)]
    authentication: String,
    #[serde(default)]
    authorization: String,
    #[serde(default)]
    vpn: bool,
    #[serde(default)]
    data_assets_sent: Vec<String>,
    #[serde(default)]
    data_assets_received: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Default)]
struct TgBoundary {
    id: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    technical_assets_inside: Vec<String>,
    #[serde(default)]
    trust_boundaries_nested: Vec<String>,
}

fn slug(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            o.push(c.to_ascii_lowercase());
        } else if !o.ends_with('-') {
            o.push('-');
        }
    }
    o.trim_matches('-').to_owned()
}

fn asset_type(tech: &str, kind: &str, out_of_scope: bool) -> AssetType {
    let t = tech.to_ascii_lowercase();
    let by_tech = [
        ("browser", AssetType::Browser),
        ("desktop", AssetType::DesktopApp),
        ("mobile", AssetType::MobileApp),
        ("database", AssetType::Database),
        ("web-server", AssetType::WebServer),
        ("web-application", AssetType::WebApp),
        ("web-service", AssetType::Api),
        ("load-balancer", AssetType::LoadBalancer),
        ("reverse-proxy", AssetType::LoadBalancer),
        ("waf", AssetType::Waf),
        ("vault", AssetType::Vault),
        ("hsm", AssetType::Vault),
        ("identity-provider", AssetType::IdentityProvider),
        ("identity-store", AssetType::IdentityProvider),
        ("build-pipeline", AssetType::CiCd),
        ("sourcecode-repository", AssetType::CiCd),
        ("message-queue", AssetType::Queue),
        ("event-listener", AssetType::Queue),
        ("file-server", AssetType::FileStore),
        ("block-storage", AssetType::FileStore),
        ("log", AssetType::LogServer),
        ("monitoring", AssetType::LogServer),
        ("container-platform", AssetType::ContainerPlatform),
        ("function", AssetType::Serverless),
        ("batch", AssetType::BatchJob),
        ("scheduler", AssetType::BatchJob),
        ("ai", AssetType::Llm),
        ("llm", AssetType::Llm),
    ];
    if let Some((_, k)) = by_tech.iter().find(|(n, _)| t == *n || t.starts_with(n)) {
        return *k;
    }
    match kind {
        "datastore" => AssetType::Datastore,
        "external-entity" if out_of_scope => AssetType::ExternalService,
        "external-entity" => AssetType::ExternalService,
        _ => AssetType::Service,
    }
}

fn classification(c: &str) -> Classification {
    match c {
        "public" => Classification::Public,
        "restricted" | "confidential" => Classification::Confidential,
        "strictly-confidential" => Classification::Restricted,
        _ => Classification::Internal,
    }
}

fn need(c: &str) -> Need {
    match c {
        "critical" | "mission-critical" | "confidential" | "strictly-confidential" => Need::High,
        "important" | "restricted" => Need::Medium,
        _ => Need::Low,
    }
}

fn authn(a: &str) -> Authentication {
    match a {
        "credentials" => Authentication::Password,
        "session-id" => Authentication::Session,
        "token" => Authentication::Token,
        "client-certificate" => Authentication::ClientCertificate,
        "two-factor" => Authentication::Mfa,
        "externalized" => Authentication::Oidc,
        _ => Authentication::None,
    }
}

fn encrypted_protocol(p: &str) -> bool {
    p.ends_with("-encrypted")
        || matches!(
            p,
            "https"
                | "wss"
                | "ssh"
                | "ssh-tunnel"
                | "ftps"
                | "sftp"
                | "scp"
                | "ldaps"
                | "in-process-library-call"
                | "local-file-access"
                | "container-spawning"
        )
}

/// Converts a Threagile YAML model.
///
/// # Errors
/// Invalid YAML or a structure that is not a Threagile model; then the converted model is
/// checked like any palisade model.
pub fn import(file: &str, text: &str) -> Result<Model, Error> {
    if text.len() > crate::model::MAX_MODEL_BYTES {
        return Err(Error::Model {
            file: file.to_owned(),
            line: 1,
            message: "model too large".into(),
        });
    }
    let tg: TgModel = serde_saphyr::from_str(text).map_err(|e| Error::Model {
        file: file.to_owned(),
        line: e.location().map_or(1, |l| l.line()).max(1),
        message: format!(
            "not a Threagile model: {}",
            e.to_string().lines().next().unwrap_or("")
        ),
    })?;
    let mut m = Model {
        title: tg.title,
        description: tg.description,
        ..Model::default()
    };
    for d in tg.data_assets.values() {
        let t = d
            .tags
            .iter()
            .map(|x| x.to_ascii_lowercase())
            .collect::<Vec<_>>();
        m.data_assets.push(DataAsset {
            id: d.id.clone(),
            name: String::new(),
            classification: classification(&d.confidentiality),
            confidentiality: need(&d.confidentiality),
            integrity: need(&d.integrity),
            availability: need(&d.availability),
            personal: t
                .iter()
                .any(|x| x.contains("pii") || x.contains("personal") || x.contains("gdpr")),
            credentials: t
                .iter()
                .any(|x| x.contains("credential") || x.contains("secret")),
        });
    }
    for (title, a) in &tg.technical_assets {
        let kind = asset_type(&a.technology, &a.kind, a.out_of_scope);
        m.technical_assets.push(TechnicalAsset {
            id: a.id.clone(),
            name: title.clone(),
            kind,
            technology: a.technology.clone(),
            internet_facing: a.internet,
            authentication: Authentication::None,
            authorization: Authorization::None,
            encrypted_at_rest: !a.encryption.is_empty() && a.encryption != "none",
            containerized: a.machine == "container",
            out_of_scope: a.out_of_scope,
            processes: a.data_assets_processed.clone(),
            stores: a.data_assets_stored.clone(),
            tags: a.tags.clone(),
            owner: a.owner.clone(),
            repository: String::new(),
        });
        for (lt, l) in &a.communication_links {
            m.links.push(Link {
                id: format!("{}.{}", a.id, slug(lt)),
                name: lt.clone(),
                from: a.id.clone(),
                to: l.target.clone(),
                protocol: l.protocol.clone(),
                encrypted: Some(encrypted_protocol(&l.protocol)),
                authentication: authn(&l.authentication),
                authorization: match l.authorization.as_str() {
                    "technical-user" => Authorization::TechnicalUser,
                    "enduser-identity-propagation" => Authorization::Rbac,
                    _ => Authorization::None,
                },
                vpn: l.vpn,
                sends: l.data_assets_sent.clone(),
                receives: l.data_assets_received.clone(),
                tags: l.tags.clone(),
            });
        }
    }
    // Incoming link authentication is the asset's authentication in palisade.
    for a in &mut m.technical_assets {
        if let Some(l) = m
            .links
            .iter()
            .find(|l| l.to == a.id && l.authentication != Authentication::None)
        {
            a.authentication = l.authentication;
            a.authorization = l.authorization;
        }
    }
    let by_id: BTreeMap<&str, &TgBoundary> = tg
        .trust_boundaries
        .values()
        .map(|b| (b.id.as_str(), b))
        .collect();
    let nested: BTreeSet<&str> = tg
        .trust_boundaries
        .values()
        .flat_map(|b| b.trust_boundaries_nested.iter().map(String::as_str))
        .collect();
    fn tree(id: &str, by_id: &BTreeMap<&str, &TgBoundary>, depth: usize) -> Option<TrustBoundary> {
        let b = by_id.get(id)?;
        Some(TrustBoundary {
            id: b.id.clone(),
            name: String::new(),
            kind: if b.kind.is_empty() {
                "network".into()
            } else {
                b.kind.clone()
            },
            assets: b.technical_assets_inside.clone(),
            boundaries: if depth < 16 {
                b.trust_boundaries_nested
                    .iter()
                    .filter_map(|c| tree(c, by_id, depth + 1))
                    .collect()
            } else {
                Vec::new()
            },
        })
    }
    m.trust_boundaries = by_id
        .keys()
        .filter(|id| !nested.contains(*id))
        .filter_map(|id| tree(id, &by_id, 0))
        .collect();
    crate::model::validate(file, text, &m)?;
    Ok(m)
}
