//! Embeds every file under `rules/` (rule YAML and annotated test files) in the binary.

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    // Relative paths (cargo reads them against the package root) keep the
    // fingerprint valid when a target directory is reused from another checkout.
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut code = String::from(
        "/// (path relative to rules/, content)\npub static BUILTIN: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        let Ok(rel) = f.strip_prefix(&root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.starts_with('.') || rel.contains("/.") {
            continue;
        }
        println!("cargo:rerun-if-changed=rules/{rel}");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    // An empty rules directory (a checkout without it) must not build a SAST engine
    // that silently has no rules.
    if !files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "yaml" || e == "yml"))
    {
        panic!("no rule files under {}", root.display());
    }
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("builtin.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
