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
