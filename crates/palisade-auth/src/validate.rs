//! JWT validation (RFC 8725 best practices, RFC 9068 access tokens, OpenID Connect ID tokens),
//! the JWKS cache, and DPoP proof verification for resource servers.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use url::Url;

use crate::error::{ConfigError, DpopError, Error, JwtPart, TokenError};
use crate::http::{Http, SecurityMode};
use crate::jose::{Alg, DEFAULT_MAX_TOKEN_BYTES, Jwk, Jwks, UnverifiedJws, b64e};

/// Seconds since the Unix epoch.
#[must_use]
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Tunables shared by every validator. The defaults are the secure choice.
#[derive(Debug, Clone)]
pub struct ValidationOptions {
    /// Clock skew tolerated on `exp`, `nbf` and `iat` (default 30 s, at most 300 s).
    pub leeway: Duration,
    /// Largest token accepted (default 16 KiB).
    pub max_token_bytes: usize,
    /// Accepted algorithms (default: every supported asymmetric one; each is bound to its key type).
    pub algorithms: Vec<Alg>,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        ValidationOptions {
            leeway: Duration::from_secs(30),
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            algorithms: Alg::ALL.to_vec(),
        }
    }
}

impl ValidationOptions {
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        if self.leeway > Duration::from_secs(300) {
            return Err(ConfigError::LeewayTooLarge {
                secs: self.leeway.as_secs(),
            });
        }
        Ok(())
    }
    fn leeway_secs(&self) -> i64 {
        i64::try_from(self.leeway.as_secs().min(300)).unwrap_or(300)
    }
}

/// `aud`: one string or an array of strings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Audience {
    /// A single audience.
    One(String),
    /// Several audiences.
    Many(Vec<String>),
}

impl Audience {
    /// Whether `aud` names `who`.
    #[must_use]
    pub fn contains(&self, who: &str) -> bool {
        match self {
            Audience::One(a) => a == who,
            Audience::Many(v) => v.iter().any(|a| a == who),
        }
    }
    fn len(&self) -> usize {
        match self {
            Audience::One(_) => 1,
            Audience::Many(v) => v.len(),
        }
    }
}

/// The `cnf` claim (RFC 9449 §6).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Confirmation {
    /// JWK SHA-256 thumbprint of the DPoP key the token is bound to.
    pub jkt: Option<String>,
}

/// The registered claims this crate checks, from a verified token. Other claims are available
/// through [`Claims::extra`].
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: Option<String>,
    /// Subject.
    pub sub: Option<String>,
    /// Audience.
    pub aud: Option<Audience>,
    /// Expiry (seconds since epoch).
    #[serde(default, deserialize_with = "numeric_date")]
    pub exp: Option<i64>,
    /// Not before.
    #[serde(default, deserialize_with = "numeric_date")]
    pub nbf: Option<i64>,
    /// Issued at.
    #[serde(default, deserialize_with = "numeric_date")]
    pub iat: Option<i64>,
    /// JWT id.
    pub jti: Option<String>,
    /// Authorized party (ID tokens).
    pub azp: Option<String>,
    /// Nonce (ID tokens).
    pub nonce: Option<String>,
    /// Space-separated scopes (access tokens).
    pub scope: Option<String>,
    /// Client the token was issued to (access tokens, RFC 9068).
    pub client_id: Option<String>,
    /// Confirmation (DPoP binding).
    pub cnf: Option<Confirmation>,
    /// Authentication context class reference.
    pub acr: Option<String>,
    /// Authentication methods references.
    pub amr: Option<Vec<String>>,
    /// When the user authenticated.
    #[serde(default, deserialize_with = "numeric_date")]
    pub auth_time: Option<i64>,
    /// OP session id (ID tokens and back-channel logout tokens).
    pub sid: Option<String>,
    /// Security event claims (back-channel logout tokens).
    pub events: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(skip)]
    raw: Vec<u8>,
}

fn numeric_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<f64>::deserialize(d)?;
    match v {
        None => Ok(None),
        Some(f) if f.is_finite() =>
        {
            #[allow(clippy::cast_possible_truncation)]
            Ok(Some(f.floor() as i64))
        }
        Some(_) => Err(serde::de::Error::custom("not a finite number")),
    }
}

