//! One integration-test binary for the `palisade` command line.

mod cli;
mod common;
mod git;
