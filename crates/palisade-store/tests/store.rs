//! One suite, every test against both backends: SQLite (a temporary file) and PostgreSQL
//! (a fresh database per test on the server of `PALISADE_TEST_POSTGRES`; `.ci/setup-store.sh`
//! starts one). Without that variable the PostgreSQL half is skipped with a message,
//! except in CI (`CI=true`), where it fails.

use std::sync::atomic::{AtomicUsize, Ordering};

use palisade_store::{
    Error, Filter, Lifecycle, NewFinding, ScanMeta, Severity, Sla, Store, Target, TriageState,
};

const DAY: i64 = 86_400;
const T0: i64 = 1_790_000_000;

/// A PostgreSQL database that lives as long as the test.
struct PgDb {
    admin: String,
    name: String,
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn pg_url() -> Option<String> {
    match std::env::var("PALISADE_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PALISADE_TEST_POSTGRES is not set in CI: run .ci/setup-store.sh and export its output"
            );
            eprintln!(
                "skipping the PostgreSQL backend: PALISADE_TEST_POSTGRES is not set (run .ci/setup-store.sh)"
            );
            None
        }
    }
}

fn fresh_pg(base: &str) -> (String, PgDb) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "palisade_t_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let mut c = postgres::Client::connect(base, postgres::NoTls).expect("connect to PostgreSQL");
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create test database (the role needs CREATEDB)");
    let (head, _) = base.rsplit_once('/').expect("URL with a database");
    let url = format!("{head}/{name}");
    (
        url,
        PgDb {
            admin: base.to_owned(),
            name,
        },
    )
}

/// Runs `test` once per backend with a new, empty store URL.
fn each_backend(test: impl Fn(&str, &str)) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sub/findings.db");
    test("sqlite", path.to_str().expect("utf-8"));
    if let Some(base) = pg_url() {
        let (url, _guard) = fresh_pg(&base);
        test("postgres", &url);
    }
}

fn meta(repo: &str, branch: &str, time: i64) -> ScanMeta {
    ScanMeta {
        repo: repo.into(),
        branch: branch.into(),
        commit: Some("0123abcd".into()),
        tool: "palisade".into(),
        tool_version: "0.1.0".into(),
        time,
        by: "ci@example.com".into(),
        source: None,
    }
}

fn finding(fp: &str, sev: Severity) -> NewFinding {
    NewFinding {
        fingerprint: fp.into(),
        rule: format!("secrets/rule-{}", &fp[..1]),
        severity: sev,
        message: format!("finding {fp}"),
        path: format!("src/{fp}.py"),
        line: 3,
        evidence: palisade_store::evidence_hash(&format!("token = {fp}")),
        cwe: vec![798],
        owners: vec!["@org/app".into()],
    }
}

fn fps(list: &[palisade_store::StoredFinding]) -> Vec<(String, &'static str)> {
    let mut v: Vec<(String, &'static str)> = list
        .iter()
        .map(|f| (f.fingerprint.clone(), f.lifecycle.as_str()))
        .collect();
    v.sort();
    v
}

fn all(store: &mut Store, now: i64) -> Vec<palisade_store::StoredFinding> {
    let filter = Filter {
        lifecycles: Lifecycle::ALL.to_vec(),
        ..Filter::default()
    };
    store.list(&filter, now).expect("list").0
}

fn target(fp: &str) -> Target {
    Target {
        repo: "org/app".into(),
        fingerprint: fp.into(),
    }
}

#[test]
fn lifecycle_new_open_fixed_reopened() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let a = finding("aaaa1111", Severity::High);
        let b = finding("bbbb2222", Severity::Low);
        let c = finding("cccc3333", Severity::Critical);
        let s1 = s
            .record_scan(&meta("org/app", "main", T0), &[a.clone(), b.clone()], false)
            .expect("scan 1");
        assert_eq!(
            (s1.new, s1.open, s1.fixed, s1.reopened),
            (2, 0, 0, 0),
            "{name}"
        );
        let s2 = s
            .record_scan(
                &meta("org/app", "main", T0 + DAY),
                &[a.clone(), c.clone()],
                false,
            )
            .expect("scan 2");
        assert_eq!(
            (s2.new, s2.open, s2.fixed, s2.reopened),
            (1, 1, 1, 0),
            "{name}"
        );
        assert_eq!(
            fps(&all(&mut s, T0 + DAY)),
            vec![
                ("aaaa1111".into(), "open"),
                ("bbbb2222".into(), "fixed"),
                ("cccc3333".into(), "new")
            ],
            "{name}"
        );
        let s3 = s
            .record_scan(
                &meta("org/app", "main", T0 + 2 * DAY),
                &[a.clone(), b.clone()],
                false,
            )
            .expect("scan 3");
        assert_eq!(
            (s3.new, s3.open, s3.fixed, s3.reopened),
            (0, 1, 1, 1),
            "{name}"
        );
        let now = all(&mut s, T0 + 2 * DAY);
        assert_eq!(
            fps(&now),
            vec![
                ("aaaa1111".into(), "open"),
                ("bbbb2222".into(), "reopened"),
                ("cccc3333".into(), "fixed")
            ],
            "{name}"
        );
        // The default listing hides what is fixed; nothing was deleted.
        let (open, total) = s.list(&Filter::default(), T0 + 2 * DAY).expect("list");
        assert_eq!((open.len(), total), (2, 2), "{name}");
        // Another branch has its own lifecycle.
        let f = s
            .record_scan(
                &meta("org/app", "feature", T0 + 2 * DAY),
                std::slice::from_ref(&c),
                false,
            )
            .expect("feature");
        assert_eq!((f.new, f.fixed), (1, 0), "{name}");
        let scans = s.scans(Some("org/app"), 10).expect("scans");
        assert_eq!(scans.len(), 4, "{name}");
        assert_eq!(scans[0].branch, "feature");
        // The history of b: new, fixed, reopened, each by the scan that changed it.
        let h = s.history(&target("bbbb2222")).expect("history");
        let actions: Vec<String> = h
            .iter()
            .map(|e| format!("{}:{}", e.action, e.new_value.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            actions,
            ["lifecycle:new", "lifecycle:fixed", "lifecycle:reopened"],
            "{name}"
        );
    });
}

