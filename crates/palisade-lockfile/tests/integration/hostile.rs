//! Malformed and hostile input: a diagnostic or error naming the file and line, never a
//! panic, never a stack overflow, never a quadratic blow-up.

use std::path::PathBuf;

use palisade_lockfile::{Format, LockfileError, parse};

const FILE: &str = "hostile/input";

/// Parses `bytes` as `format`; returns the error, if any, after checking it names the file.
fn run(format: Format, bytes: &[u8]) -> Option<LockfileError> {
    match parse(format, FILE, bytes) {
        Ok(inv) => {
            for d in &inv.diagnostics {
                assert_eq!(d.file, FILE, "{format}: {d}");
                assert!(
                    d.message.len() < 1024,
                    "{format}: a {}-byte diagnostic",
                    d.message.len()
                );
            }
            for p in &inv.packages {
                assert!(
                    p.name.len() <= palisade_lockfile::MAX_FIELD,
                    "{format}: a huge name was kept"
                );
            }
            None
        }
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.starts_with(FILE),
                "{format}: error without the file: {text}"
            );
            assert!(text.len() < 1024, "{format}: a {}-byte error", text.len());
            Some(e)
        }
    }
}

/// Must fail, naming a line.
fn fails_at_line(format: Format, bytes: &[u8], what: &str) -> LockfileError {
    let e = run(format, bytes).unwrap_or_else(|| panic!("{format}: {what} was accepted"));
    assert!(e.line().is_some(), "{format}: {what}: no line in `{e}`");
    e
}

fn deep_json(key: &str, n: usize) -> Vec<u8> {
    let mut s = format!("{{\"{key}\": ");
    s.push_str(&"[".repeat(n));
    s.push_str(&"]".repeat(n));
    s.push('}');
    s.into_bytes()
}

/// The JSON formats and a key each of them reads.
const JSON_FORMATS: [(Format, &str); 9] = [
    (Format::PackageLockJson, "packages"),
    (Format::BunLock, "packages"),
    (Format::PipfileLock, "default"),
    (Format::ComposerLock, "packages"),
    (Format::NugetPackagesLock, "dependencies"),
    (Format::DepsJson, "libraries"),
    (Format::PackageResolved, "pins"),
    (Format::ConanLock, "requires"),
    (Format::RenvLock, "Packages"),
];

#[test]
fn truncated_structured_files_fail_with_a_line() {
    fails_at_line(
        Format::PackageLockJson,
        b"{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\"ver",
        "truncated JSON",
    );
    fails_at_line(
        Format::ComposerLock,
        b"{\"packages\": [{\"name\": \"a/b\",",
        "truncated JSON",
    );
    fails_at_line(
        Format::BunLock,
        b"{\n  \"packages\": {\n    \"a\": [\"a@1\",",
        "truncated JSONC",
    );
    fails_at_line(
        Format::CargoLock,
        b"[[package]]\nname = \"a\"\nversion = \"1.0",
        "truncated TOML",
    );
    fails_at_line(
        Format::UvLock,
        b"[[package]]\nname = \"a\"\nsource = { registry = ",
        "truncated TOML",
    );
    fails_at_line(
        Format::PnpmLock,
        b"lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: \"sha",
        "truncated YAML",
    );
    fails_at_line(
        Format::PomXml,
        b"<project>\n  <dependencies>\n    <dependency>\n      <groupId>a</gr",
        "truncated XML",
    );
    fails_at_line(
        Format::PackagesConfig,
        b"<packages>\n  <package id=\"a\" version=\"1\" />\n",
        "truncated XML",
    );
}

