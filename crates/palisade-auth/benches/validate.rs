//! Validating an access token whose key is already cached (target: under 50 µs).
//!
//! `cargo bench -p palisade-auth --bench validate`
//! (`*_thread_cpu` rows report thread CPU time instead of wall-clock time.)
#![allow(clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use palisade_auth::{AccessTokenValidator, Alg, Jwks, KeySource, SigningKey};
use rsa::pkcs8::EncodePrivateKey;
use serde_json::json;

const ISS: &str = "https://id.example";
const AUD: &str = "https://api.example";

fn token(key: &SigningKey, now: i64) -> String {
    let claims = json!({
        "iss": ISS, "aud": AUD, "sub": "alice", "client_id": "app", "jti": "j1",
        "iat": now, "exp": now + 3600, "scope": "items:read items:write",
    });
    let mut h = serde_json::Map::new();
    h.insert("typ".into(), "at+jwt".into());
    key.sign(h, &claims).unwrap()
}

fn bench(c: &mut Criterion) {
    let now = palisade_auth::now();
    let rsa = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let der = rsa.to_pkcs8_der().unwrap();
    let rs = SigningKey::from_pkcs8_der(Alg::RS256, der.as_bytes(), Some("rs".into())).unwrap();
    let (es, _) = SigningKey::generate_es256(Some("es".into())).unwrap();
    let doc = json!({"keys": [rs.public_jwk(), es.public_jwk()]});
    let jwks = Jwks::parse(doc.to_string().as_bytes()).unwrap();
    let v = AccessTokenValidator::new(ISS, AUD, KeySource::Static(jwks.clone().into()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    for (name, key) in [("RS256", &rs), ("ES256", &es)] {
        let t = token(key, now);
        v.validate_with_keys(&jwks, &t, now).unwrap();
        c.bench_function(&format!("validate_access_token_{name}"), |b| {
            b.iter(|| {
                v.validate_with_keys(&jwks, std::hint::black_box(&t), now)
                    .unwrap()
            });
        });
        c.bench_function(&format!("validate_access_token_{name}_async"), |b| {
            b.iter(|| rt.block_on(v.validate(std::hint::black_box(&t))).unwrap());
        });
        // The same work measured in this thread's CPU time, which a loaded machine inflates
        // far less than wall-clock time.
        c.bench_function(&format!("validate_access_token_{name}_thread_cpu"), |b| {
            b.iter_custom(|iters| {
                let start = cpu_time::ThreadTime::now();
                for _ in 0..iters {
                    v.validate_with_keys(&jwks, std::hint::black_box(&t), now)
                        .unwrap();
                }
                start.elapsed()
            });
        });
    }
}

/// The floor: ring's signature verification alone, for the same key types (thread CPU time).
fn bench_signature_only(c: &mut Criterion) {
    use ring::signature::{self, KeyPair};
    let rng = ring::rand::SystemRandom::new();
    let msg = [7u8; 300];
    let pkcs8 =
        signature::EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .unwrap();
    let es = signature::EcdsaKeyPair::from_pkcs8(
        &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        pkcs8.as_ref(),
        &rng,
    )
    .unwrap();
    let sig = es.sign(&rng, &msg).unwrap();
    let public = es.public_key().as_ref().to_vec();
    c.bench_function("ring_p256_verify_only_thread_cpu", |b| {
        b.iter_custom(|iters| {
            let start = cpu_time::ThreadTime::now();
            for _ in 0..iters {
                signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &public)
                    .verify(std::hint::black_box(&msg), sig.as_ref())
                    .unwrap();
            }
            start.elapsed()
        });
    });
}

/// The same P-256 verification with the alternative backends (thread CPU time): AWS-LC through
/// `aws-lc-rs` (with the public key parsed per call, as ring does, and parsed once), and
/// RustCrypto's pure-Rust `p256`.
fn bench_p256_backends(c: &mut Criterion) {
    use aws_lc_rs::signature::{self as awssig, KeyPair};
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let msg = [7u8; 300];
    let pkcs8 =
        awssig::EcdsaKeyPair::generate_pkcs8(&awssig::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .unwrap();
    let pair =
        awssig::EcdsaKeyPair::from_pkcs8(&awssig::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
            .unwrap();
    let sig = pair.sign(&rng, &msg).unwrap();
    let public = pair.public_key().as_ref().to_vec();
    c.bench_function("aws_lc_p256_verify_only_thread_cpu", |b| {
        b.iter_custom(|iters| {
            let start = cpu_time::ThreadTime::now();
            for _ in 0..iters {
                awssig::UnparsedPublicKey::new(&awssig::ECDSA_P256_SHA256_FIXED, &public)
                    .verify(std::hint::black_box(&msg), sig.as_ref())
                    .unwrap();
            }
            start.elapsed()
        });
    });
    let parsed = awssig::ParsedPublicKey::new(&awssig::ECDSA_P256_SHA256_FIXED, &public).unwrap();
    c.bench_function("aws_lc_p256_verify_parsed_key_thread_cpu", |b| {
        b.iter_custom(|iters| {
            let start = cpu_time::ThreadTime::now();
            for _ in 0..iters {
                parsed
                    .verify_sig(std::hint::black_box(&msg), sig.as_ref())
                    .unwrap();
            }
            start.elapsed()
        });
    });
    {
        use p256::ecdsa::signature::Verifier;
        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&public).unwrap();
        let s = p256::ecdsa::Signature::from_slice(sig.as_ref()).unwrap();
        c.bench_function("rustcrypto_p256_verify_parsed_key_thread_cpu", |b| {
            b.iter_custom(|iters| {
                let start = cpu_time::ThreadTime::now();
                for _ in 0..iters {
                    vk.verify(std::hint::black_box(&msg), &s).unwrap();
                }
                start.elapsed()
            });
        });
    }
}

criterion_group!(benches, bench, bench_signature_only, bench_p256_backends);
criterion_main!(benches);
