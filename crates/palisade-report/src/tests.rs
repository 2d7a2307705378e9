use std::collections::BTreeMap;
use std::path::PathBuf;

use palisade_engine::finding::{
    Confidence, Diagnostic, DiagnosticLevel, Finding, Fingerprint, GitOrigin, Location, RuleId,
    Severity, Snippet, Span,
};
use palisade_engine::{Example, RuleMeta};

use super::*;

fn meta() -> RuleMeta {
    RuleMeta {
        id: "secrets/github-pat-classic".into(),
        name: "GitHub personal access token (classic)".into(),
        severity: Severity::Critical,
        confidence: Confidence::High,
        cwe: vec![798],
        owasp: vec!["A07:2021".into()],
        description: "A classic token.\n\nRevoke it.".into(),
        references: vec!["https://example.com/tokens".into()],
        examples: vec![Example::Text("x".into())],
        negative_examples: vec![Example::Text("y".into())],
    }
}

fn span(line: u32, col: u32, len: u32) -> Span {
    Span {
        start_line: line,
        start_column: col,
        end_line: line,
        end_column: col + len,
        byte_start: 0,
        byte_end: u64::from(len),
    }
}

fn findings() -> Vec<Finding> {
    vec![Finding {
        rule: RuleId::new("secrets/github-pat-classic"),
        severity: Severity::Critical,
        confidence: Confidence::High,
        message: "GitHub personal access token (classic): `ghp_Zq…` (40 chars)".into(),
        locations: vec![
            Location::file("config/settings.py", span(2, 9, 40)),
            Location::File {
                path: "deploy/a b.env".into(),
                span: Some(span(1, 7, 40)),
                git: Some(GitOrigin {
                    commit: "0123456789abcdef0123456789abcdef01234567".into(),
                    blob: "89abcdef0123456789abcdef0123456789abcdef".into(),
                    author: "Dev <&>".into(),
                    email: "dev@example.com".into(),
                    time: 1_700_000_000,
                }),
            },
        ],
        fingerprint: Fingerprint("00112233445566778899aabbccddeeff".into()),
        snippet: Some(Snippet {
            first_line: 1,
            text: "import os\nTOKEN = \"ghp_Zq…\"\nDEBUG = False\n".into(),
            mark: Some((2, 10, 19)),
        }),
        fix: None,
        owners: vec!["@org/platform".into()],
        trace: Vec::new(),
    }]
}

fn diagnostics() -> Vec<Diagnostic> {
    vec![
        Diagnostic::new(DiagnosticLevel::Skip, "big.bin", "binary file"),
        Diagnostic::new(
            DiagnosticLevel::Error,
            "locked.txt",
            "cannot open: permission denied",
        ),
    ]
}

fn render(format: Format) -> String {
    render_with(format, &[])
}

fn render_with(format: Format, not_audited: &[NotAudited]) -> String {
    let m = meta();
    let fs = findings();
    let ds = diagnostics();
    let mut rules = BTreeMap::new();
    rules.insert(m.id.as_str(), &m);
    let report = Report {
        tool_version: "0.0.0-test",
        findings: &fs,
        diagnostics: &ds,
        rules,
        summary: Summary {
            files_scanned: 3,
            bytes_scanned: 120,
            files_skipped: 1,
            errors: 1,
            suppressed: 0,
            baselined: 0,
        },
        not_audited,
    };
    let mut out = Vec::new();
    report
        .render(format, TextOptions::default(), &mut out)
        .expect("render");
    String::from_utf8(out).expect("utf-8")
}

fn not_audited() -> Vec<NotAudited> {
    vec![NotAudited::no_data("Maven", 3), NotAudited::unpinned(2)]
}

