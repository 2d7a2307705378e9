//! A deliberately vulnerable web application for palisade's DAST tests and benchmark: one
//! endpoint per vulnerability class, each with a safe twin that must never be reported, an
//! OpenAPI-described JSON API and two GraphQL endpoints. Every "vulnerability" is simulated
//! (no shell, no database, no file system access): the endpoints answer the way a vulnerable
//! one would. Listens on 127.0.0.1 only.
#![allow(dead_code, clippy::unwrap_used, clippy::enum_variant_names)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const WEAK_SECRET: &str = "secret";
pub const STRONG_SECRET: &str = "Zq7#vP2m!rT9xK4wL8nB3cF6hJ1dS5gA";

/// Every request the app received: `METHOD path?query`.
#[derive(Default)]
pub struct AppState {
    pub hits: Mutex<Vec<String>>,
    /// The base URL of the "outside" server links and redirects point to.
    pub outside: Mutex<String>,
    sessions: Mutex<HashMap<String, u64>>,
    guestbook: Mutex<Vec<String>>,
    guestbook_safe: Mutex<Vec<String>>,
    counter: AtomicU64,
}

impl AppState {
    pub fn hits(&self) -> Vec<String> {
        self.hits.lock().unwrap().clone()
    }
}

type St = State<Arc<AppState>>;
type Q = Query<HashMap<String, String>>;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(body: &str) -> Response {
    html(StatusCode::OK, body)
}

fn html(status: StatusCode, body: &str) -> Response {
    (
        status,
        [("content-type", "text/html; charset=utf-8")],
        format!("<!doctype html><html><head><title>shop</title></head><body>{body}</body></html>"),
    )
        .into_response()
}

fn q(qs: &HashMap<String, String>, k: &str) -> String {
    qs.get(k).cloned().unwrap_or_default()
}

async fn log(State(s): St, req: Request, next: Next) -> Response {
    let line = format!("{} {}", req.method(), req.uri());
    s.hits.lock().unwrap().push(line);
    next.run(req).await
}

async fn index(State(s): St) -> Response {
    let out = s.outside.lock().unwrap().clone();
    page(&format!(
        r#"
<h1>Shop</h1>
<a href="/jwt/issue">token</a> <a href="/jwt/issue-strong">strong token</a>
<a href="/xss?q=hello">search</a> <a href="/xss-safe?q=hello">search (safe)</a>
<a href="/xss-attr?q=hello">filter</a> <a href="/xss-attr-safe?q=hello">filter (safe)</a>
<a href="/sqli-error?id=1">item</a> <a href="/sqli-error-safe?id=1">item (safe)</a>
<a href="/sqli-bool?id=1">product</a> <a href="/sqli-bool-safe?id=1">product (safe)</a>
<a href="/sqli-time?id=1">stock</a> <a href="/sqli-time-safe?id=1">stock (safe)</a>
<a href="/cmd?host=localhost">ping</a> <a href="/cmd-safe?host=localhost">ping (safe)</a>
<a href="/cmd-time?host=localhost">trace</a> <a href="/cmd-time-safe?host=localhost">trace (safe)</a>
<a href="/file?name=report.txt">report</a> <a href="/file-safe?name=report.txt">report (safe)</a>
<a href="/redirect?next=/">go</a> <a href="/redirect-safe?next=/">go (safe)</a>
<a href="/fetch?url=http://example.invalid/feed">feed</a> <a href="/fetch-safe?url=http://example.invalid/feed">feed (safe)</a>
<a href="/hello?name=world">greet</a> <a href="/hello-safe?name=world">greet (safe)</a>
<a href="/lang?l=en">language</a> <a href="/lang-safe?l=en">language (safe)</a>
<a href="/jwt/none">me (none)</a> <a href="/jwt/noverify">me (noverify)</a> <a href="/jwt/expired">me (exp)</a>
<a href="/jwt/strict">me (strict)</a> <a href="/jwt/strong-me">me (strong)</a>
<a href="/api/cors">cors</a> <a href="/api/cors-safe">cors (safe)</a>
<a href="/graphql-safe">graph</a>
<a href="/guestbook">guestbook</a> <a href="/guestbook-safe">guestbook (safe)</a>
<a href="/passive/bad">bad page</a> <a href="/passive/good">good page</a> <a href="/files/">files</a>
<a href="{out}/leak">partner</a> <a href="/redirect-out">partner redirect</a>
<img src="/img/a.png" srcset="/img/a-2x.png 2x, /img/a-3x.png 3x">
<script src="{out}/track.js"></script>
<script>var api = "/api/orders/1"; fetch('/js-only?page=2');</script>
"#
    ))
}

async fn robots() -> Response {
    (
        StatusCode::OK,
        [("content-type", "text/plain")],
        "User-agent: *\nDisallow: /hidden-admin/\nSitemap: /sitemap.xml\n",
    )
        .into_response()
}

