//! The one door to the network: every request goes through [`Client::send`], which checks
//! scope, method safety, the request and time budgets and the rate limit before anything
//! leaves the machine, and reads at most `max_body` bytes of any response.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

use url::Url;

use crate::scope::Scope;

/// Who a request is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Identity {
    /// The main session: `--header`, `--cookie`, login, and cookies the site set.
    #[default]
    A,
    /// `--session-b` headers only.
    B,
    /// No credentials at all.
    Anonymous,
}

/// One request to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub identity: Identity,
    /// Cookies to replace (`Some`) or drop (`None`) for this request only.
    pub cookie_override: Vec<(String, Option<String>)>,
    /// A POST known not to change state (a GraphQL query): sent without
    /// `--allow-unsafe-methods`.
    pub read_only_post: bool,
}

impl Request {
    pub fn get(url: Url) -> Request {
        Request {
            method: "GET".into(),
            url,
            headers: Vec::new(),
            body: None,
            identity: Identity::A,
            cookie_override: Vec::new(),
            read_only_post: false,
        }
    }

    pub fn with_body(mut self, method: &str, content_type: &str, body: Vec<u8>) -> Request {
        self.method = method.to_owned();
        self.headers
            .push(("content-type".into(), content_type.to_owned()));
        self.body = Some(body);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn as_identity(mut self, id: Identity) -> Request {
        self.identity = id;
        self
    }

    /// The request line, for evidence.
    pub fn line(&self) -> String {
        let mut s = format!("{} {}", self.method, self.url);
        if let Some(b) = &self.body {
            s.push_str("\n\n");
            s.push_str(&excerpt(&String::from_utf8_lossy(b), 300));
        }
        s
    }
}

/// A response, read up to the size limit.
#[derive(Debug, Clone)]
pub struct Response {
    pub url: Url,
    pub status: u16,
    /// Names lower-cased, in order; repeated headers repeat.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than the limit and was cut.
    pub truncated: bool,
    pub elapsed: Duration,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    pub fn is_html(&self) -> bool {
        let ct = self.content_type();
        ct.contains("text/html") || ct.contains("application/xhtml")
    }

    /// Looks like text (not an image, archive or other binary).
    pub fn is_texty(&self) -> bool {
        let ct = self.content_type();
        let declared = ct.is_empty()
            || ct.starts_with("text/")
            || ct.contains("json")
            || ct.contains("xml")
            || ct.contains("javascript");
        declared && !self.body.iter().take(512).any(|&b| b == 0)
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// The redirect target, resolved against the request URL.
    pub fn location(&self) -> Option<Url> {
        self.header("location").and_then(|l| self.url.join(l).ok())
    }

    /// Status line, headers and a body excerpt, for evidence.
    pub fn summary(&self, body_chars: usize) -> String {
        let mut s = format!("HTTP {}\n", self.status);
        for (n, v) in self.headers.iter().take(20) {
            s.push_str(&format!("{n}: {}\n", excerpt(v, 160)));
        }
        let body = self.text();
        if !body.is_empty() && body_chars > 0 {
            s.push('\n');
            s.push_str(&excerpt(&body, body_chars));
        }
        s
    }
}

/// At most `n` characters of `s`, marked when cut.
pub fn excerpt(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push_str(" […]");
        t
    }
}

/// Why a request was not sent, or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The URL is outside the scope: never sent.
    OutOfScope(String),
    /// A state-changing method without `--allow-unsafe-methods`: never sent.
    UnsafeMethod(String),
    /// The request budget is spent.
    RequestBudget,
    /// The time budget is spent.
    TimeBudget,
    /// Connection, timeout or protocol error.
    Transport(String),
}

impl SendError {
    pub fn is_budget(&self) -> bool {
        matches!(self, SendError::RequestBudget | SendError::TimeBudget)
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::OutOfScope(u) => write!(f, "{u} is out of scope (not requested)"),
            SendError::UnsafeMethod(m) => {
                write!(f, "{m} not sent (pass --allow-unsafe-methods to allow it)")
            }
            SendError::RequestBudget => f.write_str("request budget spent"),
            SendError::TimeBudget => f.write_str("time budget spent"),
            SendError::Transport(e) => f.write_str(e),
        }
    }
}

/// The client's limits.
#[derive(Debug, Clone)]
pub struct ClientLimits {
    /// Requests per second; 0 means unthrottled.
    pub rps: f64,
    pub max_requests: u64,
    pub time_budget: Duration,
    /// Per-request timeout (connect, headers and body together).
    pub timeout: Duration,
    pub max_body: u64,
}

impl Default for ClientLimits {
    fn default() -> Self {
        ClientLimits {
            rps: 20.0,
            max_requests: 10_000,
            time_budget: Duration::from_secs(600),
            timeout: Duration::from_secs(10),
            max_body: 2 * 1024 * 1024,
        }
    }
}

