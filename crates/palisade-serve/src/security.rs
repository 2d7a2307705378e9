//! Sessions, CSRF, roles, rate limits and the security headers of every response.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use palisade_store::Role;

use crate::{App, Error, OidcConfig};

/// 32 random bytes, base64url without padding (43 characters).
pub fn random_token() -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 32];
    // The system RNG failing is not recoverable; ring documents it as practically never.
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        // Fall back to hashing time and address entropy would be weaker; refuse instead.
        std::process::abort();
    }
    base64url(&b)
}

fn base64url(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(b.len() * 4 / 3 + 2);
    for chunk in b.chunks(3) {
        let n = match chunk.len() {
            3 => (u32::from(chunk[0]) << 16) | (u32::from(chunk[1]) << 8) | u32::from(chunk[2]),
            2 => (u32::from(chunk[0]) << 16) | (u32::from(chunk[1]) << 8),
            _ => u32::from(chunk[0]) << 16,
        };
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// Constant-time string comparison.
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A logged-in person.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub subject: String,
    pub display: String,
    pub role: Role,
    pub csrf: String,
    /// The code-owner handle "my findings" shows.
    pub owner: Option<String>,
}

enum Entry {
    Pending {
        pending: Box<palisade_auth::PendingAuthorization>,
        expires: Instant,
    },
    Active {
        session: Session,
        expires: Instant,
    },
}

const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
const PENDING_TTL: Duration = Duration::from_secs(600);
const MAX_SESSIONS: usize = 100_000;

/// Server-side sessions; the browser holds only a random id.
#[derive(Default)]
pub(crate) struct Sessions {
    map: Mutex<HashMap<String, Entry>>,
}

impl Sessions {
    fn insert(&self, e: Entry) -> String {
        let id = random_token();
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_SESSIONS {
            let now = Instant::now();
            map.retain(|_, e| match e {
                Entry::Pending { expires, .. } | Entry::Active { expires, .. } => *expires > now,
            });
        }
        if map.len() < MAX_SESSIONS {
            map.insert(id.clone(), e);
        }
        id
    }

    pub(crate) fn start(&self, session: Session) -> String {
        self.insert(Entry::Active {
            session,
            expires: Instant::now() + SESSION_TTL,
        })
    }

    pub(crate) fn start_pending(&self, pending: palisade_auth::PendingAuthorization) -> String {
        self.insert(Entry::Pending {
            pending: Box::new(pending),
            expires: Instant::now() + PENDING_TTL,
        })
    }

    pub(crate) fn take_pending(&self, id: &str) -> Option<palisade_auth::PendingAuthorization> {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.remove(id) {
            Some(Entry::Pending { pending, expires }) if expires > Instant::now() => Some(*pending),
            _ => None,
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<Session> {
        let map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.get(id) {
            Some(Entry::Active { session, expires }) if *expires > Instant::now() => {
                Some(session.clone())
            }
            _ => None,
        }
    }

    pub(crate) fn end(&self, id: &str) {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(id);
    }
}

/// The session cookie's name: `__Host-` (which browsers only accept `Secure`, for `/`,
/// without `Domain`) behind TLS; plain on an `http://` loopback dashboard.
pub(crate) fn cookie_name(tls: bool) -> &'static str {
    if tls {
        "__Host-palisade-session"
    } else {
        "palisade-session"
    }
}

pub(crate) fn session_cookie(tls: bool, id: &str) -> HeaderValue {
    let secure = if tls { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={id}; Path=/; HttpOnly; SameSite=Lax{secure}",
        cookie_name(tls)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("palisade-session=; Path=/"))
}

pub(crate) fn clear_cookie(tls: bool) -> HeaderValue {
    let secure = if tls { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(tls)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("palisade-session=; Path=/; Max-Age=0"))
}

pub(crate) fn session_id(tls: bool, headers: &HeaderMap) -> Option<String> {
    let name = cookie_name(tls);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name && v.len() == 43).then(|| v.to_owned())
        })
}

/// The logged-in person; pages redirect to the login page without one.
pub(crate) struct Viewer(pub Session);

