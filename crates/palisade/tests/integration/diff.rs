//! Diff-aware scans (`--baseline-ref`, `--changed-only`) on git repositories built here,
//! and the robustness of fingerprints under everyday edits. Without `git` on the PATH,
//! each test prints why and passes (CI has git).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{Run, bin, run};

const AWS_KEY: &str = "AKIAQ3EGUS7LGVHXN2PA";
const GH_TOKEN: &str = "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";
const AWS_SECRET: &str = "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";

fn git_missing() -> bool {
    let missing = Command::new("git").arg("--version").output().is_err();
    if missing {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have git for the diff-aware tests"
        );
        eprintln!("skipped: `git` is not on the PATH");
    }
    missing
}

struct Repo {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("repo");
        std::fs::create_dir(&path).expect("mkdir");
        let r = Repo { _dir: dir, path };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.path)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Dev")
            .env("GIT_AUTHOR_EMAIL", "dev@example.com")
            .env("GIT_COMMITTER_NAME", "Dev")
            .env("GIT_COMMITTER_EMAIL", "dev@example.com")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn write(&self, name: &str, content: &str) {
        let p = self.path.join(name);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    fn remove(&self, name: &str) {
        std::fs::remove_file(self.path.join(name)).expect("rm");
    }

    fn commit(&self) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", "change"]);
        self.git(&["rev-parse", "HEAD"])
    }
}

fn scan(dir: &Path, extra: &[&str]) -> (Run, Value) {
    let r = run(bin()
        .args([
            "scan",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--no-config",
        ])
        .args(extra)
        .arg(dir));
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json ({e}): {}\n{}", r.stdout, r.stderr));
    (r, v)
}

fn fingerprints(v: &Value) -> BTreeSet<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_owned())
        .collect()
}

