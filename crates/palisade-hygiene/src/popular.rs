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

/// A popular name with the forms the typosquat check compares, computed once per list.
pub(crate) struct Entry {
    pub name: &'static str,
    /// Lowercase, `_`/`.` as `-`, Go `/vN` suffix removed.
    pub norm: String,
    /// `norm` with look-alike characters mapped.
    pub glyph: String,
    pub chars: Vec<char>,
    /// The owned namespace of `norm` (scope, vendor, groupId, module path).
    pub ns: Option<String>,
}

/// The entries of `ecosystem`'s list (empty without one).
pub(crate) fn entries(ecosystem: &str) -> &'static [Entry] {
    static CELLS: [OnceLock<Vec<Entry>>; 8] = [const { OnceLock::new() }; 8];
    let list = for_ecosystem(ecosystem);
    let Some(i) = ECOSYSTEMS
        .iter()
        .position(|e| for_ecosystem(e).as_ptr() == list.as_ptr())
        .filter(|_| !list.is_empty())
    else {
        return &[];
    };
    let is_go = i == 7;
    CELLS[i].get_or_init(|| {
        list.iter()
            .map(|name| {
                let base = if is_go {
                    crate::strip_go_major(name)
                } else {
                    name
                };
                let norm = crate::normalise(base);
                Entry {
                    name,
                    glyph: crate::deglyph(&norm),
                    chars: norm.chars().collect(),
                    ns: crate::namespace(&norm).map(str::to_owned),
                    norm,
                }
            })
            .collect()
    })
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
