//! The most-downloaded package names per ecosystem, as data files under `data/popular/`
//! (one name a line, `#` comments saying where the ranking comes from; approximate by
//! nature). Embedded at build time and split into lines once.

use std::sync::OnceLock;

const NPM: &str = include_str!("../data/popular/npm.txt");
const PYPI: &str = include_str!("../data/popular/pypi.txt");
const CRATES: &str = include_str!("../data/popular/crates.io.txt");
const RUBYGEMS: &str = include_str!("../data/popular/rubygems.txt");
const PACKAGIST: &str = include_str!("../data/popular/packagist.txt");
const MAVEN: &str = include_str!("../data/popular/maven.txt");
const NUGET: &str = include_str!("../data/popular/nuget.txt");
const GO: &str = include_str!("../data/popular/go.txt");

/// The ecosystems with a list, in `Package::ecosystem` spelling.
pub const ECOSYSTEMS: [&str; 8] = [
    "npm",
    "PyPI",
    "crates.io",
    "RubyGems",
    "Packagist",
    "Maven",
    "NuGet",
    "Go",
];

fn parse(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn cached(
    cell: &'static OnceLock<Vec<&'static str>>,
    text: &'static str,
) -> &'static [&'static str] {
    cell.get_or_init(|| parse(text))
}

/// The popular names of `ecosystem` (case-insensitive; `cargo` is crates.io, `golang` is
/// Go); empty for an ecosystem without a list.
pub fn for_ecosystem(ecosystem: &str) -> &'static [&'static str] {
    static CELLS: [OnceLock<Vec<&'static str>>; 8] = [const { OnceLock::new() }; 8];
    let (i, text) = match ecosystem.to_ascii_lowercase().as_str() {
        "npm" => (0, NPM),
        "pypi" => (1, PYPI),
        "crates.io" | "cargo" => (2, CRATES),
        "rubygems" => (3, RUBYGEMS),
        "packagist" => (4, PACKAGIST),
        "maven" => (5, MAVEN),
        "nuget" => (6, NUGET),
        "go" | "golang" => (7, GO),
        _ => return &[],
    };
    cached(&CELLS[i], text)
}