/// Line formats cut mid-entry still give what they hold, plus a diagnostic with a line.
#[test]
fn truncated_line_files_say_where() {
    let cases: &[(Format, &[u8], u32)] = &[
        (
            Format::YarnLock,
            b"# yarn lockfile v1\n\na@^1.0.0:\n  version \"1.0.0\"\n\nb@^2.0.0:\n  resol",
            6,
        ),
        (
            Format::GoMod,
            b"module x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n",
            3,
        ),
        (
            Format::GemfileLock,
            b"GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.8)\n    rails (7.1",
            5,
        ),
        (Format::RequirementsTxt, b"flask==2.0.1\nrequests==", 2),
        (
            Format::GoSum,
            b"github.com/a/b v1.0.0 h1:abc=\ngithub.com/c/d v1.0",
            2,
        ),
        (Format::GradleLockfile, b"a:b:1.0=compileClasspath\nc:d", 2),
    ];
    for (format, bytes, line) in cases {
        let inv = parse(*format, FILE, bytes).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(!inv.packages.is_empty(), "{format}: nothing kept");
        assert!(
            inv.diagnostics.iter().any(|d| d.line == Some(*line)),
            "{format}: no diagnostic at line {line}: {:?}",
            inv.diagnostics
        );
    }
}

#[test]
fn wrong_types() {
    // The whole document of the wrong shape: an error with a line.
    fails_at_line(
        Format::PackageLockJson,
        b"{\n  \"lockfileVersion\": 3,\n  \"packages\": []\n}",
        "packages as an array",
    );
    fails_at_line(Format::CargoLock, b"package = 5\n", "package as a number");
    fails_at_line(
        Format::PubspecLock,
        b"packages:\n  - a\n  - b\n",
        "packages as a list",
    );
    fails_at_line(Format::ComposerLock, b"[1, 2, 3]", "an array document");
    // One entry of the wrong shape: skipped with a diagnostic, the rest still read.
    let lock = b"{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/bad\": 5,\n    \"node_modules/good\": {\"version\": \"1.0.0\"}\n  }\n}";
    let inv = parse(Format::PackageLockJson, FILE, lock).expect("parses");
    assert_eq!(inv.packages.len(), 1);
    assert_eq!(inv.diagnostics.len(), 1);
    assert_eq!(inv.diagnostics[0].line, Some(4), "{}", inv.diagnostics[0]);
    assert!(inv.diagnostics[0].message.contains("node_modules/bad"));
    let cargo = b"[[package]]\nname = \"good\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n\n[[package]]\nname = 7\n";
    let inv = parse(Format::CargoLock, FILE, cargo).expect("parses");
    assert_eq!(inv.packages.len(), 1);
    assert_eq!(inv.diagnostics[0].line, Some(6), "{}", inv.diagnostics[0]);
    let composer = b"{\"packages\": [\n  {\"name\": \"a/b\", \"version\": \"1.0\"},\n  {\"name\": [], \"version\": 1}\n]}";
    let inv = parse(Format::ComposerLock, FILE, composer).expect("parses");
    assert_eq!((inv.packages.len(), inv.diagnostics[0].line), (1, Some(3)));
}

#[test]
fn deep_nesting_is_refused() {
    let n = 10_000;
    for (f, key) in JSON_FORMATS {
        fails_at_line(f, &deep_json(key, n), "10,000-deep JSON");
        // Deep values under keys nobody reads are skipped without recursion.
        let _ = run(f, &deep_json("unread", n));
    }
    let toml = format!("a = {}{}\n", "[".repeat(n), "]".repeat(n));
    for f in [
        Format::CargoLock,
        Format::PoetryLock,
        Format::UvLock,
        Format::PdmLock,
        Format::PylockToml,
        Format::GradleVersionCatalog,
        Format::JuliaManifest,
    ] {
        fails_at_line(f, toml.as_bytes(), "10,000-deep TOML");
    }
    let inline_tables = format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n));
    fails_at_line(
        Format::CargoLock,
        inline_tables.as_bytes(),
        "10,000-deep inline tables",
    );
    let yaml_flow = format!("packages: {}{}\n", "[".repeat(n), "]".repeat(n));
    // Block nesting costs its indentation: 2,000 levels already make a 4 MB file.
    let mut yaml_block = String::from("packages:\n");
    for i in 0..2_000 {
        yaml_block.push_str(&" ".repeat(i + 2));
        yaml_block.push_str("a:\n");
    }
    for f in [Format::PnpmLock, Format::PubspecLock, Format::StackYamlLock] {
        fails_at_line(f, yaml_flow.as_bytes(), "10,000-deep YAML flow");
        fails_at_line(f, yaml_block.as_bytes(), "10,000-deep YAML blocks");
    }
    let xml = format!("<project>{}{}</project>", "<a>".repeat(n), "</a>".repeat(n));
    for f in [
        Format::PomXml,
        Format::PackagesConfig,
        Format::Csproj,
        Format::GradleVerificationMetadata,
    ] {
        fails_at_line(f, xml.as_bytes(), "10,000-deep XML");
    }
    // Line formats do not nest: deep brackets are just text.
    let text = format!("{}\n", "[".repeat(n));
    for f in [
        Format::YarnLock,
        Format::RequirementsTxt,
        Format::GoMod,
        Format::GemfileLock,
        Format::BuildGradle,
        Format::MixLock,
    ] {
        let _ = run(f, text.as_bytes());
    }
}

