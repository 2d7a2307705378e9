#![allow(clippy::unwrap_used)]

use std::io::Write;

use super::*;

/// A tar archive of `(path, bytes)`; a path starting with `raw:` is written into the
/// header as is (for hostile names the builder would refuse).
fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        if let Some(raw) = path.strip_prefix("raw:") {
            let name = &mut h.as_gnu_mut().unwrap().name;
            name[..raw.len()].copy_from_slice(raw.as_bytes());
            h.set_cksum();
            b.append(&h, *data).unwrap();
        } else {
            b.append_data(&mut h, path, *data).unwrap();
        }
    }
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn want(p: &str) -> bool {
    p.ends_with("var/lib/dpkg/status")
        || p.ends_with("Cargo.lock")
        || p.ends_with("package-lock.json")
}

/// Three layers: the base writes a dpkg status and a package-lock; the second (gzip)
/// updates the status, deletes the package-lock by whiteout and adds opt/x/Cargo.lock; the
/// third (plain) makes opt/ opaque and adds opt/y/Cargo.lock.
fn layers() -> [Vec<u8>; 3] {
    [
        tar_of(&[
            ("var/lib/dpkg/status", b"v1"),
            ("app/package-lock.json", b"{}"),
            ("etc/passwd", b"root:x:0:0"),
            ("opt/keep/Cargo.lock", b"low"),
        ]),
        gzip(&tar_of(&[
            ("./var/lib/dpkg/status", b"v2"),
            ("app/.wh.package-lock.json", b""),
            ("opt/x/Cargo.lock", b"x"),
        ])),
        tar_of(&[("opt/.wh..wh..opq", b""), ("opt/y/Cargo.lock", b"y")]),
    ]
}

/// (path, [(layer, bytes)]).
type Seen<'a> = Vec<(&'a str, Vec<(usize, &'a [u8])>)>;

fn check(image: &Image) {
    let files: Seen<'_> = image
        .files
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                v.iter().map(|f| (f.layer, f.content.as_slice())).collect(),
            )
        })
        .collect();
    assert_eq!(
        files,
        vec![
            ("opt/y/Cargo.lock", vec![(2, &b"y"[..])]),
            (
                "var/lib/dpkg/status",
                vec![(0, &b"v1"[..]), (1, &b"v2"[..])]
            ),
        ],
        "{:?}",
        image.diagnostics
    );
    assert_eq!(image.layers.len(), 3);
}