#[test]
fn not_audited_packages_in_json_and_sarif() {
    let json: serde_json::Value =
        serde_json::from_str(&render_with(Format::Json, &not_audited())).expect("json");
    assert_eq!(
        json["summary"]["not_audited"],
        serde_json::json!([
            { "packages": 3, "reason": "no-advisory-data", "ecosystem": "Maven" },
            { "packages": 2, "reason": "unpinned" }
        ])
    );
    let parsed: JsonV1 =
        serde_json::from_str(&render_with(Format::Json, &not_audited())).expect("parse");
    assert_eq!(parsed.summary.not_audited, not_audited());
    // Absent, not empty, when everything was audited: older readers see no change.
    let plain: serde_json::Value = serde_json::from_str(&render(Format::Json)).expect("json");
    assert!(plain["summary"].get("not_audited").is_none(), "{plain}");

    let sarif: serde_json::Value =
        serde_json::from_str(&render_with(Format::Sarif, &not_audited())).expect("sarif");
    let inv = &sarif["runs"][0]["invocations"][0];
    let texts: Vec<&str> = inv["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["descriptor"]["id"] == "deps/not-audited")
        .filter_map(|n| n["message"]["text"].as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "3 package(s) not audited: no advisory data for Maven",
            "2 package(s) not audited: no pinned version"
        ]
    );
    assert_eq!(inv["properties"]["notAudited"][0]["ecosystem"], "Maven");
    let plain: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).expect("sarif");
    assert!(
        plain["runs"][0]["invocations"][0]
            .get("properties")
            .is_none()
    );
}

#[test]
fn text_output() {
    insta::assert_snapshot!(render(Format::Text));
}

#[test]
fn json_v1_output() {
    insta::assert_snapshot!(render(Format::Json));
}

#[test]
fn json_v1_round_trips() {
    let parsed: JsonV1 = serde_json::from_str(&render(Format::Json)).expect("parse");
    assert_eq!(parsed.version, 1);
    assert_eq!(
        parsed.findings[0].locations[1].date.as_deref(),
        Some("2023-11-14T22:13:20Z")
    );
}

#[test]
fn sarif_output() {
    insta::assert_snapshot!(render(Format::Sarif));
}

#[test]
fn junit_output() {
    insta::assert_snapshot!(render(Format::Junit));
}

#[test]
fn markdown_output() {
    insta::assert_snapshot!(render(Format::Markdown));
}

/// The official OASIS SARIF 2.1.0 schema, as shipped in the `serde-sarif` crate's
/// source (`.ci/run` fetches it with `cargo fetch --manifest-path .ci/sarif-schema/Cargo.toml`).
fn sarif_schema() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("PALISADE_SARIF_SCHEMA") {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let registry = home.join("registry/src");
    for index in std::fs::read_dir(registry).ok()?.flatten() {
        for krate in std::fs::read_dir(index.path()).ok()?.flatten() {
            if krate
                .file_name()
                .to_string_lossy()
                .starts_with("serde-sarif-")
            {
                let p = krate.path().join("src/schema.json");
                if p.is_file() {
                    return Some(p);
                }
            }
        }
    }
    None
}