#[test]
fn decisions_survive_scans_and_reach_other_branches() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let a = finding("aaaa1111", Severity::High);
        s.record_scan(
            &meta("org/app", "main", T0),
            std::slice::from_ref(&a),
            false,
        )
        .expect("scan");
        let t = s.resolve("aaaa", None).expect("resolve");
        s.set_state(
            std::slice::from_ref(&t),
            TriageState::FalsePositive,
            "test fixture",
            None,
            "alice@example.com",
            T0 + 10,
        )
        .expect("set");
        s.assign(&t, "bob@example.com", "alice@example.com", T0 + 20)
            .expect("assign");
        // Later scans keep the decision (the finding moved lines: same fingerprint).
        let mut moved = a.clone();
        moved.line = 40;
        s.record_scan(&meta("org/app", "main", T0 + DAY), &[moved.clone()], false)
            .expect("scan 2");
        s.record_scan(&meta("org/app", "feature", T0 + DAY), &[moved], false)
            .expect("feature scan");
        let rows = s.get(&t).expect("get");
        assert_eq!(rows.len(), 2, "{name}");
        for r in &rows {
            assert_eq!(r.state, TriageState::FalsePositive, "{name} {}", r.branch);
            assert_eq!(r.reason.as_deref(), Some("test fixture"));
            assert_eq!(r.assignee.as_deref(), Some("bob@example.com"));
            assert_eq!(r.line, 40);
        }
        let h = s.history(&t).expect("history");
        let who: Vec<(String, String)> = h
            .iter()
            .filter(|e| e.action != "lifecycle")
            .map(|e| (e.action.clone(), e.actor.clone()))
            .collect();
        assert_eq!(
            who,
            [
                ("state".to_string(), "alice@example.com".to_string()),
                ("assign".to_string(), "alice@example.com".to_string())
            ],
            "{name}"
        );
        // Filters.
        let by_state = Filter {
            states: vec![TriageState::FalsePositive],
            ..Filter::default()
        };
        assert_eq!(s.list(&by_state, T0 + DAY).expect("list").1, 2, "{name}");
        let by_owner = Filter {
            owner: Some("bob@example.com".into()),
            branch: Some("main".into()),
            ..Filter::default()
        };
        assert_eq!(s.list(&by_owner, T0 + DAY).expect("list").1, 1, "{name}");
        let by_team = Filter {
            owner: Some("@org/app".into()),
            ..Filter::default()
        };
        assert_eq!(s.list(&by_team, T0 + DAY).expect("list").1, 2, "{name}");
        let nobody = Filter {
            owner: Some("@org".into()),
            ..Filter::default()
        };
        assert_eq!(s.list(&nobody, T0 + DAY).expect("list").1, 0, "{name}");
    });
}

#[test]
fn accepted_risk_reopens_when_it_expires() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        s.record_scan(
            &meta("org/app", "main", T0),
            &[finding("aaaa1111", Severity::Medium)],
            false,
        )
        .expect("scan");
        let t = target("aaaa1111");
        let err = s
            .set_state(
                std::slice::from_ref(&t),
                TriageState::AcceptedRisk,
                "later",
                Some(T0 - 1),
                "alice",
                T0,
            )
            .expect_err("past expiry");
        assert!(err.to_string().contains("not in the future"), "{err}");
        s.set_state(
            std::slice::from_ref(&t),
            TriageState::AcceptedRisk,
            "compensating control",
            Some(T0 + 30 * DAY),
            "alice",
            T0,
        )
        .expect("accept");
        assert_eq!(s.expire_risks(T0 + 29 * DAY).expect("expire"), 0, "{name}");
        assert_eq!(s.get(&t).expect("get")[0].state, TriageState::AcceptedRisk);
        // A scan after the expiry reopens it too.
        s.record_scan(
            &meta("org/app", "main", T0 + 31 * DAY),
            &[finding("aaaa1111", Severity::Medium)],
            false,
        )
        .expect("scan");
        let row = &s.get(&t).expect("get")[0];
        assert_eq!(row.state, TriageState::Open, "{name}");
        let last = s.history(&t).expect("history").pop().expect("an entry");
        assert_eq!(last.actor, "palisade");
        assert_eq!(last.reason.as_deref(), Some("the risk acceptance expired"));
        assert_eq!(
            last.old_value.as_deref(),
            Some("accepted-risk until 2026-10-21")
        );
    });
}

