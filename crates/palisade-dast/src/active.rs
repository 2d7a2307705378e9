//! Active checks. Each sends a bounded number of harmless probes and reports only on a
//! confirmation: a second, different probe, a control request, or an out-of-band callback.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use palisade_engine::finding::DiagnosticLevel;
use regex::Regex;
use serde_json::Value;
use url::Url;

use crate::discover::{Body, Endpoint};
use crate::http::{Identity, Request, Response};
use crate::oob::Listener;
use crate::rules::{finding, shape};
use crate::scan::{Ctx, request_for};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A short unique marker: digits only, so no encoder changes it.
pub(crate) fn token() -> String {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0)
        % 9000;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}{}", 1000 + seed, n)
}

/// Where a probe goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Point {
    Query(String),
    Form(String),
    Json(String),
}

impl Point {
    fn name(&self) -> &str {
        match self {
            Point::Query(n) | Point::Form(n) | Point::Json(n) => n,
        }
    }
}

fn points(ep: &Endpoint) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::new();
    for (k, _) in ep.url.query_pairs() {
        let p = Point::Query(k.into_owned());
        if !out.contains(&p) {
            out.push(p);
        }
    }
    match &ep.body {
        Some(Body::Form(f)) => out.extend(f.iter().map(|(k, _)| Point::Form(k.clone()))),
        Some(Body::Json(Value::Object(m))) => out.extend(
            m.iter()
                .filter(|(_, v)| v.is_string() || v.is_number())
                .map(|(k, _)| Point::Json(k.clone())),
        ),
        _ => {}
    }
    out.truncate(20);
    out
}

fn original(ep: &Endpoint, p: &Point) -> String {
    match p {
        Point::Query(n) => ep
            .url
            .query_pairs()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default(),
        Point::Form(n) => match &ep.body {
            Some(Body::Form(f)) => f
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            _ => String::new(),
        },
        Point::Json(n) => match &ep.body {
            Some(Body::Json(v)) => v.get(n).map(crate::discover::scalar).unwrap_or_default(),
            _ => String::new(),
        },
    }
}

fn inject(ep: &Endpoint, p: &Point, value: &str) -> Request {
    let mut ep = ep.clone();
    match p {
        Point::Query(n) => {
            let pairs: Vec<(String, String)> = ep
                .url
                .query_pairs()
                .map(|(k, v)| {
                    if k == n.as_str() {
                        (k.into_owned(), value.to_owned())
                    } else {
                        (k.into_owned(), v.into_owned())
                    }
                })
                .collect();
            ep.url.query_pairs_mut().clear().extend_pairs(pairs.iter());
        }
        Point::Form(n) => {
            if let Some(Body::Form(f)) = &mut ep.body {
                for (k, v) in f.iter_mut() {
                    if k == n {
                        *v = value.to_owned();
                    }
                }
            }
        }
        Point::Json(n) => {
            if let Some(Body::Json(Value::Object(m))) = &mut ep.body {
                m.insert(n.clone(), Value::String(value.to_owned()));
            }
        }
    }
    request_for(&ep)
}

fn evidence(req: &Request, resp: &Response) -> String {
    format!("{}\n\n{}", req.line(), resp.summary(600))
}

/// Bodies alike once the probe values (raw and HTML-escaped) are removed.
fn similar(a: &Response, b: &Response, strip: &[&str]) -> bool {
    if a.status != b.status {
        return false;
    }
    let clean = |r: &Response| {
        let mut t = r.text();
        for s in strip {
            if !s.is_empty() {
                t = t.replace(s, "");
                t = t.replace(&html_escape(s), "");
                t = t.replace(&url_escape(s), "");
            }
        }
        t
    };
    let (x, y) = (clean(a), clean(b));
    if x == y {
        return true;
    }
    let words = |s: &str| -> std::collections::HashSet<String> {
        s.split_whitespace().map(str::to_owned).collect()
    };
    let (wx, wy) = (words(&x), words(&y));
    let inter = wx.intersection(&wy).count() as f64;
    let union = wx.union(&wy).count().max(1) as f64;
    inter / union >= 0.97
        && (x.len() as f64 - y.len() as f64).abs() <= 0.02 * x.len().max(y.len()) as f64 + 8.0
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn url_escape(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

static SQL_ERR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)you have an error in your sql syntax|warning: mysqli?_|unclosed quotation mark after the character string",
        r"|quoted string not properly terminated|syntax error at or near|unterminated quoted string at or near",
        r"|sqlite3?\.OperationalError|SQLITE_ERROR|near \S+: syntax error|\bORA-0\d{4}\b|SQLSTATE\[\w+\]",
        r"|microsoft ole db provider for sql server|\[odbc sql server driver\]|pg_query\(\): query failed",
        r"|org\.postgresql\.util\.PSQLException|com\.mysql\.jdbc|java\.sql\.SQLSyntaxErrorException",
    ))
    .expect("static regex")
});
static PASSWD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"root:[^:\n]*:0:0:|\[(?:fonts|extensions)\]\r?\n").expect("static regex")
});
static ID_OUT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"uid=\d+\([^)]*\)\s+gid=\d+").expect("static regex"));

