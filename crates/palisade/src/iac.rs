//! `palisade iac`: the IaC engine with the custom policies of the command line and of
//! `[iac] policies` in palisade.toml. The command itself is `scan` restricted to `iac`.

use std::path::{Path, PathBuf};

use palisade_config::Config;
use palisade_engine::{Engine, LoadError};
use palisade_iac::IacEngine;

use crate::cli::ScanArgs;

/// `--policies` paths, then `[iac] policies` resolved against the config file.
pub fn policy_paths(args: &ScanArgs, config: &Config) -> Vec<PathBuf> {
    let mut out = args.policies.clone();
    out.extend(config.iac.policies.iter().map(|p| config.resolve(p)));
    out
}

/// The IaC engine with the built-in checks and the given policy files or directories.
pub fn engine(policies: &[PathBuf]) -> Result<Box<dyn Engine>, LoadError> {
    let paths: Vec<&Path> = policies.iter().map(PathBuf::as_path).collect();
    IacEngine::with_policy_dirs(&paths).map(|e| Box::new(e) as Box<dyn Engine>)
}