#[test]
fn marked_fixed_but_seen_again_reopens() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let a = finding("aaaa1111", Severity::High);
        s.record_scan(
            &meta("org/app", "main", T0),
            std::slice::from_ref(&a),
            false,
        )
        .expect("scan");
        s.set_state(
            &[target("aaaa1111")],
            TriageState::Fixed,
            "rotated",
            None,
            "alice",
            T0 + 1,
        )
        .expect("set");
        s.record_scan(&meta("org/app", "main", T0 + DAY), &[a], false)
            .expect("scan");
        assert_eq!(
            s.get(&target("aaaa1111")).expect("get")[0].state,
            TriageState::Open,
            "{name}"
        );
    });
}

#[test]
fn fingerprints_by_unique_prefix() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        s.record_scan(
            &meta("org/app", "main", T0),
            &[
                finding("abcd1111", Severity::High),
                finding("abcd2222", Severity::High),
            ],
            false,
        )
        .expect("scan");
        s.record_scan(
            &meta("org/lib", "main", T0),
            &[finding("abcd1111", Severity::High)],
            false,
        )
        .expect("scan");
        assert!(
            matches!(s.resolve("abcd", None), Err(Error::Ambiguous { .. })),
            "{name}"
        );
        assert!(
            matches!(s.resolve("abcd1", None), Err(Error::Ambiguous { .. })),
            "{name}"
        );
        assert_eq!(
            s.resolve("abcd1", Some("org/lib")).expect("one").repo,
            "org/lib"
        );
        assert_eq!(
            s.resolve("abcd2", None).expect("one").fingerprint,
            "abcd2222"
        );
        assert!(
            matches!(s.resolve("ffff", None), Err(Error::NoMatch(_))),
            "{name}"
        );
        assert!(
            matches!(s.resolve("ab", None), Err(Error::Invalid(_))),
            "{name}"
        );
        // LIKE wildcards are not wildcards here.
        assert!(
            matches!(s.resolve("abc%", None), Err(Error::NoMatch(_))),
            "{name}"
        );
    });
}

#[test]
fn overdue_by_severity_sla() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        s.record_scan(
            &meta("org/app", "main", T0),
            &[
                finding("c0000001", Severity::Critical),
                finding("h0000001", Severity::High),
                finding("m0000001", Severity::Medium),
                finding("i0000001", Severity::Info),
            ],
            false,
        )
        .expect("scan");
        let overdue = |s: &mut Store, sla: Sla, days: i64| {
            let f = Filter {
                overdue: Some(sla),
                ..Filter::default()
            };
            let mut v: Vec<String> = s
                .list(&f, T0 + days * DAY)
                .expect("list")
                .0
                .into_iter()
                .map(|f| f.fingerprint)
                .collect();
            v.sort();
            v
        };
        assert!(overdue(&mut s, Sla::default(), 6).is_empty(), "{name}");
        assert_eq!(overdue(&mut s, Sla::default(), 8), ["c0000001"], "{name}");
        assert_eq!(
            overdue(&mut s, Sla::default(), 31),
            ["c0000001", "h0000001"]
        );
        let strict = Sla {
            medium: Some(1),
            ..Sla::default()
        };
        assert_eq!(overdue(&mut s, strict, 2), ["m0000001"]);
        // Triaged findings are not overdue.
        s.set_state(
            &[target("c0000001")],
            TriageState::FalsePositive,
            "test",
            None,
            "a",
            T0,
        )
        .expect("set");
        assert_eq!(overdue(&mut s, Sla::default(), 8), Vec::<String>::new());
    });
}

