//! `palisade advisory …` and `palisade securitytxt …` from the command line (SQLite store;
//! the advisory crate's suite runs the store behaviour on PostgreSQL too).

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{Run, bin, run};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        Env { dir }
    }
    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }
    fn cmd(&self, now: &str, args: &[&str]) -> Command {
        let mut c = bin();
        c.current_dir(self.dir.path())
            .env("PALISADE_STORE", self.path("findings.db"))
            .env("PALISADE_USER", "alice@example.com")
            .env("PALISADE_NOW", now)
            .stdin(Stdio::null())
            .args(args);
        c
    }
    fn run(&self, now: &str, args: &[&str]) -> Run {
        run(&mut self.cmd(now, args))
    }
    fn ok(&self, now: &str, args: &[&str]) -> Run {
        let r = self.run(now, args);
        assert_eq!(
            r.code, 0,
            "{args:?}\nstdout:\n{}\nstderr:\n{}",
            r.stdout, r.stderr
        );
        r
    }
}

const HOSTILE_MD: &str = "---
title: \"XSS in search <img src=x onerror=alert(1)>\"
reporter: \"Mallory \\e[31mRED\\e[0m\"
component: search
cwe: [79]
endpoint: /api/search
cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N
ecosystem: npm
package: acme-search
---
The `q` parameter is reflected: <script>alert(document.cookie)</script>
[click](javascript:alert(1))

## Proof of concept

```
GET /api/search?q=<script>alert(1)</script>
```
";

const EMAIL: &str = "From: Eve <eve@example.net>\r
Subject: Search reflects q without escaping\r
Date: Mon, 02 Nov 2026 10:15:00 +0000\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"B\"\r
\r
--B\r
Content-Type: text/plain\r
\r
Component: search\r
CWE: 79\r
Endpoint: https://shop.example/api/search?q=x\r
\r
The search endpoint reflects the q parameter without escaping.\r
--B\r
Content-Type: application/octet-stream\r
Content-Disposition: attachment; filename=\"exploit.bin\"\r
Content-Transfer-Encoding: base64\r
\r
G1szMW0AAQID/w==\r
--B--\r
";

