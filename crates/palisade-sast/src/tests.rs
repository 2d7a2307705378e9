use std::path::Path;

use super::*;

fn compat_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sast-compat")
}

/// The compatibility suite: every rule's annotations hold.
#[test]
fn compat_suite_passes() {
    let results = testing::test_dir(&compat_dir()).expect("suite");
    assert!(!results.is_empty());
    let problems: Vec<String> = results.iter().flat_map(|r| r.problems.clone()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The built-in rules pass their own annotated tests.
#[test]
fn builtin_rules_pass_their_tests() {
    let results =
        testing::test_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).expect("rules");
    let problems: Vec<String> = results.iter().flat_map(|r| r.problems.clone()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let set = builtin_rules().expect("builtin");
    // Issue #4: at least 250 built-in rules.
    assert!(set.rules.len() >= 250, "{} rules", set.rules.len());
}

#[test]
fn unsupported_operator_is_refused_with_rule_file_and_line() {
    let yaml = "rules:\n  - id: t\n    languages: [python]\n    message: m\n    severity: ERROR\n    mode: join\n    pattern: x\n";
    let err = rule::parse_file(yaml, "r.yaml").expect_err("refused");
    let msg = err.to_string();
    assert!(
        msg.starts_with("r.yaml:6: rule `t`: unsupported `mode: join`"),
        "{msg}"
    );
    let yaml = "rules:\n  - id: u\n    languages: [python]\n    message: m\n    severity: ERROR\n    patterns:\n      - pattern: x\n      - pattern-where-python: y\n";
    let msg = rule::parse_file(yaml, "r.yaml")
        .expect_err("refused")
        .to_string();
    assert_eq!(
        msg,
        "r.yaml:8: rule `u`: unsupported operator `pattern-where-python`"
    );
}

fn engine(yaml: &str) -> SastEngine {
    load(&[("t.yaml".into(), yaml.into())], &[])
        .map(SastEngine::new)
        .expect("rules")
}

/// Deeply nested code: no stack overflow, a bounded answer.
#[test]
fn deeply_nested_code_does_not_overflow() {
    let e = engine(
        "rules:\n  - id: t\n    languages: [python, javascript]\n    message: m\n    severity: ERROR\n    pattern: eval(<... $X ...>)\n",
    );
    let depth = 50_000;
    let src = format!("eval({}x{})\n", "(".repeat(depth), ")".repeat(depth));
    let r = e.scan_source("deep.py", src.as_bytes());
    assert!(r.is_ok() || matches!(r, Err(EngineError::Limit(_))));
    let src = format!("eval({}1{});\n", "[".repeat(depth), "]".repeat(depth));
    let r = e.scan_source("deep.js", src.as_bytes());
    assert!(r.is_ok() || matches!(r, Err(EngineError::Limit(_))));
}

/// 100k-line files and minified JavaScript scan in bounded time; a tiny timeout skips.
#[test]
fn large_and_minified_files() {
    let mut e = engine(
        "rules:\n  - id: t\n    languages: [python, javascript]\n    message: m\n    severity: ERROR\n    pattern: eval($X)\n",
    );
    // Generous: this asserts bounded work, not speed (CI machines are shared).
    e.timeout = std::time::Duration::from_secs(600);
    let mut src = String::new();
    for i in 0..100_000 {
        src.push_str(&format!("x{i} = eval(y{i})\n"));
    }
    let found = e.scan_source("big.py", src.as_bytes()).expect("scan");
    assert_eq!(found.len(), 100_000);
    let js: String = (0..20_000)
        .map(|i| format!("var a{i}=eval(b{i});"))
        .collect();
    let found = e.scan_source("min.js", js.as_bytes()).expect("scan");
    assert_eq!(found.len(), 20_000);
    e.timeout = std::time::Duration::from_nanos(1);
    let err = e
        .scan_source("big.py", src.as_bytes())
        .expect_err("skipped");
    assert!(err.to_string().contains("file skipped"), "{err}");
}

#[test]
fn message_interpolation_fix_and_parse_error_count() {
    let e = engine(
        "rules:\n  - id: t\n    languages: [python]\n    message: unsafe load of $X\n    severity: ERROR\n    pattern: yaml.unsafe_load($X)\n    fix: yaml.safe_load($X)\n",
    );
    let found = e
        .scan_source("a.py", b"def f(:\n  pass\nyaml.unsafe_load(stream)\n")
        .expect("scan");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "unsafe load of stream");
    assert_eq!(
        found[0]
            .fix
            .as_ref()
            .and_then(|f| f.replacement.clone())
            .as_deref(),
        Some("yaml.safe_load(stream)")
    );
    assert_eq!(
        e.stats()
            .files_with_parse_errors
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

/// PHP superglobals in a pattern are the variables themselves, not metavariables: `$_GET[...]`
/// matches `$_GET['q']` but not `$pages['q']`, and a bare `$_POST` is not "any expression".
#[test]
fn php_superglobals_are_literal_in_patterns() {
    let e = engine(
        "rules:\n  - id: t\n    languages: [php]\n    message: m\n    severity: ERROR\n    patterns:\n      - pattern: include $X;\n      - metavariable-pattern:\n          metavariable: $X\n          pattern-either:\n            - pattern: $_GET[...]\n            - pattern: $_POST\n",
    );
    let src = b"<?php\ninclude $pages[$p];\ninclude 'a/' . $_GET['page'];\ninclude $cfg;\ninclude $_POST;\n";
    let found = e.scan_source("a.php", src).expect("scan");
    let lines: Vec<u32> = found.iter().map(|f| f.line()).collect();
    assert_eq!(lines, vec![3, 5]);
}

/// Built-in patterns compile on first use, per language: a Python scan compiles no Java
/// pattern. Rule files loaded by path compile at load, so a bad pattern is refused there.
#[test]
fn builtin_patterns_compile_lazily_per_language() {
    let e = SastEngine::builtin().expect("builtin");
    let py = e
        .set
        .rules
        .iter()
        .find(|r| r.langs == [Lang::Python])
        .expect("a python rule");
    let java = e
        .set
        .rules
        .iter()
        .find(|r| r.langs == [Lang::Java])
        .expect("a java rule");
    assert!(!java.is_compiled(Lang::Java));
    e.scan_source("app.py", b"import hashlib\nhashlib.md5(b'x')\n")
        .expect("scan");
    assert!(py.is_compiled(Lang::Python));
    assert!(!java.is_compiled(Lang::Java));
    // the same set is shared by every builtin engine of the process
    let again = SastEngine::builtin().expect("builtin");
    assert!(Arc::ptr_eq(&e.set, &again.set));

    let bad = "rules:\n  - id: t\n    languages: [python]\n    message: m\n    severity: ERROR\n    pattern: foo(\n";
    let err = load(&[("t.yaml".into(), bad.into())], &[])
        .err()
        .expect("refused");
    assert!(err.to_string().contains("cannot parse pattern"), "{err}");
}
