//! One integration-test binary for the `palisade` command line.

mod advisory;
mod bad_input;
mod ci_files;
mod cli;
mod common;
mod dast;
mod db_update;
mod deps;
mod deps_hygiene;
mod diff;
mod git;
mod iac;
mod image;
mod owners;
mod sast;
mod sbom;
mod sbom_input;
mod serve;
mod supply;
mod terraform;
mod threat;
mod triage;
