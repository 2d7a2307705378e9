//! `palisade serve`, its token commands and `palisade scan --upload`, as a user runs them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use serde_json::Value;

use crate::common::{bin, demo, run};

const ADMIN: &str = "integration-admin-token-0123456789";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get_json(url: &str) -> Value {
    let mut r = ureq::get(url)
        .header("authorization", &format!("Bearer {ADMIN}"))
        .call()
        .expect("GET");
    serde_json::from_str(&r.body_mut().read_to_string().expect("body")).expect("json")
}

#[test]
fn serve_token_and_scan_upload() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("serve.db").display().to_string();
    let created = run(bin().args(["serve", "token", "create", "acme/demo", "--store", &store]));
    assert_eq!(created.code, 0, "{}", created.stderr);
    let token = created.stdout.trim().to_owned();
    assert!(token.starts_with("pst_") && token.len() > 40, "{token}");
    assert!(created.stderr.contains("only its hash is stored"));

    let mut child = bin()
        .args([
            "serve",
            "--store",
            &store,
            "--bind",
            "127.0.0.1:0",
            "--admin-token",
            ADMIN,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start palisade serve");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .strip_prefix("palisade serve: ")
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no URL printed: {line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(line.contains(&store), "the store is named: {line}");

    let scan = |extra: &[&str]| {
        let mut c = bin();
        c.env("PALISADE_DB", dir.path().join("no-such-osv.db"))
            .args([
                "scan",
                "--no-progress",
                "--engines",
                "secrets",
                "--repo",
                "acme/demo",
                "--branch",
                "main",
                "--commit",
                "0a1b2c3",
                "--upload",
                &url,
                "--token",
            ]);
        c.arg(&token).args(extra).arg(demo());
        run(&mut c)
    };
    let first = scan(&[]);
    assert!(first.stderr.contains("uploaded to"), "{}", first.stderr);
    assert!(first.stderr.contains("\"new\":"), "{}", first.stderr);
    let projects = get_json(&format!("{url}/api/v1/projects"));
    let demo_open = &projects["projects"][0];
    assert_eq!(demo_open["name"], "acme/demo");
    let open: u64 = ["critical", "high", "medium", "low", "info"]
        .iter()
        .map(|s| demo_open["open"][s].as_u64().unwrap_or(0))
        .sum();
    assert!(open > 0, "{projects}");
    // The same scan again is the same upload: stored once.
    let again = scan(&[]);
    assert!(again.stderr.contains("uploaded to"), "{}", again.stderr);
    assert_eq!(get_json(&format!("{url}/api/v1/projects")), projects);

    // A wrong token fails the command with a clear message.
    let mut c = bin();
    c.env("PALISADE_DB", dir.path().join("no-such-osv.db"))
        .args([
            "scan",
            "--no-progress",
            "--engines",
            "secrets",
            "--repo",
            "acme/demo",
            "--branch",
            "main",
            "--upload",
            &url,
            "--token",
            "pst_wrong",
        ]);
    let bad = run(c.arg(demo()));
    assert!(
        bad.code >= 3 && bad.stderr.contains("401"),
        "{} {}",
        bad.code,
        bad.stderr
    );

    // Tokens are listed (never their secrets) and revoked.
    let list = run(bin().args(["serve", "token", "list", "--store", &store]));
    assert!(list.stdout.contains("acme/demo") && list.stdout.contains("active"));
    assert!(!list.stdout.contains(&token));
    let revoke = run(bin().args(["serve", "token", "revoke", "1", "--store", &store]));
    assert_eq!(revoke.code, 0, "{}", revoke.stderr);
    let refused = scan(&["--fail-on", "never"]);
    assert!(
        refused.code >= 3 && refused.stderr.contains("401"),
        "{}",
        refused.stderr
    );
    drop(server);
}
