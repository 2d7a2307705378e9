//! A small driver for benchmarks and manual runs (the user-facing command is `palisade iac`).
//!
//! - `tfscan DIR [--json]`: scan every root module under DIR.
//! - `tfscan --plan FILE [--json]`: scan a `terraform show -json` plan.
//! - `tfscan --dump-examples DIR`: write every check's examples to `DIR/<check>/{pos,neg}/main.tf`.
#![allow(clippy::print_stdout)]

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    if args.first().map(|s| s.as_str()) == Some("--dump-examples") {
        let out = Path::new(args.get(1).map_or(".", |s| s.as_str()));
        for c in palisade_terraform::checks() {
            let name = c.meta.id.trim_start_matches("iac/");
            for (kind, ex) in [
                ("pos", &c.meta.examples),
                ("neg", &c.meta.negative_examples),
            ] {
                let dir = out.join(name).join(kind);
                let _ = std::fs::create_dir_all(&dir);
                let text = ex.first().map_or("", |e| e.text());
                let _ = std::fs::write(dir.join("main.tf"), text);
            }
        }
        return;
    }
    let report = if args.first().map(|s| s.as_str()) == Some("--plan") {
        let p = args.get(1).map_or("", |s| s.as_str());
        let text = std::fs::read_to_string(p).unwrap_or_default();
        palisade_terraform::scan_plan_json(p, &text)
    } else {
        let dir = args.first().map_or(".", |s| s.as_str());
        palisade_terraform::scan_dir(Path::new(dir), &palisade_terraform::TfOptions::default())
    };
    if json {
        for f in &report.findings {
            for l in &f.locations {
                println!(
                    "{}",
                    serde_json::json!({"check": f.check, "file": l.file, "line": l.line, "column": l.column, "address": l.address})
                );
            }
        }
        return;
    }
    for f in &report.findings {
        println!("{} [{:?}] {}", f.check, f.severity, f.message);
        for l in &f.locations {
            println!("    {}:{}:{} {}", l.file, l.line, l.column, l.address);
        }
    }
    for d in &report.diagnostics {
        println!("diagnostic {}:{}: {}", d.file, d.line, d.message);
    }
    println!(
        "{} roots, {} resources, {} findings, {} diagnostics",
        report.roots,
        report.resources,
        report.findings.len(),
        report.diagnostics.len()
    );
}
