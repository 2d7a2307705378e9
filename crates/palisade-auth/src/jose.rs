//! JOSE: compact JWS parsing, JWK/JWKS parsing, signature verification and signing.
//!
//! RFC 8725 rules enforced here: the algorithm comes from an allow-list of asymmetric
//! algorithms and must match the key's type and curve (no `none`, no HS*, so no HS/RS
//! confusion); `jwk`, `jku`, `x5u` and `x5c` headers are never used to find a key; `crit` is
//! refused; every part is size-limited before decoding.

use std::sync::Arc;

use aws_lc_rs::signature::{self, KeyPair};
use base64ct::{Base64UrlUnpadded, Encoding};
use serde::Deserialize;

use crate::error::{ConfigError, JwksError, JwtPart, TokenError};

/// Largest JWKS document accepted (bytes).
pub const MAX_JWKS_BYTES: usize = 256 * 1024;
/// Most keys kept from one JWKS.
pub const MAX_JWKS_KEYS: usize = 64;
/// Default largest token accepted (bytes).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;
const MAX_HEADER_BYTES: usize = 2048;

pub(crate) fn b64e(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

pub(crate) fn b64d(s: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(s).ok()
}

/// Decoding of token parts (header, payload, signature): public or caller-held data, so the
/// faster table-driven decoder is used; it is as strict (no padding, canonical trailing bits).
fn b64d_token(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()
}

/// The asymmetric signature algorithms this crate accepts. Symmetric (`HS*`) and `none` are
/// deliberately absent: a token signed with a shared secret cannot be told apart from one forged
/// with a public key used as the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms)]
pub enum Alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (2048-bit keys or larger).
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA P-256 with SHA-256.
    ES256,
    /// ECDSA P-384 with SHA-384.
    ES384,
    /// Ed25519.
    EdDSA,
}

impl Alg {
    /// Every supported algorithm.
    pub const ALL: [Alg; 9] = [
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
        Alg::ES256,
        Alg::ES384,
        Alg::EdDSA,
    ];

    /// The JOSE name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::EdDSA => "EdDSA",
        }
    }

    /// Parse a JOSE name; `None` for anything not supported (including `none` and `HS*`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.name() == s)
    }
}

/// A public key parsed and validated once, when the JWKS is loaded, instead of on every
/// verification (point decoding and on-curve checks are not repeated per token).
#[derive(Clone)]
struct Parsed(Arc<signature::ParsedPublicKey>);

impl Parsed {
    fn new(alg: &'static dyn signature::VerificationAlgorithm, bytes: &[u8]) -> Option<Parsed> {
        signature::ParsedPublicKey::new(alg, bytes)
            .ok()
            .map(|k| Parsed(Arc::new(k)))
    }
}

// Equality is decided by the raw key material stored beside the parsed form.
impl PartialEq for Parsed {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Parsed {}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Parsed")
    }
}

/// The public key material of a JWK, already decoded (and parsed for verification).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Material {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
        /// One parsed key per RSA algorithm (the parsed form is bound to its padding and hash).
        parsed: Vec<(Alg, Parsed)>,
    },
    /// Uncompressed SEC1 point (0x04 || x || y).
    P256(Vec<u8>, Parsed),
    P384(Vec<u8>, Parsed),
    Ed25519(Vec<u8>, Parsed),
}

/// One public verification key from a JWKS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwk {
    kid: Option<String>,
    alg: Option<Alg>,
    material: Material,
}

#[derive(Deserialize)]
struct RawJwk {
    kty: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    key_ops: Option<Vec<String>>,
    crv: Option<String>,
    n: Option<String>,
    e: Option<String>,
    x: Option<String>,
    y: Option<String>,
    // Private members: a JWKS that leaks private keys is refused key by key.
    d: Option<serde_json::Value>,
}

