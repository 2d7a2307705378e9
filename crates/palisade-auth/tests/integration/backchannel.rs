//! OpenID Connect Back-Channel Logout 1.0: logout-token validation (every rule of §2.6 with a
//! locally signed token from a fake issuer) and the axum handler ending stored sessions.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use palisade_auth::axum_integration::{BACKCHANNEL_LOGOUT_PATH, WebAuth};
use palisade_auth::session::{SessionStore, SqliteSessionStore, StoredSession};
use palisade_auth::{
    Client, ClientAuth, ClientConfig, Error, LogoutTokenError, SecurityMode, SigningKey, TokenError,
};
use serde_json::{Value, json};
use tower::ServiceExt;
use url::Url;

use crate::support::{APP_REDIRECT, fake_metadata, fake_server, sign};

const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

struct Op {
    issuer: String,
    key: SigningKey,
}

/// A fake issuer whose JWKS holds one local ES256 key, and a client `rp` for it.
async fn op() -> (Op, Client) {
    let (key, _) = SigningKey::generate_es256(Some("op-1".into())).unwrap();
    let jwks = json!({"keys": [key.public_jwk()]}).to_string();
    let issuer = fake_server(move |base, path| match path {
        "/.well-known/openid-configuration" => (200, vec![], fake_metadata(base)),
        "/jwks" => (200, vec![], jwks.clone()),
        _ => (404, vec![], "{}".into()),
    })
    .await;
    let mut cfg = ClientConfig::new("rp", Url::parse(APP_REDIRECT).unwrap(), ClientAuth::None);
    cfg.mode = SecurityMode::DevelopmentLoopback;
    let client = Client::discover(&issuer, cfg).await.unwrap();
    (Op { issuer, key }, client)
}

impl Op {
    fn claims(&self, jti: &str) -> Value {
        let now = palisade_auth::now();
        json!({
            "iss": self.issuer, "aud": "rp", "iat": now, "exp": now + 120, "jti": jti,
            "sub": "alice", "sid": "op-session-1", "events": {EVENT: {}},
        })
    }
    fn token(&self, claims: &Value) -> String {
        sign(&self.key, json!({"typ": "logout+jwt"}), claims.clone())
    }
}

