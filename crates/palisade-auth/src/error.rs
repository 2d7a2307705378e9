//! Typed errors: every failure names what failed and why, as an enum the caller can match.

use std::fmt;

/// The one error type of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured in a way that would be insecure or cannot work.
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    /// The authorization server's metadata is unusable.
    #[error("discovery: {0}")]
    Discovery(#[from] DiscoveryError),
    /// The authorization response (the redirect back to the client) was rejected.
    #[error("callback: {0}")]
    Callback(#[from] CallbackError),
    /// A JWT (ID token, access token, DPoP proof) was rejected.
    #[error("token: {0}")]
    Token(#[from] TokenError),
    /// A JSON Web Key Set was rejected.
    #[error("jwks: {0}")]
    Jwks(#[from] JwksError),
    /// Talking to the server failed.
    #[error("http: {0}")]
    Http(#[from] HttpError),
    /// The server answered with an OAuth error response.
    #[error("{0}")]
    OAuth(#[from] OAuthError),
    /// The token endpoint's answer violates the protocol.
    #[error("token response: {0}")]
    TokenResponse(#[from] TokenResponseError),
    /// The session store failed.
    #[error("session store: {0}")]
    Session(#[from] SessionStoreError),
}

/// Session store failures.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[non_exhaustive]
pub enum SessionStoreError {
    /// The backend (database) failed.
    #[error("{message}")]
    Backend {
        /// The backend's message.
        message: String,
    },
    /// A stored session could not be decrypted or decoded (tampered, or another key).
    #[error("a stored session is corrupt or sealed with another key")]
    Corrupt,
}

/// Client configuration problems.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Production mode accepts only `https://` URLs.
    #[error(
        "`{url}` is not https; only loopback http is allowed, and only in SecurityMode::DevelopmentLoopback"
    )]
    InsecureUrl {
        /// The refused URL.
        url: String,
    },
    /// A URL could not be parsed or has parts that are not allowed (userinfo, fragment).
    #[error("`{url}` is not an acceptable {what} URL")]
    InvalidUrl {
        /// Which URL (issuer, redirect_uri, ...).
        what: &'static str,
        /// The refused value.
        url: String,
    },
    /// A private key could not be loaded for the chosen algorithm.
    #[error("the private key is not a PKCS#8 key for {alg}")]
    InvalidKey {
        /// The algorithm the key was meant for.
        alg: &'static str,
    },
    /// This algorithm cannot be used for signing client assertions.
    #[error("{alg} cannot be used to sign client assertions")]
    UnsupportedSigningAlg {
        /// The algorithm.
        alg: &'static str,
    },
    /// The server does not offer an endpoint the operation needs.
    #[error("the server metadata has no {0}")]
    MissingEndpoint(&'static str),
    /// The client id is empty or contains control characters.
    #[error("the client_id is empty or contains control characters")]
    InvalidClientId,
    /// The operating system's random generator failed.
    #[error("the system random number generator is unavailable")]
    RandomUnavailable,
    /// The leeway is larger than five minutes.
    #[error("a clock leeway of {secs} s is too large (at most 300 s)")]
    LeewayTooLarge {
        /// Requested leeway.
        secs: u64,
    },
}

/// Authorization-server metadata problems (RFC 8414 / OpenID Connect Discovery).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The metadata's `issuer` differs from the issuer we asked for (mix-up defence).
    #[error("metadata issuer `{got}` differs from the configured issuer `{expected}`")]
    IssuerMismatch {
        /// Configured issuer.
        expected: String,
        /// Issuer in the metadata.
        got: String,
    },
    /// A required metadata field is absent.
    #[error("metadata lacks `{0}`")]
    MissingField(&'static str),
    /// The server does not advertise PKCE with S256.
    #[error("the server does not advertise PKCE S256 in code_challenge_methods_supported")]
    PkceS256NotSupported,
    /// The metadata is not valid JSON of the expected shape.
    #[error("metadata is not valid: {0}")]
    Invalid(String),
}

/// Why an authorization response was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// The callback URL is not the registered redirect URI (compared exactly).
    #[error("the callback was received at `{got}`, not at the redirect URI `{expected}`")]
    RedirectUriMismatch {
        /// Redirect URI the authorization was started with.
        expected: String,
        /// Where the callback arrived.
        got: String,
    },
    /// A parameter occurs more than once.
    #[error("the parameter `{0}` occurs more than once")]
    DuplicateParameter(String),
    /// No `state` parameter.
    #[error("the response has no state")]
    StateMissing,
    /// `state` differs from the one this login started with (CSRF / injected response).
    #[error("the response's state does not match this login")]
    StateMismatch,
    /// The server advertises RFC 9207 but the response carries no `iss`.
    #[error("the server advertises RFC 9207 but the response has no iss")]
    IssuerMissing,
    /// The response's `iss` is not our issuer (mix-up attack).
    #[error("the response comes from issuer `{got}`, expected `{expected}`")]
    IssuerMismatch {
        /// Our issuer.
        expected: String,
        /// The `iss` parameter.
        got: String,
    },
    /// The pending login was started by another client or issuer than the one completing it.
    #[error(
        "this login was started with issuer `{started}` / client `{client_id}`, not this client"
    )]
    WrongClient {
        /// Issuer the login was started with.
        started: String,
        /// Client the login was started with.
        client_id: String,
    },
    /// No `code` parameter.
    #[error("the response has no code")]
    CodeMissing,
    /// The server answered the authorization request with an error.
    #[error("the authorization server refused: {0}")]
    Refused(OAuthError),
    /// The query string is longer than 8 KiB.
    #[error("the callback is too large")]
    TooLarge,
}

/// Which part of a compact JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtPart {
    /// The protected header.
    Header,
    /// The payload.
    Payload,
    /// The signature.
    Signature,
}

impl fmt::Display for JwtPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Payload => "payload",
            Self::Signature => "signature",
        })
    }
}

