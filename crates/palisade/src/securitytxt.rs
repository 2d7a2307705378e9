//! `palisade securitytxt generate|lint`: RFC 9116 files (the work is in
//! `palisade-securitytxt`; this module reads flags, fetches a URL, and prints).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use palisade_securitytxt as st;

use crate::advisory::Format;

#[derive(Debug, Subcommand)]
pub enum SecuritytxtCommand {
    /// Write a security.txt (Contact and Expires required; checked before it is written).
    Generate(GenerateArgs),
    /// Check a security.txt file or URL against RFC 9116 (and verify its signature with --key).
    Lint(LintArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// mailto:, tel: or https:// URI (repeatable; at least one).
    #[arg(long, required = true)]
    pub contact: Vec<String>,
    /// Expiry (YYYY-MM-DD or RFC 3339); default: 360 days from now.
    #[arg(long)]
    pub expires: Option<String>,
    /// Where the OpenPGP key is (https://, dns:, openpgp4fpr:).
    #[arg(long)]
    pub encryption: Vec<String>,
    #[arg(long)]
    pub acknowledgments: Vec<String>,
    /// The URLs this file is served at.
    #[arg(long)]
    pub canonical: Vec<String>,
    /// The disclosure policy URL.
    #[arg(long)]
    pub policy: Vec<String>,
    #[arg(long)]
    pub hiring: Vec<String>,
    /// Comma-separated language tags, e.g. `en, de`.
    #[arg(long)]
    pub preferred_languages: Option<String>,
    /// CSAF provider-metadata.json URL.
    #[arg(long)]
    pub csaf: Vec<String>,
    /// Write here instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// A file, or an http(s):// URL.
    pub target: String,
    /// An ASCII-armored OpenPGP public key to verify the signature with.
    #[arg(long)]
    pub key: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(c: &SecuritytxtCommand) -> Result<ExitCode> {
    match c {
        SecuritytxtCommand::Generate(a) => generate(a),
        SecuritytxtCommand::Lint(a) => lint(a),
    }
}

fn generate(a: &GenerateArgs) -> Result<ExitCode> {
    let now = crate::triage::now()?;
    let expires = match &a.expires {
        Some(e) => st::parse_rfc3339(e)
            .or_else(|| palisade_store::time::parse_time(e))
            .with_context(|| {
                format!("--expires `{e}` is not a date (YYYY-MM-DD or 2027-01-31T23:59:59Z)")
            })?,
        None => now + 360 * 86_400,
    };
    let text = st::generate(&st::Spec {
        contact: a.contact.clone(),
        expires,
        encryption: a.encryption.clone(),
        acknowledgments: a.acknowledgments.clone(),
        canonical: a.canonical.clone(),
        policy: a.policy.clone(),
        hiring: a.hiring.clone(),
        preferred_languages: a.preferred_languages.clone(),
        csaf: a.csaf.clone(),
    });
    let l = st::lint(
        "generated",
        text.as_bytes(),
        &st::Options {
            now,
            ..st::Options::default()
        },
    )?;
    let mut bad = false;
    for d in l.diagnostics.iter().filter(|d| d.level > st::Level::Info) {
        eprintln!("{}: {}", d.level, d.message);
        bad |= d.level == st::Level::Error;
    }
    if bad {
        bail!("the flags make an invalid security.txt (see above); nothing was written");
    }
    match &a.output {
        Some(p) => {
            std::fs::write(p, &text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn fetch(url: &str) -> Result<Vec<u8>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .user_agent(concat!("palisade/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let response = match agent.get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::StatusCode(code)) => bail!("{url}: HTTP status {code}"),
        Err(e) => bail!("{url}: {e}"),
    };
    let ctype = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !ctype.starts_with("text/plain") {
        eprintln!("warning: {url} is served as {ctype:?}; RFC 9116 §3 requires text/plain");
    }
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_with_config()
        .limit(st::MAX_SIZE as u64 + 1)
        .reader()
        .read_to_end(&mut bytes)
        .with_context(|| format!("{url}: reading the body"))?;
    Ok(bytes)
}

fn lint(a: &LintArgs) -> Result<ExitCode> {
    let now = crate::triage::now()?;
    let is_url = a.target.starts_with("http://") || a.target.starts_with("https://");
    let bytes = if is_url {
        fetch(&a.target)?
    } else {
        let p = PathBuf::from(&a.target);
        let meta = std::fs::metadata(&p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.len() > st::MAX_SIZE as u64 {
            bail!(
                "{}: {} bytes is over the {}-byte limit for a security.txt",
                p.display(),
                meta.len(),
                st::MAX_SIZE
            );
        }
        std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?
    };
    let key = match &a.key {
        Some(k) => Some(
            std::fs::read_to_string(k)
                .with_context(|| format!("cannot read the key {}", k.display()))?,
        ),
        None => None,
    };
    let l = st::lint(
        &a.target,
        &bytes,
        &st::Options {
            now,
            url: is_url.then_some(a.target.as_str()),
            key: key.as_deref(),
        },
    )?;
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({ "version": 1, "target": a.target, "valid": l.is_valid(), "lint": l }),
        )?;
        writeln!(out)?;
    } else {
        for d in &l.diagnostics {
            let at = d.line.map_or(String::new(), |n| format!(":{n}"));
            writeln!(
                out,
                "{}{at}: {}: {}",
                a.target,
                d.level,
                palisade_advisory::text::terminal(&d.message)
            )?;
        }
        let sig = match &l.signature {
            st::Signature::Unsigned => "unsigned".to_owned(),
            st::Signature::Unverified => "signed, not verified".to_owned(),
            st::Signature::Valid { fingerprint } => format!("signature valid (key {fingerprint})"),
            st::Signature::Invalid { .. } => "signature INVALID".to_owned(),
        };
        writeln!(
            out,
            "{}: {} ({} field(s), {sig})",
            a.target,
            if l.is_valid() { "valid" } else { "INVALID" },
            l.fields.len()
        )?;
    }
    Ok(if l.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
