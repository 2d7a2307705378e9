//! axum/tower integration (feature `axum`).
//!
//! For web apps (relying parties): [`WebAuth::router`] serves `GET /login`, `GET <redirect
//! path>` (the callback) and `POST /logout`; sessions live server-side and the browser only
//! holds a random id in a `__Host-` cookie (`Secure; HttpOnly; SameSite=Lax; Path=/`), rotated
//! at login; they are kept in a [`SessionStore`] (in memory by default, SQLite with the
//! `sqlite` feature) and ended by OpenID Connect back-channel logout. [`WebAuth::csrf_layer`] protects state-changing requests (same-origin check plus a
//! synchronizer token); the [`User`] extractor gives handlers the logged-in user.
//!
//! For APIs (resource servers): [`BearerLayer`] validates the access token (and its DPoP proof
//! when sender-constrained) and the required scopes, and puts [`BearerClaims`] in the request
//! extensions.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use url::Url;

use crate::client::random_token;
use crate::session::{MemorySessionStore, SessionStore, StoredSession};
use crate::{
    AccessTokenValidator, Claims, Client, Error, PendingAuthorization, Presentation, Secret,
    SessionStoreError, TokenError, TokenSet,
};

/// The session cookie's name. The `__Host-` prefix makes browsers insist on `Secure`,
/// `Path=/` and no `Domain`, so no sibling subdomain can set or overwrite it.
pub const SESSION_COOKIE: &str = "__Host-palisade-session";
/// The form field or header (`x-csrf-token`) carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
const CSRF_HEADER: &str = "x-csrf-token";
/// Where [`WebAuth::router`] serves OpenID Connect back-channel logout (register this URL as
/// the client's `backchannel_logout_uri`).
pub const BACKCHANNEL_LOGOUT_PATH: &str = "/backchannel-logout";
const PENDING_TTL: Duration = Duration::from_secs(600);

enum SessionData {
    Pending {
        pending: PendingAuthorization,
        return_to: String,
    },
    LoggedIn {
        tokens: Box<TokenSet>,
        csrf: String,
    },
}

/// The serialized form of [`SessionData`] handed to the [`SessionStore`].
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind")]
enum Persisted {
    Pending {
        pending: PendingAuthorization,
        return_to: String,
    },
    LoggedIn {
        access_token: Secret,
        dpop_bound: bool,
        expires_at: Option<i64>,
        refresh_token: Option<Secret>,
        id_token: Option<Secret>,
        /// The verified ID token payload (JSON), re-read without re-verification.
        id_claims: Option<String>,
        scope: Option<String>,
        csrf: String,
    },
}

fn encode(data: SessionData, expires_at: i64) -> Result<StoredSession, Error> {
    let (sub, sid, p) = match data {
        SessionData::Pending { pending, return_to } => {
            (None, None, Persisted::Pending { pending, return_to })
        }
        SessionData::LoggedIn { tokens, csrf } => {
            let t = *tokens;
            let sub = t.id_claims.as_ref().and_then(|c| c.sub.clone());
            let sid = t.id_claims.as_ref().and_then(|c| c.sid.clone());
            let id_claims = t
                .id_claims
                .as_ref()
                .map(|c| String::from_utf8_lossy(c.raw_json()).into_owned());
            (
                sub,
                sid,
                Persisted::LoggedIn {
                    access_token: t.access_token,
                    dpop_bound: t.dpop_bound,
                    expires_at: t.expires_at,
                    refresh_token: t.refresh_token,
                    id_token: t.id_token,
                    id_claims,
                    scope: t.scope,
                    csrf,
                },
            )
        }
    };
    let data = serde_json::to_vec(&p).map_err(|_| SessionStoreError::Corrupt)?;
    Ok(StoredSession {
        data,
        expires_at,
        sub,
        sid,
    })
}

fn decode(s: &StoredSession) -> Option<SessionData> {
    Some(match serde_json::from_slice(&s.data).ok()? {
        Persisted::Pending { pending, return_to } => SessionData::Pending { pending, return_to },
        Persisted::LoggedIn {
            access_token,
            dpop_bound,
            expires_at,
            refresh_token,
            id_token,
            id_claims,
            scope,
            csrf,
        } => SessionData::LoggedIn {
            tokens: Box::new(TokenSet {
                access_token,
                dpop_bound,
                expires_at,
                refresh_token,
                id_token,
                id_claims: match id_claims {
                    Some(c) => Some(Claims::parse(c.into_bytes()).ok()?),
                    None => None,
                },
                scope,
            }),
            csrf,
        },
    })
}

/// Sessions through the configured [`SessionStore`]: random 256-bit ids, bounded lifetime.
struct Sessions {
    store: Arc<dyn SessionStore>,
}

