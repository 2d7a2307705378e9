//! The sequential part: refs → commits (oldest first) → trees → unique blobs with origins.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::Path;

use gix::ObjectId;
use gix::hashtable::{HashMap as IdMap, HashSet as IdSet};
use gix::objs::tree::EntryKind;
use gix::objs::{CommitRef, Kind, TreeRefIter};
use gix::prelude::Find;
use palisade_finding::{Diagnostic, DiagnosticLevel};

use crate::{Commit, GitError, short};

/// A unique blob and where it was first seen.
#[derive(Debug)]
pub(crate) struct BlobEntry {
    pub id: ObjectId,
    /// Index into [`History::commits`].
    pub commit: u32,
    /// Index into [`History::paths`].
    pub path: u32,
}

/// Every unique blob of the history, in first-seen order, with the commits that introduced them.
#[derive(Debug, Default)]
pub(crate) struct History {
    /// Only commits that introduced at least one blob.
    pub commits: Vec<Commit>,
    /// In reading order: by path, newest first (see [`History::collect`]).
    pub blobs: Vec<BlobEntry>,
    /// Each distinct path once (many blobs are versions of one file).
    pub paths: Vec<Box<str>>,
    pub trees: u64,
    pub commits_walked: u64,
}

struct Node {
    id: ObjectId,
    tree: ObjectId,
    parents: Vec<ObjectId>,
    time: i64,
    author: u32,
}

/// The commit graph reachable from some tips.
#[derive(Default)]
struct Graph {
    nodes: Vec<Node>,
    index: IdMap<ObjectId, u32>,
    authors: Vec<(String, String)>,
}

