use super::*;
use crate::intake::{Defaults, import_bytes, parse_ssvc};
use crate::scoring::{Decision, explain, ssvc};

const DAY: i64 = 86_400;
const T0: i64 = 1_790_000_000;

fn defaults() -> Defaults {
    Defaults {
        project: Some("shop".into()),
        reporter: None,
        now: T0,
    }
}

#[test]
fn ssvc_follows_cisas_table() {
    let d = |s: &str| ssvc(&parse_ssvc(s).expect("valid"));
    assert_eq!(d("E:none/A:no/T:partial/M:low"), Decision::Track);
    assert_eq!(d("E:none/A:no/T:total/M:high"), Decision::TrackStar);
    assert_eq!(d("E:none/A:yes/T:partial/M:high"), Decision::Attend);
    assert_eq!(d("E:poc/A:no/T:total/M:medium"), Decision::TrackStar);
    assert_eq!(d("E:poc/A:yes/T:total/M:high"), Decision::Attend);
    assert_eq!(d("E:active/A:no/T:total/M:medium"), Decision::Attend);
    assert_eq!(d("E:active/A:no/T:total/M:high"), Decision::Act);
    assert_eq!(d("E:active/A:yes/T:partial/M:low"), Decision::Attend);
    assert_eq!(d("E:A/A:Y/T:T/M:M"), Decision::Act);
    // Counted over the 36 leaves of CISA's table: 18 track, 4 track*, 10 attend, 4 act.
    let mut counts = [0; 4];
    for e in ["none", "poc", "active"] {
        for a in ["yes", "no"] {
            for t in ["partial", "total"] {
                for m in ["low", "medium", "high"] {
                    let i = match d(&format!("E:{e}/A:{a}/T:{t}/M:{m}")) {
                        Decision::Track => 0,
                        Decision::TrackStar => 1,
                        Decision::Attend => 2,
                        Decision::Act => 3,
                    };
                    counts[i] += 1;
                }
            }
        }
    }
    assert_eq!(counts, [18, 4, 10, 4]);
    assert!(parse_ssvc("E:sometimes/A:yes/T:total/M:high").is_err());
    assert!(parse_ssvc("E:active/A:yes/T:total").is_err());
}

#[test]
fn explanation_names_what_drives_the_score() {
    let e = explain("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").expect("valid");
    assert_eq!(e.score, 9.8);
    assert_eq!(e.drivers[0].metric, "AV");
    assert_eq!(e.drivers[0].mildest, 6.8);
    assert!(
        e.details[0].contains("exploitability subscore 3.9"),
        "{:?}",
        e.details
    );
    let s = e.drivers.iter().find(|d| d.metric == "S").expect("scope");
    assert_eq!(s.worst, 10.0);
    let v4 =
        explain("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").expect("valid");
    assert_eq!(v4.score, 9.3);
    assert!(
        v4.details[0].starts_with("macro vector 000200"),
        "{:?}",
        v4.details
    );
    insta::assert_json_snapshot!(
        "explain_v31_xss",
        explain("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N").expect("valid")
    );
}

#[test]
fn malformed_vectors_are_refused_with_the_problem() {
    for (v, want) in [
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "base metric A is missing",
        ),
        (
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "repeated",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:Q/SC:N/SI:N/SA:N",
            "VA",
        ),
        ("CVSS:2.0/AV:N", "not computed"),
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P", "not computed"),
        ("", "not computed"),
    ] {
        let err = explain(v).expect_err(v).to_string();
        assert!(err.contains(want), "{v}: {err}");
    }
}

#[test]
fn disclosure_deadlines_follow_the_policy() {
    let p = Policy::default();
    let mut r = Report {
        received: T0,
        ..Report::default()
    };
    assert_eq!(p.fix_due(&r), T0 + 90 * DAY);
    assert_eq!(p.details_due(&r), T0 + 90 * DAY);
    r.resolved_at = Some(T0 + 20 * DAY);
    assert_eq!(
        p.details_due(&r),
        T0 + 50 * DAY,
        "30 days after a fix in time"
    );
    r.resolved_at = Some(T0 + 100 * DAY);
    assert_eq!(
        p.details_due(&r),
        T0 + 90 * DAY,
        "a missed deadline publishes at day 90"
    );
    r.exploited = true;
    r.resolved_at = None;
    assert_eq!(p.fix_due(&r), T0 + 7 * DAY);
    let custom = Policy {
        fix_days: 60,
        exploited_days: 3,
        ..Policy::default()
    };
    assert_eq!(custom.fix_due(&r), T0 + 3 * DAY);
    r.state = Some(State::NeedsMoreInfo);
    r.state_at = T0;
    let d = p.next_deadline(&r).expect("runs");
    assert_eq!((d.kind, d.at), ("auto-close", T0 + 14 * DAY));
    r.state = Some(State::Informative);
    assert_eq!(p.next_deadline(&r), None);
}

const MARKDOWN: &str = "---
title: Stored XSS in product reviews
reporter: Mallory Researcher
contact: mallory@example.org
component: reviews
cwe: CWE-79
endpoint: /api/reviews
cvss: CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N
received: 2026-10-02
fixed-versions: [2.4.1]
---
The review body is rendered without escaping: <img src=x onerror=alert(1)>.

