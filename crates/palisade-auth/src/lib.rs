//! # palisade-auth: the paved-road OAuth 2.1 + PKCE, OpenID Connect and JWT library
//!
//! One [`Client`] for relying parties and one [`AccessTokenValidator`] for resource servers,
//! with the secure choices made by the library instead of the caller:
//!
//! - Authorization code with PKCE **S256 only**; implicit, password and `plain` do not exist.
//! - `state`, `nonce` and the PKCE verifier are generated and held by the library in a
//!   [`PendingAuthorization`]; the code can only be exchanged through a [`ValidatedCallback`],
//!   which only [`Client::validate_callback`] creates (typestate).
//! - Discovery checks issuer equality; the RFC 9207 `iss` response parameter is checked (and
//!   required when the server advertises it); the redirect URI is compared exactly.
//! - PAR (RFC 9126) is used automatically when the server offers it; DPoP (RFC 9449) is one
//!   flag ([`ClientConfig::dpop`]); client authentication is none, `client_secret_basic` or
//!   `private_key_jwt`; refresh rotates; revocation and userinfo are built in.
//! - The HTTP client follows **no redirects**, bounds bodies and time, and refuses non-HTTPS URLs
//!   except loopback in the explicitly named [`SecurityMode::DevelopmentLoopback`].
//! - JWT validation per RFC 8725 / RFC 9068: an allow-list of asymmetric algorithms bound to the
//!   key type (no `none`, no HS*, no header-supplied keys), `iss`, `aud`, `exp`, `nbf`, `iat`
//!   checked with a small leeway, `typ` checked, `azp` for multi-audience ID tokens, size
//!   limits, and a JWKS cache refreshed on unknown `kid` at a limited rate.
//! - Errors are enums ([`Error`] and the per-area enums it wraps) saying what failed and why.
//!
//! With the `axum` feature, [`axum_integration`] adds login/callback/logout handlers with a
//! `__Host-` session cookie and CSRF protection, and a bearer-token layer for APIs.
//!
//! ## Dependencies and why
//! - `aws-lc-rs`: every signature verification and signing (RSA PKCS#1/PSS, ECDSA
//!   P-256/P-384, Ed25519), SHA-256, HMAC, AES-GCM (session store) and the system RNG. It
//!   keeps ring's misuse-resistant API, is maintained by AWS (AWS-LC, formally verified P-256
//!   and Ed25519 parts), and lets a JWKS key be parsed once (`ParsedPublicKey`) instead of on
//!   every token: ES256 validation is ~6 % cheaper than with `ring` (docs/benchmarks.md). It
//!   builds with the C compiler alone (no CMake, no Go, no NASM on x86-64 Linux). RustCrypto's
//!   pure-Rust `p256` measured 4.4x slower than either; its `rsa` has an open timing advisory
//!   (Marvin). RSA verification enforces 2048-bit minimum keys.
//! - `base64`: fast strict (unpadded, canonical) decoding of token parts; `base64ct`
//!   (constant-time) stays for key material.
//! - `rusqlite` (optional, feature `sqlite`, bundled SQLite): the persistent session store.
//! - `reqwest` (rustls, no default features): an async HTTP client whose redirect policy can be
//!   set to none and whose TLS is pure Rust with webpki roots; async because the axum
//!   integration runs on tokio.
//! - `base64ct`: constant-time base64url decoding for key material and tokens.
//! - `serde_json` / `serde`: JSON with duplicate-field rejection for known claims.
//! - `url`: WHATWG URL parsing for issuers, endpoints and exact redirect-URI comparison.
//! - `tokio` (sync): the async mutex serialising JWKS refreshes.
//! - `axum` (optional): the integration layer.
//!
//! `jsonwebtoken`, `oauth2` and `openidconnect` are deliberately not used: their defaults leave
//! the checks this crate exists for to the caller.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "axum")]
pub mod axum_integration;
mod client;
mod error;
mod http;
mod jose;
pub mod session;
mod validate;

pub use client::{
    AuthorizationRequest, AuthorizeOptions, Client, ClientAuth, ClientConfig, PendingAuthorization,
    Secret, ServerMetadata, TokenSet, UserInfo, ValidatedCallback, parse_callback_query,
};
pub use error::{
    CallbackError, ConfigError, DiscoveryError, DpopError, Error, ErrorCode, HttpError, JwksError,
    JwtPart, LogoutTokenError, OAuthError, SessionStoreError, TokenError, TokenResponseError,
};
pub use http::{MAX_BODY_BYTES, SecurityMode, check_url};
pub use jose::{
    Alg, DEFAULT_MAX_TOKEN_BYTES, Header, Jwk, Jwks, MAX_JWKS_BYTES, MAX_JWKS_KEYS, SigningKey,
    UnverifiedJws,
};
pub use validate::{
    AccessTokenValidator, Audience, Claims, Confirmation, JwksCache, KeySource, Presentation,
    ValidationOptions, now, verify_dpop_proof,
};
