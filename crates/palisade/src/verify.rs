//! `palisade verify ARTIFACT --bundle FILE --trusted-root FILE`: offline sigstore bundle
//! verification, with optional SLSA provenance policy.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use palisade_verify::provenance::ProvenancePolicy;
use palisade_verify::{Identity, Policy, TrustedRoot};

/// Artifacts are read whole, up to this size.
const MAX_ARTIFACT: u64 = 4 << 30;

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The artifact the bundle signs.
    pub artifact: PathBuf,
    /// The sigstore bundle (.sigstore.json), media type v0.1 to v0.3.
    #[arg(long)]
    pub bundle: PathBuf,
    /// The trusted root (trusted_root.json): Fulcio CA chains and Rekor log keys.
    #[arg(long)]
    pub trusted_root: PathBuf,
    /// The certificate identity (SAN) that must have signed, exactly.
    #[arg(long, conflicts_with = "identity_regex")]
    pub identity: Option<String>,
    /// A regular expression the whole certificate identity must match.
    #[arg(long)]
    pub identity_regex: Option<String>,
    /// The OIDC issuer that must have vouched for the identity.
    #[arg(long)]
    pub issuer: Option<String>,
    /// Also check the in-toto SLSA v1 provenance in the bundle against --policy.
    #[arg(long, requires = "policy")]
    pub provenance: bool,
    /// The provenance policy (YAML: builder_id, source_repository, source_ref).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

fn read(path: &PathBuf, max: u64, what: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))?;
    if meta.len() > max {
        anyhow::bail!("the {what} {} is larger than {max} bytes", path.display());
    }
    std::fs::read(path).with_context(|| format!("cannot read the {what} {}", path.display()))
}

pub fn verify_command(args: &VerifyArgs) -> Result<ExitCode> {
    let doc_max = palisade_verify::MAX_DOCUMENT as u64;
    let artifact = read(&args.artifact, MAX_ARTIFACT, "artifact")?;
    let bundle = read(&args.bundle, doc_max, "bundle")?;
    let root = TrustedRoot::from_json(&read(&args.trusted_root, doc_max, "trusted root")?)
        .with_context(|| {
            format!(
                "{} (hint: pass a sigstore trusted_root.json)",
                args.trusted_root.display()
            )
        })?;
    let identity = match (&args.identity, &args.identity_regex) {
        (Some(id), _) => Some(Identity::Exact(id.clone())),
        (None, Some(re)) => Some(Identity::Regex(
            regex::Regex::new(re).context("--identity-regex is not a valid regular expression")?,
        )),
        (None, None) => None,
    };
    let policy = Policy {
        identity,
        issuer: args.issuer.clone(),
    };
    let prov_policy = match (&args.provenance, &args.policy) {
        (true, Some(p)) => {
            let text = String::from_utf8(read(p, doc_max, "policy")?)
                .with_context(|| format!("{} is not UTF-8", p.display()))?;
            Some(ProvenancePolicy::from_yaml(&text).with_context(|| p.display().to_string())?)
        }
        _ => None,
    };

    let mut err = std::io::stderr().lock();
    if policy.identity.is_none() || policy.issuer.is_none() {
        let _ = writeln!(
            err,
            "warning: without --identity/--identity-regex and --issuer, any sigstore identity is accepted"
        );
    }
    let outcome = palisade_verify::verify(&artifact, &bundle, &root, &policy).and_then(|v| {
        if let Some(pp) = &prov_policy {
            let st = v.statement.as_ref().ok_or_else(|| {
                palisade_verify::Error::MalformedStatement(
                    "--provenance needs a DSSE bundle carrying an in-toto statement".into(),
                )
            })?;
            palisade_verify::provenance::check(st, &v.sha256, pp)?;
        }
        Ok(v)
    });
    let mut out = std::io::stdout().lock();
    match outcome {
        Ok(v) => {
            if args.json {
                let j = serde_json::json!({
                    "version": 1, "verified": true, "sha256": v.sha256, "identity": v.identity,
                    "issuer": v.issuer, "integrated_time": v.integrated_time, "log_index": v.log_index,
                    "provenance": prov_policy.is_some(),
                });
                writeln!(out, "{j:#}")?;
            } else {
                writeln!(
                    out,
                    "verified: {} (sha256:{})\n  identity: {}\n  issuer: {}\n  logged at: {} (log index {}){}",
                    args.artifact.display(),
                    v.sha256,
                    v.identity,
                    v.issuer,
                    v.integrated_time,
                    v.log_index,
                    if prov_policy.is_some() {
                        "\n  provenance: satisfies the policy"
                    } else {
                        ""
                    }
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if args.json {
                let j =
                    serde_json::json!({"version": 1, "verified": false, "error": e.to_string()});
                writeln!(out, "{j:#}")?;
            }
            let _ = writeln!(err, "error: verification FAILED: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
