use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_palisade"));
    c.env("NO_COLOR", "1").env_remove("CI");
    c
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn demo() -> PathBuf {
    repo_root().join("examples/demo")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run palisade");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// The fake secrets planted in examples/demo: none may appear in any output.
pub const DEMO_SECRETS: &[&str] = &[
    "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",
    "AKIAQ3EGUS7LGVHXN2PA",
    "k3Xq9Lw2Tz8vNm4Rb7Yp1Sd6Hf0Gj5Ca2Ue8Wi3O",
    "q8Zr2LkP0vX1mN4s",
];

/// The part of a secret past the shown prefix, which must never be printed.
pub fn hidden_part(secret: &str) -> &str {
    &secret[secret.len() / 5..]
}
