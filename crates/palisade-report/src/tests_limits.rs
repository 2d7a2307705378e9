//! The HTML report (parsed with html5ever, as a browser would), the Markdown comment
//! budget and SARIF's upload limits.

use std::collections::BTreeMap;
use std::io::Write as _;

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use palisade_engine::finding::{Confidence, Finding, Fingerprint, Location, RuleId, Severity};

use super::{findings, meta, span};
use crate::{
    Format, HtmlOptions, RenderOptions, Report, SarifLimits, Summary, TextOptions, TrendPoint,
};

/// `n` findings of every severity in turn, with distinct fingerprints and paths.
fn many(n: usize) -> Vec<Finding> {
    (0..n)
        .map(|i| {
            let sev = Severity::ALL[i % 5];
            Finding {
                rule: RuleId::new("secrets/github-pat-classic"),
                severity: sev,
                confidence: Confidence::High,
                message: format!("finding number {i} of severity {sev}"),
                locations: vec![Location::file(
                    format!("src/dir{}/file{i}.py", i % 97),
                    span(i as u32 % 500 + 1, 3, 10),
                )],
                fingerprint: Fingerprint(format!("{i:032x}")),
                snippet: None,
                fix: None,
                owners: if i % 3 == 0 {
                    vec!["@org/team".into()]
                } else {
                    Vec::new()
                },
                trace: Vec::new(),
            }
        })
        .collect()
}

fn report<'a>(fs: &'a [Finding], m: &'a palisade_engine::RuleMeta) -> Report<'a> {
    let mut rules = BTreeMap::new();
    rules.insert(m.id.as_str(), m);
    Report {
        tool_version: "0.0.0-test",
        findings: fs,
        diagnostics: &[],
        rules,
        summary: Summary::default(),
        not_audited: &[],
    }
}

fn render_with(r: &Report<'_>, format: Format, opts: &RenderOptions) -> (String, Vec<String>) {
    let mut out = Vec::new();
    let warnings = r
        .render_with(format, TextOptions::default(), opts, &mut out)
        .expect("render");
    (String::from_utf8(out).expect("utf-8"), warnings)
}

/// Every element of the document, depth first: (name, attributes).
/// An element: its name, attributes and node.
type Element = (String, Vec<(String, String)>, Handle);

fn elements(h: &Handle, out: &mut Vec<Element>) {
    if let NodeData::Element { name, attrs, .. } = &h.data {
        let attrs = attrs
            .borrow()
            .iter()
            .map(|a| (a.name.local.to_string(), a.value.to_string()))
            .collect();
        out.push((name.local.to_string(), attrs, h.clone()));
    }
    for c in h.children.borrow().iter() {
        elements(c, out);
    }
}

fn text_of(h: &Handle) -> String {
    let mut s = String::new();
    if let NodeData::Text { contents } = &h.data {
        s.push_str(&contents.borrow());
    }
    for c in h.children.borrow().iter() {
        s.push_str(&text_of(c));
    }
    s
}