#[test]
fn list_filters_and_limit() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let mut imported = finding("dddd4444", Severity::High);
        imported.rule = "generic.secrets.aws".into();
        s.record_scan(
            &meta("org/app", "main", T0),
            &[
                finding("aaaa1111", Severity::High),
                finding("bbbb2222", Severity::Low),
                finding("cccc3333", Severity::Critical),
            ],
            false,
        )
        .expect("scan");
        let mut other = meta("org/app", "main", T0);
        other.tool = "semgrep".into();
        s.record_scan(&other, &[imported], false).expect("import");
        let (first, total) = s
            .list(
                &Filter {
                    limit: 2,
                    ..Filter::default()
                },
                T0,
            )
            .expect("list");
        assert_eq!(total, 4, "{name}");
        assert_eq!(
            first
                .iter()
                .map(|f| f.fingerprint.as_str())
                .collect::<Vec<_>>(),
            ["cccc3333", "aaaa1111"],
            "worst first, {name}"
        );
        let sev = Filter {
            severities: vec![Severity::High],
            ..Filter::default()
        };
        assert_eq!(s.list(&sev, T0).expect("list").1, 2);
        let eng = Filter {
            engines: vec!["semgrep".into()],
            ..Filter::default()
        };
        assert_eq!(s.list(&eng, T0).expect("list").0[0].fingerprint, "dddd4444");
        let rule = Filter {
            rules: vec!["secrets/rule-b".into()],
            ..Filter::default()
        };
        assert_eq!(s.list(&rule, T0).expect("list").1, 1);
        // A semgrep run does not mark palisade's findings fixed, nor the reverse.
        s.record_scan(
            &meta("org/app", "main", T0 + DAY),
            &[finding("aaaa1111", Severity::High)],
            false,
        )
        .expect("scan");
        let fixed = Filter {
            lifecycles: vec![Lifecycle::Fixed],
            ..Filter::default()
        };
        let mut f: Vec<String> = s
            .list(&fixed, T0)
            .expect("list")
            .0
            .into_iter()
            .map(|f| f.fingerprint)
            .collect();
        f.sort();
        assert_eq!(f, ["bbbb2222", "cccc3333"], "{name}");
    });
}

#[test]
fn imports_deduplicate_against_palisade_findings() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let own = finding("aaaa1111", Severity::High);
        s.record_scan(
            &meta("org/app", "main", T0),
            std::slice::from_ref(&own),
            false,
        )
        .expect("scan");
        let mut m = meta("org/app", "main", T0 + 1);
        m.tool = "gitleaks".into();
        // Same place, CWE and evidence: the same finding. Other line: a new one.
        let mut same = own.clone();
        same.fingerprint = "9999aaaa".into();
        same.rule = "aws-access-token".into();
        let mut elsewhere = same.clone();
        elsewhere.fingerprint = "9999bbbb".into();
        elsewhere.line = 9;
        let mut other_evidence = same.clone();
        other_evidence.fingerprint = "9999cccc".into();
        other_evidence.evidence = palisade_store::evidence_hash("something else");
        let sums = s
            .record_scans(&[(m, vec![same, elsewhere, other_evidence])], true)
            .expect("import");
        assert_eq!((sums[0].deduplicated, sums[0].new), (1, 2), "{name}");
        let row = &s.get(&target("aaaa1111")).expect("get")[0];
        assert_eq!(row.also_found_by, ["gitleaks"], "{name}");
        assert_eq!(
            row.lifecycle,
            Lifecycle::New,
            "palisade's lifecycle is untouched"
        );
    });
}

#[test]
fn failed_recording_changes_nothing() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        s.record_scan(
            &meta("org/app", "main", T0),
            &[finding("aaaa1111", Severity::High)],
            false,
        )
        .expect("scan");
        let before = all(&mut s, T0);
        // The second run is invalid: the first must not be stored either.
        let good = (
            meta("org/app", "main", T0 + 1),
            vec![finding("bbbb2222", Severity::Low)],
        );
        let bad = (meta("", "main", T0 + 1), vec![]);
        assert!(s.record_scans(&[good, bad], true).is_err(), "{name}");
        assert_eq!(all(&mut s, T0), before, "{name}");
        assert_eq!(s.scans(None, 10).expect("scans").len(), 1, "{name}");
    });
}

#[test]
fn newer_schema_is_refused() {
    each_backend(|name, url| {
        drop(Store::open(url).expect("create"));
        let bump = "UPDATE palisade_meta SET value = '999' WHERE key = 'schema_version'";
        if name == "sqlite" {
            let c = rusqlite::Connection::open(url).expect("raw open");
            c.execute(bump, []).expect("bump");
        } else {
            let mut c = postgres::Client::connect(url, postgres::NoTls).expect("raw connect");
            c.batch_execute(bump).expect("bump");
        }
        let err = Store::open(url).err().expect("refused");
        assert!(
            matches!(err, Error::NewerSchema { found: 999, .. }),
            "{name}: {err}"
        );
        assert!(err.to_string().contains("upgrade palisade"), "{err}");
    });
}

#[test]
fn foreign_databases_are_not_taken_over() {
    each_backend(|name, url| {
        let other = "CREATE TABLE findings (x INTEGER)";
        if name == "sqlite" {
            if let Some(dir) = std::path::Path::new(url).parent() {
                std::fs::create_dir_all(dir).expect("dir");
            }
            let c = rusqlite::Connection::open(url).expect("raw open");
            c.execute(other, []).expect("create");
        } else {
            let mut c = postgres::Client::connect(url, postgres::NoTls).expect("raw connect");
            c.batch_execute(other).expect("create");
        }
        let err = Store::open(url).err().expect("refused");
        assert!(matches!(err, Error::NotAStore { .. }), "{name}: {err}");
    });
}

