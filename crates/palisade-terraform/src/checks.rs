//! The Terraform checks: metadata is data (`checks.yaml`); simple checks are declarative
//! (`rule:` in the YAML), the others are functions here, keyed by id.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use palisade_engine::{Example, RuleMeta};
use palisade_finding::{Confidence, Severity};
use serde::Deserialize;

use crate::model::{Loc, Mode, Model, ModuleCall, Resource};
use crate::value::Value;
use crate::{TfFinding, TfLocation};

/// A check: palisade rule metadata plus what migrating users need to map their suppressions.
#[derive(Debug, Clone)]
pub struct TfCheck {
    pub meta: RuleMeta,
    /// Equivalent Checkov ids (`CKV_AWS_20`).
    pub checkov: Vec<String>,
    /// Equivalent tfsec / Trivy ids (`aws-s3-no-public-access-with-acl`).
    pub tfsec: Vec<String>,
    /// Equivalent KICS query ids.
    pub kics: Vec<String>,
    /// Resource types the check looks at (`data.<type>` for data sources, `module` for calls).
    pub types: Vec<String>,
    message: String,
    rule: Option<Rule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    id: String,
    name: String,
    severity: Severity,
    confidence: Confidence,
    cwe: u32,
    owasp: String,
    #[serde(default)]
    checkov: Vec<String>,
    #[serde(default)]
    tfsec: Vec<String>,
    #[serde(default)]
    kics: Vec<String>,
    types: Vec<String>,
    message: String,
    #[serde(default)]
    rule: Option<Rule>,
    docs: String,
    #[serde(default)]
    references: Vec<String>,
    example: String,
    negative: String,
}

/// A declarative check: `attr` (alternatives separated by `|`, first present wins) must
/// equal `must`, must not be one of `forbid`, must be at least `min`, or must be `present`.
/// `missing: fail` makes an absent attribute a finding. Unknown never fires.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    attr: String,
    #[serde(default)]
    must: Option<serde_json::Value>,
    #[serde(default)]
    forbid: Vec<serde_json::Value>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    present: bool,
    #[serde(default)]
    missing: Option<String>,
}

const YAML: &str = include_str!("checks.yaml");

/// Parses `checks.yaml` (exposed for the test that validates it).
pub fn load() -> Result<Vec<TfCheck>, String> {
    let specs: Vec<Spec> = serde_saphyr::from_str(YAML).map_err(|e| format!("checks.yaml: {e}"))?;
    let mut out = Vec::new();
    for s in specs {
        if s.rule.is_none() && code(&s.id).is_none() && s.id != MODULE_PIN {
            return Err(format!("{}: neither `rule` nor code", s.id));
        }
        let mut description = s.docs.trim_end().to_string();
        let mut eq = Vec::new();
        if !s.checkov.is_empty() {
            eq.push(format!("Checkov `{}`", s.checkov.join("`, `")));
        }
        if !s.tfsec.is_empty() {
            eq.push(format!("tfsec/Trivy `{}`", s.tfsec.join("`, `")));
        }
        if !s.kics.is_empty() {
            eq.push(format!("KICS `{}`", s.kics.join("`, `")));
        }
        if !eq.is_empty() {
            description.push_str(&format!("\n\n## Equivalent checks\n{}.\n", eq.join("; ")));
        }
        out.push(TfCheck {
            meta: RuleMeta {
                id: s.id,
                name: s.name,
                severity: s.severity,
                confidence: s.confidence,
                cwe: vec![s.cwe],
                owasp: vec![s.owasp],
                description,
                references: s.references,
                examples: vec![Example::File {
                    path: "main.tf".into(),
                    text: s.example,
                }],
                negative_examples: vec![Example::File {
                    path: "main.tf".into(),
                    text: s.negative,
                }],
            },
            checkov: s.checkov,
            tfsec: s.tfsec,
            kics: s.kics,
            types: s.types,
            message: s.message,
            rule: s.rule,
        });
    }
    Ok(out)
}

/// Every Terraform check.
pub fn checks() -> &'static [TfCheck] {
    static CHECKS: OnceLock<Vec<TfCheck>> = OnceLock::new();
    CHECKS.get_or_init(|| load().unwrap_or_default())
}

/// The `RuleMeta` of every check, for an engine's `rules()`.
pub fn rule_metas() -> &'static [RuleMeta] {
    static METAS: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    METAS.get_or_init(|| checks().iter().map(|c| c.meta.clone()).collect())
}

/// A place a check fires: attribute path (for the location) and a message detail.
pub(crate) struct Hit {
    path: String,
    detail: String,
}

fn hit(path: impl Into<String>, detail: impl Into<String>) -> Vec<Hit> {
    vec![Hit {
        path: path.into(),
        detail: detail.into(),
    }]
}

/// Runs every check over a model and groups findings per (check, block).
pub fn run(model: &Model) -> Vec<TfFinding> {
    let mut groups: BTreeMap<(usize, Loc), TfFinding> = BTreeMap::new();
    for (ci, c) in checks().iter().enumerate() {
        let mut add = |block: &Loc, loc: Loc, address: &str, detail: String, evidence: String| {
            let f = groups
                .entry((ci, block.clone()))
                .or_insert_with(|| TfFinding {
                    check: leak(&c.meta.id),
                    message: c.message.replace("{detail}", &detail),
                    evidence,
                    severity: c.meta.severity,
                    confidence: c.meta.confidence,
                    locations: Vec::new(),
                });
            let l = TfLocation {
                file: loc.file.to_string(),
                line: loc.line,
                column: loc.column,
                address: address.to_string(),
            };
            if !f.locations.contains(&l) {
                f.locations.push(l);
            }
        };
        if c.meta.id == MODULE_PIN {
            for m in &model.module_calls {
                if let Some(d) = module_unpinned(m) {
                    let loc = m.source_loc.clone().unwrap_or_else(|| m.loc.clone());
                    add(
                        &m.loc,
                        loc,
                        &m.address,
                        d.replacen(&m.address, &config_address(&m.address), 1),
                        format!("{}:source", config_address(&m.address)),
                    );
                }
            }
            continue;
        }
        let f = code(&c.meta.id);
        for r in &model.resources {
            let t = match r.mode {
                Mode::Managed => c.types.contains(&r.rtype),
                Mode::Data => c
                    .types
                    .iter()
                    .any(|t| t.strip_prefix("data.") == Some(r.rtype.as_str())),
            };
            if !t {
                continue;
            }
            let hits = match (&c.rule, f) {
                (Some(rule), _) => apply_rule(rule, r),
                (None, Some(f)) => f(r, model),
                (None, None) => Vec::new(),
            };
            for h in hits {
                add(
                    &r.loc,
                    r.loc_of(&h.path),
                    &r.address,
                    format!("{}: {}", config_address(&r.base_address), h.detail),
                    format!(
                        "{}:{}",
                        config_address(&r.base_address),
                        strip_indexes(&h.path)
                    ),
                );
            }
        }
    }
    groups.into_values().collect()
}

