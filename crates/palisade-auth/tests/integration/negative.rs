//! Attacks and mistakes, each refused with its specific typed error.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use palisade_auth::{
    AccessTokenValidator, CallbackError, Client, ClientAuth, ClientConfig, Error, ErrorCode,
    HttpError, JwksCache, KeySource, OAuthError, PendingAuthorization, SecurityMode, TokenError,
};
use url::Url;

use crate::support::{
    Auth, REDIRECT, RESOURCE, b64, browse, client, fake_metadata, fake_server, login, provider,
    with_param,
};

fn is_invalid_grant(e: &Error) -> bool {
    matches!(
        e,
        Error::OAuth(OAuthError {
            code: ErrorCode::InvalidGrant,
            ..
        })
    )
}

#[tokio::test]
async fn wrong_or_missing_state_is_refused() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Basic, false, false).await;
    let req = c.authorize().await.unwrap();
    let cb = browse(&req.url).await;
    let pending = serde_json::to_string(&req.pending).unwrap();
    let again = || serde_json::from_str::<PendingAuthorization>(&pending).unwrap();

    let err = c
        .validate_callback(again(), &with_param(&cb, "state", Some("forged")))
        .unwrap_err();
    assert!(
        matches!(err, Error::Callback(CallbackError::StateMismatch)),
        "{err:?}"
    );
    let err = c
        .validate_callback(again(), &with_param(&cb, "state", None))
        .unwrap_err();
    assert!(
        matches!(err, Error::Callback(CallbackError::StateMissing)),
        "{err:?}"
    );
    // A duplicated parameter is refused rather than picking one.
    let mut dup = cb.clone();
    dup.query_pairs_mut().append_pair("state", "x");
    let err = c.validate_callback(again(), &dup).unwrap_err();
    assert!(
        matches!(&err, Error::Callback(CallbackError::DuplicateParameter(p)) if p == "state"),
        "{err:?}"
    );
    // The callback must arrive at the exact redirect URI.
    let mut elsewhere = cb.clone();
    elsewhere.set_path("/callback/");
    let err = c.validate_callback(again(), &elsewhere).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Callback(CallbackError::RedirectUriMismatch { .. })
        ),
        "{err:?}"
    );
    // The untouched callback still works.
    c.exchange(c.validate_callback(again(), &cb).unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn replayed_code_is_refused_by_the_server() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Basic, false, false).await;
    let req = c.authorize().await.unwrap();
    let cb = browse(&req.url).await;
    // An attacker who kept a copy of the stored login state and the callback URL.
    let copy: PendingAuthorization =
        serde_json::from_str(&serde_json::to_string(&req.pending).unwrap()).unwrap();
    c.exchange(c.validate_callback(req.pending, &cb).unwrap())
        .await
        .unwrap();
    let err = c
        .exchange(c.validate_callback(copy, &cb).unwrap())
        .await
        .unwrap_err();
    assert!(is_invalid_grant(&err), "{err:?}");
}

#[tokio::test]
async fn wrong_pkce_verifier_is_refused_by_the_server() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Public, false, false).await;
    let req = c.authorize().await.unwrap();
    let cb = browse(&req.url).await;
    let mut stored: serde_json::Value = serde_json::to_value(&req.pending).unwrap();
    stored["verifier"] = b64(&[7u8; 32]).into();
    let tampered: PendingAuthorization = serde_json::from_value(stored).unwrap();
    let err = c
        .exchange(c.validate_callback(tampered, &cb).unwrap())
        .await
        .unwrap_err();
    assert!(is_invalid_grant(&err), "{err:?}");
}

#[tokio::test]
async fn mismatched_or_missing_iss_is_refused() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Basic, false, false).await;
    let req = c.authorize().await.unwrap();
    let cb = browse(&req.url).await;
    let pending = serde_json::to_string(&req.pending).unwrap();
    let again = || serde_json::from_str::<PendingAuthorization>(&pending).unwrap();
    let err = c
        .validate_callback(
            again(),
            &with_param(&cb, "iss", Some("https://evil.example")),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::Callback(CallbackError::IssuerMismatch { got, .. }) if got == "https://evil.example"),
        "{err:?}"
    );
    // oidc-provider advertises RFC 9207, so a response without iss is refused.
    let err = c
        .validate_callback(again(), &with_param(&cb, "iss", None))
        .unwrap_err();
    assert!(
        matches!(err, Error::Callback(CallbackError::IssuerMissing)),
        "{err:?}"
    );
}

