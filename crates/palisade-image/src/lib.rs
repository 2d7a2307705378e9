//! Container images as a scanner sees them: a `docker save` tarball (with `manifest.json`,
//! classic or OCI-layout inside) or an OCI image layout directory (`oci-layout`,
//! `index.json`, `blobs/sha256/…`). The layers are read in order, each streamed once
//! (gzip, zstd or plain tar), never extracted to disk; only the files the caller wants
//! (`want(path)`: lockfiles, package databases) are kept in memory, within
//! [`Limits`]. Whiteouts are applied (`.wh.NAME` deletes `NAME` and what is under it,
//! `.wh..wh..opq` empties its directory of lower layers' files), so a file deleted by a
//! later layer is not reported. Every surviving file comes with each of its versions since
//! it was last created (one per layer that wrote it), so a caller can attribute what a
//! file holds to the layer that added it.
//!
//! Hostile input: sizes are checked before reading (per file, in all, per layer entry
//! count), JSON documents are bounded, paths are normalised lexically (no `..` climbing,
//! no absolute paths), symlinks and hard links inside layers are not followed, and every
//! problem is a typed [`ImageError`] or a diagnostic naming the layer and entry.
//!
//! # Crates, and why
//!
//! `tar` (the workspace's tar reader: streaming, no extraction), `flate2` with the pure-Rust
//! `zlib-rs` back end for gzip layers (already in the tree through `zip`), `zstd` for zstd
//! layers (the workspace's), `serde_json` for manifests, `thiserror` for the error.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Bounds on what an image may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A wanted file larger than this is skipped with a diagnostic.
    pub max_file: u64,
    /// All kept file versions together.
    pub max_total: u64,
    /// Entries read per layer.
    pub max_entries: usize,
    /// Layers read.
    pub max_layers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file: 64 << 20,
            max_total: 512 << 20,
            max_entries: 2_000_000,
            max_layers: 512,
        }
    }
}

/// Why an image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The file or a blob could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Not an image of a known layout, or a broken one.
    #[error("{}: {problem}", path.display())]
    Invalid {
        /// The image.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

/// One version of a kept file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVersion {
    /// The layer's position, from 0 (the base).
    pub layer: usize,
    /// The file's bytes in that layer.
    pub content: Vec<u8>,
}

/// What [`read`] found.
#[derive(Debug, Clone, Default)]
pub struct Image {
    /// Each layer's id (`sha256:…` digest, or the layer's path in the tarball).
    pub layers: Vec<String>,
    /// Every wanted file alive in the final image (path without a leading `/`), with its
    /// versions since it was last created, oldest first (the last is the final content).
    pub files: BTreeMap<String, Vec<FileVersion>>,
    /// Problems that did not stop the reading (`layer N: entry: what`).
    pub diagnostics: Vec<String>,
}

/// Whether `path` looks like an image: a directory with an `oci-layout` file, or a file
/// whose name ends in `.tar` holding a tar archive.
pub fn is_image(path: &Path) -> bool {
    if path.is_dir() {
        return path.join("oci-layout").is_file() && path.join("index.json").is_file();
    }
    let named = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().ends_with(".tar"));
    if !named {
        return false;
    }
    let mut head = [0u8; 512];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head[257..262] == b"ustar")
}

/// Where a layer's bytes are.
enum Blob {
    /// A byte range of the tarball.
    Range(u64, u64),
    /// A file of the layout directory.
    File(PathBuf),
}

/// Largest JSON document (manifest, index) read.
const MAX_JSON: u64 = 16 << 20;

