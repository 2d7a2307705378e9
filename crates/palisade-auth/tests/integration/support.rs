//! Test support: the oidc-provider process, a scripted browser, a tiny fake server, and
//! locally-signed tokens.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use palisade_auth::{Client, ClientAuth, ClientConfig, Secret, SecurityMode, SigningKey, TokenSet};
use url::Url;

pub const RESOURCE: &str = "https://api.example.test";
pub const REDIRECT: &str = "http://127.0.0.1:9/callback";
pub const APP_REDIRECT: &str = "http://127.0.0.1:9/auth/callback";

pub struct Provider {
    child: Child,
    pub issuer: String,
    pub client_key_der: Vec<u8>,
    /// Bound before the provider starts: `bcl-client`'s `backchannel_logout_uri` points here
    /// (`/backchannel-logout`). Taken by the one test that serves it.
    pub backchannel_listener: std::sync::Mutex<Option<std::net::TcpListener>>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start() -> Result<Provider, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    if !dir.join("node_modules/oidc-provider/package.json").exists() {
        return Err(format!(
            "{}/node_modules is missing (run .ci/setup-auth.sh)",
            dir.display()
        ));
    }
    let (key, der) = SigningKey::generate_es256(Some("client-key-1".into())).unwrap();
    let bcl = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let bcl_uri = format!("http://{}/backchannel-logout", bcl.local_addr().unwrap());
    let config = serde_json::json!({
        "redirect_uris": [REDIRECT, APP_REDIRECT],
        "client_jwks": { "keys": [key.public_jwk()] },
        "backchannel_logout_uri": bcl_uri,
    });
    let port = free_port();
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("PORT", port.to_string())
        .env("PALISADE_OIDC_CONFIG", config.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(iss) = line.strip_prefix("READY ") {
                let _ = tx.send(iss.to_owned());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(issuer) => Ok(Provider {
            child,
            issuer,
            client_key_der: der,
            backchannel_listener: std::sync::Mutex::new(Some(bcl)),
        }),
        Err(_) => {
            let _ = child.kill();
            Err("oidc-provider did not become ready in 30 s".into())
        }
    }
}

/// The shared provider, or `None` (after printing why) when Node or the packages are missing
/// locally. Under `CI=true` a missing provider fails the test.
pub fn provider() -> Option<&'static Provider> {
    static P: OnceLock<Result<Provider, String>> = OnceLock::new();
    match P.get_or_init(start) {
        Ok(p) => Some(p),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("oidc-provider is required in CI: {why}")
        }
        Err(why) => {
            println!("SKIP: {why}");
            None
        }
    }
}

pub enum Auth {
    Basic,
    Jwt,
    Public,
}

pub fn config(
    p: &Provider,
    auth: Auth,
    dpop: bool,
    resource: bool,
    redirect: &str,
) -> ClientConfig {
    let (id, auth) = match auth {
        Auth::Basic => (
            "basic-client",
            ClientAuth::ClientSecretBasic(Secret::new("basic-client-secret-for-tests-only")),
        ),
        Auth::Jwt => (
            "jwt-client",
            ClientAuth::PrivateKeyJwt(Box::new(
                SigningKey::from_pkcs8_der(
                    palisade_auth::Alg::ES256,
                    &p.client_key_der,
                    Some("client-key-1".into()),
                )
                .unwrap(),
            )),
        ),
        Auth::Public => ("public-client", ClientAuth::None),
    };
    let mut c = ClientConfig::new(id, Url::parse(redirect).unwrap(), auth);
    c.scopes = vec!["openid".into(), "email".into()];
    if resource {
        c.scopes.push("api:read".into());
        c.resource = Some(RESOURCE.into());
    }
    c.dpop = dpop;
    c.mode = SecurityMode::DevelopmentLoopback;
    c
}

pub async fn client(p: &Provider, auth: Auth, dpop: bool, resource: bool) -> Client {
    Client::discover(&p.issuer, config(p, auth, dpop, resource, REDIRECT))
        .await
        .unwrap()
}

/// Follow the provider's redirects like a browser (with cookies) until it redirects to the
/// client's redirect URI; return that URL. The scripted interaction logs in "alice".
pub async fn browse(start: &Url) -> Url {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut cookies: HashMap<String, String> = HashMap::new();
    let mut url = start.clone();
    for _ in 0..10 {
        let cookie = cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let resp = http
            .get(url.clone())
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        for sc in resp.headers().get_all("set-cookie") {
            let sc = sc.to_str().unwrap();
            let pair = sc.split(';').next().unwrap();
            if let Some((k, v)) = pair.split_once('=') {
                cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = resp.status();
        assert!(
            status.is_redirection(),
            "expected a redirect from {url}, got {status}: {}",
            resp.text().await.unwrap_or_default()
        );
        let loc = resp.headers()["location"].to_str().unwrap().to_owned();
        let next = url.join(&loc).unwrap();
        if next.as_str().starts_with("http://127.0.0.1:9/") {
            return next;
        }
        url = next;
    }
    panic!("too many redirects");
}

/// Run a full login and return the tokens.
pub async fn login(client: &Client) -> TokenSet {
    let req = client.authorize().await.unwrap();
    let cb = browse(&req.url).await;
    let validated = client.validate_callback(req.pending, &cb).unwrap();
    client.exchange(validated).await.unwrap()
}

/// Replace (or remove, with `None`) a query parameter.
pub fn with_param(url: &Url, name: &str, value: Option<&str>) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut u = url.clone();
    u.set_query(None);
    {
        let mut q = u.query_pairs_mut();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        if let Some(v) = value {
            q.append_pair(name, v);
        }
    }
    u
}

/// A one-route-at-a-time fake HTTP server on 127.0.0.1: answers `routes[path]` as
/// (status, extra headers, body). Returns the base URL.
pub async fn fake_server(
    routes: impl Fn(&str, &str) -> (u16, Vec<(String, String)>, String) + Send + Sync + 'static,
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let base2 = base.clone();
    let routes = std::sync::Arc::new(routes);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let routes = routes.clone();
            let base = base2.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                let mut n = 0;
                loop {
                    let Ok(m) = sock.read(&mut buf[n..]).await else {
                        return;
                    };
                    if m == 0 {
                        return;
                    }
                    n += m;
                    let text = String::from_utf8_lossy(&buf[..n]).to_string();
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let len = text[..head_end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if n >= head_end + 4 + len || n == buf.len() {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = text.split(' ').nth(1).unwrap_or("/").to_owned();
                let (status, headers, body) = routes(&base, &path);
                let mut resp = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    resp.push_str(&format!("{k}: {v}\r\n"));
                }
                resp.push_str("\r\n");
                resp.push_str(&body);
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    base
}

/// Metadata for a fake issuer at `base`.
pub fn fake_metadata(base: &str) -> String {
    serde_json::json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/auth"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
    })
    .to_string()
}

pub fn b64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64UrlUnpadded::encode_string(bytes)
}

/// Sign a token with a local key: header fields merged over `{alg, kid}`.
pub fn sign(key: &SigningKey, header: serde_json::Value, claims: serde_json::Value) -> String {
    let h = header.as_object().cloned().unwrap_or_default();
    key.sign(h, &claims).unwrap()
}