## Steps to reproduce

1. POST a review containing `<script>alert(document.cookie)</script>`.
2. Open the product page.
";

#[test]
fn markdown_with_front_matter() {
    let imp = import_bytes("r.md", "md", MARKDOWN.as_bytes().to_vec(), &defaults()).expect("valid");
    let r = &imp.report;
    assert_eq!(r.title, "Stored XSS in product reviews");
    assert_eq!(r.reporter, "Mallory Researcher");
    assert_eq!(r.contact.as_deref(), Some("mallory@example.org"));
    assert_eq!(r.project, "shop", "from the defaults");
    assert_eq!(r.cwe, vec![79]);
    assert_eq!(r.fixed_versions, vec!["2.4.1"]);
    assert_eq!(
        r.received,
        palisade_store::time::parse_time("2026-10-02").expect("date")
    );
    assert!(r.description.starts_with("The review body"));
    assert!(!r.description.contains("Steps"));
    assert!(
        r.poc
            .as_deref()
            .expect("poc")
            .starts_with("1. POST a review")
    );
    assert_eq!(
        imp.source.bytes,
        MARKDOWN.as_bytes(),
        "the file is kept whole"
    );
}

#[test]
fn json_and_its_errors_name_file_and_field() {
    let ok = br#"{"title": "IDOR on invoices", "project": "billing", "cwe": [639], "endpoint": "/invoices/{id}", "exploited": true, "ssvc": "E:active/A:yes/T:partial/M:high"}"#;
    let r = import_bytes("r.json", "json", ok.to_vec(), &defaults())
        .expect("valid")
        .report;
    assert_eq!(r.project, "billing");
    assert!(r.exploited);
    assert_eq!(r.reporter, "anonymous");
    assert_eq!(ssvc(&r.ssvc.expect("ssvc")), Decision::Act);

    let err = |name: &str, ext: &str, bytes: &[u8]| {
        import_bytes(name, ext, bytes.to_vec(), &defaults())
            .expect_err("must fail")
            .to_string()
    };
    let e = err(
        "a.json",
        "json",
        br#"{"title": "x", "severity_guess": "high"}"#,
    );
    assert!(
        e.starts_with("a.json: unknown field `severity_guess`"),
        "{e}"
    );
    let e = err(
        "b.json",
        "json",
        br#"{"title": "x", "cvss": "CVSS:3.1/AV:N"}"#,
    );
    assert!(e.starts_with("b.json: invalid CVSS vector"), "{e}");
    let e = err("c.json", "json", b"{\"title\": ");
    assert!(e.starts_with("c.json: not valid JSON"), "{e}");
    let e = err("d.md", "md", b"---\ntitle: [unclosed\n---\nbody\n");
    assert!(e.starts_with("d.md: front matter is not valid YAML"), "{e}");
    let e = err("e.md", "md", b"---\ntitle: x\nbody without end\n");
    assert!(e.contains("never closed"), "{e}");
    let e = err("f.md", "md", b"PK\x03\x04\x00\x00binary");
    assert!(
        e.starts_with("f.md: binary data (a NUL byte at offset 4)"),
        "{e}"
    );
    let e = err("g.md", "md", b"title \xff\xfe");
    assert!(e.contains("not UTF-8"), "{e}");
    let e = err(
        "h.json",
        "json",
        br#"{"title": "x", "received": "yesterday"}"#,
    );
    assert!(e.contains("`received`: \"yesterday\" is not a date"), "{e}");
    let e = err("i.json", "json", br#"{"title": "x", "state": "pending"}"#);
    assert!(e.contains("is not a state"), "{e}");
    let no_project = Defaults {
        project: None,
        ..defaults()
    };
    let e = import_bytes("j.json", "json", br#"{"title": "x"}"#.to_vec(), &no_project)
        .expect_err("no project")
        .to_string();
    assert!(e.contains("no project"), "{e}");
}

#[test]
fn oversized_imports_are_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("big.md");
    std::fs::write(&p, vec![b'a'; 2048]).expect("write");
    let e = intake::import_file(&p, 1024, &defaults())
        .expect_err("too big")
        .to_string();
    assert!(
        e.contains("big.md: 2048 bytes is over the import limit of 1024 bytes"),
        "{e}"
    );
    assert!(e.contains("nothing was imported"), "{e}");
}

const EMAIL: &str = "From: \"Eve Finder\" <eve@example.net>\r
To: security@shop.example\r
Subject: =?UTF-8?Q?SQL_injection_in_/api/orders_=E2=80=94_urgent?=\r
Date: Mon, 02 Nov 2026 10:15:00 +0000\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"XYZ\"\r
\r
--XYZ\r
Content-Type: text/plain; charset=utf-8\r
\r
Component: orders\r
CWE: 89\r
Endpoint: /api/orders\r
\r
The sort parameter reaches the SQL query unescaped.\r
\r
Steps to reproduce:\r
curl 'https://shop.example/api/orders?sort=id;DROP TABLE x'\r
--XYZ\r
Content-Type: image/png; name=\"shot.png\"\r
Content-Disposition: attachment; filename=\"shot.png\"\r
Content-Transfer-Encoding: base64\r
\r
iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\r
--XYZ\r
Content-Type: text/plain; name=\"request.txt\"\r
Content-Disposition: attachment; filename=\"request.txt\"\r
\r
GET /api/orders?sort=id HTTP/1.1\r
--XYZ--\r
";

#[test]
fn email_with_attachments() {
    let imp = import_bytes("r.eml", "eml", EMAIL.as_bytes().to_vec(), &defaults()).expect("valid");
    let r = &imp.report;
    assert_eq!(r.title, "SQL injection in /api/orders — urgent");
    assert_eq!(r.reporter, "Eve Finder");
    assert_eq!(r.contact.as_deref(), Some("eve@example.net"));
    assert_eq!(r.component.as_deref(), Some("orders"));
    assert_eq!(r.cwe, vec![89]);
    assert_eq!(r.endpoint.as_deref(), Some("/api/orders"));
    assert_eq!(r.received, 1_793_614_500);
    assert!(r.poc.as_deref().expect("poc").starts_with("curl"));
    assert_eq!(r.attachments.len(), 2);
    let png = &r.attachments[0];
    assert_eq!(
        (png.name.as_str(), png.content_type.as_str(), png.binary),
        ("shot.png", "image/png", true)
    );
    assert_eq!(png.text, None, "binary is never kept as text");
    assert_eq!(png.size, 70);
    let txt = &r.attachments[1];
    assert!(!txt.binary);
    assert!(
        txt.text
            .as_deref()
            .expect("text")
            .starts_with("GET /api/orders")
    );
}

#[test]
fn hostile_email_is_bounded() {
    let mut deep = String::from("From: a@b\r\nSubject: s\r\n");
    for i in 0..100 {
        deep.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    let e = import_bytes("deep.eml", "eml", deep.into_bytes(), &defaults())
        .expect_err("refused")
        .to_string();
    assert!(
        e.starts_with("deep.eml: 100 nested multipart sections"),
        "{e}"
    );
    let e = import_bytes("x.eml", "eml", b"hello there\r\n".to_vec(), &defaults())
        .expect_err("not mail")
        .to_string();
    assert!(e.contains("not an e-mail"), "{e}");
    let html = "From: x@y\r\nSubject: hi\r\nContent-Type: text/html\r\n\r\n<p>Hello<script>alert(1)</script> &lt;b&gt;</p>";
    let imp = import_bytes("h.eml", "eml", html.as_bytes().to_vec(), &defaults()).expect("valid");
    assert_eq!(imp.report.description, "Hello <b>");
    assert!(imp.warnings.iter().any(|w| w.contains("HTML part")));
}

#[test]
fn duplicates_are_scored_with_reasons() {
    let a = Report {
        key: "ADV-2026-0001".into(),
        title: "Reflected XSS in search".into(),
        project: "shop".into(),
        component: Some("search".into()),
        cwe: vec![79],
        endpoint: Some("/api/search".into()),
        description: "The q parameter of the search endpoint is reflected without escaping.".into(),
        ..Report::default()
    };
    let b = Report {
        key: "ADV-2026-0002".into(),
        title: "XSS in search q parameter".into(),
        project: "shop".into(),
        component: Some("Search".into()),
        cwe: vec![79],
        endpoint: Some("https://shop.example/api/search/?q=1".into()),
        description: "search endpoint reflects the q parameter without escaping".into(),
        ..Report::default()
    };
    let unrelated = Report {
        key: "ADV-2026-0003".into(),
        title: "Weak TLS ciphers on mail server".into(),
        project: "mail".into(),
        cwe: vec![327],
        description: "The SMTP server offers RC4.".into(),
        ..Report::default()
    };
    let finding = StoredFinding {
        repo: "github.com/acme/shop".into(),
        fingerprint: "0123456789abcdef0123".into(),
        rule: "sast/reflected-xss".into(),
        message: "request parameter q flows into the HTML response unescaped".into(),
        path: "src/search/handler.py".into(),
        cwe: vec![79],
    };
    let c = dedup::candidates(&b, &[a.clone(), b.clone(), unrelated], &[finding], 5);
    assert_eq!(c.len(), 2, "{c:#?}");
    assert_eq!(c[0].id, "ADV-2026-0001");
    assert!(c[0].score >= 0.9, "{c:#?}");
    assert_eq!(
        c[0].reasons[..3],
        [
            "same component `search`",
            "both CWE-79",
            "same endpoint/path `/api/search`"
        ]
    );
    assert!(c[0].reasons[3].starts_with("text "));
    assert_eq!(c[1].kind, "finding");
    assert!(
        c[1].reasons
            .contains(&"the finding's path names component `search`".to_owned()),
        "{c:#?}"
    );
    assert!(dedup::similarity("alpha beta gamma", "delta epsilon") < 0.01);
    assert!((dedup::similarity("same words here", "same words here") - 1.0).abs() < 1e-9);
}
