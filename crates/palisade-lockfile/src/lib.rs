//! Package inventory from lockfiles, manifests and OS package databases.
//!
//! The inventory half of dependency scanning: given one file (and, for the two formats
//! that need one, a way to read its siblings), list the packages it pins, each with its
//! OSV ecosystem, name, version, [package URL](https://github.com/package-url/purl-spec),
//! direct/transitive and dev/prod flags where the file says so, the dependency edges where
//! the file gives a graph, and the line it came from.
//!
//! Every format is parsed directly from its bytes: no package manager is ever run, nothing
//! is fetched, and a scanned tree cannot make palisade execute anything. See [`Format`] for
//! the list of formats and what each reads.
//!
//! # Use
//!
//! ```
//! use palisade_lockfile::{detect, parse, Format};
//!
//! let text = b"[[package]]\nname = \"memchr\"\nversion = \"2.7.4\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
//! let format = detect("ruff.Cargo.lock", text).expect("a Cargo.lock");
//! assert_eq!(format, Format::CargoLock);
//! let inventory = parse(format, "ruff.Cargo.lock", text)?;
//! let memchr = &inventory.packages[0];
//! assert_eq!(memchr.purl, "pkg:cargo/memchr@2.7.4");
//! assert_eq!(memchr.line, Some(1));
//! # Ok::<(), palisade_lockfile::LockfileError>(())
//! ```
//!
//! # Formats
//!
//! One [`Format`] variant per file kind; the versions of each are told apart by content:
//!
//! | ecosystem | files |
//! |---|---|
//! | npm | `package-lock.json` v1, v2, v3 and `npm-shrinkwrap.json`; `yarn.lock` classic (v1) and berry (v2+); `pnpm-lock.yaml` 5.x, 6.x, 9.x; `bun.lock` |
//! | PyPI | `requirements*.txt` (`-r`/`-c` includes, hashes, markers, extras, URLs, pip-compile `# via`); `poetry.lock` 1.x and 2.x; `Pipfile.lock`; `uv.lock`; `pdm.lock`; `pylock.toml` |
//! | Go | `go.mod` (require, `// indirect`, replace, exclude); `go.sum` |
//! | crates.io | `Cargo.lock` v1 to v4 (workspace and path crates left out, git crates kept) |
//! | RubyGems, Packagist | `Gemfile.lock` / `gems.locked`; `composer.lock` |
//! | Maven | `pom.xml` (properties, `dependencyManagement`, `${project.*}`, local parent POMs); `gradle.lockfile`; Gradle `verification-metadata.xml`; `libs.versions.toml`; `build.gradle(.kts)` (literal coordinates only) |
//! | NuGet | `packages.lock.json`; `packages.config`; `*.deps.json`; `*.csproj`/`*.fsproj`/`*.vbproj`; `paket.lock` |
//! | others | `mix.lock` (Hex), `pubspec.lock` (Pub), `Podfile.lock` (CocoaPods), `Package.resolved` v1-v3 (SwiftURL), `conan.lock` 0.4 and 0.5 (ConanCenter), `renv.lock` (CRAN, Bioconductor), `stack.yaml.lock` and `cabal.project.freeze` (Hackage), `Manifest.toml` formats 1 and 2 (Julia) |
//! | SBOM | CycloneDX JSON (`bom.json`, `*.cdx.json`) and XML (`bom.xml`, `*.cdx.xml`), SPDX 2.x JSON (`*.spdx.json`) and tag-value (`*.spdx`), each also recognised by content: each component's purl mapped back to its ecosystem ([`from_purl`]), with its licenses |
//! | OS | dpkg `status` (Debian; opkg's for OpenWrt), apk `installed` (Alpine), RPM `Packages` (Berkeley DB) and `rpmdb.sqlite`; [`os_release::OsRelease`] adds the release (`Debian:12`) |
//!
//! Not done: container images (a later step), Gradle and Maven files whose versions come
//! from outside the file (remote parent POMs, `import`-scope BOMs, Gradle plugins and
//! platforms), Go's standard library as a package, and RPM databases in the older
//! Berkeley DB B-tree or NDB formats.
//!
//! # Hostile input
//!
//! Lockfiles come from untrusted repositories. Every parser is total: any byte string gives
//! either an [`Inventory`] or a [`LockfileError`] naming the file, the line where known, and
//! what is wrong; nothing panics. An entry of the wrong shape inside an otherwise good file
//! is skipped with a [`Diagnostic`] and the rest of the file is still read. Nesting depth is
//! bounded by every structured parser (`serde_json` stops at 128 levels, `toml` at its
//! own recursion limit, the YAML budget at 64 levels, and the XML and line-based parsers
//! do not recurse), includes are bounded in depth and checked for cycles, and no loop is
//! quadratic in the input (the tests feed the inputs that were). The maximum file size is the caller's business (palisade's walker
//! bounds it before reading).
//!
//! # Crates, and why
//!
//! - `serde_json`: the JSON formats. Its recursion limit is on by default. Line numbers are
//!   recovered by `text::JsonLines`, one linear, allocation-free pass over the already
//!   validated text that records the line of every value by a hash of its path.
//! - `toml`: Cargo.lock, poetry.lock, uv.lock, pdm.lock, pylock.toml, libs.versions.toml
//!   and Julia's Manifest.toml. It is the workspace's TOML crate, it keeps spans
//!   (`toml::Spanned`) so each package gets its line, and it bounds recursion.
//! - `serde-saphyr`: the YAML formats (pnpm-lock.yaml, pubspec.lock, stack.yaml.lock). It is the workspace's YAML crate, pure Rust, and enforces a budget
//!   (depth, events, aliases: no billion-laughs expansion).
//! - `quick-xml`: pom.xml, packages.config, .csproj and Gradle's verification-metadata.xml.
//!   A pull parser: no recursion, no DTD or external entity expansion, and byte offsets for
//!   line numbers.
//! - `serde` and `thiserror`: typed deserialisation and the one error type, as in every
//!   palisade crate. Tests unpack the shared samples with `ruzstd` and `tar` (pure Rust: no
//!   C zstd to build, no `tar` binary needed).
//! - No crate for the line formats (requirements.txt, yarn.lock, go.mod, go.sum,
//!   Gemfile.lock, mix.lock, paket.lock, Podfile.lock, gradle.lockfile, cabal freeze,
//!   build.gradle, dpkg/apk status):
//!   they are small grammars, and a crate for each would add more than it saves.
//! - `rusqlite` (bundled SQLite, with `serialize`): the RPM SQLite database
//!   (`rpmdb.sqlite`, RPM 4.16+). The file is handed to SQLite from memory, read-only; SQLite
//!   is the reference reader of its own format and is fuzzed against corrupt files. The
//!   bundled build costs about 35 s of C compilation once, and the workspace's findings
//!   store will want SQLite anyway.
//! - The RPM Berkeley DB (`Packages`, before RPM 4.16) is read by hand: a hash database of
//!   fixed-size pages (key/data items, overflow chains) whose values are RPM headers, both
//!   simple, documented binary layouts; every offset is bounds-checked and overflow chains
//!   are cut at the page count (no cycles). Only hash databases are read, not B-tree ones
//!   (RPM always used hash).

