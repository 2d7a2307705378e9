//! Every file of `shared/data/version-vectors` (OSV's `semantic` test data, Apache-2.0,
//! read at test time): each `a < b`, `a = b` or `a > b` line must hold in both
//! directions. Skips (and says why) when the shared data is absent.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::PathBuf;

use palisade_version::{Ecosystem, compare};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/version-vectors")
}

/// The ordering a vector file is written for, from its name.
fn ecosystem_of(file: &str) -> Option<Ecosystem> {
    let prefix = file.split('-').next()?;
    Some(match prefix {
        "alpine" => Ecosystem::Alpine,
        "cran" => Ecosystem::Cran,
        "debian" => Ecosystem::Debian,
        "hackage" => Ecosystem::Hackage,
        "maven" => Ecosystem::Maven,
        "nuget" => Ecosystem::NuGet,
        "packagist" => Ecosystem::Packagist,
        "pub" => Ecosystem::Pub,
        "pypi" => Ecosystem::PyPI,
        "redhat" => Ecosystem::Rpm,
        "rubygems" => Ecosystem::RubyGems,
        "semver" => Ecosystem::SemVer,
        _ => return None,
    })
}

fn symbol(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

#[test]
fn every_vector_file_agrees_completely() {
    let dir = vectors_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "skipped: no version vectors at {} (the shared data is not checked out)",
            dir.display()
        );
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());

    let mut summary = String::new();
    let mut failures = Vec::new();
    let mut total_failed = 0usize;
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let eco = ecosystem_of(&name).unwrap_or_else(|| {
            panic!("{name}: no ecosystem for this vector file; map it in ecosystem_of")
        });
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (mut passed, mut checked) = (0usize, 0usize);
        for (lineno, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [a, op, b] = fields[..] else {
                panic!("{name}:{}: malformed vector line {line:?}", lineno + 1);
            };
            let want = match op {
                "<" => Ordering::Less,
                "=" => Ordering::Equal,
                ">" => Ordering::Greater,
                _ => panic!("{name}:{}: unknown operator {op:?}", lineno + 1),
            };
            checked += 1;
            let ab = compare(eco, a, b);
            let ba = compare(eco, b, a);
            if ab == want && ba == want.reverse() {
                passed += 1;
            } else {
                total_failed += 1;
                failures.push(format!(
                    "{name}:{}: {a} {op} {b}, but compare(a, b) is {} and compare(b, a) is {}",
                    lineno + 1,
                    symbol(ab),
                    symbol(ba)
                ));
            }
        }
        let _ = writeln!(summary, "{name:40} {passed:>6}/{checked:<6} ({eco})");
    }
    eprintln!("{summary}");
    if total_failed > 0 {
        let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
        panic!(
            "{total_failed} vectors disagree; the first {}:\n{}",
            shown.len(),
            shown.join("\n")
        );
    }
}
