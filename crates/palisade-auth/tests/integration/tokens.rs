//! JWT validation with locally-signed tokens (no provider needed).
#![allow(clippy::unwrap_used)]

use palisade_auth::{
    AccessTokenValidator, Alg, Jwks, JwksError, JwtPart, KeySource, SigningKey, TokenError,
    ValidationOptions,
};
use serde_json::{Value, json};

use crate::support::{b64, sign};

const ISS: &str = "https://id.example";
const AUD: &str = "https://api.example";
const NOW: i64 = 1_800_000_000;

struct Fixture {
    key: SigningKey,
    jwks: Jwks,
    v: AccessTokenValidator,
}

fn fixture() -> Fixture {
    let (key, _) = SigningKey::generate_es256(Some("k1".into())).unwrap();
    let rsa_like = json!({"kty": "RSA", "kid": "r1", "n": b64(&[0xC3; 256]), "e": "AQAB"});
    let doc = json!({"keys": [key.public_jwk(), rsa_like]});
    let jwks = Jwks::parse(doc.to_string().as_bytes()).unwrap();
    assert_eq!(jwks.keys().len(), 2);
    let v = AccessTokenValidator::new(ISS, AUD, KeySource::Static(jwks.clone().into()));
    Fixture { key, jwks, v }
}

fn claims() -> Value {
    json!({
        "iss": ISS, "aud": AUD, "sub": "alice", "client_id": "app", "jti": "j1",
        "iat": NOW - 10, "exp": NOW + 300, "scope": "read write",
    })
}

fn at() -> Value {
    json!({"typ": "at+jwt"})
}

/// Verified claims; never equal to anything, so `assert_eq!(check(..), Err(..))` compares errors.
#[derive(Debug)]
struct Valid(palisade_auth::Claims);