mod dotnet;
mod format;
mod go;
mod js;
mod jvm;
mod misc;
mod os;
pub mod os_release;
pub mod purl;
pub use sbom::from_purl;

/// A PyPI name as the registry compares names (PEP 503): lowercase, and runs of `-`, `_`
/// and `.` as one `-`.
pub fn normalize_pypi_name(name: &str) -> String {
    python::normalize(name)
}
mod python;
mod ruby_php;
mod rust;
mod sbom;
mod text;
mod xml;

use std::path::Path;

pub use format::{Format, detect};

/// One package pinned (or, for manifests, required) by a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Package {
    /// The OSV ecosystem name: `npm`, `PyPI`, `crates.io`, `Go`, `Maven`, `RubyGems`,
    /// `Packagist`, `NuGet`, `Pub`, `Hex`, `Hackage`, `CRAN`, `SwiftURL`, `ConanCenter`,
    /// `Julia`, `CocoaPods`, `Debian`, `Alpine`, `Red Hat`, `OpenWrt`.
    pub ecosystem: String,
    /// The name as the ecosystem spells it (`@babel/core`, `org.slf4j:slf4j-api`,
    /// `github.com/pkg/errors`).
    pub name: String,
    /// The pinned version; `None` when the file does not pin one (an unpinned
    /// requirements line, a manifest range).
    pub version: Option<String>,
    /// The package URL, per the purl specification (type, namespace, percent-encoding).
    pub purl: String,
    /// `Some(true)` for a dependency the project asks for itself, `Some(false)` for a
    /// transitive one, `None` when the file does not say.
    pub direct: Option<bool>,
    /// `Some(true)` for a development-only dependency, `None` when the file does not say.
    pub dev: Option<bool>,
    /// The file the package came from (an included requirements file, a parent POM, or
    /// the file parsed).
    pub file: String,
    /// The 1-based line of the package's entry, where known.
    pub line: Option<u32>,
    /// Dependency edges, where the file gives a graph: `(name, version)`, the version
    /// resolved when the file pins it, otherwise the requirement as written.
    pub dependencies: Vec<(String, String)>,
    /// The SPDX license expression the file records for the package (package-lock v2/v3
    /// `license`, composer.lock `license`, an SBOM's licenses); `None` when it says none.
    pub license: Option<String>,
    /// Where the package was resolved from, as the file records it (package-lock
    /// `resolved`, Cargo.lock `source`); `None` when it does not say.
    pub resolved: Option<String>,
    /// The package runs an install script (`preinstall`, `install`, `postinstall`) when
    /// installed: package-lock v2/v3 `hasInstallScript`.
    pub install_script: bool,
}