async fn sitemap() -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/xml")],
        "<?xml version=\"1.0\"?><urlset><url><loc>/sitemap-only?page=1</loc></url></urlset>",
    )
        .into_response()
}

async fn plain_ok() -> Response {
    page("<p>ok</p>")
}

// --- XSS ---
async fn xss(Query(qs): Q) -> Response {
    page(&format!("<p>Results for {}</p>", q(&qs, "q")))
}
async fn xss_safe(Query(qs): Q) -> Response {
    page(&format!("<p>Results for {}</p>", esc(&q(&qs, "q"))))
}
async fn xss_attr(Query(qs): Q) -> Response {
    page(&format!(
        "<form><input name=\"q\" value=\"{}\"></form>",
        q(&qs, "q").replace('<', "")
    ))
}
async fn xss_attr_safe(Query(qs): Q) -> Response {
    page(&format!(
        "<form><input name=\"q\" value=\"{}\"></form>",
        esc(&q(&qs, "q"))
    ))
}

// --- SQL injection (simulated) ---
const MYSQL_ERR: &str = "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''' at line 1";

async fn sqli_error(Query(qs): Q) -> Response {
    let id = q(&qs, "id");
    if id.matches('\'').count() % 2 == 1 || id.matches('"').count() % 2 == 1 {
        return html(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("<pre>{MYSQL_ERR}</pre>"),
        );
    }
    page(&format!(
        "<p>item {}</p>",
        if id.trim() == "1" { "Lamp" } else { "none" }
    ))
}
async fn sqli_error_safe(Query(qs): Q) -> Response {
    match q(&qs, "id").parse::<u32>() {
        Ok(1) => page("<p>item Lamp</p>"),
        Ok(_) => page("<p>item none</p>"),
        Err(_) => html(StatusCode::BAD_REQUEST, "<p>invalid id</p>"),
    }
}

/// `WHERE id = <id>` with `AND a=b` conditions evaluated.
fn eval_where(id: &str) -> Option<bool> {
    let lower = id.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(" and ").collect();
    let first = parts[0].trim().parse::<u32>().ok()?;
    let mut ok = first == 1;
    for c in &parts[1..] {
        let (a, b) = c.split_once('=')?;
        ok &= a.trim().trim_matches('\'') == b.trim().trim_matches('\'');
    }
    Some(ok)
}
async fn sqli_bool(Query(qs): Q) -> Response {
    match eval_where(&q(&qs, "id")) {
        Some(true) => page("<h2>Desk lamp</h2><p>Price 20</p><p>In stock</p>"),
        Some(false) => page("<p>No product found.</p>"),
        None => html(StatusCode::INTERNAL_SERVER_ERROR, "<p>Internal error</p>"),
    }
}
async fn sqli_bool_safe(Query(qs): Q) -> Response {
    match q(&qs, "id").parse::<u32>() {
        Ok(1) => page("<h2>Desk lamp</h2><p>Price 20</p><p>In stock</p>"),
        _ => page("<p>No product found.</p>"),
    }
}
fn sleep_secs(s: &str, word: &str) -> Option<u64> {
    let l = s.to_ascii_lowercase();
    let i = l.find(word)?;
    let rest = &l[i + word.len()..];
    let digits: String = rest
        .trim_start_matches(['(', ' '])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().map(|d: u64| d.min(5))
}
async fn sqli_time(Query(qs): Q) -> Response {
    if let Some(d) = sleep_secs(&q(&qs, "id"), "sleep(") {
        tokio::time::sleep(Duration::from_secs(d)).await;
    }
    page("<p>3 in stock</p>")
}
async fn sqli_time_safe(Query(_qs): Q) -> Response {
    page("<p>3 in stock</p>")
}

// --- OS command injection (simulated) ---
fn commands(host: &str) -> Vec<String> {
    host.split([';', '|', '&', '`', '\n'])
        .skip(1)
        .chain(host.split("$(").skip(1))
        .map(|c| c.trim().trim_end_matches(')').trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}
async fn cmd(Query(qs): Q) -> Response {
    let host = q(&qs, "host");
    let mut out = format!(
        "PING {} (127.0.0.1): 56 data bytes\n",
        esc(host.split([';', '|', '&', '`', '$']).next().unwrap_or(""))
    );
    if commands(&host).iter().any(|c| c == "id") {
        out.push_str("uid=33(www-data) gid=33(www-data) groups=33(www-data)\n");
    }
    page(&format!("<pre>{out}</pre>"))
}
async fn cmd_safe(Query(qs): Q) -> Response {
    let host = q(&qs, "host");
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return html(
            StatusCode::BAD_REQUEST,
            &format!("<p>invalid host {}</p>", esc(&host)),
        );
    }
    page(&format!(
        "<pre>PING {host} (127.0.0.1): 56 data bytes</pre>"
    ))
}
async fn cmd_time(Query(qs): Q) -> Response {
    for c in commands(&q(&qs, "host")) {
        if let Some(d) = sleep_secs(&c, "sleep ") {
            tokio::time::sleep(Duration::from_secs(d)).await;
        }
    }
    page("<p>trace queued</p>")
}
async fn cmd_time_safe(Query(_qs): Q) -> Response {
    page("<p>trace queued</p>")
}

