//! palisade-threat behaviour: rules, model errors, outputs, diffs, ASVS.

use palisade_threat::{analyze, asvs, model, render, rule_examples, rules};

fn fires(m: &model::Model, rule: &str, element: &str) -> bool {
    let a = analyze(m).expect("rules load");
    a.threats
        .iter()
        .any(|t| t.rule == rule && t.element == element)
}

#[test]
fn every_rule_fires_on_its_positive_example_and_not_on_negatives() {
    let rules = rules::builtin().expect("rules load");
    let mut failures = Vec::new();
    for r in rules {
        let (pos, negs) = rule_examples::examples(r);
        let target = rule_examples::target(r);
        if !fires(&pos, &r.id, target) {
            failures.push(format!("{}: positive example does not fire", r.id));
        }
        for (flipped, neg) in negs {
            if fires(&neg, &r.id, target) {
                failures.push(format!("{}: fires with `{flipped}` flipped", r.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn at_least_120_rules_with_metadata() {
    let rules = rules::builtin().expect("rules load");
    assert!(rules.len() >= 120, "{} rules", rules.len());
    let ids = asvs::requirement_ids();
    for r in rules {
        assert!(
            !r.cwe.is_empty() && !r.control.is_empty() && !r.threat.is_empty(),
            "{}",
            r.id
        );
        assert!(r.asvs.iter().all(|a| ids.contains(a.as_str())), "{}", r.id);
    }
    let linddun = rules.iter().filter(|r| r.category.is_linddun()).count();
    assert!(linddun >= 5, "{linddun} LINDDUN rules");
}

#[test]
fn shipped_asvs_matches_shared_data() {
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/asvs/asvs5.json"
    );
    let Ok(text) = std::fs::read_to_string(shared) else {
        eprintln!("skipped: {shared} absent");
        return;
    };
    let a = asvs::parse(&text).expect("shared ASVS parses");
    let b = asvs::requirements();
    assert_eq!(a.len(), b.len());
    assert!(b.len() > 300, "{} requirements", b.len());
}

const EXAMPLE: &str = include_str!("../../../examples/threat-model/shop.yaml");

#[test]
fn example_model_report() {
    let m = model::parse("shop.yaml", EXAMPLE).expect("example parses");
    let a = analyze(&m).expect("analysis");
    insta::assert_snapshot!("example_text", render::text(&a));
    // explanations name the elements
    let t = a
        .threats
        .iter()
        .find(|t| t.id == "threat/unencrypted-cross-boundary-link@web-to-legacy")
        .expect("cross-boundary threat");
    assert!(
        t.explanation
            .contains("link web-to-legacy from web to legacy-crm"),
        "{}",
        t.explanation
    );
    assert!(
        t.explanation.contains("is not encrypted"),
        "{}",
        t.explanation
    );
    // decisions and exclusions
    assert!(
        a.threats
            .iter()
            .any(|t| t.status == model::Status::Accepted)
    );
    assert!(a.excluded > 0);
    assert!(
        !a.threats
            .iter()
            .any(|t| t.id == "threat/default-credentials@db")
    );
}

#[test]
fn starter_model_parses_and_raises_threats() {
    let m =
        model::parse("threat-model.yaml", palisade_threat::STARTER_MODEL).expect("starter parses");
    assert!(!analyze(&m).expect("analysis").threats.is_empty());
}

#[test]
fn errors_name_file_line_and_problem() {
    let bad_field = "title: x\ntechnical_assets:\n  - id: a\n    type: service\n    colour: red\n";
    let e = model::parse("m.yaml", bad_field)
        .expect_err("unknown field")
        .to_string();
    assert!(e.starts_with("m.yaml:5:"), "{e}");
    assert!(e.contains("colour"), "{e}");

    let bad_ref = "title: x\ntechnical_assets:\n  - id: a\n    type: service\nlinks:\n  - id: l\n    from: a\n    to: nowhere\n";
    let e = model::parse("m.yaml", bad_ref)
        .expect_err("dangling")
        .to_string();
    assert_eq!(
        e,
        "m.yaml:8: link `l`: `to: nowhere` is not a technical asset"
    );

    let bad_type = "title: x\ntechnical_assets:\n  - id: a\n    type: mainframe\n";
    let e = model::parse("m.yaml", bad_type)
        .expect_err("bad enum")
        .to_string();
    assert!(e.starts_with("m.yaml:4:"), "{e}");

    let dup = "title: x\ntechnical_assets:\n  - id: a\n    type: service\nactors:\n  - id: a\n";
    let e = model::parse("m.yaml", dup).expect_err("dup").to_string();
    assert!(e.contains("duplicate id `a`"), "{e}");

    let deep = format!(
        "title: x\ntrust_boundaries:\n{}",
        (0..200)
            .map(|i| format!(
                "{}- id: b{i}\n{}  boundaries:\n",
                "  ".repeat(i * 2),
                "  ".repeat(i * 2)
            ))
            .collect::<String>()
    );
    assert!(model::parse("m.yaml", &deep).is_err());
}

#[test]
fn diff_lists_added_and_removed_threats() {
    let old = model::parse("old.yaml", EXAMPLE).expect("parses");
    let mut new = old.clone();
    // encrypt the legacy link, add an LLM with tools
    for l in &mut new.links {
        if l.id == "web-to-legacy" {
            l.encrypted = Some(true);
        }
    }
    let d = palisade_threat::diff(&analyze(&old).expect("a"), &analyze(&new).expect("a"));
    assert!(
        d.removed
            .iter()
            .any(|t| t.id == "threat/unencrypted-cross-boundary-link@web-to-legacy")
    );
    assert!(
        d.added.is_empty(),
        "{:?}",
        d.added.iter().map(|t| &t.id).collect::<Vec<_>>()
    );
    let d2 = palisade_threat::diff(&analyze(&new).expect("a"), &analyze(&old).expect("a"));
    assert_eq!(d2.added.len(), d.removed.len());
    let sarif = render::sarif(&d2.added, "shop.yaml", EXAMPLE);
    let v: serde_json::Value = serde_json::from_str(&sarif).expect("json");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["runs"][0]["results"].as_array().map(Vec::len),
        Some(d2.added.len())
    );
}

#[test]
fn diagrams_escape_hostile_names() {
    let m = model::parse(
        "m.yaml",
        "title: \"<script>x</script>\"\ntechnical_assets:\n  - id: a\n    name: \"</text><script>alert(1)</script>\"\n    type: service\n  - id: b\n    name: 'x\"] --> evil[\"'\n    type: database\nlinks:\n  - id: l\n    from: a\n    to: b\n    protocol: \"\\\" onload=\\\"x\"\n",
    )
    .expect("parses");
    let svg = render::svg(&m);
    assert!(!svg.contains("<script>"), "{svg}");
    assert!(svg.contains("&lt;/text&gt;"));
    let mm = render::mermaid(&m);
    assert!(!mm.contains("evil[\""), "{mm}");
    let dot = render::dot(&m);
    assert!(dot.contains("\\\" onload=\\\"x"), "{dot}");
    let html = render::html(&analyze(&m).expect("a"), &m);
    assert!(!html.contains("<script>"));
}

#[test]
fn svg_has_nested_boundaries_and_all_nodes() {
    let m = model::parse("shop.yaml", EXAMPLE).expect("parses");
    let svg = render::svg(&m);
    assert_eq!(
        svg.matches("class=\"node\"").count(),
        m.technical_assets.len() + m.actors.len()
    );
    assert!(svg.matches("class=\"boundary\"").count() >= 3);
    assert_eq!(svg.matches("class=\"link\"").count(), m.links.len());
    insta::assert_snapshot!("example_mermaid", render::mermaid(&m));
}

#[test]
fn asvs_checklist_is_scoped_by_the_model() {
    let m = model::parse("shop.yaml", EXAMPLE).expect("parses");
    let rows = asvs::checklist(1, Some(&m), None);
    assert!(rows.iter().all(|r| r.requirement.level == 1));
    let v17: Vec<_> = rows
        .iter()
        .filter(|r| r.requirement.id.starts_with("V17."))
        .collect();
    assert!(
        v17.iter()
            .all(|r| r.not_applicable.as_deref() == Some("no asset tagged webrtc"))
    );
    // the example has no OAuth: V10 not applicable, with the reason
    let v10: Vec<_> = rows
        .iter()
        .filter(|r| r.requirement.id.starts_with("V10."))
        .collect();
    assert!(!v10.is_empty() && v10.iter().all(|r| r.not_applicable.is_some()));
    // without a model everything is open
    assert!(
        asvs::checklist(3, None, None)
            .iter()
            .all(|r| r.not_applicable.is_none())
    );
    let ev = asvs::parse_evidence(
        "e.yaml",
        "requirements:\n  V6.2.1:\n    status: pass\n    justification: min length 12\n    link: https://example.invalid/pr/1\n",
    )
    .expect("evidence");
    let rows = asvs::checklist(1, Some(&m), Some(&ev));
    let md = asvs::markdown(&rows, 1);
    assert!(md.contains("| V6.2.1 | 1 | pass |"), "{md}");
    assert!(md.contains("CC BY-SA 4.0"));
    let csv = asvs::csv(&rows);
    assert!(csv.lines().count() == rows.len() + 1);
    let cdx: serde_json::Value =
        serde_json::from_str(&asvs::cyclonedx(&rows, 1, "shop")).expect("json");
    assert_eq!(cdx["specVersion"], "1.6");
    let e = asvs::parse_evidence("e.yaml", "requirements:\n  V99.1.1:\n    status: pass\n")
        .expect_err("unknown id");
    assert!(e.to_string().starts_with("e.yaml:2:"), "{e}");
}

#[test]
fn schema_is_json_schema() {
    let s: serde_json::Value = serde_json::from_str(&model::json_schema()).expect("json");
    assert!(s["properties"]["technical_assets"].is_object());
    assert!(
        s["$defs"]["Link"]["properties"]["encrypted"].is_object(),
        "{s}"
    );
}

#[test]
fn threat_dragon_export_carries_elements_flows_and_threats() {
    let m = model::parse("shop.yaml", EXAMPLE).expect("parses");
    let a = analyze(&m).expect("a");
    let v: serde_json::Value = serde_json::from_str(&render::threat_dragon(&m, &a)).expect("json");
    assert!(v["version"].as_str().is_some_and(|s| s.starts_with("2.")));
    let cells = v["detail"]["diagrams"][0]["cells"]
        .as_array()
        .expect("cells");
    assert_eq!(
        cells.len(),
        m.technical_assets.len() + m.actors.len() + m.links.len() + 5,
        "elements, flows and 5 boundary boxes"
    );
    let flow = cells
        .iter()
        .find(|c| c["id"] == "web-to-legacy")
        .expect("flow");
    assert_eq!(flow["shape"], "flow");
    assert_eq!(flow["data"]["isEncrypted"], false);
    let n: usize = cells
        .iter()
        .map(|c| c["data"]["threats"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(n, a.threats.len());
}

#[test]
fn threagile_import_round_trips_through_palisade_yaml() {
    let text = include_str!("../../../examples/threat-model/threagile/webshop.yaml");
    let m = palisade_threat::threagile::import("webshop.yaml", text).expect("imports");
    assert_eq!(m.technical_assets.len(), 3);
    assert_eq!(m.links.len(), 2);
    let db = m
        .technical_assets
        .iter()
        .find(|a| a.id == "shop-db")
        .expect("db");
    assert_eq!(db.kind, model::AssetType::Database);
    assert_eq!(m.trust_boundaries.len(), 1);
    assert_eq!(m.trust_boundaries[0].boundaries[0].id, "db-net");
    let link = m
        .links
        .iter()
        .find(|l| l.id == "shop.database-access")
        .expect("link");
    assert_eq!(link.authentication, model::Authentication::Password);
    assert!(!link.is_encrypted());
    let a = analyze(&m).expect("a");
    assert!(
        a.threats
            .iter()
            .any(|t| t.id == "threat/unencrypted-cross-boundary-link@shop.database-access")
    );
    // export to palisade YAML and read it back: same threats
    let yaml = model::to_yaml(&m).expect("yaml");
    let back = model::parse("converted.yaml", &yaml).expect("converted model parses");
    let b = analyze(&back).expect("a");
    let ids =
        |x: &palisade_threat::Analysis| x.threats.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    assert!(palisade_threat::threagile::import("x.yaml", "technical_assets: [1, 2]").is_err());
}

#[test]
fn threat_dragon_round_trip_keeps_elements_links_and_boundaries() {
    let m = model::parse("shop.yaml", EXAMPLE).expect("parses");
    let td = render::threat_dragon(&m, &analyze(&m).expect("a"));
    let back = palisade_threat::threat_dragon::import("shop.json", &td).expect("imports");
    fn ids(v: Vec<&str>) -> std::collections::BTreeSet<String> {
        v.into_iter().map(str::to_owned).collect()
    }
    assert_eq!(
        ids(back
            .technical_assets
            .iter()
            .map(|a| a.id.as_str())
            .chain(back.actors.iter().map(|a| a.id.as_str()))
            .collect()),
        ids(m
            .technical_assets
            .iter()
            .map(|a| a.id.as_str())
            .chain(m.actors.iter().map(|a| a.id.as_str()))
            .collect())
    );
    assert_eq!(back.links.len(), m.links.len());
    let legacy = back
        .links
        .iter()
        .find(|l| l.id == "web-to-legacy")
        .expect("flow");
    assert!(!legacy.is_encrypted());
    // boundaries come back by geometry, nesting included
    let mut flat = Vec::new();
    fn walk<'a>(
        bs: &'a [model::TrustBoundary],
        parent: Option<&'a str>,
        out: &mut Vec<(&'a str, Option<&'a str>, Vec<String>)>,
    ) {
        for b in bs {
            out.push((b.id.as_str(), parent, b.assets.clone()));
            walk(&b.boundaries, Some(&b.id), out);
        }
    }
    walk(&back.trust_boundaries, None, &mut flat);
    assert!(
        flat.contains(&("data-subnet", Some("app-subnet"), vec!["db".to_owned()])),
        "{flat:?}"
    );
    assert!(
        flat.iter().any(|(id, p, a)| *id == "app-subnet"
            && *p == Some("cloud")
            && a == &vec!["web".to_owned()]),
        "{flat:?}"
    );
    // and the cross-boundary threat is raised again
    let a = analyze(&back).expect("a");
    assert!(
        a.threats
            .iter()
            .any(|t| t.id == "threat/unencrypted-cross-boundary-link@web-to-legacy")
    );
    assert!(palisade_threat::threat_dragon::import("x.json", "{\"detail\": 3}").is_err());
}
