use std::fs;

use crate::common::{DEMO_SECRETS, bin, demo, hidden_part, run};

#[test]
fn demo_scan_text() {
    let r = run(bin().arg("scan").arg(demo()));
    assert_eq!(r.code, 1, "findings mean exit 1\n{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn secrets_never_appear_in_any_format() {
    for format in ["text", "json", "sarif", "junit", "markdown"] {
        let r = run(bin().args(["scan", "--format", format]).arg(demo()));
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        for s in DEMO_SECRETS {
            assert!(
                !r.stdout.contains(hidden_part(s)) && !r.stderr.contains(hidden_part(s)),
                "{format} output leaks {s}"
            );
        }
    }
}

#[test]
fn json_output_is_version_1_with_merged_locations() {
    let r = run(bin().args(["scan", "--format", "json"]).arg(demo()));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().expect("findings");
    let gh = findings
        .iter()
        .find(|f| f["rule"] == "secrets/github-pat-classic")
        .expect("github token found");
    // The same token in two files is one finding with two locations.
    assert_eq!(gh["locations"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn fail_on_thresholds() {
    assert_eq!(
        run(bin().args(["scan", "--fail-on", "never"]).arg(demo())).code,
        0
    );
    assert_eq!(
        run(bin().args(["scan", "--fail-on", "critical"]).arg(demo())).code,
        1
    );
    let clean = tempfile::tempdir().expect("tmp");
    fs::write(clean.path().join("a.py"), "print('hello')\n").expect("write");
    let r = run(bin().arg("scan").arg(clean.path()));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("no findings"), "{}", r.stdout);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(bin().args(["scan", "--format", "yaml"])).code, 2);
    assert_eq!(run(bin().args(["scan", "--no-such-flag"])).code, 2);
}

#[test]
fn missing_path_exits_3_naming_it() {
    let r = run(bin().args(["scan", "/no/such/dir/palisade"]));
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("/no/such/dir/palisade"), "{}", r.stderr);
}

#[test]
fn malformed_config_exits_3_naming_file_line_and_key() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(
        dir.path().join("palisade.toml"),
        "[scan]\nmax-file-size = \"10MiB\"\nenginez = [\"secrets\"]\n",
    )
    .expect("write");
    let r = run(bin().arg("scan").arg(dir.path()));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("palisade.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("line 3"), "{}", r.stderr);
    assert!(r.stderr.contains("enginez"), "{}", r.stderr);
}

#[test]
fn config_disables_rules_and_overrides_severity() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(
        dir.path().join(".env"),
        "AWS_ACCESS_KEY_ID=AKIAQ3EGUS7LGVHXN2PA\nDB_PASSWORD=\"q8Zr2LkP0vX1mN4s\"\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("palisade.toml"),
        "[rules]\ndisable = [\"secrets/generic-password\"]\nseverity = { \"secrets/aws-access-key-id\" = \"low\" }\n",
    )
    .expect("write");
    let r = run(bin().args(["scan", "--format", "json"]).arg(dir.path()));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let f = v["findings"].as_array().expect("findings");
    assert_eq!(f.len(), 1, "{}", r.stdout);
    assert_eq!(f[0]["severity"], "low");
    assert_eq!(
        run(bin().args(["scan", "--fail-on", "medium"]).arg(dir.path())).code,
        0
    );
}

#[test]
fn suppression_without_reason_is_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(
        dir.path().join("a.py"),
        "# palisade:ignore[secrets/aws-access-key-id]\nKEY = 'AKIAQ3EGUS7LGVHXN2PA'\n",
    )
    .expect("write");
    let r = run(bin().arg("scan").arg(dir.path()));
    assert_eq!(r.code, 0, "suppressed: {}", r.stdout);
    assert!(
        r.stdout
            .contains("warning: a.py:1: suppression without a reason"),
        "{}",
        r.stdout
    );
}

