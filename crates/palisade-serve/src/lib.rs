//! # palisade-serve: the AppSec dashboard and upload API
//!
//! `palisade serve` in a library: an axum server over the findings store
//! ([`palisade_store`]; SQLite by default, PostgreSQL for many uploaders).
//!
//! - **Upload API** (`POST /api/v1/uploads`, documented by the OpenAPI 3 document at
//!   `/api/v1/openapi.json`): palisade JSON v1, SARIF 2.1.0 from any tool, and CycloneDX or
//!   SPDX JSON SBOMs for the dependency inventory. Each project has its own upload tokens
//!   (only their SHA-256 is stored; revocable); bodies are size-limited; a re-upload with
//!   the same `Idempotency-Key` (or the same body, branch and commit) records nothing and
//!   returns the first answer. Results are recorded exactly as `palisade scan --store` and
//!   `palisade import` record them: deduplication, code-owner routing (a project's
//!   CODEOWNERS routes results that carry no owners), new/open/fixed/reopened.
//! - **Dashboard**: server-rendered HTML, one stylesheet and one script served from the
//!   binary (no CDN; the Content-Security-Policy allows no inline script or style).
//! - **Security**: login with OpenID Connect (palisade-auth's client: PKCE S256, state,
//!   nonce, issuer checks) or the local admin bootstrap token; roles admin, appsec and
//!   developer (developers see and triage only the projects they own); a synchronizer CSRF
//!   token plus an Origin check on every state change; `HttpOnly`, `SameSite=Strict`
//!   session cookies (`__Host-` and `Secure` behind TLS, with HSTS); every query
//!   parameterised (the store binds every value); rate limits on login and upload.
//! - **Faults**: store operations run on a small pool of connections; a connection that
//!   fails is dropped and the request answered `503` with `Retry-After`, and the next
//!   request connects again — losing PostgreSQL gives 503s, not a dead server.
//!
//! ## Why these dependencies
//!
//! - `axum` + `tokio`: the HTTP server palisade-auth's integration is written for (its
//!   OIDC client is async on tokio); the store is synchronous and runs on the blocking
//!   pool (`spawn_blocking`), one connection per task.
//! - `palisade-auth`: the OIDC relying party (discovery, PKCE, ID-token validation).
//! - `ring`: random session ids, CSRF and upload tokens (already in the tree via rustls).
//! - `palisade-report`: the frozen JSON v1 structs uploads are read with.
//! - `palisade-engine`: the rules' metadata for the "learn" pages.
//! - `palisade-codeowners`: routing imported results by the project's CODEOWNERS.
//! - `toml`: the configuration file; `url`: public URL and redirect URI.

mod api;
mod html;
mod ingest;
mod pool;
mod security;
mod ui;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use palisade_engine::RuleMeta;
use palisade_store::Sla;
use serde::Deserialize;

pub use ingest::{Ingested, ingest};
pub use security::random_token;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] palisade_store::Error),
    #[error("{file}: {detail}")]
    Config { file: String, detail: String },
    #[error("cannot listen on {addr}: {source}; choose another --bind address or port")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("OpenID Connect: {0}")]
    Oidc(String),
    #[error("{0}")]
    Invalid(String),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// OpenID Connect login.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer URL (discovery at `/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    /// The client secret (`client_secret_basic`); none: a public client (PKCE only).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The role of a person's first login (default: developer).
    #[serde(default)]
    pub default_role: Option<String>,
    /// Accept `http://` loopback issuers (local testing only).
    #[serde(default)]
    pub allow_loopback_http: bool,
}

/// Everything `palisade serve` is configured with.
#[derive(Debug, Clone)]
pub struct Config {
    /// An SQLite file path, or a `postgres://` URL.
    pub store: String,
    pub bind: SocketAddr,
    /// The URL people reach the dashboard at (default: `http://<bind>`); its origin is what
    /// the CSRF check accepts, and `https://` turns on HSTS and `__Host-` secure cookies.
    pub public_url: Option<String>,
    /// The local admin bootstrap token (login and admin API). None: one is generated and
    /// printed at start.
    pub admin_token: Option<String>,
    pub oidc: Option<OidcConfig>,
    /// Largest accepted upload body, in bytes.
    pub max_upload_bytes: usize,
    /// Uploads per minute per token.
    pub upload_rate_per_minute: u32,
    /// Login attempts per minute per client address.
    pub login_rate_per_minute: u32,
    /// Store connections (concurrent store operations).
    pub pool_size: usize,
    pub sla: Sla,
    /// The rules the learn pages explain.
    pub rules: Vec<RuleMeta>,
}

