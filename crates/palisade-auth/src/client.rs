//! The OAuth 2.1 / OpenID Connect relying party.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use aws_lc_rs::rand::SecureRandom;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{
    CallbackError, ConfigError, DiscoveryError, Error, ErrorCode, OAuthError, TokenError,
    TokenResponseError,
};
use crate::http::{Http, SecurityMode, check_url, ok_or_error};
use crate::jose::{SigningKey, b64e};
use crate::validate::{
    Claims, Expect, JwksCache, KeySource, Kind, ValidationOptions, now, validate_async,
};

/// 32 random bytes, base64url (43 characters, 256 bits).
pub(crate) fn random_token() -> Result<String, ConfigError> {
    let mut b = [0u8; 32];
    // Fails only when the OS has no entropy source: then nothing can be done safely.
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| ConfigError::RandomUnavailable)?;
    Ok(b64e(&b))
}

fn ct_eq(a: &str, b: &str) -> bool {
    // Length is not secret (all values are 43 characters); the contents are compared without
    // early exit.
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Authorization-server metadata (the fields this crate uses).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ServerMetadata {
    /// `issuer`
    pub issuer: String,
    /// `authorization_endpoint`
    pub authorization_endpoint: Option<Url>,
    /// `token_endpoint`
    pub token_endpoint: Option<Url>,
    /// `jwks_uri`
    pub jwks_uri: Option<Url>,
    /// `userinfo_endpoint`
    pub userinfo_endpoint: Option<Url>,
    /// `revocation_endpoint`
    pub revocation_endpoint: Option<Url>,
    /// `end_session_endpoint`
    pub end_session_endpoint: Option<Url>,
    /// `pushed_authorization_request_endpoint`
    pub pushed_authorization_request_endpoint: Option<Url>,
    /// `require_pushed_authorization_requests`
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
    /// `code_challenge_methods_supported`
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// `authorization_response_iss_parameter_supported` (RFC 9207)
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// `id_token_signing_alg_values_supported`
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `dpop_signing_alg_values_supported`
    #[serde(default)]
    pub dpop_signing_alg_values_supported: Vec<String>,
}

impl ServerMetadata {
    /// Fetch OpenID Connect Discovery metadata, falling back to RFC 8414, and check that the
    /// returned `issuer` equals `issuer` exactly.
    pub(crate) async fn fetch(http: &Http, issuer: &str) -> Result<ServerMetadata, Error> {
        let iss_url = Url::parse(issuer).map_err(|_| ConfigError::InvalidUrl {
            what: "issuer",
            url: issuer.to_owned(),
        })?;
        check_url(&iss_url, http.mode, "issuer")?;
        if iss_url.query().is_some() {
            return Err(ConfigError::InvalidUrl {
                what: "issuer",
                url: issuer.to_owned(),
            }
            .into());
        }
        let oidc = Url::parse(&format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        ))
        .map_err(|_| ConfigError::InvalidUrl {
            what: "issuer",
            url: issuer.to_owned(),
        })?;
        let resp = match http.get(&oidc, HeaderMap::new()).await {
            Ok(r) => r,
            Err(Error::Http(crate::HttpError::Status { status: 404, .. })) => {
                let mut u = iss_url.clone();
                let path = iss_url.path().trim_end_matches('/');
                u.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
                http.get(&u, HeaderMap::new()).await?
            }
            Err(e) => return Err(e),
        };
        let meta: ServerMetadata = serde_json::from_slice(&resp.body)
            .map_err(|e| DiscoveryError::Invalid(e.to_string()))?;
        if meta.issuer != issuer {
            return Err(DiscoveryError::IssuerMismatch {
                expected: issuer.to_owned(),
                got: meta.issuer.chars().take(256).collect(),
            }
            .into());
        }
        for u in [
            &meta.authorization_endpoint,
            &meta.token_endpoint,
            &meta.jwks_uri,
            &meta.userinfo_endpoint,
            &meta.revocation_endpoint,
            &meta.pushed_authorization_request_endpoint,
            &meta.end_session_endpoint,
        ]
        .into_iter()
        .flatten()
        {
            check_url(u, http.mode, "endpoint")?;
        }
        Ok(meta)
    }
}