fn name_is(name: &str, words: &[&str]) -> bool {
    let n = name.to_ascii_lowercase();
    words.iter().any(|w| n.contains(w))
}

/// One parameter check: true when it confirmed a finding.
type Check<'a> =
    dyn Fn(&mut Ctx<'_>, &Endpoint, &Point, &Response, &mut Vec<Duration>) -> bool + 'a;

pub(crate) fn run(cx: &mut Ctx<'_>, oob: &Listener) {
    sensitive_files(cx);
    cors(cx);
    let eps = cx.endpoints.clone();
    for (ep, base) in eps {
        if cx.stopped {
            break;
        }
        if ep.method != "GET" && !cx.client.allow_unsafe {
            continue;
        }
        let base = match base {
            Some(b) => b,
            None => match cx.send(&request_for(&ep)) {
                Some(b) => b,
                None => continue,
            },
        };
        if matches!(base.status, 404 | 405 | 501) || base.is_redirect() && points(&ep).is_empty() {
            continue;
        }
        if let Some(Body::Xml(_)) = &ep.body {
            xxe(cx, &ep, &base);
        }
        for p in points(&ep) {
            if cx.stopped {
                break;
            }
            let mut times = vec![base.elapsed];
            let checks: [&Check<'_>; 7] = [
                &|cx, ep, p, b, t| cmdi(cx, ep, p, b, t),
                &|cx, ep, p, b, t| sqli(cx, ep, p, b, t),
                &|cx, ep, p, b, t| ssti(cx, ep, p, b, t),
                &|cx, ep, p, b, t| traversal(cx, ep, p, b, t),
                &|cx, ep, p, b, _| redirect(cx, ep, p, b) || ssrf(cx, ep, p, oob),
                &|cx, ep, p, _, _| crlf(cx, ep, p),
                &|cx, ep, p, b, _| xss(cx, ep, p, b),
            ];
            for check in checks {
                // One confirmed finding per parameter: it is enough to fix it, and it saves
                // the requests of every other probe.
                if cx.stopped || check(cx, &ep, &p, &base, &mut times) {
                    break;
                }
            }
        }
    }
    jwt_checks(cx);
    bola(cx);
    stored_xss(cx);
}

/// Submits a unique tag through every POST form field, then re-reads the crawled HTML pages
/// for it. Only with `--allow-unsafe-methods` (it stores data).
fn stored_xss(cx: &mut Ctx<'_>) {
    if !cx.client.allow_unsafe {
        return;
    }
    let mut planted: Vec<(String, Endpoint, Point, Request)> = Vec::new();
    let forms: Vec<Endpoint> = cx
        .endpoints
        .iter()
        .filter(|(e, _)| e.method == "POST" && matches!(e.body, Some(Body::Form(_))))
        .map(|(e, _)| e.clone())
        .take(20)
        .collect();
    for ep in forms {
        let Some(Body::Form(fields)) = &ep.body else {
            continue;
        };
        for (name, value) in fields.clone() {
            if planted.len() >= 40 || cx.stopped {
                break;
            }
            // Tokens and hidden values are kept: the submission must be accepted.
            let lname = name.to_ascii_lowercase();
            if ["csrf", "token", "nonce", "xsrf"]
                .iter()
                .any(|k| lname.contains(k))
                || value.contains("Palisade-1")
            {
                continue;
            }
            let tag = format!("pal{}s", token());
            let p = Point::Form(name.clone());
            let req = inject(&ep, &p, &format!("<{tag}>"));
            if cx.send(&req).is_some() {
                planted.push((tag, ep.clone(), p, req));
            }
        }
    }
    if planted.is_empty() {
        return;
    }
    let pages: Vec<Url> = cx
        .endpoints
        .iter()
        .filter(|(e, r)| {
            e.method == "GET"
                && r.as_ref()
                    .is_some_and(|r| r.is_html() && (200..300).contains(&r.status))
        })
        .map(|(e, _)| e.url.clone())
        .take(150)
        .collect();
    let mut reported = std::collections::HashSet::new();
    for u in pages {
        if cx.stopped {
            return;
        }
        let Some(r) = cx.send(&Request::get(u.clone())) else {
            continue;
        };
        if !r.is_html() {
            continue;
        }
        let tags = crate::html::parse(&r.text()).probe_tags;
        for (tag, ep, p, req) in &planted {
            if tags.contains(tag)
                && reported.insert((ep.url.path().to_owned(), p.name().to_owned()))
            {
                let msg = format!(
                    "field `{}` submitted to {} is stored and rendered unencoded at {}: palisade's <{tag}> tag is live markup there",
                    p.name(),
                    ep.url.path(),
                    u.path()
                );
                let f = finding(
                    "dast/xss-stored",
                    "GET",
                    &u,
                    &shape(&u),
                    &format!("{} {}", ep.url.path(), p.name()),
                    msg,
                    format!("{}\n\nthen GET {u}\n\n{}", req.line(), r.summary(600)),
                );
                cx.add(f);
            }
        }
    }
}

fn probe(
    cx: &mut Ctx<'_>,
    ep: &Endpoint,
    p: &Point,
    value: &str,
    times: &mut Vec<Duration>,
) -> Option<(Request, Response)> {
    let req = inject(ep, p, value);
    let r = cx.send(&req)?;
    times.push(r.elapsed);
    Some((req, r))
}

fn report(
    cx: &mut Ctx<'_>,
    rule: &str,
    ep: &Endpoint,
    p: &Point,
    msg: String,
    req: &Request,
    resp: &Response,
) {
    let f = finding(
        rule,
        &ep.method,
        &ep.url,
        &shape(&ep.url),
        p.name(),
        msg,
        evidence(req, resp),
    );
    cx.add(f);
}

fn xss(cx: &mut Ctx<'_>, ep: &Endpoint, p: &Point, _base: &Response) -> bool {
    let mut t = Vec::new();
    let n = token();
    let Some((_, r)) = probe(cx, ep, p, &format!("pal{n}"), &mut t) else {
        return false;
    };
    if !r.is_html() || !r.text().contains(&format!("pal{n}")) {
        return false;
    }
    // Element context (text, or any context a quote and `>` close): a new tag.
    let tag1 = format!("pal{n}x");
    let Some((req1, r1)) = probe(
        cx,
        ep,
        p,
        &format!("pal{n}'\"></script></textarea></title><{tag1}>"),
        &mut t,
    ) else {
        return false;
    };
    if r1.is_html() && crate::html::parse(&r1.text()).probe_tags.contains(&tag1) {
        let m = token();
        let tag2 = format!("pal{m}y");
        let Some((_, r2)) = probe(
            cx,
            ep,
            p,
            &format!("'\"></script></textarea></title><{tag2} onpalisade=1>"),
            &mut t,
        ) else {
            return false;
        };
        if crate::html::parse(&r2.text()).probe_tags.contains(&tag2) {
            report(
                cx,
                "dast/xss-reflected",
                ep,
                p,
                format!(
                    "parameter `{}` is reflected unencoded: palisade's <{tag1}> tag is live markup in the response (confirmed twice)",
                    p.name()
                ),
                &req1,
                &r1,
            );
            return true;
        }
        return false;
    }
    // Attribute context: a quote closes the value and a new event-handler attribute follows.
    for q in ['"', '\''] {
        let a1 = format!("onpal{n}");
        let Some((req1, r1)) = probe(cx, ep, p, &format!("pal{n}{q} {a1}={q}1"), &mut t) else {
            return false;
        };
        if !crate::html::parse(&r1.text()).probe_attrs.contains(&a1) {
            continue;
        }
        let m = token();
        let a2 = format!("onpal{m}");
        let Some((_, r2)) = probe(cx, ep, p, &format!("x{q} {a2}={q}2"), &mut t) else {
            return false;
        };
        if crate::html::parse(&r2.text()).probe_attrs.contains(&a2) {
            report(
                cx,
                "dast/xss-reflected",
                ep,
                p,
                format!(
                    "parameter `{}` breaks out of a {q}-quoted attribute: palisade's `{a1}` event-handler attribute is live in the response (confirmed twice)",
                    p.name()
                ),
                &req1,
                &r1,
            );
            return true;
        }
    }
    false
}

fn sqli(
    cx: &mut Ctx<'_>,
    ep: &Endpoint,
    p: &Point,
    base: &Response,
    times: &mut Vec<Duration>,
) -> bool {
    let orig = original(ep, p);
    // Error-based.
    if !SQL_ERR.is_match(&base.text()) {
        for q in ["'", "\""] {
            let Some((req, r)) = probe(cx, ep, p, &format!("{orig}{q}"), times) else {
                return false;
            };
            if let Some(m) = SQL_ERR.find(&r.text()) {
                let Some((_, r2)) = probe(cx, ep, p, &format!("{orig}{q}{q}"), times) else {
                    return false;
                };
                if !SQL_ERR.is_match(&r2.text()) {
                    report(
                        cx,
                        "dast/sql-injection",
                        ep,
                        p,
                        format!(
                            "parameter `{}`: a {q} quote produces a database error (`{}`) that a balanced {q}{q} does not (error-based)",
                            p.name(),
                            m.as_str()
                        ),
                        &req,
                        &r,
                    );
                    return true;
                }
            }
        }
    }
    // Boolean-based: the page must be stable first.
    let Some((_, again)) = probe(cx, ep, p, &orig, times) else {
        return false;
    };
    if similar(base, &again, &[]) {
        let numeric = !orig.is_empty() && orig.parse::<f64>().is_ok();
        let contexts: Vec<[(&str, &str); 2]> = if numeric {
            vec![
                [(" AND 1=1", " AND 1=2"), (" AND 7=7", " AND 7=8")],
                [
                    ("' AND '1'='1", "' AND '1'='2"),
                    ("' AND 'x'='x", "' AND 'x'='y"),
                ],
            ]
        } else {
            vec![[
                ("' AND '1'='1", "' AND '1'='2"),
                ("' AND 'x'='x", "' AND 'x'='y"),
            ]]
        };
        for pairs in contexts {
            let mut ok = true;
            let mut ev = None;
            for (t, f) in pairs {
                let (tv, fv) = (format!("{orig}{t}"), format!("{orig}{f}"));
                let Some((_, rt)) = probe(cx, ep, p, &tv, times) else {
                    return false;
                };
                if !similar(&rt, base, &[&tv, &orig]) {
                    ok = false;
                    break;
                }
                let Some((rqf, rf)) = probe(cx, ep, p, &fv, times) else {
                    return false;
                };
                if similar(&rf, base, &[&fv, &orig]) {
                    ok = false;
                    break;
                }
                ev = Some((rqf, rf));
            }
            if ok && let Some((rq, r)) = ev {
                report(
                    cx,
                    "dast/sql-injection",
                    ep,
                    p,
                    format!(
                        "parameter `{}`: true conditions reproduce the page and false ones change it, twice with different operands (boolean-based)",
                        p.name()
                    ),
                    &rq,
                    &r,
                );
                return true;
            }
        }
    }
    // Time-based.
    let numeric = !orig.is_empty() && orig.parse::<f64>().is_ok();
    let mut forms: Vec<Box<dyn Fn(u64) -> String>> = Vec::new();
    if numeric {
        let o = orig.clone();
        forms.push(Box::new(move |d| format!("{o} AND SLEEP({d})")));
    }
    let o = orig.clone();
    forms.push(Box::new(move |d| format!("{o}' AND SLEEP({d})-- -")));
    let o = orig.clone();
    forms.push(Box::new(move |d| format!("{o}'||pg_sleep({d})--")));
    for f in forms {
        if let Some((req, r, d)) = timed(cx, ep, p, times, &*f) {
            report(
                cx,
                "dast/sql-injection",
                ep,
                p,
                format!(
                    "parameter `{}`: a {d} s database sleep delays the response by {d} s in two trials, and a 0 s sleep does not (time-based)",
                    p.name()
                ),
                &req,
                &r,
            );
            return true;
        }
        if cx.stopped {
            return false;
        }
    }
    false
}

/// Sends `payload(d)` twice and `payload(0)` once; a delay of at least `d` both times, beyond
/// the spread of the endpoint's normal response times, and none for 0, confirms.
fn timed(
    cx: &mut Ctx<'_>,
    ep: &Endpoint,
    p: &Point,
    times: &mut Vec<Duration>,
    payload: &dyn Fn(u64) -> String,
) -> Option<(Request, Response, u64)> {
    let secs: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
    let n = secs.len().max(1) as f64;
    let mean = secs.iter().sum::<f64>() / n;
    let sd = (secs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    let max = secs.iter().copied().fold(0.0, f64::max);
    let noise = max.max(mean + 4.0 * sd);
    let d = (noise * 2.0).ceil().max(1.0) as u64;
    let timeout = cx.client.limits.timeout.as_secs_f64();
    if (d as f64) + noise >= timeout * 0.8 {
        return None;
    }
    let df = d as f64;
    let (req, r1) = probe(cx, ep, p, &payload(d), &mut Vec::new())?;
    if r1.elapsed.as_secs_f64() < df * 0.95 || r1.elapsed.as_secs_f64() < noise + df * 0.5 {
        times.push(r1.elapsed);
        return None;
    }
    let (_, r0) = probe(cx, ep, p, &payload(0), &mut Vec::new())?;
    if r0.elapsed.as_secs_f64() > noise + df * 0.5 {
        return None;
    }
    let (_, r2) = probe(cx, ep, p, &payload(d), &mut Vec::new())?;
    if r2.elapsed.as_secs_f64() < df * 0.95 {
        return None;
    }
    Some((req, r1, d))
}

fn cmdi(
    cx: &mut Ctx<'_>,
    ep: &Endpoint,
    p: &Point,
    base: &Response,
    times: &mut Vec<Duration>,
) -> bool {
    let orig = original(ep, p);
    if ID_OUT.is_match(&base.text()) {
        return false;
    }
    for sep in [";id", "|id", "$(id)", "`id`"] {
        let Some((req, r)) = probe(cx, ep, p, &format!("{orig}{sep}"), times) else {
            return false;
        };
        if let Some(m) = ID_OUT.find(&r.text()) {
            report(
                cx,
                "dast/command-injection",
                ep,
                p,
                format!(
                    "parameter `{}`: `{sep}` returns the output of the id command (`{}`)",
                    p.name(),
                    m.as_str()
                ),
                &req,
                &r,
            );
            return true;
        }
    }
    if name_is(
        p.name(),
        &[
            "cmd", "exec", "command", "host", "ip", "ping", "run", "daemon", "process", "addr",
        ],
    ) {
        for sep in [";", "|", "&&"] {
            let o = orig.clone();
            let f = move |d: u64| format!("{o}{sep}sleep {d}");
            if let Some((req, r, d)) = timed(cx, ep, p, times, &f) {
                report(
                    cx,
                    "dast/command-injection",
                    ep,
                    p,
                    format!(
                        "parameter `{}`: `{sep}sleep {d}` delays the response by {d} s in two trials, `sleep 0` does not (time-based)",
                        p.name()
                    ),
                    &req,
                    &r,
                );
                return true;
            }
        }
    }
    false
}

fn ssti(
    cx: &mut Ctx<'_>,
    ep: &Endpoint,
    p: &Point,
    base: &Response,
    times: &mut Vec<Duration>,
) -> bool {
    let text = base.text();
    if text.contains("1337") && text.contains("1261") {
        return false;
    }
    for (open, close) in [("{{", "}}"), ("${", "}"), ("<%= ", " %>"), ("#{", "}")] {
        let Some((req, r)) = probe(cx, ep, p, &format!("pal{open}7*191{close}"), times) else {
            return false;
        };
        if r.text().contains("pal1337") {
            let Some((_, r2)) = probe(cx, ep, p, &format!("pal{open}13*97{close}"), times) else {
                return false;
            };
            if r2.text().contains("pal1261") {
                report(
                    cx,
                    "dast/ssti",
                    ep,
                    p,
                    format!(
                        "parameter `{}` is evaluated as a template: `{open}7*191{close}` renders 1337 and `{open}13*97{close}` renders 1261",
                        p.name()
                    ),
                    &req,
                    &r,
                );
                return true;
            }
        }
    }
    false
}

fn traversal(
    cx: &mut Ctx<'_>,
    ep: &Endpoint,
    p: &Point,
    base: &Response,
    times: &mut Vec<Duration>,
) -> bool {
    let orig = original(ep, p);
    let fileish = orig.contains('.')
        || orig.contains('/')
        || name_is(
            p.name(),
            &[
                "file", "path", "page", "doc", "template", "include", "dir", "folder", "name",
                "download", "load", "view", "read", "lang",
            ],
        );
    if !fileish || PASSWD.is_match(&base.text()) {
        return false;
    }
    let up = "../".repeat(10);
    let payloads = [
        format!("{up}etc/passwd"),
        "/etc/passwd".to_owned(),
        format!("{}etc/passwd", "....//".repeat(10)),
        format!("{}windows\\win.ini", "..\\".repeat(10)),
    ];
    for pl in payloads {
        let Some((req, r)) = probe(cx, ep, p, &pl, times) else {
            return false;
        };
        if let Some(m) = PASSWD.find(&r.text()) {
            report(
                cx,
                "dast/path-traversal",
                ep,
                p,
                format!(
                    "parameter `{}` reads a file outside the web root: `{pl}` returns `{}`",
                    p.name(),
                    m.as_str().trim()
                ),
                &req,
                &r,
            );
            return true;
        }
    }
    false
}

const PROBE_HOST: &str = "palisade-probe.invalid";

fn redirect(cx: &mut Ctx<'_>, ep: &Endpoint, p: &Point, base: &Response) -> bool {
    let orig = original(ep, p);
    let urlish = orig.starts_with('/')
        || orig.starts_with("http")
        || base.is_redirect()
        || name_is(
            p.name(),
            &[
                "url", "next", "redirect", "return", "goto", "dest", "continue", "target", "rurl",
                "to", "forward", "callback", "back",
            ],
        );
    if !urlish {
        return false;
    }
    for pl in [
        format!("https://{PROBE_HOST}/pal"),
        format!("//{PROBE_HOST}/pal"),
    ] {
        let req = inject(ep, p, &pl);
        let Some(r) = cx.send(&req) else { return false };
        let to_probe = |u: Option<Url>| u.is_some_and(|u| u.host_str() == Some(PROBE_HOST));
        let meta = r.is_html() && {
            let page = crate::html::parse(&r.text());
            page.links.iter().any(|l| {
                r.url
                    .join(l)
                    .ok()
                    .is_some_and(|u| u.host_str() == Some(PROBE_HOST))
            }) && r
                .text()
                .to_ascii_lowercase()
                .contains("http-equiv=\"refresh\"")
        };
        if (r.is_redirect() && to_probe(r.location())) || meta {
            // The probe host is out of scope by construction: recorded, never requested.
            cx.out_of_scope.insert(format!("https://{PROBE_HOST}/pal"));
            report(
                cx,
                "dast/open-redirect",
                ep,
                p,
                format!(
                    "parameter `{}` redirects to any host: `{pl}` answers with a redirect to {PROBE_HOST}",
                    p.name()
                ),
                &req,
                &r,
            );
            return true;
        }
    }
    false
}

fn ssrf(cx: &mut Ctx<'_>, ep: &Endpoint, p: &Point, oob: &Listener) -> bool {
    let orig = original(ep, p);
    let urlish = orig.starts_with("http")
        || orig.contains("://")
        || name_is(
            p.name(),
            &[
                "url", "uri", "link", "src", "dest", "host", "fetch", "proxy", "callback",
                "webhook", "feed", "image", "target", "endpoint", "site",
            ],
        );
    if !urlish {
        return false;
    }
    let tok = format!("pal-{}", token());
    let pl = format!("http://127.0.0.1:{}/{tok}", oob.port);
    let req = inject(ep, p, &pl);
    let Some(r) = cx.send(&req) else { return false };
    if oob.received(&tok, Duration::from_millis(1500)) {
        report(
            cx,
            "dast/ssrf",
            ep,
            p,
            format!(
                "parameter `{}` makes the server fetch a URL: palisade's callback listener received {tok}",
                p.name()
            ),
            &req,
            &r,
        );
        return true;
    }
    false
}

fn crlf(cx: &mut Ctx<'_>, ep: &Endpoint, p: &Point) -> bool {
    let orig = original(ep, p);
    let tok = token();
    let pl = format!("{orig}\r\nX-Palisade-Crlf: {tok}");
    let req = inject(ep, p, &pl);
    let Some(r) = cx.send(&req) else { return false };
    if r.header("x-palisade-crlf").is_some_and(|v| v.trim() == tok) {
        report(
            cx,
            "dast/crlf-injection",
            ep,
            p,
            format!(
                "parameter `{}`: CR LF in the value adds palisade's X-Palisade-Crlf header to the response",
                p.name()
            ),
            &req,
            &r,
        );
        return true;
    }
    false
}

fn xxe(cx: &mut Ctx<'_>, ep: &Endpoint, base: &Response) {
    if PASSWD.is_match(&base.text()) {
        return;
    }
    let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE data [<!ENTITY pal SYSTEM \"file:///etc/passwd\">]>\n<data><value>&pal;</value></data>";
    let mut probe_ep = ep.clone();
    probe_ep.body = Some(Body::Xml(doc.into()));
    let req = request_for(&probe_ep);
    let Some(r) = cx.send(&req) else { return };
    if let Some(m) = PASSWD.find(&r.text()) {
        let f = finding(
            "dast/xxe",
            &ep.method,
            &ep.url,
            &shape(&ep.url),
            "",
            format!(
                "the XML endpoint expands an external entity: file:///etc/passwd comes back (`{}`)",
                m.as_str().trim()
            ),
            evidence(&req, &r),
        );
        cx.add(f);
    }
}

fn cors(cx: &mut Ctx<'_>) {
    let mut targets: Vec<Url> = vec![cx.opts.target.clone()];
    for (ep, r) in &cx.endpoints {
        if ep.method == "GET"
            && let Some(r) = r
            && (r.content_type().contains("json") || ep.url.path().contains("api"))
            && targets.len() < 25
            && !targets.contains(&ep.url)
        {
            targets.push(ep.url.clone());
        }
    }
    for u in targets {
        for (origin, rule) in [
            (
                format!("https://{PROBE_HOST}"),
                "dast/cors-reflected-origin",
            ),
            ("null".to_owned(), "dast/cors-null-origin"),
        ] {
            let req = Request::get(u.clone()).header("origin", &origin);
            let Some(r) = cx.send(&req) else { return };
            let acao = r.header("access-control-allow-origin").unwrap_or("");
            let creds = r
                .header("access-control-allow-credentials")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            if acao.trim() == origin && creds {
                let f = finding(
                    rule,
                    "GET",
                    &u,
                    &shape(&u),
                    "",
                    format!(
                        "`Origin: {origin}` is allowed with credentials (Access-Control-Allow-Origin: {acao})"
                    ),
                    evidence(&req, &r),
                );
                cx.add(f);
            }
        }
    }
}

/// `(path, check)`: the check confirms the file by its format.
/// Confirms a file by its bytes and text.
type FileCheck = fn(&[u8], &str) -> bool;

fn sensitive_list() -> Vec<(&'static str, FileCheck)> {
    fn not_html(t: &str) -> bool {
        let l = t.trim_start().to_ascii_lowercase();
        !l.starts_with("<!doctype") && !l.starts_with("<html") && !l.contains("<body")
    }
    vec![
        ("/.git/HEAD", |_, t| {
            t.starts_with("ref: refs/")
                || (t.trim().len() == 40 && t.trim().bytes().all(|b| b.is_ascii_hexdigit()))
        }),
        ("/.git/config", |_, t| t.contains("[core]") && not_html(t)),
        ("/.env", |_, t| {
            not_html(t)
                && t.lines()
                    .filter(|l| {
                        let l = l.trim();
                        l.split_once('=').is_some_and(|(k, _)| {
                            !k.is_empty()
                                && k.bytes().all(|b| {
                                    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'
                                })
                        })
                    })
                    .count()
                    >= 2
        }),
        ("/.svn/wc.db", |b, _| b.starts_with(b"SQLite format 3")),
        ("/.DS_Store", |b, _| b.len() > 8 && &b[4..8] == b"Bud1"),
        ("/.htpasswd", |_, t| {
            not_html(t)
                && t.lines()
                    .any(|l| l.contains(":$apr1$") || l.contains(":{SHA}") || l.contains(":$2y$"))
        }),
        ("/backup.zip", |b, _| b.starts_with(b"PK\x03\x04")),
        ("/backup.tar.gz", |b, _| b.starts_with(&[0x1f, 0x8b])),
        ("/backup.sql", |_, t| {
            not_html(t) && (t.contains("CREATE TABLE") || t.contains("INSERT INTO"))
        }),
        ("/dump.sql", |_, t| {
            not_html(t) && (t.contains("CREATE TABLE") || t.contains("INSERT INTO"))
        }),
        ("/config.php.bak", |_, t| t.contains("<?php")),
        ("/wp-config.php.bak", |_, t| {
            t.contains("<?php") && t.contains("DB_")
        }),
        ("/web.config.bak", |_, t| t.contains("<configuration")),
        ("/.aws/credentials", |_, t| t.contains("aws_access_key_id")),
        ("/id_rsa", |_, t| {
            t.contains("-----BEGIN") && t.contains("PRIVATE KEY")
        }),
        ("/server-status", |_, t| t.contains("Apache Server Status")),
        ("/phpinfo.php", |_, t| {
            t.contains("<title>phpinfo()") || t.contains("PHP Version =>")
        }),
    ]
}

fn sensitive_files(cx: &mut Ctx<'_>) {
    let target = cx.opts.target.clone();
    // A soft-404 page (200 for everything) is told apart by the format checks; note it.
    if let Ok(u) = target.join(&format!("/pal-{}-missing", token()))
        && let Some(r) = cx.send(&Request::get(u.clone()))
        && r.status == 200
    {
        cx.diag(
            DiagnosticLevel::Skip,
            u.as_str(),
            "the site answers 200 for missing pages (soft 404); files are confirmed by content",
        );
    }
    for (path, ok) in sensitive_list() {
        let Ok(u) = target.join(path) else { continue };
        let req = Request::get(u.clone());
        let Some(r) = cx.send(&req) else {
            if cx.stopped {
                return;
            }
            continue;
        };
        if r.status == 200 && ok(&r.body, &r.text()) {
            let f = finding(
                "dast/sensitive-file-exposed",
                "GET",
                &u,
                &crate::rules::origin(&u),
                path,
                format!("{path} is served"),
                format!("{}\n\n{}", req.line(), r.summary(200)),
            );
            cx.add(f);
        }
    }
}

fn jwt_checks(cx: &mut Ctx<'_>) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let tokens = cx.jwts.clone();
    for (cookie, tok) in tokens.iter().take(5) {
        let Some(t) = crate::jwt::parse(tok) else {
            continue;
        };
        let secret = if t.alg().starts_with("HS") {
            crate::jwt::crack(&t)
        } else {
            None
        };
        let target = cx.opts.target.clone();
        if let Some(s) = secret {
            let shown = if s.is_empty() {
                "(empty)".to_owned()
            } else {
                format!("`{s}`")
            };
            let f = finding(
                "dast/jwt-weak-secret",
                "GET",
                &target,
                &crate::rules::origin(&target),
                cookie.as_deref().unwrap_or("authorization"),
                format!(
                    "a {} token the application issued is signed with the guessable secret {shown}",
                    t.alg()
                ),
                format!(
                    "token claims: {}",
                    crate::http::excerpt(&t.claims.to_string(), 200)
                ),
            );
            cx.add(f);
        }
        // Where the token travels: a cookie of session A, or the Authorization header.
        let carrier = |req: Request, value: Option<&str>| -> Request {
            let mut req = req;
            match &cookie {
                Some(name) => req
                    .cookie_override
                    .push((name.clone(), value.map(str::to_owned))),
                None => match value {
                    Some(v) => req = req.header("authorization", &format!("Bearer {v}")),
                    None => req = req.as_identity(Identity::Anonymous),
                },
            }
            req
        };
        // Endpoints that need it: OK with the token, refused without.
        let eps: Vec<Endpoint> = cx
            .endpoints
            .iter()
            .filter(|(e, r)| {
                e.method == "GET" && r.as_ref().is_some_and(|r| (200..300).contains(&r.status))
            })
            .map(|(e, _)| e.clone())
            .take(60)
            .collect();
        let mut consumers = 0;
        for ep in eps {
            if cx.stopped || consumers >= 10 {
                break;
            }
            let with = carrier(Request::get(ep.url.clone()), Some(tok));
            let Some(ok) = cx.send(&with) else { continue };
            if !(200..300).contains(&ok.status) {
                continue;
            }
            let Some(no) = cx.send(&carrier(Request::get(ep.url.clone()), None)) else {
                continue;
            };
            if !matches!(no.status, 401 | 403) {
                continue;
            }
            consumers += 1;
            let accepted = |r: &Response| (200..300).contains(&r.status) && similar(r, &ok, &[]);
            let bad = crate::jwt::bad_signature(tok);
            let req = carrier(Request::get(ep.url.clone()), Some(&bad));
            if let Some(r) = cx.send(&req)
                && accepted(&r)
            {
                let f = finding("dast/jwt-signature-not-verified", "GET", &ep.url, &shape(&ep.url), "", "the endpoint accepts the session's JWT with a corrupted signature (401/403 without a token)".into(), evidence(&req, &r));
                cx.add(f);
                continue;
            }
            let none = crate::jwt::alg_none(&t);
            let req = carrier(Request::get(ep.url.clone()), Some(&none));
            if let Some(r) = cx.send(&req)
                && accepted(&r)
            {
                let f = finding(
                    "dast/jwt-alg-none",
                    "GET",
                    &ep.url,
                    &shape(&ep.url),
                    "",
                    "the endpoint accepts the session's claims in an unsigned `alg: none` token"
                        .into(),
                    evidence(&req, &r),
                );
                cx.add(f);
            }
            if let Some(s) = secret
                && let Some(exp) = crate::jwt::expired(&t, s, now)
            {
                let req = carrier(Request::get(ep.url.clone()), Some(&exp));
                if let Some(r) = cx.send(&req)
                    && accepted(&r)
                {
                    let f = finding(
                        "dast/jwt-expired-accepted",
                        "GET",
                        &ep.url,
                        &shape(&ep.url),
                        "",
                        "the endpoint accepts a validly signed token that expired an hour ago"
                            .into(),
                        evidence(&req, &r),
                    );
                    cx.add(f);
                }
            }
        }
    }
}

fn object_like(u: &Url) -> bool {
    let seg_id = u.path_segments().is_some_and(|mut s| {
        s.any(|x| {
            (!x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()))
                || (x.len() == 36 && x.matches('-').count() == 4)
        })
    });
    seg_id
        || u.query_pairs().any(|(k, v)| {
            name_is(&k, &["id", "uid", "account", "order", "user", "doc"]) && !v.is_empty()
        })
}

fn bola(cx: &mut Ctx<'_>) {
    if cx.opts.session_b.is_empty() {
        return;
    }
    let eps: Vec<(Endpoint, Response)> = cx
        .endpoints
        .iter()
        .filter(|(e, r)| {
            e.method == "GET" && object_like(&e.url) && r.as_ref().is_some_and(|r| r.status == 200)
        })
        .filter_map(|(e, r)| Some((e.clone(), r.clone()?)))
        .take(100)
        .collect();
    for (ep, a) in eps {
        if cx.stopped {
            return;
        }
        let rb = Request::get(ep.url.clone()).as_identity(Identity::B);
        let Some(b) = cx.send(&rb) else { continue };
        if b.status != 200 || !similar(&a, &b, &[]) {
            continue;
        }
        let Some(anon) = cx.send(&Request::get(ep.url.clone()).as_identity(Identity::Anonymous))
        else {
            continue;
        };
        let refused = matches!(anon.status, 401 | 403) || anon.is_redirect();
        if refused {
            let f = finding(
                "dast/bola",
                "GET",
                &ep.url,
                &shape(&ep.url),
                "",
                format!(
                    "session B reads the same object as session A at {} (anonymous: HTTP {})",
                    ep.url.path(),
                    anon.status
                ),
                evidence(&rb, &b),
            );
            cx.add(f);
        }
    }
}