fn mend_language_pattern(v: &mut serde_json::Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        serde_json::Value::Object(map) => {
            let mut n = 0;
            for (k, child) in map.iter_mut() {
                if k == "pattern" && child.as_str() == Some(BAD) {
                    *child = serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                    n += 1;
                } else {
                    n += mend_language_pattern(child);
                }
            }
            n
        }
        serde_json::Value::Array(items) => items.iter_mut().map(mend_language_pattern).sum(),
        _ => 0,
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let Some(path) = sarif_schema() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must provide the SARIF schema (cargo fetch --manifest-path .ci/sarif-schema/Cargo.toml)"
        );
        eprintln!("skipped: the SARIF 2.1.0 schema was not found (run the fetch in .ci/run)");
        return;
    };
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read schema"))
            .expect("schema json");
    // The published schema's `language` patterns have a stray `]` that is not a valid
    // ECMA 262 regex, and a strict validator refuses the whole schema for it. Mend
    // that pattern wherever it stands (palisade never emits `language`).
    let mended = mend_language_pattern(&mut schema);
    assert!(
        mended >= 1,
        "schema layout changed: no language pattern found"
    );
    let validator = jsonschema::validator_for(&schema).expect("compile schema");
    let with_coverage = render_with(Format::Sarif, &not_audited());
    for text in [render(Format::Sarif), with_coverage] {
        let doc: serde_json::Value = serde_json::from_str(&text).expect("sarif json");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF schema errors:\n{}",
            errors.join("\n")
        );
    }
    let doc: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).expect("sarif json");
    // A document that breaks the schema must be caught, or this test proves nothing.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("catastrophic");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn group_by_owner_lists_a_finding_under_each_owner_and_unowned_last() {
    let m = meta();
    let mut fs = findings();
    let mut unowned = fs[0].clone();
    unowned.owners.clear();
    unowned.fingerprint = Fingerprint("ff".into());
    let mut two = fs[0].clone();
    two.owners = vec!["@z-team".into(), "@a-team".into()];
    two.fingerprint = Fingerprint("ee".into());
    fs.insert(0, unowned);
    fs.push(two);
    let mut rules = BTreeMap::new();
    rules.insert(m.id.as_str(), &m);
    let report = Report {
        tool_version: "0.0.0-test",
        findings: &fs,
        diagnostics: &[],
        rules,
        summary: Summary::default(),
        not_audited: &[],
    };
    let opts = TextOptions {
        group_by_owner: true,
        ..TextOptions::default()
    };
    for (format, prefix) in [(Format::Text, "== "), (Format::Markdown, "### ")] {
        let mut out = Vec::new();
        report.render(format, opts, &mut out).expect("render");
        let text = String::from_utf8(out).expect("utf-8");
        let headings: Vec<&str> = text.lines().filter(|l| l.starts_with(prefix)).collect();
        let want: Vec<String> = [
            "@a-team (1",
            "@org/platform (1",
            "@z-team (1",
            "(no owner) (1",
        ]
        .iter()
        .map(|h| format!("{prefix}{h}"))
        .collect();
        assert_eq!(headings.len(), want.len(), "{text}");
        for (h, w) in headings.iter().zip(&want) {
            assert!(h.starts_with(w.as_str()), "{h} vs {w}");
        }
    }
}

#[path = "tests_limits.rs"]
mod limits;

/// A taint finding's trace: SARIF `codeFlows`, JSON `trace`, text "data flow".
#[test]
fn taint_trace_in_sarif_json_and_text() {
    use palisade_engine::finding::TraceStep;
    let m = meta();
    let mut fs = findings();
    fs[0].owners.clear();
    fs[0].trace = vec![
        TraceStep {
            location: Location::file("app.py", span(3, 9, 20)),
            message: "source".into(),
        },
        TraceStep {
            location: Location::file("app.py", span(4, 5, 1)),
            message: "`q` assigned".into(),
        },
        TraceStep {
            location: Location::file("app.py", span(5, 16, 1)),
            message: "sink".into(),
        },
    ];
    let mut rules = BTreeMap::new();
    rules.insert(m.id.as_str(), &m);
    let report = Report {
        tool_version: "0.0.0-test",
        findings: &fs,
        diagnostics: &[],
        rules,
        summary: Summary::default(),
        not_audited: &[],
    };
    let out = |format| {
        let mut out = Vec::new();
        report
            .render(format, TextOptions::default(), &mut out)
            .expect("render");
        String::from_utf8(out).expect("utf-8")
    };
    let sarif: serde_json::Value = serde_json::from_str(&out(Format::Sarif)).expect("json");
    let steps = &sarif["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"];
    assert_eq!(steps.as_array().map(Vec::len), Some(3));
    assert_eq!(steps[1]["location"]["message"]["text"], "`q` assigned");
    assert_eq!(
        steps[2]["location"]["physicalLocation"]["region"]["startLine"],
        5
    );
    let json: serde_json::Value = serde_json::from_str(&out(Format::Json)).expect("json");
    assert_eq!(json["findings"][0]["trace"][0]["message"], "source");
    assert_eq!(json["findings"][0]["trace"][2]["location"]["start_line"], 5);
    let text = out(Format::Text);
    assert!(
        text.contains("  = data flow:\n      1. app.py:3:9 source\n      2. app.py:4:5 `q` assigned\n      3. app.py:5:16 sink\n"),
        "{text}"
    );
    // Findings without a trace serialise as before (no `trace` key).
    let plain = serde_json::to_value(&findings()[0]).expect("ser");
    assert!(plain.get("trace").is_none());
    let back: Finding = serde_json::from_value(plain).expect("old JSON still reads");
    assert!(back.trace.is_empty());
}
