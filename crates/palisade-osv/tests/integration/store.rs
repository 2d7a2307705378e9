use std::io::Write;
use std::path::Path;

use palisade_osv::{Db, PackageRef};

fn record(id: &str, modified: &str, name: &str, fixed: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"{modified}","aliases":["CVE-{id}"],"affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
    )
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn import_sources_diagnostics_and_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    write(
        &src.join("a/PYSEC-1.json"),
        &record("PYSEC-1", "2024-01-01T00:00:00Z", "Foo_Bar", "1.0"),
    );
    write(
        &src.join("a/b/PYSEC-2.json"),
        &record("PYSEC-2", "2024-02-01T00:00:00Z", "foo.bar", "2.0"),
    );
    write(&src.join("broken.json"), "{not json");
    write(&src.join("noid.json"), r#"{"summary":"x"}"#);
    write(&src.join("notes.txt"), "ignored");
    write(&src.join("MANIFEST.json"), r#"{"files":[]}"#);
    let jsonl = format!(
        "{}\n\nnot json\n{}\n",
        record("PYSEC-3", "2024-03-01T00:00:00Z", "other", "3.0"),
        record("PYSEC-4", "2024-04-01T00:00:00Z", "other", "4.0")
    );
    let zst = zstd::encode_all(jsonl.as_bytes(), 3).unwrap();
    std::fs::write(src.join("bundle.jsonl.zst"), zst).unwrap();

    let db_path = dir.path().join("cache/osv.db");
    let mut db = Db::create(&db_path).unwrap();
    let report = db.import(&src).unwrap();
    let shown: Vec<String> = report.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(
        shown[0].contains("broken.json: not an OSV record"),
        "{shown:#?}"
    );
    assert!(
        shown[1].contains("bundle.jsonl.zst:3: not an OSV record"),
        "{shown:#?}"
    );
    assert!(
        shown[2].contains("noid.json: not an OSV record: missing field `id`"),
        "{shown:#?}"
    );
    assert_eq!(report.added, 4);
    assert_eq!(report.source.records, 4);
    assert_eq!(report.source.by_ecosystem.get("PyPI"), Some(&4));
    assert_eq!(
        report.source.newest_modified.as_deref(),
        Some("2024-04-01T00:00:00Z")
    );

    // Reopen: the index survives, names are PEP 503-normalised.
    drop(db);
    let db = Db::open(&db_path).unwrap();
    let ids: Vec<String> = db
        .lookup("PyPI", "FOO-bar")
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, ["PYSEC-1", "PYSEC-2"]);
    assert!(db.lookup("PyPI", "absent").unwrap().is_empty());
    let status = db.status();
    assert_eq!(status.advisories, 4);
    assert_eq!(status.sources.len(), 1);
    assert_eq!(status.sources[0].diagnostics, 3);

    let found = db
        .match_package(&PackageRef {
            ecosystem: "PyPI",
            name: "foo-bar",
            version: "1.5",
        })
        .unwrap();
    assert_eq!(found.vulnerabilities.len(), 1);
    assert_eq!(found.vulnerabilities[0].ids, ["CVE-PYSEC-2", "PYSEC-2"]);
    assert_eq!(found.upgrade_to.as_deref(), Some("2.0"));
    let unknown = db
        .match_package(&PackageRef {
            ecosystem: "npm",
            name: "left-pad",
            version: "1.0.0",
        })
        .unwrap();
    assert!(unknown.no_data_for_ecosystem);
}

#[test]
fn reimport_keeps_the_newest_record_and_reads_zip() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("osv.db");
    let mut db = Db::create(&db_path).unwrap();
    let first = dir.path().join("PYSEC-1.json");
    write(
        &first,
        &record("PYSEC-1", "2024-01-01T00:00:00Z", "pkg", "1.0"),
    );
    db.import(&first).unwrap();

    // An osv.dev-style all.zip with a newer PYSEC-1 and a new record.
    let zip_path = dir.path().join("all.zip");
    {
        let file = std::fs::File::create(&zip_path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("PYSEC-1.json", options).unwrap();
        zip.write_all(record("PYSEC-1", "2024-06-01T00:00:00Z", "pkg", "1.1").as_bytes())
            .unwrap();
        zip.start_file("PYSEC-9.json", options).unwrap();
        zip.write_all(record("PYSEC-9", "2024-06-01T00:00:00Z", "pkg", "9.0").as_bytes())
            .unwrap();
        zip.start_file("bad.json", options).unwrap();
        zip.write_all(b"[]").unwrap();
        zip.finish().unwrap();
    }
    let report = db.import(&zip_path).unwrap();
    assert_eq!((report.added, report.replaced), (1, 1));
    assert_eq!(report.diagnostics.len(), 1);
    assert!(
        report.diagnostics[0]
            .to_string()
            .contains("all.zip!bad.json")
    );

    // The older copy does not win back.
    let report = db.import(&first).unwrap();
    assert_eq!(report.older_ignored, 1);
    let found = db
        .match_package(&PackageRef {
            ecosystem: "PyPI",
            name: "pkg",
            version: "1.0",
        })
        .unwrap();
    assert_eq!(found.vulnerabilities.len(), 2);
    assert_eq!(found.upgrade_to.as_deref(), Some("9.0"));
    let status = db.status();
    assert_eq!(status.advisories, 2);
    assert_eq!(
        status.sources.len(),
        2,
        "a re-imported path replaces its entry"
    );
}

#[test]
fn not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    std::fs::write(&path, b"hello world, not a store").unwrap();
    let err = Db::open(&path).unwrap_err().to_string();
    assert!(err.contains("not a palisade advisory store"), "{err}");
    let mut db = Db::create(dir.path().join("y.db")).unwrap();
    let err = db.import(dir.path().join("x.db")).unwrap_err().to_string();
    assert!(err.contains("not an advisory source"), "{err}");
}
