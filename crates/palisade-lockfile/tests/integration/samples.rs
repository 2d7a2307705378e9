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

/// (sample, name, version, purl, direct, dev, line)
type Spot = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<bool>,
    Option<bool>,
    u32,
);

const SPOTS: &[Spot] = &[
    (
        "cargo-lock-v4/ripgrep.Cargo.lock",
        "aho-corasick",
        "1.1.5",
        "pkg:cargo/aho-corasick@1.1.5",
        Some(true),
        None,
        5,
    ),
    (
        "cargo-lock-v1/ripgrep-2018-01.Cargo.lock",
        "atty",
        "0.2.6",
        "pkg:cargo/atty@0.2.6",
        Some(true),
        None,
        14,
    ),
    (
        "package-lock-v3/threat-dragon-td.vue.package-lock.json",
        "@antv/x6",
        "2.19.2",
        "pkg:npm/%40antv/x6@2.19.2",
        Some(true),
        Some(false),
        128,
    ),
    (
        "package-lock-v3/bitwarden-admin.package-lock.json",
        "@discoveryjs/json-ext",
        "1.1.0",
        "pkg:npm/%40discoveryjs/json-ext@1.1.0",
        Some(false),
        Some(true),
        27,
    ),
    (
        "package-lock-v1/terragoat-node-base.package-lock.json",
        "@actions/core",
        "1.6.0",
        "pkg:npm/%40actions/core@1.6.0",
        None,
        Some(true),
        7,
    ),
    (
        "pnpm-lock-v9/vue-core.pnpm-lock.yaml",
        "@babel/code-frame",
        "7.29.0",
        "pkg:npm/%40babel/code-frame@7.29.0",
        Some(false),
        Some(true),
        467,
    ),
    (
        "pnpm-lock-v5.4/vue-core-2022-05.pnpm-lock.yaml",
        "@babel/code-frame",
        "7.12.11",
        "pkg:npm/%40babel/code-frame@7.12.11",
        Some(false),
        Some(true),
        290,
    ),
    (
        "yarn-v1/vue-core-2021-12.yarn.lock",
        "@babel/code-frame",
        "7.12.11",
        "pkg:npm/%40babel/code-frame@7.12.11",
        None,
        None,
        5,
    ),
    (
        "yarn-berry/scalibr-fixture-with-aliases.v2.yarn.lock",
        "ansi-regex",
        "5.0.1",
        "pkg:npm/ansi-regex@5.0.1",
        Some(true),
        None,
        8,
    ),
    (
        "yarn-berry/scalibr-fixture-with-aliases.v2.yarn.lock",
        "@babel/helper-validator-identifier",
        "7.22.20",
        "pkg:npm/%40babel/helper-validator-identifier@7.22.20",
        Some(true),
        None,
        22,
    ),
    (
        "bun-lock/scalibr-fixture-nested.bun.lock",
        "chalk",
        "4.1.2",
        "pkg:npm/chalk@4.1.2",
        Some(true),
        Some(true),
        18,
    ),
    (
        "go-mod/scorecard.go.mod",
        "cloud.google.com/go/monitoring",
        "v1.24.3",
        "pkg:golang/cloud.google.com/go/monitoring@v1.24.3",
        Some(false),
        None,
        7,
    ),
    (
        "go-sum/gitleaks.go.sum",
        "dario.cat/mergo",
        "v1.0.1",
        "pkg:golang/dario.cat/mergo@v1.0.1",
        None,
        None,
        17,
    ),
    (
        "poetry-lock/pytm.poetry.lock",
        "black",
        "25.11.0",
        "pkg:pypi/black@25.11.0",
        None,
        Some(true),
        15,
    ),
    (
        "pipfile-lock/opengrep-cli.Pipfile.lock",
        "attrs",
        "24.2.0",
        "pkg:pypi/attrs@24.2.0",
        None,
        Some(false),
        17,
    ),
    (
        "uv-lock/zizmor.uv.lock",
        "click",
        "8.3.1",
        "pkg:pypi/click@8.3.1",
        Some(false),
        Some(true),
        5,
    ),
    (
        "requirements-txt/ms-demo-emailservice.requirements.txt",
        "google-cloud-trace",
        "1.17.0",
        "pkg:pypi/google-cloud-trace@1.17.0",
        Some(true),
        None,
        17,
    ),
    (
        "pdm-lock/scalibr-fixture-two-packages.pdm.lock",
        "six",
        "1.16.0",
        "pkg:pypi/six@1.16.0",
        None,
        Some(false),
        10,
    ),
    (
        "pylock-toml/scalibr-fixture-pdm-full.pylock.toml",
        "certifi",
        "2025.1.31",
        "pkg:pypi/certifi@2025.1.31",
        None,
        None,
        10,
    ),
    (
        "composer-lock/bookstack.composer.lock",
        "aws/aws-crt-php",
        "v1.2.6",
        "pkg:composer/aws/aws-crt-php@v1.2.6",
        None,
        Some(false),
        9,
    ),
    (
        "gemfile-lock/maybe.Gemfile.lock",
        "aasm",
        "5.5.1",
        "pkg:gem/aasm@5.5.1",
        Some(true),
        None,
        11,
    ),
    (
        "pom-xml/benchmarkjava.pom.xml",
        "javax:javaee-api",
        "8.0.1",
        "pkg:maven/javax/javaee-api@8.0.1",
        Some(true),
        Some(false),
        610,
    ),
    (
        "gradle-lockfile/scalibr-fixture-5-pkg.gradle.lockfile",
        "org.springframework.boot:spring-boot-autoconfigure",
        "2.7.4",
        "pkg:maven/org.springframework.boot/spring-boot-autoconfigure@2.7.4",
        None,
        Some(false),
        5,
    ),
    (
        "gradle-verification-metadata/scalibr-fixture-multiple-versions.verification-metadata.xml",
        "androidx.activity:activity",
        "1.2.3",
        "pkg:maven/androidx.activity/activity@1.2.3",
        None,
        None,
        15,
    ),
    (
        "gradle-version-catalog/zap-extensions.libs.versions.toml",
        "com.googlecode.java-diff-utils:diffutils",
        "1.3.0",
        "pkg:maven/com.googlecode.java-diff-utils/diffutils@1.3.0",
        None,
        None,
        26,
    ),
    (
        "gradle-build/ms-demo-adservice.build.gradle",
        "io.grpc:grpc-protobuf",
        "1.83.1",
        "pkg:maven/io.grpc/grpc-protobuf@1.83.1",
        Some(true),
        Some(false),
        38,
    ),
    (
        "packages-lock-json/bitwarden-core.packages.lock.json",
        "AWSSDK.SQS",
        "4.0.2.5",
        "pkg:nuget/AWSSDK.SQS@4.0.2.5",
        Some(true),
        None,
        36,
    ),
    (
        "packages-config/scalibr-fixture-valid.packages.config",
        "Microsoft.Net.Compilers",
        "1.0.0",
        "pkg:nuget/Microsoft.Net.Compilers@1.0.0",
        Some(true),
        Some(true),
        4,
    ),
    (
        "deps-json/scalibr-fixture-valid.deps.json",
        "Microsoft.Extensions.DependencyInjection",
        "6.0.0",
        "pkg:nuget/Microsoft.Extensions.DependencyInjection@6.0.0",
        Some(true),
        None,
        57,
    ),
    (
        "csproj/ms-demo-cartservice.csproj",
        "Npgsql",
        "10.0.3",
        "pkg:nuget/Npgsql@10.0.3",
        Some(true),
        Some(false),
        12,
    ),
    (
        "paket-lock/scalibr-fixture.paket.lock",
        "NUnit",
        "2.6.4",
        "pkg:nuget/NUnit@2.6.4",
        None,
        None,
        3,
    ),
    (
        "mix-lock/hexpm.mix.lock",
        "bandit",
        "1.12.4",
        "pkg:hex/bandit@1.12.4",
        None,
        None,
        2,
    ),
    (
        "pubspec-lock/scalibr-fixture-mixed-packages.pubspec.lock",
        "build_runner",
        "2.2.1",
        "pkg:pub/build_runner@2.2.1",
        Some(true),
        Some(true),
        11,
    ),
    (
        "podfile-lock/scalibr-fixture-valid.Podfile.lock",
        "GlossButtonNode",
        "3.1.2",
        "pkg:cocoapods/GlossButtonNode@3.1.2",
        Some(true),
        None,
        2,
    ),
    (
        "package-resolved/scalibr-fixture-valid.Package.resolved",
        "github.com/apple/swift-atomics",
        "1.1.0",
        "pkg:swift/github.com/apple/swift-atomics@1.1.0",
        None,
        None,
        21,
    ),
    (
        "conan-lock/scalibr-fixture-nested.v1.conan.lock",
        "freetype",
        "2.12.1",
        "pkg:conan/freetype@2.12.1",
        Some(true),
        Some(false),
        13,
    ),
    (
        "conan-lock/scalibr-fixture-nested.v2.conan.lock",
        "zlib",
        "1.2.13",
        "pkg:conan/zlib@1.2.13",
        None,
        Some(false),
        4,
    ),
    (
        "renv-lock/scalibr-fixture-mixed-sources.renv.lock",
        "mime",
        "0.12.1",
        "pkg:cran/mime@0.12.1",
        None,
        None,
        19,
    ),
    (
        "stack-yaml-lock/scalibr-fixture-valid.stack.yaml.lock",
        "hasql-pool",
        "1.0.1",
        "pkg:hackage/hasql-pool@1.0.1",
        None,
        None,
        15,
    ),
    (
        "cabal-freeze/scalibr-fixture-valid.cabal.project.freeze",
        "ALUT",
        "2.4.0.3",
        "pkg:hackage/ALUT@2.4.0.3",
        None,
        None,
        2,
    ),
    (
        "julia-manifest/scalibr-fixture-git-commit.Manifest.toml",
        "DataStructures",
        "0.17.0",
        "pkg:julia/DataStructures@0.17.0?uuid=864edb3b-99cc-5e75-8d2d-829cb0a9cfe8",
        None,
        None,
        6,
    ),
    (
        "dpkg-status/scalibr-fixture-valid.status",
        "acl",
        "2.3.1-3",
        "pkg:deb/debian/acl@2.3.1-3?arch=amd64",
        None,
        None,
        19,
    ),
    (
        "opkg-status/scalibr-fixture-valid.status",
        "busybox",
        "1.36.1-r2",
        "pkg:opkg/openwrt/busybox@1.36.1-r2?arch=x86_64",
        None,
        None,
        19,
    ),
    (
        "apk-installed/scalibr-fixture-alpine.installed",
        "alpine-baselayout-data",
        "3.4.3-r1",
        "pkg:apk/alpine/alpine-baselayout-data@3.4.3-r1?arch=x86_64&upstream=alpine-baselayout",
        None,
        None,
        117,
    ),
    (
        "erlang-mix-lock/scalibr-fixture-many.mix.lock",
        "dialyxir",
        "1.1.0",
        "pkg:hex/dialyxir@1.1.0",
        None,
        None,
        4,
    ),
];