/// A secret that never shows in `Debug` output.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    #[must_use]
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret value (send it only to the party it belongs to).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How the client authenticates to the token, PAR and revocation endpoints.
#[derive(Debug)]
pub enum ClientAuth {
    /// A public client (e.g. a native app); PKCE is its only protection.
    None,
    /// HTTP Basic with the client secret (RFC 6749 §2.3.1).
    ClientSecretBasic(Secret),
    /// A JWT signed with the client's private key (RFC 7523, OIDC `private_key_jwt`).
    PrivateKeyJwt(Box<SigningKey>),
}

/// Everything a client needs besides the issuer.
#[derive(Debug)]
pub struct ClientConfig {
    /// The registered client id.
    pub client_id: String,
    /// The registered redirect URI; the callback must arrive exactly here.
    pub redirect_uri: Url,
    /// Client authentication.
    pub auth: ClientAuth,
    /// Scopes to request (default `openid`).
    pub scopes: Vec<String>,
    /// Request DPoP-bound (sender-constrained) tokens (RFC 9449).
    pub dpop: bool,
    /// Resource indicator (RFC 8707): the API the access token is for.
    pub resource: Option<String>,
    /// `Production` (HTTPS only) or the named development mode.
    pub mode: SecurityMode,
    /// Token validation tunables.
    pub validation: ValidationOptions,
}

impl ClientConfig {
    /// A configuration with secure defaults: scope `openid`, no DPoP, production mode.
    #[must_use]
    pub fn new(client_id: impl Into<String>, redirect_uri: Url, auth: ClientAuth) -> Self {
        ClientConfig {
            client_id: client_id.into(),
            redirect_uri,
            auth,
            scopes: vec!["openid".into()],
            dpop: false,
            resource: None,
            mode: SecurityMode::Production,
            validation: ValidationOptions::default(),
        }
    }
}

struct Inner {
    config: ClientConfig,
    meta: ServerMetadata,
    http: Http,
    keys: KeySource,
    dpop: Option<SigningKey>,
    dpop_nonces: Mutex<HashMap<String, String>>,
    /// Back-channel logout token `jti`s accepted and not yet expired (replay detection).
    seen_logout_jtis: Mutex<HashMap<String, i64>>,
}

/// Most logout-token ids remembered for replay detection.
const MAX_SEEN_LOGOUT_JTIS: usize = 100_000;

/// The OAuth 2.1 / OpenID Connect client. Cheap to clone; share one per issuer.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("issuer", &self.inner.meta.issuer)
            .field("client_id", &self.inner.config.client_id)
            .finish_non_exhaustive()
    }
}

/// A login in progress: the `state`, `nonce` and PKCE verifier the library generated. Store it
/// server-side (it is `Serialize`) until the callback arrives; it is consumed by
/// [`Client::validate_callback`], so a callback can be validated only once.
#[derive(Serialize, Deserialize)]
pub struct PendingAuthorization {
    issuer: String,
    client_id: String,
    redirect_uri: String,
    state: String,
    nonce: Option<String>,
    verifier: String,
    dpop_jkt: Option<String>,
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Where to send the user, and what to keep until they come back.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// Redirect the browser here.
    pub url: Url,
    /// Keep this (server-side) for the callback.
    pub pending: PendingAuthorization,
}

/// A callback whose `state`, `iss` and redirect URI were checked. Only
/// [`Client::validate_callback`] makes one, and only [`Client::exchange`] consumes it.
#[derive(Debug)]
pub struct ValidatedCallback {
    code: Secret,
    pending: PendingAuthorization,
}

/// Per-login options.
#[derive(Debug, Default, Clone)]
pub struct AuthorizeOptions {
    /// Extra scopes for this login on top of the configured ones.
    pub extra_scopes: Vec<String>,
    /// `prompt` (e.g. `login`, `consent`).
    pub prompt: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
}

/// The result of a token request.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// The access token.
    pub access_token: Secret,
    /// `true` when the access token is DPoP-bound.
    pub dpop_bound: bool,
    /// Expiry (seconds since epoch), when the server said.
    pub expires_at: Option<i64>,
    /// The refresh token (after a refresh: the rotated one).
    pub refresh_token: Option<Secret>,
    /// The raw ID token (for `id_token_hint` at logout).
    pub id_token: Option<Secret>,
    /// The validated ID token claims.
    pub id_claims: Option<Claims>,
    /// Granted scopes.
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<i64>,
    refresh_token: Option<String>,
    id_token: Option<String>,
    scope: Option<String>,
}

