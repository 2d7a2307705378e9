//! The findings store from the command line: `scan --store`, `triage …`, `import`.
//! SQLite here (the store crate's suite runs every behaviour on both backends); one test
//! also goes through PostgreSQL when `PALISADE_TEST_POSTGRES` is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{DEMO_SECRETS, Run, bin, demo, hidden_part, repo_root, run};

struct Env {
    _dir: tempfile::TempDir,
    tree: PathBuf,
    store: String,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

fn setup() -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("demo");
    copy_dir(&demo(), &tree);
    let store = dir.path().join("store/findings.db").display().to_string();
    Env {
        _dir: dir,
        tree,
        store,
    }
}

impl Env {
    fn cmd(&self, now: &str) -> Command {
        let mut c = bin();
        c.current_dir(&self.tree)
            .env("PALISADE_NOW", now)
            .env("PALISADE_USER", "ci@example.com")
            .env("PALISADE_STORE", &self.store)
            .env("PALISADE_DB", self.tree.join("no-such-osv.db"));
        c
    }

    fn scan(&self, now: &str) -> Run {
        run(self.cmd(now).args([
            "scan",
            "--no-progress",
            "--engines",
            "secrets",
            "--store",
            &self.store,
            "--repo",
            "acme/demo",
            "--branch",
            "main",
            "--commit",
            "0a1b2c3",
            ".",
        ]))
    }

    fn triage(&self, now: &str, args: &[&str]) -> Run {
        let r = run(self.cmd(now).arg("triage").args(args));
        assert_eq!(r.code, 0, "triage {args:?}: {}", r.stderr);
        r
    }