impl Jwk {
    /// The key id.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Parse one public JWK. Returns `None` for keys that are not usable signature keys
    /// (encryption keys, unsupported types or curves, private keys, symmetric keys).
    fn from_raw(raw: RawJwk) -> Option<Jwk> {
        if raw.d.is_some() {
            return None;
        }
        if raw.use_.as_deref().is_some_and(|u| u != "sig") {
            return None;
        }
        if let Some(ops) = &raw.key_ops
            && !ops.iter().any(|o| o == "verify")
        {
            return None;
        }
        let alg = match raw.alg.as_deref() {
            None => None,
            Some(a) => Some(Alg::parse(a)?),
        };
        let fixed = |s: &Option<String>, len: usize| -> Option<Vec<u8>> {
            let v = b64d(s.as_deref()?)?;
            (v.len() == len).then_some(v)
        };
        let material = match (raw.kty.as_deref()?, raw.crv.as_deref()) {
            ("RSA", _) => {
                let n = b64d(raw.n.as_deref()?)?;
                let e = b64d(raw.e.as_deref()?)?;
                if n.len() < 256 || n.len() > 1024 || e.is_empty() || e.len() > 8 {
                    return None;
                }
                let comps = signature::RsaPublicKeyComponents { n: &n, e: &e };
                let parsed = Alg::ALL
                    .into_iter()
                    .filter(|a| a.name().starts_with(['R', 'P']))
                    .map(|a| {
                        let k = comps.to_parsed_public_key(rsa_params(a)).ok()?;
                        Some((a, Parsed(Arc::new(k))))
                    })
                    .collect::<Option<Vec<_>>>()?;
                Material::Rsa { n, e, parsed }
            }
            ("EC", Some(crv @ ("P-256" | "P-384"))) => {
                let len = if crv == "P-256" { 32 } else { 48 };
                let mut point = vec![4u8];
                point.extend(fixed(&raw.x, len)?);
                point.extend(fixed(&raw.y, len)?);
                if crv == "P-256" {
                    let parsed = Parsed::new(&signature::ECDSA_P256_SHA256_FIXED, &point)?;
                    Material::P256(point, parsed)
                } else {
                    let parsed = Parsed::new(&signature::ECDSA_P384_SHA384_FIXED, &point)?;
                    Material::P384(point, parsed)
                }
            }
            ("OKP", Some("Ed25519")) => {
                let x = fixed(&raw.x, 32)?;
                let parsed = Parsed::new(&signature::ED25519, &x)?;
                Material::Ed25519(x, parsed)
            }
            _ => return None,
        };
        let jwk = Jwk {
            kid: raw.kid.filter(|k| k.len() <= 256),
            alg,
            material,
        };
        if let Some(a) = alg
            && !jwk.fits(a)
        {
            return None;
        }
        Some(jwk)
    }

    /// Whether this key can verify `alg` (type, curve and, when the JWK names one, its `alg`).
    #[must_use]
    pub fn fits(&self, alg: Alg) -> bool {
        if self.alg.is_some_and(|a| a != alg) {
            return false;
        }
        matches!(
            (&self.material, alg),
            (
                Material::Rsa { .. },
                Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512
            ) | (Material::P256(..), Alg::ES256)
                | (Material::P384(..), Alg::ES384)
                | (Material::Ed25519(..), Alg::EdDSA)
        )
    }

    /// Verify `sig` over `msg` with `alg`; the caller has checked [`Jwk::fits`].
    pub(crate) fn verify(&self, alg: Alg, msg: &[u8], sig: &[u8]) -> Result<(), TokenError> {
        if !self.fits(alg) {
            return Err(TokenError::KeyAlgMismatch {
                kid: self.kid.clone().unwrap_or_default(),
                alg: alg.name(),
            });
        }
        let parsed = match &self.material {
            Material::Rsa { parsed, .. } => parsed.iter().find(|(a, _)| *a == alg).map(|(_, p)| p),
            Material::P256(_, p) | Material::P384(_, p) | Material::Ed25519(_, p) => Some(p),
        };
        let ok = parsed.is_some_and(|p| p.0.verify_sig(msg, sig).is_ok());
        if ok {
            Ok(())
        } else {
            Err(TokenError::BadSignature)
        }
    }

