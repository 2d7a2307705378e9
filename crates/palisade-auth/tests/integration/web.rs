//! The axum integration, driven against the real provider.
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::{get, post};
use palisade_auth::axum_integration::{BearerClaims, BearerLayer, User, WebAuth};
use palisade_auth::{AccessTokenValidator, Client, SecurityMode};
use tower::ServiceExt;
use url::Url;

use crate::support::{APP_REDIRECT, Auth, RESOURCE, browse, client, config, login, provider};

const ORIGIN: &str = "http://127.0.0.1:9";

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn cookie_of(headers: &axum::http::HeaderMap) -> String {
    let sc = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(sc.starts_with("__Host-palisade-session="), "{sc}");
    for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(sc.split("; ").any(|a| a == attr), "{attr} missing in {sc}");
    }
    assert!(!sc.contains("Domain"), "{sc}");
    sc.split(';').next().unwrap().to_owned()
}

fn get_req(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn login_callback_session_csrf_and_logout() {
    let Some(p) = provider() else { return };
    let redirect = Url::parse(APP_REDIRECT).unwrap();
    let c = Client::discover(
        &p.issuer,
        config(p, Auth::Basic, false, false, APP_REDIRECT),
    )
    .await
    .unwrap();
    let auth = WebAuth::new(c, &redirect);
    let app: Router = Router::new()
        .route(
            "/me",
            get(|u: User| async move { format!("{} {}", u.claims.sub.unwrap(), u.csrf_token) }),
        )
        .route("/transfer", post(|| async { "done" }))
        .layer(auth.csrf_layer())
        .with_state(auth.clone())
        .merge(auth.router());

    // Not logged in.
    let (s, _, _) = send(&app, get_req("/me", None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Login: a pre-login session cookie and a redirect to the provider.
    let (s, h, _) = send(&app, get_req("/login?return_to=/me", None)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let pre = cookie_of(&h);
    let to = Url::parse(h[header::LOCATION].to_str().unwrap()).unwrap();
    assert!(to.as_str().starts_with(&p.issuer));
    let cb = browse(&to).await;
    let path = format!("{}?{}", cb.path(), cb.query().unwrap());

    // The callback without the session cookie is refused; with it, a new session id is issued.
    let (s, _, _) = send(&app, get_req(&path, None)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, h, body) = send(&app, get_req(&path, Some(&pre))).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(h[header::LOCATION], "/me");
    let session = cookie_of(&h);
    assert_ne!(session, pre);
    // Replaying the callback fails: the pending login was consumed.
    let (s, _, _) = send(&app, get_req(&path, Some(&pre))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let (s, _, body) = send(&app, get_req("/me", Some(&session))).await;
    assert_eq!(s, StatusCode::OK);
    let (sub, csrf) = body.split_once(' ').unwrap();
    assert_eq!(sub, "alice");

    // CSRF: cross-origin, no token, wrong token refused; header or form token accepted.
    let post_req = |origin: &str, token: Option<&str>, form: Option<String>| {
        let mut b = Request::post("/transfer")
            .header(header::COOKIE, &session)
            .header(header::ORIGIN, origin);
        if let Some(t) = token {
            b = b.header("x-csrf-token", t);
        }
        match form {
            Some(f) => b
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(f))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        }
    };
    let (s, _, _) = send(&app, post_req("https://evil.example", Some(csrf), None)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = send(&app, post_req(ORIGIN, None, None)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = send(&app, post_req(ORIGIN, Some("wrong"), None)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, body) = send(&app, post_req(ORIGIN, Some(csrf), None)).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "done"));
    let (s, _, _) = send(
        &app,
        post_req(ORIGIN, None, Some(format!("amount=1&csrf={csrf}"))),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // Logout needs the CSRF token too; then the session is gone and the cookie cleared.
    let logout = |form: String| {
        Request::post("/logout")
            .header(header::COOKIE, &session)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap()
    };
    let (s, _, _) = send(&app, logout(String::new())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, h, _) = send(&app, logout(format!("csrf={csrf}"))).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(
        h[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("/session/end")
    );
    assert!(
        h[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (s, _, _) = send(&app, get_req("/me", Some(&session))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn login_return_to_is_never_an_open_redirect() {
    let Some(p) = provider() else { return };
    let redirect = Url::parse(APP_REDIRECT).unwrap();
    let c = Client::discover(
        &p.issuer,
        config(p, Auth::Public, false, false, APP_REDIRECT),
    )
    .await
    .unwrap();
    let auth = WebAuth::new(c, &redirect);
    let app: Router = auth.router();
    let (_, h, _) = send(&app, get_req("/login?return_to=//evil.example/x", None)).await;
    let pre = cookie_of(&h);
    let cb = browse(&Url::parse(h[header::LOCATION].to_str().unwrap()).unwrap()).await;
    let path = format!("{}?{}", cb.path(), cb.query().unwrap());
    let (s, h, _) = send(&app, get_req(&path, Some(&pre))).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], "/");
}

#[tokio::test]
async fn bearer_layer_checks_tokens_scopes_and_dpop() {
    let Some(p) = provider() else { return };
    let v = AccessTokenValidator::discover(&p.issuer, RESOURCE, SecurityMode::DevelopmentLoopback)
        .await
        .unwrap();
    let api = |scopes: &[&str]| -> Router {
        Router::new()
            .route(
                "/items",
                get(
                    |axum::Extension(BearerClaims(c)): axum::Extension<BearerClaims>| async move {
                        c.sub.unwrap()
                    },
                ),
            )
            .layer(BearerLayer::new(v.clone(), scopes).public_url(Url::parse(RESOURCE).unwrap()))
    };
    let read = api(&["api:read"]);
    let admin = api(&["api:admin"]);
    let bearer = |t: &str| {
        Request::get("/items")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap()
    };

    let c = client(p, Auth::Public, false, true).await;
    let tokens = login(&c).await;
    let at = tokens.access_token.expose();
    let (s, _, body) = send(&read, bearer(at)).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "alice"));

    let (s, h, _) = send(&admin, bearer(at)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        h[header::WWW_AUTHENTICATE],
        "Bearer error=\"insufficient_scope\", scope=\"api:admin\""
    );
    let (s, h, _) = send(&read, get_req("/items", None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(h[header::WWW_AUTHENTICATE], "Bearer");
    let (s, h, _) = send(&read, bearer("not.a.token")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        h[header::WWW_AUTHENTICATE],
        "Bearer error=\"invalid_token\""
    );

    // DPoP-bound token: accepted with the client's proof, refused as a plain Bearer token.
    let c = client(p, Auth::Jwt, true, true).await;
    let tokens = login(&c).await;
    let url = Url::parse(RESOURCE).unwrap().join("/items").unwrap();
    let (authz, proof) = c.api_headers(&tokens, "GET", &url).unwrap();
    let req = Request::get("/items")
        .header(header::AUTHORIZATION, authz)
        .header("dpop", proof.unwrap())
        .body(Body::empty())
        .unwrap();
    let (s, _, body) = send(&read, req).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "alice"));
    let (s, _, _) = send(&read, bearer(tokens.access_token.expose())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
