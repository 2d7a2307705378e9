#![allow(clippy::unwrap_used)]

use palisade_engine::finding::Location;
use palisade_engine::{FileKind, Input, Language, ScanCx};

use super::*;

fn kind() -> FileKind {
    FileKind {
        language: Language::Toml,
        is_text: true,
        is_utf8: true,
        size: 0,
    }
}

fn scan(engine: &ScaEngine, path: &str, text: &str) -> Result<Vec<Finding>, EngineError> {
    let kind = kind();
    let input = Input {
        path,
        content: text.as_bytes(),
        kind: &kind,
    };
    let mut out = Vec::new();
    engine.scan(&input, &ScanCx::default(), &mut out)?;
    Ok(out)
}

fn cargo_lock(version: &str) -> String {
    format!(
        "version = 4\n\n[[package]]\nname = \"openssl\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
    )
}

#[test]
fn vulnerable_version_is_one_finding_with_fix_and_locations() {
    let engine = ScaEngine::with_examples().unwrap();
    let found = scan(&engine, "app/Cargo.lock", &cargo_lock("0.8.0")).unwrap();
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(f.rule.as_str(), RULE_ID);
    assert_eq!(
        f.message,
        "openssl 0.8.0 has RUSTSEC-2016-0001 (CVE-2016-10931): SSL/TLS MitM vulnerability due to insecure defaults; upgrade to 0.9.0"
    );
    assert_eq!(
        f.severity,
        FindingSeverity::Medium,
        "no CVSS vector: medium"
    );
    assert_eq!(f.path(), "app/Cargo.lock");
    assert_eq!(f.line(), 3);
    assert!(
        matches!(&f.locations[1], Location::Package { purl, .. } if purl == "pkg:cargo/openssl@0.8.0")
    );
    assert_eq!(
        f.fix.as_ref().unwrap().description,
        "upgrade openssl to 0.9.0"
    );
    // Stable across line moves.
    let moved = scan(
        &engine,
        "app/Cargo.lock",
        &format!("\n\n{}", cargo_lock("0.8.0")),
    )
    .unwrap();
    assert_eq!(moved[0].fingerprint, f.fingerprint);
    assert_ne!(moved[0].line(), f.line());
    // Stable across renames: the path is not part of the identity.
    let renamed = scan(&engine, "service/Cargo.lock", &cargo_lock("0.8.0")).unwrap();
    assert_eq!(renamed[0].fingerprint, f.fingerprint);
    // A different version is a different finding.
    let other = scan(&engine, "app/Cargo.lock", &cargo_lock("0.8.1")).unwrap();
    assert!(other.iter().all(|o| o.fingerprint != f.fingerprint));
}

#[test]
fn fixed_version_is_clean_and_counted_as_audited() {
    let engine = ScaEngine::with_examples().unwrap();
    assert!(
        scan(&engine, "Cargo.lock", &cargo_lock("0.9.0"))
            .unwrap()
            .is_empty()
    );
    assert_eq!(engine.stats().summary().audited, 1);
}

#[test]
fn malformed_lockfile_is_an_error_naming_file_and_line() {
    let engine = ScaEngine::with_examples().unwrap();
    let err = scan(
        &engine,
        "sub/Cargo.lock",
        "[[package]]\nname = \"x\"\nversion = \n",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("sub/Cargo.lock:"), "{text}");
}

#[test]
fn ecosystem_without_data_is_not_audited_and_unpinned_is_counted() {
    let engine = ScaEngine::with_examples().unwrap();
    let found = scan(&engine, "requirements.txt", "django==1.11.0\nrequests\n").unwrap();
    // No vulnerability finding; the unpinned line is a hygiene finding.
    let rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, vec![crate::UNPINNED]);
    let s = engine.stats().summary();
    assert_eq!(s.no_data.get("PyPI"), Some(&1));
    assert_eq!(s.unpinned, 1);
    assert_eq!(s.audited, 0);
}

#[test]
fn wants_lockfiles_only() {
    let engine = ScaEngine::with_examples().unwrap();
    assert!(engine.wants(Path::new("a/Cargo.lock"), &kind()));
    assert!(engine.wants(Path::new("requirements.txt"), &kind()));
    assert!(!engine.wants(Path::new("src/main.rs"), &kind()));
}

#[test]
fn missing_database_is_a_skip() {
    let err = ScaEngine::open(Some(Path::new("/nonexistent/osv.db"))).unwrap_err();
    assert!(matches!(err, LoadError::Skip(m) if m.contains("palisade db import")));
}

#[test]
fn sibling_reads_stay_under_the_root_off_symlinks_and_within_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("sub/base.txt"), "Django==1.11.0\n").unwrap();
    std::fs::write(root.join("big.txt"), vec![b'a'; 200]).unwrap();
    std::fs::write(tmp.path().join("outside.txt"), "secret\n").unwrap();
    let budget = SiblingBudget::new(100);
    assert_eq!(
        budget.read(&root, Path::new("sub/base.txt")).unwrap(),
        b"Django==1.11.0\n"
    );
    assert_eq!(
        budget.read(&root, Path::new("./sub/base.txt")).unwrap(),
        b"Django==1.11.0\n"
    );
    assert!(budget.read(&root, Path::new("../outside.txt")).is_none());
    assert!(
        budget
            .read(&root, &tmp.path().join("outside.txt"))
            .is_none(),
        "absolute"
    );
    assert!(
        budget.read(&root, Path::new("big.txt")).is_none(),
        "too large"
    );
    assert!(
        budget.read(&root, Path::new("sub")).is_none(),
        "a directory"
    );
    assert!(
        budget.read(&root, Path::new("")).is_none(),
        "the root itself"
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(tmp.path().join("outside.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(tmp.path(), root.join("dirlink")).unwrap();
        assert!(budget.read(&root, Path::new("link.txt")).is_none());
        assert!(
            budget
                .read(&root, Path::new("dirlink/outside.txt"))
                .is_none()
        );
    }
    // Bounded: reads, then bytes.
    let many = SiblingBudget::new(1000);
    for _ in 0..MAX_SIBLING_READS {
        assert!(many.read(&root, Path::new("sub/base.txt")).is_some());
    }
    assert!(many.read(&root, Path::new("sub/base.txt")).is_none());
    std::fs::write(root.join("fifty.txt"), vec![b'a'; 50]).unwrap();
    let bytes = SiblingBudget::new(100);
    for _ in 0..8 {
        assert!(bytes.read(&root, Path::new("fifty.txt")).is_some());
    }
    assert!(
        bytes.read(&root, Path::new("fifty.txt")).is_none(),
        "4 × the file limit in all"
    );
}
