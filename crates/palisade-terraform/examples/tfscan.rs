//! `cargo run --example tfscan -- DIR [--plan FILE]`: prints findings and diagnostics.
#![allow(clippy::print_stdout)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let report = if args.first().map(String::as_str) == Some("--plan") {
        let p = args.get(1).cloned().unwrap_or_default();
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        palisade_terraform::scan_plan_json(&p, &text)
    } else {
        let dir = args.first().cloned().unwrap_or_else(|| ".".into());
        palisade_terraform::scan_dir(
            std::path::Path::new(&dir),
            &palisade_terraform::TfOptions::default(),
        )
    };
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
        "{} roots, {} resources, {} findings",
        report.roots,
        report.resources,
        report.findings.len()
    );
}