// --- Path traversal (simulated file system) ---
const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n";
fn resolve(base: &str, name: &str) -> String {
    let joined = if name.starts_with('/') {
        name.to_owned()
    } else {
        format!("{base}/{name}")
    };
    let mut out: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}
fn read_fake(path: &str) -> Option<&'static str> {
    match path {
        "/etc/passwd" => Some(PASSWD),
        "/var/www/files/report.txt" => Some("Quarterly report: revenue up."),
        _ => None,
    }
}
async fn file(Query(qs): Q) -> Response {
    match read_fake(&resolve("/var/www/files", &q(&qs, "name"))) {
        Some(t) => (StatusCode::OK, [("content-type", "text/plain")], t).into_response(),
        None => html(StatusCode::NOT_FOUND, "<p>no such file</p>"),
    }
}
async fn file_safe(Query(qs): Q) -> Response {
    let name = q(&qs, "name");
    if name.contains('/') || name.contains('\\') || name.contains("..") {
        return html(StatusCode::BAD_REQUEST, "<p>bad name</p>");
    }
    match read_fake(&format!("/var/www/files/{name}")) {
        Some(t) => (StatusCode::OK, [("content-type", "text/plain")], t).into_response(),
        None => html(StatusCode::NOT_FOUND, "<p>no such file</p>"),
    }
}

// --- Open redirect ---
fn redirect_to(loc: &str) -> Response {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(loc) {
        h.insert("location", v);
    }
    (StatusCode::FOUND, h, "").into_response()
}
async fn redirect(Query(qs): Q) -> Response {
    redirect_to(&q(&qs, "next"))
}
async fn redirect_safe(Query(qs): Q) -> Response {
    let n = q(&qs, "next");
    if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') {
        redirect_to(&n)
    } else {
        redirect_to("/")
    }
}
async fn redirect_out(State(s): St) -> Response {
    let out = s.outside.lock().unwrap().clone();
    redirect_to(&format!("{out}/redirected"))
}

// --- SSRF ---
async fn http_get(url: &str) -> Option<usize> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://")?;
    let (hostport, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut s = tokio::time::timeout(
        Duration::from_secs(2),
        tokio::net::TcpStream::connect(hostport),
    )
    .await
    .ok()?
    .ok()?;
    s.write_all(format!("GET /{path} HTTP/1.0\r\nHost: {hostport}\r\n\r\n").as_bytes())
        .await
        .ok()?;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut buf)).await;
    Some(buf.len())
}
async fn fetch(Query(qs): Q) -> Response {
    let u = q(&qs, "url");
    match http_get(&u).await {
        Some(n) => page(&format!("<p>fetched {n} bytes</p>")),
        None => page("<p>could not fetch the feed</p>"),
    }
}
async fn fetch_safe(Query(qs): Q) -> Response {
    let u = q(&qs, "url");
    if !u.starts_with("http://example.invalid/") {
        return html(StatusCode::BAD_REQUEST, "<p>host not allowed</p>");
    }
    page("<p>could not fetch the feed</p>")
}

// --- SSTI ---
fn render(t: &str) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find("{{") {
        out.push_str(&esc(&rest[..i]));
        let Some(j) = rest[i..].find("}}") else {
            out.push_str(&esc(&rest[i..]));
            return out;
        };
        let expr = rest[i + 2..i + j].trim();
        let val = expr
            .split_once('*')
            .and_then(|(a, b)| Some(a.trim().parse::<i64>().ok()? * b.trim().parse::<i64>().ok()?));
        out.push_str(&val.map_or_else(|| esc(expr), |v| v.to_string()));
        rest = &rest[i + j + 2..];
    }
    out.push_str(&esc(rest));
    out
}
async fn hello(Query(qs): Q) -> Response {
    page(&format!("<p>Hello {}</p>", render(&q(&qs, "name"))))
}
async fn hello_safe(Query(qs): Q) -> Response {
    page(&format!("<p>Hello {}</p>", esc(&q(&qs, "name"))))
}

// --- CRLF ---
async fn lang(Query(qs): Q) -> Response {
    let l = q(&qs, "l");
    let mut lines = l.split("\r\n");
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(lines.next().unwrap_or("")) {
        h.insert("content-language", v);
    }
    for extra in lines {
        if let Some((n, v)) = extra.split_once(':')
            && let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(n.trim().as_bytes()),
                HeaderValue::from_str(v.trim()),
            )
        {
            h.insert(n, v);
        }
    }
    (
        StatusCode::OK,
        h,
        [("content-type", "text/html")],
        "<p>language set</p>",
    )
        .into_response()
}
async fn lang_safe(Query(qs): Q) -> Response {
    let l: String = q(&qs, "l")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&l) {
        h.insert("content-language", v);
    }
    (
        StatusCode::OK,
        h,
        [("content-type", "text/html")],
        "<p>language set</p>",
    )
        .into_response()
}

