//! `palisade db import|status` and `palisade deps` against hand-written OSV records
//! (`tests/fixtures/osv/`), and, when present, the shared crates.io bundle.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{bin, repo_root, run};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv")
}

fn import(db: &Path, source: &Path) {
    let r = run(bin()
        .arg("db")
        .arg("import")
        .arg(source)
        .arg("--db")
        .arg(db));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("imported"), "{}", r.stderr);
}

fn cargo_lock(packages: &[(&str, &str)]) -> String {
    let mut s = String::from("version = 4\n");
    for (name, version) in packages {
        s.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
    }
    s
}

/// A project: a vulnerable and a fixed Cargo.lock, a requirements.txt, a broken Cargo.lock
/// and a Gradle lockfile (an ecosystem the fixture database has no data for).
fn project(dir: &Path) {
    fs::write(
        dir.join("Cargo.lock"),
        cargo_lock(&[("memchr", "2.7.4"), ("openssl", "0.8.0")]),
    )
    .expect("write");
    fs::create_dir_all(dir.join("fixed")).expect("mkdir");
    fs::write(
        dir.join("fixed/Cargo.lock"),
        cargo_lock(&[("openssl", "0.9.0")]),
    )
    .expect("write");
    fs::write(
        dir.join("requirements.txt"),
        "Django==1.11.0\nrequests==2.31.0\n",
    )
    .expect("write");
    fs::create_dir_all(dir.join("broken")).expect("mkdir");
    fs::write(
        dir.join("broken/Cargo.lock"),
        "[[package]]\nname = \"openssl\"\nversion = \n",
    )
    .expect("write");
    fs::write(
        dir.join("gradle.lockfile"),
        "org.slf4j:slf4j-api:1.7.30=compileClasspath\nempty=\n",
    )
    .expect("write");
}

#[test]
fn import_status_and_deps_scan() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db/osv.db");
    import(&db, &fixtures());

    let status = run(bin().args(["db", "status", "--db"]).arg(&db));
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.contains("advisories: 3"), "{}", status.stdout);
    assert!(status.stdout.contains("crates.io: 2"), "{}", status.stdout);
    assert!(status.stdout.contains("PyPI: 1"), "{}", status.stdout);

    let dir = tmp.path().join("project");
    fs::create_dir_all(&dir).expect("mkdir");
    project(&dir);
    let r = run(bin()
        .args(["deps", "--format", "json", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&dir));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", r.stdout, r.stderr));
    let findings: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let openssl: Vec<&String> = findings
        .iter()
        .filter(|f| f.contains("openssl 0.8.0 has"))
        .collect();
    assert_eq!(
        openssl.len(),
        1,
        "aliases merged into one finding: {findings:#?}"
    );
    for part in [
        "RUSTSEC-2016-0001",
        "CVE-2016-10931",
        "GHSA-34p9-f4q3-c4r7",
        "upgrade to 0.9.0",
        "pkg:cargo/openssl@0.8.0",
        "deps/vulnerable-dependency",
        "\"high\"",
    ] {
        assert!(openssl[0].contains(part), "{part} missing: {}", openssl[0]);
    }
    let django = findings
        .iter()
        .find(|f| f.contains("Django 1.11.0 has PYSEC-0000-0001"))
        .unwrap_or_else(|| panic!("no Django finding: {findings:#?}"));
    assert!(django.contains("upgrade to 1.11.29"), "{django}");
    assert!(django.contains("\"critical\""), "{django}");
    assert!(
        !findings.iter().any(|f| f.contains("openssl 0.9.0")),
        "a fixed version is not reported: {findings:#?}"
    );
    let diags = v["diagnostics"].to_string();
    assert!(
        diags.contains("broken/Cargo.lock:3"),
        "{diags}\n{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("1 package(s) not audited: no advisory data for Maven"),
        "{}",
        r.stderr
    );

    // The same summary is in the JSON report (summary.not_audited) and in SARIF.
    assert_eq!(
        v["summary"]["not_audited"],
        serde_json::json!([{ "packages": 1, "reason": "no-advisory-data", "ecosystem": "Maven" }]),
        "{}",
        v["summary"]
    );
    let sarif = run(bin()
        .args(["deps", "--format", "sarif", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&dir));
    assert_eq!(sarif.code, 0, "{}", sarif.stderr);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    let inv = &sarif["runs"][0]["invocations"][0];
    assert!(
        inv["toolExecutionNotifications"]
            .to_string()
            .contains("1 package(s) not audited: no advisory data for Maven"),
        "{inv}"
    );
    assert_eq!(inv["properties"]["notAudited"][0]["ecosystem"], "Maven");

    // Text output, default --fail-on: findings exit 1.
    let text = run(bin().args(["deps", "--db"]).arg(&db).arg(&dir));
    assert_eq!(text.code, 1, "{}\n{}", text.stdout, text.stderr);
    assert!(text.stdout.contains("upgrade to 0.9.0"), "{}", text.stdout);

    // PALISADE_DB works as --db does.
    let env = run(bin()
        .env("PALISADE_DB", &db)
        .args(["deps", "--fail-on", "never"])
        .arg(&dir));
    assert_eq!(env.code, 0, "{}", env.stderr);
    assert!(env.stdout.contains("openssl 0.8.0 has"), "{}", env.stdout);
}

#[test]
fn without_a_database_deps_fails_and_scan_warns() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("missing.db");
    let dir = tmp.path().join("project");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("Cargo.lock"), cargo_lock(&[("openssl", "0.8.0")])).expect("write");

    let r = run(bin().args(["deps", "--db"]).arg(&db).arg(&dir));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("palisade db import"), "{}", r.stderr);

    let scan = run(bin().args(["scan", "--db"]).arg(&db).arg(&dir));
    assert_eq!(scan.code, 0, "{}\n{}", scan.stdout, scan.stderr);
    assert_eq!(
        scan.stderr.matches("no advisory database").count(),
        1,
        "{}",
        scan.stderr
    );

    let status = run(bin().args(["db", "status", "--db"]).arg(&db));
    assert_eq!(status.code, 3, "{}", status.stderr);
    assert!(
        status.stderr.contains("palisade db import"),
        "{}",
        status.stderr
    );
}