impl Claims {
    /// The scopes of `scope`.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope
            .as_deref()
            .unwrap_or("")
            .split(' ')
            .filter(|s| !s.is_empty())
    }

    /// Deserialize the whole verified payload into your own type (for custom claims).
    ///
    /// # Errors
    /// When the payload does not fit `T`.
    pub fn extra<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.raw)
    }

    /// The verified payload as received (JSON).
    #[cfg(feature = "axum")]
    pub(crate) fn raw_json(&self) -> &[u8] {
        &self.raw
    }

    pub(crate) fn parse(payload: Vec<u8>) -> Result<Claims, TokenError> {
        let mut c: Claims =
            serde_json::from_slice(&payload).map_err(|_| TokenError::Json(JwtPart::Payload))?;
        c.raw = payload;
        Ok(c)
    }

    /// Require that the user authenticated at most `max_age` ago (`auth_time`, ASVS V10.3.4).
    ///
    /// # Errors
    /// [`TokenError::MissingClaim`] or [`TokenError::AuthenticationTooOld`].
    pub fn require_recent_auth(
        &self,
        max_age: std::time::Duration,
        now: i64,
    ) -> Result<(), TokenError> {
        let t = self
            .auth_time
            .ok_or(TokenError::MissingClaim("auth_time"))?;
        let max = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
        if now.saturating_sub(t) > max {
            return Err(TokenError::AuthenticationTooOld { auth_time: t, now });
        }
        Ok(())
    }

    /// Require one of the accepted `acr` values (authentication strength, ASVS V10.3.4).
    ///
    /// # Errors
    /// [`TokenError::AcrNotAccepted`].
    pub fn require_acr(&self, accepted: &[&str]) -> Result<(), TokenError> {
        match self.acr.as_deref() {
            Some(a) if accepted.contains(&a) => Ok(()),
            other => Err(TokenError::AcrNotAccepted {
                got: other.unwrap_or_default().chars().take(64).collect(),
            }),
        }
    }

    /// Require that `amr` lists the given method (e.g. `mfa`, `hwk`).
    ///
    /// # Errors
    /// [`TokenError::AcrNotAccepted`] naming the missing method.
    pub fn require_amr(&self, method: &str) -> Result<(), TokenError> {
        if self
            .amr
            .as_ref()
            .is_some_and(|m| m.iter().any(|x| x == method))
        {
            Ok(())
        } else {
            Err(TokenError::AmrMissing {
                method: method.chars().take(64).collect(),
            })
        }
    }

    /// Check that every scope in `required` was granted.
    ///
    /// # Errors
    /// [`TokenError::InsufficientScope`] listing the missing scopes.
    pub fn require_scopes(&self, required: &[&str]) -> Result<(), TokenError> {
        let missing: Vec<String> = required
            .iter()
            .filter(|r| !self.scopes().any(|s| s == **r))
            .map(|s| (*s).to_owned())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(TokenError::InsufficientScope { missing })
        }
    }
}

/// Which kind of token is being validated (decides `typ` and required claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum Kind {
    /// RFC 9068: `typ` must be `at+jwt`; `sub`, `client_id`, `jti` required.
    AccessToken,
    /// OIDC: `typ` absent or `JWT`; `sub` required; `azp` when several audiences.
    IdToken,
    /// OIDC Back-Channel Logout 1.0: `typ` `logout+jwt`; `jti`, `events` with the logout event,
    /// `sid` or `sub`, and no `nonce`.
    LogoutToken,
}

/// The `events` member that marks a back-channel logout token.
pub(crate) const BACKCHANNEL_LOGOUT_EVENT: &str =
    "http://schemas.openid.net/event/backchannel-logout";

pub(crate) struct Expect<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    pub kind: Kind,
    pub now: i64,
}

