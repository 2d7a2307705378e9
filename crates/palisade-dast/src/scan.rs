//! The scan: login, discovery and crawl with passive checks, then the active phase.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use palisade_engine::finding::{Diagnostic, DiagnosticLevel, Finding};
use url::Url;

use crate::discover::{self, Body, Endpoint};
use crate::http::{Client, Request, Response, SendError};
use crate::scope::Scope;
use crate::{Error, OpenApiSource, Options, Outcome, Stats, html, passive};

/// The state of one scan, shared by the crawl and the active checks.
pub(crate) struct Ctx<'a> {
    pub client: Client,
    pub opts: &'a Options,
    pub findings: BTreeMap<String, Finding>,
    pub diagnostics: Vec<Diagnostic>,
    /// Endpoints in discovery order, with the baseline response when one was fetched.
    pub endpoints: Vec<(Endpoint, Option<Response>)>,
    seen: HashSet<String>,
    per_path: HashMap<String, usize>,
    pub out_of_scope: BTreeSet<String>,
    pub graphql_candidates: Vec<Url>,
    /// JWTs seen: the cookie that carried them (if one did), and the token.
    pub jwts: Vec<(Option<String>, String)>,
    pub grade: Option<passive::Grade>,
    pub graphql_found: Vec<String>,
    pub unsafe_skipped: u64,
    pub stopped: bool,
    pages: usize,
}

impl Ctx<'_> {
    pub fn add(&mut self, f: Finding) {
        self.findings.entry(f.fingerprint.0.clone()).or_insert(f);
    }

    pub fn diag(&mut self, level: DiagnosticLevel, url: &str, msg: impl Into<String>) {
        if self.diagnostics.len() < 500 {
            self.diagnostics.push(Diagnostic::new(level, url, msg));
        }
    }

    /// Sends a request; budget exhaustion stops the scan, other failures become diagnostics.
    pub fn send(&mut self, req: &Request) -> Option<Response> {
        if self.stopped {
            return None;
        }
        match self.client.send(req) {
            Ok(r) => Some(r),
            Err(e) => {
                match &e {
                    SendError::OutOfScope(u) => {
                        self.out_of_scope.insert(u.clone());
                    }
                    SendError::UnsafeMethod(_) => {}
                    e if e.is_budget() => {
                        self.stopped = true;
                        let u = req.url.to_string();
                        self.diag(DiagnosticLevel::Warning, &u, format!("scan stopped: {e}"));
                    }
                    e => {
                        let u = req.url.to_string();
                        self.diag(DiagnosticLevel::Warning, &u, e.to_string());
                    }
                }
                None
            }
        }
    }

    /// Queues an endpoint unless an equivalent one (same parameter names) was seen.
    fn enqueue(&mut self, queue: &mut VecDeque<(Endpoint, usize)>, ep: Endpoint, depth: usize) {
        if !self.client.scope.allows(&ep.url) {
            if matches!(ep.url.scheme(), "http" | "https") {
                self.out_of_scope.insert(ep.url.to_string());
            }
            return;
        }
        let mut ep = ep;
        ep.url.set_fragment(None);
        let key = ep.key();
        let path_key = format!("{} {}", ep.method, ep.url.path());
        let n = self.per_path.entry(path_key).or_default();
        // Many parameter shapes of one path (faceted search) add little: keep the first few.
        if *n >= 4 || !self.seen.insert(key) {
            return;
        }
        *n += 1;
        queue.push_back((ep, depth));
    }
}

pub(crate) fn request_for(ep: &Endpoint) -> Request {
    let base = Request::get(ep.url.clone());
    match &ep.body {
        None if ep.method == "GET" => base,
        None => {
            let mut r = base;
            r.method = ep.method.clone();
            r
        }
        Some(Body::Form(f)) => {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(f.iter())
                .finish();
            base.with_body(
                &ep.method,
                "application/x-www-form-urlencoded",
                body.into_bytes(),
            )
        }
        Some(Body::Json(v)) => {
            base.with_body(&ep.method, "application/json", v.to_string().into_bytes())
        }
        Some(Body::Xml(x)) => base.with_body(&ep.method, "application/xml", x.clone().into_bytes()),
    }
}