// --- JWT ---
fn sign(claims: &str, secret: &str) -> String {
    let input = format!(
        "{}.{}",
        B64.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        B64.encode(claims)
    );
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(input.as_bytes());
    format!("{input}.{}", B64.encode(m.finalize().into_bytes()))
}
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let c = headers.get("cookie")?.to_str().ok()?;
    c.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}
#[derive(Clone, Copy, PartialEq)]
enum Verify {
    Strict,
    AcceptNone,
    NoVerify,
    IgnoreExp,
}
fn verify(token: &str, secret: &str, mode: Verify) -> Option<String> {
    let mut it = token.split('.');
    let (h, c, s) = (it.next()?, it.next()?, it.next().unwrap_or(""));
    let header: serde_json::Value = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&B64.decode(c).ok()?).ok()?;
    let alg = header.get("alg")?.as_str()?;
    let sig_ok = || {
        let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        m.update(format!("{h}.{c}").as_bytes());
        B64.decode(s)
            .ok()
            .is_some_and(|sig| m.verify_slice(&sig).is_ok())
    };
    let ok = match (mode, alg) {
        (Verify::NoVerify, _) => true,
        (Verify::AcceptNone, "none") => true,
        (_, "HS256") => sig_ok(),
        _ => false,
    };
    if !ok {
        return None;
    }
    let exp = claims
        .get("exp")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if mode != Verify::IgnoreExp && exp < now() {
        return None;
    }
    claims
        .get("sub")
        .and_then(|s| s.as_str())
        .map(str::to_owned)
}
fn me(headers: &HeaderMap, name: &str, secret: &str, mode: Verify) -> Response {
    match cookie(headers, name).and_then(|t| verify(&t, secret, mode)) {
        Some(sub) => page(&format!("<p>Signed in as {}</p>", esc(&sub))),
        None => html(StatusCode::UNAUTHORIZED, "<p>sign in first</p>"),
    }
}
async fn jwt_issue() -> Response {
    let t = sign(
        &format!(r#"{{"sub":"alice","exp":{}}}"#, now() + 3600),
        WEAK_SECRET,
    );
    (
        StatusCode::OK,
        [
            (
                "set-cookie",
                format!("jwt={t}; Path=/; HttpOnly; SameSite=Lax"),
            ),
            ("content-type", "text/html".into()),
        ],
        "<p>token issued</p>",
    )
        .into_response()
}
async fn jwt_issue_strong() -> Response {
    let t = sign(
        &format!(r#"{{"sub":"alice","exp":{}}}"#, now() + 3600),
        STRONG_SECRET,
    );
    (
        StatusCode::OK,
        [
            (
                "set-cookie",
                format!("jwt_strong={t}; Path=/; HttpOnly; SameSite=Lax"),
            ),
            ("content-type", "text/html".into()),
        ],
        "<p>token issued</p>",
    )
        .into_response()
}
async fn jwt_none(h: HeaderMap) -> Response {
    me(&h, "jwt", WEAK_SECRET, Verify::AcceptNone)
}
async fn jwt_noverify(h: HeaderMap) -> Response {
    me(&h, "jwt", WEAK_SECRET, Verify::NoVerify)
}
async fn jwt_expired(h: HeaderMap) -> Response {
    me(&h, "jwt", WEAK_SECRET, Verify::IgnoreExp)
}
async fn jwt_strict(h: HeaderMap) -> Response {
    me(&h, "jwt", WEAK_SECRET, Verify::Strict)
}
async fn jwt_strong_me(h: HeaderMap) -> Response {
    me(&h, "jwt_strong", STRONG_SECRET, Verify::Strict)
}

// --- CORS ---
async fn cors(h: HeaderMap) -> Response {
    let mut out = HeaderMap::new();
    if let Some(o) = h.get("origin") {
        out.insert("access-control-allow-origin", o.clone());
        out.insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
    }
    (
        StatusCode::OK,
        out,
        [("content-type", "application/json")],
        r#"{"balance":42}"#,
    )
        .into_response()
}
async fn cors_safe(h: HeaderMap) -> Response {
    let mut out = HeaderMap::new();
    if h.get("origin").is_some_and(|o| o == "https://app.example") {
        out.insert(
            "access-control-allow-origin",
            HeaderValue::from_static("https://app.example"),
        );
        out.insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
    }
    (
        StatusCode::OK,
        out,
        [("content-type", "application/json")],
        r#"{"balance":42}"#,
    )
        .into_response()
}

// --- Sessions, BOLA, login ---
fn user_of(s: &AppState, headers: &HeaderMap) -> Option<String> {
    let sid = cookie(headers, "sid")?;
    match sid.as_str() {
        "alice" | "bob" => Some(sid),
        _ => {
            // Sessions from the login form expire after 3 uses (session-loss tests).
            let mut sessions = s.sessions.lock().unwrap();
            let uses = sessions.get_mut(&sid)?;
            *uses += 1;
            (*uses <= 3).then(|| "alice".to_owned())
        }
    }
}
const ORDERS: &[(u32, &str, &str)] = &[(1, "alice", "2x desk lamp"), (2, "bob", "1x chair")];
async fn orders(State(s): St, Path(id): Path<u32>, h: HeaderMap) -> Response {
    let Some(_user) = user_of(&s, &h) else {
        return json(StatusCode::UNAUTHORIZED, r#"{"error":"sign in"}"#.into());
    };
    match ORDERS.iter().find(|o| o.0 == id) {
        Some(o) => json(
            StatusCode::OK,
            format!(r#"{{"id":{},"owner":"{}","items":"{}"}}"#, o.0, o.1, o.2),
        ),
        None => json(StatusCode::NOT_FOUND, r#"{"error":"no such order"}"#.into()),
    }
}
async fn secure_orders(State(s): St, Path(id): Path<u32>, h: HeaderMap) -> Response {
    let Some(user) = user_of(&s, &h) else {
        return json(StatusCode::UNAUTHORIZED, r#"{"error":"sign in"}"#.into());
    };
    match ORDERS.iter().find(|o| o.0 == id) {
        Some(o) if o.1 == user => json(
            StatusCode::OK,
            format!(r#"{{"id":{},"owner":"{}","items":"{}"}}"#, o.0, o.1, o.2),
        ),
        Some(_) => json(StatusCode::FORBIDDEN, r#"{"error":"not yours"}"#.into()),
        None => json(StatusCode::NOT_FOUND, r#"{"error":"no such order"}"#.into()),
    }
}
fn json(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}
async fn login_form() -> Response {
    page(
        r#"<form method="post" action="/login"><input type="hidden" name="csrf_token" value="x"><input name="user"><input type="password" name="pass"></form>"#,
    )
}
async fn login(State(s): St, body: String) -> Response {
    let ok = body.contains("user=alice") && body.contains("pass=wonderland");
    if !ok {
        return html(StatusCode::UNAUTHORIZED, "<p>wrong password</p>");
    }
    let sid = format!("alice-{}", s.counter.fetch_add(1, Ordering::Relaxed));
    s.sessions.lock().unwrap().insert(sid.clone(), 0);
    (
        StatusCode::FOUND,
        [
            (
                "set-cookie",
                format!("sid={sid}; Path=/; HttpOnly; SameSite=Lax"),
            ),
            ("location", "/account".into()),
        ],
        "",
    )
        .into_response()
}
async fn account(State(s): St, h: HeaderMap) -> Response {
    match user_of(&s, &h) {
        Some(u) => page(&format!(
            "<p>Account of {u}</p><a href=\"/account/orders?page=1\">orders</a><a href=\"/account/settings\">settings</a><a href=\"/account/history?page=1\">history</a>"
        )),
        None => redirect_to("/login"),
    }
}

// --- OpenAPI-described JSON API ---
async fn api_search(Query(qs): Q) -> Response {
    let s = q(&qs, "q");
    if s.matches('\'').count() % 2 == 1 {
        return json(StatusCode::INTERNAL_SERVER_ERROR, r#"{"error":"SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax"}"#.into());
    }
    json(StatusCode::OK, r#"{"results":[]}"#.into())
}
async fn api_search_safe(Query(qs): Q) -> Response {
    json(
        StatusCode::OK,
        serde_json::json!({"query": q(&qs, "q"), "results": []}).to_string(),
    )
}
async fn api_import(body: String) -> Response {
    if body.contains("<!ENTITY")
        && body.contains("SYSTEM \"file:///etc/passwd\"")
        && body.contains('&')
    {
        return (
            StatusCode::OK,
            [("content-type", "text/plain")],
            format!("imported: {PASSWD}"),
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [("content-type", "text/plain")],
        "imported: 1 record",
    )
        .into_response()
}
async fn api_import_safe(body: String) -> Response {
    if body.contains("<!DOCTYPE") {
        return (
            StatusCode::BAD_REQUEST,
            [("content-type", "text/plain")],
            "DTDs are not allowed",
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [("content-type", "text/plain")],
        "imported: 1 record",
    )
        .into_response()
}
async fn api_preview(body: String) -> Response {
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let t = v.get("template").and_then(|t| t.as_str()).unwrap_or("");
    json(
        StatusCode::OK,
        serde_json::json!({"html": render(t)}).to_string(),
    )
}
async fn api_preview_safe(body: String) -> Response {
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let t = v.get("template").and_then(|t| t.as_str()).unwrap_or("");
    json(
        StatusCode::OK,
        serde_json::json!({"html": esc(t)}).to_string(),
    )
}
async fn openapi() -> Response {
    json(StatusCode::OK, OPENAPI.into())
}
pub const OPENAPI: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "shop API", "version": "1"},
  "servers": [{"url": "/api"}],
  "paths": {
    "/orders/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}]}},
    "/secure-orders/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}]}},
    "/search": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "example": "lamp"}}]}},
    "/search-safe": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "example": "lamp"}}]}},
    "/import": {"post": {"requestBody": {"content": {"application/xml": {"example": "<?xml version=\"1.0\"?><data><value>1</value></data>"}}}}},
    "/import-safe": {"post": {"requestBody": {"content": {"application/xml": {"example": "<?xml version=\"1.0\"?><data><value>1</value></data>"}}}}},
    "/preview": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Preview"}}}}}},
    "/preview-safe": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Preview"}}}}}}
  },
  "components": {"schemas": {"Preview": {"type": "object", "properties": {"template": {"type": "string", "example": "Dear customer"}}}}}
}"##;

// --- GraphQL (simulated) ---
const SCHEMA: &str = r#"{"data":{"__schema":{"queryType":{"name":"Query"},"types":[
 {"kind":"OBJECT","name":"Query","fields":[{"name":"user","type":{"kind":"OBJECT","name":"User","ofType":null}}]},
 {"kind":"OBJECT","name":"User","fields":[{"name":"name","type":{"kind":"SCALAR","name":"String","ofType":null}},{"name":"friends","type":{"kind":"LIST","name":null,"ofType":{"kind":"OBJECT","name":"User","ofType":null}}}]},
 {"kind":"SCALAR","name":"String","fields":null}]}}}"#;