/// The elements of a parsed document (the DOM is kept alive: dropping it empties nodes).
fn parse(html: &str) -> (RcDom, Vec<Element>) {
    let dom = html5ever::parse_document(RcDom::default(), Default::default())
        .from_utf8()
        .read_from(&mut html.as_bytes())
        .expect("parse");
    assert!(
        dom.errors.borrow().is_empty(),
        "HTML parse errors: {:?}",
        dom.errors.borrow()
    );
    let mut out = Vec::new();
    elements(&dom.document, &mut out);
    (dom, out)
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

const HOSTILE: &str = "</td></tr><script>alert(1)</script><img src=x onerror=alert(2)>\"'&<!--";

fn hostile_findings() -> Vec<Finding> {
    let mut fs = many(40);
    let mut evil = findings().remove(0);
    evil.message = format!("msg {HOSTILE}");
    evil.rule = RuleId::new(format!("secrets/x{HOSTILE}"));
    evil.owners = vec![format!("@o{HOSTILE}")];
    evil.locations = vec![Location::file(format!("dir/{HOSTILE}.py"), span(1, 1, 2))];
    if let Some(s) = &mut evil.snippet {
        s.text = format!("line {HOSTILE}\n");
    }
    evil.fingerprint = Fingerprint(format!("fp{HOSTILE}"));
    fs.push(evil);
    fs
}

#[test]
fn html_is_self_contained_with_a_strict_csp_and_every_finding() {
    let m = meta();
    let fs = hostile_findings();
    let r = report(&fs, &m);
    let opts = RenderOptions {
        html: HtmlOptions {
            group: Some("owner".into()),
            title: Some(format!("title {HOSTILE}")),
            trend: vec![
                TrendPoint {
                    date: "2026-11-01".into(),
                    counts: [1, 2, 3, 4, 5],
                },
                TrendPoint {
                    date: format!("2026-11-29{HOSTILE}"),
                    counts: [0, 1, 2, 3, 1],
                },
            ],
        },
        ..RenderOptions::default()
    };
    let (html, warnings) = render_with(&r, Format::Html, &opts);
    assert!(warnings.is_empty());
    let (_dom, els) = parse(&html);

    // Exactly one script, inline, and no element that loads anything.
    let scripts: Vec<_> = els.iter().filter(|(n, _, _)| n == "script").collect();
    assert_eq!(scripts.len(), 1, "one inline script");
    assert!(attr(&scripts[0].1, "src").is_none());
    for (name, attrs, _) in &els {
        assert!(
            !matches!(
                name.as_str(),
                "img" | "iframe" | "object" | "embed" | "link" | "base" | "form"
            ),
            "unexpected <{name}>"
        );
        for (a, v) in attrs {
            assert!(
                !a.starts_with("on"),
                "event handler attribute {a} on <{name}>"
            );
            assert!(a != "style", "style attribute on <{name}> (CSP forbids it)");
            if matches!(
                a.as_str(),
                "src" | "href" | "action" | "xlink:href" | "srcset" | "poster"
            ) {
                panic!("<{name} {a}={v}> refers outside the file");
            }
        }
    }
    assert!(
        !html.contains("http://")
            || !html
                .replace("http://www.w3.org/2000/svg", "")
                .contains("http://")
    );
    assert!(
        !html.contains("https://"),
        "no https URL may appear (rule references are not shown)"
    );

    // The CSP meta tag: nothing by default, the style and script by hash.
    let csp = els
        .iter()
        .find(|(n, a, _)| n == "meta" && attr(a, "http-equiv") == Some("Content-Security-Policy"))
        .and_then(|(_, a, _)| attr(a, "content"))
        .expect("CSP meta tag")
        .to_string();
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(!csp.contains("unsafe"), "{csp}");
    // The browser hashes the element's raw text: take it from the document as written.
    let between = |open: &str, close: &str| {
        let start = html.find(open).expect("open tag") + open.len();
        let end = start + html[start..].find(close).expect("close tag");
        html[start..end].to_string()
    };
    for (text, directive) in [
        (between("<script>", "</script>"), "script-src"),
        (between("<style>", "</style>"), "style-src"),
    ] {
        use sha2::Digest;
        let b64 = crate::html_test_base64(&sha2::Sha256::digest(text.as_bytes()));
        assert!(
            csp.contains(&format!("{directive} 'sha256-{b64}'")),
            "{directive} hash: {csp}"
        );
    }
    assert_eq!(html.matches("<script").count(), 1);
    assert_eq!(html.matches("<style").count(), 1);

    // Every finding is a row, by fingerprint; the hostile strings are text, not markup.
    let rows: Vec<_> = els
        .iter()
        .filter(|(n, a, _)| n == "tr" && attr(a, "class") == Some("f"))
        .collect();
    assert_eq!(rows.len(), fs.len());
    for f in &fs {
        assert!(
            rows.iter()
                .any(|(_, a, _)| attr(a, "data-fp") == Some(f.fingerprint.0.as_str())),
            "{}",
            f.fingerprint
        );
    }
    let evil = rows
        .iter()
        .find(|(_, a, _)| attr(a, "data-fp").is_some_and(|v| v.starts_with("fp")))
        .expect("hostile row");
    let row_text = text_of(&evil.2);
    assert!(
        row_text.contains(HOSTILE),
        "hostile text shown literally: {row_text}"
    );
    assert_eq!(
        attr(&evil.1, "data-owner"),
        Some(format!("@o{HOSTILE}").as_str())
    );
    let title = els.iter().find(|(n, _, _)| n == "title").expect("title");
    assert_eq!(text_of(&title.2), format!("title {HOSTILE}"));

    // Charts: inline SVG, the trend one because trend data was given.
    let svgs = els.iter().filter(|(n, _, _)| n == "svg").count();
    assert_eq!(svgs, 2);
    assert!(els.iter().any(|(n, _, _)| n == "polyline"));
    // The grouping choices, owner selected as asked.
    assert!(els.iter().any(|(n, a, _)| n == "option"
        && attr(a, "value") == Some("owner")
        && attr(a, "selected").is_some()));
    for g in ["owner", "sev", "engine", "rule"] {
        assert!(
            els.iter()
                .any(|(n, a, _)| n == "option" && attr(a, "value") == Some(g)),
            "group {g}"
        );
    }
}

#[test]
fn html_without_trend_has_one_chart() {
    let m = meta();
    let fs = findings();
    let r = report(&fs, &m);
    let (html, _) = render_with(&r, Format::Html, &RenderOptions::default());
    let (_dom, els) = parse(&html);
    assert_eq!(els.iter().filter(|(n, _, _)| n == "svg").count(), 1);
}

#[test]
fn html_output() {
    let m = meta();
    let fs = findings();
    let r = report(&fs, &m);
    let opts = RenderOptions {
        html: HtmlOptions {
            group: None,
            title: None,
            trend: vec![
                TrendPoint {
                    date: "2026-11-01".into(),
                    counts: [0, 0, 1, 2, 3],
                },
                TrendPoint {
                    date: "2026-11-15".into(),
                    counts: [0, 0, 1, 1, 2],
                },
                TrendPoint {
                    date: "2026-11-29".into(),
                    counts: [0, 0, 0, 1, 1],
                },
            ],
        },
        ..RenderOptions::default()
    };
    let (html, _) = render_with(&r, Format::Html, &opts);
    // The style and script are constants: snapshot the document around them.
    let body = html.split("<body>").nth(1).expect("body");
    let body = body.split("<script>").next().expect("before script");
    insta::assert_snapshot!(body);
}

#[test]
fn markdown_fits_a_github_comment_most_severe_first() {
    let m = meta();
    let fs = many(3_000);
    let r = report(&fs, &m);
    let (md, _) = render_with(&r, Format::Markdown, &RenderOptions::default());
    let chars = md.chars().count();
    assert!(chars <= crate::GITHUB_COMMENT_LIMIT, "{chars} characters");
    assert!(
        chars > crate::GITHUB_COMMENT_LIMIT / 2,
        "the budget is used: {chars}"
    );
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity"))
        .collect();
    assert!(rows.len() > 100);
    // Most severe first: severities never go up along the table.
    let rank = |l: &str| {
        Severity::ALL
            .iter()
            .position(|s| l.starts_with(&format!("| {s} |")))
            .expect("severity cell")
    };
    assert!(rows.windows(2).all(|w| rank(w[0]) >= rank(w[1])));
    assert!(rows[0].starts_with("| critical |"));
    // What was left out is counted, by severity.
    let shown = rows.len();
    let note = md
        .lines()
        .find(|l| l.contains("more finding(s) not shown"))
        .expect("omitted note");
    assert!(
        note.contains(&format!("**{} more finding(s) not shown**", 3_000 - shown)),
        "{note}"
    );
    assert!(note.contains("600 info"), "{note}");
}

#[test]
fn markdown_truncated_output() {
    let m = meta();
    let fs = many(30);
    let r = report(&fs, &m);
    let opts = RenderOptions {
        markdown_limit: 3_000,
        ..RenderOptions::default()
    };
    let (md, _) = render_with(&r, Format::Markdown, &opts);
    assert!(md.chars().count() <= 3_000);
    insta::assert_snapshot!(md);
}

#[test]
fn markdown_cells_carry_no_markup() {
    let m = meta();
    let fs = hostile_findings();
    let r = report(&fs, &m);
    let (md, _) = render_with(&r, Format::Markdown, &RenderOptions::default());
    assert!(!md.contains("<script>"));
    assert!(!md.contains("<img"));
}

#[test]
fn sarif_splits_30000_results_into_runs_github_accepts() {
    let m = meta();
    let fs = many(30_000);
    let r = report(&fs, &m);
    let (sarif, warnings) = render_with(&r, Format::Sarif, &RenderOptions::default());
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("json");
    let runs = doc["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 2);
    let counts: Vec<usize> = runs
        .iter()
        .map(|r| r["results"].as_array().expect("results").len())
        .collect();
    assert_eq!(counts, vec![25_000, 5_000]);
    // Nothing lost, each result once, fingerprints as the findings have them.
    let mut fps: Vec<&str> = runs
        .iter()
        .flat_map(|r| r["results"].as_array().expect("results"))
        .map(|res| {
            res["partialFingerprints"]["palisade/v1"]
                .as_str()
                .expect("fingerprint")
        })
        .collect();
    fps.sort_unstable();
    fps.dedup();
    assert_eq!(fps.len(), 30_000);
    // Most severe first: the second run holds only the least severe.
    assert!(
        runs[1]["results"]
            .as_array()
            .expect("results")
            .iter()
            .all(|r| r["properties"]["severity"] == "info")
    );
    assert!(runs[0]["results"][0]["properties"]["severity"] == "critical");
    // Every run names its rules, and results point at them.
    for run in runs {
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["id"],
            "secrets/github-pat-classic"
        );
        assert_eq!(run["results"][0]["ruleIndex"], 0);
    }
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("split into 2 runs"));
    let notes = runs[0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains("split into 2 runs"), "{notes}");
    // Under the size limit once gzipped.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(sarif.as_bytes()).expect("gzip");
    let gz = enc.finish().expect("gzip").len();
    assert!(gz < 10 * 1024 * 1024, "{gz} bytes gzipped");
}

