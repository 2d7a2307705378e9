//! Stable-toolchain companion of the cargo-fuzz targets: arbitrary bytes and structured
//! near-valid inputs through every parser; none may panic, and nothing random is accepted.
#![allow(clippy::unwrap_used)]

use palisade_auth::{
    AccessTokenValidator, Alg, Client, ClientAuth, ClientConfig, Jwks, KeySource,
    PendingAuthorization, ServerMetadata, UnverifiedJws,
};
use proptest::prelude::*;

const PENDING: &str = r#"{"issuer":"https://id.example","client_id":"app","redirect_uri":"https://app.example/cb","state":"s","nonce":"n","verifier":"v","dpop_jkt":null}"#;

fn client() -> &'static Client {
    static C: std::sync::OnceLock<Client> = std::sync::OnceLock::new();
    C.get_or_init(make_client)
}

fn make_client() -> Client {
    let meta: ServerMetadata = serde_json::from_str(
        r#"{"issuer":"https://id.example","authorization_endpoint":"https://id.example/auth",
            "token_endpoint":"https://id.example/token","code_challenge_methods_supported":["S256"],
            "authorization_response_iss_parameter_supported":true}"#,
    )
    .unwrap();
    let cfg = ClientConfig::new(
        "app",
        url::Url::parse("https://app.example/cb").unwrap(),
        ClientAuth::None,
    );
    Client::from_metadata(meta, cfg).unwrap()
}

fn validator() -> (AccessTokenValidator, Jwks) {
    let doc = br#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
    let jwks = Jwks::parse(doc).unwrap();
    let v = AccessTokenValidator::new(
        "https://id.example",
        "api",
        KeySource::Static(jwks.clone().into()),
    );
    (v, jwks)
}

/// Base64url-ish segments joined by dots: reaches past the splitting stage.
fn jws_like() -> impl Strategy<Value = String> {
    let seg = "[A-Za-z0-9_-]{0,64}";
    let header = prop_oneof![
        Just(r#"{"alg":"ES256","kid":"k","typ":"at+jwt"}"#.to_owned()),
        Just(r#"{"alg":"none"}"#.to_owned()),
        Just(r#"{"alg":"HS256","kid":"k"}"#.to_owned()),
        "\\PC{0,40}",
    ];
    (header, "\\PC{0,80}", seg).prop_map(|(h, p, s)| {
        use base64ct::Encoding;
        format!(
            "{}.{}.{s}",
            base64ct::Base64UrlUnpadded::encode_string(h.as_bytes()),
            base64ct::Base64UrlUnpadded::encode_string(p.as_bytes())
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn jws_parsing_never_panics_or_accepts(bytes in proptest::collection::vec(any::<u8>(), 0..512), near in jws_like()) {
        let (v, jwks) = validator();
        let s = String::from_utf8_lossy(&bytes);
        let _ = UnverifiedJws::parse(&s, 16 * 1024);
        prop_assert!(v.validate_with_keys(&jwks, &s, 1_800_000_000).is_err());
        prop_assert!(v.validate_with_keys(&jwks, &near, 1_800_000_000).is_err());
    }

    #[test]
    fn jwks_parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), key in "\\PC{0,200}") {
        let _ = Jwks::parse(&bytes);
        let doc = format!(r#"{{"keys":[{{"kty":"EC","crv":"P-256","x":"{key}","y":"{key}"}},{{"kty":"RSA","n":"{key}","e":"{key}"}}]}}"#);
        if let Ok(j) = Jwks::parse(doc.as_bytes()) {
            for k in j.keys() { let _ = k.thumbprint(); }
            for alg in Alg::ALL { let _ = j.find(None, alg); }
        }
    }

    #[test]
    fn callback_parsing_never_panics_or_accepts_without_state(q in "\\PC{0,300}", code in "[a-z0-9]{0,10}") {
        let c = client();
        let pending: PendingAuthorization = serde_json::from_str(PENDING).unwrap();
        let _ = palisade_auth::parse_callback_query(&q);
        let r = c.validate_callback_query(pending, &q);
        // Without the exact state and issuer, nothing is accepted.
        if !(q.contains("state=s") && q.contains("iss=")) {
            prop_assert!(r.is_err());
        }
        let pending: PendingAuthorization = serde_json::from_str(PENDING).unwrap();
        let ok = format!("code={code}&state=s&iss=https%3A%2F%2Fid.example");
        let r = c.validate_callback_query(pending, &ok);
        prop_assert_eq!(r.is_ok(), !code.is_empty());
    }
}