/// The address without instance keys (`module.b[0].x.y` -> `module.b.x.y`): one message for
/// every instance of a block.
fn config_address(a: &str) -> String {
    let mut out = String::with_capacity(a.len());
    let mut depth = 0usize;
    let mut in_str = false;
    for c in a.chars() {
        match c {
            '"' if depth > 0 => in_str = !in_str,
            '[' if !in_str => depth += 1,
            ']' if !in_str => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `ingress.1.cidr_blocks` -> `ingress.cidr_blocks` (evidence must not move with list order).
fn strip_indexes(path: &str) -> String {
    path.split('.')
        .filter(|s| s.parse::<usize>().is_err())
        .collect::<Vec<_>>()
        .join(".")
}

/// Check ids are `'static` in findings; they live in the `checks()` table forever.
fn leak(id: &str) -> &'static str {
    checks()
        .iter()
        .find(|c| c.meta.id == id)
        .map_or("iac/unknown", |c| c.meta.id.as_str())
}

// ---------------------------------------------------------------- value helpers

/// The result of following a path through the attribute tree.
enum Look<'a> {
    Missing,
    Unknown,
    Val(&'a Value),
}

/// Follows `a.b.c`; a list of blocks is entered at its first element and a map is read as one
/// block. Returns the indexed path (`a.0.b.0.c`) for locations.
fn look<'a>(v: &'a Value, path: &str) -> (Look<'a>, String) {
    let mut cur = v;
    let mut ip = String::new();
    for seg in path.split('.') {
        if let Value::List(l) = cur {
            match l.first() {
                Some(x) => {
                    cur = x;
                    ip.push_str(".0");
                }
                None => return (Look::Missing, ip),
            }
        }
        match cur {
            Value::Map(m) => match m.get(seg) {
                Some(x) => {
                    if !ip.is_empty() {
                        ip.push('.');
                    }
                    ip.push_str(seg);
                    cur = x;
                }
                None => return (Look::Missing, ip),
            },
            Value::Unknown => return (Look::Unknown, ip),
            _ => return (Look::Missing, ip),
        }
        let _ = ip.trim_start_matches('.');
    }
    let ip = ip.trim_start_matches('.').to_string();
    match cur {
        Value::Unknown => (Look::Unknown, ip),
        Value::String(s) if s.contains(crate::value::UNKNOWN_MARK) => (Look::Unknown, ip),
        Value::Null => (Look::Missing, ip),
        other => (Look::Val(other), ip),
    }
}

/// The string at `path` even when it holds marked unknown parts (policy JSON).
fn raw_str<'a>(r: &'a Resource, path: &str) -> Option<&'a str> {
    r.get(path).and_then(Value::as_str)
}

fn look_r<'a>(r: &'a Resource, path: &str) -> (Look<'a>, String) {
    look(&r.attrs, path)
}

fn known_str<'a>(r: &'a Resource, path: &str) -> Option<&'a str> {
    match look_r(r, path).0 {
        Look::Val(v) => v.as_str(),
        _ => None,
    }
}

fn is_missing(r: &Resource, path: &str) -> bool {
    matches!(look_r(r, path).0, Look::Missing)
}

fn known_bool(r: &Resource, path: &str) -> Option<bool> {
    match look_r(r, path).0 {
        Look::Val(v) => v.as_bool(),
        _ => None,
    }
}

/// Blocks (or list-of-object attribute) named `name`, with their indexed paths.
fn blocks<'a>(v: &'a Value, name: &str) -> Vec<(String, &'a Value)> {
    match v.as_map().and_then(|m| m.get(name)) {
        Some(Value::List(l)) => l
            .iter()
            .enumerate()
            .map(|(i, b)| (format!("{name}.{i}"), b))
            .collect(),
        Some(m @ Value::Map(_)) => vec![(name.to_string(), m)],
        Some(Value::Unknown) => vec![(name.to_string(), &Value::Unknown)],
        _ => Vec::new(),
    }
}

fn has_unknown_block(v: &Value, name: &str) -> bool {
    blocks(v, name).iter().any(|(_, b)| b.is_unknown())
}

/// A list-or-scalar attribute as strings; None when anything is unknown.
fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    match v {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(Value::List(l)) => l.iter().map(|x| x.to_tf_string().ok()).collect(),
        Some(Value::Number(n)) => Some(vec![crate::value::fmt_number(*n)]),
        _ => None,
    }
}

fn get<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.as_map().and_then(|m| m.get(k))
}

fn scalar_eq(v: &Value, want: &serde_json::Value) -> Option<bool> {
    match want {
        serde_json::Value::Bool(b) => v.as_bool().map(|x| x == *b),
        serde_json::Value::Number(n) => v.as_f64().map(|x| Some(x) == n.as_f64()),
        serde_json::Value::String(s) => v
            .as_str()
            .map(|x| x == s)
            .or_else(|| v.to_tf_string().ok().map(|x| x == *s)),
        _ => None,
    }
}

fn apply_rule(rule: &Rule, r: &Resource) -> Vec<Hit> {
    let alts: Vec<&str> = rule.attr.split('|').collect();
    let mut found = None;
    for a in &alts {
        match look_r(r, a) {
            (Look::Missing, _) => {}
            (Look::Unknown, _) => return Vec::new(),
            (Look::Val(v), p) => {
                found = Some((v, p));
                break;
            }
        }
    }
    let Some((v, p)) = found else {
        if rule.missing.as_deref() == Some("fail") || rule.present {
            return hit(
                alts[0].split('.').next().unwrap_or_default(),
                format!("`{}` is not set", alts[0]),
            );
        }
        return Vec::new();
    };
    if let Some(want) = &rule.must
        && scalar_eq(v, want) == Some(false)
    {
        return hit(p, format!("`{}` is {}", alts[0], v.render()));
    }
    for f in &rule.forbid {
        if scalar_eq(v, f) == Some(true) {
            return hit(p, format!("`{}` is {}", alts[0], v.render()));
        }
    }
    if let Some(min) = rule.min
        && let Some(x) = v.as_f64()
        && x < min
    {
        return hit(p, format!("`{}` is {} (below {min})", alts[0], v.render()));
    }
    Vec::new()
}