impl Sessions {
    fn insert(&self, data: SessionData, ttl: Duration) -> Result<String, Error> {
        let id = random_token()?;
        let ttl = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
        let stored = encode(data, crate::now().saturating_add(ttl))?;
        self.store.insert(&id, stored)?;
        Ok(id)
    }

    /// Store failures read as "no session" (fail closed: the user logs in again).
    fn take(&self, id: &str) -> Option<SessionData> {
        let s = self.store.take(id, crate::now()).ok().flatten()?;
        decode(&s)
    }

    fn with<T>(&self, id: &str, f: impl FnOnce(&SessionData) -> T) -> Option<T> {
        let s = self.store.get(id, crate::now()).ok().flatten()?;
        decode(&s).map(|d| f(&d))
    }
}

struct Inner {
    client: Client,
    sessions: Sessions,
    origin: String,
    callback_path: String,
    session_ttl: Duration,
}

/// The web-app side: login, callback, logout, sessions and CSRF. Put it in your router state
/// (it implements `Clone`; use `FromRef` for larger states).
#[derive(Clone)]
pub struct WebAuth {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for WebAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebAuth")
            .field("origin", &self.inner.origin)
            .finish_non_exhaustive()
    }
}

fn session_cookie(id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={id}; Path=/; Secure; HttpOnly; SameSite=Lax"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("__Host-palisade-session=; Path=/; Secure"))
}

fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "__Host-palisade-session=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
    )
}

/// The session id from the request's cookies.
fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == SESSION_COOKIE && v.len() == 43).then(|| v.to_owned())
        })
}

/// Only same-site relative paths are accepted as post-login targets (no open redirects).
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

fn fail(status: StatusCode, e: &Error) -> Response {
    (status, format!("authentication failed: {e}")).into_response()
}

impl WebAuth {
    /// Wrap a configured [`Client`]. The app's origin and callback path come from its
    /// redirect URI. Sessions last 8 hours by default and live in memory
    /// ([`MemorySessionStore`]); see [`WebAuth::with_store`] for a persistent store.
    #[must_use]
    pub fn new(client: Client, redirect_uri: &Url) -> Self {
        Self::with_store(
            client,
            redirect_uri,
            Arc::new(MemorySessionStore::default()),
        )
    }

    /// Like [`WebAuth::new`], keeping sessions in `store` (e.g.
    /// [`crate::session::SqliteSessionStore`] with the `sqlite` feature).
    #[must_use]
    pub fn with_store(client: Client, redirect_uri: &Url, store: Arc<dyn SessionStore>) -> Self {
        WebAuth {
            inner: Arc::new(Inner {
                client,
                sessions: Sessions { store },
                origin: redirect_uri.origin().ascii_serialization(),
                callback_path: redirect_uri.path().to_owned(),
                session_ttl: Duration::from_secs(8 * 3600),
            }),
        }
    }

    /// The routes: `GET /login?return_to=/path`, `GET <callback path>`, `POST /logout`
    /// (CSRF-protected), and `POST /backchannel-logout` ([`BACKCHANNEL_LOGOUT_PATH`]; a
    /// server-to-server call authenticated by the signed logout token, so outside the CSRF
    /// check). Merge into your app's router.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        Router::new()
            .route("/login", get(login))
            .route(&self.inner.callback_path, get(callback))
            .route("/logout", post(logout))
            .layer(self.csrf_layer())
            .route(BACKCHANNEL_LOGOUT_PATH, post(backchannel_logout))
            .with_state(self.clone())
    }

    /// A layer refusing cross-site state-changing requests: for POST/PUT/PATCH/DELETE the
    /// `Origin` (or `Sec-Fetch-Site`) must be this app's, and a logged-in session must present
    /// its CSRF token in the `x-csrf-token` header or a `csrf` form field.
    pub fn csrf_layer(&self) -> CsrfLayer {
        axum::middleware::from_fn_with_state(self.clone(), csrf_entry as _)
    }
}

type BoxedResponse = Pin<Box<dyn Future<Output = Response> + Send>>;

/// The layer returned by [`WebAuth::csrf_layer`].
pub type CsrfLayer = axum::middleware::FromFnLayer<
    fn(State<WebAuth>, Request, Next) -> BoxedResponse,
    WebAuth,
    (State<WebAuth>, Request),
>;

fn csrf_entry(State(auth): State<WebAuth>, req: Request, next: Next) -> BoxedResponse {
    Box::pin(csrf_check(auth, req, next))
}

