//! JWT handling for the JWT checks: parse, crack an HMAC secret offline, forge variants.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Sha256, Sha384, Sha512};

/// Common and default HMAC secrets (framework defaults, tutorials, placeholders).
const WORDLIST: &[&str] = &[
    "secret",
    "secret123",
    "secretkey",
    "secret-key",
    "secret_key",
    "jwt_secret",
    "jwtsecret",
    "jwt-secret",
    "your-256-bit-secret",
    "your_jwt_secret",
    "yoursecret",
    "mysecret",
    "mysecretkey",
    "changeme",
    "change-me",
    "changethis",
    "password",
    "password123",
    "123456",
    "12345678",
    "admin",
    "key",
    "private",
    "test",
    "testing",
    "dev",
    "development",
    "default",
    "supersecret",
    "super-secret",
    "topsecret",
    "s3cr3t",
    "qwerty",
    "letmein",
    "token",
    "hs256",
    "HS256",
    "jwt",
    "JWT",
    "api",
    "apikey",
    "app",
    "application",
    "example",
    "not-so-secret",
    "shhhhh",
    "shhhhhared-secret",
    "gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr9C",
    "your-secret-key",
    "secretOrPrivateKey",
    "keyboard cat",
    "",
    "null",
    "undefined",
];

pub struct Jwt {
    pub header: Value,
    pub claims: Value,
    pub signing_input: String,
    pub signature: Vec<u8>,
}

pub fn looks_like(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3 && parts[0].starts_with("eyJ") && parts[1].starts_with("eyJ")
}

pub fn parse(token: &str) -> Option<Jwt> {
    let mut it = token.trim().split('.');
    let (h, c, s) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
    let claims: Value = serde_json::from_slice(&B64.decode(c).ok()?).ok()?;
    Some(Jwt {
        header,
        claims,
        signing_input: format!("{h}.{c}"),
        signature: B64.decode(s).ok()?,
    })
}

impl Jwt {
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }
}

fn mac(alg: &str, key: &[u8], input: &[u8]) -> Option<Vec<u8>> {
    macro_rules! run {
        ($h:ty) => {{
            let mut m = <Hmac<$h>>::new_from_slice(key).ok()?;
            m.update(input);
            Some(m.finalize().into_bytes().to_vec())
        }};
    }
    match alg {
        "HS256" => run!(Sha256),
        "HS384" => run!(Sha384),
        "HS512" => run!(Sha512),
        _ => None,
    }
}

/// The wordlist secret that verifies this HMAC token, if any.
pub fn crack(t: &Jwt) -> Option<&'static str> {
    WORDLIST
        .iter()
        .find(|w| {
            mac(t.alg(), w.as_bytes(), t.signing_input.as_bytes()).is_some_and(|s| s == t.signature)
        })
        .copied()
}

fn encode(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    )
}

/// The same claims with `alg: none` and an empty signature.
pub fn alg_none(t: &Jwt) -> String {
    let mut h = t.header.clone();
    h["alg"] = Value::String("none".into());
    format!("{}.", encode(&h, &t.claims))
}

/// The token with its signature corrupted.
pub fn bad_signature(token: &str) -> String {
    let (head, sig) = token.rsplit_once('.').unwrap_or((token, ""));
    let mut bytes = B64.decode(sig).unwrap_or_default();
    if bytes.is_empty() {
        bytes = vec![0; 32];
    }
    for b in &mut bytes {
        *b ^= 0x5a;
    }
    format!("{head}.{}", B64.encode(bytes))
}

/// The claims re-signed with `secret`, `exp` an hour in the past.
pub fn expired(t: &Jwt, secret: &str, now: u64) -> Option<String> {
    let mut c = t.claims.clone();
    c.as_object_mut()?
        .insert("exp".into(), Value::from(now.saturating_sub(3600)));
    if c.get("iat").is_some() {
        c["iat"] = Value::from(now.saturating_sub(7200));
    }
    let input = encode(&t.header, &c);
    let sig = mac(t.alg(), secret.as_bytes(), input.as_bytes())?;
    Some(format!("{input}.{}", B64.encode(sig)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str) -> String {
        let h = serde_json::json!({"alg": "HS256", "typ": "JWT"});
        let c = serde_json::json!({"sub": "alice", "exp": 4_000_000_000u64});
        let input = encode(&h, &c);
        let sig = mac("HS256", secret.as_bytes(), input.as_bytes()).expect("mac");
        format!("{input}.{}", B64.encode(sig))
    }

    #[test]
    fn cracks_weak_secrets_only() {
        let weak = parse(&sign("secret")).expect("parse");
        assert_eq!(crack(&weak), Some("secret"));
        let strong = parse(&sign("k8Jq2-vX9pL0zR7tY4wB1nM6cF3hD5sG")).expect("parse");
        assert_eq!(crack(&strong), None);
        let none = parse(&alg_none(&weak)).expect("none parses");
        assert_eq!(none.alg(), "none");
        let exp = parse(&expired(&weak, "secret", 10_000).expect("resign")).expect("parse");
        assert_eq!(exp.claims["exp"], 6400);
        assert_eq!(crack(&exp), Some("secret"));
        assert_ne!(bad_signature(&sign("secret")), sign("secret"));
    }
}
