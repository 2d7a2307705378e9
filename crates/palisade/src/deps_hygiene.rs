//! `[deps]` of palisade.toml as the deps engine's hygiene policy.

use palisade_config::Config;
use palisade_sca::{HygienePolicy, LicensePolicy};

/// The hygiene policy palisade.toml's `[deps]` section describes.
pub(crate) fn policy(config: &Config) -> HygienePolicy {
    HygienePolicy {
        internal_prefixes: config.deps.internal_prefixes.clone(),
        typosquat_allow: config.deps.typosquat_allow.clone(),
        licenses: LicensePolicy {
            allow: config.deps.licenses.allow.clone(),
            deny: config.deps.licenses.deny.clone(),
        },
    }
}
