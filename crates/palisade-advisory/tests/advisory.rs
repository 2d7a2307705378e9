//! The advisory tables against both backends — SQLite (a temporary file) and PostgreSQL (a
//! fresh database per test on the server of `PALISADE_TEST_POSTGRES`; `.ci/setup-store.sh`
//! starts one; skipped with a message without it, except in CI) — and the exports against
//! the official OSV and CSAF 2.0 schemas (`.ci/setup-advisory.sh` fetches them).

use std::sync::atomic::{AtomicUsize, Ordering};

use palisade_advisory::{Advisories, Policy, Report, Source, State, dedup, export};
use palisade_store::{NewFinding, ScanMeta, Severity, Store};
use serde_json::Value;

const DAY: i64 = 86_400;
const T0: i64 = 1_790_000_000;

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
        "palisade_adv_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let mut c = postgres::Client::connect(base, postgres::NoTls).expect("connect to PostgreSQL");
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create test database");
    let (head, _) = base.rsplit_once('/').expect("URL with a database");
    (
        format!("{head}/{name}"),
        PgDb {
            admin: base.to_owned(),
            name,
        },
    )
}

fn each_backend(test: impl Fn(&str, &str)) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("findings.db");
    test("sqlite", path.to_str().expect("utf-8"));
    if let Some(base) = pg_url() {
        let (url, _guard) = fresh_pg(&base);
        test("postgres", &url);
    }
}

fn report(title: &str) -> Report {
    Report {
        title: title.into(),
        reporter: "mallory".into(),
        project: "shop".into(),
        component: Some("search".into()),
        cwe: vec![79],
        endpoint: Some("/api/search".into()),
        description: format!("{title}: the q parameter is reflected without escaping."),
        received: T0,
        cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N".into()),
        ..Report::default()
    }
}

#[test]
fn lifecycle_audit_and_sources() {
    each_backend(|backend, url| {
        let mut adv = Advisories::open(url).expect("open");
        let src = Source {
            name: "report.eml".into(),
            bytes: b"binary \x00\xff kept".to_vec(),
        };
        let a = adv
            .create(report("Reflected XSS"), Some(&src), "alice", T0)
            .expect("create");
        assert_eq!(a.key, "ADV-2026-0001", "{backend}");
        assert_eq!(a.state(), State::New);
        let b = adv
            .create(report("XSS in search"), None, "alice", T0 + 10)
            .expect("create");
        assert_eq!(b.key, "ADV-2026-0002");

        // Reopening is idempotent and keeps everything.
        drop(adv);
        let mut adv = Advisories::open(url).expect("reopen");
        assert_eq!(adv.list(&[]).expect("list").len(), 2);
        assert_eq!(
            adv.source("adv-2026-0001")
                .expect("source")
                .expect("kept")
                .bytes,
            src.bytes,
            "{backend}: byte for byte"
        );
        assert_eq!(adv.source(&b.key).expect("source"), None);

        adv.update(&a.key, "bob", T0 + DAY, Some("confirmed on staging"), |r| {
            r.state = Some(State::Triaged);
            Ok(())
        })
        .expect("triage");
        let dup = adv
            .update(&b.key, "bob", T0 + DAY, None, |r| {
                r.state = Some(State::Duplicate);
                r.duplicate_of = Some(a.key.clone());
                Ok(())
            })
            .expect("dup");
        assert_eq!(dup.duplicate_of.as_deref(), Some("ADV-2026-0001"));
        let resolved = adv
            .update(&a.key, "bob", T0 + 20 * DAY, None, |r| {
                r.state = Some(State::Resolved);
                r.fixed_versions = vec!["2.4.1".into()];
                Ok(())
            })
            .expect("resolve");
        assert_eq!(resolved.resolved_at, Some(T0 + 20 * DAY));
        assert_eq!(Policy::default().details_due(&resolved), T0 + 50 * DAY);

        // A failing change stores nothing.
        let err = adv
            .update(&a.key, "bob", T0 + 21 * DAY, None, |r| {
                r.state = Some(State::Disclosed);
                Err(palisade_advisory::Error::Invalid("no".into()))
            })
            .expect_err("fails");
        assert_eq!(err.to_string(), "no");
        assert_eq!(adv.get(&a.key).expect("get").state(), State::Resolved);

        let h: Vec<(String, Option<String>, Option<String>, String)> = adv
            .history(&a.key)
            .expect("history")
            .into_iter()
            .map(|e| (e.action, e.old_value, e.new_value, e.actor))
            .collect();
        assert_eq!(
            h,
            vec![
                ("created".into(), None, Some("new".into()), "alice".into()),
                (
                    "state".into(),
                    Some("new".into()),
                    Some("triaged".into()),
                    "bob".into()
                ),
                (
                    "set fixed_versions".into(),
                    Some("[]".into()),
                    Some("[\"2.4.1\"]".into()),
                    "bob".into()
                ),
                (
                    "set resolved_at".into(),
                    None,
                    Some((T0 + 20 * DAY).to_string()),
                    "bob".into()
                ),
                (
                    "state".into(),
                    Some("triaged".into()),
                    Some("resolved".into()),
                    "bob".into()
                ),
            ],
            "{backend}"
        );
        assert_eq!(
            adv.history(&a.key).expect("h")[1].reason.as_deref(),
            Some("confirmed on staging")
        );
        assert_eq!(adv.list(&[State::Duplicate]).expect("list").len(), 1);
        assert!(matches!(
            adv.get("ADV-1999-0001"),
            Err(palisade_advisory::Error::NotFound(_))
        ));
    });
}

