//! `palisade deps IMAGE.tar` and `palisade deps OCI-LAYOUT-DIR`: images built here with the
//! tar crate (no docker daemon), scanned layer by layer with whiteouts applied.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{bin, run};

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, path, *data).expect("tar entry");
    }
    b.into_inner().expect("tar")
}

fn cargo_lock(packages: &[(&str, &str)]) -> Vec<u8> {
    let mut s = String::from("version = 4\n");
    for (name, version) in packages {
        s.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
    }
    s.into_bytes()
}

fn db(tmp: &Path) -> PathBuf {
    let db = tmp.join("osv.db");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv");
    let r = run(bin()
        .args(["db", "import"])
        .arg(&fixtures)
        .arg("--db")
        .arg(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    db
}

/// Layer 0 pins openssl 0.8.0; layer 1 rewrites the Cargo.lock (same openssl, one more
/// crate) and adds a requirements.txt with Django 1.11.0; layer 2 deletes that file.
fn layers() -> [Vec<u8>; 3] {
    [
        tar_of(&[("app/Cargo.lock", &cargo_lock(&[("openssl", "0.8.0")]))]),
        tar_of(&[
            (
                "app/Cargo.lock",
                &cargo_lock(&[("memchr", "2.7.4"), ("openssl", "0.8.0")]),
            ),
            ("app/requirements.txt", b"Django==1.11.0\n"),
        ]),
        tar_of(&[("app/.wh.requirements.txt", b"")]),
    ]
}

fn findings(r: &crate::common::Run) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", r.stdout, r.stderr));
    v["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn docker_save_tarball_findings_are_attributed_to_their_layer() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db(tmp.path());
    let [l0, l1, l2] = layers();
    let manifest = br#"[{"Config":"c.json","RepoTags":["app:1"],"Layers":["0/layer.tar","1/layer.tar","2/layer.tar"]}]"#;
    let image = tmp.path().join("app.tar");
    fs::write(
        &image,
        tar_of(&[
            ("manifest.json", manifest),
            ("c.json", b"{}"),
            ("0/layer.tar", &l0),
            ("1/layer.tar", &l1),
            ("2/layer.tar", &l2),
        ]),
    )
    .expect("write");
    let r = run(bin()
        .current_dir(tmp.path())
        .args([
            "deps",
            "app.tar",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--no-config",
            "--db",
        ])
        .arg(&db));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let found = findings(&r);
    assert_eq!(
        found.len(),
        1,
        "Django was deleted by a whiteout: {found:#?}"
    );
    let path = found[0]["locations"][0]["path"].as_str().expect("path");
    assert_eq!(
        path, "app.tar@layer0-0-layer.tar/app/Cargo.lock",
        "the layer that added openssl"
    );
    assert!(
        found[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("openssl 0.8.0 has"))
    );

    // Text output with the default --fail-on: exit 1, the image path shown.
    let text = run(bin()
        .current_dir(tmp.path())
        .args(["deps", "app.tar", "--no-config", "--db"])
        .arg(&db));
    assert_eq!(text.code, 1, "{}\n{}", text.stdout, text.stderr);
    assert!(text.stdout.contains("app.tar@layer0"), "{}", text.stdout);

    // Not an image: a clear error.
    fs::write(tmp.path().join("junk.tar"), tar_of(&[("x.txt", b"x")])).expect("write");
    let junk = run(bin()
        .current_dir(tmp.path())
        .args(["deps", "junk.tar", "--no-config", "--db"])
        .arg(&db));
    assert_eq!(junk.code, 3, "{}", junk.stderr);
    assert!(
        junk.stderr.contains("no manifest.json or index.json"),
        "{}",
        junk.stderr
    );
}

#[test]
fn oci_layout_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db(tmp.path());
    let layout = tmp.path().join("layout");
    let blobs = layout.join("blobs/sha256");
    fs::create_dir_all(&blobs).expect("mkdir");
    fs::write(
        layout.join("oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .expect("write");
    let [l0, l1, l2] = layers();
    let hex = |n: u32| format!("{n:064x}");
    for (n, l) in [(1, &l0), (2, &l1), (3, &l2)] {
        fs::write(blobs.join(hex(n)), l).expect("write");
    }
    fs::write(
        blobs.join(hex(9)),
        format!(
            r#"{{"schemaVersion":2,"layers":[{{"digest":"sha256:{}"}},{{"digest":"sha256:{}"}},{{"digest":"sha256:{}"}}]}}"#,
            hex(1),
            hex(2),
            hex(3)
        ),
    )
    .expect("write");
    fs::write(
        layout.join("index.json"),
        format!(
            r#"{{"schemaVersion":2,"manifests":[{{"digest":"sha256:{}"}}]}}"#,
            hex(9)
        ),
    )
    .expect("write");
    let r = run(bin()
        .current_dir(tmp.path())
        .args([
            "deps",
            "layout",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--no-config",
            "--db",
        ])
        .arg(&db));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let found = findings(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0]["locations"][0]["path"],
        format!("layout@layer0-sha256-{}/app/Cargo.lock", &hex(1)[..12])
    );
}
