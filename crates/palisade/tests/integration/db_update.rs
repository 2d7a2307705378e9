//! `palisade db update` against a tiny HTTP server on 127.0.0.1 serving osv.dev-shaped
//! `<Ecosystem>/all.zip` archives built here from the hand-written fixture records; the
//! `--offline` refusal; the age shown by `db status` and the scan's staleness warning.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{bin, run};

fn fixture(name: &str) -> Vec<u8> {
    fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/osv")
            .join(name),
    )
    .expect("fixture")
}

/// An osv.dev-style archive: one `ID.json` entry per record.
fn all_zip(records: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in records {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        w.write_all(body).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// Serves `routes` (path → status, body) on 127.0.0.1 until the test process ends; counts
/// the requests it answered.
fn serve(routes: HashMap<String, (u16, Vec<u8>)>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("addr");
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if header == "\r\n" || header == "\n" => break,
                    Ok(_) => {}
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
            let (status, body) = routes
                .get(&path)
                .cloned()
                .unwrap_or((404, b"not found".to_vec()));
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/zip\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
    });
    (format!("http://{addr}"), hits)
}

fn cargo_lock_openssl(dir: &Path) {
    fs::write(
        dir.join("Cargo.lock"),
        "version = 4\n\n[[package]]\nname = \"openssl\"\nversion = \"0.8.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .expect("write");
}

fn routes() -> HashMap<String, (u16, Vec<u8>)> {
    let crates = all_zip(&[
        ("RUSTSEC-2016-0001.json", fixture("RUSTSEC-2016-0001.json")),
        (
            "GHSA-34p9-f4q3-c4r7.json",
            fixture("GHSA-34p9-f4q3-c4r7.json"),
        ),
    ]);
    let mut r = HashMap::new();
    r.insert("/crates.io/all.zip".to_owned(), (200, crates));
    r.insert("/Rocky%20Linux/all.zip".to_owned(), (200, all_zip(&[])));
    r.insert("/npm/all.zip".to_owned(), (500, b"boom".to_vec()));
    r.insert("/Maven/all.zip".to_owned(), (200, b"not a zip".to_vec()));
    r
}

fn db_in(tmp: &Path) -> PathBuf {
    tmp.join("cache/osv.db")
}

#[test]
fn update_downloads_and_imports_each_ecosystem() {
    let (base, hits) = serve(routes());
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_in(tmp.path());
    let r = run(bin()
        .args([
            "db",
            "update",
            "--ecosystems",
            "crates.io,PyPI,Rocky Linux",
            "--db",
        ])
        .arg(&db)
        .env("PALISADE_OSV_URL", &base));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("updated crates.io") && r.stderr.contains("2 record(s), 2 new"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("warning: PyPI: no archive at") && r.stderr.contains("HTTP 404"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("updated Rocky Linux"), "{}", r.stderr);
    assert_eq!(hits.load(Ordering::SeqCst), 3);

    let status = run(bin().args(["db", "status", "--db"]).arg(&db));
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.contains("advisories: 2"), "{}", status.stdout);
    assert!(
        status
            .stdout
            .contains(&format!("{base}/crates.io/all.zip (2 record(s)")),
        "the source is the URL, not the temporary file: {}",
        status.stdout
    );
    assert!(
        status.stdout.contains("last updated: 20"),
        "{}",
        status.stdout
    );
    assert!(status.stdout.contains("seconds ago)"), "{}", status.stdout);

    // The downloaded data is used by deps.
    let dir = tmp.path().join("project");
    fs::create_dir_all(&dir).expect("mkdir");
    cargo_lock_openssl(&dir);
    let deps = run(bin()
        .args(["deps", "--fail-on", "never", "--no-config", "--db"])
        .arg(&db)
        .arg(&dir));
    assert_eq!(deps.code, 0, "{}", deps.stderr);
    assert!(
        deps.stdout.contains("openssl 0.8.0 has") && deps.stdout.contains("RUSTSEC-2016-0001"),
        "{}",
        deps.stdout
    );

    // A second update replaces, never duplicates.
    let again = run(bin()
        .args(["db", "update", "--ecosystems", "crates.io", "--db"])
        .arg(&db)
        .args(["--base-url", &base]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("0 new, 2 updated"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains(": 2 advisories"), "{}", again.stderr);
}

#[test]
fn a_failed_ecosystem_fails_the_update_but_not_the_others() {
    let (base, _) = serve(routes());
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_in(tmp.path());
    let r = run(bin()
        .args([
            "db",
            "update",
            "--ecosystems",
            "npm,crates.io,Maven",
            "--db",
        ])
        .arg(&db)
        .args(["--base-url", &format!("{base}/")]));
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("error: npm:") && r.stderr.contains("500"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("updated crates.io"), "{}", r.stderr);
    assert!(
        r.stderr.contains("Maven") && r.stderr.contains("not a zip archive"),
        "a broken archive is named: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("2 of 3 ecosystem(s) not updated"),
        "{}",
        r.stderr
    );
    let status = run(bin().args(["db", "status", "--db"]).arg(&db));
    assert!(status.stdout.contains("advisories: 2"), "{}", status.stdout);
}

#[test]
fn an_unreachable_server_is_a_clear_error() {
    // A port that was free a moment ago: connection refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .port();
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = run(bin()
        .args(["db", "update", "--ecosystems", "crates.io", "--db"])
        .arg(db_in(tmp.path()))
        .args(["--base-url", &format!("http://127.0.0.1:{port}")]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("http://127.0.0.1:{port}/crates.io/all.zip")),
        "{}",
        r.stderr
    );
}

#[test]
fn offline_refuses_the_update_without_touching_the_network() {
    let (base, hits) = serve(routes());
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_in(tmp.path());
    for offline in [&["--offline"][..], &[]] {
        let mut cmd = bin();
        cmd.args(offline)
            .args(["db", "update", "--db"])
            .arg(&db)
            .args(["--base-url", &base]);
        if offline.is_empty() {
            cmd.env("PALISADE_OFFLINE", "1");
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 3, "{}", r.stderr);
        assert!(r.stderr.contains("--offline"), "{}", r.stderr);
        assert!(r.stderr.contains("palisade db import"), "{}", r.stderr);
    }
    // The flag is global: it also goes after the subcommand.
    let r = run(bin()
        .args(["db", "update", "--offline", "--db"])
        .arg(&db)
        .args(["--base-url", &base]));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    assert!(!db.exists(), "nothing created");
    // PALISADE_OFFLINE=0 is not offline.
    let r = run(bin()
        .env("PALISADE_OFFLINE", "0")
        .args(["db", "update", "--ecosystems", "crates.io", "--db"])
        .arg(&db)
        .args(["--base-url", &base]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn scans_warn_when_the_database_is_older_than_the_limit() {
    let (base, _) = serve(routes());
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db_in(tmp.path());
    let r = run(bin()
        .args(["db", "update", "--ecosystems", "crates.io", "--db"])
        .arg(&db)
        .args(["--base-url", &base]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let dir = tmp.path().join("project");
    fs::create_dir_all(&dir).expect("mkdir");
    cargo_lock_openssl(&dir);

    // Default limit (7 days): fresh data, no warning.
    let fresh = run(bin()
        .args(["deps", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&dir));
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    assert!(!fresh.stderr.contains("last updated"), "{}", fresh.stderr);

    std::thread::sleep(std::time::Duration::from_millis(2100));
    fs::write(dir.join("palisade.toml"), "[deps]\nmax-db-age = \"1s\"\n").expect("write");
    let stale = run(bin()
        .args(["deps", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&dir));
    assert_eq!(stale.code, 0, "{}", stale.stderr);
    assert_eq!(
        stale.stderr.matches("was last updated").count(),
        1,
        "{}",
        stale.stderr
    );
    assert!(
        stale.stderr.contains("run `palisade db update`") && stale.stderr.contains("max-db-age"),
        "{}",
        stale.stderr
    );
    // The findings are still reported.
    assert!(
        stale.stdout.contains("RUSTSEC-2016-0001"),
        "{}",
        stale.stdout
    );

    fs::write(dir.join("palisade.toml"), "[deps]\nmax-db-age = \"0\"\n").expect("write");
    let never = run(bin()
        .args(["deps", "--fail-on", "never", "--db"])
        .arg(&db)
        .arg(&dir));
    assert!(!never.stderr.contains("last updated"), "{}", never.stderr);

    fs::write(dir.join("palisade.toml"), "[deps]\nmax-db-age = \"soon\"\n").expect("write");
    let bad = run(bin().args(["deps", "--db"]).arg(&db).arg(&dir));
    assert_eq!(bad.code, 3, "{}", bad.stderr);
    assert!(bad.stderr.contains("deps.max-db-age"), "{}", bad.stderr);
}
