//! `palisade sast` and `palisade sast test`.

use std::fs;

use serde_json::Value;

use crate::common::{bin, repo_root, run};

/// The compatibility suite passes through the command, as CI and rule authors run it.
#[test]
fn sast_test_passes_the_compat_suite() {
    let r = run(bin()
        .args(["sast", "test"])
        .arg(repo_root().join("tests/sast-compat")));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(", 0 failed"), "{}", r.stdout);
}

/// A rule whose annotations do not hold: the miss and the false hit are reported, exit 1.
#[test]
fn sast_test_reports_misses_and_false_hits() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(
        dir.path().join("r.yaml"),
        "rules:\n  - id: r\n    languages: [python]\n    severity: ERROR\n    message: m\n    pattern: os.system(...)\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("r.py"),
        "# ruleid: r\nos.popen(x)\n# ok: r\nos.system(x)\n",
    )
    .expect("write");
    let r = run(bin().args(["sast", "test"]).arg(dir.path()));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("r.py:2: missed: `r`"), "{}", r.stdout);
    assert!(r.stdout.contains("r.py:4: false hit: `r`"), "{}", r.stdout);
}

/// Custom rules, JSON output, parse-error count; an unsupported operator is refused.
#[test]
fn sast_scan_with_custom_rules() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("src");
    fs::create_dir(&src).expect("mkdir");
    fs::write(
        src.join("app.py"),
        "from hashlib import md5 as h\nh(data)\ndef broken(:\n",
    )
    .expect("write");
    let rules = dir.path().join("rules.yaml");
    fs::write(
        &rules,
        "rules:\n  - id: weak-md5\n    languages: [python]\n    severity: WARNING\n    message: md5 of $X\n    pattern: hashlib.md5($X)\n",
    )
    .expect("write");
    let r = run(bin()
        .args(["sast", "--no-config", "--format", "json", "--rules"])
        .arg(&rules)
        .arg(&src));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "sast/weak-md5");
    assert_eq!(f["message"], "md5 of data");
    assert!(r.stderr.contains("1 with syntax errors"), "{}", r.stderr);

    fs::write(
        &rules,
        "rules:\n  - id: t\n    languages: [python]\n    severity: WARNING\n    message: m\n    mode: taint\n    pattern-sources: [{pattern: x}]\n",
    )
    .expect("write");
    let r = run(bin()
        .args(["sast", "--no-config", "--rules"])
        .arg(&rules)
        .arg(&src));
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("rule `t`") && r.stderr.contains("needs `pattern-sinks`"),
        "{}",
        r.stderr
    );
}