    /// RFC 7638 thumbprint (SHA-256, base64url).
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let canonical = match &self.material {
            Material::Rsa { n, e, .. } => {
                format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, b64e(e), b64e(n))
            }
            Material::P256(p, _) | Material::P384(p, _) => {
                let crv = if matches!(self.material, Material::P256(..)) {
                    "P-256"
                } else {
                    "P-384"
                };
                let half = (p.len() - 1) / 2;
                format!(
                    r#"{{"crv":"{crv}","kty":"EC","x":"{}","y":"{}"}}"#,
                    b64e(&p[1..=half]),
                    b64e(&p[half + 1..])
                )
            }
            Material::Ed25519(x, _) => {
                format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64e(x))
            }
        };
        b64e(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes()).as_ref())
    }

    /// Parse a single JWK from JSON (used for DPoP proof headers).
    pub(crate) fn from_value(v: serde_json::Value) -> Option<Jwk> {
        Jwk::from_raw(serde_json::from_value(v).ok()?)
    }
}

fn rsa_params(alg: Alg) -> &'static signature::RsaParameters {
    // Minimum 2048-bit modulus for every RSA algorithm.
    match alg {
        Alg::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Alg::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Alg::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
        Alg::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
        Alg::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
        _ => &signature::RSA_PKCS1_2048_8192_SHA256,
    }
}

/// A JSON Web Key Set holding only usable public signature keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jwks {
    keys: Vec<Jwk>,
}

impl Jwks {
    /// Parse a JWKS document. Keys that cannot be used for signature verification are skipped;
    /// documents that are too large, not a JWKS, or have too many keys are refused.
    ///
    /// # Errors
    /// [`JwksError`] when the document is refused as a whole.
    pub fn parse(bytes: &[u8]) -> Result<Jwks, JwksError> {
        if bytes.len() > MAX_JWKS_BYTES {
            return Err(JwksError::TooLarge {
                max: MAX_JWKS_BYTES,
            });
        }
        #[derive(Deserialize)]
        struct Doc {
            keys: Vec<serde_json::Value>,
        }
        let doc: Doc = serde_json::from_slice(bytes).map_err(|_| JwksError::NotAJwks)?;
        if doc.keys.len() > MAX_JWKS_KEYS {
            return Err(JwksError::TooManyKeys { max: MAX_JWKS_KEYS });
        }
        let keys = doc.keys.into_iter().filter_map(Jwk::from_value).collect();
        Ok(Jwks { keys })
    }

    /// The usable keys.
    #[must_use]
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// Find the key for a token header. With a `kid`, the key with that id; without, the only
    /// key that fits `alg` (several candidates are ambiguous and refused).
    ///
    /// # Errors
    /// [`TokenError::UnknownKid`] or [`TokenError::KeyAlgMismatch`].
    pub fn find(&self, kid: Option<&str>, alg: Alg) -> Result<&Jwk, TokenError> {
        let unknown = || TokenError::UnknownKid {
            kid: kid.unwrap_or_default().to_owned(),
            alg: alg.name(),
        };
        match kid {
            Some(kid) => {
                let mut same_kid = self.keys.iter().filter(|k| k.kid.as_deref() == Some(kid));
                let first = same_kid.clone().next().ok_or_else(unknown)?;
                same_kid
                    .find(|k| k.fits(alg))
                    .ok_or_else(|| TokenError::KeyAlgMismatch {
                        kid: first.kid.clone().unwrap_or_default(),
                        alg: alg.name(),
                    })
            }
            None => {
                let mut fitting = self.keys.iter().filter(|k| k.fits(alg));
                match (fitting.next(), fitting.next()) {
                    (Some(k), None) => Ok(k),
                    _ => Err(unknown()),
                }
            }
        }
    }
}

/// The protected header members this crate looks at.
#[derive(Debug, Clone, Deserialize)]
pub struct Header {
    /// `alg`
    pub alg: String,
    /// `kid`
    #[serde(default)]
    pub kid: Option<String>,
    /// `typ`
    #[serde(default)]
    pub typ: Option<String>,
    /// `crit` (refused when present)
    #[serde(default)]
    crit: Option<serde_json::Value>,
    /// `jwk` (used only for DPoP proofs, never for tokens)
    #[serde(default)]
    pub(crate) jwk: Option<serde_json::Value>,
}

