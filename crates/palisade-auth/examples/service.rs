//! An example service using palisade-auth's axum integration: a web page with login/logout
//! and an API protected by access tokens with a required scope.
//!
//! ```sh
//! PALISADE_ISSUER=https://id.example.com PALISADE_CLIENT_ID=my-app \
//! PALISADE_CLIENT_SECRET=... PALISADE_REDIRECT_URI=https://app.example.com/auth/callback \
//! PALISADE_API_AUDIENCE=https://app.example.com/api \
//! cargo run -p palisade-auth --example service --features axum
//! ```
//! Set `PALISADE_DEV_LOOPBACK=1` to allow an `http://127.0.0.1` issuer during development.
#![allow(clippy::print_stdout)]

use axum::Router;
use axum::extract::Extension;
use axum::response::Html;
use axum::routing::{get, post};
use palisade_auth::axum_integration::{BearerClaims, BearerLayer, User, WebAuth};
use palisade_auth::{AccessTokenValidator, Client, ClientAuth, ClientConfig, Secret, SecurityMode};
use url::Url;

fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("set {name}").into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issuer = env("PALISADE_ISSUER")?;
    let redirect = Url::parse(&env("PALISADE_REDIRECT_URI")?)?;
    let mode = if std::env::var_os("PALISADE_DEV_LOOPBACK").is_some() {
        SecurityMode::DevelopmentLoopback
    } else {
        SecurityMode::Production
    };
    let auth = match std::env::var("PALISADE_CLIENT_SECRET") {
        Ok(s) => ClientAuth::ClientSecretBasic(Secret::new(s)),
        Err(_) => ClientAuth::None,
    };
    let mut config = ClientConfig::new(env("PALISADE_CLIENT_ID")?, redirect.clone(), auth);
    config.mode = mode;
    config.scopes.push("email".into());
    let web = WebAuth::new(Client::discover(&issuer, config).await?, &redirect);

    let audience = env("PALISADE_API_AUDIENCE")?;
    let validator = AccessTokenValidator::discover(&issuer, audience, mode).await?;
    let api = Router::new()
        .route("/api/items", get(items))
        .layer(BearerLayer::new(validator, &["items:read"]).public_url(redirect.clone()));

    let app = Router::new()
        .route("/", get(home))
        .route("/settings", post(|| async { "saved" }))
        .layer(web.csrf_layer())
        .with_state(web.clone())
        .merge(web.router())
        .merge(api);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://127.0.0.1:3000");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn home(user: Option<User>) -> Html<String> {
    Html(match user {
        None => r#"<a href="/login?return_to=/">Log in</a>"#.to_owned(),
        Some(u) => format!(
            r#"<p>Hello {}</p><form method="post" action="/logout">
<input type="hidden" name="csrf" value="{}"><button>Log out</button></form>"#,
            html_escape(u.claims.sub.as_deref().unwrap_or("")),
            u.csrf_token
        ),
    })
}

async fn items(Extension(BearerClaims(claims)): Extension<BearerClaims>) -> String {
    format!("items for {}", claims.sub.unwrap_or_default())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