fn gql_one(q: &str, safe: bool) -> serde_json::Value {
    use serde_json::json;
    if q.contains("__schema") {
        return if safe {
            json!({"errors":[{"message":"introspection is disabled"}]})
        } else {
            serde_json::from_str(SCHEMA).unwrap()
        };
    }
    let depth = q.chars().filter(|c| *c == '{').count();
    if safe && depth > 5 {
        return json!({"errors":[{"message":"query is too deep"}]});
    }
    let words: Vec<&str> = q
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty() && *w != "query")
        .collect();
    for w in &words {
        if !["user", "name", "friends", "__typename"].contains(w) {
            let msg = if safe {
                format!("Cannot query field \"{w}\" on type \"Query\".")
            } else {
                format!("Cannot query field \"{w}\" on type \"Query\". Did you mean \"user\"?")
            };
            return json!({"errors":[{"message": msg}]});
        }
    }
    if words == ["__typename"] {
        return json!({"data":{"__typename":"Query"}});
    }
    json!({"data":{"user":{"name":"alice","friends":[]}}})
}
async fn graphql_handler(body: Bytes, safe: bool) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return json(
            StatusCode::BAD_REQUEST,
            r#"{"errors":[{"message":"bad request"}]}"#.into(),
        );
    };
    if let Some(a) = v.as_array() {
        if safe {
            return json(
                StatusCode::BAD_REQUEST,
                r#"{"errors":[{"message":"batching is disabled"}]}"#.into(),
            );
        }
        let out: Vec<serde_json::Value> = a
            .iter()
            .map(|x| gql_one(x.get("query").and_then(|q| q.as_str()).unwrap_or(""), false))
            .collect();
        return json(StatusCode::OK, serde_json::Value::Array(out).to_string());
    }
    let q = v.get("query").and_then(|q| q.as_str()).unwrap_or("");
    json(StatusCode::OK, gql_one(q, safe).to_string())
}
async fn graphql(body: Bytes) -> Response {
    graphql_handler(body, false).await
}
async fn graphql_safe(body: Bytes) -> Response {
    graphql_handler(body, true).await
}
async fn graphql_get() -> Response {
    page("<p>GraphQL endpoint: POST a query.</p>")
}

