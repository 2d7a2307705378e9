//! The dashboard's pages: overview, findings (filters, bulk triage), a finding, a rule's
//! learn page, my findings, the dependency inventory, login and administration.

use std::collections::HashMap;
use std::fmt::Write;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use palisade_store::{
    Filter, Lifecycle, Role, Severity, Store, StoredFinding, Target, TriageState, time,
};
use serde::Deserialize;

use crate::App;
use crate::api::now;
use crate::html::{SEVERITIES, esc, page, sev_badge, trend_svg, url_enc};
use crate::security::{
    Session, Viewer, check_csrf, clear_cookie, client_ip, ct_eq, same_origin, session_cookie,
    session_id, too_many,
};

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

pub(crate) fn routes() -> Router<App> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/login", get(login_page).post(login_token))
        .route("/login/oidc", get(login_oidc))
        .route("/auth/callback", get(oidc_callback))
        .route("/logout", post(logout))
        .route("/", get(overview))
        .route("/findings", get(findings))
        .route("/findings/triage", post(triage))
        .route("/finding", get(finding))
        .route("/rules/{*id}", get(rule_page))
        .route("/me", get(my_findings))
        .route("/deps", get(deps))
        .route("/admin", get(admin))
        .route("/admin/tokens", post(admin_token_create))
        .route("/admin/tokens/revoke", post(admin_token_revoke))
        .route("/admin/users", post(admin_user))
}

fn asset(body: &'static str, ctype: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

/// The form fields of a urlencoded body (repeated names kept in order).
fn form(body: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .take(10_000)
        .collect()
}

fn field<'a>(f: &'a [(String, String)], name: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn safe_return_to(s: Option<&str>) -> String {
    match s {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The projects a person may see: all (None) for admin and appsec, their own for developers.
async fn scope(app: &App, s: &Session) -> Result<Option<Vec<String>>, Response> {
    if s.role != Role::Developer {
        return Ok(None);
    }
    let subject = s.subject.clone();
    app.pool
        .run(move |st: &mut Store| st.member_projects(&subject))
        .await
        .map(Some)
        .map_err(IntoResponse::into_response)
}

// ---------------------------------------------------------------------------------------
// Login

#[derive(Deserialize)]
struct LoginQuery {
    return_to: Option<String>,
    error: Option<String>,
}

async fn login_page(State(app): State<App>, Query(q): Query<LoginQuery>) -> Response {
    let back = safe_return_to(q.return_to.as_deref());
    let mut b = String::from("<section class=\"login\"><h1>Log in</h1>");
    if let Some(e) = &q.error {
        let _ = write!(b, "<p class=\"error\">{}</p>", esc(e));
    }
    if app.oidc.is_some() {
        let _ = write!(
            b,
            "<p><a class=\"button\" id=\"oidc-login\" href=\"/login/oidc?return_to={}\">Log in with single sign-on</a></p>",
            url_enc(&back)
        );
    }
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"return_to\" value=\"{}\"><label>Admin token <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\" required></label> <button type=\"submit\" id=\"token-login\">Log in</button></form><p class=\"small\">The admin token is printed by <code>palisade serve</code> at start (or set with <code>--admin-token</code> / <code>PALISADE_ADMIN_TOKEN</code>).</p></section>",
        esc(&back)
    );
    page("Log in", None, &b)
}

fn start_session(app: &App, s: Session, to: &str) -> Response {
    let id = app.sessions.start(s);
    let mut r = Redirect::to(to).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(app.tls, &id));
    r
}

async fn login_token(State(app): State<App>, req: Request) -> Response {
    let ip = client_ip(&req);
    if !app.login_limit.allow(&ip) {
        return too_many();
    }
    if !same_origin(&app, req.headers()) {
        return (StatusCode::FORBIDDEN, "cross-origin request refused\n").into_response();
    }
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), 16 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large\n").into_response();
    };
    let f = form(&String::from_utf8_lossy(&bytes));
    let back = safe_return_to(field(&f, "return_to"));
    let ok = field(&f, "token").is_some_and(|t| ct_eq(t, &app.admin_token));
    if !ok {
        return Redirect::to(&format!(
            "/login?error={}&return_to={}",
            url_enc("That is not the admin token."),
            url_enc(&back)
        ))
        .into_response();
    }
    start_session(
        &app,
        Session {
            subject: "local:admin".into(),
            display: "admin".into(),
            role: Role::Admin,
            csrf: crate::random_token(),
            // "My findings" of the bootstrap admin: what is assigned to `admin`.
            owner: Some("admin".into()),
        },
        &back,
    )
}

