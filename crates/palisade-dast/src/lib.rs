//! palisade's DAST engine: `palisade dast URL` crawls a running web application or API inside
//! a strict scope, runs passive checks on every response and safe, confirmed active checks on
//! every parameter, and reports [`Finding`]s with an HTTP location, the request and response
//! excerpts as evidence, and the rule's CWE.
//!
//! # Safety model
//! - [`http::Client::send`] is the only place a request is made. It refuses any URL outside the
//!   [`scope::Scope`] (the target's origin, or `--scope` origins/path prefixes): out-of-scope
//!   links and redirects are recorded in [`Stats::out_of_scope`], never requested. Redirects
//!   are never followed automatically; each hop is a new, scope-checked request.
//! - Methods other than GET/HEAD/OPTIONS are refused unless `allow_unsafe_methods`; the
//!   exceptions are the login request the user configured and GraphQL *queries* (never
//!   mutations), which are read-only by the GraphQL specification.
//! - Rate limit (requests per second), request budget and time budget are enforced before
//!   each request and reported. Responses are read up to `max_body` bytes; every request has a
//!   timeout, so slow or endless responses cannot stall the scan.
//! - Active probes never destroy data: they read (`id`, `/etc/passwd`, `sleep`), reflect
//!   markers, or ask the target to call palisade's own callback listener on 127.0.0.1.
//!
//! # Dependencies, and why
//! - `ureq` (3, rustls): a small synchronous HTTP client already used by the workspace; one scan
//!   is a sequential conversation with a rate limit, so an async runtime buys nothing. Redirects
//!   off, proxies off (a proxy would move the scope decision elsewhere), global per-request
//!   timeout, and bodies read through a `take(max_body)` reader.
//! - `html5ever` (its tokenizer only): the WHATWG tokenizer browsers use, so links, forms and
//!   reflected markup are read the way a browser reads them, malformed pages included, with
//!   no DOM kept in memory. Reflected XSS is confirmed by the tokenizer seeing palisade's tag.
//! - `url`: WHATWG URL parsing and joining, the same resolution a browser applies to links.
//! - `hmac` + `sha2`: HS256/384/512 for the offline JWT weak-secret check and for re-signing
//!   an expired token once a secret is known. `base64` for JWT segments.
//! - `serde_json` / `serde-saphyr`: OpenAPI documents (JSON or YAML) and GraphQL responses.

pub mod discover;
pub mod html;
pub mod http;
pub mod passive;
pub mod rules;
pub mod scope;

mod active;
mod graphql;
mod jwt;
mod oob;
mod scan;

use std::time::Duration;

pub use palisade_engine::finding::{Diagnostic, Finding};
pub use scan::run;
use url::Url;

/// Errors that stop a scan before it starts.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the built-in DAST rules do not load: {0}")]
    Rules(String),
    #[error("target `{0}` is not an http(s) URL with a host")]
    Target(String),
    #[error("{0}")]
    Scope(String),
    #[error("cannot start the SSRF callback listener on 127.0.0.1: {0}")]
    Listener(std::io::Error),
}

/// Where an OpenAPI document comes from.
#[derive(Debug, Clone)]
pub enum OpenApiSource {
    /// Read by the caller: a name for diagnostics, and the text.
    Text { name: String, text: String },
    /// Fetched through the scoped client (so it must be in scope).
    Url(Url),
}

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub target: Url,
    /// `--scope` entries; empty means the target's origin.
    pub scope: Vec<String>,
    pub limits: http::ClientLimits,
    /// Only the crawl's GET requests: no probes at all.
    pub passive_only: bool,
    pub allow_unsafe_methods: bool,
    /// Session A headers (`--header`), including `Cookie`/`Authorization`.
    pub headers: Vec<(String, String)>,
    /// Session A cookies (`--cookie name=value`).
    pub cookies: Vec<(String, String)>,
    pub login: Option<http::Login>,
    /// Session B headers (`--session-b`), for broken object-level authorisation.
    pub session_b: Vec<(String, String)>,
    pub openapi: Vec<OpenApiSource>,
    /// Pages the crawl may request.
    pub max_pages: usize,
    /// Link depth from the target.
    pub max_depth: usize,
}

impl Options {
    pub fn new(target: Url) -> Options {
        Options {
            target,
            scope: Vec::new(),
            limits: http::ClientLimits::default(),
            passive_only: false,
            allow_unsafe_methods: false,
            headers: Vec::new(),
            cookies: Vec::new(),
            login: None,
            session_b: Vec::new(),
            openapi: Vec::new(),
            max_pages: 500,
            max_depth: 8,
        }
    }
}

/// What the scan did, reported at the end.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub requests: u64,
    pub failed: u64,
    pub by_method: std::collections::BTreeMap<String, u64>,
    pub elapsed: Duration,
    pub pages: usize,
    pub endpoints: usize,
    /// Out-of-scope URLs seen in links and redirects: recorded, never requested.
    pub out_of_scope: Vec<String>,
    /// Requests refused as unsafe methods (no `--allow-unsafe-methods`).
    pub refused_unsafe: u64,
    pub relogins: u64,
    /// Which budget ended the scan early, if any.
    pub budget_hit: Option<String>,
    /// The Observatory-style grade of the target's first HTML response.
    pub grade: Option<passive::Grade>,
    pub graphql_endpoints: Vec<String>,
}

/// The result of a scan.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
}
