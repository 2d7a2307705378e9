//! Every check's examples: the positive fires that check, the negative does not.

use palisade_terraform::{check_source, checks};

#[test]
fn checks_yaml_loads() {
    let all = palisade_terraform::checks::load().expect("checks.yaml is valid");
    assert!(all.len() >= 60, "only {} checks", all.len());
    assert_eq!(all.len(), checks().len());
    assert_eq!(palisade_terraform::rule_metas().len(), all.len());
    let mut ids: Vec<&str> = all.iter().map(|c| c.meta.id.as_str()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(n, ids.len(), "duplicate check ids");
    for c in &all {
        let problems = c.meta.lint("iac");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.meta.cwe.len(), 1, "{}: one CWE", c.meta.id);
        assert!(c.meta.description.contains("## Why"), "{}: docs", c.meta.id);
    }
}

#[test]
fn examples_fire_and_negatives_do_not() {
    let mut failures = Vec::new();
    for c in checks() {
        let id = c.meta.id.as_str();
        for ex in &c.meta.examples {
            let f = check_source(&[(ex.path(), ex.text())]);
            if !f.iter().any(|f| f.check == id) {
                failures.push(format!("{id}: positive example does not fire"));
            }
        }
        for ex in &c.meta.negative_examples {
            let f = check_source(&[(ex.path(), ex.text())]);
            if let Some(hit) = f.iter().find(|f| f.check == id) {
                failures.push(format!("{id}: negative example fires: {}", hit.message));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
