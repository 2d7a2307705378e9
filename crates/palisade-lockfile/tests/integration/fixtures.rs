//! Small hand-written fixtures of each format (`tests/fixtures/`), so the basics are
//! covered without the shared data: every package of every fixture is snapshotted.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use palisade_lockfile::{Format, Inventory, detect, parse_with_loader};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Reads a file below the fixtures root; the crate only asks for relative paths.
fn load(p: &Path) -> Option<Vec<u8>> {
    assert!(p.is_relative(), "asked to load {}", p.display());
    assert!(
        !p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir)),
        "asked to load {}",
        p.display()
    );
    std::fs::read(root().join(p)).ok()
}

fn files(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures dir")
        .flatten()
        .collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            let rel = p
                .strip_prefix(root())
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(rel);
        }
    }
}

fn parse_fixture(rel: &str) -> (Format, Inventory) {
    let bytes = std::fs::read(root().join(rel)).expect("read fixture");
    let format = detect(rel, &bytes).unwrap_or_else(|| panic!("{rel} not detected"));
    let inv = parse_with_loader(format, rel, &bytes, &load).unwrap_or_else(|e| panic!("{e}"));
    (format, inv)
}

/// Include-only files, not lockfiles themselves.
const INCLUDES: &[&str] = &["python/requirements/pins.txt"];

