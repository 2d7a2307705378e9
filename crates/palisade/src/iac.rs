//! `palisade iac`: the IaC engine with the custom policies of the command line and of
//! `[iac] policies` in palisade.toml, and Terraform (`--var`, `--var-file`, `[iac] vars`,
//! `[iac] var-files`). The command itself is `scan` restricted to `iac`.

use std::path::{Path, PathBuf};

use palisade_config::Config;
use palisade_engine::{Engine, LoadError};
use palisade_iac::IacEngine;
use palisade_iac::terraform::{Terraform, TfOptions};

use crate::cli::ScanArgs;

/// What the IaC engine needs from the command line and the configuration.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Policy files or directories.
    pub policies: Vec<PathBuf>,
    /// The scanned directories (Kustomize overlays under them are rendered).
    pub roots: Vec<PathBuf>,
    /// Terraform variables: `[iac] vars`, then `--var` (later wins).
    pub vars: Vec<(String, String)>,
    /// Terraform variable files: `[iac] var-files`, then `--var-file`.
    pub var_files: Vec<PathBuf>,
}

/// `--policies` paths, then `[iac] policies` resolved against the config file.
pub fn options(args: &ScanArgs, config: &Config) -> Options {
    let mut policies = args.policies.clone();
    policies.extend(config.iac.policies.iter().map(|p| config.resolve(p)));
    let mut vars: Vec<(String, String)> = config
        .iac
        .vars
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    vars.extend(args.vars.iter().cloned());
    let mut var_files: Vec<PathBuf> = config
        .iac
        .var_files
        .iter()
        .map(|p| config.resolve(p))
        .collect();
    var_files.extend(args.var_files.iter().cloned());
    Options {
        policies,
        roots: args.paths.clone(),
        vars,
        var_files,
    }
}

/// `--var NAME=VALUE`.
pub fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}`: expected NAME=VALUE")),
    }
}

/// The IaC engine with the built-in checks and the given policy files or directories.
pub fn engine(options: &Options) -> Result<Box<dyn Engine>, LoadError> {
    let paths: Vec<&Path> = options.policies.iter().map(PathBuf::as_path).collect();
    let mut e = IacEngine::with_policy_dirs(&paths)?;
    e.set_roots(&options.roots);
    e.add_external(Box::new(Terraform::new(TfOptions {
        vars: options.vars.clone(),
        var_files: options.var_files.clone(),
        ..TfOptions::default()
    })));
    Ok(Box::new(e))
}
