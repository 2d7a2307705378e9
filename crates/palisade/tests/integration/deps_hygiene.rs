//! `palisade deps` hygiene rules (typosquatting, dependency confusion, install scripts,
//! unpinned requirements, license policy) as a user runs them, with palisade.toml.

use std::fs;
use std::path::Path;

use crate::common::{bin, run};

fn db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("osv.db");
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

const LOCK: &str = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": { "dependencies": { "lodahs": "^4.17.21", "acme-billing": "^1.0.0", "esbuild": "^0.20.0", "left-pad": "^1.3.0", "mit-thing": "^1.0.0" } },
    "node_modules/lodahs": { "version": "4.17.21", "resolved": "https://registry.npmjs.org/lodahs/-/lodahs-4.17.21.tgz", "license": "MIT" },
    "node_modules/acme-billing": { "version": "1.2.0", "resolved": "https://registry.npmjs.org/acme-billing/-/acme-billing-1.2.0.tgz", "license": "UNLICENSED" },
    "node_modules/esbuild": { "version": "0.20.2", "hasInstallScript": true, "license": "MIT" },
    "node_modules/left-pad": { "version": "1.3.0", "license": "WTFPL" },
    "node_modules/mit-thing": { "version": "1.0.0", "license": "(MIT OR AGPL-3.0-only)" },
    "node_modules/gpl-only": { "version": "2.0.0", "license": "AGPL-3.0-only" }
  }
}
"#;

/// `(rule, message, "file:line file:line")` of every finding, sorted.
fn ids_and_messages(v: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let mut locs: Vec<String> = f["locations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|l| l["kind"] == "file")
                .map(|l| {
                    format!(
                        "{}:{}",
                        l["path"].as_str().unwrap_or("?"),
                        l["start_line"].as_u64().unwrap_or(0)
                    )
                })
                .collect();
            locs.sort();
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
                locs.join(" "),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn hygiene_rules_follow_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db(dir.path());
    let proj = dir.path().join("proj");
    fs::create_dir_all(proj.join("node_modules/evil")).expect("mkdir");
    fs::write(proj.join("package-lock.json"), LOCK).expect("write");
    fs::write(
        proj.join("package.json"),
        r#"{
  "name": "app",
  "dependencies": {
    "lodahs": "^4.17.21",
    "acme-billing": "latest",
    "esbuild": "^0.20.0",
    "left-pad": "*",
    "mit-thing": "github:someone/mit-thing#main"
  },
  "devDependencies": { "jest": ">=29" }
}
"#,
    )
    .expect("write");
    fs::write(
        proj.join("node_modules/evil/package.json"),
        r#"{ "name": "evil", "version": "1.0.0", "scripts": { "postinstall": "node steal.js" } }"#,
    )
    .expect("write");
    fs::write(
        proj.join("requirements.txt"),
        "--extra-index-url https://pypi.acme.example/simple\nrequests>=2.0\nacme-internal-tools==1.0\nflask==3.0.0\n",
    )
    .expect("write");
    fs::write(
        proj.join("palisade.toml"),
        "[deps]\ninternal-prefixes = [\"acme-\"]\n\n[deps.licenses]\nallow = [\"MIT\", \"Apache-2.0\"]\ndeny = [\"AGPL-3.0-only\"]\n",
    )
    .expect("write");
    let r = run(bin()
        .args([
            "deps",
            "--no-ignore",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--db",
        ])
        .arg(&db)
        .arg(&proj));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let found = ids_and_messages(&v);
    let text: Vec<String> = found
        .iter()
        .map(|(id, m, locs)| format!("{id} [{locs}] {m}"))
        .collect();
    insta::assert_snapshot!(text.join("\n"));
    let has = |id: &str, needle: &str| found.iter().any(|(i, m, _)| i == id && m.contains(needle));
    assert!(has("deps/typosquatting", "lodahs"));
    assert!(has("deps/dependency-confusion", "acme-billing"));
    assert!(has("deps/dependency-confusion", "acme-internal-tools"));
    assert!(has("deps/install-script", "esbuild"));
    assert!(has("deps/install-script", "node steal.js"));
    assert!(has("deps/unpinned-requirement", "requests>=2.0"));
    assert!(has("deps/unpinned-requirement", "left-pad `*`"));
    assert!(has("deps/license-policy", "gpl-only"));
    assert!(has("deps/license-policy", "WTFPL"));
    // `MIT OR AGPL-3.0-only`: MIT is a choice on the allow list.
    assert!(!has("deps/license-policy", "mit-thing"));

    // Without the config: no license findings, no `acme-` prefix (the words still count).
    let r = run(bin()
        .args([
            "deps",
            "--no-config",
            "--no-ignore",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--db",
        ])
        .arg(&db)
        .arg(&proj));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let found = ids_and_messages(&v);
    assert!(!found.iter().any(|(i, ..)| i == "deps/license-policy"));
    assert!(
        !found
            .iter()
            .any(|(_, m, _)| m.contains("acme-billing") && m.contains("prefix"))
    );
    assert!(
        found
            .iter()
            .any(|(i, m, _)| i == "deps/dependency-confusion" && m.contains("acme-internal-tools"))
    );
}

