//! Passive checks: decided from one response of the crawl, without another request.

use std::sync::LazyLock;

use palisade_engine::finding::Finding;
use regex::Regex;
use url::Url;

use crate::html::Page;
use crate::http::{Response, excerpt};
use crate::rules::{finding, origin};

/// One check result before it becomes a finding.
struct Hit {
    rule: &'static str,
    /// Site-wide (per origin) or per URL.
    site: bool,
    key: String,
    message: String,
    evidence: String,
}

fn hit(rule: &'static str, site: bool, key: &str, message: String, evidence: String) -> Hit {
    Hit {
        rule,
        site,
        key: key.to_owned(),
        message,
        evidence,
    }
}

/// A parsed Content-Security-Policy: directive → sources (lower-cased).
pub struct Csp {
    pub directives: Vec<(String, Vec<String>)>,
}

impl Csp {
    pub fn parse(value: &str) -> Csp {
        let directives = value
            .split(';')
            .filter_map(|d| {
                let mut it = d.split_whitespace();
                let name = it.next()?.to_ascii_lowercase();
                Some((name, it.map(str::to_ascii_lowercase).collect()))
            })
            .collect();
        Csp { directives }
    }

    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Sources governing scripts: `script-src`, else `default-src`.
    pub fn script_sources(&self) -> Option<&[String]> {
        self.get("script-src").or_else(|| self.get("default-src"))
    }

    pub fn unsafe_inline(&self) -> bool {
        self.script_sources().is_some_and(|s| {
            s.iter().any(|x| x == "'unsafe-inline'")
                && !s.iter().any(|x| {
                    x.starts_with("'nonce-")
                        || x.starts_with("'sha256-")
                        || x.starts_with("'sha384-")
                        || x.starts_with("'sha512-")
                        || x == "'strict-dynamic'"
                })
        })
    }

    pub fn unsafe_eval(&self) -> bool {
        self.script_sources()
            .is_some_and(|s| s.iter().any(|x| x == "'unsafe-eval'"))
    }

    /// A script or object source that admits any host.
    pub fn wildcard(&self) -> Option<String> {
        let wild = |x: &String| matches!(x.as_str(), "*" | "http:" | "https:" | "data:" | "blob:");
        let strict = self
            .script_sources()
            .is_some_and(|s| s.iter().any(|x| x == "'strict-dynamic'"));
        for d in ["script-src", "object-src", "default-src"] {
            if let Some(s) = self.get(d)
                && !(strict && d != "object-src")
                && let Some(w) = s.iter().find(|x| wild(x))
            {
                return Some(format!("{d} {w}"));
            }
        }
        None
    }
}

/// The Observatory-style grade of one response's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    pub grade: &'static str,
    pub score: i32,
    /// `(points, reason)`, deductions negative.
    pub items: Vec<(i32, String)>,
}