#[test]
fn needs_more_info_closes_by_itself() {
    each_backend(|backend, url| {
        let mut adv = Advisories::open(url).expect("open");
        let r = adv
            .create(report("Vague report"), None, "alice", T0)
            .expect("create");
        adv.update(&r.key, "alice", T0, None, |r| {
            r.state = Some(State::NeedsMoreInfo);
            Ok(())
        })
        .expect("ask");
        let p = Policy::default();
        assert!(adv.auto_close(&p, T0 + 13 * DAY).expect("early").is_empty());
        assert_eq!(
            adv.auto_close(&p, T0 + 14 * DAY).expect("due"),
            vec![r.key.clone()],
            "{backend}"
        );
        let closed = adv.get(&r.key).expect("get");
        assert_eq!(closed.state(), State::NotApplicable);
        let last = adv.history(&r.key).expect("history").pop().expect("entry");
        assert_eq!(last.actor, "palisade");
        assert!(last.reason.expect("why").contains("14 days"));
    });
}

#[test]
fn separate_migration_track_in_the_store_database() {
    each_backend(|backend, url| {
        // The store is usable as before, and sees its own schema only.
        {
            let mut store = Store::open(url).expect("store");
            let meta = ScanMeta {
                repo: "github.com/acme/shop".into(),
                branch: "main".into(),
                commit: None,
                tool: "palisade".into(),
                tool_version: "0.1.0".into(),
                time: T0,
                by: "ci".into(),
                source: None,
            };
            let f = NewFinding {
                fingerprint: "f00dfeedf00dfeed".into(),
                rule: "sast/reflected-xss".into(),
                severity: Severity::High,
                message: "request parameter q flows into the HTML response".into(),
                path: "src/search/views.py".into(),
                line: 3,
                evidence: None,
                cwe: vec![79],
                owners: vec![],
            };
            store.record_scan(&meta, &[f], false).expect("record");
        }
        let mut adv = Advisories::open_at_version(url, 0).expect("open at 0");
        drop(adv);
        adv = Advisories::open(url).expect("migrate");
        let findings = adv.findings(100).expect("findings");
        assert_eq!(findings.len(), 1, "{backend}");
        assert_eq!(findings[0].cwe, vec![79]);
        let r = report("XSS in search");
        let c = dedup::candidates(&r, &[], &findings, 5);
        assert_eq!(c.len(), 1, "{backend}: {c:?}");
        assert!(c[0].reasons.iter().any(|x| x == "both CWE-79"));
        // The store still opens (its own version table untouched) after the advisory one.
        Store::open(url).expect("store reopens");
    });
}

#[test]
fn newer_advisory_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.db");
    let url = path.to_str().expect("utf-8");
    drop(Advisories::open(url).expect("open"));
    let c = rusqlite::Connection::open(&path).expect("sqlite");
    c.execute("UPDATE advisory_schema SET version = 99", [])
        .expect("bump");
    drop(c);
    let e = Advisories::open(url).err().expect("refused").to_string();
    assert!(e.contains("schema version 99"), "{e}");
    assert!(e.contains("upgrade palisade"), "{e}");
}

// ----------------------------------------------------------------------------------------
// Exports against the official schemas.

fn schema_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/schemas/advisory");
    if ["osv-schema.json", "csaf_json_schema.json", "cvss-v3.1.json"]
        .iter()
        .all(|f| dir.join(f).is_file())
    {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide the OSV/CSAF schemas in {}: run .ci/setup-advisory.sh",
        dir.display()
    );
    eprintln!(
        "skipped: the OSV/CSAF schemas are not in {} (run .ci/setup-advisory.sh)",
        dir.display()
    );
    None
}

fn read_json(p: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
}

/// Serves FIRST's CVSS schemas that CSAF references from the directory; nothing else.
struct LocalSchemas(std::path::PathBuf);

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .strip_prefix("https://www.first.org/cvss/")
            .ok_or_else(|| format!("not a local schema: {uri}"))?;
        let path = self.0.join(name.split('?').next().unwrap_or(name));
        if !path.is_file() {
            return Err(format!("{} is missing", path.display()).into());
        }
        Ok(read_json(&path))
    }
}