impl FromRequestParts<App> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let found = session_id(app.tls, &parts.headers).and_then(|id| app.sessions.get(&id));
        match found {
            Some(s) => Ok(Viewer(s)),
            None => {
                let back = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "/".into());
                let to = format!("/login?return_to={}", crate::html::url_enc(&back));
                Err(Redirect::to(&to).into_response())
            }
        }
    }
}

/// Is this state-changing request from the dashboard itself (Origin, or Sec-Fetch-Site)?
pub(crate) fn same_origin(app: &App, h: &HeaderMap) -> bool {
    // `Origin: null` (privacy settings, some redirects) says nothing: use Fetch metadata.
    let origin = h
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null");
    let site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match (origin, site) {
        (Some(o), _) => o == app.origin,
        (None, Some(s)) => s == "same-origin",
        // Non-browser clients (no Origin, no Fetch metadata) still need the CSRF token,
        // which only a page of this origin can read.
        (None, None) => true,
    }
}

/// The CSRF check of a form post: same origin and the session's token. `Some` is the
/// refusal to send.
pub(crate) fn check_csrf(app: &App, h: &HeaderMap, s: &Session, token: &str) -> Option<Response> {
    if !same_origin(app, h) {
        return Some((StatusCode::FORBIDDEN, "cross-origin request refused\n").into_response());
    }
    if !ct_eq(token, &s.csrf) {
        return Some(
            (
                StatusCode::FORBIDDEN,
                "bad or missing CSRF token; reload the page\n",
            )
                .into_response(),
        );
    }
    None
}

/// A token bucket per key (client address, upload token).
pub(crate) struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`; false when the key is over its rate.
    pub(crate) fn allow(&self, key: &str) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let cap = f64::from(self.per_minute);
        let now = Instant::now();
        let mut b = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if b.len() > 100_000 {
            b.retain(|_, (_, t)| now.duration_since(*t) < Duration::from_secs(60));
        }
        let (tokens, last) = b.entry(key.to_owned()).or_insert((cap, now));
        let refill = now.duration_since(*last).as_secs_f64() * cap / 60.0;
        *tokens = (*tokens + refill).min(cap);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

pub(crate) fn too_many() -> Response {
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        "too many requests; wait a minute\n",
    )
        .into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    r
}

pub(crate) fn client_ip(parts: &axum::extract::Request) -> String {
    parts
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
        .to_string()
}

/// The Content-Security-Policy of every page: nothing inline, nothing from elsewhere.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Security headers on every response; HSTS when the dashboard is served over TLS.
pub(crate) async fn headers(State(app): State<App>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let method = req.method().clone();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        // Not `no-referrer`: browsers then send `Origin: null` on the dashboard's own
        // form posts, and the origin check needs the real one.
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) && (!is_api || method != Method::GET) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if app.tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}

/// The OIDC client, by discovery.
pub(crate) async fn oidc_client(
    o: &OidcConfig,
    public: &url::Url,
) -> Result<palisade_auth::Client, Error> {
    let redirect = public
        .join("/auth/callback")
        .map_err(|e| Error::Oidc(format!("redirect URI: {e}")))?;
    let auth = match &o.client_secret {
        Some(s) => {
            palisade_auth::ClientAuth::ClientSecretBasic(palisade_auth::Secret::new(s.clone()))
        }
        None => palisade_auth::ClientAuth::None,
    };
    let mut cfg = palisade_auth::ClientConfig::new(o.client_id.clone(), redirect, auth);
    cfg.scopes = vec!["openid".into(), "email".into()];
    if o.allow_loopback_http {
        cfg.mode = palisade_auth::SecurityMode::DevelopmentLoopback;
    }
    palisade_auth::Client::discover(&o.issuer, cfg)
        .await
        .map_err(|e| Error::Oidc(format!("{}: {e}", o.issuer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_base64url() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn rate_limiter_refuses_over_the_rate() {
        let r = RateLimiter::new(3);
        assert!(r.allow("a") && r.allow("a") && r.allow("a"));
        assert!(!r.allow("a"));
        assert!(r.allow("b"), "keys are independent");
    }

    #[test]
    fn constant_time_eq() {
        assert!(ct_eq("abc", "abc"));
        assert!(!ct_eq("abc", "abd"));
        assert!(!ct_eq("abc", "ab"));
    }
}
