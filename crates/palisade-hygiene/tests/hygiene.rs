use palisade_hygiene::{
    LicenseDecision, LicensePolicy, Resemblance, dependency_confusion, parse_npmrc, parse_spdx,
    pip_conf_pins, typosquat,
};

#[test]
fn typosquats_are_found_and_popular_names_are_not() {
    let cases = [
        ("npm", "lodahs"),
        ("npm", "expres"),
        ("npm", "reqeust"),
        ("npm", "axois"),
        ("npm", "cross_env"),
        ("npm", "l0dash"),
        ("PyPI", "reqests"),
        ("PyPI", "requestz"),
        ("PyPI", "urlib3"),
        ("PyPI", "numpi"),
        ("crates.io", "serdee"),
        ("crates.io", "tokoi"),
        ("crates.io", "reqwset"),
        ("PyPI", "djangp"),
        ("RubyGems", "nokogri"),
        ("RubyGems", "rest_client"),
        ("RubyGems", "activesupprot"),
        ("Packagist", "monologg/monolog"),
        ("Packagist", "guzzIehttp/guzzle"),
        ("Maven", "com.fasterxml.jackson.cor:jackson-databind"),
        ("Maven", "org.sl4fj:slf4j-api"),
        ("NuGet", "Newtonsoft.Jsin"),
        ("NuGet", "Newtonsoft-Json"),
        ("NuGet", "Serilgo"),
        ("Go", "github.com/siruspen/logrus"),
        ("Go", "github.com/strechr/testify"),
        ("Go", "github.com/gin-gonlc/gin/v2"),
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|(eco, n)| format!("{eco} {n}: {:?}", typosquat(eco, n)))
        .collect();
    insta::assert_snapshot!(out.join("\n"));
    for (eco, n) in cases {
        assert!(typosquat(eco, n).is_some(), "{eco} {n}");
    }
    for (eco, n) in [
        ("npm", "lodash"),
        ("npm", "react"),
        ("PyPI", "requests"),
        ("PyPI", "Python_Dateutil"),
        ("crates.io", "serde_json"),
        ("crates.io", "serde-json"),
        ("npm", "left-pad"),
        ("npm", "ws"),
        ("crates.io", "palisade"),
        // Short popular names are matched by look-alikes only, not by edits.
        ("crates.io", "rand0"),
        ("npm", "globs"),
        // Digit-only differences are versions of one family.
        ("crates.io", "sha4"),
        ("npm", "through"),
        ("npm", "buffers"),
        ("Maven", "org.bouncycastle:bcpkix-jdk15on"),
        // The same owned namespace is the same publisher.
        ("npm", "@types/nodes"),
        ("Packagist", "symfony/polyfill-php83"),
        ("Packagist", "monolog/monolgo"),
        ("Maven", "org.slf4j:slf4j-apl"),
        ("Go", "github.com/sirupsen/logruss"),
        ("Maven", "org.springframework:spring-orm"),
        ("Go", "golang.org/x/net/v2"),
        ("Go", "github.com/stretchr/testify/v2"),
        // Case only.
        ("NuGet", "newtonsoft.json"),
        ("Go", "github.com/Sirupsen/logrus"),
        // Popular themselves, or plainly different.
        ("RubyGems", "rails"),
        ("RubyGems", "sinatra-contrib"),
        ("Packagist", "laravel/framework"),
        ("Maven", "com.google.guava:guava"),
        ("NuGet", "Serilog.Sinks.Seq"),
        ("Go", "github.com/acme/widgets"),
        ("Swift", "lodahs"),
    ] {
        assert_eq!(typosquat(eco, n), None, "{eco} {n}");
    }
    assert_eq!(
        typosquat("npm", "lodasj").map(|t| t.resemblance),
        Some(Resemblance::Keyboard)
    );
}

#[test]
fn dependency_confusion_heuristics() {
    assert!(dependency_confusion("acme-billing", &["acme-"], false).is_some());
    assert!(dependency_confusion("acme-billing", &["acme-"], true).is_none());
    assert!(dependency_confusion("payments-internal-sdk", &[], false).is_some());
    assert!(dependency_confusion("lodash", &["acme-"], false).is_none());
    // Whole segments only.
    assert!(dependency_confusion("github.com/hashicorp/hcl", &[], false).is_none());
    assert!(dependency_confusion("serde_derive_internals", &[], false).is_none());
    assert!(dependency_confusion("acme.corp.billing", &[], false).is_some());
}