pub fn grade(resp: &Response) -> Grade {
    let https = resp.url.scheme() == "https";
    let mut items: Vec<(i32, String)> = Vec::new();
    let mut bonus: Vec<(i32, String)> = Vec::new();
    match resp.header("content-security-policy") {
        None => items.push((-25, "no Content-Security-Policy".into())),
        Some(v) => {
            let c = Csp::parse(v);
            if c.unsafe_inline() || c.wildcard().is_some() {
                items.push((-20, "CSP allows unsafe-inline or any host".into()));
            } else if c.unsafe_eval() {
                items.push((-10, "CSP allows unsafe-eval".into()));
            } else if c.get("default-src").is_some_and(|d| d == ["'none'"]) {
                bonus.push((10, "CSP default-src 'none' without unsafe sources".into()));
            } else {
                bonus.push((5, "CSP without unsafe sources".into()));
            }
            if c.get("frame-ancestors").is_some() {
                bonus.push((5, "frame-ancestors set".into()));
            }
        }
    }
    let framing = resp.header("x-frame-options").is_some()
        || resp
            .header("content-security-policy")
            .is_some_and(|v| Csp::parse(v).get("frame-ancestors").is_some());
    if !framing {
        items.push((-20, "no X-Frame-Options or frame-ancestors".into()));
    }
    if resp
        .header("x-content-type-options")
        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("nosniff"))
    {
        items.push((-5, "no X-Content-Type-Options: nosniff".into()));
    }
    if https {
        match resp.header("strict-transport-security").map(hsts) {
            None => items.push((-20, "no Strict-Transport-Security".into())),
            Some((age, _, _)) if age < 15_768_000 => {
                items.push((-10, "HSTS max-age under six months".into()));
            }
            Some((_, true, true)) => bonus.push((5, "HSTS preload-ready".into())),
            Some(_) => {}
        }
    }
    match resp
        .header("referrer-policy")
        .map(|v| v.trim().to_ascii_lowercase())
    {
        Some(v) if v.contains("unsafe-url") || v.contains("no-referrer-when-downgrade") => {
            items.push((-5, format!("Referrer-Policy {v}")));
        }
        Some(_) => bonus.push((5, "private Referrer-Policy".into())),
        None => {}
    }
    for sc in resp.headers_all("set-cookie") {
        let low = sc.to_ascii_lowercase();
        let name = sc.split('=').next().unwrap_or("").trim().to_owned();
        if https && !low.contains("secure") {
            items.push((-20, format!("cookie {name} without Secure")));
            break;
        }
        if is_session_cookie(&name) && !low.contains("httponly") {
            items.push((-10, format!("session cookie {name} without HttpOnly")));
            break;
        }
    }
    let mut score = 100 + items.iter().map(|(p, _)| p).sum::<i32>();
    if score >= 90 {
        score += bonus.iter().map(|(p, _)| p).sum::<i32>();
        items.extend(bonus);
    }
    let score = score.max(0);
    let grade = match score {
        100.. => "A+",
        90..=99 => "A",
        85..=89 => "A-",
        80..=84 => "B+",
        70..=79 => "B",
        65..=69 => "B-",
        60..=64 => "C+",
        50..=59 => "C",
        45..=49 => "C-",
        40..=44 => "D+",
        30..=39 => "D",
        25..=29 => "D-",
        _ => "F",
    };
    Grade {
        grade,
        score,
        items,
    }
}

/// `(max-age, includeSubDomains, preload)`.
fn hsts(v: &str) -> (u64, bool, bool) {
    let mut age = 0;
    let (mut sub, mut pre) = (false, false);
    for part in v.split(';') {
        let p = part.trim().to_ascii_lowercase();
        if let Some(a) = p.strip_prefix("max-age=") {
            age = a.trim_matches('"').parse().unwrap_or(0);
        } else if p == "includesubdomains" {
            sub = true;
        } else if p == "preload" {
            pre = true;
        }
    }
    (age, sub, pre)
}

fn is_session_cookie(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["sess", "sid", "auth", "token", "jwt", "login"]
        .iter()
        .any(|k| n.contains(k))
}

static STACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"Traceback \(most recent call last\)|\n\s+at [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)",
        r"|Exception in thread |thread '[^']*' panicked at |\bat [\w.<>]+ in [A-Za-z]:\\.*:line \d+",
        r"|<b>(?:Fatal|Parse) error</b>:|\bon line <b>\d+</b>|Server Error in '/' Application",
        r"|Whitelabel Error Page|\bgoroutine \d+ \[running\]|ActionController::RoutingError",
        r"|django\.core\.exceptions|\bat Object\.<anonymous> \(|\bat Module\._compile \(",
    ))
    .expect("static regex")
});

static PRIVATE_IP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])((?:10\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])|192\.168)\.\d{1,3}\.\d{1,3})(?:$|[^\d.])")
        .expect("static regex")
});

static COMMENT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:todo|fixme|hack|xxx|bug|password|passwd|pwd|secret|api[_-]?key|debug|admin|internal|credentials?)\b")
        .expect("static regex")
});