#[test]
fn sarif_truncates_past_the_run_and_size_limits_least_severe_first() {
    let m = meta();
    let fs = many(1_000);
    let r = report(&fs, &m);
    // Runs of 100, at most 3 of them: 700 least severe results go.
    let limits = SarifLimits {
        results_per_run: 100,
        runs: 3,
        ..SarifLimits::default()
    };
    let opts = RenderOptions {
        sarif: limits,
        ..RenderOptions::default()
    };
    let (sarif, warnings) = render_with(&r, Format::Sarif, &opts);
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("json");
    let total: usize = doc["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["results"].as_array().expect("r").len())
        .sum();
    assert_eq!(total, 300);
    assert!(
        warnings.iter().any(|w| w.contains("700 least severe")),
        "{warnings:?}"
    );
    // The kept ones are the critical and high findings (200 each): 200 critical, 100 high.
    let crit = doc["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .flat_map(|r| r["results"].as_array().expect("r"))
        .filter(|r| r["properties"]["severity"] == "critical")
        .count();
    assert_eq!(crit, 200);

    // A tiny gzip budget: results are cut until the file fits, with a warning.
    let limits = SarifLimits {
        gzip_bytes: 20_000,
        ..SarifLimits::default()
    };
    let opts = RenderOptions {
        sarif: limits,
        ..RenderOptions::default()
    };
    let (sarif, warnings) = render_with(&r, Format::Sarif, &opts);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(sarif.as_bytes()).expect("gzip");
    assert!(enc.finish().expect("gzip").len() <= 20_000);
    assert!(
        warnings.iter().any(|w| w.contains("gzipped SARIF")),
        "{warnings:?}"
    );
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("json");
    let kept = doc["runs"][0]["results"].as_array().expect("r");
    assert!(!kept.is_empty() && kept.len() < 1_000);
    assert_eq!(kept[0]["properties"]["severity"], "critical");
}

#[test]
fn sarif_fingerprints_are_stable_across_runs_and_order() {
    let m = meta();
    let mut fs = many(50);
    let a = render_with(&report(&fs, &m), Format::Sarif, &RenderOptions::default()).0;
    fs.reverse();
    let b = render_with(&report(&fs, &m), Format::Sarif, &RenderOptions::default()).0;
    let fps = |s: &str| {
        let doc: serde_json::Value = serde_json::from_str(s).expect("json");
        let mut v: Vec<(String, String)> = doc["runs"][0]["results"]
            .as_array()
            .expect("r")
            .iter()
            .map(|r| {
                (
                    r["message"]["text"].as_str().expect("m").to_string(),
                    r["partialFingerprints"]["palisade/v1"]
                        .as_str()
                        .expect("fp")
                        .to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(fps(&a), fps(&b));
}

#[test]
fn gitlab_sast_output() {
    let m = meta();
    let fs = findings();
    let r = report(&fs, &m);
    let opts = RenderOptions {
        scan_time: Some(1_700_000_000),
        ..RenderOptions::default()
    };
    let (doc, _) = render_with(&r, Format::GitlabSast, &opts);
    let v: serde_json::Value = serde_json::from_str(&doc).expect("json");
    assert_eq!(v["version"], crate::GITLAB_SAST_SCHEMA);
    assert_eq!(v["scan"]["type"], "sast");
    assert_eq!(v["scan"]["start_time"], "2023-11-14T22:13:20");
    let vuln = &v["vulnerabilities"][0];
    assert_eq!(vuln["id"], "00112233-4455-6677-8899-aabbccddeeff");
    assert_eq!(vuln["severity"], "Critical");
    assert_eq!(vuln["location"]["file"], "config/settings.py");
    assert_eq!(vuln["location"]["start_line"], 2);
    insta::assert_snapshot!(doc);
}