/// Entity and alias expansion bombs: refused or not expanded.
#[test]
fn expansion_bombs() {
    let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        yaml.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    yaml.push_str("packages:\n  x: *a11\n");
    for f in [Format::PnpmLock, Format::PubspecLock, Format::StackYamlLock] {
        fails_at_line(f, yaml.as_bytes(), "a YAML alias bomb");
    }
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        xml.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    xml.push_str("]>\n<project><dependencies><dependency><groupId>&lol9;</groupId><artifactId>a</artifactId><version>1</version></dependency></dependencies></project>\n");
    let inv = parse(Format::PomXml, FILE, xml.as_bytes()).expect("parses");
    // Custom entities are not expanded: the group is empty, not a billion "lol"s.
    assert!(
        inv.packages.iter().all(|p| p.name.len() < 100),
        "{:?}",
        inv.packages
    );
}

#[test]
fn huge_strings() {
    let big = "x".repeat(1 << 20);
    // In a value nobody reads: fine. In a name: the package is skipped with a diagnostic.
    let lock = format!(
        "{{\"lockfileVersion\": 3, \"packages\": {{\"\": {{\"description\": \"{big}\"}}, \"node_modules/{big}\": {{\"version\": \"1.0.0\"}}}}}}"
    );
    let inv = parse(Format::PackageLockJson, FILE, lock.as_bytes()).expect("parses");
    assert!(inv.packages.is_empty());
    assert!(
        inv.diagnostics
            .iter()
            .any(|d| d.message.contains("longer than")),
        "{:?}",
        inv.diagnostics
    );
    let req = format!("{big}==1.0\nflask==2.0\n");
    let inv = parse(Format::RequirementsTxt, FILE, req.as_bytes()).expect("parses");
    assert_eq!(inv.packages.len(), 1);
    assert_eq!(inv.diagnostics[0].line, Some(1));
    let cargo =
        format!("[[package]]\nname = \"{big}\"\nversion = \"1\"\nsource = \"registry+x\"\n");
    let inv = parse(Format::CargoLock, FILE, cargo.as_bytes()).expect("parses");
    assert!(inv.packages.is_empty() && inv.diagnostics.len() == 1);
    // One 1 MB line in every format: no panic, bounded messages.
    for f in Format::ALL {
        let _ = run(*f, big.as_bytes());
        let _ = run(*f, format!("\"{big}\"").as_bytes());
    }
}

#[test]
fn garbage_never_panics() {
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\0\0\0\0".to_vec(),
        vec![0xff; 64],
        b"\xef\xbb\xbf".to_vec(),
        b"{".to_vec(),
        b"[[".to_vec(),
        b"<".to_vec(),
        b"\"".to_vec(),
        b"---\n- : :\n".to_vec(),
        b"a\n  b\n    c\n\td".to_vec(),
        b"Package: x\nStatus: deinstall\n".to_vec(),
        b"P:\nV:\n".to_vec(),
        b"%{ \"a\": {:hex, :a, \"1\"".to_vec(),
        b"module\nrequire (\n".to_vec(),
        b"-r\n-c\n-r /etc/passwd\n".to_vec(),
        (0..=255u8).collect(),
    ];
    for f in Format::ALL {
        for input in &inputs {
            let _ = run(*f, input);
        }
    }
}