/// Runs a scan to the end (or until a budget is spent).
pub fn run(opts: &Options) -> Result<Outcome, Error> {
    crate::rules::rules()?;
    let target = &opts.target;
    if !matches!(target.scheme(), "http" | "https") || target.host_str().is_none() {
        return Err(Error::Target(target.to_string()));
    }
    let scope = if opts.scope.is_empty() {
        Scope::of_origin(target).ok_or_else(|| Error::Target(target.to_string()))?
    } else {
        Scope::parse(&opts.scope).map_err(Error::Scope)?
    };
    if !scope.allows(target) {
        return Err(Error::Scope(format!(
            "the target {target} is outside --scope; add its origin"
        )));
    }
    let mut client = Client::new(scope, opts.limits.clone());
    client.allow_unsafe = opts.allow_unsafe_methods;
    *client.headers_a.borrow_mut() = opts.headers.clone();
    client.headers_b = opts.session_b.clone();
    {
        let mut jar = client.jar.borrow_mut();
        for (n, v) in &opts.cookies {
            jar.insert(n.clone(), v.clone());
        }
    }
    client.login = opts.login.clone();
    let mut cx = Ctx {
        client,
        opts,
        findings: BTreeMap::new(),
        diagnostics: Vec::new(),
        endpoints: Vec::new(),
        seen: HashSet::new(),
        per_path: HashMap::new(),
        out_of_scope: BTreeSet::new(),
        graphql_candidates: Vec::new(),
        jwts: Vec::new(),
        grade: None,
        graphql_found: Vec::new(),
        unsafe_skipped: 0,
        stopped: false,
        pages: 0,
    };
    if let Some(login) = &opts.login {
        match cx.client.do_login() {
            Ok(r) if r.status < 400 => {}
            Ok(r) => cx.diag(
                DiagnosticLevel::Warning,
                login.url.as_str(),
                format!(
                    "login answered HTTP {}; scanning without a session",
                    r.status
                ),
            ),
            Err(e) => cx.diag(
                DiagnosticLevel::Error,
                login.url.as_str(),
                format!("login failed: {e}"),
            ),
        }
    }
    for (n, v) in &opts.headers {
        if n.eq_ignore_ascii_case("authorization")
            && let Some(t) = v.strip_prefix("Bearer ")
            && crate::jwt::looks_like(t.trim())
        {
            cx.jwts.push((None, t.trim().to_owned()));
        }
    }
    crawl(&mut cx);
    let oob = if opts.passive_only {
        None
    } else {
        match crate::oob::Listener::start() {
            Ok(l) => Some(l),
            Err(e) => return Err(Error::Listener(e)),
        }
    };
    if let Some(oob) = &oob {
        crate::active::run(&mut cx, oob);
        crate::graphql::run(&mut cx);
    }
    let c = cx.client.counters();
    let stats = Stats {
        requests: c.sent,
        failed: c.failed,
        by_method: c.by_method,
        elapsed: cx.client.elapsed(),
        pages: cx.pages,
        endpoints: cx.endpoints.len(),
        out_of_scope: cx.out_of_scope.iter().take(1000).cloned().collect(),
        refused_unsafe: c.refused_unsafe + cx.unsafe_skipped,
        relogins: c.relogins,
        budget_hit: c.budget_hit,
        grade: cx.grade.clone(),
        graphql_endpoints: cx.graphql_found.clone(),
    };
    let mut findings: Vec<Finding> = cx.findings.into_values().collect();
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| {
                a.locations
                    .first()
                    .map(|l| format!("{l:?}"))
                    .cmp(&b.locations.first().map(|l| format!("{l:?}")))
            })
    });
    Ok(Outcome {
        findings,
        diagnostics: cx.diagnostics,
        stats,
    })
}

