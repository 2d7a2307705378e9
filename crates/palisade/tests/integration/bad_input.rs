//! Hostile and broken input: each case gets a clear diagnostic naming the path, the scan
//! goes on, and nothing panics.

use std::fs;
use std::path::Path;

use crate::common::{bin, run};

const KEY: &str = "AKIAQ3EGUS7LGVHXN2PA";

fn json(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let r = run(bin()
        .args(["scan", "--format", "json", "--fail-on", "never", "-v"])
        .args(extra)
        .arg(dir));
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", r.stdout, r.stderr));
    (r.code, v, r.stderr)
}

fn diag_for<'a>(v: &'a serde_json::Value, path_part: &str) -> Option<&'a serde_json::Value> {
    v["diagnostics"]
        .as_array()?
        .iter()
        .find(|d| d["path"].as_str().is_some_and(|p| p.contains(path_part)))
}

fn rules_found(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["locations"][0]["path"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn invalid_utf8_is_scanned_as_bytes() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut content = b"caf\xe9 \xff\xfe\n".to_vec();
    content.extend_from_slice(format!("key = '{KEY}'\n").as_bytes());
    fs::write(dir.path().join("latin1.py"), content).expect("write");
    let (code, v, _) = json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(rules_found(&v), ["latin1.py"]);
    let d = diag_for(&v, "latin1.py").expect("diagnostic");
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("not valid UTF-8")),
        "{d}"
    );
}

#[test]
fn binary_files_are_skipped_and_said_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut content = vec![0u8, 1, 2, 0];
    content.extend_from_slice(KEY.as_bytes());
    fs::write(dir.path().join("blob.bin"), content).expect("write");
    fs::write(dir.path().join("ok.txt"), "nothing\n").expect("write");
    let (_, v, _) = json(dir.path(), &[]);
    assert!(rules_found(&v).is_empty());
    let d = diag_for(&v, "blob.bin").expect("diagnostic");
    assert_eq!(d["level"], "skip");
    assert!(
        d["message"].as_str().is_some_and(|m| m.contains("binary")),
        "{d}"
    );
    assert_eq!(v["summary"]["files_scanned"], 1);
}

#[test]
fn sparse_file_far_over_the_limit_is_skipped_without_reading() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fs::File::create(dir.path().join("huge.log")).expect("create");
    f.set_len(20 * 1024 * 1024 * 1024).expect("sparse 20 GiB");
    fs::write(dir.path().join("small.env"), format!("K={KEY}\n")).expect("write");
    let (_, v, _) = json(dir.path(), &[]);
    assert_eq!(rules_found(&v), ["small.env"]);
    let d = diag_for(&v, "huge.log").expect("diagnostic");
    let msg = d["message"].as_str().unwrap_or_default();
    assert!(msg.contains("20 GiB") && msg.contains("10 MiB"), "{msg}");
}

#[test]
fn max_file_size_flag_and_bad_value() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(
        dir.path().join("a.env"),
        format!("K={KEY}\n{}\n", "x".repeat(2048)),
    )
    .expect("write");
    let (_, v, _) = json(dir.path(), &["--max-file-size", "1KiB"]);
    assert!(rules_found(&v).is_empty());
    assert!(diag_for(&v, "a.env").is_some());
    let r = run(bin()
        .args(["scan", "--max-file-size", "huge"])
        .arg(dir.path()));
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("`huge` is not a size"), "{}", r.stderr);
}