// --- Stored XSS ---
fn guestbook_page(entries: &[String], action: &str, raw: bool) -> Response {
    let items: String = entries
        .iter()
        .rev()
        .take(50)
        .map(|e| format!("<li>{}</li>", if raw { e.clone() } else { esc(e) }))
        .collect();
    page(&format!(
        "<ul>{items}</ul><form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf_token\" value=\"t\"><textarea name=\"comment\"></textarea></form>"
    ))
}
fn comment_of(body: &str) -> String {
    url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "comment")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
async fn guestbook(State(s): St) -> Response {
    guestbook_page(&s.guestbook.lock().unwrap(), "/guestbook", true)
}
async fn guestbook_post(State(s): St, body: String) -> Response {
    s.guestbook.lock().unwrap().push(comment_of(&body));
    redirect_to("/guestbook")
}
async fn guestbook_safe(State(s): St) -> Response {
    guestbook_page(&s.guestbook_safe.lock().unwrap(), "/guestbook-safe", false)
}
async fn guestbook_safe_post(State(s): St, body: String) -> Response {
    s.guestbook_safe.lock().unwrap().push(comment_of(&body));
    redirect_to("/guestbook-safe")
}

// --- Passive: a bad page and its clean twin ---
async fn passive_bad() -> Response {
    let body = r#"<!doctype html><html><head><title>bad</title><script src="https://cdn.example.net/lib.js"></script></head><body>
<!-- TODO: remove the debug password before release -->
<p>Served by backend 10.20.30.40</p>
<form method="post" action="/passive/transfer"><input name="amount"></form>
<a href="https://other.example/" target="_blank">partner</a>
<a href="/passive/dl?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl">download</a>
<a href="/passive/cart;jsessionid=0A1B2C3D4E5F60718293">cart</a>
<a href="/passive/error">error</a>
</body></html>"#;
    (
        StatusCode::OK,
        [
            ("content-type", "text/html"),
            ("set-cookie", "sessionid=abc123def; Path=/"),
            ("x-powered-by", "Express/4.17.1"),
        ],
        body,
    )
        .into_response()
}
async fn passive_good() -> Response {
    let body = r#"<!doctype html><html><head><title>good</title><script src="https://cdn.example.net/lib.js" integrity="sha384-abc" crossorigin="anonymous"></script></head><body>
<p>Welcome</p>
<form method="post" action="/passive/transfer"><input type="hidden" name="csrf_token" value="t0k3n"><input name="amount"></form>
<a href="https://other.example/" target="_blank" rel="noopener noreferrer">partner</a>
</body></html>"#;
    (
        StatusCode::OK,
        [
            ("content-type", "text/html"),
            (
                "set-cookie",
                "__Host-sid=abc123def; Path=/; Secure; HttpOnly; SameSite=Strict",
            ),
            ("cache-control", "no-store"),
        ],
        body,
    )
        .into_response()
}
async fn passive_error() -> Response {
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "<pre>Traceback (most recent call last):\n  File \"/srv/app/views.py\", line 42, in transfer\nKeyError: 'amount'</pre>",
    )
}
async fn files_listing() -> Response {
    (StatusCode::OK, [("content-type", "text/html")], "<html><head><title>Index of /files/</title></head><body><h1>Index of /files/</h1><pre><a href=\"../\">../</a>\n<a href=\"report.txt\">report.txt</a></pre></body></html>").into_response()
}

