//! The store: one file, `PALOSV01` + the length and zstd-compressed JSON of a head (sources
//! and the record table with each record's index keys) + every record as its own zstd
//! frame of its original JSON text. Opening reads and indexes the head only; a lookup
//! reads and decompresses just the records of one package.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::import::{Diagnostic, RawRecord, read_path};
use crate::matching::{PackageMatch, PackageRef, match_advisories};
use crate::model::{Advisory, normalize_name};

const MAGIC: &[u8; 8] = b"PALOSV01";
const PREFIX: u64 = 16;
/// zstd level for records and head: import speed matters more than the last percent.
const LEVEL: i32 = 3;

/// One import, as [`Db::status`] shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStatus {
    /// The imported path, as given.
    pub path: String,
    /// When it was imported, in seconds since the Unix epoch.
    pub imported_at: u64,
    /// Records read from it.
    pub records: usize,
    /// Records per ecosystem (a record affecting two ecosystems counts in both).
    pub by_ecosystem: BTreeMap<String, usize>,
    /// The newest `modified` among its records (RFC 3339, compared as text).
    pub newest_modified: Option<String>,
    /// Records or files that could not be imported.
    pub diagnostics: usize,
}

/// What [`Db::status`] reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// The store file.
    pub path: PathBuf,
    /// Distinct advisories stored.
    pub advisories: usize,
    /// Stored advisories per ecosystem.
    pub by_ecosystem: BTreeMap<String, usize>,
    /// The newest `modified` of any stored advisory.
    pub newest_modified: Option<String>,
    /// Every import, oldest first (a re-imported path replaces its entry).
    pub sources: Vec<SourceStatus>,
}

impl Status {
    /// When the data was last refreshed: the newest import time (seconds since the Unix
    /// epoch), `None` for a store never imported into.
    pub fn last_import(&self) -> Option<u64> {
        self.sources.iter().map(|s| s.imported_at).max()
    }
}

/// What one [`Db::import`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The source as recorded in the status.
    pub source: SourceStatus,
    /// Records whose id was new to the store.
    pub added: usize,
    /// Records that replaced a stored record with the same id (same or newer `modified`).
    pub replaced: usize,
    /// Records ignored because the store (or the same import) had a newer one.
    pub older_ignored: usize,
    /// Every problem, naming the file (and line) of the record.
    pub diagnostics: Vec<Diagnostic>,
}

/// The head, encoded by [`encode_head`]: the sources as JSON (small, and free to grow
/// fields), then the record table in a compact binary form that decodes in a few
/// milliseconds even unoptimised.
#[derive(Debug, Clone, Default)]
struct Head {
    sources: Vec<SourceStatus>,
    records: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    id: String,
    modified: String,
    /// (ecosystem, normalised name) of every affected package.
    keys: Vec<(String, String)>,
    offset: u64,
    len: u32,
}

/// The advisory database.
#[derive(Debug)]
pub struct Db {
    path: PathBuf,
    head: Head,
    index: HashMap<(String, String), Vec<u32>>,
    ecosystems: BTreeSet<String>,
    data_start: u64,
    file: Mutex<File>,
}

/// The default store path: `palisade/osv.db` in the user's cache directory
/// (`$XDG_CACHE_HOME`, else `~/.cache`; `%LOCALAPPDATA%` on Windows;
/// `~/Library/Caches` on macOS). `None` when no such directory is known.
pub fn default_path() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library").join("Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))
    }?;
    Some(base.join("palisade").join("osv.db"))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

fn corrupt(path: &Path, problem: impl Into<String>) -> Error {
    Error::Corrupt {
        path: path.to_owned(),
        problem: problem.into(),
    }
}

impl Db {
    /// Creates an empty store at `path` (replacing any file there), creating its parent
    /// directories.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written.
    pub fn create(path: impl AsRef<Path>) -> Result<Db, Error> {
        let path = path.as_ref();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        write_store(path, &Head::default(), &mut |_, _| Ok(Vec::new()))?;
        Db::open(path)
    }