#[test]
fn corrupted_sqlite_is_reported_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Not a database at all.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database, and it is mine\n").expect("write");
    let err = Store::open(junk.to_str().expect("utf-8"))
        .err()
        .expect("refused");
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(
        std::fs::read(&junk).expect("read"),
        b"this is not a database, and it is mine\n"
    );
    // A real store with its pages overwritten.
    let db = dir.path().join("findings.db");
    {
        let mut s = Store::open(db.to_str().expect("utf-8")).expect("create");
        s.record_scan(
            &meta("org/app", "main", T0),
            &[finding("aaaa1111", Severity::High)],
            false,
        )
        .expect("scan");
    }
    let mut bytes = std::fs::read(&db).expect("read");
    for b in bytes.iter_mut().skip(100) {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).expect("write");
    let _ = std::fs::remove_file(dir.path().join("findings.db-wal"));
    let _ = std::fs::remove_file(dir.path().join("findings.db-shm"));
    let err = Store::open(db.to_str().expect("utf-8"))
        .err()
        .expect("refused");
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), bytes, "not overwritten");
}

#[test]
fn concurrent_scans_lose_nothing() {
    each_backend(|name, url| {
        drop(Store::open(url).expect("create"));
        let per_scan = 300usize;
        let scans = 8usize;
        std::thread::scope(|scope| {
            for worker in 0..2usize {
                scope.spawn(move || {
                    // Each worker its own connection, as two processes would have.
                    let mut s = Store::open(url).expect("open");
                    for i in 0..scans {
                        // Both write the same repository: own branch, and a shared one.
                        let branch = if i % 2 == 0 {
                            format!("w{worker}")
                        } else {
                            "shared".into()
                        };
                        let findings: Vec<NewFinding> = (0..per_scan)
                            .map(|j| finding(&format!("{worker}{j:07}"), Severity::Medium))
                            .collect();
                        let mut m = meta("org/app", &branch, T0 + i as i64);
                        m.tool = format!("tool{worker}");
                        s.record_scan(&m, &findings, false).expect("record");
                    }
                });
            }
        });
        let mut s = Store::open(url).expect("open");
        assert_eq!(
            s.scans(None, 100).expect("scans").len(),
            2 * scans,
            "{name}"
        );
        let rows = all(&mut s, T0);
        // Per worker: its own branch and the shared one, each with every finding.
        assert_eq!(rows.len(), 2 * 2 * per_scan, "{name}");
        assert!(
            rows.iter().all(|r| r.lifecycle != Lifecycle::Fixed),
            "{name}"
        );
        for w in 0..2 {
            let f = Filter {
                branch: Some(format!("w{w}")),
                ..Filter::default()
            };
            assert_eq!(s.list(&f, T0).expect("list").1, per_scan as u64, "{name}");
        }
    });
}

/// Every tool shape: what palisade reads from it (one line per result).
#[test]
fn sarif_of_every_tool() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif");
    let mut out = String::new();
    for tool in [
        "semgrep", "codeql", "trivy", "checkov", "gitleaks", "zizmor",
    ] {
        let path = dir.join(format!("{tool}.sarif"));
        let bytes = std::fs::read(&path).expect("fixture");
        let runs = palisade_store::sarif::parse(&bytes, &format!("{tool}.sarif")).expect(tool);
        // Parsing twice gives the same identities.
        assert_eq!(
            runs,
            palisade_store::sarif::parse(&bytes, tool).expect(tool)
        );
        for run in runs {
            out.push_str(&format!("{} {}\n", run.tool, run.tool_version));
            for f in run.findings {
                out.push_str(&format!(
                    "  {} {} {} {}:{} cwe={:?} evidence={} {}\n",
                    &f.fingerprint[..12],
                    f.severity,
                    f.rule,
                    f.path,
                    f.line,
                    f.cwe,
                    f.evidence.is_some(),
                    f.message
                ));
            }
        }
    }
    insta::assert_snapshot!(out);
}

/// Runs `sql` on the store at `url` without palisade (to write an old schema's rows).
fn raw(name: &str, url: &str, sql: &str) {
    if name == "sqlite" {
        let c = rusqlite::Connection::open(url).expect("raw open");
        c.execute_batch(sql).expect("raw sql");
    } else {
        let mut c = postgres::Client::connect(url, postgres::NoTls).expect("raw connect");
        c.batch_execute(sql).expect("raw sql");
    }
}

fn by_owner(s: &mut Store, owner: &str) -> Vec<String> {
    let filter = Filter {
        owner: Some(owner.into()),
        ..Filter::default()
    };
    let (rows, total) = s.list(&filter, T0 + 9 * DAY).expect("list");
    assert_eq!(rows.len() as u64, total);
    let mut v: Vec<String> = rows.into_iter().map(|f| f.fingerprint).collect();
    v.sort();
    v
}