fn paths(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["locations"][0]["path"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn baseline_ref_reports_only_what_is_new_and_leaves_the_work_tree_alone() {
    if git_missing() {
        return;
    }
    let r = Repo::new();
    r.write("README.md", "# app\n");
    r.write(
        "app/config.py",
        &format!("import os\nAWS_ACCESS_KEY_ID = \"{AWS_KEY}\"\n"),
    );
    let base = r.commit();
    // A new secret in a new file, and the old one moved down and renamed.
    r.remove("app/config.py");
    r.write(
        "app/settings/base.py",
        &format!("import os\n\n# moved\nDEBUG = False\nAWS_ACCESS_KEY_ID = \"{AWS_KEY}\"\n"),
    );
    r.write("src/client.js", &format!("const token = \"{GH_TOKEN}\";\n"));
    let status_before = r.git(&["status", "--porcelain"]);
    let head_before = r.git(&["rev-parse", "HEAD"]);

    let (all, v_all) = scan(&r.path, &[]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(fingerprints(&v_all).len(), 2, "{}", all.stdout);

    let (out, v) = scan(&r.path, &["--baseline-ref", &base]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(paths(&v), vec!["src/client.js"], "{}", out.stdout);
    assert_eq!(v["summary"]["baselined"], 1, "{}", out.stdout);
    // Branch names work as commit ids do, and the work tree is untouched.
    let (_, by_name) = scan(&r.path, &["--baseline-ref", "main"]);
    assert_eq!(fingerprints(&by_name), fingerprints(&v));
    assert_eq!(r.git(&["status", "--porcelain"]), status_before);
    assert_eq!(r.git(&["rev-parse", "HEAD"]), head_before);

    // Committed or not, the comparison is with the tree of the revision.
    r.commit();
    let (_, v2) = scan(&r.path, &["--baseline-ref", "HEAD~1"]);
    assert_eq!(paths(&v2), vec!["src/client.js"]);
    let (_, v3) = scan(&r.path, &["--baseline-ref", "HEAD"]);
    assert!(fingerprints(&v3).is_empty(), "nothing is new since HEAD");

    // Exit codes follow what is reported.
    let failing = run(bin()
        .args(["scan", "--no-config", "--baseline-ref", "HEAD"])
        .arg(&r.path));
    assert_eq!(failing.code, 0, "{}", failing.stdout);
    let failing = run(bin()
        .args(["scan", "--no-config", "--baseline-ref", &base])
        .arg(&r.path));
    assert_eq!(failing.code, 1, "{}", failing.stdout);
}

#[test]
fn baseline_ref_of_a_subdirectory_compares_the_same_subtree() {
    if git_missing() {
        return;
    }
    let r = Repo::new();
    r.write("svc/a.py", &format!("KEY = \"{AWS_KEY}\"\n"));
    r.write("other/b.py", &format!("TOKEN = \"{GH_TOKEN}\"\n"));
    r.commit();
    // The token appears in the scanned subtree, where HEAD did not have it.
    r.write("svc/c.py", &format!("TOKEN = \"{GH_TOKEN}\"\n"));
    let (out, v) = scan(&r.path.join("svc"), &["--baseline-ref", "HEAD"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Scanning svc/ compares with HEAD's svc/: the key was there, the token is new.
    assert_eq!(paths(&v), vec!["c.py"], "{}", out.stdout);
}

#[test]
fn changed_only_reports_findings_in_changed_files() {
    if git_missing() {
        return;
    }
    let r = Repo::new();
    r.write("old.py", &format!("KEY = \"{AWS_KEY}\"\n"));
    r.write("touched.py", "import os\n");
    r.write("same.py", &format!("TOKEN = \"{GH_TOKEN}\"\n"));
    let base = r.commit();
    r.write(
        "touched.py",
        &format!("import os\nTOKEN = \"{GH_TOKEN}\"\nSECRET = \"{AWS_SECRET}\"\n"),
    );
    // Against HEAD: only touched.py changed; the token there is also in same.py (one
    // finding, two locations), and it is reported because one location changed.
    let (out, v) = scan(&r.path, &["--changed-only"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reported = v["findings"].as_array().expect("findings");
    assert!(!reported.is_empty(), "{}", out.stdout);
    for f in reported {
        let locs: Vec<&str> = f["locations"]
            .as_array()
            .expect("locations")
            .iter()
            .filter_map(|l| l["path"].as_str())
            .collect();
        assert!(locs.contains(&"touched.py"), "{f}");
    }
    assert!(!paths(&v).contains(&"old.py".to_string()), "{}", out.stdout);
    // A new file counts as changed; with --baseline-ref, changes are since that revision.
    r.write("new.py", &format!("KEY = \"{AWS_KEY}\"\n"));
    r.commit();
    let (_, v) = scan(&r.path, &["--changed-only"]);
    assert!(fingerprints(&v).is_empty(), "nothing changed since HEAD");
    let (_, v) = scan(&r.path, &["--changed-only", "--baseline-ref", &base]);
    // new.py's key was already in old.py at base (not new); touched.py's findings are.
    assert!(!paths(&v).contains(&"new.py".to_string()));
    assert!(paths(&v).iter().any(|p| p == "touched.py"));
}

#[test]
fn a_bad_revision_or_no_repository_is_a_clear_error() {
    if git_missing() {
        return;
    }
    let r = Repo::new();
    r.write("a.py", "x = 1\n");
    r.commit();
    let out = run(bin()
        .args(["scan", "--no-config", "--baseline-ref", "no-such-branch"])
        .arg(&r.path));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("`no-such-branch` is not a commit"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("git fetch"), "{}", out.stderr);

    let plain = tempfile::tempdir().expect("tempdir");
    std::fs::write(plain.path().join("a.py"), "x = 1\n").expect("write");
    let out = run(bin()
        .args(["scan", "--no-config", "--changed-only"])
        .arg(plain.path()));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("not inside a git repository"),
        "{}",
        out.stderr
    );
}

// ---- Fingerprint robustness: everyday edits keep a finding's identity ----

fn fixtures_osv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv")
}

fn cargo_lock(packages: &[(&str, &str)]) -> String {
    let mut s = String::from("version = 4\n");
    for (name, version) in packages {
        s.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
    }
    s
}

/// The files of the base commit: secrets in a Python settings file and an env file,
/// vulnerable packages in a Cargo.lock and a requirements.txt.
fn base_files() -> Vec<(String, String)> {
    vec![
        (
            "app/config.py".into(),
            format!(
                "import os\n\nDEBUG = False\nGITHUB_TOKEN = \"{GH_TOKEN}\"\n\ndef db():\n    return os.environ[\"DB\"]\n\nAWS_ACCESS_KEY_ID = \"{AWS_KEY}\"\nTIMEOUT = 30\n"
            ),
        ),
        (
            "deploy/.env".into(),
            format!("# deploy\nREGION=eu-west-1\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\nLOG=info\n"),
        ),
        (
            "Cargo.lock".into(),
            cargo_lock(&[("memchr", "2.7.4"), ("openssl", "0.8.0")]),
        ),
        (
            "requirements.txt".into(),
            "requests==2.31.0\nDjango==1.11.0\n".into(),
        ),
    ]
}

type Files = Vec<(String, String)>;

fn edit(files: &mut Files, path: &str, f: impl Fn(&str) -> String) {
    for (p, c) in files.iter_mut() {
        if p == path {
            *c = f(c);
        }
    }
}

fn rename(files: &mut Files, from: &str, to: &str) {
    for (p, _) in files.iter_mut() {
        if p == from {
            *p = to.into();
        }
    }
}

fn lines_map(c: &str, f: impl Fn(&str) -> String) -> String {
    c.lines().map(|l| f(l) + "\n").collect()
}

/// Named edits of the base files: code moved, reformatted, renamed.
type Edit = Box<dyn Fn(&mut Files)>;

fn edit_cases() -> Vec<(&'static str, Edit)> {
    let py = "app/config.py";
    let env = "deploy/.env";
    let lock = "Cargo.lock";
    let req = "requirements.txt";
    vec![
        (
            "py: one line inserted at the top",
            Box::new(move |f: &mut Files| edit(f, py, |c| format!("# header\n{c}"))),
        ),
        (
            "py: 200 lines inserted at the top",
            Box::new(move |f: &mut Files| edit(f, py, |c| format!("{}{c}", "x = 1\n".repeat(200)))),
        ),
        (
            "py: lines inserted between the secrets",
            Box::new(move |f: &mut Files| {
                edit(f, py, |c| c.replace("\ndef db", "\nA = 1\nB = 2\n\ndef db"))
            }),
        ),
        (
            "py: lines appended",
            Box::new(move |f: &mut Files| {
                edit(f, py, |c| format!("{c}\n\ndef main():\n    pass\n"))
            }),
        ),
        (
            "py: an unrelated line deleted above",
            Box::new(move |f: &mut Files| edit(f, py, |c| c.replace("DEBUG = False\n", ""))),
        ),
        (
            "py: unrelated lines re-indented",
            Box::new(move |f: &mut Files| {
                edit(f, py, |c| c.replace("    return", "        return"))
            }),
        ),
        (
            "py: unrelated assignments reformatted",
            Box::new(move |f: &mut Files| {
                edit(f, py, |c| {
                    c.replace("DEBUG = False", "DEBUG=False")
                        .replace("TIMEOUT = 30", "TIMEOUT  =  30")
                })
            }),
        ),
        (
            "py: CRLF line endings",
            Box::new(move |f: &mut Files| edit(f, py, |c| c.replace('\n', "\r\n"))),
        ),
        (
            "py: trailing whitespace on every line",
            Box::new(move |f: &mut Files| edit(f, py, |c| lines_map(c, |l| format!("{l}   ")))),
        ),
        (
            "py: blank line between every line",
            Box::new(move |f: &mut Files| edit(f, py, |c| lines_map(c, |l| format!("{l}\n")))),
        ),
        (
            "py: lines reordered",
            Box::new(move |f: &mut Files| {
                edit(f, py, |c| {
                    let mut v: Vec<&str> = c.lines().collect();
                    v.reverse();
                    v.join("\n") + "\n"
                })
            }),
        ),
        (
            "py: file renamed",
            Box::new(move |f: &mut Files| rename(f, py, "app/settings.py")),
        ),
        (
            "py: file moved to another directory",
            Box::new(move |f: &mut Files| rename(f, py, "services/api/conf/config.py")),
        ),
        (
            "py: renamed and lines inserted",
            Box::new(move |f: &mut Files| {
                edit(f, py, |c| format!("\"\"\"Settings.\"\"\"\n\n{c}"));
                rename(f, py, "app/settings/base.py");
            }),
        ),
        (
            "py: secrets indented into a class",
            Box::new(move |f: &mut Files| {
                edit(f, py, |c| {
                    c.replace("GITHUB_TOKEN", "class C:\n    GITHUB_TOKEN")
                        .replace("AWS_ACCESS_KEY_ID", "class D:\n    AWS_ACCESS_KEY_ID")
                })
            }),
        ),
        (
            "py: single quotes instead of double",
            Box::new(move |f: &mut Files| edit(f, py, |c| c.replace('"', "'"))),
        ),
        (
            "py: a comment after the secret",
            Box::new(move |f: &mut Files| {
                edit(f, py, |c| {
                    c.replace(
                        &format!("\"{AWS_KEY}\""),
                        &format!("\"{AWS_KEY}\"  # rotate me"),
                    )
                })
            }),
        ),
        (
            "py: tabs for indentation",
            Box::new(move |f: &mut Files| edit(f, py, |c| c.replace("    ", "\t"))),
        ),
        (
            "py: file copied (secret in two places)",
            Box::new(move |f: &mut Files| {
                let c = f
                    .iter()
                    .find(|(p, _)| p == py)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default();
                f.push(("app/config_copy.py".into(), c));
            }),
        ),
        (
            "env: line inserted above",
            Box::new(move |f: &mut Files| edit(f, env, |c| format!("STAGE=prod\n{c}"))),
        ),
        (
            "env: file renamed",
            Box::new(move |f: &mut Files| rename(f, env, "deploy/prod.env")),
        ),
        (
            "env: spaces around =",
            Box::new(move |f: &mut Files| {
                edit(f, env, |c| {
                    c.replace("REGION=", "REGION = ").replace("LOG=", "LOG = ")
                })
            }),
        ),
        (
            "env: export prefix on unrelated lines",
            Box::new(move |f: &mut Files| edit(f, env, |c| c.replace("REGION=", "export REGION="))),
        ),
        (
            "lock: package added before",
            Box::new(move |f: &mut Files| {
                edit(f, lock, |_| {
                    cargo_lock(&[
                        ("aho-corasick", "1.1.3"),
                        ("memchr", "2.7.4"),
                        ("openssl", "0.8.0"),
                    ])
                })
            }),
        ),
        (
            "lock: package added after",
            Box::new(move |f: &mut Files| {
                edit(f, lock, |_| {
                    cargo_lock(&[
                        ("memchr", "2.7.4"),
                        ("openssl", "0.8.0"),
                        ("regex", "1.11.1"),
                    ])
                })
            }),
        ),
        (
            "lock: packages reordered",
            Box::new(move |f: &mut Files| {
                edit(f, lock, |_| {
                    cargo_lock(&[("openssl", "0.8.0"), ("memchr", "2.7.4")])
                })
            }),
        ),
        (
            "lock: moved into a subdirectory",
            Box::new(move |f: &mut Files| rename(f, lock, "service/Cargo.lock")),
        ),
        (
            "lock: checksums added",
            Box::new(move |f: &mut Files| {
                edit(f, lock, |c| {
                    c.replace("crates.io-index\"\n", "crates.io-index\"\nchecksum = \"0000000000000000000000000000000000000000000000000000000000000000\"\n")
                })
            }),
        ),
        (
            "lock: comment header added",
            Box::new(move |f: &mut Files| {
                edit(f, lock, |c| {
                    format!(
                        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\n{c}"
                    )
                })
            }),
        ),
        (
            "lock: CRLF line endings",
            Box::new(move |f: &mut Files| edit(f, lock, |c| c.replace('\n', "\r\n"))),
        ),
        (
            "req: comment lines above",
            Box::new(move |f: &mut Files| {
                edit(f, req, |c| format!("# pinned\n# by pip-compile\n{c}"))
            }),
        ),
        (
            "req: requirements reordered",
            Box::new(move |f: &mut Files| {
                edit(f, req, |_| "Django==1.11.0\nrequests==2.31.0\n".into())
            }),
        ),
        (
            "req: moved to backend/",
            Box::new(move |f: &mut Files| rename(f, req, "backend/requirements.txt")),
        ),
        (
            "req: unrelated requirement added above",
            Box::new(move |f: &mut Files| edit(f, req, |c| format!("urllib3==2.2.2\n{c}"))),
        ),
        (
            "req: name in lower case",
            Box::new(move |f: &mut Files| edit(f, req, |c| c.replace("Django==", "django=="))),
        ),
        (
            "req: hashes appended (pip-compile style)",
            Box::new(move |f: &mut Files| {
                edit(f, req, |c| {
                    c.replace("Django==1.11.0", "Django==1.11.0 \\\n    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000")
                })
            }),
        ),
    ]
}

#[test]
fn fingerprints_survive_everyday_edits() {
    if git_missing() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("osv.db");
    let imported = run(bin()
        .arg("db")
        .arg("import")
        .arg(fixtures_osv())
        .arg("--db")
        .arg(&db));
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let db_arg = db.to_string_lossy().into_owned();
    let extra = ["--db", db_arg.as_str()];

    let cases = edit_cases();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let (mut kept, mut total) = (0usize, 0usize);
    let mut lost = Vec::new();
    for (name, apply) in &cases {
        let r = Repo::new();
        let mut files = base_files();
        for (p, c) in &files {
            r.write(p, c);
        }
        r.commit();
        let (_, before) = scan(&r.path, &extra);
        let before_fps = fingerprints(&before);
        assert!(before_fps.len() >= 5, "{name}: base findings {before}");
        for (p, _) in &files {
            r.remove(p);
        }
        apply(&mut files);
        for (p, c) in &files {
            r.write(p, c);
        }
        let (_, after) = scan(&r.path, &extra);
        let after_fps = fingerprints(&after);
        let (_, new) = scan(&r.path, &[&extra[..], &["--baseline-ref", "HEAD"]].concat());
        // What --baseline-ref reports as new is exactly what lost its identity.
        let new_fps = fingerprints(&new);
        assert_eq!(
            new_fps,
            after_fps
                .difference(&before_fps)
                .cloned()
                .collect::<BTreeSet<_>>(),
            "{name}"
        );
        total += before_fps.len();
        let k = before_fps.intersection(&after_fps).count();
        kept += k;
        if k < before_fps.len() {
            lost.push(format!("{name}: {} of {} kept", k, before_fps.len()));
        }
    }
    let ratio = kept as f64 / total as f64;
    eprintln!(
        "fingerprint robustness: {kept} of {total} findings kept their identity over {} edit cases ({:.1}%)",
        cases.len(),
        ratio * 100.0
    );
    for l in &lost {
        eprintln!("  lost: {l}");
    }
    assert!(ratio >= 0.95, "{:.1}% kept; lost: {lost:#?}", ratio * 100.0);
}

// ---- Reports through the command line ----

#[test]
fn html_report_of_the_demo_lists_every_finding_and_leaks_no_secret() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("report.html");
    let r = run(bin()
        .args([
            "scan",
            "--format",
            "html",
            "--group-by",
            "owner",
            "--output",
        ])
        .arg(&out)
        .arg(crate::common::demo()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let html = std::fs::read_to_string(&out).expect("report");
    let (_, json) = scan(&crate::common::demo(), &[]);
    let fps = fingerprints(&json);
    assert!(!fps.is_empty());
    for fp in &fps {
        assert!(html.contains(&format!("data-fp=\"{fp}\"")), "{fp} missing");
    }
    for s in crate::common::DEMO_SECRETS {
        assert!(
            !html.contains(crate::common::hidden_part(s)),
            "secret leaks"
        );
    }
    assert!(html.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"));
    assert!(html.contains("<option value=\"owner\" selected>"));
}

#[test]
fn markdown_report_through_the_command_line_fits_a_comment() {
    let r = run(bin()
        .args(["scan", "--format", "markdown", "--no-config"])
        .arg(crate::common::demo()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.starts_with("## palisade: "), "{}", r.stdout);
    assert!(r.stdout.chars().count() <= 65_536);
}