fn validator(dir: &std::path::Path, file: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(LocalSchemas(dir.to_path_buf()))
        .should_validate_formats(true)
        .build(&read_json(&dir.join(file)))
        .expect("compile schema")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn opts() -> export::Options {
    export::Options {
        publisher: "Acme Shop".into(),
        namespace: "https://shop.example".into(),
        tool_version: "0.1.0".into(),
        now: T0 + 40 * DAY,
    }
}

fn published() -> Report {
    Report {
        key: "ADV-2026-0007".into(),
        state: Some(State::Disclosed),
        state_at: T0 + 35 * DAY,
        resolved_at: Some(T0 + 30 * DAY),
        ecosystem: Some("npm".into()),
        package: Some("acme-search".into()),
        introduced: Some("2.0.0".into()),
        fixed_versions: vec!["2.4.1".into()],
        fix_commits: vec![
            "https://git.example/acme/search/commit/4f2a9c1".into(),
            "4f2a9c1".into(),
        ],
        aliases: vec!["CVE-2026-12345".into()],
        references: vec!["https://shop.example/security/ADV-2026-0007".into()],
        exploited: true,
        poc: Some("```\n<script>alert(1)</script>\n```".into()),
        ..report("Reflected <b>XSS</b> in search")
    }
}

#[test]
fn osv_export_validates_against_the_official_schema() {
    let Some(dir) = schema_dir() else { return };
    let v = validator(&dir, "osv-schema.json");
    let e = export::osv(&published(), None, &opts());
    let errs = errors(&v, &e.doc);
    assert!(errs.is_empty(), "OSV schema errors:\n{}", errs.join("\n"));
    assert_eq!(e.doc["id"], "CVE-2026-12345");
    assert_eq!(
        e.doc["affected"][0]["ranges"][0]["events"][1]["fixed"],
        "2.4.1"
    );
    assert_eq!(e.doc["references"][0]["type"], "FIX");
    assert!(
        e.warnings
            .iter()
            .any(|w| w.contains("\"4f2a9c1\" is not a URL"))
    );
    // v4 vectors and an undecided report validate too.
    let mut r = report("Open redirect");
    r.key = "ADV-2026-0008".into();
    r.cvss = Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N".into());
    let e = export::osv(&r, Some("GHSA-abcd-efgh-ijkl"), &opts());
    let errs = errors(&v, &e.doc);
    assert!(errs.is_empty(), "OSV schema errors:\n{}", errs.join("\n"));
    // The check can fail: a report key is not a registered OSV prefix.
    let e = export::osv(&r, None, &opts());
    assert!(
        !v.is_valid(&e.doc),
        "ADV- ids are not an OSV database prefix"
    );
}

#[test]
fn csaf_export_validates_against_the_official_schema_with_vex_status() {
    let Some(dir) = schema_dir() else { return };
    let v = validator(&dir, "csaf_json_schema.json");
    let e = export::csaf(&published(), &opts());
    let errs = errors(&v, &e.doc);
    assert!(errs.is_empty(), "CSAF schema errors:\n{}", errs.join("\n"));
    let vuln = &e.doc["vulnerabilities"][0];
    assert_eq!(vuln["product_status"]["known_affected"][0], "CSAFPID-0001");
    assert_eq!(vuln["product_status"]["fixed"][0], "CSAFPID-0002");
    assert_eq!(vuln["remediations"][0]["category"], "vendor_fix");
    assert_eq!(
        vuln["remediations"][0]["url"],
        "https://git.example/acme/search/commit/4f2a9c1"
    );
    assert_eq!(vuln["scores"][0]["cvss_v3"]["baseScore"], 6.1);
    assert_eq!(vuln["cve"], "CVE-2026-12345");
    assert_eq!(e.doc["document"]["tracking"]["status"], "final");
    assert_eq!(e.doc["document"]["category"], "csaf_vex");

    for (state, key) in [
        (State::New, "under_investigation"),
        (State::NotApplicable, "known_not_affected"),
        (State::Triaged, "known_affected"),
    ] {
        let mut r = report("Some report");
        r.key = "ADV-2026-0009".into();
        r.state = Some(state);
        let e = export::csaf(&r, &opts());
        let errs = errors(&v, &e.doc);
        assert!(
            errs.is_empty(),
            "{state}: CSAF schema errors:\n{}",
            errs.join("\n")
        );
        assert!(
            e.doc["vulnerabilities"][0]["product_status"][key].is_array(),
            "{state}"
        );
    }
    let mut broken = export::csaf(&published(), &opts()).doc;
    broken["document"]["category"] = Value::from("");
    assert!(
        !v.is_valid(&broken),
        "the schema check must be able to fail"
    );
}

#[test]
fn ghsa_draft_escapes_hostile_text() {
    let md = export::ghsa_markdown(&published());
    assert!(!md.contains("<b>"), "{md}");
    assert!(
        md.contains("Reflected &lt;b&gt;XSS&lt;/b&gt; in search"),
        "{md}"
    );
    // The proof of concept is fenced by more backticks than it holds: it cannot break out.
    assert!(
        md.contains("````text\n```\n<script>alert(1)</script>\n```\n````\n"),
        "{md}"
    );
    insta::assert_snapshot!("ghsa_draft", md);
}