#[test]
fn every_fixture_snapshot() {
    let mut all = Vec::new();
    files(&root(), &mut all);
    let mut out = String::new();
    let mut formats = std::collections::BTreeSet::new();
    for rel in all.iter().filter(|r| !INCLUDES.contains(&r.as_str())) {
        let (format, inv) = parse_fixture(rel);
        formats.insert(format);
        let _ = writeln!(out, "== {rel} [{format}]");
        for p in &inv.packages {
            let flag = |b: Option<bool>, t: &str, f: &str| match b {
                Some(true) => t.to_owned(),
                Some(false) => f.to_owned(),
                None => "?".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {}:{} {} {} {} [{} {}] {}{}",
                p.file,
                p.line.map_or("-".to_owned(), |l| l.to_string()),
                p.ecosystem,
                p.name,
                p.version.as_deref().unwrap_or("(unpinned)"),
                flag(p.direct, "direct", "transitive"),
                flag(p.dev, "dev", "prod"),
                p.purl,
                if p.dependencies.is_empty() {
                    String::new()
                } else {
                    format!(
                        " -> {}",
                        p.dependencies
                            .iter()
                            .map(|(n, v)| format!("{n}@{v}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
        }
        for d in &inv.diagnostics {
            let _ = writeln!(out, "  ! {d}");
        }
    }
    insta::assert_snapshot!(out);
    // Every format but the RPM Berkeley DB (a binary file; the shared samples have one)
    // has a fixture.
    let missing: Vec<_> = Format::ALL
        .iter()
        .filter(|f| !formats.contains(f) && **f != Format::RpmBdb)
        .collect();
    assert!(missing.is_empty(), "formats without a fixture: {missing:?}");
}

#[test]
fn requirements_includes_are_bounded() {
    let (_, inv) = parse_fixture("python/requirements-dev.txt");
    let names: Vec<_> = inv
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_deref(), p.file.as_str()))
        .collect();
    // Included file's packages come with their own file; the constraints file pins flask.
    assert!(names.contains(&("requests", Some("2.31.0"), "python/requirements/base.txt")));
    assert!(names.contains(&("flask", Some("2.3.3"), "python/requirements/base.txt")));
    assert!(names.contains(&("django", None, "python/requirements/base.txt")));
    let msgs: Vec<_> = inv.diagnostics.iter().map(ToString::to_string).collect();
    assert!(msgs.iter().any(|m| m.contains("include cycle")), "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("outside the scan root")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("`missing.txt` could not be read")),
        "{msgs:?}"
    );
    assert!(
        !msgs.iter().any(|m| m.contains("flask")),
        "flask is pinned by its constraint: {msgs:?}"
    );
}

#[test]
fn pom_parent_is_resolved() {
    let (_, inv) = parse_fixture("maven/app/pom.xml");
    let get = |n: &str| {
        inv.packages
            .iter()
            .find(|p| p.name == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    // The child's property overrides the parent's; managed versions and ${project.*} apply.
    assert_eq!(
        get("com.fasterxml.jackson.core:jackson-databind")
            .version
            .as_deref(),
        Some("2.16.0")
    );
    assert_eq!(get("org.slf4j:slf4j-api").version.as_deref(), Some("2.0.9"));
    assert_eq!(get("com.example:sibling").version.as_deref(), Some("2.0.0"));
    assert_eq!(get("org.example:ranged").version, None);
    // Dependencies inherited from the parent name the parent's file.
    let junit = get("junit:junit");
    assert_eq!(
        (junit.file.as_str(), junit.dev),
        ("maven/pom.xml", Some(true))
    );
}

#[test]
fn detection_by_name_and_content() {
    let cases: &[(&str, &[u8], Option<Format>)] = &[
        ("ruff.Cargo.lock", b"", Some(Format::CargoLock)),
        ("app.package-lock.json", b"", Some(Format::PackageLockJson)),
        (
            "sub/dir/npm-shrinkwrap.json",
            b"",
            Some(Format::PackageLockJson),
        ),
        ("requirements-dev.txt", b"", Some(Format::RequirementsTxt)),
        ("requirements_test.txt", b"", Some(Format::RequirementsTxt)),
        ("requirements/base.txt", b"", Some(Format::RequirementsTxt)),
        ("dev-requirements.txt", b"", Some(Format::RequirementsTxt)),
        ("notes.txt", b"hello", None),
        (
            "buildscript-gradle.lockfile",
            b"",
            Some(Format::GradleLockfile),
        ),
        ("pylock.dev.toml", b"", Some(Format::PylockToml)),
        ("Manifest-v1.11.toml", b"", Some(Format::JuliaManifest)),
        ("src/App.csproj", b"", Some(Format::Csproj)),
        ("bin/App.deps.json", b"", Some(Format::DepsJson)),
        ("gems.locked", b"", Some(Format::GemfileLock)),
        ("rootfs/var/lib/dpkg/status", b"", Some(Format::DpkgStatus)),
        (
            "rootfs/lib/apk/db/installed",
            b"",
            Some(Format::ApkInstalled),
        ),
        ("rootfs/var/lib/rpm/Packages", b"", Some(Format::RpmBdb)),
        (
            "rootfs/var/lib/rpm/rpmdb.sqlite",
            b"",
            Some(Format::RpmSqlite),
        ),
        // By content, when the name says nothing.
        ("lock", b"# yarn lockfile v1\n", Some(Format::YarnLock)),
        (
            "x.lock",
            b"__metadata:\n  version: 8\n  cacheKey: 10c0\n",
            Some(Format::YarnLock),
        ),
        (
            "x.yaml",
            b"lockfileVersion: '9.0'\n",
            Some(Format::PnpmLock),
        ),
        (
            "x.json",
            b"{\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {}\n}",
            Some(Format::PackageLockJson),
        ),
        (
            "status",
            b"Package: bash\nStatus: install ok installed\nVersion: 5\n",
            Some(Format::DpkgStatus),
        ),
        (
            "installed",
            b"C:Q1abc=\nP:musl\nV:1.2.4-r2\n",
            Some(Format::ApkInstalled),
        ),
        (
            "x.lock",
            b"# This file is automatically @generated by Cargo.\n[[package]]\n",
            Some(Format::CargoLock),
        ),
        (
            "x.xml",
            b"<project><artifactId>a</artifactId></project>",
            Some(Format::PomXml),
        ),
        (
            "x.sum",
            b"github.com/a/b v1.0.0 h1:abc=\n",
            Some(Format::GoSum),
        ),
        (
            "x.mod",
            b"module example.com/x\n\ngo 1.22\n",
            Some(Format::GoMod),
        ),
    ];
    for (path, head, want) in cases {
        assert_eq!(detect(path, head), *want, "{path}");
    }
}

#[test]
fn type_flag_names() {
    for f in Format::ALL {
        assert_eq!(Format::from_name(f.name()).expect("own name"), *f);
    }
    assert_eq!(
        Format::from_name("cargo").expect("alias"),
        Format::CargoLock
    );
    assert_eq!(
        Format::from_name("PACKAGE-LOCK.JSON").expect("case"),
        Format::PackageLockJson
    );
    assert_eq!(
        Format::from_name("npm-shrinkwrap.json").expect("file name"),
        Format::PackageLockJson
    );
    let err = Format::from_name("nope").expect_err("unknown");
    assert!(err.to_string().contains("unknown lockfile format `nope`"));
}