fn invalid(path: &Path, problem: impl Into<String>) -> ImageError {
    ImageError::Invalid {
        path: path.to_owned(),
        problem: problem.into(),
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ImageError + '_ {
    move |source| ImageError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Reads an image's layers in order, keeping the files `want` accepts.
///
/// # Errors
///
/// [`ImageError::Io`] when the image cannot be read, [`ImageError::Invalid`] when it is no
/// image this crate knows (no `manifest.json`/`index.json`, a missing layer blob).
pub fn read(path: &Path, want: &dyn Fn(&str) -> bool, limits: Limits) -> Result<Image, ImageError> {
    let layers: Vec<(String, Blob)> = if path.is_dir() {
        layout_layers(path)?
    } else {
        tarball_layers(path)?
    };
    if layers.len() > limits.max_layers {
        return Err(invalid(
            path,
            format!("{} layers, more than {}", layers.len(), limits.max_layers),
        ));
    }
    let mut image = Image::default();
    let mut total = 0u64;
    for (i, (id, blob)) in layers.into_iter().enumerate() {
        image.layers.push(id.clone());
        let reader: Box<dyn Read> = match blob {
            Blob::Range(offset, len) => {
                let mut f = File::open(path).map_err(io(path))?;
                f.seek(SeekFrom::Start(offset)).map_err(io(path))?;
                Box::new(BufReader::new(f).take(len))
            }
            Blob::File(p) => Box::new(BufReader::new(File::open(&p).map_err(io(&p))?)),
        };
        let reader = decompress(reader).map_err(io(path))?;
        apply_layer(i, &id, reader, want, &limits, &mut total, &mut image);
    }
    Ok(image)
}

/// gzip, zstd or plain tar, by the first bytes.
fn decompress(mut r: Box<dyn Read>) -> std::io::Result<Box<dyn Read>> {
    let mut magic = [0u8; 4];
    let mut n = 0;
    while n < 4 {
        let got = r.read(&mut magic[n..])?;
        if got == 0 {
            break;
        }
        n += got;
    }
    let chained: Box<dyn Read> = Box::new(std::io::Cursor::new(magic[..n].to_vec()).chain(r));
    Ok(if n >= 2 && magic[..2] == [0x1f, 0x8b] {
        Box::new(flate2::read::GzDecoder::new(chained))
    } else if n == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
        Box::new(zstd::stream::read::Decoder::new(chained)?)
    } else {
        chained
    })
}

/// `./a/b`, `/a/b`, `a//b/` → `a/b`; `None` when `..` would climb out.
fn normalise(p: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn remove_under(files: &mut BTreeMap<String, Vec<FileVersion>>, dir: &str, below_layer: usize) {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    files.retain(|k, versions| {
        if !(prefix.is_empty() || k.starts_with(&prefix)) {
            return true;
        }
        versions.retain(|v| v.layer >= below_layer);
        !versions.is_empty()
    });
}

fn apply_layer(
    index: usize,
    id: &str,
    reader: Box<dyn Read>,
    want: &dyn Fn(&str) -> bool,
    limits: &Limits,
    total: &mut u64,
    image: &mut Image,
) {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            image
                .diagnostics
                .push(format!("layer {index} ({id}): not a tar archive: {e}"));
            return;
        }
    };
    for (n, entry) in entries.enumerate() {
        if n >= limits.max_entries {
            image.diagnostics.push(format!(
                "layer {index} ({id}): more than {} entries; the rest not read",
                limits.max_entries
            ));
            return;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                image
                    .diagnostics
                    .push(format!("layer {index} ({id}): truncated or corrupt: {e}"));
                return;
            }
        };
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(path) = normalise(&raw) else {
            image.diagnostics.push(format!(
                "layer {index} ({id}): {raw}: climbs out of the root; ignored"
            ));
            continue;
        };
        let (dir, base) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
        if base == ".wh..wh..opq" {
            remove_under(&mut image.files, dir, index);
            continue;
        }
        if let Some(gone) = base.strip_prefix(".wh.") {
            let target = if dir.is_empty() {
                gone.to_owned()
            } else {
                format!("{dir}/{gone}")
            };
            image.files.remove(&target);
            let prefix = format!("{target}/");
            image.files.retain(|k, _| !k.starts_with(&prefix));
            continue;
        }
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            // A directory, link or device replacing a kept file removes it.
            if !kind.is_dir() {
                image.files.remove(&path);
            }
            continue;
        }
        if !want(&path) {
            continue;
        }
        let size = entry.size();
        if size > limits.max_file || *total + size > limits.max_total {
            image.diagnostics.push(format!(
                "layer {index} ({id}): {path}: {size} bytes, over the {} limit; not read",
                if size > limits.max_file {
                    "per-file"
                } else {
                    "total"
                }
            ));
            continue;
        }
        let mut content = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        match (&mut entry).take(size).read_to_end(&mut content) {
            Err(e) => {
                image
                    .diagnostics
                    .push(format!("layer {index} ({id}): {path}: cannot read: {e}"));
                continue;
            }
            Ok(n) if (n as u64) < size => {
                image.diagnostics.push(format!(
                    "layer {index} ({id}): {path}: truncated ({n} of {size} bytes); the rest of the layer not read"
                ));
                return;
            }
            Ok(_) => {}
        }
        *total += content.len() as u64;
        image.files.entry(path).or_default().push(FileVersion {
            layer: index,
            content,
        });
    }
}

fn json_of(bytes: &[u8], path: &Path, what: &str) -> Result<Value, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| invalid(path, format!("{what}: {e}")))
}