#[test]
fn spot_checks() {
    let _ = require_samples!();
    for &(sample, name, version, purl, direct, dev, line) in SPOTS {
        let p = find(&format!("lockfiles/{sample}"), name, version);
        assert_eq!(p.purl, purl, "{sample}: {name}");
        assert_eq!(
            (p.direct, p.dev),
            (direct, dev),
            "{sample}: {name} direct/dev"
        );
        assert_eq!(p.line, Some(line), "{sample}: {name} line");
    }
    // Dependency edges resolve to versions where the file pins them.
    let rg = find(
        "lockfiles/cargo-lock-v4/ripgrep.Cargo.lock",
        "aho-corasick",
        "1.1.5",
    );
    assert_eq!(rg.dependencies, [("memchr".to_owned(), "2.8.3".to_owned())]);
    let dialyxir = find(
        "lockfiles/erlang-mix-lock/scalibr-fixture-many.mix.lock",
        "dialyxir",
        "1.1.0",
    );
    assert_eq!(
        dialyxir.dependencies,
        [("erlex".to_owned(), "0.2.6".to_owned())]
    );
    // The RPM database has no lines, but epoch and release.
    let hello = find(
        "lockfiles/rpm-db-bdb/scalibr-fixture-Packages_epoch",
        "hello",
        "1:0.0.1-rls",
    );
    assert_eq!(
        hello.purl,
        "pkg:rpm/redhat/hello@0.0.1-rls?arch=x86_64&epoch=1"
    );
    // Unpinned requirements are reported as such, with their line.
    let (_, vampi) = all()
        .expect("parsed")
        .get("lockfiles/requirements-txt/vampi.requirements.txt")
        .expect("vampi");
    let bundle = vampi
        .packages
        .iter()
        .find(|p| p.name == "swagger-ui-bundle")
        .expect("swagger-ui-bundle");
    assert_eq!((bundle.version.as_deref(), bundle.line), (None, Some(6)));
    assert!(
        vampi
            .diagnostics
            .iter()
            .any(|d| d.line == Some(6) && d.message.contains("not pinned"))
    );
    // Workspace and path crates are not packages.
    let (_, ruff) = all()
        .expect("parsed")
        .get("lockfiles/cargo-lock-v4/ruff.Cargo.lock")
        .expect("ruff");
    assert!(!ruff.packages.iter().any(|p| p.name == "ruff_linter"));
}

