//! `palisade serve` over loopback: the upload API, the dashboard, its security, single
//! sign-on against the local oidc-provider, and PostgreSQL connection loss. Upload and
//! dashboard tests run on SQLite and, with `PALISADE_TEST_POSTGRES`, on PostgreSQL (a
//! fresh database each; required in CI).
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use palisade_serve::{Config, Running};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

const ADMIN: &str = "admin-token-for-tests-0123456789";

struct PgDb {
    admin: String,
    name: String,
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        pg(&self.admin, &sql);
    }
}

/// Runs SQL on a thread of its own (the synchronous client may not run inside tokio).
fn pg(url: &str, sql: &str) {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        if let Ok(mut c) = postgres::Client::connect(&url, postgres::NoTls) {
            let _ = c.batch_execute(&sql);
        }
    })
    .join()
    .unwrap();
}

fn pg_base() -> Option<String> {
    match std::env::var("PALISADE_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PALISADE_TEST_POSTGRES is not set in CI: run .ci/setup-store.sh"
            );
            println!("SKIP the PostgreSQL backend: PALISADE_TEST_POSTGRES is not set");
            None
        }
    }
}

fn fresh_pg(base: &str) -> (String, PgDb) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "palisade_serve_t_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    pg(base, &format!("CREATE DATABASE {name}"));
    let (head, _) = base.rsplit_once('/').unwrap();
    (
        format!("{head}/{name}"),
        PgDb {
            admin: base.to_owned(),
            name,
        },
    )
}

/// The stores to run a test on: SQLite, and PostgreSQL when configured.
fn stores(dir: &tempfile::TempDir) -> Vec<(String, Option<PgDb>)> {
    let mut v = vec![(
        dir.path().join("serve.db").to_string_lossy().into_owned(),
        None,
    )];
    if let Some(base) = pg_base() {
        let (url, guard) = fresh_pg(&base);
        v.push((url, Some(guard)));
    }
    v
}