#[tokio::test]
async fn issuer_mix_up_is_refused() {
    let Some(p) = provider() else { return };
    // A second (attacker-controlled) authorization server the client also talks to.
    let evil = fake_server(|base, path| match path {
        "/.well-known/openid-configuration" => (200, vec![], fake_metadata(base)),
        _ => (404, vec![], "{}".into()),
    })
    .await;
    let honest = client(p, Auth::Basic, false, false).await;
    let mut cfg = ClientConfig::new(
        "basic-client",
        Url::parse(REDIRECT).unwrap(),
        ClientAuth::None,
    );
    cfg.mode = SecurityMode::DevelopmentLoopback;
    let attacker = Client::discover(&evil, cfg).await.unwrap();

    // The user started at the attacker's server, but the response comes from the honest one.
    let req = attacker.authorize().await.unwrap();
    let honest_req = honest.authorize().await.unwrap();
    let cb = browse(&honest_req.url).await;
    let err = attacker.validate_callback(req.pending, &cb).unwrap_err();
    assert!(
        matches!(&err, Error::Callback(CallbackError::IssuerMismatch { expected, got }) if *expected == evil && *got == p.issuer),
        "{err:?}"
    );
    // A login state started with one issuer cannot be completed by another issuer's client.
    let err = honest
        .validate_callback(attacker.authorize().await.unwrap().pending, &cb)
        .unwrap_err();
    assert!(
        matches!(err, Error::Callback(CallbackError::WrongClient { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn discovery_refuses_issuer_mismatch_and_plain_http() {
    let liar = fake_server(|_, path| match path {
        "/.well-known/openid-configuration" => {
            (200, vec![], fake_metadata("https://someone-else.example"))
        }
        _ => (404, vec![], "{}".into()),
    })
    .await;
    let mut cfg = ClientConfig::new("c", Url::parse(REDIRECT).unwrap(), ClientAuth::None);
    cfg.mode = SecurityMode::DevelopmentLoopback;
    let err = Client::discover(&liar, cfg).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Discovery(palisade_auth::DiscoveryError::IssuerMismatch { .. })
        ),
        "{err:?}"
    );
    // Production mode refuses http:// even on loopback.
    let cfg = ClientConfig::new(
        "c",
        Url::parse("https://app.example/cb").unwrap(),
        ClientAuth::None,
    );
    let err = Client::discover(&liar, cfg).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config(palisade_auth::ConfigError::InsecureUrl { .. })
        ),
        "{err:?}"
    );
    // Development mode still refuses non-loopback http.
    let mut cfg = ClientConfig::new("c", Url::parse(REDIRECT).unwrap(), ClientAuth::None);
    cfg.mode = SecurityMode::DevelopmentLoopback;
    let err = Client::discover("http://example.com", cfg)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config(palisade_auth::ConfigError::InsecureUrl { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn redirect_from_the_token_endpoint_is_not_followed() {
    let server = fake_server(|base, path| match path {
        "/.well-known/openid-configuration" => (200, vec![], fake_metadata(base)),
        "/token" => (
            302,
            vec![(
                "location".into(),
                "http://169.254.169.254/latest/meta-data/".into(),
            )],
            String::new(),
        ),
        _ => (404, vec![], "{}".into()),
    })
    .await;
    let mut cfg = ClientConfig::new("c", Url::parse(REDIRECT).unwrap(), ClientAuth::None);
    cfg.mode = SecurityMode::DevelopmentLoopback;
    let c = Client::discover(&server, cfg).await.unwrap();
    let req = c.authorize().await.unwrap();
    let state: String = req
        .url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let cb = Url::parse(&format!("{REDIRECT}?code=abc&state={state}&iss={server}")).unwrap();
    let err = c
        .exchange(c.validate_callback(req.pending, &cb).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http(HttpError::Redirect { status: 302, url }) if url.ends_with("/token")),
        "{err:?}"
    );
}

#[tokio::test]
async fn unknown_kid_refreshes_once_then_is_rate_limited() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Public, false, true).await;
    let tokens = login(&c).await;
    let jwks_uri = Url::parse(&format!("{}/jwks", p.issuer)).unwrap();
    let cache = Arc::new(
        JwksCache::new(jwks_uri, SecurityMode::DevelopmentLoopback)
            .unwrap()
            .with_min_refresh_interval(std::time::Duration::from_millis(500)),
    );
    let v = AccessTokenValidator::new(&p.issuer, RESOURCE, KeySource::Remote(cache.clone()));
    v.validate(tokens.access_token.expose()).await.unwrap();
    assert_eq!(cache.fetch_count(), 1);

    // Same token with a kid the server never published.
    let at = tokens.access_token.expose();
    let (h, rest) = at.split_once('.').unwrap();
    let mut header: serde_json::Value = serde_json::from_slice(&base64ct_decode(h)).unwrap();
    header["kid"] = "no-such-key".into();
    let forged = format!("{}.{rest}", b64(header.to_string().as_bytes()));
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    for _ in 0..3 {
        let err = v.validate(&forged).await.unwrap_err();
        assert!(
            matches!(&err, Error::Token(TokenError::UnknownKid { kid, .. }) if kid == "no-such-key"),
            "{err:?}"
        );
    }
    // One refresh for the first unknown kid, then rate-limited.
    assert_eq!(cache.fetch_count(), 2);
}

fn base64ct_decode(s: &str) -> Vec<u8> {
    use base64ct::Encoding;
    base64ct::Base64UrlUnpadded::decode_vec(s).unwrap()
}

#[tokio::test]
async fn hs256_signed_with_the_providers_rsa_public_key_is_refused() {
    let Some(p) = provider() else { return };
    let jwks: serde_json::Value = reqwest::get(format!("{}/jwks", p.issuer))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rsa = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kty"] == "RSA")
        .unwrap();
    let header = serde_json::json!({"alg": "HS256", "typ": "at+jwt", "kid": rsa["kid"]});
    let t = palisade_auth::now();
    let claims = serde_json::json!({
        "iss": p.issuer, "aud": RESOURCE, "sub": "admin", "client_id": "x", "jti": "1",
        "iat": t, "exp": t + 300, "scope": "api:read api:write",
    });
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    // The classic confusion attack: the public key (as published) used as the HMAC secret.
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, rsa.to_string().as_bytes());
    let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
    let forged = format!("{input}.{}", b64(tag.as_ref()));
    let v = AccessTokenValidator::discover(&p.issuer, RESOURCE, SecurityMode::DevelopmentLoopback)
        .await
        .unwrap();
    let err = v.validate(&forged).await.unwrap_err();
    assert!(
        matches!(&err, Error::Token(TokenError::AlgNotAllowed { alg }) if alg == "HS256"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_id_token_is_not_accepted_as_an_access_token() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Basic, false, false).await;
    let tokens = login(&c).await;
    let v = AccessTokenValidator::discover(
        &p.issuer,
        "basic-client",
        SecurityMode::DevelopmentLoopback,
    )
    .await
    .unwrap();
    let err = v
        .validate(tokens.id_token.as_ref().unwrap().expose())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Token(TokenError::WrongType {
                expected: "at+jwt",
                ..
            })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn id_token_with_another_logins_nonce_is_refused() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Basic, false, false).await;
    let tokens = login(&c).await;
    let id = tokens.id_token.as_ref().unwrap().expose();
    let err = c
        .validate_id_token(id, Some("some-other-login"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Token(TokenError::NonceMismatch)),
        "{err:?}"
    );
    // Another client of the same provider cannot accept it either (audience).
    let other = client(p, Auth::Public, false, false).await;
    let err = other.validate_id_token(id, None).await.unwrap_err();
    assert!(
        matches!(&err, Error::Token(TokenError::AudienceMismatch { expected }) if expected == "public-client"),
        "{err:?}"
    );
}