/// Why a JWT was rejected (RFC 8725, RFC 9068, OpenID Connect Core 3.1.3.7).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The token is longer than the configured limit.
    #[error("the token is {len} bytes, more than the limit of {max}")]
    Oversize {
        /// Token length.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// Not three dot-separated parts (JWE and unsecured forms are refused too).
    #[error("not a compact JWS (expected three dot-separated parts)")]
    NotCompactJws,
    /// A part is not base64url without padding.
    #[error("the {0} is not base64url")]
    Base64(JwtPart),
    /// A part is not the expected JSON.
    #[error("the {0} is not a valid JSON object")]
    Json(JwtPart),
    /// `alg: none` (unsecured JWT) is never accepted.
    #[error("alg `none` is never accepted")]
    AlgNone,
    /// The algorithm is symmetric, unknown or not in the allow-list.
    #[error("alg `{alg}` is not allowed")]
    AlgNotAllowed {
        /// The header's alg.
        alg: String,
    },
    /// The header lists `crit` extensions we do not understand.
    #[error("the header has critical extensions this library does not understand")]
    CriticalHeader,
    /// The `typ` header is not the required one.
    #[error("typ `{got}` is not `{expected}`")]
    WrongType {
        /// Required typ.
        expected: &'static str,
        /// The header's typ (empty when absent).
        got: String,
    },
    /// No key in the JWKS has this `kid` (after a rate-limited refresh).
    #[error("no key with kid `{kid}` for {alg}")]
    UnknownKid {
        /// The header's kid (empty when absent).
        kid: String,
        /// The header's alg.
        alg: &'static str,
    },
    /// The key with this `kid` is of another type than `alg` requires (RS/HS/ES confusion).
    #[error("key `{kid}` cannot verify {alg}")]
    KeyAlgMismatch {
        /// The key id.
        kid: String,
        /// The header's alg.
        alg: &'static str,
    },
    /// The signature does not verify.
    #[error("the signature does not verify")]
    BadSignature,
    /// A required claim is absent or has the wrong JSON type.
    #[error("claim `{0}` is missing or has the wrong type")]
    MissingClaim(&'static str),
    /// `iss` is not the expected issuer.
    #[error("issuer `{got}` is not `{expected}`")]
    IssuerMismatch {
        /// Expected issuer.
        expected: String,
        /// The token's iss.
        got: String,
    },
    /// `aud` does not contain the expected audience.
    #[error("the audience does not include `{expected}`")]
    AudienceMismatch {
        /// Expected audience.
        expected: String,
    },
    /// An ID token with several audiences lacks the right `azp`.
    #[error("azp does not name this client")]
    AzpMismatch,
    /// `exp` has passed (beyond the leeway).
    #[error("the token expired at {exp} (now {now})")]
    Expired {
        /// exp claim.
        exp: i64,
        /// Current time.
        now: i64,
    },
    /// `nbf` is in the future (beyond the leeway).
    #[error("the token is not valid before {nbf} (now {now})")]
    NotYetValid {
        /// nbf claim.
        nbf: i64,
        /// Current time.
        now: i64,
    },
    /// `iat` is in the future (beyond the leeway).
    #[error("the token was issued in the future ({iat}, now {now})")]
    IssuedInFuture {
        /// iat claim.
        iat: i64,
        /// Current time.
        now: i64,
    },
    /// The ID token's `nonce` differs from this login's.
    #[error("the ID token's nonce does not match this login")]
    NonceMismatch,
    /// The access token lacks required scopes.
    #[error("the token lacks the required scope(s) {missing:?}")]
    InsufficientScope {
        /// Scopes missing.
        missing: Vec<String>,
    },
    /// The token is bound to a DPoP key (`cnf.jkt`) but no valid proof came with it.
    #[error("the token is DPoP-bound; {0}")]
    Dpop(DpopError),
    /// `auth_time` is older than the required maximum age.
    #[error("the user authenticated at {auth_time}, too long before {now}")]
    AuthenticationTooOld {
        /// auth_time claim.
        auth_time: i64,
        /// Current time.
        now: i64,
    },
    /// `acr` is not one of the accepted values.
    #[error("acr `{got}` is not accepted")]
    AcrNotAccepted {
        /// The token's acr (empty when absent).
        got: String,
    },
    /// `amr` does not list a required method.
    #[error("amr does not include `{method}`")]
    AmrMissing {
        /// Required method.
        method: String,
    },
    /// The ID token's `sub` changed on refresh, or the userinfo `sub` differs.
    #[error("the subject changed")]
    SubjectMismatch,
    /// A back-channel logout token breaks OpenID Connect Back-Channel Logout 1.0 §2.4/§2.6.
    #[error("logout token: {0}")]
    Logout(LogoutTokenError),
}

/// Why a back-channel logout token was refused (OpenID Connect Back-Channel Logout 1.0).
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum LogoutTokenError {
    /// The `events` claim lacks the `http://schemas.openid.net/event/backchannel-logout` member
    /// (or its value is not a JSON object).
    #[error("the events claim lacks the back-channel logout event")]
    MissingEvent,
    /// Neither `sid` nor `sub` is present: the token names no session.
    #[error("neither sid nor sub is present")]
    NoSubjectOrSession,
    /// A `nonce` claim is present (prohibited, so an ID token cannot pass as a logout token).
    #[error("a nonce claim is present")]
    NoncePresent,
    /// This `jti` was already accepted (replay).
    #[error("the token was already used (jti replay)")]
    Replayed,
}

/// DPoP proof problems (RFC 9449).
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum DpopError {
    /// Presented with the `Bearer` scheme or without a proof.
    #[error("no DPoP proof was presented")]
    ProofMissing,
    /// The proof is malformed or its signature does not verify.
    #[error("the DPoP proof is invalid")]
    ProofInvalid,
    /// `htm`/`htu` do not match the request.
    #[error("the DPoP proof is for another request")]
    WrongRequest,
    /// The proof's key is not the one the token is bound to, or `ath` is wrong.
    #[error("the DPoP proof's key or ath does not match the token")]
    WrongKey,
    /// The proof's `iat` is too old or in the future.
    #[error("the DPoP proof is stale")]
    Stale,
    /// The proof's `jti` was already used.
    #[error("the DPoP proof was replayed")]
    Replayed,
}

/// JWKS problems.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwksError {
    /// The document is larger than the limit.
    #[error("the JWKS is larger than {max} bytes")]
    TooLarge {
        /// Limit.
        max: usize,
    },
    /// Not a JSON object with a `keys` array.
    #[error("the JWKS is not a JSON object with a keys array")]
    NotAJwks,
    /// More keys than the limit.
    #[error("the JWKS has more than {max} keys")]
    TooManyKeys {
        /// Limit.
        max: usize,
    },
}