#[test]
fn a_private_registry_pins_internal_names_and_allow_lists_quiet_typos() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db(dir.path());
    let proj = dir.path().join("proj");
    fs::create_dir_all(&proj).expect("mkdir");
    fs::write(
        proj.join("package-lock.json"),
        r#"{"lockfileVersion":3,"packages":{"":{"dependencies":{"acme-billing":"1","lodahs":"1"}},
"node_modules/acme-billing":{"version":"1.0.0","resolved":"https://npm.acme.example/acme-billing-1.0.0.tgz"},
"node_modules/lodahs":{"version":"1.0.0"}}}"#,
    )
    .expect("write");
    fs::write(
        proj.join("requirements.txt"),
        "--index-url https://pypi.acme.example/simple\nacme-internal-tools==1.0\n",
    )
    .expect("write");
    fs::write(
        proj.join("palisade.toml"),
        "[deps]\ninternal-prefixes = [\"acme-\"]\ntyposquat-allow = [\"lodahs\"]\n",
    )
    .expect("write");
    let r = run(bin()
        .args(["deps", "--format", "json", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&proj));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(ids_and_messages(&v), Vec::new(), "{}", r.stdout);
}

#[test]
fn npmrc_and_pip_conf_in_the_tree_pin_registries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db(dir.path());
    let proj = dir.path().join("proj");
    for sub in ["web", "py/pinned", "py/open"] {
        fs::create_dir_all(proj.join(sub)).expect("mkdir");
    }
    fs::write(
        proj.join("palisade.toml"),
        "[deps]\ninternal-prefixes = [\"acme-\", \"@acme/\"]\n",
    )
    .expect("write");
    // The root `.npmrc` pins the `@acme` scope only; the unscoped `acme-tools` stays open.
    fs::write(
        proj.join(".npmrc"),
        "@acme:registry=https://npm.acme.example/\n//npm.acme.example/:_authToken=${NPM_TOKEN}\n",
    )
    .expect("write");
    fs::write(
        proj.join("web/package.json"),
        r#"{ "name": "web", "dependencies": { "@acme/billing": "^1.0.0", "acme-tools": "^1.0.0" } }"#,
    )
    .expect("write");
    fs::write(
        proj.join("py/pinned/pip.conf"),
        "[global]\nindex-url = https://pypi.acme.example/simple\n",
    )
    .expect("write");
    fs::write(proj.join("py/pinned/requirements.txt"), "acme-sdk==1.0\n").expect("write");
    fs::write(
        proj.join("py/open/pip.conf"),
        "[global]\nextra-index-url = https://pypi.acme.example/simple\n",
    )
    .expect("write");
    fs::write(proj.join("py/open/requirements.txt"), "acme-sdk==1.0\n").expect("write");
    let r = run(bin()
        .args([
            "deps",
            "--no-ignore",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--db",
        ])
        .arg(&db)
        .arg(&proj));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let found: Vec<(String, String)> = ids_and_messages(&v)
        .into_iter()
        .filter(|(id, _, _)| id == "deps/dependency-confusion")
        .map(|(_, m, locs)| (m, locs))
        .collect();
    let about = |needle: &str, file: &str| {
        found
            .iter()
            .any(|(m, locs)| m.contains(needle) && locs.contains(file))
    };
    assert!(about("acme-tools", "web/package.json"), "{found:?}");
    assert!(!about("@acme/billing", "web/package.json"), "{found:?}");
    assert!(about("acme-sdk", "py/open/requirements.txt"), "{found:?}");
    assert!(
        !about("acme-sdk", "py/pinned/requirements.txt"),
        "{found:?}"
    );
}

