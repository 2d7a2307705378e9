//! `palisade posture [PATH]`: repository security posture, Scorecard-style, offline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PostureFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Args)]
pub struct PostureArgs {
    /// The repository checkout to assess.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: PostureFormat,
    /// Exit with 1 when the aggregate score is below this (0-10).
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
}

pub fn posture_command(args: &PostureArgs) -> Result<ExitCode> {
    let p = palisade_posture::assess(&args.path).with_context(|| {
        format!(
            "cannot assess {} (hint: give a repository directory)",
            args.path.display()
        )
    })?;
    let text = match args.format {
        PostureFormat::Text => palisade_posture::to_text(&p),
        PostureFormat::Json => format!("{:#}\n", palisade_posture::to_json(&p)),
        PostureFormat::Sarif => format!("{:#}\n", palisade_posture::to_sarif(&p)),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    if let (Some(min), Some(score)) = (args.fail_under, p.score)
        && score < min
    {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