impl History {
    pub(crate) fn collect(
        repo: &gix::Repository,
        path: &Path,
        since: Option<&str>,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<History, GitError> {
        Self::collect_with(repo, path, since, PREFETCH_BYTES, diags)
    }

    /// [`History::collect`] reading ahead at most `prefetch_limit` bytes of trees.
    pub(crate) fn collect_with(
        repo: &gix::Repository,
        path: &Path,
        since: Option<&str>,
        prefetch_limit: usize,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<History, GitError> {
        let tips = tips(repo, path, diags)?;
        let shallow: IdSet = match repo.shallow_commits() {
            Ok(Some(c)) => c.iter().copied().collect(),
            Ok(None) => IdSet::default(),
            Err(e) => {
                diags.push(Diagnostic::new(
                    DiagnosticLevel::Warning,
                    "shallow",
                    format!("cannot read the list of shallow commits: {e}"),
                ));
                IdSet::default()
            }
        };
        let hidden: IdSet = match since {
            Some(rev) => {
                let spec = format!("{rev}^{{commit}}");
                let id = repo
                    .rev_parse_single(spec.as_str())
                    .map_err(|cause| GitError::Since {
                        rev: rev.to_owned(),
                        cause,
                    })?
                    .detach();
                let g = Graph::walk(repo, &[id], &IdSet::default(), &shallow, diags);
                g.index.into_keys().collect()
            }
            None => IdSet::default(),
        };
        let graph = Graph::walk(repo, &tips, &hidden, &shallow, diags);
        let order = graph.oldest_first();

        let mut t = TreeWalk {
            repo,
            hash: repo.object_hash(),
            seen_trees: IdSet::default(),
            seen_blobs: IdSet::default(),
            buf: Vec::new(),
            stack: Vec::new(),
            path_ids: HashMap::new(),
            paths: Vec::new(),
            prefetched: IdMap::default(),
            ahead: Vec::new(),
            prefetch_limit,
        };
        let mut history = History {
            commits_walked: order.len() as u64,
            ..History::default()
        };
        // With --since: what the boundary commits (hidden parents of walked ones) already
        // had is old content, not scanned again.
        if !hidden.is_empty() {
            for node in &graph.nodes {
                for p in node.parents.iter().filter(|p| hidden.contains(*p)) {
                    if let Ok(tree) = commit_tree(repo, p) {
                        t.traverse(tree, *p, None, diags);
                    }
                }
            }
        }
        let trees_before = t.seen_trees.len();
        for batch in order.chunks(BATCH) {
            t.prefetch(batch.iter().rev().map(|&i| graph.nodes[i as usize].tree));
            for &i in batch {
                let node = &graph.nodes[i as usize];
                let ci = u32::try_from(history.commits.len()).unwrap_or(u32::MAX);
                let before = history.blobs.len();
                t.traverse(node.tree, node.id, Some((ci, &mut history.blobs)), diags);
                if history.blobs.len() > before {
                    let (author, email) = &graph.authors[node.author as usize];
                    history.commits.push(Commit {
                        id: node.id,
                        author: author.clone(),
                        email: email.clone(),
                        time: node.time,
                    });
                }
            }
            t.prefetched.clear();
            t.ahead.clear();
        }
        history.trees = (t.seen_trees.len() - trees_before) as u64;
        history.paths = t.paths;
        // Read the versions of a file one after the other, newest first: git packs store
        // older versions as deltas against newer ones, so each blob then finds its delta
        // base in the pack cache instead of rebuilding the whole chain.
        history
            .blobs
            .sort_unstable_by_key(|b| (b.path, Reverse(b.commit)));
        history.blobs.shrink_to_fit();
        Ok(history)
    }
}

/// The tip of every ref, and `HEAD`.
fn tips(
    repo: &gix::Repository,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<ObjectId>, GitError> {
    let refs_error = |cause| GitError::References {
        path: path.to_path_buf(),
        cause,
    };
    let platform = repo.references().map_err(refs_error)?;
    let mut tips = Vec::new();
    for r in platform.all().map_err(refs_error)? {
        match r {
            Ok(mut r) => match r.peel_to_id() {
                Ok(id) => tips.push(id.detach()),
                Err(e) => diags.push(Diagnostic::new(
                    DiagnosticLevel::Error,
                    format!("ref {}", r.name().as_bstr()),
                    format!("cannot resolve: {e}; its history was not scanned"),
                )),
            },
            Err(e) => diags.push(Diagnostic::new(
                DiagnosticLevel::Error,
                "refs",
                format!("cannot read a ref: {e}"),
            )),
        }
    }
    // HEAD may be detached; an unborn HEAD has no commit.
    if let Ok(id) = repo.head_id() {
        tips.push(id.detach());
    }
    Ok(tips)
}

fn commit_tree(repo: &gix::Repository, id: &ObjectId) -> Result<ObjectId, String> {
    let mut buf = Vec::new();
    match repo.objects.try_find(id, &mut buf) {
        Ok(Some(d)) if d.kind == Kind::Commit => CommitRef::from_bytes(d.data, repo.object_hash())
            .map(|c| c.tree())
            .map_err(|e| e.to_string()),
        Ok(Some(d)) => Err(format!("a {}, not a commit", d.kind)),
        Ok(None) => Err("missing".into()),
        Err(e) => Err(e.to_string()),
    }
}

impl Graph {
    /// Every commit reachable from `tips`, not entering `hidden`, not past shallow commits.
    fn walk(
        repo: &gix::Repository,
        tips: &[ObjectId],
        hidden: &IdSet,
        shallow: &IdSet,
        diags: &mut Vec<Diagnostic>,
    ) -> Graph {
        let hash = repo.object_hash();
        let mut g = Graph::default();
        let mut author_ids: HashMap<(String, String), u32> = HashMap::new();
        let mut failed = IdSet::default();
        let mut stack: Vec<ObjectId> = tips.to_vec();
        let mut buf = Vec::new();
        while let Some(id) = stack.pop() {
            if g.index.contains_key(&id) || hidden.contains(&id) || failed.contains(&id) {
                continue;
            }
            let bad = |what: String| {
                Diagnostic::new(
                    DiagnosticLevel::Error,
                    format!("commit {id}"),
                    format!(
                        "{what}; its tree and the history behind it may be incomplete (`git fsck` tells more), the scan goes on"
                    ),
                )
            };
            let data = match repo.objects.try_find(&id, &mut buf) {
                Ok(Some(d)) if d.kind == Kind::Commit => d,
                Ok(Some(d)) => {
                    // A ref to a tree or a blob (rare): no commit to attribute it to.
                    diags.push(Diagnostic::new(
                        DiagnosticLevel::Skip,
                        format!("object {id}"),
                        format!("a ref points to a {}, not a commit: not scanned", d.kind),
                    ));
                    failed.insert(id);
                    continue;
                }
                Ok(None) => {
                    diags.push(bad("the commit object is missing".into()));
                    failed.insert(id);
                    continue;
                }
                Err(e) => {
                    diags.push(bad(format!("cannot read the commit: {e}")));
                    failed.insert(id);
                    continue;
                }
            };
            let commit = match CommitRef::from_bytes(data.data, hash) {
                Ok(c) => c,
                Err(e) => {
                    diags.push(bad(format!("cannot parse the commit: {e}")));
                    failed.insert(id);
                    continue;
                }
            };
            let (name, email) = match commit.author() {
                Ok(sig) => {
                    let sig = sig.trim();
                    (sig.name.to_string(), sig.email.to_string())
                }
                Err(_) => (String::new(), String::new()),
            };
            let next = u32::try_from(g.authors.len()).unwrap_or(u32::MAX);
            let author = *author_ids.entry((name, email)).or_insert_with_key(|k| {
                g.authors.push(k.clone());
                next
            });
            let parents: Vec<ObjectId> = if shallow.contains(&id) {
                Vec::new()
            } else {
                commit.parents().collect()
            };
            stack.extend(
                parents
                    .iter()
                    .filter(|p| !g.index.contains_key(*p) && !hidden.contains(*p)),
            );
            let index = u32::try_from(g.nodes.len()).unwrap_or(u32::MAX);
            g.index.insert(id, index);
            g.nodes.push(Node {
                id,
                tree: commit.tree(),
                parents,
                time: commit.time().map_or(0, |t| t.seconds),
                author,
            });
        }
        g
    }

    /// Commit indices, parents always before children, otherwise oldest commit time first
    /// (ties: discovery order, which is deterministic).
    fn oldest_first(&self) -> Vec<u32> {
        let n = self.nodes.len();
        let mut pending = vec![0u32; n];
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, node) in self.nodes.iter().enumerate() {
            for p in &node.parents {
                if let Some(&pi) = self.index.get(p) {
                    pending[i] += 1;
                    children[pi as usize].push(i as u32);
                }
            }
        }
        let mut ready: BinaryHeap<Reverse<(i64, u32)>> = pending
            .iter()
            .enumerate()
            .filter(|(_, p)| **p == 0)
            .map(|(i, _)| Reverse((self.nodes[i].time, i as u32)))
            .collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse((_, i))) = ready.pop() {
            order.push(i);
            for &c in &children[i as usize] {
                pending[c as usize] -= 1;
                if pending[c as usize] == 0 {
                    ready.push(Reverse((self.nodes[c as usize].time, c)));
                }
            }
        }
        order
    }
}

struct TreeWalk<'r> {
    repo: &'r gix::Repository,
    hash: gix::hash::Kind,
    seen_trees: IdSet,
    seen_blobs: IdSet,
    buf: Vec<u8>,
    stack: Vec<(ObjectId, String)>,
    path_ids: HashMap<Box<str>, u32>,
    paths: Vec<Box<str>>,
    /// Trees read ahead by [`TreeWalk::prefetch`], waiting for [`TreeWalk::traverse`].
    /// Tree id → its range in `ahead`.
    prefetched: IdMap<ObjectId, (usize, usize)>,
    /// The bytes of the trees read ahead, one buffer (one allocation, freed whole).
    ahead: Vec<u8>,
    prefetch_limit: usize,
}

