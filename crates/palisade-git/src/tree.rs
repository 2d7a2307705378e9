//! One revision's tree, read from the object database without touching the work tree:
//! the baseline of a diff-aware scan (`palisade scan --baseline-ref REV`) and the list of
//! files that changed since a revision (`--changed-only`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::objs::tree::EntryKind;
use gix::objs::{CommitRef, Kind, TreeRefIter};
use gix::prelude::Find;
use palisade_finding::{Diagnostic, DiagnosticLevel};

use crate::short;

/// Why a revision's tree could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error("{}: not inside a git repository ({cause}); --baseline-ref and --changed-only need a clone", path.display())]
    NotARepository { path: PathBuf, cause: String },
    #[error("{}: the repository has no work tree (bare); scan a checkout", path.display())]
    Bare { path: PathBuf },
    #[error(
        "`{rev}` is not a commit of this repository ({cause}); pass a branch, tag or commit id (in CI, fetch it first: `git fetch origin main`)"
    )]
    Revision { rev: String, cause: String },
    #[error("cannot read the tree of `{rev}`: {cause}; `git fsck` tells more")]
    Tree { rev: String, cause: String },
}

/// A repository opened for reading revisions beside its work tree.
pub struct Worktree {
    repo: gix::Repository,
    workdir: PathBuf,
}

/// One file of a revision's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    /// `/`-separated, relative to the repository root.
    pub path: String,
    pub id: ObjectId,
}

