//! Benchmark driver for the SAST engine alone (no walker, no report), used by
//! `bench/sast/` when the full `palisade` release binary is not at hand:
//!
//! `sast-bench RULES_DIR|builtin PATH...` scans every file under PATH with one thread and
//! prints the findings count and the load and scan times.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use palisade_sast::{Lang, SastEngine};

fn walk(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        let mut es: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        es.sort();
        for e in es {
            walk(&e, out);
        }
    } else if Lang::from_path(&p.to_string_lossy()).is_some() {
        out.push(p.to_path_buf());
    }
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((rules, paths)) = args.split_first() else {
        return Err("usage: sast-bench RULES_DIR|builtin PATH...".into());
    };
    let t0 = Instant::now();
    let engine = if rules == "builtin" {
        SastEngine::builtin().map_err(|e| e.to_string())?
    } else {
        let dirs = [PathBuf::from(rules)];
        SastEngine::from_paths(&dirs, false).map_err(|e| e.to_string())?
    };
    let load = t0.elapsed();
    let mut files = Vec::new();
    for p in paths {
        walk(Path::new(p), &mut files);
    }
    let mut findings = 0;
    for f in &files {
        let Ok(content) = std::fs::read(f) else {
            continue;
        };
        if let Ok(found) = engine.scan_source(&f.to_string_lossy(), &content) {
            findings += found.len();
        }
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} file(s), {findings} finding(s); load {:.1} ms, total {:.1} ms",
        files.len(),
        load.as_secs_f64() * 1e3,
        t0.elapsed().as_secs_f64() * 1e3
    )
    .map_err(|e| e.to_string())
}
