//! Fixture repositories are built with the `git` command line (tests only; the crate never
//! runs `git`). Without `git` on the PATH, a test prints why and passes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use super::*;

struct Repo {
    _dir: tempfile::TempDir,
    path: PathBuf,
    time: i64,
}

fn git_missing() -> bool {
    let missing = Command::new("git").arg("--version").output().is_err();
    if missing {
        eprintln!("skipped: `git` is not on the PATH");
    }
    missing
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("repo");
        std::fs::create_dir(&path).expect("mkdir");
        let r = Repo {
            _dir: dir,
            path,
            time: 1_600_000_000,
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_as(args, "Alice", self.time)
    }

    fn git_as(&self, args: &[&str], who: &str, time: i64) -> String {
        let date = format!("@{time} +0000");
        let email = format!("{}@example.com", who.to_lowercase());
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.path)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", who)
            .env("GIT_AUTHOR_EMAIL", &email)
            .env("GIT_COMMITTER_NAME", who)
            .env("GIT_COMMITTER_EMAIL", &email)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Writes (or, with `None`, deletes) files and commits them an hour after the last commit.
    fn commit(&mut self, who: &str, files: &[(&str, Option<&str>)]) -> String {
        for (name, content) in files {
            let p = self.path.join(name);
            match content {
                Some(c) => {
                    if let Some(d) = p.parent() {
                        std::fs::create_dir_all(d).expect("mkdir");
                    }
                    std::fs::write(&p, c).expect("write");
                }
                None => std::fs::remove_file(&p).expect("rm"),
            }
        }
        self.time += 3600;
        self.git(&["add", "-A"]);
        self.git_as(
            &["commit", "-q", "--allow-empty", "-m", "c"],
            who,
            self.time,
        );
        self.git(&["rev-parse", "HEAD"])
    }

    fn blob_id(&self, rev_path: &str) -> String {
        self.git(&["rev-parse", rev_path])
    }
}

/// Runs a scan and records, for every blob, its path, content and origin.
fn scan_all(
    path: &Path,
    options: &Options,
) -> (HashMap<String, (String, String, GitOrigin)>, Outcome) {
    let seen = Mutex::new(HashMap::new());
    let calls = Mutex::new(Vec::new());
    let outcome = scan(path, options, |b| {
        calls.lock().expect("lock").push(b.id);
        seen.lock().expect("lock").insert(
            b.id.to_string(),
            (
                b.path.to_owned(),
                String::from_utf8_lossy(b.content).into_owned(),
                b.origin(),
            ),
        );
    })
    .expect("scan");
    let calls = calls.into_inner().expect("lock");
    let seen = seen.into_inner().expect("lock");
    assert_eq!(calls.len(), seen.len(), "a blob was visited twice");
    assert_eq!(outcome.stats.blobs as usize, seen.len());
    (seen, outcome)
}

#[test]
fn deleted_blob_is_attributed_to_its_first_commit() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    let c1 = r.commit(
        "Alice",
        &[
            ("config/.env", Some("KEY=one\n")),
            ("a.py", Some("x = 1\n")),
        ],
    );
    let blob = r.blob_id("HEAD:config/.env");
    let c2 = r.commit("Bob", &[("config/.env", None), ("a.py", Some("x = 2\n"))]);
    let (seen, outcome) = scan_all(&r.path, &Options::default());
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    assert_eq!(outcome.stats.commits, 2);
    let (path, content, origin) = &seen[&blob];
    assert_eq!(path, "config/.env");
    assert_eq!(content, "KEY=one\n");
    assert_eq!(origin.commit, c1);
    assert_eq!(origin.blob, blob);
    assert_eq!(origin.author, "Alice");
    assert_eq!(origin.email, "alice@example.com");
    assert_eq!(origin.time, 1_600_003_600);
    let second = r.blob_id("HEAD:a.py");
    assert_eq!(seen[&second].2.commit, c2);
    assert_eq!(seen[&second].2.author, "Bob");
}

