//! `palisade secrets --git` on fixture repositories built with the `git` command line.
//! Without `git` on the PATH, each test prints why and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{Run, bin, hidden_part, run};

const KEY: &str = "AKIAQ3EGUS7LGVHXN2PA";
const T0: i64 = 1_700_000_000;

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
            time: T0,
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_as(args, "Alice")
    }

    fn git_as(&self, args: &[&str], who: &str) -> String {
        let date = format!("@{} +0000", self.time);
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

    /// Writes (or, with `None`, deletes) files and commits them a day after the last commit.
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
        self.time += 86_400;
        self.git(&["add", "-A"]);
        self.git_as(&["commit", "-q", "--allow-empty", "-m", "change"], who);
        self.git(&["rev-parse", "HEAD"])
    }
}

fn scan_json(path: &Path, extra: &[&str]) -> (Run, Value) {
    let r = run(bin()
        .args(["secrets", "--git", "--format", "json"])
        .args(extra)
        .arg(path));
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json ({e}): {}\n{}", r.stdout, r.stderr));
    (r, v)
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings")
}

fn leaked(path: &str) -> String {
    format!("AWS_ACCESS_KEY_ID = \"{KEY}\"  # {path}\n")
}

#[test]
fn a_deleted_secret_is_found_at_the_commit_that_added_it() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit("Alice", &[("README.md", Some("# app\n"))]);
    let added = r.commit(
        "Bob",
        &[("deploy/settings.py", Some(&leaked("deploy/settings.py")))],
    );
    r.commit("Carol", &[("deploy/settings.py", None)]);
    assert!(!r.path.join("deploy/settings.py").exists());

    let (out, v) = scan_json(&r.path, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{}", out.stdout);
    assert_eq!(f[0]["rule"], "secrets/aws-access-key-id");
    let loc = &f[0]["locations"][0];
    assert_eq!(loc["path"], "deploy/settings.py");
    assert_eq!(loc["start_line"], 1);
    assert_eq!(loc["commit"], added.as_str());
    assert_eq!(loc["author"], "Bob");
    assert_eq!(loc["email"], "bob@example.com");
    assert_eq!(loc["date"], "2023-11-16T22:13:20Z");
    assert!(!out.stdout.contains(hidden_part(KEY)), "the secret leaks");

    let text = run(bin().args(["secrets", "--git"]).arg(&r.path));
    assert_eq!(text.code, 1);
    let short = &added[..12];
    assert!(
        text.stdout.contains(&format!(
            "deploy/settings.py:1:22 (commit {short}, Bob <bob@example.com>)"
        )),
        "{}",
        text.stdout
    );
}

#[test]
fn a_blob_in_ten_commits_is_scanned_once() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    let first = r.commit(
        "Alice",
        &[("app/.env", Some(&leaked(".env"))), ("n.txt", Some("0\n"))],
    );
    for i in 1..10 {
        r.commit("Bob", &[("n.txt", Some(&format!("{i}\n")))]);
    }
    let (out, v) = scan_json(&r.path, &[]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{}", out.stdout);
    assert_eq!(f[0]["locations"].as_array().map(Vec::len), Some(1));
    assert_eq!(f[0]["locations"][0]["commit"], first.as_str());
    // app/.env once, and ten versions of n.txt.
    assert_eq!(v["summary"]["files_scanned"], 11, "{}", out.stdout);
}

#[test]
fn secrets_on_other_branches_and_tags_count_and_the_earliest_is_primary() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit("Alice", &[("a.txt", Some("a\n"))]);
    r.git(&["checkout", "-q", "-b", "feature/x"]);
    let on_branch = r.commit("Bob", &[("feature.py", Some(&leaked("feature.py")))]);
    r.git(&["checkout", "-q", "main"]);
    // A commit that only a tag reaches.
    let tagged = r.commit("Carol", &[("release.py", Some(&leaked("release.py")))]);
    r.git(&["tag", "v1.0"]);
    r.git(&["reset", "-q", "--hard", "HEAD~1"]);

    let (out, v) = scan_json(&r.path, &[]);
    assert_eq!(out.code, 1);
    let f = findings(&v);
    // One key in two blobs: one finding with both locations, the earliest commit first.
    assert_eq!(f.len(), 1, "{}", out.stdout);
    let locs = f[0]["locations"].as_array().expect("locations");
    assert_eq!(locs.len(), 2, "{}", out.stdout);
    assert_eq!(locs[0]["commit"], on_branch.as_str());
    assert_eq!(locs[0]["path"], "feature.py");
    assert_eq!(locs[1]["commit"], tagged.as_str());
    assert_eq!(locs[1]["path"], "release.py");
    assert_eq!(locs[1]["author"], "Carol");
}