/// A problem with part of a file that did not stop the rest from being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub file: String,
    /// The 1-based line, where known.
    pub line: Option<u32>,
    /// What is wrong, one line.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// What a file pins: its packages and the problems met on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The packages, in file order.
    pub packages: Vec<Package>,
    /// Entries skipped or noted (unpinned requirements, unreadable includes, wrong types).
    pub diagnostics: Vec<Diagnostic>,
}

impl Inventory {
    /// For formats whose graph names dependencies by name only: replaces each
    /// dependency's requirement with the version the inventory pins for that name
    /// (requirements of names it does not pin are kept as written).
    pub(crate) fn pin_dependencies_by_name(&mut self) {
        let versions: std::collections::HashMap<String, String> = self
            .packages
            .iter()
            .filter_map(|p| Some((p.name.clone(), p.version.clone()?)))
            .collect();
        for p in &mut self.packages {
            for (dep, req) in &mut p.dependencies {
                if let Some(v) = versions.get(dep.as_str()) {
                    req.clone_from(v);
                }
            }
        }
    }
}

/// A file that could not be read as its format at all.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum LockfileError {
    /// The file is not valid for its format (syntax, wrong types, truncated, too deep).
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file.
        file: String,
        /// The 1-based line, where known.
        line: Option<u32>,
        /// What is wrong.
        message: String,
    },
    /// No format matches the name given to `--type`.
    #[error("unknown lockfile format `{0}`; expected one of: {names}", names = format_names())]
    UnknownFormat(String),
}