#[test]
fn a_blob_in_ten_commits_is_read_once_at_its_earliest_path() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    let first = r.commit(
        "Alice",
        &[("keep.txt", Some("same\n")), ("n.txt", Some("0\n"))],
    );
    for i in 1..10 {
        let n = format!("{i}\n");
        // A copy of the same content at a later path is the same blob: not read again.
        let copy = format!("copies/keep{i}.txt");
        r.commit("Alice", &[("n.txt", Some(&n)), (&copy, Some("same\n"))]);
    }
    let (seen, outcome) = scan_all(&r.path, &Options::default());
    assert_eq!(outcome.stats.commits, 10);
    // keep.txt once, and ten versions of n.txt.
    assert_eq!(seen.len(), 11, "{seen:?}");
    let keep = &seen[&r.blob_id("HEAD:keep.txt")];
    assert_eq!(keep.0, "keep.txt");
    assert_eq!(keep.2.commit, first);
}

#[test]
fn every_ref_counts_branches_tags_and_detached_commits() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit("Alice", &[("a.txt", Some("a\n"))]);
    r.git(&["checkout", "-q", "-b", "feature"]);
    let on_branch = r.commit("Bob", &[("feature.txt", Some("feature\n"))]);
    r.git(&["checkout", "-q", "main"]);
    // A commit only a tag points at: commit, tag, then move main back.
    let tagged = r.commit("Carol", &[("tagged.txt", Some("tagged\n"))]);
    r.git(&["tag", "-a", "-m", "t", "v1"]);
    r.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let (seen, _) = scan_all(&r.path, &Options::default());
    let f = &seen[&r.blob_id("feature:feature.txt")];
    assert_eq!(
        (f.0.as_str(), f.2.commit.as_str()),
        ("feature.txt", on_branch.as_str())
    );
    let t = &seen[&r.blob_id("v1:tagged.txt")];
    assert_eq!(
        (t.0.as_str(), t.2.commit.as_str()),
        ("tagged.txt", tagged.as_str())
    );
    assert_eq!(t.2.author, "Carol");
}

#[test]
fn since_skips_older_commits_and_what_they_had() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit("Alice", &[("old.txt", Some("old\n"))]);
    let base = r.commit("Alice", &[("old2.txt", Some("old2\n"))]);
    let new = r.commit("Bob", &[("new.txt", Some("new\n"))]);
    let options = Options {
        since: Some(base),
        ..Options::default()
    };
    let (seen, outcome) = scan_all(&r.path, &options);
    assert_eq!(outcome.stats.commits, 1);
    assert_eq!(seen.len(), 1, "{seen:?}");
    let only = seen.values().next().expect("one blob");
    assert_eq!(
        (only.0.as_str(), only.2.commit.as_str()),
        ("new.txt", new.as_str())
    );

    let bad = Options {
        since: Some("no-such-rev".into()),
        ..Options::default()
    };
    let err = scan(&r.path, &bad, |_| {}).expect_err("bad rev");
    assert!(err.to_string().contains("no-such-rev"), "{err}");
}

#[test]
fn bare_and_packed_repositories() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    for i in 0..5 {
        let c = format!("version {i}\n{}\n", "line of text\n".repeat(50));
        r.commit("Alice", &[("f.txt", Some(&c))]);
    }
    r.git(&["gc", "-q", "--aggressive"]);
    let (packed, o) = scan_all(&r.path, &Options::default());
    assert_eq!(packed.len(), 5);
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    let bare = r.path.with_file_name("bare.git");
    r.git(&[
        "clone",
        "-q",
        "--bare",
        ".",
        bare.to_str().expect("utf-8 path"),
    ]);
    let (from_bare, _) = scan_all(&bare, &Options::default());
    assert_eq!(from_bare.len(), 5);
    for (id, (path, content, _)) in &packed {
        assert_eq!(&from_bare[id].0, path);
        assert_eq!(&from_bare[id].1, content);
    }
}

