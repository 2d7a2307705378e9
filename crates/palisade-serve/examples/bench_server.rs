//! The server of `bench/serve/`: `palisade serve` without the rest of palisade (so a
//! release build for benchmarking compiles only what the server needs).
//!
//! ```text
//! bench_server serve STORE BIND          # prints "palisade serve: URL" like `palisade serve`
//! bench_server seed STORE PROJECTS FINDINGS_PER_PROJECT
//! ```
//! Environment: PALISADE_ADMIN_TOKEN, PALISADE_POOL_SIZE, PALISADE_UPLOAD_RATE.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") if args.len() == 4 => serve(&args[2], &args[3]),
        Some("seed") if args.len() == 5 => {
            seed(&args[2], args[3].parse().unwrap(), args[4].parse().unwrap())
        }
        _ => {
            eprintln!("usage: bench_server serve STORE BIND | seed STORE PROJECTS FINDINGS");
            std::process::exit(2);
        }
    }
}

fn serve(store: &str, bind: &str) {
    let mut c = palisade_serve::Config::new(store);
    c.bind = bind.parse().unwrap();
    c.admin_token = std::env::var("PALISADE_ADMIN_TOKEN").ok();
    c.max_upload_bytes = 256 * 1024 * 1024;
    if let Some(n) = std::env::var("PALISADE_POOL_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        c.pool_size = n;
    }
    if let Some(n) = std::env::var("PALISADE_UPLOAD_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        c.upload_rate_per_minute = n;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let running = palisade_serve::start(c).await.unwrap();
        let mut out = std::io::stdout().lock();
        writeln!(out, "palisade serve: {} (store: {store})", running.url).unwrap();
        out.flush().unwrap();
        drop(out);
        running.wait_for_signal().await.unwrap();
    });
}

/// Fills a store with PROJECTS × FINDINGS findings (one scan each, spread over a year).
fn seed(store: &str, projects: usize, per: usize) {
    use palisade_store::{NewFinding, ScanMeta, Severity, Store};
    let mut s = Store::open(store).unwrap();
    let sev = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    let t0 = 1_760_000_000i64;
    for p in 0..projects {
        let name = format!("seed/p{p:04}");
        s.create_project(&name, "seed", t0).unwrap();
        let findings: Vec<NewFinding> = (0..per)
            .map(|i| NewFinding {
                fingerprint: format!("{p:04}{i:012}"),
                rule: format!("sast/rule-{}", i % 60),
                severity: sev[(i * 7 + p) % 5],
                message: format!("finding {i} in project {p}"),
                path: format!("src/m{}.py", i % 211),
                line: (i % 900) as u32 + 1,
                evidence: None,
                cwe: vec![89],
                owners: vec![format!("@team{}", p % 20)],
            })
            .collect();
        let meta = ScanMeta {
            repo: name,
            branch: "main".into(),
            commit: None,
            tool: "palisade".into(),
            tool_version: "0.1.0".into(),
            time: t0 + (p as i64 % 365) * 86_400,
            by: "seed".into(),
            source: None,
        };
        s.record_scan(&meta, &findings, false).unwrap();
        if p % 10 == 0 {
            eprintln!("seeded {} findings", (p + 1) * per);
        }
    }
}
