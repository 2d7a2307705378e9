//! `palisade threat-model` and `palisade asvs checklist` as a user runs them.

use crate::common::{bin, repo_root, run};

fn shop() -> std::path::PathBuf {
    repo_root().join("examples/threat-model/shop.yaml")
}

#[test]
fn threat_model_init_then_analyse_with_diagrams() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("tm.yaml");
    let r = run(bin().args(["threat-model", "init"]).arg(&model));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let again = run(bin().args(["threat-model", "init"]).arg(&model));
    assert_eq!(again.code, 3, "refuses to overwrite: {}", again.stderr);
    let svg = dir.path().join("d.svg");
    let mmd = dir.path().join("d.mmd");
    let dot = dir.path().join("d.dot");
    let r = run(bin()
        .arg("threat-model")
        .arg(&model)
        .arg("--diagram")
        .arg(&svg)
        .arg("--mermaid")
        .arg(&mmd)
        .arg("--dot")
        .arg(&dot));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("threats, 0 excluded"), "{}", r.stdout);
    assert!(
        std::fs::read_to_string(&svg)
            .expect("svg")
            .starts_with("<svg ")
    );
    assert!(
        std::fs::read_to_string(&mmd)
            .expect("mmd")
            .starts_with("flowchart LR")
    );
    assert!(
        std::fs::read_to_string(&dot)
            .expect("dot")
            .contains("subgraph \"cluster_cloud\"")
    );
}

#[test]
fn threat_model_formats_and_fail_on() {
    for (fmt, needle) in [
        ("json", "\"version\": 1"),
        ("sarif", "\"version\": \"2.1.0\""),
        ("markdown", "## Risk summary"),
        ("html", "<svg "),
    ] {
        let r = run(bin()
            .arg("threat-model")
            .arg(shop())
            .args(["--format", fmt]));
        assert_eq!(r.code, 0, "{fmt}: {}", r.stderr);
        assert!(r.stdout.contains(needle), "{fmt}");
    }
    let r = run(bin()
        .arg("threat-model")
        .arg(shop())
        .args(["--fail-on", "high"]));
    assert_eq!(r.code, 1);
}

#[test]
fn invalid_model_names_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("bad.yaml");
    std::fs::write(
        &model,
        "title: x\ntechnical_assets:\n  - id: a\n    type: sevrice\n",
    )
    .expect("write");
    let r = run(bin().arg("threat-model").arg(&model));
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("bad.yaml:4:"), "{}", r.stderr);
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
}

#[test]
fn diff_exits_1_on_new_threats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let new = dir.path().join("new.yaml");
    let text = std::fs::read_to_string(shop())
        .expect("read")
        .replace("tags: [parses-xml]", "tags: [parses-xml, deserializes]");
    std::fs::write(&new, text).expect("write");
    let r = run(bin().args(["threat-model", "diff"]).arg(shop()).arg(&new));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("+ [critical] threat/insecure-deserialization@legacy-crm"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 threats added, 0 removed"),
        "{}",
        r.stdout
    );
    let same = run(bin().args(["threat-model", "diff"]).arg(shop()).arg(shop()));
    assert_eq!(same.code, 0);
}

#[test]
fn asvs_checklist_uses_evidence_beside_the_model() {
    let r = run(bin()
        .args(["asvs", "checklist", "--level", "1", "--model"])
        .arg(shop()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("| V6.2.1 | 1 | pass |"), "{}", r.stdout);
    assert!(r.stdout.contains("| V3.4.1 | 1 | fail |"));
    assert!(
        r.stdout.contains("| not-applicable | ") && r.stdout.contains("identity-provider"),
        "{}",
        r.stdout
    );
    let csv = run(bin().args(["asvs", "checklist", "--format", "csv"]));
    assert!(csv.stdout.starts_with("id,level,"));
    let schema = run(bin().args(["threat-model", "schema"]));
    assert!(schema.stdout.contains("\"technical_assets\""));
}

#[test]
fn imports_threagile_and_exports_threat_dragon() {
    let tg = repo_root().join("examples/threat-model/threagile/webshop.yaml");
    let r = run(bin()
        .arg("threat-model")
        .arg(&tg)
        .args(["--from", "threagile"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("threat/unencrypted-cross-boundary-link@shop.database-access"),
        "{}",
        r.stdout
    );
    let conv = run(bin()
        .args(["threat-model", "convert", "--from", "threagile"])
        .arg(&tg));
    assert_eq!(conv.code, 0, "{}", conv.stderr);
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = dir.path().join("converted.yaml");
    std::fs::write(&yaml, &conv.stdout).expect("write");
    let td = run(bin()
        .arg("threat-model")
        .arg(&yaml)
        .args(["--format", "threat-dragon"]));
    assert_eq!(td.code, 0, "{}", td.stderr);
    let json = dir.path().join("td.json");
    std::fs::write(&json, &td.stdout).expect("write");
    let back = run(bin()
        .arg("threat-model")
        .arg(&json)
        .args(["--from", "threat-dragon"]));
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert!(
        back.stdout
            .contains("threat/unencrypted-cross-boundary-link@shop.database-access"),
        "{}",
        back.stdout
    );
}

#[test]
fn diff_against_a_git_revision() {
    let git = |dir: &std::path::Path, args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Dev")
            .env("GIT_AUTHOR_EMAIL", "dev@example.com")
            .env("GIT_COMMITTER_NAME", "Dev")
            .env("GIT_COMMITTER_EMAIL", "dev@example.com")
            .output()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    if git(dir.path(), &["init", "-q"]).is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must have git");
        eprintln!("skipped: `git` is not on the PATH");
        return;
    }
    let model = dir.path().join("models/shop.yaml");
    std::fs::create_dir_all(model.parent().expect("parent")).expect("mkdir");
    let text = std::fs::read_to_string(shop()).expect("read");
    std::fs::write(&model, &text).expect("write");
    git(dir.path(), &["add", "-A"]).expect("add");
    let c = git(dir.path(), &["commit", "-q", "-m", "model"]).expect("commit");
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    std::fs::write(
        &model,
        text.replace("tags: [parses-xml]", "tags: [parses-xml, shell]"),
    )
    .expect("write");
    let r = run(bin()
        .args(["threat-model", "diff", "--baseline-ref", "HEAD"])
        .arg(&model));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("+ [critical] threat/os-command-injection@legacy-crm"),
        "{}",
        r.stdout
    );
    let sarif = run(bin()
        .args([
            "threat-model",
            "diff",
            "--format",
            "sarif",
            "--baseline-ref",
            "HEAD",
        ])
        .arg(&model));
    let v: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("sarif json");
    assert_eq!(
        v["runs"][0]["results"][0]["ruleId"],
        "threat/os-command-injection"
    );
}