async fn start(store: &str, tweak: impl FnOnce(&mut Config)) -> Running {
    let mut c = Config::new(store);
    c.bind = "127.0.0.1:0".parse().unwrap();
    c.admin_token = Some(ADMIN.into());
    c.max_upload_bytes = 256 * 1024;
    tweak(&mut c);
    palisade_serve::start(c).await.unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn new_token(base: &str, project: &str) -> (i64, String) {
    let r = http()
        .post(format!("{base}/api/v1/tokens"))
        .bearer_auth(ADMIN)
        .json(&json!({"project": project, "label": "ci"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    (
        v["id"].as_i64().unwrap(),
        v["token"].as_str().unwrap().to_owned(),
    )
}

fn report(findings: &[(&str, &str, &str, u32)]) -> Value {
    let list: Vec<Value> = findings
        .iter()
        .map(|(fp, sev, path, line)| {
            json!({
                "rule": "secrets/generic-api-key", "severity": sev, "confidence": "high",
                "message": format!("API key in {path}"), "fingerprint": fp, "cwe": ["CWE-798"],
                "locations": [{"kind": "file", "path": path, "start_line": line}],
                "snippet": {"first_line": line, "text": format!("key = \"{fp}\"\n")},
            })
        })
        .collect();
    json!({
        "version": 1, "tool": {"name": "palisade", "version": "0.1.0"},
        "findings": list, "diagnostics": [],
        "summary": {"findings": findings.len(), "files_scanned": 1, "bytes_scanned": 1,
                    "files_skipped": 0, "errors": 0, "suppressed": 0, "baselined": 0}
    })
}

async fn upload(base: &str, token: &str, branch: &str, body: &Value) -> (StatusCode, Value) {
    let r = http()
        .post(format!(
            "{base}/api/v1/uploads?branch={branch}&commit=abc123"
        ))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_api_records_like_the_cli_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    for (store, _guard) in stores(&dir) {
        let server = start(&store, |_| {}).await;
        let base = server.url.clone();
        let (tid, token) = new_token(&base, "github.com/org/app").await;
        assert!(token.starts_with("pst_"));

        let first = report(&[
            ("aaaa1111", "high", "src/a.py", 3),
            ("bbbb2222", "low", "src/b.py", 9),
        ]);
        let (st, v) = upload(&base, &token, "main", &first).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v["scans"][0]["new"], 2, "{v}");
        assert_eq!(v["project"], "github.com/org/app");
        // The same upload again (a CI retry): recorded once, the first answer returned.
        let (st, again) = upload(&base, &token, "main", &first).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(again, v);
        // The next scan no longer sees bbbb2222: fixed; aaaa1111 still open.
        let (st, v2) = upload(
            &base,
            &token,
            "main",
            &report(&[("aaaa1111", "high", "src/a.py", 3)]),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED);
        assert_eq!(
            (
                v2["scans"][0]["open"].as_u64(),
                v2["scans"][0]["fixed"].as_u64()
            ),
            (Some(1), Some(1)),
            "{v2}"
        );

        // SARIF from another tool at the same place deduplicates against palisade's finding.
        let sarif = json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "gitleaks", "version": "8", "rules": [{"id": "generic-api-key", "properties": {"tags": ["CWE-798"]}}]}},
            "results": [{"ruleId": "generic-api-key", "level": "error", "message": {"text": "secret"},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/a.py"}, "region": {"startLine": 3}}}]},
              {"ruleId": "generic-api-key", "level": "warning", "message": {"text": "other"},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": "docs/c.md"}, "region": {"startLine": 1}}}]}]}]});
        // CODEOWNERS routes imported results.
        let r = http()
            .put(format!(
                "{base}/api/v1/codeowners?project=github.com/org/app"
            ))
            .bearer_auth(ADMIN)
            .body("docs/ @org/docs\n")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let (st, s) = upload(&base, &token, "main", &sarif).await;
        assert_eq!(st, StatusCode::CREATED, "{s}");
        assert_eq!(s["format"], "sarif");
        assert_eq!(s["scans"][0]["deduplicated"], 1, "{s}");
        assert_eq!(s["scans"][0]["new"], 1, "{s}");

        // An SBOM fills the dependency inventory.
        let sbom = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
            {"name": "log4j-core", "version": "2.14.1", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]});
        let (st, b) = upload(&base, &token, "main", &sbom).await;
        assert_eq!(
            (st, b["components"].as_u64()),
            (StatusCode::CREATED, Some(1))
        );

        // Refusals: no token, wrong token, not a report, too large.
        let r = http()
            .post(format!("{base}/api/v1/uploads"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let (st, _) = upload(&base, "pst_not-a-token", "main", &first).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        let (st, e) = upload(&base, &token, "main", &json!({"hello": 1})).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
        let big = "x".repeat(300 * 1024);
        let r = http()
            .post(format!("{base}/api/v1/uploads"))
            .bearer_auth(&token)
            .body(big)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        // A revoked token no longer uploads.
        let r = http()
            .delete(format!("{base}/api/v1/tokens/{tid}"))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let (st, _) = upload(&base, &token, "main", &first).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        // The admin API refuses a project token.
        let r = http()
            .post(format!("{base}/api/v1/tokens"))
            .bearer_auth(&token)
            .json(&json!({"project": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

        // The OpenAPI document and the health check.
        let doc: Value = http()
            .get(format!("{base}/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc["paths"]["/api/v1/uploads"]["post"].is_object());
        let r = http().get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        server.stop().await.unwrap();
    }
}

/// A browser-like session: cookies kept, Origin sent on posts.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
}

impl Browser {
    fn new(base: &str) -> Self {
        Browser {
            http: http(),
            base: base.to_owned(),
            cookies: HashMap::new(),
        }
    }
    fn cookie(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn keep(&mut self, r: &reqwest::Response) {
        for sc in r.headers().get_all("set-cookie") {
            let pair = sc.to_str().unwrap().split(';').next().unwrap();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
    }
    async fn get(&mut self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let r = self
            .http
            .get(url)
            .header("cookie", self.cookie())
            .send()
            .await
            .unwrap();
        self.keep(&r);
        let (s, h) = (r.status(), r.headers().clone());
        (s, h, r.text().await.unwrap())
    }
    async fn post(
        &mut self,
        path: &str,
        origin: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        let s = r.status();
        let loc = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (s, loc)
    }
}

/// An inline event handler attribute (` onclick=`, ` onload=`...).
fn has_event_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let word: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
        !word.is_empty() && rest[word.len()..].starts_with('=')
    })
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    html[i..].split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_login_filters_triage_csrf_and_csp() {
    let dir = tempfile::tempdir().unwrap();
    for (store, _guard) in stores(&dir) {
        let server = start(&store, |_| {}).await;
        let base = server.url.clone();
        let (_, token) = new_token(&base, "org/app").await;
        let mut body = report(&[
            ("aaaa1111", "high", "src/a.py", 3),
            ("bbbb2222", "low", "src/b.py", 9),
        ]);
        body["findings"][0]["owners"] = json!(["@org/app"]);
        assert_eq!(
            upload(&base, &token, "main", &body).await.0,
            StatusCode::CREATED
        );

        let mut b = Browser::new(&base);
        // Not logged in: every page leads to the login page.
        let (st, h, _) = b.get("/findings?severity=high").await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        assert!(
            h["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?return_to=")
        );
        // Login from another origin is refused; a wrong token is refused.
        let (st, _) = b
            .post("/login", "https://evil.example", &[("token", ADMIN)])
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, loc) = b.post("/login", &base, &[("token", "wrong")]).await;
        assert_eq!(
            (st, loc.starts_with("/login?error=")),
            (StatusCode::SEE_OTHER, true)
        );
        assert!(b.cookies.is_empty());
        let (st, loc) = b
            .post(
                "/login",
                &base,
                &[("token", ADMIN), ("return_to", "/findings")],
            )
            .await;
        assert_eq!((st, loc.as_str()), (StatusCode::SEE_OTHER, "/findings"));
        assert!(b.cookies.contains_key("palisade-session"));

        // Overview: counts, chart, strict CSP, no inline script or style.
        let (st, h, html) = b.get("/").await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains("org/app") && html.contains("<svg class=\"trend\""));
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
        assert_eq!(h["x-frame-options"], "DENY");
        assert!(
            !html.contains("<script>") && !html.contains("style=") && !has_event_handler(&html),
            "inline script or style"
        );
        let (st, _, js) = b.get("/static/app.js").await;
        assert!(st == StatusCode::OK && js.contains("select-all"));

        // Filters.
        let (_, _, html) = b.get("/findings?severity=high").await;
        assert!(html.contains("aaaa1111") && !html.contains("bbbb2222"));
        let (_, _, html) = b.get("/findings?owner=%40org%2Fapp").await;
        assert!(html.contains("aaaa1111") && !html.contains("bbbb2222"));
        let (_, _, html) = b.get("/findings?project=org%2Fother").await;
        assert!(html.contains("No findings match."));
        let (_, _, html) = b.get("/findings?age=1").await;
        assert!(html.contains("0 findings"), "nothing is a day old yet");
        let (st, _, _) = b.get("/findings?severity=urgent").await;
        assert_eq!(st, StatusCode::BAD_REQUEST);

        // Bulk triage: refused without the CSRF token or cross-origin; applied with it.
        let (_, _, html) = b.get("/findings").await;
        let csrf = csrf_of(&html);
        let t1 = "org/app\naaaa1111";
        let t2 = "org/app\nbbbb2222";
        let form = [
            ("t", t1),
            ("t", t2),
            ("state", "false-positive"),
            ("reason", "test data"),
            ("back", "/findings"),
        ];
        let (st, _) = b.post("/findings/triage", &base, &form).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "no CSRF token");
        let mut with = form.to_vec();
        with.push(("csrf", &csrf));
        let (st, _) = b
            .post("/findings/triage", "https://evil.example", &with)
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "cross-origin");
        let (st, loc) = b.post("/findings/triage", &base, &with).await;
        assert_eq!((st, loc.as_str()), (StatusCode::SEE_OTHER, "/findings"));
        let (_, _, html) = b.get("/findings?state=false-positive").await;
        assert!(html.contains("2 findings"), "{html}");

        // The finding page: snippet, history with who did what.
        let (st, _, html) = b.get("/finding?project=org%2Fapp&fp=aaaa1111").await;
        assert_eq!(st, StatusCode::OK);
        assert!(
            html.contains("class=\"hit\"")
                && html.contains("state: open → false-positive")
                && html.contains("test data"),
            "{html}"
        );
        // Learn page of a rule unknown to this server; the inventory search.
        let (st, _, html) = b.get("/rules/secrets/generic-api-key").await;
        assert!(st == StatusCode::OK && html.contains("secrets/generic-api-key"));
        let sbom = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "log4j-core", "version": "2.14.1", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]});
        upload(&base, &token, "main", &sbom).await;
        let (_, _, html) = b.get("/deps?q=log4j&version=2.14.1").await;
        assert!(
            html.contains("1 components") && html.contains("org/app"),
            "{html}"
        );
        // Admin page creates a token (shown once).
        let (_, _, html) = b.get("/admin").await;
        let (st, loc) = b
            .post(
                "/admin/tokens",
                &base,
                &[
                    ("csrf", &csrf_of(&html)),
                    ("project", "org/new"),
                    ("label", "ci"),
                ],
            )
            .await;
        assert!(
            st == StatusCode::SEE_OTHER && loc.starts_with("/admin?created=pst_"),
            "{loc}"
        );
        // Logout ends the session.
        let (st, _) = b.post("/logout", &base, &[("csrf", &csrf)]).await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        let (st, _, _) = b.get("/").await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        server.stop().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_upload_are_rate_limited_and_https_gets_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db").to_string_lossy().into_owned();
    let server = start(&store, |c| {
        c.login_rate_per_minute = 3;
        c.upload_rate_per_minute = 2;
        c.public_url = Some("https://palisade.example".into());
    })
    .await;
    let base = server.url.replace(
        "https://palisade.example",
        &format!("http://{}", server.addr),
    );
    let mut b = Browser::new(&base);
    for _ in 0..3 {
        let (st, _) = b
            .post("/login", "https://palisade.example", &[("token", "wrong")])
            .await;
        assert_eq!(st, StatusCode::SEE_OTHER);
    }
    let (st, _) = b
        .post("/login", "https://palisade.example", &[("token", ADMIN)])
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    let (_, h, _) = b.get("/login").await;
    assert!(
        h["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let (_, token) = new_token(&base, "org/app").await;
    let body = report(&[("aaaa1111", "high", "a.py", 1)]);
    assert_eq!(
        upload(&base, &token, "main", &body).await.0,
        StatusCode::CREATED
    );
    assert_eq!(upload(&base, &token, "main", &body).await.0, StatusCode::OK);
    assert_eq!(
        upload(&base, &token, "main", &body).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connection_loss_gives_503_then_recovers() {
    let Some(base_url) = pg_base() else { return };
    let (url, _guard) = fresh_pg(&base_url);
    let server = start(&url, |c| c.pool_size = 2).await;
    let base = server.url.clone();
    let (_, token) = new_token(&base, "org/app").await;
    let db = url.rsplit('/').next().unwrap().to_owned();
    pg(
        &base_url,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()"
        ),
    );
    let mut statuses = Vec::new();
    for i in 0..4 {
        let (st, _) = upload(
            &base,
            &token,
            "main",
            &report(&[(&format!("cccc000{i}"), "high", "a.py", 1)]),
        )
        .await;
        statuses.push(st);
    }
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::SERVICE_UNAVAILABLE),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::CREATED),
        "recovers: {statuses:?}"
    );
    let r = http().get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    server.stop().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// A real browser: headless Chromium through chromedriver (the W3C WebDriver protocol,
// spoken with plain HTTP requests).

struct Driver {
    child: std::process::Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_exe(names: &[&str]) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

impl Driver {
    async fn start() -> Option<Driver> {
        let (Some(chromium), Some(driver)) = (
            find_exe(&["chromium", "chromium-browser"]),
            find_exe(&["chromedriver"]),
        ) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "chromium and chromedriver are required in CI: run .ci/setup-serve.sh"
            );
            println!(
                "SKIP the browser tests: chromium or chromedriver is not installed (run .ci/setup-serve.sh)"
            );
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let http = http();
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium.to_string_lossy(),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.path().display())]}}}});
        let v: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_owned();
        Some(Driver {
            child,
            base,
            session,
            http,
            _profile: profile,
        })
    }
    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        assert!(v["value"].get("error").is_none(), "WebDriver {path}: {v}");
        v["value"].clone()
    }
    async fn go(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }
    async fn el(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT].as_str().unwrap().to_owned()
    }
    async fn click(&self, css: &str) {
        let e = self.el(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{e}/click"),
            Some(json!({})),
        )
        .await;
    }
    async fn type_in(&self, css: &str, text: &str) {
        let e = self.el(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{e}/clear"),
            Some(json!({})),
        )
        .await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{e}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }
    async fn source(&self) -> String {
        self.cmd(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }
    async fn url(&self) -> String {
        self.cmd(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }
    /// Saves a screenshot; returns its size in bytes.
    async fn shot(&self, name: &str) -> usize {
        let b64 = self.cmd(reqwest::Method::GET, "/screenshot", None).await;
        let bytes = b64_decode(b64.as_str().unwrap());
        assert!(bytes.starts_with(b"\x89PNG"), "{name}: not a PNG");
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &bytes).unwrap();
        assert!(path.exists());
        bytes.len()
    }
    async fn wait_for(&self, needle: &str) -> String {
        for _ in 0..50 {
            let s = self.source().await;
            if s.contains(needle) {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed `{needle}`: {}", self.source().await);
    }
}

fn b64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_upload_filter_triage_owner_view() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("e2e.db").to_string_lossy().into_owned();
    let server = start(&store, |_| {}).await;
    let base = server.url.clone();
    // A blank page's screenshot: what "not blank" is measured against.
    d.go("about:blank").await;
    let blank = d.shot("00-blank").await;

    // Login with the admin token.
    d.go(&format!("{base}/findings")).await;
    assert!(d.url().await.contains("/login"));
    d.type_in("#token", ADMIN).await;
    d.click("#token-login").await;
    d.wait_for("Findings").await;
    assert!(d.url().await.ends_with("/findings"));

    // Upload (as CI would) and see it on the overview.
    let (_, token) = new_token(&base, "org/web").await;
    let body = report(&[
        ("aaaa1111", "high", "src/a.py", 3),
        ("bbbb2222", "low", "src/b.py", 9),
        ("cccc3333", "critical", "src/c.py", 1),
    ]);
    assert_eq!(
        upload(&base, &token, "main", &body).await.0,
        StatusCode::CREATED
    );
    d.go(&format!("{base}/")).await;
    d.wait_for("org/web").await;
    let overview = d.shot("01-overview").await;
    assert!(
        overview > blank * 2,
        "overview screenshot looks blank ({overview} vs {blank} bytes)"
    );

    // Filter by severity with the form (the script submits on change).
    d.go(&format!("{base}/findings")).await;
    d.wait_for("3 findings").await;
    // Choosing an option submits the filter form (progressive enhancement).
    d.click("#f-severity option[value=high]").await;
    let src = d.wait_for("1 findings").await;
    assert!(src.contains("aaaa1111") && !src.contains("cccc3333"));
    assert!(d.shot("02-filtered").await > blank * 2);

    // Bulk triage of everything: select all, reason, assign to me.
    d.go(&format!("{base}/findings")).await;
    d.wait_for("3 findings").await;
    d.click("#select-all").await;
    d.type_in("#bulk-reason", "verified in the browser test")
        .await;
    d.type_in("input[name=assignee]", "admin").await;
    d.click("#bulk-state option[value=confirmed]").await;
    d.click("#bulk-apply").await;
    d.wait_for("3 findings").await;
    d.go(&format!("{base}/findings?state=confirmed")).await;
    d.wait_for("3 findings").await;
    assert!(d.shot("03-triaged").await > blank * 2);

    // The owner view: what is assigned to me.
    d.go(&format!("{base}/me")).await;
    let src = d.wait_for("My findings").await;
    assert!(
        src.contains("3 findings") && src.contains("cccc3333"),
        "{src}"
    );
    assert!(d.shot("04-my-findings").await > blank * 2);

    // A finding's page with its history.
    d.go(&format!("{base}/finding?project=org%2Fweb&fp=cccc3333"))
        .await;
    d.wait_for("verified in the browser test").await;
    assert!(d.shot("05-finding").await > blank * 2);
    server.stop().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Single sign-on against the local oidc-provider (palisade-auth's test harness).

struct Provider {
    child: std::process::Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn oidc_provider(redirect: &str) -> Option<Provider> {
    use std::io::BufRead;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../palisade-auth/tests/oidc");
    let why = if !dir.join("node_modules/oidc-provider/package.json").exists() {
        Some(
            "crates/palisade-auth/tests/oidc/node_modules is missing (run .ci/setup-auth.sh)"
                .to_owned(),
        )
    } else {
        find_exe(&["node"])
            .is_none()
            .then(|| "node is not installed".to_owned())
    };
    if let Some(why) = why {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "oidc-provider is required in CI: {why}"
        );
        println!("SKIP single sign-on: {why}");
        return None;
    }
    let (key, _) = palisade_auth::SigningKey::generate_es256(Some("client-key-1".into())).unwrap();
    let config = json!({"redirect_uris": [redirect], "client_jwks": {"keys": [key.public_jwk()]}});
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new("node")
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("PORT", port.to_string())
        .env("PALISADE_OIDC_CONFIG", config.to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(iss) = line.strip_prefix("READY ") {
                let _ = tx.send(iss.to_owned());
            }
        }
    });
    let issuer = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("oidc-provider ready");
    Some(Provider { child, issuer })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_login_and_developer_sees_only_owned_projects() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let Some(provider) = oidc_provider(&format!("{base}/auth/callback")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("sso.db").to_string_lossy().into_owned();
    let server = start(&store, |c| {
        c.bind = format!("127.0.0.1:{port}").parse().unwrap();
        c.oidc = Some(palisade_serve::OidcConfig {
            issuer: provider.issuer.clone(),
            client_id: "basic-client".into(),
            client_secret: Some("basic-client-secret-for-tests-only".into()),
            default_role: None,
            allow_loopback_http: true,
        });
    })
    .await;
    let (_, token) = new_token(&base, "org/app").await;
    assert_eq!(
        upload(
            &base,
            &token,
            "main",
            &report(&[("aaaa1111", "high", "a.py", 1)])
        )
        .await
        .0,
        StatusCode::CREATED
    );

    // The browser: dashboard → provider (scripted login of "alice") → callback → dashboard.
    let mut alice = Browser::new(&base);
    let (st, h, html) = alice.get("/login").await;
    assert!(
        st == StatusCode::OK && html.contains("/login/oidc"),
        "{html}"
    );
    let _ = h;
    let (st, h, _) = alice.get("/login/oidc?return_to=/findings").await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let mut url = reqwest::Url::parse(h["location"].to_str().unwrap()).unwrap();
    let mut idp = Browser::new(&provider.issuer);
    let callback = loop {
        let (st, h, body) = idp.get(url.as_str()).await;
        assert!(st.is_redirection(), "provider answered {st}: {body}");
        let next = url.join(h["location"].to_str().unwrap()).unwrap();
        if next.as_str().starts_with(&format!("{base}/auth/callback")) {
            break next;
        }
        url = next;
    };
    let (st, h, body) = alice.get(callback.as_str()).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(h["location"], "/findings");
    // A developer owning nothing sees nothing and may triage nothing.
    let (st, _, html) = alice.get("/findings").await;
    assert!(
        st == StatusCode::OK && html.contains("alice") && html.contains("(developer)"),
        "{html}"
    );
    assert!(html.contains("0 findings"), "{html}");
    let (st, _, _) = alice.get("/finding?project=org%2Fapp&fp=aaaa1111").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let csrf = csrf_of(&html);
    let (st, _) = alice
        .post(
            "/findings/triage",
            &base,
            &[
                ("csrf", &csrf),
                ("t", "org/app\naaaa1111"),
                ("state", "confirmed"),
                ("reason", "mine"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _, _) = alice.get("/admin").await;
    assert_eq!(st, StatusCode::FORBIDDEN, "developers are not admins");

    // The admin makes alice an owner of org/app.
    let mut admin = Browser::new(&base);
    admin.post("/login", &base, &[("token", ADMIN)]).await;
    let (_, _, page) = admin.get("/admin").await;
    let subject = format!("{}|alice", provider.issuer);
    assert!(page.contains(&subject), "{page}");
    let (st, _) = admin
        .post(
            "/admin/users",
            &base,
            &[
                ("csrf", &csrf_of(&page)),
                ("subject", &subject),
                ("role", "developer"),
                ("owner", "@alice"),
                ("projects", "org/app"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, _, html) = alice.get("/findings").await;
    assert!(
        html.contains("1 findings") && html.contains("aaaa1111"),
        "{html}"
    );
    let (st, loc) = alice
        .post(
            "/findings/triage",
            &base,
            &[
                ("csrf", &csrf),
                ("t", "org/app\naaaa1111"),
                ("state", "confirmed"),
                ("reason", "mine"),
                ("back", "/findings"),
            ],
        )
        .await;
    assert_eq!((st, loc.as_str()), (StatusCode::SEE_OTHER, "/findings"));
    let (_, _, html) = alice.get("/finding?project=org%2Fapp&fp=aaaa1111").await;
    assert!(
        html.contains("alice@example.test"),
        "the audit log names alice: {html}"
    );
    server.stop().await.unwrap();
}