impl Worktree {
    /// The repository that contains `path` (searching upwards), opened isolated: no
    /// global or system configuration, no environment variables.
    ///
    /// # Errors
    /// When no repository contains `path`, or it is bare.
    pub fn discover(path: &Path) -> Result<Worktree, TreeError> {
        let start = if path.is_file() {
            path.parent().unwrap_or(Path::new("."))
        } else {
            path
        };
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        let repo = gix::discover_opts(
            start,
            gix::discover::upwards::Options::default(),
            gix::open::Options::isolated(),
        )
        .map_err(|e| TreeError::NotARepository {
            path: path.to_path_buf(),
            cause: e.to_string(),
        })?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| TreeError::Bare {
                path: path.to_path_buf(),
            })?
            .to_path_buf();
        let workdir = workdir.canonicalize().unwrap_or(workdir);
        Ok(Worktree { repo, workdir })
    }

    /// The root of the work tree (canonical).
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The `/`-separated path of `path` relative to the work tree root, when inside it.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let abs = path.canonicalize().ok()?;
        let rel = abs.strip_prefix(&self.workdir).ok()?;
        Some(
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// The tree of the commit `rev` names.
    fn tree_of(&self, rev: &str) -> Result<ObjectId, TreeError> {
        let spec = format!("{rev}^{{commit}}");
        let commit = self
            .repo
            .rev_parse_single(spec.as_str())
            .map_err(|e| TreeError::Revision {
                rev: rev.to_owned(),
                cause: e.to_string(),
            })?
            .detach();
        let mut buf = Vec::new();
        let fail = |cause: String| TreeError::Tree {
            rev: rev.to_owned(),
            cause,
        };
        match self.repo.objects.try_find(&commit, &mut buf) {
            Ok(Some(d)) if d.kind == Kind::Commit => {
                CommitRef::from_bytes(d.data, self.repo.object_hash())
                    .map(|c| c.tree())
                    .map_err(|e| fail(e.to_string()))
            }
            Ok(Some(d)) => Err(fail(format!("{} is a {}", short(&commit), d.kind))),
            Ok(None) => Err(fail(format!("commit {} is missing", short(&commit)))),
            Err(e) => Err(fail(e.to_string())),
        }
    }

    /// Every blob (regular or executable file) of `rev`'s tree under the directory
    /// `prefix` (repository-relative, `/`-separated; empty for all). Symbolic links and
    /// submodules are not files to scan. Unreadable subtrees become diagnostics.
    ///
    /// # Errors
    /// When `rev` is not a commit or its root tree cannot be read.
    pub fn files(
        &self,
        rev: &str,
        prefix: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Vec<TreeFile>, TreeError> {
        let root = self.tree_of(rev)?;
        let hash = self.repo.object_hash();
        let prefix = prefix.trim_matches('/');
        let mut out = Vec::new();
        let mut stack = vec![(root, String::new())];
        let mut buf = Vec::new();
        let mut first = true;
        while let Some((id, dir)) = stack.pop() {
            let data = match self.repo.objects.try_find(&id, &mut buf) {
                Ok(Some(d)) if d.kind == Kind::Tree => d.data,
                other => {
                    let what = match other {
                        Ok(Some(d)) => format!("a {}, not a tree", d.kind),
                        Ok(None) => "the object is missing".into(),
                        Err(e) => e.to_string(),
                    };
                    if first {
                        return Err(TreeError::Tree {
                            rev: rev.to_owned(),
                            cause: what,
                        });
                    }
                    diagnostics.push(Diagnostic::new(
                        DiagnosticLevel::Error,
                        dir.trim_end_matches('/'),
                        format!(
                            "git tree {} of `{rev}`: {what}; its files are not in the baseline",
                            short(&id)
                        ),
                    ));
                    continue;
                }
            };
            first = false;
            for entry in TreeRefIter::from_bytes(data, hash) {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        diagnostics.push(Diagnostic::new(
                            DiagnosticLevel::Error,
                            dir.trim_end_matches('/'),
                            format!("git tree {} of `{rev}`: malformed entry: {e}", short(&id)),
                        ));
                        break;
                    }
                };
                let path = format!("{dir}{}", String::from_utf8_lossy(entry.filename));
                match entry.mode.kind() {
                    EntryKind::Tree => {
                        // Only descend where the prefix may still match.
                        if prefix.is_empty()
                            || prefix.starts_with(&format!("{path}/"))
                            || prefix == path
                            || path.starts_with(&format!("{prefix}/"))
                        {
                            stack.push((entry.oid.to_owned(), format!("{path}/")));
                        }
                    }
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        if prefix.is_empty()
                            || path.starts_with(&format!("{prefix}/"))
                            || path == prefix
                        {
                            out.push(TreeFile {
                                path,
                                id: entry.oid.to_owned(),
                            });
                        }
                    }
                    EntryKind::Link | EntryKind::Commit => {}
                }
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// The content of a blob, unless it is larger than `max_size` (`Ok(None)`).
    ///
    /// # Errors
    /// A message naming the object when it cannot be read.
    pub fn read_blob(
        &self,
        id: &ObjectId,
        max_size: u64,
        buf: &mut Vec<u8>,
    ) -> Result<Option<usize>, String> {
        use gix::prelude::Header;
        match self.repo.objects.try_header(id) {
            Ok(Some(h)) if h.size() > max_size => return Ok(None),
            Ok(Some(_)) => {}
            Ok(None) => return Err(format!("git blob {} is missing", short(id))),
            Err(e) => return Err(format!("git blob {}: {e}", short(id))),
        }
        match self.repo.objects.try_find(id, buf) {
            Ok(Some(d)) if d.kind == Kind::Blob => Ok(Some(d.data.len())),
            Ok(Some(d)) => Err(format!("{} is a {}, not a blob", short(id), d.kind)),
            Ok(None) => Err(format!("git blob {} is missing", short(id))),
            Err(e) => Err(format!("git blob {}: {e}", short(id))),
        }
    }

    /// Which files differ between `rev` (default `HEAD`) and the work tree, by content:
    /// a [`Changes`] that answers for any path.
    ///
    /// # Errors
    /// When `rev` is not a commit or its tree cannot be read.
    pub fn changes(&self, rev: Option<&str>) -> Result<Changes, TreeError> {
        let rev = rev.unwrap_or("HEAD");
        let mut diags = Vec::new();
        let files = self.files(rev, "", &mut diags)?;
        Ok(Changes {
            workdir: self.workdir.clone(),
            hash: self.repo.object_hash(),
            base: files.into_iter().map(|f| (f.path, f.id)).collect(),
            cache: HashMap::new(),
        })
    }
}

/// The files of a revision, to ask whether a work-tree file changed since.
pub struct Changes {
    workdir: PathBuf,
    hash: gix::hash::Kind,
    base: HashMap<String, ObjectId>,
    cache: HashMap<String, bool>,
}

impl Changes {
    /// Whether the work-tree file at `path` (repository-relative, `/`-separated) is new
    /// or differs from the revision. A file that cannot be read counts as changed: when
    /// in doubt, report.
    pub fn changed(&mut self, path: &str) -> bool {
        if let Some(&c) = self.cache.get(path) {
            return c;
        }
        let changed = match self.base.get(path) {
            None => true,
            Some(old) => match std::fs::read(self.workdir.join(path)) {
                Ok(content) => gix::objs::compute_hash(self.hash, Kind::Blob, &content)
                    .map_or(true, |id| id != *old),
                Err(_) => true,
            },
        };
        self.cache.insert(path.to_owned(), changed);
        changed
    }

    /// The number of files in the revision.
    pub fn base_len(&self) -> usize {
        self.base.len()
    }
}
