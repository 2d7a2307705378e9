//! Every blob of a git history, once, with the commit that introduced it.
//!
//! [`scan`] opens a repository (work tree or bare), walks every commit reachable from any
//! ref (branches, tags, remote-tracking branches, notes, stash, `HEAD`), oldest first, and
//! traverses each commit's tree. A tree seen before is skipped whole: all its blobs were
//! attributed when it was first seen. Each unique blob is thus found once, at its earliest
//! commit (by commit time; parents always before children), with that commit's author,
//! time and the path it had there. The blobs are then read in parallel, each worker with
//! its own thread-local repository handle, and handed to a callback.
//!
//! A blob deleted in a later commit is still found: history is read, not the work tree.
//! Submodule entries (commits inside trees) and symbolic links are not blobs to scan and
//! are skipped. A corrupt or missing object becomes a [`Diagnostic`] naming the object and
//! the path; the scan goes on.
//!
//! ## Order of reading, and memory
//!
//! Packs store older versions of a file or tree as deltas against newer ones, and gix's
//! delta-base cache keeps only the objects asked for, not the chain links rebuilt on the
//! way. So objects are read newest version first wherever the order is free: the walk
//! reads the new trees of each batch of commits ahead, newest first (into one buffer of
//! 16 MiB at most), then walks the batch oldest first from it; the blobs are read grouped
//! by path, newest first, so each finds its delta base, the blob read just before, in a
//! small per-thread cache. On a 3 GiB history this halves the CPU time
//! (`docs/benchmarks.md`).
//!
//! Memory holds the ids of the trees and blobs seen (during the walk), the list of unique
//! blob ids with their commit and interned path, a few small caches, and one blob per
//! worker at a time: blobs over the size limit are skipped by their header size, before
//! they are inflated. Pack files are memory-mapped by gix; their pages count in RSS.
//!
//! ## Why gix
//!
//! `gix` (gitoxide) is pure Rust: no C library to build, no `git` process to spawn (the
//! scanner never executes anything), and its object database is made for concurrent
//! readers: a [`gix::ThreadSafeRepository`] hands each thread a [`gix::Repository`] with its
//! own pack cache. It is used with `default-features = false` and only:
//! - `sha1`: the object hash of (nearly) every repository;
//! - `max-performance`: the LRU delta-base caches (`pack-cache-lru-static` and
//!   `-dynamic`) that make reading deltified objects from packs fast, and gix's parallel
//!   pack machinery; zlib is `zlib-rs`, pure Rust, in every configuration;
//! - `revision`: `rev_parse` for `--since REV`.
//!
//! [`tree`] reads one revision's tree beside the work tree, for diff-aware scans.
//!
//! The repository is opened isolated: no global or system git configuration and no
//! environment variables (`GIT_DIR` ...) change what is read.

mod head;
pub mod tree;
mod walk;

pub use head::{HeadInfo, head_info};

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gix::prelude::{Find, Header};
use palisade_finding::{Diagnostic, DiagnosticLevel, GitOrigin};

pub use gix::ObjectId;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only commits not reachable from this revision (`--since REV`).
    pub since: Option<String>,
    /// Blobs larger than this are skipped (by their header size, before inflating).
    pub max_blob_size: u64,
    /// Worker threads reading blobs; 0 means one per core.
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            since: None,
            max_blob_size: 10 * 1024 * 1024,
            threads: 0,
        }
    }
}

/// Why a history could not be scanned at all (one bad object is a [`Diagnostic`] instead).
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    // The cause is part of the message (not a `source`) so that the hint stays last.
    #[error("{}: not a git repository ({cause}); pass the path of a clone (work tree or bare)", path.display())]
    NotARepository { path: PathBuf, cause: gix::Error },
    #[error("{}: cannot read the references ({cause}); `git fsck` tells more", path.display())]
    References { path: PathBuf, cause: gix::Error },
    #[error(
        "--since {rev}: not a commit of this repository ({cause}); pass a branch, tag or commit id"
    )]
    Since { rev: String, cause: gix::Error },
}

/// A commit that introduced at least one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub id: ObjectId,
    pub author: String,
    pub email: String,
    /// Commit (committer) time, seconds since the Unix epoch.
    pub time: i64,
}

