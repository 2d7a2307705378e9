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

#[test]
fn verify_a_generated_bundle_end_to_end() {
    use palisade_verify::testkit::{ARTIFACT, Fx, IDENTITY, ISSUER, Opts, artifact_hex, statement};
    let dir = tempfile::tempdir().expect("tempdir");
    let fx = Fx::new();
    let builder = "https://github.com/actions/runner/github-hosted";
    let st = statement(
        &artifact_hex(),
        builder,
        "https://github.com/org/repo",
        "refs/heads/main",
    );
    let bundle = fx.bundle(&Opts {
        dsse: Some(st),
        ..Opts::default()
    });
    let p = |n: &str| dir.path().join(n);
    fs::write(p("artifact.tar.gz"), ARTIFACT).expect("write");
    fs::write(
        p("a.sigstore.json"),
        serde_json::to_vec(&bundle).expect("json"),
    )
    .expect("write");
    fs::write(p("trusted_root.json"), fx.trusted_root()).expect("write");
    fs::write(p("slsa.yaml"), format!("builder_id: {builder}\nsource_repository: https://github.com/org/repo\nsource_ref: refs/heads/main\n")).expect("write");
    fs::write(
        p("other.yaml"),
        format!("builder_id: {builder}\nsource_repository: https://github.com/org/fork\n"),
    )
    .expect("write");
    let verify = |extra: &[&str]| {
        let mut c = bin();
        c.arg("verify")
            .arg(p("artifact.tar.gz"))
            .arg("--bundle")
            .arg(p("a.sigstore.json"))
            .arg("--trusted-root")
            .arg(p("trusted_root.json"));
        c.args(extra);
        run(c.current_dir(dir.path()))
    };
    let r = verify(&[
        "--identity",
        IDENTITY,
        "--issuer",
        ISSUER,
        "--provenance",
        "--policy",
        "slsa.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("provenance: satisfies the policy"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("identity: {IDENTITY}")),
        "{}",
        r.stdout
    );
    let r = verify(&[
        "--identity-regex",
        r"https://github\.com/org/repo/.*",
        "--issuer",
        ISSUER,
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["verified"], true);
    assert_eq!(v["sha256"], artifact_hex());
    let r = verify(&[
        "--identity",
        "https://github.com/evil/repo/x@refs/heads/main",
        "--issuer",
        ISSUER,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("certificate identity"), "{}", r.stderr);
    let r = verify(&[
        "--identity",
        IDENTITY,
        "--issuer",
        ISSUER,
        "--provenance",
        "--policy",
        "other.yaml",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("source repository"), "{}", r.stderr);
    let r = verify(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("any sigstore identity is accepted"),
        "{}",
        r.stderr
    );
}
