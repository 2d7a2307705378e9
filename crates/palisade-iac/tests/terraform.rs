//! The Terraform adapter: one evaluation per scan root, each finding reported once (by the
//! file of its primary location), diagnostics on the file they name, plan JSON by content.

use std::fs;
use std::path::Path;

use palisade_engine::finding::Finding;
use palisade_engine::{Engine, FileKind, Input, Language, ScanCx};
use palisade_iac::IacEngine;
use palisade_iac::terraform::{Terraform, TfOptions};

fn kind(language: Language) -> FileKind {
    FileKind {
        language,
        is_text: true,
        is_utf8: true,
        size: 1,
    }
}

fn engine(root: &Path, opts: TfOptions) -> IacEngine {
    let mut e = IacEngine::new().expect("engine");
    e.set_roots(&[root.to_path_buf()]);
    e.add_external(Box::new(Terraform::new(opts)));
    e
}

/// Scans `files` (relative to `root`) as the walker would: findings and per-file errors.
fn scan(e: &IacEngine, root: &Path, files: &[&str]) -> (Vec<Finding>, Vec<String>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let content = fs::read(root.join(f)).expect("read");
        let k = kind(if f.ends_with(".json") {
            Language::Json
        } else {
            Language::Hcl
        });
        assert!(e.wants(Path::new(f), &k), "{f}");
        let input = Input {
            path: f,
            content: &content,
            kind: &k,
        };
        if let Err(err) = e.scan(&input, &ScanCx::default(), &mut found) {
            errors.push(format!("{f}: {err}"));
        }
    }
    (found, errors)
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    };
    w(
        "main.tf",
        "variable \"cidr\" {\n  default = \"10.0.0.0/8\"\n}\nmodule \"a\" {\n  source = \"./sg\"\n  cidr   = \"0.0.0.0/0\"\n}\nmodule \"b\" {\n  source = \"./sg\"\n  cidr   = var.cidr\n}\n",
    );
    w("other.tf", "locals {\n  x = 1\n}\n");
    w(
        "sg/main.tf",
        "variable \"cidr\" {}\nresource \"aws_security_group\" \"this\" {\n  description = \"d\"\n  ingress {\n    description = \"ssh\"\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [var.cidr]\n  }\n}\n",
    );
    w("bad/main.tf", "resource \"x\" \"y\" {\n  a = \n");
    w(
        "plan.json",
        r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
  {"address": "aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume", "name": "v",
   "values": {"encrypted": false}}]}}}"#,
    );
    dir
}

const FILES: &[&str] = &[
    "bad/main.tf",
    "main.tf",
    "other.tf",
    "plan.json",
    "sg/main.tf",
];

fn ssh(found: &[Finding]) -> Vec<&Finding> {
    found
        .iter()
        .filter(|f| f.rule.as_str() == "iac/aws-security-group-ssh-open")
        .collect()
}

#[test]
fn a_tree_is_evaluated_once_and_each_finding_reported_once() {
    let dir = tree();
    let e = engine(dir.path(), TfOptions::default());
    let (found, errors) = scan(&e, dir.path(), FILES);
    // Only module `a` opens SSH; the finding belongs to sg/main.tf and is reported once.
    let s = ssh(&found);
    assert_eq!(s.len(), 1, "{found:#?}");
    assert_eq!(s[0].path(), "sg/main.tf");
    assert_eq!(s[0].line(), 9);
    assert_eq!(s[0].locations.len(), 1, "{:?}", s[0].locations);
    let mut fps: Vec<&str> = found.iter().map(|f| f.fingerprint.0.as_str()).collect();
    let n = fps.len();
    fps.sort_unstable();
    fps.dedup();
    assert_eq!(fps.len(), n, "no finding twice: {found:#?}");
    // The plan JSON is Terraform too (by content), the bad file an error naming its line.
    assert!(
        found
            .iter()
            .any(|f| f.rule.as_str() == "iac/aws-ebs-volume-unencrypted"
                && f.path() == "plan.json"),
        "{found:#?}"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("bad/main.tf: "), "{errors:?}");
    assert!(errors[0].contains("bad/main.tf:2:"), "{errors:?}");
}

#[test]
fn variables_reach_the_module_calls() {
    let dir = tree();
    let opts = TfOptions {
        vars: vec![("cidr".into(), "0.0.0.0/0".into())],
        ..TfOptions::default()
    };
    let e = engine(dir.path(), opts);
    let (found, _) = scan(&e, dir.path(), FILES);
    let s = ssh(&found);
    assert_eq!(s.len(), 1, "{found:#?}");
    let routes: Vec<String> = s[0]
        .locations
        .iter()
        .map(|l| match l {
            palisade_engine::finding::Location::Yaml { route, .. } => route.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        routes,
        [
            "module.a.aws_security_group.this",
            "module.b.aws_security_group.this"
        ]
    );
}

#[test]
fn in_memory_text_is_a_module_of_one_file() {
    let e = IacEngine::new()
        .map(|mut e| {
            e.add_external(Box::new(Terraform::default()));
            e
        })
        .expect("engine");
    let k = kind(Language::Hcl);
    let text = b"resource \"aws_ebs_volume\" \"v\" {\n  encrypted = false\n}\n";
    let mut found = Vec::new();
    e.scan(
        &Input {
            path: "virtual/nowhere.tf",
            content: text,
            kind: &k,
        },
        &ScanCx::default(),
        &mut found,
    )
    .expect("scan");
    let f = found
        .iter()
        .find(|f| f.rule.as_str() == "iac/aws-ebs-volume-unencrypted")
        .expect("finding");
    assert_eq!(f.path(), "virtual/nowhere.tf");
    assert_eq!(f.line(), 2);
}

/// A git blob of an older commit has the path of a file on disk but other content: it is
/// evaluated alone, never answered with the working tree's evaluation.
#[test]
fn text_that_is_not_the_file_on_disk_is_evaluated_alone() {
    let dir = tree();
    let e = engine(dir.path(), TfOptions::default());
    let k = kind(Language::Hcl);
    let old = b"resource \"aws_ebs_volume\" \"old\" {\n  encrypted = false\n}\n";
    let mut found = Vec::new();
    e.scan(
        &Input {
            path: "sg/main.tf",
            content: old,
            kind: &k,
        },
        &ScanCx::default(),
        &mut found,
    )
    .expect("scan");
    let rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["iac/aws-ebs-volume-unencrypted"], "{found:#?}");
    assert_eq!(found[0].path(), "sg/main.tf");
}
