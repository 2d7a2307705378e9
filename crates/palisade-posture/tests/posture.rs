//! Fixture repositories built here, assessed, output snapshotted.

use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

const SHA: &str = "8e5e7e5ab8b370d6c329ec480221332ada57f0ab";

fn good_repo(root: &Path) {
    write(
        root,
        ".github/workflows/ci.yml",
        format!(
            "name: ci
on: [push, pull_request]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    container:
      image: rust@sha256:0000000000000000000000000000000000000000000000000000000000000000
    steps:
      - uses: actions/checkout@{SHA}
      - uses: github/codeql-action/init@{SHA}
      - run: pip install --require-hashes -r requirements.txt
      - run: cargo fuzz build
"
        )
        .as_bytes(),
    );
    write(
        root,
        ".github/workflows/release.yml",
        format!(
            "name: release
on:
  push:
    tags: ['v*']
permissions: read-all
jobs:
  build:
    permissions:
      id-token: write
      attestations: write
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA}
      - uses: actions/attest-build-provenance@{SHA}
"
        )
        .as_bytes(),
    );
    write(root, "SECURITY.md", b"# Security policy\n\nReport vulnerabilities privately to security@example.org.\nWe acknowledge reports within 3 days and coordinate disclosure with the reporter before publishing an advisory.\n");
    write(root, ".github/dependabot.yml", b"version: 2\nupdates: []\n");
    write(
        root,
        "LICENSE",
        b"Apache License\nVersion 2.0, January 2004\n",
    );
    write(
        root,
        ".github/CODEOWNERS",
        b"* @org/team\n/.github/ @org/security\n",
    );
    write(root, "Cargo.lock", b"version = 4\n");
    write(root, "src/auth/token.rs", b"pub fn check() {}\n");
    write(
        root,
        "fuzz/fuzz_targets/parse.rs",
        b"#![no_main]\nlibfuzzer_sys::fuzz_target!(|d: &[u8]| {});\n",
    );
    write(root, "Dockerfile", b"FROM rust@sha256:1111111111111111111111111111111111111111111111111111111111111111 AS build\nFROM build\n");
}

fn bad_repo(root: &Path) {
    write(
        root,
        ".github/workflows/pr.yml",
        b"name: pr
on: pull_request_target
jobs:
  build:
    permissions: write-all
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo \"${{ github.event.pull_request.title }}\"
      - uses: docker://alpine:3.20
      - run: |
          curl -sSL https://example.org/install.sh | bash
          pip install requests
          npm install -g left-pad
",
    );
    write(root, ".github/workflows/release.yml", b"on:\n  release:\n    types: [published]\njobs:\n  up:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: softprops/action-gh-release@v2\n");
    write(
        root,
        "Dockerfile",
        b"FROM python:3.12\nRUN pip install flask\n",
    );
    write(root, "tools/helper.exe", b"MZ\x90\x00");
    write(root, "bin/tool", b"\x7fELF\x02\x01\x01");
    write(root, "src/auth/login.py", b"def login(): pass\n");
    write(root, "package-lock.json", b"{}\n");
    write(root, "CODEOWNERS", b"/docs/ @org/docs\n");
    write(root, "LICENSE.txt", b"All rights reserved.\n");
}

#[test]
fn good_repository_scores_high() {
    let dir = tempfile::tempdir().expect("tempdir");
    good_repo(dir.path());
    let p = palisade_posture::assess(dir.path()).expect("assess");
    insta::assert_snapshot!(palisade_posture::to_text(&p));
    assert!(p.score.expect("score") >= 9.5, "{:?}", p.score);
}

#[test]
fn bad_repository_scores_low_with_evidence() {
    let dir = tempfile::tempdir().expect("tempdir");
    bad_repo(dir.path());
    let p = palisade_posture::assess(dir.path()).expect("assess");
    insta::assert_snapshot!(palisade_posture::to_text(&p));
    let dw = p
        .checks
        .iter()
        .find(|c| c.id == "dangerous-workflow")
        .expect("check");
    assert_eq!(dw.score, Some(0));
    assert_eq!(dw.evidence.len(), 2);
    assert!(p.score.expect("score") < 3.0, "{:?}", p.score);
    let json = palisade_posture::to_json(&p);
    assert_eq!(json["version"], 1);
    insta::assert_json_snapshot!("bad_json", json);
    let sarif = palisade_posture::to_sarif(&p);
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .len()
            > 10
    );
}