/// The layers of a `docker save` tarball: `manifest.json`'s first image, its `Layers` in
/// order; an OCI layout inside the tarball (`index.json`) when there is no manifest.json.
fn tarball_layers(path: &Path) -> Result<Vec<(String, Blob)>, ImageError> {
    let file = File::open(path).map_err(io(path))?;
    let mut archive = tar::Archive::new(BufReader::new(file));
    let mut positions: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut small: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for entry in archive.entries().map_err(io(path))? {
        let mut entry = entry.map_err(|e| invalid(path, format!("not a tar archive: {e}")))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(name) = normalise(&name) else {
            continue;
        };
        let size = entry.size();
        positions.insert(name.clone(), (entry.raw_file_position(), size));
        if size <= (1 << 20) && (name.ends_with(".json") || name.starts_with("blobs/")) {
            let mut buf = Vec::new();
            entry.read_to_end(&mut buf).map_err(io(path))?;
            small.insert(name, buf);
        }
    }
    if let Some(manifest) = small.get("manifest.json") {
        let doc = json_of(manifest, path, "manifest.json")?;
        let layers = doc
            .get(0)
            .and_then(|m| m.get("Layers"))
            .and_then(Value::as_array)
            .ok_or_else(|| invalid(path, "manifest.json: no Layers"))?;
        return layers
            .iter()
            .map(|l| {
                let name = l
                    .as_str()
                    .and_then(normalise)
                    .ok_or_else(|| invalid(path, "manifest.json: a layer is not a path"))?;
                let (offset, len) = positions
                    .get(&name)
                    .copied()
                    .ok_or_else(|| invalid(path, format!("layer {name} is missing")))?;
                let id = name
                    .strip_prefix("blobs/sha256/")
                    .map_or_else(|| name.clone(), |h| format!("sha256:{h}"));
                Ok((id, Blob::Range(offset, len)))
            })
            .collect();
    }
    if let Some(index) = small.get("index.json") {
        let blob = |digest: &str| -> Result<Vec<u8>, ImageError> {
            let name =
                blob_name(digest).ok_or_else(|| invalid(path, format!("bad digest {digest}")))?;
            small
                .get(&name)
                .cloned()
                .ok_or_else(|| invalid(path, format!("{name} is missing")))
        };
        let digests = oci_layer_digests(&json_of(index, path, "index.json")?, path, &blob)?;
        return digests
            .into_iter()
            .map(|d| {
                let name = blob_name(&d).ok_or_else(|| invalid(path, format!("bad digest {d}")))?;
                let (offset, len) = positions
                    .get(&name)
                    .copied()
                    .ok_or_else(|| invalid(path, format!("layer {name} is missing")))?;
                Ok((d, Blob::Range(offset, len)))
            })
            .collect();
    }
    Err(invalid(
        path,
        "not a container image: no manifest.json or index.json in the tarball",
    ))
}

fn blob_name(digest: &str) -> Option<String> {
    let (alg, hex) = digest.split_once(':')?;
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    (ok(alg) && ok(hex)).then(|| format!("blobs/{alg}/{hex}"))
}

/// index.json → (a nested index →) the first image manifest → its layer digests.
fn oci_layer_digests(
    index: &Value,
    path: &Path,
    blob: &dyn Fn(&str) -> Result<Vec<u8>, ImageError>,
) -> Result<Vec<String>, ImageError> {
    let mut doc = index.clone();
    for _ in 0..4 {
        if let Some(layers) = doc.get("layers").and_then(Value::as_array) {
            return Ok(layers
                .iter()
                .filter_map(|l| l.get("digest").and_then(Value::as_str).map(str::to_owned))
                .collect());
        }
        let digest = doc
            .get("manifests")
            .and_then(|m| m.get(0))
            .and_then(|m| m.get("digest"))
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(path, "index.json: no manifest"))?
            .to_owned();
        doc = json_of(&blob(&digest)?, path, &digest)?;
    }
    Err(invalid(path, "index.json: manifests nested too deeply"))
}

/// The layers of an OCI image layout directory.
fn layout_layers(dir: &Path) -> Result<Vec<(String, Blob)>, ImageError> {
    let read_small = |p: &Path| -> Result<Vec<u8>, ImageError> {
        let meta = std::fs::symlink_metadata(p).map_err(io(p))?;
        if !meta.is_file() || meta.len() > MAX_JSON {
            return Err(invalid(p, "not a regular file of a sane size"));
        }
        std::fs::read(p).map_err(io(p))
    };
    let index = json_of(&read_small(&dir.join("index.json"))?, dir, "index.json")?;
    let blob = |digest: &str| -> Result<Vec<u8>, ImageError> {
        let name = blob_name(digest).ok_or_else(|| invalid(dir, format!("bad digest {digest}")))?;
        read_small(&dir.join(name))
    };
    let digests = oci_layer_digests(&index, dir, &blob)?;
    digests
        .into_iter()
        .map(|d| {
            let name = blob_name(&d).ok_or_else(|| invalid(dir, format!("bad digest {d}")))?;
            let p = dir.join(name);
            let meta = std::fs::symlink_metadata(&p).map_err(io(&p))?;
            if !meta.is_file() {
                return Err(invalid(&p, "a layer blob is not a regular file"));
            }
            Ok((d, Blob::File(p)))
        })
        .collect()
}

#[cfg(test)]
mod tests;