async fn csrf_check(auth: WebAuth, req: Request, next: Next) -> Response {
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return next.run(req).await;
    }
    let h = req.headers();
    let origin = h.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let same_origin = match (origin, site) {
        (Some(o), _) => o == auth.inner.origin,
        (None, Some(s)) => s == "same-origin",
        (None, None) => false,
    };
    if !same_origin {
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    let Some(id) = session_id(h) else {
        return next.run(req).await;
    };
    let expected = auth.inner.sessions.with(&id, |d| match d {
        SessionData::LoggedIn { csrf, .. } => Some(csrf.clone()),
        SessionData::Pending { .. } => None,
    });
    let Some(Some(expected)) = expected else {
        return next.run(req).await;
    };
    if let Some(t) = h.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if ct_eq(t, &expected) {
            next.run(req).await
        } else {
            (StatusCode::FORBIDDEN, "bad CSRF token").into_response()
        };
    }
    let is_form = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (StatusCode::FORBIDDEN, "missing CSRF token").into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response();
    };
    let ok =
        url::form_urlencoded::parse(&bytes).any(|(k, v)| k == CSRF_FIELD && ct_eq(&v, &expected));
    if !ok {
        return (StatusCode::FORBIDDEN, "bad CSRF token").into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    return_to: Option<String>,
}

async fn login(
    State(auth): State<WebAuth>,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Response {
    let req = match auth.inner.client.authorize().await {
        Ok(r) => r,
        Err(e) => return fail(StatusCode::BAD_GATEWAY, &e),
    };
    let data = SessionData::Pending {
        pending: req.pending,
        return_to: safe_return_to(q.return_to.as_deref()),
    };
    let id = match auth.inner.sessions.insert(data, PENDING_TTL) {
        Ok(id) => id,
        Err(e) => return fail(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let mut resp = Redirect::to(req.url.as_str()).into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&id));
    resp
}

async fn callback(State(auth): State<WebAuth>, req: Request) -> Response {
    let query = req.uri().query().unwrap_or("").to_owned();
    let pending = session_id(req.headers()).and_then(|id| auth.inner.sessions.take(&id));
    let Some(SessionData::Pending { pending, return_to }) = pending else {
        return (StatusCode::BAD_REQUEST, "no login in progress").into_response();
    };
    let client = &auth.inner.client;
    let validated = match client.validate_callback_query(pending, &query) {
        Ok(v) => v,
        Err(e) => return fail(StatusCode::BAD_REQUEST, &e),
    };
    let tokens = match client.exchange(validated).await {
        Ok(t) => t,
        Err(e) => return fail(StatusCode::BAD_GATEWAY, &e),
    };
    let csrf = match random_token() {
        Ok(c) => c,
        Err(e) => return fail(StatusCode::INTERNAL_SERVER_ERROR, &e.into()),
    };
    // A fresh session id at login (no fixation).
    let data = SessionData::LoggedIn {
        tokens: Box::new(tokens),
        csrf,
    };
    let id = match auth.inner.sessions.insert(data, auth.inner.session_ttl) {
        Ok(id) => id,
        Err(e) => return fail(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let mut resp = Redirect::to(&return_to).into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&id));
    resp
}

async fn logout(State(auth): State<WebAuth>, headers: HeaderMap) -> Response {
    let taken = session_id(&headers).and_then(|id| auth.inner.sessions.take(&id));
    let client = &auth.inner.client;
    let mut target = "/".to_owned();
    if let Some(SessionData::LoggedIn { tokens, .. }) = taken {
        if let Some(rt) = &tokens.refresh_token {
            // Best effort: the local session is gone either way.
            let _ = client.revoke(rt, Some("refresh_token")).await;
        }
        if let Some(u) = client.end_session_url(Some(&tokens), None) {
            target = u.to_string();
        }
    }
    let mut resp = Redirect::to(&target).into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, clear_cookie());
    resp
}

/// OpenID Connect Back-Channel Logout 1.0 §2.5/§2.8: the OP POSTs `logout_token` (form); a
/// valid token ends the sessions it names (by `sid`, else every session of its `sub`).
/// 200 on success, 400 with an OAuth error body otherwise; never cached.
async fn backchannel_logout(
    State(auth): State<WebAuth>,
    axum::extract::Form(form): axum::extract::Form<std::collections::HashMap<String, String>>,
) -> Response {
    let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];
    let bad = |desc: String| {
        let body = serde_json::json!({"error": "invalid_request", "error_description": desc});
        (
            StatusCode::BAD_REQUEST,
            no_store.clone(),
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body.to_string(),
        )
            .into_response()
    };
    let Some(token) = form.get("logout_token") else {
        return bad("logout_token is missing".into());
    };
    let claims = match auth.inner.client.validate_logout_token(token).await {
        Ok(c) => c,
        Err(e) => return bad(e.to_string()),
    };
    match auth
        .inner
        .sessions
        .store
        .end_sessions(claims.sid.as_deref(), claims.sub.as_deref())
    {
        Ok(_) => (StatusCode::OK, no_store).into_response(),
        Err(e) => fail(StatusCode::INTERNAL_SERVER_ERROR, &e.into()),
    }
}