/// Transport-level failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// Connecting, sending or reading failed.
    #[error("request to {url} failed: {source}")]
    Transport {
        /// Target URL.
        url: String,
        /// Cause.
        source: reqwest::Error,
    },
    /// The server answered with a redirect; this client never follows redirects (SSRF defence).
    #[error("{url} answered {status} redirect; redirects are never followed")]
    Redirect {
        /// Target URL.
        url: String,
        /// HTTP status.
        status: u16,
    },
    /// The server answered with an unexpected status and no OAuth error body.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// Target URL.
        url: String,
        /// HTTP status.
        status: u16,
    },
    /// The body exceeds the limit.
    #[error("the response from {url} exceeds {max} bytes")]
    BodyTooLarge {
        /// Target URL.
        url: String,
        /// Limit.
        max: usize,
    },
    /// The body is not the JSON we expected.
    #[error("the response from {url} is not valid JSON: {source}")]
    Json {
        /// Target URL.
        url: String,
        /// Cause.
        source: serde_json::Error,
    },
}

/// The error codes of RFC 6749, RFC 6750, RFC 9449 and OpenID Connect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_request`
    InvalidRequest,
    /// `invalid_client`
    InvalidClient,
    /// `invalid_grant` (expired, replayed or wrongly-bound code, wrong PKCE verifier, ...)
    InvalidGrant,
    /// `unauthorized_client`
    UnauthorizedClient,
    /// `unsupported_grant_type`
    UnsupportedGrantType,
    /// `invalid_scope`
    InvalidScope,
    /// `access_denied`
    AccessDenied,
    /// `invalid_token`
    InvalidToken,
    /// `invalid_dpop_proof`
    InvalidDpopProof,
    /// `use_dpop_nonce`
    UseDpopNonce,
    /// `login_required`, `consent_required`, `interaction_required`, ...
    InteractionRequired(String),
    /// Any other code.
    Other(String),
}