// ---------------------------------------------------------------- code checks

const MODULE_PIN: &str = "iac/terraform-module-source-unpinned";

type CodeFn = fn(&Resource, &Model) -> Vec<Hit>;

fn code(id: &str) -> Option<CodeFn> {
    Some(match id.strip_prefix("iac/")? {
        "aws-s3-bucket-public-acl" => s3_public_acl,
        "aws-s3-bucket-public-access-block-missing" => s3_pab_missing,
        "aws-s3-bucket-unencrypted" => s3_unencrypted,
        "aws-s3-bucket-versioning-disabled" => s3_versioning,
        "aws-s3-bucket-logging-disabled" => s3_logging,
        "aws-s3-bucket-policy-public-principal" => s3_policy_public,
        "aws-security-group-ssh-open" => |r, _| sg_open(r, Some(22)),
        "aws-security-group-rdp-open" => |r, _| sg_open(r, Some(3389)),
        "aws-security-group-all-ports-open" => |r, _| sg_open(r, None),
        "aws-security-group-rule-description-missing" => sg_description,
        "aws-iam-policy-admin-access" => |r, _| iam(r, IamKind::Admin),
        "aws-iam-policy-wildcard-action" => |r, _| iam(r, IamKind::Action),
        "aws-iam-policy-wildcard-resource" => |r, _| iam(r, IamKind::Resource),
        "aws-iam-role-assume-wildcard-principal" => iam_assume,
        "aws-iam-policy-attached-to-user" => iam_user,
        "aws-kms-key-rotation-disabled" => kms_rotation,
        "aws-vpc-flow-logs-disabled" => vpc_flow_logs,
        "aws-instance-ebs-unencrypted" => instance_ebs,
        "aws-launch-template-ebs-unencrypted" => launch_template_ebs,
        "aws-instance-imdsv1-allowed" => imdsv1,
        "aws-eks-public-endpoint-open-cidr" => eks_public_cidr,
        "aws-eks-control-plane-logging-incomplete" => eks_logging,
        "aws-eks-secrets-unencrypted" => eks_secrets,
        "aws-sqs-queue-unencrypted" => sqs,
        "aws-lb-listener-http" => lb_http,
        "aws-alb-invalid-headers-kept" => alb_headers,
        "aws-cloudfront-http-allowed" => cloudfront,
        "gcp-gke-node-metadata-exposed" => gke_metadata,
        "gcp-gke-network-policy-disabled" => gke_netpol,
        "gcp-sql-authorized-network-open" => sql_open,
        "gcp-sql-ssl-not-required" => sql_ssl,
        "gcp-storage-bucket-public" => gcs_public,
        "gcp-compute-firewall-ssh-open" => |r, _| gcp_fw(r, 22),
        "gcp-compute-firewall-rdp-open" => |r, _| gcp_fw(r, 3389),
        "azure-aks-api-server-unrestricted" => aks_api,
        "azure-sql-firewall-open" => az_sql_fw,
        "azure-nsg-ssh-open" => |r, _| nsg(r, 22),
        "azure-nsg-rdp-open" => |r, _| nsg(r, 3389),
        _ => return None,
    })
}

/// Module calls: git sources need `?ref=` (a tag or commit), registry sources a `version`.
fn module_unpinned(m: &ModuleCall) -> Option<String> {
    let src = m.source.as_deref()?;
    if crate::eval::is_local_source(src) {
        return None;
    }
    let git = src.starts_with("git::")
        || src.starts_with("git@")
        || src.contains("github.com/")
        || src.contains("bitbucket.org/")
        || src.contains(".git");
    if git {
        if let Some(r) = git_ref(src) {
            // A commit SHA or a version tag pins; a branch (`main`) moves under you.
            let sha = r.len() >= 7 && r.len() <= 40 && r.bytes().all(|b| b.is_ascii_hexdigit());
            let version = r
                .trim_start_matches(['v', 'V'])
                .split(['.', '-', '+'])
                .next()
                .is_some_and(|major| {
                    !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit())
                });
            if sha || version {
                return None;
            }
            return Some(format!(
                "{}: git module source {src:?} uses ref {r:?}, a branch or non-version tag",
                m.address
            ));
        }
        return Some(format!(
            "{}: git module source {src:?} has no `?ref=`",
            m.address
        ));
    }
    if src.starts_with("http://")
        || src.starts_with("https://")
        || src.starts_with("s3::")
        || src.starts_with("gcs::")
    {
        return None;
    }
    // Registry address: [host/]namespace/name/provider.
    let parts = src.split("//").next().unwrap_or(src).split('/').count();
    if (3..=4).contains(&parts) {
        return match &m.version {
            None => Some(format!(
                "{}: registry module {src:?} has no `version`",
                m.address
            )),
            Some(Value::String(v)) if v.trim().is_empty() => Some(format!(
                "{}: registry module {src:?} has an empty `version`",
                m.address
            )),
            _ => None,
        };
    }
    None
}

/// The `ref` query parameter of a git module source.
fn git_ref(src: &str) -> Option<&str> {
    let (_, query) = src.split_once('?')?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("ref="))
        .map(|r| r.split("//").next().unwrap_or(r))
}

/// Resources of `types` that refer to `target` through `attr` (or carry the same known value).
fn linked<'m>(
    m: &'m Model,
    target: &Resource,
    types: &[&str],
    attr: &str,
    target_attr: &str,
) -> Vec<&'m Resource> {
    let tv = known_str(target, target_attr);
    m.resources
        .iter()
        .filter(|r| types.contains(&r.rtype.as_str()))
        .filter(|r| r.refers_to(attr, target) || (tv.is_some() && known_str(r, attr) == tv))
        .collect()
}