fn format_names() -> String {
    Format::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl LockfileError {
    pub(crate) fn invalid(file: &str, line: Option<u32>, message: impl Into<String>) -> Self {
        LockfileError::Invalid {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }

    /// The line the error points at, if any.
    #[must_use]
    pub fn line(&self) -> Option<u32> {
        match self {
            LockfileError::Invalid { line, .. } => *line,
            _ => None,
        }
    }
}

/// Reads a sibling file (a requirements `-r` include, a parent POM) by its path relative
/// to the scan root; `None` when it does not exist or may not be read. The caller decides
/// the scan root and must refuse paths outside it; this crate never touches the file
/// system itself and additionally rejects absolute paths and `..` escaping the root.
pub type Loader<'a> = &'a dyn Fn(&Path) -> Option<Vec<u8>>;

/// Parses `content` as `format`. `path` names the file in packages and diagnostics. Formats
/// that include sibling files see none (use [`parse_with_loader`] for them).
///
/// # Errors
///
/// [`LockfileError::Invalid`] when the file cannot be read as `format` at all.
pub fn parse(format: Format, path: &str, content: &[u8]) -> Result<Inventory, LockfileError> {
    parse_with_loader(format, path, content, &|_| None)
}

/// Parses `content` as `format`, reading sibling files (requirements `-r`/`-c` includes,
/// a pom.xml's local parent) through `loader`. Includes are bounded in depth
/// ([`MAX_INCLUDE_DEPTH`]) and cycles are reported, not followed.
///
/// `path` should be the file's path relative to the scan root: includes are resolved
/// against it lexically and refused (with a diagnostic) when absolute or when they climb
/// above the root with `..`, so `loader` is only ever asked for relative paths inside the
/// root. With an absolute `path`, every include is refused.
///
/// # Errors
///
/// [`LockfileError::Invalid`] when the file cannot be read as `format` at all.
pub fn parse_with_loader(
    format: Format,
    path: &str,
    content: &[u8],
    loader: Loader<'_>,
) -> Result<Inventory, LockfileError> {
    let cx = Cx { path, loader };
    let mut inv = match format {
        Format::PackageLockJson => js::package_lock(&cx, content),
        Format::YarnLock => js::yarn_lock(&cx, content),
        Format::PnpmLock => js::pnpm_lock(&cx, content),
        Format::BunLock => js::bun_lock(&cx, content),
        Format::RequirementsTxt => python::requirements(&cx, content),
        Format::PoetryLock => python::poetry_lock(&cx, content),
        Format::PipfileLock => python::pipfile_lock(&cx, content),
        Format::UvLock => python::uv_lock(&cx, content),
        Format::PdmLock => python::pdm_lock(&cx, content),
        Format::PylockToml => python::pylock_toml(&cx, content),
        Format::GoMod => go::go_mod(&cx, content),
        Format::GoSum => go::go_sum(&cx, content),
        Format::CargoLock => rust::cargo_lock(&cx, content),
        Format::GemfileLock => ruby_php::gemfile_lock(&cx, content),
        Format::ComposerLock => ruby_php::composer_lock(&cx, content),
        Format::PomXml => jvm::pom_xml(&cx, content),
        Format::GradleLockfile => jvm::gradle_lockfile(&cx, content),
        Format::GradleVerificationMetadata => jvm::verification_metadata(&cx, content),
        Format::GradleVersionCatalog => jvm::version_catalog(&cx, content),
        Format::BuildGradle => jvm::build_gradle(&cx, content),
        Format::NugetPackagesLock => dotnet::packages_lock(&cx, content),
        Format::PackagesConfig => dotnet::packages_config(&cx, content),
        Format::DepsJson => dotnet::deps_json(&cx, content),
        Format::Csproj => dotnet::csproj(&cx, content),
        Format::PaketLock => dotnet::paket_lock(&cx, content),
        Format::MixLock => misc::mix_lock(&cx, content),
        Format::PubspecLock => misc::pubspec_lock(&cx, content),
        Format::PodfileLock => misc::podfile_lock(&cx, content),
        Format::PackageResolved => misc::package_resolved(&cx, content),
        Format::ConanLock => misc::conan_lock(&cx, content),
        Format::RenvLock => misc::renv_lock(&cx, content),
        Format::StackYamlLock => misc::stack_yaml_lock(&cx, content),
        Format::CabalFreeze => misc::cabal_freeze(&cx, content),
        Format::JuliaManifest => misc::julia_manifest(&cx, content),
        Format::DpkgStatus => os::dpkg_status(&cx, content, os::Flavour::Dpkg),
        Format::OpkgStatus => os::dpkg_status(&cx, content, os::Flavour::Opkg),
        Format::ApkInstalled => os::apk_installed(&cx, content),
        Format::RpmBdb => os::rpm_bdb(&cx, content),
        Format::RpmSqlite => os::rpm_sqlite(&cx, content),
        Format::CycloneDxJson => sbom::cyclonedx(&cx, content),
        Format::SpdxJson => sbom::spdx(&cx, content),
        Format::CycloneDxXml => sbom::cyclonedx_xml(&cx, content),
        Format::SpdxTagValue => sbom::spdx_tag_value(&cx, content),
    }?;
    for pkg in &mut inv.packages {
        if pkg.file.is_empty() {
            pkg.file = path.to_owned();
        }
    }
    let mut kept = Vec::with_capacity(inv.packages.len());
    for p in std::mem::take(&mut inv.packages) {
        let long =
            p.name.len() > MAX_FIELD || p.version.as_ref().is_some_and(|v| v.len() > MAX_FIELD);
        if long {
            inv.diagnostics.push(Diagnostic {
                file: p.file.clone(),
                line: p.line,
                message: format!(
                    "package skipped: its name or version is longer than {MAX_FIELD} bytes"
                ),
            });
        } else {
            kept.push(p);
        }
    }
    inv.packages = kept;
    // File order: this file's packages by line, then those of included files.
    inv.packages
        .sort_by(|a, b| (a.file != path, &a.file, a.line).cmp(&(b.file != path, &b.file, b.line)));
    Ok(inv)
}

/// How deep `-r` includes (and parent POMs) are followed.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// What every parser gets besides the bytes.
pub(crate) struct Cx<'a> {
    pub(crate) path: &'a str,
    pub(crate) loader: Loader<'a>,
}

impl Cx<'_> {
    pub(crate) fn err(&self, line: Option<u32>, message: impl Into<String>) -> LockfileError {
        LockfileError::invalid(self.path, line, clip(message.into()))
    }

    pub(crate) fn diag(&self, line: Option<u32>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.path.to_owned(),
            line,
            message: clip(message.into()),
        }
    }

    /// The content as UTF-8 (a leading BOM dropped), or an error naming the line of the
    /// first invalid byte.
    pub(crate) fn text<'b>(&self, content: &'b [u8]) -> Result<&'b str, LockfileError> {
        let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
        std::str::from_utf8(content).map_err(|e| {
            let upto = &content[..e.valid_up_to()];
            let line = memchr_count(upto) + 1;
            self.err(Some(line), "not valid UTF-8")
        })
    }
}

/// Longest message kept: a hostile file's 1 MB string must not become a 1 MB diagnostic.
const MAX_MESSAGE: usize = 400;

/// Cuts a message to [`MAX_MESSAGE`] bytes on a character boundary.
pub(crate) fn clip(mut s: String) -> String {
    if s.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push_str("...");
    }
    s
}

/// Longest name or version accepted; longer ones are hostile or broken, not packages.
pub const MAX_FIELD: usize = 1024;

fn memchr_count(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.iter().filter(|&&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

/// A package under construction: the common fields, with `file` left empty for "this file".
pub(crate) fn pkg(
    ecosystem: &str,
    name: impl Into<String>,
    version: Option<String>,
    purl: String,
    line: Option<u32>,
) -> Package {
    Package {
        ecosystem: ecosystem.to_owned(),
        name: name.into(),
        version,
        purl,
        direct: None,
        dev: None,
        file: String::new(),
        line,
        dependencies: Vec::new(),
        license: None,
        resolved: None,
        install_script: false,
    }
}