#[test]
fn spdx_license_policy() {
    let p = LicensePolicy {
        allow: vec![
            "MIT".into(),
            "Apache-2.0".into(),
            "BSD-3-Clause".into(),
            "GPL-2.0-or-later".into(),
        ],
        deny: vec!["AGPL-3.0-only".into(), "SSPL-1.0".into()],
    };
    let cases = [
        "MIT",
        "MIT OR Apache-2.0",
        "(MIT AND Apache-2.0)",
        "AGPL-3.0-only",
        "AGPL-3.0-only OR MIT",
        "AGPL-3.0-only AND MIT",
        "Apache-2.0 WITH LLVM-exception",
        "GPL-2.0+",
        "WTFPL",
        "WTFPL OR SSPL-1.0",
        "mit and (apache-2.0 or sspl-1.0)",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("{c}: {:?}", p.check(c)))
        .collect();
    insta::assert_snapshot!(out.join("\n"));
    assert_eq!(
        p.check("MIT OR AGPL-3.0-only"),
        Ok(LicenseDecision::Allowed)
    );
    assert!(matches!(
        p.check("AGPL-3.0-only AND MIT"),
        Ok(LicenseDecision::Denied(_))
    ));
    for bad in [
        "",
        "MIT AND",
        "(MIT",
        "MIT)",
        "OR MIT",
        "MIT WITH",
        "M!T",
        &"(".repeat(100),
    ] {
        assert!(parse_spdx(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn popular_lists_are_clean_data() {
    use palisade_hygiene::popular::{ECOSYSTEMS, for_ecosystem};
    for (eco, min) in [
        ("npm", 300),
        ("PyPI", 300),
        ("crates.io", 300),
        ("RubyGems", 100),
        ("Packagist", 100),
        ("Maven", 100),
        ("NuGet", 100),
        ("Go", 100),
    ] {
        assert!(ECOSYSTEMS.contains(&eco), "{eco}");
        let list = for_ecosystem(eco);
        assert!(list.len() >= min, "{eco}: {} names", list.len());
        let mut seen = std::collections::HashSet::new();
        for n in list {
            assert!(
                !n.is_empty() && !n.contains(char::is_whitespace) && !n.starts_with('#'),
                "{eco}: `{n}`"
            );
            assert!(seen.insert(n.to_ascii_lowercase()), "{eco}: `{n}` twice");
            if eco == "Maven" {
                assert_eq!(n.matches(':').count(), 1, "{eco}: `{n}`");
            }
            if eco == "Packagist" {
                assert_eq!(n.matches('/').count(), 1, "{eco}: `{n}`");
            }
            // A popular name is never reported against another.
            assert_eq!(typosquat(eco, n), None, "{eco}: `{n}`");
        }
    }
    assert_eq!(
        for_ecosystem("cargo").len(),
        for_ecosystem("crates.io").len()
    );
    assert!(for_ecosystem("Hex").is_empty());
}

#[test]
fn npmrc_and_pip_conf_pin_registries() {
    let pins = parse_npmrc(
        "; comment\n@acme:registry=https://npm.acme.example/\n@public:registry=https://registry.npmjs.org/\n//npm.acme.example/:_authToken=${NPM_TOKEN}\nalways-auth=true\n",
    );
    assert!(!pins.default_private);
    assert_eq!(pins.private_scopes, vec!["@acme".to_owned()]);
    assert!(pins.pins("@acme/billing"));
    assert!(pins.pins("@ACME/billing"));
    assert!(!pins.pins("@public/x"));
    assert!(!pins.pins("acme-billing"));
    let all = parse_npmrc("registry = \"https://artifactory.acme.example/api/npm/npm/\"\n");
    assert!(all.default_private && all.pins("anything"));
    assert_eq!(
        parse_npmrc("registry=https://registry.npmjs.org/\n"),
        Default::default()
    );
    assert_eq!(
        parse_npmrc("# registry=https://npm.acme.example/\n"),
        Default::default()
    );

    assert!(pip_conf_pins(
        "[global]\nindex-url = https://pypi.acme.example/simple\n"
    ));
    assert!(pip_conf_pins(
        "[install]\nindex_url=https://pypi.acme.example/simple\n"
    ));
    assert!(!pip_conf_pins(
        "[global]\nextra-index-url = https://pypi.acme.example/simple\n"
    ));
    assert!(!pip_conf_pins(
        "[global]\nindex-url = https://pypi.org/simple\n"
    ));
    assert!(!pip_conf_pins(
        "[freeze]\nindex-url = https://pypi.acme.example/simple\n"
    ));
    assert!(!pip_conf_pins(
        "index-url = https://pypi.acme.example/simple\n"
    ));
}