#[test]
fn migrates_from_version_1_with_owner_rows() {
    each_backend(|name, url| {
        drop(Store::open_at_version(url, 1).expect("version 1"));
        raw(
            name,
            url,
            "INSERT INTO findings (repo, branch, fingerprint, tool, rule, engine, severity, message, path, line, cwe, owners, lifecycle, first_seen, last_seen, first_scan, last_scan) VALUES \
             ('org/app', 'main', 'aaaa1111', 'palisade', 'secrets/x', 'secrets', 3, 'm', 'a.py', 1, '', ',@org/app,@org/sec,', 'open', 1790000000, 1790000000, 1, 1), \
             ('org/app', 'main', 'bbbb2222', 'palisade', 'secrets/x', 'secrets', 3, 'm', 'b.py', 1, '', '', 'new', 1790000000, 1790000000, 1, 1);",
        );
        let mut s = Store::open(url).expect("migrated");
        assert_eq!(by_owner(&mut s, "@org/sec"), ["aaaa1111"], "{name}");
        assert_eq!(by_owner(&mut s, "@org/app"), ["aaaa1111"], "{name}");
        assert!(by_owner(&mut s, "@org/none").is_empty(), "{name}");
        assert_eq!(all(&mut s, T0).len(), 2, "{name}");
        drop(s);
        // Opening again does not migrate again (the version is recorded).
        let mut s = Store::open(url).expect("reopened");
        assert_eq!(by_owner(&mut s, "@org/app"), ["aaaa1111"], "{name}");
        assert!(s.trend("org/app", "main", 10).expect("trend").is_empty());
    });
}

#[test]
fn owner_rows_follow_the_scans_and_assignments() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let mut a = finding("aaaa1111", Severity::High);
        a.owners = vec!["@org/app".into(), "@org/sec".into()];
        let mut b = finding("bbbb2222", Severity::Low);
        b.owners = vec![];
        // A LIKE pattern character in an owner is an ordinary character.
        let mut c = finding("cccc3333", Severity::Low);
        c.owners = vec!["a_b%".into()];
        s.record_scan(
            &meta("org/app", "main", T0),
            &[a.clone(), b.clone(), c],
            false,
        )
        .expect("scan");
        assert_eq!(by_owner(&mut s, "@org/sec"), ["aaaa1111"], "{name}");
        assert_eq!(by_owner(&mut s, "a_b%"), ["cccc3333"], "{name}");
        assert!(by_owner(&mut s, "aXbY").is_empty(), "{name}");
        // CODEOWNERS changed: a moved to @org/web, b got an owner.
        a.owners = vec!["@org/web".into()];
        b.owners = vec!["@org/sec".into()];
        s.record_scan(&meta("org/app", "main", T0 + DAY), &[a, b], false)
            .expect("scan");
        assert_eq!(by_owner(&mut s, "@org/sec"), ["bbbb2222"], "{name}");
        assert_eq!(by_owner(&mut s, "@org/web"), ["aaaa1111"], "{name}");
        assert!(by_owner(&mut s, "@org/app").is_empty(), "{name}");
        // Fixed findings are not listed by default, even for their owner.
        assert!(by_owner(&mut s, "a_b%").is_empty(), "{name}");
        // The assignee counts as an owner.
        s.assign(&target("bbbb2222"), "dev@example.com", "lead", T0 + DAY)
            .expect("assign");
        assert_eq!(by_owner(&mut s, "dev@example.com"), ["bbbb2222"], "{name}");
    });
}

#[test]
fn trend_counts_what_each_scan_left_open() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        s.record_scan(
            &meta("org/app", "main", T0),
            &[
                finding("aaaa1111", Severity::Critical),
                finding("bbbb2222", Severity::High),
                finding("cccc3333", Severity::High),
            ],
            false,
        )
        .expect("scan");
        // Another branch has its own trend.
        s.record_scan(
            &meta("org/app", "dev", T0),
            &[finding("dddd4444", Severity::Low)],
            false,
        )
        .expect("scan");
        s.set_state(
            &[target("cccc3333")],
            TriageState::FalsePositive,
            "test data",
            None,
            "lead",
            T0 + 1,
        )
        .expect("triage");
        s.record_scan(
            &meta("org/app", "main", T0 + DAY),
            &[
                finding("bbbb2222", Severity::High),
                finding("cccc3333", Severity::High),
                finding("eeee5555", Severity::Medium),
            ],
            false,
        )
        .expect("scan");
        let t = s.trend("org/app", "main", 10).expect("trend");
        let got: Vec<(i64, [u64; 5])> = t.iter().map(|p| (p.time, p.counts)).collect();
        assert_eq!(
            got,
            [(T0, [0, 0, 0, 2, 1]), (T0 + DAY, [0, 0, 1, 1, 0])],
            "{name}: info first; a false positive is not open"
        );
        let last = s.trend("org/app", "main", 1).expect("trend");
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].time, T0 + DAY, "{name}: the newest scans");
        let dev = s.trend("org/app", "dev", 10).expect("trend");
        assert_eq!(dev.len(), 1);
        assert_eq!(dev[0].counts, [0, 1, 0, 0, 0], "{name}");
    });
}

// ---------------------------------------------------------------------------------------
// Schema version 3: what `palisade serve` keeps.

