//! `[deps]` of palisade.toml as the deps engine's hygiene policy.

use std::sync::OnceLock;

use palisade_config::Config;
use palisade_sca::{HygienePolicy, LicensePolicy};

/// `palisade deps --type FORMAT`: set once by the command before its scan is prepared.
static FORCED_FORMAT: OnceLock<palisade_lockfile::Format> = OnceLock::new();

/// Records `--type` for the deps engine of this process's scan.
pub(crate) fn force_format(format: palisade_lockfile::Format) {
    let _ = FORCED_FORMAT.set(format);
}

/// The format `--type` forces, if any.
pub(crate) fn forced_format() -> Option<palisade_lockfile::Format> {
    FORCED_FORMAT.get().copied()
}

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