/// Whether some resource of `types` has an unknown link attribute (it could be the one).
fn maybe_linked(m: &Model, types: &[&str], attr: &str) -> bool {
    m.resources
        .iter()
        .filter(|r| types.contains(&r.rtype.as_str()))
        .any(|r| {
            r.refs.get(attr).is_none_or(Vec::is_empty) && !matches!(look_r(r, attr).0, Look::Val(_))
        })
}

const PUBLIC_ACLS: &[&str] = &["public-read", "public-read-write", "authenticated-read"];

fn s3_public_acl(r: &Resource, _: &Model) -> Vec<Hit> {
    if let Some(acl) = known_str(r, "acl")
        && PUBLIC_ACLS.contains(&acl)
    {
        return hit("acl", format!("ACL {acl:?} grants access to everyone"));
    }
    if r.rtype == "aws_s3_bucket_acl" {
        for (p, pol) in blocks(&r.attrs, "access_control_policy") {
            for (gp, g) in blocks(pol, "grant") {
                for (gep, ge) in blocks(g, "grantee") {
                    if let Some(uri) = get(ge, "uri").and_then(Value::as_str)
                        && (uri.ends_with("/global/AllUsers")
                            || uri.ends_with("/global/AuthenticatedUsers"))
                    {
                        return hit(format!("{p}.{gp}.{gep}.uri"), format!("grant to {uri}"));
                    }
                }
            }
        }
    }
    Vec::new()
}

fn s3_pab_missing(r: &Resource, m: &Model) -> Vec<Hit> {
    let types = ["aws_s3_bucket_public_access_block"];
    if maybe_linked(m, &types, "bucket")
        || m.resources
            .iter()
            .any(|x| x.rtype == "aws_s3_account_public_access_block")
    {
        return Vec::new();
    }
    let links = linked(m, r, &types, "bucket", "bucket");
    if links.is_empty() {
        return hit(
            "",
            "no aws_s3_bucket_public_access_block refers to this bucket",
        );
    }
    // Effective = blocks both new public ACLs and public policies (unknown counts as effective).
    let effective = |p: &Resource| {
        ["block_public_acls", "block_public_policy"]
            .iter()
            .all(|f| match look_r(p, f).0 {
                Look::Val(v) => v.as_bool() != Some(false),
                Look::Unknown => true,
                Look::Missing => false,
            })
    };
    if links.iter().any(|p| effective(p)) {
        return Vec::new();
    }
    hit(
        "",
        "its public access block does not set both `block_public_acls` and `block_public_policy`",
    )
}

fn s3_unencrypted(r: &Resource, m: &Model) -> Vec<Hit> {
    if !blocks(&r.attrs, "server_side_encryption_configuration").is_empty() {
        return Vec::new();
    }
    let types = ["aws_s3_bucket_server_side_encryption_configuration"];
    if !linked(m, r, &types, "bucket", "bucket").is_empty() || maybe_linked(m, &types, "bucket") {
        return Vec::new();
    }
    hit(
        "",
        "no server-side encryption configuration (inline or aws_s3_bucket_server_side_encryption_configuration)",
    )
}

fn s3_versioning(r: &Resource, m: &Model) -> Vec<Hit> {
    match look_r(r, "versioning.enabled") {
        (Look::Val(v), p) => {
            return match v.as_bool() {
                Some(false) => hit(p, "versioning is disabled"),
                _ => Vec::new(),
            };
        }
        (Look::Unknown, _) => return Vec::new(),
        (Look::Missing, _) => {}
    }
    let types = ["aws_s3_bucket_versioning"];
    let links = linked(m, r, &types, "bucket", "bucket");
    if links.is_empty() {
        if maybe_linked(m, &types, "bucket") {
            return Vec::new();
        }
        return hit(
            "",
            "no versioning (inline `versioning` or aws_s3_bucket_versioning)",
        );
    }
    for l in links {
        match known_str(l, "versioning_configuration.status") {
            Some("Enabled") | None => return Vec::new(),
            Some(_) => {}
        }
    }
    hit("", "aws_s3_bucket_versioning does not enable versioning")
}

fn s3_logging(r: &Resource, m: &Model) -> Vec<Hit> {
    if !blocks(&r.attrs, "logging").is_empty() {
        return Vec::new();
    }
    let types = ["aws_s3_bucket_logging"];
    if !linked(m, r, &types, "bucket", "bucket").is_empty() || maybe_linked(m, &types, "bucket") {
        return Vec::new();
    }
    hit(
        "",
        "no access logging (inline `logging` or aws_s3_bucket_logging)",
    )
}

// ---- IAM policy documents

struct Stmt {
    allow: bool,
    actions: Vec<String>,
    not_actions: bool,
    resources: Vec<String>,
    principal_star: bool,
    conditioned: bool,
    path: String,
}