/// A login form (or JSON login) to run at the start and whenever the session is lost.
#[derive(Debug, Clone)]
pub struct Login {
    pub url: Url,
    /// `user=alice&pass=secret` (form) or a JSON document.
    pub data: String,
    /// Body text that means "logged out" (besides 401 and redirects to the login URL).
    pub logged_out: Option<regex::Regex>,
}

/// Counters reported at the end.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    pub sent: u64,
    pub failed: u64,
    pub refused_out_of_scope: u64,
    pub refused_unsafe: u64,
    pub relogins: u64,
    pub budget_hit: Option<String>,
    pub by_method: BTreeMap<String, u64>,
}

/// The HTTP client: sync (one scan, one connection pool), no redirects followed, no proxy.
pub struct Client {
    agent: ureq::Agent,
    pub scope: Scope,
    pub limits: ClientLimits,
    started: Instant,
    last: Cell<Option<Instant>>,
    counters: RefCell<Counters>,
    pub allow_unsafe: bool,
    pub user_agent: String,
    /// `--header` for session A.
    pub headers_a: RefCell<Vec<(String, String)>>,
    /// `--session-b` headers.
    pub headers_b: Vec<(String, String)>,
    /// Session A's cookies (given and set by the site), name → value.
    pub jar: RefCell<BTreeMap<String, String>>,
    pub login: Option<Login>,
    in_login: Cell<bool>,
}

