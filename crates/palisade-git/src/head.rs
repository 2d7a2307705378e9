//! Where a scan stands: the repository containing a path, its current branch and commit,
//! and a name for it (from the `origin` remote), for recording scans in the findings store.

use std::path::{Path, PathBuf};

/// The repository a path belongs to, as the findings store names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadInfo {
    /// The work tree (or the git dir of a bare repository).
    pub root: PathBuf,
    /// `host/owner/name` of the `origin` remote (no scheme, credentials or `.git`), else
    /// the name of the work tree's directory.
    pub name: String,
    /// The checked-out branch, `None` when HEAD is detached.
    pub branch: Option<String>,
    /// The commit HEAD points at, `None` in a repository without commits.
    pub commit: Option<String>,
}

/// `https://user:tok@github.com/org/app.git`, `git@github.com:org/app.git` →
/// `github.com/org/app`.
fn remote_name(url: &gix::Url) -> Option<String> {
    let path = url.path.to_string();
    let path = path.trim_start_matches('/').trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    if path.is_empty() {
        return None;
    }
    Some(match url.host() {
        Some(h) => format!("{h}/{path}"),
        None => path.to_owned(),
    })
}

/// Finds the repository containing `path` (upwards), isolated from global git
/// configuration. `None` outside any repository.
pub fn head_info(path: &Path) -> Option<HeadInfo> {
    let start = if path.is_file() { path.parent()? } else { path };
    let repo = gix::discover_opts(
        start,
        gix::discover::upwards::Options::default(),
        gix::open::Options::isolated(),
    )
    .ok()?;
    let root = repo
        .workdir()
        .map_or_else(|| repo.git_dir().to_path_buf(), Path::to_path_buf);
    let branch = repo
        .head_name()
        .ok()
        .flatten()
        .map(|n| n.shorten().to_string());
    let commit = repo.head_id().ok().map(|id| id.to_string());
    let name = repo
        .find_remote("origin")
        .ok()
        .and_then(|r| r.url(gix::remote::Direction::Fetch).and_then(remote_name))
        .or_else(|| {
            root.canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "repository".to_owned());
    Some(HeadInfo {
        root,
        name,
        branch,
        commit,
    })
}