fn crawl(cx: &mut Ctx<'_>) {
    let target = cx.opts.target.clone();
    let mut queue: VecDeque<(Endpoint, usize)> = VecDeque::new();
    cx.enqueue(&mut queue, Endpoint::get(target.clone(), "crawl"), 0);
    for (path, source) in [("/robots.txt", "robots"), ("/sitemap.xml", "sitemap")] {
        if let Ok(u) = target.join(path) {
            cx.enqueue(&mut queue, Endpoint::get(u, source), 1);
        }
    }
    for src in cx.opts.openapi.clone() {
        let (name, text, doc_url) = match src {
            OpenApiSource::Text { name, text } => (name, Some(text), None),
            OpenApiSource::Url(u) => {
                let r = cx.send(&Request::get(u.clone()));
                let text = r.filter(|r| r.status < 400).map(|r| r.text());
                if text.is_none() {
                    cx.diag(
                        DiagnosticLevel::Error,
                        u.as_str(),
                        "cannot fetch the OpenAPI document (out of scope, or an error status)",
                    );
                }
                (u.to_string(), text, Some(u))
            }
        };
        let Some(text) = text else { continue };
        import_openapi(cx, &mut queue, &name, &text, doc_url.as_ref());
    }
    while let Some((ep, depth)) = queue.pop_front() {
        if cx.stopped || cx.pages >= cx.opts.max_pages {
            // Not requested, but still an endpoint the active phase may test.
            cx.endpoints.push((ep, None));
            continue;
        }
        if ep.method != "GET" && !cx.client.allow_unsafe {
            cx.unsafe_skipped += 1;
            cx.endpoints.push((ep, None));
            continue;
        }
        let req = crate::scan::request_for(&ep);
        let Some(resp) = cx.send(&req) else {
            cx.endpoints.push((ep, None));
            continue;
        };
        cx.pages += 1;
        if resp.truncated {
            cx.diag(
                DiagnosticLevel::Warning,
                resp.url.as_str(),
                format!(
                    "response larger than {} bytes: read the first part only",
                    cx.client.limits.max_body
                ),
            );
        }
        let page = (resp.is_html() && resp.is_texty()).then(|| html::parse(&resp.text()));
        for f in passive::check(&ep.method, &resp, page.as_ref()) {
            cx.add(f);
        }
        if cx.grade.is_none() && resp.is_html() && (200..300).contains(&resp.status) {
            cx.grade = Some(passive::grade(&resp));
        }
        collect_jwts(cx, &resp);
        if ep.url.path().to_ascii_lowercase().contains("graphql") {
            cx.graphql_candidates.push(ep.url.clone());
        }
        let next = depth + 1;
        if resp.is_redirect() {
            if let Some(loc) = resp.location() {
                cx.enqueue(&mut queue, Endpoint::get(loc, "crawl"), depth);
            }
        } else if next <= cx.opts.max_depth {
            links(cx, &mut queue, &ep, &resp, page.as_ref(), next);
        }
        cx.endpoints.push((ep, Some(resp)));
    }
}

fn import_openapi(
    cx: &mut Ctx<'_>,
    queue: &mut VecDeque<(Endpoint, usize)>,
    name: &str,
    text: &str,
    doc_url: Option<&Url>,
) {
    match discover::openapi(text, doc_url, &cx.opts.target) {
        Ok(eps) => {
            for ep in eps {
                cx.enqueue(queue, ep, 1);
            }
        }
        Err(e) => cx.diag(
            DiagnosticLevel::Error,
            name,
            format!("not a usable OpenAPI document: {e}"),
        ),
    }
}

fn collect_jwts(cx: &mut Ctx<'_>, resp: &Response) {
    for sc in resp.headers_all("set-cookie") {
        if let Some((n, v)) = sc.split(';').next().and_then(|f| f.split_once('='))
            && crate::jwt::looks_like(v.trim())
            && !cx.jwts.iter().any(|(c, _)| c.as_deref() == Some(n.trim()))
        {
            cx.jwts
                .push((Some(n.trim().to_owned()), v.trim().to_owned()));
        }
    }
    if resp.content_type().contains("json")
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&resp.body)
    {
        for k in ["token", "access_token", "id_token", "jwt"] {
            if let Some(t) = v.get(k).and_then(serde_json::Value::as_str)
                && crate::jwt::looks_like(t)
                && !cx.jwts.iter().any(|(_, j)| j == t)
            {
                cx.jwts.push((None, t.to_owned()));
            }
        }
    }
}

