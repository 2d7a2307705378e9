//! One integration-test binary for the `palisade` command line.

mod bad_input;
mod cli;
mod common;
mod db_update;
mod deps;
mod git;
mod image;
mod owners;
mod sbom;
mod sbom_input;