    fn list_json(&self, now: &str, args: &[&str]) -> Value {
        let mut a = vec!["list", "--format", "json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.triage(now, &a).stdout).expect("json")
    }
}

fn fingerprint_of(list: &Value, rule: &str) -> String {
    list["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .and_then(|f| f["fingerprint"].as_str())
        .unwrap_or_else(|| panic!("no {rule} in {list}"))
        .to_owned()
}

fn no_secrets(text: &str) {
    for s in DEMO_SECRETS {
        assert!(!text.contains(hidden_part(s)), "a secret leaked: {text}");
    }
}

#[test]
fn scan_triage_and_history() {
    let env = setup();
    let first = env.scan("2026-11-01");
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(
        first
            .stderr
            .contains("recorded palisade scan #1 of acme/demo (main)")
            && first
                .stderr
                .contains("4 new, 0 still open, 0 reopened, 0 fixed"),
        "{}",
        first.stderr
    );
    let list = env.triage("2026-11-02", &["list"]);
    no_secrets(&list.stdout);
    insta::assert_snapshot!("list_after_first_scan", list.stdout);

    let json = env.list_json("2026-11-02", &[]);
    let key = fingerprint_of(&json, "secrets/aws-secret-access-key");
    let pat = fingerprint_of(&json, "secrets/github-pat-classic");
    let password = fingerprint_of(&json, "secrets/generic-password");
    env.triage(
        "2026-11-02",
        &[
            "set",
            &key[..8],
            "--state",
            "accepted-risk",
            "--reason",
            "rotation scheduled",
            "--expires",
            "2026-11-20",
            "--by",
            "alice@example.com",
        ],
    );
    env.triage(
        "2026-11-02",
        &[
            "assign",
            &pat[..6],
            "--to",
            "bob@example.com",
            "--by",
            "alice@example.com",
        ],
    );
    env.triage(
        "2026-11-03",
        &[
            "set",
            &password,
            "--state",
            "false-positive",
            "--reason",
            "documentation example",
        ],
    );
    // The same PAT in two files is one finding: removed from one file, it stays open
    // (located in the other); removed from both, the next scan marks it fixed.
    std::fs::remove_file(env.tree.join("config/settings.py")).expect("rm");
    let moved = env.scan("2026-11-09");
    assert!(
        moved
            .stderr
            .contains("0 new, 4 still open, 0 reopened, 0 fixed"),
        "{}",
        moved.stderr
    );
    std::fs::remove_file(env.tree.join("src/client.js")).expect("rm");
    let second = env.scan("2026-11-10");
    assert!(
        second
            .stderr
            .contains("0 new, 3 still open, 0 reopened, 1 fixed"),
        "{}",
        second.stderr
    );
    let list = env.triage("2026-11-10", &["list"]);
    insta::assert_snapshot!("list_after_second_scan", list.stdout);
    let fixed = env.triage("2026-11-10", &["list", "--lifecycle", "fixed"]);
    assert!(
        fixed.stdout.contains("secrets/github-pat-classic")
            && fixed.stdout.contains("1 finding(s)"),
        "{}",
        fixed.stdout
    );
    // It comes back: reopened, still assigned.
    copy_dir(&demo().join("config"), &env.tree.join("config"));
    copy_dir(&demo().join("src"), &env.tree.join("src"));
    let third = env.scan("2026-11-12");
    assert!(third.stderr.contains("1 reopened"), "{}", third.stderr);
    // The accepted risk expires on the 20th; SLAs: critical 7 days.
    let later = env.list_json("2026-11-21", &["--overdue"]);
    let overdue: Vec<&str> = later["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        overdue,
        [
            "secrets/github-pat-classic",
            "secrets/aws-secret-access-key"
        ],
        "expired risk and the reopened PAT are overdue; the false positive is not"
    );
    let history = env.triage("2026-11-21", &["history", &key[..10]]);
    insta::assert_snapshot!("history_of_accepted_risk", history.stdout);
    let history = env.triage("2026-11-21", &["history", &pat]);
    insta::assert_snapshot!("history_of_reopened", history.stdout);
    // Filters.
    let mine = env.list_json("2026-11-21", &["--owner", "bob@example.com"]);
    assert_eq!(mine["total"], 1);
    let fp = env.list_json(
        "2026-11-21",
        &["--state", "false-positive", "--severity", "medium"],
    );
    assert_eq!(fp["total"], 1);
    assert_eq!(fp["findings"][0]["reason"], "documentation example");
    let none = env.list_json("2026-11-21", &["--repo", "other/repo"]);
    assert_eq!(none["total"], 0);
}

#[test]
fn sla_comes_from_palisade_toml() {
    let env = setup();
    env.scan("2026-11-01");
    std::fs::write(
        env.tree.join("palisade.toml"),
        "[triage.sla]\nmedium = 2\ncritical = 0\n",
    )
    .expect("write");
    let overdue = env.list_json("2026-11-04", &["--overdue"]);
    let rules: Vec<&str> = overdue["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        rules,
        ["secrets/generic-password"],
        "critical: no deadline; medium: 2 days"
    );
    std::fs::write(env.tree.join("palisade.toml"), "[triage.sla]\nurgent = 2\n").expect("write");
    let bad = run(env.cmd("2026-11-04").args(["triage", "list", "--overdue"]));
    assert_eq!(bad.code, 3);
    assert!(bad.stderr.contains("urgent"), "{}", bad.stderr);
}

#[test]
fn triage_errors_are_clear() {
    let env = setup();
    env.scan("2026-11-01");
    let r = run(env.cmd("2026-11-02").args([
        "triage",
        "set",
        "ffffffff",
        "--state",
        "confirmed",
        "--reason",
        "x",
    ]));
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("no finding matches `ffffffff`"),
        "{}",
        r.stderr
    );
    let r = run(env.cmd("2026-11-02").args([
        "triage",
        "set",
        "abc",
        "--state",
        "confirmed",
        "--reason",
        "x",
    ]));
    assert!(r.stderr.contains("at least 4 characters"), "{}", r.stderr);
    let json = env.list_json("2026-11-02", &[]);
    let fp = fingerprint_of(&json, "secrets/generic-password");
    let r = run(env.cmd("2026-11-02").args([
        "triage",
        "set",
        &fp,
        "--state",
        "accepted-risk",
        "--reason",
        "x",
        "--expires",
        "2026-10-01",
    ]));
    assert!(r.stderr.contains("not in the future"), "{}", r.stderr);
    let r = run(env.cmd("2026-11-02").args([
        "triage",
        "set",
        &fp,
        "--state",
        "confirmed",
        "--reason",
        "x",
        "--expires",
        "someday",
    ]));
    assert!(r.stderr.contains("`someday` is not a date"), "{}", r.stderr);
    let r = run(env
        .cmd("2026-11-02")
        .args(["triage", "list", "--state", "closed"]));
    assert!(
        r.stderr.contains("--state `closed` is not one of"),
        "{}",
        r.stderr
    );
    // Nothing changed.
    assert_eq!(env.list_json("2026-11-02", &[]), json);
}

fn fixture(tool: &str) -> String {
    repo_root()
        .join(format!(
            "crates/palisade-store/tests/fixtures/sarif/{tool}.sarif"
        ))
        .display()
        .to_string()
}

fn import(env: &Env, file: &str, extra: &[&str]) -> Run {
    run(env
        .cmd("2026-11-05")
        .args(["import", file, "--repo", "acme/demo", "--branch", "main"])
        .args(extra))
}

#[test]
fn imports_every_tool_and_deduplicates() {
    let env = setup();
    env.scan("2026-11-01");
    let r = import(&env, &fixture("gitleaks"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("recorded gitleaks scan #2 of acme/demo (main)")
            && r.stderr.contains(
                "0 new, 0 still open, 0 reopened, 0 fixed, 1 already reported by palisade"
            ),
        "{}",
        r.stderr
    );
    for tool in ["semgrep", "codeql", "trivy", "checkov", "zizmor"] {
        let r = import(&env, &fixture(tool), &[]);
        assert_eq!(r.code, 0, "{tool}: {}", r.stderr);
        assert!(r.stderr.contains("new"), "{tool}: {}", r.stderr);
    }
    let json = env.list_json("2026-11-06", &[]);
    let key = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "secrets/aws-access-key-id")
        .expect("palisade's finding");
    assert_eq!(key["also_found_by"], serde_json::json!(["gitleaks"]));
    let list = env.triage(
        "2026-11-06",
        &[
            "list",
            "--engine",
            "Trivy,Checkov,zizmor,CodeQL,Semgrep OSS",
        ],
    );
    insta::assert_snapshot!("list_of_imports", list.stdout);
    // Importing the same file again: the same findings, still open, none new.
    let again = import(&env, &fixture("trivy"), &[]);
    assert!(
        again.stderr.contains("0 new, 2 still open"),
        "{}",
        again.stderr
    );
    // Importing palisade's own SARIF is the same as recording the scan.
    let sarif = env.tree.join("../palisade.sarif");
    let r = run(env
        .cmd("2026-11-07")
        .args([
            "scan",
            "--no-progress",
            "--engines",
            "secrets",
            "-f",
            "sarif",
            "-o",
        ])
        .arg(&sarif)
        .arg("."));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = import(&env, &sarif.display().to_string(), &[]);
    assert!(
        r.stderr.contains("recorded palisade scan") && r.stderr.contains("0 new, 4 still open"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_imports_change_nothing() {
    let env = setup();
    env.scan("2026-11-01");
    let before = env.list_json("2026-11-02", &["--lifecycle", "new,open,fixed,reopened"]);
    let dir = env.tree.parent().expect("parent").to_path_buf();
    let cases: Vec<(String, &str, Vec<&str>)> = vec![
        ("{\"version\": \"2.1.0\", \"runs\": [".into(), "not valid SARIF 2.1.0", vec![]),
        ("{\"version\": \"2.0.0\", \"runs\": []}".into(), "`version` is `2.0.0`", vec![]),
        (
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r","message":{"text":"ok"}},{"message":{"text":"no rule"}}]}]}"#.into(),
            "runs[0].results[1]: no `ruleId`",
            vec![],
        ),
        (
            format!(r#"{{"version":"2.1.0","runs":[],"pad":"{}"}}"#, "x".repeat(4096)),
            "over the import limit of 2 KiB",
            vec!["--max-size", "2KiB"],
        ),
    ];
    for (i, (text, want, extra)) in cases.iter().enumerate() {
        let file = dir.join(format!("bad{i}.sarif"));
        std::fs::write(&file, text).expect("write");
        let r = import(&env, &file.display().to_string(), extra);
        assert_eq!(r.code, 3, "{want}: {}", r.stderr);
        assert!(
            r.stderr.contains(want) && r.stderr.contains("nothing was imported"),
            "{want}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("bad{i}.sarif")),
            "names the file: {}",
            r.stderr
        );
    }
    assert_eq!(
        env.list_json("2026-11-02", &["--lifecycle", "new,open,fixed,reopened"]),
        before
    );
}

#[test]
fn corrupted_or_newer_stores_are_refused() {
    let env = setup();
    let junk = env.tree.parent().expect("parent").join("junk.db");
    std::fs::write(&junk, "definitely not SQLite\n").expect("write");
    let r = run(env
        .cmd("2026-11-01")
        .args(["triage", "list", "--store"])
        .arg(&junk));
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("corrupted or not an SQLite database")
            && r.stderr.contains("left untouched"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&junk).expect("read"),
        "definitely not SQLite\n"
    );
    let r = run(env
        .cmd("2026-11-01")
        .args([
            "scan",
            "--no-progress",
            "--engines",
            "secrets",
            "--repo",
            "a",
            "--branch",
            "b",
            "--store",
        ])
        .arg(&junk)
        .arg("."));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("left untouched"), "{}", r.stderr);
}

#[test]
fn two_processes_record_at_once() {
    let env = setup();
    let spawn = |branch: &str| {
        env.cmd("2026-11-01")
            .args([
                "scan",
                "--no-progress",
                "--engines",
                "secrets",
                "--repo",
                "acme/demo",
                "--branch",
                branch,
                "--store",
                &env.store,
                ".",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let children: Vec<_> = (0..4).map(|i| spawn(&format!("b{i}"))).collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let all = env.list_json("2026-11-02", &[]);
    assert_eq!(all["total"], 16, "4 findings on each of 4 branches");
}

#[test]
fn repository_and_branch_from_git() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: `git` is not on the PATH");
        return;
    }
    let env = setup();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&env.tree)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "a")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "a")
            .env("GIT_COMMITTER_EMAIL", "a@example.com")
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "trunk"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "init"]);
    git(&[
        "remote",
        "add",
        "origin",
        "https://user:token@git.example.com/acme/demo.git",
    ]);
    let r = run(env.cmd("2026-11-01").env_remove("PALISADE_STORE").args([
        "scan",
        "--no-progress",
        "--engines",
        "secrets",
        "--store",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("of git.example.com/acme/demo (trunk)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("token"), "no credentials: {}", r.stderr);
    // The default store: .palisade/findings.db in the repository, ignored by git.
    assert!(env.tree.join(".palisade/findings.db").is_file());
    assert_eq!(
        std::fs::read_to_string(env.tree.join(".palisade/.gitignore")).expect("read"),
        "*\n"
    );
    let list = run(env
        .cmd("2026-11-01")
        .env_remove("PALISADE_STORE")
        .args(["triage", "list", "--format", "json"]));
    let json: Value = serde_json::from_str(&list.stdout).expect("json");
    assert_eq!(json["total"], 4);
    assert_eq!(json["findings"][0]["repo"], "git.example.com/acme/demo");
}

/// A PostgreSQL database created for one test and dropped after it.
struct OwnDatabase {
    admin: String,
    name: String,
    url: String,
}

impl OwnDatabase {
    fn create(base: &str) -> Self {
        let name = format!("palisade_cli_{}", std::process::id());
        let mut c =
            postgres::Client::connect(base, postgres::NoTls).expect("connect to PostgreSQL");
        // One statement per call: neither may run inside the implicit transaction of a batch.
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .expect("drop a leftover test database");
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database (the role needs CREATEDB)");
        let (head, _) = base.rsplit_once('/').expect("URL with a database");
        Self {
            admin: base.to_owned(),
            url: format!("{head}/{name}"),
            name,
        }
    }
}

impl Drop for OwnDatabase {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[test]
fn postgres_store_from_the_command_line() {
    let Some(base) = std::env::var("PALISADE_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PALISADE_TEST_POSTGRES is not set in CI (run .ci/setup-store.sh)"
        );
        eprintln!("skipped: PALISADE_TEST_POSTGRES is not set (run .ci/setup-store.sh)");
        return;
    };
    // A database of its own: the shared one may hold a store of another schema version
    // (a run of a newer branch migrates it, and this binary then rightly refuses it).
    let db = OwnDatabase::create(&base);
    let url = db.url.clone();
    let env = setup();
    // A repository name of its own as well.
    let repo = format!(
        "cli-test/{}-{}",
        std::process::id(),
        env.tree.display().to_string().len()
    );
    let r = run(env.cmd("2026-11-01").args([
        "scan",
        "--no-progress",
        "--engines",
        "secrets",
        "--repo",
        &repo,
        "--branch",
        "main",
        "--store",
        &url,
        ".",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("4 new") && !r.stderr.contains(":palisade@"),
        "password hidden: {}",
        r.stderr
    );
    let json = env.list_json("2026-11-02", &["--store", &url, "--repo", &repo]);
    assert_eq!(json["total"], 4);
    let fp = fingerprint_of(&json, "secrets/generic-password");
    env.triage(
        "2026-11-02",
        &[
            "set",
            &fp,
            "--store",
            &url,
            "--repo",
            &repo,
            "--state",
            "confirmed",
            "--reason",
            "real",
        ],
    );
    let json = env.list_json(
        "2026-11-02",
        &["--store", &url, "--repo", &repo, "--state", "confirmed"],
    );
    assert_eq!(json["total"], 1);
}

#[test]
fn html_report_charts_the_trend_from_the_store() {
    let env = setup();
    let html_scan = |now: &str, store: bool| -> String {
        let out = env.tree.join(format!("../report-{now}.html"));
        let mut c = env.cmd(now);
        c.args([
            "scan",
            "--no-progress",
            "--engines",
            "secrets",
            "--format",
            "html",
            "-o",
        ])
        .arg(&out);
        if store {
            c.args([
                "--store",
                &env.store,
                "--repo",
                "acme/demo",
                "--branch",
                "main",
            ]);
        }
        c.arg(".");
        let r = run(&mut c);
        assert!(r.code == 0 || r.code == 1, "scan: {}", r.stderr);
        std::fs::read_to_string(&out).expect("report")
    };
    // Without a store: no history, no chart.
    assert!(!html_scan("2026-11-01", false).contains("Open findings over time"));
    let first = html_scan("2026-11-01", true);
    assert!(
        first.contains("Open findings over time"),
        "one scan, one point"
    );
    assert!(first.contains(">2026-11-01</text>"));
    // Another scan on another branch is not part of main's trend.
    run(env.cmd("2026-11-02").args([
        "scan",
        "--no-progress",
        "--engines",
        "secrets",
        "--store",
        &env.store,
        "--repo",
        "acme/demo",
        "--branch",
        "dev",
        "-o",
        "/dev/null",
        ".",
    ]));
    let open = env.list_json("2026-11-03", &["--repo", "acme/demo", "--branch", "main"]);
    let total = open["total"].as_u64().expect("total");
    assert!(total > 0);
    let third = html_scan("2026-11-03", true);
    let chart = third
        .split("Open findings over time")
        .nth(1)
        .and_then(|s| s.split("</svg>").next())
        .expect("a trend chart");
    // Two days of main: the first and the last date label, and nothing of 2026-11-02.
    assert!(chart.contains(">2026-11-01</text>"), "{chart}");
    assert!(chart.contains(">2026-11-03</text>"), "{chart}");
    assert!(!chart.contains("2026-11-02"), "{chart}");
    // The y axis tops at the largest count of one severity, at most the open total.
    let max: u64 = chart
        .split("<text x=\"0\" y=\"20\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|s| s.parse().ok())
        .expect("y axis maximum");
    assert!(max > 0 && max <= total, "{max} of {total}");
}
