//! `palisade iac`: the IaC engine with the custom policies of the command line and of
//! `[iac] policies` in palisade.toml. The command itself is `scan` restricted to `iac`.

use std::path::{Path, PathBuf};

use palisade_config::Config;
use palisade_engine::{Engine, LoadError};
use palisade_iac::IacEngine;

use crate::cli::ScanArgs;

/// What the IaC engine needs from the command line and the configuration.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Policy files or directories.
    pub policies: Vec<PathBuf>,
    /// The scanned directories (Kustomize overlays under them are rendered).
    pub roots: Vec<PathBuf>,
}

/// `--policies` paths, then `[iac] policies` resolved against the config file.
pub fn options(args: &ScanArgs, config: &Config) -> Options {
    let mut policies = args.policies.clone();
    policies.extend(config.iac.policies.iter().map(|p| config.resolve(p)));
    Options {
        policies,
        roots: args.paths.clone(),
    }
}

/// The IaC engine with the built-in checks and the given policy files or directories.
pub fn engine(options: &Options) -> Result<Box<dyn Engine>, LoadError> {
    let paths: Vec<&Path> = options.policies.iter().map(PathBuf::as_path).collect();
    let mut e = IacEngine::with_policy_dirs(&paths)?;
    e.set_roots(&options.roots);
    Ok(Box::new(e))
}
