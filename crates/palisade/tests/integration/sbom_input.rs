//! `palisade deps --sbom FILE` (CycloneDX and SPDX JSON in) and `--vex FILE` (OpenVEX and
//! CycloneDX VEX statements hide not-affected findings, with their justification).

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{bin, run};

fn db(tmp: &Path) -> PathBuf {
    let db = tmp.join("osv.db");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv");
    let r = run(bin()
        .arg("db")
        .arg("import")
        .arg(&fixtures)
        .arg("--db")
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    db
}

const CDX: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "components": [
    { "type": "library", "bom-ref": "c-openssl", "name": "openssl", "version": "0.8.0", "purl": "pkg:cargo/openssl@0.8.0" },
    { "type": "library", "bom-ref": "c-memchr", "name": "memchr", "version": "2.7.4", "purl": "pkg:cargo/memchr@2.7.4" }
  ]
}"#;

const SPDX: &str = r#"{
  "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "x",
  "documentNamespace": "https://example.invalid/x",
  "creationInfo": { "created": "2026-01-01T00:00:00Z", "creators": ["Tool: test"] },
  "packages": [
    { "SPDXID": "SPDXRef-Package-1", "name": "Django", "versionInfo": "1.11.0", "downloadLocation": "NOASSERTION",
      "externalRefs": [{ "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/django@1.11.0" }] }
  ]
}"#;

fn json_findings(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("json: {e}\n{stdout}"))
}

#[test]
fn sboms_are_scanned_by_package_url() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db(tmp.path());
    fs::write(tmp.path().join("app.cdx.json"), CDX).expect("write");
    fs::write(tmp.path().join("app.spdx.json"), SPDX).expect("write");
    let r = run(bin()
        .current_dir(tmp.path())
        .args([
            "deps",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--no-config",
            "--db",
        ])
        .arg(&db)
        .args(["--sbom", "app.cdx.json", "--sbom", "app.spdx.json"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v = json_findings(&r.stdout);
    let text = v["findings"].to_string();
    assert!(text.contains("openssl 0.8.0 has"), "{text}");
    assert!(
        text.contains("Django 1.11.0 has") || text.contains("django 1.11.0 has"),
        "{text}"
    );
    assert!(text.contains("\"path\":\"app.cdx.json\""), "{text}");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(2), "{text}");
    assert_eq!(v["summary"]["files_scanned"], 2, "only the SBOMs, not `.`");

    // A file that is not an SBOM is refused with the reason.
    fs::write(tmp.path().join("notes.json"), "{\"a\": 1}").expect("write");
    let bad = run(bin()
        .current_dir(tmp.path())
        .args(["deps", "--db"])
        .arg(&db)
        .args(["--sbom", "notes.json"]));
    assert_eq!(bad.code, 3, "{}", bad.stderr);
    assert!(
        bad.stderr
            .contains("not a CycloneDX (JSON or XML) or SPDX (JSON or tag-value) SBOM"),
        "{}",
        bad.stderr
    );
    // An SBOM under a name that says nothing: recognised by its content.
    fs::write(tmp.path().join("export.json"), CDX).expect("write");
    let named = run(bin()
        .current_dir(tmp.path())
        .args(["deps", "--fail-on", "never", "--db"])
        .arg(&db)
        .args(["--sbom", "export.json"]));
    assert_eq!(named.code, 0, "{}", named.stderr);
    assert!(named.stdout.contains("export.json"), "{}", named.stdout);
}

#[test]
fn vex_statements_hide_not_affected_findings_with_their_justification() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db(tmp.path());
    fs::write(tmp.path().join("app.cdx.json"), CDX).expect("write");
    fs::write(tmp.path().join("app.spdx.json"), SPDX).expect("write");
    // OpenVEX: openssl not affected (by an alias of the finding's id), version-less purl.
    fs::write(
        tmp.path().join("openvex.json"),
        r#"{ "@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.invalid/vex/1",
             "author": "sec team", "timestamp": "2026-01-01T00:00:00Z", "version": 1,
             "statements": [
               { "vulnerability": { "name": "CVE-2016-10931" },
                 "products": [ { "@id": "pkg:cargo/openssl" } ],
                 "status": "not_affected",
                 "justification": "vulnerable_code_not_in_execute_path",
                 "impact_statement": "we never make TLS connections" },
               { "vulnerability": { "name": "PYSEC-0000-0001" },
                 "products": [ { "@id": "pkg:pypi/django@1.11.0" } ],
                 "status": "under_investigation" }
             ] }"#,
    )
    .expect("write");
    let with_format = |format: &str| {
        let mut c = bin();
        c.current_dir(tmp.path())
            .args([
                "deps",
                "--format",
                format,
                "--fail-on",
                "never",
                "--no-config",
                "--db",
            ])
            .arg(&db)
            .args(["--sbom", "app.cdx.json", "--sbom", "app.spdx.json"]);
        c
    };
    let base = || with_format("json");
    let r = run(base().args(["--vex", "openvex.json"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v = json_findings(&r.stdout);
    let findings = v["findings"].to_string();
    assert!(!findings.contains("openssl"), "{findings}");
    assert!(
        findings.contains("1.11.0 has PYSEC-0000-0001"),
        "under investigation stays: {findings}"
    );
    let diags = v["diagnostics"].to_string();
    assert!(
        diags.contains("not_affected per VEX openvex.json (vulnerable_code_not_in_execute_path): we never make TLS connections"),
        "{diags}"
    );

    // CycloneDX VEX: Django marked not affected through a bom-ref of the same document.
    fs::write(
        tmp.path().join("vex.cdx.json"),
        r#"{ "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
             "components": [ { "type": "library", "bom-ref": "dj", "name": "django", "purl": "pkg:pypi/django@1.11.0" } ],
             "vulnerabilities": [
               { "id": "PYSEC-0000-0001",
                 "analysis": { "state": "not_affected", "justification": "code_not_reachable", "detail": "admin disabled" },
                 "affects": [ { "ref": "dj" } ] },
               { "id": "RUSTSEC-2016-0001",
                 "analysis": { "state": "exploitable" },
                 "affects": [ { "ref": "pkg:cargo/openssl@0.8.0" } ] }
             ] }"#,
    )
    .expect("write");
    let both = run(base().args(["--vex", "vex.cdx.json"]));
    assert_eq!(both.code, 0, "{}", both.stderr);
    let v = json_findings(&both.stdout);
    let findings = v["findings"].to_string();
    assert!(!findings.contains("PYSEC-0000-0001"), "{findings}");
    assert!(
        findings.contains("openssl 0.8.0 has"),
        "exploitable stays: {findings}"
    );
    assert!(
        v["diagnostics"]
            .to_string()
            .contains("(code_not_reachable): admin disabled"),
        "{}",
        v["diagnostics"]
    );

    // Text output shows the suppression with -v only.
    let quiet = run(with_format("text").args(["--vex", "openvex.json"]));
    assert!(
        !quiet.stdout.contains("not_affected per VEX"),
        "{}",
        quiet.stdout
    );
    let verbose = run(with_format("text").args(["-v", "--vex", "openvex.json"]));
    assert!(
        format!("{}{}", verbose.stdout, verbose.stderr).contains("not_affected per VEX"),
        "{}\n{}",
        verbose.stdout,
        verbose.stderr
    );

    // A broken VEX document is an error naming it.
    fs::write(tmp.path().join("broken.json"), "{\"x\": 1}").expect("write");
    let bad = run(base().args(["--vex", "broken.json"]));
    assert_eq!(bad.code, 3, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("broken.json: neither OpenVEX"),
        "{}",
        bad.stderr
    );
}
