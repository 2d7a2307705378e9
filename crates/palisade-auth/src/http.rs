//! The HTTP client: no redirects, HTTPS only (loopback HTTP only in the named development
//! mode), bounded bodies and timeouts.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use url::Url;

use crate::error::{ConfigError, ErrorCode, HttpError, OAuthError};

/// Whether plain-HTTP loopback servers are acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SecurityMode {
    /// Every URL (issuer, endpoints, JWKS) must be `https://`.
    #[default]
    Production,
    /// Development only: additionally accepts `http://` URLs whose host is a loopback address
    /// (`127.0.0.0/8`, `::1`, `localhost`). Never use this in production.
    DevelopmentLoopback,
}

/// Largest response body read from any endpoint.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// Check that `url` may be contacted (or used as issuer / redirect target) in `mode`.
///
/// # Errors
/// [`ConfigError::InsecureUrl`] or [`ConfigError::InvalidUrl`].
pub fn check_url(url: &Url, mode: SecurityMode, what: &'static str) -> Result<(), ConfigError> {
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(ConfigError::InvalidUrl {
            what,
            url: url.to_string(),
        });
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if mode == SecurityMode::DevelopmentLoopback && is_loopback(url) => Ok(()),
        "http" | "https" => Err(ConfigError::InsecureUrl {
            url: url.to_string(),
        }),
        _ => Err(ConfigError::InvalidUrl {
            what,
            url: url.to_string(),
        }),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// A response that was read completely (bounded).
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json<T: serde::de::DeserializeOwned>(&self, url: &Url) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body).map_err(|source| HttpError::Json {
            url: url.to_string(),
            source,
        })
    }

    /// The OAuth error in this response (RFC 6749 §5.2 body, or RFC 6750 `WWW-Authenticate`).
    pub fn oauth_error(&self) -> Option<OAuthError> {
        #[derive(serde::Deserialize)]
        struct Body {
            error: String,
            error_description: Option<String>,
        }
        if let Ok(b) = serde_json::from_slice::<Body>(&self.body) {
            return Some(OAuthError {
                code: ErrorCode::parse(&b.error),
                description: b.error_description.map(|d| d.chars().take(256).collect()),
                status: Some(self.status),
            });
        }
        let www = self.headers.get("www-authenticate")?.to_str().ok()?;
        let start = www.find("error=\"")? + 7;
        let end = www[start..].find('"')? + start;
        Some(OAuthError {
            code: ErrorCode::parse(&www[start..end]),
            description: None,
            status: Some(self.status),
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The hardened HTTP client every request of this crate goes through.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    pub mode: SecurityMode,
}

impl Http {
    pub fn new(mode: SecurityMode) -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("palisade-auth/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| HttpError::Transport {
                url: String::new(),
                source,
            })?;
        Ok(Http { client, mode })
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        url: &Url,
        headers: HeaderMap,
        form: Option<String>,
    ) -> Result<Response, crate::Error> {
        check_url(url, self.mode, "endpoint")?;
        let mut req = self
            .client
            .request(method, url.clone())
            .headers(headers)
            .header("accept", HeaderValue::from_static("application/json"));
        if let Some(body) = form {
            req = req
                .header(
                    "content-type",
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                )
                .body(body);
        }
        let transport = |source| HttpError::Transport {
            url: url.to_string(),
            source,
        };
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        if (300..400).contains(&status) {
            return Err(HttpError::Redirect {
                url: url.to_string(),
                status,
            }
            .into());
        }
        if resp
            .content_length()
            .is_some_and(|l| l > MAX_BODY_BYTES as u64)
        {
            return Err(HttpError::BodyTooLarge {
                url: url.to_string(),
                max: MAX_BODY_BYTES,
            }
            .into());
        }
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(HttpError::BodyTooLarge {
                    url: url.to_string(),
                    max: MAX_BODY_BYTES,
                }
                .into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// GET a JSON document; non-2xx answers become an [`OAuthError`] or [`HttpError::Status`].
    pub async fn get(&self, url: &Url, headers: HeaderMap) -> Result<Response, crate::Error> {
        let r = self.send(reqwest::Method::GET, url, headers, None).await?;
        ok_or_error(r, url)
    }
}

pub(crate) fn ok_or_error(r: Response, url: &Url) -> Result<Response, crate::Error> {
    if (200..300).contains(&r.status) {
        return Ok(r);
    }
    Err(match r.oauth_error() {
        Some(e) => e.into(),
        None => HttpError::Status {
            url: url.to_string(),
            status: r.status,
        }
        .into(),
    })
}