/// Every fixture cut at every few bytes and with bytes flipped, in its own format and in
/// every other: nothing panics.
#[test]
fn truncated_and_mutated_fixtures_never_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("dir").flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    for path in files {
        let bytes = std::fs::read(&path).expect("read");
        let rel = path
            .strip_prefix(&root)
            .expect("root")
            .to_string_lossy()
            .into_owned();
        let Some(format) = palisade_lockfile::detect(&rel, &bytes) else {
            continue;
        };
        for cut in (0..bytes.len()).step_by((bytes.len() / 400).max(5)) {
            let _ = run(format, &bytes[..cut]);
        }
        let mut seed: u32 = 0x9e37_79b9;
        for _ in 0..50 {
            let mut m = bytes.clone();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                if !m.is_empty() {
                    let i = seed as usize % m.len();
                    m[i] = (seed >> 8) as u8;
                }
            }
            let _ = run(format, &m);
        }
        for other in Format::ALL {
            let _ = run(*other, &bytes);
        }
    }
}

#[test]
fn hostile_rpm_databases() {
    // A hash database whose overflow chain points at itself, and absurd sizes.
    let mut db = vec![0u8; 4096 * 3];
    db[12..16].copy_from_slice(&0x0006_1561u32.to_le_bytes());
    db[20..24].copy_from_slice(&4096u32.to_le_bytes());
    let page = 4096;
    db[page + 25] = 13; // P_HASH
    db[page + 20..page + 22].copy_from_slice(&2u16.to_le_bytes());
    // Items: key at 4090 (5 bytes), data (off-page) at 4078 (12 bytes).
    db[page + 26..page + 28].copy_from_slice(&4091u16.to_le_bytes());
    db[page + 28..page + 30].copy_from_slice(&4079u16.to_le_bytes());
    db[page + 4091] = 1;
    db[page + 4079] = 3;
    db[page + 4083..page + 4087].copy_from_slice(&2u32.to_le_bytes()); // overflow page 2
    db[page + 4087..page + 4091].copy_from_slice(&100_000u32.to_le_bytes());
    let ov = 2 * page;
    db[ov + 25] = 7; // P_OVERFLOW
    db[ov + 16..ov + 20].copy_from_slice(&2u32.to_le_bytes()); // next = itself
    db[ov + 22..ov + 24].copy_from_slice(&100u16.to_le_bytes());
    let e = run(Format::RpmBdb, &db).expect("a broken chain is an error");
    assert!(e.to_string().contains("overflow"), "{e}");
    // Page size zero, odd magic, short files.
    let mut zero = db.clone();
    zero[20..24].copy_from_slice(&0u32.to_le_bytes());
    assert!(run(Format::RpmBdb, &zero).is_some());
    assert!(run(Format::RpmBdb, &db[..10]).is_some());
    assert!(run(Format::RpmBdb, b"not a database at all, not at all").is_some());
}

/// Inputs that would take minutes on a quadratic path (found and fixed): each must be
/// quick. No timing assertion (the machine is shared); a regression shows as a slow test.
#[test]
fn quadratic_bombs_are_linear() {
    // A 50,000-level node_modules path with a dependency to resolve up its ancestors.
    let deep_key = "node_modules/a/".repeat(50_000);
    let lock = format!(
        "{{\"lockfileVersion\": 3, \"packages\": {{\"{deep_key}node_modules/b\": {{\"version\": \"1.0.0\", \"dependencies\": {{\"c\": \"^1\"}}}}}}}}"
    );
    let _ = run(Format::PackageLockJson, lock.as_bytes());
    // 20,000 requirements and 20,000 replace directives.
    let mut gomod = String::from("module x\n\nrequire (\n");
    for i in 0..20_000 {
        gomod.push_str(&format!("\tgithub.com/a/m{i} v1.0.0\n"));
    }
    gomod.push_str(")\n");
    for i in 0..20_000 {
        gomod.push_str(&format!(
            "replace github.com/a/r{i} => github.com/b/r{i} v1.0.0\n"
        ));
    }
    let inv = parse(Format::GoMod, FILE, gomod.as_bytes()).expect("parses");
    assert_eq!(inv.packages.len(), 20_000);
    // One pod with 50,000 dependency lines.
    let mut pods = String::from("PODS:\n  - A (1.0):\n");
    for i in 0..50_000 {
        pods.push_str(&format!("    - B{} (1.0)\n", i % 100));
    }
    let inv = parse(Format::PodfileLock, FILE, pods.as_bytes()).expect("parses");
    assert_eq!(inv.packages[0].dependencies.len(), 100);
    // A JSON object under a 1 MB key with 100,000 members.
    let key = "k".repeat(1 << 20);
    let members: Vec<String> = (0..100_000).map(|i| format!("\"m{i}\": {{}}")).collect();
    let doc = format!(
        "{{\"{key}\": {{{}}}, \"packages\": {{}}}}",
        members.join(",")
    );
    let _ = run(Format::PackageLockJson, doc.as_bytes());
}

