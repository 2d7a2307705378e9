//! The whole shared bundle: import counts against MANIFEST.json, real lookups, and the
//! open + lookup time (printed, not asserted).

use std::path::PathBuf;
use std::time::Instant;

use palisade_osv::{Db, PackageRef, affected};

fn bundle() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/advisories");
    if dir.join("MANIFEST.json").is_file() {
        Some(dir)
    } else {
        println!("skipped: {} is absent", dir.display());
        None
    }
}

#[test]
fn whole_bundle() {
    let Some(dir) = bundle() else { return };
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("MANIFEST.json")).unwrap()).unwrap();
    let total = manifest["total_advisories"].as_u64().unwrap() as usize;

    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("osv.db");
    let mut db = Db::create(&path).unwrap();
    let started = Instant::now();
    let report = db.import(&dir).unwrap();
    let import_time = started.elapsed();
    for d in &report.diagnostics {
        println!("{d}");
    }
    assert!(report.diagnostics.is_empty());
    assert_eq!(report.source.records, total);
    assert_eq!(report.added, total);

    let status = db.status();
    assert_eq!(status.advisories, total);
    for file in manifest["files"].as_array().unwrap() {
        let eco = file["ecosystem"].as_str().unwrap();
        let want = file["advisories"].as_u64().unwrap() as usize;
        assert_eq!(status.by_ecosystem.get(eco), Some(&want), "{eco}");
    }
    drop(db);

    // Open a few times: the first may pay for the page cache.
    let mut opens = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        drop(Db::open(&path).unwrap());
        opens.push(started.elapsed());
    }
    let started = Instant::now();
    let db = Db::open(&path).unwrap();
    let opened = started.elapsed();
    println!("bundle: open times {opens:?}");
    let started = Instant::now();
    let openssl = db.lookup("crates.io", "openssl").unwrap();
    let looked_up = started.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "bundle: {total} advisories, import {import_time:?}, store {size} bytes, open {opened:?}, \
         lookup crates.io/openssl ({} advisories) {looked_up:?}",
        openssl.len()
    );

    let rustsec = openssl
        .iter()
        .find(|a| a.id == "RUSTSEC-2016-0001")
        .unwrap();
    assert!(affected(rustsec, "crates.io", "openssl", "0.8.0"));
    assert!(!affected(rustsec, "crates.io", "openssl", "0.9.0"));

    let found = db
        .match_package(&PackageRef {
            ecosystem: "crates.io",
            name: "openssl",
            version: "0.8.0",
        })
        .unwrap();
    let merged = found
        .vulnerabilities
        .iter()
        .find(|v| v.advisories.contains(&"RUSTSEC-2016-0001".to_owned()))
        .unwrap();
    assert!(merged.ids.contains(&"CVE-2016-10931".to_owned()));
    assert!(merged.ids.contains(&"GHSA-34p9-f4q3-c4r7".to_owned()));
    assert_eq!(merged.severity.as_ref().map(|s| s.score), Some(8.1));
    assert_eq!(merged.fixed_in.as_deref(), Some("0.9.0"));
    let upgrade = found.upgrade_to.clone();
    println!(
        "crates.io openssl 0.8.0: {} vulnerabilities, upgrade to {upgrade:?}",
        found.vulnerabilities.len()
    );

    // PyPI names normalise; npm holds no data here and says so.
    assert!(!db.lookup("PyPI", "Django").unwrap().is_empty());
    let npm = db
        .match_package(&PackageRef {
            ecosystem: "npm",
            name: "lodash",
            version: "4.17.0",
        })
        .unwrap();
    assert!(npm.no_data_for_ecosystem);
}
