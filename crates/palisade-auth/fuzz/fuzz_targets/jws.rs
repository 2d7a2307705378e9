//! Compact JWS parsing and full access-token validation on arbitrary input.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use palisade_auth::{AccessTokenValidator, Jwks, KeySource, UnverifiedJws};

fn fixture() -> &'static (AccessTokenValidator, Jwks) {
    static F: OnceLock<(AccessTokenValidator, Jwks)> = OnceLock::new();
    F.get_or_init(|| {
        let doc = br#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},{"kty":"OKP","crv":"Ed25519","kid":"e","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
        let jwks = Jwks::parse(doc).unwrap_or_default();
        let v = AccessTokenValidator::new("https://id.example", "api", KeySource::Static(jwks.clone().into()));
        (v, jwks)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(jws) = UnverifiedJws::parse(s, 16 * 1024) {
        let _ = jws.header.kid.as_deref();
    }
    let (v, jwks) = fixture();
    let _ = v.validate_with_keys(jwks, s, 1_800_000_000);
});
