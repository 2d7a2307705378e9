//! `palisade iac`: the IaC engine with the custom policies of the command line and of
//! `[iac] policies` in palisade.toml, and Terraform (`--var`, `--var-file`, `[iac] vars`,
//! `[iac] var-files`), and Helm values (`--values FILE`, `--set KEY=VALUE`). The command
//! itself is `scan` restricted to `iac`.

use std::path::{Path, PathBuf};

use palisade_config::Config;
use palisade_engine::{Engine, LoadError};
use palisade_iac::IacEngine;
use palisade_iac::chart::HelmOptions;
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
    /// Helm values files: `[iac] helm-values`, then `--values`.
    pub helm_values: Vec<PathBuf>,
    /// Helm `--set` arguments: `[iac] helm-set`, then `--set`.
    pub helm_set: Vec<String>,
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
        helm_values: config
            .iac
            .helm_values
            .iter()
            .map(|p| config.resolve(p))
            .chain(args.helm_values.iter().cloned())
            .collect(),
        helm_set: config
            .iac
            .helm_set
            .iter()
            .chain(args.helm_set.iter())
            .cloned()
            .collect(),
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
    e.set_helm_options(helm_options(options)?);
    e.add_external(Box::new(Terraform::new(TfOptions {
        vars: options.vars.clone(),
        var_files: options.var_files.clone(),
        ..TfOptions::default()
    })));
    Ok(Box::new(e))
}

/// `--values` files read and `--set`s parsed; a bad one stops the scan with its name.
fn helm_options(options: &Options) -> Result<HelmOptions, LoadError> {
    let mut h = HelmOptions::default();
    for f in &options.helm_values {
        let shown = f.display().to_string();
        let text = std::fs::read_to_string(f).map_err(|e| LoadError::Rules {
            path: shown.clone(),
            message: format!("cannot read Helm values file: {e}"),
        })?;
        h.add_values_file(&shown, &text)
            .map_err(|message| LoadError::Rules {
                path: shown.clone(),
                message,
            })?;
    }
    for s in &options.helm_set {
        h.add_set(s).map_err(|message| LoadError::Rules {
            path: "--set".into(),
            message,
        })?;
    }
    Ok(h)
}