/// Header checks done before looking up a key.
pub(crate) fn check_header(
    jws: &UnverifiedJws<'_>,
    kind: Kind,
    opts: &ValidationOptions,
) -> Result<(), TokenError> {
    if !opts.algorithms.contains(&jws.alg) {
        return Err(TokenError::AlgNotAllowed {
            alg: jws.alg.name().to_owned(),
        });
    }
    let typ = jws.header.typ.as_deref().unwrap_or("");
    let ok = match kind {
        Kind::AccessToken => {
            typ.eq_ignore_ascii_case("at+jwt") || typ.eq_ignore_ascii_case("application/at+jwt")
        }
        Kind::IdToken => typ.is_empty() || typ.eq_ignore_ascii_case("JWT"),
        Kind::LogoutToken => {
            typ.eq_ignore_ascii_case("logout+jwt")
                || typ.eq_ignore_ascii_case("application/logout+jwt")
        }
    };
    if ok {
        Ok(())
    } else {
        Err(TokenError::WrongType {
            expected: match kind {
                Kind::AccessToken => "at+jwt",
                Kind::IdToken => "JWT",
                Kind::LogoutToken => "logout+jwt",
            },
            got: typ.chars().take(64).collect(),
        })
    }
}

/// Claim checks on a verified payload.
pub(crate) fn check_claims(
    c: &Claims,
    e: &Expect<'_>,
    opts: &ValidationOptions,
) -> Result<(), TokenError> {
    let leeway = opts.leeway_secs();
    let iss = c.iss.as_deref().ok_or(TokenError::MissingClaim("iss"))?;
    if iss != e.issuer {
        return Err(TokenError::IssuerMismatch {
            expected: e.issuer.to_owned(),
            got: iss.chars().take(256).collect(),
        });
    }
    let aud = c.aud.as_ref().ok_or(TokenError::MissingClaim("aud"))?;
    if !aud.contains(e.audience) {
        return Err(TokenError::AudienceMismatch {
            expected: e.audience.to_owned(),
        });
    }
    let exp = c.exp.ok_or(TokenError::MissingClaim("exp"))?;
    let iat = c.iat.ok_or(TokenError::MissingClaim("iat"))?;
    if exp.saturating_add(leeway) <= e.now {
        return Err(TokenError::Expired { exp, now: e.now });
    }
    if let Some(nbf) = c.nbf
        && nbf > e.now.saturating_add(leeway)
    {
        return Err(TokenError::NotYetValid { nbf, now: e.now });
    }
    if iat > e.now.saturating_add(leeway) {
        return Err(TokenError::IssuedInFuture { iat, now: e.now });
    }
    if e.kind != Kind::LogoutToken && c.sub.as_deref().is_none_or(str::is_empty) {
        return Err(TokenError::MissingClaim("sub"));
    }
    match e.kind {
        Kind::AccessToken => {
            if c.client_id.is_none() {
                return Err(TokenError::MissingClaim("client_id"));
            }
            if c.jti.is_none() {
                return Err(TokenError::MissingClaim("jti"));
            }
        }
        Kind::IdToken => {
            if (aud.len() > 1 || c.azp.is_some()) && c.azp.as_deref() != Some(e.audience) {
                return Err(TokenError::AzpMismatch);
            }
        }
        Kind::LogoutToken => {
            use crate::error::LogoutTokenError as L;
            if c.jti
                .as_deref()
                .is_none_or(|j| j.is_empty() || j.len() > 256)
            {
                return Err(TokenError::MissingClaim("jti"));
            }
            let events = c
                .events
                .as_ref()
                .ok_or(TokenError::MissingClaim("events"))?;
            if !events
                .get(BACKCHANNEL_LOGOUT_EVENT)
                .is_some_and(serde_json::Value::is_object)
            {
                return Err(TokenError::Logout(L::MissingEvent));
            }
            if c.sid.as_deref().is_none_or(str::is_empty)
                && c.sub.as_deref().is_none_or(str::is_empty)
            {
                return Err(TokenError::Logout(L::NoSubjectOrSession));
            }
            if c.nonce.is_some() {
                return Err(TokenError::Logout(L::NoncePresent));
            }
        }
    }
    Ok(())
}

/// Full synchronous validation against a key set already in memory.
pub(crate) fn validate_sync(
    token: &str,
    jwks: &Jwks,
    e: &Expect<'_>,
    opts: &ValidationOptions,
) -> Result<Claims, TokenError> {
    let jws = UnverifiedJws::parse(token, opts.max_token_bytes)?;
    check_header(&jws, e.kind, opts)?;
    let key = jwks.find(jws.header.kid.as_deref(), jws.alg)?;
    let claims = Claims::parse(jws.verify(key)?)?;
    check_claims(&claims, e, opts)?;
    Ok(claims)
}