/// One unique blob, handed to the callback of [`scan`].
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    pub id: ObjectId,
    /// Its path in the earliest commit that has it, `/`-separated.
    pub path: &'a str,
    pub content: &'a [u8],
    /// The earliest commit that has it.
    pub commit: &'a Commit,
}

impl Blob<'_> {
    /// Where the blob was first seen, as findings record it.
    pub fn origin(&self) -> GitOrigin {
        GitOrigin {
            commit: self.commit.id.to_string(),
            blob: self.id.to_string(),
            author: self.commit.author.clone(),
            email: self.commit.email.clone(),
            time: self.commit.time,
        }
    }
}

/// Counts of a history scan.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Commits walked (reachable from the refs, less those hidden by `since`).
    pub commits: u64,
    /// Unique trees read.
    pub trees: u64,
    /// Unique blobs handed to the callback.
    pub blobs: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Unique blobs not read: over the size limit.
    pub skipped: u64,
    /// Objects that could not be read (each has a diagnostic).
    pub errors: u64,
    /// Wall time of the walk (refs, commits, trees), sequential.
    pub walk_time: Duration,
    /// Wall time of reading and visiting the blobs, in parallel.
    pub read_time: Duration,
}

/// What [`scan`] could not do, and how much it did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
}

/// Scans every unique blob of the history of the repository at `path`, calling `visit`
/// for each (from several threads at once).
///
/// # Errors
/// When `path` is not a repository, its references cannot be listed, or `since` does not
/// name a commit. A bad object is a diagnostic in the [`Outcome`], not an error.
pub fn scan<F>(path: &Path, options: &Options, visit: F) -> Result<Outcome, GitError>
where
    F: Fn(&Blob<'_>) + Sync,
{
    // A corrupt or hostile pack entry may claim any size: gix refuses to allocate more
    // than this for one object (blobs are also checked against the size limit first).
    let alloc_limit = options.max_blob_size.saturating_mul(2).max(MIN_ALLOC_LIMIT);
    let open = gix::open::Options::isolated()
        .config_overrides([format!("gitoxide.objects.allocLimit={alloc_limit}")]);
    let mut repo = gix::open_opts(path, open).map_err(|cause| GitError::NotARepository {
        path: path.to_path_buf(),
        cause,
    })?;
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            walk::WALK_PACK_CACHE_BYTES,
        ))
    });
    let start = Instant::now();
    let mut diagnostics = Vec::new();
    let history = walk::History::collect(&repo, path, options.since.as_deref(), &mut diagnostics)?;
    let mut stats = Stats {
        commits: history.commits_walked,
        trees: history.trees,
        walk_time: start.elapsed(),
        ..Stats::default()
    };
    let start = Instant::now();
    let read = read_blobs(&repo.into_sync(), &history, options, &visit);
    stats.read_time = start.elapsed();
    diagnostics.extend(read.diagnostics);
    stats.blobs = read.blobs;
    stats.bytes = read.bytes;
    stats.skipped = read.skipped;
    stats.errors = diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count() as u64;
    diagnostics.sort();
    Ok(Outcome { diagnostics, stats })
}

struct ReadOutcome {
    diagnostics: Vec<Diagnostic>,
    blobs: u64,
    bytes: u64,
    skipped: u64,
}

/// The least of gix's allocation limit for one object (trees and commits have no size
/// limit of their own).
const MIN_ALLOC_LIMIT: u64 = 256 << 20;

/// The delta-base cache of each reader thread: entries and bytes at most.
const PACK_CACHE_ENTRIES: usize = 8;
const PACK_CACHE_BYTES: usize = 4 << 20;

/// Blobs a worker takes at a time. The list holds the versions of each file in a row,
/// newest first, so that each finds its delta base in the cache: a cut between two
/// workers costs one delta chain rebuilt.
const CHUNK: usize = 256;