#[test]
/// Prints the first packages and diagnostics of every sample, for review by eye
/// (`LOCKFILE_DUMP=1 cargo test -p palisade-lockfile dump_for_review -- --nocapture`).
fn dump_for_review() {
    if std::env::var_os("LOCKFILE_DUMP").is_none() {
        return;
    }
    let _ = require_samples!();
    for (path, (_, inv)) in all().expect("parsed") {
        eprintln!("== {path}");
        for p in inv.packages.iter().take(3) {
            eprintln!(
                "   {} {} {:?} {} direct={:?} dev={:?} line={:?} deps={:?}",
                p.ecosystem,
                p.name,
                p.version,
                p.purl,
                p.direct,
                p.dev,
                p.line,
                p.dependencies.iter().take(3).collect::<Vec<_>>()
            );
        }
        for d in inv.diagnostics.iter().take(3) {
            eprintln!("   ! {d}");
        }
    }
}

/// Prints how long parsing every sample takes (run with `--release --nocapture` to measure).
#[test]
fn parse_time() {
    let samples = require_samples!();
    let start = std::time::Instant::now();
    let (mut bytes, mut packages) = (0, 0);
    let mut slowest = Vec::new();
    for (path, content) in samples.iter().filter(|(p, _)| !p.ends_with(".tsv")) {
        let one = std::time::Instant::now();
        let format = detect(path, content).expect("detected");
        packages += parse(format, path, content).map_or(0, |i| i.packages.len());
        bytes += content.len();
        slowest.push((one.elapsed(), path));
    }
    slowest.sort();
    for (t, path) in slowest.iter().rev().take(8) {
        eprintln!("  {t:?} {path}");
    }
    eprintln!(
        "parsed {} samples, {:.1} MB, {packages} packages in {:?}",
        samples.len() - 1,
        bytes as f64 / 1e6,
        start.elapsed()
    );
}

/// Samples renamed to a name that says nothing: the content alone tells most formats.
#[test]
fn samples_are_recognised_by_content() {
    let _ = require_samples!();
    let mut misses = Vec::new();
    for (path, (format, _)) in all().expect("parsed") {
        let bytes = &samples().expect("samples")[path];
        let got = detect("renamed", &bytes[..bytes.len().min(8192)]);
        if got != Some(*format) {
            misses.push(format!("{path}: {got:?}"));
        }
    }
    assert!(misses.is_empty(), "not recognised by content: {misses:#?}");
}
