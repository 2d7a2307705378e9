//! Every built-in check: its positive examples fire and its negative ones do not (the same
//! test runs for all engines in the palisade binary's registry; this one is quicker to run
//! while writing checks and also prints what fired).

use palisade_engine::finding::Finding;
use palisade_engine::{Engine, FileKind, Input, Language, ScanCx};
use palisade_iac::IacEngine;

pub fn kind(path: &str, text: &str) -> FileKind {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let language = if name.starts_with("dockerfile") || name.ends_with(".dockerfile") {
        Language::Dockerfile
    } else if name.ends_with(".json") {
        Language::Json
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        Language::Yaml
    } else {
        Language::Other
    };
    FileKind {
        language,
        is_text: true,
        is_utf8: true,
        size: text.len() as u64,
    }
}

pub fn scan(engine: &IacEngine, path: &str, text: &str) -> Result<Vec<Finding>, String> {
    let k = kind(path, text);
    let mut out = Vec::new();
    if !engine.wants(std::path::Path::new(path), &k) {
        return Ok(out);
    }
    engine
        .scan(
            &Input {
                path,
                content: text.as_bytes(),
                kind: &k,
            },
            &ScanCx::default(),
            &mut out,
        )
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[test]
fn every_example_holds() {
    let engine = IacEngine::new().expect("engine");
    let mut problems = Vec::new();
    for rule in engine.rules() {
        problems.extend(rule.lint("iac"));
        for ex in &rule.examples {
            match scan(&engine, ex.path(), ex.text()) {
                Ok(f) if f.iter().any(|f| f.rule.as_str() == rule.id) => {}
                Ok(f) => problems.push(format!(
                    "{}: positive example did not fire (fired: {:?})",
                    rule.id,
                    f.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>()
                )),
                Err(e) => problems.push(format!("{}: positive example errored: {e}", rule.id)),
            }
        }
        for ex in &rule.negative_examples {
            match scan(&engine, ex.path(), ex.text()) {
                Ok(f) => {
                    if let Some(f) = f.iter().find(|f| f.rule.as_str() == rule.id) {
                        problems.push(format!(
                            "{}: negative example fired: {}",
                            rule.id, f.message
                        ));
                    }
                }
                Err(e) => problems.push(format!("{}: negative example errored: {e}", rule.id)),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn peer_tool_suppression_comments_are_honoured() {
    let engine = IacEngine::new().expect("engine");
    let rules = |path: &str, text: &str| -> Vec<String> {
        scan(&engine, path, text)
            .expect("scan")
            .into_iter()
            .map(|f| f.rule.to_string())
            .collect()
    };
    let docker = "FROM alpine:3.20\n# hadolint ignore=DL3018,DL3019\nRUN apk add curl\nUSER 1\nHEALTHCHECK CMD true\n";
    let found = rules("Dockerfile", docker);
    assert!(
        !found
            .iter()
            .any(|r| r == "iac/dockerfile-apk-unpinned" || r == "iac/dockerfile-apk-cache-kept"),
        "{found:?}"
    );
    let without = rules(
        "Dockerfile",
        &docker.replace("# hadolint ignore=DL3018,DL3019\n", ""),
    );
    assert!(
        without.iter().any(|r| r == "iac/dockerfile-apk-unpinned"),
        "{without:?}"
    );

    let wf = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4 # zizmor: ignore[unpinned-uses]\n";
    let found = rules(".github/workflows/a.yml", wf);
    assert!(
        !found.iter().any(|r| r == "iac/gha-unpinned-action"),
        "{found:?}"
    );
    let without = rules(
        ".github/workflows/a.yml",
        &wf.replace(" # zizmor: ignore[unpinned-uses]", ""),
    );
    assert!(
        without.iter().any(|r| r == "iac/gha-unpinned-action"),
        "{without:?}"
    );

    let k8s = "# checkov:skip=CKV_K8S_16:needs raw devices\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: a:1\n      securityContext: {privileged: true}\n";
    assert!(
        !rules("pod.yaml", k8s)
            .iter()
            .any(|r| r == "iac/k8s-privileged-container")
    );

    // KICS: `kics-scan disable=<query uuid>` for the whole file, `kics-scan ignore-line`
    // for the next line; both only for checks that name a KICS equivalent.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: a:1\n      securityContext: {privileged: true}\n";
    assert!(
        rules("pod.yaml", pod)
            .iter()
            .any(|r| r == "iac/k8s-privileged-container")
    );
    let disabled = format!(
        "# kics-scan disable=611ab018-c4aa-4ba2-b0f6-a448337509a6,dd29336b-fe57-445b-a26e-e6aa867ae609\n{pod}"
    );
    let found = rules("pod.yaml", &disabled);
    assert!(
        !found.iter().any(|r| r == "iac/k8s-privileged-container"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|r| r == "iac/k8s-image-digest"),
        "only the listed queries are disabled: {found:?}"
    );
    let ignored = pod.replace(
        "      securityContext:",
        "      # kics-scan ignore-line\n      securityContext:",
    );
    let found = rules("pod.yaml", &ignored);
    assert!(
        !found.iter().any(|r| r == "iac/k8s-privileged-container"),
        "{found:?}"
    );
    let docker =
        "FROM alpine:3.20\nUSER 1\nHEALTHCHECK CMD true\n# kics-scan ignore-line\nRUN sudo true\n";
    let found = rules("Dockerfile", docker);
    assert!(
        !found.iter().any(|r| r == "iac/dockerfile-sudo"),
        "{found:?}"
    );
    let found = rules(
        "Dockerfile",
        &docker.replace("# kics-scan ignore-line\n", ""),
    );
    assert!(
        found.iter().any(|r| r == "iac/dockerfile-sudo"),
        "{found:?}"
    );
}

#[test]
fn hostile_input_gives_errors_not_panics() {
    let engine = IacEngine::new().expect("engine");
    // Unknown kinds and random YAML: nothing to say.
    assert!(
        scan(
            &engine,
            "x.yaml",
            "apiVersion: acme.io/v1\nkind: Widget\nspec: {a: 1}\n"
        )
        .expect("scan")
        .is_empty()
    );
    // Deep nesting in a manifest: an error with a line.
    let deep = format!("apiVersion: v1\nkind: Pod\nspec: {}", "[".repeat(100_000));
    let e = scan(&engine, "deep.yaml", &deep).expect_err("deep");
    assert!(e.contains("deep.yaml:3"), "{e}");
    // A big, valid multi-document file scans.
    let doc =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata: {a: b}\n---\n";
    let big = doc.repeat(5_000);
    assert!(scan(&engine, "big.yaml", &big).is_ok());
    // Dockerfile junk.
    assert!(scan(&engine, "Dockerfile", "\\\n\\\nRUN \\\n<<EOF\n").is_ok());
    // Invalid JSON CloudFormation.
    let e = scan(
        &engine,
        "t.json",
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {",
    )
    .expect_err("json");
    assert!(e.contains("t.json"), "{e}");
}

/// A format whose findings come from another library plugs in as one `ExternalFormat`.
#[test]
fn an_external_format_plugs_in() {
    struct Fake(Vec<palisade_engine::RuleMeta>);
    impl palisade_iac::ExternalFormat for Fake {
        fn rules(&self) -> &[palisade_engine::RuleMeta] {
            &self.0
        }
        fn wants(&self, path: &std::path::Path, _: &FileKind) -> bool {
            path.extension().is_some_and(|e| e == "tf")
        }
        fn scan(
            &self,
            input: &Input<'_>,
            _root: Option<&std::path::Path>,
        ) -> palisade_iac::ExternalScan {
            let at = |line| palisade_iac::ExternalLocation {
                path: input.path.into(),
                line,
                column: 5,
                address: "aws_s3_bucket.b".into(),
            };
            palisade_iac::ExternalScan {
                findings: vec![palisade_iac::ExternalFinding {
                    rule: "iac/tf-fake".into(),
                    message: "fake".into(),
                    severity: palisade_engine::finding::Severity::High,
                    confidence: palisade_engine::finding::Confidence::High,
                    evidence: "aws_s3_bucket.b:acl".into(),
                    locations: vec![at(3), at(9)],
                }],
                errors: vec![format!("{}:7: bad", input.path)],
            }
        }
    }
    let mut meta = IacEngine::new().expect("engine").rules()[0].clone();
    meta.id = "iac/tf-fake".into();
    let mut engine = IacEngine::new().expect("engine");
    engine.add_external(Box::new(Fake(vec![meta])));
    assert!(engine.rules().iter().any(|r| r.id == "iac/tf-fake"));
    let k = FileKind {
        language: Language::Hcl,
        is_text: true,
        is_utf8: true,
        size: 1,
    };
    let mut out = Vec::new();
    assert!(engine.wants(std::path::Path::new("main.tf"), &k));
    engine
        .scan(
            &Input {
                path: "main.tf",
                content: b"x",
                kind: &k,
            },
            &ScanCx::default(),
            &mut out,
        )
        .expect_err("the format's error is the input's error");
    assert_eq!(out.len(), 1, "findings are kept");
    assert_eq!(out[0].line(), 3);
    assert_eq!(out[0].locations.len(), 2);
}

/// The walker classifies `dockerfile.yaml` as a Dockerfile (`Dockerfile.*`); it is YAML.
#[test]
fn dockerfile_dot_yaml_is_not_a_dockerfile() {
    let engine = IacEngine::new().expect("engine");
    let k = FileKind {
        language: Language::Dockerfile,
        is_text: true,
        is_utf8: true,
        size: 10,
    };
    let mut out = Vec::new();
    engine
        .scan(
            &Input {
                path: "policies/dockerfile.yaml",
                content: b"examples:\n  - |\n    FROM ubuntu\n",
                kind: &k,
            },
            &ScanCx::default(),
            &mut out,
        )
        .expect("scan");
    assert!(out.is_empty(), "{out:?}");
}
