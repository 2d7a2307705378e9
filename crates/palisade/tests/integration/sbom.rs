//! `palisade sbom` on a small project: a Cargo.lock, a package-lock.json and a broken
//! lockfile, in both formats.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::{bin, run};

const CARGO_LOCK: &str = r#"version = 4

[[package]]
name = "memchr"
version = "2.7.4"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "regex"
version = "1.11.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "memchr",
]
"#;

const PACKAGE_LOCK: &str = r#"{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "version": "1.0.0",
      "dependencies": { "express": "^4.0.0" }
    },
    "node_modules/express": {
      "version": "4.21.2",
      "dependencies": { "qs": "6.13.0" }
    },
    "node_modules/qs": {
      "version": "6.13.0"
    }
  }
}
"#;

fn project(dir: &Path) {
    fs::write(dir.join("Cargo.lock"), CARGO_LOCK).expect("write");
    fs::create_dir_all(dir.join("web")).expect("mkdir");
    fs::write(dir.join("web/package-lock.json"), PACKAGE_LOCK).expect("write");
    // The same crates again from a second lockfile: listed once.
    fs::create_dir_all(dir.join("again")).expect("mkdir");
    fs::write(dir.join("again/Cargo.lock"), CARGO_LOCK).expect("write");
    fs::create_dir_all(dir.join("broken")).expect("mkdir");
    fs::write(
        dir.join("broken/package-lock.json"),
        "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n",
    )
    .expect("write");
}

fn sbom(dir: &Path, format: &str) -> (Value, String) {
    let r = run(bin()
        .arg("sbom")
        .arg(dir)
        .arg("--format")
        .arg(format)
        .env("SOURCE_DATE_EPOCH", "1767323045"));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    (doc, r.stderr)
}

const PURLS: [&str; 4] = [
    "pkg:cargo/memchr@2.7.4",
    "pkg:cargo/regex@1.11.1",
    "pkg:npm/express@4.21.2",
    "pkg:npm/qs@6.13.0",
];

#[test]
fn cyclonedx() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let (doc, stderr) = sbom(dir.path(), "cyclonedx");
    assert!(
        stderr.contains("broken/package-lock.json:"),
        "the malformed lockfile is named: {stderr}"
    );
    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["metadata"]["timestamp"], "2026-01-02T03:04:05Z");
    let purls: Vec<&str> = doc["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert_eq!(purls, PURLS);
    let deps = doc["dependencies"].as_array().expect("dependencies");
    assert!(
        deps.iter().any(|d| d["ref"] == "pkg:cargo/regex@1.11.1"
            && d["dependsOn"] == serde_json::json!(["pkg:cargo/memchr@2.7.4"])),
        "{deps:?}"
    );
    assert!(
        deps.iter().any(|d| d["ref"] == "pkg:npm/express@4.21.2"
            && d["dependsOn"] == serde_json::json!(["pkg:npm/qs@6.13.0"])),
        "{deps:?}"
    );
    // Reproducible: same tree, same time, same bytes.
    assert_eq!(sbom(dir.path(), "cyclonedx").0, doc);
}

#[test]
fn spdx_to_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    project(dir.path());
    let out = dir.path().join("sbom.spdx.json");
    let r = run(bin()
        .arg("sbom")
        .arg(dir.path())
        .args(["--format", "spdx", "--output"])
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let doc: Value = serde_json::from_str(&fs::read_to_string(&out).expect("read")).expect("JSON");
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    let packages = doc["packages"].as_array().expect("packages");
    let locators: Vec<&str> = packages
        .iter()
        .filter_map(|p| p["externalRefs"][0]["referenceLocator"].as_str())
        .collect();
    assert_eq!(locators, PURLS);
    let id_of = |purl: &str| {
        packages
            .iter()
            .find(|p| p["externalRefs"][0]["referenceLocator"] == purl)
            .and_then(|p| p["SPDXID"].as_str())
            .expect("package")
            .to_owned()
    };
    let rels = doc["relationships"].as_array().expect("relationships");
    assert!(rels.iter().any(|r| r["relationshipType"] == "DEPENDS_ON"
        && r["spdxElementId"] == id_of("pkg:cargo/regex@1.11.1")
        && r["relatedSpdxElement"] == id_of("pkg:cargo/memchr@2.7.4")));
    assert!(rels.iter().any(|r| r["relationshipType"] == "DESCRIBES"
        && r["relatedSpdxElement"] == id_of("pkg:npm/express@4.21.2")));
}

#[test]
fn missing_path_is_exit_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run(bin().arg("sbom").arg(dir.path().join("nope")));
    assert_eq!(r.code, 3, "{}", r.stderr);
}
