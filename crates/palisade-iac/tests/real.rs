//! The real inputs of the issue: the 179 GitHub workflows of
//! `shared/data/iac/github-workflows.tar.zst` and the microservices-demo manifests. Findings
//! are snapshotted (rule, file, line, column, route, message) for review; the tests skip
//! with a printed reason when the data is absent.

use std::io::Read;
use std::path::{Path, PathBuf};

use palisade_engine::finding::Finding;
use palisade_iac::IacEngine;

#[path = "examples.rs"]
#[allow(dead_code)]
mod examples;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/iac")
}

fn line(f: &Finding) -> String {
    let loc = f.primary().expect("location");
    let (route, span) = match loc {
        palisade_engine::finding::Location::Yaml { route, span, .. } => (route.as_str(), *span),
        _ => ("", None),
    };
    let (l, c) = span.map_or((0, 0), |s| (s.start_line, s.start_column));
    format!("{}:{l}:{c} {} [{route}] {}", f.path(), f.rule, f.message)
}

#[test]
fn github_workflows_corpus() {
    let archive = data().join("github-workflows.tar.zst");
    let Ok(file) = std::fs::File::open(&archive) else {
        eprintln!("SKIP: {} not found", archive.display());
        return;
    };
    let engine = IacEngine::new().expect("engine");
    let decoder = zstd::Decoder::new(file).expect("zstd");
    let mut tar = tar::Archive::new(decoder);
    let mut out = Vec::new();
    let mut files = 0;
    let mut errors = Vec::new();
    let mut by_rule = std::collections::BTreeMap::<String, usize>::new();
    for entry in tar.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().expect("path").to_string_lossy().into_owned();
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_err() {
            continue;
        }
        files += 1;
        match examples::scan(&engine, &path, &text) {
            Ok(found) => {
                for f in found {
                    *by_rule.entry(f.rule.to_string()).or_default() += 1;
                    out.push(line(&f));
                }
            }
            Err(e) => errors.push(format!("{path}: {e}")),
        }
    }
    out.sort();
    assert!(files >= 179, "{files} files");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let summary: Vec<String> = by_rule.iter().map(|(r, n)| format!("{n:5} {r}")).collect();
    insta::assert_snapshot!("workflows_summary", summary.join("\n"));
    insta::assert_snapshot!("workflows_findings", out.join("\n"));
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn microservices_demo() {
    let root = data().join("microservices-demo");
    if !root.exists() {
        eprintln!("SKIP: {} not found", root.display());
        return;
    }
    let mut engine = IacEngine::new().expect("engine");
    engine.set_roots(std::slice::from_ref(&root));
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut by_fp: std::collections::BTreeMap<String, (String, usize)> = Default::default();
    let mut errors = Vec::new();
    for p in files {
        let rel = p
            .strip_prefix(&root)
            .expect("rel")
            .to_string_lossy()
            .into_owned();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        match examples::scan(&engine, &rel, &text) {
            Ok(found) => {
                for f in found {
                    let e = by_fp
                        .entry(f.fingerprint.0.clone())
                        .or_insert_with(|| (line(&f), 0));
                    // The primary location is the source file; renderings add locations.
                    if !matches!(f.primary(), Some(palisade_engine::finding::Location::Yaml { path, .. }) if path.ends_with("kustomization.yaml"))
                    {
                        e.0 = line(&f);
                    }
                    e.1 += 1;
                }
            }
            Err(e) => errors.push(format!("{rel}: {e}")),
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let mut out: Vec<String> = by_fp.values().map(|(l, n)| format!("{l} (x{n})")).collect();
    out.sort();
    // The same problem in the base file and in five renderings is one finding.
    assert!(
        out.iter().any(
            |l| l.starts_with("kustomize/base/adservice.yaml:38:9 iac/k8s-low-uid")
                && l.ends_with("(x6)")
        ),
        "{}",
        out.join("\n")
    );
    // The Helm chart renders; findings point at template lines.
    assert!(
        out.iter().any(|l| l.starts_with("helm-chart/templates/adservice.yaml:72:9 iac/k8s-image-digest")),
        "{}",
        out.join("\n")
    );
    insta::assert_snapshot!("microservices_demo", out.join("\n"));
}