impl Client {
    pub fn new(scope: Scope, limits: ClientLimits) -> Client {
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(limits.timeout))
            .timeout_connect(Some(limits.timeout.min(Duration::from_secs(5))))
            .user_agent("palisade-dast/0.1")
            .max_idle_connections_per_host(4)
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            scope,
            limits,
            started: Instant::now(),
            last: Cell::new(None),
            counters: RefCell::new(Counters::default()),
            allow_unsafe: false,
            user_agent: "palisade-dast/0.1".into(),
            headers_a: RefCell::new(Vec::new()),
            headers_b: Vec::new(),
            jar: RefCell::new(BTreeMap::new()),
            login: None,
            in_login: Cell::new(false),
        }
    }

    pub fn counters(&self) -> Counters {
        self.counters.borrow().clone()
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time left in the budget.
    pub fn time_left(&self) -> Duration {
        self.limits
            .time_budget
            .saturating_sub(self.started.elapsed())
    }

    /// Requests left in the budget.
    pub fn requests_left(&self) -> u64 {
        self.limits
            .max_requests
            .saturating_sub(self.counters.borrow().sent)
    }

    /// Whether this method may be sent.
    pub fn method_allowed(&self, req: &Request) -> bool {
        match req.method.as_str() {
            "GET" | "HEAD" | "OPTIONS" => true,
            "POST" => self.allow_unsafe || req.read_only_post || self.in_login.get(),
            _ => self.allow_unsafe,
        }
    }

    /// Sends one request (session A re-logs in once when the session was lost).
    pub fn send(&self, req: &Request) -> Result<Response, SendError> {
        let resp = self.send_once(req)?;
        if req.identity == Identity::A && !self.in_login.get() && self.session_lost(&resp) {
            if self.counters.borrow().relogins >= 20 {
                return Ok(resp);
            }
            self.counters.borrow_mut().relogins += 1;
            self.do_login()?;
            return self.send_once(req);
        }
        Ok(resp)
    }

    fn session_lost(&self, resp: &Response) -> bool {
        let Some(login) = &self.login else {
            return false;
        };
        if resp.status == 401 {
            return true;
        }
        if resp.is_redirect()
            && let Some(to) = resp.location()
            && to.path() == login.url.path()
        {
            return true;
        }
        if let Some(re) = &login.logged_out
            && re.is_match(&resp.text())
        {
            return true;
        }
        false
    }

    /// Runs the login request; cookies it sets (and a `token`/`access_token` JSON field, as a
    /// bearer header) become session A's.
    pub fn do_login(&self) -> Result<Response, SendError> {
        let Some(login) = &self.login else {
            return Err(SendError::Transport("no login configured".into()));
        };
        let data = login.data.trim();
        let ct = if data.starts_with('{') {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let req = Request::get(login.url.clone()).with_body("POST", ct, data.as_bytes().to_vec());
        self.in_login.set(true);
        let r = self.send_once(&req);
        self.in_login.set(false);
        let resp = r?;
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&resp.body) {
            let tok = v
                .get("access_token")
                .or_else(|| v.get("token"))
                .and_then(|t| t.as_str());
            if let Some(t) = tok {
                let mut h = self.headers_a.borrow_mut();
                h.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
                h.push(("authorization".into(), format!("Bearer {t}")));
            }
        }
        Ok(resp)
    }

    fn send_once(&self, req: &Request) -> Result<Response, SendError> {
        if !self.scope.allows(&req.url) {
            self.counters.borrow_mut().refused_out_of_scope += 1;
            return Err(SendError::OutOfScope(req.url.to_string()));
        }
        if !self.method_allowed(req) {
            self.counters.borrow_mut().refused_unsafe += 1;
            return Err(SendError::UnsafeMethod(format!(
                "{} {}",
                req.method, req.url
            )));
        }
        if self.counters.borrow().sent >= self.limits.max_requests {
            self.counters.borrow_mut().budget_hit =
                Some(format!("request budget ({})", self.limits.max_requests));
            return Err(SendError::RequestBudget);
        }
        if self.started.elapsed() >= self.limits.time_budget {
            self.counters.borrow_mut().budget_hit = Some(format!(
                "time budget ({}s)",
                self.limits.time_budget.as_secs()
            ));
            return Err(SendError::TimeBudget);
        }
        if self.limits.rps > 0.0 {
            let gap = Duration::from_secs_f64(1.0 / self.limits.rps);
            if let Some(last) = self.last.get() {
                let next = last + gap;
                let now = Instant::now();
                if next > now {
                    std::thread::sleep(next - now);
                }
            }
        }
        self.last.set(Some(Instant::now()));
        {
            let mut c = self.counters.borrow_mut();
            c.sent += 1;
            *c.by_method.entry(req.method.clone()).or_default() += 1;
        }
        let built = self.build(req);
        let started = Instant::now();
        let result = match built {
            Ok(b) => match &req.body {
                None => b
                    .body(())
                    .map_err(|e| format!("{}: cannot build the request: {e}", req.url))
                    .map(|r| self.agent.run(r)),
                Some(body) => b
                    .body(body.clone())
                    .map_err(|e| format!("{}: cannot build the request: {e}", req.url))
                    .map(|r| self.agent.run(r)),
            },
            Err(e) => Err(e),
        };
        let result = match result {
            Ok(r) => r,
            Err(e) => {
                self.counters.borrow_mut().failed += 1;
                return Err(SendError::Transport(e));
            }
        };
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => {
                self.counters.borrow_mut().failed += 1;
                return Err(SendError::Transport(format!("{}: {e}", req.url)));
            }
        };
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let max = self.limits.max_body;
        let read = resp
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .reader()
            .take(max + 1)
            .read_to_end(&mut body);
        if let Err(e) = read {
            // A timeout mid-body (slowloris) or a broken stream: keep what arrived.
            if body.is_empty() {
                self.counters.borrow_mut().failed += 1;
                return Err(SendError::Transport(format!("{}: {e}", req.url)));
            }
        }
        let truncated = body.len() as u64 > max;
        body.truncate(max as usize);
        let out = Response {
            url: req.url.clone(),
            status,
            headers,
            body,
            truncated,
            elapsed: started.elapsed(),
        };
        if req.identity == Identity::A {
            self.absorb_cookies(&out, req);
        }
        Ok(out)
    }

    fn absorb_cookies(&self, resp: &Response, req: &Request) {
        // Cookies forged or dropped for one request do not replace the session's.
        if !req.cookie_override.is_empty() {
            return;
        }
        let mut jar = self.jar.borrow_mut();
        for sc in resp.headers_all("set-cookie") {
            let first = sc.split(';').next().unwrap_or("");
            if let Some((n, v)) = first.split_once('=') {
                let n = n.trim();
                if n.is_empty() {
                    continue;
                }
                let expired = sc.to_ascii_lowercase().contains("max-age=0");
                if v.trim().is_empty() || expired {
                    jar.remove(n);
                } else {
                    jar.insert(n.to_owned(), v.trim().to_owned());
                }
            }
        }
    }

    fn build(&self, req: &Request) -> Result<ureq::http::request::Builder, String> {
        let mut b = ureq::http::Request::builder()
            .method(req.method.as_str())
            .uri(req.url.as_str());
        let mut cookies: BTreeMap<String, String> = BTreeMap::new();
        let mut extra: Vec<(String, String)> = Vec::new();
        match req.identity {
            Identity::A => {
                cookies = self.jar.borrow().clone();
                extra.extend(self.headers_a.borrow().iter().cloned());
            }
            Identity::B => extra.extend(self.headers_b.iter().cloned()),
            Identity::Anonymous => {}
        }
        for (n, v) in &req.cookie_override {
            match v {
                Some(v) => {
                    cookies.insert(n.clone(), v.clone());
                }
                None => {
                    cookies.remove(n);
                }
            }
        }
        // Request headers win over session headers of the same name.
        for (n, v) in &extra {
            if !req.headers.iter().any(|(m, _)| m.eq_ignore_ascii_case(n)) {
                if n.eq_ignore_ascii_case("cookie") {
                    for part in v.split(';') {
                        if let Some((cn, cv)) = part.split_once('=')
                            && !cookies.contains_key(cn.trim())
                            && !req.cookie_override.iter().any(|(o, _)| o == cn.trim())
                        {
                            cookies.insert(cn.trim().to_owned(), cv.trim().to_owned());
                        }
                    }
                } else {
                    b = b.header(n.as_str(), v.as_str());
                }
            }
        }
        for (n, v) in &req.headers {
            b = b.header(n.as_str(), v.as_str());
        }
        if !cookies.is_empty() {
            let c: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            b = b.header("cookie", c.join("; "));
        }
        Ok(b)
    }
}