#[test]
fn empty_repository_has_no_applicable_workflow_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = palisade_posture::assess(dir.path()).expect("assess");
    insta::assert_snapshot!(palisade_posture::to_text(&p));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_not_followed() {
    let outside = tempfile::tempdir().expect("tempdir");
    write(outside.path(), "SECURITY.md", b"Report to security@example.org; we coordinate disclosure of every vulnerability report with care and publish advisories.\n");
    write(outside.path(), "evil.exe", b"MZ");
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(
        outside.path().join("SECURITY.md"),
        dir.path().join("SECURITY.md"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).expect("symlink");
    let p = palisade_posture::assess(dir.path()).expect("assess");
    let sp = p
        .checks
        .iter()
        .find(|c| c.id == "security-policy")
        .expect("check");
    assert_eq!(sp.score, Some(0));
    let ba = p
        .checks
        .iter()
        .find(|c| c.id == "binary-artifacts")
        .expect("check");
    assert_eq!(ba.score, Some(10));
    assert_eq!(p.skipped.len(), 2, "{:?}", p.skipped);
}

#[test]
fn malformed_workflow_is_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), ".github/workflows/x.yml", b"on: [push\njobs: {");
    let p = palisade_posture::assess(dir.path()).expect("assess");
    assert!(
        p.skipped
            .iter()
            .any(|s| s.contains("x.yml: not valid YAML")),
        "{:?}",
        p.skipped
    );
}

#[test]
fn missing_root_is_an_error() {
    let e =
        palisade_posture::assess(Path::new("/nonexistent/palisade-posture")).expect_err("error");
    assert!(e.to_string().contains("/nonexistent/palisade-posture"));
}

#[test]
fn evidence_is_capped_but_the_score_counts_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..250 {
        write(dir.path(), &format!("bin/{i}.so"), b"\x7fELF");
    }
    let p = palisade_posture::assess(dir.path()).expect("assess");
    let ba = p
        .checks
        .iter()
        .find(|c| c.id == "binary-artifacts")
        .expect("check");
    assert_eq!(ba.score, Some(0));
    assert_eq!(ba.reason, "250 binary artifact(s) in the tree");
    assert_eq!(ba.evidence.len(), 201);
    assert_eq!(ba.evidence[200].message, "... and 50 more");
}

/// The official SARIF 2.1.0 schema from the serde-sarif crate's source (fetched by `.ci/run`).
fn sarif_schema() -> Option<std::path::PathBuf> {
    if let Ok(p) = std::env::var("PALISADE_SARIF_SCHEMA") {
        return Some(p.into());
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))?;
    for index in fs::read_dir(home.join("registry/src")).ok()?.flatten() {
        for krate in fs::read_dir(index.path()).ok()?.flatten() {
            let p = krate.path().join("src/schema.json");
            if krate
                .file_name()
                .to_string_lossy()
                .starts_with("serde-sarif-")
                && p.is_file()
            {
                return Some(p);
            }
        }
    }
    None
}

/// The published schema's `language` pattern has a stray `]` a strict validator refuses.
fn mend(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, c) in m.iter_mut() {
                if k == "pattern" && c.as_str().is_some_and(|s| s.contains("]?$")) {
                    *c = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                } else {
                    mend(c);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(mend),
        _ => {}
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let Some(path) = sarif_schema() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must provide the SARIF schema (see .ci/run)"
        );
        eprintln!("skipped: the SARIF 2.1.0 schema was not found (run the fetch in .ci/run)");
        return;
    };
    let mut schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(path).expect("read")).expect("json");
    mend(&mut schema);
    let validator = jsonschema::validator_for(&schema).expect("schema");
    let dir = tempfile::tempdir().expect("tempdir");
    bad_repo(dir.path());
    let doc = palisade_posture::to_sarif(&palisade_posture::assess(dir.path()).expect("assess"));
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("catastrophic");
    assert!(!validator.is_valid(&broken));
}