#[test]
fn baseline_hides_known_findings_even_after_code_moves() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("app.py");
    fs::write(&file, "KEY = 'AKIAQ3EGUS7LGVHXN2PA'\n").expect("write");
    let base = dir.path().join("baseline.json");
    let r = run(bin()
        .args(["baseline", "create", "--baseline-file"])
        .arg(&base)
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Move the line down: the fingerprint does not depend on line numbers.
    fs::write(&file, "import os\n\n\nKEY = 'AKIAQ3EGUS7LGVHXN2PA'\n").expect("write");
    let r = run(bin()
        .args(["scan", "--baseline"])
        .arg(&base)
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("1 in the baseline"), "{}", r.stdout);
    // A new secret still shows.
    fs::write(dir.path().join("new.py"), "T = 'ASIA5XKPLM2QRSTU7VWY'\n").expect("write");
    let r = run(bin()
        .args(["scan", "--baseline"])
        .arg(&base)
        .arg(dir.path()));
    assert_eq!(r.code, 1, "{}", r.stdout);
}

#[test]
fn rules_list_and_explain() {
    let r = run(bin().args(["rules", "list", "--engine", "secrets"]));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("secrets/aws-access-key-id"),
        "{}",
        r.stdout
    );
    let r = run(bin().args(["explain", "secrets/aws-access-key-id"]));
    assert_eq!(r.code, 0);
    for part in [
        "CWE-798",
        "Example (fires):",
        "Does not fire:",
        "References:",
    ] {
        assert!(r.stdout.contains(part), "missing {part}: {}", r.stdout);
    }
    let r = run(bin().args(["explain", "secrets/aws-key"]));
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("did you mean"), "{}", r.stderr);
}

#[test]
fn gitleaks_rules_file_is_used() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(
        dir.path().join("gitleaks.toml"),
        "[[rules]]\nid = \"acme-key\"\nregex = '''acme_[a-z0-9]{24}'''\nkeywords = [\"acme_\"]\n",
    )
    .expect("write");
    let src = dir.path().join("src");
    fs::create_dir(&src).expect("mkdir");
    fs::write(src.join("a.txt"), "key: acme_k3x9q2l8w7z4m1n6b5v0c2x8\n").expect("write");
    let r = run(bin()
        .args(["secrets", "--format", "json", "--rules"])
        .arg(dir.path().join("gitleaks.toml"))
        .arg(&src));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("secrets/acme-key"), "{}", r.stdout);
}

#[test]
fn output_file_and_sarif_fingerprints() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out.sarif");
    let r = run(bin()
        .args(["scan", "--format", "sarif", "--output"])
        .arg(&out)
        .arg(demo()));
    assert_eq!(r.code, 1);
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&out).expect("read")).expect("json");
    let res = &v["runs"][0]["results"][0];
    assert!(res["partialFingerprints"]["palisade/v1"].is_string());
    assert!(
        v["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["security-severity"].is_string()
    );
}

#[test]
fn gitleaks_allow_comments_are_honoured_on_their_line() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(
        dir.path().join("a.py"),
        "A = 'AKIAQ3EGUS7LGVHXN2PA'  # gitleaks:allow\n# gitleaks:allow\nB = 'ASIA5XKPLM2QRSTU7VWY'\n",
    )
    .expect("write");
    let r = run(bin().args(["scan", "--format", "json"]).arg(dir.path()));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let f = v["findings"].as_array().expect("findings");
    assert_eq!(f.len(), 1, "{}", r.stdout);
    assert_eq!(f[0]["locations"][0]["start_line"], 3);
}

#[test]
fn several_paths_in_one_pass_for_pre_commit_hooks() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join("a.env"), "K=AKIAQ3EGUS7LGVHXN2PA\n").expect("write");
    fs::write(dir.path().join("b.py"), "T = 'ASIA5XKPLM2QRSTU7VWY'\n").expect("write");
    fs::write(dir.path().join("c.txt"), "K=AKIAQ3EGUS7LGVHXN3PB\n").expect("write");
    let r = run(bin()
        .current_dir(dir.path())
        .args(["secrets", "--format", "json", "a.env", "b.py"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["locations"][0]["path"].as_str())
        .collect();
    assert_eq!(paths, ["a.env", "b.py"]);
}