async fn login_oidc(State(app): State<App>, Query(q): Query<LoginQuery>, req: Request) -> Response {
    let ip = client_ip(&req);
    if !app.login_limit.allow(&ip) {
        return too_many();
    }
    let Some(client) = &app.oidc else {
        return (StatusCode::NOT_FOUND, "single sign-on is not configured\n").into_response();
    };
    let back = safe_return_to(q.return_to.as_deref());
    let authz = match client.authorize().await {
        Ok(a) => a,
        Err(e) => {
            return (
                StatusCode::BAD_GATEWAY,
                format!("the identity provider failed: {e}\n"),
            )
                .into_response();
        }
    };
    let id = app.sessions.start_pending(authz.pending);
    let mut r = Redirect::to(authz.url.as_str()).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(app.tls, &id));
    // Where to go after the callback: kept in a short-lived cookie of its own.
    if let Ok(v) = HeaderValue::from_str(&format!(
        "palisade-return={}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=600",
        url_enc(&back)
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

async fn oidc_callback(State(app): State<App>, headers: HeaderMap, req: Request) -> Response {
    let Some(client) = &app.oidc else {
        return (StatusCode::NOT_FOUND, "single sign-on is not configured\n").into_response();
    };
    let query = req.uri().query().unwrap_or("").to_owned();
    let Some(pending) = session_id(app.tls, &headers).and_then(|id| app.sessions.take_pending(&id))
    else {
        return (
            StatusCode::BAD_REQUEST,
            "no login in progress; start again at /login\n",
        )
            .into_response();
    };
    let validated = match client.validate_callback_query(pending, &query) {
        Ok(v) => v,
        Err(e) => {
            return (StatusCode::BAD_REQUEST, format!("login refused: {e}\n")).into_response();
        }
    };
    let tokens = match client.exchange(validated).await {
        Ok(t) => t,
        Err(e) => {
            return (
                StatusCode::BAD_GATEWAY,
                format!("the identity provider failed: {e}\n"),
            )
                .into_response();
        }
    };
    let Some(claims) = tokens.id_claims.as_ref() else {
        return (StatusCode::BAD_GATEWAY, "no ID token in the answer\n").into_response();
    };
    let sub = claims.sub.clone().unwrap_or_default();
    if sub.is_empty() {
        return (StatusCode::BAD_GATEWAY, "the ID token has no subject\n").into_response();
    }
    let subject = format!("{}|{sub}", client.issuer());
    let info = client.userinfo(&tokens).await.ok();
    let email = info
        .as_ref()
        .and_then(|u| u.claims.get("email"))
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let default_role = app
        .config
        .oidc
        .as_ref()
        .and_then(|o| o.default_role.as_deref())
        .and_then(Role::parse)
        .unwrap_or(Role::Developer);
    let em = email.clone();
    let subj = subject.clone();
    let user = match app
        .pool
        .run(move |s: &mut Store| s.login_user(&subj, em.as_deref(), None, default_role, now()))
        .await
    {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let back = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("palisade-return=").map(str::to_owned))
        .map(|v| {
            url::form_urlencoded::parse(format!("v={v}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        });
    let back = safe_return_to(back.as_deref());
    start_session(
        &app,
        Session {
            display: email.clone().unwrap_or_else(|| sub.clone()),
            subject,
            role: user.role,
            csrf: crate::random_token(),
            owner: user.owner_handle.or(email),
        },
        &back,
    )
}

async fn logout(
    State(app): State<App>,
    Viewer(s): Viewer,
    headers: HeaderMap,
    body: String,
) -> Response {
    let f = form(&body);
    if let Some(r) = check_csrf(&app, &headers, &s, field(&f, "csrf").unwrap_or("")) {
        return r;
    }
    if let Some(id) = session_id(app.tls, &headers) {
        app.sessions.end(&id);
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, clear_cookie(app.tls));
    r
}

// ---------------------------------------------------------------------------------------
// Overview

async fn overview(State(app): State<App>, Viewer(s): Viewer) -> Response {
    let within = match scope(&app, &s).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let sla = app.config.sla;
    let res = app
        .pool
        .run(move |st: &mut Store| {
            let list = st.overview(&sla, now(), within.as_deref())?;
            // The trend: the sum over projects of each day's last scan per project branch.
            let mut days: std::collections::BTreeMap<String, HashMap<String, [u64; 5]>> =
                std::collections::BTreeMap::new();
            for p in &list {
                let Some(last) = st.scans(Some(&p.name), 1)?.into_iter().next() else {
                    continue;
                };
                for t in st.trend(&p.name, &last.branch, 200)? {
                    days.entry(time::format_date(t.time))
                        .or_default()
                        .insert(p.name.clone(), t.counts);
                }
            }
            // Carry each project's last known counts forward across days.
            let mut current: HashMap<String, [u64; 5]> = HashMap::new();
            let mut points = Vec::new();
            for (day, per) in days {
                current.extend(per);
                let mut sum = [0u64; 5];
                for c in current.values() {
                    for i in 0..5 {
                        sum[i] += c[i];
                    }
                }
                points.push((day, sum));
            }
            Ok((list, points))
        })
        .await;
    let (list, points) = match res {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let mut b = String::from("<h1>Projects</h1>");
    let mut totals = [0u64; 5];
    let mut overdue = 0;
    for p in &list {
        for (t, n) in totals.iter_mut().zip(p.open) {
            *t += n;
        }
        overdue += p.overdue;
    }
    b.push_str("<div class=\"cards\">");
    for i in (0..5).rev() {
        let _ = write!(
            b,
            "<a class=\"card\" href=\"/findings?severity={}\"><span class=\"n s{i}\">{}</span><span>{}</span></a>",
            SEVERITIES[i], totals[i], SEVERITIES[i]
        );
    }
    let _ = write!(
        b,
        "<a class=\"card\" href=\"/findings?overdue=1\" id=\"overdue-card\"><span class=\"n s4\">{overdue}</span><span>past SLA</span></a></div>"
    );
    b.push_str("<h2>Open findings over time</h2>");
    b.push_str(&trend_svg(&points));
    b.push_str("<h2>By project</h2><table id=\"projects\"><thead><tr><th>Project</th><th>Critical</th><th>High</th><th>Medium</th><th>Low</th><th>Info</th><th>Past SLA</th><th>Last scan</th></tr></thead><tbody>");
    for p in &list {
        let q = url_enc(&p.name);
        let _ = write!(
            b,
            "<tr><td><a href=\"/findings?project={q}\">{}</a></td>",
            esc(&p.name)
        );
        for i in (0..5).rev() {
            let _ = write!(
                b,
                "<td><a href=\"/findings?project={q}&amp;severity={}\">{}</a></td>",
                SEVERITIES[i], p.open[i]
            );
        }
        let _ = write!(
            b,
            "<td><a href=\"/findings?project={q}&amp;overdue=1\">{}</a></td><td>{}</td></tr>",
            p.overdue,
            p.last_scan.map(time::format_date).unwrap_or_default()
        );
    }
    if list.is_empty() {
        b.push_str("<tr><td colspan=\"8\">No projects yet. An admin creates an upload token (Admin page, or <code>palisade serve token create PROJECT</code>) and CI runs <code>palisade scan --upload URL --token T</code>.</td></tr>");
    }
    b.push_str("</tbody></table>");
    page("Projects", Some(&s), &b)
}

// ---------------------------------------------------------------------------------------
// Findings

#[derive(Deserialize, Default, Clone)]
struct FindingsQuery {
    project: Option<String>,
    owner: Option<String>,
    engine: Option<String>,
    rule: Option<String>,
    severity: Option<String>,
    state: Option<String>,
    lifecycle: Option<String>,
    /// Older than this many days.
    age: Option<String>,
    overdue: Option<String>,
    page: Option<usize>,
}

const PAGE_SIZE: usize = 50;
/// Matches counted exactly up to this many; beyond, the page says "10000+".
const COUNT_LIMIT: usize = 10_000;

fn nonempty(s: Option<&String>) -> Option<&str> {
    s.map(|x| x.trim()).filter(|x| !x.is_empty())
}

fn build_filter(
    q: &FindingsQuery,
    app: &App,
    within: Option<Vec<String>>,
) -> Result<Filter, String> {
    let mut f = Filter {
        repo: nonempty(q.project.as_ref()).map(str::to_owned),
        owner: nonempty(q.owner.as_ref()).map(str::to_owned),
        engines: nonempty(q.engine.as_ref())
            .map(|e| vec![e.to_owned()])
            .unwrap_or_default(),
        rules: nonempty(q.rule.as_ref())
            .map(|e| vec![e.to_owned()])
            .unwrap_or_default(),
        limit: PAGE_SIZE,
        offset: q.page.unwrap_or(0).min(10_000) * PAGE_SIZE,
        count_limit: COUNT_LIMIT,
        within,
        ..Filter::default()
    };
    if let Some(s) = nonempty(q.severity.as_ref()) {
        f.severities = vec![
            s.parse::<Severity>()
                .map_err(|_| format!("severity `{s}` is not known"))?,
        ];
    }
    if let Some(s) = nonempty(q.state.as_ref()) {
        f.states = vec![TriageState::parse(s).ok_or_else(|| format!("state `{s}` is not known"))?];
    }
    if let Some(s) = nonempty(q.lifecycle.as_ref()) {
        f.lifecycles = if s == "all" {
            Lifecycle::ALL.to_vec()
        } else {
            vec![Lifecycle::parse(s).ok_or_else(|| format!("lifecycle `{s}` is not known"))?]
        };
    }
    if let Some(a) = nonempty(q.age.as_ref()) {
        let days: i64 = a
            .parse()
            .map_err(|_| format!("age `{a}` is not a number of days"))?;
        f.first_seen_before = Some(now() - days.clamp(0, 36_500) * 86_400);
    }
    if nonempty(q.overdue.as_ref()).is_some() {
        f.overdue = Some(app.config.sla);
    }
    Ok(f)
}

fn select(name: &str, label: &str, current: Option<&str>, options: &[&str]) -> String {
    let mut s = format!(
        "<label>{label} <select name=\"{name}\" id=\"f-{name}\"><option value=\"\">any</option>"
    );
    for o in options {
        let sel = if current == Some(*o) { " selected" } else { "" };
        let _ = write!(s, "<option value=\"{o}\"{sel}>{o}</option>");
    }
    s.push_str("</select></label>");
    s
}

fn text_input(name: &str, label: &str, current: Option<&str>) -> String {
    format!(
        "<label>{label} <input name=\"{name}\" id=\"f-{name}\" value=\"{}\" size=\"14\"></label>",
        esc(current.unwrap_or(""))
    )
}

async fn findings(
    State(app): State<App>,
    Viewer(s): Viewer,
    Query(q): Query<FindingsQuery>,
) -> Response {
    findings_page(app, s, q, "/findings", "Findings").await
}

async fn my_findings(
    State(app): State<App>,
    Viewer(s): Viewer,
    Query(mut q): Query<FindingsQuery>,
) -> Response {
    match &s.owner {
        Some(o) => q.owner = Some(o.clone()),
        None => {
            let b = "<h1>My findings</h1><p>No code-owner handle is set for you: an admin sets it on the Admin page (e.g. <code>@org/team</code> or your e-mail as written in CODEOWNERS).</p>";
            return page("My findings", Some(&s), b);
        }
    }
    findings_page(app, s, q, "/me", "My findings").await
}

async fn findings_page(
    app: App,
    s: Session,
    q: FindingsQuery,
    action: &str,
    title: &str,
) -> Response {
    let within = match scope(&app, &s).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let filter = match build_filter(&q, &app, within) {
        Ok(f) => f,
        Err(m) => return (StatusCode::BAD_REQUEST, format!("{m}\n")).into_response(),
    };
    let started = std::time::Instant::now();
    let res = app
        .pool
        .run(move |st: &mut Store| st.list(&filter, now()))
        .await;
    let (rows, total) = match res {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let took = started.elapsed();
    let mut b = format!("<h1>{}</h1>", esc(title));
    let _ = write!(
        b,
        "<form class=\"filters\" method=\"get\" action=\"{action}\" id=\"filters\">"
    );
    b.push_str(&text_input(
        "project",
        "Project",
        nonempty(q.project.as_ref()),
    ));
    if action == "/findings" {
        b.push_str(&text_input("owner", "Owner", nonempty(q.owner.as_ref())));
    }
    b.push_str(&text_input("engine", "Engine", nonempty(q.engine.as_ref())));
    b.push_str(&text_input("rule", "Rule", nonempty(q.rule.as_ref())));
    b.push_str(&select(
        "severity",
        "Severity",
        nonempty(q.severity.as_ref()),
        &["critical", "high", "medium", "low", "info"],
    ));
    b.push_str(&select(
        "state",
        "State",
        nonempty(q.state.as_ref()),
        &[
            "open",
            "confirmed",
            "false-positive",
            "accepted-risk",
            "fixed",
        ],
    ));
    b.push_str(&select(
        "lifecycle",
        "Lifecycle",
        nonempty(q.lifecycle.as_ref()),
        &["new", "open", "reopened", "fixed", "all"],
    ));
    b.push_str(&text_input(
        "age",
        "Older than (days)",
        nonempty(q.age.as_ref()),
    ));
    let checked = if nonempty(q.overdue.as_ref()).is_some() {
        " checked"
    } else {
        ""
    };
    let _ = write!(
        b,
        "<label><input type=\"checkbox\" name=\"overdue\" value=\"1\" id=\"f-overdue\"{checked}> past SLA</label> <button type=\"submit\" id=\"apply\">Filter</button></form>"
    );
    let page_no = q.page.unwrap_or(0);
    let _ = write!(
        b,
        "<p class=\"meta\" id=\"count\">{} findings; showing {}–{} <span class=\"small\">({} ms)</span></p>",
        if total as usize >= COUNT_LIMIT {
            format!("{COUNT_LIMIT}+")
        } else {
            total.to_string()
        },
        if rows.is_empty() {
            0
        } else {
            page_no * PAGE_SIZE + 1
        },
        page_no * PAGE_SIZE + rows.len(),
        took.as_millis()
    );
    // Bulk triage: a form around the table's checkboxes.
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/findings/triage\" id=\"triage\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"back\" value=\"{}\">",
        esc(&s.csrf),
        esc(&back_url(action, &q))
    );
    b.push_str("<div class=\"bulk\"><label>Set state <select name=\"state\" id=\"bulk-state\"><option value=\"confirmed\">confirmed</option><option value=\"false-positive\">false-positive</option><option value=\"accepted-risk\">accepted-risk</option><option value=\"fixed\">fixed</option><option value=\"open\">open</option></select></label> <label>Reason <input name=\"reason\" id=\"bulk-reason\" required size=\"30\"></label> <label>Expires <input type=\"date\" name=\"expires\"></label> <label>Assign to <input name=\"assignee\" size=\"14\"></label> <button type=\"submit\" id=\"bulk-apply\">Apply to selected</button></div>");
    b.push_str("<table id=\"findings\"><thead><tr><th><input type=\"checkbox\" id=\"select-all\" aria-label=\"select all\"></th><th>Severity</th><th>Rule</th><th>Finding</th><th>Project</th><th>Owners</th><th>State</th><th>First seen</th></tr></thead><tbody>");
    let now = now();
    for f in &rows {
        b.push_str(&finding_row(f, &app, now));
    }
    if rows.is_empty() {
        b.push_str("<tr><td colspan=\"8\">No findings match.</td></tr>");
    }
    b.push_str("</tbody></table></form>");
    let mut nav = String::new();
    if page_no > 0 {
        let mut prev = q.clone();
        prev.page = Some(page_no - 1);
        let _ = write!(
            nav,
            "<a href=\"{}\">← previous</a> ",
            esc(&back_url(action, &prev))
        );
    }
    if (page_no + 1) * PAGE_SIZE < total as usize {
        let mut next = q.clone();
        next.page = Some(page_no + 1);
        let _ = write!(
            nav,
            "<a href=\"{}\" id=\"next\">next →</a>",
            esc(&back_url(action, &next))
        );
    }
    let _ = write!(b, "<p class=\"pages\">{nav}</p>");
    let mut r = page(title, Some(&s), &b);
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={}", took.as_secs_f64() * 1000.0)) {
        r.headers_mut().insert("server-timing", v);
    }
    r
}

fn back_url(action: &str, q: &FindingsQuery) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: Option<&String>| {
        if let Some(v) = nonempty(v) {
            parts.push(format!("{k}={}", url_enc(v)));
        }
    };
    add("project", q.project.as_ref());
    add("owner", q.owner.as_ref());
    add("engine", q.engine.as_ref());
    add("rule", q.rule.as_ref());
    add("severity", q.severity.as_ref());
    add("state", q.state.as_ref());
    add("lifecycle", q.lifecycle.as_ref());
    add("age", q.age.as_ref());
    add("overdue", q.overdue.as_ref());
    if let Some(p) = q.page.filter(|p| *p > 0) {
        parts.push(format!("page={p}"));
    }
    if parts.is_empty() {
        action.to_owned()
    } else {
        format!("{action}?{}", parts.join("&"))
    }
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

fn finding_row(f: &StoredFinding, app: &App, now: i64) -> String {
    let sev = severity_index(f.severity);
    let due = app.config.sla.due(f.severity, f.first_seen);
    let late = due.is_some_and(|d| d < now)
        && matches!(f.state, TriageState::Open | TriageState::Confirmed)
        && f.lifecycle != Lifecycle::Fixed;
    let link = format!(
        "/finding?project={}&fp={}",
        url_enc(&f.repo),
        url_enc(&f.fingerprint)
    );
    let value = format!("{}\n{}", f.repo, f.fingerprint);
    format!(
        "<tr class=\"f\"><td><input type=\"checkbox\" name=\"t\" value=\"{}\" aria-label=\"select\"></td><td>{}</td><td><a href=\"/rules/{}\">{}</a></td><td><a href=\"{}\">{}</a><br><span class=\"small\">{}:{} · {} · {}</span></td><td>{}</td><td>{}</td><td>{}{}</td><td>{}{}</td></tr>",
        esc(&value),
        sev_badge(sev),
        esc(&f.rule),
        esc(&f.rule),
        esc(&link),
        esc(&f.message),
        esc(&f.path),
        f.line,
        esc(&f.branch),
        f.lifecycle.as_str(),
        esc(&f.repo),
        esc(&f.owners.join(" ")),
        f.state.as_str(),
        f.assignee
            .as_ref()
            .map(|a| format!("<br><span class=\"small\">→ {}</span>", esc(a)))
            .unwrap_or_default(),
        time::format_date(f.first_seen),
        if late {
            " <span class=\"late\">past SLA</span>"
        } else {
            ""
        },
    )
}

async fn triage(
    State(app): State<App>,
    Viewer(s): Viewer,
    headers: HeaderMap,
    body: String,
) -> Response {
    let f = form(&body);
    if let Some(r) = check_csrf(&app, &headers, &s, field(&f, "csrf").unwrap_or("")) {
        return r;
    }
    let back = safe_return_to(field(&f, "back"));
    let targets: Vec<Target> = f
        .iter()
        .filter(|(k, _)| k == "t")
        .filter_map(|(_, v)| {
            // Browsers send an attribute's line break as CRLF.
            let (repo, fp) = v.split_once('\n')?;
            Some(Target {
                repo: repo.trim_end_matches('\r').to_owned(),
                fingerprint: fp.to_owned(),
            })
        })
        .take(1000)
        .collect();
    if targets.is_empty() {
        return (StatusCode::BAD_REQUEST, "select at least one finding\n").into_response();
    }
    let state = match field(&f, "state").and_then(TriageState::parse) {
        Some(st) => st,
        None => return (StatusCode::BAD_REQUEST, "choose a state\n").into_response(),
    };
    let reason = field(&f, "reason").unwrap_or("").trim().to_owned();
    let expires = match field(&f, "expires").filter(|e| !e.is_empty()) {
        Some(e) => match time::parse_time(e) {
            Some(t) => Some(t),
            None => return (StatusCode::BAD_REQUEST, "expires is not a date\n").into_response(),
        },
        None => None,
    };
    let expires = if state == TriageState::AcceptedRisk {
        expires
    } else {
        None
    };
    let assignee = field(&f, "assignee")
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    // Developers triage only the projects they own.
    let within = match scope(&app, &s).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Some(w) = within
        && targets.iter().any(|t| !w.contains(&t.repo))
    {
        return (
            StatusCode::FORBIDDEN,
            "you may triage only the projects you own\n",
        )
            .into_response();
    }
    let actor = s.display.clone();
    let res = app
        .pool
        .run(move |st: &mut Store| {
            let now = now();
            let n = st.set_state(&targets, state, &reason, expires, &actor, now)?;
            if let Some(a) = &assignee {
                for t in &targets {
                    st.assign(t, a, &actor, now)?;
                }
            }
            Ok(n)
        })
        .await;
    match res {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// One finding

#[derive(Deserialize)]
struct FindingQuery {
    project: String,
    fp: String,
}

async fn finding(
    State(app): State<App>,
    Viewer(s): Viewer,
    Query(q): Query<FindingQuery>,
) -> Response {
    let within = match scope(&app, &s).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    if within.as_ref().is_some_and(|w| !w.contains(&q.project)) {
        return (StatusCode::NOT_FOUND, "no such finding\n").into_response();
    }
    let target = Target {
        repo: q.project.clone(),
        fingerprint: q.fp.clone(),
    };
    let res = app
        .pool
        .run(move |st: &mut Store| {
            let rows = st.get(&target)?;
            let hist = st.history(&target)?;
            let detail = st.detail(&target.repo, &target.fingerprint)?;
            Ok((rows, hist, detail))
        })
        .await;
    let (rows, hist, detail) = match res {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let Some(first) = rows.first() else {
        return (StatusCode::NOT_FOUND, "no such finding\n").into_response();
    };
    let sev = severity_index(first.severity);
    let mut b = format!(
        "<h1>{} {}</h1><p class=\"meta\">{} · <a href=\"/rules/{}\">{}</a> · {}:{}</p>",
        sev_badge(sev),
        esc(&first.message),
        esc(&first.repo),
        esc(&first.rule),
        esc(&first.rule),
        esc(&first.path),
        first.line
    );
    let _ = write!(
        b,
        "<dl class=\"facts\"><dt>State</dt><dd id=\"state\">{}</dd><dt>Reason</dt><dd>{}</dd><dt>Owners</dt><dd>{}</dd><dt>Assignee</dt><dd>{}</dd><dt>Found by</dt><dd>{}{}</dd><dt>First seen</dt><dd>{}</dd><dt>SLA due</dt><dd>{}</dd><dt>Fingerprint</dt><dd><code>{}</code></dd></dl>",
        first.state.as_str(),
        esc(first.reason.as_deref().unwrap_or("")),
        esc(&first.owners.join(" ")),
        esc(first.assignee.as_deref().unwrap_or("")),
        esc(&first.tool),
        if first.also_found_by.is_empty() {
            String::new()
        } else {
            format!(", also {}", esc(&first.also_found_by.join(", ")))
        },
        time::format_date(first.first_seen),
        app.config
            .sla
            .due(first.severity, first.first_seen)
            .map(time::format_date)
            .unwrap_or_else(|| "none".into()),
        esc(&first.fingerprint),
    );
    if let Some(d) = &detail {
        if let Some(snip) = &d.snippet {
            let start = d.snippet_line.unwrap_or(1);
            b.push_str("<h2>Code</h2><pre class=\"snippet\">");
            for (i, line) in snip.lines().enumerate() {
                let n = start + i as u32;
                let cls = if n == first.line {
                    " class=\"hit\""
                } else {
                    ""
                };
                let _ = writeln!(
                    b,
                    "<span{cls}><span class=\"ln\">{n}</span> {}</span>",
                    esc(line)
                );
            }
            b.push_str("</pre>");
        }
        if !d.trace.is_empty() {
            b.push_str("<h2>Trace</h2><ol class=\"trace\">");
            for t in &d.trace {
                let _ = write!(b, "<li><code>{}</code></li>", esc(t));
            }
            b.push_str("</ol>");
        }
        if let Some(fix) = &d.fix {
            let _ = write!(b, "<h2>Suggested fix</h2><pre>{}</pre>", esc(fix));
        }
    }
    b.push_str("<h2>Branches</h2><table><thead><tr><th>Branch</th><th>Lifecycle</th><th>Last seen</th></tr></thead><tbody>");
    for r in &rows {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.branch),
            r.lifecycle.as_str(),
            time::format_date(r.last_seen)
        );
    }
    b.push_str("</tbody></table>");
    let _ = write!(
        b,
        "<h2>Triage</h2><form method=\"post\" action=\"/findings/triage\" id=\"triage-one\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"t\" value=\"{}\"><input type=\"hidden\" name=\"back\" value=\"{}\"><select name=\"state\"><option>confirmed</option><option>false-positive</option><option>accepted-risk</option><option>fixed</option><option>open</option></select> <input name=\"reason\" placeholder=\"reason\" required> <input type=\"date\" name=\"expires\"> <input name=\"assignee\" placeholder=\"assign to\"> <button type=\"submit\">Save</button></form>",
        esc(&s.csrf),
        esc(&format!("{}\n{}", first.repo, first.fingerprint)),
        esc(&format!(
            "/finding?project={}&fp={}",
            url_enc(&first.repo),
            url_enc(&first.fingerprint)
        ))
    );
    b.push_str("<h2>History</h2><table id=\"history\"><thead><tr><th>When</th><th>Who</th><th>Branch</th><th>What</th><th>Reason</th></tr></thead><tbody>");
    for h in &hist {
        let change = match (&h.old_value, &h.new_value) {
            (Some(o), Some(n)) => format!("{}: {} → {}", h.action, o, n),
            (None, Some(n)) => format!("{}: {}", h.action, n),
            _ => h.action.clone(),
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            time::format_date(h.at),
            esc(&h.actor),
            esc(h.branch.as_deref().unwrap_or("all")),
            esc(&change),
            esc(h.reason.as_deref().unwrap_or(""))
        );
    }
    b.push_str("</tbody></table>");
    page(&first.message, Some(&s), &b)
}

// ---------------------------------------------------------------------------------------
// Learn pages

async fn rule_page(State(app): State<App>, Viewer(s): Viewer, Path(id): Path<String>) -> Response {
    let id = id.trim_start_matches('/');
    let Some(r) = app.rules.get(id) else {
        let b = format!(
            "<h1>{}</h1><p>This rule is not one of palisade's built-in rules (an imported tool's rule, or a custom rule): see that tool's documentation.</p>",
            esc(id)
        );
        return page(id, Some(&s), &b);
    };
    let mut b = format!(
        "<h1>{}</h1><p class=\"meta\"><code>{}</code> · {} · confidence {}{}{}</p>",
        esc(&r.name),
        esc(&r.id),
        sev_badge(severity_index(r.severity)),
        esc(&format!("{:?}", r.confidence).to_lowercase()),
        if r.cwe.is_empty() {
            String::new()
        } else {
            format!(
                " · {}",
                r.cwe
                    .iter()
                    .map(|c| format!("CWE-{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        if r.owasp.is_empty() {
            String::new()
        } else {
            format!(" · OWASP {}", esc(&r.owasp.join(", ")))
        }
    );
    let _ = write!(
        b,
        "<div class=\"learn\" id=\"learn\">{}</div>",
        markdownish(&r.description)
    );
    if !r.examples.is_empty() {
        b.push_str("<h2>Vulnerable</h2>");
        for e in r.examples.iter().take(3) {
            let _ = write!(b, "<pre class=\"bad\">{}</pre>", esc(e.text()));
        }
    }
    if !r.negative_examples.is_empty() {
        b.push_str("<h2>Fixed</h2>");
        for e in r.negative_examples.iter().take(3) {
            let _ = write!(b, "<pre class=\"good\">{}</pre>", esc(e.text()));
        }
    }
    if !r.references.is_empty() {
        b.push_str("<h2>References</h2><ul>");
        for u in &r.references {
            if u.starts_with("https://") {
                let _ = write!(
                    b,
                    "<li><a href=\"{0}\" rel=\"noreferrer noopener\">{0}</a></li>",
                    esc(u)
                );
            } else {
                let _ = write!(b, "<li>{}</li>", esc(u));
            }
        }
        b.push_str("</ul>");
    }
    page(&r.name, Some(&s), &b)
}

/// The rule descriptions' Markdown, minimally: headings and paragraphs, everything escaped.
fn markdownish(md: &str) -> String {
    let mut out = String::new();
    for block in md.split("\n\n") {
        let t = block.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(h) = t.strip_prefix("## ").or_else(|| t.strip_prefix("# ")) {
            let _ = write!(out, "<h2>{}</h2>", esc(h));
        } else if t.starts_with("```") {
            let inner = t.trim_start_matches('`').trim_end_matches('`');
            let inner = inner.split_once('\n').map_or(inner, |(_, rest)| rest);
            let _ = write!(out, "<pre>{}</pre>", esc(inner));
        } else {
            let _ = write!(out, "<p>{}</p>", esc(t));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Dependency inventory

#[derive(Deserialize)]
struct DepsQuery {
    q: Option<String>,
    version: Option<String>,
}

async fn deps(State(app): State<App>, Viewer(s): Viewer, Query(q): Query<DepsQuery>) -> Response {
    let within = match scope(&app, &s).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let name = q.q.clone().unwrap_or_default();
    let version = q.version.clone().unwrap_or_default();
    let mut b = format!(
        "<h1>Dependencies</h1><form method=\"get\" action=\"/deps\" class=\"filters\"><label>Package <input name=\"q\" id=\"dep-q\" value=\"{}\"></label> <label>Version <input name=\"version\" id=\"dep-version\" value=\"{}\" size=\"10\"></label> <button type=\"submit\" id=\"dep-search\">Search</button></form>",
        esc(&name),
        esc(&version)
    );
    if name.trim().is_empty() {
        b.push_str("<p class=\"small\">Which services use a package? Search the SBOMs uploaded by every project (CycloneDX or SPDX JSON, e.g. <code>palisade sbom</code>).</p>");
        return page("Dependencies", Some(&s), &b);
    }
    let n = name.trim().to_owned();
    let res = app
        .pool
        .run(move |st: &mut Store| st.components(&n, Some(version.trim()), within.as_deref(), 1000))
        .await;
    let hits = match res {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let _ = write!(
        b,
        "<p class=\"meta\" id=\"dep-count\">{} components</p>",
        hits.len()
    );
    b.push_str("<table id=\"deps\"><thead><tr><th>Package</th><th>Version</th><th>Ecosystem</th><th>Project</th><th>Branch</th><th>Package URL</th></tr></thead><tbody>");
    for h in &hits {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><a href=\"/findings?project={}\">{}</a></td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&h.name),
            esc(&h.version),
            esc(&h.ecosystem),
            url_enc(&h.project),
            esc(&h.project),
            esc(&h.branch),
            esc(&h.purl)
        );
    }
    b.push_str("</tbody></table>");
    page("Dependencies", Some(&s), &b)
}

// ---------------------------------------------------------------------------------------
// Administration

fn admin_only(s: &Session) -> Option<Response> {
    (s.role != Role::Admin)
        .then(|| (StatusCode::FORBIDDEN, "administrators only\n").into_response())
}

#[derive(Deserialize)]
struct AdminQuery {
    created: Option<String>,
}

async fn admin(State(app): State<App>, Viewer(s): Viewer, Query(q): Query<AdminQuery>) -> Response {
    if let Some(r) = admin_only(&s) {
        return r;
    }
    let res = app
        .pool
        .run(|st: &mut Store| {
            let projects = st.projects()?;
            let tokens = st.tokens(None)?;
            let users = st.users()?;
            let mut members = Vec::new();
            for u in &users {
                members.push(st.member_projects(&u.subject)?);
            }
            Ok((projects, tokens, users, members))
        })
        .await;
    let (projects, tokens, users, members) = match res {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let csrf = esc(&s.csrf);
    let mut b = String::from("<h1>Administration</h1>");
    if let Some(t) = &q.created {
        let _ = write!(
            b,
            "<p class=\"notice\">New upload token (shown once; palisade keeps only its hash): <code id=\"new-token\">{}</code></p>",
            esc(t)
        );
    }
    let _ = write!(
        b,
        "<h2>Upload tokens</h2><form method=\"post\" action=\"/admin/tokens\" id=\"token-form\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label>Project <input name=\"project\" id=\"token-project\" required list=\"project-names\"></label> <label>Label <input name=\"label\" value=\"ci\"></label> <button type=\"submit\" id=\"token-create\">Create token</button></form><datalist id=\"project-names\">"
    );
    for p in &projects {
        let _ = write!(b, "<option value=\"{}\">", esc(&p.name));
    }
    b.push_str("</datalist><table id=\"tokens\"><thead><tr><th>Id</th><th>Project</th><th>Label</th><th>Created</th><th>Last used</th><th></th></tr></thead><tbody>");
    for t in &tokens {
        let action = if t.revoked_at.is_some() {
            "revoked".to_owned()
        } else {
            format!(
                "<form method=\"post\" action=\"/admin/tokens/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"id\" value=\"{}\"><button type=\"submit\">Revoke</button></form>",
                t.id
            )
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} by {}</td><td>{}</td><td>{action}</td></tr>",
            t.id,
            esc(&t.project),
            esc(&t.label),
            time::format_date(t.created_at),
            esc(&t.created_by),
            t.last_used.map(time::format_date).unwrap_or_default()
        );
    }
    b.push_str("</tbody></table><h2>People</h2><p class=\"small\">People appear here after their first single sign-on login. Developers see and triage only the projects listed for them.</p><table id=\"users\"><thead><tr><th>Who</th><th>Role, code-owner handle and projects</th></tr></thead><tbody>");
    for (u, m) in users.iter().zip(&members) {
        let mut roles = String::new();
        for r in Role::ALL {
            let sel = if r == u.role { " selected" } else { "" };
            let _ = write!(roles, "<option{sel}>{}</option>", r.as_str());
        }
        let _ = write!(
            b,
            "<tr><td>{}<br><span class=\"small\">{}</span></td><td><form method=\"post\" action=\"/admin/users\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"subject\" value=\"{}\"><select name=\"role\">{roles}</select> <input name=\"owner\" placeholder=\"@org/team\" value=\"{}\"> <input name=\"projects\" placeholder=\"project, project\" value=\"{}\" size=\"40\"> <button type=\"submit\">Save</button></form></td></tr>",
            esc(u.email.as_deref().unwrap_or("")),
            esc(&u.subject),
            esc(&u.subject),
            esc(u.owner_handle.as_deref().unwrap_or("")),
            esc(&m.join(", "))
        );
    }
    b.push_str("</tbody></table>");
    page("Administration", Some(&s), &b)
}

async fn admin_token_create(
    State(app): State<App>,
    Viewer(s): Viewer,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = admin_only(&s) {
        return r;
    }
    let f = form(&body);
    if let Some(r) = check_csrf(&app, &headers, &s, field(&f, "csrf").unwrap_or("")) {
        return r;
    }
    let project = field(&f, "project").unwrap_or("").trim().to_owned();
    let label = field(&f, "label").unwrap_or("ci").trim().to_owned();
    let secret = format!("pst_{}", crate::random_token());
    let given = secret.clone();
    let by = s.display.clone();
    let res = app
        .pool
        .run(move |st: &mut Store| {
            let p = st.create_project(&project, &by, now())?;
            st.add_token(p.id, &given, &label, &by, now())
        })
        .await;
    match res {
        // The secret is shown once, on the page the redirect leads to (never stored).
        Ok(_) => Redirect::to(&format!("/admin?created={}", url_enc(&secret))).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn admin_token_revoke(
    State(app): State<App>,
    Viewer(s): Viewer,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = admin_only(&s) {
        return r;
    }
    let f = form(&body);
    if let Some(r) = check_csrf(&app, &headers, &s, field(&f, "csrf").unwrap_or("")) {
        return r;
    }
    let Some(id) = field(&f, "id").and_then(|i| i.parse::<i64>().ok()) else {
        return (StatusCode::BAD_REQUEST, "no token id\n").into_response();
    };
    match app
        .pool
        .run(move |st: &mut Store| st.revoke_token(id, now()))
        .await
    {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => e.into_response(),
    }
}

async fn admin_user(
    State(app): State<App>,
    Viewer(s): Viewer,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = admin_only(&s) {
        return r;
    }
    let f = form(&body);
    if let Some(r) = check_csrf(&app, &headers, &s, field(&f, "csrf").unwrap_or("")) {
        return r;
    }
    let subject = field(&f, "subject").unwrap_or("").to_owned();
    let Some(role) = field(&f, "role").and_then(Role::parse) else {
        return (StatusCode::BAD_REQUEST, "choose a role\n").into_response();
    };
    let owner = field(&f, "owner")
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned);
    let projects: Vec<String> = field(&f, "projects")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let res = app
        .pool
        .run(move |st: &mut Store| {
            st.set_user(&subject, role, owner.as_deref())?;
            let current = st.member_projects(&subject)?;
            for p in &current {
                if !projects.contains(p)
                    && let Some(pr) = st.project(p)?
                {
                    st.remove_member(pr.id, &subject)?;
                }
            }
            for p in &projects {
                let pr = st.create_project(p, "admin", now())?;
                st.add_member(pr.id, &subject)?;
            }
            Ok(())
        })
        .await;
    match res {
        Ok(()) => Redirect::to("/admin").into_response(),
        Err(e) => e.into_response(),
    }
}
