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