fn json_strings(v: Option<&serde_json::Value>) -> Vec<String> {
    // Unknown parts (marked) are dropped: they are neither "*" nor a known action.
    let known = |s: &str| !s.contains(crate::value::UNKNOWN_MARK);
    match v {
        Some(serde_json::Value::String(s)) if known(s) => vec![s.clone()],
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().filter(|s| known(s)).map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn principal_star(p: Option<&serde_json::Value>) -> bool {
    match p {
        Some(serde_json::Value::String(s)) => s == "*",
        Some(serde_json::Value::Object(o)) => o
            .get("AWS")
            .is_some_and(|a| json_strings(Some(a)).iter().any(|s| s == "*")),
        _ => false,
    }
}

/// Statements of a JSON policy held in `attr`; None when unknown or not JSON.
fn json_statements(r: &Resource, attr: &str) -> Option<Vec<Stmt>> {
    let text = raw_str(r, attr)?;
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let st = doc.get("Statement")?;
    let list: Vec<&serde_json::Value> = match st {
        serde_json::Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    Some(
        list.into_iter()
            .map(|s| Stmt {
                allow: s.get("Effect").and_then(|e| e.as_str()) == Some("Allow"),
                actions: json_strings(s.get("Action")),
                not_actions: s.get("NotAction").is_some(),
                resources: json_strings(s.get("Resource")),
                principal_star: principal_star(s.get("Principal")),
                conditioned: s.get("Condition").is_some(),
                path: attr.to_string(),
            })
            .collect(),
    )
}

/// Statements of a data "aws_iam_policy_document"; unknown parts are skipped.
fn doc_statements(r: &Resource) -> Vec<Stmt> {
    let mut out = Vec::new();
    for (p, s) in blocks(&r.attrs, "statement") {
        let Some(actions) = strings(get(s, "actions")) else {
            continue;
        };
        let Some(resources) = strings(get(s, "resources")) else {
            continue;
        };
        let effect = get(s, "effect").map_or(Some("Allow"), Value::as_str);
        let Some(effect) = effect else { continue };
        let principal_star = blocks(s, "principals").iter().any(|(_, pr)| {
            get(pr, "type").and_then(Value::as_str) == Some("AWS")
                && strings(get(pr, "identifiers")).is_some_and(|i| i.iter().any(|x| x == "*"))
        }) || blocks(s, "principals")
            .iter()
            .any(|(_, pr)| get(pr, "type").and_then(Value::as_str) == Some("*"));
        out.push(Stmt {
            allow: effect == "Allow",
            actions,
            not_actions: get(s, "not_actions").is_some(),
            resources,
            principal_star,
            conditioned: !blocks(s, "condition").is_empty(),
            path: p,
        });
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum IamKind {
    Admin,
    Action,
    Resource,
}

fn statements(r: &Resource) -> Vec<Stmt> {
    if r.mode == Mode::Data {
        doc_statements(r)
    } else {
        json_statements(r, "policy").unwrap_or_default()
    }
}

fn is_read_only(action: &str) -> bool {
    let verb = action.split_once(':').map_or(action, |(_, v)| v);
    !verb.contains('*')
        && [
            "Get",
            "List",
            "Describe",
            "Head",
            "View",
            "Lookup",
            "Search",
            "Query",
            "Scan",
            "Batch Get",
        ]
        .iter()
        .any(|p| verb.starts_with(p))
}

fn iam(r: &Resource, kind: IamKind) -> Vec<Hit> {
    for s in statements(r) {
        if !s.allow || s.not_actions {
            continue;
        }
        let star_action = s.actions.iter().any(|a| a == "*" || a == "*:*");
        let star_res = s.resources.iter().any(|x| x == "*");
        match kind {
            IamKind::Admin if star_action && star_res => {
                return hit(
                    s.path,
                    "allows Action \"*\" on Resource \"*\" (full administrator access)",
                );
            }
            IamKind::Action if star_action => return hit(s.path, "allows every action (\"*\")"),
            IamKind::Resource if star_res => {
                if let Some(a) = s.actions.iter().find(|a| !is_read_only(a)) {
                    return hit(s.path, format!("allows {a:?} on Resource \"*\""));
                }
            }
            _ => {}
        }
    }
    Vec::new()
}

fn iam_assume(r: &Resource, _: &Model) -> Vec<Hit> {
    for s in json_statements(r, "assume_role_policy").unwrap_or_default() {
        if s.allow && s.principal_star && !s.conditioned {
            return hit(
                "assume_role_policy",
                "any AWS principal can assume this role",
            );
        }
    }
    Vec::new()
}

fn s3_policy_public(r: &Resource, _: &Model) -> Vec<Hit> {
    for s in json_statements(r, "policy").unwrap_or_default() {
        if s.allow && s.principal_star && !s.conditioned {
            return hit(
                "policy",
                "allows actions to any principal (\"*\") without a condition",
            );
        }
    }
    Vec::new()
}

fn iam_user(r: &Resource, _: &Model) -> Vec<Hit> {
    if r.rtype == "aws_iam_policy_attachment" {
        return match strings(r.get("users")) {
            Some(u) if !u.is_empty() => hit("users", "policy attached directly to users"),
            _ => Vec::new(),
        };
    }
    hit("user", "policy attached directly to a user")
}

fn kms_rotation(r: &Resource, _: &Model) -> Vec<Hit> {
    let spec = known_str(r, "customer_master_key_spec").or_else(|| known_str(r, "key_spec"));
    if spec.is_some_and(|s| s != "SYMMETRIC_DEFAULT")
        || known_str(r, "key_usage").is_some_and(|u| u != "ENCRYPT_DECRYPT")
    {
        return Vec::new();
    }
    match look_r(r, "enable_key_rotation") {
        (Look::Missing, _) => hit("", "`enable_key_rotation` is not set"),
        (Look::Val(v), p) if v.as_bool() == Some(false) => hit(p, "`enable_key_rotation` is false"),
        _ => Vec::new(),
    }
}

fn vpc_flow_logs(r: &Resource, m: &Model) -> Vec<Hit> {
    let types = ["aws_flow_log"];
    if !linked(m, r, &types, "vpc_id", "id").is_empty() || maybe_linked(m, &types, "vpc_id") {
        return Vec::new();
    }
    hit("", "no aws_flow_log refers to this VPC")
}

fn unencrypted_blocks(r: &Resource, names: &[&str]) -> Vec<Hit> {
    for n in names {
        for (p, b) in blocks(&r.attrs, n) {
            if b.is_unknown() || get(b, "snapshot_id").is_some_and(|s| !matches!(s, Value::Null)) {
                continue;
            }
            match get(b, "encrypted") {
                Some(v) if v.as_bool() == Some(true) || v.is_unknown() => {}
                Some(v) if v.as_bool() == Some(false) => {
                    return hit(format!("{p}.encrypted"), format!("`{n}` is not encrypted"));
                }
                Some(_) => {}
                None => return hit(p, format!("`{n}` does not set `encrypted = true`")),
            }
        }
    }
    Vec::new()
}

fn instance_ebs(r: &Resource, _: &Model) -> Vec<Hit> {
    if is_missing(r, "root_block_device") {
        return hit(
            "",
            "no `root_block_device { encrypted = true }` (the root disk is unencrypted unless account-level EBS encryption is on)",
        );
    }
    unencrypted_blocks(r, &["root_block_device", "ebs_block_device"])
}

fn launch_template_ebs(r: &Resource, _: &Model) -> Vec<Hit> {
    for (p, b) in blocks(&r.attrs, "block_device_mappings") {
        if get(b, "virtual_name").is_some() || get(b, "no_device").is_some() {
            continue;
        }
        for (ep, e) in blocks(b, "ebs") {
            if e.is_unknown() || get(e, "snapshot_id").is_some() {
                continue;
            }
            match get(e, "encrypted") {
                Some(v) if v.as_bool() == Some(false) => {
                    return hit(
                        format!("{p}.{ep}.encrypted"),
                        "EBS mapping is not encrypted",
                    );
                }
                None => {
                    return hit(
                        format!("{p}.{ep}"),
                        "EBS mapping does not set `encrypted = true`",
                    );
                }
                _ => {}
            }
        }
    }
    Vec::new()
}

fn imdsv1(r: &Resource, _: &Model) -> Vec<Hit> {
    if known_str(r, "metadata_options.http_endpoint") == Some("disabled") {
        return Vec::new();
    }
    match look_r(r, "metadata_options.http_tokens") {
        (Look::Val(v), p) if v.as_str() != Some("required") => hit(
            p,
            format!("`http_tokens` is {} (IMDSv1 allowed)", v.render()),
        ),
        (Look::Missing, _) if !has_unknown_block(&r.attrs, "metadata_options") => hit(
            "metadata_options",
            "`metadata_options.http_tokens` is not \"required\" (IMDSv1 allowed)",
        ),
        _ => Vec::new(),
    }
}

fn eks_public_cidr(r: &Resource, _: &Model) -> Vec<Hit> {
    if known_bool(r, "vpc_config.endpoint_public_access") == Some(false) {
        return Vec::new();
    }
    match look_r(r, "vpc_config.public_access_cidrs") {
        (Look::Missing, _) if !is_missing(r, "vpc_config") => hit(
            "vpc_config",
            "public endpoint without `public_access_cidrs` (open to 0.0.0.0/0)",
        ),
        (Look::Val(v), p) => match strings(Some(v)) {
            Some(c) if c.iter().any(|x| x == "0.0.0.0/0") => {
                hit(p, "public endpoint open to 0.0.0.0/0")
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn eks_logging(r: &Resource, _: &Model) -> Vec<Hit> {
    let want = [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ];
    match look_r(r, "enabled_cluster_log_types") {
        (Look::Missing, _) => hit(
            "",
            "control-plane logging is off (`enabled_cluster_log_types` not set)",
        ),
        (Look::Val(v), p) => match strings(Some(v)) {
            Some(have) => {
                let miss: Vec<&str> = want
                    .iter()
                    .copied()
                    .filter(|w| !have.iter().any(|h| h == w))
                    .collect();
                if miss.is_empty() {
                    Vec::new()
                } else {
                    hit(p, format!("log types missing: {}", miss.join(", ")))
                }
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn eks_secrets(r: &Resource, _: &Model) -> Vec<Hit> {
    let bl = blocks(&r.attrs, "encryption_config");
    if bl.iter().any(|(_, b)| b.is_unknown()) {
        return Vec::new();
    }
    for (_, b) in &bl {
        match strings(get(b, "resources")) {
            Some(res) if res.iter().any(|x| x == "secrets") => return Vec::new(),
            None => return Vec::new(),
            _ => {}
        }
    }
    hit(
        bl.first().map_or(String::new(), |(p, _)| p.clone()),
        "Kubernetes secrets are not envelope-encrypted with KMS",
    )
}

fn sqs(r: &Resource, _: &Model) -> Vec<Hit> {
    if !is_missing(r, "kms_master_key_id") {
        return Vec::new();
    }
    match look_r(r, "sqs_managed_sse_enabled") {
        (Look::Val(v), p) if v.as_bool() == Some(false) => {
            hit(p, "`sqs_managed_sse_enabled` is false and no KMS key")
        }
        (Look::Missing, _) => hit(
            "",
            "neither `kms_master_key_id` nor `sqs_managed_sse_enabled = true`",
        ),
        _ => Vec::new(),
    }
}

fn lb_http(r: &Resource, _: &Model) -> Vec<Hit> {
    match look_r(r, "protocol") {
        (Look::Val(v), p) if v.as_str() == Some("HTTP") => {
            let redirects = blocks(&r.attrs, "default_action").iter().any(|(_, a)| {
                a.is_unknown()
                    || get(a, "type")
                        .is_some_and(|t| t.as_str() == Some("redirect") || t.is_unknown())
                    || get(a, "redirect")
                        .is_some_and(|x| !matches!(x, Value::List(l) if l.is_empty()))
            });
            if redirects {
                Vec::new()
            } else {
                hit(p, "listener serves plain HTTP without redirecting to HTTPS")
            }
        }
        _ => Vec::new(),
    }
}

fn alb_headers(r: &Resource, _: &Model) -> Vec<Hit> {
    match known_str(r, "load_balancer_type") {
        None if !is_missing(r, "load_balancer_type") => return Vec::new(),
        Some(t) if t != "application" => return Vec::new(),
        _ => {}
    }
    match look_r(r, "drop_invalid_header_fields") {
        (Look::Missing, _) => hit("", "`drop_invalid_header_fields` is not set"),
        (Look::Val(v), p) if v.as_bool() == Some(false) => {
            hit(p, "`drop_invalid_header_fields` is false")
        }
        _ => Vec::new(),
    }
}

fn cloudfront(r: &Resource, _: &Model) -> Vec<Hit> {
    for n in ["default_cache_behavior", "ordered_cache_behavior"] {
        for (p, b) in blocks(&r.attrs, n) {
            if get(b, "viewer_protocol_policy").and_then(Value::as_str) == Some("allow-all") {
                return hit(
                    format!("{p}.viewer_protocol_policy"),
                    format!("`{n}` allows plain HTTP (allow-all)"),
                );
            }
        }
    }
    Vec::new()
}

fn gke_metadata(r: &Resource, m: &Model) -> Vec<Hit> {
    let wi = r.rtype == "google_container_cluster"
        && !blocks(&r.attrs, "workload_identity_config").is_empty();
    let cluster_wi = r.rtype == "google_container_node_pool"
        && m.resources.iter().any(|c| {
            c.rtype == "google_container_cluster"
                && r.refers_to("cluster", c)
                && !blocks(&c.attrs, "workload_identity_config").is_empty()
        });
    let nodes = blocks(&r.attrs, "node_config");
    if nodes.is_empty()
        && r.rtype == "google_container_cluster"
        && !wi
        && known_bool(r, "remove_default_node_pool") != Some(true)
        && !matches!(look_r(r, "remove_default_node_pool").0, Look::Unknown)
        && blocks(&r.attrs, "node_pool").is_empty()
    {
        return hit(
            "",
            "the default node pool exposes the Compute Engine metadata server (no workload identity, no workload_metadata_config)",
        );
    }
    for (p, n) in nodes {
        if n.is_unknown() {
            continue;
        }
        let wm = blocks(n, "workload_metadata_config");
        match wm.first() {
            Some((wp, w)) => {
                let mode = get(w, "mode").or_else(|| get(w, "node_metadata"));
                if let Some(Value::String(s)) = mode
                    && s != "GKE_METADATA"
                    && s != "GKE_METADATA_SERVER"
                {
                    return hit(
                        format!("{p}.{wp}"),
                        format!("node metadata mode is {s} (instance metadata exposed to pods)"),
                    );
                }
            }
            None if !wi && !cluster_wi => {
                return hit(
                    p,
                    "nodes expose the Compute Engine metadata server (no workload_metadata_config GKE_METADATA)",
                );
            }
            None => {}
        }
    }
    Vec::new()
}

fn gke_netpol(r: &Resource, _: &Model) -> Vec<Hit> {
    match known_str(r, "datapath_provider") {
        Some("ADVANCED_DATAPATH") => return Vec::new(),
        None if !is_missing(r, "datapath_provider") => return Vec::new(),
        _ => {}
    }
    match look_r(r, "network_policy.enabled") {
        (Look::Val(v), p) if v.as_bool() == Some(false) => {
            hit(p, "network policy enforcement is disabled")
        }
        (Look::Missing, _) => hit(
            "",
            "network policy enforcement is not enabled (`network_policy`)",
        ),
        _ => Vec::new(),
    }
}

fn sql_open(r: &Resource, _: &Model) -> Vec<Hit> {
    for (sp, s) in blocks(&r.attrs, "settings") {
        for (ip, i) in blocks(s, "ip_configuration") {
            for (np, n) in blocks(i, "authorized_networks") {
                if get(n, "value").and_then(Value::as_str) == Some("0.0.0.0/0") {
                    return hit(
                        format!("{sp}.{ip}.{np}.value"),
                        "authorized network 0.0.0.0/0 (the whole internet)",
                    );
                }
            }
        }
    }
    Vec::new()
}

fn sql_ssl(r: &Resource, _: &Model) -> Vec<Hit> {
    if known_str(r, "database_version").is_some_and(|v| v.starts_with("SQLSERVER")) {
        return Vec::new();
    }
    match look_r(r, "settings.ip_configuration") {
        (Look::Unknown, _) => return Vec::new(),
        (Look::Missing, _) => {
            return hit(
                "settings",
                "SSL is not required for connections (`ip_configuration` unset)",
            );
        }
        _ => {}
    }
    let ssl_mode = look_r(r, "settings.ip_configuration.ssl_mode");
    let require = look_r(r, "settings.ip_configuration.require_ssl");
    match (ssl_mode, require) {
        ((Look::Unknown, _), _) | (_, (Look::Unknown, _)) => Vec::new(),
        ((Look::Val(v), _), _)
            if matches!(
                v.as_str(),
                Some("ENCRYPTED_ONLY" | "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
            ) =>
        {
            Vec::new()
        }
        (_, (Look::Val(v), _)) if v.as_bool() == Some(true) => Vec::new(),
        ((Look::Val(v), p), _) => hit(p, format!("`ssl_mode` is {}", v.render())),
        (_, (Look::Val(_), p)) => hit(p, "`require_ssl` is false"),
        _ => {
            let (_, p) = look_r(r, "settings.ip_configuration");
            hit(p, "SSL is not required for connections")
        }
    }
}

fn gcs_public(r: &Resource, _: &Model) -> Vec<Hit> {
    let attr = if r.rtype == "google_storage_bucket_iam_binding" {
        "members"
    } else {
        "member"
    };
    match strings(r.get(attr)) {
        Some(m) => match m
            .iter()
            .find(|x| *x == "allUsers" || *x == "allAuthenticatedUsers")
        {
            Some(x) => hit(
                attr,
                format!("grants {} to {x}", known_str(r, "role").unwrap_or("a role")),
            ),
            None => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// Whether a port spec list (`["22", "1000-2000"]`, empty = all) covers `port`; None if unknown.
fn ports_cover(ports: Option<&Value>, port: u32) -> Option<bool> {
    let list = match ports {
        None | Some(Value::Null) => return Some(true),
        Some(v) => strings(Some(v))?,
    };
    if list.is_empty() {
        return Some(true);
    }
    Some(list.iter().any(|p| port_range_covers(p, port)))
}

fn port_range_covers(p: &str, port: u32) -> bool {
    let p = p.trim();
    if p == "*" {
        return true;
    }
    match p.split_once('-') {
        Some((a, b)) => match (a.trim().parse::<u32>(), b.trim().parse::<u32>()) {
            (Ok(a), Ok(b)) => a <= port && port <= b,
            _ => false,
        },
        None => p.parse::<u32>() == Ok(port),
    }
}

fn gcp_fw(r: &Resource, port: u32) -> Vec<Hit> {
    if known_str(r, "direction").is_some_and(|d| d != "INGRESS")
        || known_bool(r, "disabled") == Some(true)
    {
        return Vec::new();
    }
    let Some(src) = strings(r.get("source_ranges")) else {
        return Vec::new();
    };
    if !src.iter().any(|s| s == "0.0.0.0/0" || s == "::/0") {
        return Vec::new();
    }
    for (p, a) in blocks(&r.attrs, "allow") {
        let proto = get(a, "protocol").and_then(Value::as_str).unwrap_or("");
        if (proto == "tcp" || proto == "all" || proto == "6")
            && ports_cover(get(a, "ports"), port) == Some(true)
        {
            return hit(p, format!("allows port {port} from the internet"));
        }
    }
    Vec::new()
}

fn aks_api(r: &Resource, _: &Model) -> Vec<Hit> {
    if known_bool(r, "private_cluster_enabled") == Some(true) {
        return Vec::new();
    }
    for path in [
        "api_server_access_profile.authorized_ip_ranges",
        "api_server_authorized_ip_ranges",
    ] {
        match look_r(r, path) {
            (Look::Unknown, _) => return Vec::new(),
            (Look::Val(v), p) => {
                return match strings(Some(v)) {
                    Some(l) if l.is_empty() => hit(p, "API server reachable from any address"),
                    Some(l) if l.iter().any(|x| x == "0.0.0.0/0") => {
                        hit(p, "API server open to 0.0.0.0/0")
                    }
                    _ => Vec::new(),
                };
            }
            (Look::Missing, _) => {}
        }
    }
    hit(
        "",
        "API server is public and `authorized_ip_ranges` is not set",
    )
}

fn az_sql_fw(r: &Resource, _: &Model) -> Vec<Hit> {
    if known_str(r, "start_ip_address") == Some("0.0.0.0")
        && known_str(r, "end_ip_address") == Some("255.255.255.255")
    {
        return hit(
            "start_ip_address",
            "firewall rule allows every IPv4 address",
        );
    }
    Vec::new()
}

fn nsg_rule_open(rule: &Value, port: u32) -> bool {
    let s = |k: &str| {
        get(rule, k)
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
    };
    if s("direction").as_deref() != Some("inbound") || s("access").as_deref() != Some("allow") {
        return false;
    }
    if !matches!(s("protocol").as_deref(), Some("tcp" | "*")) {
        return false;
    }
    let open = |v: &str| {
        matches!(
            v,
            "*" | "0.0.0.0/0" | "internet" | "any" | "0.0.0.0" | "::/0"
        )
    };
    let src_open = s("source_address_prefix").is_some_and(|v| open(&v))
        || strings(get(rule, "source_address_prefixes"))
            .is_some_and(|l| l.iter().any(|v| open(&v.to_ascii_lowercase())));
    if !src_open {
        return false;
    }
    let mut ports: Vec<String> = s("destination_port_range").into_iter().collect();
    ports.extend(strings(get(rule, "destination_port_ranges")).unwrap_or_default());
    ports.iter().any(|p| port_range_covers(p, port))
}

fn nsg(r: &Resource, port: u32) -> Vec<Hit> {
    if r.rtype == "azurerm_network_security_rule" {
        return if nsg_rule_open(&r.attrs, port) {
            hit(
                "destination_port_range",
                format!("inbound rule allows port {port} from the internet"),
            )
        } else {
            Vec::new()
        };
    }
    for (p, rule) in blocks(&r.attrs, "security_rule") {
        if nsg_rule_open(rule, port) {
            return hit(
                p,
                format!("inbound rule allows port {port} from the internet"),
            );
        }
    }
    Vec::new()
}

// ---- security groups

/// (path, from, to, protocol, cidrs) of every ingress rule of a group or rule resource.
fn sg_ingress(r: &Resource) -> Vec<(String, Value, Value, Value, Vec<String>)> {
    let cidrs = |b: &Value, keys: &[&str]| -> Vec<String> {
        keys.iter()
            .flat_map(|k| strings(get(b, k)).unwrap_or_default())
            .collect()
    };
    let field = |b: &Value, k: &str| get(b, k).cloned().unwrap_or(Value::Null);
    match r.rtype.as_str() {
        "aws_security_group" => blocks(&r.attrs, "ingress")
            .into_iter()
            .map(|(p, b)| {
                (
                    p,
                    field(b, "from_port"),
                    field(b, "to_port"),
                    field(b, "protocol"),
                    cidrs(b, &["cidr_blocks", "ipv6_cidr_blocks"]),
                )
            })
            .collect(),
        "aws_security_group_rule" if known_str(r, "type") == Some("ingress") => vec![(
            String::new(),
            field(&r.attrs, "from_port"),
            field(&r.attrs, "to_port"),
            field(&r.attrs, "protocol"),
            cidrs(&r.attrs, &["cidr_blocks", "ipv6_cidr_blocks"]),
        )],
        "aws_vpc_security_group_ingress_rule" => vec![(
            String::new(),
            field(&r.attrs, "from_port"),
            field(&r.attrs, "to_port"),
            field(&r.attrs, "ip_protocol"),
            cidrs(&r.attrs, &["cidr_ipv4", "cidr_ipv6"]),
        )],
        _ => Vec::new(),
    }
}

fn sg_open(r: &Resource, port: Option<u32>) -> Vec<Hit> {
    for (p, from, to, proto, cidrs) in sg_ingress(r) {
        let Some(open) = cidrs.iter().find(|c| *c == "0.0.0.0/0" || *c == "::/0") else {
            continue;
        };
        let proto = proto
            .to_tf_string()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let all_proto = matches!(proto.as_str(), "-1" | "all");
        let (f, t) = (from.as_f64(), to.as_f64());
        let cidr_path = |p: &str, ipv6: bool| {
            let k = match (r.rtype.as_str(), ipv6) {
                ("aws_vpc_security_group_ingress_rule", false) => "cidr_ipv4",
                ("aws_vpc_security_group_ingress_rule", true) => "cidr_ipv6",
                (_, false) => "cidr_blocks",
                (_, true) => "ipv6_cidr_blocks",
            };
            if p.is_empty() {
                k.to_string()
            } else {
                format!("{p}.{k}")
            }
        };
        let loc = cidr_path(&p, open == "::/0");
        match port {
            Some(port) => {
                let tcp = all_proto || matches!(proto.as_str(), "tcp" | "6");
                let covers = all_proto
                    || matches!((f, t), (Some(f), Some(t)) if f <= f64::from(port) && f64::from(port) <= t);
                if tcp && covers {
                    return hit(loc, format!("ingress from {open} reaches port {port}"));
                }
            }
            None => {
                let everything =
                    all_proto || matches!((f, t), (Some(f), Some(t)) if f <= 1.0 && t >= 65535.0);
                if everything {
                    return hit(loc, format!("ingress from {open} on all ports"));
                }
            }
        }
    }
    Vec::new()
}

fn sg_description(r: &Resource, _: &Model) -> Vec<Hit> {
    if r.rtype != "aws_security_group" {
        return if is_missing(r, "description") {
            hit("", "rule has no description")
        } else {
            Vec::new()
        };
    }
    for n in ["ingress", "egress"] {
        for (p, b) in blocks(&r.attrs, n) {
            if b.as_map().is_some_and(|m| !m.contains_key("description")) {
                return hit(p, format!("`{n}` rule has no description"));
            }
        }
    }
    if is_missing(r, "description") {
        return hit("", "security group has no description");
    }
    Vec::new()
}