/// Userinfo claims (the `sub` was checked against the ID token).
#[derive(Debug, Clone)]
pub struct UserInfo {
    /// Subject.
    pub sub: String,
    /// All claims.
    pub claims: serde_json::Map<String, serde_json::Value>,
}

enum Grant<'a> {
    Code(&'a ValidatedCallback),
    Refresh(&'a str),
}

impl Client {
    /// Discover the issuer and build a client. The issuer must be `https://` (loopback `http://`
    /// only in [`SecurityMode::DevelopmentLoopback`]), its metadata must name the same issuer and
    /// advertise PKCE S256.
    ///
    /// # Errors
    /// [`ConfigError`], [`DiscoveryError`] or HTTP errors.
    pub async fn discover(issuer: &str, config: ClientConfig) -> Result<Client, Error> {
        let http = Http::new(config.mode)?;
        let meta = ServerMetadata::fetch(&http, issuer).await?;
        Self::from_metadata_with(meta, config, http)
    }

    /// Build a client from metadata you already have (checked like [`Client::discover`]).
    ///
    /// # Errors
    /// As [`Client::discover`].
    pub fn from_metadata(meta: ServerMetadata, config: ClientConfig) -> Result<Client, Error> {
        let http = Http::new(config.mode)?;
        Self::from_metadata_with(meta, config, http)
    }

    fn from_metadata_with(
        meta: ServerMetadata,
        config: ClientConfig,
        http: Http,
    ) -> Result<Client, Error> {
        if config.client_id.is_empty() || config.client_id.chars().any(char::is_control) {
            return Err(ConfigError::InvalidClientId.into());
        }
        config.validation.check()?;
        check_url(&config.redirect_uri, config.mode, "redirect_uri")?;
        if !meta
            .code_challenge_methods_supported
            .iter()
            .any(|m| m == "S256")
        {
            return Err(DiscoveryError::PkceS256NotSupported.into());
        }
        if meta.authorization_endpoint.is_none() {
            return Err(DiscoveryError::MissingField("authorization_endpoint").into());
        }
        if meta.token_endpoint.is_none() {
            return Err(DiscoveryError::MissingField("token_endpoint").into());
        }
        let keys = match &meta.jwks_uri {
            Some(u) => KeySource::Remote(Arc::new(JwksCache::new(u.clone(), config.mode)?)),
            None => KeySource::Static(Arc::default()),
        };
        let dpop = if config.dpop {
            Some(SigningKey::generate_es256(None)?.0)
        } else {
            None
        };
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                meta,
                http,
                keys,
                dpop,
                dpop_nonces: Mutex::default(),
                seen_logout_jtis: Mutex::default(),
            }),
        })
    }

    /// The server metadata.
    #[must_use]
    pub fn metadata(&self) -> &ServerMetadata {
        &self.inner.meta
    }

    /// The issuer identifier.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.inner.meta.issuer
    }

    /// The DPoP key's thumbprint when DPoP is on.
    #[must_use]
    pub fn dpop_thumbprint(&self) -> Option<String> {
        self.inner.dpop.as_ref().map(SigningKey::thumbprint)
    }

    /// Start a login with the configured scopes.
    ///
    /// # Errors
    /// PAR errors when the server offers PAR.
    pub async fn authorize(&self) -> Result<AuthorizationRequest, Error> {
        self.authorize_with(AuthorizeOptions::default()).await
    }

    /// Start a login. Generates `state`, `nonce` (when `openid` is requested) and a PKCE S256
    /// verifier; pushes the request (PAR) when the server offers it.
    ///
    /// # Errors
    /// PAR errors when the server offers PAR.
    pub async fn authorize_with(
        &self,
        opts: AuthorizeOptions,
    ) -> Result<AuthorizationRequest, Error> {
        let c = &self.inner.config;
        let mut scopes: Vec<&str> = c.scopes.iter().map(String::as_str).collect();
        for s in &opts.extra_scopes {
            if !scopes.contains(&s.as_str()) {
                scopes.push(s);
            }
        }
        let scope = scopes.join(" ");
        let state = random_token()?;
        let verifier = random_token()?;
        let nonce = if scopes.contains(&"openid") {
            Some(random_token()?)
        } else {
            None
        };
        let challenge = b64e(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes()).as_ref(),
        );
        let dpop_jkt = self.dpop_thumbprint();
        let mut params: Vec<(&str, String)> = vec![
            ("response_type", "code".into()),
            ("client_id", c.client_id.clone()),
            ("redirect_uri", c.redirect_uri.to_string()),
            ("scope", scope),
            ("state", state.clone()),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256".into()),
        ];
        if let Some(n) = &nonce {
            params.push(("nonce", n.clone()));
        }
        if let Some(r) = &c.resource {
            params.push(("resource", r.clone()));
        }
        if let Some(j) = &dpop_jkt {
            params.push(("dpop_jkt", j.clone()));
        }
        if let Some(p) = opts.prompt {
            params.push(("prompt", p));
        }
        if let Some(h) = opts.login_hint {
            params.push(("login_hint", h));
        }
        let endpoint = self
            .inner
            .meta
            .authorization_endpoint
            .clone()
            .ok_or(ConfigError::MissingEndpoint("authorization_endpoint"))?;
        let mut url = endpoint;
        if let Some(par) = self
            .inner
            .meta
            .pushed_authorization_request_endpoint
            .clone()
        {
            #[derive(Deserialize)]
            struct Par {
                request_uri: String,
            }
            let resp = self.post(&par, params, None, None).await?;
            let par: Par = resp.json(&par)?;
            url.query_pairs_mut()
                .append_pair("client_id", &c.client_id)
                .append_pair("request_uri", &par.request_uri);
        } else {
            let mut q = url.query_pairs_mut();
            for (k, v) in &params {
                q.append_pair(k, v);
            }
        }
        Ok(AuthorizationRequest {
            url,
            pending: PendingAuthorization {
                issuer: self.inner.meta.issuer.clone(),
                client_id: c.client_id.clone(),
                redirect_uri: c.redirect_uri.to_string(),
                state,
                nonce,
                verifier,
                dpop_jkt,
            },
        })
    }

    /// Validate the callback URL the browser arrived at: exact redirect URI, `state`, RFC 9207
    /// `iss`, error responses, `code`.
    ///
    /// # Errors
    /// [`CallbackError`].
    pub fn validate_callback(
        &self,
        pending: PendingAuthorization,
        callback: &Url,
    ) -> Result<ValidatedCallback, Error> {
        let mut base = callback.clone();
        base.set_query(None);
        base.set_fragment(None);
        let mut expected =
            Url::parse(&pending.redirect_uri).map_err(|_| ConfigError::InvalidUrl {
                what: "redirect_uri",
                url: pending.redirect_uri.clone(),
            })?;
        expected.set_query(None);
        if base != expected {
            return Err(CallbackError::RedirectUriMismatch {
                expected: expected.to_string(),
                got: base.to_string(),
            }
            .into());
        }
        self.validate_callback_query(pending, callback.query().unwrap_or(""))
    }

    /// Like [`Client::validate_callback`] for a handler mounted at the redirect URI's path,
    /// given the raw query string.
    ///
    /// # Errors
    /// [`CallbackError`].
    pub fn validate_callback_query(
        &self,
        pending: PendingAuthorization,
        query: &str,
    ) -> Result<ValidatedCallback, Error> {
        if query.len() > 8192 {
            return Err(CallbackError::TooLarge.into());
        }
        let meta = &self.inner.meta;
        if pending.issuer != meta.issuer || pending.client_id != self.inner.config.client_id {
            return Err(CallbackError::WrongClient {
                started: pending.issuer,
                client_id: pending.client_id,
            }
            .into());
        }
        let params = parse_callback_query(query)?;
        let get = |k: &str| params.get(k).map(String::as_str);
        match get("iss") {
            Some(iss) if iss != meta.issuer => {
                return Err(CallbackError::IssuerMismatch {
                    expected: meta.issuer.clone(),
                    got: iss.chars().take(256).collect(),
                }
                .into());
            }
            None if meta.authorization_response_iss_parameter_supported => {
                return Err(CallbackError::IssuerMissing.into());
            }
            _ => {}
        }
        let state = get("state").ok_or(CallbackError::StateMissing)?;
        if !ct_eq(state, &pending.state) {
            return Err(CallbackError::StateMismatch.into());
        }
        if let Some(err) = get("error") {
            return Err(CallbackError::Refused(OAuthError {
                code: ErrorCode::parse(err),
                description: get("error_description").map(|d| d.chars().take(256).collect()),
                status: None,
            })
            .into());
        }
        let code = get("code")
            .filter(|c| !c.is_empty())
            .ok_or(CallbackError::CodeMissing)?;
        Ok(ValidatedCallback {
            code: Secret::new(code),
            pending,
        })
    }

    /// Exchange the validated callback's code (with the PKCE verifier) for tokens, and validate
    /// the ID token (signature, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`).
    ///
    /// # Errors
    /// [`OAuthError`] from the server (e.g. `invalid_grant` for a replayed code or wrong
    /// verifier), [`TokenError`] for a bad ID token, [`TokenResponseError`].
    pub async fn exchange(&self, callback: ValidatedCallback) -> Result<TokenSet, Error> {
        let resp = self.token_request(Grant::Code(&callback)).await?;
        self.finish_tokens(resp, callback.pending.nonce.as_deref(), None, None)
            .await
    }

    /// Refresh the tokens. With refresh-token rotation the new refresh token replaces the old;
    /// a new ID token must keep the same `sub`.
    ///
    /// # Errors
    /// [`ConfigError::MissingEndpoint`] when there is no refresh token, server errors.
    pub async fn refresh(&self, tokens: &TokenSet) -> Result<TokenSet, Error> {
        let rt = tokens
            .refresh_token
            .as_ref()
            .ok_or(ConfigError::MissingEndpoint(
                "refresh_token in the token set",
            ))?;
        let resp = self.token_request(Grant::Refresh(rt.expose())).await?;
        let sub = tokens.id_claims.as_ref().and_then(|c| c.sub.clone());
        self.finish_tokens(resp, None, sub, Some(tokens)).await
    }

    /// Revoke a token (RFC 7009), typically the refresh token at logout.
    ///
    /// # Errors
    /// [`ConfigError::MissingEndpoint`] or server errors.
    pub async fn revoke(&self, token: &Secret, hint: Option<&str>) -> Result<(), Error> {
        let url = self
            .inner
            .meta
            .revocation_endpoint
            .clone()
            .ok_or(ConfigError::MissingEndpoint("revocation_endpoint"))?;
        let mut params = vec![("token", token.expose().to_owned())];
        if let Some(h) = hint {
            params.push(("token_type_hint", h.to_owned()));
        }
        self.post(&url, params, None, None).await?;
        Ok(())
    }

    /// Fetch userinfo with the access token (DPoP proof included when bound) and check that its
    /// `sub` equals the ID token's.
    ///
    /// # Errors
    /// Server errors, [`TokenError::SubjectMismatch`].
    pub async fn userinfo(&self, tokens: &TokenSet) -> Result<UserInfo, Error> {
        let url = self
            .inner
            .meta
            .userinfo_endpoint
            .clone()
            .ok_or(ConfigError::MissingEndpoint("userinfo_endpoint"))?;
        let at = tokens.access_token.expose();
        let mut attempt = 0;
        loop {
            let mut headers = HeaderMap::new();
            let scheme = if tokens.dpop_bound { "DPoP" } else { "Bearer" };
            headers.insert(
                "authorization",
                HeaderValue::from_str(&format!("{scheme} {at}"))
                    .map_err(|_| TokenResponseError::AccessTokenMissing)?,
            );
            if tokens.dpop_bound {
                self.add_dpop(&mut headers, "GET", &url, Some(at))?;
            }
            let r = self
                .inner
                .http
                .send(reqwest::Method::GET, &url, headers, None)
                .await?;
            if self.retry_with_nonce(&r, &url) && attempt == 0 {
                attempt += 1;
                continue;
            }
            let r = ok_or_error(r, &url)?;
            let claims: serde_json::Map<String, serde_json::Value> = r.json(&url)?;
            let sub = claims
                .get("sub")
                .and_then(|s| s.as_str())
                .ok_or(TokenError::MissingClaim("sub"))?
                .to_owned();
            if let Some(id) = tokens.id_claims.as_ref().and_then(|c| c.sub.as_deref())
                && id != sub
            {
                return Err(TokenError::SubjectMismatch.into());
            }
            return Ok(UserInfo { sub, claims });
        }
    }

    /// The `Authorization` header value (and the `DPoP` proof when the tokens are DPoP-bound)
    /// for calling an API at `url` with `method`.
    ///
    /// # Errors
    /// [`ConfigError`] if signing the proof fails.
    pub fn api_headers(
        &self,
        tokens: &TokenSet,
        method: &str,
        url: &Url,
    ) -> Result<(String, Option<String>), Error> {
        let at = tokens.access_token.expose();
        if !tokens.dpop_bound {
            return Ok((format!("Bearer {at}"), None));
        }
        let mut h = HeaderMap::new();
        self.add_dpop(&mut h, method, url, Some(at))?;
        let proof = h
            .get("dpop")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok((format!("DPoP {at}"), proof))
    }

    /// The RP-initiated logout URL (OIDC RP-Initiated Logout), when the server has one.
    #[must_use]
    pub fn end_session_url(
        &self,
        tokens: Option<&TokenSet>,
        post_logout_redirect_uri: Option<&Url>,
    ) -> Option<Url> {
        let mut u = self.inner.meta.end_session_endpoint.clone()?;
        {
            let mut q = u.query_pairs_mut();
            q.append_pair("client_id", &self.inner.config.client_id);
            if let Some(id) = tokens.and_then(|t| t.id_token.as_ref()) {
                q.append_pair("id_token_hint", id.expose());
            }
            if let Some(p) = post_logout_redirect_uri {
                q.append_pair("post_logout_redirect_uri", p.as_str());
            }
        }
        Some(u)
    }

    async fn token_request(&self, grant: Grant<'_>) -> Result<TokenResponse, Error> {
        let url = self
            .inner
            .meta
            .token_endpoint
            .clone()
            .ok_or(ConfigError::MissingEndpoint("token_endpoint"))?;
        let params = match grant {
            Grant::Code(cb) => vec![
                ("grant_type", "authorization_code".to_owned()),
                ("code", cb.code.expose().to_owned()),
                ("redirect_uri", cb.pending.redirect_uri.clone()),
                ("code_verifier", cb.pending.verifier.clone()),
            ],
            Grant::Refresh(rt) => vec![
                ("grant_type", "refresh_token".to_owned()),
                ("refresh_token", rt.to_owned()),
            ],
        };
        let resp = self.post(&url, params, Some("POST"), None).await?;
        Ok(resp.json(&url)?)
    }

    async fn finish_tokens(
        &self,
        r: TokenResponse,
        nonce: Option<&str>,
        expected_sub: Option<String>,
        previous: Option<&TokenSet>,
    ) -> Result<TokenSet, Error> {
        let at = r
            .access_token
            .filter(|a| !a.is_empty())
            .ok_or(TokenResponseError::AccessTokenMissing)?;
        let tt = r.token_type.unwrap_or_default();
        let expected = if self.inner.dpop.is_some() {
            "DPoP"
        } else {
            "Bearer"
        };
        if !tt.eq_ignore_ascii_case(expected) {
            return Err(TokenResponseError::WrongTokenType {
                expected,
                got: tt.chars().take(32).collect(),
            }
            .into());
        }
        let openid = self.inner.config.scopes.iter().any(|s| s == "openid");
        let id_claims = match &r.id_token {
            Some(id) => Some(self.validate_id_token(id, nonce).await?),
            None if openid && previous.is_none() => {
                return Err(TokenResponseError::IdTokenMissing.into());
            }
            None => None,
        };
        if let (Some(sub), Some(c)) = (&expected_sub, &id_claims)
            && c.sub.as_ref() != Some(sub)
        {
            return Err(TokenError::SubjectMismatch.into());
        }
        Ok(TokenSet {
            access_token: Secret::new(at),
            dpop_bound: self.inner.dpop.is_some(),
            expires_at: r.expires_in.map(|e| now().saturating_add(e)),
            refresh_token: r
                .refresh_token
                .map(Secret::new)
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            id_token: r
                .id_token
                .map(Secret::new)
                .or_else(|| previous.and_then(|p| p.id_token.clone())),
            id_claims: id_claims.or_else(|| previous.and_then(|p| p.id_claims.clone())),
            scope: r.scope,
        })
    }

    /// Validate an ID token from this issuer for this client.
    ///
    /// # Errors
    /// [`TokenError`].
    pub async fn validate_id_token(
        &self,
        token: &str,
        nonce: Option<&str>,
    ) -> Result<Claims, Error> {
        let mut opts = self.inner.config.validation.clone();
        let advertised = &self.inner.meta.id_token_signing_alg_values_supported;
        if !advertised.is_empty() {
            opts.algorithms
                .retain(|a| advertised.iter().any(|x| x == a.name()));
        }
        let e = Expect {
            issuer: &self.inner.meta.issuer,
            audience: &self.inner.config.client_id,
            kind: Kind::IdToken,
            now: now(),
        };
        let claims = validate_async(token, &self.inner.keys, &e, &opts).await?;
        if let Some(n) = nonce
            && !claims.nonce.as_deref().is_some_and(|c| ct_eq(c, n))
        {
            return Err(TokenError::NonceMismatch.into());
        }
        Ok(claims)
    }

    /// Validate an OpenID Connect back-channel logout token (Back-Channel Logout 1.0 §2.6):
    /// signature with the issuer's keys, `typ` `logout+jwt`, `iss`, `aud` (this client),
    /// `iat`, `exp`, `jti`, the `events` member
    /// `http://schemas.openid.net/event/backchannel-logout`, `sid` or `sub`, no `nonce`, and a
    /// `jti` not seen before (remembered until the token expires). The returned claims'
    /// `sid`/`sub` name the sessions to end.
    ///
    /// # Errors
    /// [`TokenError`] (including [`TokenError::Logout`]) or key-fetch errors.
    pub async fn validate_logout_token(&self, token: &str) -> Result<Claims, Error> {
        let mut opts = self.inner.config.validation.clone();
        let advertised = &self.inner.meta.id_token_signing_alg_values_supported;
        if !advertised.is_empty() {
            opts.algorithms
                .retain(|a| advertised.iter().any(|x| x == a.name()));
        }
        let t = now();
        let e = Expect {
            issuer: &self.inner.meta.issuer,
            audience: &self.inner.config.client_id,
            kind: Kind::LogoutToken,
            now: t,
        };
        let claims = validate_async(token, &self.inner.keys, &e, &opts).await?;
        let leeway = i64::try_from(opts.leeway.as_secs().min(300)).unwrap_or(300);
        let until = claims.exp.unwrap_or(t).saturating_add(leeway);
        let jti = claims.jti.clone().unwrap_or_default();
        let mut seen = self
            .inner
            .seen_logout_jtis
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= MAX_SEEN_LOGOUT_JTIS {
            seen.retain(|_, exp| *exp >= t);
        }
        if seen.len() >= MAX_SEEN_LOGOUT_JTIS {
            // Fail closed rather than forget ids that could still be replayed.
            return Err(TokenError::Logout(crate::error::LogoutTokenError::Replayed).into());
        }
        if seen.insert(jti, until).is_some() {
            return Err(TokenError::Logout(crate::error::LogoutTokenError::Replayed).into());
        }
        Ok(claims)
    }

    fn client_assertion(&self, key: &SigningKey) -> Result<String, ConfigError> {
        let c = &self.inner.config;
        let t = now();
        let claims = serde_json::json!({
            "iss": c.client_id,
            "sub": c.client_id,
            "aud": self.inner.meta.issuer,
            "jti": random_token()?,
            "iat": t,
            "exp": t + 60,
        });
        let mut h = serde_json::Map::new();
        h.insert("typ".into(), "JWT".into());
        key.sign(h, &claims)
    }

    fn add_dpop(
        &self,
        headers: &mut HeaderMap,
        method: &str,
        url: &Url,
        access_token: Option<&str>,
    ) -> Result<(), Error> {
        let Some(key) = &self.inner.dpop else {
            return Ok(());
        };
        let mut htu = url.clone();
        htu.set_query(None);
        htu.set_fragment(None);
        let mut claims = serde_json::json!({
            "jti": random_token()?,
            "htm": method,
            "htu": htu.as_str(),
            "iat": now(),
        });
        let origin = url.origin().ascii_serialization();
        if let Some(n) = self
            .inner
            .dpop_nonces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&origin)
        {
            claims["nonce"] = n.clone().into();
        }
        if let Some(at) = access_token {
            claims["ath"] =
                b64e(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, at.as_bytes()).as_ref())
                    .into();
        }
        let mut h = serde_json::Map::new();
        h.insert("typ".into(), "dpop+jwt".into());
        let mut jwk = key.public_jwk();
        if let Some(o) = jwk.as_object_mut() {
            o.remove("alg");
            o.remove("use");
        }
        h.insert("jwk".into(), jwk);
        let proof = key.sign(h, &claims)?;
        if let Ok(v) = HeaderValue::from_str(&proof) {
            headers.insert("dpop", v);
        }
        Ok(())
    }

    /// Remember a `DPoP-Nonce`; true when the response asks to retry with it.
    fn retry_with_nonce(&self, r: &crate::http::Response, url: &Url) -> bool {
        let Some(nonce) = r.header("dpop-nonce") else {
            return false;
        };
        if nonce.len() > 512 || self.inner.dpop.is_none() {
            return false;
        }
        self.inner
            .dpop_nonces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(url.origin().ascii_serialization(), nonce.to_owned());
        (r.status == 400 || r.status == 401)
            && r.oauth_error()
                .is_some_and(|e| e.code == ErrorCode::UseDpopNonce)
    }

    /// POST a form with client authentication (and a DPoP proof when `dpop_method` is set and
    /// DPoP is on); retries once on `use_dpop_nonce`.
    async fn post(
        &self,
        url: &Url,
        mut params: Vec<(&str, String)>,
        dpop_method: Option<&str>,
        access_token: Option<&str>,
    ) -> Result<crate::http::Response, Error> {
        let c = &self.inner.config;
        let mut headers = HeaderMap::new();
        let has_id = params.iter().any(|(k, _)| *k == "client_id");
        match &c.auth {
            ClientAuth::None if has_id => {}
            ClientAuth::None => params.push(("client_id", c.client_id.clone())),
            ClientAuth::ClientSecretBasic(secret) => {
                let enc = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                let cred = base64ct::Base64::encode_string(
                    format!("{}:{}", enc(&c.client_id), enc(secret.expose())).as_bytes(),
                );
                headers.insert(
                    "authorization",
                    HeaderValue::from_str(&format!("Basic {cred}"))
                        .map_err(|_| ConfigError::InvalidClientId)?,
                );
            }
            ClientAuth::PrivateKeyJwt(_) => {
                if !has_id {
                    params.push(("client_id", c.client_id.clone()));
                }
                params.push((
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
                ));
            }
        }
        let mut attempt = 0;
        loop {
            let mut body_params = params.clone();
            if let ClientAuth::PrivateKeyJwt(key) = &c.auth {
                body_params.push(("client_assertion", self.client_assertion(key)?));
            }
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(body_params.iter().map(|(k, v)| (*k, v.as_str())))
                .finish();
            let mut h = headers.clone();
            if let Some(m) = dpop_method {
                self.add_dpop(&mut h, m, url, access_token)?;
            }
            let r = self
                .inner
                .http
                .send(reqwest::Method::POST, url, h, Some(body))
                .await?;
            if attempt == 0 && self.retry_with_nonce(&r, url) {
                attempt += 1;
                continue;
            }
            return ok_or_error(r, url);
        }
    }
}

use base64ct::Encoding as _;

/// Parse a callback query string, refusing duplicate parameters.
///
/// # Errors
/// [`CallbackError::DuplicateParameter`] or [`CallbackError::TooLarge`].
pub fn parse_callback_query(query: &str) -> Result<HashMap<String, String>, CallbackError> {
    if query.len() > 8192 {
        return Err(CallbackError::TooLarge);
    }
    let mut params = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if params.len() >= 32 {
            return Err(CallbackError::TooLarge);
        }
        if params.insert(k.to_string(), v.to_string()).is_some() {
            return Err(CallbackError::DuplicateParameter(
                k.chars().take(64).collect(),
            ));
        }
    }
    Ok(params)
}
