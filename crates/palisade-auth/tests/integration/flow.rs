//! Full flows against the real oidc-provider.
#![allow(clippy::unwrap_used)]

use palisade_auth::{
    AccessTokenValidator, Error, ErrorCode, OAuthError, Presentation, SecurityMode, TokenError,
};
use url::Url;

use crate::support::{Auth, RESOURCE, browse, client, login, provider};

#[tokio::test]
async fn client_secret_basic_login_userinfo_refresh_rotation_revocation() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Basic, false, false).await;

    // PAR is advertised, so the authorization URL carries only client_id and request_uri.
    let req = c.authorize().await.unwrap();
    let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
    let keys: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["client_id", "request_uri"], "{}", req.url);

    let cb = browse(&req.url).await;
    assert!(cb.query_pairs().any(|(k, v)| k == "iss" && v == p.issuer));
    let tokens = c
        .exchange(c.validate_callback(req.pending, &cb).unwrap())
        .await
        .unwrap();
    let id = tokens.id_claims.as_ref().unwrap();
    assert_eq!(id.sub.as_deref(), Some("alice"));
    assert_eq!(id.iss.as_deref(), Some(p.issuer.as_str()));
    assert!(!tokens.dpop_bound);

    let info = c.userinfo(&tokens).await.unwrap();
    assert_eq!(info.sub, "alice");
    assert_eq!(info.claims["email"], "alice@example.test");

    // Refresh rotates the refresh token; the old one is then refused (reuse detection).
    let old_rt = tokens.refresh_token.clone().unwrap();
    let refreshed = c.refresh(&tokens).await.unwrap();
    let new_rt = refreshed.refresh_token.clone().unwrap();
    assert_ne!(old_rt.expose(), new_rt.expose());
    assert_ne!(
        refreshed.access_token.expose(),
        tokens.access_token.expose()
    );
    let err = c.refresh(&tokens).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::OAuth(OAuthError {
                code: ErrorCode::InvalidGrant,
                ..
            })
        ),
        "{err:?}"
    );

    // Revocation: after revoking, a fresh login's refresh token no longer works.
    let fresh = login(&c).await;
    c.revoke(fresh.refresh_token.as_ref().unwrap(), Some("refresh_token"))
        .await
        .unwrap();
    let err = c.refresh(&fresh).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::OAuth(OAuthError {
                code: ErrorCode::InvalidGrant,
                ..
            })
        ),
        "{err:?}"
    );

    // RP-initiated logout URL carries the id_token_hint.
    let logout = c.end_session_url(Some(&fresh), None).unwrap();
    assert!(logout.query_pairs().any(|(k, _)| k == "id_token_hint"));
}

#[tokio::test]
async fn private_key_jwt_with_dpop_and_jwt_access_token_for_a_resource_server() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Jwt, true, true).await;
    let tokens = login(&c).await;
    assert!(tokens.dpop_bound);

    let api = Url::parse("https://api.example.test/items?x=1").unwrap();
    let v = AccessTokenValidator::discover(&p.issuer, RESOURCE, SecurityMode::DevelopmentLoopback)
        .await
        .unwrap();
    let claims = v.validate(tokens.access_token.expose()).await.unwrap();
    assert_eq!(claims.sub.as_deref(), Some("alice"));
    assert_eq!(claims.client_id.as_deref(), Some("jwt-client"));
    assert_eq!(
        claims.cnf.as_ref().and_then(|c| c.jkt.clone()),
        c.dpop_thumbprint()
    );

    // A DPoP-bound token with a proof from the client's key passes, with the scope required.
    let (authz, proof) = c.api_headers(&tokens, "GET", &api).unwrap();
    assert!(authz.starts_with("DPoP "));
    let how = Presentation {
        dpop_scheme: true,
        dpop_proof: proof.as_deref(),
        method: "GET",
        url: &api,
    };
    let ok = v
        .validate_request(tokens.access_token.expose(), how, &["api:read"])
        .await
        .unwrap();
    assert!(ok.scopes().any(|s| s == "api:read"));
    // The same proof a second time is a replay.
    let err = v
        .validate_request(tokens.access_token.expose(), how, &["api:read"])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Token(TokenError::Dpop(palisade_auth::DpopError::Replayed))
        ),
        "{err:?}"
    );

    // ... but not with a missing scope, as a Bearer token, or for another method.
    let (_, proof2) = c.api_headers(&tokens, "GET", &api).unwrap();
    let how = Presentation {
        dpop_proof: proof2.as_deref(),
        ..how
    };
    let err = v
        .validate_request(tokens.access_token.expose(), how, &["api:admin"])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Token(TokenError::InsufficientScope { missing }) if missing == &["api:admin"]),
        "{err:?}"
    );
    let bearer = Presentation {
        dpop_scheme: false,
        dpop_proof: None,
        ..how
    };
    let err = v
        .validate_request(tokens.access_token.expose(), bearer, &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Token(TokenError::Dpop(palisade_auth::DpopError::ProofMissing))
        ),
        "{err:?}"
    );
    let post = Presentation {
        method: "POST",
        ..how
    };
    let err = v
        .validate_request(tokens.access_token.expose(), post, &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Token(TokenError::Dpop(palisade_auth::DpopError::WrongRequest))
        ),
        "{err:?}"
    );

    // The refresh token is DPoP-bound too and refresh works with the client's key.
    let refreshed = c.refresh(&tokens).await.unwrap();
    assert!(refreshed.dpop_bound);
}

#[tokio::test]
async fn public_client_with_pkce_only() {
    let Some(p) = provider() else { return };
    let c = client(p, Auth::Public, false, false).await;
    let tokens = login(&c).await;
    assert_eq!(
        tokens.id_claims.unwrap().aud,
        Some(palisade_auth::Audience::One("public-client".into()))
    );
}