static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*").expect("static regex")
});

static SESSION_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:[;?&](?:jsessionid|phpsessid|sessionid|session_id|aspsessionid\w*|sid|sessid)=)[A-Za-z0-9\-_.%]{8,}")
        .expect("static regex")
});

static VERSIONED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+\.\d+").expect("static regex"));

/// Every passive finding for one response. `page` is the parsed HTML, when it is HTML.
pub fn check(method: &str, resp: &Response, page: Option<&Page>) -> Vec<Finding> {
    let mut hits: Vec<Hit> = Vec::new();
    let html = resp.is_html() && (200..300).contains(&resp.status);
    let https = resp.url.scheme() == "https";
    let hdr_ev = |names: &[&str]| -> String {
        let mut s = format!("HTTP {}\n", resp.status);
        for n in names {
            match resp.header(n) {
                Some(v) => s.push_str(&format!("{n}: {}\n", excerpt(v, 200))),
                None => s.push_str(&format!("({n} absent)\n")),
            }
        }
        s
    };
    if html {
        headers(resp, https, &hdr_ev, &mut hits);
    }
    cookies(resp, https, &mut hits);
    for name in [
        "server",
        "x-powered-by",
        "x-aspnet-version",
        "x-aspnetmvc-version",
        "x-generator",
    ] {
        if let Some(v) = resp.header(name)
            && (name != "server" || VERSIONED.is_match(v))
        {
            hits.push(hit(
                "dast/server-banner",
                true,
                name,
                format!(
                    "`{name}: {}` discloses the server software and version",
                    excerpt(v, 80)
                ),
                hdr_ev(&[name]),
            ));
        }
    }
    if resp.is_texty() {
        let text = resp.text();
        content(resp, &text, &mut hits);
    }
    if let Some(page) = page {
        page_checks(resp, page, https, &mut hits);
    }
    if let Some(loc) = resp.header("location") {
        url_leaks(loc, "redirect Location", &mut hits);
    }
    hits.into_iter()
        .map(|h| {
            if h.site {
                let o = origin(&resp.url);
                crate::rules::finding_keyed(
                    h.rule,
                    method,
                    &resp.url,
                    &[&o, &h.key],
                    h.message,
                    h.evidence,
                )
            } else {
                let shape = crate::rules::shape(&resp.url);
                finding(
                    h.rule, method, &resp.url, &shape, &h.key, h.message, h.evidence,
                )
            }
        })
        .collect()
}