const SECRET: &str = "pst_0123456789abcdefghijklmnopqrstuv";

#[test]
fn projects_and_tokens_hashed_scoped_revocable() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let p = s
            .create_project("github.com/org/app", "admin", T0)
            .expect("create");
        let again = s
            .create_project("github.com/org/app", "other", T0 + 1)
            .expect("again");
        assert_eq!(p, again, "{name}: creating twice returns the first");
        assert!(s.create_project("../etc", "admin", T0).is_err(), "{name}");
        let q = s
            .create_project("github.com/org/other", "admin", T0)
            .expect("create");
        let id = s.add_token(p.id, SECRET, "ci", "admin", T0).expect("token");
        assert!(
            s.add_token(p.id, "short", "ci", "admin", T0).is_err(),
            "{name}"
        );
        let (tid, tp) = s.check_token(SECRET).expect("check").expect("valid");
        assert_eq!(
            (tid, tp.name.as_str()),
            (id, "github.com/org/app"),
            "{name}"
        );
        assert!(
            s.check_token("pst_wrong").expect("check").is_none(),
            "{name}"
        );
        // Only the hash is stored.
        let listed = s.tokens(Some(p.id)).expect("tokens");
        assert_eq!(listed.len(), 1, "{name}");
        assert!(s.tokens(Some(q.id)).expect("tokens").is_empty(), "{name}");
        assert!(s.revoke_token(id, T0 + 5).expect("revoke"), "{name}");
        assert!(!s.revoke_token(id, T0 + 6).expect("revoke twice"), "{name}");
        assert!(
            s.check_token(SECRET).expect("check").is_none(),
            "{name}: revoked"
        );
        assert_eq!(
            s.tokens(None).expect("all")[0].revoked_at,
            Some(T0 + 5),
            "{name}"
        );
    });
}

#[test]
fn uploads_are_idempotent_and_record_like_the_cli() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let p = s.create_project("org/app", "admin", T0).expect("create");
        let scans = vec![(
            meta("org/app", "main", T0),
            vec![
                finding("aaaa1111", Severity::High),
                finding("bbbb2222", Severity::Low),
            ],
        )];
        let comps = vec![palisade_store::NewComponent {
            purl: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into(),
            name: "log4j-core".into(),
            version: "2.14.1".into(),
            ecosystem: "maven".into(),
        }];
        let up = palisade_store::Upload {
            project: p.id,
            idem_key: "key-1",
            token: None,
            format: "palisade-json",
            bytes: 100,
            scans: &scans,
            components: Some(("main", &comps)),
            dedup: true,
            details: &[palisade_store::FindingDetail {
                fingerprint: "aaaa1111".into(),
                snippet_line: Some(2),
                snippet: Some("a\ntoken = aaaa1111\n".into()),
                trace: vec!["src/in.py:1".into(), "src/aaaa1111.py:3".into()],
                fix: None,
            }],
            now: T0,
        };
        let first = s
            .upload(&up, |id, sums| format!("{id}:{}", sums[0].new))
            .expect("upload");
        assert!(!first.replayed, "{name}");
        assert!(first.response.ends_with(":2"), "{name}: {}", first.response);
        let second = s.upload(&up, |_, _| "never".into()).expect("again");
        assert!(second.replayed, "{name}");
        assert_eq!(second.response, first.response, "{name}");
        assert_eq!(s.upload_count(None).expect("count"), 1, "{name}");
        let d = s
            .detail("org/app", "aaaa1111")
            .expect("detail")
            .expect("stored");
        assert_eq!(d.trace.len(), 2, "{name}");
        assert_eq!(d.snippet_line, Some(2), "{name}");
        assert!(
            s.detail("org/app", "bbbb2222").expect("detail").is_none(),
            "{name}"
        );
        assert_eq!(all(&mut s, T0).len(), 2, "{name}: nothing duplicated");
        assert_eq!(s.scans(None, 10).expect("scans").len(), 1, "{name}");
        // A new upload without bbbb2222: fixed, as with `scan --store`.
        let scans2 = vec![(
            meta("org/app", "main", T0 + 10),
            vec![finding("aaaa1111", Severity::High)],
        )];
        let up2 = palisade_store::Upload {
            idem_key: "key-2",
            scans: &scans2,
            components: None,
            now: T0 + 10,
            ..up.clone()
        };
        s.upload(&up2, |_, sums| format!("{}", sums[0].fixed))
            .expect("upload 2");
        let lc = fps(&all(&mut s, T0 + 10));
        assert_eq!(
            lc,
            [
                ("aaaa1111".to_owned(), "open"),
                ("bbbb2222".to_owned(), "fixed")
            ],
            "{name}"
        );
        // The inventory is searchable across projects, by name and version.
        let hits = s
            .components("LOG4J", Some("2.14.1"), None, 10)
            .expect("search");
        assert_eq!(hits.len(), 1, "{name}");
        assert_eq!(hits[0].project, "org/app", "{name}");
        assert!(
            s.components("log4j", Some("2.17.0"), None, 10)
                .expect("s")
                .is_empty(),
            "{name}"
        );
        assert!(
            s.components("log4j", None, Some(&[]), 10)
                .expect("s")
                .is_empty(),
            "{name}"
        );
        assert!(
            s.components("100%_", None, None, 10).expect("s").is_empty(),
            "{name}"
        );
        // The overview counts open findings by severity.
        let ov = s
            .overview(&Sla::default(), T0 + 40 * DAY, None)
            .expect("overview");
        assert_eq!(ov.len(), 1, "{name}");
        assert_eq!(ov[0].open, [0, 0, 0, 1, 0], "{name}");
        assert_eq!(ov[0].overdue, 1, "{name}: high is past 30 days");
        assert_eq!(ov[0].last_scan, Some(T0 + 10), "{name}");
    });
}