/// Validation against a (possibly remote) key source: unknown `kid` triggers one refresh.
pub(crate) async fn validate_async(
    token: &str,
    keys: &KeySource,
    e: &Expect<'_>,
    opts: &ValidationOptions,
) -> Result<Claims, Error> {
    let jws = UnverifiedJws::parse(token, opts.max_token_bytes)?;
    check_header(&jws, e.kind, opts)?;
    let jwks = keys.jwks_for(jws.header.kid.as_deref(), jws.alg).await?;
    let key = jwks.find(jws.header.kid.as_deref(), jws.alg)?;
    let claims = Claims::parse(jws.verify(key)?)?;
    check_claims(&claims, e, opts)?;
    Ok(claims)
}

/// Where verification keys come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A fixed key set.
    Static(Arc<Jwks>),
    /// A remote `jwks_uri`, cached.
    Remote(Arc<JwksCache>),
}

impl KeySource {
    async fn jwks_for(&self, kid: Option<&str>, alg: Alg) -> Result<Arc<Jwks>, Error> {
        match self {
            KeySource::Static(j) => Ok(j.clone()),
            KeySource::Remote(c) => c.jwks_for(kid, alg).await,
        }
    }
}

#[derive(Debug, Default)]
struct CacheState {
    jwks: Arc<Jwks>,
    fetched: Option<Instant>,
    last_attempt: Option<Instant>,
}

/// A cached JWKS from a `jwks_uri`: refreshed when older than `max_age`, or when a token names
/// an unknown `kid` — at most once per `min_refresh_interval`, so forged `kid`s cannot make the
/// library hammer the server.
#[derive(Debug)]
pub struct JwksCache {
    uri: Url,
    http: Http,
    state: RwLock<CacheState>,
    refresh: tokio::sync::Mutex<()>,
    min_refresh_interval: Duration,
    max_age: Duration,
    fetches: std::sync::atomic::AtomicU64,
}

impl JwksCache {
    /// A cache for `uri` (checked against `mode`). Defaults: refresh on unknown `kid` at most every
    /// 30 s; re-fetch after 10 min.
    ///
    /// # Errors
    /// [`ConfigError`] for a refused URL, [`crate::HttpError`] if the client cannot be built.
    pub fn new(uri: Url, mode: SecurityMode) -> Result<Self, Error> {
        crate::http::check_url(&uri, mode, "jwks_uri")?;
        Ok(JwksCache {
            uri,
            http: Http::new(mode)?,
            state: RwLock::default(),
            refresh: tokio::sync::Mutex::new(()),
            min_refresh_interval: Duration::from_secs(30),
            max_age: Duration::from_secs(600),
            fetches: 0.into(),
        })
    }

    /// Change the minimum time between two refreshes.
    #[must_use]
    pub fn with_min_refresh_interval(mut self, d: Duration) -> Self {
        self.min_refresh_interval = d;
        self
    }

    /// How many times the JWKS was fetched (for monitoring and tests).
    #[must_use]
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The keys currently cached.
    #[must_use]
    pub fn cached(&self) -> Arc<Jwks> {
        self.state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .jwks
            .clone()
    }