fn links(
    cx: &mut Ctx<'_>,
    queue: &mut VecDeque<(Endpoint, usize)>,
    ep: &Endpoint,
    resp: &Response,
    page: Option<&html::Page>,
    depth: usize,
) {
    let base = &resp.url;
    let path = base.path().to_ascii_lowercase();
    let mut found: Vec<(Url, &'static str)> = Vec::new();
    let join = |s: &str| -> Option<Url> {
        let s = s.trim();
        if s.is_empty() || s.starts_with('#') {
            return None;
        }
        let low = s.to_ascii_lowercase();
        if low.starts_with("javascript:")
            || low.starts_with("mailto:")
            || low.starts_with("data:")
            || low.starts_with("tel:")
        {
            return None;
        }
        base.join(s).ok()
    };
    if ep.source == "robots" || path == "/robots.txt" {
        let (paths, maps) = discover::robots(&resp.text(), base);
        found.extend(paths.into_iter().map(|u| (u, "robots")));
        found.extend(maps.into_iter().map(|u| (u, "sitemap")));
    } else if ep.source == "sitemap" || path.ends_with(".xml") && resp.text().contains("<loc>") {
        found.extend(
            discover::sitemap(&resp.text(), base)
                .into_iter()
                .map(|u| (u, "sitemap")),
        );
    }
    if let Some(page) = page {
        for l in &page.links {
            if let Some(u) = join(l) {
                found.push((u, "crawl"));
            }
        }
        for js in &page.inline_scripts {
            for l in html::script_urls(js) {
                if let Some(u) = join(&l) {
                    found.push((u, "script"));
                }
            }
        }
        for f in &page.forms {
            let action = f
                .action
                .as_deref()
                .filter(|a| !a.is_empty())
                .and_then(join)
                .unwrap_or_else(|| base.clone());
            let fields: Vec<(String, String)> = f
                .fields
                .iter()
                .filter(|x| {
                    !matches!(
                        x.kind.as_str(),
                        "submit" | "button" | "image" | "reset" | "file"
                    )
                })
                .map(|x| {
                    let v = if !x.value.is_empty() {
                        x.value.clone()
                    } else {
                        match x.kind.as_str() {
                            "email" => "user@example.com".into(),
                            "number" | "range" => "1".into(),
                            "password" => "Palisade-1".into(),
                            _ => "palisade".into(),
                        }
                    };
                    (x.name.clone(), v)
                })
                .collect();
            if f.method == "post" {
                let form_ep = Endpoint {
                    method: "POST".into(),
                    url: action,
                    body: Some(Body::Form(fields)),
                    source: "form",
                };
                // Never re-submit the login form: it would replace the session.
                if cx
                    .opts
                    .login
                    .as_ref()
                    .is_none_or(|l| l.url.path() != form_ep.url.path())
                {
                    cx.enqueue(queue, form_ep, depth);
                }
            } else {
                let mut u = action;
                u.query_pairs_mut().clear().extend_pairs(fields.iter());
                found.push((u, "form"));
            }
        }
    } else if resp.is_texty()
        && (resp.content_type().contains("javascript") || path.ends_with(".js"))
    {
        for l in html::script_urls(&resp.text()) {
            if let Some(u) = join(&l) {
                found.push((u, "script"));
            }
        }
    }
    // An OpenAPI document met on the way is imported.
    if resp.content_type().contains("json") || path.ends_with(".yaml") || path.ends_with(".yml") {
        let text = resp.text();
        let head: String = text.chars().take(300).collect();
        if (head.contains("\"openapi\"")
            || head.contains("\"swagger\"")
            || head.starts_with("openapi:")
            || head.starts_with("swagger:"))
            && text.contains("paths")
        {
            let name = resp.url.to_string();
            import_openapi(cx, queue, &name, &text, Some(&resp.url.clone()));
        }
    }
    for (u, source) in found {
        cx.enqueue(queue, Endpoint::get(u, source), depth);
    }
}