/// A parsed but not yet verified compact JWS.
#[derive(Debug, Clone)]
pub struct UnverifiedJws<'a> {
    /// The protected header.
    pub header: Header,
    /// The algorithm, already checked to be a supported asymmetric one.
    pub alg: Alg,
    signing_input: &'a str,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl<'a> UnverifiedJws<'a> {
    /// Split and decode a compact JWS. Refuses oversize tokens, JWE (five parts), unsecured
    /// JWTs (`alg: none`), symmetric and unknown algorithms, and `crit` headers.
    ///
    /// # Errors
    /// The [`TokenError`] naming the first problem.
    pub fn parse(token: &'a str, max_len: usize) -> Result<Self, TokenError> {
        if token.len() > max_len {
            return Err(TokenError::Oversize {
                len: token.len(),
                max: max_len,
            });
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::NotCompactJws);
        };
        if h.len() > MAX_HEADER_BYTES {
            return Err(TokenError::Oversize {
                len: h.len(),
                max: MAX_HEADER_BYTES,
            });
        }
        let header_bytes = b64d_token(h).ok_or(TokenError::Base64(JwtPart::Header))?;
        let header: Header =
            serde_json::from_slice(&header_bytes).map_err(|_| TokenError::Json(JwtPart::Header))?;
        if header.alg.eq_ignore_ascii_case("none") {
            return Err(TokenError::AlgNone);
        }
        let alg = Alg::parse(&header.alg).ok_or_else(|| TokenError::AlgNotAllowed {
            alg: header.alg.chars().take(32).collect(),
        })?;
        if header.crit.is_some() {
            return Err(TokenError::CriticalHeader);
        }
        let payload = b64d_token(p).ok_or(TokenError::Base64(JwtPart::Payload))?;
        let signature = b64d_token(s).ok_or(TokenError::Base64(JwtPart::Signature))?;
        if signature.is_empty() {
            return Err(TokenError::BadSignature);
        }
        Ok(UnverifiedJws {
            header,
            alg,
            signing_input: &token[..h.len() + 1 + p.len()],
            payload,
            signature,
        })
    }

    /// Verify the signature with `key`, returning the payload bytes.
    ///
    /// # Errors
    /// [`TokenError::KeyAlgMismatch`] or [`TokenError::BadSignature`].
    pub fn verify(self, key: &Jwk) -> Result<Vec<u8>, TokenError> {
        key.verify(self.alg, self.signing_input.as_bytes(), &self.signature)?;
        Ok(self.payload)
    }
}

/// A private key this client signs with (`private_key_jwt` client assertions).
pub struct SigningKey {
    alg: Alg,
    kid: Option<String>,
    pair: KeyPairKind,
}