#[test]
fn users_roles_and_project_members() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        let p = s.create_project("org/app", "admin", T0).expect("create");
        let u = s
            .login_user(
                "https://idp|alice",
                Some("alice@example.com"),
                Some("Alice"),
                palisade_store::Role::Developer,
                T0,
            )
            .expect("login");
        assert_eq!(u.role, palisade_store::Role::Developer, "{name}");
        assert!(
            s.set_user(&u.subject, palisade_store::Role::Appsec, Some("@alice"))
                .expect("set"),
            "{name}"
        );
        // A later login keeps the role given.
        let again = s
            .login_user(
                &u.subject,
                Some("alice@example.com"),
                None,
                palisade_store::Role::Developer,
                T0 + 1,
            )
            .expect("login");
        assert_eq!(again.role, palisade_store::Role::Appsec, "{name}");
        assert_eq!(again.owner_handle.as_deref(), Some("@alice"), "{name}");
        assert!(
            s.member_projects(&u.subject).expect("m").is_empty(),
            "{name}"
        );
        s.add_member(p.id, &u.subject).expect("member");
        s.add_member(p.id, &u.subject).expect("member twice");
        assert_eq!(
            s.member_projects(&u.subject).expect("m"),
            ["org/app"],
            "{name}"
        );
        s.remove_member(p.id, &u.subject).expect("remove");
        assert!(
            s.member_projects(&u.subject).expect("m").is_empty(),
            "{name}"
        );
        assert_eq!(s.users().expect("users").len(), 1, "{name}");
    });
}

#[test]
fn list_within_projects_age_and_paging() {
    each_backend(|name, url| {
        let mut s = Store::open(url).expect("open");
        s.record_scan(
            &meta("org/a", "main", T0),
            &[
                finding("aaaa1111", Severity::High),
                finding("cccc3333", Severity::Low),
            ],
            false,
        )
        .expect("a");
        s.record_scan(
            &meta("org/b", "main", T0 + 5 * DAY),
            &[finding("bbbb2222", Severity::High)],
            false,
        )
        .expect("b");
        let f = |within: Option<Vec<String>>, before: Option<i64>, limit, offset| Filter {
            within,
            first_seen_before: before,
            limit,
            offset,
            ..Filter::default()
        };
        let (rows, total) = s
            .list(&f(Some(vec!["org/a".into()]), None, 0, 0), T0)
            .expect("l");
        assert_eq!((rows.len(), total), (2, 2), "{name}");
        let (rows, total) = s.list(&f(Some(vec![]), None, 0, 0), T0).expect("l");
        assert_eq!((rows.len(), total), (0, 0), "{name}");
        let (rows, _) = s.list(&f(None, Some(T0 + DAY), 0, 0), T0).expect("l");
        assert_eq!(rows.len(), 2, "{name}: first seen before a day later");
        let (rows, total) = s.list(&f(None, None, 1, 1), T0).expect("l");
        assert_eq!((rows.len(), total), (1, 3), "{name}");
        assert_eq!(
            rows[0].fingerprint, "bbbb2222",
            "{name}: second worst-oldest"
        );
        let (rows, _) = s.list(&f(None, None, 0, 2), T0).expect("l");
        assert_eq!(rows[0].fingerprint, "cccc3333", "{name}");
        let capped = Filter {
            count_limit: 2,
            limit: 1,
            ..Filter::default()
        };
        let (rows, total) = s.list(&capped, T0).expect("capped");
        assert_eq!(
            (rows.len(), total),
            (1, 2),
            "{name}: counting stops at the cap"
        );
    });
}

#[test]
fn version_2_store_migrates_to_3() {
    each_backend(|name, url| {
        let mut s = Store::open_at_version(url, 2).expect("version 2");
        s.record_scan(
            &meta("org/app", "main", T0),
            &[finding("aaaa1111", Severity::High)],
            false,
        )
        .expect("record");
        drop(s);
        let mut s = Store::open(url).expect("migrated");
        assert_eq!(all(&mut s, T0).len(), 1, "{name}");
        s.create_project("org/app", "admin", T0)
            .expect("projects exist");
        assert_eq!(
            s.overview(&Sla::default(), T0, None).expect("ov")[0].open[3],
            1,
            "{name}"
        );
    });
}