#[test]
fn the_shared_crates_io_bundle_finds_a_known_advisory() {
    let bundle = repo_root().join("../shared/data/advisories/crates.io.jsonl.zst");
    if !bundle.exists() {
        eprintln!("skipped: {} is absent", bundle.display());
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("osv.db");
    import(&db, &bundle);
    let dir = tmp.path().join("project");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(
        dir.join("Cargo.lock"),
        cargo_lock(&[
            ("libc", "0.2.150"),
            ("openssl", "0.8.0"),
            ("smallvec", "1.13.2"),
        ]),
    )
    .expect("write");
    let r = run(bin()
        .args(["deps", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&dir));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("openssl 0.8.0 has RUSTSEC-2016-0001 (CVE-2016-10931, GHSA-34p9-f4q3-c4r7)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("upgrade to 0.9.0"), "{}", r.stdout);
}

#[test]
fn requirements_includes_and_a_local_parent_pom_are_read_under_the_root() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("osv.db");
    import(&db, &fixtures());
    let dir = tmp.path().join("project");
    fs::create_dir_all(dir.join("base")).expect("mkdir");
    fs::create_dir_all(dir.join("app")).expect("mkdir");
    // Django only through the include (base/common.txt is no requirements*.txt name, so
    // the walk alone never reads it); the constraint file pins nothing vulnerable.
    fs::write(
        dir.join("requirements.txt"),
        "-r base/common.txt\n-c constraints.txt\nrequests==2.31.0\n",
    )
    .expect("write");
    fs::write(dir.join("base/common.txt"), "Django==1.11.0\n").expect("write");
    fs::write(dir.join("constraints.txt"), "urllib3==2.2.0\n").expect("write");
    // A pom.xml whose dependency version is a property of its local parent.
    fs::write(
        dir.join("pom.xml"),
        "<project><groupId>g</groupId><artifactId>parent</artifactId><version>1</version><packaging>pom</packaging>\
         <properties><slf4j.version>1.7.30</slf4j.version></properties></project>\n",
    )
    .expect("write");
    fs::write(
        dir.join("app/pom.xml"),
        "<project>\n<parent><groupId>g</groupId><artifactId>parent</artifactId><version>1</version></parent>\n\
         <artifactId>app</artifactId>\n<dependencies><dependency><groupId>org.slf4j</groupId>\
         <artifactId>slf4j-api</artifactId><version>${slf4j.version}</version></dependency></dependencies>\n</project>\n",
    )
    .expect("write");
    let r = run(bin()
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
        .arg(&dir));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let findings = v["findings"].as_array().expect("findings");
    let django: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("Django 1.11.0"))
        })
        .collect();
    assert_eq!(django.len(), 1, "{findings:#?}\n{}", r.stderr);
    assert_eq!(
        django[0]["locations"][0]["path"], "base/common.txt",
        "attributed to the included file: {:#?}",
        django[0]
    );
    // The parent's property pinned slf4j: audited as Maven (no data), not unpinned.
    assert_eq!(
        v["summary"]["not_audited"],
        serde_json::json!([{ "packages": 1, "reason": "no-advisory-data", "ecosystem": "Maven" }]),
        "{}\n{}",
        v["summary"],
        r.stderr
    );

    // The same tree given file by file: the include resolves relative to the file.
    let one = run(bin()
        .current_dir(&dir)
        .args(["deps", "--fail-on", "never", "--no-config", "--db"])
        .arg(&db)
        .arg("requirements.txt"));
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(
        one.stdout.contains("Django 1.11.0 has"),
        "{}\n{}",
        one.stdout,
        one.stderr
    );
}

#[cfg(unix)]
#[test]
fn an_include_through_a_symlink_or_above_the_root_is_not_read() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("osv.db");
    import(&db, &fixtures());
    fs::write(tmp.path().join("outside.txt"), "Django==1.11.0\n").expect("write");
    let dir = tmp.path().join("project");
    fs::create_dir_all(&dir).expect("mkdir");
    std::os::unix::fs::symlink(tmp.path().join("outside.txt"), dir.join("linked.txt"))
        .expect("symlink");
    fs::write(
        dir.join("requirements.txt"),
        "-r linked.txt\n-r ../outside.txt\nrequests==2.31.0\n",
    )
    .expect("write");
    let r = run(bin()
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
        .arg(&dir));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("Django"), "{}", r.stdout);
    assert!(
        r.stderr.contains("`linked.txt` could not be read"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("`../outside.txt` not read: outside the scan root"),
        "{}",
        r.stderr
    );
}