#[test]
fn fifty_megabyte_single_line_file() {
    let dir = tempfile::tempdir().expect("tmp");
    // Minified-looking JavaScript: one 50 MB line with keyword noise, a secret at the end.
    let unit = "function(a){var token=a.b;return password?c:d};";
    let mut line = unit.repeat(50 * 1024 * 1024 / unit.len());
    line.push_str(&format!("var k=\"{KEY}\";"));
    fs::write(dir.path().join("bundle.min.js"), line).expect("write");
    let (_, v, _) = json(dir.path(), &["--max-file-size", "64MiB"]);
    assert_eq!(rules_found(&v), ["bundle.min.js"]);
    // The snippet is cut around the match, not 50 MB long.
    let snippet = v["findings"][0]["snippet"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(snippet.len() < 1000, "snippet of {} bytes", snippet.len());
}

#[cfg(unix)]
#[test]
fn symlinks_are_never_followed_out_of_the_root() {
    let outside = tempfile::tempdir().expect("tmp");
    fs::write(outside.path().join("secret.env"), format!("K={KEY}\n")).expect("write");
    let dir = tempfile::tempdir().expect("tmp");
    std::os::unix::fs::symlink(
        outside.path().join("secret.env"),
        dir.path().join("link.env"),
    )
    .expect("link");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linkdir")).expect("link");
    let (_, v, _) = json(dir.path(), &[]);
    assert!(rules_found(&v).is_empty(), "{v}");
    for name in ["link.env", "linkdir"] {
        let d = diag_for(&v, name).expect("diagnostic");
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("outside the scan root")),
            "{d}"
        );
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    let dir = tempfile::tempdir().expect("tmp");
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).expect("mkdir");
    std::os::unix::fs::symlink("..", sub.join("up")).expect("link");
    std::os::unix::fs::symlink("b", dir.path().join("a")).expect("link");
    std::os::unix::fs::symlink("a", dir.path().join("b")).expect("link");
    fs::write(sub.join("k.env"), format!("K={KEY}\n")).expect("write");
    let (_, v, _) = json(dir.path(), &[]);
    assert_eq!(rules_found(&v), ["sub/k.env"]);
    let d = diag_for(&v, "/a")
        .or_else(|| diag_for(&v, "a"))
        .expect("diagnostic for a");
    assert!(
        d["message"].as_str().is_some_and(|m| m.contains("looping")),
        "{d}"
    );
    assert!(diag_for(&v, "sub/up").is_some());
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let locked = dir.path().join("locked.env");
    fs::write(&locked, format!("K={KEY}\n")).expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::write(dir.path().join("open.env"), "K=ASIA5XKPLM2QRSTU7VWY\n").expect("write");
    if fs::File::open(&locked).is_ok() {
        // Root reads anything; palisade-input's unit tests cover the read error path.
        eprintln!("skipped the permission part: running as a user that can read mode 000 files");
        return;
    }
    let (_, v, _) = json(dir.path(), &[]);
    assert_eq!(rules_found(&v), ["open.env"]);
    let d = diag_for(&v, "locked.env").expect("diagnostic");
    assert_eq!(d["level"], "error");
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot open")),
        "{d}"
    );
}

#[cfg(unix)]
#[test]
fn fifo_is_not_opened() {
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    fs::write(dir.path().join("k.env"), format!("K={KEY}\n")).expect("write");
    // Opening a FIFO would block forever; the walker must not open non-regular files.
    let (_, v, _) = json(dir.path(), &[]);
    assert_eq!(rules_found(&v), ["k.env"]);
}

#[test]
fn gitignore_and_palisadeignore_are_honoured() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join(".gitignore"), "build/\n").expect("write");
    fs::write(dir.path().join(".palisadeignore"), "vendor/\n").expect("write");
    for d in ["build", "vendor", "src"] {
        fs::create_dir(dir.path().join(d)).expect("mkdir");
        fs::write(dir.path().join(d).join("k.env"), format!("K={KEY}\n")).expect("write");
    }
    let (_, v, _) = json(dir.path(), &[]);
    assert_eq!(rules_found(&v), ["src/k.env"]);
    let (_, v, _) = json(dir.path(), &["--no-ignore"]);
    assert_eq!(rules_found(&v).len(), 1, "one secret, merged: {v}");
    assert_eq!(
        v["findings"][0]["locations"].as_array().map(Vec::len),
        Some(3)
    );
    let (_, v, _) = json(dir.path(), &["--exclude", "src/**"]);
    assert!(rules_found(&v).is_empty());
}

#[test]
fn single_file_scan_shows_its_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("one.env");
    fs::write(&f, format!("K={KEY}\n")).expect("write");
    let r = run(bin().args(["secrets", "--format", "json"]).arg(&f));
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let p = v["findings"][0]["locations"][0]["path"]
        .as_str()
        .unwrap_or_default();
    assert!(p.ends_with("one.env"), "{p}");
}
