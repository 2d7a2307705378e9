//! The `palisade` binary: command line, engine registry, exit codes.

mod advisory;
mod cli;
mod commands;
mod dast;
mod db;
mod deps_hygiene;
mod diff;
mod git;
mod iac;
mod image;
mod owners;
mod posture;
mod registry;
mod sast;
mod sbom;
mod securitytxt;
mod serve;
mod threat;
mod triage;
mod verify;
mod vex;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "error: {err:#}");
            ExitCode::from(3)
        }
    }
}