#[test]
fn typosquats_in_go_ruby_php_maven_and_nuget_direct_dependencies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db(dir.path());
    let proj = dir.path().join("proj");
    fs::create_dir_all(&proj).expect("mkdir");
    fs::write(
        proj.join("go.mod"),
        r#"module example.com/app

go 1.22

require (
	github.com/siruspen/logrus v1.9.3
	github.com/stretchr/testify v1.9.0
	github.com/gin-gonic/gin v1.10.0
	github.com/strechr/objx v0.5.2 // indirect
)
"#,
    )
    .expect("write");
    fs::write(
        proj.join("Gemfile.lock"),
        r#"GEM
  remote: https://rubygems.org/
  specs:
    nokogri (1.16.0)
    rails (7.1.0)

PLATFORMS
  ruby

DEPENDENCIES
  nokogri
  rails

BUNDLED WITH
   2.5.0
"#,
    )
    .expect("write");
    fs::write(proj.join("packages.lock.json"), r#"{
  "version": 1,
  "dependencies": {
    "net8.0": {
      "Newtonsoft.Jsin": { "type": "Direct", "requested": "[13.0.3, )", "resolved": "13.0.3", "contentHash": "x" },
      "Serilog": { "type": "Direct", "requested": "[3.1.1, )", "resolved": "3.1.1", "contentHash": "x" },
      "Serilgo.Sinks": { "type": "Transitive", "resolved": "1.0.0", "contentHash": "x" }
    }
  }
}
"#).expect("write");
    fs::write(proj.join("composer.lock"), r#"{ "packages": [ { "name": "monologg/monolog", "version": "3.5.0" }, { "name": "monolog/monolog", "version": "3.5.0" } ], "packages-dev": [] }
"#).expect("write");
    fs::write(
        proj.join("pom.xml"),
        r#"<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>app</artifactId>
  <version>1.0.0</version>
  <dependencies>
    <dependency>
      <groupId>org.sl4fj</groupId>
      <artifactId>slf4j-api</artifactId>
      <version>2.0.13</version>
    </dependency>
    <dependency>
      <groupId>com.google.guava</groupId>
      <artifactId>guava</artifactId>
      <version>33.0.0-jre</version>
    </dependency>
  </dependencies>
</project>
"#,
    )
    .expect("write");
    let r = run(bin()
        .args([
            "deps",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--db",
        ])
        .arg(&db)
        .arg(&proj));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let found: Vec<String> = ids_and_messages(&v)
        .into_iter()
        .filter(|(id, _, _)| id == "deps/typosquatting")
        .map(|(_, m, locs)| format!("[{locs}] {m}"))
        .collect();
    // One squat per ecosystem; the popular names and the indirect/transitive look-alikes
    // (`github.com/strechr/objx`, `Serilgo.Sinks`) stay quiet.
    insta::assert_snapshot!(found.join("\n"));
    assert_eq!(found.len(), 5, "{found:?}");
}

#[test]
fn a_bad_license_policy_key_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db(dir.path());
    fs::write(
        dir.path().join("palisade.toml"),
        "[deps.licenses]\nalow = [\"MIT\"]\n",
    )
    .expect("write");
    let r = run(bin().args(["deps", "--db"]).arg(&db).arg(dir.path()));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("alow"), "{}", r.stderr);
}

