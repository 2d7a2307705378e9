//! One integration-test binary for the `palisade` command line.

mod bad_input;
mod ci_files;
mod cli;
mod common;
mod deps;
mod diff;
mod git;
mod owners;
mod sbom;
mod threat;