impl Config {
    /// The defaults for a store at `store`.
    pub fn new(store: impl Into<String>) -> Config {
        Config {
            store: store.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            admin_token: None,
            oidc: None,
            max_upload_bytes: 64 * 1024 * 1024,
            upload_rate_per_minute: 600,
            login_rate_per_minute: 10,
            pool_size: 8,
            sla: Sla::default(),
            rules: Vec::new(),
        }
    }
}

/// The configuration file (`palisade serve --config serve.toml`); every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub store: Option<String>,
    pub bind: Option<String>,
    pub public_url: Option<String>,
    pub admin_token: Option<String>,
    pub max_upload: Option<String>,
    pub upload_rate_per_minute: Option<u32>,
    pub login_rate_per_minute: Option<u32>,
    pub pool_size: Option<usize>,
    pub oidc: Option<OidcConfig>,
}

impl FileConfig {
    /// Reads the TOML file at `path`.
    pub fn load(path: &Path) -> Result<FileConfig, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
            file: path.display().to_string(),
            detail: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| Error::Config {
            file: path.display().to_string(),
            detail: e.to_string(),
        })
    }
}

/// A started server.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The dashboard's URL.
    pub url: String,
    /// The admin bootstrap token (as configured, or generated).
    pub admin_token: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), std::io::Error>>,
}

impl Running {
    /// Stops accepting, finishes the requests in flight, and returns.
    pub async fn stop(mut self) -> Result<(), Error> {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        match self.task.await {
            Ok(r) => Ok(r?),
            Err(e) => Err(Error::Invalid(format!("server task failed: {e}"))),
        }
    }

    /// Runs until the process receives Ctrl-C (or SIGTERM), then stops gracefully.
    pub async fn wait_for_signal(self) -> Result<(), Error> {
        shutdown_signal().await;
        self.stop().await
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = async {
            match signal(SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Shared state of the handlers.
pub(crate) struct AppState {
    pub pool: pool::Pool,
    pub config: Config,
    pub admin_token: String,
    pub origin: String,
    pub tls: bool,
    pub sessions: security::Sessions,
    pub login_limit: security::RateLimiter,
    pub upload_limit: security::RateLimiter,
    pub oidc: Option<palisade_auth::Client>,
    pub rules: std::collections::HashMap<String, RuleMeta>,
}

pub(crate) type App = Arc<AppState>;

/// Opens (and migrates) the store, binds, and serves in the background on the current
/// tokio runtime.
pub async fn start(config: Config) -> Result<Running, Error> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| Error::Bind {
            addr: config.bind,
            source,
        })?;
    // Open once up front: migrations run now, and a wrong URL fails the start. The pool
    // owns the connection at once (it closes connections off the async threads).
    let store_url = config.store.clone();
    let first = tokio::task::spawn_blocking(move || palisade_store::Store::open(&store_url))
        .await
        .map_err(|e| Error::Invalid(format!("store task failed: {e}")))??;
    let pool = pool::Pool::new(&config.store, config.pool_size, first);
    let addr = listener.local_addr()?;
    let public = match &config.public_url {
        Some(u) => {
            url::Url::parse(u).map_err(|e| Error::Invalid(format!("public URL `{u}`: {e}")))?
        }
        None => url::Url::parse(&format!("http://{addr}/"))
            .map_err(|e| Error::Invalid(format!("listen address: {e}")))?,
    };
    let tls = public.scheme() == "https";
    let origin = public.origin().ascii_serialization();
    let admin_token = match &config.admin_token {
        Some(t) if t.len() >= 16 => t.clone(),
        Some(_) => {
            return Err(Error::Invalid(
                "the admin token must be at least 16 characters".into(),
            ));
        }
        None => security::random_token(),
    };
    let oidc = match &config.oidc {
        Some(o) => Some(security::oidc_client(o, &public).await?),
        None => None,
    };
    let rules = config
        .rules
        .iter()
        .map(|r| (r.id.clone(), r.clone()))
        .collect();
    let state = Arc::new(AppState {
        pool,
        login_limit: security::RateLimiter::new(config.login_rate_per_minute),
        upload_limit: security::RateLimiter::new(config.upload_rate_per_minute),
        config,
        admin_token: admin_token.clone(),
        origin,
        tls,
        sessions: security::Sessions::default(),
        oidc,
        rules,
    });
    let app = router(state);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = rx.await;
        })
        .await
    });
    let mut url = public.to_string();
    if url.ends_with('/') {
        url.pop();
    }
    Ok(Running {
        addr,
        url,
        admin_token,
        shutdown: Some(tx),
        task,
    })
}

fn router(state: App) -> Router {
    let max = state.config.max_upload_bytes;
    Router::new()
        .merge(api::routes(max))
        .merge(ui::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .with_state(state)
}

/// How long clients are told to wait after a 503.
pub(crate) const RETRY_AFTER: Duration = Duration::from_secs(2);
