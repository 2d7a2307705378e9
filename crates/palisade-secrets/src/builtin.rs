//! The built-in rules, embedded at build time: one YAML file per provider family.

use palisade_engine::LoadError;

use crate::{Rule, parse_yaml_rules};

/// `(file name, contents)` of every built-in rule file.
pub const FILES: &[(&str, &str)] = &[
    ("aws.yml", include_str!("../rules/aws.yml")),
    ("gcp.yml", include_str!("../rules/gcp.yml")),
    ("azure.yml", include_str!("../rules/azure.yml")),
    ("github.yml", include_str!("../rules/github.yml")),
    ("gitlab.yml", include_str!("../rules/gitlab.yml")),
    ("slack.yml", include_str!("../rules/slack.yml")),
    ("payments.yml", include_str!("../rules/payments.yml")),
    ("comms.yml", include_str!("../rules/comms.yml")),
    ("registries.yml", include_str!("../rules/registries.yml")),
    ("ai.yml", include_str!("../rules/ai.yml")),
    (
        "observability.yml",
        include_str!("../rules/observability.yml"),
    ),
    ("devops.yml", include_str!("../rules/devops.yml")),
    ("saas.yml", include_str!("../rules/saas.yml")),
    ("keys.yml", include_str!("../rules/keys.yml")),
    ("urls.yml", include_str!("../rules/urls.yml")),
    ("generic.yml", include_str!("../rules/generic.yml")),
];

pub fn rules() -> Result<Vec<Rule>, LoadError> {
    let mut out = Vec::new();
    for (name, text) in FILES {
        out.extend(parse_yaml_rules(text, &format!("builtin:{name}"))?);
    }
    Ok(out)
}
