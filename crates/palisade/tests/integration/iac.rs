//! `palisade iac`: every format in one tree, custom policies from the command line and
//! palisade.toml, bad policies and bad input.

use std::fs;
use std::path::Path;

use crate::common::{bin, run};

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    };
    w(
        "k8s/app.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hostNetwork: true\n  containers:\n    - name: app\n      image: nginx:latest\n      securityContext:\n        privileged: true\n",
    );
    w(
        ".github/workflows/ci.yml",
        "on: pull_request_target\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: echo \"${{ github.event.pull_request.title }}\"\n",
    );
    w(
        "Dockerfile",
        "FROM ubuntu\nRUN curl -fsSL https://x.example/i.sh | sh\n",
    );
    w(
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres:16\n    privileged: true\n",
    );
    w(
        "cfn/template.json",
        "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"AccessControl\": \"PublicRead\"}}}}",
    );
    w(
        ".gitlab-ci.yml",
        "test:\n  image: node\n  script: [npm test]\n",
    );
    // Not IaC: ignored without a word.
    w("notes.yaml", "title: hello\n");
    dir
}

fn json(args: &[&str], dir: &Path) -> (i32, serde_json::Value, String) {
    let r = run(bin()
        .args([
            "iac",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .args(args)
        .arg(dir));
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", r.stdout, r.stderr));
    (r.code, v, r.stderr)
}

fn found(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let loc = &f["locations"][0];
            format!(
                "{}:{}:{} {}",
                loc["path"].as_str().unwrap_or(""),
                loc["start_line"],
                loc["start_column"],
                f["rule"].as_str().unwrap_or("")
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_format_in_one_tree() {
    let dir = tree();
    let (code, v, stderr) = json(&[], dir.path());
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(found(&v).join("\n"));
}

#[test]
fn custom_policies_from_flag_and_config() {
    let dir = tree();
    let pol = dir.path().join("policies");
    fs::create_dir_all(&pol).expect("mkdir");
    fs::write(
        pol.join("team.yaml"),
        "checks:\n  - id: iac/acme-team-label\n    name: Team label missing\n    format: kubernetes\n    select: object\n    severity: low\n    cwe: [1188]\n    fail: {path: metadata.labels.team, absent: true}\n    message: \"{name} has no team label\"\n",
    )
    .expect("write");
    let (_, v, _) = json(&["--policies", pol.to_str().expect("utf8")], dir.path());
    assert!(
        found(&v).iter().any(|f| f.ends_with("iac/acme-team-label")),
        "{v}"
    );

    fs::write(
        dir.path().join("palisade.toml"),
        "[iac]\npolicies = [\"policies\"]\n",
    )
    .expect("write");
    let r = run(bin()
        .args(["iac", "--format", "json", "--fail-on", "never"])
        .arg(dir.path()));
    assert!(r.stdout.contains("iac/acme-team-label"), "{}", r.stderr);
}

#[test]
fn a_bad_policy_is_an_error_naming_file_and_line() {
    let dir = tree();
    let pol = dir.path().join("bad.yaml");
    fs::write(
        &pol,
        "checks:\n  - id: iac/x\n    name: X\n    format: kubernetes\n    select: container\n    severity: low\n    cwe: [1]\n    fail: {path: image, matchs: latest}\n",
    )
    .expect("write");
    let r = run(bin()
        .args(["iac", "--no-config", "--policies"])
        .arg(&pol)
        .arg(dir.path()));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("bad.yaml")
            && r.stderr.contains("line 8")
            && r.stderr.contains("unknown operator `matchs`"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_input_is_a_diagnostic_and_the_scan_goes_on() {
    let dir = tree();
    fs::write(
        dir.path().join(".github/workflows/broken.yml"),
        "on: push\njobs:\n  a: [\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("k8s/deep.yaml"),
        format!("apiVersion: v1\nkind: Pod\nx: {}", "[".repeat(5000)),
    )
    .expect("write");
    let (_, v, _) = json(&[], dir.path());
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let broken = diags
        .iter()
        .find(|d| d["path"].as_str().is_some_and(|p| p.contains("broken.yml")))
        .expect("diagnostic for broken.yml");
    assert!(
        broken["message"]
            .as_str()
            .is_some_and(|m| m.contains("broken.yml:3") && m.contains("unclosed bracket")),
        "{broken}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d["path"].as_str().is_some_and(|p| p.contains("deep.yaml")))
    );
    // The other files were still scanned.
    assert!(
        found(&v)
            .iter()
            .any(|f| f.contains("iac/k8s-privileged-container"))
    );
}

/// A chart with a subchart and a dependency that is not vendored: the subchart renders
/// with the values the parent gives it, `--values` and `--set` change what renders, and
/// the missing dependency is a diagnostic naming Chart.yaml.
#[test]
fn helm_subcharts_values_files_and_set() {
    let dir = tempfile::tempdir().expect("tmp");
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    };
    w(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: shop\nversion: 1.0.0\ndependencies:\n  - name: web\n  - name: redis\n    repository: https://charts.example.com\n",
    );
    w("chart/values.yaml", "web:\n  privileged: false\n");
    w(
        "chart/charts/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    w(
        "chart/charts/web/values.yaml",
        "privileged: true\nhostNet: false\n",
    );
    w(
        "chart/charts/web/templates/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hostNetwork: {{ .Values.hostNet }}\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: {{ .Values.privileged }}\n",
    );
    let rules = |v: &serde_json::Value| -> Vec<String> {
        found(v)
            .into_iter()
            .filter(|f| f.contains("privileged-container") || f.contains("host-network"))
            .collect()
    };
    let (_, v, _) = json(&[], dir.path());
    // The parent turns `privileged` off: only the subchart's template is a location.
    assert_eq!(rules(&v), Vec::<String>::new(), "{v}");
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    assert!(
        diags.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("chart/Chart.yaml") && m.contains("`redis`"))),
        "{diags:?}"
    );
    let values = dir.path().join("prod-values.yaml");
    fs::write(&values, "web:\n  hostNet: true\n").expect("write");
    let values = values.display().to_string();
    let (_, v, _) = json(
        &["--values", &values, "--set", "web.privileged=true"],
        dir.path(),
    );
    assert_eq!(
        rules(&v),
        vec![
            "chart/charts/web/templates/pod.yaml:12:9 iac/k8s-privileged-container".to_string(),
            "chart/charts/web/templates/pod.yaml:7:3 iac/k8s-host-network".to_string(),
        ],
        "{v}"
    );
    // A bad --set is a usage error naming the argument.
    let r = run(bin()
        .args(["iac", "--no-config", "--set", "novalue"])
        .arg(dir.path()));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("novalue"), "{}", r.stderr);
}

/// A Kubernetes file named `*patch*` is a Kustomize fragment only beside a kustomization
/// (or with a `$patch:` directive); elsewhere it is a manifest and is checked.
#[test]
fn patch_named_files_are_fragments_only_beside_a_kustomization() {
    let dir = tempfile::tempdir().expect("tmp");
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    };
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n";
    w("plain/dispatcher-pod.yaml", pod);
    w("overlay/privileged-patch.yaml", pod);
    w(
        "overlay/kustomization.yaml",
        "resources: []\npatches:\n  - path: privileged-patch.yaml\n",
    );
    w(
        "other/delete.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: gone\n$patch: delete\n",
    );
    let (_, v, _) = json(&[], dir.path());
    let files: std::collections::BTreeSet<String> = found(&v)
        .iter()
        .map(|f| f.split(':').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        vec!["plain/dispatcher-pod.yaml".to_string()],
        "{v}"
    );
}

/// `[iac] helm-values` and `helm-set` in palisade.toml act like `--values` and `--set`.
#[test]
fn helm_values_from_the_config_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    };
    w(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    w("chart/values.yaml", "privileged: false\nhostNet: false\n");
    w(
        "chart/templates/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hostNetwork: {{ .Values.hostNet }}\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: {{ .Values.privileged }}\n",
    );
    w("deploy/prod.yaml", "hostNet: true\n");
    w(
        "palisade.toml",
        "[iac]\nhelm-values = [\"deploy/prod.yaml\"]\nhelm-set = [\"privileged=true\"]\n",
    );
    let r = run(bin().current_dir(dir.path()).args([
        "iac",
        "--format",
        "json",
        "--fail-on",
        "never",
        "chart",
    ]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", r.stdout, r.stderr));
    let rules: Vec<String> = found(&v)
        .into_iter()
        .filter(|f| f.contains("privileged-container") || f.contains("host-network"))
        .collect();
    assert_eq!(rules.len(), 2, "{rules:?} {}", r.stderr);
}