// --- Sensitive files, soft 404 ---
async fn git_head() -> Response {
    (
        StatusCode::OK,
        [("content-type", "text/plain")],
        "ref: refs/heads/main\n",
    )
        .into_response()
}
async fn dotenv() -> Response {
    (
        StatusCode::OK,
        [("content-type", "text/plain")],
        "DB_HOST=db\nDB_PASSWORD=hunter2\nAPP_KEY=base64:abc\n",
    )
        .into_response()
}
async fn soft404() -> Response {
    page("<h1>Page not found</h1><p>Try the <a href=\"/\">home page</a>.</p>")
}

/// The router; `hostile` adds the bad-input endpoints (huge, slow, binary, loops, malformed).
pub fn router(state: Arc<AppState>, hostile: bool) -> Router {
    let mut r = Router::new()
        .route("/", get(index))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
        .route("/hidden-admin/", get(plain_ok))
        .route("/sitemap-only", get(plain_ok))
        .route("/js-only", get(plain_ok))
        .route("/xss", get(xss))
        .route("/xss-safe", get(xss_safe))
        .route("/xss-attr", get(xss_attr))
        .route("/xss-attr-safe", get(xss_attr_safe))
        .route("/sqli-error", get(sqli_error))
        .route("/sqli-error-safe", get(sqli_error_safe))
        .route("/sqli-bool", get(sqli_bool))
        .route("/sqli-bool-safe", get(sqli_bool_safe))
        .route("/sqli-time", get(sqli_time))
        .route("/sqli-time-safe", get(sqli_time_safe))
        .route("/cmd", get(cmd))
        .route("/cmd-safe", get(cmd_safe))
        .route("/cmd-time", get(cmd_time))
        .route("/cmd-time-safe", get(cmd_time_safe))
        .route("/file", get(file))
        .route("/file-safe", get(file_safe))
        .route("/redirect", get(redirect))
        .route("/redirect-safe", get(redirect_safe))
        .route("/redirect-out", get(redirect_out))
        .route("/fetch", get(fetch))
        .route("/fetch-safe", get(fetch_safe))
        .route("/hello", get(hello))
        .route("/hello-safe", get(hello_safe))
        .route("/lang", get(lang))
        .route("/lang-safe", get(lang_safe))
        .route("/jwt/issue", get(jwt_issue))
        .route("/jwt/issue-strong", get(jwt_issue_strong))
        .route("/jwt/none", get(jwt_none))
        .route("/jwt/noverify", get(jwt_noverify))
        .route("/jwt/expired", get(jwt_expired))
        .route("/jwt/strict", get(jwt_strict))
        .route("/jwt/strong-me", get(jwt_strong_me))
        .route("/api/cors", get(cors))
        .route("/api/cors-safe", get(cors_safe))
        .route("/api/orders/{id}", get(orders))
        .route("/api/secure-orders/{id}", get(secure_orders))
        .route("/api/search", get(api_search))
        .route("/api/search-safe", get(api_search_safe))
        .route("/api/import", post(api_import))
        .route("/api/import-safe", post(api_import_safe))
        .route("/api/preview", post(api_preview))
        .route("/api/preview-safe", post(api_preview_safe))
        .route("/openapi.json", get(openapi))
        .route("/graphql", post(graphql).get(graphql_get))
        .route("/graphql-safe", post(graphql_safe).get(graphql_get))
        .route("/login", get(login_form).post(login))
        .route("/guestbook", get(guestbook).post(guestbook_post))
        .route(
            "/guestbook-safe",
            get(guestbook_safe).post(guestbook_safe_post),
        )
        .route("/account", get(account))
        .route("/account/{*rest}", get(account))
        .route("/passive/bad", get(passive_bad))
        .route("/passive/good", get(passive_good))
        .route("/passive/error", get(passive_error))
        .route("/passive/transfer", any(plain_ok))
        .route("/files/", get(files_listing))
        .route("/.git/HEAD", get(git_head))
        .route("/.env", get(dotenv))
        .fallback(soft404);
    if hostile {
        r = r
            .route("/hostile", get(hostile_index))
            .route("/huge", get(huge))
            .route("/slow", get(slow))
            .route("/binary", get(binary))
            .route("/loop/a", get(|| async { redirect_to("/loop/b") }))
            .route("/loop/b", get(|| async { redirect_to("/loop/a") }))
            .route("/loop/n", get(loop_n))
            .route("/malformed", get(malformed))
            .route("/malformed-target", get(plain_ok))
            .route(
                "/bad-openapi.json",
                get(|| async {
                    json(
                        StatusCode::OK,
                        "{\"openapi\": \"3.0.0\", \"paths\": ".into(),
                    )
                }),
            );
    }
    r.layer(axum::middleware::from_fn_with_state(state.clone(), log))
        .with_state(state)
}

