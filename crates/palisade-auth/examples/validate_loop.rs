//! Validates one cached-key access token many times, for instruction counting with callgrind
//! (repeatable on a noisy machine, unlike wall-clock time):
//!
//! ```sh
//! cargo build --release -p palisade-auth --example validate_loop
//! valgrind --tool=callgrind --toggle-collect='validate_loop::one' \
//!   target/release/examples/validate_loop ES256 1000
//! ```
//! Instructions per validation = the reported total / the iteration count. Only `one` (a full
//! `validate_with_keys`) is counted, not key generation or signing.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use palisade_auth::{AccessTokenValidator, Alg, Claims, Jwks, KeySource, SigningKey};
use serde_json::json;

#[inline(never)]
fn one(v: &AccessTokenValidator, jwks: &Jwks, token: &str, now: i64) -> Claims {
    v.validate_with_keys(jwks, std::hint::black_box(token), now)
        .unwrap()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let alg = args.next().unwrap_or_else(|| "ES256".into());
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let key = match alg.as_str() {
        "ES256" => SigningKey::generate_es256(Some("k".into())).unwrap().0,
        "RS256" => {
            use rsa::pkcs8::EncodePrivateKey;
            // A fixed-seed key so that every run does the same work.
            let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7);
            let k = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
            let der = k.to_pkcs8_der().unwrap();
            SigningKey::from_pkcs8_der(Alg::RS256, der.as_bytes(), Some("k".into())).unwrap()
        }
        other => panic!("unsupported {other}"),
    };
    let now = palisade_auth::now();
    let claims = json!({
        "iss": "https://id.example", "aud": "https://api.example", "sub": "alice",
        "client_id": "app", "jti": "j1", "iat": now, "exp": now + 3600,
        "scope": "items:read items:write",
    });
    let mut h = serde_json::Map::new();
    h.insert("typ".into(), "at+jwt".into());
    let token = key.sign(h, &claims).unwrap();
    let jwks = Jwks::parse(json!({"keys": [key.public_jwk()]}).to_string().as_bytes()).unwrap();
    let v = AccessTokenValidator::new(
        "https://id.example",
        "https://api.example",
        KeySource::Static(jwks.clone().into()),
    );
    let mut subs = 0usize;
    for _ in 0..n {
        subs += one(&v, &jwks, &token, now).sub.map_or(0, |s| s.len());
    }
    println!("{alg}: {n} validations ({subs})");
}