#[test]
fn docker_save_tarball_layers_in_order_with_whiteouts() {
    let [l1, l2, l3] = layers();
    let manifest = br#"[{"Config":"config.json","RepoTags":["app:1"],"Layers":["a/layer.tar","b/layer.tar","c/layer.tar"]}]"#;
    let outer = tar_of(&[
        ("c/layer.tar", &l3),
        ("manifest.json", manifest),
        ("a/layer.tar", &l1),
        ("config.json", b"{}"),
        ("b/layer.tar", &l2),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.tar");
    std::fs::write(&path, &outer).unwrap();
    assert!(is_image(&path));
    let image = read(&path, &want, Limits::default()).unwrap();
    check(&image);
    assert_eq!(image.layers[0], "a/layer.tar");
}

fn sha(n: usize) -> String {
    format!("{n:064x}")
}

#[test]
fn oci_layout_directory_and_zstd_layers() {
    let [l1, l2, l3] = layers();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("layout");
    std::fs::create_dir_all(root.join("blobs/sha256")).unwrap();
    std::fs::write(
        root.join("oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    let l3z = zstd::encode_all(l3.as_slice(), 3).unwrap();
    for (i, data) in [(1, &l1), (2, &l2), (3, &l3z)] {
        std::fs::write(root.join("blobs/sha256").join(sha(i)), data).unwrap();
    }
    let manifest = format!(
        r#"{{"schemaVersion":2,"layers":[{{"digest":"sha256:{}"}},{{"digest":"sha256:{}"}},{{"digest":"sha256:{}"}}]}}"#,
        sha(1),
        sha(2),
        sha(3)
    );
    std::fs::write(root.join("blobs/sha256").join(sha(9)), &manifest).unwrap();
    std::fs::write(
        root.join("index.json"),
        format!(
            r#"{{"schemaVersion":2,"manifests":[{{"digest":"sha256:{}"}}]}}"#,
            sha(9)
        ),
    )
    .unwrap();
    assert!(is_image(&root));
    let image = read(&root, &want, Limits::default()).unwrap();
    check(&image);
    assert_eq!(image.layers[2], format!("sha256:{}", sha(3)));

    // The same layout inside a tarball (docker save of Docker 25+ without manifest.json).
    let blobs: Vec<(String, Vec<u8>)> = [1, 2, 3, 9]
        .iter()
        .map(|i| {
            let p = format!("blobs/sha256/{}", sha(*i));
            (p.clone(), std::fs::read(root.join(&p)).unwrap())
        })
        .collect();
    let index = std::fs::read(root.join("index.json")).unwrap();
    let mut entries: Vec<(&str, &[u8])> = vec![("index.json", &index), ("oci-layout", b"{}")];
    entries.extend(blobs.iter().map(|(p, d)| (p.as_str(), d.as_slice())));
    let path = dir.path().join("oci.tar");
    std::fs::write(&path, tar_of(&entries)).unwrap();
    check(&read(&path, &want, Limits::default()).unwrap());
}

#[test]
fn hostile_images_are_errors_or_diagnostics_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    // Not an image at all.
    let plain = dir.path().join("plain.tar");
    std::fs::write(&plain, tar_of(&[("a.txt", b"x")])).unwrap();
    let err = read(&plain, &want, Limits::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no manifest.json or index.json"), "{err}");
    // A manifest naming a missing layer.
    let missing = dir.path().join("missing.tar");
    std::fs::write(
        &missing,
        tar_of(&[("manifest.json", br#"[{"Layers":["nope/layer.tar"]}]"#)]),
    )
    .unwrap();
    let err = read(&missing, &want, Limits::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("layer nope/layer.tar is missing"), "{err}");
    // A layer climbing out with `..`, a truncated layer, a file over the limit.
    let climbing = tar_of(&[
        ("raw:../../var/lib/dpkg/status", b"evil"),
        ("Cargo.lock", b"ok"),
    ]);
    let mut truncated = tar_of(&[("x/Cargo.lock", &[b'a'; 2000])]);
    truncated.truncate(700);
    let big = tar_of(&[("big/Cargo.lock", &[b'b'; 5000])]);
    let outer = tar_of(&[
        (
            "manifest.json",
            br#"[{"Layers":["1.tar","2.tar","3.tar"]}]"#,
        ),
        ("1.tar", &climbing),
        ("2.tar", &truncated),
        ("3.tar", &big),
    ]);
    let path = dir.path().join("hostile.tar");
    std::fs::write(&path, outer).unwrap();
    let limits = Limits {
        max_file: 4096,
        ..Limits::default()
    };
    let image = read(&path, &want, limits).unwrap();
    assert_eq!(image.files.keys().collect::<Vec<_>>(), ["Cargo.lock"]);
    let diags = image.diagnostics.join("\n");
    assert!(diags.contains("climbs out of the root"), "{diags}");
    assert!(diags.contains("layer 1 (2.tar)"), "{diags}");
    assert!(diags.contains("over the per-file limit"), "{diags}");
    // Layer count bound.
    let few = Limits {
        max_layers: 2,
        ..Limits::default()
    };
    assert!(read(&path, &want, few).is_err());
    // Garbage is no image.
    let junk = dir.path().join("junk.tar");
    std::fs::write(&junk, b"\x00\x01garbage").unwrap();
    assert!(!is_image(&junk));
    assert!(read(&junk, &want, Limits::default()).is_err());
}

#[test]
fn normalise_paths() {
    assert_eq!(normalise("./a//b/").as_deref(), Some("a/b"));
    assert_eq!(normalise("/a/../b").as_deref(), Some("b"));
    assert_eq!(normalise("../x"), None);
}
