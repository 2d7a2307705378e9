//! Every sample of `shared/data/lockfiles.tar.zst` must parse; package counts are
//! snapshotted and known packages spot-checked.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use palisade_lockfile::{Format, Inventory, Package, detect, parse};

/// `lockfiles/<folder>/<file>` -> bytes, or `None` when the shared data is absent.
fn samples() -> Option<&'static BTreeMap<String, Vec<u8>>> {
    static SAMPLES: OnceLock<Option<BTreeMap<String, Vec<u8>>>> = OnceLock::new();
    SAMPLES
        .get_or_init(|| {
            let archive = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/lockfiles.tar.zst");
            let file = std::fs::File::open(&archive).ok()?;
            let decoder = ruzstd::decoding::StreamingDecoder::new(std::io::BufReader::new(file))
                .expect("zstd frame");
            let mut tar = tar::Archive::new(decoder);
            let mut out = BTreeMap::new();
            for entry in tar.entries().expect("tar entries") {
                let mut entry = entry.expect("tar entry");
                if !entry.header().entry_type().is_file() {
                    continue;
                }
                let path = entry.path().expect("path").to_string_lossy().into_owned();
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).expect("read entry");
                out.insert(path, bytes);
            }
            Some(out)
        })
        .as_ref()
}

macro_rules! require_samples {
    () => {
        match samples() {
            Some(s) => s,
            None => {
                eprintln!("skipped: ../shared/data/lockfiles.tar.zst is not there");
                return;
            }
        }
    };
}

/// The format each sample folder holds.
fn expected(folder: &str) -> Option<Format> {
    Some(match folder {
        "apk-installed" => Format::ApkInstalled,
        "bun-lock" => Format::BunLock,
        "cabal-freeze" => Format::CabalFreeze,
        f if f.starts_with("cargo-lock") => Format::CargoLock,
        "composer-lock" => Format::ComposerLock,
        "conan-lock" => Format::ConanLock,
        "csproj" => Format::Csproj,
        "deps-json" => Format::DepsJson,
        "dpkg-status" => Format::DpkgStatus,
        "erlang-mix-lock" | "mix-lock" => Format::MixLock,
        "gemfile-lock" => Format::GemfileLock,
        "go-mod" => Format::GoMod,
        "go-sum" => Format::GoSum,
        "gradle-build" => Format::BuildGradle,
        "gradle-lockfile" => Format::GradleLockfile,
        "gradle-verification-metadata" => Format::GradleVerificationMetadata,
        "gradle-version-catalog" => Format::GradleVersionCatalog,
        "julia-manifest" => Format::JuliaManifest,
        "opkg-status" => Format::OpkgStatus,
        f if f.starts_with("package-lock") => Format::PackageLockJson,
        "package-resolved" => Format::PackageResolved,
        "packages-config" => Format::PackagesConfig,
        "packages-lock-json" => Format::NugetPackagesLock,
        "paket-lock" => Format::PaketLock,
        "pdm-lock" => Format::PdmLock,
        "pipfile-lock" => Format::PipfileLock,
        f if f.starts_with("pnpm-lock") => Format::PnpmLock,
        "podfile-lock" => Format::PodfileLock,
        "poetry-lock" => Format::PoetryLock,
        "pom-xml" => Format::PomXml,
        "pubspec-lock" => Format::PubspecLock,
        "pylock-toml" => Format::PylockToml,
        "renv-lock" => Format::RenvLock,
        "requirements-txt" => Format::RequirementsTxt,
        "rpm-db-bdb" => Format::RpmBdb,
        "stack-yaml-lock" => Format::StackYamlLock,
        "uv-lock" => Format::UvLock,
        "yarn-berry" | "yarn-v1" => Format::YarnLock,
        _ => return None,
    })
}

fn parse_all() -> Option<BTreeMap<String, (Format, Inventory)>> {
    let samples = samples()?;
    let mut out = BTreeMap::new();
    for (path, bytes) in samples {
        if path.ends_with("SOURCES.tsv") {
            continue;
        }
        let folder = path.split('/').nth(1).expect("folder");
        let want = expected(folder).unwrap_or_else(|| panic!("no expected format for {path}"));
        let got = detect(path, &bytes[..bytes.len().min(8192)]);
        assert_eq!(got, Some(want), "{path} detected as {got:?}");
        let inv = parse(want, path, bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        out.insert(path.clone(), (want, inv));
    }
    Some(out)
}

fn all() -> Option<&'static BTreeMap<String, (Format, Inventory)>> {
    static ALL: OnceLock<Option<BTreeMap<String, (Format, Inventory)>>> = OnceLock::new();
    ALL.get_or_init(parse_all).as_ref()
}

#[test]
fn every_sample_parses_and_counts_are_stable() {
    let _ = require_samples!();
    let all = all().expect("parsed");
    let mut summary = String::new();
    for (path, (format, inv)) in all {
        let unpinned = inv.packages.iter().filter(|p| p.version.is_none()).count();
        let direct = inv
            .packages
            .iter()
            .filter(|p| p.direct == Some(true))
            .count();
        let dev = inv.packages.iter().filter(|p| p.dev == Some(true)).count();
        let with_line = inv.packages.iter().filter(|p| p.line.is_some()).count();
        let _ = writeln!(
            summary,
            "{path} [{format}]: {} packages ({unpinned} unpinned, {direct} direct, {dev} dev, {with_line} with line), {} diagnostics",
            inv.packages.len(),
            inv.diagnostics.len()
        );
        // Every package is well formed.
        for p in &inv.packages {
            assert!(!p.name.is_empty(), "{path}: empty name");
            assert!(p.purl.starts_with("pkg:"), "{path}: {}", p.purl);
            assert!(!p.purl.contains(' '), "{path}: {}", p.purl);
        }
    }
    insta::assert_snapshot!(summary);
}

fn find<'a>(path: &str, name: &str, version: &str) -> &'a Package {
    let (_, inv) = all()
        .expect("parsed")
        .get(path)
        .unwrap_or_else(|| panic!("no sample {path}"));
    inv.packages
        .iter()
        .find(|p| p.name == name && p.version.as_deref() == Some(version))
        .unwrap_or_else(|| panic!("{path}: no {name} {version}"))
}

#[test]
fn spot_checks() {
    let _ = require_samples!();
    let rg = find(
        "lockfiles/cargo-lock-v4/ripgrep.Cargo.lock",
        "memchr",
        "2.7.4",
    );
    assert_eq!(rg.purl, "pkg:cargo/memchr@2.7.4");
    assert_eq!(rg.ecosystem, "crates.io");
    assert!(rg.line.is_some());
}
