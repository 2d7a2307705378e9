//! `palisade posture` and `palisade verify` as a user runs them.

use std::fs;

use crate::common::{bin, run};

#[test]
fn posture_json_and_fail_under() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wf = dir.path().join(".github/workflows");
    fs::create_dir_all(&wf).expect("mkdir");
    fs::write(
        wf.join("ci.yml"),
        "on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo ${{ github.event.issue.title }}\n",
    )
    .expect("write");
    let r = run(bin().args(["posture", "--format", "json"]).arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["checks"][0]["id"], "dangerous-workflow");
    assert_eq!(v["checks"][0]["score"], 0);
    assert_eq!(v["checks"][0]["evidence"][0]["line"], 7);
    let r = run(bin().args(["posture", "--fail-under", "5"]).arg(dir.path()));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("aggregate score:"), "{}", r.stdout);
    let r = run(bin().args(["posture", "--format", "sarif"]).arg(dir.path()));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("sarif");
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn verify_refuses_malformed_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let art = dir.path().join("a.bin");
    fs::write(&art, b"x").expect("write");
    let root = dir.path().join("root.json");
    fs::write(&root, br#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"publicKey":{"rawBytes":"AAAA"}}],"certificateAuthorities":[{"certChain":{"certificates":[{"rawBytes":"AAAA"}]}}]}"#).expect("write");
    let bundle = dir.path().join("b.json");
    fs::write(&bundle, br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"certificate":{"rawBytes":"AAAA"}}}"#).expect("write");
    let r = run(bin()
        .arg("verify")
        .arg(&art)
        .arg("--bundle")
        .arg(&bundle)
        .arg("--trusted-root")
        .arg(&root)
        .arg("--json"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("verification FAILED: malformed certificate"),
        "{}",
        r.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["verified"], false);
    // A trusted root that is not one: a configuration error (3), never a pass.
    let r = run(bin()
        .arg("verify")
        .arg(&art)
        .arg("--bundle")
        .arg(&bundle)
        .arg("--trusted-root")
        .arg(&bundle));
    assert_eq!(r.code, 3, "{}", r.stderr);
}