async fn hostile_index() -> Response {
    page(
        r#"<a href="/huge">huge</a> <a href="/slow">slow</a> <a href="/binary">binary</a> <a href="/loop/a">loop</a> <a href="/loop/n?i=1">counter</a> <a href="/malformed">malformed</a>"#,
    )
}
async fn huge() -> Response {
    let chunk = "<p>".to_owned() + &"A".repeat(1 << 20) + "</p>";
    let stream = futures_util::stream::iter(
        (0..40).map(move |_| Ok::<_, std::io::Error>(Bytes::from(chunk.clone()))),
    );
    (
        StatusCode::OK,
        [("content-type", "text/html")],
        Body::from_stream(stream),
    )
        .into_response()
}
async fn slow() -> Response {
    let stream = futures_util::stream::unfold(0u32, |i| async move {
        if i > 600 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        Some((
            Ok::<_, std::io::Error>(Bytes::from_static(b"<p>.</p>")),
            i + 1,
        ))
    });
    (
        StatusCode::OK,
        [("content-type", "text/html")],
        Body::from_stream(stream),
    )
        .into_response()
}
async fn binary() -> Response {
    let bytes: Vec<u8> = (0..65536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    (
        StatusCode::OK,
        [("content-type", "application/octet-stream")],
        bytes,
    )
        .into_response()
}
async fn loop_n(Query(qs): Q) -> Response {
    let i: u64 = q(&qs, "i").parse().unwrap_or(0);
    redirect_to(&format!("/loop/n?i={}", i + 1))
}
async fn malformed() -> Response {
    (StatusCode::OK, [("content-type", "text/html")], "<html><body><div><table><tr><td><a href=/malformed-target>x</a <b><i></div></table><script>var a = '<a href=\"</scr' + 'ipt>").into_response()
}

/// Starts the app on 127.0.0.1 (port 0 = any free port) and returns its address.
pub async fn serve(state: Arc<AppState>, hostile: bool, port: u16) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(state, hostile);
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    addr
}

/// A server that counts every request: the "outside" of the scope.
pub async fn serve_outside(hits: Arc<AtomicU64>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(move || {
        let hits = hits.clone();
        async move {
            hits.fetch_add(1, Ordering::Relaxed);
            "outside"
        }
    });
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    addr
}