/// Commits whose new trees are read ahead at once.
const BATCH: usize = 32;
/// At most about this many bytes of trees are held read ahead.
const PREFETCH_BYTES: usize = 16 << 20;
/// The pack cache of the walk: large enough to hold a commit's worth of trees, so the
/// trees of the previous (newer) commit are still there as delta bases.
pub(crate) const WALK_PACK_CACHE_BYTES: usize = 8 << 20;

impl TreeWalk<'_> {
    /// Reads ahead, newest commit first, the trees under `roots` not seen yet.
    ///
    /// The walk must visit commits oldest first, but git stores older trees as deltas
    /// against newer ones: read oldest first, each tree rebuilds its whole delta chain.
    /// Read newest first, each finds its base in the pack cache. Errors are left for
    /// `traverse`, which reads the tree again and reports them.
    fn prefetch(&mut self, roots: impl Iterator<Item = ObjectId>) {
        let mut stack = Vec::new();
        for root in roots {
            stack.push(root);
            while let Some(id) = stack.pop() {
                if self.seen_trees.contains(&id) || self.prefetched.contains_key(&id) {
                    continue;
                }
                if self.ahead.len() >= self.prefetch_limit {
                    return;
                }
                let Ok(Some(data)) = self.repo.objects.try_find(&id, &mut self.buf) else {
                    continue;
                };
                if data.kind != Kind::Tree {
                    continue;
                }
                stack.extend(
                    TreeRefIter::from_bytes(data.data, self.hash)
                        .map_while(Result::ok)
                        .filter(|e| e.mode.is_tree())
                        .map(|e| e.oid.to_owned()),
                );
                let start = self.ahead.len();
                self.ahead.extend_from_slice(data.data);
                self.prefetched.insert(id, (start, self.ahead.len()));
            }
        }
    }

    /// Visits the trees under `root` not seen before; new blobs go to `out` (attributed to
    /// commit `out.0`), or are only marked as seen when `out` is `None`.
    fn traverse(
        &mut self,
        root: ObjectId,
        commit: ObjectId,
        mut out: Option<(u32, &mut Vec<BlobEntry>)>,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.stack.push((root, String::new()));
        while let Some((tree, prefix)) = self.stack.pop() {
            if !self.seen_trees.insert(tree) {
                continue;
            }
            let where_ = || {
                if prefix.is_empty() {
                    format!("(root tree of commit {})", short(&commit))
                } else {
                    prefix.clone()
                }
            };
            let bad = |what: String| {
                Diagnostic::new(
                    DiagnosticLevel::Error,
                    where_(),
                    format!(
                        "git tree {tree} (commit {}): {what}; the files under it were not scanned, the scan goes on",
                        short(&commit)
                    ),
                )
            };
            let data = match self.prefetched.remove(&tree) {
                Some((a, b)) => &self.ahead[a..b],
                None => match self.repo.objects.try_find(&tree, &mut self.buf) {
                    Ok(Some(d)) if d.kind == Kind::Tree => d.data,
                    Ok(Some(d)) => {
                        diags.push(bad(format!("a {}, not a tree", d.kind)));
                        continue;
                    }
                    Ok(None) => {
                        diags.push(bad("the object is missing".into()));
                        continue;
                    }
                    Err(e) => {
                        diags.push(bad(format!("cannot read it: {e}")));
                        continue;
                    }
                },
            };
            for entry in TreeRefIter::from_bytes(data, self.hash) {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        diags.push(bad(format!("malformed entry: {e}")));
                        break;
                    }
                };
                // Decoded only for new trees and blobs: most entries were seen before.
                let name = || String::from_utf8_lossy(entry.filename);
                match entry.mode.kind() {
                    EntryKind::Tree => {
                        let id = entry.oid.to_owned();
                        if !self.seen_trees.contains(&id) {
                            self.stack.push((id, format!("{prefix}{}/", name())));
                        }
                    }
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        let id = entry.oid.to_owned();
                        if self.seen_blobs.insert(id)
                            && let Some((ci, blobs)) = out.as_mut()
                        {
                            let path = format!("{prefix}{}", name());
                            let path = match self.path_ids.get(path.as_str()) {
                                Some(&p) => p,
                                None => {
                                    let p = u32::try_from(self.paths.len()).unwrap_or(u32::MAX);
                                    let path = path.into_boxed_str();
                                    self.paths.push(path.clone());
                                    self.path_ids.insert(path, p);
                                    p
                                }
                            };
                            blobs.push(BlobEntry {
                                id,
                                commit: *ci,
                                path,
                            });
                        }
                    }
                    // Symbolic links hold a path, submodules a commit of another repository.
                    EntryKind::Link | EntryKind::Commit => {}
                }
            }
        }
    }
}