#[test]
fn symlinks_submodules_and_big_blobs_are_skipped() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    std::fs::write(r.path.join("big.txt"), "x".repeat(2000)).expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink("target-of-link", r.path.join("link")).expect("symlink");
    r.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        "160000,1111111111111111111111111111111111111111,sub",
    ]);
    r.commit("Alice", &[("small.txt", Some("small\n"))]);
    let options = Options {
        max_blob_size: 1000,
        ..Options::default()
    };
    let (seen, outcome) = scan_all(&r.path, &options);
    let paths: Vec<&str> = seen.values().map(|v| v.0.as_str()).collect();
    assert_eq!(paths, ["small.txt"]);
    assert_eq!(outcome.stats.skipped, 1);
    let d = &outcome.diagnostics;
    assert!(
        d.len() == 1 && d[0].level == DiagnosticLevel::Skip && d[0].path == "big.txt",
        "{d:?}"
    );
}

#[test]
fn a_corrupt_object_is_a_diagnostic_and_the_scan_goes_on() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit(
        "Alice",
        &[("good.txt", Some("good\n")), ("bad.txt", Some("bad\n"))],
    );
    let bad = r.blob_id("HEAD:bad.txt");
    let file = r.path.join(".git/objects").join(&bad[..2]).join(&bad[2..]);
    let mut perms = std::fs::metadata(&file).expect("stat").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&file, perms).expect("chmod");
    std::fs::write(&file, b"this is not zlib data at all").expect("corrupt");
    let (seen, outcome) = scan_all(&r.path, &Options::default());
    assert_eq!(seen.len(), 1);
    assert_eq!(seen.values().next().map(|v| v.0.as_str()), Some("good.txt"));
    assert_eq!(outcome.stats.errors, 1);
    let d = &outcome.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.path, "bad.txt");
    assert!(d.message.contains(&bad), "{}", d.message);
}

#[test]
fn not_a_repository_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = scan(dir.path(), &Options::default(), |_| {}).expect_err("not a repo");
    assert!(matches!(err, GitError::NotARepository { .. }));
    assert!(
        err.to_string().contains(&dir.path().display().to_string()),
        "{err}"
    );
}

#[test]
fn reading_trees_ahead_does_not_change_attribution() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    for i in 0..12 {
        let a = format!("a {i}\n");
        let deep = format!("deep {}\n", i / 3);
        r.commit(
            if i % 2 == 0 { "Alice" } else { "Bob" },
            &[("src/a.txt", Some(&a)), ("src/x/y/deep.txt", Some(&deep))],
        );
        if i == 6 {
            r.git(&["gc", "-q"]);
        }
    }
    let repo = gix::open(&r.path).expect("open");
    let attribution = |limit: usize| {
        let mut diags = Vec::new();
        let h =
            walk::History::collect_with(&repo, &r.path, None, limit, &mut diags).expect("collect");
        assert!(diags.is_empty(), "{diags:?}");
        let mut v: Vec<(String, String, String)> = h
            .blobs
            .iter()
            .map(|b| {
                (
                    b.id.to_string(),
                    h.paths[b.path as usize].to_string(),
                    h.commits[b.commit as usize].id.to_string(),
                )
            })
            .collect();
        v.sort();
        (v, h.trees)
    };
    let none = attribution(0);
    assert_eq!(none.0.len(), 12 + 4);
    assert_eq!(attribution(1), none);
    assert_eq!(attribution(300), none);
    assert_eq!(attribution(usize::MAX), none);
}

#[test]
fn a_corrupt_tree_names_its_directory_and_the_rest_is_scanned() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit(
        "Alice",
        &[("ok.txt", Some("ok\n")), ("lib/inner.txt", Some("inner\n"))],
    );
    let tree = r.blob_id("HEAD:lib");
    let file = r
        .path
        .join(".git/objects")
        .join(&tree[..2])
        .join(&tree[2..]);
    std::fs::remove_file(&file).expect("rm");
    std::fs::write(&file, [0x78u8, 0x9c, 1, 2, 3, 4, 5]).expect("corrupt");
    let (seen, outcome) = scan_all(&r.path, &Options::default());
    let paths: Vec<&str> = seen.values().map(|v| v.0.as_str()).collect();
    assert_eq!(paths, ["ok.txt"]);
    let d = &outcome.diagnostics;
    assert!(
        d.len() == 1 && d[0].path == "lib/" && d[0].message.contains(&tree),
        "{d:?}"
    );
    assert_eq!(outcome.stats.errors, 1);
}