    /// Opens an existing store and indexes it.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when it cannot be read, [`Error::Corrupt`] when it is not a store.
    pub fn open(path: impl AsRef<Path>) -> Result<Db, Error> {
        let path = path.as_ref();
        let mut file = File::open(path).map_err(io(path))?;
        let mut prefix = [0_u8; PREFIX as usize];
        file.read_exact(&mut prefix)
            .map_err(|_| corrupt(path, "too short to be a palisade advisory store"))?;
        if &prefix[..8] != MAGIC {
            return Err(corrupt(path, "not a palisade advisory store (bad magic)"));
        }
        let mut len = [0_u8; 8];
        len.copy_from_slice(&prefix[8..]);
        let head_len = usize::try_from(u64::from_le_bytes(len))
            .map_err(|_| corrupt(path, "head length out of range"))?;
        let mut packed = Vec::new();
        (&mut file)
            .take(head_len as u64)
            .read_to_end(&mut packed)
            .map_err(io(path))?;
        if packed.len() != head_len {
            return Err(corrupt(path, "truncated head"));
        }
        let json =
            zstd::decode_all(packed.as_slice()).map_err(|e| corrupt(path, format!("head: {e}")))?;
        let head = decode_head(&json).ok_or_else(|| corrupt(path, "damaged head"))?;
        let mut index: HashMap<(String, String), Vec<u32>> = HashMap::new();
        let mut ecosystems = BTreeSet::new();
        for (i, entry) in head.records.iter().enumerate() {
            let i = u32::try_from(i).map_err(|_| corrupt(path, "too many records"))?;
            for key in &entry.keys {
                if !ecosystems.contains(&key.0) {
                    ecosystems.insert(key.0.clone());
                }
                let ids = index.entry(key.clone()).or_default();
                if ids.last() != Some(&i) {
                    ids.push(i);
                }
            }
        }
        Ok(Db {
            path: path.to_owned(),
            head,
            index,
            ecosystems,
            data_start: PREFIX + head_len as u64,
            file: Mutex::new(file),
        })
    }

