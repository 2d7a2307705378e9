//! The registry test: every built-in rule's examples run through the real engine.

use std::collections::BTreeSet;

use palisade_engine::{Engine, Example, FileKind, Input, Language, ScanCx};

use super::*;

fn scan(engine: &SecretsEngine, ex: &Example) -> Vec<Finding> {
    let kind = FileKind {
        language: Language::Other,
        is_text: true,
        is_utf8: true,
        size: ex.text().len() as u64,
    };
    let input = Input {
        path: ex.path(),
        content: ex.text().as_bytes(),
        kind: &kind,
    };
    let mut out = Vec::new();
    engine
        .scan(&input, &ScanCx::default(), &mut out)
        .expect("scan");
    out
}

#[test]
fn registry_examples_fire_and_negatives_do_not() {
    let engine = SecretsEngine::builtin().expect("builtin rules load");
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    for rule in engine.rule_objects() {
        let meta = &rule.meta;
        problems.extend(meta.lint("secrets"));
        if !ids.insert(meta.id.clone()) {
            problems.push(format!("{}: duplicate id", meta.id));
        }
        if rule.keywords.is_empty() {
            problems.push(format!("{}: built-in rules need keywords", meta.id));
        }
        if let Err(e) = rule.check_pattern() {
            problems.push(format!("{}: bad pattern: {e}", meta.id));
            continue;
        }
        for ex in &meta.examples {
            let found = scan(&engine, ex);
            if !found.iter().any(|f| f.rule.as_str() == meta.id) {
                problems.push(format!(
                    "{}: positive example did not fire (fired: {:?}): {:?}",
                    meta.id,
                    found.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(),
                    ex.text()
                ));
            }
        }
        for ex in &meta.negative_examples {
            let found = scan(&engine, ex);
            if found.iter().any(|f| f.rule.as_str() == meta.id) {
                problems.push(format!(
                    "{}: negative example fired: {:?}",
                    meta.id,
                    ex.text()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn byte_range(f: &Finding) -> Option<(u64, u64)> {
    f.locations.iter().find_map(|l| match l {
        palisade_engine::finding::Location::File { span: Some(s), .. } => {
            Some((s.byte_start, s.byte_end))
        }
        _ => None,
    })
}

/// One secret, one finding: no example makes two rules report overlapping bytes (a
/// duplicate the user would have to triage twice), and every `yields-to` names a rule.
#[test]
fn examples_never_report_one_secret_twice() {
    let engine = SecretsEngine::builtin().expect("builtin rules load");
    let ids: BTreeSet<&str> = engine
        .rule_objects()
        .iter()
        .map(|r| r.meta.id.as_str())
        .collect();
    let mut problems = Vec::new();
    for rule in engine.rule_objects() {
        for y in rule.yields_to() {
            if !ids.contains(y.as_str()) {
                problems.push(format!("{}: yields to unknown rule {y}", rule.meta.id));
            }
        }
        for ex in rule
            .meta
            .examples
            .iter()
            .chain(&rule.meta.negative_examples)
        {
            let found = scan(&engine, ex);
            for (i, a) in found.iter().enumerate() {
                for b in &found[i + 1..] {
                    let (Some((a0, a1)), Some((b0, b1))) = (byte_range(a), byte_range(b)) else {
                        continue;
                    };
                    if a0 < b1 && b0 < a1 {
                        problems.push(format!(
                            "{}: example reported twice, by {} and {}: {:?}",
                            rule.meta.id,
                            a.rule.as_str(),
                            b.rule.as_str(),
                            ex.text()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn secret_never_appears_in_the_finding() {
    let engine = SecretsEngine::builtin().expect("load");
    let secret = "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";
    let found = scan(&engine, &Example::Text(format!("token = \"{secret}\"\n")));
    assert_eq!(found.len(), 1, "{found:?}");
    let json = format!("{:?}", found[0]);
    assert!(!json.contains(&secret[8..]), "secret leaked: {json}");
    assert!(
        found[0].message.contains("(40 chars)"),
        "{}",
        found[0].message
    );
}

#[test]
fn same_secret_same_fingerprint_across_files() {
    let engine = SecretsEngine::builtin().expect("load");
    let a = scan(
        &engine,
        &Example::File {
            path: "a.env".into(),
            text: "K=AKIAQ3EGUS7LGVHXN2PA\n".into(),
        },
    );
    let b = scan(
        &engine,
        &Example::File {
            path: "b/c.py".into(),
            text: "\n\nx = 'AKIAQ3EGUS7LGVHXN2PA'\n".into(),
        },
    );
    assert_eq!(a[0].fingerprint, b[0].fingerprint);
}

#[test]
fn test_fixture_paths_get_low_confidence() {
    let engine = SecretsEngine::builtin().expect("load");
    let f = scan(
        &engine,
        &Example::File {
            path: "tests/fixtures/creds.py".into(),
            text: "k = 'AKIAQ3EGUS7LGVHXN2PA'".into(),
        },
    );
    assert_eq!(f[0].confidence, Confidence::Low);
}

#[test]
fn long_single_line_is_linear() {
    // A 4 MB minified line full of keyword hits: windows are bounded, so this is fast.
    let engine = SecretsEngine::builtin().expect("load");
    let mut text = "var token=a;password=b;".repeat(200_000);
    text.push_str("k='AKIAQ3EGUS7LGVHXN2PA'");
    let found = scan(&engine, &Example::Text(text));
    assert!(
        found
            .iter()
            .any(|f| f.rule.as_str() == "secrets/aws-access-key-id")
    );
}

#[test]
fn gitleaks_config_rules_load_and_match() {
    let cfg = r#"
title = "custom"
[[rules]]
id = "acme-api-key"
description = "ACME API key"
regex = '''acme_[a-z0-9]{24}'''
keywords = ["acme_"]
[rules.allowlist]
stopwords = ["test"]
[[rules]]
id = "internal-token"
regex = '''itk-([A-Z0-9]{12})'''
secretGroup = 1
"#;
    let rules = gitleaks::parse(cfg, "gitleaks.toml").expect("parse");
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].meta.id, "secrets/acme-api-key");
    let engine = SecretsEngine::new(rules).expect("engine");
    let found = scan(&engine, &Example::Text("a = acme_k3x9q2l8w7z4m1n6b5v0c2x8\nb = itk-AB12CD34EF56\nc = acme_testq2l8w7z4m1n6b5v0c2x8\n".into()));
    let ids: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(ids, ["secrets/acme-api-key", "secrets/internal-token"]);
}

#[test]
fn gitleaks_path_only_rule_is_a_clear_error() {
    let err = gitleaks::parse("[[rules]]\nid = \"p12\"\npath = '''\\.p12$'''\n", "g.toml")
        .err()
        .expect("error");
    let msg = err.to_string();
    assert!(msg.contains("g.toml") && msg.contains("p12"), "{msg}");
}

#[test]
fn malformed_yaml_rule_file_names_the_file() {
    let err = parse_yaml_rules("rules:\n  - id: secrets/x\n    nme: typo\n", "extra.yml")
        .err()
        .expect("error");
    assert!(err.to_string().starts_with("extra.yml"), "{err}");
}

fn custom_engine(yaml: &str) -> SecretsEngine {
    SecretsEngine::new(parse_yaml_rules(yaml, "test.yml").expect("parse")).expect("engine")
}

fn ids(found: &[Finding]) -> Vec<&str> {
    found.iter().map(|f| f.rule.as_str()).collect()
}

const RULE_HEAD: &str = "  severity: high\n  confidence: high\n  cwe: [798]\n  description: d\n";

#[test]
fn case_sensitive_keywords_open_windows_only_in_their_case() {
    let engine = custom_engine(&format!(
        "rules:\n- id: secrets/tok\n  name: t\n{RULE_HEAD}  keywords: [TOK-]\n  case-sensitive-keywords: true\n  pattern: '(?i)\\b(tok-[0-9]{{4}})\\b'\n"
    ));
    let hit = scan(&engine, &Example::Text("a = TOK-4821".into()));
    assert_eq!(ids(&hit), ["secrets/tok"]);
    let miss = scan(&engine, &Example::Text("a = tok-4821".into()));
    assert!(miss.is_empty(), "{miss:?}");
}

#[test]
fn distinct_from_drops_user_equal_to_password() {
    let engine = custom_engine(&format!(
        "rules:\n- id: secrets/u\n  name: u\n{RULE_HEAD}  keywords: ['amqp://']\n  distinct-from: user\n  pattern: 'amqp://(?P<user>[a-z]+):(?P<secret>[A-Za-z0-9]+)@'\n"
    ));
    assert!(scan(&engine, &Example::Text("amqp://guest:GUEST@h".into())).is_empty());
    assert_eq!(
        ids(&scan(
            &engine,
            &Example::Text("amqp://guest:Qx7aZ9@h".into())
        )),
        ["secrets/u"]
    );
}

#[test]
fn yields_to_keeps_only_the_preferred_rule() {
    let engine = custom_engine(&format!(
        "rules:\n- id: secrets/wide\n  name: w\n{RULE_HEAD}  keywords: [key_]\n  yields-to: [secrets/narrow]\n  pattern: '(key_[a-z0-9]{{12}})'\n- id: secrets/narrow\n  name: n\n{RULE_HEAD}  keywords: [key_live]\n  pattern: '(key_live[a-z0-9]{{8}})'\n"
    ));
    let found = scan(&engine, &Example::Text("k = key_live7q2m9x4z".into()));
    assert_eq!(ids(&found), ["secrets/narrow"]);
    let found = scan(&engine, &Example::Text("k = key_test7q2m9x4z".into()));
    assert_eq!(ids(&found), ["secrets/wide"]);
}

#[test]
fn windows_follow_each_line_of_a_many_line_file() {
    // Keyword hits on many lines, and several on one line: every line is searched.
    let engine = SecretsEngine::builtin().expect("load");
    let mut text = String::new();
    for i in 0..50 {
        text.push_str(&format!("line {i} token password secret\n"));
    }
    text.push_str("x = 'AKIAQ3EGUS7LGVHXN2PA' token token\n");
    text.push_str("y = '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'\n");
    let found = scan(&engine, &Example::Text(text));
    assert_eq!(
        ids(&found),
        ["secrets/aws-access-key-id", "secrets/github-pat-classic"]
    );
}

#[test]
fn look_alike_token_with_a_bad_checksum_is_not_a_generic_secret() {
    // The classic-token shape with a wrong CRC32: neither the GitHub rule (checksum) nor
    // the generic password rules (it is claimed by the specific rule's shape) report it.
    let engine = SecretsEngine::builtin().expect("load");
    let found = scan(
        &engine,
        &Example::Text("GITHUB_TOKEN = \"ghp_Zq3LmT7pX2vB9nR4kW8yH1cJ5dF6gS1N3EHX\"\n".into()),
    );
    assert!(found.is_empty(), "{:?}", ids(&found));
}
