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

/// Every real record agrees with itself: a range's own `introduced` version is affected
/// and its own `fixed` version is not, unless another range or the `versions` list of
/// the same package says otherwise, or the range both introduces and fixes that version.
#[test]
fn real_records_agree_with_their_own_events() {
    use std::io::BufRead;
    let Some(dir) = bundle() else { return };
    let (mut checked, mut disagree) = (0_usize, Vec::new());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".jsonl.zst"))
        .collect();
    files.sort();
    for file in files {
        let reader = std::io::BufReader::new(
            zstd::Decoder::new(std::fs::File::open(&file).unwrap()).unwrap(),
        );
        for line in reader.lines() {
            let advisory: palisade_osv::Advisory = serde_json::from_str(&line.unwrap()).unwrap();
            if advisory.withdrawn.is_some() {
                continue;
            }
            for entry in &advisory.affected {
                let Some(pkg) = &entry.package else { continue };
                if palisade_version::Ecosystem::from_osv(&pkg.ecosystem).is_err()
                    || entry.ranges.len() != 1
                    || !entry.versions.is_empty()
                    || advisory
                        .affected
                        .iter()
                        .filter(|e| e.package.as_ref() == Some(pkg))
                        .count()
                        != 1
                {
                    continue;
                }
                let range = &entry.ranges[0];
                if range.kind == "GIT" {
                    continue;
                }
                for event in &range.events {
                    let probe = match (&event.introduced, &event.fixed) {
                        (Some(v), _) if v != "0" => Some((v, true)),
                        (_, Some(v)) => Some((v, false)),
                        _ => None,
                    };
                    let Some((version, want)) = probe else {
                        continue;
                    };
                    // A version both introduced and fixed in one range is ambiguous by
                    // construction (see the unit test `ties_keep_the_record_order`).
                    if range
                        .events
                        .iter()
                        .any(|e| e.introduced.as_ref() == Some(version))
                        && range
                            .events
                            .iter()
                            .any(|e| e.fixed.as_ref() == Some(version))
                    {
                        continue;
                    }
                    checked += 1;
                    if affected(&advisory, &pkg.ecosystem, &pkg.name, version) != want {
                        disagree.push(format!("{} {} {version}", advisory.id, pkg.name));
                    }
                }
            }
        }
    }
    println!(
        "self-consistency: {checked} events checked, {} disagree",
        disagree.len()
    );
    for d in disagree.iter().take(20) {
        println!("  {d}");
    }
    assert!(checked > 10_000);
    assert!(disagree.is_empty());
}