    /// Opens the store at `path`, creating an empty one if there is no file.
    ///
    /// # Errors
    ///
    /// As [`Db::open`] and [`Db::create`].
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Db, Error> {
        let path = path.as_ref();
        if path.exists() {
            Db::open(path)
        } else {
            Db::create(path)
        }
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether any advisory names a package of this OSV ecosystem (exact name, as in the
    /// records: `Debian:12` and `Debian` differ).
    pub fn has_ecosystem(&self, ecosystem: &str) -> bool {
        self.ecosystems.contains(ecosystem)
    }

    /// The ecosystems the store holds advisories for.
    pub fn ecosystems(&self) -> impl Iterator<Item = &str> {
        self.ecosystems.iter().map(String::as_str)
    }

    /// Sources, counts and dates.
    pub fn status(&self) -> Status {
        let mut by_ecosystem = BTreeMap::new();
        for entry in &self.head.records {
            let ecos: BTreeSet<&str> = entry.keys.iter().map(|k| k.0.as_str()).collect();
            for eco in ecos {
                *by_ecosystem.entry(eco.to_owned()).or_insert(0) += 1;
            }
        }
        Status {
            path: self.path.clone(),
            advisories: self.head.records.len(),
            by_ecosystem,
            newest_modified: self
                .head
                .records
                .iter()
                .map(|e| &e.modified)
                .filter(|m| !m.is_empty())
                .max()
                .cloned(),
            sources: self.head.sources.clone(),
        }
    }

    /// Every stored advisory naming the package (name normalised per ecosystem, see
    /// [`normalize_name`]), in id order.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] or [`Error::Corrupt`] when a record cannot be read back.
    pub fn lookup(&self, ecosystem: &str, name: &str) -> Result<Vec<Advisory>, Error> {
        let key = (ecosystem.to_owned(), normalize_name(ecosystem, name));
        let Some(ids) = self.index.get(&key) else {
            return Ok(Vec::new());
        };
        let mut file = self
            .file
            .lock()
            .map_err(|_| corrupt(&self.path, "store lock poisoned"))?;
        let mut out = Vec::with_capacity(ids.len());
        for &i in ids {
            let entry = &self.head.records[i as usize];
            let frame = read_raw(&mut file, &self.path, self.data_start, entry)?;
            let bytes = zstd::decode_all(frame.as_slice())
                .map_err(|e| corrupt(&self.path, format!("record {}: {e}", entry.id)))?;
            let advisory: Advisory = serde_json::from_slice(&bytes)
                .map_err(|e| corrupt(&self.path, format!("record {}: {e}", entry.id)))?;
            out.push(advisory);
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// Matches one installed package against the store. When the store has no advisory
    /// for the package's ecosystem the result says so (`no_data_for_ecosystem`) instead
    /// of reporting the package clean.
    ///
    /// # Errors
    ///
    /// As [`Db::lookup`].
    pub fn match_package(&self, pkg: &PackageRef<'_>) -> Result<PackageMatch, Error> {
        if !self.has_ecosystem(pkg.ecosystem) {
            return Ok(PackageMatch::no_data());
        }
        let advisories = self.lookup(pkg.ecosystem, pkg.name)?;
        Ok(match_advisories(&advisories, pkg))
    }

    /// Imports a `.json` file, a `.jsonl` or `.jsonl.zst` bundle, an osv.dev `all.zip`, or
    /// a directory holding any of them (recursively). A record replaces a stored one with
    /// the same id when its `modified` is the same or newer. The store is rewritten to a
    /// temporary file and renamed over the old one, so a failed import leaves it intact.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownSource`] for a file of another kind, [`Error::Io`] when the source
    /// or the store cannot be read or written. Bad records are diagnostics, not errors.
    pub fn import(&mut self, source: impl AsRef<Path>) -> Result<ImportReport, Error> {
        let source = source.as_ref();
        self.import_as(source, &source.display().to_string())
    }

    /// As [`Db::import`], recording the source in the status under `label` instead of the
    /// path (a download's URL rather than its temporary file). A later import with the
    /// same label replaces the entry.
    ///
    /// # Errors
    ///
    /// As [`Db::import`].
    pub fn import_as(&mut self, source: &Path, label: &str) -> Result<ImportReport, Error> {
        let mut diagnostics = Vec::new();
        let mut fresh: Vec<(Entry, Vec<u8>)> = Vec::new();
        let mut compress_error = None;
        read_path(
            source,
            &mut |raw: RawRecord| match zstd::encode_all(raw.json.as_bytes(), LEVEL) {
                Ok(frame) => fresh.push((entry_of(&raw.advisory), frame)),
                Err(e) => compress_error = Some(e),
            },
            &mut diagnostics,
        )?;
        if let Some(e) = compress_error {
            return Err(io(source)(e));
        }

        let mut status = SourceStatus {
            path: label.to_owned(),
            imported_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            records: fresh.len(),
            diagnostics: diagnostics.len(),
            ..SourceStatus::default()
        };
        for (entry, _) in &fresh {
            let ecos: BTreeSet<&str> = entry.keys.iter().map(|k| k.0.as_str()).collect();
            for eco in ecos {
                *status.by_ecosystem.entry(eco.to_owned()).or_insert(0) += 1;
            }
            if !entry.modified.is_empty()
                && status
                    .newest_modified
                    .as_ref()
                    .is_none_or(|m| *m < entry.modified)
            {
                status.newest_modified = Some(entry.modified.clone());
            }
        }

        // Merge by id: old records first, then the new ones in reading order.
        enum Body {
            Old(usize),
            New(usize),
        }
        let mut report = ImportReport::default();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut merged: Vec<(Entry, Body)> = Vec::new();
        for (i, entry) in self.head.records.iter().enumerate() {
            by_id.insert(entry.id.clone(), merged.len());
            merged.push((entry.clone(), Body::Old(i)));
        }
        let old_count = merged.len();
        for (i, (entry, _)) in fresh.iter().enumerate() {
            match by_id.get(&entry.id) {
                Some(&slot) if merged[slot].0.modified > entry.modified => {
                    report.older_ignored += 1;
                }
                Some(&slot) => {
                    if slot < old_count {
                        report.replaced += 1;
                    } else {
                        report.older_ignored += 1; // an earlier copy in this import
                    }
                    merged[slot] = (entry.clone(), Body::New(i));
                }
                None => {
                    by_id.insert(entry.id.clone(), merged.len());
                    merged.push((entry.clone(), Body::New(i)));
                    report.added += 1;
                }
            }
        }
        merged.sort_by(|a, b| a.0.id.cmp(&b.0.id));

        let mut sources: Vec<SourceStatus> = self
            .head
            .sources
            .iter()
            .filter(|s| s.path != status.path)
            .cloned()
            .collect();
        sources.push(status.clone());
        let head = Head {
            sources,
            records: merged.iter().map(|(e, _)| e.clone()).collect(),
        };
        let old_records = &self.head.records;
        let data_start = self.data_start;
        let path = self.path.clone();
        {
            let mut file = self
                .file
                .lock()
                .map_err(|_| corrupt(&path, "store lock poisoned"))?;
            write_store(&path, &head, &mut |i, _| match merged[i].1 {
                Body::Old(j) => read_raw(&mut file, &path, data_start, &old_records[j]),
                Body::New(j) => Ok(fresh[j].1.clone()),
            })?;
        }
        *self = Db::open(&path)?;
        report.source = status;
        report.diagnostics = diagnostics;
        Ok(report)
    }
}

fn entry_of(advisory: &Advisory) -> Entry {
    let mut keys: Vec<(String, String)> = advisory
        .affected
        .iter()
        .filter_map(|a| a.package.as_ref())
        .filter(|p| !p.ecosystem.is_empty() && !p.name.is_empty())
        .map(|p| (p.ecosystem.clone(), normalize_name(&p.ecosystem, &p.name)))
        .collect();
    keys.sort();
    keys.dedup();
    Entry {
        id: advisory.id.clone(),
        modified: advisory.modified.clone(),
        keys,
        offset: 0,
        len: 0,
    }
}

/// The compressed frame of a record.
fn read_raw(
    file: &mut File,
    path: &Path,
    data_start: u64,
    entry: &Entry,
) -> Result<Vec<u8>, Error> {
    file.seek(SeekFrom::Start(data_start + entry.offset))
        .map_err(io(path))?;
    let mut frame = vec![0_u8; entry.len as usize];
    file.read_exact(&mut frame)
        .map_err(|_| corrupt(path, format!("record {} is truncated", entry.id)))?;
    Ok(frame)
}

/// Gives the compressed frame of record `i`.
type FrameSource<'a> = dyn FnMut(usize, &Entry) -> Result<Vec<u8>, Error> + 'a;

/// Writes a store atomically (temporary file, then rename): the compressed frame of
/// record `i` comes from `body(i, entry)`.
fn write_store(path: &Path, head: &Head, body: &mut FrameSource<'_>) -> Result<(), Error> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = (|| {
        let mut frames = Vec::with_capacity(head.records.len());
        for (i, entry) in head.records.iter().enumerate() {
            frames.push(body(i, entry)?);
        }
        // Offsets are relative to the end of the head.
        let mut head = head.clone();
        let mut offset = 0_u64;
        for (entry, frame) in head.records.iter_mut().zip(&frames) {
            entry.offset = offset;
            entry.len = u32::try_from(frame.len())
                .map_err(|_| corrupt(path, format!("record {} too large", entry.id)))?;
            offset += u64::from(entry.len);
        }
        let json = encode_head(&head).map_err(|e| corrupt(path, format!("head: {e}")))?;
        let packed = zstd::encode_all(json.as_slice(), LEVEL).map_err(io(path))?;
        let file = File::create(&tmp).map_err(io(&tmp))?;
        let mut out = BufWriter::new(file);
        out.write_all(MAGIC).map_err(io(&tmp))?;
        out.write_all(&(packed.len() as u64).to_le_bytes())
            .map_err(io(&tmp))?;
        out.write_all(&packed).map_err(io(&tmp))?;
        for frame in &frames {
            out.write_all(frame).map_err(io(&tmp))?;
        }
        out.into_inner()
            .map_err(|e| io(&tmp)(e.into_error()))?
            .sync_all()
            .map_err(io(&tmp))?;
        std::fs::rename(&tmp, path).map_err(io(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `u32` length + sources JSON, `u32` record count, then per record: id, modified,
/// `u64` offset, `u32` length, `u32` key count and each key's ecosystem and name; strings
/// are a `u32` length and UTF-8 bytes; integers little-endian.
fn encode_head(head: &Head) -> Result<Vec<u8>, serde_json::Error> {
    fn put_str(out: &mut Vec<u8>, s: &str) {
        put_u32(out, s.len());
        out.extend_from_slice(s.as_bytes());
    }
    #[allow(clippy::cast_possible_truncation)]
    fn put_u32(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    let mut out = Vec::new();
    let sources = serde_json::to_vec(&head.sources)?;
    put_u32(&mut out, sources.len());
    out.extend_from_slice(&sources);
    put_u32(&mut out, head.records.len());
    for e in &head.records {
        put_str(&mut out, &e.id);
        put_str(&mut out, &e.modified);
        out.extend_from_slice(&e.offset.to_le_bytes());
        out.extend_from_slice(&e.len.to_le_bytes());
        put_u32(&mut out, e.keys.len());
        for (eco, name) in &e.keys {
            put_str(&mut out, eco);
            put_str(&mut out, name);
        }
    }
    Ok(out)
}

fn decode_head(bytes: &[u8]) -> Option<Head> {
    struct Cursor<'a>(&'a [u8]);
    impl<'a> Cursor<'a> {
        fn take(&mut self, n: usize) -> Option<&'a [u8]> {
            if self.0.len() < n {
                return None;
            }
            let (head, rest) = self.0.split_at(n);
            self.0 = rest;
            Some(head)
        }
        fn u32(&mut self) -> Option<u32> {
            Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
        }
        fn u64(&mut self) -> Option<u64> {
            Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
        }
        fn string(&mut self) -> Option<String> {
            let n = self.u32()? as usize;
            String::from_utf8(self.take(n)?.to_vec()).ok()
        }
    }
    let mut c = Cursor(bytes);
    let n = c.u32()? as usize;
    let sources = serde_json::from_slice(c.take(n)?).ok()?;
    let count = c.u32()? as usize;
    let mut records = Vec::with_capacity(count.min(bytes.len()));
    for _ in 0..count {
        let id = c.string()?;
        let modified = c.string()?;
        let offset = c.u64()?;
        let len = c.u32()?;
        let nkeys = c.u32()? as usize;
        let mut keys = Vec::with_capacity(nkeys.min(c.0.len()));
        for _ in 0..nkeys {
            keys.push((c.string()?, c.string()?));
        }
        records.push(Entry {
            id,
            modified,
            keys,
            offset,
            len,
        });
    }
    c.0.is_empty().then_some(Head { sources, records })
}