/// The logged-in user, for handlers behind [`WebAuth`]. Rejects with 401 when there is no
/// logged-in session.
#[derive(Debug, Clone)]
pub struct User {
    /// The validated ID token claims.
    pub claims: Claims,
    /// The tokens (to call APIs with).
    pub tokens: TokenSet,
    /// The CSRF token to embed in forms (field `csrf`) or send as `x-csrf-token`.
    pub csrf_token: String,
}

impl<S> FromRequestParts<S> for User
where
    WebAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = WebAuth::from_ref(state);
        let id = session_id(&parts.headers).ok_or((StatusCode::UNAUTHORIZED, "not logged in"))?;
        auth.inner
            .sessions
            .with(&id, |d| match d {
                SessionData::LoggedIn { tokens, csrf } => {
                    tokens.id_claims.clone().map(|claims| User {
                        claims,
                        tokens: (**tokens).clone(),
                        csrf_token: csrf.clone(),
                    })
                }
                SessionData::Pending { .. } => None,
            })
            .flatten()
            .ok_or((StatusCode::UNAUTHORIZED, "not logged in"))
    }
}

impl<S> axum::extract::OptionalFromRequestParts<S> for User
where
    WebAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <User as FromRequestParts<S>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

/// The validated access-token claims, inserted into request extensions by [`BearerLayer`].
#[derive(Debug, Clone)]
pub struct BearerClaims(pub Claims);

/// A tower layer for resource servers: requires a valid access token with the given scopes.
#[derive(Clone)]
pub struct BearerLayer {
    validator: Arc<AccessTokenValidator>,
    scopes: Arc<[String]>,
    public_url: Option<Url>,
}

impl std::fmt::Debug for BearerLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerLayer")
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl BearerLayer {
    /// Require tokens accepted by `validator` carrying every scope in `scopes`.
    #[must_use]
    pub fn new(validator: AccessTokenValidator, scopes: &[&str]) -> Self {
        BearerLayer {
            validator: Arc::new(validator),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            public_url: None,
        }
    }

    /// The externally visible base URL of this API (scheme and host), needed to check DPoP
    /// proofs' `htu`. Without it, DPoP-bound tokens are refused.
    #[must_use]
    pub fn public_url(mut self, base: Url) -> Self {
        self.public_url = Some(base);
        self
    }
}

impl<S> tower::Layer<S> for BearerLayer {
    type Service = BearerService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        BearerService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service made by [`BearerLayer`].
#[derive(Clone)]
pub struct BearerService<S> {
    inner: S,
    layer: BearerLayer,
}

impl<S> std::fmt::Debug for BearerService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerService").finish_non_exhaustive()
    }
}

fn challenge(status: StatusCode, e: &Error) -> Response {
    let (code, extra) = match e {
        Error::Token(TokenError::InsufficientScope { missing }) => (
            "insufficient_scope",
            format!(", scope=\"{}\"", missing.join(" ")),
        ),
        _ => ("invalid_token", String::new()),
    };
    let mut resp = (status, format!("{e}")).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("Bearer error=\"{code}\"{extra}")) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    resp
}

impl<S> tower::Service<Request> for BearerService<S>
where
    S: tower::Service<Request, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let authz = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let (dpop_scheme, token) = match authz.split_once(' ') {
                Some((s, t)) if s.eq_ignore_ascii_case("bearer") => (false, t.trim()),
                Some((s, t)) if s.eq_ignore_ascii_case("dpop") => (true, t.trim()),
                _ => {
                    let mut r = (StatusCode::UNAUTHORIZED, "access token required").into_response();
                    r.headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                    return Ok(r);
                }
            };
            let proof = req
                .headers()
                .get("dpop")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let url = match layer.public_url.as_ref() {
                Some(b) => b.join(req.uri().path()),
                None => Url::parse("https://unconfigured.invalid/"),
            };
            let Ok(url) = url else {
                return Ok(StatusCode::BAD_REQUEST.into_response());
            };
            let scopes: Vec<&str> = layer.scopes.iter().map(String::as_str).collect();
            let how = Presentation {
                dpop_scheme,
                dpop_proof: proof.as_deref(),
                method: req.method().as_str(),
                url: &url,
            };
            match layer.validator.validate_request(token, how, &scopes).await {
                Ok(claims) => {
                    req.extensions_mut().insert(BearerClaims(claims));
                    inner.call(req).await
                }
                Err(e @ Error::Token(TokenError::InsufficientScope { .. })) => {
                    Ok(challenge(StatusCode::FORBIDDEN, &e))
                }
                Err(e @ Error::Token(_)) => Ok(challenge(StatusCode::UNAUTHORIZED, &e)),
                Err(e) => Ok(fail(StatusCode::SERVICE_UNAVAILABLE, &e)),
            }
        })
    }
}