    async fn jwks_for(&self, kid: Option<&str>, alg: Alg) -> Result<Arc<Jwks>, Error> {
        {
            let st = self
                .state
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let fresh = st.fetched.is_some_and(|t| t.elapsed() < self.max_age);
            if fresh {
                match st.jwks.find(kid, alg) {
                    Ok(_) => return Ok(st.jwks.clone()),
                    Err(TokenError::UnknownKid { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        self.refresh().await?;
        let jwks = self.cached();
        jwks.find(kid, alg)?;
        Ok(jwks)
    }

    /// Fetch the JWKS now unless it was fetched less than `min_refresh_interval` ago.
    ///
    /// # Errors
    /// HTTP or JWKS errors; the previous keys stay cached.
    pub async fn refresh(&self) -> Result<(), Error> {
        let _guard = self.refresh.lock().await;
        {
            let st = self
                .state
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if st
                .last_attempt
                .is_some_and(|t| t.elapsed() < self.min_refresh_interval)
            {
                return Ok(());
            }
        }
        {
            let mut st = self
                .state
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            st.last_attempt = Some(Instant::now());
        }
        self.fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let resp = self
            .http
            .get(&self.uri, reqwest::header::HeaderMap::new())
            .await?;
        let jwks = Jwks::parse(&resp.body)?;
        let mut st = self
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        st.jwks = Arc::new(jwks);
        st.fetched = Some(Instant::now());
        Ok(())
    }
}

/// How the access token was presented.
#[derive(Debug, Clone, Copy)]
pub struct Presentation<'a> {
    /// `Bearer` or `DPoP` (the `Authorization` scheme).
    pub dpop_scheme: bool,
    /// The `DPoP` header, if any.
    pub dpop_proof: Option<&'a str>,
    /// The request method.
    pub method: &'a str,
    /// The request URL as the client addressed it (scheme, host, path; query is ignored).
    pub url: &'a Url,
}

/// Validates RFC 9068 JWT access tokens for a resource server.
#[derive(Debug, Clone)]
pub struct AccessTokenValidator {
    issuer: String,
    audience: String,
    keys: KeySource,
    opts: ValidationOptions,
    /// DPoP proof `jti`s seen within the acceptance window (replay detection), shared by clones.
    seen_proofs: Arc<std::sync::Mutex<std::collections::HashMap<String, i64>>>,
}

/// Most DPoP proof ids remembered for replay detection.
const MAX_SEEN_PROOFS: usize = 100_000;

impl AccessTokenValidator {
    /// A validator for tokens from `issuer` meant for `audience` (your API's resource identifier).
    #[must_use]
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>, keys: KeySource) -> Self {
        AccessTokenValidator {
            issuer: issuer.into(),
            audience: audience.into(),
            keys,
            opts: ValidationOptions::default(),
            seen_proofs: Arc::default(),
        }
    }

    /// Discover the issuer's `jwks_uri` (issuer equality checked) and build a validator.
    ///
    /// # Errors
    /// Discovery, URL or HTTP errors.
    pub async fn discover(
        issuer: &str,
        audience: impl Into<String>,
        mode: SecurityMode,
    ) -> Result<Self, Error> {
        let http = Http::new(mode)?;
        let meta = crate::client::ServerMetadata::fetch(&http, issuer).await?;
        let uri = meta
            .jwks_uri
            .clone()
            .ok_or(crate::DiscoveryError::MissingField("jwks_uri"))?;
        let cache = JwksCache::new(uri, mode)?;
        Ok(Self::new(
            meta.issuer,
            audience,
            KeySource::Remote(Arc::new(cache)),
        ))
    }

    /// Replace the options.
    ///
    /// # Errors
    /// [`ConfigError::LeewayTooLarge`].
    pub fn with_options(mut self, opts: ValidationOptions) -> Result<Self, ConfigError> {
        opts.check()?;
        self.opts = opts;
        Ok(self)
    }

    fn expect(&self, now: i64) -> Expect<'_> {
        Expect {
            issuer: &self.issuer,
            audience: &self.audience,
            kind: Kind::AccessToken,
            now,
        }
    }

    /// Validate an access token (signature, `typ`, `iss`, `aud`, `exp`, `nbf`, `iat`, `sub`,
    /// `client_id`, `jti`). Does not check DPoP binding: use [`Self::validate_request`] in a
    /// resource server.
    ///
    /// # Errors
    /// [`TokenError`] (wrapped in [`Error::Token`]), or key-fetch errors.
    pub async fn validate(&self, token: &str) -> Result<Claims, Error> {
        validate_async(token, &self.keys, &self.expect(now()), &self.opts).await
    }

    /// Validate with a key set already in memory at time `now` (no I/O).
    ///
    /// # Errors
    /// [`TokenError`].
    pub fn validate_with_keys(
        &self,
        jwks: &Jwks,
        token: &str,
        now: i64,
    ) -> Result<Claims, TokenError> {
        validate_sync(token, jwks, &self.expect(now), &self.opts)
    }

    /// Validate a token as presented on a request, including the DPoP proof when the token is
    /// sender-constrained (`cnf.jkt`), and the required scopes.
    ///
    /// # Errors
    /// [`TokenError`] (wrapped), including [`TokenError::Dpop`] and
    /// [`TokenError::InsufficientScope`].
    pub async fn validate_request(
        &self,
        token: &str,
        how: Presentation<'_>,
        required_scopes: &[&str],
    ) -> Result<Claims, Error> {
        let claims = self.validate(token).await?;
        let jkt = claims.cnf.as_ref().and_then(|c| c.jkt.as_deref());
        match (jkt, how.dpop_scheme, how.dpop_proof) {
            (None, false, _) => {}
            (None, true, _) => return Err(TokenError::Dpop(DpopError::WrongKey).into()),
            (Some(_), false, _) | (Some(_), true, None) => {
                return Err(TokenError::Dpop(DpopError::ProofMissing).into());
            }
            (Some(jkt), true, Some(proof)) => {
                let t = now();
                let window = 60 + self.opts.leeway_secs();
                let jti = verify_dpop_proof(
                    proof,
                    how.method,
                    how.url,
                    token,
                    jkt,
                    t,
                    self.opts.leeway_secs(),
                )
                .map_err(TokenError::Dpop)?;
                let mut seen = self
                    .seen_proofs
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if seen.len() >= MAX_SEEN_PROOFS {
                    seen.retain(|_, at| t - *at <= 2 * window);
                }
                if seen.len() >= MAX_SEEN_PROOFS {
                    // Fail closed rather than forget proofs that are still acceptable.
                    return Err(TokenError::Dpop(DpopError::Replayed).into());
                }
                // Key by thumbprint too, so two clients' ids cannot collide.
                if seen.insert(format!("{jkt}:{jti}"), t).is_some() {
                    return Err(TokenError::Dpop(DpopError::Replayed).into());
                }
            }
        }
        claims.require_scopes(required_scopes)?;
        Ok(claims)
    }
}

/// Verify a DPoP proof (RFC 9449 §4.3) for `method` `url`, bound to `access_token` and `jkt`.
/// Returns the proof's `jti` for replay detection (which [`AccessTokenValidator::validate_request`]
/// does).
///
/// # Errors
/// The [`DpopError`] naming the failed check.
pub fn verify_dpop_proof(
    proof: &str,
    method: &str,
    url: &Url,
    access_token: &str,
    jkt: &str,
    now: i64,
    leeway: i64,
) -> Result<String, DpopError> {
    #[derive(Deserialize)]
    struct P {
        jti: String,
        htm: String,
        htu: String,
        #[serde(deserialize_with = "numeric_date")]
        iat: Option<i64>,
        ath: Option<String>,
    }
    let jws = UnverifiedJws::parse(proof, 4096).map_err(|_| DpopError::ProofInvalid)?;
    if !jws
        .header
        .typ
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt"))
    {
        return Err(DpopError::ProofInvalid);
    }
    let key = jws
        .header
        .jwk
        .clone()
        .and_then(Jwk::from_value)
        .ok_or(DpopError::ProofInvalid)?;
    let payload = jws.verify(&key).map_err(|_| DpopError::ProofInvalid)?;
    let p: P = serde_json::from_slice(&payload).map_err(|_| DpopError::ProofInvalid)?;
    if p.jti.is_empty() || p.jti.len() > 256 {
        return Err(DpopError::ProofInvalid);
    }
    let mut target = url.clone();
    target.set_query(None);
    target.set_fragment(None);
    let htu = Url::parse(&p.htu).map_err(|_| DpopError::WrongRequest)?;
    let mut htu_base = htu.clone();
    htu_base.set_query(None);
    htu_base.set_fragment(None);
    if p.htm != method || htu_base != target {
        return Err(DpopError::WrongRequest);
    }
    let iat = p.iat.ok_or(DpopError::ProofInvalid)?;
    if (iat - now).abs() > 60 + leeway {
        return Err(DpopError::Stale);
    }
    let ath = b64e(
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes()).as_ref(),
    );
    if p.ath.as_deref() != Some(ath.as_str()) || key.thumbprint() != jkt {
        return Err(DpopError::WrongKey);
    }
    Ok(p.jti)
}