#[test]
fn since_excludes_older_commits() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit("Alice", &[("old.py", Some(&leaked("old.py")))]);
    let base = r.commit("Alice", &[("b.txt", Some("b\n"))]);
    let (out, v) = scan_json(&r.path, &["--since", &base]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(findings(&v).is_empty());

    let newer = r.commit("Bob", &[("new.py", Some(&leaked("new.py")))]);
    let (out, v) = scan_json(&r.path, &["--since", "HEAD~1"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let locs = findings(&v)[0]["locations"].as_array().expect("locations");
    assert_eq!(locs.len(), 1, "{}", out.stdout);
    assert_eq!(locs[0]["commit"], newer.as_str());

    let bad = run(bin()
        .args(["secrets", "--git", "--since", "no-such-branch"])
        .arg(&r.path));
    assert_eq!(bad.code, 3);
    assert!(bad.stderr.contains("no-such-branch"), "{}", bad.stderr);
}

#[test]
fn bare_and_packed_repositories() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    let added = r.commit("Alice", &[("k.py", Some(&leaked("k.py")))]);
    for i in 0..5 {
        let body = format!("{}{i}\n", "some text\n".repeat(40));
        r.commit("Alice", &[("doc.txt", Some(&body))]);
    }
    r.commit("Alice", &[("k.py", None)]);
    r.git(&["gc", "-q"]);
    assert!(
        std::fs::read_dir(r.path.join(".git/objects/pack"))
            .expect("pack dir")
            .any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pack")))
    );
    let (out, v) = scan_json(&r.path, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(findings(&v)[0]["locations"][0]["commit"], added.as_str());

    let bare = r.path.with_file_name("bare.git");
    r.git(&["clone", "-q", "--bare", ".", bare.to_str().expect("utf-8")]);
    let (out, v) = scan_json(&bare, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(findings(&v)[0]["locations"][0]["commit"], added.as_str());
}

#[test]
fn a_corrupt_object_is_reported_and_the_other_findings_stand() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit(
        "Alice",
        &[
            ("good.py", Some(&leaked("good.py"))),
            ("broken.txt", Some("this blob will be corrupted\n")),
        ],
    );
    let id = r.git(&["rev-parse", "HEAD:broken.txt"]);
    let file = r.path.join(".git/objects").join(&id[..2]).join(&id[2..]);
    let len = std::fs::metadata(&file).expect("stat").len();
    std::fs::remove_file(&file).expect("rm");
    std::fs::write(&file, vec![0xA5u8; usize::try_from(len).expect("len")]).expect("overwrite");

    let (out, v) = scan_json(&r.path, &[]);
    assert_eq!(
        out.code, 1,
        "the finding in good.py still fails the scan: {}",
        out.stderr
    );
    assert_eq!(findings(&v).len(), 1);
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let d = diags
        .iter()
        .find(|d| d["path"] == "broken.txt")
        .unwrap_or_else(|| panic!("no diagnostic for broken.txt: {}", out.stdout));
    assert_eq!(d["level"], "error");
    assert!(
        d["message"].as_str().is_some_and(|m| m.contains(&id)),
        "{d}"
    );
    assert_eq!(v["summary"]["errors"], 1);
    // Machine formats also tell a person on stderr.
    assert!(out.stderr.contains(&id), "{}", out.stderr);
}

#[test]
fn excludes_apply_to_the_paths_of_history() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit(
        "Alice",
        &[("tests/fixtures/keys.py", Some(&leaked("fixture")))],
    );
    r.commit("Alice", &[("tests/fixtures/keys.py", None)]);
    let (out, _) = scan_json(&r.path, &[]);
    assert_eq!(out.code, 1);
    let (out, v) = scan_json(&r.path, &["--exclude", "tests/fixtures/**"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(findings(&v).is_empty());
    std::fs::write(
        r.path.join("palisade.toml"),
        "[scan]\nexclude = [\"tests/\"]\n",
    )
    .expect("write");
    let (out, _) = scan_json(&r.path, &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn not_a_git_repository_exits_3_naming_the_path() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("a.py"), "x = 1\n").expect("write");
    let r = run(bin().args(["secrets", "--git"]).arg(dir.path()));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&dir.path().display().to_string()),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
    let missing = run(bin().args(["secrets", "--git", "/no/such/dir/palisade"]));
    assert_eq!(missing.code, 3);
    assert!(
        missing.stderr.contains("/no/such/dir/palisade"),
        "{}",
        missing.stderr
    );
}

#[test]
fn history_findings_are_recorded_in_the_store() {
    if git_missing() {
        return;
    }
    let mut r = Repo::new();
    r.commit(
        "Bob",
        &[("deploy/settings.py", Some(&leaked("deploy/settings.py")))],
    );
    r.commit("Carol", &[("deploy/settings.py", None)]);
    let store = r.path.join("../findings.db");
    let store = store.to_str().expect("utf-8");
    let scope = ["--store", store, "--repo", "acme/app", "--branch", "main"];
    let out = run(bin()
        .args(["secrets", "--git", "-o", "/dev/null"])
        .args(scope)
        .arg(&r.path));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let list = run(bin().args([
        "triage", "list", "--format", "json", "--store", store, "--engine", "secrets",
    ]));
    let v: Value = serde_json::from_str(&list.stdout).expect("json");
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{}", list.stdout);
    assert_eq!(f[0]["rule"], "secrets/aws-access-key-id");
    assert_eq!(f[0]["tool"], "palisade-git");
    assert!(!list.stdout.contains(hidden_part(KEY)), "the secret leaks");
    // A partial history would mark the rest fixed: refused.
    let since = run(bin()
        .args(["secrets", "--git", "--since", "HEAD"])
        .args(scope)
        .arg(&r.path));
    assert_eq!(since.code, 3, "{}", since.stderr);
    assert!(
        since.stderr.contains("drop --since or --store"),
        "{}",
        since.stderr
    );
}