/// Random soups of each format's tokens, in every format: nothing panics. 20,000 inputs by
/// default; `FUZZ_ITERS=20000000` (with `--release`) for a longer run (done once: clean).
#[test]
fn token_soup_never_panics() {
    let iters: u64 = std::env::var("FUZZ_ITERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let tokens: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        ":",
        ",",
        "\n",
        "  ",
        "    ",
        "\t",
        "-",
        "- ",
        "@",
        "/",
        "#",
        "=",
        "==",
        "(",
        ")",
        "<",
        ">",
        "</",
        "/>",
        "'",
        "\\",
        "$",
        "${",
        "$(",
        "%{",
        ":hex",
        "{:",
        "node_modules/",
        "packages",
        "\"packages\"",
        "dependencies",
        "version",
        "\"version\"",
        "name",
        "\"name\"",
        "[[package]]",
        "[[packages]]",
        "[[deps.X]]",
        "lockfileVersion",
        "\"lockfileVersion\": 3",
        "lockfileVersion: '9.0'",
        "lockfileVersion: 5.4",
        "importers:",
        "snapshots:",
        "__metadata:",
        "resolution:",
        "npm:",
        "workspace:",
        "link:",
        "file:",
        "-r ",
        "-c ",
        "-e ",
        "--hash=",
        "require",
        "replace",
        "=>",
        "module",
        "// indirect",
        "GEM",
        "specs:",
        "DEPENDENCIES",
        "PODS:",
        "NUGET",
        "remote:",
        "<project>",
        "<dependency>",
        "<groupId>",
        "<artifactId>",
        "<version>",
        "<parent>",
        "<relativePath>",
        "<packages>",
        "<package id=\"a\" version=\"1\"/>",
        "<Project>",
        "<PackageReference Include=\"a\" Version=\"1\"/>",
        "<component group=\"g\" name=\"n\" version=\"v\">",
        "Package: ",
        "Status: install ok installed",
        "Version: ",
        "P:",
        "V:",
        "constraints:",
        "any.",
        "hackage: ",
        "completed:",
        "1.0.0",
        "v1.2.3",
        "é",
        "\u{0}",
        "\u{feff}",
        "\r\n",
        "graph_lock",
        "nodes",
        "ref",
        "\"requires\"",
        "Packages",
        "pins",
        "location",
        "state",
        "libraries",
        "targets",
        "a",
        "b",
        "@scope/x",
        "x@1.0.0",
        "/x/1.0.0_y@2",
        "(peer@1)",
        "source",
        "registry+x",
        "editable",
        "groups",
        "dev",
        "true",
        "false",
        "null",
        "0",
        "-1",
        "99999999999999999999",
    ];
    let mut seed: u64 = 0x1234_5678_9abc_def1;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..iters {
        let n = (next() % 60) as usize;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(tokens[(next() % tokens.len() as u64) as usize]);
        }
        let f = Format::ALL[(i % Format::ALL.len() as u64) as usize];
        let r = std::panic::catch_unwind(|| parse(f, "fuzz", s.as_bytes()));
        assert!(r.is_ok(), "{f} panicked on {s:?}");
    }
}