impl ErrorCode {
    /// Parse a code string.
    #[must_use]
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "access_denied" => Self::AccessDenied,
            "invalid_token" => Self::InvalidToken,
            "invalid_dpop_proof" => Self::InvalidDpopProof,
            "use_dpop_nonce" => Self::UseDpopNonce,
            "login_required"
            | "consent_required"
            | "interaction_required"
            | "account_selection_required" => Self::InteractionRequired(code.to_owned()),
            other => Self::Other(other.chars().take(64).collect()),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::AccessDenied => "access_denied",
            Self::InvalidToken => "invalid_token",
            Self::InvalidDpopProof => "invalid_dpop_proof",
            Self::UseDpopNonce => "use_dpop_nonce",
            Self::InteractionRequired(s) | Self::Other(s) => s,
        })
    }
}

/// An OAuth error response from the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the server answered `{code}`{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
pub struct OAuthError {
    /// The `error` code.
    pub code: ErrorCode,
    /// `error_description`, truncated to 256 characters.
    pub description: Option<String>,
    /// The HTTP status, when the error came from an endpoint (not a redirect).
    pub status: Option<u16>,
}

/// Protocol violations in a token endpoint response.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenResponseError {
    /// `token_type` is not the one we asked for (`DPoP` when DPoP is on, else `Bearer`).
    #[error("token_type `{got}` but `{expected}` was expected")]
    WrongTokenType {
        /// Expected type.
        expected: &'static str,
        /// Received type.
        got: String,
    },
    /// `openid` was requested but no `id_token` came back.
    #[error("the response has no id_token although openid was requested")]
    IdTokenMissing,
    /// `access_token` is absent or empty.
    #[error("the response has no access_token")]
    AccessTokenMissing,
}