fn headers(resp: &Response, https: bool, ev: &dyn Fn(&[&str]) -> String, hits: &mut Vec<Hit>) {
    let csp_value = resp.header("content-security-policy");
    match csp_value {
        None => hits.push(hit(
            "dast/csp-missing",
            true,
            "",
            "HTML page without a Content-Security-Policy header".into(),
            ev(&["content-security-policy"]),
        )),
        Some(v) => {
            let c = Csp::parse(v);
            let e = ev(&["content-security-policy"]);
            if c.unsafe_inline() {
                hits.push(hit(
                    "dast/csp-unsafe-inline",
                    true,
                    "",
                    "CSP script sources allow 'unsafe-inline' without a nonce or hash".into(),
                    e.clone(),
                ));
            }
            if c.unsafe_eval() {
                hits.push(hit(
                    "dast/csp-unsafe-eval",
                    true,
                    "",
                    "CSP script sources allow 'unsafe-eval'".into(),
                    e.clone(),
                ));
            }
            if let Some(w) = c.wildcard() {
                hits.push(hit(
                    "dast/csp-wildcard-source",
                    true,
                    "",
                    format!("CSP `{w}` admits scripts or objects from any host"),
                    e.clone(),
                ));
            }
            if c.get("object-src").is_none() && c.get("default-src").is_none() {
                hits.push(hit(
                    "dast/csp-object-src-missing",
                    true,
                    "",
                    "CSP sets neither object-src nor default-src".into(),
                    e.clone(),
                ));
            }
            if c.get("base-uri").is_none() {
                hits.push(hit(
                    "dast/csp-base-uri-missing",
                    true,
                    "",
                    "CSP does not set base-uri".into(),
                    e,
                ));
            }
        }
    }
    let fa = csp_value.is_some_and(|v| Csp::parse(v).get("frame-ancestors").is_some());
    if !fa && resp.header("x-frame-options").is_none() {
        hits.push(hit(
            "dast/clickjacking",
            true,
            "",
            "no X-Frame-Options and no CSP frame-ancestors: any site can frame this page".into(),
            ev(&["x-frame-options", "content-security-policy"]),
        ));
    }
    if https {
        match resp.header("strict-transport-security") {
            None => hits.push(hit(
                "dast/hsts-missing",
                true,
                "",
                "HTTPS page without Strict-Transport-Security".into(),
                ev(&["strict-transport-security"]),
            )),
            Some(v) => {
                let (age, sub, pre) = hsts(v);
                if age < 15_768_000 {
                    hits.push(hit(
                        "dast/hsts-weak",
                        true,
                        "",
                        format!("HSTS max-age={age} is under six months"),
                        ev(&["strict-transport-security"]),
                    ));
                } else if pre && (!sub || age < 31_536_000) {
                    hits.push(hit(
                        "dast/hsts-weak",
                        true,
                        "",
                        "HSTS asks for preload without includeSubDomains and a one-year max-age"
                            .into(),
                        ev(&["strict-transport-security"]),
                    ));
                }
            }
        }
    }
    if resp
        .header("x-content-type-options")
        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("nosniff"))
    {
        hits.push(hit(
            "dast/content-type-options-missing",
            true,
            "",
            "no X-Content-Type-Options: nosniff".into(),
            ev(&["x-content-type-options"]),
        ));
    }
    match resp.header("referrer-policy").map(str::to_ascii_lowercase) {
        None => hits.push(hit(
            "dast/referrer-policy-unsafe",
            true,
            "",
            "no Referrer-Policy (browsers' default leaks paths cross-origin)".into(),
            ev(&["referrer-policy"]),
        )),
        Some(v) if v.contains("unsafe-url") || v.contains("no-referrer-when-downgrade") => hits
            .push(hit(
                "dast/referrer-policy-unsafe",
                true,
                "",
                format!("Referrer-Policy `{v}` sends full URLs to other sites"),
                ev(&["referrer-policy"]),
            )),
        Some(_) => {}
    }
    if resp.header("permissions-policy").is_none() && resp.header("feature-policy").is_none() {
        hits.push(hit(
            "dast/permissions-policy-missing",
            true,
            "",
            "no Permissions-Policy".into(),
            ev(&["permissions-policy"]),
        ));
    }
    let iso = [
        "cross-origin-opener-policy",
        "cross-origin-embedder-policy",
        "cross-origin-resource-policy",
    ];
    if iso.iter().all(|h| resp.header(h).is_none()) {
        hits.push(hit(
            "dast/cross-origin-isolation-missing",
            true,
            "",
            "none of Cross-Origin-Opener/Embedder/Resource-Policy is set".into(),
            ev(&iso),
        ));
    }
    let g = grade(resp);
    if g.score < 90 {
        let reasons: Vec<String> = g
            .items
            .iter()
            .filter(|(p, _)| *p < 0)
            .map(|(p, r)| format!("{p} {r}"))
            .collect();
        hits.push(hit(
            "dast/header-grade",
            true,
            "",
            format!(
                "security headers grade {} ({}/100): {}",
                g.grade,
                g.score,
                reasons.join("; ")
            ),
            String::new(),
        ));
    }
}

