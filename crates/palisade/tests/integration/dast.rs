//! `palisade dast`: the command end to end against a tiny server on 127.0.0.1, in the formats
//! that carry HTTP locations.

use std::io::{Read, Write};
use std::net::TcpListener;

use crate::common::{bin, run};

/// Serves one fixed, header-less HTML page to every request, on a free port.
fn serve() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = "<html><body><a href=\"/two\">two</a><a href=\"http://192.0.2.1/out\">out</a></body></html>";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nserver: nginx/1.22.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn dast_reports_http_locations_in_json_and_sarif() {
    let port = serve();
    let url = format!("http://127.0.0.1:{port}/");
    let r = run(bin().args([
        "dast",
        &url,
        "--passive-only",
        "-f",
        "json",
        "--fail-on",
        "medium",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "dast/csp-missing")
        .expect("csp finding");
    assert_eq!(f["locations"][0]["kind"], "http");
    assert!(
        f["locations"][0]["url"]
            .as_str()
            .expect("url")
            .starts_with(&url)
    );
    assert!(
        r.stderr
            .contains("1 out-of-scope URL(s) seen and not requested"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("security headers grade"), "{}", r.stderr);

    let r = run(bin().args([
        "dast",
        &url,
        "--passive-only",
        "-f",
        "sarif",
        "--fail-on",
        "never",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("sarif");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].to_string();
    assert!(
        rules.contains("dast/server-banner") && rules.contains("CWE"),
        "{rules}"
    );
    assert!(r.stdout.contains(&url));
}

#[test]
fn dast_refuses_offline_and_bad_urls() {
    let r = run(bin().args(["--offline", "dast", "http://127.0.0.1:9/"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(bin().args(["dast", "not a url"]));
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("is not a URL"), "{}", r.stderr);
    let r = run(bin().args(["explain", "dast/xss-reflected"]));
    assert!(r.stdout.contains("CWE-79"), "{}", r.stdout);
}
