//! The CI integration files parse as YAML and say what their documentation promises:
//! `action.yml`, the GitLab template, `.pre-commit-hooks.yaml`, and every YAML example
//! in `docs/ci.md`.

use serde_json::Value;

use crate::common::repo_root;

fn yaml(rel: &str) -> Value {
    let path = repo_root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"))
}

fn is_full_sha(s: &str) -> bool {
    s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[test]
fn the_github_action_is_composite_and_pins_what_it_uses() {
    let a = yaml("action.yml");
    assert_eq!(a["runs"]["using"], "composite");
    for input in [
        "path",
        "fail-on",
        "baseline-ref",
        "args",
        "sarif-file",
        "upload-sarif",
        "category",
    ] {
        assert!(a["inputs"][input].is_object(), "input {input}");
    }
    let steps = a["runs"]["steps"].as_array().expect("steps");
    let mut upload = false;
    for step in steps {
        if let Some(uses) = step["uses"].as_str() {
            let (_, rev) = uses.split_once('@').expect("uses with a ref");
            assert!(
                is_full_sha(rev),
                "{uses} is not pinned by a full commit SHA"
            );
            upload |= uses.starts_with("github/codeql-action/upload-sarif@");
        }
        if let Some(run) = step["run"].as_str() {
            // Inputs reach scripts through env, never by ${{ }} inside the script.
            assert!(!run.contains("${{"), "expression inside a script: {run}");
            assert_eq!(step["shell"], "bash");
        }
    }
    assert!(upload, "uploads SARIF");
    let scan = steps.iter().find(|s| s["id"] == "scan").expect("scan step");
    let run = scan["run"].as_str().expect("run");
    assert!(
        run.contains("palisade scan")
            && run.contains("--baseline-ref")
            && run.contains("--format sarif")
    );
}

#[test]
fn the_gitlab_template_publishes_a_sast_report() {
    let g = yaml("ci/gitlab/palisade.gitlab-ci.yml");
    let job = &g["palisade"];
    assert_eq!(job["artifacts"]["reports"]["sast"], "gl-sast-report.json");
    assert_eq!(job["artifacts"]["when"], "always");
    let script = job["script"].as_array().expect("script");
    let text: String = script.iter().filter_map(Value::as_str).collect();
    assert!(text.contains("--format gitlab-sast --output gl-sast-report.json"));
    assert!(text.contains("--baseline-ref $CI_MERGE_REQUEST_DIFF_BASE_SHA"));
    assert!(g["variables"]["PALISADE_FAIL_ON"].is_string());
}

#[test]
fn the_pre_commit_hooks_scan_the_staged_files() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, vec!["palisade-secrets", "palisade"]);
    for h in hooks {
        for key in ["id", "name", "entry", "language"] {
            assert!(h[key].is_string(), "{key} in {h}");
        }
        assert_eq!(h["pass_filenames"], true, "{h}");
        assert!(h["entry"].as_str().expect("entry").starts_with("palisade "));
    }
}

#[test]
fn every_yaml_example_in_the_ci_docs_parses() {
    let text = std::fs::read_to_string(repo_root().join("docs/ci.md")).expect("docs/ci.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_start() == "```yaml" => current = Some(String::new()),
            Some(b) if line.trim_start() == "```" => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    assert!(blocks.len() >= 6, "{} YAML examples", blocks.len());
    for b in &blocks {
        let v: Result<Value, _> = serde_saphyr::from_str(b);
        assert!(v.is_ok(), "not valid YAML: {:?}\n{b}", v.err());
    }
    for platform in [
        "GitHub",
        "GitLab",
        "pre-commit",
        "Jenkins",
        "Azure Pipelines",
        "Buildkite",
    ] {
        assert!(
            text.contains(&format!("## {platform}")),
            "{platform} section"
        );
    }
    assert!(text.matches("--baseline-ref").count() >= 6);
}