fn cookies(resp: &Response, https: bool, hits: &mut Vec<Hit>) {
    let host = resp.url.host_str().unwrap_or("").to_ascii_lowercase();
    for sc in resp.headers_all("set-cookie") {
        let mut parts = sc.split(';');
        let first = parts.next().unwrap_or("");
        let Some((name, value)) = first.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if value.trim().is_empty() {
            continue; // a deletion
        }
        let attrs: Vec<(String, String)> = parts
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase())
            })
            .collect();
        let has = |k: &str| attrs.iter().any(|(a, _)| a == k);
        let val = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        let ev = format!("set-cookie: {}", excerpt(&redact_cookie(sc), 200));
        if https && !has("secure") {
            hits.push(hit(
                "dast/cookie-without-secure",
                true,
                name,
                format!("cookie `{name}` set over HTTPS without Secure"),
                ev.clone(),
            ));
        }
        if !has("httponly") {
            hits.push(hit(
                "dast/cookie-without-httponly",
                true,
                name,
                format!("cookie `{name}` is readable from JavaScript (no HttpOnly)"),
                ev.clone(),
            ));
        }
        if val("samesite").is_none_or(|v| v == "none") {
            hits.push(hit(
                "dast/cookie-without-samesite",
                true,
                name,
                format!("cookie `{name}` has no SameSite=Lax/Strict"),
                ev.clone(),
            ));
        }
        let lname = name.to_ascii_lowercase();
        let prefix_bad = (lname.starts_with("__host-")
            && (!has("secure") || has("domain") || val("path") != Some("/")))
            || (lname.starts_with("__secure-") && !has("secure"));
        if prefix_bad {
            hits.push(hit(
                "dast/cookie-prefix-misuse",
                true,
                name,
                format!("cookie `{name}` lacks the attributes its prefix requires"),
                ev.clone(),
            ));
        }
        if let Some(d) = val("domain") {
            let d = d.trim_start_matches('.');
            if !d.is_empty() && d != host && host.ends_with(&format!(".{d}")) {
                hits.push(hit(
                    "dast/cookie-loose-domain",
                    true,
                    name,
                    format!("cookie `{name}` is scoped to the parent domain {d}"),
                    ev,
                ));
            }
        }
    }
}

fn redact_cookie(sc: &str) -> String {
    match sc.split_once('=') {
        Some((n, rest)) => {
            let (v, attrs) = rest.split_once(';').unwrap_or((rest, ""));
            let shown: String = v.chars().take(4).collect();
            let more = if v.chars().count() > 4 { "…" } else { "" };
            if attrs.is_empty() {
                format!("{n}={shown}{more}")
            } else {
                format!("{n}={shown}{more};{attrs}")
            }
        }
        None => sc.to_owned(),
    }
}

fn content(resp: &Response, text: &str, hits: &mut Vec<Hit>) {
    if let Some(m) = STACK.find(text) {
        hits.push(hit(
            "dast/stack-trace",
            false,
            "",
            format!(
                "response (HTTP {}) contains a stack trace or debug error page",
                resp.status
            ),
            around(text, m.start(), m.end()),
        ));
    }
    let host = resp.url.host_str().unwrap_or("");
    for c in PRIVATE_IP.captures_iter(text).take(50) {
        let Some(ip) = c.get(1) else { continue };
        if ip.as_str() == host || !ip.as_str().split('.').all(|o| o.parse::<u8>().is_ok()) {
            continue;
        }
        hits.push(hit(
            "dast/private-ip-disclosure",
            false,
            "",
            format!("private IP address {} in the response", ip.as_str()),
            around(text, ip.start(), ip.end()),
        ));
        break;
    }
    let low_head: String = text
        .chars()
        .take(4000)
        .collect::<String>()
        .to_ascii_lowercase();
    if (low_head.contains("<title>index of /") || low_head.contains("<h1>index of /"))
        || low_head.contains("<title>directory listing for")
    {
        hits.push(hit(
            "dast/directory-listing",
            false,
            "",
            "the server lists a directory's files".into(),
            excerpt(&low_head, 300),
        ));
    }
    for marker in ["<?php", "<%@", "<%="] {
        if let Some(i) = text.find(marker) {
            hits.push(hit(
                "dast/source-code-disclosure",
                false,
                "",
                format!("server-side source code (`{marker}`) in the response"),
                around(text, i, i + marker.len()),
            ));
            break;
        }
    }
}