#[test]
fn intake_triage_deadlines_and_export() {
    let env = Env::new();
    let md = env.write("report.md", HOSTILE_MD.as_bytes());
    let eml = env.write("mail.eml", EMAIL.as_bytes());
    let bad = env.write(
        "bad.json",
        br#"{"title": "x", "cvss": "CVSS:3.1/AV:N/AC:Z"}"#,
    );
    let day0 = "2026-11-01";

    // One bad file among good ones: the good ones land, the bad one is named, exit 3.
    let r = env.run(
        day0,
        &[
            "advisory",
            "import",
            "--project",
            "shop",
            md.to_str().expect("utf-8"),
            bad.to_str().expect("utf-8"),
            eml.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("bad.json: invalid CVSS vector"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 of 3 file(s) not imported"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("ADV-2026-0001: recorded"), "{}", r.stdout);
    assert!(r.stdout.contains("ADV-2026-0002: recorded"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("possible duplicate of report ADV-2026-0001 (score"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "attachment exploit.bin (application/octet-stream, 10 bytes, binary: kept, not shown)"
        ),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains('\x1b'),
        "no raw escape reaches the terminal"
    );

    // The same file again is recognised, not recorded twice.
    let r = env.ok(
        day0,
        &[
            "advisory",
            "import",
            "--project",
            "shop",
            md.to_str().expect("utf-8"),
        ],
    );
    assert!(
        r.stdout
            .contains("already imported as ADV-2026-0001 (same SHA-256); skipped"),
        "{}",
        r.stdout
    );

    // Flags without a terminal: a missing field is an error, not a prompt.
    let r = env.run(day0, &["advisory", "new", "--project", "shop"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("missing --title (stdin is not a terminal"),
        "{}",
        r.stderr
    );
    let r = env.ok(
        day0,
        &[
            "advisory",
            "new",
            "--title",
            "Admin panel without auth",
            "--project",
            "shop",
            "--description",
            "The /admin route has no login.",
            "--cwe",
            "CWE-306",
            "--exploited",
            "--ssvc",
            "E:active/A:yes/T:total/M:high",
        ],
    );
    assert!(r.stdout.contains("ADV-2026-0003: recorded"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("fix due 2026-11-08 (exploited in the wild: fix within 7 days of receipt)"),
        "{}",
        r.stdout
    );

    // show: escaped, binary not rendered, explanation and SSVC.
    let r = env.ok(day0, &["advisory", "show", "ADV-2026-0001"]);
    assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
    assert!(
        r.stdout.contains("cvss:       3.1 6.1 (medium)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("what drives the score"), "{}", r.stdout);
    let r = env.ok(day0, &["advisory", "show", "ADV-2026-0002"]);
    assert!(
        r.stdout
            .contains("exploit.bin (application/octet-stream, 10 bytes"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("binary: not shown"), "{}", r.stdout);
    let saved = env.path("saved.eml");
    env.ok(
        day0,
        &[
            "advisory",
            "show",
            "ADV-2026-0002",
            "--save-source",
            saved.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(
        std::fs::read(&saved).expect("saved"),
        EMAIL.as_bytes(),
        "the whole message is kept"
    );
    let r = env.ok(day0, &["advisory", "show", "ADV-2026-0003"]);
    assert!(
        r.stdout.contains("ssvc:       act (E:A/A:Y/T:T/M:H)"),
        "{}",
        r.stdout
    );

    // Decisions, each in the audit log.
    let r = env.run(
        day0,
        &["advisory", "set", "ADV-2026-0002", "--state", "duplicate"],
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("needs --duplicate-of"), "{}", r.stderr);
    env.ok(
        "2026-11-02",
        &[
            "advisory",
            "set",
            "ADV-2026-0002",
            "--duplicate-of",
            "adv-2026-0001",
            "--by",
            "bob",
        ],
    );
    env.ok(
        "2026-11-03",
        &[
            "advisory",
            "set",
            "ADV-2026-0001",
            "--state",
            "triaged",
            "--reason",
            "reproduced",
        ],
    );
    env.ok(
        "2026-11-20",
        &[
            "advisory",
            "set",
            "ADV-2026-0001",
            "--state",
            "resolved",
            "--fixed-version",
            "2.4.1",
            "--fix-commit",
            "https://git.example/acme/search/commit/4f2a9c1",
            "--alias",
            "CVE-2026-12345",
        ],
    );
    let show: Value = serde_json::from_str(
        &env.ok(
            "2026-11-20",
            &["advisory", "show", "ADV-2026-0001", "--format", "json"],
        )
        .stdout,
    )
    .expect("json");
    let actions: Vec<&str> = show["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "state",
            "set aliases",
            "set fix_commits",
            "set fixed_versions",
            "set resolved_at",
            "state"
        ]
    );
    assert_eq!(show["history"][1]["reason"], "reproduced");
    assert_eq!(
        show["details_due"], "2026-12-20T00:00:00Z",
        "30 days after the fix"
    );
    let dup: Value = serde_json::from_str(
        &env.ok(
            "2026-11-20",
            &["advisory", "show", "ADV-2026-0002", "--format", "json"],
        )
        .stdout,
    )
    .expect("json");
    assert_eq!(dup["duplicate_of"], "ADV-2026-0001");
    assert_eq!(dup["history"][1]["actor"], "bob");

    // Deadlines: the exploited report is overdue on day 10; the details are due later.
    let r = env.ok("2026-11-10", &["advisory", "due", "--within", "60"]);
    assert!(
        r.stdout
            .contains("ADV-2026-0003  fix        2026-11-08 OVERDUE by 2 day(s)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("ADV-2026-0001  details    2026-12-20"),
        "{}",
        r.stdout
    );

    // needs-more-info closes after the configured period (palisade.toml).
    env.write("palisade.toml", b"[advisory]\nneeds-info-days = 5\n");
    env.ok(
        "2026-11-10",
        &[
            "advisory",
            "set",
            "ADV-2026-0003",
            "--state",
            "needs-more-info",
        ],
    );
    let r = env.ok("2026-11-15", &["advisory", "due"]);
    assert!(
        r.stdout
            .contains("ADV-2026-0003: closed as not-applicable (no reply within 5 days)"),
        "{}",
        r.stdout
    );
    env.write("palisade.toml", b"[advisory]\nneeds-info-dayz = 5\n");
    let r = env.run("2026-11-15", &["advisory", "list"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("needs-info-dayz"), "{}", r.stderr);
    std::fs::remove_file(env.path("palisade.toml")).expect("rm");

    let list: Value = serde_json::from_str(
        &env.ok(
            "2026-11-20",
            &[
                "advisory",
                "list",
                "--format",
                "json",
                "--state",
                "resolved,duplicate",
            ],
        )
        .stdout,
    )
    .expect("json");
    let keys: Vec<&str> = list["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["key"].as_str().expect("key"))
        .collect();
    assert_eq!(keys, ["ADV-2026-0001", "ADV-2026-0002"]);

    // Exports.
    let osv: Value = serde_json::from_str(
        &env.ok(
            "2026-11-20",
            &["advisory", "export", "ADV-2026-0001", "--format", "osv"],
        )
        .stdout,
    )
    .expect("osv");
    assert_eq!(osv["id"], "CVE-2026-12345");
    assert_eq!(osv["affected"][0]["package"]["name"], "acme-search");
    assert_eq!(
        osv["references"][0]["url"],
        "https://git.example/acme/search/commit/4f2a9c1"
    );
    let csaf_out = env.path("csaf.json");
    let r = env.ok(
        "2026-11-20",
        &[
            "advisory",
            "export",
            "ADV-2026-0001",
            "--format",
            "csaf",
            "-o",
            csaf_out.to_str().expect("utf-8"),
        ],
    );
    assert!(
        r.stderr.contains("namespace is a placeholder"),
        "{}",
        r.stderr
    );
    let csaf: Value =
        serde_json::from_str(&std::fs::read_to_string(&csaf_out).expect("csaf")).expect("json");
    assert_eq!(
        csaf["vulnerabilities"][0]["product_status"]["fixed"][0],
        "CSAFPID-0002"
    );
    let ghsa = env
        .ok(
            "2026-11-20",
            &["advisory", "export", "ADV-2026-0001", "--format", "ghsa"],
        )
        .stdout;
    assert!(!ghsa.contains("<img"), "{ghsa}");
    assert!(!ghsa.contains("](javascript"), "{ghsa}");
    assert!(
        ghsa.contains("&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"),
        "{ghsa}"
    );
}

#[test]
fn cvss_command() {
    let env = Env::new();
    let r = env.ok(
        "2026-11-01",
        &[
            "advisory",
            "cvss",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "--ssvc",
            "E:poc/A:no/T:total/M:medium",
        ],
    );
    insta::assert_snapshot!("advisory_cvss_v4", r.stdout);
    let r = env.run(
        "2026-11-01",
        &[
            "advisory",
            "cvss",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("metric S has value 'X'") || r.stderr.contains("metric S has value"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: a vector looks like"),
        "{}",
        r.stderr
    );
    let j: Value = serde_json::from_str(
        &env.ok(
            "2026-11-01",
            &[
                "advisory",
                "cvss",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "--format",
                "json",
            ],
        )
        .stdout,
    )
    .expect("json");
    assert_eq!(j["score"], 9.8);
    assert_eq!(j["drivers"][0]["metric"], "AV");
}

/// Serves `body` once on 127.0.0.1 and returns the URL.
fn serve_once(body: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}/.well-known/security.txt")
}

#[test]
fn securitytxt_generate_and_lint_file_and_loopback_url() {
    let env = Env::new();
    let out = env.path("security.txt");
    env.ok(
        "2026-11-01",
        &[
            "securitytxt",
            "generate",
            "--contact",
            "mailto:security@shop.example",
            "--expires",
            "2027-06-01",
            "--canonical",
            "https://shop.example/.well-known/security.txt",
            "--preferred-languages",
            "en, fr",
            "-o",
            out.to_str().expect("utf-8"),
        ],
    );
    let r = env.ok(
        "2026-11-01",
        &["securitytxt", "lint", out.to_str().expect("utf-8")],
    );
    assert!(
        r.stdout.ends_with("valid (4 field(s), unsigned)\n"),
        "{}",
        r.stdout
    );
    // Expired a year later.
    let r = env.run(
        "2027-07-01",
        &["securitytxt", "lint", out.to_str().expect("utf-8")],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains(":3: error: expired on 2027-06-01T00:00:00Z"),
        "{}",
        r.stdout
    );
    let r = env.run(
        "2026-11-01",
        &[
            "securitytxt",
            "generate",
            "--contact",
            "http://shop.example/report",
        ],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("Contact must use https://"),
        "{}",
        r.stderr
    );

    let url = serve_once(
        "Contact: mailto:security@shop.example\nExpires: 2027-06-01T00:00:00Z\nCanonical: https://shop.example/.well-known/security.txt\n",
    );
    let r = env.run(
        "2026-11-01",
        &["securitytxt", "lint", &url, "--format", "json"],
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let j: Value = serde_json::from_str(&r.stdout).expect("json");
    let msgs: Vec<&str> = j["lint"]["diagnostics"]
        .as_array()
        .expect("diags")
        .iter()
        .map(|d| d["message"].as_str().expect("m"))
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("which no Canonical field lists")),
        "{msgs:#?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("fetched over plain HTTP")),
        "{msgs:#?}"
    );
    assert_eq!(j["lint"]["fields"].as_array().expect("fields").len(), 3);
}