/// `deps` over a tree whose SBOMs have names that say nothing: recognised by content
/// (CycloneDX JSON and XML, SPDX tag-value), licenses included; and a binary RPM database
/// (SQLite) read where the scanner skips binary files for every other engine.
#[test]
fn sboms_by_content_and_binary_rpm_databases_in_a_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db(dir.path());
    let proj = dir.path().join("proj");
    fs::create_dir_all(proj.join("exports")).expect("mkdir");
    fs::write(
        proj.join("exports/inventory.json"),
        r#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"openssl","version":"0.8.0","purl":"pkg:cargo/openssl@0.8.0","licenses":[{"license":{"id":"AGPL-3.0-only"}}]}]}"#,
    )
    .expect("write");
    fs::write(
        proj.join("exports/export.xml"),
        "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\" version=\"1\">\n  <components>\n    <component type=\"library\">\n      <name>openssl</name>\n      <purl>pkg:cargo/openssl@0.8.0</purl>\n    </component>\n  </components>\n</bom>\n",
    )
    .expect("write");
    fs::write(
        proj.join("exports/sbom.txt"),
        "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n\nPackageName: openssl\nPackageLicenseConcluded: Apache-2.0\nExternalRef: PACKAGE-MANAGER purl pkg:cargo/openssl@0.8.0\n",
    )
    .expect("write");
    // Not an SBOM and not a lockfile by name: ignored, no error.
    fs::write(
        proj.join("exports/notes.json"),
        r#"{"lockfileVersion": "no"}"#,
    )
    .expect("write");
    fs::write(proj.join("exports/readme.txt"), "hello\n").expect("write");
    let rpm = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../palisade-lockfile/tests/fixtures/rootfs/var/lib/rpm/rpmdb.sqlite");
    fs::create_dir_all(proj.join("rootfs/var/lib/rpm")).expect("mkdir");
    fs::copy(&rpm, proj.join("rootfs/var/lib/rpm/rpmdb.sqlite")).expect("copy");
    fs::write(
        proj.join("palisade.toml"),
        "[deps.licenses]\ndeny = [\"AGPL-3.0-only\"]\n",
    )
    .expect("write");
    let r = run(bin()
        .args([
            "deps",
            "--format",
            "json",
            "--fail-on",
            "never",
            "-v",
            "--db",
        ])
        .arg(&db)
        .arg(&proj));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let found = ids_and_messages(&v);
    let text: Vec<String> = found
        .iter()
        .map(|(id, m, locs)| format!("{id} [{locs}] {}", m.chars().take(60).collect::<String>()))
        .collect();
    assert_eq!(
        text,
        vec![
            "deps/license-policy [exports/inventory.json:1] openssl 0.8.0 is licensed `AGPL-3.0-only`: denied by the lic",
            "deps/vulnerable-dependency [exports/export.xml:4 exports/inventory.json:1 exports/sbom.txt:4] openssl 0.8.0 has GHSA-34p9-f4q3-c4r7 (CVE-2016-10931, RUSTS",
        ],
        "{}",
        r.stdout
    );
    // The RPM database was read (its packages are counted, not skipped as binary).
    let diags = serde_json::to_string(&v["diagnostics"]).unwrap_or_default();
    assert!(!diags.contains("rpmdb.sqlite"), "{diags}");
    assert!(r.stderr.contains("Red Hat"), "{}", r.stderr);

    // `--sbom` accepts a file recognised by content.
    let r = run(bin()
        .args([
            "deps",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--db",
        ])
        .arg(&db)
        .arg("--sbom")
        .arg(proj.join("exports/export.xml")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("RUSTSEC-2016-0001"), "{}", r.stdout);
    let r = run(bin()
        .args(["deps", "--db"])
        .arg(&db)
        .arg("--sbom")
        .arg(proj.join("exports/readme.txt")));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not a CycloneDX"), "{}", r.stderr);
}

/// A named file is recognised by its content; `--type FORMAT` reads a file whatever its
/// name and content; refused for a directory and for an unknown format.
#[test]
fn type_forces_the_format_of_named_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db(dir.path());
    let f = dir.path().join("deps-snapshot.txt");
    fs::write(
        &f,
        "[[package]]\nname = \"openssl\"\nversion = \"0.8.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .expect("write");
    // One file named on the command line: recognised by its content when its name says
    // nothing, refused when neither says what it is (never read as nothing).
    let r = run(bin()
        .args(["deps", "--no-config", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&f));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("RUSTSEC-2016-0001"), "{}", r.stdout);
    let junk = dir.path().join("notes.dat");
    fs::write(&junk, "nothing to see here\n").expect("write");
    let r = run(bin()
        .args(["deps", "--no-config", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&junk));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("notes.dat") && r.stderr.contains("--type"),
        "{}",
        r.stderr
    );
    let r = run(bin()
        .args([
            "deps",
            "--type",
            "cargo",
            "--no-config",
            "--fail-on",
            "never",
            "--db",
        ])
        .arg(&db)
        .arg(&f));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("RUSTSEC-2016-0001"), "{}", r.stdout);
    let r = run(bin()
        .args(["deps", "--type", "cargo", "--db"])
        .arg(&db)
        .arg(dir.path()));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("name files"), "{}", r.stderr);
    let r = run(bin()
        .args(["deps", "--type", "nonsense", "--db"])
        .arg(&db)
        .arg(&f));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("nonsense"), "{}", r.stderr);
}