fn around(text: &str, start: usize, end: usize) -> String {
    let mut s = start.saturating_sub(120);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (end + 200).min(text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    text[s..e].to_owned()
}

fn url_leaks(u: &str, what: &str, hits: &mut Vec<Hit>) {
    if u.contains('?') || u.contains(';') {
        if let Some(m) = JWT.find(u) {
            hits.push(hit(
                "dast/jwt-in-url",
                false,
                what,
                format!("a JWT in a URL ({what})"),
                excerpt(&u.replace(m.as_str(), "eyJ…(redacted)"), 200),
            ));
        }
        if let Some(m) = SESSION_PARAM.find(u) {
            hits.push(hit(
                "dast/session-id-in-url",
                false,
                what,
                format!("a session identifier in a URL ({what})"),
                excerpt(&u.replace(m.as_str(), ";session=(redacted)"), 200),
            ));
        }
    }
}

fn page_checks(resp: &Response, page: &Page, https: bool, hits: &mut Vec<Hit>) {
    let here = &resp.url;
    for c in &page.comments {
        if let Some(m) = COMMENT_WORDS.find(c) {
            hits.push(hit(
                "dast/suspicious-comment",
                false,
                &m.as_str().to_ascii_lowercase(),
                format!("HTML comment mentions `{}`", m.as_str()),
                format!("<!--{}-->", excerpt(c.trim(), 200)),
            ));
            break;
        }
    }
    let resolve = |s: &str| here.join(s).ok();
    if https {
        for r in &page.subresources {
            if let Some(u) = resolve(&r.url)
                && u.scheme() == "http"
            {
                hits.push(hit(
                    "dast/mixed-content",
                    false,
                    "",
                    format!("HTTPS page loads <{}> over HTTP: {u}", r.tag),
                    format!("<{} src=\"{}\">", r.tag, r.url),
                ));
                break;
            }
        }
    }
    for r in &page.subresources {
        if (r.tag == "script" || r.tag == "link")
            && !r.integrity
            && let Some(u) = resolve(&r.url)
            && crate::rules::origin(&u) != crate::rules::origin(here)
            && matches!(u.scheme(), "http" | "https")
        {
            hits.push(hit(
                "dast/sri-missing",
                false,
                "",
                format!(
                    "<{}> from {} without integrity",
                    r.tag,
                    u.host_str().unwrap_or("")
                ),
                format!("<{} src=\"{}\">", r.tag, r.url),
            ));
            break;
        }
    }
    for b in &page.blank_links {
        if let Some(u) = resolve(&b.href)
            && matches!(u.scheme(), "http" | "https")
            && crate::rules::origin(&u) != crate::rules::origin(here)
            && !b.rel.contains("noopener")
            && !b.rel.contains("noreferrer")
        {
            hits.push(hit(
                "dast/reverse-tabnabbing",
                false,
                "",
                format!("target=_blank link to {u} without rel=noopener"),
                format!(
                    "<a href=\"{}\" target=\"_blank\" rel=\"{}\">",
                    b.href, b.rel
                ),
            ));
            break;
        }
    }
    let mut password_form = false;
    for f in &page.forms {
        if f.fields.iter().any(|x| x.kind == "password") {
            password_form = true;
        }
        if f.method == "post" {
            let token = f.fields.iter().any(|x| {
                let n = x.name.to_ascii_lowercase();
                x.kind == "hidden"
                    && [
                        "csrf",
                        "xsrf",
                        "token",
                        "authenticity",
                        "nonce",
                        "__requestverification",
                    ]
                    .iter()
                    .any(|k| n.contains(k))
            });
            if !token {
                let action = f.action.clone().unwrap_or_default();
                let names: Vec<&str> = f.fields.iter().map(|x| x.name.as_str()).collect();
                hits.push(hit(
                    "dast/csrf-token-missing",
                    false,
                    &action,
                    format!("POST form (action `{action}`) without an anti-CSRF token field"),
                    format!(
                        "<form method=\"post\" action=\"{action}\"> fields: {}",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    let sets_session = resp
        .headers_all("set-cookie")
        .any(|c| is_session_cookie(c.split('=').next().unwrap_or("")));
    if (password_form || sets_session)
        && resp.header("cache-control").is_none_or(|v| {
            let v = v.to_ascii_lowercase();
            !v.contains("no-store") && !v.contains("private")
        })
    {
        let why = if password_form {
            "a password form"
        } else {
            "a session cookie"
        };
        hits.push(hit(
            "dast/cacheable-sensitive-response",
            false,
            "",
            format!("response with {why} is cacheable (no Cache-Control: no-store or private)"),
            format!(
                "cache-control: {}",
                resp.header("cache-control").unwrap_or("(absent)")
            ),
        ));
    }
    for l in &page.links {
        url_leaks(l, "link", hits);
    }
}

/// Parses an HTTP response written as text (rule examples and tests).
pub fn parse_example(text: &str) -> Option<Response> {
    let mut url = Url::parse("https://app.example/page").ok()?;
    let mut text = text;
    if let Some(rest) = text.strip_prefix("# url: ") {
        let (u, r) = rest.split_once('\n')?;
        url = Url::parse(u.trim()).ok()?;
        text = r;
    }
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| {
            let (n, v) = l.split_once(':')?;
            Some((n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect();
    Some(Response {
        url,
        status,
        headers,
        body: body.as_bytes().to_vec(),
        truncated: false,
        elapsed: std::time::Duration::ZERO,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fires(example: &str) -> Vec<String> {
        let r = parse_example(example).expect("example parses");
        let page = r.is_html().then(|| crate::html::parse(&r.text()));
        check("GET", &r, page.as_ref())
            .into_iter()
            .map(|f| f.rule.0)
            .collect()
    }

    /// Every passive rule's examples: positives fire, negatives do not.
    #[test]
    fn passive_rule_examples_hold() {
        let mut problems = Vec::new();
        let mut checked = 0;
        for r in crate::rules::rules().expect("rules") {
            let passive = crate::rules::is_passive(&r.id);
            if !passive {
                continue;
            }
            checked += 1;
            for ex in &r.examples {
                if !fires(ex.text()).contains(&r.id) {
                    problems.push(format!("{}: positive example does not fire", r.id));
                }
            }
            for ex in &r.negative_examples {
                if fires(ex.text()).contains(&r.id) {
                    problems.push(format!("{}: negative example fires", r.id));
                }
            }
        }
        assert!(checked >= 30, "{checked}");
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn grades_like_the_observatory() {
        let bad = parse_example("HTTP/1.1 200 OK\ncontent-type: text/html\n\n").expect("ex");
        let g = grade(&bad);
        assert_eq!((g.grade, g.score), ("D", 30));
        let good = parse_example(
            "HTTP/1.1 200 OK\ncontent-type: text/html\ncontent-security-policy: default-src 'none'; frame-ancestors 'none'\nstrict-transport-security: max-age=63072000; includeSubDomains; preload\nx-content-type-options: nosniff\nreferrer-policy: no-referrer\n\n",
        )
        .expect("ex");
        assert_eq!(grade(&good).grade, "A+");
        let mid = parse_example(
            "HTTP/1.1 200 OK\ncontent-type: text/html\nx-frame-options: DENY\nx-content-type-options: nosniff\nstrict-transport-security: max-age=63072000\n\n",
        )
        .expect("ex");
        assert_eq!(grade(&mid).grade, "B");
    }
}