fn read_blobs<F>(
    repo: &gix::ThreadSafeRepository,
    history: &walk::History,
    options: &Options,
    visit: &F,
) -> ReadOutcome
where
    F: Fn(&Blob<'_>) + Sync,
{
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        n => n,
    }
    .min(history.blobs.len().div_ceil(CHUNK).max(1));
    let next = AtomicUsize::new(0);
    let blobs = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    let skipped = AtomicU64::new(0);
    let diagnostics = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut repo = repo.to_thread_local();
                // Reading in delta order needs only the last few objects: a small cache.
                repo.objects.set_pack_cache(|| {
                    Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<PACK_CACHE_ENTRIES>::new(
                        PACK_CACHE_BYTES,
                    ))
                });
                let mut buf = Vec::new();
                let mut diags = Vec::new();
                loop {
                    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                    let Some(chunk) = history.blobs.get(start..(start + CHUNK).min(history.blobs.len()))
                    else {
                        break;
                    };
                    if chunk.is_empty() {
                        break;
                    }
                    for entry in chunk {
                        let commit = &history.commits[entry.commit as usize];
                        let path = &history.paths[entry.path as usize];
                        match read_one(&repo, entry, path, commit, options.max_blob_size, &mut buf) {
                            Ok(Read::Content(content)) => {
                                blobs.fetch_add(1, Ordering::Relaxed);
                                bytes.fetch_add(content.len() as u64, Ordering::Relaxed);
                                visit(&Blob {
                                    id: entry.id,
                                    path,
                                    content,
                                    commit,
                                });
                            }
                            Ok(Read::TooLarge(size)) => {
                                skipped.fetch_add(1, Ordering::Relaxed);
                                diags.push(Diagnostic::new(
                                    DiagnosticLevel::Skip,
                                    path.as_ref(),
                                    format!(
                                        "git blob {} (commit {}): {size} bytes, over the size limit of {} bytes (raise it with --max-file-size)",
                                        entry.id,
                                        short(&commit.id),
                                        options.max_blob_size
                                    ),
                                ));
                            }
                            Err(d) => diags.push(d),
                        }
                    }
                    // Bound the buffer kept between blobs.
                    if buf.capacity() > 1 << 20 {
                        buf = Vec::new();
                    }
                }
                if !diags.is_empty() {
                    diagnostics
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .extend(diags);
                }
            });
        }
    });
    ReadOutcome {
        diagnostics: diagnostics
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        blobs: blobs.into_inner(),
        bytes: bytes.into_inner(),
        skipped: skipped.into_inner(),
    }
}

/// What became of one blob.
enum Read<'b> {
    Content(&'b [u8]),
    /// Over the size limit, by its header: not inflated.
    TooLarge(u64),
}

/// Reads one blob, unless its header says it is over `max_size`.
fn read_one<'b>(
    repo: &gix::Repository,
    entry: &walk::BlobEntry,
    path: &str,
    commit: &Commit,
    max_size: u64,
    buf: &'b mut Vec<u8>,
) -> Result<Read<'b>, Diagnostic> {
    let fail = |what: String| {
        Diagnostic::new(
            DiagnosticLevel::Error,
            path,
            format!(
                "cannot read git blob {} (commit {}): {what}; the object may be corrupt (`git fsck` tells more), the scan goes on",
                entry.id,
                short(&commit.id)
            ),
        )
    };
    match repo.objects.try_header(&entry.id) {
        Ok(Some(h)) if h.kind() != gix::objs::Kind::Blob => {
            return Err(fail(format!("it is a {}, not a blob", h.kind())));
        }
        Ok(Some(h)) if h.size() > max_size => return Ok(Read::TooLarge(h.size())),
        Ok(Some(_)) => {}
        Ok(None) => return Err(fail("the object is missing".into())),
        Err(e) => return Err(fail(e.to_string())),
    }
    match repo.objects.try_find(&entry.id, buf) {
        Ok(Some(data)) if data.kind == gix::objs::Kind::Blob => Ok(Read::Content(data.data)),
        Ok(Some(data)) => Err(fail(format!("it is a {}, not a blob", data.kind))),
        Ok(None) => Err(fail("the object is missing".into())),
        Err(e) => Err(fail(e.to_string())),
    }
}

/// The first 12 hex digits of an object id.
pub(crate) fn short(id: &ObjectId) -> String {
    let mut s = id.to_string();
    s.truncate(12);
    s
}

#[cfg(test)]
mod tests;
