//! The formats, their names for `--type`, and recognising a file by name or content.

use crate::LockfileError;

macro_rules! formats {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, [$($file:literal),*] ;)*) => {
        /// A lockfile, manifest or package database format.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Format {
            $( $(#[$doc])* $variant, )*
        }

        impl Format {
            /// Every format, in a stable order.
            pub const ALL: &'static [Format] = &[$(Format::$variant),*];

            /// The name used by `--type` and in messages.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $(Format::$variant => $name,)* }
            }

            /// The canonical file names of the format (a name may also carry a prefix:
            /// `ruff.Cargo.lock`, `app.package-lock.json`).
            #[must_use]
            pub fn file_names(self) -> &'static [&'static str] {
                match self { $(Format::$variant => &[$($file),*],)* }
            }
        }
    };
}

formats! {
    /// npm `package-lock.json` v1, v2, v3 and `npm-shrinkwrap.json`.
    PackageLockJson = "package-lock.json", ["package-lock.json", "npm-shrinkwrap.json"];
    /// Yarn `yarn.lock`, classic (v1) and berry (v2+).
    YarnLock = "yarn.lock", ["yarn.lock"];
    /// pnpm `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x.
    PnpmLock = "pnpm-lock.yaml", ["pnpm-lock.yaml"];
    /// Bun's text lockfile `bun.lock` (JSON with trailing commas).
    BunLock = "bun.lock", ["bun.lock"];
    /// pip `requirements*.txt` with `-r`/`-c` includes, hashes, markers and extras.
    RequirementsTxt = "requirements.txt", ["requirements.txt"];
    /// Poetry `poetry.lock`.
    PoetryLock = "poetry.lock", ["poetry.lock"];
    /// Pipenv `Pipfile.lock`.
    PipfileLock = "Pipfile.lock", ["Pipfile.lock"];
    /// uv `uv.lock`.
    UvLock = "uv.lock", ["uv.lock"];
    /// PDM `pdm.lock`.
    PdmLock = "pdm.lock", ["pdm.lock"];
    /// PEP 751 `pylock.toml` (and `pylock.NAME.toml`).
    PylockToml = "pylock.toml", ["pylock.toml"];
    /// Go `go.mod` (require blocks, `// indirect`, replace and exclude directives).
    GoMod = "go.mod", ["go.mod"];
    /// Go `go.sum` (every module version checksummed).
    GoSum = "go.sum", ["go.sum"];
    /// Cargo `Cargo.lock` v1 to v4; workspace and path crates are left out.
    CargoLock = "Cargo.lock", ["Cargo.lock"];
    /// Bundler `Gemfile.lock` (and `gems.locked`).
    GemfileLock = "Gemfile.lock", ["Gemfile.lock", "gems.locked"];
    /// Composer `composer.lock`.
    ComposerLock = "composer.lock", ["composer.lock"];
    /// Maven `pom.xml`: properties, dependencyManagement and a local parent POM resolved.
    PomXml = "pom.xml", ["pom.xml"];
    /// Gradle dependency locking `gradle.lockfile` (and `buildscript-gradle.lockfile`).
    GradleLockfile = "gradle.lockfile", ["gradle.lockfile"];
    /// Gradle dependency verification `verification-metadata.xml`.
    GradleVerificationMetadata = "verification-metadata.xml", ["verification-metadata.xml"];
    /// Gradle version catalog `libs.versions.toml`.
    GradleVersionCatalog = "libs.versions.toml", ["libs.versions.toml"];
    /// Gradle `build.gradle` / `build.gradle.kts` (literal `group:name:version` strings only).
    BuildGradle = "build.gradle", ["build.gradle", "build.gradle.kts"];
    /// NuGet `packages.lock.json`.
    NugetPackagesLock = "packages.lock.json", ["packages.lock.json"];
    /// NuGet `packages.config`.
    PackagesConfig = "packages.config", ["packages.config"];
    /// .NET `*.deps.json`.
    DepsJson = "deps.json", ["deps.json"];
    /// MSBuild project files (`*.csproj`, `*.fsproj`, `*.vbproj`): `PackageReference` items.
    Csproj = "csproj", [".csproj", ".fsproj", ".vbproj"];
    /// Paket `paket.lock`.
    PaketLock = "paket.lock", ["paket.lock"];
    /// Elixir Mix `mix.lock` (Hex packages; git dependencies are reported without version).
    MixLock = "mix.lock", ["mix.lock"];
    /// Dart and Flutter `pubspec.lock`.
    PubspecLock = "pubspec.lock", ["pubspec.lock"];
    /// CocoaPods `Podfile.lock`.
    PodfileLock = "Podfile.lock", ["Podfile.lock"];
    /// Swift Package Manager `Package.resolved` v1, v2 and v3.
    PackageResolved = "Package.resolved", ["Package.resolved"];
    /// Conan `conan.lock` (0.4 graph lock and 0.5 lock).
    ConanLock = "conan.lock", ["conan.lock"];
    /// R `renv.lock`.
    RenvLock = "renv.lock", ["renv.lock"];
    /// Haskell Stack `stack.yaml.lock`.
    StackYamlLock = "stack.yaml.lock", ["stack.yaml.lock"];
    /// Haskell `cabal.project.freeze`.
    CabalFreeze = "cabal.project.freeze", ["cabal.project.freeze"];
    /// Julia `Manifest.toml` (and `JuliaManifest.toml`, `Manifest-vX.Y.toml`).
    JuliaManifest = "Manifest.toml", ["Manifest.toml", "JuliaManifest.toml"];
    /// Debian's dpkg database, `var/lib/dpkg/status` (and `status.d/*`).
    DpkgStatus = "dpkg-status", ["var/lib/dpkg/status"];
    /// OpenWrt's opkg database, `usr/lib/opkg/status`.
    OpkgStatus = "opkg-status", ["usr/lib/opkg/status"];
    /// Alpine's apk database, `lib/apk/db/installed`.
    ApkInstalled = "apk-installed", ["lib/apk/db/installed"];
    /// The RPM database in Berkeley DB hash format, `var/lib/rpm/Packages`.
    RpmBdb = "rpm-bdb", ["var/lib/rpm/Packages"];
    /// The RPM database in SQLite format, `var/lib/rpm/rpmdb.sqlite` (RPM 4.16 and later).
    RpmSqlite = "rpm-sqlite", ["var/lib/rpm/rpmdb.sqlite"];
    /// A CycloneDX JSON SBOM (`bom.json`, `*.cdx.json`, or by content): components' purls.
    CycloneDxJson = "cyclonedx", ["bom.json", ".cdx.json"];
    /// An SPDX 2.x JSON SBOM (`*.spdx.json`, or by content): packages' purl references.
    SpdxJson = "spdx", [".spdx.json"];
    /// A CycloneDX XML SBOM (`bom.xml`, `*.cdx.xml`, or by content): components' purls.
    CycloneDxXml = "cyclonedx-xml", ["bom.xml", ".cdx.xml"];
    /// An SPDX 2.x tag-value SBOM (`*.spdx`, or by content): packages' purl references.
    SpdxTagValue = "spdx-tag-value", [".spdx"];
}

