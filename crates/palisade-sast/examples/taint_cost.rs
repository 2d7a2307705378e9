//! Taint cost measurement: scans every file under a directory with the rules of one file,
//! single-threaded, and prints files, lines, findings and wall time.
//! `cargo run --release -p palisade-sast --example taint_cost -- RULES.yaml DIR`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};

fn walk(d: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(d) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: taint_cost RULES.yaml DIR");
        std::process::exit(2);
    }
    let engine = match palisade_sast::SastEngine::from_paths(&[PathBuf::from(&args[1])], false) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("rules: {e}");
            std::process::exit(2);
        }
    };
    let mut files = Vec::new();
    walk(Path::new(&args[2]), &mut files);
    files.sort();
    let start = std::time::Instant::now();
    let (mut lines, mut findings, mut skipped) = (0usize, 0usize, 0usize);
    for f in &files {
        let Ok(content) = std::fs::read(f) else {
            continue;
        };
        lines += content.iter().filter(|b| **b == b'\n').count();
        match engine.scan_source(&f.to_string_lossy(), &content) {
            Ok(v) => findings += v.len(),
            Err(_) => skipped += 1,
        }
    }
    println!(
        "{} files, {lines} lines, {findings} findings, {skipped} skipped, {:.2}s",
        files.len(),
        start.elapsed().as_secs_f64()
    );
}