impl PartialEq for Valid {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

fn check(f: &Fixture, token: &str) -> Result<Valid, TokenError> {
    f.v.validate_with_keys(&f.jwks, token, NOW).map(Valid)
}

fn with(mut c: Value, k: &str, v: Value) -> Value {
    if v.is_null() {
        c.as_object_mut().unwrap().remove(k);
    } else {
        c[k] = v;
    }
    c
}

#[test]
fn a_good_token_validates_and_exposes_claims() {
    let f = fixture();
    let c = check(&f, &sign(&f.key, at(), claims())).unwrap().0;
    assert_eq!(c.sub.as_deref(), Some("alice"));
    assert_eq!(c.scopes().collect::<Vec<_>>(), ["read", "write"]);
    c.require_scopes(&["read"]).unwrap();
    assert_eq!(
        c.require_scopes(&["read", "admin"]).unwrap_err(),
        TokenError::InsufficientScope {
            missing: vec!["admin".into()]
        }
    );
    #[derive(serde::Deserialize)]
    struct Mine {
        client_id: String,
    }
    assert_eq!(c.extra::<Mine>().unwrap().client_id, "app");
}

#[test]
fn alg_none_is_refused() {
    let f = fixture();
    let h = b64(br#"{"alg":"none","typ":"at+jwt"}"#);
    let p = b64(claims().to_string().as_bytes());
    assert_eq!(check(&f, &format!("{h}.{p}.")), Err(TokenError::AlgNone));
    let h = b64(br#"{"alg":"NONE","typ":"at+jwt"}"#);
    assert_eq!(check(&f, &format!("{h}.{p}.x")), Err(TokenError::AlgNone));
}

#[test]
fn expired_token_is_refused_beyond_the_leeway() {
    let f = fixture();
    let t = sign(&f.key, at(), with(claims(), "exp", json!(NOW - 31)));
    assert_eq!(
        check(&f, &t),
        Err(TokenError::Expired {
            exp: NOW - 31,
            now: NOW
        })
    );
    // Within the 30 s default leeway it passes.
    let t = sign(&f.key, at(), with(claims(), "exp", json!(NOW - 29)));
    check(&f, &t).unwrap();
}

#[test]
fn future_nbf_and_iat_are_refused() {
    let f = fixture();
    let t = sign(&f.key, at(), with(claims(), "nbf", json!(NOW + 120)));
    assert_eq!(
        check(&f, &t),
        Err(TokenError::NotYetValid {
            nbf: NOW + 120,
            now: NOW
        })
    );
    let t = sign(&f.key, at(), with(claims(), "iat", json!(NOW + 120)));
    assert_eq!(
        check(&f, &t),
        Err(TokenError::IssuedInFuture {
            iat: NOW + 120,
            now: NOW
        })
    );
}

#[test]
fn wrong_audience_and_issuer_are_refused() {
    let f = fixture();
    let t = sign(
        &f.key,
        at(),
        with(claims(), "aud", json!(["https://other.example"])),
    );
    assert_eq!(
        check(&f, &t),
        Err(TokenError::AudienceMismatch {
            expected: AUD.into()
        })
    );
    let t = sign(
        &f.key,
        at(),
        with(claims(), "iss", json!("https://evil.example")),
    );
    assert!(matches!(
        check(&f, &t),
        Err(TokenError::IssuerMismatch { .. })
    ));
}

#[test]
fn required_claims_are_required() {
    let f = fixture();
    for (claim, name) in [
        ("iss", "iss"),
        ("aud", "aud"),
        ("exp", "exp"),
        ("iat", "iat"),
        ("sub", "sub"),
        ("client_id", "client_id"),
        ("jti", "jti"),
    ] {
        let t = sign(&f.key, at(), with(claims(), claim, Value::Null));
        assert_eq!(
            check(&f, &t),
            Err(TokenError::MissingClaim(name)),
            "{claim}"
        );
    }
}

#[test]
fn typ_must_be_at_jwt() {
    let f = fixture();
    for typ in [json!({}), json!({"typ": "JWT"}), json!({"typ": "dpop+jwt"})] {
        let t = sign(&f.key, typ, claims());
        assert!(
            matches!(
                check(&f, &t),
                Err(TokenError::WrongType {
                    expected: "at+jwt",
                    ..
                })
            ),
            "{t}"
        );
    }
    check(
        &f,
        &sign(&f.key, json!({"typ": "application/at+jwt"}), claims()),
    )
    .unwrap();
}

#[test]
fn unknown_kid_and_key_type_confusion_are_refused() {
    let f = fixture();
    let t = sign(&f.key, json!({"typ": "at+jwt", "kid": "nope"}), claims());
    assert_eq!(
        check(&f, &t),
        Err(TokenError::UnknownKid {
            kid: "nope".into(),
            alg: "ES256"
        })
    );
    // ES256 token pointing at the RSA key's kid.
    let t = sign(&f.key, json!({"typ": "at+jwt", "kid": "r1"}), claims());
    assert_eq!(
        check(&f, &t),
        Err(TokenError::KeyAlgMismatch {
            kid: "r1".into(),
            alg: "ES256"
        })
    );
}

#[test]
fn header_supplied_keys_are_never_trusted() {
    let f = fixture();
    let (attacker, _) = SigningKey::generate_es256(Some("k1".into())).unwrap();
    let header = json!({
        "typ": "at+jwt", "jwk": attacker.public_jwk(),
        "jku": "https://evil.example/jwks", "x5u": "https://evil.example/cert",
    });
    let t = sign(&attacker, header, claims());
    assert_eq!(check(&f, &t), Err(TokenError::BadSignature));
}

#[test]
fn tampered_payload_fails_the_signature() {
    let f = fixture();
    let t = sign(&f.key, at(), claims());
    let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
    parts[1] = b64(with(claims(), "sub", json!("admin")).to_string().as_bytes());
    assert_eq!(check(&f, &parts.join(".")), Err(TokenError::BadSignature));
}

#[test]
fn oversize_and_malformed_tokens_are_refused() {
    let f = fixture();
    let big = sign(
        &f.key,
        at(),
        with(claims(), "pad", json!("x".repeat(20_000))),
    );
    assert!(matches!(
        check(&f, &big),
        Err(TokenError::Oversize { max: 16384, .. })
    ));
    assert_eq!(check(&f, "a.b"), Err(TokenError::NotCompactJws));
    assert_eq!(check(&f, "a.b.c.d.e"), Err(TokenError::NotCompactJws));
    assert_eq!(
        check(&f, "!!.b.c"),
        Err(TokenError::Base64(JwtPart::Header))
    );
    let h = b64(b"[1]");
    assert_eq!(
        check(&f, &format!("{h}.e30.c2ln")),
        Err(TokenError::Json(JwtPart::Header))
    );
    let h = b64(br#"{"alg":"ES256","typ":"at+jwt","crit":["exp"]}"#);
    assert_eq!(
        check(&f, &format!("{h}.e30.c2ln")),
        Err(TokenError::CriticalHeader)
    );
}

#[test]
fn the_algorithm_allow_list_is_enforced() {
    let f = fixture();
    let v =
        f.v.clone()
            .with_options(ValidationOptions {
                algorithms: vec![Alg::RS256],
                ..ValidationOptions::default()
            })
            .unwrap();
    let t = sign(&f.key, at(), claims());
    assert_eq!(
        v.validate_with_keys(&f.jwks, &t, NOW).unwrap_err(),
        TokenError::AlgNotAllowed {
            alg: "ES256".into()
        }
    );
    let err =
        f.v.clone()
            .with_options(ValidationOptions {
                leeway: std::time::Duration::from_secs(3600),
                ..ValidationOptions::default()
            })
            .unwrap_err();
    assert!(matches!(
        err,
        palisade_auth::ConfigError::LeewayTooLarge { secs: 3600 }
    ));
}

#[test]
fn jwks_parsing_skips_unusable_keys_and_bounds_size() {
    let doc = json!({"keys": [
        {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
        {"kty": "EC", "crv": "P-256", "x": b64(&[1; 32]), "y": b64(&[2; 32]), "use": "enc"},
        {"kty": "EC", "crv": "P-256", "x": b64(&[1; 32]), "y": b64(&[2; 32]), "d": "AA"},
        {"kty": "EC", "crv": "secp256k1", "x": b64(&[1; 32]), "y": b64(&[2; 32])},
        {"kty": "RSA", "n": b64(&[1; 64]), "e": "AQAB"},
        {"kty": "OKP", "crv": "Ed25519", "x": b64(&[3; 32]), "kid": "ed"},
    ]});
    let jwks = Jwks::parse(doc.to_string().as_bytes()).unwrap();
    assert_eq!(jwks.keys().len(), 1);
    assert_eq!(jwks.keys()[0].kid(), Some("ed"));
    assert_eq!(Jwks::parse(b"[]"), Err(JwksError::NotAJwks));
    let many = json!({"keys": vec![json!({}); 65]});
    assert_eq!(
        Jwks::parse(many.to_string().as_bytes()),
        Err(JwksError::TooManyKeys { max: 64 })
    );
    assert_eq!(
        Jwks::parse(&vec![b' '; 300_000]),
        Err(JwksError::TooLarge { max: 256 * 1024 })
    );
}

#[test]
fn rfc7638_thumbprint_example() {
    // The RSA key of RFC 7638 section 3.1 and its published thumbprint.
    let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    let doc =
        json!({"keys": [{"kty": "RSA", "n": n, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}]});
    let jwks = Jwks::parse(doc.to_string().as_bytes()).unwrap();
    assert_eq!(
        jwks.keys()[0].thumbprint(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

#[test]
fn authentication_strength_and_recency_helpers() {
    let f = fixture();
    let c = with(claims(), "auth_time", json!(NOW - 600));
    let c = with(c, "acr", json!("urn:example:loa:2"));
    let c = with(c, "amr", json!(["pwd", "otp"]));
    let v = check(&f, &sign(&f.key, at(), c)).unwrap().0;
    v.require_recent_auth(std::time::Duration::from_secs(900), NOW)
        .unwrap();
    assert_eq!(
        v.require_recent_auth(std::time::Duration::from_secs(300), NOW),
        Err(TokenError::AuthenticationTooOld {
            auth_time: NOW - 600,
            now: NOW
        })
    );
    v.require_acr(&["urn:example:loa:2", "urn:example:loa:3"])
        .unwrap();
    assert_eq!(
        v.require_acr(&["urn:example:loa:3"]),
        Err(TokenError::AcrNotAccepted {
            got: "urn:example:loa:2".into()
        })
    );
    v.require_amr("otp").unwrap();
    assert_eq!(
        v.require_amr("hwk"),
        Err(TokenError::AmrMissing {
            method: "hwk".into()
        })
    );
    let plain = check(&f, &sign(&f.key, at(), claims())).unwrap().0;
    assert_eq!(
        plain.require_recent_auth(std::time::Duration::from_secs(300), NOW),
        Err(TokenError::MissingClaim("auth_time"))
    );
}