impl Format {
    /// The format named by a `--type` value: its [`Format::name`], one of its file names,
    /// or a few common aliases (`npm`, `cargo`, `pipenv`, `dpkg`...), ASCII
    /// case-insensitively.
    ///
    /// # Errors
    ///
    /// [`LockfileError::UnknownFormat`] for anything else.
    pub fn from_name(name: &str) -> Result<Format, LockfileError> {
        let n = name.trim();
        let alias = match n.to_ascii_lowercase().as_str() {
            "npm" | "package-lock" | "shrinkwrap" => Some(Format::PackageLockJson),
            "yarn" => Some(Format::YarnLock),
            "pnpm" => Some(Format::PnpmLock),
            "bun" => Some(Format::BunLock),
            "pip" | "requirements" => Some(Format::RequirementsTxt),
            "poetry" => Some(Format::PoetryLock),
            "pipenv" | "pipfile" => Some(Format::PipfileLock),
            "uv" => Some(Format::UvLock),
            "pdm" => Some(Format::PdmLock),
            "pylock" => Some(Format::PylockToml),
            "gomod" => Some(Format::GoMod),
            "gosum" => Some(Format::GoSum),
            "cargo" => Some(Format::CargoLock),
            "bundler" | "gemfile" => Some(Format::GemfileLock),
            "composer" => Some(Format::ComposerLock),
            "maven" | "pom" => Some(Format::PomXml),
            "gradle" => Some(Format::GradleLockfile),
            "nuget" => Some(Format::NugetPackagesLock),
            "paket" => Some(Format::PaketLock),
            "mix" | "hex" => Some(Format::MixLock),
            "pub" | "pubspec" => Some(Format::PubspecLock),
            "cocoapods" | "podfile" => Some(Format::PodfileLock),
            "swift" | "swiftpm" => Some(Format::PackageResolved),
            "conan" => Some(Format::ConanLock),
            "renv" => Some(Format::RenvLock),
            "stack" => Some(Format::StackYamlLock),
            "cabal" => Some(Format::CabalFreeze),
            "julia" => Some(Format::JuliaManifest),
            "dpkg" | "status" => Some(Format::DpkgStatus),
            "opkg" => Some(Format::OpkgStatus),
            "apk" => Some(Format::ApkInstalled),
            "rpm" => Some(Format::RpmBdb),
            _ => None,
        };
        if let Some(f) = alias {
            return Ok(f);
        }
        Format::ALL
            .iter()
            .copied()
            .find(|f| {
                f.name().eq_ignore_ascii_case(n)
                    || f.file_names().iter().any(|file| {
                        file.rsplit('/')
                            .next()
                            .is_some_and(|b| b.eq_ignore_ascii_case(n))
                    })
            })
            .ok_or_else(|| LockfileError::UnknownFormat(name.to_owned()))
    }
}

