//! Code owners: CODEOWNERS found in the repository, owners on every finding,
//! `--group-by owner`, `palisade owners`.

use std::fs;
use std::path::Path;

use crate::common::{bin, run};

const CODEOWNERS: &str = "\
# owners of the test tree
* @org/security
/services/api/ @org/api-team
docs/ docs@example.com
*.js
*.rb nobody
";

/// A git work tree (a `.git` directory is enough to find its root) with a GitHub
/// CODEOWNERS and three planted, fake secrets with different owners.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    for d in [".git", ".github", "services/api", "docs", "web"] {
        fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    let write = |p: &str, s: &str| fs::write(root.join(p), s).expect("write");
    write(".github/CODEOWNERS", CODEOWNERS);
    write(
        "services/api/keys.py",
        "aws_key = \"AKIAQ3EGUS7LGVHXN2PA\"\n",
    );
    write(
        "web/app.js",
        "const t = \"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\";\n",
    );
    write(
        "docs/conf.py",
        "DATABASE_PASSWORD = \"k3Xq9Lw2Tz8vNm4Rb7Yp1Sd6Hf0Gj5Ca2Ue8Wi3O\"\n",
    );
    dir
}

fn json_owners(dir: &Path, args: &[&str]) -> (Vec<(String, Vec<String>)>, serde_json::Value) {
    let r = run(bin()
        .current_dir(dir)
        .args(["scan", "--format", "json", "--no-config"])
        .args(args));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let mut out = Vec::new();
    for f in v["findings"].as_array().expect("findings") {
        let path = f["locations"][0]["path"]
            .as_str()
            .expect("path")
            .to_string();
        let owners = f["owners"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.push((path, owners));
    }
    (out, v)
}

#[test]
fn every_finding_carries_its_owners_in_json() {
    let dir = tree();
    let (owners, v) = json_owners(dir.path(), &["."]);
    let want = |p: &str, o: &[&str]| (p.to_string(), o.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        owners,
        [
            want("docs/conf.py", &["docs@example.com"]),
            want("services/api/keys.py", &["@org/api-team"]),
            want("web/app.js", &[]),
        ]
    );
    // The invalid line is a warning naming file and line.
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    assert!(
        diags.iter().any(|d| d["path"] == ".github/CODEOWNERS:6"
            && d["level"] == "warning"
            && d["message"].as_str().is_some_and(|m| m.contains("nobody"))),
        "{diags:?}"
    );
}

#[test]
fn a_subdirectory_scan_uses_repository_paths() {
    let dir = tree();
    let (owners, _) = json_owners(&dir.path().join("services"), &["."]);
    assert_eq!(
        owners,
        [("api/keys.py".to_string(), vec!["@org/api-team".to_string()])]
    );
}

#[test]
fn named_files_get_owners_too() {
    let dir = tree();
    let (owners, _) = json_owners(dir.path(), &["services/api/keys.py", "web/app.js"]);
    assert_eq!(owners.len(), 2);
    assert_eq!(owners[0].1, ["@org/api-team"]);
}

#[test]
fn group_by_owner_text_and_markdown() {
    let dir = tree();
    let r = run(bin().current_dir(dir.path()).args([
        "scan",
        "--no-config",
        "--group-by",
        "owner",
        ".",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("group_by_owner_text", r.stdout);
    let r = run(bin().current_dir(dir.path()).args([
        "secrets",
        "--no-config",
        "--group-by",
        "owner",
        "--format",
        "markdown",
        ".",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("group_by_owner_markdown", r.stdout);
    let r = run(bin().current_dir(dir.path()).args([
        "scan",
        "--group-by",
        "owner",
        "--format",
        "json",
        ".",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn owners_command_explains_the_deciding_line() {
    let dir = tree();
    let r = run(bin().current_dir(dir.path()).args([
        "owners",
        "services/api/keys.py",
        "web/app.js",
        "README.md",
        "docs/deep/x.md",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("owners_command_github", r.stdout);
    assert!(r.stderr.contains(".github/CODEOWNERS:6"), "{}", r.stderr);
}

#[test]
fn owners_command_gitlab_sections() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).expect("mkdir");
    fs::create_dir_all(root.join(".gitlab")).expect("mkdir");
    fs::write(
        root.join(".gitlab/CODEOWNERS"),
        "* @general-approvers\n\n[Documentation] @docs-team\ndocs/\nREADME.md\n\n^[Database][2] @database-team\nmodel/db/\nconfig/db/database-setup.md @docs-team\n",
    )
    .expect("write");
    let r = run(bin().current_dir(root).args([
        "owners",
        "config/db/database-setup.md",
        "docs/a.md",
        "src/main.rs",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("owners_command_gitlab", r.stdout);
}

#[test]
fn owners_command_from_outside_the_repository() {
    let dir = tree();
    let elsewhere = tempfile::tempdir().expect("tmp");
    let r = run(bin()
        .current_dir(elsewhere.path())
        .arg("owners")
        .arg(dir.path().join("services/api/keys.py")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("services/api/keys.py  @org/api-team"),
        "{}",
        r.stdout
    );
}

#[test]
fn owners_command_without_codeowners_exits_3() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    let r = run(bin().current_dir(dir.path()).args(["owners", "a.py"]));
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("no CODEOWNERS file"), "{}", r.stderr);
}