enum KeyPairKind {
    Ecdsa(signature::EcdsaKeyPair),
    Rsa(signature::RsaKeyPair),
    Ed25519(signature::Ed25519KeyPair),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Load a PKCS#8 DER private key for `alg` (ES256, ES384, RS256, PS256 or EdDSA).
    ///
    /// # Errors
    /// [`ConfigError::InvalidKey`] when the key does not match the algorithm.
    pub fn from_pkcs8_der(alg: Alg, der: &[u8], kid: Option<String>) -> Result<Self, ConfigError> {
        let bad = || ConfigError::InvalidKey { alg: alg.name() };
        let pair = match alg {
            Alg::ES256 => KeyPairKind::Ecdsa(
                signature::EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    der,
                )
                .map_err(|_| bad())?,
            ),
            Alg::ES384 => KeyPairKind::Ecdsa(
                signature::EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                    der,
                )
                .map_err(|_| bad())?,
            ),
            Alg::RS256 | Alg::PS256 => {
                KeyPairKind::Rsa(signature::RsaKeyPair::from_pkcs8(der).map_err(|_| bad())?)
            }
            Alg::EdDSA => KeyPairKind::Ed25519(
                signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|_| bad())?,
            ),
            other => return Err(ConfigError::UnsupportedSigningAlg { alg: other.name() }),
        };
        Ok(SigningKey { alg, kid, pair })
    }

    /// Generate a fresh P-256 key (used for DPoP, and handy for registering test clients).
    ///
    /// # Errors
    /// [`ConfigError::InvalidKey`] if the system random generator fails.
    pub fn generate_es256(kid: Option<String>) -> Result<(Self, Vec<u8>), ConfigError> {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let doc = signature::EcdsaKeyPair::generate_pkcs8(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &rng,
        )
        .map_err(|_| ConfigError::InvalidKey { alg: "ES256" })?;
        let der = doc.as_ref().to_vec();
        Ok((Self::from_pkcs8_der(Alg::ES256, &der, kid)?, der))
    }

    /// The algorithm.
    #[must_use]
    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The public key as a JWK object (with `kid`, `alg` and `use` when known).
    #[must_use]
    pub fn public_jwk(&self) -> serde_json::Value {
        let mut v = match &self.pair {
            KeyPairKind::Ecdsa(p) => {
                let pt = p.public_key().as_ref();
                let half = (pt.len() - 1) / 2;
                serde_json::json!({
                    "kty": "EC",
                    "crv": if half == 32 { "P-256" } else { "P-384" },
                    "x": b64e(&pt[1..=half]),
                    "y": b64e(&pt[half + 1..]),
                })
            }
            KeyPairKind::Rsa(p) => {
                let c: signature::RsaPublicKeyComponents<Vec<u8>> = p.public_key().into();
                serde_json::json!({"kty": "RSA", "n": b64e(&c.n), "e": b64e(&c.e)})
            }
            KeyPairKind::Ed25519(p) => serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64e(p.public_key().as_ref()),
            }),
        };
        if let Some(obj) = v.as_object_mut() {
            obj.insert("alg".into(), self.alg.name().into());
            obj.insert("use".into(), "sig".into());
            if let Some(kid) = &self.kid {
                obj.insert("kid".into(), kid.clone().into());
            }
        }
        v
    }

    /// The RFC 7638 thumbprint of the public key.
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let mut jwk = self.public_jwk();
        if let Some(o) = jwk.as_object_mut() {
            o.remove("alg");
            o.remove("kid");
        }
        Jwk::from_value(jwk)
            .map(|k| k.thumbprint())
            .unwrap_or_default()
    }

    /// Sign a compact JWS with the given header (alg and kid are set here) and claims.
    ///
    /// # Errors
    /// [`ConfigError::InvalidKey`] if signing fails.
    pub fn sign(
        &self,
        mut header: serde_json::Map<String, serde_json::Value>,
        claims: &serde_json::Value,
    ) -> Result<String, ConfigError> {
        header.insert("alg".into(), self.alg.name().into());
        if let Some(kid) = &self.kid {
            header.entry("kid").or_insert_with(|| kid.clone().into());
        }
        let input = format!(
            "{}.{}",
            b64e(serde_json::Value::Object(header).to_string().as_bytes()),
            b64e(claims.to_string().as_bytes())
        );
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let bad = || ConfigError::InvalidKey {
            alg: self.alg.name(),
        };
        let sig = match &self.pair {
            KeyPairKind::Ecdsa(p) => p
                .sign(&rng, input.as_bytes())
                .map_err(|_| bad())?
                .as_ref()
                .to_vec(),
            KeyPairKind::Ed25519(p) => p.sign(input.as_bytes()).as_ref().to_vec(),
            KeyPairKind::Rsa(p) => {
                let mut sig = vec![0; p.public_modulus_len()];
                let enc: &'static dyn signature::RsaEncoding = if self.alg == Alg::PS256 {
                    &signature::RSA_PSS_SHA256
                } else {
                    &signature::RSA_PKCS1_SHA256
                };
                p.sign(enc, &rng, input.as_bytes(), &mut sig)
                    .map_err(|_| bad())?;
                sig
            }
        };
        Ok(format!("{input}.{}", b64e(&sig)))
    }
}