impl std::str::FromStr for Format {
    type Err = LockfileError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::from_name(s)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Recognises a file by its path and, where the name is ambiguous or unknown, by the first
/// bytes of its content (`head`; 8 KiB is plenty).
///
/// Names match exactly or with a prefix ending in `.`, `-` or `_` (`ruff.Cargo.lock`,
/// `app.package-lock.json`, `requirements-dev.txt`); `requirements/*.txt`, `*.deps.json`,
/// `*.csproj` and the OS database paths are recognised too.
#[must_use]
pub fn detect(path: &str, head: &[u8]) -> Option<Format> {
    let norm = path.replace('\\', "/");
    let base = norm.rsplit('/').next().unwrap_or(&norm);
    by_name(&norm, base).or_else(|| sniff(base, head))
}

fn ends_with_name(base: &str, name: &str) -> bool {
    let (b, n) = (base.as_bytes(), name.as_bytes());
    if b.len() < n.len() || !b[b.len() - n.len()..].eq_ignore_ascii_case(n) {
        return false;
    }
    b.len() == n.len() || matches!(b[b.len() - n.len() - 1], b'.' | b'-' | b'_')
}

fn by_name(path: &str, base: &str) -> Option<Format> {
    let lower = base.to_ascii_lowercase();
    // OS databases are known by their place in a root file system.
    for (suffix, f) in [
        ("var/lib/dpkg/status", Format::DpkgStatus),
        ("usr/lib/opkg/status", Format::OpkgStatus),
        ("lib/apk/db/installed", Format::ApkInstalled),
        ("var/lib/rpm/Packages", Format::RpmBdb),
        ("usr/lib/sysimage/rpm/Packages", Format::RpmBdb),
        ("var/lib/rpm/rpmdb.sqlite", Format::RpmSqlite),
        ("usr/lib/sysimage/rpm/rpmdb.sqlite", Format::RpmSqlite),
    ] {
        if path == suffix || path.ends_with(&format!("/{suffix}")) {
            return Some(f);
        }
    }
    if path.contains("var/lib/dpkg/status.d/") && !lower.ends_with(".md5sums") {
        return Some(Format::DpkgStatus);
    }
    // Longest names first where one is a suffix of another.
    for f in Format::ALL {
        if matches!(
            f,
            Format::DpkgStatus
                | Format::OpkgStatus
                | Format::ApkInstalled
                | Format::RpmBdb
                | Format::RpmSqlite
                | Format::Csproj
                | Format::RequirementsTxt
                | Format::DepsJson
                | Format::CycloneDxJson
                | Format::SpdxJson
                | Format::CycloneDxXml
                | Format::SpdxTagValue
        ) {
            continue;
        }
        if f.file_names().iter().any(|n| ends_with_name(base, n)) {
            return Some(*f);
        }
    }
    if lower.ends_with(".deps.json") {
        return Some(Format::DepsJson);
    }
    if lower.ends_with(".spdx.json") {
        return Some(Format::SpdxJson);
    }
    if lower.ends_with(".spdx") {
        return Some(Format::SpdxTagValue);
    }
    if lower.ends_with(".cdx.xml")
        || ["bom.xml", "sbom.xml", "cyclonedx.xml"]
            .iter()
            .any(|n| ends_with_name(&lower, n))
    {
        return Some(Format::CycloneDxXml);
    }
    if lower.ends_with(".cdx.json")
        || ["bom.json", "sbom.json", "cyclonedx.json"]
            .iter()
            .any(|n| ends_with_name(&lower, n))
    {
        return Some(Format::CycloneDxJson);
    }
    if [".csproj", ".fsproj", ".vbproj"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Some(Format::Csproj);
    }
    if lower.starts_with("pylock.") && lower.ends_with(".toml") {
        return Some(Format::PylockToml);
    }
    if lower.starts_with("manifest-v") && lower.ends_with(".toml") {
        return Some(Format::JuliaManifest);
    }
    if lower.ends_with("gradle.lockfile") {
        return Some(Format::GradleLockfile);
    }
    let parent_is_requirements = path
        .rsplit('/')
        .nth(1)
        .is_some_and(|p| p.eq_ignore_ascii_case("requirements"));
    if (lower.ends_with(".txt") || lower.ends_with(".in"))
        && (lower.starts_with("requirements")
            || lower.starts_with("constraints")
            || lower.contains("-requirements")
            || lower.contains("_requirements")
            || lower.contains(".requirements")
            || parent_is_requirements)
    {
        return Some(Format::RequirementsTxt);
    }
    None
}

/// Recognises a format by content, for files whose name says nothing or is ambiguous
/// (`status`, `installed`, `Packages`, `*.lock`, `*.json`, `*.xml`, `*.toml`...).
fn sniff(base: &str, head: &[u8]) -> Option<Format> {
    if head.len() >= 16 && &head[..16] == b"SQLite format 3\0" {
        return (base.contains("rpm") || base.starts_with("Packages")).then_some(Format::RpmSqlite);
    }
    if head.len() >= 16 {
        let magic = &head[12..16];
        // Berkeley DB hash database magic (0x061561), either byte order.
        if magic == [0x61, 0x15, 0x06, 0x00] || magic == [0x00, 0x06, 0x15, 0x61] {
            return Some(Format::RpmBdb);
        }
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
    let t = text.trim_start_matches('\u{feff}');
    let starts = |p: &str| t.trim_start().starts_with(p);
    let has = |p: &str| t.contains(p);
    let lower = base.to_ascii_lowercase();
    if has("# yarn lockfile v1") || (has("__metadata:") && has("cacheKey")) {
        return Some(Format::YarnLock);
    }
    if has("@generated by Cargo") || (has("[[package]]") && has("crates.io-index")) {
        return Some(Format::CargoLock);
    }
    if has("@generated by Poetry") {
        return Some(Format::PoetryLock);
    }
    if has("\"pipfile-spec\"") {
        return Some(Format::PipfileLock);
    }
    if has("\"content-hash\"") && has("\"packages\"") {
        return Some(Format::ComposerLock);
    }
    if has("\"lockfileVersion\"") {
        if has("\"workspaces\"") && !has("\"requires\": true") {
            return Some(Format::BunLock);
        }
        return Some(Format::PackageLockJson);
    }
    if t.starts_with("lockfileVersion:") || has("\nlockfileVersion:") {
        return Some(Format::PnpmLock);
    }
    if has("\"bomFormat\"") && has("CycloneDX") {
        return Some(Format::CycloneDxJson);
    }
    if has("\"spdxVersion\"") && has("\"SPDX-") {
        return Some(Format::SpdxJson);
    }
    if starts("<") && has("<bom") && has("cyclonedx.org/schema/bom") {
        return Some(Format::CycloneDxXml);
    }
    if t.trim_start().starts_with("SPDXVersion:") || (has("\nSPDXVersion:") && has("DataLicense:"))
    {
        return Some(Format::SpdxTagValue);
    }
    if has("\"runtimeTarget\"") {
        return Some(Format::DepsJson);
    }
    if has("\"pins\"") && (has("\"identity\"") || has("\"repositoryURL\"")) {
        return Some(Format::PackageResolved);
    }
    if has("\"graph_lock\"") || (has("\"requires\"") && has("\"build_requires\"")) {
        return Some(Format::ConanLock);
    }
    if has("\"Packages\"") && has("\"R\"") {
        return Some(Format::RenvLock);
    }
    if has("\"contentHash\"") && has("\"resolved\"") {
        return Some(Format::NugetPackagesLock);
    }
    if has("<verification-metadata") {
        return Some(Format::GradleVerificationMetadata);
    }
    if has("<packages") && has("<package ") && has("id=") {
        return Some(Format::PackagesConfig);
    }
    if has("<project") && has("<artifactId>") {
        return Some(Format::PomXml);
    }
    if has("<Project") && has("PackageReference") {
        return Some(Format::Csproj);
    }
    if has("This is a Gradle generated file for dependency locking") {
        return Some(Format::GradleLockfile);
    }
    if ["GEM", "GIT", "PATH", "PLUGIN SOURCE"]
        .iter()
        .any(|s| starts(&format!("{s}\n  remote:")) || starts(&format!("{s}\r\n  remote:")))
        || has("\nBUNDLED WITH")
    {
        return Some(Format::GemfileLock);
    }
    if starts("PODS:") {
        return Some(Format::PodfileLock);
    }
    if starts("%{") && has(":hex,") {
        return Some(Format::MixLock);
    }
    if (starts("NUGET") || starts("STORAGE:") || starts("RESTRICTION:")) && has("remote:") {
        return Some(Format::PaketLock);
    }
    if has("# This file was autogenerated by Stack") {
        return Some(Format::StackYamlLock);
    }
    if has("packages:") && has("dependency:") && (has("sdks:") || has("source: hosted")) {
        return Some(Format::PubspecLock);
    }
    if has("[libraries]") && (has("module =") || has("version.ref") || has("[versions]")) {
        return Some(Format::GradleVersionCatalog);
    }
    if has("dependencies {")
        && ["implementation", "testImplementation", "classpath", "api("]
            .iter()
            .any(|k| has(k))
    {
        return Some(Format::BuildGradle);
    }
    if looks_like_gradle_lockfile(t) {
        return Some(Format::GradleLockfile);
    }
    if looks_like_requirements(t) {
        return Some(Format::RequirementsTxt);
    }
    if starts("constraints:") {
        return Some(Format::CabalFreeze);
    }
    if has("manifest_format") || has("julia_version") {
        return Some(Format::JuliaManifest);
    }
    if has("lock-version") && has("[[packages]]") {
        return Some(Format::PylockToml);
    }
    if has("[metadata]") && has("lock_version") {
        return Some(Format::PdmLock);
    }
    if has("[[package]]") && (has("requires-python") || has("revision =")) {
        return Some(Format::UvLock);
    }
    if (starts("module ") || has("\nmodule ")) && (has("\ngo ") || has("\nrequire")) {
        return Some(Format::GoMod);
    }
    if let Some(first) = t.lines().next() {
        let parts: Vec<&str> = first.split_whitespace().collect();
        if parts.len() == 3 && parts[2].starts_with("h1:") {
            return Some(Format::GoSum);
        }
    }
    if starts("Package: ") || has("\nPackage: ") {
        if has("Status: ") && (has("Installed-Time:") || lower.contains("opkg")) {
            return Some(Format::OpkgStatus);
        }
        if has("Status: ") {
            return Some(Format::DpkgStatus);
        }
    }
    if (starts("C:Q1") || starts("P:")) && has("\nV:") {
        return Some(Format::ApkInstalled);
    }
    None
}

/// Lines of `group:artifact:version=configurations` (comments aside).
fn looks_like_gradle_lockfile(t: &str) -> bool {
    let mut seen = 0;
    for line in t
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(20)
    {
        if line.starts_with("empty=") {
            continue;
        }
        let Some((coords, _)) = line.split_once('=') else {
            return false;
        };
        if coords.split(':').count() != 3 || coords.contains(' ') {
            return false;
        }
        seen += 1;
    }
    seen > 0
}

/// Lines of requirements (`name==1.0`, `name[extra]>=2`, bare names, pip options), with
/// at least half of them pinned by `==`.
fn looks_like_requirements(t: &str) -> bool {
    let (mut reqs, mut pinned) = (0, 0);
    for line in t
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(50)
    {
        if line.starts_with('-') || line.starts_with("git+") || line.contains("://") {
            continue; // options (-r, -c, -e, -i, --hash...) and URLs
        }
        let name_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(line.len());
        if name_end == 0 {
            return false;
        }
        let rest = line[name_end..].trim_start();
        let rest = rest.strip_prefix('[').map_or(rest, |r| {
            r.split_once(']').map_or("", |(_, a)| a.trim_start())
        });
        if !(rest.is_empty() || rest.starts_with(['=', '<', '>', '~', '!', ';', '\\', '@'])) {
            return false;
        }
        reqs += 1;
        if rest.starts_with("==") {
            pinned += 1;
        }
    }
    reqs > 0 && pinned * 2 >= reqs
}
