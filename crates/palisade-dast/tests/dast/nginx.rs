//! nginx (Debian's package, installed by `.ci/setup-dast.sh`) with a deliberately bad and a
//! hardened header configuration, each in its own prefix under a temporary directory, on a
//! free 127.0.0.1 port, as one foreground process (`master_process off`).

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use palisade_dast::{Options, run};
use url::Url;

pub struct Nginx {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> Option<PathBuf> {
    for p in ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(p).exists() {
            return Some(p.into());
        }
    }
    None
}

const HARDENED: &str = r#"
        server_tokens off;
        add_header Content-Security-Policy "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Referrer-Policy no-referrer always;
        add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" always;
        add_header Cross-Origin-Opener-Policy same-origin always;
        add_header Cross-Origin-Resource-Policy same-origin always;
"#;

/// Starts nginx; `None` (with the reason printed) when nginx is not installed locally.
pub fn start(hardened: bool) -> Option<Nginx> {
    let Some(bin) = binary() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("nginx is not installed: run .ci/setup-dast.sh");
        }
        eprintln!("SKIP: nginx is not installed (run .ci/setup-dast.sh)");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["www/files", "tmp", "logs"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    std::fs::write(d.join("www/index.html"), "<!doctype html><html><head><title>static</title></head><body><a href=\"/page2.html\">two</a> <a href=\"/files/\">files</a></body></html>").unwrap();
    std::fs::write(
        d.join("www/page2.html"),
        "<!doctype html><html><body><p>two</p></body></html>",
    )
    .unwrap();
    std::fs::write(d.join("www/files/report.txt"), "report").unwrap();
    if hardened {
        std::fs::write(
            d.join("www/files/index.html"),
            "<!doctype html><html><body>files</body></html>",
        )
        .unwrap();
    }
    // Workers may run as an unprivileged user when started as root: let them read the tree.
    let _ = Command::new("chmod").args(["-R", "a+rX"]).arg(d).status();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dp = d.display();
    let conf = format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {dp}/nginx.pid;
error_log {dp}/logs/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {dp}/tmp/body;
    proxy_temp_path {dp}/tmp/proxy;
    fastcgi_temp_path {dp}/tmp/fastcgi;
    uwsgi_temp_path {dp}/tmp/uwsgi;
    scgi_temp_path {dp}/tmp/scgi;
    types {{ text/html html; text/plain txt; }}
    default_type application/octet-stream;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {dp}/www;
        {headers}
        location /files/ {{ autoindex {autoindex}; }}
    }}
}}
"#,
        headers = if hardened {
            HARDENED
        } else {
            "server_tokens on;"
        },
        autoindex = if hardened { "off" } else { "on" },
    );
    let mut f = std::fs::File::create(d.join("nginx.conf")).unwrap();
    f.write_all(conf.as_bytes()).unwrap();
    let child = Command::new(bin)
        .arg("-p")
        .arg(d)
        .arg("-c")
        .arg(d.join("nginx.conf"))
        .arg("-e")
        .arg(d.join("logs/error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let n = Nginx {
        child,
        port,
        _dir: dir,
    };
    let until = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < until,
            "nginx did not start; see its error log"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(n)
}

fn scan(port: u16) -> palisade_dast::Outcome {
    let mut o = Options::new(Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap());
    o.passive_only = true;
    o.limits.rps = 0.0;
    run(&o).unwrap()
}

const HEADER_RULES: &[&str] = &[
    "dast/csp-missing",
    "dast/clickjacking",
    "dast/content-type-options-missing",
    "dast/referrer-policy-unsafe",
    "dast/permissions-policy-missing",
    "dast/cross-origin-isolation-missing",
    "dast/server-banner",
    "dast/header-grade",
    "dast/directory-listing",
];

#[test]
fn nginx_bad_configuration_is_flagged() {
    let Some(n) = start(false) else { return };
    let out = scan(n.port);
    let rules: Vec<&str> = out.findings.iter().map(|f| f.rule.0.as_str()).collect();
    for r in HEADER_RULES {
        assert!(rules.contains(r), "{r} missing from {rules:?}");
    }
    let g = out.stats.grade.unwrap();
    assert!(g.score < 60, "{g:?}");
}

#[test]
fn nginx_hardened_configuration_is_clean() {
    let Some(n) = start(true) else { return };
    let out = scan(n.port);
    let rules: Vec<&str> = out.findings.iter().map(|f| f.rule.0.as_str()).collect();
    for r in HEADER_RULES {
        assert!(
            !rules.contains(r),
            "{r} reported on the hardened nginx: {rules:?}"
        );
    }
    assert_eq!(out.stats.grade.unwrap().grade, "A+");
}