fn logout_err(r: Result<palisade_auth::Claims, Error>) -> TokenError {
    match r {
        Err(Error::Token(t)) => t,
        other => panic!("expected a token error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_valid_logout_token_is_accepted_once() {
    let (op, c) = op().await;
    let t = op.token(&op.claims("j-1"));
    let claims = c.validate_logout_token(&t).await.unwrap();
    assert_eq!(claims.sid.as_deref(), Some("op-session-1"));
    assert_eq!(claims.sub.as_deref(), Some("alice"));
    assert_eq!(
        logout_err(c.validate_logout_token(&t).await),
        TokenError::Logout(LogoutTokenError::Replayed)
    );
    // sid alone and sub alone are both enough.
    let mut only_sid = op.claims("j-2");
    only_sid.as_object_mut().unwrap().remove("sub");
    assert!(c.validate_logout_token(&op.token(&only_sid)).await.is_ok());
    let mut only_sub = op.claims("j-3");
    only_sub.as_object_mut().unwrap().remove("sid");
    assert!(c.validate_logout_token(&op.token(&only_sub)).await.is_ok());
}

#[tokio::test]
async fn malformed_logout_tokens_are_refused_with_the_reason() {
    let (op, c) = op().await;
    let edit = |jti: &str, f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut v = op.claims(jti);
        f(v.as_object_mut().unwrap());
        op.token(&v)
    };
    let cases: Vec<(&str, String, TokenError)> = vec![
        (
            "an ID token (typ JWT)",
            sign(&op.key, json!({"typ": "JWT"}), op.claims("n1")),
            TokenError::WrongType {
                expected: "logout+jwt",
                got: "JWT".into(),
            },
        ),
        (
            "no typ",
            sign(&op.key, json!({}), op.claims("n2")),
            TokenError::WrongType {
                expected: "logout+jwt",
                got: String::new(),
            },
        ),
        (
            "no events",
            edit("n3", &|m| {
                m.remove("events");
            }),
            TokenError::MissingClaim("events"),
        ),
        (
            "another event",
            edit("n4", &|m| {
                m.insert("events".into(), json!({"urn:other": {}}));
            }),
            TokenError::Logout(LogoutTokenError::MissingEvent),
        ),
        (
            "event value not an object",
            edit("n5", &|m| {
                m.insert("events".into(), json!({EVENT: "yes"}));
            }),
            TokenError::Logout(LogoutTokenError::MissingEvent),
        ),
        (
            "neither sid nor sub",
            edit("n6", &|m| {
                m.remove("sid");
                m.remove("sub");
            }),
            TokenError::Logout(LogoutTokenError::NoSubjectOrSession),
        ),
        (
            "a nonce",
            edit("n7", &|m| {
                m.insert("nonce".into(), "n".into());
            }),
            TokenError::Logout(LogoutTokenError::NoncePresent),
        ),
        (
            "no jti",
            edit("n8", &|m| {
                m.remove("jti");
            }),
            TokenError::MissingClaim("jti"),
        ),
        (
            "wrong audience",
            edit("n9", &|m| {
                m.insert("aud".into(), "someone-else".into());
            }),
            TokenError::AudienceMismatch {
                expected: "rp".into(),
            },
        ),
        (
            "expired",
            edit("n10", &|m| {
                m.insert("exp".into(), json!(palisade_auth::now() - 3600));
            }),
            TokenError::Expired {
                exp: palisade_auth::now() - 3600,
                now: 0,
            },
        ),
    ];
    for (what, token, want) in cases {
        let got = logout_err(c.validate_logout_token(&token).await);
        match (&want, &got) {
            (TokenError::Expired { .. }, TokenError::Expired { .. }) => {}
            _ => assert_eq!(got, want, "{what}"),
        }
    }
    // A token signed by another key is refused.
    let (other, _) = SigningKey::generate_es256(Some("op-1".into())).unwrap();
    let forged = sign(&other, json!({"typ": "logout+jwt"}), op.claims("f1"));
    assert_eq!(
        logout_err(c.validate_logout_token(&forged).await),
        TokenError::BadSignature
    );
}

fn stored(sub: &str, sid: &str) -> StoredSession {
    StoredSession {
        data: b"{}".to_vec(),
        expires_at: palisade_auth::now() + 3600,
        sub: Some(sub.into()),
        sid: Some(sid.into()),
    }
}

async fn post_logout(app: &Router, body: String) -> (StatusCode, axum::http::HeaderMap, String) {
    let req = Request::post(BACKCHANNEL_LOGOUT_PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_handler_ends_the_named_sessions_in_a_sqlite_store() {
    let (op, c) = op().await;
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let store = Arc::new(SqliteSessionStore::with_connection(conn, &[3u8; 32]).unwrap());
    store
        .insert("cookie-a", stored("alice", "op-session-1"))
        .unwrap();
    store
        .insert("cookie-b", stored("alice", "op-session-2"))
        .unwrap();
    store
        .insert("cookie-c", stored("bob", "op-session-3"))
        .unwrap();
    let auth = WebAuth::with_store(c, &Url::parse(APP_REDIRECT).unwrap(), store.clone());
    let app: Router = auth.router();
    let now = palisade_auth::now();

    // No Origin header (server-to-server): not blocked by the CSRF layer.
    let t = op.token(&op.claims("h-1"));
    let form = format!("logout_token={t}");
    let (s, h, _) = post_logout(&app, form.clone()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    assert!(
        store.get("cookie-a", now).unwrap().is_none(),
        "the sid's session ended"
    );
    assert!(
        store.get("cookie-b", now).unwrap().is_some(),
        "other sessions stay"
    );

    // Replay and garbage get 400 with an OAuth error body.
    let (s, _, body) = post_logout(&app, form).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("invalid_request") && body.contains("already used"),
        "{body}"
    );
    let (s, _, _) = post_logout(&app, "logout_token=not.a.jwt".into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = post_logout(&app, String::new()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(store.get("cookie-b", now).unwrap().is_some());

    // sub only: every session of that user ends; bob's stays.
    let mut by_sub = op.claims("h-2");
    by_sub.as_object_mut().unwrap().remove("sid");
    let (s, _, _) = post_logout(&app, format!("logout_token={}", op.token(&by_sub))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(store.get("cookie-b", now).unwrap().is_none());
    assert!(store.get("cookie-c", now).unwrap().is_some());
}

/// A browser with a cookie jar kept across calls (login, then logout at the provider).
struct Browser {
    http: reqwest::Client,
    jar: std::collections::HashMap<String, String>,
}

impl Browser {
    fn new() -> Self {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: std::collections::HashMap::new(),
        }
    }
    fn cookie(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
    async fn send(&mut self, req: reqwest::RequestBuilder) -> reqwest::Response {
        let resp = req.header("cookie", self.cookie()).send().await.unwrap();
        for sc in resp.headers().get_all("set-cookie") {
            let pair = sc.to_str().unwrap().split(';').next().unwrap();
            if let Some((k, v)) = pair.split_once('=') {
                self.jar.insert(k.to_owned(), v.to_owned());
            }
        }
        resp
    }
    /// Follow redirects until one leaves for `stop_prefix`; return that URL.
    async fn follow(&mut self, start: &Url, stop_prefix: &str) -> Url {
        let mut url = start.clone();
        for _ in 0..10 {
            let resp = self.send(self.http.get(url.clone())).await;
            assert!(resp.status().is_redirection(), "{url}: {}", resp.status());
            let next = url
                .join(resp.headers()["location"].to_str().unwrap())
                .unwrap();
            if next.as_str().starts_with(stop_prefix) {
                return next;
            }
            url = next;
        }
        panic!("too many redirects");
    }
}

/// The real provider (oidc-provider's `backchannelLogout` feature) logs the user out at the
/// OP; it POSTs a logout token to the RP's `/backchannel-logout`, which ends the session.
#[tokio::test]
async fn oidc_provider_back_channel_logout_ends_the_rp_session() {
    let Some(p) = crate::support::provider() else {
        return;
    };
    let listener = p.backchannel_listener.lock().unwrap().take().unwrap();
    listener.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    let redirect = Url::parse(APP_REDIRECT).unwrap();
    let mut cfg = ClientConfig::new("bcl-client", redirect.clone(), ClientAuth::None);
    cfg.scopes = vec!["openid".into()];
    cfg.mode = SecurityMode::DevelopmentLoopback;
    let client = Client::discover(&p.issuer, cfg).await.unwrap();
    let store = Arc::new(palisade_auth::session::MemorySessionStore::default());
    let auth = WebAuth::with_store(client.clone(), &redirect, store.clone());
    let app: Router = auth.router();
    let served = app.clone();
    tokio::spawn(async move { axum::serve(listener, served).await });

    // Log in through the RP's routes with a browser that keeps the OP's cookies.
    let resp = app
        .clone()
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let pre = resp.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let to = Url::parse(resp.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    let mut browser = Browser::new();
    let cb = browser.follow(&to, "http://127.0.0.1:9/").await;
    let path = format!("{}?{}", cb.path(), cb.query().unwrap());
    let req = Request::get(&path)
        .header(header::COOKIE, &pre)
        .body(Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let session = resp.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let id = session.split_once('=').unwrap().1.to_owned();
    let now = palisade_auth::now();
    let live = store.get(&id, now).unwrap().expect("a logged-in session");
    assert!(live.sid.is_some(), "the ID token carries the OP session id");

    // Log out at the OP (its confirmation form, as a user would), which calls back the RP.
    let end = Url::parse(&format!("{}/session/end", p.issuer)).unwrap();
    let page = browser
        .send(browser.http.get(end.clone()))
        .await
        .text()
        .await
        .unwrap();
    let xsrf = page
        .split("name=\"xsrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no xsrf in the logout page: {page}"))
        .to_owned();
    let confirm = Url::parse(&format!("{}/session/end/confirm", p.issuer)).unwrap();
    let form = browser
        .http
        .post(confirm)
        .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")]);
    let resp = browser.send(form).await;
    assert!(
        resp.status().is_redirection() || resp.status().is_success(),
        "{}",
        resp.status()
    );
    assert!(
        store.get(&id, now).unwrap().is_none(),
        "the back-channel logout ended the RP session"
    );
}
